"""The session worksheet (netmap.export.worksheet writes it, netmap.ingest.worksheet reads it).

A small hand-made map: four partners in North, one in South. Job training for youth in North
has three providers (duplication) and Beta College's row gives 40 seats to two populations.
"""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

import netmap
from netmap.analysis.services import service_inventory
from netmap.cli import app
from netmap.export.worksheet import sheet_names, write_worksheet
from tests.conftest import libreoffice_convert, write_csv_workbook

DAY = "2026-12-07"
PARTNERS = [
    ["id", "name", "agency_type", "region"],
    ["A", "Alpha Job Center", "AJC", "North"],
    ["B", "Beta College", "CC", "North"],
    ["C", "Gamma College", "CC", "North"],
    ["D", "Delta College", "CC", "North"],
    ["E", "Epsilon Job Center", "AJC", "South"],
]
SERVICES = [
    ["partner_id", "service", "population", "capacity"],
    ["A", "Skills assessment", "Youth", ""],
    ["B", "Job training", "Youth; Adults", "40"],
    ["C", "Job training", "Youth", ""],
    ["D", "Job training", "Youth", ""],
    ["E", "Job placement", "Adults", ""],
]
runner = CliRunner()


@pytest.fixture
def source(tmp_path):
    return write_csv_workbook(tmp_path / "map", {"partners": PARTNERS, "services": SERVICES})


@pytest.fixture
def worksheet(source, tmp_path):
    G = netmap.read_graph(source)
    return write_worksheet(G, service_inventory(G, as_of=DAY), tmp_path / "session.xlsx")


def cells(sheet, service):
    """The population name -> cell value of one service's row."""
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == service)
    return {sheet.cell(row=1, column=c.column).value: c.value for c in row[3:] if c.value}


def row_of(sheet, service):
    return next(r[0].row for r in sheet.iter_rows(min_row=3) if r[0].value == service)


def column_of(sheet, population):
    return next(c.column_letter for c in sheet[1] if c.value == population)


def inventory(path):
    return service_inventory(netmap.read_graph(path), as_of=DAY)


def test_the_worksheet_has_a_sheet_per_region_a_row_per_service_a_column_per_population(worksheet):
    wb = openpyxl.load_workbook(worksheet)
    assert wb.sheetnames == ["How to fill", "partners", "lists", "North", "South"]
    north = wb["North"]
    assert [c.value for c in north[1]][:5] == ["netmap-worksheet", "Group", "Service", "Adults", "Youth"]
    assert [c.value for c in north[2]][:5] == ["netmap:ids", "region", "North", "Adults", "youth"]
    assert north.column_dimensions["A"].hidden and north.row_dimensions[2].hidden
    # Every service of the taxonomy, in its order; the map's two populations first, then the roster's 13 others.
    assert north.max_row == 2 + 20 and north.max_column == 3 + 2 + 13
    assert [north.cell(row=r, column=1).value for r in (3, 4, 22)] == ["outreach", "assessment", "english-language"]
    assert cells(north, "training") == {
        "Adults": "Beta College (40 seats)",
        "Youth": "Beta College (40 seats); Delta College; Gamma College",
    }
    assert cells(north, "assessment") == {"Youth": "Alpha Job Center"}
    assert cells(north, "job-placement") == {}
    assert cells(wb["South"], "job-placement") == {"Adults": "Epsilon Job Center"}
    (dv,) = north.data_validations.dataValidation
    assert (str(dv.sqref), dv.formula1, dv.errorStyle) == ("D3:R72", "=lists!$A$2:$A$6", "warning")
    assert dv.prompt.startswith("Partners providing")
    assert [c.value for c in wb["lists"]["A"]] == ["partners", *(p[1] for p in PARTNERS[1:])]
    assert wb["lists"].sheet_state == "hidden"
    assert [[c.value for c in r] for r in wb["partners"].iter_rows()] == PARTNERS


def test_the_worksheet_as_written_reads_back_to_the_same_inventory(source, worksheet):
    before, after = inventory(source), inventory(worksheet)
    assert after.to_dict()["regions"] == before.to_dict()["regions"]
    assert after.capacity_by_region == before.capacity_by_region == [{"region": "North", "seats": 40, "waitlist": 0}]
    # Youth in North (assessment and training: the career pathway and the bridge) lack outreach,
    # adult education, placement, child care, transportation and financial coaching; adults in
    # North (training alone) training's three needs; adults in South (placement) transportation.
    assert len(after.deserts) == len(before.deserts) == 6 + 3 + 1


