"""The service inventory on hand-made graphs (PROVIDES edges as netmap.build makes them)."""

from __future__ import annotations

import copy
import datetime as dt

import networkx as nx
import pytest

import netmap
from netmap.analysis.services import has_services, service_inventory
from netmap.errors import UsageError
from tests.analysis.maps import DAYS, WORKBOOKS, both_paths, hand_made_tables, unbuilt, workbook

DAY = "2026-12-07"


def graph(providers, *, ties=(), awards=(), needs=None, partners=None):
    """Partners A-F in North (E, F in South) and ``providers``: (partner, service, population, attrs)."""
    G = nx.MultiDiGraph(map_id="t")
    regions = partners or {"A": "North", "B": "North", "C": "North", "D": "North", "E": "South", "F": "South"}
    for p, region in regions.items():
        G.add_node(f"Partner:{p}", label="Partner", id=p, name=f"P{p}", region=region, status=None)
    for pop, name in (("youth", "Youth"), ("adults", "Adults")):
        G.add_node(f"Population:{pop}", label="Population", id=pop, name=name, calls_for=[])
    for row, (p, service, pop, attrs) in enumerate(providers, start=2):
        G.add_node(f"Service:{service}", label="Service", id=service, name=service)
        data = {
            "type": "PROVIDES",
            "service_id": service,
            "population": pop,
            "region": None,
            "capacity": None,
            "waitlist": None,
            "funding_id": None,
            "refers_to": [],
            "accepts_referrals_from": [],
            "_sheet": "services",
            "_row": row,
        }
        data.update(attrs)
        G.add_edge(f"Partner:{p}", f"Service:{service}", key=f"PROVIDES:{service}:{pop}", **data)
    for row, (a, b, kind, end) in enumerate(ties, start=2):
        G.add_edge(f"Partner:{a}", f"Partner:{b}", key=f"TIED_TO:{row}", type="TIED_TO", kind=kind, end=end, _row=row)
    for award, stream, to, end in awards:
        G.add_node(f"FundingStream:{stream}", label="FundingStream", id=stream, name=stream.upper())
        G.add_edge(
            f"FundingStream:{stream}", f"Partner:{to}", key=f"FUNDS:{award}", type="FUNDS", award_id=award, end=end
        )
    if needs is not None:
        G.graph["needs"] = needs
    return G


def cells(inv):
    return {(c["region"], c["service"], c["population"]): [p["id"] for p in c["providers"]] for c in inv.cells}


def test_coverage_matrix_lists_providers_per_region_service_and_population():
    G = graph(
        [
            ("A", "training", "youth", {}),
            ("B", "training", "youth", {}),
            ("C", "training", "youth", {}),
            ("A", "child-care", "youth", {}),
            ("E", "training", "adults", {}),
            ("A", "assessment", "adults", {"region": "South"}),  # the row's region wins
        ]
    )
    inv = service_inventory(G, as_of=DAY)
    assert cells(inv) == {
        ("North", "training", "youth"): ["A", "B", "C"],
        ("North", "child-care", "youth"): ["A"],
        ("South", "training", "adults"): ["E"],
        ("South", "assessment", "adults"): ["A"],
    }
    assert [r["region"] for r in inv.regions] == ["North", "South"]
    assert [s["id"] for s in inv.regions[1]["services"]] == ["assessment", "training"]  # taxonomy order
    assert [(c["service"], c["population"]) for c in inv.duplicated] == [("training", "youth")]
    assert sorted((c["region"], c["service"]) for c in inv.fragile) == [
        ("North", "child-care"),
        ("South", "assessment"),
        ("South", "training"),
    ]


def test_deserts_are_the_needed_services_a_served_population_gets_from_no_one():
    # Youth in North get training and child care: training is a step of two pathways and the
    # only one they get, so no pathway is theirs yet; training's needs are needed.
    G = graph([("A", "training", "youth", {}), ("B", "child-care", "youth", {})])
    inv = service_inventory(G, as_of=DAY)
    deserts = {d["service"]: d["why"] for d in inv.deserts}
    assert sorted(deserts) == ["financial-coaching", "transportation"]
    assert deserts["transportation"] == ["needed by Occupational training"]
    assert {d["population"] for d in inv.deserts} == {"youth"}


