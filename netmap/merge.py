"""Merge several netmap workbooks into one: returned partner forms, regional workbooks.

:func:`merge_workbooks` reads and validates every input (anything
:func:`netmap.read_workbook` reads: ``.xlsx`` workbooks, CSV folders, and the partner forms
once their readers are in) and combines their sheets; :func:`write_merged` writes the result
as one ``.xlsx`` workbook or one CSV folder. Nothing is dropped silently: each input row is
in the output, or an issue names it (its file, sheet and row).

The rules, in the order they are applied:

1. **Canonical order.** The inputs are sorted by file or folder name, then by a hash of
   their content, so the same inputs given in any order merge to the same bytes. "The first
   input" below always means the first in that order.
2. **Id collisions.** The same partner id in two inputs for different organisations (the
   name and agency type differ after normalising case, spaces and punctuation) is kept by
   the first input; in each later input naming another organisation, the id becomes
   ``<input stem>/<id>`` (``-2``, ``-3``... if an input already uses that id) and every
   reference to it in that input is rewritten (``merge-id-collision``). Agreement and
   funding award ids likewise (each region numbers its own from 1), after the partners'
   renames and ``same``: a later row with a value that differs from the first row's in any
   column is another agreement or award; one that only fills blanks is the same. A
   service's ``funding_id`` follows its award.
3. **One organisation under two ids** (same normalised name and agency type) is reported
   with the ``--same A=B`` that would merge them (``merge-same-organisation``); given
   ``same=[("A", "B")]``, B's rows are renamed to A everywhere.
4. **Region from the file name** (``region_from_file``): in an input whose partners have
   no region at all, every partner but the state and national ones gets the input's stem as its
   region, words split at ``-`` and ``_`` and an all-lower-case word capitalised:
   ``pima-county.xlsx`` gives "Pima County", ``NW_oregon`` gives "NW Oregon".
5. **Union by row key** (the key the validator uses for each sheet: a partner's id, a
   role's partner and role, a tie's ends, kind and reporter, ...). Rows equal in every
   column are kept once (``merge-duplicate-row``); a later row about the same thing fills
   the blanks of the first (``merge-combined-row``); a value that differs from the first
   input's is reported with both values, the first kept (``merge-conflict``).
6. **Reciprocity.** Among ties with ``reported_by``, a pair named by both its partners is
   confirmed, by one unconfirmed; answers of the two sides that differ (kind, frequency, a
   score) are listed in the report; both rows stay.
7. **Response.** Who answered (the ``responses`` rows, else the reporters of ties) and
   which active partners did not, by region and by category.

Examples
--------
>>> import netmap, tempfile
>>> from netmap.merge import merge_workbooks, write_merged
>>> result = merge_workbooks(["examples/tucson-behavioral-health"])
>>> result.to_dict()["partners"], result.rows_out == result.rows_read - len(result.left_out)
(15, True)
>>> out = write_merged(result, tempfile.mkdtemp() + "/merged")
>>> len(netmap.read_workbook(out.folder)["partners"])
15
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netmap.errors import WARNING, Issue, UsageError
from netmap.model import SCORES, SHEET_ORDER, SHEETS, header_key
from netmap.roster import Roster, load_roster, normalize

__all__ = ["MergeResult", "merge_workbooks", "write_merged"]

# Statuses of the partners expected to answer (blank counts as active, as in the analyses).
_ACTIVE = (None, "", "active")
# The answers of a surveyed tie compared between its two sides.
_ANSWERS = ("kind", "frequency", *SCORES)
# The fixed time stamp of a written .xlsx (and of its zip entries): the same merge, the same bytes.
_EPOCH = dt.datetime(2000, 1, 1)


@dataclass
class _Row:
    """One input row kept by the validator: its text cells and its validated record."""

    order: int  # the input's place in the canonical order
    file: str  # the input as given (issues name it)
    sheet: str
    row: int
    values: dict[str, str]  # column key (header_key for netmap columns, title for others) -> text
    record: dict[str, Any]
    # A row a returned form hands back as the map had it (the other partners it lists, the
    # agreements, funding and services it showed): reference, not the respondent's answer.
    listing: bool = False
    # Where a form's row was answered: (the form's sheet title, its row), for messages.
    origin: tuple[str, int] | None = None


@dataclass
class _Input:
    path: Path
    label: str
    stem: str
    digest: str
    rows: dict[str, list[_Row]] = field(default_factory=dict)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> key -> title as written
    rows_read: int = 0
    errors: int = 0
    warnings: int = 0
    rename: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> id -> new id
    respondent: str | None = None  # a returned form's respondent (None: a workbook)


@dataclass
class MergeResult:
    """What :func:`merge_workbooks` made: the merged sheets, the issues and the report.

    Attributes
    ----------
    sheets : dict
        Sheet name -> (header, rows), every cell text, rows in canonical order; netmap's
        sheets in workbook order, then the inputs' other sheets.
    issues : list of Issue
        Every input's own issues and the merge's, each naming its input file.
    left_out : list of (file, sheet, row, code)
        The input rows not in the output, each with the code of the issue that names it.
    rows_read, rows_out : int
        Rows of netmap sheets read from all inputs; rows written.
    report : dict
        The rest of :meth:`to_dict` (partners, collisions, suggestions, ties, response).
    """

    sheets: dict[str, tuple[list[str], list[list[str]]]]
    issues: list[Issue]
    left_out: list[tuple[str, str, int, str]]
    rows_read: int
    rows_out: int
    inputs: list[dict[str, Any]]
    report: dict[str, Any]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict with stable keys."""
        return {
            "inputs": self.inputs,
            "rows": {"read": self.rows_read, "written": self.rows_out, "left_out": len(self.left_out)},
            **self.report,
            "errors": len(self.errors),
            "warnings": len(self.issues) - len(self.errors),
            "issues": [i.to_dict() for i in self.issues],
        }


