"""The column-wise CSV reader for large plain files (netmap.ingest.csvfast).

The fast path must never change what a workbook reads as: every case is read twice from
a real file, once the careful way (the standard csv reader, as small files are) and
once with the fast path allowed (its size threshold set to 0), and both must give the
same sheets and the same issues. Files the fast path cannot prove plain must come back
as ``None`` from :func:`plain_columns`, so the careful reader reports them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import netmap
from netmap.ingest import csvfast
from netmap.ingest.csvfast import plain_columns
from netmap.ingest.workbook import ColumnRows, RawRow, RawSheet, read_workbook_raw

HEADER = "id,name,agency_type\n"

PLAIN = [
    # id, file text, the columns the fast path reads
    (
        "simple",
        HEADER + "007,Pima CC,CC\n7,Pima One Stop,AJC\n",
        [["id", "007", "7"], ["name", "Pima CC", "Pima One Stop"], ["agency_type", "CC", "AJC"]],
    ),
    ("crlf", "id,name\r\n1,a\r\n2,b\r\n", [["id", "1", "2"], ["name", "a", "b"]]),
    ("no final newline", "id,name\n1,a", [["id", "1"], ["name", "a"]]),
    ("blank lines at the end", "id,name\n1,a\n\n\r\n", [["id", "1"], ["name", "a"]]),
    ("comma in quotes", 'id,name\n1,"Pima, AZ"\n', [["id", "1"], ["name", "Pima, AZ"]]),
    ("doubled quote", 'id,name\n1,"the ""One"" Stop"\n', [["id", "1"], ["name", 'the "One" Stop']]),
    ("newline in quotes", 'id,name\n1,"one\ntwo"\n2,b\n', [["id", "1", "2"], ["name", "one\ntwo", "b"]]),
    ("empty quoted cell", 'id,name\n1,""\n', [["id", "1"], ["name", ""]]),
    ("empty cells stay text", "id,name,region\n1,,\n", [["id", "1"], ["name", ""], ["region", ""]]),
    ("na-looking text stays text", "id,name\nNA,null\n", [["id", "NA"], ["name", "null"]]),
    ("spaces kept for the validator", "id,name\n 1 , a \n", [["id", " 1 "], ["name", " a "]]),
    ("one column", "id\n1\n2\n", [["id", "1", "2"]]),
    ("header only", "id,name\n", [["id"], ["name"]]),
    ("blank header cell inside", "id,,name\n1,,a\n", [["id", "1"], ["", ""], ["name", "a"]]),
    ("blank first cell, not a blank row", HEADER + " ,a,\n", [["id", " "], ["name", "a"], ["agency_type", ""]]),
    ("non-ascii text", "id,name\n1,Niño\u2019s\n", [["id", "1"], ["name", "Niño\u2019s"]]),
]  # fmt: skip

NOT_PLAIN = [
    # id, file text: each must be left to the careful reader
    ("blank line", HEADER + "1,a,CC\n\n2,b,CC\n"),
    ("blank first line", "\n" + HEADER + "1,a,CC\n"),
    ("commas-only line", HEADER + "1,a,CC\n,,\n2,b,CC\n"),
    ("whitespace line", HEADER + "1,a,CC\n   \n"),
    ("no-break-space line", HEADER + "1,a,CC\n\xa0,\xa0,\n"),
    ("quoted blank line", HEADER + '1,a,CC\n"",,""\n'),
    ("quoted blank line, one column", 'id\n1\n" "\n2\n'),
    ("blank line, one column", "id\n1\n\n2\n"),
    ("short row", HEADER + "1,a\n"),
    ("wide row", HEADER + "1,a,CC,extra\n"),
    ("stray quote", HEADER + '1,Pima "CC",CC\n'),
    ("text after closing quote", HEADER + '1,"Pima" CC,CC\n'),
    ("unclosed quote", HEADER + '1,"Pima CC,CC\n2,b,CC\n'),
    ("lone carriage returns", "id,name\r1,a\r"),
    ("blank header cell at the end", "id,name,\n1,a,\n"),
    ("empty file", ""),
]


def both_ways(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """The raw workbook of ``text`` read the careful way, then with the fast path allowed."""
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "partners.csv").write_bytes(text.encode("utf-8"))
    careful = read_workbook_raw(folder)
    monkeypatch.setattr(csvfast, "FAST_CSV_BYTES", 0)
    fast = read_workbook_raw(folder)
    return careful, fast


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, c, id=i) for i, t, c in PLAIN])
def test_plain_file_is_read_as_columns(text, expected):
    assert plain_columns(text, max_rows=100, max_cell_chars=100) == expected


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in NOT_PLAIN])
def test_file_that_is_not_plain_is_left_to_the_careful_reader(text):
    assert plain_columns(text, max_rows=100, max_cell_chars=100) is None


@pytest.mark.parametrize(
    "text", [pytest.param(t, id=i) for i, t, _ in PLAIN] + [pytest.param(t, id=i) for i, t in NOT_PLAIN]
)
def test_fast_path_reads_every_file_as_the_careful_reader_does(tmp_path, monkeypatch, text):
    careful, fast = both_ways(tmp_path, text, monkeypatch)
    assert [str(i) for i in fast.issues] == [str(i) for i in careful.issues]
    assert fast.sheets.keys() == careful.sheets.keys()
    for name, sheet in careful.sheets.items():
        other = fast.sheets[name]
        assert (other.header, other.header_row, list(other.rows)) == (sheet.header, sheet.header_row, list(sheet.rows))
        assert [list(c) for c in other.columns()] == [list(c) for c in sheet.columns()]
        assert other.row_numbers() == sheet.row_numbers()


def test_plain_file_takes_the_fast_path_and_validates_the_same(tmp_path, monkeypatch):
    text = HEADER + "007,Pima CC,CC\n7,Pima One Stop,AJC\n7,Duplicate,CC\n8,,Nothing we know\n"
    careful, fast = both_ways(tmp_path, text, monkeypatch)
    assert isinstance(fast.sheets["partners"].rows, ColumnRows)
    assert not isinstance(careful.sheets["partners"].rows, ColumnRows)
    # The validator reports the same issues, at the same rows, from either form.
    slow_tables = netmap.read_workbook(str(tmp_path / "book"))
    monkeypatch.setattr(csvfast, "FAST_CSV_BYTES", 1 << 20)
    fast_again = netmap.read_workbook(str(tmp_path / "book"))
    assert [(i.code, i.row, i.column) for i in slow_tables.issues] == [
        (i.code, i.row, i.column) for i in fast_again.issues
    ]
    assert [(i.code, i.row, i.column, i.value) for i in slow_tables.issues] == [
        ("duplicate-id", 4, "id", "7"),
        ("empty-required", 5, "name", None),
        ("unknown-agency-type", 5, "agency_type", "Nothing we know"),
    ]


@pytest.mark.parametrize(
    ("limit", "plain"),
    [pytest.param(6, True, id="cells within the limit"), pytest.param(5, False, id="a cell past the limit")],
)
def test_oversized_cell_is_left_to_the_careful_reader(limit, plain):
    # The quoted cell is 6 characters long, every line without it 3 or fewer.
    text = 'i,n\n1,"ab,def"\n2,b\n'
    assert (plain_columns(text, max_rows=100, max_cell_chars=limit) is not None) is plain


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        pytest.param("i,n\n1,abcde\n22,b\n", True, id="a line past the limit, its cells within"),
        pytest.param("i,n\n1,abcdef\n2,b\n", False, id="an unquoted cell past the limit"),
        pytest.param("i,n\r\n1,abcde\r\n", True, id="crlf lines, cells within"),
    ],
)
def test_oversized_unquoted_cell_is_left_to_the_careful_reader(text, plain):
    assert (plain_columns(text, max_rows=100, max_cell_chars=5) is not None) is plain


@pytest.mark.parametrize(("max_rows", "plain"), [(3, True), (2, False)])
def test_row_limit_counts_the_header(max_rows, plain):
    assert (plain_columns("id\n1\n2\n", max_rows=max_rows, max_cell_chars=100) is not None) is plain


def test_too_many_rows_is_still_reported_with_the_fast_path_allowed(tmp_path, monkeypatch):
    (tmp_path / "partners.csv").write_text("id,name\n1,a\n2,b\n3,c\n")
    monkeypatch.setattr(csvfast, "FAST_CSV_BYTES", 0)
    raw = read_workbook_raw(tmp_path, limits=netmap.Limits(max_rows=2))
    assert [(i.code, i.row) for i in raw.issues] == [("too-many-rows", 4)]


def test_column_rows_behave_as_a_list_of_raw_rows():
    rows = ColumnRows([["007", "7", "8"], ["a", "b", "c"]], first_row=2)
    as_list = [RawRow(2, ["007", "a"]), RawRow(3, ["7", "b"]), RawRow(4, ["8", "c"])]
    assert len(rows) == 3
    assert list(rows) == as_list
    assert rows[0] == as_list[0] and rows[-1] == as_list[-1]
    assert rows[1:] == as_list[1:]
    assert rows == as_list and rows != as_list[:2]
    with pytest.raises(IndexError):
        rows[3]
    assert len(ColumnRows([], first_row=2)) == 0


def test_sheet_columns_pad_short_rows_and_drop_cells_past_the_header():
    sheet = RawSheet(
        "partners", "partners", "partners.csv", ["id", "name"], [RawRow(2, ["1"]), RawRow(4, ["2", "b", "x"])]
    )
    assert sheet.columns() == [("1", "2"), (None, "b")]
    assert sheet.row_numbers() == [2, 4]
    assert RawSheet("partners", "partners", "partners.csv", ["id", "name"]).columns() == [(), ()]


@pytest.mark.parametrize(
    ("scale", "columns"), [(csvfast.FAST_WORKBOOK_SCALE, False), (1, True)], ids=["small workbook", "large workbook"]
)
def test_pandas_reads_a_large_file_only_in_a_large_workbook(tmp_path, monkeypatch, scale, columns):
    """A 1.3 MB sheet in a 1.3 MB workbook is read the careful way (pandas' import would cost more
    than it saves); counted as a large workbook, the same sheet gives the same rows as columns."""
    rows = "".join(f"P{k:06d},Partner number {k} of the county,CC\n" for k in range(30_000))
    (tmp_path / "partners.csv").write_text(HEADER + rows, encoding="utf-8")
    assert csvfast.FAST_CSV_BYTES <= (tmp_path / "partners.csv").stat().st_size < 2 * csvfast.FAST_CSV_BYTES
    careful = read_workbook_raw(tmp_path)
    monkeypatch.setattr(csvfast, "FAST_WORKBOOK_SCALE", scale)
    raw = read_workbook_raw(tmp_path)
    assert isinstance(raw.sheets["partners"].rows, ColumnRows) is columns
    assert isinstance(careful.sheets["partners"].rows, ColumnRows) is False
    assert list(raw.sheets["partners"].rows) == list(careful.sheets["partners"].rows)
    assert [str(i) for i in raw.issues] == [str(i) for i in careful.issues]
