"""Generate a realistic synthetic netmap workbook (a folder of CSV files) of any size.

The shape follows the partnerships netmap is built for, so that the benchmark exercises
the analyses the way a real state or national map would:

- partners are grouped in *states* of about ten *regions* each (about 200 partners per
  region); a few per cent are state-level agencies (one of each state agency type of the
  roster per state, plus state CBOs, VR, associations), the rest are local;
- each region has its hubs (local WIB, American Job Center, community college, economic
  development, human services, adult education), about a third of its partners are
  employers, and the other agency types come in proportions seen in real rosters;
- ties (5 per partner on average) are mostly inside a region and towards its hubs,
  chosen preferentially (popular partners get more ties), with triadic closure (a
  partner of a partner), a few to the state agencies and a few to other regions;
- agreements are MOUs, MOAs, articulation and data-sharing agreements of 2 to 6 parties,
  mostly around a region's hubs; funding comes from the state agencies through the
  real federal and state streams (WIOA Title I, TANF, Perkins V, ...);
- roles and services follow the roster's role chart and its target populations.

Two shapes (``--shape``): ``spread`` (the default, above) and ``hubs``, the shape of
real statewide maps, where the state agencies that fund and oversee local work (the
workforce agency, the state board, the human service agency) are each tied to most
local partners of their state; a few nodes then carry a large share of the shortest
paths, which is where broker measures and layouts do the most work.

Everything is drawn from one seeded ``random.Random``, so a size and seed always give
the same bytes. Writing uses the csv module (no pandas) so 100,000 partners take a few
seconds.

Usage::

    python benchmarks/generate.py --partners 10000 --out benchmarks/data/10k --seed 0
"""

# ruff: noqa: S311 - seeded random numbers for synthetic data, nothing secret

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import netmap
from netmap.roster import Roster

# Dates are drawn around a fixed day, not today, so that a seed gives the same files on
# any day; around it some agreements and grants have lapsed and some are about to.
REFERENCE_DAY = dt.date(2026, 7, 1)

PARTNERS_PER_REGION = 200
SHAPES = ("spread", "hubs")
# In the hubs shape, the state agencies tied to most of their state's local partners
# and the share of local partners each reaches.
HUB_AGENCIES = ("state-workforce-agency", "state-wib", "state-human-service-agency")
HUB_REACH = 0.8
REGIONS_PER_STATE = 10
TIES_PER_PARTNER = 5.0

# Local agency types and their weight among a region's partners (employers are about a
# third, as in the examples and in published partnership inventories).
LOCAL_WEIGHTS: dict[str, float] = {
    "private-businesses": 30,
    "public-companies": 4,
    "local-secondary-education-providers": 9,
    "local-community-based-organizations": 11,
    "local-faith-based-organizations": 4,
    "local-human-service-agencies": 4,
    "local-tanf-providers": 2,
    "local-adult-basic-education-providers": 4,
    "local-community-colleges": 2,
    "local-universities": 1,
    "local-workforce-agencies": 3,
    "local-economic-development-agency": 2,
    "youth-program": 3,
    "reentry-services": 2,
    "vocational-rehabilitation": 1,
    "veterans-services": 1,
    "industry-association": 2,
    "labor-union": 1,
    "intermediary-organization": 1,
    "philanthropy": 1,
    "older-worker-program": 0.5,
    "farmworker-program": 0.5,
    "tribal-workforce-program": 0.3,
    "elected-officials": 0.7,
}

# Every region has one of each of these (its hubs), except that a small region may lack
# some: real maps have gaps, and the gap analysis should find some.
HUB_TYPES = (
    "local-wib",
    "local-workforce-agencies",
    "local-community-colleges",
    "local-economic-development-agency",
    "local-human-service-agencies",
    "local-adult-basic-education-providers",
)

