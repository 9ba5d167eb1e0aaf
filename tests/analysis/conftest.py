"""Hand-drawn maps for the analysis tests, written as real CSV workbooks.

The "six" map (categories in brackets; F -> B is a directed tie):

    A[edu] - B[wf] - C[edu] - D[emp]
             ^        \\      /
           F[wf]        E[emp]

Expected numbers in the tests are worked out by hand from this picture.
"""

from __future__ import annotations

import pytest

import netmap
from tests.analysis.maps import generated_maps  # noqa: F401 - a fixture: generated maps of both shapes
from tests.conftest import write_csv_workbook

SIX = {
    "partners": [
        ["id", "name", "agency_type", "level", "region", "team"],
        ["A", "Alpha College", "Local community colleges", "local", "North", "leadership"],
        ["B", "Beta Workforce Board", "Local WIB", "local", "North", "leadership"],
        ["C", "Gamma College", "Local community colleges", "local", "North", "leadership"],
        ["D", "Delta Manufacturing", "Private businesses", "local", "North", "stakeholder"],
        ["E", "Epsilon Health", "Private businesses", "local", "North", "operations"],
        ["F", "Foxtrot Job Center", "American Job Center", "local", "North", "operations"],
    ],
    "ties": [
        ["source_id", "target_id", "kind", "directed"],
        ["A", "B", "collaboration", "no"],
        ["B", "C", "collaboration", "no"],
        ["C", "D", "advisory", "no"],
        ["D", "E", "collaboration", "no"],
        ["C", "E", "collaboration", "no"],
        ["F", "B", "referral", "yes"],
    ],
}


@pytest.fixture
def six(tmp_path):
    return netmap.read_graph(write_csv_workbook(tmp_path / "six", SIX))


# The "two regions" map: a state team without a region, North and West.
# S2 sits on the leadership team with no ties; N3 (TANF) is tied to no one, so it is
# peripheral; P1 is only prospective and X1 a former partner: neither fills a gap.
TWO = {
    "partners": [
        ["id", "name", "agency_type", "level", "region", "team", "status"],
        ["S1", "State Labor Department", "State workforce agency", "state", "", "leadership", "active"],
        ["S2", "State Human Services", "State human service agency", "state", "", "leadership", "active"],
        ["N1", "North WIB", "Local WIB", "local", "North", "leadership", "active"],
        ["N2", "North College", "Local community colleges", "local", "North", "leadership", "active"],
        ["N3", "North TANF Office", "Local TANF providers", "local", "North", "stakeholder", "active"],
        ["N4", "North Hospital", "Private businesses", "local", "North", "stakeholder", "active"],
        ["W1", "West WIB", "Local WIB", "local", "West", "leadership", ""],
        ["P1", "North EDC", "Local economic development agency", "local", "North", "", "prospective"],
        ["X1", "West Adult School", "Local adult basic education providers", "local", "West", "", "former"],
    ],
    "ties": [
        ["source_id", "target_id", "kind"],
        ["S1", "N1", "governance"],
        ["N1", "N2", "collaboration"],
        ["N2", "N4", "advisory"],
        ["W1", "S1", "governance"],
    ],
    "roles": [
        ["partner_id", "role"],
        ["N1", "Provide labor market information"],
        ["N1", "Engage employers"],
        ["N2", "Design programs"],
        ["N3", "Recruit and make referrals"],
        ["N4", "Advise (advisory committee)"],
        ["S1", "Coordinate the partnership (intermediary)"],
    ],
    "agreements": [
        ["id", "parties", "type", "signed", "expires"],
        ["M1", "N1;N2;S1", "MOU", "2024-07-01", "2027-06-30"],
        ["M2", "N2;N4", "MOU", "2024-07-01", "2026-12-15"],
        ["M3", "S1;W1", "MOU", "2023-07-01", "2025-06-30"],
    ],
    "funding": [
        ["id", "stream", "recipient_id", "funder_id", "source", "amount", "start", "end"],
        ["F1", "WIOA Title I Adult", "N1", "S1", "federal", "500000", "2025-07-01", "2027-06-30"],
        ["F2", "WIOA Title I Adult", "W1", "S1", "federal", "300000", "2025-07-01", "2027-03-31"],
        ["F3", "Perkins V", "N2", "S1", "state", "200000", "2025-07-01", "2028-06-30"],
        ["F4", "Adult Education and Family Literacy Act", "N2", "", "federal", "", "", ""],
        ["F5", "Community Foundation grant", "N1", "", "philanthropic", "100000", "2026-01-01", "2026-12-31"],
    ],
    "services": [
        ["partner_id", "service", "population"],
        ["N2", "Adult basic education", "People with disabilities"],
        ["W1", "Job search assistance", "TANF recipients"],
    ],
}

AS_OF = "2026-11-24"


@pytest.fixture
def two(tmp_path):
    return netmap.read_graph(write_csv_workbook(tmp_path / "two", TWO))
