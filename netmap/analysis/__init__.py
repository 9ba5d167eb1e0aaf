"""The analyses of DESIGN section 5, each a pure function of a netmap graph.

Every function takes the graph first and options as keywords, never modifies the
graph, and returns a result object whose ``to_dict()`` keys are stable.
:func:`analyze` runs them all once and adds the headline findings.

Examples
--------
>>> import netmap
>>> from netmap.analysis import analyze
>>> result = analyze(netmap.read_graph("examples/tucson-behavioral-health"), as_of="2026-11-24")
>>> sorted(result.to_dict())[:4]
['as_of', 'assessed_levels', 'brokers', 'do_first']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx

from netmap._gc import gc_paused
from netmap.analysis._common import (
    IGRAPH_THRESHOLD,
    as_date,
    partner_graph,
    partners,
    region_names,
    resolve_roster,
    shared_cache,
    use_igraph,
)
from netmap.analysis.brokers import Brokers, brokerage, brokers, pivots, start_brokers
from netmap.analysis.findings import Finding, do_first, findings
from netmap.analysis.formalisation import Formalisation, formalisation
from netmap.analysis.funding import Funding, funding
from netmap.analysis.gaps import RosterGaps, roster_gaps
from netmap.analysis.health import Health, health
from netmap.analysis.quality import WEIGHTS, TieQuality, tie_quality
from netmap.analysis.regions import Regions, regions
from netmap.analysis.resilience import Resilience, resilience
from netmap.analysis.roles import RoleGaps, role_gaps
from netmap.analysis.scorecard import Scorecard, scorecard
from netmap.analysis.services import ServiceInventory, has_services, service_inventory
from netmap.build import slug
from netmap.errors import UsageError
from netmap.graphcache import cached, ordered_subgraph
from netmap.roster import Roster

__all__ = [
    "Analysis",
    "Finding",
    "analyze",
    "brokerage",
    "brokers",
    "findings",
    "formalisation",
    "funding",
    "health",
    "region_view",
    "resilience",
    "role_gaps",
    "roster_gaps",
    "scorecard",
    "select_region",
    "service_inventory",
    "start_brokers",
    "tie_quality",
]


@dataclass
class Analysis:
    """Every analysis of one map, computed once."""

    map_id: str | None
    roster: Roster
    as_of: dt.date
    region: str | None
    names: dict[str, str]
    gaps: RosterGaps
    roles: RoleGaps
    brokers: Brokers
    formalisation: Formalisation
    funding: Funding
    resilience: Resilience
    health: Health
    scorecard: Scorecard
    # The options the analysis was made with, for the views to say (they compute nothing).
    scope: str = "auto"
    seed: int | None = 0
    top: int | None = None
    include_contacts: bool = False
    expected_regions: tuple[str, ...] = ()
    partners_active: int = 0
    # The regions side by side (a whole map of two regions or more, counting the expected
    # ones); what changed since an earlier snapshot; who could fill the gaps. None when not
    # asked for or not applicable (netmap.pipeline.run adds the last two).
    regions: Regions | None = None
    changes: Any = None
    # With several earlier snapshots (report --since A --since B): their history up to this one.
    history: Any = None
    suggestions: Any = None
    # The service inventory: None when the map has no services rows.
    services: ServiceInventory | None = None
    # What the partners said of their ties (None: no survey answers); what weighed the ties.
    quality: TieQuality | None = None
    weight: str | None = None

    def category_name(self, category_id: str | None) -> str:
        cat = self.roster.categories.get(category_id or "")
        return cat.name if cat else str(category_id)

    @cached_property
    def findings(self) -> list[Finding]:
        """Every finding, grouped by code, the "do first" ones first (computed once)."""
        return findings(self)

    @property
    def do_first(self) -> list[Finding]:
        """At most five findings to act on first (see :func:`~netmap.analysis.findings.do_first`)."""
        return do_first(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "map_id": self.map_id,
            "roster": self.roster.name,
            "as_of": self.as_of.isoformat(),
            "region": self.region,
            "scope": self.scope,
            "assessed_levels": list(self.gaps.assessed_levels),
            "do_first": [f.to_dict() for f in self.do_first],
            "findings": [f.to_dict() for f in self.findings],
            "scorecard": self.scorecard.to_dict(),
            "gaps": self.gaps.to_dict(),
            "roles": self.roles.to_dict(),
            "brokers": self.brokers.to_dict(),
            "formalisation": self.formalisation.to_dict(),
            "funding": self.funding.to_dict(),
            "resilience": self.resilience.to_dict(),
            "health": self.health.to_dict(),
            **({"regions": self.regions.to_dict()} if self.regions is not None else {}),
            **({"changes": self.changes.to_dict()} if self.changes is not None else {}),
            **({"history": self.history.to_dict()} if self.history is not None else {}),
            **({"suggestions": self.suggestions.to_dict()} if self.suggestions is not None else {}),
            **({"services": self.services.to_dict()} if self.services is not None else {}),
            "quality": self.quality.to_dict() if self.quality is not None else None,
        }


def select_region(G: nx.MultiDiGraph, region: str | None) -> nx.MultiDiGraph:
    """A read-only view of one region's partners plus those listed without a region.

    Raises
    ------
    UsageError
        The map has no such region (the message lists the regions it has).
    """
    if region is None:
        return G
    return region_view(G, region_in(G, region))


def region_in(G: nx.MultiDiGraph, region: str) -> str:
    """``region`` as the map spells it: "north" finds "North" (regions match as their graph nodes do).

    Raises
    ------
    UsageError
        The map has no such region (the message lists the regions it has).
    """
    known = [r for r in region_names(G) if r is not None]
    if region in known:
        return region
    same = [r for r in known if slug(r) == slug(region)]
    if same:
        return same[0]
    raise UsageError(f"no region {region!r} in this map; its regions are: {', '.join(known) or 'none'}")


def region_view(G: nx.MultiDiGraph, region: str | None) -> nx.MultiDiGraph:
    """A read-only view of ``region``'s partners, those listed without a region, and their agreements.

    Like :func:`select_region`, but a region the map does not have is no error (in an
    earlier snapshot it may simply be new since). An agreement none of whose parties is in
    the view is left out: it is another region's.

    >>> import netmap
    >>> G = netmap.read_graph("examples/four-state-coalitions")
    >>> agreements = lambda H: sorted(d["id"] for _, d in H.nodes(data=True) if d.get("label") == "Agreement")
    >>> "FA10" in agreements(G), "FA10" in agreements(region_view(G, "Tennessee"))
    (True, False)
    >>> len(region_view(G, "Kentucky")) < len(G)
    True
    """
    if region is None:
        return G
    # Within one shared cache (a report per region) the analysis and the map of a region
    # read one view, so they share its projection and edge index.
    return cached(G, ("region-view", region), lambda: _region_view(G, region))


def _region_view(G: nx.MultiDiGraph, region: str) -> nx.MultiDiGraph:
    kept = {n for n, d in G.nodes(data=True) if d.get("label") == "Partner" and d.get("region") in (region, None)}

    def keep(n: Any, d: dict[str, Any]) -> bool:
        if d.get("label") == "Partner":
            return n in kept
        if d.get("label") == "Agreement":
            return any(u in kept for u in G.predecessors(n))
        return True

    # In G's order: a set's order would change the partners' order from run to run.
    return ordered_subgraph(G, [n for n, d in G.nodes(data=True) if keep(n, d)])


def analyze(
    G: nx.MultiDiGraph,
    *,
    roster: Roster | None = None,
    region: str | None = None,
    as_of: dt.date | str | None = None,
    seed: int | None = 0,
    top: int | None = None,
    include_contacts: bool = False,
    backend: str = "auto",
    scope: str = "auto",
    expected_regions: Sequence[str] = (),
    weight: str | None = None,
    scored_only: bool = False,
) -> Analysis:
    """Run every analysis on ``G`` (optionally one region of it).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    roster : Roster, optional
        Default: the roster ``G`` was built with.
    region : str, optional
        Analyse this region's partners (with the partners listed without a region).
    as_of : date or ISO str, optional
        The day the partnership is analysed on (default today): only the ties,
        agreements and awards current then count (:mod:`netmap.project`).
    seed : int, optional
        Seed of every randomised step (sampled betweenness, Louvain).
    top : int, optional
        Brokers kept in ``to_dict()``.
    include_contacts : bool
        Name champions in the resilience results (personal data).
    backend : {"auto", "networkx", "igraph"}
        Where the hot algorithms run (brokers, health, resilience): ``"auto"`` takes
        python-igraph and numpy above ``IGRAPH_THRESHOLD`` partners and NetworkX at
        or below it; ``"networkx"`` and ``"igraph"`` force one. Results agree (sampled
        betweenness exactly for the same seed; Louvain communities by partition quality).
    scope : {"auto", "state", "local", "all"}
        The roster levels assessed (:func:`~netmap.analysis.gaps.roster_gaps`); ``"auto"``:
        the levels the map lists partners at.
    expected_regions : sequence of str
        Regions that should be there: with ``region`` None, the regions side by side
        (``Analysis.regions``) show one with no partner listed as such.
    weight : {None, "strength", "trust", "value"}
        Weigh the ties of betweenness, constraint and effective size
        (:func:`~netmap.analysis.brokers.brokers`); None: unweighted.
    scored_only : bool
        Only what the scorecard, its ratings and a comparison read (``netmap history``
        over many snapshots): no regions side by side, service inventory or tie quality
        (``regions``, ``services`` and ``quality`` are None). Their findings are never high,
        so the ratings are those of the full analysis.

    Returns
    -------
    Analysis
    """
    if weight is not None and weight not in WEIGHTS:
        raise UsageError(f"--weight {weight!r} is not one of none, {', '.join(WEIGHTS)}")
    with shared_cache(), gc_paused():
        roster = resolve_roster(G, roster)
        day = as_date(as_of)
        region = region_in(G, region) if region is not None else None
        view = select_region(G, region)
        # On a large map the C-heavy parts of health, resilience and the brokers go to a
        # worker process on the second core now, before the projection (the worker needs
        # only the arcs); the analyses below pick them up as they need them (the brokers
        # last, as they need the most), doing the rest here meanwhile.
        n = len(partners(view))
        if n > IGRAPH_THRESHOLD and use_igraph(backend, n):
            from netmap.analysis import _offload

            sent = _offload.send(view, as_of=day, health_seed=seed, brokers=(pivots(n), seed))
            _offload.attach(partner_graph(view, day), sent)
        gaps = roster_gaps(view, roster=roster, region=region, scope=scope, as_of=day)
        roles = role_gaps(view, roster=roster)
        formal = formalisation(view, as_of=day)
        money = funding(view, as_of=day, roster=roster)
        # Before the analyses that wait for the worker's parts (health, resilience, brokers):
        # these need none, so on a large map the worker gets their time to finish its own.
        inventory = (
            service_inventory(view, as_of=day, region=region) if has_services(view) and not scored_only else None
        )
        quality = None if scored_only else tie_quality(view, as_of=day, roster=roster)
        network = health(view, seed=seed, backend=backend, as_of=day)
        resil = resilience(view, as_of=day, include_contacts=include_contacts, backend=backend, roster=roster)
        links = brokers(view, top=top, seed=seed, backend=backend, as_of=day, roster=roster, weight=weight)
        card = scorecard(
            view,
            roster=roster,
            as_of=day,
            gaps=gaps,
            roles=roles,
            formal=formal,
            money=money,
            network=network,
            links=links,
        )
        side_by_side = None
        if region is None and not scored_only:
            # Side by side needs two sides: with one region the rest of the analysis says it all.
            side_by_side = regions(
                view,
                roster=roster,
                expected=expected_regions,
                scope=scope,
                as_of=day,
                gaps=gaps,
                links=links.state_links,
            )
            if len(side_by_side.region_names) < 2:
                side_by_side = None
        result = Analysis(
            map_id=G.graph.get("map_id"),
            roster=roster,
            as_of=day,
            region=region,
            names={k: d.get("name") for k, d in partners(view, active_only=False).items()},
            gaps=gaps,
            roles=roles,
            brokers=links,
            formalisation=formal,
            funding=money,
            resilience=resil,
            health=network,
            scorecard=card,
            scope=scope,
            seed=seed,
            top=top,
            include_contacts=include_contacts,
            expected_regions=tuple(expected_regions),
            partners_active=n,
            regions=side_by_side,
            services=inventory,
            quality=quality,
            weight=weight,
        )
        # The findings read no scorecard; the scorecard's ratings then agree with them.
        result.scorecard = card.agree(result.findings)
        return result
