"""Service taxonomies: the services a community offers, their groups, aliases and pathways.

A taxonomy is a YAML data file like a roster (:mod:`netmap.roster`). The one netmap ships,
``career-services``, lists the services a person on a career pathway may need (outreach,
assessment, training, placement and the supportive services around them), what each step
depends on (``needs``: a trainee needs child care and a ride) and the pathways, services in
the order a person meets them. A user may pass their own file.

Examples
--------
>>> tax = load_taxonomy()
>>> tax.match("Childcare assistance").id
'child-care'
>>> tax.match("Youth job training program").id  # the longest alias the words contain
'training'
>>> tax.match("Hair salon") is None
True
>>> [p.steps for p in tax.pathways][0]
('outreach', 'assessment', 'training', 'job-placement')
>>> tax.suggest("traning")[0]
'Occupational training'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from netmap.errors import RosterError
from netmap.roster import load_data_file, normalize

__all__ = [
    "DEFAULT_TAXONOMY",
    "Pathway",
    "ServiceGroup",
    "ServiceTaxonomy",
    "ServiceType",
    "available_taxonomies",
    "load_taxonomy",
]

DEFAULT_TAXONOMY = "career-services"


@dataclass(frozen=True)
class ServiceGroup:
    id: str
    name: str


@dataclass(frozen=True)
class ServiceType:
    """One service of the taxonomy; ``needs`` are the supportive services it depends on."""

    id: str
    name: str
    group: str
    aliases: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pathway:
    """Services in the order a person meets them (consecutive steps should refer to each other)."""

    id: str
    name: str
    steps: tuple[str, ...]


@dataclass
class ServiceTaxonomy:
    """A loaded taxonomy: services by id, their groups, and the pathways between them."""

    name: str
    title: str
    groups: dict[str, ServiceGroup]
    services: dict[str, ServiceType]
    pathways: tuple[Pathway, ...]
    _keys: dict[str, str] = field(default_factory=dict, repr=False)

    def match(self, text: str | None) -> ServiceType | None:
        """The service ``text`` names, else None.

        Its id, name or an alias (normalised) first; else the longest alias whose words
        appear together in ``text`` ("Youth job training program" is training), unless two
        services have aliases of that length in it (ambiguous: None).
        """
        if not text:
            return None
        target = normalize(text)
        ident = self._keys.get(target)
        if ident:
            return self.services[ident]
        padded = f" {target} "
        found: dict[str, int] = {}
        for key, sid in self._keys.items():
            if f" {key} " in padded:
                found[sid] = max(found.get(sid, 0), len(key))
        if not found:
            return None
        longest = max(found.values())
        best = [sid for sid, n in found.items() if n == longest]
        return self.services[best[0]] if len(best) == 1 else None

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Names of the services closest to ``text`` (for a "did you mean")."""
        target = normalize(text)
        best: dict[str, float] = {}
        for key, ident in self._keys.items():
            score = difflib.SequenceMatcher(None, target, key).ratio()
            words, kwords = set(target.split()), set(key.split())
            if words | kwords:
                score = max(score, len(words & kwords) / len(words | kwords))
            best[ident] = max(best.get(ident, 0.0), score)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self.services[kv[0]].name))
        return [self.services[i].name for i, s in ranked[:n] if s >= 0.5]


def available_taxonomies() -> list[str]:
    """Names of the service taxonomies shipped with netmap."""
    folder = resources.files("netmap").joinpath("data").joinpath("services")
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_taxonomy(source: str | Path | None = None) -> ServiceTaxonomy:
    """Load a service taxonomy by shipped name (default ``career-services``) or from a YAML file.

    Raises
    ------
    RosterError
        The file is missing (exit code 2: a usage error), not YAML, or refers to services or
        groups it does not define.

    Examples
    --------
    >>> len(load_taxonomy().services)
    20
    """
    data, label = load_data_file(
        DEFAULT_TAXONOMY if source is None else source, what="service taxonomy", folder="services"
    )
    return _parse(data, label)


def _parse(data: Any, label: str) -> ServiceTaxonomy:
    def fail(message: str) -> RosterError:
        return RosterError(f"service taxonomy {label}: {message}")

    if not isinstance(data, dict):
        raise fail("expected a mapping with 'services'")
    groups = {}
    for g in data.get("groups") or ():
        if not isinstance(g, dict) or not g.get("id"):
            raise fail(f"a group needs an id: {g!r}")
        groups[str(g["id"])] = ServiceGroup(str(g["id"]), str(g.get("name") or g["id"]))
    services: dict[str, ServiceType] = {}
    keys: dict[str, str] = {}
    needs = data.get("needs") or {}
    if not isinstance(needs, dict):
        raise fail("'needs' must map a service id to a list of service ids")
    for s in data.get("services") or ():
        if not isinstance(s, dict) or not s.get("id") or not s.get("name"):
            raise fail(f"a service needs an id and a name: {s!r}")
        ident = str(s["id"])
        group = str(s.get("group") or "")
        if groups and group not in groups:
            raise fail(f"service {ident!r} is in group {group!r}, which is not defined")
        aliases = tuple(str(a) for a in s.get("aliases") or ())
        services[ident] = ServiceType(ident, str(s["name"]), group, aliases, tuple(map(str, needs.get(ident) or ())))
        for key in (ident, s["name"], *aliases):
            k = normalize(str(key))
            if k in keys and keys[k] != ident:
                raise fail(f"{key!r} names both {keys[k]!r} and {ident!r}")
            keys[k] = ident
    if not services:
        raise fail("it lists no services")
    for ident, wanted in needs.items():
        for w in [ident, *(wanted or ())]:
            if w not in services:
                raise fail(f"'needs' refers to {w!r}, which is not a service")
    pathways = []
    for p in data.get("pathways") or ():
        if not isinstance(p, dict) or not p.get("id") or not p.get("steps"):
            raise fail(f"a pathway needs an id and steps: {p!r}")
        steps = tuple(str(x) for x in p["steps"])
        for step in steps:
            if step not in services:
                raise fail(f"pathway {p['id']!r} has step {step!r}, which is not a service")
        pathways.append(Pathway(str(p["id"]), str(p.get("name") or p["id"]), steps))
    return ServiceTaxonomy(
        name=str(data.get("name") or label),
        title=str(data.get("title") or data.get("name") or label),
        groups=groups,
        services=services,
        pathways=tuple(pathways),
        _keys=keys,
    )
