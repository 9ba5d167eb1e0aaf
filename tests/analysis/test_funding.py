"""Tests of netmap.analysis.funding on the "two regions" map."""

from __future__ import annotations

import datetime as dt

import pytest

from netmap.analysis.funding import add_months, funding, hhi
from tests.analysis.conftest import AS_OF


def test_partners_hhi_by_hand(two):
    rows = {p["id"]: p for p in funding(two, as_of=AS_OF).to_dict()["partners"]}
    # N1: 500,000 WIOA + 100,000 foundation: (5/6)^2 + (1/6)^2 = 26/36
    assert rows["N1"]["hhi"] == pytest.approx(26 / 36, abs=1e-6)
    assert (rows["N1"]["hhi_basis"], rows["N1"]["amount"]) == ("amount", 600000.0)
    # N2: one award has no amount, so shares are of award counts: 1/2 each
    assert (rows["N2"]["hhi"], rows["N2"]["hhi_basis"]) == (0.5, "count")
    assert rows["W1"]["hhi"] == 1.0
    assert [p["id"] for p in funding(two, as_of=AS_OF).to_dict()["partners"]] == ["W1", "N1", "N2"]


def test_single_stream_and_ending(two):
    d = funding(two, as_of=AS_OF, within_months=6).to_dict()
    assert d["single_stream"] == [{"id": "W1", "name": "West WIB", "stream": "WIOA Title I Adult"}]
    assert [(s["stream"], s["ends"]) for s in d["ending"]] == [
        ("WIOA Title I Adult", dt.date(2027, 3, 31)),
        ("Community Foundation grant", dt.date(2026, 12, 31)),
    ]
    states = {s["stream"]: s["state"] for s in d["streams"]}
    assert states["Perkins V"] == "active"
    assert states["Adult Education and Family Literacy Act"] == "active"
    assert funding(two, as_of="2028-07-01").to_dict()["streams"][0]["state"] == "ended"


def test_flows_and_categories(two):
    d = funding(two, as_of=AS_OF).to_dict()
    assert [(f["funder"], f["recipient"], f["amount"]) for f in d["flows"]] == [
        ("S1", "N1", 500000.0),
        ("S1", "W1", 300000.0),
        ("S1", "N2", 200000.0),
    ]
    cats = {c["category"]: c for c in d["categories"]}
    assert cats["Workforce Development"]["amount"] == 900000.0
    assert cats["Workforce Development"]["amount_share"] == pytest.approx(0.818, abs=1e-3)
    assert cats["Education"]["award_share"] == 0.4


def test_helpers():
    assert hhi([1, 1, 2]) == pytest.approx(0.375)
    assert hhi([0, 0]) is None
    assert add_months(dt.date(2026, 11, 24), 6) == dt.date(2027, 5, 24)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_no_funding_sheet(make_graph):
    d = funding(make_graph({"partners": [["id", "name", "agency_type"], ["A", "A", "CC"]]})).to_dict()
    assert d["partners"] == [] and d["streams"] == [] and d["categories"] == []
