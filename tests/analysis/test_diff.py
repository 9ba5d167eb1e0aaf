"""netmap.analysis.diff: two snapshots of the four-state example, and hand-made edits."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netmap
from netmap.analysis import analyze
from netmap.analysis.diff import diff
from netmap.cli import app
from tests.conftest import EXAMPLES

FOUR = EXAMPLES / "four-state-coalitions"
ALLIES = {"IL-DCEO", "IL-GOV"}  # Illinois's two state-level champions


def without(folder: Path, out: Path, gone: set[str]) -> Path:
    """A copy of a CSV workbook with every row naming one of ``gone`` left out."""
    shutil.copytree(folder, out)
    for path in out.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        keep = [rows[0]] + [r for r in rows[1:] if not {x.strip() for c in r for x in c.split(";")} & gone]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(keep)
    return out


@pytest.fixture(scope="module")
def after_turnover(tmp_path_factory) -> Path:
    return without(FOUR, tmp_path_factory.mktemp("snap") / "2027", ALLIES)


def test_the_illinois_allies_leaving_shows_in_the_diff(after_turnover):
    d = diff(netmap.read_graph(FOUR), netmap.read_graph(after_turnover), as_of="2026-07-01")
    assert {p["id"] for p in d.partners_lost} == ALLIES
    assert d.partners_gained == [] and d.partners_renamed == []
    assert len(d.ties_lost) == 6 and all(ALLIES & {t["source"], t["target"]} for t in d.ties_lost)
    assert [a["id"] for a in d.agreements_lost] == ["FA10"]
    assert sorted(f["id"] for f in d.funding_lost) == ["FF19", "FF22"]
    assert d.gaps_opened == [
        {
            "level": "state",
            "region": "Illinois",
            "agency_type": "State economic development agency",
            "category": "Economic Development",
        }
    ]
    assert d.gaps_closed == []
    fallen = {b["id"]: b for b in d.brokers_fallen}
    assert fallen["IL-DCEO"]["old_rank"] == 2 and not fallen["IL-DCEO"]["still_partner"]
    assert "IL-GOV" in fallen
    assert d.changed


def test_the_same_snapshot_twice_changes_nothing():
    G = netmap.read_graph(FOUR)
    d = diff(G, copy.deepcopy(G), as_of="2026-07-01")
    assert not d.changed
    assert all(c["change"] == 0 for c in d.scorecard)


def test_renamed_and_changed_partners_are_matched_by_id(small_workbook):
    old = netmap.read_graph(small_workbook)
    new = copy.deepcopy(old)
    new.nodes["Partner:P1"]["name"] = "Pima College"
    new.nodes["Partner:P4"]["team"] = "leadership"
    new.remove_edge("Partner:P1", "Partner:P2", key="TIED_TO:2")
    d = diff(old, new, as_of="2026-07-01")
    assert d.partners_renamed == [{"id": "P1", "old_name": "Pima Community College", "new_name": "Pima College"}]
    assert d.partners_lost == [] and d.partners_gained == []
    assert d.partners_changed == [
        {"id": "P4", "name": "Desert Diamond Casino", "changes": {"team": {"old": "stakeholder", "new": "leadership"}}}
    ]
    assert d.ties_lost == [{"source": "P1", "target": "P2", "kind": "referral"}]
    before = copy.deepcopy(list(old.nodes(data=True)))
    diff(old, new, as_of="2026-07-01")
    assert list(old.nodes(data=True)) == before


def test_diff_command(after_turnover):
    runner = CliRunner()
    result = runner.invoke(app, ["diff", str(FOUR), str(after_turnover), "--as-of", "2026-07-01", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {p["id"] for p in doc["partners_lost"]} == ALLIES and doc["changed"]
    table = runner.invoke(app, ["diff", str(FOUR), str(after_turnover), "--as-of", "2026-07-01"])
    assert table.exit_code == 0
    assert "Partners lost (2)" in table.stdout and "Office of the Governor of Illinois" in table.stdout
    assert "Roster gaps opened (1)" in table.stdout


# -- Everything the analysis says: a hand-made North map, then a year on -------------------------
#
# Before: a college C, a workforce board W and human services H lead; an employer E advises.
# Ties E-C, C-W, W-H (a path: C and W are cut points). C serves people with disabilities and
# no Vocational Rehabilitation partner is at the table (a population gap). Only W provides
# labour market information; no one provides training facilities. M1 (C, W) expired in 2025,
# M2 (W, H) runs to 2027. C is funded by Perkins V, H by a county levy.
#
# After: a VR office V joins (tied to H) and brings a state VR grant; H and E are tied (a
# cycle E-C-W-H: only H, V's one link, is a cut point); C adds labour market information and E
# offers training facilities; M1 is renewed to 2028, M2 terminated; the county levy is gone.

AS_OF = "2026-11-24"

NORTH = {
    "partners": [
        ["id", "name", "agency_type", "level", "region", "team"],
        ["C", "North College", "Local community colleges", "local", "North", "leadership"],
        ["W", "North Workforce Board", "Local WIB", "local", "North", "leadership"],
        ["H", "North Human Services", "Local human service agencies", "local", "North", "leadership"],
        ["E", "North Plastics", "Private businesses", "local", "North", "stakeholder"],
    ],
    "ties": [
        ["source_id", "target_id", "kind"],
        ["E", "C", "advisory"],
        ["C", "W", "collaboration"],
        ["W", "H", "referral"],
    ],
    "roles": [
        ["partner_id", "role"],
        ["W", "Provide labor market information"],
        ["C", "Design programs"],
        ["E", "Advise (advisory committee)"],
    ],
    "services": [["partner_id", "service", "population"], ["C", "Adult basic education", "People with disabilities"]],
    "agreements": [
        ["id", "parties", "type", "signed", "expires", "status"],
        ["M1", "C;W", "MOU", "2023-07-01", "2025-06-30", ""],
        ["M2", "W;H", "MOU", "2024-07-01", "2027-06-30", ""],
    ],
    "funding": [
        ["id", "stream", "recipient_id", "amount", "start", "end"],
        ["F1", "Perkins V", "C", "200000", "2025-07-01", "2027-06-30"],
        ["F2", "County levy", "H", "50000", "2025-07-01", "2027-06-30"],
    ],
}


def a_year_on() -> dict[str, list[list[str]]]:
    sheets = copy.deepcopy(NORTH)
    sheets["partners"].append(
        ["V", "North Vocational Rehabilitation", "Vocational Rehabilitation", "local", "North", "operations"]
    )
    sheets["ties"] += [["H", "E", "collaboration"], ["V", "H", "referral"]]
    sheets["roles"] += [["C", "Provide labor market information"], ["E", "Provide training facilities and equipment"]]
    sheets["agreements"][1] = ["M1", "C;W", "MOU", "2025-07-01", "2028-06-30", ""]
    sheets["agreements"][2] = ["M2", "W;H", "MOU", "2024-07-01", "2027-06-30", "terminated"]
    sheets["funding"][2] = ["F3", "State VR grant", "V", "80000", "2026-01-01", "2027-12-31"]
    return sheets


@pytest.fixture
def north(make_graph):
    return make_graph(NORTH), make_graph(a_year_on())


def test_a_vr_partner_closes_the_disability_gap(north):
    d = diff(*north, as_of=AS_OF)
    assert d.population_gaps_closed == [
        {
            "population_id": "people-with-disabilities",
            "population": "People with disabilities",
            "region": "North",
            "agency_type_id": "vocational-rehabilitation",
            "agency_type": "Vocational Rehabilitation",
            "served_by": ["C"],
        }
    ]
    assert d.population_gaps_opened == []
    # The other way round, the gap opens.
    back = diff(*reversed(north), as_of=AS_OF)
    assert back.population_gaps_opened == d.population_gaps_closed and back.population_gaps_closed == []


def test_role_gaps_closed_and_opened(north):
    d = diff(*north, as_of=AS_OF)
    facilities = ("provide-training-facilities", "Provide training facilities and equipment")
    lmi = ("provide-labor-market-information", "Provide labor market information")
    assert [
        (r["role_id"], r["role"], r["gap"], r["partners_before"], r["partners_now"]) for r in d.role_gaps_closed
    ] == [
        (*facilities, "uncovered", [], ["E"]),
        (*lmi, "single_partner", ["W"], ["C", "W"]),
    ]
    # Training facilities went from no one to one partner: no longer uncovered, now single.
    assert [(r["role_id"], r["gap"], r["partners_now"]) for r in d.role_gaps_opened] == [
        (facilities[0], "single_partner", ["E"])
    ]


def test_funding_streams_lapsed_and_new(north):
    d = diff(*north, as_of=AS_OF)
    assert [(s["id"], s["old_state"], s["new_state"], s["recipients"]) for s in d.streams_lapsed] == [
        ("county-levy", "active", None, ["H"])
    ]
    assert [(s["id"], s["old_state"], s["new_state"], s["recipients"]) for s in d.streams_new] == [
        ("state-vr-grant", None, "active", ["V"])
    ]
    assert d.partner_streams_lapsed == [{"id": "H", "name": "North Human Services", "stream": "County levy"}]
    assert d.partner_streams_new == [{"id": "V", "name": "North Vocational Rehabilitation", "stream": "State VR grant"}]


def test_a_stream_whose_only_award_ended_has_lapsed(make_graph):
    sheets = copy.deepcopy(NORTH)
    sheets["funding"][1] = ["F1", "Perkins V", "C", "200000", "2024-07-01", "2026-06-30"]
    d = diff(make_graph(NORTH), make_graph(sheets), as_of=AS_OF)
    assert [s["stream"] for s in d.streams_lapsed] == ["Perkins V"] and d.streams_new == []
    assert d.funding_gained == d.funding_lost == []  # the same award, matched by id: only its dates moved


def test_agreements_expired_and_renewed(north):
    d = diff(*north, as_of=AS_OF)
    assert [(a["id"], a["parties"], a["old_state"], a["new_state"]) for a in d.agreements_renewed] == [
        ("M1", ["C", "W"], "expired", "current")
    ]
    assert [(a["id"], a["old_state"], a["new_state"]) for a in d.agreements_expired] == [("M2", "current", "expired")]
    assert d.agreements_renewed[0]["new_expires"] == dt.date(2028, 6, 30)


@pytest.mark.parametrize(
    ("before", "after", "expired", "renewed"),
    [
        # signed, expires, status: the same agreement M2 (W, H) in the old and the new workbook
        (("2024-07-01", "2027-06-30", ""), ("2024-07-01", "2027-06-30", ""), [], []),
        (("2024-07-01", "2027-06-30", ""), ("2024-07-01", "2026-06-30", ""), ["M2"], []),
        (("2024-07-01", "2027-06-30", ""), ("2024-07-01", "2027-06-30", "expired"), ["M2"], []),
        (("2024-07-01", "2027-06-30", ""), None, ["M2"], []),
        (("", "", "draft"), ("2026-09-01", "2029-06-30", ""), [], ["M2"]),
        (None, ("2026-09-01", "2029-06-30", ""), [], ["M2"]),
        # Renewed before it lapsed: current in both, to a later date.
        (("2024-07-01", "2027-06-30", ""), ("2024-07-01", "2030-06-30", ""), [], ["M2"]),
        (("2024-07-01", "2027-06-30", ""), ("2024-07-01", "2026-12-31", ""), [], []),
        (("2022-07-01", "2024-06-30", ""), ("2022-07-01", "2024-06-30", ""), [], []),
    ],
)
def test_an_agreement_that_stops_or_starts_being_current(make_graph, before, after, expired, renewed):
    def sheets(m2):
        out = copy.deepcopy(NORTH)
        out["agreements"] = out["agreements"][:2] + ([["M2", "W;H", "MOU", *m2]] if m2 else [])
        return make_graph(out)

    d = diff(sheets(before), sheets(after), as_of=AS_OF)
    assert [a["id"] for a in d.agreements_expired] == expired
    assert [a["id"] for a in d.agreements_renewed] == renewed
    assert d.changed == bool(expired or renewed)  # nothing else differs between the two


def test_cut_points_gained_and_lost(north):
    d = diff(*north, as_of=AS_OF)
    assert d.cut_points_gained == [{"id": "H", "name": "North Human Services"}]
    assert d.cut_points_lost == [
        {"id": "C", "name": "North College", "still_partner": True},
        {"id": "W", "name": "North Workforce Board", "still_partner": True},
    ]


def test_scorecard_per_condition(north):
    d = diff(*north, as_of=AS_OF)
    card = {c["id"]: c for c in d.scorecard}
    # Industry engagement: the mean of (employers with roles who design, train or employ) and
    # (employers tied to an education partner). Before: 0 of 1 and 1 of 1 = 50; after E offers
    # training facilities: 1 of 1 and 1 of 1 = 100.
    assert card["industry-engagement"] == {
        "id": "industry-engagement",
        "name": "Industry engagement",
        "old_score": 50.0,
        "new_score": 100.0,
        "old_rating": "developing",
        "new_rating": "strong",
        "change": 50.0,
    }
    # Every row says what each snapshot's own analysis says.
    old, new = (analyze(G, as_of=AS_OF).scorecard.to_dict()["conditions"] for G in north)
    assert [(c["old_score"], c["old_rating"]) for c in d.scorecard] == [(c["score"], c["rating"]) for c in old]
    assert [(c["new_score"], c["new_rating"]) for c in d.scorecard] == [(c["score"], c["rating"]) for c in new]


def test_to_dict_keys(north):
    doc = diff(*north, as_of=AS_OF).to_dict()
    assert list(doc) == [
        "as_of",
        "roster",
        "changed",
        "partners_gained",
        "partners_lost",
        "partners_renamed",
        "partners_changed",
        "ties_gained",
        "ties_lost",
        "agreements_gained",
        "agreements_lost",
        "funding_gained",
        "funding_lost",
        "gaps_closed",
        "gaps_opened",
        "population_gaps_closed",
        "population_gaps_opened",
        "role_gaps_closed",
        "role_gaps_opened",
        "streams_lapsed",
        "streams_new",
        "partner_streams_lapsed",
        "partner_streams_new",
        "agreements_expired",
        "agreements_renewed",
        "brokers_risen",
        "brokers_fallen",
        "cut_points_gained",
        "cut_points_lost",
        "scorecard",
    ]
    assert doc["roster"] == "career-pathways"
    assert json.loads(json.dumps(doc, default=str))["changed"] is True


def test_both_snapshots_are_judged_by_the_roster_passed(north, tmp_path):
    # A roster that asks for no one when partners serve people with disabilities: there is no
    # gap to close, in either snapshot (were the old one judged by the shipped roster, it would).
    shipped = (Path(netmap.__file__).parent / "data" / "rosters" / "career-pathways.yaml").read_text(encoding="utf-8")
    text = shipped.replace("name: career-pathways", "name: north-custom", 1)
    text = text.replace("calls_for: [vocational-rehabilitation]", "calls_for: []", 1)
    (tmp_path / "north.yaml").write_text(text, encoding="utf-8")
    custom = netmap.load_roster(tmp_path / "north.yaml")
    d = diff(*north, as_of=AS_OF, roster=custom)
    assert d.roster is custom and d.to_dict()["roster"] == "north-custom"
    assert d.population_gaps_closed == d.population_gaps_opened == []
    assert diff(*north, as_of=AS_OF).population_gaps_closed != []  # the shipped roster does see it
