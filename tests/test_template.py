"""Tests of netmap.template: the workbook people fill in by hand."""

from __future__ import annotations

import openpyxl
import pytest

import netmap
from netmap.errors import UsageError
from netmap.model import SHEETS
from netmap.template import EXAMPLE_ROWS, write_template


@pytest.fixture
def workbook(tmp_path):
    return write_template(tmp_path / "t")


def test_template_validates_cleanly(workbook):
    tables = netmap.read_workbook(workbook)
    assert tables.issues == []
    assert tables.counts() == {
        "partners": 2,
        "roles": 1,
        "agreements": 1,
        "funding": 1,
        "ties": 1,
        "services": 1,
        "contacts": 1,
        "needs": 1,
        "responses": 1,
    }


def test_csv_template_validates_cleanly(tmp_path):
    folder = write_template(tmp_path / "c", csv_files=True)
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{s}.csv" for s in SHEETS] + ["README.txt"])
    tables = netmap.read_workbook(folder)
    assert tables.issues == []
    assert "Local community colleges" in (folder / "README.txt").read_text(encoding="utf-8")


def test_template_sheets_headers_and_example_rows(workbook):
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == ["README", "lists", *SHEETS]
    assert wb["lists"].sheet_state == "hidden"
    for name, sheet in SHEETS.items():
        ws = wb[name]
        assert [c.value for c in ws[1]] == [c.name for c in sheet.columns]
        assert ws.freeze_panes == "A2"
        assert all(c.comment is not None and c.comment.text for c in ws[1])
        assert ws.column_dimensions["B"].width == sheet.columns[1].width
        assert ws.max_row == 1 + len(EXAMPLE_ROWS[name])
    assert wb["partners"]["A2"].value == "P001"
    assert "netmap validate" in "\n".join(str(c.value) for c in wb["README"]["A"])


@pytest.mark.parametrize(
    ("sheet", "column", "first", "strict"),
    [
        ("partners", "agency_type", "State workforce agency", False),
        ("partners", "level", "state", True),
        ("partners", "team", "leadership", True),
        ("partners", "status", "active", True),
        ("roles", "role", "Provide labor market information", False),
        ("agreements", "type", "MOU", True),
        ("funding", "source", "federal", True),
        ("ties", "kind", "collaboration", True),
        ("services", "service", "Outreach and recruitment", False),
        ("services", "population", "People with disabilities", False),
        ("services", "cost", "free", False),
        ("needs", "population", "People with disabilities", False),
    ],
)
def test_drop_down_lists_come_from_the_roster(workbook, sheet, column, first, strict):
    wb = openpyxl.load_workbook(workbook)
    ws = wb[sheet]
    letter = openpyxl.utils.get_column_letter([c.name for c in SHEETS[sheet].columns].index(column) + 1)
    matches = [dv for dv in ws.data_validations.dataValidation if f"{letter}2:{letter}5000" in str(dv.sqref)]
    assert len(matches) == 1
    dv = matches[0]
    assert dv.type == "list"
    assert dv.errorStyle == ("stop" if strict else "warning")
    ref = dv.formula1.lstrip("=").split("!")[1].replace("$", "")
    start, end = ref.split(":")
    values = [c.value for row in wb["lists"][start:end] for c in row]
    assert values[0] == first
    if column == "agency_type":
        assert len(values) == len(netmap.load_roster().agency_types)
    if column == "service":
        assert len(values) == 20 and "Child care" in values


def test_a_filled_template_reads_back_with_its_services_and_needs(workbook):
    wb = openpyxl.load_workbook(workbook)
    header = [c.value for c in wb["services"][1]]
    row = {
        "partner_id": "P002",
        "service": "Bus passes",  # an alias of Transportation
        "population": "Veterans;English learners",
        "capacity": 40,  # a number cell, as Excel stores one typed in
        "waitlist": "3",
        "languages": "English",
        "funding_id": "F001",
        "refers_to": "P001",
    }
    wb["services"].append([row.get(h) for h in header])
    wb["needs"].append(["Example Region", "Veterans", 310])
    wb.save(workbook)
    tables = netmap.read_workbook(workbook)
    assert tables.issues == []
    example, filled = tables["services"]
    assert (example["service_id"], example["capacity"], example["languages"]) == (
        "adult-education",
        120,
        ("English", "Spanish"),
    )
    assert (filled["service_id"], filled["population_ids"], filled["capacity"], filled["waitlist"]) == (
        "transportation",
        ("veterans", "english-learners"),
        40,
        3,
    )
    assert [(n["region"], n["population_id"], n["count"]) for n in tables["needs"]] == [
        ("Example Region", "english-learners", 2400),
        ("Example Region", "veterans", 310),
    ]
    G = netmap.build_graph(tables)
    assert sum(1 for *_, d in G.edges(data=True) if d["type"] == "PROVIDES") == 3


def test_template_readme_explains_the_services_and_needs_sheets(tmp_path):
    folder = write_template(tmp_path / "c", csv_files=True)
    text = (folder / "README.txt").read_text(encoding="utf-8")
    assert "Service list in use: Career pathway services (career-services)" in text
    assert "services.service (alternative names accepted): Outreach and recruitment;" in text
    assert "- capacity (optional): Seats or slots per year (a whole number)." in text
    assert "  needs: How many people of each population live in each region" in text


def test_template_refuses_to_overwrite_without_force(workbook):
    with pytest.raises(UsageError, match="already exists"):
        write_template(workbook.parent)
    assert write_template(workbook.parent, force=True) == workbook


def test_template_onto_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        write_template(target)
