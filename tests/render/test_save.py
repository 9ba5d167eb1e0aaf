"""Saving the map (issue 19 part 6): dragged positions kept in the browser, "Download layout"
read back by ``--positions``, "Save picture", and ``netmap map --png``.

The page side runs in a real headless Chromium (tests/render/conftest.py); PNGs are decoded
by the browser too (an ``<img>`` drawn on a canvas), which counts their non-white pixels.
"""

from __future__ import annotations

import base64
import json
import re
import struct

import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.errors import UsageError
from netmap.pipeline import map_data, write_map
from netmap.render.positions import Layout, layout_json, position_warnings, read_positions
from tests.conftest import EXAMPLES

AS_OF = "2026-11-24"
OREGON = EXAMPLES / "oregon-pathways-alliance"
TUCSON = EXAMPLES / "tucson-behavioral-health"


@pytest.fixture
def oregon(tmp_path, open_page):
    """Oregon's map opened in Chromium; the browser's saved layouts are cleared afterwards
    (every file:// page shares one store, and other tests open the same map)."""
    G = netmap.read_graph(OREGON)
    path = write_map(G, tmp_path / "map.html", as_of=AS_OF)
    page = open_page(path)
    yield G, path, page
    page.js("localStorage.clear()")


def _at(page, node_id: str) -> list[float]:
    """Where a node is drawn now (vis-network drops the fraction of a pixel)."""
    p = page.js(f"(n => [n.x, n.y])(window.netmap.network.body.nodes[{json.dumps(node_id)}])")
    return [p[0], p[1]]


def _drag(page, node_id: str, dx: float, dy: float) -> None:
    """Drag a node with the mouse on the canvas, by (dx, dy) screen pixels."""
    x, y = page.js(
        f"""(() => {{
        const net = window.netmap.network, box = document.getElementById('network').getBoundingClientRect();
        const p = net.canvasToDOM(net.getPositions([{json.dumps(node_id)}])[{json.dumps(node_id)}]);
        return [p.x + box.left, p.y + box.top];
      }})()"""
    )
    mouse = page.page.mouse
    mouse.move(x, y)
    mouse.down()
    mouse.move(x + dx / 2, y + dy / 2, steps=5)
    mouse.move(x + dx, y + dy, steps=5)
    mouse.up()


def _reopen(page) -> None:
    page.page.reload()
    page.page.wait_for_selector("body[data-ready='1']", timeout=30_000)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def _non_white(context, png: bytes) -> int:
    """Pixels of ``png`` that are not white, decoded and counted by the browser."""
    page = context.new_page()
    try:
        page.set_content("<!DOCTYPE html><canvas></canvas>")
        url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        return page.evaluate(
            """async (url) => {
              const img = new Image(); img.src = url; await img.decode();
              const c = document.querySelector('canvas'); c.width = img.width; c.height = img.height;
              const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
              const px = ctx.getImageData(0, 0, c.width, c.height).data;
              let n = 0;
              for (let i = 0; i < px.length; i += 4)
                if (px[i + 3] > 0 && (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240)) n++;
              return n;
            }""",
            url,
        )
    finally:
        page.close()


# -- the page -----------------------------------------------------------------------------------


def test_a_dragged_partner_stays_where_it_was_dragged_and_reset_forgets_it(oregon):
    G, _, page = oregon
    data = map_data(G, as_of=AS_OF)
    start = {n["id"]: [n["x"], n["y"]] for n in data["nodes"] if n["group"] == "partner"}
    assert _at(page, "p:MHCC") == pytest.approx(start["p:MHCC"], abs=1.0)
    _drag(page, "p:MHCC", 120, 80)
    moved = _at(page, "p:MHCC")
    assert moved != start["p:MHCC"]
    assert abs(moved[0] - start["p:MHCC"][0]) > 20
    _reopen(page)
    assert _at(page, "p:MHCC") == pytest.approx(moved, abs=1.0)
    assert "saved layout" in page.js("document.getElementById('status').textContent")
    # Every other partner is where netmap put it.
    moved_too = [
        k
        for k, v in start.items()
        if k != "p:MHCC" and max(abs(a - b) for a, b in zip(_at(page, k), v, strict=True)) > 1.0
    ]
    assert moved_too == []
    page.page.click("#reset-layout")
    assert _at(page, "p:MHCC") == pytest.approx(start["p:MHCC"], abs=1.0)
    _reopen(page)
    assert _at(page, "p:MHCC") == pytest.approx(start["p:MHCC"], abs=1.0)
    assert page.js("localStorage.length") == 0
    assert [m for m in page.messages if m[0] in ("error", "pageerror")] == []


def test_another_map_does_not_take_the_saved_layout(tmp_path, oregon, open_page):
    G, _, page = oregon
    _drag(page, "p:MHCC", 120, 80)
    region = next(n["region"] for n in map_data(G, as_of=AS_OF)["nodes"] if n["id"] == "p:MHCC")
    other = open_page(write_map(G, tmp_path / "region.html", as_of=AS_OF, region=region))
    data = map_data(G, as_of=AS_OF, region=region)
    home = next([n["x"], n["y"]] for n in data["nodes"] if n["id"] == "p:MHCC")
    assert data["save"]["key"] != map_data(G, as_of=AS_OF)["save"]["key"]
    assert _at(other, "p:MHCC") == pytest.approx(home, abs=1.0)


