"""netmap history and report --since over versions kept in the database, end to end.

Three versions of one map are loaded with ``netmap load --label``: q1 (the Tucson example),
q2 (a partner added: Banner Health), q3 (also the data-sharing agreement TA05 ending on
2026-05-31); see tests/history_snapshots.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netmap.cli import app
from netmap.store import list_versions
from tests.history_snapshots import make_snapshots

# Per snapshot: partners (active), ties, gaps, current agreements.
HEADLINES = {"q1": (14, 18, 7, 3), "q2": (15, 18, 7, 3), "q3": (15, 18, 7, 2)}


def run(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_snapshots(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture
def stored(target, folders):
    """q1, q2, q3 loaded as versions 1, 2, 3 of one map; returns (uri, name, extra args, env, versions)."""
    name = target.name("tucson")
    env = {"NEO4J_PASSWORD": target.server.password} if target.server.password else None
    extra = [*target.cli_args, *(["--user", target.server.user] if target.server.user else [])]
    for quarter in ("q1", "q2", "q3"):
        args = ["load", folders[quarter], "--uri", target.server.uri, "--map", name, "--label", quarter, *extra]
        result = run(*args, env=env)
        assert result.exit_code == 0, result.output
    with target.connect() as engine:
        versions = list_versions(engine, name)
    assert [v["label"] for v in versions] == ["q1", "q2", "q3"]
    return target.server.uri, name, extra, env, versions


def _history(*args, env=None) -> dict:
    result = run("history", *args, "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _headline(s: dict) -> tuple[int, int, int, int]:
    return (s["partners"], s["ties"], s["gaps"], s["agreements_current"])


def test_a_map_named_alone_is_its_whole_history_in_version_order(stored) -> None:
    uri, name, extra, env, versions = stored
    got = _history(uri, "--map", name, *extra, env=env)
    snaps = got["snapshots"]
    assert [s["label"] for s in snaps] == [f"{name}@1", f"{name}@2", f"{name}@3"]
    # Each version is of the day it was loaded.
    assert [s["date"] for s in snaps] == [v["loaded_at"][:10] for v in versions]
    assert [_headline(s) for s in snaps] == [HEADLINES["q1"], HEADLINES["q2"], HEADLINES["q3"]]
    first, second = got["steps"]
    assert (first["from"], first["to"]) == (f"{name}@1", f"{name}@2")
    assert first["partners_gained"] == ["BNR"] and first["partners_lost"] == []
    assert first["agreements_lapsed"] == [] and first["gaps_closed"] == first["gaps_opened"] == []
    assert second["partners_gained"] == second["partners_lost"] == []
    assert second["agreements_lapsed"] == ["TA05"]
    assert (second["ties_gained"], second["ties_lost"]) == (0, 0)


def test_chosen_versions_and_a_date_for_one_of_them(stored) -> None:
    uri, name, extra, env, _ = stored
    got = _history(uri, "--map", f"{name}@3", "--map", f"{name}@1", "--date", f"{name}@1=2026-01-15", *extra, env=env)
    # Judged on its given day, version 1 still has an agreement that has lapsed since.
    assert [(s["label"], s["date"][:4], _headline(s)) for s in got["snapshots"]] == [
        (f"{name}@1", "2026", (14, 18, 7, 4)),
        (f"{name}@3", "2026", HEADLINES["q3"]),
    ]
    assert got["snapshots"][0]["date"] == "2026-01-15"
    (step,) = got["steps"]
    assert step["partners_gained"] == ["BNR"] and step["agreements_lapsed"] == ["TA03", "TA05"]


def test_a_workbook_and_stored_versions_mixed(stored, folders) -> None:
    uri, name, extra, env, _ = stored
    # The workbook q1 is dated by its files (2026-01-15), before the versions loaded today.
    got = _history(folders["q1"], uri, "--map", f"{name}@2", "--map", f"{name}@3", *extra, env=env)
    snaps = got["snapshots"]
    assert [Path(s["label"]).name for s in snaps] == ["q1", f"{name}@2", f"{name}@3"]
    assert snaps[0]["date"] == "2026-01-15"
    assert [_headline(s) for s in snaps] == [(14, 18, 7, 4), HEADLINES["q2"], HEADLINES["q3"]]
    assert [s["partners_gained"] for s in got["steps"]] == [["BNR"], []]
    assert [s["agreements_lapsed"] for s in got["steps"]] == [["TA03"], ["TA05"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{uri}", "--map", "nowhere"], "has no map 'nowhere'"),
        (["{uri}", "--map", "{name}@7"], "has no version '7'"),
        (["{q1}", "{q2}", "--map", "{name}"], "--map names maps in a database; give the database URI"),
        (["{uri}", "{q1}"], "say which map with --map NAME"),
        (["{uri}", "--map", "{name}@2"], "history needs two or more snapshots; those given make 1"),
        (["{uri}", "--map", "{name}@2", "--map", "{name}@2"], "--map {name}@2 is given twice"),
        (["{uri}", "--map", "{name}", "--map", "{name}@2"], "--map {name} and --map {name}@2 both name version"),
        (["{uri}", "--map", "{name}", "--date", "{name}=2026-01-01"], "SNAPSHOT=YYYY-MM-DD"),
    ],
)
def test_usage_errors_are_one_line(stored, folders, args, message) -> None:
    uri, name, extra, env, _ = stored
    fill = {"uri": uri, "name": name, "q1": folders["q1"], "q2": folders["q2"]}
    result = CliRunner().invoke(
        app, ["history", *(a.format(**fill) for a in args), *extra], env={**(env or {}), "COLUMNS": "300"}
    )
    assert result.exit_code == 2, result.output
    assert message.format(**fill) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output


def test_report_since_several_stored_versions(stored, tmp_path) -> None:
    uri, name, extra, env, versions = stored
    out = tmp_path / "report.md"
    args = ["report", uri, "--map", f"{name}@3", "--since", uri, "--since-map", f"{name}@2"]
    result = run(*args, "--since-map", f"{name}@1", "--format", "md", "-o", out, *extra, env=env)
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    day = versions[0]["loaded_at"][:10]
    # The history section: the stored versions by their NAME@N, each of its load day, this map last.
    table = lines[lines.index("**The snapshots in date order**") :][4:7]
    assert table[:2] == [
        f"| {day} | {name}\\@1 | 14 | 18 | 7 | 3 | 10 |",
        f"| {day} | {name}\\@2 | 15 | 18 | 7 | 3 | 10 |",
    ]
    assert table[2].startswith(f"| {day} | ") and table[2].endswith(f" map {name}\\@3 | 15 | 18 | 7 | 2 | 10 |")


def test_report_since_map_alone_is_the_current_version(stored, tmp_path) -> None:
    uri, name, extra, env, _ = stored
    out = tmp_path / "report.html"
    result = run("report", uri, "--map", f"{name}@1", "--since", uri, "--since-map", name, "-o", out, *extra, env=env)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    # One earlier snapshot (the current version, q3): what changed since, no history table.
    assert 'id="table-changes-counts"' in page and "table-history" not in page
    assert "Banner Health Tucson" in page.split('id="changes"', 1)[1]
