"""Fast paths of the analyses on python-igraph and numpy, for large maps.

Each public function takes the NetworkX partner graph and returns what its NetworkX
counterpart returns, keyed by partner id. Each computes through a ``raw_*`` function of an
:class:`EdgeSet` (node indexes and edge arrays only), which a worker process can run too
(:mod:`netmap.analysis._offload`); its answer reaches the function through the cache. igraph
and numpy are imported here, lazily, so that ``import netmap`` stays quick; conversions are
cached inside :func:`netmap.analysis._common.shared_cache` (one ``analyze`` call).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any

import networkx as nx

from netmap.analysis._common import cached, prefetched

__all__ = [
    "EdgeSet",
    "IGraph",
    "Triangles",
    "articulation_points",
    "betweenness",
    "bridges",
    "category_codes",
    "connected_components",
    "constraint",
    "degree_and_reach",
    "edge_arrays",
    "edge_set",
    "effective_size",
    "louvain",
    "node_list",
    "pairs_of",
    "raw_betweenness",
    "raw_bridges",
    "raw_components",
    "raw_constraint",
    "raw_cut_points",
    "raw_degree_and_reach",
    "raw_effective_size",
    "raw_louvain",
    "raw_structure",
    "sample_sources",
    "structure",
    "tie_counts",
    "to_igraph",
    "triangles",
]


@dataclass
class IGraph:
    """An undirected igraph copy of a NetworkX graph, with the node order kept."""

    graph: Any  # igraph.Graph
    nodes: list[Any]
    index: dict[Any, int]


def edge_arrays(P: nx.Graph) -> tuple[Any, Any, Any]:
    """``P.edges()`` as two arrays of node indexes (``P``'s node order), self-loops included,
    and which entries of the adjacency, read row by row, they are (to line up edge data).

    Read off the adjacency dicts with C-level lookups: ``P.edges()`` gives (n, m) for each
    neighbour m of n not listed before n.
    """

    def make() -> tuple[Any, Any, Any]:
        import numpy as np

        index = {v: i for i, v in enumerate(P)}
        lists = P._adj.values()  # the dicts themselves: iterating the read-only views is Python code
        sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(index))
        ends = np.fromiter(map(index.__getitem__, chain.from_iterable(lists)), dtype=np.int64, count=int(sizes.sum()))
        starts = np.repeat(np.arange(len(index), dtype=np.int64), sizes)
        first = ends >= starts
        return starts[first], ends[first], first

    return cached(P, "edge-arrays", make)


def pairs_of(n: int, u: Any, v: Any) -> tuple[Any, Any]:
    """The simple undirected edges among ``u[i] - v[i]`` (loops and repeats dropped), as
    index arrays ``lo < hi`` sorted by ``(lo, hi)``: the edge order of every igraph copy.

    Sorted, not in ``P.edges()`` order, so that a worker process that knows the ties only as
    arrays (see :mod:`netmap.analysis._offload`) builds the same igraph graph, with the same
    edge ids, as this process builds from the NetworkX graph: Louvain and the searches visit
    edges in that order.

    >>> lo, hi = pairs_of(3, [2, 0, 1, 1], [0, 2, 1, 0])
    >>> lo.tolist(), hi.tolist()
    ([0, 0], [1, 2])
    """
    import numpy as np

    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    keep = u != v
    lo, hi = np.minimum(u, v)[keep], np.maximum(u, v)[keep]
    codes = distinct(lo * n + hi)
    return codes // max(n, 1), codes % max(n, 1)


def _simple_edges(P: nx.Graph) -> tuple[Any, Any]:
    """The edges of the igraph copy, as two index arrays (see :func:`pairs_of`)."""
    u, v, _ = edge_arrays(P)
    return pairs_of(len(P), u, v)


def to_igraph(P: nx.Graph) -> IGraph:
    """The simple undirected igraph graph of ``P`` (self-loops dropped), vertices in ``P``'s
    order, edges sorted by their ends' indexes (:func:`pairs_of`)."""

    def make() -> IGraph:
        nodes = node_list(P)
        return IGraph(edge_set(P).graph, nodes, {n: i for i, n in enumerate(nodes)})

    return cached(P, "igraph", make)


def tie_counts(P: nx.Graph, group: list[Any]) -> tuple[Counter[Any], Counter[Any], Counter[Any], Counter[Any], int]:
    """Per group (``group[i]`` is node i's): ties touching it, of which crossing to another
    group, weight inside it, and weighted degree; and the number of crossing ties.

    What :func:`netmap.analysis.health.health` counts edge by edge, from arrays; ``weight``
    is an integer edge attribute (1 if missing), as in a projection.
    """
    import numpy as np

    if prefetched(P, PAIR_WEIGHTS):  # edges and weights known from the rows (_offload.attach)
        es = edge_set(P)
        u, v, weight = es.lo, es.hi, cached(P, PAIR_WEIGHTS, lambda: None)
        return _tie_counts_of(u, v, weight, group)
    u, v, first = edge_arrays(P)
    data = chain.from_iterable(map(dict.values, P._adj.values()))
    try:  # a projection's edges all carry a weight: read at C speed
        weight = np.fromiter(map(itemgetter("weight"), data), dtype=np.int64, count=len(first))[first]
    except KeyError:  # a graph put together otherwise: 1 where it has none
        entries = (d.get("weight", 1) for nbrs in P._adj.values() for d in nbrs.values())
        weight = np.fromiter(entries, dtype=np.int64, count=len(first))[first]
    return _tie_counts_of(u, v, weight, group)


# Cache key of the partner graph's edge weights, in the order of its edge_set (see tie_counts).
PAIR_WEIGHTS = "pair-weights"


def _tie_counts_of(
    u: Any, v: Any, weight: Any, group: list[Any]
) -> tuple[Counter[Any], Counter[Any], Counter[Any], Counter[Any], int]:
    """:func:`tie_counts` of the edges ``u[i] - v[i]`` weighing ``weight[i]`` (any order)."""
    import numpy as np

    codes: dict[Any, int] = {}
    code = np.array([codes.setdefault(g, len(codes)) for g in group], dtype=np.int64)
    K = len(codes)
    cu, cv = code[u], code[v]
    cross = cu != cv
    same = ~cross

    def per_group(*parts: tuple[Any, Any]) -> Counter[Any]:
        total = sum(np.bincount(c, weights=w, minlength=K) for c, w in parts)
        return Counter({g: round(x) for g, x in zip(codes, np.asarray(total).tolist(), strict=True) if x})

    touching = per_group((cu, None), (cv[cross], None))
    crossing = per_group((cu[cross], None), (cv[cross], None))
    inside = per_group((cu[same], weight[same]))
    strength = per_group((cu, weight), (cv, weight))
    return touching, crossing, inside, strength, int(cross.sum())


@dataclass
class Triangles:
    """The edges of an igraph copy as sorted pair codes ``lo * n + hi``, and its triangles."""

    n: int
    pairs: Any  # sorted int64 codes of the undirected edges
    corners: Any  # t x 3 int64, each row sorted
    degree: Any  # float64 per node


class EdgeSet:
    """A simple undirected graph as arrays: ``n`` nodes, edges ``lo[i] - hi[i]`` (``lo < hi``).

    What the fast paths compute from, in this process (made from a NetworkX partner graph
    by :func:`edge_set`) or in a worker process (from the arrays alone, see
    :mod:`netmap.analysis._offload`); its igraph graph is built from the arrays either way,
    so edge ids are positions in the arrays.

    >>> import numpy as np
    >>> es = EdgeSet(3, np.array([0, 1]), np.array([1, 2]))
    >>> raw_cut_points(es), raw_bridges(es)
    ([1], [(0, 1), (1, 2)])
    """

    def __init__(self, n: int, lo: Any, hi: Any) -> None:
        self.n, self.lo, self.hi = n, lo, hi
        self._graph: Any = None  # made on first use: not when a worker computes it all
        self._triangles: Triangles | None = None

    @property
    def graph(self) -> Any:
        if self._graph is None:
            import igraph as ig
            import numpy as np

            self._graph = ig.Graph(n=self.n, edges=np.stack([self.lo, self.hi], axis=1).tolist(), directed=False)
        return self._graph

    @property
    def triangles(self) -> Triangles:
        if self._triangles is None:
            import numpy as np

            n, lo, hi = self.n, self.lo, self.hi
            degree = np.bincount(np.concatenate([lo, hi]), minlength=n).astype(np.float64)
            self._triangles = Triangles(n, distinct(lo * n + hi), _triangle_corners(self.graph), degree)
        return self._triangles


def edge_set(P: nx.Graph) -> EdgeSet:
    """``P`` as an :class:`EdgeSet` (its igraph copy and triangles made once per cache)."""

    return cached(P, EDGE_SET, lambda: EdgeSet(len(P), *_simple_edges(P)))


# Cache key of a partner graph's edge set (edge_set), which _offload.attach may put there first.
EDGE_SET = "edge-set"


def node_list(P: nx.Graph) -> list[Any]:
    """``list(P)``, once per cache: node index i is ``node_list(P)[i]`` everywhere here."""
    return cached(P, "node-list", lambda: list(P))


def _raw(P: nx.Graph, key: tuple[Any, ...], compute: Any) -> Any:
    """``compute(edge_set(P))``, once per cache; or what a worker computed for ``key``
    (:func:`netmap.analysis._offload.attach` puts it there)."""
    return cached(P, ("raw", *key), lambda: compute(edge_set(P)))


def triangles(P: nx.Graph) -> Triangles:
    """Edges and triangles of ``P`` (igraph lists the triangles in C), cached like the copy."""
    return edge_set(P).triangles


def _triangle_corners(graph: Any) -> Any:
    import numpy as np

    found = graph.list_triangles()
    corners = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=3 * len(found))
    return np.sort(corners.reshape(-1, 3), axis=1)


