"""Read a filled partner intake form back as netmap's own sheets (issue 22).

``netmap survey SOURCE -o DIR`` (:mod:`netmap.export.survey`) writes one form per partner.
Given to any netmap command (``netmap validate intake-TIC.xlsx``, :func:`netmap.read_workbook`),
a returned form is recognised and its answers become rows of netmap's sheets, so the
validator checks them like any other rows and ``netmap merge`` combines forms like workbooks.

How a form is recognised
    A sheet whose cell A1 reads ``netmap-form`` (:data:`netmap.model.FORM_MARKER`; the hidden
    sheet of that name) holds, below its header, the rows ``partner_id`` (the respondent),
    ``map`` and ``form_version``. The sheets ``About you``, ``Services``, ``Roles``,
    ``Partners``, ``Agreements`` and ``Funding`` are then the form's, found by name
    (ignoring case) with their columns found by their header names.

What the answers become
    ``partners``: the respondent's row as answered on *About you* (its id is always the
    respondent's), then every other partner as the *Partners* sheet lists it (id, name,
    agency type, region), so the references of the answers resolve.
    ``services``: each *Services* row, ``partner_id`` the respondent.
    ``roles``: each *Roles* row whose ``plays`` is ``lead`` or ``support`` (``lead`` column)
    or ``yes`` (played, lead not said); blank or ``no``: not played.
    ``ties``: each *Partners* row whose ``works_together`` is yes: ``source_id`` the
    respondent, ``target_id`` the other, ``reported_by`` the respondent, with the kind,
    frequency, six scores and notes as answered. A row not marked yes whose answers are
    filled is a ``form-scores-without-tie`` warning (the answers are not read).
    ``agreements`` and ``funding``: their rows as answered; funding's ``recipient_id`` is
    the respondent; a row without an id gets ``<respondent>-A1``, ``<respondent>-F1``, ...
    ``responses``: one row: the respondent, ``answered_on`` (the date written on *About
    you*; blank: the day the file was last saved, from its modification time) and ``form``
    (the file's name).

Every issue about these rows is reported at the form's own sheet, row and column (see
:func:`locate_form_issues`).

Examples
--------
>>> from netmap.ingest.workbook import RawWorkbook, RawSheet, RawRow
>>> raw = RawWorkbook("intake-A.xlsx", "xlsx")
>>> raw.sheets["netmap-form"] = RawSheet("netmap-form", "netmap-form", "intake-A.xlsx", ["netmap-form", "value"],
...     [RawRow(2, ["partner_id", "A"]), RawRow(3, ["form_version", 1])])
>>> raw.sheets["about you"] = RawSheet("about you", "About you", "intake-A.xlsx",
...     ["id", "name", "agency_type", "answered_on"], [RawRow(2, ["A", "Ajo Works", "CBO", "2026-11-30"])])
>>> raw.sheets["partners"] = RawSheet("partners", "Partners", "intake-A.xlsx",
...     ["id", "name", "agency_type", "works_together", "frequency", "reliability"],
...     [RawRow(2, ["B", "Pima CC", "CC", "yes", "weekly", 4]), RawRow(3, ["C", "Goodwill", "CBO"])])
>>> folded = fold_form(raw)
>>> ties = folded.sheets["ties"]
>>> ties.header[:5], [r.cells[:5] for r in ties.rows]
(['source_id', 'target_id', 'kind', 'frequency', 'reliability'], [['A', 'B', None, 'weekly', 4]])
>>> ties.origin
{2: ('Partners', 2, '')}
>>> [r.cells for r in folded.sheets["responses"].rows]
[['A', '2026-11-30', 'intake-A.xlsx']]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

from netmap.errors import WARNING, Issue
from netmap.ingest.workbook import RawRow, RawSheet, RawWorkbook, column_letter
from netmap.model import FORM_MARKER, ROLE_LEADS, SCORES, SHEETS, header_key

__all__ = ["fold_form", "form_respondent", "is_form_sheet", "locate_form_issues"]

# The form's answer sheets (lower case, as the reader names them) -> what they become.
FORM_SHEETS = ("about you", "services", "roles", "partners", "agreements", "funding")
_YES = {"yes", "y", "true", "x", "1"}
_NO = {"no", "n", "false", "0"}
_ANSWERS = ("kind", "frequency", *SCORES)
# A netmap column an issue names -> the form's column it was answered in, per netmap sheet.
_FORM_COLUMN = {
    "ties": {"source_id": None, "target_id": "id", "reported_by": None},
    "roles": {"lead": "plays", "partner_id": None},
    "services": {"partner_id": None},
    "funding": {"recipient_id": None},
    "responses": {"partner_id": "id", "form": None},
}
_TIE_COLUMNS = ["source_id", "target_id", "kind", "frequency", *SCORES, "notes", "reported_by"]


def is_form_sheet(sheet: RawSheet) -> bool:
    """Whether ``sheet`` is a form's marker sheet (A1 holds :data:`~netmap.model.FORM_MARKER`)."""
    return bool(sheet.header) and str(sheet.header[0]).strip().lower() == FORM_MARKER


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _meta(sheet: RawSheet) -> dict[str, Any]:
    return {str(r.cells[0]).strip(): r.cells[1] for r in sheet.rows if len(r.cells) > 1 and r.cells[0] is not None}


