"""netmap.columns: the arc arrays read off the tables equal those read off the built graph."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import netmap
from netmap import columns
from netmap.analysis import arcs
from tests.conftest import write_csv_workbook

_ROOT = Path(__file__).parents[1]
_SPEC = importlib.util.spec_from_file_location("bench_generate", _ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = generate  # its dataclasses look their module up
_SPEC.loader.exec_module(generate)

EXAMPLES = sorted(p.name for p in (_ROOT / "examples").iterdir() if p.is_dir() and not p.name.startswith("_"))
# Days before, on and long after the examples' and generated maps' dates: agreements and
# awards expire and ties end between them.
DAYS = ("2020-01-01", "2024-06-30", "2026-11-24", "2031-01-01")


def _assert_same(tables, day):
    G = netmap.build_graph(tables)
    ids, categories, src, dst = columns.arc_arrays(tables, day)
    ids2, categories2, src2, dst2 = arcs.arc_arrays(G, day)
    assert ids == ids2
    assert categories == categories2
    assert src.dtype == src2.dtype and dst.dtype == dst2.dtype
    assert np.array_equal(src, src2) and np.array_equal(dst, dst2)
    return len(src)


@pytest.mark.parametrize("example", EXAMPLES)
def test_arc_arrays_equal_the_graphs_on_the_examples(example):
    tables = netmap.read_workbook(_ROOT / "examples" / example)
    counts = {day: _assert_same(tables, day) for day in DAYS}
    if example != "pima-county-211":  # its two arcs have no dates
        assert len(set(counts.values())) > 1, counts  # the days differ: something expired


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    for shape in ("hubs", "spread"):
        generate.generate(2000, folder / shape, seed=5, shape=shape)
    return {shape: folder / shape for shape in ("hubs", "spread")}


@pytest.mark.parametrize("shape", ["hubs", "spread"])
@pytest.mark.parametrize("day", ["2026-11-24", "2031-01-01"])
def test_arc_arrays_equal_the_graphs_on_generated_maps(generated, shape, day):
    assert _assert_same(netmap.read_workbook(generated[shape]), day) > 10_000


# Four partners for the hand-made workbooks: two categories, one former partner (not at the table).
FOUR_PARTNERS = [
    ["id", "name", "agency_type", "status"],
    ["A", "Alpha", "AJC", ""],
    ["B", "Beta", "CC", "active"],
    ["C", "Gamma", "AJC", ""],
    ["D", "Delta", "CC", "former"],
]


def test_arc_arrays_by_hand(tmp_path):
    """Directed and dated ties, an agreement that lapses, a funder, a former partner, a
    repeated party."""
    folder = write_csv_workbook(
        tmp_path / "hand",
        {
            "partners": FOUR_PARTNERS,
            "ties": [
                ["source_id", "target_id", "directed", "end"],
                ["A", "B", "yes", ""],
                ["B", "C", "", "2025-12-31"],
                ["C", "D", "", ""],
            ],
            "agreements": [
                ["id", "parties", "expires"],
                ["M1", "A;C;D;C", "2026-06-30"],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id"],
                ["F1", "WIOA Title I", "B", "C"],
            ],
        },
    )
    tables = netmap.read_workbook(folder)
    ids, categories, src, dst = columns.arc_arrays(tables, "2025-06-01")
    assert ids == ["A", "B", "C"]
    assert categories == ["workforce-development", "education", "workforce-development"]
    # A->B directed; B-C tie and funding; A-C agreement (D is a former partner)
    assert list(zip(src.tolist(), dst.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2), (2, 0), (2, 1)]
    _, _, src, dst = columns.arc_arrays(tables, "2027-01-01")  # tie ended, agreement lapsed
    assert list(zip(src.tolist(), dst.tolist(), strict=True)) == [(0, 1), (1, 2), (2, 1)]
    for day in ("2025-06-01", "2027-01-01"):
        _assert_same(tables, day)


def test_tie_places_by_hand_and_shared_within_a_cache(tmp_path):
    """Each tie's ends as places among the partners of some statuses (-1 off them), made
    once per tables and statuses in a shared cache: the rows' arcs and the projection
    both read them."""
    from netmap.analysis._common import ACTIVE
    from netmap.graphcache import shared_cache
    from netmap.project import tie_places

    folder = write_csv_workbook(
        tmp_path / "places",
        {
            "partners": FOUR_PARTNERS,
            "ties": [["source_id", "target_id"], ["A", "B"], ["C", "D"], ["D", "A"], ["C", "B"]],
        },
    )
    tables = netmap.read_workbook(folder)
    active = {"A": 0, "B": 1, "C": 2}  # D is a former partner
    everyone = {"A": 0, "B": 1, "C": 2, "D": 3}
    with shared_cache():
        src, dst = tie_places(tables, active, ACTIVE)
        assert (src.tolist(), dst.tolist()) == ([0, 2, -1, 2], [1, -1, 0, 1])
        assert arcs.rows_partner_index(tables)[0] == active
        arcs.rows_arcs_weighted(tables, "2026-01-01")
        assert tie_places(tables, active, ACTIVE)[0] is src  # the arcs took the same arrays
        src_all, dst_all = tie_places(tables, everyone, None)
        assert (src_all.tolist(), dst_all.tolist()) == ([0, 2, 3, 2], [1, 3, 0, 1])
    # Outside a cache each call looks the ends up again.
    assert tie_places(tables, active, ACTIVE)[0] is not src


def test_analysis_with_the_jobs_sent_from_the_tables_is_the_same(generated, monkeypatch):
    """send_early + adopt: analyze() takes the jobs sent before the graph was built (and the
    arc arrays read off the tables), and its result is that of the graph path."""
    from netmap._worker import enabled
    from netmap.analysis import _offload, analyze
    from netmap.graphcache import shared_cache

    if not enabled():
        pytest.skip("no worker on a single CPU or with NETMAP_PARALLEL=0")
    tables = netmap.read_workbook(generated["hubs"])
    G = netmap.build_graph(tables)
    expected = analyze(G, as_of="2031-01-01", seed=3).to_dict()
    with shared_cache():
        early = columns.send_early(tables, as_of="2031-01-01", seed=3)
        assert early is not None
        G = netmap.build_graph(tables)
        early.adopt(G)
        taken = []
        send = _offload.send

        def spy(*args, **kwargs):
            taken.append(send(*args, **kwargs))
            return taken[-1]

        monkeypatch.setattr(_offload, "send", spy)
        assert analyze(G, as_of="2031-01-01", seed=3).to_dict() == expected
        assert taken == [early.sent]


@pytest.mark.parametrize(
    "options",
    [{"region": "North"}, {"backend": "networkx"}],
    ids=["a region", "networkx"],
)
def test_no_early_jobs_where_analyze_sends_none_from_the_whole_map(generated, options):
    assert columns.send_early(netmap.read_workbook(generated["spread"]), as_of="2026-11-24", **options) is None


def test_no_early_jobs_on_a_small_map():
    tables = netmap.read_workbook(_ROOT / "examples" / "four-state-coalitions")
    assert columns.send_early(tables, as_of="2026-11-24") is None


def test_run_tables_is_run_of_the_built_graph_with_the_early_jobs(generated, monkeypatch):
    """pipeline.run_tables (what analyze and services run): the worker's jobs go from the
    tables before the graph is built, and the result is run(build_graph(tables))'s."""
    from netmap._worker import enabled
    from netmap.analysis import _offload
    from netmap.pipeline import run, run_tables

    tables = netmap.read_workbook(generated["spread"])
    expected = run(netmap.build_graph(tables), as_of="2026-11-24", seed=1).to_dict()
    early_sent = []
    send_arrays = _offload.send_arrays

    def spy(*args, **kwargs):
        early_sent.append(send_arrays(*args, **kwargs))
        return early_sent[-1]

    monkeypatch.setattr(_offload, "send_arrays", spy)
    G, a = run_tables(tables, as_of="2026-11-24", seed=1)
    assert a.to_dict() == expected
    assert len(G) > 2000
    assert len(early_sent) == (1 if enabled() else 0)


