"""Regions side by side: which region lacks whom, and how each is tied to the state level.

For each region: its local agency types present, peripheral or missing (from
:func:`~netmap.analysis.gaps.roster_gaps`), its minimum-team coverage, and its links to
state-level partners (from :func:`~netmap.analysis.brokers.brokers`). Regions are ranked
by gaps, most first. A region named in ``expected`` but with no partner listed is shown
with every type missing, not dropped.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/four-state-coalitions")
>>> result = regions(G, expected=["Kentucky"])
>>> [r.region for r in result.regions][:1], result.regions[0].listed
(['Kentucky'], 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis._common import partners, resolve_roster, shares_cache
from netmap.analysis.brokers import state_links
from netmap.analysis.gaps import MISSING, PERIPHERAL, PRESENT, roster_gaps
from netmap.roster import Roster

__all__ = ["RegionRow", "Regions", "regions"]


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

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Regions:
    """Result of :func:`regions`: the matrix and one row per region, ranked."""

    region_names: list[str]
    matrix: list[dict[str, Any]] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "regions": [r.to_dict() for r in self.regions],
            "region_names": list(self.region_names),
            "matrix": self.matrix,
        }


@shares_cache
def regions(G: nx.MultiDiGraph, *, roster: Roster | None = None, expected: Sequence[str] = ()) -> Regions:
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
    gaps = roster_gaps(G, roster=roster)
    names: list[str] = []
    for d in everyone.values():
        if d.get("region") is not None and d["region"] not in names:
            names.append(d["region"])
    for name in expected:
        if name not in names:
            names.append(name)

    local = [t for t in gaps.types if t.level == "local"]
    status: dict[tuple[str, str], str] = {(t.agency_type_id, t.region): t.status for t in local if t.region}
    types = roster.roster_types("local")
    matrix = [
        {
            "category": roster.categories[t.category].name,
            "agency_type": t.name,
            "agency_type_id": t.id,
            "cells": {r: status.get((t.id, r), MISSING) for r in names},
        }
        for t in types
    ]
    links = {s["region"]: s for s in state_links(G)}
    requirements = roster.minimum_teams.get("local", ())
    rows = []
    for name in names:
        cells = [row["cells"][name] for row in matrix]
        met = [r for r in gaps.minimum_teams if r.level == "local" and r.region == name and r.met]
        link = links.get(name, {})
        state_partners = list(dict.fromkeys(x["state_partner"] for x in link.get("links", [])))
        rows.append(
            RegionRow(
                region=name,
                listed=sum(1 for d in everyone.values() if d.get("region") == name),
                active=sum(1 for d in active.values() if d.get("region") == name),
                present=cells.count(PRESENT),
                peripheral=cells.count(PERIPHERAL),
                missing=cells.count(MISSING),
                missing_types=[row["agency_type"] for row in matrix if row["cells"][name] == MISSING],
                minimum_met=len(met),
                minimum_total=len(requirements),
                minimum_unmet=[r.name for r in requirements if r.id not in {m.requirement_id for m in met}],
                state_linked=bool(link.get("linked")),
                state_partners=state_partners,
                state_partner_names=[everyone[p].get("name") or p if p in everyone else p for p in state_partners],
                connectors=list(link.get("connectors", [])),
            )
        )
    rows.sort(key=lambda r: (-r.missing, -(r.minimum_total - r.minimum_met), r.state_linked, r.region))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return Regions(names, matrix, rows)
