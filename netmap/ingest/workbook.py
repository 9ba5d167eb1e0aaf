"""Read a netmap workbook (one ``.xlsx`` file or a folder of ``.csv`` files) into raw tables.

Nothing here interprets the data: cells come back as written (text stays text, Excel
numbers and dates stay numbers and dates) with the row number a person sees in Excel.
Problems with the files themselves (encoding, size, hostile content, ragged rows)
become :class:`~netmap.errors.Issue` objects; the caller decides what to do with them.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "partners.csv").write_text("id,name,agency_type\\n007,Pima CC,CC\\n")
>>> raw = read_workbook_raw(folder)
>>> raw.sheets["partners"].rows[0].cells
['007', 'Pima CC', 'CC']
>>> raw.sheets["partners"].rows[0].row
2
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from netmap.errors import ERROR, WARNING, Issue, UsageError
from netmap.ingest import csvfast
from netmap.ingest.cells import decimal_mark, is_ambiguous_number, to_decimal_point
from netmap.model import ISSUES_SHEET_MARKER, SHEETS, WORKSHEET_HELP_SHEET, header_key
from netmap.outputs import read_manifest, restore

__all__ = ["ColumnRows", "Limits", "RawRow", "RawSheet", "RawWorkbook", "read_form_json", "read_workbook_raw"]

# Sheets that `netmap init` writes for people, not data: never read as data.
TEMPLATE_SHEETS = ("readme", "lists", WORKSHEET_HELP_SHEET)
EXCEL_MAX_CELL = 32_767  # Excel's own limit on the characters of one cell
_SNIPPET = 120


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile or mistaken file from eating the machine.

    The defaults hold a 100,000-partner workbook with room to spare.
    """

    max_file_bytes: int = 64 * 2**20
    max_unzipped_bytes: int = 512 * 2**20
    max_zip_ratio: int = 200
    max_cell_chars: int = EXCEL_MAX_CELL
    max_columns: int = 1_000
    max_rows: int = 2_000_000
    # Cells an .xlsx sheet may hold (as declared and as read): 2,000,000 rows of 25 columns.
    max_cells: int = 50_000_000


@dataclass
class RawRow:
    row: int  # the row number a person sees in Excel (header = 1)
    cells: list[Any]


