"""Tests of netmap.project: the partner-partner projection, worked by hand."""

from __future__ import annotations

import networkx as nx
import pytest

import netmap
from netmap.project import PARTNER_ATTRS, project


@pytest.fixture
def G(small_workbook):
    return netmap.read_graph(small_workbook)


def test_projection_edges_and_kinds(G):
    P = project(G, as_of="2026-01-15")
    assert sorted(P.nodes) == ["007", "P1", "P2", "P3", "P4"]
    edges = {frozenset((u, v)): d for u, v, d in P.edges(data=True)}
    assert set(edges) == {
        frozenset(("P1", "P2")),
        frozenset(("P1", "P4")),
        frozenset(("P1", "007")),
        frozenset(("P2", "007")),
        frozenset(("P2", "P3")),
        frozenset(("P3", "007")),
    }
    p1p2 = edges[frozenset(("P1", "P2"))]
    assert p1p2["kinds"] == {"referral": 1, "collaboration": 1, "agreement": 1}
    assert p1p2["weight"] == 3
    assert p1p2["strength"] == 3
    assert p1p2["agreements"] == ["A1"]
    assert sorted(p1p2["ties"]) == [2, 3]
    assert edges[frozenset(("P1", "P4"))]["kinds"] == {"advisory": 1}
    assert edges[frozenset(("P2", "P3"))]["kinds"] == {"funding": 1}
    assert edges[frozenset(("P2", "P3"))]["awards"] == ["F1"]
    assert edges[frozenset(("P3", "007"))]["awards"] == ["F2"]
    assert edges[frozenset(("P2", "007"))] == {
        "kinds": {"agreement": 1},
        "weight": 1,
        "agreements": ["A1"],
        "ties": [],
        "awards": [],
        "strength": None,
    }


def test_projection_keeps_partner_attributes(G):
    P = project(G)
    assert set(P.nodes["P1"]) == set(PARTNER_ATTRS)
    assert P.nodes["P1"]["category"] == "education"
    assert P.nodes["P3"]["level"] == "state"


def test_projection_does_not_mutate_the_graph(G):
    before = nx.to_dict_of_dicts(G)
    nodes_before = dict(G.nodes(data=True))
    project(G)
    assert nx.to_dict_of_dicts(G) == before
    assert dict(G.nodes(data=True)) == nodes_before


def test_projection_filters_by_status(tmp_path):
    from tests.conftest import write_csv_workbook

    folder = write_csv_workbook(
        tmp_path / "s",
        {
            "partners": [
                ["id", "name", "agency_type", "status"],
                ["A", "A", "CC", "active"],
                ["B", "B", "WIB", "former"],
                ["C", "C", "CBO", ""],
            ],
            "ties": [["source_id", "target_id"], ["A", "B"], ["A", "C"]],
        },
    )
    P = project(netmap.read_graph(folder), statuses=("active", None))
    assert sorted(P.nodes) == ["A", "C"]
    assert list(P.edges) == [("A", "C")]
    assert P.edges["A", "C"]["kinds"] == {"collaboration": 1}  # blank kind means collaboration


def test_single_partner_and_no_ties(tmp_path):
    from tests.conftest import write_csv_workbook

    folder = write_csv_workbook(tmp_path / "one", {"partners": [["id", "name", "agency_type"], ["A", "A", "CC"]]})
    P = project(netmap.read_graph(folder))
    assert (P.number_of_nodes(), P.number_of_edges()) == (1, 0)


@pytest.mark.parametrize("example", ["tucson-behavioral-health", "four-state-coalitions", "oregon-pathways-alliance"])
def test_direct_writes_give_the_projection_the_public_api_gives(example):
    from tests.conftest import EXAMPLES

    P = project(netmap.read_graph(EXAMPLES / example))
    H = nx.Graph(**P.graph)
    H.add_nodes_from(P.nodes(data=True))
    H.add_edges_from(P.edges(data=True))
    assert nx.utils.graphs_equal(P, H)
    assert P.number_of_edges() > 10
    # Same node order and attribute order; one data dict shared by both directions.
    assert list(P.nodes(data=True)) == list(H.nodes(data=True))
    assert [list(d) for _, d in P.nodes(data=True)] == [list(d) for _, d in H.nodes(data=True)]
    assert all(P.adj[u][v] is P.adj[v][u] for u, v in P.edges())
    P.add_edge("x", "y")  # still an ordinary, mutable NetworkX graph
    assert P.has_edge("y", "x")


