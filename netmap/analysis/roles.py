"""Role gaps: which functional roles of the role chart are covered, and by how many partners.

Coverage is counted two ways and kept apart: **recorded** (a ``roles`` row says the
partner plays the role) and **expected** (the partner has no role recorded at all, and
the role chart expects the role of its kind of partner). A role nobody records is
**uncovered**; a role one partner records rests on that partner alone.

Examples
--------
>>> import netmap
>>> result = role_gaps(netmap.read_graph("examples/tucson-behavioral-health"))
>>> sorted(result.to_dict())[:3]
['advisory_only_employers', 'coverage', 'has_intermediary']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis._common import partners, recorded_roles, resolve_roster, shares_cache
from netmap.roster import Roster

__all__ = ["RoleGaps", "role_gaps"]

# Role kinds that make an employer more than an adviser (DESIGN: design, training or employment).
ENGAGED_KINDS = frozenset({"design", "training", "employment"})


@dataclass
class RoleCoverage:
    role_id: str
    role: str
    in_chart: bool
    recorded: list[str]
    expected: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "role_id": self.role_id,
            "role": self.role,
            "in_chart": self.in_chart,
            "recorded": len(self.recorded),
            "recorded_by": self.recorded,
            "expected": len(self.expected),
            "expected_of": self.expected,
        }


@dataclass
class RoleGaps:
    """Result of :func:`role_gaps`."""

    coverage: list[RoleCoverage] = field(default_factory=list)
    advisory_only_employers: list[dict[str, Any]] = field(default_factory=list)
    intermediaries: list[str] = field(default_factory=list)
    partners_without_roles: list[str] = field(default_factory=list)

    @property
    def uncovered(self) -> list[RoleCoverage]:
        return [c for c in self.coverage if c.in_chart and not c.recorded]

    @property
    def single_partner(self) -> list[RoleCoverage]:
        return [c for c in self.coverage if len(c.recorded) == 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": [c.to_dict() for c in self.coverage],
            "uncovered": [{"role_id": c.role_id, "role": c.role, "expected": len(c.expected)} for c in self.uncovered],
            "single_partner": [
                {"role_id": c.role_id, "role": c.role, "partner": c.recorded[0]} for c in self.single_partner
            ],
            "advisory_only_employers": self.advisory_only_employers,
            "has_intermediary": bool(self.intermediaries),
            "intermediaries": self.intermediaries,
            "partners_without_roles": self.partners_without_roles,
        }


@shares_cache
def role_gaps(G: nx.MultiDiGraph, *, roster: Roster | None = None, region: str | None = None) -> RoleGaps:
    """Role coverage, uncovered and single-partner roles, advisory-only employers, intermediary.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    roster : Roster, optional
        Default: the roster ``G`` was built with.
    region : str, optional
        Only partners of this region (and those listed without a region).

    Returns
    -------
    RoleGaps
    """
    roster = resolve_roster(G, roster)
    active = {k: d for k, d in partners(G).items() if region is None or d.get("region") in (region, None)}
    performs = recorded_roles(G)
    none: set[str] = set()
    recorded = {k: performs.get(k, none) for k in active}

    result = RoleGaps()
    result.partners_without_roles = [k for k, roles in recorded.items() if not roles]
    # Who performs each role, in one pass over the partners (in their order).
    by_role: dict[str, list[str]] = {}
    for k, roles in recorded.items():
        for r in roles:
            by_role.setdefault(r, []).append(k)
    chart_roles = [r for r in roster.roles.values() if r.in_chart]
    other_roles = [r for r in roster.roles.values() if not r.in_chart and r.id in by_role]
    # Who is expected to play each role, in one pass over the partners without roles (in
    # their order), not one pass per role.
    expects = {t: set(roster.expected_roles(t)) for t in roster.agency_types}
    by_expected: dict[str, list[str]] = {}
    for k in result.partners_without_roles:
        for r in expects.get(active[k].get("agency_type"), ()):
            by_expected.setdefault(r, []).append(k)
    for role in chart_roles + other_roles:
        expected = by_expected.get(role.id, [])
        result.coverage.append(RoleCoverage(role.id, role.name, role.in_chart, by_role.get(role.id, []), expected))

    for k, d in active.items():
        if d.get("category") != "employers" or not recorded[k]:
            continue
        kinds = {roster.roles[r].kind for r in recorded[k] if r in roster.roles}
        # Advises, and neither designs, trains nor employs: the stall the practitioner brief warns of.
        if "advisory" in kinds and not kinds & ENGAGED_KINDS:
            result.advisory_only_employers.append(
                {"id": k, "name": d.get("name"), "roles": sorted(roster.roles[r].name for r in recorded[k])}
            )

    result.intermediaries = [
        k
        for k, d in active.items()
        if "coordinate-partnership" in recorded[k] or d.get("agency_type") == "intermediary-organization"
    ]
    return result
