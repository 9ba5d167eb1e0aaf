"""netmap.render.json: orjson writes what the standard library wrote, in meaning and escapes."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from dataclasses import dataclass

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netmap.errors import escape_json_text
from netmap.render.json import dump_bytes, dumps, html_dumps, plain, to_jsonable, write_json


@dataclass
class _Result:
    score: float

    def to_dict(self):
        return {"score": self.score, "when": dt.date(2025, 1, 2)}


def _before(value, indent=2):
    """What netmap wrote before orjson: to_jsonable, then the standard library."""
    return escape_json_text(json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False))


VALUES = [
    pytest.param({"b": 1, "a": 2, "c": [3, 4.5]}, id="key-order"),
    pytest.param({"x": math.nan, "y": math.inf, "z": -math.inf}, id="nan-is-null"),
    pytest.param({"s": {"b", "a", "c"}, "f": frozenset({3, 1})}, id="sets-sorted"),
    pytest.param({"mixed": {2, "10", 1}}, id="mixed-set-sorted-as-text"),
    pytest.param({"d": dt.date(2024, 3, 4), "t": dt.datetime(2024, 3, 4, 5, 6, 7, 8)}, id="dates"),
    pytest.param({"tz": dt.datetime(2024, 3, 4, 5, 6, tzinfo=dt.timezone.utc)}, id="aware-datetime"),
    pytest.param({"r": _Result(0.25), "rs": [_Result(math.nan)]}, id="to-dict"),
    pytest.param({"t": (1, (2, 3))}, id="tuples"),
    pytest.param({"np": np.float64(0.1), "nan": np.float64("nan")}, id="numpy-float"),
    pytest.param({1: "int key", None: "none key", dt.date(2024, 1, 1): "date key"}, id="non-text-keys"),
    pytest.param({"big": 2**70, "neg": -(2**65)}, id="beyond-64-bits"),
    pytest.param({"tiny": 1e-05, "huge": 1e16, "third": 1 / 3, "zero": -0.0}, id="float-spelling"),
    pytest.param({"": [], "e": {}, "n": None, "b": [True, False]}, id="empties"),
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("indent", [2, None])
def test_same_meaning_as_the_standard_library(value, indent):
    assert json.loads(dumps(value, indent=indent)) == json.loads(_before(value, indent))


def _shape(value):
    """``value`` with the type of every part: plain() must make the very same objects."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return (type(value).__name__, value if not isinstance(value, float) or not math.isnan(value) else "nan")


@pytest.mark.parametrize("value", VALUES)
def test_plain_is_to_jsonable(value):
    expected = to_jsonable(value)
    assert plain(value) == expected
    if not any(isinstance(v, np.floating) for v in (value.values() if isinstance(value, dict) else ())):
        assert _shape(plain(value)) == _shape(expected)


def test_plain_keeps_markup_and_exact_floats():
    from markupsafe import Markup

    value = {"m": Markup("<b>x</b>"), "f": [0.1 + 0.2, 1 / 3, 2.5e-308, 1.7976931348623157e308]}
    out = plain(value)
    assert type(out["m"]) is Markup  # text the page has escaped already stays so
    assert out["f"] == value["f"] and all(type(f) is float for f in out["f"])


def test_indented_text_is_byte_identical_without_exotic_floats():
    value = {"b": [1, {"c": "x"}], "a": {"d": dt.date(2024, 3, 4)}, "e": [], "f": {}, "g": 0.5}
    assert dumps(value) == _before(value)


@pytest.mark.parametrize(
    "char",
    ["\x7f", "\x80", "\x9b", "\x9f", "\u2028", "\u2029", "\u061c", "\u200e", "\u200f", "\u202a", "\u202e", "\u2069"],
)
def test_terminal_active_characters_are_escaped(char):
    text = dumps({"name": f"a{char}b"})
    assert char not in text
    assert f"\\u{ord(char):04x}" in text
    assert json.loads(text) == {"name": f"a{char}b"}


@pytest.mark.parametrize("char", ["\u00e9", "\u2013", "\u201c", "\u2070", "\u0627", "\U0001f600", "\u00a0"])
def test_ordinary_characters_stay_as_they_are(char):
    assert dumps([char]) == f'[\n  "{char}"\n]'


def test_unknown_types_are_refused_as_before():
    with pytest.raises(TypeError):
        dumps({"x": object()})


def test_write_json_goes_to_the_binary_buffer_after_earlier_text():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    stream.write("before\n")
    write_json({"a": "\u00e9"}, stream)
    assert raw.getvalue().decode("utf-8") == 'before\n{\n  "a": "\u00e9"\n}\n'


def test_write_json_to_a_text_stream_without_buffer():
    out = io.StringIO()
    write_json([1], out)
    assert out.getvalue() == "[\n  1\n]\n"


def test_html_dumps_sorts_keys_as_jinja_asks():
    assert html_dumps({"b": 1, "a": 2}, sort_keys=True) == '{"a":2,"b":1}'
    assert json.loads(html_dumps({"b": [1]}, sort_keys=True, indent=2)) == {"b": [1]}


def test_pages_embed_data_through_it():
    """The report's environment uses it: the embedded JSON is compact orjson text."""
    from markupsafe import Markup

    from netmap.render.page import environment

    env = environment()
    out = env.from_string("{{ v|tojson }}").render(v={"z": "<\u00e9>", "a": math.nan})
    assert Markup(out) == '{"a":null,"z":"\\u003c\u00e9\\u003e"}'
    assert dump_bytes({"z": 1}, indent=None) == b'{"z":1}'


# Every character escape_json_text escapes that JSON leaves raw, one of each lead byte's family.
_UNSAFE_CHARS = [
    "\x7f",
    "\x85",
    "\x9f",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202e",
    "\u200e",
    "\u200f",
    "\u2066",
    "\u2069",
    "\u061c",
]


