"""netmap.analysis.regions on a hand-made map of three regions, and on the four-state example."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import netmap
from netmap.analysis.regions import regions
from netmap.cli import app
from netmap.roster import load_roster
from tests.analysis import maps as paths
from tests.conftest import EXAMPLES, write_csv_workbook


@pytest.fixture
def three_regions(tmp_path):
    # North: a college on the leadership team, a job centre tied to it (present), a CBO tied
    # to no one (peripheral), and a tie from the college to the state workforce agency.
    # South: only a former partner. East: expected, nobody listed.
    folder = write_csv_workbook(
        tmp_path / "three",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "team", "status"],
                ["S1", "State Workforce Agency", "State workforce agency", "state", "", "leadership", ""],
                ["N1", "North College", "CC", "local", "North", "leadership", ""],
                ["N2", "North Job Centre", "American Job Center", "local", "North", "stakeholder", ""],
                ["N3", "North Food Bank", "CBO", "local", "North", "stakeholder", ""],
                ["S2", "South College", "CC", "local", "South", "", "former"],
            ],
            "ties": [["source_id", "target_id"], ["N1", "S1"], ["N2", "N1"]],
        },
    )
    return netmap.read_graph(folder)


def test_three_regions_side_by_side(three_regions):
    result = regions(three_regions, expected=["East", "North"])
    assert result.region_names == ["North", "South", "East"]
    rows = {r.region: r for r in result.regions}
    north = rows["North"]
    assert (north.listed, north.active, north.present, north.peripheral, north.missing) == (3, 3, 2, 1, 10)
    assert north.state_linked and north.state_partners == ["S1"] and north.connectors == ["N1"]
    assert north.state_partner_names == ["State Workforce Agency"]
    # College and CBO lines; the one-stop alone does not meet "board(s) and providers".
    assert (north.minimum_met, north.minimum_total) == (2, 7)
    assert "Workforce board(s) and workforce service providers" in north.minimum_unmet
    assert "Local WIB" in north.missing_types and "Local community colleges" not in north.missing_types
    south, east = rows["South"], rows["East"]
    assert (south.listed, south.active, south.missing) == (1, 0, 13)
    assert (east.listed, east.active, east.missing, east.minimum_met) == (0, 0, 13, 0)
    assert not south.state_linked and not east.state_linked
    # Most gaps first; a tie in gaps goes by name.
    assert [(r.rank, r.region) for r in result.regions] == [(1, "East"), (2, "South"), (3, "North")]
    cells = {row["agency_type"]: row["cells"] for row in result.matrix}
    assert cells["Local community colleges"] == {"North": "present", "South": "missing", "East": "missing"}
    assert cells["Local community-based organizations"]["North"] == "peripheral"
    assert len(result.matrix) == 13


def test_regions_follow_the_scope_rule(tmp_path):
    # Two counties, no state-level partner: the local rosters are compared, the state level is
    # not assessed, and no region is tied to a state partner.
    G = netmap.read_graph(
        write_csv_workbook(
            tmp_path / "counties",
            {
                "partners": [
                    ["id", "name", "agency_type", "level", "region"],
                    ["A", "A College", "CC", "local", "A County"],
                    ["B", "B One Stop", "American Job Center", "local", "B County"],
                    ["B2", "B WIB", "Local WIB", "local", "B County"],
                ],
                "ties": [["source_id", "target_id"], ["B", "B2"]],
            },
        )
    )
    result = regions(G)
    d = result.to_dict()
    assert (d["scope"], d["assessed_levels"], d["state_listed"]) == ("auto", ["local"], False)
    assert [n["level"] for n in d["not_assessed"]] == ["state"]
    rows = {r.region: r for r in result.regions}
    assert (rows["A County"].minimum_met, rows["B County"].minimum_met) == (1, 1)
    assert not any(r.state_linked for r in result.regions)
    # With the state level asked for alone, there is no local roster to compare.
    state_only = regions(G, scope="state")
    assert state_only.matrix == [] and [r.minimum_total for r in state_only.regions] == [0, 0]
    assert [n.level for n in state_only.not_assessed] == ["local"]


def test_the_input_graph_is_not_changed(three_regions):
    before = (list(three_regions.nodes(data=True)), list(three_regions.edges(keys=True, data=True)))
    regions(three_regions, expected=["East"])
    assert (list(three_regions.nodes(data=True)), list(three_regions.edges(keys=True, data=True))) == before


def test_four_states_ranked_and_linked():
    result = regions(netmap.read_graph(EXAMPLES / "four-state-coalitions"))
    assert [r.region for r in result.regions] == ["Delaware", "California", "Illinois", "Tennessee"]
    rows = {r.region: r for r in result.regions}
    # Tennessee's one-stop without a local WIB no longer meets the board-and-providers line.
    assert (rows["Delaware"].minimum_met, rows["Tennessee"].minimum_met) == (2, 2)
    assert sorted(rows["Illinois"].state_partners) == ["IL-DCEO", "IL-ICCB", "IL-ISBE"]
    assert all(r.state_linked for r in result.regions)


def test_regions_command_json_and_table():
    runner = CliRunner()
    result = runner.invoke(app, ["regions", str(EXAMPLES / "four-state-coalitions"), "--expect", "Kentucky", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["regions"][0]["region"] == "Kentucky" and doc["regions"][0]["listed"] == 0
    assert list(doc["regions"][0]) == [
        "region", "listed", "active", "present", "peripheral", "missing", "missing_types", "minimum_met",
        "minimum_total", "minimum_unmet", "state_linked", "state_partners", "state_partner_names", "connectors", "rank",
        "minimum", "state_ties",
    ]  # fmt: skip
    table = runner.invoke(app, ["regions", str(EXAMPLES / "four-state-coalitions"), "--expect", "Kentucky"])
    assert table.exit_code == 0
    assert "none listed" in table.stdout and "Regions ranked by gaps" in table.stdout


def test_a_region_asked_for_in_another_spelling_is_the_map_s():
    """Regions match as their graph nodes do: "illinois" is the map's "Illinois"."""
    import netmap
    from netmap.analysis import analyze
    from netmap.errors import UsageError
    from tests.conftest import EXAMPLES

    G = netmap.read_graph(EXAMPLES / "four-state-coalitions")
    a = analyze(G, region="ILLINOIS!", as_of="2026-11-24")
    assert (a.region, a.partners_active) == (
        "Illinois",
        analyze(G, region="Illinois", as_of="2026-11-24").partners_active,
    )
    with pytest.raises(UsageError, match="no region 'Ohio' in this map"):
        analyze(G, region="Ohio")


