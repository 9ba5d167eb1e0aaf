"""Roster gaps: which agency types of the recommended team are present, peripheral or missing.

The roster's state types are checked among the state-level partners, its local types
region by region. A type is **present** when an active partner of that type is on the
leadership team or tied to a leadership-team partner, **peripheral** when its partners
are at the table but tied to no one on the leadership team, and **missing** when no
active partner has that type. The minimum state and local teams are checked the same
way, and the populations partners serve are checked for the partner types they call for.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> result = roster_gaps(G)
>>> ("local", "Local TANF providers") in {(m["level"], m["agency_type"]) for m in result.to_dict()["missing"]}
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis._common import STATEWIDE, edges_of, partner_graph, partners, resolve_roster, shares_cache, side
from netmap.roster import Roster

__all__ = ["MISSING", "PERIPHERAL", "PRESENT", "RosterGaps", "roster_gaps"]

PRESENT, PERIPHERAL, MISSING = "present", "peripheral", "missing"


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
    level: str
    region: str | None
    requirement_id: str
    requirement: str
    met: bool
    partners: list[str]
    on_leadership_team: bool

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

    @property
    def missing(self) -> list[TypeStatus]:
        return [t for t in self.types if t.status == MISSING]

    @property
    def peripheral(self) -> list[TypeStatus]:
        return [t for t in self.types if t.status == PERIPHERAL]

    def coverage(self) -> list[dict[str, Any]]:
        """Minimum-team coverage per (level, region): met requirements out of all."""
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
            }
            for (level, region), reqs in groups.items()
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "roster": self.roster,
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
    regions: list[str | None] = []
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
            regions.append(r)
    return regions or [STATEWIDE]


def _in_scope(d: dict[str, Any], level: str, region: str | None, roster: Roster) -> bool:
    t = roster.agency_types.get(d.get("agency_type"))
    s = side(d, t.level if t else None)
    if level == "state":
        # Partners listed without a region serve the whole state.
        return s == "state" and (d.get("region") == region or d.get("region") is None)
    return s != "state" and d.get("region") == region


@shares_cache
def roster_gaps(G: nx.MultiDiGraph, *, roster: Roster | None = None, region: str | None = None) -> RosterGaps:
    """Check the partnership against the roster, level by level and region by region.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph (:func:`netmap.build_graph`). Not modified.
    roster : Roster, optional
        Default: the roster ``G`` was built with.
    region : str, optional
        Only this region (its local scope, and its state scope if the state partners
        are listed by region).

    Returns
    -------
    RosterGaps
        ``to_dict()["missing"]`` lists each missing type with ``level``, ``region``,
        ``category`` and ``agency_type``.
    """
    roster = resolve_roster(G, roster)
    everyone = partners(G, active_only=False)
    active = {k: d for k, d in everyone.items() if d.get("status") in (None, "active")}
    P = partner_graph(G)
    leaders = {k for k, d in active.items() if d.get("team") == "leadership"}
    result = RosterGaps(roster.name, bool(leaders))

    def connected_to_leadership(pid: str) -> bool:
        return pid in leaders or any(n in leaders for n in P.neighbors(pid))

    # Partners bucketed once (by side, region and type), not filtered again per scope and type.
    state_side: list[str] = []
    local_by_region: dict[str | None, list[str]] = {}
    for k, d in active.items():
        t = roster.agency_types.get(d.get("agency_type"))
        if side(d, t.level if t else None) == "state":
            state_side.append(k)
        else:
            local_by_region.setdefault(d.get("region"), []).append(k)
    # Prospective partners by (type, region) and by type in workbook order: a scope looks up
    # its own instead of filtering every prospect of the type (500 regions x 9,000 prospects).
    waiting: dict[tuple[Any, Any], list[str]] = {}
    for k, d in everyone.items():
        if d.get("status") == "prospective":
            waiting.setdefault((d.get("agency_type"), d.get("region")), []).append(k)
    order = {k: i for i, k in enumerate(everyone)}

    for level in ("state", "local"):
        types = roster.roster_types(level)
        for scope in _scopes(everyone, roster, level):
            if region is not None and scope != region:
                continue
            if level == "state":
                # Partners listed without a region serve the whole state.
                in_scope = [k for k in state_side if active[k].get("region") in (scope, None)]
            else:
                in_scope = local_by_region.get(scope, [])
            members = {k: active[k] for k in in_scope}
            by_type: dict[Any, list[str]] = {}
            for k, d in members.items():
                by_type.setdefault(d.get("agency_type"), []).append(k)
            present_types: dict[str, list[str]] = {}
            for t in types:
                ids = list(by_type.get(t.id, ()))
                present_types[t.id] = ids
                if not ids:
                    status = MISSING
                elif not leaders or any(connected_to_leadership(k) for k in ids):
                    status = PRESENT
                else:
                    status = PERIPHERAL
                prospective = list(waiting.get((t.id, scope), ()))
                if scope is not None and (t.id, None) in waiting:
                    prospective = sorted([*prospective, *waiting[t.id, None]], key=order.__getitem__)
                result.types.append(
                    TypeStatus(
                        level,
                        scope,
                        roster.categories[t.category].name,
                        t.id,
                        t.name,
                        status,
                        ids,
                        prospective,
                    )
                )
            for req in roster.minimum_teams.get(level, ()):
                ids = [k for tid in req.any_of for k in present_types.get(tid, [])]
                if not ids:  # a requirement may name types outside the roster's 22
                    ids = [k for k, d in members.items() if d.get("agency_type") in req.any_of]
                result.minimum_teams.append(
                    RequirementStatus(level, scope, req.id, req.name, bool(ids), ids, any(k in leaders for k in ids))
                )

    result.population_gaps = _population_gaps(G, roster, active, region)
    return result


def _population_gaps(
    G: nx.MultiDiGraph, roster: Roster, active: dict[str, dict[str, Any]], region: str | None
) -> list[PopulationGap]:
    """Populations served in a region whose calling partner type is absent there and statewide."""
    served: dict[tuple[str, str | None], dict[str, None]] = {}
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
