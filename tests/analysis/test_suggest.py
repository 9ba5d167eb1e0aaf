"""netmap.analysis.suggest: candidates per gap in order, and explained introductions."""

from __future__ import annotations

import json
import math

import networkx as nx
import pytest

import netmap
from netmap.analysis.suggest import suggest
from tests.conftest import EXAMPLES, write_csv_workbook


@pytest.fixture
def north_south(tmp_path):
    """Three regions; North and South are tied (N1-S2), West is tied to no other region.

    Categories: workforce {S1, N2}, education {N1, S2, W1}, CBOs {N3}, employers {S3}.
    """
    folder = write_csv_workbook(
        tmp_path / "map",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "team"],
                ["S1", "State Workforce Agency", "State workforce agency", "state", "", "leadership"],
                ["N1", "North College", "CC", "local", "North", "leadership"],
                ["N2", "North Job Centre", "American Job Center", "local", "North", ""],
                ["N3", "North CBO", "CBO", "local", "North", ""],
                ["S2", "South College", "CC", "local", "South", ""],
                ["S3", "South Plastics", "Private businesses", "local", "South", ""],
                ["W1", "West College", "CC", "local", "West", ""],
            ],
            "ties": [
                ["source_id", "target_id"],
                ["N1", "S1"],
                ["N2", "N1"],
                ["N1", "S2"],
                ["N3", "N2"],
                ["S3", "S2"],
                ["S2", "S1"],
            ],
        },
    )
    return netmap.read_graph(folder)


@pytest.fixture
def directory(tmp_path):
    folder = write_csv_workbook(
        tmp_path / "directory",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region"],
                ["D1", "North Workforce Board", "Local WIB", "local", "North"],
                ["D2", "South Workforce Board", "Local WIB", "local", "South"],
                ["D3", "West Workforce Board", "Local WIB", "local", "West"],
                ["D4", "Roaming Workforce Board", "Local WIB", "local", ""],
                ["D5", "north college", "CC", "local", "North"],  # a partner already, by name
                ["N2", "Renamed Job Centre", "American Job Center", "local", "North"],  # by id
                ["D7", "Alpha Workforce Board", "Local WIB", "local", "north"],  # region case differs
                ["D8", "State Board", "State WIB", "state", ""],
            ]
        },
    )
    tables = netmap.read_workbook(folder)
    assert tables.ok
    return tables


def _gap(result, agency_type_id, region):
    return next(g for g in result.gaps if g.agency_type_id == agency_type_id and g.region == region)


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        # In the region (by name), then near (South's partners have a tie with North's), then no region.
        ("North", [("D7", "in region"), ("D1", "in region"), ("D2", "near"), ("D4", "region not given")]),
        ("South", [("D2", "in region"), ("D7", "near"), ("D1", "near"), ("D4", "region not given")]),
        # West is tied to no other region: only its own and the unplaced board.
        ("West", [("D3", "in region"), ("D4", "region not given")]),
    ],
)
def test_candidates_in_order(north_south, directory, region, expected):
    gap = _gap(suggest(north_south, directory), "local-wib", region)
    assert [(c.id, c.nearness) for c in gap.candidates] == expected
    assert gap.more == 0


def test_reasons_say_why(north_south, directory):
    gap = _gap(suggest(north_south, directory), "local-wib", "North")
    assert [c.reason for c in gap.candidates] == [
        "in North",  # written "north": validation gives a region its first spelling
        "in North",
        "in South, whose partners have 1 tie with North's",
        "the directory gives no region",
    ]
    assert [c.source_row for c in gap.candidates] == [8, 2, 3, 5]


def test_anywhere_adds_unconnected_regions_last(north_south, directory):
    gap = _gap(suggest(north_south, directory, anywhere=True), "local-wib", "North")
    assert [(c.id, c.nearness) for c in gap.candidates][-1] == ("D3", "elsewhere")


def test_top_cuts_and_counts_the_rest(north_south, directory):
    gap = _gap(suggest(north_south, directory, top=2), "local-wib", "North")
    assert [c.id for c in gap.candidates] == ["D7", "D1"]
    assert gap.more == 2


