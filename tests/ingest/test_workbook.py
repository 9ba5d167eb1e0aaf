"""Reading the files themselves: encodings, CSV parsing, sheets, sizes and hostile workbooks.

Every case writes a real file to ``tmp_path`` and reads it through
:func:`netmap.read_workbook` (or :func:`read_workbook_raw`), then checks the issue's
code, severity, location (file as given, sheet, Excel row, column), message and
suggestions. Hostile files must come back as an issue, never as an exception.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

import netmap
from netmap import Limits, UsageError
from netmap.errors import ERROR, WARNING
from netmap.ingest.workbook import read_workbook_raw

ENCODING_SUGGESTIONS = (
    "in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'",
    "or pass --encoding with the file's encoding, e.g. --encoding cp1252",
)
HEADER = "id,name,agency_type\r\n"


def codes(tables) -> list[str]:
    return [i.code for i in tables.issues]


# -- encodings ---------------------------------------------------------------------------

TEXT = HEADER + "P1,Pima Community College,CC\r\nP2,Café Pima One-Stop,American Job Center\r\n"

ENCODING_CASES = [
    # id, bytes of partners.csv, encoding=, expected code (None = reads fine), row, message part
    ("utf-8", TEXT.encode("utf-8"), None, None, None, ""),
    ("utf-8-with-bom", codecs.BOM_UTF8 + TEXT.encode("utf-8"), None, None, None, ""),
    ("cp1252-bytes-forced-utf-8", TEXT.encode("cp1252"), "utf-8", "encoding-error", 3, "line 3 is not valid utf-8"),
    ("cp1252-with-encoding-cp1252", TEXT.encode("cp1252"), "cp1252", None, None, ""),
    ("utf-16-with-bom", TEXT.encode("utf-16"), None, None, None, ""),
    ("utf-16-be-with-bom", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), None, None, None, ""),
    ("utf-32-with-bom", TEXT.encode("utf-32"), None, None, None, ""),
    ("utf-16-with-encoding-utf-16", TEXT.encode("utf-16"), "utf-16", None, None, ""),
    ("nul-byte", (HEADER + "P1,Pima\x00 CC,CC\r\n").encode(), None, "encoding-error", 2, "NUL bytes"),
    # 0x81 is in neither UTF-8 nor Windows-1252: no guess is left.
    (
        "neither-utf-8-nor-cp1252",
        (HEADER + "P1,Pima\x81,CC\r\n").encode("latin-1"),
        None,
        "encoding-error",
        2,
        "line 2 is neither UTF-8 nor Windows-1252 (byte 81)",
    ),
]


@pytest.mark.parametrize(
    ("data", "encoding", "code", "row", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in ENCODING_CASES],
)
def test_csv_encoding_is_read_or_reported_with_file_and_line(files, only, data, encoding, code, row, message):
    folder = files.csv_bytes({"partners.csv": data})
    tables = netmap.read_workbook(str(folder), encoding=encoding)
    if code is None:
        assert tables.ok, [str(i) for i in tables.issues]
        assert [p["id"] for p in tables["partners"]] == ["P1", "P2"]
        assert tables["partners"][1]["name"] == "Café Pima One-Stop"
        assert tables["partners"][1]["agency_type_id"] == "local-workforce-agencies"
        return
    issue = only(tables.issues, code)
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(folder / "partners.csv"), "partners", row, None)
    assert message in issue.message
    assert issue.suggestions == ENCODING_SUGGESTIONS
    assert tables["partners"] == []


def test_cp1252_error_names_the_bad_byte(files, only):
    folder = files.csv_bytes({"partners.csv": TEXT.encode("cp1252")})
    issue = only(netmap.read_workbook(folder, encoding="utf-8").issues, "encoding-error")
    assert issue.value == "e9"
    assert "byte e9" in issue.message
    assert any("--encoding" in s for s in issue.suggestions)


def test_encoding_error_file_is_named_as_given_on_the_command_line(files, only, monkeypatch):
    files.csv_bytes({"partners.csv": TEXT.encode("cp1252")}, folder="book")
    monkeypatch.chdir(files.root)
    issue = only(netmap.read_workbook("book", encoding="utf-8").issues, "encoding-error")
    assert issue.file == os.path.join("book", "partners.csv")
    assert issue.location == f"{os.path.join('book', 'partners.csv')}, sheet partners, row 3"


def test_unknown_encoding_name_is_a_usage_error(files):
    folder = files.csv({"partners": files.PARTNERS})
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        netmap.read_workbook(folder, encoding="klingon")


def test_utf8_bom_file_read_with_explicit_utf8_encoding_keeps_its_id_column(files):
    folder = files.csv_bytes({"partners.csv": codecs.BOM_UTF8 + TEXT.encode("utf-8")})
    tables = netmap.read_workbook(folder, encoding="utf-8")
    assert codes(tables) == []
    assert [p["id"] for p in tables["partners"]] == ["P1", "P2"]


# -- CSV parsing ----------------------------------------------------------------------------


def test_unclosed_quote_is_malformed_csv_at_the_row_where_it_opens(files, only):
    folder = files.csv_bytes({"partners.csv": (HEADER + 'P1,Pima CC,CC\r\nP2,"Pima One-Stop,AJC\r\n').encode()})
    issue = only(netmap.read_workbook(folder).issues, "malformed-csv")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(folder / "partners.csv"), "partners", 3, None)
    assert "unclosed quote" in issue.message
    assert issue.suggestions == ('every quote that opens a cell must close it: "like, this"',)


def test_row_with_extra_cells_is_a_ragged_row_error(files, only):
    folder = files.csv_bytes(
        {"partners.csv": (HEADER + "P1,Pima CC,CC\r\nP2,Pima County, AZ One-Stop,AJC\r\n").encode()}
    )
    tables = netmap.read_workbook(folder)
    issue = only(tables.issues, "ragged-row")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(folder / "partners.csv"), "partners", 3, None)
    assert "the row has 4 cells but the header has 3" in issue.message
    assert "extra cells have no column" in issue.message
    assert issue.suggestions == ("quote cells that contain commas",)
    assert issue.value == "P2,Pima County, AZ One-Stop,AJC"
    assert not tables.ok


def test_row_with_fewer_cells_is_a_ragged_row_warning_and_reads_as_empty(files, only):
    text = "id,name,agency_type,notes\r\nP1,Pima CC,CC\r\n"
    tables = netmap.read_workbook(files.csv_bytes({"partners.csv": text.encode()}))
    issue = only(tables.issues, "ragged-row")
    assert (issue.severity, issue.sheet, issue.row) == (WARNING, "partners", 2)
    assert "missing cells are read as empty" in issue.message
    assert issue.suggestions == ()
    assert tables.ok
    assert tables["partners"][0]["notes"] is None


def test_trailing_empty_cells_are_only_a_ragged_row_warning(files, only):
    tables = netmap.read_workbook(files.csv_bytes({"partners.csv": (HEADER + "P1,Pima CC,CC,,\r\n").encode()}))
    assert only(tables.issues, "ragged-row").severity == WARNING
    assert tables.ok


def test_csv_rows_are_counted_as_excel_shows_them_with_multiline_cells_and_blank_lines(files, only):
    # Blank lines above the header, a cell that spans two lines: Excel shows the header in
    # row 3, the multi-line cell in row 4 and the bad row in row 5 (the file's line 6).
    text = '\r\n\r\nid,name,agency_type,notes\r\nP1,Pima CC,CC,"two\r\nlines"\r\nP2,,CC,\r\n'
    tables = netmap.read_workbook(files.csv_bytes({"partners.csv": text.encode()}))
    issue = only(tables.issues, "empty-required")
    assert (issue.sheet, issue.row, issue.column) == ("partners", 5, "name")
    assert tables["partners"][0]["_row"] == 4
    assert tables["partners"][0]["notes"] == "two\r\nlines"


def test_a_single_csv_file_is_a_workbook_of_one_sheet(files):
    folder = files.csv({"partners": files.PARTNERS})
    tables = netmap.read_workbook(folder / "partners.csv")
    assert tables.ok
    assert [p["id"] for p in tables["partners"]] == ["P1", "P2", "P3", "P4"]


def test_csv_cells_come_back_as_text_with_excel_row_numbers(files):
    raw = read_workbook_raw(files.csv({"partners": [["id", "name"], ["007", "Pima CC"], ["1e3", "x"]]}))
    sheet = raw.sheets["partners"]
    assert sheet.header == ["id", "name"]
    assert [(r.row, r.cells) for r in sheet.rows] == [(2, ["007", "Pima CC"]), (3, ["1e3", "x"])]


# -- sheets ---------------------------------------------------------------------------------


def test_xlsx_cells_keep_their_types_and_rows_below_blank_rows(files):
    path = files.xlsx(
        {
            "partners": [
                [None],
                ["id", "name", "signed"],
                [None],
                [7, "Pima CC", dt.datetime(2024, 3, 4)],
            ]
        }
    )
    sheet = read_workbook_raw(path).sheets["partners"]
    assert (sheet.header_row, sheet.header) == (2, ["id", "name", "signed"])
    assert [(r.row, r.cells) for r in sheet.rows] == [(4, [7, "Pima CC", dt.datetime(2024, 3, 4)])]


def test_xlsx_row_numbers_count_blank_rows_above_the_header(files, only):
    path = files.xlsx({"partners": [[None], [None], ["id", "name", "agency_type"], [None], ["P1", None, "CC"]]})
    issue = only(netmap.read_workbook(path).issues, "empty-required")
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(path), "partners", 5, "name")


def test_readme_and_lists_sheets_are_never_read(files):
    path = files.xlsx(
        {
            "README": [["How to fill in this workbook"], ["anything", "at", "all"]],
            "partners": files.PARTNERS,
            "Lists": [["partners.level"], ["state"], ["local"]],
        }
    )
    tables = netmap.read_workbook(path)
    assert tables.issues == []
    assert tables.extra_sheets == {}
    assert set(read_workbook_raw(path).sheets) == {"partners"}


def test_unknown_sheet_is_kept_as_extra_data_with_a_warning(files, only):
    path = files.xlsx({"partners": files.PARTNERS, "Budget": [["item", "cost"], ["laptops", 1200]]})
    tables = netmap.read_workbook(path)
    issue = only(tables.issues, "unknown-sheet")
    assert issue.severity == WARNING
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(path), "budget", None, None)
    assert "'Budget' is not a netmap sheet" in issue.message
    assert tables.extra_sheets == {"budget": [{"_row": 2, "item": "laptops", "cost": "1200"}]}
    assert tables.ok


def test_unknown_csv_sheet_suggests_the_sheet_it_resembles(files, only):
    folder = files.csv({"partners": files.PARTNERS, "contact": [["partner_id", "name"], ["P1", "Jordan"]]})
    tables = netmap.read_workbook(folder)
    issue = only(tables.issues, "unknown-sheet")
    assert (issue.file, issue.sheet) == (str(folder / "contact.csv"), "contact")
    assert issue.suggestions == ("contacts",)
    assert tables.extra_sheets["contact"] == [{"_row": 2, "partner_id": "P1", "name": "Jordan"}]


def test_two_xlsx_sheets_with_the_same_name_ignoring_case_are_a_duplicate_sheet(files, only):
    path = files.xlsx({"Partners": files.PARTNERS, "partners ": [["id", "name", "agency_type"]]})
    tables = netmap.read_workbook(path)
    issue = only(tables.issues, "duplicate-sheet")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(path), "partners", None, None)
    assert "two sheets are named 'partners' (ignoring case and spaces): 'partners '" in issue.message
    assert len(tables["partners"]) == 4  # the first one is read


def test_two_csv_files_for_the_same_sheet_are_a_duplicate_sheet(files, only):
    folder = files.csv({"Partners": files.PARTNERS, "partners": files.PARTNERS[:2]})
    issue = only(netmap.read_workbook(folder).issues, "duplicate-sheet")
    assert (issue.file, issue.sheet, issue.row) == (str(folder / "partners.csv"), "partners", None)
    assert str(folder / "Partners.csv") in issue.message


def test_empty_csv_file_is_an_empty_sheet_warning(files, only):
    folder = files.csv({"partners": files.PARTNERS})
    (folder / "roles.csv").write_bytes(b"")
    issue = only(netmap.read_workbook(folder).issues, "empty-sheet")
    assert issue.severity == WARNING
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(folder / "roles.csv"), "roles", None, None)
    assert "no header row" in issue.message


def test_empty_folder_is_missing_the_partners_sheet(files, only):
    folder = files.root / "empty"
    folder.mkdir()
    issue = only(netmap.read_workbook(folder).issues, "missing-sheet")
    assert (issue.severity, issue.file, issue.sheet, issue.row) == (ERROR, str(folder), "partners", None)
    assert "no .csv files" in issue.message
    assert issue.suggestions == ("netmap init --csv DIR writes a template",)


def test_xlsx_value_right_of_the_last_header_is_an_unnamed_column(files, only):
    path = files.xlsx({"partners": [["id", "name", "agency_type"], ["P1", "Pima CC", "CC", None, "stray note"]]})
    issue = only(netmap.read_workbook(path).issues, "unnamed-column")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(path), "partners", 2, "E")
    assert issue.value == "stray note"
    assert issue.suggestions == ("give the column a header, or delete the value",)


def test_missing_source_is_a_usage_error(files):
    with pytest.raises(UsageError, match="no such file or folder"):
        netmap.read_workbook(files.root / "nowhere.xlsx")


@pytest.mark.parametrize(
    ("suffix", "hint"),
    [(".xls", "save it as an Excel Workbook"), (".ods", "save it as an Excel Workbook"), (".pdf", "give an .xlsx")],
)
def test_other_file_kinds_are_a_usage_error_with_a_hint(files, suffix, hint):
    path = files.path(f"netmap{suffix}")
    path.write_bytes(b"not read")
    with pytest.raises(UsageError, match=re.escape(hint)):
        netmap.read_workbook(path)


# -- sizes ----------------------------------------------------------------------------------


def test_csv_over_the_row_limit_is_too_many_rows_at_the_first_row_over(files, only):
    folder = files.csv({"partners": files.PARTNERS})  # header + 4 rows
    issue = only(netmap.read_workbook(folder, limits=Limits(max_rows=2)).issues, "too-many-rows")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(folder / "partners.csv"), "partners", 4, None)
    assert "more than 2 rows" in issue.message


def test_xlsx_over_the_row_limit_names_the_first_row_over(files, only):
    path = files.xlsx({"partners": files.PARTNERS})
    issue = only(netmap.read_workbook(path, limits=Limits(max_rows=2)).issues, "too-many-rows")
    assert (issue.file, issue.sheet, issue.row) == (str(path), "partners", 4)


def test_xlsx_over_the_row_limit_keeps_at_most_the_limit(files):
    path = files.xlsx({"partners": files.PARTNERS})
    assert len(read_workbook_raw(path, limits=Limits(max_rows=2)).sheets["partners"].rows) <= 2


def test_header_over_the_column_limit_is_too_many_columns(files, only):
    path = files.xlsx({"partners": [["id", "name", "agency_type", "level", "region"], ["P1", "a", "CC"]]})
    tables = netmap.read_workbook(path, limits=Limits(max_columns=3))
    issue = only(tables.issues, "too-many-columns")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(path), "partners", 1, None)
    assert "the header has 5 columns; netmap reads at most 3" in issue.message


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_one_megabyte_cell_is_cell_too_long_and_cut_to_excel_limit(files, only, kind):
    big = "x" * 1_000_000
    if kind == "csv":
        source = files.csv({"partners": [["id", "name", "agency_type", "notes"], ["P1", "Pima CC", "CC", big]]})
    else:
        # openpyxl itself cuts cells to 32,767 characters, so the megabyte goes into the XML directly.
        base = files.xlsx({"partners": [["id", "name", "agency_type", "notes"], ["P1", "Pima CC", "CC", "BIG"]]})
        xml = files.sheet_xml(base).replace("<t>BIG</t>", f"<t>{big}</t>")
        source = files.rewrite_zip(base, "big.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})
    tables = netmap.read_workbook(source)
    issue = only(tables.issues, "cell-too-long")
    expected_file = str(source / "partners.csv") if kind == "csv" else str(source)
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (expected_file, "partners", 2, "notes")
    assert "1,000,000 characters" in issue.message
    assert "at most 32,767" in issue.message
    assert len(issue.value) == 121  # a snippet, not the megabyte
    assert len(tables["partners"][0]["notes"]) == 32_767


def test_file_over_a_small_size_limit_is_file_too_large(files, only):
    folder = files.csv({"partners": files.PARTNERS})
    issue = only(netmap.read_workbook(folder, limits=Limits(max_file_bytes=100)).issues, "file-too-large")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(folder / "partners.csv"), "partners", None, None)
    assert "netmap reads files up to" in issue.message
    assert issue.suggestions == ("split the workbook by region", "or pass --max-file-size with a larger limit in MiB")


@pytest.mark.parametrize("name", ["huge.xlsx", "partners.csv"])
def test_sparse_100_mib_file_is_file_too_large_at_the_default_limit(files, only, name):
    path = files.path(name)
    with open(path, "wb") as handle:
        handle.truncate(100 * 2**20)  # sparse: takes no disk space and is never read
    tables = netmap.read_workbook(path)
    issue = only(tables.issues, "file-too-large")
    assert (issue.severity, issue.file, issue.row) == (ERROR, str(path), None)
    assert "the file is 100 MiB; netmap reads files up to 64 MiB" in issue.message


# -- hostile workbooks ------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    + "]>\n"
)


def _bomb_sheet(files, base: Path, prolog: str) -> bytes:
    body = files.sheet_xml(base)
    assert "Pima Community College" in body
    return (prolog + body.replace("Pima Community College", "&lol9;")).encode()


def test_sheet_xml_declaring_entities_is_unsafe_xml(files, only):
    base = files.xlsx({"partners": files.PARTNERS}, name="base.xlsx")
    path = files.rewrite_zip(base, "lol.xlsx", {"xl/worksheets/sheet1.xml": _bomb_sheet(files, base, BILLION_LAUGHS)})
    tables = netmap.read_workbook(path)  # must not raise, must not expand anything
    issue = only(tables.issues, "unsafe-xml")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(path), None, None, None)
    assert "xl/worksheets/sheet1.xml declares a DTD or entities" in issue.message
    assert issue.suggestions == ("re-save the workbook from Excel",)
    assert codes(tables) == ["unsafe-xml"]


@pytest.mark.parametrize("variant", ["after-a-5-KiB-comment", "utf-16-part"])
def test_sheet_xml_hiding_its_dtd_is_still_unsafe_xml(files, only, variant):
    base = files.xlsx({"partners": files.PARTNERS}, name="base.xlsx")
    if variant == "utf-16-part":
        prolog = BILLION_LAUGHS.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
        xml = _bomb_sheet(files, base, prolog).decode().encode("utf-16")
    else:
        prolog = '<?xml version="1.0"?>\n<!--' + " " * 5000 + "-->\n" + BILLION_LAUGHS.split("\n", 1)[1]
        xml = _bomb_sheet(files, base, prolog)
    tables = netmap.read_workbook(files.rewrite_zip(base, "hidden.xlsx", {"xl/worksheets/sheet1.xml": xml}))
    assert codes(tables) == ["unsafe-xml"]


def test_workbook_unpacking_past_the_limit_is_a_zip_bomb(files, only):
    base = files.xlsx({"partners": files.PARTNERS}, name="base.xlsx")
    path = files.with_zeros(base, "bomb.xlsx", size=2 * 2**20)
    assert path.stat().st_size < 100_000
    tables = netmap.read_workbook(path, limits=Limits(max_unzipped_bytes=2**20))
    issue = only(tables.issues, "zip-bomb")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(path), None, None, None)
    assert "the workbook unpacks to 2 MiB" in issue.message
    assert "refusing to open it" in issue.message
    assert issue.suggestions == ("re-save the workbook from Excel", "or split it into smaller workbooks")
    assert codes(tables) == ["zip-bomb"]


def test_workbook_with_a_huge_compression_ratio_is_a_zip_bomb_at_default_limits(files, only):
    base = files.xlsx({"partners": files.PARTNERS}, name="base.xlsx")
    path = files.with_zeros(base, "ratio.xlsx", size=16 * 2**20)
    issue = only(netmap.read_workbook(path).issues, "zip-bomb")
    assert (issue.file, issue.sheet) == (str(path), None)
    assert "unpacks to 16 MiB" in issue.message


def test_random_bytes_named_xlsx_is_not_a_workbook(files, only):
    path = files.path("noise.xlsx")
    path.write_bytes(bytes(range(256)) * 40)
    tables = netmap.read_workbook(path)
    issue = only(tables.issues, "not-a-workbook")
    assert issue.severity == ERROR
    assert (issue.file, issue.sheet, issue.row, issue.column) == (str(path), None, None, None)
    assert "not a valid zip archive" in issue.message
    assert issue.suggestions == ("save it from Excel as 'Excel Workbook (.xlsx)'",)
    assert codes(tables) == ["not-a-workbook"]  # no echo of a missing partners sheet


def test_valid_zip_that_is_not_a_workbook_is_not_a_workbook(files, only):
    path = files.path("photos.xlsx")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.txt", "not a spreadsheet")
    tables = netmap.read_workbook(path)
    issue = only(tables.issues, "not-a-workbook")
    assert (issue.severity, issue.file, issue.sheet, issue.row) == (ERROR, str(path), None, None)
    assert "cannot be read as an .xlsx workbook" in issue.message
    assert issue.suggestions == ("open it in Excel and save it again as 'Excel Workbook (.xlsx)'",)
    assert codes(tables) == ["not-a-workbook"]


def test_xlsx_with_a_wrong_dimension_record_is_read_in_full(files):
    base = files.xlsx({"partners": files.PARTNERS}, name="base.xlsx")
    xml = files.sheet_xml(base)
    wrong = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:C2"', xml)
    assert wrong != xml
    path = files.rewrite_zip(base, "dimension.xlsx", {"xl/worksheets/sheet1.xml": wrong.encode()})
    tables = netmap.read_workbook(path)
    assert [p["id"] for p in tables["partners"]] == ["P1", "P2", "P3", "P4"]
    assert tables["partners"][0]["level"] == "local"


# -- formulas, merged cells and wide sheets (issue 18) -----------------------------------------


def _formula_book(files, rows, merge=None, cells=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "partners"
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    for row, column, value in cells:
        ws.cell(row=row, column=column, value=value)
    path = files.path("formulas.xlsx")
    wb.save(path)  # openpyxl stores formulas without a computed value
    return path


def test_formula_in_a_required_column_is_formula_not_computed_not_empty(files):
    path = _formula_book(files, [["id", "name", "agency_type"], ["P1", "=A1&A1", "CC"], ["P2", "Pima JTED", "CC"]])
    tables = netmap.read_workbook(path)
    assert [(i.code, i.severity, i.sheet, i.row, i.column, i.value) for i in tables.issues] == [
        ("formula-not-computed", ERROR, "partners", 2, "name", "=A1&A1")
    ]
    assert [p["id"] for p in tables["partners"]] == ["P2"]  # the row waits for its value
    assert tables.row_counts()["partners"] == {"read": 2, "used": 1, "left_out": 1}


def test_row_of_uncomputed_formulas_only_is_reported_not_skipped_as_blank(files):
    path = _formula_book(files, [["id", "name", "agency_type"], ["P1", "Pima CC", "CC"], ["=B2", "=B2", "=C2"]])
    tables = netmap.read_workbook(path)
    assert [(i.code, i.row, i.column, i.value) for i in tables.issues] == [
        ("formula-not-computed", 3, "id", "=B2"),
        ("formula-not-computed", 3, "name", "=B2"),
        ("formula-not-computed", 3, "agency_type", "=C2"),
    ]


def test_formula_in_an_unknown_column_is_reported_at_that_column(files):
    path = _formula_book(files, [["id", "name", "agency_type", "Board seat"], ["P1", "Pima CC", "CC", "=TODAY()"]])
    issue = [i for i in netmap.read_workbook(path).issues if i.code == "formula-not-computed"]
    assert [(i.row, i.column, i.value) for i in issue] == [(2, "Board seat", "=TODAY()")]


def test_merged_range_whose_top_left_cell_is_empty_hides_nothing(files):
    rows = [["id", "name", "agency_type", "notes"], ["P1", "Pima CC", "CC", None], ["P2", "Pima JTED", "CC", None]]
    path = _formula_book(files, rows, merge="D2:D3")
    assert netmap.read_workbook(path).issues == []


def test_merged_range_across_columns_reports_each_cell_but_the_top_left(files):
    rows = [["id", "name", "agency_type", "level", "region"], ["P1", "Pima CC", "CC", "local", None]]
    path = _formula_book(files, rows, merge="C2:E2")
    issues = netmap.read_workbook(path).issues
    assert [(i.code, i.row, i.column, i.value) for i in issues] == [
        ("merged-cell", 2, "level", "C2:E2"),
        ("merged-cell", 2, "region", "C2:E2"),
    ]
    assert issues[0].message == (
        "the cell is part of the merged range C2:E2, whose value (CC) Excel keeps in C2 only; this cell reads as empty"
    )


def test_a_value_in_column_zzz_on_every_row_is_read_by_its_cells_not_its_span(files, only):
    # The hostile workbook of issue 18: 130 KB, once 26 s and 1.5 GB (18,278 cells a row).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "partners"
    ws.append(["id", "name", "agency_type"])
    for i in range(5000):
        ws.append([f"P{i}", f"Partner {i}", "CC"])
        ws.cell(row=i + 2, column=18278, value="x")
    path = files.path("wide.xlsx")
    wb.save(path)
    started = time.perf_counter()
    raw = read_workbook_raw(path)
    elapsed = time.perf_counter() - started
    sheet = raw.sheets["partners"]
    assert max(len(r.cells) for r in sheet.rows) == 3  # no padding made
    assert len(sheet.rows) == 5000
    issue = only(raw.issues, "sheet-too-wide")
    assert (issue.severity, issue.sheet, issue.row, issue.column) == (ERROR, "partners", 2, "ZZZ")
    assert issue.message == (
        "5,000 cell(s) lie past column ALL, the last netmap reads (the first at ZZZ2); they are left out"
    )
    assert elapsed < 10  # about a second on the benchmark machine; generous for a loaded one


def test_sheet_holding_more_cells_than_its_dimension_declares_stops_at_the_cell_limit(files, only):
    base = files.xlsx({"partners": files.PARTNERS}, name="base.xlsx")
    xml = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1"', files.sheet_xml(base))
    path = files.rewrite_zip(base, "small-dim.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})
    raw = read_workbook_raw(path, limits=Limits(max_cells=10))
    issue = only(raw.issues, "sheet-too-large")
    assert (issue.severity, issue.sheet, issue.row, issue.column) == (ERROR, "partners", 3, None)
    assert "more than 10 cells" in issue.message