def test_filled_cells_become_services_rows_and_change_the_inventory(worksheet):
    wb = openpyxl.load_workbook(worksheet)
    north = wb["North"]
    youth = column_of(north, "Youth")
    # The session: Alpha also places youth (30 seats), Delta stopped training, D is typed by id for outreach.
    north[f"{youth}{row_of(north, 'job-placement')}"] = "alpha job center (30 seats)"
    north[f"{youth}{row_of(north, 'training')}"] = "Beta College (40 seats); Gamma College"
    north[f"{youth}{row_of(north, 'outreach')}"] = "D"
    wb.save(worksheet)

    tables = netmap.read_workbook(worksheet)
    assert tables.ok
    rows = sorted(
        (r["partner_id"], r["service_id"], r["populations"], r["region"], r.get("capacity")) for r in tables["services"]
    )
    assert rows == [
        ("A", "assessment", ("youth",), "North", None),
        ("A", "job-placement", ("youth",), "North", 30),
        ("B", "training", ("Adults", "youth"), "North", 40),
        ("C", "training", ("youth",), "North", None),
        ("D", "outreach", ("youth",), "North", None),
        ("E", "job-placement", ("Adults",), "South", None),
    ]
    after = inventory(worksheet)
    assert after.duplicated == []  # training for youth in North is down from 3 providers to 2
    deserts = {(d["region"], d["population"], d["service"]) for d in after.deserts}
    assert ("North", "youth", "job-placement") not in deserts
    assert ("North", "youth", "outreach") not in deserts
    # Assessment and placement put youth on the earn-and-learn pathway too: work-based learning
    # is now needed, so the youth's deserts go from 6 to 5, not 4.
    assert ("North", "youth", "work-based-learning") in deserts
    assert len(after.deserts) == 10 - 1
    assert after.capacity_by_region == [{"region": "North", "seats": 70, "waitlist": 0}]


def test_an_unknown_partner_is_reported_at_its_cell(worksheet):
    wb = openpyxl.load_workbook(worksheet)
    north = wb["North"]
    where = f"{column_of(north, 'Adults')}{row_of(north, 'child-care')}"
    north[where] = "Omega Child Care"
    wb.save(worksheet)
    tables = netmap.read_workbook(worksheet)
    (bad,) = [i for i in tables.issues if i.is_error]
    assert (bad.code, bad.sheet, bad.row, bad.column) == ("unknown-reference", "North", 11, "D")
    assert where == "D11"
    assert "Omega Child Care" in bad.message


def test_region_sheets_copied_into_a_workbook_add_to_its_services_sheet(source, worksheet, tmp_path):
    wb = openpyxl.load_workbook(worksheet)
    wb["South"][column_of(wb["South"], "Youth") + str(row_of(wb["South"], "training"))] = "E"
    book = openpyxl.Workbook()
    book.active.title = "partners"
    for row in PARTNERS:
        book["partners"].append(row)
    services = book.create_sheet("services")
    services.append(["partner_id", "service", "population"])
    services.append(["A", "Skills assessment", "Youth"])
    copy = book.create_sheet("Southern region")  # any name: the marker in A1 is what counts
    for row in wb["South"].iter_rows(values_only=True):
        copy.append(row)
    book.save(tmp_path / "mine.xlsx")
    tables = netmap.read_workbook(tmp_path / "mine.xlsx")
    assert tables.ok, tables.issues
    assert sorted((r["partner_id"], r["service_id"], r["region"]) for r in tables["services"]) == [
        ("A", "assessment", None),
        ("E", "job-placement", "South"),
        ("E", "training", "South"),
    ]
    assert not [i for i in tables.issues if i.code == "unknown-sheet"]


@pytest.mark.parametrize(
    ("regions", "expected"),
    [
        (["North"], ["North"]),
        (["A/B: C?"], ["A-B- C-"]),
        (["x" * 40, "X" * 40], ["x" * 31, "X" * 27 + " (2)"]),
        (["Partners", "lists", None], ["Partners region", "lists region", "(no region)"]),
        (["[Tri]*County\\"], ["-Tri--County-"]),
    ],
)
def test_sheet_names_are_safe_for_excel(regions, expected):
    assert sheet_names(regions) == expected