def test_without_local_storage_the_page_still_works(tmp_path, open_page):
    """A browser that refuses localStorage (file:// in some, private windows): no error, dragging works."""
    G = netmap.read_graph(TUCSON)
    path = write_map(G, tmp_path / "map.html", as_of=AS_OF)
    script = (
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('denied', 'SecurityError'); }});"
    )
    page = open_page(path)
    page.page.add_init_script(script)  # this page only
    _reopen(page)
    assert page.js("(() => { try { localStorage; return 'open'; } catch (e) { return e.name; } })()") == "SecurityError"
    node = next(n["id"] for n in map_data(G, as_of=AS_OF)["nodes"] if n["group"] == "partner")
    before = _at(page, node)
    _drag(page, node, 100, 60)
    assert _at(page, node) != before
    page.page.click("#reset-layout")
    assert _at(page, node) == pytest.approx(before, abs=1.0)
    with page.page.expect_download():
        page.page.click("#download-layout")
    assert [m for m in page.messages if m[0] in ("error", "pageerror")] == []


def test_download_layout_is_read_back_by_map_and_report(oregon, tmp_path):
    _, _, page = oregon
    _drag(page, "p:MHCC", -150, 90)
    moved = _at(page, "p:MHCC")
    with page.page.expect_download() as info:
        page.page.click("#download-layout")
    download = info.value
    assert download.suggested_filename == "oregon-pathways-alliance-layout.json"
    saved = tmp_path / "layout.json"
    download.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["netmap_layout"] == 1 and doc["map"] == "oregon-pathways-alliance" and doc["region"] is None
    assert doc["positions"]["MHCC"] == pytest.approx(moved, abs=1.0)
    assert len(doc["positions"]) == 43  # every partner, keyed by its id; no ghosts, no captions
    assert all(not k.startswith(("p:", "g:", "c:")) for k in doc["positions"])

    # netmap map --positions: the partner is where it was dragged in the new page's data.
    runner = CliRunner()
    out = tmp_path / "again.html"
    result = runner.invoke(app, ["map", str(OREGON), "-o", str(out), "--as-of", AS_OF, "--positions", str(saved)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    page_json = re.search(r'<script id="netmap-data" type="application/json">(.*?)</script>', out.read_text(), re.S)
    nodes = {n["id"]: n for n in json.loads(page_json.group(1))["nodes"]}
    assert [nodes["p:MHCC"]["x"], nodes["p:MHCC"]["y"]] == pytest.approx(moved, abs=1.0)

    # netmap report --positions: the printed SVG draws the partner there.
    report = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(OREGON), "-o", str(report), "--as-of", AS_OF, "--positions", str(saved)])
    assert result.exit_code == 0, result.output
    label = re.search(r'<text x="([-0-9.]+)" y="[-0-9.]+" font-size="[0-9.]+" data-node="p:MHCC"', report.read_text())
    assert float(label.group(1)) == pytest.approx(moved[0], abs=0.06)
    shape = re.search(r'<circle cx="([-0-9.]+)" cy="([-0-9.]+)" r="[0-9.]+" data-node="p:MHCC"', report.read_text())
    assert [float(shape.group(1)), float(shape.group(2))] == pytest.approx(moved, abs=1.0)


def test_save_picture_downloads_a_png_of_the_view(oregon, browser_context):
    _, _, page = oregon
    with page.page.expect_download() as info:
        page.page.click("#save-picture")
    download = info.value
    assert download.suggested_filename == "oregon-pathways-alliance.png"
    png = open(download.path(), "rb").read()
    width, height = _png_size(png)
    box = page.js("[document.querySelector('#network canvas').width, document.querySelector('#network canvas').height]")
    assert [width, height] == box
    assert _non_white(browser_context, png) > 2000
    assert page.requests == [page.page.url]  # nothing fetched: the picture is made in the page


# -- the layout file ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (None, "no such file"),
        ("{not json", "not JSON (line 1, column 2)"),
        ("[1, 2]", 'not a netmap layout (no "netmap_layout": 1)'),
        ('{"netmap_layout": 2, "positions": {}}', "layout format 2 is not one this netmap reads (1)"),
        ('{"netmap_layout": 1, "positions": [[1, 2]]}', '"positions" must be an object of partner id: [x, y]'),
        (
            '{"netmap_layout": 1, "positions": {"MHCC": [1]}}',
            'the position of "MHCC" must be [x, y], two finite numbers',
        ),
        ('{"netmap_layout": 1, "positions": {"MHCC": ["1", 2]}}', 'the position of "MHCC" must be [x, y]'),
        ('{"netmap_layout": 1, "positions": {"MHCC": [1, NaN]}}', 'the position of "MHCC" must be [x, y]'),
        (b"\xff\xfe\x00", "not UTF-8 text"),
    ],
)
def test_a_bad_layout_file_is_a_usage_error(tmp_path, text, said):
    path = tmp_path / "layout.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=re.escape(said)):
        read_positions(path)
    out = tmp_path / "map.html"
    for command in ("map", "report"):
        result = CliRunner().invoke(app, [command, str(TUCSON), "-o", str(out), "--positions", str(path)])
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"netmap: --positions {path}: ")
        assert said in lines[0]
        assert "Traceback" not in result.output
        assert not out.exists()


