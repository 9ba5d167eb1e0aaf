"""The worker's side of :mod:`netmap.ingest.ahead`: one CSV file read and its sheet checked.

Run in the worker process (:mod:`netmap._worker`) by name, :data:`netmap.ingest.ahead.JOB`,
with the very functions the reading process would use.

Examples
--------
>>> from pathlib import Path
>>> import netmap
>>> folder = Path("examples/tucson-behavioral-health")
>>> parts = dict(read_sheet(path=str(folder / "ties.csv"), name="ties", title="ties",
...     display="ties.csv", encoding=None, limits=netmap.Limits(), roster=netmap.load_roster()))
>>> read_issues, sheet, held, check_issues = parts["sheet"]
>>> len(sheet.rows) == len(netmap.read_workbook(folder)["ties"]), read_issues, check_issues
(True, [], [])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from netmap.ingest.ahead import Taken, read_file
from netmap.ingest.held import HeldSheet
from netmap.ingest.validate import SHEETS, Tables, _check_sheet, _default_taxonomy
from netmap.ingest.workbook import Limits, RawRow, RawSheet
from netmap.roster import Roster

__all__ = ["read_sheet"]


def read_sheet(
    *,
    path: str,
    name: str,
    title: str,
    display: str,
    encoding: str | None,
    limits: Limits,
    roster: Roster,
) -> Iterator[tuple[str, Taken]]:
    """The worker's job: read one CSV file as the workbook reader does and check its sheet as
    the validator does; yields ``("sheet", Taken)``."""
    book = read_file(path, name, title, display, encoding, limits)
    sheet = book.sheets.get(name)
    if sheet is None or name not in SHEETS:
        yield "sheet", (book.issues, sheet, None, [])
        return
    scratch = Tables(display, roster, taxonomy=_default_taxonomy())
    rejected: list[dict[str, Any]] = []
    checked = _check_sheet(scratch, sheet, SHEETS[name], rejected)
    if isinstance(checked, HeldSheet) and not rejected:
        # Every row kept as it is: the rows need not cross the pipe, only their count.
        light = RawSheet(sheet.name, sheet.title, sheet.file, sheet.header, header_row=sheet.header_row)
        light.rows = _RowsElsewhere(path, name, title, display, encoding, limits, len(sheet.rows))
        read_issues = book.issues
        del book, sheet  # the rows as read go nowhere: freed before the answer is pickled
        yield "sheet", (read_issues, light, checked, scratch.issues)
        return
    yield "sheet", (book.issues, sheet, None, [])


class _RowsElsewhere(Sequence[RawRow]):
    """The rows of a sheet the worker read and checked: their count, and the rows themselves
    read from the file again should anything ask (nothing in netmap does once checked)."""

    def __init__(
        self, path: str, name: str, title: str, display: str, encoding: str | None, limits: Limits, count: int
    ) -> None:
        self._args = (path, name, title, display, encoding, limits)
        self._count = count
        self._rows: Sequence[RawRow] | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        if self._rows is None:
            self._rows = read_file(*self._args).sheets[self._args[1]].rows
        return self._rows[index]
