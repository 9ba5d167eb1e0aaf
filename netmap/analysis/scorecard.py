"""Readiness scorecard: the six conditions under which career pathways systems gain traction.

Each condition is scored 0-100 as the plain mean of its measures (every measure weighs
the same; each is a share between 0 and 1, or 1/0 for "exists"), over the measures the
data and the roster allow. A measure that needs a role, category or data the roster or
the workbook does not have is left out, with its reason in the evidence; a condition left
with none is "not measurable from this data" (score None), never 0. Ratings: strong 70 and
over, developing 40-69, weak under 40.

======================  ==================================================================
condition               measures (equal weights)
======================  ==================================================================
cross-agency            minimum-team requirements met / all (every level and region
partnerships            checked); the roster's team categories on the leadership team /
                        all of them; pairs of those categories joined by at least one
                        current tie / all pairs; leadership ties a current agreement backs
                        (:func:`~netmap.analysis.formalisation.formalisation`)
industry engagement     employers with recorded roles that design, train or employ / those
                        with recorded roles; regions where an employer is tied to an
                        education partner / all regions. 0 when the roster has an employer
                        category and no employer is at the table
program alignment       a current articulation agreement (1/0); the roster's program-design
                        roles recorded / all of them; regions where an education partner is
                        tied to a workforce-development partner / all regions. 0 when no
                        education partner is at the table
sustainable funding     kinds of source of the current awards / 3 (at most 1); funded
                        partners on more than one current stream / funded partners;
                        current streams not ending within the horizon / current streams
                        (funding recorded but none current on the day: 0)
policy alignment        state minimum-team requirements met / all; regions tied to a
                        state-level partner / all regions; a partner with the policy role
                        (1/0)
performance             a current data-sharing agreement (1/0); a data-sharing tie (1/0); a
measurement             partner with the performance-measurement role (1/0)
======================  ==================================================================

"Regions" are the regions the map's partners are listed under (one scope when none is).
No share above has a denominator that grows with a partner added outside the leadership
team, so bringing a missing kind of partner to the table (tied to a leadership-team
partner, in a region the map already has) never lowers a score. (The E-I index, which
falls when a partner's own-sector ties are recorded, is kept as evidence only.)

The scorecard agrees with the findings (:meth:`Scorecard.agree`): a condition an open high
finding bears on is rated at most "developing", and so is the overall rating while any
high finding is open; the evidence says which finding holds it back. :func:`analyze
<netmap.analysis.analyze>` applies it; :func:`scorecard` alone does when given ``findings``.

Examples
--------
>>> import netmap
>>> card = scorecard(netmap.read_graph("examples/tucson-behavioral-health"), as_of="2026-11-24")
>>> [c["id"] for c in card.to_dict()["conditions"]][:2]
['cross-agency-partnerships', 'industry-engagement']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import chain, repeat
from operator import contains, itemgetter, methodcaller
from typing import TYPE_CHECKING, Any

import networkx as nx

from netmap.analysis._common import (
    nodes_of,
    partner_graph,
    partners,
    recorded_roles,
    resolve_roster,
    shares_cache,
    state_level_ids,
)
from netmap.analysis.brokers import Brokers, brokers
from netmap.analysis.formalisation import Formalisation, formalisation, is_current
from netmap.analysis.funding import Funding, funding
from netmap.analysis.gaps import RosterGaps, roster_gaps
from netmap.analysis.health import Health, health
from netmap.analysis.roles import ENGAGED_KINDS, RoleGaps, role_gaps
from netmap.build import agreement_nodes
from netmap.graphcache import tables_of
from netmap.ingest.validate import Tables
from netmap.project import CURRENT, span_state
from netmap.roster import Roster

if TYPE_CHECKING:
    from netmap.analysis.findings import Finding

__all__ = ["CONDITIONS", "NOT_MEASURABLE", "Condition", "Scorecard", "rating", "scorecard"]

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
# The roster ids the measures read: a roster without one leaves that measure out.
EMPLOYERS, EDUCATION, WORKFORCE = "employers", "education", "workforce-development"
POLICY_ROLE, MEASURE_ROLE = "set-policy", "measure-performance"
STRONG, DEVELOPING = 70, 40


def rating(score: float | None) -> str:
    """The word for a score: strong (70+), developing (40-69), weak (under 40)."""
    if score is None:
        return NOT_MEASURABLE
    return "strong" if score >= STRONG else "developing" if score >= DEVELOPING else "weak"


def _capped(score: float | None, held_back: list[str]) -> str:
    word = rating(score)
    return "developing" if word == "strong" and held_back else word


@dataclass
class Condition:
    id: str
    name: str
    score: float | None
    evidence: list[str]
    measures: dict[str, Any]
    # Codes of the open high findings that bear on this condition (they cap its rating).
    high_findings: list[str] = field(default_factory=list)

    @property
    def rating(self) -> str:
        return _capped(self.score, self.high_findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "rating": self.rating,
            "measurable": self.score is not None,
            "evidence": self.evidence,
            "measures": self.measures,
            "high_findings": self.high_findings,
        }


@dataclass
class Scorecard:
    """Result of :func:`scorecard`."""

    conditions: list[Condition] = field(default_factory=list)
    # Codes of every open high finding (they cap the overall rating).
    high_findings: list[str] = field(default_factory=list)

    @property
    def overall(self) -> float | None:
        scores = [c.score for c in self.conditions if c.score is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    def agree(self, findings: Iterable[Finding]) -> Scorecard:
        """This scorecard with its ratings capped by the open high findings (a new object).

        A condition a high finding bears on is never "strong" (its evidence says which
        finding holds it back); nor is the overall rating while any high finding is open.
        Scores are unchanged: they measure, the rating judges.

        Examples
        --------
        >>> from netmap.analysis.findings import make
        >>> card = Scorecard([Condition("industry-engagement", "Industry engagement", 80.0, [], {})])
        >>> high = make("employer-advisory-only", "x", "y", severity="high")
        >>> d = card.agree([high]).to_dict()
        >>> d["conditions"][0]["rating"], d["overall_rating"]
        ('developing', 'developing')
        """
        from netmap.analysis.findings import CODES

        high = [f for f in findings if f.severity == "high"]
        conditions = []
        for c in self.conditions:
            codes = sorted({f.code for f in high if f.condition == c.id}, key=lambda k: list(CODES).index(k))
            evidence = list(c.evidence)
            if codes and rating(c.score) == "strong":
                titles = ", ".join(CODES[k].title for k in codes)
                evidence.append(f"rated developing, not strong, while a high finding on it is open: {titles}")
            conditions.append(replace(c, evidence=evidence, high_findings=codes))
        return Scorecard(conditions, sorted({f.code for f in high}, key=lambda k: list(CODES).index(k)))

    def to_dict(self) -> dict[str, Any]:
        overall = self.overall
        return {
            "conditions": [c.to_dict() for c in self.conditions],
            "overall": overall,
            "overall_rating": _capped(overall, self.high_findings),
            "measured": sum(1 for c in self.conditions if c.score is not None),
            "high_findings": self.high_findings,
        }


@dataclass
class _Measure:
    """One measure of a condition: its value (None: left out) and what the evidence says."""

    value: float | None
    evidence: str


def _score(measures: list[_Measure]) -> float | None:
    values = [m.value for m in measures if m.value is not None]
    return round(100 * sum(values) / len(values), 1) if values else None


def _condition(index: int, measures: list[_Measure], extra: dict[str, Any], *more: str) -> Condition:
    return Condition(*CONDITIONS[index], _score(measures), [m.evidence for m in measures] + list(more), extra)


def _absent(index: int, why: str, extra: dict[str, Any] | None = None) -> Condition:
    return Condition(*CONDITIONS[index], None, [f"{NOT_MEASURABLE}: {why}"], extra or {})


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{round(100 * x)}%"


def _scopes(info: dict[str, dict[str, Any]]) -> list[str | None]:
    """The regions partners are listed under, in order; one scope (None) when there are none."""
    # In C: the regions in order of first listing, then without the partners listed without one.
    found = dict.fromkeys(map(methodcaller("get", "region"), info.values()))
    found.pop(None, None)
    return list(found) or [None]


def _linked_scopes(
    P: nx.Graph, info: dict[str, dict[str, Any]], one: str, other: str, scopes: list[str | None] | None = None
) -> set[str | None]:
    """Regions with a current tie between a partner of category ``one`` and one of ``other``.

    A tie counts for the regions of its two ends; a tie between two partners listed
    without a region counts only on a map without regions (scope None). Given ``scopes``,
    the search stops once all of them are found (what it found beyond them is then partial).
    """
    wanted = set(scopes) if scopes is not None else None
    adj = P._adj  # the neighbour dicts themselves, not a view per partner
    found: set[str | None] = set()
    for u, d in info.items():
        if d.get("category") != one or u not in adj:
            continue
        for v in adj[u]:
            dv = info.get(v)
            if dv is not None and dv.get("category") == other:
                found.add(d.get("region"))
                found.add(dv.get("region"))
        if wanted is not None and wanted <= found:
            break
    return found


def _regional(P: nx.Graph, info: dict[str, dict[str, Any]], one: str, other: str, what: str) -> _Measure:
    scopes = _scopes(info)
    linked = _linked_scopes(P, info, one, other, scopes)
    hit = [s for s in scopes if s in linked]
    if scopes == [None]:
        return _Measure(1.0 if linked else 0.0, f"{what}: {'yes' if linked else 'no'}")
    return _Measure(len(hit) / len(scopes), f"{what}: {len(hit)} of {len(scopes)} region(s)")


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
    findings: Iterable[Finding] | None = None,
) -> Scorecard:
    """Score the six readiness conditions.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    roster : Roster, optional
        Default: the roster ``G`` was built with. Measures that need a category or role
        this roster does not define are left out (see the module docstring).
    as_of : date or ISO str, optional
        Default today.
    gaps, roles, formal, money, network, links : optional
        Results already computed for ``G`` (they are computed when not given).
    findings : iterable of Finding, optional
        The open findings: ratings are capped by the high ones (:meth:`Scorecard.agree`).

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
    recorded = recorded_roles(G)
    card = Scorecard()
    card.conditions.append(_partnerships(roster, gaps, formal, network, P, info))
    card.conditions.append(_industry(roster, roles, P, info, recorded))
    card.conditions.append(_programs(roster, roles, formal, P, info))
    card.conditions.append(_funding(money))
    card.conditions.append(_policy(roster, gaps, links, info, recorded))
    card.conditions.append(_performance(G, roster, formal, P, info, recorded))
    return card if findings is None else card.agree(findings)


