"""The mapping file of an HSDS import: which agency type, population, level and region HSDS data means.

A 211 directory describes organisations with taxonomy terms (AIRS/211 codes, Open
Eligibility, a local list); netmap needs roster agency types. The mapping is a small
YAML file the user edits; by default a term whose name the roster already knows
("Community Colleges", "Vocational Rehabilitation") needs no entry.

Examples
--------
>>> m = HsdsMapping(agency_types={"job training": "American Job Center"})
>>> m.level, m.region_from
('local', ('region', 'city'))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from netmap.errors import Issue, UsageError
from netmap.ingest.workbook import snippet
from netmap.model import LEVELS
from netmap.roster import Roster, normalize

__all__ = [
    "ADDRESS_FIELDS",
    "SHIPPED_MAPPINGS",
    "HsdsMapping",
    "check_mapping",
    "load_mapping",
    "load_regions",
    "region_key",
    "shipped_mapping",
    "with_defaults",
]

# Address fields that may name a region, in HSDS 3.0's own spelling.
ADDRESS_FIELDS = ("region", "city", "state_province", "postal_code", "country")


@dataclass(frozen=True)
class HsdsMapping:
    """How HSDS terms and addresses become agency types, populations, levels and regions.

    Term keys match a taxonomy term's ``code`` or its ``name`` (case, accents,
    punctuation and plural ``s`` ignored). Values are written as a person would write
    them in a workbook (an agency type name or alias; a population; a level).

    Attributes
    ----------
    agency_types : term -> agency type.
    populations : term -> population.
    services : term -> service of the service taxonomy (an id or a name), for services rows.
    levels : term -> level (state, regional, local, national).
    organizations : HSDS organisation id -> agency type (wins over any term).
    region_from : address fields tried in order for an organisation's region.
    regions : address value -> region name (values not listed are used as written).
    level : level of an organisation no term places.
    match_roster : also match term names against the roster's own names and aliases.
    shipped : also use netmap's shipped term mappings (Open Eligibility, the 211 taxonomy).
    region_file : a region file (CSV, county or city -> region; see :func:`load_regions`),
        relative to the mapping file, that places the organisations in the map's regions.
    source : the file the mapping was read from (None: built in).
    lines : line of each entry in the file, for issues: ``(section, key) -> line``.
    """

    agency_types: dict[str, str] = field(default_factory=dict)
    populations: dict[str, str] = field(default_factory=dict)
    services: dict[str, str] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=dict)
    region_from: tuple[str, ...] = ("region", "city")
    regions: dict[str, str] = field(default_factory=dict)
    level: str = "local"
    match_roster: bool = True
    shipped: bool = True
    region_file: str | None = None
    source: str | None = None
    lines: dict[tuple[str, str], int] = field(default_factory=dict)


_SECTIONS = ("agency_types", "populations", "services", "levels", "organizations", "regions")


def load_mapping(path: str | Path) -> HsdsMapping:
    """Read a mapping YAML file; every problem in it is a :class:`UsageError` naming its line.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "m.yaml"
    >>> _ = f.write_text("agency_types:\\n  Job Training: American Job Center\\n")
    >>> load_mapping(f).agency_types
    {'job training': 'American Job Center'}
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such mapping file")
    try:
        root = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a readable YAML mapping file ({snippet(exc)})") from None

    def fail(node: Any, message: str) -> UsageError:
        line = f" line {node.start_mark.line + 1}" if node is not None else ""
        return UsageError(f"{path}{line}: {message}")

    if root is None:
        return HsdsMapping(source=str(path))
    if not isinstance(root, yaml.MappingNode):
        raise fail(root, "the mapping file must be a YAML mapping (section: entries)")
    known = {*_SECTIONS, "region_from", "level", "match_roster", "shipped", "region_file"}
    options: dict[str, Any] = {"source": str(path)}
    lines: dict[tuple[str, str], int] = {}
    for key_node, value_node in root.value:
        section = str(key_node.value)
        if section not in known:
            raise fail(key_node, f"unknown section {section!r}; the sections are {', '.join(sorted(known))}")
        if section in _SECTIONS:
            if isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "~", "null"):
                continue  # an empty section, as the template writes it
            if not isinstance(value_node, yaml.MappingNode):
                raise fail(value_node, f"{section} must map keys to values, one 'key: value' per line")
            entries: dict[str, str] = {}
            for k, v in value_node.value:
                if not isinstance(k, yaml.ScalarNode) or not isinstance(v, yaml.ScalarNode):
                    raise fail(k, f"{section}: each entry is one 'key: value' line")
                if v.value.strip() in ("", "~", "null"):
                    continue  # left blank for the user to fill
                # Organisation ids are matched as written ("007" is not "7"); terms loosely.
                key = (
                    k.value.strip()
                    if section == "organizations"
                    else region_key(k.value)
                    if section == "regions"
                    else normalize(k.value)
                )
                entries[key] = v.value.strip()
                lines[(section, key)] = k.start_mark.line + 1
            if section == "levels":
                for key, value in entries.items():
                    if value.lower() not in LEVELS:
                        raise UsageError(
                            f"{path} line {lines[(section, key)]}: level {value!r} is not one of {', '.join(LEVELS)}"
                        )
                entries = {k: v.lower() for k, v in entries.items()}
            options[section] = entries
        elif section == "region_from":
            values = (
                [n.value for n in value_node.value] if isinstance(value_node, yaml.SequenceNode) else [value_node.value]
            )
            bad = [v for v in values if v not in ADDRESS_FIELDS]
            if bad:
                raise fail(
                    value_node, f"region_from {bad[0]!r} is not an address field; use {', '.join(ADDRESS_FIELDS)}"
                )
            options["region_from"] = tuple(values)
        elif section == "level":
            value = str(value_node.value).lower()
            if value not in LEVELS:
                raise fail(value_node, f"level {value!r} is not one of {', '.join(LEVELS)}")
            options["level"] = value
        elif section == "region_file":
            if not isinstance(value_node, yaml.ScalarNode) or not str(value_node.value).strip():
                raise fail(value_node, "region_file names one CSV file (county or city, region)")
            target = path.parent / str(value_node.value).strip()
            if not target.is_file():
                raise fail(value_node, f"region_file {value_node.value!r}: no such file beside the mapping file")
            load_regions(target)  # its problems are reported now, with its own line
            options["region_file"] = str(target)
        elif section in ("match_roster", "shipped"):
            value = str(value_node.value).lower()
            if value not in ("true", "false", "yes", "no"):
                raise fail(value_node, f"{section} is true or false")
            options[section] = value in ("true", "yes")
    return HsdsMapping(**options, lines=lines)