class ColumnRows(Sequence[RawRow]):
    """The rows of a sheet read column by column, made into :class:`RawRow` only when asked.

    A large plain CSV file of a large workbook is read as columns (see :mod:`netmap.ingest.csvfast`), and it
    is checked as columns too; this keeps them as they are, while everything that walks a
    sheet row by row still can.

    >>> rows = ColumnRows([["007", "7"], ["Pima CC", "Pima One Stop"]], first_row=2)
    >>> len(rows), rows[1]
    (2, RawRow(row=3, cells=['7', 'Pima One Stop']))
    """

    def __init__(self, columns: list[list[Any]], *, first_row: int) -> None:
        self.columns = columns
        self.first_row = first_row

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @overload
    def __getitem__(self, index: int) -> RawRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[RawRow]: ...
    def __getitem__(self, index: int | slice) -> RawRow | list[RawRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return RawRow(self.first_row + index, [column[index] for column in self.columns])

    def __iter__(self) -> Iterator[RawRow]:
        for index, cells in enumerate(zip(*self.columns, strict=True)):
            yield RawRow(self.first_row + index, list(cells))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the list it stands for

    def __repr__(self) -> str:
        return f"ColumnRows({len(self)} rows from row {self.first_row})"


@dataclass
class RawSheet:
    name: str  # normalised sheet name (lower case)
    title: str  # the sheet or file name as written
    file: str
    header: list[str]
    rows: list[RawRow] | ColumnRows = field(default_factory=list)
    header_row: int = 1
    # Cells of an .xlsx sheet that read as blank but are not: ``(row, column index)`` ->
    # ``(code, message, value, suggestions)``. The validator reports each one at its column.
    special: dict[tuple[int, int], tuple[str, str, str | None, tuple[str, ...]]] = field(default_factory=dict)
    # Rows made from the cells of a session worksheet (netmap.ingest.worksheet): row number ->
    # (sheet title, row, column letter) of the cell they came from, where issues are reported.
    origin: dict[int, tuple[str, int, str]] = field(default_factory=dict)
    # Laid out from a 211 directory (netmap.ingest.hsds): its service names are the directory's
    # own, matched to the taxonomy where they can be but never warned about one by one.
    directory: bool = False

    def columns(self) -> list[Sequence[Any]]:
        """The cells column by column, one per header cell (missing cells are ``None``).

        >>> sheet = RawSheet("partners", "partners", "partners.csv", ["id", "name"],
        ...     [RawRow(2, ["007", "Pima CC"]), RawRow(3, ["7"])])
        >>> sheet.columns()
        [('007', '7'), ('Pima CC', None)]
        """
        width = len(self.header)
        if isinstance(self.rows, ColumnRows):
            return list(self.rows.columns)
        if not self.rows:
            return [()] * width
        grid = [r.cells for r in self.rows]
        if any(len(cells) != width for cells in grid):
            # Ragged rows (reported by the reader): missing cells are empty, cells past the
            # header are not this sheet's data.
            grid = [
                cells[:width] if len(cells) >= width else [*cells, *([None] * (width - len(cells)))] for cells in grid
            ]
        return list(zip(*grid, strict=True))

    def row_numbers(self) -> list[int]:
        """The row number of each row, in order."""
        if isinstance(self.rows, ColumnRows):
            return list(range(self.rows.first_row, self.rows.first_row + len(self.rows)))
        return [r.row for r in self.rows]


@dataclass
class RawWorkbook:
    source: str
    kind: str  # "xlsx" or "csv"
    sheets: dict[str, RawSheet] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    # A partner intake form read back (netmap.ingest.form): the respondent's partner id.
    form: str | None = None


def snippet(value: Any) -> str | None:
    """A cell value short enough to show in an issue."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= _SNIPPET else text[:_SNIPPET] + "…"


def check_encoding(encoding: str | None) -> None:
    """Refuse an encoding Python does not know, or one that is no text encoding (rot13,
    base64: codecs that turn bytes into bytes).

    >>> check_encoding("rot13")
    Traceback (most recent call last):
    ...
    netmap.errors.UsageError: 'rot13' is not a text encoding (try utf-8, cp1252 or latin-1)
    """
    if encoding is None:
        return
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r} (try utf-8, cp1252 or latin-1)") from None
    if not getattr(info, "_is_text_encoding", True):
        raise UsageError(f"{encoding!r} is not a text encoding (try utf-8, cp1252 or latin-1)")


def read_workbook_raw(
    source: str | Path,
    *,
    encoding: str | None = None,
    limits: Limits | None = None,
    ahead: Callable[..., Any] | None = None,
) -> RawWorkbook:
    """Read the sheets of a workbook without interpreting them.

    Parameters
    ----------
    source : str or Path
        An ``.xlsx``/``.xlsm`` file, a folder of ``.csv`` files (one per sheet, named
        after the sheet), one ``.csv`` file (a workbook of that one sheet), or the ``.json``
        answers file of an HTML survey form (:mod:`netmap.ingest.form_json`). Each CSV
        file's separator (comma, semicolon, tab, pipe) is found from its first lines.
    encoding : str, optional
        Encoding of every CSV file. By default each file's own: its byte-order mark, else
        UTF-8, else Windows-1252 with an ``encoding-guessed`` warning. A file not in the
        encoding named is an ``encoding-error``.
    limits : Limits, optional
        Size bounds; see :class:`Limits`.
    ahead : callable, optional
        For a large folder: ``ahead(path, name, title, display, encoding, limits)`` may
        take a file to be read elsewhere meanwhile and return the placeholder of its sheet
        (:func:`netmap.ingest.ahead.sender`), which validation takes up; None reads it here.

    Raises
    ------
    UsageError
        ``source`` does not exist or is not a kind of file netmap reads.
    """
    limits = limits or Limits()
    path = Path(source)
    check_encoding(encoding)
    if not path.exists():
        raise UsageError(f"{source}: no such file or folder")
    if path.is_dir():
        return _read_csv_folder(path, str(source), encoding, limits, ahead)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, str(source), limits)
    if suffix in (".csv", ".txt"):
        book = RawWorkbook(str(source), "csv")
        fast = csvfast.worth_pandas(path.stat().st_size)
        _read_csv_file(book, path, path.stem.strip().lower(), encoding, limits, fast=fast)
        _explain_single_file(book, path, str(source))
        return book
    if suffix == ".json":
        return read_form_json(path, limits=limits, display=str(source))
    hint = {
        ".xls": "save it as an Excel Workbook (.xlsx)",
        ".ods": "save it as an Excel Workbook (.xlsx)",
        ".numbers": "export it as an Excel Workbook (.xlsx)",
    }.get(suffix, "give an .xlsx workbook or a folder of .csv files")
    raise UsageError(f"{source}: netmap reads .xlsx workbooks and folders of .csv files; {hint}")


def read_form_json(path: str | Path, *, limits: Limits | None = None, display: str | None = None) -> RawWorkbook:
    """Read the answers file of an HTML survey form (``netmap survey --html``) as a workbook.

    :mod:`netmap.ingest.form_json` lays the answers out as sheets; issues point into the
    file (sheet = the answers' key, row = the answer's place in its list, from 1).

    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "intake-A-answers.json"
    >>> _ = path.write_text(json.dumps({"netmap_form": 1, "partner_id": "A", "partner": {"name": "Alpha"}}))
    >>> read_form_json(path).sheets["partners"].rows
    [RawRow(row=1, cells=['A', 'Alpha', None, None, None])]
    """
    from netmap.ingest.form_json import parse_form_json

    limits = limits or Limits()
    path = Path(path)
    display = display or str(path)
    book = RawWorkbook(display, "json")
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            book.issues.append(_too_large(display, None, size, limits))
            return book
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{display}: cannot be read ({exc.strerror or exc})") from None
    answers = parse_form_json(
        data, file=display, form=path.name, max_cell_chars=limits.max_cell_chars, max_rows=limits.max_rows
    )
    book.issues.extend(answers.issues)
    for name, (header, rows) in answers.sheets.items():
        # Row n is the n-th answer: there is no header row to count.
        book.sheets[name] = RawSheet(name, name, display, header, [RawRow(r, cells) for r, cells in rows], header_row=0)
    return book


# -- CSV --------------------------------------------------------------------------------


def _explain_single_file(book: RawWorkbook, path: Path, label: str) -> None:
    """Say that a CSV workbook is a folder when one file was given that is not the whole of it.

    One file is read as a workbook of the one sheet it is named after. A file named after no
    sheet (``network.csv``) gets, in place of the plain ``unknown-sheet`` warning, one that
    explains the folder form; a sheet's file whose folder holds other sheets' files gets a
    ``single-csv-file`` warning naming them and the folder to give instead.
    """
    name = path.stem.strip().lower()
    folder = path.parent
    shown = str(Path(label).parent) if str(Path(label).parent) != "." else "."
    if name not in SHEETS:
        for index, issue in enumerate(book.issues):
            if issue.code == "unknown-sheet" and issue.sheet == name:
                book.issues[index] = Issue(
                    "unknown-sheet",
                    f"a CSV workbook is a folder with one file per sheet, named after it (partners.csv, "
                    f"roles.csv, ties.csv, ...); {path.name!r} names no sheet, so nothing in it is analysed",
                    WARNING,
                    file=issue.file,
                    sheet=name,
                    suggestions=(
                        f"if it lists partners: put it in a folder of its own as partners.csv, e.g. "
                        f"{Path(label).with_suffix('')}/partners.csv, and give the folder: "
                        f"netmap validate {Path(label).with_suffix('')}",
                    ),
                )
        return
    try:
        others = sorted(
            p.name
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() == ".csv" and p != path and p.stem.strip().lower() in SHEETS
        )
    except OSError:
        return
    if others:
        listed = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        book.issues.append(
            Issue(
                "single-csv-file",
                f"only {path.name} was read, not the other sheets' files beside it ({listed}): a CSV "
                "workbook is the folder of its sheets' files",
                WARNING,
                file=label,
                sheet=name,
                suggestions=(f"give the folder to read every sheet: netmap validate {shown}",),
            )
        )


def _read_csv_folder(
    folder: Path, label: str, encoding: str | None, limits: Limits, ahead: Callable[..., Any] | None = None
) -> RawWorkbook:
    book = RawWorkbook(label, "csv")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        # Excel saves "Unicode text" (tab-separated UTF-16) as .txt: netmap reads it once renamed.
        texts = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
        renames = tuple(f"rename {t} to {Path(t).stem}.csv (netmap reads Excel's 'Unicode text' files)" for t in texts)
        book.issues.append(
            Issue(
                "missing-sheet",
                "the folder holds no .csv files; it needs at least partners.csv",
                file=label,
                sheet="partners",
                suggestions=(*renames[:3], "netmap init --csv DIR writes a template"),
            )
        )
    # A folder netmap wrote (export --format workbook, pull) lists its files: their cells were
    # written neutralised (netmap.outputs) and are restored, and a sheet written under another
    # file name gets its own name back.
    written = read_manifest(folder) or {}
    # pandas' parser only for a large workbook (its import costs more than it saves on a small one).
    fast = csvfast.worth_pandas(sum(p.stat().st_size for p in files))
    named = []
    for path in files:
        display = str(Path(label) / path.name)
        name = path.stem.strip().lower()
        own = path.name in written
        title = path.stem.strip()
        if own and written[path.name].strip():
            title = written[path.name].strip()
            name = title.lower()
        named.append((path, display, name, own, title))
    # A file another process reads meanwhile (netmap.ingest.ahead): sent before the others
    # are read here; its sheet takes its place below. Only the one file of a sheet's name
    # (of two, which one stands depends on reading the first), and not a file netmap wrote
    # (its cells are restored as read).
    pending: dict[Path, RawSheet] = {}
    if ahead is not None and fast:
        files_of = Counter(name for _, _, name, _, _ in named)
        for path, display, name, own, title in named:
            sheet = None if own or files_of[name] > 1 else ahead(path, name, title, display, encoding, limits)
            if sheet is not None:
                pending[path] = sheet
    for path, display, name, own, title in named:
        if name in book.sheets:
            book.issues.append(
                Issue(
                    "duplicate-sheet",
                    f"two files hold sheet {name!r}: {book.sheets[name].file} and {display}; keep one",
                    file=display,
                    sheet=name,
                )
            )
            continue
        if path in pending:
            sheet = pending[path]
            sheet.issue_index = len(book.issues)  # type: ignore[attr-defined]  # the reader's issues go here
            book.sheets[name] = sheet
            continue
        _read_csv_file(book, path, name, encoding, limits, display, restoring=own, title=title, fast=fast)
    return book


# Byte-order marks, longest first (UTF-32 LE's begins with UTF-16 LE's): what they say
# the file is. Excel's "Unicode text" is UTF-16 LE with a BOM, tab-separated.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def _decode(
    data: bytes, display: str, sheet: str, encoding: str | None
) -> tuple[str | None, Issue | None, Issue | None]:
    """Decode a CSV file's bytes: ``(text, error, warning)``.

    With no ``encoding`` each file is decoded on its own: a byte-order mark decides, else
    UTF-8 if the bytes are UTF-8, else Windows-1252 (what Excel writes as "CSV" on Windows
    in Western Europe and the Americas) with an ``encoding-guessed`` warning. A named
    ``encoding`` is used for every file, and bytes not in it are an ``encoding-error``.

    >>> _decode("Niño".encode("cp1252"), "p.csv", "partners", None)[2].code
    'encoding-guessed'
    """

    def fail(message: str, line: int | None = None, value: str | None = None) -> tuple[None, Issue, None]:
        return (
            None,
            Issue(
                "encoding-error",
                message,
                file=display,
                sheet=sheet,
                row=line,
                value=value,
                suggestions=(
                    "in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'",
                    "or pass --encoding with the file's encoding, e.g. --encoding cp1252",
                ),
            ),
            None,
        )

    def bad_line(exc: UnicodeDecodeError, offset: int = 0) -> tuple[int, str]:
        return data[: offset + exc.start].count(b"\n") + 1, data[offset + exc.start : offset + exc.end].hex(" ")

    guessed = None
    if encoding is not None:
        named = codecs.lookup(encoding).name  # utf-8, utf-8-sig, utf-16-le, cp1252, ...
        for bom, _, label in _BOMS:
            if data.startswith(bom):
                if not named.startswith(label.lower()):
                    # Read in another encoding, the mark would become letters glued to the first header.
                    return fail(
                        f"the file starts with a {label} byte-order mark, so it is {label}, not {encoding}; "
                        "leave out --encoding (each file's own encoding is then found) or re-save the file"
                    )
                break
    if encoding is None:
        for bom, codec, label in _BOMS:
            if data.startswith(bom):
                try:
                    return data.decode(codec).removeprefix("\ufeff"), None, None
                except UnicodeDecodeError as exc:
                    # Lines of a UTF-16 file are two bytes a character: count them in the text.
                    good = data[: exc.start].decode(codec, errors="replace")
                    return fail(
                        f"line {good.count(chr(10)) + 1} is not valid {label} although the file starts with "
                        f"a {label} byte-order mark; the file is damaged",
                        good.count(chr(10)) + 1,
                    )
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            return fail("the file contains NUL bytes: it is binary or UTF-16 without a byte-order mark, not text", line)
        try:
            return data.decode("utf-8"), None, None
        except UnicodeDecodeError as exc:
            line, bad = bad_line(exc)
            guessed = Issue(
                "encoding-guessed",
                f"the file is not UTF-8 (line {line}, byte {bad}); it was read as Windows-1252 "
                "(Excel's 'CSV' on Windows): check that accented letters read right",
                WARNING,
                file=display,
                sheet=sheet,
                row=line,
                value=bad,
                suggestions=(
                    "if it is in another encoding, pass it: --encoding latin-1 (or mac-roman, cp1250, ...)",
                    "or in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'",
                ),
            )
            encoding = "cp1252"
    try:
        # A BOM is never data, whatever encoding was named for the file.
        return data.decode(encoding).removeprefix("\ufeff"), None, guessed
    except UnicodeDecodeError as exc:
        line, bad = bad_line(exc)
        if guessed is not None:
            return fail(
                f"line {line} is neither UTF-8 nor Windows-1252 (byte {bad}); the file was saved in another encoding",
                line,
                bad,
            )
        return fail(
            f"line {line} is not valid {encoding} (byte {bad}); the file was saved in another encoding", line, bad
        )


# The separators Excel writes between cells: a comma, a semicolon where the decimal mark
# is a comma (de, fr, nl, es, it, ...), a tab in its "Unicode text"; a pipe from some
# database exports.
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SNIFF_CHARS = 1 << 16
_SNIFF_ROWS = 20


def sniff_separator(text: str) -> str:
    """The character between the cells of a CSV text: ``,``, ``;``, tab or ``|``.

    Each is tried on the header and the first rows, quotes respected: the one that splits
    the header into the most cells, with the rows as wide as the header, wins; a comma
    when none splits it (a one-column file) or on a tie. A comma file whose cells hold
    semicolons stays a comma file, as its header and rows agree on commas.

    >>> sniff_separator("id;name;amount\\n1;Pima, AZ;12,5\\n")
    ';'
    >>> sniff_separator('id,name,notes\\n1,Pima CC,"roles; ties; funding"\\n')
    ','
    """
    sample = text[:_SNIFF_CHARS]
    cut = len(text) > _SNIFF_CHARS
    best, best_key = ",", (False, 1)
    for separator in SEPARATORS:
        if separator not in sample:
            continue
        records: list[list[str]] = []
        try:
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=separator):
                if any(cell.strip() for cell in record):
                    records.append(record)
                if len(records) > _SNIFF_ROWS:
                    break
        except csv.Error:
            pass  # an unclosed quote: judged by the records before it
        if cut and len(records) <= _SNIFF_ROWS:
            records = records[:-1]  # the last record may be cut off by the sample
        if not records:
            continue
        width = len(records[0])
        while width > 1 and not records[0][width - 1].strip():
            width -= 1  # blank header cells at the end are no columns
        if width < 2:
            continue  # it does not split the header: not this file's separator
        rows = records[1:]
        agreeing = sum(1 for row in rows if len(row) == len(records[0]))
        key = (not rows or 2 * agreeing >= len(rows), width)
        if key > best_key:
            best, best_key = separator, key
    return best


def _read_csv_file(
    book: RawWorkbook,
    path: Path,
    name: str,
    encoding: str | None,
    limits: Limits,
    display: str | None = None,
    *,
    restoring: bool = False,
    title: str | None = None,
    fast: bool = True,
) -> None:
    display = display or str(path)
    title = title or path.stem.strip()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        book.issues.append(_too_large(display, name, size, limits))
        return
    text, problem, guessed = _decode(path.read_bytes(), display, name, encoding)
    if problem is not None or text is None:
        book.issues.append(problem)
        return
    if guessed is not None:
        book.issues.append(guessed)
    # A folder netmap wrote is comma-separated; any other file is what its first lines say.
    separator = "," if restoring else sniff_separator(text)
    if separator != ",":
        # Said before the rows are read, so a file that fails to parse still says how it was read.
        noted = len(book.issues)
        book.issues.append(_separator_issue(separator, display, name, None))
    if fast and size >= csvfast.FAST_CSV_BYTES:
        columns = csvfast.plain_columns(
            text, max_rows=limits.max_rows + 1, max_cell_chars=limits.max_cell_chars, delimiter=separator
        )
        if columns is not None and len(columns) <= limits.max_columns:
            del text
            if restoring:
                columns = [_restored(column) for column in columns]
            _columns_to_sheet(book, name, title, display, columns)
            if separator != ",":
                mark = _read_decimals(book.sheets[name], separator) if book.kind == "csv" else None
                book.issues[noted] = _separator_issue(separator, display, name, mark)
            return
    # csv's default 128 KiB field cap would raise mid-file; we check length ourselves.
    csv.field_size_limit(max(limits.max_file_bytes, 2**20))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=separator)
    rows: list[list[str]] = []
    try:
        for record in reader:
            if len(rows) > limits.max_rows:
                book.issues.append(
                    Issue(
                        "too-many-rows",
                        f"more than {limits.max_rows} rows; split the sheet or raise the limit",
                        file=display,
                        sheet=name,
                        row=len(rows) + 1,
                    )
                )
                return
            rows.append(record)
    except csv.Error as exc:
        book.issues.append(
            Issue(
                "malformed-csv",
                f"the CSV cannot be read past line {reader.line_num}: {exc}; check for an unclosed quote",
                file=display,
                sheet=name,
                row=len(rows) + 1,
                suggestions=('every quote that opens a cell must close it: "like, this"',),
            )
        )
        return
    if restoring:
        rows = [_restored(row) for row in rows]
    _to_sheet(book, name, title, display, rows, limits, separator)
    if separator != ",":
        mark = _read_decimals(book.sheets[name], separator) if book.kind == "csv" else None
        book.issues[noted] = _separator_issue(separator, display, name, mark)


def _separator_issue(separator: str, display: str, sheet: str, mark: str | None) -> Issue:
    """The warning that a file was read with another separator than a comma, and how its numbers were."""
    word = SEPARATORS[separator]
    why = {
        ";": " (as Excel writes CSV where the decimal mark is a comma)",
        "\t": " (as Excel writes 'Unicode text')",
    }.get(separator, "")
    numbers = {
        ",": "; its numbers were read with a decimal comma (12,5 is twelve and a half)",
        ".": "; its numbers were read with a decimal point (12.5)",
        None: "",
    }[mark]
    return Issue(
        "csv-separator",
        f"the file's cells are separated by a {word}, not a comma{why}; it was read {word}-separated{numbers}",
        WARNING,
        file=display,
        sheet=sheet,
        value=word,
        suggestions=("nothing to fix; to read it without this note, save it as 'CSV UTF-8 (Comma delimited)'",),
    )


# Columns whose cells are numbers, by the kind model.py gives them.
_NUMBER_KINDS = ("amount", "count", "strength")


def _read_decimals(sheet: RawSheet, separator: str) -> str | None:
    """Write the numbers of a sheet that uses a decimal comma as netmap reads them (``12,5`` -> ``12.5``).

    A comma-separated file has decimal points. A semicolon-separated one has decimal commas
    unless its numbers show points only; a tab- or pipe-separated one has points unless its
    numbers show commas only (:func:`netmap.ingest.cells.decimal_mark`). (Only a netmap
    workbook's sheets: an HSDS table that shares a sheet's name has other columns.) Where a sheet shows
    both, a number that reads two ways (``1.250``) is an ``invalid-number`` error at its cell,
    never a guess.

    Returns the decimal mark the numbers were read with (``None``: the sheet has no number
    columns, or shows both marks).
    """
    spec = SHEETS.get(sheet.name)
    if separator == "," or spec is None or not sheet.header:
        return None
    kinds = {column.name: column.kind for column in spec.columns}
    indexes = [i for i, title in enumerate(sheet.header) if kinds.get(header_key(title)) in _NUMBER_KINDS]
    if not indexes:
        return None
    columns = sheet.columns()
    mark = decimal_mark([cell for i in indexes for cell in columns[i]], "," if separator == ";" else ".")
    if mark == ".":
        return mark
    numbers = sheet.row_numbers()
    changed: dict[int, list[Any]] = {}
    for i in indexes:
        cells = list(columns[i])
        for position, cell in enumerate(cells):
            if not isinstance(cell, str) or not cell.strip():
                continue
            if mark is None and is_ambiguous_number(cell):
                sheet.special[numbers[position], i] = (
                    "invalid-number",
                    f"{cell.strip()!r} reads two ways: the file writes some numbers with a decimal comma and "
                    "some with a decimal point, so it may be a thousands group or three decimals",
                    cell.strip(),
                    ("write it without a thousands separator, e.g. 1250 or 1,25",),
                )
                cells[position] = ""
                continue
            converted = to_decimal_point(cell)
            if converted is not None:
                cells[position] = converted
        changed[i] = cells
    if isinstance(sheet.rows, ColumnRows):
        for i, cells in changed.items():
            sheet.rows.columns[i] = cells
        return mark
    for position, raw_row in enumerate(sheet.rows):
        for i, cells in changed.items():
            if i < len(raw_row.cells):
                raw_row.cells[i] = cells[position]
    return mark


def _restored(cells: list[str]) -> list[str]:
    """Cells as written before netmap neutralised them (only cells starting with ``'`` change)."""
    return [restore(c) if c[:1] == "'" else c for c in cells]


# -- XLSX -------------------------------------------------------------------------------


def _size(n: int) -> str:
    """A byte count for people: 812 bytes, 3.4 KiB, 100.0 MiB."""
    if n < 1024:
        return f"{n} bytes"
    if n < 2**20:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KiB"
    return f"{n / 2**20:.1f}".removesuffix(".0") + " MiB"


def _too_large(display: str, sheet: str | None, size: int, limits: Limits) -> Issue:
    return Issue(
        "file-too-large",
        f"the file is {_size(size)}; netmap reads files up to {_size(limits.max_file_bytes)}",
        file=display,
        sheet=sheet,
        suggestions=("split the workbook by region", "or pass --max-file-size with a larger limit in MiB"),
    )


def _check_zip(path: Path, display: str, limits: Limits) -> Issue | None:
    """Refuse zip bombs and XML with DTDs before any XML parser sees the file."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if total > limits.max_unzipped_bytes or (total > 10 * 2**20 and total / packed > limits.max_zip_ratio):
                return Issue(
                    "zip-bomb",
                    f"the workbook unpacks to {total / 2**20:.0f} MiB from {packed / 2**20:.1f} MiB; "
                    "refusing to open it",
                    file=display,
                    suggestions=("re-save the workbook from Excel", "or split it into smaller workbooks"),
                )
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")):
                    with archive.open(info) as member:
                        declared = _declares_dtd(member)
                    if declared:
                        return Issue(
                            "unsafe-xml",
                            f"part {info.filename} declares a DTD or entities, which Excel never writes; "
                            "refusing to open it (XML bomb protection)",
                            file=display,
                            suggestions=("re-save the workbook from Excel",),
                        )
    except zipfile.BadZipFile:
        return Issue(
            "not-a-workbook",
            "the file is not an .xlsx workbook (it is not a valid zip archive)",
            file=display,
            suggestions=("save it from Excel as 'Excel Workbook (.xlsx)'",),
        )
    return None


class _RootReached(Exception):
    """Raised to stop parsing once the root element starts: no DTD can follow it."""


def _declares_dtd(stream) -> bool:
    """Whether an XML stream has a DOCTYPE or entity declaration before its root element.

    An expat parser reads the prolog whatever its encoding or length and stops at the
    first element, so this costs little even on a large sheet.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    found = False

    def doctype(*_args):
        nonlocal found
        found = True
        raise _RootReached

    def root(*_args):
        raise _RootReached

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        while chunk := stream.read(65536):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _RootReached:
        return found
    except expat.ExpatError:
        return False  # not well-formed: openpyxl will say the workbook is unreadable
    return found


def _read_xlsx(path: Path, display: str, limits: Limits) -> RawWorkbook:
    book = RawWorkbook(display, "xlsx")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        book.issues.append(_too_large(display, None, size, limits))
        return book
    problem = _check_zip(path, display, limits)
    if problem:
        book.issues.append(problem)
        return book
    import openpyxl  # imported here: it is slow to import and CSV users never need it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "not a readable workbook"
        book.issues.append(
            Issue(
                "not-a-workbook",
                f"the file cannot be read as an .xlsx workbook ({type(exc).__name__}: {snippet(exc)})",
                file=display,
                suggestions=("open it in Excel and save it again as 'Excel Workbook (.xlsx)'",),
            )
        )
        return book
    try:
        for ws in wb.worksheets:
            name = ws.title.strip().lower()
            if name in TEMPLATE_SHEETS:
                continue  # the template's instructions and drop-down lists
            if name in book.sheets:
                book.issues.append(
                    Issue(
                        "duplicate-sheet",
                        f"two sheets are named {name!r} (ignoring case and spaces): {ws.title!r}; keep one",
                        file=display,
                        sheet=name,
                    )
                )
                continue
            try:
                if not _is_issues_sheet(ws):
                    _read_xlsx_sheet(book, wb, ws, name, display, limits)
            except Exception as exc:  # noqa: BLE001 - a corrupt sheet part
                book.issues.append(
                    Issue(
                        "not-a-workbook",
                        f"sheet {ws.title!r} cannot be read ({type(exc).__name__}: {snippet(exc)})",
                        file=display,
                        sheet=ws.title,
                        suggestions=("open it in Excel and save it again",),
                    )
                )
    finally:
        wb.close()
    return book


def _is_issues_sheet(ws: Any) -> bool:
    """Whether ``ws`` is the Issues sheet ``validate --annotate`` added (its A1 says so): a
    copy fixed and read again reads as the original, netmap's own note left out."""
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))
    return bool(first) and isinstance(first[0], str) and first[0].startswith(ISSUES_SHEET_MARKER)


