"""One cell at a time: ids stay text, dates, amounts and strengths, read from real files.

Each case writes a small CSV folder or .xlsx with openpyxl, reads it with
:func:`netmap.read_workbook` and checks the parsed value or the issue (code,
severity, sheet, Excel row, column, message, suggestions).
"""

from __future__ import annotations

import datetime as dt

import pytest

import netmap
from netmap.errors import ERROR
from netmap.ingest.cells import cell_text, parse_amount, parse_bool, parse_date, parse_strength

TRICKY_IDS = ["007", "7", "1e3", "NA", "null", "TRUE", " 0x1F", "1.0"]


def book(files, kind: str, sheets):
    """Write the same sheets as a CSV folder or as an .xlsx (None = empty cell in both)."""
    if kind == "csv":
        return files.csv({n: [["" if v is None else v for v in row] for row in rows] for n, rows in sheets.items()})
    return files.xlsx(sheets)


def partners_with_ids(ids):
    return [["id", "name", "agency_type"]] + [[pid, f"Partner {n}", "CC"] for n, pid in enumerate(ids)]


# -- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("written", TRICKY_IDS)
def test_id_is_read_as_text_exactly_as_written_and_references_resolve_to_it(files, kind, written):
    expected = written.strip()  # surrounding spaces are the one thing taken off a cell
    source = book(
        files,
        kind,
        {
            "partners": partners_with_ids([written, "P9"]),
            "ties": [["source_id", "target_id", "kind"], [written, "P9", "referral"]],
            "agreements": [["id", "parties"], [written, "P9;" + written]],
        },
    )
    tables = netmap.read_workbook(source)
    assert tables.ok, [str(i) for i in tables.issues]
    assert [p["id"] for p in tables["partners"]] == [expected, "P9"]
    assert isinstance(tables["partners"][0]["id"], str)
    assert tables["ties"][0]["source_id"] == expected
    assert tables["agreements"][0]["id"] == expected
    assert tables["agreements"][0]["parties"] == ("P9", expected)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_tricky_ids_are_all_distinct(files, kind):
    tables = netmap.read_workbook(book(files, kind, {"partners": partners_with_ids(TRICKY_IDS)}))
    assert tables.issues == []
    assert [p["id"] for p in tables["partners"]] == [i.strip() for i in TRICKY_IDS]


def test_xlsx_number_cells_read_as_the_number_excel_shows(files):
    path = files.xlsx(
        {
            "partners": [["id", "name", "agency_type"], [7, "Seven", "CC"], [7.5, "Seven and a half", "CC"]],
            "ties": [["source_id", "target_id"], ["7", "7.5"]],
        }
    )
    tables = netmap.read_workbook(path)
    assert tables.ok, [str(i) for i in tables.issues]
    assert [p["id"] for p in tables["partners"]] == ["7", "7.5"]
    assert (tables["ties"][0]["source_id"], tables["ties"][0]["target_id"]) == ("7", "7.5")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_reference_to_7_does_not_hit_partner_007(files, only, kind):
    source = book(
        files,
        kind,
        {
            "partners": partners_with_ids(["007", "P9"]),
            "ties": [["source_id", "target_id"], ["P9", "7"]],
        },
    )
    tables = netmap.read_workbook(source)
    issue = only(tables.issues, "unknown-reference")
    assert (issue.severity, issue.sheet, issue.row, issue.column) == (ERROR, "ties", 2, "target_id")
    assert issue.value == "7"
    assert "'7' is not the id of any partner" in issue.message
    assert "007" not in issue.suggestions
    assert tables["ties"] == []


def test_xlsx_number_7_and_text_007_are_two_partners_and_ties_pick_the_right_one(files):
    path = files.xlsx(
        {
            "partners": [["id", "name", "agency_type"], ["007", "Text id", "CC"], [7, "Number id", "CC"]],
            "ties": [["source_id", "target_id"], [7, "007"]],
        }
    )
    tables = netmap.read_workbook(path)
    assert tables.ok, [str(i) for i in tables.issues]
    assert [p["id"] for p in tables["partners"]] == ["007", "7"]
    assert (tables["ties"][0]["source_id"], tables["ties"][0]["target_id"]) == ("7", "007")


# -- dates ----------------------------------------------------------------------------------

