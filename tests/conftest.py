"""Shared helpers: write small hand-made workbooks as real files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import netmap

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The bundled example workbooks: every folder of examples/ but Python's own (__pycache__, made
# there whenever bytecode is written) and hidden ones.
EXAMPLE_DIRS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))

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


def libreoffice_convert(files: list[Path], outdir: Path, target: str, *, profile: Path) -> list[Path]:
    """Convert ``files`` with headless LibreOffice, as a user's spreadsheet saves them.

    ``target`` is LibreOffice's ``--convert-to`` argument (``"xlsx"``, ``"pdf"``, or a CSV
    filter such as ``"csv:Text - txt - csv (StarCalc):59,34,76"``). Each run has its own
    ``profile`` folder, so tests running side by side never share one. Skipped where
    LibreOffice is not installed, and a failure on CI, which installs it (scripts/test.sh).
    """
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("no LibreOffice on this CI machine: scripts/test.sh installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    command = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--convert-to", target]
    subprocess.run([*command, "--outdir", str(outdir), *map(str, files)], check=True, capture_output=True, timeout=180)
    suffix = "." + target.split(":")[0]
    return [outdir / (Path(f).stem + suffix) for f in files]


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


# -- Open Referral HSDS 3.0 packages (column names as in the HSDS 3.0 tabular schema) ------

HSDS_COLUMNS = {
    "organizations": ["id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id",
                      "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id"],
    "services": ["id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email",
                 "status", "interpretation_services", "application_process", "fees_description", "wait_time", "fees",
                 "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date",
                 "assurer_email", "licenses", "alert", "last_modified"],
    "funding": ["id", "organization_id", "service_id", "source"],
    "locations": ["id", "location_type", "url", "organization_id", "name", "alternate_name", "description",
                  "transportation", "latitude", "longitude", "external_identifier", "external_identifier_type"],
    "addresses": ["id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
                  "postal_code", "country", "address_type"],
    "service_at_location": ["id", "service_id", "location_id", "description"],
    "attributes": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
    "taxonomy_terms": ["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id",
                       "term_uri"],
}  # fmt: skip


def write_hsds(folder: Path, tables: dict[str, list[dict[str, str]]], *, datapackage: bool = True) -> Path:
    """Write an HSDS tabular package: one CSV per table (every HSDS column, blanks where not given)."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, HSDS_COLUMNS[name])
            writer.writeheader()
            writer.writerows(rows)
    if datapackage:
        package = {
            "name": "hand-made-hsds",
            "profile": "tabular-data-package",
            "resources": [{"name": n, "path": f"{n}.csv", "profile": "tabular-data-resource"} for n in tables],
        }
        (folder / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    return folder


# Pima County, as a 211 directory would list it: six organisations described by taxonomy
# terms (made-up codes), one of which (the food bank) is no agency type of the roster.
HSDS_PIMA = {
    "organizations": [
        {"id": "org-cc", "name": "Pima Community College", "website": "https://pima.example", "description": "College"},
        {"id": "org-ajc", "name": "Pima County One-Stop"},
        {"id": "org-des", "name": "Arizona DES"},
        {"id": "org-gw", "name": "Goodwill of Southern Arizona"},
        {"id": "org-gwy", "name": "Goodwill Youth Works", "parent_organization_id": "org-gw"},
        {"id": "org-food", "name": "Community Food Bank"},
    ],
    "services": [
        {"id": "svc-abe", "organization_id": "org-cc", "name": "Adult basic education", "status": "active"},
        {"id": "svc-jobs", "organization_id": "org-ajc", "name": "Job search help", "status": "active"},
        {"id": "svc-tanf", "organization_id": "org-des", "name": "Cash assistance", "status": "active"},
        {"id": "svc-train", "organization_id": "org-gw", "name": "Job training", "status": "active"},
        {"id": "svc-youth", "organization_id": "org-gwy", "name": "Summer youth jobs", "status": "inactive"},
        {"id": "svc-food", "organization_id": "org-food", "name": "Food boxes", "status": "active"},
    ],
    "funding": [
        {"id": "fund-1", "organization_id": "org-ajc", "source": "WIOA Title I Adult"},
        {"id": "fund-2", "service_id": "svc-abe", "source": "WIOA Title II"},
        {"id": "fund-3", "organization_id": "org-food", "source": "County general fund"},
    ],
    "locations": [
        {"id": "loc-cc", "organization_id": "org-cc", "name": "Downtown campus", "location_type": "physical"},
        {"id": "loc-ajc", "organization_id": "org-ajc", "name": "Kino office", "location_type": "physical"},
        {"id": "loc-des", "organization_id": "org-des", "name": "Phoenix HQ", "location_type": "physical"},
        {"id": "loc-gw", "name": "Goodwill centre", "location_type": "physical"},
    ],
    "addresses": [
        {"id": "a1", "location_id": "loc-cc", "address_1": "1255 N Stone Ave", "city": "Tucson", "region": "Pima",
         "state_province": "AZ", "postal_code": "85709", "country": "US", "address_type": "physical"},
        {"id": "a2", "location_id": "loc-ajc", "address_1": "2797 E Ajo Way", "city": "Tucson",
         "state_province": "AZ", "postal_code": "85713", "country": "US", "address_type": "physical"},
        {"id": "a3", "location_id": "loc-des", "address_1": "1717 W Jefferson St", "city": "Phoenix",
         "region": "Maricopa", "state_province": "AZ", "postal_code": "85007", "country": "US",
         "address_type": "physical"},
        {"id": "a4", "location_id": "loc-gw", "address_1": "1940 E Silverlake Rd", "city": "Tucson",
         "state_province": "AZ", "postal_code": "85713", "country": "US", "address_type": "postal"},
    ],
    "service_at_location": [{"id": "sal-1", "service_id": "svc-train", "location_id": "loc-gw"}],
    "taxonomy_terms": [
        {"id": "t-cc", "code": "HH-0500.8000-150", "name": "Community Colleges", "taxonomy": "demo"},
        {"id": "t-jobs", "code": "ND-3500", "name": "Job Search/Placement", "taxonomy": "demo"},
        {"id": "t-tanf", "code": "NL-6000.8000", "name": "TANF", "taxonomy": "demo"},
        {"id": "t-train", "code": "ND-6500", "name": "Job Training", "taxonomy": "demo"},
        {"id": "t-esl", "code": "HH-0500.1800", "name": "English as a Second Language", "taxonomy": "demo"},
        {"id": "t-food", "code": "XF-1800", "name": "Food Pantries", "taxonomy": "demo"},
    ],
    "attributes": [
        {"id": "at1", "link_id": "org-cc", "taxonomy_term_id": "t-cc", "link_entity": "organization"},
        {"id": "at2", "link_id": "svc-abe", "taxonomy_term_id": "t-esl", "link_entity": "service"},
        {"id": "at3", "link_id": "svc-jobs", "taxonomy_term_id": "t-jobs", "link_entity": "service"},
        {"id": "at4", "link_id": "org-des", "taxonomy_term_id": "t-tanf", "link_entity": "organization"},
        {"id": "at5", "link_id": "svc-tanf", "taxonomy_term_id": "t-tanf", "link_entity": "service"},
        {"id": "at6", "link_id": "org-gw", "taxonomy_term_id": "t-train", "link_entity": "organization"},
        {"id": "at7", "link_id": "svc-youth", "taxonomy_term_id": "t-train", "link_entity": "service"},
        {"id": "at8", "link_id": "org-food", "taxonomy_term_id": "t-food", "link_entity": "organization"},
        {"id": "at9", "link_id": "loc-cc", "taxonomy_term_id": "t-food", "link_entity": "location"},
    ],
}  # fmt: skip

# The mapping a Pima user writes: codes or names, agency types as they would write them.
HSDS_PIMA_MAPPING = """\
level: local
region_from: [region, city]
agency_types:
  ND-3500: American Job Center
  TANF: State human service agency
  job training: Community-based organization
populations:
  HH-0500.1800: English learners
  TANF: TANF recipients
levels:
  NL-6000.8000: state
regions:
  Tucson: Pima
"""


@pytest.fixture
def hsds_pima(tmp_path: Path) -> Path:
    """The Pima HSDS package with its mapping file saved beside it as netmap-mapping.yaml."""
    folder = write_hsds(tmp_path / "pima-211", HSDS_PIMA)
    (folder / "netmap-mapping.yaml").write_text(HSDS_PIMA_MAPPING, encoding="utf-8")
    return folder


@pytest.fixture
def make_hsds(tmp_path: Path):
    """``make_hsds(change=None, mapping=HSDS_PIMA_MAPPING, name="pkg")``: the Pima package, changed first.

    ``change`` gets a deep copy of the tables to edit; ``mapping=None`` writes no mapping file.
    """
    import copy

    def make(change=None, mapping: str | None = HSDS_PIMA_MAPPING, name: str = "pkg") -> Path:
        tables = copy.deepcopy(HSDS_PIMA)
        if change:
            change(tables)
        folder = write_hsds(tmp_path / name, tables)
        if mapping is not None:
            (folder / "netmap-mapping.yaml").write_text(mapping, encoding="utf-8")
        return folder

    make.mapping = HSDS_PIMA_MAPPING
    return make


@pytest.fixture
def make_graph(tmp_path):
    """Build a graph from {sheet: rows}; each call gets its own folder."""
    counter = iter(range(1000))

    def make(sheets, **options):
        return netmap.read_graph(write_csv_workbook(tmp_path / f"map{next(counter)}", sheets), **options)

    return make


@pytest.fixture
def rows_path(monkeypatch):
    """The rows path on, whatever the environment says, for tests of that path (under
    ``NETMAP_GRAPH_PATH=1`` every analysis reads the graph, so the graph is built)."""
    from netmap.graphcache import GRAPH_PATH

    monkeypatch.delenv(GRAPH_PATH, raising=False)
