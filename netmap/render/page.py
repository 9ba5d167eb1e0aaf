"""What every netmap page shares: cells and sortable tables, the templates' environments, the
Content-Security-Policy, Markdown escaping.

The report (:mod:`netmap.render.report`) and the page of changes between two snapshots
(:mod:`netmap.render.diff_report`) are built the same way: a function gathers plain
JSON-ready data (sections of text, facts and tables whose cells are text plus a sort
value), and a template draws it, HTML under autoescape or Markdown through
:func:`md_escape`. Nothing here formats data into markup: that is the templates' work.

Examples
--------
>>> t = table("table-x", "Partners", [("Partner", False), ("Ties", True)], [[cell("A"), number(3)]])
>>> t["columns"][1], t["rows"][0][1]["text"]
({'label': 'Ties', 'numeric': True, 'nowrap': True}, '3')
>>> md_escape("*not emphasis*")
'\\\\*not emphasis\\\\*'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from netmap.outputs import Inputs, write_file
from netmap.render.map import _sha256

__all__ = [
    "NOWRAP_BELOW",
    "cell",
    "content_security_policy",
    "environment",
    "fmt_money",
    "fmt_num",
    "fmt_pct",
    "md_escape",
    "number",
    "section",
    "table",
    "timestamp",
    "write_text",
]

NOWRAP_BELOW = 24  # characters: a column this narrow never wraps


# -- formatting ------------------------------------------------------------------------------


def fmt_money(x: float | None) -> str:
    """``$1,250`` (blank for no amount).

    >>> fmt_money(1250.4), fmt_money(None)
    ('$1,250', '')
    """
    return "" if x is None else f"${x:,.0f}"


def fmt_pct(x: float | None) -> str:
    """A share as a whole percentage (``n/a`` for none).

    >>> fmt_pct(0.456), fmt_pct(None)
    ('46%', 'n/a')
    """
    return "n/a" if x is None else f"{round(100 * x)}%"


def fmt_num(x: float | None, digits: int = 3) -> str:
    """A number without trailing zeros (blank for none or NaN).

    >>> fmt_num(0.25), fmt_num(3.0), fmt_num(None)
    ('0.25', '3', '')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float) and x != int(x):
        return f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return str(int(x)) if isinstance(x, float) else str(x)


# -- cells, tables, sections ------------------------------------------------------------------


def cell(
    text: Any = "", value: float | None = None, items: list[str] | None = None, *, as_list: bool = False
) -> dict[str, Any]:
    """One table cell: the text shown, an optional number to sort by, optional list items.

    ``as_list`` shows the items as a bulleted list in HTML (else they are joined by "; ").

    >>> cell(items=["a", "b"])["text"]
    'a; b'
    """
    if items is not None:
        text = "; ".join(str(i) for i in items)
    return {"text": "" if text is None else str(text), "value": value, "parts": items, "list": as_list}


def number(value: float | None, text: str | None = None) -> dict[str, Any]:
    """A numeric cell (sorts by the number, blank when there is none).

    >>> number(1200, "$1,200")["value"]
    1200
    """
    return cell(fmt_num(value) if text is None else text, value)


def table(
    table_id: str,
    caption: str,
    columns: Sequence[tuple[str, bool]],
    rows: list[list[dict[str, Any]]],
    *,
    empty: str = "Nothing to show.",
    note: str | None = None,
) -> dict[str, Any]:
    """A sortable table: ``columns`` are (label, numeric) pairs.

    A column whose every cell is short is marked ``nowrap``: dates, ids and "◐ one partner"
    read badly broken over two lines.
    """
    longest = [max((len(row[i]["text"]) for row in rows), default=0) for i in range(len(columns))]
    return {
        "id": table_id,
        "caption": caption,
        "columns": [
            {"label": label, "numeric": numeric, "nowrap": longest[i] <= NOWRAP_BELOW}
            for i, (label, numeric) in enumerate(columns)
        ],
        "rows": rows,
        "empty": empty,
        "note": note,
    }


def section(section_id: str, title: str, **content: Any) -> dict[str, Any]:
    """One section of a page: ``intro`` paragraphs, ``facts``, ``matrices``, ``charts`` and ``tables``.

    >>> sorted(section("x", "X", intro=["Hello."]))
    ['chart_tables', 'charts', 'facts', 'id', 'intro', 'matrices', 'tables', 'title']
    """
    base = {
        "id": section_id,
        "title": title,
        "intro": [],
        "facts": [],
        "matrices": [],
        "charts": [],
        "chart_tables": [],
        "tables": [],
    }
    base.update(content)
    return base


def timestamp(value: dt.datetime | dt.date | str | None) -> str:
    """When a page was made: ``value`` as ISO text, or now (UTC, to the second).

    >>> timestamp(dt.date(2026, 11, 24)), timestamp("today")
    ('2026-11-24', 'today')
    """
    if value is None:
        value = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


