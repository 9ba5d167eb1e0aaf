"""netmap.export.annotate: issues written back into a copy of the workbook."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from netmap.errors import ERROR, WARNING, Issue, UsageError
from netmap.export.annotate import ERROR_FILL, WARNING_FILL, annotate_workbook, issues_sheet_name
from tests.conftest import write_csv_workbook

HEAD = 4  # the Issues sheet's header row: title, legend, a blank row, then the header


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A partners sheet whose header is in row 2 and starts in column B, written oddly."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "partners"
    ws["B2"], ws["C2"], ws["D2"] = "ID", " Agency-Type ", "Name"
    ws.append([None, "P1", "Comunity colege", "Pima CC"])
    ws.append([None, "P2", "Community college", "Ajo Works"])
    ws["C3"].comment = Comment("checked with Ana on Monday", "Ana")
    wb.create_sheet("Ana's notes")["A1"] = "to do"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


def issue(severity: str = ERROR, **where) -> Issue:
    return Issue("some-code", "something is wrong", severity=severity, sheet="partners", **where)


def annotated(book: Path, issues: list[Issue], name: str = "out.xlsx") -> openpyxl.Workbook:
    return openpyxl.load_workbook(annotate_workbook(book, issues, book.with_name(name)))


def commented(ws) -> dict[str, str]:
    return {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}


@pytest.mark.parametrize(
    ("where", "cell"),
    [
        ({"row": 3, "column": "agency_type"}, "C3"),  # " Agency-Type " read as agency_type
        ({"row": 4, "column": "ID"}, "B4"),
        ({"row": 4}, "B4"),  # a whole row: its first cell
        ({"row": 2, "column": "region"}, "B2"),  # a column the sheet lacks: the row's first cell
        ({"column": "name"}, "D2"),  # a whole column: its header cell
        ({}, "B2"),  # the whole sheet: the header's first cell
        ({"row": 3, "column": "F"}, "F3"),  # a column letter (a value under no header)
    ],
)
def test_each_issue_goes_on_its_cell(book, where, cell):
    ws = annotated(book, [issue(**where)])["partners"]
    notes = commented(ws)
    assert notes.pop(cell).endswith("netmap: error some-code: something is wrong")
    assert ws[cell].fill.fgColor.rgb[-6:] == ERROR_FILL
    assert set(notes) <= {"C3"}  # only the user's own comment besides


def test_the_users_comment_is_kept_and_ours_goes_beneath(book):
    ws = annotated(book, [issue(row=3, column="agency_type")])["partners"]
    assert ws["C3"].comment.text == ("checked with Ana on Monday\n\nnetmap: error some-code: something is wrong")
    untouched = annotated(book, [], "none.xlsx")["partners"]["C3"]
    assert untouched.comment.text == "checked with Ana on Monday" and untouched.fill.fgColor.rgb == "00000000"


def test_several_issues_on_a_cell_make_one_comment_and_an_error_outweighs_a_warning(book):
    first = Issue("a-warning", "first", severity=WARNING, sheet="partners", row=4, column="name", suggestions=("x",))
    second = Issue("an-error", "second", sheet="partners", row=4, column="name")
    ws = annotated(book, [first, second])["partners"]
    assert ws["D4"].comment.text == (
        "netmap: warning a-warning: first\n  suggestion: x\nnetmap: error an-error: second"
    )
    assert ws["D4"].fill.fgColor.rgb[-6:] == ERROR_FILL


def test_a_warning_alone_is_amber(book):
    ws = annotated(book, [issue(WARNING, row=4, column="name")])["partners"]
    assert ws["D4"].fill.fgColor.rgb[-6:] == WARNING_FILL


def test_the_issues_sheet_lists_every_issue_with_a_link_to_its_cell(book):
    issues = [
        issue(row=3, column="agency_type", value="Comunity colege"),
        Issue("unknown-sheet", "not a netmap sheet", severity=WARNING, sheet="ana's notes", suggestions=("a", "b")),
        Issue("missing-sheet", "no agreements sheet", sheet="agreements"),  # not in the book: listed only
    ]
    wb = annotated(book, issues)
    assert wb.sheetnames == ["Issues", "partners", "Ana's notes"] and wb.active.title == "Issues"
    ws = wb["Issues"]
    assert ws["A1"].value == "netmap validate: 2 error(s), 1 warning(s) in book.xlsx"
    assert (ws["A2"].fill.fgColor.rgb[-6:], ws["B2"].fill.fgColor.rgb[-6:]) == (ERROR_FILL, WARNING_FILL)
    rows = list(ws.iter_rows(min_row=HEAD, values_only=True))
    assert rows == [
        ("Severity", "Code", "Sheet", "Row", "Column", "Cell", "Value", "Message", "Suggestion"),
        ("error", "some-code", "partners", 3, "agency_type", "C3", "Comunity colege", "something is wrong", None),
        ("warning", "unknown-sheet", "Ana's notes", None, None, "A1", None, "not a netmap sheet", "a; b"),
        ("error", "missing-sheet", "agreements", None, None, None, None, "no agreements sheet", None),
    ]
    links = [ws.cell(row=r, column=6).hyperlink for r in range(HEAD + 1, HEAD + 4)]
    assert [link.location if link else None for link in links] == ["'partners'!C3", "'Ana''s notes'!A1", None]
    note = "netmap: warning unknown-sheet: not a netmap sheet\n  suggestion: a; b"
    assert commented(wb["Ana's notes"]) == {"A1": note}


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"])
def test_values_that_look_like_formulas_are_written_as_text(book, value):
    ws = annotated(book, [issue(row=3, column="agency_type", value=value)])["Issues"]
    cell = ws.cell(row=HEAD + 1, column=7)
    assert (cell.value, cell.data_type) == (value, "s")


def test_control_characters_are_shown_not_written(book):
    ws = annotated(book, [issue(row=3, column="name", value="Pima\x1b[2J\x00CC")])["Issues"]
    assert ws.cell(row=HEAD + 1, column=7).value == "Pima\\x1b[2J\\x00CC"


def test_the_other_half_of_a_merged_range_is_noted_on_its_first_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "partners"
    ws.append(["id", "name", "agency_type"])
    ws.append(["P1", "Pima CC", "CC"])
    ws.merge_cells("B2:C2")
    wb.save(tmp_path / "merged.xlsx")
    found = Issue("merged-cell", "part of a merged range", sheet="partners", row=2, column="agency_type")
    out = annotated(tmp_path / "merged.xlsx", [found])["partners"]
    assert out["B2"].comment.text == "netmap: (cell C2) error merged-cell: part of a merged range"


@pytest.mark.parametrize(
    ("existing", "name"),
    [([], "Issues"), (["partners", "ISSUES"], "Issues (netmap)"), (["Issues", "issues (netmap)"], "Issues (netmap 2)")],
)
def test_the_issues_sheet_never_takes_a_sheet_name_of_the_book(existing, name):
    assert issues_sheet_name(existing) == name


def test_the_source_is_only_read(book):
    before = digest(book)
    annotate_workbook(book, [issue(row=3, column="agency_type")], book.with_name("out.xlsx"))
    assert digest(book) == before


def test_an_existing_output_needs_force_and_the_source_is_never_the_output(book):
    out = book.with_name("out.xlsx")
    out.write_bytes(b"old")
    with pytest.raises(UsageError, match="already exists; pass --force"):
        annotate_workbook(book, [], out)
    assert annotate_workbook(book, [], out, force=True) == out and out.read_bytes()[:2] == b"PK"
    with pytest.raises(UsageError, match="is the input SOURCE"):
        annotate_workbook(book, [], book, force=True)


@pytest.mark.parametrize("output", ["out.csv", "out.xlsm", "out"])
def test_the_copy_has_the_suffix_of_the_source(book, output):
    with pytest.raises(UsageError, match=r"name it \*\.xlsx"):
        annotate_workbook(book, [], book.with_name(output))


def test_only_a_workbook_can_be_annotated(tmp_path):
    folder = write_csv_workbook(tmp_path / "csv", {"partners": [["id", "name", "agency_type"]]})
    with pytest.raises(UsageError, match=r"--annotate needs an \.xlsx workbook as SOURCE"):
        annotate_workbook(folder, [], tmp_path / "out.xlsx")
