"""netmap.merge: two regional workbooks of survey answers merged into one, by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.errors import UsageError
from netmap.merge import merge_workbooks, write_merged
from tests.conftest import write_csv_workbook

runner = CliRunner()

PARTNERS = ["id", "name", "agency_type", "level", "region"]
TIES = ["source_id", "target_id", "kind", "frequency", "reliability", "reported_by"]
RESPONSES = ["partner_id", "answered_on", "form"]


@pytest.fixture
def regions(tmp_path: Path) -> tuple[Path, Path]:
    """North and South: P1 is two organisations, P2 one in both, Tucson Indian Center under two ids."""
    north = write_csv_workbook(
        tmp_path / "north",
        {
            "partners": [
                PARTNERS,
                ["P1", "Pima Community College", "CC", "local", "North"],
                ["P2", "Pima One Stop", "American Job Center", "local", "North"],
                ["P3", "Tucson Indian Center", "CBO", "local", "North"],
                ["P4", "", "CBO", "local", "North"],  # an error: no name
            ],
            "ties": [
                TIES,
                ["P1", "P2", "collaboration", "monthly", "4", "P1"],
                ["P2", "P1", "collaboration", "weekly", "2", "P2"],
                ["P1", "P3", "referral", "", "", "P1"],
            ],
            "responses": [RESPONSES, ["P1", "2026-11-02", "p1.xlsx"], ["P2", "2026-11-03", "p2.xlsx"]],
        },
    )
    south = write_csv_workbook(
        tmp_path / "south",
        {
            "partners": [
                PARTNERS,
                ["P1", "Desert Diamond Casino", "Private businesses", "local", "South"],
                ["P2", "PIMA one-stop", "American Job Center", "local", "South"],
                ["S9", "Tucson Indian Center", "CBO", "local", "South"],
            ],
            "ties": [TIES, ["P2", "P1", "referral", "", "", "P2"]],
            "responses": [RESPONSES, ["P2", "2026-11-03", "p2.xlsx"]],
        },
    )
    return north, south


def test_merge_of_two_regions_names_renames_and_counts(regions: tuple[Path, Path]) -> None:
    north, south = regions
    result = merge_workbooks([south, north])  # the order given does not matter
    report = result.to_dict()
    assert [i["file"] for i in report["inputs"]] == [str(north), str(south)]
    assert report["collisions"] == [
        {"id": "P1", "file": str(south), "renamed": "south/P1", "name": "Desert Diamond Casino", "kept_by": str(north)}
    ]
    assert report["same_suggestions"] == [{"ids": ["P3", "S9"], "name": "Tucson Indian Center", "same": "--same P3=S9"}]
    header, rows = result.sheets["partners"]
    assert header == PARTNERS
    assert rows == [
        ["P1", "Pima Community College", "CC", "local", "North"],
        ["P2", "Pima One Stop", "American Job Center", "local", "North"],  # north's (first) region kept
        ["P3", "Tucson Indian Center", "CBO", "local", "North"],
        ["S9", "Tucson Indian Center", "CBO", "local", "South"],
        ["south/P1", "Desert Diamond Casino", "Private businesses", "local", "South"],
    ]
    # South's reference to its P1 follows the rename.
    assert result.sheets["ties"][1] == [
        ["P1", "P2", "collaboration", "monthly", "4", "P1"],
        ["P1", "P3", "referral", "", "", "P1"],
        ["P2", "P1", "collaboration", "weekly", "2", "P2"],
        ["P2", "south/P1", "referral", "", "", "P2"],
    ]
    codes = sorted((i.code, Path(i.file).name, i.sheet, i.row) for i in result.issues)
    assert codes == [
        ("empty-required", "partners.csv", "partners", 5),
        ("merge-conflict", "south", "partners", 3),  # P2's region
        ("merge-duplicate-row", "south", "responses", 2),
        ("merge-id-collision", "south", "partners", 2),
        ("merge-same-organisation", "south", "partners", 4),
    ]
    conflict = next(i for i in result.issues if i.code == "merge-conflict")
    assert (conflict.column, conflict.value) == ("region", "South")
    assert "'South' here and 'North' in" in conflict.message


def test_every_input_row_is_written_or_named_in_an_issue(regions: tuple[Path, Path]) -> None:
    result = merge_workbooks(list(regions))
    # north: 4 partners, 3 ties, 2 responses; south: 3, 1, 1.
    assert result.rows_read == 14
    assert result.rows_out == sum(len(rows) for _, rows in result.sheets.values()) == 11
    assert result.rows_read == result.rows_out + len(result.left_out)
    for file, sheet, row, code in result.left_out:
        # The issue that names the row: at the input, or at one of its files.
        assert any(
            (i.file == file or Path(i.file).parent == Path(file)) and (i.sheet, i.row, i.code) == (sheet, row, code)
            for i in result.issues
        ), (file, sheet, row)
    assert [(Path(f).name, s, r, c) for f, s, r, c in result.left_out] == [
        ("north", "partners", 5, "empty-required"),
        ("south", "partners", 3, "merge-conflict"),
        ("south", "responses", 2, "merge-duplicate-row"),
    ]


def test_reciprocity_and_conflicting_answers(regions: tuple[Path, Path]) -> None:
    ties = merge_workbooks(list(regions)).to_dict()["ties"]
    assert (ties["pairs"], ties["confirmed"], ties["unconfirmed"], ties["map_own"]) == (3, 1, 2, 0)
    assert ties["confirmed_pairs"] == [["P1", "P2"]]
    assert ties["unconfirmed_pairs"] == [
        {"pair": ["P1", "P3"], "reported_by": ["P1"]},
        {"pair": ["P2", "south/P1"], "reported_by": ["P2"]},
    ]
    assert ties["conflicts"] == [
        {"pair": ["P1", "P2"], "column": "frequency", "answers": {"P1": "monthly", "P2": "weekly"}},
        {"pair": ["P1", "P2"], "column": "reliability", "answers": {"P1": "4", "P2": "2"}},
    ]


def test_who_answered_by_region_and_category(regions: tuple[Path, Path]) -> None:
    response = merge_workbooks(list(regions)).to_dict()["response"]
    assert response["basis"] == "responses"
    assert response["answered"] == ["P1", "P2"]
    assert response["not_answered"] == ["P3", "S9", "south/P1"]
    assert response["by_region"] == {
        "North": {"answered": 2, "not_answered": 1},
        "South": {"answered": 0, "not_answered": 2},
    }
    assert response["by_category"] == {
        "CBOs": {"answered": 0, "not_answered": 2},
        "Education": {"answered": 1, "not_answered": 0},
        "Employers": {"answered": 0, "not_answered": 1},
        "Workforce Development": {"answered": 1, "not_answered": 0},
    }


def test_same_merges_two_ids_of_one_organisation(regions: tuple[Path, Path]) -> None:
    result = merge_workbooks(list(regions), same=["P3=S9"])
    assert [row[0] for row in result.sheets["partners"][1]] == ["P1", "P2", "P3", "south/P1"]
    assert result.to_dict()["same_suggestions"] == []
    assert result.to_dict()["same_applied"] == [{"ids": ["P3", "S9"]}]
    # S9's row is folded into P3's: its region differs, P3's (north, first) is kept.
    assert [(i.code, i.column, i.value) for i in result.issues if i.row == 4 and i.sheet == "partners"] == [
        ("merge-conflict", "region", "South")
    ]
    assert result.rows_read == result.rows_out + len(result.left_out)


def test_a_row_that_fills_blanks_is_combined(tmp_path: Path) -> None:
    header = ["id", "name", "agency_type", "website"]
    a = write_csv_workbook(tmp_path / "a", {"partners": [header, ["P1", "Pima CC", "CC", ""]]})
    b = write_csv_workbook(tmp_path / "b", {"partners": [header, ["P1", "pima cc", "CC", "pima.edu"]]})
    result = merge_workbooks([b, a])
    assert result.sheets["partners"] == (header, [["P1", "Pima CC", "CC", "pima.edu"]])
    assert [(i.code, Path(i.file).name, i.row) for i in result.issues] == [("merge-combined-row", "b", 2)]
    assert result.left_out == [(str(b), "partners", 2, "merge-combined-row")]


@pytest.mark.parametrize(
    ("same", "message"),
    [
        (["P3=X9"], "X9 is the id of no partner"),
        (["P3"], "write it as A=B"),
        (["P3=P3"], "the two ids are the same"),
        (["P1=P4"], "P4 is the id of no partner"),  # P4's row has an error: not in the merge
        (["P3=S9", "S9=P3"], "S9 is merged into itself through a cycle"),
    ],
)
def test_a_bad_same_is_a_usage_error(regions: tuple[Path, Path], same: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        merge_workbooks(list(regions), same=same)


def test_region_from_file(tmp_path: Path) -> None:
    pima = write_csv_workbook(
        tmp_path / "pima-county",
        {"partners": [["id", "name", "agency_type"], ["P1", "Pima CC", "CC"], ["P2", "Pima One Stop", "AJC"]]},
    )
    lane = write_csv_workbook(
        tmp_path / "lane",
        {"partners": [["id", "name", "agency_type", "region"], ["L1", "Lane CC", "CC", "Lane County"]]},
    )
    result = merge_workbooks([pima, lane], region_from_file=True)
    assert result.sheets["partners"] == (
        ["id", "name", "agency_type", "region"],
        [
            ["L1", "Lane CC", "CC", "Lane County"],
            ["P1", "Pima CC", "CC", "Pima County"],
            ["P2", "Pima One Stop", "AJC", "Pima County"],
        ],
    )
    assert merge_workbooks([pima]).sheets["partners"][0] == ["id", "name", "agency_type"]


@pytest.mark.parametrize("out_name", ["merged.xlsx", "merged"])
def test_merge_is_deterministic_and_order_independent(
    regions: tuple[Path, Path], tmp_path: Path, out_name: str
) -> None:
    north, south = regions
    outputs = []
    for n, order in enumerate([[north, south], [north, south], [south, north]]):
        out = tmp_path / f"run{n}" / out_name
        write_merged(merge_workbooks(order), out)
        files = sorted(out.iterdir()) if out.is_dir() else [out]
        outputs.append({p.name: p.read_bytes() for p in files})
    assert outputs[0] == outputs[1] == outputs[2]
    if out_name == "merged":
        assert b"\r\n" in outputs[0]["ties.csv"]


@pytest.mark.parametrize("out_name", ["merged.xlsx", "merged"])
def test_merged_workbook_reads_back(regions: tuple[Path, Path], tmp_path: Path, out_name: str) -> None:
    out = tmp_path / out_name
    write_merged(merge_workbooks(list(regions)), out)
    tables = netmap.read_workbook(out)
    assert tables.ok, [str(i) for i in tables.issues]
    G = netmap.read_graph(out)
    partners = sorted(d["id"] for _, d in G.nodes(data=True) if d.get("label") == "Partner")
    assert partners == ["P1", "P2", "P3", "S9", "south/P1"]
    ties = sorted(
        (G.nodes[u]["id"], G.nodes[v]["id"], d.get("reported_by"))
        for u, v, d in G.edges(data=True)
        if d.get("type") == "TIED_TO"
    )
    assert ties == [("P1", "P2", "P1"), ("P1", "P3", "P1"), ("P2", "P1", "P2"), ("P2", "south/P1", "P2")]
    assert sorted(r["partner_id"] for r in G.graph["responses"]) == ["P1", "P2"]


def test_cli_merge_writes_reports_and_exits_1_on_input_errors(regions: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "merged.xlsx"
    result = runner.invoke(app, ["merge", *map(str, regions), "-o", str(out)], env={"COLUMNS": "80"})
    assert result.exit_code == 1, result.output
    assert out.exists()  # the good rows are written all the same
    for phrase in ("Inputs", "One id, two organisations", "--same P3=S9", "1 confirmed", "2 one-sided",
                   "not yet answered: P3, S9, south/P1", "1 error(s) in the inputs"):  # fmt: skip
        assert phrase in result.output, phrase
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_cli_merge_json_and_usage_errors(regions: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "merged"
    result = runner.invoke(app, ["merge", *map(str, regions), "-o", str(out), "--json", "--same", "P3=S9"])
    data = json.loads(result.stdout)
    assert list(data)[:8] == [
        "inputs", "rows", "partners", "collisions", "same_suggestions", "same_applied", "ties", "response"
    ]  # fmt: skip
    assert (result.exit_code, data["partners"], data["ties"]["confirmed"]) == (1, 4, 1)
    bad = runner.invoke(app, ["merge", *map(str, regions), "-o", str(tmp_path / "b.xlsx"), "--same", "P3=nope"])
    assert bad.exit_code == 2
    assert "nope is the id of no partner" in bad.output
    again = runner.invoke(app, ["merge", *map(str, regions), "-o", str(out)])
    assert again.exit_code == 2  # the folder holds the earlier merge: --force to replace it
    missing = runner.invoke(app, ["merge", str(tmp_path / "nowhere"), "-o", str(tmp_path / "c.xlsx")])
    assert missing.exit_code == 2
    hsds = runner.invoke(app, ["merge", "examples/pima-county-211", "-o", str(tmp_path / "d.xlsx")])
    assert hsds.exit_code == 2
    assert "is an HSDS package: write it as a netmap workbook first" in hsds.output