# One of each per state, then extras up to about 3 % of the state's partners.
STATE_CORE = (
    "state-workforce-agency",
    "state-wib",
    "state-adult-education-agency",
    "state-secondary-education-agency",
    "state-postsecondary-education-agency",
    "state-human-service-agency",
    "state-economic-development-agency",
    "governors-office",
)
STATE_EXTRA = (
    "state-community-based-organizations",
    "state-faith-based-organizations",
    "vocational-rehabilitation",
    "veterans-services",
    "industry-association",
    "philanthropy",
    "intermediary-organization",
    "labor-union",
)
STATE_SHARE = 0.03

TIE_KINDS = (
    ("collaboration", 45),
    ("referral", 25),
    ("data-sharing", 8),
    ("advisory", 8),
    ("co-delivery", 6),
    ("co-location", 3),
    ("governance", 5),
)

# (stream, source, funder agency type, recipient agency types, amount range)
STREAMS: tuple[tuple[str, str, str, tuple[str, ...], tuple[int, int]], ...] = (
    ("WIOA Title I Adult", "federal", "state-workforce-agency", ("local-wib", "local-workforce-agencies"), (150, 2500)),
    ("WIOA Title I Dislocated Worker", "federal", "state-workforce-agency", ("local-wib",), (100, 2000)),
    ("WIOA Title I Youth", "federal", "state-workforce-agency", ("local-wib", "youth-program"), (80, 1500)),
    ("WIOA Title II Adult Education", "federal", "state-adult-education-agency",
     ("local-adult-basic-education-providers", "local-community-colleges"), (50, 900)),
    ("TANF", "federal", "state-human-service-agency",
     ("local-tanf-providers", "local-human-service-agencies", "local-community-based-organizations"), (60, 1800)),
    ("SNAP Employment and Training", "federal", "state-human-service-agency",
     ("local-community-based-organizations", "local-community-colleges", "local-faith-based-organizations"), (20, 400)),
    ("Perkins V", "federal", "state-postsecondary-education-agency",
     ("local-community-colleges", "local-secondary-education-providers"), (40, 1200)),
    ("Vocational Rehabilitation", "federal", "vocational-rehabilitation", ("vocational-rehabilitation",), (100, 900)),
    ("State sector partnership grant", "state", "state-wib",
     ("local-wib", "local-community-colleges", "industry-association", "intermediary-organization"), (25, 500)),
    ("State economic development training fund", "state", "state-economic-development-agency",
     ("private-businesses", "local-economic-development-agency", "local-community-colleges"), (10, 250)),
    ("Career pathways foundation grant", "philanthropic", "philanthropy",
     ("local-community-based-organizations", "youth-program", "intermediary-organization"), (10, 300)),
)  # fmt: skip

# Populations each local type typically serves (roster population ids).
POPULATIONS: dict[str, tuple[str, ...]] = {
    "vocational-rehabilitation": ("people-with-disabilities",),
    "local-tanf-providers": ("tanf-recipients", "low-income-adults"),
    "local-adult-basic-education-providers": ("english-learners", "adults-without-diploma"),
    "veterans-services": ("veterans",),
    "tribal-workforce-program": ("native-americans",),
    "reentry-services": ("returning-citizens",),
    "older-worker-program": ("older-workers",),
    "farmworker-program": ("farmworkers",),
    "local-secondary-education-providers": ("youth",),
    "youth-program": ("opportunity-youth", "youth"),
    "local-workforce-agencies": ("dislocated-workers", "low-income-adults", "veterans"),
    "local-human-service-agencies": ("low-income-adults", "tanf-recipients"),
    "local-community-colleges": ("low-income-adults", "adults-without-diploma", "incumbent-workers"),
    "local-community-based-organizations": ("low-income-adults", "english-learners", "returning-citizens"),
    "private-businesses": ("incumbent-workers",),
}
SERVICES = (
    "Career navigation",
    "Bridge classes",
    "Stackable certificates",
    "Case management",
    "Childcare assistance",
    "Transportation vouchers",
    "Work-based learning",
    "Apprenticeship",
    "Job readiness workshops",
    "English language classes",
    "Job placement",
    "Skills assessment",
)

