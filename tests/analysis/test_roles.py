"""Tests of netmap.analysis.roles on the "two regions" map."""

from __future__ import annotations

from netmap.analysis.roles import role_gaps


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
