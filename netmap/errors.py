"""Errors as data.

Every problem found in a workbook becomes an :class:`Issue` with a kebab-case code,
its location (file, sheet, row as a person sees it in Excel, column), the offending
value, a message and suggestions. Problems that stop the work are raised as
:class:`NetmapError` subclasses; :class:`InputError` carries every issue at once.

Examples
--------
>>> issue = Issue("empty-required", "the required cell 'name' is empty",
...               file="netmap.xlsx", sheet="partners", row=3, column="name")
>>> issue.location
'netmap.xlsx, sheet partners, row 3, column name'
>>> InputError([issue]).issues[0].code
'empty-required'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ERROR",
    "WARNING",
    "InputError",
    "Issue",
    "NetmapError",
    "RosterError",
    "StoreError",
    "UsageError",
    "escape_json_text",
    "safe_text",
]

ERROR = "error"
WARNING = "warning"

# Characters a terminal acts on instead of showing: the C0 controls (ESC starts the OSC and
# CSI sequences that set the window title, write the clipboard or clear the screen; BEL,
# backspace and CR rewrite what is shown), DEL, the C1 controls (U+009B is a one-byte CSI on
# some terminals), the line and paragraph separators, and the bidirectional controls that
# make text read in another order than it is stored (U+202E and its kin).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
# The same less the C0 controls, which JSON escapes itself (and whose newlines and
# spaces outside strings are JSON's own layout).
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f\u2028\u2029{_BIDI}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def safe_text(value: object, *, keep_newlines: bool = False) -> str:
    r"""Text from the data as it may be shown on a terminal: every control character,
    escape sequence and bidirectional control made visible as a Python-style escape.

    ESC becomes the four characters ``\x1b`` (so ``ESC ] 0 ; title BEL`` shows as
    ``\x1b]0;title\x07`` and sets no window title), a C1 control such as U+009B becomes
    ``\x9b``, U+202E becomes ``\u202e``; tab, newline and CR become ``\t``, ``\n`` and
    ``\r``. Everything else, accented letters and emoji included, is kept. A backslash
    already in the data is left as it is, so applying the function twice changes nothing;
    the exact text is in ``--json``.

    Parameters
    ----------
    value : object
        Any value; ``None`` is the empty string, others are passed through ``str``.
    keep_newlines : bool
        Keep newlines as they are (for text already laid out in lines).

    Examples
    --------
    >>> print(safe_text("Pima\x1b]0;pwned\x07 CC\u202e"))
    Pima\x1b]0;pwned\x07 CC\u202e
    >>> print(safe_text("a\x1b[2Jb\tc\x9bd"))
    a\x1b[2Jb\tc\x9bd
    >>> safe_text(safe_text("\x00")) == safe_text("\x00") == "\\x00"
    True
    """
    text = "" if value is None else str(value)
    if not _UNSAFE.search(text):
        return text
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_visible, line) for line in text.split("\n"))
    return _UNSAFE.sub(_visible, text)


def escape_json_text(dumped: str) -> str:
    r"""JSON text with the characters a terminal acts on written as ``\uXXXX`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` escapes the C0 controls but leaves DEL, the C1
    controls and the bidirectional controls raw. Escaped, they read back as the exact same
    string, and ``--json`` on a terminal cannot drive it.

    >>> import json
    >>> dumped = escape_json_text(json.dumps("x\u202ey\x9b", ensure_ascii=False))
    >>> print(dumped)
    "x\u202ey\u009b"
    >>> json.loads(dumped) == "x\u202ey\x9b"
    True
    """
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


@dataclass(frozen=True)
class Issue:
    """One problem found in the input.

    Parameters
    ----------
    code : str
        Stable kebab-case identifier, e.g. ``"unknown-agency-type"``.
    message : str
        A sentence for a person: what is wrong and how to fix it.
    severity : {"error", "warning"}
        Errors stop the build (exit code 1); warnings are reported and the data is kept.
    file, sheet, row, column : location; ``row`` is the row number a person sees in
        Excel (the header is row 1). CSV rows are counted the same way.
    value : the cell value as read, or None.
    suggestions : likely intended values, best first.
    """

    code: str
    message: str
    severity: str = ERROR
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    suggestions: tuple[str, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The issue as a JSON-ready dict with stable keys."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }

    def __str__(self) -> str:
        # One line, safe on a terminal whatever the cell held (to_dict keeps the exact text).
        where = self.location
        return safe_text(f"{where}: {self.code}: {self.message}" if where else f"{self.code}: {self.message}")


class NetmapError(Exception):
    """Base of every error netmap raises on purpose (shown without a traceback)."""

    exit_code = 1


class InputError(NetmapError):
    """The input has errors; ``issues`` holds all of them (and the warnings)."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues: list[Issue] = list(issues)
        errors = [i for i in self.issues if i.is_error]
        first = str(errors[0]) if errors else "no errors"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{len(errors)} error(s) in the input: {first}{more}")

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]


class RosterError(NetmapError):
    """A roster file is missing or malformed."""


class StoreError(NetmapError):
    """Talking to the graph database failed."""


class UsageError(NetmapError):
    """The command was called wrongly (missing file, bad option value): exit code 2."""

    exit_code = 2


