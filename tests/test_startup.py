"""What a command imports: every module a command does not use is left out of its start-up.

Each command runs in a fresh interpreter, as a user runs it; the modules it loaded are read
from ``sys.modules`` when it exits. A module named here is one the command has no use for on
that input (the store without a database URI, pandas on a small workbook, the suggestions
without --directory, rich's progress bars when stderr is not a terminal, the report's
templates in ``analyze``): importing it again costs start-up time for nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "oregon-pathways-alliance")

# Run the command in this interpreter and print the modules it loaded, however it exits
# (typer's SystemExit, or os._exit after the output is flushed).
PROBE = """
import json, os, sys
watch = json.loads(sys.argv[1])
sys.argv = ["netmap", *sys.argv[2:]]
def loaded():
    sys.stderr.write("LOADED " + json.dumps(sorted(m for m in watch if m in sys.modules)) + "\\n")
    sys.stderr.flush()
real_exit = os._exit
os._exit = lambda code: (loaded(), real_exit(code))
try:
    from netmap.cli import run
    run()
except SystemExit:
    loaded()
    raise
"""

# Not on a small workbook, without a database, --directory or a terminal, by any command here.
NEVER = ["pandas", "scipy", "openpyxl", "neo4j", "falkordb", "pyvis", "IPython", "rich.progress"]
NEVER += ["netmap.store", "netmap.export", "netmap.analysis.suggest"]


@pytest.mark.parametrize(
    ("args", "absent"),
    [
        (["analyze", EXAMPLE, "--json"], [*NEVER, "jinja2", "netmap.render.report", "netmap.analysis.diff"]),
        (["report", EXAMPLE, "-o", "{out}/r.html"], NEVER),
        (["map", EXAMPLE, "-o", "{out}/m.html"], [*NEVER, "netmap.render.report", "netmap.analysis.diff"]),
        (["validate", EXAMPLE], [*NEVER, "jinja2", "netmap.render.map", "netmap.analysis.brokers"]),
    ],
    ids=["analyze --json", "report", "map", "validate"],
)
def test_a_command_imports_only_what_it_uses(tmp_path, args, absent):
    argv = [a.format(out=tmp_path) for a in [*args, "--as-of", "2026-07-01"]]
    if args[0] == "validate":
        argv = argv[:-2]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(absent), *argv], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("LOADED ")]
    assert lines, done.stderr
    assert json.loads(lines[0][len("LOADED ") :]) == []
