"""netmap.store.lock: loads of one map, raced on a real engine, leave one whole workbook.

Loads run in threads (each with a connection of its own) and as real ``netmap load``
processes, started at staggered moments; a lock holder is killed with SIGKILL; a load is
held still in the middle of its batches (the one fault injected: a real load cannot be
paused on cue at a given batch).
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import networkx as nx
import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.errors import StoreError, UsageError
from netmap.model import NODE_LABELS, REL_TYPES
from netmap.store import list_versions, load_map, read_map
from netmap.store.engines import Engine
from netmap.store.lock import MapBusy, hold
from netmap.store.rows import graph_rows
from tests.conftest import EXAMPLES, ROOT
from tests.store.test_store_load import FailingEngine

WORKBOOKS = ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"]
# What a load that gave up prints (CLI) or raises (library): one line naming the other load.
BUSY = re.compile(
    r"map '[^']+' is in use by netmap load of '[^']+' \(process \d+ on [^,]+, started [0-9T:Z-]+\); "
    r"gave up after waiting \d+ s \(wait longer with --wait SECONDS\)"
)

WAITING = re.compile(
    r"netmap: map '[^']+' is in use by netmap load of '[^']+' \(process \d+ on [^,]+, started [0-9T:Z-]+\); "
    r"waiting up to 60 s \(--wait\)"
)


def canonical(G: nx.MultiDiGraph) -> tuple:
    """Everything a map says, in an order-free form; the map's name left out."""

    def clean(attrs: dict) -> tuple:
        return tuple(sorted((k, repr(v)) for k, v in attrs.items() if v is not None and k != "map_id"))

    return (
        tuple(sorted((n, clean(d)) for n, d in G.nodes(data=True))),
        tuple(sorted((u, v, str(k), clean(d)) for u, v, k, d in G.edges(keys=True, data=True))),
    )


@pytest.fixture(scope="module")
def inputs() -> dict[str, nx.MultiDiGraph]:
    return {name: netmap.read_graph(EXAMPLES / name) for name in WORKBOOKS}


def cli_env(target) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if target.server.password:
        env["NEO4J_PASSWORD"] = target.server.password
    return env


def cli_args(target) -> list[str]:
    return [*target.cli_args, *(["--user", target.server.user] if target.server.user else [])]


def version_nodes(engine: Engine, name: str, G: nx.MultiDiGraph) -> int:
    """Nodes of the map's versions holding ``G``: kept ones found by fingerprint, staged ones by id."""
    from netmap.store.load import _version_id

    fingerprint = graph_rows(G).fingerprint()
    sizes = {r["version"]: r["nodes"] for r in engine.run("store/version_sizes", {"map": name})}
    kept = {v["version"]: v["fingerprint"] for v in list_versions(engine, name)}
    ids = {v for v, f in kept.items() if f == fingerprint}
    # A staged version's id is its content's and the version current when it started.
    ids |= {_version_id(fingerprint, p, set()) for p in [None, *sizes, *kept]} - set(kept)
    return sum(sizes.get(v, 0) for v in ids)


def load_in_thread(target, G, name: str, delay: float, wait: float, outcomes: dict, i: int, waited: list) -> None:
    """Load ``G`` after ``delay`` seconds on a connection of its own; note how it ended, and if it waited."""
    time.sleep(delay)
    try:
        with target.connect() as engine:
            load_map(G, engine, map_name=name, batch_size=5, wait=wait, on_wait=lambda *_: waited.append(i))
        outcomes[i] = "ok"
    except MapBusy as exc:
        outcomes[i] = ("busy", str(exc))
    except Exception as exc:  # any other outcome fails the test
        outcomes[i] = ("error", repr(exc))


def start_cli_load(target, workbook: str, name: str, wait: float) -> tuple[subprocess.Popen, list[str]]:
    """``netmap load`` as a process; its stderr lines gathered (as they come) into the list returned."""
    command = [sys.executable, "-m", "netmap", "load", str(EXAMPLES / workbook), "--uri", target.server.uri]
    command += ["--map", name, "--batch-size", "5", "--wait", f"{wait:g}", *cli_args(target)]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=cli_env(target)
    )
    lines: list[str] = []

    def gather() -> None:
        for line in process.stderr:
            lines.append(line.rstrip("\n"))

    threading.Thread(target=gather, daemon=True).start()
    return process, lines


