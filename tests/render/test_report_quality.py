"""Tests of netmap.render.report.quality: the "Tie quality" section, the survey appendix, the caveat."""

from __future__ import annotations

import pytest

from netmap.pipeline import run
from netmap.render.report import render_report_html, render_report_markdown, report_data, write_report
from tests.render.quality_standin import AS_OF, HOSTILE, quality_dict, sheets, surveyed

GENERATED = "2026-11-24T09:00:00Z"


@pytest.fixture
def graph(make_graph):
    return make_graph(sheets())


def _tables(data):
    return {t["id"]: [[c["text"] for c in row] for row in t["rows"]] for s in data["sections"] for t in s["tables"]}


def test_report_data_of_a_surveyed_map(graph):
    data = report_data(graph, surveyed(graph), generated=GENERATED)
    assert data["caveat"] == quality_dict()["caveat"]
    ids = [s["id"] for s in data["sections"]]
    assert ids.index("health") + 1 == ids.index("quality") == ids.index("map") - 1
    tables = _tables(data)
    assert tables["table-response-region"] == [["North", "2", "2", "0", "100%"], ["South", "2", "0", "2", "0%"]]
    assert tables["table-response-category"] == [["(no category)", "4", "2", "2", "50%"]]
    assert tables["table-not-answered"] == [
        ["Clinic", "South", "(no category)"],
        ["Dental clinic", "South", "(no category)"],
    ]
    assert tables["table-reciprocity"] == [["1", "1", "50%"]]
    assert tables["table-conflicts"] == [["Agency – Board", "Agency, Board", "frequency"]]
    assert tables["table-quality-categories"] == [
        ["(no category)", "2.25", "2", "2"],
        ["Whole network", "2.25", "2", "2"],
    ]
    # lowest trust first; a partner with no trust score is not listed
    assert tables["table-quality-lowest"] == [
        ["Clinic", "(no category)", "1", "no score", "1", "yes"],
        ["Agency", "(no category)", "3.5", "2", "1", "no"],
    ]
    quality = next(s for s in data["sections"] if s["id"] == "quality")
    assert quality["facts"] == [
        ["Across the network", "trust 2.25 and value 2 of 4, from 2 partner(s) who rated others"]
    ]


@pytest.mark.parametrize("how", ["missing", "none", "unsurveyed"])
def test_without_survey_answers_the_report_is_as_before(graph, how):
    a = run(graph, as_of=AS_OF)
    before = report_data(graph, a, generated=GENERATED)
    other = {
        "missing": a,
        "none": surveyed(graph, {}),
        "unsurveyed": surveyed(graph, {**quality_dict(), "surveyed": False}),
    }[how]
    if how == "none":
        other.quality = None
    assert report_data(graph, other, generated=GENERATED) == before
    assert before["caveat"] is None
    assert "quality" not in [s["id"] for s in before["sections"]]


def test_html_and_markdown_show_the_caveat_and_the_appendix_numbers(graph):
    a = surveyed(graph)
    page = render_report_html(graph, a, generated=GENERATED, map=False)
    caveat = quality_dict()["caveat"]
    assert f'<p class="caveat" id="report-caveat" role="note"><strong>Caveat:</strong> {caveat}</p>' in page
    assert page.index("report-caveat") < page.index('id="summary"')
    for table in ("table-response-region", "table-not-answered", "table-reciprocity", "table-conflicts"):
        assert f'id="{table}"' in page
    assert 'id="quality"' in page and "Tie quality" in page
    text = render_report_markdown(graph, a, generated=GENERATED)
    head = text.split("## 1.")[0]
    assert "**Caveat:** 2 of 4 partners answered the survey (50%); 1 of 2 surveyed ties is one-sided." in head
    assert "| South | 2 | 0 | 2 | 0% |" in text
    assert "| 1 | 1 | 50% |" in text
    assert "| Clinic | South | (no category) |" in text
    assert "Tie quality" in text


def test_a_hostile_name_is_text_in_the_report(make_graph, tmp_path, open_page):
    G = make_graph(sheets(HOSTILE))
    a = surveyed(G, quality_dict(HOSTILE))
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