def test_state_gaps_take_state_candidates(north_south, directory):
    gap = _gap(suggest(north_south, directory), "state-wib", None)
    assert [c.id for c in gap.candidates] == ["D8"]
    assert [c.reason for c in gap.candidates] == ["statewide"]
    # The state workforce agency is there: no gap, so nobody is proposed for it.
    assert not [g for g in suggest(north_south, directory).gaps if g.agency_type_id == "state-workforce-agency"]


def test_partners_already_are_not_proposed(north_south, directory):
    result = suggest(north_south, directory)
    assert [(a["id"], a["partner_id"]) for a in result.already_partners] == [("D5", "N1"), ("N2", "N2")]
    assert result.directory == {"rows": 8, "already_partners": 2, "candidates": 6, "used": 6}
    proposed = {c.id for g in result.gaps for c in g.candidates}
    assert not proposed & {"D5", "N2"}


def test_expected_regions_with_nobody_get_every_local_type(north_south, directory):
    result = suggest(north_south, directory, expected=["East", "North"])
    east = [g for g in result.gaps if g.region == "East"]
    assert len(east) == 22 - 9  # every local type of the roster
    assert [c.id for c in _gap(result, "local-wib", "East").candidates] == ["D4"]


def test_holes_widest_first_with_explained_introductions(north_south):
    result = suggest(north_south, [])
    assert [(h.category_a, h.category_b, h.ties, h.density) for h in result.holes] == [
        ("Education", "CBOs", 0, 0.0),  # 3 x 1 possible ties, none
        ("Workforce Development", "Employers", 0, 0.0),  # 2 x 1
        ("CBOs", "Employers", 0, 0.0),  # 1 x 1
    ]
    first, second, third = result.holes
    assert [i.to_dict() for i in first.introductions] == [
        {
            "source": "N1",
            "source_name": "North College",
            "target": "N3",
            "target_name": "North CBO",
            "shared": 1,
            "shared_names": ["North Job Centre"],
            "adamic_adar": round(1 / math.log(2), 6),
            "explanation": "North College and North CBO share 1 partner but have no tie",
        }
    ]
    assert [(i.source, i.target, i.adamic_adar) for i in second.introductions] == [
        ("S1", "S3", round(1 / math.log(3), 6))
    ]
    assert third.introductions == []


def test_more_shared_partners_rank_first(tmp_path):
    folder = write_csv_workbook(
        tmp_path / "m",
        {
            "partners": [
                ["id", "name", "agency_type"],
                ["X", "Xenon Inc", "Private businesses"],
                ["Y1", "Yew College", "CC"],
                ["Y2", "Aspen College", "CC"],
                ["Z1", "Job Centre One", "American Job Center"],
                ["Z2", "Job Centre Two", "American Job Center"],
            ],
            "ties": [["source_id", "target_id"], ["X", "Z1"], ["X", "Z2"], ["Y1", "Z1"], ["Y1", "Z2"], ["Y2", "Z2"]],
        },
    )
    G = netmap.read_graph(folder)
    hole = next(h for h in suggest(G, [], holes=10).holes if {h.category_a, h.category_b} == {"Education", "Employers"})
    assert [(i.source, i.target, i.shared) for i in hole.introductions] == [("Y1", "X", 2), ("Y2", "X", 1)]
    assert hole.introductions[0].explanation == "Yew College and Xenon Inc share 2 partners but have no tie"
    assert hole.introductions[0].shared_names == ["Job Centre One", "Job Centre Two"]


def test_the_graph_is_not_changed(north_south, directory):
    before = nx.to_dict_of_dicts(north_south)
    nodes = dict(north_south.nodes(data=True))
    suggest(north_south, directory, expected=["East"])
    assert nx.to_dict_of_dicts(north_south) == before
    assert dict(north_south.nodes(data=True)) == nodes