# --- reading -------------------------------------------------------------------------


def _digest(path: Path) -> str:
    """A hash of the input's content (a folder: its files' names and bytes), for the canonical order."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in files:
        h.update(p.relative_to(path).as_posix().encode() if path.is_dir() else b"")
        h.update(p.read_bytes())
    return h.hexdigest()


def _text(value: Any) -> str:
    from netmap.sheets import cell

    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return cell(value).strip()


def _read(path: Path, label: str, roster: Roster, issues: list[Issue]) -> tuple[_Input, Any]:
    from netmap.ingest.form import fold_form, form_respondent
    from netmap.ingest.hsds import is_hsds
    from netmap.ingest.validate import validate
    from netmap.ingest.workbook import read_workbook_raw
    from netmap.ingest.worksheet import fold_worksheets

    if is_hsds(path):
        # Its rows are not laid out as netmap's sheets: they become so through the HSDS reader.
        raise UsageError(
            f"{label} is an HSDS package: write it as a netmap workbook first "
            f"(netmap export {label} --format workbook -o DIR), then merge that"
        )
    # A returned form (xlsx or .json answers) and a session worksheet become netmap's sheets
    # here, before validation (which folds them too, idempotently): the rows kept below are
    # read from these sheets, matched to the validator's records by row number.
    first = read_workbook_raw(path)
    raw = fold_worksheets(fold_form(first))
    tables = validate(raw, roster)
    name = path.name[: -len(path.suffix)] if path.is_file() and path.suffix else path.name
    src = _Input(path, label, name, _digest(path))
    if form_respondent(first) is not None or first.kind == "json":
        responses = raw.sheets.get("responses")
        if responses is not None and len(responses.rows) == 1 and responses.rows[0].cells:
            src.respondent = _text(responses.rows[0].cells[0]) or None
    for issue in tables.issues:
        issues.append(issue if issue.file else _with_file(issue, label))
    src.errors, src.warnings = len(tables.errors), len(tables.warnings)
    src.rows_read = sum(counts["read"] for counts in tables.row_counts().values())
    return src, (raw, tables)


def _with_file(issue: Issue, file: str) -> Issue:
    from dataclasses import replace

    return replace(issue, file=file)


def _keep_rows(src: _Input, raw: Any, tables: Any, order: int) -> None:
    """The rows the validator kept, as text cells keyed by column, with their records."""
    for sheet in SHEET_ORDER:
        records = tables.records.get(sheet) or []
        rsheet = raw.sheets.get(sheet)
        if rsheet is None or not records:
            continue
        by_row = {r["_row"]: r for r in records}
        keys = []
        titles: dict[str, str] = {}
        for title in rsheet.header:
            key = header_key(str(title)) if title is not None else ""
            key = key if SHEETS[sheet].column(key) is not None else str(title or "").strip()
            keys.append(key)
            if key:
                titles.setdefault(key, str(title).strip())
        src.titles[sheet] = titles
        rows = []
        for raw_row in rsheet.rows:
            record = by_row.get(raw_row.row)
            if record is None:
                continue
            values = {}
            for key, value in zip(keys, raw_row.cells, strict=False):
                if key and key not in values:
                    values[key] = _text(value)
            # A form's answers are its ties and responses rows and the respondent's own row.
            listing = (
                src.respondent is not None
                and sheet not in ("ties", "responses")
                and not (sheet == "partners" and values.get("id") == src.respondent)
            )
            where = rsheet.origin.get(raw_row.row)
            origin = (where[0], where[1]) if where else None
            rows.append(_Row(order, src.label, sheet, raw_row.row, values, dict(record), listing, origin))
        src.rows[sheet] = rows


# --- renaming --------------------------------------------------------------------------

# The columns holding partner ids, per sheet (the partners' own id included).
_REF_COLUMNS = {
    sheet: tuple(c.name for c in spec.columns if c.kind in ("ref", "refs") or (sheet == "partners" and c.name == "id"))
    for sheet, spec in SHEETS.items()
}
# Record fields the validator splits into tuples.
_TUPLE_FIELDS = ("parties", "refers_to", "accepts_referrals_from")


@dataclass(frozen=True)
class _IdSpace:
    """One kind of id the inputs each number on their own: the sheet whose ``id`` column holds
    them, the columns of every sheet that refer to them, and what one id names (for messages)."""

    sheet: str
    refs: dict[str, tuple[str, ...]]
    noun: str
    name: str  # the column that names one (the report's "name")


# Partners, agreements and funding awards: each region numbers its own from 1 (P1, A01, F01).
# No column refers to an agreement id; a service's funding_id refers to an award.
_ID_SPACES = (
    _IdSpace("partners", {sheet: cols for sheet, cols in _REF_COLUMNS.items() if cols}, "organisation", "name"),
    _IdSpace("agreements", {"agreements": ("id",)}, "agreement", "title"),
    _IdSpace("funding", {"funding": ("id",), "services": ("funding_id",)}, "funding award", "stream"),
)


def _rename_row(row: _Row, rename: dict[str, str], refs: dict[str, tuple[str, ...]] | None = None) -> None:
    """Rewrite the ids ``rename`` maps in the row's columns that hold them (``refs``: partner ids)."""
    if not rename:
        return
    for column in (_REF_COLUMNS if refs is None else refs).get(row.sheet, ()):
        text = row.values.get(column)
        if text:
            parts = [p.strip() for p in text.split(";")]
            row.values[column] = ";".join(rename.get(p, p) for p in parts)
        value = row.record.get(column)
        if isinstance(value, str):
            row.record[column] = rename.get(value, value)
        elif isinstance(value, (tuple, list)):
            row.record[column] = tuple(rename.get(v, v) for v in value)


