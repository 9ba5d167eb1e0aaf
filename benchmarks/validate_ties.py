"""Benchmark ``netmap validate`` on a workbook of 1,000,000 ties (issue 18: under 15 s and 1.5 GB).

Writes a seeded CSV workbook (``partners.csv`` and ``ties.csv``, every column of the ties
sheet filled: kind, strength, directed, notes, start and end) and runs ``python -m netmap
validate`` on it in a fresh process, as a user does, ``--repeat`` times. Each run's wall
time, CPU time and peak resident memory (``os.wait4`` rusage of the child) are printed and
written to ``--out`` as JSON with the targets and the machine. Two shapes:

- ``spread`` (default): ties drawn among ``--partners`` partners, as a large map has them
  (few pairs repeat);
- ``dense``: the same number of ties among 300 partners, so that pairs repeat thousands of
  times and the repeated-row checks (``duplicate-row``, ``conflicting-rows``) do most of the work.

Not a unit test (``benchmarks/`` is outside ``testpaths``); run on demand::

    python benchmarks/validate_ties.py --ties 1000000 --out validate-ties.json
"""

# ruff: noqa: S603, S311 - runs this interpreter on our own arguments; seeded data, not secrets

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_SECONDS = 15.0
TARGET_MB = 1536.0
KINDS = ("collaboration", "referral", "data-sharing", "advisory", "co-delivery", "co-location", "governance")
TYPES = ("Local community colleges", "American Job Center", "WIB", "TANF office", "Adult education", "Employer")


def write_workbook(folder: Path, *, ties: int, partners: int, seed: int) -> dict[str, int]:
    """The seeded workbook; the same arguments give the same bytes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "partners.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "agency_type", "level", "region"])
        for i in range(partners):
            out.writerow([f"P{i:06d}", f"Partner {i}", TYPES[i % len(TYPES)], "local", f"Region {i % 50}"])
    day0 = dt.date(2018, 1, 1)
    with open(folder / "ties.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["source_id", "target_id", "kind", "strength", "directed", "notes", "start", "end"])
        for i in range(ties):
            a = rng.randrange(partners)
            b = (a + 1 + rng.randrange(partners - 1)) % partners
            start = day0 + dt.timedelta(days=rng.randrange(2000))
            end = start + dt.timedelta(days=rng.randrange(1, 1500)) if rng.random() < 0.3 else None
            out.writerow(
                [
                    f"P{a:06d}",
                    f"P{b:06d}",
                    rng.choice(KINDS),
                    rng.randint(1, 3),
                    rng.choice(("yes", "no", "")),
                    f"note {i}",
                    start.isoformat(),
                    end.isoformat() if end else "",
                ]
            )
    return {"partners": partners, "ties": ties}


def run_validate(folder: Path) -> dict[str, float | int | str]:
    """One ``netmap validate --json`` in a fresh process: wall, CPU and peak memory."""
    cmd = [sys.executable, "-m", "netmap", "validate", str(folder), "--json"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    # wait4 gives this child's own rusage (its peak RSS), not the sum over every child so far.
    stdout_chunks = []
    while chunk := proc.stdout.read(1 << 20):
        stdout_chunks.append(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    report = json.loads(b"".join(stdout_chunks) or b"{}")
    return {
        "exit_code": proc.returncode,
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        "errors": report.get("errors", -1),
        "warnings": report.get("warnings", -1),
        "ties_used": report.get("rows", {}).get("ties", {}).get("used", -1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=20_000, help="partners of the spread shape")
    parser.add_argument("--shape", choices=("spread", "dense"), default="spread")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of netmap validate (the best and all are kept)")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where the workbook is written (reused)")
    parser.add_argument("--out", type=Path, help="JSON file to write")
    args = parser.parse_args(argv)
    partners = 300 if args.shape == "dense" else args.partners
    folder = args.data / f"ties-{args.ties}-{args.shape}-{partners}-seed-{args.seed}"
    if not (folder / "ties.csv").exists():
        started = time.perf_counter()
        write_workbook(folder, ties=args.ties, partners=partners, seed=args.seed)
        print(f"wrote {folder} in {time.perf_counter() - started:.1f} s", flush=True)
    runs = []
    for n in range(args.repeat):
        result = run_validate(folder)
        runs.append(result)
        print(
            f"run {n + 1}: {result['wall_seconds']} s wall, {result['cpu_seconds']} s CPU, "
            f"{result['maxrss_mb']} MB peak; exit {result['exit_code']}, {result['ties_used']} ties used, "
            f"{result['errors']} errors, {result['warnings']} warnings",
            flush=True,
        )
    best = min(runs, key=lambda r: r["wall_seconds"])
    peak = max(r["maxrss_mb"] for r in runs)
    met = best["wall_seconds"] < TARGET_SECONDS and peak < TARGET_MB
    print(
        f"best {best['wall_seconds']} s (target < {TARGET_SECONDS:.0f} s), peak {peak} MB "
        f"(target < {TARGET_MB:.0f} MB): {'met' if met else 'NOT met'}"
    )
    if args.out:
        machine = {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_end": os.getloadavg(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "rlimit_as": resource.getrlimit(resource.RLIMIT_AS)[0],
        }
        document = {
            "workbook": str(folder.relative_to(REPO)) if folder.is_relative_to(REPO) else str(folder),
            "options": {"ties": args.ties, "partners": partners, "shape": args.shape, "seed": args.seed},
            "targets": {"wall_seconds": TARGET_SECONDS, "maxrss_mb": TARGET_MB},
            "runs": runs,
            "best_wall_seconds": best["wall_seconds"],
            "peak_maxrss_mb": peak,
            "met": met,
            "machine": machine,
        }
        args.out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