def test_racing_loads_leave_the_map_one_whole_workbook(target, inputs):
    """Ten rounds of three loads (two threads, one process) of one map.

    A load of an example takes a tenth of a second, so starting loads a moment apart
    races them only by luck. In even rounds the test holds the map's lock until all three
    have found it held and said so, then lets go: the three race for it from there, every
    time. In odd rounds they start staggered, one of them not waiting, and race or not as
    the timing falls. Either way the map ends as exactly one whole workbook.
    """
    name = target.name("raced")
    expected = {wb: canonical(G) for wb, G in inputs.items()}
    whole = {graph_rows(G).fingerprint(): G.number_of_nodes() for G in inputs.values()}
    started = time.monotonic()
    for round_no in range(10):
        pick = random.Random(round_no)  # the same orders and delays on every run
        order = pick.sample(WORKBOOKS, 3)
        gated = round_no % 2 == 0
        waits = [60.0, 60.0, 60.0]
        if gated:
            delays = [0.0, pick.uniform(0.0, 0.2), 0.0]
        else:
            # The process spends about a second starting and reading its workbook; the
            # threads start around then, the gap between them growing over the rounds.
            # One load (a thread or the process, in turn) does not wait: it must fail
            # cleanly or find the map free.
            base = pick.uniform(0.5, 1.2)
            delays = [base, base + (round_no % 5) * 0.08, 0.0]
            waits[(round_no // 2) % 3] = 0.0
        outcomes: dict[int, object] = {}
        waited: list[int] = []  # the loads (0, 1: threads, 2: process) that found the lock held and waited

        gate = contextlib.ExitStack()
        if gated:
            engine = gate.enter_context(target.connect())
            gate.enter_context(hold(engine, name, what="netmap load of 'gate.xlsx'", wait=0))
        with gate:
            threads = [
                threading.Thread(
                    target=load_in_thread, args=(target, inputs[wb], name, delays[i], waits[i], outcomes, i, waited)
                )
                for i, wb in enumerate(order[:2])
            ]
            for thread in threads:
                thread.start()
            process, stderr = start_cli_load(target, order[2], name, waits[2])
            if gated:
                deadline = time.monotonic() + 60
                while not (len(waited) == 2 and stderr) and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert sorted(waited) == [0, 1] and len(stderr) == 1, (round_no, waited, stderr, outcomes)
                assert WAITING.fullmatch(stderr[0]) and "gate.xlsx" in stderr[0], stderr
        # The gate is released: the three race for the lock now.
        returncode = process.wait(120)
        for thread in threads:
            thread.join(120)
        outcomes[2] = "ok" if returncode == 0 else ("exit", returncode, "\n".join(stderr))
        if returncode == 0:  # on stderr at most the line that says it waited
            assert all(WAITING.fullmatch(line) for line in stderr), stderr
            waited += [2] * bool(stderr)
        if gated:  # each found the gate held, and said so once
            assert sorted(waited) == [0, 1, 2], (round_no, waited)

        for i, wb in enumerate(order):
            outcome = outcomes[i]
            if outcome == "ok":
                continue
            assert outcome[0] in ("busy", "exit"), (round_no, wb, outcome)
            assert waits[i] == 0, (round_no, wb, outcome)  # a load that waits 60 s never gives up here
            if outcome[0] == "exit":
                assert outcome[1] == 1 and len(outcome[2].strip().splitlines()) == 1, outcome
                assert BUSY.search(outcome[2]), outcome[2]
            else:
                assert BUSY.fullmatch(outcome[1]), outcome[1]
        succeeded = [wb for i, wb in enumerate(order) if outcomes[i] == "ok"]
        assert len(succeeded) >= 2, (round_no, outcomes)
        with target.connect() as engine:
            got = canonical(read_map(engine, name))
            matches = [wb for wb, want in expected.items() if got == want]
            assert matches, f"round {round_no}: the map is none of the workbooks (empty or mixed)"
            assert matches[0] in succeeded, (round_no, matches, succeeded)
            # Every version left is a kept one, and whole: none half-way, none abandoned.
            sizes = {r["version"]: r["nodes"] for r in engine.run("store/version_sizes", {"map": name})}
            kept = list_versions(engine, name)
            assert set(sizes) == {v["version"] for v in kept}, round_no
            assert all(sizes[v["version"]] == whole[v["fingerprint"]] for v in kept), round_no
    assert time.monotonic() - started < 90


HOLD_AND_SLEEP = """
import sys, time
from netmap.store import connect
from netmap.store.lock import hold
uri, database, name = sys.argv[1:4]
with connect(uri, database=database or None) as engine:
    engine.apply_schema()
    with hold(engine, name, what="netmap load of 'killed.xlsx'", lease=2.0):
        print("held", flush=True)
        time.sleep(600)
"""


def test_a_killed_loads_lock_expires_and_the_next_load_waits_for_it(target, tmp_path, inputs):
    name = target.name("killed")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_SLEEP, target.server.uri, target.database or "", name],
        stdout=subprocess.PIPE,
        text=True,
        env=cli_env(target),
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        time.sleep(2.5)  # longer than the lease: the living holder renews it meanwhile
        load = [sys.executable, "-m", "netmap", "load", str(EXAMPLES / WORKBOOKS[0]), "--uri", target.server.uri]
        load += ["--map", name, *cli_args(target)]
        refused = subprocess.run(
            [*load, "--wait", "0"], capture_output=True, text=True, env=cli_env(target), timeout=60
        )
        assert refused.returncode == 1
        line = refused.stderr.strip()
        assert "\n" not in line and line.startswith(f"netmap: map '{name}' is in use by netmap load of ")
        assert BUSY.search(line) and f"'killed.xlsx' (process {holder.pid} on " in line
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    killed = time.monotonic()
    waited = subprocess.run([*load, "--wait", "30"], capture_output=True, text=True, env=cli_env(target), timeout=60)
    assert waited.returncode == 0, waited.stderr
    assert time.monotonic() - killed < 2.0 + 5  # the lease, and the load itself
    assert f"is in use by netmap load of 'killed.xlsx' (process {holder.pid} on " in waited.stderr
    assert "waiting up to 30 s (--wait)" in waited.stderr
    with target.connect() as engine:
        assert canonical(read_map(engine, name)) == canonical(inputs[WORKBOOKS[0]])


class PausingEngine(Engine):
    """The real engine, with a load that stops before its k-th loader batch until released.

    ``renewals`` off also holds back the lock's renewals meanwhile, as in a process that
    is stopped (SIGSTOP, a frozen machine).
    """

    def __init__(self, inner: Engine, pause_at: int, *, renewals: bool = True):
        self.inner, self.pause_at, self.label, self.renewals = inner, pause_at, inner.label, renewals
        self.loads = 0
        self.paused, self.go = threading.Event(), threading.Event()

    def _run(self, stmt, params, *, write):
        if stmt.name.startswith("load/"):
            self.loads += 1
            if self.loads == self.pause_at:
                self.paused.set()
                self.go.wait(60)
        if stmt.name == "store/lock_renew" and not self.renewals:
            self.go.wait(60)
        return self.inner._run(stmt, params, write=write)

    def apply_schema(self):
        self.inner.apply_schema()

    def close(self):
        pass


def test_deleting_stale_versions_keeps_the_current_one_and_one_being_written(target, inputs):
    name = target.name("stale")
    current, abandoned, writing = (inputs[wb] for wb in WORKBOOKS)
    with target.connect() as engine, target.connect() as other:
        load_map(current, engine, map_name=name, batch_size=10)
        with pytest.raises(StoreError, match=r"^batch 4 of "):  # leaves 3 batches of a version behind
            load_map(abandoned, FailingEngine(engine, 4), map_name=name, batch_size=10)
        assert version_nodes(engine, name, abandoned) == 30
        paused = PausingEngine(other, pause_at=6)
        result: dict[str, object] = {}

        def run() -> None:
            try:
                result["summary"] = load_map(writing, paused, map_name=name, batch_size=10)
            except Exception as exc:
                result["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        assert paused.paused.wait(30)
        # What any load does after its switch, while another load is part way through.
        while engine.run("store/delete_stale", {"map": name, "limit": 7}, write=True)[0]["deleted"]:
            pass
        assert version_nodes(engine, name, current) == current.number_of_nodes()  # current: whole
        assert version_nodes(engine, name, writing) == 50  # being written: the 5 batches sent
        assert version_nodes(engine, name, abandoned) == 0  # abandoned: gone
        assert canonical(read_map(engine, name)) == canonical(current)
        with pytest.raises(MapBusy) as busy:
            load_map(abandoned, engine, map_name=name, wait=0)
        assert BUSY.fullmatch(str(busy.value)) and "netmap load of 'four-state-coalitions'" in str(busy.value)
        paused.go.set()
        thread.join(60)
        assert "error" not in result, result
        assert canonical(read_map(engine, name)) == canonical(writing)
        assert version_nodes(engine, name, current) == current.number_of_nodes()  # kept, as version 1
        assert version_nodes(engine, name, writing) == writing.number_of_nodes()
        assert version_nodes(engine, name, abandoned) == 0


def test_a_load_that_lost_its_lock_switches_nothing(target, inputs):
    """A load stalled past its lease is overtaken; when it resumes it fails and changes nothing."""
    name = target.name("overtaken")
    stalled_wb, winner_wb = inputs[WORKBOOKS[0]], inputs[WORKBOOKS[1]]
    with target.connect() as engine, target.connect() as other:
        stalled = PausingEngine(other, pause_at=3, renewals=False)
        result: dict[str, object] = {}

        def run() -> None:
            try:
                result["summary"] = load_map(stalled_wb, stalled, map_name=name, batch_size=10, lease=1.0)
            except Exception as exc:
                result["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        assert stalled.paused.wait(30)
        waited: list[str] = []
        summary = load_map(
            winner_wb, engine, map_name=name, batch_size=10, wait=30, on_wait=lambda m, h, w: waited.append(h)
        )
        assert summary.written and waited and waited[0].startswith("netmap load of 'tucson-behavioral-health' (")
        stalled.go.set()
        thread.join(60)
        error = result.get("error")
        assert isinstance(error, StoreError), result
        assert str(error) == (
            f"map '{name}': this load's lock expired (no renewal for 1 s) and another load may have taken it; "
            "the map was not switched to this workbook; run the load again"
        )
        assert canonical(read_map(engine, name)) == canonical(winner_wb)
        assert version_nodes(engine, name, winner_wb) == winner_wb.number_of_nodes()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "--wait must be a number of seconds, 0 or more, not nan"),
        ("inf", "--wait must be a number of seconds, 0 or more, not inf"),
        ("-1", "Invalid value for '--wait'"),
    ],
)
def test_wait_must_be_a_finite_number_of_seconds(target, value, message):
    result = CliRunner().invoke(
        app,
        [
            "load",
            str(EXAMPLES / WORKBOOKS[0]),
            "--uri",
            target.server.uri,
            "--map",
            target.name("w"),
            "--wait",
            value,
            *cli_args(target),
        ],
        env={"NEO4J_PASSWORD": target.server.password} if target.server.password else None,
    )
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_hold_refuses_a_lease_of_nothing(engine):
    with pytest.raises(UsageError, match="lease must be more than 0 seconds"):
        with hold(engine, "m", what="x", lease=0):
            pass


