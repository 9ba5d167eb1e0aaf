"""Benchmark issue 24's statewide targets on both generator shapes, side by side in one run.

For each size (``--sizes``, default 300, 10,000 and 100,000 partners) and each shape of
``generate.py`` (``--shapes``, default ``spread,hubs``; workbooks cached under ``--data``,
seeded), in fresh processes, as a user runs them:

- ``python -m netmap analyze DIR --json --as-of 2026-07-01``: wall time (median of
  ``--repeat`` runs) and the peak memory of the command *and* the worker process it starts
  for big maps (``netmap._worker``), together;
- the plain-NetworkX path of the same analyses, ``netmap.analysis.analyze(G,
  backend="networkx")`` after ``read_workbook`` + ``build_graph`` (``run.py``'s own
  ``analyze`` worker, in a child killed at ``--cap`` seconds), at sizes up to
  ``--plain-max``; the speed-up is its analyses' time over the whole ``analyze --json``
  command's wall time (so the fast side pays for start, reading, building and JSON, the plain
  side only for the analyses: a conservative ratio);
- ``python -m netmap report DIR -o FILE --as-of 2026-07-01``: wall time and peak memory.

Peak memory of a process tree: while the command runs, the runner reads ``VmHWM`` (the
process's own peak resident set) from ``/proc/<pid>/status`` of the command and of every
process below it, every 20 ms, and adds up the highest value seen of each. That is an upper
bound of what the tree held at any one moment (peaks need not coincide, and a page a forked
child still shares with its parent counts twice); the highest sum of ``VmRSS`` seen at one
sample, a lower bound, is kept next to it. ``RUSAGE_CHILDREN`` or ``wait4`` would give the
largest process's peak, not the sum.

Every measure is printed with its target and ``ratio``: measured / target for times and
memory, target / measured for the speed-up, so for every row below 1 the target is met
(``run.py`` uses the opposite convention). The machine (CPUs, load average at the start and
at the end) is printed so a noisy run shows. ``--out`` writes everything as JSON.

Not a unit test (``benchmarks/`` is outside ``testpaths``); run on demand::

    python benchmarks/bench_statewide.py                       # 300, 10,000 and 100,000
    python benchmarks/bench_statewide.py --sizes 300,3000 --repeat 1   # a quick check
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402 - run.py beside this file: child processes, workbooks, the plain analyze

AS_OF = run.AS_OF
DEFAULT_SIZES = (300, 10_000, 100_000)
SHAPES = ("spread", "hubs")
SAMPLE_EVERY = 0.02  # seconds between two looks at the process tree's memory
RATIO_RULE = "ratio = measured / target (times, memory), target / measured (speed-up): below 1 the target is met"


# --------------------------------------------------------------------------------------
# Targets (issue 24, part 3)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """``measure`` at ``size`` partners against ``limit`` (in ``unit``)."""

    measure: str  # a key of MEASURES
    size: int
    limit: float
    text: str

    def ratio(self, value: float | None) -> float | None:
        """Below 1 the target is met: value/limit for costs, limit/value for the speed-up.

        >>> Target("analyze wall", 10_000, 1.5, "").ratio(0.75), Target("speed-up", 10_000, 15, "").ratio(30)
        (0.5, 0.5)
        """
        if value is None or value <= 0:
            return None
        return self.limit / value if self.measure == "speed-up" else value / self.limit


TARGETS = (
    Target("analyze wall", 10_000, 1.5, "analyze --json, 10,000 partners < 1.5 s"),
    Target("speed-up", 10_000, 15.0, "plain NetworkX / analyze --json, 10,000 >= 15x"),
    Target("analyze wall", 100_000, 8.0, "analyze --json, 100,000 partners < 8 s"),
    Target("analyze memory", 100_000, 2048.0, "analyze --json, 100,000, command + worker < 2 GB"),
    Target("report wall", 300, 1.0, "report, 300 partners < 1 s"),
    Target("report wall", 100_000, 30.0, "report, 100,000 partners < 30 s"),
    Target("report memory", 100_000, 3072.0, "report, 100,000, command + worker < 3 GB"),
)

# measure -> (label, unit); in the order the table shows them at each size.
MEASURES = {
    "analyze wall": ("analyze --json: wall, median", "s"),
    "analyze memory": ("analyze --json: peak MB, command + worker", "MB"),
    "plain analyses": ("plain NetworkX analyze() (after read+build)", "s"),
    "speed-up": ("speed-up: plain analyses / analyze --json", "x"),
    "report wall": ("report: wall, median", "s"),
    "report memory": ("report: peak MB, command + worker", "MB"),
}


# --------------------------------------------------------------------------------------
# Memory of a process tree
# --------------------------------------------------------------------------------------
def _status_kb(pid: int) -> dict[str, int]:
    """``VmHWM`` and ``VmRSS`` (kB) of a live process; empty once it is gone (or a zombie)."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                found[line[:5]] = int(line.split()[1])
    return found


