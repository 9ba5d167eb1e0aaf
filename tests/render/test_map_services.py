"""The map's service filter and service-desert markers (netmap.render.map_services, static/services.js),
in a real Chromium (tests/render/conftest.py)."""

from __future__ import annotations

import json

import pytest

import netmap
from netmap.pipeline import run
from netmap.render.map import map_data, write_map
from netmap.render.map_services import services_data
from tests.conftest import write_csv_workbook

DAY = "2026-12-07"
PARTNERS = [
    ["id", "name", "agency_type", "region"],
    ["A", "Alpha Job Center", "AJC", "North"],
    ["B", "Beta College", "CC", "North"],
    ["C", "Gamma Family Services", "CBO", "North"],
    ["D", "Delta College", "CC", "South"],
    ["E", "Epsilon Job Center", "AJC", "South"],
]
SERVICES = [
    ["partner_id", "service", "population"],
    ["A", "Job training", "Youth;Adults"],
    ["B", "Job training", "Youth"],
    ["C", "Child care", "Adults"],
    ["D", "Job placement", "Youth"],
    ["E", "Job training", "Adults"],
    ["B", "Robotics club", "Youth"],
]
TIES = [["source_id", "target_id", "kind"], ["A", "B", "referral"], ["B", "C", "collaboration"], ["D", "E", "referral"]]
# The desert markers' text: what each population served in the region lacks there
# (netmap.analysis.services: no population here is on a pathway (one shared step each), so
# only what their services need: training needs child care, transportation, financial coaching).
DESERTS = {
    "North": [
        "Service deserts:",
        "Adults: Transportation, Financial coaching",
        "Youth: Child care, Transportation, Financial",
        "  coaching",
    ],
    "South": [
        "Service deserts:",
        "Adults: Child care, Transportation,",
        "  Financial coaching",
        "Youth: Transportation",
    ],
}


def _graph(tmp_path, services=True):
    sheets = {"partners": PARTNERS, "ties": TIES}
    if services:
        sheets["services"] = SERVICES
    return netmap.read_graph(write_csv_workbook(tmp_path / "book", sheets))


@pytest.fixture
def page(tmp_path, open_page):
    G = _graph(tmp_path)
    out = write_map(G, run(G, as_of=DAY), tmp_path / "map.html")
    return open_page(out)


def _choose(page, select_id, name):
    if name is None:
        page.page.select_option(select_id, value="")
    else:
        page.page.select_option(select_id, label=name)


def _colours(page):
    return page.js(
        "JSON.stringify(window.netmap.nodes.get().filter(n => n.id.startsWith('p:')).map(n => [n.id, n.color]))"
    )


def _lit(page):
    """The partners drawn in their own colours (the others are dimmed)."""
    got = page.js(
        "window.netmap.data.nodes.filter(n => n.group === 'partner')"
        ".filter(n => window.netmap.nodes.get(n.id).color.background === n.color).map(n => n.partner)"
    )
    return sorted(got)


def test_services_data_lists_each_drawn_partners_offers(tmp_path):
    G = _graph(tmp_path)
    data = map_data(G, run(G, as_of=DAY))["services"]
    assert data["partners"] == {
        "p:A": [["training", "custom-adult"], ["training", "youth"]],
        "p:B": [["training", "youth"], ["other:robotic-club", "youth"]],
        "p:C": [["child-care", "custom-adult"]],
        "p:D": [["job-placement", "youth"]],
        "p:E": [["training", "custom-adult"]],
    }
    # By name, the services the taxonomy does not know last.
    assert data["services"] == [
        {"id": "child-care", "name": "Child care"},
        {"id": "job-placement", "name": "Job placement"},
        {"id": "training", "name": "Occupational training"},
        {"id": "other:robotic-club", "name": "Robotics club"},
    ]
    assert data["populations"] == [{"id": "custom-adult", "name": "Adults"}, {"id": "youth", "name": "Youth"}]
    assert {d["region"]: (d["caption"], d["lines"]) for d in data["deserts"]} == {
        r: (f"c:{r}", lines) for r, lines in DESERTS.items()
    }


def test_no_services_rows_no_key(tmp_path):
    G = _graph(tmp_path, services=False)
    a = run(G, as_of=DAY)
    assert a.services is None and services_data(a, []) is None
    assert map_data(G, a)["services"] is None


