"""The history page (netmap.render.history): charts from Python, in the report's frame, offline."""

from __future__ import annotations

import re

import pytest

import netmap
from netmap.analysis.history import history
from netmap.render.history import history_data, render_history_html, write_history_page
from tests.history_snapshots import SHUFFLED, make_snapshots
from tests.render.test_report import assert_strict_csp

# Points per scorecard line: performance measurement is not scored once TA05 (data sharing)
# has ended (q3, q4); policy alignment is never scored, so it has no line at all.
POINTS = {
    "cross-agency-partnerships": 4,
    "industry-engagement": 4,
    "program-alignment": 4,
    "sustainable-funding": 4,
    "performance-measurement": 2,
}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    folders = make_snapshots(tmp_path_factory.mktemp("snapshots"))
    return history([(name, netmap.read_graph(folders[name])) for name in SHUFFLED])


@pytest.fixture(scope="module")
def html(result) -> str:
    return render_history_html(result, generated="2026-08-01T00:00:00+00:00", version="test")


def _lines(html: str) -> dict[str, int]:
    found = re.findall(
        r'data-condition="([^"]+)"><title>[^<]*</title>\s*<polyline class="condition-line" points="([^"]+)"', html
    )
    return {cid: len(points.split()) for cid, points in found}


def test_one_polyline_per_scored_condition_with_a_point_per_snapshot(html: str) -> None:
    assert _lines(html) == POINTS
    assert html.count('class="condition-line"') == len(POINTS)
    # The legend names every condition, the unscored one as such.
    assert "Policy alignment (not scored)" in html


def test_the_gaps_step_chart_steps_between_snapshots(result) -> None:
    chart = history_data(result, generated="today")["sections"][2]["lines"][0]
    values = [p["value"] for p in chart["steps"]["points"]]
    assert values == [7, 7, 7, 6]
    # Four snapshots: four corners at them and three where the level steps to the next.
    assert len(chart["steps"]["path"].split()) == 7
    ys = [float(c.split(",")[1]) for c in chart["steps"]["path"].split()]
    assert ys[-1] > ys[0]  # fewer gaps, lower on the chart


def test_sections_and_tables(result) -> None:
    data = history_data(result, generated="today")
    assert [s["id"] for s in data["sections"]] == ["summary", "scorecard", "gaps", "steps", "appendix"]
    snapshots = data["sections"][0]["tables"][0]
    assert [[c["text"] for c in row[:5]] for row in snapshots["rows"]] == [
        ["2026-01-15", "q1", "14", "18", "7"],
        ["2026-03-15", "q2", "15", "18", "7"],
        ["2026-06-15", "q3", "15", "18", "7"],
        ["2026-07-15", "q4", "16", "17", "6"],
    ]
    steps = data["sections"][3]["tables"][0]
    assert [[c["text"] for c in row] for row in steps["rows"]] == [
        ["q1", "q2", "+ BNR", "+0 −0", "", "", "risen BNR; fallen RVH"],
        ["q2", "q3", "", "+0 −0", "lapsed TA05", "", ""],
        ["q3", "q4", "+ UA", "+0 −1", "", "new county-general-fund", ""],
    ]


def test_one_strict_csp_and_nothing_fetched(html: str) -> None:
    assert_strict_csp(html, scripts=1)  # the sortable-table script, nothing else
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_the_page_opens_offline_and_sorts(result, open_page, tmp_path) -> None:
    out = write_history_page(result, tmp_path / "history.html", version="test")
    for size in ((1920, 1080), (1366, 768)):
        page = open_page(out, viewport=size)
        assert page.requests == [out.resolve().as_uri()]
        assert page.messages == []
        assert page.js("document.querySelectorAll('polyline.condition-line').length") == len(POINTS)
        # The charts fit the page: no horizontal scroll at either size.
        assert page.js("document.documentElement.scrollWidth <= window.innerWidth")
    table = "table-history-snapshots"
    page.page.locator(f"#{table} thead th").nth(4).locator("button").click()
    gaps = page.js(f"[...document.querySelectorAll('#{table} tbody tr')].map(r => r.cells[4].textContent)")
    assert gaps == ["6", "7", "7", "7"]
