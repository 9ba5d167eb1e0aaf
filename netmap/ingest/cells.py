"""Parse one cell: text, dates, amounts, booleans, strengths.

Each parser takes the raw cell (a ``str`` from CSV; ``str``, ``int``, ``float``,
``bool`` or ``datetime`` from Excel) and returns ``(value, problem)`` where
``problem`` is ``None`` or a ``(code, message, suggestions)`` triple that the
validator turns into an :class:`~netmap.errors.Issue` with the cell's location.

Examples
--------
>>> parse_date("2024-03-04")
(datetime.date(2024, 3, 4), None)
>>> parse_date("04/03/2024")[1][0]
'ambiguous-date'
>>> parse_amount("$1,200,000")
(1200000.0, None)
>>> cell_text(7.0), cell_text("007")
('7', '007')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

__all__ = [
    "MAX_AMOUNT",
    "Problem",
    "cell_text",
    "decimal_mark",
    "is_ambiguous_number",
    "is_blank",
    "parse_amount",
    "parse_bool",
    "parse_count",
    "parse_date",
    "parse_score",
    "parse_strength",
    "to_decimal_point",
]

Problem = tuple[str, str, tuple[str, ...]]

# The largest amount of money netmap accepts: a thousand trillion dollars, far above any
# grant. Anything larger is a slip (an id or a date typed into the amount column), and
# amounts near float's limit would make the sums infinite and the shares NaN.
MAX_AMOUNT = 1e15

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DMY_OR_MDY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def cell_text(value: Any) -> str:
    """A cell as the text a person sees in it; identifiers stay exactly as written.

    Excel stores ``7`` typed into a cell as the number 7.0; it shows "7", so that is
    the text. Text cells are returned unchanged apart from surrounding whitespace.
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _iso(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _spelled(text: str) -> str:
    return f"{text} ({dt.date.fromisoformat(text).strftime('%d %B %Y').lstrip('0')})"


def parse_date(value: Any) -> tuple[dt.date | None, Problem | None]:
    """A date from an Excel date cell or ISO ``YYYY-MM-DD`` text.

    ``04/03/2024`` is refused as ambiguous (4 March or April 3?) with both readings
    as suggestions; other non-ISO text is refused with the ISO reading where one is
    clear.
    """
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hint: tuple[str, ...] = ()
        if 1 <= value < 2958466:
            hint = ((_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat(),)
        return None, (
            "invalid-date",
            "a number is not a date; format the cell as a date or write YYYY-MM-DD",
            hint,
        )
    text = cell_text(value)
    m = _ISO.match(text) or _YMD_SLASH.match(text)
    if m:
        day = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if day:
            return day, None
        return None, ("invalid-date", f"{text!r} is not a day of the calendar", ())
    m = _DMY_OR_MDY.match(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if y < 100:
            return None, ("invalid-date", f"{text!r} has a two-digit year; write dates as YYYY-MM-DD", ())
        mdy, dmy = _iso(y, a, b), _iso(y, b, a)
        readings = tuple(_spelled(d.isoformat()) for d in dict.fromkeys(x for x in (mdy, dmy) if x))
        if mdy and dmy and mdy != dmy:
            return None, (
                "ambiguous-date",
                f"{text!r} could be either of two days; write dates as YYYY-MM-DD",
                readings,
            )
        return None, ("invalid-date", f"{text!r} is not an ISO date; write dates as YYYY-MM-DD", readings)
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return None, ("invalid-date", f"{text!r} is not an ISO date; write dates as YYYY-MM-DD", (day.isoformat(),))
    return None, ("invalid-date", f"{text!r} is not a date; write dates as YYYY-MM-DD", ())


def parse_amount(value: Any) -> tuple[float | None, Problem | None]:
    """A non-negative amount of money: ``1200``, ``1200.50``, ``$1,200,000``, or a number cell.

    At most :data:`MAX_AMOUNT`, so that no sum of amounts can overflow.

    >>> parse_amount("9e307")[1][0]
    'amount-too-large'
    """
    if isinstance(value, bool):
        return None, ("invalid-number", f"{cell_text(value)!r} is not a number", ())
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = cell_text(value)
        cleaned = text.replace(" ", "")
        if cleaned[:1] == "$":
            cleaned = cleaned[1:]
        elif cleaned[:3].upper() == "USD":
            cleaned = cleaned[3:]
        if _GROUPED.match(cleaned):
            cleaned = cleaned.replace(",", "")
        if not _PLAIN.match(cleaned):
            hint: tuple[str, ...] = ()
            if re.match(r"^\d{1,3}(\.\d{3})+(,\d+)?$", cleaned):
                hint = (cleaned.replace(".", "").replace(",", "."),)
            return None, ("invalid-number", f"{text!r} is not a number; write amounts like 125000 or 125000.50", hint)
        number = float(cleaned)
    if math.isnan(number) or math.isinf(number):
        return None, ("invalid-number", f"{cell_text(value)!r} is not a finite number", ())
    if number < 0:
        return None, ("out-of-range", f"{cell_text(value)!r} is negative; amounts are 0 or more", ())
    if number > MAX_AMOUNT:
        message = f"{cell_text(value)!r} is larger than netmap's limit of 1,000,000,000,000,000 (10^15) dollars"
        return None, ("amount-too-large", message, ())
    return number, None


# Numbers as Excel writes them where the decimal mark is a comma (de, fr, nl, es, ...) and
# where it is a point. A single group of exactly three digits ("1.250", "1,250") is
# either a thousands group or three decimals: it proves neither convention.
_SPACES = str.maketrans("", "", " \u00a0\u202f")  # French and Swiss group with (no-break) spaces
_COMMA_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+,\d+|\d*,\d{1,2}|\d*,\d{4,}|\d{4,},\d+|\d{1,3}(\.\d{3}){2,})$")
_POINT_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+\.\d+|\d*\.\d{1,2}|\d*\.\d{4,}|\d{4,}\.\d+|\d{1,3}(,\d{3}){2,})$")
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")
_COMMA_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$")


def decimal_mark(cells: list[Any], default: str) -> str | None:
    """The decimal mark the number cells of a CSV file use: ``","``, ``"."``, or ``None`` if both.

    Only cells that prove a convention count (``12,5`` or ``1.250,00`` a comma, ``12.5``
    or ``1,250.00`` a point); with none, ``default`` (a comma for a semicolon-separated
    file, as Excel writes it in the languages that use one).

    >>> decimal_mark(["12,5", "1250"], "."), decimal_mark(["1,250", "7"], ",")
    (',', ',')
    >>> decimal_mark(["12.5", "1,250"], ","), decimal_mark(["12,5", "12.5"], ",")
    ('.', None)
    """
    comma = point = False
    for cell in cells:
        if not isinstance(cell, str) or not cell:
            continue
        text = cell.translate(_SPACES)
        comma = comma or bool(_COMMA_DECIMAL.match(text))
        point = point or bool(_POINT_DECIMAL.match(text))
        if comma and point:
            return None
    return "," if comma else "." if point else default


def to_decimal_point(text: str) -> str | None:
    """A number written with a decimal comma (and point or space groups) as netmap reads
    numbers; ``None`` when the text is no such number (it is then parsed as written).

    >>> to_decimal_point("12,5"), to_decimal_point("1.250,50"), to_decimal_point("1 250")
    ('12.5', '1250.50', '1250')
    >>> to_decimal_point("12.5") is None, to_decimal_point("Pima") is None
    (True, True)
    """
    compact = text.strip().translate(_SPACES)
    if not _COMMA_NUMBER.match(compact):
        return None
    return compact.replace(".", "").replace(",", ".")


def is_ambiguous_number(text: str) -> bool:
    """Whether a number reads two ways by the decimal mark: ``1.250`` and ``1,250``."""
    return bool(_AMBIGUOUS.match(text.strip().translate(_SPACES)))


def _on_scale(value: Any, top: int, span: str, steps: str) -> tuple[int | None, Problem | None]:
    """A whole number 1 to ``top``; the problems say the scale as ``span`` and ``steps``."""
    if isinstance(value, bool):
        return None, ("invalid-number", f"{cell_text(value)!r} is not a whole number 1-{top}", ())
    text = cell_text(value)
    try:
        number = float(text)
    except ValueError:
        return None, ("invalid-number", f"{text!r} is not a whole number; {span}", ())
    if not number.is_integer() or not 1 <= number <= top:
        return None, ("out-of-range", f"{text!r} is outside 1-{top}; {steps}", ())
    return int(number), None


def parse_strength(value: Any) -> tuple[int | None, Problem | None]:
    """A tie strength: the whole number 1, 2 or 3.

    >>> parse_strength("2"), parse_strength("4")[1][1]
    ((2, None), "'4' is outside 1-3; strength is 1 (weak), 2 or 3 (strong)")
    """
    return _on_scale(value, 3, "strength is 1 (weak) to 3 (strong)", "strength is 1 (weak), 2 or 3 (strong)")


def parse_score(value: Any) -> tuple[int | None, Problem | None]:
    """A relationship-quality score: the whole number 1, 2, 3 or 4.

    >>> parse_score("3"), parse_score(4.0)[0], parse_score("5")[1][0], parse_score("high")[1][0]
    ((3, None), 4, 'out-of-range', 'invalid-number')
    """
    return _on_scale(value, 4, "a score is 1 (not at all) to 4", "a score is 1 (not at all), 2, 3 or 4")


def parse_count(value: Any) -> tuple[int | None, Problem | None]:
    """A count of people or seats: a whole number 0 or more (``12``, ``1,200``, a number cell).

    >>> parse_count("1,200"), parse_count(3.0)
    ((1200, None), (3, None))
    >>> parse_count("-2")[1][0], parse_count("2.5")[1][0], parse_count("many")[1][0]
    ('out-of-range', 'invalid-number', 'invalid-number')
    """
    if isinstance(value, bool):
        return None, ("invalid-number", f"{cell_text(value)!r} is not a whole number", ())
    text = cell_text(value)
    cleaned = text.replace(" ", "")
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if isinstance(value, (int, float)):
        number = float(value)
    elif _PLAIN.match(cleaned):
        number = float(cleaned)
    else:
        return None, ("invalid-number", f"{text!r} is not a number; write a count as a whole number like 25", ())
    if math.isnan(number) or math.isinf(number):
        return None, ("invalid-number", f"{text!r} is not a finite number", ())
    if number < 0:
        return None, ("out-of-range", f"{text!r} is negative; counts are 0 or more", ())
    if not number.is_integer():
        return None, ("invalid-number", f"{text!r} is not a whole number; a count is 0, 1, 2, ...", ())
    if number > MAX_AMOUNT:
        return None, ("out-of-range", f"{text!r} is larger than netmap's limit of 10^15", ())
    return int(number), None


def parse_bool(value: Any) -> tuple[bool | None, Problem | None]:
    """yes/no, y/n, true/false, 1/0 (any case), or an Excel TRUE/FALSE cell."""
    if isinstance(value, bool):
        return value, None
    text = cell_text(value).casefold()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, ("invalid-boolean", f"{cell_text(value)!r} is not yes or no", ("yes", "no"))
