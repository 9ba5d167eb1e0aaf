"""A returned intake form read back (netmap.ingest.form), as a partner would fill it in.

Forms are written for the bundled Tucson example (netmap.export.survey), filled with openpyxl
cell by cell on the form's own sheets, and read with netmap.read_workbook and the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.export.survey import write_forms
from netmap.model import SCORES
from tests.conftest import libreoffice_convert

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tucson-behavioral-health"
runner = CliRunner()
TIE_KEYS = ("source_id", "target_id", "reported_by", "kind", "frequency", *SCORES)


@pytest.fixture(scope="module")
def blank_forms(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forms")
    return {p.stem.removeprefix("intake-"): p for p in write_forms(netmap.read_graph(EXAMPLE), folder)}


def fill(blank: Path, to: Path, *, partners=None, roles=None, about=None, sheets=None) -> Path:
    """Fill a copy of a blank form as a partner would: answers by partner id, role name, column."""
    wb = openpyxl.load_workbook(blank)
    for sheet, key_column, answers in (("Partners", "id", partners), ("Roles", "role", roles)):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            given = (answers or {}).get(row[header.index(key_column)].value)
            for column, value in (given or {}).items():
                row[header.index(column)].value = value
    about_ws = wb["About you"]
    header = [c.value for c in about_ws[1]]
    for column, value in (about or {}).items():
        about_ws.cell(row=2, column=header.index(column) + 1).value = value
    for (sheet, cell), value in (sheets or {}).items():
        wb[sheet][cell] = value
    wb.save(to)
    return to


def row_of(blank: Path, sheet: str, key: str) -> int:
    ws = openpyxl.load_workbook(blank)[sheet]
    return next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == key)


def first_empty(blank: Path, sheet: str) -> int:
    return openpyxl.load_workbook(blank)[sheet].max_row + 1


def ties(tables):
    return [tuple(t[k] for k in TIE_KEYS) for t in tables["ties"]]


TIC_ANSWERS = {
    "PCC": {"works_together": "yes", "kind": "collaboration", "frequency": "weekly"}
    | dict(zip(SCORES, (4, 4, 3, 3, 4, 2), strict=True)),
    "PCOS": {"works_together": "yes", "kind": "referral", "frequency": "monthly", "reliability": 3},
    "SFP": {"works_together": "no"},
}  # fmt: skip


def test_two_filled_forms_read_back_as_ties_roles_and_responses(blank_forms, tmp_path):
    tic = fill(
        blank_forms["TIC"],
        tmp_path / "intake-TIC.xlsx",
        partners=TIC_ANSWERS,
        roles={"Coordinate the partnership (intermediary)": {"plays": "lead"}, "Assess skills": {"plays": None}},
        about={"answered_on": "2026-11-30"},
    )
    pcc = fill(
        blank_forms["PCC"],
        tmp_path / "intake-PCC.xlsx",
        partners={"TIC": {"works_together": "Yes", "frequency": "monthly", "reliability": 3, "openness": "4"}},
        about={"name": "Pima Community College District"},
    )
    # No date written on PCC's form: the day the file was last saved.
    saved = dt.datetime(2026, 12, 1, 12, 0).timestamp()
    os.utime(pcc, (saved, saved))

    got = netmap.read_workbook(tic)
    assert got.ok and got.issues == []
    # In the order of the Partners sheet (region, then category: education before workforce).
    assert ties(got) == [
        ("TIC", "PCC", "TIC", "collaboration", "weekly", 4, 4, 3, 3, 4, 2),
        ("TIC", "PCOS", "TIC", "referral", "monthly", 3, None, None, None, None, None),
    ]
    assert [(r["partner_id"], r["answered_on"], r["form"]) for r in got["responses"]] == [
        ("TIC", dt.date(2026, 11, 30), "intake-TIC.xlsx")
    ]
    roles = {r["role"]: r["lead"] for r in got["roles"]}
    assert roles["Coordinate the partnership (intermediary)"] == "lead"
    assert "Assess skills" not in roles  # cleared: no longer played
    assert roles["Recruit and make referrals"] is None  # played, lead or support not said
    # Every other active partner is listed, so the answers' references resolve.
    assert len(got["partners"]) == 14 and got["partners"][0]["id"] == "TIC"

    other = netmap.read_workbook(pcc)
    assert other.ok, other.issues
    assert ties(other) == [("PCC", "TIC", "PCC", None, "monthly", 3, None, 4, None, None, None)]
    assert other["partners"][0]["name"] == "Pima Community College District"
    assert [(r["partner_id"], r["answered_on"], r["form"]) for r in other["responses"]] == [
        ("PCC", dt.date(2026, 12, 1), "intake-PCC.xlsx")
    ]
    # The graph carries them as the survey's answers.
    G = netmap.build_graph(got)
    assert sorted(
        (G.nodes[u]["id"], G.nodes[v]["id"], d["reported_by"], d.get("frequency"))
        for u, v, d in G.edges(data=True)
        if d.get("type") == "TIED_TO"
    ) == [("TIC", "PCC", "TIC", "weekly"), ("TIC", "PCOS", "TIC", "monthly")]


def test_an_unanswered_form_reads_as_the_map_said(blank_forms):
    got = netmap.read_workbook(blank_forms["TIC"])
    assert got.ok and got.issues == []
    assert got["ties"] == [] and [r["partner_id"] for r in got["responses"]] == ["TIC"]
    assert [r["id"] for r in got["agreements"]] == ["TA01", "TA02", "TA03", "TA05"]
    assert {r["recipient_id"] for r in got["funding"]} == {"TIC"}


def test_a_bad_answer_is_located_on_the_forms_cell(blank_forms, tmp_path):
    form = fill(
        blank_forms["TIC"],
        tmp_path / "bad.xlsx",
        partners={
            "PCC": {"works_together": "yes", "reliability": 5},
            "SFP": {"involvement": 2, "frequency": "weekly"},
            "DBH": {"works_together": "maybe"},
        },
        roles={"Engage employers": {"plays": "boss"}},
    )
    got = netmap.read_workbook(form)
    found = {(i.code, i.severity, i.sheet, i.row, i.column) for i in got.issues}
    assert found == {
        ("out-of-range", "error", "Partners", row_of(form, "Partners", "PCC"), "reliability"),
        ("form-scores-without-tie", "warning", "Partners", row_of(form, "Partners", "SFP"), "works_together"),
        ("invalid-boolean", "error", "Partners", row_of(form, "Partners", "DBH"), "works_together"),
        ("invalid-choice", "error", "Roles", row_of(form, "Roles", "Engage employers"), "plays"),
    }
    warning = next(i for i in got.issues if i.code == "form-scores-without-tie")
    assert "frequency, involvement answered for SFP" in warning.message


def test_an_agreement_and_an_award_added_without_an_id_get_one(blank_forms, tmp_path):
    agreement, award = first_empty(blank_forms["PCC"], "Agreements"), first_empty(blank_forms["PCC"], "Funding")
    form = fill(
        blank_forms["PCC"],
        tmp_path / "add.xlsx",
        sheets={
            ("Agreements", f"B{agreement}"): "PCC;UPH",
            ("Agreements", f"C{agreement}"): "Clinical placements",
            ("Funding", f"B{award}"): "Perkins V",
            ("Funding", f"F{award}"): 12000,
        },
    )
    before = netmap.read_workbook(blank_forms["PCC"])
    assert (len(before["agreements"]), len(before["funding"])) == (agreement - 2, award - 2)
    got = netmap.read_workbook(form)
    assert got.ok, got.issues
    assert [(a["id"], a["parties"]) for a in got["agreements"]][-1] == (f"PCC-A{agreement - 1}", ("PCC", "UPH"))
    assert [(f["id"], f["stream"], f["recipient_id"], f["amount"]) for f in got["funding"]][-1] == (
        f"PCC-F{award - 1}",
        "Perkins V",
        "PCC",
        12000,
    )


def test_validate_and_survey_from_the_command_line(tmp_path):
    out = tmp_path / "forms"
    made = runner.invoke(app, ["survey", str(EXAMPLE), "-o", str(out), "--partner", "TIC", "--partner", "PCC"])
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in out.iterdir()) == ["intake-PCC.xlsx", "intake-TIC.xlsx"]
    assert f"wrote {out / 'intake-TIC.xlsx'}" in made.output
    again = runner.invoke(app, ["survey", str(EXAMPLE), "-o", str(out), "--partner", "TIC"])
    assert again.exit_code == 2 and "--force" in again.output
    unknown = runner.invoke(app, ["survey", str(EXAMPLE), "-o", str(out), "--partner", "TIX"])
    assert unknown.exit_code == 2 and "nearest: TIC" in unknown.output
    answers = {"PCC": {"openness": 3}, "PCOS": {"works_together": "yes", "openness": 9}}
    filled = fill(out / "intake-TIC.xlsx", tmp_path / "intake-TIC.xlsx", partners=answers)
    checked = runner.invoke(app, ["validate", str(filled), "--json"])
    assert checked.exit_code == 1
    found = {(i["code"], i["sheet"], i["column"]) for i in json.loads(checked.output)["issues"]}
    assert found == {
        ("form-scores-without-tie", "Partners", "works_together"),
        ("out-of-range", "Partners", "openness"),
    }
    everyone = runner.invoke(app, ["survey", str(EXAMPLE), "-o", str(tmp_path / "all")])
    assert everyone.exit_code == 0 and "14 form(s)" in everyone.output


def test_a_form_saved_by_libreoffice_reads_back_the_same(blank_forms, tmp_path):
    form = fill(
        blank_forms["TIC"],
        tmp_path / "intake-TIC.xlsx",
        partners=TIC_ANSWERS,
        roles={"Coordinate the partnership (intermediary)": {"plays": "lead"}},
        about={"answered_on": "2026-11-30", "name": "Tucson Indian Center (Tohono O’odham)"},
    )
    (saved,) = libreoffice_convert([form], tmp_path / "lo", "xlsx", profile=tmp_path / "profile")
    before, after = netmap.read_workbook(form), netmap.read_workbook(saved)
    assert after.ok and after.issues == []
    assert ties(after) == ties(before) and len(ties(after)) == 2
    assert after["roles"] == before["roles"]
    assert after["partners"] == before["partners"]
    assert after["partners"][0]["name"] == "Tucson Indian Center (Tohono O’odham)"
    assert [r["answered_on"] for r in after["responses"]] == [dt.date(2026, 11, 30)]


def test_rows_named_in_a_message_are_the_forms_rows(blank_forms, tmp_path):
    first = first_empty(blank_forms["TIC"], "Services")
    form = fill(
        blank_forms["TIC"],
        tmp_path / "rows.xlsx",
        about={"agency_type": "Comunity colege"},
        sheets={
            ("Services", f"A{first}"): "Emergency assistance and referrals",
            ("Services", f"B{first}"): "Low-income adults",
            ("Services", f"E{first}"): 5,
        },
    )
    issues = netmap.read_workbook(form).issues
    bad = next(i for i in issues if i.code == "unknown-agency-type")
    assert (bad.sheet, bad.row, bad.column) == ("About you", 2, "agency_type")
    rejected = next(i for i in issues if i.code == "refers-to-rejected-partner" and i.sheet == "Agreements")
    assert "(About you row 2)" in rejected.message
    twice = next(i for i in issues if i.code == "conflicting-rows" and i.row == first)
    assert twice.sheet == "Services" and f"this row and Services row {first - 1} are both" in twice.message