def sample_sources(nodes: list[Any], k: int | None, seed: int | None) -> list[int] | None:
    """Indexes of the ``k`` pivots networkx samples (``random.Random(seed).sample`` of the
    node list); None for exact betweenness (no ``k``, or ``k`` at least the node count)."""
    n = len(nodes)
    if k is None or k >= n or n < 3:
        return None
    index = {v: i for i, v in enumerate(nodes)}
    return [index[s] for s in random.Random(seed).sample(nodes, k)]  # noqa: S311 (seeded sampling, not secrets)


def raw_betweenness(es: EdgeSet, sources: list[int] | None) -> Any:
    """Normalised betweenness per node index, exact (``sources`` None) or from the pivots
    ``sources``, rescaled as networkx (3.5 and later) rescales sampled betweenness: pivots
    over (k - 1)(n - 2), the other nodes over k(n - 2)."""
    import numpy as np

    n = es.n
    if n < 3:
        return np.zeros(n)
    if sources is None:
        return np.asarray(es.graph.betweenness(directed=False), dtype=np.float64) * (2 / ((n - 1) * (n - 2)))
    k = len(sources)
    raw = np.asarray(es.graph.betweenness(directed=False, sources=sources), dtype=np.float64)
    scale = np.full(n, 2 / (k * (n - 2)))
    scale[sources] = 2 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    return raw * scale


