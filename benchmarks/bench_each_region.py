"""Benchmark ``netmap report SOURCE --each-region`` on 100 regions of 100 partners (issue 23: under 60 s).

Writes a seeded synthetic workbook with :mod:`benchmarks.generate` shaped to 100 partners per
region (10,000 partners, 100 regions in 10 states, the state agencies listed statewide), then
runs ``python -m netmap report DIR --each-region -o OUT --force`` in a fresh process, as a user
does, ``--repeat`` times, and prints each run's wall time and its ratio to the 60 s target
(below 1 meets it). Not a unit test (``benchmarks/`` is outside ``testpaths``); run on demand::

    python benchmarks/bench_each_region.py --regions 100 --per-region 100
"""

# ruff: noqa: S603 - runs this interpreter on our own arguments

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 60.0  # issue 23, part 6


def make_workbook(out: Path, regions: int, per_region: int, seed: int) -> None:
    """The synthetic workbook of ``benchmarks/generate.py`` with ``per_region`` partners a region."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate

    import netmap

    generate.PARTNERS_PER_REGION = per_region  # the generator makes round(n / this) regions
    generate.Generator(regions * per_region, seed, netmap.load_roster()).generate().write(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--per-region", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--format", default="html", choices=("html", "md"))
    parser.add_argument("--data", default=None, help="keep the workbook and reports here (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(args.data) if args.data else Path(scratch)
        workbook = base / f"each-region-{args.regions}x{args.per_region}-s{args.seed}"
        if not (workbook / "partners.csv").exists():
            started = time.perf_counter()
            make_workbook(workbook, args.regions, args.per_region, args.seed)
            print(f"workbook {workbook.name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        out = base / "reports"
        command = [sys.executable, "-m", "netmap", "report", str(workbook), "--each-region", "-o", str(out)]
        command += ["--format", args.format, "--force", "--as-of", "2026-11-24"]
        for run in range(1, args.repeat + 1):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            took = time.perf_counter() - started
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return done.returncode
            files = sorted(out.iterdir())
            size = sum(p.stat().st_size for p in files) / 1e6
            print(
                f"run {run}: {args.regions} regions x {args.per_region} partners, {len(files)} files "
                f"({size:.0f} MB): {took:.1f} s; ratio to the {TARGET_S:.0f} s target {took / TARGET_S:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
