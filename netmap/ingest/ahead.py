"""A large workbook's ties file, read and checked by the worker process meanwhile (issue 24).

A state map's ties file is its biggest by far (500,000 rows at 100,000 partners): reading
it and checking it column by column takes about 0.7 s, while the worker process a command
starts for a large workbook (:func:`netmap.pipeline.start_worker_for`) has nothing to do
until the analysis sends its first job. So :func:`netmap.read_workbook` hands that file to
the worker first: the worker reads and checks it with the very functions this process would
use (:func:`netmap.ingest.workbook._read_csv_file`, then the validator's check of one
sheet), while this process reads and checks the other files. The ties sheet's place in the
workbook holds a :class:`PendingSheet` meanwhile, which validation takes up at its turn
(:func:`take`).

What comes back is the sheet held as columns (:class:`netmap.ingest.held.HeldSheet`) with
the issues its check raised, when every row was kept (the usual case); otherwise the sheet
as read, which is checked here as always. The reader's own issues about the file go where
the reader would have put them. If the worker fails, the file is read here. Nothing changes
in any result: the sheets, the records, the issues and their order are those of reading the
file here (tests/ingest/test_ahead.py compares both, clean and faulty files alike). A file
whose first cell would make it part of a form or a worksheet (read before the ties file is)
cannot be taken up this way: :class:`Redo` then asks for the workbook to be read again
the usual way.

The worker's side is :mod:`netmap.ingest.ahead_job`.

Examples
--------
>>> will_send(Path("examples/four-state-coalitions"))  # its ties file is a few KB
False
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netmap.errors import Issue
from netmap.ingest.held import HeldSheet
from netmap.ingest.workbook import Limits, RawSheet, RawWorkbook, _read_csv_file
from netmap.roster import Roster

__all__ = ["AHEAD_BYTES", "JOB", "SHEET", "PendingSheet", "Redo", "Taken", "read_file", "sender", "take", "will_send"]

# The worker runs a job by its function's name: netmap.ingest.ahead_job.read_sheet.
JOB = "netmap.ingest.ahead_job:read_sheet"
# The sheet handed over, and the smallest file worth it. Measured on generated maps (analyze
# --json): a 5 MB ties file (30,000 partners) gained nothing, the worker's own import of
# pandas and the pickles costing what it saves; 10 MB (60,000) about 0.2 s; 16.5 MB
# (100,000) about 0.5 s.
SHEET = "ties"
AHEAD_BYTES = 8 << 20

# What the worker sends back: the reader's issues about the file, the sheet as read (its rows
# left behind when held), the sheet held as columns or None, and the issues of its check.
Taken = tuple[list[Issue], RawSheet | None, HeldSheet | None, list[Issue]]


class Redo(Exception):
    """The workbook must be read again without handing a file over (see the module docstring)."""


@dataclass(eq=False)
class PendingSheet(RawSheet):
    """The place of a sheet the worker is reading and checking (see :func:`take`)."""

    future: Future[Any] | None = None
    path: str = ""
    encoding: str | None = None
    limits: Limits | None = None
    roster: Roster | None = None
    issue_index: int = 0  # where the reader's issues about the file go among the workbook's


def will_send(folder: Path) -> bool:
    """Whether :func:`sender` would send a file of ``folder`` (as far as its name and size
    tell: one ``ties.csv`` of :data:`AHEAD_BYTES` or more).

    >>> will_send(Path("examples/tucson-behavioral-health"))  # a few KB
    False
    """
    try:
        found = [p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.stem.strip().lower() == SHEET]
        return len(found) == 1 and found[0].stat().st_size >= AHEAD_BYTES
    except OSError:
        return False


def sender(worker: Any, roster: Roster) -> Any:
    """A function for :func:`netmap.ingest.workbook.read_workbook_raw`'s ``ahead``: given a
    CSV file of a folder, it sends the file to ``worker`` and returns the sheet's
    :class:`PendingSheet`, or None for a file it keeps (another sheet, a small file)."""

    def send(path: Path, name: str, title: str, display: str, encoding: str | None, limits: Limits) -> Any:
        try:
            if name != SHEET or path.stat().st_size < AHEAD_BYTES:
                return None
        except OSError:
            return None  # the reader reports it
        arguments = {
            "path": str(path),
            "name": name,
            "title": title,
            "display": display,
            "encoding": encoding,
            "limits": limits,
            "roster": roster,
        }
        future = worker.submit(JOB, arguments, keys=["sheet"])["sheet"]
        return PendingSheet(
            name, title, display, [], future=future, path=str(path), encoding=encoding, limits=limits, roster=roster
        )

    return send


def take(sheet: PendingSheet, roster: Roster) -> Taken:
    """What the worker made of ``sheet`` (waiting for it), or, if it failed, what reading the
    file here makes of it: ``(reader's issues, sheet, held, check issues)``; ``held`` is None
    when the sheet is to be checked here. Raises :class:`Redo` for a roster other than the
    one the worker checked with."""
    if roster is not sheet.roster:
        raise Redo
    try:
        if sheet.future is None:
            raise RuntimeError("nothing was sent")
        return sheet.future.result()  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - whatever went wrong there, the file is read here
        book = read_file(sheet.path, sheet.name, sheet.title, sheet.file, sheet.encoding, sheet.limits or Limits())
        return book.issues, book.sheets.get(sheet.name), None, []


def read_file(path: str, name: str, title: str, display: str, encoding: str | None, limits: Limits) -> RawWorkbook:
    """One CSV file of a folder read as the folder's reader reads it, into a workbook of its own."""
    book = RawWorkbook(display, "csv")
    _read_csv_file(book, Path(path), name, encoding, limits, display, title=title, fast=True)
    return book
