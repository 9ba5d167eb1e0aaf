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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netmap.errors import ERROR, WARNING, Issue
from netmap.ingest.cells import cell_text, is_blank, parse_amount, parse_bool, parse_date, parse_strength
from netmap.ingest.workbook import RawSheet, RawWorkbook, column_letter, snippet
from netmap.model import SHEETS, Column, Sheet
from netmap.roster import Roster, load_roster
from netmap.roster import normalize as _normalize

# Cells repeat (the same agency type, level, region on thousands of rows): normalise each
# distinct text once.
normalize = functools.lru_cache(maxsize=1 << 16)(_normalize)


@functools.lru_cache(maxsize=256)
def _choice_keys(choices: tuple[str, ...]) -> dict[str, str]:
    return {normalize(c): c for c in choices}


__all__ = ["Tables", "validate"]

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# Words people write for a choice instead of the canonical value.
_CHOICE_SYNONYMS = {
    "memorandum of understanding": "MOU",
    "memorandum of agreement": "MOA",
    "articulation agreement": "articulation",
    "data sharing agreement": "data-sharing",
    "dsa": "data-sharing",
    "inactive": "former",
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
    ``agency_type_id``; roles ``role_id``; services ``population_id``; agreements
    ``parties`` as a tuple of partner ids.
    """

    source: str
    roster: Roster
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    extra_sheets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    # Column headers of each sheet as written (known and unknown), so a workbook can be
    # written back out with its own columns in their own order.
    columns: dict[str, list[str]] = field(default_factory=dict)
    # The map these tables were read from, when they come from the database.
    map_id: str | None = None

    def __getitem__(self, sheet: str) -> list[dict[str, Any]]:
        return self.records.get(sheet, [])

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
        return {name: len(self.records.get(name, [])) for name in SHEETS}

    def frame(self, sheet: str):
        """One sheet as a pandas DataFrame, extra columns included (pandas imported on demand)."""
        import pandas as pd

        columns = ["_row", *(c.name for c in SHEETS[sheet].columns)] if sheet in SHEETS else ["_row"]
        rows = [{k: v for k, v in r.items() if k != "extra"} | r.get("extra", {}) for r in self[sheet]]
        frame = pd.DataFrame(rows, dtype=object)
        return frame if rows else pd.DataFrame(columns=columns, dtype=object)


def header_key(name: str) -> str:
    """Column names are case-insensitive; spaces and hyphens count as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


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


def validate(raw: RawWorkbook, roster: Roster | None = None) -> Tables:
    """Check every cell of every sheet; return clean records and all issues.

    Parameters
    ----------
    raw : RawWorkbook
        What :func:`~netmap.ingest.workbook.read_workbook_raw` read.
    roster : Roster, optional
        Reference roster for agency types, roles and populations (default
        ``career-pathways``).

    Returns
    -------
    Tables
        ``tables.ok`` is True when no issue is an error.
    """
    roster = roster or load_roster()
    tables = Tables(raw.source, roster, issues=list(raw.issues))
    if any(i.is_error and i.row is None and i.sheet is None for i in raw.issues):
        return tables  # the file itself could not be read

    rejected: dict[str, list[dict[str, Any]]] = {}
    for name, sheet in raw.sheets.items():
        tables.files[name] = sheet.file
        tables.rows_read[name] = len(sheet.rows)
        tables.columns[name] = [h for h in sheet.header if h]
        if name in SHEETS:
            tables.records[name] = _check_sheet(tables, sheet, SHEETS[name], rejected.setdefault(name, []))
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
    tables.issues = sorted(tables.issues, key=_issue_order)
    return tables


def _issue_order(issue: Issue) -> tuple[int, int, int]:
    """Workbook order: file problems first, then sheet by sheet, row by row, left to right."""
    sheet = list(SHEETS).index(issue.sheet) if issue.sheet in SHEETS else len(SHEETS)
    columns = [c.name for c in SHEETS[issue.sheet].columns] if issue.sheet in SHEETS else []
    column = columns.index(issue.column) if issue.column in columns else len(columns)
    return (sheet if issue.sheet else -1, issue.row or 0, column)


# -- one sheet --------------------------------------------------------------------------


def _check_sheet(tables: Tables, raw: RawSheet, spec: Sheet, rejected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clean records of one sheet; rows with errors go to ``rejected`` (still checked for references)."""
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

    records: list[dict[str, Any]] = []
    first_row_of: dict[Any, int] = {}
    key_cols = spec.key
    for raw_row in raw.rows:
        record: dict[str, Any] = {"_row": raw_row.row, "extra": {}}
        bad = False
        for index, value in enumerate(raw_row.cells):
            if index in known:
                column = known[index]
                parsed, ok = _parse_cell(check, tables.roster, column, value, raw_row.row, record)
                record[column.name] = parsed
                if not ok:
                    bad = True
                    record.setdefault("_failed", set()).add(column.name)
            elif index in extra and not is_blank(value):
                record["extra"][extra[index]] = cell_text(value)
            elif index < len(raw.header) and not raw.header[index] and not is_blank(value):
                check.add(
                    "unnamed-column",
                    f"a value sits in column {column_letter(index)}, which has no header",
                    row=raw_row.row,
                    column=column_letter(index),
                    value=value,
                    suggestions=("give the column a header, or delete the value",),
                )
        for column in spec.columns:
            record.setdefault(column.name, None)
        if spec.name == "partners" and record["agency_type"] is not None:
            bad |= not _resolve_agency_type(check, tables.roster, record)
        failed = record.pop("_failed", set())
        for name in spec.required_columns:
            if record[name] is None and name not in failed:
                check.add(
                    "empty-required",
                    f"the required cell {name!r} is empty",
                    row=raw_row.row,
                    column=name,
                )
                bad = True
        if spec.name in ("agreements", "funding"):
            bad |= not _check_date_order(check, spec.name, record)
        if spec.name == "ties" and record["source_id"] is not None and record["source_id"] == record["target_id"]:
            check.add(
                "self-tie",
                f"partner {record['source_id']!r} is tied to itself; a tie needs two different partners",
                row=raw_row.row,
                column="target_id",
                value=record["target_id"],
            )
            bad = True
        # Ids must be unique, whatever else is wrong with the row.
        if key_cols == ("id",) and record["id"] is not None:
            if record["id"] in first_row_of:
                check.add(
                    "duplicate-id",
                    f"id {record['id']!r} is already used in row {first_row_of[record['id']]}; ids must be unique",
                    row=raw_row.row,
                    column="id",
                    value=record["id"],
                )
                bad = True
            else:
                first_row_of[record["id"]] = raw_row.row
        if bad:
            rejected.append(record)
            continue
        if key_cols != ("id",):
            key = _row_key(spec.name, record)
            if key in first_row_of:
                check.add(
                    "duplicate-row",
                    f"this row repeats row {first_row_of[key]} ({', '.join(key_cols)}); it is kept once",
                    row=raw_row.row,
                    column=key_cols[-1],
                    severity=WARNING,
                )
                continue
            first_row_of[key] = raw_row.row
        records.append(record)
    return records


def _row_key(sheet: str, record: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two rows of a sheet the same thing."""
    if sheet == "roles":
        return (record["partner_id"], record["role_id"])
    if sheet == "services":
        return (record["partner_id"], normalize(record["service"]), record.get("population_id") or record["population"])
    if sheet == "ties":
        ends = (record["source_id"], record["target_id"])
        return (ends if record.get("directed") else frozenset(ends), record.get("kind"))
    if sheet == "contacts":
        return (record["partner_id"], normalize(record["name"]))
    return (record["id"],)


def _parse_cell(
    check: _SheetCheck, roster: Roster, column: Column, value: Any, row: int, record: dict[str, Any]
) -> tuple[Any, bool]:
    """Parse one cell per its column kind; report a problem at (row, column)."""
    if is_blank(value):
        return None, True

    def problem(code: str, message: str, suggestions: tuple[str, ...] | list[str] = ()) -> tuple[None, bool]:
        check.add(code, message, row=row, column=column.name, value=value, suggestions=suggestions)
        return None, False

    kind = column.kind
    if kind in ("text", "id", "ref"):
        return cell_text(value), True
    if kind == "refs":
        parts = [p.strip() for p in cell_text(value).split(";")]
        ids = tuple(dict.fromkeys(p for p in parts if p))
        if len(ids) < len([p for p in parts if p]):
            check.add(
                "duplicate-party",
                "a partner is listed twice among the parties; it is counted once",
                row=row,
                column=column.name,
                value=value,
                severity=WARNING,
            )
        return ids, True
    if kind == "choice":
        text = cell_text(value)
        by_key = _choice_keys(tuple(column.choices))
        hit = by_key.get(normalize(text)) or by_key.get(normalize(_CHOICE_SYNONYMS.get(text.casefold(), "")))
        if hit:
            return hit, True
        close = difflib.get_close_matches(text.casefold(), [c.casefold() for c in column.choices], n=3, cutoff=0.4)
        names = {c.casefold(): c for c in column.choices}
        return problem(
            "invalid-choice",
            f"{text!r} is not one of: {', '.join(column.choices)}",
            [names[c] for c in close] or list(column.choices[:3]),
        )
    if kind == "date":
        return _from(parse_date(value), problem)
    if kind == "amount":
        return _from(parse_amount(value), problem)
    if kind == "strength":
        return _from(parse_strength(value), problem)
    if kind == "bool":
        return _from(parse_bool(value), problem)
    if kind == "email":
        text = cell_text(value)
        if not _EMAIL.match(text):
            check.add(
                "invalid-email",
                f"{text!r} does not look like an email address",
                row=row,
                column=column.name,
                value=value,
                severity=WARNING,
            )
        return text, True
    if kind == "agency_type":
        return cell_text(value), True  # matched in _resolve_agency_types, once the level is known
    if kind == "role":
        text = cell_text(value)
        role = roster.match_role(text)
        if role is None:
            return problem(
                "unknown-role",
                f"{text!r} is not a role of the {roster.name} role chart",
                roster.suggest_roles(text),
            )
        record["role_id"] = role.id
        return text, True
    if kind == "population":
        text = cell_text(value)
        population = roster.match_population(text)
        if population is None:
            check.add(
                "unknown-population",
                f"{text!r} is not a population the roster knows; it is kept, but no partner type is expected for it",
                row=row,
                column=column.name,
                value=value,
                suggestions=roster.suggest_populations(text),
                severity=WARNING,
            )
            record["population_id"] = None
        else:
            record["population_id"] = population.id
        return text, True
    raise ValueError(f"unknown column kind {kind!r}")  # a bug in model.py, not bad input


def _from(result: tuple[Any, Any], problem: Callable[..., tuple[None, bool]]) -> tuple[Any, bool]:
    value, issue = result
    if issue is None:
        return value, True
    code, message, suggestions = issue
    return problem(code, message, suggestions)


def _resolve_agency_type(check: _SheetCheck, roster: Roster, record: dict[str, Any]) -> bool:
    """Match a partner's agency type; the row's level settles level-neutral words."""
    text = record["agency_type"]
    atype = roster.match_agency_type(text, record.get("level"))
    if atype is None and roster.allow_custom_types:
        atype = roster.add_custom_type(text)
        check.add(
            "custom-agency-type",
            f"{text!r} is not in the {roster.name} roster; it is kept as a custom type in category Other",
            row=record["_row"],
            column="agency_type",
            value=text,
            suggestions=roster.suggest_agency_types(text),
            severity=WARNING,
        )
    if atype is None:
        check.add(
            "unknown-agency-type",
            f"{text!r} is not an agency type of the {roster.name} roster",
            row=record["_row"],
            column="agency_type",
            value=text,
            suggestions=roster.suggest_agency_types(text),
        )
        return False
    level = record.get("level")
    if level and atype.level in ("state", "local"):
        partner_side = "state" if level in ("state", "national") else "local"
        if partner_side != atype.level:
            check.add(
                "level-mismatch",
                f"a {level} partner has the {atype.level} agency type {atype.name!r}; check the level "
                "or the agency type",
                row=record["_row"],
                column="level",
                value=level,
                severity=WARNING,
            )
    record["agency_type_id"] = atype.id
    record["category_id"] = atype.category
    return True


def _check_date_order(check: _SheetCheck, sheet: str, record: dict[str, Any]) -> bool:
    first, last = ("signed", "expires") if sheet == "agreements" else ("start", "end")
    a, b = record.get(first), record.get(last)
    if a is not None and b is not None and b < a:
        check.add(
            "date-order",
            f"{last} ({b.isoformat()}) is before {first} ({a.isoformat()})",
            row=record["_row"],
            column=last,
            value=b.isoformat(),
        )
        return False
    return True


# -- across sheets ----------------------------------------------------------------------

_REFERENCES = {
    "roles": ("partner_id",),
    "agreements": ("parties",),
    "funding": ("recipient_id", "funder_id"),
    "ties": ("source_id", "target_id"),
    "services": ("partner_id",),
    "contacts": ("partner_id",),
}


def _check_references(tables: Tables, raw: RawWorkbook, rejected: dict[str, list[dict[str, Any]]]) -> None:
    if "partners" not in raw.sheets:
        return
    # A partner row that failed validation still defines its id: references to it are
    # not dangling, and reporting them would bury the real error under echoes.
    partner_sheet = raw.sheets["partners"]
    id_index = next((i for i, h in enumerate(partner_sheet.header) if header_key(h) == "id"), None)
    if id_index is None:
        return  # without ids nothing can be referenced; missing-column says so once
    defined: set[str] = set()
    if id_index is not None:
        for r in partner_sheet.rows:
            if id_index < len(r.cells) and not is_blank(r.cells[id_index]):
                defined.add(cell_text(r.cells[id_index]))
    valid = {p["id"] for p in tables["partners"]}
    by_norm: dict[str, list[str]] = {}
    for pid in defined:
        by_norm.setdefault(pid.casefold().replace(" ", ""), []).append(pid)

    for sheet, columns in _REFERENCES.items():
        if sheet not in tables.records:
            continue
        check = _SheetCheck(tables, raw.sheets[sheet])
        kept = []
        clean = {id(r) for r in tables.records[sheet]}
        for record in sorted([*tables.records[sheet], *rejected.get(sheet, [])], key=lambda r: r["_row"]):
            ok = id(record) in clean
            for column in columns:
                value = record.get(column)
                ids = value if isinstance(value, tuple) else (value,) if value is not None else ()
                for pid in ids:
                    if pid in valid:
                        continue
                    ok = False
                    if pid in defined:
                        continue  # that partner's own row has an error already
                    close = by_norm.get(pid.casefold().replace(" ", "")) or difflib.get_close_matches(
                        pid, sorted(defined), n=3, cutoff=0.6
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
        tables.records[sheet] = kept
