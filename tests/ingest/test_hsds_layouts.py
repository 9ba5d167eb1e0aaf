"""Real directory layouts in: HSDS 3.0, 2.0 and 1.1 packages and an Ohana CSV folder, written here.

The four folders describe the same four organisations (a job centre, an adult school, a state
agency and a hair salon with one stray benefits term) in each layout's own file and column names
(those of the Open Referral descriptors and of the ohana-api CSV format), and must read to the
same partners and services rows.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import netmap
from netmap.errors import UsageError
from netmap.ingest.hsds import public_level, read_hsds
from netmap.ingest.hsds_layouts import detect_layout
from netmap.ingest.hsds_mapping import check_mapping, load_regions, shipped_mapping
from netmap.roster import load_roster
from netmap.services import load_taxonomy

ROSTER = load_roster()

# Open Eligibility terms (their real codes and names) and four made-up beauty terms.
TERMS = [
    ("110", "Work", ""),
    ("110-01", "Help Find Work", "110"),
    ("110-01-01", "Job Placement", "110-01"),
    ("109", "Education", ""),
    ("109-03", "More Education", "109"),
    ("109-03-06", "GED/High-School Equivalency", "109-03"),
    ("109-03-03", "English as a Second Language (ESL)", "109-03"),
    ("107", "Money", ""),
    ("107-03", "Government Benefits", "107"),
    ("107-03-02", "Food Benefits", "107-03"),
    ("900-1", "Hair Cuts", ""),
    ("900-2", "Nail Care", ""),
    ("900-3", "Skin Care", ""),
    ("900-4", "Hair Colouring", ""),
]
ORGS = [
    ("o1", "Northfield Job Center", "https://jobs.example"),
    ("o2", "Riverside Adult School", ""),
    ("o3", "Arizona Department of Economic Security", ""),
    ("o4", "Glamour Hair Studio", ""),
]
LOCATIONS = [
    ("l1", "o1", "Northfield office", "Northfield"),
    ("l2", "o2", "Main campus", "Riverside"),
    ("l3", "o3", "Phoenix office", "Phoenix"),
    ("l4", "o4", "Salon", "Northfield"),
]
# id, organisation, location, name, terms, eligibility, languages, fees
SERVICES = [
    ("s1", "o1", "l1", "Job search help", ["110-01-01"], "Adults 18 and over", ["English", "Spanish"], "Free"),
    ("s2", "o2", "l2", "Evening classes", ["109-03-06"], "", ["English"], "Sliding scale"),
    ("s3", "o2", "l2", "ESL classes", ["109-03-03"], "", [], ""),
    ("s4", "o3", "l3", "Cash assistance", ["107-03"], "Families with children", [], ""),
    ("s5", "o4", "l4", "Salon services", ["900-1", "900-2", "900-3", "900-4", "107-03-02"], "", [], "Fee"),
]
REGIONS = {"Northfield": "North", "Riverside": "South"}


def _write(folder: Path, tables: dict[str, list[dict[str, str]]], package: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        header = list(dict.fromkeys(k for row in rows for k in row)) or ["id"]
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(rows)
    if package is not None:
        (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return folder


def _resources(version: str, names: dict[str, str]) -> dict:
    return {
        "name": "human_services_data",
        "version": version,
        "profile": "tabular-data-package",
        "resources": [{"name": n, "path": f"{f}.csv"} for n, f in names.items()],
    }


def hsds30(folder: Path) -> Path:
    tables = {
        "organizations": [{"id": i, "name": n, "website": w} for i, n, w in ORGS],
        "services": [
            {
                "id": s,
                "organization_id": o,
                "name": n,
                "status": "active",
                "eligibility_description": e,
                "fees_description": f,
            }
            for s, o, _l, n, _t, e, _g, f in SERVICES
        ],
        "locations": [{"id": i, "organization_id": o, "name": n} for i, o, n, _c in LOCATIONS],
        "addresses": [
            {"id": f"a-{i}", "location_id": i, "city": c, "state_province": "AZ", "address_type": "physical"}
            for i, _o, _n, c in LOCATIONS
        ],
        "service_at_location": [{"id": f"sal-{s}", "service_id": s, "location_id": loc} for s, _o, loc, *_ in SERVICES],
        "taxonomy_terms": [
            {"id": c, "code": c, "name": n, "parent_id": p, "taxonomy": "open-eligibility"} for c, n, p in TERMS
        ],
        "attributes": [
            {"id": f"{s}-{t}", "link_id": s, "taxonomy_term_id": t, "link_entity": "service", "link_type": ""}
            for s, _o, _l, _n, terms, *_ in SERVICES
            for t in terms
        ],
        "languages": [{"id": f"{s}-{g}", "service_id": s, "name": g} for s, *_r, langs, _f in SERVICES for g in langs],
    }
    names = {"organization": "organizations"} | {t: t for t in tables if t != "organizations"}
    return _write(folder, tables, _resources("3.0.0", names))


def hsds20(folder: Path, *, draft: bool = False) -> Path:
    """HSDS 2.0.1 (draft=False) or a 1.1 export keeping the earlier draft's taxonomy files."""
    tables = {
        "organizations": [{"id": i, "name": n, "url": w} for i, n, w in ORGS],
        "services": [
            {"id": s, "organization_id": o, "name": n, "status": "active", "fees": f}
            for s, o, _l, n, _t, _e, _g, f in SERVICES
        ],
        "locations": [{"id": i, "organization_id": o, "name": n} for i, o, n, _c in LOCATIONS],
        "physical_addresses": [
            {"id": f"a-{i}", "location_id": i, "address_1": "1 Main St", "city": c, "state_province": "AZ"}
            for i, _o, _n, c in LOCATIONS
        ],
        "services_at_location": [
            {"id": f"sal-{s}", "service_id": s, "location_id": loc} for s, _o, loc, *_ in SERVICES
        ],
        "eligibility": [
            {"id": f"e-{s}", "service_id": s, "eligibility": e} for s, _o, _l, _n, _t, e, *_ in SERVICES if e
        ],
        "languages": [
            {"id": f"{s}-{g}", "service_id": s, "language": g} for s, *_r, langs, _f in SERVICES for g in langs
        ],
    }
    links = [(s, t) for s, _o, _l, _n, terms, *_ in SERVICES for t in terms]
    if draft:
        tables["taxonomy"] = [
            {"id": c, "name": n, "parent_id": p, "vocabulary": "open-eligibility"} for c, n, p in TERMS
        ]
        tables["services_taxonomy"] = [{"id": f"{s}-{t}", "service_id": s, "taxonomy_id": t} for s, t in links]
        version = "1.1"
    else:
        tables["taxonomy_terms"] = [
            {"id": c, "term": n, "parent_id": p, "taxonomy": "open-eligibility"} for c, n, p in TERMS
        ]
        tables["service_attributes"] = [{"id": f"{s}-{t}", "service_id": s, "taxonomy_term_id": t} for s, t in links]
        version = "2.0.1"
    singular = {
        "organizations": "organization",
        "services": "service",
        "locations": "location",
        "physical_addresses": "physical_address",
        "services_at_location": "service_at_location",
        "taxonomy_terms": "taxonomy_term",
        "service_attributes": "service_attribute",
        "languages": "language",
    }
    return _write(folder, tables, _resources(version, {singular.get(t, t): t for t in tables}))


