"""Tests of netmap.analysis.formalisation on the "two regions" map."""

from __future__ import annotations

import datetime as dt

from netmap.analysis.formalisation import formalisation, is_current
from tests.analysis.conftest import AS_OF


def test_leadership_ties_backed(two):
    r = formalisation(two, as_of=AS_OF)
    # Leadership ties: S1-N1, N1-N2, S1-N2 (M1, current) and S1-W1 (M3 expired).
    assert (r.leadership_ties, r.leadership_ties_backed, r.backed_share) == (4, 3, 0.75)
    assert r.unbacked_leadership_ties == [("S1", "W1")]


def test_roles_without_agreement(two):
    assert formalisation(two, as_of=AS_OF).to_dict()["roles_without_agreement"] == [
        {"id": "N3", "name": "North TANF Office", "team": "stakeholder"}
    ]


def test_expired_and_expiring(two):
    d = formalisation(two, as_of=AS_OF, within_days=90).to_dict()
    assert [(a["id"], a["state"], a["days_left"]) for a in d["agreements"]] == [
        ("M1", "current", 218),
        ("M2", "expiring", 21),
        ("M3", "expired", -512),
    ]
    assert [a["id"] for a in d["expired"]] == ["M3"]
    assert [a["id"] for a in d["expiring"]] == ["M2"]
    assert formalisation(two, as_of=AS_OF, within_days=10).to_dict()["expiring"] == []


def test_as_of_moves_the_judgement(two):
    assert formalisation(two, as_of="2025-01-01").backed_share == 1.0  # M3 still current then


def test_is_current():
    day = dt.date(2026, 1, 1)
    assert is_current({"expires": dt.date(2026, 1, 1)}, day)
    assert not is_current({"expires": dt.date(2025, 12, 31)}, day)
    assert not is_current({"status": "draft"}, day)
    assert not is_current({"signed": dt.date(2026, 2, 1)}, day)
