"""Partner intake forms as written (netmap.export.survey); reading them back is tests/ingest/test_form.py.

A small hand-made map: A and B in North (a college and a job center), C in South, D with no
region, E a former partner (no form, not listed), and the bundled Tucson example.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest

import netmap
from netmap.errors import UsageError
from netmap.export.survey import PARTNER_COLUMNS, form_names, write_forms
from netmap.model import FORM_MARKER, SCORES
from netmap.roster import load_roster
from tests.conftest import write_csv_workbook

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tucson-behavioral-health"
PARTNERS = [
    ["id", "name", "agency_type", "region", "status"],
    ["A", "Alpha College", "CC", "North", ""],
    ["B", "Beta Job Center", "AJC", "North", ""],
    ["C", "Gamma College", "CC", "South", "active"],
    ["D", "Delta Works", "AJC", "", ""],
    ["E", "Echo Gone", "CC", "North", "former"],
]
ROLES = [["partner_id", "role", "lead", "notes"], ["A", "Engage employers", "lead", "Employer council"]]
SERVICES = [["partner_id", "service", "population"], ["A", "Job training", "Youth"], ["B", "Job placement", "Adults"]]
TIES = [["source_id", "target_id", "kind"], ["A", "B", "referral"]]
AGREEMENTS = [["id", "parties", "title"], ["M1", "A;B", "Referral MOU"], ["M2", "B;C", "Other MOU"]]
FUNDING = [["id", "stream", "recipient_id", "amount"], ["F1", "WIOA", "A", "1000"], ["F2", "Perkins", "C", "5"]]


@pytest.fixture
def source(tmp_path):
    sheets = {
        "partners": PARTNERS,
        "roles": ROLES,
        "services": SERVICES,
        "ties": TIES,
        "agreements": AGREEMENTS,
        "funding": FUNDING,
    }
    return write_csv_workbook(tmp_path / "map", sheets)


def values(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_a_form_per_active_partner_with_its_sheets(source, tmp_path):
    paths = write_forms(netmap.read_graph(source), tmp_path / "forms")
    assert [p.name for p in paths] == ["intake-A.xlsx", "intake-B.xlsx", "intake-C.xlsx", "intake-D.xlsx"]
    wb = openpyxl.load_workbook(paths[0])
    assert wb.sheetnames == [
        "README", "About you", "Services", "Roles", "Partners", "Agreements", "Funding", "lists", "netmap-form",
    ]  # fmt: skip
    assert [wb[s].sheet_state for s in wb.sheetnames][-2:] == ["hidden", "hidden"]
    assert values(wb["netmap-form"]) == [
        [FORM_MARKER, "value"],
        ["partner_id", "A"],
        ["map", "map"],
        ["form_version", 1],
    ]
    about = values(wb["About you"])
    assert about[1][:5] == ["A", "Alpha College", "CC", None, "North"]
    assert values(wb["Services"])[1:] == [["Job training", "Youth", *([None] * 7)]]
    # Those it is party to, those it receives.
    assert [r[0] for r in values(wb["Agreements"])[1:]] == ["M1"]
    assert [r[:3] for r in values(wb["Funding"])[1:]] == [["F1", "WIOA", None]]


def test_partners_sheet_lists_the_others_by_region_then_category_and_asks_only(source, tmp_path):
    (path,) = write_forms(netmap.read_graph(source), tmp_path / "forms", partners=["A"])
    roster = load_roster()
    cc, ajc = (roster.categories[roster.match_agency_type(t).category].name for t in ("CC", "AJC"))
    rows = values(openpyxl.load_workbook(path)["Partners"])
    assert rows[0] == list(PARTNER_COLUMNS)
    # North, then South, then no region; the former partner E is not asked about.
    assert [r[:6] for r in rows[1:]] == [
        ["B", "Beta Job Center", "AJC", "North", ajc, "referral"],
        ["C", "Gamma College", "CC", "South", cc, None],
        ["D", "Delta Works", "AJC", None, ajc, None],
    ]
    # Nothing about the relationship is pre-filled, only what the map records (on_the_map).
    assert all(v is None for r in rows[1:] for v in r[6:])


def test_drop_downs_refer_to_the_hidden_lists_sheet(source, tmp_path):
    (path,) = write_forms(netmap.read_graph(source), tmp_path / "forms", partners=["A"])
    wb = openpyxl.load_workbook(path)
    ws = wb["Partners"]
    letter = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(PARTNER_COLUMNS)}
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    lists_sheet = values(wb["lists"])
    for column, name in [("works_together", "yes/no"), ("frequency", "frequency"), ("reliability", "score")]:
        formula = lists[f"{letter[column]}2:{letter[column]}4"]
        col = lists_sheet[0].index(name)
        got = [r[col] for r in lists_sheet[1:] if r[col] is not None]
        assert formula.startswith("lists!$") and len(got) == int(re.findall(r"\d+$", formula)[0]) - 1
    assert [r[lists_sheet[0].index("score")] for r in lists_sheet[1:5]] == [1, 2, 3, 4]
    assert ws.freeze_panes == "C2"


def test_roles_sheet_is_the_whole_chart_with_the_partners_own_answers(source, tmp_path):
    (path,) = write_forms(netmap.read_graph(source), tmp_path / "forms", partners=["A"])
    rows = values(openpyxl.load_workbook(path)["Roles"])
    chart = [r.name for r in load_roster().roles.values() if r.in_chart]
    assert [r[0] for r in rows[1:]] == chart
    assert [r for r in rows[1:] if r[1]] == [["Engage employers", "lead", "Employer council"]]


def test_no_contact_data_in_any_form_of_the_example(tmp_path):
    with open(EXAMPLE / "contacts.csv", encoding="utf-8") as handle:
        contacts = list(csv.DictReader(handle))
    secrets = {c[k] for c in contacts for k in ("email", "phone", "name") if c[k]}
    assert len(secrets) > 20
    paths = write_forms(netmap.read_graph(EXAMPLE), tmp_path / "forms")
    assert len(paths) == 14
    for path in paths:
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    text = str(value or "")
                    assert not any(s in text for s in secrets), (path.name, ws.title, text)
                    assert "@" not in text, (path.name, ws.title, text)


def test_a_formula_like_partner_name_stays_text(tmp_path):
    name = '=HYPERLINK("http://x","y")'
    partners = [["id", "name", "agency_type"], ["A", "Alpha", "CC"], ["B", name, "AJC"]]
    G = netmap.read_graph(write_csv_workbook(tmp_path / "m", {"partners": partners}))
    a, b = write_forms(G, tmp_path / "forms")
    cell = openpyxl.load_workbook(a)["Partners"]["B2"]
    assert (cell.value, cell.data_type) == (name, "s")
    cell = openpyxl.load_workbook(b)["About you"]["B2"]
    assert (cell.value, cell.data_type) == (name, "s")
    first = openpyxl.load_workbook(b)["README"]["A1"]
    assert first.data_type == "s" and first.value.startswith("Partner intake form for =HYPERLINK")


def test_the_same_map_gives_the_same_bytes(tmp_path):
    G = netmap.read_graph(EXAMPLE)
    one = write_forms(G, tmp_path / "one")
    two = write_forms(netmap.read_graph(EXAMPLE), tmp_path / "two")
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
    props = openpyxl.load_workbook(one[0]).properties
    assert (props.created.year, props.modified.year) == (2000, 2000)


@pytest.mark.parametrize(
    ("ids", "names"),
    [
        (["P001", "P002"], ["intake-P001.xlsx", "intake-P002.xlsx"]),
        (["a/b", "A:B", "a b"], ["intake-a-b.xlsx", "intake-A-B-2.xlsx", "intake-a-b-3.xlsx"]),
        (["CON", "..", "é"], ["intake-CON_.xlsx", "intake-partner.xlsx", "intake-partner-2.xlsx"]),
    ],
)
def test_form_names_are_safe_and_distinct(ids, names):
    assert form_names(ids) == names


def test_an_unknown_or_former_partner_is_a_usage_error(source, tmp_path):
    G = netmap.read_graph(source)
    with pytest.raises(UsageError, match=r"--partner Q: no active partner has this id"):
        write_forms(G, tmp_path / "f", partners=["Q"])
    with pytest.raises(UsageError, match=r"--partner E: .*"):
        write_forms(G, tmp_path / "f", partners=["E"])
    assert not (tmp_path / "f").exists()


def test_a_form_already_there_is_replaced_only_with_force(source, tmp_path):
    G = netmap.read_graph(source)
    write_forms(G, tmp_path / "f", partners=["A"])
    with pytest.raises(UsageError, match="--force"):
        write_forms(G, tmp_path / "f", partners=["A"])
    assert len(write_forms(G, tmp_path / "f", partners=["A"], force=True)) == 1


def test_scores_columns_follow_the_model():
    assert PARTNER_COLUMNS[9:15] == SCORES