def ohana(folder: Path) -> Path:
    tables = {
        "organizations": [{"id": i, "name": n, "website": w, "accreditations": ""} for i, n, w in ORGS],
        "locations": [{"id": i, "organization_id": o, "name": n, "languages": ""} for i, o, n, _c in LOCATIONS],
        "addresses": [
            {
                "id": f"a-{i}",
                "location_id": i,
                "address_1": "1 Main St",
                "city": c,
                "state_province": "AZ",
                "postal_code": "85000",
                "country": "US",
            }
            for i, _o, _n, c in LOCATIONS
        ],
        "services": [
            {
                "id": s,
                "location_id": loc,
                "name": n,
                "eligibility": e,
                "fees": f,
                "languages": ", ".join(g),
                "keywords": "help, jobs",
                "status": "active",
                "taxonomy_ids": ",".join(t),
            }
            for s, _o, loc, n, t, e, g, f in SERVICES
        ],
        "taxonomy": [{"taxonomy_id": c, "name": n, "parent_id": p, "parent_name": ""} for c, n, p in TERMS],
    }
    return _write(folder, tables)


LAYOUT_WRITERS = {"3.0": hsds30, "2.0": hsds20, "1.1": lambda f: hsds20(f, draft=True), "ohana": ohana}


def _rows(tables) -> tuple[list, list]:
    """Partners and services rows as compared: every column but the row number and the terms' labels."""
    partners = [
        {k: v for k, v in p.items() if k != "_row"}
        | {"extra": {k: v for k, v in p["extra"].items() if k != "hsds_terms"}}
        for p in tables["partners"]
    ]
    services = [{k: v for k, v in s.items() if k != "_row"} for s in tables["services"]]
    return partners, services


