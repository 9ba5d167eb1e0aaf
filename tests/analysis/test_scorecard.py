"""Tests of netmap.analysis.scorecard and the full analysis on the "two regions" map."""

from __future__ import annotations

import pytest

import netmap
from netmap.analysis import analyze
from netmap.analysis.scorecard import NOT_MEASURABLE, scorecard
from netmap.errors import UsageError
from netmap.roster import load_roster
from tests.analysis import maps as paths
from tests.analysis.conftest import AS_OF, TWO
from tests.conftest import EXAMPLES, write_csv_workbook


def _cond(card, cid):
    return next(c for c in card.to_dict()["conditions"] if c["id"] == cid)


def test_six_conditions_with_evidence(two):
    card = scorecard(two, as_of=AS_OF)
    d = card.to_dict()
    assert [c["id"] for c in d["conditions"]] == [
        "cross-agency-partnerships",
        "industry-engagement",
        "program-alignment",
        "sustainable-funding",
        "policy-alignment",
        "performance-measurement",
    ]
    assert all(c["evidence"] for c in d["conditions"])


def test_sustainable_funding_by_hand(two):
    # 3 kinds of source -> 1; 1 of 3 funded partners on one stream -> 2/3; 1 of 4 streams ending
    # (WIOA runs to its last award, 2027-06-30; only the foundation grant ends) -> 3/4
    c = _cond(scorecard(two, as_of=AS_OF), "sustainable-funding")
    assert c["score"] == pytest.approx(100 * (1 + 2 / 3 + 3 / 4) / 3, abs=0.1)
    assert c["rating"] == "strong"


def test_policy_alignment_by_hand(two):
    # state minimum team 2/5; both regions tied to the state; no policy role recorded
    c = _cond(scorecard(two, as_of=AS_OF), "policy-alignment")
    assert c["score"] == pytest.approx(100 * (2 / 5 + 1 + 0) / 3, abs=0.1)
    assert c["rating"] == "developing"


def test_performance_measurement_is_not_measurable_without_data(two):
    c = _cond(scorecard(two, as_of=AS_OF), "performance-measurement")
    assert (c["score"], c["rating"], c["measurable"]) == (None, NOT_MEASURABLE, False)


def test_industry_engagement_by_hand(two):
    # N4 has roles, all advisory -> 0 of 1 engaged; an employer is tied to education in North
    # (N4 - N2) but not in West -> 1 of 2 regions
    c = _cond(scorecard(two, as_of=AS_OF), "industry-engagement")
    assert c["score"] == 25.0
    assert "an employer is tied to an education partner: 1 of 2 region(s)" in c["evidence"]
    assert any("advisory only: North Hospital" in e for e in c["evidence"])


def test_program_alignment_by_hand(two):
    # no articulation agreement -> 0; 1 of the 5 program-design roles (N2 designs) -> 1/5;
    # education tied to workforce development in North (N2 - N1) but not in West -> 1/2
    c = _cond(scorecard(two, as_of=AS_OF), "program-alignment")
    assert c["score"] == pytest.approx(100 * (0 + 1 / 5 + 1 / 2) / 3, abs=0.1)


def test_cross_agency_partnerships_by_hand(two):
    # requirements 4 of 19 (state 2/5, North 2/7, West 0/7: the minimum teams read with
    # all_of); leadership categories workforce, human services, education: 3 of 6; category
    # pairs joined by a tie: workforce-education (N1 - N2) and education-employers (N2 - N4):
    # 2 of 15; working leadership ties backed: 3 of 4 (W1 - S1 rests on the expired M3)
    c = _cond(scorecard(two, as_of=AS_OF), "cross-agency-partnerships")
    assert c["score"] == pytest.approx(100 * (4 / 19 + 3 / 6 + 2 / 15 + 3 / 4) / 4, abs=0.1)
    assert "2 of 15 pairs of categories are joined by a current tie" in c["evidence"]
    # The E-I index is reported, not scored.
    assert any(e.startswith("E-I index across categories (not scored)") for e in c["evidence"])


