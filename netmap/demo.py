"""The one-command demo: validate, analyse, map and report a bundled example.

Examples
--------
>>> sorted(EXAMPLES)
['four-state-coalitions', 'oregon-pathways-alliance', 'tucson-behavioral-health']
>>> example_path("tucson-behavioral-health").joinpath("partners.csv").is_file()
True
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import netmap
from netmap.errors import UsageError
from netmap.outputs import check_folder_target, make_folder, write_file

__all__ = ["DEFAULT_EXAMPLE", "EXAMPLES", "DemoResult", "example_path", "run_demo"]

EXAMPLES = ("four-state-coalitions", "oregon-pathways-alliance", "tucson-behavioral-health")
DEFAULT_EXAMPLE = "four-state-coalitions"
# The files the demo writes into its folder.
OUTPUTS = ("analysis.json", "map.html", "report.html", "report.md")

# (step number, steps in all, what is being done)
Step = Callable[[int, int, str], None]


def example_path(name: str) -> Path:
    """The folder of a bundled example workbook (installed with netmap)."""
    if name not in EXAMPLES:
        close = difflib.get_close_matches(name, EXAMPLES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; the examples are {', '.join(EXAMPLES)}"
        raise UsageError(f"no bundled example {name!r}{hint}")
    folder = resources.files("netmap.examples").joinpath(name)
    return Path(str(folder))


@dataclass
class DemoResult:
    """What the demo read, found and wrote."""

    example: str
    source: Path
    tables: Any
    analysis: Any
    outputs: dict[str, Path] = field(default_factory=dict)


def run_demo(
    output: str | Path,
    *,
    example: str = DEFAULT_EXAMPLE,
    as_of: dt.date | str | None = None,
    seed: int = 0,
    step: Step | None = None,
    force: bool = False,
) -> DemoResult:
    """Run validate, analyse, map and report on a bundled example; write them into ``output``.

    Writes ``analysis.json``, ``map.html``, ``report.html`` and ``report.md``, each atomically.
    Nothing else is written, and no server is needed.

    Raises
    ------
    UsageError
        Unknown example; ``output`` already holds one of those files and not ``force``, or is
        the example's folder or inside it.
    """
    from netmap._version import __version__
    from netmap.pipeline import run
    from netmap.render.json import dumps
    from netmap.render.map import write_map
    from netmap.render.report import write_report

    source = example_path(example)
    inputs = [("the example", source)]
    # Checked before any work, so a second run says so at once instead of after the analysis.
    out = check_folder_target(output, OUTPUTS, inputs=inputs, force=force)
    total = 5
    tell = step or (lambda *_: None)
    tell(1, total, f"reading the {example} workbook")
    tables = netmap.read_workbook(source)
    G = netmap.build_graph(tables)
    tell(2, total, "analysing the partnership")
    # One analysis, drawn by the map and both reports.
    analysis = run(G, as_of=as_of, seed=seed)
    result = DemoResult(example, source, tables, analysis)
    make_folder(out)
    written = {"overwrite": force, "inputs": inputs}
    result.outputs["analysis"] = write_file(out / "analysis.json", dumps(analysis) + "\n", inputs=inputs, force=force)
    tell(3, total, "drawing the map")
    result.outputs["map"] = write_map(G, analysis, out / "map.html", **written)
    tell(4, total, "writing the report")
    result.outputs["report"] = write_report(
        G, analysis, out / "report.html", format="html", version=__version__, **written
    )
    tell(5, total, "writing the Markdown report")
    result.outputs["markdown"] = write_report(
        G, analysis, out / "report.md", format="md", version=__version__, **written
    )
    return result
