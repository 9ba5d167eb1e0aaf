"""Service inventory: coverage per region, deserts, referral paths, capacity and funding by service.

Shown when the map has services rows (``Analysis.services`` is not None). Computes nothing:
it lays out :meth:`netmap.analysis.services.ServiceInventory.to_dict` as tables.
"""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.analysis.services import DUPLICATED_AT
from netmap.render.page import cell as _cell
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import report_section

__all__ = ["services_section"]

INTRO = (
    "Which services reach which people in each region, and from whom. A population is served in a region when "
    "any provider serves it there; a service it needs there (the other steps of a pathway it is on, and what its "
    "services depend on, such as child care and transportation for training) that no one offers it is a desert. "
    f"One provider makes a service fragile; {DUPLICATED_AT} or more is a chance to coordinate. Consecutive "
    "pathway steps need a current referral tie between their providers."
)


def _note(c: dict[str, Any]) -> str:
    n = len(c["providers"])
    if n == 1 and c["population"] is not None:
        return "one provider"
    return f"{n} providers: coordinate" if n >= DUPLICATED_AT else ""


def services_section(a: Analysis) -> dict[str, Any] | None:
    """The report's section on the service inventory, or None without services rows."""
    if a.services is None:
        return None
    inv = a.services.to_dict()
    tables = [
        _table(
            "table-service-coverage",
            "Services by region and population, with their providers",
            [("Region", False), ("Service", False), ("Population", False), ("Providers", False), ("Note", False)],
            [
                [
                    _cell(r["region_name"]),
                    _cell(c["service_name"] + ("" if c["known"] else " (not in the taxonomy)")),
                    _cell(c["population_name"]),
                    _cell(items=[p["name"] for p in c["providers"]]),
                    _cell(_note(c)),
                ]
                for r in inv["regions"]
                for c in r["cells"]
            ],
        ),
        _table(
            "table-service-deserts",
            "Service deserts: needed by a population served in the region, offered to it by no one there",
            [("Region", False), ("Population", False), ("Missing service", False), ("Needed for", False)],
            [
                [_cell(d["region_name"]), _cell(d["population_name"]), _cell(d["service_name"]), _cell(items=d["why"])]
                for d in inv["deserts"]
            ],
            empty="No deserts: every population gets the services its pathways need where it is served.",
        ),
        _table(
            "table-referral-paths",
            "Referral paths between pathway steps (and services and what they need)",
            [("Region", False), ("From", False), ("To", False), ("Why", False), ("State", False)],
            [
                [
                    _cell(p["region_name"]),
                    _cell(p["from_name"]),
                    _cell(p["to_name"]),
                    _cell(f"pathway {p['pathway_name']}" if p["kind"] == "pathway" else "needs"),
                    _cell(
                        {"no-referral": "✗ no referral path", "linked": "✓ linked"}.get(
                            p["state"], "– a step has no provider here"
                        )
                    ),
                ]
                for p in inv["pathways"]
            ],
        ),
    ]
    if inv["capacity"]:
        tables.append(
            _table(
                "table-service-capacity",
                "Capacity: seats a year and waitlists",
                [("Region", False), ("Population", False), ("Seats", True), ("Waitlist", True), ("Per 1,000", True)],
                [
                    [
                        _cell(c["region"] or "(no region)"),
                        _cell(c["population_name"]),
                        _n(c["seats"]),
                        _n(c["waitlist"]),
                        _n(c["seats_per_1000"]),
                    ]
                    for c in inv["capacity"]
                ],
            )
        )
    if inv["funding"]:
        tables.append(
            _table(
                "table-service-funding",
                "Funding by service (current awards)",
                [("Service", False), ("Streams", False), ("Providers paid", False), ("Not current", False)],
                [
                    [
                        _cell(f["service_name"]),
                        _cell(items=f["streams"]),
                        _cell(items=f["providers"]),
                        _cell(items=f["not_current"]),
                    ]
                    for f in inv["funding"]
                ],
            )
        )
    facts = [
        f"{len(inv['regions'])} region(s), {len(inv['deserts'])} desert(s), {len(inv['fragile'])} single-provider "
        f"cell(s), {len(inv['duplicated'])} duplicated, {len(inv['missing_referrals'])} missing referral path(s)."
    ]
    return report_section("services", intro=[INTRO, *facts], tables=tables)
