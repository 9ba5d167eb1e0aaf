"""Tests of netmap.render.report.quality: the "Tie quality" section, the survey appendix, the caveat."""

from __future__ import annotations

import dataclasses

import pytest

from netmap.pipeline import run
from netmap.render.report import render_report_html, render_report_markdown, report_data, write_report
from tests.render.quality_workbook import AS_OF, HOSTILE, sheets
from tests.render.test_map_quality import CAVEAT, unsurveyed_sheets

GENERATED = "2026-11-24T09:00:00Z"


@pytest.fixture
def graph(make_graph):
    return make_graph(sheets())


def surveyed(G):
    """The real analysis of ``G``, its ``quality`` from the workbook's survey answers."""
    return run(G, as_of=AS_OF)


def _tables(data):
    return {t["id"]: [[c["text"] for c in row] for row in t["rows"]] for s in data["sections"] for t in s["tables"]}


def test_report_data_of_a_surveyed_map(graph):
    data = report_data(graph, surveyed(graph), generated=GENERATED)
    assert data["caveat"] == CAVEAT
    ids = [s["id"] for s in data["sections"]]
    assert ids.index("health") + 1 == ids.index("quality") == ids.index("map") - 1
    tables = _tables(data)
    assert tables["table-response-region"] == [["North", "2", "2", "0", "100%"], ["South", "2", "0", "2", "0%"]]
    # categories by name, never the analysis's ids (education, workforce-development, cbos)
    assert tables["table-response-category"] == [
        ["Education", "2", "1", "1", "50%"],
        ["Workforce Development", "1", "1", "0", "100%"],
        ["CBOs", "1", "0", "1", "0%"],
    ]
    assert tables["table-not-answered"] == [
        ["Clinic", "South", "Education"],
        ["Dental clinic", "South", "CBOs"],
    ]
    assert tables["table-reciprocity"] == [["1", "1", "50%"]]
    assert tables["table-conflicts"] == [
        ["Agency – Board", "Agency, Board", "frequency; reliability; mission support; openness"]
    ]
    # Education: A trust 3 value 2 and C trust 1 -> 2 and 2, rated by B only; the network:
    # (3 + 4 + 1) / 3 = 2.67 and value 2, from A and B
    assert tables["table-quality-categories"] == [
        ["Education", "2", "2", "1"],
        ["Workforce Development", "4", "no score", "1"],
        ["CBOs", "no score", "no score", "0"],
        ["Whole network", "2.67", "2", "2"],
    ]
    # lowest trust first; a partner with no trust score (D) is not listed; A and B rely on
    # each other weekly
    assert tables["table-quality-lowest"] == [
        ["Clinic", "Education", "1", "no score", "1", "0"],
        ["Agency", "Education", "3", "2", "1", "1"],
        ["Board", "Workforce Development", "4", "no score", "1", "1"],
    ]
    quality = next(s for s in data["sections"] if s["id"] == "quality")
    assert quality["facts"] == [
        ["Across the network", "trust 2.67 and value 2 of 4, from 2 partner(s) who rated others"]
    ]


def test_without_survey_answers_the_report_is_as_before(make_graph):
    G = make_graph(unsurveyed_sheets())
    a = run(G, as_of=AS_OF)
    assert a.quality is None
    before = report_data(G, a, generated=GENERATED)
    assert before["caveat"] is None
    assert "quality" not in [s["id"] for s in before["sections"]]
    ids = {t["id"] for s in before["sections"] for t in s["tables"]}
    assert not ids & {"table-response-region", "table-reciprocity", "table-quality-lowest"}


def test_an_analysis_without_quality_reports_no_survey(graph):
    data = report_data(graph, dataclasses.replace(surveyed(graph), quality=None), generated=GENERATED)
    assert data["caveat"] is None
    assert "quality" not in [s["id"] for s in data["sections"]]


def test_html_and_markdown_show_the_caveat_and_the_appendix_numbers(graph):
    a = surveyed(graph)
    page = render_report_html(graph, a, generated=GENERATED, map=False)
    assert f'<p class="caveat" id="report-caveat" role="note"><strong>Caveat:</strong> {CAVEAT}</p>' in page
    assert page.index("report-caveat") < page.index('id="summary"')
    for table in ("table-response-region", "table-not-answered", "table-reciprocity", "table-conflicts"):
        assert f'id="{table}"' in page
    assert 'id="quality"' in page and "Tie quality" in page
    text = render_report_markdown(graph, a, generated=GENERATED)
    head = text.split("## 1.")[0]
    assert f"**Caveat:** {CAVEAT}" in head
    assert "| South | 2 | 0 | 2 | 0% |" in text
    assert "| 1 | 1 | 50% |" in text
    assert "| Clinic | South | Education |" in text
    assert "| Education | 2 | 2 | 1 |" in text
    assert "Tie quality" in text


def test_a_hostile_name_is_text_in_the_report(make_graph, tmp_path, open_page):
    G = make_graph(sheets(HOSTILE))
    a = surveyed(G)
    text = render_report_markdown(G, a, generated=GENERATED)
    assert HOSTILE not in text
    out = write_report(G, a, tmp_path / "report.html", generated=GENERATED)
    assert HOSTILE not in out.read_text(encoding="utf-8")
    page = open_page(out)
    shown = page.js("document.getElementById('table-not-answered').innerText")
    assert HOSTILE in shown
    assert HOSTILE in page.js("document.getElementById('not-answered').innerText")  # the embedded map's panel
    assert page.js("document.querySelectorAll('img').length") == 0
    assert page.dialogs == []
    assert page.messages == []
