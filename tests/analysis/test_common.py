"""Tests of netmap.analysis._common: the indexes the analyses share."""

from __future__ import annotations

import networkx as nx
import pytest

import netmap
from netmap import project
from netmap.analysis import brokers, formalisation, funding, health, resilience, role_gaps, roster_gaps
from netmap.analysis._common import edges_of, nodes_of, partners, shared_cache
from tests.conftest import EXAMPLES


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


def test_active_partners_are_filtered_once_within_shared_cache_and_copied_per_call():
    G = _graph()
    G.add_node("Partner:C", label="Partner", id="C", status=None)
    G.add_node("Partner:D", label="Partner", id="D", status="prospective")
    with shared_cache():
        first = partners(G)
        assert list(first) == ["A", "C"]
        first.pop("A")  # a caller's dict is its own, inside the cache too
        second = partners(G)
        assert list(second) == ["A", "C"] and second is not partners(G)
        assert second["C"] is G.nodes["Partner:C"]  # the node dicts themselves, as before


def test_indexes_are_built_once_per_graph_within_shared_cache_and_not_kept_after():
    G = _graph()
    with shared_cache():
        first = edges_of(G, "TIED_TO")
        assert edges_of(G, "TIED_TO") is first
        G2 = _graph()
        assert edges_of(G2, "TIED_TO") is not first  # another graph, its own index
    G.add_edge("Partner:A", "Partner:B", key="TIED_TO:4", type="TIED_TO")
    assert len(edges_of(G, "TIED_TO")) == 3  # outside the block every call reads the graph afresh


@pytest.mark.parametrize(
    "run",
    [
        lambda G: roster_gaps(G),
        lambda G: role_gaps(G),
        lambda G: brokers(G),
        lambda G: formalisation(G, as_of="2026-11-24"),
        lambda G: funding(G, as_of="2026-11-24"),
        lambda G: health(G),
        lambda G: resilience(G, as_of="2026-11-24"),
        lambda G: project(G),
    ],
    ids=["roster_gaps", "role_gaps", "brokers", "formalisation", "funding", "health", "resilience", "project"],
)
def test_an_analysis_called_alone_indexes_the_edges_once(monkeypatch, run):
    """Each helper asks for the edge index; outside analyze() the analysis's own shared
    cache builds it once per call (and a second call builds it afresh: nothing leaks)."""
    from netmap import graphcache

    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    real = graphcache._edges_by_type
    calls = []
    monkeypatch.setattr(graphcache, "_edges_by_type", lambda g: calls.append(g) or real(g))
    run(G)
    assert len(calls) == 1
    run(G)
    assert len(calls) == 2
