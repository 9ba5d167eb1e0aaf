"""Validated tables + roster -> one multi-typed NetworkX graph (DESIGN section 4).

Node keys are ``"<Label>:<id>"`` (``"Partner:007"``, ``"AgencyType:local-wib"``) so
that a partner and an agreement may share an id. Every node has ``label``, ``id``,
``name`` and ``map_id``; every node and edge made from a workbook row has ``_sheet``
and ``_row``, so each input row can be traced to what it became.

Examples
--------
>>> from netmap.ingest.workbook import RawWorkbook, RawSheet, RawRow
>>> from netmap.ingest.validate import validate
>>> raw = RawWorkbook("demo", "csv")
>>> raw.sheets["partners"] = RawSheet("partners", "partners", "partners.csv",
...     ["id", "name", "agency_type"],
...     [RawRow(2, ["007", "Pima CC", "CC"]), RawRow(3, ["7", "Pima One Stop", "AJC"])])
>>> G = build_graph(validate(raw), map_id="demo")
>>> G.nodes["Partner:007"]["agency_type"], G.nodes["Partner:7"]["agency_type"]
('local-community-colleges', 'local-workforce-agencies')
>>> sorted(v for _, v, k in G.out_edges("Partner:007", keys=True))
['AgencyType:local-community-colleges']
"""

from __future__ import annotations

import functools
import hashlib
import re
import weakref
from operator import itemgetter
from pathlib import Path
from typing import Any

import networkx as nx

from netmap._gc import gc_paused
from netmap.errors import InputError
from netmap.ingest.validate import Tables
from netmap.model import SCORES, STORE_PROPERTIES, TIE_SURVEY_COLUMNS, header_key
from netmap.roster import Roster
from netmap.roster import slug as text_slug

__all__ = [
    "build_graph",
    "built_with",
    "deferred_graph",
    "extra_attr",
    "is_deferred",
    "node_key",
    "partners_of",
    "slug",
]

# The roster each graph was built with, the object itself: a custom roster (or the custom
# agency types validation added to one) cannot be loaded again by the name in G.graph.
_ROSTERS: weakref.WeakKeyDictionary[nx.MultiDiGraph, Roster] = weakref.WeakKeyDictionary()


def built_with(G: nx.Graph) -> Roster | None:
    """The roster :func:`build_graph` built ``G`` (or the graph a view of ``G`` shows) with.

    None for a graph made elsewhere (read from a pickle, put together by hand).
    """
    seen = 0
    while G is not None and seen < 16:  # a view's graph, a view of a view, ...
        found = _ROSTERS.get(G)
        if found is not None:
            return found
        G = getattr(G, "_graph", None)
        seen += 1
    return None


# Names netmap and the store use on every node or relationship; an unknown column may not take them.
_RESERVED = {"label", "id", "name", "_sheet", "_row", "type"} | STORE_PROPERTIES


def node_key(label: str, ident: str) -> str:
    """The graph key of a node: ``node_key("Partner", "007") == "Partner:007"``."""
    return f"{label}:{ident}"


# Streams, services and regions repeat on many rows: the one slug rule (roster.slug), cached.
slug = functools.lru_cache(maxsize=1 << 16)(text_slug)


def default_map_id(source: str) -> str:
    """The map id a workbook gets when none is given: its file or folder name."""
    return Path(source).stem or "map"


def partners_of(G: nx.MultiDiGraph) -> list[str]:
    """Keys of the Partner nodes, in insertion (workbook) order."""
    return [n for n, d in G.nodes(data=True) if d.get("label") == "Partner"]


def _row_attrs(sheet: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"_sheet": sheet, "_row": record["_row"]}


# Attribute names each sheet's rows already use: an unknown column with one of these
# names gets an ``extra_`` prefix instead of overwriting it.
_TAKEN: dict[str, set[str]] = {
    "partners": {
        "id", "name", "agency_type", "level", "region", "team", "status", "industry", "website", "notes",
        "agency_type_name", "agency_type_as_written", "category",
    },
    "roles": {"notes", "role_as_written", "lead"},
    "agreements": {"id", "parties", "title", "type", "signed", "expires", "status"},
    "funding": {"award_id", "stream_as_written", "amount", "start", "end", "source", "program", "funder_id"},
    "services": {
        "population", "population_as_written", "service_as_written", "service_id", "region", "location",
        "capacity", "waitlist", "eligibility", "languages", "cost", "funding_id", "refers_to",
        "accepts_referrals_from",
    },
    "needs": {"region", "population", "population_as_written", "count"},
    "responses": {"partner_id", "answered_on", "form"},
    "ties": {
        "kind", "kind_as_written", "strength", "directed", "notes", "start", "end", "frequency", "reported_by",
        *SCORES,
    },
    "contacts": {"title", "email", "phone", "champion"},
}  # fmt: skip


