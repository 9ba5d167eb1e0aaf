"""Tests of netmap.analysis.health, worked by hand."""

from __future__ import annotations

import pytest

from netmap.analysis.health import ei_index, health, normalized_mutual_information


def test_six_by_hand(six):
    d = health(six).to_dict()
    assert (d["partners"], d["ties"]) == (6, 6)
    assert d["density"] == 0.4  # 6 of 15 possible ties
    assert d["components"] == 1 and d["isolates"] == []
    # degrees 1,3,3,2,2,1: sum(3 - d) = 6 over (5 * 4) = 0.3
    assert d["degree_centralization"] == 0.3
    # 4 ties cross categories, 2 stay inside (D-E, F-B): (4 - 2) / 6
    assert d["ei_index"] == pytest.approx(0.333333)
    assert d["category_ei"]["employers"] == pytest.approx(1 / 3)  # C-D, C-E out; D-E in
    assert d["seed"] == 0


def test_communities_repeat_with_the_seed(six):
    assert health(six, seed=3).to_dict() == health(six, seed=3).to_dict()


def two_cliques() -> dict:
    """Two 4-cliques of 6 ties each, one per category (education, workforce), and one tie between them."""
    rows = [["id", "name", "agency_type"]] + [[f"E{i}", f"E{i}", "CC"] for i in range(4)]
    rows += [[f"W{i}", f"W{i}", "WIB"] for i in range(4)]
    ties = [["source_id", "target_id"]]
    ties += [[f"E{i}", f"E{j}"] for i in range(4) for j in range(i + 1, 4)]
    ties += [[f"W{i}", f"W{j}"] for i in range(4) for j in range(i + 1, 4)]
    ties += [["E0", "W0"]]
    return {"partners": rows, "ties": ties}


def test_silo_detection(make_graph):
    d = health(make_graph(two_cliques())).to_dict()
    assert len(d["silos"]) == 2
    assert {s["dominant_category"] for s in d["silos"]} == {"education", "workforce-development"}
    assert d["communities_vs_categories_nmi"] == 1.0
    assert d["ei_index"] == pytest.approx((1 - 12) / 13)


@pytest.mark.parametrize(
    ("sheets", "expected"),
    [
        (
            {"partners": [["id", "name", "agency_type"], ["A", "A", "CC"]]},
            {
                "partners": 1,
                "ties": 0,
                "density": None,
                "components": 1,
                "ei_index": None,
                "degree_centralization": None,
                "isolates": ["A"],
            },
        ),
        (
            {"partners": [["id", "name", "agency_type"], ["A", "A", "CC"], ["B", "B", "WIB"], ["C", "C", "CBO"]]},
            {
                "partners": 3,
                "ties": 0,
                "density": 0.0,
                "components": 3,
                "ei_index": None,
                "degree_centralization": 0.0,
                "isolates": ["A", "B", "C"],
            },
        ),
    ],
)
def test_no_edges(make_graph, sheets, expected):
    d = health(make_graph(sheets)).to_dict()
    assert {k: d[k] for k in expected} == expected


def test_nmi_and_ei_helpers():
    assert normalized_mutual_information({1: "a", 2: "b"}, {1: 0, 2: 0}) == 0.0
    assert normalized_mutual_information({}, {}) is None
    import networkx as nx

    P = nx.Graph([(1, 2)])
    nx.set_node_attributes(P, {1: "x", 2: "x"}, "category")
    assert ei_index(P) == -1.0


def test_category_modularity_by_hand(make_graph):
    # m = 13; each category has 6 ties inside and weighted degree 13, so
    # Q = 2 * (6/13 - (13/26)^2).
    d = health(make_graph(two_cliques())).to_dict()
    assert d["category_modularity"] == round(12 / 13 - 0.5, 6) == 0.423077


@pytest.mark.parametrize("with_agreement", [False, True])
def test_category_modularity_is_networkx_weighted_modularity(six, make_graph, with_agreement):
    import networkx as nx

    from netmap.analysis._common import partner_graph

    if with_agreement:  # a shared agreement on top of a tie gives the pair weight 2
        G = make_graph(
            {
                "partners": [["id", "name", "agency_type"], ["A", "A", "CC"], ["B", "B", "WIB"], ["C", "C", "CC"]],
                "ties": [["source_id", "target_id"], ["A", "B"], ["B", "C"], ["A", "C"]],
                "agreements": [["id", "title", "type", "parties"], ["M1", "MOU", "MOU", "A;B"]],
            }
        )
    else:
        G = six
    P = partner_graph(G)
    assert with_agreement is (max(w for _, _, w in P.edges(data="weight")) == 2)
    groups: dict = {}
    for p, c in P.nodes(data="category"):
        groups.setdefault(c, set()).add(p)
    ordered = [groups[c] for c in sorted(groups, key=str)]
    assert health(G).to_dict()["category_modularity"] == round(nx.community.modularity(P, ordered), 6)
