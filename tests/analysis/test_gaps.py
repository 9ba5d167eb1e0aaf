"""Tests of netmap.analysis.gaps on the hand-made "two regions" map."""

from __future__ import annotations

import pytest

from netmap.analysis.gaps import roster_gaps


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
    # state: 9 types - 2 present; North: 13 - 4; West: 13 - 1
    assert len(d["missing"]) == 7 + 9 + 12
    assert {(m["level"], m["region"]) for m in d["missing"]} == {("state", None), ("local", "North"), ("local", "West")}
    first = d["missing"][0]
    assert {"level", "region", "category", "agency_type"} <= set(first)
    assert (first["level"], first["category"], first["agency_type"]) == ("state", "Workforce Development", "State WIB")
    assert [p["agency_type"] for p in d["peripheral"]] == ["Local TANF providers"]


def test_minimum_team_coverage(two):
    cover = {(c["level"], c["region"]): c for c in roster_gaps(two).coverage()}
    assert (cover[("state", None)]["met"], cover[("state", None)]["total"]) == (2, 6)
    assert (cover[("local", "North")]["met"], cover[("local", "North")]["total"]) == (4, 7)
    assert cover[("local", "North")]["unmet"] == [
        "Adult education providers",
        "Economic development agencies and committees",
        "Community-based organizations",
    ]
    assert cover[("local", "West")]["met"] == 1


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
    d = roster_gaps(two, region="West").to_dict()
    assert {m["region"] for m in d["missing"]} == {"West"}
    assert [g["region"] for g in d["population_gaps"]] == ["West"]


def test_without_leadership_nothing_is_peripheral(make_graph):
    G = make_graph(
        {"partners": [["id", "name", "agency_type", "region"], ["A", "A", "CC", "R"], ["B", "B", "TANF office", "R"]]}
    )
    r = roster_gaps(G)
    assert r.leadership_recorded is False
    assert _status(r, "local", "R", "Local TANF providers").status == "present"


@pytest.mark.parametrize("level", ["state", "local"])
def test_single_partner_map_has_every_scope(make_graph, level):
    G = make_graph({"partners": [["id", "name", "agency_type"], ["A", "A", "CC"]]})
    types = [t for t in roster_gaps(G).types if t.level == level]
    assert len(types) == (9 if level == "state" else 13)
