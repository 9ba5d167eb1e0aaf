"""What the analyses share: the roster of a graph, who counts as a partner, scopes.

Examples
--------
>>> side({"level": "regional"}), side({"level": "national"}), side({"level": None})
('local', 'state', None)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import networkx as nx

from netmap._gc import keep_to_exit
from netmap.project import project
from netmap.roster import Roster, available_rosters, load_roster

__all__ = [
    "ACTIVE",
    "IGRAPH_THRESHOLD",
    "STATEWIDE",
    "as_date",
    "cache_worker",
    "cached",
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
    """The roster to analyse ``G`` with: the one given, else the one it was built with."""
    if roster is not None:
        return roster
    name = G.graph.get("roster")
    return load_roster(name if name in available_rosters() else None)


def is_active(data: dict[str, Any]) -> bool:
    return data.get("status") in ACTIVE


def partners(G: nx.MultiDiGraph, *, active_only: bool = True) -> dict[str, dict[str, Any]]:
    """Partner id -> node attributes, in workbook order (a new dict each call)."""
    everyone = cached(G, "partners", lambda: {d["id"]: d for d in nodes_of(G, "Partner").values()})
    if not active_only:
        return dict(everyone)
    return {k: d for k, d in everyone.items() if is_active(d)}


def recorded_roles(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Partner id -> ids of the roles it performs (partners with a ``roles`` row only).

    Shared by the role gaps and the scorecard within one :func:`shared_cache`; read-only.
    """

    def make() -> dict[str, set[str]]:
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


def nodes_of(G: nx.MultiDiGraph, label: str) -> dict[str, dict[str, Any]]:
    """Node key -> attributes of the nodes labelled ``label``, in ``G.nodes`` order.

    One pass over ``G`` indexes every label; within :func:`shared_cache` the analyses
    share it. Treat the result as read-only.
    """
    return cached(G, "nodes-by-label", lambda: _nodes_by_label(G)).get(label, {})


def edges_of(G: nx.MultiDiGraph, rel: str) -> list[tuple[str, str, dict[str, Any]]]:
    """``(u, v, data)`` of the edges of type ``rel``, in ``G.edges`` order.

    One pass over ``G`` indexes every type, so seven analyses of a map with a million
    edges read it once, not seven times; within :func:`shared_cache` they share it.
    Treat the result as read-only.
    """
    return cached(G, "edges-by-type", lambda: _edges_by_type(G)).get(rel, [])


def _nodes_by_label(G: nx.MultiDiGraph) -> dict[Any, dict[str, dict[str, Any]]]:
    out: dict[Any, dict[str, dict[str, Any]]] = {}
    for n, d in G.nodes(data=True):
        out.setdefault(d.get("label"), {})[n] = d
    return out


def _edges_by_type(G: nx.MultiDiGraph) -> dict[Any, list[tuple[str, str, dict[str, Any]]]]:
    out: dict[Any, list[tuple[str, str, dict[str, Any]]]] = {}
    # The graph's own dict of dicts, read directly: the one full pass over a million edges.
    for u, nbrs in G._adj.items():
        for v, keyed in nbrs.items():
            for d in keyed.values():
                rel = d.get("type")
                found = out.get(rel)
                if found is None:
                    found = out[rel] = []
                found.append((u, v, d))
    return out


# Above this many partners, ``backend="auto"`` runs the hot algorithms on python-igraph
# (and numpy); at or below it, on NetworkX.
IGRAPH_THRESHOLD = 1000
BACKENDS = ("auto", "networkx", "igraph")

_CACHE: ContextVar[dict[Any, Any] | None] = ContextVar("netmap_analysis_cache", default=None)


@contextmanager
def shared_cache() -> Iterator[None]:
    """Within this block, derived graphs (projection, igraph conversion) are built once.

    :func:`netmap.analysis.analyze` opens one per call, so its analyses share one
    projection; nothing is cached across calls.
    """
    token = _CACHE.set({}) if _CACHE.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            worker = (_CACHE.get() or {}).pop(_WORKER, None)
            if worker is not None:
                worker.close()
            # The console script ends its process without freeing this (the projection,
            # the edge index: seconds of freeing at 100,000 partners); elsewhere it is freed.
            keep_to_exit(_CACHE.get())
            _CACHE.reset(token)


F = TypeVar("F", bound=Callable[..., Any])


def shares_cache(func: F) -> F:
    """Run ``func`` inside its own :func:`shared_cache` (or the caller's, if one is open).

    An analysis asks for the edge index, the projection and the igraph copy from several
    helpers; called on its own, each would build them again. With this decorator one call
    builds each once; inside :func:`netmap.analysis.analyze` they come from its cache.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with shared_cache():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def cached(G: Any, key: Any, make: Callable[[], Any]) -> Any:
    """``make()``, computed once per ``G`` and ``key`` inside :func:`shared_cache`.

    If a worker was asked for it (:func:`put_prefetched`), its answer, or ``make()`` if the
    worker failed.
    """
    cache = _CACHE.get()
    if cache is None:
        return make()
    hit = cache.get((id(G), key))
    if hit is None or hit[0] is not G:
        hit = (G, make())
        cache[(id(G), key)] = hit
    elif isinstance(hit[1], _Prefetched):
        try:
            value = hit[1].future.result()
        except Exception:  # noqa: BLE001 - whatever went wrong there, the answer is computed here
            value = make()
        hit = cache[(id(G), key)] = (G, value)
    return hit[1]


def prefetched(G: Any, key: Any) -> bool:
    """Whether the open :func:`shared_cache` has ``G``'s ``key``, computed or being computed."""
    cache = _CACHE.get()
    hit = None if cache is None else cache.get((id(G), key))
    return hit is not None and hit[0] is G


class _Prefetched:
    """A cache entry a worker is computing (a ``concurrent.futures.Future``)."""

    __slots__ = ("future",)

    def __init__(self, future: Any) -> None:
        self.future = future


_WORKER = "worker"  # the cache's worker process, if one was started


def put_prefetched(G: Any, key: Any, future: Any) -> None:
    """Let :func:`cached` take ``G``'s ``key`` from ``future`` (inside :func:`shared_cache`)."""
    cache = _CACHE.get()
    if cache is not None:
        cache[(id(G), key)] = (G, _Prefetched(future))


def cache_worker() -> Any:
    """The worker process of the open :func:`shared_cache`, started on first use (None
    outside one, or if it cannot start). It is stopped when that cache closes."""
    cache = _CACHE.get()
    if cache is None:
        return None
    worker = cache.get(_WORKER)
    if worker is None:
        from netmap._worker import Worker

        try:
            worker = cache[_WORKER] = Worker.start()
        except OSError:
            return None
    return worker


def use_igraph(backend: str, n: int) -> bool:
    """Whether an analysis with a fast path takes it, for ``n`` partners."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return backend == "igraph" or (backend == "auto" and n > IGRAPH_THRESHOLD)


def partner_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """The projected graph of the partners at the table (blank or active status).

    Shared by the analyses of one :func:`netmap.analysis.analyze` call: treat it as
    read-only.
    """
    return cached(G, "partner_graph", lambda: project(G, statuses=ACTIVE))


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


def as_date(value: dt.date | str | None) -> dt.date:
    """An ``--as-of`` date: a date, ISO text, or None for today."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


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
