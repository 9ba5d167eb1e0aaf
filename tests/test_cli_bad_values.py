"""Every command, every option, a table of bad values: never exit 3, never a traceback, and
a usage or store error is one line.

The commands and their options are read from the typer app itself, so a new command or
option is covered the day it is added (with the generic values of its type, until it is
given values of its own below).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from netmap.cli import app
from tests.conftest import EXAMPLES, write_csv_workbook

runner = CliRunner()
COMMAND = typer.main.get_command(app)

# An address nothing listens on: a store command gets as far as connecting, and fails (exit 1).
NOBODY = "falkordb://127.0.0.1:1"
MALFORMED_URIS = ["falkordb://[::1", "neo4j+s://[zz]:7687", "bolt://localhost:99999", "bolt://localhost:port"]
ESCAPES = "\x1b]0;pwned\x07\x1b[2J"

# Values by option name; options not named here get the values of their type.
BY_NAME: dict[str, list[str]] = {
    "--as-of": ["9999-12-31", "0001-01-01", "2024-02-30", "10000-01-01", "", "today", ESCAPES],
    "--uri": [*MALFORMED_URIS, "http://example.org", "", "neo4j://"],
    "--max-file-size": ["nan", "inf", "-inf", "1e308", "0", "-1", "x"],
    "--format": ["", "xml", "HTML", ESCAPES],
    "--scope": ["", "county", ESCAPES],
    "--size-by": ["", "pagerank"],
    "--layout": ["", "circle"],
    "--example": ["", "nowhere", "../../etc"],
    "--roster": ["", "no-such-roster", "/dev/null", "."],
    "--encoding": ["", "no-such-codec", "utf-16", "rot13"],
    "--region": ["", "Nowhere", ESCAPES],
    "--expect": ["", ESCAPES],
    "--since": ["", "no-such-folder", *MALFORMED_URIS[:2]],
    "--directory": ["", "no-such-folder", *MALFORMED_URIS[:2]],
    "--map": ["", ESCAPES],
}
BY_TYPE: dict[str, list[str]] = {
    "IntParamType": ["x", "1.5", "nan", "99999999999999999999999999", "-99999999999999999999999999"],
    "IntRange": ["x", "-1", "0", "nan", "99999999999999999999999999"],
    "FloatRange": ["nan", "inf", "1e308", "-1", "x"],
    "StringParamType": ["", ESCAPES],
    "TyperPath": ["", "/dev/null/x", "/"],
}
BY_ARGUMENT = ["", "no-such-file.xlsx", "/dev/null", *MALFORMED_URIS[:2], "neo4j://", "."]


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    return write_csv_workbook(
        tmp_path_factory.mktemp("book") / "book",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "team"],
                ["P1", "Pima Community College", "CC", "local", "Pima", "leadership"],
                ["P2", "Pima One Stop", "American Job Center", "local", "Pima", "leadership"],
                ["P3", "Arizona DES", "State human service agency", "state", "", "leadership"],
            ],
            "agreements": [["id", "parties", "type", "expires"], ["A1", "P1;P2", "MOU", "2030-12-31"]],
            "funding": [["id", "stream", "recipient_id", "amount", "end"], ["F1", "WIOA", "P2", "1000", "2030-06-30"]],
            "ties": [["source_id", "target_id", "kind"], ["P1", "P2", "referral"], ["P2", "P3", "referral"]],
        },
    )


def valid_arguments(name: str, book: Path, out: Path) -> dict[str, str | list[str]]:
    """Good values of the required parameters (a store command's address leads nowhere)."""
    good = {
        "source": str(book),
        "old": str(book),
        "new": str(book),
        "sources": str(book),
        "snapshots": [str(book), str(EXAMPLES / "tucson-behavioral-health")],  # history wants two or more
        "folder": str(out / "template"),
        "package": str(EXAMPLES / "pima-county-211"),
        "--directory": str(book),
        "--uri": NOBODY,
        "--map": "m",
        "-o": str(out / "out"),
    }
    found = {}
    for param in COMMAND.commands[name].params:
        key = param.opts[0] if param.opts[0].startswith("-") else param.name
        if param.required:
            found[key] = good[key]
    return found


def command_line(name: str, args: dict[str, str]) -> list[str]:
    line = [name]
    for key, value in args.items():
        if key.startswith("-"):
            line += [key, value]
        else:
            line += value if isinstance(value, list) else [value]
    return line


CASES = [
    pytest.param(name, param.opts[0] if param.opts[0].startswith("-") else param.name, id=f"{name}-{param.name}")
    for name, command in COMMAND.commands.items()
    for param in command.params
    if not getattr(param, "is_flag", False) and param.name != "help"
]


def message_lines(stderr: str) -> list[str]:
    """What the command said, less click's usage banner above its own one line."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith(("Usage:", "Try '"))]


@pytest.mark.parametrize(("name", "key"), CASES)
def test_no_bad_value_exits_3_and_errors_are_one_line(tmp_path, monkeypatch, book, name, key):
    monkeypatch.chdir(tmp_path)  # whatever a bad -o makes of the current folder stays here
    param = next(p for p in COMMAND.commands[name].params if key in (p.name, *p.opts))
    if not key.startswith("-"):
        values = BY_ARGUMENT
    else:
        values = BY_NAME.get(key) or BY_TYPE[type(param.type).__name__]
    problems = []
    for value in values:
        args = valid_arguments(name, book, tmp_path)
        args[key] = value
        line = command_line(name, args)
        result = runner.invoke(app, line)
        said = message_lines(result.stderr)
        if result.exit_code not in (0, 1, 2):
            problems.append(f"{line!r}: exit {result.exit_code}: {result.stderr[-300:]}")
        elif "Traceback" in result.output:
            problems.append(f"{line!r}: a traceback")
        elif result.exit_code == 2 or (result.exit_code == 1 and "issue(s)" not in result.output):
            if len(said) != 1:
                problems.append(f"{line!r}: exit {result.exit_code} with {len(said)} lines: {said}")
    assert problems == []


def test_every_command_is_covered():
    """A command with no option but flags would escape the table above; none does."""
    covered = {case.values[0] for case in CASES}
    assert covered == set(COMMAND.commands)
