"""netmap.analysis.history: four snapshots given in shuffled order, trends written out."""

from __future__ import annotations

import copy

import pytest

import netmap
from netmap.analysis.history import history, snapshot_date
from netmap.errors import UsageError
from tests.history_snapshots import DATES, SHUFFLED, TUCSON, make_snapshots

UNIVERSITIES = {"level": "local", "region": "Pima County", "agency_type": "Local universities", "category": "Education"}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    folders = make_snapshots(tmp_path_factory.mktemp("snapshots"))
    return history([(name, netmap.read_graph(folders[name])) for name in SHUFFLED]).to_dict()


def test_snapshots_are_in_date_order_whatever_the_order_given(result) -> None:
    assert [(s["label"], s["date"]) for s in result["snapshots"]] == list(DATES.items())


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("partners", [14, 15, 15, 16]),
        ("ties", [18, 18, 18, 17]),
        ("gaps", [7, 7, 7, 6]),
        # TA05 ends before q3; TA03 (to 2026-07-31) is still current in q4.
        ("agreements_current", [4, 4, 3, 3]),
        # The county general fund starts on 2026-07-01.
        ("funding_streams_current", [9, 9, 9, 10]),
    ],
)
def test_headline_numbers_per_snapshot(result, key: str, expected: list[int]) -> None:
    assert [s[key] for s in result["snapshots"]] == expected


def test_each_step_says_what_changed(result) -> None:
    steps = {(s["from"], s["to"]): s for s in result["steps"]}
    assert list(steps) == [("q1", "q2"), ("q2", "q3"), ("q3", "q4")]
    assert steps["q1", "q2"]["partners_gained"] == ["BNR"]
    assert steps["q2", "q3"]["partners_gained"] == []
    assert steps["q2", "q3"]["agreements_lapsed"] == ["TA05"]
    assert steps["q3", "q4"]["partners_gained"] == ["UA"]
    assert steps["q3", "q4"]["ties_lost"] == 1
    assert steps["q3", "q4"]["funding_new"] == ["county-general-fund"]
    # Which step closed which gap: only the last, the universities.
    assert [s["gaps_closed"] for s in result["steps"]] == [[], [], [UNIVERSITIES]]
    assert [s["gaps_opened"] for s in result["steps"]] == [[], [], []]


def test_scorecard_per_condition_and_snapshot(result) -> None:
    ids = [c["id"] for c in result["conditions"]]
    assert ids[:4] == ["cross-agency-partnerships", "industry-engagement", "program-alignment", "sustainable-funding"]
    funding = [s["scorecard"]["sustainable-funding"] for s in result["snapshots"]]
    assert funding == [85.7, 85.7, 85.7, 82.4]


def test_stable_keys(result) -> None:
    assert set(result) == {"roster", "region", "conditions", "snapshots", "steps"}
    assert {"label", "date", "partners", "ties", "gaps", "scorecard"} <= set(result["snapshots"][0])
    assert set(result["steps"][0]) >= {
        "from", "to", "partners_gained", "partners_lost", "gaps_closed", "gaps_opened", "agreements_lapsed",
        "agreements_new", "funding_lapsed", "funding_new", "brokers_risen", "brokers_fallen",
    }  # fmt: skip


def test_given_dates_win_over_the_files() -> None:
    G = netmap.read_graph(TUCSON)
    later = copy.deepcopy(G)
    later.remove_node("Partner:PCC")
    h = history([("a", later), ("b", G)], dates={"a": "2026-05-01", "b": "2026-02-01"}).to_dict()
    assert [s["label"] for s in h["snapshots"]] == ["b", "a"]
    assert h["steps"][0]["partners_lost"] == ["PCC"]


def test_a_graph_date_wins_over_the_files() -> None:
    G = netmap.read_graph(TUCSON)
    G.graph["snapshot_date"] = "2025-12-31"
    assert snapshot_date(G).isoformat() == "2025-12-31"


@pytest.mark.parametrize(("labels", "message"), [(["a"], "two or more"), (["a", "a"], "given twice")])
def test_bad_input_is_a_usage_error(labels: list[str], message: str) -> None:
    G = netmap.read_graph(TUCSON)
    with pytest.raises(UsageError, match=message):
        history([(x, G) for x in labels])


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        # Stored versions of one day: by number, so version 10 comes after version 9.
        (["map@10", "map@9", "map@1"], ["map@1", "map@9", "map@10"]),
        (["q10.xlsx", "q2.xlsx"], ["q2.xlsx", "q10.xlsx"]),
    ],
)
def test_snapshots_of_one_day_go_in_the_order_of_the_numbers_in_their_labels(labels, expected) -> None:
    G = netmap.read_graph(TUCSON)
    got = history([(label, G) for label in labels], dates=dict.fromkeys(labels, "2026-05-01")).to_dict()
    assert [s["label"] for s in got["snapshots"]] == expected


# -- reuse: each snapshot analysed once, only its scored parts, as the straightforward way says --

EXAMPLES = ["tucson-behavioral-health", "four-state-coalitions", "oregon-pathways-alliance"]
DAYS = {"then": "2026-01-05", "now": "2026-04-05"}


def _then_and_now(example: str) -> list[tuple[str, object]]:
    """An example as ``then`` and, a quarter later, without its best-tied partner and one tie."""
    then = netmap.read_graph(f"examples/{example}")
    now = copy.deepcopy(then)
    hub = max((n for n, d in now.nodes(data=True) if d.get("label") == "Partner"), key=now.degree)
    now.remove_node(hub)
    u, v, k = next((u, v, k) for u, v, k, d in now.edges(keys=True, data=True) if d.get("type") == "TIED_TO")
    now.remove_edge(u, v, k)
    return [("now", now), ("then", then)]


@pytest.mark.parametrize("example", EXAMPLES)
def test_history_equals_full_analyses_and_plain_diffs(example: str) -> None:
    from netmap.analysis import analyze
    from netmap.analysis.diff import diff

    snapshots = _then_and_now(example)
    graphs = dict(snapshots)
    h = history(snapshots, dates=DAYS)
    # The straightforward way: every analysis of each snapshot on its own day, and a diff
    # that makes its own analyses of both sides.
    full = {label: analyze(G, as_of=DAYS[label]) for label, G in snapshots}
    assert h.to_dict() == history(snapshots, dates=DAYS, analyses=full).to_dict()
    plain = diff(graphs["then"], graphs["now"], as_of=DAYS["now"], top=10)
    assert h.diffs[0].to_dict() == plain.to_dict()
    assert h.to_dict()["steps"][0]["partners_lost"]  # the comparison has something to say


def test_history_with_a_region_equals_plain_diffs() -> None:
    from netmap.analysis.diff import diff

    snapshots = _then_and_now("four-state-coalitions")
    graphs = dict(snapshots)
    h = history(snapshots, dates=DAYS, region="Tennessee")
    plain = diff(graphs["then"], graphs["now"], as_of=DAYS["now"], top=10, region="Tennessee")
    assert h.diffs[0].to_dict() == plain.to_dict()


def test_history_skips_what_it_never_reports() -> None:
    from netmap.analysis import analyze

    snapshots = _then_and_now("four-state-coalitions")
    full = analyze(dict(snapshots)["then"], as_of=DAYS["then"])
    assert full.services is not None and full.regions is not None
    lean = history(snapshots, dates=DAYS).analyses[0]
    assert (lean.services, lean.regions, lean.quality) == (None, None, None)
    assert lean.scorecard.to_dict() == full.scorecard.to_dict()
