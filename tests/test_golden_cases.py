"""Golden files: what the commands print and write on the examples does not change.

The files in ``tests/golden/`` were written by ``python -m tests.golden_cases`` before
issue 24 changed how the measures are computed. JSON is compared by meaning (the same
keys in the same order, the same values; ``1e-05`` and ``1e-5`` are one number); text,
Markdown and GraphML byte for byte.
"""

from __future__ import annotations

import json

import pytest

from tests.golden_cases import BROKEN_CASES, CASES, EXAMPLES, broken_workbook, golden_path, run_case


def _meaning(text: str):
    """JSON text as nested lists of (key, value) pairs: key order counts, number spelling not."""
    return json.loads(text, object_pairs_hook=list)


def _compare(name: str, kept: dict[str, str], golden: dict[str, str]) -> None:
    assert kept.keys() == golden.keys()
    assert kept["exit"] == golden["exit"]
    assert kept["stderr"] == golden["stderr"]
    for part in ("stdout", "file"):
        if part not in kept:
            continue
        if name.endswith(".json") and kept[part].strip():
            assert _meaning(kept[part]) == _meaning(golden[part]), part
        else:
            assert kept[part] == golden[part], part


@pytest.fixture(params=["rows", "graph"])
def path(request, monkeypatch):
    """Both paths of the analyses: from the validated rows where an analysis has one (what the
    commands take), and from the graph alone (``NETMAP_GRAPH_PATH=1``, what library callers of
    ``analyze(G)`` get). Each must give the golden outputs."""
    from netmap.columns import GRAPH_PATH

    if request.param == "graph":
        monkeypatch.setenv(GRAPH_PATH, "1")
    else:
        monkeypatch.delenv(GRAPH_PATH, raising=False)
    return request.param


@pytest.mark.parametrize(("example", "case"), CASES, ids=[f"{e}/{c.name}" for e, c in CASES])
def test_example_outputs_are_unchanged(example, case, tmp_path, path):
    golden = json.loads(golden_path(example, case).read_text(encoding="utf-8"))
    _compare(case.name, run_case(case, EXAMPLES / example, tmp_path), golden)


@pytest.mark.parametrize("case", BROKEN_CASES, ids=[c.name for c in BROKEN_CASES])
def test_data_errors_are_unchanged(case, tmp_path):
    golden = json.loads(golden_path("broken", case).read_text(encoding="utf-8"))
    kept = run_case(case, broken_workbook(tmp_path / "broken"), tmp_path / "run")
    _compare(case.name, kept, golden)
    assert kept["exit"] == "1"


def test_a_changed_output_is_caught(tmp_path):
    """The comparison is not blind: one number changed in a golden JSON fails it."""
    example, case = next((e, c) for e, c in CASES if c.name == "brokers.json")
    golden = json.loads(golden_path(example, case).read_text(encoding="utf-8"))
    kept = run_case(case, EXAMPLES / example, tmp_path)
    golden["stdout"] = golden["stdout"].replace('"betweenness": 0.', '"betweenness": 1.', 1)
    assert golden["stdout"] != kept["stdout"]
    with pytest.raises(AssertionError):
        _compare(case.name, kept, golden)