def betweenness(P: nx.Graph, *, k: int | None = None, seed: int | None = 0) -> dict[Any, float]:
    """Normalised betweenness as ``nx.betweenness_centrality(P, k=k, seed=seed)`` computes it.

    With ``k``, the same ``k`` sources networkx samples are used (see :func:`sample_sources`).
    """
    nodes = node_list(P)
    sources = sample_sources(nodes, k, seed)
    values = _raw(P, ("betweenness", k, seed), lambda es: raw_betweenness(es, sources))
    return dict(zip(nodes, values.tolist(), strict=True))


def raw_constraint(es: EdgeSet) -> Any:
    """Burt's constraint per node index (NaN for isolates); see :func:`constraint`."""
    import numpy as np

    t = es.triangles
    n, pairs, deg = t.n, t.pairs, t.degree
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    lo, hi = pairs // max(n, 1), pairs % max(n, 1)
    x, y, z = t.corners.T
    xy, yz, xz = (np.searchsorted(pairs, u * n + v) for u, v in ((x, y), (y, z), (x, z)))
    m = len(pairs)
    # Indirect shares of each edge, lo -> hi and hi -> lo: for i -> j through q, p_iq p_qj.
    up = (
        np.bincount(xy, inv[x] * inv[z], minlength=m)
        + np.bincount(yz, inv[y] * inv[x], minlength=m)
        + np.bincount(xz, inv[x] * inv[y], minlength=m)
    )
    down = (
        np.bincount(xy, inv[y] * inv[z], minlength=m)
        + np.bincount(yz, inv[z] * inv[x], minlength=m)
        + np.bincount(xz, inv[z] * inv[y], minlength=m)
    )
    c = np.bincount(lo, (inv[lo] + up) ** 2, minlength=n) + np.bincount(hi, (inv[hi] + down) ** 2, minlength=n)
    c = c.astype(np.float64)  # bincount of no edges at all gives integers
    c[deg == 0] = np.nan
    return c