def test_no_employers_scores_zero(make_graph):
    G = make_graph({"partners": [["id", "name", "agency_type"], ["A", "A", "CC"]]})
    c = _cond(scorecard(G), "industry-engagement")
    assert c["score"] == 0.0 and c["rating"] == "weak"


def test_analyze_is_repeatable_and_has_every_part(two):
    a = analyze(two, as_of=AS_OF).to_dict()
    b = analyze(two, as_of=AS_OF).to_dict()
    assert a == b
    assert list(a) == [
        "map_id",
        "roster",
        "as_of",
        "region",
        "scope",
        "assessed_levels",
        "do_first",
        "findings",
        "scorecard",
        "gaps",
        "roles",
        "brokers",
        "formalisation",
        "funding",
        "resilience",
        "health",
        "regions",  # two regions: the comparison side by side
        "services",  # it has services rows: the inventory
        "quality",  # always there: null without partner-survey answers
    ]


def test_findings_name_what_is_wrong(two):
    found = analyze(two, as_of=AS_OF).to_dict()["findings"]
    texts = [f["text"] for f in found]
    joined = "\n".join(texts)
    assert "The minimum local team is incomplete in 2 regions: North, West." in joined
    assert "Employers that only advise: North Hospital." in joined
    assert "Agreement M2 expires in 21 day(s)." in joined
    assert "Agreement M3 has expired (2025-06-30)." in joined
    assert "West WIB lives on a single funding stream (WIOA Title I Adult)." in joined
    severities = [f["severity"] for f in found]
    assert severities == sorted(severities, key=["high", "medium", "info"].index)


def test_analyze_one_region(two):
    d = analyze(two, as_of=AS_OF, region="West").to_dict()
    assert d["region"] == "West"
    assert {m["region"] for m in d["gaps"]["missing"] if m["level"] == "local"} == {"West"}
    assert {r["id"] for r in d["brokers"]["brokers"]} == {"S1", "S2", "W1"}


def test_unknown_region_is_a_usage_error(two):
    with pytest.raises(UsageError, match="its regions are: North, West"):
        analyze(two, region="South")


def test_analyze_does_not_mutate(two):
    nodes = dict(two.nodes(data=True))
    edges = list(two.edges(keys=True, data=True))
    analyze(two, as_of=AS_OF)
    assert dict(two.nodes(data=True)) == nodes and list(two.edges(keys=True, data=True)) == edges


# -- a missing kind of partner never lowers a score -------------------------------------------

_SHIPPED = load_roster()
# Leadership-team partners of the "two regions" map, one per category and level it has.
_LEADERS = ("S1", "S2", "N1", "N2")


def _joined(agency_type):
    """The "two regions" map with one active partner of ``agency_type`` (outside the leadership
    team), in a region the map has, tied to each leadership-team partner of _LEADERS in turn."""
    state = agency_type.level in ("state", "national")
    level, region = (agency_type.level, "") if state else ("local", "North")
    for leader in _LEADERS:
        sheets = {k: [list(r) for r in v] for k, v in TWO.items()}
        sheets["partners"].append(["NEW", "Newcomer", agency_type.name, level, region, "stakeholder", "active"])
        sheets["ties"].append(["NEW", leader, "collaboration"])
        yield leader, sheets


@pytest.mark.parametrize("agency_type", list(_SHIPPED.agency_types.values()), ids=lambda t: t.id)
def test_adding_a_partner_of_any_type_never_lowers_a_score(two, make_graph, agency_type):
    before = {c["id"]: c["score"] for c in scorecard(two, as_of=AS_OF).to_dict()["conditions"]}
    for leader, sheets in _joined(agency_type):
        after = {c["id"]: c["score"] for c in scorecard(make_graph(sheets), as_of=AS_OF).to_dict()["conditions"]}
        for cid, old in before.items():
            if old is not None:  # not measurable before: anything is no drop
                assert after[cid] is not None and after[cid] >= old, (agency_type.name, leader, cid, old, after[cid])