def _cell(record: dict, column: str) -> object:
    """A services column, whether the validator knows it (a list for languages) or keeps it as an extra."""
    value = record.get(column) or record["extra"].get(column) or None
    return "; ".join(value) if isinstance(value, list | tuple) else value


EXPECTED_PARTNERS = [
    # id, agency type, level, region, share
    ("o1", "local-workforce-agencies", "local", "North", "1.00"),
    ("o2", "local-adult-basic-education-providers", "local", "South", "1.00"),
    ("o3", "state-human-service-agency", "state", None, "1.00"),  # a state agency by its name
]
# partner, service (the taxonomy's name when the directory's is not one), region, location,
# eligibility, languages, cost, directory name
EXPECTED_SERVICES = [
    ("o1", "Job search help", "North", "Northfield office", "Adults 18 and over", "English; Spanish", "Free", None),
    ("o2", "Adult basic education", "South", "Main campus", None, "English", "Sliding scale", "Evening classes"),
    ("o2", "ESL classes", "South", "Main campus", None, None, None, None),
    # A state agency's office is in no one region, as the agency itself.
    ("o3", "Cash assistance", None, "Phoenix office", "Families with children", None, None, None),
]


@pytest.mark.parametrize("layout", ["3.0", "2.0", "1.1", "ohana"])
def test_every_layout_reads_to_the_same_rows(tmp_path, layout):
    folder = LAYOUT_WRITERS[layout](tmp_path / layout)
    tables = read_hsds(folder, roster=ROSTER, regions=REGIONS)
    got = [
        (p["id"], p["agency_type_id"], p["level"], p["region"], p["extra"]["agency_type_share"])
        for p in tables["partners"]
    ]
    assert got == EXPECTED_PARTNERS
    extra = ("region", "location", "eligibility", "languages", "cost", "service_name")
    services = [(s["partner_id"], s["service"], *(_cell(s, k) for k in extra)) for s in tables["services"]]
    assert services == EXPECTED_SERVICES
    # The salon's one benefits term among five is 20%, under the 25% a type needs.
    (salon,) = [i for i in tables.issues if i.code == "hsds-unmapped"]
    assert (salon.value, salon.row, Path(salon.file).name) == ("o4", 5, "organizations.csv")
    assert salon.message == (
        "organisation 'Glamour Hair Studio' is not imported: its most frequent type, Local human service "
        "agencies, covers 1 of its 5 term uses (20%), under the 25% netmap needs; 1 service is left out with it"
    )


def test_the_four_layouts_read_to_equal_rows(tmp_path):
    read = {
        name: _rows(read_hsds(w(tmp_path / name), roster=ROSTER, regions=REGIONS)) for name, w in LAYOUT_WRITERS.items()
    }
    assert read["2.0"] == read["3.0"]
    assert read["1.1"] == read["3.0"]
    assert read["ohana"] == read["3.0"]


@pytest.mark.parametrize(
    ("stems", "version", "expected"),
    [
        ({"organizations", "services", "attributes"}, None, "3.0"),
        ({"organizations", "services", "physical_addresses"}, "2.0.1", "2.0"),
        ({"organizations", "services", "services_taxonomy", "taxonomy"}, "2.0.1", "1.1"),  # files decide
        ({"organizations", "services"}, "1.1", "1.1"),
        ({"organizations", "services"}, None, "3.0"),
    ],
)
def test_the_layout_is_detected_from_the_files_then_the_version(stems, version, expected):
    assert detect_layout(stems, version).version == expected


