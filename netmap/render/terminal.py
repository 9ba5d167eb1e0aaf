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

import math
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from netmap.errors import Issue, safe_text

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
    widths = _issue_text_widths(room, *natural[5:])
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


def _issue_text_widths(room: int, value: int, message: int, suggestions: int) -> tuple[int, ...] | None:
    """Widths of the value, message and suggestions columns in ``room`` characters, or None
    when the message or suggestions would get fewer than their readable minimum.

    >>> _issue_text_widths(100, 10, 30, 20)  # everything fits as it is
    (10, 30, 20)
    >>> _issue_text_widths(100, 40, 120, 60)  # the value folds first, then the two share the rest
    (16, 54, 30)
    >>> _issue_text_widths(60, 10, 120, 60) is None
    True
    """
    if value + message + suggestions <= room:
        return value, message, suggestions
    value = min(value, _VALUE_MIN)
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
        console.print(head, soft_wrap=False, overflow="fold")
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


def _findings_table(title: str, findings: Sequence, *, numbered: bool = False) -> Table:
    table = Table(title=title, show_header=True, expand=False)
    if numbered:
        table.add_column("", no_wrap=True, justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("finding", overflow="fold")
    table.add_column("what to do", overflow="fold")
    for i, f in enumerate(findings, start=1):
        cells = [Text(f.severity, style=_SEVERITY.get(f.severity, "")), _finding_text(f), _t(f.action)]
        table.add_row(*([Text(str(i))] if numbered else []), *cells)
    return table


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
        console.print(_findings_table("Headline findings", _cap(findings, limit)))
        _more(console, findings, limit, "findings")
        return
    first = {id(f) for f in do_first}
    rest = [f for f in findings if id(f) not in first]
    console.print(_findings_table("Headline findings: do first", do_first, numbered=True))
    if rest:
        console.print(_findings_table("Other findings", _cap(rest, limit)))
        _more(console, rest, limit, "findings")


def render_scorecard(console: Console, card: dict) -> None:
    held = card.get("high_findings") or []
    # Say so when the rating is lower than the score alone would make it.
    capped = held and card["overall"] is not None and card["overall"] >= 70
    note = f", held back from strong by {len(held)} kind(s) of open high finding" if capped else ""
    table = Table(title=f"Readiness scorecard (overall: {card['overall_rating']}{note})")
    for name in ("condition", "score", "rating", "evidence"):
        table.add_column(name, overflow="fold")
    for c in card["conditions"]:
        table.add_row(_t(c["name"]), _t(c["score"]), _t(c["rating"]), _t("; ".join(c["evidence"])))
    console.print(table)


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
        table = Table(title=f"{level.capitalize()} roster: ● present  ◐ peripheral  ○ missing")
        table.add_column("category", overflow="fold")
        table.add_column("agency type", overflow="fold")
        for scope in scopes:
            table.add_column(
                _t(scope if scope is not None else "(state)" if level == "state" else "(no region)"), justify="center"
            )
        types = list(dict.fromkeys((t["category"], t["agency_type"]) for t in rows))
        cell = {(t["agency_type"], t["region"]): t["status"] for t in rows}
        for category, atype in types:
            marks = []
            for scope in scopes:
                symbol, style = _MARK[cell[(atype, scope)]]
                marks.append(Text(symbol, style=style))
            table.add_row(_t(category), _t(atype), *marks)
        console.print(table)
    cover = Table(title="Minimum team coverage")
    for name in ("level", "region", "met", "missing"):
        cover.add_column(name, overflow="fold")
    coverage = gaps["coverage"]
    if limit and len(coverage) > limit:
        coverage = sorted(coverage, key=lambda c: c["met"] - c["total"])  # least covered first
    for c in _cap(coverage, limit):
        cover.add_row(_t(c["level"]), _t(c["region"] or "-"), _t(f"{c['met']}/{c['total']}"), _t("; ".join(c["unmet"])))
    console.print(cover)
    _more(console, coverage, limit, "regions")
    if gaps["population_gaps"]:
        pops = Table(title="Populations served without the partner they call for")
        for name in ("population", "region", "missing partner type", "served by"):
            pops.add_column(name, overflow="fold")
        for g in _cap(gaps["population_gaps"], limit):
            pops.add_row(
                _t(g["population"]), _t(g["region"] or "-"), _t(g["agency_type"]), _t(", ".join(g["served_by"]))
            )
        console.print(pops)
        _more(console, gaps["population_gaps"], limit, "population gaps")


def _names(names: Sequence[str], limit: int | None) -> str:
    """Names joined by commas; past ``limit`` of them, how many more."""
    more = f" and {len(names) - limit} more" if limit and len(names) > limit else ""
    return ", ".join(_cap(names, limit)) + more


def render_roles(console: Console, roles: dict, *, limit: int | None = None) -> None:
    table = Table(title="Role coverage (recorded / expected of partners with no roles recorded)")
    for name in ("role", "recorded", "expected", "by"):
        table.add_column(name, overflow="fold")
    for c in roles["coverage"]:
        style = "red" if c["in_chart"] and not c["recorded"] else ""
        table.add_row(
            _t(c["role"], style=style), _t(c["recorded"]), _t(c["expected"]), _t(_names(c["recorded_by"], limit))
        )
    console.print(table)
    line = "intermediary: " + (_names(roles["intermediaries"], limit) if roles["has_intermediary"] else "none recorded")
    console.print(_t(line))


def render_brokers(console: Console, result: dict, *, limit: int | None = None) -> None:
    method = result["betweenness_method"]
    if method == "sampled":
        method += f" (k={result['k']}, seed={result['seed']})"
    table = Table(title=f"Brokers (betweenness: {method})")
    for name in (
        "partner",
        "betweenness",
        "coord",
        "itin",
        "gate",
        "repr",
        "liaison",
        "constraint",
        "eff. size",
        "cut point",
        "categories",
    ):
        table.add_column(name, overflow="fold")
    for r in result["brokers"]:
        b = r["brokerage"]
        table.add_row(
            _t(r["name"] or r["id"]),
            _t(r["betweenness"]),
            _t(b["coordinator"]),
            _t(b["itinerant"]),
            _t(b["gatekeeper"]),
            _t(b["representative"]),
            _t(b["liaison"]),
            _t(r["constraint"]),
            _t(r["effective_size"]),
            _t("yes" if r["articulation_point"] else ""),
            _t(r["categories_reached"]),
        )
    console.print(table)
    if result["state_links"]:
        links = Table(title="Links from each region to the state level")
        links.add_column("region")
        links.add_column("through", overflow="fold")
        state_links = result["state_links"]
        if limit and len(state_links) > limit:
            state_links = sorted(state_links, key=lambda s: bool(s["links"]))  # regions with no link first
        for s in _cap(state_links, limit):
            through = ", ".join(sorted({f"{x['partner']} -> {x['state_partner']}" for x in s["links"]}))
            links.add_row(_t(s["region"]), _t(through or "no link", style="" if through else "red"))
        console.print(links)
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
        table = Table(title=f"Agreements as of {formal['as_of']}")
        for name in ("agreement", "type", "parties", "expires", "state"):
            table.add_column(name, overflow="fold")
        agreements = formal["agreements"]
        if limit and len(agreements) > limit:
            agreements = sorted(agreements, key=lambda a: _AGREEMENT_URGENCY.get(a["state"], 2))  # expired first
        for a in _cap(agreements, limit):
            style = {"expired": "red", "expiring": "yellow"}.get(a["state"], "")
            table.add_row(
                _t(a["title"] or a["id"]),
                _t(a["type"]),
                _t(", ".join(a["parties"])),
                _t(a["expires"]),
                Text(a["state"], style=style),
            )
        console.print(table)
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
    table = Table(title="Funding by partner (most dependent first)")
    for name in ("partner", "streams", "amount", "HHI", "basis"):
        table.add_column(name, overflow="fold")
    for p in _cap(money["partners"], limit):
        table.add_row(_t(p["name"] or p["id"]), _t(p["streams"]), _t(p["amount"]), _t(p["hhi"]), _t(p["hhi_basis"]))
    console.print(table)
    _more(console, money["partners"], limit, "funded partners")
    streams = Table(title=f"Streams (ending within {money['within_months']} months of {money['as_of']})")
    for name in ("stream", "awards", "amount", "ends", "state"):
        streams.add_column(name, overflow="fold")
    # Ended streams are history: counted in no measure, listed with --json ("awards").
    current = [s for s in money["streams"] if s["state"] != "ended"]
    for s in _cap(current, limit):
        streams.add_row(
            _t(s["stream"]),
            _t(s["awards"]),
            _t(s["amount"]),
            _t(s["ends"]),
            Text(s["state"], style="yellow" if s["state"] == "ending" else ""),
        )
    console.print(streams)
    _more(console, current, limit, "streams")
    ended = len(money["streams"]) - len(current)
    if ended:
        console.print(
            _t(f"{ended} stream(s) ended before {money['as_of']}: history, counted in no measure."), style="dim"
        )


def render_resilience(console: Console, res: dict, top: int = 5) -> None:
    table = Table(title="If one partner left (worst first)")
    for name in ("partner", "cut off", "cross-category ties lost", "types lost"):
        table.add_column(name, overflow="fold")
    for r in res["partners"][:top]:
        table.add_row(
            _t(r["name"] or r["id"]),
            _t(r["largest_component_loss"]),
            _t(r["cross_category_ties_lost"]),
            _t(", ".join(r["types_lost"])),
        )
    console.print(table)
    if res["people"]:
        people = Table(title="If one champion left (worst first)")
        for name in ("champion", "at", "informal ties lost", "cut off"):
            people.add_column(name, overflow="fold")
        for r in res["people"][:top]:
            people.add_row(
                _t(r["person"]), _t(r["partner_name"]), _t(r["informal_ties_lost"]), _t(r["largest_component_loss"])
            )
        console.print(people)


def render_turnover(console: Console, res: dict) -> None:
    if not res["turnover"]:
        return
    table = Table(title="If a region's state-level champions turned over together")
    for name in ("region", "agencies", "informal ties lost", "cut off"):
        table.add_column(name, overflow="fold")
    for r in res["turnover"]:
        table.add_row(
            _t(r["region"] or "(state)"),
            _t(", ".join(r["partner_names"])),
            _t(r["informal_ties_lost"]),
            _t(r["largest_component_loss"]),
        )
    console.print(table)


def render_health(console: Console, h: dict) -> None:
    table = Table(title="Network health")
    table.add_column("measure")
    table.add_column("value", overflow="fold")
    for label, value in (
        ("partners / ties", f"{h['partners']} / {h['ties']}"),
        ("density", h["density"]),
        ("components", f"{h['components']} (sizes {', '.join(map(str, h['component_sizes'][:8]))})"),
        ("isolated partners", ", ".join(h["isolates"]) or "none"),
        ("degree centralisation", h["degree_centralization"]),
        ("E-I index across categories", h["ei_index"]),
        ("communities vs categories (NMI)", h["communities_vs_categories_nmi"]),
        ("possible silos", len(h["silos"])),
    ):
        table.add_row(_t(label), _t(value))
    console.print(table)


# -- store --------------------------------------------------------------------------------


def render_load(console: Console, summary: Any, where: str) -> None:
    """What a load did: one line, then created/updated/unchanged/deleted per label and type."""
    totals = summary.totals()
    if summary.written:
        head = f"loaded map {summary.map!r} into {where} (version {summary.version}, {summary.batches} batch(es))"
    else:
        head = f"map {summary.map!r} in {where} is already up to date (version {summary.version}); nothing written"
    console.print(_t(head, style="bold green"))
    table = Table(box=None, pad_edge=False)
    for column in ("", "created", "updated", "unchanged", "deleted"):
        table.add_column(column, justify="left" if not column else "right")
    for what, row in summary.counts.items():
        if any(row.values()):
            table.add_row(_t(what), *(_t(row[k]) for k in ("created", "updated", "unchanged", "deleted")))
    table.add_row(Text("total", style="bold"), *(_t(totals[k]) for k in ("created", "updated", "unchanged", "deleted")))
    console.print(table)


def render_maps(console: Console, maps: Sequence[dict[str, Any]], where: str) -> None:
    """The maps a database holds."""
    if not maps:
        console.print(_t(f"{where} holds no maps yet; add one with: netmap load WORKBOOK --uri ..."))
        return
    table = Table(title=safe_text(f"Maps in {where}"))
    for column in ("map", "version", "loaded at", "source"):
        table.add_column(column)
    for m in maps:
        table.add_row(_t(m.get("map")), _t(m.get("version")), _t(m.get("loaded_at")), _t(m.get("source")))
    console.print(table)


def render_regions(console: Console, result: dict[str, Any]) -> None:
    """Regions side by side: the ranking, then the local roster matrix."""
    names = result["region_names"]
    table = Table(title="Regions ranked by gaps (most first)")
    for column in ("#", "region", "partners", "present", "peripheral", "missing", "minimum team", "state link"):
        table.add_column(
            column, justify="right" if column in ("#", "partners", "present", "peripheral", "missing") else "left"
        )
    for r in result["regions"]:
        link = ", ".join(r["state_partner_names"]) if r["state_linked"] else Text("none", style="red")
        partners = _t(r["active"]) if r["listed"] else Text("none listed", style="red")
        table.add_row(
            _t(r["rank"]), _t(r["region"]), partners, _t(r["present"]), _t(r["peripheral"]), _t(r["missing"]),
            _t(f"{r['minimum_met']} of {r['minimum_total']}"), link if isinstance(link, Text) else _t(link),
        )  # fmt: skip
    console.print(table)
    if not names:
        return
    matrix = Table(title="Local roster by region: ● present  ◐ peripheral  ○ missing")
    matrix.add_column("category")
    matrix.add_column("agency type")
    for name in names:
        matrix.add_column(_t(name), justify="center")
    for row in result["matrix"]:
        cells = []
        for name in names:
            mark, style = _MARK[row["cells"][name]]
            cells.append(Text(mark, style=style))
        matrix.add_row(_t(row["category"]), _t(row["agency_type"]), *cells)
    console.print(matrix)


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
            console.print(_t(f"  {show(item)}"))

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
        console.print(_t(f"  skipped {a['name']} ({a['id']}): already partner {a['partner_id']}"))
    shown = [g for g in result["gaps"] if g["candidates"] or g["prospective"] or show_empty]
    if shown:
        table = Table(title="Who could fill each gap (best fit first; fit out of 100)")
        for column in ("scope", "missing type", "candidate (fit)", "why"):
            table.add_column(column)
        for g in shown:
            scope = g["region"] or ("state" if g["level"] == "state" else "statewide")
            rows = [(f"{c['name']} ({c['score']:g})", c["why"]) for c in g["candidates"]]
            rows += [(name, "listed as a prospective partner already") for name in g["prospective"]]
            if g["more"]:
                rows.append((f"… and {g['more']} more", "use --top to see them"))
            for index, (name, why) in enumerate(rows or [("no candidate in the directory", "")]):
                first = index == 0
                missing = g["agency_type"] + (f" (for {g['population']})" if g.get("population") else "")
                table.add_row(_t(scope if first else ""), _t(missing if first else ""), _t(name), _t(why))
        console.print(table)
    empty = sum(1 for g in result["gaps"] if not g["candidates"])
    if empty and not show_empty:
        console.print(Text(f"{empty} gap(s) have no candidate in the directory (--all lists them)."))
    if not result["holes"]:
        return
    table = Table(title="Introductions across the widest holes between categories")
    for column in ("between", "ties now", "introduce", "because"):
        table.add_column(column)
    for h in result["holes"]:
        between = f"{h['category_a']} ({h['partners_a']}) and {h['category_b']} ({h['partners_b']})"
        intros = h["introductions"] or [None]
        for index, i in enumerate(intros):
            first = index == 0
            table.add_row(
                _t(between if first else ""),
                _t(h["ties"] if first else ""),
                _t(f"{i['source_name']} + {i['target_name']}" if i else "no pair shares a partner"),
                _t(f"{i['explanation']} (shared: {', '.join(i['shared_names'])})" if i else ""),
            )
    console.print(table)
