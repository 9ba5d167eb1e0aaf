"""The service inventory in a terminal: one stacked block per region, readable at 80 columns.

A service x population table with many populations splits words at 80 columns, so each
region is a list instead: a service, then one indented line per population it reaches
with the providers, then the region's deserts, referral paths and capacity. Long lines
wrap at spaces (rich's word wrap); nothing is cut mid-word. Computes nothing: it shows
``ServiceInventory.to_dict()`` and the inventory's findings.

Examples
--------
>>> from io import StringIO
>>> from rich.console import Console
>>> out = StringIO()
>>> render_services(Console(file=out, width=80), {"regions": [], "as_of": "2026-12-07"}, [])
>>> "No services rows" in out.getvalue()
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from netmap.analysis.services import DUPLICATED_AT
from netmap.errors import safe_text
from netmap.render.terminal import render_findings

__all__ = ["SERVICE_CODES", "render_services"]

# The finding codes of the inventory (shown above the regions).
SERVICE_CODES = (
    "service-desert",
    "referral-path-missing",
    "service-single-stream",
    "service-fragile",
    "service-duplicated",
)


def _say(console: Console, text: str, style: str = "", indent: int = 0) -> None:
    """One line, wrapped at spaces to the console's width (never cut mid-word), the lines
    after the first indented two more so a wrapped entry reads as one.

    >>> from io import StringIO
    >>> out = StringIO()
    >>> _say(Console(file=out, width=30), "Low-income adults: Pima County One Stop, Goodwill", indent=4)
    >>> print(out.getvalue().rstrip())
        Low-income adults: Pima
          County One Stop,
          Goodwill
    """
    room = max(console.width - indent - 2, 10)
    # A word longer than a whole line (a URL) is folded; every other word stays whole.
    pieces = Text(safe_text(text), style=style).wrap(console, room, overflow="fold")
    for i, piece in enumerate(pieces):
        piece.rstrip()
        console.print(Text.assemble(" " * (indent + (2 if i else 0)), piece), soft_wrap=True)


def _names(items: Sequence[Any]) -> str:
    return ", ".join(str(i) for i in items)


def render_services(console: Console, inv: dict[str, Any], findings: Sequence[Any], *, limit: int | None = 25) -> None:
    """The inventory: its findings, then per region the services, deserts, referral paths and capacity."""
    if not inv.get("regions"):
        _say(console, "No services rows: fill in the services sheet (partner_id, service, population) to map them.")
        return
    ours = [f for f in findings if f.code in SERVICE_CODES]
    render_findings(console, ours, limit=limit)
    deserts: dict[Any, list[dict[str, Any]]] = {}
    for d in inv.get("deserts", []):
        deserts.setdefault(d["region"], []).append(d)
    paths: dict[Any, list[dict[str, Any]]] = {}
    for p in inv.get("pathways", []):
        if p["state"] != "linked":
            paths.setdefault(p["region"], []).append(p)
    capacity: dict[Any, list[dict[str, Any]]] = {}
    for c in inv.get("capacity", []):
        capacity.setdefault(c["region"], []).append(c)

    for region in inv["regions"]:
        key = region["region"]
        console.print()
        _say(console, f"{region['region_name']}", style="bold underline")
        by_service: dict[str, list[dict[str, Any]]] = {}
        for cell in region["cells"]:
            by_service.setdefault(cell["service"], []).append(cell)
        for service in region["services"]:
            label = service["name"] + ("" if service["known"] else "  (not in the taxonomy)")
            _say(console, label, style="bold", indent=2)
            for cell in by_service.get(service["id"], []):
                n = len(cell["providers"])
                note, style = "", ""
                if n == 1 and cell["population"] is not None:
                    note, style = "  [one provider]", "yellow"
                elif n >= DUPLICATED_AT:
                    note, style = f"  [{n} providers: coordinate]", "cyan"
                providers = _names(p["name"] for p in cell["providers"])
                _say(console, f"{cell['population_name']}: {providers}{note}", style=style, indent=4)
        if deserts.get(key):
            _say(console, "Deserts (needed, offered by no one here):", style="red", indent=2)
            by_pop: dict[str, list[str]] = {}
            for d in deserts[key]:
                by_pop.setdefault(d["population_name"], []).append(d["service_name"])
            for pop, missing in by_pop.items():
                _say(console, f"{pop}: {_names(missing)}", indent=4)
        if paths.get(key):
            broken = [p for p in paths[key] if p["state"] == "no-referral"]
            missing = len(paths[key]) - len(broken)
            _say(console, "Referral paths:", style="bold", indent=2)
            for p in broken:
                why = f"pathway {p['pathway_name']}" if p["kind"] == "pathway" else f"{p['from_name']} needs it"
                _say(console, f"no referral path: {p['from_name']} -> {p['to_name']} ({why})", style="red", indent=4)
            if missing:
                # The step without a provider is a desert already; its pairs are only counted here.
                _say(
                    console,
                    f"{missing} step(s) not checked: one side has no provider here (--json lists them)",
                    indent=4,
                )
        if capacity.get(key):
            _say(console, "Capacity (seats a year):", style="bold", indent=2)
            for c in capacity[key]:
                rate = f", {c['seats_per_1000']} per 1,000 of {c['people']:,.0f}" if c["seats_per_1000"] else ""
                wait = f", {c['waitlist']} waiting" if c["waitlist"] else ""
                _say(console, f"{c['population_name']}: {c['seats']} seats{wait}{rate}", indent=4)
    if inv.get("funding"):
        console.print()
        _say(console, "Funding by service (current awards)", style="bold underline")
        for f in inv["funding"]:
            streams = _names(f["streams"]) or "no current award"
            one = "  [one stream]" if len(f["streams"]) == 1 else ""
            _say(console, f"{f['service_name']}: {streams}{one}", style="yellow" if one else "", indent=2)
