"""Write a netmap graph back out as a workbook folder (one CSV per sheet).

Every node and relationship built from a workbook row remembers the sheet and row it
came from, and the values as written (agency type, role, population, stream, service,
tie kind); the graph keeps each sheet's column headers. So the folder written here reads
back into the same records, row for row, as the workbook the graph was built from:
``netmap pull`` relies on it to turn a map kept in Neo4j back into a workbook.

Examples
--------
>>> import tempfile, netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> out = write_workbook(G, tempfile.mkdtemp())
>>> sorted(p.name for p in out.iterdir())[:3]
['agreements.csv', 'contacts.csv', 'funding.csv']
>>> before = netmap.read_workbook("examples/tucson-behavioral-health")
>>> after = netmap.read_workbook(out)
>>> strip = lambda t: [{k: v for k, v in r.items() if k != "_row"} for r in t["partners"]]
>>> strip(after) == strip(before)
True
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.build import extra_attr
from netmap.errors import UsageError
from netmap.ingest.validate import header_key
from netmap.model import SHEET_ORDER, SHEETS

__all__ = ["sheet_rows", "write_workbook"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
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
    u, v, d = item
    source, target = G.nodes[u]["id"], G.nodes[v]["id"]
    if sheet == "roles":
        return {"partner_id": source, "role": d.get("role_as_written"), "notes": d.get("notes")}
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
        }
    return {  # ties
        "source_id": source,
        "target_id": target,
        "kind": d.get("kind_as_written"),
        **{k: d.get(k) for k in ("strength", "directed", "notes", "start", "end")},
    }


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
    kind, owner = _ROW_OWNER[sheet]
    if kind == "node":
        for n, d in G.nodes(data=True):
            if d.get("label") == owner and d.get("_sheet") == sheet:
                yield d.get("_row") or 0, (n, d)
    else:
        for u, v, d in G.edges(data=True):
            if d.get("type") == owner and d.get("_sheet") == sheet:
                yield d.get("_row") or 0, (u, v, d)


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
            row.append(_cell(value))
        rows.append(row)
    return header, rows


def write_workbook(G: nx.MultiDiGraph, folder: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``G`` as a folder of CSV files (UTF-8) that ``netmap`` reads back as it was.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph (built from a workbook or read back from the database).
    folder : str or Path
        Created if missing. Must not hold netmap CSV files unless ``overwrite``.

    Returns
    -------
    Path
        The folder.
    """
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if not overwrite and out.is_dir():
        clash = sorted(p.name for p in out.glob("*.csv"))
        if clash:
            raise UsageError(f"{out} already holds {', '.join(clash)}; pass --force to overwrite")
    out.mkdir(parents=True, exist_ok=True)
    recorded = set(G.graph.get("columns") or {})
    for sheet in SHEET_ORDER:
        header, rows = sheet_rows(G, sheet)
        if rows or sheet in recorded or sheet == "partners":
            _write_csv(out / f"{sheet}.csv", header, rows)
    for name, records in (G.graph.get("extra_sheets") or {}).items():
        header = list(dict.fromkeys(k for r in records for k in r if k != "_row"))
        # A sheet name is data: it may only name a file inside the folder.
        safe = re.sub(r"[^\w\- ]", "_", name).strip(" .") or "sheet"
        _write_csv(out / f"{safe}.csv", header, [[_cell(r.get(h)) for h in header] for r in records])
    return out


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
