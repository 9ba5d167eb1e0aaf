"""Maps for comparing an analysis's paths: the bundled examples and generated workbooks.

``workbooks()`` names the four examples and two generated 2,000-partner maps (one of each
benchmark shape, made once per test session); ``both_paths`` runs an analysis on the graph
that carries its tables (:func:`netmap.graphcache.attach_tables`, as ``pipeline.run_tables``
does) and on one that does not, for the tests to compare.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import netmap
from netmap.columns import GRAPH_PATH, attach_tables, tables_of
from netmap.graphcache import shared_cache

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir() and not p.name.startswith("_"))
# Before, among and long after the examples' and generated maps' dates: ties end, agreements
# lapse and awards start and end between them.
DAYS = ("2020-01-01", "2024-06-30", "2026-11-24", "2031-01-01")
SHAPES = ("hubs", "spread")

_TABLES: dict[str, Any] = {}


def _generate() -> Any:
    name = "bench_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "generate.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


def workbook(name: str, factory: pytest.TempPathFactory) -> Any:
    """The validated tables of an example, or of ``"generated-hubs"`` / ``"generated-spread"``
    (written once per session under ``factory``, pytest's ``tmp_path_factory``)."""
    if name not in _TABLES:
        if name.startswith("generated-"):
            shape = name.removeprefix("generated-")
            folder = factory.mktemp(name) / shape
            _generate().generate(2000, folder, seed=11, shape=shape)
            _TABLES[name] = netmap.read_workbook(folder)
        else:
            _TABLES[name] = netmap.read_workbook(ROOT / "examples" / name)
    return _TABLES[name]


WORKBOOKS = (*EXAMPLES, *(f"generated-{s}" for s in SHAPES))


def hand_made_tables(folder: Path, sheets: dict[str, str]) -> Any:
    """The validated tables of a workbook written by hand: ``{sheet: CSV text}``, one file each
    in ``folder``; the workbook must be clean (what the test is about is elsewhere)."""
    for sheet, text in sheets.items():
        (folder / f"{sheet}.csv").write_text(text, encoding="utf-8")
    tables = netmap.read_workbook(folder)
    assert tables.ok, [i.message for i in tables.issues]
    return tables


def both_paths(tables: Any, analysis: Callable[..., Any], **options: Any) -> tuple[Any, Any]:
    """``analysis`` of the graph of ``tables`` from the rows, then from the graph alone."""
    saved = os.environ.pop(GRAPH_PATH, None)  # a run of the suite on the graph path
    try:
        return _both_paths(tables, analysis, **options)
    finally:
        if saved is not None:
            os.environ[GRAPH_PATH] = saved


def _both_paths(tables: Any, analysis: Callable[..., Any], **options: Any) -> tuple[Any, Any]:
    with shared_cache():
        G = netmap.build_graph(tables)
        attach_tables(G, tables)
        assert tables_of(G) is tables
        rows = analysis(G, **options)
    G = netmap.build_graph(tables)
    with shared_cache():
        assert tables_of(G) is None
        graph = analysis(G, **options)
    return rows, graph


EXAMPLE_NAMES = EXAMPLES


def unbuilt(tables: Any, analysis: Callable[..., Any], **options: Any) -> tuple[Any, bool]:
    """``analysis`` of a deferred graph of ``tables`` carrying them (as ``pipeline.run_tables``
    analyses), and whether the graph was still unbuilt afterwards (it should be: the analysis
    read the rows, not the graph)."""
    from netmap.build import deferred_graph, is_deferred

    saved = os.environ.pop(GRAPH_PATH, None)  # a run of the suite on the graph path
    try:
        G = deferred_graph(tables)
        with shared_cache():
            attach_tables(G, tables)
            result = analysis(G, **options)
            return result, is_deferred(G)
    finally:
        if saved is not None:
            os.environ[GRAPH_PATH] = saved


@pytest.fixture(scope="session")
def generated_maps(tmp_path_factory) -> dict[str, Path]:
    """Generated 2,000-partner workbooks, ``{"hubs": folder, "spread": folder}``."""
    folder = tmp_path_factory.mktemp("generated-2000")
    for shape in SHAPES:
        _generate().generate(2000, folder / shape, seed=7, shape=shape)
    return {shape: folder / shape for shape in SHAPES}


def tables_of_map(name: str, generated: dict[str, Path]) -> Any:
    """The validated tables of an example (by name) or of a generated map (by shape)."""
    return netmap.read_workbook(generated[name] if name in SHAPES else ROOT / "examples" / name)


def as_dict(result: Any) -> Any:
    return None if result is None else result.to_dict()