@pytest.mark.parametrize(
    ("service", "population", "expected", "status"),
    [
        ("Occupational training", None, ["A", "B", "E"], "Occupational training: 3 providers"),
        ("Occupational training", "Youth", ["A", "B"], "Occupational training for Youth: 2 providers"),
        ("Occupational training", "Adults", ["A", "E"], "Occupational training for Adults: 2 providers"),
        ("Child care", None, ["C"], "Child care: 1 provider"),
        ("Child care", "Youth", [], "Child care for Youth: 0 providers"),
        ("Robotics club", None, ["B"], "Robotics club: 1 provider"),
        (None, "Adults", ["A", "C", "E"], "any service for Adults: 3 providers"),
    ],
)
def test_choosing_a_service_highlights_exactly_its_providers(page, service, population, expected, status):
    _choose(page, "#service-filter", service)
    _choose(page, "#population-filter", population)
    assert _lit(page) == expected
    assert page.js("document.getElementById('status').textContent") == status
    # Nothing is hidden or moved.
    assert page.js("window.netmap.shown().nodes.length") == len(page.js("window.netmap.data.nodes"))
    assert [m for m in page.messages if m[0] in ("error", "pageerror")] == []


@pytest.mark.parametrize("how", ["#service-clear", "#reset", "selects"])
def test_clearing_restores_every_colour_and_label(page, how):
    look = "JSON.stringify([window.netmap.nodes.get(), window.netmap.edges.get().map(e => [e.id, e.color])])"
    drawn = page.js(look)
    _choose(page, "#service-filter", "Occupational training")
    _choose(page, "#population-filter", "Youth")
    assert page.js(look) != drawn
    if how == "selects":
        _choose(page, "#service-filter", None)
        _choose(page, "#population-filter", None)
    else:
        page.page.click(how)
    assert page.js(look) == drawn
    assert page.js("document.getElementById('service-filter').value") == ""
    assert page.js("document.getElementById('population-filter').value") == ""


def test_desert_markers_beside_their_caption_on_no_partner(page):
    assert page.js("window.netmap.services.markers()") == []
    assert page.js("document.getElementById('show-deserts').checked") is False
    page.page.check("#show-deserts")
    markers = json.loads(
        page.js(
            "JSON.stringify(window.netmap.services.markers().map(id => "
            "[window.netmap.nodes.get(id).label, window.netmap.network.getBoundingBox(id)]))"
        )
    )
    assert sorted(label for label, _ in markers) == sorted("\n".join(lines) for lines in DESERTS.values())
    boxes = json.loads(
        page.js(
            "JSON.stringify(window.netmap.data.nodes.filter(n => n.group !== 'caption')"
            ".map(n => window.netmap.network.getBoundingBox(n.id)))"
        )
    )
    captions = json.loads(
        page.js(
            "JSON.stringify(Object.fromEntries(['c:North', 'c:South']"
            ".map(c => [c, window.netmap.network.getBoundingBox(c)])))"
        )
    )
    for label, m in markers:
        assert not any(
            m["left"] < b["right"] and b["left"] < m["right"] and m["top"] < b["bottom"] and b["top"] < m["bottom"]
            for b in boxes
        ), label
        region = "North" if label == "\n".join(DESERTS["North"]) else "South"
        cap = captions[f"c:{region}"]
        assert m["left"] >= cap["right"] and m["left"] - cap["right"] < 100  # just right of its caption
    # A region filtered out takes its marker with it; unticked, the markers go.
    page.page.uncheck("#filters input[data-filter='region'][value='North']")
    hidden = page.js("window.netmap.services.markers().map(id => !!window.netmap.nodes.get(id).hidden)")
    assert sorted(hidden) == [False, True]
    page.page.uncheck("#show-deserts")
    assert page.js("window.netmap.services.markers()") == []
    assert page.js("window.netmap.nodes.get().filter(n => String(n.id).startsWith('desert:')).length") == 0


def test_no_services_rows_no_controls(tmp_path, open_page):
    pages = {}
    for rows in (True, False):
        G = _graph(tmp_path / str(rows), services=rows)
        pages[rows] = open_page(write_map(G, run(G, as_of=DAY), tmp_path / f"map-{rows}.html"))
    assert pages[True].js("document.querySelectorAll('#services select').length") == 2
    page = pages[False]
    assert page.js("document.getElementById('services')") is None
    assert page.js("document.getElementById('service-filter')") is None
    assert page.js("'services' in window.netmap") is False