def test_a_datapackage_whose_paths_are_wrong_reads_the_files_beside_it(tmp_path):
    folder = hsds30(tmp_path / "moved")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        resource["path"] = f"data/{resource['path']}"
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    tables = read_hsds(folder, roster=ROSTER, regions=REGIONS)
    assert [p["id"] for p in tables["partners"]] == ["o1", "o2", "o3"]
    # One warning for the whole package, at the first resource moved.
    (first,) = [i for i in tables.issues if i.code == "hsds-moved-resource"]
    assert (Path(first.file).name, first.row, first.column, first.value, first.severity) == (
        "datapackage.json",
        1,
        "path",
        "data/organizations.csv",
        "warning",
    )
    assert first.message == (
        "resource 'organization' says its file is 'data/organizations.csv', which is not there; "
        "netmap reads organizations.csv beside datapackage.json instead (and so for 7 more resource(s): "
        "services, locations, addresses, service_at_location, taxonomy_terms, attributes, languages)"
    )


def test_an_ohana_folder_is_a_directory_source(tmp_path):
    folder = ohana(tmp_path / "ohana")
    assert netmap.is_hsds(folder)
    tables = netmap.read_workbook(folder)
    assert [p["id"] for p in tables["partners"]] == ["o1", "o2", "o3"]
    # A netmap CSV workbook is no Ohana folder, though it may have a services.csv.
    assert not netmap.is_hsds(tmp_path)


def test_capacity_comes_from_service_capacity(tmp_path):
    folder = hsds30(tmp_path / "cap")
    _write(
        folder,
        {
            "service_capacity": [
                {"id": "c1", "service_id": "s1", "maximum": "40", "available": "12"},
                {"id": "c2", "service_id": "s1", "maximum": "", "available": "5"},
            ]
        },
    )
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"].append({"name": "service_capacity", "path": "service_capacity.csv"})
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    tables = read_hsds(folder, roster=ROSTER)
    first = tables["services"][0]
    assert (first.get("capacity") or first["extra"].get("capacity")) in (45, "45")


# -- an organisation's type from all its services' terms ----------------------------------------


def _typed(tmp_path: Path, services: dict[str, list[list[str]]]) -> object:
    """An HSDS 3.0 package of organisations named by ``services``' keys, each service with its term codes."""
    orgs = list(services)
    tables = {
        "organizations": [{"id": f"o{i}", "name": name} for i, name in enumerate(orgs, 1)],
        "services": [
            {"id": f"o{i}-s{j}", "organization_id": f"o{i}", "name": f"Service {j}"}
            for i, name in enumerate(orgs, 1)
            for j in range(1, len(services[name]) + 1)
        ],
        "taxonomy_terms": [{"id": c, "code": c, "name": n, "parent_id": p} for c, n, p in TERMS],
        "attributes": [
            {"id": f"o{i}-s{j}-{t}", "link_id": f"o{i}-s{j}", "taxonomy_term_id": t, "link_entity": "service"}
            for i, name in enumerate(orgs, 1)
            for j, terms in enumerate(services[name], 1)
            for t in terms
        ],
    }
    folder = _write(tmp_path / "typed", tables, _resources("3.0", {t: t for t in tables}))
    return read_hsds(folder, roster=ROSTER)


def test_the_type_most_services_map_to_wins_with_its_share(tmp_path):
    tables = _typed(tmp_path, {"Mixed Works": [["110-01-01"], ["110-01-01"], ["107-03-02"]]})
    (partner,) = tables["partners"]
    # The two job-placement services are one services row; the benefits service another.
    assert [(s["service"], s["extra"]["hsds_id"]) for s in tables["services"]] == [
        ("Job placement", "o1-s1; o1-s2"),
        ("Public benefits", "o1-s3"),
    ]
    # Two job-placement services of three: a workforce agency, by 2 of 3 term uses.
    assert (partner["agency_type_id"], partner["extra"]["agency_type_share"]) == ("local-workforce-agencies", "0.67")
    assert tables.issues == []