def test_to_dict_keys_are_stable(north_south, directory):
    d = suggest(north_south, directory).to_dict()
    assert list(d) == ["gaps", "holes", "directory", "already_partners"]
    assert list(d["gaps"][0]) == [
        "level",
        "region",
        "category",
        "agency_type_id",
        "agency_type",
        "candidates",
        "more",
        "prospective",
        "kind",
        "population",
    ]
    assert list(d["holes"][0]) == [
        "category_a",
        "category_b",
        "partners_a",
        "partners_b",
        "ties",
        "density",
        "introductions",
    ]


def test_an_hsds_directory(north_south, make_hsds):
    def pima_is_north(tables):
        for address in tables["addresses"]:
            if address.get("region") == "Pima" or address.get("city") == "Tucson":
                address["region"] = "North"

    tables = netmap.read_workbook(make_hsds(pima_is_north))
    result = suggest(north_south, tables)
    # The HSDS package has a college, a job centre, a CBO and a state human service agency.
    assert not [g for g in result.gaps if g.agency_type_id == "local-community-colleges" and g.region == "South"]
    assert [c.name for c in _gap(result, "state-human-service-agency", None).candidates] == ["Arizona DES"]
    assert [c.id for c in _gap(result, "local-community-based-organizations", "South").candidates] == [
        "org-gw",
        "org-gwy",
    ]


# -- the command ------------------------------------------------------------------------------


def _cli(*args):
    from typer.testing import CliRunner

    from netmap.cli import app

    # Wide enough that the issue table is not folded.
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})


@pytest.fixture
def map_folder(north_south, tmp_path):
    return tmp_path / "map"


