r"""Tables that stay readable at any terminal width, 80 columns up.

Rich wraps a cell at spaces as long as the column is at least as wide as the cell's
longest word; below that it folds words in pieces ("Co/mu/ni/ty"). :func:`fit_table`
keeps every column at least that wide. When the whole table does not fit the console, it
first writes the short header of the columns that have one, then leaves out the columns a
reader misses least (a legend under the table says which, and what the short headers
stand for), and when even that does not fit it prints one block per row instead: the
row's first cell, then ``name: value`` lines wrapped at spaces.

Examples
--------
>>> import io
>>> from rich.console import Console
>>> console = Console(file=io.StringIO(), width=34, record=True, color_system=None)
>>> fit_table(console, [Col("partner"), Col("betweenness", short="betw"), Col("region", drop=1)],
...           [["Pima Community College", 0.5, "Pima County"]], title="Brokers")
>>> print("\n".join(line.rstrip() for line in console.export_text().splitlines()))
             Brokers
┏━━━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━┓
┃ partner      ┃ betw ┃ region   ┃
┡━━━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━┩
│ Pima         │ 0.5  │ Pima     │
│ Community    │      │ County   │
│ College      │      │          │
└──────────────┴──────┴──────────┘
betw = betweenness
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from netmap.errors import safe_text

__all__ = ["Col", "cell", "fit_table", "group_columns", "share_widths", "table_fits"]

# A word longer than this is folded wherever it is shown (a URL, a long id): letting it
# set a column's width would push every other column out.
LONG_WORD = 24


@dataclass(frozen=True)
class Col:
    """One column of a :func:`fit_table`.

    Parameters
    ----------
    name : str
        The header, and the label of the value in the stacked layout.
    short : str, optional
        A shorter header used when the table is too wide; the legend spells it out.
    drop : int
        0: always shown. Higher numbers are left out first when the table is too wide.
    justify : str
        ``"left"``, ``"right"`` or ``"center"``.
    no_wrap : bool
        Never wrapped (a code, a date): its whole text is its narrowest width.
    """

    name: str
    short: str | None = None
    drop: int = 0
    justify: str = "left"
    no_wrap: bool = False


def cell(value: object, style: str = "") -> Text:
    """Any value as literal, terminal-safe text; floats to at most three decimals.

    >>> cell(0.123456).plain, cell(2.0).plain, cell(None).plain, cell("[bold]").plain
    ('0.123', '2', '', '[bold]')
    """
    if isinstance(value, Text):
        return value
    if value is None:
        return Text("", style=style)
    if isinstance(value, float) and math.isfinite(value):
        text = f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        return Text(text, style=style)
    return Text(safe_text(value), style=style)


def _longest_word(text: str) -> int:
    return max((len(word) for line in text.splitlines() for word in line.split()), default=0)


def _narrowest(col: Col, header: str, cells: Sequence[Text]) -> int:
    """The narrowest width that splits no word of the column (headers wrap too)."""
    if col.no_wrap:
        return max([len(header)] + [c.cell_len for c in cells])
    words = [_longest_word(header)] + [min(_longest_word(c.plain), LONG_WORD) for c in cells]
    return max(max(words), 1)


def _widest(header: str, cells: Sequence[Text]) -> int:
    return max([len(header)] + [max((len(line) for line in c.plain.splitlines()), default=0) for c in cells])


# Rich's default box: a border left of every column and one at the end, one space of
# padding each side of a cell.
def _overhead(columns: int) -> int:
    return 3 * columns + 1


def table_fits(width: int, mins: Sequence[int]) -> bool:
    """Whether columns of these narrowest widths fit ``width`` with rich's borders.

    >>> table_fits(80, [20, 20, 20]), table_fits(30, [10, 10, 10])
    (True, False)
    """
    return sum(mins) + _overhead(len(mins)) <= width


def fit_table(
    console: Console,
    columns: Sequence[Col],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | Text | None = None,
    note: str = "--json shows every column",
    stacked_title: bool = True,
) -> None:
    """Print ``rows`` as a table that fits ``console.width`` with no word split.

    Parameters
    ----------
    console : rich.console.Console
        Where to print; its width is the budget.
    columns : sequence of Col
        The columns, in order.
    rows : sequence of sequences
        One value (or ``Text``) per column; values pass :func:`cell`.
    title : str or Text, optional
        The table's title.
    note : str
        Said after the list of columns left out (where to see them).
    stacked_title : bool
        Print the title above the blocks of the stacked layout too.

    Examples
    --------
    >>> import io
    >>> console = Console(file=io.StringIO(), width=24, record=True, color_system=None)
    >>> fit_table(console, [Col("partner"), Col("what to do")],
    ...           [["Goodwill", "sign a data-sharing agreement with the college"]])
    >>> print(console.export_text().rstrip())
    Goodwill
      what to do: sign a
        data-sharing
        agreement with the
        college
    """
    texts = [[cell(v) for v in row] for row in rows]
    by_column = [[row[i] for row in texts] for i in range(len(columns))]
    width = console.width
    keep = list(range(len(columns)))
    shorts = False

    def mins(indices: Sequence[int], short: bool) -> list[int]:
        return [_narrowest(columns[i], _header(columns[i], short), by_column[i]) for i in indices]

    if not table_fits(width, mins(keep, False)):
        shorts = True
        # Leave out the most droppable column, then the next, until the rest fits.
        for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop):
            if table_fits(width, mins(keep, True)):
                break
            keep.remove(i)
        if not table_fits(width, mins(keep, True)):
            _stack(console, columns, texts, title if stacked_title else None)
            return
    # Rich would narrow the widest columns past their longest word to fit; the widths
    # are set here instead, every column at least its narrowest.
    headers = [_header(columns[i], shorts) for i in keep]
    widths = share_widths(
        width - _overhead(len(keep)),
        mins(keep, shorts),
        [_widest(h, by_column[i]) for h, i in zip(headers, keep, strict=True)],
    )
    table = Table(title=title, expand=False)
    for i, header, size in zip(keep, headers, widths, strict=True):
        col = columns[i]
        table.add_column(Text(header), justify=col.justify, no_wrap=col.no_wrap, overflow="fold", width=size)  # type: ignore[arg-type]
    for row in texts:
        table.add_row(*(row[i] for i in keep))
    console.print(table)
    shown = {columns[i].name for i in keep}
    abbreviated = [columns[i] for i in keep if shorts and columns[i].short]
    _legend(console, abbreviated, [c for c in columns if c.name not in shown], note)


def share_widths(room: int, least: Sequence[int], most: Sequence[int]) -> list[int]:
    """Column widths in ``room``: each at least its ``least``, at most its ``most``, the
    room left over shared fairly: a column that wants less than an equal share of what is
    left gets all it wants (so "none listed" or a short header stays on one line), the long
    text columns share the rest equally.

    >>> share_widths(30, [5, 5], [10, 10])
    [10, 10]
    >>> share_widths(20, [5, 5], [25, 5])
    [15, 5]
    >>> share_widths(20, [4, 4], [24, 12])
    [10, 10]
    >>> share_widths(40, [6, 4, 6], [11, 60, 50])  # the short column whole, the two long ones share
    [11, 14, 15]
    """
    widths = [max(a, 1) for a in least]
    most = [max(m, w) for m, w in zip(most, widths, strict=True)]
    spare = room - sum(widths)
    wants = [m - w for m, w in zip(most, widths, strict=True)]
    total = sum(wants)
    if spare <= 0 or total == 0:
        return widths
    if total <= spare:
        return most
    order = sorted((i for i in range(len(widths)) if wants[i]), key=lambda i: wants[i])
    for done, i in enumerate(order):
        give = min(wants[i], spare // (len(order) - done))
        widths[i] += give
        spare -= give
    # The few characters the division left go to the columns that still want the most.
    for i in sorted(range(len(widths)), key=lambda i: widths[i] - most[i])[:spare]:
        if widths[i] < most[i]:
            widths[i] += 1
    return widths


def _header(col: Col, short: bool) -> str:
    return col.short if short and col.short else col.name


def _legend(console: Console, abbreviated: Sequence[Col], dropped: Sequence[Col], note: str) -> None:
    parts = [f"{c.short} = {c.name}" for c in abbreviated]
    if dropped:
        parts.append(f"not shown at this width: {', '.join(c.name for c in dropped)} ({note})")
    if parts:
        console.print(Text("; ".join(parts), style="dim"))


def _stack(console: Console, columns: Sequence[Col], rows: Sequence[Sequence[Text]], title: Any) -> None:
    """One block per row: the first cell, then each other non-empty cell as ``name: value``."""
    if title is not None:
        console.print(title if isinstance(title, Text) else Text(title, style="italic"))
    for row in rows:
        head = row[0].copy() if row else Text("")
        head.stylize("bold")
        console.print(head)
        for col, value in zip(columns[1:], row[1:], strict=True):
            if not value.plain.strip():
                continue
            line = Text.assemble(f"  {col.name}: ", value)
            # Wrapped at spaces, continuation lines indented under the label.
            for i, piece in enumerate(line.wrap(console, console.width - 4, overflow="fold")):
                piece.rstrip()
                console.print(piece if i == 0 else Text.assemble("    ", piece))


def group_columns(width: int, fixed: Sequence[int], extra: Sequence[int]) -> list[range]:
    """Split the ``extra`` columns into consecutive groups that fit beside the ``fixed``
    ones (each given by its narrowest width): the pages of a wide matrix.

    >>> group_columns(40, [10, 10], [5, 5, 5, 5])
    [range(0, 1), range(1, 2), range(2, 3), range(3, 4)]
    >>> group_columns(80, [10, 10], [5, 5, 5, 5])
    [range(0, 4)]
    """
    groups: list[range] = []
    start = 0
    while start < len(extra):
        end = start + 1  # at least one per page, even when it does not fit
        while end < len(extra) and table_fits(width, [*fixed, *extra[start : end + 1]]):
            end += 1
        groups.append(range(start, end))
        start = end
    return groups