def _partnerships(
    roster: Roster,
    gaps: RosterGaps,
    formal: Formalisation,
    network: Health,
    P: nx.Graph,
    info: dict[str, dict[str, Any]],
) -> Condition:
    coverage = gaps.coverage()
    met, total = sum(c["met"] for c in coverage), sum(c["total"] for c in coverage)
    measures = [
        _Measure(met / total, f"minimum teams: {met} of {total} requirements met")
        if total
        else _Measure(None, "the roster defines no minimum team"),
    ]
    core = [c.id for c in roster.categories.values() if c.in_roster]
    leader_cats = {d.get("category") for d in info.values() if d.get("team") == "leadership"}
    if not core:
        measures.append(_Measure(None, "the roster defines no categories of the recommended team"))
    elif not leader_cats:
        measures.append(_Measure(None, "no partner is marked as leadership team"))
    else:
        n = len(leader_cats & set(core))
        measures.append(_Measure(n / len(core), f"leadership team spans {n} of {len(core)} categories"))
    if len(core) < 2:
        measures.append(_Measure(None, "the roster has fewer than two team categories to link"))
    else:
        pairs = len(core) * (len(core) - 1) // 2
        joined = _joined_pairs(P, info, set(core), pairs)
        measures.append(
            _Measure(len(joined) / pairs, f"{len(joined)} of {pairs} pairs of categories are joined by a current tie")
        )
    measures.append(
        _Measure(formal.backed_share, f"leadership ties backed by a current agreement: {_pct(formal.backed_share)}")
    )
    ei = network.ei_index
    return _condition(
        0,
        measures,
        {"minimum_team_coverage": met / total if total else None, "ei_index": ei},
        f"E-I index across categories (not scored): {ei if ei is not None else 'n/a'} "
        "(-1: all ties inside categories, +1: all across)",
    )


