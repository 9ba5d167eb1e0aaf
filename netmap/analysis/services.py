"""The service inventory: which services reach which people, where, from whom, paid by what.

Read from the ``PROVIDES`` edges of a netmap graph (one per partner, service and
population; DESIGN section 5c and issue 20's contract). Only partners at the table (blank
or ``active`` status) are providers. A row's region is its own ``region`` cell, else its
provider's region.

Coverage
    Per region, a matrix of service x population whose cells list the providers. A
    service is the taxonomy entry the row's ``service_id`` names (or, for a graph built
    before that column existed, the entry its text matches); a text the taxonomy does not
    know keeps a row of its own, as written. A row with no population is a column
    "(any population)".
Deserts
    A population is *served* in a region when any provider serves it there. For a served
    population the *needed* services are: every step of each taxonomy pathway the population
    is on in the region, and the ``needs`` of every service it gets there. A population is on
    a pathway when it gets two of its steps there, or one step that no other pathway has (an
    assessment alone, shared by every pathway, does not say which way a person goes). A
    needed service with no provider for the population in the region is a desert.
    Populations of no region's cell and services the taxonomy does not know are
    never deserts.
Fragile and duplicated
    A cell with one provider is fragile (one departure empties it); one with
    :data:`DUPLICATED_AT` providers or more is duplicated, a coordination opportunity.
Capacity
    ``capacity`` (seats a year) and ``waitlist`` per region and population; a row serving
    two populations counts in each population's total but once in its region's. With a
    ``needs`` sheet (``G.graph["needs"]``: region, population, count), seats per 1,000.
Pathways
    For each pair of consecutive pathway steps, and each service and what it ``needs``, in
    each region where both services have providers: ``linked`` when one partner provides
    both, or a provider of one and a provider of the other have a current referral tie
    (a ``ties`` row of kind ``referral`` current on ``as_of`` by :mod:`netmap.project`'s
    rule, either direction, or a services row's ``refers_to`` / ``accepts_referrals_from``);
    else ``no-referral``. Where only one of the two has a provider it is ``step-missing``.
Funding
    A row's ``funding_id`` names an award: its stream pays for the service when the award
    is current on ``as_of``. A service whose current funding comes from one stream is
    single-stream.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for p in ("A", "B"):
...     _ = G.add_node(f"Partner:{p}", label="Partner", id=p, name=p, region="North")
>>> _ = G.add_node("Population:youth", label="Population", id="youth", name="Youth")
>>> for p, s in (("A", "assessment"), ("B", "training")):
...     _ = G.add_node(f"Service:{s}", label="Service", id=s, name=s)
...     _ = G.add_edge(f"Partner:{p}", f"Service:{s}", type="PROVIDES", service_id=s, population="youth")
>>> inv = service_inventory(G, as_of="2026-12-07")
>>> sorted(d["service"] for d in inv.deserts)[:3]
['adult-education', 'child-care', 'financial-coaching']
>>> [(p["from"], p["to"], p["state"]) for p in inv.pathways if p["state"] == "no-referral"]
[('assessment', 'training', 'no-referral')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.analysis._common import as_date, current_edges, edges_of, is_active, nodes_of, partners
from netmap.build import funding_stream_names, provides_edges
from netmap.errors import UsageError
from netmap.graphcache import tables_of
from netmap.ingest.validate import Tables
from netmap.project import CURRENT, award_state, span_state
from netmap.roster import slug
from netmap.services import ServiceTaxonomy, load_taxonomy

__all__ = ["ANY_POPULATION", "DUPLICATED_AT", "ServiceInventory", "has_services", "service_inventory"]

# A cell with this many providers or more is duplication: a coordination opportunity.
DUPLICATED_AT = 3
ANY_POPULATION = "(any population)"
NO_REGION = "(no region)"
_DATA = itemgetter(2)  # an edge's data, of a (u, v, data) tuple
_KIND = methodcaller("get", "kind")


def has_services(G: nx.MultiDiGraph) -> bool:
    """Whether ``G`` has any services row (a ``PROVIDES`` edge)."""
    tables = tables_of(G)
    if tables is not None:  # every services row makes one edge at least
        return bool(tables["services"])
    return bool(edges_of(G, "PROVIDES"))


@dataclass
class ServiceInventory:
    """Result of :func:`service_inventory`; ``to_dict()`` keys are stable."""

    as_of: dt.date
    taxonomy: str
    region: str | None = None
    regions: list[dict[str, Any]] = field(default_factory=list)
    deserts: list[dict[str, Any]] = field(default_factory=list)
    capacity: list[dict[str, Any]] = field(default_factory=list)
    capacity_by_region: list[dict[str, Any]] = field(default_factory=list)
    pathways: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cells(self) -> list[dict[str, Any]]:
        """Every cell with a provider, region by region."""
        return [c for r in self.regions for c in r["cells"]]

    @property
    def fragile(self) -> list[dict[str, Any]]:
        return [c for c in self.cells if c["population"] is not None and len(c["providers"]) == 1]

    @property
    def duplicated(self) -> list[dict[str, Any]]:
        return [c for c in self.cells if len(c["providers"]) >= DUPLICATED_AT]

    @property
    def missing_referrals(self) -> list[dict[str, Any]]:
        return [p for p in self.pathways if p["state"] == "no-referral"]

    @property
    def single_stream(self) -> list[dict[str, Any]]:
        return [f for f in self.funding if len(f["streams"]) == 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "taxonomy": self.taxonomy,
            "region": self.region,
            "duplicated_at": DUPLICATED_AT,
            "regions": self.regions,
            "deserts": self.deserts,
            "fragile": self.fragile,
            "duplicated": self.duplicated,
            "capacity": self.capacity,
            "capacity_by_region": self.capacity_by_region,
            "pathways": self.pathways,
            "missing_referrals": self.missing_referrals,
            "funding": self.funding,
            "single_stream": self.single_stream,
        }


def _taxonomy(taxonomy: ServiceTaxonomy | str | Path | None) -> ServiceTaxonomy:
    return taxonomy if isinstance(taxonomy, ServiceTaxonomy) else load_taxonomy(taxonomy)


def service_inventory(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    taxonomy: ServiceTaxonomy | str | Path | None = None,
    region: str | None = None,
) -> ServiceInventory:
    """The service inventory of ``G`` on ``as_of`` (see the module docstring for every rule).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    as_of : date or ISO str, optional
        The day (default today): only referral ties and awards current then count.
    taxonomy : ServiceTaxonomy, name or path, optional
        The services, pathways and needs (default the shipped ``career-services``).
    region : str, optional
        Keep this region's rows only (as the map spells it; "north" finds "North").

    Returns
    -------
    ServiceInventory
        ``regions`` (each with its ``populations``, ``services`` and ``cells``),
        ``deserts``, ``fragile``, ``duplicated``, ``capacity``, ``capacity_by_region``,
        ``pathways`` (with ``missing_referrals``), ``funding`` and ``single_stream``.

    Raises
    ------
    UsageError
        ``region`` is not a region of the inventory or the map.

    Examples
    --------
    >>> import netmap
    >>> inv = service_inventory(netmap.read_graph("examples/tucson-behavioral-health"), as_of="2026-11-24")
    >>> inv.regions[0]["region"] is None or isinstance(inv.regions[0]["region"], str)
    True
    """
    day = as_date(as_of)
    tax = _taxonomy(taxonomy)
    info = partners(G, active_only=False)
    tables = tables_of(G)
    provided: Iterable[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]
    if tables is not None:  # the same edges and nodes from the rows, without building a deferred graph
        populations, edges = provides_edges(tables, map_id=G.graph["map_id"])
        pop_names = {k: name or k for k, name in populations.items()}
        provided = ((info[pid], service, d) for pid, service, d in edges)
    else:
        nodes = G._node
        pop_names = {d["id"]: d.get("name") or d["id"] for d in nodes_of(G, "Population").values()}
        provided = ((nodes.get(u) or {}, nodes.get(v) or {}, d) for u, v, d in edges_of(G, "PROVIDES"))

    # One record per current provider row (a PROVIDES edge).
    rows: list[dict[str, Any]] = []
    for p, service, d in provided:
        if not is_active(p) or "id" not in p:
            continue
        sid, sname, known = _service_of(d, service, tax)
        rows.append(
            {
                "partner": p["id"],
                "region": d.get("region") or p.get("region"),
                "service": sid,
                "service_name": sname,
                "known": known,
                "population": d.get("population"),
                "data": d,
            }
        )
    if region is not None:
        known_regions = {r["region"] for r in rows if r["region"]} | {d.get("region") for d in info.values()}
        found = [r for r in known_regions if r and (r == region or slug(r) == slug(region))]
        if not found:
            names = sorted(r for r in known_regions if r)
            raise UsageError(f"no region {region!r} in this map; its regions are: {', '.join(names) or 'none'}")
        region = found[0]
        rows = [r for r in rows if r["region"] == region]

    result = ServiceInventory(day, tax.name, region)
    names = {pid: d.get("name") or pid for pid, d in info.items()}
    _coverage(result, rows, tax, names, pop_names)
    _capacity(result, rows, pop_names, G.graph.get("needs") or [])
    _pathways(result, rows, tax, names, _referrals(G, rows, day, tables))
    _funding(result, rows, _awards(G, tables), day, names)
    return result


def _service_of(d: dict[str, Any], node: dict[str, Any], tax: ServiceTaxonomy) -> tuple[str, str, bool]:
    """(id, name, in the taxonomy) of a PROVIDES edge's service."""
    written = d.get("service_as_written") or node.get("name") or node.get("id") or "?"
    if "service_id" in d:  # validated against a taxonomy: None means it matched none
        found = tax.services.get(d["service_id"]) if d["service_id"] else None
    else:  # a graph built before the column: match the text as validation would
        found = tax.match(written)
    if found is not None:
        return found.id, found.name, True
    return "other:" + str(node.get("id") or slug(written)), str(written), False