def test_a_drop_waits_for_a_load_and_the_map_stays_whole_or_gone(target, inputs):
    name = target.name("dropped")
    with target.connect() as engine, target.connect() as other:
        load_map(inputs[WORKBOOKS[0]], engine, map_name=name)
        paused = PausingEngine(other, pause_at=3)
        thread = threading.Thread(
            target=load_map, args=(inputs[WORKBOOKS[1]], paused), kwargs={"map_name": name, "batch_size": 10}
        )
        thread.start()
        assert paused.paused.wait(30)
        with pytest.raises(MapBusy, match=r"^map '[^']+' is in use by netmap load of 'oregon-pathways-alliance'"):
            netmap.store.drop_map(engine, name, wait=0)
        timer = threading.Timer(0.3, paused.go.set)
        timer.start()
        # Both versions go: the first and the one the load had switched to.
        dropped = inputs[WORKBOOKS[0]].number_of_nodes() + inputs[WORKBOOKS[1]].number_of_nodes()
        assert netmap.store.drop_map(engine, name, wait=30) == dropped
        thread.join(60)
        with pytest.raises(UsageError, match="has no map"):
            read_map(engine, name)


class SwitchingEngine(Engine):
    """The real engine; once, right after the first label is read, another load switches the map."""

    def __init__(self, inner: Engine, switch: Callable[[], object]):
        self.inner, self.label, self.switch, self.reads = inner, inner.label, switch, 0

    def _run(self, stmt, params, *, write):
        out = self.inner._run(stmt, params, write=write)
        if stmt.name.startswith("read/"):
            self.reads += 1
            if self.reads == 1:
                self.switch()
        return out

    def apply_schema(self):
        self.inner.apply_schema()

    def close(self):
        pass


def test_a_read_while_a_load_switches_the_map_is_of_one_version(target, inputs):
    name = target.name("switched")
    before, after = inputs[WORKBOOKS[0]], inputs[WORKBOOKS[1]]
    with target.connect() as engine, target.connect() as other:
        load_map(before, engine, map_name=name)
        reader = SwitchingEngine(engine, lambda: load_map(after, other, map_name=name))
        got = read_map(reader, name)
        # The partners were read from the old version, then the map changed: read again, whole.
        assert canonical(got) == canonical(after)
        assert reader.reads == 2 * len(NODE_LABELS + REL_TYPES)  # every label and type, twice