@pytest.mark.parametrize(
    ("gets", "expected"),
    [
        # outreach is the career pathway's own step: the whole pathway is needed
        (["outreach"], ["assessment", "training", "job-placement"]),
        # assessment is in every pathway: alone it says no way
        (["assessment"], []),
        # two steps of the bridge (and of the career pathway): both are theirs
        (
            ["assessment", "training"],
            ["outreach", "adult-education", "job-placement", "child-care", "transportation", "financial-coaching"],
        ),
        # work-based learning is earn-and-learn's own step
        (["work-based-learning"], ["assessment", "job-placement", "child-care", "transportation"]),
    ],
)
def test_a_population_is_on_a_pathway_with_two_steps_or_one_of_its_own(gets, expected):
    inv = service_inventory(graph([("A", s, "adults", {}) for s in gets]), as_of=DAY)
    assert [d["service"] for d in inv.deserts] == expected


def test_a_service_not_on_a_pathway_and_needing_nothing_makes_no_desert():
    inv = service_inventory(graph([("A", "legal", "adults", {})]), as_of=DAY)
    assert inv.deserts == []
    assert [c["service"] for c in inv.fragile] == ["legal"]


@pytest.mark.parametrize(
    ("ties", "attrs", "state"),
    [
        ((), {}, "no-referral"),
        ((("A", "B", "referral", None),), {}, "linked"),
        ((("B", "A", "referral", None),), {}, "linked"),  # either direction
        ((("A", "B", "collaboration", None),), {}, "no-referral"),  # not a referral
        ((("A", "B", "referral", dt.date(2025, 6, 30)),), {}, "no-referral"),  # lapsed
        ((), {"refers_to": ["B"]}, "linked"),
        ((), {"accepts_referrals_from": ["B"]}, "linked"),
    ],
)
def test_consecutive_pathway_steps_need_a_current_referral_tie(ties, attrs, state):
    G = graph([("A", "assessment", "adults", attrs), ("B", "training", "adults", {})], ties=ties)
    inv = service_inventory(G, as_of=DAY)
    step = [p for p in inv.pathways if p["pathway"] == "career-pathway" and p["from"] == "assessment"]
    assert [(p["region"], p["to"], p["state"]) for p in step] == [("North", "training", state)]


def test_one_partner_providing_both_steps_links_them_and_a_missing_step_is_said():
    G = graph([("A", "assessment", "adults", {}), ("A", "training", "youth", {})])
    inv = service_inventory(G, as_of=DAY)
    states = {(p["kind"], p["from"], p["to"]): p["state"] for p in inv.pathways}
    assert states[("pathway", "assessment", "training")] == "linked"
    assert states[("pathway", "outreach", "assessment")] == "step-missing"
    assert states[("needs", "training", "child-care")] == "step-missing"
    assert ("needs", "job-placement", "transportation") not in states  # no placement here
    assert inv.missing_referrals == []


def test_capacity_counts_a_two_population_row_once_in_its_region():
    G = graph(
        [
            ("A", "training", "youth", {"capacity": 40, "waitlist": 5, "_row": 2}),
            ("A", "training", "adults", {"capacity": 40, "waitlist": 5, "_row": 2}),  # same row
            ("B", "training", "youth", {"capacity": 20, "_row": 3}),
            ("E", "training", "youth", {"capacity": 10, "_row": 4}),
        ],
        needs=[{"region": "North", "population": "youth", "count": 3000}, {"region": "South", "population": "Youth"}],
    )
    inv = service_inventory(G, as_of=DAY)
    assert inv.capacity_by_region == [
        {"region": "North", "seats": 60, "waitlist": 5},
        {"region": "South", "seats": 10, "waitlist": 0},
    ]
    got = {(c["region"], c["population"]): (c["seats"], c["waitlist"], c["seats_per_1000"]) for c in inv.capacity}
    assert got == {
        ("North", "adults"): (40, 5, None),
        ("North", "youth"): (60, 5, 20.0),
        ("South", "youth"): (10, 0, None),  # a needs row without a count gives no rate
    }


def test_funding_by_service_counts_current_awards_only():
    G = graph(
        [
            ("A", "training", "youth", {"funding_id": "F1"}),
            ("B", "training", "adults", {"funding_id": "F2"}),
            ("C", "child-care", "youth", {"funding_id": "F3"}),
            ("D", "child-care", "adults", {"funding_id": "F-ended"}),
            ("D", "legal", "adults", {"funding_id": "nope"}),
        ],
        awards=[
            ("F1", "wioa", "A", None),
            ("F2", "pell", "B", dt.date(2027, 6, 30)),
            ("F3", "ccdf", "C", None),
            ("F-ended", "tanf", "D", dt.date(2025, 6, 30)),
        ],
    )
    inv = service_inventory(G, as_of=DAY)
    by = {f["service"]: (f["streams"], f["not_current"]) for f in inv.funding}
    assert by == {
        "training": (["PELL", "WIOA"], []),
        "child-care": (["CCDF"], ["F-ended"]),
        "legal": ([], ["nope"]),
    }
    assert [f["service"] for f in inv.single_stream] == ["child-care"]
    # After F2 ends, training rests on WIOA alone.
    later = service_inventory(G, as_of="2027-07-01")
    assert sorted(f["service"] for f in later.single_stream) == ["child-care", "training"]