def _region_key(region: str | None) -> str:
    return "" if region is None else str(region)


def _coverage(
    result: ServiceInventory,
    rows: list[dict[str, Any]],
    tax: ServiceTaxonomy,
    names: dict[str, str],
    pop_names: dict[str, str],
) -> None:
    order = list(tax.services)
    by_region: dict[str | None, list[dict[str, Any]]] = {}
    for r in rows:
        by_region.setdefault(r["region"], []).append(r)
    for region in sorted(by_region, key=lambda x: (x is None, _region_key(x))):
        mine = by_region[region]
        cells: dict[tuple[str, str | None], dict[str, Any]] = {}
        service_names: dict[str, str] = {}
        listed_in: dict[tuple[str, str | None], set[str]] = {}  # the provider ids of each cell
        for r in mine:
            service_names[r["service"]] = r["service_name"]
            key = (r["service"], r["population"])
            cell = cells.get(key)
            if cell is None:  # made once per cell, not per row
                population = r["population"]
                cell = cells[key] = {
                    "region": region,
                    "service": r["service"],
                    "service_name": r["service_name"],
                    "known": r["known"],
                    "population": population,
                    "population_name": pop_names.get(population, population) if population else ANY_POPULATION,
                    "providers": [],
                }
                listed_in[key] = set()
            listed = listed_in[key]
            if r["partner"] not in listed:
                listed.add(r["partner"])
                cell["providers"].append({"id": r["partner"], "name": names.get(r["partner"], r["partner"])})
        pops = sorted({r["population"] for r in mine if r["population"]}, key=lambda p: pop_names.get(p, p))

        def rank(sid: str, named: dict[str, str] = service_names) -> tuple[int, str]:
            return (order.index(sid), "") if sid in order else (len(order), named[sid])

        services = sorted(service_names, key=rank)
        for c in cells.values():
            c["providers"].sort(key=lambda p: str(p["name"]))
        ordered = sorted(
            cells.values(), key=lambda c: (rank(c["service"]), c["population"] is None, c["population_name"])
        )
        result.regions.append(
            {
                "region": region,
                "region_name": region if region is not None else NO_REGION,
                "populations": [{"id": p, "name": pop_names.get(p, p)} for p in pops]
                + ([{"id": None, "name": ANY_POPULATION}] if any(r["population"] is None for r in mine) else []),
                "services": [{"id": s, "name": service_names[s], "known": s in tax.services} for s in services],
                "cells": ordered,
            }
        )
        # Deserts: the services a served population needs and gets from no one here.
        served: dict[str | None, set[str]] = {}  # population -> the taxonomy's services it gets here
        for s, p in cells:
            if s in tax.services:
                served.setdefault(p, set()).add(s)
        for pop in pops:
            gets = served.get(pop, set())
            needed: dict[str, list[str]] = {}
            for pw in tax.pathways:
                on = gets & set(pw.steps)
                own = {s for s in on if not any(s in other.steps for other in tax.pathways if other is not pw)}
                if len(on) >= 2 or own:
                    for step in pw.steps:
                        needed.setdefault(step, []).append(f"pathway {pw.name}")
            for s in sorted(gets):
                for n in tax.services[s].needs:
                    needed.setdefault(n, []).append(f"needed by {tax.services[s].name}")
            for s in sorted(needed, key=order.index):
                if s in gets:
                    continue
                result.deserts.append(
                    {
                        "region": region,
                        "region_name": region if region is not None else NO_REGION,
                        "population": pop,
                        "population_name": pop_names.get(pop, pop),
                        "service": s,
                        "service_name": tax.services[s].name,
                        "why": list(dict.fromkeys(needed[s])),
                    }
                )


