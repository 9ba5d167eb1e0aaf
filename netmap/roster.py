"""Reference rosters: agency types, categories, minimum teams, role chart, populations.

A roster is a YAML data file. The ones netmap ships live in ``netmap/data/rosters``
and are read with :mod:`importlib.resources`; a user may pass their own file instead.

Examples
--------
>>> roster = load_roster()
>>> roster.match_agency_type("Workforce Investment Board").name
'Local WIB'
>>> roster.match_agency_type("workforce board", level="state").name
'State WIB'
>>> roster.suggest_agency_types("Comunity colege")[0]
'Local community colleges'
"""

from __future__ import annotations

import copy
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from netmap.errors import RosterError

__all__ = [
    "DEFAULT_ROSTER",
    "AgencyType",
    "Category",
    "Population",
    "Requirement",
    "Role",
    "Roster",
    "Rule",
    "available_rosters",
    "load_roster",
    "normalize",
    "slug",
]

DEFAULT_ROSTER = "career-pathways"
ROSTER_LEVELS = ("state", "local", "national", "any")
_MAX_ROSTER_BYTES = 2_000_000


def normalize(text: str) -> str:
    """Reduce a label to a matching key: case, accents, punctuation and plural ``s`` ignored.

    >>> normalize("Local Community-Colleges")
    'local community college'
    >>> normalize("Community & Faith based Orgs.")
    'community and faith based org'
    >>> normalize("Universities"), normalize("Human Service Agencies")
    ('university', 'human service agency')
    """
    return _normalize(str(text))


# The same few labels (tie kinds, regions, agency types) are normalised for every row of every
# snapshot: remembered, as a pure function of the text (its str: 1 and 1.0 stay apart).
@functools.lru_cache(maxsize=1 << 16)
def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    # Plural "s" off words long enough not to be acronyms ("TANF" stays, "colleges" goes);
    # "-ies" plurals become "-y" ("agencies" is "agency", as 211 directories write it).
    out = [
        w[:-3] + "y"
        if len(w) > 4 and w.endswith("ies")
        else w[:-1]
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss")
        else w
        for w in words
    ]
    return " ".join(out)


def slug(text: str) -> str:
    """A stable id for things named by text (streams, services, regions): :func:`normalize`d,
    spaces as hyphens; text that normalises to nothing keeps its own words.

    >>> slug("WIOA Title I Adult"), slug("NORTH!"), slug("!!")
    ('wioa-title-i-adult', 'north', '!!')
    """
    return _slug(text) if isinstance(text, str) else _slug.__wrapped__(text)


@functools.lru_cache(maxsize=1 << 16)
def _slug(text: str) -> str:
    return normalize(text).replace(" ", "-") or re.sub(r"\s+", "-", text.strip().casefold())


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    in_roster: bool = True


@dataclass(frozen=True)
class AgencyType:
    id: str
    name: str
    category: str
    level: str
    in_roster: bool = True
    aliases: tuple[str, ...] = ()


GROUP_KEYS = ("any_of", "all_of")


