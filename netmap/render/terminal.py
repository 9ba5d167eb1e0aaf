"""Terminal output with rich: issue tables and one-line summaries.

Examples
--------
>>> import io
>>> from rich.console import Console
>>> from netmap.errors import Issue
>>> console = Console(file=io.StringIO(), width=120, record=True, color_system=None)
>>> render_issues(console, [Issue("empty-required", "the required cell 'name' is empty",
...     file="x.csv", sheet="partners", row=3, column="name")])
>>> "empty-required" in console.export_text()
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from netmap.errors import Issue, safe_text
from netmap.render.fit import LONG_WORD, Col, fit_table, group_columns, table_fits

__all__ = ["SafeConsole", "render_counts", "render_issues", "safe_text"]


class SafeConsole(Console):
    r"""A rich ``Console`` that never writes a control character or escape sequence from
    the data: whatever is printed, tables and progress bars included, each piece of text
    passes :func:`netmap.errors.safe_text` on its way out.

    Only rich's own control codes (colours, cursor moves of a progress bar) reach the
    terminal as codes. The renderers here also make their cells safe before the layout,
    so that a table's columns are measured on the text as shown; this console is the
    net for whatever does not.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> SafeConsole(file=out, width=40).print("title \x1b]0;pwned\x07 set", Text("clear\x1b[2J"))
    >>> print(out.getvalue().strip())
    title \x1b]0;pwned\x07 set clear\x1b[2J
    """

    def render_str(self, text: str, **options: Any) -> Text:
        # Before rich's Text drops BEL, backspace and CR silently: shown, like the rest.
        return super().render_str(safe_text(text, keep_newlines=True), **options)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None:  # text, not one of rich's own control sequences
                text = safe_text(segment.text, keep_newlines=True)
                if text is not segment.text:
                    segment = Segment(text, segment.style)
            yield segment


# The issue table's narrowest readable columns: below these the table would squeeze the
# message and suggestions into slivers, so a narrower console gets one block per issue. A
# longer value folds to _VALUE_MIN first.
_MESSAGE_MIN, _SUGGESTIONS_MIN, _VALUE_MIN = 40, 30, 16


def render_issues(console: Console, issues: Sequence[Issue]) -> None:
    """A table of issues, errors and warnings alike, in workbook order; when the console is too
    narrow for the table to keep its message and suggestions readable, one block per issue.

    Every cell is passed as plain ``Text`` so that markup-like values in the data
    (``[bold]``) are shown literally. In the stacked layout each block wraps at word
    boundaries within the console's width, so a message reads whole, never cut mid-word.

    Examples
    --------
    >>> import io
    >>> console = Console(file=io.StringIO(), width=70, record=True, color_system=None)
    >>> render_issues(console, [Issue("unknown-agency-type", "'Wizards guild' is not an agency type",
    ...     sheet="partners", row=3, column="agency_type", value="Wizards guild",
    ...     suggestions=("Local WIB",))])
    >>> print(console.export_text().rstrip())
    1 issue(s)
    <BLANKLINE>
    error unknown-agency-type: partners row 3, column agency_type
      value: Wizards guild
      'Wizards guild' is not an agency type
      suggestions: Local WIB
    """
    cells = [
        (
            Text("error", style="bold red") if issue.is_error else Text("warning", style="yellow"),
            _t(issue.code),
            _t(issue.sheet),
            _t(issue.row),
            _t(issue.column),
            _t(issue.value),
            _t(issue.message),
            _t("; ".join(issue.suggestions)),
        )
        for issue in issues
    ]
    headers = ("", "code", "sheet", "row", "column", "value", "message", "suggestions")
    natural = [max([len(headers[i])] + [row[i].cell_len for row in cells]) for i in range(len(headers))]
    # Rich's box: a border left of every column and one at the end, one space each side of a cell.
    room = console.width - sum(natural[:5]) - (3 * len(headers) + 1)
    # Every word of the value, message and suggestions whole (one longer than LONG_WORD,
    # a path or a run of letters, is folded wherever it is shown).
    words = [max([_word_width(headers[i], 0)] + [_word_width(row[i].plain, 0) for row in cells]) for i in range(5, 8)]
    widths = _issue_text_widths(room, *natural[5:], value_word=words[0])
    if widths is not None and any(w < least for w, least in zip(widths, words, strict=True)):
        widths = None
    if widths is None:
        _render_issue_blocks(console, len(issues), cells)
    else:
        table = Table(title=f"{len(issues)} issue(s)", show_lines=False, expand=False)
        for name in headers[:5]:
            table.add_column(name, no_wrap=True)
        for name, width in zip(headers[5:], widths, strict=True):
            table.add_column(name, overflow="fold", width=width)
        for row in cells:
            table.add_row(*row)
        console.print(table)
    files = sorted({i.file for i in issues if i.file})
    if files:
        console.print(_t("file(s): " + ", ".join(files), style="dim"), soft_wrap=False, overflow="fold")


def _issue_text_widths(
    room: int, value: int, message: int, suggestions: int, value_word: int = 0
) -> tuple[int, ...] | None:
    """Widths of the value, message and suggestions columns in ``room`` characters, or None
    when the message or suggestions would get fewer than their readable minimum. The value
    folds to ``_VALUE_MIN``, or to ``value_word`` (its longest word) when that is longer.

    >>> _issue_text_widths(100, 10, 30, 20)  # everything fits as it is
    (10, 30, 20)
    >>> _issue_text_widths(100, 40, 120, 60)  # the value folds first, then the two share the rest
    (16, 54, 30)
    >>> _issue_text_widths(60, 10, 120, 60) is None
    True
    """
    if value + message + suggestions <= room:
        return value, message, suggestions
    value = min(value, max(_VALUE_MIN, value_word))
    rest = room - value
    need_message, need_suggestions = min(message, _MESSAGE_MIN), min(suggestions, _SUGGESTIONS_MIN)
    if rest < need_message + need_suggestions:
        return None
    if message + suggestions <= rest:
        return value, message, suggestions
    # Share the rest in proportion to their lengths, neither below its minimum.
    shared = max(need_suggestions, min(suggestions, rest * suggestions // (message + suggestions)))
    shared = min(shared, rest - need_message)
    return value, rest - shared, shared


def _render_issue_blocks(console: Console, count: int, cells: Sequence[tuple[Text, ...]]) -> None:
    """One block per issue: mark, code and place on the first line; value, message and
    suggestions under it, indented, each wrapped at spaces within the console's width."""
    console.print(Text(f"{count} issue(s)", style="italic"))
    for mark, code, sheet, row, column, value, message, suggestions in cells:
        where = " ".join(part for part in (sheet.plain, f"row {row.plain}" if row.plain else "") if part)
        place = ", ".join(part for part in (where, f"column {column.plain}" if column.plain else "") if part)
        head = Text.assemble(mark, " ", code, (": " + place) if place else "")
        console.print()
        # A long sheet or column name wraps at spaces, never past the width.
        for i, line in enumerate(head.wrap(console, console.width - 2, overflow="fold")):
            line.rstrip()
            console.print(Text.assemble("  " if i else "", line), soft_wrap=True)
        lines = []
        if value.plain:
            lines.append(Text.assemble("value: ", value))
        lines.append(message)
        if suggestions.plain:
            lines.append(Text.assemble("suggestions: ", suggestions))
        for text in lines:
            # Wrapped at spaces (a word longer than a line is folded), then indented; printed
            # as is, so no line is padded out to the width.
            for line in text.wrap(console, max(console.width - 2, 20), overflow="fold"):
                line.rstrip()
                console.print(Text.assemble("  ", line), soft_wrap=True)


def render_counts(console: Console, source: str, counts: dict[str, int], warnings: int) -> None:
    """One line saying what was read."""
    read = ", ".join(f"{n} {sheet}" for sheet, n in counts.items() if n)
    tail = f" ({warnings} warning(s))" if warnings else ""
    console.print(_t(f"OK {source}: {read or 'nothing'}{tail}"))


# -- analyses -----------------------------------------------------------------------------

_MARK = {"present": ("●", "green"), "peripheral": ("◐", "yellow"), "missing": ("○", "red")}
_SEVERITY = {"high": "bold red", "medium": "yellow", "info": "cyan"}


def _t(value: object, style: str = "") -> Text:
    """Any value as literal text (never rich markup), safe on a terminal (:func:`safe_text`).

    Every piece of data a renderer shows goes through here.
    """
    if value is None:
        return Text("", style=style)
    if isinstance(value, float) and math.isfinite(value):
        return Text(f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value)), style=style)
    return Text(safe_text(value), style=style)