def test_inactive_partners_provide_nothing_and_the_region_option_narrows():
    G = graph([("A", "training", "youth", {}), ("B", "training", "youth", {}), ("E", "legal", "adults", {})])
    G.nodes["Partner:B"]["status"] = "former"
    assert cells(service_inventory(G, as_of=DAY, region="north")) == {("North", "training", "youth"): ["A"]}
    with pytest.raises(UsageError, match="no region 'West'"):
        service_inventory(G, as_of=DAY, region="West")


def test_old_style_rows_are_matched_by_their_text_and_unknown_text_keeps_its_own_row():
    G = graph([("A", "x", "youth", {}), ("B", "y", "youth", {})])
    for u, _, d in G.edges(data=True):
        del d["service_id"]  # a graph built before the column existed
        d["service_as_written"] = "Youth job training program" if u == "Partner:A" else "Mechatronics degree"
    inv = service_inventory(G, as_of=DAY)
    assert sorted(cells(inv)) == [("North", "other:y", "youth"), ("North", "training", "youth")]


def test_the_graph_is_not_modified():
    G = graph([("A", "training", "youth", {"capacity": 5})], needs=[])
    before = (
        copy.deepcopy(dict(G.nodes(data=True))),
        copy.deepcopy(list(G.edges(keys=True, data=True))),
        dict(G.graph),
    )
    service_inventory(G, as_of=DAY)
    assert (dict(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph)) == before


@pytest.mark.parametrize("example", ["tucson-behavioral-health", "four-state-coalitions", "oregon-pathways-alliance"])
def test_the_bundled_examples_read_as_an_inventory(example):
    G = netmap.read_graph(f"examples/{example}")
    assert has_services(G)
    d = service_inventory(G, as_of="2026-11-24").to_dict()
    assert set(d) >= {"regions", "deserts", "fragile", "duplicated", "capacity", "pathways", "funding", "single_stream"}
    assert d["regions"] and all(r["cells"] for r in d["regions"])
    assert d["capacity"] == [] and d["funding"] == []  # old-style rows: no capacity, no funding_id


def test_tucson_matches_its_service_texts_to_the_taxonomy():
    inv = service_inventory(netmap.read_graph("examples/tucson-behavioral-health"), as_of="2026-11-24")
    services = [s["id"] for s in inv.regions[0]["services"]]
    assert services[:4] == ["case-management", "career-counseling", "adult-education", "job-placement"]


# Issue 24: the pathways read each partner's referral partners instead of every pair of
# providers; the states are those of the rule, checked here the plain way.


def _pathway_states_by_the_rule(G, inv, day):
    """Each pathway entry's state, from the inventory's cells and every current referral
    tie or services row between two partners (either direction), pair by pair."""
    from netmap.project import current_edges
    from netmap.roster import slug

    providers: dict = {}
    for cell in inv.cells:
        providers.setdefault((cell["region"], cell["service"]), set()).update(p["id"] for p in cell["providers"])
    pairs = set()
    for u, v, d in current_edges(G, "TIED_TO", day):
        a, b = G.nodes[u].get("id"), G.nodes[v].get("id")
        if slug(str(d.get("kind") or "")) == "referral" and a and b and a != b:
            pairs.add(frozenset((a, b)))
    for u, _, d in G.edges(data=True):
        if d.get("type") == "PROVIDES":
            for other in [*d.get("refers_to", ()), *d.get("accepts_referrals_from", ())]:
                if other and other != G.nodes[u]["id"]:
                    pairs.add(frozenset((G.nodes[u]["id"], str(other))))
    states = []
    for p in inv.pathways:
        pa, pb = providers.get((p["region"], p["from"]), set()), providers.get((p["region"], p["to"]), set())
        if not pa or not pb:
            states.append("step-missing")
        elif pa & pb or any(frozenset((x, y)) in pairs for x in pa for y in pb):
            states.append("linked")
        else:
            states.append("no-referral")
    return states


