"""Tests of netmap.render.story (the guided story) and of Present mode (static/present.js) in Chromium."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.pipeline import map_data, run, write_map
from netmap.render.story import MAX_FINDINGS, story
from tests.conftest import EXAMPLE_DIRS, EXAMPLES, write_csv_workbook

AS_OF = "2026-11-24"
DIM = "#eeeeee"


@pytest.fixture
def hub_workbook(tmp_path):
    """Five partners in one region around a hub college; one agreement, lapsed."""
    return write_csv_workbook(
        tmp_path / "demo-map",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "team"],
                ["HUB", "Hub College", "CC", "local", "North", "leadership"],
                ["B", "Board North", "WIB", "local", "North", "leadership"],
                ["C", "Centre", "CBO", "local", "North", "stakeholder"],
                ["E", "Employer", "Private businesses", "local", "North", "stakeholder"],
                ["F", "Far Clinic", "CBO", "local", "North", "stakeholder"],
            ],
            "ties": [
                ["source_id", "target_id", "kind"],
                ["HUB", "B", "collaboration"],
                ["HUB", "C", "referral"],
                ["C", "F", "collaboration"],
                ["HUB", "E", "advisory"],
            ],
            "agreements": [
                ["id", "parties", "type", "signed", "expires"],
                ["A1", "HUB;B", "MOU", "2020-01-01", "2025-06-30"],
            ],
        },
    )


# Worked out by hand from hub_workbook. The North local team lacks a workforce board, adult
# education, TANF and human services, and economic development: those five ghosts (of the
# nine missing types of North, in the order of the gaps). Without the hub, C and F stay
# together and B and E are cut off. The broker's step follows the five "do first" findings.
HUB_STEPS = [
    ("demo-map", []),
    ("Minimum local team incomplete", ["g:0", "g:1", "g:4", "g:5", "g:8"]),
    ("Key partner", ["p:HUB", "p:B", "p:E"]),
    ("Agreement expired", ["p:B", "p:HUB"]),
    ("No roles recorded", []),
    ("Leadership ties without an agreement", []),
    ("Broker", ["p:HUB", "p:B", "p:C", "p:E"]),
    ("No tie to the state level", []),
    ("What to do first", []),
]


def test_story_of_a_hand_made_workbook(hub_workbook):
    G = netmap.read_graph(hub_workbook)
    steps = map_data(G, as_of=AS_OF)["story"]
    assert [(s["title"], s["focus"]) for s in steps] == HUB_STEPS
    key = steps[2]
    assert key["marks"] == {"p:HUB": "key", "p:B": "cut", "p:E": "cut"}
    assert key["text"].startswith("Key partner: if Hub College left, 2 partner(s) would be cut off")
    assert key["todo"] == "Build ties that do not run through this partner, and formalise its role in an agreement."
    assert steps[3]["marks"] == {"p:HUB": "party", "p:B": "party"}
    assert steps[6]["marks"] == {"p:HUB": "key", "p:B": "tie", "p:C": "tie", "p:E": "tie"}
    assert (
        steps[0]["text"]
        == "5 partners on this map; 2 high and 4 medium finding(s); 9 missing agency type(s) shown as grey boxes."
    )
    assert steps[-1]["text"].startswith("1. Minimum local team incomplete: Invite an agency")


def test_steps_off_the_page_fall_back_to_the_whole_map(hub_workbook):
    """Without ghosts on the page, the missing types' step shows the whole map."""
    G = netmap.read_graph(hub_workbook)
    steps = map_data(G, as_of=AS_OF, gaps=False)["story"]
    assert steps[1]["title"] == "Minimum local team incomplete"
    assert steps[1]["focus"] == [] and steps[1]["marks"] == {}
    assert steps[2]["focus"] == ["p:HUB", "p:B", "p:E"]