def test_a_new_employer_tied_to_the_board_keeps_industry_engagement(two, make_graph):
    # The old measure (employers tied to education / employers) fell from 1/1 to 1/2 here;
    # the regional one stays at 1 of 2 regions.
    sheets = {k: [list(r) for r in v] for k, v in TWO.items()}
    sheets["partners"].append(["NEW", "North Bakery", "Private businesses", "local", "North", "", "active"])
    sheets["ties"].append(["NEW", "N1", "collaboration"])
    c = _cond(scorecard(make_graph(sheets), as_of=AS_OF), "industry-engagement")
    assert c["score"] == 25.0


# -- the roster decides what can be measured ---------------------------------------------------

# Two categories, two local types, a minimum team: no roles, no populations, no employers.
BARE_ROSTER = """
name: bare
categories:
  - {id: workforce-development, name: Workforce}
  - {id: education, name: Schools}
agency_types:
  - {id: board, name: Local WIB, category: workforce-development, level: local}
  - {id: college, name: Local community colleges, category: education, level: local}
minimum_teams:
  local: [{id: both, name: A board and a college, any_of: [board, college]}]
"""

BARE_MAP = {
    "partners": [
        ["id", "name", "agency_type", "level", "region", "team"],
        ["B", "Valley Board", "Local WIB", "local", "Valley", "leadership"],
        ["C", "Valley College", "Local community colleges", "local", "Valley", "leadership"],
    ],
    "ties": [["source_id", "target_id", "kind"], ["B", "C", "collaboration"]],
}


@pytest.fixture
def bare(tmp_path):
    """The bare map built with the bare roster, and that roster."""
    path = tmp_path / "bare.yaml"
    path.write_text(BARE_ROSTER, encoding="utf-8")
    roster = load_roster(path)
    return netmap.read_graph(write_csv_workbook(tmp_path / "bare", BARE_MAP), roster=roster), roster


def test_a_roster_without_employers_cannot_measure_industry_engagement(bare):
    G, roster = bare
    card = analyze(G, roster=roster, as_of=AS_OF).scorecard.to_dict()
    c = next(c for c in card["conditions"] if c["id"] == "industry-engagement")
    assert (c["score"], c["rating"]) == (None, NOT_MEASURABLE)
    assert c["evidence"] == [f"{NOT_MEASURABLE}: the roster bare defines no employer category"]
    # With the shipped roster the same map has no employer: a measured 0.
    shipped = _cond(scorecard(G, roster=_SHIPPED, as_of=AS_OF), "industry-engagement")
    assert shipped["score"] == 0.0


def test_a_roster_without_roles_leaves_the_role_measures_out(bare):
    G, roster = bare
    card = {c["id"]: c for c in analyze(G, roster=roster, as_of=AS_OF).scorecard.to_dict()["conditions"]}
    # Program alignment: no articulation (0) and education tied to workforce in Valley (1);
    # the program-design roles are left out, not counted as 0.
    program = card["program-alignment"]
    assert program["score"] == 50.0
    assert "the roster defines no program-design role" in program["evidence"]
    # Cross-agency: requirement 1 of 1; 2 of 2 categories on the team; 1 of 1 pair joined;
    # no agreement backs the one leadership tie (0).
    assert card["cross-agency-partnerships"]["score"] == pytest.approx(100 * 3 / 4)
    assert "leadership team spans 2 of 2 categories" in card["cross-agency-partnerships"]["evidence"]
    assert all(c["score"] != 0.0 for c in card.values())


# -- the scorecard agrees with the findings ----------------------------------------------------


