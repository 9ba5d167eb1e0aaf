"""Roster gaps: which agency types of the recommended team are present, peripheral or missing.

The roster's state types are checked among the state-level partners, its local types
region by region. A type is **present** when an active partner of that type is on the
leadership team or tied to a leadership-team partner, **peripheral** when its partners
are at the table but tied to no one on the leadership team, and **missing** when no
active partner has that type. The minimum state and local teams are checked the same
way, and the populations partners serve are checked for the partner types they call for.

A minimum-team requirement is a rule over the agency types present (``any_of`` /
``all_of``, nested as the roster writes it); each line's result names the parts met and
the parts missing. Agency types of level ``any`` (the shipped roster's employers) are
checked at every level assessed; a partner of such a type counts at the level its own
``level`` column gives, and with no level it counts locally in its region, or at every
level assessed when it has no region either.

Scope: only the levels the map lists are assessed by default (``scope="auto"``). A map
with no state-level partner gets no state roster and no state minimum team, only a
``not_assessed`` entry that says how to include it; the same for a map with no local
partner. ``scope="state"``, ``"local"`` or ``"all"`` chooses the levels instead.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> result = roster_gaps(G)
>>> ("local", "Local TANF providers") in {(m["level"], m["agency_type"]) for m in result.to_dict()["missing"]}
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis._common import (
    STATEWIDE,
    edges_of,
    is_state_level,
    partner_graph,
    partners,
    resolve_roster,
    shares_cache,
    side,
    state_level_ids,
)
from netmap.build import slug
from netmap.graphcache import tables_of
from netmap.ingest.validate import Tables
from netmap.roster import Roster

__all__ = ["LEVELS", "MISSING", "PERIPHERAL", "PRESENT", "SCOPES", "NotAssessed", "RosterGaps", "roster_gaps"]

PRESENT, PERIPHERAL, MISSING = "present", "peripheral", "missing"
LEVELS = ("state", "local")
SCOPES = ("auto", "state", "local", "all")


@dataclass
class TypeStatus:
    level: str
    region: str | None
    category: str
    agency_type_id: str
    agency_type: str
    status: str
    partners: list[str]
    prospective: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "region": self.region,
            "category": self.category,
            "agency_type": self.agency_type,
            "agency_type_id": self.agency_type_id,
            "status": self.status,
            "partners": self.partners,
            "prospective": self.prospective,
        }


@dataclass
class RequirementStatus:
    """One minimum-team line in one scope.

    ``parts_met`` and ``parts_missing`` are the line's items that hold and what must be
    added for it to hold, by agency type name (``["Local WIB"]`` for a board-and-providers
    line with only a one-stop at the table); ``rule`` is the line in words.
    """

    level: str
    region: str | None
    requirement_id: str
    requirement: str
    met: bool
    partners: list[str]
    on_leadership_team: bool
    rule: str = ""
    parts_met: list[str] = field(default_factory=list)
    parts_missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class NotAssessed:
    """A level the roster check left out, why, and how to include it."""

    level: str
    reason: str
    how_to_include: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class PopulationGap:
    population_id: str
    population: str
    region: str | None
    agency_type_id: str
    agency_type: str
    served_by: list[str]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class RosterGaps:
    """Result of :func:`roster_gaps`."""

    roster: str
    leadership_recorded: bool
    types: list[TypeStatus] = field(default_factory=list)
    minimum_teams: list[RequirementStatus] = field(default_factory=list)
    population_gaps: list[PopulationGap] = field(default_factory=list)
    scope: str = "auto"
    assessed_levels: list[str] = field(default_factory=lambda: list(LEVELS))
    not_assessed: list[NotAssessed] = field(default_factory=list)
    #: Whether some active local partner is tied to a state-level partner; None when no
    #: local partner is at the table (nothing to tie). False on a local-only map.
    state_tied: bool | None = None

    @property
    def missing(self) -> list[TypeStatus]:
        return [t for t in self.types if t.status == MISSING]

    @property
    def peripheral(self) -> list[TypeStatus]:
        return [t for t in self.types if t.status == PERIPHERAL]

    def coverage(self) -> list[dict[str, Any]]:
        """Minimum-team coverage per (level, region): met requirements out of all.

        Only the levels assessed have lines: a level left out is in ``not_assessed``.
        ``missing`` names, per unmet line, what it lacks (``"Workforce board(s) and
        workforce service providers: Local WIB"``).
        """
        groups: dict[tuple[str, str | None], list[RequirementStatus]] = {}
        for r in self.minimum_teams:
            groups.setdefault((r.level, r.region), []).append(r)
        return [
            {
                "level": level,
                "region": region,
                "met": sum(r.met for r in reqs),
                "total": len(reqs),
                "share": round(sum(r.met for r in reqs) / len(reqs), 3) if reqs else None,
                "unmet": [r.requirement for r in reqs if not r.met],
                "missing": [f"{r.requirement}: {'; '.join(r.parts_missing)}" for r in reqs if not r.met],
            }
            for (level, region), reqs in groups.items()
            if level in self.assessed_levels
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "roster": self.roster,
            "scope": self.scope,
            "assessed_levels": list(self.assessed_levels),
            "not_assessed": [n.to_dict() for n in self.not_assessed],
            "state_tied": self.state_tied,
            "leadership_recorded": self.leadership_recorded,
            "missing": [t.to_dict() for t in self.missing],
            "peripheral": [t.to_dict() for t in self.peripheral],
            "types": [t.to_dict() for t in self.types],
            "minimum_teams": [r.to_dict() for r in self.minimum_teams],
            "coverage": self.coverage(),
            "population_gaps": [p.to_dict() for p in self.population_gaps],
        }


def _scopes(everyone: dict[str, dict[str, Any]], roster: Roster, level: str) -> list[str | None]:
    """Regions a level is checked in.

    State types: each region the state-level partners are listed under (or one
    statewide scope). Local types: every region of the map, so a region whose local
    partners are all missing still shows up.
    """
    regions: dict[str | None, None] = {}  # a dict: in order, and found without a list scan
    for d in everyone.values():
        t = roster.agency_types.get(d.get("agency_type"))
        s = side(d, t.level if t else None)
        r = d.get("region")
        # National partners (no region) serve every state; they open no state scope of their own.
        if level == "state":
            wanted = s == "state" and not (d.get("level") == "national" and r is None)
        else:
            wanted = r is not None or s == "local"
        if wanted and r not in regions:
            regions[r] = None
    return list(regions) or [STATEWIDE]


def _counts_at(d: dict[str, Any], roster: Roster) -> tuple[str, ...]:
    """The levels a partner counts at in the roster check.

    Its own ``level`` decides (national counts as state, regional as local), else its
    agency type's. A partner of a level-neutral type (level ``any``) with no level of its
    own counts locally in its region; with no region either, nothing ties it to one
    place, so it counts at every level assessed.
    """
    t = roster.agency_types.get(d.get("agency_type"))
    s = side(d, t.level if t else None)
    if s is not None:
        return (s,)
    if t is not None and t.level == "any" and d.get("region") is None:
        return LEVELS
    return ("local",)


def _listed_levels(everyone: dict[str, dict[str, Any]], roster: Roster, region: str | None) -> set[str]:
    """The levels the map lists a partner at (any status), within ``region`` if given.

    A state-level partner (:func:`~netmap.analysis._common.is_state_level`) lists the
    state level; a local one, or any partner other than a national or state one placed
    in a region, lists the local level. National partners and level-neutral ones
    without level or region list neither: a federal agency or a statewide employer does
    not make a county's map a state map.
    """
    listed: set[str] = set()
    for d in everyone.values():
        r = d.get("region")
        if is_state_level(d, roster):
            if region is None or r in (region, None):
                listed.add("state")
                if len(listed) == len(LEVELS):
                    break  # both levels listed: nothing more to find
            continue
        if d.get("level") == "national" or (region is not None and r != region):
            continue
        t = roster.agency_types.get(d.get("agency_type"))
        if side(d, t.level if t else None) == "local" or r is not None:
            listed.add("local")
            if len(listed) == len(LEVELS):
                break  # both levels listed: nothing more to find
    return listed


def _assessed(scope: str, listed: set[str]) -> tuple[list[str], list[NotAssessed]]:
    """The levels to assess for ``scope`` and a note for each level left out."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    chosen = {"auto": listed, "state": {"state"}, "local": {"local"}, "all": set(LEVELS)}[scope]
    assessed = [level for level in LEVELS if level in chosen]
    notes = []
    for level in LEVELS:
        if level in chosen:
            continue
        if scope == "auto":
            reason = f"the map lists no {level}-level partner"
            how = (
                f"list the {level}-level partners (level '{level}'), or pass --scope {level} or --scope all"
                f" to check the {level} roster anyway"
            )
        else:
            reason = f"scope {scope!r} leaves the {level} level out"
            how = f"pass --scope {level} or --scope all"
        notes.append(NotAssessed(level, reason, how))
    return assessed, notes


def _state_tied(active: dict[str, dict[str, Any]], roster: Roster, P: nx.Graph, region: str | None) -> bool | None:
    """Whether an active local partner (of ``region`` if given) is tied to a state-level one."""
    state = set(state_level_ids(active, roster))
    adj = P._adj  # the neighbour dicts themselves, not a view per partner
    empty: dict[str, Any] = {}
    any_local = False
    # Partners in order; the first local one tied to the state level answers (no list of all).
    for k, d in active.items():
        if (
            k not in state
            and d.get("level") != "national"
            and (region is None or d.get("region") == region)
            and "local" in _counts_at(d, roster)
        ):
            any_local = True
            if any(other in state for other in adj.get(k, empty)):
                return True
    return False if any_local else None


@shares_cache
def roster_gaps(
    G: nx.MultiDiGraph,
    *,
    roster: Roster | None = None,
    region: str | None = None,
    scope: str = "auto",
    as_of: dt.date | str | None = None,
) -> RosterGaps:
    """Check the partnership against the roster, level by level and region by region.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph (:func:`netmap.build_graph`). Not modified.
    roster : Roster, optional
        Default: the roster ``G`` was built with.
    region : str, optional
        Only this region: its local scope, and the state scope that serves it (the
        state partners listed under it, or else those listed without a region).
    scope : {"auto", "state", "local", "all"}
        The levels to assess. ``"auto"``: the levels the map lists partners at (within
        ``region`` if given); a level left out is reported in ``not_assessed``.
    as_of : date or ISO str, optional
        The day whose current ties decide who is tied to the leadership team (present or
        peripheral) and to the state level (default today).

    Returns
    -------
    RosterGaps
        ``to_dict()["missing"]`` lists each missing type with ``level``, ``region``,
        ``category`` and ``agency_type``; ``assessed_levels`` and ``not_assessed`` say
        which levels were checked.

    Raises
    ------
    ValueError
        ``scope`` is not one of the four.

    Examples
    --------
    A county map with no state partner: the state level is not assessed.

    >>> import netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> result = roster_gaps(G)
    >>> result.assessed_levels, [n.level for n in result.not_assessed], result.state_tied
    (['local'], ['state'], False)
    >>> wib = next(r for r in result.minimum_teams if r.requirement_id == "workforce-board-and-providers")
    >>> wib.met, wib.parts_met, wib.parts_missing
    (False, ['Local workforce agencies'], ['Local WIB'])
    """
    roster = resolve_roster(G, roster)
    everyone = partners(G, active_only=False)
    assessed, left_out = _assessed(scope, _listed_levels(everyone, roster, region))
    active = {k: d for k, d in everyone.items() if d.get("status") in (None, "active")}
    P = partner_graph(G, as_of)
    leaders = {k for k, d in active.items() if d.get("team") == "leadership"}
    result = RosterGaps(roster.name, bool(leaders), scope=scope, assessed_levels=assessed, not_assessed=left_out)
    result.state_tied = _state_tied(active, roster, P, region)

    def connected_to_leadership(pid: str) -> bool:
        return pid in leaders or any(n in leaders for n in P.neighbors(pid))

    def type_name(tid: str) -> str:
        t = roster.agency_types.get(tid)
        return t.name if t else tid

    # Partners bucketed once (by level, region and type), not filtered again per scope and type.
    # A level-neutral partner with no level and no region sits in both buckets.
    state_side: list[str] = []
    local_by_region: dict[str | None, list[str]] = {}
    for k, d in active.items():
        levels = _counts_at(d, roster)
        if "state" in levels:
            state_side.append(k)
        if "local" in levels:
            local_by_region.setdefault(d.get("region"), []).append(k)
    # Prospective partners by (type, region) and by type in workbook order: a scope looks up
    # its own instead of filtering every prospect of the type (500 regions x 9,000 prospects).
    waiting: dict[tuple[Any, Any], list[str]] = {}
    for k, d in everyone.items():
        if d.get("status") == "prospective":
            waiting.setdefault((d.get("agency_type"), d.get("region")), []).append(k)
    order = {k: i for i, k in enumerate(everyone)}

    for level in assessed:
        types = roster.roster_types(level)
        scopes = _scopes(everyone, roster, level)
        if region is not None:
            # The region's own scope; at the state level, the statewide one when the state
            # partners are not listed by region (partners without a region serve them all).
            scopes = [STATEWIDE] if level == "state" and region not in scopes and STATEWIDE in scopes else [region]
        for where in scopes:
            if level == "state":
                # Partners listed without a region serve the whole state.
                in_scope = [k for k in state_side if active[k].get("region") in (where, None)]
            else:
                in_scope = local_by_region.get(where, [])
            by_type: dict[Any, list[str]] = {}
            for k in in_scope:
                by_type.setdefault(active[k].get("agency_type"), []).append(k)
            for t in types:
                ids = list(by_type.get(t.id, ()))
                if not ids:
                    status = MISSING
                elif not leaders or any(connected_to_leadership(k) for k in ids):
                    status = PRESENT
                else:
                    status = PERIPHERAL
                prospective = list(waiting.get((t.id, where), ()))
                if where is not None and (t.id, None) in waiting:
                    prospective = sorted([*prospective, *waiting[t.id, None]], key=order.__getitem__)
                result.types.append(
                    TypeStatus(
                        level,
                        where,
                        roster.categories[t.category].name,
                        t.id,
                        t.name,
                        status,
                        ids,
                        prospective,
                    )
                )
            # Every member's type counts, not only the roster types checked above: a
            # requirement may name a type outside the recommended team.
            present = set(by_type)
            for req in roster.minimum_teams.get(level, ()):
                ids = [k for tid in req.types for k in by_type.get(tid, ())]
                result.minimum_teams.append(
                    RequirementStatus(
                        level,
                        where,
                        req.id,
                        req.name,
                        req.rule.holds(present),
                        ids,
                        any(k in leaders for k in ids),
                        req.rule.describe(type_name),
                        req.rule.met(present, type_name),
                        req.rule.missing(present, type_name),
                    )
                )

    result.population_gaps = _population_gaps(G, roster, active, region)
    return result


def _population_gaps(
    G: nx.MultiDiGraph, roster: Roster, active: dict[str, dict[str, Any]], region: str | None
) -> list[PopulationGap]:
    """Populations served in a region whose calling partner type is absent there and statewide."""
    served: dict[tuple[str, str | None], dict[str, None]] = {}
    tables = tables_of(G)
    if tables is not None:
        # From the rows, in the graph's order: partners in workbook order, each one's
        # populations in the order its services rows first name them.
        pops_of = _served_by(tables)
        for pid, d in active.items():
            for pop_id in pops_of.get(pid, ()):
                served.setdefault((pop_id, d.get("region")), {})[pid] = None
    else:
        for u, v, _ in edges_of(G, "SERVES"):
            partner = G.nodes[u]
            if partner.get("id") not in active:
                continue
            # A dict keeps the first-served order and finds repeats without a list scan.
            served.setdefault((G.nodes[v]["id"], partner.get("region")), {})[partner["id"]] = None
    # (type, region) pairs present, so each check is a lookup: a scan of every partner per
    # population, region and type grows with the square of the map.
    present = {(d.get("agency_type"), d.get("region")) for d in active.values()}
    gaps = []
    for (pop_id, where), by in served.items():
        if region is not None and where != region:
            continue
        population = roster.populations.get(pop_id)
        if population is None:
            continue  # a population the roster does not know calls for no one
        for tid in population.calls_for:
            there = (tid, where) in present or (tid, None) in present
            if not there:
                gaps.append(PopulationGap(pop_id, population.name, where, tid, roster.agency_types[tid].name, list(by)))
    return gaps


def _served_by(tables: Tables) -> dict[str, dict[str, None]]:
    """Partner id -> the ids of the populations its ``services`` rows name, in row order.

    As :func:`netmap.build.build_graph` makes its ``SERVES`` edges: one per population a
    row names, a population the roster does not know under its ``custom-`` id.
    """
    found: dict[str, dict[str, None]] = {}
    for s in tables["services"]:
        written = s.get("populations") or ((s["population"],) if s.get("population") else (None,))
        ids = s.get("population_ids") or (s.get("population_id"),) * len(written)
        for text, pop_id in zip(written, ids, strict=True):
            if text and not pop_id:
                pop_id = "custom-" + slug(text)
            if pop_id:
                found.setdefault(s["partner_id"], {})[pop_id] = None
    return found