# -- rendering ------------------------------------------------------------------------------


_COMPILED: dict[bool, Any] = {}


def _compiled(*, markdown: bool) -> Any:
    """The templates compiled so far in this process, one store per kind of environment, and
    by earlier commands (Jinja's own cache in the user's private folder of the system's
    temporary folder).

    Each :func:`environment` is new (a caller may add filters to its own), but compiling a
    template is most of the time a small page takes: a report per region of a hundred
    regions compiled the same templates a hundred times, and every ``netmap report`` spent
    about 0.1 s compiling the report's templates. Jinja checks each template's source (and
    the Python version) against what was compiled, so an edited template is compiled again.
    Where that folder cannot be used (not private, read-only), nothing is kept there.
    """
    if markdown in _COMPILED:
        return _COMPILED[markdown]
    from jinja2 import BytecodeCache, FileSystemBytecodeCache

    try:
        disk: BytecodeCache | None = FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no private temporary folder: this process only
        disk = None

    class _InMemory(BytecodeCache):
        def __init__(self) -> None:
            self.code: dict[str, bytes] = {}

        def load_bytecode(self, bucket: Any) -> None:
            if bucket.key not in self.code and disk is not None:
                with contextlib.suppress(Exception):  # an unreadable entry is compiled again
                    disk.load_bytecode(bucket)
                    if bucket.code is not None:
                        self.code[bucket.key] = bucket.bytecode_to_string()
                    return
            if bucket.key in self.code:
                bucket.bytecode_from_string(self.code[bucket.key])

        def dump_bytecode(self, bucket: Any) -> None:
            self.code[bucket.key] = bucket.bytecode_to_string()
            if disk is not None:
                with contextlib.suppress(OSError):
                    disk.dump_bytecode(bucket)

    _COMPILED[markdown] = _InMemory()
    return _COMPILED[markdown]


