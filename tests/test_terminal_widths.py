"""Every command of the CLI, end to end, at 80, 120 and 200 columns and piped.

Each command runs on the bundled examples (and on a small workbook with a bad value) with
``COLUMNS`` set, as a user's terminal or pipe would give it; what it prints on stdout and
stderr must keep every line within the width and every word whole: a table that folds
"Comunity colege" into ``Co/mu/ni/ty`` or cuts "Portland Metro" to "Portla…" fails here.
A few commands also run as a real process with stdout piped, with and without COLUMNS.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netmap.cli import PIPED_WIDTH, app
from tests.conftest import EXAMPLES, ROOT
from tests.store.conftest import falkordb  # noqa: F401  (the real Cypher engine, for load/pull/maps/drop)

OREGON = EXAMPLES / "oregon-pathways-alliance"
FOUR_STATES = EXAMPLES / "four-state-coalitions"
TUCSON = EXAMPLES / "tucson-behavioral-health"
PIMA_211 = EXAMPLES / "pima-county-211"

WIDTHS = (80, 120, 200)

# The tables of these commands are drawn by netmap/render/terminal.py, made to fit in a
# branch of their own; they pass once both are merged.

# Box-drawing borders of a table cell: a word cut at one is a word split mid-way.
BORDERS = "│┃|"


def whole(word: str) -> re.Pattern[str]:
    """The word on its own: not inside a longer word or number.

    >>> bool(whole("Metro").search("Portland Metro.")), bool(whole("Metro").search("Metropolitan"))
    (True, False)
    >>> bool(whole("0.31").search("0.319"))
    False
    """
    return re.compile(rf"(?<![\w.]){re.escape(word)}(?![\w]|\.\d)")


def split_words(text: str, words: list[str]) -> list[str]:
    """The expected words found cut: a start of the word at the end of a line or a
    cell with its next letters starting a line or a cell, or a start cut short with an
    ellipsis.

    >>> split_words("│ Co │\\n│ mu │\\n│ ni │\\n│ ty │", ["Comunity"])
    ['Comunity (Co|mu)']
    >>> split_words("│ Portla… Metro │", ["Portland"])
    ['Portland (Portla…)']
    >>> split_words("│ score │ rating │\\n│ cardinal │", ["scorecard"])
    []
    """
    # What starts a line or a cell: the next piece of a word folded there.
    starts = set(re.findall(rf"(?:^|[{BORDERS}])[ \t]*([\w'.-]+)", text, flags=re.MULTILINE))
    found = []
    for word in words:
        for k in range(2, len(word)):
            piece, rest = word[:k], word[k:]
            if not word[k].isalnum():
                continue  # "error" of "error(s)" is a word of its own
            before = rf"(?<![\w.]){re.escape(piece)}"
            if re.search(before + "…", text):
                found.append(f"{word} ({piece}…)")
                break
            ends = re.search(before + rf"(?:[ \t]*[{BORDERS}]|[ \t]*$)", text, flags=re.MULTILINE)
            # A one-letter start ("a", "I") is a word of its own far more often than a fold.
            going_on = [start for start in starts if rest.startswith(start) and len(start) >= min(2, len(rest))]
            if ends and going_on:
                found.append(f"{word} ({piece}|{min(going_on, key=len)})")
                break
    return found


# An error that stops a command is one line however long, so that it greps whole.
ONE_LINE_ERROR = re.compile(r"^(netmap: (?!warning)|\d+ error\(s\) in )")


def check_output(text: str, width: int, phrases: tuple[str, ...], what: str) -> list[str]:
    """What is wrong with ``text`` printed at ``width`` columns, as readable lines."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > width and not ONE_LINE_ERROR.match(line):
            problems.append(f"{what} line {number} is {len(line)} > {width} characters: {line!r}")
    words = [word for phrase in phrases for word in phrase.split()]
    missing = [word for word in words if not whole(word).search(text)]
    if missing:
        problems.append(f"{what}: not found whole: {missing}")
    cut = split_words(text, words)
    if cut:
        problems.append(f"{what}: cut mid-word: {cut}")
    return problems


