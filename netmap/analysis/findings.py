"""Headline findings: the results of every analysis, said in plain words, worst first.

Each finding names what is wrong, where, and what to do next, so a program officer can
act on it without reading the tables.

Examples
--------
>>> f = Finding("high", "gaps", "No Local TANF provider in Pima County.", "Invite one.")
>>> f.to_dict()["severity"]
'high'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netmap.analysis import Analysis

__all__ = ["Finding", "findings"]

_ORDER = {"high": 0, "medium": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    severity: str  # high, medium or info
    area: str
    text: str
    action: str

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "area": self.area, "text": self.text, "action": self.action}


def _names(ids: list[str], names: dict[str, str], limit: int = 4) -> str:
    shown = [names.get(i) or i for i in ids[:limit]]
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(shown) + more


def _where(region: str | None, level: str) -> str:
    if region is None:
        return "at the state level" if level == "state" else "among partners with no region"
    return f"at the state level in {region}" if level == "state" else f"in {region}"


def findings(analysis: Analysis) -> list[Finding]:
    """The headline findings of a full analysis, most severe first."""
    out: list[Finding] = []
    names = analysis.names

    for cov in analysis.gaps.coverage():
        if cov["unmet"]:
            out.append(
                Finding(
                    "high",
                    "roster",
                    f"The minimum {cov['level']} team is incomplete {_where(cov['region'], cov['level'])}: "
                    f"{cov['met']} of {cov['total']} met; missing {'; '.join(cov['unmet'])}.",
                    "Invite an agency of each missing kind to the leadership team.",
                )
            )
    for gap in analysis.gaps.population_gaps:
        out.append(
            Finding(
                "high",
                "populations",
                f"{gap.population} are served {_where(gap.region, 'local')} "
                f"(by {_names(gap.served_by, names)}) but no {gap.agency_type} is a partner there.",
                f"Bring a {gap.agency_type} partner to the table.",
            )
        )
    peripheral = analysis.gaps.peripheral
    if peripheral:
        listed = "; ".join(f"{t.agency_type} {_where(t.region, t.level)}" for t in peripheral[:5])
        out.append(
            Finding(
                "medium",
                "roster",
                f"{len(peripheral)} agency type(s) are present but tied to no one on the leadership team: {listed}.",
                "Connect these partners to a leadership-team member, or bring them onto the team.",
            )
        )
    uncovered = analysis.roles.uncovered
    if uncovered:
        out.append(
            Finding(
                "high",
                "roles",
                f"{len(uncovered)} role(s) of the role chart are played by no partner: "
                + ", ".join(c.role for c in uncovered[:6])
                + ("…" if len(uncovered) > 6 else "")
                + ".",
                "Agree who takes on each role and record it in the roles sheet.",
            )
        )
    single = analysis.roles.single_partner
    if single:
        out.append(
            Finding(
                "medium",
                "roles",
                f"{len(single)} role(s) rest on a single partner: "
                + ", ".join(f"{c.role} ({names.get(c.recorded[0], c.recorded[0])})" for c in single[:5])
                + ".",
                "Line up a second partner for each, so one departure does not leave the role empty.",
            )
        )
    if analysis.roles.advisory_only_employers:
        out.append(
            Finding(
                "medium",
                "industry",
                "Employers that only advise: "
                + ", ".join(e["name"] or e["id"] for e in analysis.roles.advisory_only_employers)
                + ".",
                "Engage them in program design, training or hiring, not only in advisory meetings.",
            )
        )
    if not analysis.roles.intermediaries:
        out.append(
            Finding(
                "high",
                "roles",
                "No partner is recorded as the intermediary coordinating the partnership.",
                "Name an intermediary and record the role 'Coordinate the partnership (intermediary)'.",
            )
        )
    key = analysis.resilience.partners[0] if analysis.resilience.partners else None
    if key and (key["largest_component_loss"] or key["types_lost"]):
        out.append(
            Finding(
                "high" if key["largest_component_loss"] else "medium",
                "resilience",
                f"Key partner: if {key['name']} left, {key['largest_component_loss']} partner(s) would be cut off"
                + (f" and {', '.join(key['types_lost'])} would go missing" if key["types_lost"] else "")
                + ".",
                "Build ties that do not run through this partner, and formalise its role in an agreement.",
            )
        )
    person = analysis.resilience.people[0] if analysis.resilience.people else None
    if person and person["largest_component_loss"]:
        out.append(
            Finding(
                "high",
                "resilience",
                f"Key person: if the champion at {person['partner_name']} ({person['person']}) left, "
                f"{person['informal_ties_lost']} informal tie(s) would go with them and "
                f"{person['largest_component_loss']} partner(s) would be cut off.",
                "Put these relationships into written agreements and involve a second person at the agency.",
            )
        )
    turnover = analysis.resilience.turnover[0] if analysis.resilience.turnover else None
    if turnover and turnover["largest_component_loss"]:
        where = turnover["region"] or "the state"
        out.append(
            Finding(
                "high",
                "resilience",
                f"If the state-level champions in {where} ({', '.join(turnover['partner_names'])}) turned over "
                f"together, as after a change of administration, {turnover['informal_ties_lost']} informal tie(s) "
                f"would go and {turnover['largest_component_loss']} partner(s) would be cut off.",
                "Secure these state relationships in writing and involve more than one person per agency.",
            )
        )
    formal = analysis.formalisation
    if formal.roles_without_agreement:
        ids = [r["id"] for r in formal.roles_without_agreement]
        out.append(
            Finding(
                "medium",
                "agreements",
                f"{len(ids)} partner(s) play roles with no current agreement: {_names(ids, names)}.",
                "Formalise their roles in an MOU.",
            )
        )
    for a in formal.to_dict()["expired"]:
        out.append(
            Finding(
                "medium",
                "agreements",
                f"Agreement {a['title'] or a['id']} has expired"
                + (f" ({a['expires'].isoformat()})" if a["expires"] else "")
                + ".",
                "Renew it or record the partners' current arrangement.",
            )
        )
    for a in formal.to_dict()["expiring"]:
        out.append(
            Finding(
                "medium",
                "agreements",
                f"Agreement {a['title'] or a['id']} expires in {a['days_left']} day(s).",
                "Start the renewal now.",
            )
        )
    if formal.backed_share is not None and formal.backed_share < 0.5:
        out.append(
            Finding(
                "medium",
                "agreements",
                f"Only {round(100 * formal.backed_share)}% of ties among leadership-team partners are backed by a "
                "current agreement.",
                "Put the core working relationships in writing.",
            )
        )
    money = analysis.funding
    if money.single_stream:
        ids = [p["id"] for p in money.single_stream]
        out.append(
            Finding(
                "medium",
                "funding",
                f"{len(ids)} partner(s) live on a single funding stream: {_names(ids, names)}.",
                "Braid a second stream into their work.",
            )
        )
    for s in money.ending:
        out.append(
            Finding(
                "medium",
                "funding",
                f"Funding stream {s['stream']} ends on {s['ends'].isoformat()}.",
                "Plan the follow-on funding before it ends.",
            )
        )
    for link in analysis.brokers.state_links:
        if not link["linked"]:
            out.append(
                Finding(
                    "medium",
                    "state-local",
                    f"No partner in {link['region']} is tied to a state-level partner.",
                    "Connect the region's leadership to the state team.",
                )
            )
    for c in analysis.health.to_dict()["silos"]:
        out.append(
            Finding(
                "info",
                "health",
                f"A cluster of {c['size']} partners is {round(100 * c['dominant_share'])}% one category "
                f"({analysis.category_name(c['dominant_category'])}): a possible silo.",
                "Pair its members with partners from other sectors.",
            )
        )
    if analysis.health.components and len(analysis.health.components) > 1:
        isolated = analysis.health.isolates
        out.append(
            Finding(
                "medium" if isolated else "info",
                "health",
                f"The network falls into {len(analysis.health.components)} separate parts"
                + (f"; {len(isolated)} partner(s) have no ties at all: {_names(isolated, names)}" if isolated else "")
                + ".",
                "Record the missing ties, or connect the parts.",
            )
        )
    return sorted(out, key=lambda f: _ORDER[f.severity])