def test_cli_writes_the_worksheet_never_over_an_input(source, tmp_path):
    out = tmp_path / "w.xlsx"
    ok = runner.invoke(app, ["services", str(source), "--worksheet", "-o", str(out), "--as-of", DAY])
    assert ok.exit_code == 0, ok.output
    assert openpyxl.load_workbook(out).sheetnames[-2:] == ["North", "South"]
    again = runner.invoke(app, ["services", str(source), "--worksheet", "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, ["services", str(source), "--worksheet", "-o", str(out), "--force"]).exit_code == 0
    half = runner.invoke(app, ["services", str(source), "--worksheet"])
    assert half.exit_code == 2 and "-o FILE.xlsx" in half.output
    csv = runner.invoke(app, ["services", str(source), "--worksheet", "-o", str(tmp_path / "w.csv")])
    assert csv.exit_code == 2 and ".xlsx" in csv.output
    validated = runner.invoke(app, ["validate", str(out)])
    assert validated.exit_code == 0, validated.output


def test_a_worksheet_saved_by_libreoffice_still_reads(source, worksheet, tmp_path):
    wb = openpyxl.load_workbook(worksheet)
    north = wb["North"]
    north[f"{column_of(north, 'Youth')}{row_of(north, 'job-placement')}"] = "Alpha Job Center (30 seats)"
    wb.save(worksheet)
    out = tmp_path / "lo"
    libreoffice_convert([worksheet], out, "xlsx", profile=tmp_path / "lo-profile")
    saved, before = inventory(out / "session.xlsx"), inventory(source)
    assert len(saved.cells) == len(before.cells) + 1
    assert saved.capacity_by_region == [{"region": "North", "seats": 70, "waitlist": 0}]
    # Placement found for youth, work-based learning now needed (the earn-and-learn pathway).
    gone = {(d["population"], d["service"]) for d in before.deserts} - {
        (d["population"], d["service"]) for d in saved.deserts
    }
    new = {(d["population"], d["service"]) for d in saved.deserts} - {
        (d["population"], d["service"]) for d in before.deserts
    }
    assert (gone, new) == ({("youth", "job-placement")}, {("youth", "work-based-learning")})


def test_regions_come_from_the_partners_at_the_table_too(tmp_path):
    partners = [
        ["id", "name", "agency_type", "region", "status"],
        ["A", "Alpha Job Center", "AJC", "North", ""],
        ["F", "Foxtrot College", "CC", "East", "former"],
        ["G", "Golf College", "CC", "West", "active"],
        ["H", "Hotel Works", "AJC", "", ""],
    ]
    services = [["partner_id", "service", "population"], ["A", "Job training", "Youth"]]
    G = netmap.read_graph(write_csv_workbook(tmp_path / "m", {"partners": partners, "services": services}))
    out = write_worksheet(G, service_inventory(G, as_of=DAY), tmp_path / "w.xlsx")
    # West has no services yet but a partner at the table: a sheet to fill; East's partner has left.
    assert openpyxl.load_workbook(out).sheetnames[3:] == ["North", "West", "(no region)"]


def test_worksheet_keeps_a_formula_like_partner_name_as_text(tmp_path):
    # openpyxl stores a text starting with "=" as a formula, which the spreadsheet runs on
    # opening: a partner named like one must reach every sheet as text, as written.
    name = '=HYPERLINK("http://x","y")'
    partners = [["id", "name", "agency_type", "region"], ["A", name, "AJC", "North"]]
    services = [["partner_id", "service", "population"], ["A", "Job training", "Youth"]]
    G = netmap.read_graph(write_csv_workbook(tmp_path / "m", {"partners": partners, "services": services}))
    book = openpyxl.load_workbook(write_worksheet(G, service_inventory(G, as_of=DAY), tmp_path / "w.xlsx"))
    found = [
        c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    # The partners sheet, the hidden list of names, and the North sheet's cell.
    assert len(found) == 3
    assert all(c.data_type == "s" for c in found)
    assert [c.value for c in found[:2]] == [name, name]
    assert all(c.quotePrefix for c in found if c.value == name)
