"""The ``netmap`` command: parse arguments, call the library, render, set the exit code.

Exit codes: 0 ok, 1 data errors (or a failed store), 2 usage errors. No traceback is
shown unless ``--debug`` is given.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import typer.core
from rich.console import Console
from rich.table import Table
from rich.text import Text

import netmap
from netmap._gc import keep_to_exit, keeping_to_exit
from netmap.errors import NetmapError, UsageError, safe_text
from netmap.ingest.workbook import Limits
from netmap.outputs import announcing_folders, check_file_target, write_file
from netmap.render.json import dumps, write_json

try:  # typer 0.28 carries its own copy of click, earlier versions use click itself
    from typer import _click as _click_api
except ImportError:  # pragma: no cover - typer < 0.28
    import click as _click_api  # type: ignore[no-redef]

# How close a mistyped option must be to one of the command's own to be suggested (difflib's
# ratio of the names without their dashes): --as-off, --presnt and --jsn are; --bogus is not.
CLOSE_ENOUGH = 0.75


def nearest_options(typed: str, names: Iterable[str]) -> list[str]:
    """The options among ``names`` that ``typed`` is most likely a slip for, best first.

    Names are compared without their leading dashes (click's own suggestion compares them with,
    so every ``--`` option shares two characters with every other and ``--bogus`` comes out
    as ``--user``). A name ``typed`` begins (``--out`` for ``--output``) counts as close.

    Parameters
    ----------
    typed : str
        The option as given, e.g. ``"--as-off"``.
    names : iterable of str
        The options of the command it was given to.

    Returns
    -------
    list of str
        The closest names (several only when equally close); empty when none is close.

    Examples
    --------
    >>> nearest_options("--as-off", ["--as-of", "--user", "--scope"])
    ['--as-of']
    >>> nearest_options("--bogus", ["--as-of", "--user", "--scope"])
    []
    >>> nearest_options("--out", ["--output", "--force"])
    ['--output']
    """
    import difflib

    word = typed.lstrip("-").lower()
    scores: dict[str, float] = {}
    for name in names:
        if name.startswith("--") != typed.startswith("--"):
            continue  # a long option for a long one, a short one for a short one
        bare = name.lstrip("-").lower()
        prefix = len(word) >= 2 and bare.startswith(word)
        scores[name] = 1.0 if prefix else difflib.SequenceMatcher(None, word, bare).ratio()
    best = max(scores.values(), default=0.0)
    if best < CLOSE_ENOUGH:
        return []
    return sorted((name for name, score in scores.items() if score == best), key=str.lower)


def _suggest_own_option(exc: Any) -> None:
    """Make click's "No such option" name the nearest option of the command it was given to."""
    ctx = exc.ctx
    names: list[str] = []
    if ctx is not None:
        for param in ctx.command.get_params(ctx):
            if param.param_type_name == "option" and not getattr(param, "hidden", False):
                names += [*param.opts, *param.secondary_opts]
    found = nearest_options(exc.option_name, names)
    exc.possibilities = None  # click's own list, compared with the dashes, is dropped
    if found:
        exc.message = f"{exc.message}. Did you mean {' or '.join(found)}?"


class _NetmapGroup(typer.core.TyperGroup):
    """netmap's command group: the one place an unknown option's suggestion is made.

    Both the group's own options (``netmap --bogus gaps``) and a command's (``netmap gaps
    --bogus``) are parsed below these two methods; click then prints the usage error (exit 2).
    """

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except _click_api.exceptions.NoSuchOption as exc:
            _suggest_own_option(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _click_api.exceptions.NoSuchOption as exc:
            _suggest_own_option(exc)
            raise


app = typer.Typer(
    cls=_NetmapGroup,
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
    quiet = False
    mapping: Path | None = None
    regions: Path | None = None
    # Under run(), which ends the process itself: the collector stays off and what a
    # command read is kept to the end (netmap._gc.keep_to_exit). In-process callers
    # (tests) free it as usual.
    fast_exit = False


def _stdout() -> Console:
    # A SafeConsole: no control character or escape sequence in the data reaches the terminal.
    from netmap.render.terminal import SafeConsole

    # Text wraps at spaces within the width (render.fit keeps tables to it too), so no
    # line is longer than the terminal, or than COLUMNS (else PIPED_WIDTH) when piped.
    console = SafeConsole(highlight=False)
    if not console.is_terminal:
        console = SafeConsole(highlight=False, width=_piped_width())
    return console


def _stderr(one_line: bool = False) -> Console:
    """The console for messages: wrapped at spaces to the width, or ``one_line`` for an error.

    Messages ("wrote ...", warnings) wrap like stdout (a path longer than a line folds), so
    no line is longer than the terminal, or than COLUMNS (else PIPED_WIDTH) when piped; an
    issue table too narrow for its message and suggestions is one block per issue
    (render_issues). An error that ends the command stays one line however long, so that a
    script can grep it and a user paste it whole.
    """
    from netmap.render.terminal import SafeConsole

    console = SafeConsole(stderr=True, highlight=False, soft_wrap=one_line)
    if not console.is_terminal:
        console = SafeConsole(stderr=True, highlight=False, soft_wrap=one_line, width=_piped_width())
    return console


PIPED_WIDTH = 120  # stderr to a file or a pipe with no COLUMNS: a log's usual line length


def _piped_width() -> int:
    """COLUMNS when it is a positive whole number; else, when a terminal is still attached
    (``netmap brokers X | less`` typed at a prompt, whose shell does not export COLUMNS),
    that terminal's width; else :data:`PIPED_WIDTH`."""
    value = os.environ.get("COLUMNS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    for fd in (2, 0):  # stderr, then stdin: the terminal the command was typed at
        try:
            if os.isatty(fd):
                return max(os.get_terminal_size(fd).columns, 40)
        except OSError:
            continue
    return PIPED_WIDTH


def _line(message: str, style: str = "") -> Text:
    """A message that may quote the data (a source, a file name) as one safe line."""
    return Text(safe_text(message), style=style)


def handled(func: F) -> F:
    """Turn library errors into a one-line message and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from netmap._gc import gc_paused

        try:
            # A command is one short pass over one map: the cyclic collector would only
            # walk the map's millions of objects again and again (see netmap._gc). Under
            # run() the process ends with the command, so the collector stays off: turning
            # it back on makes its next allocation walk the whole heap (0.5 s at 10,000
            # partners) just before the process is discarded.
            with announcing_folders(_folder_made):
                if _State.fast_exit:
                    gc.disable()
                    return func(*args, **kwargs)
                with gc_paused():
                    return func(*args, **kwargs)
        except typer.Exit:
            raise
        except NetmapError as exc:
            if _State.debug:
                raise
            # One line, whatever a value quoted in the message holds (safe_text escapes newlines too).
            _stderr(one_line=True).print(_line(f"netmap: {exc}", style="red"))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except OSError as exc:
            # The file system refused (an -o under a file, no permission, a full disk): one line, not a bug.
            if _State.debug:
                raise
            where = f" {exc.filename}" if exc.filename else ""
            _stderr(one_line=True).print(_line(f"netmap: cannot use{where}: {exc.strerror or exc}", "red"))
            raise typer.Exit(1) from None
        except Exception as exc:
            if _State.debug:
                raise
            _stderr(one_line=True).print(
                _line(
                    f"netmap: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", style="red"
                )
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def _folder_made(folder: Path) -> None:
    """Say on stderr that a folder of an -o target was made (netmap.outputs makes it)."""
    _stderr().print(_line(f"created folder {folder}{os.sep}"))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netmap {netmap.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="For HSDS packages: the mapping file of taxonomy terms to agency types "
            "(default: netmap-mapping.yaml inside the package).",
        ),
    ] = None,
    regions: Annotated[
        Path | None,
        typer.Option(
            "--regions",
            help="For HSDS packages and Ohana folders: a CSV of county or city -> region that places the "
            "directory's organisations in the map's regions.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Map and analyse the partnership network behind a career-pathways system."""
    _State.debug = debug
    _State.quiet = quiet
    _State.mapping = mapping
    _State.regions = regions
    if not debug:
        # The Neo4j driver logs connection trouble through Python's last-resort handler;
        # netmap reports it in one line of its own instead.
        logging.getLogger("neo4j").addHandler(logging.NullHandler())


RosterOpt = Annotated[
    str | None,
    typer.Option("--roster", help="Roster: a shipped name (career-pathways) or a roster YAML file."),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="Read every CSV file in this encoding, e.g. cp1252 (default: each its own)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout, and nothing else.")]
SourceArg = Annotated[
    str,
    typer.Argument(
        help="An .xlsx workbook, a folder of .csv files, an HSDS 3.0 package (folder with datapackage.json), "
        "or a Neo4j URI (neo4j://, bolt+s://, ...)."
    ),
]
MapOpt = Annotated[
    str | None,
    typer.Option("--map", help="Map name in the database; NAME@N, NAME@ID or NAME@YYYY-MM-DD for a kept version."),
]
UserOpt = Annotated[str, typer.Option("--user", help="Database user (password from NEO4J_PASSWORD).")]
ExpectOpt = Annotated[
    list[str] | None,
    typer.Option("--expect", help="A region that should be there even with no partner listed (repeatable)."),
]
DatabaseOpt = Annotated[str | None, typer.Option("--database", help="Neo4j database (default: the server's).")]
WaitOpt = Annotated[
    float,
    typer.Option(
        "--wait", min=0, metavar="SECONDS", help="How long to wait while another load of the same map runs (0: fail)."
    ),
]


def _password() -> str | None:
    """NEO4J_PASSWORD, else a hidden prompt on a terminal; never an option (it would show in ps and history)."""
    import os

    password = os.environ.get("NEO4J_PASSWORD")
    if password is None and sys.stdin.isatty() and sys.stderr.isatty():
        password = typer.prompt("Neo4j password", hide_input=True, default="", show_default=False, err=True) or None
    return password


def _tables(source: str, roster, encoding, map_name, user, database, limits=None):
    # Only a URI names a database: a workbook is read without importing the store's modules.
    if "://" in source:
        from netmap.store.engines import is_store_uri

        if is_store_uri(source):
            return netmap.read_source(
                source, roster=roster, map_name=map_name, user=user, password=_password(), database=database
            )
    return netmap.read_workbook(
        source, roster=roster, encoding=encoding, limits=limits, mapping=_mapping(source), regions=_regions(source)
    )


def _mapping(source: str) -> Path | None:
    """--mapping, for the sources it applies to (HSDS packages); workbooks have no mapping."""
    from netmap.ingest.hsds import is_hsds

    return _State.mapping if _State.mapping is not None and is_hsds(source) else None


def _regions(source: str) -> Path | None:
    """--regions, for the sources it applies to (directories: HSDS packages, Ohana folders)."""
    from netmap.ingest.hsds import is_hsds

    return _State.regions if _State.regions is not None and is_hsds(source) else None


ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite what is there (never an input of the command).")]
PositionsOpt = Annotated[
    Path | None,
    typer.Option("--positions", help="A layout file saved by the map's 'Download layout': partners drawn there."),
]


def _read_positions(path: Path | None):
    """The layout file of ``--positions`` read and checked (a usage error if it cannot be used)."""
    if path is None:
        return None
    from netmap.render.positions import read_positions

    return read_positions(path)


def _positions_warnings(layout, G, a) -> None:
    """Warn about the ids of ``--positions`` not on the map and the partners it does not place."""
    if layout is None:
        return
    from netmap.render.positions import map_partner_ids, position_warnings

    for message in position_warnings(layout, map_partner_ids(G, a)):
        _stderr().print(_line(f"netmap: warning: {message}", style="yellow"))


def _inputs(*named: tuple[str, Any]) -> list[tuple[str, Any]]:
    """The inputs a command must never write over: those named, plus --mapping when given."""
    return [*named, ("--mapping", _State.mapping), ("--regions", _State.regions)]


def _report_folder(written) -> None:
    """Say exactly what a folder write did: files written, stale ones removed, others left alone."""
    console = _stderr()
    for path in written:
        console.print(Text(f"wrote {path}"))
    for path in written.removed:
        console.print(Text(f"removed {path} (written by netmap before, not part of this write)"))
    for path in written.kept:
        console.print(Text(f"left {path} alone (netmap did not write it; it is read as a sheet)", style="yellow"))
    for message in written.warnings:
        console.print(Text(f"netmap: warning: {message}", style="yellow"))


@app.command()
@handled
def init(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Folder to write the template into (created if missing), or the workbook's name (book.xlsx)."
        ),
    ],
    csv: Annotated[bool, typer.Option("--csv", help="Write one CSV file per sheet instead of an .xlsx.")] = False,
    force: ForceOpt = False,
    roster: RosterOpt = None,
) -> None:
    """Write an empty workbook template with an example row per sheet."""
    from netmap.template import write_template

    loaded = netmap.load_roster(roster)
    written = write_template(folder, roster=loaded, csv_files=csv, force=force, inputs=_inputs(("--roster", roster)))
    _stdout().print(_line(f"wrote {written}; fill it in, then run: netmap validate {written}"))


