"""Network health: density, components, centralisation, the E-I index and silos.

- **Degree centralisation** (Freeman): how much the network leans on one hub, 0 for a
  ring, 1 for a star: sum(max degree - degree) / ((n - 1)(n - 2)).
- **E-I index** across categories: (external - internal) / all ties; -1 when every tie
  stays inside a category, +1 when every tie crosses.
- **Communities** by Louvain (seeded), compared with categories: the normalised mutual
  information of the two partitions (1 when communities are exactly the categories,
  i.e. silos) and the communities one category dominates.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for p, cat in [("A", "x"), ("B", "x"), ("C", "y")]:
...     G.add_node(f"Partner:{p}", label="Partner", id=p, name=p, category=cat)
>>> for u, v in [("A", "B"), ("B", "C")]:
...     _ = G.add_edge(f"Partner:{u}", f"Partner:{v}", key=u, type="TIED_TO")
>>> r = health(G).to_dict()
>>> r["density"], r["ei_index"], r["degree_centralization"]
(0.666667, 0.0, 1.0)
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis._common import edge_count, partner_graph, shares_cache, use_igraph

__all__ = ["Health", "cross_counts", "cross_ties", "ei_index", "health", "normalized_mutual_information"]

SILO_SHARE = 0.8  # a community this dominated by one category is a silo
SILO_MIN_SIZE = 3


def cross_ties(P: nx.Graph, attr: str = "category") -> int:
    """Ties between nodes whose ``attr`` differs."""
    group = {v: d.get(attr) for v, d in P.nodes(data=True)}
    return sum(1 for a, b in P.edges() if group[a] != group[b])


def cross_counts(P: nx.Graph, *, fast: bool = False) -> tuple[dict[Any, int], int]:
    """Each node's ties to nodes of another category, and the number of such ties.

    ``fast`` counts from the partner graph's edge arrays (numpy) instead of neighbour by
    neighbour; the counts are the same (a missing category is a category of its own).

    >>> P = nx.Graph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(P, {"a": "x", "b": "x", "c": "y"}, "category")
    >>> cross_counts(P) == cross_counts(P, fast=True) == ({"a": 0, "b": 1, "c": 1}, 1)
    True
    """
    if fast:
        import numpy as np

        from netmap.analysis import _igraph

        es = _igraph.edge_set(P)
        codes = np.asarray(_igraph.category_codes([d.get("category") for d in P._node.values()]), dtype=np.int64)
        differ = codes[es.lo] != codes[es.hi]
        per = np.bincount(es.lo[differ], minlength=es.n) + np.bincount(es.hi[differ], minlength=es.n)
        return dict(zip(_igraph.node_list(P), per.tolist(), strict=True)), int(differ.sum())
    group = {v: d.get("category") for v, d in P.nodes(data=True)}
    per = {v: sum(1 for o in nbrs if group[o] != group[v]) for v, nbrs in P.adjacency()}
    return per, sum(per.values()) // 2


def ei_index(P: nx.Graph, attr: str = "category") -> float | None:
    """Krackhardt and Stern's E-I index of a graph's ties across ``attr`` groups."""
    external = cross_ties(P, attr)
    total = P.number_of_edges()
    return None if total == 0 else round((2 * external - total) / total, 6)


def normalized_mutual_information(a: dict[Any, Any], b: dict[Any, Any]) -> float | None:
    """NMI (arithmetic-mean normalisation) of two labelings of the same items.

    >>> normalized_mutual_information({1: "a", 2: "a", 3: "b"}, {1: 0, 2: 0, 3: 1})
    1.0
    """
    items = list(a)
    n = len(items)
    if n == 0:
        return None
    ca, cb = Counter(a[i] for i in items), Counter(b[i] for i in items)
    joint = Counter((a[i], b[i]) for i in items)
    mi = sum(c / n * math.log((c / n) / (ca[x] / n * cb[y] / n)) for (x, y), c in joint.items())
    ha = -sum(c / n * math.log(c / n) for c in ca.values())
    hb = -sum(c / n * math.log(c / n) for c in cb.values())
    if ha + hb == 0:
        return 1.0  # both labelings put everything in one group: they agree
    return round(2 * mi / (ha + hb), 6)


def _modularity(cats: list[Any], inside: Counter[Any], strength: Counter[Any]) -> float:
    """Newman's modularity of the category partition, as ``nx.community.modularity`` sums it.

    Per category, the weight inside over the total weight m, less (its weighted degree
    over 2m) squared; the same operations in the same order as networkx, so the same
    float.
    """
    total = sum(strength.values())
    m = total / 2
    norm = 1 / total**2
    return sum(inside[c] / m - strength[c] * strength[c] * norm for c in cats)


def _tie_counts(
    P: nx.Graph, category_of: dict[Any, Any]
) -> tuple[Counter[Any], Counter[Any], Counter[Any], Counter[Any], int]:
    """Per category: ties touching it, of which to another category, weight inside it,
    weighted degree; and the number of ties across categories (see ``_igraph.tie_counts``)."""
    touching: Counter[Any] = Counter()
    crossing: Counter[Any] = Counter()
    inside: Counter[Any] = Counter()
    strength: Counter[Any] = Counter()
    external = 0
    for a, b, w in P.edges(data="weight", default=1):
        ca, cb = category_of[a], category_of[b]
        touching[ca] += 1
        strength[ca] += w
        strength[cb] += w
        if ca != cb:
            external += 1
            touching[cb] += 1
            crossing[ca] += 1
            crossing[cb] += 1
        else:
            inside[ca] += w
    return touching, crossing, inside, strength, external


@dataclass
class Health:
    """Result of :func:`health`."""

    partners: int
    ties: int
    density: float | None
    components: list[list[str]]
    isolates: list[str]
    degree_centralization: float | None
    ei_index: float | None
    category_ei: dict[str, float | None]
    category_modularity: float | None
    communities: list[dict[str, Any]] = field(default_factory=list)
    nmi: float | None = None
    seed: int | None = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "partners": self.partners,
            "ties": self.ties,
            "density": self.density,
            "components": len(self.components),
            "component_sizes": [len(c) for c in self.components],
            "largest_component": len(self.components[0]) if self.components else 0,
            "isolates": self.isolates,
            "degree_centralization": self.degree_centralization,
            "ei_index": self.ei_index,
            "category_ei": self.category_ei,
            "category_modularity": self.category_modularity,
            "communities": self.communities,
            "communities_vs_categories_nmi": self.nmi,
            "silos": [c for c in self.communities if c["silo"]],
            "seed": self.seed,
        }


@shares_cache
def health(
    G: nx.MultiDiGraph, *, seed: int | None = 0, backend: str = "auto", as_of: dt.date | str | None = None
) -> Health:
    """Whole-network measures of the partner graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    seed : int, optional
        Seed of the Louvain community detection, so runs repeat.
    backend : {"auto", "networkx", "igraph"}
        ``"igraph"`` (and ``"auto"`` above ``IGRAPH_THRESHOLD`` partners) finds components
        and Louvain communities with python-igraph (seeded likewise; its communities are of
        the same quality as networkx's, not necessarily the same sets).
    as_of : date or ISO str, optional
        The day whose current ties, agreements and awards make the network (default today).

    Returns
    -------
    Health
    """
    P = partner_graph(G, as_of)
    n, m = P.number_of_nodes(), edge_count(P)
    fast = use_igraph(backend, n)
    if fast:
        from netmap.analysis import _igraph

        found_components = _igraph.connected_components(P)
    else:
        found_components = list(nx.connected_components(P))
    components = sorted((sorted(c) for c in found_components), key=lambda c: (-len(c), c))
    degrees = dict(P.degree())
    central = None
    if n >= 3:
        top = max(degrees.values())
        central = round(sum(top - d for d in degrees.values()) / ((n - 1) * (n - 2)), 6)

    category_of = {p: d.get("category") for p, d in P.nodes(data=True)}
    cats = sorted(set(category_of.values()), key=str)
    # One pass gives the E-I indexes and the category modularity (networkx's modularity
    # walks the graph again per category).
    if fast:
        touching, crossing, inside, strength, external = _igraph.tie_counts(P, list(category_of.values()))
    else:
        touching, crossing, inside, strength, external = _tie_counts(P, category_of)
    category_ei: dict[str, float | None] = {}
    for cat in cats:
        total, ext = touching[cat], crossing[cat]
        category_ei[str(cat)] = round((2 * ext - total) / total, 6) if total else None

    modularity = None
    if m:
        modularity = round(_modularity(cats, inside, strength), 6)

    result = Health(
        partners=n,
        ties=m,
        # nx.density(P) and nx.isolates(P), from the counts at hand (each a pass over P).
        density=(round(m / (n * (n - 1)) * 2, 6) if m else 0) if n > 1 else None,
        components=components,
        isolates=sorted(v for v, d in degrees.items() if d == 0),
        degree_centralization=central,
        ei_index=round((2 * external - m) / m, 6) if m else None,
        category_ei=category_ei,
        category_modularity=modularity,
        seed=seed,
    )
    if n:
        if not m:
            found = [{p} for p in P]
        elif fast:
            found = _igraph.louvain(P, seed=seed)
        else:
            found = nx.community.louvain_communities(P, seed=seed)
        ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))
        label = {}
        for index, members in enumerate(ordered):
            mix = Counter(category_of[p] for p in members)
            dominant, count = mix.most_common(1)[0]
            share = count / len(members)
            result.communities.append(
                {
                    "community": index,
                    "size": len(members),
                    "members": members,
                    "categories": {str(k): v for k, v in mix.most_common()},
                    "dominant_category": dominant,
                    "dominant_share": round(share, 3),
                    "silo": len(members) >= SILO_MIN_SIZE and share >= SILO_SHARE,
                }
            )
            label.update(dict.fromkeys(members, index))
        result.nmi = normalized_mutual_information(category_of, label)
    return result
