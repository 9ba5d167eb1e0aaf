"""One analysis per command: read -> validate -> build -> analyse, then every view renders it.

DESIGN section 5b: a run computes one :class:`~netmap.analysis.Analysis` (date, scope,
roster, region, every result, and what the command asked for besides: the regions side by
side, what changed since an earlier snapshot, who could fill the gaps) and hands it to the
terminal, JSON, map, report and diff views, which compute nothing.

:func:`run` makes that analysis. The view functions here (:func:`report_data`,
:func:`write_report`, :func:`map_data`, :func:`write_map`, :func:`diff_data`,
:func:`write_diff_report`, ...) take a graph and the options of the run, call :func:`run`
once and pass the one analysis to the renderer of :mod:`netmap.render`: the convenience a
notebook or a test wants, without a renderer ever analysing.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> a = run(G, as_of="2026-11-24")
>>> a.as_of.isoformat(), a.gaps.assessed_levels, a.changes is None
('2026-11-24', ['local'], True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from netmap import _background
from netmap._gc import gc_frozen
from netmap._version import __version__
from netmap.analysis import Analysis, analyze
from netmap.graphcache import shared_cache, shares_cache
from netmap.roster import Roster

if TYPE_CHECKING:
    from netmap.analysis.diff import Diff
    from netmap.ingest.validate import Tables

__all__ = [
    "ANALYSIS_OPTIONS",
    "DIFF_TOP",
    "compare",
    "diff_data",
    "map_data",
    "render_diff_html",
    "render_diff_markdown",
    "render_report_html",
    "render_report_markdown",
    "report_data",
    "run",
    "run_drawn",
    "run_tables",
    "start_worker_for",
    "write_diff_report",
    "write_map",
    "write_region_reports",
    "write_report",
]

# The options of one analysis, shared by every command that analyses (the CLI declares each once).
ANALYSIS_OPTIONS = (
    "roster",
    "region",
    "as_of",
    "seed",
    "top",
    "include_contacts",
    "scope",
    "expected_regions",
    "backend",
    "since",
    "directory",
    "suggest_top",
    "anywhere",
    "weight",
)
DIFF_TOP = 10  # brokers compared between two snapshots


# Workbooks above these sizes are likely maps of more than IGRAPH_THRESHOLD partners, whose
# analysis sends jobs to a worker: a partner takes about 440 bytes of CSV with its rows (roles,
# ties, awards, services) and about a third of that in a spreadsheet file.
WORKER_EARLY_BYTES = 400_000
WORKER_EARLY_BYTES_SPREADSHEET = 150_000
_SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")


def start_worker_for(source: str | Path) -> bool:
    """Start the analysis worker now if the workbook at ``source`` looks large enough to need
    one; whether it was started.

    The worker (:mod:`netmap._worker`) takes a few tenths of a second to start; started
    before a large workbook is read, it is ready when :func:`run_tables` sends it the first
    job instead of the analysis waiting for it. A database URI, a missing path or a small
    workbook start nothing. Nothing changes in any result.

    >>> start_worker_for("examples/tucson-behavioral-health")  # 20 KB: analysed without one
    False
    """
    from netmap import _worker

    path = Path(source)
    try:
        if path.is_dir():
            size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
            limit = WORKER_EARLY_BYTES
        elif path.is_file():
            size = path.stat().st_size
            limit = WORKER_EARLY_BYTES_SPREADSHEET if path.suffix.lower() in _SPREADSHEETS else WORKER_EARLY_BYTES
        else:
            return False
    except OSError:
        return False
    if size <= limit:
        return False
    from netmap.analysis._offload import JOB  # what the analysis will send: imported there anyway
    from netmap.ingest.ahead import will_send

    # The worker imports the analyses' job while the workbook is read; first, if the folder
    # has a large ties file, it reads that file (netmap.ingest.ahead).
    return _worker.prestart(warm=(JOB,), after_first=path.is_dir() and will_send(path))


def run_tables(tables: Tables, **options: Any) -> tuple[nx.MultiDiGraph, Analysis]:
    """The graph of validated ``tables`` and :func:`run` of it (options of :func:`run`).

    The same as ``run(build_graph(tables), **options)``, sooner on a large map: the worker's
    jobs (betweenness, health, resilience) start from the tables (:mod:`netmap.columns`),
    the analyses that can read the validated rows instead of the graph do
    (:func:`netmap.graphcache.tables_of`), and the graph is a
    :func:`netmap.build.deferred_graph`: built only when something looks at it.

    Examples
    --------
    >>> import netmap
    >>> G, a = run_tables(netmap.read_workbook("examples/tucson-behavioral-health"), as_of="2026-07-01")
    >>> a.to_dict() == run(G, as_of="2026-07-01").to_dict()
    True
    """
    from netmap import columns
    from netmap.analysis._common import as_date
    from netmap.build import deferred_graph
    from netmap.errors import UsageError

    with shared_cache():
        try:
            day = as_date(options.get("as_of"))
        except (UsageError, ValueError, TypeError):
            day = None  # run() says what is wrong with it
        early = None
        if day is not None:
            early = columns.send_early(
                tables,
                as_of=day,
                seed=options.get("seed", 0),
                region=options.get("region"),
                backend=options.get("backend", "auto"),
            )
        # Built when something first looks at its nodes or edges: never, if every analysis
        # reads the rows (netmap.graphcache.tables_of).
        G = deferred_graph(tables)
        columns.attach_tables(G, tables)
        if early is not None:
            early.adopt(G)
        return G, run(G, **options)


def run_drawn(G: nx.MultiDiGraph, *, draw: bool = True, **options: Any) -> Analysis:
    """:func:`run` for a command that then draws the map (options of :func:`run`).

    With ``draw``, the map's layout (spring layouts and overlap removal) starts on the
    second core while the analysis runs, and the drawing finds it done
    (:class:`netmap.render.map.LayoutAhead`): the same positions as laid out afterwards.

    >>> import netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> run_drawn(G, as_of="2026-07-01").to_dict() == run(G, as_of="2026-07-01").to_dict()
    True
    """
    from netmap.render.map import LayoutAhead

    ahead = LayoutAhead(
        G, region=options.get("region"), as_of=options.get("as_of"), seed=options.get("seed", 0), enabled=draw
    )
    with ahead:
        a = run(G, **options)
        ahead.adopt()
    return a


def run(
    G: nx.MultiDiGraph,
    *,
    roster: Roster | None = None,
    region: str | None = None,
    as_of: dt.date | str | None = None,
    seed: int | None = 0,
    top: int | None = 10,
    include_contacts: bool = False,
    scope: str = "auto",
    expected_regions: Sequence[str] = (),
    backend: str = "auto",
    since: nx.MultiDiGraph | Sequence[tuple[str, nx.MultiDiGraph]] | None = None,
    directory: Any = None,
    suggest_top: int | None = 5,
    anywhere: bool = False,
    weight: str | None = None,
) -> Analysis:
    """The one analysis of a command.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map. Not modified.
    roster, region, as_of, seed, top, include_contacts, scope, expected_regions, backend, weight
        As :func:`netmap.analysis.analyze` takes them.
    since : networkx.MultiDiGraph or sequence of (label, graph), optional
        An earlier snapshot: ``Analysis.changes`` is what changed since (the same region,
        day and roster; the later snapshot's analysis is this one, not made twice). Several
        earlier snapshots, as (label, graph) pairs: ``Analysis.history`` is their history
        up to this map (:func:`netmap.analysis.history.history`, each judged on its own
        date, this map last on this day, against this roster) and ``Analysis.changes`` its
        last step. Both narrowed to the region of the analysis.
    directory : Tables or list of dict, optional
        Known organisations: ``Analysis.suggestions`` is who could fill the gaps.
    suggest_top, anywhere
        With ``directory``: candidates kept per gap (None: all), and whether regions not
        tied to a gap's region are searched too, as :func:`netmap.analysis.suggest.suggest`
        takes ``top`` and ``anywhere``.

    Returns
    -------
    Analysis

    Raises
    ------
    UsageError
        ``region`` is not in the map, or ``expected_regions`` is given with ``region``.
    """
    from netmap.errors import UsageError

    if region is not None and expected_regions:
        raise UsageError("--expect names regions to compare; a report on one --region has no comparison")
    a = analyze(
        G,
        roster=roster,
        region=region,
        as_of=as_of,
        seed=seed,
        top=top,
        include_contacts=include_contacts,
        backend=backend,
        scope=scope,
        expected_regions=expected_regions,
        weight=weight,
    )
    if isinstance(since, nx.Graph):
        a.changes = compare(since, G, analysis=a)
    elif since:
        from netmap.analysis.history import history

        here = str(G.graph.get("source") or G.graph.get("map_id") or "this map")
        if here in {label for label, _ in since}:  # the same workbook given as an earlier snapshot too
            here += " (this report)"
        a.history = history(
            [*since, (here, G)],
            roster=a.roster,
            seed=a.seed,
            dates={here: a.as_of},
            analyses={here: a},
            last=here,
            region=a.region,
        )
        a.changes = a.history.diffs[-1]
    if directory is not None:
        from netmap.analysis.suggest import suggest  # only with a directory

        a.suggestions = suggest(
            G if region is None else _view(G, region),
            directory,
            roster=a.roster,
            expected=expected_regions,
            as_of=a.as_of,
            scope=scope,
            top=suggest_top,
            anywhere=anywhere,
        )
    return a


def _view(G: nx.MultiDiGraph, region: str) -> nx.MultiDiGraph:
    from netmap.analysis import select_region

    return select_region(G, region)


def compare(old: nx.MultiDiGraph, new: nx.MultiDiGraph, *, analysis: Analysis | None = None, **options: Any) -> Diff:
    """What changed from ``old`` to ``new``; with ``analysis`` (of ``new``), judged as it was.

    The earlier snapshot is narrowed to the analysis's region, judged on its day against its
    roster, and the later snapshot's analysis is ``analysis`` itself.
    """
    from netmap.analysis.diff import diff

    if analysis is None:
        return diff(old, new, **options)
    return diff(
        old,
        new,
        as_of=analysis.as_of,
        seed=analysis.seed,
        top=options.get("top", DIFF_TOP),
        roster=analysis.roster,
        region=analysis.region,
        new_analysis=analysis,
    )


def _split(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The options of the analysis, and those of the view."""
    ours = {k: v for k, v in options.items() if k in ANALYSIS_OPTIONS}
    theirs = {k: v for k, v in options.items() if k not in ANALYSIS_OPTIONS}
    return ours, theirs


def _analysis(G: nx.MultiDiGraph, options: dict[str, Any]) -> tuple[Analysis, dict[str, Any]]:
    given = options.pop("analysis", None)
    ours, theirs = _split(options)
    return (given if given is not None else run(G, **ours)), theirs


# -- the report ---------------------------------------------------------------------------------


@shares_cache  # the analysis's projection and edge index are the drawing's too
def report_data(G: nx.MultiDiGraph, **options: Any) -> dict[str, Any]:
    """:func:`netmap.render.report.report_data` of :func:`run` (options of both)."""
    from netmap.render import report

    a, view = _analysis(G, options)
    return report.report_data(G, a, version=view.pop("version", __version__), **view)


@shares_cache  # the analysis's projection and edge index are the drawing's too
def render_report_html(G: nx.MultiDiGraph, **options: Any) -> str:
    """:func:`netmap.render.report.render_report_html` of :func:`run` (options of both)."""
    from netmap.render import report

    a, view = _analysis(G, options)
    return report.render_report_html(G, a, version=view.pop("version", __version__), **view)


@shares_cache  # the analysis's projection and edge index are the drawing's too
def render_report_markdown(G: nx.MultiDiGraph, **options: Any) -> str:
    """:func:`netmap.render.report.render_report_markdown` of :func:`run` (options of both)."""
    from netmap.render import report

    a, view = _analysis(G, options)
    return report.render_report_markdown(G, a, version=view.pop("version", __version__), **view)


@shares_cache  # the analysis's projection and edge index are the drawing's too
def write_report(G: nx.MultiDiGraph, path: str | Path, **options: Any) -> Path:
    """:func:`netmap.render.report.write_report` of :func:`run` (options of both)."""
    from netmap.render import report

    a, view = _analysis(G, options)
    return report.write_report(G, a, path, version=view.pop("version", __version__), **view)


# The file that lists what --each-region wrote into its folder, so a re-run with --force
# removes the reports of regions that are gone and nothing else.
REGION_MANIFEST = "netmap-reports.json"


def write_region_reports(
    G: nx.MultiDiGraph,
    folder: str | Path,
    *,
    format: str = "html",
    force: bool = False,
    inputs: Any = (),
    title: str | None = None,
    generated: Any = None,
    version: str | None = None,
    positions: Any = None,
    **options: Any,
) -> list[Path]:
    """One report per region of ``G`` and an index, written into ``folder``; return the files.

    One analysis of the whole map (with ``expected_regions``) draws the index
    (:mod:`netmap.render.report.regions_index`); one analysis per region with partners
    listed draws its report (``region-<slug>.html``) and its headline findings on the index.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map. Not modified.
    folder : str or Path
        Made if missing. Without ``force`` a folder already holding one of the files is refused;
        with it, the files are replaced and those an earlier run listed (``netmap-reports.json``)
        and this one did not write are removed.
    format : {"html", "markdown", "md"}
        HTML pages (``index.html``) or Markdown (``index.md``, ``region-<slug>.md``).
    inputs : sequence of (label, path)
        The command's inputs: never written over (see :mod:`netmap.outputs`).
    title, generated, version, positions
        As the report takes them (``title`` heads the index; each report is titled by its region).
    **options
        The options of :func:`run` (not ``region``).

    Raises
    ------
    UsageError
        ``region`` is given, the map has fewer than two regions (counting the expected ones),
        the format is unknown, or the folder cannot be written.

    Examples
    --------
    >>> import netmap, tempfile
    >>> G = netmap.read_graph("examples/four-state-coalitions")
    >>> files = write_region_reports(G, tempfile.mkdtemp(), format="md", as_of="2026-11-24")
    >>> [p.name for p in files][:2], files[-2].name
    (['region-tennessee.md', 'region-delaware.md'], 'index.md')
    """
    from netmap.errors import UsageError
    from netmap.outputs import write_folder
    from netmap.render import report

    if format not in report.FORMATS:
        raise UsageError(f"--format must be html or md (markdown), not {format!r}")
    if options.get("region") is not None:
        raise UsageError("--each-region writes a report for every region; leave out --region")
    version = version or __version__
    # One cache over every region: the map's edge index, its rows per sheet and each region's
    # view are built once and shared by that region's analysis and its report's map.
    with shared_cache(), gc_frozen():
        files = _region_files(
            G, format=format, title=title, generated=generated, version=version, positions=positions, **options
        )
    owned = {*_owned_reports(Path(folder)), "index.html", "index.md"}
    return list(write_folder(folder, files, inputs=inputs, force=force, owned=owned))


def _region_files(
    G: nx.MultiDiGraph,
    *,
    format: str,
    title: str | None,
    generated: Any,
    version: str,
    positions: Any,
    **options: Any,
) -> dict[str, str]:
    """The files of :func:`write_region_reports`: name -> text."""
    import json

    from netmap.errors import UsageError
    from netmap.render.report import regions_index

    html = format == "html"
    a = run(G, **options)
    if a.regions is None:
        raise UsageError(
            "--each-region needs a map with two regions or more (name more with --expect); "
            "for one region write one report"
        )
    listed = [name for name in a.regions.region_names if any(r.region == name and r.listed for r in a.regions.regions)]
    names = regions_index.region_file_names(listed, suffix=".html" if html else ".md")
    each = {k: v for k, v in options.items() if k != "expected_regions"}
    page = {"names": names, "html": html, "title": title, "generated": generated, "version": version}
    # With a second core, a forked worker writes every other region's report meanwhile: the
    # reports do not depend on each other, and each is the same whoever writes it.
    pending = _background.start(_region_reports, G, listed[1::2], positions=positions, page=page, options=each)
    done = _region_reports(G, listed[0::2], positions=positions, page=page, options=each)
    done.update(pending.result())
    files: dict[str, str] = {}
    reports = {}
    for name in listed:
        file_name, text, findings = done[name]
        files[file_name] = text
        reports[name] = (file_name, findings)
    render = regions_index.render_index_html if html else regions_index.render_index_markdown
    index = "index.html" if html else "index.md"
    files[index] = render(a, reports, title=title, generated=generated, version=version)
    files[REGION_MANIFEST] = json.dumps({"netmap": "region reports", "files": sorted(files)}, indent=1) + "\n"
    return files


def _region_reports(
    G: nx.MultiDiGraph, regions: list[str], *, positions: Any, page: dict[str, Any], options: dict[str, Any]
) -> dict[str, tuple[str, str, list[Any]]]:
    """Region -> (file name, report text, findings) for each of ``regions``.

    One analysis per region: its report and its headline findings on the index draw it.
    """
    from netmap.render import report

    title, generated, version = page["title"], page["generated"], page["version"]
    out = {}
    for name in regions:
        ra = run(G, region=name, **options)
        label = f"{title}: {name}" if title else None
        if page["html"]:
            text = report.render_report_html(
                G, ra, title=label, generated=generated, version=version, positions=positions
            )
        else:
            text = report.render_report_markdown(G, ra, title=label, generated=generated, version=version)
        out[name] = (page["names"][name], text, list(ra.findings))
    return out


def _owned_reports(folder: Path) -> list[str]:
    """The report files an earlier ``--each-region`` listed in ``folder`` (only names it makes)."""
    import json
    import re

    try:
        doc = json.loads((folder / REGION_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = doc.get("files") if isinstance(doc, dict) and doc.get("netmap") == "region reports" else None
    ours = re.compile(r"^(region-[a-z0-9-]+|index)\.(html|md)$")
    return [f for f in files if isinstance(f, str) and ours.match(f)] if isinstance(files, list) else []


# -- the map -------------------------------------------------------------------------------------


@shares_cache  # the analysis's projection and edge index are the drawing's too
def map_data(G: nx.MultiDiGraph, **options: Any) -> dict[str, Any]:
    """:func:`netmap.render.map.map_data` of :func:`run` (options of both)."""
    from netmap.render import map as drawing

    a, view = _analysis(G, options)
    return drawing.map_data(G, a, **view)


@shares_cache  # the analysis's projection and edge index are the drawing's too
def write_map(G: nx.MultiDiGraph, path: str | Path, **options: Any) -> Path:
    """:func:`netmap.render.map.write_map` of :func:`run` (options of both)."""
    from netmap.render import map as drawing

    a, view = _analysis(G, options)
    return drawing.write_map(G, a, path, **view)


# -- the page of changes -----------------------------------------------------------------------


def _changes(old: nx.MultiDiGraph, new: nx.MultiDiGraph, options: dict[str, Any]) -> tuple[Diff, dict[str, Any]]:
    from netmap.analysis.diff import diff

    given = options.pop("changes", None)
    keys = ("as_of", "seed", "top", "roster", "region")
    ours = {k: options.pop(k) for k in keys if k in options}
    if given is not None:
        return given, options
    ours.setdefault("top", DIFF_TOP)
    return diff(old, new, **ours), options


def diff_data(old: nx.MultiDiGraph, new: nx.MultiDiGraph, **options: Any) -> dict[str, Any]:
    """:func:`netmap.render.diff_report.diff_data` of :func:`netmap.analysis.diff.diff`."""
    from netmap.render import diff_report

    changes, view = _changes(old, new, options)
    return diff_report.diff_data(changes, version=view.pop("version", __version__), **view)


def render_diff_html(old: nx.MultiDiGraph, new: nx.MultiDiGraph, **options: Any) -> str:
    """:func:`netmap.render.diff_report.render_diff_html` of :func:`netmap.analysis.diff.diff`."""
    from netmap.render import diff_report

    changes, view = _changes(old, new, options)
    return diff_report.render_diff_html(changes, version=view.pop("version", __version__), **view)


def render_diff_markdown(old: nx.MultiDiGraph, new: nx.MultiDiGraph, **options: Any) -> str:
    """:func:`netmap.render.diff_report.render_diff_markdown` of :func:`netmap.analysis.diff.diff`."""
    from netmap.render import diff_report

    changes, view = _changes(old, new, options)
    return diff_report.render_diff_markdown(changes, version=view.pop("version", __version__), **view)


def write_diff_report(old: nx.MultiDiGraph, new: nx.MultiDiGraph, path: str | Path, **options: Any) -> Path:
    """:func:`netmap.render.diff_report.write_diff_report` of :func:`netmap.analysis.diff.diff`."""
    from netmap.render import diff_report

    changes, view = _changes(old, new, options)
    return diff_report.write_diff_report(changes, path, version=view.pop("version", __version__), **view)