# --max-file-size above this (1 TiB) is surely a slip of the finger.
MAX_FILE_MIB = 2**20


def _finite(value: float) -> float:
    """Refuse nan, which passes every range check (it compares false with everything)."""
    import math

    if not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of MiB")
    return value


@app.command()
@handled
def validate(
    source: SourceArg,
    roster: RosterOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors (exit 1).")] = False,
    max_file_size: Annotated[
        float,
        typer.Option(
            "--max-file-size",
            min=0.001,
            max=MAX_FILE_MIB,
            callback=_finite,
            help="Largest file to read, in MiB.",
        ),
    ] = Limits().max_file_bytes / 2**20,
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help="Also write a copy of the .xlsx workbook with each issue as a comment on its cell, "
            "the cell filled, and an Issues sheet linking to them.",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Check a workbook (or a map kept in Neo4j) and report every problem at once."""
    from netmap.render.terminal import render_counts, render_issues

    if annotate is not None:
        _check_annotate(source, annotate, roster, force)
    loaded = netmap.load_roster(roster) if roster else None
    limits = Limits(max_file_bytes=int(max_file_size * 2**20))
    tables = _tables(source, loaded, encoding, map_name, user, database, limits)
    loaded = tables.roster
    failed = bool(tables.errors) or (strict and bool(tables.warnings))
    if as_json:
        sys.stdout.write(
            dumps(
                {
                    "source": source,
                    "ok": not failed,
                    "roster": loaded.name,
                    "counts": tables.counts(),
                    "rows": tables.row_counts(),
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
        rows = tables.row_counts()
        if any(n["left_out"] for n in rows.values()):
            # Every row left out has its issue above; this says how many, sheet by sheet.
            console.print(
                Text(
                    "rows: "
                    + "; ".join(
                        f"{sheet} {n['read']} read, {n['used']} used, {n['left_out']} left out"
                        for sheet, n in rows.items()
                    )
                )
            )
        if tables.errors:
            console.print(
                _line(f"{len(tables.errors)} error(s), {len(tables.warnings)} warning(s) in {source}", style="bold red")
            )
        else:
            render_counts(console, source, tables.counts(), len(tables.warnings))
    if annotate is not None:
        _annotate(source, tables.issues, annotate, roster, force)
    if failed:
        raise typer.Exit(1)


# Issues that mean the file was not read as a workbook: there is nothing to write them into.
_UNREADABLE = frozenset({"file-too-large", "zip-bomb", "unsafe-xml", "not-a-workbook", "sheet-too-large"})


def _check_annotate(source: str, output: Path, roster, force: bool) -> None:
    """Refuse ``--annotate`` before any work: a source that is no workbook, or a target not to write."""
    from netmap.export.annotate import check_annotate_target

    check_annotate_target(source, output, inputs=_inputs(("--roster", roster)), force=force)


def _annotate(source: str, issues, output: Path, roster, force: bool) -> None:
    """``validate --annotate OUT``: the issues written into a copy of the workbook."""
    from netmap.export.annotate import annotate_workbook

    unreadable = [i for i in issues if i.code in _UNREADABLE]
    if unreadable:
        _stderr().print(
            _line(
                f"netmap: {output} not written: the workbook could not be read ({unreadable[0].code})", style="yellow"
            )
        )
        return
    inputs = _inputs(("--roster", roster))
    path = annotate_workbook(source, issues, output, inputs=inputs, force=force)
    marked = f"{len(issues)} issue(s) marked; the Issues sheet lists them" if issues else "no issues to mark"
    _stderr().print(_line(f"wrote {path} ({marked})"))


RegionOpt = Annotated[str | None, typer.Option("--region", help="Analyse one region (with state-wide partners).")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Analyse the partnership on this day (YYYY-MM-DD; default today): only ties, agreements and "
        "funding current then count.",
    ),
]
SeedOpt = Annotated[
    int,
    # numpy's generators (the map's layout) take seeds 0 to 2**32 - 1.
    typer.Option("--seed", min=0, max=2**32 - 1, help="Seed of sampled betweenness and community detection."),
]
ScopeOpt = Annotated[
    str,
    typer.Option(
        "--scope",
        help="Roster levels to assess: auto (the levels the map lists partners at), state, local or all.",
    ),
]

WeightOpt = Annotated[
    str,
    typer.Option(
        "--weight",
        help="Weigh the ties of betweenness, constraint and effective size: none (default), strength, "
        "or the partners' trust or value scores.",
    ),
]


def _as_of(value: str | None):
    """Parse --as-of; a bad date is a usage error."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date; write YYYY-MM-DD") from None


