"""Write the service inventory as a session worksheet: an ``.xlsx`` a mapping session fills in.

One sheet per region of the map (the regions of the partners at the table and of the
services rows), a row per service of the taxonomy (grouped, in the taxonomy's order, then
any service the taxonomy does not know, as written), a column per population: those served
anywhere in the map first, then the roster's other populations (and "(any population)"
when some services row names none). Each cell is pre-filled with the partners known to
provide that service to that population in that region, with their seats a year when the
services rows give them: ``Pima CC (40 seats); Ajo Works``. Every cell has a drop-down of
the partners (names, or ids where two partners share a name; it warns but accepts typed
text, since a cell may list several) and a help prompt. A "How to fill" sheet explains
it; a ``partners`` sheet is a copy of the map's partners so names resolve when the
worksheet is read on its own; a hidden ``lists`` sheet holds the drop-down values.

The layout :mod:`netmap.ingest.worksheet` reads back: cell A1 ``netmap-worksheet`` (column
A, the service ids, is hidden), row 1 the headers (Group, Service, population names),
hidden row 2 ``netmap:ids``, then the region (C2) and the population ids. Sheet names are
made safe for Excel: at most 31 characters, none of ``[]:*?/\\``, unique ignoring case,
and never a netmap sheet's name.

Examples
--------
>>> import netmap, tempfile, pathlib
>>> from netmap.analysis.services import service_inventory
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "session.xlsx"
>>> _ = write_worksheet(G, service_inventory(G, as_of="2026-12-07"), path)
>>> import openpyxl
>>> openpyxl.load_workbook(path).sheetnames[:2]
['How to fill', 'partners']
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from netmap.analysis._common import is_active
from netmap.model import (
    SHEETS,
    WORKSHEET_ANY_POPULATION,
    WORKSHEET_HELP_SHEET,
    WORKSHEET_IDS,
    WORKSHEET_MARKER,
)
from netmap.outputs import Inputs, set_cell, write_file
from netmap.roster import Roster, load_roster
from netmap.services import ServiceTaxonomy, load_taxonomy
from netmap.sheets import sheet_rows

if TYPE_CHECKING:
    from netmap.analysis.services import ServiceInventory

__all__ = ["sheet_names", "worksheet_bytes", "write_worksheet"]

_BAD = re.compile(r"[\[\]:*?/\\]")
_RESERVED = {*SHEETS, "readme", "lists", WORKSHEET_HELP_SHEET}
NO_REGION = "(no region)"


def _append(ws: Any, values: list[Any]) -> None:
    """``ws.append`` with every text a text cell (:func:`netmap.outputs.set_cell`)."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            set_cell(cell, cell.value)


def sheet_names(regions: list[str | None]) -> list[str]:
    """A sheet name safe for Excel for each region, in order.

    >>> sheet_names(["North/South: Coast", "north/south: coast", "Partners", None])
    ['North-South- Coast', 'north-south- coast (2)', 'Partners region', '(no region)']
    >>> len(sheet_names(["A" * 40])[0])
    31
    """
    taken: set[str] = set()
    out = []
    for region in regions:
        base = _BAD.sub("-", region if region is not None else NO_REGION).strip().strip("'").strip() or "Region"
        if base.lower() in _RESERVED:
            base = f"{base} region"
        name, n = base[:31], 1
        while name.lower() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        taken.add(name.lower())
        out.append(name)
    return out


def _regions(G: nx.MultiDiGraph, inventory: ServiceInventory) -> list[str | None]:
    """The inventory's regions and those of the partners at the table, None (no region) last."""
    found = {r["region"] for r in inventory.regions}
    if inventory.region is None:
        for _, d in G.nodes(data=True):
            if d.get("label") == "Partner" and is_active(d):
                found.add(d.get("region") or None)
    elif not found:
        found.add(inventory.region)
    return sorted(found, key=lambda r: (r is None, str(r or "")))


def _populations(G: nx.MultiDiGraph, inventory: ServiceInventory, roster: Roster) -> list[tuple[str | None, str]]:
    """(id, name) of each population column: the map's served populations, then the roster's."""
    served: dict[str | None, str] = {}
    for region in inventory.regions:
        for p in region["populations"]:
            served.setdefault(p["id"], p["name"])
    columns = sorted(((k, v) for k, v in served.items() if k is not None), key=lambda kv: str(kv[1]))
    seen = {k for k, _ in columns}
    columns += [(p.id, p.name) for p in roster.populations.values() if p.id not in seen]
    if None in served:
        columns.append((None, WORKSHEET_ANY_POPULATION))
    return columns


