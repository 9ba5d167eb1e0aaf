"""Validate raw workbook tables against the sheet specs and a roster.

The result is a :class:`Tables`: one list of clean records per sheet (each keeping
the Excel row it came from) plus every :class:`~netmap.errors.Issue` found, all at
once. Records of a row with an error are left out of the tables, so a build only
ever sees clean data; the issue says where the row is.

Examples
--------
>>> from netmap.ingest.workbook import RawWorkbook, RawSheet, RawRow
>>> raw = RawWorkbook("demo", "csv")
>>> raw.sheets["partners"] = RawSheet("partners", "partners", "partners.csv",
...     ["id", "name", "agency_type"], [RawRow(2, ["P1", "Pima CC", "Comunity colege"])])
>>> tables = validate(raw)
>>> [(i.code, i.row, i.column) for i in tables.issues]
[('unknown-agency-type', 2, 'agency_type')]
>>> tables.issues[0].suggestions[0]
'Local community colleges'
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from typing import Any

from netmap.errors import ERROR, WARNING, Issue
from netmap.ingest.ahead import PendingSheet, Redo, take
from netmap.ingest.cells import (
    cell_text,
    is_blank,
    parse_amount,
    parse_bool,
    parse_count,
    parse_date,
    parse_score,
    parse_strength,
)
from netmap.ingest.form import fold_form, is_form_sheet, locate_form_issues
from netmap.ingest.held import HeldSheet
from netmap.ingest.workbook import RawSheet, RawWorkbook, column_letter, snippet
from netmap.ingest.worksheet import fold_worksheets, is_worksheet_sheet, locate_issues
from netmap.model import SHEETS, Column, Sheet, header_key
from netmap.roster import Roster, load_roster, slug
from netmap.roster import normalize as _normalize
from netmap.services import ServiceTaxonomy, load_taxonomy

# Cells repeat (the same agency type, level, region on thousands of rows): normalise each
# distinct text once.
normalize = functools.lru_cache(maxsize=1 << 16)(_normalize)


@functools.lru_cache(maxsize=256)
def _choice_keys(choices: tuple[str, ...]) -> dict[str, str]:
    return {normalize(c): c for c in choices}


__all__ = ["Tables", "region_key", "validate"]

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# Words people write for a choice instead of the canonical value.
_CHOICE_SYNONYMS = {
    "memorandum of understanding": "MOU",
    "memorandum of agreement": "MOA",
    "articulation agreement": "articulation",
    "data sharing agreement": "data-sharing",
    "dsa": "data-sharing",
    "inactive": "former",
    "annually": "yearly",
    "annual": "yearly",
    "once a year": "yearly",
    "every quarter": "quarterly",
    "every month": "monthly",
    "every week": "weekly",
    "every day": "daily",
    "lead partner": "lead",
    "supporting": "support",
    "past": "former",
    "prospect": "prospective",
    "potential": "prospective",
    "operational": "operations",
    "stakeholders": "stakeholder",
    "statewide": "state",
    "region": "regional",
    "federal": "national",
    "foundation": "philanthropic",
    "city": "local",
    "county": "local",
}


@dataclass
class Tables:
    """Validated sheets: ``records[sheet]`` is a list of dicts, one per clean row.

    Every record has ``_row`` (the Excel row it came from) and ``extra`` (the values
    of columns netmap does not know, as text). Partners also carry
    ``agency_type_id``; roles ``role_id``; agreements ``parties`` as a tuple of partner
    ids. Services carry ``service_id`` (the taxonomy's id, None when the service matches
    none), ``populations`` (the populations as written, a tuple), ``population_ids`` (their
    ids, None for one the roster does not know), ``population_id`` (the one id when the
    row names one population), ``languages``, ``refers_to`` and ``accepts_referrals_from``
    as tuples; needs rows ``population_id``.

    The ties sheet, most of a state map's rows, is kept as columns
    (:class:`netmap.ingest.held.HeldSheet`): its dicts are made when ``tables["ties"]`` or
    ``records`` is first read, and :meth:`column` and :meth:`tuples` read it without them.
    """

    source: str
    roster: Roster
    # Sheet -> its rows as dicts, or held as columns until asked for (see records).
    _records: dict[str, list[dict[str, Any]] | HeldSheet] = field(default_factory=dict, repr=False)
    files: dict[str, str] = field(default_factory=dict)
    extra_sheets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    # Column headers of each sheet as written (known and unknown), so a workbook can be
    # written back out with its own columns in their own order.
    columns: dict[str, list[str]] = field(default_factory=dict)
    # The map these tables were read from, when they come from the database.
    map_id: str | None = None
    # The service taxonomy the services sheet was matched against.
    taxonomy: ServiceTaxonomy | None = None

    @property
    def records(self) -> dict[str, list[dict[str, Any]]]:
        """Sheet -> its clean rows, one dict each (a sheet held as columns is made into dicts now)."""
        store = self._records
        for sheet, rows in store.items():
            if type(rows) is HeldSheet:
                store[sheet] = rows.records()  # in its place: the sheets keep their order
        return store  # type: ignore[return-value]

    def __getitem__(self, sheet: str) -> list[dict[str, Any]]:
        rows = self._records.get(sheet)
        if rows is None:
            return []
        if type(rows) is HeldSheet:
            rows = self._records[sheet] = rows.records()
        return rows  # type: ignore[return-value]

    def column(self, sheet: str, name: str) -> list[Any]:
        """The values of column ``name`` of ``sheet``'s clean rows, in order (None where a
        row has no such key), without making a held sheet's dicts. Treat as read-only.

        >>> import netmap
        >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
        >>> tables.column("ties", "source_id") == [t["source_id"] for t in tables["ties"]]
        True
        """
        rows = self._records.get(sheet)
        if rows is None:
            return []
        if type(rows) is HeldSheet:
            return rows.column(name)
        return [r.get(name) for r in rows]  # type: ignore[union-attr]

    def tuples(self, sheet: str, *names: str) -> Iterator[tuple[Any, ...]]:
        """``sheet``'s clean rows as tuples of the values of ``names`` (see :meth:`column`).

        >>> import netmap
        >>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
        >>> next(tables.tuples("partners", "_row", "id"))
        (2, 'TIC')
        """
        rows = self._records.get(sheet)
        if type(rows) is HeldSheet:
            return rows.tuples(*names)
        return zip(*(self.column(sheet, name) for name in names), strict=True)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        """Rows kept per sheet, in sheet order (sheets not given are 0)."""
        return {name: len(self._records.get(name, [])) for name in SHEETS}

    def row_counts(self) -> dict[str, dict[str, int]]:
        """Rows read, used and left out, per sheet read, in sheet order.

        ``read`` counts the sheet's non-blank rows below its header; ``used`` the rows that
        made it into the tables; every row left out has an issue of its own at its row
        (or, when a required column is missing, the sheet has one ``missing-column``).

        >>> from netmap.ingest.workbook import RawWorkbook, RawSheet, RawRow
        >>> raw = RawWorkbook("demo", "csv")
        >>> raw.sheets["partners"] = RawSheet("partners", "partners", "partners.csv",
        ...     ["id", "name", "agency_type"], [RawRow(2, ["P1", "Pima CC", "CC"]), RawRow(3, ["P2", "", "CC"])])
        >>> validate(raw).row_counts()
        {'partners': {'read': 2, 'used': 1, 'left_out': 1}}
        """
        order = [*(s for s in SHEETS if s in self.rows_read), *(s for s in self.rows_read if s not in SHEETS)]
        counts = {}
        for sheet in order:
            read = self.rows_read[sheet]
            used = len(self._records.get(sheet, [])) if sheet in SHEETS else len(self.extra_sheets.get(sheet, []))
            counts[sheet] = {"read": read, "used": used, "left_out": read - used}
        return counts

    def frame(self, sheet: str):
        """One sheet as a pandas DataFrame, extra columns included (pandas imported on demand)."""
        import pandas as pd

        columns = ["_row", *(c.name for c in SHEETS[sheet].columns)] if sheet in SHEETS else ["_row"]
        rows = [{k: v for k, v in r.items() if k != "extra"} | r.get("extra", {}) for r in self[sheet]]
        frame = pd.DataFrame(rows, dtype=object)
        return frame if rows else pd.DataFrame(columns=columns, dtype=object)


class _SheetCheck:
    """Collects the issues of one sheet with its location filled in."""

    def __init__(self, tables: Tables, raw: RawSheet):
        self.tables = tables
        self.raw = raw

    def add(
        self,
        code: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        suggestions: tuple[str, ...] | list[str] = (),
        severity: str = ERROR,
    ) -> None:
        self.tables.issues.append(
            Issue(
                code,
                message,
                severity,
                file=self.raw.file,
                sheet=self.raw.name,
                row=row,
                column=column,
                value=snippet(cell_text(value)) if value is not None else None,
                suggestions=tuple(suggestions),
            )
        )


def validate(raw: RawWorkbook, roster: Roster | None = None, *, taxonomy: ServiceTaxonomy | None = None) -> Tables:
    """Check every cell of every sheet; return clean records and all issues.

    Parameters
    ----------
    raw : RawWorkbook
        What :func:`~netmap.ingest.workbook.read_workbook_raw` read.
    roster : Roster, optional
        Reference roster for agency types, roles and populations (default
        ``career-pathways``).
    taxonomy : ServiceTaxonomy, optional
        The services the ``service`` column is matched against (default
        ``career-services``, see :func:`netmap.services.load_taxonomy`).

    Returns
    -------
    Tables
        ``tables.ok`` is True when no issue is an error.
    """
    roster = roster or load_roster()
    read = raw
    raw = fold_form(raw)  # a returned intake form's answers become netmap's sheets
    raw = fold_worksheets(raw)  # a session worksheet's region sheets become services rows
    tables = Tables(raw.source, roster, issues=list(raw.issues), taxonomy=taxonomy or _default_taxonomy())
    if any(i.is_error and i.row is None and i.sheet is None for i in raw.issues):
        if any(isinstance(s, PendingSheet) for s in raw.sheets.values()):
            raise Redo  # the issues would not be all there
        return tables  # the file itself could not be read

    rejected: dict[str, list[dict[str, Any]]] = {}
    for name, sheet in list(raw.sheets.items()):
        held = None
        if isinstance(sheet, PendingSheet):
            # A file read and checked by the worker meanwhile (netmap.ingest.ahead).
            read_issues, got, held, check_issues = take(sheet, roster)
            if raw is not read or (got is not None and (is_form_sheet(got) or is_worksheet_sheet(got))):
                raise Redo  # folded as it was not: read the workbook again, the usual way
            raw.issues[sheet.issue_index : sheet.issue_index] = read_issues
            tables.issues[sheet.issue_index : sheet.issue_index] = read_issues
            if got is None:
                del raw.sheets[name]  # the reader could not make a sheet of the file
                continue
            raw.sheets[name] = sheet = got
        tables.files[name] = sheet.file
        tables.rows_read[name] = len(sheet.rows)
        tables.columns[name] = [h for h in sheet.header if h]
        if held is not None:
            tables._records[name] = held
            rejected[name] = []
            tables.issues.extend(check_issues)
        elif name in SHEETS:
            tables._records[name] = _check_sheet(tables, sheet, SHEETS[name], rejected.setdefault(name, []))
        else:
            tables.extra_sheets[name] = [
                {
                    "_row": r.row,
                    **{
                        h or f"column_{i + 1}": cell_text(v)
                        for i, (h, v) in enumerate(zip(sheet.header, r.cells, strict=False))
                    },
                }
                for r in sheet.rows
            ]

    if "partners" not in raw.sheets:
        # A partners file that could not be read has its own error already.
        if not any(i.code == "missing-sheet" or (i.is_error and i.sheet == "partners") for i in tables.issues):
            tables.issues.append(
                Issue(
                    "missing-sheet",
                    "the workbook has no 'partners' sheet; it is the one sheet netmap requires",
                    file=raw.source,
                    sheet="partners",
                    suggestions=tuple(difflib.get_close_matches("partners", list(raw.sheets), n=3, cutoff=0.4)),
                )
            )
    elif not tables["partners"] and not any(i.is_error and i.sheet == "partners" for i in tables.issues):
        sheet = raw.sheets["partners"]
        tables.issues.append(
            Issue("no-partners", "the partners sheet has no rows", file=sheet.file, sheet="partners", row=2)
        )

    _check_references(tables, raw, rejected)
    _check_awards(tables, raw, rejected)
    _align_regions(tables, raw)
    _check_need_regions(tables, raw)
    tables.issues = sorted(locate_issues(locate_form_issues(tables.issues, raw), raw), key=_issue_order)
    return tables


@functools.cache
def _default_taxonomy() -> ServiceTaxonomy:
    """The shipped taxonomy, read once per process (it is only read from, never changed)."""
    return load_taxonomy()


def _issue_order(issue: Issue) -> tuple[int, int, int]:
    """Workbook order: file problems first, then sheet by sheet, row by row, left to right."""
    sheet = list(SHEETS).index(issue.sheet) if issue.sheet in SHEETS else len(SHEETS)
    columns = [c.name for c in SHEETS[issue.sheet].columns] if issue.sheet in SHEETS else []
    column = columns.index(issue.column) if issue.column in columns else len(columns)
    return (sheet if issue.sheet else -1, issue.row or 0, column)


# -- one sheet --------------------------------------------------------------------------


def _check_sheet(
    tables: Tables, raw: RawSheet, spec: Sheet, rejected: list[dict[str, Any]]
) -> list[dict[str, Any]] | HeldSheet:
    """Clean records of one sheet (a sheet of :data:`_HELD` with every row kept: held as
    columns); rows with errors go to ``rejected`` (still checked for references)."""
    check = _SheetCheck(tables, raw)
    if not raw.header:
        return []  # an empty sheet: reported as empty-sheet by the reader
    header_row = raw.header_row
    known: dict[int, Column] = {}
    extra: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, title in enumerate(raw.header):
        if not title:
            continue
        key = header_key(title)
        if key in seen:
            check.add(
                "duplicate-column",
                f"column {title!r} appears twice (columns {seen[key] + 1} and {index + 1}); keep one",
                row=header_row,
                column=title,
            )
            continue
        seen[key] = index
        column = spec.column(key)
        if column is not None:
            known[index] = column
        else:
            extra[index] = title
            names = [c.name for c in spec.columns]
            check.add(
                "unknown-column",
                f"column {title!r} is not a netmap column of sheet {spec.name}; it is kept as an attribute",
                row=header_row,
                column=title,
                suggestions=difflib.get_close_matches(key, names, n=3, cutoff=0.6),
                severity=WARNING,
            )
    present = {c.name for c in known.values()}
    missing = [c for c in spec.required_columns if c not in present]
    for name in missing:
        check.add(
            "missing-column",
            f"the {spec.name} sheet needs a column {name!r}",
            row=header_row,
            column=name,
            suggestions=difflib.get_close_matches(name, [header_key(h) for h in raw.header if h], n=3, cutoff=0.5),
        )
    if missing:
        return []  # rows cannot be read without their key columns; the issue says why

    # Column by column rather than row by row: a column's cells repeat (the same agency
    # type, level, kind or date on thousands of rows), so each distinct value is parsed
    # once, and the per-cell work left is a dictionary lookup. At 100,000 partners and
    # 500,000 ties this is the difference between seconds and a minute.
    n = len(raw.rows)
    by_column = raw.columns()
    row_numbers = raw.row_numbers()
    bad = bytearray(n)
    values: dict[str, list[Any]] = {}
    failed: dict[str, set[int]] = {}
    derived: dict[int, dict[str, Any]] = {}
    for index, column in known.items():
        cells = by_column[index]
        parsed, special = _parse_column(tables.roster, column, cells)
        values[column.name] = parsed
        for i, (_, ok, issues, fields) in special:
            for code, message, suggestions, severity in issues:
                check.add(
                    code,
                    message,
                    row=row_numbers[i],
                    column=column.name,
                    value=cells[i],
                    suggestions=suggestions,
                    severity=severity,
                )
            if fields:
                derived.setdefault(i, {}).update(fields)
            if not ok:
                bad[i] = 1
                failed.setdefault(column.name, set()).add(i)
    # Each row's unknown columns; None while the sheet has none (a held sheet's rows then
    # get their empty dicts only if made into dicts).
    extras: list[dict[str, Any]] | None = [{} for _ in range(n)] if extra else None
    for index, title in extra.items():
        for i, value in enumerate(by_column[index]):
            if not is_blank(value):
                extras[i][title] = cell_text(value)  # type: ignore[index]
    for index, title in enumerate(raw.header):
        if title:
            continue
        for i, value in enumerate(by_column[index]):
            if not is_blank(value):
                check.add(
                    "unnamed-column",
                    f"a value sits in column {column_letter(index)}, which has no header",
                    row=row_numbers[i],
                    column=column_letter(index),
                    value=value,
                    suggestions=("give the column a header, or delete the value",),
                )
    for column in spec.columns:
        if column.name not in values:
            values[column.name] = [None] * n

    if raw.special:
        _report_special_cells(check, raw, known, extra, row_numbers, bad, failed)
    if spec.name == "partners":
        _resolve_agency_types(check, tables.roster, values, row_numbers, bad, derived)
        _merge_region_spellings(check, values["region"], row_numbers)
    if spec.name == "services":
        # A sheet with only the three columns netmap always had was not written for the
        # inventory: it is matched silently, so an old workbook reads with the issues it had.
        # So is a directory's (its names are its own; 211 exports name hundreds of services).
        richer = not raw.directory and any(c.name not in _OLD_SERVICE_COLUMNS for c in known.values())
        taxonomy = tables.taxonomy or _default_taxonomy()
        _resolve_services(check, taxonomy, values["service"], row_numbers, derived, warn=richer)
    for name in spec.required_columns:
        if None not in values[name]:
            continue  # the usual case, seen at C speed
        column_failed = failed.get(name, set())
        for i in [i for i, v in enumerate(values[name]) if v is None]:
            if i not in column_failed:
                check.add("empty-required", f"the required cell {name!r} is empty", row=row_numbers[i], column=name)
                bad[i] = 1
    if spec.name in ("agreements", "funding", "ties"):
        _check_date_order(check, spec.name, values, row_numbers, bad)
    if spec.name == "ties" and any(map(operator.eq, values["source_id"], values["target_id"])):
        for i, (a, b) in enumerate(zip(values["source_id"], values["target_id"], strict=True)):
            if a is not None and a == b:
                check.add(
                    "self-tie",
                    f"partner {a!r} is tied to itself; a tie needs two different partners",
                    row=row_numbers[i],
                    column="target_id",
                    value=b,
                )
                bad[i] = 1
    key_cols = spec.key
    first_row_of: dict[Any, int] = {}
    if key_cols == ("id",):
        # Ids must be unique, whatever else is wrong with the row.
        for i, ident in enumerate(values["id"]):
            if ident is None:
                continue
            if ident in first_row_of:
                check.add(
                    "duplicate-id",
                    f"id {ident!r} is already used in row {first_row_of[ident]}; ids must be unique",
                    row=row_numbers[i],
                    column="id",
                    value=ident,
                )
                bad[i] = 1
            else:
                first_row_of[ident] = row_numbers[i]

    # Known columns in the order of the header, then the ones the sheet left out.
    order = [c.name for c in known.values()]
    order += [c.name for c in spec.columns if c.name not in order]
    keys = ("_row", "extra", *order)
    if spec.name in _HELD and not derived and not any(bad):
        if _distinct_ties(values, n):
            # Every row kept as it is: held as columns, made into dicts only if asked for.
            columns = {"_row": row_numbers, **{name: values[name] for name in order}}
            return HeldSheet(keys, columns, extras)
    # A record's keys and cells go together without ``zip(strict=True)``, which would check
    # a length (the same for every row) at a third of the cost of making the records.
    if extras is None:
        extras = [{} for _ in range(n)]
    rows = zip(row_numbers, extras, *(values[name] for name in order), strict=True)
    records = list(map(dict, map(zip, repeat(keys), rows)))
    for i, fields in derived.items():
        records[i].update(fields)
    if any(bad):
        rejected.extend(r for i, r in enumerate(records) if bad[i])
    if key_cols == ("id",):
        return [r for i, r in enumerate(records) if not bad[i]] if any(bad) else records
    row_keys = _row_keys(spec.name, records, values, bad)
    if not any(bad) and len(set(row_keys)) == n:
        return records  # no row repeats another (checked at C speed): all are kept
    return _drop_repeats(check, spec, records, row_keys, bad)


# Sheets held as columns when every row is kept (netmap.ingest.held): the biggest by far.
_HELD = {"ties"}

# Sheets whose repeated keys the graph can hold twice: a tie is an edge of its own per row.
_KEEPS_BOTH = {"ties"}


def _drop_repeats(
    check: _SheetCheck, spec: Sheet, records: list[dict[str, Any]], row_keys: list[Any], bad: bytearray
) -> list[dict[str, Any]]:
    """The rows of a sheet keyed by more than its id, each repeat settled.

    A row whose key (:func:`_row_key`) an earlier row has is a ``duplicate-row`` when it
    is equal to that row in every other column too: it says nothing new and is left out
    with a warning. Otherwise the two rows say different things about one thing, a
    ``conflicting-rows`` issue: on the ties sheet both are kept (each row is an edge of
    its own) with a warning; elsewhere the graph holds one of them only (one role per
    partner and role, one service per partner, service and population, one person per
    partner and name), so neither is guessed at: both are errors, naming each other.
    """
    key_cols = spec.key
    sheet = spec.name
    kept_both = sheet in _KEEPS_BOTH
    # key -> the distinct rows with it: their values outside the key -> index of the first such row
    seen: dict[Any, dict[tuple[Any, ...], int]] = {}
    conflicts: dict[int, list[int]] = {}  # first row's index -> later rows that conflict with it
    dropped: set[int] = set()
    repeats: list[tuple[int, int, int]] = []  # (row, the row it repeats, the first row of its key)
    # Only rows whose key is on another row need a look: found by counting at C speed, so
    # a million ties with a few repeats cost a count, not a million steps of Python.
    counts = Counter(row_keys)
    shared = {key for key, count in counts.items() if count > 1}
    for i in compress(range(len(row_keys)), map(shared.__contains__, row_keys)):
        key = row_keys[i]
        if bad[i]:
            continue
        content = _content(sheet, records[i])
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = {content: i}
            continue
        first = next(iter(earlier.values()))
        same = earlier.get(content)
        if same is not None:
            repeats.append((i, same, first))
            dropped.add(i)
            continue
        earlier[content] = i
        conflicts.setdefault(first, []).append(i)
        differ = ", ".join(_differing(sheet, records[first], records[i]))
        what = _what(sheet, records[i])
        if kept_both:
            check.add(
                "conflicting-rows",
                f"this row and row {records[first]['_row']} are both {what} but differ in {differ}; "
                "both are kept, as two ties",
                row=records[i]["_row"],
                column=key_cols[-1],
                severity=WARNING,
                suggestions=("delete one of the rows, or merge them into one",),
            )
        else:
            check.add(
                "conflicting-rows",
                f"this row and row {records[first]['_row']} are both {what} but differ in {differ}; "
                "the map can hold only one of them, so both are left out",
                row=records[i]["_row"],
                column=key_cols[-1],
                suggestions=("delete one of the rows, or merge them into one",),
            )
            dropped.add(i)
    if not kept_both:
        for first, later in conflicts.items():
            others = ", ".join(str(records[j]["_row"]) for j in later)
            check.add(
                "conflicting-rows",
                f"row(s) {others} are also {_what(sheet, records[first])} with other values; "
                "the map can hold only one of them, so this row is left out too",
                row=records[first]["_row"],
                column=key_cols[-1],
                suggestions=("delete one of the rows, or merge them into one",),
            )
            dropped.add(first)
    for i, same, first in repeats:
        if first in conflicts and not kept_both:
            message = (
                f"this row repeats row {records[same]['_row']} in every column, and that row is left out "
                "(see its conflicting-rows issue), so this one is too"
            )
        else:
            message = f"this row repeats row {records[same]['_row']} in every column; it is kept once"
        check.add("duplicate-row", message, row=records[i]["_row"], column=key_cols[-1], severity=WARNING)
    keep = bytearray(b"\x01") * len(records)
    for i in dropped:
        keep[i] = 0
    if any(bad):
        for i in compress(range(len(records)), bad):
            keep[i] = 0
    return list(compress(records, keep))


# The columns a sheet's key compares loosely (case, spelling, an undirected tie's ends):
# rows equal by the key are not told apart by how those are written.
_KEY_COLUMNS = {
    "roles": {"partner_id", "role", "role_id"},
    "services": {
        "partner_id",
        "service",
        "service_id",
        "population",
        "population_id",
        "populations",
        "population_ids",
    },
    "needs": {"region", "population", "population_id"},
    "responses": {"partner_id"},
    "ties": {"source_id", "target_id", "kind", "reported_by"},
    "contacts": {"partner_id", "name"},
}


def _content(sheet: str, record: dict[str, Any]) -> tuple[Any, ...]:
    """A row's values outside its key (and its row number), to tell a repeat from a conflict."""
    skip = _KEY_COLUMNS.get(sheet, set())
    return tuple(
        (k, tuple(sorted(v.items())) if k == "extra" else v) for k, v in record.items() if k != "_row" and k not in skip
    )


