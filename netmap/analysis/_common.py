"""What the analyses share: the roster of a graph, who counts as a partner, scopes.

Examples
--------
>>> side({"level": "regional"}), side({"level": "national"}), side({"level": None})
('local', 'state', None)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import networkx as nx

from netmap.build import built_with
from netmap.errors import UsageError
from netmap.graphcache import (
    cache_worker,
    cached,
    edges_of,
    nodes_of,
    prefetched,
    put_prefetched,
    shared_cache,
    shares_cache,
)
from netmap.project import as_date, current_edges, project
from netmap.roster import Roster, available_rosters, load_roster

__all__ = [
    "ACTIVE",
    "IGRAPH_THRESHOLD",
    "STATEWIDE",
    "as_date",
    "cache_worker",
    "cached",
    "current_edges",
    "edges_of",
    "is_active",
    "is_state_level",
    "nodes_of",
    "partner_graph",
    "partners",
    "prefetched",
    "put_prefetched",
    "recorded_roles",
    "resolve_roster",
    "shared_cache",
    "shares_cache",
    "side",
    "use_igraph",
]

# Partners whose status is blank or "active" are at the table; prospective and
# former partners are not (they are reported, never counted as present).
ACTIVE: tuple[str | None, ...] = (None, "active")
STATEWIDE = None  # the region of partners listed without one


def resolve_roster(G: nx.MultiDiGraph, roster: Roster | None) -> Roster:
    """The roster to analyse ``G`` with: the one given, else the one it was built with.

    Never another: a graph whose roster is neither known (:func:`netmap.build.built_with`)
    nor shipped under its name is a usage error, not a silent swap to the default.

    Raises
    ------
    UsageError
        ``roster`` is None and ``G``'s roster cannot be found.
    """
    if roster is not None:
        return roster
    found = built_with(G)
    if found is not None:
        return found
    name = G.graph.get("roster")
    if name is None or name in available_rosters():
        return load_roster(name)
    raise UsageError(f"this map was built with the roster {name!r}, which is not shipped; pass it (--roster FILE)")


def is_active(data: dict[str, Any]) -> bool:
    return data.get("status") in ACTIVE


def partners(G: nx.MultiDiGraph, *, active_only: bool = True) -> dict[str, dict[str, Any]]:
    """Partner id -> node attributes, in workbook order (a new dict each call)."""
    everyone = cached(G, "partners", lambda: _partner_dicts(G))
    if not active_only:
        return dict(everyone)
    # Filtered once per shared cache, copied per call: a copy is a fraction of a filter.
    active = cached(G, "active-partners", lambda: {k: d for k, d in everyone.items() if d.get("status") in ACTIVE})
    return dict(active)


def _partner_dicts(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    from netmap.graphcache import tables_of

    tables = tables_of(G)
    if tables is not None:  # the same dicts from the rows, without building a deferred graph
        from netmap.build import partner_nodes

        return partner_nodes(tables, map_id=G.graph["map_id"])
    return {d["id"]: d for d in nodes_of(G, "Partner").values()}


def recorded_roles(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Partner id -> ids of the roles it performs (partners with a ``roles`` row only).

    Shared by the role gaps and the scorecard within one :func:`shared_cache`; read-only.
    A mapping: look partners up, do not rely on its order (the rows path,
    :func:`netmap.graphcache.tables_of`, lists them in ``roles`` row order).
    """

    def make() -> dict[str, set[str]]:
        from netmap.graphcache import tables_of

        tables = tables_of(G)
        if tables is not None:
            return _recorded_roles_of(tables)
        nodes = G._node  # the node dicts themselves: G.nodes[...] is a view per lookup
        out: dict[str, set[str]] = {}
        for u, v, _ in edges_of(G, "PERFORMS"):
            pid = nodes[u]["id"]
            found = out.get(pid)
            if found is None:
                found = out[pid] = set()
            found.add(nodes[v]["id"])
        return out

    return cached(G, "recorded-roles", make)


