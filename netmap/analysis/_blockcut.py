"""Removing one partner: what it does to the largest connected component, from the block-cut tree.

:func:`removal_impacts` answers for every partner at once in about linear time (removing
partners one by one and recomputing components is quadratic: seconds at 300 partners).

Examples
--------
>>> import networkx as nx
>>> P = nx.path_graph(["a", "b", "c", "d"])
>>> core, impacts = removal_impacts(P)
>>> sorted(core), impacts["b"], impacts["a"]
(['a', 'b', 'c', 'd'], (2, ['a']), (3, []))
"""

from __future__ import annotations

from typing import Any

import networkx as nx

__all__ = ["removal_impacts"]


def _structure(P: nx.Graph, native: bool) -> tuple[list[Any], list[int], list[list[int]], list[int]]:
    """Nodes (in ``P``'s order), component of each, biconnected blocks and cut points, by index."""
    if native:
        from netmap.analysis import _igraph

        return _igraph.structure(P)
    nodes = list(P)
    index = {v: i for i, v in enumerate(nodes)}
    membership = [0] * len(nodes)
    for c, members in enumerate(nx.connected_components(P)):
        for v in members:
            membership[index[v]] = c
    blocks = [[index[v] for v in block] for block in nx.biconnected_components(P)]
    return nodes, membership, blocks, [index[v] for v in nx.articulation_points(P)]


def removal_impacts(P: nx.Graph, *, native: bool = False) -> tuple[set[Any], dict[Any, tuple[int, list[Any]]]]:
    """What removing each node of ``P`` does to its largest connected component.

    Returns the baseline largest component (the first of the largest in ``P``'s node order,
    as ``max(nx.connected_components(P), key=len)`` picks it) and, for every node, the size
    of the largest component once it is gone and the nodes of the baseline largest
    component (other than itself) no longer in it, sorted.

    Only articulation points split a component. Their pieces come from the block-cut tree
    (blocks and cut points): the pieces are the subtrees under the cut point and the rest
    of its component, so every removal costs the size of its answer rather than a pass
    over the graph. ``native`` takes the components and blocks from python-igraph
    (large maps); otherwise from NetworkX, which needs no numpy or igraph import and is
    as quick on a few hundred partners. The answer is the same.
    """
    # Vertex indices are positions in P's node order, so "first in order" is "smallest index".
    nodes, membership, blocks, cut_list = _structure(P, native)
    n = len(nodes)
    if n == 0:
        return set(), {}
    size: dict[int, int] = {}
    first: dict[int, int] = {}
    second: dict[int, int] = {}
    for v, c in enumerate(membership):
        size[c] = size.get(c, 0) + 1
        if c not in first:
            first[c] = v
        elif c not in second:
            second[c] = v
    ranked = sorted(size, key=lambda c: (-size[c], first[c]))
    core_c = ranked[0]
    core_idx = [v for v in range(n) if membership[v] == core_c]
    core_ids = sorted(nodes[v] for v in core_idx)

    cuts = set(cut_list)
    # Block-cut tree: block b is tree node n + b, a cut point is its own vertex index.
    tree: dict[int, list[int]] = {}
    own: dict[int, list[int]] = {}  # the vertices a tree node stands for
    for b, members in enumerate(blocks):
        t = n + b
        own[t] = [v for v in members if v not in cuts]
        for v in members:
            if v in cuts:
                tree.setdefault(t, []).append(v)
                tree.setdefault(v, []).append(t)
    for v in cuts:
        own[v] = [v]
    # Iterative DFS over the forest: Euler order of vertices, subtree intervals and minima.
    order: list[int] = []
    tin: dict[int, int] = {}
    tout: dict[int, int] = {}
    parent: dict[int, int | None] = {}
    children: dict[int, list[int]] = {}
    postorder: list[int] = []
    for root in range(n, n + len(blocks)):
        if root in tin:
            continue
        parent[root] = None
        stack = [(root, iter(tree.get(root, ())))]
        tin[root] = len(order)
        order.extend(own[root])
        children[root] = []
        while stack:
            t, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                tout[t] = len(order)
                postorder.append(t)
                stack.pop()
                continue
            if nxt == parent[t] or nxt in tin:
                continue
            parent[nxt] = t
            children[t].append(nxt)
            children[nxt] = []
            tin[nxt] = len(order)
            order.extend(own[nxt])
            stack.append((nxt, iter(tree.get(nxt, ()))))
    # Each tree (one component) is a contiguous span of the Euler order: minima of its
    # prefixes and suffixes give the smallest vertex outside a subtree.
    span: dict[int, tuple[int, int]] = {}
    for t, p in parent.items():
        if p is None:
            span[membership[order[tin[t]]] if tout[t] > tin[t] else -1] = (tin[t], tout[t])
    submin: dict[int, int] = {}
    for t in postorder:  # children before parents
        m = min(own[t]) if own[t] else n
        for ch in children[t]:
            m = min(m, submin[ch])
        submin[t] = m
    prefix_min = [n] * len(order)
    suffix_min = [n] * len(order)
    for lo, hi in span.values():
        running = n
        for i in range(lo, hi):
            running = min(running, order[i])
            prefix_min[i] = running
        running = n
        for i in range(hi - 1, lo - 1, -1):
            running = min(running, order[i])
            suffix_min[i] = running

    def best_other(c: int) -> tuple[int, int] | None:
        for other in ranked[:2]:
            if other != c:
                return (size[other], first[other])
        return None

    impacts: dict[Any, tuple[int, list[Any]]] = {}
    for v in range(n):
        c = membership[v]
        candidates: list[tuple[int, int, Any]] = []  # (size, first index, piece)
        other = best_other(c)
        if other is not None:
            candidates.append((other[0], other[1], "other"))
        if v in cuts:
            kids = children[v]
            inside = 0
            for ch in kids:
                piece = tout[ch] - tin[ch]
                inside += piece
                candidates.append((piece, submin[ch], ch))
            rest = size[c] - 1 - inside
            if rest > 0:
                # The rest of the component: outside v's subtree in the Euler order of its tree.
                lo, hi = tin[v], tout[v]
                c_lo, c_hi = span[c]
                smallest = min(prefix_min[lo - 1] if lo > c_lo else n, suffix_min[hi] if hi < c_hi else n)
                candidates.append((rest, smallest, "rest"))
        elif size[c] > 1:
            candidates.append((size[c] - 1, second[c] if v == first[c] else first[c], "self"))
        size_after, _, chosen = max(candidates, key=lambda x: (x[0], -x[1])) if candidates else (0, 0, "other")
        if c != core_c:
            cut_off: list[Any] = []
        elif chosen == "other":
            cut_off = [p for p in core_ids if p != nodes[v]]
        elif chosen == "self":
            cut_off = []
        elif chosen == "rest":
            cut_off = sorted(nodes[u] for u in order[tin[v] : tout[v]] if u != v)
        else:
            drop = {nodes[u] for u in order[tin[chosen] : tout[chosen]]}
            drop.add(nodes[v])
            cut_off = [p for p in core_ids if p not in drop]
        impacts[nodes[v]] = (size_after, cut_off)
    return {nodes[v] for v in core_idx}, impacts
