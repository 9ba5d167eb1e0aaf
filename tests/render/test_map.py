"""Tests of netmap.render.map: the offline HTML map, in a real headless Chromium."""

from __future__ import annotations

import html as htmllib
import json
import math
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.pipeline import map_data, write_map
from netmap.render.map import page_data
from tests.conftest import EXAMPLES, TUCSON_MISSING_LOCAL, write_csv_workbook

AS_OF = "2026-11-24"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<!\d)(\(?\d{3}\)?[ .-]?)?\d{3}[ .-]\d{4}(?!\d)")

PAYLOADS = {
    "img": '<img src=x onerror="window.__pwned=1">',
    "script": "</script><script>window.__pwned=2</script>",
    "svg": '"\'><svg onload="window.__pwned=3">',
    "js": "javascript:window.__pwned=4",
    "tpl": "{{7*7}} ${7*7} {% raw %}",
    "bold": "<b>bold</b> & <i>it</i>",
}


def _p(key: str, label: str) -> str:
    return f"{label} {PAYLOADS[key]}"


@pytest.fixture
def hostile(tmp_path):
    """A workbook with a payload in every text field netmap reads."""
    pid = PAYLOADS["svg"]  # even an id
    return write_csv_workbook(
        tmp_path / "hostile",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "team", "industry", "website", "notes", "Board"],
                [
                    pid,
                    _p("img", "College"),
                    "CC",
                    "local",
                    _p("bold", "Region"),
                    "leadership",
                    _p("tpl", "Health"),
                    PAYLOADS["js"],
                    _p("script", "note"),
                    _p("img", "extra"),
                ],
                ["P2", _p("script", "Board"), "WIB", "local", _p("bold", "Region"), "leadership", "", "", "", ""],
                [
                    "P3",
                    _p("svg", "Employer"),
                    "Private businesses",
                    "local",
                    _p("bold", "Region"),
                    "stakeholder",
                    _p("bold", "Manufacturing"),
                    "",
                    "",
                    "",
                ],
                ["P4", _p("tpl", "State agency"), "State workforce agency", "state", "", "leadership", "", "", "", ""],
            ],
            "roles": [
                ["partner_id", "role", "notes"],
                [pid, "Design programs", _p("img", "how")],
                ["P3", "Advise", _p("svg", "how")],
            ],
            "agreements": [
                ["id", "parties", "title", "type"],
                [_p("img", "A"), f"{pid};P2", _p("script", "MOU title"), "MOU"],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id", "program", "amount"],
                [_p("svg", "F"), _p("img", "Stream"), "P2", "P4", _p("bold", "program"), "1000"],
            ],
            "ties": [
                ["source_id", "target_id", "kind", "notes"],
                [pid, "P3", "advisory", _p("script", "tie")],
                ["P2", "P4", "referral", ""],
            ],
            "services": [["partner_id", "service", "population"], [pid, _p("img", "Service"), _p("svg", "Population")]],
            "contacts": [
                ["partner_id", "name", "title", "email", "phone", "champion"],
                [pid, _p("img", "Jordan"), _p("script", "Dean"), "jordan@example.org", "555-0100", "yes"],
            ],
        },
    )


def _hover_all(page) -> list[str]:
    """Hover every node on the canvas; return the tooltip text seen for each."""
    points = page.js(
        """(() => {
        const net = window.netmap.network, box = document.getElementById('network').getBoundingClientRect();
        const pos = net.getPositions(window.netmap.shown().nodes);
        return Object.keys(pos).map(id => { const p = net.canvasToDOM(pos[id]);
          return [id, p.x + box.left, p.y + box.top]; });
      })()"""
    )
    seen = []
    for _, x, y in points:
        page.page.mouse.move(x, y)
        page.page.wait_for_timeout(260)
        text = page.js("(document.querySelector('div.vis-tooltip') || {}).textContent || ''")
        seen.append(text)
    return seen


def _write(G, path, **options):
    return write_map(G, path, as_of=AS_OF, **options)


# -- the file itself ------------------------------------------------------------------