def _day(value: str | None):
    """The day an analysis is of: --as-of parsed, else today (as the analyses take it)."""
    from netmap.project import as_date

    return as_date(_as_of(value))


def _scope(value: str) -> str:
    """Check --scope; an unknown one is a usage error."""
    from netmap.analysis.gaps import SCOPES

    if value not in SCOPES:
        raise UsageError(f"--scope {value!r} is not one of {', '.join(SCOPES)}")
    return value


def _weight(value: str) -> str | None:
    """Check --weight; "none" is no weight, an unknown one is a usage error."""
    from netmap.analysis.quality import WEIGHTS

    if value == "none":
        return None
    if value not in WEIGHTS:
        raise UsageError(f"--weight {value!r} is not one of none, {', '.join(WEIGHTS)}")
    return value


def _caveat(console, quality) -> None:
    """The survey caveat, first, with every analysis of survey data (nothing without one)."""
    from netmap.render import terminal

    terminal.render_caveat(console, quality)


def _graph(
    source: str,
    roster: str | None,
    encoding: str | None,
    store: tuple = (None, "neo4j", None),
    *,
    analysis: dict | None = None,
):
    """Read and build; on data errors print them (stderr) and exit 1.

    The rows are let go once the graph is made: nothing reads them after, and what the
    command makes next reuses their memory. With ``analysis`` (``as_of``, ``seed`` and
    ``region`` of the analysis to come, inside the command's shared cache: a report or a
    map) a large map's worker starts while the workbook is read and gets its jobs from the
    rows (:func:`netmap.columns.send_early`); the analysis finds them sent. For the whole
    map, the graph is then a :func:`netmap.build.deferred_graph` with the rows attached,
    which the analysis and the page read instead: a state map's report never builds its
    multigraph (3 s and 0.8 GB at 100,000 partners). A region's view reads the graph.
    """
    from netmap import columns
    from netmap.build import deferred_graph
    from netmap.pipeline import start_worker_for

    if analysis is not None:
        start_worker_for(source)
    tables, loaded = _clean_tables(source, roster, encoding, store)
    if analysis is None:
        G = netmap.build_graph(tables)
    else:
        # The day is a date or None (today) here, parsed by _analysed_graph: nothing to refuse.
        early = columns.send_early(tables, **analysis)
        if analysis["region"] is None:
            G = deferred_graph(tables)
            columns.attach_tables(G, tables)
        else:
            G = netmap.build_graph(tables)
        if early is not None:
            early.adopt(G)
    keep_to_exit(G)
    return G, loaded


def _analysed_graph(source: str, roster, encoding, store: tuple, as_of, seed: int, region: str | None):
    """:func:`_graph` for a command that analyses the map next (report, map), and the day
    of that analysis: the worker's jobs go from the rows before the graph is built."""
    day = _as_of(as_of)
    G, loaded = _graph(source, roster, encoding, store, analysis={"as_of": day, "seed": seed, "region": region})
    return G, loaded, day


def _clean_tables(source: str, roster: str | None, encoding: str | None, store: tuple = (None, "neo4j", None)):
    """Read and validate; on data errors print them (stderr) and exit 1."""
    from netmap.render.terminal import render_issues

    loaded = netmap.load_roster(roster) if roster else None
    tables = _tables(source, loaded, encoding, *store)
    loaded = tables.roster
    if tables.errors:
        render_issues(_stderr(), tables.issues)
        # The error that stops the command: one line, like every such error.
        message = f"{len(tables.errors)} error(s) in {source}; run netmap validate for details"
        _stderr(one_line=True).print(_line(message, style="red"))
        raise typer.Exit(1)
    return tables, loaded


def _analysis(
    source, roster, encoding, region, as_of, seed, top=None, store=(None, "neo4j", None), scope="auto", weight="none"
):
    from netmap.pipeline import run_tables, start_worker_for

    chosen = _weight(weight)
    with _Steps(2) as step:
        start_worker_for(source)  # ready for a large map's analysis: started while it is read
        step("reading the workbook")
        tables, loaded = _clean_tables(source, roster, encoding, store)
        step("analysing (betweenness, brokerage, resilience)")
        G, result = run_tables(
            tables,
            roster=loaded,
            region=region,
            as_of=_as_of(as_of),
            seed=seed,
            top=top,
            scope=_scope(scope),
            weight=chosen,
        )
        # The analysis too: freeing its rows when the command returns took a quarter of a
        # second at 100,000 partners, after the output was written.
        keep_to_exit(tables, G, result)
        return result


@app.command()
@handled
def analyze(
    source: SourceArg,
    roster: RosterOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    scope: ScopeOpt = "auto",
    seed: SeedOpt = 0,
    weight: WeightOpt = "none",
    top: Annotated[int, typer.Option("--top", min=1, help="Brokers and risks to list.")] = 10,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            min=0,
            help="Rows per table in the terminal (most urgent first); 0 shows all. --json always has every row.",
        ),
    ] = 25,
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run every analysis: findings first, then the scorecard, gaps, roles, brokers and more."""
    from netmap.render import terminal

    result = _analysis(source, roster, encoding, region, as_of, seed, top, (map_name, user, database), scope, weight)
    if as_json:
        write_json(result, sys.stdout)
        return
    console = _stdout()
    doc = result.to_dict()
    _caveat(console, result.quality)
    console.print(_line(f"netmap analysis of {source} (as of {doc['as_of']})", style="bold"))
    terminal.render_findings(console, result.findings, limit=limit, do_first=result.do_first)
    terminal.render_scorecard(console, doc["scorecard"])
    terminal.render_gaps(console, doc["gaps"], limit=limit)
    terminal.render_roles(console, doc["roles"], limit=limit)
    terminal.render_brokers(console, doc["brokers"], limit=limit)
    terminal.render_formalisation(console, doc["formalisation"], limit=limit)
    terminal.render_funding(console, doc["funding"], limit=limit)
    terminal.render_resilience(console, doc["resilience"], top=top)
    terminal.render_health(console, doc["health"])
    terminal.render_quality(console, doc["quality"], category_name=result.category_name, limit=limit)


@app.command()
@handled
def gaps(
    source: SourceArg,
    roster: RosterOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    scope: ScopeOpt = "auto",
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Roster gaps: agency types present, peripheral or missing, by level and region."""
    from netmap.analysis import roster_gaps, select_region, tie_quality
    from netmap.render import terminal

    day, chosen = _day(as_of), _scope(scope)
    G, loaded = _graph(source, roster, encoding, (map_name, user, database))
    view = select_region(G, region)
    result = roster_gaps(view, roster=loaded, region=region, scope=chosen, as_of=day).to_dict()
    quality = tie_quality(view, as_of=day, roster=loaded)
    if as_json:
        caveat = None if quality is None else quality.caveat
        write_json({"as_of": day.isoformat(), "caveat": caveat, **result}, sys.stdout)
        return
    console = _stdout()
    _caveat(console, quality)
    console.print(_line(f"Roster gaps of {source} (as of {day.isoformat()})", style="bold"))
    terminal.render_gaps(console, result)


