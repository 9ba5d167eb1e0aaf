"""Shared helpers: write small hand-made workbooks as real files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# The local agency types the Tucson example lacks (its README says so; several tests check it).
TUCSON_MISSING_LOCAL = (
    "Local WIB",
    "Local TANF providers",
    "Local human service agencies",
    "Local economic development agency",
    "Local secondary education providers",
    "Local universities",
    "Public companies",
)


def write_csv_workbook(folder: Path, sheets: dict[str, list[list[str]]]) -> Path:
    """Write ``{sheet: [header, row, row, ...]}`` as one CSV file per sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


@pytest.fixture
def small_workbook(tmp_path: Path) -> Path:
    """Five partners, one of each kind of row; the numbers in test_build are worked from it."""
    return write_csv_workbook(
        tmp_path / "small",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "team", "Board seat"],
                ["P1", "Pima Community College", "CC", "local", "Pima", "leadership", "yes"],
                ["P2", "Pima One Stop", "American Job Center", "local", "Pima", "leadership", ""],
                ["P3", "Arizona DES", "State human service agency", "state", "", "leadership", ""],
                ["P4", "Desert Diamond Casino", "Private businesses", "local", "Pima", "stakeholder", ""],
                ["007", "Tucson Indian Center", "CBO", "local", "Pima", "leadership", ""],
            ],
            "roles": [
                ["partner_id", "role"],
                ["P1", "Design programs"],
                ["P2", "LMI"],
                ["P4", "Advise (advisory committee)"],
            ],
            "agreements": [
                ["id", "parties", "type", "signed", "expires"],
                ["A1", "P1;P2;007", "MOU", "2024-01-15", "2026-12-31"],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id", "amount", "start", "end"],
                ["F1", "WIOA Title I Adult", "P2", "P3", "250000", "2025-07-01", "2026-06-30"],
                ["F2", "WIOA Title I Adult", "007", "P3", "$30,000", "2025-07-01", "2026-06-30"],
            ],
            "ties": [
                ["source_id", "target_id", "kind", "strength"],
                ["P1", "P2", "referral", "2"],
                ["P2", "P1", "collaboration", "3"],
                ["P4", "P1", "advisory", "1"],
            ],
            "services": [
                ["partner_id", "service", "population"],
                ["P1", "Adult basic education", "English learners"],
                ["007", "Case management", "Native Americans"],
                ["007", "Case management", "Healthcare workers"],
            ],
            "contacts": [
                ["partner_id", "name", "email", "champion"],
                ["007", "Jordan Example", "jordan@example.org", "yes"],
            ],
        },
    )