def form_respondent(raw: RawWorkbook) -> str | None:
    """The partner id a form was written for, or None when ``raw`` is no form.

    >>> form_respondent(RawWorkbook("w.xlsx", "xlsx")) is None
    True
    """
    marker = next((s for s in raw.sheets.values() if is_form_sheet(s)), None)
    return _text(_meta(marker).get("partner_id")) if marker is not None else None


class _Sheet:
    """One form sheet: its cells by column name."""

    def __init__(self, sheet: RawSheet | None) -> None:
        self.sheet = sheet
        self.title = sheet.title if sheet is not None else ""
        self.keys = [header_key(str(h)) for h in sheet.header] if sheet is not None else []

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        if self.sheet is None:
            return []
        out = []
        for r in self.sheet.rows:
            values = {k: r.cells[i] for i, k in enumerate(self.keys) if k and i < len(r.cells)}
            if any(_text(v) is not None for v in values.values()):
                out.append((r.row, values))
        return out


class _Out:
    """One netmap sheet being made, with where each of its rows came from."""

    def __init__(self, name: str, header: list[str], file: str) -> None:
        self.name, self.header, self.file = name, header, file
        self.rows: list[RawRow] = []
        self.origin: dict[int, tuple[str, int, str]] = {}

    def add(self, values: dict[str, Any], title: str, row: int) -> None:
        number = len(self.rows) + 2
        self.rows.append(RawRow(number, [values.get(c) for c in self.header]))
        self.origin[number] = (title, row, "")

    def sheet(self) -> RawSheet:
        return RawSheet(self.name, self.name, self.file, self.header, self.rows, 1, {}, self.origin)


def _answered_on(value: Any, source: str) -> Any:
    """The date the form was answered: as written on it, else the file's modification day."""
    if _text(value) is not None:
        return value
    try:
        stamp = Path(source).stat().st_mtime
    except OSError:
        return None
    return dt.date.fromtimestamp(stamp).isoformat()


