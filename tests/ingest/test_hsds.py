"""The HSDS 3.0 import: a hand-made package in, partners, services, funding and issues out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netmap
from netmap.errors import UsageError
from netmap.ingest.hsds import is_hsds, mapping_template, read_hsds
from netmap.ingest.hsds_mapping import HsdsMapping, load_mapping
from netmap.roster import load_roster
from tests.conftest import EXAMPLES

EXAMPLES_TUCSON = EXAMPLES / "tucson-behavioral-health"

ROSTER = load_roster()


def test_is_hsds_wants_a_datapackage(tmp_path, hsds_pima):
    assert is_hsds(hsds_pima)
    assert is_hsds(hsds_pima / "datapackage.json")
    assert not is_hsds(hsds_pima / "organizations.csv")
    assert not is_hsds(tmp_path)


@pytest.mark.parametrize(
    ("pid", "name", "agency_type_id", "level", "region"),
    [
        ("org-cc", "Pima Community College", "local-community-colleges", "local", "Pima"),
        ("org-ajc", "Pima County One-Stop", "local-workforce-agencies", "local", "Pima"),  # Tucson -> Pima
        ("org-des", "Arizona DES", "state-human-service-agency", "state", None),  # a state agency has no region
        ("org-gw", "Goodwill of Southern Arizona", "local-community-based-organizations", "local", "Pima"),
        ("org-gwy", "Goodwill Youth Works", "local-community-based-organizations", "local", None),
    ],
)
def test_organisations_become_partners(hsds_pima, pid, name, agency_type_id, level, region):
    tables = netmap.read_workbook(hsds_pima)
    partner = {p["id"]: p for p in tables["partners"]}[pid]
    assert (partner["name"], partner["agency_type_id"], partner["level"], partner["region"]) == (
        name,
        agency_type_id,
        level,
        region,
    )


def test_the_pima_package_imports_whole(hsds_pima):
    tables = netmap.read_workbook(hsds_pima)
    assert tables.ok
    assert [p["id"] for p in tables["partners"]] == ["org-cc", "org-ajc", "org-des", "org-gw", "org-gwy"]
    assert [(s["partner_id"], s["service"], s.get("population_id")) for s in tables["services"]] == [
        ("org-cc", "Adult basic education", "english-learners"),
        ("org-ajc", "Job search help", None),
        ("org-des", "Cash assistance", "tanf-recipients"),
        ("org-gw", "Job training", None),
        # No service of the taxonomy is called "Summer youth jobs": its "Job Training" term names one.
        ("org-gwy", "Occupational training", None),
    ]
    assert tables["services"][4]["extra"]["service_name"] == "Summer youth jobs"
    # fund-2 names only a service: the money goes to the service's organisation.
    assert [(f["id"], f["stream"], f["recipient_id"], f["program"]) for f in tables["funding"]] == [
        ("fund-1", "WIOA Title I Adult", "org-ajc", None),
        ("fund-2", "WIOA Title II", "org-cc", "Adult basic education"),
    ]
    assert [(t["source_id"], t["target_id"], t["kind"]) for t in tables["ties"]] == [
        ("org-gwy", "org-gw", "governance")
    ]
    partner = tables["partners"][0]
    # The organisation's own terms, then its services'.
    assert partner["extra"]["hsds_terms"] == (
        "Community Colleges (HH-0500.8000-150); English as a Second Language (HH-0500.1800)"
    )
    assert tables["services"][4]["extra"]["status"] == "inactive"


def test_rows_keep_their_hsds_file_and_row(hsds_pima):
    tables = netmap.read_workbook(hsds_pima)
    assert Path(tables.files["partners"]).name == "organizations.csv"
    assert Path(tables.files["funding"]).name == "funding.csv"
    assert [p["_row"] for p in tables["partners"]] == [2, 3, 4, 5, 6]
    assert [f["_row"] for f in tables["funding"]] == [2, 3]


def test_the_unmapped_organisation_is_reported_with_what_leaves_with_it(hsds_pima):
    tables = netmap.read_workbook(hsds_pima)
    (issue,) = tables.issues
    assert issue.code == "hsds-unmapped"
    assert issue.severity == "warning"
    assert (Path(issue.file).name, issue.sheet, issue.row, issue.column, issue.value) == (
        "organizations.csv",
        "organizations",
        7,
        "id",
        "org-food",
    )
    assert issue.message == (
        "organisation 'Community Food Bank' is not imported: its terms (Food Pantries (XF-1800)) map to "
        "no agency type; 1 service and 1 funding row are left out with it"
    )
    assert "add one of its terms under 'agency_types:' in the mapping file" in issue.suggestions


def test_the_package_builds_a_graph_and_analyses(hsds_pima):
    from netmap.analysis.gaps import roster_gaps

    G = netmap.read_graph(hsds_pima)
    assert G.graph["roster"] == "career-pathways"
    result = roster_gaps(G).to_dict()
    pima = {t["agency_type_id"]: t["status"] for t in result["types"] if t["region"] == "Pima"}
    assert pima["local-community-colleges"] == "present"
    assert pima["local-workforce-agencies"] == "present"
    assert pima["local-community-based-organizations"] == "present"
    assert pima["local-wib"] == "missing"


def test_without_a_mapping_roster_names_and_the_shipped_211_mapping_are_understood(make_hsds):
    tables = netmap.read_workbook(make_hsds(mapping=None))
    # "Community Colleges" is a roster alias; ND (Employment) and NL (Public Assistance) are
    # 211 sections the shipped mapping knows; the made-up XF code is nothing.
    assert {p["id"]: (p["agency_type_id"], p["extra"]["agency_type_share"]) for p in tables["partners"]} == {
        "org-cc": ("local-community-colleges", "0.50"),
        "org-ajc": ("local-workforce-agencies", "1.00"),
        "org-des": ("local-human-service-agencies", "1.00"),
        "org-gw": ("local-workforce-agencies", "1.00"),
        "org-gwy": ("local-workforce-agencies", "1.00"),
    }
    unmapped = [i.value for i in tables.issues if i.code == "hsds-unmapped"]
    assert unmapped == ["org-food"]


def test_without_the_shipped_mappings_only_roster_names_are_understood(make_hsds):
    tables = netmap.read_workbook(make_hsds(mapping="shipped: false\n"))
    assert [p["id"] for p in tables["partners"]] == ["org-cc"]  # "Community Colleges" is a roster alias
    unmapped = [i.value for i in tables.issues if i.code == "hsds-unmapped"]
    assert unmapped == ["org-ajc", "org-des", "org-gw", "org-gwy", "org-food"]
    # The Goodwill Youth tie and services of unmapped organisations are not reported again.
    assert {i.code for i in tables.issues} == {"hsds-unmapped"}


def test_the_mapping_can_name_an_organisations_type(make_hsds):
    folder = make_hsds(mapping=make_hsds.mapping + "organizations:\n  org-food: Community-based organization\n")
    tables = netmap.read_workbook(folder)
    assert tables.issues == []
    assert {p["id"]: p["agency_type_id"] for p in tables["partners"]}["org-food"] == (
        "local-community-based-organizations"
    )


def test_a_mapping_passed_in_wins_over_the_one_in_the_package(tmp_path, hsds_pima):
    other = tmp_path / "other.yaml"
    other.write_text("shipped: false\nagency_types:\n  Food Pantries: Faith-based organization\n", encoding="utf-8")
    tables = netmap.read_workbook(hsds_pima, mapping=other)
    assert [p["id"] for p in tables["partners"]] == ["org-cc", "org-food"]


def test_identifiers_stay_text(make_hsds):
    def ids(tables):
        tables["organizations"] = [
            {"id": "007", "name": "Seven A"},
            {"id": "7", "name": "Seven B"},
        ]
        tables["services"], tables["funding"], tables["attributes"] = [], [], []
        tables["attributes"] = [
            {"id": "x1", "link_id": "007", "taxonomy_term_id": "t-cc", "link_entity": "organization"},
            {"id": "x2", "link_id": "7", "taxonomy_term_id": "t-cc", "link_entity": "organization"},
        ]

    tables = netmap.read_workbook(make_hsds(ids))
    assert [p["id"] for p in tables["partners"]] == ["007", "7"]


def _drop(table: str, index: int, **values):
    def change(tables):
        tables[table][index].update(values)

    return change


@pytest.mark.parametrize(
    ("change", "code", "file", "row", "column", "value", "message"),
    [
        (
            _drop("services", 1, organization_id="org-nope"),
            "hsds-unknown-reference",
            "services.csv",
            3,
            "organization_id",
            "org-nope",
            "organization 'org-nope' is not in organizations.csv",
        ),
        (
            _drop("funding", 0, organization_id="", service_id=""),
            "hsds-unknown-reference",
            "funding.csv",
            2,
            "organization_id",
            None,
            "the funding row names neither an organization nor a service",
        ),
        (
            _drop("funding", 1, service_id="svc-gone"),
            "hsds-unknown-reference",
            "funding.csv",
            3,
            "service_id",
            "svc-gone",
            "service 'svc-gone' is not in services.csv",
        ),
        (
            _drop("funding", 0, source=""),
            "hsds-missing-value",
            "funding.csv",
            2,
            "source",
            None,
            "the funding row has no source, so it names no funding stream",
        ),
        (
            _drop("organizations", 2, id=""),
            "hsds-missing-id",
            "organizations.csv",
            4,
            "id",
            None,
            "the organizations row has no id",
        ),
        (
            _drop("organizations", 3, id="org-cc"),
            "hsds-duplicate-id",
            "organizations.csv",
            5,
            "id",
            "org-cc",
            "id 'org-cc' is used again (first on row 2); each organizations row needs its own id",
        ),
        (
            _drop("attributes", 0, taxonomy_term_id="t-none"),
            "hsds-unknown-reference",
            "attributes.csv",
            2,
            "taxonomy_term_id",
            "t-none",
            "taxonomy term 't-none' is not in taxonomy_terms.csv",
        ),
        (
            _drop("attributes", 1, link_id="svc-none"),
            "hsds-unknown-reference",
            "attributes.csv",
            3,
            "link_id",
            "svc-none",
            "the attribute links to service 'svc-none', which is not in services.csv",
        ),
        (
            _drop("organizations", 0, name=""),
            "empty-required",
            "organizations.csv",
            2,
            "name",
            None,
            None,  # the workbook validator's own message, located in the HSDS file
        ),
    ],
    ids=[
        "service-org",
        "funding-nothing",
        "funding-service",
        "funding-source",
        "org-id",
        "org-duplicate",
        "attribute-term",
        "attribute-link",
        "org-name",
    ],
)
def test_bad_rows_are_reported_with_file_and_row(make_hsds, change, code, file, row, column, value, message):
    tables = netmap.read_workbook(make_hsds(change))
    found = [i for i in tables.issues if i.code == code]
    assert len(found) == 1, [str(i) for i in tables.issues]
    issue = found[0]
    assert issue.severity == "error"
    assert not tables.ok
    assert (Path(issue.file).name, issue.row, issue.column, issue.value) == (file, row, column, value)
    if message:
        assert issue.message == message


def test_all_bad_rows_are_reported_at_once(make_hsds):
    def many(tables):
        tables["services"][1]["organization_id"] = "org-nope"
        tables["funding"][0]["source"] = ""
        tables["attributes"][0]["taxonomy_term_id"] = "t-none"

    tables = netmap.read_workbook(make_hsds(many))
    assert sorted(i.code for i in tables.errors) == [
        "hsds-missing-value",
        "hsds-unknown-reference",
        "hsds-unknown-reference",
    ]


def test_a_missing_parent_is_a_warning(make_hsds):
    tables = netmap.read_workbook(make_hsds(_drop("organizations", 4, parent_organization_id="org-x")))
    (issue,) = [i for i in tables.issues if i.column == "parent_organization_id"]
    assert (issue.code, issue.severity, issue.row, issue.value) == ("hsds-unknown-reference", "warning", 6, "org-x")
    assert tables["ties"] == []


def test_a_tie_is_decided_by_the_organisations_own_terms(make_hsds):
    def two(tables):
        tables["attributes"].append(
            {"id": "at10", "link_id": "svc-abe", "taxonomy_term_id": "t-train", "link_entity": "service"}
        )

    # College (its own term) 1, community-based organisation (a service's term) 1, ESL nothing:
    # the organisation's own term decides, with its share of the three term uses.
    tables = netmap.read_workbook(make_hsds(two))
    college = tables["partners"][0]
    assert (college["agency_type_id"], college["extra"]["agency_type_share"]) == ("local-community-colleges", "0.33")
    assert [i for i in tables.issues if i.code in ("hsds-type-tie", "hsds-unmapped") and i.value == "org-cc"] == []


def test_missing_required_column(make_hsds):
    folder = make_hsds()
    text = (folder / "services.csv").read_text(encoding="utf-8").replace("organization_id", "org", 1)
    (folder / "services.csv").write_text(text, encoding="utf-8")
    tables = netmap.read_workbook(folder)
    (issue,) = [i for i in tables.issues if i.code == "hsds-missing-column"]
    assert (Path(issue.file).name, issue.row, issue.column) == ("services.csv", 1, "organization_id")
    assert issue.message == "services.csv has no 'organization_id' column, which HSDS 3.0 requires"


def test_a_broken_datapackage_falls_back_to_the_standard_names(make_hsds):
    folder = make_hsds()
    (folder / "datapackage.json").write_text("{not json", encoding="utf-8")
    tables = netmap.read_workbook(folder)
    (issue,) = [i for i in tables.issues if i.code == "hsds-bad-datapackage"]
    assert issue.severity == "warning"
    assert issue.message.startswith("datapackage.json cannot be read as JSON")
    assert len(tables["partners"]) == 5


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", "https://example.org/orgs.csv"])
def test_resources_outside_the_package_are_refused(make_hsds, path):
    folder = make_hsds()
    package = json.loads((folder / "datapackage.json").read_text())
    package["resources"][0]["path"] = path
    (folder / "datapackage.json").write_text(json.dumps(package))
    tables = netmap.read_workbook(folder)
    codes = [i.code for i in tables.errors]
    assert codes == ["hsds-bad-resource", "hsds-missing-resource"]
    bad = tables.errors[0]
    assert (bad.row, bad.column, bad.value) == (1, "path", path)


def test_mapping_entries_the_roster_does_not_know(make_hsds):
    mapping = make_hsds.mapping.replace("ND-3500: American Job Center", "ND-3500: Job Centre Plus")
    tables = netmap.read_workbook(make_hsds(mapping=mapping))
    (issue,) = [i for i in tables.issues if i.code == "hsds-bad-mapping"]
    assert (Path(issue.file).name, issue.sheet, issue.row, issue.column, issue.value) == (
        "netmap-mapping.yaml",
        "agency_types",
        4,
        "nd 3500",
        "Job Centre Plus",
    )
    assert issue.message == (
        "the mapping says 'nd 3500' is 'Job Centre Plus', which is not an agency type of the career-pathways roster"
    )
    assert issue.suggestions


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colours: {}\n", "line 1: unknown section 'colours'"),
        ("levels:\n  TANF: county\n", "line 2: level 'county' is not one of state, regional, local, national"),
        ("- a\n- b\n", "line 1: the mapping file must be a YAML mapping"),
        ("agency_types: [a, b]\n", "line 1: agency_types must map keys to values"),
        ("region_from: zip\n", "line 1: region_from 'zip' is not an address field"),
        ("agency_types: {a: [b]}\n", "line 1: agency_types: each entry is one 'key: value' line"),
        ("level: county\n", "line 1: level 'county' is not one of"),
        ("agency_types:\n  a: b\n c: d\n", "not a readable YAML mapping file"),
    ],
)
def test_bad_mapping_files_are_usage_errors(tmp_path, text, message):
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_mapping(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_mapping_keys_are_loose_and_blank_entries_ignored(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "agency_types:\n  Job Training: American Job Center\n  Food Pantries:\norganizations:\n  '007': CBO\n"
        "region_from: [city, region]\nlevel: regional\nmatch_roster: false\n",
        encoding="utf-8",
    )
    m = load_mapping(path)
    assert m == HsdsMapping(
        agency_types={"job training": "American Job Center"},
        organizations={"007": "CBO"},
        region_from=("city", "region"),
        level="regional",
        match_roster=False,
        source=str(path),
        lines={("agency_types", "job training"): 2, ("organizations", "007"): 5},
    )


def test_a_mapping_for_a_workbook_is_a_usage_error(small_workbook, tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("level: local\n", encoding="utf-8")
    with pytest.raises(UsageError, match="applies to HSDS packages only"):
        netmap.read_workbook(small_workbook, mapping=path)


def test_the_mapping_template_lists_every_term_and_reads_back(make_hsds, tmp_path):
    def odd_term(tables):
        tables["taxonomy_terms"].append({"id": "t-odd", "code": 'X: "#1"', "name": "Odd: # term\nwith a break"})

    folder = make_hsds(odd_term, mapping=None)
    text = mapping_template(folder, roster=ROSTER)
    assert '"HH-0500.8000-150": "Local community colleges"    # Community Colleges - used 1 time(s)' in text
    assert '"ND-6500":     # Job Training - used 2 time(s); shipped mapping: workforce agency' in text
    assert '"NL-6000.8000":     # TANF - used 2 time(s)' in text
    assert '"HH-0500.1800": "English learners"' not in text  # "English as a Second Language" is no roster name
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_mapping(path)
    assert loaded.agency_types == {"hh 0500 8000 150": "Local community colleges"}
    assert loaded.populations == {"nl 6000 8000": "TANF recipients"}
    # Filled in, the template imports what the user named.
    filled = text.replace('"ND-6500": ', '"ND-6500": "Community-based organization"')
    path.write_text(filled, encoding="utf-8")
    tables = read_hsds(folder, roster=ROSTER, mapping=path)
    types = {p["id"]: p["agency_type_id"] for p in tables["partners"]}
    # What the user named wins over the shipped 211 mapping (ND: workforce agency); the rest keeps it.
    assert types == {
        "org-cc": "local-community-colleges",
        "org-ajc": "local-workforce-agencies",
        "org-des": "local-human-service-agencies",
        "org-gw": "local-community-based-organizations",
        "org-gwy": "local-community-based-organizations",
    }


# -- the command line -------------------------------------------------------------------------


def _cli(*args):
    from typer.testing import CliRunner

    from netmap.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})


@pytest.mark.parametrize(
    ("command", "expect"),
    [
        (["validate"], "5 partners"),
        (["gaps", "--json"], '"agency_type_id": "local-wib"'),
        (["brokers", "--json"], '"betweenness"'),
        (["regions", "--json"], '"region": "Pima"'),
        (["analyze", "--json"], '"scorecard"'),
    ],
)
def test_every_command_reads_an_hsds_package(hsds_pima, command, expect):
    result = _cli(command[0], hsds_pima, *command[1:])
    assert result.exit_code == 0, result.output
    assert expect in result.stdout
    # Warnings are listed by validate (and suggest); the analyses print results only.
    assert ("hsds-unmapped" in result.output) == (command[0] == "validate")


@pytest.mark.parametrize(("command", "name"), [("map", "map.html"), ("report", "report.html")])
def test_maps_and_reports_of_an_hsds_package(hsds_pima, tmp_path, command, name):
    out = tmp_path / name
    result = _cli(command, hsds_pima, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Pima Community College" in out.read_text(encoding="utf-8")


def test_export_of_an_hsds_package_is_a_netmap_workbook(hsds_pima, tmp_path):
    out = tmp_path / "pima-workbook"
    result = _cli("export", hsds_pima, "-o", out, "--format", "workbook")
    assert result.exit_code == 0, result.output
    tables = netmap.read_workbook(out)
    assert tables.ok
    assert [p["id"] for p in tables["partners"]] == ["org-cc", "org-ajc", "org-des", "org-gw", "org-gwy"]


def test_the_global_mapping_option(hsds_pima, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("shipped: false\nagency_types:\n  Food Pantries: Faith-based organization\n", encoding="utf-8")
    result = _cli("--mapping", other, "validate", hsds_pima, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["counts"]["partners"] == 2
    # A mapping for a workbook is ignored: it only applies to HSDS packages.
    assert _cli("--mapping", other, "validate", EXAMPLES_TUCSON).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("level: county\n", encoding="utf-8")
    result = _cli("--mapping", bad, "validate", hsds_pima)
    assert result.exit_code == 2
    assert "level 'county' is not one of" in result.stderr


def test_bad_hsds_rows_exit_1_with_their_location(make_hsds):
    folder = make_hsds(_drop("services", 1, organization_id="org-nope"))
    result = _cli("validate", folder, "--json")
    assert result.exit_code == 1
    (issue,) = [i for i in json.loads(result.stdout)["issues"] if i["severity"] == "error"]
    assert (issue["code"], Path(issue["file"]).name, issue["row"], issue["column"]) == (
        "hsds-unknown-reference",
        "services.csv",
        3,
        "organization_id",
    )


def test_hsds_mapping_command(make_hsds, tmp_path):
    folder = make_hsds(mapping=None)
    printed = _cli("hsds-mapping", folder)
    assert printed.exit_code == 0
    assert '"ND-6500":' in printed.stdout
    out = folder / "netmap-mapping.yaml"
    result = _cli("hsds-mapping", folder, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"netmap validate {folder}" in result.stderr
    assert load_mapping(out).agency_types == {"hh 0500 8000 150": "Local community colleges"}
    again = _cli("hsds-mapping", folder, "-o", out)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert _cli("hsds-mapping", folder, "-o", out, "--force").exit_code == 0
    not_hsds = _cli("hsds-mapping", tmp_path)
    assert not_hsds.exit_code == 2 and "not an HSDS package" in not_hsds.stderr


def test_every_hsds_code_is_asserted_here():
    from netmap.errors import ISSUE_CODES

    # The codes of the older layouts are asserted in test_hsds_layouts.py.
    layouts = (Path(__file__).parent / "test_hsds_layouts.py").read_text(encoding="utf-8")
    text = layouts + Path(__file__).read_text(encoding="utf-8")
    hsds = [code for code in ISSUE_CODES if code.startswith("hsds-")]
    assert len(hsds) == 12
    # Each code is compared against an issue somewhere above (as a quoted literal in an assertion).
    assert [code for code in hsds if f'"{code}"' not in text.split("def test_every_hsds_code")[0]] == []


def test_the_standards_singular_resource_names(make_hsds):
    # HSDS 3.0's own datapackage.json names resources in the singular ("organization").
    folder = make_hsds()
    package = json.loads((folder / "datapackage.json").read_text())
    singular = {"organizations": "organization", "services": "service", "locations": "location",
                "addresses": "address", "attributes": "attribute", "taxonomy_terms": "taxonomy_term"}  # fmt: skip
    for resource in package["resources"]:
        resource["name"] = singular.get(resource["name"], resource["name"])
    (folder / "datapackage.json").write_text(json.dumps(package))
    tables = netmap.read_workbook(folder)
    assert tables.ok
    assert len(tables["partners"]) == 5 and len(tables["services"]) == 5
