"""netmap.analysis.diff: two snapshots of the four-state example, and hand-made edits."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netmap
from netmap.analysis.diff import diff
from netmap.cli import app
from tests.conftest import EXAMPLES

FOUR = EXAMPLES / "four-state-coalitions"
ALLIES = {"IL-DCEO", "IL-GOV"}  # Illinois's two state-level champions


def without(folder: Path, out: Path, gone: set[str]) -> Path:
    """A copy of a CSV workbook with every row naming one of ``gone`` left out."""
    shutil.copytree(folder, out)
    for path in out.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        keep = [rows[0]] + [r for r in rows[1:] if not {x.strip() for c in r for x in c.split(";")} & gone]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(keep)
    return out


@pytest.fixture(scope="module")
def after_turnover(tmp_path_factory) -> Path:
    return without(FOUR, tmp_path_factory.mktemp("snap") / "2027", ALLIES)


def test_the_illinois_allies_leaving_shows_in_the_diff(after_turnover):
    d = diff(netmap.read_graph(FOUR), netmap.read_graph(after_turnover), as_of="2026-07-01")
    assert {p["id"] for p in d.partners_lost} == ALLIES
    assert d.partners_gained == [] and d.partners_renamed == []
    assert len(d.ties_lost) == 6 and all(ALLIES & {t["source"], t["target"]} for t in d.ties_lost)
    assert [a["id"] for a in d.agreements_lost] == ["FA10"]
    assert sorted(f["id"] for f in d.funding_lost) == ["FF19", "FF22"]
    assert d.gaps_opened == [
        {
            "level": "state",
            "region": "Illinois",
            "agency_type": "State economic development agency",
            "category": "Economic Development",
        }
    ]
    assert d.gaps_closed == []
    fallen = {b["id"]: b for b in d.brokers_fallen}
    assert fallen["IL-DCEO"]["old_rank"] == 2 and not fallen["IL-DCEO"]["still_partner"]
    assert "IL-GOV" in fallen
    assert d.changed


def test_the_same_snapshot_twice_changes_nothing():
    G = netmap.read_graph(FOUR)
    d = diff(G, copy.deepcopy(G), as_of="2026-07-01")
    assert not d.changed
    assert all(c["change"] == 0 for c in d.scorecard)


def test_renamed_and_changed_partners_are_matched_by_id(small_workbook):
    old = netmap.read_graph(small_workbook)
    new = copy.deepcopy(old)
    new.nodes["Partner:P1"]["name"] = "Pima College"
    new.nodes["Partner:P4"]["team"] = "leadership"
    new.remove_edge("Partner:P1", "Partner:P2", key="TIED_TO:2")
    d = diff(old, new, as_of="2026-07-01")
    assert d.partners_renamed == [{"id": "P1", "old_name": "Pima Community College", "new_name": "Pima College"}]
    assert d.partners_lost == [] and d.partners_gained == []
    assert d.partners_changed == [
        {"id": "P4", "name": "Desert Diamond Casino", "changes": {"team": {"old": "stakeholder", "new": "leadership"}}}
    ]
    assert d.ties_lost == [{"source": "P1", "target": "P2", "kind": "referral"}]
    before = copy.deepcopy(list(old.nodes(data=True)))
    diff(old, new, as_of="2026-07-01")
    assert list(old.nodes(data=True)) == before


def test_diff_command(after_turnover):
    runner = CliRunner()
    result = runner.invoke(app, ["diff", str(FOUR), str(after_turnover), "--as-of", "2026-07-01", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {p["id"] for p in doc["partners_lost"]} == ALLIES and doc["changed"]
    table = runner.invoke(app, ["diff", str(FOUR), str(after_turnover), "--as-of", "2026-07-01"])
    assert table.exit_code == 0
    assert "Partners lost (2)" in table.stdout and "Office of the Governor of Illinois" in table.stdout
    assert "Roster gaps opened (1)" in table.stdout
