"""Write the issues ``netmap validate`` found back into a copy of the workbook.

Each issue becomes a cell comment on the cell it is about, and that cell is filled (light
red for an error, amber for a warning). An "Issues" sheet, put first and opened first, lists
every issue (severity, code, sheet, row, column, the cell as a link to it, value, message,
suggestion) under a legend of the two fills. The source workbook is only read.

Where an issue goes:

- a cell (sheet, row and column): that cell. The row is the row number a person sees in
  Excel; the column is matched to the sheet's header the way netmap reads it (ignoring case,
  spaces and hyphens), or is a column letter (a value in a column with no header);
- a whole row (no column, or a column the sheet lacks, e.g. a missing required column): the
  row's first cell;
- a whole sheet (no row): the header cell of its column, else the header's first cell;
- a sheet or file that is not there: the Issues sheet only.

Several issues on one cell make one comment; a comment the workbook already had is kept, and
netmap's text goes beneath it after a ``netmap:`` line.

Examples
--------
>>> import tempfile, pathlib, openpyxl
>>> from netmap.errors import Issue
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "partners"
>>> ws.append(["id", "name", "agency_type"]); ws.append(["P1", "Pima CC", "Comunity colege"])
>>> wb.save(folder / "book.xlsx")
>>> bad = Issue("unknown-agency-type", "no such agency type", sheet="partners", row=2,
...             column="agency_type", value="Comunity colege")
>>> out = annotate_workbook(folder / "book.xlsx", [bad], folder / "annotated.xlsx")
>>> copy = openpyxl.load_workbook(out)
>>> copy.sheetnames
['Issues', 'partners']
>>> print(copy["partners"]["C2"].comment.text)
netmap: error unknown-agency-type: no such agency type
>>> copy["Issues"]["F5"].hyperlink.location
"'partners'!C2"
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from netmap.errors import ERROR, Issue, NetmapError, UsageError, safe_text
from netmap.model import ISSUES_SHEET_MARKER, header_key
from netmap.outputs import Inputs, check_file_target, set_cell, write_file

__all__ = [
    "ANNOTATE_SUFFIXES",
    "ERROR_FILL",
    "ISSUES_SHEET",
    "WARNING_FILL",
    "annotate_workbook",
    "check_annotate_target",
    "issues_sheet_name",
]

# The workbooks netmap reads as .xlsx (an .xlsm is read the same way; its macros are kept).
ANNOTATE_SUFFIXES = (".xlsx", ".xlsm")
ISSUES_SHEET = "Issues"
# Excel's own "bad" and "neutral" fills: light red and amber, told apart also in print.
ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
HEADER = ("Severity", "Code", "Sheet", "Row", "Column", "Cell", "Value", "Message", "Suggestion")
_WIDTHS = (9, 22, 14, 6, 14, 7, 24, 60, 30)  # of the Issues sheet's columns, in characters
_LETTERS = re.compile(r"^[A-Z]{1,3}$")
# Characters XML 1.0 cannot hold at all: openpyxl refuses them in a cell.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def issues_sheet_name(existing: Iterable[str]) -> str:
    """The name of the Issues sheet: ``Issues``, or ``Issues (netmap)`` if the book has an Issues sheet.

    Excel's sheet names are unique ignoring case, so an ``issues`` sheet counts too.

    >>> issues_sheet_name(["partners"]), issues_sheet_name(["ISSUES"])
    ('Issues', 'Issues (netmap)')
    >>> issues_sheet_name(["Issues", "Issues (netmap)"])
    'Issues (netmap 2)'
    """
    taken = {name.casefold() for name in existing}
    name, n = ISSUES_SHEET, 1
    while name.casefold() in taken:
        name = f"{ISSUES_SHEET} (netmap)" if n == 1 else f"{ISSUES_SHEET} (netmap {n})"
        n += 1
    return name


def _link(title: str, coordinate: str) -> str:
    """An internal link target: the sheet name always quoted, its apostrophes doubled."""
    return "'" + title.replace("'", "''") + "'!" + coordinate


def _text(value: Any) -> str:
    # Shown as the terminal shows it (controls made visible); XML cannot hold the C0 controls.
    return _ILLEGAL_XML.sub("", safe_text(value))


def _set_text(cell: Any, value: Any) -> None:
    """Write ``value`` as text, never as a formula, even when it starts with = + - @."""
    set_cell(cell, _text(value))


class _Sheet:
    """Where the cells of one sheet are: its header row and the columns by header name."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.header_row = 1
        self.first_column = 1
        self.columns: dict[str, int] = {}
        for row in ws.iter_rows():
            filled = [c for c in row if not _blank(c.value)]
            if filled:
                # The reader takes the first row holding a value as the header.
                self.header_row = filled[0].row
                self.first_column = filled[0].column
                for c in filled:
                    self.columns.setdefault(header_key(str(c.value)), c.column)
                break

    def column(self, issue: Issue) -> int | None:
        name = issue.column
        if not name:
            return None
        found = self.columns.get(header_key(name))
        if _LETTERS.match(name) and (found is None or issue.code == "unnamed-column"):
            from openpyxl.utils import column_index_from_string

            return column_index_from_string(name)
        return found

    def cell(self, issue: Issue) -> Any:
        """The cell ``issue`` is about (see the module docstring)."""
        column = self.column(issue)
        if issue.row is None:
            return self.ws.cell(row=self.header_row, column=column or self.first_column)
        return self.ws.cell(row=issue.row, column=column or self.first_column)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_sheets(wb: Any) -> dict[str, Any]:
    """Sheets by their exact title and by the name netmap gives them (stripped, lower case)."""
    found: dict[str, Any] = {}
    for ws in wb.worksheets:
        found.setdefault(ws.title, ws)
    for ws in wb.worksheets:
        # The first of two sheets with one name is the one netmap read.
        found.setdefault(ws.title.strip().lower(), ws)
    return found