@pytest.mark.parametrize("name", [p.name for p in EXAMPLE_DIRS])
@pytest.mark.parametrize("region", [None, "first"])
def test_every_focus_is_on_the_page(name, region):
    G = netmap.read_graph(EXAMPLES / name)
    if region == "first":
        regions = sorted({d.get("region") for _, d in G.nodes(data=True) if d.get("label") == "Partner"} - {None})
        region = regions[0]
    data = map_data(G, as_of=AS_OF, region=region)
    ids = {n["id"] for n in data["nodes"] if n["group"] != "caption"}
    steps = data["story"]
    assert 2 <= len(steps) <= MAX_FINDINGS + 2
    for s in steps:
        assert set(s["focus"]) <= ids and set(s["marks"]) == set(s["focus"])
        assert s["title"] and s["text"]
    assert any(s["focus"] for s in steps)  # every example has partners to point at


def test_story_computes_nothing():
    """The story reads the analysis: the same analysis gives the same steps, the page data a copy."""
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    a = run(G, as_of=AS_OF)
    data = map_data(G, analysis=a)
    assert story(a, data["nodes"], data["edges"], title=data["title"]) == data["story"]
    assert data["present"] is False


def _data_of(html: str) -> dict:
    return json.loads(re.search(r'id="netmap-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def test_cli_present(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["map", str(EXAMPLES / "tucson-behavioral-health"), "--as-of", AS_OF]
    result = CliRunner().invoke(app, [*args, "-o", "plain.html"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, [*args, "-o", "present.html", "--present"])
    assert result.exit_code == 0, result.output
    plain = _data_of((tmp_path / "plain.html").read_text(encoding="utf-8"))
    present = _data_of((tmp_path / "present.html").read_text(encoding="utf-8"))
    assert (plain["present"], present["present"]) == (False, True)
    assert plain["story"] == present["story"] and len(present["story"]) > 2


# -- in the browser -----------------------------------------------------------------------

STATE = (
    "JSON.stringify(window.netmap.nodes.get().map(n => [n.id, n.label, n.color, n.font, n.borderWidth]))"
    " + JSON.stringify(window.netmap.edges.get().map(e => [e.id, e.color]))"
)
VIEW = "JSON.stringify([window.netmap.network.getViewPosition(), window.netmap.network.getScale()])"
# Each focus node's place on the screen, and the map's box there.
INSIDE = """(ids) => {
  const net = window.netmap.network, box = document.getElementById('network').getBoundingClientRect();
  const at = net.getPositions(ids);
  return ids.filter(id => {
    const p = net.canvasToDOM(at[id]);
    return !(p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height);
  });
}"""


def _visible(page, selector: str) -> bool:
    return page.js(
        f"(() => {{ const e = document.querySelector('{selector}'); return !!e && e.offsetParent !== null; }})()"
    )


def _caption(page) -> dict:
    return page.js(
        "({count: document.getElementById('present-count').textContent,"
        " title: document.getElementById('present-title').textContent,"
        " text: document.getElementById('present-text').textContent,"
        " todo: document.getElementById('present-todo').textContent,"
        " hint: document.getElementById('present-hint').textContent})"
    )


def _check_step(page, steps, i):
    step = steps[i]
    assert _caption(page) == {
        **_caption(page),
        "count": f"{i + 1} / {len(steps)}",
        "title": step["title"],
        "text": step["text"],
        "todo": "What to do: " + step["todo"],
    }
    assert page.js("document.body.getAttribute('data-present-step')") == str(i)
    assert step["focus"], step
    assert page.page.evaluate(INSIDE, step["focus"]) == []
    colours = page.js("Object.fromEntries(window.netmap.nodes.get().map(n => [n.id, n.color && n.color.background]))")
    for node in step["focus"]:
        assert colours[node] != DIM
    others = [
        n for n in page.js("window.netmap.data.nodes") if n["group"] == "partner" and n["id"] not in step["marks"]
    ]
    assert others and all(colours[n["id"]] == DIM for n in others)


def test_present_mode_steps_and_restores(tmp_path, open_page):
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    out = write_map(G, tmp_path / "map.html", as_of=AS_OF)
    steps = map_data(G, as_of=AS_OF)["story"]
    page = open_page(out)
    first, view = page.js(STATE), page.js(VIEW)
    assert _visible(page, "#panel") and _visible(page, "#present") and not _visible(page, "#present-caption")
    # P typed into the search box is a letter of a name, not Present mode.
    page.page.fill("#search", "")
    page.page.press("#search", "p")
    assert page.js("document.body.classList.contains('presenting')") is False
    page.page.fill("#search", "")
    page.page.locator("#network").click(position={"x": 5, "y": 5})  # the keys go to the page again
    page.page.keyboard.press("p")
    assert page.js("document.body.classList.contains('presenting')") is True
    assert not _visible(page, "#panel") and _visible(page, "#present-caption")
    assert _caption(page)["title"] == steps[0]["title"] and _caption(page)["count"] == f"1 / {len(steps)}"
    page.page.keyboard.press("ArrowRight")
    _check_step(page, steps, 1)  # the missing types of the minimum teams: ghosts lit, partners dimmed
    page.page.keyboard.press("Space")
    _check_step(page, steps, 2)  # the key partner and who would be cut off
    page.page.keyboard.press("ArrowLeft")
    _check_step(page, steps, 1)
    before = page.js("window.netmap.network.getScale()")
    page.page.keyboard.press("+")
    assert page.js("window.netmap.network.getScale()") > before
    page.page.keyboard.press("Escape")
    assert page.js("document.body.classList.contains('presenting')") is False
    assert _visible(page, "#panel") and not _visible(page, "#present-caption")
    assert page.js(STATE) == first
    assert page.js(VIEW) == view
    # Search and highlight still work after Present mode.
    page.page.fill("#search", "Lane Community College")
    page.page.press("#search", "Enter")
    assert "direct partner" in page.js("document.getElementById('status').textContent")
    assert page.messages == []


def test_present_page_starts_in_present_mode(tmp_path, open_page):
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    out = write_map(G, tmp_path / "map.html", as_of=AS_OF, present=True)
    steps = map_data(G, as_of=AS_OF)["story"]
    page = open_page(out)
    assert page.js("document.body.classList.contains('presenting')") is True
    assert not _visible(page, "#panel")
    caption = _caption(page)
    assert caption["title"] == steps[0]["title"] and "F or P for full screen" in caption["hint"]
    page.page.keyboard.press("ArrowRight")
    _check_step(page, steps, 1)
    assert page.messages == []


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_present_screenshots(tmp_path, open_page, size):
    """Screenshots of Present mode (kept as artefacts with NETMAP_SCREENSHOTS); the caption fits."""
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    out = write_map(G, tmp_path / "map.html", as_of=AS_OF, present=True)
    steps = map_data(G, as_of=AS_OF)["story"]
    page = open_page(out)
    page.page.set_viewport_size({"width": size[0], "height": size[1]})
    shots = Path(os.environ.get("NETMAP_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        page.js(f"window.netmap.present.show({i})")
        png = page.page.screenshot(path=str(shots / f"present-oregon-{size[0]}x{size[1]}-{i + 1}.png"))
        assert len(png) > 30_000
        # The caption is on screen and leaves most of the height to the map.
        box = page.js("JSON.stringify(document.getElementById('present-caption').getBoundingClientRect())")
        box = json.loads(box)
        assert box["bottom"] <= size[1] + 1 and box["height"] < size[1] * 0.4
        if steps[i]["focus"]:
            assert page.page.evaluate(INSIDE, steps[i]["focus"]) == []


def test_the_report_has_no_present_mode(tmp_path, open_page):
    """The report embeds the same map script; Present mode stays on the map's own page."""
    from netmap.pipeline import write_report

    out = write_report(netmap.read_graph(EXAMPLES / "tucson-behavioral-health"), tmp_path / "r.html", as_of=AS_OF)
    page = open_page(out)
    assert page.js("document.getElementById('present') === null && !window.netmap.present")
    page.page.keyboard.press("p")
    assert page.js("document.body.classList.contains('presenting')") is False
    assert page.messages == []