def _joined_pairs(P: nx.Graph, info: dict[str, dict[str, Any]], keep: set[Any], pairs: int) -> set[frozenset[Any]]:
    """The pairs of two different categories of ``keep`` joined by a tie of ``P``.

    Walks the neighbours of the partners of those categories only, and stops once all
    ``pairs`` are joined (on a large map, after a few partners): the same set as a scan of
    every tie.
    """
    adj = P._adj  # the neighbour dicts themselves, not a view per partner
    joined: set[frozenset[Any]] = set()
    for u, d in info.items():
        cu = d.get("category")
        if cu not in keep or u not in adj:
            continue
        for v in adj[u]:
            other = info.get(v)
            cv = None if other is None else other.get("category")
            if cv != cu and cv in keep:
                joined.add(frozenset((cu, cv)))
        if len(joined) == pairs:
            break
    return joined


def _industry(
    roster: Roster, roles: RoleGaps, P: nx.Graph, info: dict[str, dict[str, Any]], recorded: dict[str, set[str]]
) -> Condition:
    if EMPLOYERS not in roster.categories:
        return _absent(1, f"the roster {roster.name} defines no employer category")
    employers = [k for k, d in info.items() if d.get("category") == EMPLOYERS]
    if not employers:
        return Condition(*CONDITIONS[1], 0.0, ["no employer is among the active partners"], {"employers": 0})
    measures = []
    if not {r.kind for r in roster.roles.values()} & ENGAGED_KINDS:
        measures.append(_Measure(None, "the roster defines no design, training or employment role"))
    else:
        with_roles = [k for k in employers if recorded.get(k)]
        engaged = [
            k for k in with_roles if {roster.roles[r].kind for r in recorded[k] if r in roster.roles} & ENGAGED_KINDS
        ]
        measures.append(
            _Measure(
                len(engaged) / len(with_roles),
                f"{len(engaged)} of {len(with_roles)} employers with recorded roles design, train or employ",
            )
            if with_roles
            else _Measure(None, "no roles recorded for employers")
        )
    if EDUCATION in roster.categories:
        measures.append(_regional(P, info, EMPLOYERS, EDUCATION, "an employer is tied to an education partner"))
    else:
        measures.append(_Measure(None, "the roster defines no education category"))
    more = [f"{len(employers)} employer partner(s)"]
    if roles.advisory_only_employers:
        more.append("advisory only: " + ", ".join(e["name"] or e["id"] for e in roles.advisory_only_employers))
    return _condition(1, measures, {"employers": len(employers)}, *more)