def _free_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, else ``wanted-2``, ``wanted-3``...: the first no input uses.

    >>> _free_id("south/P1", {"south/P1", "south/P1-2"})
    'south/P1-3'
    """
    new, n = wanted, 1
    while new in taken:
        n += 1
        new = f"{wanted}-{n}"
    return new


def _one_thing(space: _IdSpace, first: _Row, row: _Row) -> bool:
    """Whether two rows with one id name one thing: for a partner, one organisation (name and
    agency type); for an agreement or award, no column where both have a value and they differ
    (as :func:`_union` compares them), so a row that only fills blanks is the same one."""
    if space.sheet == "partners":
        return _org_key(first) == _org_key(row)
    return all(
        column == "id"
        or not first.values.get(column)
        or not row.values.get(column)
        or _same_value(space.sheet, column, first, row)
        for column in set(first.values) | set(row.values)
    )


def _describe(space: _IdSpace, row: _Row) -> str:
    """What a row names, for a message: a partner's name, an agreement's title, an award's stream."""
    if space.sheet == "partners":
        return repr(row.values.get("name"))
    if space.sheet == "funding":
        return f"{row.values.get('stream')!r} to {row.values.get('recipient_id')}"
    return repr(row.values.get("title") or row.values.get("parties"))


def _namespace(space: _IdSpace, inputs: list[_Input], issues: list[Issue]) -> list[dict[str, Any]]:
    """Give each later input's id that names another thing than the first input's its own id.

    The first row (canonical order) keeps the id; a later row about the same thing (see
    :func:`_one_thing`, compared with the first row as the rows before it filled its blanks)
    keeps it too, for :func:`_union` to combine. Any other later row's id becomes
    ``<stem>/<id>`` (``-2``, ``-3``... when an input already uses that) in its input, every
    reference to it there rewritten (``merge-id-collision``). Returns the collisions.
    """
    holders: dict[str, list[tuple[_Input, _Row]]] = defaultdict(list)
    for src in inputs:
        for row in src.rows.get(space.sheet) or []:
            holders[row.values["id"]].append((src, row))
    taken = set(holders)
    collisions = []
    for rid in sorted(holders):
        (keeper, first), *later = holders[rid]
        # The first row as _union will have it once the rows naming the same thing filled its blanks.
        seen = _Row(first.order, first.file, first.sheet, first.row, dict(first.values), dict(first.record))
        renames: dict[str, str] = {}
        for src, row in later:
            if _one_thing(space, seen, row):
                for column, text in row.values.items():
                    if text and not seen.values.get(column):
                        seen.values[column] = text
                        if column in row.record:
                            seen.record[column] = row.record[column]
                continue
            new = renames.get(src.label) or _free_id(f"{src.stem}/{rid}", taken)
            taken.add(new)
            renames[src.label] = new
            src.rename.setdefault(space.sheet, {})[rid] = new
            collisions.append(
                {
                    "sheet": space.sheet,
                    "id": rid,
                    "file": src.label,
                    "renamed": new,
                    "name": row.values.get(space.name, ""),
                    "kept_by": keeper.label,
                }
            )
            where = "" if space.sheet == "partners" else f" in the {space.sheet} sheet"
            issues.append(
                Issue(
                    "merge-id-collision",
                    f"{rid}{where} is {_describe(space, row)} here and another {space.noun} in {keeper.label}; "
                    f"renamed {new} in this input",
                    WARNING,
                    file=src.label,
                    sheet=space.sheet,
                    row=row.row,
                    column="id",
                    value=rid,
                    suggestions=(new,),
                )
            )
    for src in inputs:
        for rows in src.rows.values():
            for row in rows:
                _rename_row(row, src.rename.get(space.sheet, {}), space.refs)
    return collisions


