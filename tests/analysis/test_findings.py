"""Tests of netmap.analysis.findings: codes, grouping, "do first", the roster's say."""

from __future__ import annotations

import datetime as dt

import netmap
from netmap.analysis import analyze
from netmap.analysis.findings import CODES, DO_FIRST, do_first, findings, group, make
from netmap.analysis.scorecard import CONDITIONS
from netmap.roster import load_roster
from tests.analysis.conftest import AS_OF
from tests.analysis.test_scorecard import BARE_MAP, BARE_ROSTER
from tests.conftest import write_csv_workbook


def _by_code(a):
    return {f.code: f for f in a.findings}


def test_every_code_bears_on_a_known_condition_or_none():
    known = {cid for cid, _ in CONDITIONS}
    assert all(c.condition in known | {None} for c in CODES.values())
    assert all(c.severity in ("high", "medium", "info") for c in CODES.values())
    assert all("{n}" in c.many for c in CODES.values())


def test_every_finding_has_a_registered_code_and_its_condition(two):
    a = analyze(two, as_of=AS_OF)
    for f in a.findings:
        assert f.code in CODES
        assert f.condition == CODES[f.code].condition
        d = f.to_dict()
        assert list(d) == ["code", "severity", "area", "condition", "text", "action", "reach", "items"]


def test_instances_of_a_code_are_one_finding_with_a_table(two):
    # Read with all_of: North meets 2 of the 7 local lines (no workforce provider beside its
    # board, no human service agency beside its TANF office), West none (a board without a
    # provider). One finding, two rows.
    team = _by_code(analyze(two, as_of=AS_OF))["min-team-incomplete"]
    assert team.text == "The minimum local team is incomplete in 2 regions: North, West."
    assert [(r["region"], r["met"], r["total"], len(r["missing"])) for r in team.items] == [
        ("North", 2, 7, 5),
        ("West", 0, 7, 7),
    ]
    assert team.reach == 5 + 7  # the unmet requirements
    assert team.action.startswith("Invite an agency of each missing kind")


def test_a_single_instance_keeps_its_own_sentence(two):
    found = _by_code(analyze(two, as_of=AS_OF))
    assert found["agreement-expired"].text == "Agreement M3 has expired (2025-06-30)."
    assert found["agreement-expired"].items == ({"agreement": "M3", "expired": dt.date(2025, 6, 30)},)
    assert found["funding-single-stream"].text == "West WIB lives on a single funding stream (WIOA Title I Adult)."


def test_group_merges_items_sums_reach_and_keeps_the_worst_severity():
    a = make("key-partner", "A would cut 3 off.", "act", items=[{"partner": "A"}], reach=3, severity="medium")
    b = make("key-partner", "B would cut 2 off.", "act", items=[{"partner": "B"}], reach=2)
    c = make("silo", "A silo.", "pair", items=[{"category": "Education"}], reach=4)
    merged = group([a, c, b])
    assert [f.code for f in merged] == ["key-partner", "silo"]
    assert merged[0].text == "2 key partners: A, B."
    assert (merged[0].severity, merged[0].reach, merged[0].items) == ("high", 5, ({"partner": "A"}, {"partner": "B"}))
    assert merged[1] is c


def _f(code, reach, severity=None):
    return make(code, f"{code} {reach}", "act", reach=reach, severity=severity)


def test_do_first_is_high_before_medium_then_reach_then_registry_order():
    items = [
        _f("funding-single-stream", 40),  # medium, wide
        _f("silo", 99),  # a note: never "do first"
        _f("role-uncovered", 2),
        _f("min-team-incomplete", 9),
        _f("key-person", 2),  # ties with role-uncovered on reach: CODES order decides
        _f("population-gap", 5),
        _f("state-link-missing", 3),
        _f("agreement-expired", 1),
    ]
    chosen = [f.code for f in do_first(items)]
    assert chosen == ["min-team-incomplete", "population-gap", "role-uncovered", "key-person", "funding-single-stream"]
    assert len(chosen) == DO_FIRST
    assert [f.code for f in do_first(items, limit=2)] == ["min-team-incomplete", "population-gap"]
    assert do_first([_f("silo", 5)]) == []


