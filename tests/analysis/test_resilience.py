"""Tests of netmap.analysis.resilience on the hand-drawn "six" map."""

from __future__ import annotations

import pytest

from netmap.analysis.resilience import resilience
from tests.analysis.conftest import SIX
from tests.analysis.maps import DAYS, WORKBOOKS, both_paths, hand_made_tables, unbuilt, workbook


def test_partner_departures_by_hand(six):
    d = resilience(six, as_of="2026-11-24").to_dict()
    assert d["baseline"] == {"largest_component": 6, "cross_category_ties": 4}
    rows = {r["id"]: r for r in d["partners"]}
    # Without B: {C, D, E} is the largest part; A and F are cut off; A-B and B-C crossed.
    assert rows["B"]["largest_component"] == 3
    assert rows["B"]["cut_off"] == ["A", "F"]
    assert rows["B"]["cross_category_ties_lost"] == 2
    assert rows["B"]["types_lost"] == ["Local WIB"]  # the only WIB in North
    # Without C: {A, B, F} stays; D and E are cut off; B-C, C-D, C-E crossed.
    assert rows["C"]["cut_off"] == ["D", "E"]
    assert rows["C"]["cross_category_ties_lost"] == 3
    assert rows["C"]["types_lost"] == []  # A is a community college in North too
    assert rows["A"]["largest_component_loss"] == 0
    # B and C both cut off two; B also takes a type with it.
    assert [r["id"] for r in d["partners"][:2]] == ["B", "C"]
    assert d["key_partner"]["id"] == "B"


def test_champion_departure_takes_informal_ties(make_graph):
    sheets = {k: [list(r) for r in v] for k, v in SIX.items()}
    sheets["agreements"] = [["id", "parties", "type", "expires"], ["M1", "B;A", "MOU", "2030-01-01"]]
    sheets["contacts"] = [
        ["partner_id", "name", "title", "champion"],
        ["B", "Robin Example", "Director", "yes"],
        ["C", "Sam Example", "Dean", "yes"],
        ["C", "Kim Example", "Provost", "yes"],
    ]
    d = resilience(make_graph(sheets), as_of="2026-11-24").to_dict()
    people = d["people"]
    at_b = next(p for p in people if p["partner"] == "B")
    # B's ties: A (backed by MOU M1), C and F (informal). The informal ones go with Robin.
    assert at_b["informal_ties_lost"] == 2
    assert at_b["person"] == "Director"  # personal data stays out unless asked
    # Left: {A, B} (the MOU), {C, D, E} and {F}; the largest is {C, D, E}.
    assert at_b["largest_component"] == 3
    assert at_b["cut_off"] == ["A", "B", "F"]
    assert at_b["cross_category_ties_lost"] == 1  # B-C crossed; B-F did not
    # C has two champions: one leaving takes nothing.
    at_c = [p for p in people if p["partner"] == "C"]
    assert [p["informal_ties_lost"] for p in at_c] == [0, 0]
    assert d["key_person"]["partner"] == "B"


def test_champion_names_only_when_asked(make_graph):
    sheets = {**SIX, "contacts": [["partner_id", "name", "champion"], ["B", "Robin Example", "yes"]]}
    G = make_graph(sheets)
    assert resilience(G, as_of="2026-11-24").to_dict()["people"][0]["person"] == "champion 1"
    assert resilience(G, as_of="2026-11-24", include_contacts=True).to_dict()["people"][0]["person"] == "Robin Example"


def test_expired_agreements_do_not_protect_ties(make_graph):
    sheets = {
        **SIX,
        "agreements": [["id", "parties", "expires"], ["M1", "B;A;C;F", "2020-01-01"]],
        "contacts": [["partner_id", "name", "champion"], ["B", "Robin Example", "yes"]],
    }
    person = resilience(make_graph(sheets), as_of="2026-11-24").to_dict()["people"][0]
    assert person["informal_ties_lost"] == 3


def test_single_partner(make_graph):
    d = resilience(make_graph({"partners": [["id", "name", "agency_type"], ["A", "A", "CC"]]})).to_dict()
    assert d["partners"][0]["largest_component_loss"] == 0
    assert d["people"] == [] and d["key_person"] is None


# Issue 24: degrees read off the projection's own dicts, the ranking key written out;
# checked against P.degree and the ranking rule on the examples and generated maps.


