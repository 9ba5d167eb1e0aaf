"""Tests of netmap.render.report: the program officer's report, HTML (in a real headless
Chromium) and Markdown (rendered with markdown-it, as a Markdown viewer would)."""

from __future__ import annotations

import base64
import copy
import csv
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import netmap
from netmap.analysis import analyze
from netmap.cli import app
from netmap.pipeline import map_data, render_report_html, render_report_markdown, report_data, write_report
from netmap.render.map import _vis_assets
from netmap.render.report import SECTIONS, md_escape
from tests.analysis.test_diff import ALLIES, FOUR, without
from tests.conftest import EXAMPLES, TUCSON_MISSING_LOCAL, write_csv_workbook

AS_OF = "2026-11-24"  # the day the example READMEs were written against
GENERATED = "2026-11-24T09:00:00Z"
NAMES = ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"]
SECTION_IDS = [sid for sid, _ in SECTIONS]
TITLES = dict(SECTIONS)


def section_ids(*, regions: bool, changes: bool = False, suggestions: bool = False, quality: bool = False) -> list[str]:
    """The sections a report has: "regions" with two regions or more, "changes" with an earlier
    snapshot, "suggestions" with a directory (tested in test_suggestions.py), "quality" with
    survey answers (tested in test_report_quality.py)."""
    wanted = {"regions": regions, "changes": changes, "suggestions": suggestions, "quality": quality}
    return [sid for sid in SECTION_IDS if wanted.get(sid, True)]


# The examples' sections: Tucson is one region (Pima County), so it has no side-by-side comparison.
EXAMPLE_SECTIONS = {
    "tucson-behavioral-health": section_ids(regions=False),
    "oregon-pathways-alliance": section_ids(regions=True),
    "four-state-coalitions": section_ids(regions=True),
}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<!\d)(\(?\d{3}\)?[ .-]?)?\d{3}[ .-]\d{4}(?!\d)")

PAYLOADS = {
    "img": '<img src=x onerror="window.__pwned=1">',
    "script": "</script><script>window.__pwned=2</script>",
    "svg": '"\'><svg onload="window.__pwned=3">',
    "js": "javascript:window.__pwned=4",
    "md": "[link](javascript:window.__pwned=5) ![x](http://evil.example/x.png) *em* `code` ~~s~~ $x$",
}


def _p(key: str, label: str) -> str:
    return f"{label} {PAYLOADS[key]}"


# -- a small DOM, enough to read sections, tables and attributes -------------------------------

VOID = {"meta", "input", "br", "img", "link", "hr", "col", "source", "wbr", "area", "base"}


class Node:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], parent: Node | None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        if self.tag == "br":
            return "\n"
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def clean(self) -> str:
        return " ".join(self.text().split())

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def all(self, tag: str) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag]

    def by_id(self, ident: str) -> Node:
        return next(n for n in self.iter() if n.attrs.get("id") == ident)


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", [], None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def dom(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    return builder.root


def md_to_dom(text: str) -> Node:
    """Markdown as a CommonMark viewer with GFM tables shows it (raw HTML allowed, as GitHub does)."""
    return dom(MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text))


