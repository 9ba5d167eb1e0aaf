"""Regions side by side: which region lacks whom, and how each is tied to the state level.

For each region: its local agency types present, peripheral or missing (from
:func:`~netmap.analysis.gaps.roster_gaps`), its minimum-team coverage, and its links to
state-level partners (from :func:`~netmap.analysis.brokers.brokers`). Regions are ranked
by gaps, most first. A region named in ``expected`` but with no partner listed is shown
with every type missing, not dropped.

The scope rule of :func:`~netmap.analysis.gaps.roster_gaps` applies: on a map that lists
no local partner (``scope="auto"``) or with ``scope="state"``, the local roster is not
assessed, so the matrix is empty and every row's type and minimum-team counts are 0;
``not_assessed`` says why. Each row's ``state_linked`` says whether the region is tied to
a state-level partner; on a map with no state-level partner at all it is False for every
region, and ``state_listed`` is False.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/four-state-coalitions")
>>> result = regions(G, expected=["Kentucky"])
>>> [r.region for r in result.regions][:1], result.regions[0].listed
(['Kentucky'], 0)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any

import networkx as nx

from netmap.analysis._common import is_state_level, partners, resolve_roster, shares_cache
from netmap.analysis.brokers import state_links
from netmap.analysis.gaps import (
    LEVELS,
    MISSING,
    PERIPHERAL,
    PRESENT,
    NotAssessed,
    RequirementStatus,
    RosterGaps,
    roster_gaps,
)
from netmap.roster import Roster

__all__ = ["MET", "PARTLY", "RegionRow", "Regions", "regions"]

# A minimum-team line in a region: met, partly (some of its parts hold, not all), or missing
# (none holds). MISSING is the roster gaps' own word.
MET, PARTLY = "met", "partly"


@dataclass
class RegionRow:
    """One region: its gaps, minimum team and state links."""

    region: str
    listed: int
    active: int
    present: int
    peripheral: int
    missing: int
    missing_types: list[str]
    minimum_met: int
    minimum_total: int
    minimum_unmet: list[str]
    state_linked: bool
    state_partners: list[str]
    state_partner_names: list[str]
    connectors: list[str]
    rank: int = 0
    #: Each local minimum-team line (by requirement id): ``met``, ``partly`` or ``missing``.
    minimum: dict[str, str] = field(default_factory=dict)
    #: Ties from the region's partners to each state-level partner (partner pairs tied on the day).
    state_ties: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Regions:
    """Result of :func:`regions`: the matrix and one row per region, ranked."""

    region_names: list[str]
    matrix: list[dict[str, Any]] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)
    scope: str = "auto"
    assessed_levels: list[str] = field(default_factory=lambda: list(LEVELS))
    not_assessed: list[NotAssessed] = field(default_factory=list)
    #: Whether the map lists any state-level partner (any status) for the regions to tie to.
    state_listed: bool = True
    #: The local minimum-team lines, in roster order: ``{"id", "name"}`` (empty when not assessed).
    requirements: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "regions": [r.to_dict() for r in self.regions],
            "region_names": list(self.region_names),
            "matrix": self.matrix,
            "scope": self.scope,
            "assessed_levels": list(self.assessed_levels),
            "not_assessed": [n.to_dict() for n in self.not_assessed],
            "state_listed": self.state_listed,
            "requirements": [dict(r) for r in self.requirements],
        }


@shares_cache
def regions(
    G: nx.MultiDiGraph,
    *,
    roster: Roster | None = None,
    expected: Sequence[str] = (),
    scope: str = "auto",
    as_of: dt.date | str | None = None,
    gaps: RosterGaps | None = None,
    links: list[dict[str, Any]] | None = None,
) -> Regions:
    """Compare the regions of ``G`` side by side.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    roster : Roster, optional
        Default: the roster ``G`` was built with.
    expected : sequence of str
        Regions that should be there (e.g. every workforce region of the state); those with
        no partner listed are shown with every local type missing.
    scope : {"auto", "state", "local", "all"}
        The levels assessed, as in :func:`~netmap.analysis.gaps.roster_gaps`; the
        regions' local rosters are compared only when the local level is assessed.
    as_of : date or ISO str, optional
        The day whose current ties count (default today).
    gaps, links : optional
        The roster gaps (of the whole map, same roster, scope and day) and the state links
        (:func:`~netmap.analysis.brokers.state_links`) when already computed.

    Returns
    -------
    Regions
        ``regions`` ranked by missing types, then unmet minimum-team requirements, then
        missing state link; ``matrix`` has one row per local roster type with a status per
        region (``present``, ``peripheral``, ``missing``).
    """
    roster = resolve_roster(G, roster)
    everyone = partners(G, active_only=False)
    active = partners(G)
    gaps = gaps or roster_gaps(G, roster=roster, scope=scope, as_of=as_of)
    local_assessed = "local" in gaps.assessed_levels
    # Regions in order of first listing, then the expected ones not listed: a dict finds
    # repeats without a scan of the list (100,000 partners, 500 regions).
    found = dict.fromkeys(map(methodcaller("get", "region"), everyone.values()))
    found.pop(None, None)
    found.update(dict.fromkeys(name for name in expected if name not in found))
    names: list[str] = list(found)

    local = [t for t in gaps.types if t.level == "local"]
    status: dict[tuple[str, str], str] = {(t.agency_type_id, t.region): t.status for t in local if t.region}
    types = roster.roster_types("local") if local_assessed else []
    matrix = [
        {
            "category": roster.categories[t.category].name,
            "agency_type": t.name,
            "agency_type_id": t.id,
            "cells": {r: status.get((t.id, r), MISSING) for r in names},
        }
        for t in types
    ]
    by_region = {s["region"]: s for s in (links if links is not None else state_links(G, roster=roster, as_of=as_of))}
    requirements = roster.minimum_teams.get("local", ()) if local_assessed else ()
    # Counted once, not once per region (a statewide map has 10,000 partners and 100 regions).
    listed = Counter(map(methodcaller("get", "region"), everyone.values()))
    active_in = Counter(map(methodcaller("get", "region"), active.values()))
    # The local lines by region, grouped once, not filtered again per region (500 regions).
    lines_in: dict[str | None, dict[str, RequirementStatus]] = {}
    for r in gaps.minimum_teams:
        if r.level == "local":
            lines_in.setdefault(r.region, {})[r.requirement_id] = r
    no_lines: dict[str, RequirementStatus] = {}
    rows = []
    for name in names:
        cells = [row["cells"][name] for row in matrix]
        lines = lines_in.get(name, no_lines)
        met = [r for r in lines.values() if r.met]
        met_ids = {m.requirement_id for m in met}
        link = by_region.get(name, {})
        state_partners = list(dict.fromkeys(x["state_partner"] for x in link.get("links", [])))
        state_ties = {p: 0 for p in state_partners}
        for x in link.get("links", []):
            state_ties[x["state_partner"]] += 1
        rows.append(
            RegionRow(
                region=name,
                listed=listed[name],
                active=active_in[name],
                present=cells.count(PRESENT),
                peripheral=cells.count(PERIPHERAL),
                missing=cells.count(MISSING),
                missing_types=[row["agency_type"] for row in matrix if row["cells"][name] == MISSING],
                minimum_met=len(met),
                minimum_total=len(requirements),
                minimum_unmet=[r.name for r in requirements if r.id not in met_ids],
                state_linked=bool(link.get("linked")),
                state_partners=state_partners,
                state_partner_names=[everyone[p].get("name") or p if p in everyone else p for p in state_partners],
                connectors=list(link.get("connectors", [])),
                minimum={r.id: _line_status(lines.get(r.id)) for r in requirements},
                state_ties=state_ties,
            )
        )
    rows.sort(key=lambda r: (-r.missing, -(r.minimum_total - r.minimum_met), r.state_linked, r.region))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    state_listed = any(is_state_level(d, roster) for d in everyone.values())
    return Regions(
        names,
        matrix,
        rows,
        scope,
        list(gaps.assessed_levels),
        list(gaps.not_assessed),
        state_listed,
        [{"id": r.id, "name": r.name} for r in requirements],
    )


def _line_status(line: RequirementStatus | None) -> str:
    """``met``, ``partly`` (some parts hold) or ``missing``; a region with no partner has no line: missing."""
    if line is None:
        return MISSING
    if line.met:
        return MET
    return PARTLY if line.parts_met else MISSING
