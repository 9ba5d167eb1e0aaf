"""End-to-end tests of the netmap command through typer's runner."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from tests.conftest import EXAMPLE_DIRS, EXAMPLES, write_csv_workbook

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_init_then_validate_exits_0(tmp_path):
    result = run("init", tmp_path / "x")
    assert result.exit_code == 0, result.output
    workbook = tmp_path / "x" / "netmap.xlsx"
    assert workbook.is_file()
    result = run("validate", workbook)
    assert result.exit_code == 0, result.output
    assert "OK" in result.stdout
    assert "2 partners" in result.stdout


def test_init_csv(tmp_path):
    assert run("init", "--csv", tmp_path / "c").exit_code == 0
    assert run("validate", tmp_path / "c").exit_code == 0


def test_init_with_a_workbook_name_writes_that_workbook(tmp_path):
    # `netmap init book.xlsx` is the workbook, not a folder named book.xlsx.
    result = run("init", tmp_path / "plans" / "book.xlsx")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plans" / "book.xlsx").is_file()
    assert run("validate", tmp_path / "plans" / "book.xlsx").exit_code == 0
    refused = run("init", "--csv", tmp_path / "other.xlsx")
    assert refused.exit_code == 2
    assert "--csv writes a folder of CSV files; give a folder name, not" in refused.stderr
    assert not (tmp_path / "other.xlsx").exists()


def test_init_twice_is_a_usage_error(tmp_path):
    assert run("init", tmp_path / "x").exit_code == 0
    result = run("init", tmp_path / "x")
    assert result.exit_code == 2
    assert "--force" in result.stderr


@pytest.mark.parametrize("example", [p.name for p in EXAMPLE_DIRS])
def test_examples_validate_cleanly(example):
    result = run("validate", "--strict", "--json", EXAMPLES / example)
    issues = json.loads(result.stdout)["issues"]
    if example == "pima-county-211":
        # The 211 directory lists a food bank and a library on purpose: no agency type, reported.
        assert result.exit_code == 1
        assert [(i["code"], i["row"]) for i in issues] == [("hsds-unmapped", 35), ("hsds-unmapped", 36)]
    else:
        assert result.exit_code == 0, result.output
        assert issues == []


@pytest.fixture
def bad(tmp_path):
    return write_csv_workbook(
        tmp_path / "bad",
        {
            "partners": [
                ["id", "name", "agency_type"],
                ["P1", "A", "CC"],
                ["P1", "B", "Comunity colege"],
                ["P3", "", "WIB"],
            ],
            "ties": [["source_id", "target_id", "strength"], ["P1", "P9", "5"]],
        },
    )


def test_validate_reports_all_issues_and_exits_1(bad):
    result = run("validate", bad)
    assert result.exit_code == 1
    for text in (
        "unknown-agency-type",
        "empty-required",
        "unknown-reference",
        "out-of-range",
        "Local community colleges",
        "duplicate-id",
        "5 error(s)",
    ):
        assert text in result.stdout


def test_validate_json(bad):
    result = run("validate", "--json", bad)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    assert [(i["code"], i["sheet"], i["row"], i["column"]) for i in doc["issues"]] == [
        ("duplicate-id", "partners", 3, "id"),
        ("unknown-agency-type", "partners", 3, "agency_type"),
        ("empty-required", "partners", 4, "name"),
        ("unknown-reference", "ties", 2, "target_id"),
        ("out-of-range", "ties", 2, "strength"),
    ]
    issue = doc["issues"][1]
    assert set(issue) == {"code", "severity", "file", "sheet", "row", "column", "value", "message", "suggestions"}
    assert issue["file"].endswith("partners.csv")
    assert issue["value"] == "Comunity colege"
    assert issue["suggestions"][0] == "Local community colleges"
    assert len(issue["suggestions"]) == 3


def test_validate_says_rows_read_used_and_left_out_per_sheet(bad):
    result = run("validate", bad)
    assert "rows: partners 3 read, 1 used, 2 left out; ties 1 read, 0 used, 1 left out" in result.stdout
    doc = json.loads(run("validate", "--json", bad).stdout)
    assert doc["rows"] == {
        "partners": {"read": 3, "used": 1, "left_out": 2},
        "ties": {"read": 1, "used": 0, "left_out": 1},
    }


def test_validate_json_clean_has_counts(tmp_path):
    folder = write_csv_workbook(tmp_path / "ok", {"partners": [["id", "name", "agency_type"], ["7", "A", "CC"]]})
    result = run("validate", "--json", folder)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["ok"] is True and doc["issues"] == [] and doc["counts"]["partners"] == 1
    assert doc["rows"] == {"partners": {"read": 1, "used": 1, "left_out": 0}}
    assert "rows:" not in run("validate", folder).stdout  # nothing left out: the OK line says it all


def test_warnings_exit_0_unless_strict(tmp_path):
    folder = write_csv_workbook(
        tmp_path / "w", {"partners": [["id", "name", "agency_type", "colour"], ["7", "A", "CC", "red"]]}
    )
    assert run("validate", folder).exit_code == 0
    assert run("validate", "--strict", folder).exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate", "/nonexistent/book.xlsx"), "no such file"),
        (("validate", "--roster", "/nonexistent/roster.yaml", "."), "not found"),
        (("validate", "--encoding", "klingon", "."), "unknown encoding"),
        (("validate",), "Missing argument"),
        (("validate", "--no-such-option", "."), "No such option"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_not_a_workbook_kind_is_a_usage_error(tmp_path):
    path = tmp_path / "book.ods"
    path.write_bytes(b"x")
    result = run("validate", path)
    assert result.exit_code == 2
    assert ".xlsx" in result.stderr


def test_unexpected_errors_hide_the_traceback_unless_debug(monkeypatch, tmp_path):
    # A fault no real input produces: the library itself crashing.
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(netmap, "read_workbook", boom)
    result = run("validate", tmp_path)
    assert result.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.output
    result = run("--debug", "validate", tmp_path)
    assert isinstance(result.exception, RuntimeError)


def test_markup_in_data_is_printed_literally(tmp_path):
    folder = write_csv_workbook(
        tmp_path / "m", {"partners": [["id", "name", "agency_type"], ["[bold]x[/bold]", "A", "[red]CC"]]}
    )
    result = run("validate", folder)
    assert "[red]CC" in result.stdout


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and netmap.__version__ in result.stdout


def test_every_command_is_documented_in_the_readme():
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"netmap {name}" in readme, name


# -- analysis commands ----------------------------------------------------------------


@pytest.fixture
def two_folder(tmp_path):
    from tests.analysis.conftest import TWO

    return write_csv_workbook(tmp_path / "two", TWO)


def test_analyze_prints_findings_first(two_folder):
    result = run("analyze", two_folder, "--as-of", "2026-11-24")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Headline findings") < out.index("Readiness scorecard") < out.index("Brokers")
    for text in (
        "Vocational Rehabilitation",
        "North Hospital",
        "Minimum team coverage",
        "Network health",
        "If one partner left",
    ):
        assert text in out


@pytest.mark.parametrize(
    ("limit", "shown"),
    [
        (
            "2",
            [
                "… and 8 more findings",  # 6, and the service desert and fragile services
                "… and 8 more agreements",
                "… and 16 more funded partners",
                "and 18 more",
            ],
        ),
        ("0", []),
    ],
)
def test_analyze_caps_long_tables_and_says_how_many_more(limit, shown):
    """A state map lists thousands of funded partners: the terminal shows the first few."""
    args = ("analyze", EXAMPLES / "four-state-coalitions", "--as-of", "2026-07-01")
    result = run(*args, "--limit", limit)
    assert result.exit_code == 0, result.output
    for line in shown:
        assert line in result.stdout
    assert ("more" in result.stdout and "--limit 0 shows all" in result.stdout) == bool(shown)
    default = run(*args)  # 25 rows per table: this example fits
    assert "--limit 0 shows all" not in default.stdout
    assert "Headline findings" in default.stdout


def test_analyze_leaves_a_wide_roster_matrix_to_the_coverage_table(tmp_path):
    regions = [f"Region {i}" for i in range(14)]
    rows = [["id", "name", "agency_type", "level", "region"]]
    rows += [[f"P{i}", f"WIB {i}", "Local WIB", "local", r] for i, r in enumerate(regions)]
    folder = write_csv_workbook(tmp_path / "wide", {"partners": rows})
    shown = run("analyze", folder).stdout
    assert "Local roster: 14 regions, too many columns for a terminal" in shown
    assert "Minimum team coverage" in shown
    assert "Region 13" in run("analyze", folder, "--limit", "0").stdout


def test_analyze_json_is_pure_and_complete(two_folder):
    result = run("analyze", two_folder, "--json", "--as-of", "2026-11-24")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2026-11-24"
    assert {
        "findings",
        "scorecard",
        "gaps",
        "roles",
        "brokers",
        "formalisation",
        "funding",
        "resilience",
        "health",
    } <= set(doc)


def test_gaps_json_contract(two_folder):
    result = run("gaps", two_folder, "--json")
    assert result.exit_code == 0
    missing = json.loads(result.stdout)["missing"]
    assert missing and all({"level", "region", "category", "agency_type"} <= set(m) for m in missing)
    assert {
        "level": "local",
        "region": "North",
        "category": "Economic Development",
        "agency_type": "Local economic development agency",
    }.items() <= next(
        m for m in missing if m["agency_type"] == "Local economic development agency" and m["region"] == "North"
    ).items()


def test_gaps_region(two_folder):
    doc = json.loads(run("gaps", two_folder, "--json", "--region", "West").stdout)
    # West's local types, and the state level that serves it (its state partners have no region).
    assert {(m["level"], m["region"]) for m in doc["missing"]} == {("local", "West"), ("state", None)}
    table = run("gaps", two_folder, "--region", "West").stdout
    assert "○" in table and "West" in table


def test_brokers_json_contract_and_top(two_folder):
    result = run("brokers", two_folder, "--json", "--top", "2")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)["brokers"]
    assert len(rows) == 2
    assert rows[0]["betweenness"] >= rows[1]["betweenness"]
    assert set(rows[0]["brokerage"]) == {"coordinator", "itinerant", "gatekeeper", "representative", "liaison", "total"}
    assert {"id", "name", "betweenness", "constraint", "articulation_point"} <= set(rows[0])


@pytest.mark.parametrize("command", ["analyze", "gaps", "brokers"])
def test_analysis_commands_share_the_usage_errors(two_folder, command):
    result = run(command, two_folder, "--region", "South")
    assert result.exit_code == 2 and "its regions are: North, West" in result.stderr
    result = run(command, two_folder, "--as-of", "24/11/2026")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize("command", ["analyze", "gaps", "brokers"])
def test_analysis_commands_stop_on_data_errors(tmp_path, command):
    folder = write_csv_workbook(tmp_path / "bad", {"partners": [["id", "name", "agency_type"], ["A", "", "CC"]]})
    result = run(command, folder, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "empty-required" in result.stderr


def run_in_terminal(*args: str) -> str:
    """Run netmap in a pseudo-terminal, as a person at a terminal does; return what it showed."""
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import ROOT

    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120", "TERM": "xterm-256color"}
    env.pop("CI", None)  # rich treats CI as "not interactive"
    process = subprocess.Popen(
        [sys.executable, "-m", "netmap", *args], stdin=secondary, stdout=secondary, stderr=secondary, env=env, cwd=ROOT
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(120)
    os.close(main)
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_long_commands_show_progress_on_a_terminal_and_not_with_quiet():
    args = ["analyze", str(EXAMPLES / "four-state-coalitions"), "--as-of", "2026-07-01"]
    shown = run_in_terminal(*args)
    assert "analysing (betweenness, brokerage, resilience)" in shown
    assert "Headline findings" in shown
    quiet = run_in_terminal("--quiet", *args)
    assert "analysing (betweenness" not in quiet and "Headline findings" in quiet


def test_no_progress_when_output_is_piped():
    result = run("analyze", EXAMPLES / "four-state-coalitions", "--as-of", "2026-07-01")
    assert result.exit_code == 0
    assert "analysing (betweenness" not in result.output


@pytest.mark.parametrize(
    ("args", "code", "stream", "text"),
    [
        (["validate", EXAMPLES / "tucson-behavioral-health"], 0, "stdout", "OK"),
        (["analyze", EXAMPLES / "tucson-behavioral-health", "--json"], 0, "stdout", '"scorecard"'),
        (["validate", "no-such-folder"], 2, "stderr", "no such file or folder"),
        (["no-such-command"], 2, "stderr", "No such command"),
    ],
)
def test_the_console_script_ends_with_the_exit_code_and_all_its_output(args, code, stream, text):
    """run() ends the process with os._exit once output is flushed: nothing may be lost."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "netmap", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == code, done.stderr
    assert text in getattr(done, stream)
    if "--json" in args:
        assert json.loads(done.stdout)["map_id"] == "tucson-behavioral-health"


