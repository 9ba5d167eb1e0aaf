"""Tie quality (netmap.analysis.quality) on a five-partner survey worked out by hand.

The "survey" map (categories in brackets; regions North: A B C, South: D E):

    A[edu] answered, B[wf] answered, C[edu] answered, D[emp] answered, E[emp] did NOT answer.

Answers (each row's trust = mean of reliability, mission_support, openness; value = mean of
power_influence, involvement, resource_contribution; the scores rate the OTHER end):

    A about C: weekly,  trust (4+3+4)/3 = 3.667, value 3     } A-C confirmed; frequency is a
    C about A: monthly, trust 3,               value 2       } tie (1 each): the less frequent, monthly
    B about C: daily,   trust (2+2+1)/3 = 1.667, value 4     } B-C confirmed, daily
    C about B: daily,   trust 2,               value 3       }
    D about C: weekly,  trust (1+2+1)/3 = 1.333, value 2       C-D one-sided (C did not name D)
    A about B: weekly,  trust 3,               value 3         A-B one-sided
    D about E: yearly,  trust 4,               value 1         D-E one-sided (E did not answer)
    A - D: the map's own record (no reported_by): neither confirmed nor not
    B about D: trust 1, ended 2020: expired, not counted

Per partner (scores given by the others):
    A: by C: trust 3, value 2 (1 rater)
    B: by C (2) and A (3): trust 2.5; value (3+3)/2 = 3 (2 raters)
    C: by A (3.667), B (1.667), D (1.333): trust (11/3 + 5/3 + 4/3)/3 = 20/9 = 2.222;
       value (3+4+2)/3 = 3 (3 raters)
    D: no one scored it
    E: by D: trust 4, value 1 (1 rater)
relied on (weekly or daily pairs): A-B, B-C, C-D -> A 1, B 2, C 2, D 1, E 0.
Categories (mean of their scored partners): education (A, C) trust (3 + 20/9)/2 = 2.611,
value (2+3)/2 = 2.5, raters {C, A, B, D} = 4; workforce (B) 2.5 / 3 / 2; employers (E only)
4 / 1 / 1. Network: trust (3 + 2.5 + 20/9 + 4)/4 = 2.931, value (2+3+3+1)/4 = 2.25, raters 4.
"""

from __future__ import annotations

import copy

import networkx as nx
import pytest

import netmap
from netmap.analysis import analyze
from netmap.analysis.quality import tie_distance, tie_quality, tie_weights
from tests.analysis.maps import DAYS, WORKBOOKS, as_dict, both_paths, workbook
from tests.conftest import write_csv_workbook

DAY = "2026-11-24"
HEAD = ["source_id", "target_id", "kind", "frequency", "reliability", "mission_support", "openness",
        "power_influence", "involvement", "resource_contribution", "reported_by", "end"]  # fmt: skip
SURVEY = {
    "partners": [
        ["id", "name", "agency_type", "level", "region", "team"],
        ["A", "Alpha College", "Local community colleges", "local", "North", "leadership"],
        ["B", "Beta Workforce Board", "Local WIB", "local", "North", "leadership"],
        ["C", "Gamma College", "Local community colleges", "local", "North", "leadership"],
        ["D", "Delta Manufacturing", "Private businesses", "local", "South", "stakeholder"],
        ["E", "Epsilon Health", "Private businesses", "local", "South", "operations"],
    ],
    "ties": [
        HEAD,
        ["A", "C", "collaboration", "weekly", "4", "3", "4", "3", "3", "3", "A", ""],
        ["C", "A", "collaboration", "monthly", "3", "3", "3", "2", "2", "2", "C", ""],
        ["B", "C", "collaboration", "daily", "2", "2", "1", "4", "4", "4", "B", ""],
        ["C", "B", "collaboration", "daily", "2", "2", "2", "3", "3", "3", "C", ""],
        ["D", "C", "referral", "weekly", "1", "2", "1", "2", "2", "2", "D", ""],
        ["A", "B", "collaboration", "weekly", "3", "3", "3", "3", "3", "3", "A", ""],
        ["D", "E", "collaboration", "yearly", "4", "4", "4", "1", "1", "1", "D", ""],
        ["A", "D", "collaboration", "", "", "", "", "", "", "", "", ""],
        ["B", "D", "collaboration", "weekly", "1", "1", "1", "1", "1", "1", "B", "2020-01-01"],
    ],
    "responses": [["partner_id", "answered_on", "form"], ["A", "", ""], ["B", "", ""], ["C", "", ""], ["D", "", ""]],
}


