"""The map's labels as drawn in a real Chromium (static/labels.js): size, overlap, clipping, switch."""

from __future__ import annotations

import pytest

import netmap
from netmap.render.map import write_map
from tests.conftest import EXAMPLES

AS_OF = "2026-11-24"
EXAMPLE_NAMES = ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions", "pima-county-211"]
DRAWN = "window.netmap.labels.drawn()"
CANVAS = "(() => { const c = window.netmap.network.canvas.frame.canvas; return [c.clientWidth, c.clientHeight]; })()"
# Every shown node's shape on screen: [id, left, top, right, bottom] in pixels from the canvas's corner.
SHAPES = """(() => { const net = window.netmap.network; const out = [];
  for (const id of window.netmap.shown().nodes) {
    const n = net.body.nodes[id]; if (n.options.shape === 'text') continue;
    const a = net.canvasToDOM({x: n.x - n.options.size, y: n.y - n.options.size});
    const b = net.canvasToDOM({x: n.x + n.options.size, y: n.y + n.options.size});
    out.push([id, a.x, a.y, b.x, b.y]); } return out; })()"""


def _write(tmp_path, name):
    G = netmap.read_graph(EXAMPLES / name)
    return write_map(G, netmap.pipeline.run(G, as_of=AS_OF), tmp_path / f"{name}.html")


