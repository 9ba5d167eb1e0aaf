"""Tests of netmap.analysis.gaps on the hand-made "two regions" map."""

from __future__ import annotations

import pytest

import netmap
from netmap.analysis._common import is_state_level, partner_graph, partners, side
from netmap.analysis.gaps import LEVELS, _counts_at, _listed_levels, _scopes, _state_tied, roster_gaps
from netmap.roster import Requirement, Rule, load_roster
from tests.analysis import maps as paths
from tests.conftest import write_csv_workbook


def _status(result, level, region, atype):
    return next(t for t in result.types if (t.level, t.region, t.agency_type) == (level, region, atype))


def test_statuses(two):
    r = roster_gaps(two)
    assert r.leadership_recorded is True
    assert _status(r, "state", None, "State workforce agency").status == "present"
    assert _status(r, "state", None, "State human service agency").status == "present"  # on the team itself
    assert _status(r, "state", None, "State WIB").status == "missing"
    assert _status(r, "local", "North", "Local WIB").status == "present"
    assert _status(r, "local", "North", "Private businesses").status == "present"  # tied to N2 (leadership)
    assert _status(r, "local", "North", "Local TANF providers").status == "peripheral"
    econ = _status(r, "local", "North", "Local economic development agency")
    assert (econ.status, econ.prospective) == ("missing", ["P1"])
    assert _status(r, "local", "West", "Local adult basic education providers").status == "missing"  # X1 left


def test_missing_list_and_counts(two):
    d = roster_gaps(two).to_dict()
    # state: 9 state types + 2 level-neutral employer types - 2 present; North: 13 - 4; West: 13 - 1
    assert len(d["missing"]) == 9 + 9 + 12
    assert {(m["level"], m["region"]) for m in d["missing"]} == {("state", None), ("local", "North"), ("local", "West")}
    first = d["missing"][0]
    assert {"level", "region", "category", "agency_type"} <= set(first)
    assert (first["level"], first["category"], first["agency_type"]) == ("state", "Workforce Development", "State WIB")
    assert [p["agency_type"] for p in d["peripheral"]] == ["Local TANF providers"]


def test_minimum_team_coverage(two):
    cover = {(c["level"], c["region"]): c for c in roster_gaps(two).coverage()}
    # State: workforce and human services of 5 lines. North has a WIB but no one-stop and TANF
    # but no human service agency, so both "and" lines are unmet: college and business only.
    assert (cover[("state", None)]["met"], cover[("state", None)]["total"]) == (2, 5)
    assert (cover[("local", "North")]["met"], cover[("local", "North")]["total"]) == (2, 7)
    assert cover[("local", "North")]["unmet"] == [
        "Workforce board(s) and workforce service providers",
        "Adult education providers",
        "TANF providers and human service agencies",
        "Economic development agencies and committees",
        "Community-based organizations",
    ]
    assert (
        cover[("local", "North")]["missing"][0]
        == "Workforce board(s) and workforce service providers: Local workforce agencies"
    )
    assert cover[("local", "West")]["met"] == 0  # a WIB alone no longer meets the board-and-providers line


def test_population_gaps(two):
    gaps = [
        (g["population"], g["region"], g["agency_type"], g["served_by"])
        for g in roster_gaps(two).to_dict()["population_gaps"]
    ]
    assert gaps == [
        ("People with disabilities", "North", "Vocational Rehabilitation", ["N2"]),
        ("TANF recipients", "West", "Local TANF providers", ["W1"]),
    ]


def test_region_option(two):
    # West's own local scope, and the statewide state scope that serves it.
    d = roster_gaps(two, region="West").to_dict()
    assert {(m["level"], m["region"]) for m in d["missing"]} == {("local", "West"), ("state", None)}
    assert [g["region"] for g in d["population_gaps"]] == ["West"]
    assert d["assessed_levels"] == ["state", "local"] and d["state_tied"] is True  # W1 - S1


def test_without_leadership_nothing_is_peripheral(make_graph):
    G = make_graph(
        {"partners": [["id", "name", "agency_type", "region"], ["A", "A", "CC", "R"], ["B", "B", "TANF office", "R"]]}
    )
    r = roster_gaps(G)
    assert r.leadership_recorded is False
    assert _status(r, "local", "R", "Local TANF providers").status == "present"


