"""Benchmark netmap at 300 to 100,000 partners against the targets of issue 8.

For each size the runner generates a synthetic workbook (``generate.py``, cached under
``--data``), then measures, each in a fresh Python process so that one stage's caches,
imports and garbage do not flatter or burden the next:

- ``library``: ``read_workbook`` (read + validate), ``build_graph``, ``project`` and each
  analysis of ``netmap.analysis.analyze`` called on its own (gaps, roles, brokers,
  formalisation, funding, resilience, health, scorecard);
- ``analyze``: ``analyze()`` as a whole, and the same with ``backend="networkx"`` (the
  plain-NetworkX path) when ``analyze`` takes a ``backend`` keyword, killed at ``--cap``;
- ``layout``, ``map`` and ``report``: the map's layout, ``write_map`` and ``write_report``;
- ``cli``: ``python -m netmap analyze|map|report`` as a user runs them (wall time,
  interpreter start included) with the peak memory of the process;

then, once, a 5,000-partner map opened offline in headless Chromium (time until drawn and
still) and a 100,000-partner load into FalkorDB (rows/s and memory per batch). Every
measure with a target in the issue is printed in a table with ``ratio`` (how far the
target is met: above 1 it is met) and everything is written to ``--out`` as JSON.

Usage::

    python benchmarks/run.py --sizes 300,3000,10000 --cap 120 --out results.json
"""

# ruff: noqa: S603, S607 - runs this interpreter, git and the FalkorDB binary on our own arguments

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import math
import os
import pickle
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SIZES = (300, 3_000, 10_000, 30_000, 100_000)
ANALYSES = ("gaps", "roles", "brokers", "formalisation", "funding", "health", "scorecard", "resilience")
# Agreements and funding are judged on a fixed day so that runs compare (the generator
# draws its dates around the same day).
AS_OF = "2026-07-01"

# What "drawn and still" means on the map page. Today map.js sets body[data-ready=1] once
# vis-network has stabilised (physics layout) or drawn (fixed layout), and switches physics
# off; "still" is that plus physics off. Adjust here (or pass --still-js) when the page
# gains an explicit signal.
STILL_JS = """() => {
  const n = window.netmap && window.netmap.network;
  return document.body.dataset.ready === "1" && !!n && !n.physics.physicsEnabled;
}"""

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


# --------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One target of the issue: ``measure`` of ``stage`` at ``size`` against ``limit``."""

    stage: str
    size: int
    measure: str  # "seconds", "maxrss_mb", "rows_per_s" or "speedup"
    limit: float
    text: str

    def ratio(self, value: float | None) -> float | None:
        """Above 1 the target is met: limit/value for costs, value/limit for rates."""
        if value is None or value <= 0:
            return None
        return value / self.limit if self.measure in ("rows_per_s", "speedup") else self.limit / value


TARGETS = (
    Target("cli report", 300, "seconds", 2.0, "netmap report, 300 partners, end to end < 2 s"),
    Target("cli analyze", 10_000, "seconds", 5.0, "netmap analyze, 10k partners < 5 s"),
    Target("cli map", 10_000, "seconds", 5.0, "netmap map, 10k partners < 5 s"),
    Target("cli analyze", 100_000, "seconds", 20.0, "netmap analyze, 100k partners < 20 s"),
    Target("cli analyze", 100_000, "maxrss_mb", 4096.0, "netmap analyze, 100k partners < 4 GB peak"),
    Target("analyze speedup", 100_000, "speedup", 10.0, "analyze >= 10x the plain-NetworkX path, 100k"),
    Target("browser", 5_000, "seconds", 5.0, "5k-partner map drawn and still in Chromium < 5 s"),
    Target("store load", 100_000, "rows_per_s", 20_000.0, "load 100k partners into FalkorDB >= 20,000 rows/s"),
)


# --------------------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------------------
@dataclass
class Child:
    """What a finished (or killed) child process did."""

    returncode: int | None
    seconds: float
    cpu_seconds: float
    maxrss_mb: float
    timed_out: bool
    stdout: str
    stderr: str


