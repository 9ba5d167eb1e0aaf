"""The program officer's report: every analysis of one map in one offline file, HTML or Markdown.

The report reads top to bottom the way a program officer works: a short summary (size,
readiness, what to do first), what is wrong and what to do (the headline findings, the
"do first" ones leading, each kind grouped with a table of where), how ready the
partnership is (the scorecard), then the evidence section by section, the interactive
map, and what the report was built from. A state team's report adds two sections: the
regions side by side (when the map has two regions or more, or ``expected_regions`` names
more) and, given an earlier snapshot (``since``), what changed since then, built by :mod:`netmap.render.diff_report`.

- :func:`report_data` gathers everything the report shows as plain JSON-ready data:
  sections of text, tables (cells as text plus a sort value) and chart geometry. Both
  renderings draw from it, so the HTML and the Markdown report say the same things.
- The HTML report is one self-contained file under one strict Content-Security-Policy:
  no source but its own inline scripts (allowed by SHA-256 hash) and styles (by hash
  too, so no ``style`` attribute anywhere). The map of :mod:`netmap.render.map` is
  embedded in the page itself, not in an iframe: one document, one policy, and the
  policy can forbid frames altogether. Its data arrives only as JSON in a
  ``<script type="application/json">`` block that ``tojson`` escapes. Charts are inline
  SVG drawn by :mod:`._charts`, so they need no script and print as they are.
- Every text from the workbook is escaped: by Jinja's autoescape in HTML, by
  :func:`md_escape` (applied to every ``{{ }}`` of the Markdown template) in Markdown.
  No link is ever made from data. Cells, tables, the page frame (``_page.html.j2``), its
  macros and the policy are shared with the page of changes (:mod:`netmap.render.page`).
- Contact names, emails and phones appear only with ``include_contacts=True``;
  champions are otherwise described by their job title, as the resilience analysis does.
- The report is cut into sections, one module each (:mod:`.summary`, :mod:`.findings`,
  :mod:`.scorecard`, :mod:`.gaps`, :mod:`.regions`, :mod:`.roles`, :mod:`.brokers`,
  :mod:`.formalisation`, :mod:`.funding`, :mod:`.services`, :mod:`.health`, :mod:`.appendix`; the changes and
  the suggestions come from :mod:`netmap.render.diff_report` and
  :mod:`netmap.render.suggestions`). Each renders one part of the :class:`~netmap.analysis.Analysis`
  and computes nothing; :func:`report_data` puts them in the order of :data:`SECTIONS`.
  What several sections share (the section list, status marks, the roster matrix cell) is
  in :mod:`._common`.

Examples
--------
>>> import netmap, tempfile, pathlib
>>> from netmap.pipeline import run
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> a = run(G, as_of="2026-11-24")
>>> data = report_data(G, a, generated="2026-11-24T09:00:00Z")
>>> [s["id"] for s in data["sections"]][:3]
['summary', 'findings', 'scorecard']
>>> out = write_report(G, a, pathlib.Path(tempfile.mkdtemp()) / "report.md", format="markdown")
>>> out.read_text(encoding="utf-8").splitlines()[0]
'# tucson-behavioral-health'
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import networkx as nx

from netmap._gc import gc_frozen, gc_paused
from netmap.analysis import Analysis
from netmap.errors import UsageError
from netmap.outputs import Inputs
from netmap.render.diff_report import change_section
from netmap.render.json import plain, script_json_parts
from netmap.render.map import _own_asset, _vis_assets, map_data, map_script, page_data
from netmap.render.page import content_security_policy, environment, md_escape, timestamp, write_text
from netmap.render.report._charts import category_colours
from netmap.render.report._common import SECTIONS, report_section
from netmap.render.report.appendix import appendix_section
from netmap.render.report.brokers import brokers_section
from netmap.render.report.findings import findings_section
from netmap.render.report.formalisation import formalisation_section
from netmap.render.report.funding import funding_section
from netmap.render.report.gaps import gaps_section
from netmap.render.report.health import health_section
from netmap.render.report.printed_map import printed_map
from netmap.render.report.quality import quality_appendix_tables, quality_caveat, quality_section
from netmap.render.report.regions import regions_section
from netmap.render.report.roles import roles_section
from netmap.render.report.scorecard import scorecard_section
from netmap.render.report.services import services_section
from netmap.render.report.summary import summary_section
from netmap.render.suggestions import suggestion_content

__all__ = [
    "FORMATS",
    "SECTIONS",
    "category_colours",
    "md_escape",
    "render_report_html",
    "render_report_markdown",
    "report_data",
    "write_report",
]

FORMATS = ("html", "markdown", "md")

# The map section says how to read the map; the map itself is drawn by netmap.render.map.
MAP_INTRO = (
    "Every active partner, coloured by category and shaped by level; ★ marks the main brokers, a thick "
    "black border a cut point, grey dashed boxes the missing agency types, faint dashed lines the "
    "agreements, ties and awards that have lapsed or not yet begun. Hover a partner for what it does, "
    "click it to see its direct partners, filter with the checkboxes."
)


def report_data(
    G: nx.MultiDiGraph,
    a: Analysis,
    *,
    title: str | None = None,
    generated: dt.datetime | str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """Everything the report shows of one analysis, as plain JSON-ready data.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map ``a`` is of (its sheets and files are named in the appendix). Not modified.
    a : netmap.analysis.Analysis
        The analysis (:func:`netmap.pipeline.run`): its region, date, roster, options and
        results, the regions side by side, what changed (``since``) and who could fill the
        gaps (``directory``) when it has them. Nothing is computed here.
    title : str, optional
        Default: the map id.
    generated : datetime or str, optional
        When the report was made (default now, UTC); give one to compare reports.
    version : str, optional
        The netmap version named in the appendix.

    Returns
    -------
    dict
        ``title``, ``subtitle``, ``caveat`` (the survey's, None without survey answers),
        ``meta`` and ``sections`` (those of :data:`SECTIONS` that
        apply, in order), each with ``intro`` paragraphs, ``facts``, ``matrices``, ``charts``
        and ``tables``.

    Notes
    -----
    The "Regions side by side" section compares every region of the map, so a report on one
    region leaves it out (everything else in that report is about the one region and the
    partners listed without one).

    Examples
    --------
    >>> import netmap
    >>> from netmap.pipeline import run
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> data = report_data(G, run(G, as_of="2026-11-24"), generated="today")
    >>> data["meta"]["as_of"], len(data["sections"])
    ('2026-11-24', 12)
    >>> data = report_data(G, run(G, as_of="2026-11-24", expected_regions=["Santa Cruz County"]), generated="today")
    >>> [s["id"] for s in data["sections"]][3:6]
    ['roster-gaps', 'regions', 'roles']
    """
    region, top = a.region, a.top

    def name(pid: str) -> str:
        return str(a.names.get(pid) or pid)

    when = timestamp(generated)
    map_id = str(G.graph.get("map_id") or "netmap")
    subtitle = " · ".join(
        [
            f"Map {map_id}",
            f"region {region}" if region else "all regions",
            f"as of {a.as_of.isoformat()}",
            f"{a.partners_active} active partners",
        ]
    )
    changes = change_section(a.changes) if a.changes is not None else None
    if changes is not None and a.history is not None:
        from netmap.render.history import history_content

        # Several earlier snapshots: the section opens with their history.
        changes = history_content(a.history, changes)
    side_by_side = regions_section(a, name) if a.regions is not None else None
    inventory = services_section(a)
    tie_quality = quality_section(a, name)
    appendix = appendix_section(G, a, generated=when, version=version)
    # With survey answers the appendix also says who answered and which ties both sides named.
    appendix["tables"].extend(quality_appendix_tables(a, name))
    sections = [
        summary_section(a),
        findings_section(a),
        scorecard_section(a),
        *([report_section("changes", **changes)] if changes else []),
        gaps_section(a, name),
        *([side_by_side] if side_by_side else []),
        *([report_section("suggestions", **suggestion_content(a.suggestions))] if a.suggestions is not None else []),
        roles_section(a, name),
        brokers_section(a, name, top),
        formalisation_section(a, name),
        funding_section(a, name),
        *([inventory] if inventory else []),
        health_section(a, name),
        *([tie_quality] if tie_quality else []),
        report_section("map", intro=[MAP_INTRO]),
        appendix,
    ]
    return plain(
        {
            "title": title or map_id,
            "subtitle": subtitle,
            # The survey's caveat (response rate, one-sided ties), printed under the title.
            "caveat": quality_caveat(a),
            "meta": {
                "map_id": map_id,
                "region": region,
                "as_of": a.as_of.isoformat(),
                "seed": a.seed,
                "roster": a.roster.name,
                "scope": a.scope,
                "version": version,
                "generated": when,
                "include_contacts": a.include_contacts,
                "partners": a.partners_active,
                "expected_regions": list(a.expected_regions),
                "since": a.changes.snapshots.get("old_map") if a.changes is not None else None,
                "directory": None if a.suggestions is None else a.suggestions.source,
            },
            "sections": sections,
        }
    )


# -- rendering --------------------------------------------------------------------------------


def render_report_html(
    G: nx.MultiDiGraph,
    a: Analysis,
    *,
    title: str | None = None,
    generated: dt.datetime | str | None = None,
    version: str | None = None,
    map: bool = True,
    positions: Any = None,
) -> str:
    """The report of ``a`` as one self-contained HTML page (see :func:`report_data`).

    ``map=False`` leaves the interactive map (and its 500 kB of script) out. ``positions``
    (a saved layout, :func:`netmap.render.positions.read_positions`) places the partners of
    the live and the printed map (see :func:`netmap.render.map.map_data`). The map draws
    the same analysis (its gaps and brokers). The page carries the map twice: live for the
    screen, and as a static labelled SVG drawing of the same positions for paper
    (:func:`.printed_map.printed_map`), which fills the map section's one printed page.

    Examples
    --------
    >>> import netmap
    >>> from netmap.pipeline import run
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> page = render_report_html(G, run(G, as_of="2026-11-24"), map=False)
    >>> 'http-equiv="Content-Security-Policy"' in page, 'id="roster-gaps"' in page
    (True, True)
    """
    return "".join(
        part.decode("utf-8", "surrogatepass") if isinstance(part, bytes) else part
        for part in _report_html_parts(
            G, a, title=title, generated=generated, version=version, map=map, positions=positions
        )
    )


# Parts of a page written to its file at a time: Jinja yields a part per piece of template
# text, and a write per part would be millions of writes.
WRITE_PARTS_OF = 1 << 20


def _report_html_parts(
    G: nx.MultiDiGraph,
    a: Analysis,
    *,
    title: str | None = None,
    generated: dt.datetime | str | None = None,
    version: str | None = None,
    map: bool = True,
    positions: Any = None,
) -> Iterator[str | bytes]:
    """:func:`render_report_html` as it is made, in parts of about ``WRITE_PARTS_OF`` characters.

    The map's data goes in as parts of bytes (:func:`netmap.render.json.script_json_parts`)
    where the template leaves its marker: made as text by ``tojson``, a state map's data was
    held three and four times over (the JSON, its escaped copies, the part joined around it,
    its bytes for the file), the command's peak of memory.
    """
    data = report_data(G, a, title=title, generated=generated, version=version)
    own_js, own_css = _own_asset("report.js"), _own_asset("report.css")
    scripts, styles = [own_js], [own_css]
    net, vis_js, vis_css, map_js = None, "", "", ""
    if map:
        net = map_data(G, a, title=data["title"], positions=positions)
        vis_js, vis_css = _vis_assets()
        map_js = map_script()
        scripts += [vis_js, map_js]
        styles.append(vis_css)
    # Where the map's data goes: a mark no page can hold otherwise (random, per page).
    marker = f"netmap-data-{secrets.token_hex(16)}"
    pieces = (
        environment()
        .get_template("report.html.j2")
        .generate(
            data=data,
            net=net,
            net_data=marker,
            printed=printed_map(net) if net else None,
            csp=content_security_policy(scripts, styles),
            own_js=own_js,
            own_css=own_css,
            vis_js=vis_js,
            vis_css=vis_css,
            map_js=map_js,
        )
    )
    batch: list[str] = []
    size = 0
    for piece in pieces:
        if net is not None and marker in piece:
            before, _, after = piece.partition(marker)
            yield "".join([*batch, before])
            yield from script_json_parts(page_data(net))
            batch, size = [after], len(after)
            continue
        batch.append(piece)
        size += len(piece)
        if size >= WRITE_PARTS_OF:
            yield "".join(batch)
            batch, size = [], 0
    yield "".join(batch)


def render_report_markdown(
    G: nx.MultiDiGraph,
    a: Analysis,
    *,
    title: str | None = None,
    generated: dt.datetime | str | None = None,
    version: str | None = None,
) -> str:
    """The report of ``a`` as GitHub-flavoured Markdown: the same sections, the map replaced by a pointer.

    Examples
    --------
    >>> import netmap
    >>> from netmap.pipeline import run
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> text = render_report_markdown(G, run(G, as_of="2026-11-24"), generated="today")
    >>> "## 4. Roster gaps" in text
    True
    """
    data = report_data(G, a, title=title, generated=generated, version=version)
    return environment(markdown=True).get_template("report.md.j2").render(data=data)


def write_report(
    G: nx.MultiDiGraph,
    a: Analysis,
    path: str | Path,
    *,
    format: str = "html",
    overwrite: bool = True,
    inputs: Inputs = (),
    **options: Any,
) -> Path:
    """Write the report of ``a`` to ``path`` (UTF-8) and nothing else; return the path.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map ``a`` is of. Not modified.
    a : netmap.analysis.Analysis
        The analysis to report.
    path : str or Path
        The file to write.
    format : {"html", "markdown", "md"}
        Which report.
    overwrite : bool
        Replace an existing file (the command passes ``--force``).
    inputs : sequence of (label, path)
        What the report was made from: never written over (see :mod:`netmap.outputs`).
    **options
        ``title``, ``generated``, ``version`` (and ``map`` and ``positions`` for HTML).

    Raises
    ------
    UsageError
        Unknown format, or the file cannot be written, exists and not ``overwrite``, or is an input.
    """
    if format not in FORMATS:
        raise UsageError(f"--format must be html or md (markdown), not {format!r}")
    path = Path(path)
    # The map and its analysis stay alive while the page is made: the collector's full passes
    # need not walk them (about a second of a 10,000-partner report). And the page's data is
    # millions of new dicts and lists without a cycle among them (the analysis read back as
    # plain JSON, the tables' rows, the map's nodes): with the collector on, its passes over
    # them took more time than making them (reading the report's data back as plain JSON
    # alone, at 100,000 partners: 1.4 -> 0.7 s).
    with gc_frozen(), gc_paused():
        if format == "html":
            # Written as it is made: a state map's page (hundreds of MB) is never held whole,
            # nor again as the bytes written. The first part is made first, so what fails in
            # gathering the report's data fails as itself, not as a failed write.
            parts = _report_html_parts(G, a, **options)
            first = next(parts)
            return write_text(path, chain([first], parts), overwrite=overwrite, inputs=inputs)
        options.pop("map", None)  # Markdown has no map to leave out
        text = render_report_markdown(G, a, **options)
    return write_text(path, text, overwrite=overwrite, inputs=inputs)
