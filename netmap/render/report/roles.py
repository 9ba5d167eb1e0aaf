"""Role coverage: which roles of the role chart are played, by whom, and which rest on one partner."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.render.page import cell as _cell
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import report_section


def roles_section(a: Analysis, name: Any) -> dict[str, Any]:
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
    return report_section("roles", intro=intro, facts=facts, tables=[table])