@pytest.mark.parametrize("name", WORKBOOKS)
def test_pathway_states_follow_the_rule_on_examples_and_generated_maps(name, tmp_path_factory):
    G = netmap.build_graph(workbook(name, tmp_path_factory))
    seen = set()
    for day in DAYS:
        inv = service_inventory(G, as_of=day)
        got = [p["state"] for p in inv.pathways]
        assert got == _pathway_states_by_the_rule(G, inv, dt.date.fromisoformat(day))
        for p in inv.pathways:
            names = {x["name"] for c in inv.cells if c["region"] == p["region"] for x in c["providers"]}
            assert p["from_providers"] == sorted(p["from_providers"]) and set(p["from_providers"]) <= names
        seen.update(got)
    if name.startswith("generated-"):
        assert {"linked", "no-referral", "step-missing"} <= seen, seen


@pytest.mark.parametrize("name", WORKBOOKS)
def test_both_paths_agree_on_the_examples_and_generated_maps(name, tmp_path_factory):
    tables = workbook(name, tmp_path_factory)
    for day in DAYS:
        rows, graph = both_paths(tables, service_inventory, as_of=day)
        assert rows.to_dict() == graph.to_dict()


# A map with what the rows path must read as the graph does: a row of two populations, one
# of them also named by another row of the partner (two edges of one key), populations and a
# service the roster does not know, written two ways in one region, partners whose rows
# interleave, an inactive partner, dated referral ties (one directed, one linking the only
# providers of two steps in the South) and a stream written two ways.
HAND_MADE = {
    "partners": """id,name,agency_type,level,region,status
A,Alpha,American Job Center,state,North,active
B,Beta,Local community-based organizations,local,North,
C,Gamma,American Job Center,state,South,active
D,Delta,Local community-based organizations,local,North,former
E,Epsilon,Local community-based organizations,local,,
""",
    "services": """partner_id,service,population,region,capacity,waitlist,funding_id,refers_to,accepts_referrals_from
B,Career assessment,Youth; Beekeepers,,10,2,F1,,
A,Job training,Youth,,5,,F2,B,
A,Career assessment,Youth,,,,,,
B,Job training,Adults,South,3,1,F1,,C
D,Child care,Adults,,4,,,,
E,Knitting circle,Beekeepers,North,2,,F3,,
C,Job training,,North,,,,A,
A,Job Training,Adults,,1,,,,
A,Job training,Youth; Beekeepers,,2,,,,
C,Knitting Circle!,Beekeepers,North,,,,,
E,Career assessment,Youth,South,,,,,
""",
    "ties": """source_id,target_id,kind,strength,directed,start,end
A,B,referral,3,no,,2025-01-01
A,C,Referral,2,yes,2024-01-01,
B,C,collaboration,2,no,,
C,E,,1,no,,
B,E,referral,1,no,2025-06-01,2030-01-01
""",
    "funding": """id,stream,recipient_id,funder_id,amount,start,end
F1,WIOA Youth,B,A,100,2024-01-01,2027-01-01
F2,wioa youth,A,,50,2020-01-01,2030-01-01
F3,State grant,E,,10,2028-01-01,
""",
}


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    return hand_made_tables(tmp_path_factory.mktemp("services-hand-made"), HAND_MADE)


@pytest.mark.parametrize("region", [None, "North", "south"])
def test_both_paths_agree_on_a_hand_made_map(hand_made, region):
    G = netmap.build_graph(hand_made)
    keys = [k for _, _, k, d in G.edges(keys=True, data=True) if d["type"] == "PROVIDES"]
    assert "PROVIDES:Service:job-training:youth:10" in keys  # row 10's edge of a key row 3 has
    for day in DAYS:
        rows, graph = both_paths(hand_made, service_inventory, as_of=day, region=region)
        assert rows.to_dict() == graph.to_dict()
        assert rows.cells and rows.capacity and rows.funding and rows.pathways
        if region is None:  # E and B, assessment and training in the South, refer to each other 2025-2029
            south = {
                p["state"]
                for p in rows.pathways
                if (p["region"], p["from"], p["to"]) == ("South", "assessment", "training")
            }
            assert south == ({"linked"} if day == "2026-11-24" else {"no-referral"})
    assert both_paths(hand_made, has_services) == (True, True)


@pytest.mark.parametrize("name", [*WORKBOOKS, "hand-made"])
def test_the_rows_path_leaves_the_deferred_graph_unbuilt(name, tmp_path_factory, hand_made):
    # Issue 24: inside run_tables the graph is built only when something reads it.
    tables = hand_made if name == "hand-made" else workbook(name, tmp_path_factory)
    (found, inv), still_unbuilt = unbuilt(tables, lambda G: (has_services(G), service_inventory(G, as_of="2026-11-24")))
    assert found and still_unbuilt
    assert inv.cells
    assert inv.to_dict() == service_inventory(netmap.build_graph(tables), as_of="2026-11-24").to_dict()
