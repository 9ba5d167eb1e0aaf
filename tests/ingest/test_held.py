"""The ties sheet held as columns (netmap.ingest.held): the same rows as dicts, made only when asked for."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

import netmap
from netmap.ingest import validate as validate_module
from netmap.ingest.held import HeldSheet

EXAMPLES = sorted(p for p in Path("examples").iterdir() if p.is_dir() and (p / "partners.csv").exists())

PARTNERS = [
    ["id", "name", "agency_type", "level", "region"],
    ["P1", "Pima Community College", "Local community colleges", "local", "South"],
    ["P2", "Pima County One-Stop", "American Job Center", "local", "South"],
    ["P3", "Tucson Unified", "Local secondary education providers", "local", "North"],
]


def write(folder: Path, ties: list[list[str]]) -> Path:
    folder.mkdir()
    for name, rows in (("partners", PARTNERS), ("ties", ties)):
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    return folder


def unheld(source, monkeypatch) -> netmap.Tables:
    """The tables validation made before sheets were held: every sheet as dicts."""
    with monkeypatch.context() as m:
        m.setattr(validate_module, "_HELD", set())
        return netmap.read_workbook(source)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_reads_the_same_rows_held_or_not(example, monkeypatch):
    held, plain = netmap.read_workbook(example), unheld(example, monkeypatch)
    assert list(held.records) == list(plain.records)  # the sheets in their order
    assert held.records == plain.records
    assert held.issues == plain.issues
    assert held.counts() == plain.counts() and held.row_counts() == plain.row_counts()


def test_clean_ties_are_held_and_read_as_columns_without_making_their_rows(tmp_path):
    source = write(
        tmp_path / "book",
        [
            ["source_id", "target_id", "kind", "start", "end", "directed"],
            ["P1", "P2", "referral", "", "2020-06-30", "yes"],
            ["P2", "P3", "", "2026-01-01", "", ""],
        ],
    )
    tables = netmap.read_workbook(source)
    assert not tables.issues
    assert type(tables._records["ties"]) is HeldSheet
    assert tables.counts()["ties"] == 2 and tables.row_counts()["ties"] == {"read": 2, "used": 2, "left_out": 0}
    assert tables.column("ties", "kind") == ["referral", None]
    assert tables.column("ties", "end") == [dt.date(2020, 6, 30), None]
    assert tables.column("ties", "no-such-column") == [None, None]
    assert list(tables.tuples("ties", "_row", "source_id", "directed")) == [(2, "P1", True), (3, "P2", None)]
    # No unknown column: each row's extra is empty, and cannot be changed through the column.
    extras = tables.column("ties", "extra")
    assert [dict(e) for e in extras] == [{}, {}]
    with pytest.raises(TypeError):
        extras[0]["x"] = 1  # type: ignore[index]
    assert type(tables._records["ties"]) is HeldSheet  # still not made into dicts

    rows = tables["ties"]
    assert rows[0] == {
        "_row": 2,
        "extra": {},
        "source_id": "P1",
        "target_id": "P2",
        "kind": "referral",
        "start": None,
        "end": dt.date(2020, 6, 30),
        "directed": True,
        **{k: None for k in rows[0] if k not in ("_row", "extra", "source_id", "target_id", "kind", "end", "directed")},
    }
    assert list(rows[0])[:8] == ["_row", "extra", "source_id", "target_id", "kind", "start", "end", "directed"]
    assert rows[0]["extra"] is not rows[1]["extra"]  # each row its own dict, as before
    assert tables["ties"] is rows  # made once, kept: a change to a row stays
    rows[1]["kind"] = "advisory"
    assert tables.column("ties", "kind") == ["referral", "advisory"]


def test_unknown_columns_stay_with_their_rows(tmp_path):
    source = write(
        tmp_path / "book",
        [["source_id", "target_id", "contact person"], ["P1", "P2", "Ana"], ["P2", "P3", ""]],
    )
    tables = netmap.read_workbook(source)
    assert type(tables._records["ties"]) is HeldSheet
    assert tables.column("ties", "extra") == [{"contact person": "Ana"}, {}]
    assert [r["extra"] for r in tables["ties"]] == [{"contact person": "Ana"}, {}]


@pytest.mark.parametrize(
    "ties, kept_rows",
    [
        # A row with an error (a tie to itself) is left out: the sheet is kept as dicts.
        ([["P1", "P2"], ["P3", "P3"]], [2]),
        # A repeated row is kept once; a conflicting one twice, with a warning.
        ([["P1", "P2", "referral"], ["P1", "P2", "referral"], ["P2", "P1", "advisory"]], [2, 4]),
        ([["P1", "P2", "referral", "1"], ["P2", "P1", "referral", "3"]], [2, 3]),
    ],
)
def test_a_sheet_with_rows_left_out_or_repeated_is_read_as_before(tmp_path, monkeypatch, ties, kept_rows):
    header = ["source_id", "target_id", "kind", "strength"][: max(map(len, ties))]
    source = write(tmp_path / "book", [header, *ties])
    tables, plain = netmap.read_workbook(source), unheld(source, monkeypatch)
    assert [r["_row"] for r in tables["ties"]] == kept_rows
    assert tables.records == plain.records and tables.issues == plain.issues


def test_records_of_a_held_sheet_keep_the_sheets_order(tmp_path):
    source = write(tmp_path / "book", [["source_id", "target_id"], ["P1", "P2"]])
    tables = netmap.read_workbook(source)
    order = list(tables._records)
    assert order.index("ties") > order.index("partners")
    assert list(tables.records) == order
    assert type(tables.records["ties"]) is list


def test_held_sheets_pickle_and_compare_as_their_rows(tmp_path):
    import pickle

    source = write(tmp_path / "book", [["source_id", "target_id"], ["P1", "P2"], ["P2", "P3"]])
    tables = netmap.read_workbook(source)
    again = pickle.loads(pickle.dumps(tables))
    assert type(again._records["ties"]) is HeldSheet
    assert again["ties"] == tables._records["ties"] == tables["ties"]
    assert HeldSheet(("_row", "extra"), {"_row": [2]}, None) != HeldSheet(("_row", "extra"), {"_row": [3]}, None)
