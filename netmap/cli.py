"""The ``netmap`` command: parse arguments, call the library, render, set the exit code.

Exit codes: 0 ok, 1 data errors (or a failed store), 2 usage errors. No traceback is
shown unless ``--debug`` is given.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

import netmap
from netmap.errors import NetmapError, UsageError
from netmap.ingest.workbook import Limits
from netmap.render.json import dumps
from netmap.render.terminal import render_counts, render_issues

app = typer.Typer(
    name="netmap",
    help="Map and analyse the partnership network behind a career-pathways system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    debug = False


def _stdout() -> Console:
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        # Piped or captured output: wide enough that codes and ids are never folded.
        console = Console(highlight=False, soft_wrap=True, width=max(console.width, 200))
    return console


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def handled(func: F) -> F:
    """Turn library errors into a one-line message and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except NetmapError as exc:
            if _State.debug:
                raise
            _stderr().print(Text(f"netmap: {exc}", style="red"))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except Exception as exc:
            if _State.debug:
                raise
            _stderr().print(
                Text(f"netmap: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", style="red")
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netmap {netmap.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Map and analyse the partnership network behind a career-pathways system."""
    _State.debug = debug


RosterOpt = Annotated[
    str | None,
    typer.Option("--roster", help="Roster: a shipped name (career-pathways) or a roster YAML file."),
]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Encoding of CSV files that are not UTF-8, e.g. cp1252.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout, and nothing else.")]


@app.command()
@handled
def init(
    folder: Annotated[Path, typer.Argument(help="Folder to write the template into (created if missing).")],
    csv: Annotated[bool, typer.Option("--csv", help="Write one CSV file per sheet instead of an .xlsx.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    roster: RosterOpt = None,
) -> None:
    """Write an empty workbook template with an example row per sheet."""
    from netmap.template import write_template

    loaded = netmap.load_roster(roster)
    written = write_template(folder, roster=loaded, csv_files=csv, force=force)
    _stdout().print(Text(f"wrote {written}; fill it in, then run: netmap validate {written}"))


@app.command()
@handled
def validate(
    source: Annotated[str, typer.Argument(help="An .xlsx workbook or a folder of .csv files.")],
    roster: RosterOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors (exit 1).")] = False,
    max_file_size: Annotated[
        float, typer.Option("--max-file-size", min=0.001, help="Largest file to read, in MiB.")
    ] = Limits().max_file_bytes / 2**20,
) -> None:
    """Check a workbook and report every problem at once."""
    loaded = netmap.load_roster(roster)
    limits = Limits(max_file_bytes=int(max_file_size * 2**20))
    tables = netmap.read_workbook(source, roster=loaded, encoding=encoding, limits=limits)
    failed = bool(tables.errors) or (strict and bool(tables.warnings))
    if as_json:
        sys.stdout.write(
            dumps(
                {
                    "source": source,
                    "ok": not failed,
                    "roster": loaded.name,
                    "counts": tables.counts(),
                    "errors": len(tables.errors),
                    "warnings": len(tables.warnings),
                    "issues": [i.to_dict() for i in tables.issues],
                }
            )
            + "\n"
        )
    else:
        console = _stdout()
        if tables.issues:
            render_issues(console, tables.issues)
        if tables.errors:
            console.print(
                Text(f"{len(tables.errors)} error(s), {len(tables.warnings)} warning(s) in {source}", style="bold red")
            )
        else:
            render_counts(console, source, tables.counts(), len(tables.warnings))
    if failed:
        raise typer.Exit(1)


def run() -> None:
    """Entry point of the console script."""
    try:
        app()
    except UsageError as exc:  # raised outside a command (should not happen)
        _stderr().print(Text(f"netmap: {exc}"))
        sys.exit(2)
