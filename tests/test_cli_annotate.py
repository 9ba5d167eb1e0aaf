"""``netmap validate BOOK.xlsx --annotate OUT.xlsx`` end to end, on a workbook with known bad cells."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from typer.testing import CliRunner

from netmap.cli import app
from netmap.export.annotate import ERROR_FILL, WARNING_FILL
from tests.conftest import libreoffice_convert, write_csv_workbook

runner = CliRunner()
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HEAD = 4  # the Issues sheet's header row

# (code, sheet title, cell) of each issue the workbook below holds, and the fill it gets.
EXPECTED = {
    ("unknown-agency-type", "Partners", "C3"): ERROR_FILL,
    ("duplicate-id", "Partners", "A4"): ERROR_FILL,
    ("unknown-agency-type", "Partners", "C5"): ERROR_FILL,
    ("unknown-column", "Partners", "D1"): WARNING_FILL,
    ("ambiguous-date", "funding", "D2"): ERROR_FILL,
    ("invalid-date", "funding", "E2"): ERROR_FILL,
    ("refers-to-rejected-partner", "ties", "B4"): ERROR_FILL,  # P2, rejected for its agency type
    ("unknown-reference", "ties", "B5"): ERROR_FILL,
    ("missing-column", "roles", "A1"): ERROR_FILL,
    ("unknown-sheet", "Ana's notes", "A1"): WARNING_FILL,
}


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["ID", "Name", "Agency Type", "Notez"])  # headers as people write them; an unknown one
    ws.append(["P1", "Pima CC", "Community college"])
    ws.append(["P2", "Ajo Works", "Comunity colege"])  # a bad agency type
    ws.append(["P1", "Pima Again", "Community college"])  # a duplicate id
    ws.append(["P3", "Tucson WIB", "=cmd|' /C calc'!A0"])  # text that looks like a formula
    ws["C5"].data_type = "s"
    ws["C3"].comment = Comment("Ana: check this one", "Ana")  # the user's own comment
    funding = wb.create_sheet("funding")
    funding.append(["id", "stream", "recipient_id", "start", "end"])
    funding.append(["F1", "WIOA", "P1", "04/03/2024", "31/02/2025"])  # ambiguous, then no date
    ties = wb.create_sheet("ties")
    ties.append([])
    ties.append([])  # the header in row 3: rows are counted as Excel shows them
    ties.append(["source_id", "target_id", "kind"])
    ties.append(["P1", "P2", "referral"])
    ties.append(["P1", "P9", "referral"])  # names no partner
    roles = wb.create_sheet("roles")
    roles.append(["partner_id", "notes"])  # the required column role is missing
    roles.append(["P1", "lead"])
    wb.create_sheet("Ana's notes")["A1"] = "call Pima"
    wb.create_sheet("Issues")["A1"] = "the user's own issues sheet"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def annotated(book, tmp_path):
    before = digest(book)
    out = tmp_path / "annotated.xlsx"
    result = run("validate", book, "--annotate", out)
    assert digest(book) == before  # the original is never modified
    return result, out


def test_validate_annotate_marks_every_bad_cell(book, annotated):
    result, out = annotated
    assert result.exit_code == 1
    assert f"wrote {out}" in result.stderr
    issues = json.loads(run("validate", "--json", book).stdout)["issues"]
    wb = openpyxl.load_workbook(out)
    source = openpyxl.load_workbook(book)
    found = {}
    for row in wb["Issues (netmap)"].iter_rows(min_row=HEAD + 1):
        code, title, cell = row[1].value, row[2].value, row[5].value
        if cell is None:
            continue
        found[code, title, cell] = wb[title][cell].fill.fgColor.rgb[-6:]
        assert row[5].hyperlink.location == "'" + title.replace("'", "''") + "'!" + cell
        assert f"netmap: {row[0].value} {code}: " in wb[title][cell].comment.text
    assert found == EXPECTED | {("unknown-sheet", "Issues", "A1"): WARNING_FILL}
    # Every issue is a row of the Issues sheet, in the order validate reports them, and the
    # cell it links to is exactly the one holding the bad value.
    rows = list(wb["Issues (netmap)"].iter_rows(min_row=HEAD + 1, values_only=True))
    assert [r[1] for r in rows] == [i["code"] for i in issues]
    checked = [(i["value"], source[r[2]][r[5]].value) for i, r in zip(issues, rows, strict=True) if i["value"]]
    assert len(checked) == 7 and all(value == cell for value, cell in checked), checked


def test_the_users_comment_and_issues_sheet_are_kept(annotated):
    _, out = annotated
    wb = openpyxl.load_workbook(out)
    comment = wb["Partners"]["C3"].comment.text
    assert comment.startswith("Ana: check this one\n\nnetmap: error unknown-agency-type: 'Comunity colege'")
    assert wb["Issues"]["A1"].value == "the user's own issues sheet"
    assert wb.sheetnames[0] == "Issues (netmap)"


def test_a_formula_lookalike_is_text_in_the_issues_sheet(annotated):
    _, out = annotated
    ws = openpyxl.load_workbook(out)["Issues (netmap)"]
    (cell,) = [row[6] for row in ws.iter_rows(min_row=HEAD + 1) if row[5].value == "C5"]
    assert (cell.value, cell.data_type) == ("=cmd|' /C calc'!A0", "s")


def test_json_and_table_are_the_same_with_annotate(book, tmp_path):
    plain = run("validate", "--json", book)
    with_copy = run("validate", "--json", book, "--annotate", tmp_path / "a.xlsx")
    assert (with_copy.exit_code, with_copy.stdout) == (plain.exit_code, plain.stdout)
    assert run("validate", book, "--annotate", tmp_path / "b.xlsx").stdout == run("validate", book).stdout


def test_a_clean_workbook_gets_an_empty_issues_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "partners"
    wb.active.append(["id", "name", "agency_type"])
    wb.active.append(["P1", "Pima CC", "Community college"])
    wb.save(tmp_path / "ok.xlsx")
    result = run("validate", tmp_path / "ok.xlsx", "--annotate", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "(no issues to mark)" in result.stderr
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Issues"]
    assert ws["A1"].value == "netmap validate: 0 error(s), 0 warning(s) in ok.xlsx" and ws.max_row == HEAD


def test_annotate_needs_an_xlsx_workbook(tmp_path):
    folder = write_csv_workbook(tmp_path / "csv", {"partners": [["id", "name", "agency_type"]]})
    result = run("validate", folder, "--annotate", tmp_path / "out.xlsx")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith(f"--annotate needs an .xlsx workbook as SOURCE; {folder} is not one")
    )
    assert not (tmp_path / "out.xlsx").exists()
    store = run("validate", "neo4j://localhost:7687", "--annotate", tmp_path / "out.xlsx")
    assert store.exit_code == 2 and "--annotate needs an .xlsx workbook" in store.stderr


def test_annotate_never_writes_over_the_source_or_an_existing_file(book, tmp_path):
    before = digest(book)
    same = run("validate", book, "--annotate", book, "--force")
    assert same.exit_code == 2 and "is the input SOURCE" in same.stderr
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")
    refused = run("validate", book, "--annotate", out)
    assert refused.exit_code == 2 and "already exists; pass --force to overwrite" in refused.stderr
    assert out.read_bytes() == b"keep me"
    assert run("validate", book, "--annotate", out, "--force").exit_code == 1
    assert out.read_bytes()[:2] == b"PK" and digest(book) == before
    csv = run("validate", book, "--annotate", tmp_path / "out.csv")
    assert csv.exit_code == 2 and "name it *.xlsx" in csv.stderr


def test_the_annotated_copy_survives_libreoffice(annotated, tmp_path):
    _, out = annotated
    (saved,) = libreoffice_convert([out], tmp_path / "lo", "xlsx", profile=tmp_path / "lo-profile")
    wb = openpyxl.load_workbook(saved)
    assert wb.sheetnames[0] == "Issues (netmap)"
    for (code, title, cell), fill in EXPECTED.items():
        assert "netmap: " in wb[title][cell].comment.text and code in wb[title][cell].comment.text
        assert wb[title][cell].fill.fgColor.rgb[-6:] == fill
    assert wb["Partners"]["C3"].comment.text.startswith("Ana: check this one")
    links = [row[5].hyperlink for row in wb["Issues (netmap)"].iter_rows(min_row=HEAD + 1)]
    assert all(link is not None for link in links)


def test_the_annotated_copy_validates_as_the_original(book, annotated):
    # Fixing the issues in the copy is the way it is used: read again, its Issues sheet is
    # netmap's own and skipped (no unknown-sheet warning), the rest reads as the original.
    _, out = annotated

    def places(path):
        issues = json.loads(run("validate", "--json", path).stdout)["issues"]
        return [(i["code"], i["sheet"], i["row"], i["column"]) for i in issues]

    assert places(out) == places(book)
    assert not [p for p in places(out) if p[1] == "issues (netmap)"]