def _line(issue: Issue) -> str:
    text = _text(f"{issue.severity} {issue.code}: {issue.message}")
    if issue.suggestions:
        # Shown safe part by part: the newline between them is netmap's own.
        text += "\n  suggestion: " + _text("; ".join(issue.suggestions))
    return text


def _comment_cell(cell: Any) -> tuple[Any, str]:
    """The cell a comment can go on: a merged range's top-left cell for the other cells of it."""
    from openpyxl.cell.cell import MergedCell

    if not isinstance(cell, MergedCell):
        return cell, ""
    ws = cell.parent
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            return ws.cell(row=merged.min_row, column=merged.min_col), f"(cell {cell.coordinate}) "
    return cell, ""


def check_annotate_target(source: str | Path, output: str | Path, *, inputs: Inputs = (), force: bool = False) -> Path:
    """Check, before any work, that ``source`` can be annotated into ``output``; return ``output``.

    Raises
    ------
    UsageError
        ``source`` is not an .xlsx/.xlsm file (a CSV folder, a database), ``output`` has
        another suffix, is an input (``source`` among them), or exists without ``force``.

    Examples
    --------
    >>> check_annotate_target("examples/tucson-behavioral-health", "out.xlsx")
    Traceback (most recent call last):
    ...
    netmap.errors.UsageError: --annotate needs an .xlsx workbook as SOURCE; examples/tucson-behavioral-health is not one
    """
    source, output = Path(source), Path(output)
    suffix = source.suffix.lower()
    if suffix not in ANNOTATE_SUFFIXES or not source.is_file():
        raise UsageError(f"--annotate needs an .xlsx workbook as SOURCE; {source} is not one")
    if output.suffix.lower() != suffix:
        raise UsageError(f"--annotate {output}: the annotated copy is a workbook like the source; name it *{suffix}")
    return check_file_target(output, inputs=[("SOURCE", source), *inputs], force=force)


