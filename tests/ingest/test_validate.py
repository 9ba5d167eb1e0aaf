"""Validation: every issue code from a real file, all faults of a workbook at once, columns and sheets.

The table ``CASES`` holds one or more cases per issue code. Each case writes real
files under ``tmp_path`` (CSV folders, .xlsx written with openpyxl, hostile zips)
and names the issue it must raise: code, severity, file, sheet, Excel row, column,
a key part of the message and the suggestions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import netmap
from netmap import Limits
from netmap.errors import ERROR, ISSUE_CODES, WARNING
from netmap.ingest.workbook import read_workbook_raw

ENCODING_SUGGESTIONS = (
    "in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'",
    "or pass --encoding with the file's encoding, e.g. --encoding cp1252",
)
P = [
    ["id", "name", "agency_type", "level"],
    ["P1", "Pima Community College", "Local community colleges", "local"],
    ["P2", "Pima County One-Stop", "American Job Center", "local"],
]


# -- writers for the cases (each returns the source to read, or (source, read options)) ------


def with_partners(files, **sheets) -> Path:
    return files.csv({"partners": P, **sheets})


def one_partner_row(*cells) -> Callable:
    header = ["id", "name", "agency_type", "level", "team", "website"][: len(cells)]
    return lambda files: files.csv({"partners": [header, list(cells)]})


def custom_roster(files) -> Path:
    text = resources.files("netmap").joinpath("data/rosters/career-pathways.yaml").read_text("utf-8")
    assert "allow_custom_types: false" in text
    path = files.path("custom-roster.yaml")
    path.write_text(text.replace("allow_custom_types: false", "allow_custom_types: true"), encoding="utf-8")
    return path


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    + "]>\n"
)


def w_unsafe_xml(files):
    base = files.xlsx({"partners": P}, name="base.xlsx")
    xml = BILLION_LAUGHS + files.sheet_xml(base).replace("Pima Community College", "&lol9;")
    return files.rewrite_zip(base, "lol.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})


def w_zip_bomb(files):
    base = files.xlsx({"partners": P}, name="base.xlsx")
    return files.with_zeros(base, "bomb.xlsx", size=2 * 2**20), {"limits": Limits(max_unzipped_bytes=2**20)}


def w_random_bytes(files):
    path = files.path("noise.xlsx")
    path.write_bytes(bytes(range(256)) * 8)
    return path


def w_empty_roles(files):
    folder = with_partners(files)
    (folder / "roles.csv").write_bytes(b"")
    return folder


def w_unnamed_xlsx(files):
    return files.xlsx({"partners": [["id", "name", "agency_type"], ["P1", "Pima CC", "CC", None, "stray note"]]})


def w_custom_type(files):
    folder = files.csv({"partners": [["id", "name", "agency_type"], ["P1", "Tucson Makerspace", "Makerspace"]]})
    return folder, {"roster": custom_roster(files)}


# openpyxl writes a formula without a value: what a script or a web export makes.
FORMULA_SUGGESTIONS = (
    "open the workbook in Excel or LibreOffice and save it, so that every formula's value is stored with it",
    "or replace the formula by its value (copy, then Paste Special > Values)",
)
MERGED_SUGGESTIONS = ("unmerge the cells (Home > Merge & Center > Unmerge Cells) and write the value in each cell",)
SERVICES_HEADER = ["partner_id", "service", "population", "capacity", "waitlist", "refers_to", "accepts_referrals_from"]
NEEDS_HEADER = ["region", "population", "count"]
P_REGIONS = [
    ["id", "name", "agency_type", "level", "region"],
    ["P1", "Pima Community College", "Local community colleges", "local", "North"],
    ["P2", "Pima County One-Stop", "American Job Center", "local", None],
]


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    code: str
    write: Callable[..., Any]
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    severity: str = ERROR
    file: str | None = "."  # "." the source read; a name: that file in the source folder
    suggestions: tuple[str, ...] = ()
    more_suggestions: bool = False  # the suggestions given are the first ones; more may follow
    options: dict[str, Any] = field(default_factory=dict)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


CASES: list[Case] = [
    # the files themselves
    Case(
        "encoding-error",
        lambda f: f.csv_bytes({"partners.csv": "id,name,agency_type\nP1,Café,CC\n".encode("cp1252")}),
        "partners",
        2,
        None,
        "line 2 is not valid utf-8",
        file="partners.csv",
        suggestions=ENCODING_SUGGESTIONS,
        options={"encoding": "utf-8"},
    ),
    Case(
        "encoding-guessed",
        lambda f: f.csv_bytes({"partners.csv": "id,name,agency_type\nP1,Café,CC\n".encode("cp1252")}),
        "partners",
        2,
        None,
        "the file is not UTF-8 (line 2, byte e9); it was read as Windows-1252",
        severity=WARNING,
        file="partners.csv",
        suggestions=(
            "if it is in another encoding, pass it: --encoding latin-1 (or mac-roman, cp1250, ...)",
            "or in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'",
        ),
    ),
    Case(
        "csv-separator",
        lambda f: f.csv_bytes({"partners.csv": b"id;name;agency_type\r\nP1;Pima CC;CC\r\n"}),
        "partners",
        None,
        None,
        "the file's cells are separated by a semicolon, not a comma",
        severity=WARNING,
        file="partners.csv",
        suggestions=("nothing to fix; to read it without this note, save it as 'CSV UTF-8 (Comma delimited)'",),
    ),
    Case(
        "single-csv-file",
        lambda f: f.csv({"partners": P, "roles": [["partner_id", "role"], ["P1", "Design programs"]]}) / "partners.csv",
        "partners",
        None,
        None,
        "only partners.csv was read, not the other sheets' files beside it (roles.csv)",
        severity=WARNING,
        file=".",
        more_suggestions=True,
        suggestions=(),
    ),
    Case(
        "file-too-large",
        lambda f: f.xlsx({"partners": P}),
        None,
        None,
        None,
        "netmap reads files up to",
        suggestions=("split the workbook by region", "or pass --max-file-size with a larger limit in MiB"),
        options={"limits": Limits(max_file_bytes=1000)},
    ),
    Case(
        "zip-bomb",
        w_zip_bomb,
        None,
        None,
        None,
        "the workbook unpacks to 2 MiB",
        suggestions=("re-save the workbook from Excel", "or split it into smaller workbooks"),
    ),
    Case(
        "unsafe-xml",
        w_unsafe_xml,
        None,
        None,
        None,
        "xl/worksheets/sheet1.xml declares a DTD or entities",
        suggestions=("re-save the workbook from Excel",),
    ),
    Case(
        "not-a-workbook",
        w_random_bytes,
        None,
        None,
        None,
        "not a valid zip archive",
        suggestions=("save it from Excel as 'Excel Workbook (.xlsx)'",),
    ),
    # the answers file of an HTML survey form (netmap survey --html)
    Case(
        "not-a-form",
        lambda f: _write(f.path("intake-A-answers.json"), b'{"netmap_form": 2, "partner_id": "A"}'),
        None,
        None,
        None,
        "not a netmap survey answers file: its 'netmap_form' is not 1",
        suggestions=("give the intake-<id>-answers.json file that a netmap survey form saved",),
    ),
    Case(
        "form-value",
        lambda f: _write(
            f.path("intake-A-answers.json"),
            b'{"netmap_form": 1, "partner_id": "A", "partner": {"name": "Alpha", "agency_type": "CC"},'
            b' "services": [{"service": ["a", "list"]}]}',
        ),
        "services",
        1,
        "service",
        "'service' holds a list where one answer belongs; it was left out",
    ),
    Case(
        "malformed-csv",
        lambda f: f.csv_bytes({"partners.csv": b'id,name,agency_type\nP1,Pima CC,CC\nP2,"Pima One-Stop,AJC\n'}),
        "partners",
        3,
        None,
        "check for an unclosed quote",
        file="partners.csv",
        suggestions=('every quote that opens a cell must close it: "like, this"',),
    ),
    Case(
        "too-many-rows",
        lambda f: f.csv({"partners": [*P, ["P3", "Pima WIB", "WIB", "local"]]}),
        "partners",
        4,
        None,
        "more than 2 rows",
        file="partners.csv",
        options={"limits": Limits(max_rows=2)},
    ),
    Case(
        "too-many-columns",
        lambda f: f.csv({"partners": P}),
        "partners",
        1,
        None,
        "the header has 4 columns; netmap reads at most 3",
        file="partners.csv",
        options={"limits": Limits(max_columns=3)},
    ),
    Case(
        "cell-too-long",
        lambda f: f.csv({"partners": [["id", "name", "agency_type", "notes"], ["P1", "Pima CC", "CC", "x" * 40_000]]}),
        "partners",
        2,
        "notes",
        "the cell holds 40,000 characters; a cell may hold at most 32,767",
        file="partners.csv",
    ),
    Case(
        "ragged-row",
        lambda f: f.csv_bytes({"partners.csv": b"id,name,agency_type\nP1,Pima CC,CC\nP2,Pima County, AZ,AJC\n"}),
        "partners",
        3,
        None,
        "the row has 4 cells but the header has 3",
        file="partners.csv",
        suggestions=("quote cells that contain commas",),
    ),
    # sheets and columns
    Case(
        "missing-sheet",
        lambda f: f.csv({"partner": P}),
        "partners",
        None,
        None,
        "the workbook has no 'partners' sheet",
        suggestions=("partner",),
    ),
    Case(
        "duplicate-sheet",
        lambda f: f.xlsx({"partners": P, "PARTNERS ": P}),
        "partners",
        None,
        None,
        "two sheets are named 'partners' (ignoring case and spaces): 'PARTNERS '",
    ),
    Case(
        "unknown-sheet",
        lambda f: with_partners(f, contact=[["partner_id", "name"], ["P1", "Jordan Example"]]),
        "contact",
        None,
        None,
        "sheet 'contact' is not a netmap sheet",
        severity=WARNING,
        file="contact.csv",
        suggestions=("contacts",),
    ),
    Case("empty-sheet", w_empty_roles, "roles", None, None, "no header row", severity=WARNING, file="roles.csv"),
    Case(
        "no-partners",
        lambda f: f.csv({"partners": P[:1]}),
        "partners",
        2,
        None,
        "the partners sheet has no rows",
        file="partners.csv",
    ),
    Case(
        "missing-column",
        lambda f: f.csv({"partners": [["id", "name", "agency"], ["P1", "Pima CC", "CC"]]}),
        "partners",
        1,
        "agency_type",
        "the partners sheet needs a column 'agency_type'",
        file="partners.csv",
        suggestions=("agency",),
    ),
    Case(
        "duplicate-column",
        lambda f: f.csv({"partners": [["id", "name", "agency_type", "Name"], ["P1", "Pima CC", "CC", "PCC"]]}),
        "partners",
        1,
        "Name",
        "column 'Name' appears twice (columns 2 and 4)",
        file="partners.csv",
    ),
    Case(
        "unknown-column",
        lambda f: f.csv({"partners": [["id", "name", "agency_type", "Webiste"], ["P1", "Pima CC", "CC", "pima.edu"]]}),
        "partners",
        1,
        "Webiste",
        "column 'Webiste' is not a netmap column of sheet partners; it is kept as an attribute",
        severity=WARNING,
        file="partners.csv",
        suggestions=("website",),
    ),
    Case(
        "unnamed-column",
        w_unnamed_xlsx,
        "partners",
        2,
        "E",
        "a value sits in column E, which has no header",
        suggestions=("give the column a header, or delete the value",),
    ),
    Case(
        "unnamed-column",
        lambda f: f.csv({"partners": [["id", "", "name", "agency_type"], ["P1", "stray", "Pima CC", "CC"]]}),
        "partners",
        2,
        "B",
        "a value sits in column B, which has no header",
        file="partners.csv",
        suggestions=("give the column a header, or delete the value",),
    ),
    # cells
    Case(
        "empty-required",
        lambda f: f.csv({"partners": [*P, ["P3", "", "WIB", "local"]]}),
        "partners",
        4,
        "name",
        "the required cell 'name' is empty",
        file="partners.csv",
    ),
    Case(
        "duplicate-id",
        lambda f: f.csv({"partners": [*P, ["P1", "Pima CC again", "CC", "local"]]}),
        "partners",
        4,
        "id",
        "id 'P1' is already used in row 2",
        file="partners.csv",
    ),
    Case(
        "duplicate-row",
        lambda f: with_partners(f, roles=[["partner_id", "role"], ["P1", "Design programs"], ["P1", "program design"]]),
        "roles",
        3,
        "role",
        "this row repeats row 2 in every column; it is kept once",
        severity=WARNING,
        file="roles.csv",
    ),
    Case(
        "conflicting-rows",
        lambda f: with_partners(
            f,
            ties=[
                ["source_id", "target_id", "kind", "notes"],
                ["P1", "P2", "", "shared intake"],
                ["P2", "P1", "", "MOU"],
            ],
        ),
        "ties",
        3,
        "kind",
        "this row and row 2 are both the collaboration tie P2-P1 but differ in notes; both are kept, as two ties",
        severity=WARNING,
        file="ties.csv",
        suggestions=("delete one of the rows, or merge them into one",),
    ),
    Case(
        "conflicting-rows",
        lambda f: with_partners(
            f, contacts=[["partner_id", "name", "title"], ["P1", "Sam Lee", "Dean"], ["P1", "sam lee", "Provost"]]
        ),
        "contacts",
        2,
        "name",
        "row(s) 3 are also one contact (same name) of partner P1 with other values; the map can hold only one "
        "of them, so this row is left out too",
        file="contacts.csv",
        suggestions=("delete one of the rows, or merge them into one",),
    ),
    Case(
        "conflicting-rows",
        lambda f: with_partners(
            f, contacts=[["partner_id", "name", "title"], ["P1", "Sam Lee", "Dean"], ["P1", "sam lee", "Provost"]]
        ),
        "contacts",
        3,
        "name",
        "this row and row 2 are both one contact (same name) of partner P1 but differ in title; the map can hold "
        "only one of them, so both are left out",
        file="contacts.csv",
        suggestions=("delete one of the rows, or merge them into one",),
    ),
    Case(
        "formula-not-computed",
        lambda f: f.xlsx({"partners": [*P, ["P3", '=UPPER("pima wib")', "WIB", "local"]]}),
        "partners",
        4,
        "name",
        'the cell holds the formula =UPPER("pima wib") but no computed value',
        suggestions=FORMULA_SUGGESTIONS,
    ),
    Case(
        "formula-not-computed",
        lambda f: f.xlsx({"partners": P_REGIONS}, cells=[(3, 5, '=CONCAT("No", "rth")')]),
        "partners",
        3,
        "region",
        'the cell holds the formula =CONCAT("No", "rth") but no computed value',
        suggestions=FORMULA_SUGGESTIONS,
    ),
    Case(
        "merged-cell",
        lambda f: f.xlsx({"partners": P_REGIONS}, merge="E2:E3"),
        "partners",
        3,
        "region",
        "the cell is part of the merged range E2:E3, whose value (North) Excel keeps in E2 only; "
        "this cell reads as empty",
        suggestions=MERGED_SUGGESTIONS,
    ),
    Case(
        "merged-cell",
        lambda f: f.xlsx({"partners": P}, merge="A2:A3"),
        "partners",
        3,
        "id",
        "the cell is part of the merged range A2:A3, whose value (P1) Excel keeps in A2 only",
        suggestions=MERGED_SUGGESTIONS,
    ),
    Case(
        "region-spelling",
        lambda f: f.csv({"partners": [*P_REGIONS[:2], ["P2", "Pima County One-Stop", "AJC", "local", "NORTH!"]]}),
        "partners",
        3,
        "region",
        "region 'NORTH!' is read as 'North' (first written so in row 2): the two differ only in case, spaces or "
        "punctuation, so they are one region",
        severity=WARNING,
        file="partners.csv",
        suggestions=("North",),
    ),
    Case(
        "refers-to-rejected-partner",
        lambda f: with_partners(
            f,
            partners=[*P, ["P3", "", "WIB", "local"]],
            funding=[["id", "stream", "recipient_id"], ["F1", "WIOA Title I Adult", "P3"]],
        ),
        "funding",
        2,
        "recipient_id",
        "partner 'P3' has an error in its own row (partners row 4); this row is left out until that row is fixed",
        file="funding.csv",
    ),
    Case(
        "sheet-too-wide",
        lambda f: f.xlsx({"partners": P}, cells=[(2, 18278, "stray"), (3, 18278, "stray")]),
        "partners",
        2,
        "ZZZ",
        "2 cell(s) lie past column ALL, the last netmap reads (the first at ZZZ2); they are left out",
        suggestions=("delete the cells past your data (select the columns, then Delete Columns)",),
    ),
    Case(
        "sheet-too-large",
        lambda f: (f.xlsx({"partners": P}), {"limits": Limits(max_cells=11)}),
        "partners",
        None,
        None,
        "the sheet declares 3 rows by 4 columns (12 cells); netmap reads at most 11 cells a sheet",
        suggestions=("delete the rows and columns past your data, or split the sheet",),
    ),
    Case(
        "duplicate-party",
        lambda f: with_partners(f, agreements=[["id", "parties"], ["A1", "P1;P2;P1"]]),
        "agreements",
        2,
        "parties",
        "a partner is listed twice among the parties",
        severity=WARNING,
        file="agreements.csv",
    ),
    Case(
        "invalid-choice",
        one_partner_row("P1", "Pima CC", "CC", "local", "leader"),
        "partners",
        2,
        "team",
        "'leader' is not one of: leadership, operations, stakeholder",
        file="partners.csv",
        suggestions=("leadership", "stakeholder"),
    ),
    Case(
        "invalid-date",
        lambda f: with_partners(f, agreements=[["id", "parties", "signed"], ["A1", "P1;P2", "March 4, 2024"]]),
        "agreements",
        2,
        "signed",
        "'March 4, 2024' is not an ISO date; write dates as YYYY-MM-DD",
        file="agreements.csv",
        suggestions=("2024-03-04",),
    ),
    Case(
        "ambiguous-date",
        lambda f: with_partners(f, agreements=[["id", "parties", "expires"], ["A1", "P1;P2", "04/03/2024"]]),
        "agreements",
        2,
        "expires",
        "'04/03/2024' could be either of two days",
        file="agreements.csv",
        suggestions=("2024-04-03 (3 April 2024)", "2024-03-04 (4 March 2024)"),
    ),
    Case(
        "date-order",
        lambda f: with_partners(
            f,
            funding=[
                ["id", "stream", "recipient_id", "start", "end"],
                ["F1", "WIOA Title I Adult", "P2", "2025-07-01", "2025-06-30"],
            ],
        ),
        "funding",
        2,
        "end",
        "end (2025-06-30) is before start (2025-07-01)",
        file="funding.csv",
    ),
    Case(
        "invalid-number",
        lambda f: with_partners(
            f, funding=[["id", "stream", "recipient_id", "amount"], ["F1", "WIOA Title I Adult", "P2", "1.200,50"]]
        ),
        "funding",
        2,
        "amount",
        "'1.200,50' is not a number",
        file="funding.csv",
        suggestions=("1200.50",),
    ),
    Case(
        "out-of-range",
        lambda f: with_partners(f, ties=[["source_id", "target_id", "strength"], ["P1", "P2", "4"]]),
        "ties",
        2,
        "strength",
        "'4' is outside 1-3",
        file="ties.csv",
    ),
    Case(
        "amount-too-large",
        lambda f: with_partners(
            f, funding=[["id", "stream", "recipient_id", "amount"], ["F1", "WIOA Title I Adult", "P2", "9e307"]]
        ),
        "funding",
        2,
        "amount",
        "'9e307' is larger than netmap's limit of 1,000,000,000,000,000 (10^15) dollars",
        file="funding.csv",
    ),
    Case(
        "invalid-boolean",
        lambda f: with_partners(f, ties=[["source_id", "target_id", "directed"], ["P1", "P2", "maybe"]]),
        "ties",
        2,
        "directed",
        "'maybe' is not yes or no",
        file="ties.csv",
        suggestions=("yes", "no"),
    ),
    Case(
        "invalid-email",
        lambda f: with_partners(
            f, contacts=[["partner_id", "name", "email"], ["P1", "Jordan Example", "jordan at pima"]]
        ),
        "contacts",
        2,
        "email",
        "'jordan at pima' does not look like an email address",
        severity=WARNING,
        file="contacts.csv",
    ),
    Case(
        "self-tie",
        lambda f: with_partners(f, ties=[["source_id", "target_id"], ["P2", "P2"]]),
        "ties",
        2,
        "target_id",
        "partner 'P2' is tied to itself",
        file="ties.csv",
    ),
    # the roster and references
    Case(
        "unknown-agency-type",
        one_partner_row("P1", "Pima CC", "Comunity colege"),
        "partners",
        2,
        "agency_type",
        "'Comunity colege' is not an agency type of the career-pathways roster",
        file="partners.csv",
        suggestions=("Local community colleges",),
        more_suggestions=True,
    ),
    Case(
        "custom-agency-type",
        w_custom_type,
        "partners",
        2,
        "agency_type",
        "'Makerspace' is not in the career-pathways roster; it is kept as a custom type",
        severity=WARNING,
        file="partners.csv",
        more_suggestions=True,
    ),
    Case(
        "level-mismatch",
        one_partner_row("P1", "Pima CC", "CC", "state"),
        "partners",
        2,
        "level",
        "a state partner has the local agency type 'Local community colleges'",
        severity=WARNING,
        file="partners.csv",
    ),
    Case(
        "unknown-role",
        lambda f: with_partners(f, roles=[["partner_id", "role"], ["P1", "Desgin programs"]]),
        "roles",
        2,
        "role",
        "'Desgin programs' is not a role of the career-pathways role chart",
        file="roles.csv",
        suggestions=("Design programs",),
        more_suggestions=True,
    ),
    Case(
        "unknown-population",
        lambda f: with_partners(f, services=[["partner_id", "service", "population"], ["P2", "Job club", "Martians"]]),
        "services",
        2,
        "population",
        "'Martians' is not a population the roster knows; it is kept",
        severity=WARNING,
        file="services.csv",
        more_suggestions=True,
    ),
    Case(
        "unknown-reference",
        lambda f: with_partners(f, roles=[["partner_id", "role"], ["p1 ", "LMI"]]),
        "roles",
        2,
        "partner_id",
        "'p1' is not the id of any partner in the partners sheet",
        file="roles.csv",
        suggestions=("P1",),
    ),
    Case(
        "unknown-reference",
        lambda f: with_partners(f, agreements=[["id", "parties"], ["A1", "P1, P2"]]),
        "agreements",
        2,
        "parties",
        "'P1, P2' is not the id of any partner in the partners sheet (separate partner ids with ';')",
        file="agreements.csv",
    ),
    Case(
        "too-few-parties",
        lambda f: with_partners(f, agreements=[["id", "parties", "type"], ["A1", "P1", "MOU"]]),
        "agreements",
        2,
        "parties",
        "an agreement lists fewer than two parties",
        severity=WARNING,
        file="agreements.csv",
    ),
    # the richer services sheet and the needs sheet
    Case(
        "unknown-service",
        lambda f: with_partners(f, services=[SERVICES_HEADER, ["P1", "Chlid care", "", "12", "", "", ""]]),
        "services",
        2,
        "service",
        "'Chlid care' is not a service of the career-services list; it is kept as written",
        severity=WARNING,
        file="services.csv",
        suggestions=("Child care", "Health care", "English language learning"),
    ),
    Case(
        "out-of-range",
        lambda f: with_partners(f, services=[SERVICES_HEADER, ["P1", "Child care", "", "-3", "", "", ""]]),
        "services",
        2,
        "capacity",
        "'-3' is negative; counts are 0 or more",
        file="services.csv",
    ),
    Case(
        "invalid-number",
        lambda f: with_partners(f, services=[SERVICES_HEADER, ["P1", "Child care", "", "", "2.5", "", ""]]),
        "services",
        2,
        "waitlist",
        "'2.5' is not a whole number; a count is 0, 1, 2, ...",
        file="services.csv",
    ),
    Case(
        "invalid-number",
        lambda f: with_partners(f, services=[SERVICES_HEADER, ["P1", "Child care", "", "many", "", "", ""]]),
        "services",
        2,
        "capacity",
        "'many' is not a number; write a count as a whole number like 25",
        file="services.csv",
    ),
    Case(
        "unknown-population",
        lambda f: with_partners(
            f, services=[SERVICES_HEADER, ["P1", "Child care", "Veterans; Martians", "", "", "", ""]]
        ),
        "services",
        2,
        "population",
        "'Martians' is not a population the roster knows; it is kept",
        severity=WARNING,
        file="services.csv",
        more_suggestions=True,
    ),
    Case(
        "unknown-reference",
        lambda f: with_partners(f, services=[SERVICES_HEADER, ["P1", "Child care", "", "", "", "P2;P9", ""]]),
        "services",
        2,
        "refers_to",
        "'P9' is not the id of any partner in the partners sheet",
        file="services.csv",
    ),
    Case(
        "unknown-reference",
        lambda f: with_partners(f, services=[SERVICES_HEADER, ["P1", "Child care", "", "", "", "", "p2"]]),
        "services",
        2,
        "accepts_referrals_from",
        "'p2' is not the id of any partner in the partners sheet",
        file="services.csv",
        suggestions=("P2",),
    ),
    Case(
        "duplicate-party",
        lambda f: with_partners(f, services=[SERVICES_HEADER, ["P1", "Child care", "", "", "", "P2; P2", ""]]),
        "services",
        2,
        "refers_to",
        "a partner is listed twice in 'refers_to'; it is counted once",
        severity=WARNING,
        file="services.csv",
    ),
    Case(
        "unknown-award",
        lambda f: with_partners(
            f,
            funding=[["id", "stream", "recipient_id"], ["F01", "WIOA Adult", "P2"]],
            services=[["partner_id", "service", "funding_id"], ["P2", "Job placement", "F10"]],
        ),
        "services",
        2,
        "funding_id",
        "'F10' is not the id of an award in the funding sheet",
        file="services.csv",
        suggestions=("F01",),
    ),
    Case(
        "unknown-award",
        lambda f: with_partners(f, services=[["partner_id", "service", "funding_id"], ["P2", "Job placement", "F1"]]),
        "services",
        2,
        "funding_id",
        "'F1' is not the id of an award in a funding sheet (the workbook has none)",
        file="services.csv",
    ),
    Case(
        "unknown-region",
        lambda f: f.csv({"partners": P_REGIONS, "needs": [NEEDS_HEADER, ["Nroth", "English learners", "2400"]]}),
        "needs",
        2,
        "region",
        "no partner or service is in region 'Nroth'; the count is kept",
        severity=WARNING,
        file="needs.csv",
        suggestions=("North",),
    ),
    Case(
        "out-of-range",
        lambda f: f.csv({"partners": P_REGIONS, "needs": [NEEDS_HEADER, ["North", "English learners", "-5"]]}),
        "needs",
        2,
        "count",
        "'-5' is negative; counts are 0 or more",
        file="needs.csv",
    ),
    Case(
        "empty-required",
        lambda f: f.csv({"partners": P_REGIONS, "needs": [NEEDS_HEADER, ["North", "English learners", ""]]}),
        "needs",
        2,
        "count",
        "the required cell 'count' is empty",
        file="needs.csv",
    ),
    Case(
        "conflicting-rows",
        lambda f: f.csv(
            {
                "partners": P_REGIONS,
                "needs": [NEEDS_HEADER, ["North", "English learners", "2400"], ["north", "ELL", "2500"]],
            }
        ),
        "needs",
        3,
        "population",
        "this row and row 2 are both the count of 'ELL' in region 'north' but differ in count",
        file="needs.csv",
        suggestions=("delete one of the rows, or merge them into one",),
    ),
]


def check_case(case: Case, files) -> str:
    """Write the case's files, read them, assert its issue in full; return the code seen."""
    written = case.write(files)
    source, options = written if isinstance(written, tuple) else (written, {})
    tables = netmap.read_workbook(source, **{**case.options, **options})
    found = [
        i for i in tables.issues if (i.code, i.sheet, i.row, i.column) == (case.code, case.sheet, case.row, case.column)
    ]
    assert len(found) == 1, f"{case.code}: got {[str(i) for i in tables.issues]}"
    issue = found[0]
    assert issue.severity == case.severity
    assert issue.file == (str(source) if case.file == "." else str(Path(source) / case.file))
    assert case.message in issue.message
    if case.more_suggestions:
        assert issue.suggestions[: len(case.suggestions)] == case.suggestions
        assert issue.suggestions, "expected some suggestions"
    else:
        assert issue.suggestions == case.suggestions
    assert tables.ok is not any(i.is_error for i in tables.issues)
    return issue.code