def _differing(sheet: str, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The columns in which two rows with one key differ, by name."""
    skip = {"_row", "extra", *_KEY_COLUMNS.get(sheet, set())}
    names = [k for k in a if k not in skip and a.get(k) != b.get(k)]
    extra_a, extra_b = a.get("extra") or {}, b.get("extra") or {}
    names += [k for k in dict.fromkeys([*extra_a, *extra_b]) if extra_a.get(k) != extra_b.get(k)]
    return names


def _what(sheet: str, record: dict[str, Any]) -> str:
    """What a row's key names, for a person: 'the collaboration tie P1-P2'."""
    if sheet == "ties":
        arrow = "->" if record.get("directed") else "-"
        return f"the {record.get('kind') or 'collaboration'} tie {record['source_id']}{arrow}{record['target_id']}"
    if sheet == "roles":
        return f"role {record['role']!r} of partner {record['partner_id']}"
    if sheet == "services":
        population = f" for {record['population']!r}" if record.get("population") else ""
        return f"service {record['service']!r}{population} of partner {record['partner_id']}"
    if sheet == "needs":
        return f"the count of {record['population']!r} in region {record['region']!r}"
    if sheet == "contacts":
        # Not the name itself: issues are shown and shared, names are personal data.
        return f"one contact (same name) of partner {record['partner_id']}"
    return "one row"


def _row_keys(sheet: str, records: list[dict[str, Any]], values: dict[str, list[Any]], bad: bytearray) -> list[Any]:
    """What makes two rows of a sheet the same thing, row by row (None for rows with errors)."""
    if sheet == "ties":
        # The biggest sheet by far: built from the columns, not record by record.
        # Each side of a surveyed tie reports it on its own row (reported_by): two rows, not a repeat.
        columns = (values["source_id"], values["target_id"], values["directed"], values["kind"], values["reported_by"])
        return [((a, b) if d else frozenset((a, b)), k, r) for a, b, d, k, r in zip(*columns, strict=True)]
    return [None if bad[i] else _row_key(sheet, r) for i, r in enumerate(records)]


def _distinct_ties(values: dict[str, list[Any]], n: int) -> bool:
    """Whether the ``n`` rows of a ties sheet (its parsed columns, no cell missing an end)
    surely have ``n`` different :func:`_row_keys`.

    Told from the keys' hashes, without making the keys: an undirected tie's two ends in
    order instead of a frozenset (500,000 of them were 140 MB and half the time). Equal keys
    have equal hashes, so ``True`` is sure; ``False`` (a repeat, or two hashes that collide)
    leaves it to the keys themselves.

    >>> columns = {"source_id": ["A", "B"], "target_id": ["B", "A"], "directed": [False, False],
    ...            "kind": [None, None], "reported_by": [None, None]}
    >>> _distinct_ties(columns, 2), _distinct_ties({**columns, "directed": [True, False]}, 2)
    (False, True)
    """
    columns = (values["source_id"], values["target_id"], values["directed"], values["kind"], values["reported_by"])
    hashes = {
        hash((a, b, k, r, True) if d else (a, b, k, r, False) if a <= b else (b, a, k, r, False))
        for a, b, d, k, r in zip(*columns, strict=True)
    }
    return len(hashes) == n


def _row_key(sheet: str, record: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two rows of a sheet the same thing."""
    if sheet == "roles":
        return (record["partner_id"], record["role_id"])
    if sheet == "services":
        populations = tuple(
            pid or normalize(text)
            for text, pid in zip(record.get("populations") or (), record.get("population_ids") or (), strict=True)
        )
        return (record["partner_id"], normalize(record["service"]), frozenset(populations))
    if sheet == "needs":
        return (region_key(record["region"]), record.get("population_id") or normalize(record["population"]))
    if sheet == "ties":
        ends = (record["source_id"], record["target_id"])
        return (ends if record.get("directed") else frozenset(ends), record.get("kind"), record.get("reported_by"))
    if sheet == "contacts":
        return (record["partner_id"], normalize(record["name"]))
    if sheet == "responses":
        return (record["partner_id"],)
    return (record["id"],)


# What parsing one cell gives: the value, whether the cell is usable, the issues it raises
# as (code, message, suggestions, severity), and fields it adds to its record (role_id...).
_Parsed = tuple[Any, bool, tuple[tuple[str, str, tuple[str, ...], str], ...], dict[str, Any] | None]
# An agency type issue: (code, message, column, value, suggestions, severity).
_TypeIssue = tuple[str, str, str, Any, list[str], str]
_TEXT_OR_NONE = {str, type(None)}
# Agency types are matched once the level is known, services once per distinct text.
_TEXT_KINDS = ("text", "id", "ref", "agency_type", "service")


def _parse_column(roster: Roster, column: Column, cells: Sequence[Any]) -> tuple[list[Any], list[tuple[int, _Parsed]]]:
    """Parse a column: its values, and the cells that raised issues or add fields."""
    if column.kind in _TEXT_KINDS:
        # Text is the cell as a person sees it; blank is None.
        if set(map(type, cells)) == {str}:  # CSV cells: stripped at C speed
            values = list(map(str.strip, cells))
            return ([v or None for v in values] if "" in values else values), []
        return [(v.strip() or None) if v.__class__ is str else (None if v is None else cell_text(v)) for v in cells], []
    if set(map(type, cells)) <= _TEXT_OR_NONE:
        # CSV cells (and text-only Excel columns): parse each distinct value once, then
        # look the rest up at C speed.
        results = {value: _parse_value(roster, column, value) for value in dict.fromkeys(cells)}
        parsed = list(map({value: r[0] for value, r in results.items()}.__getitem__, cells))
        noted = {value for value, r in results.items() if not r[1] or r[2] or r[3]}
        return parsed, [(i, results[value]) for i, value in enumerate(cells) if value in noted] if noted else []
    memo: dict[Any, _Parsed] = {}
    parsed = []
    special: list[tuple[int, _Parsed]] = []
    for i, value in enumerate(cells):
        # True == 1 == 1.0 for a dict, but they are different cells: key non-text by type too.
        key = value if value.__class__ is str else (value.__class__, value)
        result = memo.get(key)
        if result is None:
            result = memo[key] = _parse_value(roster, column, value)
        parsed.append(result[0])
        if not result[1] or result[2] or result[3]:
            special.append((i, result))
    return parsed, special


def _parse_value(roster: Roster, column: Column, value: Any) -> _Parsed:
    """Parse one cell per its column kind (pure: the caller reports the issues)."""
    if is_blank(value):
        return None, True, (), None

    def problem(code: str, message: str, suggestions: tuple[str, ...] | list[str] = ()) -> _Parsed:
        return None, False, ((code, message, tuple(suggestions), ERROR),), None

    kind = column.kind
    if kind in _TEXT_KINDS:
        return cell_text(value), True, (), None
    if kind == "refs":
        parts = [p.strip() for p in cell_text(value).split(";")]
        ids = tuple(dict.fromkeys(p for p in parts if p))
        if len(ids) < len([p for p in parts if p]):
            message = (
                "a partner is listed twice among the parties; it is counted once"
                if column.name == "parties"
                else f"a partner is listed twice in {column.name!r}; it is counted once"
            )
            warning = ("duplicate-party", message, (), WARNING)
            return ids, True, (warning,), None
        return ids, True, (), None
    if kind == "list":
        return tuple(dict.fromkeys(p.strip() for p in cell_text(value).split(";") if p.strip())), True, (), None
    if kind == "populations":
        return _populations(roster, cell_text(value))
    if kind == "choice":
        text = cell_text(value)
        by_key = _choice_keys(tuple(column.choices))
        hit = by_key.get(normalize(text)) or by_key.get(normalize(_CHOICE_SYNONYMS.get(text.casefold(), "")))
        if hit:
            return hit, True, (), None
        close = difflib.get_close_matches(text.casefold(), [c.casefold() for c in column.choices], n=3, cutoff=0.4)
        names = {c.casefold(): c for c in column.choices}
        return problem(
            "invalid-choice",
            f"{text!r} is not one of: {', '.join(column.choices)}",
            [names[c] for c in close] or list(column.choices[:3]),
        )
    if kind in _PARSERS:
        result, issue = _PARSERS[kind](value)
        return (result, True, (), None) if issue is None else problem(*issue)
    if kind == "email":
        text = cell_text(value)
        if not _EMAIL.match(text):
            return text, True, (("invalid-email", f"{text!r} does not look like an email address", (), WARNING),), None
        return text, True, (), None
    if kind == "role":
        text = cell_text(value)
        role = roster.match_role(text)
        if role is None:
            return problem(
                "unknown-role",
                f"{text!r} is not a role of the {roster.name} role chart",
                roster.suggest_roles(text),
            )
        return text, True, (), {"role_id": role.id}
    if kind == "population":
        text = cell_text(value)
        population = roster.match_population(text)
        if population is None:
            warning = (
                "unknown-population",
                f"{text!r} is not a population the roster knows; it is kept, but no partner type is expected for it",
                tuple(roster.suggest_populations(text)),
                WARNING,
            )
            return text, True, (warning,), {"population_id": None}
        return text, True, (), {"population_id": population.id}
    raise ValueError(f"unknown column kind {kind!r}")  # a bug in model.py, not bad input


_PARSERS: dict[str, Callable[[Any], tuple[Any, Any]]] = {
    "date": parse_date,
    "amount": parse_amount,
    "strength": parse_strength,
    "score": parse_score,
    "bool": parse_bool,
    "count": parse_count,
}


def _populations(roster: Roster, text: str) -> _Parsed:
    """A cell naming one or more populations, separated by ``;``: each matched, unknown ones kept."""
    parts = tuple(dict.fromkeys(p.strip() for p in text.split(";") if p.strip()))
    ids = []
    issues = []
    for part in parts:
        population = roster.match_population(part)
        ids.append(population.id if population else None)
        if population is None:
            issues.append(
                (
                    "unknown-population",
                    f"{part!r} is not a population the roster knows; it is kept, but no partner type is "
                    "expected for it",
                    tuple(roster.suggest_populations(part)),
                    WARNING,
                )
            )
    fields = {
        "populations": parts,
        "population_ids": tuple(ids),
        "population_id": ids[0] if len(ids) == 1 else None,
    }
    return text, True, tuple(issues), fields


_OLD_SERVICE_COLUMNS = frozenset({"partner_id", "service", "population"})


def _resolve_services(
    check: _SheetCheck,
    taxonomy: ServiceTaxonomy,
    services: list[Any],
    row_numbers: list[int],
    derived: dict[int, dict[str, Any]],
    *,
    warn: bool = True,
) -> None:
    """Match each service against the taxonomy; one that matches nothing is kept as written.

    With ``warn`` (a sheet with the inventory's columns) such a row gets an ``unknown-service``
    warning with the closest names of the taxonomy.
    """
    memo: dict[str, Any] = {}
    for i, text in enumerate(services):
        if text is None:
            continue
        if text not in memo:
            memo[text] = taxonomy.match(text)
        found = memo[text]
        derived.setdefault(i, {})["service_id"] = found.id if found else None
        if found is None and warn:
            check.add(
                "unknown-service",
                f"{text!r} is not a service of the {taxonomy.name} list; it is kept as written, but the "
                "inventory cannot tell which service it is",
                row=row_numbers[i],
                column="service",
                value=text,
                suggestions=taxonomy.suggest(text),
                severity=WARNING,
            )


def _resolve_agency_types(
    check: _SheetCheck,
    roster: Roster,
    values: dict[str, list[Any]],
    row_numbers: list[int],
    bad: bytearray,
    derived: dict[int, dict[str, Any]],
) -> None:
    """Match each partner's agency type; the row's level settles level-neutral words."""
    memo: dict[tuple[str, str | None], tuple[Any, list[_TypeIssue]]] = {}
    for i, (text, level) in enumerate(zip(values["agency_type"], values["level"], strict=True)):
        if text is None:
            continue
        found = memo.get((text, level))
        if found is None:
            found = _agency_type(roster, text, level)
            if not any(issue[0] == "custom-agency-type" for issue in found[1]):
                # A custom type is announced once: the next row with it matches it silently.
                memo[text, level] = found
        atype, issues = found
        for code, message, column, value, suggestions, severity in issues:
            check.add(
                code,
                message,
                row=row_numbers[i],
                column=column,
                value=value,
                suggestions=suggestions,
                severity=severity,
            )
        if atype is None:
            bad[i] = 1
        else:
            derived.setdefault(i, {}).update(agency_type_id=atype.id, category_id=atype.category)


def _agency_type(roster: Roster, text: str, level: str | None) -> tuple[Any, list[_TypeIssue]]:
    """The agency type of a partner row and the issues it raises (registering a custom type if allowed)."""
    issues = []
    atype = roster.match_agency_type(text, level)
    if atype is None and roster.allow_custom_types:
        atype = roster.add_custom_type(text)
        issues.append(
            (
                "custom-agency-type",
                f"{text!r} is not in the {roster.name} roster; it is kept as a custom type in category Other",
                "agency_type",
                text,
                roster.suggest_agency_types(text),
                WARNING,
            )
        )
    if atype is None:
        message = f"{text!r} is not an agency type of the {roster.name} roster"
        return None, [("unknown-agency-type", message, "agency_type", text, roster.suggest_agency_types(text), ERROR)]
    if level and atype.level in ("state", "local"):
        partner_side = "state" if level in ("state", "national") else "local"
        if partner_side != atype.level:
            message = (
                f"a {level} partner has the {atype.level} agency type {atype.name!r}; check the level "
                "or the agency type"
            )
            issues.append(("level-mismatch", message, "level", level, [], WARNING))
    return atype, issues


def _report_special_cells(
    check: _SheetCheck,
    raw: RawSheet,
    known: dict[int, Column],
    extra: dict[int, str],
    row_numbers: list[int],
    bad: bytearray,
    failed: dict[str, set[int]],
) -> None:
    """Cells the reader found blank though they are not (a formula never computed, a merged cell).

    Each is an error at its column, whether the column is required, optional or unknown:
    its value is not in the file, and a row read without it would be a silent guess. The
    row is left out; a required column's cell is not reported as empty on top.
    """
    position = {number: i for i, number in enumerate(row_numbers)}
    for (row, col), (code, message, value, suggestions) in sorted(raw.special.items()):
        i = position.get(row)
        if col in known:
            column = known[col].name
        elif col in extra:
            column = extra[col]
        else:
            column = column_letter(col)
        check.add(code, message, row=row, column=column, value=value, suggestions=suggestions)
        if i is None:
            continue  # the header row: its blank cell leaves the column unnamed, which is reported too
        bad[i] = 1
        failed.setdefault(column, set()).add(i)


def region_key(text: str) -> str:
    """The key two spellings of one region share: :func:`netmap.build.slug`'s, which names its node.

    >>> region_key("North"), region_key("NORTH!"), region_key(" north ")
    ('north', 'north', 'north')
    """
    return slug(text)


def _merge_region_spellings(check: _SheetCheck, regions: list[Any], row_numbers: list[int]) -> None:
    """Each region as its first spelling, so the graph and every analysis count one region.

    The graph names a region's node by :func:`region_key`, so "North", "north" and
    "NORTH!" would be one node but, as partner attributes, three regions to the analyses.
    Each later spelling is reported once, at its first row, naming the spelling kept.
    """
    first: dict[str, tuple[str, int]] = {}  # key -> (spelling, row)
    reported: set[str] = set()
    for i, text in enumerate(regions):
        if text is None:
            continue
        key = region_key(text)
        kept = first.get(key)
        if kept is None:
            first[key] = (text, row_numbers[i])
            continue
        if kept[0] == text:
            continue
        regions[i] = kept[0]
        if text in reported:
            continue
        reported.add(text)
        check.add(
            "region-spelling",
            f"region {text!r} is read as {kept[0]!r} (first written so in row {kept[1]}): the two differ only "
            "in case, spaces or punctuation, so they are one region",
            row=row_numbers[i],
            column="region",
            value=text,
            suggestions=(kept[0],),
            severity=WARNING,
        )


def _check_date_order(
    check: _SheetCheck, sheet: str, values: dict[str, list[Any]], row_numbers: list[int], bad: bytearray
) -> None:
    first, last = ("signed", "expires") if sheet == "agreements" else ("start", "end")
    for i, (a, b) in enumerate(zip(values[first], values[last], strict=True)):
        if a is not None and b is not None and b < a:
            check.add(
                "date-order",
                f"{last} ({b.isoformat()}) is before {first} ({a.isoformat()})",
                row=row_numbers[i],
                column=last,
                value=b.isoformat(),
            )
            bad[i] = 1


# -- across sheets ----------------------------------------------------------------------

_REFERENCES = {
    "roles": ("partner_id",),
    "agreements": ("parties",),
    "funding": ("recipient_id", "funder_id"),
    "ties": ("source_id", "target_id", "reported_by"),
    "services": ("partner_id", "accepts_referrals_from", "refers_to"),
    "contacts": ("partner_id",),
    "responses": ("partner_id",),
}
# Columns holding several partner ids (a tuple) rather than one.
_MULTI = {"parties", "accepts_referrals_from", "refers_to"}


def _check_references(tables: Tables, raw: RawWorkbook, rejected: dict[str, list[dict[str, Any]]]) -> None:
    if "partners" not in raw.sheets:
        return
    # A partner row that failed validation still defines its id: references to it are
    # not dangling, and reporting them would bury the real error under echoes.
    partner_sheet = raw.sheets["partners"]
    id_index = next((i for i, h in enumerate(partner_sheet.header) if header_key(h) == "id"), None)
    if id_index is None:
        return  # without ids nothing can be referenced; missing-column says so once
    valid = {p["id"] for p in tables["partners"]}

    @functools.cache
    def defined() -> set[str]:
        return {cell_text(v) for v in partner_sheet.columns()[id_index] if not is_blank(v)}

    @functools.cache
    def partner_rows() -> dict[str, int]:
        """The first row of each partner id written in the partners sheet."""
        rows: dict[str, int] = {}
        for number, v in zip(partner_sheet.row_numbers(), partner_sheet.columns()[id_index], strict=True):
            if not is_blank(v):
                rows.setdefault(cell_text(v), number)
        return rows

    @functools.cache
    def by_norm() -> dict[str, list[str]]:
        ids: dict[str, list[str]] = {}
        for pid in defined():
            ids.setdefault(pid.casefold().replace(" ", ""), []).append(pid)
        return ids

    for sheet, columns in _REFERENCES.items():
        if sheet not in tables._records:
            continue
        check = _SheetCheck(tables, raw.sheets[sheet])
        if not rejected.get(sheet) and sheet != "agreements":
            # The common case, checked at C speed: every reference of every clean row is
            # to a valid partner, so every row is kept as it is.
            referenced: set[Any] = set()
            for column in columns:
                if column in _MULTI:
                    for ids in tables.column(sheet, column):
                        referenced.update(ids or ())
                else:
                    referenced.update(tables.column(sheet, column))
            referenced.discard(None)
            if referenced <= valid:
                continue
        records = tables[sheet]
        kept = []
        clean = {id(r) for r in records}
        for record in sorted([*records, *rejected.get(sheet, [])], key=lambda r: r["_row"]):
            ok = id(record) in clean
            for column in columns:
                value = record.get(column)
                ids = value if isinstance(value, tuple) else (value,) if value is not None else ()
                for pid in ids:
                    if pid in valid:
                        continue
                    if pid in defined():
                        # That partner's own row has an error; this row is left out with it,
                        # and says so (once: its other references are reported as they are).
                        if ok:
                            check.add(
                                "refers-to-rejected-partner",
                                f"partner {pid!r} has an error in its own row (partners row "
                                f"{partner_rows()[pid]}); this row is left out until that row is fixed",
                                row=record["_row"],
                                column=column,
                                value=pid,
                            )
                        ok = False
                        continue
                    ok = False
                    close = by_norm().get(pid.casefold().replace(" ", "")) or difflib.get_close_matches(
                        pid, sorted(defined()), n=3, cutoff=0.6
                    )
                    hint = " (separate partner ids with ';')" if column == "parties" and "," in pid else ""
                    check.add(
                        "unknown-reference",
                        f"{pid!r} is not the id of any partner in the partners sheet{hint}",
                        row=record["_row"],
                        column=column,
                        value=pid,
                        suggestions=close,
                    )
            if sheet == "agreements" and ok and len(record["parties"]) < 2:
                check.add(
                    "too-few-parties",
                    "an agreement lists fewer than two parties; it is kept but ties no partners together",
                    row=record["_row"],
                    column="parties",
                    value=";".join(record["parties"]),
                    severity=WARNING,
                )
            if ok:
                kept.append(record)
        tables._records[sheet] = kept


def _check_awards(tables: Tables, raw: RawWorkbook, rejected: dict[str, list[dict[str, Any]]]) -> None:
    """A service's ``funding_id`` must be the id of an award in the funding sheet."""
    if "services" not in raw.sheets:
        return
    records = tables._records.get("services", [])
    if not any(r.get("funding_id") for r in [*records, *rejected.get("services", [])]):
        return
    funding = raw.sheets.get("funding")
    awards: set[str] = set()
    if funding is not None:
        # Rejected award rows count: their own error is reported, this row needs no echo of it.
        index = next((i for i, h in enumerate(funding.header) if header_key(h) == "id"), None)
        if index is not None:
            awards = {cell_text(v) for v in funding.columns()[index] if not is_blank(v)}
    check = _SheetCheck(tables, raw.sheets["services"])
    bad: set[int] = set()
    for record in sorted([*records, *rejected.get("services", [])], key=lambda r: r["_row"]):
        award = record.get("funding_id")
        if award is None or award in awards:
            continue
        where = "the funding sheet" if funding is not None else "a funding sheet (the workbook has none)"
        check.add(
            "unknown-award",
            f"{award!r} is not the id of an award in {where}",
            row=record["_row"],
            column="funding_id",
            value=award,
            suggestions=difflib.get_close_matches(award, sorted(awards), n=3, cutoff=0.6),
        )
        bad.add(id(record))
    if bad:
        tables._records["services"] = [r for r in records if id(r) not in bad]


def _align_regions(tables: Tables, raw: RawWorkbook) -> None:
    """Services and needs rows name a partner region as the partners sheet spells it.

    "north" on a needs row and "North" in the partners sheet are one region (as two spellings
    in the partners sheet are, see :func:`_merge_region_spellings`): the row takes the partners'
    spelling, so every analysis compares regions as equal text; each other spelling is a
    ``region-spelling`` warning once per sheet, at its first row.
    """
    spelling: dict[str, str] = {}
    for p in tables["partners"]:
        if p.get("region"):
            spelling.setdefault(region_key(p["region"]), p["region"])
    if not spelling:
        return
    for sheet in ("services", "needs"):
        if sheet not in raw.sheets:
            continue
        check = _SheetCheck(tables, raw.sheets[sheet])
        reported: set[str] = set()
        for record in tables._records.get(sheet, []):
            text = record.get("region")
            kept = spelling.get(region_key(text)) if text else None
            if kept is None or kept == text:
                continue
            record["region"] = kept
            if text in reported:
                continue
            reported.add(text)
            check.add(
                "region-spelling",
                f"region {text!r} is read as {kept!r}, as the partners sheet writes it: the two differ only in "
                "case, spaces or punctuation, so they are one region",
                row=record["_row"],
                column="region",
                value=text,
                suggestions=(kept,),
                severity=WARNING,
            )


def _check_need_regions(tables: Tables, raw: RawWorkbook) -> None:
    """A needs row for a region no partner (and no service) is in: kept, with a warning."""
    needs = tables._records.get("needs")
    if not needs:
        return
    known = {region_key(p["region"]) for p in tables["partners"] if p.get("region")}
    known |= {region_key(s["region"]) for s in tables["services"] if s.get("region")}
    names = sorted({p["region"] for p in tables["partners"] if p.get("region")})
    check = _SheetCheck(tables, raw.sheets["needs"])
    for record in needs:
        region = record["region"]
        if region_key(region) in known:
            continue
        check.add(
            "unknown-region",
            f"no partner or service is in region {region!r}; the count is kept, but no provider there "
            "can be set against it",
            row=record["_row"],
            column="region",
            value=region,
            suggestions=difflib.get_close_matches(region, names, n=3, cutoff=0.5),
            severity=WARNING,
        )