def test_the_analysis_leads_with_do_first(two):
    a = analyze(two, as_of=AS_OF)
    d = a.to_dict()
    # High findings by reach: 12 unmet local requirements and 12 uncovered roles (the order of
    # the codes breaks the tie), 3 unmet state requirements, 2 population gaps (one partner
    # serving each), a key partner (1 cut off, 1 type lost).
    assert [f["code"] for f in d["do_first"]] == [
        "min-team-incomplete",
        "role-uncovered",
        "state-team-incomplete",
        "population-gap",
        "key-partner",
    ]
    assert d["findings"][: len(d["do_first"])] == d["do_first"]
    assert len(d["findings"]) == len(findings(a))


def test_the_same_map_with_a_bare_roster_asks_for_no_role_it_does_not_define(tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text(BARE_ROSTER, encoding="utf-8")
    roster = load_roster(path)
    folder = write_csv_workbook(tmp_path / "bare", BARE_MAP)
    bare = analyze(netmap.read_graph(folder, roster=roster), roster=roster, as_of=AS_OF)
    codes = {f.code for f in bare.findings}
    assert not codes & {"intermediary-missing", "role-uncovered", "role-single-partner", "employer-advisory-only"}
    assert "population-gap" not in codes
    # The shipped roster defines roles, but the map records none: one finding says so,
    # instead of every role "uncovered" and the intermediary "missing".
    shipped = analyze(netmap.read_graph(folder), roster=load_roster(), as_of=AS_OF)
    codes = {f.code for f in shipped.findings}
    assert "roles-not-recorded" in codes and not codes & {"role-uncovered", "intermediary-missing"}
    # With a role recorded, the shipped roster's intermediary role is looked for, and missing.
    with_roles = {**BARE_MAP, "roles": [["partner_id", "role"], ["B", "Engage employers"]]}
    folder = write_csv_workbook(tmp_path / "roles", with_roles)
    recorded = analyze(netmap.read_graph(folder), roster=load_roster(), as_of=AS_OF)
    missing = _by_code(recorded)["intermediary-missing"]
    assert missing.action == "Name an intermediary and record the role 'Coordinate the partnership (intermediary)'."


COUNTY = {
    "partners": [
        ["id", "name", "agency_type", "level", "region", "team"],
        ["WIB", "County Board", "Local WIB", "local", "Cedar", "leadership"],
        ["CC", "Cedar College", "Local community colleges", "local", "Cedar", "leadership"],
        ["YA", "Youth Alliance", "Local community-based organizations", "local", "Cedar", ""],
    ],
    "ties": [["source_id", "target_id"], ["WIB", "CC"], ["CC", "YA"]],
    "funding": [
        ["id", "stream", "recipient_id", "start", "end"],
        ["F1", "City youth grant", "YA", "2023-09-01", "2025-08-31"],
        ["F2", "WIOA Title I Adult", "WIB", "2025-07-01", "2029-06-30"],
        ["F3", "WIOA Title I Adult", "CC", "2025-07-01", "2027-01-31"],
    ],
}


def test_a_county_map_is_not_told_its_state_team_is_missing(make_graph):
    found = _by_code(analyze(make_graph(COUNTY), as_of="2026-12-07"))
    assert "state-team-incomplete" not in found and "state-link-missing" not in found
    assert found["level-not-assessed"].severity == "info"
    assert found["level-not-assessed"].text == (
        "The state level of the roster is not assessed: the map lists no state-level partner."
    )
    assert "--scope state" in found["level-not-assessed"].action
    assert (found["state-tie-missing"].severity, found["state-tie-missing"].condition) == ("medium", "policy-alignment")
    assert found["state-tie-missing"].text.startswith("No partner on this map is tied to a state-level partner")
    # Asked for, the state level is assessed: the team is incomplete, and the info line goes.
    scoped = _by_code(analyze(make_graph(COUNTY), as_of="2026-12-07", scope="all"))
    assert "state-team-incomplete" in scoped and "level-not-assessed" not in scoped


def test_funding_lapsed_and_an_award_ending_are_findings_about_their_partner(make_graph):
    found = _by_code(analyze(make_graph(COUNTY), as_of="2026-12-07"))
    assert found["funding-lapsed"].text == (
        "Youth Alliance's funding has lapsed: its last award (City youth grant) ended on 2025-08-31."
    )
    # The WIOA stream runs to 2029-06-30 (its last award): not ending; the college's award is.
    assert "funding-stream-ending" not in found
    assert found["funding-award-ending"].text == (
        "Cedar College's award from WIOA Title I Adult (F3) ends on 2027-01-31, in 55 day(s), "
        "though the stream goes on."
    )
    # The lapsed partner is no "single stream" partner: it has no current stream at all.
    single = found.get("funding-single-stream")
    assert single is None or all(i["partner"] != "Youth Alliance" for i in single.items)