@pytest.mark.parametrize(("scope", "state_types", "local_types"), [("auto", 0, 13), ("all", 11, 13), ("state", 11, 0)])
def test_single_partner_map_has_the_scopes_asked_for(make_graph, scope, state_types, local_types):
    # One local college: "auto" checks the local level only; a scope chosen checks what it names.
    G = make_graph({"partners": [["id", "name", "agency_type"], ["A", "A", "CC"]]})
    types = roster_gaps(G, scope=scope).types
    assert sum(t.level == "state" for t in types) == state_types
    assert sum(t.level == "local" for t in types) == local_types


# -- minimum teams read as the toolkit reads them ----------------------------------------

# Tucson-like: a one-stop and a college at the table, the WIB only invited, no state partner;
# USDOL is national (it makes no state level).
TUCSON_LIKE = {
    "partners": [
        ["id", "name", "agency_type", "level", "region", "team", "status"],
        ["OS", "County One Stop", "American Job Center", "local", "County", "leadership", "active"],
        ["CC", "County College", "Local community colleges", "local", "County", "leadership", "active"],
        ["TA", "County TANF Office", "Local TANF providers", "local", "County", "stakeholder", "active"],
        ["WIB", "County WIB", "Local WIB", "local", "County", "", "prospective"],
        ["DOL", "US Department of Labor", "Federal agency", "national", "", "stakeholder", "active"],
    ],
    "ties": [["source_id", "target_id"], ["OS", "CC"], ["TA", "OS"], ["DOL", "OS"]],
}


def _line(result, requirement_id, region="County"):
    return next(r for r in result.minimum_teams if (r.requirement_id, r.region) == (requirement_id, region))


def test_all_of_line_is_unmet_with_the_providers_alone_and_names_the_board(make_graph):
    r = roster_gaps(make_graph(TUCSON_LIKE))
    board = _line(r, "workforce-board-and-providers")
    assert (board.met, board.partners) == (False, ["OS"])
    assert board.parts_met == ["Local workforce agencies"]
    assert board.parts_missing == ["Local WIB"]
    assert board.rule == "Local WIB and Local workforce agencies"
    tanf = _line(r, "tanf-and-human-services")
    assert (tanf.met, tanf.parts_missing) == (False, ["Local human service agencies"])
    cover = r.coverage()
    assert [(c["level"], c["region"], c["met"], c["total"]) for c in cover] == [("local", "County", 1, 7)]
    assert cover[0]["missing"][:2] == [
        "Workforce board(s) and workforce service providers: Local WIB",
        "Adult education providers: Local adult basic education providers",
    ]


@pytest.mark.parametrize(
    ("added", "met"),
    [
        ([], False),
        ([["W2", "County Workforce Board", "Local WIB", "local", "County", "", "active"]], True),
        # a WIB elsewhere or only former does not meet the County line
        ([["W2", "Other WIB", "Local WIB", "local", "Elsewhere", "", "active"]], False),
        ([["W2", "Old WIB", "Local WIB", "local", "County", "", "former"]], False),
    ],
)
def test_the_board_and_providers_line_is_met_only_with_both(make_graph, added, met):
    sheets = {**TUCSON_LIKE, "partners": TUCSON_LIKE["partners"] + added}
    assert _line(roster_gaps(make_graph(sheets)), "workforce-board-and-providers").met is met


def _with_teams(teams):
    roster = load_roster()
    roster.minimum_teams = teams
    return roster


@pytest.mark.parametrize(
    ("present_ids", "met", "missing"),
    [
        # all_of[ local-wib, any_of[ local-workforce-agencies, all_of[TANF, human services] ] ]
        (["OS"], False, ["Local WIB"]),
        (["OS", "W"], True, []),
        (["TA", "W"], False, ["Local workforce agencies or Local human service agencies"]),
        (["TA", "HS", "W"], True, []),
        (
            [],
            False,
            ["Local WIB", "Local workforce agencies or (Local TANF providers and Local human service agencies)"],
        ),
    ],
)
def test_nested_groups(make_graph, present_ids, met, missing):
    rows = {
        "OS": ["OS", "One Stop", "American Job Center", "local", "R"],
        "W": ["W", "Board", "Local WIB", "local", "R"],
        "TA": ["TA", "TANF", "Local TANF providers", "local", "R"],
        "HS": ["HS", "Human Services", "Local human service agencies", "local", "R"],
        "CC": ["CC", "College", "Local community colleges", "local", "R"],
    }
    G = make_graph(
        {"partners": [["id", "name", "agency_type", "level", "region"], rows["CC"]] + [rows[k] for k in present_ids]}
    )
    rule = Rule(
        "all_of",
        (
            "local-wib",
            Rule(
                "any_of",
                ("local-workforce-agencies", Rule("all_of", ("local-tanf-providers", "local-human-service-agencies"))),
            ),
        ),
    )
    roster = _with_teams({"local": (Requirement("wf", "Workforce", "local", rule),)})
    line = _line(roster_gaps(G, roster=roster), "wf", region="R")
    assert (line.met, line.parts_missing) == (met, missing)