@functools.lru_cache(maxsize=1024)
def extra_attr(sheet: str, header: str) -> str:
    """The attribute an unknown column of ``sheet`` becomes: ``extra_attr("partners", "Board seat")``."""
    name = re.sub(r"\W+", "_", header.strip()).strip("_") or "column"
    return f"extra_{name}" if name in _TAKEN.get(sheet, set()) or name in _RESERVED else name


def _extras(sheet: str, record: dict[str, Any]) -> dict[str, Any]:
    """Unknown columns become attributes (see :func:`extra_attr`)."""
    if not record.get("extra"):
        return {}
    return {extra_attr(sheet, key): value for key, value in record.get("extra", {}).items()}


def build_graph(tables: Tables, *, map_id: str | None = None) -> nx.MultiDiGraph:
    """Build the multi-typed partnership graph.

    Parameters
    ----------
    tables : Tables
        Validated tables (see :func:`netmap.read_workbook`). Not modified.
    map_id : str, optional
        Id of the map every node belongs to (default: the workbook's file or folder
        name), so that many maps can share one database.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes ``Partner``, ``AgencyType``, ``Category``, ``Role``, ``Agreement``,
        ``FundingStream``, ``Service``, ``Population``, ``Region``, ``Person``; edges
        keyed by relationship type (``IS_A``, ``TIED_TO``, ...). ``G.graph`` holds the
        map id, roster name, source and the rows of unknown sheets.

    Raises
    ------
    InputError
        The tables still have errors.

    Examples
    --------
    >>> import netmap
    >>> G = netmap.build_graph(netmap.read_workbook("examples/tucson-behavioral-health"))
    >>> G.graph["map_id"]
    'tucson-behavioral-health'
    """
    if not tables.ok:
        raise InputError(tables.issues)
    with gc_paused():
        G = _build(tables, map_id)
    _ROSTERS[G] = tables.roster
    return G


def deferred_graph(tables: Tables, *, map_id: str | None = None) -> nx.MultiDiGraph:
    """:func:`build_graph` of ``tables``, its nodes and edges made when first asked for.

    ``G.graph`` is there at once (and ``G.number_of_nodes()``, counted off the rows); the
    first look at a node or an edge (``len(G)``,
    ``G.nodes``, ``G.edges``, ``G.adj``, iteration, ``in``) builds them, exactly as
    :func:`build_graph` does, and from then on ``G`` is a plain ``networkx.MultiDiGraph``.
    An analysis that reads the validated rows instead (:func:`netmap.graphcache.tables_of`)
    never pays for the build: a command whose every analysis does so never builds it.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> G = deferred_graph(tables)
    >>> is_deferred(G), G.graph["map_id"]
    (True, 'tucson-behavioral-health')
    >>> n = len(G)  # built now
    >>> is_deferred(G), type(G) is nx.MultiDiGraph, nx.utils.graphs_equal(G, build_graph(tables))
    (False, True, True)
    """
    if not tables.ok:
        raise InputError(tables.issues)
    G = object.__new__(_Deferred)
    G.graph = _graph_attrs(tables, map_id)
    G.__networkx_cache__ = {}
    G._deferred_tables = tables
    _ROSTERS[G] = tables.roster
    return G


def is_deferred(G: nx.Graph) -> bool:
    """Whether ``G`` is a :func:`deferred_graph` whose nodes and edges are not made yet."""
    return type(G) is _Deferred


class _Lazy:
    """One of the graph's own dicts (``_node``, ``_adj``, ``_succ``, ``_pred``): asking a
    :class:`_Deferred` graph for it builds the graph; setting it works as networkx's own
    descriptors do (the cached views are dropped)."""

    def __init__(self, name: str, plain: Any) -> None:
        self.name = name
        self.plain = plain  # networkx's descriptor for this attribute

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        found = obj.__dict__.get(self.name)
        if found is None:
            obj._make()
            found = obj.__dict__[self.name]
        return found

    def __set__(self, obj: Any, value: Any) -> None:
        self.plain.__set__(obj, value)


