"""Tests of netmap.analysis.brokers, against values worked by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from netmap.analysis.brokers import BROKERAGE_ROLES, brokerage, brokers


def _row(result, pid):
    return next(r for r in result.to_dict()["brokers"] if r["id"] == pid)


def test_betweenness_exact_by_hand(six):
    # B lies on A-F, A-C, A-D, A-E, F-C, F-D, F-E: 7 of (6-1)(6-2)/2 = 10 pairs.
    # C lies on {A,B,F} x {D,E}: 6 of 10.
    result = brokers(six)
    assert result.method == "exact"
    rows = result.to_dict()["brokers"]
    assert [r["id"] for r in rows[:2]] == ["B", "C"]
    assert [r["betweenness"] for r in rows] == [0.7, 0.6, 0.0, 0.0, 0.0, 0.0]


def test_gould_fernandez_by_hand(six):
    # B: A->B->C and C->B->A are itinerant (edu, wf, edu); F->B->A and F->B->C are
    # representative (wf, wf, edu); F->B is one way, so nothing flows B->F.
    assert _row(brokers(six), "B")["brokerage"] == {
        "coordinator": 0,
        "itinerant": 2,
        "gatekeeper": 0,
        "representative": 2,
        "liaison": 0,
        "total": 4,
    }
    # C: B<->D and B<->E are open pairs across three categories; D and E are tied.
    assert _row(brokers(six), "C")["brokerage"] == {
        "coordinator": 0,
        "itinerant": 0,
        "gatekeeper": 0,
        "representative": 0,
        "liaison": 4,
        "total": 4,
    }
    for pid in "ADEF":
        assert _row(brokers(six), pid)["brokerage"]["total"] == 0


@pytest.mark.parametrize(
    ("groups", "arcs", "role"),
    [
        ({"a": 1, "b": 1, "c": 1}, [("a", "b"), ("b", "c")], "coordinator"),
        ({"a": 1, "b": 2, "c": 1}, [("a", "b"), ("b", "c")], "itinerant"),
        ({"a": 1, "b": 2, "c": 2}, [("a", "b"), ("b", "c")], "gatekeeper"),
        ({"a": 1, "b": 1, "c": 2}, [("a", "b"), ("b", "c")], "representative"),
        ({"a": 1, "b": 2, "c": 3}, [("a", "b"), ("b", "c")], "liaison"),
    ],
)
def test_each_brokerage_role(groups, arcs, role):
    D = nx.DiGraph(arcs)
    nx.set_node_attributes(D, groups, "category")
    counts = brokerage(D)
    assert counts["b"] == {**dict.fromkeys(BROKERAGE_ROLES, 0), role: 1, "total": 1}
    assert counts["a"]["total"] == counts["c"]["total"] == 0


def test_closed_triads_broker_nothing():
    D = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])
    nx.set_node_attributes(D, {"a": 1, "b": 2, "c": 3}, "category")
    assert brokerage(D)["b"]["total"] == 0


def test_constraint_and_effective_size_by_hand(six):
    # Burt, unweighted: p_ij = 1/deg(i); c_ij = (p_ij + sum_q p_iq p_qj)^2.
    # C (B, D, E; D-E tied): 1/9 + 2 * (1/3 + 1/3 * 1/2)^2 = 0.611111
    # D (C, E; C-E tied): (1/2 + 1/4)^2 + (1/2 + 1/2 * 1/3)^2 = 1.006944
    # Effective size n - 2t/n: C = 3 - 2/3 = 2.333333, B = 3.
    result = brokers(six)
    expected = {
        "A": (1.0, 1.0),
        "B": (0.333333, 3.0),
        "C": (0.611111, 2.333333),
        "D": (1.006944, 1.0),
        "E": (1.006944, 1.0),
        "F": (1.0, 1.0),
    }
    for pid, (constraint, size) in expected.items():
        row = _row(result, pid)
        assert row["constraint"] == pytest.approx(constraint, abs=1e-6)
        assert row["effective_size"] == pytest.approx(size, abs=1e-6)


def test_cut_points_bridges_and_categories(six):
    d = brokers(six).to_dict()
    assert d["articulation_points"] == ["B", "C"]
    assert d["bridges"] == [["A", "B"], ["B", "C"], ["B", "F"]]
    assert _row(brokers(six), "C")["categories_reached"] == 2  # workforce and employers
    assert _row(brokers(six), "A")["articulation_point"] is False


def test_top_limits_the_list(six):
    assert [r["id"] for r in brokers(six, top=2).to_dict()["brokers"]] == ["B", "C"]


def test_sampled_betweenness_says_so_and_repeats(six):
    a = brokers(six, k=3, seed=7).to_dict()
    b = brokers(six, k=3, seed=7).to_dict()
    assert a == b
    assert (a["betweenness_method"], a["k"], a["seed"]) == ("sampled", 3, 7)
    assert brokers(six, exact_limit=2).to_dict()["betweenness_method"] == "sampled"


def test_json_contract(six):
    first = brokers(six).to_dict()["brokers"][0]
    assert {"id", "name", "betweenness", "brokerage", "constraint", "articulation_point"} <= set(first)
    assert set(first["brokerage"]) == {*BROKERAGE_ROLES, "total"}


def test_state_links(make_graph):
    G = make_graph(
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region"],
                ["S", "State DOL", "State workforce agency", "state", ""],
                ["N1", "North WIB", "Local WIB", "local", "North"],
                ["N2", "North CC", "CC", "local", "North"],
                ["W1", "West WIB", "Local WIB", "local", "West"],
            ],
            "ties": [["source_id", "target_id"], ["S", "N1"], ["N1", "N2"]],
        }
    )
    links = {s["region"]: s for s in brokers(G).to_dict()["state_links"]}
    assert links["North"]["connectors"] == ["N1"]
    assert links["North"]["links"] == [{"partner": "N1", "state_partner": "S"}]
    assert links["West"]["linked"] is False


@pytest.mark.parametrize(
    "sheets",
    [
        {"partners": [["id", "name", "agency_type"], ["A", "A", "CC"]]},
        {"partners": [["id", "name", "agency_type"], ["A", "A", "CC"], ["B", "B", "WIB"]]},
    ],
)
def test_tiny_graphs(make_graph, sheets):
    rows = brokers(make_graph(sheets)).to_dict()["brokers"]
    assert all(r["betweenness"] == 0.0 and r["brokerage"]["total"] == 0 for r in rows)
    assert all(r["constraint"] is None for r in rows)  # isolates have no constraint


def test_does_not_mutate(six):
    before = (dict(six.nodes(data=True)), list(six.edges(keys=True, data=True)))
    brokers(six)
    assert (dict(six.nodes(data=True)), list(six.edges(keys=True, data=True))) == before


@pytest.mark.parametrize(
    "graph",
    [nx.path_graph(5), nx.star_graph(4), nx.complete_graph(5), nx.karate_club_graph(), nx.barbell_graph(4, 2)],
)
def test_effective_size_and_constraint_equal_networkx(graph):
    from netmap.analysis.brokers import constraint, effective_size

    assert effective_size(graph) == pytest.approx(nx.effective_size(graph))
    assert constraint(graph) == pytest.approx(nx.constraint(graph))
