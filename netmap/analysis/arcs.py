"""The arcs of a map's partners on one day: which way each current tie can carry information.

Undirected ties, shared agreements and funding give arcs both ways; a ``ties`` row marked
directed gives one arc, source to target. The rows are those current on the day
(:func:`netmap.project.current_edges`). The brokers count two-paths over these arcs, and
the worker (:mod:`netmap.analysis._offload`) gets them as arrays, before the partner graph
is built: both read them here, so neither imports the other.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for p in "AB":
...     G.add_node(f"Partner:{p}", label="Partner", id=p, name=p)
>>> _ = G.add_edge("Partner:A", "Partner:B", key="TIED_TO:2", type="TIED_TO", directed=True)
>>> sorted(partner_digraph(G).edges)
[('A', 'B')]
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations, compress, repeat
from operator import itemgetter, methodcaller
from typing import Any

import networkx as nx

from netmap.analysis._common import ACTIVE, as_date, cached, current_edges, nodes_of
from netmap.build import agreement_nodes, agreement_parties
from netmap.graphcache import tables_of
from netmap.project import CURRENT, agreement_state, award_state, span_state, tie_places

__all__ = ["arc_arrays", "partner_digraph", "rows_arc_arrays", "rows_arcs_weighted", "rows_partner_index"]


def _arcs(G: nx.MultiDiGraph, day: dt.date) -> tuple[dict[str, str], dict[str, Any], dict[tuple[str, str], None]]:
    """Partner node key -> id, id -> category, and the set of arcs (id pairs) of :func:`partner_digraph`.

    The rows are those current on ``day`` (:func:`netmap.project.current_edges`)."""
    keys: dict[str, str] = {}
    category: dict[str, Any] = {}
    arcs: dict[tuple[str, str], None] = {}  # a set that keeps the order arcs were found in
    for n, d in nodes_of(G, "Partner").items():
        if d.get("status") in ACTIVE:
            keys[n] = d["id"]
            category[d["id"]] = d.get("category")

    def arc(u: str, v: str, both: bool = True) -> None:
        if u in keys and v in keys and u != v:
            arcs[keys[u], keys[v]] = None
            if both:
                arcs[keys[v], keys[u]] = None

    parties: dict[str, list[str]] = {}
    for u, v, d in current_edges(G, "TIED_TO", day):
        arc(u, v, both=not d.get("directed"))
    for u, v, _ in current_edges(G, "PARTY_TO", day):
        parties.setdefault(v, []).append(u)
    for _, v, d in current_edges(G, "FUNDS", day):
        if d.get("funder_id"):
            arc(f"Partner:{d['funder_id']}", v)
    for members in parties.values():
        for u, v in combinations(members, 2):
            arc(u, v)
    return keys, category, arcs


def arc_arrays(G: nx.MultiDiGraph, as_of: dt.date | str | None = None) -> tuple[list[str], list[Any], Any, Any]:
    """:func:`_arc_arrays` on ``as_of`` (default today), made once per shared cache."""
    day = as_date(as_of)
    return cached(G, ("arc-arrays", day), lambda: _arc_arrays_of(G, day))


def _arc_arrays_of(G: nx.MultiDiGraph, day: dt.date) -> tuple[list[str], list[Any], Any, Any]:
    tables = tables_of(G)
    # The same arrays from the rows G was built from (tests/test_columns.py compares them).
    return _arc_arrays(G, day) if tables is None else rows_arc_arrays(tables, day)


def _arc_arrays(G: nx.MultiDiGraph, day: dt.date) -> tuple[list[str], list[Any], Any, Any]:
    """:func:`_arcs` as arrays: active partner ids and categories, and the arcs between them.

    The arcs (``src[i] -> dst[i]``, indexes into the ids) are those of
    :func:`partner_digraph`, each once, in no particular order: the census does not need
    one, and half a million ties are read with C-level lookups instead of a call per tie.
    """
    import numpy as np

    from netmap.analysis import _igraph

    index: dict[str, int] = {}  # node key -> position
    ids: list[str] = []
    categories: list[Any] = []
    for n, d in nodes_of(G, "Partner").items():
        if d.get("status") in ACTIVE:
            index[n] = len(ids)
            ids.append(d["id"])
            categories.append(d.get("category"))
    get = index.get

    ties = current_edges(G, "TIED_TO", day)
    count = len(ties)
    # map() over itemgetters keeps the loops in C (no Python frame per tie); -1: not active.
    u = np.fromiter(map(get, map(itemgetter(0), ties), repeat(-1)), dtype=np.int64, count=count)
    v = np.fromiter(map(get, map(itemgetter(1), ties), repeat(-1)), dtype=np.int64, count=count)
    one_way = np.fromiter(map(methodcaller("get", "directed"), map(itemgetter(2), ties)), dtype=bool, count=count)
    # Pairs that give arcs both ways besides undirected ties: co-parties, funder and recipient.
    first: list[int] = []
    second: list[int] = []
    parties: dict[str, list[str]] = {}
    for a, agreement, _ in current_edges(G, "PARTY_TO", day):
        parties.setdefault(agreement, []).append(a)
    for members in parties.values():
        for a, b in combinations(members, 2):
            first.append(get(a, -1))
            second.append(get(b, -1))
    for _, b, d in current_edges(G, "FUNDS", day):
        if d.get("funder_id"):
            first.append(get(f"Partner:{d['funder_id']}", -1))
            second.append(get(b, -1))
    both_u = np.concatenate([u[~one_way], np.asarray(first, dtype=np.int64)])
    both_v = np.concatenate([v[~one_way], np.asarray(second, dtype=np.int64)])
    src = np.concatenate([u[one_way], both_u, both_v])
    dst = np.concatenate([v[one_way], both_v, both_u])
    keep = (src >= 0) & (dst >= 0) & (src != dst)  # both ends active partners, no loops
    n = len(ids)
    codes = _igraph.distinct(src[keep] * n + dst[keep])
    return ids, categories, codes // max(n, 1), codes % max(n, 1)


def partner_digraph(G: nx.MultiDiGraph, *, as_of: dt.date | str | None = None) -> nx.DiGraph:
    """Active partners with an arc for each way a tie current on ``as_of`` can carry information.

    Undirected ties, shared agreements and funding give arcs both ways; a ``ties``
    row marked directed gives one arc, source to target.
    """
    day = as_date(as_of)
    if tables_of(G) is not None:
        # From the arc arrays of the rows: the same nodes in the same order and the same arcs,
        # added in (source, target) order rather than the order the graph lists them in.
        ids, categories, src, dst = arc_arrays(G, day)
        D = nx.DiGraph()
        D.add_nodes_from((pid, {"category": cat}) for pid, cat in zip(ids, categories, strict=True))
        D.add_edges_from(zip([ids[i] for i in src.tolist()], [ids[i] for i in dst.tolist()], strict=True))
        return D
    _, category, arcs = _arcs(G, day)
    D = nx.DiGraph()
    for pid, cat in category.items():
        D.add_node(pid, category=cat)
    D.add_edges_from(arcs)
    return D


# -- the same arrays from the validated rows (the columnar path) -------------------------------


def rows_partner_index(tables: Any) -> tuple[dict[str, int], list[str], list[Any]]:
    """Active partner id -> position, the ids, and their categories, in workbook order.

    The first row of an id makes the partner (a repeated id is a validation error; the graph
    keeps the first all the same).

    >>> import netmap
    >>> index, ids, categories = rows_partner_index(netmap.read_workbook("examples/tucson-behavioral-health"))
    >>> index[ids[0]], len(ids) == len(categories)
    (0, True)
    """
    types = tables.roster.agency_types
    seen: set[str] = set()
    index: dict[str, int] = {}
    ids: list[str] = []
    categories: list[Any] = []
    for p in tables["partners"]:
        pid = p["id"]
        if pid in seen:
            continue
        seen.add(pid)
        if p["status"] in ACTIVE:
            index[pid] = len(ids)
            ids.append(pid)
            categories.append(types[p["agency_type_id"]].category)
    return index, ids, categories


def rows_arc_arrays(tables: Any, as_of: dt.date | str | None = None) -> tuple[list[str], list[Any], Any, Any]:
    """Active partner ids, their categories, and the arcs between them on ``as_of``: the first
    four of :func:`rows_arcs_weighted` (see there)."""
    return rows_arcs_weighted(tables, as_of)[:4]  # type: ignore[return-value]


def rows_arcs_weighted(tables: Any, as_of: dt.date | str | None = None) -> tuple[Any, ...]:
    """Active partner ids, their categories, and the arcs (``src[i] -> dst[i]``, indexes into
    the ids) between them on ``as_of`` (default today): each arc once, sorted by
    ``(src, dst)``, exactly as :func:`netmap.analysis.arcs.arc_arrays` finds them in the graph
    built from ``tables``; then the partner graph's edges ``lo[i] - hi[i]`` (``lo < hi``, in
    the order of :func:`netmap.analysis._igraph.pairs_of`) and their weights (the rows on
    each pair, as :func:`netmap.project.project` counts them).

    Parameters
    ----------
    tables : Tables
        Validated tables without errors (:func:`netmap.read_workbook`).
    as_of : date or ISO str, optional
        The day whose current ties, agreements and awards make the arcs.

    Examples
    --------
    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> ids, _, src, dst = rows_arc_arrays(tables, "2026-11-24")
    >>> ids2, _, src2, dst2 = arc_arrays(netmap.build_graph(tables), "2026-11-24")
    >>> ids == ids2, src.tolist() == src2.tolist(), dst.tolist() == dst2.tolist()
    (True, True, True)
    >>> from netmap.project import project
    >>> *_, lo, hi, weight = rows_arcs_weighted(tables, "2026-11-24")
    >>> P = project(netmap.build_graph(tables), as_of="2026-11-24", statuses=ACTIVE)
    >>> weight.tolist() == [P.edges[ids[a], ids[b]]["weight"] for a, b in zip(lo.tolist(), hi.tolist())]
    True
    """
    import numpy as np

    from netmap.analysis import _igraph

    day = as_date(as_of)
    index, ids, categories = rows_partner_index(tables)
    get = index.get
    # The ties, half a million on a state map, as arrays: each end's place (-1: not at the
    # table) looked up at C speed, then the rows not current on the day (only a dated row
    # can be one, judged one by one) left out, and the directed ones apart (one arc).
    tie_u, tie_v = tie_places(tables, index, ACTIVE)
    n_ties = len(tie_u)
    starts, ends = tables.column("ties", "start"), tables.column("ties", "end")
    kept = np.ones(n_ties, dtype=bool)
    for i in compress(range(n_ties), map(any, zip(starts, ends, strict=True))):  # a date is never false
        kept[i] = span_state(starts[i], ends[i], day) == CURRENT
    directed = np.fromiter(map(bool, tables.column("ties", "directed")), dtype=bool, count=n_ties)
    one = kept & directed
    both = kept & ~directed
    one_u, one_v = tie_u[one], tie_v[one]
    both_u: list[int] = tie_u[both].tolist()  # with the agreements' and awards' below: both ways
    both_v: list[int] = tie_v[both].tolist()
    # Parties of one agreement id: the graph has one node per id (the first row's dates and
    # status), which every row naming that id adds its parties to.
    nodes = agreement_nodes(tables)
    for aid, members in agreement_parties(tables).items():
        if agreement_state(nodes[aid], day) != CURRENT:
            continue
        for a, b in combinations(members, 2):
            both_u.append(get(a, -1))
            both_v.append(get(b, -1))
    for f in tables["funding"]:
        if f["funder_id"] and award_state(f, day) == CURRENT:
            both_u.append(get(f["funder_id"], -1))
            both_v.append(get(f["recipient_id"], -1))
    bu = np.asarray(both_u, dtype=np.int64)
    bv = np.asarray(both_v, dtype=np.int64)
    src = np.concatenate([one_u, bu, bv])
    dst = np.concatenate([one_v, bv, bu])
    keep = (src >= 0) & (dst >= 0) & (src != dst)  # both ends active partners, no loops
    n = len(ids)
    codes = _igraph.distinct(src[keep] * n + dst[keep])
    # Each row once (a directed tie, an undirected one, an agreement's pair, an award), by
    # its pair of partners: the pairs are the partner graph's edges, in the order of
    # _igraph.pairs_of, and their rows its edges' weights.
    u, v = np.concatenate([one_u, bu]), np.concatenate([one_v, bv])
    keep = (u >= 0) & (v >= 0) & (u != v)
    pairs, weight = _igraph.distinct_counts(np.minimum(u, v)[keep] * n + np.maximum(u, v)[keep])
    return ids, categories, codes // max(n, 1), codes % max(n, 1), pairs // max(n, 1), pairs % max(n, 1), weight