def _seats(G: nx.MultiDiGraph) -> dict[tuple[str | None, str, str | None, str], int]:
    """(region, service id, population, partner id) -> seats a year, from the services rows."""
    nodes = G._node
    seats: dict[tuple[str | None, str, str | None, str], int] = {}
    for u, _, d in G.edges(data=True):
        if d.get("type") != "PROVIDES" or d.get("capacity") is None or not d.get("service_id"):
            continue
        p = nodes.get(u) or {}
        key = (d.get("region") or p.get("region"), d["service_id"], d.get("population"), p.get("id"))
        seats[key] = seats.get(key, 0) + int(d["capacity"])
    return seats


def _help_lines(taxonomy: ServiceTaxonomy) -> list[str]:
    return [
        "How to fill this worksheet",
        "",
        "Each region has a sheet. Each row is a service, each column a group of people (a population).",
        "In a cell, write who provides that service to those people in that region: a partner's name or id.",
        "Pick from the drop-down, or type several separated by ';' (the drop-down then warns; keep your text).",
        "Seats a year, when known, go in brackets after the partner: Pima CC (40 seats).",
        "The cells already filled are what the map knew when the worksheet was written: correct them.",
        "A population missing? Add a column at the right with its name as the header.",
        "A service missing? Add a row with its name in the Service column.",
        "",
        "Names must match the 'partners' sheet (ignoring case); a new partner goes into that sheet first.",
        "Do not rename the hidden column A or row 2: netmap finds the region sheets by them.",
        "",
        "Reading it back: 'netmap validate FILE.xlsx' checks every cell and names the sheet and cell of each",
        "problem; every netmap command reads the filled cells as services rows (partner, service, population,",
        "region), e.g. 'netmap services FILE.xlsx' for the deserts and duplicates.",
        "The region sheets can also be copied into your workbook: their rows add to its services sheet",
        "(delete the services rows the worksheet repeats, or netmap reports them as repeated rows).",
        "",
        f"Services are those of the taxonomy '{taxonomy.name}'.",
    ]


