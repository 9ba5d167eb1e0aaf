"""Read a filled-in session worksheet back as ``services`` rows (issue 20 part 3).

``netmap services SOURCE --worksheet -o FILE.xlsx`` (:mod:`netmap.export.worksheet`)
writes one sheet per region: a row per service, a column per population, each cell
listing the partners that provide that service to that population there. This module
turns the cells back into rows of the ``services`` sheet, so :func:`netmap.ingest.validate.validate`
checks them like any other row and every later step sees ordinary services.

How a worksheet is recognised
    A sheet whose first cell (A1, in the hidden column A) reads ``netmap-worksheet`` is a
    region sheet, whatever its name; any workbook (the worksheet itself, or a workbook or
    CSV folder the region sheets were copied into) may hold such sheets. Row 2 (hidden)
    starts with ``netmap:ids``; it holds the region as the map spells it (cell C2) and the
    population id of each population column. Column A holds each row's service id.

What a cell says
    Partner names or ids separated by ``;`` or line breaks; a partner may be followed by its
    seats a year in brackets, ``Pima CC (40 seats)`` (``(40)`` also reads). A name is
    resolved to its id through the workbook's ``partners`` sheet (ids first, then names,
    ignoring case and spacing); anything else is kept as typed, so validation reports it
    as an unknown partner at that cell.

Each entry becomes one services row (partner, service, population, region). Entries of
one worksheet row naming the same partner with the same seats in several population
columns become one row with those populations, so the seats count once, as they did in the
services row the worksheet was written from. Issues on these rows are reported at the
worksheet's own sheet, row and column (see :func:`locate_issues`).

Examples
--------
>>> from netmap.ingest.workbook import RawWorkbook, RawSheet, RawRow
>>> raw = RawWorkbook("w.xlsx", "xlsx")
>>> raw.sheets["partners"] = RawSheet("partners", "partners", "w.xlsx", ["id", "name"],
...     [RawRow(2, ["A", "Ajo Works"])])
>>> raw.sheets["north"] = RawSheet("north", "North", "w.xlsx", ["netmap-worksheet", "Group", "Service", "Youth"],
...     [RawRow(2, ["netmap:ids", "region", "North", "youth"]),
...      RawRow(3, ["training", "Employment", "Training", "ajo works (20 seats)"])])
>>> folded = fold_worksheets(raw)
>>> services = folded.sheets["services"]
>>> services.header, [r.cells for r in services.rows]
(['partner_id', 'service', 'population', 'region', 'capacity'], [['A', 'training', 'youth', 'North', 20]])
>>> services.origin
{2: ('North', 3, 'D')}
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from typing import Any

from netmap.errors import Issue
from netmap.ingest.workbook import RawRow, RawSheet, RawWorkbook, column_letter
from netmap.model import WORKSHEET_ANY_POPULATION, WORKSHEET_IDS, WORKSHEET_MARKER

__all__ = ["SERVICE_COLUMNS", "fold_worksheets", "is_worksheet_sheet", "locate_issues", "parse_cell"]

# The services columns a worksheet fills in.
SERVICE_COLUMNS = ["partner_id", "service", "population", "region", "capacity"]
_FIRST_POPULATION = 3  # column D: A service id, B group, C service name
_SEATS = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<seats>\d[\d,]*)\s*(?:seats?|places?|slots?)?\s*\)$", re.IGNORECASE)


def is_worksheet_sheet(sheet: RawSheet) -> bool:
    """Whether ``sheet`` is a region sheet of a session worksheet (A1 holds the marker)."""
    return bool(sheet.header) and str(sheet.header[0]).strip().lower() == WORKSHEET_MARKER


def parse_cell(value: Any) -> list[tuple[str, int | None]]:
    """The (partner as typed, seats or None) entries of one worksheet cell.

    >>> parse_cell("Pima CC (40 seats); Ajo Works\\nGoodwill (1,200)")
    [('Pima CC', 40), ('Ajo Works', None), ('Goodwill', 1200)]
    """
    if value is None:
        return []
    entries = []
    for part in re.split(r"[;\n]", str(value)):
        part = part.strip()
        if not part:
            continue
        found = _SEATS.match(part)
        if found and found["name"].strip():
            entries.append((found["name"].strip(), int(found["seats"].replace(",", ""))))
        else:
            entries.append((part, None))
    return entries


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _partner_index(raw: RawWorkbook) -> dict[str, str]:
    """Typed text (id or name, normalised) -> partner id, from the partners sheet."""
    sheet = raw.sheets.get("partners")
    if sheet is None:
        return {}
    header = [_key(h) for h in sheet.header]
    if "id" not in header:
        return {}
    i_id = header.index("id")
    i_name = header.index("name") if "name" in header else None
    by_id: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for row in sheet.rows:
        cells = row.cells
        pid = str(cells[i_id]).strip() if i_id < len(cells) and cells[i_id] is not None else ""
        if not pid:
            continue
        by_id.setdefault(_key(pid), pid)
        if i_name is not None and i_name < len(cells) and cells[i_name] is not None:
            by_name.setdefault(_key(cells[i_name]), []).append(pid)
    # A name two partners share resolves to neither: the cell must give the id.
    index = {k: ids[0] for k, ids in by_name.items() if len(set(ids)) == 1}
    index.update(by_id)  # an id wins over a name spelled the same
    return index


def _partner_names(raw: RawWorkbook) -> dict[str, list[str]]:
    """Partner name as written -> the ids of the partners of that name."""
    sheet = raw.sheets.get("partners")
    header = [_key(h) for h in sheet.header] if sheet is not None else []
    if sheet is None or "name" not in header or "id" not in header:
        return {}
    i_id, i_name = header.index("id"), header.index("name")
    names: dict[str, list[str]] = {}
    for r in sheet.rows:
        if max(i_id, i_name) < len(r.cells) and r.cells[i_name] is not None and r.cells[i_id] is not None:
            names.setdefault(str(r.cells[i_name]).strip(), []).append(str(r.cells[i_id]).strip())
    return names


def fold_worksheets(raw: RawWorkbook) -> RawWorkbook:
    """``raw`` with its worksheet region sheets turned into ``services`` rows.

    The region sheets are taken out; their entries are appended to the ``services`` sheet
    (made when missing), numbered after its last row, and the new ``RawSheet.origin`` maps
    each such row to the cell it came from. ``raw`` itself is not changed; a workbook
    without worksheet sheets comes back as it is.
    """
    regions = [s for s in raw.sheets.values() if is_worksheet_sheet(s)]
    if not regions:
        return raw
    names = {s.name for s in regions}
    partners = _partner_index(raw)
    existing = raw.sheets.get("services")
    if existing is not None:
        header = list(existing.header)
        rows = [RawRow(r.row, list(r.cells)) for r in existing.rows]
        origin = dict(existing.origin)
        file = existing.file
    else:
        header, rows, origin, file = [], [], {}, regions[0].file
    for column in SERVICE_COLUMNS:
        if column not in [_key(h) for h in header]:
            header.append(column)
    at = {c: [_key(h) for h in header].index(c) for c in SERVICE_COLUMNS}
    number = max([r.row for r in rows], default=1) + 1

    for sheet in regions:
        for entry in _entries(sheet, partners):
            cells: list[Any] = [None] * len(header)
            for column in SERVICE_COLUMNS:
                cells[at[column]] = entry[column]
            rows.append(RawRow(number, cells))
            origin[number] = entry["origin"]
            number += 1

    sheets = {k: v for k, v in raw.sheets.items() if k not in names}
    sheets["services"] = RawSheet(
        "services", existing.title if existing else "services", file, header, rows, 1, {}, origin
    )
    issues = [i for i in raw.issues if not (i.code == "unknown-sheet" and i.sheet in names)]
    return dataclasses.replace(raw, sheets=sheets, issues=issues)


def _entries(sheet: RawSheet, partners: dict[str, str]) -> list[dict[str, Any]]:
    """The services rows of one region sheet, in reading order."""
    header = sheet.header
    rows = list(sheet.rows)
    ids_row = next((r for r in rows if r.cells and str(r.cells[0] or "").strip().lower() == WORKSHEET_IDS), None)
    ids = ids_row.cells if ids_row else []
    region = str(ids[2]).strip() if len(ids) > 2 and ids[2] is not None and str(ids[2]).strip() else None
    populations: dict[int, str | None] = {}
    for col in range(_FIRST_POPULATION, len(header)):
        pid = ids[col] if col < len(ids) and ids[col] is not None and str(ids[col]).strip() else None
        title = str(header[col]).strip()
        if not title and pid is None:
            continue
        # A column added by hand has no id: its header is the population as written.
        populations[col] = None if title == WORKSHEET_ANY_POPULATION and pid is None else (pid or title)
    out: list[dict[str, Any]] = []
    for row in rows:
        if row is ids_row:
            continue
        cells = row.cells
        sid = str(cells[0]).strip() if cells and cells[0] is not None else ""
        name = str(cells[2]).strip() if len(cells) > 2 and cells[2] is not None else ""
        service = sid or name
        if not service:
            continue
        grouped: dict[tuple[str, int], dict[str, Any]] = {}
        for col, population in populations.items():
            if col >= len(cells):
                continue
            for typed, seats in parse_cell(cells[col]):
                partner = partners.get(_key(typed), typed)
                where = (sheet.title, row.row, column_letter(col))
                if seats is not None and (partner, seats) in grouped:
                    # The same partner and seats in another population column: one row, counted once.
                    entry = grouped[partner, seats]
                    if population and population not in entry["population"].split(";"):
                        entry["population"] = (
                            f"{entry['population']};{population}" if entry["population"] else population
                        )
                    continue
                entry = {
                    "partner_id": partner,
                    "service": service,
                    "population": population,
                    "region": region,
                    "capacity": seats,
                    "origin": where,
                }
                if seats is not None:
                    grouped[partner, seats] = entry
                out.append(entry)
    return out


_ROWS = re.compile(r"\b(rows?(?:\(s\))?) (\d+(?:, \d+)*)")


def _cells(match: re.Match[str], origin: dict[int, tuple[str, int, str]], suffix: str = "") -> str:
    """``row(s) 3, 16`` with each worksheet row written as its cell: ``row(s) 3, North D11``;
    ``suffix`` follows the rows that are not the worksheet's."""
    parts, kept = [], False
    for number in match[2].split(", "):
        where = origin.get(int(number))
        kept = kept or where is None
        parts.append(f"{where[0]} {where[2]}{where[1]}" if where else number)
    return f"{match[1]} {', '.join(parts)}{suffix if kept else ''}"