@app.command()
@handled
def brokers(
    source: SourceArg,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Show the first N brokers.")] = None,
    roster: RosterOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    seed: SeedOpt = 0,
    weight: WeightOpt = "none",
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Brokers: betweenness, brokerage roles, constraint, cut points, state links."""
    from netmap.analysis import brokers as find_brokers
    from netmap.analysis import select_region, tie_quality
    from netmap.render import terminal

    day, chosen = _day(as_of), _weight(weight)
    G, loaded = _graph(source, roster, encoding, (map_name, user, database))
    view = select_region(G, region)
    result = find_brokers(view, top=top, seed=seed, as_of=day, roster=loaded, weight=chosen).to_dict()
    quality = tie_quality(view, as_of=day, roster=loaded)
    if as_json:
        caveat = None if quality is None else quality.caveat
        write_json({"as_of": day.isoformat(), "caveat": caveat, **result}, sys.stdout)
        return
    console = _stdout()
    _caveat(console, quality)
    console.print(_line(f"Broker analysis of {source} (as of {day.isoformat()})", style="bold"))
    terminal.render_brokers(console, result)


@app.command("regions")
@handled
def regions_command(
    source: SourceArg,
    expect: ExpectOpt = None,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    scope: ScopeOpt = "auto",
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Regions side by side: local roster matrix, minimum teams, state links, ranked by gaps."""
    from netmap.analysis import tie_quality
    from netmap.analysis.regions import regions
    from netmap.render import terminal

    day, chosen = _as_of(as_of), _scope(scope)
    G, loaded = _graph(source, roster, encoding, (map_name, user, database))
    result = regions(G, roster=loaded, expected=expect or (), scope=chosen, as_of=day).to_dict()
    if as_json:
        write_json(result, sys.stdout)
        return
    console = _stdout()
    _caveat(console, tie_quality(G, as_of=day, roster=loaded))
    terminal.render_regions(console, result)


@app.command("services")
@handled
def services_command(
    source: SourceArg,
    roster: RosterOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    scope: ScopeOpt = "auto",
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Findings listed in the terminal; 0 shows all. --json has every one.")
    ] = 25,
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
    worksheet: Annotated[
        bool,
        typer.Option(
            "--worksheet", help="Write the inventory as a worksheet to fill in (-o FILE.xlsx): a sheet per region."
        ),
    ] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The worksheet file (.xlsx).")] = None,
    force: ForceOpt = False,
) -> None:
    """Service inventory: who serves whom, where; deserts, single providers, duplication, referral paths."""
    from netmap.analysis.services import ServiceInventory
    from netmap.render.services import SERVICE_CODES, render_services
    from netmap.services import DEFAULT_TAXONOMY

    if worksheet != (output is not None):
        raise UsageError("--worksheet writes a file: give both --worksheet and -o FILE.xlsx")
    if worksheet and as_json:
        raise UsageError("--worksheet writes a workbook; leave out --json")
    if worksheet:
        _services_worksheet(source, roster, encoding, region, as_of, (map_name, user, database), scope, output, force)
        return
    result = _analysis(source, roster, encoding, region, as_of, 0, None, (map_name, user, database), scope)
    inventory = result.services or ServiceInventory(result.as_of, DEFAULT_TAXONOMY, result.region)
    doc = inventory.to_dict()
    found = [f for f in result.findings if f.code in SERVICE_CODES]
    if as_json:
        write_json({**doc, "findings": [f.to_dict() for f in found]}, sys.stdout)
        return
    console = _stdout()
    _caveat(console, result.quality)
    console.print(_line(f"Service inventory of {source} (as of {doc['as_of']})", style="bold"))
    render_services(console, doc, found, limit=limit)


def _services_worksheet(source, roster, encoding, region, as_of, store, scope, output, force) -> None:
    """``netmap services --worksheet -o FILE``: the inventory as a session worksheet."""
    from netmap.analysis.services import ServiceInventory
    from netmap.export.worksheet import write_worksheet
    from netmap.pipeline import run
    from netmap.services import DEFAULT_TAXONOMY

    inputs = _inputs(("SOURCE", source), ("--roster", roster))
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"-o {output}: the worksheet is an Excel workbook; name it something.xlsx")
    check_file_target(output, inputs=inputs, force=force)
    with _Steps(3) as step:
        step("reading the workbook")
        G, loaded = _graph(source, roster, encoding, store)
        step("taking the service inventory")
        result = run(G, roster=loaded, region=region, as_of=_as_of(as_of), scope=_scope(scope))
        inventory = result.services or ServiceInventory(result.as_of, DEFAULT_TAXONOMY, result.region)
        step("writing the worksheet")
        path = write_worksheet(G, inventory, output, roster=loaded, inputs=inputs, force=force)
    _stderr().print(Text(f"wrote {path}"))