def test_a_tie_is_reported_with_its_candidates_and_not_imported(tmp_path):
    tables = _typed(tmp_path, {"Tie House": [["110-01-01"], ["107-03"]]})
    assert tables["partners"] == []
    (issue,) = [i for i in tables.issues if i.code.startswith("hsds-")]
    assert (issue.code, issue.severity, Path(issue.file).name, issue.row, issue.column, issue.value) == (
        "hsds-type-tie",
        "warning",
        "organizations.csv",
        2,
        "id",
        "o1",
    )
    assert issue.message == (
        "organisation 'Tie House' is not imported: its terms map as often to Local human service agencies "
        "(1 of 2) as to Local workforce agencies (1 of 2), and netmap does not choose between them"
    )
    assert issue.suggestions == (
        "name its type under 'organizations:' in the mapping file: o1: Local human service agencies",
        "name its type under 'organizations:' in the mapping file: o1: Local workforce agencies",
    )


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        # One stray benefits term among a salon's four beauty terms: 1 of 5 (20%), no type.
        ([["900-1", "900-2"], ["900-3", "900-4", "107-03-02"]], None),
        # One of four (25%) is just enough.
        ([["900-1", "900-2"], ["900-3", "107-03-02"]], ("local-human-service-agencies", "0.25")),
        # Terms with no type at all.
        ([["900-1"], ["900-2"]], None),
    ],
)
def test_a_type_needs_a_quarter_of_all_term_uses(tmp_path, terms, expected):
    tables = _typed(tmp_path, {"Glamour Hair Studio": terms})
    got = [(p["agency_type_id"], p["extra"]["agency_type_share"]) for p in tables["partners"]]
    assert got == ([expected] if expected else [])
    assert [i.code for i in tables.issues if i.code.startswith("hsds-")] == ([] if expected else ["hsds-unmapped"])


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("U.S. Department of Labor", "national"),
        ("US Small Business Administration", "national"),
        ("United States Department of Veterans Affairs", "national"),
        ("Federal Bonding Program", "national"),
        ("State of Arizona", "state"),
        ("Arizona Department of Economic Security", "state"),
        ("New Mexico Workforce Solutions Department", "state"),
        ("Texas Workforce Commission", "state"),
        ("Ohio Rehabilitation Services Commission", "state"),
        ("Department of Labor", "state"),
        ("Pima County Department of Health", None),
        ("City of Tucson Housing Department", None),
        ("Goodwill of Southern Arizona", None),
        ("Arizona State University", None),
        ("Statewide Legal Aid", None),
    ],
)
def test_public_agency_names_set_the_level(name, level):
    assert public_level(name) == level


def test_a_state_agency_by_name_takes_the_state_type(tmp_path):
    tables = _typed(tmp_path, {"Texas Workforce Commission": [["110-01-01"]]})
    (partner,) = tables["partners"]
    assert (partner["level"], partner["agency_type_id"]) == ("state", "state-workforce-agency")


# -- the region file -----------------------------------------------------------------------------


def test_a_region_file_places_directory_organisations(tmp_path):
    regions = tmp_path / "regions.csv"
    regions.write_text("county,city,region\n,Northfield,North\nRiverside County,,South\n", encoding="utf-8")
    assert load_regions(regions) == {"northfield": "North", "riverside": "South"}
    folder = hsds30(tmp_path / "pkg")
    tables = read_hsds(folder, roster=ROSTER, regions=regions)
    assert {p["id"]: p["region"] for p in tables["partners"]} == {"o1": "North", "o2": "South", "o3": None}


def test_the_mapping_file_may_name_the_region_file(tmp_path):
    folder = hsds30(tmp_path / "pkg")
    (folder / "regions.csv").write_text("city,region\nNorthfield,North\nRiverside,South\n", encoding="utf-8")
    (folder / "netmap-mapping.yaml").write_text("region_file: regions.csv\n", encoding="utf-8")
    # As every command reads it: the package alone.
    tables = netmap.read_workbook(folder)
    assert {p["id"]: p["region"] for p in tables["partners"]} == {"o1": "North", "o2": "South", "o3": None}
    (folder / "netmap-mapping.yaml").write_text("shipped: true\nregion_file: nowhere.csv\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"line 2: region_file 'nowhere\.csv': no such file beside the mapping file"):
        netmap.read_workbook(folder)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the region file is empty"),
        ("place,area\nTucson,Pima\n", "line 1: the region file needs a 'region' column"),
        ("city,region\nTucson,\n", "line 2: each line names a place and its region"),
    ],
)
def test_a_bad_region_file_is_a_usage_error(tmp_path, text, message):
    regions = tmp_path / "regions.csv"
    regions.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_regions(regions)


