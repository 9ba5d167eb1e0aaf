"""A netmap graph back to the rows of its sheets: the one conversion from graph to workbook.

Every node and relationship built from a workbook row remembers the sheet and row it came
from and the values as written; the graph keeps each sheet's headers. :func:`sheet_rows`
lays a sheet out again from them, as text cells. The workbook export writes these rows to
CSV files and the store reads a stored map back through them into the validator, so both
sit on this module, and neither on the other.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> header, rows = sheet_rows(G, "partners")
>>> header[:3], rows[0][:1]
(['id', 'name', 'agency_type'], ['TIC'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import networkx as nx

from netmap.build import extra_attr
from netmap.model import SHEETS, TIE_SURVEY_COLUMNS, header_key

__all__ = ["cell", "sheet_rows"]


def cell(value: Any) -> str:
    """One value as the text of a cell (dates ISO, booleans yes/no, lists joined with ``;``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (list, tuple)):
        return ";".join(cell(v) for v in value)
    return str(value)


def _known_values(sheet: str, G: nx.MultiDiGraph, item: tuple[Any, ...]) -> dict[str, Any]:
    """The netmap columns of one row, from the node or relationship it became."""
    if sheet in ("partners", "agreements", "contacts"):
        node, d = item
        if sheet == "partners":
            return {
                "id": d["id"],
                "name": d.get("name"),
                "agency_type": d.get("agency_type_as_written"),
                **{k: d.get(k) for k in ("level", "region", "team", "status", "industry", "website", "notes")},
            }
        if sheet == "agreements":
            return {
                "id": d["id"],
                "parties": d.get("parties") or [],
                **{k: d.get(k) for k in ("title", "type", "signed", "expires", "status")},
            }
        works_at = [G.nodes[v]["id"] for _, v, e in G.out_edges(node, data=True) if e.get("type") == "WORKS_AT"]
        return {
            "partner_id": works_at[0] if works_at else None,
            **{k: d.get(k) for k in ("name", "title", "email", "phone", "champion")},
        }
    if sheet == "responses":
        (response,) = item
        return {k: response.get(k) for k in ("partner_id", "answered_on", "form")}
    if sheet == "needs":
        (need,) = item
        return {
            "region": need.get("region"),
            "population": need.get("population_as_written"),
            "count": need.get("count"),
        }
    u, v, d = item
    source, target = G.nodes[u]["id"], G.nodes[v]["id"]
    if sheet == "roles":
        return {"partner_id": source, "role": d.get("role_as_written"), "notes": d.get("notes"), "lead": d.get("lead")}
    if sheet == "funding":
        return {
            "id": d.get("award_id"),
            "stream": d.get("stream_as_written") or G.nodes[u].get("name"),
            "recipient_id": target,
            **{k: d.get(k) for k in ("funder_id", "source", "program", "amount", "start", "end")},
        }
    if sheet == "services":
        return {
            "partner_id": source,
            "service": d.get("service_as_written") or G.nodes[v].get("name"),
            "population": d.get("population_as_written"),
            **{k: d.get(k) for k in _SERVICE_COLUMNS},
        }
    return {  # ties
        "source_id": source,
        "target_id": target,
        "kind": d.get("kind_as_written"),
        **{k: d.get(k) for k in ("strength", "directed", "notes", "start", "end", *TIE_SURVEY_COLUMNS)},
    }


# The services columns an edge keeps under their own names.
_SERVICE_COLUMNS = (
    "region", "location", "capacity", "waitlist", "eligibility", "languages", "cost", "funding_id",
    "accepts_referrals_from", "refers_to",
)  # fmt: skip

# Which node label or relationship type each sheet's rows became.
_ROW_OWNER = {
    "partners": ("node", "Partner"),
    "agreements": ("node", "Agreement"),
    "contacts": ("node", "Person"),
    "roles": ("edge", "PERFORMS"),
    "funding": ("edge", "FUNDS"),
    "services": ("edge", "PROVIDES"),
    "ties": ("edge", "TIED_TO"),
}


def _items(G: nx.MultiDiGraph, sheet: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    if sheet in ("needs", "responses"):
        # Not a node or relationship: the graph's own list (G.graph["needs"], ["responses"]).
        for item in G.graph.get(sheet) or ():
            yield item.get("_row") or 0, (item,)
        return
    if sheet == "services":
        yield from _service_items(G)
        return
    kind, owner = _ROW_OWNER[sheet]
    if kind == "node":
        for n, d in G.nodes(data=True):
            if d.get("label") == owner and d.get("_sheet") == sheet:
                yield d.get("_row") or 0, (n, d)
    else:
        for u, v, d in G.edges(data=True):
            if d.get("type") == owner and d.get("_sheet") == sheet:
                yield d.get("_row") or 0, (u, v, d)


def _service_items(G: nx.MultiDiGraph) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """One item per services row: of the edges of a row naming several populations, the first."""
    seen: set[tuple[str, str, int]] = set()
    for u, v, d in G.edges(data=True):
        if d.get("type") != "PROVIDES" or d.get("_sheet") != "services":
            continue
        row = d.get("_row")
        if row is not None:
            if (u, v, row) in seen:
                continue
            seen.add((u, v, row))
        yield row or 0, (u, v, d)


def sheet_rows(G: nx.MultiDiGraph, sheet: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows (as text) of one sheet, in the order of the workbook ``G`` came from."""
    spec = SHEETS[sheet]
    header = list(G.graph.get("columns", {}).get(sheet) or [c.name for c in spec.columns])
    rows = []
    for _, item in sorted(_items(G, sheet), key=lambda pair: pair[0]):
        known = _known_values(sheet, G, item)
        attrs = item[-1]
        row = []
        for title in header:
            key = header_key(title)
            value = known.get(key) if spec.column(key) is not None else attrs.get(extra_attr(sheet, title))
            row.append(cell(value))
        rows.append(row)
    return header, rows
