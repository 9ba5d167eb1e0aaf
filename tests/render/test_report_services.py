"""The report's service inventory section (HTML and Markdown), shown only with services rows."""

from __future__ import annotations

import datetime as dt
import re

import netmap
from netmap.pipeline import run
from netmap.render.report import render_report_html, render_report_markdown, report_data
from tests.analysis.test_services import graph
from tests.conftest import write_csv_workbook
from tests.test_cli_services import PARTNERS, SERVICES

DAY = "2026-12-07"


def _section(data, section_id):
    return next((s for s in data["sections"] if s["id"] == section_id), None)


def test_the_section_is_there_only_with_services_rows(tmp_path):
    bare = netmap.read_graph(write_csv_workbook(tmp_path / "bare", {"partners": PARTNERS}))
    assert _section(report_data(bare, run(bare, as_of=DAY), generated="x"), "services") is None
    full = netmap.read_graph(write_csv_workbook(tmp_path / "full", {"partners": PARTNERS, "services": SERVICES}))
    data = report_data(full, run(full, as_of=DAY), generated="x")
    ids = [s["id"] for s in data["sections"]]
    assert ids.index("funding") + 1 == ids.index("services")  # after funding
    section = _section(data, "services")
    tables = {t["id"]: t for t in section["tables"]}
    assert sorted(tables) == ["table-referral-paths", "table-service-coverage", "table-service-deserts"]
    rows = [[c["text"] for c in row] for row in tables["table-service-coverage"]["rows"]]
    assert ["North", "Occupational training", "Youth", "Beta College; Delta College; Gamma College"] == rows[1][:4]
    assert rows[1][4] == "3 providers: coordinate"
    paths = [[c["text"] for c in row] for row in tables["table-referral-paths"]["rows"]]
    assert ["North", "Skills and career assessment", "Occupational training", "pathway Career pathway"] in [
        p[:4] for p in paths if p[4] == "✗ no referral path"
    ]


def test_markdown_and_html_show_it(tmp_path):
    full = netmap.read_graph(write_csv_workbook(tmp_path / "full", {"partners": PARTNERS, "services": SERVICES}))
    a = run(full, as_of=DAY)
    md = render_report_markdown(full, a, generated="x")
    assert re.search(r"^## \d+\. Service inventory$", md, re.M) and "✗ no referral path" in md
    html = render_report_html(full, a, generated="x")
    assert 'id="services"' in html and "table-service-deserts" in html


def test_capacity_and_funding_tables_from_a_hand_made_graph():
    G = graph(
        [("A", "training", "youth", {"capacity": 40, "waitlist": 12, "funding_id": "F1"})],
        awards=[("F1", "wioa", "A", dt.date(2028, 6, 30))],
        needs=[{"region": "North", "population": "youth", "count": 8000}],
    )
    data = report_data(G, run(G, as_of=DAY), generated="x")
    tables = {t["id"]: t for t in _section(data, "services")["tables"]}
    assert [[c["text"] for c in r] for r in tables["table-service-capacity"]["rows"]] == [
        ["North", "Youth", "40", "12", "5"]
    ]
    assert [[c["text"] for c in r] for r in tables["table-service-funding"]["rows"]] == [
        ["Occupational training", "WIOA", "PA", ""]
    ]
