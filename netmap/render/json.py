"""JSON output with stable keys: dates as ISO strings, tuples and sets as lists.

Results are written by ``orjson`` (C speed: a 10,000-partner analysis is about 850,000
objects, which the standard library's encoder takes two seconds over). The meaning is
that of :func:`to_jsonable` followed by ``json.dumps``: the same keys in the same order,
the same values, NaN and infinity as ``null``. What orjson does not take (keys that are
not strings, integers beyond 64 bits) goes the slow way, so nothing is refused that was
written before.

Examples
--------
>>> import datetime
>>> print(dumps({"b": datetime.date(2024, 3, 4), "a": (1, {2})}))
{
  "b": "2024-03-04",
  "a": [
    1,
    [
      2
    ]
  ]
}
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import re
from collections.abc import Iterator
from typing import IO, Any

import orjson

from netmap._gc import gc_paused
from netmap.errors import escape_json_text

__all__ = ["dump_bytes", "dumps", "html_dumps", "plain", "to_jsonable", "write_json"]


def to_jsonable(value: Any) -> Any:
    """Turn results into plain JSON types (NaN and infinity become null)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_jsonable(v) for v in value), key=str)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "to_dict"):
        return to_jsonable(value.to_dict())
    return value


def plain(value: Any) -> Any:
    """:func:`to_jsonable` at C speed: ``value`` written by orjson and read back.

    The same plain structure (dicts with text keys, lists, text, numbers, None), as orjson
    writes what to_jsonable would write and reads back the very floats it wrote. What orjson
    does not take (keys that are not text, subclasses of text such as ``Markup``, integers
    beyond 64 bits) goes through :func:`to_jsonable` itself.

    >>> import datetime
    >>> plain({"d": datetime.date(2024, 3, 4), "n": float("nan"), "t": (1, {3, 2})})
    {'d': '2024-03-04', 'n': None, 't': [1, [2, 3]]}
    """
    try:
        # Paused: reading back makes millions of dicts and lists on a state map, none in a
        # cycle, and the collector's passes over them took longer than making them.
        with gc_paused():
            return orjson.loads(orjson.dumps(value, default=_default, option=_OPTIONS))
    except (orjson.JSONEncodeError, TypeError):
        return to_jsonable(value)


def _default(value: Any) -> Any:
    """What orjson hands back: the types :func:`to_jsonable` turns into JSON ones."""
    if isinstance(value, (dt.date, set, frozenset)):
        # As to_jsonable writes them: a set sorted by its members' text; a date or datetime
        # of a subclass (pandas' Timestamp) as its isoformat().
        return to_jsonable(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, float):  # a float subclass (numpy.float64): NaN becomes null below
        return float(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# Dataclasses and subclasses go through _default so they read as to_jsonable writes them.
# Dates and datetimes orjson writes itself, as isoformat() does (tests/render/test_json.py):
# a state map's analysis holds about 220,000 dates, and a call back into Python for each
# took a quarter of a second. (A UTC offset with seconds, as in pre-1900 local mean time,
# orjson writes to the minute, as RFC 3339 has it; netmap's datetimes are UTC.)
_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS

# The characters escape_json_text writes as \uXXXX (DEL, C1 controls, line and paragraph
# separators, bidirectional controls), matched in UTF-8 so the bytes need no decoding.
_UNSAFE_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9\xaa-\xae\x8e\x8f]|\xe2\x81[\xa6-\xa9]|\xd8\x9c",
)


# The bytes those sequences start with: bytes.find looks for them at memchr speed, while the
# regular expression scans a 20 MB document (10,000 partners) in a fifth of a second. They also
# start harmless characters ("\u2192", "\u2014", "\u00b7"): a map's data holds hundreds of
# thousands, each looked at where it stands, up to this many before the expression scans on.
_UNSAFE_FIRST_BYTES = (b"\x7f", b"\xc2", b"\xd8", b"\xe2")
_LOOKS = 250_000


def _escape_utf8(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group().decode("utf-8"))


def _escape_unsafe(data: bytes) -> bytes:
    r"""``data`` with :data:`_UNSAFE_UTF8` escaped, scanning with the expression only from the
    first byte that may start such a character (most documents have none).

    >>> _escape_unsafe("plain \u00e9".encode()) == "plain \u00e9".encode()
    True
    >>> _escape_unsafe("a\u2019b\u202ec".encode()) == "a\u2019b\\u202ec".encode()
    True
    """
    first = _first_unsafe(data)
    if first < 0:
        return data  # the document itself, not a copy: a state map's data is hundreds of MB
    return data[:first] + _UNSAFE_UTF8.sub(_escape_utf8, data[first:])