class _Deferred(nx.MultiDiGraph):
    """A MultiDiGraph built from its tables on first use (see :func:`deferred_graph`).

    Made only by :func:`deferred_graph`; once built it becomes a plain MultiDiGraph (its class
    is swapped), so nothing later pays for the laziness. A graph networkx makes from it
    (``G.__class__()``, a copy) is made after the build, so it is plain too.
    """

    _node = _Lazy("_node", nx.MultiDiGraph.__dict__.get("_node") or nx.Graph.__dict__["_node"])
    _adj = _Lazy("_adj", nx.DiGraph.__dict__["_adj"])
    _succ = _Lazy("_adj", nx.DiGraph.__dict__["_adj"])  # networkx: _succ is _adj
    _pred = _Lazy("_pred", nx.DiGraph.__dict__["_pred"])

    def __new__(cls, *args: Any, **kwargs: Any) -> nx.MultiDiGraph:
        # networkx makes new graphs of a graph's class (copies, subgraphs, unpickling): plain ones.
        return nx.MultiDiGraph(*args, **kwargs)

    def __reduce_ex__(self, protocol: Any) -> Any:
        self._make()  # pickled and copied as the plain graph it then is
        return self.__reduce_ex__(protocol)

    def number_of_nodes(self) -> int:
        """The number of nodes, counted off the rows while they are not built (:func:`node_count`)."""
        tables = self.__dict__.get("_deferred_tables")
        if tables is None:
            return nx.MultiDiGraph.number_of_nodes(self)
        return node_count(tables)

    def _make(self) -> None:
        tables = self.__dict__.pop("_deferred_tables")
        with gc_paused():
            built = _build(tables, self.graph["map_id"], graph=self.graph)
        self.__class__ = nx.MultiDiGraph  # type: ignore[assignment]
        for name in ("_node", "_adj", "_pred"):
            setattr(self, name, getattr(built, name))


def _partner_node(p: dict[str, Any], roster: Roster, map_id: str) -> dict[str, Any]:
    """The node attributes of the partner of ``partners`` row ``p`` (its id's first row)."""
    atype = roster.agency_types[p["agency_type_id"]]
    return {
        "label": "Partner",
        "id": p["id"],
        "map_id": map_id,
        "name": p["name"],
        "agency_type": atype.id,
        "agency_type_name": atype.name,
        "agency_type_as_written": p["agency_type"],
        "category": atype.category,
        "level": p["level"],
        "region": p["region"],
        "team": p["team"],
        "status": p["status"],
        "industry": p["industry"],
        "website": p["website"],
        "notes": p["notes"],
        **_row_attrs("partners", p),
        **_extras("partners", p),
    }


def partner_nodes(tables: Tables, *, map_id: str | None = None) -> dict[str, dict[str, Any]]:
    """Partner id -> the attributes of its node in :func:`build_graph` of ``tables``, in
    workbook order (the first row of an id makes the partner), without building the graph.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> G = build_graph(tables)
    >>> rows = partner_nodes(tables)
    >>> list(rows.values()) == [d for _, d in G.nodes(data=True) if d.get("label") == "Partner"]
    True
    """
    map_id = _graph_attrs_map_id(tables, map_id)
    out: dict[str, dict[str, Any]] = {}
    for p in tables["partners"]:
        if p["id"] not in out:
            out[p["id"]] = _partner_node(p, tables.roster, map_id)
    return out


def _graph_attrs_map_id(tables: Tables, map_id: str | None) -> str:
    return map_id or tables.map_id or default_map_id(tables.source)