def _capacity(
    result: ServiceInventory, rows: list[dict[str, Any]], pop_names: dict[str, str], needs: list[dict[str, Any]]
) -> None:
    counts: dict[tuple[str, str], float] = {}
    for n in needs:
        if n.get("count") is None:
            continue
        pop = n.get("population")
        key = (slug(str(n.get("region") or "")), slug(str(pop or "")))
        counts[key] = counts.get(key, 0) + float(n["count"])
    per: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    regions: dict[str | None, dict[str, Any]] = {}
    for r in rows:
        d = r["data"]
        cap, wait = d.get("capacity"), d.get("waitlist")
        if cap is None and wait is None:
            continue
        row_id = (d.get("_sheet"), d.get("_row"), r["partner"], r["service"])
        entry = per.setdefault(
            (r["region"], r["population"]),
            {"seats": 0, "waitlist": 0, "rows": set(), "priced": 0},
        )
        reg = regions.setdefault(r["region"], {"seats": 0, "waitlist": 0, "rows": set()})
        for target in (entry, reg):
            if row_id in target["rows"] and d.get("_row") is not None:
                continue  # the same row seen through its second population
            target["rows"].add(row_id)
            target["seats"] += cap or 0
            target["waitlist"] += wait or 0
    for (region, pop), e in sorted(per.items(), key=lambda kv: (_region_key(kv[0][0]), _region_key(kv[0][1]))):
        name = pop_names.get(pop, pop) if pop else ANY_POPULATION
        count = None
        if pop is not None:
            count = counts.get((slug(region or ""), slug(pop))) or counts.get((slug(region or ""), slug(name)))
        result.capacity.append(
            {
                "region": region,
                "population": pop,
                "population_name": name,
                "seats": e["seats"],
                "waitlist": e["waitlist"],
                "people": count,
                "seats_per_1000": round(1000 * e["seats"] / count, 1) if count else None,
            }
        )
    result.capacity_by_region = [
        {"region": region, "seats": e["seats"], "waitlist": e["waitlist"]}
        for region, e in sorted(regions.items(), key=lambda kv: _region_key(kv[0]))
    ]