def constraint(P: nx.Graph) -> dict[Any, float]:
    """Burt's constraint, unweighted (as :func:`netmap.analysis.brokers.constraint`), from triangles.

    c_i = sum over neighbours j of (p_ij + sum_q p_iq p_qj)^2 with p_ij = 1/deg(i); NaN for
    isolates. The q of a pair (i, j) are the third corners of the triangles on the edge i-j,
    so each triangle adds its share to its three edges, both ways round.
    """
    return dict(zip(node_list(P), _raw(P, ("constraint",), raw_constraint).tolist(), strict=True))


def raw_effective_size(es: EdgeSet) -> Any:
    """Burt's effective size per node index (NaN for isolates); see :func:`effective_size`."""
    import numpy as np

    t = es.triangles
    deg = t.degree
    ties = np.bincount(t.corners.reshape(-1), minlength=t.n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(deg > 0, deg - 2 * ties / np.where(deg > 0, deg, 1), np.nan)


def effective_size(P: nx.Graph) -> dict[Any, float]:
    """Burt's effective size, unweighted: n - 2t/n (n neighbours, t ties among them, that is
    the triangles it is a corner of); NaN for isolates."""
    return dict(zip(node_list(P), _raw(P, ("effective_size",), raw_effective_size).tolist(), strict=True))


def category_codes(categories: list[Any]) -> list[int]:
    """Each category as an integer code (-1: none), numbered in order of first appearance.

    >>> category_codes(["b", None, "a", "b"])
    [0, -1, 1, 0]
    """
    codes: dict[Any, int] = {None: -1}
    return [codes.setdefault(c, len(codes) - 1) for c in categories]


def raw_degree_and_reach(es: EdgeSet, categories: list[int]) -> tuple[Any, Any]:
    """Degree, and categories other than its own reached by a neighbour, per node index."""
    import numpy as np

    n = es.n
    category = np.asarray(categories, dtype=np.int64)
    K = int(category.max()) + 2 if n else 1
    ends = np.concatenate([es.lo, es.hi])
    others = np.concatenate([es.hi, es.lo])
    seen = category[others]
    keep = (seen >= 0) & (seen != category[ends])
    pairs = distinct(ends[keep] * K + seen[keep])  # (node, category reached), once each
    reach = np.bincount(pairs // K, minlength=n) if n else np.zeros(0, dtype=np.int64)
    degree = np.bincount(ends, minlength=n) if n else np.zeros(0, dtype=np.int64)
    return degree, reach


def degree_and_reach(P: nx.Graph) -> tuple[dict[Any, int], dict[Any, int]]:
    """Each node's degree, and how many categories other than its own its neighbours are in.

    ``P`` has no self-loops (a projection never does). A neighbour without a category
    reaches none.
    """
    nodes = node_list(P)
    codes = category_codes([d.get("category") for _, d in P.nodes(data=True)])
    degree, reach = _raw(P, ("degree_and_reach",), lambda es: raw_degree_and_reach(es, codes))
    return dict(zip(nodes, degree.tolist(), strict=True)), dict(zip(nodes, reach.tolist(), strict=True))


def raw_components(es: EdgeSet) -> list[int]:
    """The connected component of each node index (igraph's numbering)."""
    return list(es.graph.connected_components().membership)


def _groups(nodes: list[Any], membership: list[int]) -> list[set[Any]]:
    groups: dict[int, set[Any]] = {}
    for v, c in zip(nodes, membership, strict=True):
        groups.setdefault(c, set()).add(v)
    return [groups[c] for c in sorted(groups)]


def connected_components(P: nx.Graph) -> list[set[Any]]:
    return _groups(node_list(P), _raw(P, ("components",), raw_components))


def raw_cut_points(es: EdgeSet) -> list[int]:
    return sorted(es.graph.articulation_points())


def articulation_points(P: nx.Graph) -> set[Any]:
    nodes = node_list(P)
    return {nodes[i] for i in _raw(P, ("cut_points",), raw_cut_points)}


def raw_bridges(es: EdgeSet) -> list[tuple[int, int]]:
    """The bridges as (lo, hi) node-index pairs (edge ids are positions in the arrays)."""
    lo, hi = es.lo, es.hi
    return [(int(lo[e]), int(hi[e])) for e in es.graph.bridges()]


def bridges(P: nx.Graph) -> list[tuple[Any, Any]]:
    nodes = node_list(P)
    return [(nodes[a], nodes[b]) for a, b in _raw(P, ("bridges",), raw_bridges)]


def raw_louvain(es: EdgeSet, seed: int | None) -> list[int]:
    """Louvain community of each node index (igraph ``community_multilevel``), seeded; the
    RNG is restored after."""
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))  # noqa: S311
    try:
        return list(es.graph.community_multilevel().membership)
    finally:
        ig.set_random_number_generator(random)  # igraph's default: the random module