class _Formula:
    """A formula cell the workbook holds no computed value for (its text, e.g. ``=SUM(A1:A3)``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_FORMULA_SUGGESTIONS = (
    "open the workbook in Excel or LibreOffice and save it, so that every formula's value is stored with it",
    "or replace the formula by its value (copy, then Paste Special > Values)",
)
_MERGED_SUGGESTIONS = ("unmerge the cells (Home > Merge & Center > Unmerge Cells) and write the value in each cell",)


def _sheet_parser(wb: Any, ws: Any, source: Any) -> Any:
    """An openpyxl sheet parser that yields only the cells the XML holds, formulas marked.

    openpyxl's read-only rows pad every row with empty cells up to the sheet's widest
    column (one cell in column ZZZ makes 18,278 per row) and, with ``data_only``, read a
    formula without a stored value as an empty cell. Its parser underneath yields each
    row's cells as they are in the XML, which is what is read here; a formula that has no
    value comes back as :class:`_Formula`.
    """
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, SHEET_MAIN_NS, WorkSheetParser

    text_tag = f"{{{SHEET_MAIN_NS}}}t"

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            if element.get("t") == "inlineStr":
                # Plain inline text (what openpyxl and many exporters write) read directly:
                # openpyxl's rich-text objects for it cost most of the time of a sheet.
                inline = element.find(INLINE_STRING)
                if inline is not None and len(inline) == 1 and inline[0].tag == text_tag:
                    coordinate = element.get("r")
                    if coordinate:
                        row, column = coordinate_to_tuple(coordinate)
                        self.col_counter = column
                    else:
                        self.col_counter += 1
                        row, column = self.row_counter, self.col_counter
                    return {"row": row, "column": column, "value": inline[0].text or "", "data_type": "s"}
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                formula = self.parse_formula(element)  # shared and array formulas too
                cell["value"] = _Formula(str(getattr(formula, "text", formula)))
            return cell

    # The parser only reads the workbook's own tables (strings, date styles, epoch), the
    # same ones openpyxl's read-only sheets hand it.
    return Parser(
        source,
        ws._shared_strings,
        data_only=True,
        epoch=wb.epoch,
        date_formats=wb._date_formats,
        timedelta_formats=wb._timedelta_formats,
    )


def _declared_size(wb: Any, ws: Any) -> tuple[int, int] | None:
    """Rows and columns the sheet's ``<dimension>`` record declares (read before any cell)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    with wb._archive.open(ws._worksheet_path) as source:
        try:
            bounds = WorkSheetParser(source, []).parse_dimensions()
        except Exception:  # noqa: BLE001 - a malformed record declares nothing
            return None
    if not bounds or any(b is None for b in bounds):
        return None
    min_col, min_row, max_col, max_row = bounds
    return max_row - min_row + 1, max_col - min_col + 1