def table_rows(node: Node) -> list[list[str]]:
    return [[c.clean() for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")] for tr in node.all("tr")]


class Report:
    """One report read back: the text of each section (by id) and its tables."""

    def __init__(self, root: Node, sections: dict[str, list[Node]], order: list[str]):
        self.root, self.nodes, self.order = root, sections, order

    @classmethod
    def from_html(cls, html: str) -> Report:
        root = dom(html)
        found = [n for n in root.all("section") if "report-section" in n.attrs.get("class", "")]
        return cls(root, {n.attrs["id"]: [n] for n in found}, [n.attrs["id"] for n in found])

    @classmethod
    def from_markdown(cls, text: str) -> Report:
        root = md_to_dom(text)
        titles = {title: sid for sid, title in SECTIONS}
        sections: dict[str, list[Node]] = {}
        order, current = [], None
        for child in root.children:
            if isinstance(child, Node) and child.tag == "h2":
                number, _, title = child.clean().partition(". ")
                current = titles[title]
                order.append(current)
                assert number == str(len(order)), child.clean()  # numbered in order, none skipped
                sections[current] = []
            elif isinstance(child, Node) and current:
                sections[current].append(child)
        return cls(root, sections, order)

    def text(self, sid: str) -> str:
        return " ".join(n.clean() for n in self.nodes[sid])

    def rows(self, sid: str) -> list[list[str]]:
        return [row for n in self.nodes[sid] for row in table_rows(n)]

    def matrix(self, level: str, scope: str, agency_type: str) -> str:
        """The cell of the roster matrix for one agency type and scope ('○ missing' ...)."""
        tables = [t for n in self.nodes["roster-gaps"] for t in n.all("table")]
        for t in tables:
            rows = table_rows(t)
            if not rows or rows[0][0] != "Agency type" or scope not in rows[0]:
                continue
            # The state matrix lists the roster's "State ..." types, the local one the others.
            if (level == "state") != any(r[0].startswith("State ") for r in rows[1:]):
                continue
            for r in rows[1:]:
                if r[0] == agency_type:
                    return r[rows[0].index(scope)]
        raise AssertionError(f"no matrix cell for {level} {scope} {agency_type}")


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """Each example's graph, analysis and reports (HTML with the map, and Markdown), made once."""
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for name in NAMES:
        G = netmap.read_graph(EXAMPLES / name)
        html = write_report(G, folder / f"{name}.html", as_of=AS_OF, generated=GENERATED)
        md = write_report(G, folder / f"{name}.md", format="markdown", as_of=AS_OF, generated=GENERATED)
        out[name] = {
            "G": G,
            "analysis": analyze(G, as_of=AS_OF),
            "html_path": html,
            "html": html.read_text(encoding="utf-8"),
            "md": md.read_text(encoding="utf-8"),
        }
    return out


@pytest.mark.parametrize("part", [50, 1 << 20])
def test_the_written_report_is_the_rendered_page(examples, tmp_path, monkeypatch, part):
    """write_report writes the page as it is made, in parts (small ones here): the same bytes."""
    from netmap.render import report as page

    monkeypatch.setattr(page, "WRITE_PARTS_OF", part)
    G = examples["oregon-pathways-alliance"]["G"]
    a = analyze(G, as_of=AS_OF)
    written = page.write_report(G, a, tmp_path / "r.html", generated=GENERATED, version="1")
    assert written.read_bytes() == page.render_report_html(G, a, generated=GENERATED, version="1").encode()


def test_the_maps_data_is_spliced_in_whole_and_nothing_of_the_marker_stays(examples, tmp_path):
    """The map's data goes to the file as bytes where the template marks it: it reads back as
    the page's data, and the mark itself is nowhere in the page."""
    import json
    import re

    from netmap.render import report as page
    from netmap.render.map import map_data, page_data

    G = examples["oregon-pathways-alliance"]["G"]
    a = analyze(G, as_of=AS_OF)
    text = page.write_report(G, a, tmp_path / "r.html", generated=GENERATED, version="1").read_text("utf-8")
    found = re.findall(r'<script id="netmap-data" type="application/json">(.*?)</script>', text, re.S)
    assert len(found) == 1
    title = page.report_data(G, a, generated=GENERATED, version="1")["title"]
    expected = json.loads(json.dumps(page_data(map_data(G, a, title=title)), allow_nan=False, default=str))
    assert json.loads(found[0]) == expected
    assert "netmap-data-" not in text


def _names(G) -> dict[str, str]:
    return {d["id"]: d["name"] for _, d in G.nodes(data=True) if d.get("label") == "Partner"}


def _promises(name: str, G, analysis) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]], list]:
    """What each example's README says netmap finds, as (section, text) pairs, matrix cells
    (level, scope, agency type, status) and table rows (section, first cell, a later cell)."""
    n = _names(G)
    texts = [("findings", f.text) for f in analysis.findings]
    texts += [("appendix", "partners.csv"), ("appendix", AS_OF), ("appendix", netmap.__version__)]
    cells: list[tuple[str, str, str, str]] = []
    rows: list[tuple[str, str, str]] = []
    if name == "tucson-behavioral-health":
        cells += [("local", "Pima County", t, "missing") for t in TUCSON_MISSING_LOCAL]
        cells += [("local", "Pima County", "Local faith-based organizations", "peripheral")]
        cells += [("local", "Pima County", "Local WIB", "prospective")]
        texts += [
            ("roster-gaps", "TANF providers and human service agencies"),
            ("roster-gaps", "Economic development agencies and committees"),
            ("roster-gaps", "Reentry services"),
            ("roster-gaps", "Vocational Rehabilitation"),
            ("roles", n["DDC"]),
            ("roles", n["TIC"]),
            ("formalisation", "(TA01)"),
            ("formalisation", "(TA03)"),
            ("formalisation", "TA02, 68 days left"),
            ("formalisation", "8 of 8"),
            ("funding", "Community foundation emergency assistance grant (ends 2026-12-31)"),
            ("funding", "Behavioral health peer workforce grant (ends 2027-03-31)"),
        ]
        texts += [("formalisation", n[p]) for p in ("DDC", "DBH", "SCR", "MPS", "SFP", "USDOL")]
        texts += [("funding", n[p]) for p in ("MPS", "PCCABE", "PYT")]
        texts += [("brokers", n[p]) for p in ("PCC", "TIC", "MPS")]
        rows += [
            ("roles", "Provide training facilities and equipment", "○ uncovered"),
            ("brokers", "Pima County", "no link"),
            ("brokers", n["PCC"], "yes"),
        ]
    elif name == "oregon-pathways-alliance":
        for t in (
            "State WIB",
            "State adult education agency",
            "State economic development agency",
            "State community-based organizations",
            "State faith-based organizations",
        ):
            cells.append(("state", "statewide", t, "missing"))
        cells += [("local", "Mt. Hood", "Local WIB", "missing")]
        cells += [("local", "Mt. Hood", "Local faith-based organizations", "peripheral")]
        cells += [
            ("local", "Lane", t, "missing")
            for t in ("Local workforce agencies", "Local adult basic education providers", "Local TANF providers")
        ]
        texts += [
            ("roster-gaps", "Workforce board(s) and workforce service providers"),
            ("roster-gaps", "Veterans services"),
            ("roles", n["WVFOOD"]),
            ("formalisation", "(OA01)"),
            ("formalisation", "(OA04)"),
            ("formalisation", "OA02, 52 days left"),
            ("formalisation", "19 of 27"),
            ("funding", "Oregon pathways state grant (ends 2027-03-31)"),
            ("brokers", f"Key partner: {n['MHCC']}. If it left, 6 partner(s) would be cut off"),
        ]
        texts += [("roles", n[p]) for p in ("OPA", "CTEN", "LEAGUE")]
        # Portland Metro has a TANF provider but no human service agency: the "and" line is unmet.
        rows += [
            ("brokers", "Central Oregon", "no link"),
            ("roster-gaps", "Portland Metro", "TANF providers and human service agencies"),
        ]
        rows += [("regions", "Central Oregon", "✕ no link"), ("regions", "Portland Metro", "6 of 7")]
    else:
        for state in ("Tennessee", "Delaware", "California", "Illinois"):
            cells += [
                ("state", state, "State human service agency", "missing"),
                ("state", state, "State adult education agency", "missing"),
            ]
        cells += [("local", "Delaware", "Local WIB", "missing")]
        person = analysis.resilience.people[0]
        texts += [
            ("findings", "change of administration"),
            ("roles", n["DE-IT"]),
            ("roles", n["IL-HC"]),
            ("formalisation", "(FA03)"),
            ("formalisation", "(FA09)"),
            ("formalisation", "(FA10)"),
            ("formalisation", "FA04, 52 days left"),
            ("brokers", f"Key partner: {n['PTOP']}. If it left, 35 partner(s) would be cut off"),
        ]
        rows += [
            ("roles", "Assess skills", "○ uncovered"),
            ("roles", "Provide job placement services", "○ uncovered"),
            ("brokers", "Illinois", "11"),  # both champions turning over cut all 11 Illinois partners off
            ("brokers", person["person"], "3"),  # informal ties: the draft charter FA10 makes none
            ("brokers", n["PTOP"], "35"),
            ("regions", "Illinois", "2 of 7"),
            ("regions", "Delaware", "2 of 7"),
        ]
    return texts, cells, rows


def _check_report(report: Report, name: str, G, analysis) -> None:
    assert report.order == EXAMPLE_SECTIONS[name]
    texts, cells, rows = _promises(name, G, analysis)
    for sid, text in texts:
        assert text in report.text(sid), (sid, text)
    for level, scope, agency_type, status in cells:
        assert status in report.matrix(level, scope, agency_type), (level, scope, agency_type, status)
    for sid, first, later in rows:
        found = [r for r in report.rows(sid) if first in r]
        assert any(later in r[r.index(first) + 1 :] for r in found), (sid, first, later, found)


