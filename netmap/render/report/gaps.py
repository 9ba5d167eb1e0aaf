"""The roster gaps: the roster matrices by level, coverage by category, minimum teams, population gaps."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.analysis.gaps import MISSING, PERIPHERAL, PRESENT
from netmap.render.page import cell as _cell
from netmap.render.page import fmt_pct as _pct
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._charts import stacked_bars
from netmap.render.report._common import COMPACT_ABOVE, STATUS_MARK, matrix_cell, report_section
from netmap.roster import Roster

# Okabe-Ito again: blue, orange and a light grey stay apart for every common colour-vision
# deficiency, and every bar carries its numbers as text besides.
STATUS_COLOUR = {PRESENT: "#0072B2", PERIPHERAL: "#E69F00", MISSING: "#D9D9D9"}
STATUS_TEXT_COLOUR = {PRESENT: "#ffffff", PERIPHERAL: "#000000", MISSING: "#000000"}


def _scope_label(level: str, region: str | None) -> str:
    if region is not None:
        return region
    return "statewide" if level == "state" else "no region"


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
    chart = stacked_bars(
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


def gaps_section(a: Analysis, name: Any) -> dict[str, Any]:
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
                    matrix_cell(cells.get((type_id, scope)), _scope_label(level, scope), name) for scope in scopes
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
    return report_section(
        "roster-gaps",
        intro=intro,
        matrices=matrices,
        charts=[chart],
        chart_tables=[chart_table],
        tables=[coverage, populations],
        legend=[{"status": s, "symbol": STATUS_MARK[s]} for s in (PRESENT, PERIPHERAL, MISSING)],
    )
