"""Terminal output: text from the data never drives the terminal.

A partner name, a region, an agreement title, a stream, a sheet (file) name and a cell value
that makes an issue each hold a hostile payload (the OSC 0 window title, the OSC 52
clipboard write, CSI 2J clear screen, a C1 CSI, a right-to-left override, BEL, backspace,
CR, DEL); ``validate`` and ``analyze`` (and the other commands that print the data) must
show each as its visible escape, piped (typer's runner) and on a real terminal (a pty),
while ``--json`` keeps the exact text.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from rich.table import Table
from rich.text import Text
from typer.testing import CliRunner

from netmap.cli import app
from netmap.errors import Issue, safe_text
from netmap.render.terminal import SafeConsole, render_issues
from tests.conftest import EXAMPLES, write_csv_workbook

runner = CliRunner()

# (id, payload, how it must show). The visible forms are Python's escapes.
PAYLOADS = [
    ("osc0-title", "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    ("osc52-clipboard", "\x1b]52;c;cHduZWQ=\x07", "\\x1b]52;c;cHduZWQ=\\x07"),
    ("csi-clear", "\x1b[2J", "\\x1b[2J"),
    ("c1-csi", "\x9b31m", "\\x9b31m"),
    ("bidi-override", "\u202egpj.exe", "\\u202egpj.exe"),
    ("bidi-isolate", "\u2066x\u2069", "\\u2066x\\u2069"),
    ("bel", "ding\x07", "ding\\x07"),
    ("backspace", "abc\x08\x08\x08", "abc\\x08\\x08\\x08"),
    ("carriage-return", "fine\rFAKE", "fine\\rFAKE"),
    ("del", "a\x7fb", "a\\x7fb"),
]

# Anything a terminal acts on; newlines are the layout's own.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("text", "shown"),
    [pytest.param(p, s, id=i) for i, p, s in PAYLOADS]
    + [
        pytest.param("nul\x00", "nul\\x00", id="nul"),
        pytest.param("a\tb\nc", "a\\tb\\nc", id="tab-newline"),
        pytest.param("line\u2028sep", "line\\u2028sep", id="line-separator"),
        pytest.param("Peña · 東京 👩\u200d💻", "Peña · 東京 👩\u200d💻", id="plain-unicode-kept"),
        pytest.param("C:\\x1b", "C:\\x1b", id="backslash-kept"),
        pytest.param(None, "", id="none"),
        pytest.param(12.5, "12.5", id="number"),
    ],
)
def test_safe_text_shows_every_control_as_its_escape(text, shown):
    assert safe_text(text) == shown
    assert safe_text(shown) == shown  # applying it twice changes nothing
    assert not RAW.search(safe_text(text))


def test_safe_text_can_keep_newlines():
    assert safe_text("a\x1b[2J\nb\r", keep_newlines=True) == "a\\x1b[2J\nb\\r"


def test_safe_console_escapes_text_a_renderer_forgot():
    """A table built with raw Text (not through the renderers' helper) still prints safe."""
    out = io.StringIO()
    console = SafeConsole(file=out, width=200, color_system="truecolor", force_terminal=True)
    table = Table(title="t\x1b]0;title\x07")
    table.add_column("name\u202e")
    table.add_row(Text("x\x1b[2Jy\x9b"))
    console.print(table)
    console.print("plain \x07 string", Text("styled\x1b]52;c;aGk=\x07", style="red"))
    written = out.getvalue()
    without_style = re.sub(r"\x1b\[[0-9;]*m", "", written)  # rich's own colours
    assert not RAW.search(without_style.replace("\n", ""))
    # Measured on the raw text, a forgotten cell may be cut short: safe, if not whole (the
    # renderers make their cells safe before the layout: see the tests below).
    for shown in ("\\x1b]0;title", "name\\u202e", "x\\x1b[2Jy", "plain \\x07 string", "styled\\x1b]52;c;aGk="):
        assert shown in without_style
    assert "\x1b[31m" in written or "\x1b[38;" in written or "\x1b[1;31m" in written  # colours still work


def test_issue_as_a_string_is_one_safe_line_and_to_dict_is_exact():
    issue = Issue(
        "invalid-date", "'2024\x1b[2J\n' is not a date", sheet="x\u202e", row=2, column="c", value="2024\x1b[2J\n"
    )
    assert str(issue) == "sheet x\\u202e, row 2, column c: invalid-date: '2024\\x1b[2J\\n' is not a date"
    assert issue.to_dict()["value"] == "2024\x1b[2J\n"


def test_render_issues_lays_out_the_visible_form():
    out = io.StringIO()
    issue = Issue(
        "unknown-agency-type", "no such type", sheet="partners", row=2, column="agency_type", value="CC\x1b[2J"
    )
    render_issues(SafeConsole(file=out, width=200), [issue])
    assert "CC\\x1b[2J" in out.getvalue()


# -- through the commands -----------------------------------------------------------------


def hostile_workbook(folder: Path, payload: str, *, with_error: bool = False) -> Path:
    """Five places the data reaches the terminal, each holding ``payload``; with
    ``with_error``, an agency type that names no type, so validate shows it as a value."""
    safe_name = payload.replace("/", "")
    written = write_csv_workbook(
        folder,
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "team"],
                ["P1", f"Pima CC {payload}", f"CC{payload}" if with_error else "CC", "local", f"Pima{payload}",
                 "leadership"],
                ["P2", "Pima One Stop", "American Job Center", "local", f"Pima{payload}", "leadership"],
                ["P3", "Arizona DES", "State human service agency", "state", "", "leadership"],
            ],
            "agreements": [
                ["id", "parties", "type", "signed", "expires", "title"],
                ["A1", "P1;P2", "MOU", "2024-01-15", "2026-12-31", f"Data sharing {payload}"],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id", "amount", "start", "end"],
                ["F1", f"WIOA {payload}", "P2", "P3", "250000", "2025-07-01", "2026-06-30"],
            ],
            "ties": [["source_id", "target_id", "kind"], ["P1", "P2", "referral"], ["P2", "P3", "referral"]],
            f"extra {safe_name}": [["note"], ["kept"]],
        },
    )  # fmt: skip
    return written


