"""Tests of netmap.analysis.roles on the "two regions" map."""

from __future__ import annotations

import pytest

import netmap
from netmap.analysis._common import partners, recorded_roles
from netmap.analysis.roles import role_gaps
from netmap.roster import load_roster
from tests.analysis import maps as paths


def _cov(result, role_id):
    return next(c for c in result.to_dict()["coverage"] if c["role_id"] == role_id)


def test_recorded_and_expected_are_kept_apart(two):
    r = role_gaps(two)
    assert r.partners_without_roles == ["S2", "W1"]  # P1 (prospective) and X1 (former) are not counted
    lmi = _cov(r, "provide-labor-market-information")
    assert (lmi["recorded"], lmi["recorded_by"], lmi["expected"], lmi["expected_of"]) == (1, ["N1"], 1, ["W1"])
    recruit = _cov(r, "recruit-and-refer")
    assert (recruit["recorded"], recruit["expected_of"]) == (1, ["S2", "W1"])
    assert _cov(r, "provide-employment")["recorded"] == 0


def test_uncovered_single_partner_advisory_intermediary(two):
    d = role_gaps(two).to_dict()
    # 16 chart roles; LMI, engage employers, design programs and recruit are recorded.
    assert len(d["uncovered"]) == 12
    assert "Provide employment/internships" in [u["role"] for u in d["uncovered"]]
    assert {s["role_id"] for s in d["single_partner"]} == {
        "provide-labor-market-information",
        "engage-employers",
        "design-programs",
        "recruit-and-refer",
        "advise",
        "coordinate-partnership",
    }
    assert d["advisory_only_employers"] == [
        {"id": "N4", "name": "North Hospital", "roles": ["Advise (advisory committee)"]}
    ]
    assert (d["has_intermediary"], d["intermediaries"]) == (True, ["S1"])


def test_no_roles_sheet(make_graph):
    G = make_graph({"partners": [["id", "name", "agency_type"], ["A", "A", "Private businesses"]]})
    d = role_gaps(G).to_dict()
    assert d["has_intermediary"] is False
    assert d["advisory_only_employers"] == []
    assert _cov(role_gaps(G), "provide-employment")["expected_of"] == ["A"]


# --- Issue 24: expected partners found in one pass; recorded roles read from the rows. ---

MAPS = [*paths.EXAMPLE_NAMES, *paths.SHAPES]


@pytest.mark.parametrize("name", MAPS)
def test_rows_path_and_one_pass_give_the_graphs_role_gaps(name, generated_maps):
    tables = paths.tables_of_map(name, generated_maps)
    rows, graph = paths.both_paths(tables, lambda G: role_gaps(G).to_dict())
    assert rows == graph
    # Who is expected of each role, as the scan per role found them before issue 24.
    G = netmap.build_graph(tables)
    roster = load_roster(G.graph["roster"])
    active = partners(G)
    without = rows["partners_without_roles"]
    for c in rows["coverage"]:
        expecting = {t for t in roster.agency_types if c["role_id"] in roster.expected_roles(t)}
        assert c["expected_of"] == [k for k in without if active[k].get("agency_type") in expecting]
    if name in paths.SHAPES:
        assert sum(c["expected"] for c in rows["coverage"]) > 100


@pytest.mark.parametrize("name", MAPS)
def test_recorded_roles_from_the_rows_equal_the_graphs(name, generated_maps):
    tables = paths.tables_of_map(name, generated_maps)
    rows, graph = paths.both_paths(tables, recorded_roles)
    assert rows == graph and (len(rows) > 100 or name not in paths.SHAPES)


def test_recorded_roles_by_hand(two):
    """The two-regions map: one set of roles per partner with a roles row, whatever its status."""
    assert recorded_roles(two) == {
        "N1": {"provide-labor-market-information", "engage-employers"},
        "N2": {"design-programs"},
        "N3": {"recruit-and-refer"},
        "N4": {"advise"},
        "S1": {"coordinate-partnership"},
    }