def _case_id(case: Case) -> str:
    return f"{case.code}-{case.sheet}-{case.row}-{case.column}".replace(" ", "_")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_issue_code_from_real_files(files, case):
    assert check_case(case, files) == case.code


def test_every_issue_code_is_tested(files):
    make = type(files)  # conftest's Files helper, one fresh folder per case
    triggered = {check_case(case, make(files.root / f"case{n}")) for n, case in enumerate(CASES)}
    # The HSDS import's codes are triggered by tests/ingest/test_hsds.py, from HSDS packages;
    # the xlsx intake form's by tests/ingest/test_form.py, from filled forms; merge's by
    # tests/test_merge.py, from several workbooks.
    elsewhere = {code for code in ISSUE_CODES if code.startswith(("hsds-", "merge-"))} | {"form-scores-without-tie"}
    assert triggered == set(ISSUE_CODES) - elsewhere


# -- every fault at once -------------------------------------------------------------------------

FAULTY = {
    "partners": [
        ["id", "name", "agency_type", "level", "Board seat"],
        ["P1", "Pima Community College", "Local community colleges", "local", "yes"],  # 2 ok
        ["P2", "Pima County One-Stop", "American Job Center", "local", ""],  # 3 ok
        ["P3", "", "WIB", "local", ""],  # 4 empty name
        ["P1", "Pima CC (again)", "CC", "local", ""],  # 5 duplicate id
        ["P5", "Mystery agency", "Comunity colege", "local", ""],  # 6 unknown agency type
        ["P6", "DES Family Assistance", "TANF office", "statewid", ""],  # 7 invalid level
        ["P7", "Pima JTED", "CC", "state", ""],  # 8 level mismatch (warning)
    ],
    "roles": [
        ["partner_id", "role"],
        ["P1", "Design programs"],  # 2 ok
        ["P2", "Juggling"],  # 3 unknown role
        ["P1", "program design"],  # 4 repeats row 2 (warning)
        ["P9", "LMI"],  # 5 unknown partner
    ],
    "agreements": [
        ["id", "parties", "signed", "expires"],
        ["A1", "P1;P2", "2024-01-15", "2026-12-31"],  # 2 ok
        ["A2", "P1;P2", "04/03/2024", ""],  # 3 ambiguous date
        ["A3", "P1;P2", "2024-05-01", "2024-01-01"],  # 4 expires before signed
        ["A4", "P1", "", ""],  # 5 one party (warning)
        ["A5", "P1;P2;P1", "", ""],  # 6 party twice (warning)
        ["A6", "P1, P2", "", ""],  # 7 comma instead of ';'
    ],
    "funding": [
        ["id", "stream", "recipient_id", "amount", "start", "end"],
        ["F1", "WIOA Title I Adult", "P2", "250000", "2025-07-01", "2026-06-30"],  # 2 ok
        ["F2", "WIOA Title I Adult", "P1", "1.200,50", "", ""],  # 3 European number
        ["F3", "WIOA Title I Adult", "P1", "-5", "", ""],  # 4 negative
        ["F4", "WIOA Title I Adult", "P1", "", "2024-02-30", ""],  # 5 no such day
    ],
    "ties": [
        ["source_id", "target_id", "kind", "strength", "directed"],
        ["P1", "P2", "referral", "2", "yes"],  # 2 ok
        ["P1", "P1", "collaboration", "", ""],  # 3 self-tie
        ["P1", "P2", "referral", "4", ""],  # 4 strength too high
        ["P2", "P1", "collaboration", "two", ""],  # 5 not a number
        ["P2", "P1", "advisory", "1", "maybe"],  # 6 not yes/no
        ["P1", "P2", "friendship", "", ""],  # 7 unknown kind
    ],
    "services": [
        ["partner_id", "service", "population"],
        ["P1", "Adult basic education", "English learners"],  # 2 ok
        ["P2", "Job club", "Martians"],  # 3 unknown population (warning)
    ],
    "contacts": [
        ["partner_id", "name", "email"],
        ["P1", "Jordan Example", "jordan at example.org"],  # 2 bad email (warning)
        ["P2", "", "sam@example.org"],  # 3 empty name
    ],
}

