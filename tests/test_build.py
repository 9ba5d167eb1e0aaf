"""Tests of netmap.build: tables -> the multi-typed graph."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netmap
from netmap.build import build_graph, node_key
from netmap.errors import InputError
from netmap.model import NODE_LABELS, REL_TYPES


@pytest.fixture
def graph(small_workbook):
    tables = netmap.read_workbook(small_workbook)
    assert [(i.code, i.row, i.column) for i in tables.issues] == [
        ("unknown-column", 1, "Board seat"),
        ("unknown-population", 4, "population"),  # "Healthcare workers": kept, with a warning
    ]
    return build_graph(tables, map_id="pima")


def _count(G, label):
    return sum(1 for _, d in G.nodes(data=True) if d["label"] == label)


def _rels(G, rel):
    return sorted((u, v) for u, v, d in G.edges(data=True) if d["type"] == rel)


def test_node_counts(graph):
    roster = netmap.load_roster()
    assert _count(graph, "Partner") == 5
    assert _count(graph, "AgencyType") == len(roster.agency_types)  # the roster lives in the graph
    assert _count(graph, "Category") == len(roster.categories)
    assert _count(graph, "Role") == len(roster.roles)
    assert _count(graph, "Agreement") == 1
    assert _count(graph, "FundingStream") == 1  # two awards of one stream
    assert _count(graph, "Service") == 2
    assert _count(graph, "Region") == 1
    assert _count(graph, "Person") == 1
    # 14 roster populations + the unknown "Healthcare workers", kept as a custom population
    assert _count(graph, "Population") == len(roster.populations) + 1
    assert {d["label"] for _, d in graph.nodes(data=True)} == set(NODE_LABELS)
    assert {d["type"] for *_, d in graph.edges(data=True)} <= set(REL_TYPES)


def test_every_node_carries_the_map_id(graph):
    assert all(d["map_id"] == "pima" for _, d in graph.nodes(data=True))
    assert all(d["map_id"] == "pima" for *_, d in graph.edges(data=True))
    assert graph.graph["map_id"] == "pima"


def test_partner_attributes_and_alias_resolution(graph):
    p1 = graph.nodes["Partner:P1"]
    assert p1["agency_type"] == "local-community-colleges"
    assert p1["agency_type_name"] == "Local community colleges"
    assert p1["agency_type_as_written"] == "CC"
    assert p1["category"] == "education"
    assert p1["Board_seat"] == "yes"  # unknown column kept as an attribute
    assert graph.nodes["Partner:007"]["name"] == "Tucson Indian Center"
    assert "Partner:7" not in graph


def test_relationships(graph):
    assert _rels(graph, "IS_A")[0] == ("Partner:007", "AgencyType:local-community-based-organizations")
    assert len(_rels(graph, "IS_A")) == 5
    assert _rels(graph, "PERFORMS") == [
        ("Partner:P1", "Role:design-programs"),
        ("Partner:P2", "Role:provide-labor-market-information"),
        ("Partner:P4", "Role:advise"),
    ]
    assert _rels(graph, "PARTY_TO") == [
        ("Partner:007", "Agreement:A1"),
        ("Partner:P1", "Agreement:A1"),
        ("Partner:P2", "Agreement:A1"),
    ]
    assert _rels(graph, "FUNDS") == [
        ("FundingStream:wioa-title-i-adult", "Partner:007"),
        ("FundingStream:wioa-title-i-adult", "Partner:P2"),
    ]
    assert _rels(graph, "ADMINISTERS") == [("Partner:P3", "FundingStream:wioa-title-i-adult")] * 2
    assert _rels(graph, "IN_REGION") == [(f"Partner:{p}", "Region:pima") for p in ("007", "P1", "P2", "P4")]
    [(person, partner)] = _rels(graph, "WORKS_AT")
    assert partner == "Partner:007"
    assert person.startswith("Person:007/contact-") and "jordan" not in person.lower()  # no name in the id
    assert len(_rels(graph, "TIED_TO")) == 3
    assert len(_rels(graph, "IN_CATEGORY")) == len(netmap.load_roster().agency_types)


def test_typed_values_on_edges(graph):
    funds = graph.edges["FundingStream:wioa-title-i-adult", "Partner:007", "FUNDS:F2"]
    assert funds["amount"] == 30000.0
    assert funds["start"] == dt.date(2025, 7, 1)
    assert funds["funder_id"] == "P3"
    tie = graph.edges["Partner:P2", "Partner:P1", "TIED_TO:3"]
    # A blank directed cell stays blank (None), apart from "no", for writing back.
    assert (tie["kind"], tie["kind_as_written"], tie["strength"], tie["directed"]) == ("collaboration",) * 2 + (3, None)
    assert graph.nodes["Agreement:A1"]["expires"] == dt.date(2026, 12, 31)
    serves = [v for u, v, d in graph.edges("Partner:007", data=True) if d["type"] == "SERVES"]
    assert sorted(serves) == ["Population:custom-healthcare-worker", "Population:native-americans"]


def test_every_input_row_is_traceable(small_workbook, graph):
    tables = netmap.read_workbook(small_workbook)
    expected = {(sheet, r["_row"]) for sheet, records in tables.records.items() for r in records}
    seen = {(d["_sheet"], d["_row"]) for _, d in graph.nodes(data=True) if "_sheet" in d}
    seen |= {(d["_sheet"], d["_row"]) for *_, d in graph.edges(data=True) if "_sheet" in d}
    assert seen == expected


def test_build_does_not_mutate_its_input(small_workbook):
    tables = netmap.read_workbook(small_workbook)
    before = copy.deepcopy(tables.records)
    build_graph(tables)
    assert tables.records == before


def test_default_map_id_is_the_workbook_name(small_workbook):
    assert build_graph(netmap.read_workbook(small_workbook)).graph["map_id"] == "small"


def test_tables_with_errors_raise_input_error_with_every_issue(tmp_path):
    from tests.conftest import write_csv_workbook

    folder = write_csv_workbook(
        tmp_path / "bad", {"partners": [["id", "name", "agency_type"], ["P1", "", "CC"], ["P2", "X", "Nonsense"]]}
    )
    tables = netmap.read_workbook(folder)
    with pytest.raises(InputError) as info:
        build_graph(tables)
    assert [(i.code, i.row) for i in info.value.issues] == [("empty-required", 2), ("unknown-agency-type", 3)]


def test_only_partners_sheet_is_needed(tmp_path):
    from tests.conftest import write_csv_workbook

    folder = write_csv_workbook(tmp_path / "one", {"partners": [["id", "name", "agency_type"], ["7", "A", "WIB"]]})
    G = netmap.read_graph(folder)
    assert node_key("Partner", "7") in G
    assert _count(G, "Agreement") == 0


# -- property: any bytes give a graph or an input error --------------------------------

_HEADER = b"id,name,agency_type,level,region\r\n"
_cells = st.sampled_from(
    [
        b"P1",
        b"P2",
        b"007",
        b"7",
        b"CC",
        b"WIB",
        b"local",
        b"",
        b'"',
        b",",
        b"\n",
        b"\xe9",
        b"\xef\xbb\xbf",
        b"\x00",
        b"2024-01-01",
        b"04/03/2024",
        b"<script>",
        b";",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    partners=st.one_of(st.binary(max_size=300), st.lists(_cells, max_size=40).map(lambda c: _HEADER + b"".join(c))),
    ties=st.one_of(
        st.binary(max_size=200),
        st.lists(_cells, max_size=30).map(lambda c: b"source_id,target_id,kind\n" + b"".join(c)),
    ),
)
def test_any_csv_bytes_give_a_graph_or_an_input_error(tmp_path_factory, partners, ties):
    folder = tmp_path_factory.mktemp("prop")
    (folder / "partners.csv").write_bytes(partners)
    (folder / "ties.csv").write_bytes(ties)
    tables = netmap.read_workbook(folder)
    try:
        G = build_graph(tables)
    except InputError as exc:
        assert exc.issues and any(i.is_error for i in exc.issues)
        assert all(i.code and i.message for i in exc.issues)
    else:
        assert isinstance(G, nx.MultiDiGraph)
        assert tables.ok


def _public_api_graph(tables, map_id):
    """The same graph built through ``G.add_node``/``G.add_edge`` only, as a reference."""
    G = build_graph(tables, map_id=map_id)
    H = nx.MultiDiGraph(**copy.deepcopy(G.graph))
    for n, d in G.nodes(data=True):
        H.add_node(n, **d)
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **d)
    return G, H


@pytest.mark.parametrize("example", ["tucson-behavioral-health", "four-state-coalitions", "oregon-pathways-alliance"])
def test_direct_writes_give_the_graph_the_public_api_gives(example):
    from tests.conftest import EXAMPLES

    G, H = _public_api_graph(netmap.read_workbook(EXAMPLES / example), example)
    assert nx.utils.graphs_equal(G, H)
    # Same order of nodes, neighbours and edge keys, and the same attribute order.
    assert list(G.nodes(data=True)) == list(H.nodes(data=True))
    assert [list(d) for _, d in G.nodes(data=True)] == [list(d) for _, d in H.nodes(data=True)]
    assert list(G.edges(keys=True, data=True)) == list(H.edges(keys=True, data=True))
    # The predecessor dicts are filled too, sharing the edge dicts as add_edge makes them.
    assert all(set(G.pred[n]) == set(H.pred[n]) for n in G)
    assert all(G._pred[v][u] is G._succ[u][v] for u, v in G.edges())
    G.add_edge("Partner:x", "Partner:y")  # the graph stays an ordinary, mutable NetworkX graph
    assert G.has_edge("Partner:x", "Partner:y") and "Partner:x" in G.pred["Partner:y"]


def test_provides_edges_carry_the_services_row_one_per_population(tmp_path):
    from tests.conftest import write_csv_workbook

    folder = write_csv_workbook(
        tmp_path / "services",
        {
            "partners": [
                ["id", "name", "agency_type", "region"],
                ["P1", "Pima CC", "CC", "North"],
                ["P2", "AJC", "AJC", ""],
            ],
            "funding": [["id", "stream", "recipient_id"], ["F1", "WIOA Adult", "P1"]],
            "services": [
                ["partner_id", "service", "population", "region", "capacity", "languages", "funding_id", "refers_to"],
                ["P1", "Job training", "Veterans; Martians", "South", "120", "English; Spanish", "F1", "P2"],
                ["P2", "Hair braiding", "", "", "", "", "", ""],
            ],
            "needs": [["region", "population", "count"], ["North", "Veterans", "300"], ["North", "Martians", "5"]],
        },
    )
    G = netmap.read_graph(folder)
    provides = {(u, k): d for u, _, k, d in G.edges(keys=True, data=True) if d["type"] == "PROVIDES"}
    assert sorted(provides) == [
        ("Partner:P1", "PROVIDES:Service:job-training:custom-martian"),
        ("Partner:P1", "PROVIDES:Service:job-training:veterans"),
        ("Partner:P2", "PROVIDES:Service:hair-braiding:"),
    ]
    veterans = provides["Partner:P1", "PROVIDES:Service:job-training:veterans"]
    assert {k: veterans[k] for k in veterans if k not in ("type", "map_id")} == {
        "population": "veterans",
        "population_as_written": "Veterans; Martians",
        "service_as_written": "Job training",
        "service_id": "training",
        "region": "South",
        "location": None,
        "capacity": 120,
        "waitlist": None,
        "eligibility": None,
        "languages": ["English", "Spanish"],
        "cost": None,
        "funding_id": "F1",
        "refers_to": ["P2"],
        "accepts_referrals_from": [],
        "_sheet": "services",
        "_row": 2,
    }
    martians = provides["Partner:P1", "PROVIDES:Service:job-training:custom-martian"]
    assert (martians["population"], martians["capacity"], martians["_row"]) == ("custom-martian", 120, 2)
    hair = provides["Partner:P2", "PROVIDES:Service:hair-braiding:"]
    assert (hair["population"], hair["service_id"], hair["region"], hair["languages"]) == (None, None, None, [])
    assert G.nodes["Service:job-training"]["service_id"] == "training"
    assert G.graph["needs"] == [
        {"region": "North", "population": "veterans", "count": 300, "population_as_written": "Veterans"}
        | {"_sheet": "needs", "_row": 2},
        {"region": "North", "population": "Martians", "count": 5, "population_as_written": "Martians"}
        | {"_sheet": "needs", "_row": 3},
    ]


def test_a_workbook_without_needs_has_an_empty_needs_list(graph):
    assert graph.graph["needs"] == []


SURVEY_PARTNERS = [
    ["id", "name", "agency_type", "region"],
    ["A", "Alpha Workforce Board", "Local WIB", "North"],
    ["B", "Beta College", "Local community colleges", "North"],
    ["C", "Gamma TANF Office", "Local TANF providers", "North"],
]
SURVEY_TIES = [
    ["source_id", "target_id", "kind", "frequency", "Reliability", "mission_support", "openness",
     "power_influence", "involvement", "resource_contribution", "reported_by"],
    ["A", "B", "collaboration", "every week", "4", "3", "4", "2", "3", "3", "A"],
    ["B", "A", "collaboration", "monthly", "2", "2", "3", "4", "4", "4", "B"],
    ["A", "C", "referral", "yearly", "4", "1", "1", "1", "1", "1", "A"],
]  # fmt: skip


def test_survey_answers_become_tie_attributes_and_read_back(tmp_path):
    # Each side's answer about the A-B tie is its own edge, with its own frequency, scores and
    # reporter; written back out as a workbook and read again, every answer is the same.
    from netmap.export.graph import export_graph
    from tests.conftest import write_csv_workbook

    roles = [["partner_id", "role", "lead"], ["A", "Convener", "lead"], ["B", "Convener", "supporting"]]
    src = write_csv_workbook(tmp_path / "m", {"partners": SURVEY_PARTNERS, "ties": SURVEY_TIES, "roles": roles})

    def answers(G):
        return sorted(
            (G.nodes[u]["id"], G.nodes[v]["id"], e["reported_by"], e["frequency"], e["reliability"], e["involvement"])
            for u, v, e in G.edges(data=True)
            if e["type"] == "TIED_TO"
        )

    G = netmap.read_graph(src)
    expected = [
        ("A", "B", "A", "weekly", 4, 3),
        ("A", "C", "A", "yearly", 4, 1),
        ("B", "A", "B", "monthly", 2, 4),
    ]
    assert answers(G) == expected
    leads = sorted((G.nodes[u]["id"], e["lead"]) for u, _, e in G.edges(data=True) if e["type"] == "PERFORMS")
    assert leads == [("A", "lead"), ("B", "support")]
    export_graph(G, tmp_path / "again", format="workbook")
    assert answers(netmap.read_graph(tmp_path / "again")) == expected


def test_a_map_without_survey_columns_carries_no_survey_attributes(graph):
    # A plain ties sheet gives edges with no frequency, score or reporter keys at all: the
    # million-tie map stays as lean as before.
    ties = [e for *_, e in graph.edges(data=True) if e["type"] == "TIED_TO"]
    assert ties and not any(k in e for e in ties for k in ("frequency", "reliability", "reported_by"))


def test_the_responses_sheet_says_who_answered_and_reads_back(tmp_path):
    from netmap.export.graph import export_graph
    from tests.conftest import write_csv_workbook

    responses = [["partner_id", "answered_on", "form"], ["A", "2026-11-02", "intake-A.xlsx"], ["C", "", ""]]
    src = write_csv_workbook(tmp_path / "m", {"partners": SURVEY_PARTNERS, "responses": responses})
    G = netmap.read_graph(src)
    expected = [("A", "2026-11-02", "intake-A.xlsx"), ("C", None, None)]
    assert [(r["partner_id"], r["answered_on"], r["form"]) for r in G.graph["responses"]] == expected
    export_graph(G, tmp_path / "again", format="workbook")
    again = netmap.read_graph(tmp_path / "again").graph["responses"]
    assert [(r["partner_id"], r["answered_on"], r["form"]) for r in again] == expected


def _same_graph(a, b):
    return (
        a.graph == b.graph
        and list(a.graph) == list(b.graph)
        and list(a.nodes(data=True)) == list(b.nodes(data=True))
        and list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
        and [(n, list(p.items())) for n, p in a.pred.items()] == [(n, list(p.items())) for n, p in b.pred.items()]
    )


EXAMPLES = Path(__file__).parents[1] / "examples"

# Every way of looking at a graph's nodes or edges builds a deferred graph (the first look).
_LOOKS = {
    "len": len,
    "nodes": lambda G: G.nodes,
    "edges": lambda G: list(G.edges),
    "iter": list,
    "in": lambda G: "Partner:1" in G,
    "adj": lambda G: G.adj,
    "succ": lambda G: G.succ,
    "pred": lambda G: G.pred,
    "degree": lambda G: G.degree,
    "number_of_edges": lambda G: G.number_of_edges(),
    "has_node": lambda G: G.has_node("x"),
    "subgraph": lambda G: G.subgraph(["Partner:1"]),
    "reverse": lambda G: G.reverse(),
    "copy": lambda G: G.copy(),
    "pickle": lambda G: pickle.loads(pickle.dumps(G)),
    "deepcopy": copy.deepcopy,
}


@pytest.mark.parametrize("look", sorted(_LOOKS))
def test_a_deferred_graph_is_built_on_first_look_and_equals_build_graph(look):
    from netmap.build import deferred_graph, is_deferred

    tables = netmap.read_workbook(EXAMPLES / "four-state-coalitions")
    G, built = deferred_graph(tables), netmap.build_graph(tables)
    assert is_deferred(G) and G.graph == built.graph  # G.graph is whole before the build
    seen = _LOOKS[look](G)
    assert not is_deferred(G) and type(G) is nx.MultiDiGraph
    assert _same_graph(G, built)
    if look in ("copy", "pickle", "deepcopy"):
        assert type(seen) is nx.MultiDiGraph and _same_graph(seen, _LOOKS[look](built))
    assert netmap.build.built_with(G) is tables.roster


def test_a_deferred_graph_stays_unbuilt_for_what_does_not_look_at_nodes_or_edges():
    from netmap.build import deferred_graph, is_deferred

    tables = netmap.read_workbook(EXAMPLES / "tucson-behavioral-health")
    G = deferred_graph(tables)
    assert G.graph["map_id"] == "tucson-behavioral-health" and G.is_directed() and G.is_multigraph()
    assert type(G.__class__()) is nx.MultiDiGraph  # what networkx makes of its class is plain
    assert is_deferred(G)


def test_a_deferred_graph_of_tables_with_errors_is_refused_at_once(tmp_path):
    from netmap.build import deferred_graph
    from tests.golden_cases import broken_workbook

    tables = netmap.read_workbook(broken_workbook(tmp_path / "broken"))
    assert tables.errors
    with pytest.raises(InputError):
        deferred_graph(tables)


def _rows_on(G: nx.MultiDiGraph) -> dict[str, set]:
    """The rows the graph's nodes and edges carry, by sheet (what the report's appendix counts)."""
    found: dict[str, set] = {}
    for d in [d for _, d in G.nodes(data=True)] + [d for _, _, d in G.edges(data=True)]:
        if d.get("_sheet"):
            found.setdefault(d["_sheet"], set()).add(d["_row"])
    return found


def _repeats(tmp_path) -> Path:
    """Rows that land on shared nodes: a region, a stream and a service spelt two ways,
    populations the roster lacks (one spelt two ways), an agreement with one party."""
    from tests.conftest import write_csv_workbook

    return write_csv_workbook(
        tmp_path / "repeats",
        {
            "partners": [
                ["id", "name", "agency_type", "region"],
                ["A", "Alpha", "AJC", "North"],
                ["B", "Beta", "CC", "north"],
                ["C", "Gamma", "AJC", ""],
            ],
            "roles": [["partner_id", "role"], ["A", "Engage employers"], ["B", "engage employers"]],
            "contacts": [["partner_id", "name", "title"], ["A", "Ana Ruiz", "Director"], ["B", "Ana Ruiz", "Chair"]],
            "services": [
                ["partner_id", "service", "population"],
                ["A", "Career navigation", "Youth; Night-shift parents"],
                ["B", "career navigation", "Night shift parents"],
                ["B", "Tutoring", ""],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id"],
                ["F1", "WIOA Adult", "B", "A"],
                ["F2", "wioa adult", "C", ""],
            ],
            "agreements": [["id", "parties", "title"], ["M1", "A;B", "MOU"], ["M2", "C", "Letter"]],
        },
    )


@pytest.mark.parametrize("source", ["four-state-coalitions", "oregon-pathways-alliance", "pima-county-211", "repeats"])
def test_node_count_and_sheet_rows_read_off_the_rows_equal_the_built_graphs(source, tmp_path):
    from netmap.build import deferred_graph, is_deferred, node_count, sheet_rows

    path = _repeats(tmp_path) if source == "repeats" else Path("examples") / source
    tables = netmap.read_workbook(path)
    assert tables.ok, tables.errors
    G = build_graph(tables)
    assert node_count(tables) == G.number_of_nodes()
    assert sheet_rows(tables) == _rows_on(G)
    D = deferred_graph(tables)
    assert D.number_of_nodes() == G.number_of_nodes() and is_deferred(D)
    if source == "repeats":
        # Written out: one node per region, stream and service whatever the spelling, one per
        # population the roster lacks ("Night-shift" and "Night shift" are one), one per contact.
        assert sheet_rows(tables)["contacts"] == {2, 3} and sheet_rows(tables)["services"] == {2, 3, 4}
        labels = [d.get("label") for _, d in G.nodes(data=True)]
        counts = [labels.count(k) for k in ("Region", "FundingStream", "Service", "Person")]
        assert counts == [1, 1, 2, 2]
        custom = [
            n for n, d in G.nodes(data=True) if d.get("label") == "Population" and n.startswith("Population:custom-")
        ]
        assert custom == ["Population:custom-night-shift-parent"]
