"""The layouts of real service directories, laid out as the HSDS 3.0 tables the import reads.

211 and city directories are published in several layouts: Open Referral HSDS 3.0,
HSDS 2.0 and 1.1 (``physical_addresses.csv``, ``services_at_location.csv``,
``service_attributes.csv``, taxonomy terms with a ``term`` column), the drafts before
1.1 (a ``taxonomy.csv`` and a ``services_taxonomy.csv`` link table), and the Ohana
API's CSV export (services hang off locations and carry their categories, keywords,
languages and eligibility in columns). Each layout is described by a :class:`Layout`
— which file becomes which HSDS 3.0 table and which column becomes which HSDS 3.0
column — so the reader (:mod:`netmap.ingest.hsds`) knows only HSDS 3.0. Every row
keeps the file and row it was read from, so issues name the file the user has.

Examples
--------
>>> LAYOUTS["2.0"].tables["physical_addresses"]
'addresses'
>>> LAYOUTS["1.1"].columns[("taxonomy", "taxonomy_id")]
'id'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LAYOUTS", "Layout", "Table", "detect_layout", "is_ohana", "to_hsds3"]

# The key under which a row remembers its file when a table is put together from several.
FILE_KEY = "\x00file"


@dataclass
class Table:
    """One directory CSV: its rows as dicts keyed by the lower-cased header, with row numbers."""

    name: str
    file: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """How one directory layout's files and columns become HSDS 3.0 tables.

    Attributes
    ----------
    version : the layout's name as issues and the README write it ("3.0", "2.0", "1.1", "ohana").
    tables : file stem -> HSDS 3.0 table. Several files may feed one table (physical
        and postal addresses both become ``addresses``).
    columns : (file stem, column in the file) -> HSDS 3.0 column.
    constants : file stem -> columns every row of it gets (``service_attributes`` rows
        all link a service: ``link_entity`` is ``service``).
    """

    version: str
    tables: dict[str, str]
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    constants: dict[str, dict[str, str]] = field(default_factory=dict)


# The HSDS 3.0 resources netmap reads (netmap.ingest.hsds.HSDS_RESOURCES); every other
# resource of a package is left alone.
HSDS_RESOURCES = (
    "organizations",
    "services",
    "funding",
    "locations",
    "addresses",
    "service_at_location",
    "attributes",
    "taxonomy_terms",
    "languages",
    "service_areas",
    "service_capacity",
)

# HSDS 2.0.1 (and 1.1, whose descriptor lists the same files): the version differences in
# one place, so the reader has no per-version branches.
_HSDS2_TABLES = {
    "organizations": "organizations",
    "services": "services",
    "funding": "funding",
    "locations": "locations",
    "physical_addresses": "addresses",
    "postal_addresses": "addresses",
    "services_at_location": "service_at_location",
    "service_attributes": "attributes",
    "other_attributes": "attributes",
    "taxonomy_terms": "taxonomy_terms",
    "languages": "languages",
    "service_areas": "service_areas",
    "eligibility": "eligibility",
}
_HSDS2_COLUMNS = {
    ("organizations", "url"): "website",
    ("taxonomy_terms", "term"): "name",
    ("other_attributes", "link_type"): "link_entity",
    ("languages", "language"): "name",
    ("service_areas", "service_area"): "name",
    ("services", "fees"): "fees_description",
}
_HSDS2_CONSTANTS = {
    "service_attributes": {"link_entity": "service"},
    "physical_addresses": {"address_type": "physical"},
    "postal_addresses": {"address_type": "postal"},
}

LAYOUTS: dict[str, Layout] = {
    "3.0": Layout("3.0", {name: name for name in HSDS_RESOURCES}),
    "2.0": Layout("2.0", _HSDS2_TABLES, _HSDS2_COLUMNS, _HSDS2_CONSTANTS),
    # 1.1 exports in the wild often keep the earlier draft's taxonomy files.
    "1.1": Layout(
        "1.1",
        _HSDS2_TABLES | {"taxonomy": "taxonomy_terms", "services_taxonomy": "attributes"},
        _HSDS2_COLUMNS
        | {
            ("taxonomy", "taxonomy_id"): "id",
            ("taxonomy", "vocabulary"): "taxonomy",
            ("services_taxonomy", "taxonomy_id"): "taxonomy_term_id",
            ("services_taxonomy", "service_id"): "link_id",
        },
        _HSDS2_CONSTANTS | {"services_taxonomy": {"link_entity": "service"}},
    ),
    # Ohana API CSV: services are converted row by row (see _ohana_services); these are the rest.
    "ohana": Layout(
        "ohana",
        {
            "organizations": "organizations",
            "locations": "locations",
            "addresses": "addresses",
            "mail_addresses": "addresses",
            "taxonomy": "taxonomy_terms",
        },
        {("taxonomy", "taxonomy_id"): "id"},
        {"addresses": {"address_type": "physical"}, "mail_addresses": {"address_type": "postal"}},
    ),
}
# Service-level link columns the 2.0/1.1 files use where 3.0 writes link_id.
_LINK_COLUMNS = {"service_attributes": "service_id"}

# Every file stem some layout reads.
KNOWN_FILES: tuple[str, ...] = tuple(dict.fromkeys(s for layout in LAYOUTS.values() for s in layout.tables))
# Files only one family has: their presence decides the layout when the datapackage does not.
_MARKERS = (
    ("1.1", ("services_taxonomy", "taxonomy")),
    ("2.0", ("physical_addresses", "services_at_location", "service_attributes", "other_attributes")),
    ("3.0", ("attributes", "addresses", "service_at_location")),
)


def is_ohana(folder: Path) -> bool:
    """An Ohana API CSV export: organisations, locations and services hanging off locations.

    >>> is_ohana(Path("no/such/folder"))
    False
    """
    if not all((folder / f"{n}.csv").is_file() for n in ("organizations", "locations", "services")):
        return False
    try:
        with open(folder / "services.csv", encoding="utf-8-sig", errors="replace") as handle:
            header = {h.strip().lower() for h in handle.readline().split(",")}
    except OSError:
        return False
    return "location_id" in header and "organization_id" not in header


def detect_layout(stems: set[str], version: object = None, *, ohana: bool = False) -> Layout:
    """The layout of a package from the files it has, else the datapackage's ``version``.

    Files decide first: published descriptors are not trusted on this (the HSDS 1.1
    descriptor itself says 2.0.1), and exports keep files of an earlier draft.

    >>> detect_layout({"organizations", "services", "services_taxonomy"}).version
    '1.1'
    >>> detect_layout({"organizations", "services"}, "2.0.1").version
    '2.0'
    >>> detect_layout({"organizations", "services"}).version
    '3.0'
    """
    if ohana:
        return LAYOUTS["ohana"]
    for name, markers in _MARKERS:
        if stems & set(markers):
            return LAYOUTS[name]
    text = str(version or "")
    if text.startswith("1."):
        return LAYOUTS["1.1"]
    if text.startswith("2."):
        return LAYOUTS["2.0"]
    return LAYOUTS["3.0"]


def to_hsds3(raw: dict[str, Table], layout: Layout) -> dict[str, Table]:
    """The layout's tables renamed and re-keyed as HSDS 3.0 tables (rows keep file and row).

    >>> rows = [(2, {"taxonomy_id": "101", "name": "Emergency"})]
    >>> t = Table("taxonomy", "p/taxonomy.csv", rows, ("taxonomy_id", "name"))
    >>> out = to_hsds3({"taxonomy": t}, LAYOUTS["1.1"])
    >>> out["taxonomy_terms"].rows[0][1]["id"], out["taxonomy_terms"].file
    ('101', 'p/taxonomy.csv')
    """
    out: dict[str, Table] = {}
    for stem, table in raw.items():
        target = layout.tables.get(stem)
        if target is None:
            continue
        renames = {col: layout.columns.get((stem, col), col) for col in table.columns}
        if stem in _LINK_COLUMNS:
            renames[_LINK_COLUMNS[stem]] = "link_id"
        constants = layout.constants.get(stem, {})
        rows = []
        for row, record in table.rows:
            new = dict(record)
            for k, v in record.items():
                # A renamed column does not overwrite one the file already has under the 3.0 name.
                if renames.get(k, k) != k and not record.get(renames[k]):
                    new[renames[k]] = v
            for key, value in constants.items():
                new.setdefault(key, value)
            new[FILE_KEY] = table.file
            rows.append((row, new))
        columns = tuple(dict.fromkeys([*renames.values(), *constants]))
        if target in out:
            merged = out[target]
            merged.rows.extend(rows)
            merged.columns = tuple(dict.fromkeys([*merged.columns, *columns]))
        else:
            out[target] = Table(target, table.file, rows, columns)
    if "eligibility" in out:
        _fold_eligibility(out)
    if layout.version == "ohana" and "services" in raw:
        _ohana_services(raw["services"], out)
    return out


def _fold_eligibility(out: dict[str, Table]) -> None:
    """HSDS 2.0's eligibility.csv rows, folded into their service's ``eligibility_description``."""
    table = out.pop("eligibility")
    texts: dict[str, list[str]] = {}
    for _row, record in table.rows:
        text = record.get("eligibility") or record.get("description") or ""
        if record.get("service_id") and text:
            texts.setdefault(record["service_id"], []).append(text)
    services = out.get("services")
    if services is None:
        return
    for _row, record in services.rows:
        if not record.get("eligibility_description") and record.get("id") in texts:
            record["eligibility_description"] = "; ".join(texts[record["id"]])
    services.columns = tuple(dict.fromkeys([*services.columns, "eligibility_description"]))


def split_list(text: str) -> list[str]:
    """An Ohana list cell ("English, Spanish") as its items.

    >>> split_list("English, Spanish;  Tagalog")
    ['English', 'Spanish', 'Tagalog']
    """
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


def _ohana_services(services: Table, out: dict[str, Table]) -> None:
    """Ohana services: one per location, with their lists in cells, as HSDS 3.0 rows.

    A service's organisation is its location's; ``taxonomy_ids`` (codes of
    taxonomy.csv) and ``categories`` (names) become its taxonomy terms, and its
    ``keywords`` too when it has neither (free words: they would otherwise dilute the
    share of the terms that say what the organisation is).
    """
    file = services.file
    location_org = {r.get("id", ""): r.get("organization_id", "") for _, r in out.get("locations", Table("", "")).rows}
    terms = out.setdefault("taxonomy_terms", Table("taxonomy_terms", file, [], ("id", "name")))
    term_ids = {r.get("id") for _, r in terms.rows}
    made: dict[str, list[tuple[int, dict[str, str]]]] = {
        k: [] for k in ("services", "service_at_location", "attributes", "languages", "service_areas")
    }
    for row, svc in services.rows:
        sid, location = svc.get("id", ""), svc.get("location_id", "")
        made["services"].append(
            (
                row,
                {
                    "id": sid,
                    "organization_id": location_org.get(location, ""),
                    "name": svc.get("name", ""),
                    "description": svc.get("description", ""),
                    "status": svc.get("status", ""),
                    "eligibility_description": svc.get("eligibility", ""),
                    "fees_description": svc.get("fees", ""),
                    FILE_KEY: file,
                },
            )
        )
        if location:
            made["service_at_location"].append(
                (row, {"id": f"{sid}@{location}", "service_id": sid, "location_id": location, FILE_KEY: file})
            )
        codes = split_list(svc.get("taxonomy_ids", ""))
        names = split_list(svc.get("categories", ""))
        if not codes and not names:
            names = split_list(svc.get("keywords", ""))
        for name in names:
            term_id = f"category:{name}"
            if term_id not in term_ids:
                term_ids.add(term_id)
                terms.rows.append((row, {"id": term_id, "name": name, FILE_KEY: file}))
            codes.append(term_id)
        for term_id in codes:
            made["attributes"].append(
                (
                    row,
                    {"id": f"{sid}:{term_id}", "link_id": sid, "link_entity": "service", "taxonomy_term_id": term_id}
                    | {FILE_KEY: file},
                )
            )
        for language in split_list(svc.get("languages", "")):
            made["languages"].append((row, {"service_id": sid, "name": language, FILE_KEY: file}))
        for area in split_list(svc.get("service_areas", "")):
            made["service_areas"].append((row, {"service_id": sid, "name": area, FILE_KEY: file}))
    columns = {
        "services": ("id", "organization_id", "name", "description", "status", "eligibility_description"),
        "service_at_location": ("id", "service_id", "location_id"),
        "attributes": ("id", "link_id", "link_entity", "taxonomy_term_id"),
        "languages": ("service_id", "name"),
        "service_areas": ("service_id", "name"),
    }
    for name, rows in made.items():
        out[name] = Table(name, file, rows, columns[name])
