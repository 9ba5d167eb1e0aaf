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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netmap.errors import Issue, UsageError
from netmap.ingest.workbook import snippet
from netmap.model import LEVELS
from netmap.roster import Roster, normalize

__all__ = ["ADDRESS_FIELDS", "HsdsMapping", "check_mapping", "load_mapping"]

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
    levels : term -> level (state, regional, local, national).
    organizations : HSDS organisation id -> agency type (wins over any term).
    region_from : address fields tried in order for an organisation's region.
    regions : address value -> region name (values not listed are used as written).
    level : level of an organisation no term places.
    match_roster : also match term names against the roster's own names and aliases.
    source : the file the mapping was read from (None: built in).
    lines : line of each entry in the file, for issues: ``(section, key) -> line``.
    """

    agency_types: dict[str, str] = field(default_factory=dict)
    populations: dict[str, str] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=dict)
    region_from: tuple[str, ...] = ("region", "city")
    regions: dict[str, str] = field(default_factory=dict)
    level: str = "local"
    match_roster: bool = True
    source: str | None = None
    lines: dict[tuple[str, str], int] = field(default_factory=dict)


_SECTIONS = ("agency_types", "populations", "levels", "organizations", "regions")


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
    known = {*_SECTIONS, "region_from", "level", "match_roster"}
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
                key = k.value.strip() if section == "organizations" else normalize(k.value)
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
        elif section == "match_roster":
            value = str(value_node.value).lower()
            if value not in ("true", "false", "yes", "no"):
                raise fail(value_node, "match_roster is true or false")
            options["match_roster"] = value in ("true", "yes")
    return HsdsMapping(**options, lines=lines)


def check_mapping(mapping: HsdsMapping, roster: Roster) -> list[Issue]:
    """Mapping entries that name an agency type or population the roster does not know."""
    issues = []
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