PLACE_WORDS = (
    "Cascade", "Willow", "Granite", "Prairie", "Harbor", "Mesa", "Cedar", "River", "Summit", "Lake",
    "Pine", "Canyon", "Valley", "Coastal", "Delta", "Ridge", "Sage", "Bluff", "Iron", "Golden",
    "Maple", "Red Rock", "Clear Creek", "Eagle", "High Plains", "Shoreline", "Timber", "Copper", "Silver", "Oak",
)  # fmt: skip
DIRECTIONS = ("North", "South", "East", "West", "Central", "Upper", "Lower", "Greater")
STATE_NAMES = (
    "Columbia", "Superior", "Sonora", "Appalachia", "Ozark", "Chesapeake", "Sierra", "Piedmont", "Plains",
    "Gulf", "Tidewater", "Redwood", "Bluegrass", "Cumberland", "Palmetto", "Magnolia", "Yellowstone",
)  # fmt: skip
COMPANY_WORDS = (
    "Advanced", "Precision", "Regional", "United", "Allied", "Summit", "Pioneer", "Frontier", "Keystone", "Liberty",
)  # fmt: skip
COMPANY_KINDS = (
    "Manufacturing", "Health System", "Logistics", "Construction", "Energy", "Foods", "Aerospace",
    "Software", "Hospitality", "Auto Works", "Medical Center", "Plastics", "Metal Fabrication",
)  # fmt: skip


@dataclass
class Partner:
    """One generated partner row, plus what the generator needs to wire it."""

    id: str
    name: str
    agency_type: str
    type_id: str
    level: str
    state: int
    region: str | None
    team: str
    status: str
    industry: str = ""
    hub: bool = False
    neighbours: list[int] = field(default_factory=list)


