"""The summary that opens the report: size, readiness and what to do first, in a few sentences."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.render.page import fmt_num as _num
from netmap.render.report._common import SEVERITY_LABEL, report_section


def summary_section(a: Analysis) -> dict[str, Any]:
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
    return report_section("summary", intro=intro, bullets=[f"{f.text} {f.action}" for f in a.do_first])