@dataclass(frozen=True)
class Rule:
    """A minimum-team expression: ``any_of`` or ``all_of`` a list of agency type ids and rules.

    Examples
    --------
    >>> rule = Rule("all_of", ("local-wib", Rule("any_of", ("one-stop", "ajc"))))
    >>> rule.holds({"one-stop"}), rule.holds({"local-wib", "ajc"})
    (False, True)
    >>> rule.missing({"one-stop"})
    ['local-wib']
    >>> rule.types()
    ('local-wib', 'one-stop', 'ajc')
    """

    op: str
    items: tuple[str | Rule, ...]

    def holds(self, present: Collection[str]) -> bool:
        """Whether the agency types in ``present`` satisfy the rule."""
        held = (_holds(item, present) for item in self.items)
        return all(held) if self.op == "all_of" else any(held)

    def types(self) -> tuple[str, ...]:
        """Every agency type id the rule names, in order, once each."""
        out: dict[str, None] = {}
        for item in self.items:
            out.update(dict.fromkeys(item.types() if isinstance(item, Rule) else (item,)))
        return tuple(out)

    def met(self, present: Collection[str], name: Callable[[str], str] = str) -> list[str]:
        """Labels of the rule's items that hold (types by ``name``, groups described)."""
        return [_label(item, name) for item in self.items if _holds(item, present)]

    def missing(self, present: Collection[str], name: Callable[[str], str] = str) -> list[str]:
        """What must be added for the rule to hold: one label per thing to add, [] if it holds.

        ``all_of``: each item that does not hold (a nested group as what it still lacks).
        ``any_of``: one label naming the alternatives, each reduced to what it still lacks.
        """
        if self.holds(present):
            return []
        if self.op == "all_of":
            out: list[str] = []
            for item in self.items:
                if isinstance(item, Rule):
                    out.extend(item.missing(present, name))
                elif item not in present:
                    out.append(name(item))
            return out
        options = []
        for item in self.items:
            lacks = item.missing(present, name) if isinstance(item, Rule) else [name(item)]
            # An alternative that still needs several things reads as one bracketed "and".
            options.append(lacks[0] if len(lacks) == 1 else "(" + " and ".join(lacks) + ")")
        return [" or ".join(options)]

    def describe(self, name: Callable[[str], str] = str) -> str:
        """The rule in words: ``"Local WIB and Local workforce agencies"``."""
        joiner = " and " if self.op == "all_of" else " or "
        return joiner.join(_label(item, name) for item in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {self.op: [item.to_dict() if isinstance(item, Rule) else item for item in self.items]}


def _holds(item: str | Rule, present: Collection[str]) -> bool:
    return item.holds(present) if isinstance(item, Rule) else item in present


def _label(item: str | Rule, name: Callable[[str], str]) -> str:
    if isinstance(item, Rule):
        text = item.describe(name)
        return f"({text})" if len(item.items) > 1 else text
    return name(item)


@dataclass(frozen=True)
class Requirement:
    """One line of a minimum team: met when ``rule`` holds over the agency types present."""

    id: str
    name: str
    level: str
    rule: Rule

    @property
    def types(self) -> tuple[str, ...]:
        """Every agency type id the line names."""
        return self.rule.types()


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    kind: str
    in_chart: bool = True
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Population:
    id: str
    name: str
    calls_for: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass
class Roster:
    """A reference roster. Build it with :func:`load_roster`."""

    name: str
    title: str
    source: str
    categories: dict[str, Category]
    agency_types: dict[str, AgencyType]
    roles: dict[str, Role]
    populations: dict[str, Population]
    minimum_teams: dict[str, tuple[Requirement, ...]]
    role_chart: dict[str, tuple[str, ...]]
    generic_aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    allow_custom_types: bool = False
    _type_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _generic_keys: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _role_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _population_keys: dict[str, str] = field(default_factory=dict, repr=False)

    # -- lookups -------------------------------------------------------------------

    def match_agency_type(self, value: str, level: str | None = None) -> AgencyType | None:
        """The agency type a spreadsheet value means, or None.

        ``level`` (the partner's level) resolves level-neutral words such as
        "workforce board": state and national pick the state type, anything else the
        local one.
        """
        key = normalize(value)
        # Level-neutral words first: "community-based organization" is the local type
        # for a local partner and the state type for a state one.
        if key in self._generic_keys:
            side = "state" if level in ("state", "national") else "local"
            return self.agency_types[self._generic_keys[key][side]]
        if key in self._type_keys:
            return self.agency_types[self._type_keys[key]]
        return None

    def match_role(self, value: str) -> Role | None:
        rid = self._role_keys.get(normalize(value))
        return self.roles[rid] if rid else None

    def match_population(self, value: str) -> Population | None:
        pid = self._population_keys.get(normalize(value))
        return self.populations[pid] if pid else None

    def suggest_agency_types(self, value: str, n: int = 3) -> list[str]:
        """The ``n`` agency type names closest to ``value``, best first."""
        return _closest(value, self._type_keys, {k: t.name for k, t in self.agency_types.items()}, n)

    def suggest_roles(self, value: str, n: int = 3) -> list[str]:
        return _closest(value, self._role_keys, {k: r.name for k, r in self.roles.items()}, n)

    def suggest_populations(self, value: str, n: int = 3) -> list[str]:
        return _closest(value, self._population_keys, {k: p.name for k, p in self.populations.items()}, n)

    def category_of(self, agency_type_id: str) -> Category:
        return self.categories[self.agency_types[agency_type_id].category]

    def roster_types(self, level: str | None = None) -> list[AgencyType]:
        """The agency types of the recommended team (``in_roster``), optionally those checked at one level.

        A type of level ``any`` (the shipped roster's employers) is level-neutral: it is
        checked at every level, so it is among both the state and the local types.

        >>> [t.name for t in load_roster().roster_types("state") if t.level == "any"]
        ['Private businesses', 'Public companies']
        """
        return [t for t in self.agency_types.values() if t.in_roster and (level is None or t.level in (level, "any"))]

    def expected_roles(self, agency_type_id: str) -> tuple[str, ...]:
        """Role ids the role chart expects of a partner of this agency type."""
        return self.role_chart.get(self.agency_types[agency_type_id].category, ())

    def add_custom_type(self, value: str) -> AgencyType:
        """Register an agency type the roster does not know (only if ``allow_custom_types``)."""
        if "other" not in self.categories:
            self.categories["other"] = Category("other", "Other", in_roster=False)
        tid = "custom-" + normalize(value).replace(" ", "-")
        if tid not in self.agency_types:
            self.agency_types[tid] = AgencyType(tid, value.strip(), "other", "any", in_roster=False)
            self._type_keys[normalize(value)] = tid
        return self.agency_types[tid]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "source": self.source,
            "categories": [c.__dict__ for c in self.categories.values()],
            "agency_types": [{**t.__dict__, "aliases": list(t.aliases)} for t in self.agency_types.values()],
        }


