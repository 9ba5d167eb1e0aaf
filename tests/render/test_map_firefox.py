"""The map opens from disk in Firefox too (a real headless Firefox ESR over WebDriver BiDi).

Firefox's BiDi does not report the requests of file:// pages, so "nothing is requested" is
checked in Chromium (tests/render/test_map.py); here the map must open from disk, draw every
node and log nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

import netmap
from netmap.pipeline import map_data, run, write_map
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def firefox():
    executable = os.environ.get("NETMAP_FIREFOX") or shutil.which("firefox-esr") or shutil.which("firefox")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("no firefox on this CI machine: scripts/test.sh installs Debian's firefox-esr")
        pytest.skip("no firefox installed (apt-get install firefox-esr, or set NETMAP_FIREFOX)")
    pytest.importorskip("websockets")
    from tests.render.bidi import Firefox

    browser = Firefox(executable)
    yield browser
    browser.close()


@pytest.mark.parametrize("name", ["tucson-behavioral-health", "four-state-coalitions"])
def test_map_opens_offline_in_firefox(tmp_path, firefox, name):
    G = netmap.read_graph(EXAMPLES / name)
    out = write_map(G, tmp_path / "map.html", as_of="2026-11-24")
    firefox.events.clear()
    firefox.open(out.resolve().as_uri(), "document.body.getAttribute('data-ready') === '1'")
    data = map_data(G, as_of="2026-11-24")
    assert firefox.evaluate("window.netmap.shown().nodes.length") == len(data["nodes"])
    assert firefox.evaluate("window.netmap.network.body.nodeIndices.length") == len(data["nodes"])
    assert firefox.logs() == []  # no errors, no CSP reports
    png = firefox.screenshot()
    shots = Path(os.environ.get("NETMAP_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    (shots / f"map-{name}-firefox.png").write_bytes(png)
    assert len(png) > 30_000


def test_filters_and_reset_hold_in_firefox(tmp_path, firefox):
    """The interactions of tests/render/test_map.py in Firefox: a filter unticked and ticked
    again moves no node, and "Show all" after a highlight restores every label colour."""
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    out = write_map(G, tmp_path / "map.html", as_of="2026-11-24")
    firefox.events.clear()
    firefox.open(out.resolve().as_uri(), "document.body.getAttribute('data-ready') === '1'")
    where = "JSON.stringify(window.netmap.network.getPositions(window.netmap.network.body.data.nodes.getIds()))"
    labels = "JSON.stringify(window.netmap.network.body.data.nodes.get().map(n => [n.id, n.font, n.color]))"
    start, drawn = firefox.evaluate(where), firefox.evaluate(labels)
    boxes = "[...document.querySelectorAll('#filters input[type=checkbox]')]"
    assert firefox.evaluate(f"{boxes}.length") > 10
    firefox.evaluate(f"{boxes}.forEach(b => {{ b.click(); b.click(); }})")
    assert firefox.evaluate(where) == start
    firefox.evaluate("window.netmap.highlight('p:MHCC')")
    assert firefox.evaluate(labels) != drawn
    firefox.evaluate("document.getElementById('reset').click()")
    assert firefox.evaluate(labels) == drawn
    assert firefox.logs() == []


def test_download_layout_in_firefox(tmp_path, firefox):
    """ "Download layout" makes the layout file in Firefox too (the blob the download link
    points to is caught and read; Firefox's headless downloads are not reported over BiDi)."""
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    out = write_map(G, tmp_path / "map.html", as_of="2026-11-24")
    firefox.events.clear()
    firefox.open(out.resolve().as_uri(), "document.body.getAttribute('data-ready') === '1'")
    firefox.evaluate(
        """(() => {
          const make = URL.createObjectURL;
          window.caught = {};
          URL.createObjectURL = blob => { blob.text().then(t => { window.caught.text = t; }); return make(blob); };
          HTMLAnchorElement.prototype.click = function () { window.caught.name = this.download; };
          window.netmap.nodes.update({id: 'p:MHCC', x: 1234.5, y: -67.5});
          document.getElementById('download-layout').click();
          return true;
        })()"""
    )
    deadline = time.monotonic() + 10
    while firefox.evaluate("window.caught.text || null") is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert firefox.evaluate("window.caught.name") == "oregon-pathways-alliance-layout.json"
    doc = json.loads(firefox.evaluate("window.caught.text"))
    assert doc["netmap_layout"] == 1 and doc["map"] == "oregon-pathways-alliance"
    assert doc["positions"]["MHCC"] == [1234.5, -67.5]
    assert len(doc["positions"]) == 43


def test_whatif_answers_as_resilience_in_firefox(tmp_path, firefox):
    """The what-if of tests/render/test_whatif.py in Firefox: every partner leaving cuts off
    whom resilience says, the buttons draw it, and "Clear" restores the drawing."""
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    a = run(G, as_of="2026-11-24")
    out = write_map(G, tmp_path / "map.html", as_of="2026-11-24")
    firefox.events.clear()
    firefox.open(out.resolve().as_uri(), "document.body.getAttribute('data-ready') === '1'")
    got = firefox.evaluate("JSON.stringify(window.netmap.data.whatif.ids.map(id => window.netmap.whatif.left(id)))")
    left = {r["partner"]: (r["cut_off"], r["types_lost"]) for r in json.loads(got)}
    assert left == {r["id"]: (r["cut_off"], r["types_lost"]) for r in a.resilience.partners}
    look = "JSON.stringify(window.netmap.nodes.get().map(n => [n.id, n.font, n.color, n.borderWidth, n.label]))"
    drawn = firefox.evaluate(look)
    firefox.evaluate("window.netmap.network.selectNodes(['p:MHCC'])")
    firefox.evaluate("window.netmap.whatif.showLeft('MHCC')")
    assert firefox.evaluate("document.getElementById('whatif-result').textContent").startswith("If ")
    assert firefox.evaluate(look) != drawn
    firefox.evaluate("document.getElementById('whatif-clear').click()")
    assert firefox.evaluate(look) == drawn


def _keys(firefox, *values: str) -> None:
    """Real key presses (WebDriver BiDi input actions) on the page."""
    actions = [step for v in values for step in ({"type": "keyDown", "value": v}, {"type": "keyUp", "value": v})]
    firefox.call(
        "input.performActions",
        {"context": firefox.context, "actions": [{"type": "key", "id": "keyboard", "actions": actions}]},
    )


def _until(firefox, expression: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while firefox.evaluate(expression) is not True:
        assert time.monotonic() < deadline, expression
        time.sleep(0.1)


def test_present_mode_in_firefox(tmp_path, firefox):
    """Present mode of tests/render/test_story.py in Firefox: P, a step, Escape restores everything."""
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    out = write_map(G, tmp_path / "map.html", as_of="2026-11-24")
    steps = map_data(G, as_of="2026-11-24")["story"]
    firefox.events.clear()
    firefox.open(out.resolve().as_uri(), "document.body.getAttribute('data-ready') === '1'")
    state = "JSON.stringify(window.netmap.nodes.get().map(n => [n.id, n.label, n.color, n.font, n.borderWidth]))"
    first = firefox.evaluate(state)
    _keys(firefox, "p")
    _until(firefox, "document.body.classList.contains('presenting')")
    assert firefox.evaluate("document.getElementById('panel').offsetParent") is None
    _keys(firefox, "\ue014")  # ArrowRight
    _until(firefox, "document.body.getAttribute('data-present-step') === '1'")
    assert firefox.evaluate("document.getElementById('present-text').textContent") == steps[1]["text"]
    colours = firefox.evaluate(
        "Object.fromEntries(window.netmap.nodes.get().map(n => [n.id, n.color && n.color.background]))"
    )
    assert all(colours[n] != "#eeeeee" for n in steps[1]["focus"])
    assert all(c == "#eeeeee" for n, c in colours.items() if n.startswith("p:") and n not in steps[1]["marks"])
    _keys(firefox, "\ue00c")  # Escape (leaves full screen, and Present mode with it)
    _until(firefox, "!document.body.classList.contains('presenting')")
    assert firefox.evaluate(state) == first
    assert firefox.evaluate("document.getElementById('panel').offsetParent !== null") is True
    assert firefox.logs() == []


def test_service_filter_in_firefox(tmp_path, firefox):
    """The service filter of tests/render/test_map_services.py in Firefox: a service and a
    population light exactly their providers, and "Clear" restores the drawing."""
    from tests.render.test_map_services import DAY, _graph

    G = _graph(tmp_path)
    out = write_map(G, tmp_path / "map.html", as_of=DAY)
    firefox.events.clear()
    firefox.open(out.resolve().as_uri(), "document.body.getAttribute('data-ready') === '1'")
    look = "JSON.stringify([window.netmap.nodes.get(), window.netmap.edges.get().map(e => [e.id, e.color])])"
    drawn = firefox.evaluate(look)
    firefox.evaluate(
        """(() => {
          const pick = (id, name) => {
            const box = document.getElementById(id);
            box.value = [...box.options].find(o => o.textContent === name).value;
            box.dispatchEvent(new Event('change'));
          };
          pick('service-filter', 'Occupational training');
          pick('population-filter', 'Youth');
          return true;
        })()"""
    )
    lit = firefox.evaluate(
        "JSON.stringify(window.netmap.data.nodes.filter(n => n.group === 'partner')"
        ".filter(n => window.netmap.nodes.get(n.id).color.background === n.color).map(n => n.partner).sort())"
    )
    assert json.loads(lit) == ["A", "B"]
    assert firefox.evaluate("document.getElementById('status').textContent") == (
        "Occupational training for Youth: 2 providers"
    )
    firefox.evaluate("document.getElementById('service-clear').click()")
    assert firefox.evaluate(look) == drawn
    assert firefox.logs() == []