def test_the_console_script_exits_1_on_data_errors_with_every_issue(bad):
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "netmap", "analyze", str(bad)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 1
    assert "empty-required" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("fast_exit", [True, False])
def test_the_collector_stays_off_only_when_the_process_ends_with_the_command(monkeypatch, fast_exit):
    """Under run() the process is discarded after the command: switching the cyclic
    collector back on would make it walk the whole map once more first. In-process
    callers (tests, notebooks) get it back as they had it."""
    import gc

    from netmap.cli import _State

    monkeypatch.setattr(_State, "fast_exit", fast_exit)
    assert gc.isenabled()
    try:
        result = run("validate", EXAMPLES / "tucson-behavioral-health")
        assert result.exit_code == 0 and "OK" in result.output
        assert gc.isenabled() is not fast_exit
    finally:
        gc.enable()


@pytest.mark.parametrize("keeping", [True, False])
def test_what_a_command_read_is_kept_only_when_the_process_ends_with_it(monkeypatch, keeping):
    """Under run() (keeping_to_exit) the graph a command built and the analyses' shared
    cache are held to the end of the process, whose os._exit frees them at once; in
    process (tests, notebooks) they are freed when the command is done."""
    import weakref

    from netmap import _gc
    from netmap.analysis import _common

    made: list[weakref.ref] = []

    def watch(make):
        def watched(*args, **kwargs):
            graph = make(*args, **kwargs)
            made.append(weakref.ref(graph))
            return graph

        return watched

    import netmap.build

    # Commands build through netmap.build_graph or, reading and analysing in one,
    # pipeline.run_tables (a deferred graph, built only if something reads it).
    monkeypatch.setattr(netmap, "build_graph", watch(netmap.build_graph))
    monkeypatch.setattr(netmap.build, "build_graph", watch(netmap.build.build_graph))
    monkeypatch.setattr(netmap.build, "deferred_graph", watch(netmap.build.deferred_graph))
    monkeypatch.setattr(_common, "project", watch(_common.project))
    monkeypatch.setattr(_gc, "_kept", [] if keeping else None)
    result = run("analyze", EXAMPLES / "tucson-behavioral-health", "--as-of", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert len(made) == 2  # the map and its partner graph
    alive = [ref() is not None for ref in made]  # while the kept list (if any) is still there
    monkeypatch.undo()
    assert all(alive) if keeping else not any(alive)


@pytest.mark.usefixtures("rows_path")
@pytest.mark.parametrize("region", [["--region", "Pima County"], []], ids=["region", "whole"])
def test_a_report_lets_its_rows_go_once_the_graph_is_built(monkeypatch, tmp_path, region):
    """Under run() the report's graph is kept to the end of the process. A region's report
    builds it, and its rows are not kept: nothing reads them after the build, and what the
    report makes next reuses their memory (at 100,000 partners about 470 MB off its peak).
    A whole workbook's report reads the rows instead, and never builds the graph."""
    import weakref

    from netmap import _gc
    from netmap.build import is_deferred
    from netmap.ingest.validate import Tables

    kept: list = []
    monkeypatch.setattr(_gc, "_kept", kept)
    read: list[weakref.ref] = []
    real = netmap.read_workbook

    def watched(*args, **kwargs):
        tables = real(*args, **kwargs)
        read.append(weakref.ref(tables))
        return tables

    monkeypatch.setattr(netmap, "read_workbook", watched)
    out = tmp_path / "report.html"
    result = run("report", EXAMPLES / "tucson-behavioral-health", "--as-of", "2026-11-24", *region, "-o", out)
    assert result.exit_code == 0, result.output
    graphs = [k for k in kept if isinstance(k, nx.MultiDiGraph)]
    assert len(graphs) == 1  # the graph is kept
    assert not any(isinstance(k, Tables) for k in kept)
    if region:
        assert type(graphs[0]) is nx.MultiDiGraph
        assert len(read) == 1 and read[0]() is None  # and the rows are gone
    else:
        assert is_deferred(graphs[0])  # never built: its rows were read instead
        assert len(read) == 1 and read[0]() is not None
