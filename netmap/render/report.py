"""The program officer's report: every analysis of one map in one offline file, HTML or Markdown.

The report reads top to bottom the way a program officer works: what is wrong and what
to do (the headline findings), how ready the partnership is (the scorecard), then the
evidence section by section, the interactive map, and what the report was built from.

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
  No link is ever made from data.
- Contact names, emails and phones appear only with ``include_contacts=True``;
  champions are otherwise described by their job title, as the resilience analysis does.

Examples
--------
>>> import netmap, tempfile, pathlib
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> data = report_data(G, as_of="2026-11-24", generated="2026-11-24T09:00:00Z")
>>> [s["id"] for s in data["sections"]][:3]
['findings', 'scorecard', 'roster-gaps']
>>> out = write_report(G, pathlib.Path(tempfile.mkdtemp()) / "report.md", format="markdown", as_of="2026-11-24")
>>> out.read_text(encoding="utf-8").splitlines()[0]
'# tucson-behavioral-health'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

import netmap
from netmap.analysis import Analysis, analyze, select_region
from netmap.analysis.gaps import MISSING, PERIPHERAL, PRESENT
from netmap.errors import UsageError
from netmap.render.json import to_jsonable
from netmap.render.map import PALETTE, _own_asset, _sha256, _vis_assets, map_data
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
SECTIONS = (
    ("findings", "Headline findings"),
    ("scorecard", "Readiness scorecard"),
    ("roster-gaps", "Roster gaps"),
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
NOWRAP_BELOW = 24  # characters: a column this narrow never wraps
CHAR_WIDTH = 7.4  # rough width of a 13 px system-ui character: SVG text cannot be measured here


# -- small formatting helpers ----------------------------------------------------------------


def _money(x: float | None) -> str:
    return "" if x is None else f"${x:,.0f}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{round(100 * x)}%"


def _num(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float) and x != int(x):
        return f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return str(int(x)) if isinstance(x, float) else str(x)


def _cell(
    text: Any = "", value: float | None = None, items: list[str] | None = None, *, as_list: bool = False
) -> dict[str, Any]:
    """One table cell: the text shown, an optional number to sort by, optional list items.

    ``as_list`` shows the items as a bulleted list in HTML (else they are joined by "; ").
    """
    if items is not None:
        text = "; ".join(str(i) for i in items)
    return {"text": "" if text is None else str(text), "value": value, "parts": items, "list": as_list}


def _n(value: float | None, text: str | None = None) -> dict[str, Any]:
    """A numeric cell (sorts by the number, blank when there is none)."""
    return _cell(_num(value) if text is None else text, value)


def _table(
    table_id: str,
    caption: str,
    columns: list[tuple[str, bool]],
    rows: list[list[dict[str, Any]]],
    *,
    empty: str = "Nothing to show.",
    note: str | None = None,
) -> dict[str, Any]:
    """A sortable table: ``columns`` are (label, numeric) pairs.

    A column whose every cell is short is marked ``nowrap``: dates, ids and "◐ one partner"
    read badly broken over two lines.
    """
    longest = [max((len(row[i]["text"]) for row in rows), default=0) for i in range(len(columns))]
    return {
        "id": table_id,
        "caption": caption,
        "columns": [
            {"label": label, "numeric": numeric, "nowrap": longest[i] <= NOWRAP_BELOW}
            for i, (label, numeric) in enumerate(columns)
        ],
        "rows": rows,
        "empty": empty,
        "note": note,
    }


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


def _funding_chart(view: nx.MultiDiGraph, roster: Roster) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Funding by stream, stacked by the recipients' categories (amounts, else award counts)."""
    colours = category_colours(roster)
    awards = []
    for u, v, e in view.edges(data=True):
        if e.get("type") == "FUNDS":
            awards.append((view.nodes[u]["name"], view.nodes[v].get("category"), e.get("amount")))
    if not awards:
        return None, None
    by_amount = any(a is not None for _, _, a in awards)
    unpriced = sum(1 for _, _, a in awards if a is None)
    totals: dict[str, dict[str | None, float]] = defaultdict(lambda: defaultdict(float))
    for stream, cat, amount in awards:
        totals[stream][cat] += (amount or 0.0) if by_amount else 1.0
    streams = sorted(totals, key=lambda s: (-sum(totals[s].values()), s))
    cat_order = [*roster.categories, None]
    used = [c for c in cat_order if any(totals[s].get(c) for s in streams)]

    def cat_name(c: str | None) -> str:
        return roster.categories[c].name if c in roster.categories else "no category"

    def fmt(x: float) -> str:
        return _money(x) if by_amount else f"{int(x)} award(s)"

    bars = []
    for s in streams:
        segs = [
            (f"{cat_name(c)}: {fmt(totals[s][c])}", totals[s][c], colours.get(c, PALETTE[-1]), "#000") for c in used
        ]
        bars.append((s, segs, fmt(sum(totals[s].values()))))
    what = "amount awarded" if by_amount else "number of awards (no amounts are recorded)"
    desc = (
        f"Each bar is a funding stream; its length is the {what}, split by the category of the recipients. "
        + " ".join(f"{s}: {fmt(sum(totals[s].values()))}." for s in streams)
    )
    if by_amount and unpriced:
        desc += f" {unpriced} award(s) without an amount are not drawn."
    chart = _stacked_bars(
        "chart-funding",
        "Funding by stream and recipient category",
        desc,
        bars,
        [(cat_name(c), colours.get(c, PALETTE[-1])) for c in used],
    )
    chart["note"] = f"{unpriced} award(s) have no amount and are not drawn." if by_amount and unpriced else None
    table = _table(
        "table-funding-by-stream-category",
        f"Funding by stream and recipient category ({'amount' if by_amount else 'awards'})",
        [("Stream", False), *[(cat_name(c), True) for c in used], ("Total", True)],
        [
            [
                _cell(s),
                *[_n(totals[s].get(c) or None, fmt(totals[s][c]) if totals[s].get(c) else "") for c in used],
                _n(sum(totals[s].values()), fmt(sum(totals[s].values()))),
            ]
            for s in streams
        ],
    )
    return chart, table


