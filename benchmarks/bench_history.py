"""Benchmark ``netmap history`` over 12 quarterly snapshots of 10,000 partners (issue 23: under 60 s).

One synthetic workbook (``generate.py``, seeded) is copied 12 times, one folder per quarter,
and each quarter changes it as a year of a real partnership would: a few partners leave
(status ``former``), a few join (new rows), some ties are dropped, and every file carries the
quarter's date as its modification time (the date ``netmap history`` reads). Then
``python -m netmap history Q01 ... Q12 --json`` runs in a fresh process, as a user runs it,
``--repeat`` times, with the folders given in shuffled order; its wall time is printed with
the ratio to the target (above 1 the target is met).

Not a unit test (``benchmarks/`` is outside ``testpaths``); run on demand::

    python benchmarks/bench_history.py --partners 10000 --snapshots 12
"""

# ruff: noqa: S603, S311 - runs this interpreter on our own arguments; seeded data, not secrets

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 60.0
FIRST_QUARTER = dt.date(2024, 1, 15)


def quarter(base: Path, out: Path, index: int, rng: random.Random) -> Path:
    """Snapshot ``index`` (0 = the first): ``base`` with ``index`` quarters of change."""
    shutil.copytree(base, out)
    with open(out / "partners.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    status = header.index("status")
    # Each quarter about 1 % of the partners leave and 1 % join (rows appended, no ties yet).
    for row in rng.sample(body, k=len(body) * index // 100):
        row[status] = "former"
    joined = [
        [f"N{index:02d}{k:05d}", f"New partner {index}-{k}", *body[k % len(body)][2:]]
        for k in range(len(body) * index // 100)
    ]
    for row in joined:
        row[status] = "active"
    with open(out / "partners.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *body, *joined])
    ties = (out / "ties.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for i, line in enumerate(ties) if i == 0 or rng.random() >= 0.005 * index]
    (out / "ties.csv").write_text("".join(kept), encoding="utf-8")
    day = FIRST_QUARTER + dt.timedelta(days=91 * index)
    stamp = dt.datetime.combine(day, dt.time(12)).timestamp()
    for f in out.iterdir():
        os.utime(f, (stamp, stamp))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partners", type=int, default=10000)
    parser.add_argument("--snapshots", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data", default=str(HERE / "data"), help="where the generated workbooks are kept")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from generate import generate

    root = Path(args.data) / f"history-{args.partners}-{args.snapshots}-{args.seed}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    started = time.perf_counter()
    generate(args.partners, root / "base", seed=args.seed)
    rng = random.Random(args.seed)
    folders = [quarter(root / "base", root / f"q{i + 1:02d}", i, rng) for i in range(args.snapshots)]
    print(
        f"generated {args.snapshots} snapshots of {args.partners:,} partners in {time.perf_counter() - started:.1f} s"
    )
    shuffled = folders[:]
    rng.shuffle(shuffled)
    cmd = [sys.executable, "-m", "netmap", "history", *map(str, shuffled), "--json"]
    times, cpu = [], []
    for _ in range(args.repeat):
        began, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU time too: on a shared machine the wall time says as much about the others.
        cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
    data = json.loads(done.stdout)
    best = min(times)
    print("partners per snapshot:", [s["partners"] for s in data["snapshots"]])
    print("gaps per snapshot:    ", [s["gaps"] for s in data["snapshots"]])
    print(
        f"netmap history, {args.snapshots} x {args.partners:,} partners: {best:.1f} s wall, "
        f"{min(cpu):.1f} s CPU (best of {len(times)})"
    )
    verdict = "met" if best <= TARGET_SECONDS else "NOT met"
    print(f"target {TARGET_SECONDS:.0f} s: ratio {TARGET_SECONDS / best:.2f} ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