@app.command("survey")
@handled
def survey_command(
    source: SourceArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the forms into (made if missing).")],
    partner: Annotated[
        list[str] | None,
        typer.Option("--partner", metavar="ID", help="Write the form of this partner only (repeatable)."),
    ] = None,
    html: Annotated[
        bool, typer.Option("--html", help="Offline HTML forms that save a filled answers file (.json) instead.")
    ] = False,
    roster: RosterOpt = None,
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write an intake form per active partner (.xlsx, or offline HTML with --html); any command reads a filled one."""
    inputs = _inputs(("SOURCE", source), ("--roster", roster))
    G, loaded = _graph(source, roster, encoding, (map_name, user, database))
    if html:
        _survey_html(G, output, partner, force, loaded, inputs)
        return
    from netmap.export.survey import write_forms

    paths = write_forms(G, output, partners=partner, roster=loaded, inputs=inputs, force=force)
    console = _stderr()
    for path in paths:
        console.print(Text(f"wrote {path}"))
    console.print(_line(f"{len(paths)} form(s) in {output}; a filled one reads back with: netmap validate FORM.xlsx"))


@app.command("diff")
@handled
def diff_command(
    old: Annotated[str, typer.Argument(help="The earlier snapshot: a workbook, a folder or a Neo4j URI.")],
    new: Annotated[str, typer.Argument(help="The later snapshot.")],
    old_map: Annotated[
        str | None, typer.Option("--old-map", help="Map of OLD when it is a database (NAME or NAME@VERSION).")
    ] = None,
    new_map: Annotated[
        str | None, typer.Option("--new-map", help="Map of NEW when it is a database (NAME or NAME@VERSION).")
    ] = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    seed: SeedOpt = 0,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Also write the changes as a page: one offline HTML file, or Markdown."),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Format of the -o page: html (default) or md (Markdown).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the -o page.")] = None,
    force: ForceOpt = False,
) -> None:
    """What changed between two snapshots: partners, ties, agreements, funding, gaps, brokers, scorecard."""
    from netmap.analysis.diff import diff
    from netmap.render import terminal
    from netmap.render.diff_report import write_diff_report

    if output is None and (fmt is not None or title is not None):
        raise UsageError("--format and --title are for the page written with -o FILE")
    inputs = _inputs(("OLD", old), ("NEW", new), ("--roster", roster))
    if output:
        # Checked before the work, so a refused target is said at once.
        check_file_target(output, inputs=inputs, force=force)
    with _Steps(4 if output else 3) as step:
        step("reading the earlier snapshot")
        G_old, _ = _graph(old, roster, encoding, (old_map, user, database))
        step("reading the later snapshot")
        G_new, loaded = _graph(new, roster, encoding, (new_map, user, database))
        step("analysing both")
        # One roster for both snapshots (the one given, else the later snapshot's); the page takes it from here.
        changes = diff(G_old, G_new, as_of=_as_of(as_of), seed=seed, roster=loaded)
        if output:
            step("writing the page")
            written = write_diff_report(
                changes,
                output,
                format=fmt or "html",
                title=title,
                version=netmap.__version__,
                overwrite=force,
                inputs=inputs,
            )
    if output:
        # The page is the output asked for; the terminal says where it is (and --json still prints).
        _stderr().print(_line(f"wrote {written}"))
    if as_json:
        write_json(changes.to_dict(), sys.stdout)
    elif not output:
        from netmap.analysis import tie_quality

        console = _stdout()
        # The later snapshot is the one read as today's: its survey's caveat, if it has one.
        _caveat(console, tie_quality(G_new, as_of=_as_of(as_of), roster=loaded))
        terminal.render_diff(console, changes.to_dict())


def _snapshot_dates(values: list[str] | None, labels: list[str]) -> dict[str, Any]:
    """Parse --date SNAPSHOT=YYYY-MM-DD (repeatable); a bad one is a usage error."""
    import datetime as dt

    out: dict[str, Any] = {}
    for value in values or []:
        label, sep, day = value.rpartition("=")
        if not sep or label not in labels:
            raise UsageError(f"--date {value!r} must be SNAPSHOT=YYYY-MM-DD with SNAPSHOT one of those given")
        try:
            out[label] = dt.date.fromisoformat(day)
        except ValueError:
            raise UsageError(f"--date {value!r}: {day!r} is not a date; write YYYY-MM-DD") from None
    return out


@app.command("history")
@handled
def history_command(
    snapshots: Annotated[
        list[str],
        typer.Argument(
            help="Two or more snapshots (workbooks, folders or Neo4j URIs), in any order. A Neo4j URI "
            "stands for the versions named with --map."
        ),
    ],
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="NAME@VERSION (number, id or YYYY-MM-DD): a version kept in the database SNAPSHOT; NAME: every "
            "version kept of it. Repeatable.",
        ),
    ] = None,
    date: Annotated[
        list[str] | None,
        typer.Option(
            "--date",
            help="SNAPSHOT=YYYY-MM-DD: the day of a snapshot, NAME@N for a stored version (default: its own date, "
            "its load day, else its files' modification day). Repeatable.",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="The history of one region (with the state-wide partners), in every snapshot."),
    ] = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    roster: RosterOpt = None,
    seed: SeedOpt = 0,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Also write the history as a page: one offline HTML file.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the -o page.")] = None,
    force: ForceOpt = False,
) -> None:
    """The history across snapshots in date order: partners, ties, gaps, agreements, funding, brokers, scorecard."""
    from netmap.analysis.history import history
    from netmap.render.history import render_history, write_history_page
    from netmap.store.snapshots import plan_snapshots

    if len(set(snapshots)) < len(snapshots):
        raise UsageError("a snapshot is given twice")
    if output is None and title is not None:
        raise UsageError("--title is for the page written with -o FILE")
    # Each database URI stands for the versions --map names on it (all of a bare NAME).
    plan = plan_snapshots(snapshots, maps or [], user=user, password=_password, database=database)
    if len(plan) < 2:
        raise UsageError(f"history needs two or more snapshots; those given make {len(plan)}")
    dates = _snapshot_dates(date, [s.label for s in plan])
    inputs = _inputs(*((f"SNAPSHOT {i}", s) for i, s in enumerate(snapshots, 1)), ("--roster", roster))
    if output:
        check_file_target(output, inputs=inputs, force=force)
    with _Steps(len(plan) + 1 + bool(output)) as step:
        graphs, loaded = [], netmap.load_roster(roster) if roster else None
        for one in plan:
            step(f"reading {one.label}")
            G, _ = _graph(one.source, roster, encoding, (one.map, user, database))
            graphs.append((one.label, one.stamp(G)))
        step("analysing each snapshot on its own date")
        result = history(graphs, roster=loaded, dates=dates, seed=seed, region=region)
        if output:
            step("writing the page")
            written = write_history_page(
                result, output, title=title, version=netmap.__version__, overwrite=force, inputs=inputs
            )
    if output:
        _stderr().print(_line(f"wrote {written}"))
    if as_json:
        write_json(result.to_dict(), sys.stdout)
    elif not output:
        render_history(_stdout(), result.to_dict())


# The options of suggest that report --directory takes too (declared once).
SuggestTopOpt = Annotated[int, typer.Option("--top", min=1, help="Candidates shown per gap (best fit first).")]
AnywhereOpt = Annotated[
    bool, typer.Option("--anywhere", help="Also propose organisations from regions not tied to the gap's region.")
]


@app.command("suggest")
@handled
def suggest_command(
    source: SourceArg,
    directory: Annotated[
        str,
        typer.Option(
            "--directory",
            help="Known organisations that are not partners: a workbook or CSV folder with a partners sheet, "
            "or an HSDS 3.0 package.",
        ),
    ],
    expect: ExpectOpt = None,
    top: SuggestTopOpt = 5,
    anywhere: AnywhereOpt = False,
    holes: Annotated[int, typer.Option("--holes", min=0, help="Category pairs to propose introductions across.")] = 3,
    show_all: Annotated[bool, typer.Option("--all", help="List gaps with no candidate too.")] = False,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    scope: ScopeOpt = "auto",
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who could fill each gap (from a directory), and introductions that would bridge the widest holes."""
    from netmap.analysis.suggest import suggest
    from netmap.render import terminal

    with _Steps(3) as step:
        step("reading the map")
        G, loaded = _graph(source, roster, encoding, (map_name, user, database))
        step("reading the directory")
        found = _read_directory(directory, loaded, encoding)
        step("matching candidates and predicting links")
        result = suggest(
            G,
            found,
            roster=loaded,
            expected=expect or (),
            top=top,
            anywhere=anywhere,
            holes=holes,
            as_of=_as_of(as_of),
            scope=_scope(scope),
        )
    data = result.to_dict() | {"directory_issues": [i.to_dict() for i in found.issues]}
    if as_json:
        write_json(data, sys.stdout)
    else:
        from netmap.analysis import tie_quality

        console = _stdout()
        _caveat(console, tie_quality(G, as_of=_as_of(as_of), roster=loaded))
        terminal.render_suggestions(console, data, show_empty=show_all)
    _directory_issues(found, directory)


def _read_directory(directory: str, roster, encoding):
    """The directory of known organisations (a workbook, CSV folder or HSDS package), validated."""
    return netmap.read_workbook(
        directory, roster=roster, encoding=encoding, mapping=_mapping(directory), regions=_regions(directory)
    )


def _directory_issues(found, directory: str) -> None:
    """Report the directory rows that could not be used; exit 1 if any is an error.

    The suggestions already written are still good for the rows that could be used, so
    they are shown first; the exit code still tells a script the directory has errors.
    """
    from netmap.render.terminal import render_issues

    if not found.issues:
        return
    render_issues(_stderr(), found.issues)
    if found.errors:
        message = f"{len(found.errors)} error(s) in the directory {directory}; those rows were left out"
        _stderr(one_line=True).print(_line(message, style="red"))
        raise typer.Exit(1)


@app.command("hsds-mapping")
@handled
def hsds_mapping_command(
    package: Annotated[str, typer.Argument(help="An HSDS 3.0 package (folder with datapackage.json).")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write it (default, or -: print on stdout).")
    ] = None,
    roster: RosterOpt = None,
    encoding: EncodingOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write a mapping file listing every taxonomy term of an HSDS package, to fill in and pass with --mapping."""
    from netmap.ingest.hsds import MAPPING_FILE, is_hsds, mapping_template

    if not is_hsds(package):
        raise UsageError(f"{package}: not an HSDS package (no datapackage.json)")
    if output is not None and str(output) == "-":
        output = None  # -o -: stdout, as the Unix convention has it (a file named "-" is ./-)
    # The package's files are inputs; its mapping file is not read here, and is where it belongs.
    folder = Path(package) if Path(package).is_dir() else Path(package).parent
    inputs = _inputs(
        *(("PACKAGE", entry) for entry in sorted(folder.iterdir()) if entry.name != MAPPING_FILE),
        ("--roster", roster),
    )
    if output is not None:
        check_file_target(output, inputs=inputs, force=force)
    text = mapping_template(package, roster=netmap.load_roster(roster), encoding=encoding)
    if output is None:
        sys.stdout.write(text)
        return
    write_file(output, text, inputs=inputs, force=force)
    # Saved in the package as netmap-mapping.yaml, every command uses it without being told.
    hint = (
        f"netmap validate {package}"
        if output.resolve() == (Path(package) / MAPPING_FILE).resolve()
        else f"netmap --mapping {output} validate {package}"
    )
    _stderr().print(_line(f"wrote {output}; fill in the blanks, then check it with: {hint}"))


@app.command("map")
@handled
def map_command(
    source: SourceArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")] = Path("map.html"),
    title: Annotated[str | None, typer.Option("--title", help="Title shown on the map.")] = None,
    size_by: Annotated[
        str, typer.Option("--size-by", help="What a partner's size shows: degree, betweenness or brokerage.")
    ] = "degree",
    no_gaps: Annotated[bool, typer.Option("--no-gaps", help="Leave out the ghost nodes of missing types.")] = False,
    include_contacts: Annotated[
        bool, typer.Option("--include-contacts", help="Put contact names, emails and phones in the tooltips.")
    ] = False,
    layout: Annotated[
        str, typer.Option("--layout", help="auto, physics (settles in the browser) or fixed (precomputed).")
    ] = "auto",
    positions: PositionsOpt = None,
    png: Annotated[
        Path | None,
        typer.Option("--png", help="Also write a PNG of the map's first view (1920x1080; needs Chromium)."),
    ] = None,
    present: Annotated[
        bool, typer.Option("--present", help="Open in Present mode: the guided story, the side panel hidden.")
    ] = False,
    roster: RosterOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    scope: ScopeOpt = "auto",
    seed: SeedOpt = 0,
    weight: WeightOpt = "none",
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    force: ForceOpt = False,
) -> None:
    """Draw the partnership as one self-contained, offline HTML map."""
    from netmap.graphcache import shared_cache
    from netmap.pipeline import run_drawn
    from netmap.render.map import write_map

    inputs = _inputs(("SOURCE", source), ("--roster", roster), ("--positions", positions))
    check_file_target(output, inputs=inputs, force=force)
    if png is not None:
        check_file_target(png, inputs=[*inputs, ("-o", str(output))], force=force)
    saved = _read_positions(positions)
    with _Steps(3) as step, shared_cache():  # one projection for the analysis and the drawing
        step("reading the workbook")
        G, loaded, day = _analysed_graph(source, roster, encoding, (map_name, user, database), as_of, seed, region)
        step("analysing (gaps, brokers)")
        a = run_drawn(
            G,
            roster=loaded,
            region=region,
            as_of=day,
            seed=seed,
            include_contacts=include_contacts,
            scope=_scope(scope),
            weight=_weight(weight),
        )
        keep_to_exit(a)  # not freed row by row when the command returns
        step("laying out and writing the map")
        written = write_map(
            G,
            a,
            output,
            overwrite=force,
            inputs=inputs,
            title=title,
            size_by=size_by,
            gaps=not no_gaps,
            layout=layout,
            positions=saved,
            present=present,
        )
    _stderr().print(_line(f"wrote {written}"))
    _positions_warnings(saved, G, a)
    if png is not None:
        from netmap.render.png import write_png

        _stderr().print(_line(f"wrote {write_png(written, png, inputs=inputs, force=force)}"))


@app.command()
@handled
def load(
    source: Annotated[str, typer.Argument(help="An .xlsx workbook or a folder of .csv files.")],
    uri: Annotated[str, typer.Option("--uri", help="Neo4j URI: neo4j://, neo4j+s:// (Aura), bolt://, bolt+s://.")],
    map_name: Annotated[
        str | None, typer.Option("--map", help="Name of the map in the database (default: the workbook's name).")
    ] = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows sent per statement.")] = 1000,
    roster: RosterOpt = None,
    encoding: EncodingOpt = None,
    as_json: JsonOpt = False,
    wait: WaitOpt = 60.0,
    label: Annotated[
        str | None, typer.Option("--label", help="Words kept with this version, shown by netmap maps.")
    ] = None,
    keep: Annotated[
        int | None, typer.Option("--keep", min=1, help="Keep the N newest versions, deleting older ones (default all).")
    ] = None,
) -> None:
    """Load a workbook into Neo4j as a new version of a map: atomic, and a no-op when nothing changed."""
    from netmap.render.terminal import render_load
    from netmap.store import connect, load_map

    G, _ = _graph(source, roster, encoding)
    with connect(uri, user=user, password=_password(), database=database) as engine:
        with _progress(as_json) as progress:
            summary = load_map(
                G,
                engine,
                map_name=map_name,
                batch_size=batch_size,
                progress=progress,
                wait=wait,
                on_wait=_waiting,
                label=label,
                keep=keep,
            )
        label = engine.label
    if as_json:
        write_json(summary.to_dict(), sys.stdout)
    else:
        render_load(_stdout(), summary, label)


@app.command()
@handled
def pull(
    uri: Annotated[str, typer.Option("--uri", help="Neo4j URI: neo4j://, neo4j+s:// (Aura), bolt://, bolt+s://.")],
    map_name: Annotated[str, typer.Option("--map", help="Name of the map (NAME@VERSION for a kept version).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the workbook's CSV files into.")],
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace the netmap sheets already in the folder (those not written again are removed)."
        ),
    ] = False,
) -> None:
    """Write a map kept in Neo4j back out as a workbook folder (one CSV per sheet)."""
    from netmap.export.workbook import write_workbook
    from netmap.store import connect, read_map

    inputs = _inputs()
    with connect(uri, user=user, password=_password(), database=database) as engine:
        G = read_map(engine, map_name)
    written = write_workbook(G, output, overwrite=force, inputs=inputs)
    _report_folder(written)
    folder = written.folder
    _stderr().print(_line(f"wrote map {map_name!r} to {folder}; check it with: netmap validate {folder}"))


@app.command()
@handled
def maps(
    uri: Annotated[str, typer.Option("--uri", help="Neo4j URI: neo4j://, neo4j+s:// (Aura), bolt://, bolt+s://.")],
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the maps kept in a database and the versions kept of each (the current one marked)."""
    from netmap.render.terminal import render_maps
    from netmap.store import connect, list_maps, list_versions

    with connect(uri, user=user, password=_password(), database=database) as engine:
        found = list_maps(engine)
        versions = list_versions(engine)
        label = engine.label
    for m in found:
        m["versions"] = [{k: v for k, v in row.items() if k != "map"} for row in versions if row["map"] == m["map"]]
    if as_json:
        write_json(found, sys.stdout)
    else:
        render_maps(_stdout(), found, label)


@app.command()
@handled
def drop(
    uri: Annotated[str, typer.Option("--uri", help="Neo4j URI: neo4j://, neo4j+s:// (Aura), bolt://, bolt+s://.")],
    map_name: Annotated[str, typer.Option("--map", help="Name of the map to delete.")],
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    wait: WaitOpt = 60.0,
    version: Annotated[
        str | None,
        typer.Option("--version", help="Delete only this kept version (number, id or YYYY-MM-DD), never the current."),
    ] = None,
) -> None:
    """Delete one map (every version of it), or one kept version, from a database; other maps are untouched."""
    from netmap.store import connect, drop_map, drop_version

    with connect(uri, user=user, password=_password(), database=database) as engine:
        if version is not None:
            chosen, deleted = drop_version(engine, map_name, version, wait=wait, on_wait=_waiting)
            label = engine.label
            what = f"version @{chosen['number']} ({chosen['version']}) of map {map_name!r}"
            _stderr().print(_line(f"deleted {what} ({deleted} nodes) from {label}"))
            return
        deleted = drop_map(engine, map_name, wait=wait, on_wait=_waiting)
        label = engine.label
    _stderr().print(_line(f"deleted map {map_name!r} ({deleted} nodes) from {label}"))


def _waiting(name: str, holder: str, wait: float) -> None:
    """Say on stderr, once, that a load waits for another load of the same map."""
    # One line, like the errors: a log watcher (or a script) reads "in use ... waiting" whole.
    _stderr(one_line=True).print(Text(f"netmap: map {name!r} is in use by {holder}; waiting up to {wait:g} s (--wait)"))


def _progress(quiet: bool = False, label: str = "loading {task.description}"):
    """A progress bar on stderr while stdout and stderr are a terminal; nothing when piped,
    with ``--quiet`` or ``--json``. Yields a callback ``(done, total, what)`` or None."""
    import contextlib

    console = _stderr()
    if quiet or _State.quiet or not console.is_terminal or not sys.stdout.isatty():
        return contextlib.nullcontext(None)
    # Only for a bar on a terminal: piped or scripted, the command does without rich.progress.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    @contextlib.contextmanager
    def bar():
        columns = (SpinnerColumn(), TextColumn(label), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as p:
            task = p.add_task("", total=None)

            def update(done: int, total: int, what: str) -> None:
                # A step is shown while it runs: "done" counts the steps finished before it.
                p.update(task, completed=done, total=total, description=what)

            yield update

    return bar()


class _Steps:
    """Named steps of a command on one progress bar: ``steps("analysing")`` starts the next."""

    def __init__(self, total: int, quiet: bool = False):
        self.total, self.done, self.quiet = total, 0, quiet

    def __enter__(self):
        self._context = _progress(self.quiet, label="{task.description}")
        self._update = self._context.__enter__()
        return self

    def __call__(self, what: str) -> None:
        if self._update is not None:
            self._update(self.done, self.total, what)
        self.done += 1

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)


@app.command()
@handled
def report(
    source: SourceArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="File to write (default report.html or report.md); the folder with --each-region."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="html (one offline, printable file) or md (Markdown).")] = "html",
    title: Annotated[str | None, typer.Option("--title", help="Title of the report.")] = None,
    include_contacts: Annotated[
        bool, typer.Option("--include-contacts", help="Name contacts and champions (personal data).")
    ] = False,
    roster: RosterOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    scope: ScopeOpt = "auto",
    seed: SeedOpt = 0,
    weight: WeightOpt = "none",
    expect: Annotated[
        list[str] | None,
        typer.Option(
            "--expect",
            help="A region that should be there even with no partner listed (repeatable; not with --region).",
        ),
    ] = None,
    since: Annotated[
        list[str] | None,
        typer.Option(
            "--since",
            help="An earlier snapshot (workbook, folder or Neo4j URI): adds a 'What changed' section. "
            "Repeatable: several show their history up to this map.",
        ),
    ] = None,
    since_map: Annotated[
        list[str] | None,
        typer.Option(
            "--since-map",
            help="Map of a database --since: NAME (its current version) or NAME@VERSION (number, id or "
            "YYYY-MM-DD). Repeatable: each is an earlier snapshot.",
        ),
    ] = None,
    directory: Annotated[
        str | None,
        typer.Option(
            "--directory",
            help="Known organisations that are not partners (partners sheet or HSDS package): "
            "adds a 'Who could fill the gaps' section.",
        ),
    ] = None,
    top: Annotated[
        int | None,
        typer.Option("--top", min=1, help="With --directory: candidates shown per gap, best fit first (default 5)."),
    ] = None,
    anywhere: Annotated[
        bool,
        typer.Option(
            "--anywhere", help="With --directory: also propose organisations from regions not tied to the gap's region."
        ),
    ] = False,
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
    positions: PositionsOpt = None,
    force: ForceOpt = False,
    each_region: Annotated[
        bool,
        typer.Option(
            "--each-region",
            help="One report per region and an index.html (index.md) in the folder -o (default reports).",
        ),
    ] = False,
) -> None:
    """Write the report a program officer reads: findings, scorecard, gaps, ..., the map, the data used."""
    from netmap.graphcache import shared_cache
    from netmap.pipeline import run_drawn
    from netmap.render.report import write_report

    if not directory and (top is not None or anywhere):
        raise UsageError("--top and --anywhere choose the candidates of --directory; give --directory too")
    if each_region:
        if region is not None:
            raise UsageError("--each-region writes a report for every region; leave out --region")
        _report_each_region(
            source,
            output or Path("reports"),
            fmt=fmt,
            title=title,
            options={
                "include_contacts": include_contacts,
                "as_of": _as_of(as_of),
                "seed": seed,
                "scope": _scope(scope),
                "weight": _weight(weight),
                "expected_regions": expect or (),
                "suggest_top": 5 if top is None else top,
                "anywhere": anywhere,
            },
            reading=(roster, encoding, (map_name, user, database), since, since_map, directory, positions),
            force=force,
        )
        return
    output = output or Path("report.md" if fmt == "md" else "report.html")
    since = since or []
    if len(set(since)) < len(since):
        raise UsageError("a --since snapshot is given twice")
    inputs = _inputs(
        ("SOURCE", source),
        *(("--since", s) for s in since),
        ("--directory", directory),
        ("--roster", roster),
        ("--positions", positions),
    )
    check_file_target(output, inputs=inputs, force=force)
    saved = _read_positions(positions)
    plan = []
    if since or since_map:  # the store's modules only for earlier snapshots
        from netmap.store.snapshots import plan_snapshots

        # Each database --since stands for the --since-map versions on it (a bare NAME: its current one).
        plan = plan_snapshots(
            since, since_map or [], every=False, option="--since-map", user=user, password=_password, database=database
        )
    # One cache of derived graphs for the command: the analysis's projection and edge index
    # are the drawing's too, not built again for it (seconds and gigabytes on a state map).
    with _Steps(2 + len(plan) + bool(directory)) as step, shared_cache():
        step("reading the workbook")
        G, loaded, day = _analysed_graph(source, roster, encoding, (map_name, user, database), as_of, seed, region)
        G_since = found = None
        earlier = []
        for one in plan:
            step("reading the earlier snapshot")
            earlier.append((one.label, one.stamp(_graph(one.source, roster, encoding, (one.map, user, database))[0])))
        # One --since: what changed since (as always); several: their history up to this map.
        if len(earlier) == 1:
            G_since = earlier[0][1]
        elif earlier:
            G_since = earlier
        if directory:
            step("reading the directory")
            found = _read_directory(directory, loaded, encoding)
        step("analysing and writing the report")
        # One analysis: the report, its map and its sections of changes and candidates draw it.
        a = run_drawn(
            G,
            draw=fmt != "md",
            roster=loaded,
            region=region,
            as_of=day,
            seed=seed,
            include_contacts=include_contacts,
            scope=_scope(scope),
            weight=_weight(weight),
            expected_regions=expect or (),
            since=G_since,
            directory=found,
            suggest_top=5 if top is None else top,
            anywhere=anywhere,
        )
        keep_to_exit(a)  # not freed row by row when the command returns
        extra = {"positions": saved} if saved is not None and fmt != "md" else {}
        written = write_report(
            G, a, output, format=fmt, title=title, version=netmap.__version__, overwrite=force, inputs=inputs, **extra
        )
    _stderr().print(_line(f"wrote {written}"))
    _positions_warnings(saved if fmt != "md" else None, G, a)
    if found is not None:
        _directory_issues(found, directory)


