"""netmap.graphcache: ordered_subgraph keeps the graph's order whatever the hash seed."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from netmap.graphcache import ordered_subgraph

ROOT = Path(__file__).resolve().parents[1]


def _graph(n: int = 40) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    names = [f"node-{(i * 7) % n:03d}" for i in range(n)]  # not sorted: G's order is its own
    G.add_nodes_from(names)
    for a, b in zip(names, names[3:], strict=False):
        G.add_edge(a, b)
        G.add_edge(b, a)
    return G


@pytest.mark.parametrize("share", [0.1, 0.4, 0.9])  # below and above half: networkx iterates differently
def test_nodes_and_neighbours_come_in_the_graphs_order(share):
    G = _graph()
    kept = set(list(G)[:: max(1, round(1 / share))])
    H = ordered_subgraph(G, kept)
    assert list(H) == [n for n in G if n in kept]
    for n in H:
        assert list(H.succ[n]) == [m for m in G.succ[n] if m in kept]
        assert list(H.pred[n]) == [m for m in G.pred[n] if m in kept]
    assert nx.utils.edges_equal(H.edges(keys=True), G.subgraph(kept).edges(keys=True))
    assert len(H) == len(kept)


def test_a_view_of_a_view_keeps_its_edge_filter():
    G = _graph()
    no_loops_back = nx.subgraph_view(G, filter_edge=lambda u, v, k: u < v)
    H = ordered_subgraph(no_loops_back, list(G)[:10])
    assert all(u < v for u, v in H.edges())
    assert sorted(H.edges()) == sorted(no_loops_back.subgraph(list(G)[:10]).edges())


def test_a_region_report_is_the_same_whatever_the_hash_seed(tmp_path):
    """Before, the partners a finding named followed a set's order (string hashes), so two
    runs of one report on one workbook listed them differently."""
    spec = importlib.util.spec_from_file_location("bench_generate_seed", ROOT / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate
    spec.loader.exec_module(generate)
    # 1,000 partners in 5 regions: one region's view is well under half the graph.
    generate.generate(1000, tmp_path / "wb", seed=2)
    texts = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}.md"
        env = {**os.environ, "PYTHONHASHSEED": seed, "NETMAP_PARALLEL": "0"}
        args = ["report", str(tmp_path / "wb"), "--region", "Cascade", "--format", "md", "--as-of", "2026-07-01"]
        done = subprocess.run(
            [sys.executable, "-m", "netmap", *args, "-o", str(out)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        texts.append(re.sub(r"\d{4}-\d\d-\d\dT[\d:.+]+", "", out.read_text(encoding="utf-8")))
    assert "partners play roles with no current agreement" in texts[0]
    assert texts[0] == texts[1]