def test_suggest_command_json(map_folder, directory):
    result = _cli("suggest", map_folder, "--directory", directory.source, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["gaps", "holes", "directory", "already_partners", "directory_issues"]
    north = next(g for g in doc["gaps"] if g["agency_type_id"] == "local-wib" and g["region"] == "North")
    assert [c["id"] for c in north["candidates"]] == ["D7", "D1", "D2", "D4"]
    assert doc["holes"][0]["introductions"][0]["explanation"] == (
        "North College and North CBO share 1 partner but have no tie"
    )


def test_suggest_command_table(map_folder, directory):
    result = _cli("suggest", map_folder, "--directory", directory.source, "--top", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Directory: 8 organisations, 2 already partners" in out
    assert "skipped north college (D5): already partner N1" in out
    assert "Who could fill each gap" in out
    assert "Alpha Workforce Board" in out and "… and 3 more" in out
    assert "North College + North CBO" in out
    assert "gap(s) have no candidate in the directory" in out


def test_suggest_reports_bad_directory_rows_and_still_suggests(map_folder, tmp_path):
    folder = write_csv_workbook(
        tmp_path / "bad-directory",
        {
            "partners": [
                ["id", "name", "agency_type", "region"],
                ["D1", "North Workforce Board", "Local WIB", "North"],
                ["D2", "Mystery Org", "Wizards guild", "North"],
            ]
        },
    )
    result = _cli("suggest", map_folder, "--directory", folder)
    assert result.exit_code == 1
    assert "North Workforce Board" in result.stdout
    assert "unknown-agency-type" in result.stderr and "'Wizards guild' is not an agency type" in result.stderr
    assert "file(s): " in result.stderr and "partners.csv" in result.stderr
    assert "1 error(s) in the directory" in result.stderr
    doc = json.loads(_cli("suggest", map_folder, "--directory", folder, "--json").stdout)
    assert [(i["code"], i["row"], i["column"], i["value"]) for i in doc["directory_issues"]] == [
        ("unknown-agency-type", 3, "agency_type", "Wizards guild")
    ]


def test_suggest_with_an_hsds_directory_reports_unmapped_rows(map_folder, hsds_pima):
    result = _cli("suggest", map_folder, "--directory", hsds_pima, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [(i["code"], i["row"]) for i in doc["directory_issues"]] == [("hsds-unmapped", 7)]
    assert "hsds-unmapped" in result.stderr and "Community Food Bank" in result.stderr


def test_suggest_needs_a_directory(map_folder):
    result = _cli("suggest", map_folder)
    assert result.exit_code == 2
    assert "--directory" in result.output


def test_suggest_missing_directory_is_a_usage_error(map_folder, tmp_path):
    result = _cli("suggest", map_folder, "--directory", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_state_gaps_skip_state_agencies_of_other_states(north_south):
    directory = [
        {"id": "OR", "name": "Oregon Workforce Board", "agency_type_id": "state-wib", "region": "Oregon"},
        {"id": "AZ", "name": "Arizona Workforce Board", "agency_type_id": "state-wib", "region": None},
        {"id": "NW", "name": "North Workforce Board", "agency_type_id": "state-wib", "region": "North"},
    ]
    gap = _gap(suggest(north_south, directory), "state-wib", None)
    assert [(c.id, c.reason) for c in gap.candidates] == [("AZ", "statewide"), ("NW", "in North")]
    gap = _gap(suggest(north_south, directory, anywhere=True), "state-wib", None)
    assert [c.id for c in gap.candidates] == ["AZ", "NW", "OR"]
    assert gap.candidates[-1].reason == "in Oregon, outside this map's regions"


def test_an_expired_agreement_shares_no_partner():
    """Tucson's founding MOU of 2010 (expired 2013) made the casino a co-party of the tribes'
    programs, which the US Department of Labor funds: counted, the casino "shared 3 partners"
    with the department. On 2026-11-24 only its current tie to the Tucson Indian Center counts."""
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    found = suggest(G, [], as_of="2026-11-24").to_dict()["holes"]
    casino = [i for h in found for i in h["introductions"] if (i["source"], i["target"]) == ("DDC", "USDOL")]
    assert [(i["shared"], i["shared_names"]) for i in casino] == [(1, ["Tucson Indian Center"])]


# -- ranking by fit -----------------------------------------------------------------------


@pytest.fixture
def fields(tmp_path):
    """Northfield and Southgate are tied (N1-S1); Westend is tied to no other region.

    No region has a Local WIB; N2 provides child care and serves people with
    disabilities in Northfield, so Vocational Rehabilitation is missing there too.
    """
    folder = write_csv_workbook(
        tmp_path / "fields",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region"],
                ["N1", "Northfield College", "CC", "local", "Northfield"],
                ["N2", "Northfield Family Centre", "CBO", "local", "Northfield"],
                ["S1", "Southgate College", "CC", "local", "Southgate"],
                ["W1", "Westend College", "CC", "local", "Westend"],
            ],
            "ties": [["source_id", "target_id"], ["N1", "S1"], ["N1", "N2"]],
            "services": [
                ["partner_id", "service", "population"],
                ["N2", "Child care assistance", "People with disabilities"],
            ],
        },
    )
    return netmap.read_graph(folder)


@pytest.fixture
def ranked_directory(tmp_path):
    # Names in reverse of the expected order, so that no order below comes from the names.
    folder = write_csv_workbook(
        tmp_path / "ranked",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region"],
                ["A", "Zeta Board", "Local WIB", "local", "Northfield"],
                ["B", "Yellow Board", "Local WIB", "local", "Northfield"],
                ["C", "Xray Board", "Local WIB", "local", "Southgate"],
                ["D", "Whisky Board", "LWDB", "local", "Northfield"],
                ["E", "Victor Board", "Local WIB", "local", ""],
                ["F", "Uniform Board", "regional workforce board", "local", "Southgate"],
                ["G", "Tango Board", "Local WIB", "local", "Westend"],
                ["V1", "Zulu Rehabilitation", "VR", "local", "Northfield"],
                ["V2", "Alpha Rehabilitation", "VR", "local", "Northfield"],
            ],
            "services": [
                ["partner_id", "service", "population", "capacity"],
                ["A", "Job training", "", "40"],
                ["A", "Child care", "", ""],
                ["V1", "Supported employment", "People with disabilities", ""],
            ],
        },
    )
    tables = netmap.read_workbook(folder)
    assert not tables.errors
    return tables