def _report_each_region(
    source: str,
    folder: Path,
    *,
    fmt: str,
    title: str | None,
    options: dict,
    reading: tuple,
    force: bool,
) -> None:
    """``report --each-region``: read as ``report`` does, then one report per region and the index."""
    from netmap.outputs import check_folder_target
    from netmap.pipeline import write_region_reports
    from netmap.store.snapshots import plan_snapshots

    roster, encoding, store, since, since_map, directory, positions = reading
    since = since or []
    inputs = _inputs(
        ("SOURCE", source),
        *(("--since", s) for s in since),
        ("--directory", directory),
        ("--roster", roster),
        ("--positions", positions),
    )
    check_folder_target(folder, [], inputs=inputs, force=force)
    saved = _read_positions(positions)
    plan = plan_snapshots(
        since, since_map or [], every=False, option="--since-map", user=store[1], password=_password, database=store[2]
    )
    with _Steps(2 + len(plan) + bool(directory)) as step:
        step("reading the workbook")
        G, loaded = _graph(source, roster, encoding, store)
        G_since = found = None
        earlier = []
        for one in plan:
            step("reading the earlier snapshot")
            earlier.append((one.label, one.stamp(_graph(one.source, roster, encoding, (one.map, *store[1:]))[0])))
        # As report: one earlier snapshot is what changed since, several their history.
        G_since = earlier[0][1] if len(earlier) == 1 else earlier or None
        if directory:
            step("reading the directory")
            found = _read_directory(directory, loaded, encoding)
        step("analysing and writing a report per region")
        written = write_region_reports(
            G,
            folder,
            format=fmt,
            force=force,
            inputs=inputs,
            title=title,
            version=netmap.__version__,
            positions=saved if fmt != "md" else None,
            roster=loaded,
            since=G_since,
            directory=found,
            **options,
        )
    reports = sum(1 for p in written if p.name.startswith("region-"))
    _stderr().print(_line(f"wrote {reports} region reports and the index into {folder}"))


