"""Read an Open Referral HSDS 3.0 tabular data package as netmap sheets.

A 211 or community-directory export in HSDS 3.0 is a folder with ``datapackage.json``
and one CSV per object (``organizations.csv``, ``services.csv``, ``funding.csv``,
``locations.csv``, ``addresses.csv``, ``service_at_location.csv``, ``attributes.csv``,
``taxonomy_terms.csv``, ...). This module lays it out as the sheets of a netmap
workbook so that the validator, the graph and every command treat it like one:

- each organisation becomes a partner; its agency type comes from the taxonomy terms
  attached to it (or to its services) through ``attributes.csv``, translated by a
  :class:`HsdsMapping` the user can edit (by default, term names are matched against
  the roster's agency type names and aliases);
- each service becomes a ``services`` row (its population from its terms);
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
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from netmap.errors import ERROR, WARNING, Issue, UsageError, escape_json_text, safe_text
from netmap.ingest.hsds_mapping import HsdsMapping, check_mapping, load_mapping
from netmap.ingest.validate import Tables, validate
from netmap.ingest.workbook import Limits, RawRow, RawSheet, RawWorkbook, _read_csv_file, check_encoding, snippet
from netmap.roster import Roster, normalize

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
# The HSDS 3.0 resources netmap reads; every other resource of the package is left alone.
HSDS_RESOURCES = (
    "organizations",
    "services",
    "funding",
    "locations",
    "addresses",
    "service_at_location",
    "attributes",
    "taxonomy_terms",
)
# HSDS 3.0's own datapackage names its resources in the singular ("organization"); exports
# in the wild also use the file names. Both mean the same table.
_RESOURCE_NAMES = {name: name for name in HSDS_RESOURCES} | {
    "organization": "organizations",
    "service": "services",
    "location": "locations",
    "address": "addresses",
    "attribute": "attributes",
    "taxonomy_term": "taxonomy_terms",
}
# Columns the import adds to the netmap sheets (kept as attributes, not reported as unknown).
ADDED_COLUMNS = frozenset({"alternate_name", "hsds_terms", "status", "hsds_id", "hsds_service_id"})
_ADDRESS_PREFERENCE = {"physical": 0, "": 1, "postal": 2, "virtual": 3}


def is_hsds(source: str | Path) -> bool:
    """Whether ``source`` is an HSDS tabular package (a folder with datapackage.json, or that file).

    >>> is_hsds("no/such/folder")
    False
    """
    path = Path(source)
    if path.is_file():
        return path.name == DATAPACKAGE
    return (path / DATAPACKAGE).is_file()


# -- reading the package ----------------------------------------------------------------------


@dataclass
class _Table:
    """One HSDS CSV: its rows as dicts keyed by the lower-cased header, with row numbers."""

    name: str
    file: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    columns: tuple[str, ...] = ()


def _standard_files(folder: Path) -> dict[str, Path]:
    return {name: folder / f"{name}.csv" for name in HSDS_RESOURCES if (folder / f"{name}.csv").is_file()}


def _resources(folder: Path, label: str) -> tuple[dict[str, Path], list[Issue]]:
    """The CSV of each resource the datapackage lists, checked to lie inside the folder.

    A datapackage.json that cannot be used is reported, and the files are then looked
    for under their standard HSDS names, so a hand-trimmed export still reads.
    """
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
        for index, resource in enumerate(resources):
            if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
                continue
            where = resource.get("path") or f"{resource['name']}.csv"
            stem = PurePosixPath(where).stem.lower() if isinstance(where, str) else ""
            name = _RESOURCE_NAMES.get(resource["name"].strip().lower()) or _RESOURCE_NAMES.get(stem)
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
            found[name] = folder.joinpath(*relative.parts)
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
    return found, issues


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

    def __init__(self, tables: dict[str, _Table], mapping: HsdsMapping, roster: Roster):
        self.t = tables
        self.mapping = mapping
        self.roster = roster
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
        self.issues.append(Issue(code, message, file=self.t[table].file, sheet=table, row=row, column=column, **kw))

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
                )
            elif link not in known:
                self.issue(
                    "hsds-unknown-reference",
                    f"the attribute links to {entity} {link!r}, which is not in {entity}s.csv",
                    "attributes",
                    row,
                    "link_id",
                    value=snippet(link),
                )
            else:
                self.entity_terms[(entity, link)].append(term_id)

    # -- translation --------------------------------------------------------------------

    def term_keys(self, term_id: str) -> list[str]:
        term = self.terms[term_id]
        return [normalize(term[k]) for k in ("code", "name") if term.get(k)]

    def term_label(self, term_id: str) -> str:
        term = self.terms[term_id]
        code, name = term.get("code", ""), term.get("name", "")
        return f"{name} ({code})" if code and name and code != name else name or code

    def mapped(self, section: str, term_id: str) -> str | None:
        table: dict[str, str] = getattr(self.mapping, section)
        for key in self.term_keys(term_id):
            if key in table:
                return table[key]
        if self.mapping.match_roster:
            name = self.terms[term_id].get("name", "")
            if section == "agency_types" and name and self.roster.match_agency_type(name) is not None:
                return name
            if section == "populations" and name and self.roster.match_population(name) is not None:
                return name
        return None

    def org_terms(self, org_id: str) -> list[str]:
        """The organisation's own terms first, then its services' terms."""
        own = self.entity_terms.get(("organization", org_id), [])
        of_services = [t for sid in self.services_of[org_id] for t in self.entity_terms.get(("service", sid), [])]
        return list(dict.fromkeys([*own, *of_services]))

    def level_of(self, terms: list[str]) -> str:
        for term in terms:
            for key in self.term_keys(term):
                if key in self.mapping.levels:
                    return self.mapping.levels[key]
        return self.mapping.level

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
        for row, address in self.rows("addresses"):
            org = location_org.get(address.get("location_id", ""))
            if not org:
                continue
            value = next((address.get(f, "") for f in self.mapping.region_from if address.get(f)), "")
            if not value:
                continue
            region = self.mapping.regions.get(normalize(value), value)
            rank = (_ADDRESS_PREFERENCE.get(address.get("address_type", "").lower(), 4), row)
            if org not in best or rank < best[org][:2]:
                best[org] = (*rank, region)
        return {org: region for org, (_, _, region) in best.items()}

    # -- the sheets -----------------------------------------------------------------------

    def partners(self) -> tuple[list[str], list[RawRow], set[str]]:
        header = ["id", "name", "agency_type", "level", "region", "website", "notes", "alternate_name", "hsds_terms"]
        regions = self.regions_of_orgs()
        rows: list[RawRow] = []
        kept: set[str] = set()
        for org_id, (row, org) in self.orgs.items():
            terms = self.org_terms(org_id)
            level = self.level_of(terms)
            chosen = self.mapping.organizations.get(org_id)
            if chosen is None:
                types = list(dict.fromkeys(t for t in (self.mapped("agency_types", term) for term in terms) if t))
                resolved = {(a.id if (a := self.roster.match_agency_type(t, level)) else t): t for t in types}
                if len(resolved) > 1:
                    first = next(iter(resolved.values()))
                    self.issue(
                        "hsds-ambiguous-type",
                        f"the terms of {org.get('name') or org_id!r} map to {len(resolved)} agency types "
                        f"({', '.join(resolved.values())}); netmap uses {first!r}",
                        "organizations",
                        row,
                        "id",
                        value=snippet(org_id),
                        severity=WARNING,
                        suggestions=(f"name its type under 'organizations:' in the mapping file: {org_id}: {first}",),
                    )
                chosen = next(iter(resolved.values()), None)
            if chosen is None:
                note = (
                    f"its terms ({', '.join(self.term_label(t) for t in terms)}) map to no agency type"
                    if terms
                    else "it has no taxonomy terms"
                )
                left = self.dependants(org_id)
                if left:
                    note += f"; {left} are left out with it"
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

    def services_sheet(self, kept: set[str]) -> tuple[list[str], list[RawRow]]:
        header = ["partner_id", "service", "population", "status", "hsds_id"]
        rows: list[RawRow] = []
        for sid, (row, svc) in self.services.items():
            org = svc.get("organization_id", "")
            if not self.known_org(org, "services", row):
                continue
            if org not in kept:
                continue  # its organisation is reported as unmapped
            populations = [
                p
                for p in dict.fromkeys(
                    self.mapped("populations", t) for t in self.entity_terms.get(("service", sid), [])
                )
                if p
            ]
            for population in populations or [""]:
                rows.append(RawRow(row, [org, svc.get("name", ""), population, svc.get("status", ""), sid]))
        return header, rows

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
    if not (folder / DATAPACKAGE).is_file():
        raise UsageError(f"{source}: not an HSDS package (no datapackage.json)")
    if mapping is None and (folder / MAPPING_FILE).is_file():
        mapping = folder / MAPPING_FILE
    if not isinstance(mapping, HsdsMapping):
        mapping = load_mapping(mapping) if mapping is not None else HsdsMapping()

    book = RawWorkbook(label, "hsds")
    files, issues = _resources(folder, label)
    book.issues.extend(issues)
    book.issues.extend(check_mapping(mapping, roster))
    if "organizations" not in files:
        return book
    tables, issues = _read_tables(files, label, encoding, limits or Limits())
    book.issues.extend(issues)
    if "organizations" not in tables:
        return book

    reader = _Reader(tables, mapping, roster)
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
        book.sheets[name] = RawSheet(name, name, file, h, r)
    book.issues.extend(reader.issues)
    # Errors before warnings would hide the order of the files; keep file then row order.
    book.issues.sort(key=lambda i: (i.file or "", i.row or 0, 0 if i.severity == ERROR else 1))
    return book


def read_hsds(
    source: str | Path,
    *,
    roster: Roster,
    mapping: HsdsMapping | str | Path | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> Tables:
    """Read and validate an HSDS package: :func:`read_hsds_raw`, then the workbook validator.

    Examples
    --------
    >>> from netmap.roster import load_roster
    >>> # tables = read_hsds("pima-211", roster=load_roster()); tables.counts()["partners"]
    """
    raw = read_hsds_raw(source, roster=roster, mapping=mapping, encoding=encoding, limits=limits)
    tables = validate(raw, roster)
    no_organizations = any(i.code == "hsds-missing-resource" and i.is_error for i in raw.issues)
    tables.issues = [
        i
        for i in tables.issues
        # The validator's remarks on columns the import itself added, or on the partners sheet an
        # unreadable package could not give, repeat what the HSDS issues already say.
        if not (i.code == "unknown-column" and i.column in ADDED_COLUMNS)
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
    files, _ = _resources(folder, label)
    check_encoding(encoding)
    tables, _ = _read_tables(files, label, encoding, Limits())
    reader = _Reader(tables, HsdsMapping(), roster)
    reader.read_indexes()
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
        comment = safe_text(" ".join(f"{name} - used {used[term_id]} time(s)".split()))
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
