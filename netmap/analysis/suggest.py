"""Who could fill each gap, and which introductions would bridge the largest holes.

Two kinds of suggestion, both explained in words a state team can act on:

- **candidates**: for each agency type missing in a region (or at state level), the
  organisations of a directory (a netmap ``partners`` sheet or an HSDS package) that are
  of that type and in or near that region, and not partners yet. "Near" is read from
  the network itself: a region whose partners already work with this region's partners.
  Candidates are ranked by fit (see :func:`fit_score`): how surely they are of the type,
  where they are, the services they bring and their capacity.
- **introductions**: for the pairs of categories with the fewest ties between them (the
  largest structural holes), pairs of existing partners across the hole who have no tie
  but share partners — link prediction by common neighbours, ties broken by the
  Adamic-Adar index — each explained as "X and Y share 3 partners but have no tie".

Everything is ranked deterministically (scores, then names, then ids), so the same
inputs give the same list.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> directory = [{"id": "D1", "name": "Pima County WIB", "agency_type_id": "local-wib", "region": "Pima County"}]
>>> result = suggest(G, directory)
>>> [(g.agency_type, [c.name for c in g.candidates]) for g in result.gaps if g.candidates]
[('Local WIB', ['Pima County WIB'])]
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.analysis._common import partner_graph, partners, resolve_roster, shares_cache
from netmap.analysis.gaps import MISSING, TypeStatus, roster_gaps
from netmap.graphcache import edges_of
from netmap.roster import Roster, normalize
from netmap.services import ServiceTaxonomy, load_taxonomy

__all__ = ["Candidate", "GapCandidates", "Hole", "Introduction", "Suggestions", "fit_score", "suggest"]

# How near a candidate is to the region of the gap, best first.
IN_REGION, NEAR, REGION_UNKNOWN, ELSEWHERE = "in region", "near", "region not given", "elsewhere"

# How surely a directory organisation is of the missing type.
EXACT, ALIAS, TERM = "exact", "alias", "directory term"

# The fit score, out of 100 (see fit_score). The steps are chosen so that a surer type
# outweighs a nearer place (a neighbouring region's exact type before an alias in the
# region), a nearer place outweighs services and capacity together (at most 9 points),
# and anywhere else comes after every candidate of the same type strength nearby.
TYPE_POINTS = 60.0
TYPE_STRENGTH = {EXACT: 1.0, ALIAS: 0.75, TERM: 0.7}
PLACE_POINTS = {IN_REGION: 30.0, NEAR: 20.0, REGION_UNKNOWN: 10.0, ELSEWHERE: 0.0}
POPULATION_POINTS = 3.0  # serves the population a population gap is about
NEW_SERVICE_POINTS, NEW_SERVICES_MAX = 1.0, 3  # per service nobody in the scope provides yet
CAPACITY_POINTS_MAX = 3.0  # one per order of magnitude of seats: 9 -> 1, 99 -> 2, 999 -> 3


@dataclass
class Candidate:
    """A directory organisation that could fill a gap."""

    id: str
    name: str
    region: str | None
    nearness: str
    reason: str  # where it is, relative to the gap's region
    source_row: int | None = None
    score: float = 0.0  # the fit, out of 100 (see fit_score)
    components: dict[str, Any] = field(default_factory=dict)
    why: str = ""  # every component in words: "same region (North); exact type; provides training; 40 seats"

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "components": dict(self.components)}


@dataclass
class GapCandidates:
    """One missing agency type in one scope, with the candidates for it, best first."""

    level: str
    region: str | None
    category: str
    agency_type_id: str
    agency_type: str
    candidates: list[Candidate] = field(default_factory=list)
    more: int = 0  # candidates beyond ``top``
    prospective: list[str] = field(default_factory=list)  # already listed as prospective partners
    # "roster": the type is missing from the recommended team; "population": partners serve a
    # population that calls for this type, and no partner of it serves them.
    kind: str = "roster"
    population: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "region": self.region,
            "category": self.category,
            "agency_type_id": self.agency_type_id,
            "agency_type": self.agency_type,
            "candidates": [c.to_dict() for c in self.candidates],
            "more": self.more,
            "prospective": list(self.prospective),
            "kind": self.kind,
            "population": self.population,
        }


@dataclass
class Introduction:
    """Two partners across a hole who share partners but have no tie."""

    source: str
    source_name: str
    target: str
    target_name: str
    shared: int
    shared_names: list[str]
    adamic_adar: float
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Hole:
    """A pair of categories with few ties between them, and introductions across it."""

    category_a: str
    category_b: str
    partners_a: int
    partners_b: int
    ties: int
    density: float
    introductions: list[Introduction] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "category_a": self.category_a,
            "category_b": self.category_b,
            "partners_a": self.partners_a,
            "partners_b": self.partners_b,
            "ties": self.ties,
            "density": self.density,
            "introductions": [i.to_dict() for i in self.introductions],
        }


@dataclass
class Suggestions:
    """Result of :func:`suggest`."""

    gaps: list[GapCandidates]
    holes: list[Hole]
    directory: dict[str, int]
    already_partners: list[dict[str, Any]]
    # Where the directory came from (its file or folder name; never a full path).
    source: str = "directory"

    def to_dict(self) -> dict[str, Any]:
        return {
            "gaps": [g.to_dict() for g in self.gaps],
            "holes": [h.to_dict() for h in self.holes],
            "directory": dict(self.directory),
            "already_partners": list(self.already_partners),
        }


def _records(directory: Any) -> list[Mapping[str, Any]]:
    """Directory rows from validated tables (``tables["partners"]``) or plain dicts."""
    if hasattr(directory, "records"):
        return list(directory["partners"])
    return list(directory)


def _region_neighbours(P: nx.Graph, everyone: dict[str, dict[str, Any]]) -> dict[str, Counter]:
    """For each region, how many ties its partners have with each other region's partners."""
    near: dict[str, Counter] = defaultdict(Counter)
    for u, v in P.edges():
        ru, rv = everyone.get(u, {}).get("region"), everyone.get(v, {}).get("region")
        if ru and rv and ru != rv:
            near[ru][rv] += 1
            near[rv][ru] += 1
    return near