@pytest.fixture(scope="module")
def tucson():
    return analyze(netmap.read_graph(EXAMPLES / "tucson-behavioral-health"), as_of=AS_OF)


def test_a_condition_with_an_open_high_finding_is_not_strong(tucson):
    # Program alignment measures 100 (articulation, 5 of 5 design roles, education tied to
    # the one-stop) but "Provide training facilities and equipment" is played by no one.
    c = _cond(tucson.scorecard, "program-alignment")
    assert (c["score"], c["rating"], c["high_findings"]) == (100.0, "developing", ["role-uncovered"])
    assert c["evidence"][-1] == (
        "rated developing, not strong, while a high finding on it is open: role of the role chart played by no one"
    )
    # Without the findings the measure alone would say strong.
    raw = {c.id: c for c in tucson.scorecard.conditions}
    assert raw["program-alignment"].score == 100.0


@pytest.mark.parametrize("name", ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"])
def test_no_example_is_strong_above_an_open_high_finding(name):
    a = analyze(netmap.read_graph(EXAMPLES / name), as_of=AS_OF)
    card = a.to_dict()["scorecard"]
    high = [f for f in a.findings if f.severity == "high"]
    assert high  # every example has some
    assert card["overall_rating"] != "strong"
    for c in card["conditions"]:
        if any(f.condition == c["id"] for f in high):
            assert c["rating"] != "strong", (name, c["id"])


def test_agree_caps_only_strong_ratings_and_keeps_scores():
    from netmap.analysis.findings import make
    from netmap.analysis.scorecard import Condition, Scorecard

    card = Scorecard(
        [
            Condition("industry-engagement", "Industry engagement", 90.0, [], {}),
            Condition("program-alignment", "Program alignment", 50.0, [], {}),
            Condition("sustainable-funding", "Sustainable funding", 80.0, [], {}),
        ]
    )
    open_ = [
        make("role-uncovered", "x", "y"),  # high, program alignment (already developing)
        make("employer-advisory-only", "x", "y"),  # medium: caps nothing
    ]
    d = card.agree(open_).to_dict()
    assert [(c["score"], c["rating"]) for c in d["conditions"]] == [
        (90.0, "strong"),
        (50.0, "developing"),
        (80.0, "strong"),
    ]
    assert d["overall"] == pytest.approx(73.3) and d["overall_rating"] == "developing"
    assert d["high_findings"] == ["role-uncovered"]
    assert card.to_dict()["overall_rating"] == "strong"  # agree() made a new scorecard


# --- Issue 24: the scorecard's cheaper walks and its rows path give the same card. ---

MAPS = [*paths.EXAMPLE_NAMES, *paths.SHAPES]


def _old_joined(P, info, keep):
    """The scan of every tie the scorecard made before issue 24."""
    cat = {k: info[k].get("category") for k in P if k in info}
    return {
        frozenset((cat.get(u), cat.get(v)))
        for u, v in P.edges()
        if cat.get(u) != cat.get(v) and cat.get(u) in keep and cat.get(v) in keep
    }


def _old_regional(P, info, one, other):
    """What the industry and program conditions measured before issue 24: (hit scopes, any link)."""
    cat = {k: info[k].get("category") for k in P if k in info}
    found = set()
    for u in (k for k, c in cat.items() if c == one):
        for v in P.neighbors(u):
            if cat.get(v) == other:
                found.update({info[u].get("region"), info[v].get("region")})
    scopes = list(dict.fromkeys(d.get("region") for d in info.values() if d.get("region") is not None)) or [None]
    return scopes, [s for s in scopes if s in found], bool(found)


@pytest.mark.parametrize("name", MAPS)
def test_category_walks_equal_a_scan_of_every_tie(name, generated_maps):
    from netmap.analysis._common import partner_graph, partners
    from netmap.analysis.scorecard import _joined_pairs, _linked_scopes, _regional, _scopes

    roster = load_roster("career-pathways")
    core = {c.id for c in roster.categories.values() if c.in_roster}
    G = netmap.build_graph(paths.tables_of_map(name, generated_maps))
    for day in paths.DAYS:
        P = partner_graph(G, day)
        info = partners(G)
        pairs = len(core) * (len(core) - 1) // 2
        assert _joined_pairs(P, info, core, pairs) == _old_joined(P, info, core)
        # Without a bound on the categories there is no early stop: every pair of every category.
        every = {d.get("category") for d in info.values()} - {None}
        assert _joined_pairs(P, info, every, -1) == _old_joined(P, info, every)
        for one, other in [("employers", "education"), ("education", "workforce-development")]:
            scopes, hit, linked = _old_regional(P, info, one, other)
            assert _scopes(info) == scopes
            found = _linked_scopes(P, info, one, other, scopes)
            assert ([s for s in scopes if s in found], bool(found)) == (hit, linked)
            measure = _regional(P, info, one, other, "tied")
            expected = (1.0 if linked else 0.0) if scopes == [None] else len(hit) / len(scopes)
            assert measure.value == expected


@pytest.mark.parametrize("name", MAPS)
def test_rows_path_gives_the_graphs_card(name, generated_maps):
    tables = paths.tables_of_map(name, generated_maps)
    for day in paths.DAYS:
        rows, graph = paths.both_paths(tables, lambda G, day=day: scorecard(G, as_of=day).to_dict())
        assert rows == graph, day


@pytest.mark.parametrize("name", MAPS)
def test_sharing_ties_from_the_rows_equal_the_projections(name, generated_maps):
    from netmap.analysis._common import partner_graph, partners
    from netmap.analysis.scorecard import _sharing_ties_of

    tables = paths.tables_of_map(name, generated_maps)
    G = netmap.build_graph(tables)
    counts = set()
    for day in paths.DAYS:
        P = partner_graph(G, day)
        expected = sum(1 for _, _, e in P.edges(data=True) if "data-sharing" in e["kinds"])
        assert _sharing_ties_of(tables, partners(G), P.graph["as_of"]) == expected, day
        counts.add(expected)
    if name in paths.SHAPES:
        assert max(counts) > 100  # sharing ties there (the hand-made map below has one end)


def test_sharing_ties_by_hand(tmp_path):
    """A pair counts once; a lapsed, a looping or a former partner's tie does not count."""
    from netmap.analysis.scorecard import _sharing_ties_of

    folder = write_csv_workbook(
        tmp_path / "wb",
        {
            "partners": [
                ["id", "name", "agency_type", "status"],
                ["A", "Alpha", "Local community colleges", ""],
                ["B", "Beta", "Local WIB", "active"],
                ["C", "Gamma", "Private businesses", ""],
                ["D", "Delta", "Private businesses", "former"],
            ],
            "ties": [
                ["source_id", "target_id", "kind", "directed", "end"],
                ["A", "B", "data-sharing", "no", ""],
                ["B", "A", "data-sharing", "yes", ""],
                ["A", "C", "data-sharing", "no", "2020-01-01"],
                ["A", "D", "data-sharing", "no", ""],
                ["B", "C", "referral", "no", ""],
            ],
        },
    )
    tables = netmap.read_workbook(folder)
    info = {p["id"]: p for p in tables["partners"] if p["status"] in (None, "active")}
    import datetime as dt

    assert _sharing_ties_of(tables, info, dt.date(2026, 7, 1)) == 1
    assert _sharing_ties_of(tables, info, dt.date(2019, 7, 1)) == 2
    rows, graph = paths.both_paths(tables, lambda G: scorecard(G, as_of="2019-07-01").to_dict())
    assert rows == graph
    assert (
        "2 data-sharing tie(s)"
        in _cond(scorecard(netmap.build_graph(tables), as_of="2019-07-01"), "performance-measurement")["evidence"]
    )
