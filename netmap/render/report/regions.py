"""The regions side by side: the ranking by gaps and the local roster matrix, one column a region."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.analysis.gaps import MISSING, PERIPHERAL, PRESENT
from netmap.render.page import cell as _cell
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import COMPACT_ABOVE, STATUS_MARK, matrix_cell, report_section


def regions_section(a: Analysis, name: Any) -> dict[str, Any] | None:
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
                    matrix_cell(
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
    return report_section(
        "regions",
        intro=intro,
        facts=facts,
        matrices=[matrix],
        tables=[ranking],
        tables_first=True,  # the ranking answers "which region lacks whom"; the matrix is its detail
        legend=[{"status": s, "symbol": STATUS_MARK[s]} for s in (PRESENT, PERIPHERAL, MISSING)],
    )
