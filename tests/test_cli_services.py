"""``netmap services`` end to end (a workbook with the old services columns), and its rendering."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from rich.console import Console
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.pipeline import run as analyse
from netmap.render.services import render_services
from tests.analysis.test_services import graph
from tests.conftest import EXAMPLES, write_csv_workbook

runner = CliRunner()
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
    ["partner_id", "service", "population"],
    ["A", "Skills assessment", "Youth"],
    ["B", "Job training", "Youth"],
    ["C", "Job training", "Youth"],
    ["D", "Job training", "Youth"],
    ["E", "Job placement", "Adults"],
]


def cli(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def workbook(tmp_path):
    def make(ties=()):
        sheets = {"partners": PARTNERS, "services": SERVICES}
        if ties:
            sheets["ties"] = [["source_id", "target_id", "kind"], *ties]
        return write_csv_workbook(tmp_path / f"map{len(ties)}", sheets)

    return make


def test_json_has_the_inventory_and_its_findings(workbook):
    result = cli("services", workbook(), "--as-of", DAY, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"regions", "deserts", "fragile", "duplicated", "pathways", "missing_referrals", "findings"} <= set(doc)
    north = doc["regions"][0]
    assert north["region"] == "North"
    cells = {(c["service"], c["population_name"]): [p["id"] for p in c["providers"]] for c in north["cells"]}
    assert cells == {("assessment", "Youth"): ["A"], ("training", "Youth"): ["B", "D", "C"]}  # by name
    assert [(p["from"], p["to"], p["region"]) for p in doc["missing_referrals"]] == [
        ("assessment", "training", "North")
    ]
    codes = {f["code"] for f in doc["findings"]}
    assert codes == {"service-desert", "referral-path-missing", "service-fragile", "service-duplicated"}


def test_a_referral_tie_closes_the_path(workbook):
    doc = json.loads(cli("services", workbook([["A", "C", "referral"]]), "--as-of", DAY, "--json").stdout)
    assert doc["missing_referrals"] == []
    assert "referral-path-missing" not in {f["code"] for f in doc["findings"]}


def test_the_terminal_view_names_regions_deserts_and_broken_paths(workbook):
    result = cli("services", workbook(), "--as-of", DAY, "--region", "north")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "North" in out and "South" not in out.split("Headline findings")[-1].split("North", 1)[-1]
    assert "no referral path: Skills and career assessment -> Occupational training (pathway Career pathway)" in out
    assert "Youth: Beta College, Delta College, Gamma College  [3 providers: coordinate]" in out
    assert "Deserts (needed, offered by no one here):" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--region", "West"), 2, "no region 'West'"),
        (("--as-of", "someday"), 2, "is not a date"),
    ],
)
def test_bad_options_are_one_clear_line(workbook, args, code, message):
    result = cli("services", workbook(), *args)
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output


def test_a_map_without_services_says_so(tmp_path):
    folder = write_csv_workbook(tmp_path / "bare", {"partners": PARTNERS})
    result = cli("services", folder, "--as-of", DAY)
    assert result.exit_code == 0 and "No services rows" in result.stdout
    doc = json.loads(cli("services", folder, "--as-of", DAY, "--json").stdout)
    assert doc["regions"] == [] and doc["findings"] == []


@pytest.mark.parametrize("example", ["tucson-behavioral-health", "four-state-coalitions", "oregon-pathways-alliance"])
def test_the_examples(example):
    result = cli("services", EXAMPLES / example, "--as-of", "2026-11-24", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["regions"]


def test_eighty_columns_wrap_at_spaces_with_capacity_and_funding():
    import datetime as dt

    G = graph(
        [
            ("A", "training", "youth", {"capacity": 40, "waitlist": 12, "funding_id": "F1"}),
            ("B", "assessment", "youth", {"capacity": 25}),
            ("C", "child-care", "youth", {}),
        ],
        awards=[("F1", "wioa", "A", dt.date(2028, 6, 30))],
        needs=[{"region": "North", "population": "youth", "count": 8000}],
    )
    a = analyse(G, as_of=DAY)
    out = StringIO()
    render_services(Console(file=out, width=80), a.services.to_dict(), a.findings)
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "    Youth: 65 seats, 12 waiting, 8.1 per 1,000 of 8,000" in text
    assert "  Occupational training: WIOA  [one stream]" in text
    assert "no referral path: Skills and career assessment -> Occupational training" in text
    # Words are wrapped whole: every service name of the taxonomy printed appears unbroken.
    assert "Financial coaching" in text and "Transportation" in text


def test_the_inventory_is_part_of_the_analysis_only_with_services_rows(tmp_path):
    bare = netmap.read_graph(write_csv_workbook(tmp_path / "bare", {"partners": PARTNERS}))
    assert analyse(bare, as_of=DAY).services is None
    assert "services" not in analyse(bare, as_of=DAY).to_dict()
    full = netmap.read_graph(write_csv_workbook(tmp_path / "full", {"partners": PARTNERS, "services": SERVICES}))
    assert analyse(full, as_of=DAY).to_dict()["services"]["regions"][0]["region"] == "North"