def _org_key(row: _Row) -> tuple[str, str]:
    """What makes two partner rows one organisation: name and agency type, normalised."""
    kind = row.record.get("agency_type_id") or normalize(row.values.get("agency_type", ""))
    return normalize(row.values.get("name", "")), kind


def _parse_same(same: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    pairs = []
    for item in same:
        if isinstance(item, str):
            a, sep, b = item.partition("=")
            if not sep or not a.strip() or not b.strip():
                raise UsageError(f"--same {item!r}: write it as A=B (two partner ids)")
            item = (a, b)
        a, b = (str(x).strip() for x in item)
        if a == b:
            raise UsageError(f"--same {a}={b}: the two ids are the same")
        pairs.append((a, b))
    return pairs


def _region_from_stem(stem: str) -> str:
    """``pima-county`` -> "Pima County"; a word with a capital in it stays as written.

    >>> _region_from_stem("pima-county"), _region_from_stem("NW_oregon"), _region_from_stem("South")
    ('Pima County', 'NW Oregon', 'South')
    """
    words = [w for w in re.split(r"[-_\s]+", stem) if w]
    return " ".join(w.capitalize() if w.islower() else w for w in words) or stem


# --- merging ---------------------------------------------------------------------------


def _same_value(sheet: str, column: str, a: _Row, b: _Row) -> bool:
    """Whether two rows hold one value in a column: as validated for netmap columns, else as text."""
    if sheet == "partners" and column == "name":
        # One organisation's name written two ways ("PIMA one-stop", "Pima One Stop") is one name.
        return normalize(a.values.get(column, "")) == normalize(b.values.get(column, ""))
    if SHEETS[sheet].column(column) is not None and column in a.record and column in b.record:
        va, vb = a.record[column], b.record[column]
        if isinstance(va, str) and isinstance(vb, str):
            return " ".join(va.split()).casefold() == " ".join(vb.split()).casefold()
        return va == vb
    return " ".join(a.values.get(column, "").split()) == " ".join(b.values.get(column, "").split())


def _union(sheet: str, rows: list[_Row], issues: list[Issue], left_out: list[tuple[str, str, int, str]]) -> list[_Row]:
    """Rows of one sheet from all inputs, one per key; the first (canonical order) wins."""
    from netmap.ingest.validate import _row_key

    key_columns = set(SHEETS[sheet].key) | ({"source_id", "target_id"} if sheet == "ties" else set())
    kept: dict[Any, _Row] = {}
    # A form's listing never wins over a workbook's row (stable: still canonical order).
    rows = sorted(rows, key=lambda r: r.listing)
    # Listing rows that repeat or fill blanks of a kept row: one issue per input, not per row.
    repeated: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for row in rows:
        key = _row_key(sheet, row.record)
        first = kept.get(key)
        if first is None:
            kept[key] = row
            continue
        where = f"{first.file} row {first.row}"
        conflicts = []
        filled = False
        for column in sorted(set(first.values) | set(row.values)):
            mine, theirs = row.values.get(column, ""), first.values.get(column, "")
            if column in key_columns or not mine or _same_value(sheet, column, first, row):
                continue
            if not theirs:
                first.values[column] = mine
                if column in row.record:
                    first.record[column] = row.record[column]
                filled = True
            else:
                conflicts.append(column)
        loc = {"file": row.file, "sheet": sheet, "row": row.row}
        if conflicts:
            for column in conflicts:
                issues.append(
                    Issue(
                        "merge-conflict",
                        f"{column} is {row.values[column]!r} here and {first.values[column]!r} in {where}; "
                        f"the row of {first.file} is kept",
                        WARNING,
                        column=column,
                        value=row.values[column],
                        **loc,
                    )
                )
            left_out.append((row.file, sheet, row.row, "merge-conflict"))
        elif row.listing:
            code = "merge-combined-row" if filled else "merge-duplicate-row"
            # Named where the partner sees it: the form's own sheet and row, when it has one.
            title, number = row.origin or (sheet, row.row)
            repeated[(row.file, code, title)].append(number)
            left_out.append((row.file, sheet, row.row, code))
        elif filled:
            issues.append(
                Issue(
                    "merge-combined-row",
                    f"the same {sheet} row as {where}, with values it lacked; combined into it",
                    WARNING,
                    **loc,
                )
            )
            left_out.append((row.file, sheet, row.row, "merge-combined-row"))
        else:
            issues.append(Issue("merge-duplicate-row", f"equal to {where} in every column; kept once", WARNING, **loc))
            left_out.append((row.file, sheet, row.row, "merge-duplicate-row"))
    for (file, code, title), numbers in sorted(repeated.items()):
        what = "kept once" if code == "merge-duplicate-row" else "combined with them"
        issues.append(
            Issue(
                code,
                f"{len(numbers)} {sheet} row(s) the form lists as the other inputs have them "
                f"(rows {_row_list(sorted(numbers))}); {what}",
                WARNING,
                file=file,
                sheet=title,
            )
        )
    return list(kept.values())


def _row_list(numbers: list[int], most: int = 8) -> str:
    """Row numbers for a message, the first few then how many more.

    >>> _row_list([2, 3, 4]), _row_list(list(range(2, 14)), most=3)
    ('2, 3, 4', '2, 3, 4 and 9 more')
    """
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")


def merge_workbooks(
    sources: Sequence[str | Path],
    *,
    same: Iterable[str | tuple[str, str]] = (),
    region_from_file: bool = False,
    roster: Roster | str | Path | None = None,
) -> MergeResult:
    """Read, validate and combine several workbooks into one (nothing is written).

    Parameters
    ----------
    sources : sequence of str or Path
        ``.xlsx`` workbooks and CSV folders (returned forms, regional workbooks). Their
        order does not matter: they are merged in a canonical order (name, then content).
    same : iterable of "A=B" or (A, B)
        Partner ids of one organisation: B's rows become A's, everywhere.
    region_from_file : bool
        An input whose partners have no region gets one from its file or folder name.
    roster : Roster, str or Path, optional
        The roster every input is checked against (default ``career-pathways``).

    Returns
    -------
    MergeResult

    Raises
    ------
    UsageError
        No input, an input missing or given twice, a bad ``same`` (unknown id, A=A).

    Examples
    --------
    >>> r = merge_workbooks(["examples/tucson-behavioral-health"], region_from_file=True)
    >>> r.report["ties"]["confirmed"], r.ok
    (0, True)
    """
    if not sources:
        raise UsageError("give at least one workbook to merge")
    loaded = roster if isinstance(roster, Roster) else load_roster(roster)
    pairs = _parse_same(same)
    paths = []
    for source in sources:
        path = Path(source)
        if not path.exists():
            raise UsageError(f"{source} does not exist")
        paths.append((path, str(source)))
    resolved = [p.resolve() for p, _ in paths]
    if len(set(resolved)) != len(resolved):
        raise UsageError("an input is given twice")

    issues: list[Issue] = []
    read = []
    for path, label in paths:
        own: list[Issue] = []
        src, parts = _read(path, label, loaded, own)
        read.append((src, parts, own))
    # Canonical order: by name, then content (never by the order given).
    read.sort(key=lambda item: (item[0].path.resolve().name, item[0].digest, str(item[0].path.resolve())))
    inputs = [src for src, _, _ in read]
    for order, (src, (raw, tables), own) in enumerate(read):
        issues.extend(own)
        _keep_rows(src, raw, tables, order)
    # Unique stems for namespaced ids (two regions' "partners.xlsx" in two folders).
    seen_stems: dict[str, int] = defaultdict(int)
    for src in inputs:
        seen_stems[src.stem] += 1
        if seen_stems[src.stem] > 1:
            src.stem = f"{src.stem}-{seen_stems[src.stem]}"

    left_out: list[tuple[str, str, int, str]] = []
    for src, (raw, tables), _ in read:
        kept = {(r.sheet, r.row) for rows in src.rows.values() for r in rows}
        located = _issues_by_row(tables.issues)
        for sheet in SHEET_ORDER:
            rsheet = raw.sheets.get(sheet)
            if rsheet is None:
                continue
            counted = _counted_rows(rsheet)
            for number in rsheet.row_numbers():
                if (sheet, number) not in kept and number in counted:
                    code = located.get((sheet, number)) or located.get((sheet, None)) or "(no issue found)"
                    left_out.append((src.label, sheet, number, code))

    if region_from_file:
        for src in inputs:
            partners = src.rows.get("partners") or []
            if partners and not any(r.values.get("region") for r in partners):
                region = _region_from_stem(src.stem)
                for r in partners:
                    if (r.record.get("level") or r.values.get("level", "")).strip().lower() in ("state", "national"):
                        continue  # a state or national body a region lists is no one region's
                    r.values["region"] = region
                    r.record["region"] = region
                src.titles.setdefault("partners", {}).setdefault("region", "region")

    # Id collisions: partners first, so that an agreement's parties or an award's recipient
    # are compared as renamed; then (after --same) agreements and awards.
    collisions = _namespace(_ID_SPACES[0], inputs, issues)

    # --same A=B: both must be partners of the merge (after namespacing).
    known = {row.values["id"] for src in inputs for row in src.rows.get("partners") or []}
    merge_into: dict[str, str] = {}
    for a, b in pairs:
        for pid in (a, b):
            if pid not in known:
                raise UsageError(f"--same {a}={b}: {pid} is the id of no partner in the inputs")
        merge_into[b] = a
    for b in list(merge_into):
        target, hops = merge_into[b], 0
        while target in merge_into and hops <= len(merge_into):
            target, hops = merge_into[target], hops + 1
        if target in merge_into:
            raise UsageError(f"--same: {b} is merged into itself through a cycle of --same options")
        merge_into[b] = target
    if merge_into:
        for src in inputs:
            for rows in src.rows.values():
                for row in rows:
                    _rename_row(row, merge_into)

    for space in _ID_SPACES[1:]:
        collisions += _namespace(space, inputs, issues)

    # Union of each sheet in canonical order.
    merged: dict[str, list[_Row]] = {}
    for sheet in SHEET_ORDER:
        rows = [row for src in inputs for row in src.rows.get(sheet) or []]
        if sheet == "ties":
            rows = _drop_self_ties(rows, issues, left_out)
        if rows or any(sheet in src.titles for src in inputs):
            merged[sheet] = _union(sheet, rows, issues, left_out)

    # The same organisation under two ids (after namespacing and --same).
    by_org: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    for row in merged.get("partners") or []:
        by_org[_org_key(row)].append(row)
    suggestions = []
    for rows in by_org.values():
        if len(rows) < 2:
            continue
        ids = sorted(r.values["id"] for r in rows)
        for other in ids[1:]:
            row = next(r for r in rows if r.values["id"] == other)
            suggestion = f"--same {ids[0]}={other}"
            suggestions.append({"ids": [ids[0], other], "name": row.values.get("name"), "same": suggestion})
            issues.append(
                Issue(
                    "merge-same-organisation",
                    f"{other} and {ids[0]} are both {row.values.get('name')!r} of one agency type; "
                    f"merge them with {suggestion}",
                    WARNING,
                    file=row.file,
                    sheet="partners",
                    row=row.row,
                    column="id",
                    value=other,
                    suggestions=(suggestion,),
                )
            )
    suggestions.sort(key=lambda s: s["ids"])

    sheets = _layout(inputs, merged)
    extra = _extra_sheets(read)
    sheets.update(extra)
    rows_out = sum(len(rows) for rows in merged.values())
    report = {
        "partners": len(merged.get("partners") or []),
        "collisions": collisions,
        "same_suggestions": suggestions,
        "same_applied": [{"ids": [a, b]} for b, a in sorted(merge_into.items())],
        "ties": _reciprocity(merged.get("ties") or []),
        "response": _response(merged, loaded),
    }

    def owner(file: str | None) -> int:
        """The canonical place of the input an issue names (its label, or a file inside it)."""
        for order, src in enumerate(inputs):
            if file == src.label or (file and Path(file).parent == src.path):
                return order
        return len(inputs)

    issues.sort(key=lambda i: owner(i.file))  # stable: each input's issues in their own order
    summary = []
    for order, src in enumerate(inputs):
        mine = [i for i in issues if owner(i.file) == order]
        summary.append(
            {
                "file": src.label,
                "rows_read": src.rows_read,
                "rows_left_out": sum(1 for f, *_ in left_out if f == src.label),
                "errors": sum(1 for i in mine if i.is_error),
                "warnings": sum(1 for i in mine if not i.is_error),
            }
        )
    left_out.sort(key=lambda t: (owner(t[0]), SHEET_ORDER.index(t[1]), t[2]))
    return MergeResult(sheets, issues, left_out, sum(s.rows_read for s in inputs), rows_out, summary, report)


def _counted_rows(rsheet: Any) -> set[int]:
    """The rows of a sheet the validator counts as read (its non-blank rows)."""
    return {raw_row.row for raw_row in rsheet.rows if any(_text(c) for c in raw_row.cells)}


def _issues_by_row(issues: list[Issue]) -> dict[tuple[str | None, int | None], str]:
    """The code of the issue that left each input row out: an error at the row before a warning
    (a ``duplicate-row``), else the sheet's own issue (a missing column) at ``(sheet, None)``."""
    codes: dict[tuple[str | None, int | None], str] = {}
    for issue in sorted(issues, key=lambda i: not i.is_error):
        codes.setdefault((issue.sheet, issue.row), issue.code)
    return codes


def _drop_self_ties(rows: list[_Row], issues: list[Issue], left_out: list[tuple[str, str, int, str]]) -> list[_Row]:
    """A tie whose two ends became one partner (``--same``) is no tie."""
    kept = []
    for row in rows:
        if row.record.get("source_id") == row.record.get("target_id"):
            issues.append(
                Issue(
                    "self-tie",
                    f"both ends are {row.record.get('source_id')} after --same; left out",
                    WARNING,
                    file=row.file,
                    sheet="ties",
                    row=row.row,
                )
            )
            left_out.append((row.file, "ties", row.row, "self-tie"))
        else:
            kept.append(row)
    return kept


def _layout(inputs: list[_Input], merged: dict[str, list[_Row]]) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each merged sheet as a header and text rows: netmap's columns in their order, then the
    inputs' other columns in the order first seen; rows sorted by their cells."""
    sheets = {}
    for sheet, rows in merged.items():
        spec = SHEETS[sheet]
        present: dict[str, str] = {}
        for src in inputs:
            for key, title in (src.titles.get(sheet) or {}).items():
                present.setdefault(key, title)
        known = [c.name for c in spec.columns if c.name in present or c.required]
        extra = [k for k in present if spec.column(k) is None]
        columns = known + extra
        header = known + [present[k] for k in extra]
        body = sorted([row.values.get(c, "") for c in columns] for row in rows)
        sheets[sheet] = (header, body)
    return sheets


def _extra_sheets(read: list[Any]) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Sheets netmap does not know: the union of their rows, each distinct row once."""
    found: dict[str, tuple[list[str], set[tuple[str, ...]]]] = {}
    for _src, (_raw, tables), _ in read:
        for name, records in (tables.extra_sheets or {}).items():
            header, rows = found.setdefault(name, ([], set()))
            for record in records:
                for k in record:
                    if k != "_row" and k not in header:
                        header.append(k)
            for record in records:
                rows.add(tuple(_text(record.get(k)) for k in header))
    out = {}
    for name in sorted(found):
        header, rows = found[name]
        out[name] = (header, sorted(list(r) + [""] * (len(header) - len(r)) for r in rows))
    return out


# --- the report ------------------------------------------------------------------------


def _reciprocity(ties: list[_Row]) -> dict[str, Any]:
    """Confirmed and one-sided pairs among the surveyed ties, and the answers that differ."""
    sides: dict[tuple[str, str], dict[str, list[_Row]]] = defaultdict(lambda: defaultdict(list))
    for row in ties:
        reporter = row.record.get("reported_by")
        if not reporter:
            continue
        pair = tuple(sorted((row.record["source_id"], row.record["target_id"])))
        sides[pair][reporter].append(row)
    confirmed, unconfirmed, conflicts = [], [], []
    for pair in sorted(sides):
        a, b = pair
        by = sides[pair]
        if a in by and b in by:
            confirmed.append(list(pair))
            for column in _ANSWERS:
                va = sorted({r.values.get(column, "") for r in by[a]} - {""})
                vb = sorted({r.values.get(column, "") for r in by[b]} - {""})
                if va and vb and [v.casefold() for v in va] != [v.casefold() for v in vb]:
                    conflicts.append(
                        {"pair": list(pair), "column": column, "answers": {a: ";".join(va), b: ";".join(vb)}}
                    )
        else:
            unconfirmed.append({"pair": list(pair), "reported_by": sorted(by)})
    return {
        "pairs": len(sides),
        "confirmed": len(confirmed),
        "unconfirmed": len(unconfirmed),
        "confirmed_pairs": confirmed,
        "unconfirmed_pairs": unconfirmed,
        "conflicts": conflicts,
        "map_own": sum(1 for r in ties if not r.record.get("reported_by")),
    }


def _response(merged: dict[str, list[_Row]], roster: Roster) -> dict[str, Any]:
    """Who answered and which active partners did not, by region and by category."""
    responses = merged.get("responses") or []
    if responses:
        answered, basis = {r.record["partner_id"] for r in responses}, "responses"
    else:
        answered = {r.record["reported_by"] for r in merged.get("ties") or [] if r.record.get("reported_by")}
        basis = "reported_by" if answered else "none"
    partners = merged.get("partners") or []
    expected = [r for r in partners if (r.record.get("status") or "") in _ACTIVE]
    by_region: dict[str, dict[str, int]] = defaultdict(lambda: {"answered": 0, "not_answered": 0})
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: {"answered": 0, "not_answered": 0})
    for row in expected:
        side = "answered" if row.values["id"] in answered else "not_answered"
        by_region[row.values.get("region") or "(no region)"][side] += 1
        type_id = row.record.get("agency_type_id")
        try:
            category = roster.category_of(type_id).name if type_id else "(other)"
        except KeyError:
            category = "(other)"
        by_category[category][side] += 1
    return {
        "basis": basis,
        "answered": sorted(r.values["id"] for r in expected if r.values["id"] in answered),
        "not_answered": sorted(r.values["id"] for r in expected if r.values["id"] not in answered),
        "by_region": dict(sorted(by_region.items())),
        "by_category": dict(sorted(by_category.items())),
    }


# --- writing ---------------------------------------------------------------------------


def write_merged(
    result: MergeResult,
    out: str | Path,
    *,
    force: bool = False,
    inputs: Sequence[tuple[str, str | Path | None]] = (),
) -> Any:
    """Write the merged workbook: one ``.xlsx`` when ``out`` ends in ``.xlsx``, else a CSV folder.

    The bytes depend on the merged rows only: the ``.xlsx`` has fixed time stamps, the CSV
    files ``\\r\\n`` line ends (the csv module's).

    Parameters
    ----------
    result : MergeResult
        From :func:`merge_workbooks`.
    out : str or Path
        The ``.xlsx`` file or the folder to write.
    force : bool
        Write over an earlier output.
    inputs : sequence of (label, path)
        What the merge read: never written over (see :mod:`netmap.outputs`).

    Returns
    -------
    Path or netmap.outputs.Written
        The file written, or the folder's files.
    """
    from netmap.export.workbook import write_sheets

    if str(out).lower().endswith(".xlsx"):
        from netmap.outputs import write_file

        return write_file(out, xlsx_bytes(result.sheets), inputs=inputs, force=force)
    return write_sheets(out, result.sheets, overwrite=force, inputs=inputs)


def xlsx_bytes(sheets: dict[str, tuple[list[str], list[list[str]]]]) -> bytes:
    """The sheets as an ``.xlsx`` workbook, every cell text, with fixed time stamps."""
    from openpyxl import Workbook

    from netmap.outputs import set_cell

    wb = Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(name[:31])
        for c, title in enumerate(header, start=1):
            set_cell(ws.cell(row=1, column=c), title)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if value != "":
                    set_cell(ws.cell(row=r, column=c), value)
    wb.properties.created = wb.properties.modified = _EPOCH
    wb.properties.creator = "netmap"
    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl stamps each zip entry with the time of writing: the same stamp for all instead.
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_EPOCH.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl's save sets "modified" to the time of saving, whatever it was set to.
                stamp = _EPOCH.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data
                )
            dst.writestr(entry, data)
    return out.getvalue()
