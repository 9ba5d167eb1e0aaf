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
>>> sorted(p.name for p in out)[:3], out[-1].name
(['agreements.csv', 'contacts.csv', 'funding.csv'], 'netmap-workbook.json')
>>> before = netmap.read_workbook("examples/tucson-behavioral-health")
>>> after = netmap.read_workbook(out.folder)
>>> strip = lambda t: [{k: v for k, v in r.items() if k != "_row"} for r in t["partners"]]
>>> strip(after) == strip(before)
True
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx

from netmap.model import SHEET_ORDER
from netmap.outputs import MANIFEST, Inputs, Written, neutralise, read_manifest, write_folder
from netmap.sheets import cell, sheet_rows

__all__ = ["MANIFEST", "sheet_rows", "write_sheets", "write_workbook"]


def write_workbook(G: nx.MultiDiGraph, folder: str | Path, *, overwrite: bool = False, inputs: Inputs = ()) -> Written:
    """Write ``G`` as a folder of CSV files (UTF-8) that ``netmap`` reads back as it was.

    Every cell is text, written by the rule of :func:`netmap.outputs.neutralise` (a text that
    a spreadsheet would run as a formula gets one more leading apostrophe). The folder also
    gets :data:`MANIFEST`, which lists the files and their sheets: netmap reads a folder
    holding it with the apostrophes taken off again, so the round trip is exact.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph (built from a workbook or read back from the database).
    folder : str or Path
        Created if missing. Must not hold CSV files unless ``overwrite``.
    overwrite : bool
        Replace the folder's netmap sheets whole: the sheets written now replace those there,
        and the sheets an earlier write left that this one does not write are removed
        (``Written.removed``). CSV files netmap did not write are left alone (``Written.kept``).
    inputs : sequence of (label, path)
        What ``G`` was read from: nothing is written over one (see :mod:`netmap.outputs`).

    Returns
    -------
    Written
        The files written, in order (the manifest last), with ``removed``, ``kept`` and
        ``warnings`` (an extra sheet written under another file name).

    Raises
    ------
    UsageError
        ``folder`` is a file, an input or inside one, or holds CSV files and not ``overwrite``.
    """
    recorded = set(G.graph.get("columns") or {})
    sheets: dict[str, tuple[list[str], list[list[str]]]] = {}
    for sheet in SHEET_ORDER:
        header, rows = sheet_rows(G, sheet)
        if rows or sheet in recorded or sheet == "partners":
            sheets[sheet] = (header, rows)
    for name, records in (G.graph.get("extra_sheets") or {}).items():
        header = list(dict.fromkeys(k for r in records for k in r if k != "_row"))
        sheets.setdefault(name, (header, [[cell(r.get(h)) for h in header] for r in records]))
    return write_sheets(folder, sheets, overwrite=overwrite, inputs=inputs)


def write_sheets(
    folder: str | Path,
    sheets: dict[str, tuple[list[str], list[list[str]]]],
    *,
    overwrite: bool = False,
    inputs: Inputs = (),
) -> Written:
    """Write sheets given as ``{name: (header, rows of text)}`` as a workbook folder.

    netmap's sheets (:data:`netmap.model.SHEET_ORDER`) are written first, in that order, each
    as ``<sheet>.csv``; other sheets after them under a file name safe for any file system.
    The rules of :func:`write_workbook` apply (``overwrite``, ``inputs``, the manifest).

    >>> import tempfile
    >>> out = write_sheets(tempfile.mkdtemp(), {"partners": (["id", "name", "agency_type"], [["P1", "Pima CC", "CC"]])})
    >>> [p.name for p in out]
    ['partners.csv', 'netmap-workbook.json']
    """
    out = Path(folder)
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for sheet in SHEET_ORDER:
        if sheet in sheets:
            files[f"{sheet}.csv"] = _csv_bytes(*sheets[sheet])
            names[f"{sheet}.csv"] = sheet
    warnings = []
    # Compared case-folded: on Windows and macOS "A.csv" and "a.csv" are one file.
    taken = {name.casefold() for name in files} | {MANIFEST.casefold()}
    for name, (header, rows) in sheets.items():
        if name in SHEET_ORDER:
            continue
        file_name = _file_name(name, taken)
        if file_name != f"{name}.csv":
            warnings.append(f"sheet {name!r} is written as {file_name}")
        taken.add(file_name.casefold())
        files[file_name] = _csv_bytes(header, rows)
        names[file_name] = name
    previous = (read_manifest(out) or {}) if out.is_dir() else {}
    # Last: a folder whose manifest lists a file holds that file whole.
    files[MANIFEST] = _manifest_bytes(names)
    # The standard sheets are netmap's by name; other files only when an earlier write listed them.
    owned = {f"{sheet}.csv" for sheet in SHEET_ORDER} | set(previous)
    # Every CSV file refuses the write without overwrite: it would be read as a sheet.
    written = write_folder(
        out, files, inputs=inputs, force=overwrite, owned=owned, clashes=_csv_files, foreign=_csv_files
    )
    written.warnings.extend(warnings)
    return written


def _csv_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")


def _file_name(sheet: str, taken: set[str]) -> str:
    """A file name for an extra sheet: only characters safe in a file name, unique in the folder."""
    # A sheet name is data: it may only name a file inside the folder.
    safe = re.sub(r"[^\w\- ]", "_", sheet).strip(" .") or "sheet"
    name, n = f"{safe}.csv", 1
    while name.casefold() in taken:
        n += 1
        name = f"{safe}-{n}.csv"
    return name


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([neutralise(c) for c in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _manifest_bytes(sheets: dict[str, str]) -> bytes:
    doc = {
        "netmap": "workbook folder",
        "note": (
            "Written by netmap, one CSV file per sheet. Text cells that start with =, +, -, @, a tab "
            "or a carriage return (after any apostrophes) carry one more leading apostrophe, so that "
            "spreadsheets show them as text; netmap takes it off again when it reads the files listed "
            "here. Delete this file and netmap reads the cells as they are written."
        ),
        "files": sheets,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
