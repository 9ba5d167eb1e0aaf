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
import os
from itertools import combinations
from typing import Any

from netmap.ingest.validate import Tables
from netmap.project import CURRENT, agreement_state, as_date, award_state, tie_state

__all__ = ["Early", "arc_arrays", "attach_tables", "partner_index", "send_early", "tables_of"]

_ACTIVE = (None, "active")  # as netmap.analysis._common.ACTIVE (not imported: no analysis here)


def partner_index(tables: Tables) -> tuple[dict[str, int], list[str], list[Any]]:
    """Active partner id -> position, the ids, and their categories, in workbook order.

    The first row of an id makes the partner (a repeated id is a validation error; the graph
    keeps the first all the same).

    >>> import netmap
    >>> index, ids, categories = partner_index(netmap.read_workbook("examples/tucson-behavioral-health"))
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
        if p["status"] in _ACTIVE:
            index[pid] = len(ids)
            ids.append(pid)
            categories.append(types[p["agency_type_id"]].category)
    return index, ids, categories


def arc_arrays(tables: Tables, as_of: dt.date | str | None = None) -> tuple[list[str], list[Any], Any, Any]:
    """Active partner ids, their categories, and the arcs (``src[i] -> dst[i]``, indexes into
    the ids) between them on ``as_of`` (default today): each arc once, sorted by
    ``(src, dst)``, exactly as :func:`netmap.analysis.arcs.arc_arrays` finds them in the graph
    built from ``tables``.

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
    >>> ids, _, src, dst = arc_arrays(tables, "2026-11-24")
    >>> G = netmap.build_graph(tables)
    >>> from netmap.analysis import arcs
    >>> ids2, _, src2, dst2 = arcs.arc_arrays(G, "2026-11-24")
    >>> ids == ids2, src.tolist() == src2.tolist(), dst.tolist() == dst2.tolist()
    (True, True, True)
    """
    import numpy as np

    from netmap.analysis import _igraph

    day = as_date(as_of)
    index, ids, categories = partner_index(tables)
    get = index.get
    one_u: list[int] = []  # directed ties: one arc
    one_v: list[int] = []
    both_u: list[int] = []  # every other reason: arcs both ways
    both_v: list[int] = []
    for t in tables["ties"]:
        if (t["start"] is not None or t["end"] is not None) and tie_state(t, day) != CURRENT:
            continue
        if t["directed"]:
            one_u.append(get(t["source_id"], -1))
            one_v.append(get(t["target_id"], -1))
        else:
            both_u.append(get(t["source_id"], -1))
            both_v.append(get(t["target_id"], -1))
    # Parties of one agreement id: the graph has one node per id (the first row's dates and
    # status), which every row naming that id adds its parties to.
    state: dict[str, str] = {}
    parties: dict[str, dict[str, None]] = {}
    for a in tables["agreements"]:
        if a["id"] not in state:
            state[a["id"]] = agreement_state(a, day)
        parties.setdefault(a["id"], {}).update(dict.fromkeys(a["parties"]))
    for aid, members in parties.items():
        if state[aid] != CURRENT:
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
    src = np.concatenate([np.asarray(one_u, dtype=np.int64), bu, bv])
    dst = np.concatenate([np.asarray(one_v, dtype=np.int64), bv, bu])
    keep = (src >= 0) & (dst >= 0) & (src != dst)  # both ends active partners, no loops
    n = len(ids)
    codes = _igraph.distinct(src[keep] * n + dst[keep])
    return ids, categories, codes // max(n, 1), codes % max(n, 1)


# NETMAP_GRAPH_PATH=1: analyses never read the rows, only the graph (both paths are tested).
GRAPH_PATH = "NETMAP_GRAPH_PATH"
_TABLES = ("tables-of",)  # the shared-cache key of the tables a graph was just built from


def attach_tables(G: Any, tables: Tables) -> None:
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
    ...     tables_of(G) is tables
    True
    >>> tables_of(G) is None  # outside that cache: analyses read G
    True
    """
    from netmap.graphcache import cached

    if os.environ.get(GRAPH_PATH, "").strip().lower() in ("1", "true", "yes", "on"):
        return  # every analysis reads the graph: the path the tests compare this one with
    cached(G, _TABLES, lambda: tables)


def tables_of(G: Any) -> Tables | None:
    """The tables :func:`attach_tables` gave ``G`` in the open shared cache, or None.

    None for every other graph: a region view, a graph built or changed by a library caller,
    one read from a store. Analyses with a faster path from the rows take it when this is
    not None and read ``G`` otherwise; tests compare both paths.
    """
    from netmap.graphcache import cached, prefetched

    if not prefetched(G, _TABLES):
        return None
    return cached(G, _TABLES, lambda: None)


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
    arrays = arc_arrays(tables, day)
    n = len(arrays[0])
    if not (n > IGRAPH_THRESHOLD and use_igraph(backend, n)):
        return None
    brokers = (pivots(n), seed)
    sent = _offload.send_arrays(*arrays, health_seed=seed, brokers=brokers)
    if sent is None:
        return None
    return Early(_offload.early_key(day, seed, brokers), arrays, sent)