def _type_match(row: Mapping[str, Any], roster: Roster) -> tuple[str, float, str | None]:
    """How surely a directory row is of its agency type: (strength, share, the words that matched).

    ``exact``: its agency type is written as the type's name or id; ``alias``: through one
    of the roster's aliases (or a level-neutral word such as "workforce board");
    ``directory term``: an HSDS organisation whose type netmap read off its services'
    taxonomy terms. ``share`` is ``agency_type_share`` when the directory gives it (the
    share of the organisation's terms that map to this type), else 1.0.
    """
    share = _number(_field(row, "agency_type_share"))
    share = 1.0 if share is None else min(1.0, max(0.0, share))
    written = row.get("agency_type")
    if _field(row, "hsds_terms"):
        return TERM, share, str(written) if written else None
    if not written:  # a plain dict that names the type id itself
        return EXACT, share, None
    atype = roster.agency_types.get(str(row.get("agency_type_id")))
    key = normalize(str(written))
    if atype is not None and key in (normalize(atype.id), normalize(atype.name)):
        return EXACT, share, str(written)
    return ALIAS, share, str(written)


def _number(value: Any) -> float | None:
    """A number from a cell that may be text ("0.6", "40"), or None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _field(row: Mapping[str, Any], key: str) -> Any:
    """A column of a row, or of its ``extra`` (a column the sheet's spec does not list)."""
    value = row.get(key)
    return (row.get("extra") or {}).get(key) if value is None else value


def _service_id(row: Mapping[str, Any], taxonomy: ServiceTaxonomy) -> str | None:
    """The taxonomy id of a services row: its ``service_id``, else its text matched."""
    if _field(row, "service_id"):
        return str(_field(row, "service_id"))
    text = row.get("service_as_written", row.get("service"))
    found = taxonomy.match(str(text)) if text else None
    return found.id if found else None


def _populations(row: Mapping[str, Any]) -> set[str]:
    """The population ids (and names as written) of a services row."""
    out = set()
    for key in ("population_id", "population", "population_ids", "populations"):
        value = row.get(key)
        for one in value if isinstance(value, list | tuple) else [value]:
            if one:
                out.add(normalize(str(one)))
    return out


@dataclass
class _Offer:
    """What a directory organisation provides, from the directory's services rows."""

    services: list[str] = field(default_factory=list)  # taxonomy ids, in taxonomy order
    populations: set[str] = field(default_factory=set)
    capacity: int | None = None


def _offers(directory: Any, rows: list[Mapping[str, Any]], taxonomy: ServiceTaxonomy) -> dict[str, _Offer]:
    """Directory id -> its offer: the ``services`` rows of validated tables, or a dict's ``services`` list."""
    by_partner: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    if hasattr(directory, "records"):
        for s in directory["services"]:
            by_partner[str(s.get("partner_id"))].append(s)
    for row in rows:
        for s in row.get("services") or ():
            by_partner[str(row.get("id"))].append(s if isinstance(s, Mapping) else {"service": s})
    order = {sid: i for i, sid in enumerate(taxonomy.services)}
    out = {}
    for pid, services in by_partner.items():
        offer = _Offer()
        ids = {sid for s in services if (sid := _service_id(s, taxonomy)) in order}
        offer.services = sorted(ids, key=order.__getitem__)
        seats, counted = 0, set()
        for s in services:
            offer.populations |= _populations(s)
            # A row with two populations is one set of seats: count each sheet row once.
            where = (s.get("_sheet"), s.get("_row")) if s.get("_row") is not None else id(s)
            capacity = _number(_field(s, "capacity"))
            if capacity is not None and capacity >= 0 and where not in counted:
                counted.add(where)
                seats += int(capacity)
        offer.capacity = seats if counted else None
        out[pid] = offer
    return out


def _provided(G: nx.MultiDiGraph, everyone: dict[str, dict[str, Any]], taxonomy: ServiceTaxonomy) -> dict:
    """Region (None: the whole map) -> taxonomy ids some current partner of the map provides there."""
    out: dict[str | None, set[str]] = defaultdict(set)
    for u, _v, data in edges_of(G, "PROVIDES"):
        pid = str(G.nodes[u].get("id", u))
        if pid not in everyone:
            continue
        sid = _service_id(data, taxonomy)
        if sid is None:
            continue
        region = data.get("region") or everyone[pid].get("region")
        out[None].add(sid)
        if region:
            out[normalize(str(region))].add(sid)
    return out


def fit_score(
    strength: str, share: float, place: str, *, serves_population: bool | None, new_services: int, capacity: int | None
) -> float:
    """The fit of a candidate to a gap, out of 100.

    - type (up to 60): 60 x strength x share, strength 1 for the exact type, 0.75 through
      an alias, 0.7 read off the directory's taxonomy terms; share, the part of the
      organisation's terms that map to the type (1 when the directory does not say);
    - place (up to 30): 30 in the gap's region (at state level: statewide or in one of
      the map's regions), 20 in a neighbouring region (one whose partners have current
      ties with the region's), 10 when the directory gives no region, 0 elsewhere;
    - services (up to 6): 3 when it serves the population a population gap is about,
      1 per service it provides that no current partner in the scope provides (up to 3);
    - capacity (up to 3): one point per order of magnitude of its seats (9 -> 1, 99 -> 2).

    >>> fit_score("exact", 1.0, "in region", serves_population=None, new_services=0, capacity=None)
    90.0
    >>> fit_score("exact", 1.0, "near", serves_population=None, new_services=0, capacity=None)
    80.0
    >>> fit_score("alias", 1.0, "in region", serves_population=True, new_services=2, capacity=40)
    81.61
    """
    points = TYPE_POINTS * TYPE_STRENGTH[strength] * share + PLACE_POINTS[place]
    points += POPULATION_POINTS if serves_population else 0.0
    points += NEW_SERVICE_POINTS * min(new_services, NEW_SERVICES_MAX)
    if capacity:
        points += min(CAPACITY_POINTS_MAX, math.log10(1 + capacity))
    return round(points, 2)


def _candidates_for(
    gap: Any,
    pool: list[Mapping[str, Any]],
    near: dict[str, Counter],
    own_regions: set[str],
    fit: _Fit,
    *,
    anywhere: bool,
    population_id: str | None = None,
) -> list[Candidate]:
    region = gap.region
    key = normalize(region) if region else None
    neighbours = {normalize(r): (r, n) for r, n in near.get(region, Counter()).items()} if region else {}
    already_here = fit.provided.get(key, set())
    population = fit.roster.populations.get(population_id) if population_id else None
    found = []
    for row in pool:
        if row.get("agency_type_id") != gap.agency_type_id:
            continue
        where = row.get("region")
        where_key = normalize(where) if where else None
        if where_key is not None and where_key == key:
            tier, reason, place = IN_REGION, f"in {where}", f"same region ({where})"
        elif key is None and (where_key is None or where_key in own_regions):
            # A state-level gap: a statewide organisation, or one placed in a region of this map.
            tier = IN_REGION
            reason = f"in {where}" if where else "statewide"
            place = f"in this map's region {where}" if where else "statewide"
        elif where_key in neighbours:
            other, ties = neighbours[where_key]
            tier = NEAR
            s = "s" if ties != 1 else ""
            reason = f"in {other}, whose partners have {ties} tie{s} with {region}'s"
            place = f"neighbouring region ({other}: {ties} tie{s} with {region})"
        elif not where:
            tier, reason, place = REGION_UNKNOWN, "the directory gives no region", "region not given"
        elif anywhere:
            tier, reason = ELSEWHERE, f"in {where}, outside this map's regions"
            place = f"elsewhere ({where}, not tied to {region or 'this map'})"
        else:
            continue
        strength, share, written = _type_match(row, fit.roster)
        offer = fit.offers.get(str(row["id"]), _Offer())
        new = [sid for sid in offer.services if sid not in already_here]
        serves = None
        if population is not None:
            serves = bool(offer.populations & {normalize(population.id), normalize(population.name)})
        score = fit_score(
            strength, share, tier, serves_population=serves, new_services=len(new), capacity=offer.capacity
        )
        names = fit.taxonomy.services
        components = {
            "type_match": strength,
            "type_share": round(share, 4),
            "place": tier,
            "services": [names[sid].name for sid in offer.services],
            "new_services": [names[sid].name for sid in new],
            "serves_population": serves,
            "capacity": offer.capacity,
        }
        why = [place, _type_words(strength, share, written)]
        if serves:
            why.append(f"serves {population.name.casefold()}")
        if offer.services:
            provides = "provides " + ", ".join(names[sid].name.casefold() for sid in offer.services)
            if new and len(new) < len(offer.services):
                provides += f" (new to {region or 'the map'}: {', '.join(names[sid].name.casefold() for sid in new)})"
            elif new:
                provides += f" (new to {region or 'the map'})"
            why.append(provides)
        if offer.capacity is not None:
            why.append(f"{offer.capacity} seat{'s' if offer.capacity != 1 else ''}")
        found.append(
            (
                (-score, str(row.get("name") or "").casefold(), str(row["id"])),
                Candidate(
                    str(row["id"]),
                    str(row.get("name") or row["id"]),
                    where,
                    tier,
                    reason,
                    row.get("_row"),
                    score,
                    components,
                    "; ".join(why),
                ),
            )
        )
    found.sort(key=lambda pair: pair[0])
    return [c for _, c in found]


def _type_words(strength: str, share: float, written: str | None) -> str:
    if strength == EXACT:
        words = "exact type"
    elif strength == ALIAS:
        words = f"type through the alias {written!r}"
    else:
        words = "type from the directory's service terms"
    if share < 1:
        words += f" ({share:.0%} of its terms)"
    return words


@dataclass
class _Fit:
    """What ranking needs besides the gap: the roster, the taxonomy, offers, services in the map."""

    roster: Roster
    taxonomy: ServiceTaxonomy
    offers: dict[str, _Offer]
    provided: dict[str | None, set[str]]


def _holes(
    P: nx.Graph, roster: Roster, everyone: dict[str, dict[str, Any]], *, holes: int, per_hole: int
) -> list[Hole]:
    members: dict[str, list[str]] = defaultdict(list)
    for pid in P.nodes:
        category = everyone.get(pid, {}).get("category")
        if category:
            members[category].append(pid)
    between: Counter = Counter()
    for u, v in P.edges():
        cu, cv = everyone.get(u, {}).get("category"), everyone.get(v, {}).get("category")
        if cu and cv and cu != cv:
            between[tuple(sorted((cu, cv)))] += 1
    order = [c for c in roster.categories if c in members] + sorted(c for c in members if c not in roster.categories)
    pairs = []
    for a, b in combinations(order, 2):
        size = len(members[a]) * len(members[b])
        ties = between[tuple(sorted((a, b)))]
        # Fewest ties for the number of possible ties: the widest holes first; the bigger
        # the two groups, the more an introduction across them can carry.
        pairs.append((ties / size, -size, order.index(a), order.index(b), a, b, ties))
    pairs.sort()
    degree = dict(P.degree())

    def name(pid: str) -> str:
        return str(everyone.get(pid, {}).get("name") or pid)

    def category_name(c: str) -> str:
        return roster.categories[c].name if c in roster.categories else c

    result = []
    for density, _size, _ia, _ib, a, b, ties in pairs:
        if len(result) >= holes:
            break
        in_b = set(members[b])
        scored = []
        for x in members[a]:
            # Two steps from x into b: the candidates that share at least one partner with x.
            shared_with: dict[str, list[str]] = defaultdict(list)
            for z in P.neighbors(x):
                for y in P.neighbors(z):
                    if y in in_b and y != x and not P.has_edge(x, y):
                        shared_with[y].append(z)
            for y, shared in shared_with.items():
                # Adamic-Adar: a shared partner with few ties says more than a hub everyone knows.
                aa = sum(1 / math.log(degree[z]) for z in shared if degree[z] > 1)
                scored.append(((-len(shared), -aa, name(x).casefold(), name(y).casefold(), x, y), x, y, shared, aa))
        scored.sort(key=lambda s: s[0])
        intros = []
        for _key, x, y, shared, aa in scored[:per_hole]:
            shared_names = sorted((name(z) for z in shared), key=str.casefold)
            n = len(shared)
            intros.append(
                Introduction(
                    x,
                    name(x),
                    y,
                    name(y),
                    n,
                    shared_names,
                    round(aa, 6),
                    f"{name(x)} and {name(y)} share {n} partner{'s' if n != 1 else ''} but have no tie",
                )
            )
        result.append(
            Hole(category_name(a), category_name(b), len(members[a]), len(members[b]), ties, round(density, 6), intros)
        )
    return result


@shares_cache
def suggest(
    G: nx.MultiDiGraph,
    directory: Any,
    *,
    roster: Roster | None = None,
    expected: Sequence[str] = (),
    top: int | None = 5,
    anywhere: bool = False,
    holes: int = 3,
    per_hole: int = 3,
    as_of: dt.date | str | None = None,
    scope: str = "auto",
    taxonomy: ServiceTaxonomy | None = None,
) -> Suggestions:
    """Candidates from a directory for every missing agency type, and introductions across holes.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    directory : Tables or iterable of dict
        Known organisations that are not (yet) partners: validated tables (their
        ``partners`` rows, e.g. from an HSDS package) or dicts with ``id``, ``name``,
        ``agency_type_id`` and ``region``.
    roster : Roster, optional
        Default: the roster ``G`` was built with.
    expected : sequence of str
        Regions that should be there even with no partner listed (every local type is
        missing in them).
    top : int or None
        Candidates kept per gap (None: all); the rest are counted in ``more``.
    anywhere : bool
        Also propose candidates from regions not tied to the gap's region.
    holes, per_hole : int
        How many category pairs to bridge, and introductions proposed for each.
    as_of : date or ISO str, optional
        The day whose current ties make the network the introductions bridge (default today):
        an expired agreement neither counts as a tie nor makes two partners "share" one.
    scope : {"auto", "state", "local", "all"}
        The levels whose gaps get candidates, as in :func:`~netmap.analysis.gaps.roster_gaps`.
    taxonomy : ServiceTaxonomy, optional
        Names the services of the directory's ``services`` rows (default: the shipped one).

    Returns
    -------
    Suggestions
        ``gaps`` in the order of the gap report (state first, then region by region),
        each with candidates best first by :func:`fit_score` (then name, then id), each
        with its score, its components and why in words; ``holes`` widest first;
        ``directory`` counts; ``already_partners`` lists directory rows skipped because
        they are partners already (same id or name).

    Examples
    --------
    >>> import netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> hole = suggest(G, []).holes[0]
    >>> hole.ties <= 1
    True
    """
    roster = resolve_roster(G, roster)
    everyone = partners(G, active_only=False)
    P = partner_graph(G, as_of)
    ids = set(everyone)
    names = {normalize(str(d.get("name") or "")): pid for pid, d in everyone.items() if d.get("name")}
    rows = _records(directory)
    pool, already = [], []
    for row in rows:
        pid, key = str(row.get("id")), normalize(str(row.get("name") or ""))
        match = pid if pid in ids else names.get(key) if key else None
        if match is not None:
            already.append({"id": pid, "name": row.get("name"), "partner_id": match, "source_row": row.get("_row")})
        else:
            pool.append(row)

    checked = roster_gaps(G, roster=roster, scope=scope, as_of=as_of)
    gaps = [t for t in checked.types if t.status == MISSING]
    regions_seen = {d.get("region") for d in everyone.values()}

    def scope(level: str, region: str | None, type_id: str) -> TypeStatus:
        t = roster.agency_types[type_id]
        return TypeStatus(level, region, roster.categories[t.category].name, t.id, t.name, MISSING, [], [])

    for region in (r for r in expected if r not in regions_seen):
        gaps += [scope("local", region, t.id) for t in roster.roster_types("local")]
    near = _region_neighbours(P, everyone)
    taxonomy = taxonomy or load_taxonomy()
    fit = _Fit(roster, taxonomy, _offers(directory, pool, taxonomy), _provided(G, partners(G), taxonomy))
    own_regions = {normalize(str(r)) for r in regions_seen if r} | {normalize(r) for r in expected}
    out: list[GapCandidates] = []

    def propose(gap: TypeStatus, population_id: str | None = None, **extra: Any) -> None:
        found = _candidates_for(gap, pool, near, own_regions, fit, anywhere=anywhere, population_id=population_id)
        keep = found if top is None else found[:top]
        prospective = [everyone[p].get("name") or p if p in everyone else p for p in gap.prospective]
        out.append(
            GapCandidates(
                gap.level,
                gap.region,
                gap.category,
                gap.agency_type_id,
                gap.agency_type,
                keep,
                len(found) - len(keep),
                prospective,
                **extra,
            )
        )

    for gap in gaps:
        propose(gap)
    # Types a served population calls for (Vocational Rehabilitation for people with
    # disabilities, ...), when the roster check has not already listed them for that scope.
    listed = {(g.agency_type_id, g.region) for g in out}
    for pg in checked.population_gaps:
        if (pg.agency_type_id, pg.region) in listed:
            continue
        listed.add((pg.agency_type_id, pg.region))
        level = roster.agency_types[pg.agency_type_id].level
        propose(
            scope(level if level in ("state", "local") else "local", pg.region, pg.agency_type_id),
            population_id=pg.population_id,
            kind="population",
            population=pg.population,
        )
    counts = {
        "rows": len(rows),
        "already_partners": len(already),
        "candidates": len(pool),
        "used": len({c.id for g in out for c in g.candidates}),
    }
    source = str(getattr(directory, "source", None) or "directory")
    return Suggestions(
        out, _holes(P, roster, everyone, holes=holes, per_hole=per_hole), counts, already, source=Path(source).name
    )