# -- the report's contents ----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_html_report_has_every_section_and_finding(examples, name):
    e = examples[name]
    report = Report.from_html(e["html"])
    headings = [n.clean() for n in report.root.all("h2") if n.attrs.get("id", "").endswith("-heading")]
    assert headings == [f"{i}. {TITLES[sid]}" for i, sid in enumerate(EXAMPLE_SECTIONS[name], start=1)]
    toc = [a.attrs["href"] for a in report.root.by_id("report-title").parent.all("a")]
    assert toc == [f"#{sid}" for sid in EXAMPLE_SECTIONS[name]]
    _check_report(report, name, e["G"], e["analysis"])
    # Findings, worst first, each with what to do.
    items = [li for li in report.nodes["findings"][0].all("li") if "finding" in li.attrs.get("class", "")]
    assert [li.all("p")[1].clean() for li in items] == [f.text for f in e["analysis"].findings]
    assert all("What to do:" in li.clean() for li in items)
    # Charts: inline SVG with a title and a description, and text labels.
    charts = report.root.all("svg")
    ids = {c.attrs.get("id") for c in charts}
    assert {"chart-coverage", "chart-funding"} <= ids
    for chart in (c for c in charts if c.attrs.get("id", "").startswith("chart-")):
        assert chart.attrs["role"] == "img" and chart.all("title") and chart.all("desc")
        assert chart.all("text")


@pytest.mark.parametrize("name", NAMES)
def test_markdown_report_has_every_section_and_finding(examples, name):
    e = examples[name]
    report = Report.from_markdown(e["md"])
    assert e["md"].splitlines()[0].startswith("# ")
    _check_report(report, name, e["G"], e["analysis"])
    assert "netmap map" in report.text("map")
    # Every table row has as many cells as its header: no value broke a row.
    for table in report.root.all("table"):
        rows = table_rows(table)
        assert all(len(r) == len(rows[0]) for r in rows), rows[0]


def test_report_data_is_json_deterministic_and_leaves_the_graph_alone(examples):
    G = examples["oregon-pathways-alliance"]["G"]
    before = (dict(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph))
    first = report_data(G, as_of=AS_OF, generated=GENERATED)
    assert json.loads(json.dumps(first)) == first
    assert [s["id"] for s in first["sections"]] == EXAMPLE_SECTIONS["oregon-pathways-alliance"]
    assert report_data(G, as_of=AS_OF, generated=GENERATED) == first
    assert render_report_html(G, as_of=AS_OF, generated=GENERATED) == examples["oregon-pathways-alliance"]["html"]
    assert (dict(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph)) == before
    assert report_data(G, as_of=AS_OF)["meta"]["generated"] != GENERATED  # defaults to now
    region = report_data(G, as_of=AS_OF, region="Lane", generated=GENERATED, top=3)
    assert "region Lane" in region["subtitle"]
    brokers = next(s for s in region["sections"] if s["id"] == "brokers")["tables"][0]
    assert len(brokers["rows"]) == 3


