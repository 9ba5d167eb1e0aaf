"""Large, plain CSV files read column by column with pandas' C parser.

:func:`netmap.ingest.workbook.read_workbook_raw` reads a CSV sheet record by record with
the standard library, which checks everything a person can get wrong (ragged rows, blank
rows, broken quotes, oversized cells) and reports it at the row it happens. That costs
about 10 microseconds a record, and a national workbook has close to a million records.

Most large files are plain: machine-written, every record as wide as the header, quotes
only around whole fields, no blank lines. For those, pandas' C parser gives the same
cells, already as columns (which is how :mod:`netmap.ingest.validate` checks them), in a
fifth of the time. :func:`plain_columns` first proves the file is plain with a few scans
of the text at C speed; whenever it cannot, it returns ``None`` and the caller reads the
file the careful way, so every problem is still reported exactly as before.

Examples
--------
>>> plain_columns("id,name\\n007,Pima CC\\n7,Pima One Stop\\n", max_rows=10, max_cell_chars=100)
[['id', '007', '7'], ['name', 'Pima CC', 'Pima One Stop']]
>>> plain_columns("id,name\\n007\\n", max_rows=10, max_cell_chars=100) is None  # a short row
True
>>> plain_columns("id;amount\\n1;12,5\\n", max_rows=10, max_cell_chars=100, delimiter=";")
[['id', '1'], ['amount', '12,5']]
"""

from __future__ import annotations

import io
import re

__all__ = ["FAST_CSV_BYTES", "FAST_WORKBOOK_SCALE", "plain_columns", "worth_pandas"]

# Files from this size up are tried with pandas. Below it the standard reader takes a few
# milliseconds, and importing pandas would cost more than it saves.
FAST_CSV_BYTES = 1 << 20
# ... and only in a folder holding this many times FAST_CSV_BYTES of CSV: importing pandas
# costs about 0.3 s of CPU, more than its parser saves on a workbook of 10,000 partners
# (4 MB, 0.35 s more CPU with pandas than without) and about as much at 30,000 (13 MB).
FAST_WORKBOOK_SCALE = 24


def worth_pandas(total_bytes: int) -> bool:
    """Whether a folder with ``total_bytes`` of CSV files is large enough to import pandas for.

    >>> worth_pandas(4_000_000), worth_pandas(45_000_000)
    (False, True)
    """
    return total_bytes >= FAST_WORKBOOK_SCALE * FAST_CSV_BYTES


# A well-formed quoted field: it starts and ends on a field boundary, and a quote inside
# it is doubled. Any other quote (a stray one, text after a closing quote, an unclosed
# field) makes the file not plain.
# (One pattern per separator a CSV file may use: see netmap.ingest.workbook.)
_QUOTED_BY = {
    sep: re.compile(rf'(?<![^{re.escape(sep)}\r\n])"(?:[^"]|"")*"(?![^{re.escape(sep)}\r\n])') for sep in ",;\t|"
}


def plain_columns(text: str, *, max_rows: int, max_cell_chars: int, delimiter: str = ",") -> list[list[str]] | None:
    """The cells of a plain CSV text as columns (header cell first), or ``None``.

    Parameters
    ----------
    text : str
        The decoded file, byte-order mark removed.
    max_rows, max_cell_chars : int
        The reader's limits: a file past them is not read here, so that the careful
        reader reports it.
    delimiter : str
        The character between cells: ``,`` (the default), ``;``, tab or ``|``.

    Returns
    -------
    list of list of str, or None
        One list per column, the header cell first, exactly as :mod:`csv` reads them;
        ``None`` when the file is not provably plain: a blank line, a record narrower or
        wider than the header, a blank header cell at the end, a quote that is not around
        a whole field, a lone carriage return as line end, an oversized cell, or more
        than ``max_rows`` records.
    """
    # What is left with the quoted fields taken out holds only delimiters and plain cells,
    # so commas and line ends can be counted.
    quoted = '"' in text
    body = _QUOTED_BY[delimiter].sub("", text) if quoted else text
    if '"' in body:
        return None
    body = body.rstrip("\r\n")  # blank lines at the very end are no records
    if "\r" in body:
        body = body.replace("\r\n", "\n")
        if "\r" in body:
            return None  # old Mac line ends: rare enough to leave to the careful reader
    records = body.count("\n") + 1
    if records > max_rows:
        return None
    newline = body.find("\n")
    width = (body[:newline] if newline >= 0 else body).count(delimiter) + 1  # the header's
    # pandas refuses a record wider than the first one, and fills a narrower one with
    # empty cells, which the careful reader reports: so every record must have exactly
    # the header's number of delimiters.
    if body.count(delimiter) != (width - 1) * records:
        return None
    try:
        # pandas' parser reads bytes; given text, it would encode it piece by piece.
        data = text.rstrip("\r\n").encode("utf-8")  # blank lines at the very end are no rows
    except UnicodeEncodeError:
        return None

    import numpy as np
    import pandas as pd

    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            header=None,
            sep=delimiter,
            dtype=str,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
            encoding="utf-8",
        )
    except (ValueError, pd.errors.ParserError):
        return None
    columns = [frame[c].tolist() for c in frame.columns]
    del frame
    if len(columns) != width or len(columns[0]) != records:
        return None
    if not columns[-1][0].strip():
        return None  # a blank header cell at the end: the careful reader trims and reports it
    # A record of nothing but whitespace (quoted or not) and delimiters is a blank record,
    # which the careful reader skips (and counts, so the rows after it keep their numbers).
    # Its first cell is blank: only the rows whose first cell is are looked at across.
    first = columns[0]
    if "" in map(str.strip, first):
        for i in [i for i, cell in enumerate(first) if not cell.strip()]:
            if not any(column[i].strip() for column in columns):
                return None
    # No line longer (in bytes) than a cell may be (in characters) means no cell is; a quoted
    # cell may span lines, so those files, and files with a long line, are measured cell by cell.
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    longest = int(np.diff(ends, prepend=-1, append=len(data)).max()) - 1
    if (quoted or longest > max_cell_chars) and any(max(map(len, column)) > max_cell_chars for column in columns):
        return None
    return columns