# -- scope ------------------------------------------------------------------------------


def test_a_local_only_map_does_not_assess_the_state_level(make_graph):
    r = roster_gaps(make_graph(TUCSON_LIKE))
    d = r.to_dict()
    assert (d["scope"], d["assessed_levels"]) == ("auto", ["local"])
    assert [(n["level"], n["reason"]) for n in d["not_assessed"]] == [("state", "the map lists no state-level partner")]
    assert "--scope state" in d["not_assessed"][0]["how_to_include"]
    assert not any(t["level"] == "state" for t in d["types"])
    assert not any(c["level"] == "state" for c in d["coverage"])
    assert d["state_tied"] is False  # the federal agency is no state partner


def test_scope_all_assesses_the_state_level_of_a_local_map(make_graph):
    r = roster_gaps(make_graph(TUCSON_LIKE), scope="all")
    assert (r.assessed_levels, r.not_assessed) == (["state", "local"], [])
    state = [c for c in r.coverage() if c["level"] == "state"]
    assert [(c["region"], c["met"], c["total"]) for c in state] == [(None, 0, 5)]
    assert sum(t.level == "state" and t.status == "missing" for t in r.types) == 11


def test_scope_local_leaves_the_state_level_out_with_its_reason(two):
    r = roster_gaps(two, scope="local")
    assert r.assessed_levels == ["local"]
    assert [(n.level, n.how_to_include) for n in r.not_assessed] == [("state", "pass --scope state or --scope all")]
    assert {c["level"] for c in r.coverage()} == {"local"}


def test_a_state_only_map_does_not_assess_the_local_level(make_graph):
    G = make_graph(
        {"partners": [["id", "name", "agency_type", "level"], ["S", "Labor", "State workforce agency", "state"]]}
    )
    r = roster_gaps(G)
    assert (r.assessed_levels, [n.level for n in r.not_assessed], r.state_tied) == (["state"], ["local"], None)


def test_a_region_view_without_state_partners_is_local_only(make_graph):
    from netmap.analysis import select_region

    sheets = {
        "partners": [
            ["id", "name", "agency_type", "level", "region"],
            ["S", "Labor", "State workforce agency", "state", "North"],
            ["N", "North College", "CC", "local", "North"],
            ["W", "West College", "CC", "local", "West"],
        ],
        "ties": [["source_id", "target_id"], ["N", "S"]],
    }
    G = make_graph(sheets)
    west = roster_gaps(select_region(G, "West"), region="West")
    assert (west.assessed_levels, west.state_tied) == (["local"], False)
    north = roster_gaps(select_region(G, "North"), region="North")
    assert (north.assessed_levels, north.state_tied) == (["state", "local"], True)


def test_unknown_scope_is_refused(two):
    with pytest.raises(ValueError, match="scope must be one of auto, state, local, all"):
        roster_gaps(two, scope="county")


# -- employers are level-neutral ----------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "region", "state_status", "local_status"),
    [
        ("state", "", "present", "missing"),  # a state-level employer counts for the state level
        ("local", "North", "missing", "present"),
        ("", "North", "missing", "present"),  # no level: local, in its region
        ("", "", "present", "missing"),  # no level, no region: every level assessed (North has none)
    ],
)
def test_employers_count_at_their_own_level(make_graph, level, region, state_status, local_status):
    G = make_graph(
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region"],
                ["S", "Labor", "State workforce agency", "state", ""],
                ["N", "North College", "CC", "local", "North"],
                ["E", "Big Employer", "Private businesses", level, region],
            ]
        }
    )
    r = roster_gaps(G)
    statuses = {(t.level, t.region): t.status for t in r.types if t.agency_type_id == "private-businesses"}
    assert statuses == {("state", None): state_status, ("local", "North"): local_status}


def test_a_region_with_nobody_listed_is_checked_only_when_asked(make_graph):
    # State partners listed by region: South has none of its own and no local partner.
    G = make_graph(
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region"],
                ["S", "Labor", "State workforce agency", "state", "North"],
                ["N", "North College", "CC", "local", "North"],
            ]
        }
    )
    assert roster_gaps(G, region="South").assessed_levels == []
    cover = roster_gaps(G, region="South", scope="all").coverage()
    assert [(c["level"], c["region"], c["met"], c["total"]) for c in cover] == [
        ("state", "South", 0, 5),
        ("local", "South", 0, 7),
    ]


