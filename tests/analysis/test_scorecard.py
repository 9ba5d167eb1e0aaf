"""Tests of netmap.analysis.scorecard and the full analysis on the "two regions" map."""

from __future__ import annotations

import pytest

from netmap.analysis import analyze
from netmap.analysis.scorecard import NOT_MEASURABLE, scorecard
from netmap.errors import UsageError
from tests.analysis.conftest import AS_OF


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
    # 3 kinds of source -> 1; 1 of 3 funded partners on one stream -> 2/3; 2 of 4 streams ending -> 1/2
    c = _cond(scorecard(two, as_of=AS_OF), "sustainable-funding")
    assert c["score"] == pytest.approx(100 * (1 + 2 / 3 + 1 / 2) / 3, abs=0.1)
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
    # N4 has roles, all advisory -> 0 of 1 engaged; N4 is tied to N2 (education) -> 1 of 1
    c = _cond(scorecard(two, as_of=AS_OF), "industry-engagement")
    assert c["score"] == 50.0
    assert any("advisory only: North Hospital" in e for e in c["evidence"])


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
        "findings",
        "scorecard",
        "gaps",
        "roles",
        "brokers",
        "formalisation",
        "funding",
        "resilience",
        "health",
    ]


def test_findings_name_what_is_wrong(two):
    texts = [f["text"] for f in analyze(two, as_of=AS_OF).to_dict()["findings"]]
    joined = "\n".join(texts)
    assert "People with disabilities are served in North (by North College) but no Vocational Rehabilitation" in joined
    # West has a WIB but no workforce service provider: not even the board-and-providers line.
    assert "The minimum local team is incomplete in West: 0 of 7 met" in joined
    assert "Employers that only advise: North Hospital." in joined
    assert "Agreement M2 expires in 21 day(s)." in joined
    assert "Agreement M3 has expired (2025-06-30)." in joined
    assert "1 partner(s) live on a single funding stream: West WIB." in joined
    severities = [f["severity"] for f in analyze(two, as_of=AS_OF).to_dict()["findings"]]
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
