"""Tests of netmap.render.map_quality: tie quality on the map (width, colour, dashes, the panel)."""

from __future__ import annotations

import copy

import pytest

from netmap.pipeline import run
from netmap.render.map import EDGE_STYLES, map_data, page_data, write_map
from netmap.render.map_quality import ONE_SIDED, SCALE, WIDTHS, score_colour
from tests.render.quality_standin import AS_OF, HOSTILE, quality_dict, sheets, surveyed


@pytest.fixture
def graph(make_graph):
    return make_graph(sheets())


def _ties(data):
    return {e["id"]: e for e in data["edges"] if e["id"].startswith("t:")}


def test_surveyed_ties_are_drawn_by_frequency_trust_and_confirmation(graph):
    data = map_data(graph, surveyed(graph))
    ties = _ties(data)
    drawn = {k: (e["width"], e["color"], e["dashes"]) for k, e in ties.items()}
    assert drawn == {
        # weekly (rank 4), trust 3.5 (halfway between the stops for 3 and 4), confirmed: solid
        "t:A|B": (8, "#365e8a", False),
        # yearly (rank 1), trust 1, one-sided: long dashes
        "t:B|C": (3, "#7ad151", [16, 10]),
        # the map's own record: no frequency (thin), no score (grey), the kind's own line
        "t:C|D": (1.5, "#bbbbbb", False),
    }
    q = data["quality"]
    assert q["colour_by"] == "trust"
    assert q["ties"] == [
        {"edge": data["edges"].index(ties["t:A|B"]), "trust": "#365e8a", "value": "#22a884"},
        {"edge": data["edges"].index(ties["t:B|C"]), "trust": "#7ad151", "value": "#bbbbbb"},
        {"edge": data["edges"].index(ties["t:C|D"]), "trust": "#bbbbbb", "value": "#bbbbbb"},
    ]
    assert q["not_answered"] == [{"region": "South", "names": ["Clinic", "Dental clinic"]}]
    assert q["caveat"] == quality_dict()["caveat"]
    assert [(w["rank"], w["frequency"], w["width"]) for w in q["widths"]] == [
        (1, "yearly", 3),
        (2, "quarterly", 4.5),
        (3, "monthly", 6),
        (4, "weekly", 8),
        (5, "daily", 10),
    ]
    assert ["One-sided", "named only by Board"] in ties["t:B|C"]["tooltip"]
    assert ["How often", "weekly"] in ties["t:A|B"]["tooltip"]
    assert ["Answers differ on", "frequency"] in ties["t:A|B"]["tooltip"]
    assert ["Trust", "3.5 of 4"] in ties["t:A|B"]["tooltip"]


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (1, "#7ad151"),
        (2, "#22a884"),
        (3, "#2a788e"),
        (4, "#414487"),
        (3.5, "#365e8a"),
        (None, "#bbbbbb"),
        (9, "#414487"),
    ],
)
def test_score_colour(score, colour):
    assert score_colour(score) == colour


def test_the_scale_darkens_from_low_to_high():
    """Sequential: each stop darker than the last (lightness alone orders it, whatever the hue vision)."""

    def luminance(c):
        r, g, b = (int(c[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    levels = [luminance(c) for _, c in SCALE]
    assert levels == sorted(levels, reverse=True)
    assert min(WIDTHS.values()) >= 3


def test_one_sided_dashes_differ_from_every_kind():
    assert all(style[1] != ONE_SIDED for style in EDGE_STYLES.values())
    # longer than any kind's dash, so it reads as its own pattern
    assert ONE_SIDED[0] > max(max(style[1]) for style in EDGE_STYLES.values() if style[1])


@pytest.mark.parametrize("quality", ["missing", None, "unsurveyed"])
def test_without_survey_answers_the_map_is_as_before(graph, quality):
    a = run(graph, as_of=AS_OF)
    before = page_data(map_data(graph, a))
    if quality == "missing":
        other = a
    else:
        q = None if quality is None else {**quality_dict(), "surveyed": False}
        other = surveyed(graph, q) if q is not None else surveyed(graph)
        if quality is None:
            other.quality = None
    assert page_data(map_data(graph, other)) == before
    assert "quality" not in before


def test_quality_does_not_change_the_analysis_dict(graph):
    q = quality_dict()
    kept = copy.deepcopy(q)
    map_data(graph, surveyed(graph, q))
    assert q == kept


# -- in the browser ---------------------------------------------------------------------------


def _colours(page):
    return page.js(
        """(() => { const q = window.netmap.data.quality;
            return q.ties.map(t => window.netmap.edges.get('e' + t.edge).color.color); })()"""
    )


def test_the_switch_recolours_the_ties_by_trust_or_value(graph, tmp_path, open_page):
    out = write_map(graph, surveyed(graph), tmp_path / "map.html")
    page = open_page(out)
    assert page.messages == []
    assert _colours(page) == ["#365e8a", "#7ad151", "#bbbbbb"]
    assert page.js("document.getElementById('quality-trust').checked") is True
    page.page.click("#quality-value")
    assert _colours(page) == ["#22a884", "#bbbbbb", "#bbbbbb"]
    # a click elsewhere resets the highlight: the ties keep the value colours
    page.js("window.netmap.highlight('p:A'); window.netmap.reset()")
    assert _colours(page) == ["#22a884", "#bbbbbb", "#bbbbbb"]
    page.page.click("#quality-trust")
    assert _colours(page) == ["#365e8a", "#7ad151", "#bbbbbb"]
    widths = page.js("window.netmap.data.quality.ties.map(t => window.netmap.edges.get('e' + t.edge).width)")
    assert widths == [8, 3, 1.5]
    dashes = page.js("window.netmap.data.quality.ties.map(t => window.netmap.edges.get('e' + t.edge).dashes)")
    assert dashes == [False, [16, 10], False]
    assert page.js("document.getElementById('quality-caveat').textContent") == quality_dict()["caveat"]
    waiting = page.js("[...document.querySelectorAll('#not-answered > *')].map(e => e.innerText.trim())")
    assert waiting == ["Not yet answered (2)", "South", "Clinic\nDental clinic"]


def test_a_hostile_name_in_the_not_answered_list_is_text(make_graph, tmp_path, open_page):
    G = make_graph(sheets(HOSTILE))
    out = write_map(G, surveyed(G, quality_dict(HOSTILE)), tmp_path / "map.html")
    assert HOSTILE not in out.read_text(encoding="utf-8")  # escaped in the page data
    page = open_page(out)
    names = page.js("[...document.querySelectorAll('#not-answered li')].map(li => li.textContent)")
    assert HOSTILE in names
    assert page.js("document.querySelectorAll('#panel img, #quality img').length") == 0
    assert page.dialogs == []
    assert page.messages == []
