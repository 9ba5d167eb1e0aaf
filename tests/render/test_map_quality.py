"""Tests of netmap.render.map_quality: tie quality on the map (width, colour, dashes, the panel)."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from netmap.model import SCORES
from netmap.pipeline import run
from netmap.render.map import EDGE_STYLES, map_data, page_data, write_map
from netmap.render.map_quality import ONE_SIDED, SCALE, WIDTHS, score_colour
from tests.render.quality_workbook import AS_OF, HOSTILE, sheets

# The real analysis's caveat for the workbook (2 of 4 answered; A-B confirmed, B-C one-sided).
CAVEAT = (
    "Survey data: 2 of 4 partners answered (50%); 1 of 2 ties are named by one side only (50%)"
    " — read one-sided ties and scores of partners who did not answer with care."
)


@pytest.fixture
def graph(make_graph):
    return make_graph(sheets())


def surveyed(G):
    """The real analysis of ``G`` (its ``quality`` from the survey columns and responses sheet)."""
    return run(G, as_of=AS_OF)


def unsurveyed_sheets():
    """The same workbook without the survey: no responses sheet, the ties without its columns."""
    book = sheets()
    header = book["ties"][0]
    keep = [i for i, c in enumerate(header) if c not in (*SCORES, "frequency", "reported_by")]
    rows = [[r[i] for i in keep] for r in book["ties"]]
    # one row per pair, as a map without a survey records it
    book["ties"] = [rows[0], *(r for r in rows[1:] if (r[0], r[1]) != ("B", "A"))]
    del book["responses"]
    return book


def _ties(data):
    return {e["id"]: e for e in data["edges"] if e["id"].startswith("t:")}


def test_surveyed_ties_are_drawn_by_frequency_trust_and_confirmation(graph):
    a = surveyed(graph)
    assert a.quality is not None
    data = map_data(graph, a)
    ties = _ties(data)
    drawn = {k: (e["width"], e["color"], e["dashes"]) for k, e in ties.items()}
    assert drawn == {
        # weekly (A said weekly, B daily: the less frequent, rank 4), trust (4+4+4+3+3+3)/6 = 3.5
        # (halfway between the stops for 3 and 4), confirmed: solid
        "t:A|B": (8, "#731a68", False),
        # yearly (rank 1), trust 1 (B's 1, 1, 1), one-sided: long dashes
        "t:B|C": (3, "#e8850c", [16, 10]),
        # the map's own record: no frequency (thin), no score (grey), the kind's own line
        "t:C|D": (1.5, "#bbbbbb", False),
    }
    q = data["quality"]
    assert q["colour_by"] == "trust"
    assert q["ties"] == [
        # value: B's 2, 2, 2 (A gave no value scores) -> the stop for 2
        {"edge": data["edges"].index(ties["t:A|B"]), "trust": "#731a68", "value": "#d44842"},
        {"edge": data["edges"].index(ties["t:B|C"]), "trust": "#e8850c", "value": "#bbbbbb"},
        {"edge": data["edges"].index(ties["t:C|D"]), "trust": "#bbbbbb", "value": "#bbbbbb"},
    ]
    assert q["not_answered"] == [{"region": "South", "names": ["Clinic", "Dental clinic"]}]
    assert q["caveat"] == CAVEAT
    assert (q["response_rate"], q["confirmed"], q["unconfirmed"], q["unconfirmed_share"]) == (0.5, 1, 1, 0.5)
    assert [(w["rank"], w["frequency"], w["width"]) for w in q["widths"]] == [
        (1, "yearly", 3),
        (2, "quarterly", 4.5),
        (3, "monthly", 6),
        (4, "weekly", 8),
        (5, "daily", 10),
    ]
    assert ["One-sided", "named only by Board"] in ties["t:B|C"]["tooltip"]
    assert ["How often", "weekly"] in ties["t:A|B"]["tooltip"]
    # A scored B 4s on trust, B scored A 3s: the sides differ on the frequency and the trust scores
    assert ["Answers differ on", "frequency, reliability, mission support, openness"] in ties["t:A|B"]["tooltip"]
    assert ["Confirmed", "named by both (Agency, Board)"] in ties["t:A|B"]["tooltip"]
    assert ["Trust", "3.5 of 4"] in ties["t:A|B"]["tooltip"]


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (1, "#e8850c"),
        (2, "#d44842"),
        (3, "#9c2964"),
        (4, "#4a0c6b"),
        (3.5, "#731a68"),
        (None, "#bbbbbb"),
        (9, "#4a0c6b"),
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


def test_without_survey_answers_the_map_is_as_before(make_graph):
    G = make_graph(unsurveyed_sheets())
    a = run(G, as_of=AS_OF)
    assert a.quality is None
    data = map_data(G, a)
    assert "quality" not in data and "quality" not in page_data(data)
    # the tie edges keep their kind's style
    drawn = {k: (e["dashes"], e["width"]) for k, e in _ties(data).items()}
    assert {k: d for k, (d, _) in drawn.items()} == {
        "t:A|B": EDGE_STYLES["collaboration"][1],
        "t:B|C": EDGE_STYLES["referral"][1],
        "t:C|D": EDGE_STYLES["collaboration"][1],
    }
    assert all(w < WIDTHS[1] for _, w in drawn.values())


def test_an_analysis_without_quality_draws_the_surveyed_map_without_it(graph):
    a = surveyed(graph)
    plain = map_data(graph, dataclasses.replace(a, quality=None))
    assert "quality" not in plain and "quality" not in page_data(plain)
    assert all(e["dashes"] != ONE_SIDED for e in plain["edges"])
    assert map_data(graph, a)["edges"] != plain["edges"]


def test_quality_does_not_change_the_analysis(graph):
    a = surveyed(graph)
    kept = copy.deepcopy(a.quality.to_dict())
    map_data(graph, a)
    assert a.quality.to_dict() == kept


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
    assert _colours(page) == ["#731a68", "#e8850c", "#bbbbbb"]
    assert page.js("document.getElementById('quality-trust').checked") is True
    page.page.click("#quality-value")
    assert _colours(page) == ["#d44842", "#bbbbbb", "#bbbbbb"]
    # a click elsewhere resets the highlight: the ties keep the value colours
    page.js("window.netmap.highlight('p:A'); window.netmap.reset()")
    assert _colours(page) == ["#d44842", "#bbbbbb", "#bbbbbb"]
    page.page.click("#quality-trust")
    assert _colours(page) == ["#731a68", "#e8850c", "#bbbbbb"]
    widths = page.js("window.netmap.data.quality.ties.map(t => window.netmap.edges.get('e' + t.edge).width)")
    assert widths == [8, 3, 1.5]
    dashes = page.js("window.netmap.data.quality.ties.map(t => window.netmap.edges.get('e' + t.edge).dashes)")
    assert dashes == [False, [16, 10], False]
    assert page.js("document.getElementById('quality-caveat').textContent") == CAVEAT
    waiting = page.js("[...document.querySelectorAll('#not-answered > *')].map(e => e.innerText.trim())")
    assert waiting == ["Not yet answered (2)", "South", "Clinic\nDental clinic"]


def test_a_hostile_name_in_the_not_answered_list_is_text(make_graph, tmp_path, open_page):
    G = make_graph(sheets(HOSTILE))
    out = write_map(G, surveyed(G), tmp_path / "map.html")
    assert HOSTILE not in out.read_text(encoding="utf-8")  # escaped in the page data
    page = open_page(out)
    names = page.js("[...document.querySelectorAll('#not-answered li')].map(li => li.textContent)")
    assert HOSTILE in names
    assert page.js("document.querySelectorAll('#panel img, #quality img').length") == 0
    assert page.dialogs == []
    assert page.messages == []