def louvain(P: nx.Graph, *, seed: int | None = 0) -> list[set[Any]]:
    """Louvain communities (igraph ``community_multilevel``), seeded."""
    return _groups(node_list(P), _raw(P, ("louvain", seed), lambda es: raw_louvain(es, seed)))


def brokerage_arrays(src: Any, dst: Any, group: Any, n: int, *, under: EdgeSet | None = None) -> Any:
    """Gould-Fernandez counts from arcs ``src[i] -> dst[i]`` (no self-loops, no duplicates).

    ``under``, if given, is the undirected graph under the arcs (``pairs_of(n, src, dst)``,
    as the partner graph is), whose triangles are then not listed again.

    ``group`` holds each node's group as an integer code (any integers, such as
    :func:`category_codes` gives, with -1 for none: only which nodes share one counts).
    Returns an ``n x 5`` integer array in the order coordinator, itinerant, gatekeeper,
    representative, liaison.

    For broker b, the two-paths a -> b -> c (a != c) by the groups (x, y) of a and c number
    in(b, x) * out(b, y), less the a = c returns (reciprocal arcs) and the closed ones (an
    arc a -> c). A closed two-path lies on a triangle of the undirected graph under the
    arcs, so igraph lists the triangles (C code) and numpy tests the six ways round each
    one, instead of intersecting two adjacency rows per arc.

    >>> brokerage_arrays([0, 1], [1, 2], [0, 1, 1], 3)[1].tolist()  # a -> b -> c, b and c alike
    [0, 0, 1, 0, 0]
    """
    import numpy as np

    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    group = np.asarray(group, dtype=np.int64)
    if n:
        group = group - group.min()  # from 0, as the counts by group are indexed
    K = int(group.max()) + 1 if n else 1
    inn = np.bincount(dst * K + group[src], minlength=n * K).reshape(n, K)  # in[b, x]
    out = np.bincount(src * K + group[dst], minlength=n * K).reshape(n, K)  # out[b, y]
    # Every two-path a -> b -> c by role, from the group totals alone: role of (x, y, g(b)).
    nodes = np.arange(n)
    own_in, own_out = inn[nodes, group], out[nodes, group]
    in_deg, out_deg = inn.sum(axis=1), out.sum(axis=1)
    coordinator = own_in * own_out
    itinerant = (inn * out).sum(axis=1) - coordinator
    representative = own_in * (out_deg - own_out)
    gatekeeper = (in_deg - own_in) * own_out
    liaison = in_deg * out_deg - coordinator - itinerant - representative - gatekeeper
    counts = np.stack([coordinator, itinerant, gatekeeper, representative, liaison], axis=1)

    # Less the two-paths a -> b -> c that are not brokerage: returns (a = c) and closed ones,
    # taken off batch by batch: gathered first, a 100,000-partner map's few million of them
    # and their groups held a quarter of a gigabyte at once.
    def drop(a: Any, b: Any, c: Any) -> None:
        ga, gb, gc = group[a], group[b], group[c]
        # The same role rules as the totals above, two-path by two-path (column order of counts).
        role = np.select(
            [(ga == gc) & (ga == gb), ga == gc, gc == gb, ga == gb],
            [0, 1, 2, 3],
            default=4,
        )
        counts[...] -= np.bincount(b * 5 + role, minlength=n * 5).reshape(n, 5)

    # Returns a -> b -> a: each arc whose reverse is an arc too.
    codes = np.sort(src * n + dst)
    back = _member(codes, dst * n + src)
    drop(src[back], dst[back], src[back])

    # Closed two-paths, triangle by triangle (each triangle's corners sorted, x < y < z).
    # ``forward[e]``/``backward[e]``: whether the undirected edge e = (lo, hi) carries the
    # arc lo -> hi / hi -> lo.
    if under is None:
        under = EdgeSet(n, *pairs_of(n, src, dst))
    pairs = under.triangles.pairs
    forward = _member(codes, pairs)
    backward = _member(codes, (pairs % n) * n + pairs // n)
    corners = under.triangles.corners.T
    xy, yz, xz = (np.searchsorted(pairs, corners[u] * n + corners[v]) for u, v in ((0, 1), (1, 2), (0, 2)))
    arcs = {
        (0, 1): forward[xy], (1, 0): backward[xy],
        (1, 2): forward[yz], (2, 1): backward[yz],
        (0, 2): forward[xz], (2, 0): backward[xz],
    }  # fmt: skip
    for a, b, c in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        closed = arcs[a, b] & arcs[b, c] & arcs[a, c]
        drop(corners[a][closed], corners[b][closed], corners[c][closed])
    return counts.astype(np.int64)


def distinct(codes: Any) -> Any:
    """The distinct values of an int64 array, sorted: ``np.unique`` by sorting, which on a
    million codes is several times faster than the hashing numpy 2 does there.

    >>> import numpy as np
    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    import numpy as np

    codes = np.sort(codes)
    return codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes


def distinct_counts(codes: Any) -> tuple[Any, Any]:
    """:func:`distinct` of ``codes``, and how many times each value stands in them.

    >>> import numpy as np
    >>> values, counts = distinct_counts(np.array([3, 1, 3, 2]))
    >>> values.tolist(), counts.tolist()
    ([1, 2, 3], [1, 1, 2])
    """
    import numpy as np

    codes = np.sort(codes)
    if not len(codes):
        return codes, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[starts], np.diff(np.r_[starts, len(codes)])


def _member(sorted_codes: Any, codes: Any) -> Any:
    """Which of ``codes`` are in ``sorted_codes`` (sorted int64), as a boolean array."""
    import numpy as np

    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    return sorted_codes[at] == codes


def raw_structure(es: EdgeSet) -> tuple[list[int], list[list[int]], list[int]]:
    """Component of each node index, biconnected blocks and cut points, by node index."""
    blocks, cuts = es.graph.biconnected_components(return_articulation_points=True)
    return list(es.graph.connected_components().membership), [list(b) for b in blocks], list(cuts)


def structure(P: nx.Graph) -> tuple[list[Any], list[int], list[list[int]], list[int]]:
    """Nodes, component membership, biconnected blocks and cut points, by node index."""
    membership, blocks, cuts = _raw(P, ("structure",), raw_structure)
    return node_list(P), membership, blocks, cuts