def _programs(
    roster: Roster, roles: RoleGaps, formal: Formalisation, P: nx.Graph, info: dict[str, dict[str, Any]]
) -> Condition:
    if EDUCATION not in roster.categories:
        return _absent(2, f"the roster {roster.name} defines no education category")
    educators = [k for k, d in info.items() if d.get("category") == EDUCATION]
    if not educators:
        return Condition(*CONDITIONS[2], 0.0, ["no education partner is among the active partners"], {"education": 0})
    articulation = [a for a in formal.agreements if a["type"] == "articulation" and a["state"] != "expired"]
    measures = [_Measure(1.0 if articulation else 0.0, f"{len(articulation)} current articulation agreement(s)")]
    design = [c for c in roles.coverage if c.role_id in DESIGN_ROLES]
    if design:
        done = sum(1 for c in design if c.recorded)
        measures.append(_Measure(done / len(design), f"{done} of {len(design)} program-design roles recorded"))
    else:
        measures.append(_Measure(None, "the roster defines no program-design role"))
    if WORKFORCE in roster.categories:
        measures.append(
            _regional(P, info, EDUCATION, WORKFORCE, "an education partner is tied to a workforce-development partner")
        )
    else:
        measures.append(_Measure(None, "the roster defines no workforce-development category"))
    return _condition(2, measures, {"education": len(educators)})


def _funding(money: Funding) -> Condition:
    if not money.awards:
        return Condition(*CONDITIONS[3], None, ["the workbook records no funding"], {"funded_partners": 0})
    if not money.partners:
        # Funding recorded, none of it current on the day: measured, and nothing sustains the work.
        ended = sum(1 for a in money.awards if a["state"] != "current")
        return Condition(
            *CONDITIONS[3],
            0.0,
            [f"no award is current on {money.as_of.isoformat()} ({ended} ended or not yet begun)"],
            {"funded_partners": 0},
        )
    # Only current money sustains anything: streams and sources of the awards running on the day.
    live = [s for s in money.streams if s["state"] in ("active", "ending")]
    sources = {a["source"] for a in money.awards if a["state"] == "current" and a["source"]}
    single = len(money.single_stream)
    measures = [
        _Measure(
            min(len(sources) / 3, 1.0) if sources else None,
            f"{len(live)} current stream(s) from {len(sources)} kind(s) of source"
            + (f" ({', '.join(sorted(sources))})" if sources else ""),
        ),
        _Measure(
            1 - single / len(money.partners), f"{single} of {len(money.partners)} funded partners live on one stream"
        ),
        _Measure(
            1 - len(money.ending) / len(live) if live else None,
            f"{len(money.ending)} of {len(live)} current stream(s) end within {money.within_months} months",
        ),
    ]
    return _condition(3, measures, {"funded_partners": len(money.partners)})