@app.command()
@handled
def export(
    source: SourceArg,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="File (graphml, gexf, json) or folder (csv, workbook).")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="graphml, gexf (Gephi), json (node-link), csv, kumu (.xlsx for Kumu's import), "
            "or workbook (netmap's own CSV sheets).",
        ),
    ] = "graphml",
    include_contacts: Annotated[
        bool, typer.Option("--include-contacts", help="Include contacts (personal data); left out otherwise.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite what is there; a workbook folder's netmap sheets are replaced whole.",
        ),
    ] = False,
    partners_only: Annotated[
        bool,
        typer.Option(
            "--partners-only",
            help="Only the partners and their ties on the --as-of day, as analysed, with their measures.",
        ),
    ] = False,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    map_name: MapOpt = None,
    user: UserOpt = "neo4j",
    database: DatabaseOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Export the partnership graph for Gephi, Kumu and other tools (GraphML, GEXF, JSON, CSV, Kumu xlsx)."""
    from netmap.export.graph import export_graph
    from netmap.pipeline import run

    if fmt == "kumu":  # always the partner network: --partners-only changes nothing
        _export_kumu(source, output, include_contacts, force, roster, as_of, encoding, (map_name, user, database))
        return
    if partners_only and fmt == "workbook":
        raise UsageError("--partners-only is for graphml, gexf, json and csv; a workbook holds the whole map")
    G, loaded = _graph(source, roster, encoding, (map_name, user, database))
    day = _as_of(as_of)
    # GEXF draws the map's colours, sizes and places; --partners-only writes the analysed
    # partner graph: both from the one analysis of this run.
    a = run(G, roster=loaded, as_of=day, include_contacts=include_contacts) if partners_only or fmt == "gexf" else None
    written = export_graph(
        G,
        output,
        format=fmt,
        include_contacts=include_contacts,
        overwrite=force,
        as_of=day,
        inputs=_inputs(("SOURCE", source), ("--roster", roster)),
        partners_only=partners_only,
        analysis=a,
    )
    _report_folder(written)


def _export_kumu(source, output, include_contacts, force, roster, as_of, encoding, store) -> None:
    """``export --format kumu``: the one analysis of the run, as Kumu's import workbook."""
    from netmap.export.kumu import check_kumu_target, write_kumu
    from netmap.pipeline import run

    inputs = _inputs(("SOURCE", source), ("--roster", roster))
    check_kumu_target(output, inputs=inputs, overwrite=force)  # before the work, not after
    G, loaded = _graph(source, roster, encoding, store)
    analysis = run(G, roster=loaded, as_of=_as_of(as_of))
    path = write_kumu(G, output, analysis=analysis, include_contacts=include_contacts, overwrite=force, inputs=inputs)
    _stderr().print(Text(f"wrote {path}"))


