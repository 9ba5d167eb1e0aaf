"""Readiness scorecard: the six conditions under which career pathways systems gain traction.

The conditions (cross-agency partnerships, industry engagement, program alignment,
sustainable funding, policy alignment, performance measurement) are scored 0-100 from
the other analyses where the workbook holds the evidence, and marked
"not measurable from this data" where it does not. Every score lists its evidence.

Examples
--------
>>> import netmap
>>> card = scorecard(netmap.read_graph("examples/tucson-behavioral-health"), as_of="2026-11-24")
>>> [c["id"] for c in card.to_dict()["conditions"]][:2]
['cross-agency-partnerships', 'industry-engagement']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import networkx as nx

from netmap.analysis._common import (
    is_state_level,
    nodes_of,
    partner_graph,
    partners,
    recorded_roles,
    resolve_roster,
    shares_cache,
)
from netmap.analysis.brokers import Brokers, brokers
from netmap.analysis.formalisation import Formalisation, formalisation, is_current
from netmap.analysis.funding import Funding, funding
from netmap.analysis.gaps import RosterGaps, roster_gaps
from netmap.analysis.health import Health, health
from netmap.analysis.roles import ENGAGED_KINDS, RoleGaps, role_gaps
from netmap.roster import Roster

__all__ = ["CONDITIONS", "NOT_MEASURABLE", "Scorecard", "scorecard"]

CONDITIONS = (
    ("cross-agency-partnerships", "Cross-agency partnerships"),
    ("industry-engagement", "Industry engagement"),
    ("program-alignment", "Program alignment"),
    ("sustainable-funding", "Sustainable funding"),
    ("policy-alignment", "Policy alignment"),
    ("performance-measurement", "Performance measurement"),
)
NOT_MEASURABLE = "not measurable from this data"
DESIGN_ROLES = ("design-programs", "develop-curricula", "modularize-curricula", "link-credit-noncredit", "articulation")


def rating(score: float | None) -> str:
    """The word for a score: strong (70+), developing (40-69), weak (under 40)."""
    if score is None:
        return NOT_MEASURABLE
    return "strong" if score >= 70 else "developing" if score >= 40 else "weak"


@dataclass
class Condition:
    id: str
    name: str
    score: float | None
    evidence: list[str]
    measures: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "rating": rating(self.score),
            "measurable": self.score is not None,
            "evidence": self.evidence,
            "measures": self.measures,
        }


@dataclass
class Scorecard:
    """Result of :func:`scorecard`."""

    conditions: list[Condition] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        scores = [c.score for c in self.conditions if c.score is not None]
        overall = round(sum(scores) / len(scores), 1) if scores else None
        return {
            "conditions": [c.to_dict() for c in self.conditions],
            "overall": overall,
            "overall_rating": rating(overall),
            "measured": len(scores),
        }


def _mean(parts: list[float | None]) -> float | None:
    values = [p for p in parts if p is not None]
    return round(100 * sum(values) / len(values), 1) if values else None


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{round(100 * x)}%"


@shares_cache
def scorecard(
    G: nx.MultiDiGraph,
    *,
    roster: Roster | None = None,
    as_of: dt.date | str | None = None,
    gaps: RosterGaps | None = None,
    roles: RoleGaps | None = None,
    formal: Formalisation | None = None,
    money: Funding | None = None,
    network: Health | None = None,
    links: Brokers | None = None,
) -> Scorecard:
    """Score the six readiness conditions.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    roster : Roster, optional
    as_of : date or ISO str, optional
        Default today.
    gaps, roles, formal, money, network, links : optional
        Results already computed for ``G`` (they are computed when not given).

    Returns
    -------
    Scorecard
    """
    roster = resolve_roster(G, roster)
    gaps = gaps or roster_gaps(G, roster=roster)
    roles = roles or role_gaps(G, roster=roster)
    formal = formal or formalisation(G, as_of=as_of)
    money = money or funding(G, as_of=as_of, roster=roster)
    network = network or health(G, as_of=as_of)
    links = links or brokers(G, as_of=as_of, roster=roster)
    P = partner_graph(G, as_of)
    info = partners(G)
    card = Scorecard()

    # 1. Cross-agency partnerships --------------------------------------------------
    coverage = gaps.coverage()
    cover = sum(c["met"] for c in coverage) / sum(c["total"] for c in coverage) if coverage else None
    leader_cats = {d.get("category") for d in info.values() if d.get("team") == "leadership"}
    core_cats = [c for c in roster.categories.values() if c.in_roster]
    cats_share = (len(leader_cats & {c.id for c in core_cats}) / len(core_cats)) if leader_cats else None
    ei = network.ei_index
    parts = [cover, cats_share, None if ei is None else (ei + 1) / 2, formal.backed_share]
    evidence = [
        f"minimum teams: {sum(c['met'] for c in coverage)} of {sum(c['total'] for c in coverage)} requirements met",
        f"E-I index across categories: {ei if ei is not None else 'n/a'} "
        "(-1: all ties inside categories, +1: all across)",
        f"leadership ties backed by a current agreement: {_pct(formal.backed_share)}",
    ]
    if leader_cats:
        evidence.insert(1, f"leadership team spans {len(leader_cats & {c.id for c in core_cats})} of 6 categories")
    else:
        evidence.insert(1, "no partner is marked as leadership team")
    card.conditions.append(
        Condition(*CONDITIONS[0], _mean(parts), evidence, {"minimum_team_coverage": cover, "ei_index": ei})
    )

    # 2. Industry engagement --------------------------------------------------------
    employers = {k: d for k, d in info.items() if d.get("category") == "employers"}
    recorded = recorded_roles(G)
    if not employers:
        card.conditions.append(
            Condition(*CONDITIONS[1], 0.0, ["no employer is among the active partners"], {"employers": 0})
        )
    else:
        with_roles = [k for k in employers if recorded.get(k)]
        engaged = [
            k for k in with_roles if {roster.roles[r].kind for r in recorded[k] if r in roster.roles} & ENGAGED_KINDS
        ]
        educators = {k for k, d in info.items() if d.get("category") == "education"}
        tied = [k for k in employers if k in P and any(n in educators for n in P.neighbors(k))]
        parts = [len(engaged) / len(with_roles) if with_roles else None, len(tied) / len(employers)]
        evidence = [
            f"{len(employers)} employer partner(s)",
            f"{len(engaged)} of {len(with_roles)} employers with recorded roles design, train or employ"
            if with_roles
            else "no roles recorded for employers",
            f"{len(tied)} of {len(employers)} employers are tied to an education partner",
        ]
        if roles.advisory_only_employers:
            evidence.append("advisory only: " + ", ".join(e["name"] or e["id"] for e in roles.advisory_only_employers))
        card.conditions.append(Condition(*CONDITIONS[1], _mean(parts), evidence, {"employers": len(employers)}))

    # 3. Program alignment ------------------------------------------------------------
    educators = {k for k, d in info.items() if d.get("category") == "education"}
    articulation = [a for a in formal.agreements if a["type"] == "articulation" and a["state"] != "expired"]
    design = [c for c in roles.coverage if c.role_id in DESIGN_ROLES]
    design_share = sum(1 for c in design if c.recorded) / len(design) if design else None
    if not educators:
        card.conditions.append(
            Condition(*CONDITIONS[2], 0.0, ["no education partner is among the active partners"], {"education": 0})
        )
    else:
        edu_to_work = [
            k for k in educators if k in P and any(info[n].get("category") == "employers" for n in P.neighbors(k))
        ]
        parts = [1.0 if articulation else 0.0, design_share, len(edu_to_work) / len(educators)]
        evidence = [
            f"{len(articulation)} current articulation agreement(s)",
            f"{sum(1 for c in design if c.recorded)} of {len(design)} program-design roles recorded",
            f"{len(edu_to_work)} of {len(educators)} education partners are tied to an employer",
        ]
        card.conditions.append(Condition(*CONDITIONS[2], _mean(parts), evidence, {"education": len(educators)}))

    # 4. Sustainable funding ------------------------------------------------------------
    if not money.partners:
        card.conditions.append(
            Condition(*CONDITIONS[3], None, ["the workbook records no funding"], {"funded_partners": 0})
        )
    else:
        sources = {s for st in money.streams for s in st["sources"]}
        diversified = 1 - len(money.single_stream) / len(money.partners)
        lasting = 1 - len(money.ending) / len(money.streams) if money.streams else None
        parts = [min(len(sources) / 3, 1.0) if sources else None, diversified, lasting]
        evidence = [
            f"{len(money.streams)} stream(s) from {len(sources)} kind(s) of source"
            + (f" ({', '.join(sorted(sources))})" if sources else ""),
            f"{len(money.single_stream)} of {len(money.partners)} funded partners live on one stream",
            f"{len(money.ending)} stream(s) end within {money.within_months} months",
        ]
        card.conditions.append(
            Condition(*CONDITIONS[3], _mean(parts), evidence, {"funded_partners": len(money.partners)})
        )

    # 5. Policy alignment ---------------------------------------------------------------
    state_partners = [k for k, d in info.items() if is_state_level(d, roster)]
    policy_role = [k for k, r in recorded.items() if "set-policy" in r and k in info]
    if not state_partners and not policy_role:
        card.conditions.append(
            Condition(
                *CONDITIONS[4],
                None,
                ["no state-level partner and no policy role are recorded"],
                {"state_partners": 0},
            )
        )
    else:
        state_cover = [c for c in coverage if c["level"] == "state"]
        state_share = sum(c["met"] for c in state_cover) / sum(c["total"] for c in state_cover) if state_cover else None
        regions = links.state_links
        linked = sum(1 for r in regions if r["linked"]) / len(regions) if regions else None
        parts = [state_share, linked, 1.0 if policy_role else 0.0]
        evidence = [
            f"{len(state_partners)} state-level partner(s); state minimum team {_pct(state_share)} covered",
            f"{sum(1 for r in regions if r['linked'])} of {len(regions)} region(s) tied to the state level"
            if regions
            else "no regions listed",
            f"{len(policy_role)} partner(s) with a policy role",
        ]
        card.conditions.append(
            Condition(*CONDITIONS[4], _mean(parts), evidence, {"state_partners": len(state_partners)})
        )

    # 6. Performance measurement -----------------------------------------------------------
    day = formal.as_of
    sharing = [
        d["id"] for d in nodes_of(G, "Agreement").values() if d.get("type") == "data-sharing" and is_current(d, day)
    ]
    # Each tie is in the adjacency twice (a projection has no self-loops); read without views.
    ties = chain.from_iterable(map(dict.values, P._adj.values()))
    sharing_ties = sum("data-sharing" in e["kinds"] for e in ties) // 2
    measuring = [k for k, r in recorded.items() if "measure-performance" in r and k in info]
    if not sharing and not sharing_ties and not measuring:
        card.conditions.append(
            Condition(
                *CONDITIONS[5],
                None,
                ["no data-sharing agreement, data-sharing tie or performance-tracking role is recorded"],
                {},
            )
        )
    else:
        parts = [1.0 if sharing else 0.0, 1.0 if sharing_ties else 0.0, 1.0 if measuring else 0.0]
        evidence = [
            f"{len(sharing)} current data-sharing agreement(s)",
            f"{sharing_ties} data-sharing tie(s)",
            f"{len(measuring)} partner(s) track shared performance data",
        ]
        card.conditions.append(Condition(*CONDITIONS[5], _mean(parts), evidence, {}))
    return card
