"""Read a 211 directory export (Open Referral HSDS 3.0, 2.0 or 1.1, or Ohana CSV) as netmap sheets.

A 211 or community-directory export in HSDS 3.0 is a folder with ``datapackage.json``
and one CSV per object (``organizations.csv``, ``services.csv``, ``funding.csv``,
``locations.csv``, ``addresses.csv``, ``service_at_location.csv``, ``attributes.csv``,
``taxonomy_terms.csv``, ...). The older layouts are first renamed to those tables by
:mod:`netmap.ingest.hsds_layouts`. This module lays them out as the sheets of a netmap
workbook so that the validator, the graph and every command treat it like one:

- each organisation becomes a partner; its agency type is the one most of its term uses
  (its own and its services', through ``attributes.csv``) map to, with that share
  (:meth:`_Reader.infer_type`), translated by a :class:`HsdsMapping` the user can edit
  over the shipped Open Eligibility and 211 mappings (and term names the roster knows);
  a public agency's name sets its level (:func:`public_level`);
- each service becomes a ``services`` row (population from its terms; region, location,
  capacity, eligibility, languages and cost where the directory has them);
- each funding row becomes a ``funding`` row (the free-text ``source`` is the stream);
- a ``parent_organization_id`` becomes a governance tie;
- the region of an organisation comes from the address of its locations.

Rows keep the HSDS file and row they came from, so every problem (here, or later in
the validator) names the HSDS file, row and column. Organisations whose terms map to
no agency type are reported (``hsds-unmapped``) with their terms, not dropped in
silence. Contacts and phones are personal or contact data and are not imported.

Examples
--------
>>> from netmap.roster import load_roster
>>> # raw = read_hsds_raw("exports/pima-211", roster=load_roster())
>>> is_hsds("examples/tucson-behavioral-health")
False
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from netmap.errors import ERROR, WARNING, Issue, UsageError, escape_json_text, safe_text
from netmap.ingest.hsds_layouts import (
    FILE_KEY,
    HSDS_RESOURCES,
    KNOWN_FILES,
    Layout,
    Table,
    detect_layout,
    is_ohana,
    to_hsds3,
)
from netmap.ingest.hsds_mapping import (
    HsdsMapping,
    check_mapping,
    load_mapping,
    load_regions,
    region_key,
    shipped_mapping,
    with_defaults,
)
from netmap.ingest.validate import Tables, validate
from netmap.ingest.workbook import Limits, RawRow, RawSheet, RawWorkbook, _read_csv_file, check_encoding, snippet
from netmap.roster import Roster, normalize
from netmap.services import ServiceTaxonomy, load_taxonomy

__all__ = [
    "HSDS_RESOURCES",
    "MAPPING_FILE",
    "HsdsMapping",
    "is_hsds",
    "load_mapping",
    "mapping_template",
    "read_hsds",
    "read_hsds_raw",
]

DATAPACKAGE = "datapackage.json"
# A mapping file kept inside the package is used without being named on the command line.
MAPPING_FILE = "netmap-mapping.yaml"
# Datapackages name their resources in the singular ("organization", "physical_address");
# exports in the wild also use the file names. Both mean the same file.
_RESOURCE_NAMES = {name: name for name in KNOWN_FILES} | {
    "organization": "organizations",
    "service": "services",
    "location": "locations",
    "address": "addresses",
    "attribute": "attributes",
    "taxonomy_term": "taxonomy_terms",
    "language": "languages",
    "service_area": "service_areas",
    "physical_address": "physical_addresses",
    "postal_address": "postal_addresses",
    "service_attribute": "service_attributes",
    "other_attribute": "other_attributes",
    "services_at_location": "services_at_location",
}
# Columns the import adds to the netmap sheets (kept as attributes, not reported as unknown).
ADDED_COLUMNS = frozenset(
    {"alternate_name", "hsds_terms", "status", "hsds_id", "hsds_service_id", "agency_type_share", "service_name"}
)
# The services sheet's columns of issue 20, added by the import whether or not this version of
# the validator knows them yet (kept as the rows' attributes until it does).
SERVICE_COLUMNS = frozenset(
    {"region", "location", "capacity", "waitlist", "eligibility", "languages", "cost", "funding_id"}
)
# An agency type must cover this share of an organisation's term uses (its own terms and each
# of its services' terms, mapped or not) to be its type: one TANF term among a hair salon's
# eight beauty terms (12%) makes it no TANF provider; a college whose two services carry a
# community-college term and an unmapped "tutoring" term (50%) is a college.
MIN_TYPE_SHARE = 0.25

# An AIRS / 211 LA taxonomy code: one or two section letters, then 4-digit groups ("ND-3500.3600-800").
_AIRS_CODE = re.compile(r"^[A-Z]{1,2}(?:-\d{4}(?:\.\d{4}(?:-\d{3}(?:\.\d{2,3})?)?)?)?$")

# Names that say an organisation is a public agency of a state or of the nation. A county's or
# city's department stays local: the state patterns want a state's name or "State" before it.
_STATES = (
    "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho|"
    "illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|"
    "mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|"
    "north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|"
    "tennessee|texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming|puerto rico|"
    "district of columbia"
)
_NATIONAL = re.compile(r"^(?:the\s+)?(?:u\.?\s?s\.?(?:a\.?)?\s|united states\b|federal\b)", re.IGNORECASE)
_STATE = re.compile(
    rf"^(?:the\s+)?(?:state of\s+(?:{_STATES})\b|(?:{_STATES})\s+(?:state\s+)?"
    r"(?:(?:[a-z&,]+\s+){0,5}?)(?:department|dept\.?|agency|commission|division|office|bureau|board)\b)",
    re.IGNORECASE,
)
# "Department of Labor" with no place before it is how directories list the state department.
_BARE_DEPARTMENT = re.compile(r"^(?:the\s+)?(?:department|dept\.?)\s+of\b", re.IGNORECASE)
_LOCAL_WORDS = re.compile(r"\b(?:county|city|town|township|village|municipal|borough|parish)\b", re.IGNORECASE)


def public_level(name: str) -> str | None:
    """The level a public agency's name says it works at: 'national', 'state', or None.

    >>> public_level("U.S. Department of Labor"), public_level("Federal Bonding Program")
    ('national', 'national')
    >>> public_level("Arizona Department of Economic Security"), public_level("State of Ohio")
    ('state', 'state')
    >>> public_level("Pima County Department of Health"), public_level("Goodwill of Southern Arizona")
    (None, None)
    """
    text = " ".join(str(name).split())
    if not text:
        return None
    if _NATIONAL.search(text):
        return "national"
    if _LOCAL_WORDS.search(text):
        return None
    if _STATE.search(text) or _BARE_DEPARTMENT.search(text):
        return "state"
    return None


@dataclass(frozen=True)
class TypeVote:
    """An organisation's agency type by its terms: the winner, its share and every candidate.

    Attributes
    ----------
    type : the winning agency type's name (None: no term maps, or a tie).
    share : the winner's term uses over all of the organisation's term uses.
    total, count : all term uses; the winner's.
    candidates : (type name, uses) of every type a term maps to, most used first.
    tie : whether two or more types lead with the same count.
    """

    type: str | None
    share: float
    total: int
    count: int
    candidates: tuple[tuple[str, int], ...]
    tie: bool = False


_ADDRESS_PREFERENCE = {"physical": 0, "": 1, "postal": 2, "virtual": 3}


def is_hsds(source: str | Path) -> bool:
    """Whether ``source`` is a directory export netmap reads: an HSDS package (a folder with
    datapackage.json, or that file) or an Ohana API CSV folder.

    >>> is_hsds("no/such/folder")
    False
    """
    path = Path(source)
    if path.is_file():
        return path.name == DATAPACKAGE
    return (path / DATAPACKAGE).is_file() or is_ohana(path)


# -- reading the package ----------------------------------------------------------------------


_Table = Table


def _standard_files(folder: Path) -> dict[str, Path]:
    return {name: folder / f"{name}.csv" for name in KNOWN_FILES if (folder / f"{name}.csv").is_file()}


def _resources(folder: Path, label: str) -> tuple[dict[str, Path], list[Issue], Layout]:
    """The CSV of each resource the datapackage lists, checked to lie inside the folder, and the layout.

    A datapackage.json that cannot be used is reported, and the files are then looked
    for under their standard HSDS names, so a hand-trimmed export still reads. A
    resource whose path names no file, while a file of its name sits beside
    datapackage.json, is read from there with a warning (``hsds-moved-resource``): exports
    are often zipped flat after the descriptor was written. An Ohana folder has no
    datapackage.json: its files are read by name.
    """
    if not (folder / DATAPACKAGE).is_file() and is_ohana(folder):
        found = _standard_files(folder)
        return found, [], detect_layout(set(found), ohana=True)
    file = str(Path(label) / DATAPACKAGE)
    fallback = "the files are read by their standard HSDS names (organizations.csv, services.csv, ...)"
    try:
        package = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        package, problem = None, f"datapackage.json cannot be read as JSON ({snippet(exc)}); {fallback}"
    else:
        problem = f"datapackage.json has no 'resources' list; {fallback}"
    resources = package.get("resources") if isinstance(package, dict) else None
    issues: list[Issue] = []
    if not isinstance(resources, list):
        issues.append(
            Issue(
                "hsds-bad-datapackage",
                problem,
                WARNING,
                file=file,
                suggestions=("export the directory again as an HSDS 3.0 tabular data package",),
            )
        )
        found = _standard_files(folder)
    else:
        found = {}
        moved: list[Issue] = []
        for index, resource in enumerate(resources):
            if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
                continue
            where = resource.get("path") or f"{resource['name']}.csv"
            stem = PurePosixPath(where).stem.lower() if isinstance(where, str) else ""
            # The file's own name first: 2.0 calls its services_at_location.csv 'service_at_location'.
            name = _RESOURCE_NAMES.get(stem) or _RESOURCE_NAMES.get(resource["name"].strip().lower())
            if name is None or name in found:
                continue
            relative = PurePosixPath(where) if isinstance(where, str) else None
            # A package names its own files; a path that leaves the folder, or a URL, is refused.
            if relative is None or relative.is_absolute() or ".." in relative.parts or ":" in str(where):
                issues.append(
                    Issue(
                        "hsds-bad-resource",
                        f"resource {name!r} points outside the package ({where!r}); netmap reads only files "
                        "inside the package folder",
                        file=file,
                        row=index + 1,
                        column="path",
                        value=snippet(where),
                    )
                )
                continue
            path = folder.joinpath(*relative.parts)
            beside = next(
                (p for p in (folder / relative.name, folder / f"{name}.csv") if p.is_file()), folder / f"{name}.csv"
            )
            if not path.is_file() and beside.is_file():
                moved.append(
                    Issue(
                        "hsds-moved-resource",
                        f"resource {resource['name']!r} says its file is {where!r}, which is not there; "
                        f"netmap reads {beside.name} beside datapackage.json instead",
                        WARNING,
                        file=file,
                        row=index + 1,
                        column="path",
                        value=snippet(where),
                        suggestions=(f"correct the path in datapackage.json to {beside.name!r}",),
                    )
                )
                path = beside
            found[name] = path
        if moved:
            # A package zipped flat moves every file at once: one warning, at the first, says it.
            first = moved[0]
            if len(moved) > 1:
                others = ", ".join(Path(i.suggestions[0].split("'")[1]).stem for i in moved[1:])
                first = replace(
                    first, message=f"{first.message} (and so for {len(moved) - 1} more resource(s): {others})"
                )
            issues.append(first)
    if "organizations" not in found:
        issues.append(
            Issue(
                "hsds-missing-resource",
                "the package has no 'organizations' resource; netmap needs organizations.csv",
                file=file,
                sheet="organizations",
                suggestions=("check that the export is an HSDS 3.0 tabular package",),
            )
        )
    version = package.get("version") if isinstance(package, dict) else None
    return found, issues, detect_layout(set(found), version)


def _read_tables(
    files: dict[str, Path], label: str, encoding: str | None, limits: Limits
) -> tuple[dict[str, _Table], list[Issue]]:
    tables: dict[str, _Table] = {}
    scratch = RawWorkbook(label, "hsds")
    for name, path in files.items():
        display = str(Path(label) / path.name)
        if not path.is_file():
            if name == "organizations":
                scratch.issues.append(
                    Issue(
                        "hsds-missing-resource",
                        f"the package lists {path.name} but the file is not there",
                        file=display,
                        sheet=name,
                    )
                )
            else:
                scratch.issues.append(
                    Issue(
                        "hsds-missing-resource",
                        f"the package lists {path.name} but the file is not there; read without it",
                        WARNING,
                        file=display,
                        sheet=name,
                    )
                )
            continue
        _read_csv_file(scratch, path, name, encoding, limits, display)
        sheet = scratch.sheets.get(name)
        if sheet is None:
            continue
        header = [h.strip().lower() for h in sheet.header]
        table = _Table(name, display, columns=tuple(header))
        for raw in sheet.rows:
            cells = [("" if c is None else str(c).strip()) for c in raw.cells]
            table.rows.append((raw.row, dict(zip(header, cells, strict=False))))
        tables[name] = table
    # The CSV reader calls every file an unknown netmap sheet; here that is expected.
    issues = [i for i in scratch.issues if i.code != "unknown-sheet"]
    return tables, issues


class _Reader:
    """Turns the HSDS tables into netmap sheets, collecting issues as it goes."""

    def __init__(
        self,
        tables: dict[str, _Table],
        mapping: HsdsMapping,
        roster: Roster,
        taxonomy: ServiceTaxonomy | None = None,
        places: dict[str, str] | None = None,
    ):
        self.t = tables
        self.mapping = mapping
        self.roster = roster
        self.taxonomy = taxonomy
        self.levels: dict[str, str] = {}
        self.places = places or {}
        self.issues: list[Issue] = []
        self.orgs: dict[str, tuple[int, dict[str, str]]] = {}
        self.services: dict[str, tuple[int, dict[str, str]]] = {}
        self.terms: dict[str, dict[str, str]] = {}
        self.entity_terms: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.services_of: dict[str, list[str]] = defaultdict(list)
        self.funding_of: dict[str, int] = defaultdict(int)

    def read_indexes(self) -> None:
        """Organisations, services, their terms and what each organisation owns, checked as read."""
        self.require_columns("organizations", ("id", "name"))
        self.index("organizations", self.orgs)
        if self.require_columns("services", ("id", "organization_id", "name")):
            self.index("services", self.services)
        self.read_terms()
        self.index_owners()

    def index_owners(self) -> None:
        """Services and funding rows per organisation (read once: directories run to 10,000s)."""
        for sid, (_, svc) in self.services.items():
            self.services_of[svc.get("organization_id", "")].append(sid)
        for _, fund in self.rows("funding"):
            service = self.services.get(fund.get("service_id", ""))
            owner = fund.get("organization_id") or (service[1].get("organization_id", "") if service else "")
            self.funding_of[owner] += 1

    def issue(self, code: str, message: str, table: str, row: int | None, column: str | None = None, **kw: Any) -> None:
        # A table put together from several files (2.0's physical and postal addresses) names the row's own.
        file = kw.pop("file", None) or self.t[table].file
        sheet = Path(file).stem if file != self.t[table].file else table
        self.issues.append(Issue(code, message, file=file, sheet=sheet, row=row, column=column, **kw))

    def rows(self, name: str) -> list[tuple[int, dict[str, str]]]:
        return self.t[name].rows if name in self.t else []

    def require_columns(self, name: str, columns: tuple[str, ...]) -> bool:
        if name not in self.t:
            return False
        missing = [c for c in columns if c not in self.t[name].columns]
        for column in missing:
            self.issue(
                "hsds-missing-column",
                f"{Path(self.t[name].file).name} has no {column!r} column, which HSDS 3.0 requires",
                name,
                1,
                column,
            )
        return not missing

    # -- indexes ------------------------------------------------------------------------

    def index(self, name: str, into: dict[str, tuple[int, dict[str, str]]]) -> None:
        for row, record in self.rows(name):
            rid = record.get("id", "")
            if not rid:
                self.issue("hsds-missing-id", f"the {name} row has no id", name, row, "id")
            elif rid in into:
                self.issue(
                    "hsds-duplicate-id",
                    f"id {rid!r} is used again (first on row {into[rid][0]}); each {name} row needs its own id",
                    name,
                    row,
                    "id",
                    value=snippet(rid),
                )
            else:
                into[rid] = (row, record)

    def read_terms(self) -> None:
        if not self.require_columns("taxonomy_terms", ("id", "name")):
            return
        for row, record in self.rows("taxonomy_terms"):
            if record.get("id"):
                self.terms[record["id"]] = record
            else:
                self.issue("hsds-missing-id", "the taxonomy_terms row has no id", "taxonomy_terms", row, "id")
        if not self.require_columns("attributes", ("link_id", "taxonomy_term_id", "link_entity")):
            return
        for row, record in self.rows("attributes"):
            entity = record.get("link_entity", "").lower()
            if entity not in ("organization", "service"):
                continue  # attributes of locations, phones, ... say nothing netmap uses
            term_id, link = record.get("taxonomy_term_id", ""), record.get("link_id", "")
            known = self.orgs if entity == "organization" else self.services
            if term_id not in self.terms:
                self.issue(
                    "hsds-unknown-reference",
                    f"taxonomy term {term_id!r} is not in taxonomy_terms.csv",
                    "attributes",
                    row,
                    "taxonomy_term_id",
                    value=snippet(term_id),
                    file=record.get(FILE_KEY),
                )
            elif link not in known:
                self.issue(
                    "hsds-unknown-reference",
                    f"the attribute links to {entity} {link!r}, which is not in {entity}s.csv",
                    "attributes",
                    row,
                    "link_id",
                    value=snippet(link),
                    file=record.get(FILE_KEY),
                )
            else:
                self.entity_terms[(entity, link)].append(term_id)

    # -- translation --------------------------------------------------------------------

    def term_keys(self, term_id: str) -> list[str]:
        term = self.terms[term_id]
        return [normalize(term[k]) for k in ("code", "name") if term.get(k)]

    def term_chain(self, term_id: str) -> list[list[str]]:
        """The term's keys, then its parents' (``parent_id``), then its code's prefixes: most specific first.

        A 211 code "ND-1000.1500" is tried as "ND-1000", "ND" and "N"; an Open
        Eligibility term "Job Placement" under "Help Find Work" under "Work" as each of them.
        """
        chain = [self.term_keys(term_id)]
        seen = {term_id}
        parent = self.terms[term_id].get("parent_id", "")
        while parent in self.terms and parent not in seen:
            seen.add(parent)
            chain.append(self.term_keys(parent))
            parent = self.terms[parent].get("parent_id", "")
        code = self.terms[term_id].get("code", "").strip().upper()
        # Only codes shaped like AIRS/211 codes are cut: a local "PX-A-600" is no "P" section.
        if not _AIRS_CODE.match(code):
            return chain
        prefixes = []
        for cut in (".", "-"):
            while cut in code:
                code = code.rsplit(cut, 1)[0]
                prefixes.append(normalize(code))
        # The AIRS top level is the code's first letter ("ND" -> "N").
        if len(code) == 2:
            prefixes.append(normalize(code[0]))
        chain.extend([p] for p in dict.fromkeys(prefixes) if p)
        return chain

    def term_label(self, term_id: str) -> str:
        term = self.terms[term_id]
        code, name = term.get("code", ""), term.get("name", "")
        return f"{name} ({code})" if code and name and code != name else name or code

    def mapped(self, section: str, term_id: str) -> str | None:
        """What a term means in one mapping section: the term itself, else its nearest ancestor that is mapped."""
        table: dict[str, str] = getattr(self.mapping, section)
        for depth, keys in enumerate(self.term_chain(term_id)):
            for key in keys:
                if key in table:
                    return table[key]
            if depth or not self.mapping.match_roster:
                continue  # the roster's names are matched on the term itself only
            name = self.terms[term_id].get("name", "")
            if section == "agency_types" and name and self.roster.match_agency_type(name) is not None:
                return name
            if section == "populations" and name and self.roster.match_population(name) is not None:
                return name
            if section == "services" and name and self.taxonomy is not None:
                found = self.taxonomy.match(name)
                if found is not None:
                    return found.id
        return None

    def org_terms(self, org_id: str) -> list[str]:
        """The organisation's own terms first, then its services' (each term once)."""
        return list(dict.fromkeys(self.term_votes(org_id)))

    def term_votes(self, org_id: str) -> list[str]:
        """Every term use that describes the organisation: its own terms, then each service's terms.

        A term two services carry counts twice: the type of an organisation is what most
        of its services are.
        """
        own = list(dict.fromkeys(self.entity_terms.get(("organization", org_id), [])))
        of_services = [
            t for sid in self.services_of[org_id] for t in dict.fromkeys(self.entity_terms.get(("service", sid), []))
        ]
        return [*own, *of_services]

    def says_what_it_is(self, term_id: str) -> bool:
        """Whether a term can say what kind of organisation uses it.

        A term that only names a population ("Veterans") or a level ("State Government
        Agencies") says whom or where, not what: it neither votes nor counts against the
        types the other terms name.
        """
        if self.mapped("agency_types", term_id):
            return True
        if any(key in self.mapping.levels for key in self.term_keys(term_id)):
            return False
        return self.mapped("populations", term_id) is None

    def level_of(self, terms: list[str], name: str = "") -> str:
        for term in terms:
            for key in self.term_keys(term):
                if key in self.mapping.levels:
                    return self.mapping.levels[key]
        return public_level(name) or self.mapping.level

    def infer_type(self, org_id: str, level: str) -> TypeVote:
        """The agency type most of the organisation's term uses map to, with its share of all of them.

        The share counts mapped and unmapped uses alike, so a hair salon with one stray
        TANF term among eight beauty-service terms has a TANF share of 1/8, under
        :data:`MIN_TYPE_SHARE`, and is no TANF provider. Terms that only name a population
        or a level are not counted (:meth:`says_what_it_is`). The organisation's own terms
        (not its services') decide between types tied on their counts; a tie they do not
        decide is no type at all (``hsds-type-tie``).
        """
        votes = [t for t in self.term_votes(org_id) if self.says_what_it_is(t)]
        counts: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        for term in votes:
            value = self.mapped("agency_types", term)
            if not value:
                continue
            atype = self.roster.match_agency_type(value, level)
            key = atype.id if atype else value
            counts[key] += 1
            names.setdefault(key, atype.name if atype else value)
        total = len(votes)
        if not counts:
            return TypeVote(None, 0.0, total, 0, ())
        top = max(counts.values())
        leaders = [k for k, n in counts.items() if n == top]
        if len(leaders) > 1:
            own = {
                (a.id if (a := self.roster.match_agency_type(v, level)) else v)
                for t in self.entity_terms.get(("organization", org_id), [])
                if (v := self.mapped("agency_types", t))
            }
            decided = [k for k in leaders if k in own]
            if len(decided) == 1:
                leaders = decided
        candidates = tuple((names[k], counts[k]) for k in sorted(counts, key=lambda k: (-counts[k], names[k])))
        if len(leaders) > 1:
            return TypeVote(None, top / total, total, top, candidates, tie=True)
        return TypeVote(names[leaders[0]], top / total, total, top, candidates)

    def address_region(self, address: dict[str, str]) -> str:
        """The region an address lies in: a field the mapping's regions name, else the first field given.

        A region file's places are tried against every address field of ``region_from``
        first, so a city it lists places an address whose county it does not list; then,
        as before region files, the first field given, renamed through the mapping's
        ``regions:``.
        """
        fields = [address.get(f, "") for f in self.mapping.region_from if address.get(f)]
        for value in fields:
            if region_key(value) in self.places:
                return self.places[region_key(value)]
        if not fields:
            return ""
        return self.mapping.regions.get(region_key(fields[0]), fields[0])

    def location_regions(self) -> dict[str, tuple[int, int, str]]:
        """Each location's region, from its best address (physical before postal, then row order)."""
        best: dict[str, tuple[int, int, str]] = {}
        for row, address in self.rows("addresses"):
            location = address.get("location_id", "")
            region = self.address_region(address)
            if not location or not region:
                continue
            rank = (_ADDRESS_PREFERENCE.get(address.get("address_type", "").lower(), 4), row)
            if location not in best or rank < best[location][:2]:
                best[location] = (*rank, region)
        return best

    def regions_of_orgs(self) -> dict[str, str]:
        """Each organisation's region, from the addresses of its own locations or its services'."""
        location_org: dict[str, str] = {}
        for _row, loc in self.rows("locations"):
            if loc.get("id") and loc.get("organization_id"):
                location_org[loc["id"]] = loc["organization_id"]
        for _row, sal in self.rows("service_at_location"):
            svc = self.services.get(sal.get("service_id", ""))
            if svc and sal.get("location_id"):
                location_org.setdefault(sal["location_id"], svc[1].get("organization_id", ""))
        best: dict[str, tuple[int, int, str]] = {}
        for location, rank in self.location_regions().items():
            org = location_org.get(location)
            if org and (org not in best or rank[:2] < best[org][:2]):
                best[org] = rank
        return {org: region for org, (_, _, region) in best.items()}

    # -- the sheets -----------------------------------------------------------------------

    def partners(self) -> tuple[list[str], list[RawRow], set[str]]:
        header = [
            "id",
            "name",
            "agency_type",
            "level",
            "region",
            "website",
            "notes",
            "alternate_name",
            "hsds_terms",
            "agency_type_share",
        ]
        regions = self.regions_of_orgs()
        rows: list[RawRow] = []
        kept: set[str] = set()
        for org_id, (row, org) in self.orgs.items():
            terms = self.org_terms(org_id)
            level = self.level_of(terms, org.get("name", ""))
            chosen = self.mapping.organizations.get(org_id)
            share = ""
            weak = ""
            if chosen is None:
                vote = self.infer_type(org_id, level)
                if vote.tie:
                    tied = [f"{name} ({n} of {vote.total})" for name, n in vote.candidates if n == vote.count]
                    self.issue(
                        "hsds-type-tie",
                        f"organisation {org.get('name') or org_id!r} is not imported: its terms map as often to "
                        f"{' as to '.join(tied)}, and netmap does not choose between them",
                        "organizations",
                        row,
                        "id",
                        value=snippet(org_id),
                        severity=WARNING,
                        suggestions=tuple(
                            f"name its type under 'organizations:' in the mapping file: {org_id}: {name}"
                            for name, n in vote.candidates
                            if n == vote.count
                        ),
                    )
                    continue
                if vote.type is not None and vote.share < MIN_TYPE_SHARE:
                    weak = (
                        f"its most frequent type, {vote.type}, covers {vote.count} of its {vote.total} term uses "
                        f"({vote.share:.0%}), under the {MIN_TYPE_SHARE:.0%} netmap needs"
                    )
                else:
                    chosen = vote.type
                    share = f"{vote.share:.2f}" if chosen else ""
            if chosen is None:
                note = weak or (
                    f"its terms ({', '.join(self.term_label(t) for t in terms)}) map to no agency type"
                    if terms
                    else "it has no taxonomy terms"
                )
                left = self.dependants(org_id)
                if left:
                    verb = "is" if left.startswith("1 ") and " and " not in left else "are"
                    note += f"; {left} {verb} left out with it"
                self.issue(
                    "hsds-unmapped",
                    f"organisation {org.get('name') or org_id!r} is not imported: {note}",
                    "organizations",
                    row,
                    "id",
                    value=snippet(org_id),
                    severity=WARNING,
                    suggestions=(
                        "add one of its terms under 'agency_types:' in the mapping file"
                        if terms
                        else f"name its type under 'organizations:' in the mapping file: {org_id}: <agency type>",
                        "netmap hsds-mapping PACKAGE writes a mapping file listing every term",
                    ),
                )
                continue
            kept.add(org_id)
            self.levels[org_id] = level
            rows.append(
                RawRow(
                    row,
                    [
                        org_id,
                        org.get("name", ""),
                        chosen,
                        level,
                        # A state or national agency serves the whole state: its office's county is no region.
                        "" if level in ("state", "national") else regions.get(org_id, ""),
                        org.get("website", "") or org.get("url", ""),
                        org.get("description", ""),
                        org.get("alternate_name", ""),
                        "; ".join(self.term_label(t) for t in terms),
                        share,
                    ],
                )
            )
        return header, rows, kept

    def dependants(self, org_id: str) -> str:
        """'2 services and 1 funding row': what leaves with an organisation that is not imported."""
        services = {sid for sid, (_, svc) in self.services.items() if svc.get("organization_id") == org_id}
        funding = sum(
            1
            for _, f in self.rows("funding")
            if f.get("organization_id") == org_id or (not f.get("organization_id") and f.get("service_id") in services)
        )
        parts = [
            f"{n} {what}{'s' if n != 1 else ''}" for n, what in ((len(services), "service"), (funding, "funding row"))
        ]
        return " and ".join(p for p in parts if not p.startswith("0 "))

    def service_details(self) -> dict[str, dict[str, list[str]]]:
        """Per service id: its locations, languages, service areas and capacities, from their tables."""
        details: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for _row, sal in self.rows("service_at_location"):
            if sal.get("location_id"):
                details[sal.get("service_id", "")]["locations"].append(sal["location_id"])
        for _row, lang in self.rows("languages"):
            if lang.get("service_id") and (lang.get("name") or lang.get("code")):
                details[lang["service_id"]]["languages"].append(lang.get("name") or lang["code"])
        for _row, area in self.rows("service_areas"):
            if area.get("service_id") and area.get("name"):
                details[area["service_id"]]["areas"].append(area["name"])
        for _row, cap in self.rows("service_capacity"):
            # HSDS 3.0: 'maximum' is the most the service can take; 'available' what is free now.
            value = cap.get("maximum") or cap.get("available") or ""
            if cap.get("service_id") and value:
                details[cap["service_id"]]["capacity"].append(value)
        return details

    def services_sheet(self, kept: set[str]) -> tuple[list[str], list[RawRow]]:
        """One services row per service, location and population, with the contract's columns.

        ``service`` is the directory's service name when the service taxonomy knows it,
        else the taxonomy service its terms map to (the directory's name is kept in
        ``service_name``); ``region`` is the region of the service's location, else of a
        service area the regions name.
        """
        header = [
            "partner_id",
            "service",
            "population",
            "region",
            "location",
            "capacity",
            "eligibility",
            "languages",
            "cost",
            "status",
            "hsds_id",
            "service_name",
        ]
        details = self.service_details()
        location_names = {loc.get("id", ""): loc.get("name", "") for _, loc in self.rows("locations")}
        location_regions = {loc: region for loc, (_, _, region) in self.location_regions().items()}
        # One row per partner, service and population (the sheet's key): two directory services
        # the taxonomy calls the same, or one service at several locations, are one row whose
        # locations, languages, ... are joined and whose capacities add up.
        merged: dict[tuple[str, str, str], tuple[int, dict[str, list[str]]]] = {}
        for sid, (row, svc) in self.services.items():
            org = svc.get("organization_id", "")
            if not self.known_org(org, "services", row):
                continue
            if org not in kept:
                continue  # its organisation is reported as unmapped
            terms = self.entity_terms.get(("service", sid), [])
            populations = [p for p in dict.fromkeys(self.mapped("populations", t) for t in terms) if p]
            name = svc.get("name", "")
            service = self.service_text(name, terms)
            info = details.get(sid, {})
            locations = list(dict.fromkeys(info.get("locations", [])))
            area_regions = [
                self.places.get(region_key(a)) or self.mapping.regions.get(region_key(a)) for a in info.get("areas", [])
            ]
            area_region = next((r for r in area_regions if r), "")
            regions = [location_regions.get(loc, "") or area_region for loc in locations] or [area_region]
            if self.levels.get(org) in ("state", "national"):
                regions = [""]  # as for the partner: a state agency's office is in no one region
            values = {
                "region": regions,
                "location": [location_names.get(loc, "") for loc in locations],
                "capacity": [c for c in info.get("capacity", []) if c.isdigit()],
                "eligibility": [svc.get("eligibility_description", "") or svc.get("eligibility", "")],
                "languages": info.get("languages", []),
                "cost": [svc.get("fees_description", "") or svc.get("fees", "")],
                "status": [svc.get("status", "")],
                "hsds_id": [sid],
                "service_name": [name if service != name else ""],
            }
            for population in populations or [""]:
                key = (org, normalize(service), population)
                if key not in merged:
                    merged[key] = (row, {"service": [service], **{k: [] for k in values}})
                for column, items in values.items():
                    merged[key][1][column].extend(items)
        rows: list[RawRow] = []
        for (org, _, population), (row, cells) in merged.items():
            regions = set(cells["region"])
            capacity = str(sum(map(int, cells["capacity"]))) if cells["capacity"] else ""
            rows.append(
                RawRow(
                    row,
                    [
                        org,
                        cells["service"][0],
                        population,
                        # Locations in two regions: the row names none, and the partner's region applies.
                        regions.pop() if len(regions) == 1 else "",
                        *("; ".join(v for v in dict.fromkeys(cells[c]) if v) for c in ("location",)),
                        capacity,
                        *(
                            "; ".join(v for v in dict.fromkeys(cells[c]) if v)
                            for c in ("eligibility", "languages", "cost", "status", "hsds_id", "service_name")
                        ),
                    ],
                )
            )
        return header, rows

    def service_text(self, name: str, terms: list[str]) -> str:
        """The directory's service name if the service taxonomy knows it, else the taxonomy service its terms mean."""
        if self.taxonomy is None or self.taxonomy.match(name) is not None:
            return name
        counts: dict[str, int] = defaultdict(int)
        for term in terms:
            value = self.mapped("services", term)
            found = self.taxonomy.services.get(value) or self.taxonomy.match(value) if value else None
            if found is not None:
                counts[found.id] += 1
        if not counts:
            return name
        best = max(counts, key=lambda k: counts[k])
        return self.taxonomy.services[best].name

    def known_org(self, org: str, table: str, row: int) -> bool:
        if org in self.orgs:
            return True
        self.issue(
            "hsds-unknown-reference",
            f"organization {org!r} is not in organizations.csv" if org else "the row names no organization",
            table,
            row,
            "organization_id",
            value=snippet(org) if org else None,
        )
        return False

    def funding_sheet(self, kept: set[str]) -> tuple[list[str], list[RawRow]]:
        header = ["id", "stream", "recipient_id", "program", "hsds_service_id"]
        rows: list[RawRow] = []
        seen: set[str] = set()
        for row, fund in self.rows("funding"):
            fid, org, sid = fund.get("id", ""), fund.get("organization_id", ""), fund.get("service_id", "")
            if sid and sid not in self.services:
                self.issue(
                    "hsds-unknown-reference",
                    f"service {sid!r} is not in services.csv",
                    "funding",
                    row,
                    "service_id",
                    value=snippet(sid),
                )
                continue
            service = self.services[sid][1] if sid else {}
            org = org or service.get("organization_id", "")
            if not org:
                self.issue(
                    "hsds-unknown-reference",
                    "the funding row names neither an organization nor a service",
                    "funding",
                    row,
                    "organization_id",
                )
                continue
            if not self.known_org(org, "funding", row):
                continue
            if not fund.get("source"):
                self.issue(
                    "hsds-missing-value",
                    "the funding row has no source, so it names no funding stream",
                    "funding",
                    row,
                    "source",
                    suggestions=("write who funds it, e.g. 'WIOA Title I' or 'county general fund'",),
                )
                continue
            if org not in kept:
                continue  # its organisation is reported as unmapped
            if fid in seen:
                self.issue("hsds-duplicate-id", f"id {fid!r} is used again", "funding", row, "id", value=snippet(fid))
                continue
            seen.add(fid)
            rows.append(RawRow(row, [fid, fund["source"], org, service.get("name", ""), sid]))
        return header, rows

    def ties_sheet(self, kept: set[str]) -> tuple[list[str], list[RawRow]]:
        header = ["source_id", "target_id", "kind", "notes"]
        rows: list[RawRow] = []
        for org_id, (row, org) in self.orgs.items():
            parent = org.get("parent_organization_id", "")
            if not parent or parent == org_id:
                continue
            if parent not in self.orgs:
                self.issue(
                    "hsds-unknown-reference",
                    f"parent organization {parent!r} is not in organizations.csv; the tie is left out",
                    "organizations",
                    row,
                    "parent_organization_id",
                    value=snippet(parent),
                    severity=WARNING,
                )
            elif org_id in kept and parent in kept:
                rows.append(RawRow(row, [org_id, parent, "governance", "parent organization (HSDS)"]))
        return header, rows


def read_hsds_raw(
    source: str | Path,
    *,
    roster: Roster,
    mapping: HsdsMapping | str | Path | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
    regions: str | Path | dict[str, str] | None = None,
) -> RawWorkbook:
    """Read an HSDS 3.0 tabular package as the raw sheets of a netmap workbook.

    Parameters
    ----------
    source : str or Path
        The package folder (or its ``datapackage.json``).
    roster : Roster
        The roster agency types and populations are matched against.
    mapping : HsdsMapping, str or Path, optional
        The mapping, or a mapping YAML file. Default: ``netmap-mapping.yaml`` inside the
        package if there is one, else term names matched against the roster.
    encoding, limits : as for :func:`~netmap.ingest.workbook.read_workbook_raw`.
    regions : str, Path or dict, optional
        A region file (CSV: county or city -> region, see
        :func:`~netmap.ingest.hsds_mapping.load_regions`) or its lookup: places the
        organisations and services in the map's regions. Its places are tried against every
        address field and win over the mapping file's ``regions:``.

    The shipped term mappings (Open Eligibility, the 211 taxonomy's top levels) are read
    under the mapping: its entries add to them and win over them.

    Returns
    -------
    RawWorkbook
        Sheets ``partners``, ``services``, ``funding`` and ``ties`` whose rows carry the
        HSDS file and row they came from, and every HSDS issue found.

    Examples
    --------
    >>> from netmap.roster import load_roster
    >>> # raw = read_hsds_raw("pima-211", roster=load_roster(), mapping="pima-211/netmap-mapping.yaml")
    >>> # sorted(raw.sheets)  -> ['funding', 'partners', 'services', 'ties']
    """
    path = Path(source)
    folder = path.parent if path.is_file() else path
    label = str(source) if path.is_dir() else str(Path(str(source)).parent)
    if not is_hsds(folder):
        raise UsageError(f"{source}: not an HSDS package (no datapackage.json) nor an Ohana CSV folder")
    if mapping is None and (folder / MAPPING_FILE).is_file():
        mapping = folder / MAPPING_FILE
    if not isinstance(mapping, HsdsMapping):
        mapping = load_mapping(mapping) if mapping is not None else HsdsMapping()
    user_mapping = mapping
    if mapping.shipped:
        mapping = with_defaults(mapping, shipped_mapping())
    places: dict[str, str] = {}
    if regions is None and mapping.region_file:
        regions = mapping.region_file  # named in the mapping file: every command that reads the package uses it
    if regions is not None:
        table = regions if isinstance(regions, dict) else load_regions(regions)
        places = {region_key(k): v for k, v in table.items()}

    book = RawWorkbook(label, "hsds")
    files, issues, layout = _resources(folder, label)
    book.issues.extend(issues)
    # Only the user's entries are checked: the shipped ones are tested against the shipped roster.
    book.issues.extend(check_mapping(user_mapping, roster, _taxonomy()))
    if "organizations" not in files:
        return book
    tables, issues = _read_tables(files, label, encoding, limits or Limits())
    tables = to_hsds3(tables, layout)
    book.issues.extend(issues)
    if "organizations" not in tables:
        return book

    reader = _Reader(tables, mapping, roster, _taxonomy(), places)
    reader.read_indexes()
    header, rows, kept = reader.partners()
    sheets = {"partners": (tables["organizations"].file, header, rows)}
    if "services" in tables:
        h, r = reader.services_sheet(kept)
        sheets["services"] = (tables["services"].file, h, r)
    if "funding" in tables and reader.require_columns("funding", ("id", "source")):
        h, r = reader.funding_sheet(kept)
        sheets["funding"] = (tables["funding"].file, h, r)
    h, r = reader.ties_sheet(kept)
    if r:
        sheets["ties"] = (tables["organizations"].file, h, r)
    for name, (file, h, r) in sheets.items():
        book.sheets[name] = RawSheet(name, name, file, h, r, directory=True)
    book.issues.extend(reader.issues)
    # Errors before warnings would hide the order of the files; keep file then row order.
    book.issues.sort(key=lambda i: (i.file or "", i.row or 0, 0 if i.severity == ERROR else 1))
    return book


def _taxonomy() -> ServiceTaxonomy | None:
    """The shipped service taxonomy; a broken install reads directories without it rather than not at all."""
    try:
        return load_taxonomy()
    except Exception:  # noqa: BLE001 - the taxonomy's own tests report a broken file
        return None


def read_hsds(
    source: str | Path,
    *,
    roster: Roster,
    mapping: HsdsMapping | str | Path | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
    regions: str | Path | dict[str, str] | None = None,
) -> Tables:
    """Read and validate an HSDS package: :func:`read_hsds_raw`, then the workbook validator.

    Examples
    --------
    >>> from netmap.roster import load_roster
    >>> # tables = read_hsds("pima-211", roster=load_roster()); tables.counts()["partners"]
    """
    raw = read_hsds_raw(source, roster=roster, mapping=mapping, encoding=encoding, limits=limits, regions=regions)
    tables = validate(raw, roster)
    no_organizations = any(i.code == "hsds-missing-resource" and i.is_error for i in raw.issues)
    tables.issues = [
        i
        for i in tables.issues
        # The validator's remarks on columns the import itself added, or on the partners sheet an
        # unreadable package could not give, repeat what the HSDS issues already say.
        if not (i.code == "unknown-column" and (i.column in ADDED_COLUMNS or i.column in SERVICE_COLUMNS))
        and not (i.code == "missing-sheet" and no_organizations)
    ]
    return tables


def mapping_template(source: str | Path, *, roster: Roster, encoding: str | None = None) -> str:
    """A mapping file listing every taxonomy term of a package, filled where the roster knows the term.

    The user edits it (an agency type or population after each term they recognise)
    and passes it with ``--mapping``, or saves it as ``netmap-mapping.yaml`` in the
    package folder.

    Examples
    --------
    >>> from netmap.roster import load_roster
    >>> # print(mapping_template("pima-211", roster=load_roster()))
    """
    path = Path(source)
    folder = path.parent if path.is_file() else path
    label = str(folder)
    # Problems in the package are reported when it is read as a SOURCE, not here.
    files, _, layout = _resources(folder, label)
    check_encoding(encoding)
    tables, _ = _read_tables(files, label, encoding, Limits())
    tables = to_hsds3(tables, layout)
    reader = _Reader(tables, HsdsMapping(), roster)
    reader.read_indexes()
    # What the shipped mappings already say of a term is shown, so the user fills only the rest.
    shipped = _Reader(tables, with_defaults(HsdsMapping(match_roster=False), shipped_mapping()), roster)
    shipped.terms = reader.terms
    used: dict[str, int] = defaultdict(int)
    for (_entity, _link), terms in reader.entity_terms.items():
        for term in terms:
            used[term] += 1

    def q(text: str) -> str:
        # JSON strings are valid YAML scalars: any term text is written safely quoted (and
        # with no raw control character, for the template printed on a terminal).
        return escape_json_text(json.dumps(text, ensure_ascii=False))

    lines = [
        "# netmap mapping for an HSDS package: which agency type, population and level each",
        "# taxonomy term means. Fill in the blanks you recognise (an agency type or population as",
        "# you would write it in a netmap workbook); leave the rest blank. A term is matched by its",
        "# code or its name. Save it as netmap-mapping.yaml inside the package (every command then",
        "# uses it), or name it before the command: netmap --mapping THIS_FILE validate PACKAGE",
        "",
        "level: local            # level of an organisation no term places",
        "region_from: [region, city]   # address fields that name an organisation's region",
        "shipped: true           # also use netmap's mappings of Open Eligibility and 211 terms",
        "# region_file: regions.csv   # county or city -> region (CSV beside this file)",
        "",
        "agency_types:",
    ]
    ordered = sorted(reader.terms, key=lambda t: (-used[t], reader.term_label(t).lower()))
    for term_id in ordered:
        term = reader.terms[term_id]
        key = term.get("code") or term.get("name") or term_id
        name = term.get("name", "")
        atype = roster.match_agency_type(name) if name else None
        value = q(atype.name) if atype else ""
        # One line, whatever the name holds, and nothing a terminal would act on.
        known = "" if atype else shipped.mapped("agency_types", term_id)
        note = f"; shipped mapping: {known}" if known else ""
        comment = safe_text(" ".join(f"{name} - used {used[term_id]} time(s){note}".split()))
        lines.append(f"  {q(key)}: {value}    # {comment}")
    lines += ["", "populations:"]
    for term_id in ordered:
        term = reader.terms[term_id]
        name = term.get("name", "")
        population = roster.match_population(name) if name else None
        if population:
            lines.append(f"  {q(term.get('code') or name)}: {q(population.name)}")
    lines += [
        "",
        "levels:            # term: state | regional | local | national",
        "",
        "organizations:     # organisation id: agency type, for organisations no term describes",
        "",
        "regions:           # address value: region name, e.g. a city to its workforce area",
        "",
    ]
    return "\n".join(lines)