def _first_unsafe(data: bytes) -> int:
    r"""Where the first character of :data:`_UNSAFE_UTF8` in ``data`` starts (-1: none), or
    an earlier offset from which only the expression can tell (too many harmless leads).

    >>> _first_unsafe("a \u2192 b".encode()), _first_unsafe("a \u2192 \u202e".encode())
    (-1, 6)
    """
    best = -1
    for lead in _UNSAFE_FIRST_BYTES:
        at, looked = data.find(lead), 0
        while at >= 0 and (best < 0 or at < best):
            if _UNSAFE_UTF8.match(data, at) or looked >= _LOOKS:
                best = at
                break
            at, looked = data.find(lead, at + 1), looked + 1
    return best


def dump_bytes(value: Any, *, indent: int | None = 2, sort_keys: bool = False) -> bytes:
    """``value`` as UTF-8 JSON bytes, with terminal-active characters escaped.

    ``indent`` is 2 or None (compact). The bytes mean what :func:`dumps` has always
    written: ``json.loads`` gives the same object.

    >>> dump_bytes({"x": float("nan"), "y": "a\\u202eb"}, indent=None)
    b'{"x":null,"y":"a\\\\u202eb"}'
    """
    option = _OPTIONS | (orjson.OPT_INDENT_2 if indent else 0) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        with gc_paused():  # the results' to_dict() copies: many new objects, no cycles
            data = orjson.dumps(value, default=_default, option=option)
    except (orjson.JSONEncodeError, TypeError):
        # Keys that are not strings, integers beyond 64 bits, text that is not valid
        # Unicode: the standard library writes them as netmap always has.
        text = json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False, sort_keys=sort_keys)
        return escape_json_text(text).encode("utf-8", "surrogatepass")
    return _escape_unsafe(data)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Serialise results as JSON (UTF-8 text, non-ASCII kept as is).

    The characters a terminal would act on (C1 and bidirectional controls, which JSON
    may leave raw) are written as ``\\uXXXX`` escapes: the text reads back exactly.
    """
    return dump_bytes(value, indent=indent).decode("utf-8", "surrogatepass")


def write_json(value: Any, stream: IO[str] | IO[bytes]) -> None:
    """Write ``value`` as JSON and a newline to ``stream`` (bytes straight to a binary buffer).

    >>> import io
    >>> out = io.BytesIO()
    >>> write_json({"a": 1}, out)
    >>> out.getvalue()
    b'{\\n  "a": 1\\n}\\n'
    """
    # The newline written on its own: adding it to the document would copy it whole (about
    # 200 MB at 100,000 partners) at the command's peak of memory.
    data = dump_bytes(value)
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:  # a text stream over bytes (sys.stdout): no decoding, no copy
        stream.flush()  # what was printed before comes first
        buffer.write(data)
        buffer.write(b"\n")
        buffer.flush()
        return
    try:
        stream.write(data)  # type: ignore[arg-type]
        stream.write(b"\n")  # type: ignore[arg-type]
    except TypeError:  # a text stream without a buffer (io.StringIO)
        stream.write(data.decode("utf-8", "surrogatepass") + "\n")  # type: ignore[arg-type]


def script_json_bytes(value: Any) -> bytes:
    r"""``value`` as the UTF-8 bytes of ``{{ value|tojson }}`` in a netmap page.

    What Jinja's ``tojson`` writes with :func:`html_dumps` (keys sorted, compact, ``<``,
    ``>``, ``&`` and ``'`` as ``\u`` escapes), made without a text copy of the document: the
    report's map data (a few hundred MB on a state map) goes to its file as these bytes.

    >>> script_json_bytes({"b": "</script>", "a": "Tom's & Co"})
    b'{"a":"Tom\\u0027s \\u0026 Co","b":"\\u003c/script\\u003e"}'
    """
    return b"".join(script_json_parts(value))


def script_json_parts(value: Any, *, size: int = 1 << 23) -> Iterator[bytes]:
    r""":func:`script_json_bytes` of ``value`` in parts of about ``size`` bytes, escaped part
    by part: a state map's data (a hundred MB and more) is not held twice while escaped.

    >>> list(script_json_parts({"a": "<b>"}, size=4))
    [b'{"a"', b':"\\u003cb', b'\\u003e"}']
    """
    data = dump_bytes(value, indent=None, sort_keys=True)
    for start in range(0, len(data), size):
        part = data[start : start + size]
        # These four bytes never stand inside the UTF-8 sequence of another character, so
        # a part may end anywhere.
        for char, escape in _SCRIPT_ESCAPES:
            part = part.replace(char, escape)
        yield part


_SCRIPT_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"), (b"'", b"\\u0027"))


def html_dumps(value: Any, **kwargs: Any) -> str:
    """Jinja's ``tojson`` encoder for netmap's pages (``env.policies["json.dumps_function"]``).

    Jinja then escapes ``<``, ``>``, ``&`` and ``'`` for the page. Keys are sorted when
    asked (Jinja's default ``sort_keys=True``).
    """
    return dump_bytes(value, indent=kwargs.get("indent"), sort_keys=bool(kwargs.get("sort_keys"))).decode(
        "utf-8", "surrogatepass"
    )