def _closest(value: str, keys: dict[str, str], names: dict[str, str], n: int) -> list[str]:
    """Rank canonical names by the best similarity of any of their keys to ``value``."""
    target = normalize(value)
    best: dict[str, float] = {}
    twords = set(target.split())
    for key, ident in keys.items():
        ratio = difflib.SequenceMatcher(None, target, key).ratio()
        kwords = set(key.split())
        overlap = len(twords & kwords) / len(twords | kwords) if twords | kwords else 0.0
        score = max(ratio, overlap)
        if score > best.get(ident, -1.0):
            best[ident] = score
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], names[kv[0]]))
    return [names[ident] for ident, _ in ranked[:n]]


# -- loading ---------------------------------------------------------------------------


def available_rosters() -> list[str]:
    """Names of the rosters shipped with netmap."""
    folder = resources.files("netmap").joinpath("data").joinpath("rosters")
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_roster(source: str | Path | None = None) -> Roster:
    """Load a roster by shipped name (default ``career-pathways``) or from a YAML file.

    Parameters
    ----------
    source : str or Path, optional
        A shipped roster's name, or the path of a roster YAML file.

    Returns
    -------
    Roster
        A fresh object each call (callers may add custom types to it).

    Raises
    ------
    RosterError
        The file is missing, not YAML, or refers to categories, types or roles it does
        not define.

    Examples
    --------
    >>> len(load_roster().roster_types())
    22
    """
    data, label = load_data_file(DEFAULT_ROSTER if source is None else source, what="roster", folder="rosters")
    return _parse(data, label)


def load_data_file(source: str | Path, *, what: str, folder: str) -> tuple[Any, str]:
    """The parsed YAML of a data file (a roster, a service taxonomy) and its label.

    ``source`` names a file shipped in ``netmap/data/<folder>`` or is the path of one. The tree
    is a fresh deep copy (the parse is cached per text and must never be shared). A missing
    file is a :class:`RosterError` with exit code 2 (a wrong option is a usage error); a file
    too large, not UTF-8 or not YAML is one too, each saying ``what`` it was meant to be.

    >>> load_data_file("career-pathways", what="roster", folder="rosters")[0]["name"]
    'career-pathways'
    """
    shipped = resources.files("netmap").joinpath("data").joinpath(folder)
    names = sorted(p.name[: -len(".yaml")] for p in shipped.iterdir() if p.name.endswith(".yaml"))
    if isinstance(source, str) and source in names:
        label = source
        text = shipped.joinpath(f"{source}.yaml").read_text("utf-8")
    else:
        path = Path(source)
        label = str(path)
        if not path.is_file():
            missing = RosterError(f"{what} {label!r} not found: give a YAML file or one of: {', '.join(names)}")
            missing.exit_code = 2  # a wrong --roster (or taxonomy) argument is a usage error
            raise missing
        if path.stat().st_size > _MAX_ROSTER_BYTES:
            raise RosterError(f"{what} {label}: file is larger than {_MAX_ROSTER_BYTES} bytes")
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RosterError(f"{what} {label}: cannot read it as UTF-8 text ({exc})") from None
    try:
        data = _yaml(text)
    except yaml.YAMLError as exc:
        raise RosterError(f"{what} {label}: not valid YAML ({exc})") from None
    return copy.deepcopy(data), label