def test_run_tables_with_a_bad_day_says_what_run_says(generated):
    from netmap.errors import UsageError
    from netmap.pipeline import run, run_tables

    tables = netmap.read_workbook(generated["spread"])
    with pytest.raises((UsageError, ValueError)) as expected:
        run(netmap.build_graph(tables), as_of="2026-02-30")
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        run_tables(tables, as_of="2026-02-30")


@pytest.mark.parametrize(("setting", "attached"), [(None, True), ("0", True), ("1", False), ("yes", False)])
def test_tables_are_attached_to_the_graph_built_from_them_unless_the_graph_path_is_asked(
    monkeypatch, setting, attached
):
    from netmap.graphcache import shared_cache

    if setting is None:
        monkeypatch.delenv(columns.GRAPH_PATH, raising=False)
    else:
        monkeypatch.setenv(columns.GRAPH_PATH, setting)
    tables = netmap.read_workbook(_ROOT / "examples" / "tucson-behavioral-health")
    G, other = netmap.build_graph(tables), netmap.build_graph(tables)
    with shared_cache():
        columns.attach_tables(G, tables)
        assert (columns.tables_of(G) is tables) is attached
        assert columns.tables_of(other) is None  # another graph, even of the same tables
    assert columns.tables_of(G) is None  # only inside the cache the analyses run in


