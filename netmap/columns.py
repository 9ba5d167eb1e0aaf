"""The arrays the measures need, read straight off the validated tables (issue 24).

The first step of the columnar path: :func:`arc_arrays` gives, from :class:`Tables`, the same
arrays as :func:`netmap.analysis.arcs.arc_arrays` gives from the graph :func:`netmap.build_graph`
would make of them (active partner ids and categories, and the arcs between them current on a
day), without building that graph. The worker's jobs (betweenness, health, resilience) can then
start right after validation, while the multigraph is built (:func:`send_early`).

The rules are those of the graph path, read from the rows the graph is made of:

- partners: one per id, in workbook order; at the table when their status is blank or
  ``active``; their category is their agency type's (:mod:`netmap.build`);
- a ``ties`` row is current unless its ``start`` is later or its ``end`` earlier
  (:func:`netmap.project.tie_state`); directed rows give one arc, the others two;
- parties to the same current agreement (:func:`netmap.project.agreement_state`) are tied both
  ways, as are a funder and the recipient of a current award
  (:func:`netmap.project.award_state`).

Tests compare both paths array for array (tests/test_columns.py).

Examples
--------
>>> import netmap
>>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
>>> ids, categories, src, dst = arc_arrays(tables, "2026-11-24")
>>> len(ids) == len(categories), len(src) == len(dst)
(True, True)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from netmap.analysis.arcs import rows_arc_arrays as arc_arrays
from netmap.analysis.arcs import rows_arcs_weighted
from netmap.analysis.arcs import rows_partner_index as partner_index
from netmap.graphcache import GRAPH_PATH, attach_tables, tables_of
from netmap.ingest.validate import Tables
from netmap.project import as_date

__all__ = ["GRAPH_PATH", "Early", "arc_arrays", "attach_tables", "partner_index", "send_early", "tables_of"]


class Early:
    """The worker's jobs for a map's analysis, sent from its tables before its graph exists.

    :meth:`adopt` hands them to the graph once built: :func:`netmap.analysis.analyze` then
    finds them sent (:func:`netmap.analysis._offload.send`) instead of sending them again.
    """

    def __init__(self, key: tuple[Any, ...], arrays: tuple[Any, ...], sent: Any) -> None:
        self.key = key  # ("early-sent", day, health_seed, brokers)
        self.arrays = arrays
        self.sent = sent

    def adopt(self, G: Any) -> None:
        """Let the analyses of ``G`` (built from the same tables) take these jobs and arrays."""
        from netmap.analysis._offload import adopt

        adopt(G, self.key, self.arrays, self.sent)


def send_early(
    tables: Tables,
    *,
    as_of: dt.date | str | None = None,
    seed: int | None = 0,
    region: str | None = None,
    backend: str = "auto",
) -> Early | None:
    """Send the worker's jobs of ``analyze(build_graph(tables), as_of=..., seed=...)`` now.

    Only where :func:`netmap.analysis.analyze` would send them itself (the whole map, a large
    one, the igraph backend) and with the very arguments it would; None otherwise, or without
    a worker. Call inside the :func:`netmap.graphcache.shared_cache` the analysis will run in,
    then :meth:`Early.adopt` the graph.
    """
    from netmap.analysis import _offload
    from netmap.analysis._common import IGRAPH_THRESHOLD, use_igraph
    from netmap.analysis.brokers import pivots

    if region is not None or not tables.ok:
        return None
    day = as_date(as_of)
    ids, categories, src, dst, lo, hi, weight = rows_arcs_weighted(tables, day)
    arrays = (ids, categories, src, dst)
    n = len(ids)
    if not (n > IGRAPH_THRESHOLD and use_igraph(backend, n)):
        return None
    brokers = (pivots(n), seed)
    sent = _offload.send_arrays(*arrays, health_seed=seed, brokers=brokers)
    if sent is None:
        return None
    # The partner graph's edges and weights, known from the rows: the analyses need not read
    # them off the projection (netmap.analysis._offload.attach).
    sent.pairs = (lo, hi, weight)
    return Early(_offload.early_key(day, seed, brokers), arrays, sent)
