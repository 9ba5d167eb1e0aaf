"""Terminal output with rich: issue tables and one-line summaries.

Examples
--------
>>> from rich.console import Console
>>> from netmap.errors import Issue
>>> console = Console(width=120, record=True, color_system=None)
>>> render_issues(console, [Issue("empty-required", "the required cell 'name' is empty",
...     file="x.csv", sheet="partners", row=3, column="name")])
>>> "empty-required" in console.export_text()
True
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from netmap.errors import Issue

__all__ = ["render_counts", "render_issues"]


def render_issues(console: Console, issues: Sequence[Issue]) -> None:
    """A table of issues, errors and warnings alike, in workbook order.

    Every cell is passed as plain ``Text`` so that markup-like values in the data
    (``[bold]``) are shown literally.
    """
    table = Table(title=f"{len(issues)} issue(s)", show_lines=False, expand=False)
    for name in ("", "code", "sheet", "row", "column"):
        table.add_column(name, no_wrap=True)
    for name in ("value", "message", "suggestions"):
        table.add_column(name, overflow="fold")
    for issue in issues:
        mark = Text("error", style="bold red") if issue.is_error else Text("warning", style="yellow")
        table.add_row(
            mark,
            Text(issue.code),
            Text(issue.sheet or ""),
            Text("" if issue.row is None else str(issue.row)),
            Text(issue.column or ""),
            Text(issue.value or ""),
            Text(issue.message),
            Text("; ".join(issue.suggestions)),
        )
    console.print(table)
    files = sorted({i.file for i in issues if i.file})
    if files:
        console.print(Text("file(s): " + ", ".join(files), style="dim"))


def render_counts(console: Console, source: str, counts: dict[str, int], warnings: int) -> None:
    """One line saying what was read."""
    read = ", ".join(f"{n} {sheet}" for sheet, n in counts.items() if n)
    tail = f" ({warnings} warning(s))" if warnings else ""
    console.print(Text(f"OK {source}: {read or 'nothing'}{tail}"))