@dataclass
class Books:
    """The inputs the commands run on, made once per test in its own folder."""

    folder: Path
    bad: Path = field(init=False)
    old: Path = field(init=False)
    new: Path = field(init=False)

    def __post_init__(self) -> None:
        self.bad = bad_workbook(self.folder / "bad")
        # Two snapshots of the Oregon example: the later one adds a partner and loses a tie.
        self.old = Path(shutil.copytree(OREGON, self.folder / "before"))
        self.new = Path(shutil.copytree(OREGON, self.folder / "after"))
        with open(self.new / "partners.csv", "a", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerow(
                ["NEWCO", "Columbia Gorge Community College", "community college", "local", "Portland Metro"]
            )
        ties = (self.new / "ties.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (self.new / "ties.csv").write_text("".join(ties[:1] + ties[2:]), encoding="utf-8")


def bad_workbook(folder: Path) -> Path:
    """Three partners, one of an agency type misspelt: "Comunity colege" is an issue."""
    folder.mkdir(parents=True)
    sheets = {
        "partners": [
            ["id", "name", "agency_type", "level", "region"],
            ["P1", "Pima Community College", "Comunity colege", "local", "Pima County"],
            ["P2", "Pima County One Stop", "American Job Center", "local", "Pima County"],
            ["P3", "Arizona Department of Economic Security", "State human service agency", "state", ""],
        ],
        "ties": [["source_id", "target_id", "kind"], ["P2", "P3", "referral"]],
    }
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


@dataclass(frozen=True)
class Command:
    """One command line, the phrases whose every word must show whole, its exit code, and
    the files it names."""

    name: str
    args: Callable[[Books], list[object]]
    phrases: tuple[str, ...] = ()
    exit_code: int = 0
    # Files named in the output: a path longer than a line may fold anywhere, so these are
    # looked for in the output with its line breaks taken out.
    files: Callable[[Books], list[Path]] = lambda b: []


COMMANDS = [
    Command("validate", lambda b: ["validate", OREGON], ("OK", "43 partners", "88 roles", "13 contacts")),
    Command(
        "validate-bad",
        lambda b: ["validate", b.bad],
        ("Comunity colege", "unknown-agency-type", "Local community colleges"),
        exit_code=1,
    ),
    # Data errors stop an analysis: the issues and a count on stderr.
    Command("analyze-bad", lambda b: ["analyze", b.bad], ("Comunity colege", "1 error(s)"), exit_code=1),
    Command("analyze", lambda b: ["analyze", OREGON], ("Readiness scorecard", "Portland Community College")),
    Command("gaps", lambda b: ["gaps", OREGON], ("Portland Metro", "Local community colleges")),
    Command(
        "history",
        lambda b: ["history", b.old, b.new, "--date", f"{b.old}=2026-01-01", "--date", f"{b.new}=2026-04-01"],
        ("History of 2 snapshots", "What changed at each step", "Readiness scorecard per snapshot"),
    ),
    Command("brokers", lambda b: ["brokers", OREGON], ("Mt. Hood Community College", "0.319")),
    Command(
        "regions",
        lambda b: ["regions", FOUR_STATES],
        ("Delaware", "California", "Tennessee", "Illinois", "Local community colleges"),
    ),
    Command(
        "services",
        lambda b: ["services", TUCSON],
        ("Pima County", "Tucson Indian Center", "Tohono O'odham Nation WIA program", "Transportation"),
    ),
    Command(
        "services-hsds",
        lambda b: ["services", PIMA_211],
        ("Service inventory", "Goodwill of Southern Arizona", "Pima County", "Transportation"),
    ),
    Command(
        "services-worksheet",
        lambda b: ["services", TUCSON, "--worksheet", "-o", b.folder / "inventory.xlsx"],
        ("wrote",),
        files=lambda b: [b.folder / "inventory.xlsx"],
    ),
    Command(
        "survey",
        lambda b: ["survey", TUCSON, "-o", b.folder / "forms", "--partner", "TIC"],
        ("wrote", "1 form(s) in", "netmap validate FORM.xlsx"),
        files=lambda b: [b.folder / "forms" / "intake-TIC.xlsx"],
    ),
    Command("diff", lambda b: ["diff", b.old, b.new], ("Columbia Gorge Community College", "Changes")),
    Command(
        "suggest",
        lambda b: ["suggest", TUCSON, "--directory", PIMA_211],
        ("Who could fill each gap", "Amphitheater Public Schools", "Pima County Workforce Development Board"),
    ),
    Command(
        "init",
        lambda b: ["init", b.folder / "template"],
        ("wrote", "fill it in, then run: netmap validate"),
        files=lambda b: [b.folder / "template"],
    ),
    Command(
        "map",
        lambda b: ["map", OREGON, "-o", b.folder / "map.html"],
        ("wrote",),
        files=lambda b: [b.folder / "map.html"],
    ),
    Command(
        "report",
        lambda b: ["report", OREGON, "-o", b.folder / "report.html"],
        ("wrote",),
        files=lambda b: [b.folder / "report.html"],
    ),
    Command(
        "export",
        lambda b: ["export", OREGON, "-o", b.folder / "graph.graphml"],
        ("wrote",),
        files=lambda b: [b.folder / "graph.graphml"],
    ),
    Command(
        "hsds-mapping",
        lambda b: ["hsds-mapping", PIMA_211, "-o", b.folder / "mapping.yaml"],
        ("wrote", "fill in the blanks, then check it with: netmap --mapping"),
        files=lambda b: [b.folder / "mapping.yaml", PIMA_211],
    ),
    Command(
        "merge",
        lambda b: ["merge", OREGON, TUCSON, "-o", b.folder / "merged.xlsx"],
        ("One id, two organisations", "Pima Community College", "rows read", "wrote"),
        files=lambda b: [b.folder / "merged.xlsx"],
    ),
    Command(
        "demo",
        lambda b: ["demo", "-o", b.folder / "demo"],
        ("OK example four-state-coalitions", "Open these", "Markdown report", "analysis (JSON)"),
        files=lambda b: [b.folder / "demo" / "report.html", b.folder / "demo" / "map.html"],
    ),
]


def ids(value: object) -> str:
    return value.name if isinstance(value, Command) else str(value)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", COMMANDS, ids=ids)
def test_every_command_fits_the_width_with_no_word_split(tmp_path: Path, command: Command, width: int) -> None:
    books = Books(tmp_path)
    line = [str(a) for a in command.args(books)]
    result = CliRunner().invoke(app, line, env={"COLUMNS": str(width)})
    assert result.exit_code == command.exit_code, result.output
    shown = result.stdout + result.stderr
    problems = check_output(result.stdout, width, (), "stdout") + check_output(result.stderr, width, (), "stderr")
    problems += check_output(shown, width, command.phrases, "output")
    # A path folded in a column goes on under itself: its pieces joined, the indent taken out.
    joined = re.sub(r"[ \t]*\n[ \t]*", "", shown)
    problems += [f"{path} is not named" for path in command.files(books) if str(path) not in joined]
    assert problems == [], "\n".join(problems) + "\n\n" + shown


def test_every_command_is_run_here() -> None:
    """A new command must join the list above (the store's four run in their own test)."""
    import typer

    commands = set(typer.main.get_command(app).commands)
    listed = {(c.values[0] if hasattr(c, "values") else c).name for c in COMMANDS}
    # validate-bad, services-hsds, ...: a second run of the command before the dash.
    listed = {name if name in commands else name.rsplit("-", 1)[0] for name in listed}
    assert commands - listed == {"load", "pull", "maps", "drop"}


STORE_STEPS = [
    pytest.param("load", ("loaded map", "created", "unchanged", "total", "324"), id="load"),
    # The source column holds the workbook's path, which folds where the checkout's path is
    # long (a path is one long word): the map's name is what must read whole.
    pytest.param("maps", ("Maps in",), id="maps"),
    pytest.param("pull", ("wrote map", "check it with: netmap validate"), id="pull"),
    pytest.param("drop", ("deleted map", "nodes"), id="drop"),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("step", "phrases"), STORE_STEPS)
def test_the_store_commands_fit_the_width(
    tmp_path: Path,
    falkordb,  # noqa: F811
    step: str,
    phrases: tuple[str, ...],
    width: int,
) -> None:
    name = f"widths-{step}-{width}"
    load = ["load", TUCSON, "--uri", falkordb.uri, "--map", name]
    if step != "load":
        assert CliRunner().invoke(app, [str(a) for a in load]).exit_code == 0
    line = {
        "load": load,
        "maps": ["maps", "--uri", falkordb.uri],
        "pull": ["pull", "--uri", falkordb.uri, "--map", name, "-o", tmp_path / "pulled"],
        "drop": ["drop", "--uri", falkordb.uri, "--map", name],
    }[step]
    result = CliRunner().invoke(app, [str(a) for a in line], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    shown = result.stdout + result.stderr
    problems = check_output(result.stdout, width, (), "stdout") + check_output(result.stderr, width, (), "stderr")
    problems += check_output(shown, width, (*phrases, name), "output")
    if step == "pull":
        problems += [f"{f} is not named" for f in ("partners.csv", "ties.csv") if f not in shown.replace("\n", "")]
    assert problems == [], "\n".join(problems) + "\n\n" + shown


def piped(*args: object, columns: str | None) -> subprocess.CompletedProcess[str]:
    """``netmap ARGS`` as its own process, stdout and stderr pipes, COLUMNS as given."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [sys.executable, "-m", "netmap", *(str(a) for a in args)],
        capture_output=True,
        stdin=subprocess.DEVNULL,  # no terminal anywhere: the fixed width, not a prompt's
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "phrases"),
    [
        (["validate", OREGON], ("OK", "43 partners")),
        (["services", TUCSON], ("Tucson Indian Center", "Pima County")),
    ],
    ids=["validate", "services"],
)
def test_piped_output_honours_columns(args: list[object], phrases: tuple[str, ...]) -> None:
    done = piped(*args, columns="80")
    assert done.returncode == 0, done.stderr
    problems = check_output(done.stdout, 80, phrases, "stdout") + check_output(done.stderr, 80, (), "stderr")
    assert problems == [], "\n".join(problems)


def test_piped_output_with_no_columns_is_the_fixed_width(tmp_path: Path) -> None:
    """Rich alone would take 80 columns for a pipe; netmap takes PIPED_WIDTH, a log's width."""
    done = piped("services", TUCSON, columns=None)
    assert done.returncode == 0, done.stderr
    assert check_output(done.stdout, PIPED_WIDTH, ("Tucson Indian Center",), "stdout") == []
    # The findings table takes the whole width: the width is PIPED_WIDTH, not rich's 80.
    assert max(len(line) for line in done.stdout.splitlines()) == PIPED_WIDTH
    wrote = piped("map", OREGON, "-o", tmp_path / ("long-" * 30 + "map.html"), columns=None)
    assert wrote.returncode == 0, wrote.stderr
    assert max(len(line) for line in wrote.stderr.splitlines()) <= PIPED_WIDTH
    assert "map.html" in wrote.stderr.replace("\n", "")


def test_an_error_that_stops_a_command_stays_one_line(tmp_path: Path) -> None:
    """Messages wrap to the width; the error a command ends with greps whole instead."""
    missing = tmp_path / ("a-folder-with-a-long-name-" * 4) / "book.xlsx"
    result = CliRunner().invoke(app, ["validate", str(missing)], env={"COLUMNS": "80"})
    assert result.exit_code == 2  # no such file: a usage error
    (line,) = result.stderr.splitlines()
    assert line.startswith("netmap: ") and str(missing) in line and len(line) > 80