def assert_safe(output: str, shown: str) -> None:
    found = RAW.search(output.replace("\n", ""))
    assert found is None, (
        f"raw {found.group()!r} reached the terminal near {output[max(found.start() - 40, 0) : found.end() + 40]!r}"
    )
    assert shown in output


@pytest.mark.parametrize(("payload", "shown"), [pytest.param(p, s, id=i) for i, p, s in PAYLOADS])
def test_validate_shows_a_bad_cell_and_a_sheet_name_escaped(tmp_path, payload, shown):
    book = hostile_workbook(tmp_path / "book", payload, with_error=True)
    result = runner.invoke(app, ["validate", str(book)])
    assert result.exit_code == 1, result.output
    assert_safe(result.stdout + result.stderr, shown)
    assert f"CC{shown}" in result.stdout  # the value of the unknown-agency-type issue
    assert f"extra {shown}" in result.stdout  # the unknown sheet and its file


@pytest.mark.parametrize(("payload", "shown"), [pytest.param(p, s, id=i) for i, p, s in PAYLOADS])
def test_analyze_shows_names_regions_titles_and_streams_escaped(tmp_path, payload, shown):
    book = hostile_workbook(tmp_path / "book", payload)
    result = runner.invoke(app, ["analyze", str(book), "--as-of", "2025-10-01", "--limit", "0"])
    assert result.exit_code == 0, result.output
    assert_safe(result.stdout + result.stderr, shown)
    for place in (f"Pima CC {shown}", f"Pima{shown}", f"Data sharing {shown}", f"WIOA {shown}"):
        assert place in result.stdout, place