def worksheet_bytes(
    G: nx.MultiDiGraph,
    inventory: ServiceInventory,
    *,
    roster: Roster | None = None,
    taxonomy: ServiceTaxonomy | None = None,
) -> bytes:
    """The worksheet as the bytes of an ``.xlsx`` file (see the module docstring for its layout)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    roster = roster or load_roster()
    taxonomy = taxonomy or load_taxonomy(inventory.taxonomy)
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = "How to fill"
    for i, line in enumerate(_help_lines(taxonomy), start=1):
        help_ws.cell(row=i, column=1, value=line)
    help_ws["A1"].font = Font(bold=True, size=14)
    help_ws.column_dimensions["A"].width = 110

    # The partners, so names resolve when the worksheet is read on its own.
    header, rows = sheet_rows(G, "partners")
    partners_ws = wb.create_sheet("partners")
    # Cell by cell through set_cell: a partner named "=..." stays text, never a formula.
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(row, start=1):
            set_cell(partners_ws.cell(row=r, column=c), value)
    for c in partners_ws[1]:
        c.font = Font(bold=True)
    for row in partners_ws.iter_rows(min_row=2):
        for c in row:
            c.number_format = "@"  # ids like 007 stay text
    i_id, i_name = header.index("id"), header.index("name") if "name" in header else None
    names = [r[i_name] if i_name is not None else r[i_id] for r in rows]
    shared = {n for n in names if names.count(n) > 1}
    choices = [r[i_id] if (i_name is None or r[i_name] in shared or not r[i_name]) else r[i_name] for r in rows]
    label = {r[i_id]: choice for r, choice in zip(rows, choices, strict=True)}

    lists = wb.create_sheet("lists")
    lists.cell(row=1, column=1, value="partners")
    for i, choice in enumerate(choices, start=2):
        set_cell(lists.cell(row=i, column=1), choice)
    lists.sheet_state = "hidden"
    partner_range = f"lists!$A$2:$A${max(len(choices), 1) + 1}"

    populations = _populations(G, inventory, roster)
    seats = _seats(G)
    cells = {(c["region"], c["service"], c["population"]): c for c in inventory.cells}
    services: list[tuple[str | None, str, str]] = [(s.id, s.group, s.name) for s in taxonomy.services.values()]
    for region in inventory.regions:
        services += [(None, "Other", s["name"]) for s in region["services"] if not s["known"]]
    services = list(dict.fromkeys(services))
    regions = _regions(G, inventory)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E79")
    group_fill = PatternFill("solid", fgColor="DDEBF7")
    last = get_column_letter(3 + len(populations))
    for region, title in zip(regions, sheet_names(regions), strict=True):
        ws = wb.create_sheet(title)
        _append(ws, [WORKSHEET_MARKER, "Group", "Service", *(name for _, name in populations)])
        # A population the roster does not know is written as named: its id is made from the name when read.
        ids = [pid if pid in roster.populations else (name if pid is not None else None) for pid, name in populations]
        _append(ws, [WORKSHEET_IDS, "region", region, *ids])
        for c in ws[1]:
            c.font, c.fill = head_font, head_fill
            c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[2].hidden = True
        ws.column_dimensions["A"].hidden = True
        ws.column_dimensions["B"].width = 18
        ws.column_dimensions["C"].width = 28
        for col in range(4, 4 + len(populations)):
            ws.column_dimensions[get_column_letter(col)].width = 24
        ws.freeze_panes = "D3"
        group = None
        for sid, grp, name in services:
            other = sid is None
            key_service = f"other:{name}" if other else sid
            row: list[Any] = [sid, grp if grp != group else None, name]
            for pid, _ in populations:
                cell = None if other else cells.get((region, sid, pid))
                if other:
                    cell = next(
                        (
                            c
                            for c in inventory.cells
                            if c["region"] == region
                            and not c["known"]
                            and c["service_name"] == name
                            and c["population"] == pid
                        ),
                        None,
                    )
                entries = []
                for p in cell["providers"] if cell else []:
                    n = seats.get((region, key_service, pid, p["id"]))
                    text = str(label.get(p["id"], p["id"]))
                    entries.append(f"{text} ({n} seats)" if n is not None else text)
                row.append("; ".join(entries) or None)
            _append(ws, row)
            if grp != group:
                ws.cell(row=ws.max_row, column=2).font = Font(bold=True)
                for col in range(2, 4 + len(populations)):
                    ws.cell(row=ws.max_row, column=col).fill = group_fill
            group = grp
        dv = DataValidation(
            type="list",
            formula1=f"={partner_range}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="netmap",
            error="Not one partner of the list. Several partners separated by ';', or seats in brackets, are fine: "
            "keep it (Yes); netmap validate checks every name.",
            showInputMessage=True,
            promptTitle="Who provides this?",
            prompt="Partners providing this service to these people here. Several: separate with ';'. "
            "Seats a year: Name (40 seats).",
        )
        dv.add(f"D3:{last}{max(ws.max_row, 3) + 50}")
        ws.add_data_validation(dv)
        for row in ws.iter_rows(min_row=3, min_col=4):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    wb.active = wb.sheetnames.index(sheet_names(regions)[0]) if regions else 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_worksheet(
    G: nx.MultiDiGraph,
    inventory: ServiceInventory,
    path: str | Path,
    *,
    roster: Roster | None = None,
    taxonomy: ServiceTaxonomy | None = None,
    inputs: Inputs = (),
    force: bool = False,
) -> Path:
    """Write the session worksheet of ``inventory`` (of graph ``G``) to ``path``; return it.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph the inventory was computed from (its partners and services rows' seats).
    inventory : ServiceInventory
        From :func:`netmap.analysis.services.service_inventory`.
    path : str or Path
        An ``.xlsx`` file; written atomically, never over one of ``inputs``, and over an
        existing file only with ``force`` (see :mod:`netmap.outputs`).
    roster, taxonomy : optional
        The populations and services of the rows and columns (defaults: the shipped ones).

    Raises
    ------
    UsageError
        The target exists (without ``force``), is an input, or is not an ``.xlsx`` file.
    """
    from netmap.errors import UsageError

    if Path(path).suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: the worksheet is an Excel workbook; name it something.xlsx")
    return write_file(path, worksheet_bytes(G, inventory, roster=roster, taxonomy=taxonomy), inputs=inputs, force=force)