FAULTS = [
    ("unknown-column", "partners", 1, "Board seat"),
    ("empty-required", "partners", 4, "name"),
    ("duplicate-id", "partners", 5, "id"),
    ("unknown-agency-type", "partners", 6, "agency_type"),
    ("invalid-choice", "partners", 7, "level"),
    ("level-mismatch", "partners", 8, "level"),
    ("unknown-role", "roles", 3, "role"),
    ("duplicate-row", "roles", 4, "role"),
    ("unknown-reference", "roles", 5, "partner_id"),
    ("ambiguous-date", "agreements", 3, "signed"),
    ("date-order", "agreements", 4, "expires"),
    ("too-few-parties", "agreements", 5, "parties"),
    ("duplicate-party", "agreements", 6, "parties"),
    ("unknown-reference", "agreements", 7, "parties"),
    ("invalid-number", "funding", 3, "amount"),
    ("out-of-range", "funding", 4, "amount"),
    ("invalid-date", "funding", 5, "start"),
    ("self-tie", "ties", 3, "target_id"),
    ("out-of-range", "ties", 4, "strength"),
    ("invalid-number", "ties", 5, "strength"),
    ("invalid-boolean", "ties", 6, "directed"),
    ("invalid-choice", "ties", 7, "kind"),
    ("unknown-population", "services", 3, "population"),
    ("invalid-email", "contacts", 2, "email"),
    ("empty-required", "contacts", 3, "name"),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_workbook_with_one_of_each_fault_reports_them_all_at_once(files, kind):
    if kind == "csv":
        source = files.csv(FAULTY)
    else:
        source = files.xlsx({n: [[None if v == "" else v for v in row] for row in rows] for n, rows in FAULTY.items()})
    tables = netmap.read_workbook(source)
    assert [(i.code, i.sheet, i.row, i.column) for i in tables.issues] == FAULTS  # in workbook order
    for issue in tables.issues:
        expected = str(Path(source) / f"{issue.sheet}.csv") if kind == "csv" else str(source)
        assert issue.file == expected
    # only the clean rows are kept
    assert [p["id"] for p in tables["partners"]] == ["P1", "P2", "P7"]
    assert [r["_row"] for r in tables["roles"]] == [2]
    assert [a["id"] for a in tables["agreements"]] == ["A1", "A4", "A5"]
    assert [f["id"] for f in tables["funding"]] == ["F1"]
    assert [t["_row"] for t in tables["ties"]] == [2]
    assert [s["_row"] for s in tables["services"]] == [2, 3]
    assert [c["_row"] for c in tables["contacts"]] == [2]
    assert not tables.ok


# -- columns ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_column_names_are_case_insensitive_and_trimmed(files, kind):
    sheets = {
        "Partners": [
            ["ID", "  Name", " Agency Type ", "LEVEL"],
            ["P1", "Pima CC", "CC", "Local"],
            ["P1x", "Pima One-Stop", "American Job Center", "LOCAL"],
        ],
        "TIES": [["Source ID", "target-id", "Kind"], ["P1", "P1x", "Referral"]],
    }
    source = files.csv(sheets) if kind == "csv" else files.xlsx(sheets)
    tables = netmap.read_workbook(source)
    assert tables.issues == []
    assert [(p["id"], p["name"], p["agency_type"], p["level"]) for p in tables["partners"]] == [
        ("P1", "Pima CC", "CC", "local"),
        ("P1x", "Pima One-Stop", "American Job Center", "local"),
    ]
    assert (tables["ties"][0]["source_id"], tables["ties"][0]["target_id"], tables["ties"][0]["kind"]) == (
        "P1",
        "P1x",
        "referral",
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_unknown_column_is_kept_as_an_attribute_with_a_warning(files, only, kind):
    sheets = {
        "partners": [
            ["id", "name", "agency_type", "Board seat"],
            ["P1", "Pima Community College", "CC", "yes"],
            ["P2", "Pima County One-Stop", "American Job Center", None if kind == "xlsx" else ""],
        ]
    }
    source = files.csv(sheets) if kind == "csv" else files.xlsx(sheets)
    tables = netmap.read_workbook(source)
    issue = only(tables.issues, "unknown-column")
    assert (issue.severity, issue.sheet, issue.row, issue.column) == (WARNING, "partners", 1, "Board seat")
    assert "kept as an attribute" in issue.message
    assert tables.ok
    assert [p["extra"] for p in tables["partners"]] == [{"Board seat": "yes"}, {}]
    assert tables.frame("partners")["Board seat"].iloc[0] == "yes"


@pytest.mark.parametrize(
    ("written", "level", "agency_type_id"),
    [
        ("Local community colleges", "local", "local-community-colleges"),
        ("local community-college", "", "local-community-colleges"),
        ("CC", "local", "local-community-colleges"),
        ("WIB", "local", "local-wib"),
        ("WIB", "state", "state-wib"),
        ("American Job Center", "", "local-workforce-agencies"),
        ("TANF office", "local", "local-tanf-providers"),
    ],
)
def test_roster_agency_type_names_and_aliases_resolve(files, written, level, agency_type_id):
    folder = files.csv({"partners": [["id", "name", "agency_type", "level"], ["P1", "Partner", written, level]]})
    tables = netmap.read_workbook(folder)
    assert tables.issues == []
    assert tables["partners"][0]["agency_type"] == written
    assert tables["partners"][0]["agency_type_id"] == agency_type_id


@pytest.mark.parametrize(
    ("column", "written", "canonical"),
    [("level", "Statewide", "state"), ("status", "inactive", "former"), ("team", "Stakeholders", "stakeholder")],
)
def test_choice_synonyms_and_case_are_accepted(files, column, written, canonical):
    folder = files.csv(
        {"partners": [["id", "name", "agency_type", column], ["P1", "Arizona DES", "TANF office", written]]}
    )
    tables = netmap.read_workbook(folder)
    assert tables.errors == []
    assert tables["partners"][0][column] == canonical


def test_reference_to_a_partner_whose_row_has_an_error_is_left_out_with_its_own_issue(files):
    folder = files.csv(
        {
            "partners": [*P, ["P3", "", "WIB", "local"]],
            "ties": [["source_id", "target_id"], ["P1", "P3"], ["P3", "P3x"]],
        }
    )
    tables = netmap.read_workbook(folder)
    assert [(i.code, i.sheet, i.row, i.column, i.value) for i in tables.issues] == [
        ("empty-required", "partners", 4, "name", None),
        ("refers-to-rejected-partner", "ties", 2, "target_id", "P3"),
        # each reference is reported once, whichever comes first
        ("refers-to-rejected-partner", "ties", 3, "source_id", "P3"),
        ("unknown-reference", "ties", 3, "target_id", "P3x"),
    ]
    assert tables["ties"] == []  # the tie waits for its partner to be fixed
    assert tables.row_counts()["ties"] == {"read": 2, "used": 0, "left_out": 2}


def test_tables_keep_the_file_and_the_rows_read_per_sheet(files):
    folder = files.csv({"partners": P, "roles": [["partner_id", "role"], ["P1", "LMI"], ["P1", "LMI"]]})
    tables = netmap.read_workbook(folder)
    assert tables.files == {"partners": str(folder / "partners.csv"), "roles": str(folder / "roles.csv")}
    assert tables.rows_read == {"partners": 2, "roles": 2}
    assert tables.counts()["roles"] == 1
    assert tables["roles"][0]["role_id"] == "provide-labor-market-information"


# -- known package bugs ------------------------------------------------------------------------


def test_empty_optional_sheet_is_only_a_warning(files):
    folder = with_partners(files)
    (folder / "roles.csv").write_bytes(b"")
    tables = netmap.read_workbook(folder)
    assert [i.code for i in tables.issues] == ["empty-sheet"]
    assert tables.ok


@pytest.mark.parametrize(
    ("bad_partners", "options"),
    [
        pytest.param("id,name,agency_type\nP1,Café,CC\n".encode("cp1252"), {"encoding": "utf-8"}, id="encoding-error"),
        pytest.param(b"id,name,agency_type\nP1,a,CC\nP2,b,CC\nP3,c,CC\n", {"limits": Limits(max_rows=2)}, id="rows"),
        pytest.param(b"id,name,agency_type\nP1,a,CC\n", {"limits": Limits(max_file_bytes=10)}, id="size"),
    ],
)
def test_unreadable_partners_csv_is_not_also_reported_missing(files, bad_partners, options):
    folder = files.csv_bytes({"partners.csv": bad_partners})
    tables = netmap.read_workbook(folder, **options)
    assert "missing-sheet" not in [i.code for i in tables.issues]


def test_partners_without_an_id_column_do_not_flood_references(files):
    folder = files.csv(
        {
            "partners": [["partner id", "name", "agency_type"], ["P1", "Pima CC", "CC"], ["P2", "AJC", "AJC"]],
            "ties": [["source_id", "target_id"], ["P1", "P2"]],
        }
    )
    tables = netmap.read_workbook(folder)
    assert "unknown-reference" not in [i.code for i in tables.issues]


# -- the column-wise parser -------------------------------------------------------------

MIXED = ["1", 1, 1.0, True, "yes", " 1 ", None, "  ", 0, False, "no", 3, "3", "x"]


@pytest.mark.parametrize(
    ("sheet", "column"),
    [("ties", "strength"), ("ties", "directed"), ("ties", "kind"), ("funding", "amount"), ("agreements", "signed")],
)
def test_each_distinct_cell_is_parsed_once_and_equal_values_of_other_types_apart(sheet, column):
    """True == 1 == 1.0 to a dict, but an Excel TRUE, 1 and 1.0 are three cells: the column
    parser must give each the result the one-cell parser gives it."""
    from netmap.ingest.validate import _parse_column, _parse_value
    from netmap.model import SHEETS
    from netmap.roster import load_roster

    roster = load_roster()
    spec = SHEETS[sheet].column(column)
    parsed, special = _parse_column(roster, spec, tuple(MIXED))
    one_by_one = [_parse_value(roster, spec, cell) for cell in MIXED]
    assert parsed == [r[0] for r in one_by_one]
    assert [type(v) for v in parsed] == [type(r[0]) for r in one_by_one]
    noted = [i for i, r in enumerate(one_by_one) if not r[1] or r[2] or r[3]]
    assert [i for i, _ in special] == noted


def test_text_only_and_mixed_columns_give_the_same_records(files):
    """A CSV column (text only) takes the fast path; the same values typed in Excel do not."""
    ties = [["source_id", "target_id", "strength", "directed"], ["P1", "P2", "2", "yes"], ["P2", "P1", "9", "no"]]
    typed = [ties[0], ["P1", "P2", 2, True], ["P2", "P1", 9, False]]
    from_csv = netmap.read_workbook(files.csv({"partners": P, "ties": ties}))
    from_xlsx = netmap.read_workbook(files.xlsx({"partners": P, "ties": typed}))
    strip = lambda tables: [(i.code, i.row, i.column, i.value) for i in tables.issues]  # noqa: E731
    assert strip(from_csv) == strip(from_xlsx) == [("out-of-range", 3, "strength", "9")]
    assert [(r["strength"], r["directed"]) for r in from_csv["ties"]] == [(2, True)]
    assert [(r["strength"], r["directed"]) for r in from_xlsx["ties"]] == [(2, True)]


# -- every row used or reported (issue 18) -------------------------------------------------------

HOSTILE = {
    "partners": [
        ["id", "name", "agency_type", "level", "region"],
        ["P1", "Pima Community College", "CC", "local", "North"],  # 2 ok
        ["P2", "Pima County One-Stop", "American Job Center", "local", "north"],  # 3 ok, region merged
        ["P3", "", "WIB", "local", "NORTH!"],  # 4 empty name
        ["P4", "DES Family Assistance", "TANF office", "local", ""],  # 5 ok
    ],
    "roles": [
        ["partner_id", "role", "notes"],
        ["P1", "Design programs", "leads"],  # 2 conflicts with 3
        ["P1", "program design", "helps"],  # 3
        ["P3", "LMI", ""],  # 4 partner rejected
        ["P2", "LMI", ""],  # 5 ok
        ["P2", "LMI", ""],  # 6 repeats 5
    ],
    "agreements": [["id", "parties"], ["A1", "P1;P3"], ["A2", "P1;P2"]],  # 2 partner rejected, 3 ok
    "funding": [
        ["id", "stream", "recipient_id", "funder_id"],
        ["F1", "WIOA Title I Adult", "P1", "P3"],  # 2 funder rejected
        ["F2", "WIOA Title I Adult", "P9", ""],  # 3 unknown partner
        ["F3", "WIOA Title I Adult", "P2", ""],  # 4 ok
    ],
    "ties": [
        ["source_id", "target_id", "kind", "notes"],
        ["P1", "P2", "referral", "a"],  # 2 ok
        ["P2", "P1", "referral", "b"],  # 3 conflicts with 2, both kept
        ["P2", "P1", "referral", "a"],  # 4 repeats 2 (undirected)
        ["P1", "P3", "", ""],  # 5 partner rejected
        ["P4", "P4", "", ""],  # 6 self-tie
    ],
    "contacts": [
        ["partner_id", "name", "title"],
        ["P1", "Sam Lee", "Dean"],  # 2 conflicts with 3
        ["P1", "sam lee", "Provost"],  # 3
        ["P1", "Sam Lee", "Dean"],  # 4 repeats 2, which is left out
        ["P2", "Ana Ruiz", ""],  # 5 ok
    ],
    "services": [["partner_id", "service"], ["P3", "Job club"], ["P4", "Job club"]],  # 2 rejected, 3 ok
}


def _hostile_xlsx_with_formulas_and_merges(files):
    path = files.xlsx({n: [[None if v == "" else v for v in row] for row in rows] for n, rows in HOSTILE.items()})
    wb = openpyxl.load_workbook(path)
    partners = wb["partners"]
    partners.append(["P5", '=UPPER("x")', "CC", "local", None])  # 6 formula without a value
    partners.append(["P6", "Pima JTED", "CC", "local", None])  # 7 merged into the row above
    partners.merge_cells("D6:D7")
    wb.save(path)
    return path


def _left_out_rows_are_each_reported(tables, raw_rows):
    for sheet, count in tables.row_counts().items():
        assert count["read"] == count["used"] + count["left_out"], sheet
        used = {r["_row"] for r in tables[sheet]}
        assert len(used) == count["used"]
        left_out = set(raw_rows[sheet]) - used
        assert len(left_out) == count["left_out"], sheet
        reported = {i.row for i in tables.issues if i.sheet == sheet and (i.is_error or "left out" in i.message)}
        reported |= {i.row for i in tables.issues if i.sheet == sheet and i.code == "duplicate-row"}
        assert left_out <= reported, (sheet, sorted(left_out - reported))


@pytest.mark.parametrize(
    "make",
    [
        lambda f: f.csv(FAULTY),
        lambda f: f.xlsx({n: [[None if v == "" else v for v in row] for row in rows] for n, rows in FAULTY.items()}),
        lambda f: f.csv(HOSTILE),
        _hostile_xlsx_with_formulas_and_merges,
    ],
    ids=["faulty-csv", "faulty-xlsx", "hostile-csv", "hostile-xlsx"],
)
def test_rows_read_are_rows_used_plus_rows_reported(files, make):
    source = make(files)
    raw = read_workbook_raw(source)
    tables = netmap.read_workbook(source)
    raw_rows = {name: sheet.row_numbers() for name, sheet in raw.sheets.items()}
    assert tables.rows_read == {name: len(rows) for name, rows in raw_rows.items()}
    _left_out_rows_are_each_reported(tables, raw_rows)


def test_hostile_workbook_rows_left_out_and_why(files):
    tables = netmap.read_workbook(files.csv(HOSTILE))
    assert tables.row_counts() == {
        "partners": {"read": 4, "used": 3, "left_out": 1},
        "roles": {"read": 5, "used": 1, "left_out": 4},
        "agreements": {"read": 2, "used": 1, "left_out": 1},
        "funding": {"read": 3, "used": 1, "left_out": 2},
        "ties": {"read": 5, "used": 2, "left_out": 3},
        "services": {"read": 2, "used": 1, "left_out": 1},
        "contacts": {"read": 4, "used": 1, "left_out": 3},
    }
    assert [(i.code, i.sheet, i.row, i.column) for i in tables.issues] == [
        ("region-spelling", "partners", 3, "region"),
        ("empty-required", "partners", 4, "name"),
        ("region-spelling", "partners", 4, "region"),  # a row with an error is still read through
        ("conflicting-rows", "roles", 2, "role"),
        ("conflicting-rows", "roles", 3, "role"),
        ("refers-to-rejected-partner", "roles", 4, "partner_id"),
        ("duplicate-row", "roles", 6, "role"),
        ("refers-to-rejected-partner", "agreements", 2, "parties"),
        ("refers-to-rejected-partner", "funding", 2, "funder_id"),
        ("unknown-reference", "funding", 3, "recipient_id"),
        ("conflicting-rows", "ties", 3, "kind"),
        ("duplicate-row", "ties", 4, "kind"),
        ("refers-to-rejected-partner", "ties", 5, "target_id"),
        ("self-tie", "ties", 6, "target_id"),
        ("refers-to-rejected-partner", "services", 2, "partner_id"),
        ("conflicting-rows", "contacts", 2, "name"),
        ("conflicting-rows", "contacts", 3, "name"),
        ("duplicate-row", "contacts", 4, "name"),
    ]
    issue = next(i for i in tables.issues if i.code == "duplicate-row" and i.sheet == "contacts")
    assert issue.message == (
        "this row repeats row 2 in every column, and that row is left out (see its conflicting-rows issue), "
        "so this one is too"
    )
    roles = [i for i in tables.issues if i.code == "conflicting-rows" and i.sheet == "roles"]
    assert [i.severity for i in roles] == [ERROR, ERROR]
    assert roles[1].message == (
        "this row and row 2 are both role 'program design' of partner P1 but differ in notes; "
        "the map can hold only one of them, so both are left out"
    )


def test_reverse_tie_with_other_notes_is_two_ties_in_the_graph(files):
    folder = with_partners(
        files, ties=[["source_id", "target_id", "kind", "notes"], ["P1", "P2", "", "intake"], ["P2", "P1", "", "MOU"]]
    )
    tables = netmap.read_workbook(folder)
    assert [(i.code, i.severity, i.row) for i in tables.issues] == [("conflicting-rows", WARNING, 3)]
    G = netmap.build_graph(tables)
    ties = sorted(d["notes"] for _, _, d in G.edges(data=True) if d["type"] == "TIED_TO")
    assert ties == ["MOU", "intake"]


@pytest.mark.parametrize(
    ("first", "second", "code"),
    [
        (["P1", "P2", "referral", "2", "yes"], ["P1", "P2", "Referral", "2.0", "y"], "duplicate-row"),  # same values
        (["P1", "P2", "referral", "2", ""], ["P2", "P1", "referral", "2", ""], "duplicate-row"),  # undirected
        (["P1", "P2", "referral", "2", "yes"], ["P2", "P1", "referral", "2", "yes"], None),  # two directions
        (["P1", "P2", "referral", "2", ""], ["P2", "P1", "referral", "3", ""], "conflicting-rows"),
        (["P1", "P2", "referral", "2", ""], ["P1", "P2", "advisory", "2", ""], None),  # another kind
    ],
)
def test_a_repeated_tie_is_a_duplicate_only_when_every_value_is_equal(files, first, second, code):
    header = ["source_id", "target_id", "kind", "strength", "directed"]
    tables = netmap.read_workbook(with_partners(files, ties=[header, first, second]))
    assert [i.code for i in tables.issues] == ([code] if code else [])
    assert len(tables["ties"]) == (1 if code == "duplicate-row" else 2)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_region_spellings_are_one_region_in_the_graph_and_the_analyses(files, kind):
    sheets = {"partners": [row[:] for row in HOSTILE["partners"]]}
    sheets["partners"][3][1] = "Pima County WIB"  # P3 valid here
    source = files.csv(sheets) if kind == "csv" else files.xlsx(sheets)
    tables = netmap.read_workbook(source)
    spelling = [(i.code, i.row, i.value, i.suggestions) for i in tables.issues]
    assert spelling == [("region-spelling", 3, "north", ("North",)), ("region-spelling", 4, "NORTH!", ("North",))]
    assert [p["region"] for p in tables["partners"]] == ["North", "North", "North", None]
    G = netmap.build_graph(tables)
    assert [d["name"] for _, d in G.nodes(data=True) if d["label"] == "Region"] == ["North"]
    regions = {d["region"] for _, d in G.nodes(data=True) if d["label"] == "Partner"}
    assert regions == {"North", None}


# -- the richer services sheet and the needs sheet ---------------------------------------------


def test_services_records_carry_the_new_columns(files):
    folder = with_partners(
        files,
        funding=[["id", "stream", "recipient_id"], ["F1", "WIOA Adult", "P2"]],
        services=[
            [*SERVICES_HEADER, "languages", "funding_id", "cost"],
            "P1|Childcare assistance|Veterans; Martians|1,200|0|P2; P2||English;Spanish|F1|sliding scale".split("|"),
            ["P2", "Hair braiding", "", "", "", "", "P1", "", "", ""],
        ],
    )
    tables = netmap.read_workbook(folder)
    assert tables.errors == []
    first, second = tables["services"]
    assert {k: first[k] for k in first if k not in ("extra",)} == {
        "_row": 2,
        "partner_id": "P1",
        "service": "Childcare assistance",
        "service_id": "child-care",
        "population": "Veterans; Martians",
        "populations": ("Veterans", "Martians"),
        "population_ids": ("veterans", None),
        "population_id": None,
        "capacity": 1200,
        "waitlist": 0,
        "refers_to": ("P2",),
        "accepts_referrals_from": None,
        "languages": ("English", "Spanish"),
        "funding_id": "F1",
        "cost": "sliding scale",
        "region": None,
        "location": None,
        "eligibility": None,
    }
    assert (second["service_id"], second.get("populations"), second["accepts_referrals_from"]) == (None, None, ("P1",))
    assert [(i.code, i.row, i.column) for i in tables.issues] == [
        ("unknown-population", 2, "population"),
        ("duplicate-party", 2, "refers_to"),
        ("unknown-service", 3, "service"),
    ]


def test_a_row_with_a_bad_count_or_reference_is_left_out_and_the_others_kept(files):
    folder = with_partners(
        files,
        services=[
            SERVICES_HEADER,
            ["P1", "Child care", "", "-1", "", "", ""],
            ["P1", "Transportation", "", "", "", "P7", ""],
            ["P2", "Job placement", "", "30", "4", "P1", "P1"],
        ],
    )
    tables = netmap.read_workbook(folder)
    assert [(i.code, i.row, i.column, i.value) for i in tables.issues] == [
        ("out-of-range", 2, "capacity", "-1"),
        ("unknown-reference", 3, "refers_to", "P7"),
    ]
    assert [r["_row"] for r in tables["services"]] == [4]
    assert tables.row_counts()["services"] == {"read": 3, "used": 1, "left_out": 2}


def test_an_old_three_column_services_sheet_is_matched_without_warnings(files):
    folder = with_partners(
        files, services=[["partner_id", "service", "population"], ["P1", "Mechatronics degree", "Veterans"]]
    )
    tables = netmap.read_workbook(folder)
    assert tables.issues == []
    assert tables["services"][0]["service_id"] is None


@pytest.mark.parametrize(
    ("example", "codes"),
    [
        ("four-state-coalitions", []),
        ("oregon-pathways-alliance", []),
        ("pima-county-211", ["hsds-unmapped", "hsds-unmapped"]),
        ("tucson-behavioral-health", []),
    ],
)
def test_the_examples_read_with_the_issues_they_always_had(example, codes):
    from tests.conftest import EXAMPLES

    tables = netmap.read_workbook(EXAMPLES / example)
    assert [i.code for i in tables.issues] == codes


def test_needs_records(files):
    folder = files.csv(
        {"partners": P_REGIONS, "needs": [NEEDS_HEADER, ["north", "ELL", "2,400"], ["North", "Martians", "0"]]}
    )
    tables = netmap.read_workbook(folder)
    assert [(i.code, i.row, i.column, i.message) for i in tables.issues] == [
        ("region-spelling", 2, "region", "region 'north' is read as 'North', as the partners sheet writes it: the "
         "two differ only in case, spaces or punctuation, so they are one region"),
        ("unknown-population", 3, "population", "'Martians' is not a population the roster knows; it is kept, but "
         "no partner type is expected for it"),
    ]  # fmt: skip
    assert [(r["region"], r["population"], r.get("population_id"), r["count"]) for r in tables["needs"]] == [
        ("North", "ELL", "english-learners", 2400),
        ("North", "Martians", None, 0),
    ]


@pytest.mark.parametrize(
    ("column", "value", "code", "message"),
    [
        ("reliability", "5", "out-of-range", "'5' is outside 1-4; a score is 1 (not at all), 2, 3 or 4"),
        ("openness", "high", "invalid-number", "'high' is not a whole number; a score is 1 (not at all) to 4"),
        ("involvement", "2.5", "out-of-range", "'2.5' is outside 1-4; a score is 1 (not at all), 2, 3 or 4"),
        (
            "frequency",
            "fortnightly",
            "invalid-choice",
            "'fortnightly' is not one of: yearly, quarterly, monthly, weekly, daily",
        ),
        ("reported_by", "Z9", "unknown-reference", "'Z9' is not the id of any partner in the partners sheet"),
    ],
)
def test_survey_cells_are_checked_where_they_are(tmp_path, column, value, code, message):
    from tests.conftest import write_csv_workbook

    partners = [["id", "name", "agency_type"], ["A", "Alpha", "Local WIB"], ["B", "Beta", "Local community colleges"]]
    ties = [["source_id", "target_id", column], ["A", "B", value]]
    tables = netmap.read_workbook(write_csv_workbook(tmp_path / "m", {"partners": partners, "ties": ties}))
    found = [(i.code, i.message, i.sheet, i.row, i.column, i.value) for i in tables.issues]
    assert found == [(code, message, "ties", 2, column, value)]


def test_each_side_of_a_surveyed_tie_is_its_own_row(tmp_path):
    # A,B reported by A and B,A reported by B are two answers, not a repeat or a conflict;
    # the same pair reported twice by one partner with other scores is a conflict (both kept).
    from tests.conftest import write_csv_workbook

    partners = [["id", "name", "agency_type"], ["A", "Alpha", "Local WIB"], ["B", "Beta", "Local community colleges"]]
    ties = [
        ["source_id", "target_id", "reliability", "reported_by"],
        ["A", "B", "4", "A"],
        ["B", "A", "2", "B"],
        ["A", "B", "3", "A"],
    ]
    tables = netmap.read_workbook(write_csv_workbook(tmp_path / "m", {"partners": partners, "ties": ties}))
    assert [(i.code, i.row, i.column) for i in tables.issues] == [("conflicting-rows", 4, "kind")]
    assert [(t["reported_by"], t["reliability"]) for t in tables["ties"]] == [("A", 4), ("B", 2), ("A", 3)]


def test_a_responses_row_names_a_partner_once(tmp_path):
    from tests.conftest import write_csv_workbook

    partners = [["id", "name", "agency_type"], ["A", "Alpha", "Local WIB"]]
    responses = [["partner_id", "answered_on"], ["A", "2026-11-02"], ["B", ""], ["A", "2026-11-02"]]
    tables = netmap.read_workbook(write_csv_workbook(tmp_path / "m", {"partners": partners, "responses": responses}))
    assert [(i.code, i.row, i.column, i.value) for i in tables.issues] == [
        ("unknown-reference", 3, "partner_id", "B"),
        ("duplicate-row", 4, "partner_id", None),
    ]
