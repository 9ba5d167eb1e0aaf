"""Tests of netmap.pipeline: one analysis per command, handed to every view."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import netmap
from netmap import pipeline
from netmap.analysis import diff as diff_module
from netmap.cli import app
from netmap.errors import UsageError
from tests.conftest import EXAMPLES

AS_OF = "2026-11-24"
runner = CliRunner()


@pytest.fixture
def counted(monkeypatch):
    """How many times each snapshot was analysed: by the command, and by the comparison."""
    calls = {"command": 0, "earlier snapshot": 0}

    def counting(where, real):
        def wrapper(*args, **kwargs):
            calls[where] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(pipeline, "analyze", counting("command", pipeline.analyze))
    monkeypatch.setattr(diff_module, "analyze", counting("earlier snapshot", diff_module.analyze))
    return calls


def test_the_report_analyses_once(counted, tmp_path):
    """The report, its map, its regions side by side, its changes and its candidates all
    draw one analysis; only the earlier snapshot is analysed besides."""
    out = tmp_path / "report.html"
    tucson = str(EXAMPLES / "tucson-behavioral-health")
    result = runner.invoke(
        app,
        [
            "report",
            tucson,
            "-o",
            str(out),
            "--as-of",
            AS_OF,
            "--since",
            tucson,
            "--directory",
            str(EXAMPLES / "pima-county-211"),
            "--expect",
            "Santa Cruz County",
        ],
    )
    assert result.exit_code == 0, result.output
    assert counted == {"command": 1, "earlier snapshot": 1}
    page = out.read_text(encoding="utf-8")
    assert all(f'id="{sid}"' in page for sid in ("summary", "changes", "regions", "suggestions", "map"))


@pytest.mark.parametrize(
    "command",
    [
        ["map", "-o", "{out}/m.html"],
        ["report", "-o", "{out}/r.md", "--format", "md"],
        ["analyze", "--json"],
        ["export", "-o", "{out}/m.gexf", "--format", "gexf"],
        ["export", "-o", "{out}/p.csv", "--format", "csv", "--partners-only"],
    ],
    ids=["map", "report-md", "analyze", "export-gexf", "export-partners"],
)
def test_each_view_command_analyses_once(counted, tmp_path, command):
    args = [a.format(out=tmp_path) for a in command]
    result = runner.invoke(app, [args[0], str(EXAMPLES / "oregon-pathways-alliance"), *args[1:], "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert counted == {"command": 1, "earlier snapshot": 0}


@pytest.fixture
def projections(monkeypatch):
    """The days the partner graph of the map was projected for, one entry per build."""
    from netmap.analysis import _common

    built = []
    real = _common.project

    def counting(G, **kwargs):
        built.append(kwargs.get("as_of"))
        return real(G, **kwargs)

    monkeypatch.setattr(_common, "project", counting)
    return built


@pytest.mark.parametrize(
    "command",
    [["map", "-o", "{out}/m.html"], ["report", "-o", "{out}/r.html"]],
    ids=["map", "report"],
)
def test_the_drawing_reuses_the_analysiss_projection(projections, tmp_path, command):
    # Each built it again for the drawing: seconds and a gigabyte more on a state map.
    args = [a.format(out=tmp_path) for a in command]
    result = runner.invoke(app, [args[0], str(EXAMPLES / "oregon-pathways-alliance"), *args[1:], "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert [str(day) for day in projections] == [AS_OF]


@pytest.mark.parametrize("function", ["write_report", "write_map"])
def test_the_one_call_writers_project_once(projections, tmp_path, function):
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    getattr(pipeline, function)(G, tmp_path / "out.html", as_of=AS_OF)
    assert [str(day) for day in projections] == [AS_OF]


def test_the_demo_analyses_once(counted, tmp_path):
    from netmap.demo import run_demo

    run_demo(tmp_path / "demo", as_of=AS_OF)
    assert counted == {"command": 1, "earlier snapshot": 0}


def test_changes_are_judged_like_the_analysis():
    """The earlier snapshot is narrowed to the analysis's region, judged on its day against
    its roster; the later snapshot's analysis is reused, not made again."""
    G = netmap.read_graph(EXAMPLES / "four-state-coalitions")
    a = pipeline.run(G, region="Illinois", as_of=AS_OF, since=G)
    changes = a.changes
    assert (changes.as_of.isoformat(), changes.roster is a.roster) == (AS_OF, True)
    assert changes.snapshots["region"] == "Illinois"
    # Both snapshots are the Illinois view: the same active partners on both sides.
    assert changes.snapshots["old_active"] == changes.snapshots["new_active"] == a.partners_active
    assert not changes.changed


def test_expected_regions_with_one_region_is_refused():
    G = netmap.read_graph(EXAMPLES / "four-state-coalitions")
    with pytest.raises(UsageError, match="--expect"):
        pipeline.run(G, region="Illinois", expected_regions=["Ohio"])


