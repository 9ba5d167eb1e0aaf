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
  SVG drawn here, so they need no script and print as they are.
- Every text from the workbook is escaped: by Jinja's autoescape in HTML, by
  :func:`md_escape` (applied to every ``{{ }}`` of the Markdown template) in Markdown.
  No link is ever made from data. Cells, tables, the page frame (``_page.html.j2``), its
  macros and the policy are shared with the page of changes (:mod:`netmap.render.page`).
- Contact names, emails and phones appear only with ``include_contacts=True``;
  champions are otherwise described by their job title, as the resilience analysis does.

Examples
--------
>>> import netmap, tempfile, pathlib
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> data = report_data(G, as_of="2026-11-24", generated="2026-11-24T09:00:00Z")
>>> [s["id"] for s in data["sections"]][:3]
['summary', 'findings', 'scorecard']
>>> out = write_report(G, pathlib.Path(tempfile.mkdtemp()) / "report.md", format="markdown", as_of="2026-11-24")
>>> out.read_text(encoding="utf-8").splitlines()[0]
'# tucson-behavioral-health'
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.analysis import Analysis
from netmap.analysis.gaps import MISSING, PERIPHERAL, PRESENT
from netmap.errors import UsageError
from netmap.render.diff_report import change_section
from netmap.render.json import to_jsonable
from netmap.render.map import PALETTE, _own_asset, _vis_assets, map_data, page_data
from netmap.render.page import cell as _cell
from netmap.render.page import content_security_policy, environment, md_escape, section, timestamp, write_text
from netmap.render.page import fmt_money as _money
from netmap.render.page import fmt_num as _num
from netmap.render.page import fmt_pct as _pct
from netmap.render.page import number as _n
from netmap.render.page import table as _table

# The helpers every netmap page shares, under the short names this module has always used.
from netmap.render.suggestions import suggestion_content
from netmap.roster import Roster

__all__ = [
    "FORMATS",
    "SECTIONS",
    "md_escape",
    "render_report_html",
    "render_report_markdown",
    "report_data",
    "write_report",
]

FORMATS = ("html", "markdown", "md")

# The sections, in reading order: (id, heading). Ids are stable: tests and links use them.
# "changes" is there only when the report is given an earlier snapshot (``since``), and
# "regions" only when the map has two regions or more to compare (see :func:`_regions`).
SECTIONS = (
    ("summary", "Summary"),
    ("findings", "Headline findings"),
    ("scorecard", "Readiness scorecard"),
    ("changes", "What changed"),
    ("roster-gaps", "Roster gaps"),
    ("regions", "Regions side by side"),
    ("suggestions", "Who could fill the gaps"),
    ("roles", "Role coverage"),
    ("brokers", "Brokers and key-partner risk"),
    ("formalisation", "Formalisation: agreements"),
    ("funding", "Funding"),
    ("health", "Network health"),
    ("map", "Interactive map"),
    ("appendix", "Appendix: what this report was built from"),
)

STATUS_MARK = {PRESENT: "●", PERIPHERAL: "◐", MISSING: "○"}
# Okabe-Ito again: blue, orange and a light grey stay apart for every common colour-vision
# deficiency, and every bar carries its numbers as text besides.
STATUS_COLOUR = {PRESENT: "#0072B2", PERIPHERAL: "#E69F00", MISSING: "#D9D9D9"}
STATUS_TEXT_COLOUR = {PRESENT: "#ffffff", PERIPHERAL: "#000000", MISSING: "#000000"}
SEVERITY_LABEL = {"high": "High", "medium": "Medium", "info": "Note"}

CHART_WIDTH = 960
# A roster matrix wider than this many scopes shows the symbol alone in each cell (the word
# stays for screen readers): 30 regions of "◐ peripheral" do not fit a page.
COMPACT_ABOVE = 8
CHAR_WIDTH = 7.4  # rough width of a 13 px system-ui character: SVG text cannot be measured here


# -- small formatting helpers ----------------------------------------------------------------