def _children(pid: int) -> list[int]:
    """Child pids of ``pid``: from ``/proc/<pid>/task/<tid>/children`` (every thread may
    start a process), or by scanning every process's parent where the kernel lacks that file."""
    kids: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    missing = False
    for tid in tids:
        try:
            kids.extend(int(k) for k in Path(f"/proc/{pid}/task/{tid}/children").read_text().split())
        except FileNotFoundError:
            missing = True
        except (OSError, ValueError):
            continue
    if missing and not kids:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    # The command name (field 2) may hold spaces: the parent comes after its ")".
                    if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
    return kids


def process_tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    found = [root]
    for pid in found:  # grows as children are found
        found.extend(k for k in _children(pid) if k not in found)
    return found


class TreeMemory:
    """Peak memory of a process and everything it starts: call it with the root's pid
    while the root runs (``run.run_child``'s ``on_poll``); it looks every ``every`` seconds."""

    def __init__(self, every: float = SAMPLE_EVERY) -> None:
        self.every = every
        self._next = 0.0
        self.peak_kb: dict[int, int] = {}  # pid -> the highest VmHWM seen
        self.root: int | None = None
        self.at_once_kb = 0  # the highest sum of VmRSS seen at one look

    def __call__(self, root: int) -> None:
        now = time.perf_counter()
        if now < self._next:
            return
        self._next = now + self.every
        self.root = root
        at_once = 0
        for pid in process_tree(root):
            status = _status_kb(pid)
            if "VmHWM" in status:
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), status["VmHWM"])
            at_once += status.get("VmRSS", 0)
        self.at_once_kb = max(self.at_once_kb, at_once)

    def summary(self, root_maxrss_mb: float) -> dict[str, Any]:
        """Peak MB of the tree (sum of each process's peak), the highest sum seen at one
        look, and the number of processes seen.

        ``root_maxrss_mb`` is what ``wait4`` reported: the largest peak among the root and
        the children it waited for. When no child came near it, it is the root's own peak,
        exact even if the root grew after the last look.
        """
        others = sum(kb for pid, kb in self.peak_kb.items() if pid != self.root) / 1024
        largest_other = max((kb for pid, kb in self.peak_kb.items() if pid != self.root), default=0) / 1024
        root = self.peak_kb.get(self.root, 0) / 1024 if self.root is not None else 0.0
        if root_maxrss_mb > largest_other:
            root = max(root, root_maxrss_mb)
        return {
            "memory_mb": round(root + others, 1),
            "memory_at_once_mb": round(self.at_once_kb / 1024, 1),
            "processes": len(self.peak_kb) or 1,
        }


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------
def say(text: str) -> None:
    print(text, flush=True)


def run_cli(args: Sequence[str], cap: float) -> dict[str, Any]:
    """``python -m netmap *args`` once: wall, CPU, peak memory of its process tree."""
    memory = TreeMemory()
    entry = run.measure_child([sys.executable, "-m", "netmap", *args], cap, on_poll=memory)
    entry.update(memory.summary(entry["maxrss_mb"]))
    entry["command_maxrss_mb"] = entry.pop("maxrss_mb")  # wait4's: the largest single process
    return entry