def test_the_file_is_self_contained_with_a_csp(tmp_path):
    out = _write(netmap.read_graph(EXAMPLES / "tucson-behavioral-health"), tmp_path / "map.html")
    html = out.read_text(encoding="utf-8")
    csp = htmllib.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1))
    assert csp.startswith("default-src 'none'; script-src 'sha256-")
    assert "connect-src 'none'" in csp and "unsafe-eval" not in csp
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing to fetch
    assert "<link" not in html
    assert re.findall(r"<script[^>]*\ssrc=", html) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]  # no lib/ folder


def test_no_personal_data_unless_asked(tmp_path):
    for name in ("tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"):
        G = netmap.read_graph(EXAMPLES / name)
        html = _write(G, tmp_path / f"{name}.html").read_text(encoding="utf-8")
        assert not EMAIL.search(html), EMAIL.search(html)
        assert not PHONE.search(html), PHONE.search(html)
        people = [d["name"] for _, d in G.nodes(data=True) if d.get("label") == "Person"]
        assert people and not any(person in html for person in people)
    with_contacts = _write(G, tmp_path / "with.html", include_contacts=True).read_text(encoding="utf-8")
    assert EMAIL.search(with_contacts) and PHONE.search(with_contacts)


def test_map_data_counts_and_options(tmp_path):
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    data = map_data(G, as_of=AS_OF)
    partners = [n for n in data["nodes"] if n["group"] == "partner"]
    ghosts = [n for n in data["nodes"] if n["group"] == "ghost"]
    assert len(partners) == 14  # the prospective Pima County WIB is not drawn as a partner
    assert sorted(g["label"] for g in ghosts if g["region"] == "Pima County") == sorted(
        f"missing: {t} (Pima County)" for t in TUCSON_MISSING_LOCAL
    )
    assert len(ghosts) == len(netmap.analysis.roster_gaps(G).missing)
    assert not any(n["group"] == "ghost" for n in map_data(G, gaps=False)["nodes"])
    funding = [e for e in data["edges"] if e["kind"] == "funding"]
    assert funding and all(e["arrows"] == "to" for e in funding)
    sizes = {n["partner"]: n["size"] for n in map_data(G, size_by="betweenness")["nodes"] if n["group"] == "partner"}
    assert max(sizes, key=sizes.get) in {"PCC", "TIC"}
    assert data["layout"] == "fixed" and map_data(G, layout="physics")["layout"] == "physics"
    assert all("x" in n for n in map_data(G, layout="fixed")["nodes"] if n["group"] == "partner")


@pytest.mark.parametrize(("option", "value"), [("size_by", "colour"), ("layout", "spiral")])
def test_bad_options_are_usage_errors(option, value):
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    with pytest.raises(netmap.UsageError, match=option.replace("_", "-")):
        map_data(G, **{option: value})


def test_map_does_not_mutate_the_graph():
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    before = (dict(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph))
    map_data(G, as_of=AS_OF)
    assert (dict(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph)) == before


def test_cli_writes_only_the_output_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "map",
            str(EXAMPLES / "tucson-behavioral-health"),
            "-o",
            "out.html",
            "--as-of",
            AS_OF,
            "--size-by",
            "brokerage",
            "--no-gaps",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]
    data = json.loads(
        re.search(
            r'id="netmap-data" type="application/json">(.*?)</script>',
            (tmp_path / "out.html").read_text(encoding="utf-8"),
            re.S,
        ).group(1)
    )
    assert data["size_by"] == "brokerage" and not any(n["group"] == "ghost" for n in data["nodes"])
    bad = CliRunner().invoke(app, ["map", str(EXAMPLES / "tucson-behavioral-health"), "--size-by", "x"])
    assert bad.exit_code == 2 and "--size-by" in bad.stderr


