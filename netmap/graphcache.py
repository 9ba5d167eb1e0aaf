"""The graph's index and the cache that derived graphs share within one analysis.

Ground floor, below :mod:`netmap.project`: the projection, the analyses and the worker's
job all read a map's nodes by label and edges by type from here, built once per
:func:`shared_cache` (one analysis, one command).

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("Partner:A", label="Partner", id="A")
>>> G.add_edge("Partner:A", "Partner:A", key="TIED_TO:2", type="TIED_TO")
'TIED_TO:2'
>>> with shared_cache():
...     [d["id"] for d in nodes_of(G, "Partner").values()], len(edges_of(G, "TIED_TO"))
(['A'], 1)
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import networkx as nx

from netmap._gc import keep_to_exit

__all__ = [
    "cache_worker",
    "cached",
    "edges_of",
    "forget",
    "nodes_of",
    "ordered_subgraph",
    "prefetched",
    "put_prefetched",
    "shared_cache",
    "shares_cache",
]


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


def forget(G: Any, key: Any) -> None:
    """Drop ``G``'s ``key`` from the open :func:`shared_cache` (if any)."""
    cache = _CACHE.get()
    if cache is not None:
        cache.pop((id(G), key), None)


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
    outside one, if workers are switched off (``NETMAP_PARALLEL=0``, one CPU), or if it
    cannot start). It is stopped when that cache closes.

    The analyses reach the worker only through here, so they never import its client.
    """
    cache = _CACHE.get()
    if cache is None:
        return None
    worker = cache.get(_WORKER)
    if worker is None:
        from netmap._worker import Worker, enabled

        if not enabled():
            return None
        try:
            worker = cache[_WORKER] = Worker.start()
        except OSError:
            return None
    return worker


# -- the rows a graph was just built from (the columnar path, netmap.columns) -------------------

# NETMAP_GRAPH_PATH=1: analyses never read the rows, only the graph (both paths are tested).
GRAPH_PATH = "NETMAP_GRAPH_PATH"
_TABLES = ("tables-of",)  # the shared-cache key of the tables a graph was just built from


def attach_tables(G: Any, tables: Any) -> None:
    """Let the analyses of ``G``, just built from ``tables``, read the rows instead of ``G``.

    Only inside the :func:`netmap.graphcache.shared_cache` the analyses run in, and only for a
    graph nobody has changed since :func:`netmap.build_graph` made it (as
    :func:`netmap.pipeline.run_tables` does): an analysis that finds the tables
    (:func:`tables_of`) trusts them to say what ``G`` holds.

    >>> import netmap
    >>> from netmap.graphcache import shared_cache
    >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
    >>> G = netmap.build_graph(tables)
    >>> with shared_cache():
    ...     attach_tables(G, tables)
    ...     tables_of(G) is (None if graph_path() else tables)  # NETMAP_GRAPH_PATH=1: not attached
    True
    >>> tables_of(G) is None  # outside that cache: analyses read G
    True
    """
    if graph_path():
        return  # every analysis reads the graph: the path the tests compare this one with
    cached(G, _TABLES, lambda: tables)


def graph_path() -> bool:
    """Whether ``NETMAP_GRAPH_PATH`` keeps every analysis on the graph (1, true, yes or on)."""
    return os.environ.get(GRAPH_PATH, "").strip().lower() in ("1", "true", "yes", "on")


def tables_of(G: Any) -> Any:
    """The tables (:class:`netmap.ingest.validate.Tables`) :func:`attach_tables` gave ``G`` in
    the open shared cache, or None.

    None for every other graph: a region view, a graph built or changed by a library caller,
    one read from a store. Analyses with a faster path from the rows take it when this is
    not None and read ``G`` otherwise; tests compare both paths.
    """
    if not prefetched(G, _TABLES):
        return None
    return cached(G, _TABLES, lambda: None)


class _ShowNodes:
    """networkx's ``show_nodes`` filter with its nodes in a graph's order, not a set's.

    A view of fewer than half of a graph's nodes iterates its filter's ``nodes``; with a
    set that order follows string hashes, which change from one run to the next
    (``PYTHONHASHSEED``), so the partners a finding names came out in another order each
    run. Dict keys iterate in insertion order and answer ``in`` and ``&`` as a set does.
    """

    def __init__(self, nodes: Any) -> None:
        self.nodes = dict.fromkeys(nodes).keys()

    def __call__(self, node: Any) -> bool:
        return node in self.nodes


def ordered_subgraph(G: nx.Graph, nodes: Any) -> nx.Graph:
    """``G.subgraph(nodes)`` whose nodes and neighbours iterate in ``G``'s order on every run.

    >>> G = nx.path_graph(["c", "a", "d", "b", "e"])
    >>> H = ordered_subgraph(G, {"b", "d", "c", "a"})
    >>> list(H), list(H.adj["d"])
    (['c', 'a', 'd', 'b'], ['a', 'b'])
    """
    wanted = set(nodes)
    keep = _ShowNodes(n for n in G if n in wanted)
    if hasattr(G, "_NODE_OK"):  # a view: filter the graph under it, as G.subgraph does
        return nx.subgraph_view(G._graph, filter_node=keep, filter_edge=G._EDGE_OK)
    return nx.subgraph_view(G, filter_node=keep)