def fold_form(raw: RawWorkbook) -> RawWorkbook:
    """``raw`` with a form's sheets turned into netmap's sheets (see the module docstring).

    A workbook that is no form comes back as it is; ``raw`` itself is never changed. Each
    new sheet's ``RawSheet.origin`` maps its rows to the form's (sheet title, row).
    """
    respondent = form_respondent(raw)
    if respondent is None:
        return raw
    marker = next(s for s in raw.sheets.values() if is_form_sheet(s))
    file = marker.file
    form = {name: _Sheet(raw.sheets.get(name)) for name in FORM_SHEETS}
    titles = {name: s.title or name for name, s in form.items()}
    issues: list[Issue] = []
    # The reader's own issues about the form's sheets are about the form's sheets, by title.
    for issue in raw.issues:
        if issue.sheet in (marker.name, "about you") and issue.code == "unknown-sheet":
            continue
        if issue.sheet in titles:
            issue = dataclasses.replace(issue, sheet=titles[issue.sheet])
        issues.append(issue)
    for s in form.values():
        if s.sheet is None:
            continue
        for (row, col), (code, message, value, suggestions) in s.sheet.special.items():
            column = s.sheet.header[col] if col < len(s.sheet.header) else column_letter(col)
            issues.append(
                Issue(code, message, file=file, sheet=s.title, row=row, column=column, value=value,
                      suggestions=suggestions)
            )  # fmt: skip

    def columns(sheet: str, *fixed: str) -> list[str]:
        return [*fixed, *(c.name for c in SHEETS[sheet].columns if c.name not in fixed)]

    partners = _Out("partners", columns("partners"), file)
    about_rows = form["about you"].rows()
    about_row, about = about_rows[0] if about_rows else (2, {})
    partners.add({**about, "id": respondent}, titles["about you"], about_row)
    ties = _Out("ties", _TIE_COLUMNS, file)
    for row, values in form["partners"].rows():
        other = _text(values.get("id"))
        if other is None or other == respondent:
            continue
        partners.add({k: values.get(k) for k in ("id", "name", "agency_type", "region")}, titles["partners"], row)
        says = (_text(values.get("works_together")) or "").casefold()
        answered = [c for c in _ANSWERS if _text(values.get(c)) is not None]
        if says in _YES:
            ties.add(
                {**{c: values.get(c) for c in (*_ANSWERS, "notes")}, "source_id": respondent, "target_id": other,
                 "reported_by": respondent},
                titles["partners"], row,
            )  # fmt: skip
        elif says and says not in _NO:
            issues.append(
                Issue("invalid-boolean", f"works_together must be yes or no, not {values.get('works_together')!r}",
                      file=file, sheet=titles["partners"], row=row, column="works_together",
                      value=_text(values.get("works_together")), suggestions=("yes", "no"))
            )  # fmt: skip
        elif answered:
            issues.append(
                Issue(
                    "form-scores-without-tie",
                    f"{', '.join(answered)} answered for {other}, but works_together is "
                    f"{'no' if says else 'blank'}; the answers are not read",
                    WARNING, file=file, sheet=titles["partners"], row=row, column="works_together",
                    value=_text(values.get("works_together")),
                    suggestions=("write yes in works_together if you work with this partner, or clear the answers",),
                )
            )  # fmt: skip

    services = _Out("services", columns("services", "partner_id"), file)
    for row, values in form["services"].rows():
        services.add({**values, "partner_id": respondent}, titles["services"], row)

    roles = _Out("roles", ["partner_id", "role", "lead", "notes"], file)
    for row, values in form["roles"].rows():
        plays = _text(values.get("plays"))
        if plays is None or plays.casefold() in _NO:
            continue
        lead = None if plays.casefold() in _YES else (plays.casefold() if plays.casefold() in ROLE_LEADS else plays)
        roles.add({"partner_id": respondent, "role": values.get("role"), "lead": lead, "notes": values.get("notes")},
                  titles["roles"], row)  # fmt: skip

    agreements = _Out("agreements", columns("agreements"), file)
    for n, (row, values) in enumerate(form["agreements"].rows(), start=1):
        agreements.add({**values, "id": _text(values.get("id")) or f"{respondent}-A{n}"}, titles["agreements"], row)
    funding = _Out("funding", columns("funding", "id", "stream", "recipient_id"), file)
    for n, (row, values) in enumerate(form["funding"].rows(), start=1):
        funding.add(
            {**values, "id": _text(values.get("id")) or f"{respondent}-F{n}", "recipient_id": respondent},
            titles["funding"], row,
        )  # fmt: skip

    responses = _Out("responses", ["partner_id", "answered_on", "form"], file)
    responses.add(
        {"partner_id": respondent, "answered_on": _answered_on(about.get("answered_on"), raw.source),
         "form": Path(raw.source).name},
        titles["about you"], about_row,
    )  # fmt: skip

    made = (partners, services, roles, ties, agreements, funding, responses)
    sheets = {k: v for k, v in raw.sheets.items() if k not in FORM_SHEETS and k != marker.name}
    for out in made:
        if out.rows or out.name in ("partners", "responses"):
            sheets[out.name] = out.sheet()
    return dataclasses.replace(raw, sheets=sheets, issues=issues, form=respondent)


# "row(s) 3, 16", or "partners row 2" when the rows are another sheet's.
_ROWS = re.compile(r"\b(?:(?P<sheet>[a-z]+) )?(?P<word>rows?(?:\(s\))?) (?P<rows>\d+(?:, \d+)*)")


def _rows_at(match: re.Match[str], raw: RawWorkbook, sheet: str | None) -> str:
    """``row(s) 3, 16`` of a folded sheet as the form's rows: ``Services row 3, Services row 16``."""
    named = match["sheet"] if match["sheet"] in SHEETS else None
    folded = raw.sheets.get(named or sheet or "")
    origin = folded.origin if folded is not None else {}
    numbers = [int(n) for n in match["rows"].split(", ")]
    if not origin or any(n not in origin for n in numbers):
        return match[0]
    lead = f"{match['sheet']} " if match["sheet"] and not named else ""
    return lead + ", ".join(f"{origin[n][0]} row {origin[n][1]}" for n in numbers)


def locate_form_issues(issues: list[Issue], raw: RawWorkbook) -> list[Issue]:
    """``issues`` with those about a form's rows moved to the form's sheet, row and column.

    ``raw`` is the workbook :func:`fold_form` made; one that is no form changes nothing.
    A score of 5 on the *Partners* row 7 is reported at sheet ``Partners``, row 7, column
    ``reliability``, as the partner filled it in.
    """
    if getattr(raw, "form", None) is None:
        return issues
    out = []
    for issue in issues:
        sheet = raw.sheets.get(issue.sheet) if issue.sheet in SHEETS else None
        origin = sheet.origin if sheet is not None else {}
        if not origin:
            out.append(issue)
            continue
        message = _ROWS.sub(lambda m, s=issue.sheet: _rows_at(m, raw, s), issue.message)
        where = origin.get(issue.row) if issue.row is not None else None
        if where is None:
            out.append(dataclasses.replace(issue, message=message))
            continue
        column = issue.column
        if column is not None:
            column = _FORM_COLUMN.get(issue.sheet, {}).get(column, column)
        out.append(dataclasses.replace(issue, sheet=where[0], row=where[1], column=column, message=message))
    return out
