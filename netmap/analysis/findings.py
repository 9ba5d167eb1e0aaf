"""Headline findings: the results of every analysis, said in plain words, grouped, worst first.

Each finding names what is wrong, where, and what to do next, so a program officer can
act on it without reading the tables. Every finding carries a stable ``code`` (one kind
of problem) and the readiness condition it bears on (``condition``, an id of
:data:`netmap.analysis.scorecard.CONDITIONS`, or None), so the scorecard can agree with it.

Grouping
    The instances of one code make one finding: five regions with an incomplete minimum
    team are one finding, "The minimum local team is incomplete in 5 regions: ...", whose
    ``items`` are the rows of a table (region, met, total, missing). A code with a single
    instance keeps its specific sentence (and a one-row ``items``).

Reach
    How much of the partnership a finding touches, counted in what it names: the
    requirements unmet, the partners cut off or left without, the regions unlinked, the
    roles uncovered, the agreements lapsed (one per instance otherwise). The table below
    says what each code counts.

Do first
    :func:`do_first` picks at most :data:`DO_FIRST` findings: high before medium (a note,
    severity ``info``, is never one), the largest reach first within a severity, and the
    order of :data:`CODES` between equals. :func:`findings` returns them first, then the rest
    in the same order.

The codes (severity, the condition they bear on, what their reach counts):

=========================  ========  =========================  =====================================
code                       severity  condition                  reach
=========================  ========  =========================  =====================================
state-team-incomplete      high      policy-alignment           unmet requirements
min-team-incomplete        high      cross-agency-partnerships  unmet requirements
population-gap             high      cross-agency-partnerships  partners serving the population
role-uncovered             high      program-alignment          roles
roles-not-recorded         medium    program-alignment          1 (replaces the role findings)
intermediary-missing       high      cross-agency-partnerships  1 (the partnership)
key-partner                high*     cross-agency-partnerships  partners cut off + types lost
key-person                 high      cross-agency-partnerships  partners cut off
state-turnover             high      policy-alignment           partners cut off
type-peripheral            medium    cross-agency-partnerships  agency types
role-single-partner        medium    program-alignment          roles
employer-advisory-only     medium    industry-engagement        employers
roles-without-agreement    medium    cross-agency-partnerships  partners
agreement-expired          medium    cross-agency-partnerships  parties of the agreements
agreement-expiring         medium    cross-agency-partnerships  parties of the agreements
agreements-unbacked        medium    cross-agency-partnerships  leadership ties not backed
funding-single-stream      medium    sustainable-funding        partners
funding-stream-ending      medium    sustainable-funding        recipients of the streams
funding-lapsed             medium    sustainable-funding        partners
funding-award-ending       medium    sustainable-funding        partners (awards whose stream goes on)
service-desert             medium    program-alignment          1 per population and region
referral-path-missing      medium    cross-agency-partnerships  providers of the two steps
service-single-stream      medium    sustainable-funding        providers paid for the service
service-fragile            info      program-alignment          1 per cell
service-duplicated         info      cross-agency-partnerships  providers in the cell
state-tie-missing          medium    policy-alignment           1 (no state level listed, no tie to it)
state-link-missing         medium    policy-alignment           regions
network-split              medium*   cross-agency-partnerships  partners outside the largest part
level-not-assessed         info      (none)                     1 per level left out
silo                       info      cross-agency-partnerships  partners in the clusters
low-trust-broker           medium    cross-agency-partnerships  partners relying on it
survey-unanswered          medium    (none)                     partners who have not answered
ties-unconfirmed           info      (none)                     ties named by one side only
=========================  ========  =========================  =====================================

(*) key-partner is medium when nobody would be cut off (only agency types lost);
network-split is a note when no partner is isolated.

A finding that needs something the roster does not define is not produced: no
"intermediary-missing" unless the roster defines the coordinating role or the intermediary
agency type, no "employer-advisory-only" without an ``employers`` category; the roster,
role and population findings come from the roster's own lists. The roster is always
``analysis.roster``.

Adding a finding: add a :class:`Code` to :data:`CODES` (its place there breaks ties for
"do first") and a function ``analysis -> list[Finding]`` to :data:`BUILDERS` that makes one
finding per instance with :func:`make`; grouping, ordering and the scorecard cap follow.

Examples
--------
>>> f = make("agreement-expired", "Agreement A1 has expired.", "Renew it.", items=[{"agreement": "A1"}])
>>> d = f.to_dict()
>>> d["code"], d["severity"], d["condition"], d["items"]
('agreement-expired', 'medium', 'cross-agency-partnerships', [{'agreement': 'A1'}])
>>> g = group([f, make("agreement-expired", "Agreement A2 has expired.", "Renew it.", items=[{"agreement": "A2"}])])
>>> [x.text for x in g]
['2 agreements have expired: A1, A2.']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netmap.analysis import Analysis

__all__ = ["BUILDERS", "CODES", "DO_FIRST", "Code", "Finding", "do_first", "findings", "group", "make"]

SEVERITIES = ("high", "medium", "info")
_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
# At most this many "do first" items: a program officer acts on a handful, not on fifteen.
DO_FIRST = 5


@dataclass(frozen=True)
class Code:
    """One kind of finding.

    ``many`` is the sentence of a group of instances: ``{n}`` is how many, ``{names}`` the
    first column of their items (four, then "and k more"); ``many_action`` what to do about
    them (default: the first instance's action).
    """

    code: str
    severity: str
    area: str
    condition: str | None
    title: str
    many: str
    many_action: str | None = None


CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code(
            "state-team-incomplete",
            "high",
            "roster",
            "policy-alignment",
            "minimum state team incomplete",
            "The minimum state team is incomplete in {n} places: {names}.",
            "Invite an agency of each missing kind to the leadership team (the table lists them by place).",
        ),
        Code(
            "min-team-incomplete",
            "high",
            "roster",
            "cross-agency-partnerships",
            "minimum local team incomplete",
            "The minimum local team is incomplete in {n} regions: {names}.",
            "Invite an agency of each missing kind to the leadership team (the table lists them by region).",
        ),
        Code(
            "population-gap",
            "high",
            "populations",
            "cross-agency-partnerships",
            "population served without the partner it calls for",
            "In {n} cases a population is served without the partner type it calls for: {names}.",
            "Bring a partner of each missing type to the table, starting with the populations served most widely.",
        ),
        Code(
            "role-uncovered",
            "high",
            "roles",
            "program-alignment",
            "role of the role chart played by no one",
            "{n} roles of the role chart are played by no partner: {names}.",
        ),
        Code(
            "roles-not-recorded",
            "medium",
            "roles",
            "program-alignment",
            "no roles recorded",
            "{n} maps record no roles.",
        ),
        Code(
            "intermediary-missing",
            "high",
            "roles",
            "cross-agency-partnerships",
            "no intermediary",
            "{n} partnerships have no intermediary.",
        ),
        Code(
            "key-partner",
            "high",
            "resilience",
            "cross-agency-partnerships",
            "key partner",
            "{n} key partners: {names}.",
        ),
        Code(
            "key-person",
            "high",
            "resilience",
            "cross-agency-partnerships",
            "key person",
            "{n} key people: {names}.",
        ),
        Code(
            "state-turnover",
            "high",
            "resilience",
            "policy-alignment",
            "state champions turning over together",
            "State champions turning over together would cut partners off in {n} places: {names}.",
        ),
        Code(
            "type-peripheral",
            "medium",
            "roster",
            "cross-agency-partnerships",
            "agency type tied to no one on the leadership team",
            "{n} agency types are present but tied to no one on the leadership team: {names}.",
        ),
        Code(
            "role-single-partner",
            "medium",
            "roles",
            "program-alignment",
            "role resting on one partner",
            "{n} roles rest on a single partner: {names}.",
        ),
        Code(
            "employer-advisory-only",
            "medium",
            "industry",
            "industry-engagement",
            "employers that only advise",
            "{n} employers only advise: {names}.",
        ),
        Code(
            "roles-without-agreement",
            "medium",
            "agreements",
            "cross-agency-partnerships",
            "roles with no agreement",
            "{n} partners play roles with no current agreement: {names}.",
        ),
        Code(
            "agreement-expired",
            "medium",
            "agreements",
            "cross-agency-partnerships",
            "agreement expired",
            "{n} agreements have expired: {names}.",
            "Renew them or record the partners' current arrangements.",
        ),
        Code(
            "agreement-expiring",
            "medium",
            "agreements",
            "cross-agency-partnerships",
            "agreement expiring",
            "{n} agreements expire soon: {names}.",
            "Start the renewals now.",
        ),
        Code(
            "agreements-unbacked",
            "medium",
            "agreements",
            "cross-agency-partnerships",
            "leadership ties without an agreement",
            "{n} leadership teams have most ties unwritten.",
        ),
        Code(
            "funding-single-stream",
            "medium",
            "funding",
            "sustainable-funding",
            "partners on one funding stream",
            "{n} partners live on a single funding stream: {names}.",
        ),
        Code(
            "funding-stream-ending",
            "medium",
            "funding",
            "sustainable-funding",
            "funding stream ending",
            "{n} funding streams end soon: {names}.",
            "Plan the follow-on funding before each ends.",
        ),
        Code(
            "funding-lapsed",
            "medium",
            "funding",
            "sustainable-funding",
            "funding lapsed",
            "{n} partners' funding has lapsed: {names}.",
            "Find each a current award, or record the funding that replaced the ended ones.",
        ),
        Code(
            "funding-award-ending",
            "medium",
            "funding",
            "sustainable-funding",
            "award ending",
            "{n} partners' awards end soon: {names}.",
            "Line up each recipient's next award before its current one ends.",
        ),
        Code(
            "service-desert",
            "medium",
            "services",
            "program-alignment",
            "service desert",
            "{n} populations lack services they need where they are served: {names}.",
            "Find a provider for each missing service, or a referral to one nearby (the table lists them).",
        ),
        Code(
            "referral-path-missing",
            "medium",
            "services",
            "cross-agency-partnerships",
            "no referral path between pathway steps",
            "{n} steps of the service pathways have no referral path: {names}.",
            "Agree referrals between the providers of each pair of steps and record them as referral ties.",
        ),
        Code(
            "service-single-stream",
            "medium",
            "services",
            "sustainable-funding",
            "service paid by one stream",
            "{n} services are paid by a single funding stream: {names}.",
            "Line up a second stream for each, or plan for the one it rests on ending.",
        ),
        Code(
            "service-fragile",
            "info",
            "services",
            "program-alignment",
            "service with a single provider",
            "{n} services reach a population through a single provider: {names}.",
            "Know who would step in if that provider stopped; a second provider or a referral route helps.",
        ),
        Code(
            "service-duplicated",
            "info",
            "services",
            "cross-agency-partnerships",
            "service offered by three or more providers",
            "{n} services are offered to the same people by three or more providers: {names}.",
            "Bring the providers together to share intake, referrals and outreach.",
        ),
        Code(
            "state-tie-missing",
            "medium",
            "state-local",
            "policy-alignment",
            "no tie to the state level",
            "{n} maps have no partner tied to a state-level partner: {names}.",
        ),
        Code(
            "state-link-missing",
            "medium",
            "state-local",
            "policy-alignment",
            "region not tied to the state level",
            "{n} regions have no partner tied to a state-level partner: {names}.",
            "Connect each region's leadership to the state team.",
        ),
        Code(
            "network-split",
            "medium",
            "health",
            "cross-agency-partnerships",
            "network in separate parts",
            "The network falls apart in {n} ways.",
        ),
        Code(
            "level-not-assessed",
            "info",
            "roster",
            None,
            "level not assessed",
            "{n} levels of the roster are not assessed: {names}.",
        ),
        Code(
            "silo",
            "info",
            "health",
            "cross-agency-partnerships",
            "possible silo",
            "{n} clusters of partners are mostly one category: {names}.",
            "Pair their members with partners from other sectors.",
        ),
        Code(
            "low-trust-broker",
            "medium",
            "quality",
            "cross-agency-partnerships",
            "partner relied on but scored low on trust",
            "{n} partners others rely on are scored low on trust: {names}.",
            "Talk with each and with the partners who scored it; agree what would make the ties work.",
        ),
        Code(
            "survey-unanswered",
            "medium",
            "quality",
            None,
            "partners who have not answered the survey",
            "{n} surveys have partners who have not answered: {names}.",
        ),
        Code(
            "ties-unconfirmed",
            "info",
            "quality",
            None,
            "ties named by one side only",
            "{n} surveys have many ties named by one side only: {names}.",
        ),
    )
}

# Tie quality (netmap.analysis.quality): a partner is relied on when this many others tie to
# it weekly or daily, or it is among the first BROKERS_RELIED brokers by betweenness; its
# trust is low below LOW_TRUST (the middle of the 1-4 scale) from at least MIN_RATERS others.
LOW_TRUST = 2.5
MIN_RATERS = 2
RELIED_ON = 2
BROKERS_RELIED = 5
# The survey is a finding when fewer than this share answered, or more than this share of
# the reported ties are named by one side only.
MIN_RESPONSE = 0.7
MAX_UNCONFIRMED = 0.3


@dataclass(frozen=True)
class Finding:
    """One headline finding.

    ``items`` are the rows of its table (one per instance, the same keys in each);
    ``reach`` is how much of the partnership it touches (see the module docstring).
    """

    severity: str  # high, medium or info
    area: str
    text: str
    action: str
    code: str
    condition: str | None = None
    items: tuple[dict[str, Any], ...] = ()
    reach: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "area": self.area,
            "condition": self.condition,
            "text": self.text,
            "action": self.action,
            "reach": self.reach,
            "items": [dict(i) for i in self.items],
        }


def make(
    code: str,
    text: str,
    action: str,
    *,
    items: Iterable[dict[str, Any]] = (),
    reach: int = 1,
    severity: str | None = None,
) -> Finding:
    """A finding of a registered code (severity, area and condition from :data:`CODES`).

    Raises
    ------
    KeyError
        ``code`` is not in :data:`CODES`.
    """
    c = CODES[code]
    return Finding(severity or c.severity, c.area, text, action, code, c.condition, tuple(items), reach)


def _list(values: Sequence[Any], limit: int = 4) -> str:
    shown = [str(v) for v in values[:limit]]
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(shown) + more


def _names(ids: list[str], names: dict[str, str], limit: int = 4) -> str:
    return _list([names.get(i) or i for i in ids], limit)


def _where(region: str | None, level: str) -> str:
    if region is None:
        return "at the state level" if level == "state" else "among partners with no region"
    return f"at the state level in {region}" if level == "state" else f"in {region}"


def _scope(region: str | None, level: str) -> str:
    """A region's name in a table row."""
    if region is not None:
        return region
    return "statewide" if level == "state" else "no region"


# -- builders: one finding per instance ------------------------------------------------------


def _teams(a: Analysis) -> list[Finding]:
    out = []
    for cov in a.gaps.coverage():
        if not cov["unmet"]:
            continue
        level = cov["level"]
        out.append(
            make(
                "state-team-incomplete" if level == "state" else "min-team-incomplete",
                f"The minimum {level} team is incomplete {_where(cov['region'], level)}: "
                f"{cov['met']} of {cov['total']} met; missing {'; '.join(cov['unmet'])}.",
                "Invite an agency of each missing kind to the leadership team.",
                items=[
                    {
                        "region": _scope(cov["region"], level),
                        "met": cov["met"],
                        "total": cov["total"],
                        "missing": list(cov["unmet"]),
                    }
                ],
                reach=len(cov["unmet"]),
            )
        )
    return out


def _populations(a: Analysis) -> list[Finding]:
    return [
        make(
            "population-gap",
            f"{gap.population} are served {_where(gap.region, 'local')} "
            f"(by {_names(gap.served_by, a.names)}) but no {gap.agency_type} is a partner there.",
            f"Bring a {gap.agency_type} partner to the table.",
            items=[
                {
                    "population": gap.population,
                    "region": _scope(gap.region, "local"),
                    "missing": gap.agency_type,
                    "served_by": [a.names.get(i) or i for i in gap.served_by],
                }
            ],
            reach=max(1, len(gap.served_by)),
        )
        for gap in a.gaps.population_gaps
    ]


def _peripheral(a: Analysis) -> list[Finding]:
    return [
        make(
            "type-peripheral",
            f"{t.agency_type} {_where(t.region, t.level)} is present but tied to no one on the leadership team "
            f"({_names(t.partners, a.names)}).",
            "Connect these partners to a leadership-team member, or bring them onto the team.",
            items=[
                {
                    "agency_type": t.agency_type,
                    "region": _scope(t.region, t.level),
                    "partners": [a.names.get(i) or i for i in t.partners],
                }
            ],
        )
        for t in a.gaps.peripheral
    ]


def _roles(a: Analysis) -> list[Finding]:
    if a.roster.roles and not any(c.recorded for c in a.roles.coverage):
        # No roles sheet, or an empty one: every role would read "uncovered" and the
        # intermediary "missing", which says more than the data does.
        return [
            make(
                "roles-not-recorded",
                "No partner's roles are recorded, so the role chart cannot be checked.",
                "Fill in the roles sheet: one row per role each partner plays.",
                items=[{"roles in the chart": len(a.roster.roles)}],
            )
        ]
    out = [
        make(
            "role-uncovered",
            f"No partner plays the role '{c.role}' of the role chart.",
            "Agree who takes on each role and record it in the roles sheet.",
            items=[{"role": c.role, "expected_of": len(c.expected)}],
        )
        for c in a.roles.uncovered
    ]
    out += [
        make(
            "role-single-partner",
            f"The role '{c.role}' rests on a single partner: {a.names.get(c.recorded[0]) or c.recorded[0]}.",
            "Line up a second partner for each, so one departure does not leave the role empty.",
            items=[{"role": c.role, "partner": a.names.get(c.recorded[0]) or c.recorded[0]}],
        )
        for c in a.roles.single_partner
    ]
    # Advisory-only employers need an employer category to mean anything.
    if "employers" in a.roster.categories:
        out += [
            make(
                "employer-advisory-only",
                f"Employers that only advise: {e['name'] or e['id']}.",
                "Engage them in program design, training or hiring, not only in advisory meetings.",
                items=[{"employer": e["name"] or e["id"], "roles": list(e["roles"])}],
            )
            for e in a.roles.advisory_only_employers
        ]
    # Only a roster that knows an intermediary can say one is missing.
    role = a.roster.roles.get("coordinate-partnership")
    knows = role is not None or "intermediary-organization" in a.roster.agency_types
    if knows and not a.roles.intermediaries:
        record = f"record the role '{role.name}'" if role else "list it as an intermediary organization"
        out.append(
            make(
                "intermediary-missing",
                "No partner is recorded as the intermediary coordinating the partnership.",
                f"Name an intermediary and {record}.",
                items=[{"partnership": a.map_id or "this map"}],
            )
        )
    return out


def _resilience(a: Analysis) -> list[Finding]:
    out = []
    res = a.resilience
    key = res.partners[0] if res.partners else None
    if key and (key["largest_component_loss"] or key["types_lost"]):
        out.append(
            make(
                "key-partner",
                f"Key partner: if {key['name']} left, {key['largest_component_loss']} partner(s) would be cut off"
                + (f" and {', '.join(key['types_lost'])} would go missing" if key["types_lost"] else "")
                + ".",
                "Build ties that do not run through this partner, and formalise its role in an agreement.",
                items=[
                    {
                        "partner": key["name"],
                        "cut_off": key["largest_component_loss"],
                        "types_lost": list(key["types_lost"]),
                    }
                ],
                reach=key["largest_component_loss"] + len(key["types_lost"]),
                severity="high" if key["largest_component_loss"] else "medium",
            )
        )
    person = res.people[0] if res.people else None
    if person and person["largest_component_loss"]:
        out.append(
            make(
                "key-person",
                f"Key person: if the champion at {person['partner_name']} ({person['person']}) left, "
                f"{person['informal_ties_lost']} informal tie(s) would go with them and "
                f"{person['largest_component_loss']} partner(s) would be cut off.",
                "Put these relationships into written agreements and involve a second person at the agency.",
                items=[
                    {
                        "partner": person["partner_name"],
                        "person": person["person"],
                        "informal_ties": person["informal_ties_lost"],
                        "cut_off": person["largest_component_loss"],
                    }
                ],
                reach=person["largest_component_loss"],
            )
        )
    turnover = res.turnover[0] if res.turnover else None
    if turnover and turnover["largest_component_loss"]:
        where = turnover["region"] or "the state"
        out.append(
            make(
                "state-turnover",
                f"If the state-level champions in {where} ({', '.join(turnover['partner_names'])}) turned over "
                f"together, as after a change of administration, {turnover['informal_ties_lost']} informal tie(s) "
                f"would go and {turnover['largest_component_loss']} partner(s) would be cut off.",
                "Secure these state relationships in writing and involve more than one person per agency.",
                items=[
                    {
                        "region": where,
                        "partners": list(turnover["partner_names"]),
                        "informal_ties": turnover["informal_ties_lost"],
                        "cut_off": turnover["largest_component_loss"],
                    }
                ],
                reach=turnover["largest_component_loss"],
            )
        )
    return out


def _agreements(a: Analysis) -> list[Finding]:
    formal = a.formalisation
    out = [
        make(
            "roles-without-agreement",
            f"{a.names.get(r['id']) or r['id']} plays roles with no current agreement.",
            "Formalise their roles in an MOU.",
            items=[{"partner": a.names.get(r["id"]) or r["id"]}],
        )
        for r in formal.roles_without_agreement
    ]
    for ag in formal.agreements:
        label = ag["title"] or ag["id"]
        ended = f" ({ag['expires'].isoformat()})" if ag["expires"] else ""
        parties = max(1, len(ag.get("parties") or ()))
        if ag["state"] == "expired":
            out.append(
                make(
                    "agreement-expired",
                    f"Agreement {label} has expired{ended}.",
                    "Renew it or record the partners' current arrangement.",
                    items=[{"agreement": label, "expired": ag["expires"]}],
                    reach=parties,
                )
            )
        elif ag["state"] == "expiring":
            out.append(
                make(
                    "agreement-expiring",
                    f"Agreement {label} expires in {ag['days_left']} day(s).",
                    "Start the renewal now.",
                    items=[{"agreement": label, "expires": ag["expires"], "days_left": ag["days_left"]}],
                    reach=parties,
                )
            )
    if formal.backed_share is not None and formal.backed_share < 0.5:
        unbacked = formal.leadership_ties - formal.leadership_ties_backed
        out.append(
            make(
                "agreements-unbacked",
                f"Only {round(100 * formal.backed_share)}% of ties among leadership-team partners are backed by a "
                "current agreement.",
                "Put the core working relationships in writing.",
                items=[
                    {
                        "leadership_ties": formal.leadership_ties,
                        "backed": formal.leadership_ties_backed,
                        "share": formal.backed_share,
                    }
                ],
                reach=unbacked,
            )
        )
    return out


def _funding(a: Analysis) -> list[Finding]:
    money = a.funding
    out = []
    for p in money.single_stream:
        name, stream = a.names.get(p["id"]) or p["name"] or p["id"], p["stream_names"][0]
        out.append(
            make(
                "funding-single-stream",
                f"{name} lives on a single funding stream ({stream}).",
                "Braid a second stream into their work.",
                items=[{"partner": name, "stream": stream}],
            )
        )
    for s in money.ending:
        out.append(
            make(
                "funding-stream-ending",
                f"Funding stream {s['stream']} ends on {s['ends'].isoformat()}.",
                "Plan the follow-on funding before it ends.",
                items=[{"stream": s["stream"], "ends": s["ends"], "recipients": len(s["recipients"])}],
                reach=max(1, len(s["recipients"])),
            )
        )
    return out


def _funding_lapsed(a: Analysis) -> list[Finding]:
    out = []
    for p in a.funding.lapsed:
        name = a.names.get(p["id"]) or p["name"] or p["id"]
        last = p["awards"][-1]
        planned = f"; {len(p['planned'])} award(s) planned" if p["planned"] else ""
        out.append(
            make(
                "funding-lapsed",
                f"{name}'s funding has lapsed: its last award ({last['stream']}) ended on {p['ended'].isoformat()}"
                f"{planned}.",
                "Find it a current award, or record the funding that replaced the ended one.",
                items=[{"partner": name, "ended": p["ended"], "streams": [x["stream"] for x in p["awards"]]}],
            )
        )
    # An award that ends soon is its recipient's problem even when the stream goes on; when
    # the whole stream ends, funding-stream-ending says so once for all its recipients.
    ending_streams = {s["stream"] for s in a.funding.ending}
    for x in a.funding.ending_awards:
        if x["stream"] in ending_streams:
            continue
        name = a.names.get(x["recipient"]) or x["recipient_name"] or x["recipient"]
        out.append(
            make(
                "funding-award-ending",
                f"{name}'s award from {x['stream']} ({x['award_id']}) ends on {x['end'].isoformat()}, "
                f"in {x['days_left']} day(s), though the stream goes on.",
                "Line up the next award before this one ends.",
                items=[{"partner": name, "stream": x["stream"], "award": x["award_id"], "ends": x["end"]}],
            )
        )
    return out


def _scope_findings(a: Analysis) -> list[Finding]:
    out = [
        make(
            "level-not-assessed",
            f"The {n.level} level of the roster is not assessed: {n.reason}.",
            f"To include it, {n.how_to_include}.",
            items=[{"level": n.level, "reason": n.reason}],
        )
        for n in a.gaps.not_assessed
    ]
    # A local map with no state partner listed cannot say which region lacks a state link
    # (none has one): one finding, that nothing here reaches the state level.
    if "state" not in a.gaps.assessed_levels and a.gaps.state_tied is False:
        where = a.region or "this map"
        out.append(
            make(
                "state-tie-missing",
                f"No partner {'in ' + a.region if a.region else 'on this map'} is tied to a state-level partner "
                "(the map lists none, and no tie reaches one).",
                "Record the ties your partners have with state agencies (list those agencies as state-level "
                "partners), or build them.",
                items=[{"map": where}],
            )
        )
    return out


def _state_links(a: Analysis) -> list[Finding]:
    if "state" not in a.gaps.assessed_levels:
        return []  # with no state level listed, _scope_findings says it once
    return [
        make(
            "state-link-missing",
            f"No partner in {link['region']} is tied to a state-level partner.",
            "Connect the region's leadership to the state team.",
            items=[{"region": link["region"]}],
        )
        for link in a.brokers.state_links
        if not link["linked"]
    ]


def _health(a: Analysis) -> list[Finding]:
    out = []
    for c in a.health.to_dict()["silos"]:
        category = a.category_name(c["dominant_category"])
        out.append(
            make(
                "silo",
                f"A cluster of {c['size']} partners is {round(100 * c['dominant_share'])}% one category "
                f"({category}): a possible silo.",
                "Pair its members with partners from other sectors.",
                items=[{"category": category, "partners": c["size"], "share": c["dominant_share"]}],
                reach=c["size"],
            )
        )
    parts = a.health.components
    if parts and len(parts) > 1:
        isolated = a.health.isolates
        largest = max(len(p) for p in parts)
        out.append(
            make(
                "network-split",
                f"The network falls into {len(parts)} separate parts"
                + (f"; {len(isolated)} partner(s) have no ties at all: {_names(isolated, a.names)}" if isolated else "")
                + ".",
                "Record the missing ties, or connect the parts.",
                items=[{"parts": len(parts), "isolated": len(isolated)}],
                reach=sum(len(p) for p in parts) - largest,
                severity="medium" if isolated else "info",
            )
        )
    return out


def _services(a: Analysis) -> list[Finding]:
    """The service inventory's findings (none when the map has no services rows)."""
    inv = a.services
    if inv is None:
        return []
    out = []
    deserts: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for d in inv.deserts:
        deserts.setdefault((d["region_name"], d["population_name"]), []).append(d)
    for (region, population), missing in deserts.items():
        names = [d["service_name"] for d in missing]
        out.append(
            make(
                "service-desert",
                f"{population} are served in {region} but nobody there offers them: {_list(names, 6)}.",
                "Find a provider for each missing service there, or a referral to one nearby.",
                items=[{"where": f"{population} in {region}", "missing": names}],
            )
        )
    for p in inv.missing_referrals:
        step = f"{p['from_name']} -> {p['to_name']} in {p['region_name']}"
        why = f"pathway {p['pathway_name']}" if p["kind"] == "pathway" else f"{p['from_name']} needs {p['to_name']}"
        out.append(
            make(
                "referral-path-missing",
                f"No referral path from {p['from_name'].lower()} to {p['to_name'].lower()} in {p['region_name']} "
                f"({why}): no provider of one has a referral tie with a provider of the other.",
                "Agree referrals between these providers and record them as referral ties.",
                items=[
                    {
                        "step": step,
                        "why": why,
                        "from": list(p["from_providers"]),
                        "to": list(p["to_providers"]),
                    }
                ],
                reach=len(p["from_providers"]) + len(p["to_providers"]),
            )
        )
    for f in inv.single_stream:
        out.append(
            make(
                "service-single-stream",
                f"{f['service_name']} is paid by a single funding stream: {f['streams'][0]}.",
                "Line up a second stream, or plan for this one ending.",
                items=[{"service": f["service_name"], "stream": f["streams"][0], "providers": list(f["providers"])}],
                reach=max(1, len(f["providers"])),
            )
        )
    for c in inv.fragile:
        provider = c["providers"][0]["name"]
        out.append(
            make(
                "service-fragile",
                f"{c['service_name']} reaches {c['population_name']} in {_scope(c['region'], 'local')} "
                f"through one provider only: {provider}.",
                "Know who would step in if that provider stopped.",
                items=[
                    {
                        "service": f"{c['service_name']} for {c['population_name']} in {_scope(c['region'], 'local')}",
                        "provider": provider,
                    }
                ],
            )
        )
    for c in inv.duplicated:
        providers = [p["name"] for p in c["providers"]]
        out.append(
            make(
                "service-duplicated",
                f"{len(providers)} providers offer {c['service_name'].lower()} to {c['population_name']} "
                f"in {_scope(c['region'], 'local')}: {_list(providers)}: a coordination opportunity.",
                "Bring them together to share intake, referrals and outreach.",
                items=[
                    {
                        "service": f"{c['service_name']} for {c['population_name']} in {_scope(c['region'], 'local')}",
                        "providers": providers,
                    }
                ],
                reach=len(providers),
            )
        )
    return out


def low_trust(partner: dict[str, Any], top_brokers: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether a row of ``TieQuality.partners`` is a partner relied on but scored low on trust.

    >>> low_trust({"id": "C", "trust": 2.2, "raters": 3, "relied_on": 2})
    True
    >>> low_trust({"id": "C", "trust": 2.5, "raters": 3, "relied_on": 2})
    False
    """
    relied = partner["relied_on"] >= RELIED_ON or partner["id"] in top_brokers
    trust = partner["trust"]
    return relied and trust is not None and trust < LOW_TRUST and partner["raters"] >= MIN_RATERS


def _quality(a: Analysis) -> list[Finding]:
    """The survey's findings (none without survey answers)."""
    q = a.quality
    if q is None:
        return []
    out = []
    top = {r["id"] for r in a.brokers.rows[:BROKERS_RELIED] if r["betweenness"]}
    for p in q.partners:
        if not low_trust(p, top):
            continue
        why = f"{p['relied_on']} partners work with it weekly or daily" if p["relied_on"] else "it is a top broker"
        out.append(
            make(
                "low-trust-broker",
                f"{p['name'] or p['id']} is relied on ({why}) but the {p['raters']} partners who scored it "
                f"give it a trust of {p['trust']:.1f} of 4.",
                "Talk with it and with the partners who scored it; agree what would make the ties work.",
                items=[
                    {
                        "partner": p["name"] or p["id"],
                        "trust": p["trust"],
                        "raters": p["raters"],
                        "relied_on": p["relied_on"],
                    }
                ],
                reach=max(p["relied_on"], 1),
            )
        )
    rate = q.response_rate
    if rate is not None and rate < MIN_RESPONSE:
        missing = [r["name"] or r["id"] for r in q.not_answered]
        out.append(
            make(
                "survey-unanswered",
                f"Only {len(q.respondents)} of {q.active} partners answered the survey ({round(100 * rate)}%); "
                f"not yet: {_list(missing, 5)}.",
                "Ask them to return their forms before reading the scores and one-sided ties as the whole picture.",
                items=[{"survey": "partners", "answered": len(q.respondents), "not_answered": missing}],
                reach=len(missing),
            )
        )
    share = q.unconfirmed_share
    if share is not None and share > MAX_UNCONFIRMED:
        out.append(
            make(
                "ties-unconfirmed",
                f"{q.unconfirmed} of {q.confirmed + q.unconfirmed} reported ties ({round(100 * share)}%) are named "
                "by one side only.",
                "Check the one-sided ties with the partners at both ends.",
                items=[{"survey": "ties", "unconfirmed": q.unconfirmed, "reported": q.confirmed + q.unconfirmed}],
                reach=q.unconfirmed,
            )
        )
    return out


# In this order; a new kind of finding adds its function here (and its code to CODES).
BUILDERS: list[Callable[[Analysis], list[Finding]]] = [
    _teams,
    _populations,
    _peripheral,
    _roles,
    _resilience,
    _agreements,
    _funding,
    _funding_lapsed,
    _scope_findings,
    _state_links,
    _health,
    _services,
    _quality,
]


# -- grouping and ordering --------------------------------------------------------------------


def group(instances: Iterable[Finding]) -> list[Finding]:
    """One finding per code: the instances of a code merged, their items in one table.

    A code with one instance keeps it as it is. A group takes the code's ``many``
    sentence, its most severe severity, the sum of the reaches and the first action.
    Codes keep the order of their first instance.
    """
    by_code: dict[str, list[Finding]] = {}
    for f in instances:
        by_code.setdefault(f.code, []).append(f)
    out = []
    for code, fs in by_code.items():
        if len(fs) == 1:
            out.append(fs[0])
            continue
        items = tuple(i for f in fs for i in f.items)
        c = CODES.get(code)
        names = list(dict.fromkeys(next(iter(i.values()), "") for i in items))
        text = (c.many if c else "{n} findings of kind " + code + ": {names}.").format(n=len(fs), names=_list(names))
        severity = min((f.severity for f in fs), key=_ORDER.__getitem__)
        action = (c.many_action if c else None) or fs[0].action
        out.append(
            replace(fs[0], severity=severity, text=text, action=action, items=items, reach=sum(f.reach for f in fs))
        )
    return out


def _rank(f: Finding) -> tuple[int, int, int]:
    codes = list(CODES)
    return (_ORDER[f.severity], -f.reach, codes.index(f.code) if f.code in codes else len(codes))


def do_first(items: Sequence[Finding], *, limit: int = DO_FIRST) -> list[Finding]:
    """At most ``limit`` findings to act on first: high, then medium; larger reach first.

    Notes (severity ``info``) are never among them; ties keep the order of :data:`CODES`.
    """
    return sorted((f for f in items if f.severity != "info"), key=_rank)[:limit]


def findings(analysis: Analysis) -> list[Finding]:
    """The headline findings of a full analysis: grouped by code, the "do first" ones first.

    The order is that of :func:`do_first` throughout: severity, then reach, then the
    order of :data:`CODES`; so the first ``len(do_first(...))`` are the ones to act on.
    """
    instances = [f for build in BUILDERS for f in build(analysis)]
    return sorted(group(instances), key=_rank)
