"""The examples: each validates cleanly and the analyses find what its README promises."""

from __future__ import annotations

from pathlib import Path

import pytest

import netmap
from netmap.analysis import analyze
from netmap.analysis.suggest import suggest
from netmap.errors import WARNING
from tests.conftest import EXAMPLE_DIRS, EXAMPLES, TUCSON_MISSING_LOCAL

AS_OF = "2026-11-24"  # the day the example READMEs were written against


@pytest.fixture(scope="module")
def results():
    out = {}
    for folder in EXAMPLE_DIRS:
        G = netmap.read_graph(folder)
        out[folder.name] = analyze(G, as_of=AS_OF).to_dict()
    return out


def _missing(d, level, region):
    return {m["agency_type"] for m in d["gaps"]["missing"] if (m["level"], m["region"]) == (level, region)}


def _pop_gaps(d):
    return {(g["population"], g["region"], g["agency_type"]) for g in d["gaps"]["population_gaps"]}


def _ids(rows, key="id"):
    return [r[key] for r in rows]


def test_every_example_has_a_readme_that_says_what_is_real():
    for folder in EXAMPLE_DIRS:
        text = (folder / "README.md").read_text(encoding="utf-8")
        for heading in ("What is real", "What is illustrative", "What netmap should find"):
            assert heading in text, (folder.name, heading)


