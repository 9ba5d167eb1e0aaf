"""Reading a session worksheet's region sheets as services rows (netmap.ingest.worksheet)."""

from __future__ import annotations

import pytest

from netmap.ingest.validate import validate
from netmap.ingest.workbook import RawRow, RawSheet, RawWorkbook
from netmap.ingest.worksheet import fold_worksheets, parse_cell

HEADER = ["netmap-worksheet", "Group", "Service", "Youth", "Veterans"]
IDS = ["netmap:ids", "region", "North", "youth", "veterans"]


def book(*rows, partners=(("A", "Ajo Works"), ("B", "Bisbee Center"), ("C", "Bisbee Center"))):
    raw = RawWorkbook("w.xlsx", "xlsx")
    raw.sheets["partners"] = RawSheet(
        "partners", "partners", "w.xlsx", ["id", "name"], [RawRow(i + 2, list(p)) for i, p in enumerate(partners)]
    )
    raw.sheets["north coast"] = RawSheet(
        "north coast",
        "North Coast",
        "w.xlsx",
        HEADER,
        [RawRow(2, IDS), *(RawRow(i + 3, r) for i, r in enumerate(rows))],
    )
    return raw


@pytest.mark.parametrize(
    ("cell", "entries"),
    [
        (None, []),
        ("", []),
        ("Ajo Works", [("Ajo Works", None)]),
        ("Ajo Works (40 seats); B", [("Ajo Works", 40), ("B", None)]),
        ("Ajo Works (1 seat)\nB (2,500)", [("Ajo Works", 1), ("B", 2500)]),
        ("Pima (North) Center", [("Pima (North) Center", None)]),
        ("(40)", [("(40)", None)]),
        (" ; ;", []),
    ],
)
def test_parse_cell(cell, entries):
    assert parse_cell(cell) == entries


def test_a_workbook_without_worksheet_sheets_is_left_as_it_is():
    raw = book()
    del raw.sheets["north coast"]
    assert fold_worksheets(raw) is raw


def test_cells_become_rows_names_resolve_and_seats_count_once():
    raw = book(
        ["training", "employment", "Training", "ajo  WORKS (20 seats)", "Ajo Works (20 seats); B"],
        ["food", "supportive", "Food", "Bisbee Center", None],
        [None, None, "Goat yoga", "A", None],
    )
    folded = fold_worksheets(raw)
    assert "north coast" not in folded.sheets and "north coast" in raw.sheets
    services = folded.sheets["services"]
    assert [r.cells for r in services.rows] == [
        ["A", "training", "youth;veterans", "North", 20],
        ["B", "training", "veterans", "North", None],
        # Two partners are named Bisbee Center: the name is kept, and validation asks for the id.
        ["Bisbee Center", "food", "youth", "North", None],
        ["A", "Goat yoga", "youth", "North", None],
    ]
    assert services.origin == {
        2: ("North Coast", 3, "D"),
        3: ("North Coast", 3, "E"),
        4: ("North Coast", 4, "D"),
        5: ("North Coast", 5, "D"),
    }


def test_issues_point_at_the_worksheet_cell():
    raw = book(["food", "supportive", "Food", None, "Bisbee Center"])
    tables = validate(raw)
    (found,) = [i for i in tables.issues if i.sheet != "partners"]
    assert (found.code, found.sheet, found.row, found.column) == ("unknown-reference", "North Coast", 3, "E")
    assert found.message.startswith("worksheet cell (partner_id): ") and "Bisbee Center" in found.message
    assert found.suggestions == ("B", "C")  # two partners have that name: the id is needed
    assert tables["services"] == []


def test_an_unknown_name_suggests_the_partners_names():
    tables = validate(book(["food", "supportive", "Food", "Ajo Work", None]))
    (found,) = [i for i in tables.issues if i.sheet == "North Coast"]
    assert (found.code, found.row, found.column, found.suggestions) == ("unknown-reference", 3, "D", ("Ajo Works",))


def test_rows_add_to_an_existing_services_sheet():
    raw = book(["food", "supportive", "Food", "A", None])
    raw.sheets["services"] = RawSheet(
        "services", "Services", "w.xlsx", ["partner_id", "service", "notes"], [RawRow(2, ["B", "Housing", "x"])]
    )
    services = fold_worksheets(raw).sheets["services"]
    assert services.header == ["partner_id", "service", "notes", "population", "region", "capacity"]
    assert [(r.row, r.cells) for r in services.rows] == [
        (2, ["B", "Housing", "x"]),
        (3, ["A", "food", None, "youth", "North", None]),
    ]
    assert services.origin == {3: ("North Coast", 3, "D")}


def test_a_row_the_services_sheet_repeats_is_named_by_its_cell():
    raw = book(["food", "supportive", "Food", "A", None])
    raw.sheets["services"] = RawSheet(
        "services",
        "services",
        "w.xlsx",
        ["partner_id", "service", "population", "region"],
        [RawRow(2, ["A", "Food", "Youth", "South"])],
    )
    found = sorted((i.sheet, i.row, i.column, i.message) for i in validate(raw).issues if i.code == "conflicting-rows")
    assert [f[:3] for f in found] == [("North Coast", 3, "D"), ("services", 2, "population")]
    assert "this row and row 2 of the services sheet are both" in found[0][3]
    assert found[1][3].startswith("row(s) North Coast D3 are also")
