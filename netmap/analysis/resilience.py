"""Resilience: what the network loses when one partner, or one champion, leaves.

For a **partner** leaving, the partner and its ties go. For a **champion** (a contact
marked ``champion``) leaving, the partner stays but, if no other champion works there,
its informal ties go with the person: the ties that no current agreement and no funding
backs. Written agreements and money survive turnover; goodwill often does not (the
Illinois case of the four-state field study).

Each departure is measured by the size of the largest connected group of partners
left, the partners cut off from it, the cross-category ties lost and the agency types
that would go missing in the partner's region. The top of the list is the key-partner
and key-person risk.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/four-state-coalitions")
>>> top = resilience(G, as_of="2026-11-24").to_dict()["people"][0]
>>> top["partner"]
'IL-DCEO'
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis._common import (
    as_date,
    edges_of,
    is_state_level,
    partner_graph,
    partners,
    resolve_roster,
    shares_cache,
    use_igraph,
)
from netmap.analysis.health import cross_counts, cross_ties
from netmap.build import contact_nodes
from netmap.graphcache import tables_of
from netmap.roster import Roster

# Partners above which "auto" computes resilience from the block-cut tree (see resilience()).
RESILIENCE_FAST_ABOVE = 50

__all__ = ["Resilience", "resilience"]


def _largest(P: nx.Graph) -> set[str]:
    return max(nx.connected_components(P), key=len, default=set())


@dataclass
class Resilience:
    """Result of :func:`resilience`."""

    baseline_largest: int
    baseline_cross_category: int
    partners: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    turnover: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "turnover": self.turnover,
            "baseline": {
                "largest_component": self.baseline_largest,
                "cross_category_ties": self.baseline_cross_category,
            },
            "partners": self.partners,
            "people": self.people,
            "key_partner": self.partners[0] if self.partners else None,
            "key_person": self.people[0] if self.people else None,
        }


def _impact(P: nx.Graph, after: nx.Graph, core: set[str], gone: str | None) -> dict[str, Any]:
    largest = _largest(after)
    cut_off = sorted(n for n in core if n != gone and n not in largest)
    return {
        "largest_component": len(largest),
        # Partners (other than the one leaving) no longer in the main body of the network.
        "largest_component_loss": len(cut_off),
        "cut_off": cut_off,
        "cross_category_ties_lost": cross_ties(P) - cross_ties(after),
    }


def _people(G: nx.MultiDiGraph) -> list[tuple[str, dict[str, Any]]]:
    """``(partner id, Person node attributes)`` of each ``WORKS_AT`` edge, in ``G.edges`` order.

    From the rows when ``G`` carries them (:func:`netmap.graphcache.tables_of`): each person has
    one such edge, from its node, and people come in the graph's node order.
    """
    tables = tables_of(G)
    if tables is not None:
        return contact_nodes(tables, map_id=G.graph["map_id"])
    nodes = G._node  # the node dicts themselves: G.nodes[...] is a view per lookup
    return [(nodes[v].get("id"), nodes[u]) for u, v, _ in edges_of(G, "WORKS_AT")]


def _rank(row: dict[str, Any]) -> tuple[Any, ...]:
    return (-row["largest_component_loss"], -len(row.get("types_lost", [])), -row["cross_category_ties_lost"])


def _sort_partners(rows: list[dict[str, Any]]) -> None:
    """Sort partner rows by :func:`_rank`, then degree (both worst first), then name.

    In two stable passes, by name and then by one integer made of the four counts, so
    that Python compares strings with strings and integers with integers (100,000 rows:
    half the time of one sort by a tuple). The integer is ``(loss, types, crossing,
    degree)`` in one mixed radix, each count below its base, negated.

    >>> rows = [{"largest_component_loss": 0, "types_lost": [], "cross_category_ties_lost": c,
    ...          "degree": d, "name": n} for c, d, n in [(1, 2, "b"), (1, 3, "c"), (2, 1, "a"), (1, 2, "a")]]
    >>> _sort_partners(rows)
    >>> [(r["cross_category_ties_lost"], r["degree"], r["name"]) for r in rows]
    [(2, 1, 'a'), (1, 3, 'c'), (1, 2, 'a'), (1, 2, 'b')]
    """
    if not rows:
        return
    base = 1 + max(max(r["degree"], r["cross_category_ties_lost"]) for r in rows)
    kinds = 1 + max(len(r.get("types_lost", [])) for r in rows)

    def counts(r: dict[str, Any]) -> int:
        lost = r["largest_component_loss"] * kinds + len(r.get("types_lost", []))
        return -((lost * base + r["cross_category_ties_lost"]) * base + r["degree"])

    rows.sort(key=lambda r: str(r["name"]))
    rows.sort(key=counts)


@shares_cache
def resilience(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    include_contacts: bool = False,
    backend: str = "auto",
    roster: Roster | None = None,
) -> Resilience:
    """Simulate each partner and each champion leaving, one at a time.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    as_of : date or ISO str, optional
        The day whose current ties, agreements and awards make the network; its current
        agreements and awards are the formal ties (default today).
    include_contacts : bool
        Name the champions (personal data); otherwise they are shown by job title.
    backend : {"auto", "networkx", "igraph"}
        ``"igraph"`` (and ``"auto"`` above ``IGRAPH_THRESHOLD`` partners) gets every
        partner's departure from the block-cut tree in one pass (only cut points split a
        component) instead of recomputing components per partner. Same results.
    roster : Roster, optional
        Decides who is state level for the turnover scenario (default: the graph's own).

    Returns
    -------
    Resilience
        ``partners`` and ``people``, each ranked by what the network loses, worst first.
    """
    day = as_date(as_of)
    roster = resolve_roster(G, roster)
    P = partner_graph(G, day)
    info = partners(G)
    # The block-cut tree answers every removal at once and equals the one-by-one NetworkX
    # path (tests/analysis/test_fast_paths.py); removing partners one by one copies the graph
    # per partner, already 2-3 s at 300 partners, so "auto" takes it from a small size on.
    n = P.number_of_nodes()
    fast = use_igraph(backend, 0) or (backend == "auto" and n > RESILIENCE_FAST_ABOVE)
    if fast:
        from netmap.analysis._blockcut import removal_impacts

        core, removals = removal_impacts(P, native=use_igraph(backend, n))
    else:
        core, removals = _largest(P), None
    crossing, total_crossing = cross_counts(P, fast=use_igraph(backend, n))
    result = Resilience(len(core), total_crossing)
    same_kind = Counter((d.get("agency_type"), d.get("region")) for d in info.values())

    adjacency = P._adj  # the degree as P.degree(pid) counts it, without a view per partner
    rows = result.partners
    for pid, nbrs in adjacency.items():
        d = info[pid]
        # The only partner of its type in its region: the type goes missing with it.
        alone = same_kind[d.get("agency_type"), d.get("region")] == 1
        if removals is not None:
            largest, cut_off = removals[pid]
            impact = {
                "largest_component": largest,
                "largest_component_loss": len(cut_off),
                "cut_off": cut_off,
                "cross_category_ties_lost": crossing[pid],
            }
        else:
            after = P.copy()
            after.remove_node(pid)
            impact = _impact(P, after, core, pid)
        row = {"id": pid, "name": d.get("name"), "degree": len(nbrs) + (pid in nbrs), **impact}
        row["types_lost"] = [d.get("agency_type_name")] if alone else []
        rows.append(row)
    _sort_partners(rows)

    champions: dict[str, list[dict[str, Any]]] = {}
    for pid, person in _people(G):
        if person.get("champion") and pid in P:
            champions.setdefault(pid, []).append(person)

    # P holds only what is current on the day: a tie with no agreement and no award behind
    # it is informal, carried by people alone.
    def informal_ties(pid: str) -> list[tuple[str, str]]:
        return [
            (pid, other)
            for other in P.neighbors(pid)
            if not P.edges[pid, other]["agreements"] and not P.edges[pid, other]["awards"]
        ]

    for pid, people in champions.items():
        informal = informal_ties(pid)
        for number, person in enumerate(people, start=1):
            others = len(people) - 1
            after = P.copy()
            if not others:
                after.remove_edges_from(informal)
            row = {
                "partner": pid,
                "partner_name": info[pid].get("name"),
                "person": person.get("name") if include_contacts else (person.get("title") or f"champion {number}"),
                "other_champions": others,
                "informal_ties_lost": 0 if others else len(informal),
                **_impact(P, after, core, None),
            }
            result.people.append(row)
    result.people.sort(key=lambda r: (*_rank(r), -r["informal_ties_lost"], r["partner"]))

    # Turnover: the state government allies of one region leave together, as after a
    # change of administration (the Illinois case: first the commerce department's
    # contact, then the governor's office lead).
    allies: dict[str | None, list[str]] = {}
    for pid in champions:
        d = info[pid]
        if is_state_level(d, roster):
            allies.setdefault(d.get("region"), []).append(pid)
    for region, pids in allies.items():
        after = P.copy()
        gone = {frozenset(e) for pid in pids for e in informal_ties(pid)}
        after.remove_edges_from(tuple(e) for e in gone)
        result.turnover.append(
            {
                "region": region,
                "partners": pids,
                "partner_names": [info[p].get("name") for p in pids],
                "champions": sum(len(champions[p]) for p in pids),
                "informal_ties_lost": len(gone),
                **_impact(P, after, core, None),
            }
        )
    result.turnover.sort(key=lambda r: (-r["largest_component_loss"], -r["informal_ties_lost"], str(r["region"])))
    return result
