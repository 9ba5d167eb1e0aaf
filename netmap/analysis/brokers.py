"""Brokers: who holds the partnership together, and across which boundaries.

- **Betweenness** on the partner graph: exact up to ``exact_limit`` partners, sampled
  with ``k`` pivots and ``seed`` above that (the result says which).
- **Gould-Fernandez brokerage** across categories. For every broker B and every
  two-path A -> B -> C with no tie A -> C, the roles of A, B, C's categories name the
  brokerage: *coordinator* (all one category), *itinerant* (A and C share one, B
  another), *representative* (A and B share one, C another), *gatekeeper* (B and C
  share one, A another), *liaison* (three categories). Ties are arcs in both
  directions unless a ``ties`` row marks them directed, so on two-way ties each open
  pair counts once each way.
- **Burt's constraint and effective size**, unweighted unless ``weight`` says what weighs
  the ties (with betweenness: see :func:`netmap.analysis.quality.tie_distance`).
- **Articulation points and bridges**: partners and ties whose loss splits the network.
- **Category spanners**: partners tied into the most categories other than their own.
- **State links**: for each region, which of its partners are tied to state-level partners.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for p, cat in [("A", "education"), ("B", "employers"), ("C", "education")]:
...     G.add_node(f"Partner:{p}", label="Partner", id=p, name=p, category=cat)
>>> for u, v in [("A", "B"), ("B", "C")]:
...     _ = G.add_edge(f"Partner:{u}", f"Partner:{v}", key=f"TIED_TO:{u}", type="TIED_TO", kind="referral")
>>> top = brokers(G).to_dict()["brokers"][0]
>>> top["id"], top["brokerage"]["itinerant"], top["articulation_point"]
('B', 2, True)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import networkx as nx

from netmap import _background
from netmap.analysis._common import (
    IGRAPH_THRESHOLD,
    as_date,
    cached,
    partner_graph,
    partners,
    prefetched,
    resolve_roster,
    shares_cache,
    state_level_ids,
    use_igraph,
)
from netmap.analysis.arcs import arc_arrays, partner_digraph
from netmap.roster import Roster

__all__ = [
    "BROKERAGE_ROLES",
    "Brokers",
    "brokerage",
    "brokers",
    "constraint",
    "effective_size",
    "partner_digraph",
    "pivots",
    "start_brokers",
    "state_links",
]

BROKERAGE_ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
DEFAULT_EXACT_LIMIT = 3000
DEFAULT_K = 500
# Above this many partners the default number of pivots shrinks so that sampled
# betweenness costs about as much as 500 pivots on 20,000 partners (never under 128).
SAMPLE_BUDGET = 10_000_000
MIN_K = 128
# Above this many partners "auto" computes the brokers' measures with igraph and numpy even
# below IGRAPH_THRESHOLD: they are exact there (the same rows as NetworkX's, tested on
# generated maps of 60 to 700 partners), ten times sooner at a few hundred partners, where
# NetworkX's betweenness was most of a report's analysis.
BROKERS_FAST_ABOVE = 50


def default_k(n: int) -> int:
    """Pivots sampled by default for ``n`` partners: 500, fewer on very large maps.

    >>> default_k(3001), default_k(100_000)
    (500, 128)
    """
    return max(MIN_K, min(DEFAULT_K, SAMPLE_BUDGET // max(n, 1)))


def _brokerage_fast(nodes: list[Any], group: dict[Any, Any], arcs: Any) -> dict[Any, dict[str, int]]:
    """:func:`brokerage` on numpy (see :func:`netmap.analysis._igraph.brokerage_arrays`)."""
    import numpy as np

    index = {v: i for i, v in enumerate(nodes)}
    # Both ends of every arc in one pass of C-level lookups (a million arcs on a large map).
    ends = np.fromiter(map(index.__getitem__, chain.from_iterable(arcs)), dtype=np.int64, count=2 * len(arcs))
    return _census(nodes, [group.get(v) for v in nodes], ends[0::2], ends[1::2])


def _census(nodes: list[Any], groups: list[Any], src: Any, dst: Any) -> dict[Any, dict[str, int]]:
    """Brokerage counts of ``nodes`` (groups alongside) from arcs given as index arrays."""
    from netmap.analysis._igraph import brokerage_arrays, category_codes

    return _census_rows(nodes, brokerage_arrays(src, dst, category_codes(groups), len(nodes)))


def _census_rows(nodes: list[Any], table: Any) -> dict[Any, dict[str, int]]:
    """The ``n x 5`` census table as one dict of role counts (and total) per node."""
    table = table.tolist()
    out = {}
    for v, row in zip(nodes, table, strict=True):
        counts = dict(zip(BROKERAGE_ROLES, row, strict=True))
        counts["total"] = sum(row)
        out[v] = counts
    return out


def effective_size(P: nx.Graph) -> dict[Any, float]:
    """Burt's effective size of every node of an undirected, unweighted graph.

    Borgatti's closed form, n - 2t/n (n neighbours, t ties among them), equals
    ``nx.effective_size`` there; networkx copies the whole graph once per node to get
    it, which does not finish on large maps.

    >>> effective_size(nx.path_graph(3))[1], effective_size(nx.complete_graph(3))[0]
    (2.0, 1.0)
    """
    out: dict[Any, float] = {}
    for v in P:
        nbrs = set(P[v]) - {v}
        n = len(nbrs)
        if n == 0:
            out[v] = math.nan
            continue
        ties = sum(len(nbrs & set(P[u])) for u in nbrs) / 2
        out[v] = n - 2 * ties / n
    return out


def constraint(P: nx.Graph) -> dict[Any, float]:
    """Burt's constraint of every node of an undirected, unweighted graph.

    With p_ij = 1/deg(i), c_i = sum over neighbours j of (p_ij + sum over common
    neighbours q of p_iq p_qj)^2, as ``nx.constraint`` computes it, but in one pass over
    each neighbourhood instead of per pair of nodes.

    >>> constraint(nx.path_graph(3))[1], constraint(nx.complete_graph(3))[0]
    (0.5, 1.125)
    """
    out: dict[Any, float] = {}
    nbrs = {v: set(P[v]) - {v} for v in P}
    for i, ni in nbrs.items():
        if not ni:
            out[i] = math.nan
            continue
        pi = 1 / len(ni)
        total = 0.0
        for j in ni:
            indirect = sum(pi / len(nbrs[q]) for q in ni & nbrs[j])
            total += (pi + indirect) ** 2
        out[i] = total
    return out


def brokerage(D: nx.DiGraph, *, attr: str = "category", backend: str = "auto") -> dict[Any, dict[str, int]]:
    """Gould-Fernandez brokerage counts of every node of a directed graph.

    Parameters
    ----------
    D : networkx.DiGraph
        Arcs are the direction information flows; not modified.
    attr : str
        Node attribute holding the group (netmap uses the partner's category).
    backend : {"auto", "networkx", "igraph"}
        ``"igraph"`` (and ``"auto"`` above the size threshold) counts with arrays, from
        the triangles igraph lists, instead of a loop over two-paths; the counts are the same.

    Returns
    -------
    dict
        node -> {"coordinator", "itinerant", "gatekeeper", "representative", "liaison", "total"}.

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(D, {"a": 1, "b": 2, "c": 2}, "category")
    >>> brokerage(D)["b"]["gatekeeper"]
    1
    """
    group = nx.get_node_attributes(D, attr)
    if use_igraph(backend, D.number_of_nodes()):
        return _brokerage_fast(list(D), group, [(a, c) for a, c in D.edges() if a != c])
    counts = {n: dict.fromkeys(BROKERAGE_ROLES, 0) for n in D}
    for b in D:
        gb = group.get(b)
        for a in D.predecessors(b):
            ga = group.get(a)
            for c in D.successors(b):
                if c == a or D.has_edge(a, c):
                    continue
                gc = group.get(c)
                if ga == gb == gc:
                    role = "coordinator"
                elif ga == gc:
                    role = "itinerant"
                elif ga == gb:
                    role = "representative"
                elif gb == gc:
                    role = "gatekeeper"
                else:
                    role = "liaison"
                counts[b][role] += 1
    for c in counts.values():
        c["total"] = sum(c[r] for r in BROKERAGE_ROLES)
    return counts


@dataclass
class Brokers:
    """Result of :func:`brokers`."""

    method: str
    k: int | None
    seed: int | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    bridges: list[tuple[str, str]] = field(default_factory=list)
    articulation_points: list[str] = field(default_factory=list)
    state_links: list[dict[str, Any]] = field(default_factory=list)
    top: int | None = None
    weight: str | None = None  # what weighs the ties of betweenness, constraint, effective size

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows[: self.top] if self.top else self.rows
        return {
            "betweenness_method": self.method,
            "weight": self.weight,
            "k": self.k,
            "seed": self.seed,
            "brokers": rows,
            "articulation_points": self.articulation_points,
            "bridges": [list(b) for b in self.bridges],
            "state_links": self.state_links,
        }


def _clean(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 6)


@shares_cache
def brokers(
    G: nx.MultiDiGraph,
    *,
    top: int | None = None,
    k: int | None = None,
    seed: int | None = 0,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    backend: str = "auto",
    as_of: dt.date | str | None = None,
    roster: Roster | None = None,
    weight: str | None = None,
) -> Brokers:
    """Rank partners as brokers, on the network of ``as_of``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    top : int, optional
        Keep only the first ``top`` brokers in ``to_dict()``.
    k : int, optional
        Pivots for sampled betweenness (default 500, fewer above 20,000 partners: see
        :func:`default_k`; the result reports ``k``); used only above ``exact_limit``
        partners, or always when given explicitly.
    seed : int, optional
        Seed of the sampling, so runs repeat.
    exact_limit : int
        Largest partner count for exact betweenness.
    backend : {"auto", "networkx", "igraph"}
        ``"igraph"`` (and ``"auto"`` above ``BROKERS_FAST_ABOVE`` partners) computes
        betweenness, cut points and bridges on python-igraph, constraint, effective size
        and the brokerage census with numpy from its triangles; above ``IGRAPH_THRESHOLD``
        partners a worker process computes them meanwhile when it can (see
        :mod:`netmap.analysis._offload`). Same results: sampled betweenness uses the same
        ``k`` sources as networkx for the same ``seed``.
    as_of : date or ISO str, optional
        The day whose current ties, agreements and awards make the network (default today).
    roster : Roster, optional
        Decides who is state level for the state links (default: the graph's own).
    weight : {None, "strength", "trust", "value"}
        Weigh the ties (:func:`netmap.analysis.quality.tie_weights`; a tie with no score
        takes the mean weight): constraint and effective size take the weights as networkx
        does, betweenness takes each tie's length
        (:func:`netmap.analysis.quality.tie_distance`). Computed with networkx on every
        backend. None (default): unweighted, as before.

    Returns
    -------
    Brokers
        ``to_dict()["brokers"]`` is ordered by betweenness, each item with ``id``,
        ``name``, ``betweenness``, ``brokerage`` (the five role counts and total),
        ``constraint``, ``effective_size``, ``articulation_point``,
        ``categories_reached``.
    """
    day = as_date(as_of)
    roster = resolve_roster(G, roster)
    P = partner_graph(G, day)
    n = P.number_of_nodes()
    fast = use_igraph(backend, n) or (backend == "auto" and n > BROKERS_FAST_ABOVE)
    k_used = pivots(n, k=k, exact_limit=exact_limit)
    sampled = k_used is not None
    result = Brokers("sampled", k_used, seed, top=top) if sampled else Brokers("exact", None, None, top=top)

    if fast:
        from netmap.analysis import _igraph, _offload

        # The C-heavy measures on a worker process (if start_brokers or analyze() has not
        # asked one already), while the state links are made here; computed here if there is
        # no worker (one CPU, NETMAP_PARALLEL=0) or it fails.
        if not prefetched(P, ("raw", "betweenness", k_used, seed)) and n > IGRAPH_THRESHOLD:
            _offload.prefetch(G, as_of=day, brokers=(k_used, seed))
        result.state_links = _state_links(G, P, roster)
        ids, categories, src, dst = arc_arrays(G, day)
        # P is the undirected graph under the arcs (same nodes, same order): its triangles serve.
        table = cached(
            G,
            ("raw", "census"),
            lambda: _igraph.brokerage_arrays(
                src, dst, _igraph.category_codes(categories), len(ids), under=_igraph.edge_set(P)
            ),
        )
        gf = _census_rows(ids, table)
        between = _igraph.betweenness(P, k=k_used, seed=seed)
        constraints = _igraph.constraint(P)
        effective = _igraph.effective_size(P)
        cut_points = _igraph.articulation_points(P)
        bridge_list = _igraph.bridges(P)
        degree, reached = _igraph.degree_and_reach(P)
    else:
        if sampled:
            between = nx.betweenness_centrality(P, k=k_used, seed=seed, normalized=True)
        else:
            between = nx.betweenness_centrality(P, normalized=True)
        gf = brokerage(partner_digraph(G, as_of=day), backend="networkx")
        constraints = constraint(P)
        effective = effective_size(P)
        cut_points = set(nx.articulation_points(P))
        bridge_list = list(nx.bridges(P))
        category = {p: d.get("category") for p, d in P.nodes(data=True)}
        degree = dict(P.degree())
        reached = {p: len({category[m] for m in P.adj[p]} - {d.get("category"), None}) for p, d in P.nodes(data=True)}
    if weight is not None:
        between, constraints, effective = _weighted(G, P, weight, day, k_used, seed)
        result.weight = weight
    result.articulation_points = sorted(cut_points)
    result.bridges = sorted(tuple(sorted(e)) for e in bridge_list)

    no_brokerage = dict.fromkeys((*BROKERAGE_ROLES, "total"), 0)
    for pid, d in P.nodes(data=True):
        result.rows.append(
            {
                "id": pid,
                "name": d.get("name"),
                "category": d.get("category"),
                "region": d.get("region"),
                "degree": degree[pid],
                "betweenness": _clean(between.get(pid, 0.0)),
                "brokerage": gf.get(pid) or dict(no_brokerage),
                "constraint": _clean(constraints.get(pid, math.nan)),
                "effective_size": _clean(effective.get(pid, math.nan)),
                "articulation_point": pid in cut_points,
                "categories_reached": reached[pid],
            }
        )
    result.rows.sort(key=lambda r: (-(r["betweenness"] or 0.0), -r["brokerage"]["total"], str(r["name"]), r["id"]))
    if not fast:
        result.state_links = _state_links(G, P, roster)
    return result


def _weighted(
    G: nx.MultiDiGraph, P: nx.Graph, weight: str, day: dt.date, k: int | None, seed: int | None
) -> tuple[dict[Any, float], dict[Any, float], dict[Any, float]]:
    """Betweenness, constraint and effective size of ``P`` with its ties weighed by ``weight``."""
    from netmap.analysis.quality import tie_distance, tie_weights

    weights = tie_weights(G, weight, as_of=day)
    W = nx.Graph()
    W.add_nodes_from(P)
    for (a, b), w in weights.items():
        W.add_edge(a, b, weight=w, distance=tie_distance(weight, w))
    if k is not None:
        between = nx.betweenness_centrality(W, k=k, seed=seed, normalized=True, weight="distance")
    else:
        between = nx.betweenness_centrality(W, normalized=True, weight="distance")
    return between, nx.constraint(W, weight="weight"), nx.effective_size(W, weight="weight")


def start_brokers(G: nx.MultiDiGraph, **options: Any) -> _background.Pending:
    """:func:`brokers` of ``G`` with ``options``, its heavy part started on a second core.

    On a large map (fast path, above ``IGRAPH_THRESHOLD`` partners) the brokers' C-heavy
    measures go to a worker process (see :mod:`netmap.analysis._offload`) now, so that
    :func:`netmap.analysis.analyze` and the map do the rest meanwhile; ``.result()``
    then only gathers them into rows. Elsewhere the brokers are computed when the result
    is asked for. Either way ``.result()`` is what ``brokers(G, **options)`` returns, and
    must be asked for inside the same :func:`netmap.analysis._common.shared_cache`.

    Examples
    --------
    >>> import netmap
    >>> G = netmap.read_graph("examples/four-state-coalitions")
    >>> start_brokers(G, seed=0).result().to_dict() == brokers(G, seed=0).to_dict()
    True
    """
    n = len(partners(G))  # the partner graph's nodes, known before it is built
    if n > IGRAPH_THRESHOLD and use_igraph(options.get("backend", "auto"), n):
        from netmap.analysis import _offload

        k = pivots(n, k=options.get("k"), exact_limit=options.get("exact_limit", DEFAULT_EXACT_LIMIT))
        _offload.prefetch(G, as_of=options.get("as_of"), brokers=(k, options.get("seed", 0)))
    return _background.later(brokers, G, **options)


def pivots(n: int, *, k: int | None = None, exact_limit: int = DEFAULT_EXACT_LIMIT) -> int | None:
    """The pivots :func:`brokers` samples betweenness with on ``n`` partners (None: exact).

    >>> pivots(300), pivots(300, k=50), pivots(100_000)
    (None, 50, 128)
    """
    if k is None and n <= exact_limit:
        return None
    return min(k or default_k(n), n)


@shares_cache
def state_links(
    G: nx.MultiDiGraph, *, roster: Roster | None = None, as_of: dt.date | str | None = None
) -> list[dict[str, Any]]:
    """For every region: its partners tied to state-level partners on ``as_of``, and to whom.

    The ``state_links`` of :func:`brokers`, without the centralities.

    Examples
    --------
    >>> import netmap
    >>> G = netmap.read_graph("examples/four-state-coalitions")
    >>> sorted(s["region"] for s in state_links(G) if not s["linked"])
    []
    """
    return _state_links(G, partner_graph(G, as_of), resolve_roster(G, roster))


def _state_links(G: nx.MultiDiGraph, P: nx.Graph, roster: Roster) -> list[dict[str, Any]]:
    """For every region: its partners tied to state-level partners, and to whom."""
    info = partners(G)

    state = set(state_level_ids(info, roster))

    regions: dict[str, dict[str, Any]] = {}
    adj = P._adj  # the neighbour dicts themselves, not a view per partner
    none: dict[str, Any] = {}
    for pid, d in info.items():
        region = d.get("region")
        if region is None or pid in state or d.get("level") == "national":
            continue
        entry = regions.get(region)
        if entry is None:
            entry = regions[region] = {"region": region, "connectors": [], "links": []}
        nbrs = adj.get(pid, none)
        if state.isdisjoint(nbrs):  # most partners: told at C speed
            continue
        found = [other for other in nbrs if other in state]
        if found:
            entry["links"].extend({"partner": pid, "state_partner": other} for other in found)
            entry["connectors"].append(pid)
    for entry in regions.values():
        entry["linked"] = bool(entry["connectors"])
    return list(regions.values())
