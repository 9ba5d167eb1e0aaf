"""What the sections of the report share: the section list, the status marks, the roster matrix cell."""

from __future__ import annotations

from typing import Any

from netmap.analysis.gaps import MISSING, PERIPHERAL, PRESENT
from netmap.render.page import section

# The sections, in reading order: (id, heading). Ids are stable: tests and links use them.
# "changes" is there only when the report is given an earlier snapshot (``since``), and
# "regions" only when the map has two regions or more to compare (see
# :func:`netmap.render.report.regions.regions_section`); "services" only when it has services rows;
# "quality" only when it has survey answers.
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
    ("services", "Service inventory"),
    ("health", "Network health"),
    ("quality", "Tie quality"),
    ("map", "Interactive map"),
    ("appendix", "Appendix: what this report was built from"),
)

STATUS_MARK = {PRESENT: "●", PERIPHERAL: "◐", MISSING: "○"}
SEVERITY_LABEL = {"high": "High", "medium": "Medium", "info": "Note"}

# A roster matrix wider than this many scopes shows the symbol alone in each cell (the word
# stays for screen readers): 30 regions of "◐ peripheral" do not fit a page.
COMPACT_ABOVE = 8


def report_section(section_id: str, **content: Any) -> dict[str, Any]:
    """The section ``section_id`` of :data:`SECTIONS`, under its heading."""
    return section(section_id, dict(SECTIONS)[section_id], **content)


def matrix_cell(t: dict[str, Any] | None, scope: str, name: Any, *, status: str | None = None) -> dict[str, Any]:
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
