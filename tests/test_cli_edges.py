"""netmap.cli at its edges: an unknown option is answered with the nearest option of the
command it was given to (or none), and ``gaps`` and ``brokers`` analyse the day ``--as-of`` names."""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from netmap.cli import app, nearest_options

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