def _recorded_roles_of(tables: Any) -> dict[str, set[str]]:
    """:func:`recorded_roles` from the rows the graph was built from (:mod:`netmap.columns`).

    Each ``roles`` row is one ``PERFORMS`` edge from its (known) partner to its (roster)
    role. Partners come in the order of their first ``roles`` row, not the graph's: no
    caller reads the order (lookups and counts only), and putting them in the graph's
    order would cost as much as reading the graph.
    """
    found: dict[str, set[str]] = {}
    for r in tables["roles"]:
        pid = r["partner_id"]
        roles = found.get(pid)
        if roles is None:
            roles = found[pid] = set()
        roles.add(r["role_id"])
    return found


# Above this many partners, ``backend="auto"`` runs the hot algorithms on python-igraph
# (and numpy); at or below it, on NetworkX.
IGRAPH_THRESHOLD = 1000
BACKENDS = ("auto", "networkx", "igraph")


def use_igraph(backend: str, n: int) -> bool:
    """Whether an analysis with a fast path takes it, for ``n`` partners."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return backend == "igraph" or (backend == "auto" and n > IGRAPH_THRESHOLD)


def partner_graph(G: nx.MultiDiGraph, as_of: dt.date | str | None = None) -> nx.Graph:
    """The projected graph of the partners at the table (blank or active status) on ``as_of``.

    Shared by the analyses of one :func:`netmap.analysis.analyze` call: treat it as
    read-only.
    """
    day = as_date(as_of)
    return cached(G, ("partner_graph", day), lambda: project(G, as_of=day, statuses=ACTIVE))


def edge_count(P: nx.Graph) -> int:
    """``P.number_of_edges()``, counted once per shared cache: networkx sums every node's
    degree for it (86,000 partners: 0.07 s each time an analysis asks)."""
    return cached(P, "edge-count", P.number_of_edges)


def side(data: dict[str, Any], type_level: str | None = None) -> str | None:
    """Which side of the roster a partner sits on: ``"state"``, ``"local"`` or None.

    The partner's own ``level`` decides (national counts as state, regional as local);
    without one, the level of its agency type.
    """
    level = data.get("level")
    if level in ("state", "national"):
        return "state"
    if level in ("local", "regional"):
        return "local"
    if type_level in ("state", "local"):
        return type_level
    return None


def is_state_level(data: dict[str, Any], roster: Roster) -> bool:
    """A state-level partner: level ``state``, or no level and a state agency type.

    National partners are not state level: a region tied only to a federal agency has no
    link to its state.
    """
    if data.get("level") == "national":
        return False
    t = roster.agency_types.get(data.get("agency_type"))
    return side(data, t.level if t else None) == "state"


def state_level_ids(info: dict[str, dict[str, Any]], roster: Roster) -> list[str]:
    """The ids of the state-level partners among ``info`` (id -> attributes), in its order.

    :func:`is_state_level` reads only a partner's level and agency type: judged once per
    pair of them, not once per partner (a state map has 100,000 partners and a few dozen pairs).

    >>> from netmap.roster import load_roster
    >>> info = {"a": {"level": "state"}, "b": {"level": "local"}, "c": {"level": "state"}}
    >>> state_level_ids(info, load_roster())
    ['a', 'c']
    """
    judged: dict[tuple[Any, Any], bool] = {}
    out = []
    for pid, d in info.items():
        key = (d.get("level"), d.get("agency_type"))
        state = judged.get(key)
        if state is None:
            state = judged[key] = is_state_level(d, roster)
        if state:
            out.append(pid)
    return out


def region_names(G: nx.MultiDiGraph) -> dict[str | None, str]:
    """Region key (as written on partners) -> display name, in workbook order."""
    names: dict[str | None, str] = {}
    for d in partners(G, active_only=False).values():
        region = d.get("region")
        if region not in names:
            names[region] = region if region is not None else "(no region)"
    return names


def sorted_by(items: Iterable[Any], *keys: str) -> list[Any]:
    return sorted(items, key=lambda item: tuple(item[k] if item[k] is not None else "" for k in keys))
