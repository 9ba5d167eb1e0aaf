"""The commands whose outputs are kept as golden files (``tests/golden/``).

Issue 24 rebuilds the path from the sheets to the measures for speed; nothing a user
sees may change. Each case runs one command on a bundled example (or a workbook with
data errors) on a fixed day and keeps what it printed and wrote, with the exit code.
``python -m tests.golden_cases`` rewrites the files: do it only for an intended change,
and say so in the commit.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from netmap.cli import app

ROOT = Path(__file__).resolve().parent
GOLDEN = ROOT / "golden"
EXAMPLES = ROOT.parent / "examples"
DAY = "2026-07-01"  # a fixed day: outputs judged on "today" would change daily


@dataclass(frozen=True)
class Case:
    """One command; ``{src}`` is the example's folder and ``{out}`` a fresh folder for files."""

    name: str
    args: tuple[str, ...]
    output: str | None = None  # a file the command writes into {out}, kept as well


_EXAMPLES = ("four-state-coalitions", "oregon-pathways-alliance", "pima-county-211", "tucson-behavioral-health")
_PER_EXAMPLE = (
    Case("validate.json", ("validate", "{src}", "--json")),
    Case("analyze.json", ("analyze", "{src}", "--json", "--as-of", DAY)),
    Case("analyze.txt", ("analyze", "{src}", "--as-of", DAY)),
    Case("gaps.json", ("gaps", "{src}", "--json", "--as-of", DAY)),
    Case("brokers.json", ("brokers", "{src}", "--json", "--as-of", DAY)),
    Case("regions.json", ("regions", "{src}", "--json", "--as-of", DAY)),
    Case("services.json", ("services", "{src}", "--json", "--as-of", DAY)),
    Case("report.md", ("report", "{src}", "--format", "md", "--as-of", DAY, "-o", "{out}/r.md"), "r.md"),
    Case("report-data.json", ("report", "{src}", "--as-of", DAY, "-o", "{out}/r.html"), "r.html"),
    Case("map-data.json", ("map", "{src}", "--as-of", DAY, "-o", "{out}/m.html"), "m.html"),
    Case("export.graphml", ("export", "{src}", "--as-of", DAY, "-o", "{out}/g.graphml"), "g.graphml"),
    Case("export.json", ("export", "{src}", "--format", "json", "--as-of", DAY, "-o", "{out}/g.json"), "g.json"),
)
CASES: list[tuple[str, Case]] = [(example, case) for example in _EXAMPLES for case in _PER_EXAMPLE]

# A workbook with data errors: the issues, their order and the exit code are kept too.
BROKEN = {
    "partners.csv": "id,name,agency_type,level,region\n"
    "P1,Alpha,Local workforce investment boards,local,North\n"
    "P1,Alpha twice,Local workforce investment boards,local,North\n"
    "P2,Beta,no such type,local,North\n"
    "P3,,Community colleges,locall,North\n"
    "007,Seven,Community colleges,local,North\n"
    "7,Seven again,Community colleges,local,South\n",
    "ties.csv": "source_id,target_id,kind,strength,start\n"
    "P1,P9,referral,3,2024-13-01\nP1,P2,,high,\n007,7,referral,2,\n",
    "agreements.csv": "id,parties,title,type,signed,expires\nA1,P1;P2;P8,MOU,MOU,2025-01-01,2024-01-01\n",
}


def broken_workbook(folder: Path) -> Path:
    """The broken workbook written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in BROKEN.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


BROKEN_CASES = (
    Case("validate.json", ("validate", "{src}", "--json")),
    Case("validate.txt", ("validate", "{src}")),
    Case("analyze.txt", ("analyze", "{src}", "--as-of", DAY)),
)

_EMBEDDED = re.compile(r'<script id="netmap-data" type="application/json">(.*?)</script>', re.S)
_VERSION = re.compile(r"netmap \d+\.\d+[\w.+-]*")
_WRITTEN_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")


def run_case(case: Case, src: Path, base: Path) -> dict[str, str]:
    """Run ``case`` on a copy of ``src`` and return what is kept: output, exit code, file.

    The command runs inside ``base`` on relative paths (``src``, ``out``), so what it
    prints, wrapped at 80 columns, is the same on every machine.
    """
    import os
    import shutil

    base.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, base / "src")
    (base / "out").mkdir()
    args = [a.replace("{src}", "src").replace("{out}", "out") for a in case.args]
    here = Path.cwd()
    os.chdir(base)
    try:
        result = CliRunner().invoke(app, args, env={"COLUMNS": "80", "NO_COLOR": "1"})
    finally:
        os.chdir(here)
    kept = {"exit": str(result.exit_code), "stdout": result.stdout, "stderr": result.stderr}
    if case.output:
        kept["file"] = (base / "out" / case.output).read_text(encoding="utf-8")
        if case.output.endswith(".html"):  # the data the page embeds, not its scripts and styles
            kept["file"] = _EMBEDDED.search(kept["file"]).group(1)
    return {k: _WRITTEN_AT.sub("WRITTEN-AT", _VERSION.sub("netmap VERSION", v)) for k, v in kept.items()}


def golden_path(group: str, case: Case) -> Path:
    return GOLDEN / group / case.name


def write_all(tmp: Path) -> None:
    """Rewrite every golden file (``python -m tests.golden_cases``)."""
    import json

    runs = [(example, case, EXAMPLES / example) for example, case in CASES]
    broken = broken_workbook(tmp / "broken")
    runs += [("broken", case, broken) for case in BROKEN_CASES]
    for n, (group, case, src) in enumerate(runs):
        kept = run_case(case, src, tmp / f"run{n}")
        path = golden_path(group, case)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(kept, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        write_all(Path(tmp))
    sys.exit(0)
