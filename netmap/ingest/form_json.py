"""Read the answers file an HTML partner survey saves (``intake-<id>-answers.json``).

The file (:mod:`netmap.render.survey_form` documents it) is one partner's answers. It is
read as a workbook of netmap sheets, so every command takes it where it takes a workbook:

- ``partners``: row 1 is the respondent (``partner``), rows 2, 3, ... the other partners the
  form listed (``partners``), so that the ties, agreements and funding refer to known ids;
- ``services``, ``roles``: the respondent's, row n = the n-th answer;
- ``ties``: one row per partner it works with (``works_together`` "yes"), reported by the
  respondent: source and ``reported_by`` are the respondent, the scores rate the target;
- ``agreements`` (ids ``<id>-A1``, ... with the respondent and the partner named as
  parties) and ``funding`` (ids ``<id>-F1``, ..., received by the respondent);
- ``responses``: the one row saying who answered, when, and in which file.

:func:`netmap.ingest.workbook.read_form_json` (and so :func:`~netmap.ingest.workbook.read_workbook_raw`
and every command, for a ``.json`` file) reads the file through :func:`parse_form_json`.

Issues point into the file as into a workbook: the sheet is the answers' key (``ties``),
the row the answer's place in its list (the first is row 1), the column the answer's key.
Nothing in the file can raise: a file that is not JSON, not an object, nested too deep, or
not a netmap form is a ``not-a-form`` error; a value of the wrong kind (a list where text
belongs, a number too large to be one) is a ``form-value`` error and left out.

Examples
--------
>>> import json
>>> data = json.dumps({"netmap_form": 1, "partner_id": "A", "answered_on": "2026-12-01",
...     "partner": {"name": "Alpha", "agency_type": "Local WIB"},
...     "partners": [{"id": "B", "name": "Beta", "agency_type": "Local WIB"}],
...     "ties": [{"target_id": "B", "works_together": "yes", "frequency": "weekly", "reliability": 4}]}).encode()
>>> answers = parse_form_json(data, file="intake-A-answers.json", form="intake-A-answers.json")
>>> answers.sheets["ties"][1][0]
(1, ['A', 'B', 'A', None, 'weekly', 4, None, None, None, None, None])
>>> answers.sheets["responses"][1]
[(1, ['A', '2026-12-01', 'intake-A-answers.json'])]
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from netmap.errors import WARNING, Issue
from netmap.model import SCORES

__all__ = ["FORM_VERSION", "FormAnswers", "parse_form_json"]

# One row of a sheet: (row number, cells).
Row = tuple[int, list[Any]]

FORM_VERSION = 1
# Integers beyond this many digits are no answer a form gives (and Python refuses to parse
# very long ones): they are reported, not read.
_MAX_INT_DIGITS = 15

_HEADERS: dict[str, list[str]] = {
    "partners": ["id", "name", "agency_type", "level", "region"],
    "services": ["partner_id", "service", "population"],
    "roles": ["partner_id", "role", "lead"],
    "ties": ["source_id", "target_id", "reported_by", "kind", "frequency", *SCORES],
    "agreements": ["id", "parties", "title", "type", "signed", "expires"],
    "funding": ["id", "stream", "recipient_id", "funder_id", "source", "program", "amount", "start", "end"],
    "responses": ["partner_id", "answered_on", "form"],
}


class _BadNumber(str):
    """A number in the file that is no value a form holds (too long, infinite)."""


def _parse_int(text: str) -> int | _BadNumber:
    return int(text) if len(text.lstrip("-")) <= _MAX_INT_DIGITS else _BadNumber(text)


def _parse_float(text: str) -> float | _BadNumber:
    value = float(text)
    return value if math.isfinite(value) else _BadNumber(text)


def _reject_constant(text: str) -> _BadNumber:
    return _BadNumber(text)  # NaN, Infinity, -Infinity: not JSON, and no answer


@dataclass
class FormAnswers:
    """An answers file as netmap sheets: ``sheets[name] = (header, [(row, cells), ...])``,
    and every problem found (:func:`netmap.ingest.workbook.read_workbook_raw` makes them a
    :class:`~netmap.ingest.workbook.RawWorkbook`)."""

    sheets: dict[str, tuple[list[str], list[Row]]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def _snippet(value: Any) -> str | None:
    text = None if value is None else str(value)
    return text if text is None or len(text) <= 120 else text[:120] + "…"


class _Reader:
    def __init__(self, display: str, max_cell_chars: int, max_rows: int) -> None:
        self.display = display
        self.max_cell_chars = max_cell_chars
        self.max_rows = max_rows
        self.book = FormAnswers()

    def issue(self, code: str, message: str, *, severity: str = "error", **where: Any) -> None:
        self.book.issues.append(Issue(code, message, severity, file=self.display, **where))

    def cell(self, value: Any, sheet: str, row: int, column: str) -> Any:
        """One answer as a cell: text, a whole number, a finite number or None."""
        if value is None or (isinstance(value, str) and not isinstance(value, _BadNumber)):
            if isinstance(value, str) and len(value) > self.max_cell_chars:
                self.issue(
                    "cell-too-long",
                    f"the answer holds {len(value):,} characters; netmap reads up to {self.max_cell_chars:,}",
                    sheet=sheet,
                    row=row,
                    column=column,
                    value=_snippet(value),
                )
                return None
            return value
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, (int, float)):
            return value
        what = {dict: "a group of answers", list: "a list"}.get(type(value), "a number netmap cannot read")
        self.issue(
            "form-value",
            f"{column!r} holds {what} where one answer belongs; it was left out",
            sheet=sheet,
            row=row,
            column=column,
            value=_snippet(value if isinstance(value, str) else json.dumps(value)[:200]),
        )
        return None

    def records(self, data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
        """The answers under ``key`` as (row, object) pairs; anything else is an issue."""
        items = data.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            self.issue("form-value", f"{key!r} should be a list of answers; it was left out", sheet=key)
            return []
        if len(items) > self.max_rows:
            self.issue(
                "too-many-rows",
                f"{key!r} holds {len(items):,} answers; netmap reads up to {self.max_rows:,}",
                sheet=key,
            )
            return []
        out = []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                out.append((index + 1, item))
            else:
                self.issue(
                    "form-value",
                    f"answer {index + 1} of {key!r} is not a group of answers; it was left out",
                    sheet=key,
                    row=index + 1,
                )
        return out

    def sheet(self, name: str, rows: list[Row]) -> None:
        self.book.sheets[name] = (list(_HEADERS[name]), rows)

    def not_a_form(self, why: str) -> FormAnswers:
        self.issue(
            "not-a-form",
            f"this .json file is not a netmap survey answers file: {why}",
            suggestions=("give the intake-<id>-answers.json file that a netmap survey form saved",),
        )
        return self.book


def parse_form_json(
    data: bytes, *, file: str, form: str, max_cell_chars: int = 32_767, max_rows: int = 2_000_000
) -> FormAnswers:
    """Read the bytes of a survey answers file into netmap sheets.

    Parameters
    ----------
    data : bytes
        The file's content (UTF-8 JSON).
    file : str
        How issues name the file.
    form : str
        The file's name, written in the ``responses`` row.
    max_cell_chars, max_rows : int
        Bounds on one answer's characters and on the answers of one list.

    Returns
    -------
    FormAnswers
        Its sheets, and every problem as an issue (nothing here raises on data).
    """
    reader = _Reader(file, max_cell_chars, max_rows)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return reader.not_a_form("it is not UTF-8 text")
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_reject_constant)
    except RecursionError:
        return reader.not_a_form("it is nested too deeply")
    except ValueError as exc:  # JSONDecodeError is a ValueError
        return reader.not_a_form(f"it is not JSON ({str(exc).split(':')[0]})")
    if not isinstance(data, dict):
        return reader.not_a_form("it holds no object of answers")
    if data.get("netmap_form") != FORM_VERSION or isinstance(data.get("netmap_form"), bool):
        return reader.not_a_form(f"its 'netmap_form' is not {FORM_VERSION}")
    pid = data.get("partner_id")
    if not isinstance(pid, str) or isinstance(pid, _BadNumber) or not pid.strip():
        return reader.not_a_form("it names no partner ('partner_id')")
    pid = pid.strip()

    # partners: the respondent first (row 1), then the others (rows 2, 3, ...).
    me = data.get("partner")
    if not isinstance(me, dict):
        if me is not None:
            reader.issue("form-value", "'partner' should be a group of answers; it was left out", sheet="partner")
        me = {}
    partner_rows = [(1, [pid, *(reader.cell(me.get(k), "partner", 1, k) for k in _HEADERS["partners"][1:])])]
    for row, other in reader.records(data, "partners"):
        partner_rows.append((row + 1, [reader.cell(other.get(k), "partners", row, k) for k in _HEADERS["partners"]]))
    reader.sheet("partners", partner_rows)

    reader.sheet(
        "services",
        [
            (row, [pid, *(reader.cell(a.get(k), "services", row, k) for k in ("service", "population"))])
            for row, a in reader.records(data, "services")
        ],
    )
    reader.sheet(
        "roles",
        [
            (row, [pid, *(reader.cell(a.get(k), "roles", row, k) for k in ("role", "lead"))])
            for row, a in reader.records(data, "roles")
        ],
    )

    ties: list[Row] = []
    for row, a in reader.records(data, "ties"):
        works = reader.cell(a.get("works_together"), "ties", row, "works_together")
        cells = {k: reader.cell(a.get(k), "ties", row, k) for k in ("target_id", "kind", "frequency", *SCORES)}
        if str(works).strip().lower() in ("yes", "y", "true"):
            answer = [cells[k] for k in ("kind", "frequency", *SCORES)]
            ties.append((row, [pid, cells["target_id"], pid, *answer]))
        elif any(cells[k] not in (None, "") for k in ("kind", "frequency", *SCORES)):
            # Answers about a tie the respondent did not say it has: not a tie, but said.
            reader.issue(
                "form-value",
                "a kind, frequency or score is given for a partner not answered 'yes' to 'work together?'; "
                "it is not read as a tie",
                severity=WARNING,
                sheet="ties",
                row=row,
                column="works_together",
                value=_snippet(works),
                suggestions=("answer 'yes' for this partner if you work together",),
            )
    reader.sheet("ties", ties)

    agreements = []
    for row, a in reader.records(data, "agreements"):
        other = reader.cell(a.get("with_id"), "agreements", row, "with_id")
        parties = pid if other in (None, "") else f"{pid};{other}"
        agreements.append(
            (
                row,
                [
                    f"{pid}-A{row}",
                    parties,
                    *(reader.cell(a.get(k), "agreements", row, k) for k in ("title", "type", "signed", "expires")),
                ],
            )
        )
    reader.sheet("agreements", agreements)

    funding = []
    for row, a in reader.records(data, "funding"):
        funding.append(
            (
                row,
                [
                    f"{pid}-F{row}",
                    reader.cell(a.get("stream"), "funding", row, "stream"),
                    pid,
                    *(
                        reader.cell(a.get(k), "funding", row, k)
                        for k in ("funder_id", "source", "program", "amount", "start", "end")
                    ),
                ],
            )
        )
    reader.sheet("funding", funding)

    answered = reader.cell(data.get("answered_on"), "responses", 1, "answered_on")
    reader.sheet("responses", [(1, [pid, answered, form])])
    return reader.book