def _policy(
    roster: Roster,
    gaps: RosterGaps,
    links: Brokers,
    info: dict[str, dict[str, Any]],
    recorded: dict[str, set[str]],
) -> Condition:
    state_partners = state_level_ids(info, roster)
    policy_role = [k for k, r in recorded.items() if POLICY_ROLE in r and k in info]
    if not state_partners and not policy_role:
        return Condition(
            *CONDITIONS[4], None, ["no state-level partner and no policy role are recorded"], {"state_partners": 0}
        )
    state_cover = [c for c in gaps.coverage() if c["level"] == "state"]
    met, total = sum(c["met"] for c in state_cover), sum(c["total"] for c in state_cover)
    regions = links.state_links
    tied = sum(1 for r in regions if r["linked"])
    measures = [
        _Measure(
            met / total if total else None,
            f"{len(state_partners)} state-level partner(s); state minimum team {_pct(met / total if total else None)}"
            " covered",
        ),
        _Measure(tied / len(regions), f"{tied} of {len(regions)} region(s) tied to the state level")
        if regions
        else _Measure(None, "no regions listed"),
        _Measure(1.0 if policy_role else 0.0, f"{len(policy_role)} partner(s) with a policy role")
        if POLICY_ROLE in roster.roles
        else _Measure(None, "the roster defines no policy role"),
    ]
    return _condition(4, measures, {"state_partners": len(state_partners)})


def _performance(
    G: nx.MultiDiGraph,
    roster: Roster,
    formal: Formalisation,
    P: nx.Graph,
    info: dict[str, dict[str, Any]],
    recorded: dict[str, set[str]],
) -> Condition:
    day = formal.as_of
    tables = tables_of(G)
    if tables is not None:
        # From the rows: the agreements' node dicts as netmap.build makes them.
        nodes = agreement_nodes(tables, map_id=G.graph.get("map_id"))
        sharing = [k for k, d in nodes.items() if d.get("type") == "data-sharing" and is_current(d, day)]
        sharing_ties = _sharing_ties_of(tables, info, P.graph["as_of"])
    else:
        sharing = [
            d["id"] for d in nodes_of(G, "Agreement").values() if d.get("type") == "data-sharing" and is_current(d, day)
        ]
        # Each tie is in the adjacency twice (a projection has no self-loops); read without views.
        ties = chain.from_iterable(map(dict.values, P._adj.values()))
        sharing_ties = sum(map(contains, map(itemgetter("kinds"), ties), repeat("data-sharing"))) // 2
    measuring = [k for k, r in recorded.items() if MEASURE_ROLE in r and k in info]
    if not sharing and not sharing_ties and not measuring:
        return Condition(
            *CONDITIONS[5],
            None,
            ["no data-sharing agreement, data-sharing tie or performance-tracking role is recorded"],
            {},
        )
    measures = [
        _Measure(1.0 if sharing else 0.0, f"{len(sharing)} current data-sharing agreement(s)"),
        _Measure(1.0 if sharing_ties else 0.0, f"{sharing_ties} data-sharing tie(s)"),
        _Measure(1.0 if measuring else 0.0, f"{len(measuring)} partner(s) track shared performance data")
        if MEASURE_ROLE in roster.roles
        else _Measure(None, "the roster defines no performance-measurement role"),
    ]
    return _condition(5, measures, {})


def _sharing_ties_of(tables: Tables, info: dict[str, dict[str, Any]], day: dt.date) -> int:
    """The partner pairs the projection on ``day`` gives a ``data-sharing`` kind, from the rows.

    Only ``ties`` rows give a tie its kind (agreements and awards add theirs): a pair counts
    once however many of its rows share data, when one such row is current
    (:func:`netmap.project.current_edges`) between two different partners at the table.
    """
    pairs: set[tuple[str, str]] = set()
    for kind, start, end, a, b in tables.tuples("ties", "kind", "start", "end", "source_id", "target_id"):
        if kind != "data-sharing":
            continue
        if (start is not None or end is not None) and span_state(start, end, day) != CURRENT:
            continue
        if a != b and a in info and b in info:
            pairs.add((a, b) if a < b else (b, a))
    return len(pairs)