def _referrals(
    G: nx.MultiDiGraph, rows: list[dict[str, Any]], day: dt.date, tables: Tables | None
) -> dict[str, set[str]]:
    """Partner id -> the partners it has a current referral tie with, either direction.

    Only the ties between two providers of ``rows`` are kept: the pathways ask about no
    other partner. Read from the ``ties`` rows when ``G`` carries its ``tables``; a set
    per partner, so the order the ties are read in does not matter.
    """
    referred: dict[str, set[str]] = {}

    def link(a: str, b: str) -> None:
        found = referred.get(a)
        if found is None:
            referred[a] = {b}
        else:
            found.add(b)

    providers = {r["partner"] for r in rows}
    pairs: Iterable[tuple[Any, Any]]
    if tables is not None:
        # A tie's end that no partner of the map has is no provider: providers are partners.
        pairs = _referral_rows(tables, day)
    else:
        nodes = G._node
        pairs = (
            ((nodes.get(u) or {}).get("id"), (nodes.get(v) or {}).get("id"))
            for u, v, _ in _referral_ties(current_edges(G, "TIED_TO", day))
            if u != v
        )
    for a, b in pairs:
        if a and b and a != b and a in providers and b in providers:
            link(a, b)
            link(b, a)
    for r in rows:
        for other in [*(r["data"].get("refers_to") or ()), *(r["data"].get("accepts_referrals_from") or ())]:
            if other and other != r["partner"] and str(other) != r["partner"]:
                link(r["partner"], str(other))
                link(str(other), r["partner"])
    return referred


