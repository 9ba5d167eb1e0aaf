"""Tests of ``netmap report --each-region``: netmap.pipeline.write_region_reports and
netmap.render.report.regions_index (the index page, its heatmap and summary map), on the
four-state example, in a real headless Chromium and through the command line."""

from __future__ import annotations

import csv
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.pipeline import write_region_reports
from netmap.render.report.regions_index import region_file_names
from tests.conftest import EXAMPLES
from tests.render.conftest import Page

AS_OF = "2026-11-24"
FOUR = EXAMPLES / "four-state-coalitions"
REGIONS = ["Tennessee", "Delaware", "California", "Illinois"]
FILES = [
    "region-tennessee.html",
    "region-delaware.html",
    "region-california.html",
    "region-illinois.html",
    "index.html",
    "netmap-reports.json",
]
LINES = [
    "workforce-board-and-providers",
    "postsecondary",
    "adult-education",
    "tanf-and-human-services",
    "economic-development",
    "cbos",
    "local-businesses",
]
# The state-level partners some region's partners are tied to (every state agency of the example).
STATE_PARTNERS = "TN-DOE TN-ECD TN-DOL TN-TBR DE-DOE DE-MFA CA-CCCO CA-CDE IL-DCEO IL-ICCB IL-ISBE".split()
HOSTILE = "<img src=x onerror=alert(1)>"