def test_candidates_ranked_by_fit(fields, ranked_directory):
    gap = _gap(suggest(fields, ranked_directory, top=None), "local-wib", "Northfield")
    assert [(c.id, c.score) for c in gap.candidates] == [
        ("A", 92.61),  # in the region, exact type, one new service (child care is there), 40 seats
        ("B", 90.0),  # in the region, exact type
        ("C", 80.0),  # a neighbouring region (tied), exact type
        ("D", 75.0),  # in the region, through an alias
        ("E", 70.0),  # exact type, the directory gives no region
        ("F", 65.0),  # a neighbouring region, through an alias
    ]
    assert [c.why for c in gap.candidates] == [
        "same region (Northfield); exact type; provides occupational training, child care "
        "(new to Northfield: occupational training); 40 seats",
        "same region (Northfield); exact type",
        "neighbouring region (Southgate: 1 tie with Northfield); exact type",
        "same region (Northfield); type through the alias 'LWDB'",
        "region not given; exact type",
        "neighbouring region (Southgate: 1 tie with Northfield); type through the alias 'regional workforce board'",
    ]
    assert gap.candidates[0].components == {
        "type_match": "exact",
        "type_share": 1.0,
        "place": "in region",
        "services": ["Occupational training", "Child care"],
        "new_services": ["Occupational training"],
        "serves_population": None,
        "capacity": 40,
    }


def test_anywhere_ranks_unconnected_regions_after_the_same_type_nearby(fields, ranked_directory):
    without = _gap(suggest(fields, ranked_directory, top=None), "local-wib", "Northfield")
    assert "G" not in [c.id for c in without.candidates]
    gap = _gap(suggest(fields, ranked_directory, top=None, anywhere=True), "local-wib", "Northfield")
    assert [c.id for c in gap.candidates] == ["A", "B", "C", "D", "E", "F", "G"]
    assert (gap.candidates[-1].score, gap.candidates[-1].nearness) == (60.0, "elsewhere")
    assert gap.candidates[-1].why == "elsewhere (Westend, not tied to Northfield); exact type"


def test_top_keeps_the_best_fits(fields, ranked_directory):
    gap = _gap(suggest(fields, ranked_directory, top=2), "local-wib", "Northfield")
    assert ([c.id for c in gap.candidates], gap.more) == (["A", "B"], 4)


def test_serving_the_population_ranks_first(fields, ranked_directory):
    gap = _gap(suggest(fields, ranked_directory), "vocational-rehabilitation", "Northfield")
    assert (gap.kind, gap.population) == ("population", "People with disabilities")
    # Alpha sorts first by name; Zulu serves the population the gap is about.
    assert [(c.id, c.score, c.components["serves_population"]) for c in gap.candidates] == [
        ("V1", 79.0, True),  # 45 (alias VR) + 30 + 3 (serves) + 1 (disability services, new)
        ("V2", 75.0, False),
    ]
    assert gap.candidates[0].why == (
        "same region (Northfield); type through the alias 'VR'; serves people with disabilities; "
        "provides disability services (new to Northfield)"
    )


@pytest.mark.parametrize(
    ("extra", "score", "why"),
    [
        ({}, 90.0, "same region (Northfield); exact type"),
        ({"hsds_terms": "t1; t2"}, 72.0, "same region (Northfield); type from the directory's service terms"),
        (
            {"hsds_terms": "t1; t2", "agency_type_share": 0.5},
            51.0,
            "same region (Northfield); type from the directory's service terms (50% of its terms)",
        ),
        (
            {"agency_type": "LWIB", "agency_type_share": "0.8"},
            66.0,
            "same region (Northfield); type through the alias 'LWIB' (80% of its terms)",
        ),
    ],
)
def test_type_strength_and_share(fields, extra, score, why):
    row = {"id": "H", "name": "Hill Board", "agency_type_id": "local-wib", "region": "Northfield"} | extra
    (candidate,) = _gap(suggest(fields, [row]), "local-wib", "Northfield").candidates
    assert (candidate.score, candidate.why) == (score, why)