# id, kind, cell in agreements.signed, expected date, or (code, message part, suggestions)
DATE_CASES = [
    ("iso", "csv", "2024-03-04", dt.date(2024, 3, 4), None),
    ("excel-date-cell", "xlsx", dt.datetime(2024, 3, 4), dt.date(2024, 3, 4), None),
    ("excel-date-time-cell", "xlsx", dt.datetime(2024, 3, 4, 15, 30), dt.date(2024, 3, 4), None),
    (
        "day-month-ambiguous",
        "csv",
        "04/03/2024",
        None,
        (
            "ambiguous-date",
            "'04/03/2024' could be either of two days",
            ("2024-04-03 (3 April 2024)", "2024-03-04 (4 March 2024)"),
        ),
    ),
    (
        "only-day-first-fits",
        "csv",
        "13/03/2024",
        None,
        ("invalid-date", "'13/03/2024' is not an ISO date", ("2024-03-13 (13 March 2024)",)),
    ),
    ("no-such-day", "csv", "2024-02-30", None, ("invalid-date", "'2024-02-30' is not a day of the calendar", ())),
    ("spelled-out", "csv", "March 4, 2024", None, ("invalid-date", "is not an ISO date", ("2024-03-04",))),
    ("two-digit-year", "csv", "4/3/24", None, ("invalid-date", "'4/3/24' has a two-digit year", ())),
    ("xlsx-plain-number", "xlsx", 45000, None, ("invalid-date", "a number is not a date", ("2023-03-15",))),
]


@pytest.mark.parametrize(
    ("kind", "cell", "expected", "problem"),
    [pytest.param(*case[1:], id=case[0]) for case in DATE_CASES],
)
def test_date_cell_is_read_or_reported_with_its_iso_reading(files, only, kind, cell, expected, problem):
    source = book(
        files,
        kind,
        {
            "partners": partners_with_ids(["P1", "P2"]),
            "agreements": [["id", "parties", "signed"], ["A1", "P1;P2", cell]],
        },
    )
    tables = netmap.read_workbook(source)
    if problem is None:
        assert tables.ok, [str(i) for i in tables.issues]
        assert tables["agreements"][0]["signed"] == expected
        return
    code, message, suggestions = problem
    issue = only(tables.issues, code)
    assert (issue.severity, issue.sheet, issue.row, issue.column) == (ERROR, "agreements", 2, "signed")
    assert message in issue.message
    assert issue.suggestions == suggestions
    assert issue.value == cell_text(cell)
    assert tables["agreements"] == []


# -- numbers --------------------------------------------------------------------------------

AMOUNT_CASES = [
    ("plain", "1200", 1200.0, None),
    ("dollars-with-thousands", "$1,200,000", 1_200_000.0, None),
    ("thousands-and-cents", "1,200.50", 1200.5, None),
    ("european-format", "1.200,50", None, ("invalid-number", "'1.200,50' is not a number", ("1200.50",))),
    ("negative", "-5", None, ("out-of-range", "'-5' is negative", ())),
    ("at-the-limit", "1000000000000000", 1e15, None),
    ("above-the-limit", "1000000000000001", None, ("amount-too-large", "larger than netmap's limit", ())),
    ("near-float-max", "9e307", None, ("amount-too-large", "'9e307' is larger than netmap's limit", ())),
    ("words", "abc", None, ("invalid-number", "'abc' is not a number", ())),
]


@pytest.mark.parametrize(
    ("cell", "expected", "problem"),
    [pytest.param(*case[1:], id=case[0]) for case in AMOUNT_CASES],
)
def test_amount_cell_is_read_or_reported_with_a_fix(files, only, cell, expected, problem):
    folder = files.csv(
        {
            "partners": partners_with_ids(["P1"]),
            "funding": [["id", "stream", "recipient_id", "amount"], ["F1", "WIOA Title I Adult", "P1", cell]],
        }
    )
    tables = netmap.read_workbook(folder)
    if problem is None:
        assert tables.ok, [str(i) for i in tables.issues]
        assert tables["funding"][0]["amount"] == expected
        return
    code, message, suggestions = problem
    issue = only(tables.issues, code)
    assert (issue.severity, issue.file, issue.sheet, issue.row, issue.column) == (
        ERROR,
        str(folder / "funding.csv"),
        "funding",
        2,
        "amount",
    )
    assert message in issue.message
    assert issue.suggestions == suggestions
    assert issue.value == cell