# A roster matrix with more region columns than this is unreadable in a terminal; the
# coverage table (one row per region) says the same thing.
MATRIX_MAX_SCOPES = 12


def _cap(items: Sequence[Any], limit: int | None) -> Sequence[Any]:
    """The first ``limit`` items (all when ``limit`` is None or 0)."""
    return items[:limit] if limit else items


def _more(console: Console, items: Sequence[Any], limit: int | None, what: str) -> None:
    """Say how many rows a capped table left out, and where to find them."""
    if limit and len(items) > limit:
        hint = "--limit 0 shows all; --json and netmap report list every one"
        console.print(Text(f"… and {len(items) - limit} more {what} ({hint})", style="dim"))


def _cell_text(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


# A grouped finding shows this many rows of its table under its sentence (JSON and the
# report have every row).
ITEM_LINES = 6


def _finding_text(f: Any) -> Text:
    """A finding's sentence and, for a group, the first rows of its table.

    A one-column table is left out: the sentence already names its rows.
    """
    text = _t(f.text)
    items = getattr(f, "items", ())
    if len(items) > 1 and len(items[0]) > 1:
        for row in items[:ITEM_LINES]:
            text.append("\n  · " + " · ".join(safe_text(_cell_text(v)) for v in row.values()), style="dim")
        if len(items) > ITEM_LINES:
            text.append(f"\n  … and {len(items) - ITEM_LINES} more", style="dim")
    return text


def _findings_table(console: Console, title: str, findings: Sequence, *, numbered: bool = False) -> None:
    columns = [Col("severity", no_wrap=True), Col("finding"), Col("what to do")]
    if numbered:
        columns.insert(0, Col("#", justify="right", no_wrap=True))
    rows = []
    for i, f in enumerate(findings, start=1):
        cells = [Text(f.severity, style=_SEVERITY.get(f.severity, "")), _finding_text(f), _t(f.action)]
        rows.append([Text(str(i)), *cells] if numbered else cells)
    fit_table(console, columns, rows, title=title)


def render_findings(
    console: Console, findings: Sequence, *, limit: int | None = None, do_first: Sequence | None = None
) -> None:
    """Findings, most severe first; with ``limit``, that many and how many more.

    With ``do_first`` (the analysis's "do first" findings, which lead ``findings``), those
    come first in a numbered table of their own, then the rest (``limit`` caps the rest).
    """
    if not findings:
        console.print(Text("No findings: nothing missing, fragile or expiring was found.", style="green"))
        return
    if not do_first:
        _findings_table(console, "Headline findings", _cap(findings, limit))
        _more(console, findings, limit, "findings")
        return
    first = {id(f) for f in do_first}
    rest = [f for f in findings if id(f) not in first]
    _findings_table(console, "Headline findings: do first", do_first, numbered=True)
    if rest:
        _findings_table(console, "Other findings", _cap(rest, limit))
        _more(console, rest, limit, "findings")


def render_scorecard(console: Console, card: dict) -> None:
    held = card.get("high_findings") or []
    # Say so when the rating is lower than the score alone would make it.
    capped = held and card["overall"] is not None and card["overall"] >= 70
    note = f", held back from strong by {len(held)} kind(s) of open high finding" if capped else ""
    fit_table(
        console,
        [Col("condition"), Col("score", justify="right"), Col("rating"), Col("evidence")],
        [[_t(c["name"]), _t(c["score"]), _t(c["rating"]), _t("; ".join(c["evidence"]))] for c in card["conditions"]],
        title=f"Readiness scorecard (overall: {card['overall_rating']}{note})",
    )


def render_gaps(console: Console, gaps: dict, *, limit: int | None = None) -> None:
    """The roster as a matrix: agency types down, (level, region) scopes across.

    With ``limit``, the coverage and population tables show that many rows (least
    covered regions first) and a matrix wider than :data:`MATRIX_MAX_SCOPES` regions is
    left to the coverage table.
    """
    for note in gaps.get("not_assessed") or ():
        console.print(
            _t(
                f"{note['level'].capitalize()} level not assessed: {note['reason']}. To include it, "
                f"{note['how_to_include']}.",
                style="dim",
            )
        )
    for level in ("state", "local"):
        rows = [t for t in gaps["types"] if t["level"] == level]
        if not rows:
            continue
        scopes = list(dict.fromkeys(t["region"] for t in rows))
        if limit and len(scopes) > MATRIX_MAX_SCOPES:
            console.print(
                Text(
                    f"{level.capitalize()} roster: {len(scopes)} regions, too many columns for a terminal; "
                    "see the coverage table, netmap regions or netmap report",
                    style="dim",
                )
            )
            continue
        labels = [scope if scope is not None else "(state)" if level == "state" else "(no region)" for scope in scopes]
        types = list(dict.fromkeys((t["category"], t["agency_type"]) for t in rows))
        status = {(t["agency_type"], t["region"]): t["status"] for t in rows}
        _matrix(
            console,
            f"{level.capitalize()} roster",
            labels,
            [(category, atype, [status[(atype, scope)] for scope in scopes]) for category, atype in types],
        )
    coverage = gaps["coverage"]
    if limit and len(coverage) > limit:
        coverage = sorted(coverage, key=lambda c: c["met"] - c["total"])  # least covered first
    fit_table(
        console,
        [Col("level"), Col("region"), Col("met", no_wrap=True), Col("missing")],
        [
            [_t(c["level"]), _t(c["region"] or "-"), _t(f"{c['met']}/{c['total']}"), _t("; ".join(c["unmet"]))]
            for c in _cap(coverage, limit)
        ],
        title="Minimum team coverage",
    )
    _more(console, coverage, limit, "regions")
    if gaps["population_gaps"]:
        fit_table(
            console,
            [Col("population"), Col("region"), Col("missing partner type"), Col("served by")],
            [
                [_t(g["population"]), _t(g["region"] or "-"), _t(g["agency_type"]), _t(", ".join(g["served_by"]))]
                for g in _cap(gaps["population_gaps"], limit)
            ],
            title="Populations served without the partner they call for",
        )
        _more(console, gaps["population_gaps"], limit, "population gaps")


# The category and agency type columns of a roster matrix get at least this much room
# (or their longest text) before the region columns are paged in beside them.
_MATRIX_LABEL = 20


def _matrix(
    console: Console, title: str, scopes: Sequence[str], rows: Sequence[tuple[str, str, Sequence[str]]]
) -> None:
    r"""A roster matrix (agency types down, regions across, a mark per cell), its region
    columns paged in groups that fit the console, each page a table of its own.

    Each region column is as wide as the longest word of its name, so a name wraps whole
    ("Portland / Metro"), never cut ("Portla… Metro").

    Examples
    --------
    >>> import io
    >>> console = Console(file=io.StringIO(), width=40, record=True, color_system=None)
    >>> _matrix(console, "Local roster", ["Portland Metro", "Coos Bay"],
    ...         [("Education", "Community college", ["present", "missing"])])
    >>> print("\n".join(line.rstrip() for line in console.export_text().splitlines()))
       Local roster (regions 1-1 of 2): ●
        present  ◐ peripheral  ○ missing
    ┏━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━┓
    ┃           ┃             ┃  Portland  ┃
    ┃ category  ┃ agency type ┃   Metro    ┃
    ┡━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━┩
    │ Education │ Community   │     ●      │
    │           │ college     │            │
    └───────────┴─────────────┴────────────┘
       Local roster (regions 2-2 of 2): ●
        present  ◐ peripheral  ○ missing
    ┏━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━┓
    ┃ category  ┃ agency type   ┃ Coos Bay ┃
    ┡━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━┩
    │ Education │ Community     │    ○     │
    │           │ college       │          │
    └───────────┴───────────────┴──────────┘
    """
    labels = [_t(scope) for scope in scopes]
    narrowest = [
        max(_word_width(text) for text in ("category", *(r[0] for r in rows))),
        max(_word_width(text) for text in ("agency type", *(r[1] for r in rows))),
    ]
    roomy = [max(n, min(_MATRIX_LABEL, widest)) for n, widest in zip(narrowest, _widths(rows), strict=True)]
    least = [max(_word_width(label.plain), 1) for label in labels]
    pages = group_columns(console.width, roomy, least)
    fewer = group_columns(console.width, narrowest, least)
    # Roomy labels, unless squeezing them saves a page (regions side by side compare best).
    fixed = narrowest if len(fewer) < len(pages) else roomy
    pages = _even_pages(console.width, fixed, least, fewer if fixed is narrowest else pages)
    for page in pages:
        where = "" if len(pages) == 1 else f" (regions {page.start + 1}-{page.stop} of {len(scopes)})"
        columns = [Col("category"), Col("agency type")]
        columns += [Col(labels[i].plain, justify="center", no_wrap=False) for i in page]
        table_rows = []
        for category, atype, marks in rows:
            cells = [Text(*_MARK[marks[i]]) for i in page]
            table_rows.append([_t(category), _t(atype), *cells])
        fit_table(console, columns, table_rows, title=f"{title}{where}: ● present  ◐ peripheral  ○ missing")


def _even_pages(width: int, fixed: Sequence[int], least: Sequence[int], pages: list[range]) -> list[range]:
    """As many pages as ``pages`` (filled greedily), the regions shared evenly among them
    when every page still fits: 2, 2, 2 rather than 3, 2, 1.

    >>> _even_pages(40, [10], [5] * 5, [range(0, 3), range(3, 5)])
    [range(0, 2), range(2, 5)]
    >>> _even_pages(40, [10], [5, 5, 5, 20], [range(0, 3), range(3, 4)])  # 2 + 2 would not fit
    [range(0, 3), range(3, 4)]
    >>> _even_pages(40, [10], [5] * 4, [range(0, 3), range(3, 4)])
    [range(0, 2), range(2, 4)]
    """
    count, total = len(pages), len(least)
    bounds = [round(i * total / count) for i in range(count + 1)]
    even = [range(a, b) for a, b in itertools.pairwise(bounds)]
    if all(page and table_fits(width, [*fixed, *least[page.start : page.stop]]) for page in even):
        return even
    return pages


def _word_width(text: object, longer: int = LONG_WORD) -> int:
    """The longest word of ``text``, a column's narrowest width; a word longer than
    :data:`LONG_WORD` counts as ``longer`` (it is folded wherever it is shown).

    >>> _word_width("Portland Metro"), _word_width("W" * 80), _word_width("W" * 80 + " Coos", 0)
    (8, 24, 4)
    """
    lengths = [len(word) for word in safe_text(text).split()]
    return max((n if n <= LONG_WORD else longer for n in lengths), default=0)


def _widths(rows: Sequence[tuple[str, str, Sequence[str]]]) -> list[int]:
    """The widest category and agency type of a matrix's rows."""
    return [max([len(safe_text(r[i])) for r in rows] + [len(("category", "agency type")[i])]) for i in range(2)]


def _names(names: Sequence[str], limit: int | None) -> str:
    """Names joined by commas; past ``limit`` of them, how many more."""
    more = f" and {len(names) - limit} more" if limit and len(names) > limit else ""
    return ", ".join(_cap(names, limit)) + more


def render_roles(console: Console, roles: dict, *, limit: int | None = None) -> None:
    rows = []
    for c in roles["coverage"]:
        style = "red" if c["in_chart"] and not c["recorded"] else ""
        rows.append(
            [_t(c["role"], style=style), _t(c["recorded"]), _t(c["expected"]), _t(_names(c["recorded_by"], limit))]
        )
    fit_table(
        console,
        [Col("role"), Col("recorded", short="rec", justify="right"), Col("expected", short="exp", justify="right"),
         Col("by")],
        rows,
        title="Role coverage (recorded / expected of partners with no roles recorded)",
    )  # fmt: skip
    line = "intermediary: " + (_names(roles["intermediaries"], limit) if roles["has_intermediary"] else "none recorded")
    console.print(_t(line))


def render_brokers(console: Console, result: dict, *, limit: int | None = None) -> None:
    method = result["betweenness_method"]
    if method == "sampled":
        method += f" (k={result['k']}, seed={result['seed']})"
    # Too wide for the console, the brokerage role counts go first (each is one kind of
    # tie a partner brokers; --json has them), then effective size, then categories.
    columns = [
        Col("partner"),
        Col("betweenness", short="betw", justify="right"),
        *(Col(name, drop=3, justify="right") for name in ("coord", "itin", "gate", "repr", "liaison")),
        Col("constraint", short="constr", justify="right"),
        Col("eff. size", short="eff", drop=2, justify="right"),
        Col("cut point", short="cut"),
        Col("categories", short="cats", drop=1, justify="right"),
    ]
    rows = []
    for r in result["brokers"]:
        b = r["brokerage"]
        rows.append(
            [
                _t(r["name"] or r["id"]),
                _t(r["betweenness"]),
                *(_t(b[k]) for k in ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")),
                _t(r["constraint"]),
                _t(r["effective_size"]),
                _t("yes" if r["articulation_point"] else ""),
                _t(r["categories_reached"]),
            ]
        )
    weighted = f"; ties weighted by {result['weight']}" if result.get("weight") else ""
    fit_table(console, columns, rows, title=f"Brokers (betweenness: {method}{weighted})")
    if result["state_links"]:
        state_links = result["state_links"]
        if limit and len(state_links) > limit:
            state_links = sorted(state_links, key=lambda s: bool(s["links"]))  # regions with no link first
        rows = []
        for s in _cap(state_links, limit):
            through = ", ".join(sorted({f"{x['partner']} -> {x['state_partner']}" for x in s["links"]}))
            rows.append([_t(s["region"]), _t(through or "no link", style="" if through else "red")])
        fit_table(console, [Col("region"), Col("through")], rows, title="Links from each region to the state level")
        _more(console, state_links, limit, "regions")


_AGREEMENT_URGENCY = {"expired": 0, "expiring": 1}


def render_formalisation(console: Console, formal: dict, *, limit: int | None = None) -> None:
    share = formal["backed_share"]
    console.print(
        _t(
            f"Working ties among leadership partners (a ties row or an award) backed by a current agreement: "
            f"{formal['leadership_ties_backed']} of {formal['leadership_ties']}"
            + (f" ({round(100 * share)}%)" if share is not None else "")
        )
    )
    signed_only = formal.get("signed_only_leadership_pairs") or []
    if signed_only:
        console.print(
            _t(f"Leadership pairs that only signed together (no recorded working tie): {len(signed_only)}"),
            style="dim",
        )
    if formal["agreements"]:
        agreements = formal["agreements"]
        if limit and len(agreements) > limit:
            agreements = sorted(agreements, key=lambda a: _AGREEMENT_URGENCY.get(a["state"], 2))  # expired first
        rows = []
        for a in _cap(agreements, limit):
            style = {"expired": "red", "expiring": "yellow"}.get(a["state"], "")
            rows.append(
                [
                    _t(a["title"] or a["id"]),
                    _t(a["type"]),
                    _t(", ".join(a["parties"])),
                    _t(a["expires"]),
                    Text(a["state"], style=style),
                ]
            )
        fit_table(
            console,
            [Col("agreement"), Col("type"), Col("parties"), Col("expires", no_wrap=True), Col("state")],
            rows,
            title=f"Agreements as of {formal['as_of']}",
        )
        _more(console, agreements, limit, "agreements")
    if formal["roles_without_agreement"]:
        names = [r["name"] or r["id"] for r in formal["roles_without_agreement"]]
        console.print(_t(f"Roles but no current agreement: {_names(names, limit)}"))


def render_funding(console: Console, money: dict, *, limit: int | None = None) -> None:
    if not money.get("awards", money["partners"]):
        console.print(_t("No funding recorded."))
        return
    for p in _cap(money.get("lapsed") or [], limit):
        console.print(_t(f"Funding lapsed: {p['name'] or p['id']} (its last award ended {p['ended']})"), style="yellow")
    fit_table(
        console,
        [Col("partner"), Col("streams", justify="right"), Col("amount", justify="right"), Col("HHI", justify="right"),
         Col("basis")],
        [
            [_t(p["name"] or p["id"]), _t(p["streams"]), _t(p["amount"]), _t(p["hhi"]), _t(p["hhi_basis"])]
            for p in _cap(money["partners"], limit)
        ],
        title="Funding by partner (most dependent first)",
    )  # fmt: skip
    _more(console, money["partners"], limit, "funded partners")
    # Ended streams are history: counted in no measure, listed with --json ("awards").
    current = [s for s in money["streams"] if s["state"] != "ended"]
    fit_table(
        console,
        [Col("stream"), Col("awards", justify="right"), Col("amount", justify="right"), Col("ends", no_wrap=True),
         Col("state")],
        [
            [_t(s["stream"]), _t(s["awards"]), _t(s["amount"]), _t(s["ends"]),
             Text(s["state"], style="yellow" if s["state"] == "ending" else "")]
            for s in _cap(current, limit)
        ],
        title=f"Streams (ending within {money['within_months']} months of {money['as_of']})",
    )  # fmt: skip
    _more(console, current, limit, "streams")
    ended = len(money["streams"]) - len(current)
    if ended:
        console.print(
            _t(f"{ended} stream(s) ended before {money['as_of']}: history, counted in no measure."), style="dim"
        )


def render_resilience(console: Console, res: dict, top: int = 5) -> None:
    fit_table(
        console,
        [Col("partner"), Col("cut off", justify="right"), Col("cross-category ties lost", justify="right"),
         Col("types lost")],
        [
            [_t(r["name"] or r["id"]), _t(r["largest_component_loss"]), _t(r["cross_category_ties_lost"]),
             _t(", ".join(r["types_lost"]))]
            for r in res["partners"][:top]
        ],
        title="If one partner left (worst first)",
    )  # fmt: skip
    if res["people"]:
        fit_table(
            console,
            [Col("champion"), Col("at"), Col("informal ties lost", justify="right"),
             Col("cut off", justify="right")],
            [
                [_t(r["person"]), _t(r["partner_name"]), _t(r["informal_ties_lost"]), _t(r["largest_component_loss"])]
                for r in res["people"][:top]
            ],
            title="If one champion left (worst first)",
        )  # fmt: skip


def render_turnover(console: Console, res: dict) -> None:
    if not res["turnover"]:
        return
    fit_table(
        console,
        [Col("region"), Col("agencies"), Col("informal ties lost", justify="right"), Col("cut off", justify="right")],
        [
            [_t(r["region"] or "(state)"), _t(", ".join(r["partner_names"])), _t(r["informal_ties_lost"]),
             _t(r["largest_component_loss"])]
            for r in res["turnover"]
        ],
        title="If a region's state-level champions turned over together",
    )  # fmt: skip


def render_health(console: Console, h: dict) -> None:
    rows = [
        [_t(label), _t(value)]
        for label, value in (
            ("partners / ties", f"{h['partners']} / {h['ties']}"),
            ("density", h["density"]),
            ("components", f"{h['components']} (sizes {', '.join(map(str, h['component_sizes'][:8]))})"),
            ("isolated partners", ", ".join(h["isolates"]) or "none"),
            ("degree centralisation", h["degree_centralization"]),
            ("E-I index across categories", h["ei_index"]),
            ("communities vs categories (NMI)", h["communities_vs_categories_nmi"]),
            ("possible silos", len(h["silos"])),
        )
    ]
    fit_table(console, [Col("measure"), Col("value")], rows, title="Network health")


def render_caveat(console: Console, quality: Any) -> None:
    """The survey caveat (``TieQuality.caveat``), one yellow paragraph; nothing without a survey."""
    caveat = quality.caveat if quality is not None and not isinstance(quality, dict) else (quality or {}).get("caveat")
    if caveat:
        console.print(_t(caveat, style="yellow"))


def _score(value: float | None) -> Text:
    return _t(None if value is None else round(value, 2))


def render_quality(console: Console, q: dict | None, *, category_name: Any = str, limit: int | None = None) -> None:
    """Tie quality (``Analysis.to_dict()["quality"]``): trust and value by category and for the
    network, the lowest-trust partners, reciprocity, and response by region. Nothing when None.
    """
    if q is None:
        return
    number = {"justify": "right"}
    rows = [[_t(category_name(c["category"])), _score(c["trust"]), _score(c["value"]), _t(c["raters"])]
            for c in q["categories"]]  # fmt: skip
    n = q["network"]
    rows.append([Text("network", style="bold"), _score(n["trust"]), _score(n["value"]), _t(n["raters"])])
    fit_table(
        console,
        [Col("category"), Col("trust", **number), Col("value", **number), Col("raters", **number)],
        rows,
        title="Tie quality: trust and value (1-4) as the other partners score them",
    )
    scored = sorted((p for p in q["partners"] if p["trust"] is not None), key=lambda p: (p["trust"], str(p["name"])))
    if scored:
        fit_table(
            console,
            [
                Col("partner"),
                Col("category", drop=1),
                Col("trust", **number),
                Col("value", **number),
                Col("raters", **number),
                Col("relied on", short="relied", **number),
            ],
            [
                [
                    _t(p["name"] or p["id"]),
                    _t(category_name(p["category"])),
                    _score(p["trust"]),
                    _score(p["value"]),
                    _t(p["raters"]),
                    _t(p["relied_on"]),
                ]
                for p in _cap(scored, limit)
            ],
            title="Lowest trust first",
        )
        _more(console, scored, limit, "partners")
    reported = q["confirmed"] + q["unconfirmed"]
    share = q["unconfirmed_share"]
    console.print(
        _t(
            f"Ties named by both sides: {q['confirmed']} of {reported}; by one side only: {q['unconfirmed']}"
            + (f" ({round(100 * share)}%)" if share is not None else "")
        )
    )
    fit_table(
        console,
        [Col("region"), Col("partners", **number), Col("answered", **number)],
        [[_t(r["region"] or "(no region)"), _t(r["partners"]), _t(r["answered"])] for r in q["response_by_region"]],
        title="Survey response by region",
    )
    missing = [r["name"] or r["id"] for r in q["not_answered"]]
    if missing:
        shown = ", ".join(_cap(missing, limit))
        more = f" and {len(missing) - limit} more" if limit and len(missing) > limit else ""
        console.print(_t(f"Not yet answered: {shown}{more}"))


# -- store --------------------------------------------------------------------------------


def render_load(console: Console, summary: Any, where: str) -> None:
    """What a load did: one line, then created/updated/unchanged/deleted per label and type."""
    totals = summary.totals()
    number = f"@{summary.number} " if getattr(summary, "number", None) else ""
    if summary.written:
        head = (
            f"loaded map {summary.map!r} into {where} as version {number}({summary.version}, "
            f"{summary.batches} batch(es))"
        )
    else:
        head = (
            f"map {summary.map!r} in {where} is already up to date (version {number}({summary.version})); "
            "nothing written, no new version"
        )
    console.print(_t(head, style="bold green"))
    forgotten = getattr(summary, "forgotten", None)
    if forgotten:
        console.print(_t(f"deleted older version(s) {', '.join(f'@{n}' for n in forgotten)} (--keep)"))
    keys = ("created", "updated", "unchanged", "deleted")
    rows = [[_t(what), *(_t(row[k]) for k in keys)] for what, row in summary.counts.items() if any(row.values())]
    rows.append([Text("total", style="bold"), *(_t(totals[k]) for k in keys)])
    fit_table(console, [Col("what"), *(Col(k, justify="right") for k in keys)], rows)


def render_maps(console: Console, maps: Sequence[dict[str, Any]], where: str) -> None:
    """The maps a database holds, one row per kept version; ``*`` marks the current one."""
    if not maps:
        console.print(_t(f"{where} holds no maps yet; add one with: netmap load WORKBOOK --uri ..."))
        return
    rows = []
    for m in maps:
        for v in m.get("versions") or [{**m, "number": None, "label": None, "current": True}]:
            # Minutes are enough to tell loads apart; --json has the seconds and the whole id.
            loaded = str(v.get("loaded_at") or "")[:16].replace("T", " ")
            number = f"{v.get('number') or ''}{' *' if v.get('current') else ''}"
            rows.append(
                [_t(m.get("map")), _t(number), _t(str(v.get("version") or "")[:8]), _t(loaded),
                 _t(v.get("label")), _t(v.get("source"))]
            )  # fmt: skip
    fit_table(
        console,
        [Col("map"), Col("#", justify="right", no_wrap=True), Col("version", no_wrap=True, drop=2),
         Col("loaded (UTC)", no_wrap=True), Col("label"), Col("source", drop=1)],
        rows,
        title=_t(f"Maps in {where} (* the current version)"),
    )  # fmt: skip
    console.print(_t("read a kept version with --map NAME@# (number), NAME@VERSION (id) or NAME@YYYY-MM-DD"))


def render_regions(console: Console, result: dict[str, Any]) -> None:
    """Regions side by side: the ranking, then the local roster matrix."""
    names = result["region_names"]
    rows = []
    for r in result["regions"]:
        link = _t(", ".join(r["state_partner_names"])) if r["state_linked"] else Text("none", style="red")
        partners = _t(r["active"]) if r["listed"] else Text("none listed", style="red")
        rows.append(
            [_t(r["rank"]), _t(r["region"]), partners, _t(r["present"]), _t(r["peripheral"]), _t(r["missing"]),
             _t(f"{r['minimum_met']} of {r['minimum_total']}"), link]
        )  # fmt: skip
    number = {"justify": "right"}
    fit_table(
        console,
        [Col("#", **number), Col("region"), Col("partners", short="partn", **number),
         Col("present", short="pres", **number), Col("peripheral", short="periph", **number),
         Col("missing", short="miss", **number), Col("minimum team", short="min team", no_wrap=True),
         Col("state link")],
        rows,
        title="Regions ranked by gaps (most first)",
    )  # fmt: skip
    if not names:
        return
    _matrix(
        console,
        "Local roster by region",
        names,
        [(row["category"], row["agency_type"], [row["cells"][name] for name in names]) for row in result["matrix"]],
    )


def render_diff(console: Console, result: dict[str, Any]) -> None:
    """What changed between two snapshots, one block per kind of change."""
    console.print(Text(f"Changes (judged as of {result['as_of']})", style="bold"))
    if not result["changed"]:
        console.print(Text("Nothing changed.", style="green"))
        return

    def block(title: str, items: list[dict[str, Any]], show: Any, style: str) -> None:
        if not items:
            return
        console.print(Text(f"{title} ({len(items)})", style=style))
        for item in items:
            _indented(console, _t(show(item)))

    def partner(p: dict[str, Any]) -> str:
        return f"{p['name']} ({p['id']}, {p.get('agency_type_name') or 'no type'}, {p.get('region') or 'statewide'})"

    block("Partners gained", result["partners_gained"], partner, "green")
    block("Partners lost", result["partners_lost"], partner, "red")
    block(
        "Partners renamed", result["partners_renamed"], lambda p: f"{p['id']}: {p['old_name']} -> {p['new_name']}", ""
    )
    block(
        "Partners changed",
        result["partners_changed"],
        lambda p: (
            f"{p['name']} ({p['id']}): " + ", ".join(f"{k} {v['old']} -> {v['new']}" for k, v in p["changes"].items())
        ),
        "",
    )
    tie = lambda t: f"{t['source']} - {t['target']} ({t['kind']})"  # noqa: E731
    block("Ties gained", result["ties_gained"], tie, "green")
    block("Ties lost", result["ties_lost"], tie, "red")
    agreement = lambda a: f"{a['id']} {a.get('title') or ''} ({', '.join(a['parties'])})"  # noqa: E731
    block("Agreements gained", result["agreements_gained"], agreement, "green")
    block("Agreements lost", result["agreements_lost"], agreement, "red")

    def award(f: dict[str, Any]) -> str:
        amount = f" ({f['amount']:,.0f})" if f.get("amount") is not None else ""
        return f"{f['id']} {f['stream']} to {f['recipient']}{amount}"

    block("Funding gained", result["funding_gained"], award, "green")
    block("Funding lost", result["funding_lost"], award, "red")

    def state(a: dict[str, Any]) -> str:
        def one(value: Any, expires: Any) -> str:
            return "not listed" if value is None else f"{value}" + (f" (ends {expires})" if expires else "")

        was, now = one(a.get("old_state"), a.get("old_expires")), one(a.get("new_state"), a.get("new_expires"))
        named = " ".join(x for x in (a["id"], a.get("title")) if x)
        return f"{named} ({', '.join(a.get('parties') or [])}): {was} -> {now}"

    # Older saved diffs lack the newer lists: .get, shown as nothing.
    block("Agreements no longer current", result.get("agreements_expired", []), state, "red")
    block("Agreements renewed or newly current", result.get("agreements_renewed", []), state, "green")
    stream = lambda f: (  # noqa: E731
        f"{f['stream']} ({', '.join(f.get('recipients') or [])}): "
        f"{f.get('old_state') or 'not listed'} -> {f.get('new_state') or 'not listed'}"
    )
    block("Funding streams lapsed", result.get("streams_lapsed", []), stream, "red")
    block("Funding streams new", result.get("streams_new", []), stream, "green")
    mine = lambda p: f"{p.get('name') or p['id']} ({p['id']}): {p['stream']}"  # noqa: E731
    block("Partners' streams lapsed", result.get("partner_streams_lapsed", []), mine, "red")
    block("Partners' streams new", result.get("partner_streams_new", []), mine, "green")
    gap = lambda g: f"{g['agency_type']} ({g['level']}, {g['region'] or 'statewide'})"  # noqa: E731
    block("Roster gaps closed", result["gaps_closed"], gap, "green")
    block("Roster gaps opened", result["gaps_opened"], gap, "red")
    population = lambda g: f"{g['population']}: {g['agency_type']} ({g['region'] or 'no region'})"  # noqa: E731
    block("Population gaps closed", result.get("population_gaps_closed", []), population, "green")
    block("Population gaps opened", result.get("population_gaps_opened", []), population, "red")
    role = lambda r: (  # noqa: E731
        f"{r['role']}: {'uncovered' if r['gap'] == 'uncovered' else 'one partner only'} "
        f"({', '.join(r.get('partners_before') or []) or 'none'} -> {', '.join(r.get('partners_now') or []) or 'none'})"
    )
    block("Role gaps closed", result.get("role_gaps_closed", []), role, "green")
    block("Role gaps opened", result.get("role_gaps_opened", []), role, "red")
    block("Brokers risen", result["brokers_risen"], lambda b: f"{b['name']} (now #{b['rank']})", "")
    block(
        "Brokers fallen",
        result["brokers_fallen"],
        lambda b: f"{b['name']} (was #{b['old_rank']}{'' if b['still_partner'] else ', no longer a partner'})",
        "",
    )
    block("Cut points gained", result.get("cut_points_gained", []), lambda c: f"{c.get('name') or c['id']}", "red")
    block(
        "Cut points lost",
        result.get("cut_points_lost", []),
        lambda c: f"{c.get('name') or c['id']}" + ("" if c.get("still_partner", True) else " (no longer a partner)"),
        "green",
    )
    moved = [c for c in result["scorecard"] if c["change"] or c.get("old_rating") != c.get("new_rating")]
    block(
        "Scorecard",
        moved,
        lambda c: f"{c['name']}: {c['old_score']} ({c['old_rating']}) -> {c['new_score']} ({c['new_rating']})",
        "bold",
    )


def _indented(console: Console, text: Text, indent: int = 2) -> None:
    """``text`` indented, wrapped at spaces within the console's width, its continuation
    lines indented two more (a word longer than a line, an id or a path, is folded).

    Each line is printed as it is, so it is never wrapped again, even on a console that
    soft-wraps (stderr).

    >>> import io
    >>> console = Console(file=io.StringIO(), width=24, record=True, color_system=None)
    >>> _indented(console, Text("Pima Community College (P1, Community college)"))
    >>> print(console.export_text().rstrip())
      Pima Community College
        (P1, Community
        college)
    """
    lines = text.wrap(console, max(console.width - indent - 2, 20), overflow="fold")
    for i, line in enumerate(lines):
        line.rstrip()
        console.print(Text.assemble(" " * (indent if i == 0 else indent + 2), line), soft_wrap=True)


def render_suggestions(console: Console, result: dict[str, Any], *, show_empty: bool = False) -> None:
    """Candidates per gap (scope by scope), then introductions across the widest holes."""
    d = result["directory"]
    console.print(
        Text(
            f"Directory: {d['rows']} organisations, {d['already_partners']} already partners, "
            f"{d['used']} proposed below",
            style="bold",
        )
    )
    for a in result["already_partners"]:
        _indented(console, _t(f"skipped {a['name']} ({a['id']}): already partner {a['partner_id']}"))
    shown = [g for g in result["gaps"] if g["candidates"] or g["prospective"] or show_empty]
    if shown:
        table = []
        for g in shown:
            scope = g["region"] or ("state" if g["level"] == "state" else "statewide")
            rows = [(f"{c['name']} ({c['score']:g})", c["why"]) for c in g["candidates"]]
            rows += [(name, "listed as a prospective partner already") for name in g["prospective"]]
            if g["more"]:
                rows.append((f"… and {g['more']} more", "use --top to see them"))
            for index, (name, why) in enumerate(rows or [("no candidate in the directory", "")]):
                first = index == 0
                missing = g["agency_type"] + (f" (for {g['population']})" if g.get("population") else "")
                table.append([_t(scope if first else ""), _t(missing if first else ""), _t(name), _t(why)])
        fit_table(
            console,
            [Col("scope"), Col("missing type"), Col("candidate (fit)"), Col("why")],
            table,
            title="Who could fill each gap (best fit first; fit out of 100)",
        )
    empty = sum(1 for g in result["gaps"] if not g["candidates"])
    if empty and not show_empty:
        console.print(Text(f"{empty} gap(s) have no candidate in the directory (--all lists them)."))
    if not result["holes"]:
        return
    table = []
    for h in result["holes"]:
        between = f"{h['category_a']} ({h['partners_a']}) and {h['category_b']} ({h['partners_b']})"
        intros = h["introductions"] or [None]
        for index, i in enumerate(intros):
            first = index == 0
            table.append(
                [
                    _t(between if first else ""),
                    _t(h["ties"] if first else ""),
                    _t(f"{i['source_name']} + {i['target_name']}" if i else "no pair shares a partner"),
                    _t(f"{i['explanation']} (shared: {', '.join(i['shared_names'])})" if i else ""),
                ]
            )
    fit_table(
        console,
        [Col("between"), Col("ties now", justify="right"), Col("introduce"), Col("because")],
        table,
        title="Introductions across the widest holes between categories",
    )
