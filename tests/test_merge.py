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
        {
            "sheet": "partners",
            "id": "P1",
            "file": str(south),
            "renamed": "south/P1",
            "name": "Desert Diamond Casino",
            "kept_by": str(north),
        }
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


AGREEMENTS = ["id", "parties", "title", "type"]
FUNDING = ["id", "stream", "recipient_id", "amount"]


@pytest.fixture
def numbered(tmp_path: Path) -> tuple[Path, Path]:
    """North and South each number their agreements and awards from 1: A01 and F01 are two of
    each; A02 is one agreement written in both; South's service is paid by South's F01."""
    partners = [["id", "name", "agency_type"], ["P1", "Pima Community College", "CC"], ["P2", "Pima One Stop", "AJC"]]
    north = write_csv_workbook(
        tmp_path / "north",
        {
            "partners": partners,
            "agreements": [
                AGREEMENTS,
                ["A01", "P1;P2", "North MOU", "MOU"],
                ["A02", "P1;P2", "Data sharing", "data-sharing"],
            ],
            "funding": [FUNDING, ["F01", "WIOA Title I Adult", "P2", "100000"]],
        },
    )
    south = write_csv_workbook(
        tmp_path / "south",
        {
            "partners": [*partners, ["P5", "Cochise College", "CC"]],
            "agreements": [
                AGREEMENTS,
                ["A01", "P1;P5", "South MOU", "MOU"],
                ["A02", "P1;P2", "data  sharing", "data-sharing"],  # North's A02: case and spaces aside
            ],
            "funding": [FUNDING, ["F01", "WIOA Title I Youth", "P5", "50000"]],
            "services": [["partner_id", "service", "funding_id"], ["P5", "Child care", "F01"]],
        },
    )
    return north, south


def test_agreement_and_award_ids_of_two_regions_are_namespaced(numbered: tuple[Path, Path]) -> None:
    north, south = numbered
    result = merge_workbooks([south, north])
    assert result.sheets["agreements"] == (
        AGREEMENTS,
        [
            ["A01", "P1;P2", "North MOU", "MOU"],
            ["A02", "P1;P2", "Data sharing", "data-sharing"],  # one agreement: kept once
            ["south/A01", "P1;P5", "South MOU", "MOU"],
        ],
    )
    assert result.sheets["funding"] == (
        FUNDING,
        [["F01", "WIOA Title I Adult", "P2", "100000"], ["south/F01", "WIOA Title I Youth", "P5", "50000"]],
    )
    # South's service is paid by South's award: its reference follows the rename.
    assert result.sheets["services"] == (["partner_id", "service", "funding_id"], [["P5", "Child care", "south/F01"]])
    assert [(c["sheet"], c["id"], c["renamed"], c["name"]) for c in result.to_dict()["collisions"]] == [
        ("agreements", "A01", "south/A01", "South MOU"),
        ("funding", "F01", "south/F01", "WIOA Title I Youth"),
    ]
    codes = sorted((i.code, Path(i.file).name, i.sheet, i.row) for i in result.issues)
    assert codes == [
        ("merge-duplicate-row", "south", "agreements", 3),
        ("merge-duplicate-row", "south", "partners", 2),
        ("merge-duplicate-row", "south", "partners", 3),
        ("merge-id-collision", "south", "agreements", 2),
        ("merge-id-collision", "south", "funding", 2),
    ]
    messages = sorted(i.message for i in result.issues if i.code == "merge-id-collision")
    assert messages == [
        f"A01 in the agreements sheet is 'South MOU' here and another agreement in {north}; "
        "renamed south/A01 in this input",
        f"F01 in the funding sheet is 'WIOA Title I Youth' to P5 here and another funding award in {north}; "
        "renamed south/F01 in this input",
    ]
    # north: 2 partners, 2 agreements, 1 award; south: 3, 2, 1 and 1 service.
    assert (result.rows_read, result.rows_out, len(result.left_out)) == (12, 9, 3)
    assert result.rows_read == result.rows_out + len(result.left_out)
    assert result.ok, [str(i) for i in result.errors]


