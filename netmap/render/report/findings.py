"""The headline findings: the "do first" ones leading, each grouped kind with a table of where."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.render.json import to_jsonable
from netmap.render.page import cell as _cell
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import SEVERITY_LABEL, report_section


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


def findings_section(a: Analysis) -> dict[str, Any]:
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
    return report_section("findings", intro=intro, findings=items, counts=counts)