# Every issue code netmap reports, with what it means. The README's table and the
# tests are checked against this list, so a new code cannot go undocumented.
ISSUE_CODES: dict[str, str] = {
    # the files themselves
    "encoding-error": "a CSV file is not in the --encoding given, or is damaged or binary",
    "encoding-guessed": "a CSV file is not UTF-8 and was read as Windows-1252; --encoding names another",
    "single-csv-file": "one CSV file was given whose folder holds other sheets' files; they were not read",
    "csv-separator": "a CSV file's cells are separated by a semicolon, tab or pipe; read so",
    "file-too-large": "a file is larger than the size limit",
    "zip-bomb": "an .xlsx unpacks to far more than its size",
    "unsafe-xml": "an .xlsx part declares a DTD or entities (XML bomb)",
    "not-a-workbook": "a file is not a readable .xlsx workbook",
    "not-a-form": "a .json file is not the answers file of a netmap survey form",
    "form-value": "an answer in a survey answers file is of the wrong kind (a list, a huge number); left out",
    "malformed-csv": "a CSV file cannot be parsed (usually an unclosed quote)",
    "too-many-rows": "a sheet has more rows than the limit",
    "too-many-columns": "a sheet has more columns than the limit",
    "cell-too-long": "a cell holds more than 32,767 characters (Excel's own limit)",
    "ragged-row": "a CSV row has more or fewer cells than the header",
    "sheet-too-wide": "an .xlsx sheet has values past the last column netmap reads; they are left out",
    "sheet-too-large": "an .xlsx sheet declares or holds more cells than the limit",
    # sheets and columns
    "missing-sheet": "the partners sheet is missing",
    "duplicate-sheet": "two sheets or files have the same name",
    "unknown-sheet": "a sheet netmap does not know; kept as extra data",
    "empty-sheet": "a sheet without a header row",
    "no-partners": "the partners sheet has no rows",
    "missing-column": "a required column is missing",
    "duplicate-column": "a column appears twice",
    "unknown-column": "a column netmap does not know; kept as an attribute",
    "unnamed-column": "a value in a column without a header",
    # cells
    "empty-required": "a required cell is empty",
    "duplicate-id": "an id is used twice in its sheet",
    "duplicate-row": "a row equal to an earlier one in every column; kept once",
    "conflicting-rows": "two rows about one thing (a tie, role, service or contact) with different values",
    "formula-not-computed": "an .xlsx formula cell with no stored value (the workbook was never calculated)",
    "merged-cell": "a cell of a merged range other than its top-left one, which reads as empty",
    "duplicate-party": "a partner is listed twice among an agreement's parties",
    "invalid-choice": "a value is not one of the allowed choices",
    "invalid-date": "a value is not a date (write YYYY-MM-DD)",
    "ambiguous-date": "a date such as 04/03/2024 could be two days",
    "date-order": "an end or expiry date is before the start or signing date",
    "invalid-number": "a value is not a number",
    "out-of-range": "a number is outside its allowed range",
    "amount-too-large": "an amount of money above 10^15 (a slip: no sum of amounts may overflow)",
    "invalid-boolean": "a value is not yes or no",
    "invalid-email": "a value does not look like an email address",
    "self-tie": "a tie from a partner to itself",
    # the roster and references
    "unknown-agency-type": "an agency type that matches nothing in the roster",
    "custom-agency-type": "an agency type outside the roster, kept because the roster allows custom types",
    "level-mismatch": "a partner's level does not fit its agency type's level",
    "unknown-role": "a role that is not in the roster's role chart",
    "unknown-population": "a population the roster does not know; kept",
    "unknown-reference": "a partner id that names no partner",
    "unknown-service": "a service the service taxonomy does not know; kept as written",
    "unknown-award": "a service's funding_id that is the id of no award in the funding sheet",
    "unknown-region": "a needs row for a region where no partner or service is; kept",
    "refers-to-rejected-partner": "a row left out because a partner it names has an error in its own row",
    "region-spelling": "a region written another way (case, spaces, punctuation) than its first spelling; merged",
    "too-few-parties": "an agreement with fewer than two parties",
    # netmap merge: several workbooks into one
    "merge-id-collision": (
        "one partner, agreement or award id names two different ones in two inputs; the later renamed <input>/<id>"
    ),
    "merge-same-organisation": "one organisation (name and agency type) under two ids; --same A=B merges them",
    "merge-conflict": "a row about the same thing as an earlier input's, with another value; the earlier kept",
    "merge-combined-row": "a row about the same thing as an earlier input's, filling its blanks; combined",
    "merge-duplicate-row": "a row equal in every column to an earlier input's; kept once",
    # partner intake forms (netmap survey)
    "form-scores-without-tie": "a form's Partners row has answers but works_together is not yes; not read",
    # Open Referral HSDS 3.0 packages and their mapping file
    "hsds-bad-datapackage": "an HSDS datapackage.json cannot be used; the standard file names are read instead",
    "hsds-bad-resource": "an HSDS resource path points outside the package (or is a URL)",
    "hsds-missing-resource": "an HSDS package lacks organizations.csv, or lists a file that is not there",
    "hsds-missing-column": "an HSDS file lacks a column HSDS 3.0 requires",
    "hsds-missing-id": "an HSDS row has no id",
    "hsds-duplicate-id": "an HSDS id is used twice in its file",
    "hsds-missing-value": "an HSDS funding row has no source",
    "hsds-unknown-reference": "an HSDS row names an organization, service or taxonomy term that is not in the package",
    "hsds-unmapped": "an HSDS organisation whose terms map to no agency type; left out, with its services and funding",
    "hsds-type-tie": "an HSDS organisation's terms map equally often to two or more agency types; left out",
    "hsds-moved-resource": "an HSDS datapackage.json path names no file; the file of that name beside it is read",
    "hsds-bad-mapping": "a mapping file entry names an agency type or population the roster does not know",
}
