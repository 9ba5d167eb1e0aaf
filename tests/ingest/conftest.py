"""Shared helpers for the ingest tests: write small hand-made workbooks as real files.

Every test reads real files from ``tmp_path``: CSV folders written with :mod:`csv`
(or raw bytes), ``.xlsx`` workbooks written with openpyxl, hostile zips written with
:mod:`zipfile`. The :class:`Files` helper is handed out by the ``files`` fixture.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from netmap.errors import Issue

# Agency types as the career-pathways roster names them (and its aliases).
PARTNERS: list[list[Any]] = [
    ["id", "name", "agency_type", "level"],
    ["P1", "Pima Community College", "Local community colleges", "local"],
    ["P2", "Pima County One-Stop", "American Job Center", "local"],
    ["P3", "Pima County WIB", "WIB", "local"],
    ["P4", "DES Family Assistance", "TANF office", "local"],
]


class Files:
    """Writes workbooks under one folder; every method returns the path it wrote."""

    PARTNERS = PARTNERS

    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        return self.root / name

    def csv(self, sheets: dict[str, list[list[Any]]], folder: str = "book") -> Path:
        """``{sheet: [header, row, ...]}`` as one UTF-8 CSV file per sheet in a folder."""
        target = self.root / folder
        target.mkdir(parents=True, exist_ok=True)
        for name, rows in sheets.items():
            with open(target / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(rows)
        return target

    def csv_bytes(self, files: dict[str, bytes], folder: str = "book") -> Path:
        """CSV files written byte for byte (for encoding and parsing cases)."""
        target = self.root / folder
        target.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (target / name).write_bytes(data)
        return target

    def xlsx(
        self,
        sheets: dict[str, list[list[Any]]],
        name: str = "book.xlsx",
        *,
        merge: str | None = None,
        cells: Iterable[tuple[int, int, Any]] = (),
    ) -> Path:
        """``{sheet title: [row, ...]}`` as a real .xlsx written by openpyxl (None = empty cell).

        ``merge``: a range of the first sheet to merge; ``cells``: ``(row, column, value)`` set on it.
        """
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        first = wb.worksheets[0]
        if merge:
            first.merge_cells(merge)
        for row, column, value in cells:
            first.cell(row=row, column=column, value=value)
        path = self.root / name
        wb.save(path)
        return path

    def rewrite_zip(self, source: Path, name: str, replace: dict[str, bytes], add: Iterable[str] = ()) -> Path:
        """A copy of the zip ``source`` with some members replaced (same order of members)."""
        target = self.root / name
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
            for extra in add:
                zout.writestr(extra, replace[extra])
        return target

    def with_zeros(self, source: Path, name: str, size: int, member: str = "xl/media/padding.bin") -> Path:
        """A copy of the zip ``source`` plus a member of ``size`` zero bytes, streamed in 1 MiB chunks."""
        target = self.root / name
        chunk = bytes(min(size, 2**20))
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, zin.read(info.filename))
            with zout.open(member, "w") as handle:
                left = size
                while left > 0:
                    handle.write(chunk[: min(left, len(chunk))])
                    left -= len(chunk)
        return target

    def sheet_xml(self, source: Path, member: str = "xl/worksheets/sheet1.xml") -> str:
        with zipfile.ZipFile(source) as archive:
            return archive.read(member).decode("utf-8")


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


def issues_with(issues: Iterable[Issue], code: str) -> list[Issue]:
    return [i for i in issues if i.code == code]


@pytest.fixture
def only():
    """``only(tables.issues, code)``: the one issue with that code (fails if not exactly one)."""

    def pick(issues: Iterable[Issue], code: str) -> Issue:
        found = issues_with(issues, code)
        assert len(found) == 1, f"expected one {code!r}, got {[str(i) for i in issues]}"
        return found[0]

    return pick