def survey_graph(tmp_path, **changes):
    sheets = copy.deepcopy(SURVEY)
    sheets.update(changes)
    return netmap.read_graph(write_csv_workbook(tmp_path / "survey", sheets))


@pytest.fixture
def survey(tmp_path):
    return survey_graph(tmp_path)


def by_id(rows, key="id"):
    return {r[key]: r for r in rows}


def test_partner_scores_are_those_given_by_the_others(survey):
    q = tie_quality(survey, as_of=DAY).to_dict()
    got = {p["id"]: (p["trust"], p["value"], p["raters"], p["relied_on"]) for p in q["partners"]}
    assert got == {
        "A": (3.0, 2.0, 1, 1),
        "B": (2.5, 3.0, 2, 2),
        "C": (pytest.approx(20 / 9), 3.0, 3, 2),
        "D": (None, None, 0, 1),
        "E": (4.0, 1.0, 1, 0),
    }


def test_category_and_network_scores(survey):
    q = tie_quality(survey, as_of=DAY).to_dict()
    cats = {c["category"]: (c["trust"], c["value"], c["raters"]) for c in q["categories"]}
    assert cats["education"] == (pytest.approx((3 + 20 / 9) / 2), 2.5, 4)
    assert cats["workforce-development"] == (2.5, 3.0, 2)
    assert cats["employers"] == (4.0, 1.0, 1)
    assert q["network"] == {"trust": pytest.approx((3 + 2.5 + 20 / 9 + 4) / 4), "value": 2.25, "raters": 4}


