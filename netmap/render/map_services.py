"""What the map page's service filter and desert markers need (``static/services.js``).

The page computes nothing about services: everything comes from the analysis's service
inventory (:func:`netmap.analysis.services.service_inventory`, ``Analysis.services``),
reshaped here into a small page-data key.

Examples
--------
>>> from types import SimpleNamespace
>>> inv = SimpleNamespace(
...     regions=[{"region": "North", "cells": [
...         {"service": "training", "service_name": "Occupational training", "population": "youth",
...          "population_name": "Youth", "providers": [{"id": "A", "name": "A"}]}]}],
...     deserts=[{"region": "North", "population": "youth", "population_name": "Youth",
...               "service": "child-care", "service_name": "Child care"}])
>>> data = services_data(SimpleNamespace(services=inv), [{"id": "p:A", "group": "partner", "partner": "A"}])
>>> data["partners"]
{'p:A': [['training', 'youth']]}
>>> data["services"], data["populations"]
([{'id': 'training', 'name': 'Occupational training'}], [{'id': 'youth', 'name': 'Youth'}])
>>> data["deserts"][0]["lines"]
['Service deserts:', 'Youth: Child care']
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from netmap.analysis.services import ANY_POPULATION

__all__ = ["DESERT_LINE", "services_data"]

# A desert marker's lines wrap at this many characters, so that one region's list stays a
# narrow block beside its caption rather than a line across its neighbours.
DESERT_LINE = 44


def services_data(a: Any, nodes: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``services`` key of the map page data, or None when the map has no services rows.

    Parameters
    ----------
    a : netmap.analysis.Analysis
        The analysis drawn; its ``services`` (None without services rows) is read, never
        recomputed.
    nodes : sequence of dict
        The page's nodes (partners carry ``partner``; region captions have group
        ``caption`` and the region in ``region``).

    Returns
    -------
    dict or None
        ``services`` and ``populations`` (the select options: ``id`` and ``name``, by name,
        the services the taxonomy knows first; a row with no population is the option ``id`` None named
        "(any population)"), ``partners`` ({page node id: [[service id, population id or
        None], ...]} for the partners drawn), and ``deserts`` (one per region with a desert:
        ``region``, ``caption`` (the page id of the region's caption, None when the page has
        no caption for it) and ``lines``, the marker's text, wrapped).
    """
    inv = getattr(a, "services", None)
    if inv is None:
        return None
    drawn = {n["partner"]: n["id"] for n in nodes if n.get("group") == "partner" and "partner" in n}
    captions = {n.get("region"): n["id"] for n in nodes if n.get("group") == "caption"}
    services: dict[str, tuple[bool, str]] = {}
    populations: dict[str | None, str] = {}
    offers: dict[str, list[list[str | None]]] = {}
    # Each node's pairs once, in the order first met; looked up in a set, not in the list
    # (a state agency offers hundreds of pairs, met once per region and provider).
    offered: set[tuple[str, str, str | None]] = set()
    for region in inv.regions:
        for cell in region["cells"]:
            services.setdefault(cell["service"], (not cell.get("known", True), str(cell["service_name"])))
            populations.setdefault(cell["population"], cell["population_name"] or ANY_POPULATION)
            service, population = cell["service"], cell["population"]
            for p in cell["providers"]:
                node = drawn.get(p["id"])
                if node is not None and (node, service, population) not in offered:
                    offered.add((node, service, population))
                    offers.setdefault(node, []).append([service, population])
    # Options by name: the taxonomy's services, then those it does not know (kept as
    # written); the populations, the row-less "(any population)" last as the inventory has it.
    order = sorted(services.items(), key=lambda kv: (kv[1][0], kv[1][1].lower()))
    pops = sorted(populations.items(), key=lambda kv: (kv[0] is None, str(kv[1]).lower()))
    return {
        "services": [{"id": k, "name": name} for k, (_, name) in order],
        "populations": [{"id": k, "name": v} for k, v in pops],
        "partners": offers,
        "deserts": _deserts(inv.deserts, captions),
    }


def _deserts(deserts: Sequence[dict[str, Any]], captions: dict[Any, str]) -> list[dict[str, Any]]:
    """One marker per region: a heading, then per population the services it lacks there."""
    by_region: dict[Any, dict[str, list[str]]] = {}
    for d in deserts:
        missing = by_region.setdefault(d["region"], {}).setdefault(d["population_name"], [])
        if d["service_name"] not in missing:
            missing.append(d["service_name"])
    out = []
    for region, pops in by_region.items():
        lines = ["Service deserts:"]
        for pop, missing in pops.items():
            lines.extend(textwrap.wrap(f"{pop}: {', '.join(missing)}", DESERT_LINE, subsequent_indent="  "))
        out.append({"region": region, "caption": captions.get(region), "lines": lines})
    return out
