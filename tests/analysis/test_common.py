"""Tests of netmap.analysis._common: the indexes the analyses share."""

from __future__ import annotations

import networkx as nx

from netmap.analysis._common import edges_of, nodes_of, partners, shared_cache


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("Partner:A", label="Partner", id="A", status="active")
    G.add_node("Partner:B", label="Partner", id="B", status="former")
    G.add_node("Role:convene", label="Role", id="convene")
    G.add_edge("Partner:A", "Partner:B", key="TIED_TO:2", type="TIED_TO")
    G.add_edge("Partner:A", "Role:convene", key="PERFORMS:convene", type="PERFORMS")
    G.add_edge("Partner:B", "Partner:A", key="TIED_TO:3", type="TIED_TO")
    G.add_edge("Partner:B", "Role:convene", key="PERFORMS:convene", type="PERFORMS")
    return G


def test_edges_of_one_type_in_graph_order():
    G = _graph()
    assert [(u, v) for u, v, _ in edges_of(G, "TIED_TO")] == [("Partner:A", "Partner:B"), ("Partner:B", "Partner:A")]
    assert [(u, v) for u, v, _ in edges_of(G, "PERFORMS")] == [
        ("Partner:A", "Role:convene"),
        ("Partner:B", "Role:convene"),
    ]
    assert edges_of(G, "FUNDS") == []
    assert [d["type"] for *_, d in edges_of(G, "TIED_TO")] == ["TIED_TO", "TIED_TO"]


def test_nodes_of_and_partners():
    G = _graph()
    assert list(nodes_of(G, "Partner")) == ["Partner:A", "Partner:B"]
    assert list(partners(G)) == ["A"]
    assert list(partners(G, active_only=False)) == ["A", "B"]
    everyone = partners(G, active_only=False)
    everyone.pop("A")  # a caller's dict is its own
    assert list(partners(G, active_only=False)) == ["A", "B"]


def test_indexes_are_built_once_per_graph_within_shared_cache_and_not_kept_after():
    G = _graph()
    with shared_cache():
        first = edges_of(G, "TIED_TO")
        assert edges_of(G, "TIED_TO") is first
        G2 = _graph()
        assert edges_of(G2, "TIED_TO") is not first  # another graph, its own index
    G.add_edge("Partner:A", "Partner:B", key="TIED_TO:4", type="TIED_TO")
    assert len(edges_of(G, "TIED_TO")) == 3  # outside the block every call reads the graph afresh
