"""Tests of netmap._worker: a fresh process computing on arrays, and what its faults do."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from netmap._worker import ENV, Worker, WorkerError, enabled


@pytest.fixture
def worker():
    w = Worker.start()
    yield w
    w.close()


def test_parts_come_back_by_key(worker):
    parts = worker.submit("netmap._worker:echo", {"a": 1, "b": np.arange(3)}, keys=["a", "b"])
    assert parts["a"].result(timeout=60) == 1
    assert parts["b"].result(timeout=60).tolist() == [0, 1, 2]


def test_jobs_run_in_order_and_a_big_one_does_not_block(worker):
    # 40 MB through a 64 KB pipe: written from a thread while the worker reads it.
    big = np.arange(5_000_000, dtype=np.int64)
    first = worker.submit("netmap._worker:echo", {"big": big}, keys=["big"])
    second = worker.submit("netmap._worker:echo", {"small": "x"}, keys=["small"])
    assert second["small"].result(timeout=60) == "x"
    assert first["big"].done()
    assert int(first["big"].result().sum()) == int(big.sum())


def test_the_graph_job_computes_on_arrays(worker):
    # A path 0 - 1 - 2 and an isolated node 3.
    arguments = {"n": 4, "lo": np.array([0, 1]), "hi": np.array([1, 2]), "parts": [("cut_points",), ("components",)]}
    parts = worker.submit("netmap.analysis._offload:run_job", arguments, keys=[("cut_points",), ("components",)])
    assert parts["cut_points",].result(timeout=60) == [1]
    assert parts["components",].result(timeout=60) == [0, 0, 0, 1]


def test_a_failing_job_fails_its_parts_not_the_worker(worker):
    arguments = {"n": 2, "lo": np.array([0]), "hi": np.array([1]), "parts": [("cut_points",), ("no-such-part",)]}
    parts = worker.submit("netmap.analysis._offload:run_job", arguments, keys=[("cut_points",), ("no-such-part",)])
    assert parts["cut_points",].result(timeout=60) == []
    with pytest.raises(WorkerError, match="ValueError: unknown part"):
        parts["no-such-part",].result(timeout=60)
    assert worker.submit("netmap._worker:echo", {"after": 2}, keys=["after"])["after"].result(timeout=60) == 2


def test_only_named_jobs_run(worker):
    with pytest.raises(ValueError, match=r"unknown worker job 'os\.system'"):
        worker.submit("os.system", {}, keys=[])


def test_a_killed_worker_fails_what_it_owes(worker):
    os.kill(worker.pid, signal.SIGKILL)
    owed = worker.submit("netmap._worker:echo", {"a": 1}, keys=["a"])
    with pytest.raises(WorkerError):
        owed["a"].result(timeout=60)


def test_close_fails_what_is_still_pending():
    w = Worker.start()
    # A key the job never sends stays pending until the worker goes.
    pending = w.submit("netmap._worker:echo", {"a": 1}, keys=["never"])
    w.close()
    with pytest.raises(WorkerError, match=r"closed|stopped"):
        pending["never"].result(timeout=60)


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("off", False), ("no", False), ("1", True)])
def test_switched_off_by_environment(monkeypatch, value, expected):
    monkeypatch.setenv(ENV, value)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert enabled() is expected


def test_one_cpu_means_no_worker(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert enabled() is False


def test_ctrl_c_is_the_commands_to_handle(worker):
    """Ctrl-C reaches the whole process group: the worker leaves it to the command (which
    stops it), and does not print a traceback of its own."""
    # started and serving:
    assert worker.submit("netmap._worker:echo", {"a": 1}, keys=["a"])["a"].result(timeout=60) == 1
    os.kill(worker.pid, signal.SIGINT)
    assert worker.submit("netmap._worker:echo", {"b": 2}, keys=["b"])["b"].result(timeout=60) == 2


def test_a_prestarted_worker_is_the_one_the_next_start_takes():
    from netmap import _worker

    if not _worker.enabled():
        pytest.skip("no second CPU here: no worker is started at all")
    assert _worker.prestart()
    assert not _worker.prestart()  # one at a time
    ready = _worker._PRESTARTED
    worker = _worker.Worker.start()
    try:
        assert worker is ready and _worker._PRESTARTED is None
        assert worker.submit("netmap._worker:echo", {"a": 3}, keys=["a"])["a"].result(timeout=60) == 3
    finally:
        worker.close()
    other = _worker.Worker.start()  # none waiting: a new one
    try:
        assert other is not ready and other.pid != ready.pid
    finally:
        other.close()


def test_a_prestarted_worker_nobody_takes_is_stopped_at_exit():
    from netmap import _worker

    if not _worker.enabled():
        pytest.skip("no second CPU here: no worker is started at all")
    assert _worker.prestart()
    proc = _worker._PRESTARTED._proc
    _worker._close_prestarted()  # what atexit runs
    assert proc.poll() is not None and _worker._PRESTARTED is None


def test_no_worker_is_prestarted_where_workers_are_off(monkeypatch):
    from netmap import _worker

    monkeypatch.setenv(_worker.ENV, "0")
    assert not _worker.prestart() and _worker._PRESTARTED is None


def _imported(worker, modules):
    parts = worker.submit("netmap._worker:imported", {"modules": modules}, keys=modules)
    return {name: future.result(timeout=60) for name, future in parts.items()}


def test_a_worker_imports_the_jobs_it_is_told_to_expect_before_any_comes():
    # The analysis job's module (and networkx under it) is imported while the command reads
    # the workbook, not when the first job arrives.
    job = "netmap.analysis._offload"
    plain = Worker.start()
    try:
        assert _imported(plain, [job, "networkx"]) == {job: False, "networkx": False}
    finally:
        plain.close()
    warm = Worker.start(warm=[f"{job}:run_job"])
    try:
        assert _imported(warm, [job, "networkx"]) == {job: True, "networkx": True}
    finally:
        warm.close()


@pytest.mark.parametrize("name", ["os:system", "netmap.analysis._offload", "netmap:x; rm -rf", 7])
def test_only_netmap_job_names_reach_the_workers_command_line(name):
    with pytest.raises(ValueError, match="unknown worker job"):
        Worker.start(warm=[name])


def test_a_large_workbook_prestarts_a_worker_warmed_for_the_analysis_job(tmp_path, monkeypatch):
    from netmap import _worker, pipeline
    from netmap.analysis._offload import JOB

    if not _worker.enabled():
        pytest.skip("no second CPU here: no worker is started at all")
    monkeypatch.setattr(_worker, "_PRESTARTED", None)
    big = tmp_path / "partners.csv"
    big.write_bytes(b"id,name\n" + b"x" * pipeline.WORKER_EARLY_BYTES)
    assert pipeline.start_worker_for(tmp_path)
    worker = _worker.Worker.start()
    try:
        module = JOB.partition(":")[0]
        assert _imported(worker, [module]) == {module: True}
    finally:
        worker.close()