def test_run_tables_lets_the_analyses_find_the_tables(monkeypatch):
    import netmap.analysis
    from netmap import pipeline

    monkeypatch.delenv(columns.GRAPH_PATH, raising=False)
    seen = []
    real = netmap.analysis.formalisation

    def spy(G, **options):
        seen.append(columns.tables_of(G))
        return real(G, **options)

    monkeypatch.setattr(netmap.analysis, "formalisation", spy)
    tables = netmap.read_workbook(_ROOT / "examples" / "tucson-behavioral-health")
    pipeline.run_tables(tables, as_of="2026-07-01")
    assert seen == [tables]


def _both_paths(tables, day, read):
    """``read(G, day)`` of a graph with its tables attached and of one without."""
    from netmap.graphcache import shared_cache

    with shared_cache():
        G = netmap.build.deferred_graph(tables)
        columns.attach_tables(G, tables)
        rows = read(G, day)
        built = netmap.build.is_deferred(G)
    with shared_cache():
        graph = read(netmap.build_graph(tables), day)
    return rows, graph, built


def _digraph(G, day):
    D = arcs.partner_digraph(G, as_of=day)
    return list(D.nodes(data=True)), set(D.edges), D.number_of_edges()


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("day", DAYS)
@pytest.mark.usefixtures("rows_path")
def test_partner_digraph_and_arc_arrays_from_the_rows_equal_the_graphs(example, day):
    tables = netmap.read_workbook(_ROOT / "examples" / example)
    rows, graph, unbuilt = _both_paths(tables, day, _digraph)
    assert rows == graph and unbuilt  # and the deferred graph was never built
    rows, graph, unbuilt = _both_paths(tables, day, lambda G, d: arcs.arc_arrays(G, d))
    assert rows[:2] == graph[:2] and unbuilt
    assert np.array_equal(rows[2], graph[2]) and np.array_equal(rows[3], graph[3])


@pytest.mark.parametrize("shape", ["hubs", "spread"])
@pytest.mark.usefixtures("rows_path")
def test_partner_digraph_from_the_rows_equals_the_graphs_on_generated_maps(generated, shape):
    rows, graph, unbuilt = _both_paths(netmap.read_workbook(generated[shape]), "2026-11-24", _digraph)
    assert rows == graph and unbuilt and rows[2] > 10_000


@pytest.mark.usefixtures("rows_path")
@pytest.mark.parametrize("command", ["report", "map"])
def test_report_and_map_send_the_jobs_from_the_rows(generated, monkeypatch, tmp_path, command):
    """``netmap report`` and ``netmap map``: a large map's worker jobs go from the rows (the
    graph is never built, see below), its arcs are never read off the graph, and the page is
    the one drawn with no worker at all (NETMAP_PARALLEL=0)."""
    from typer.testing import CliRunner

    from netmap._worker import enabled
    from netmap.analysis import _offload
    from netmap.cli import app

    if not enabled():
        pytest.skip("no worker on a single CPU or with NETMAP_PARALLEL=0")
    off_the_graph, sent = [], []
    read_arcs, send_arrays = arcs._arc_arrays, _offload.send_arrays
    monkeypatch.setattr(arcs, "_arc_arrays", lambda *a, **k: off_the_graph.append(1) or read_arcs(*a, **k))
    monkeypatch.setattr(_offload, "send_arrays", lambda *a, **k: sent.append(1) or send_arrays(*a, **k))
    args = [command, str(generated["hubs"]), "--as-of", "2026-11-24"]
    pages = []
    for parallel in ("1", "0"):
        out = tmp_path / f"{command}-{parallel}.html"
        result = CliRunner().invoke(app, [*args, "-o", str(out)], env={"NETMAP_PARALLEL": parallel})
        assert result.exit_code == 0, result.output
        # The report's appendix says when it was made; the rest is the same to the byte.
        pages.append(re.sub(r"<dt>Generated</dt><dd>[^<]*</dd>", "", out.read_text(encoding="utf-8")))
        if parallel == "1":
            assert (len(sent), len(off_the_graph)) == (1, 0)
    assert pages[0] == pages[1]
    assert len(off_the_graph) == 0  # without a worker the analysis reads them off the rows too