def locate_issues(issues: list[Issue], raw: RawWorkbook) -> list[Issue]:
    """``issues`` with those about a worksheet's rows moved to the worksheet's own cell.

    The column becomes the cell's column letter and the name of the services column
    the issue was about is kept in the message.
    """
    sheet = raw.sheets.get("services")
    origin = sheet.origin if sheet is not None else {}
    if not origin:
        return issues
    out = []
    names: dict[str, list[str]] = {}
    for issue in issues:
        where = origin.get(issue.row) if issue.sheet == "services" and issue.row is not None else None
        if issue.sheet == "services" and _ROWS.search(issue.message):
            # "row(s) 16 are also ...": a row number of the worksheet's rows becomes its cell; an
            # issue moved to the worksheet says which sheet its other row numbers are of.
            suffix = " of the services sheet" if where else ""
            message = _ROWS.sub(lambda m, s=suffix: _cells(m, origin, s), issue.message)
            issue = dataclasses.replace(issue, message=message)
        if where is None:
            out.append(issue)
            continue
        title, row, letter = where
        about = f" ({issue.column})" if issue.column else ""
        if issue.code == "unknown-reference" and issue.column == "partner_id" and not issue.suggestions:
            # A cell is typed with names: suggest the partners' names, as the drop-down lists them.
            names = names or _partner_names(raw)
            close = difflib.get_close_matches(str(issue.value or ""), list(names), n=3)
            # A name two partners share is no answer: suggest their ids instead.
            found = [x for name in close for x in (names[name] if len(names[name]) > 1 else [name])]
            issue = dataclasses.replace(issue, suggestions=tuple(found))
        out.append(
            dataclasses.replace(
                issue, sheet=title, row=row, column=letter, message=f"worksheet cell{about}: {issue.message}"
            )
        )
    return out
