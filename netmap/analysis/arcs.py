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
from itertools import combinations, repeat
from operator import itemgetter, methodcaller
from typing import Any

import networkx as nx

from netmap.analysis._common import ACTIVE, as_date, cached, current_edges, nodes_of

__all__ = ["arc_arrays", "partner_digraph"]


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
    from netmap.columns import arc_arrays as from_rows
    from netmap.columns import tables_of

    tables = tables_of(G)
    # The same arrays from the rows G was built from (tests/test_columns.py compares them).
    return _arc_arrays(G, day) if tables is None else from_rows(tables, day)


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
    from netmap.columns import tables_of

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