@pytest.mark.parametrize("command", ["report", "map"])
@pytest.mark.parametrize("region", [None, "Willow"])
def test_report_and_map_of_a_whole_workbook_never_build_its_graph(generated, monkeypatch, tmp_path, command, region):
    """The page of a whole workbook is drawn from its rows (the graph is a deferred one that
    nothing builds); a region's page reads the built graph. Either way it is the page that
    the graph path (NETMAP_GRAPH_PATH=1, every analysis and the page reading the graph) draws."""
    from typer.testing import CliRunner

    from netmap import build
    from netmap.cli import app

    built = []
    make = build._Deferred._make
    monkeypatch.setattr(build._Deferred, "_make", lambda self: built.append(1) or make(self))
    args = [command, str(generated["spread"]), "--as-of", "2026-11-24", "--include-contacts"]
    if region is not None:
        args += ["--region", region]
    pages = []
    for graph_path in ("0", "1"):
        out = tmp_path / f"{command}-{graph_path}.html"
        result = CliRunner().invoke(app, [*args, "-o", str(out)], env={columns.GRAPH_PATH: graph_path})
        assert result.exit_code == 0, result.output
        pages.append(re.sub(r"<dt>Generated</dt><dd>[^<]*</dd>", "", out.read_text(encoding="utf-8")))
        if graph_path == "0":
            assert built == [], "the rows path built the graph"
    # The graph path builds the deferred graph on its first look (a region's view reads a built one).
    assert built == ([1] if region is None else [])
    assert pages[0] == pages[1]


def _weights_from_graph(tables, day):
    from netmap.analysis._common import ACTIVE
    from netmap.project import project

    ids = arcs.rows_partner_index(tables)[1]
    P = project(netmap.build_graph(tables), as_of=day, statuses=ACTIVE)
    place = {pid: i for i, pid in enumerate(ids)}
    pairs = sorted((min(place[a], place[b]), max(place[a], place[b]), d["weight"]) for a, b, d in P.edges(data=True))
    return pairs


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_rows_weights_are_the_projections_on_the_examples(example):
    tables = netmap.read_workbook(_ROOT / "examples" / example)
    for day in DAYS:
        *_, lo, hi, weight = arcs.rows_arcs_weighted(tables, day)
        assert list(zip(lo.tolist(), hi.tolist(), weight.tolist(), strict=True)) == _weights_from_graph(tables, day)


@pytest.mark.parametrize("shape", ["hubs", "spread"])
def test_the_rows_weights_are_the_projections_on_generated_maps(generated, shape):
    tables = netmap.read_workbook(generated[shape])
    *_, lo, hi, weight = arcs.rows_arcs_weighted(tables, "2026-11-24")
    expected = _weights_from_graph(tables, "2026-11-24")
    assert list(zip(lo.tolist(), hi.tolist(), weight.tolist(), strict=True)) == expected
    assert max(weight.tolist()) > 1  # pairs tied by more than one row are counted as such


def test_the_rows_weights_by_hand(tmp_path):
    """A pair tied by two rows, an agreement and an award (weight 4); a directed tie; a tie
    to a former partner (no pair); a lapsed tie (no weight)."""
    folder = write_csv_workbook(
        tmp_path / "weights",
        {
            "partners": FOUR_PARTNERS,
            "ties": [
                ["source_id", "target_id", "directed", "end"],
                ["A", "B", "", ""],
                ["B", "A", "yes", ""],
                ["B", "C", "yes", ""],
                ["C", "D", "", ""],
                ["A", "C", "", "2020-01-01"],
            ],
            "agreements": [["id", "parties"], ["M1", "A;B"]],
            "funding": [["id", "stream", "recipient_id", "funder_id"], ["F1", "WIOA", "B", "A"]],
        },
    )
    *_, lo, hi, weight = arcs.rows_arcs_weighted(netmap.read_workbook(folder), "2026-11-24")
    assert list(zip(lo.tolist(), hi.tolist(), weight.tolist(), strict=True)) == [(0, 1, 4), (1, 2, 1)]


@pytest.mark.parametrize("shape", ["hubs", "spread"])
def test_health_counts_from_the_rows_weights_equal_those_read_off_the_projection(generated, shape):
    """_offload.attach puts the rows' edges and weights on the projection (no worker needed
    here): the igraph edge set and health's tie counts read from them equal those read off P."""
    from netmap.analysis import _igraph, _offload
    from netmap.analysis._common import ACTIVE
    from netmap.graphcache import prefetched, shared_cache
    from netmap.project import project

    tables = netmap.read_workbook(generated[shape])
    ids, categories, _, _, lo, hi, weight = arcs.rows_arcs_weighted(tables, "2026-11-24")
    P = project(netmap.build_graph(tables), as_of="2026-11-24", statuses=ACTIVE)
    with shared_cache():
        plain_es = _igraph.edge_set(P)
        plain = _igraph.tie_counts(P, categories)
    with shared_cache():
        sent = _offload.Sent(len(ids), len(lo), {}, pairs=(lo, hi, weight))
        assert _offload.attach(P, sent)
        assert prefetched(P, _igraph.PAIR_WEIGHTS)
        es = _igraph.edge_set(P)
        assert np.array_equal(es.lo, plain_es.lo) and np.array_equal(es.hi, plain_es.hi)
        assert _igraph.tie_counts(P, categories) == plain
