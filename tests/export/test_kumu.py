"""Tests of netmap.export.kumu: the Elements and Connections sheets Kumu's spreadsheet import takes.

The workbooks are read back with openpyxl, pandas and (when installed) LibreOffice, and
compared with rows written out by hand from the small maps here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.errors import UsageError
from netmap.export.kumu import write_kumu
from netmap.pipeline import run
from tests.conftest import EXAMPLES, libreoffice_convert, write_csv_workbook

AS_OF = "2026-11-24"
runner = CliRunner()

# Kumu's documented columns: Label (or ID, then Label) first on an elements sheet, From and
# To first (after an ID) on a connections sheet; Type, Description, Tags are its core fields.
ELEMENTS_HEAD = ["ID", "Label", "Type", "Description", "Tags"]
CONNECTIONS_HEAD = ["ID", "From", "To", "Type"]

PARTNERS = [
    ["id", "name", "agency_type", "level", "region", "team", "notes"],
    ["A", "=1+1 Works", "CC", "local", "Pima", "leadership", "Runs the bridge program"],
    ["B", "Hub Board", "American Job Center", "local", "Pima", "leadership", ""],
    ["C", "Northside Center", "CBO", "local", "Pima", "stakeholder", ""],
    ["D", "Northside Center", "CBO", "local", "Pima", "stakeholder", ""],
]
TIES_HEAD = ["source_id", "target_id", "kind", "strength", "directed", "notes"]


def star(folder: Path, *, ties=None, agreements=None) -> Path:
    """A star around B (the one cut point): A -> B (directed referral), B - C, and B, D in one MOU.

    C and D share a name; A's name would be a formula in a spreadsheet; A has a contact.
    """
    return write_csv_workbook(
        folder,
        {
            "partners": PARTNERS,
            "roles": [["partner_id", "role"], ["B", "Design programs"]],
            "ties": [
                TIES_HEAD,
                *(
                    ties
                    or [
                        ["A", "B", "referral", "2", "yes", "refers adults"],
                        ["B", "C", "collaboration", "3", "no", ""],
                    ]
                ),
            ],
            "agreements": [
                ["id", "parties", "type", "signed", "expires"],
                *(agreements or [["M1", "B;D", "MOU", "2024-01-15", ""]]),
            ],
            "contacts": [
                ["partner_id", "name", "title", "email", "phone", "champion"],
                ["A", "J. Doe", "Coordinator", "j.doe@example.org", "555-0100", "yes"],
            ],
        },
    )


def export(source: Path, out: Path, **options) -> Path:
    G = netmap.read_graph(source)
    return write_kumu(G, out, analysis=run(G, as_of=AS_OF), **options)


def rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.fixture
def small(tmp_path) -> Path:
    return export(star(tmp_path / "star"), tmp_path / "star.xlsx")


def test_the_sheets_and_their_first_columns_are_kumus(small):
    wb = openpyxl.load_workbook(small)
    assert wb.sheetnames == ["Elements", "Connections", "About (ignore)"]
    assert [c.value for c in wb["Elements"][1]][:5] == ELEMENTS_HEAD
    assert [c.value for c in wb["Connections"][1]][:4] == CONNECTIONS_HEAD


def test_elements_are_the_partners_with_their_measures(small):
    keep = ["ID", "Label", "Type", "Description", "Tags", "Region", "Degree", "Betweenness", "Cut point", "Brokerage"]
    got = [{k: r[k] for k in keep} for r in rows(small, "Elements")]
    assert got == [
        {
            "ID": "A",
            "Label": "=1+1 Works",
            "Type": "Local community colleges",
            "Description": "Runs the bridge program",
            "Tags": "Education|local",
            "Region": "Pima",
            "Degree": 1,
            "Betweenness": 0,
            "Cut point": "no",
            "Brokerage": 0,
        },
        {
            "ID": "B",
            "Label": "Hub Board",
            "Type": "Local workforce agencies",
            "Description": None,
            "Tags": "Workforce Development|local|Design programs|cut point",
            "Region": "Pima",
            "Degree": 3,
            # B is on the path between each of the three pairs of A, C, D: 3 / 3.
            "Betweenness": 1,
            "Cut point": "yes",
            # Two-paths through B: A>B>C, A>B>D, C>B>D, D>B>C (A's tie is one way).
            "Brokerage": 4,
        },
        *(
            {
                "ID": pid,
                "Label": "Northside Center",
                "Type": "Local community-based organizations",
                "Description": None,
                "Tags": "CBOs|local",
                "Region": "Pima",
                "Degree": 1,
                "Betweenness": 0,
                "Cut point": "no",
                "Brokerage": 0,
            }
            for pid in "CD"
        ),
    ]


def test_connections_are_the_ties_as_analysed(small):
    keep = ["ID", "From", "To", "Type", "Direction", "Description", "Tags", "Weight", "Strength", "Agreements"]
    got = [{k: r[k] for k in keep} for r in rows(small, "Connections")]
    assert got == [
        {
            "ID": "A~B",
            "From": "A",
            "To": "B",
            "Type": "referral",
            "Direction": "directed",
            "Description": "refers adults",
            "Tags": "referral",
            "Weight": 1,
            "Strength": 2,
            "Agreements": None,
        },
        {
            "ID": "B~C",
            "From": "B",
            "To": "C",
            "Type": "collaboration",
            "Direction": "undirected",
            "Description": None,
            "Tags": "collaboration",
            "Weight": 1,
            "Strength": 3,
            "Agreements": None,
        },
        {
            "ID": "B~D",
            "From": "B",
            "To": "D",
            "Type": "agreement",
            "Direction": "undirected",
            "Description": None,
            "Tags": "agreement",
            "Weight": 1,
            "Strength": None,
            "Agreements": "M1",
        },
    ]


def test_partners_sharing_a_name_stay_two_elements(small):
    """Kumu merges elements of one Label and Type unless they have IDs: they do, and ties use them."""
    elements = rows(small, "Elements")
    shared = [e["ID"] for e in elements if e["Label"] == "Northside Center"]
    assert shared == ["C", "D"]
    ids = [e["ID"] for e in elements]
    assert len(set(ids)) == len(ids)
    assert {(c["From"], c["To"]) for c in rows(small, "Connections")} == {("A", "B"), ("B", "C"), ("B", "D")}


@pytest.mark.parametrize(
    ("name", "prefixed"),
    [("=1+1 Works", True), ("+Plus", True), ("-Minus", True), ("@At", True), ("Plain = fine", False)],
)
def test_text_is_never_a_formula(tmp_path, name, prefixed):
    partners = [PARTNERS[0], [*PARTNERS[1][:1], name, *PARTNERS[1][2:]], *PARTNERS[2:]]
    source = star(tmp_path / "star")
    write_csv_workbook(source, {"partners": partners})
    ws = openpyxl.load_workbook(export(source, tmp_path / "k.xlsx"))["Elements"]
    cell = ws["B2"]
    assert (cell.value, cell.data_type, bool(cell.quotePrefix)) == (name, "s", prefixed)
    with zipfile.ZipFile(tmp_path / "k.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_contacts_are_left_out_unless_asked_for(tmp_path, small):
    with zipfile.ZipFile(small) as z:
        text = b"".join(z.read(n) for n in z.namelist())
    assert b"J. Doe" not in text and b"j.doe@example.org" not in text and b"555-0100" not in text
    about = openpyxl.load_workbook(small)["About (ignore)"]
    assert "Contacts (personal data): left out" in [r[0] for r in about.iter_rows(values_only=True)]

    both = export(star(tmp_path / "star"), tmp_path / "with.xlsx", include_contacts=True)
    person = [e for e in rows(both, "Elements") if e["Type"] == "Person"]
    assert [(p["Label"], p["Title"], p["Email"], p["Phone"], p["Champion"]) for p in person] == [
        ("J. Doe", "Coordinator", "j.doe@example.org", "555-0100", "yes")
    ]
    works = [c for c in rows(both, "Connections") if c["Type"] == "works at"]
    assert [(w["From"], w["To"], w["Direction"]) for w in works] == [(person[0]["ID"], "A", "directed")]


@pytest.mark.parametrize(
    ("ties", "expected"),
    [
        ([["A", "B", "referral", "", "yes", ""]], ("A", "B", "directed")),
        ([["B", "A", "referral", "", "yes", ""]], ("B", "A", "directed")),
        ([["A", "B", "referral", "", "yes", ""], ["B", "A", "referral", "", "yes", ""]], ("A", "B", "mutual")),
        ([["A", "B", "referral", "", "yes", ""], ["A", "B", "advisory", "", "no", ""]], ("A", "B", "undirected")),
    ],
)
def test_direction_is_as_the_brokerage_reads_the_ties(tmp_path, ties, expected):
    out = export(star(tmp_path / "star", ties=ties), tmp_path / "k.xlsx")
    got = [(c["From"], c["To"], c["Direction"]) for c in rows(out, "Connections") if "A" in (c["From"], c["To"])]
    assert got == [expected]


@pytest.mark.parametrize(("expires", "tied"), [("", True), ("2026-12-31", True), ("2025-06-30", False)])
def test_only_ties_current_on_the_day_are_connections(tmp_path, expires, tied):
    source = star(tmp_path / "star", agreements=[["M1", "B;D", "MOU", "2024-01-15", expires]])
    out = export(source, tmp_path / "k.xlsx")
    assert (("B", "D") in {(c["From"], c["To"]) for c in rows(out, "Connections")}) is tied
    assert [e["ID"] for e in rows(out, "Elements")] == ["A", "B", "C", "D"]


def test_the_oregon_example_reads_back_with_kumus_headers(tmp_path):
    source = EXAMPLES / "oregon-pathways-alliance"
    out = export(source, tmp_path / "oregon.xlsx")
    elements = pd.read_excel(out, sheet_name="Elements", dtype=str, keep_default_na=False)
    connections = pd.read_excel(out, sheet_name="Connections", dtype=str, keep_default_na=False)
    assert list(elements.columns[:5]) == ELEMENTS_HEAD and list(connections.columns[:4]) == CONNECTIONS_HEAD
    G = netmap.read_graph(source)
    partners = [d for _, d in G.nodes(data=True) if d.get("label") == "Partner"]
    active = [d["id"] for d in partners if d.get("status") in (None, "active")]
    assert sorted(elements["ID"]) == sorted(active)
    assert elements["ID"].is_unique and connections["ID"].is_unique
    assert set(connections["From"]) | set(connections["To"]) <= set(elements["ID"])
    assert set(connections["Direction"]) <= {"directed", "undirected", "mutual"}
    assert all(tag and "||" not in tag for tag in elements["Tags"])
    # The numbers are those of the one analysis of the run.
    analysis = run(G, as_of=AS_OF)
    top = analysis.brokers.rows[0]
    row = elements.set_index("ID").loc[top["id"]]
    assert float(row["Betweenness"]) == pytest.approx(top["betweenness"])
    assert row["Cut point"] == ("yes" if top["articulation_point"] else "no")


def test_the_cli_writes_the_kumu_workbook(tmp_path):
    source = str(EXAMPLES / "oregon-pathways-alliance")
    out = tmp_path / "new" / "map.xlsx"
    args = ["export", source, "--format", "kumu", "-o", str(out), "--as-of", AS_OF]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output.replace("\n", "")
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["Elements", "Connections"]
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    csv = runner.invoke(app, ["export", source, "--format", "kumu", "-o", str(tmp_path / "map.csv")])
    assert csv.exit_code == 2 and ".xlsx" in csv.output and "Traceback" not in csv.output


def test_an_input_is_never_written_over(tmp_path):
    source = star(tmp_path / "star")
    G = netmap.read_graph(source)
    with pytest.raises(UsageError):
        write_kumu(G, source / "partners.xlsx", analysis=run(G, as_of=AS_OF), inputs=[("SOURCE", source)])


def test_libreoffice_reads_the_workbook_as_written(tmp_path, small):
    out = tmp_path / "lo"
    (saved,) = libreoffice_convert([small], out, "xlsx", profile=tmp_path / "lo-profile")
    assert rows(saved, "Elements") == rows(small, "Elements")
    assert rows(saved, "Connections") == rows(small, "Connections")
    assert openpyxl.load_workbook(saved)["Elements"]["B2"].data_type == "s"