def _graph_attrs(tables: Tables, map_id: str | None) -> dict[str, Any]:
    """``G.graph`` of the map built from ``tables``."""
    return {
        "map_id": _graph_attrs_map_id(tables, map_id),
        "roster": tables.roster.name,
        "source": tables.source,
        "files": dict(tables.files),
        "columns": {k: list(v) for k, v in tables.columns.items()},
        "extra_sheets": {k: [dict(r) for r in v] for k, v in tables.extra_sheets.items()},
        "needs": [
            {
                "region": n["region"],
                "population": n.get("population_id") or n["population"],
                "count": n["count"],
                "population_as_written": n["population"],
                **_row_attrs("needs", n),
                **_extras("needs", n),
            }
            for n in tables["needs"]
        ],
        # Who answered the partner survey (the responses sheet netmap merge writes); the date as
        # ISO text, as the store keeps the list (JSON on the map's node).
        "responses": [
            {
                "partner_id": r["partner_id"],
                "answered_on": r["answered_on"].isoformat() if r["answered_on"] else None,
                "form": r["form"],
                **_row_attrs("responses", r),
                **_extras("responses", r),
            }
            for r in tables["responses"]
        ],
    }


def _agreement_node(a: dict[str, Any], map_id: str) -> dict[str, Any]:
    """The node attributes of the agreement of ``agreements`` row ``a`` (its id's first row)."""
    return {
        "label": "Agreement",
        "id": a["id"],
        "map_id": map_id,
        "name": a["title"] or a["id"],
        "title": a["title"],
        "type": a["type"],
        "signed": a["signed"],
        "expires": a["expires"],
        "status": a["status"],
        "parties": list(a["parties"]),
        **_row_attrs("agreements", a),
        **_extras("agreements", a),
    }


def agreement_nodes(tables: Tables, *, map_id: str | None = None) -> dict[str, dict[str, Any]]:
    """Agreement id -> the attributes of its node in :func:`build_graph` of ``tables``, in
    workbook order (the first row of an id makes the agreement), without building the graph.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> G = build_graph(tables)
    >>> rows = agreement_nodes(tables)
    >>> list(rows.values()) == [d for _, d in G.nodes(data=True) if d.get("label") == "Agreement"]
    True
    """
    map_id = _graph_attrs_map_id(tables, map_id)
    out: dict[str, dict[str, Any]] = {}
    for a in tables["agreements"]:
        if a["id"] not in out:
            out[a["id"]] = _agreement_node(a, map_id)
    return out


def agreement_parties(tables: Tables) -> dict[str, list[str]]:
    """Agreement id -> its parties as :func:`build_graph` of ``tables`` ties them to its node:
    every row with that id adds its parties, each party once, in the order first named.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> G = build_graph(tables)
    >>> parties = agreement_parties(tables)
    >>> all(parties[d["id"]] == [G.nodes[u]["id"] for u in G.predecessors(n)]
    ...     for n, d in G.nodes(data=True) if d.get("label") == "Agreement")
    True
    """
    out: dict[str, dict[str, None]] = {}
    for a in tables["agreements"]:
        found = out.get(a["id"])
        if found is None:
            out[a["id"]] = dict.fromkeys(a["parties"])
        else:
            found.update(dict.fromkeys(a["parties"]))
    return {aid: list(members) for aid, members in out.items()}


def funding_stream_names(tables: Tables) -> dict[str, str]:
    """Funding stream node id (the slug of its name) -> its ``name`` in :func:`build_graph` of
    ``tables``, in workbook order: the stream as its first ``funding`` row writes it.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> G = build_graph(tables)
    >>> names = funding_stream_names(tables)
    >>> names == {d["id"]: d["name"] for _, d in G.nodes(data=True) if d.get("label") == "FundingStream"}
    True
    """
    out: dict[str, str] = {}
    for f in tables["funding"]:
        sid = slug(f["stream"])
        if sid not in out:
            out[sid] = f["stream"]
    return out


def funding_in_edge_order(tables: Tables) -> list[dict[str, Any]]:
    """The ``funding`` rows in the order of the ``FUNDS`` edges of :func:`build_graph` of
    ``tables``: by funding stream (as first named), then recipient (first award first), then
    row by row, without building the graph.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> G = build_graph(tables)
    >>> [f["id"] for f in funding_in_edge_order(tables)] == [
    ...     d["award_id"] for _, _, d in G.edges(data=True) if d["type"] == "FUNDS"]
    True
    """
    streams: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for f in tables["funding"]:
        streams.setdefault(slug(f["stream"]), {}).setdefault(f["recipient_id"], []).append(f)
    return [f for recipients in streams.values() for rows in recipients.values() for f in rows]