@pytest.mark.parametrize(
    ("region", "minimum", "state_ties"),
    [
        # Tennessee has a Local WIB but no local workforce agency: the board-and-providers line
        # is partly there; neither TANF providers nor human service agencies: missing.
        (
            "Tennessee",
            ["partly", "met", "missing", "missing", "missing", "missing", "met"],
            {"TN-DOE": 2, "TN-ECD": 1, "TN-DOL": 1, "TN-TBR": 1},
        ),
        # Delaware has no Local WIB nor workforce agency: missing, not partly.
        (
            "Delaware",
            ["missing", "met", "missing", "missing", "missing", "missing", "met"],
            {"DE-DOE": 4, "DE-MFA": 4},
        ),
        ("Kentucky", ["missing"] * 7, {}),
    ],
)
def test_regions_line_status_and_ties_to_each_state_partner(region, minimum, state_ties):
    G = netmap.read_graph(EXAMPLES / "four-state-coalitions")
    result = regions(G, expected=["Kentucky"], as_of="2026-11-24")
    assert [r["id"] for r in result.requirements] == [
        "workforce-board-and-providers", "postsecondary", "adult-education", "tanf-and-human-services",
        "economic-development", "cbos", "local-businesses",
    ]  # fmt: skip
    row = next(r for r in result.regions if r.region == region)
    assert [row.minimum[r["id"]] for r in result.requirements] == minimum
    assert row.state_ties == state_ties


# --- Issue 24: each region's minimum-team lines looked up, not filtered per region. ---


@pytest.mark.parametrize("name", ["four-state-coalitions", "oregon-pathways-alliance", *paths.SHAPES])
def test_region_rows_read_their_own_lines(name, generated_maps):
    from netmap.analysis.gaps import roster_gaps

    G = netmap.build_graph(paths.tables_of_map(name, generated_maps))
    for day in paths.DAYS[1:3]:
        gaps = roster_gaps(G, as_of=day, scope="all")
        result = regions(G, as_of=day, scope="all", gaps=gaps, expected=["Nowhere"])
        requirements = load_roster(G.graph["roster"]).minimum_teams.get("local", ())
        assert len(result.regions) > 1 and requirements
        for row in result.regions:
            # As every region filtered all the lines before issue 24.
            lines = {r.requirement_id: r for r in gaps.minimum_teams if r.level == "local" and r.region == row.region}
            met = {k for k, r in lines.items() if r.met}
            assert row.minimum_met == len(met)
            assert row.minimum_unmet == [r.name for r in requirements if r.id not in met]
            assert row.minimum == {
                r.id: ("met" if r.id in met else "partly" if r.id in lines and lines[r.id].parts_met else "missing")
                for r in requirements
            }
        assert sum(row.minimum_met for row in result.regions) > 0
        assert next(row for row in result.regions if row.region == "Nowhere").minimum_met == 0