def _names(words: Sequence[str], count: int) -> list[str]:
    """``count`` distinct place names: words, then 'North X', then numbered ones."""
    names = list(words)
    names += [f"{d} {w}" for d in DIRECTIONS for w in words]
    if count > len(names):
        names += [f"{w} {i}" for i in range(2, count // len(words) + 3) for w in words]
    return names[:count]


class Generator:
    """Draw one workbook; :meth:`write` puts it on disk."""

    def __init__(self, partners: int, seed: int, roster: Roster, shape: str = "spread") -> None:
        if shape not in SHAPES:
            raise ValueError(f"shape must be one of {', '.join(SHAPES)}, not {shape!r}")
        self.shape = shape
        self.n = partners
        self.rng = random.Random(seed)
        self.roster = roster
        self.partners: list[Partner] = []
        self.ties: list[tuple[int, int, str, int, str]] = []
        self.agreements: list[list[str]] = []
        self.funding: list[list[str]] = []
        self.roles: list[list[str]] = []
        self.services: list[list[str]] = []
        self.n_regions = max(2, round(partners / PARTNERS_PER_REGION))
        self.n_states = max(1, round(self.n_regions / REGIONS_PER_STATE))
        self.region_names = _names(PLACE_WORDS, self.n_regions)
        self.state_names = _names(STATE_NAMES, self.n_states)
        # region index -> partner indexes; state index -> state partner indexes
        self.by_region: list[list[int]] = [[] for _ in range(self.n_regions)]
        self.hubs: list[list[int]] = [[] for _ in range(self.n_regions)]
        self.state_partners: list[list[int]] = [[] for _ in range(self.n_states)]
        self.state_of_type: list[dict[str, int]] = [{} for _ in range(self.n_states)]

    # -- partners ------------------------------------------------------------------
    def _add(self, agency_type: str, level: str, state: int, region: int | None, hub: bool = False) -> int:
        i = len(self.partners)
        atype = self.roster.agency_types[agency_type]
        place = self.state_names[state] if region is None else self.region_names[region]
        industry = ""
        if atype.category == "employers" and agency_type in ("private-businesses", "public-companies"):
            kind = self.rng.choice(COMPANY_KINDS)
            name = f"{self.rng.choice(COMPANY_WORDS)} {place} {kind} {i}"
            industry = kind.lower()
        else:
            name = f"{place} {atype.name} {i}"
        if hub or level == "state":
            team = "leadership" if self.rng.random() < 0.8 else "operations"
        else:
            team = self.rng.choices(("leadership", "operations", "stakeholder"), (5, 30, 65))[0]
        status = self.rng.choices(("active", "prospective", "former"), (86, 9, 5))[0]
        if hub or level == "state":
            status = "active"  # hubs and state agencies are the ones that stay
        self.partners.append(
            Partner(
                id=f"P{i:06d}",
                name=name,
                agency_type=atype.name,
                type_id=agency_type,
                level=level,
                state=state,
                region=None if region is None else self.region_names[region],
                team=team,
                status=status,
                industry=industry,
                hub=hub,
            )
        )
        if region is None:
            self.state_partners[state].append(i)
            self.state_of_type[state].setdefault(agency_type, i)
        else:
            self.by_region[region].append(i)
            if hub:
                self.hubs[region].append(i)
        return i

    def make_partners(self) -> None:
        n_state_total = max(len(STATE_CORE) * self.n_states, round(self.n * STATE_SHARE))
        per_state = [n_state_total // self.n_states] * self.n_states
        for s in range(n_state_total % self.n_states):
            per_state[s] += 1
        for s, count in enumerate(per_state):
            for t in STATE_CORE:
                self._add(t, "state", s, None)
            for _ in range(count - len(STATE_CORE)):
                self._add(self.rng.choice(STATE_EXTRA), "state", s, None)
        local_total = self.n - len(self.partners)
        types, weights = zip(*LOCAL_WEIGHTS.items(), strict=True)
        for r in range(self.n_regions):
            size = local_total // self.n_regions + (1 if r < local_total % self.n_regions else 0)
            state = r * self.n_states // self.n_regions
            made = 0
            for t in HUB_TYPES:
                # About one region in ten lacks a given hub type: the gaps a real map shows.
                if made < size and (t == "local-wib" or self.rng.random() > 0.1):
                    self._add(t, "local", state, r, hub=True)
                    made += 1
            for t in self.rng.choices(types, weights, k=size - made):
                self._add(t, "local", state, r)

    # -- ties ----------------------------------------------------------------------
    def make_ties(self) -> None:
        rng = self.rng
        target_rows = round(self.n * TIES_PER_PARTNER)
        seen: set[tuple[int, int]] = set()
        # Endpoints of ties so far, per region: drawing from it is preferential attachment.
        ends: list[list[int]] = [[] for _ in range(self.n_regions)]
        region_index = {name: r for r, name in enumerate(self.region_names)}
        kinds, kind_weights = zip(*TIE_KINDS, strict=True)
        # Cumulative weights once: random.choices would otherwise re-add them per tie.
        kind_cum = list(itertools.accumulate(kind_weights))
        strength_cum = [3, 7, 9]

        def add(a: int, b: int, kind: str | None = None) -> bool:
            if a == b:
                return False
            key = (a, b) if a < b else (b, a)
            if key in seen:
                return False
            seen.add(key)
            pa, pb = self.partners[a], self.partners[b]
            kind = kind or rng.choices(kinds, cum_weights=kind_cum)[0]
            directed = "yes" if kind == "referral" and rng.random() < 0.5 else "no"
            self.ties.append((a, b, kind, rng.choices((1, 2, 3), cum_weights=strength_cum)[0], directed))
            pa.neighbours.append(b)
            pb.neighbours.append(a)
            for p, i in ((pa, a), (pb, b)):
                if p.region is not None:
                    ends[region_index[p.region]].append(i)
            return True

        # A region's hubs work together, and each state's agencies govern together.
        for hubs in self.hubs:
            for x, a in enumerate(hubs):
                for b in hubs[x + 1 :]:
                    add(a, b, "governance" if rng.random() < 0.3 else "collaboration")
        for members in self.state_partners:
            core = members[: len(STATE_CORE)]
            for x, a in enumerate(core):
                for b in core[x + 1 :]:
                    if rng.random() < 0.6:
                        add(a, b, "governance")
            for a in members[len(STATE_CORE) :]:
                add(a, rng.choice(core))
        # Each hub reaches the state agencies that fund or oversee it.
        for r, hubs in enumerate(self.hubs):
            state = r * self.n_states // self.n_regions
            for h in hubs:
                for _ in range(2):
                    add(h, rng.choice(self.state_partners[state]))

        if self.shape == "hubs":
            # Statewide hubs: each state's funding and oversight agencies reach most locals.
            for r, members in enumerate(self.by_region):
                state = r * self.n_states // self.n_regions
                agencies = [self.state_of_type[state][t] for t in HUB_AGENCIES if t in self.state_of_type[state]]
                for a in members:
                    for b in agencies:
                        if rng.random() < HUB_REACH:
                            add(a, b, rng.choices(("collaboration", "data-sharing", "advisory"), (6, 2, 2))[0])

        # Local partners, in random order, tie until the total is reached.
        locals_ = [i for members in self.by_region for i in members]
        attempts = 0
        while len(self.ties) < target_rows and attempts < target_rows * 20:
            attempts += 1
            a = rng.choice(locals_)
            pa = self.partners[a]
            r = region_index[pa.region]  # type: ignore[index]
            u = rng.random()
            if u < 0.30 and self.hubs[r]:
                b = rng.choice(self.hubs[r])
            elif u < 0.55 and pa.neighbours:
                # Triadic closure: a partner of a partner.
                mid = self.partners[rng.choice(pa.neighbours)]
                if not mid.neighbours:
                    continue
                b = rng.choice(mid.neighbours)
            elif u < 0.92:
                pool = ends[r] if ends[r] and rng.random() < 0.7 else self.by_region[r]
                b = rng.choice(pool)
            elif u < 0.96:
                b = rng.choice(self.state_partners[pa.state])
            else:
                b = rng.choice(locals_)  # another region: the rare long tie
            add(a, b)

    # -- agreements, funding, roles, services ---------------------------------------
    def _dates(self, years: tuple[int, int]) -> tuple[dt.date, dt.date]:
        start = REFERENCE_DAY - dt.timedelta(days=self.rng.randint(0, 365 * 8))
        end = start + dt.timedelta(days=365 * self.rng.randint(*years) - 1)
        return start, end

    def make_agreements(self) -> None:
        rng = self.rng
        count = max(5, self.n // 12)
        for k in range(count):
            r = rng.randrange(self.n_regions)
            state = r * self.n_states // self.n_regions
            size = rng.choices((2, 3, 4, 5, 6), (35, 25, 20, 12, 8))[0]
            parties: list[int] = []
            if self.hubs[r]:
                parties.append(rng.choice(self.hubs[r]))
            if rng.random() < 0.25:
                parties.append(rng.choice(self.state_partners[state]))
            while len(parties) < size:
                pool = self.hubs[r] if rng.random() < 0.3 and self.hubs[r] else self.by_region[r]
                parties.append(rng.choice(pool))
            parties = list(dict.fromkeys(parties))
            if len(parties) < 2:
                parties.append(self.by_region[r][0] if parties[0] != self.by_region[r][0] else self.by_region[r][1])
            kind = rng.choices(("MOU", "MOA", "articulation", "data-sharing", "other"), (60, 10, 10, 15, 5))[0]
            if rng.random() < 0.05:
                signed = expires = ""
                status = "draft"
            else:
                start, end = self._dates((2, 5))
                signed, expires = start.isoformat(), end.isoformat()
                status = "active" if end >= REFERENCE_DAY else "expired"
            title = f"{self.region_names[r]} {kind} {k + 1}"
            ids = ";".join(self.partners[p].id for p in parties)
            self.agreements.append([f"A{k + 1:06d}", ids, title, kind, signed, expires, status])

    def make_funding(self) -> None:
        rng = self.rng
        by_type: dict[tuple[int, str], list[int]] = {}
        for i, p in enumerate(self.partners):
            if p.region is not None and p.status != "former":
                by_type.setdefault((p.state, p.type_id), []).append(i)
        row = 0
        for state in range(self.n_states):
            for stream, source, funder_type, recipients, (low, high) in STREAMS:
                funder = self.state_of_type[state].get(funder_type)
                pool = [i for t in recipients for i in by_type.get((state, t), [])]
                if not pool:
                    continue
                # Formula money reaches most eligible partners, grants a few.
                share = 0.8 if source == "federal" else 0.3
                for i in rng.sample(pool, max(1, round(len(pool) * share))):
                    start, end = self._dates((1, 3))
                    row += 1
                    self.funding.append(
                        [
                            f"F{row:07d}",
                            stream,
                            self.partners[i].id,
                            "" if funder is None else self.partners[funder].id,
                            source,
                            f"{stream} {start.year}",
                            str(rng.randint(low, high) * 1000),
                            start.isoformat(),
                            end.isoformat(),
                        ]
                    )

    def make_roles_and_services(self) -> None:
        rng = self.rng
        role_names = {rid: role.name for rid, role in self.roster.roles.items()}
        pop_names = {pid: pop.name for pid, pop in self.roster.populations.items()}
        for p in self.partners:
            type_id = p.type_id
            expected = self.roster.expected_roles(type_id)
            if expected and (p.hub or p.level == "state" or rng.random() < 0.7):
                for rid in rng.sample(expected, min(len(expected), rng.randint(1, 3))):
                    self.roles.append([p.id, role_names[rid], ""])
            pops = POPULATIONS.get(type_id)
            if pops and rng.random() < 0.6:
                for pid in rng.sample(pops, min(len(pops), rng.randint(1, 2))):
                    self.services.append([p.id, rng.choice(SERVICES), pop_names[pid]])

    def generate(self) -> Generator:
        self.make_partners()
        self.make_ties()
        self.make_agreements()
        self.make_funding()
        self.make_roles_and_services()
        return self

    # -- output --------------------------------------------------------------------
    def write(self, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        P = self.partners

        def sheet(name: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> int:
            with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                writer.writerows(rows)
            return len(rows)

        return {
            "partners": sheet(
                "partners",
                ("id", "name", "agency_type", "level", "region", "team", "status", "industry"),
                [(p.id, p.name, p.agency_type, p.level, p.region or "", p.team, p.status, p.industry) for p in P],
            ),
            "ties": sheet(
                "ties",
                ("source_id", "target_id", "kind", "strength", "directed"),
                [(P[a].id, P[b].id, kind, s, d) for a, b, kind, s, d in self.ties],
            ),
            "agreements": sheet(
                "agreements", ("id", "parties", "title", "type", "signed", "expires", "status"), self.agreements
            ),
            "funding": sheet(
                "funding",
                ("id", "stream", "recipient_id", "funder_id", "source", "program", "amount", "start", "end"),
                self.funding,
            ),
            "roles": sheet("roles", ("partner_id", "role", "notes"), self.roles),
            "services": sheet("services", ("partner_id", "service", "population"), self.services),
        }


def generate(partners: int, out: str | Path, *, seed: int = 0, shape: str = "spread") -> dict[str, int]:
    """Write a synthetic workbook of ``partners`` partners to the folder ``out``.

    ``shape`` is ``"spread"`` or ``"hubs"`` (state agencies tied to most local partners).

    Returns the number of rows written per sheet.
    """
    if partners < 50:
        raise ValueError("at least 50 partners: smaller maps cannot hold a region's hubs and the state agencies")
    return Generator(partners, seed, netmap.load_roster(), shape).generate().write(Path(out))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partners", type=int, required=True, help="number of partners (>= 50)")
    parser.add_argument("--out", required=True, help="folder to write the CSV files into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shape", choices=SHAPES, default="spread", help="spread (default) or hubs")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.partners, args.out, seed=args.seed, shape=args.shape)
    took = time.perf_counter() - started
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" -> {args.out} in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