def _days(days: int | None) -> str:
    if days is None:
        return ""
    return str(days) if days >= 0 else f"ended {-days} days ago"


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _clip(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit about ``width`` pixels."""
    most = max(4, int(width / CHAR_WIDTH))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def category_colours(roster: Roster) -> dict[str | None, str]:
    """The map's colour of each category, by roster order (so the report and the map agree).

    >>> from netmap.roster import load_roster
    >>> category_colours(load_roster())["education"]
    '#56B4E9'
    """
    colours: dict[str | None, str] = {
        c.id: PALETTE[i % (len(PALETTE) - 1)] for i, c in enumerate(roster.categories.values())
    }
    colours[None] = PALETTE[-1]
    return colours


# -- charts (inline SVG geometry; the template writes the elements) ----------------------


def _legend(entries: list[tuple[str, str]], y: float) -> tuple[list[dict[str, Any]], float]:
    """Legend swatches laid out in rows across the chart; returns them and the height used."""
    out, x, row = [], 0.0, 0
    for label, colour in entries:
        width = 18 + _text_width(label) + 22
        if x and x + width > CHART_WIDTH:
            x, row = 0.0, row + 1
        out.append(
            {"x": x, "y": y + row * 22, "label": label, "colour": colour, "text_x": x + 18, "text_y": y + row * 22 + 11}
        )
        x += width
    return out, (row + 1) * 22 if entries else 0


def _stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    bars: list[tuple[str, list[tuple[str, float, str, str]], str]],
    legend: list[tuple[str, str]],
    *,
    scale_to: float | None = None,
) -> dict[str, Any]:
    """Horizontal stacked bars, each with its label above and its total after it.

    ``bars`` holds (label, segments, total text); a segment is (name, value, fill,
    text colour). Bars share one scale (``scale_to``, default the largest total), or
    each fills the width when ``scale_to`` is 0 (shares).
    """
    legend_items, top = _legend(legend, 0)
    top += 8 if legend else 0
    longest = max((sum(v for _, v, _, _ in segs) for _, segs, _ in bars), default=0)
    total_room = max((_text_width(t) for _, _, t in bars), default=0) + 12
    room = CHART_WIDTH - total_room
    rows, y = [], top
    for label, segs, total_text in bars:
        whole = sum(v for _, v, _, _ in segs)
        scale = (room / whole if whole else 0) if scale_to == 0 else (room / (scale_to or longest or 1))
        x, parts = 0.0, []
        for name, value, fill, ink in segs:
            if value <= 0:
                continue
            w = value * scale
            text = _num(value) if w >= 26 and scale_to == 0 else ""
            parts.append(
                {"x": round(x, 2), "w": round(max(w, 0.5), 2), "fill": fill, "ink": ink, "name": name, "text": text}
            )
            x += w
        rows.append(
            {
                "label": _clip(label, CHART_WIDTH),
                "full_label": label,
                "label_y": y + 13,
                "bar_y": y + 18,
                "segments": parts,
                "total": total_text,
                "total_x": round(x + 8, 2),
                "total_y": y + 33,
            }
        )
        y += 46
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": CHART_WIDTH,
        "height": max(y, top + 10),
        "legend": legend_items,
        "bars": rows,
        "bar_height": 20,
        "note": None,
    }


def _coverage_chart(types: list[dict[str, Any]], roster: Roster) -> tuple[dict[str, Any], dict[str, Any]]:
    """Share of roster slots present, peripheral and missing per category; the chart and its table."""
    counts: dict[str, dict[str, int]] = {}
    order = [c.name for c in roster.categories.values()]
    for t in types:
        counts.setdefault(t["category"], dict.fromkeys((PRESENT, PERIPHERAL, MISSING), 0))[t["status"]] += 1
    names = sorted(counts, key=lambda n: (order.index(n) if n in order else len(order), n))
    bars, rows = [], []
    for name in names:
        c = counts[name]
        total = sum(c.values())
        segs = [
            (f"{status}: {c[status]}", c[status], STATUS_COLOUR[status], STATUS_TEXT_COLOUR[status]) for status in c
        ]
        bars.append((name, segs, f"{c[PRESENT]} of {total} present ({_pct(c[PRESENT] / total)})"))
        rows.append(
            [
                _cell(name),
                _n(c[PRESENT]),
                _n(c[PERIPHERAL]),
                _n(c[MISSING]),
                _n(round(c[PRESENT] / total, 3), _pct(c[PRESENT] / total)),
            ]
        )
    chart = _stacked_bars(
        "chart-coverage",
        "Roster coverage by category",
        "For each category of the roster, how many of its agency-type slots (one per type and scope) are present, "
        "peripheral or missing. "
        + " ".join(f"{name}: {counts[name][PRESENT]} of {sum(counts[name].values())} present." for name in names),
        bars,
        [(f"{STATUS_MARK[s]} {s}", STATUS_COLOUR[s]) for s in (PRESENT, PERIPHERAL, MISSING)],
        scale_to=0,
    )
    table = _table(
        "table-coverage-by-category",
        "Roster coverage by category (agency-type slots)",
        [("Category", False), ("Present", True), ("Peripheral", True), ("Missing", True), ("Share present", True)],
        rows,
    )
    return chart, table


def _funding_chart(m: dict[str, Any], roster: Roster) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Current funding by stream, stacked by the recipients' categories (amounts, else award counts)."""
    colours = category_colours(roster)
    split = m["by_stream_category"]
    if not split.get("streams"):
        return None, None
    by_amount = split["basis"] == "amount"
    unpriced = split["unpriced"]
    totals = {s["stream"]: s["by_category"] for s in split["streams"]}
    streams = [s["stream"] for s in split["streams"]]
    cat_order = [*roster.categories, None]
    used = [c for c in cat_order if any(totals[s].get(c) for s in streams)]

    def cat_name(c: str | None) -> str:
        return roster.categories[c].name if c in roster.categories else "no category"

    def fmt(x: float) -> str:
        return _money(x) if by_amount else f"{int(x)} award(s)"

    bars = []
    for s in streams:
        segs = [
            (f"{cat_name(c)}: {fmt(totals[s].get(c, 0.0))}", totals[s].get(c, 0.0), colours.get(c, PALETTE[-1]), "#000")
            for c in used
        ]
        bars.append((s, segs, fmt(sum(totals[s].values()))))
    what = "amount of its current awards" if by_amount else "number of current awards (no amounts are recorded)"
    desc = (
        f"Each bar is a funding stream; its length is the {what}, split by the category of the recipients. "
        + " ".join(f"{s}: {fmt(sum(totals[s].values()))}." for s in streams)
    )
    if by_amount and unpriced:
        desc += f" {unpriced} award(s) without an amount are not drawn."
    chart = _stacked_bars(
        "chart-funding",
        f"Current funding by stream and recipient category (as of {m['as_of']})",
        desc,
        bars,
        [(cat_name(c), colours.get(c, PALETTE[-1])) for c in used],
    )
    chart["note"] = f"{unpriced} award(s) have no amount and are not drawn." if by_amount and unpriced else None
    table = _table(
        "table-funding-by-stream-category",
        f"Current funding by stream and recipient category ({'amount' if by_amount else 'awards'})",
        [("Stream", False), *[(cat_name(c), True) for c in used], ("Total", True)],
        [
            [
                _cell(s),
                *[_n(totals[s].get(c) or None, fmt(totals[s].get(c, 0.0)) if totals[s].get(c) else "") for c in used],
                _n(sum(totals[s].values()), fmt(sum(totals[s].values()))),
            ]
            for s in streams
        ],
    )
    return chart, table


# -- sections ------------------------------------------------------------------------------


def _section(section_id: str, **content: Any) -> dict[str, Any]:
    return section(section_id, dict(SECTIONS)[section_id], **content)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _finding_table(index: int, f: Any) -> dict[str, Any] | None:
    """The table of a grouped finding's instances (None for a single instance)."""
    if len(f.items) < 2:
        return None
    keys = list(f.items[0])
    numeric = [all(isinstance(row.get(k), (int, float)) for row in f.items) for k in keys]

    def cell(value: Any, is_number: bool) -> dict[str, Any]:
        if is_number:
            return _n(value)
        if isinstance(value, (list, tuple)):
            return _cell(items=[str(v) for v in value], as_list=True)
        return _cell("" if value is None else to_jsonable(value))

    rows = [[cell(row.get(k), numeric[i]) for i, k in enumerate(keys)] for row in f.items]
    return _table(
        f"table-finding-{index}-{f.code}", f.text, [(_label(k), numeric[i]) for i, k in enumerate(keys)], rows
    )


def _findings(a: Analysis) -> dict[str, Any]:
    first = len(a.do_first)
    items = [
        {
            "code": f.code,
            "severity": f.severity,
            "label": SEVERITY_LABEL.get(f.severity, f.severity),
            "area": f.area,
            "text": f.text,
            "action": f.action,
            "do_first": i < first,
            "table": _finding_table(i, f),
        }
        for i, f in enumerate(a.findings)
    ]
    counts = {s: sum(1 for f in items if f["severity"] == s) for s in SEVERITY_LABEL}
    if items:
        intro = [
            f"{len(items)} finding(s): {counts['high']} high, {counts['medium']} medium, {counts['info']} to note. "
            "Each says what is missing or fragile, where, and what to do next; findings of one kind are "
            "grouped, with a table of where. The sections below hold the evidence.",
        ]
        if first:
            intro.append(
                f"Do first: the {first} most pressing, high before medium, then those that touch the most "
                "partners, regions or requirements."
            )
    else:
        intro = ["No findings: nothing missing, fragile or expiring was found."]
    return _section("findings", intro=intro, findings=items, counts=counts)


def _summary(a: Analysis) -> dict[str, Any]:
    """A few sentences for whoever reads only the top: size, readiness, what to do first."""
    partners = a.partners_active
    card = a.scorecard.to_dict()
    regions = sorted({c["region"] for c in a.gaps.coverage() if c["level"] == "local" and c["region"] is not None})
    where = f"in {len(regions)} region(s)" if regions else "with no region listed"
    overall = card["overall"]
    if overall is None:
        ready = "No readiness condition can be measured from this workbook."
    else:
        ready = (
            f"Readiness is {card['overall_rating']} ({_num(overall)} of 100, over {card['measured']} measurable "
            "condition(s))"
        )
        if card["high_findings"] and overall >= 70:
            ready += ": the scores alone would say strong, but high findings are open"
        ready += "."
    counts = {s: sum(1 for f in a.findings if f.severity == s) for s in SEVERITY_LABEL}
    intro = [
        f"As of {a.as_of.isoformat()}, {partners} active partner(s) {where}. {ready} "
        f"{counts['high']} high and {counts['medium']} medium finding(s)"
        + (", of which to do first:" if a.do_first else ".")
    ]
    for note in a.gaps.not_assessed:
        intro.append(
            f"The {note.level} level of the roster is not assessed: "
            f"{note.reason}; to include it, {note.how_to_include}."
        )
    return _section("summary", intro=intro, bullets=[f"{f.text} {f.action}" for f in a.do_first])


def _scorecard(a: Analysis) -> dict[str, Any]:
    card = a.scorecard.to_dict()
    rows = [
        [
            _cell(c["name"]),
            _n(c["score"], _num(c["score"]) if c["score"] is not None else "n/a"),
            _cell(c["rating"]),
            _cell(items=list(c["evidence"]), as_list=True),
        ]
        for c in card["conditions"]
    ]
    overall = card["overall"]
    intro = [
        "Six conditions under which career pathways systems gain traction, each scored 0–100 from this workbook "
        "(strong: 70 and over, developing: 40–69, weak: under 40). A condition the workbook holds no evidence for "
        "is marked “not measurable from this data”, never guessed.",
        f"Overall: {_num(overall) if overall is not None else 'n/a'} ({card['overall_rating']}), "
        f"from {card['measured']} measurable condition(s).",
    ]
    table = _table(
        "table-scorecard",
        "Readiness conditions and their evidence",
        [("Condition", False), ("Score", True), ("Rating", False), ("Evidence", False)],
        rows,
    )
    return _section("scorecard", intro=intro, tables=[table], overall=overall, rating=card["overall_rating"])


def _scope_label(level: str, region: str | None) -> str:
    if region is not None:
        return region
    return "statewide" if level == "state" else "no region"


def _matrix_cell(t: dict[str, Any] | None, scope: str, name: Any, *, status: str | None = None) -> dict[str, Any]:
    """One cell of a roster matrix: symbol and word (never colour alone), and the partners behind it.

    ``t`` is a type of :func:`~netmap.analysis.gaps.roster_gaps` (None: the roster does not
    ask for the type there); ``status`` overrides its status, or stands alone for a region
    the gap analysis does not know (expected, with no partner listed).
    """
    status = status or (t["status"] if t else None)
    if status is None:
        return {"status": None, "symbol": "", "text": "", "detail": "", "scope": scope}
    detail = []
    prospective = t["prospective"] if t else []
    if t and t["partners"]:
        detail.append("partners: " + ", ".join(name(p) for p in t["partners"]))
    if prospective:
        detail.append("prospective: " + ", ".join(name(p) for p in prospective))
    text = status + (" (prospective partner)" if prospective and status == MISSING else "")
    return {"status": status, "symbol": STATUS_MARK[status], "text": text, "detail": "; ".join(detail), "scope": scope}


def _gaps(a: Analysis, name: Any) -> dict[str, Any]:
    gaps = a.gaps.to_dict()
    order = [c.name for c in a.roster.categories.values()]
    matrices = []
    for level in ("state", "local"):
        rows = [t for t in gaps["types"] if t["level"] == level]
        if not rows:
            continue
        scopes = list(dict.fromkeys(t["region"] for t in rows))
        cells = {(t["agency_type_id"], t["region"]): t for t in rows}
        groups = []
        cats = sorted(dict.fromkeys(t["category"] for t in rows), key=lambda n: order.index(n) if n in order else 99)
        for cat in cats:
            types = list(dict.fromkeys((t["agency_type_id"], t["agency_type"]) for t in rows if t["category"] == cat))
            group_rows = []
            for type_id, type_name in types:
                row_cells = [
                    _matrix_cell(cells.get((type_id, scope)), _scope_label(level, scope), name) for scope in scopes
                ]
                group_rows.append({"agency_type": type_name, "cells": row_cells})
            groups.append({"category": cat, "rows": group_rows})
        counts = {s: sum(1 for t in rows if t["status"] == s) for s in (PRESENT, PERIPHERAL, MISSING)}
        columns = [_scope_label(level, s) for s in scopes]
        matrices.append(
            {
                "id": f"matrix-{level}",
                "level": level,
                "caption": f"{level.capitalize()} roster: agency types by "
                + ("state" if level == "state" else "region")
                + f" ({counts[PRESENT]} present, {counts[PERIPHERAL]} peripheral, {counts[MISSING]} missing)",
                "columns": columns,
                "groups": groups,
                "counts": counts,
                "compact": len(columns) > COMPACT_ABOVE,
            }
        )
    chart, chart_table = _coverage_chart(gaps["types"], a.roster)

    coverage = _table(
        "table-minimum-teams",
        "Minimum-team coverage",
        [("Level", False), ("Where", False), ("Met", True), ("Of", True), ("Share", True), ("Unmet lines", False)],
        [
            [
                _cell(c["level"]),
                _cell(_scope_label(c["level"], c["region"])),
                _n(c["met"]),
                _n(c["total"]),
                _n(c["share"], _pct(c["share"])),
                _cell(items=c["unmet"]) if c["unmet"] else _cell("none: met"),
            ]
            for c in gaps["coverage"]
        ],
        empty="The roster defines no minimum team.",
    )
    populations = _table(
        "table-population-gaps",
        "Populations served without the partner they call for",
        [("Population", False), ("Where", False), ("Missing partner type", False), ("Served by", False)],
        [
            [
                _cell(g["population"]),
                _cell(_scope_label("local", g["region"])),
                _cell(g["agency_type"]),
                _cell(items=[name(p) for p in g["served_by"]]),
            ]
            for g in gaps["population_gaps"]
        ],
        empty="No population gaps: every population served has the partner types it calls for.",
    )
    intro = [
        f"The partnership checked against the {a.roster.title or a.roster.name} roster: state agency types among "
        "the state-level partners, local types region by region. ● present: a partner of the type is on the "
        "leadership team or tied to it; ◐ peripheral: at the table but tied to no one on the leadership team; "
        "○ missing: no active partner of the type."
    ]
    if not gaps["leadership_recorded"]:
        intro.append("No partner is marked as leadership team, so every type at the table counts as present.")
    return _section(
        "roster-gaps",
        intro=intro,
        matrices=matrices,
        charts=[chart],
        chart_tables=[chart_table],
        tables=[coverage, populations],
        legend=[{"status": s, "symbol": STATUS_MARK[s]} for s in (PRESENT, PERIPHERAL, MISSING)],
    )


def _regions(a: Analysis, name: Any) -> dict[str, Any] | None:
    """Regions side by side (``a.regions``, :func:`~netmap.analysis.regions.regions`): the
    ranking and the matrix.

    The analysis has them with two regions or more, counting the expected ones: with one
    region everything this section would say is already in the report (the local column of
    the roster matrix, the minimum-team table, the links to the state level). Naming a
    second region in ``expected_regions`` makes the comparison, and the section, appear.
    """
    result = a.regions.to_dict()
    expected = a.expected_regions
    if len(result["region_names"]) < 2:
        return None
    ranked = result["regions"]
    # The cells of the gap analysis carry the partners behind each status (for the hover text);
    # a region with no partner listed has none, and its status comes from the regions analysis.
    types = {(t["agency_type_id"], t["region"]): t for t in a.gaps.to_dict()["types"] if t["level"] == "local"}
    empty = {r["region"] for r in ranked if not r["listed"]}
    columns = [r["region"] + (" (none listed)" if r["region"] in empty else "") for r in ranked]
    groups: list[dict[str, Any]] = []
    for row in result["matrix"]:
        if not groups or groups[-1]["category"] != row["category"]:
            groups.append({"category": row["category"], "rows": []})
        groups[-1]["rows"].append(
            {
                "agency_type": row["agency_type"],
                "cells": [
                    _matrix_cell(
                        types.get((row["agency_type_id"], r["region"])),
                        r["region"],
                        name,
                        status=row["cells"][r["region"]],
                    )
                    for r in ranked
                ],
            }
        )
    counts = {s: sum(r[s] for r in ranked) for s in (PRESENT, PERIPHERAL, MISSING)}
    matrix = {
        "id": "matrix-regions",
        "level": "local",
        "caption": f"Local roster by region, most gaps first ({len(ranked)} regions; {counts[PRESENT]} present, "
        f"{counts[PERIPHERAL]} peripheral, {counts[MISSING]} missing)",
        "columns": columns,
        "groups": groups,
        "counts": counts,
        "compact": len(columns) > COMPACT_ABOVE,
    }

    def partners_text(r: dict[str, Any]) -> str:
        if not r["listed"]:
            return "none listed"
        return (
            str(r["active"])
            if r["active"] == r["listed"]
            else f"{r['active']} ({r['listed'] - r['active']} not active)"
        )

    rows = [
        [
            _n(r["rank"]),
            _cell(r["region"]),
            _n(r["active"], partners_text(r)),
            _n(r["present"]),
            _n(r["peripheral"]),
            _n(r["missing"]),
            _n(
                r["minimum_met"] / r["minimum_total"] if r["minimum_total"] else None,
                f"{r['minimum_met']} of {r['minimum_total']}",
            ),
            _cell(items=r["state_partner_names"], as_list=True) if r["state_linked"] else _cell("✕ no link"),
            _cell(items=[name(p) for p in r["connectors"]], as_list=True),
        ]
        for r in ranked
    ]
    ranking = _table(
        "table-regions",
        "Regions ranked by gaps (most first)",
        [
            ("Rank", True),
            ("Region", False),
            ("Partners", True),
            ("Present", True),
            ("Peripheral", True),
            ("Missing", True),
            ("Minimum team", True),
            ("State agencies tied to", False),
            ("Through", False),
        ],
        rows,
        note="Partners: active partners listed in the region. Present, peripheral and missing count the local agency "
        "types of the roster there; the minimum-team lines each region lacks are in the minimum-team table above. "
        "“Through”: the region's partners tied to a state-level partner.",
    )
    unlinked = [r["region"] for r in ranked if not r["state_linked"]]
    facts = [
        ("Regions with no partner listed", ", ".join(r["region"] for r in ranked if not r["listed"]) or "none"),
        ("Regions with no tie to a state-level partner", ", ".join(unlinked) or "none"),
    ]
    intro = [
        f"The {len(ranked)} regions side by side, ranked by gaps: most local agency types missing first, then most "
        "unmet minimum-team lines, then regions with no tie to a state-level partner. ● present, ◐ peripheral and "
        "○ missing mean what they mean in the roster matrix.",
    ]
    if expected:
        intro.append(
            "Regions expected whether or not a partner is listed: "
            + ", ".join(dict.fromkeys(expected))
            + ". One with no partner listed shows every type missing: it has not been mapped yet."
        )
    return _section(
        "regions",
        intro=intro,
        facts=facts,
        matrices=[matrix],
        tables=[ranking],
        tables_first=True,  # the ranking answers "which region lacks whom"; the matrix is its detail
        legend=[{"status": s, "symbol": STATUS_MARK[s]} for s in (PRESENT, PERIPHERAL, MISSING)],
    )


def _roles(a: Analysis, name: Any) -> dict[str, Any]:
    roles = a.roles.to_dict()

    def status(c: dict[str, Any]) -> str:
        if c["in_chart"] and not c["recorded"]:
            return "○ uncovered"
        if c["recorded"] == 1:
            return "◐ one partner"
        return "● covered" if c["in_chart"] else "● covered (outside the chart)"

    rows = [
        [
            _cell(c["role"]),
            _cell(status(c)),
            _n(c["recorded"]),
            _cell(items=[name(p) for p in c["recorded_by"]]),
            _n(c["expected"]),
        ]
        for c in roles["coverage"]
    ]
    facts = [
        (
            "Intermediary",
            ", ".join(name(p) for p in roles["intermediaries"]) if roles["has_intermediary"] else "none recorded",
        ),
        (
            "Employers that only advise",
            "; ".join(f"{e['name'] or e['id']} ({', '.join(e['roles'])})" for e in roles["advisory_only_employers"])
            or "none",
        ),
        ("Partners with no role recorded", ", ".join(name(p) for p in roles["partners_without_roles"]) or "none"),
    ]
    intro = [
        f"{len(roles['uncovered'])} role(s) of the role chart are played by no partner and "
        f"{len(roles['single_partner'])} rest on a single partner. “Recorded” counts the roles sheet; "
        "“expected” counts partners with no role recorded whose kind of agency the role chart expects to play it."
    ]
    table = _table(
        "table-roles",
        "Role coverage",
        [("Role", False), ("Status", False), ("Recorded", True), ("Played by", False), ("Expected", True)],
        rows,
        empty="No roles in the role chart.",
    )
    return _section("roles", intro=intro, facts=facts, tables=[table])


def _brokers(a: Analysis, name: Any, top: int | None) -> dict[str, Any]:
    b = a.brokers
    res = a.resilience
    rows = b.rows[:top] if top else b.rows
    cat = a.category_name
    broker_rows = [
        [
            _cell(r["name"] or r["id"]),
            _cell(cat(r["category"]) if r["category"] else ""),
            _cell(r["region"] or ""),
            _n(r["degree"]),
            _n(r["betweenness"]),
            _n(r["brokerage"]["total"]),
            _n(r["brokerage"]["liaison"]),
            _n(r["constraint"]),
            _n(r["effective_size"]),
            _cell("yes" if r["articulation_point"] else "no"),
            _n(r["categories_reached"]),
        ]
        for r in rows
    ]
    method = "exact" if b.method == "exact" else f"sampled (k={b.k}, seed={b.seed})"
    brokers_table = _table(
        "table-brokers",
        f"Top {len(rows)} brokers (betweenness: {method})",
        [
            ("Partner", False),
            ("Category", False),
            ("Region", False),
            ("Ties", True),
            ("Betweenness", True),
            ("Brokerage", True),
            ("Liaison", True),
            ("Constraint", True),
            ("Effective size", True),
            ("Cut point", False),
            ("Categories reached", True),
        ],
        broker_rows,
        empty="No partner has ties.",
        note="Brokerage counts the open two-step paths a partner bridges (Gould-Fernandez); liaison: between two "
        "other categories. Low constraint and high effective size mean many partners who do not know each other.",
    )
    partner_rows = [
        [
            _cell(r["name"] or r["id"]),
            _n(r["degree"]),
            _n(r["largest_component_loss"]),
            _cell(items=[name(p) for p in r["cut_off"]]),
            _n(r["cross_category_ties_lost"]),
            _cell(items=list(r["types_lost"])),
        ]
        for r in (res.partners[:top] if top else res.partners)
    ]
    partner_table = _table(
        "table-key-partners",
        "If one partner left (worst first)",
        [
            ("Partner", False),
            ("Ties", True),
            ("Partners cut off", True),
            ("Cut off", False),
            ("Cross-category ties lost", True),
            ("Types lost in its region", False),
        ],
        partner_rows,
        empty="No partner has ties.",
    )
    people_table = _table(
        "table-key-people",
        "If one champion left (worst first)",
        [
            ("Champion", False),
            ("At", False),
            ("Other champions there", True),
            ("Informal ties lost", True),
            ("Partners cut off", True),
        ],
        [
            [
                _cell(r["person"]),
                _cell(r["partner_name"] or r["partner"]),
                _n(r["other_champions"]),
                _n(r["informal_ties_lost"]),
                _n(r["largest_component_loss"]),
            ]
            for r in (res.people[:top] if top else res.people)
        ],
        empty="No contact is marked as a champion.",
        note="Informal ties are ties no current agreement and no funding backs: they leave with the person.",
    )
    turnover_table = _table(
        "table-turnover",
        "If a region's state-level champions turned over together",
        [("Region", False), ("Agencies", False), ("Informal ties lost", True), ("Partners cut off", True)],
        [
            [
                _cell(r["region"] or "statewide"),
                _cell(items=[n or p for n, p in zip(r["partner_names"], r["partners"], strict=True)]),
                _n(r["informal_ties_lost"]),
                _n(r["largest_component_loss"]),
            ]
            for r in res.turnover
        ],
        empty="No state-level partner has a champion.",
    )
    links_table = _table(
        "table-state-links",
        "Links from each region to the state level",
        [("Region", False), ("Linked", False), ("Through", False)],
        [
            [
                _cell(s["region"]),
                _cell("yes" if s["linked"] else "no link"),
                _cell(items=sorted({f"{name(x['partner'])} → {name(x['state_partner'])}" for x in s["links"]})),
            ]
            for s in b.state_links
        ],
        empty="No partner is listed under a region.",
    )
    facts = [
        ("Cut points (the network splits without them)", ", ".join(name(p) for p in b.articulation_points) or "none"),
        (
            "Bridges (ties whose loss splits the network)",
            "; ".join(f"{name(x)} – {name(y)}" for x, y in b.bridges) or "none",
        ),
        ("Largest connected group today", f"{res.baseline_largest} partner(s)"),
    ]
    key = res.partners[0] if res.partners else None
    intro = [
        "Brokers hold the partnership together: they sit on the paths between partners who are not tied directly. "
        "The resilience tables simulate each partner, and each champion, leaving."
    ]
    if key and key["largest_component_loss"]:
        intro.append(
            f"Key partner: {key['name'] or key['id']}. If it left, {key['largest_component_loss']} partner(s) "
            "would be cut off from the rest."
        )
    return _section(
        "brokers",
        intro=intro,
        facts=facts,
        tables=[brokers_table, partner_table, people_table, turnover_table, links_table],
    )


def _formalisation(a: Analysis, name: Any) -> dict[str, Any]:
    f = a.formalisation.to_dict()
    state_text = {"expired": "✕ expired", "expiring": "! expiring", "draft": "… draft", "current": "✓ current"}
    rows = [
        [
            _cell(x["title"] or x["id"]),
            _cell(x["id"]),
            _cell(x["type"] or ""),
            _cell(items=[name(p) for p in x["parties"]]),
            _cell(x["signed"].isoformat() if x["signed"] else ""),
            _cell(x["expires"].isoformat() if x["expires"] else ""),
            _n(x["days_left"], _days(x["days_left"])),
            _cell(state_text.get(x["state"], x["state"])),
        ]
        for x in f["agreements"]
    ]
    share = f["backed_share"]
    intro = [
        f"Judged on {f['as_of']}: an agreement is expiring when it ends within {f['within_days']} days. Drafts bind "
        "no one and expired agreements no longer back a tie.",
        f"Ties among leadership-team partners backed by a current agreement: {f['leadership_ties_backed']} of "
        f"{f['leadership_ties']}" + (f" ({_pct(share)})." if share is not None else "."),
    ]
    facts = [
        ("Expired", "; ".join(f"{x['title'] or x['id']} ({x['id']})" for x in f["expired"]) or "none"),
        (
            "Expiring",
            "; ".join(f"{x['title'] or x['id']} ({x['id']}, {x['days_left']} days left)" for x in f["expiring"])
            or "none",
        ),
        (
            "Drafts",
            "; ".join(f"{x['title'] or x['id']} ({x['id']})" for x in f["agreements"] if x["state"] == "draft")
            or "none",
        ),
        (
            "Partners with roles but no current agreement",
            ", ".join(r["name"] or r["id"] for r in f["roles_without_agreement"]) or "none",
        ),
    ]
    table = _table(
        "table-agreements",
        f"Agreements as of {f['as_of']}",
        [
            ("Agreement", False),
            ("Id", False),
            ("Type", False),
            ("Parties", False),
            ("Signed", False),
            ("Expires", False),
            ("Days left", True),
            ("State", False),
        ],
        rows,
        empty="The workbook records no agreements.",
    )
    return _section("formalisation", intro=intro, facts=facts, tables=[table])


def _funding(a: Analysis, name: Any) -> dict[str, Any]:
    m = a.funding.to_dict()
    cat = a.category_name
    if not m["awards"]:
        return _section("funding", intro=["The workbook records no funding."])
    streams = _table(
        "table-streams",
        f"Funding streams (ending: within {m['within_months']} months of {m['as_of']})",
        [
            ("Stream", False),
            ("Awards", True),
            ("Recipients", False),
            ("Sources", False),
            ("Amount", True),
            ("Ends", False),
            ("State", False),
        ],
        [
            [
                _cell(s["stream"]),
                _n(s["awards"]),
                _cell(items=[name(p) for p in s["recipients"]]),
                _cell(", ".join(s["sources"])),
                _n(s["amount"], _money(s["amount"])),
                _cell(s["ends"].isoformat() if s["ends"] else ""),
                _cell({"ending": "! ending", "planned": "… planned"}.get(s["state"], s["state"])),
            ]
            # Ended streams are history: their awards are in the table of awards not current.
            for s in m["streams"]
            if s["state"] != "ended"
        ],
    )
    partners = _table(
        "table-funded-partners",
        "Funded partners, most dependent first",
        [
            ("Partner", False),
            ("Category", False),
            ("Streams", True),
            ("Stream names", False),
            ("Amount", True),
            ("Concentration (HHI)", True),
            ("HHI of", False),
        ],
        [
            [
                _cell(p["name"] or p["id"]),
                _cell(cat(p["category"]) if p["category"] else ""),
                _n(p["streams"]),
                _cell(items=list(p["stream_names"])),
                _n(p["amount"], _money(p["amount"])),
                _n(p["hhi"]),
                _cell("amounts" if p["hhi_basis"] == "amount" else "award counts"),
            ]
            for p in m["partners"]
        ],
        note="HHI (Herfindahl-Hirschman index): the sum of the squared shares of a partner's streams; 1 means a "
        "single stream, lower means the money is spread over more streams.",
    )
    flows = _table(
        "table-flows",
        "Who funds whom",
        [("Funder", False), ("Recipient", False), ("Stream", False), ("Amount", True)],
        [
            [
                _cell(x["funder_name"] or x["funder"]),
                _cell(x["recipient_name"] or x["recipient"]),
                _cell(x["stream"]),
                _n(x["amount"], _money(x["amount"])),
            ]
            for x in m["flows"]
        ],
        empty="No award names a funder among the partners.",
    )
    categories = _table(
        "table-funding-categories",
        "Funding by recipient category",
        [("Category", False), ("Amount", True), ("Share of amount", True), ("Awards", True), ("Share of awards", True)],
        [
            [
                _cell(c["category"] or "no category"),
                _n(c["amount"], _money(c["amount"])),
                _n(c["amount_share"], _pct(c["amount_share"])),
                _n(c["awards"]),
                _n(c["award_share"], _pct(c["award_share"])),
            ]
            for c in m["categories"]
        ],
    )
    lapsed = _table(
        "table-funding-lapsed",
        f"Partners whose funding lapsed (all awards ended within {m['lapsed_within_months']} months)",
        [("Partner", False), ("Ended", False), ("Awards that ended", False), ("Planned", False)],
        [
            [
                _cell(p["name"] or p["id"]),
                _cell(p["ended"].isoformat()),
                _cell(items=[f"{x['stream']} ({x['award_id']}, ended {x['end'].isoformat()})" for x in p["awards"]]),
                _cell(items=[f"{x['stream']} ({x['award_id']})" for x in p["planned"]]),
            ]
            for p in m["lapsed"]
        ],
        empty="No partner's funding has lapsed.",
    )
    not_current = [x for x in m["awards"] if x["state"] != "current"]
    history = _table(
        "table-awards-not-current",
        f"Awards not current on {m['as_of']} (ended or not yet begun): listed, never counted",
        [("Award", False), ("Stream", False), ("Recipient", False), ("Start", False), ("End", False), ("State", False)],
        [
            [
                _cell(x["award_id"]),
                _cell(x["stream"]),
                _cell(name(x["recipient"])),
                _cell(x["start"].isoformat() if x["start"] else ""),
                _cell(x["end"].isoformat() if x["end"] else ""),
                _cell("✕ ended" if x["state"] == "lapsed" else "… planned"),
            ]
            for x in not_current
        ],
        empty="Every award is current.",
    )
    facts = [
        (
            "Partners on a single stream",
            "; ".join(f"{p['name'] or p['id']} ({p['stream']})" for p in m["single_stream"]) or "none",
        ),
        (
            f"Streams ending within {m['within_months']} months (their last current award ends)",
            "; ".join(f"{s['stream']} (ends {s['ends'].isoformat()})" for s in m["ending"]) or "none",
        ),
        (
            f"Awards ending within {m['within_months']} months",
            "; ".join(
                f"{x['stream']} to {name(x['recipient'])} (ends {x['end'].isoformat()})" for x in m["ending_awards"]
            )
            or "none",
        ),
        ("Partners whose funding lapsed", "; ".join(f"{p['name'] or p['id']}" for p in m["lapsed"]) or "none"),
    ]
    live = [s for s in m["streams"] if s["awards"]]
    intro = [
        f"On {m['as_of']}, {len(live)} stream(s) fund {len(m['partners'])} partner(s) through current awards; "
        f"{len(not_current)} award(s) have ended or not yet begun and are listed apart. A partner living on one "
        "stream stops when that stream stops; braided funding lasts."
    ]
    chart, chart_table = _funding_chart(m, a.roster)
    return _section(
        "funding",
        intro=intro,
        facts=facts,
        charts=[chart] if chart else [],
        chart_tables=[chart_table] if chart_table else [],
        tables=[streams, partners, lapsed, flows, categories, history],
    )


def _health(a: Analysis, name: Any) -> dict[str, Any]:
    h = a.health.to_dict()
    cat = a.category_name
    measures = [
        ("Partners / ties", f"{h['partners']} / {h['ties']}", "active partners and the pairs of them that are tied"),
        ("Density", _num(h["density"]), "share of all possible ties that exist"),
        (
            "Connected parts",
            f"{h['components']} (sizes {', '.join(map(str, h['component_sizes'][:8]))})" if h["components"] else "0",
            "groups of partners with no path between them",
        ),
        ("Partners with no ties", ", ".join(name(p) for p in h["isolates"]) or "none", ""),
        ("Degree centralisation", _num(h["degree_centralization"]), "0: ties spread evenly; 1: a star around one hub"),
        (
            "E-I index across categories",
            _num(h["ei_index"]),
            "-1: every tie stays inside a category; +1: every tie crosses",
        ),
        (
            "Communities vs categories (NMI)",
            _num(h["communities_vs_categories_nmi"]),
            "1: the clusters are exactly the categories (silos); 0: unrelated",
        ),
        ("Possible silos", str(len(h["silos"])), "clusters of 3 or more partners at least 80% one category"),
    ]
    measures_table = _table(
        "table-health",
        "Whole-network measures",
        [("Measure", False), ("Value", False), ("What it means", False)],
        [[_cell(label), _cell(value), _cell(meaning)] for label, value, meaning in measures],
    )
    communities = _table(
        "table-communities",
        f"Clusters found by Louvain community detection (seed {h['seed']})",
        [
            ("Cluster", True),
            ("Partners", True),
            ("Main category", False),
            ("Its share", True),
            ("Silo", False),
            ("Members", False),
        ],
        [
            [
                _n(c["community"] + 1),
                _n(c["size"]),
                _cell(cat(c["dominant_category"])),
                _n(c["dominant_share"], _pct(c["dominant_share"])),
                _cell("possible silo" if c["silo"] else "no"),
                _cell(items=[name(p) for p in c["members"]]),
            ]
            for c in h["communities"]
        ],
        empty="No partners.",
    )
    ei = _table(
        "table-category-ei",
        "E-I index of each category's ties",
        [("Category", False), ("E-I index", True)],
        [[_cell(cat(k)), _n(v)] for k, v in sorted(h["category_ei"].items(), key=lambda kv: cat(kv[0]))],
        empty="No ties.",
    )
    intro = ["How the network holds together as a whole: how dense, how centralised, and whether it splits by sector."]
    return _section("health", intro=intro, tables=[measures_table, ei, communities])


def _appendix(G: nx.MultiDiGraph, a: Analysis, *, generated: str, version: str | None) -> dict[str, Any]:
    seed, top, include_contacts = a.seed, a.top, a.include_contacts
    rows: dict[str, set[Any]] = defaultdict(set)
    for _, d in G.nodes(data=True):
        if d.get("_sheet"):
            rows[d["_sheet"]].add(d.get("_row"))
    for _, _, d in G.edges(data=True):
        if d.get("_sheet"):
            rows[d["_sheet"]].add(d.get("_row"))
    files = G.graph.get("files") or {}
    sheets = list(dict.fromkeys([*files, *rows]))
    sheet_rows = [
        # Only the file's own name: a full path would tell the reader about the machine it was made on.
        [_cell(s), _cell(Path(str(files[s])).name if s in files else ""), _n(len(rows.get(s, ())))]
        for s in sheets
    ]
    for s, records in (G.graph.get("extra_sheets") or {}).items():
        sheet_rows.append([_cell(f"{s} (extra sheet, kept as data)"), _cell(""), _n(len(records))])
    table = _table(
        "table-sheets",
        "Rows read per sheet",
        [("Sheet", False), ("File", False), ("Rows", True)],
        sheet_rows,
        empty="The graph records no sheets.",
    )
    facts = [
        ("Map", str(G.graph.get("map_id") or "")),
        ("Region", a.region or "all regions"),
        ("Roster", f"{a.roster.title} ({a.roster.name})" if a.roster.title else a.roster.name),
        ("Judged as of", a.as_of.isoformat()),
        ("Seed (Louvain communities, sampled betweenness)", "none" if seed is None else str(seed)),
        ("Brokers listed", "all" if not top else str(top)),
        (
            "Contact details",
            "included (this file holds personal data)" if include_contacts else "left out (champions by job title)",
        ),
        ("netmap version", version or "not recorded"),
        ("Generated", generated),
    ]
    return _section("appendix", facts=facts, tables=[table])


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
        ``title``, ``subtitle``, ``meta`` and ``sections`` (those of :data:`SECTIONS` that
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
    ('2026-11-24', 11)
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
    side_by_side = _regions(a, name) if a.regions is not None else None
    sections = [
        _summary(a),
        _findings(a),
        _scorecard(a),
        *([_section("changes", **changes)] if changes else []),
        _gaps(a, name),
        *([side_by_side] if side_by_side else []),
        *([_section("suggestions", **suggestion_content(a.suggestions))] if a.suggestions is not None else []),
        _roles(a, name),
        _brokers(a, name, top),
        _formalisation(a, name),
        _funding(a, name),
        _health(a, name),
        _section(
            "map",
            intro=[
                "Every active partner, coloured by category and shaped by level; ★ marks the main brokers, a thick "
                "black border a cut point, grey dashed boxes the missing agency types, faint dashed lines the "
                "agreements, ties and awards that have lapsed or not yet begun. Hover a partner for what it does, "
                "click it to see its direct partners, filter with the checkboxes."
            ],
        ),
        _appendix(G, a, generated=when, version=version),
    ]
    return to_jsonable(
        {
            "title": title or map_id,
            "subtitle": subtitle,
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
) -> str:
    """The report of ``a`` as one self-contained HTML page (see :func:`report_data`).

    ``map=False`` leaves the interactive map (and its 500 kB of script) out. The map draws
    the same analysis (its gaps and brokers).

    Examples
    --------
    >>> import netmap
    >>> from netmap.pipeline import run
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> page = render_report_html(G, run(G, as_of="2026-11-24"), map=False)
    >>> 'http-equiv="Content-Security-Policy"' in page, 'id="roster-gaps"' in page
    (True, True)
    """
    data = report_data(G, a, title=title, generated=generated, version=version)
    own_js, own_css = _own_asset("report.js"), _own_asset("report.css")
    scripts, styles = [own_js], [own_css]
    net, vis_js, vis_css, map_js = None, "", "", ""
    if map:
        net = map_data(G, a, title=data["title"])
        vis_js, vis_css = _vis_assets()
        map_js = _own_asset("map.js")
        scripts += [vis_js, map_js]
        styles.append(vis_css)
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            net=net,
            net_page=page_data(net) if net else None,
            csp=content_security_policy(scripts, styles),
            own_js=own_js,
            own_css=own_css,
            vis_js=vis_js,
            vis_css=vis_css,
            map_js=map_js,
        )
    )


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
    >>> "## 5. Roster gaps" in text
    True
    """
    data = report_data(G, a, title=title, generated=generated, version=version)
    return environment(markdown=True).get_template("report.md.j2").render(data=data)


def write_report(G: nx.MultiDiGraph, a: Analysis, path: str | Path, *, format: str = "html", **options: Any) -> Path:
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
    **options
        ``title``, ``generated``, ``version`` (and ``map`` for HTML).

    Raises
    ------
    UsageError
        Unknown format, or the file cannot be written.
    """
    if format not in FORMATS:
        raise UsageError(f"--format must be html or md (markdown), not {format!r}")
    path = Path(path)
    if format == "html":
        text = render_report_html(G, a, **options)
    else:
        options.pop("map", None)  # Markdown has no map to leave out
        text = render_report_markdown(G, a, **options)
    return write_text(path, text)