@app.command("merge")
@handled
def merge_command(
    sources: Annotated[
        list[str], typer.Argument(help="Workbooks to merge: returned forms, regional workbooks (.xlsx or folders).")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The merged workbook: an .xlsx file, else a folder of CSV files.")
    ],
    same: Annotated[
        list[str] | None,
        typer.Option("--same", help="A=B: partner ids of one organisation; B's rows become A's (repeatable)."),
    ] = None,
    region_from_file: Annotated[
        bool,
        typer.Option(
            "--region-from-file",
            help="An input whose partners have no region gets its file name as region (pima-county -> Pima County).",
        ),
    ] = False,
    roster: RosterOpt = None,
    as_json: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    """Merge workbooks into one: ids checked across inputs, ties confirmed by both sides, who answered."""
    from netmap.merge import merge_workbooks, write_merged

    inputs = _inputs(*((f"INPUT {i + 1}", s) for i, s in enumerate(sources)), ("--roster", roster))
    if str(output).lower().endswith(".xlsx"):
        check_file_target(output, inputs=inputs, force=force)  # before the work, not after
    result = merge_workbooks(sources, same=same or (), region_from_file=region_from_file, roster=roster)
    written = write_merged(result, output, force=force, inputs=inputs)
    if as_json:
        write_json(result.to_dict(), sys.stdout)
    else:
        from netmap.render.merge import render_merge

        render_merge(_stdout(), result.to_dict())
    if isinstance(written, Path):
        _stderr().print(_line(f"wrote {written}"))
    else:
        _report_folder(written)
    if result.errors:
        # The good rows are written all the same: each row left out is named in an issue above.
        _stderr(one_line=True).print(
            _line(
                f"netmap: {len(result.errors)} error(s) in the inputs: the rows with errors are not in {output}",
                style="red",
            )
        )
        raise typer.Exit(1)


def _survey_html(G, output: Path, partners: list[str] | None, force: bool, roster, inputs) -> None:
    """Write the offline HTML survey forms (``survey --html``) and say where they are."""
    from netmap.render.survey_form import write_html_forms

    written = write_html_forms(G, output, partners=partners, force=force, roster=roster, inputs=inputs)
    console = _stderr()
    for path in written:
        console.print(Text(f"wrote {path}"))
    _stdout().print(
        _line(
            f"wrote {len(written)} HTML form(s) to {output}; each saves intake-<id>-answers.json, "
            "which every netmap command reads (netmap validate FILE)"
        )
    )


@app.command()
@handled
def demo(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the outputs into.")] = Path(
        "netmap-demo"
    ),
    example: Annotated[
        str,
        typer.Option("--example", help="four-state-coalitions, oregon-pathways-alliance or tucson-behavioral-health."),
    ] = "four-state-coalitions",
    as_of: AsOfOpt = None,
    seed: SeedOpt = 0,
    force: ForceOpt = False,
) -> None:
    """Run validate, analyze, map and report on a bundled example and say where the results are."""
    from netmap.demo import run_demo
    from netmap.render import terminal
    from netmap.render.terminal import render_counts

    with _progress(label="demo: {task.description}") as progress:
        result = run_demo(output, example=example, as_of=_as_of(as_of), seed=seed, step=progress, force=force)
    console = _stdout()
    render_counts(console, f"example {result.example}", result.tables.counts(), len(result.tables.warnings))
    terminal.render_findings(console, result.analysis.findings, do_first=result.analysis.do_first)
    console.print(Text("Open these (they work offline):", style="bold"))
    # Two columns with no borders: a path longer than its column folds inside it, under itself.
    files = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    files.add_column(no_wrap=True)
    files.add_column(overflow="fold")
    for what, path in (
        ("report", result.outputs["report"]),
        ("map", result.outputs["map"]),
        ("Markdown report", result.outputs["markdown"]),
        ("analysis (JSON)", result.outputs["analysis"]),
        ("the workbook it read", result.source),
    ):
        files.add_row(f"  {what}", _line(str(Path(path).resolve())))
    console.print(files)


def run() -> None:
    """Entry point of the console script.

    The process ends with ``os._exit`` once its output is flushed, as mypy and other
    tools do: the interpreter's own exit would free every node and edge of the map one
    by one (most of a second at 10,000 partners), work no one waits for. Files are
    closed by the commands themselves before they return.
    """
    code: int | str | None = 0
    _State.fast_exit = True
    keeping_to_exit()
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    except UsageError as exc:  # raised outside a command (should not happen)
        _stderr(one_line=True).print(_line(f"netmap: {exc}"))
        code = 2
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage writes its data at a normal exit
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError):
            code = code or 1  # the reader went away (netmap ... | head): nothing more to say
    os._exit(code)