def check_mapping(mapping: HsdsMapping, roster: Roster, taxonomy: Any = None) -> list[Issue]:
    """Mapping entries that name an agency type or population the roster does not know (or a
    service the service taxonomy does not, when it is given)."""
    issues = []
    if taxonomy is not None:
        for key, value in mapping.services.items():
            if value not in taxonomy.services and taxonomy.match(value) is None:
                issues.append(
                    Issue(
                        "hsds-bad-mapping",
                        f"the mapping says {key!r} is {value!r}, which is not a service of the service taxonomy",
                        file=mapping.source,
                        sheet="services",
                        row=mapping.lines.get(("services", key)),
                        column=key,
                        value=value,
                        suggestions=tuple(taxonomy.suggest(value)),
                    )
                )
    checks = (
        ("agency_types", mapping.agency_types, roster.match_agency_type, roster.suggest_agency_types),
        ("organizations", mapping.organizations, roster.match_agency_type, roster.suggest_agency_types),
        ("populations", mapping.populations, roster.match_population, roster.suggest_populations),
    )
    for section, entries, match, suggest in checks:
        for key, value in entries.items():
            if match(value) is None and not (section != "populations" and roster.allow_custom_types):
                what = "a population" if section == "populations" else "an agency type"
                issues.append(
                    Issue(
                        "hsds-bad-mapping",
                        f"the mapping says {key!r} is {value!r}, which is not {what} of the {roster.name} roster",
                        file=mapping.source,
                        sheet=section,
                        row=mapping.lines.get((section, key)),
                        column=key,
                        value=value,
                        suggestions=tuple(suggest(value)),
                    )
                )
    return issues


# The term mappings netmap ships (netmap/data/hsds/), read under the user's mapping file.
SHIPPED_MAPPINGS = ("open-eligibility", "211-taxonomy")


def shipped_mapping() -> HsdsMapping:
    """The shipped term mappings (Open Eligibility, the 211 taxonomy's top levels) as one mapping.

    >>> m = shipped_mapping()
    >>> m.agency_types["work"], m.services["work"]
    ('workforce agency', 'job-placement')
    """
    from importlib import resources

    merged = HsdsMapping()
    for name in SHIPPED_MAPPINGS:
        with resources.as_file(resources.files("netmap").joinpath("data", "hsds", f"{name}.yaml")) as path:
            merged = with_defaults(load_mapping(path), merged)
    return replace(merged, source=None, lines={})


def with_defaults(mapping: HsdsMapping, defaults: HsdsMapping) -> HsdsMapping:
    """``mapping`` with the term entries of ``defaults`` it does not name itself.

    The user's file wins entry by entry; its options (level, region_from, match_roster)
    are its own.

    >>> user = HsdsMapping(agency_types={"work": "WIB"})
    >>> with_defaults(user, HsdsMapping(agency_types={"work": "AJC", "care": "human services"})).agency_types
    {'work': 'WIB', 'care': 'human services'}
    """
    merged = {
        section: getattr(defaults, section) | getattr(mapping, section)
        for section in ("agency_types", "populations", "services", "levels")
    }
    return replace(mapping, **merged)


def region_key(text: str) -> str:
    """A place name as a region lookup key: :func:`normalize`, with a trailing "County" or "Parish" off.

    >>> region_key("Pima County"), region_key("pima")
    ('pima', 'pima')
    """
    key = normalize(text)
    for suffix in (" county", " parish", " borough"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def load_regions(path: str | Path) -> dict[str, str]:
    """A region file: a CSV of county or city -> region, as a lookup by :func:`region_key`.

    The file has a header; the place is in the first of the columns ``place``,
    ``county``, ``city`` or ``name`` it has (each of them is read when several are), the
    region in ``region``. A problem in the file is a :class:`UsageError` naming its line.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "regions.csv"
    >>> _ = f.write_text("county,region\\nPima County,Southern Arizona\\n")
    >>> load_regions(f)
    {'pima': 'Southern Arizona'}
    """
    import csv

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such region file")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{path}: not a readable CSV region file ({snippet(exc)})") from None
    if not rows:
        raise UsageError(f"{path}: the region file is empty; it needs a header 'county,region' or 'city,region'")
    header = [h.strip().lower() for h in rows[0]]
    places = [i for i, h in enumerate(header) if h in ("place", "county", "city", "name")]
    if "region" not in header or not places:
        raise UsageError(
            f"{path} line 1: the region file needs a 'region' column and a 'county', 'city' or 'place' column"
        )
    at = header.index("region")
    regions: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        region = row[at].strip() if at < len(row) else ""
        names = [row[i].strip() for i in places if i < len(row) and row[i].strip()]
        if not names and not region:
            continue  # a blank line
        if not region or not names:
            raise UsageError(f"{path} line {line}: each line names a place and its region")
        for name in names:
            regions[region_key(name)] = region
    return regions
