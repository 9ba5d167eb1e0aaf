"""The array-only part of a large map's analyses, sent to a worker process.

On a large map (fast path) the C-heavy parts of the brokers and of network health and
resilience (betweenness, the brokerage census, constraint and effective size, cut points and
bridges, components, biconnected blocks, Louvain) need only the partner graph's edges
and a few per-node codes, as arrays. :func:`send` reads those arrays off the map's arcs,
before the NetworkX projection is built, and sends them to the shared cache's worker
(:func:`netmap.graphcache.cache_worker`);
:func:`attach` then puts one future per result into the shared cache under the key the
fast path would compute it under (``_igraph._raw``), so the analyses pick the worker's
answers up unchanged, or compute them here if the worker failed. The worker is a fresh
interpreter, so no page of the graph is shared or copied.

The parts come back in the order the analyses want them: what health and resilience need
first (they run early), the brokers' measures after, the census last.

Examples
--------
>>> import numpy as np
>>> parts = dict(run_job(n=3, lo=np.array([0, 1]), hi=np.array([1, 2]), parts=[("cut_points",), ("bridges",)]))
>>> parts[("cut_points",)], parts[("bridges",)]
([1], [(0, 1), (1, 2)])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from netmap.analysis import _igraph
from netmap.analysis._common import (
    as_date,
    cache_worker,
    cached,
    edge_count,
    partner_graph,
    prefetched,
    put_prefetched,
)
from netmap.graphcache import forget

__all__ = ["JOB", "Sent", "adopt", "attach", "early_key", "prefetch", "run_job", "send", "send_arrays"]

# The worker runs a job by the name of its function; this is the analyses' job.
JOB = "netmap.analysis._offload:run_job"


def run_job(
    *,
    n: int,
    lo: Any,
    hi: Any,
    parts: list[tuple[Any, ...]],
    sources: list[int] | None = None,
    categories: list[int] | None = None,
    arcs: tuple[Any, Any, Any, int] | None = None,
) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Compute each of ``parts`` (keys as :func:`netmap.analysis._igraph._raw` names them)
    on the edge set ``lo - hi`` of ``n`` nodes; yields ``(key, value)`` as each is done."""
    es = _igraph.EdgeSet(n, lo, hi)
    for key in parts:
        name = key[0]
        if name == "components":
            value: Any = _igraph.raw_components(es)
        elif name == "structure":
            value = _igraph.raw_structure(es)
        elif name == "louvain":
            value = _igraph.raw_louvain(es, key[1])
        elif name == "betweenness":
            value = _igraph.raw_betweenness(es, sources)
        elif name == "constraint":
            value = _igraph.raw_constraint(es)
        elif name == "effective_size":
            value = _igraph.raw_effective_size(es)
        elif name == "cut_points":
            value = _igraph.raw_cut_points(es)
        elif name == "bridges":
            value = _igraph.raw_bridges(es)
        elif name == "degree_and_reach":
            value = _igraph.raw_degree_and_reach(es, categories or [-1] * n)
        elif name == "census" and arcs is not None:
            value = _igraph.brokerage_arrays(*arcs, under=es)  # es is the graph under the arcs
        else:
            raise ValueError(f"unknown part {key!r}")
        yield key, value


@dataclass
class Sent:
    """Parts a worker is computing for a map, before and after its partner graph exists."""

    n: int  # active partners: the partner graph's nodes
    m: int  # the partner graph's edges
    futures: dict[tuple[Any, ...], Any]
    census: Any = None  # the census part's future, for the cache of the graph of the arcs
    # The partner graph's edges (lo, hi: _igraph.pairs_of's order) and their weights, when
    # they were read off the rows (netmap.columns.send_early).
    pairs: tuple[Any, Any, Any] | None = None


def send(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    health_seed: int | None = None,
    brokers: tuple[int | None, int | None] | None = None,
) -> Sent | None:
    """Send the array work of ``G``'s analyses to a worker; None if there is no worker.

    Needs only the map's arcs (``arcs.arc_arrays``), not its partner graph: the partner
    graph's edges are the arcs without direction (:func:`netmap.analysis._igraph.pairs_of`),
    so the worker starts while this process builds the NetworkX projection. Then
    :func:`attach` the result to the projection.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The netmap graph (or region view) the analyses run on.
    as_of : date or ISO str, optional
        The analysis date: its current rows make the arcs (default today).
    health_seed : int, optional
        Compute components, Louvain communities (this seed) and the block-cut structure.
    brokers : (k, seed), optional
        Compute the brokers' measures, betweenness with these pivots and seed.

    Must be called inside the :func:`netmap.analysis._common.shared_cache` the analyses run
    in (the worker is stopped when it closes). The brokerage census (of the arcs) is put
    into the cache now; the other parts wait for :func:`attach`.
    """
    day = as_date(as_of)
    key = early_key(day, health_seed, brokers)
    early = _early(G, key)
    if early is not None:  # sent from the tables before G was built (netmap.columns)
        return early
    if cache_worker() is None:
        return None
    from netmap.analysis.arcs import arc_arrays

    sent = send_arrays(*arc_arrays(G, day), health_seed=health_seed, brokers=brokers)
    if sent is not None and sent.census is not None:
        put_prefetched(G, ("raw", "census"), sent.census)
    return sent