@pytest.mark.parametrize("name", WORKBOOKS)
def test_partner_rows_degree_and_ranking_follow_the_rules(name, tmp_path_factory):
    import netmap
    from netmap.analysis._common import partner_graph
    from netmap.analysis.resilience import _rank
    from netmap.graphcache import shared_cache

    G = netmap.build_graph(workbook(name, tmp_path_factory))
    for day in DAYS:
        with shared_cache():
            result = resilience(G, as_of=day)
            P = partner_graph(G, day)
            assert [r["id"] for r in result.partners] != [] or P.number_of_nodes() == 0
            assert sorted(r["id"] for r in result.partners) == sorted(P)
            assert [r["degree"] for r in result.partners] == [P.degree(r["id"]) for r in result.partners]
            ranked = sorted(result.partners, key=lambda r: (*_rank(r), -r["degree"], str(r["name"])))
            assert result.partners == ranked


@pytest.mark.parametrize("name", WORKBOOKS)
def test_both_paths_agree_on_the_examples_and_generated_maps(name, tmp_path_factory):
    tables = workbook(name, tmp_path_factory)
    for day in DAYS:
        rows, graph = both_paths(tables, resilience, as_of=day)
        assert rows.to_dict() == graph.to_dict()


# Champions at partners whose contacts interleave, one partner with two (named and by
# title), one without a title, a contact who is no champion, a state partner in each region.
HAND_MADE = {
    "partners": """id,name,agency_type,level,region,status
A,Alpha,American Job Center,state,North,active
B,Beta,Local community-based organizations,local,North,
C,Gamma,American Job Center,state,South,active
D,Delta,Local community-based organizations,local,North,former
E,Epsilon,Local community-based organizations,local,South,
""",
    "ties": """source_id,target_id,kind,strength,directed,start,end
A,B,referral,3,no,,2025-01-01
A,C,collaboration,2,yes,2024-01-01,
B,C,collaboration,2,no,,
C,E,,1,no,,
B,E,referral,1,no,,
D,A,referral,1,no,,
""",
    "contacts": """partner_id,name,title,champion
C,Di Eng,,yes
A,Ann Lee,Director,yes
B,Cy Dee,Manager,yes
A,Bo Chan,,yes
E,Ed Fo,Lead,no
D,Flo Gu,Chair,yes
""",
    "funding": """id,stream,recipient_id,funder_id,amount,start,end
F1,WIOA Youth,B,A,100,2024-01-01,2027-01-01
""",
}


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    return hand_made_tables(tmp_path_factory.mktemp("resilience-hand-made"), HAND_MADE)


@pytest.mark.parametrize("include_contacts", [False, True])
def test_both_paths_agree_on_a_hand_made_map(hand_made, include_contacts):
    for day in DAYS:
        rows, graph = both_paths(hand_made, resilience, as_of=day, include_contacts=include_contacts)
        assert rows.to_dict() == graph.to_dict()
        assert len(rows.people) == 4 and rows.turnover


@pytest.mark.parametrize("name", [*WORKBOOKS, "hand-made"])
def test_the_rows_path_leaves_the_deferred_graph_unbuilt(name, tmp_path_factory, hand_made):
    # Issue 24: inside run_tables the graph is built only when something reads it.
    import netmap

    tables = hand_made if name == "hand-made" else workbook(name, tmp_path_factory)
    result, still_unbuilt = unbuilt(tables, resilience, as_of="2026-11-24", include_contacts=True)
    assert still_unbuilt
    assert result.partners
    graph = resilience(netmap.build_graph(tables), as_of="2026-11-24", include_contacts=True)
    assert result.to_dict() == graph.to_dict()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_partner_rows_sort_as_by_the_tuple_of_their_counts(seed):
    """The two-pass sort equals one sort by (loss, types, crossing, degree: worst first; name),
    with ties in every count, a degree past any small base, and names that are not text."""
    import random

    from netmap.analysis.resilience import _rank, _sort_partners

    rng = random.Random(seed)
    rows = [
        {
            "largest_component_loss": rng.choice([0, 0, 0, 1, 7]),
            "types_lost": rng.choice([[], [], ["AJC"]]),
            "cross_category_ties_lost": rng.randint(0, 3),
            "degree": rng.choice([1, 2, 3, 70_000]),
            "name": rng.choice(["a", "b", "B", "é", None, 7]),
        }
        for _ in range(400)
    ]
    expected = sorted(rows, key=lambda r: (*_rank(r), -r["degree"], str(r["name"])))
    _sort_partners(rows)
    assert rows == expected
    empty: list[dict] = []
    _sort_partners(empty)
    assert empty == []