@pytest.mark.parametrize(("payload", "shown"), [pytest.param(p, s, id=i) for i, p, s in PAYLOADS[:5]])
def test_other_commands_print_the_data_escaped(tmp_path, payload, shown):
    book = hostile_workbook(tmp_path / "book", payload)
    for args in (
        ["gaps", book],
        ["brokers", book],
        ["regions", book],
        ["diff", hostile_workbook(tmp_path / "old", "old"), book],
        ["suggest", book, "--directory", book, "--all"],
        ["export", book, "-o", tmp_path / f"out {payload}.graphml"],
        ["report", book, "-o", tmp_path / f"report {payload}.html"],
    ):
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code in (0, 1), (args[0], result.output)
        found = RAW.search((result.stdout + result.stderr).replace("\n", ""))
        assert found is None, (args[0], result.output)
    assert f"report {shown}.html" in result.stderr  # "wrote PATH", the path made safe


def test_a_data_error_message_on_stderr_is_one_safe_line(tmp_path):
    """analyze on a workbook with errors: the issues and the summary line go to stderr."""
    book = hostile_workbook(tmp_path / "book", "\x1b]0;pwned\x07\n", with_error=True)
    result = runner.invoke(app, ["analyze", str(book)])
    assert result.exit_code == 1
    assert_safe(result.stderr, "CC\\x1b]0;pwned\\x07")  # cells are read trimmed
    assert "pwned\\x07\\n.csv" in result.stderr  # the file name, on one line


@pytest.mark.parametrize("command", ["validate", "analyze"])
def test_json_keeps_the_exact_text(tmp_path, command):
    payload = "".join(p for _, p, _ in PAYLOADS)
    book = hostile_workbook(tmp_path / "book", payload)
    result = runner.invoke(
        app, [command, str(book), "--json", "--as-of", "2025-10-01"][: 3 if command == "validate" else 5]
    )
    assert result.exit_code == 0, result.output
    # Read back, every character is there; as written, none is raw (JSON escapes them).
    data = json.loads(result.stdout)
    assert not RAW.search(result.stdout.replace("\n", ""))
    text = json.dumps(data, ensure_ascii=False)
    if command == "validate":
        assert any(i["sheet"] and payload.lower().replace("/", "") in i["sheet"] for i in data["issues"])
    else:
        names = {b["name"] for b in data["brokers"]["brokers"]}
        assert f"Pima CC {payload}" in names
        assert f"Data sharing {payload}" in {a["title"] for a in data["formalisation"]["agreements"]}
    assert "\\u202e" in result.stdout and "\u202e" in text


# -- on a real terminal ---------------------------------------------------------------------