@pytest.mark.parametrize("char", _UNSAFE_CHARS)
@pytest.mark.parametrize("prefix", ["", "plain " * 5000, "caf\u00e9 \u2019 \u2013 " * 2000])
def test_unsafe_characters_are_escaped_wherever_they_are(char, prefix):
    from netmap.render.json import _UNSAFE_UTF8, _escape_utf8

    value = {"name": prefix + "a" + char + "b", "after": char}
    data = dump_bytes(value, indent=None)
    raw = orjson.dumps(value)
    assert data == _UNSAFE_UTF8.sub(_escape_utf8, raw)  # what scanning the whole text gives
    assert char.encode() not in data and data.count(b"\\u%04x" % ord(char)) == 2
    assert json.loads(data) == value


def test_a_document_without_unsafe_characters_is_left_as_written():
    value = {"name": "caf\u00e9 \u2019 \u2013 \u00fc" * 100}
    assert dump_bytes(value, indent=None) == orjson.dumps(value)


def test_write_json_ends_with_one_newline_on_every_kind_of_stream():
    value = {"a": [1, 2], "b": "caf\u00e9"}
    expected = dump_bytes(value) + b"\n"
    raw = io.BytesIO()
    write_json(value, raw)
    text = io.StringIO()
    write_json(value, text)
    wrapped = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    write_json(value, wrapped)
    assert raw.getvalue() == expected
    assert text.getvalue() == expected.decode("utf-8")
    assert wrapped.buffer.getvalue() == expected


@pytest.mark.parametrize(
    "value",
    [
        {"b": "</script><script>alert(1)</script>", "a": "Tom's & Co <b>"},
        {"name": "Café \u2028 \u202e\u0085 \U0001f600", "n": [1.5, float("nan"), None, True]},
        [{"z": {"y": "'&'"}, "x": "\x7f"}],
        "plain",
    ],
    ids=["markup", "unicode", "nested", "text"],
)
def test_the_reports_map_data_bytes_are_what_tojson_writes(value):
    # The report splices its map's data in as bytes; they must be the bytes the template's
    # tojson wrote, key order, escapes and all.
    from jinja2.utils import htmlsafe_json_dumps

    from netmap.render.json import html_dumps, script_json_bytes

    expected = str(htmlsafe_json_dumps(value, dumps=html_dumps, sort_keys=True)).encode("utf-8")
    assert script_json_bytes(value) == expected


# Plain text, harmless characters sharing a first byte with an unsafe one, then unsafe ones.
_PIECES = ["a", "\u2192", "\u2014", "\u00b7", "\u00e9", "\u0610"]
_PIECES += ["\u2028", "\u202e", "\u200f", "\u2069", "\x85", "\x7f", "\u061c"]


@pytest.mark.parametrize("looks", [0, 1, 3, 250_000])
@pytest.mark.parametrize("seed", range(40))
def test_unsafe_characters_are_found_among_many_harmless_leads(seed, looks, monkeypatch):
    # Harmless characters that start with the same bytes as the unsafe ones ("\u2192" and
    # "\u202e" both start with \xe2) are looked at one by one, up to a number, then the
    # expression scans: the result is the expression's over the whole document either way.
    import random

    from netmap.render import json as js

    monkeypatch.setattr(js, "_LOOKS", looks)
    rng = random.Random(seed)
    weights = [40, 20, 10, 5, 5, 5, *([1] * (len(_PIECES) - 6))]
    text = "".join(rng.choices(_PIECES, weights=weights, k=rng.randrange(0, 300)))
    data = text.encode("utf-8")
    assert js._escape_unsafe(data) == js._UNSAFE_UTF8.sub(js._escape_utf8, data)


# Whole-minute UTC offsets, as every real zone has had since 1972 (the store writes UTC).
_MINUTE_OFFSETS = st.builds(lambda m: dt.timezone(dt.timedelta(minutes=m)), st.integers(-23 * 60 - 59, 23 * 60 + 59))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.dates(),
        st.datetimes(),
        st.datetimes(timezones=_MINUTE_OFFSETS),
        st.datetimes(timezones=st.just(dt.timezone.utc)),
    )
)
def test_dates_and_datetimes_read_as_their_isoformat(when):
    """orjson writes them itself now (no call back per date): the text of isoformat()."""
    want = json.dumps({"when": when.isoformat()})
    assert json.loads(dump_bytes({"when": when}, indent=None)) == json.loads(want)
    assert dump_bytes([when], indent=None) == f'["{when.isoformat()}"]'.encode()


def test_a_date_subclass_reads_as_its_isoformat():
    import pandas as pd

    stamp = pd.Timestamp("2024-03-04 05:06:07.000008")
    assert dump_bytes({"t": stamp}, indent=None) == b'{"t":"2024-03-04T05:06:07.000008"}'


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 1 << 23])
def test_script_json_parts_escape_each_part_as_the_whole_would_be(size):
    """Parts may end anywhere, inside a multi-byte character too: the four escaped bytes are
    ASCII, so each part escaped on its own joins into the whole document escaped at once."""
    import orjson

    from netmap.render.json import script_json_parts

    value = {"b": "</script> & 'x' <é→€ \U0001f600>", "a": [1, "Tom's & Co", {"<": ">"}]}
    whole = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    for char, escape in ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"), (b"'", b"\\u0027")):
        whole = whole.replace(char, escape)
    parts = list(script_json_parts(value, size=size))
    assert b"".join(parts) == whole
    assert all(len(p) <= size * 6 for p in parts)  # each part at most its size, escaped
    assert len(parts) == -(-len(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)) // size)