def _read_xlsx_sheet(book: RawWorkbook, wb: Any, ws: Any, name: str, display: str, limits: Limits) -> None:
    """Read one sheet cell by cell as the XML holds them; the work is bounded by the cells, not the span.

    Only cells that are in the file are looked at, and a row becomes a list only as far as
    the header reaches: a value past the header is an ``unnamed-column`` issue, one past
    ``limits.max_columns`` counts towards one ``sheet-too-wide`` issue, and neither makes
    the cells in between.
    """
    from openpyxl.utils.cell import range_boundaries

    declared = _declared_size(wb, ws)
    if declared is not None:
        rows_declared, columns_declared = declared
        cells_declared = rows_declared * min(columns_declared, limits.max_columns)
        if cells_declared > limits.max_cells:
            book.issues.append(
                Issue(
                    "sheet-too-large",
                    f"the sheet declares {rows_declared:,} rows by {columns_declared:,} columns "
                    f"({cells_declared:,} cells); netmap reads at most {limits.max_cells:,} cells a sheet",
                    file=display,
                    sheet=name,
                    suggestions=("delete the rows and columns past your data, or split the sheet",),
                )
            )
            return

    def issue(code: str, message: str, row: int, column: str | None, value: Any = None, **kw: Any) -> None:
        book.issues.append(
            Issue(code, message, file=display, sheet=name, row=row, column=column, value=snippet(value), **kw)
        )

    max_columns, limit = limits.max_columns, limits.max_cell_chars
    header: list[str] | None = None
    header_row = 1
    width = 0
    rows: list[RawRow] = []
    special: dict[tuple[int, int], tuple[str, str, str | None, tuple[str, ...]]] = {}
    wide = 0  # non-blank cells past max_columns
    first_wide = (0, 0)
    cells_read = 0
    with wb._archive.open(ws._worksheet_path) as source:
        parser = _sheet_parser(wb, ws, source)
        for number, cells in parser.parse():
            if number > limits.max_rows + 1:
                issue("too-many-rows", f"more than {limits.max_rows} rows; split the sheet", number, None)
                break
            cells_read += len(cells)
            if cells_read > limits.max_cells:
                issue(
                    "sheet-too-large",
                    f"the sheet holds more than {limits.max_cells:,} cells; netmap reads at most that many a sheet",
                    number,
                    None,
                    suggestions=("delete the rows and columns past your data, or split the sheet",),
                )
                break
            values: dict[int, Any] = {}
            for cell in cells:
                value = cell["value"]
                if value is None or (value.__class__ is str and not value.strip()):
                    continue
                col = cell["column"] - 1
                if col >= max_columns and header is not None:
                    wide += 1
                    first_wide = first_wide if wide > 1 else (number, col)
                    continue
                values[col] = value
            if header is None:
                if not values:
                    continue  # blank rows above the header are common
                header_row = number
                last = max(values)
                if last >= max_columns:
                    issue(
                        "too-many-columns",
                        f"the header has {last + 1} columns; netmap reads at most {max_columns}",
                        number,
                        None,
                    )
                    last = max_columns - 1
                header = [""] * (last + 1)
                for col, value in values.items():
                    if col > last:
                        continue
                    if isinstance(value, _Formula):
                        special[number, col] = _formula_problem(value)
                        continue
                    header[col] = str(value).strip()
                width = len(header)
                continue
            if not values:
                continue
            row = [None] * min(width, max(values) + 1)
            for col, value in values.items():
                if col >= width or not header[col]:
                    issue(
                        "unnamed-column",
                        f"a value sits in column {column_letter(col)}, which has no header",
                        number,
                        column_letter(col),
                        value.text if isinstance(value, _Formula) else value,
                        suggestions=("give the column a header, or delete the value",),
                    )
                    continue
                if isinstance(value, _Formula):
                    special[number, col] = _formula_problem(value)
                    continue
                if value.__class__ is str and len(value) > limit:
                    issue(
                        "cell-too-long",
                        f"the cell holds {len(value):,} characters; a cell may hold at most {limit:,}",
                        number,
                        header[col],
                        value,
                    )
                    value = value[:limit]
                row[col] = value
            rows.append(RawRow(number, row))
        merges = parser.merged_cells
    if wide:
        issue(
            "sheet-too-wide",
            f"{wide:,} cell(s) lie past column {column_letter(max_columns - 1)}, the last netmap reads "
            f"(the first at {column_letter(first_wide[1])}{first_wide[0]}); they are left out",
            first_wide[0],
            column_letter(first_wide[1]),
            suggestions=("delete the cells past your data (select the columns, then Delete Columns)",),
        )
    if header is None:
        book.sheets[name] = RawSheet(name, ws.title, display, [], [], 1)
        book.issues.append(
            Issue("empty-sheet", "the sheet is empty (no header row)", WARNING, file=display, sheet=name)
        )
        return
    if merges is not None and rows:
        # Excel keeps a merged range's value in its top-left cell only; every other cell of
        # it reads as empty. Only data rows can lose a value this way, so only they are looked at.
        index = {r.row: r for r in rows}
        for merged in merges.mergeCell:
            ref = str(merged.ref)
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            top = index.get(min_row)
            anchor = None
            if top is not None and min_col - 1 < len(top.cells):
                anchor = top.cells[min_col - 1]
            if _blank(anchor):
                continue  # an empty merged range hides nothing
            first = f"{column_letter(min_col - 1)}{min_row}"
            in_range = (
                [index[n] for n in range(min_row, max_row + 1) if n in index]
                if max_row - min_row < len(index)
                else [r for r in rows if min_row <= r.row <= max_row]
            )
            for raw_row in in_range:
                for col in range(min_col - 1, min(max_col, width)):
                    if (raw_row.row, col) == (min_row, min_col - 1) or not header[col]:
                        continue
                    if col < len(raw_row.cells) and not _blank(raw_row.cells[col]):
                        continue
                    special[raw_row.row, col] = (
                        "merged-cell",
                        f"the cell is part of the merged range {ref}, whose value ({snippet(anchor)}) "
                        f"Excel keeps in {first} only; this cell reads as empty",
                        ref,
                        _MERGED_SUGGESTIONS,
                    )
    sheet = RawSheet(name, ws.title, display, header, rows, header_row, special)
    _add_sheet(book, sheet)