def run_on_a_pty(*args: str, columns: int = 200) -> str:
    """Run ``netmap ARGS`` with stdout and stderr on one pseudo-terminal; what it wrote."""
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES", "TERM")}
    env |= {"TERM": "xterm-256color", "FORCE_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "netmap", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                raise TimeoutError("netmap wrote nothing for 60 s")
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        process.wait(60)
    return b"".join(chunks).decode("utf-8", errors="replace")


# rich's own codes on a terminal: colours, the cursor hidden and shown, lines erased and
# the cursor moved up by a progress bar. Everything else must be text.
RICH_CODES = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[[0-9]*[AG]")


@pytest.mark.parametrize("command", ["validate", "analyze"])
def test_on_a_terminal_no_payload_reaches_it(tmp_path, command):
    payload = "".join(p for _, p, _ in PAYLOADS)
    book = hostile_workbook(tmp_path / "book", payload, with_error=command == "validate")
    args = [command, str(book)] + (["--as-of", "2025-10-01"] if command == "analyze" else [])
    written = run_on_a_pty(*args)
    assert "\x1b[" in written, "expected rich's colours: is this a terminal?"
    for raw in ("\x1b]", "\x1b[2J", "\x9b", "\u202e", "\x07", "\x08", "\x7f", "fine\rFAKE"):
        assert raw not in written, repr(raw)
    # The pty ends lines with CR LF, and a progress bar returns to the line start with CR:
    # the CR payload is checked above and by its visible form.
    text = RICH_CODES.sub("", written).replace("\r", "")
    assert_safe(text, "\\x1b]0;pwned\\x07")
    for shown in ("\\u202egpj.exe", "\\x9b31m", "fine\\rFAKE", "abc\\x08", "a\\x7fb"):
        assert shown in text


# -- the issue table when stderr is piped ---------------------------------------------------


def _long_issues() -> list[Issue]:
    return [
        Issue(
            "hsds-unmapped",
            "organisation 'Community Food Bank of Southern Arizona' is not imported: its terms (Food Banks "
            "(PX-A-600), Low-Income Households (PX-P-07)) map to no agency type; 1 service is left out with it",
            file="organizations.csv",
            sheet="organizations",
            row=35,
            column="id",
            value="o-foodbank",
            severity="warning",
            suggestions=(
                "add one of its terms under 'agency_types:' in the mapping file",
                "netmap hsds-mapping PACKAGE writes a mapping file listing every term",
            ),
        ),
        Issue("empty-required", "the required cell 'name' is empty", sheet="partners", row=3, column="name"),
    ]


def _reads_whole(output: str, text: str) -> bool:
    """``text`` is in ``output`` with every word whole: only the spaces between words may have
    become a line break and an indent."""
    return " ".join(text.split()) in " ".join(output.split())


@pytest.mark.parametrize(("width", "stacked"), [(60, True), (80, True), (120, True), (200, False)])
def test_issues_keep_message_and_suggestions_at_every_width(width, stacked):
    out = io.StringIO()
    render_issues(SafeConsole(file=out, width=width), _long_issues())
    text = out.getvalue()
    assert ("┃ code" in text) is not stacked
    assert max(len(line) for line in text.splitlines()) <= width
    if stacked:  # the table folds inside cells; the blocks wrap between words
        for issue in _long_issues():
            assert _reads_whole(text, issue.message)
            for suggestion in issue.suggestions:
                assert _reads_whole(text, suggestion)
        assert "warning hsds-unmapped: organizations row 35, column id\n  value: o-foodbank\n" in text
    else:
        # Wide enough: the table, its message column wide enough to read (40 characters at least).
        assert "│ the required cell 'name' is empty " in text


@pytest.mark.parametrize("columns", ["80", None])
def test_directory_issues_piped_to_stderr_read_whole(columns, tmp_path):
    """stderr is not a terminal here (CliRunner): COLUMNS when given, else 120 columns."""
    import netmap
    from netmap.cli import PIPED_WIDTH

    tucson, pima = EXAMPLES / "tucson-behavioral-health", EXAMPLES / "pima-county-211"
    bad = write_csv_workbook(
        tmp_path / "directory",
        {
            "partners": [
                ["id", "name", "agency_type", "region"],
                ["D1", "North Workforce Board", "Local WIB", "Pima County"],
                ["D2", "Mystery Org", "Wizards guild of the southern desert and the northern mountains", "Pima County"],
            ]
        },
    )
    width = int(columns) if columns else PIPED_WIDTH
    for directory, code in ((pima, 0), (bad, 1)):
        result = CliRunner().invoke(
            app, ["suggest", str(tucson), "--directory", str(directory)], env={"COLUMNS": columns}
        )
        assert result.exit_code == code, result.output
        issues = netmap.read_workbook(directory).issues
        assert issues
        lines = result.stderr.splitlines()
        if code:
            # The closing summary is one line however narrow, so it greps whole (as every message on stderr).
            assert lines[-1].startswith("1 error(s) in the directory")
            lines = lines[:-1]
        assert max(len(line) for line in lines) <= width
        for issue in issues:
            assert _reads_whole(result.stderr, issue.message)
            for suggestion in issue.suggestions:
                assert _reads_whole(result.stderr, suggestion)


@pytest.mark.parametrize("width", [160, 200, 240])
def test_a_long_value_folds_before_the_table_is_cropped(width):
    issue = Issue(
        "unknown-agency-type",
        "'" + "Wizards " * 10 + "' is not an agency type of the career-pathways roster",
        sheet="partners",
        row=3,
        column="agency_type",
        value="W" * 80,
        suggestions=("Local WIB", "Local workforce agencies", "Local community-based organizations"),
    )
    out = io.StringIO()
    render_issues(SafeConsole(file=out, width=width), [issue])
    lines = out.getvalue().splitlines()
    body = [line for line in lines[1:] if line.strip()]
    assert "┃ message" in lines[2]
    # Every row keeps its right border (rich crops a table wider than the console), in the width.
    assert all(line.endswith(("┓", "┃", "┩", "│", "┘")) and len(line) <= width for line in body)
    message = lines[2].split("┃")[7]
    assert len(message) >= 40 + 2


# -- every table fits the width, every word whole (issue 21) ---------------------------------

WIDTHS = [80, 120, 200]


def _render(width: int, render, *args, **kwargs) -> str:
    """What ``render(console, *args)`` prints on a console ``width`` columns wide (no colour)."""
    out = io.StringIO()
    render(SafeConsole(file=out, width=width), *args, **kwargs)
    return out.getvalue()


def _assert_fits(text: str, width: int) -> None:
    long = [line for line in text.splitlines() if len(line) > width]
    assert not long, f"{len(long)} line(s) wider than {width}: {long[0]!r}"


def _assert_words_whole(text: str, values) -> None:
    """Every word of every value is in ``text`` in one piece (a table that folds a cell
    splits a word over two lines: "Comu" / "nity")."""
    for value in values:
        for word in safe_text(value).split():
            assert word in text, f"{word!r} (of {value!r}) is not whole in:\n{text}"


def _broker(name: str, betweenness: float, cut: bool = False) -> dict:
    roles = {"coordinator": 12, "itinerant": 3, "gatekeeper": 46, "representative": 37, "liaison": 134, "total": 232}
    return {
        "id": name[:4].upper(),
        "name": name,
        "betweenness": betweenness,
        "brokerage": roles,
        "constraint": 0.163857,
        "effective_size": 10.411765,
        "articulation_point": cut,
        "categories_reached": 4,
    }


BROKERS = {
    "betweenness_method": "exact",
    "k": None,
    "seed": 0,
    "brokers": [
        _broker("Comunity colege of the Southern Oregon Coast", 0.123456, cut=True),
        _broker("Department of Community Colleges and Workforce Development", 0.0571),
    ],
    "state_links": [
        {"region": "Portland Metro", "links": [{"partner": "Mt. Hood Comunity colege", "state_partner": "Oregon DHS"}]},
        {"region": "South Coast", "links": []},
    ],
}


@pytest.mark.parametrize("width", WIDTHS)
def test_brokers_fit_with_names_and_numbers_whole(width):
    from netmap.render.terminal import render_brokers

    text = _render(width, render_brokers, BROKERS)
    _assert_fits(text, width)
    _assert_words_whole(text, [b["name"] for b in BROKERS["brokers"]] + ["0.123", "0.057", "0.164", "10.412", "134"])
    _assert_words_whole(text, ["Portland Metro", "Mt. Hood Comunity colege -> Oregon DHS", "South Coast", "no link"])
    if width == 80:
        # The role counts go first, with a legend; the short headers are spelled out.
        assert "not shown at this width: coord, itin" in " ".join(text.split())
        assert "betw = betweenness" in text and "constr = constraint" in text
    if width == 200:
        assert "┃ partner" in text and "liaison" in text and "legend" not in text
        assert "not shown" not in text


def test_brokers_at_80_columns_written_out():
    from netmap.render.terminal import render_brokers

    text = _render(80, render_brokers, {**BROKERS, "state_links": []})
    assert [line.rstrip() for line in text.splitlines()] == [
        "                          Brokers (betweenness: exact)",
        "┏━━━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━┳━━━━━━┓",
        "┃ partner       ┃  betw ┃ gate ┃ repr ┃ liaison ┃ constr ┃    eff ┃ cut ┃ cats ┃",
        "┡━━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━╇━━━━━━┩",
        "│ Comunity      │ 0.123 │   46 │   37 │     134 │  0.164 │ 10.412 │ yes │    4 │",
        "│ colege of the │       │      │      │         │        │        │     │      │",
        "│ Southern      │       │      │      │         │        │        │     │      │",
        "│ Oregon Coast  │       │      │      │         │        │        │     │      │",
        "│ Department of │ 0.057 │   46 │   37 │     134 │  0.164 │ 10.412 │     │    4 │",
        "│ Community     │       │      │      │         │        │        │     │      │",
        "│ Colleges and  │       │      │      │         │        │        │     │      │",
        "│ Workforce     │       │      │      │         │        │        │     │      │",
        "│ Development   │       │      │      │         │        │        │     │      │",
        "└───────────────┴───────┴──────┴──────┴─────────┴────────┴────────┴─────┴──────┘",
        "betw = betweenness; constr = constraint; eff = eff. size; cut = cut point; cats",
        "= categories; not shown at this width: coord, itin (--json shows every column)",
    ]


# Fourteen regions, two-word names among them: at 80 columns the matrix is paged.
REGIONS = [
    "Portland Metro", "Mt. Hood", "Willamette Valley", "Lane", "South Coast", "Central Oregon", "Eastern Oregon",
    "Columbia Gorge", "Rogue Valley", "Umpqua", "Klamath Basin", "North Coast", "Clackamas", "Blue Mountains",
]  # fmt: skip
TYPES = [
    ("Workforce Development", "Local WIB"),
    ("Education", "Local community colleges"),
    ("CBOs", "Local community-based organizations"),
]
STATUSES = ["present", "peripheral", "missing"]


def _status(row: int, column: int) -> str:
    return STATUSES[(row + column) % 3]


def _gaps() -> dict:
    types = [
        {"level": "local", "region": region, "category": category, "agency_type": atype, "status": _status(r, c)}
        for r, (category, atype) in enumerate(TYPES)
        for c, region in enumerate(REGIONS)
    ]
    coverage = [
        {
            "level": "local",
            "region": region,
            "met": 2,
            "total": 7,
            "unmet": ["Comunity colege", "Adult education providers"],
        }
        for region in REGIONS
    ]
    return {"types": types, "coverage": coverage, "population_gaps": [], "not_assessed": []}


def _matrix_pages(text: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """Each page of a roster matrix: its title, its region names (headers joined across
    lines) and each row's marks."""
    pages = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "roster" not in line or "present" not in line:
            continue
        title = line.strip()
        j = i + 1
        while not lines[j].startswith("┏"):
            title += " " + lines[j].strip()
            j += 1
        header_lines = []
        j += 1
        while lines[j].startswith("┃"):
            header_lines.append([c.strip() for c in lines[j].split("┃")[1:-1]])
            j += 1
        names = [" ".join(p for p in parts if p) for parts in zip(*header_lines, strict=True)][2:]
        rows = []
        j += 1
        while lines[j].startswith("│"):
            cells = [c.strip() for c in lines[j].split("│")[1:-1]]
            if cells[2:] and cells[2]:
                rows.append(cells[2:])
            j += 1
        pages.append((title, names, rows))
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_gaps_matrix_pages_its_regions_with_names_whole(width):
    from netmap.render.terminal import render_gaps

    text = _render(width, render_gaps, _gaps())
    _assert_fits(text, width)
    pages = _matrix_pages(text)
    assert pages
    # Every region once, in order, its name whole; every row's marks, page by page.
    assert [name for _, names, _ in pages for name in names] == REGIONS
    marks = {"present": "●", "peripheral": "◐", "missing": "○"}
    for r in range(len(TYPES)):
        shown = [mark for _, _, rows in pages for mark in rows[r]]
        assert shown == [marks[_status(r, c)] for c in range(len(REGIONS))]
    if len(pages) > 1:
        first = pages[0][1]
        assert pages[0][0].startswith(f"Local roster (regions 1-{len(first)} of 14)")
    assert "…" not in text
    _assert_words_whole(text, ["Comunity colege", "Adult education", *REGIONS])
    assert (len(pages) > 1) is (width < 200)


def test_regions_matrix_and_state_links_keep_names_whole():
    from netmap.render.terminal import render_regions

    regions = [
        {"rank": i + 1, "region": name, "listed": 3, "active": 3, "present": 4, "peripheral": 1, "missing": 9,
         "minimum_met": 2, "minimum_total": 7, "state_linked": i % 2 == 0,
         "state_partner_names": ["Department of Community Colleges and Workforce Development", "Comunity colege"]}
        for i, name in enumerate(REGIONS)
    ]  # fmt: skip
    matrix = [
        {"category": category, "agency_type": atype, "cells": {n: _status(r, c) for c, n in enumerate(REGIONS)}}
        for r, (category, atype) in enumerate(TYPES)
    ]
    result = {"region_names": REGIONS, "regions": regions, "matrix": matrix}
    for width in WIDTHS:
        text = _render(width, render_regions, result)
        _assert_fits(text, width)
        _assert_words_whole(text, [*REGIONS, "Department of Community Colleges and Workforce Development", "2 of 7"])
        assert [n for _, names, _ in _matrix_pages(text) for n in names] == REGIONS
        if width == 80:
            assert "miss = missing" in text


@pytest.mark.parametrize("width", WIDTHS)
def test_issue_values_are_never_split_mid_word(width):
    issues = [
        Issue("unknown-agency-type", "'Comunity colege' is not an agency type", sheet="partners", row=3,
              column="agency_type", value="Comunity colege", suggestions=("Local community colleges",)),
        Issue("unknown-agency-type", "'x' is not an agency type", sheet="partners", row=4, column="agency_type",
              value="Intergovernmental coordinating", suggestions=("Local economic development agency",)),
    ]  # fmt: skip
    text = _render(width, render_issues, issues)
    _assert_fits(text, width)
    _assert_words_whole(text, ["Comunity colege", "Intergovernmental coordinating", "Local community colleges"])


def test_a_long_value_word_stacks_the_issues_rather_than_split_it():
    """At 200 columns the table fits, but a 20-letter word in the value would be folded at
    16 columns: the value column takes the word's width, or the issues are stacked."""
    issue = Issue("unknown-agency-type", "m " * 40, sheet="partners", row=3, column="agency_type",
                  value="Intergovernmentalist body", suggestions=("s " * 30,))  # fmt: skip
    text = _render(200, render_issues, [issue] * 2)
    assert "Intergovernmentalist" in text


@pytest.fixture(scope="module")
def analyses():
    """Both bundled examples analysed once; the four-state one with changes since the Oregon
    one and suggestions from it, so every renderer has something to show."""
    import netmap
    from netmap.pipeline import run

    oregon = netmap.read_workbook(EXAMPLES / "oregon-pathways-alliance")
    four = netmap.read_workbook(EXAMPLES / "four-state-coalitions")
    return {
        "oregon": run(netmap.build_graph(oregon), as_of="2025-10-01"),
        "four-state": run(
            netmap.build_graph(four), as_of="2025-10-01", since=netmap.build_graph(oregon), directory=oregon
        ),
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("example", ["oregon", "four-state"])
def test_every_analysis_renderer_fits_the_width(analyses, example, width):
    from netmap.render import terminal

    a = analyses[example]
    d = a.to_dict()
    shown = {
        "findings": _render(width, terminal.render_findings, a.findings, limit=0, do_first=a.do_first),
        "scorecard": _render(width, terminal.render_scorecard, d["scorecard"]),
        "gaps": _render(width, terminal.render_gaps, d["gaps"]),
        "roles": _render(width, terminal.render_roles, d["roles"]),
        "brokers": _render(width, terminal.render_brokers, d["brokers"]),
        "formalisation": _render(width, terminal.render_formalisation, d["formalisation"]),
        "funding": _render(width, terminal.render_funding, d["funding"]),
        "resilience": _render(width, terminal.render_resilience, d["resilience"]),
        "turnover": _render(width, terminal.render_turnover, d["resilience"]),
        "health": _render(width, terminal.render_health, d["health"]),
        "regions": _render(width, terminal.render_regions, d["regions"]),
    }
    if d.get("changes"):
        shown["diff"] = _render(width, terminal.render_diff, d["changes"])
    if d.get("suggestions"):
        shown["suggestions"] = _render(width, terminal.render_suggestions, d["suggestions"], show_empty=True)
    for name, text in shown.items():
        assert text.strip(), name
        _assert_fits(text, width)
    _assert_words_whole(shown["findings"], [f.action for f in a.findings])
    _assert_words_whole(shown["brokers"], [b["name"] for b in d["brokers"]["brokers"]])
    _assert_words_whole(shown["regions"], d["regions"]["region_names"])
    _assert_words_whole(shown["scorecard"], [c["name"] for c in d["scorecard"]["conditions"]])
    if example == "four-state":
        _assert_words_whole(shown["diff"], [p["name"] for p in d["changes"]["partners_gained"]])


class _Summary:
    """What a load reports (netmap.store's LoadSummary), for the layout only."""

    def __init__(self):
        self.written, self.map, self.version, self.batches = True, "oregon", "5e0c1d2a9f", 2
        self.number = 3
        self.counts = {"Partner": {"created": 43, "updated": 0, "unchanged": 0, "deleted": 1}}

    def totals(self):
        return {"created": 43, "updated": 0, "unchanged": 0, "deleted": 1}


@pytest.mark.parametrize("width", WIDTHS)
def test_load_and_maps_fit(width):
    from netmap.render.terminal import render_load, render_maps

    text = _render(width, render_load, _Summary(), "bolt://localhost:7687") + _render(
        width,
        render_maps,
        [
            {
                "map": "oregon",
                "versions": [
                    {
                        "number": 3,
                        "version": "5e0c1d2a9f",
                        "loaded_at": "2025-10-01T12:00:00",
                        "label": "Q3 2025",
                        "source": "Oregon Pathways Alliance",
                        "current": True,
                    },
                ],
            }
        ],
        "bolt://localhost:7687",
    )
    _assert_fits(text, width)
    assert "as version @3 (5e0c1d2a9f, 2 batch(es))" in " ".join(text.split())
    _assert_words_whole(text, ["Partner 43", "total 43", "Oregon Pathways Alliance", "2025-10-01 12:00", "Q3 2025"])


def test_a_region_name_in_a_matrix_header_is_shown_literally():
    """A region is a column header of the roster matrix: markup in it is text, not style."""
    from netmap.render.terminal import render_gaps

    gaps = {
        "types": [{"level": "local", "region": "[red]Coos[/red] Bay", "category": "CBOs", "agency_type": "Local CBO",
                   "status": "missing"}],
        "coverage": [],
        "population_gaps": [],
    }  # fmt: skip
    text = _render(120, render_gaps, gaps)
    assert "[red]Coos[/red]" in text
