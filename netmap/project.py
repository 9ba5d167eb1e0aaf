"""The network as of a date: which rows make a partner tie, and the partner graph they make.

DESIGN section 5b. An analysis is of the partnership on one day. On that day:

- a ``ties`` row is current unless its optional ``start`` is later or its ``end`` earlier;
- an agreement is current when it is signed (its status is not ``draft``, and its
  ``signed`` date, if given, has come) and has not lapsed (status ``expired`` or
  ``terminated``, or an ``expires`` date that has passed). An agreement with no dates and
  no status counts as signed and open-ended: most workbooks leave them blank;
- a funding award is current from its ``start`` to its ``end`` (both optional, inclusive).

Anything else is ``lapsed`` (it ended) or ``planned`` (it has not begun). Only current
rows make partner ties (:func:`current_edges` is the one place that decides); lapsed and
planned ones stay in the graph, to be listed, drawn dashed and exported with a flag.

Two partners are tied when a current ``ties`` row links them, when they are parties to
the same current agreement, or when one funds the other through a current award. The
projected edge keeps what produced it: ``kinds`` counts each reason
(``{"collaboration": 1, "agreement": 2}``), ``agreements``, ``ties`` and ``awards`` list
the ids or rows behind it, and ``weight`` is the total count.

Examples
--------
>>> import datetime as dt
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for p in "ABC":
...     G.add_node(f"Partner:{p}", label="Partner", id=p, name=p)
>>> G.add_node("Agreement:M1", label="Agreement", id="M1", expires=dt.date(2025, 6, 30))
>>> for p in "ABC":
...     _ = G.add_edge(f"Partner:{p}", "Agreement:M1", key="PARTY_TO", type="PARTY_TO")
>>> _ = G.add_edge("Partner:A", "Partner:B", key="TIED_TO:2", type="TIED_TO", kind="referral", _row=2)
>>> P = project(G, as_of="2025-01-01")
>>> P.number_of_edges(), P.edges["A", "B"]["kinds"], P.edges["A", "B"]["weight"]
(3, {'referral': 1, 'agreement': 1}, 2)
>>> project(G, as_of="2026-01-01").number_of_edges()  # the MOU has lapsed
1
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations, repeat
from operator import itemgetter
from typing import Any

import networkx as nx

from netmap._gc import gc_paused
from netmap.build import funding_in_edge_order, node_key, partner_nodes
from netmap.graphcache import cached, edges_of, nodes_of, shared_cache
from netmap.ingest.validate import Tables

__all__ = [
    "CURRENT",
    "LAPSED",
    "PARTNER_ATTRS",
    "PLANNED",
    "agreement_state",
    "as_date",
    "award_state",
    "current_edges",
    "edge_state",
    "project",
    "span_state",
    "tie_state",
]

CURRENT, LAPSED, PLANNED = "current", "lapsed", "planned"
# The relationship types whose rows are dated; every other edge is always current.
DATED = ("TIED_TO", "PARTY_TO", "FUNDS", "ADMINISTERS")

# Partner attributes carried over to the projected graph.
PARTNER_ATTRS = (
    "name",
    "agency_type",
    "agency_type_name",
    "category",
    "level",
    "region",
    "team",
    "status",
    "industry",
)


def as_date(value: dt.date | str | None) -> dt.date:
    """The analysis date: a date, ISO text (``"2026-11-24"``), or None for today.

    >>> as_date("2026-11-24"), as_date(dt.datetime(2026, 11, 24, 9, 30))
    (datetime.date(2026, 11, 24), datetime.date(2026, 11, 24))
    """
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def span_state(start: dt.date | None, end: dt.date | None, day: dt.date) -> str:
    """State on ``day`` of what runs from ``start`` to ``end`` (either None: open): a tie
    row's or an award's, read from its two dates (:func:`tie_state`, :func:`award_state`).

    >>> span_state(None, dt.date(2024, 12, 31), dt.date(2025, 1, 1)), span_state(None, None, dt.date(2025, 1, 1))
    ('lapsed', 'current')
    """
    if start is not None and start > day:
        return PLANNED
    if end is not None and end < day:
        return LAPSED
    return CURRENT


def tie_state(data: dict[str, Any], day: dt.date) -> str:
    """State of a ``ties`` row (edge attributes) on ``day``: its optional ``start``/``end``.

    >>> tie_state({"end": dt.date(2024, 12, 31)}, dt.date(2025, 1, 1)), tie_state({}, dt.date(2025, 1, 1))
    ('lapsed', 'current')
    """
    return span_state(data.get("start"), data.get("end"), day)


def award_state(data: dict[str, Any], day: dt.date) -> str:
    """State of a funding award (``FUNDS`` edge attributes) on ``day``, from ``start`` to ``end``.

    >>> award_state({"start": dt.date(2027, 7, 1)}, dt.date(2026, 12, 7))
    'planned'
    """
    return span_state(data.get("start"), data.get("end"), day)


def agreement_state(data: dict[str, Any], day: dt.date) -> str:
    """State of an agreement (node attributes) on ``day``.

    Lapsed: status ``expired`` or ``terminated``, or ``expires`` before ``day``. Planned:
    status ``draft`` (unsigned), or a ``signed`` date after ``day``. Else current.

    >>> day = dt.date(2026, 12, 7)
    >>> [agreement_state(a, day) for a in ({}, {"status": "draft"}, {"expires": dt.date(2010, 6, 30)})]
    ['current', 'planned', 'lapsed']
    """
    status = data.get("status")
    expires = data.get("expires")
    if status in ("expired", "terminated") or (expires is not None and expires < day):
        return LAPSED
    signed = data.get("signed")
    if status == "draft" or (signed is not None and signed > day):
        return PLANNED
    return CURRENT


def _states(G: nx.MultiDiGraph, day: dt.date) -> tuple[dict[str, str], dict[Any, str]]:
    """Agreement node key -> state, and award id -> state, on ``day`` (once per cache)."""

    def make() -> tuple[dict[str, str], dict[Any, str]]:
        agreements = {n: agreement_state(d, day) for n, d in nodes_of(G, "Agreement").items()}
        awards = {d.get("award_id"): award_state(d, day) for _, _, d in edges_of(G, "FUNDS")}
        return agreements, awards

    return cached(G, ("relationship-states", day), make)


def edge_state(G: nx.MultiDiGraph, u: Any, v: Any, data: dict[str, Any], as_of: dt.date | str | None = None) -> str:
    """State on ``as_of`` of any edge of ``G``: dated relationships by the rules above, every
    other edge (``IS_A``, ``PERFORMS``, ...) ``"current"``.

    Exports and the map use it to flag and dash what :func:`current_edges` leaves out.
    """
    rel = data.get("type")
    if rel not in DATED:
        return CURRENT
    day = as_date(as_of)
    if rel == "TIED_TO":
        return tie_state(data, day)
    agreements, awards = _states(G, day)
    if rel == "PARTY_TO":
        return agreements.get(v, CURRENT)
    return awards.get(data.get("award_id"), CURRENT)


def current_edges(G: nx.MultiDiGraph, rel: str, as_of: dt.date | str | None = None) -> list[tuple[str, str, dict]]:
    """``(u, v, data)`` of the edges of type ``rel`` that are current on ``as_of``.

    The one rule of which rows make a partner tie: the projection, the brokers' arcs, the
    worker's arrays, resilience and the suggestions all read their ties, agreement
    memberships and awards from here. Cached per graph and date inside a
    :func:`netmap.graphcache.shared_cache`; read-only. With nothing lapsed or planned it
    is the edge index's own list.
    """
    day = as_date(as_of)
    every = edges_of(G, rel)
    if rel not in DATED:
        return every

    def make() -> list[tuple[str, str, dict]]:
        if rel == "TIED_TO":
            # Most maps date no tie: one pass that finds none keeps the list as it is.
            dated = [e for e in every if e[2].get("start") is not None or e[2].get("end") is not None]
            if not dated:
                return every
            return [e for e in every if tie_state(e[2], day) == CURRENT]
        agreements, awards = _states(G, day)
        if rel == "PARTY_TO":
            if all(s == CURRENT for s in agreements.values()):
                return every
            return [e for e in every if agreements.get(e[1], CURRENT) == CURRENT]
        if all(s == CURRENT for s in awards.values()):
            return every
        return [e for e in every if awards.get(e[2].get("award_id"), CURRENT) == CURRENT]

    return cached(G, ("current-edges", rel, day), make)


def project(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    statuses: tuple[str | None, ...] | None = None,
) -> nx.Graph:
    """The partner-partner graph of a netmap graph on one day.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph made by :func:`netmap.build_graph`. Not modified.
    as_of : date or ISO str, optional
        The day whose current ties, agreements and awards make the edges (default today).
    statuses : tuple, optional
        Keep only partners whose ``status`` is in this tuple (``None`` stands for a
        blank status). By default every partner is kept.

    Returns
    -------
    networkx.Graph
        Nodes are partner ids (as written in the workbook) with the attributes of
        :data:`PARTNER_ATTRS`; edges carry ``kinds``, ``weight``, ``agreements``,
        ``ties``, ``awards`` and ``strength`` (the strongest tie row, if any).
    """
    # One edge index for the three edge types read here (and for whatever else the caller's
    # shared cache, if any, serves).
    day = as_date(as_of)
    with gc_paused(), shared_cache():
        from netmap.graphcache import tables_of

        tables = tables_of(G)
        if tables is not None:
            P = _project_rows(G, tables, day, statuses)
            if P is not None:
                return P
        return _project(G, day, statuses)


def _project(G: nx.MultiDiGraph, day: dt.date, statuses: tuple[str | None, ...] | None) -> nx.Graph:
    P = nx.Graph(map_id=G.graph.get("map_id"), roster=G.graph.get("roster"), as_of=day)

    key_to_id: dict[str, str] = {}
    # Into the graph's own dicts, as ``P.add_node`` would put them (ids are unique).
    node, adj = P._node, P._adj
    for n, d in nodes_of(G, "Partner").items():
        if statuses is not None and d.get("status") not in statuses:
            continue
        ident = key_to_id[n] = d["id"]
        node[ident] = {a: d.get(a) for a in PARTNER_ATTRS}
        adj[ident] = {}

    # Edge data written straight into the graph's adjacency, as ``P.add_edge`` would put it
    # (both ends are nodes already), without its per-edge argument handling: each node's
    # neighbours are in the order its ties were first seen, as add_edge would leave them.
    def edge(a: str, b: str) -> dict[str, Any]:
        data = adj[a][b] = adj[b][a] = {
            "kinds": {},
            "weight": 0,
            "agreements": [],
            "ties": [],
            "awards": [],
            "strength": None,
        }
        return data

    def tie(u: str, v: str, kind: str, field: str, ref: Any) -> None:
        """Count one agreement or award between two node keys."""
        a = key_to_id.get(u)
        b = key_to_id.get(v)
        if a is None or b is None or u == v:
            return
        data = adj[a].get(b) or edge(a, b)
        kinds = data["kinds"]
        kinds[kind] = kinds.get(kind, 0) + 1
        data["weight"] += 1
        data[field].append(ref)

    # The edges by type, from the index the analyses share (within one analyze() call the
    # map's million edges are scanned once, for the projection and everything else). The
    # ties, most of them, in a loop of their own: one dict made per new pair, no call per tie.
    get_id = key_to_id.get
    for u, v, d in current_edges(G, "TIED_TO", day):
        a = get_id(u)
        b = get_id(v)
        if a is None or b is None or u == v:
            continue
        nbrs = adj[a]
        data = nbrs.get(b)
        kind = d.get("kind") or "collaboration"
        strength = d.get("strength")
        if data is None:
            nbrs[b] = adj[b][a] = {
                "kinds": {kind: 1},
                "weight": 1,
                "agreements": [],
                "ties": [d.get("_row")],
                "awards": [],
                "strength": strength,
            }
            continue
        kinds = data["kinds"]
        kinds[kind] = kinds.get(kind, 0) + 1
        data["weight"] += 1
        data["ties"].append(d.get("_row"))
        if strength is not None and (data["strength"] is None or strength > data["strength"]):
            data["strength"] = strength
    parties: dict[str, list[str]] = {}
    for u, v, _ in current_edges(G, "PARTY_TO", day):
        parties.setdefault(v, []).append(u)
    funds = [(v, d) for _, v, d in current_edges(G, "FUNDS", day) if d.get("funder_id")]
    for agreement, members in parties.items():
        ident = G.nodes[agreement]["id"]
        for u, v in combinations(sorted(set(members)), 2):
            tie(u, v, "agreement", "agreements", ident)
    for v, d in funds:
        tie(node_key("Partner", d["funder_id"]), v, "funding", "awards", d["award_id"])
    return P


def tie_places(tables: Tables, place: dict[str, int], statuses: tuple[str | None, ...] | None) -> tuple[Any, Any]:
    """Each ``ties`` row's source and target as their places in ``place`` (-1: not in it),
    as two int64 arrays.

    ``place`` numbers the partners whose status is in ``statuses`` (all, for None) from 0,
    in workbook order, as the projection and the rows' arcs both do; so inside a
    :func:`netmap.graphcache.shared_cache` the arrays are looked up once per tables and
    statuses (half a million rows, twice, on a state map) and shared.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> place = {p["id"]: i for i, p in enumerate(tables["partners"])}
    >>> src, dst = tie_places(tables, place, None)
    >>> [tables["partners"][i]["id"] for i in src[:1]] == [tables["ties"][0]["source_id"]]
    True
    """

    def make() -> tuple[Any, Any]:
        import numpy as np

        ends = (tables.column("ties", "source_id"), tables.column("ties", "target_id"))
        return tuple(np.fromiter(map(place.get, end, repeat(-1)), dtype=np.int64, count=len(end)) for end in ends)

    return cached(tables, ("tie-places", statuses), make)  # type: ignore[no-any-return]


def _project_rows(
    G: nx.MultiDiGraph, tables: Tables, day: dt.date, statuses: tuple[str | None, ...] | None
) -> nx.Graph | None:
    """:func:`_project` of the graph built from ``tables``, read off the rows (issue 24).

    The same graph, node for node and edge for edge, in the same order, without the edge
    index (a pass over every edge of the multigraph). The order is the multigraph's:
    :func:`_project` meets the ties by source partner (workbook order), then by target in
    the order of that source's first row to it, then row by row; the agreements by their
    first party in workbook order, then by row; the awards by funding stream (first seen
    first), then by recipient (first seen first), then row by row. None (read the graph
    instead) for tables validation would not pass: a repeated agreement or award id, a
    party who is not a partner.
    """
    agreements = tables["agreements"]
    funding = tables["funding"]
    if len({a["id"] for a in agreements}) != len(agreements) or len({f["id"] for f in funding}) != len(funding):
        return None
    P = nx.Graph(map_id=G.graph.get("map_id"), roster=G.graph.get("roster"), as_of=day)
    node, adj = P._node, P._adj
    position: dict[str, int] = {}  # every partner id -> its place among the graph's partners
    # The partners' node dicts as netmap.build makes them (a repeated id's first row), read as
    # _project reads the graph's: the ones the analyses share (netmap.analysis._common.partners
    # caches these same partner_nodes under this key), made once per shared cache.
    everyone = cached(G, "partners", lambda: partner_nodes(tables, map_id=G.graph["map_id"]))
    for pid, d in everyone.items():
        position[pid] = len(position)
        if statuses is not None and d.get("status") not in statuses:
            continue
        node[pid] = dict(zip(PARTNER_ATTRS, map(d.get, PARTNER_ATTRS), strict=True))  # {a: d.get(a) ...}, in C
        adj[pid] = {}

    # The ties in the multigraph's order: by source partner (workbook order), then target (the
    # order of the source's first row to it, current or not), then row by row. Found with
    # numpy rather than by grouping half a million rows in dicts: each row's ends as their
    # places among the projection's partners, each pair's first row, one sort. Rows with an
    # end off the projection, or both ends one partner, are left out; so are rows not current
    # on the day, once sorted.
    import numpy as np

    place = {pid: i for i, pid in enumerate(node)}
    sources, targets = tables.column("ties", "source_id"), tables.column("ties", "target_id")
    n_ties = len(sources)
    src, dst = tie_places(tables, place, statuses)
    usable = np.flatnonzero((src >= 0) & (dst >= 0) & (src != dst))
    pair = src[usable] * len(place) + dst[usable]
    _, first_of, which = np.unique(pair, return_index=True, return_inverse=True)
    first = usable[first_of][which]  # each usable row's pair's first row
    order = usable[np.lexsort((usable, first, src[usable]))]
    starts, ends = tables.column("ties", "start"), tables.column("ties", "end")
    if starts.count(None) != n_ties or ends.count(None) != n_ties:
        # Rows not current on the day are left out (most workbooks date none of their ties).
        order = order[[span_state(starts[i], ends[i], day) == CURRENT for i in order.tolist()]]
    # Each kept row's place in a new edge of this graph: the first of its two partners' rows,
    # whichever way round (a row from b to a adds to the edge a row from a to b made).
    lo, hi = np.minimum(src[order], dst[order]), np.maximum(src[order], dst[order])
    fresh = np.zeros(len(order), dtype=bool)
    fresh[np.unique(lo * len(place) + hi, return_index=True)[1]] = True
    # Most pairs have one row: their kinds and their empty lists of agreements and awards are
    # shared among them (the analyses only read this graph; a state map has 480,000 pairs),
    # and replaced by their own when a second row changes them (see own_kinds, tie below).
    kinds_of = tables.column("ties", "kind")
    one_kind: dict[str, dict[str, int]] = {}
    kind_of = {k: k or "collaboration" for k in set(kinds_of)}
    shared_kinds = {k: one_kind.setdefault(kind, {kind: 1}) for k, kind in kind_of.items()}
    none: list[Any] = []

    def own_kinds(data: dict[str, Any]) -> dict[str, int]:
        kinds = data["kinds"]
        if len(kinds) == 1 and kinds is one_kind.get(next(iter(kinds))):
            kinds = data["kinds"] = dict(kinds)
        return kinds

    # The rows' cells in that order, gathered at C speed, then one pass making the edges.
    rows = order.tolist()
    columns = (sources, targets, kinds_of, tables.column("ties", "strength"), tables.column("ties", "_row"))
    if len(rows) == 1:
        cells: list[Any] = [[column[rows[0]]] for column in columns]
    else:
        cells = [itemgetter(*rows)(column) if rows else () for column in columns]
    for a, b, kind, strength, row, new in zip(*cells, fresh.tolist(), strict=True):
        if new:
            adj[a][b] = adj[b][a] = {
                "kinds": shared_kinds[kind],
                "weight": 1,
                "agreements": none,
                "ties": [row],
                "awards": none,
                "strength": strength,
            }
            continue
        data = adj[a][b]
        kinds = own_kinds(data)
        kind = kind_of[kind]
        kinds[kind] = kinds.get(kind, 0) + 1
        data["weight"] += 1
        data["ties"].append(row)
        if strength is not None and (data["strength"] is None or strength > data["strength"]):
            data["strength"] = strength

    def tie(a: str, b: str, kind: str, field: str, ref: Any) -> None:
        if a == b or a not in node or b not in node:
            return
        data = adj[a].get(b)
        if data is None:
            data = adj[a][b] = adj[b][a] = {
                "kinds": {},
                "weight": 0,
                "agreements": none,
                "ties": none,
                "awards": none,
                "strength": None,
            }
        kinds = own_kinds(data)
        kinds[kind] = kinds.get(kind, 0) + 1
        data["weight"] += 1
        refs = data[field]
        if refs is none:
            data[field] = [ref]
        else:
            refs.append(ref)

    signed: list[tuple[int, int, dict[str, Any]]] = []  # (first party's place, row, agreement)
    for i, a in enumerate(agreements):
        if not a["parties"] or agreement_state(a, day) != CURRENT:
            continue
        places = [position.get(pid) for pid in a["parties"]]
        if None in places:
            return None
        signed.append((min(places), i, a))
    signed.sort(key=lambda s: s[:2])
    for _, _, a in signed:
        for u, v in combinations(sorted(set(a["parties"])), 2):
            tie(u, v, "agreement", "agreements", a["id"])

    # Awards as the graph's FUNDS edges run.
    for f in funding_in_edge_order(tables):
        if f["funder_id"] and award_state(f, day) == CURRENT:
            tie(f["funder_id"], f["recipient_id"], "funding", "awards", f["id"])
    return P
