"""netmap.cli at its edges: an unknown option is answered with the nearest option of the
command it was given to (or none), and ``gaps`` and ``brokers`` analyse the day ``--as-of`` names."""

from __future__ import annotations

import json

import pytest
import typer.main
from typer.testing import CliRunner

from netmap.cli import app, nearest_options
from tests.conftest import write_csv_workbook

runner = CliRunner()
COMMAND = typer.main.get_command(app)


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def error_line(result) -> str:
    """Click's one message line, below its usage banner."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: "), result.stderr
    return lines[-1]


# -- unknown options ----------------------------------------------------------------------------

# (command line, the one suggestion expected, or None for no suggestion)
UNKNOWN_OPTION_CASES = [
    (["gaps", "SRC", "--as-off", "2025-01-01"], "--as-of"),
    (["gaps", "SRC", "--as-off=2025-01-01"], "--as-of"),
    (["map", "SRC", "--presnt"], "--present"),
    (["gaps", "SRC", "--rooster", "x"], "--roster"),
    (["brokers", "SRC", "--jsn"], "--json"),
    (["report", "SRC", "--dir", "x"], "--directory"),
    (["export", "SRC", "-o", "x", "--formt", "csv"], "--format"),
    (["demo", "--exampel", "x"], "--example"),
    (["validate", "SRC", "--strct"], "--strict"),
    (["diff", "A", "B", "--old-mpa", "m"], "--old-map"),
    (["--debg", "gaps", "SRC"], "--debug"),
    (["gaps", "SRC", "--bogus"], None),
    (["maps", "--uri", "x", "--bogus"], None),
    (["--bogus", "gaps", "SRC"], None),
    # An option of other commands only: not suggested, since gaps would not take it either.
    (["gaps", "SRC", "--top", "3"], None),
    (["gaps", "SRC", "-z"], None),
]


@pytest.mark.parametrize(("args", "expected"), UNKNOWN_OPTION_CASES, ids=[" ".join(a) for a, _ in UNKNOWN_OPTION_CASES])
def test_an_unknown_option_suggests_the_nearest_option_of_its_command(args, expected):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    typed = next(a for a in args if a.startswith("-") and a.split("=")[0] not in ("-o", "--uri")).split("=")[0]
    said = error_line(result)
    if expected is None:
        assert said == f"Error: No such option: {typed}"
    else:
        assert said == f"Error: No such option: {typed}. Did you mean {expected}?"


def _long_options(command) -> list[str]:
    return [opt for p in command.params if p.param_type_name == "option" for opt in p.opts if opt.startswith("--")]


SLIPS = [
    pytest.param(name, option, id=f"{name} {option}")
    for name, command in COMMAND.commands.items()
    for option in _long_options(command)
]


@pytest.mark.parametrize(("name", "option"), SLIPS)
def test_every_option_of_every_command_is_found_from_a_slip(name, option):
    """A doubled last letter (--as-off, --jsonn) names the option, and only options of that command."""
    result = run(name, option + option[-1])
    assert result.exit_code == 2, result.output
    said = error_line(result)
    assert said.startswith(f"Error: No such option: {option + option[-1]}. Did you mean "), said
    suggested = said.split("Did you mean ", 1)[1].rstrip("?").split(" or ")
    assert option in suggested
    assert set(suggested) <= set(_long_options(COMMAND.commands[name])) | {"--help"}


@pytest.mark.parametrize("name", sorted(COMMAND.commands))
def test_bogus_is_suggested_nothing_in_any_command(name):
    assert error_line(run(name, "--bogus")) == "Error: No such option: --bogus"


@pytest.mark.parametrize(
    ("typed", "names", "expected"),
    [
        ("--as-off", ["--as-of", "--user", "--scope"], ["--as-of"]),
        ("--bogus", ["--as-of", "--user", "--scope", "--help"], []),
        ("--out", ["--output", "--force"], ["--output"]),
        ("--regoin", ["--region", "--roster"], ["--region"]),
        ("--e", ["--encoding", "--expect"], []),  # one letter begins too many to guess
        ("-z", ["-o", "--output"], []),
        ("--o", ["-o"], []),  # a long slip is not matched to a short option
    ],
)
def test_nearest_options(typed, names, expected):
    assert nearest_options(typed, names) == expected


# -- --as-of in gaps and brokers -----------------------------------------------------------------

PARTNERS = [
    ["id", "name", "agency_type", "level", "region", "team"],
    ["A", "Alpha College", "Local community colleges", "local", "North", ""],
    ["B", "Beta Job Center", "American Job Center", "local", "North", "leadership"],
    ["C", "Gamma Board", "Local workforce development boards", "local", "North", "leadership"],
    ["D", "Delta Services", "Local community-based organizations", "local", "North", ""],
]
# A chain A - B - C - D whose first link ends on 2025-06-30: a ties row with an end date, or
# the only agreement between A and B with that expiry.
LINKS = {
    "tie": {
        "ties": [
            ["source_id", "target_id", "kind", "end"],
            ["A", "B", "referral", "2025-06-30"],
            ["B", "C", "collaboration", ""],
            ["C", "D", "collaboration", ""],
        ]
    },
    "agreement": {
        "ties": [["source_id", "target_id", "kind"], ["B", "C", "collaboration"], ["C", "D", "collaboration"]],
        "agreements": [
            ["id", "parties", "type", "signed", "expires"],
            ["M1", "A;B", "MOU", "2024-01-01", "2025-06-30"],
        ],
    },
}


@pytest.fixture(params=sorted(LINKS))
def chain(request, tmp_path):
    return write_csv_workbook(tmp_path / request.param, {"partners": PARTNERS, **LINKS[request.param]})


# (--as-of, cut points, betweenness by partner, bridges): before the A-B link ends B and C are
# cut points in the middle of a path of four (2 of 3 pairs pass through each); after it, A is
# alone and C is the one cut point (1 of 3 pairs, B-D, passes through it; n stays 4).
BROKERS_AS_OF = [
    (
        "2025-01-01",
        ["B", "C"],
        {"A": 0.0, "B": 0.666667, "C": 0.666667, "D": 0.0},
        [["A", "B"], ["B", "C"], ["C", "D"]],
    ),
    (
        "2025-06-30",
        ["B", "C"],
        {"A": 0.0, "B": 0.666667, "C": 0.666667, "D": 0.0},
        [["A", "B"], ["B", "C"], ["C", "D"]],
    ),
    ("2026-01-01", ["C"], {"A": 0.0, "B": 0.0, "C": 0.333333, "D": 0.0}, [["B", "C"], ["C", "D"]]),
]


@pytest.mark.parametrize(("day", "cut", "betweenness", "bridges"), BROKERS_AS_OF, ids=[c[0] for c in BROKERS_AS_OF])
def test_brokers_analyse_the_day_as_of_names(chain, day, cut, betweenness, bridges):
    result = run("brokers", chain, "--as-of", day, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == day
    assert doc["articulation_points"] == cut
    assert {b["id"]: b["betweenness"] for b in doc["brokers"]} == betweenness
    assert {b["id"] for b in doc["brokers"] if b["articulation_point"]} == set(cut)
    assert doc["bridges"] == bridges
    table = run("brokers", chain, "--as-of", day)
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0] == f"Broker analysis of {chain} (as of {day})"


# (--as-of, the local types peripheral): the college is tied to the leadership team (B) only
# through the link that ends, so it turns from present to peripheral; the others stay present.
GAPS_AS_OF = [("2025-01-01", []), ("2025-06-30", []), ("2026-01-01", ["Local community colleges"])]


@pytest.mark.parametrize(("day", "peripheral"), GAPS_AS_OF, ids=[c[0] for c in GAPS_AS_OF])
def test_gaps_analyse_the_day_as_of_names(chain, day, peripheral):
    result = run("gaps", chain, "--as-of", day, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == day
    assert [p["agency_type"] for p in doc["peripheral"]] == peripheral
    listed = {t["agency_type"]: t["status"] for t in doc["types"] if t["partners"]}
    assert listed == {
        "Local WIB": "present",
        "Local workforce agencies": "present",
        "Local community colleges": "peripheral" if peripheral else "present",
        "Local community-based organizations": "present",
    }
    table = run("gaps", chain, "--as-of", day)
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0] == f"Roster gaps of {chain} (as of {day})"


def test_gaps_and_brokers_without_as_of_say_today(chain):
    import datetime as dt

    for command in ("gaps", "brokers"):
        doc = json.loads(run(command, chain, "--json").stdout)
        assert doc["as_of"] == dt.date.today().isoformat()


def _piped_under_a_terminal(columns: int, env_columns: str | None) -> list[str]:
    """Run ``netmap brokers`` with stdout to a pipe and stderr on a real pseudo-terminal of
    ``columns`` columns: a command typed at a prompt and piped into ``less``."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if env_columns is not None:
        env["COLUMNS"] = env_columns
    try:
        done = subprocess.run(
            [sys.executable, "-m", "netmap", "brokers", str(root / "examples" / "oregon-pathways-alliance")],
            stdout=subprocess.PIPE,
            stderr=follower,
            stdin=subprocess.DEVNULL,
            env={**env, "PYTHONPATH": str(root)},
            timeout=120,
            check=True,
        )
    finally:
        os.close(follower)
        os.close(leader)
    return done.stdout.decode("utf-8").splitlines()


@pytest.mark.parametrize(("columns", "env_columns", "width"), [(80, None, 80), (100, None, 100), (80, "132", 132)])
def test_piped_output_takes_the_width_of_the_terminal_it_was_typed_at(columns, env_columns, width):
    # `netmap brokers X | less` at an 80-column prompt: the shell exports no COLUMNS, yet the
    # table must fit the 80 columns it is read in; COLUMNS, when set, still decides.
    lines = _piped_under_a_terminal(columns, env_columns)
    assert max(len(line) for line in lines) <= width
    assert max(len(line) for line in lines) > width - 12  # the table uses the room it has


def test_the_wait_for_a_running_load_is_said_on_one_line(capsys, monkeypatch):
    # A racing load reads "in use ... waiting" as one line, however narrow the output.
    from netmap.cli import _waiting

    monkeypatch.setenv("COLUMNS", "40")
    _waiting("raced", "netmap load of 'a-rather-long-workbook-name' (process 1 on host)", 60)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "netmap: map 'raced' is in use by netmap load of 'a-rather-long-workbook-name' (process 1 on host); "
        "waiting up to 60 s (--wait)"
    ]