def test_regions_side_by_side_need_two_sides():
    tucson = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    assert pipeline.run(tucson, as_of=AS_OF).regions is None
    named = pipeline.run(tucson, as_of=AS_OF, expected_regions=["Santa Cruz County"]).regions
    assert named.region_names == ["Pima County", "Santa Cruz County"]
    # One region of a map is about that region: no comparison.
    four = netmap.read_graph(EXAMPLES / "four-state-coalitions")
    assert pipeline.run(four, as_of=AS_OF).regions is not None
    assert pipeline.run(four, as_of=AS_OF, region="Delaware").regions is None


def test_several_earlier_snapshots_are_each_analysed_once(counted, tmp_path):
    """report --since A --since B: each earlier snapshot analysed once (on its own date), the
    report's map once, and the comparisons reuse those analyses."""
    out = tmp_path / "report.html"
    tucson = str(EXAMPLES / "tucson-behavioral-health")
    oregon = str(EXAMPLES / "oregon-pathways-alliance")
    args = ["report", tucson, "-o", str(out), "--as-of", AS_OF, "--since", tucson, "--since", oregon]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert counted == {"command": 1, "earlier snapshot": 2}


def test_history_of_earlier_snapshots_is_judged_like_the_analysis():
    G = netmap.read_graph(EXAMPLES / "four-state-coalitions")
    a = pipeline.run(G, region="Illinois", as_of=AS_OF, since=[("a", G), ("b", G)])
    snapshots = a.history.to_dict()["snapshots"]
    # The report's map last, on its day; every snapshot is the Illinois view.
    assert snapshots[-1]["date"] == AS_OF
    assert [s["partners"] for s in snapshots] == [a.partners_active] * 3
    assert a.changes is a.history.diffs[-1] and a.history.analyses[-1] is a


@pytest.fixture(scope="module")
def generated_hubs(tmp_path_factory):
    """A generated 2,000-partner hubs map: above the worker's threshold, so the jobs go early."""
    from tests.analysis.maps import _generate

    folder = tmp_path_factory.mktemp("hubs-2000")
    _generate().generate(2000, folder, seed=3, shape="hubs")
    return folder


@pytest.mark.parametrize("name", ["four-state-coalitions", "tucson-behavioral-health", "pima-county-211", "hubs"])
def test_run_tables_analyses_the_rows_without_building_the_graph(name, generated_hubs, monkeypatch):
    """The columnar path whole: every analysis of ``analyze`` reads the validated rows, so the
    multigraph is never built, and the analysis is the one of the built graph."""
    from netmap.build import is_deferred
    from netmap.columns import GRAPH_PATH

    monkeypatch.delenv(GRAPH_PATH, raising=False)
    tables = netmap.read_workbook(generated_hubs if name == "hubs" else EXAMPLES / name)
    G, a = pipeline.run_tables(tables, as_of="2026-07-01", top=10)
    assert is_deferred(G)
    full = pipeline.run(netmap.build_graph(tables), as_of="2026-07-01", top=10)
    assert a.to_dict() == full.to_dict()
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in full.findings]
    assert G.number_of_nodes() == full_nodes(tables) and is_deferred(G)  # counted off the rows
    assert len(G) == full_nodes(tables) and not is_deferred(G)  # built when asked


def full_nodes(tables):
    return netmap.build_graph(tables).number_of_nodes()


def test_a_large_workbook_starts_the_worker_before_it_is_read(generated_hubs, monkeypatch, tmp_path):
    from netmap import _worker
    from netmap.analysis._offload import JOB
    from netmap.ingest import ahead

    started = []

    def prestart(*, warm, after_first=False):
        started.append((tuple(warm), after_first))
        return True

    monkeypatch.setattr(_worker, "prestart", prestart)
    assert pipeline.start_worker_for(generated_hubs)  # 2,000 partners: about 900 KB of CSV
    assert not pipeline.start_worker_for(EXAMPLES / "four-state-coalitions")
    assert not pipeline.start_worker_for("neo4j://localhost:7687")
    assert not pipeline.start_worker_for(tmp_path / "missing")
    small = tmp_path / "small.xlsx"
    small.write_bytes(b"x" * 100_000)
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"x" * 200_000)  # a spreadsheet holds a partner's rows in fewer bytes
    assert not pipeline.start_worker_for(small) and pipeline.start_worker_for(big)
    # Warmed for the analysis's job; a folder with a large ties file has the worker read it
    # first (netmap.ingest.ahead), here with the threshold lowered to 100 KB.
    monkeypatch.setattr(ahead, "AHEAD_BYTES", 100_000)
    assert pipeline.start_worker_for(generated_hubs)
    assert started == [((JOB,), False), ((JOB,), False), ((JOB,), True)]