def test_equal_fits_fall_back_to_name_then_id(fields):
    rows = [
        {"id": "2", "name": "Same Board", "agency_type_id": "local-wib", "region": "Northfield"},
        {"id": "1", "name": "same board", "agency_type_id": "local-wib", "region": "Northfield"},
        {"id": "0", "name": "Other Board", "agency_type_id": "local-wib", "region": "Northfield"},
    ]
    gap = _gap(suggest(fields, rows), "local-wib", "Northfield")
    assert [c.id for c in gap.candidates] == ["0", "1", "2"]


def test_candidate_keys_are_stable(fields, ranked_directory):
    gap = _gap(suggest(fields, ranked_directory), "local-wib", "Northfield")
    assert list(gap.to_dict()["candidates"][0]) == [
        "id",
        "name",
        "region",
        "nearness",
        "reason",
        "source_row",
        "score",
        "components",
        "why",
    ]


# -- suggest and report --directory take the same options ----------------------------------


@pytest.mark.parametrize(
    ("options", "expected", "more"),
    [
        ([], ["A", "B", "C", "D", "E"], 1),
        (["--top", "2"], ["A", "B"], 4),
        (["--anywhere", "--top", "10"], ["A", "B", "C", "D", "E", "F", "G"], 0),
    ],
)
def test_suggest_command_ranks_with_top_and_anywhere(fields, ranked_directory, tmp_path, options, expected, more):
    result = _cli("suggest", tmp_path / "fields", "--directory", ranked_directory.source, "--json", *options)
    assert result.exit_code == 0, result.output
    gap = next(
        g
        for g in json.loads(result.stdout)["gaps"]
        if g["agency_type_id"] == "local-wib" and g["region"] == "Northfield"
    )
    assert ([c["id"] for c in gap["candidates"]], gap["more"]) == (expected, more)
    assert gap["candidates"][0]["why"].startswith("same region (Northfield); exact type; provides")


def test_suggest_command_table_shows_fit_and_why(fields, ranked_directory, tmp_path):
    result = _cli("suggest", tmp_path / "fields", "--directory", ranked_directory.source, "--top", "1")
    assert result.exit_code == 0, result.output
    assert "Zeta Board (92.61)" in result.stdout
    assert "same region (Northfield); exact type; provides occupational training, child care" in result.stdout


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], ["Zeta Board", "Yellow Board", "Xray Board", "Whisky Board", "Victor Board", "… and 1 more"]),
        (["--top", "1"], ["Zeta Board", "… and 5 more"]),
        (
            ["--anywhere", "--top", "10"],
            [
                "Zeta Board",
                "Yellow Board",
                "Xray Board",
                "Whisky Board",
                "Victor Board",
                "Uniform Board",
                "Tango Board",
            ],
        ),
    ],
)
def test_report_directory_takes_top_and_anywhere(fields, ranked_directory, tmp_path, options, expected):
    out = tmp_path / "report.md"
    result = _cli(
        "report", tmp_path / "fields", "--directory", ranked_directory.source, "--format", "md", "-o", out, *options
    )
    assert result.exit_code == 0, result.output
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in out.read_text(encoding="utf-8").splitlines()
        if line.startswith("| Northfield | Local WIB |")
    ]
    assert [row[2] for row in rows] == expected
    assert rows[0][3:] == [
        "92.61",
        "same region (Northfield); exact type; provides occupational training, child care "
        "(new to Northfield: occupational training); 40 seats",
    ]
    if "--anywhere" in options:
        assert rows[-1][3:] == ["60", "elsewhere (Westend, not tied to Northfield); exact type"]


@pytest.mark.parametrize("options", [["--top", "2"], ["--anywhere"]])
def test_report_top_and_anywhere_need_a_directory(fields, tmp_path, options):
    result = _cli("report", tmp_path / "fields", "-o", tmp_path / "r.html", *options)
    assert result.exit_code == 2
    assert "give --directory too" in result.output
    assert not (tmp_path / "r.html").exists()
