"""The readiness scorecard: each condition's score, rating and evidence, and the overall rating."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.render.page import cell as _cell
from netmap.render.page import fmt_num as _num
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import report_section


def scorecard_section(a: Analysis) -> dict[str, Any]:
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
    return report_section("scorecard", intro=intro, tables=[table], overall=overall, rating=card["overall_rating"])