def _referral_ties(ties: list[tuple[str, str, dict[str, Any]]]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """The ties whose kind is ``referral`` (by its slug), in their order.

    A map has a handful of kinds and most ties are not referrals: the kinds are read and
    the ties picked at C speed (``map``, ``compress``), each kind judged once.
    """
    kinds = list(map(_KIND, map(_DATA, ties)))
    try:
        wanted = {k for k in set(kinds) if slug(str(k or "")) == "referral"}
    except TypeError:  # a kind that is no text (a graph put together by hand): one by one
        return [e for e, k in zip(ties, kinds, strict=True) if slug(str(k or "")) == "referral"]
    if not wanted:
        return []
    return compress(ties, map(wanted.__contains__, kinds))


def _referral_rows(tables: Tables, day: dt.date) -> list[tuple[str, str]]:
    """(source, target) of the ``ties`` rows current on ``day`` whose kind (``collaboration``
    when blank, as the graph has it) is ``referral`` by its slug: the rows of
    :func:`_referral_ties` of the graph's current ties."""
    # A handful of kinds, most ties no referral: each kind judged once, the ties picked at C speed.
    kinds = tables.column("ties", "kind")
    wanted = {k for k in set(kinds) if slug(str(k or "collaboration")) == "referral"}
    if not wanted:
        return []
    rows = tables.tuples("ties", "source_id", "target_id", "start", "end")
    return [
        (source, target)
        for source, target, start, end in compress(rows, map(wanted.__contains__, kinds))
        if (start is None and end is None) or span_state(start, end, day) == CURRENT
    ]


def _pathways(
    result: ServiceInventory,
    rows: list[dict[str, Any]],
    tax: ServiceTaxonomy,
    names: dict[str, str],
    referred: dict[str, set[str]],
) -> None:
    providers: dict[tuple[str | None, str], set[str]] = {}
    for r in rows:
        providers.setdefault((r["region"], r["service"]), set()).add(r["partner"])
    pairs: list[tuple[str, str, str, str]] = []  # kind, id, from, to
    for pw in tax.pathways:
        pairs += [("pathway", pw.id, a, b) for a, b in zip(pw.steps, pw.steps[1:], strict=False)]
    for s in tax.services.values():
        pairs += [("needs", s.id, s.id, n) for n in s.needs]
    pw_names = {pw.id: pw.name for pw in tax.pathways}
    listed: dict[tuple[str | None, str], list[str]] = {}  # the sorted names of a step's providers

    def named(region: str | None, service: str, ids: set[str]) -> list[str]:
        found = listed.get((region, service))
        if found is None:
            found = listed[region, service] = sorted(names.get(x, x) for x in ids)
        return list(found)

    regions = sorted({r["region"] for r in rows}, key=lambda x: (x is None, _region_key(x)))
    for region in regions:
        for kind, ident, a, b in pairs:
            pa, pb = providers.get((region, a), set()), providers.get((region, b), set())
            if not pa and not pb:
                continue
            if kind == "needs" and not pa:
                continue  # nobody offers the service here: what it needs does not matter
            if not pa or not pb:
                state = "step-missing"
            # A referral between a provider of each (each partner's referral partners: one
            # set test per provider of the first step, not a lookup per pair).
            elif pa & pb or any(not pb.isdisjoint(referred.get(x, ())) for x in pa):
                state = "linked"
            else:
                state = "no-referral"
            result.pathways.append(
                {
                    "kind": kind,
                    "pathway": ident if kind == "pathway" else None,
                    "pathway_name": pw_names.get(ident) if kind == "pathway" else None,
                    "region": region,
                    "region_name": region if region is not None else NO_REGION,
                    "from": a,
                    "from_name": tax.services[a].name,
                    "to": b,
                    "to_name": tax.services[b].name,
                    "from_providers": named(region, a, pa),
                    "to_providers": named(region, b, pb),
                    "state": state,
                }
            )


def _awards(G: nx.MultiDiGraph, tables: Tables | None) -> dict[Any, tuple[Any, dict[str, Any]]]:
    """Award id -> (the name of its stream, its ``start``/``end``): the ``FUNDS`` edges, or
    the ``funding`` rows they are made of when ``G`` carries its ``tables``."""
    if tables is not None:
        # A stream's node is named by its first row; award ids are unique (validation).
        streams = funding_stream_names(tables)
        found: dict[Any, tuple[Any, dict[str, Any]]] = {}
        for f in tables["funding"]:
            if f["id"]:
                key = slug(f["stream"])
                found[f["id"]] = (streams[key] or key, f)
        return found
    nodes = G._node
    return {
        d.get("award_id"): (nodes[u].get("name") or nodes[u].get("id"), d)
        for u, _, d in edges_of(G, "FUNDS")
        if d.get("award_id")
    }


def _funding(
    result: ServiceInventory,
    rows: list[dict[str, Any]],
    awards: dict[Any, tuple[Any, dict[str, Any]]],
    day: dt.date,
    names: dict[str, str],
) -> None:
    by_service: dict[str, dict[str, Any]] = {}
    for r in rows:
        award = r["data"].get("funding_id")
        if not award:
            continue
        found = awards.get(award)
        entry = by_service.setdefault(
            r["service"],
            {
                "service": r["service"],
                "service_name": r["service_name"],
                "streams": set(),
                "awards": set(),
                "not_current": set(),
                "providers": set(),
            },
        )
        if found is None or award_state(found[1], day) != CURRENT:
            entry["not_current"].add(award)  # unknown, ended or planned: pays for nothing today
            continue
        entry["streams"].add(found[0])
        entry["awards"].add(award)
        entry["providers"].add(names.get(r["partner"], r["partner"]))
    for e in sorted(by_service.values(), key=lambda e: str(e["service_name"])):
        result.funding.append({k: sorted(v) if isinstance(v, set) else v for k, v in e.items()})
