"""Write an empty netmap workbook that is pleasant to fill in by hand.

The ``.xlsx`` template has a README sheet, one sheet per netmap sheet with a frozen
header, explained headers (cell comments), sensible column widths, one example row,
and drop-down lists drawn from the roster in use. ``--csv`` writes the same sheets
as CSV files plus a README.txt listing the allowed values.

Examples
--------
>>> import tempfile, pathlib
>>> out = write_template(pathlib.Path(tempfile.mkdtemp()))
>>> out.name
'netmap.xlsx'
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from netmap.errors import UsageError
from netmap.model import (
    AGREEMENT_STATUSES,
    AGREEMENT_TYPES,
    FREQUENCIES,
    FUNDING_SOURCES,
    LEVELS,
    PARTNER_STATUSES,
    ROLE_LEADS,
    SCORES,
    SHEETS,
    TEAMS,
    TIE_KINDS,
)
from netmap.outputs import Inputs, write_file, write_folder
from netmap.roster import Roster, load_roster
from netmap.services import ServiceTaxonomy, load_taxonomy

__all__ = ["EXAMPLE_ROWS", "write_template"]

# One example row per sheet (two partners, so that a tie and an agreement make sense).
# Every value here must validate cleanly: a test checks it.
EXAMPLE_ROWS: dict[str, list[dict[str, str]]] = {
    "partners": [
        {
            "id": "P001",
            "name": "Example Community College",
            "agency_type": "Local community colleges",
            "level": "local",
            "region": "Example Region",
            "team": "leadership",
            "status": "active",
            "website": "https://college.example.org",
            "notes": "Replace these example rows with your partners.",
        },
        {
            "id": "P002",
            "name": "Example Workforce Board",
            "agency_type": "Local WIB",
            "level": "local",
            "region": "Example Region",
            "team": "leadership",
            "status": "active",
        },
    ],
    "roles": [
        {"partner_id": "P001", "role": "Design programs", "notes": "Designs the pathway programs.", "lead": "lead"}
    ],
    "agreements": [
        {
            "id": "A001",
            "parties": "P001;P002",
            "title": "Example pathway MOU",
            "type": "MOU",
            "signed": "2025-07-01",
            "expires": "2027-06-30",
            "status": "active",
        }
    ],
    "funding": [
        {
            "id": "F001",
            "stream": "WIOA Title I Adult",
            "recipient_id": "P001",
            "funder_id": "P002",
            "source": "federal",
            "program": "Pathway tuition",
            "amount": "125000",
            "start": "2025-07-01",
            "end": "2026-06-30",
        }
    ],
    "ties": [
        {
            "source_id": "P001",
            "target_id": "P002",
            "kind": "referral",
            "strength": "2",
            "directed": "no",
            "notes": "Monthly referral meeting.",
            "frequency": "monthly",
        }
    ],
    "services": [
        {
            "partner_id": "P001",
            "service": "Adult basic education",
            "population": "English learners",
            "region": "Example Region",
            "location": "Main campus",
            "capacity": "120",
            "waitlist": "15",
            "eligibility": "Adults without a high school diploma",
            "languages": "English;Spanish",
            "cost": "free",
            "funding_id": "F001",
            "accepts_referrals_from": "P002",
            "refers_to": "P002",
        }
    ],
    "contacts": [
        {
            "partner_id": "P001",
            "name": "Jordan Example",
            "title": "Dean of Workforce Programs",
            "email": "jordan@example.org",
            "phone": "555-0100",
            "champion": "yes",
        }
    ],
    "needs": [{"region": "Example Region", "population": "English learners", "count": "2400"}],
    # Written by netmap merge from returned survey forms; shown so the sheet is not a mystery.
    "responses": [{"partner_id": "P001", "answered_on": "2025-10-01", "form": "intake-P001.xlsx"}],
}

# Words people write in the cost column; any other text is kept as written.
COSTS = ("free", "sliding scale", "fee")


def _choices(roster: Roster, taxonomy: ServiceTaxonomy) -> dict[tuple[str, str], tuple[list[str], bool]]:
    """(sheet, column) -> (allowed values, strict). Non-strict lists still accept aliases."""
    yes_no = ["yes", "no"]
    populations = [p.name for p in roster.populations.values()]
    return {
        ("partners", "agency_type"): ([t.name for t in roster.agency_types.values()], False),
        ("partners", "level"): (list(LEVELS), True),
        ("partners", "team"): (list(TEAMS), True),
        ("partners", "status"): (list(PARTNER_STATUSES), True),
        ("roles", "role"): ([r.name for r in roster.roles.values()], False),
        ("agreements", "type"): (list(AGREEMENT_TYPES), True),
        ("agreements", "status"): (list(AGREEMENT_STATUSES), True),
        ("funding", "source"): (list(FUNDING_SOURCES), True),
        ("ties", "kind"): (list(TIE_KINDS), True),
        ("ties", "strength"): (["1", "2", "3"], True),
        ("ties", "directed"): (yes_no, False),
        ("ties", "frequency"): (list(FREQUENCIES), False),
        **{("ties", score): (["1", "2", "3", "4"], True) for score in SCORES},
        ("roles", "lead"): (list(ROLE_LEADS), False),
        ("services", "service"): ([s.name for s in taxonomy.services.values()], False),
        ("services", "population"): (populations, False),
        ("services", "cost"): (list(COSTS), False),
        ("contacts", "champion"): (yes_no, False),
        ("needs", "population"): (populations, False),
    }


def _readme_lines(roster: Roster, taxonomy: ServiceTaxonomy) -> list[str]:
    lines = [
        "netmap workbook",
        "",
        "Fill in one sheet per kind of thing. Only 'partners' is required; leave other sheets empty if you",
        "have nothing to put there. Replace the example rows (they use ids P001 and P002).",
        "Row 1 of each sheet is the header: keep the column names. Extra columns are kept as attributes.",
        "Identifiers are text: 007 and 7 are two different partners.",
        "Dates are YYYY-MM-DD (or Excel date cells). Amounts are plain numbers. Yes/no cells take yes or no.",
        "Cells with a drop-down accept the listed values; agency types, roles and populations also accept",
        "common alternative names (e.g. 'WIB', 'American Job Center', 'CC').",
        "Services are matched against the service list (e.g. 'GED classes' is Adult basic education); a",
        "service it does not know is kept as written, with a warning.",
        "Cells that take several values (a service's populations, languages, refers_to) separate them",
        "with ';', e.g. 'Veterans;English learners': pick one from the drop-down, then type the rest.",
        "Capacity, waitlist and count are whole numbers. The needs sheet says how many people of a",
        "population live in a region, for seats per 1,000.",
        "The sheets named README and lists belong to the template and are never read as data.",
        "Contacts are personal data: netmap never puts them on a map or report unless asked to.",
        "",
        f"Roster in use: {roster.title} ({roster.name})",
        f"Service list in use: {taxonomy.title} ({taxonomy.name})",
        "",
        "Sheets:",
    ]
    for sheet in SHEETS.values():
        lines.append(f"  {sheet.name}: {sheet.help}")
        for col in sheet.columns:
            need = "required" if col.required else "optional"
            lines.append(f"    - {col.name} ({need}): {col.help}")
    lines += ["", "Check the workbook with:  netmap validate netmap.xlsx"]
    return lines


def write_template(
    folder: str | Path,
    *,
    roster: Roster | None = None,
    taxonomy: ServiceTaxonomy | None = None,
    csv_files: bool = False,
    force: bool = False,
    inputs: Inputs = (),
) -> Path:
    """Write the template into ``folder``; return the workbook (or folder) written.

    Every file is written atomically (see :mod:`netmap.outputs`).

    Parameters
    ----------
    folder : str or Path
        Created if missing. A name ending in ``.xlsx`` is the workbook itself.
    roster : Roster, optional
        Drop-down lists come from it (default ``career-pathways``).
    taxonomy : ServiceTaxonomy, optional
        The services column's drop-down lists its services (default ``career-services``).
    csv_files : bool
        Write one CSV file per sheet (plus README.txt) instead of an ``.xlsx``.
    force : bool
        Overwrite existing files.
    inputs : sequence of (label, path)
        Files the command read (a roster file): never written over.

    Raises
    ------
    UsageError
        A file would be overwritten without ``force``, would overwrite an input, or the folder
        cannot be written.
    """
    roster = roster or load_roster()
    taxonomy = taxonomy or load_taxonomy()
    folder = Path(folder)
    # `netmap init book.xlsx` means that file, not a folder called book.xlsx.
    named_file = folder.suffix.casefold() in (".xlsx", ".xlsm") and not folder.is_dir()
    if named_file and csv_files:
        raise UsageError(f"--csv writes a folder of CSV files; give a folder name, not {folder}")
    if named_file:
        return write_file(folder, _xlsx_bytes(roster, taxonomy), inputs=inputs, force=force, make_folder=True)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    if csv_files:
        files = _csv_files(roster, taxonomy)
        write_folder(folder, files, inputs=inputs, force=force, owned=set(files))
        return folder
    return write_file(
        folder / "netmap.xlsx", _xlsx_bytes(roster, taxonomy), inputs=inputs, force=force, make_folder=True
    )


def _csv_files(roster: Roster, taxonomy: ServiceTaxonomy) -> dict[str, bytes]:
    files = {}
    for name, sheet in SHEETS.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([c.name for c in sheet.columns])
        for row in EXAMPLE_ROWS.get(name, []):
            writer.writerow([row.get(c.name, "") for c in sheet.columns])
        files[f"{name}.csv"] = buffer.getvalue().encode("utf-8")
    lines = [*_readme_lines(roster, taxonomy), "", "Allowed values:"]
    for (sheet, column), (values, strict) in _choices(roster, taxonomy).items():
        note = "" if strict else " (alternative names accepted)"
        lines.append(f"  {sheet}.{column}{note}: " + "; ".join(values))
    files["README.txt"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


def _xlsx_bytes(roster: Roster, taxonomy: ServiceTaxonomy) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    for i, line in enumerate(_readme_lines(roster, taxonomy), start=1):
        readme.cell(row=i, column=1, value=line)
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 110

    # Drop-down values live on a hidden sheet: inline lists are capped at 255 characters.
    lists = wb.create_sheet("lists")
    choices = _choices(roster, taxonomy)
    ranges: dict[tuple[str, str], str] = {}
    for col_index, ((sheet, column), (values, _)) in enumerate(choices.items(), start=1):
        letter = get_column_letter(col_index)
        lists.cell(row=1, column=col_index, value=f"{sheet}.{column}")
        for row_index, value in enumerate(values, start=2):
            lists.cell(row=row_index, column=col_index, value=value)
        ranges[(sheet, column)] = f"lists!${letter}$2:${letter}${len(values) + 1}"
    lists.sheet_state = "hidden"

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    for name, sheet in SHEETS.items():
        ws = wb.create_sheet(name)
        for col_index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=col_index, value=column.name)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="center")
            need = "Required." if column.required else "Optional."
            cell.comment = Comment(f"{need} {column.help}", "netmap", width=260, height=90)
            ws.column_dimensions[get_column_letter(col_index)].width = column.width
        ws.freeze_panes = "A2"
        for row_index, row in enumerate(EXAMPLE_ROWS.get(name, []), start=2):
            for col_index, column in enumerate(sheet.columns, start=1):
                value: Any = row.get(column.name)
                if value is None:
                    continue
                if column.kind == "count":
                    ws.cell(row=row_index, column=col_index, value=int(value))  # a number, as a person types it
                else:
                    # Typed as text: an id like 007 must stay 007.
                    ws.cell(row=row_index, column=col_index, value=value).number_format = "@"
        for col_index, column in enumerate(sheet.columns, start=1):
            if (name, column.name) not in ranges:
                continue
            _, strict = choices[(name, column.name)]
            dv = DataValidation(
                type="list",
                formula1=f"={ranges[(name, column.name)]}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="stop" if strict else "warning",
                errorTitle="netmap",
                error="Pick a value from the list."
                if strict
                else "Not in the list. netmap accepts common alternative names; check with netmap validate.",
            )
            letter = get_column_letter(col_index)
            dv.add(f"{letter}2:{letter}5000")
            ws.add_data_validation(dv)
    wb.active = wb.sheetnames.index("partners")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