def repeated(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median wall and CPU time of the runs that finished; the highest peak memory of all."""
    ok = [r for r in runs if r["status"] == "ok"]
    out: dict[str, Any] = {"runs": runs, "status": "ok" if ok else runs[-1]["status"]}
    if ok:
        out["wall_seconds"] = round(statistics.median(r["wall_seconds"] for r in ok), 3)
        out["cpu_seconds"] = round(statistics.median(r["cpu_seconds"] for r in ok), 3)
    out["memory_mb"] = max(r["memory_mb"] for r in runs)
    out["memory_at_once_mb"] = max(r["memory_at_once_mb"] for r in runs)
    out["processes"] = max(r["processes"] for r in runs)
    return out


def run_plain(source: Path, cap: float, work: Path, memory_mb: float) -> dict[str, Any]:
    """``run.py``'s ``analyze`` worker with ``backend="networkx"``: reads and builds the
    graph, then times ``analyze()`` alone; killed at ``cap`` seconds, or once its processes
    hold more than ``memory_mb`` (the plain resilience analysis grows by gigabytes a minute).

    The worker writes its result file once the graph is built; the runner notes when it
    appears, so a run stopped early still gives a lower bound of the analyses' time (from
    then to the last look before the kill).
    """
    result = work / "plain.json"
    result.unlink(missing_ok=True)
    started = time.perf_counter()
    seen: dict[str, float] = {"memory_mb": 0.0}

    def watch(pid: int) -> None:
        now = time.perf_counter() - started
        if "loaded" not in seen and result.exists():
            seen["loaded"] = now
        if now - seen.get("looked", -1.0) < 0.1:
            return
        seen["looked"] = now
        held = sum(_status_kb(p).get("VmRSS", 0) for p in process_tree(pid)) / 1024
        seen["memory_mb"] = max(seen["memory_mb"], held)
        if held > memory_mb and "stopped" not in seen:
            seen["stopped"] = now
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)  # run_child started it in a session of its own

    cmd = run.worker_cmd("analyze", "--source", str(source), "--result", str(result), "--backend", "networkx")
    entry = run.measure_child(cmd, cap, result, on_poll=watch)
    entry["cap"] = cap
    entry["memory_limit_mb"] = memory_mb
    entry["memory_seen_mb"] = round(seen["memory_mb"], 1)
    if "loaded" in seen:
        entry["read_build_seconds"] = round(seen["loaded"], 3)  # interpreter start and imports included
    if "stopped" in seen:
        entry["status"] = f"stopped at {memory_mb:,.0f} MB"  # --plain-memory
    if not entry.get("notes", {}).get("backend_supported", True):
        entry["status"] = "analyze() has no backend= keyword"
    elif entry["status"] == "ok":
        entry["analyses_seconds"] = entry.get("seconds", {}).get("analyze")
    elif "loaded" in seen and ("stopped" in seen or entry["status"].startswith("did not finish")):
        # Until the kill: at the cap, run_child kills right after its last look.
        end = seen.get("stopped", min(seen.get("looked", 0.0), cap))
        entry["analyses_at_least"] = round(max(0.0, end - seen["loaded"]), 3)
    return entry


def measure_size(size: int, shape: str, args: argparse.Namespace, work: Path, repeat: int) -> dict[str, Any]:
    """Every measure at one size and shape."""
    tag = f"  {size:>7,} {shape:<6}"
    started = time.perf_counter()
    source = run.ensure_workbook(args.data, size, args.seed, shape)  # generated once, then reused
    if time.perf_counter() - started > 0.5:
        say(f"{tag} workbook generated in {time.perf_counter() - started:.1f} s")
    out: dict[str, Any] = {"workbook": run._shown(source)}

    def runs(name: str, cli: list[str]) -> dict[str, Any]:
        done = []
        for i in range(repeat):
            entry = run_cli(cli, args.stage_cap)
            done.append(entry)
            say(
                f"{tag} {name:<15} run {i + 1}/{repeat}: {entry['status']}, {entry['wall_seconds']:.2f} s wall, "
                f"{entry['cpu_seconds']:.2f} s CPU, {entry['memory_mb']:.0f} MB in {entry['processes']} process(es)"
            )
            if entry["status"] != "ok" and entry.get("stderr"):
                say("      " + entry["stderr"].strip().splitlines()[-1][:200])
            if entry["status"].startswith("did not finish"):
                break  # stopped at --stage-cap: another run would only be stopped again
        return repeated(done)

    out["analyze"] = runs("analyze --json", ["analyze", str(source), "--json", "--as-of", AS_OF])
    if size <= args.plain_max:
        plain = run_plain(source, args.cap, work, args.plain_memory)
        shown = plain.get("analyses_seconds") or plain.get("analyses_at_least")
        say(f"{tag} {'plain NetworkX':<15} {plain['status']}" + (f", analyses {shown:.2f} s" if shown else ""))
        out["plain"] = plain
    report = work / f"report-{shape}-{size}.html"
    out["report"] = runs("report", ["report", str(source), "-o", str(report), "--as-of", AS_OF, "--force"])
    return out


# --------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------
def value_of(by: dict[str, Any], measure: str) -> tuple[float | None, str, str]:
    """(value, shown text, note) of ``measure`` in one size's results; ``>=`` marks a lower bound."""
    analyze, report, plain = by.get("analyze", {}), by.get("report", {}), by.get("plain")
    if measure in ("analyze wall", "report wall"):
        entry = analyze if measure == "analyze wall" else report
        if entry.get("status") != "ok":
            return None, "", entry.get("status", "not run")
        note = f"CPU {entry['cpu_seconds']:.2f} s"
        return entry["wall_seconds"], f"{entry['wall_seconds']:.2f} s", note
    if measure in ("analyze memory", "report memory"):
        entry = analyze if measure == "analyze memory" else report
        if "memory_mb" not in entry:
            return None, "", "not run"
        note = f"{entry['processes']} proc., {entry['memory_at_once_mb']:.0f} MB at once"
        return entry["memory_mb"], f"{entry['memory_mb']:.0f} MB", note
    if plain is None:
        return None, "", "not run (--plain-max)"
    analyses = plain.get("analyses_seconds")
    at_least = plain.get("analyses_at_least")
    if measure == "plain analyses":
        if analyses is not None:
            return analyses, f"{analyses:.2f} s", f"read+build {plain.get('read_build_seconds', 0):.2f} s"
        if at_least is not None:
            return at_least, f">= {at_least:.2f} s", plain["status"]
        return None, "", plain["status"]
    # speed-up
    fast = analyze.get("wall_seconds") if analyze.get("status") == "ok" else None
    slow = analyses if analyses is not None else at_least
    if fast is None or slow is None:
        return None, "", plain["status"] if slow is None else "analyze --json did not finish"
    speed = slow / fast
    end_to_end = f"end to end {min(plain['wall_seconds'], plain.get('cap', math.inf)) / fast:.1f}x"
    return speed, (f"{speed:.1f}x" if analyses is not None else f">= {speed:.1f}x"), end_to_end


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per measure, size and shape, with the target where there is one."""
    rows = []
    targets = {(t.measure, t.size): t for t in TARGETS}
    for size in results["options"]["sizes"]:
        for measure in MEASURES:
            if measure in ("plain analyses", "speed-up") and size > results["options"]["plain_max"]:
                continue
            target = targets.get((measure, size))
            for shape in results["options"]["shapes"]:
                by = results["shapes"].get(shape, {}).get(str(size))
                if by is None:
                    continue
                value, shown, note = value_of(by, measure)
                ratio = target.ratio(value) if target else None
                rows.append(
                    {
                        "measure": measure,
                        "size": size,
                        "shape": shape,
                        "target": target.text if target else None,
                        "limit": target.limit if target else None,
                        "measured": value,
                        "shown": shown,
                        "ratio": None if ratio is None else round(ratio, 3),
                        "met": None if ratio is None else ratio < 1,
                        "lower_bound": shown.startswith(">="),
                        "note": note,
                    }
                )
    return rows


def print_table(results: dict[str, Any]) -> None:
    """Measures down, shapes across: measured, ratio and note for each shape."""
    shapes = results["options"]["shapes"]
    say(f"\n{RATIO_RULE}; '>=' = the plain path was stopped at --cap or --plain-memory (a lower bound)\n")
    head = f"{'partners':>9}  {'measure':<44}{'target':>8}"
    for shape in shapes:
        head += f"  | {shape:>11}{'ratio':>7}  {'note':<28}"
    say(head)
    say("-" * len(head))
    rows = results["rows"]
    keys = dict.fromkeys((r["size"], r["measure"]) for r in rows)
    for size, measure in keys:
        label, unit = MEASURES[measure]
        limit = next((r["limit"] for r in rows if (r["size"], r["measure"]) == (size, measure)), None)
        shown_limit = "-" if limit is None else (f"{limit:g} {unit}" if unit != "x" else f">={limit:g}x")
        line = f"{size:>9,}  {label:<44}{shown_limit:>8}"
        for shape in shapes:
            r = next((r for r in rows if (r["size"], r["measure"], r["shape"]) == (size, measure, shape)), None)
            if r is None:
                line += f"  | {'':>11}{'':>7}  {'':<28}"
                continue
            ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
            if r["lower_bound"] and r["ratio"] is not None:
                ratio = "<=" + ratio if measure == "speed-up" else ratio
            line += f"  | {r['shown']:>11}{ratio:>7}  {r['note'][:28]:<28}"
        say(line.rstrip())
    targeted = [r for r in rows if r["target"]]
    met = sum(1 for r in targeted if r["met"])
    none = "" if targeted else ": no target at these sizes"
    say(f"\ntargets met: {met} of {len(targeted)} (each target on each shape){none}")


def default_plain_memory() -> float:
    """Half the machine's memory, at most 8 GB (MB): the plain path would take all of it."""
    total = 16 * 1024.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        total = int(Path("/proc/meminfo").read_text().split()[1]) / 1024
    return min(8 * 1024.0, total / 2)