# --- Issue 24: the cheaper scans give what the full scans gave. ---

MAPS = [*paths.EXAMPLE_NAMES, *paths.SHAPES]


def _old_scopes(everyone, roster, level):
    regions = []
    for d in everyone.values():
        t = roster.agency_types.get(d.get("agency_type"))
        s = side(d, t.level if t else None)
        r = d.get("region")
        if level == "state":
            wanted = s == "state" and not (d.get("level") == "national" and r is None)
        else:
            wanted = r is not None or s == "local"
        if wanted and r not in regions:
            regions.append(r)
    return regions or [None]


def _old_listed_levels(everyone, roster, region):
    listed = set()
    for d in everyone.values():
        r = d.get("region")
        if is_state_level(d, roster):
            if region is None or r in (region, None):
                listed.add("state")
            continue
        if d.get("level") == "national" or (region is not None and r != region):
            continue
        t = roster.agency_types.get(d.get("agency_type"))
        if side(d, t.level if t else None) == "local" or r is not None:
            listed.add("local")
    return listed


def _old_state_tied(active, roster, P, region):
    state = {k for k, d in active.items() if is_state_level(d, roster)}
    local = [
        k
        for k, d in active.items()
        if k not in state
        and d.get("level") != "national"
        and "local" in _counts_at(d, roster)
        and (region is None or d.get("region") == region)
    ]
    if not local:
        return None
    return any(other in state for k in local for other in P._adj.get(k, {}))


@pytest.mark.parametrize("name", MAPS)
def test_scans_equal_the_full_scans(name, generated_maps):
    G = netmap.build_graph(paths.tables_of_map(name, generated_maps))
    roster = load_roster(G.graph["roster"])
    everyone = partners(G, active_only=False)
    active = partners(G)
    regions = [None, *dict.fromkeys(d.get("region") for d in everyone.values() if d.get("region"))][:12]
    for level in LEVELS:
        assert _scopes(everyone, roster, level) == _old_scopes(everyone, roster, level)
    for region in regions:
        assert _listed_levels(everyone, roster, region) == _old_listed_levels(everyone, roster, region)
        for day in paths.DAYS[1:3]:
            P = partner_graph(G, day)
            answer = _state_tied(active, roster, P, region)
            assert answer == _old_state_tied(active, roster, P, region), (region, day)


def test_state_tied_by_hand(two, six):
    """Two regions both tied to the state level; a region with nobody: None; a local-only map: False."""
    roster = load_roster("career-pathways")
    P = partner_graph(two, None)
    found = {region: _state_tied(partners(two), roster, P, region) for region in (None, "North", "West", "Nowhere")}
    assert found == {None: True, "North": True, "West": True, "Nowhere": None}
    assert _state_tied(partners(six), roster, partner_graph(six, None), None) is False


@pytest.mark.parametrize("name", MAPS)
def test_rows_path_gives_the_graphs_roster_gaps(name, generated_maps):
    tables = paths.tables_of_map(name, generated_maps)
    gaps = 0
    for day in paths.DAYS:
        rows, graph = paths.both_paths(tables, lambda G, day=day: roster_gaps(G, as_of=day, scope="all").to_dict())
        assert rows == graph, day
        gaps += len(rows["population_gaps"])
    if name in paths.SHAPES or name == "pima-county-211":
        assert gaps > 0  # populations served without the partner they call for: the rows path read them


def test_population_gaps_from_the_rows_by_hand(tmp_path):
    """Two populations on one row, one the roster does not know, a former partner's service:
    the rows path finds the graph's gaps in the graph's order."""
    folder = write_csv_workbook(
        tmp_path / "wb",
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "status"],
                ["A", "Alpha", "Community-based organizations", "local", "North", ""],
                ["B", "Beta", "Community-based organizations", "local", "South", ""],
                ["C", "Gamma", "Community-based organizations", "local", "South", "former"],
            ],
            "services": [
                ["partner_id", "service", "population"],
                ["B", "Shelter", "Veterans; People experiencing homelessness"],
                ["A", "Meals", "People experiencing homelessness"],
                ["A", "Rides", "Astronauts"],
                ["C", "Meals", "Veterans"],
            ],
        },
    )
    tables = netmap.read_workbook(folder)
    rows, graph = paths.both_paths(tables, lambda G: roster_gaps(G, as_of="2026-07-01").to_dict()["population_gaps"])
    assert rows == graph
    assert [(g["region"], g["population_id"], g["served_by"]) for g in rows] == [("South", "veterans", ["B"])]
