"""Tests of netmap.render.diff_report: the page of what changed between two snapshots, HTML (in a
real headless Chromium) and Markdown (rendered with markdown-it), and ``netmap diff -o``."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netmap
from netmap.analysis.diff import diff
from netmap.cli import app
from netmap.pipeline import diff_data, render_diff_html, render_diff_markdown, write_diff_report
from netmap.render.diff_report import DIFF_SECTIONS
from tests.analysis.test_diff import ALLIES, FOUR, NORTH, a_year_on, without
from tests.conftest import write_csv_workbook
from tests.render.test_report import (
    AS_OF,
    GENERATED,
    PAYLOADS,
    Node,
    _column,
    _p,
    _shots,
    assert_strict_csp,
    dom,
    md_to_dom,
    table_rows,
)

SECTION_IDS = [sid for sid, _ in DIFF_SECTIONS]
HEADLINE = (
    "2 partner(s) lost, 6 tie(s) lost, 1 agreement(s) lost, 2 funding award(s) lost, 1 funding stream(s) lapsed, "
    "2 partner stream(s) lapsed, 1 roster gap(s) opened, 4 broker(s) risen into the top 10, 4 broker(s) fallen out "
    "of the top 10, 2 cut point(s) gained, 3 readiness score(s) changed."
)


class Changes:
    """One page of changes read back: the text of each section (by id) and its tables by caption."""

    def __init__(self, root: Node, sections: dict[str, list[Node]], order: list[str]):
        self.root, self.nodes, self.order = root, sections, order

    @classmethod
    def read(cls, text: str, fmt: str) -> Changes:
        if fmt == "html":
            root = dom(text)
            found = [n for n in root.all("section") if "report-section" in n.attrs.get("class", "")]
            return cls(root, {n.attrs["id"]: [n] for n in found}, [n.attrs["id"] for n in found])
        root = md_to_dom(text)
        titles = {title: sid for sid, title in DIFF_SECTIONS}
        sections: dict[str, list[Node]] = {}
        order, current = [], None
        for child in root.children:
            if isinstance(child, Node) and child.tag == "h2":
                number, _, title = child.clean().partition(". ")
                current = titles[title]
                order.append(current)
                assert number == str(len(order))
                sections[current] = []
            elif isinstance(child, Node) and current:
                sections[current].append(child)
        return cls(root, sections, order)

    def text(self, sid: str) -> str:
        return " ".join(n.clean() for n in self.nodes[sid])

    def table(self, caption: str) -> list[list[str]]:
        """The rows of the table with this caption (header first); [] when it is empty."""
        nodes = [n for ns in self.nodes.values() for n in ns]
        for n in nodes:
            for t in n.all("table"):
                if [c.clean() for c in t.all("caption")] == [caption]:
                    if any("empty" in tr.attrs.get("class", "") for tr in t.all("tr")):
                        return []  # the row that says "No partner joined."
                    return table_rows(t)
        # Markdown: the caption is the bold paragraph before the table (or before "*empty*").
        for before, node in itertools.pairwise(nodes):
            if before.clean() == caption:
                return table_rows(node) if node.tag == "table" else []
        raise AssertionError(f"no table {caption!r}")


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """The four-state example, then the same without its two Illinois state allies."""
    after = without(FOUR, tmp_path_factory.mktemp("snap") / "2027", ALLIES)
    return netmap.read_graph(FOUR), netmap.read_graph(after), after


def render(old, new, fmt: str, **options) -> str:
    options = {"as_of": AS_OF, "generated": GENERATED, **options}
    return (render_diff_html if fmt == "html" else render_diff_markdown)(old, new, **options)


# -- what the page says -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_illinois_allies_leaving(snapshots, fmt):
    old, new, _ = snapshots
    page = Changes.read(render(old, new, fmt), fmt)
    assert page.order == SECTION_IDS
    summary = page.text("summary")
    assert HEADLINE in summary
    for fact in ("four-state-coalitions (50 active partners)", "2027 (48 active partners)", "$2,580,000"):
        assert fact in summary, fact
    counts = dict(page.table("Changes by kind")[1:])
    assert counts == {
        "Partners gained": "0",
        "Partners lost": "2",
        "Partners renamed": "0",
        "Partners changed (type, level, region, team or status)": "0",
        "Ties gained": "0",
        "Ties lost": "6",
        "Agreements gained": "0",
        "Agreements lost": "1",
        "Funding awards gained": "0",
        "Funding awards lost": "2",
        "Agreements no longer current": "0",  # FA10 was a draft: lost, but it bound no one
        "Agreements renewed or newly current": "0",
        "Funding streams lapsed": "1",
        "Funding streams new": "0",
        "Partners' streams lapsed": "2",
        "Partners' streams new": "0",
        "Roster gaps closed": "0",
        "Roster gaps opened": "1",
        "Population gaps closed": "0",
        "Population gaps opened": "0",
        "Role gaps closed": "0",
        "Role gaps opened": "0",
        "Brokers risen into the top 10": "4",
        "Brokers fallen out of the top 10": "4",
        "Cut points gained": "2",
        "Cut points lost": "0",
        "Readiness conditions whose score or rating changed": "3",
    }
    assert sorted(page.table("Partners lost")[1:]) == [
        [
            "Illinois Department of Commerce and Economic Opportunity",
            "IL-DCEO",
            "State economic development agency",
            "Illinois",
            "leadership",
            "active",
        ],
        ["Office of the Governor of Illinois", "IL-GOV", "Governor's office", "Illinois", "leadership", "active"],
    ]
    assert page.table("Partners gained") == [] and "No partner joined." in page.text("partners")
    ties = page.table("Ties lost")[1:]
    assert len(ties) == 6
    allies = {"Illinois Department of Commerce and Economic Opportunity", "Office of the Governor of Illinois"}
    assert all(allies & {t[0], t[1]} for t in ties)  # by name, not id
    assert ["Prairie State Policy Institute", "Office of the Governor of Illinois", "advisory"] in ties
    agreement = page.table("Agreements lost")[1]
    assert agreement[:2] == ["Illinois career pathways steering committee charter", "FA10"]
    assert "Prairie State Policy Institute" in agreement[2]
    assert page.table("Funding awards lost")[1:] == [
        ["FF19", "WIOA Title I Adult", "Prairie Region Workforce Board", "$2,500,000"],
        ["FF22", "PWR Act implementation support", "Prairie State Policy Institute", "$80,000"],
    ]
    assert page.table("Roster gaps opened (the type was at the table and is now missing)")[1:] == [
        ["State economic development agency", "Economic Development", "state", "Illinois"]
    ]
    # FF22 was the PWR Act stream's only award; FF19 one of several WIOA Title I Adult awards.
    assert page.table("Funding streams current before and not now")[1:] == [
        ["PWR Act implementation support", "Prairie State Policy Institute", "active", "not listed"]
    ]
    assert page.table("Partners' funding streams lapsed")[1:] == [
        ["Prairie Region Workforce Board", "IL-WDB", "WIOA Title I Adult"],
        ["Prairie State Policy Institute", "IL-CONS", "PWR Act implementation support"],
    ]
    # Without the state allies, the high schools and the state board hang on one partner each.
    assert page.table("Cut points gained (partners whose leaving would now split the network)")[1:] == [
        ["Prairie Region High School District", "IL-HS"],
        ["Illinois State Board of Education", "IL-ISBE"],
    ]
    fallen = page.table("Brokers fallen out of the top 10 by betweenness")[1:]
    assert fallen[0] == ["Illinois Department of Commerce and Economic Opportunity", "#2", "no: left the partnership"]
    # #9, not #6: the draft charter FA10 no longer ties it to the other Illinois signers.
    assert ["Illinois Community College Board", "#9", "yes"] in fallen
    risen = page.table("Brokers risen into the top 10 by betweenness")[1:]
    # Betweenness of a map without its draft charter's ties (FA10 binds no one): the California
    # education department rises first, River Valley Community College next.
    assert [r[0] for r in risen[:2]] == ["California Department of Education", "River Valley Community College"]
    card = {r[0]: r[1:] for r in page.table("Readiness conditions, before and after (0–100)")[1:]}
    assert len(card) == 6
    assert card["Cross-agency partnerships"] == ["59.2", "developing", "61", "developing", "+1.8"]
    # Measured strong, rated developing: the state teams are incomplete (a high finding).
    assert card["Policy alignment"] == ["81.7", "developing", "80", "developing", "-1.7"]
    assert card["Industry engagement"][-1] == "no change"
    appendix = page.text("appendix")
    assert all(text in appendix for text in ("four-state-coalitions", "2027", AS_OF, netmap.__version__, GENERATED))


def test_the_same_snapshot_twice_changes_nothing(snapshots):
    old, _, _ = snapshots
    data = diff_data(old, copy.deepcopy(old), as_of=AS_OF, generated=GENERATED)
    assert data["meta"]["changed"] is False and set(data["meta"]["counts"].values()) == {0}
    assert data["title"] == "four-state-coalitions: what changed"
    assert data["sections"][0]["intro"][0] == "Nothing changed between the two snapshots."
    lists = [t for s in data["sections"][1:5] for t in s["tables"]]
    assert len(lists) == 26 and all(t["rows"] == [] and t["empty"].startswith("No ") for t in lists)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_renamed_and_changed_partners_are_matched_by_id(small_workbook, fmt):
    old = netmap.read_graph(small_workbook)
    new = copy.deepcopy(old)
    new.nodes["Partner:P1"]["name"] = "Pima College"
    new.nodes["Partner:P4"]["team"] = "leadership"
    new.nodes["Partner:P2"]["agency_type"] = "local-wib"
    new.nodes["Partner:P2"]["region"] = None
    page = Changes.read(render(old, new, fmt), fmt)
    assert page.table("Partners renamed (same id, new name)")[1:] == [["P1", "Pima Community College", "Pima College"]]
    changed = {r[1]: r for r in page.table("Partners whose agency type, level, region, team or status changed")[1:]}
    assert changed["P4"] == ["Desert Diamond Casino", "P4", "team: stakeholder → leadership"]
    # Agency types by their roster names; a blank value says so.
    for text in ("agency type: Local workforce agencies → Local WIB", "region: Pima → (blank)"):
        assert text in changed["P2"][2], changed["P2"]
    assert page.table("Partners lost") == [] and page.table("Partners gained") == []
    assert "1 partner(s) renamed, 2 partner(s) changed" in page.text("summary")


def test_page_data_is_json_deterministic_and_leaves_the_graphs_alone(snapshots):
    old, new, _ = snapshots
    before = [(dict(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph)) for G in (old, new)]
    first = diff_data(old, new, as_of=AS_OF, generated=GENERATED)
    assert json.loads(json.dumps(first)) == first
    assert [s["id"] for s in first["sections"]] == SECTION_IDS
    assert first["title"] == "2027: what changed since four-state-coalitions"
    assert diff_data(old, new, as_of=AS_OF, generated=GENERATED) == first
    assert diff_data(old, new, generated=GENERATED, changes=diff(old, new, as_of=AS_OF)) == first
    assert [
        (dict(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph)) for G in (old, new)
    ] == before
    assert diff_data(old, new, as_of=AS_OF, title="Illinois, a year on")["title"] == "Illinois, a year on"


@pytest.mark.parametrize(("fmt", "first_line"), [("html", "<!DOCTYPE html>"), ("md", "# T"), ("markdown", "# T")])
def test_write_diff_report_writes_one_file(snapshots, tmp_path, fmt, first_line):
    old, new, _ = snapshots
    out = write_diff_report(old, new, tmp_path / "changes", format=fmt, as_of=AS_OF, title="T")
    assert out.read_text(encoding="utf-8").splitlines()[0] == first_line
    assert [p.name for p in tmp_path.iterdir()] == ["changes"]


def test_write_diff_report_refuses_what_it_cannot_do(snapshots, tmp_path):
    old, new, _ = snapshots
    with pytest.raises(netmap.UsageError, match="--format"):
        write_diff_report(old, new, tmp_path / "changes.pdf", format="pdf", as_of=AS_OF)
    assert list(tmp_path.iterdir()) == []


def test_write_diff_report_makes_the_folder_it_is_asked_for(snapshots, tmp_path):
    old, new, _ = snapshots
    out = write_diff_report(old, new, tmp_path / "no-such-folder" / "changes.html", format="html", as_of=AS_OF)
    assert out == tmp_path / "no-such-folder" / "changes.html" and out.read_text(encoding="utf-8").startswith("<!DOC")


def test_one_strict_csp_for_the_page(snapshots):
    old, new, _ = snapshots
    assert_strict_csp(render(old, new, "html"), scripts=1)  # the sortable-table script, nothing else


# -- everything the analysis says: the hand-made North map, a year on ----------------------------


@pytest.fixture
def north(tmp_path):
    """The North map of tests/analysis/test_diff.py and the same a year on (a VR office joins, M1 is
    renewed, M2 terminated, the county levy gone, E offers training facilities), as workbook folders."""
    return write_csv_workbook(tmp_path / "north-2025", NORTH), write_csv_workbook(tmp_path / "north-2026", a_year_on())


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_year_on_in_north(north, fmt):
    old, new = (netmap.read_graph(p) for p in north)
    page = Changes.read(render(old, new, fmt), fmt)
    assert page.order == SECTION_IDS
    summary = page.text("summary")
    for said in (
        "1 agreement(s) no longer current",
        "1 agreement(s) renewed or newly current",
        "1 funding stream(s) lapsed",
        "1 new funding stream(s)",
        "1 population gap(s) closed",
        "2 role gap(s) closed",
        "1 role gap(s) opened",
        "1 cut point(s) gained",
        "2 cut point(s) lost",
    ):
        assert said in summary, said
    assert page.table(
        "Population gaps closed (a population served with the partner type it calls for now at the table)"
    )[1:] == [["People with disabilities", "Vocational Rehabilitation", "North", "North College"]]
    assert page.table("Population gaps opened (a population served without the partner type it calls for)") == []
    assert page.table("Agreements current now that were not before, or renewed to a later end")[1:] == [
        ["M1", "M1", "North College; North Workforce Board", "expired (ends 2025-06-30)", "current (ends 2028-06-30)"]
    ]
    rows = page.table(
        "Agreements current before and not now (expired, terminated, back to draft, or no longer listed)"
    )[1:]
    assert [r[0] for r in rows] == ["M2"] and rows[0][3:] == ["current (ends 2027-06-30)", "expired (ends 2027-06-30)"]
    assert page.table("Funding streams current before and not now")[1:] == [
        ["County levy", "North Human Services", "active", "not listed"]
    ]
    assert page.table("Funding streams current now and not before")[1:] == [
        ["State VR grant", "North Vocational Rehabilitation", "not listed", "active"]
    ]
    assert page.table("Role gaps closed")[1:] == [
        ["Provide training facilities and equipment", "uncovered (no partner)", "none", "North Plastics"],
        [
            "Provide labor market information",
            "one partner only",
            "North Workforce Board",
            "North College; North Workforce Board",
        ],
    ]
    assert page.table("Role gaps opened")[1:] == [
        ["Provide training facilities and equipment", "one partner only", "none", "North Plastics"]
    ]
    assert page.table("Cut points gained (partners whose leaving would now split the network)")[1:] == [
        ["North Human Services", "H"]
    ]
    assert page.table("Cut points lost (the network no longer splits without them)")[1:] == [
        ["North College", "C", "yes"],
        ["North Workforce Board", "W", "yes"],
    ]
    card = {r[0]: r[1:] for r in page.table("Readiness conditions, before and after (0–100)")[1:]}
    assert card["Industry engagement"] == ["50", "developing", "100", "strong", "+50"]


def test_the_page_names_the_roster_the_diff_used(north, tmp_path):
    # A roster of its own (same content, another name): the page says it, and the diff judged both by it.
    shipped = Path(netmap.__file__).parent / "data" / "rosters"
    text = (shipped / "career-pathways.yaml").read_text(encoding="utf-8")
    text = text.replace("name: career-pathways", "name: north-custom", 1)
    text = text.replace("title: Career pathways recommended leadership team", "title: North roster", 1)
    text = text.replace("calls_for: [vocational-rehabilitation]", "calls_for: []", 1)
    (tmp_path / "north.yaml").write_text(text, encoding="utf-8")
    custom = netmap.load_roster(tmp_path / "north.yaml")
    old, new = (netmap.read_graph(p) for p in north)
    data = diff_data(old, new, as_of=AS_OF, generated=GENERATED, roster=custom)
    appendix = dict(data["sections"][-1]["facts"])
    assert appendix["Roster"] == "North roster (north-custom)"
    assert data["meta"]["counts"]["population_gaps_closed"] == 0  # this roster asks for no VR partner
    # Given a diff, the page takes its roster from it (never the snapshot's own).
    changes = diff(old, new, as_of=AS_OF, roster=custom)
    assert dict(diff_data(old, new, generated=GENERATED, changes=changes)["sections"][-1]["facts"])["Roster"] == (
        "North roster (north-custom)"
    )
    # And `netmap diff --roster FILE -o page` judges both snapshots by it.
    out = tmp_path / "north.md"
    result = run("diff", *north, "--as-of", AS_OF, "--roster", tmp_path / "north.yaml", "-o", out, "--format", "md")
    assert result.exit_code == 0, result.output
    assert "North roster (north-custom)" in out.read_text(encoding="utf-8")


def test_the_terminal_says_it_too(north):
    result = run("diff", *north, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for line in (
        "Population gaps closed (1)",
        "  People with disabilities: Vocational Rehabilitation (North)",
        "Agreements renewed or newly current (1)",
        "  M1 (C, W): expired (ends 2025-06-30) -> current (ends 2028-06-30)",
        "Agreements no longer current (1)",
        "Funding streams lapsed (1)",
        "  County levy (H): active -> not listed",
        "Partners' streams new (1)",
        "Role gaps closed (2)",
        "  Provide labor market information: one partner only (W -> C, W)",
        "Cut points gained (1)",
        "Cut points lost (2)",
        "  Industry engagement: 50.0 (developing) -> 100.0 (strong)",
    ):
        assert line in out.splitlines(), line


# -- hostile data -------------------------------------------------------------------------------


@pytest.fixture
def hostile_pair(tmp_path):
    """Two snapshots with a payload in every text the page shows; the later one gains P3, A1, F1
    and a tie, and renames P2."""
    partners = [
        ["id", "name", "agency_type", "level", "region", "team"],
        [PAYLOADS["svg"], _p("img", "College"), "CC", "local", _p("md", "Region"), "leadership"],
        ["P2", _p("script", "Board"), "WIB", "local", _p("md", "Region"), "leadership"],
    ]
    ties = [["source_id", "target_id", "kind"], [PAYLOADS["svg"], "P2", "referral"]]
    old = write_csv_workbook(tmp_path / "old", {"partners": partners, "ties": ties})
    partners = [*partners, ["P3", "Pipe | Name\n# Second line\n- third", "CBO", "local", _p("md", "Region"), ""]]
    partners[2] = ["P2", _p("svg", "New name"), "WIB", "local", _p("md", "Region"), "leadership"]
    new = write_csv_workbook(
        tmp_path / "new",
        {
            "partners": partners,
            "ties": [*ties, ["P3", "P2", "collaboration"]],
            "agreements": [["id", "parties", "title"], [_p("js", "A"), f"{PAYLOADS['svg']};P3", _p("svg", "MOU")]],
            "funding": [["id", "stream", "recipient_id", "amount"], ["F1", _p("md", "Stream"), "P3", "1000"]],
        },
    )
    return netmap.read_graph(old), netmap.read_graph(new)


SHOWN = [
    _p("img", "College"),
    _p("script", "Board"),
    _p("svg", "New name"),
    _p("md", "Region"),
    _p("svg", "MOU"),
    _p("js", "A"),
    _p("md", "Stream"),
    "Pipe | Name # Second line - third",
]


def test_markdown_escapes_everything(hostile_pair):
    old, new = hostile_pair
    title = _p("md", "# Title") + " | x"
    root = md_to_dom(render_diff_markdown(old, new, as_of=AS_OF, title=title))
    allowed = {"#root", "h1", "h2", "p", "ul", "li", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "br"}
    assert {n.tag for n in root.iter()} <= allowed, {n.tag for n in root.iter()} - allowed
    assert not any(n.attrs for n in root.iter() if n.tag not in ("th", "td"))  # no href, src, style
    shown = root.clean()
    for payload in [*SHOWN, title]:
        assert payload in shown, payload
    assert root.all("h1")[0].clean() == title
    for table in root.all("table"):
        rows = table_rows(table)
        assert all(len(r) == len(rows[0]) for r in rows)


# -- in the browser ---------------------------------------------------------------------------------


def test_the_page_opens_offline_sorts_and_prints(snapshots, open_page, tmp_path):
    old, new, _ = snapshots
    out = write_diff_report(old, new, tmp_path / "changes.html", as_of=AS_OF)
    page = open_page(out)
    assert page.requests == [out.resolve().as_uri()]
    assert page.messages == []
    assert page.js("[...document.querySelectorAll('section.report-section')].map(s => s.id)") == SECTION_IDS
    # Ranks shown as "#10" and "#2" sort as numbers.
    fallen = "table-changes-brokers-fallen"
    page.page.locator(f"#{fallen} thead th").nth(1).locator("button").click()
    assert [int(v) for v in _column(page, fallen, 1)] == [2, 5, 9, 10]
    page.page.locator(f"#{fallen} thead th").nth(1).locator("button").click()
    assert [int(v) for v in _column(page, fallen, 1)] == [10, 9, 5, 2]
    page.page.locator("#table-changes-ties-lost thead th").nth(2).locator("button").click()
    kinds = page.js(
        "[...document.querySelectorAll('#table-changes-ties-lost tbody tr')].map(r => r.cells[2].textContent)"
    )
    assert kinds == ["advisory", "collaboration", "collaboration", "collaboration", "collaboration", "governance"]
    page.page.screenshot(path=str(_shots(tmp_path) / "diff-four-state.png"), full_page=True)
    page.page.emulate_media(media="print")
    assert page.js("getComputedStyle(document.querySelector('.toc')).display") == "none"
    assert page.js("getComputedStyle(document.getElementById('links')).breakBefore") == "page"
    pdf = page.page.pdf(path=str(_shots(tmp_path) / "diff-four-state.pdf"), format="Letter")
    assert b"%PDF" in pdf[:8] and len(pdf) > 20_000
    page.page.emulate_media(media="screen")
    assert page.messages == []


def test_payloads_show_as_text_and_run_nothing(open_page, hostile_pair, tmp_path):
    old, new = hostile_pair
    out = write_diff_report(old, new, tmp_path / "hostile.html", as_of=AS_OF, title=_p("svg", "Title"))
    assert_strict_csp(out.read_text(encoding="utf-8"), scripts=1)
    page = open_page(out)
    for button in page.page.query_selector_all("th button.sort"):
        button.click()
    assert page.js("window.__pwned") is None
    assert page.dialogs == [] and page.messages == []
    assert page.requests == [out.resolve().as_uri()]
    injected = "img, iframe, object, embed, b, i, svg, a:not([href^='#'])"
    assert page.js(f"document.querySelectorAll({json.dumps(injected)}).length") == 0
    assert page.js("document.title") == _p("svg", "Title")
    text = " ".join(page.js("document.body.innerText").split())
    for payload in SHOWN:
        assert " ".join(payload.split()) in text, payload


# -- netmap diff -o ------------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize(
    ("options", "name", "starts"),
    [
        ((), "changes.html", "<!DOCTYPE html>"),
        (("--format", "html"), "changes.html", "<!DOCTYPE html>"),
        (("--format", "md", "--title", "Illinois, a year on"), "changes.md", "# Illinois, a year on"),
    ],
)
def test_diff_command_writes_the_page(snapshots, tmp_path, options, name, starts):
    _, _, after = snapshots
    out = tmp_path / name
    result = run("diff", FOUR, after, "--as-of", AS_OF, "-o", out, *options)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the page is the output; the terminal says where it is
    assert f"wrote {out}" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(starts) and "Office of the Governor of Illinois" in text and HEADLINE in text
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_diff_command_json_and_page_together(snapshots, tmp_path):
    _, _, after = snapshots
    result = run("diff", FOUR, after, "--as-of", AS_OF, "--json", "-o", tmp_path / "c.html")
    assert result.exit_code == 0, result.output
    assert {p["id"] for p in json.loads(result.stdout)["partners_lost"]} == ALLIES
    assert (tmp_path / "c.html").is_file()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--format", "md"), "-o FILE"),
        (("--title", "T"), "-o FILE"),
        (("--format", "pdf", "-o", "c.pdf"), "--format must be html or md"),
    ],
)
def test_diff_command_usage_errors(snapshots, tmp_path, monkeypatch, options, message):
    _, _, after = snapshots
    monkeypatch.chdir(tmp_path)
    result = run("diff", FOUR, after, "--as-of", AS_OF, *options)
    assert result.exit_code == 2 and message in result.stderr
    assert list(tmp_path.iterdir()) == []