@pytest.mark.parametrize(
    ("day", "pairs"),
    [
        # Before the MOU was signed (2024-01-15) and before the awards began (2025-07-01):
        # only the ties rows.
        ("2024-01-01", {("P1", "P2"), ("P1", "P4")}),
        # Everything runs.
        ("2026-01-15", {("P1", "P2"), ("P1", "P4"), ("007", "P1"), ("007", "P2"), ("P2", "P3"), ("007", "P3")}),
        # The awards ended 2026-06-30: the funding ties are gone, the MOU (to 2026-12-31) stays.
        ("2026-07-01", {("P1", "P2"), ("P1", "P4"), ("007", "P1"), ("007", "P2")}),
        # The MOU expired too.
        ("2027-01-01", {("P1", "P2"), ("P1", "P4")}),
    ],
)
def test_projection_is_of_its_date(G, day, pairs):
    P = project(G, as_of=day)
    assert {tuple(sorted(e)) for e in P.edges} == pairs
    assert P.graph["as_of"].isoformat() == day


def dated_book(agreement_status: str = "", tie_end: str = "") -> dict:
    """A and B are tied only through C (a chain A - C - B) and, perhaps, by an MOU and a tie
    row: while those are current C is no cut point and A - B is no bridge."""
    return {
        "partners": [["id", "name", "agency_type"], ["A", "A", "CC"], ["B", "B", "AJC"], ["C", "C", "CC"]],
        "agreements": [
            ["id", "parties", "signed", "expires", "status"],
            ["M", "A;B", "2010-01-01", "", agreement_status],
        ],
        "ties": [
            ["source_id", "target_id", "start", "end"],
            ["A", "C", "", ""],
            ["C", "B", "", ""],
            ["A", "B", "2020-01-01", tie_end],
        ],
    }


@pytest.mark.parametrize(
    ("status", "tie_end", "cut"),
    [
        ("active", "", []),  # MOU and tie current: a triangle, no cut point
        ("expired", "2024-12-31", ["C"]),  # both lapsed: C holds A and B together
        ("draft", "2024-12-31", ["C"]),  # a draft binds no one
        ("terminated", "", []),  # the tie row alone keeps the triangle
    ],
)
def test_lapsed_and_planned_rows_never_enter_a_measure(make_graph, status, tie_end, cut):
    from netmap.analysis import analyze

    G = make_graph(dated_book(status, tie_end))
    result = analyze(G, as_of="2026-12-07")
    assert result.brokers.articulation_points == cut
    assert result.health.to_dict()["density"] == (1.0 if not cut else round(2 / 3, 6))
    assert [tuple(b) for b in result.brokers.to_dict()["bridges"]] == ([("A", "C"), ("B", "C")] if cut else [])


# The columnar path (issue 24): inside netmap.pipeline.run_tables the projection is read off
# the rows the graph was built from. It must be the graph path's graph exactly, order and all.
_DAYS = ("2020-01-01", "2024-06-30", "2026-11-24", "2031-01-01")


def _layout(P):
    """Everything a reader of the projection may see, in order (dicts as item lists)."""
    edges = [
        (u, v, [(k, list(x.items()) if isinstance(x, dict) else x) for k, x in d.items()])
        for u, v, d in P.edges(data=True)
    ]
    return (
        dict(P.graph),
        [(n, list(d.items())) for n, d in P.nodes(data=True)],
        edges,
        [(n, list(P.adj[n])) for n in P],
    )


def _both_paths(tables, day, statuses, monkeypatch):
    from netmap.columns import attach_tables
    from netmap.graphcache import shared_cache

    G = netmap.build_graph(tables)
    with shared_cache():
        attach_tables(G, tables)
        fast = project(G, as_of=day, statuses=statuses)
    with monkeypatch.context() as m, shared_cache():
        m.setenv("NETMAP_GRAPH_PATH", "1")
        attach_tables(G, tables)  # a no-op on the graph path
        slow = project(G, as_of=day, statuses=statuses)
    assert all(fast.adj[u][v] is fast.adj[v][u] for u, v in fast.edges())
    return _layout(fast), _layout(slow), slow.number_of_edges()