# -- sections ------------------------------------------------------------------------------


def _section(section_id: str, **content: Any) -> dict[str, Any]:
    title = dict(SECTIONS)[section_id]
    base = {"id": section_id, "title": title, "intro": [], "facts": [], "charts": [], "chart_tables": [], "tables": []}
    base.update(content)
    return base


def _findings(a: Analysis) -> dict[str, Any]:
    items = [
        {
            "severity": f.severity,
            "label": SEVERITY_LABEL.get(f.severity, f.severity),
            "area": f.area,
            "text": f.text,
            "action": f.action,
        }
        for f in a.findings
    ]
    counts = {s: sum(1 for f in items if f["severity"] == s) for s in SEVERITY_LABEL}
    if items:
        intro = [
            f"{len(items)} finding(s): {counts['high']} high, {counts['medium']} medium, {counts['info']} to note. "
            "Each says what is missing or fragile, where, and what to do next. The sections below hold the evidence."
        ]
    else:
        intro = ["No findings: nothing missing, fragile or expiring was found."]
    return _section("findings", intro=intro, findings=items, counts=counts)


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
                row_cells = []
                for scope in scopes:
                    t = cells.get((type_id, scope))
                    if t is None:
                        row_cells.append({"status": None, "symbol": "", "text": "", "detail": ""})
                        continue
                    detail = []
                    if t["partners"]:
                        detail.append("partners: " + ", ".join(name(p) for p in t["partners"]))
                    if t["prospective"]:
                        detail.append("prospective: " + ", ".join(name(p) for p in t["prospective"]))
                    text = t["status"] + (
                        " (prospective partner)" if t["prospective"] and t["status"] == MISSING else ""
                    )
                    row_cells.append(
                        {
                            "status": t["status"],
                            "symbol": STATUS_MARK[t["status"]],
                            "text": text,
                            "detail": "; ".join(detail),
                            "scope": _scope_label(level, scope),
                        }
                    )
                group_rows.append({"agency_type": type_name, "cells": row_cells})
            groups.append({"category": cat, "rows": group_rows})
        counts = {s: sum(1 for t in rows if t["status"] == s) for s in (PRESENT, PERIPHERAL, MISSING)}
        matrices.append(
            {
                "id": f"matrix-{level}",
                "level": level,
                "caption": f"{level.capitalize()} roster: agency types by "
                + ("state" if level == "state" else "region")
                + f" ({counts[PRESENT]} present, {counts[PERIPHERAL]} peripheral, {counts[MISSING]} missing)",
                "columns": [_scope_label(level, s) for s in scopes],
                "groups": groups,
                "counts": counts,
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


def _funding(a: Analysis, view: nx.MultiDiGraph, name: Any) -> dict[str, Any]:
    m = a.funding.to_dict()
    cat = a.category_name
    if not m["partners"]:
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
                _cell({"ending": "! ending", "ended": "✕ ended"}.get(s["state"], s["state"])),
            ]
            for s in m["streams"]
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
    facts = [
        (
            "Partners on a single stream",
            "; ".join(f"{p['name'] or p['id']} ({p['stream']})" for p in m["single_stream"]) or "none",
        ),
        (
            f"Streams ending within {m['within_months']} months",
            "; ".join(f"{s['stream']} (ends {s['ends'].isoformat()})" for s in m["ending"]) or "none",
        ),
    ]
    intro = [
        f"{len(m['streams'])} stream(s) fund {len(m['partners'])} partner(s). A partner living on one stream stops "
        "when that stream stops; braided funding lasts."
    ]
    chart, chart_table = _funding_chart(view, a.roster)
    return _section(
        "funding",
        intro=intro,
        facts=facts,
        charts=[chart] if chart else [],
        chart_tables=[chart_table] if chart_table else [],
        tables=[streams, partners, flows, categories],
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


def _appendix(
    G: nx.MultiDiGraph, a: Analysis, *, seed: int | None, top: int | None, include_contacts: bool, generated: str
) -> dict[str, Any]:
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
        ("netmap version", netmap.__version__),
        ("Generated", generated),
    ]
    return _section("appendix", facts=facts, tables=[table])


def _generated(value: dt.datetime | dt.date | str | None) -> str:
    if value is None:
        value = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def report_data(
    G: nx.MultiDiGraph,
    *,
    roster: Roster | None = None,
    region: str | None = None,
    as_of: dt.date | str | None = None,
    seed: int | None = 0,
    include_contacts: bool = False,
    title: str | None = None,
    top: int | None = 10,
    generated: dt.datetime | str | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as plain JSON-ready data.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    roster : Roster, optional
        Default: the roster ``G`` was built with.
    region : str, optional
        Report on one region (with the partners listed without a region).
    as_of : date or ISO str, optional
        Day agreements and funding are judged on (default today).
    seed : int, optional
        Seed of every randomised step, so reports repeat.
    include_contacts : bool
        Name champions (personal data); by default they are shown by job title.
    title : str, optional
        Default: the map id.
    top : int, optional
        Rows kept in the broker and resilience tables (None: all).
    generated : datetime or str, optional
        When the report was made (default now, UTC); give one to compare reports.

    Returns
    -------
    dict
        ``title``, ``subtitle``, ``meta`` and ``sections`` (one per :data:`SECTIONS`,
        in order), each with ``intro`` paragraphs, ``facts``, ``charts`` and ``tables``.

    Examples
    --------
    >>> import netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> data = report_data(G, as_of="2026-11-24", generated="today")
    >>> data["meta"]["as_of"], len(data["sections"])
    ('2026-11-24', 10)
    """
    a = analyze(G, roster=roster, region=region, as_of=as_of, seed=seed, top=top, include_contacts=include_contacts)
    view = select_region(G, region)

    def name(pid: str) -> str:
        return str(a.names.get(pid) or pid)

    when = _generated(generated)
    map_id = str(G.graph.get("map_id") or "netmap")
    partners = sum(
        1 for _, d in view.nodes(data=True) if d.get("label") == "Partner" and d.get("status") in (None, "active")
    )
    subtitle = " · ".join(
        [
            f"Map {map_id}",
            f"region {region}" if region else "all regions",
            f"as of {a.as_of.isoformat()}",
            f"{partners} active partners",
        ]
    )
    sections = [
        _findings(a),
        _scorecard(a),
        _gaps(a, name),
        _roles(a, name),
        _brokers(a, name, top),
        _formalisation(a, name),
        _funding(a, view, name),
        _health(a, name),
        _section(
            "map",
            intro=[
                "Every active partner, coloured by category and shaped by level; ★ marks the main brokers, a thick "
                "black border a cut point, grey dashed boxes the missing agency types. Hover a partner for what it "
                "does, click it to see its direct partners, filter with the checkboxes."
            ],
        ),
        _appendix(G, a, seed=seed, top=top, include_contacts=include_contacts, generated=when),
    ]
    return to_jsonable(
        {
            "title": title or map_id,
            "subtitle": subtitle,
            "meta": {
                "map_id": map_id,
                "region": region,
                "as_of": a.as_of.isoformat(),
                "seed": seed,
                "roster": a.roster.name,
                "version": netmap.__version__,
                "generated": when,
                "include_contacts": include_contacts,
                "partners": partners,
            },
            "sections": sections,
        }
    )


# -- rendering --------------------------------------------------------------------------------


def _environment(*, markdown: bool = False) -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    if markdown:
        # Markdown has no autoescape: every {{ }} goes through md_escape instead, so a template
        # line cannot forget it. Structure (pipes, headings, bullets) is template text only.
        env = Environment(
            loader=PackageLoader("netmap", "render/templates"),
            autoescape=False,  # noqa: S701 - not HTML; escaped by finalize=md_escape
            finalize=md_escape,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["block"] = _Block
        return env
    return Environment(
        loader=PackageLoader("netmap", "render/templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
    )


def _hashes(texts: list[str]) -> str:
    return " ".join("'" + _sha256(t) + "'" for t in texts)


def render_report_html(
    G: nx.MultiDiGraph,
    *,
    roster: Roster | None = None,
    region: str | None = None,
    as_of: dt.date | str | None = None,
    seed: int | None = 0,
    include_contacts: bool = False,
    title: str | None = None,
    top: int | None = 10,
    generated: dt.datetime | str | None = None,
    map: bool = True,
) -> str:
    """The report as one self-contained HTML page (see :func:`report_data` for the options).

    ``map=False`` leaves the interactive map (and its 500 kB of script) out.

    Examples
    --------
    >>> import netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> page = render_report_html(G, as_of="2026-11-24", map=False)
    >>> 'http-equiv="Content-Security-Policy"' in page, 'id="roster-gaps"' in page
    (True, True)
    """
    data = report_data(
        G,
        roster=roster,
        region=region,
        as_of=as_of,
        seed=seed,
        include_contacts=include_contacts,
        title=title,
        top=top,
        generated=generated,
    )
    own_js, own_css = _own_asset("report.js"), _own_asset("report.css")
    scripts, styles = [own_js], [own_css]
    net, vis_js, vis_css, map_js = None, "", "", ""
    if map:
        net = map_data(
            G,
            roster=roster,
            title=data["title"],
            include_contacts=include_contacts,
            seed=seed,
            as_of=as_of,
            region=region,
        )
        vis_js, vis_css = _vis_assets()
        map_js = _own_asset("map.js")
        scripts += [vis_js, map_js]
        styles.append(vis_css)
    # Styles by hash too: no style attribute anywhere (the charts use SVG fill attributes),
    # so nothing injected into the page could style it either.
    csp = (
        "default-src 'none'; "
        f"script-src {_hashes(scripts)}; "
        f"style-src {_hashes(styles)}; "
        "img-src data:; connect-src 'none'; font-src 'none'; frame-src 'none'; child-src 'none'; "
        "worker-src 'none'; object-src 'none'; form-action 'none'; base-uri 'none'"
    )
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            net=net,
            csp=csp,
            own_js=own_js,
            own_css=own_css,
            vis_js=vis_js,
            vis_css=vis_css,
            map_js=map_js,
        )
    )


def render_report_markdown(
    G: nx.MultiDiGraph,
    *,
    roster: Roster | None = None,
    region: str | None = None,
    as_of: dt.date | str | None = None,
    seed: int | None = 0,
    include_contacts: bool = False,
    title: str | None = None,
    top: int | None = 10,
    generated: dt.datetime | str | None = None,
) -> str:
    """The report as GitHub-flavoured Markdown: the same sections, the map replaced by a pointer.

    Examples
    --------
    >>> import netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> text = render_report_markdown(G, as_of="2026-11-24", generated="today")
    >>> "## 3. Roster gaps" in text
    True
    """
    data = report_data(
        G,
        roster=roster,
        region=region,
        as_of=as_of,
        seed=seed,
        include_contacts=include_contacts,
        title=title,
        top=top,
        generated=generated,
    )
    return _environment(markdown=True).get_template("report.md.j2").render(data=data)


def write_report(G: nx.MultiDiGraph, path: str | Path, *, format: str = "html", **options: Any) -> Path:
    """Write the report of ``G`` to ``path`` (UTF-8) and nothing else; return the path.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    path : str or Path
        The file to write.
    format : {"html", "markdown", "md"}
        Which report.
    **options
        The keyword options of :func:`render_report_html` (``map`` only for HTML).

    Raises
    ------
    UsageError
        Unknown format, or the file cannot be written.
    """
    if format not in FORMATS:
        raise UsageError(f"--format must be html or md (markdown), not {format!r}")
    path = Path(path)
    if format == "html":
        text = render_report_html(G, **options)
    else:
        options.pop("map", None)  # Markdown has no map to leave out
        text = render_report_markdown(G, **options)
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


# -- Markdown escaping ------------------------------------------------------------------------

# The characters that mean something inline in CommonMark/GFM wherever they stand,
# backslash first: emphasis, code, links and images (without "[" there is no link, so
# "(" and "!" need nothing), raw HTML and entities, table pipes, strikethrough, the "#"
# that closes a heading, and "$", which GitHub reads as maths.
_MD_PUNCT = re.compile(r"([\\`*_\[\]<>#|~&$])")
# A value that opens a line must not open a block: "1. " or "3) " would start a list.
_MD_LIST_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
# Autolinks need no brackets in GFM (www.x.org, http://x, a@b.org): a backslash before
# the ":" of "://", before "@", and before a dot that starts a name breaks each pattern.
_MD_DOMAIN_DOT = re.compile(r"\.(?=[A-Za-z])")
_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


class _Block(str):
    """Markdown the template made itself (a macro's output), passed through unescaped."""


def md_escape(value: Any) -> str:
    r"""``value`` as Markdown text that renders literally: no markup, no link, no HTML.

    Newlines become ``<br>`` (the one piece of HTML netmap writes), so a value can
    neither start a block nor break a table row.

    Examples
    --------
    >>> print(md_escape("<img src=x> | [a](javascript:alert(1)) *b* www.example.org"))
    \<img src=x\> \| \[a\](javascript:alert(1)) \*b\* www\.example\.org
    >>> print(md_escape("- one\n# two"))
    \- one<br>\# two
    >>> md_escape(None), md_escape(3)
    ('', '3')
    """
    if isinstance(value, _Block):
        return str(value)  # a macro's output: already escaped, value by value
    if value is None:
        return ""
    text = str(value).strip()
    text = _MD_PUNCT.sub(r"\\\1", text)
    text = text.replace("://", r"\://").replace("@", r"\@")
    text = _MD_DOMAIN_DOT.sub(r"\\.", text)
    # A value that opens a line must not open a block: a leading "-" or "+" would make a
    # list item, "=" or "-" an underline, "1." an ordered list.
    text = _MD_LIST_START.sub(r"\1\\\2", text)
    if text[:1] in ("-", "+", "="):
        text = "\\" + text
    return "<br>".join(_NEWLINES.split(text))
