"""Project the multi-typed graph onto partners (DESIGN section 4).

Two partners are tied when a ``ties`` row links them, when they are parties to the
same agreement, or when one funds the other. The projected edge keeps what produced
it: ``kinds`` counts each reason (``{"collaboration": 1, "agreement": 2}``),
``agreements``, ``ties`` and ``awards`` list the ids or rows behind it, and
``weight`` is the total count.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for p in "ABC":
...     G.add_node(f"Partner:{p}", label="Partner", id=p, name=p)
>>> G.add_node("Agreement:M1", label="Agreement", id="M1")
>>> for p in "ABC":
...     _ = G.add_edge(f"Partner:{p}", "Agreement:M1", key="PARTY_TO", type="PARTY_TO")
>>> _ = G.add_edge("Partner:A", "Partner:B", key="TIED_TO:2", type="TIED_TO", kind="referral", _row=2)
>>> P = project(G)
>>> P.number_of_edges(), P.edges["A", "B"]["kinds"], P.edges["A", "B"]["weight"]
(3, {'referral': 1, 'agreement': 1}, 2)
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import networkx as nx

from netmap._gc import gc_paused
from netmap.build import node_key

__all__ = ["PARTNER_ATTRS", "project"]

# Partner attributes carried over to the projected graph.
PARTNER_ATTRS = (
    "name",
    "agency_type",
    "agency_type_name",
    "category",
    "level",
    "region",
    "team",
    "status",
    "industry",
)


def project(G: nx.MultiDiGraph, *, statuses: tuple[str | None, ...] | None = None) -> nx.Graph:
    """The partner-partner graph of a netmap graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph made by :func:`netmap.build_graph`. Not modified.
    statuses : tuple, optional
        Keep only partners whose ``status`` is in this tuple (``None`` stands for a
        blank status). By default every partner is kept.

    Returns
    -------
    networkx.Graph
        Nodes are partner ids (as written in the workbook) with the attributes of
        :data:`PARTNER_ATTRS`; edges carry ``kinds``, ``weight``, ``agreements``,
        ``ties``, ``awards`` and ``strength`` (the strongest tie row, if any).
    """
    # One edge index for the three edge types read here (and for whatever else the caller's
    # shared cache, if any, serves).
    from netmap.analysis._common import shared_cache

    with gc_paused(), shared_cache():
        return _project(G, statuses)


def _project(G: nx.MultiDiGraph, statuses: tuple[str | None, ...] | None) -> nx.Graph:
    P = nx.Graph(map_id=G.graph.get("map_id"), roster=G.graph.get("roster"))
    from netmap.analysis._common import edges_of, nodes_of

    key_to_id: dict[str, str] = {}
    # Into the graph's own dicts, as ``P.add_node`` would put them (ids are unique).
    node, adj = P._node, P._adj
    for n, d in nodes_of(G, "Partner").items():
        if statuses is not None and d.get("status") not in statuses:
            continue
        ident = key_to_id[n] = d["id"]
        node[ident] = {a: d.get(a) for a in PARTNER_ATTRS}
        adj[ident] = {}

    # Edge data written straight into the graph's adjacency, as ``P.add_edge`` would put it
    # (both ends are nodes already), without its per-edge argument handling: each node's
    # neighbours are in the order its ties were first seen, as add_edge would leave them.
    def edge(a: str, b: str) -> dict[str, Any]:
        data = adj[a][b] = adj[b][a] = {
            "kinds": {},
            "weight": 0,
            "agreements": [],
            "ties": [],
            "awards": [],
            "strength": None,
        }
        return data

    def tie(u: str, v: str, kind: str, field: str, ref: Any) -> None:
        """Count one agreement or award between two node keys."""
        a = key_to_id.get(u)
        b = key_to_id.get(v)
        if a is None or b is None or u == v:
            return
        data = adj[a].get(b) or edge(a, b)
        kinds = data["kinds"]
        kinds[kind] = kinds.get(kind, 0) + 1
        data["weight"] += 1
        data[field].append(ref)

    # The edges by type, from the index the analyses share (within one analyze() call the
    # map's million edges are scanned once, for the projection and everything else). The
    # ties, most of them, in a loop of their own: one dict made per new pair, no call per tie.
    get_id = key_to_id.get
    for u, v, d in edges_of(G, "TIED_TO"):
        a = get_id(u)
        b = get_id(v)
        if a is None or b is None or u == v:
            continue
        nbrs = adj[a]
        data = nbrs.get(b)
        kind = d.get("kind") or "collaboration"
        strength = d.get("strength")
        if data is None:
            nbrs[b] = adj[b][a] = {
                "kinds": {kind: 1},
                "weight": 1,
                "agreements": [],
                "ties": [d.get("_row")],
                "awards": [],
                "strength": strength,
            }
            continue
        kinds = data["kinds"]
        kinds[kind] = kinds.get(kind, 0) + 1
        data["weight"] += 1
        data["ties"].append(d.get("_row"))
        if strength is not None and (data["strength"] is None or strength > data["strength"]):
            data["strength"] = strength
    parties: dict[str, list[str]] = {}
    for u, v, _ in edges_of(G, "PARTY_TO"):
        parties.setdefault(v, []).append(u)
    funds = [(v, d) for _, v, d in edges_of(G, "FUNDS") if d.get("funder_id")]
    for agreement, members in parties.items():
        ident = G.nodes[agreement]["id"]
        for u, v in combinations(sorted(set(members)), 2):
            tie(u, v, "agreement", "agreements", ident)
    for v, d in funds:
        tie(node_key("Partner", d["funder_id"]), v, "funding", "awards", d["award_id"])
    return P