# The workbooks. The HSDS directory (pima-county-211) reports two organisations on purpose: see below.
@pytest.mark.parametrize("name", ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"])
def test_examples_validate_without_issues(name):
    assert netmap.read_workbook(EXAMPLES / name).issues == []


def test_tucson(results):
    d = results["tucson-behavioral-health"]
    assert _missing(d, "local", "Pima County") == set(TUCSON_MISSING_LOCAL)
    # No state partner: the state level is not assessed, and no partner is tied to the state.
    gaps = d["gaps"]
    assert (gaps["assessed_levels"], [n["level"] for n in gaps["not_assessed"]]) == (["local"], ["state"])
    assert not any(t["level"] == "state" for t in gaps["types"]) and gaps["state_tied"] is False
    (cover,) = gaps["coverage"]
    # The one-stop alone does not meet "board(s) and providers": the prospective WIB is missing.
    assert (cover["region"], cover["met"], cover["total"]) == ("Pima County", 4, 7)
    assert cover["missing"][0] == "Workforce board(s) and workforce service providers: Local WIB"
    wib = next(t for t in d["gaps"]["types"] if t["agency_type"] == "Local WIB" and t["region"] == "Pima County")
    assert wib["prospective"] == ["PCWIB"]
    assert [t["agency_type"] for t in d["gaps"]["peripheral"]] == ["Local faith-based organizations"]
    assert _pop_gaps(d) >= {
        ("TANF recipients", "Pima County", "Local TANF providers"),
        ("People with disabilities", "Pima County", "Vocational Rehabilitation"),
        ("Low-income adults", "Pima County", "Local human service agencies"),
        ("People with criminal records", "Pima County", "Reentry services"),
    }
    assert not any(g[0] == "American Indians and Alaska Natives" for g in _pop_gaps(d))  # the control case
    assert _ids(d["roles"]["advisory_only_employers"]) == ["DDC"]
    assert [u["role"] for u in d["roles"]["uncovered"]] == ["Provide training facilities and equipment"]
    assert d["roles"]["intermediaries"] == ["TIC"]
    formal = d["formalisation"]
    assert sorted(_ids(formal["expired"])) == ["TA01", "TA03"]
    assert [(a["id"], a["days_left"]) for a in formal["expiring"]] == [("TA02", 68)]
    assert sorted(_ids(formal["roles_without_agreement"])) == sorted(["DDC", "DBH", "SCR", "MPS", "SFP", "USDOL"])
    assert sorted(_ids(d["funding"]["single_stream"])) == ["MPS", "PCCABE", "PYT"]
    assert len(d["funding"]["ending"]) == 2
    assert set(d["brokers"]["articulation_points"]) == {"PCC", "TIC", "MPS"}
    assert [s["linked"] for s in d["brokers"]["state_links"]] == [False]  # USDOL is federal, not state
    assert {r["id"] for r in d["brokers"]["brokers"][:2]} == {"PCC", "TIC"}


def test_oregon(results):
    d = results["oregon-pathways-alliance"]
    assert _missing(d, "state", None) == {
        "State WIB",
        "State adult education agency",
        "State economic development agency",
        "State community-based organizations",
        "State faith-based organizations",
        "Private businesses",  # employers are checked at every level; Oregon's are all local
        "Public companies",
    }
    assert "Local WIB" in _missing(d, "local", "Mt. Hood")
    assert {"Local workforce agencies", "Local adult basic education providers", "Local TANF providers"} <= _missing(
        d, "local", "Lane"
    )
    cover = {(c["level"], c["region"]): c for c in d["gaps"]["coverage"]}
    assert (cover[("state", None)]["met"], cover[("state", None)]["total"]) == (3, 5)
    # A TANF provider without a human service agency meets half of an "and" line.
    assert cover[("local", "Portland Metro")]["missing"] == [
        "TANF providers and human service agencies: Local human service agencies"
    ]
    assert {r: cover[("local", r)]["met"] for r in ("Portland Metro", "Mt. Hood", "Lane")} == {
        "Portland Metro": 6,
        "Mt. Hood": 3,
        "Lane": 2,
    }
    assert "Workforce board(s) and workforce service providers" in cover[("local", "Central Oregon")]["unmet"]
    assert [(t["agency_type"], t["region"]) for t in d["gaps"]["peripheral"]] == [
        ("Local faith-based organizations", "Mt. Hood")
    ]
    assert _pop_gaps(d) >= {
        ("People with disabilities", "Willamette Valley", "Vocational Rehabilitation"),
        ("TANF recipients", "Lane", "Local TANF providers"),
        ("Veterans", "Central Oregon", "Veterans services"),
    }
    assert not any(g[0] == "English learners" for g in _pop_gaps(d))  # the control case
    assert _ids(d["roles"]["advisory_only_employers"]) == ["WVFOOD"]
    assert sorted(d["roles"]["intermediaries"]) == ["CTEN", "LEAGUE", "OPA"]
    assert sorted(_ids(d["formalisation"]["expired"])) == ["OA01", "OA04"]
    assert [(a["id"], a["days_left"]) for a in d["formalisation"]["expiring"]] == [("OA02", 52)]
    assert (d["formalisation"]["leadership_ties_backed"], d["formalisation"]["leadership_ties"]) == (19, 27)
    assert len(d["formalisation"]["signed_only_leadership_pairs"]) == 28
    assert [s["stream"] for s in d["funding"]["ending"]] == ["Oregon pathways state grant"]
    unlinked = [s["region"] for s in d["brokers"]["state_links"] if not s["linked"]]
    assert unlinked == ["Central Oregon"]
    assert d["brokers"]["brokers"][0]["id"] == "MHCC"
    key = d["resilience"]["key_partner"]
    assert (key["id"], key["largest_component_loss"]) == ("MHCC", 6)


def test_four_states_reproduces_the_illinois_case(results):
    d = results["four-state-coalitions"]
    res = d["resilience"]
    # Illinois's allies turning over together cut the whole state off; no other state is cut.
    worst = res["turnover"][0]
    assert (worst["region"], sorted(worst["partners"])) == ("Illinois", ["IL-DCEO", "IL-GOV"])
    assert worst["largest_component_loss"] == 11
    assert all(t["largest_component_loss"] == 0 for t in res["turnover"][1:])
    assert [p["partner"] for p in res["people"][:2]] == ["IL-DCEO", "IL-GOV"]
    # 3 each: the draft charter FA10 binds no one, so its co-signers are no tie at all (they
    # used to count as two more "informal" ties of IL-DCEO and one of IL-GOV).
    assert [p["informal_ties_lost"] for p in res["people"][:2]] == [3, 3]
    assert any("Illinois" in f["text"] and "change of administration" in f["text"] for f in d["findings"])
    assert d["brokers"]["brokers"][0]["id"] == "PTOP"
    assert d["brokers"]["brokers"][1]["id"] == "IL-DCEO"
    assert (res["key_partner"]["id"], res["key_partner"]["largest_component_loss"]) == ("PTOP", 35)


def test_four_states_gaps(results):
    d = results["four-state-coalitions"]
    for state in ("Tennessee", "Delaware", "California", "Illinois"):
        assert {"State human service agency", "State adult education agency"} <= _missing(d, "state", state)
    cover = {(c["level"], c["region"]): (c["met"], c["total"]) for c in d["gaps"]["coverage"]}
    assert cover == {
        **{("state", s): (n, 5) for s, n in [("Tennessee", 3), ("Delaware", 2), ("California", 2), ("Illinois", 2)]},
        **{("local", s): (2, 7) for s in ("Tennessee", "Delaware", "California", "Illinois")},
    }
    assert not _missing(d, "state", None)  # the national partners open no scope of their own
    assert "Local WIB" in _missing(d, "local", "Delaware")
    assert _pop_gaps(d) >= {
        ("Opportunity youth", "Tennessee", "Youth program"),
        ("Opportunity youth", "California", "Youth program"),
        ("People with disabilities", "Delaware", "Vocational Rehabilitation"),
        ("English learners", "Illinois", "Local adult basic education providers"),
    }
    assert sorted(_ids(d["roles"]["advisory_only_employers"])) == ["DE-IT", "IL-HC"]
    assert sorted(u["role"] for u in d["roles"]["uncovered"]) == ["Assess skills", "Provide job placement services"]
    assert sorted(_ids(d["formalisation"]["expired"])) == ["FA03", "FA09"]
    assert _ids(d["formalisation"]["expiring"]) == ["FA04"]


# -- the Pima County 211 directory (an HSDS 3.0 package) -------------------------------------

PIMA_211 = EXAMPLES / "pima-county-211"
OUT_OF_REGION = {"o-nusd": "Santa Cruz County", "o-ua-sv": "Cochise County", "o-seago": "Cochise County"}


def test_the_211_directory_warns_only_of_the_two_organisations_left_out_on_purpose():
    tables = netmap.read_workbook(PIMA_211)
    assert tables.errors == []
    assert [(i.code, i.severity, Path(i.file).name, i.row, i.column, i.value) for i in tables.issues] == [
        ("hsds-unmapped", WARNING, "organizations.csv", 35, "id", "o-foodbank"),
        ("hsds-unmapped", WARNING, "organizations.csv", 36, "id", "o-library"),
    ]
    assert "1 service and 1 funding row are left out" in tables.issues[0].message
    assert tables.counts() == {
        "partners": 33,
        "roles": 0,
        "agreements": 0,
        "funding": 13,
        "ties": 1,
        "services": 37,
        "contacts": 0,
        "needs": 0,
        "responses": 0,
    }


def test_the_211_directory_reads_types_levels_and_regions_through_its_mapping():
    partners = {p["id"]: p for p in netmap.read_workbook(PIMA_211)["partners"]}
    expected = {
        # a term the roster knows, a term the mapping names, a region found through a service's location
        "o-pcwdb": ("local-wib", "local", "Pima County"),
        "o-ua": ("local-universities", "local", "Pima County"),
        "o-jobcorps": ("youth-program", "local", "Pima County"),
        # addresses with a city only: the mapping's regions put them in the county
        "o-amphi": ("local-secondary-education-providers", "local", "Pima County"),
        "o-marana-usd": ("local-secondary-education-providers", "local", "Pima County"),
        "o-des-fa-nw": ("local-tanf-providers", "local", "Pima County"),
        "o-suncorridor": ("local-economic-development-agency", "local", "Pima County"),
        # state agencies (a level term; ADE through 'organizations:'): no region, whatever office they list
        "o-des": ("state-human-service-agency", "state", None),
        "o-aca": ("state-economic-development-agency", "state", None),
        "o-ade": ("state-secondary-education-agency", "state", None),
        # the neighbouring counties
        "o-nusd": ("local-secondary-education-providers", "local", "Santa Cruz County"),
        "o-ua-sv": ("local-universities", "local", "Cochise County"),
        "o-seago": ("local-economic-development-agency", "local", "Cochise County"),
    }
    got = {pid: (partners[pid]["agency_type_id"], partners[pid]["level"], partners[pid]["region"]) for pid in expected}
    assert got == expected
    assert not {"o-foodbank", "o-library"} & set(partners)


@pytest.fixture(scope="module")
def tucson_and_211():
    return netmap.read_graph(EXAMPLES / "tucson-behavioral-health"), netmap.read_workbook(PIMA_211)


def _proposed(result):
    return [(g.region, g.agency_type, [c.id for c in g.candidates]) for g in result.gaps if g.candidates]


# What `netmap suggest examples/tucson-behavioral-health --directory examples/pima-county-211`
# proposes (the README says it in words): Pima County's gaps, names in order. Tucson lists no
# state partner, so its state level is not assessed and the directory's state agencies are not
# proposed.
TUCSON_CANDIDATES = [
    ("Pima County", "Local WIB", ["o-pcwdb"]),
    ("Pima County", "Local secondary education providers", ["o-amphi", "o-marana-usd", "o-jted", "o-susd", "o-tusd"]),
    ("Pima County", "Local universities", ["o-ua"]),
    ("Pima County", "Local TANF providers", ["o-des-fa-nw", "o-des-fa-south"]),
    ("Pima County", "Local human service agencies", ["o-tucson-hcd", "o-pcaa"]),
    ("Pima County", "Public companies", ["o-pc-hr", "o-tep"]),
    ("Pima County", "Local economic development agency", ["o-pced", "o-suncorridor"]),
    # Populations Tucson serves call for these types, which no partner is.
    ("Pima County", "Vocational Rehabilitation", ["o-des-rsa"]),
    ("Pima County", "Reentry services", ["o-opcs"]),
]


def test_the_211_directory_proposes_candidates_for_every_tucson_gap(tucson_and_211):
    G, directory = tucson_and_211
    result = suggest(G, directory)
    assert _proposed(result) == TUCSON_CANDIDATES
    # Every local type Tucson lacks gets at least one candidate from the county.
    assert {t for r, t, _ in TUCSON_CANDIDATES[:-2] if r == "Pima County"} == set(TUCSON_MISSING_LOCAL)
    assert [(g.kind, g.population) for g in result.gaps if g.kind == "population"] == [
        ("population", "People with disabilities"),
        ("population", "People with criminal records"),
    ]
    assert {c.nearness for g in result.gaps for c in g.candidates} == {"in region"}
    assert all(g.more == 0 for g in result.gaps)
    wib = next(g for g in result.gaps if g.agency_type == "Local WIB")
    # The board under its WIOA name is not recognised as the prospective PCWIB row: both are shown.
    assert wib.prospective == ["Pima County Workforce Investment Board"]
    assert result.directory == {"rows": 33, "already_partners": 2, "candidates": 31, "used": 17}


def test_the_211_directory_skips_tucsons_partners(tucson_and_211):
    G, directory = tucson_and_211
    result = suggest(G, directory)
    assert [(a["id"], a["partner_id"], a["source_row"]) for a in result.already_partners] == [
        ("o-pcos", "PCOS", 3),  # Pima County One Stop, same name
        ("o-pcc", "PCC", 5),  # Pima Community College, same name
    ]
    proposed = {c.id for g in result.gaps for c in g.candidates}
    assert not proposed & {"o-pcos", "o-pcc"}


def test_neighbouring_counties_are_proposed_only_anywhere(tucson_and_211):
    G, directory = tucson_and_211
    proposed = {c.id for g in suggest(G, directory).gaps for c in g.candidates}
    assert not proposed & set(OUT_OF_REGION)
    wide = suggest(G, directory, anywhere=True, top=None)
    elsewhere = {(c.id, c.region) for g in wide.gaps for c in g.candidates if c.nearness == "elsewhere"}
    assert elsewhere == set(OUT_OF_REGION.items())
    # Each comes after the county's own candidates for its type.
    added = {
        "Local secondary education providers": "o-nusd",
        "Local universities": "o-ua-sv",
        "Local economic development agency": "o-seago",
    }
    assert _proposed(wide) == [(r, t, [*ids, added[t]] if t in added else ids) for r, t, ids in TUCSON_CANDIDATES]
    # With the default top of 5, the sixth school district is counted, not listed.
    gaps = suggest(G, directory, anywhere=True).gaps
    schools = next(g for g in gaps if g.agency_type_id == "local-secondary-education-providers")
    assert ([c.id for c in schools.candidates][-1], schools.more) == ("o-tusd", 1)
