"""Tests of netmap.analysis.funding on the "two regions" map."""

from __future__ import annotations

import datetime as dt

import pytest

import netmap
from netmap.analysis.funding import add_months, funding, hhi
from tests.analysis.conftest import AS_OF
from tests.analysis.maps import DAYS, WORKBOOKS, both_paths, unbuilt, workbook


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
    # WIOA's awards end 2027-03-31 (W1) and 2027-06-30 (N1): the stream runs to its last
    # current award, past the 6-month horizon (2027-05-24), so only the foundation grant ends.
    assert [(s["stream"], s["ends"]) for s in d["ending"]] == [("Community Foundation grant", dt.date(2026, 12, 31))]
    # W1's own award is ending all the same: that is a finding about W1's award.
    assert [(a["award_id"], a["recipient"], a["end"], a["days_left"]) for a in d["ending_awards"]] == [
        ("F2", "W1", dt.date(2027, 3, 31), 127),
        ("F5", "N1", dt.date(2026, 12, 31), 37),
    ]
    states = {s["stream"]: s["state"] for s in d["streams"]}
    assert (states["WIOA Title I Adult"], states["Perkins V"]) == ("active", "active")
    assert {s["stream"]: s["ends"] for s in d["streams"]}["WIOA Title I Adult"] == dt.date(2027, 6, 30)
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


# -- the funding of a date (DESIGN section 5b) ---------------------------------------------

PARTNERS = [
    ["id", "name", "agency_type"],
    ["V", "Valley Unified", "local-secondary-education-providers"],
    ["C", "Coast College", "CC"],
    ["S", "State Agency", "State Workforce Agency"],
]


def lapsing_book() -> dict:
    """Valley: a grant ended 2019 and a current one; Coast: its only award ended 2025-09-30;
    the state agency: an award that ended 2020 (history) and one planned for 2027."""
    return {
        "partners": PARTNERS,
        "funding": [
            ["id", "stream", "recipient_id", "funder_id", "amount", "start", "end"],
            ["A1", "California Career Pathways Trust", "V", "", "900000", "2014-07-01", "2019-06-30"],
            ["A2", "Perkins V", "V", "S", "100000", "2025-07-01", "2028-06-30"],
            ["A3", "Strong Workforce", "C", "S", "50000", "2023-10-01", "2025-09-30"],
            ["A4", "Old grant", "S", "", "10000", "2018-01-01", "2020-06-30"],
            ["A5", "New grant", "S", "", "20000", "2027-01-01", "2027-12-31"],
        ],
    }


def test_ended_awards_are_not_funding(make_graph):
    d = funding(make_graph(lapsing_book()), as_of="2026-12-07").to_dict()
    # Valley lives on one current stream; the 2019 grant is history, not a second stream.
    assert [(p["id"], p["streams"], p["stream_names"], p["amount"]) for p in d["partners"]] == [
        ("V", 1, ["Perkins V"], 100000.0)
    ]
    assert d["single_stream"] == [{"id": "V", "name": "Valley Unified", "stream": "Perkins V"}]
    # The chart is of current money only: one category, all of it.
    assert [(c["amount"], c["amount_share"], c["awards"]) for c in d["categories"]] == [(100000.0, 1.0, 1)]
    assert [(f["funder"], f["recipient"]) for f in d["flows"]] == [("S", "V")]
    states = {a["award_id"]: a["state"] for a in d["awards"]}
    assert states == {"A1": "lapsed", "A2": "current", "A3": "lapsed", "A4": "lapsed", "A5": "planned"}
    streams = {s["stream"]: (s["state"], s["ends"], s["awards"]) for s in d["streams"]}
    assert streams["California Career Pathways Trust"] == ("ended", dt.date(2019, 6, 30), 0)
    assert streams["New grant"] == ("planned", None, 0)