@pytest.mark.parametrize("statuses", [None, ("active", None)])
@pytest.mark.parametrize(
    "example", ["four-state-coalitions", "oregon-pathways-alliance", "pima-county-211", "tucson-behavioral-health"]
)
def test_rows_path_is_the_graph_path_on_the_examples(example, statuses, monkeypatch):
    from tests.conftest import EXAMPLES

    tables = netmap.read_workbook(EXAMPLES / example)
    counts = set()
    for day in _DAYS:
        fast, slow, n = _both_paths(tables, day, statuses, monkeypatch)
        assert fast == slow, (example, day)
        counts.add(n)
    if example != "pima-county-211":  # its one tie has no dates
        assert len(counts) > 1  # something ended or began between the days


@pytest.fixture(scope="module")
def generated_maps(tmp_path_factory):
    from tests.test_columns import generate

    folder = tmp_path_factory.mktemp("generated-projection")
    for shape in ("hubs", "spread"):
        generate.generate(2000, folder / shape, seed=11, shape=shape)
    return {shape: netmap.read_workbook(folder / shape) for shape in ("hubs", "spread")}


@pytest.mark.parametrize("shape", ["hubs", "spread"])
@pytest.mark.parametrize("day", ["2024-06-30", "2026-11-24", "2031-01-01"])
def test_rows_path_is_the_graph_path_on_generated_maps(generated_maps, shape, day, monkeypatch):
    fast, slow, n = _both_paths(generated_maps[shape], day, ("active", None), monkeypatch)
    assert n > 5000
    assert fast == slow


@pytest.mark.usefixtures("rows_path")
def test_rows_path_reads_no_edge_index(small_workbook):
    from netmap.columns import attach_tables
    from netmap.graphcache import prefetched, shared_cache

    tables = netmap.read_workbook(small_workbook)
    G = netmap.build_graph(tables)
    with shared_cache():
        attach_tables(G, tables)
        P = project(G, as_of="2026-01-15")
        assert not prefetched(G, "edges-by-type")
    assert P.edges["P1", "P2"]["kinds"] == {"referral": 1, "collaboration": 1, "agreement": 1}


def test_rows_path_keeps_the_graphs_order_by_hand(tmp_path, monkeypatch):
    # Rows out of the graph's order: a pair named twice in one direction and once in the
    # other, a planned tie and an ended one first to their pair, a former partner, an
    # agreement whose first party comes late, awards of two streams interleaved.
    from tests.conftest import write_csv_workbook

    folder = write_csv_workbook(
        tmp_path / "order",
        {
            "partners": [
                ["id", "name", "agency_type", "status"],
                ["E", "Echo", "CBO", ""],
                ["B", "Bravo", "CBO", "active"],
                ["A", "Alpha", "CC", ""],
                ["X", "Xray", "CBO", "former"],
                ["C", "Charlie", "American Job Center", ""],
            ],
            "ties": [
                ["source_id", "target_id", "kind", "strength", "start", "end"],
                ["A", "C", "referral", "1", "2027-01-01", ""],
                ["A", "B", "referral", "2", "", ""],
                ["B", "A", "advisory", "3", "", ""],
                ["A", "B", "collaboration", "1", "", ""],
                ["C", "E", "referral", "", "", "2025-01-01"],
                ["E", "C", "advisory", "2", "", ""],
                ["X", "A", "referral", "1", "", ""],
                ["A", "C", "advisory", "", "", ""],
                ["C", "E", "collaboration", "2", "", ""],
            ],
            "agreements": [
                ["id", "parties", "signed", "expires"],
                ["M1", "C;A", "2024-01-01", ""],
                ["M2", "B;C;A", "", "2026-12-31"],
                ["M3", "X;E;C", "", ""],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id", "start", "end"],
                ["F1", "Stream one", "C", "A", "", ""],
                ["F2", "Stream two", "A", "E", "", ""],
                ["F3", "Stream one", "B", "E", "", "2026-06-30"],
                ["F4", "Stream one", "C", "B", "", ""],
                ["F5", "Stream two", "E", "C", "2025-01-01", ""],
            ],
        },
    )
    tables = netmap.read_workbook(folder)
    assert tables.ok
    for statuses in (None, ("active", None)):
        for day in ("2024-06-30", "2026-01-01", "2027-06-30"):
            fast, slow, n = _both_paths(tables, day, statuses, monkeypatch)
            assert fast == slow, (statuses, day)
            assert n >= 4