def test_pairs_reciprocity_and_conflicts(survey):
    q = tie_quality(survey, as_of=DAY).to_dict()
    pairs = {(p["source"], p["target"]): p for p in q["pairs"]}
    # B-D ended in 2020: not a pair on the day.
    assert sorted(pairs) == [("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("C", "D"), ("D", "E")]
    assert {k: p["confirmed"] for k, p in pairs.items()} == {
        ("A", "B"): False,
        ("A", "C"): True,
        ("A", "D"): None,
        ("B", "C"): True,
        ("C", "D"): False,
        ("D", "E"): False,
    }
    ac = pairs["A", "C"]
    assert ac["reported_by"] == ["A", "C"]
    assert (ac["frequency"], ac["frequency_rank"]) == ("monthly", 3)  # weekly vs monthly: the weaker claim
    assert ac["trust"] == pytest.approx((4 + 3 + 4 + 3 + 3 + 3) / 6)
    assert ac["conflicts"] == [
        "frequency", "reliability", "openness", "power_influence", "involvement", "resource_contribution",
    ]  # fmt: skip
    assert pairs["B", "C"]["frequency"] == "daily" and pairs["B", "C"]["conflicts"] == [
        "openness", "power_influence", "involvement", "resource_contribution",
    ]  # fmt: skip
    assert pairs["A", "D"]["reported_by"] == [] and pairs["A", "D"]["frequency"] is None
    assert (q["confirmed"], q["unconfirmed"], q["unconfirmed_share"]) == (2, 3, 0.6)


def test_response_and_caveat(survey):
    q = tie_quality(survey, as_of=DAY).to_dict()
    assert q["surveyed"] is True
    assert q["respondents"] == ["A", "B", "C", "D"]
    assert q["not_answered"] == [{"id": "E", "name": "Epsilon Health", "region": "South", "category": "employers"}]
    assert q["response_rate"] == 0.8
    assert q["response_by_region"] == [
        {"region": "North", "partners": 3, "answered": 3},
        {"region": "South", "partners": 2, "answered": 1},
    ]
    assert by_id(q["response_by_category"], "category")["employers"] == {
        "category": "employers",
        "partners": 2,
        "answered": 1,
    }
    assert q["caveat"] == (
        "Survey data: 4 of 5 partners answered (80%); 3 of 5 ties are named by one side only (60%)"
        " — read one-sided ties and scores of partners who did not answer with care."
    )


def test_without_a_responses_sheet_the_reporters_answered(tmp_path):
    G = survey_graph(tmp_path, responses=[["partner_id", "answered_on", "form"]])
    q = tie_quality(G, as_of=DAY).to_dict()
    assert q["respondents"] == ["A", "B", "C", "D"]  # the same four reported a current tie


def test_region_keeps_its_partners_only(survey):
    q = tie_quality(survey, as_of=DAY, region="South").to_dict()
    assert [p["id"] for p in q["partners"]] == ["D", "E"]
    assert [(p["source"], p["target"]) for p in q["pairs"]] == [("D", "E")]


def test_an_old_workbook_shows_nothing_new():
    G = netmap.read_graph("examples/oregon-pathways-alliance")
    assert tie_quality(G, as_of=DAY) is None
    a = analyze(G, as_of=DAY)
    assert a.quality is None and a.to_dict()["quality"] is None


def test_the_graph_is_not_changed(survey):
    before = nx.to_dict_of_dicts(survey), dict(survey.nodes(data=True)), copy.deepcopy(survey.graph)
    tie_quality(survey, as_of=DAY)
    tie_weights(survey, "trust", as_of=DAY)
    analyze(survey, as_of=DAY, weight="trust")
    assert (nx.to_dict_of_dicts(survey), dict(survey.nodes(data=True)), survey.graph) == before


# -- weights -------------------------------------------------------------------------------------

# The trust weight of each pair (mean of both sides' trust scores); A-D has none and takes the
# mean of the others, (3 + 20/6 + 11/6 + 4/3 + 4)/5 = 2.7.
TRUST = {
    ("A", "B"): 3.0,
    ("A", "C"): 20 / 6,
    ("B", "C"): 11 / 6,
    ("C", "D"): 4 / 3,
    ("D", "E"): 4.0,
    ("A", "D"): 2.7,
}


def test_tie_weights_trust_with_the_mean_for_a_missing_score(survey):
    assert tie_weights(survey, "trust", as_of=DAY) == pytest.approx(TRUST)


def weighted(w):
    W = nx.Graph()
    for (a, b), x in w.items():
        W.add_edge(a, b, weight=x, distance=tie_distance("trust", x))
    return W


def test_weighted_constraint_and_betweenness_match_networkx(survey):
    rows = by_id(analyze(survey, as_of=DAY, weight="trust").brokers.rows)
    W = weighted(TRUST)
    constraint = nx.constraint(W, weight="weight")
    effective = nx.effective_size(W, weight="weight")
    between = nx.betweenness_centrality(W, weight="distance", normalized=True)
    for pid in "ABCDE":
        assert rows[pid]["constraint"] == pytest.approx(constraint[pid], abs=1e-6)
        assert rows[pid]["effective_size"] == pytest.approx(effective[pid], abs=1e-6)
        assert rows[pid]["betweenness"] == pytest.approx(between[pid], abs=1e-6)
    # B by hand: B's ties A (3) and C (11/6) make p_BA = 3/(3 + 11/6) = 0.6207, p_BC = 0.3793;
    # C's ties sum 20/6 + 11/6 + 4/3 = 6.5, so p_CA = (20/6)/6.5 = 0.5128; A's sum 3 + 20/6 + 2.7
    # = 9.0333, p_AC = (20/6)/9.0333 = 0.3690. Constraint = (0.6207 + 0.3793 * 0.5128)^2
    # + (0.3793 + 0.6207 * 0.3690)^2 = 0.6646 + 0.3701 = 1.0347 (unweighted: 0.8889).
    assert rows["B"]["constraint"] == pytest.approx(1.0347, abs=1e-4)
    plain = by_id(analyze(survey, as_of=DAY).brokers.rows)
    assert plain["B"]["constraint"] == pytest.approx(8 / 9, abs=1e-6)


def test_weighted_betweenness_takes_the_well_trusted_path(survey):
    # Unweighted, B reaches D (and E beyond it) by B-A-D and B-C-D alike: A and C each carry
    # half of the pairs B-D and B-E, 1 pair of the 6 pairs of four others = 1/6 each. By trust
    # the lengths are 5 - weight: B-A-D = (5 - 3) + (5 - 2.7) = 4.3 and B-C-D = (5 - 11/6) +
    # (5 - 4/3) = 6.833, so both pairs go through A: A 2/6 = 1/3, C 0.
    plain = by_id(analyze(survey, as_of=DAY).brokers.rows)
    weighted = analyze(survey, as_of=DAY, weight="trust")
    rows = by_id(weighted.brokers.rows)
    assert (plain["A"]["betweenness"], plain["C"]["betweenness"]) == (
        pytest.approx(1 / 6, abs=1e-6),
        pytest.approx(1 / 6, abs=1e-6),
    )
    assert (rows["A"]["betweenness"], rows["C"]["betweenness"]) == (pytest.approx(1 / 3, abs=1e-6), 0.0)
    assert weighted.brokers.to_dict()["weight"] == "trust"


def test_bad_weight_is_a_usage_error(survey):
    from netmap.errors import UsageError

    with pytest.raises(UsageError, match="--weight"):
        analyze(survey, as_of=DAY, weight="love")


@pytest.mark.parametrize(
    ("weight", "score", "distance"),
    [("trust", 4, 1.0), ("trust", 1, 4.0), ("value", 2.5, 2.5), ("strength", 3, 1.0), ("strength", 1, 3.0)],
)
def test_tie_distance(weight, score, distance):
    assert tie_distance(weight, score) == distance


# -- findings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trust", "raters", "relied_on", "top", "fires"),
    [
        (2.49, 2, 2, False, True),
        (2.5, 2, 2, False, False),  # the middle of the scale is not low
        (2.0, 1, 2, False, False),  # one rater is one opinion
        (2.0, 2, 1, False, False),  # relied on by one partner only
        (2.0, 2, 1, True, True),  # ... but a top broker
        (None, 0, 3, True, False),  # no one scored it
    ],
)
def test_low_trust_thresholds(trust, raters, relied_on, top, fires):
    from netmap.analysis.findings import low_trust

    row = {"id": "X", "trust": trust, "raters": raters, "relied_on": relied_on}
    assert low_trust(row, {"X"} if top else set()) is fires


def codes(a):
    return {f.code: f for f in a.findings}


def test_the_survey_findings(survey):
    found = codes(analyze(survey, as_of=DAY))
    # C: trust 20/9 from 3 raters, relied on by B and D; B (trust 2.5) is not low.
    low = found["low-trust-broker"]
    assert [i["partner"] for i in low.items] == ["Gamma College"]
    assert low.severity == "medium" and "trust of 2.2 of 4" in low.text
    assert (
        found["ties-unconfirmed"].severity == "info" and "3 of 5 reported ties (60%)" in found["ties-unconfirmed"].text
    )
    assert "survey-unanswered" not in found  # 80% answered


def test_survey_unanswered_names_who_has_not(tmp_path):
    G = survey_graph(tmp_path, responses=[["partner_id", "answered_on", "form"], ["A", "", ""], ["B", "", ""]])
    f = codes(analyze(G, as_of=DAY))["survey-unanswered"]
    assert f.text == (
        "Only 2 of 5 partners answered the survey (40%); not yet: Gamma College, Delta Manufacturing, Epsilon Health."
    )
    assert f.reach == 3


def test_few_one_sided_ties_are_no_finding(tmp_path):
    # Only the two confirmed pairs (and the map's own A-D) left: nothing one-sided.
    ties = [r for r in SURVEY["ties"] if r[:2] not in (["D", "C"], ["A", "B"], ["D", "E"])]
    assert "ties-unconfirmed" not in codes(analyze(survey_graph(tmp_path, ties=ties), as_of=DAY))


# -- the command line ----------------------------------------------------------------------------


def cli(*args):
    from typer.testing import CliRunner

    from netmap.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "80"})