def test_write_report_writes_one_file_and_refuses_unknown_formats(tmp_path, examples):
    G = examples["tucson-behavioral-health"]["G"]
    out = write_report(G, tmp_path / "r.md", format="md", as_of=AS_OF, generated=GENERATED, map=False)
    assert out.read_text(encoding="utf-8") == examples["tucson-behavioral-health"]["md"]
    small = write_report(G, tmp_path / "r.html", as_of=AS_OF, generated=GENERATED, map=False)
    html = small.read_text(encoding="utf-8")
    assert 'id="network"' not in html and "vis.Network" not in html and 'id="map"' in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.md"]
    with pytest.raises(netmap.UsageError, match="format"):
        write_report(G, tmp_path / "r.pdf", format="pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.md"]


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def assert_strict_csp(html: str, scripts: int) -> None:
    """One policy allows exactly the page's own inline scripts and styles, by hash, and nothing else."""
    root = dom(html)
    metas = [m for m in root.all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = dict(
        (part.split()[0], part.split()[1:])
        for part in (p.strip() for p in metas[0].attrs["content"].split(";"))
        if part
    )
    assert policy["default-src"] == ["'none'"]
    for directive in ("connect-src", "font-src", "frame-src", "object-src", "base-uri", "form-action"):
        assert policy[directive] == ["'none'"], directive
    assert policy["img-src"] == ["data:"]
    assert all(src.startswith("'sha256-") for src in policy["script-src"] + policy["style-src"])
    found = [s for s in root.all("script") if s.attrs.get("type") != "application/json"]
    assert len(found) == scripts
    assert all(_sha(s.text()) in policy["script-src"] for s in found)
    assert all(_sha(s.text()) in policy["style-src"] for s in root.all("style"))
    assert len(policy["script-src"]) == len(found)
    # Nothing else could run or load: no handlers, no style attributes, no sources, no frames. (Attributes
    # as the parser reads them: escaped text such as "&lt;svg onload=" in a hostile name is no handler.)
    assert not any(k.startswith("on") for n in root.iter() for k in n.attrs)
    assert not any("style" in n.attrs for n in root.iter())
    assert not any(n.tag in ("iframe", "frame", "object", "embed", "link", "img", "base") for n in root.iter())
    assert not any("src" in n.attrs for n in root.iter())
    assert all(n.attrs["href"].startswith("#") for n in root.all("a"))


@pytest.mark.parametrize("name", NAMES)
def test_one_strict_csp_covers_every_inline_script_and_style(examples, name):
    assert_strict_csp(examples[name]["html"], scripts=3)  # the report's, vis-network, the map's


# -- the printed map ------------------------------------------------------------------------------

PRINTED_TAGS = {"svg", "g", "path", "circle", "rect", "polygon", "text", "tspan"}


def _printed(html: str) -> Node:
    figures = [n for n in dom(html).all("figure") if n.attrs.get("class") == "printed-map"]
    assert len(figures) == 1
    (svg,) = figures[0].all("svg")
    return svg


@pytest.mark.parametrize("name", NAMES)
def test_the_printed_map_draws_each_partner_where_the_map_places_it(examples, name):
    G, a = examples[name]["G"], examples[name]["analysis"]
    svg = _printed(examples[name]["html"])
    assert {n.tag for n in svg.iter()} <= PRINTED_TAGS  # shapes, lines and text: nothing else
    net = map_data(G, as_of=AS_OF)
    partners = {n["id"]: n for n in net["nodes"] if n["group"] == "partner"}
    ghosts = {n["id"]: n for n in net["nodes"] if n["group"] == "ghost"}
    captions = {n["id"]: n for n in net["nodes"] if n["group"] == "caption"}
    texts = {t.attrs["data-node"]: t for t in svg.all("text")}
    # One label each: partners, ghosts and the regions' captions.
    assert len(svg.all("text")) == len(texts) == len(partners) + len(ghosts) + len(captions)
    labelled = {**partners, **ghosts, **captions}
    # Each label in the lines the live map wraps it into (a caption on one), a line below the last.
    lines = {k: [line.text() for line in t.all("tspan")] for k, t in texts.items()}
    assert lines == {k: n["lines"] if k not in captions else [n["label"]] for k, n in labelled.items()}
    for t in texts.values():
        ys = [float(line.attrs["y"]) for line in t.all("tspan")]
        assert ys[0] == pytest.approx(float(t.attrs["y"]), abs=0.06)
        assert all(
            b - a == pytest.approx(1.2 * float(t.attrs["font-size"]), abs=0.11) for a, b in itertools.pairwise(ys)
        )
    assert any(len(v) > 1 for v in lines.values())  # some names are long enough to wrap
    # The positions are the live map's: the region layout computed in Python.
    pos = {n["partner"]: (n["x"], n["y"]) for n in partners.values()}
    assert len(pos) == len(partners) and a.as_of.isoformat() == AS_OF
    shapes = {s.attrs["data-node"]: s for s in svg.iter() if "data-node" in s.attrs and s.tag != "text"}
    assert set(shapes) == set(texts)
    for pid, (x, y) in pos.items():
        shape, node = shapes[f"p:{pid}"], partners[f"p:{pid}"]
        assert (node["x"], node["y"]) == (x, y)
        if shape.tag == "circle":
            assert (float(shape.attrs["cx"]), float(shape.attrs["cy"])) == (x, y)
        elif shape.tag == "rect":  # a square: its corner is the centre less the size
            corner = (float(shape.attrs["x"]), float(shape.attrs["y"]))
            assert corner == pytest.approx((x - node["size"], y - node["size"]), abs=0.06)
        assert float(texts[f"p:{pid}"].attrs["x"]) == pytest.approx(x, abs=0.06)
    # Ghosts are dashed grey boxes; partners keep the map's colour and shape.
    assert all(shapes[g].tag == "rect" and shapes[g].attrs["stroke-dasharray"] for g in ghosts)
    for key, node in partners.items():
        assert shapes[key].attrs["fill"] == node["color"]
        assert shapes[key].tag == {"dot": "circle", "square": "rect"}.get(node["shape"], "polygon")
    drawn = sum(len(p.attrs["d"].split("M")) - 1 for p in svg.all("path"))
    assert drawn == len(net["edges"])


def test_the_printed_map_writes_hostile_names_as_text(hostile):
    html = render_report_html(hostile, as_of=AS_OF, include_contacts=True)
    svg = _printed(html)
    assert {n.tag for n in svg.iter()} <= PRINTED_TAGS
    labels = {t.attrs["data-node"]: t for t in svg.all("text")}
    for pid, name in [
        (PAYLOADS["svg"], _p("img", "College")),
        ("P2", _p("script", "Board")),
        ("P3", _p("svg", "Employer")),
    ]:
        label = labels[f"p:{pid}"]
        assert " ".join(line.text() for line in label.all("tspan")).removeprefix("★ ") == name
        assert all(c.tag == "tspan" for c in label.children if not isinstance(c, str))
        assert all(isinstance(c, str) for line in label.all("tspan") for c in line.children)  # text, never markup
    assert_strict_csp(html, scripts=3)


def _without_vis(html: str) -> str:
    """The page without vis-network's script and stylesheet: a fixed library, no data, and slow to
    scan with these regexes (its long base64 runs make them quadratic)."""
    for asset in _vis_assets():
        html = html.replace(asset, "")
    return html


def test_no_personal_data_unless_asked(examples, tmp_path):
    for name in NAMES:
        G = examples[name]["G"]
        people = [d["name"] for _, d in G.nodes(data=True) if d.get("label") == "Person"]
        assert people
        for text in (_without_vis(examples[name]["html"]), examples[name]["md"]):
            assert not EMAIL.search(text), EMAIL.search(text)
            assert not PHONE.search(text), PHONE.search(text)
            assert not any(person in text for person in people)
    G = examples["four-state-coalitions"]["G"]
    html = _without_vis(write_report(G, tmp_path / "c.html", as_of=AS_OF, include_contacts=True).read_text("utf-8"))
    md = write_report(G, tmp_path / "c.md", format="markdown", as_of=AS_OF, include_contacts=True)
    champion = next(d["name"] for _, d in G.nodes(data=True) if d.get("label") == "Person" and d.get("champion"))
    assert EMAIL.search(html) and PHONE.search(html) and champion in html
    assert champion in Report.from_markdown(md.read_text(encoding="utf-8")).text("brokers")


# -- regions side by side -------------------------------------------------------------------------


def read(text: str, fmt: str) -> Report:
    return Report.from_html(text) if fmt == "html" else Report.from_markdown(text)


def render(G, fmt: str, **options) -> str:
    if fmt == "html":
        return render_report_html(G, as_of=AS_OF, generated=GENERATED, map=False, **options)
    return render_report_markdown(G, as_of=AS_OF, generated=GENERATED, **options)


def ranking(report: Report) -> list[list[str]]:
    """The rows of the regions' ranking (its header first)."""
    (rows,) = [table_rows(t) for n in report.nodes["regions"] for t in n.all("table") if table_rows(t)[0][0] == "Rank"]
    return rows


def region_matrix(report: Report) -> dict[str, dict[str, str]]:
    """The regions' matrix as {agency type: {column: cell}}."""
    (rows,) = [
        table_rows(t) for n in report.nodes["regions"] for t in n.all("table") if table_rows(t)[0][0] == "Agency type"
    ]
    return {r[0]: dict(zip(rows[0][1:], r[1:], strict=True)) for r in rows[1:] if len(r) == len(rows[0]) and r[1]}


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_regions_ranked_with_a_region_expected_but_not_listed(fmt):
    G = netmap.read_graph(FOUR)
    report = read(render(G, fmt, expected_regions=["Kentucky"]), fmt)
    assert report.order == section_ids(regions=True)
    rows = ranking(report)
    assert rows[0] == [
        "Rank",
        "Region",
        "Partners",
        "Present",
        "Peripheral",
        "Missing",
        "Minimum team",
        "State agencies tied to",
        "Through",
    ]
    # Most missing types first; Kentucky has nobody listed, so every local type is missing.
    assert [r[:7] for r in rows[1:]] == [
        ["1", "Kentucky", "none listed", "0", "0", "13", "0 of 7"],
        ["2", "Delaware", "13", "3", "0", "10", "2 of 7"],
        ["3", "California", "10", "4", "0", "9", "2 of 7"],
        ["4", "Illinois", "11", "1", "3", "9", "2 of 7"],
        ["5", "Tennessee", "14", "4", "1", "8", "2 of 7"],
    ]
    assert rows[1][7:] == ["✕ no link", ""]
    illinois = rows[4]
    for agency in ("Illinois Department of Commerce and Economic Opportunity", "Illinois State Board of Education"):
        assert agency in illinois[7]
    assert "Prairie Region Workforce Board" in illinois[8]  # through whom
    matrix = region_matrix(report)
    assert list(matrix["Local WIB"]) == ["Kentucky (none listed)", "Delaware", "California", "Illinois", "Tennessee"]
    assert len(matrix) == 13 and {row["Kentucky (none listed)"] for row in matrix.values()} == {"○ missing"}
    assert matrix["Local WIB"]["Delaware"] == "○ missing"
    assert matrix["Local WIB"]["Tennessee"] == "● present"
    assert matrix["Local community colleges"]["Illinois"] == "◐ peripheral"
    assert matrix["Local universities"]["Tennessee"] == "◐ peripheral"
    assert "Kentucky" in report.text("regions") and "not been mapped yet" in report.text("regions")
    if fmt == "html":
        # Hover: the partners behind a cell; and the status is in the cell as symbol and word.
        row = next(
            tr for tr in report.root.by_id("matrix-regions").all("tr") if tr.clean().startswith("Local universities")
        )
        cell = row.all("td")[4]  # Tennessee, the fifth region
        assert cell.attrs["data-status"] == "peripheral"
        assert "River Valley State University" in cell.attrs["title"]


@pytest.mark.parametrize(
    ("name", "options", "regions"),
    [
        # One region: its column of the roster matrix, its minimum team and its state links
        # are already in the report, so there is nothing to put side by side.
        ("tucson-behavioral-health", {}, None),
        ("tucson-behavioral-health", {"expected_regions": ["Pima County"]}, None),
        ("tucson-behavioral-health", {"expected_regions": ["Santa Cruz County"]}, ["Santa Cruz County", "Pima County"]),
        (
            "oregon-pathways-alliance",
            {},
            # Lane first: its board without a WorkSource center meets half an "and" line (2 of 7).
            ["Lane", "Central Oregon", "Mt. Hood", "South Coast", "Willamette Valley", "Portland Metro"],
        ),
        # A report on one region is about that region: no comparison of every region.
        ("oregon-pathways-alliance", {"region": "Lane"}, None),
    ],
)
def test_the_regions_section_is_there_when_there_is_something_to_compare(name, options, regions):
    data = report_data(netmap.read_graph(EXAMPLES / name), as_of=AS_OF, generated=GENERATED, **options)
    assert [s["id"] for s in data["sections"]] == section_ids(regions=regions is not None)
    if regions:
        section = next(s for s in data["sections"] if s["id"] == "regions")
        assert [row[1]["text"] for row in section["tables"][0]["rows"]] == regions
        assert [c.removesuffix(" (none listed)") for c in section["matrices"][0]["columns"]] == regions


def test_expected_regions_with_one_region_is_refused():
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    with pytest.raises(netmap.UsageError, match="--expect"):
        report_data(G, as_of=AS_OF, region="Lane", expected_regions=["Coos"])


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_wide_matrix_shows_symbols_and_keeps_the_words_for_screen_readers(fmt):
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    expected = [f"County {i}" for i in range(1, 9)]  # with Pima County: nine columns
    report = read(render(G, fmt, expected_regions=expected), fmt)
    matrix = region_matrix(report)
    assert len(matrix["Local WIB"]) == 9
    if fmt == "html":
        table = report.root.by_id("matrix-regions")
        assert "compact" in table.attrs["class"]
        hidden = [n.clean() for n in table.iter() if n.attrs.get("class") == "visually-hidden"]
        assert len(hidden) == 13 * 9 and set(hidden) <= {
            "present",
            "peripheral",
            "missing",
            "missing (prospective partner)",
        }
        assert matrix["Local community colleges"]["Pima County"] == "● present"  # symbol, then the hidden word
    else:
        assert matrix["Local community colleges"]["Pima County"] == "●"
        assert matrix["Local WIB"]["County 8 (none listed)"] == "○"
    # The roster matrix of one region keeps its words on screen.
    assert report.matrix("local", "Pima County", "Local WIB") == "○ missing (prospective partner)"


# -- what changed since an earlier snapshot -----------------------------------------------------


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """The four-state example (2026), and 2027 without its two Illinois state allies."""
    return netmap.read_graph(FOUR), netmap.read_graph(without(FOUR, tmp_path_factory.mktemp("snap") / "2027", ALLIES))


def changes_table(report: Report, caption: str) -> list[list[str]]:
    for n in report.nodes["changes"]:
        for t in n.all("table"):
            captions = [c.clean() for c in t.all("caption")]
            if caption in captions:
                return table_rows(t)
    # Markdown: the caption is the bold paragraph before the table.
    nodes = report.nodes["changes"]
    for before, node in itertools.pairwise(nodes):
        if node.tag == "table" and before.clean() == caption:
            return table_rows(node)
    raise AssertionError(f"no table {caption!r}")


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize(
    ("region", "headline", "lost", "partners"),
    [
        (
            None,
            "2 partner(s) lost, 6 tie(s) lost, 1 agreement(s) lost, 2 funding award(s) lost, 1 funding stream(s) "
            "lapsed, 2 partner stream(s) lapsed, 1 roster gap(s) opened, 4 broker(s) risen into the top 10, "
            "4 broker(s) fallen out of the top 10, 2 cut point(s) gained, 3 readiness score(s) changed.",
            2,
            (50, 48),
        ),
        (
            "Illinois",
            # In Illinois alone, FF19 was the WIOA Title I Adult stream's only award too.
            "2 partner(s) lost, 6 tie(s) lost, 1 agreement(s) lost, 2 funding award(s) lost, 2 funding stream(s) "
            "lapsed, 2 partner stream(s) lapsed, 1 roster gap(s) opened, 1 role gap(s) opened, 2 broker(s) risen into "
            "the top 10, 2 broker(s) fallen out of the top 10, 2 cut point(s) gained, 1 cut point(s) lost, "
            # Sustainable funding holds: it scores the current streams, which the allies' awards did not change.
            "2 readiness score(s) changed.",
            2,
            (13, 11),  # Illinois's 11 partners and the 2 national ones, then without the allies
        ),
        # Tennessee's partners and the national ones are the same in both snapshots; Illinois's
        # agreement FA10 is not Tennessee's change.
        ("Tennessee", "Nothing changed between the two snapshots.", 0, (16, 16)),
    ],
)
def test_what_changed_since_the_illinois_allies_left(snapshots, fmt, region, headline, lost, partners):
    before, after = snapshots
    report = read(render(after, fmt, since=before, region=region), fmt)
    assert report.order == section_ids(regions=region is None, changes=True)
    text = report.text("changes")
    assert headline in text
    assert f"four-state-coalitions ({partners[0]} active partners)" in text
    assert f"2027 ({partners[1]} active partners)" in text
    counts = dict(r for r in changes_table(report, "Changes by kind")[1:])
    assert counts["Partners lost"] == str(lost) and counts["Partners gained"] == "0"
    scorecard = changes_table(report, "Readiness conditions, before and after (0–100)")
    assert [r[0] for r in scorecard[1:]][:2] == ["Cross-agency partnerships", "Industry engagement"]
    if lost:
        partners = changes_table(report, "Partners lost")
        assert sorted(r[1] for r in partners[1:]) == sorted(ALLIES)
        assert [
            "Office of the Governor of Illinois",
            "IL-GOV",
            "Governor's office",
            "Illinois",
            "leadership",
            "active",
        ] in partners
        assert changes_table(report, "Funding awards lost")[1:] == [
            ["FF19", "WIOA Title I Adult", "Prairie Region Workforce Board", "$2,500,000"],
            ["FF22", "PWR Act implementation support", "Prairie State Policy Institute", "$80,000"],
        ]
        assert changes_table(report, "Roster gaps opened (the type was at the table and is now missing)")[1:] == [
            ["State economic development agency", "Economic Development", "state", "Illinois"]
        ]
        assert changes_table(report, "Agreements lost")[1][:2] == [
            "Illinois career pathways steering committee charter",
            "FA10",
        ]
    else:
        # A quiet year takes a few lines: the counts and the scorecard, no empty tables.
        captions = [c.clean() for n in report.nodes["changes"] for c in n.all("caption")]
        if fmt == "html":
            assert captions == ["Changes by kind", "Readiness conditions, before and after (0–100)"]


def test_a_region_new_since_the_earlier_snapshot(tmp_path):
    # 2026 had no Delaware partner at all: a report on Delaware since then is not an error.
    with open(FOUR / "partners.csv", encoding="utf-8", newline="") as handle:
        delaware = {r["id"] for r in csv.DictReader(handle) if r["region"] == "Delaware"}
    assert len(delaware) == 13
    before = netmap.read_graph(without(FOUR, tmp_path / "2026", delaware))
    data = report_data(netmap.read_graph(FOUR), as_of=AS_OF, generated=GENERATED, region="Delaware", since=before)
    changes = next(s for s in data["sections"] if s["id"] == "changes")
    assert changes["intro"][0].startswith("13 partner(s) gained, ")
    gained = next(t for t in changes["tables"] if t["id"] == "table-changes-partners-gained")
    assert sorted(r[1]["text"] for r in gained["rows"]) == sorted(delaware)
    assert data["meta"]["since"] == "2026"


def test_the_same_snapshot_since_itself_changes_nothing(snapshots):
    before, _ = snapshots
    data = report_data(before, as_of=AS_OF, generated=GENERATED, since=copy.deepcopy(before))
    changes = next(s for s in data["sections"] if s["id"] == "changes")
    assert changes["intro"][0] == "Nothing changed between the two snapshots."
    assert [t["id"] for t in changes["tables"]] == ["table-changes-counts", "table-changes-scorecard"]
    assert {r[1]["text"] for r in changes["tables"][0]["rows"]} == {"0"}
    assert {r[5]["text"] for r in changes["tables"][1]["rows"]} == {"no change"}


def test_report_command_with_expect_and_since(snapshots, tmp_path):
    runner = CliRunner()
    out = tmp_path / "state.md"
    later = tmp_path / "2027"
    without(FOUR, later, ALLIES)
    args = ["report", str(later), "--since", str(FOUR), "--expect", "Kentucky", "--expect", "Ohio"]
    result = runner.invoke(app, [*args, "--format", "md", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    report = Report.from_markdown(out.read_text(encoding="utf-8"))
    assert report.order == section_ids(regions=True, changes=True)
    assert [r[1] for r in ranking(report)[1:3]] == ["Kentucky", "Ohio"]
    assert "2 partner(s) lost" in report.text("changes")
    # --expect compares the whole map's regions: with --region it is a usage error, and nothing is written.
    refused = runner.invoke(
        app, ["report", str(FOUR), "--region", "Illinois", "--expect", "Kentucky", "-o", str(tmp_path / "x.html")]
    )
    assert refused.exit_code == 2 and "--expect" in refused.stderr
    missing = runner.invoke(
        app, ["report", str(FOUR), "--since", str(tmp_path / "nowhere"), "-o", str(tmp_path / "y.html")]
    )
    assert missing.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2027", "state.md"]


# -- hostile data --------------------------------------------------------------------------------


@pytest.fixture
def hostile(tmp_path):
    """A workbook with a payload in every text field netmap reads, and | and newlines in names."""
    pid = PAYLOADS["svg"]
    G = netmap.read_graph(
        write_csv_workbook(
            tmp_path / "hostile",
            {
                "partners": [
                    ["id", "name", "agency_type", "level", "region", "team", "industry", "website", "notes", "Board"],
                    [
                        pid,
                        _p("img", "College"),
                        "CC",
                        "local",
                        _p("md", "Region"),
                        "leadership",
                        _p("js", "Health"),
                        PAYLOADS["js"],
                        _p("script", "note"),
                        _p("img", "extra"),
                    ],
                    ["P2", _p("script", "Board"), "WIB", "local", _p("md", "Region"), "leadership", "", "", "", ""],
                    [
                        "P3",
                        _p("svg", "Employer"),
                        "Private businesses",
                        "local",
                        _p("md", "Region"),
                        "stakeholder",
                        _p("md", "Manufacturing"),
                        "",
                        "",
                        "",
                    ],
                    [
                        "P4",
                        _p("js", "State agency"),
                        "State workforce agency",
                        "state",
                        "",
                        "leadership",
                        "",
                        "",
                        "",
                        "",
                    ],
                    [
                        "P5",
                        "Pipe | Name\n# Second line\n- third",
                        "CBO",
                        "local",
                        _p("md", "Region"),
                        "",
                        "",
                        "",
                        "",
                        "",
                    ],
                ],
                "roles": [
                    ["partner_id", "role", "notes"],
                    [pid, "Design programs", _p("img", "how")],
                    ["P3", "Advise", _p("svg", "how")],
                    ["P5", "Support services", ""],
                ],
                "agreements": [
                    ["id", "parties", "title", "type", "expires"],
                    [_p("img", "A"), f"{pid};P2", _p("script", "MOU title"), "MOU", "2026-12-01"],
                    ["A2", "P2;P5", "Pipe | title\nwith a newline", "MOU", "2020-01-01"],
                ],
                "funding": [
                    ["id", "stream", "recipient_id", "funder_id", "program", "amount", "end"],
                    [_p("svg", "F"), _p("img", "Stream"), "P2", "P4", _p("md", "program"), "1000", "2027-01-31"],
                    ["F2", _p("md", "Stream"), "P5", "P4", "", "500", ""],
                ],
                "ties": [
                    ["source_id", "target_id", "kind", "notes"],
                    [pid, "P3", "advisory", _p("script", "tie")],
                    ["P2", "P4", "referral", ""],
                    ["P5", "P2", "collaboration", _p("md", "tie")],
                ],
                "services": [
                    ["partner_id", "service", "population"],
                    [pid, _p("img", "Service"), _p("svg", "Population")],
                ],
                "contacts": [
                    ["partner_id", "name", "title", "email", "phone", "champion"],
                    [pid, _p("img", "Jordan"), _p("script", "Dean"), "jordan@example.org", "555-0100", "yes"],
                ],
            },
        )
    )
    return G


SHOWN = [  # payload texts the report shows (notes, websites, services and extra columns it never shows)
    _p("img", "College"),
    _p("script", "Board"),
    _p("svg", "Employer"),
    _p("md", "Region"),
    _p("script", "MOU title"),
    _p("img", "Stream"),
    _p("md", "Stream"),
    _p("js", "State agency"),
    _p("img", "Expected region"),  # a region named only in expected_regions: the regions section
    _p("script", "Old name"),  # a name the earlier snapshot had: "What changed", partners renamed
]


def _state_options(G) -> dict:
    """Options that bring in the regions and what-changed sections, with payloads of their own:
    an expected region, and an earlier snapshot where P3 had another name and P5 was not a partner."""
    before = copy.deepcopy(G)
    before.nodes["Partner:P3"]["name"] = _p("script", "Old name")
    before.remove_node("Partner:P5")
    return {"expected_regions": [_p("img", "Expected region")], "since": before}


def test_markdown_escapes_everything(hostile):
    title = _p("md", "# Title") + " | x"
    source = render_report_markdown(hostile, as_of=AS_OF, title=title, include_contacts=True, **_state_options(hostile))
    assert Report.from_markdown(source).order == section_ids(regions=True, changes=True)
    root = md_to_dom(source)
    allowed = {"#root", "h1", "h2", "p", "ol", "ul", "li", "strong", "em", "table", "thead", "tbody", "tr", "th", "td"}
    allowed |= {"code", "br"}  # `netmap map`, and the <br> that stands for a newline in a value
    assert {n.tag for n in root.iter()} <= allowed, {n.tag for n in root.iter()} - allowed
    assert not any(n.attrs for n in root.iter() if n.tag not in ("th", "td", "ol"))  # no href, src, style
    assert [c.clean() for c in root.all("code")] == ["netmap map"]
    shown = root.clean()
    for payload in [*SHOWN, title, _p("img", "Jordan")]:
        assert payload in shown, payload
    assert root.all("h1")[0].clean() == title
    # "|" and newlines stay inside their cell: every row keeps the header's cell count.
    for table in root.all("table"):
        rows = table_rows(table)
        assert all(len(r) == len(rows[0]) for r in rows)
    agreements = [r for t in root.all("table") for r in table_rows(t) if r and r[0] == "Pipe | title with a newline"]
    assert agreements and agreements[0][1] == "A2"
    assert "Pipe | Name # Second line - third" in shown
    anonymous = md_to_dom(render_report_markdown(hostile, as_of=AS_OF)).clean()
    assert _p("script", "Dean") in anonymous and "Jordan" not in anonymous  # the champion by job title
    # md_escape on its own
    assert md_escape("1. one") == "1\\. one" and md_escape("+ x") == "\\+ x" and md_escape("a@b.org") == "a\\@b\\.org"
    assert md_escape("http://x.org") == "http\\://x\\.org" and md_escape("a\nb") == "a<br>b"


# -- in the browser ---------------------------------------------------------------------------------


def _shots(tmp_path) -> Path:
    shots = Path(os.environ.get("NETMAP_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


@pytest.mark.parametrize("name", NAMES)
def test_examples_open_offline(examples, open_page, tmp_path, name):
    e = examples[name]
    page = open_page(e["html_path"])
    assert page.requests == [e["html_path"].resolve().as_uri()]  # nothing but the file itself
    assert page.messages == []  # no errors, no CSP violations
    nodes = map_data(e["G"], as_of=AS_OF)["nodes"]
    assert page.js("window.netmap.network.body.nodeIndices.length") == len(nodes)
    assert page.js("[...document.querySelectorAll('section.report-section')].map(s => s.id)") == EXAMPLE_SECTIONS[name]
    png = page.page.screenshot(path=str(_shots(tmp_path) / f"report-{name}.png"), full_page=True)
    assert len(png) > 200_000


def _column(page, table: str, index: int) -> list[str | None]:
    return page.js(
        f"[...document.querySelectorAll('#{table} tbody tr')].map(r => r.cells[{index}].getAttribute('data-value'))"
    )


def test_sorting_tables(examples, open_page, tmp_path):
    G = examples["tucson-behavioral-health"]["G"]
    out = write_report(G, tmp_path / "sort.html", as_of=AS_OF, map=False)
    page = open_page(out)
    # Amounts shown as "$2,400,000" and "$30,000" sort as numbers.
    amount = page.page.locator("#table-streams thead th").nth(4)
    amount.locator("button").click()
    values = [float(v) for v in _column(page, "table-streams", 4)]
    assert values == sorted(values) and values[0] < values[-1]
    assert amount.get_attribute("aria-sort") == "ascending"
    amount.locator("button").click()
    assert [float(v) for v in _column(page, "table-streams", 4)] == sorted(values, reverse=True)
    assert amount.get_attribute("aria-sort") == "descending"
    assert "Sorted by Amount, descending" in page.js("document.getElementById('sort-status').textContent")
    # By keyboard: focus the header's button and press Enter.
    page.page.locator("#table-brokers thead th").nth(3).locator("button").focus()
    page.page.keyboard.press("Enter")
    ties = [int(v) for v in _column(page, "table-brokers", 3)]
    assert ties == sorted(ties) and ties != [int(v) for v in sorted(ties, reverse=True)]
    # Text columns sort alphabetically.
    page.page.locator("#table-streams thead th").nth(0).locator("button").click()
    names = page.js("[...document.querySelectorAll('#table-streams tbody tr')].map(r => r.cells[0].textContent)")
    assert names == sorted(names, key=str.casefold)
    assert page.messages == []


def test_state_report_opens_offline_and_sorts_its_new_tables(snapshots, open_page, tmp_path):
    before, after = snapshots
    out = write_report(after, tmp_path / "state.html", as_of=AS_OF, since=before, expected_regions=["Kentucky"])
    html = out.read_text(encoding="utf-8")
    assert_strict_csp(html, scripts=3)
    page = open_page(out)
    assert page.requests == [out.resolve().as_uri()]
    assert page.messages == []
    ids = page.js("[...document.querySelectorAll('section.report-section')].map(s => s.id)")
    assert ids == section_ids(regions=True, changes=True)
    # The ranking sorts by its numbers: fewest missing types first, then back.
    page.page.locator("#table-regions thead th").nth(5).locator("button").click()
    missing = [int(v) for v in _column(page, "table-regions", 5)]
    assert missing == [8, 9, 9, 10, 13]  # Tennessee, California, Illinois, Delaware, Kentucky
    page.page.locator("#table-regions thead th").nth(1).locator("button").click()
    regions = page.js("[...document.querySelectorAll('#table-regions tbody tr')].map(r => r.cells[1].textContent)")
    assert regions == ["California", "Delaware", "Illinois", "Kentucky", "Tennessee"]
    # "What changed": the lost awards sort by amount, not by the text "$2,500,000".
    page.page.locator("#table-changes-funding-lost thead th").nth(3).locator("button").click()
    assert [float(v) for v in _column(page, "table-changes-funding-lost", 3)] == [80000.0, 2500000.0]
    # Every matrix cell carries its status as a word, not colour alone.
    words = page.js("[...document.querySelectorAll('#matrix-regions td')].map(td => td.innerText.trim())")
    assert len(words) == 13 * 5 and all(w.split(" ", 1)[1] in ("present", "peripheral", "missing") for w in words)
    page.page.emulate_media(media="print")
    assert page.js("getComputedStyle(document.getElementById('regions')).breakBefore") == "page"
    assert page.js("getComputedStyle(document.querySelector('#matrix-regions td.st-present')).backgroundColor") == (
        "rgb(255, 255, 255)"
    )  # on paper the symbol and word carry the status
    page.page.emulate_media(media="screen")
    page.page.locator("#regions").screenshot(path=str(_shots(tmp_path) / "report-regions.png"))
    assert page.messages == []


def test_print_hides_the_controls_and_makes_a_pdf(examples, open_page, tmp_path):
    page = open_page(examples["tucson-behavioral-health"]["html_path"])
    hidden = ".toc, .map-controls, #filters, #search, #reset, .sort-mark"
    # Whether each is drawn at all (an element inside a hidden one keeps its own display).
    shown = "[...document.querySelectorAll('%s')].map(e => e.getClientRects().length > 0)"
    assert all(page.js(shown % hidden))
    assert page.js("getComputedStyle(document.querySelector('.map-note')).display") == "none"
    page.page.emulate_media(media="print")
    assert not any(page.js(shown % hidden))
    assert page.js("getComputedStyle(document.querySelector('.map-note')).display") == "block"
    assert page.js("getComputedStyle(document.getElementById('roles')).breakBefore") == "page"
    assert page.js("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    pdf = page.page.pdf(path=str(_shots(tmp_path) / "report-tucson-behavioral-health.pdf"), format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages > 5, pages
    page.page.emulate_media(media="screen")


def _pdf(page, path: Path) -> tuple[int, list[str]]:
    """Print the open page to a Letter PDF: its page count and each page's text (pdftotext -raw)."""
    pdf = page.page.pdf(path=str(path), format="Letter")
    count = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return count, [" ".join(p.split()) for p in text.split("\f")[:count]]


@pytest.mark.parametrize("name", ["tucson-behavioral-health", "oregon-pathways-alliance"])
def test_the_map_prints_as_a_labelled_drawing_on_one_page(examples, open_page, tmp_path, name):
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is not installed: scripts/test.sh installs it")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    G = examples[name]["G"]
    # Each partner's name in the lines the map wraps it into (neighbours' lines share a baseline).
    drawn = [
        " ".join(line.split())
        for n in map_data(G, as_of=AS_OF)["nodes"]
        if n["group"] == "partner"
        for line in n["lines"]
    ]
    page = open_page(examples[name]["html_path"])
    shown = "getComputedStyle(document.querySelector('%s')).display"
    assert (page.js(shown % ".map-frame"), page.js(shown % "figure.printed-map")) == ("flex", "none")
    page.page.emulate_media(media="print")
    assert (page.js(shown % ".map-frame"), page.js(shown % "figure.printed-map")) == ("none", "block")
    count, texts = _pdf(page, _shots(tmp_path) / f"report-{name}-map.pdf")
    page.page.emulate_media(media="screen")
    assert page.messages == []
    # The map section is one page, heading and drawing together, with every partner's name on it.
    (at,) = [i for i, t in enumerate(texts) if "Interactive map Every active partner" in t]
    flat = " ".join(texts[at].split())
    assert all(line in flat for line in drawn), [line for line in drawn if line not in flat]
    assert "Appendix: what this report was built from" in texts[at + 1][:60]  # the next section's page
    # ... and no more pages than the report without the map: no blank or near-blank page.
    bare = open_page(write_report(G, tmp_path / f"{name}-no-map.html", as_of=AS_OF, generated=GENERATED, map=False))
    bare.page.emulate_media(media="print")
    bare_count, _ = _pdf(bare, tmp_path / f"{name}-no-map.pdf")
    assert count == bare_count, (count, bare_count)


def test_the_first_printed_page_is_not_the_title_alone(examples, open_page, tmp_path):
    # The title, then the summary on the same sheet: a first page holding only the title
    # (every section started a page, the first one too) is the page a reader turns past.
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is not installed: scripts/test.sh installs it")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    page = open_page(examples["tucson-behavioral-health"]["html_path"])
    page.page.emulate_media(media="print")
    _, texts = _pdf(page, _shots(tmp_path) / "report-first-page.pdf")
    page.page.emulate_media(media="screen")
    assert "1. Summary" in texts[0] and "2. Headline findings" in texts[0], texts[0][:300]


def _map_points(page) -> list[tuple[float, float]]:
    return page.js(
        """(() => {
        const net = window.netmap.network, box = document.getElementById('network').getBoundingClientRect();
        const pos = net.getPositions(window.netmap.shown().nodes.filter(id => id.startsWith('p:')));
        return Object.keys(pos).map(id => {
          const p = net.canvasToDOM(pos[id]);
          return [p.x + box.left, p.y + box.top];
        });
      })()"""
    )


def test_payloads_show_as_text_and_run_nothing(open_page, hostile, tmp_path):
    for contacts in (False, True):
        out = write_report(
            hostile,
            tmp_path / f"hostile-{contacts}.html",
            as_of=AS_OF,
            title=_p("svg", "Title"),
            include_contacts=contacts,
            **_state_options(hostile),
        )
        page = open_page(out)
        page.page.locator("#network").scroll_into_view_if_needed()
        tips = []
        for x, y in _map_points(page):
            page.page.mouse.move(x, y)
            page.page.wait_for_timeout(180)
            tips.append(page.js("(document.querySelector('div.vis-tooltip') || {}).textContent || ''"))
            page.page.mouse.click(x, y)
        for button in page.page.query_selector_all("th button.sort"):
            button.click()
        assert page.js("window.__pwned") is None
        assert page.dialogs == []
        assert page.messages == []  # nothing even tried to run (a CSP block would be logged)
        assert page.requests == [out.resolve().as_uri()]
        injected = (
            "img, iframe, object, embed, b, i, a:not([href^='#']),"
            " svg:not(.chart-svg):not(.swatch):not(.line):not(.printed-map-svg)"
        )
        assert page.js(f"document.querySelectorAll({json.dumps(injected)}).length") == 0
        assert page.js("document.title") == _p("svg", "Title")
        assert page.js("document.getElementById('report-title').textContent") == _p("svg", "Title")
        text = page.js("document.body.innerText")
        for payload in SHOWN:
            assert payload in text, payload
        assert _p("img", "College") in "\n".join(tips)
        html = out.read_text(encoding="utf-8")
        if contacts:
            assert _p("img", "Jordan") in text and "jordan@example.org" in html
        else:
            assert "Jordan" not in html and "jordan@example.org" not in html
            assert _p("script", "Dean") in text  # the champion, by job title