class Index(HTMLParser):
    """The parts of index.html the tests read: links, heatmap cells, summary map nodes and edges."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.cells: dict[str, dict[str, str]] = {}
        self.nodes: list[tuple[str, str]] = []
        self.edges: dict[tuple[str, str], int] = {}
        self._row: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "tr" and "data-region" in a:
            self._row = a["data-region"]
            self.cells[self._row] = {}
        elif tag == "td" and self._row is not None and "data-status" in a:
            self.cells[self._row][a["data-requirement"]] = a["data-status"]
        elif tag == "g" and "data-kind" in a:
            self.nodes.append((a["data-kind"], a["data-id"]))
        elif tag == "line" and "data-ties" in a:
            self.edges[a["data-region"], a["data-state"]] = int(a["data-ties"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None


@pytest.fixture(scope="module")
def four_reports(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("each-region") / "reports"
    G = netmap.read_graph(FOUR)
    write_region_reports(G, folder, as_of=AS_OF, generated="2026-11-24T09:00:00Z")
    return folder


def test_region_reports_files_and_links(four_reports):
    assert sorted(p.name for p in four_reports.iterdir()) == sorted(FILES)
    index = Index((four_reports / "index.html").read_text(encoding="utf-8"))
    # Every report is linked (from the heatmap, the region's card and the list of reports).
    assert {link for link in index.links if not link.startswith("#")} == set(FILES[:4])
    manifest = json.loads((four_reports / "netmap-reports.json").read_text(encoding="utf-8"))
    assert manifest == {"netmap": "region reports", "files": sorted(FILES[:5])}


@pytest.mark.parametrize(
    ("region", "statuses"),
    [
        # The analysis's coverage (RegionRow.minimum): Tennessee has a Local WIB but no local
        # workforce agency (partly); community colleges and businesses (met); nothing else.
        ("Tennessee", ["partly", "met", "missing", "missing", "missing", "missing", "met"]),
        # Delaware has neither a Local WIB nor a workforce agency: missing, not partly.
        ("Delaware", ["missing", "met", "missing", "missing", "missing", "missing", "met"]),
        ("Illinois", ["partly", "met", "missing", "missing", "missing", "missing", "met"]),
    ],
)
def test_region_reports_heatmap_cells(four_reports, region, statuses):
    index = Index((four_reports / "index.html").read_text(encoding="utf-8"))
    assert list(index.cells) == ["Delaware", "California", "Illinois", "Tennessee"]  # most gaps first
    assert index.cells[region] == dict(zip(LINES, statuses, strict=True))


@pytest.mark.parametrize(
    ("region", "own", "others"),
    [
        ("Tennessee", ["Tennessee Department of Education", "Tennessee Board of Regents"], ["Delaware", "Illinois"]),
        ("Delaware", ["Delaware Department of Education", "Delaware manufacturers association"], ["Tennessee"]),
    ],
)
def test_region_reports_each_is_scoped(four_reports, region, own, others):
    text = (four_reports / region_file_names([region])[region]).read_text(encoding="utf-8")
    assert f"region {region}" in text  # the report's subtitle names its region
    for name in own:
        assert name in text
    for other in others:
        assert f"{other} Department of Education" not in text


def test_region_reports_summary_map(four_reports):
    index = Index((four_reports / "index.html").read_text(encoding="utf-8"))
    assert [n for kind, n in index.nodes if kind == "region"] == REGIONS
    assert sorted(n for kind, n in index.nodes if kind == "state") == sorted(STATE_PARTNERS)
    # Four Delaware partners are tied to its Department of Education; two California partners to CDE.
    assert index.edges["Delaware", "DE-DOE"] == 4
    assert index.edges["California", "CA-CDE"] == 2
    assert index.edges["Tennessee", "TN-ECD"] == 1
    assert len(index.edges) == 11


def test_region_reports_markdown(tmp_path):
    G = netmap.read_graph(FOUR)
    files = write_region_reports(G, tmp_path, format="md", as_of=AS_OF, expected_regions=["Kentucky"])
    assert [p.name for p in files] == [f.replace(".html", ".md") for f in FILES[:4]] + [
        "index.md",
        "netmap-reports.json",
    ]
    html = MarkdownIt("commonmark").enable("table").render((tmp_path / "index.md").read_text(encoding="utf-8"))
    for name in REGIONS:
        assert f'<a href="region-{name.lower()}.md">{name}</a>' in html
    assert "Kentucky: no partner listed, no report" in html
    assert "<td>◐ partly</td>" in html


@pytest.fixture
def hostile_workbook(tmp_path) -> Path:
    """The four-state example with Illinois renamed to a piece of HTML."""
    folder = tmp_path / "hostile"
    shutil.copytree(FOUR, folder)
    path = folder / "partners.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("region")
    for row in rows[1:]:
        if row[column] == "Illinois":
            row[column] = HOSTILE
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return folder


def test_region_reports_heatmap_headers_are_readable(four_reports, browser_context):
    # The requirement names are long ("Workforce board(s) and workforce service providers"):
    # at 1366 px each wraps inside its own column instead of running into the next one.
    page = Page(browser_context, four_reports / "index.html", viewport=(1366, 768))
    try:
        fits = page.js(
            "[...document.querySelectorAll('#heatmap thead th')].map(th => th.scrollWidth <= th.clientWidth + 1)"
        )
        assert len(fits) == 9 and all(fits), fits
    finally:
        page.close()


def test_region_reports_hostile_region_name_is_text(hostile_workbook, tmp_path, browser_context):
    out = tmp_path / "out"
    files = write_region_reports(netmap.read_graph(hostile_workbook), out, as_of=AS_OF)
    assert "region-img-src-x-onerror-alert-1.html" in [p.name for p in files]
    text = (out / "index.html").read_text(encoding="utf-8")
    assert HOSTILE not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    page = Page(browser_context, out / "index.html", viewport=(1366, 768))
    try:
        assert page.js("document.querySelectorAll('img').length") == 0
        assert page.dialogs == [] and all(url.startswith("file:") for url in page.requests)
        assert HOSTILE in page.js("document.getElementById('heatmap').textContent")
        assert [m for m in page.messages if m[0] in ("error", "pageerror")] == []
    finally:
        page.close()


def test_region_reports_command(tmp_path):
    runner = CliRunner()
    out = tmp_path / "reports"
    result = runner.invoke(app, ["report", str(FOUR), "--each-region", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert "wrote 4 region reports and the index" in result.stderr
    # Again without --force: refused, nothing changed.
    again = runner.invoke(app, ["report", str(FOUR), "--each-region", "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    # With --force as Markdown: the HTML files the first run listed are replaced, nothing else is.
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    md = runner.invoke(app, ["report", str(FOUR), "--each-region", "-o", str(out), "--format", "md", "--force"])
    assert md.exit_code == 0, md.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f.replace(".html", ".md") for f in FILES[:5]] + ["netmap-reports.json", "notes.txt"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "Tennessee"], "leave out --region"),
        (["--format", "pdf"], "--format must be html or md"),
    ],
)
def test_region_reports_command_usage_errors(tmp_path, args, message):
    result = CliRunner().invoke(app, ["report", str(FOUR), "--each-region", "-o", str(tmp_path / "r"), *args])
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "r").exists()


def test_region_reports_need_two_regions(tmp_path):
    result = CliRunner().invoke(
        app, ["report", str(EXAMPLES / "tucson-behavioral-health"), "--each-region", "-o", str(tmp_path / "r")]
    )
    assert result.exit_code == 2 and "two regions or more" in result.stderr


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_region_reports_are_the_same_written_by_one_process_or_two(tmp_path, monkeypatch, fmt):
    """Every other region's report is written by a forked worker: the files are the same
    as those one process writes (NETMAP_PARALLEL=0), byte for byte."""
    from netmap import _background

    G = netmap.read_graph(EXAMPLES / "four-state-coalitions")
    common = {"format": fmt, "as_of": "2026-07-01", "generated": "2026-07-01T00:00:00+00:00"}
    forked = []
    start = _background.start

    def counting_start(fn, *args, **kwargs):
        job = start(fn, *args, **kwargs)
        forked.append(job.forked)
        return job

    monkeypatch.setattr(_background, "start", counting_start)
    can_fork = _background.parallel_enabled()  # Linux with two CPUs or more
    two = write_region_reports(G, tmp_path / "two", **common)
    monkeypatch.setenv("NETMAP_PARALLEL", "0")
    one = write_region_reports(G, tmp_path / "one", **common)
    assert forked == [can_fork, False], "the first run forks where it can, the second does not"
    assert [p.name for p in two] == [p.name for p in one]
    for a, b in zip(two, one, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