def test_namespaced_agreements_and_awards_read_back_and_do_not_depend_on_order(
    numbered: tuple[Path, Path], tmp_path: Path
) -> None:
    north, south = numbered
    written = []
    for n, order in enumerate([[north, south], [south, north]]):
        out = tmp_path / f"run{n}" / "merged"
        result = merge_workbooks(order)
        write_merged(result, out)
        written.append(({p.name: p.read_bytes() for p in sorted(out.iterdir())}, result.to_dict()))
    assert written[0] == written[1]
    tables = netmap.read_workbook(tmp_path / "run0" / "merged")
    assert tables.ok, [str(i) for i in tables.issues]  # south/F01 is an award of the funding sheet
    assert sorted(r["id"] for r in tables.records["funding"]) == ["F01", "south/F01"]
    assert [r["funding_id"] for r in tables.records["services"]] == ["south/F01"]


def test_a_later_agreement_that_fills_blanks_keeps_the_id(tmp_path: Path) -> None:
    partners = [["id", "name", "agency_type"], ["P1", "Pima CC", "CC"], ["P2", "Pima One Stop", "AJC"]]
    a = write_csv_workbook(
        tmp_path / "a", {"partners": partners, "agreements": [AGREEMENTS, ["A01", "P1;P2", "", "MOU"]]}
    )
    b = write_csv_workbook(
        tmp_path / "b", {"partners": partners, "agreements": [AGREEMENTS, ["A01", "P1;P2", "Pathways MOU", ""]]}
    )
    result = merge_workbooks([b, a])
    assert result.sheets["agreements"] == (AGREEMENTS, [["A01", "P1;P2", "Pathways MOU", "MOU"]])
    assert result.to_dict()["collisions"] == []
    assert [(i.code, i.sheet) for i in result.issues if i.sheet == "agreements"] == [
        ("merge-combined-row", "agreements")
    ]


@pytest.mark.parametrize(("sheet", "rows", "taken"), [
    ("partners", [["P1", "Pima CC", "CC"], ["P1", "Lane CC", "CC"]], ["south/P1", "Cochise College", "CC"]),
    ("agreements", [["A01", "P1;P2", "North MOU"], ["A01", "P1;P2", "South MOU"]], ["south/A01", "P1;P2", "West MOU"]),
])  # fmt: skip
def test_a_namespaced_id_another_input_uses_gets_a_number(
    tmp_path: Path, sheet: str, rows: list[list[str]], taken: list[str]
) -> None:
    header = ["id", "name", "agency_type"] if sheet == "partners" else ["id", "parties", "title"]
    partners = [["id", "name", "agency_type"], ["P1", "Pima CC", "CC"], ["P2", "Pima One Stop", "AJC"]]
    books = []
    for name, row in (("north", rows[0]), ("south", rows[1]), ("west", taken)):
        sheets = {"partners": [header, row]} if sheet == "partners" else {"partners": partners, sheet: [header, row]}
        books.append(write_csv_workbook(tmp_path / name, sheets))
    for order in (books, books[::-1]):
        result = merge_workbooks(order)
        ids = [r[0] for r in result.sheets[sheet][1]]
        assert ids == [rows[0][0], taken[0], f"{taken[0]}-2"]
        assert [c["renamed"] for c in result.to_dict()["collisions"]] == [f"{taken[0]}-2"]


def test_xlsx_bytes_do_not_depend_on_the_time_of_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import zipfile
    from io import BytesIO
    from types import SimpleNamespace

    import openpyxl.writer.excel as excel

    from netmap.merge import xlsx_bytes

    sheets = {"partners": (["id", "name"], [["P1", "Pima CC"]])}
    written = []
    for year in (2030, 2031):

        class Clock(dt.datetime):
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None, year: int = year) -> dt.datetime:
                return dt.datetime(year, 1, 1, tzinfo=tz)

        # openpyxl stamps the workbook "modified" with its clock: two saves a year apart.
        monkeypatch.setattr(excel, "datetime", SimpleNamespace(datetime=Clock, timezone=dt.timezone))
        written.append(xlsx_bytes(sheets))
    assert written[0] == written[1]
    core = zipfile.ZipFile(BytesIO(written[0])).read("docProps/core.xml").decode()
    assert ">2000-01-01T00:00:00Z</dcterms:modified>" in core