def environment(*, markdown: bool = False) -> Any:
    """The Jinja environment of netmap's page templates (``render/templates``).

    HTML autoescapes every value. Markdown has no autoescape, so every ``{{ }}`` goes
    through :func:`md_escape` instead (the environment's ``finalize``): a template line
    cannot forget it. Structure (pipes, headings, bullets) is template text only.
    """
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    from netmap.render.json import html_dumps

    if markdown:
        env = Environment(
            loader=PackageLoader("netmap", "render/templates"),
            bytecode_cache=_compiled(markdown=True),
            autoescape=False,  # noqa: S701 - not HTML; escaped by finalize=md_escape
            finalize=md_escape,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["block"] = _Block
        return env
    env = Environment(
        loader=PackageLoader("netmap", "render/templates"),
        bytecode_cache=_compiled(markdown=False),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
    )
    env.policies["json.dumps_function"] = html_dumps  # the embedded data at C speed
    # The rows of tables and the printed map's elements: written in Python, too many for loops.
    from netmap.render.report.printed_map import svg_labels, svg_paths, svg_shapes

    env.filters.update(table_body=table_body, svg_paths=svg_paths, svg_shapes=svg_shapes, svg_labels=svg_labels)
    return env


def column_classes(columns: Sequence[dict[str, Any]]) -> list[str]:
    """The ``class`` of each column's cells in a table of :func:`table`: ``num`` (numeric),
    ``nowrap`` (short), both or none (blank), named once per table rather than per cell.

    >>> column_classes([{"numeric": True, "nowrap": True}, {"numeric": False, "nowrap": False}])
    ['num nowrap', '']
    """
    return [" ".join(name for name, on in (("num", c["numeric"]), ("nowrap", c["nowrap"])) if on) for c in columns]


def table_body(t: dict[str, Any]) -> Markup:
    """The rows of a :func:`table` as the report's ``table`` macro writes them, escaped.

    Written here rather than in the template: a state map's tables have about a million
    cells, and the macro's loop (a lookup, a test and an escape per attribute of each cell)
    took seconds of a 100,000-partner report. The bytes are the template loop's
    (tests/render/test_page.py holds it and compares them).

    >>> str(table_body({"columns": [{"numeric": True, "nowrap": True}],
    ...     "rows": [[{"text": "<1>", "value": 1, "parts": None, "list": False}]], "empty": ""}))
    '\\n<tr>\\n<td data-value="1" class="num nowrap">&lt;1&gt;</td>\\n</tr>'
    """
    rows = t["rows"]
    if not rows:
        return Markup('\n<tr class="empty"><td colspan="{}">{}</td></tr>').format(len(t["columns"]), t["empty"])
    classes = [f' class="{escape(c)}"' if c else "" for c in column_classes(t["columns"])]
    out: list[str] = []
    add = out.append
    for row in rows:
        add("\n<tr>")
        for cell, cls in zip(row, classes, strict=False):  # as the template's zip: the shorter wins
            value = cell["value"]
            attr = "" if value is None else f' data-value="{escape(value)}"'
            parts = cell["parts"]
            if cell["list"] and parts:
                body = '<ul class="cell-list">' + "".join([f"<li>{escape(i)}</li>" for i in parts]) + "</ul>"
            else:
                body = escape(cell["text"])
            add(f"\n<td{attr}{cls}>{body}</td>")
        add("\n</tr>")
    return Markup("".join(out))  # noqa: S704 - every value above went through escape()


def content_security_policy(scripts: Sequence[str], styles: Sequence[str]) -> str:
    """The policy of a self-contained page: its own inline ``scripts`` and ``styles`` (by SHA-256
    hash) and nothing else, no network, no frames, no forms.

    Styles go by hash too, so there is no ``style`` attribute anywhere (charts use SVG fill
    attributes) and nothing injected into the page could style it either.

    >>> policy = content_security_policy(["alert(1)"], [])
    >>> policy.startswith("default-src 'none'; script-src 'sha256-")
    True
    """

    def hashes(texts: Sequence[str]) -> str:
        return " ".join("'" + _sha256(t) + "'" for t in texts)

    return (
        "default-src 'none'; "
        f"script-src {hashes(scripts)}; "
        f"style-src {hashes(styles)}; "
        "img-src data:; connect-src 'none'; font-src 'none'; frame-src 'none'; child-src 'none'; "
        "worker-src 'none'; object-src 'none'; form-action 'none'; base-uri 'none'"
    )


def write_text(path: str | Path, text: str | Iterable[str], *, overwrite: bool = True, inputs: Inputs = ()) -> Path:
    """Write one page (UTF-8, ``\\n`` line ends) to ``path`` and nothing else; return the path.

    The page is written atomically (:func:`netmap.outputs.write_file`): a write that stops
    part way leaves the file that was there.

    Parameters
    ----------
    path : str or Path
        The file to write.
    text : str or iterable of str
        The page, or its parts in order (written as they are made).
    overwrite : bool
        Replace an existing file (the commands pass ``--force``).
    inputs : sequence of (label, path)
        What the page was made from: never written over.

    Raises
    ------
    UsageError
        The file cannot be written, exists and not ``overwrite``, or is an input (the message
        names it, without a traceback).
    """
    # newline="\n" as before: the text is written exactly as rendered.
    return write_file(path, text, inputs=inputs, force=overwrite)


# -- Markdown escaping ------------------------------------------------------------------------

# The characters that mean something inline in CommonMark/GFM wherever they stand,
# backslash first: emphasis, code, links and images (without "[" there is no link, so
# "(" and "!" need nothing), raw HTML and entities, table pipes, strikethrough, the "#"
# that closes a heading, and "$", which GitHub reads as maths.
_MD_PUNCT = re.compile(r"([\\`*_\[\]<>#|~&$])")
# A value that opens a line must not open a block: "1. " or "3) " would start a list.
_MD_LIST_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
# Autolinks need no brackets in GFM (www.x.org, http://x, a@b.org): a backslash before
# the ":" of "://", before "@", and before a dot that starts a name breaks each pattern.
_MD_DOMAIN_DOT = re.compile(r"\.(?=[A-Za-z])")
_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


class _Block(str):
    """Markdown the template made itself (a macro's output), passed through unescaped."""


def md_escape(value: Any) -> str:
    r"""``value`` as Markdown text that renders literally: no markup, no link, no HTML.

    Newlines become ``<br>`` (the one piece of HTML netmap writes), so a value can
    neither start a block nor break a table row.

    Examples
    --------
    >>> print(md_escape("<img src=x> | [a](javascript:alert(1)) *b* www.example.org"))
    \<img src=x\> \| \[a\](javascript:alert(1)) \*b\* www\.example\.org
    >>> print(md_escape("- one\n# two"))
    \- one<br>\# two
    >>> md_escape(None), md_escape(3)
    ('', '3')
    """
    if isinstance(value, _Block):
        return str(value)  # a macro's output: already escaped, value by value
    if value is None:
        return ""
    text = str(value).strip()
    text = _MD_PUNCT.sub(r"\\\1", text)
    text = text.replace("://", r"\://").replace("@", r"\@")
    text = _MD_DOMAIN_DOT.sub(r"\\.", text)
    # A value that opens a line must not open a block: a leading "-" or "+" would make a
    # list item, "=" or "-" an underline, "1." an ordered list.
    text = _MD_LIST_START.sub(r"\1\\\2", text)
    if text[:1] in ("-", "+", "="):
        text = "\\" + text
    return "<br>".join(_NEWLINES.split(text))
