"""benchmarks/generate.py: the synthetic workbooks the benchmarks run on, in both shapes."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

import netmap

_FILE = Path(__file__).parents[1] / "benchmarks" / "generate.py"
_SPEC = importlib.util.spec_from_file_location("bench_generate", _FILE)
generate = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = generate  # its dataclasses look their module up
_SPEC.loader.exec_module(generate)


def _rows(folder: Path, sheet: str) -> list[dict[str, str]]:
    with open(folder / f"{sheet}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_hubs_shape_ties_state_agencies_to_most_local_partners(tmp_path):
    generate.generate(1000, tmp_path / "hubs", seed=3, shape="hubs")
    generate.generate(1000, tmp_path / "spread", seed=3)
    partners = {r["id"]: r for r in _rows(tmp_path / "hubs", "partners")}
    local = sum(1 for r in partners.values() if r["level"] == "local")
    for shape, lo, hi in (("hubs", 0.75, 0.85), ("spread", 0.0, 0.1)):
        degree = Counter()
        for t in _rows(tmp_path / shape, "ties"):
            degree[t["source_id"]] += 1
            degree[t["target_id"]] += 1
        hubs = [p for p, r in partners.items() if r["agency_type"] == "State workforce agency"]
        assert len(hubs) == 1  # 1,000 partners: one state
        # Each hub agency reaches about HUB_REACH (0.8) of the state's local partners.
        assert lo * local <= degree[hubs[0]] <= hi * local + 10, shape


def test_same_seed_same_bytes_and_a_valid_workbook(tmp_path):
    generate.generate(300, tmp_path / "a", seed=1, shape="hubs")
    generate.generate(300, tmp_path / "b", seed=1, shape="hubs")
    for sheet in ("partners", "ties", "agreements", "funding", "roles", "services"):
        assert (tmp_path / "a" / f"{sheet}.csv").read_bytes() == (tmp_path / "b" / f"{sheet}.csv").read_bytes()
    assert netmap.read_workbook(tmp_path / "a").errors == []


def test_an_unknown_shape_is_refused(tmp_path):
    with pytest.raises(ValueError, match="shape must be one of spread, hubs"):
        generate.generate(300, tmp_path, shape="star")