@pytest.fixture
def survey_folder(tmp_path):
    return write_csv_workbook(tmp_path / "survey", SURVEY)


def test_analyze_json_has_quality_and_weight_trust_changes_constraint(survey_folder):
    import json

    plain = cli("analyze", survey_folder, "--as-of", DAY, "--json")
    assert plain.exit_code == 0, plain.output
    doc = json.loads(plain.stdout)
    assert doc["quality"]["response_rate"] == 0.8 and doc["brokers"]["weight"] is None
    weighted = json.loads(cli("analyze", survey_folder, "--as-of", DAY, "--json", "--weight", "trust").stdout)
    constraint = {r["id"]: r["constraint"] for r in weighted["brokers"]["brokers"]}
    assert weighted["brokers"]["weight"] == "trust"
    assert constraint["B"] == pytest.approx(1.0347, abs=1e-4)
    assert {r["id"]: r["constraint"] for r in doc["brokers"]["brokers"]}["B"] == pytest.approx(8 / 9, abs=1e-6)


@pytest.mark.parametrize("command", ["analyze", "brokers", "gaps", "regions"])
def test_the_caveat_comes_first(survey_folder, command):
    result = cli(command, survey_folder, "--as-of", DAY)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Survey data: 4 of 5 partners answered (80%)")