def _formula_problem(cell: _Formula) -> tuple[str, str, str | None, tuple[str, ...]]:
    return (
        "formula-not-computed",
        f"the cell holds the formula {snippet(cell.text)} but no computed value (the program that wrote "
        "the workbook did not calculate it); netmap reads values, not formulas",
        cell.text,
        _FORMULA_SUGGESTIONS,
    )


# -- shared -----------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _to_sheet(
    book: RawWorkbook,
    name: str,
    title: str,
    display: str,
    rows: list[list[Any]],
    limits: Limits,
    separator: str = ",",
) -> None:
    """Turn a CSV file's rows into a RawSheet, reporting ragged rows and oversized cells.

    (An .xlsx sheet is read cell by cell instead, by :func:`_read_xlsx_sheet`.)
    """
    # The header is the first non-blank row (a few blank rows on top are common).
    start = 0
    while start < len(rows) and all(_blank(v) for v in rows[start]):
        start += 1
    if start == len(rows):
        book.sheets[name] = RawSheet(name, title, display, [], [], 1)
        book.issues.append(
            Issue("empty-sheet", "the sheet is empty (no header row)", WARNING, file=display, sheet=name)
        )
        return
    header_cells = list(rows[start])
    while header_cells and _blank(header_cells[-1]):
        header_cells.pop()
    if len(header_cells) > limits.max_columns:
        book.issues.append(
            Issue(
                "too-many-columns",
                f"the header has {len(header_cells)} columns; netmap reads at most {limits.max_columns}",
                file=display,
                sheet=name,
                row=start + 1,
            )
        )
        header_cells = header_cells[: limits.max_columns]
    header = ["" if _blank(v) else str(v).strip() for v in header_cells]
    sheet = RawSheet(name, title, display, header, [], start + 1)
    width = len(header)
    limit = limits.max_cell_chars
    for index in range(start + 1, len(rows)):
        cells = rows[index]
        excel_row = index + 1
        # Every cell is text, so a row's checks run on its joined text at C speed.
        joined = "".join(cells)
        if not joined.strip():
            continue
        if len(cells) == width and len(joined) <= limit:
            sheet.rows.append(RawRow(excel_row, cells))
            continue
        cells = list(cells)
        if all(_blank(v) for v in cells):
            continue
        if len(cells) != width:
            extra = len(cells) > width
            book.issues.append(
                Issue(
                    "ragged-row",
                    (
                        f"the row has {len(cells)} cells but the header has {width}; "
                        + ("the extra cells have no column" if extra else "the missing cells are read as empty")
                    ),
                    ERROR if extra and any(not _blank(v) for v in cells[width:]) else WARNING,
                    file=display,
                    sheet=name,
                    row=excel_row,
                    value=snippet(separator.join(str(c) for c in cells)),
                    suggestions=(f"quote cells that contain {SEPARATORS[separator]}s",) if extra else (),
                )
            )
        for col_index, value in enumerate(cells):
            if isinstance(value, str) and len(value) > limit:
                column = header[col_index] if col_index < width else None
                book.issues.append(
                    Issue(
                        "cell-too-long",
                        f"the cell holds {len(value):,} characters; a cell may hold at most {limits.max_cell_chars:,}",
                        file=display,
                        sheet=name,
                        row=excel_row,
                        column=column or column_letter(col_index),
                        value=snippet(value),
                    )
                )
                cells[col_index] = value[:limit]
        sheet.rows.append(RawRow(excel_row, cells))
    _add_sheet(book, sheet)


def _columns_to_sheet(book: RawWorkbook, name: str, title: str, display: str, columns: list[list[str]]) -> None:
    """A sheet from the columns of a plain CSV file (header cell first, nothing to report)."""
    header = ["" if _blank(column[0]) else column[0].strip() for column in columns]
    data = [column[1:] for column in columns]
    _add_sheet(book, RawSheet(name, title, display, header, ColumnRows(data, first_row=2), 1))


def _add_sheet(book: RawWorkbook, sheet: RawSheet) -> None:
    name = sheet.name
    book.sheets[name] = sheet
    if name not in SHEETS:
        book.issues.append(
            Issue(
                "unknown-sheet",
                f"sheet {sheet.title!r} is not a netmap sheet; its rows are kept as extra data but not analysed",
                WARNING,
                file=sheet.file,
                sheet=name,
                suggestions=tuple(_closest_sheets(name)),
            )
        )


def _closest_sheets(name: str) -> list[str]:
    import difflib

    return difflib.get_close_matches(name, list(SHEETS), n=3, cutoff=0.5)


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA' (as Excel names columns)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