def test_xlsx_number_cell_amount_is_read_as_is(files):
    path = files.xlsx(
        {
            "partners": partners_with_ids(["P1"]),
            "funding": [["id", "stream", "recipient_id", "amount"], ["F1", "WIOA Title I Adult", "P1", 1200.5]],
        }
    )
    assert netmap.read_workbook(path)["funding"][0]["amount"] == 1200.5


STRENGTH_CASES = [
    ("two-point-oh", "2.0", 2, None),
    ("three", "3", 3, None),
    ("four", "4", None, ("out-of-range", "'4' is outside 1-3")),
    ("one-and-a-half", "1.5", None, ("out-of-range", "'1.5' is outside 1-3")),
    ("word", "two", None, ("invalid-number", "'two' is not a whole number")),
]


@pytest.mark.parametrize(
    ("cell", "expected", "problem"),
    [pytest.param(*case[1:], id=case[0]) for case in STRENGTH_CASES],
)
def test_strength_cell_is_a_whole_number_from_1_to_3(files, only, cell, expected, problem):
    folder = files.csv(
        {
            "partners": partners_with_ids(["P1", "P2"]),
            "ties": [["source_id", "target_id", "strength"], ["P1", "P2", cell]],
        }
    )
    tables = netmap.read_workbook(folder)
    if problem is None:
        assert tables.ok, [str(i) for i in tables.issues]
        assert tables["ties"][0]["strength"] == expected
        assert isinstance(tables["ties"][0]["strength"], int)
        return
    code, message = problem
    issue = only(tables.issues, code)
    assert (issue.severity, issue.sheet, issue.row, issue.column) == (ERROR, "ties", 2, "strength")
    assert message in issue.message
    assert issue.suggestions == ()


# -- booleans -------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "expected"), [("yes", True), ("Y", True), ("x", True), ("No", False), ("0", False)])
def test_yes_no_words_are_booleans(files, cell, expected):
    folder = files.csv(
        {
            "partners": partners_with_ids(["P1", "P2"]),
            "ties": [["source_id", "target_id", "directed"], ["P1", "P2", cell]],
        }
    )
    tables = netmap.read_workbook(folder)
    assert tables.ok
    assert tables["ties"][0]["directed"] is expected


def test_excel_true_cell_is_a_boolean(files):
    path = files.xlsx(
        {
            "partners": partners_with_ids(["P1", "P2"]),
            "ties": [["source_id", "target_id", "directed"], ["P1", "P2", True]],
        }
    )
    assert netmap.read_workbook(path)["ties"][0]["directed"] is True


def test_maybe_is_an_invalid_boolean_suggesting_yes_or_no(files, only):
    folder = files.csv(
        {
            "partners": partners_with_ids(["P1", "P2"]),
            "ties": [["source_id", "target_id", "directed"], ["P1", "P2", "maybe"]],
        }
    )
    issue = only(netmap.read_workbook(folder).issues, "invalid-boolean")
    assert (issue.severity, issue.sheet, issue.row, issue.column) == (ERROR, "ties", 2, "directed")
    assert "'maybe' is not yes or no" in issue.message
    assert issue.suggestions == ("yes", "no")


# -- the parsers on their own (cell types CSV cannot produce) ---------------------------------


def test_cell_text_shows_cells_as_excel_does():
    assert cell_text(7.0) == "7"
    assert cell_text(7) == "7"
    assert cell_text(7.5) == "7.5"
    assert cell_text(True) == "TRUE"
    assert cell_text(dt.datetime(2024, 3, 4)) == "2024-03-04"
    assert cell_text(dt.datetime(2024, 3, 4, 9, 30)) == "2024-03-04 09:30:00"
    assert cell_text("  007 ") == "007"


def test_parsers_refuse_excel_booleans_as_numbers_and_dates():
    assert parse_amount(True)[1][0] == "invalid-number"
    assert parse_strength(False)[1][0] == "invalid-number"
    assert parse_date(True)[1][0] == "invalid-date"
    assert parse_bool(False) == (False, None)


def test_amount_that_overflows_is_not_a_finite_number():
    value, problem = parse_amount("1e400")
    assert value is None
    assert problem[0] == "invalid-number"
    assert "not a finite number" in problem[1]