def test_analyze_shows_tie_quality_within_80_columns(survey_folder):
    out = cli("analyze", survey_folder, "--as-of", DAY).stdout
    assert "Lowest trust first" in out and "Not yet answered: Epsilon Health" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_an_old_workbook_prints_no_caveat():
    out = cli("analyze", "examples/oregon-pathways-alliance", "--as-of", DAY).stdout
    assert "Survey data" not in out and "Tie quality" not in out


@pytest.mark.parametrize("command", ["analyze", "brokers"])
def test_a_bad_weight_is_one_line_and_exit_2(survey_folder, command):
    result = cli(command, survey_folder, "--weight", "love")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["netmap: --weight 'love' is not one of none, strength, trust, value"]


# The rows' path (issue 24): a workbook without survey columns is answered from its header.


@pytest.mark.parametrize("name", WORKBOOKS)
def test_both_paths_agree_on_the_examples_and_generated_maps(name, tmp_path_factory):
    tables = workbook(name, tmp_path_factory)
    for day in DAYS:
        rows, graph = both_paths(tables, tie_quality, as_of=day)
        assert as_dict(rows) == as_dict(graph)


@pytest.mark.parametrize("day", DAYS)
def test_both_paths_agree_on_a_survey(tmp_path, day):
    tables = netmap.read_workbook(write_csv_workbook(tmp_path / "survey", SURVEY))
    rows, graph = both_paths(tables, tie_quality, as_of=day)
    assert as_dict(rows) == as_dict(graph)
    if day == DAY:
        assert rows is not None  # the survey is read, not skipped


def test_both_paths_agree_with_unknown_columns_like_survey_ones(tmp_path):
    """Unknown columns near the survey's names never become a survey attribute."""
    sheets = copy.deepcopy(SURVEY)
    keep = [0, 1, 2, 11]  # source, target, kind, end: no survey column left
    sheets["ties"] = [[row[i] for i in keep] + [row[4], row[10]] for row in SURVEY["ties"]]
    sheets["ties"][0][-2:] = ["Reliability score", "reported by whom"]
    tables = netmap.read_workbook(write_csv_workbook(tmp_path / "survey", sheets))
    rows, graph = both_paths(tables, tie_quality, as_of=DAY)
    assert rows is None and graph is None


def test_no_unknown_column_takes_a_survey_name():
    """The rows' path trusts this: only a survey column itself gives a tie a survey key."""
    from netmap.build import extra_attr
    from netmap.model import TIE_SURVEY_COLUMNS

    for name in TIE_SURVEY_COLUMNS:
        for header in (name, name.upper(), f" {name} ", name.replace("_", " ")):
            assert extra_attr("ties", header) not in TIE_SURVEY_COLUMNS