def test_lapsed_funding_names_the_partner_and_the_end(make_graph):
    d = funding(make_graph(lapsing_book()), as_of="2026-12-07").to_dict()
    # Coast's only award ended 14 months ago: lapsed. The state agency's last award ended in
    # 2020 (over 24 months ago): history, even with a grant planned for 2027.
    assert [(p["id"], p["ended"], [a["award_id"] for a in p["awards"]]) for p in d["lapsed"]] == [
        ("C", dt.date(2025, 9, 30), ["A3"])
    ]
    # On 2027-09-01 the planned grant runs: the state agency is funded; Coast's award ended 23
    # months before, still within 24 (not within 12, when asked for); on 2027-10-01 it is history.
    later = funding(make_graph(lapsing_book()), as_of="2027-09-01").to_dict()
    assert [p["id"] for p in later["partners"]] == ["S", "V"]
    assert [p["id"] for p in later["lapsed"]] == ["C"]
    assert funding(make_graph(lapsing_book()), as_of="2027-09-01", lapsed_within_months=12).lapsed == []
    assert funding(make_graph(lapsing_book()), as_of="2027-10-01").lapsed == []


# Issue 24: the awards are grouped in one pass, their state judged inline; checked here
# against award_state and plain counts, on the examples and generated maps at several days.


@pytest.mark.parametrize("name", WORKBOOKS)
def test_awards_states_and_groups_follow_the_rules(name, tmp_path_factory):
    import netmap
    from netmap.project import award_state

    G = netmap.build_graph(workbook(name, tmp_path_factory))
    funds = {d["award_id"]: d for _, _, d in G.edges(data=True) if d.get("type") == "FUNDS"}
    states = set()
    for day in DAYS:
        when = dt.date.fromisoformat(day)
        money = funding(G, as_of=day)
        assert [a["award_id"] for a in money.awards] == sorted(funds)
        assert [a["state"] for a in money.awards] == [award_state(funds[a], when) for a in sorted(funds)]
        states.update(a["state"] for a in money.awards)
        current = [a for a in money.awards if a["state"] == "current"]
        per_partner = {p["id"]: p["awards"] for p in money.partners}
        assert per_partner == {r: sum(a["recipient"] == r for a in current) for r in {a["recipient"] for a in current}}
        per_stream = {s["id"]: (s["awards"], s["awards_all"]) for s in money.streams}
        assert list(per_stream) == list(dict.fromkeys(a["stream_id"] for a in money.awards))
        for sid, counts in per_stream.items():
            assert counts == (
                sum(a["stream_id"] == sid for a in current),
                sum(a["stream_id"] == sid for a in money.awards),
            )
        assert [f["recipient"] for f in money.flows] == [a["recipient"] for a in current if a["funder"]]
    if name.startswith("generated-"):
        assert states == {"current", "lapsed", "planned"}


@pytest.mark.parametrize("name", WORKBOOKS)
def test_both_paths_agree_on_the_examples_and_generated_maps(name, tmp_path_factory):
    tables = workbook(name, tmp_path_factory)
    for day in DAYS:
        rows, graph = both_paths(tables, funding, as_of=day)
        assert rows.to_dict() == graph.to_dict()


@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_rows_path_leaves_the_deferred_graph_unbuilt(name, tmp_path_factory):
    # Issue 24: inside run_tables the graph is built only when something reads it.
    tables = workbook(name, tmp_path_factory)
    result, still_unbuilt = unbuilt(tables, funding, as_of="2026-11-24")
    assert still_unbuilt
    assert result.to_dict() == funding(netmap.build_graph(tables), as_of="2026-11-24").to_dict()


def test_both_paths_name_a_stream_by_its_first_spelling(tmp_path):
    from netmap.build import slug
    from tests.conftest import write_csv_workbook

    book = lapsing_book()
    book["funding"] = [
        *book["funding"],
        ["A6", "perkins  v", "C", "S", "5000", "2025-07-01", "2028-06-30"],
        ["A0", "PERKINS V", "S", "", "", "2025-07-01", ""],
    ]
    tables = netmap.read_workbook(write_csv_workbook(tmp_path / "spelled", book))
    rows, graph = both_paths(tables, funding, as_of="2026-12-07")
    assert rows.to_dict() == graph.to_dict()
    # One stream, as its first row (A2) writes it, whichever award sorts first.
    assert [(s["stream"], s["awards"]) for s in rows.streams if s["id"] == slug("Perkins V")] == [("Perkins V", 3)]