@functools.lru_cache(maxsize=8)
def _yaml(text: str) -> Any:
    """Parse roster YAML once per text (a command loads its roster several times).

    libyaml's safe loader when PyYAML has it (ten times faster, same safe subset),
    else PyYAML's own.
    """
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def _parse(data: Any, label: str) -> Roster:
    def fail(msg: str) -> RosterError:
        return RosterError(f"roster {label}: {msg}")

    if not isinstance(data, dict):
        raise fail("the top level must be a mapping with 'categories' and 'agency_types'")

    def items(key: str, required: bool = True) -> list[dict[str, Any]]:
        value = data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise fail(f"'{key}' must be a list of mappings")
        return value

    def text(entry: dict[str, Any], key: str, where: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{where}: '{key}' must be a non-empty string")
        return value.strip()

    def aliases(entry: dict[str, Any], where: str) -> tuple[str, ...]:
        value = entry.get("aliases") or []
        if not isinstance(value, list):
            raise fail(f"{where}: 'aliases' must be a list")
        return tuple(str(a) for a in value)

    categories: dict[str, Category] = {}
    for i, entry in enumerate(items("categories")):
        cid = text(entry, "id", f"categories[{i}]")
        categories[cid] = Category(cid, text(entry, "name", cid), bool(entry.get("in_roster", True)))

    types: dict[str, AgencyType] = {}
    for i, entry in enumerate(items("agency_types")):
        tid = text(entry, "id", f"agency_types[{i}]")
        if tid in types:
            raise fail(f"agency type id {tid!r} is defined twice")
        cat = text(entry, "category", tid)
        if cat not in categories:
            raise fail(f"agency type {tid!r} names unknown category {cat!r}")
        level = str(entry.get("level", "any"))
        if level not in ROSTER_LEVELS:
            raise fail(f"agency type {tid!r}: level must be one of {', '.join(ROSTER_LEVELS)}")
        types[tid] = AgencyType(
            tid, text(entry, "name", tid), cat, level, bool(entry.get("in_roster", True)), aliases(entry, tid)
        )

    roles: dict[str, Role] = {}
    for i, entry in enumerate(items("roles", required=False)):
        rid = text(entry, "id", f"roles[{i}]")
        roles[rid] = Role(
            rid,
            text(entry, "name", rid),
            str(entry.get("kind", "other")),
            bool(entry.get("in_chart", True)),
            aliases(entry, rid),
        )

    populations: dict[str, Population] = {}
    for i, entry in enumerate(items("populations", required=False)):
        pid = text(entry, "id", f"populations[{i}]")
        calls = tuple(entry.get("calls_for") or ())
        for t in calls:
            if t not in types:
                raise fail(f"population {pid!r} calls for unknown agency type {t!r}")
        populations[pid] = Population(pid, text(entry, "name", pid), calls, aliases(entry, pid))

    teams: dict[str, tuple[Requirement, ...]] = {}
    raw_teams = data.get("minimum_teams") or {}
    if not isinstance(raw_teams, dict):
        raise fail("'minimum_teams' must map a level to a list of requirements")
    for level, reqs in raw_teams.items():
        reqs = reqs or []
        if not isinstance(reqs, list) or not all(isinstance(r, dict) for r in reqs):
            raise fail(f"minimum team {level!r} must be a list of requirements (mappings)")
        built = []
        for i, entry in enumerate(reqs):
            rid = text(entry, "id", f"minimum_teams.{level}[{i}]")
            where = f"minimum team {level}/{rid}"
            rule = _rule({k: entry[k] for k in GROUP_KEYS if k in entry}, types, where, fail)
            built.append(Requirement(rid, text(entry, "name", rid), str(level), rule))
        teams[str(level)] = tuple(built)

    chart: dict[str, tuple[str, ...]] = {}
    for cat, role_ids in (data.get("role_chart") or {}).items():
        if cat not in categories:
            raise fail(f"role_chart names unknown category {cat!r}")
        for r in role_ids or []:
            if r not in roles:
                raise fail(f"role_chart for {cat!r} names unknown role {r!r}")
        chart[cat] = tuple(role_ids or ())

    generic: dict[str, dict[str, str]] = {}
    for word, sides in (data.get("generic_aliases") or {}).items():
        if not isinstance(sides, dict) or set(sides) != {"state", "local"}:
            raise fail(f"generic alias {word!r} must map 'state' and 'local' to agency type ids")
        for t in sides.values():
            if t not in types:
                raise fail(f"generic alias {word!r} names unknown agency type {t!r}")
        generic[str(word)] = {k: str(v) for k, v in sides.items()}

    roster = Roster(
        name=str(data.get("name") or label),
        title=str(data.get("title") or data.get("name") or label),
        source=label,
        categories=categories,
        agency_types=types,
        roles=roles,
        populations=populations,
        minimum_teams=teams,
        role_chart=chart,
        generic_aliases=generic,
        allow_custom_types=bool(data.get("allow_custom_types", False)),
    )
    roster._type_keys = _keys(((t.id, (t.id, t.name, *t.aliases)) for t in types.values()), "agency type", fail)
    roster._generic_keys = {normalize(w): s for w, s in generic.items()}
    roster._role_keys = _keys(((r.id, (r.id, r.name, *r.aliases)) for r in roles.values()), "role", fail)
    roster._population_keys = _keys(
        ((p.id, (p.id, p.name, *p.aliases)) for p in populations.values()), "population", fail
    )
    return roster


def _rule(
    entry: Any, types: dict[str, AgencyType], where: str, fail: Callable[[str], RosterError], nested: bool = False
) -> Rule:
    """Read one ``{any_of: [...]}`` or ``{all_of: [...]}`` group, its nested groups included."""
    if not isinstance(entry, dict):
        raise fail(f"{where}: a group must be a mapping with 'any_of' or 'all_of', not {entry!r}")
    keys = [k for k in GROUP_KEYS if k in entry]
    if len(keys) == 2:
        raise fail(f"{where}: give either 'any_of' or 'all_of', not both (nest one inside the other)")
    if not keys:
        raise fail(f"{where}: needs 'any_of' or 'all_of' listing agency types")
    # Only the group key inside a nested group: a stray key is most likely a misspelt one.
    extra = sorted(str(k) for k in entry if k not in GROUP_KEYS)
    if extra and nested:
        raise fail(f"{where}: a nested group takes only 'any_of' or 'all_of', not {', '.join(extra)}")
    op = keys[0]
    raw = entry[op]
    if not isinstance(raw, list):
        raise fail(f"{where}: '{op}' must be a list of agency type ids or groups")
    if not raw:
        raise fail(f"{where}: the '{op}' group is empty")
    items: list[str | Rule] = []
    for j, item in enumerate(raw):
        if isinstance(item, str):
            if item not in types:
                raise fail(f"{where}: names unknown agency type {item!r}")
            items.append(item)
        else:
            items.append(_rule(item, types, f"{where}, {op}[{j}]", fail, nested=True))
    return Rule(op, tuple(items))


def _keys(entries, what: str, fail) -> dict[str, str]:
    """Map every normalised name and alias to its id; one alias may not mean two things."""
    keys: dict[str, str] = {}
    for ident, labels in entries:
        for lab in labels:
            key = normalize(lab)
            if not key:
                continue
            if keys.get(key, ident) != ident:
                raise fail(f"{what} alias {lab!r} is used by both {keys[key]!r} and {ident!r}")
            keys[key] = ident
    return keys
