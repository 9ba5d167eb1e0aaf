"""Maps for comparing an analysis read from the rows with the same analysis read from the graph.

The columnar path (:mod:`netmap.columns`): inside :func:`netmap.pipeline.run_tables` an
analysis may read the rows its graph was just built from. :func:`both_paths` runs one call
both ways; the maps are the bundled examples and generated 2,000-partner maps of both shapes
(the benchmark generator), at days before, between and after their ties, agreements and
awards end.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import netmap
from netmap.columns import attach_tables, tables_of
from netmap.graphcache import shared_cache

ROOT = Path(__file__).parents[2]
EXAMPLE_NAMES = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir() and not p.name.startswith("_"))
# Before, on and long after the examples' and generated maps' dates: agreements and awards
# expire and ties end between them.
DAYS = ("2020-01-01", "2024-06-30", "2026-11-24", "2031-01-01")
SHAPES = ("hubs", "spread")


def _generator() -> Any:
    name = "bench_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "generate.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def generated_maps(tmp_path_factory) -> dict[str, Path]:
    """Generated 2,000-partner workbooks, ``{"hubs": folder, "spread": folder}``."""
    folder = tmp_path_factory.mktemp("generated-2000")
    for shape in SHAPES:
        _generator().generate(2000, folder / shape, seed=7, shape=shape)
    return {shape: folder / shape for shape in SHAPES}


def tables_of_map(name: str, generated: dict[str, Path]) -> Any:
    """The validated tables of an example (by name) or of a generated map (by shape)."""
    return netmap.read_workbook(generated[name] if name in SHAPES else ROOT / "examples" / name)


def both_paths(tables: Any, call: Callable[[nx.MultiDiGraph], Any]) -> tuple[Any, Any]:
    """``call(G)`` with the rows attached to ``G`` (the rows path), then on a graph without them."""
    G = netmap.build_graph(tables)
    with shared_cache():
        attach_tables(G, tables)
        assert tables_of(G) is tables  # NETMAP_GRAPH_PATH unset: the rows path is taken
        rows = call(G)
    H = netmap.build_graph(tables)
    with shared_cache():
        assert tables_of(H) is None
        graph = call(H)
    return rows, graph
