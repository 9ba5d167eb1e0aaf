"""netmap load / pull / maps / drop, and database URIs as SOURCE, end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from tests.conftest import EXAMPLES, ROOT, TUCSON_MISSING_LOCAL

TUCSON = EXAMPLES / "tucson-behavioral-health"
SECRET = "s3cret-do-not-print"


def run(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.fixture
def loaded(target):
    """The Tucson example loaded through the command line; returns the args that reach it."""
    name = target.name("tucson")
    env = {"NEO4J_PASSWORD": target.server.password} if target.server.password else None
    result = run("load", TUCSON, "--uri", target.server.uri, "--map", name, *target.cli_args, env=env)
    assert result.exit_code == 0, result.output
    return name, [*target.cli_args, *(["--user", target.server.user] if target.server.user else [])], env


def test_load_prints_what_it_created_then_that_nothing_changed(target):
    name = target.name("tucson")
    args = ["load", TUCSON, "--uri", target.server.uri, "--map", name, "--batch-size", "5", *target.cli_args]
    env = {"NEO4J_PASSWORD": target.server.password} if target.server.password else None
    first = run(*args, env=env)
    assert first.exit_code == 0, first.output
    assert f"loaded map '{name}' into " in first.stdout
    assert "Partner" in first.stdout and "total" in first.stdout
    second = run(*args, "--json", env=env)
    assert second.exit_code == 0, second.output
    summary = json.loads(second.stdout)
    assert summary["written"] is False and summary["batches"] == 0
    assert summary["counts"]["Partner"] == {"created": 0, "updated": 0, "unchanged": 15, "deleted": 0}
    assert summary["totals"]["created"] == summary["totals"]["updated"] == summary["totals"]["deleted"] == 0


def test_every_source_command_reads_a_stored_map(target, loaded, tmp_path):
    name, extra, env = loaded
    uri = target.server.uri
    gaps = run("gaps", uri, "--map", name, "--json", *extra, env=env)
    assert gaps.exit_code == 0, gaps.output
    missing = {m["agency_type"] for m in json.loads(gaps.stdout)["missing"] if m["level"] == "local"}
    assert missing == set(TUCSON_MISSING_LOCAL)
    from_file = json.loads(run("gaps", TUCSON, "--json").stdout)
    assert json.loads(gaps.stdout) == from_file

    validate = run("validate", uri, "--map", name, "--json", *extra, env=env)
    assert validate.exit_code == 0, validate.output
    assert json.loads(validate.stdout)["counts"]["partners"] == 15

    for command in (["analyze", "--json"], ["brokers", "--json"]):
        result = run(command[0], uri, "--map", name, *command[1:], "--as-of", "2026-07-01", *extra, env=env)
        assert result.exit_code == 0, result.output
        expected = run(command[0], TUCSON, *command[1:], "--as-of", "2026-07-01")
        got, want = json.loads(result.stdout), json.loads(expected.stdout)
        got.pop("map_id", None), want.pop("map_id", None)
        assert got == want

    html = tmp_path / "map.html"
    result = run("map", uri, "--map", name, "-o", html, *extra, env=env)
    assert result.exit_code == 0, result.output
    assert html.is_file() and "Pima Community College" in html.read_text(encoding="utf-8")


def test_pull_writes_the_workbook_back(target, loaded, tmp_path):
    name, extra, env = loaded
    out = tmp_path / "pulled"
    result = run("pull", "--uri", target.server.uri, "--map", name, "-o", out, *extra, env=env)
    assert result.exit_code == 0, result.output
    expected = sorted([*(p.name for p in TUCSON.glob("*.csv")), "netmap-workbook.json"])
    assert sorted(p.name for p in out.iterdir()) == expected
    original, pulled = netmap.read_workbook(TUCSON), netmap.read_workbook(out)
    for sheet in original.records:
        strip = [{k: v for k, v in r.items() if k != "_row"} for r in original[sheet]]
        assert [{k: v for k, v in r.items() if k != "_row"} for r in pulled[sheet]] == strip
    again = run("pull", "--uri", target.server.uri, "--map", name, "-o", out, *extra, env=env)
    assert again.exit_code == 2
    assert "already holds" in again.output and "--force" in again.output
    assert run("pull", "--uri", target.server.uri, "--map", name, "-o", out, "--force", *extra, env=env).exit_code == 0


def test_maps_and_drop(target, loaded):
    name, extra, env = loaded
    listed = run("maps", "--uri", target.server.uri, "--json", *extra, env=env)
    assert listed.exit_code == 0, listed.output
    assert name in [m["map"] for m in json.loads(listed.stdout)]
    dropped = run("drop", "--uri", target.server.uri, "--map", name, *extra, env=env)
    assert dropped.exit_code == 0, dropped.output
    assert f"deleted map '{name}'" in dropped.output
    gone = run("gaps", target.server.uri, "--map", name, *extra, env=env)
    assert gone.exit_code == 2
    assert f"has no map '{name}'" in gone.output


def test_a_stored_map_needs_its_name(target, loaded):
    _, extra, env = loaded
    result = run("gaps", target.server.uri, *extra, env=env)
    assert result.exit_code == 2
    assert "is a database: say which map with --map NAME" in result.output


def test_data_errors_in_a_workbook_stop_the_load_before_the_database(tmp_path, falkordb):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "partners.csv").write_text("id,name,agency_type\nP1,,CC\n", encoding="utf-8")
    result = run("load", bad, "--uri", falkordb.uri, "--database", "unused")
    assert result.exit_code == 1
    assert "empty-required" in result.output


def test_connection_failures_exit_1_in_one_line_without_password_or_traceback(falkordb_with_password, tmp_path):
    # A real process, as a user runs it: the password only ever in the environment.
    env = {"NEO4J_PASSWORD": SECRET, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    cases = [
        ["load", str(TUCSON), "--uri", falkordb_with_password.uri],
        ["load", str(TUCSON), "--uri", "bolt://127.0.0.1:9"],
        ["pull", "--uri", "neo4j://127.0.0.1:9", "--map", "x", "-o", str(tmp_path / "o")],
        ["gaps", "neo4j+s://127.0.0.1:9", "--map", "x"],
    ]
    for args in cases:
        done = subprocess.run(
            [sys.executable, "-m", "netmap", *args], capture_output=True, text=True, env=env, timeout=120, check=False
        )
        assert done.returncode == 1, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(" ".join(lines)) < 300 and lines[0].startswith("netmap: "), done.stderr
        assert "Traceback" not in done.stderr and SECRET not in done.stderr + done.stdout


def test_a_password_on_the_command_line_is_not_an_option():
    result = run("load", TUCSON, "--uri", "neo4j://localhost", "--password", SECRET)
    assert result.exit_code == 2
    assert "No such option: --password" in result.output


def test_a_map_loaded_with_a_custom_roster_is_never_read_with_the_shipped_one(target, tmp_path):
    """The stored map names its roster; one that is not shipped must be passed, not swapped."""
    shipped = (ROOT / "netmap" / "data" / "rosters" / "career-pathways.yaml").read_text(encoding="utf-8")
    custom = tmp_path / "county.yaml"
    custom.write_text(shipped.replace("name: career-pathways", "name: county-roster", 1), encoding="utf-8")
    name = target.name("custom")
    env = {"NEO4J_PASSWORD": target.server.password} if target.server.password else None
    extra = [*target.cli_args, *(["--user", target.server.user] if target.server.user else [])]
    uri = target.server.uri
    loaded = run("load", TUCSON, "--uri", uri, "--map", name, "--roster", custom, *target.cli_args, env=env)
    assert loaded.exit_code == 0, loaded.output
    refused = run("gaps", uri, "--map", name, "--json", *extra, env=env)
    assert refused.exit_code == 2
    assert "loaded with the roster 'county-roster', which is not shipped; pass it (--roster FILE)" in refused.output
    read = run("gaps", uri, "--map", name, "--json", "--roster", custom, *extra, env=env)
    assert read.exit_code == 0, read.output
    assert json.loads(read.stdout)["roster"] == "county-roster"


def test_pull_round_trip_of_a_hostile_workbook_is_exact_and_formula_safe(target, tmp_path):
    """Formula-leading cells, a partners column named uid (the store's own lookup key) and extra
    sheets whose names differ only by punctuation: pulled back neutralised, read back exactly."""
    from tests.test_outputs import assert_no_formula_cells, assert_same_workbook, formula_workbook, raw_cells

    source = formula_workbook(tmp_path / "hostile.xlsx")
    original = netmap.read_workbook(source)
    name = target.name("hostile")
    env = {"NEO4J_PASSWORD": target.server.password} if target.server.password else None
    extra = [*target.cli_args, *(["--user", target.server.user] if target.server.user else [])]
    assert run("load", source, "--uri", target.server.uri, "--map", name, *extra, env=env).exit_code == 0
    out = tmp_path / "pulled"
    result = run("pull", "--uri", target.server.uri, "--map", name, "-o", out, *extra, env=env)
    assert result.exit_code == 0, result.output
    assert_no_formula_cells(out)
    partners = raw_cells(out)["partners.csv"]
    assert partners[0][6:] == ["uid", "'=col"]
    assert [row[6] for row in partners[1:]] == ["u-1", "'=u2", ""]
    assert "netmap: warning: sheet 'x.y' is written as" in result.stderr
    assert_same_workbook(netmap.read_workbook(out), original)


def test_pull_force_replaces_the_sheets_whole(target, tmp_path):
    """v1 has funding, v2 has none: pulling v2 over v1's folder leaves no funding.csv, and says so."""
    v1 = tmp_path / "v1"
    shutil.copytree(TUCSON, v1)
    v2 = tmp_path / "v2"
    shutil.copytree(TUCSON, v2)
    (v2 / "funding.csv").unlink()
    env = {"NEO4J_PASSWORD": target.server.password} if target.server.password else None
    extra = [*target.cli_args, *(["--user", target.server.user] if target.server.user else [])]
    out = tmp_path / "pulled"
    for version in (v1, v2):
        name = target.name(version.name)
        assert run("load", version, "--uri", target.server.uri, "--map", name, *extra, env=env).exit_code == 0
    first = run("pull", "--uri", target.server.uri, "--map", target.name("v1"), "-o", out, *extra, env=env)
    assert first.exit_code == 0 and (out / "funding.csv").is_file()
    second = run("pull", "--uri", target.server.uri, "--map", target.name("v2"), "-o", out, "--force", *extra, env=env)
    assert second.exit_code == 0, second.output
    assert not (out / "funding.csv").exists()
    assert f"removed {out / 'funding.csv'}" in second.stderr
    assert "funding" not in netmap.read_workbook(out).records or not netmap.read_workbook(out)["funding"]