# -- in the browser -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"])
def test_examples_render_offline(tmp_path, open_page, name):
    G = netmap.read_graph(EXAMPLES / name)
    out = _write(G, tmp_path / "map.html")
    data = map_data(G, as_of=AS_OF)
    page = open_page(out)
    shown = page.js("window.netmap.shown()")
    assert len(shown["nodes"]) == len(data["nodes"])
    assert len(shown["edges"]) == len(data["edges"])
    drawn = page.js("window.netmap.network.body.nodeIndices.length")
    assert drawn == len(data["nodes"])
    assert page.requests == [out.resolve().as_uri()]  # nothing but the file itself
    assert page.messages == []  # no errors, no CSP violations
    # Physics has stopped: positions do not move any more.
    before = page.js("JSON.stringify(window.netmap.network.getPositions())")
    page.page.wait_for_timeout(600)
    assert page.js("JSON.stringify(window.netmap.network.getPositions())") == before
    shots = Path(os.environ.get("NETMAP_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    png = page.page.screenshot(path=str(shots / f"map-{name}.png"))
    assert len(png) > 30_000  # a drawn map, not a blank page


def test_payloads_show_as_text_and_run_nothing(tmp_path, open_page, hostile):
    tables = netmap.read_workbook(hostile)
    assert tables.ok, tables.errors
    G = netmap.build_graph(tables)
    for contacts in (False, True):
        out = _write(G, tmp_path / f"hostile-{contacts}.html", title=_p("svg", "Title"), include_contacts=contacts)
        page = open_page(out)
        tips = _hover_all(page)
        # every menu and filter: toggle each checkbox off and on, and search each payload
        for box in page.page.query_selector_all("#filters input[type=checkbox]"):
            box.click()
            box.click()
        for payload in PAYLOADS.values():
            page.page.fill("#search", payload)
            page.page.press("#search", "Enter")
        assert page.js("window.__pwned") is None
        assert page.dialogs == []
        assert page.messages == []  # nothing even tried to run (a CSP block would be logged)
        assert page.js("document.querySelectorAll('img, svg, b, i, iframe, object, embed').length") == 0
        assert page.js("document.title") == _p("svg", "Title")
        assert page.js("document.getElementById('title').textContent") == _p("svg", "Title")
        joined = "\n".join(tips)
        for text in (
            _p("img", "College"),
            _p("script", "Board"),
            _p("svg", "Employer"),
            _p("bold", "Region"),
            _p("script", "MOU title"),
            _p("img", "Stream"),
            _p("tpl", "Health"),
        ):
            assert text in joined, text
        if contacts:
            assert _p("img", "Jordan") in joined and "jordan@example.org" in joined
        else:
            assert "Jordan" not in out.read_text(encoding="utf-8")
        options = page.js("[...document.querySelectorAll('#partner-names option')].map(o => o.value)")
        assert _p("img", "College") in options
        labels = page.js("[...document.querySelectorAll('#filters label')].map(l => l.textContent.trim())")
        assert _p("bold", "Region") in labels
        assert page.requests == [out.resolve().as_uri()]


def test_filters_and_search_change_what_is_shown(tmp_path, open_page):
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    data = map_data(G, as_of=AS_OF)
    page = open_page(_write(G, tmp_path / "map.html"))
    total = len(page.js("window.netmap.shown().nodes"))
    employers = sum(1 for n in data["nodes"] if n["category"] == "employers")
    page.page.click("input[data-filter='category'][value='employers']")
    assert len(page.js("window.netmap.shown().nodes")) == total - employers
    page.page.click("input[data-filter='category'][value='employers']")
    assert len(page.js("window.netmap.shown().nodes")) == total
    ghosts = sum(1 for n in data["nodes"] if n["group"] == "ghost")
    page.page.click("#show-ghosts")
    assert len(page.js("window.netmap.shown().nodes")) == total - ghosts
    page.page.click("#show-ghosts")
    lane = sum(1 for n in data["nodes"] if n["region"] == "Lane")
    page.page.click("input[data-filter='region'][value='Lane']")
    assert len(page.js("window.netmap.shown().nodes")) == total - lane
    page.page.click("input[data-filter='region'][value='Lane']")
    funding = sum(1 for e in data["edges"] if e["kind"] == "funding")
    edges = len(page.js("window.netmap.shown().edges"))
    page.page.click("input[data-filter='kind'][value='funding']")
    assert len(page.js("window.netmap.shown().edges")) == edges - funding
    page.page.click("input[data-filter='kind'][value='funding']")

    page.page.fill("#search", "mt. hood community")
    page.page.press("#search", "Enter")
    assert page.js("document.getElementById('status').textContent").startswith("Mt. Hood Community College: ")
    assert page.js("window.netmap.network.getSelectedNodes()") == ["p:MHCC"]
    # The neighbourhood keeps its colours; everyone else is dimmed.
    near = page.js("window.netmap.network.getConnectedNodes('p:MHCC')")
    far = next(
        f"p:{n['partner']}"
        for n in data["nodes"]
        if n["group"] == "partner" and f"p:{n['partner']}" not in near and n["partner"] != "MHCC"
    )
    dimmed = page.js(f"window.netmap.network.body.data.nodes.get({json.dumps(far)}).color.background")
    neighbour = near[0]
    kept = page.js(f"window.netmap.network.body.data.nodes.get({json.dumps(neighbour)}).color.background")
    assert dimmed == "#eeeeee" and kept != "#eeeeee"
    page.page.fill("#search", "no such partner")
    page.page.press("#search", "Enter")
    assert "No partner matches" in page.js("document.getElementById('status').textContent")
    page.page.click("#reset")
    assert page.js(f"window.netmap.network.body.data.nodes.get({json.dumps(far)}).color.background") != "#eeeeee"


def test_fixed_layout_opens_without_physics(tmp_path, open_page):
    rows = [["id", "name", "agency_type", "region"]]
    rows += [
        [f"P{i}", f"Partner {i}", ["CC", "WIB", "CBO", "Private businesses"][i % 4], f"R{i % 5}"] for i in range(400)
    ]
    ties = [["source_id", "target_id"]] + [[f"P{i}", f"P{(i * 7 + 3) % 400}"] for i in range(400)]
    G = netmap.read_graph(write_csv_workbook(tmp_path / "big", {"partners": rows, "ties": ties}))
    out = _write(G, tmp_path / "big.html")
    assert map_data(G, as_of=AS_OF)["layout"] == "fixed"  # auto picks fixed above 300 partners
    page = open_page(out)
    assert page.js("window.netmap.network.physics.physicsEnabled") is False
    assert page.messages == []


def test_unicode_survives(tmp_path, open_page):
    G = netmap.read_graph(
        write_csv_workbook(
            tmp_path / "u",
            {
                "partners": [
                    ["id", "name", "agency_type"],
                    ["1", "Tohono O’odham Nation — Café 東京 ñ", "Tribal workforce program"],
                ]
            },
        )
    )
    out = _write(G, tmp_path / "u.html")
    assert "Tohono O’odham Nation — Café 東京 ñ" in out.read_bytes().decode("utf-8")
    page = open_page(out)
    options = page.js("[...document.querySelectorAll('#partner-names option')].map(o => o.value)")
    assert options == ["Tohono O’odham Nation — Café 東京 ñ"]


@pytest.mark.parametrize("name", ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"])
def test_the_page_packs_edges_without_losing_what_is_drawn(name):
    data = map_data(netmap.read_graph(EXAMPLES / name), as_of=AS_OF)
    packed = page_data(data)
    assert {k: v for k, v in packed.items() if k != "edges"} == {k: v for k, v in data.items() if k != "edges"}
    tables = packed["edges"]
    assert len(tables["rows"]) == len(data["edges"]) > 0
    # Unpacked as map.js does, every edge is drawn from, to, styled and titled as before.
    for row, edge in zip(tables["rows"], data["edges"], strict=True):
        ends, kind, style, width, arrows, tooltip = row[:2], row[2], row[3], row[4], row[5], row[6]
        assert [data["nodes"][i]["id"] for i in ends] == [edge["from"], edge["to"]]
        assert tables["kinds"][kind] == edge["kind"]
        assert tables["styles"][style] == [edge["color"], edge["dashes"]]
        assert (width, tables["arrows"][arrows], tables["tooltips"][tooltip]) == (
            edge["width"],
            edge["arrows"],
            edge["tooltip"],
        )
    # Each distinct value is stored once.
    for table in ("kinds", "arrows"):
        assert len(tables[table]) == len(set(tables[table]))
    assert len(tables["styles"]) == len({json.dumps(s) for s in tables["styles"]})
    assert len(tables["tooltips"]) == len({json.dumps(t) for t in tables["tooltips"]})


def test_lapsed_and_planned_rows_are_drawn_apart_from_current_ties(make_graph):
    """A-B: a current tie and a draft MOU (the tie is drawn, the draft named in its tooltip);
    C-D: only an MOU that expired (a faint dashed "lapsed" edge); B-C: a tie row that ended
    and an award not yet begun (one "lapsed" edge naming both). None of them is a current tie."""
    G = make_graph(
        {
            "partners": [["id", "name", "agency_type"], *[[p, p, "CC"] for p in "ABCD"]],
            "agreements": [
                ["id", "parties", "title", "expires", "status"],
                ["M1", "A;B", "Practicum", "", "draft"],
                ["M2", "C;D", "Founding MOU", "2013-09-30", ""],
            ],
            "ties": [
                ["source_id", "target_id", "kind", "end"],
                ["A", "B", "referral", ""],
                ["B", "C", "", "2024-12-31"],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id", "start"],
                ["F1", "Grant", "C", "B", "2027-07-01"],
            ],
        }
    )
    data = map_data(G, as_of="2026-12-07")
    edges = {e["id"]: e for e in data["edges"] if e["kind"] != "gap"}
    assert sorted(edges) == ["t:A|B", "x:B|C", "x:C|D"]
    assert edges["t:A|B"]["kind"] == "referral"
    assert ["Planned", "Practicum (agreement)"] in edges["t:A|B"]["tooltip"]
    assert (edges["x:C|D"]["kind"], edges["x:C|D"]["tooltip"]) == (
        "lapsed",
        [["Lapsed", "Founding MOU (agreement), ended 2013-09-30"]],
    )
    assert edges["x:B|C"]["kind"] == "lapsed"
    assert edges["x:B|C"]["tooltip"] == [
        ["Lapsed", "collaboration tie, ended 2024-12-31"],
        ["Planned", "Grant award, starts 2027-07-01"],
    ]
    assert {e["kind"] for e in data["legend"]["edges"]} >= {"lapsed", "referral"}


# -- interactions that hold (issue 19) ------------------------------------------------------

OREGON = "oregon-pathways-alliance"

# Every node's and edge's colour and label as the data set holds them and as the network
# draws them (vis-network merges updates into its own copy of the options, so both count).
_LOOK = """(() => {
  const body = window.netmap.network.body, out = {};
  body.data.nodes.get().forEach(n => {
    const o = body.nodes[n.id].options;
    out[n.id] = {item: {color: n.color, font: n.font, label: n.label},
                 drawn: {color: o.color, font: (o.font || {}).color, label: o.label}};
  });
  body.data.edges.get().forEach(e => {
    out[e.id] = {item: {color: e.color}, drawn: {color: body.edges[e.id].options.color}};
  });
  return out;
})()"""


def _click_node(page, node_id: str) -> None:
    """Click a node where it is drawn on the canvas."""
    x, y = page.js(
        f"""(() => {{
        const net = window.netmap.network, box = document.getElementById('network').getBoundingClientRect();
        const p = net.canvasToDOM(net.getPositions([{json.dumps(node_id)}])[{json.dumps(node_id)}]);
        return [p.x + box.left, p.y + box.top];
      }})()"""
    )
    page.page.mouse.click(x, y)


def _empty_point(page) -> tuple[float, float]:
    """A point on the canvas with no node on it (tried on a grid, nearest to a corner)."""
    return page.js(
        """(() => {
        const net = window.netmap.network, box = document.getElementById('network').getBoundingClientRect();
        for (let y = 20; y < box.height; y += 30) for (let x = 20; x < box.width; x += 30)
          if (net.getNodeAt({x, y}) === undefined && net.getEdgeAt({x, y}) === undefined)
            return [x + box.left, y + box.top];
        return null;
      })()"""
    )


def _oregon(tmp_path, open_page):
    G = netmap.read_graph(EXAMPLES / OREGON)
    data = map_data(G, as_of=AS_OF)
    return data, open_page(_write(G, tmp_path / "map.html"))


def _status(page) -> str:
    return page.js("document.getElementById('status').textContent")


@pytest.mark.parametrize("how", ["empty space", "show all", "search cleared"])
def test_highlight_then_reset_restores_every_label_and_colour(tmp_path, open_page, how):
    data, page = _oregon(tmp_path, open_page)
    before = page.js(_LOOK)
    _click_node(page, "p:MHCC")
    assert page.js("window.netmap.network.getSelectedNodes()") == ["p:MHCC"]
    dimmed = page.js(_LOOK)
    assert sum(dimmed[i] != before[i] for i in before) > len(data["nodes"]) / 2  # the click did dim
    if how == "empty space":
        page.page.mouse.click(*_empty_point(page))
    elif how == "show all":
        page.page.click("#reset")
    else:
        page.page.fill("#search", "")
        page.page.press("#search", "Enter")
    after = page.js(_LOOK)
    changed = sorted(i for i in before if after[i] != before[i])
    assert changed == [], f"{len(changed)} of {len(before)} not restored, e.g. {changed[:3]}"


def test_filters_never_move_a_node(tmp_path, open_page):
    data, page = _oregon(tmp_path, open_page)
    # Every node's position, hidden or not (getPositions() alone leaves hidden ones out).
    where = "window.netmap.network.getPositions(window.netmap.network.body.data.nodes.getIds())"
    start = page.js(where)
    assert len(start) == len(data["nodes"])
    boxes = page.page.query_selector_all("#filters input[type=checkbox]")
    assert len(boxes) > 10
    for box in boxes:
        box.click()  # off
        page.page.wait_for_timeout(50)
        now = page.js(where)
        box.click()  # on again
        page.page.wait_for_timeout(50)
        back = page.js(where)
        for positions in (back, now):  # back first: a node shown again is where it was
            moved = {
                i: (round(positions[i]["x"] - p["x"]), round(positions[i]["y"] - p["y"]))
                for i, p in start.items()
                if abs(positions[i]["x"] - p["x"]) > 0.5 or abs(positions[i]["y"] - p["y"]) > 0.5
            }
            assert moved == {}, (box.get_attribute("value"), moved)
    assert len(page.js("window.netmap.shown().nodes")) == len(data["nodes"])
    assert len(page.js("window.netmap.shown().edges")) == len(data["edges"])


def test_a_filter_hides_through_the_data_set_and_hides_the_ties_of_hidden_partners(tmp_path, open_page):
    data, page = _oregon(tmp_path, open_page)
    page.page.click("input[data-filter='region'][value='Lane']")
    lane = {n["id"] for n in data["nodes"] if n["region"] == "Lane"}
    hidden = set(page.js("window.netmap.network.body.data.nodes.get({filter: n => n.hidden}).map(n => n.id)"))
    assert hidden == lane
    touching = {f"e{i}" for i, e in enumerate(data["edges"]) if e["from"] in lane or e["to"] in lane}
    assert touching and not touching & set(page.js("window.netmap.shown().edges"))
    assert page.js("Object.keys(window.netmap.network.body.nodes).length") == len(data["nodes"])  # none removed


def test_show_all_clears_every_filter_and_the_search(tmp_path, open_page):
    data, page = _oregon(tmp_path, open_page)
    for selector in (
        "input[data-filter='category'][value='employers']",
        "input[data-filter='region'][value='Lane']",
        "input[data-filter='kind'][value='funding']",
        "#show-ghosts",
    ):
        page.page.click(selector)
    page.page.fill("#search", "mt. hood community")
    page.page.press("#search", "Enter")
    assert len(page.js("window.netmap.shown().nodes")) < len(data["nodes"])
    page.page.click("#reset")
    assert page.js("[...document.querySelectorAll('#filters input')].filter(b => !b.checked).length") == 0
    assert page.js("document.getElementById('search').value") == ""
    assert page.js("window.netmap.network.getSelectedNodes()") == []
    assert len(page.js("window.netmap.shown().nodes")) == len(data["nodes"])
    assert len(page.js("window.netmap.shown().edges")) == len(data["edges"])


def test_searching_a_hidden_partner_offers_to_show_it(tmp_path, open_page):
    data, page = _oregon(tmp_path, open_page)
    employer = next(n for n in data["nodes"] if n["category"] == "employers")
    assert page.js("document.getElementById('show-hidden').hidden") is True
    page.page.click("input[data-filter='category'][value='employers']")
    page.page.fill("#search", employer["name"].lower())
    page.page.press("#search", "Enter")
    assert _status(page) == f"\u201c{employer['name']}\u201d is hidden by a filter (category)."
    assert "No partner matches" not in _status(page)
    button = page.page.locator("#show-hidden")
    assert button.is_visible() and button.text_content() == f"Show {employer['name']}"
    button.click()
    assert page.js("document.querySelector(\"input[data-filter='category'][value='employers']\").checked")
    assert employer["id"] in page.js("window.netmap.shown().nodes")
    assert page.js("window.netmap.network.getSelectedNodes()") == [employer["id"]]
    assert _status(page).startswith(f"{employer['name']}: ")
    assert page.js("document.getElementById('show-hidden').hidden") is True
    # A name that is nowhere still says so.
    page.page.fill("#search", "no such partner")
    page.page.press("#search", "Enter")
    assert _status(page) == "No partner matches \u201cno such partner\u201d"
    assert page.js("document.getElementById('show-hidden').hidden") is True
    assert page.messages == []


def test_direct_partner_counts_exclude_ghosts(tmp_path, open_page):
    data, page = _oregon(tmp_path, open_page)
    ghosts = {n["id"] for n in data["nodes"] if n["group"] == "ghost"}
    assert ghosts
    seen = {}
    for n in data["nodes"]:
        if n["group"] != "partner":
            continue
        page.js(f"window.netmap.highlight({json.dumps(n['id'])})")
        ties = dict(n["tooltip"])["Ties"]
        seen[n["id"]] = (_status(page), f"{n['name']}: {ties} direct partner(s)")
    wrong = {i: s for i, s in seen.items() if s[0] != s[1]}
    assert wrong == {}


# Colour checks for the category palette. WCAG 2 relative luminance and contrast; colour
# vision deficiencies simulated with Machado, Oliveira and Fernandes (2009) at full
# severity, on linear RGB; distances as CIE76 Delta E in CIELAB (D65).
_CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _linear(hex_colour: str) -> list[float]:
    out = []
    for i in (1, 3, 5):
        c = int(hex_colour[i : i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return out


def _contrast_on_white(hex_colour: str) -> float:
    r, g, b = _linear(hex_colour)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    r, g, b = (min(1.0, max(0.0, v)) for v in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _hue(hex_colour: str) -> float:
    import colorsys

    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


@pytest.mark.parametrize(
    ("colour", "expected"),
    [("#FFFFFF", 1.0), ("#000000", 21.0), ("#767676", 4.54), ("#56B4E9", 2.31), ("#F0E442", 1.32)],
)
def test_contrast_on_white_is_wcag_contrast(colour, expected):
    assert round(_contrast_on_white(colour), 2) == expected


def test_category_palette_is_legible_and_colour_blind_safe():
    from itertools import combinations

    from netmap.render.map import PALETTE

    categories = PALETTE[:-1]  # the last colour is for partners without a category
    assert len(set(PALETTE)) == len(PALETTE) == 8
    # Every node colour, the fallback too, stands out at least 3:1 on the white page.
    assert {c: round(_contrast_on_white(c), 2) for c in PALETTE if _contrast_on_white(c) < 3} == {}
    # No two categories in one hue family: hues at least 30 degrees apart around the wheel.
    close = [
        (a, b) for a, b in combinations(categories, 2) if min(abs(_hue(a) - _hue(b)), 360 - abs(_hue(a) - _hue(b))) < 30
    ]
    assert close == []
    # Still apart for readers with each common colour-vision deficiency.
    for name, m in _CVD.items():
        seen = {c: _lab([sum(m[i][j] * v for j, v in enumerate(_linear(c))) for i in range(3)]) for c in categories}
        nearest = min(math.dist(seen[a], seen[b]) for a, b in combinations(categories, 2))
        assert nearest >= 7.5, (name, nearest)


def test_categories_keep_the_roster_order_colours():
    from netmap.render.map import PALETTE

    data = map_data(netmap.read_graph(EXAMPLES / "tucson-behavioral-health"), as_of=AS_OF)
    legend = {c["id"]: c["color"] for c in data["legend"]["categories"]}
    assert legend["education"] == PALETTE[1] and legend["employers"] == PALETTE[4]
    assert legend["education"] != legend["employers"]
    assert all(n["color"] == legend[n["category"]] for n in data["nodes"] if n["group"] == "partner" and n["category"])


def _clusters(data):
    """Each caption's cluster box, and the nodes by group."""
    boxes = {n["region"]: tuple(n["box"]) for n in data["nodes"] if n["group"] == "caption"}
    return (
        boxes,
        [n for n in data["nodes"] if n["group"] == "partner"],
        [n for n in data["nodes"] if n["group"] == "ghost"],
    )


def _inside(at, box):
    return box[0] <= at[0] <= box[2] and box[1] <= at[1] <= box[3]


def _apart(a, b):
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize(
    "name", ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions", "pima-county-211"]
)
def test_examples_are_laid_out_by_region_with_captions_and_ghosts_inside(name):
    from netmap.render.map import CHAR, GHOST_SHARE, LINE

    G = netmap.read_graph(EXAMPLES / name)
    data = map_data(G, as_of=AS_OF)
    assert data["layout"] == "fixed" and data["options"]["physics"]["enabled"] is False
    boxes, partners, ghosts = _clusters(data)
    cluster = {n["id"]: None if n["level"] in ("state", "national") else n["region"] for n in partners}
    ghost_cluster = {g["id"]: None if g["scope"].startswith("state|") else g["region"] for g in ghosts}
    # One caption per cluster: each region with partners or ghosts, and the state level.
    assert set(boxes) == set(cluster.values()) | set(ghost_cluster.values())
    for n in data["nodes"]:
        if n["group"] == "caption":
            assert n["label"] == (n["region"] or "State level") and n["shape"] == "text"
            assert _inside((n["x"], n["y"]), boxes[n["region"]])
    # No two clusters' boxes overlap; each partner and ghost is inside its own cluster's box.
    assert all(_apart(boxes[a], boxes[b]) for a in boxes for b in boxes if a != b)
    font = GHOST_SHARE * data["label_font"]
    for g in ghosts:
        at = (g["x"], g["y"])
        assert _inside(at, boxes[ghost_cluster[g["id"]]]), g["label"]
        # Never on a partner: its square and the label below it clear of each partner's shape.
        half_w = CHAR * font * max(map(len, g["lines"])) / 2
        top, bottom = at[1] - g["size"], at[1] + g["size"] + LINE * font * len(g["lines"])
        for p in partners:
            dx = max(abs(p["x"] - at[0]) - half_w, 0)
            dy = max(top - p["y"], p["y"] - bottom, 0)
            assert math.hypot(dx, dy) > p["size"], (g["label"], p["label"])
        where = g["region"] or ("state level" if g["scope"].startswith("state|") else "no region")
        assert g["label"].endswith(f" ({where})") and g["label"].startswith("missing: ")
    for p in partners:
        assert _inside((p["x"], p["y"]), boxes[cluster[p["id"]]]), p["label"]


def test_region_layout_repeats_for_the_same_seed():
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    first, again = (
        [(n["id"], n.get("x"), n.get("y")) for n in map_data(G, as_of=AS_OF, seed=5)["nodes"]] for _ in range(2)
    )
    assert first == again
    assert first != [(n["id"], n.get("x"), n.get("y")) for n in map_data(G, as_of=AS_OF, seed=6)["nodes"]]


def test_twelve_regions_read_as_twelve_captioned_clusters():
    from netmap.render.map import _region_layout
    from tests.render.test_map_scale import synthetic_partner_graph

    P = synthetic_partner_graph(2000, 3, seed=1)
    for _, d in P.nodes(data=True):  # the generator's 33 regions folded into 12
        if d["region"] is not None:
            d["region"] = f"Region {int(d['region'].split()[1]) % 12:02d}"
    regions = sorted({d["region"] for _, d in P.nodes(data=True)} - {None})
    assert len(regions) == 12
    ghosts = {r: 3 for r in regions} | {None: 4}
    out = _region_layout(P, 2, ghosts)
    assert out == _region_layout(P, 2, ghosts)
    centres = out["centres"]
    assert set(centres) == {*regions, None}
    # No two clusters overlap (each cluster's box holds its partners, ghosts and caption).
    boxes = out["boxes"]
    assert all(_apart(boxes[a], boxes[b]) for a in boxes for b in boxes if a != b)
    for region, ring in out["ghosts"].items():
        assert len(ring) == ghosts[region]
        assert all(_inside(at, boxes[region]) for at in ring)
    for n, at in out["partners"].items():
        d = P.nodes[n]
        assert _inside(at, boxes[None if d.get("level") in ("state", "national") else d["region"]])


def test_physics_layout_has_no_captions():
    data = map_data(netmap.read_graph(EXAMPLES / "tucson-behavioral-health"), as_of=AS_OF, layout="physics")
    assert data["layout"] == "physics" and not any(n["group"] == "caption" for n in data["nodes"])
