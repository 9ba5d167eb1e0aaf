"""The map's layout started ahead (netmap.render.map.LayoutAhead): a head start, never a change.

A forked child lays out a small map while the analysis runs; its spring layouts go into the
memo the page looks them up in. The page must come out exactly as when it lays
itself out, whatever the child did.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import netmap
from netmap import _background, _worker
from netmap.graphcache import cache_worker, prefetched, shared_cache
from netmap.pipeline import run
from netmap.render import map as drawing

_FILE = Path(__file__).parents[2] / "benchmarks" / "generate.py"
_SPEC = importlib.util.spec_from_file_location("bench_generate", _FILE)
generate = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = generate  # its dataclasses look their module up
_SPEC.loader.exec_module(generate)

DAY = "2026-07-01"
forks = pytest.mark.skipif(not _background.parallel_enabled(), reason="needs fork and a second CPU")


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    """Generated maps of 300 partners (two regions and the state level), both shapes."""
    out = {}
    for shape in ("spread", "hubs"):
        folder = tmp_path_factory.mktemp(shape)
        generate.generate(300, folder, seed=1, shape=shape)
        out[shape] = netmap.read_graph(folder)
    return out


@pytest.fixture
def empty_memos(monkeypatch):
    monkeypatch.setattr(drawing, "_layout_memo", {})


def _springs_here(monkeypatch) -> list[int]:
    """Count the spring layouts this process computes (not the child's)."""
    calls: list[int] = []
    real = drawing.nx.spring_layout
    monkeypatch.setattr(drawing.nx, "spring_layout", lambda g, **k: calls.append(len(g)) or real(g, **k))
    return calls


@forks
@pytest.mark.parametrize("shape", ["spread", "hubs"])
def test_a_map_laid_out_ahead_is_the_map_laid_out_here(graphs, shape, empty_memos, monkeypatch):
    G = graphs[shape]
    here = drawing.map_data(G, run(G, as_of=DAY, seed=3))
    monkeypatch.setattr(drawing, "_layout_memo", {})
    calls = _springs_here(monkeypatch)
    with drawing.LayoutAhead(G, region=None, as_of=DAY, seed=3) as ahead:
        a = run(G, as_of=DAY, seed=3)
        ahead.adopt()
    assert len(drawing._layout_memo) >= 2  # each region's spring layout came from the child
    ahead_data = drawing.map_data(G, a)
    assert calls == []  # ... and none was computed again here
    assert ahead_data == here


@forks
@pytest.mark.parametrize(
    ("ahead_of", "why"),
    [
        ({"region": None, "as_of": DAY, "seed": 4}, "another seed"),
        ({"region": None, "as_of": "2019-01-01", "seed": 3}, "another day"),
        ({"region": "No Such Region", "as_of": DAY, "seed": 3}, "a region not on the map: the child fails"),
    ],
    ids=["seed", "day", "region"],
)
def test_a_layout_ahead_that_does_not_fit_changes_nothing(graphs, ahead_of, why, empty_memos, monkeypatch):
    G = graphs["hubs"]
    here = drawing.map_data(G, run(G, as_of=DAY, seed=3))
    monkeypatch.setattr(drawing, "_layout_memo", {})
    with drawing.LayoutAhead(G, **ahead_of) as ahead:
        a = run(G, as_of=DAY, seed=3)
        ahead.adopt()
    assert drawing.map_data(G, a) == here, why


@pytest.mark.parametrize(("parallel", "enabled"), [("0", True), ("1", False)], ids=["no second core", "switched off"])
def test_no_child_is_started_without_a_second_core_or_a_map(graphs, parallel, enabled, monkeypatch):
    monkeypatch.setenv(_background.ENV, parallel)
    started: list[int] = []
    real = _background.start
    monkeypatch.setattr(_background, "start", lambda *a, **k: started.append(1) or real(*a, **k))
    with drawing.LayoutAhead(graphs["hubs"], region=None, as_of=DAY, seed=0, enabled=enabled) as ahead:
        ahead.adopt()
    assert started == []


@forks
def test_a_small_map_is_left_to_the_page(empty_memos):
    """Up to ALL_LABELS_UPTO partners the page searches the label font itself: the child sends nothing."""
    G = netmap.read_graph(Path(__file__).parents[2] / "examples" / "tucson-behavioral-health")
    assert drawing.partner_graph(G, DAY).number_of_nodes() <= drawing.ALL_LABELS_UPTO
    with drawing.LayoutAhead(G, region=None, as_of=DAY, seed=0) as ahead:
        assert ahead._job is not None
        ahead.adopt()
    assert drawing._layout_memo == {}


@forks
def test_cancel_stops_the_child(graphs):
    ahead = drawing.LayoutAhead(graphs["hubs"], region=None, as_of=DAY, seed=0)
    job = ahead._job
    assert job is not None and job.forked
    ahead.cancel()
    assert not job.forked and ahead._job is None
    ahead.adopt()  # nothing left to wait for


# -- a large map: its Fruchterman-Reingold layouts asked of the analysis's worker ----------------

workers = pytest.mark.skipif(not _worker.enabled(), reason="needs a second CPU for the worker")


def _large_map_ahead(G, seed, monkeypatch, *, kill_worker=False, region=None):
    """map_data of ``G`` as `netmap report` draws it: one shared cache, the layouts asked of the
    worker after the analysis; and the functions forked from this process meanwhile."""
    forked: list[str] = []
    real = _background.start
    monkeypatch.setattr(_background, "start", lambda fn, *a, **k: forked.append(fn.__name__) or real(fn, *a, **k))
    with shared_cache():
        with drawing.LayoutAhead(G, region=region, as_of=DAY, seed=seed) as ahead:
            a = run(G, as_of=DAY, seed=seed, region=region)
            ahead.adopt()
        P = drawing.partner_graph(drawing.select_region(G, region), a.as_of)
        asked = prefetched(P, drawing._fast_key(seed))
        if kill_worker:
            cache_worker()._proc.kill()
        data = drawing.map_data(G, a)
    return data, asked, forked


@workers
@pytest.mark.parametrize("shape", ["spread", "hubs"])
def test_a_large_maps_layouts_from_the_worker_are_the_ones_laid_out_here(graphs, shape, monkeypatch):
    G = graphs[shape]
    monkeypatch.setattr(drawing, "FAST_LAYOUT_ABOVE", 100)  # these 300 partners are a large map
    here = drawing.map_data(G, run(G, as_of=DAY, seed=3))  # no worker asked: forked or inline
    data, asked, forked = _large_map_ahead(G, 3, monkeypatch)
    assert asked
    assert "_region_layout" not in forked  # the rest of the layout is made here, nothing forked
    assert data == here


@workers
def test_one_regions_large_map_is_laid_out_by_the_worker_too(graphs, monkeypatch):
    G = graphs["spread"]
    region = sorted({d["region"] for _, d in G.nodes(data=True) if d.get("label") == "Partner" and d.get("region")})[0]
    monkeypatch.setattr(drawing, "FAST_LAYOUT_ABOVE", 50)
    here = drawing.map_data(G, run(G, as_of=DAY, seed=2, region=region))
    data, asked, forked = _large_map_ahead(G, 2, monkeypatch, region=region)
    assert asked and "_region_layout" not in forked
    assert data == here


@workers
def test_a_worker_that_dies_leaves_the_layout_to_this_process(graphs, monkeypatch):
    G = graphs["hubs"]
    monkeypatch.setattr(drawing, "FAST_LAYOUT_ABOVE", 100)
    here = drawing.map_data(G, run(G, as_of=DAY, seed=5))
    data, asked, _ = _large_map_ahead(G, 5, monkeypatch, kill_worker=True)
    assert asked and data == here


def test_a_map_of_up_to_fast_layout_above_partners_asks_the_worker_nothing(graphs):
    G = graphs["spread"]
    with shared_cache():
        P = drawing.partner_graph(G, run(G, as_of=DAY).as_of)
        assert P.number_of_nodes() <= drawing.FAST_LAYOUT_ABOVE
        assert not drawing.lay_out_ahead(P, 0)
        assert not prefetched(P, drawing._fast_key(0))


def test_fr_layouts_in_the_worker_equal_those_made_here():
    sizes, edges = [3, 4], [[(0, 1), (1, 2)], [(0, 1), (1, 2), (2, 3), (3, 0)]]
    worker = _worker.Worker.start()
    try:
        parts = worker.submit(drawing.FR_JOB, {"sizes": sizes, "edges": edges, "seed": 7}, keys=["layouts"])
        assert parts["layouts"].result(timeout=60) == drawing.fr_layouts(sizes, edges, 7)
    finally:
        worker.close()