# -- the shipped term mappings --------------------------------------------------------------------


def test_the_shipped_mappings_name_roster_types_and_taxonomy_services():
    mapping = shipped_mapping()
    taxonomy = load_taxonomy()
    assert check_mapping(mapping, ROSTER) == []
    assert [v for v in mapping.services.values() if v not in taxonomy.services] == []
    # Open Eligibility's top levels and the 211 taxonomy's sections, by name and by code.
    assert {k: mapping.agency_types[k] for k in ("work", "education", "care", "money", "legal", "n", "h")} == {
        "work": "workforce agency",
        "education": "adult education agency",
        "care": "human services",
        "money": "human services",
        "legal": "community-based organization",
        "n": "workforce agency",
        "h": "adult education agency",
    }
    assert mapping.agency_types["income support and employment"] == "workforce agency"


def test_a_211_code_is_mapped_by_its_section(tmp_path):
    tables = {
        "organizations": [{"id": "o1", "name": "Job Hub"}],
        "services": [{"id": "s1", "organization_id": "o1", "name": "Hub services"}],
        "taxonomy_terms": [{"id": "t1", "code": "ND-3500.3600", "name": "Job Search/Placement"}],
        "attributes": [{"id": "a1", "link_id": "s1", "taxonomy_term_id": "t1", "link_entity": "service"}],
    }
    folder = _write(tmp_path / "airs", tables, _resources("3.0", {t: t for t in tables}))
    result = read_hsds(folder, roster=ROSTER)
    (partner,) = result["partners"]
    assert partner["agency_type_id"] == "local-workforce-agencies"
    # "Hub services" is no service of the taxonomy: the ND section names one.
    assert result["services"][0]["service"] == "Job placement"


def test_the_users_mapping_wins_over_the_shipped_one(tmp_path):
    folder = hsds30(tmp_path / "pkg")
    (folder / "netmap-mapping.yaml").write_text(
        "agency_types:\n  Job Placement: American Job Center\n", encoding="utf-8"
    )
    tables = read_hsds(folder, roster=ROSTER)
    assert tables["partners"][0]["agency_type_id"] == "local-workforce-agencies"
    (folder / "netmap-mapping.yaml").write_text("agency_types:\n  Job Placement: Reentry services\n", encoding="utf-8")
    tables = read_hsds(folder, roster=ROSTER)
    assert tables["partners"][0]["agency_type_id"] == "reentry-services"


def test_a_mapping_services_entry_must_name_a_taxonomy_service(tmp_path):
    folder = hsds30(tmp_path / "pkg")
    (folder / "netmap-mapping.yaml").write_text(
        "services:\n  Job Placement: Occupational training\n  Money: palmistry\n", encoding="utf-8"
    )
    tables = read_hsds(folder, roster=ROSTER)
    (issue,) = [i for i in tables.issues if i.code == "hsds-bad-mapping"]
    assert (Path(issue.file).name, issue.sheet, issue.row, issue.column, issue.value) == (
        "netmap-mapping.yaml",
        "services",
        3,
        "money",
        "palmistry",
    )
    assert issue.message == "the mapping says 'money' is 'palmistry', which is not a service of the service taxonomy"


def test_the_regions_option_places_directory_organisations_for_every_command(tmp_path):
    from typer.testing import CliRunner

    from netmap.cli import app

    folder = hsds30(tmp_path / "pkg")
    regions = tmp_path / "regions.csv"
    regions.write_text("city,region\nNorthfield,North\nRiverside,South\n", encoding="utf-8")
    out = tmp_path / "book"
    result = CliRunner().invoke(
        app, ["--regions", str(regions), "export", str(folder), "--format", "workbook", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert netmap.read_workbook(out)["partners"] and {
        p["id"]: p["region"] for p in netmap.read_workbook(out)["partners"]
    } == {"o1": "North", "o2": "South", "o3": None}
    # A command reading a workbook and a directory (suggest, report --directory) applies the
    # file to the directory only; the library refuses it for a workbook.
    result = CliRunner().invoke(app, ["--regions", str(regions), "validate", str(out)])
    assert result.exit_code == 0, result.output
    with pytest.raises(UsageError, match="--regions applies to directories only"):
        netmap.read_workbook(out, regions=regions)