def test_unknown_and_missing_partners_are_warnings(tmp_path):
    G = netmap.read_graph(TUCSON)
    ids = sorted(n["partner"] for n in map_data(G, as_of=AS_OF)["nodes"] if n["group"] == "partner")
    path = tmp_path / "layout.json"
    path.write_text(layout_json({ids[0]: (11.0, -22.0), "NOPE": (0.0, 0.0), "GONE": (1.0, 1.0)}), encoding="utf-8")
    out = tmp_path / "map.html"
    result = CliRunner().invoke(app, ["map", str(TUCSON), "-o", str(out), "--as-of", AS_OF, "--positions", str(path)])
    assert result.exit_code == 0, result.output
    assert "netmap: warning: 2 partner id(s) in layout.json are not on this map and are ignored: GONE, NOPE" in (
        result.output
    )
    assert f"netmap: warning: {len(ids) - 1} partner(s) of the map are not in layout.json and keep" in result.output
    placed = map_data(G, as_of=AS_OF, positions=read_positions(path))
    computed = map_data(G, as_of=AS_OF)
    for new, old in zip(placed["nodes"], computed["nodes"], strict=True):
        if new.get("partner") == ids[0]:
            assert (new["x"], new["y"]) == (11.0, -22.0)
        else:
            assert (new.get("x"), new.get("y")) == (old.get("x"), old.get("y"))


def test_position_warnings_count_and_name():
    layout = Layout({f"x{i}": (0.0, 0.0) for i in range(7)} | {"a": (1.0, 2.0)}, source="/d/saved.json")
    assert position_warnings(layout, ["a", "b", "c"]) == [
        "7 partner id(s) in saved.json are not on this map and are ignored: x0, x1, x2, x3, x4, ...",
        "2 partner(s) of the map are not in saved.json and keep their computed place",
    ]
    assert position_warnings(Layout({"a": (1.0, 2.0)}), ["a"]) == []


def test_positions_go_through_the_pipeline_wrappers(tmp_path):
    G = netmap.read_graph(TUCSON)
    first = next(n for n in map_data(G, as_of=AS_OF)["nodes"] if n["group"] == "partner")
    data = map_data(G, as_of=AS_OF, positions={first["partner"]: (5.0, 6.0)})
    assert next(n for n in data["nodes"] if n["id"] == first["id"])[("x")] == 5.0
    page = write_map(G, tmp_path / "m.html", as_of=AS_OF, positions={first["partner"]: (5.0, 6.0)}).read_text()
    embedded = json.loads(re.search(r'<script id="netmap-data" type="application/json">(.*?)</script>', page, re.S)[1])
    saved = next(n for n in embedded["nodes"] if n["id"] == first["id"])
    assert (saved["x"], saved["y"]) == (5.0, 6.0)


# -- netmap map --png ---------------------------------------------------------------------------


def test_png_writes_a_picture_of_the_first_view(tmp_path, browser_context):
    out, png = tmp_path / "map.html", tmp_path / "map.png"
    result = CliRunner().invoke(app, ["map", str(OREGON), "-o", str(out), "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert f"wrote {png}" in result.output
    data = png.read_bytes()
    assert _png_size(data) == (1920, 1080)
    assert _non_white(browser_context, data) > 20_000
    # --force rules: the PNG is not replaced without it, and never written over an input.
    again = CliRunner().invoke(app, ["map", str(OREGON), "-o", str(tmp_path / "b.html"), "--png", str(png)])
    assert again.exit_code == 2 and "exists" in again.output
    assert not (tmp_path / "b.html").exists()


@pytest.mark.parametrize("how", ["NETMAP_CHROMIUM", "PATH"])
def test_png_without_chromium_says_how_to_install_it(tmp_path, monkeypatch, how):
    if how == "NETMAP_CHROMIUM":
        monkeypatch.setenv("NETMAP_CHROMIUM", str(tmp_path / "no-such-chromium"))
    else:
        monkeypatch.delenv("NETMAP_CHROMIUM", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
    out, png = tmp_path / "map.html", tmp_path / "map.png"
    result = CliRunner().invoke(app, ["map", str(TUCSON), "-o", str(out), "--png", str(png)])
    assert result.exit_code == 1
    assert f"wrote {out}" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("netmap:")]
    assert lines == [
        "netmap: --png needs Chromium: install it (Debian/Ubuntu: apt-get install chromium; macOS: brew install"
        " --cask chromium) or set NETMAP_CHROMIUM to the browser program; the map itself was written"
    ]
    assert out.exists() and not png.exists()