def machine_line(m: dict[str, Any]) -> str:
    load = " ".join(f"{x:.2f}" for x in m["load_average_at_start"])
    return (
        f"machine: {m['nproc']} CPUs ({m['cpu'] or 'unknown CPU'}), {m['memory_gb']} GB, Python {m['python']}; "
        f"netmap at {m['git_commit']}{' (modified)' if m['netmap_modified'] else ''}; "
        f"NETMAP_PARALLEL={os.environ.get('NETMAP_PARALLEL', 'unset')}\nload average at start: {load}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="partner counts, comma-separated")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="generator shapes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the median wall time is kept")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds allowed to the plain-NetworkX path")
    parser.add_argument(
        "--plain-memory",
        type=float,
        default=default_plain_memory(),
        help="MB the plain-NetworkX path may hold before it is stopped (default: half the memory, at most 8 GB)",
    )
    parser.add_argument(
        "--plain-max", type=int, default=10_000, help="the plain-NetworkX path runs at sizes up to this one"
    )
    parser.add_argument("--stage-cap", type=float, default=600.0, help="seconds allowed to each netmap command")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where generated workbooks are kept")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write every measure as JSON to this file")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: partner counts separated by commas, not {args.sizes!r}")
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    if bad := [s for s in shapes if s not in SHAPES]:
        parser.error(f"--shapes: {', '.join(bad)} is not one of {', '.join(SHAPES)}")
    if args.repeat < 1 or not sizes or min(sizes) < 50:
        parser.error("--repeat must be 1 or more and every size at least 50 partners")

    results: dict[str, Any] = {
        "machine": run.machine(),
        "options": {
            "sizes": sizes,
            "shapes": shapes,
            "repeat": args.repeat,
            "cap": args.cap,
            "plain_max": args.plain_max,
            "plain_memory_mb": args.plain_memory,
            "stage_cap": args.stage_cap,
            "seed": args.seed,
            "as_of": AS_OF,
            "netmap_parallel": os.environ.get("NETMAP_PARALLEL"),
        },
        "ratio": RATIO_RULE,
        "shapes": {shape: {} for shape in shapes},
        "targets": [asdict(t) for t in TARGETS],
    }
    say("netmap statewide benchmark (issue 24)")
    say(machine_line(results["machine"]))
    args.data.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="netmap-bench-statewide-") as tmp:
        for size in sizes:
            for shape in shapes:
                results["shapes"][shape][str(size)] = measure_size(size, shape, args, Path(tmp), args.repeat)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    say("load average at end:   " + " ".join(f"{x:.2f}" for x in results["machine"]["load_average_at_end"]))
    results["rows"] = evaluate(results)
    print_table(results)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, default=str))
        say(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