def annotate_workbook(
    source: str | Path,
    issues: Sequence[Issue],
    output: str | Path,
    *,
    inputs: Inputs = (),
    force: bool = False,
) -> Path:
    """Write a copy of ``source`` with ``issues`` as comments, fills and an Issues sheet; return the path.

    Parameters
    ----------
    source : str or Path
        The ``.xlsx`` (or ``.xlsm``) workbook the issues were found in. Only read.
    issues : sequence of Issue
        From :func:`netmap.read_workbook` (``tables.issues``), errors and warnings.
    output : str or Path
        The copy to write, with the source's suffix; written atomically, never over the
        source or one of ``inputs``, over an existing file only with ``force``.
    inputs : sequence of (label, path)
        The command's other inputs (see :mod:`netmap.outputs`).
    force : bool
        Overwrite ``output`` if it exists.

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    UsageError
        ``source`` is not an .xlsx/.xlsm file, ``output`` has another suffix, is the source
        or an input, or exists without ``force``.
    NetmapError
        The workbook cannot be opened to be copied.

    Examples
    --------
    See the module docstring.
    """
    source, output = Path(source), Path(output)
    suffix = source.suffix.lower()
    check_annotate_target(source, output, inputs=inputs, force=force)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(source, keep_vba=suffix == ".xlsm", rich_text=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure: the copy cannot be made
        raise NetmapError(
            f"cannot annotate {source}: it cannot be opened as a workbook ({type(exc).__name__})"
        ) from None
    _annotate(wb, issues, source.name)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_file(output, buffer.getvalue(), inputs=[("SOURCE", source), *inputs], force=force)


def _annotate(wb: Any, issues: Sequence[Issue], label: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    fills = {sev: PatternFill("solid", fgColor=rgb) for sev, rgb in (("error", ERROR_FILL), ("warning", WARNING_FILL))}
    sheets = _find_sheets(wb)
    located: dict[str, _Sheet] = {}
    # cell -> its issues, in the order found, to make one comment a cell.
    notes: dict[Any, list[str]] = {}
    worst: dict[Any, str] = {}
    places: list[tuple[Issue, str | None, str | None]] = []  # issue, sheet title, cell coordinate
    for issue in issues:
        ws = sheets.get(issue.sheet) if issue.sheet else None
        if ws is None:
            places.append((issue, None, None))
            continue
        where = located.get(ws.title) or located.setdefault(ws.title, _Sheet(ws))
        cell, prefix = _comment_cell(where.cell(issue))
        notes.setdefault(cell, []).append(prefix + _line(issue))
        if worst.get(cell) != ERROR:
            worst[cell] = issue.severity
        places.append((issue, ws.title, cell.coordinate))
    for cell, lines in notes.items():
        ours = "\n".join(f"netmap: {line}" for line in lines)
        old = cell.comment
        text = f"{old.text.rstrip()}\n\n{ours}" if old is not None and old.text else ours
        comment = Comment(text, "netmap")
        comment.width = 360
        comment.height = min(40 + 30 * text.count("\n") + len(text) // 3, 600)
        cell.comment = comment
        cell.fill = fills.get(worst[cell], fills["warning"])

    ws = wb.create_sheet(issues_sheet_name(wb.sheetnames), 0)
    errors = sum(1 for i in issues if i.is_error)
    warnings = len(issues) - errors
    _set_text(ws["A1"], f"{ISSUES_SHEET_MARKER} {errors} error(s), {warnings} warning(s) in {label}")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"], ws["B2"] = "error", "warning"
    ws["A2"].fill, ws["B2"].fill = fills["error"], fills["warning"]
    _set_text(
        ws["C2"],
        "Cells with an issue are filled (red: error, amber: warning) and carry a comment; "
        "click a cell in the Cell column to go to it.",
    )
    ws.append([])
    ws.append(list(HEADER))
    head = ws.max_row
    for c in ws[head]:
        c.font = Font(bold=True)
    link_font = Font(color="0563C1", underline="single")
    for issue, title, coordinate in places:
        values = [
            issue.severity,
            issue.code,
            title or issue.sheet,
            issue.row,
            issue.column,
            coordinate,
            issue.value,
            issue.message,
            "; ".join(issue.suggestions) or None,
        ]
        row = ws.max_row + 1
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            if isinstance(value, int):
                cell.value = value
            elif value is not None:
                _set_text(cell, value)
        ws.cell(row=row, column=1).fill = fills.get(issue.severity, fills["warning"])
        if title is not None and coordinate is not None:
            link = ws.cell(row=row, column=6)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=_link(title, coordinate), display=coordinate)
            link.font = link_font
        for c in ws[row]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        # LibreOffice keeps the default height of a row it did not lay out: give it its lines.
        lines = max(-(-len(str(v)) // (w - 1)) if v is not None else 1 for v, w in zip(values, _WIDTHS, strict=True))
        ws.row_dimensions[row].height = 15 * max(lines, 1)
    for letter, width in zip("ABCDEFGHI", _WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    # Printed, the list is one page wide.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{head}"
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    if places:
        ws.auto_filter.ref = f"A{head}:I{ws.max_row}"
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