def run_child(
    cmd: Sequence[str],
    cap: float | None,
    *,
    env: dict[str, str] | None = None,
    on_poll: Callable[[int], None] | None = None,
) -> Child:
    """Run ``cmd``; wall time and the peak RSS of that process (not of the runner).

    ``os.wait4`` gives the child's own rusage, so the maximum resident set size is that
    process's peak, even when the runner itself has grown. The child gets a session of its
    own so that, at the cap, it and whatever it started are killed together. ``on_poll``,
    if given, is called with the child's pid each time the runner looks whether it has
    finished (every few milliseconds), e.g. to sample the memory of its process tree.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, env=env, start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if on_poll is not None:
                on_poll(proc.pid)
            if cap is not None and time.perf_counter() - started > cap:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        out.seek(0)
        err.seek(0)
        return Child(
            returncode=None if timed_out else proc.returncode,
            seconds=seconds,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            maxrss_mb=usage.ru_maxrss / 1024,
            timed_out=timed_out,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def worker_cmd(stage: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", stage, *args]


# --------------------------------------------------------------------------------------
# Workers (run inside the child processes)
# --------------------------------------------------------------------------------------
class Recorder:
    """Times stages and writes what is known after each one, so a killed worker leaves
    the stages it finished behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {"seconds": {}, "notes": {}}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.data["seconds"][name] = round(time.perf_counter() - started, 4)
        self.flush()

    def flush(self) -> None:
        self.data["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        self.path.write_text(json.dumps(self.data))


def _backend_kw(func: Callable[..., Any], backend: str | None) -> dict[str, Any]:
    """``backend=...`` when ``func`` takes that keyword (the fast-path work may not be in yet)."""
    if backend is None or "backend" not in inspect.signature(func).parameters:
        return {}
    return {"backend": backend}


def _load_graph(source: Path, cache: Path | None) -> Any:
    """The graph of ``source``, from the pickle the library worker left, or read afresh."""
    if cache is not None and cache.exists():
        with open(cache, "rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own file, written by this runner
    import netmap

    return netmap.build_graph(netmap.read_workbook(source))


def worker(
    stage: str,
    source: Path,
    result: Path,
    cache: Path | None,
    backend: str | None,
    out: Path | None,
    analysis_cap: float | None = None,
) -> None:
    """One stage's measurements, in this (fresh) process."""
    rec = Recorder(result)
    if stage == "library":
        with rec.stage("import netmap"):
            import netmap
            from netmap import analysis as A

            # Not netmap.project: with the lazy package __init__, importing netmap.analysis
            # binds the attribute to the submodule netmap.project (reported).
            from netmap.project import project
        with rec.stage("read + validate"):
            tables = netmap.read_workbook(source)
        rec.data["notes"]["issues"] = {
            "errors": len(tables.errors),
            "warnings": len(getattr(tables, "warnings", []) or []),
        }
        with rec.stage("build"):
            G = netmap.build_graph(tables)
        rec.data["notes"]["graph"] = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
        with rec.stage("project"):
            P = project(G)
        rec.data["notes"]["projected"] = {"nodes": P.number_of_nodes(), "edges": P.number_of_edges()}
        if cache is not None and not cache.exists():
            with open(cache, "wb") as handle:
                pickle.dump(G, handle, protocol=pickle.HIGHEST_PROTOCOL)
        run_analyses(rec, G, backend, A, analysis_cap)
    elif stage == "analyses":  # each analysis alone, on a pickled graph (the NetworkX path)
        from netmap import analysis as A

        G = _load_graph(source, cache)
        rec.flush()
        run_analyses(rec, G, backend, A, analysis_cap)
    elif stage == "analyze":
        from netmap.analysis import analyze

        G = _load_graph(source, cache)
        rec.data["notes"]["backend_supported"] = "backend" in inspect.signature(analyze).parameters
        rec.flush()
        with rec.stage("analyze"):
            analyze(G, as_of=AS_OF, seed=0, **_backend_kw(analyze, backend))
    elif stage == "layout":
        from netmap.project import project
        from netmap.render import map as M

        G = _load_graph(source, cache)
        P = project(G)
        if hasattr(M, "_positions"):  # private: may be renamed by the map work
            with rec.stage("layout"):
                M._positions(P, 0)
    elif stage == "map":
        from netmap.pipeline import write_map

        G = _load_graph(source, cache)
        with rec.stage("map"):
            write_map(G, out)
    elif stage == "report":
        from netmap.pipeline import write_report

        G = _load_graph(source, cache)
        with rec.stage("report"):
            write_report(G, out, as_of=AS_OF)
    else:
        raise SystemExit(f"unknown worker stage {stage!r}")
    rec.flush()


class AnalysisTimeout(Exception):
    """An analysis ran past its cap (raised from SIGALRM)."""


def run_analyses(rec: Recorder, G: Any, backend: str | None, A: Any, cap: float | None) -> None:
    """Each analysis that ``analyze()`` runs, timed on its own.

    An analysis that runs past ``cap`` seconds is interrupted (SIGALRM: NetworkX is pure
    Python, so the signal lands promptly) and listed in ``did_not_finish``; the next one
    runs, so one quadratic analysis does not hide the times of the others.
    """
    import datetime as dt

    from netmap.analysis._common import resolve_roster

    roster = resolve_roster(G, None)
    day = dt.date.fromisoformat(AS_OF)
    out: dict[str, Any] = {}

    rec.data["did_not_finish"] = {}

    def interrupt(signum: int, frame: Any) -> None:
        raise AnalysisTimeout

    signal.signal(signal.SIGALRM, interrupt)

    def timed(name: str, func: Callable[..., Any], **kw: Any) -> None:
        if cap:
            signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            with rec.stage(f"analysis: {name}"):
                out[name] = func(G, **kw, **_backend_kw(func, backend))
        except AnalysisTimeout:
            rec.data["did_not_finish"][name] = cap
            rec.flush()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    timed("gaps", A.roster_gaps, roster=roster)
    timed("roles", A.role_gaps, roster=roster)
    timed("brokers", A.brokers, seed=0)
    timed("formalisation", A.formalisation, as_of=day)
    timed("funding", A.funding, as_of=day)
    timed("health", A.health, seed=0)
    needed = ("gaps", "roles", "formalisation", "funding", "health", "brokers")
    if any(n not in out for n in needed):
        # scorecard() would compute the missing ones itself: that is not its own time.
        rec.data["did_not_finish"]["scorecard"] = "skipped: an analysis it needs did not finish"
    else:
        timed(
            "scorecard",
            A.scorecard,
            roster=roster,
            as_of=day,
            gaps=out["gaps"],
            roles=out["roles"],
            formal=out["formalisation"],
            money=out["funding"],
            network=out["health"],
            links=out["brokers"],
        )
    # Last, because it is the one that may not finish: the others are measured anyway.
    timed("resilience", A.resilience, as_of=day)


# --------------------------------------------------------------------------------------
# Browser and store (run in the runner; each spawns its own browser or server)
# --------------------------------------------------------------------------------------
def browser_stage(map_path: Path, cap: float, still_js: str) -> dict[str, Any]:
    """Open ``map_path`` offline in headless Chromium; seconds until drawn and still.

    ``seconds`` is Python wall time from the navigation request to the first animation
    frame at which ``still_js`` holds (the browser is already running: its start is not
    the page's cost); ``page_ms`` is the page's own ``performance.now()`` at that moment.
    """
    executable = os.environ.get("NETMAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        return {"status": "skipped: no chromium (apt-get install chromium)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"status": "skipped: playwright is not installed"}
    requests: list[str] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="netmap-bench-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,  # a fresh profile: nothing cached from an earlier run
            executable_path=executable,
            headless=True,
            args=list(CHROMIUM_FLAGS),
            viewport={"width": 1600, "height": 900},
        )
        try:
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            # Offline: anything but the file itself is refused (and counted).
            page.route("**/*", lambda r: r.abort() if not r.request.url.startswith("file:") else r.continue_())
            started = time.perf_counter()
            page.goto(map_path.resolve().as_uri(), wait_until="commit", timeout=cap * 1000)
            try:
                page.wait_for_function(still_js, polling="raf", timeout=cap * 1000)
            except Exception as exc:  # noqa: BLE001 - a timeout or a page that broke: report, go on
                return {"status": f"did not finish in {cap:g} s ({type(exc).__name__})", "errors": errors[:5]}
            seconds = time.perf_counter() - started
            page_ms = page.evaluate("performance.now()")
            nodes = page.evaluate("window.netmap.network.body.data.nodes.length")
        finally:
            context.close()
    outside = [u for u in requests if not u.startswith("file:")]
    return {
        "status": "ok" if not errors else "page errors",
        "seconds": round(seconds, 3),
        "page_ms": round(page_ms, 1),
        "nodes_drawn": nodes,
        "requests_outside": len(outside),
        "errors": errors[:5],
    }


def _rss_mb(pid: int | str = "self") -> float | None:
    """Current resident set size of a process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def store_worker(source: Path, result: Path, cache: Path | None, batch_size: int) -> None:
    """Load the graph into a FalkorDB started here; rows/s and memory after each batch."""
    sys.path.insert(0, str(REPO))  # the repository, for tests.store
    from netmap.store import connect, load_map
    from netmap.store.rows import graph_rows
    from tests.store.conftest import _start_falkordb

    rec = Recorder(result)
    G = _load_graph(source, cache)
    nodes, rels = graph_rows(G).count()
    rec.data["notes"] = {"nodes": nodes, "relationships": rels, "batch_size": batch_size}
    folder = Path(tempfile.mkdtemp(prefix="netmap-bench-falkordb-"))
    server = None
    try:
        # The same server start as the store tests, so the benchmark measures the engine they test.
        server, socket = _start_falkordb(folder)
        per_batch: list[dict[str, Any]] = []
        last = [time.perf_counter()]

        def progress(done: int, total: int, what: str) -> None:
            now = time.perf_counter()
            per_batch.append(
                {
                    "batch": done,
                    "of": total,
                    "what": what,
                    "seconds": round(now - last[0], 4),
                    "loader_rss_mb": _rss_mb(),
                    "server_rss_mb": _rss_mb(server.pid),
                }
            )
            last[0] = now
            if done % 50 == 0 or done == total:
                rec.data["batches"] = per_batch
                rec.flush()

        with connect(f"falkordb+unix://{socket}", database="bench") as engine:
            started = time.perf_counter()
            load_map(G, engine, map_name="bench", batch_size=batch_size, progress=progress)
            seconds = time.perf_counter() - started
        rec.data["seconds"]["store load"] = round(seconds, 3)
        rec.data["rows_per_s"] = round((nodes + rels) / seconds, 1)
        rec.data["batches"] = per_batch
        rec.data["memory"] = memory_trend(per_batch)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    rec.flush()


def memory_trend(batches: list[dict[str, Any]]) -> dict[str, Any]:
    """Loader and server RSS over the first and last tenth of the batches: flat or growing."""
    if len(batches) < 10:
        return {}
    tenth = max(1, len(batches) // 10)
    out: dict[str, Any] = {}
    for key in ("loader_rss_mb", "server_rss_mb"):
        first = [b[key] for b in batches[:tenth] if b[key] is not None]
        last = [b[key] for b in batches[-tenth:] if b[key] is not None]
        if first and last:
            out[key] = {
                "first_tenth": round(sum(first) / len(first), 1),
                "last_tenth": round(sum(last) / len(last), 1),
                "max": round(max(b[key] or 0 for b in batches), 1),
            }
    return out


# --------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------
@dataclass
class Results:
    """Everything measured, as written to the JSON file."""

    machine: dict[str, Any]
    options: dict[str, Any]
    sizes: dict[str, dict[str, Any]] = field(default_factory=dict)
    browser: dict[str, Any] = field(default_factory=dict)
    store: dict[str, Any] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)


def machine() -> dict[str, Any]:
    """The machine the numbers were taken on (the README table quotes it)."""
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    with contextlib.suppress(OSError, ValueError):
        mem_gb = round(int(Path("/proc/meminfo").read_text().split()[1]) / 2**20, 1)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "netmap"], cwd=REPO, capture_output=True, text=True).stdout
    return {
        "nproc": os.cpu_count(),
        "memory_gb": mem_gb,
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
        "git_commit": commit.strip(),
        "netmap_modified": bool(dirty.strip()),
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
    }


def ensure_workbook(data: Path, size: int, seed: int, shape: str = "spread") -> Path:
    """The cached workbook of ``size`` partners (generated once per size, seed and shape;
    the default shape keeps the folder name it always had, so caches stay valid)."""
    folder = data / (f"partners-{size}-seed-{seed}" + ("" if shape == "spread" else f"-{shape}"))
    done = folder / ".complete"
    if not done.exists():
        sys.path.insert(0, str(HERE))
        from generate import generate

        started = time.perf_counter()
        generate(size, folder, seed=seed, shape=shape)
        done.write_text(f"{time.perf_counter() - started:.2f}\n")
    return folder


def measure_child(
    cmd: Sequence[str],
    cap: float | None,
    result: Path | None = None,
    *,
    on_poll: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run one child and merge what it reported with what the runner saw of it
    (``on_poll`` as in :func:`run_child`)."""
    # Other work on the machine inflates wall times: keep the load next to each number.
    load = os.getloadavg()[0]
    child = run_child(cmd, cap, on_poll=on_poll)
    entry: dict[str, Any] = {
        "load_average_1min": round(load, 2),
        "wall_seconds": round(child.seconds, 3),
        # CPU time of the child (user + system): what the stage costs when the machine
        # is shared, where wall time also counts the waits for a core.
        "cpu_seconds": round(child.cpu_seconds, 3),
        "maxrss_mb": round(child.maxrss_mb, 1),
        "status": "ok",
    }
    if result is not None and result.exists():
        with contextlib.suppress(ValueError):
            reported = json.loads(result.read_text())
            entry.update({k: v for k, v in reported.items() if k != "maxrss_mb"})
    if child.timed_out:
        entry["status"] = f"did not finish in {cap:g} s"
    elif child.returncode != 0:
        entry["status"] = f"failed (exit {child.returncode})"
        entry["stderr"] = child.stderr[-2000:]
    return entry


def say(text: str) -> None:
    print(text, flush=True)


def _shown(path: Path) -> str:
    """A path as the results file keeps it: relative to the repository when inside it (the
    file is committed; where this machine keeps the checkout is nobody's business)."""
    try:
        return str(path.resolve().relative_to(REPO.resolve()))
    except ValueError:
        return path.name


def run_size(size: int, args: argparse.Namespace, work: Path, backend_supported: bool) -> dict[str, Any]:
    """Every stage at one size."""
    source = ensure_workbook(args.data, size, args.seed)
    cache = work / f"graph-{size}.pickle"
    out: dict[str, Any] = {"workbook": _shown(source)}
    cap = args.cap
    # The stage cap keeps a hung stage from eating the whole run; the plain-NetworkX
    # comparison gets --cap exactly, as the issue asks.
    stage_cap = max(args.stage_cap, cap)

    def child(
        name: str,
        stage: str,
        *,
        backend: str | None = None,
        file: str | None = None,
        limit: float = stage_cap,
        analysis_cap: float | None = None,
    ) -> dict[str, Any]:
        if name in args.skip:
            out[name] = {"status": "skipped (--skip)", "seconds": {}}
            return out[name]
        result = work / f"{size}-{name.replace(' ', '-')}.json"
        result.unlink(missing_ok=True)
        cmd = worker_cmd(stage, "--source", str(source), "--result", str(result), "--cache", str(cache))
        if backend:
            cmd += ["--backend", backend]
        if file:
            cmd += ["--file", str(work / file)]
        if analysis_cap:
            cmd += ["--analysis-cap", str(analysis_cap)]
        say(f"  {size:>7,} {name} ...")
        entry = measure_child(cmd, limit, result)
        if entry["status"] != "ok":
            say(f"          {entry['status']}")
        out[name] = entry
        return entry

    # Each analysis gets the stage cap on its own; the library stage as a whole gets room
    # for reading and building plus every analysis.
    library = child("library", "library", limit=stage_cap * (len(ANALYSES) + 2), analysis_cap=stage_cap)
    # An analysis that did not finish alone will not finish inside analyze(), the report
    # or the CLI either: say so instead of spending the stage cap on each of them again.
    stuck = next(iter(library.get("did_not_finish") or {}), None)
    if stuck is None and library["status"] != "ok":
        done = library.get("seconds", {})
        stuck = next((a for a in ANALYSES if f"analysis: {a}" not in done), None)
    skip = f"skipped: analysis {stuck!r} did not finish in {stage_cap:g} s in the library stage" if stuck else None
    if library["status"].startswith("failed"):
        skip = f"skipped: the library stage {library['status']}"

    def skipped(name: str) -> None:
        say(f"  {size:>7,} {name}: {skip}")
        out[name] = {"status": skip, "seconds": {}}

    def plain_analyze() -> dict[str, Any]:
        limit = plain_cap(size, cap, seconds_of(out.get("analyze"), "analyze"), args.speedup_cap == "auto")
        entry = child("analyze networkx", "analyze", backend="networkx", limit=limit)
        entry["cap"] = limit
        return entry

    for name, run in (
        ("analyze", lambda: child("analyze", "analyze")),
        ("analyze networkx", plain_analyze),
    ):
        if name == "analyze networkx" and not backend_supported:
            continue
        if skip:
            skipped(name)
        else:
            run()
    if backend_supported:
        child("analyses networkx", "analyses", backend="networkx", limit=cap * (len(ANALYSES) + 1), analysis_cap=cap)
    child("layout", "layout")
    child("map", "map", file=f"map-{size}.html")
    if skip:
        skipped("report")
    else:
        child("report", "report", file=f"report-{size}.html")
    for command, extra in (
        ("analyze", ["--as-of", AS_OF]),
        ("map", ["-o", str(work / f"cli-map-{size}.html")]),
        ("report", ["-o", str(work / f"cli-report-{size}.html"), "--as-of", AS_OF]),
    ):
        name = f"cli {command}"
        if name in args.skip:
            out[name] = {"status": "skipped (--skip)", "seconds": {}}
            continue
        if skip and command != "map":
            skipped(name)
            continue
        say(f"  {size:>7,} {name} ...")
        entry = measure_child([sys.executable, "-m", "netmap", command, str(source), *extra], stage_cap)
        entry["seconds"] = {name: entry["wall_seconds"]}
        if entry["status"] != "ok":
            say(f"          {entry['status']}")
        out[name] = entry
    return out


def plain_cap(size: int, cap: float, fast: float | None, auto: bool) -> float:
    """Seconds allowed to the plain-NetworkX ``analyze`` at ``size``.

    ``--cap``, except at the size of the speed-up target (with ``--speedup-cap auto``):
    there the plain path gets at least the target ratio times the fast path's time (and
    5 % more), so that a plain path killed at its cap still shows whether the fast one is
    that many times faster.

    >>> plain_cap(100_000, 120, 17.0, True), plain_cap(10_000, 120, 3.0, True), plain_cap(100_000, 120, 17.0, False)
    (179.0, 120, 120)
    """
    target = next(t for t in TARGETS if t.stage == "analyze speedup")
    if not auto or size != target.size or not fast:
        return cap
    return max(cap, float(math.ceil(target.limit * fast * 1.05)))


def seconds_of(entry: dict[str, Any] | None, stage: str) -> float | None:
    if not entry or entry.get("status") != "ok":
        return None
    return entry.get("seconds", {}).get(stage)


def stage_rows(results: Results) -> list[tuple[str, str, dict[int, str]]]:
    """(stage, what, {size: cell}) for the per-size table."""
    rows: dict[tuple[str, str], dict[int, str]] = {}

    def put(stage: str, what: str, size: int, text: str) -> None:
        rows.setdefault((stage, what), {})[size] = text

    for key, by in results.sizes.items():
        size = int(key)
        for name, entry in by.items():
            if not isinstance(entry, dict):
                continue
            secs = entry.get("seconds", {})
            failed = entry.get("status", "ok") != "ok"
            for stage, value in secs.items():
                put(stage if not name.endswith("networkx") else f"{stage} [networkx]", "s", size, f"{value:.2f}")
            if failed:
                label = {"analyze networkx": "analyze [networkx]"}.get(name, name)
                if name == "library":  # the analysis that was running when the cap struck
                    label = next((f"analysis: {a}" for a in ANALYSES if f"analysis: {a}" not in secs), name)
                status = entry["status"].replace("did not finish in", "DNF >")
                put(label, "s", size, "skipped" if status.startswith("skipped") else status)
            for analysis, why in (entry.get("did_not_finish") or {}).items():
                text = "skipped" if isinstance(why, str) else f"DNF > {why:g} s"
                put(f"analysis: {analysis}" + (" [networkx]" if name.endswith("networkx") else ""), "s", size, text)
            if name.startswith("cli") and not failed and "cpu_seconds" in entry:
                put(f"{name}: CPU time", "s", size, f"{entry['cpu_seconds']:.2f}")
            if "maxrss_mb" in entry:
                put(f"peak memory: {name}", "MB", size, f"{entry['maxrss_mb']:.0f}")
    return [(stage, what, cells) for (stage, what), cells in rows.items()]


def evaluate(results: Results) -> None:
    """Fill ``results.targets`` with each target's measured value and ratio."""
    for t in TARGETS:
        value: float | None = None
        note = ""
        if t.stage == "browser":
            value = results.browser.get("seconds")
            note = results.browser.get("status", "not run")
            if results.browser:
                note += f"; {results.options.get('browser_partners'):,} partners"
        elif t.stage == "store load":
            value = results.store.get("rows_per_s")
            note = results.store.get("status", "not run")
            if results.store:
                note += f"; {results.store.get('partners', 0):,} partners"
            batches = results.store.get("batches") or []
            if value is None and batches:
                # Stopped at the cap: the rate of the batches it finished (full batches
                # except the last of each kind, so this slightly overstates the rows).
                secs = sum(b["seconds"] for b in batches)
                value = len(batches) * results.options.get("batch_size", 1000) / secs if secs else None
                note += f"; rate of the {len(batches)} batches done of {batches[-1]['of']} (at most)"
            if memory := results.store.get("memory"):
                loader = memory.get("loader_rss_mb", {})
                note += f"; loader RSS {loader.get('first_tenth')} -> {loader.get('last_tenth')} MB"
        else:
            by = results.sizes.get(str(t.size))
            if by is None:
                note = "size not run"
            elif t.stage == "analyze speedup":
                fast = seconds_of(by.get("analyze"), "analyze")
                plain = by.get("analyze networkx")
                if plain is None:
                    note = "no backend= keyword in analyze() yet"
                elif plain["status"] != "ok":
                    note = f"NetworkX path {plain['status']}"
                    if fast:  # the plain path took at least its cap
                        value = plain.get("cap", results.options["cap"]) / fast
                        note += f"; speedup at least {value:.1f}x"
                elif fast:
                    value = plain["seconds"]["analyze"] / fast
                    note = f"{plain['seconds']['analyze']:.1f} s vs {fast:.1f} s"
            else:
                entry = by.get(t.stage)
                if entry is None:
                    note = "not run"
                elif entry["status"] != "ok":
                    note = entry["status"]
                elif t.measure == "maxrss_mb":
                    value = entry["maxrss_mb"]
                else:
                    value = entry["wall_seconds"]
                    if "cpu_seconds" in entry:  # wall time on a busy machine also counts waits for a core
                        note = f"CPU {entry['cpu_seconds']:.2f} s, load {entry.get('load_average_1min')}"
        ratio = t.ratio(value)
        results.targets.append(
            {
                **asdict(t),
                "measured": None if value is None else round(value, 3),
                "ratio": None if ratio is None else round(ratio, 2),
                "met": ratio is not None and ratio >= 1,
                "note": note,
            }
        )


def print_tables(results: Results, *, markdown: bool = False) -> None:
    """The per-size stage table and the targets table, as text or as Markdown."""
    sizes = sorted(int(s) for s in results.sizes)

    def line(cells: Sequence[str], widths: Sequence[int]) -> str:
        if markdown:
            return "| " + " | ".join(c.strip() for c in cells) + " |"
        return "".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    def rule(widths: Sequence[int], text_last: bool = False) -> str:
        if markdown:
            last = len(widths) - 1
            return (
                "|"
                + "|".join("---" if i == 0 or (text_last and i == last) else "---:" for i in range(len(widths)))
                + "|"
            )
        return "-" * sum(widths)

    if sizes:
        say("\nStages (seconds; peak memory in MB; DNF = did not finish within the cap)\n")
        widths = [44, *[12] * len(sizes)]
        say(line(["stage", *[f"{s:,}" for s in sizes]], widths))
        say(rule(widths))
        for stage, what, cells in stage_rows(results):
            label = stage + (f" ({what})" if what == "MB" else "")
            say(line([label, *[cells.get(s, "") for s in sizes]], widths))
    say("\nTargets (ratio = how far the target is met; > 1 is met)\n")
    widths = [54, 18, 8, 5, 2]
    say(line(["target", "measured", "ratio", "met", "  note"], widths))
    say(rule(widths, text_last=True))
    for t in results.targets:
        unit = {"seconds": "s", "maxrss_mb": "MB", "rows_per_s": "rows/s", "speedup": "x"}[t["measure"]]
        measured = "" if t["measured"] is None else f"{t['measured']:,.2f} {unit}"
        ratio = "" if t["ratio"] is None else f"{t['ratio']:.2f}"
        met = "yes" if t["met"] else ("no" if t["measured"] is not None else "-")
        say(line([t["text"], measured, ratio, met, "  " + t["note"]], widths))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="partner counts, comma-separated")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds allowed to the plain-NetworkX path")
    parser.add_argument(
        "--speedup-cap",
        choices=("auto", "fixed"),
        default="auto",
        help="auto: at the speed-up target's size the plain analyze gets at least 10.5x the fast one's time",
    )
    parser.add_argument(
        "--stage-cap", type=float, default=600.0, help="seconds allowed to any other stage (guards the whole run)"
    )
    parser.add_argument("--out", type=Path, default=Path("results.json"), help="JSON file to write")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where generated workbooks are kept")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--browser-partners", type=int, default=5_000, help="0 skips the browser stage")
    parser.add_argument("--store-partners", type=int, default=100_000, help="0 skips the FalkorDB load")
    parser.add_argument("--batch-size", type=int, default=1000, help="rows per batch of the FalkorDB load")
    parser.add_argument(
        "--store-cap", type=float, default=900.0, help="seconds allowed to the FalkorDB stage (reading included)"
    )
    parser.add_argument("--still-js", default=STILL_JS, help="JS predicate for 'drawn and still' on the map page")
    parser.add_argument(
        "--skip",
        type=lambda text: {s.strip() for s in text.split(",") if s.strip()},
        default=set(),
        help="stages to leave out, comma-separated (e.g. 'analyses networkx,report')",
    )
    parser.add_argument("--show", type=Path, help="print the tables of an earlier results JSON file and stop")
    parser.add_argument("--markdown", action="store_true", help="with --show: Markdown tables (for the README)")
    # Worker mode: what the runner starts in child processes.
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--analysis-cap", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "store":
        store_worker(args.source, args.result, args.cache, args.batch_size)
        return 0
    if args.worker:
        worker(args.worker, args.source, args.result, args.cache, args.backend, args.file, args.analysis_cap)
        return 0

    if args.show:
        saved = json.loads(args.show.read_text())
        saved["targets"] = []
        shown = Results(**saved)
        evaluate(shown)
        print_tables(shown, markdown=args.markdown)
        return 0

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = Results(
        machine=machine(),
        options={
            "sizes": sizes,
            "cap": args.cap,
            "seed": args.seed,
            "as_of": AS_OF,
            "browser_partners": args.browser_partners,
            "store_partners": args.store_partners,
            "batch_size": args.batch_size,
            "stage_cap": args.stage_cap,
            "store_cap": args.store_cap,
            "speedup_cap": args.speedup_cap,
        },
    )
    # Detect the backend keyword in a child: importing netmap here would put its import
    # cost and memory into nothing we measure, but keeps the runner itself light.
    probe = run_child(
        [
            sys.executable,
            "-c",
            "import inspect; from netmap.analysis import analyze; "
            "print('backend' in inspect.signature(analyze).parameters)",
        ],
        60,
    )
    backend_supported = probe.stdout.strip() == "True"
    results.options["backend_supported"] = backend_supported
    say(f"netmap benchmark on {results.machine['nproc']} CPUs, {results.machine['cpu']}; backend= keyword: "
        f"{'yes' if backend_supported else 'not yet (no plain-NetworkX comparison)'}")  # fmt: skip
    args.data.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        results.targets = []
        evaluate(results)
        args.out.write_text(json.dumps(asdict(results), indent=1, default=str))

    with tempfile.TemporaryDirectory(prefix="netmap-bench-") as tmp:
        work = Path(tmp)
        for size in sizes:
            say(f"{size:,} partners")
            results.sizes[str(size)] = run_size(size, args, work, backend_supported)
            save()
        if args.browser_partners:
            size = args.browser_partners
            say(f"browser: {size:,}-partner map in headless Chromium ...")
            source = ensure_workbook(args.data, size, args.seed)
            map_path = work / f"browser-map-{size}.html"
            made = run_child([sys.executable, "-m", "netmap", "map", str(source), "-o", str(map_path)], args.stage_cap)
            if made.returncode != 0:
                results.browser = {"status": f"netmap map failed: {made.stderr[-500:]}"}
            else:
                results.browser = {"map_seconds": round(made.seconds, 2), "map_bytes": map_path.stat().st_size}
                results.browser.update(browser_stage(map_path, args.stage_cap, args.still_js))
            say(f"          {results.browser.get('status')} {results.browser.get('seconds', '')}")
            save()
        if args.store_partners:
            size = args.store_partners
            say(f"store: loading {size:,} partners into FalkorDB ...")
            source = ensure_workbook(args.data, size, args.seed)
            result = work / f"store-{size}.json"
            cache = work / f"graph-{size}.pickle"
            cmd = worker_cmd(
                "store",
                "--source", str(source),
                "--result", str(result),
                "--cache", str(cache),
                "--batch-size", str(args.batch_size),
            )  # fmt: skip
            results.store = measure_child(cmd, args.store_cap, result)
            results.store["partners"] = size
            say(f"          {results.store.get('status')} {results.store.get('rows_per_s', '')} rows/s")
            save()
    save()
    print_tables(results)
    say(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