def _person_node(c: dict[str, Any], map_id: str) -> tuple[str, dict[str, Any]]:
    """The id and node attributes of the ``Person`` a ``contacts`` row names (the first row
    of its id makes the node)."""
    # The id must not spell the name out: ids end up in maps and exports.
    person_id = f"{c['partner_id']}/contact-{hashlib.sha256(slug(c['name']).encode()).hexdigest()[:10]}"
    return person_id, {
        "label": "Person",
        "id": person_id,
        "map_id": map_id,
        "name": c["name"],
        "title": c["title"],
        "email": c["email"],
        "phone": c["phone"],
        "champion": c["champion"],
        **_row_attrs("contacts", c),
        **_extras("contacts", c),
    }


def contact_nodes(tables: Tables, *, map_id: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """``(partner id, attributes)`` of each ``Person`` node of :func:`build_graph` of
    ``tables``, in the graph's node order (each person's one ``WORKS_AT`` edge goes to that
    partner), without building the graph.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/four-state-coalitions")
    >>> G = build_graph(tables)
    >>> people = [d for _, d in G.nodes(data=True) if d.get("label") == "Person"]
    >>> [d for _, d in contact_nodes(tables)] == people
    True
    """
    map_id = _graph_attrs_map_id(tables, map_id)
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for c in tables["contacts"]:
        person_id, attrs = _person_node(c, map_id)
        if person_id not in out:
            out[person_id] = (c["partner_id"], attrs)
    return list(out.values())


def node_count(tables: Tables) -> int:
    """``build_graph(tables).number_of_nodes()`` for validated ``tables``, without building it.

    The roster's categories, agency types, roles and populations, then one node per partner,
    region, agreement, funding stream, service, population the roster lacks, and contact.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/four-state-coalitions")
    >>> node_count(tables) == build_graph(tables).number_of_nodes()
    True
    """
    roster = tables.roster
    # Node keys by label (keys of two labels never meet): an agency type's category that the
    # roster does not list is a node all the same (its IN_CATEGORY edge makes it).
    categories = set(roster.categories) | {atype.category for atype in roster.agency_types.values()}
    populations = set(roster.populations)
    for s in tables["services"]:
        populations.update(pop_id for pop_id, _ in _populations_of(s) if pop_id)
    counts = [
        len(categories),
        len(roster.agency_types),
        len(roster.roles),
        len(populations),
        len(set(tables.column("partners", "id"))),
        len({slug(region) for region in tables.column("partners", "region") if region}),
        len(set(tables.column("agreements", "id"))),
        len({slug(stream) for stream in tables.column("funding", "stream")}),
        len({slug(service) for service in tables.column("services", "service")}),
        len({_person_node(c, "")[0] for c in tables["contacts"]}),
    ]
    return sum(counts)


def sheet_rows(tables: Tables) -> dict[str, set[Any]]:
    """Sheet -> the rows (``_row``) that the nodes and edges of :func:`build_graph` of
    ``tables`` carry, without building the graph.

    A node is made by the first row of its id; an edge by its row, and a later row with the
    same edge (one partner's role named twice, a contact repeated) puts its own row on it.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/four-state-coalitions")
    >>> G = build_graph(tables)
    >>> from_graph = {}
    >>> for d in [d for _, d in G.nodes(data=True)] + [d for _, _, d in G.edges(data=True)]:
    ...     if d.get("_sheet"):
    ...         from_graph.setdefault(d["_sheet"], set()).add(d["_row"])
    >>> sheet_rows(tables) == from_graph
    True
    """
    rows: dict[str, set[Any]] = {}

    def add(sheet: str, made_by: dict[Any, Any]) -> None:
        """The rows of ``made_by`` (a node's or an edge's key -> the row it carries)."""
        if made_by:
            rows.setdefault(sheet, set()).update(made_by.values())

    partners: dict[str, Any] = {}
    for pid, row in tables.tuples("partners", "id", "_row"):
        partners.setdefault(pid, row)
    add("partners", partners)
    add("roles", {(r["partner_id"], r["role_id"]): r["_row"] for r in tables["roles"]})
    made: dict[str, Any] = {}  # agreement id -> its node's row
    signed: dict[tuple[str, str], Any] = {}  # (party, agreement id) -> the PARTY_TO edge's row
    for a in tables["agreements"]:
        made.setdefault(a["id"], a["_row"])
        signed.update(((party, a["id"]), a["_row"]) for party in a["parties"])
    add("agreements", made)
    add("agreements", signed)
    funds = {(slug(f["stream"]), f["recipient_id"], f["id"]): f["_row"] for f in tables["funding"]}
    add("funding", funds)
    add(
        "funding",
        {(f["funder_id"], slug(f["stream"]), f["id"]): f["_row"] for f in tables["funding"] if f["funder_id"]},
    )
    # Each services row has an edge of its own (a repeated service and population: another key).
    add("services", dict(enumerate(tables.column("services", "_row"))))
    add("ties", dict(enumerate(tables.column("ties", "_row"))))
    people: dict[str, Any] = {}
    works: dict[str, Any] = {}
    for c in tables["contacts"]:
        person_id, _ = _person_node(c, "")
        people.setdefault(person_id, c["_row"])
        works[person_id] = c["_row"]
    add("contacts", people)
    add("contacts", works)
    return rows


def _service_node(s: dict[str, Any], map_id: str) -> tuple[str, dict[str, Any]]:
    """The id and node attributes of the ``Service`` a ``services`` row names (the first row
    of its slug makes the node)."""
    ident = slug(s["service"])
    attrs = {"label": "Service", "id": ident, "map_id": map_id, "name": s["service"], "service_id": s.get("service_id")}
    return ident, attrs


def _populations_of(s: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    """``(population id, its text when no roster population has it)`` of each population a
    ``services`` row names (none: one with id None); one that the roster lacks takes the
    id ``custom-`` and the slug of its text."""
    written = s.get("populations") or ((s["population"],) if s.get("population") else (None,))
    ids = s.get("population_ids") or (s.get("population_id"),) * len(written)
    out: list[tuple[str | None, str | None]] = []
    for text, pop_id in zip(written, ids, strict=True):
        if text and not pop_id:
            out.append(("custom-" + slug(text), text))
        else:
            out.append((pop_id, None))
    return out


def _provides_edges(s: dict[str, Any], map_id: str) -> list[tuple[str | None, str | None, dict[str, Any]]]:
    """``(population id, its text when no roster population has it, edge data)`` of each
    ``PROVIDES`` edge of a ``services`` row.

    One edge per population the row names (none: one edge with population None); each
    carries the whole row, and ``_sheet``/``_row`` tell the edges of one row apart, so the
    row's capacity is counted once.
    """
    row = {
        "service_id": s.get("service_id"),
        "region": s.get("region"),
        "location": s.get("location"),
        "capacity": s.get("capacity"),
        "waitlist": s.get("waitlist"),
        "eligibility": s.get("eligibility"),
        "languages": list(s.get("languages") or ()),
        "cost": s.get("cost"),
        "funding_id": s.get("funding_id"),
        "refers_to": list(s.get("refers_to") or ()),
        "accepts_referrals_from": list(s.get("accepts_referrals_from") or ()),
    }
    out: list[tuple[str | None, str | None, dict[str, Any]]] = []
    for pop_id, custom in _populations_of(s):
        data = {
            "type": "PROVIDES",
            "map_id": map_id,
            "population": pop_id,
            # The cell as written (all its populations), so the row is written back as it was.
            "population_as_written": s["population"],
            "service_as_written": s["service"],
            **row,
            **_row_attrs("services", s),
            **_extras("services", s),
        }
        out.append((pop_id, custom, data))
    return out


def provides_edges(
    tables: Tables, *, map_id: str | None = None
) -> tuple[dict[str, str], list[tuple[str, dict[str, Any], dict[str, Any]]]]:
    """The populations and ``PROVIDES`` edges of :func:`build_graph` of ``tables``, without
    building the graph.

    The populations: id -> name of every ``Population`` node (the roster's, then those
    the services rows name that it has not). The edges: ``(partner id, service node
    attributes, edge data)`` in ``G.edges`` order: partners in node order, each one's
    services in the order first named, then its edge keys. Rows naming no partner of the
    map are left out.

    >>> import netmap
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> G = build_graph(tables)
    >>> _, edges = provides_edges(tables)
    >>> [d for _, _, d in edges] == [d for _, _, d in G.edges(data=True) if d["type"] == "PROVIDES"]
    True
    """
    map_id = _graph_attrs_map_id(tables, map_id)
    populations = {pop.id: pop.name for pop in tables.roster.populations.values()}
    services: dict[str, dict[str, Any]] = {}
    # partner id -> service id -> edge key -> data: the graph's own nesting of these edges.
    keyed: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for s in tables["services"]:
        sid, node = _service_node(s, map_id)
        if sid not in services:
            services[sid] = node
        mine = keyed.setdefault(s["partner_id"], {}).setdefault(sid, {})
        for pop_id, custom, data in _provides_edges(s, map_id):
            if custom is not None and pop_id not in populations:
                populations[pop_id] = custom
            key = f"PROVIDES:Service:{sid}:{pop_id or ''}"
            if key in mine:
                key = f"{key}:{s['_row']}"  # as build_graph keeps a second row of one service and population
            found = mine.get(key)
            if found is None:
                mine[key] = data
            else:
                found.update(data)
    edges = [
        (pid, services[sid], d)
        for pid in dict.fromkeys(map(itemgetter("id"), tables["partners"]))  # the partners' node order
        if pid in keyed
        for sid, by_key in keyed[pid].items()
        for d in by_key.values()
    ]
    return populations, edges


def _build(tables: Tables, map_id: str | None, *, graph: dict[str, Any] | None = None) -> nx.MultiDiGraph:
    roster = tables.roster
    G = nx.MultiDiGraph()
    G.graph = graph if graph is not None else _graph_attrs(tables, map_id)
    map_id = G.graph["map_id"]

    # Nodes and edges go straight into the graph's own dicts, exactly as
    # ``G.add_node``/``G.add_edge`` would put them (same attribute order, a repeated edge
    # key updates the edge). The public methods cost several microseconds per call in
    # argument handling and cache clearing, which at a million edges is most of the
    # build; tests check the result equals a graph built through them.
    nodes, succ, pred = G._node, G._succ, G._pred

    def new_node(key: str, data: dict[str, Any]) -> None:
        nodes[key] = data
        succ[key] = {}
        pred[key] = {}

    def add_node(label: str, ident: str, **attrs: Any) -> str:
        key = f"{label}:{ident}"
        if key not in nodes:
            new_node(key, {"label": label, "id": ident, "map_id": map_id, **attrs})
        return key

    def put(u: str, v: str, key: str, data: dict[str, Any]) -> None:
        for n in (u, v):
            if n not in nodes:  # as add_edge does for an end it has not seen
                new_node(n, {})
        keyed = succ[u].get(v)
        if keyed is None:
            succ[u][v] = pred[v][u] = {key: data}
        elif key in keyed:
            keyed[key].update(data)
        else:
            keyed[key] = data

    def add_edge(u: str, v: str, rel: str, key: str | None = None, **attrs: Any) -> None:
        put(u, v, key or rel, {"type": rel, "map_id": map_id, **attrs})

    # The roster lives in the graph too, so a gap is a query as well as a function.
    for cat in roster.categories.values():
        add_node("Category", cat.id, name=cat.name, in_roster=cat.in_roster)
    for atype in roster.agency_types.values():
        k = add_node("AgencyType", atype.id, name=atype.name, level=atype.level, in_roster=atype.in_roster)
        add_edge(k, node_key("Category", atype.category), "IN_CATEGORY")
    for role in roster.roles.values():
        add_node("Role", role.id, name=role.name, kind=role.kind, in_chart=role.in_chart)
    for pop in roster.populations.values():
        add_node("Population", pop.id, name=pop.name, calls_for=list(pop.calls_for))

    for p in tables["partners"]:
        atype = roster.agency_types[p["agency_type_id"]]
        pk = f"Partner:{p['id']}"
        if pk not in nodes:
            new_node(pk, _partner_node(p, roster, map_id))
        add_edge(pk, node_key("AgencyType", atype.id), "IS_A")
        if p["region"]:
            rk = add_node("Region", slug(p["region"]), name=p["region"])
            add_edge(pk, rk, "IN_REGION")

    for r in tables["roles"]:
        add_edge(
            node_key("Partner", r["partner_id"]),
            node_key("Role", r["role_id"]),
            "PERFORMS",
            key=f"PERFORMS:{r['role_id']}",
            role_as_written=r["role"],
            notes=r["notes"],
            **({"lead": r["lead"]} if r.get("lead") else {}),
            **_row_attrs("roles", r),
            **_extras("roles", r),
        )

    for a in tables["agreements"]:
        ak = f"Agreement:{a['id']}"
        if ak not in nodes:
            new_node(ak, _agreement_node(a, map_id))
        for party in a["parties"]:
            add_edge(node_key("Partner", party), ak, "PARTY_TO", **_row_attrs("agreements", a))

    for f in tables["funding"]:
        sk = add_node("FundingStream", slug(f["stream"]), name=f["stream"])
        add_edge(
            sk,
            node_key("Partner", f["recipient_id"]),
            "FUNDS",
            key=f"FUNDS:{f['id']}",
            award_id=f["id"],
            stream_as_written=f["stream"],
            amount=f["amount"],
            start=f["start"],
            end=f["end"],
            source=f["source"],
            program=f["program"],
            funder_id=f["funder_id"],
            **_row_attrs("funding", f),
            **_extras("funding", f),
        )
        if f["funder_id"]:
            add_edge(
                node_key("Partner", f["funder_id"]),
                sk,
                "ADMINISTERS",
                key=f"ADMINISTERS:{f['id']}",
                award_id=f["id"],
                **_row_attrs("funding", f),
            )

    for s in tables["services"]:
        sid, service = _service_node(s, map_id)
        sk = f"Service:{sid}"
        if sk not in nodes:
            new_node(sk, service)
        pk = node_key("Partner", s["partner_id"])
        for pop_id, custom, data in _provides_edges(s, map_id):
            if custom is not None:
                add_node("Population", pop_id, name=custom, calls_for=[])
            key = f"PROVIDES:{sk}:{pop_id or ''}"
            if key in succ.get(pk, {}).get(sk, {}):
                # Another row already names this service and population (one of them names
                # several): both rows are kept, as two edges.
                key = f"{key}:{s['_row']}"
            put(pk, sk, key, data)
            if pop_id:
                add_edge(
                    pk, node_key("Population", pop_id), "SERVES", key=f"SERVES:{sk}", service=sk[len("Service:") :]
                )

    # The ties are most of the edges (500,000 on a national map): ``put`` written out, with
    # each partner's node key made once, so that the dicts are looked up with keys whose
    # hash is already known instead of a fresh string per end per row.
    partner_key = {d["id"]: n for n, d in nodes.items() if d.get("label") == "Partner"}
    # Survey answers (issue 22): how often, the six scores, who named the tie. Carried only
    # when the sheet has those columns, so a map of a million plain ties stays as lean.
    written = {header_key(h) for h in tables.columns.get("ties", ())}
    surveyed = [name for name in TIE_SURVEY_COLUMNS if name in written]
    # Read off the sheet's columns (netmap.ingest.held): the rows are not made into dicts.
    columns = ("source_id", "target_id", "kind", "_row", "strength", "directed", "notes", "start", "end", "extra")
    for source, target, kind, row, strength, directed, notes, start, end, extra, *answers in tables.tuples(
        "ties", *columns, *surveyed
    ):
        data = {
            "type": "TIED_TO",
            "map_id": map_id,
            "kind": kind or "collaboration",
            "kind_as_written": kind,
            "strength": strength,
            # None (blank cell) is kept apart from "no" so the workbook can be written back as it was.
            "directed": directed,
            "notes": notes,
            "start": start,
            "end": end,
            "_sheet": "ties",
            "_row": row,
        }
        if surveyed:
            data.update(zip(surveyed, answers, strict=True))
        if extra:
            data.update(_extras("ties", {"extra": extra}))
        u = partner_key.get(source)
        v = partner_key.get(target)
        key = f"TIED_TO:{row}"
        if u is None or v is None:
            put(f"Partner:{source}", f"Partner:{target}", key, data)
            continue
        out = succ[u]
        keyed = out.get(v)
        if keyed is None:
            out[v] = pred[v][u] = {key: data}
        elif key in keyed:
            keyed[key].update(data)
        else:
            keyed[key] = data

    for c in tables["contacts"]:
        person_id, person = _person_node(c, map_id)
        ck = f"Person:{person_id}"
        if ck not in nodes:
            new_node(ck, person)
        add_edge(ck, node_key("Partner", c["partner_id"]), "WORKS_AT", **_row_attrs("contacts", c))
    return G