def send_arrays(
    ids: list[str],
    categories: list[Any],
    src: Any,
    dst: Any,
    *,
    health_seed: int | None = None,
    brokers: tuple[int | None, int | None] | None = None,
) -> Sent | None:
    """:func:`send` of the arc arrays themselves (``arcs.arc_arrays``, or
    :func:`netmap.columns.arc_arrays` before the graph exists); None if there is no worker.

    The census future is kept on the result (``Sent.census``) for the caller to put into the
    cache of the graph the arrays are of.
    """
    worker = cache_worker()
    if worker is None:
        return None
    n = len(ids)
    lo, hi = _igraph.pairs_of(n, src, dst)
    arguments: dict[str, Any] = {"n": n, "lo": lo, "hi": hi}
    keys: list[tuple[Any, ...]] = []
    if health_seed is not None:
        keys += [("components",), ("structure",), ("louvain", health_seed)]
    if brokers is not None:
        k, seed = brokers
        arguments["sources"] = _igraph.sample_sources(ids, k, seed)
        codes = arguments["categories"] = _igraph.category_codes(categories)
        arguments["arcs"] = (src, dst, codes, n)
        keys += [
            ("betweenness", k, seed),
            ("constraint",),
            ("effective_size",),
            ("cut_points",),
            ("bridges",),
            ("degree_and_reach",),
            ("census",),
        ]
    arguments["parts"] = keys
    futures = worker.submit(JOB, arguments, keys=keys)
    census = futures.pop(("census",), None)
    return Sent(n, len(lo), futures, census)


def early_key(day: dt.date, health_seed: int | None, brokers: tuple[int | None, int | None] | None) -> tuple[Any, ...]:
    """The cache key a job sent before the graph existed waits under (see :func:`adopt`)."""
    return ("early-sent", day, health_seed, brokers)


def adopt(G: nx.MultiDiGraph, key: tuple[Any, ...], arrays: tuple[Any, ...], sent: Sent) -> None:
    """Give ``G`` (built from the tables ``arrays`` and ``sent`` were made from) the jobs sent
    early: the next :func:`send` with the same arguments returns ``sent``, and the arc
    arrays of that day are not read off ``G`` again (they are equal: tests/test_columns.py).
    """
    day = key[1]
    cached(G, ("arc-arrays", day), lambda: arrays)
    cached(G, key, lambda: sent)
    if sent.census is not None:
        put_prefetched(G, ("raw", "census"), sent.census)


def _early(G: nx.MultiDiGraph, key: tuple[Any, ...]) -> Sent | None:
    """The jobs :func:`adopt` gave ``G`` under ``key`` (once: a second send sends again)."""
    if not prefetched(G, key):
        return None
    sent = cached(G, key, lambda: None)
    forget(G, key)
    return sent


def attach(P: nx.Graph, sent: Sent | None) -> bool:
    """Let the analyses of ``P`` (the partner graph of the map given to :func:`send`) take
    the worker's parts; whether they were attached.

    A partner graph of another size (which :func:`send`'s derivation rules out, checked
    all the same) gets none: its analyses compute everything here.
    """
    if sent is None or P.number_of_nodes() != sent.n or edge_count(P) != sent.m:
        return False
    for key, future in sent.futures.items():
        put_prefetched(P, ("raw", *key), future)
    if sent.pairs is not None and len(sent.pairs[0]) == sent.m:
        # P's edge set and weights, as _igraph.edge_set and tie_counts would read them off P
        # (a pass over its million adjacency entries each).
        lo, hi, weight = sent.pairs
        cached(P, _igraph.EDGE_SET, lambda: _igraph.EdgeSet(sent.n, lo, hi))
        cached(P, _igraph.PAIR_WEIGHTS, lambda: weight)
    return True


def prefetch(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    health_seed: int | None = None,
    brokers: tuple[int | None, int | None] | None = None,
) -> bool:
    """:func:`send` then :func:`attach` to ``partner_graph(G, as_of)``, built meanwhile."""
    day = as_date(as_of)
    sent = send(G, as_of=day, health_seed=health_seed, brokers=brokers)
    return attach(partner_graph(G, day), sent)
