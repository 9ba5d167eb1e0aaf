"""CSV files as Excel writes them in other languages: separators, decimal commas, encodings.

Every case writes the bytes Excel (or LibreOffice) writes to a real folder and reads it
with :func:`netmap.read_workbook` (and :func:`read_workbook_raw` with the fast path of
:mod:`netmap.ingest.csvfast` allowed, which must read the same), then checks the values
and every new issue's code, severity, location and message.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.errors import ERROR, WARNING
from netmap.ingest import csvfast
from netmap.ingest.workbook import read_workbook_raw, sniff_separator
from tests.conftest import libreoffice_convert

PARTNERS = "id,name,agency_type\r\nP1,Pima Community College,CC\r\nP2,Pima County One-Stop,AJC\r\n"
KEEP = "nothing to fix; to read it without this note, save it as 'CSV UTF-8 (Comma delimited)'"

# What German Excel writes as "CSV (Trennzeichen-getrennt)": semicolons, decimal commas,
# quotes only around cells that hold a semicolon, a quote or a line break, CRLF.
SEMICOLON_FUNDING = (
    "id;stream;recipient_id;amount;program\r\n"
    'F1;WIOA Title I;P1;12,5;"Adult; Dislocated Worker"\r\n'
    'F2;"Pell, state match";P2;1.250,50;Youth\r\n'
    "F3;TANF;P1;125000;\r\n"
    'F4;Perkins V;P2;1250;"say ""hi"", then go"\r\n'
)
SEMICOLON_AMOUNTS = {"F1": 12.5, "F2": 1250.5, "F3": 125000.0, "F4": 1250.0}
SEMICOLON_PROGRAMS = {"F1": "Adult; Dislocated Worker", "F2": "Youth", "F3": None, "F4": 'say "hi", then go'}

# Excel's "Unicode text": UTF-16 LE with a byte-order mark, tab-separated; decimal points in English.
TAB_FUNDING = "id\tstream\trecipient_id\tamount\r\nF1\tWIOA\tP1\t12.5\r\nF2\tPell\tP2\t1,250.75\r\n"


def funding_folder(tmp_path: Path, funding: bytes, name: str = "book") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "partners.csv").write_bytes(PARTNERS.encode())
    (folder / "funding.csv").write_bytes(funding)
    return folder


def the(issues, code: str):
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, [str(i) for i in issues]
    return found[0]


def amounts(tables) -> dict[str, float]:
    return {row["id"]: row["amount"] for row in tables["funding"]}


# -- separators ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("funding", "expected", "word", "message"),
    [
        pytest.param(
            SEMICOLON_FUNDING.encode("utf-8"),
            SEMICOLON_AMOUNTS,
            "semicolon",
            "the file's cells are separated by a semicolon, not a comma (as Excel writes CSV where the decimal "
            "mark is a comma); it was read semicolon-separated; its numbers were read with a decimal comma "
            "(12,5 is twelve and a half)",
            id="semicolon-decimal-comma",
        ),
        pytest.param(
            TAB_FUNDING.encode("utf-8"),
            {"F1": 12.5, "F2": 1250.75},
            "tab",
            "the file's cells are separated by a tab, not a comma (as Excel writes 'Unicode text'); it was read "
            "tab-separated; its numbers were read with a decimal point (12.5)",
            id="tab-utf-8",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + TAB_FUNDING.encode("utf-16-le"),
            {"F1": 12.5, "F2": 1250.75},
            "tab",
            "it was read tab-separated",
            id="tab-utf-16-le-bom-unicode-text",
        ),
        pytest.param(
            b"id|stream|recipient_id|amount\nF1|WIOA|P1|7\n",
            {"F1": 7.0},
            "pipe",
            "the file's cells are separated by a pipe, not a comma; it was read pipe-separated; its numbers were "
            "read with a decimal point",
            id="pipe",
        ),
        pytest.param(
            # Excel in German writes a semicolon file with decimal commas, but a person may use points.
            b"id;stream;recipient_id;amount\r\nF1;WIOA;P1;12.50\r\nF2;Pell;P2;1,250\r\n",
            {"F1": 12.5, "F2": 1250.0},
            "semicolon",
            "its numbers were read with a decimal point (12.5)",
            id="semicolon-decimal-point",
        ),
        pytest.param(
            b"id\tstream\trecipient_id\tamount\r\nF1\tWIOA\tP1\t12,5\r\nF2\tPell\tP2\t1.250\r\n",
            {"F1": 12.5, "F2": 1250.0},
            "tab",
            "its numbers were read with a decimal comma",
            id="tab-decimal-comma",
        ),
    ],
)
def test_separator_is_found_read_and_named(tmp_path, monkeypatch, funding, expected, word, message):
    folder = funding_folder(tmp_path, funding)
    tables = netmap.read_workbook(folder)
    assert amounts(tables) == expected
    issue = the(tables.issues, "csv-separator")
    assert (issue.severity, issue.file, issue.sheet, issue.row, issue.column) == (
        WARNING,
        str(folder / "funding.csv"),
        "funding",
        None,
        None,
    )
    assert issue.value == word
    assert message in issue.message
    assert issue.suggestions == (KEEP,)
    assert [i.code for i in tables.issues] == ["csv-separator"]
    assert tables.ok
    # The fast path reads the same cells and says the same.
    careful = read_workbook_raw(folder)
    monkeypatch.setattr(csvfast, "FAST_CSV_BYTES", 0)
    fast = read_workbook_raw(folder)
    assert list(fast.sheets["funding"].rows) == list(careful.sheets["funding"].rows)
    assert fast.issues == careful.issues


def test_semicolon_cells_keep_their_quoted_semicolons_and_commas(tmp_path, monkeypatch):
    folder = funding_folder(tmp_path, SEMICOLON_FUNDING.encode("cp1252"))
    tables = netmap.read_workbook(folder, encoding="cp1252")
    assert {row["id"]: row["program"] for row in tables["funding"]} == SEMICOLON_PROGRAMS
    assert tables["funding"][1]["stream"] == "Pell, state match"
    monkeypatch.setattr(csvfast, "FAST_CSV_BYTES", 0)
    raw = read_workbook_raw(folder)
    assert [r.cells for r in raw.sheets["funding"].rows][:2] == [
        ["F1", "WIOA Title I", "P1", "12.5", "Adult; Dislocated Worker"],
        ["F2", "Pell, state match", "P2", "1250.50", "Youth"],
    ]


def test_comma_file_whose_cells_hold_semicolons_stays_a_comma_file(tmp_path):
    agreements = (
        "id,parties,title\r\n"
        'A1,P1;P2,"MOU; data sharing"\r\n'
        'A2,"P1; P2","Referral agreement, 2024"\r\n'
        "A3,P2;P1,Co-location\r\n"
    )
    folder = funding_folder(tmp_path, b'id,stream,recipient_id,amount\r\nF1,WIOA,P1,"1,250.50"\r\n')
    (folder / "agreements.csv").write_bytes(agreements.encode())
    tables = netmap.read_workbook(folder)
    assert [i.code for i in tables.issues] == []
    assert [(a["id"], a["parties"], a["title"]) for a in tables["agreements"]] == [
        ("A1", ("P1", "P2"), "MOU; data sharing"),
        ("A2", ("P1", "P2"), "Referral agreement, 2024"),
        ("A3", ("P2", "P1"), "Co-location"),
    ]
    assert amounts(tables) == {"F1": 1250.5}


@pytest.mark.parametrize(
    ("text", "separator"),
    [
        pytest.param("id;name\n1;a\n", ";", id="semicolon"),
        pytest.param("id\tname\n1\ta\n", "\t", id="tab"),
        pytest.param("id,name\n1,a;b;c;d\n", ",", id="comma-with-semicolon-cells"),
        pytest.param('id,name,notes\n1,"a;b;c;d;e","x;y"\n', ",", id="comma-with-quoted-semicolons"),
        pytest.param("id;amount\n1;12,5\n2;1,25\n", ";", id="semicolon-with-decimal-commas"),
        pytest.param("id\n1\n2\n", ",", id="one-column"),
        pytest.param("", ",", id="empty"),
        pytest.param('"id;x",name\n1,a\n', ",", id="quoted-semicolon-in-header"),
        pytest.param('id;name\n1;"unclosed\n', ";", id="unclosed-quote"),
    ],
)
def test_sniff_separator(text, separator):
    assert sniff_separator(text) == separator


def test_numbers_that_read_two_ways_in_a_file_with_both_marks_are_errors_at_their_cell(tmp_path):
    funding = b"id;stream;recipient_id;amount\r\nF1;WIOA;P1;12,5\r\nF2;Pell;P2;7.25\r\nF3;TANF;P1;1.250\r\n"
    tables = netmap.read_workbook(funding_folder(tmp_path, funding))
    issue = the(tables.issues, "invalid-number")
    assert (issue.severity, issue.sheet, issue.row, issue.column, issue.value) == (
        ERROR,
        "funding",
        4,
        "amount",
        "1.250",
    )
    assert "'1.250' reads two ways" in issue.message
    assert issue.suggestions == ("write it without a thousands separator, e.g. 1250 or 1,25",)
    assert amounts(tables) == {"F1": 12.5, "F2": 7.25}
    assert "its numbers were read" not in the(tables.issues, "csv-separator").message


def test_counts_and_strengths_in_a_semicolon_file_read_with_a_decimal_comma(tmp_path):
    folder = funding_folder(tmp_path, b"id;stream;recipient_id;amount\r\nF1;WIOA;P1;0,5\r\n")
    (folder / "services.csv").write_bytes(
        b"partner_id;service;capacity;waitlist\r\nP1;Tutoring;1.200;12\r\nP2;Childcare;7,5;0\r\n"
    )
    (folder / "ties.csv").write_bytes(b"source_id;target_id;strength\r\nP1;P2;2\r\n")
    tables = netmap.read_workbook(folder)
    assert [(s["service"], s["capacity"]) for s in tables["services"]] == [("Tutoring", 1200)]
    issue = the(tables.issues, "invalid-number")
    assert (issue.sheet, issue.row, issue.column) == ("services", 3, "capacity")
    assert "'7.5' is not a whole number" in issue.message
    assert tables["ties"][0]["strength"] == 2


# -- encodings -----------------------------------------------------------------------------------


def mixed_folder(tmp_path: Path) -> Path:
    """A "CSV UTF-8" file (with a BOM) beside an older Windows "CSV" file (cp1252)."""
    folder = tmp_path / "book"
    folder.mkdir()
    partners = "id,name,agency_type\r\nP1,Comunidad Niño,CC\r\nP2,Café Pima One-Stop,AJC\r\n"
    (folder / "partners.csv").write_bytes(codecs.BOM_UTF8 + partners.encode("utf-8"))
    roles = "partner_id,role,notes\r\nP1,Design programs,\r\nP2,Design programs,Señora Núñez’s team\r\n"
    (folder / "roles.csv").write_bytes(roles.encode("cp1252"))
    return folder


def test_folder_mixing_utf8_bom_and_cp1252_reads_with_no_option(tmp_path):
    folder = mixed_folder(tmp_path)
    tables = netmap.read_workbook(folder)
    assert [p["name"] for p in tables["partners"]] == ["Comunidad Niño", "Café Pima One-Stop"]
    assert tables["roles"][1]["notes"] == "Señora Núñez’s team"
    issue = the(tables.issues, "encoding-guessed")
    assert (issue.severity, issue.file, issue.sheet, issue.row, issue.column, issue.value) == (
        WARNING,
        str(folder / "roles.csv"),
        "roles",
        3,
        None,
        "f1",
    )
    assert issue.message == (
        "the file is not UTF-8 (line 3, byte f1); it was read as Windows-1252 (Excel's 'CSV' on Windows): "
        "check that accented letters read right"
    )
    assert issue.suggestions == (
        "if it is in another encoding, pass it: --encoding latin-1 (or mac-roman, cp1250, ...)",
        "or in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'",
    )
    assert [i.code for i in tables.issues] == ["encoding-guessed"]
    assert tables.ok


def test_encoding_option_forces_one_encoding_for_every_file(tmp_path):
    folder = mixed_folder(tmp_path)
    forced = netmap.read_workbook(folder, encoding="utf-8")
    issue = the(forced.issues, "encoding-error")
    assert (issue.sheet, issue.row, issue.value) == ("roles", 3, "f1")
    assert "line 3 is not valid utf-8 (byte f1)" in issue.message
    assert forced["roles"] == []
    cp1252 = netmap.read_workbook(folder, encoding="cp1252")
    assert cp1252["roles"][1]["notes"] == "Señora Núñez’s team"
    # A byte-order mark says what the file is: read as cp1252 it would glue "ï»¿" to the first column.
    issue = the(cp1252.issues, "encoding-error")
    assert (issue.sheet, issue.row) == ("partners", None)
    assert issue.message == (
        "the file starts with a UTF-8 byte-order mark, so it is UTF-8, not cp1252; leave out --encoding "
        "(each file's own encoding is then found) or re-save the file"
    )
    assert "encoding-guessed" not in [i.code for i in cp1252.issues]


def test_a_folder_of_unicode_text_files_says_to_rename_them(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "partners.txt").write_bytes(codecs.BOM_UTF16_LE + PARTNERS.replace(",", "\t").encode("utf-16-le"))
    issue = the(netmap.read_workbook(folder).issues, "missing-sheet")
    assert issue.suggestions == (
        "rename partners.txt to partners.csv (netmap reads Excel's 'Unicode text' files)",
        "netmap init --csv DIR writes a template",
    )
    (folder / "partners.txt").rename(folder / "partners.csv")
    tables = netmap.read_workbook(folder)
    assert [p["name"] for p in tables["partners"]] == ["Pima Community College", "Pima County One-Stop"]
    assert [i.code for i in tables.issues] == ["csv-separator"]


# -- one CSV file as the source ------------------------------------------------------------------


def test_a_file_named_after_no_sheet_explains_the_folder_form(tmp_path, monkeypatch):
    (tmp_path / "network.csv").write_text(PARTNERS)
    monkeypatch.chdir(tmp_path)
    tables = netmap.read_workbook("network.csv")
    issue = the(tables.issues, "unknown-sheet")
    assert (issue.severity, issue.file, issue.sheet) == (WARNING, "network.csv", "network")
    assert issue.message == (
        "a CSV workbook is a folder with one file per sheet, named after it (partners.csv, roles.csv, ties.csv, "
        "...); 'network.csv' names no sheet, so nothing in it is analysed"
    )
    assert issue.suggestions == (
        "if it lists partners: put it in a folder of its own as partners.csv, e.g. network/partners.csv, and give "
        "the folder: netmap validate network",
    )
    assert not tables.ok  # no partners sheet


def test_a_sheet_file_given_alone_is_read_and_names_the_folder_for_the_rest(tmp_path, monkeypatch):
    folder = funding_folder(tmp_path, b"id,stream,recipient_id\r\nF1,WIOA,P1\r\n")
    (folder / "notes.csv").write_text("a,b\n")  # no sheet: not listed
    monkeypatch.chdir(tmp_path)
    tables = netmap.read_workbook("book/partners.csv")
    assert [p["id"] for p in tables["partners"]] == ["P1", "P2"]
    issue = the(tables.issues, "single-csv-file")
    assert (issue.severity, issue.file, issue.sheet, issue.row) == (WARNING, "book/partners.csv", "partners", None)
    assert issue.message == (
        "only partners.csv was read, not the other sheets' files beside it (funding.csv): a CSV workbook is the "
        "folder of its sheets' files"
    )
    assert issue.suggestions == ("give the folder to read every sheet: netmap validate book",)
    assert tables.ok


# -- the command line ----------------------------------------------------------------------------


def test_validate_a_semicolon_folder_exits_0_and_names_the_separator(tmp_path, monkeypatch):
    funding_folder(tmp_path, SEMICOLON_FUNDING.encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "book"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "csv-separator" in result.output
    assert "separated by a semicolon" in result.output
    assert "OK book: 2 partners, 4 funding (1 warning(s))" in result.output
    result = runner.invoke(app, ["validate", "book", "--json"])
    assert result.exit_code == 0
    issues = json.loads(result.output)["issues"]
    assert [(i["code"], i["severity"], i["file"], i["sheet"]) for i in issues] == [
        ("csv-separator", "warning", str(Path("book") / "funding.csv"), "funding")
    ]
    strict = runner.invoke(app, ["validate", "book", "--strict"])
    assert strict.exit_code == 1


def test_validate_a_cp1252_folder_warns_and_encoding_option_silences_or_fails(tmp_path, monkeypatch):
    mixed_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "book", "--json"])
    assert result.exit_code == 0
    assert [i["code"] for i in json.loads(result.output)["issues"]] == ["encoding-guessed"]
    result = runner.invoke(app, ["validate", "book", "--encoding", "utf-8", "--json"])
    assert result.exit_code == 1
    assert [i["code"] for i in json.loads(result.output)["issues"]] == ["encoding-error"]


# -- a file LibreOffice writes -------------------------------------------------------------------


def test_libreoffice_semicolon_export_reads(tmp_path):
    sources = tmp_path / "xlsx"
    sources.mkdir()
    for name, rows in {
        "partners": [["id", "name", "agency_type"], ["P1", "Comunidad Niño", "CC"], ["P2", "Pima; One-Stop", "AJC"]],
        "funding": [["id", "stream", "recipient_id", "amount"], ["F1", "WIOA", "P1", 12.5], ["F2", "Pell", "P2", 1250]],
    }.items():
        wb = openpyxl.Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(sources / f"{name}.xlsx")
    book = tmp_path / "book"
    # LibreOffice's CSV filter: field separator 59 (;), text delimiter 34 ("), UTF-8 (76).
    files = [sources / "partners.xlsx", sources / "funding.xlsx"]
    libreoffice_convert(files, book, "csv:Text - txt - csv (StarCalc):59,34,76", profile=tmp_path / "profile")
    assert b";" in (book / "funding.csv").read_bytes()
    tables = netmap.read_workbook(book)
    assert [p["name"] for p in tables["partners"]] == ["Comunidad Niño", "Pima; One-Stop"]
    assert amounts(tables) == {"F1": 12.5, "F2": 1250.0}
    assert sorted(i.sheet for i in tables.issues if i.code == "csv-separator") == ["funding", "partners"]
    assert tables.ok