def _meet(a, b):
    across = a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
    return across and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def _overlaps(boxes):
    return [(a["id"], b["id"]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _meet(a, b)]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_first_view_labels_are_legible_and_apart(tmp_path, open_page, name):
    page = open_page(_write(tmp_path, name), viewport=(1920, 1080))
    drawn = page.js(DRAWN)
    partners = [b for b in drawn if b["group"] == "partner"]
    assert partners and all(b["h"] >= 14 for b in partners), min(b["h"] for b in partners)
    assert _overlaps(drawn) == []
    # Every region's caption is drawn, at least 14 px high.
    captions = [n["id"] for n in page.js("window.netmap.data.nodes") if n["group"] == "caption"]
    assert {b["id"] for b in drawn if b["group"] == "caption"} == set(captions)
    assert all(b["h"] >= 14 for b in drawn if b["group"] == "caption")
    assert not [m for m in page.messages if m[0] in ("error", "pageerror")]


def test_small_map_shows_every_partner_label(tmp_path, open_page):
    page = open_page(_write(tmp_path, "tucson-behavioral-health"), viewport=(1920, 1080))
    shown = {b["id"] for b in page.js(DRAWN) if b["group"] == "partner"}
    assert shown == {n["id"] for n in page.js("window.netmap.data.nodes") if n["group"] == "partner"}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_nothing_is_clipped_at_1366x768(tmp_path, open_page, name):
    page = open_page(_write(tmp_path, name), viewport=(1366, 768))
    width, height = page.js(CANVAS)
    for b in page.js(DRAWN):
        assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["w"] <= width and b["y"] + b["h"] <= height, b
    for id_, left, top, right, bottom in page.js(SHAPES):
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, id_


def test_labels_switch_is_honoured(tmp_path, open_page):
    page = open_page(_write(tmp_path, "oregon-pathways-alliance"), viewport=(1920, 1080))
    every = page.js(DRAWN)
    page.page.select_option("#labels", "key")
    page.page.wait_for_timeout(100)
    key = {n["id"] for n in page.js("window.netmap.data.nodes") if n.get("key")}
    some = page.js(DRAWN)
    assert {b["id"] for b in some if b["group"] == "partner"} <= key
    assert len(some) < len(every)
    page.page.select_option("#labels", "none")
    page.page.wait_for_timeout(100)
    assert {b["group"] for b in page.js(DRAWN)} == {"caption"}
    page.page.select_option("#labels", "all")
    page.page.wait_for_timeout(100)
    assert len(page.js(DRAWN)) == len(every)


def _twelve_region_workbook(folder):
    """2,000 partners in 12 regions (and a few state partners), tied mostly within their region."""
    import csv
    import random

    rnd = random.Random(3)
    types = ["Local WIB", "Local community colleges", "Local human service agencies", "Private businesses"]
    folder.mkdir()
    rows, ties = [], set()
    for i in range(2000):
        state = i % 100 == 0
        region = "" if state else f"Region {i % 12:02d}"
        rows.append(
            [
                f"P{i:04d}",
                f"Partner {i:04d}",
                "State WIB" if state else rnd.choice(types),
                "state" if state else "local",
                region,
            ]
        )
    by_region = {}
    for r in rows:
        by_region.setdefault(r[4], []).append(r[0])
    while len(ties) < 4000:
        a = rnd.choice(rows)
        b = rnd.choice(by_region[a[4]]) if rnd.random() < 0.9 else rnd.choice(rows)[0]
        if a[0] != b:
            ties.add(tuple(sorted((a[0], b))))
    with open(folder / "partners.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "name", "agency_type", "level", "region"], *rows])
    with open(folder / "ties.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [["source_id", "target_id", "kind"], *[[a, b, "collaboration"] for a, b in sorted(ties)]]
        )
    return folder


def test_two_thousand_partners_in_twelve_regions_read_as_twelve_captioned_clusters(tmp_path, open_page):
    G = netmap.read_graph(_twelve_region_workbook(tmp_path / "book"))
    out = write_map(G, netmap.pipeline.run(G, as_of=AS_OF), tmp_path / "big.html")
    page = open_page(out, viewport=(1920, 1080))
    drawn = page.js(DRAWN)
    captions = [b for b in drawn if b["group"] == "caption"]
    # The twelve regions and the state level, each named by a caption at least 14 px high,
    # and no drawn label on another.
    assert sorted(page.js("window.netmap.data.nodes.filter(n => n.group === 'caption').map(n => n.label)")) == sorted(
        ["State level", *(f"Region {i:02d}" for i in range(12))]
    )
    assert len(captions) == 13 and all(b["h"] >= 14 for b in captions)
    assert _overlaps(drawn) == []
    # The partners that matter come first: every drawn partner label is at least 14 px.
    assert all(b["h"] >= 14 for b in drawn if b["group"] == "partner")


VIEW = "(() => { const n = window.netmap.network, t = n.body.view.translation; return [n.getScale(), t.x, t.y]; })()"


def _resize(page, width, height):
    page.page.set_viewport_size({"width": width, "height": height})
    page.page.wait_for_function(f"window.netmap.network.canvas.frame.canvas.clientHeight > {height - 200}")
    page.page.wait_for_timeout(100)


@pytest.mark.parametrize("name", ["oregon-pathways-alliance", "four-state-coalitions"])
def test_the_first_view_follows_the_window_until_someone_moves_it(tmp_path, open_page, name):
    """Opened in a short window, then made taller (a projector's full screen, --png's picture):
    the map is fitted again, as if opened there, not cut off at the sides."""
    path = _write(tmp_path, name)
    tall = open_page(path, viewport=(1600, 1000)).js(VIEW)
    page = open_page(path, viewport=(1600, 600))
    _resize(page, 1600, 1000)
    assert page.js(VIEW) == pytest.approx(tall, rel=1e-6, abs=1e-6)
    width, height = page.js(CANVAS)
    assert all(
        -1 <= left and right <= width + 1 and -1 <= top and bottom <= height + 1
        for _, left, top, right, bottom in page.js(SHAPES)
    )
    # Zoomed by hand: the next resize does not fit the map again (vis-network only rescales
    # the person's view by the change of the canvas's height).
    page.js("window.netmap.network.moveTo({scale: window.netmap.network.getScale() * 2})")
    zoomed, before = page.js(VIEW)[0], page.js(CANVAS)[1]
    _resize(page, 1600, 700)
    short = open_page(path, viewport=(1600, 700)).js(VIEW)
    after = page.js(CANVAS)[1]
    assert page.js(VIEW)[0] == pytest.approx(zoomed * after / before, rel=1e-3)
    assert page.js(VIEW)[0] != pytest.approx(short[0], rel=1e-2)
