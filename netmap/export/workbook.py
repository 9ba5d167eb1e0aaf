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
import re
from pathlib import Path

import networkx as nx

from netmap.errors import UsageError
from netmap.model import SHEET_ORDER
from netmap.sheets import cell, sheet_rows

__all__ = ["sheet_rows", "write_workbook"]


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
        _write_csv(out / f"{safe}.csv", header, [[cell(r.get(h)) for h in header] for r in records])
    return out


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
