"""Tests of netmap._background: a forked worker gives the caller's result, faults or not."""

from __future__ import annotations

import os
import time

import pytest

from netmap import _background
from netmap._background import ENV, later, parallel_enabled, start

PARENT = os.getpid()

needs_fork = pytest.mark.skipif(not parallel_enabled(), reason="fork workers need Linux and two CPUs")


def in_worker() -> bool:
    return os.getpid() != PARENT


def square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def dies_in_the_worker() -> str:
    if in_worker():
        os._exit(3)  # a worker killed mid-way (out of memory, a crash in C code)
    return "computed by the caller"


def unpicklable_in_the_worker():
    if in_worker():
        return lambda: "no pickle for me"
    return "computed by the caller"


def sleeps_in_the_worker() -> str:
    if in_worker():
        time.sleep(600)
    return "done"


def appends(items: list[int]) -> int:
    items.append(1)
    return len(items)


@needs_fork
def test_the_result_comes_from_another_process():
    job = start(square_and_pid, 12)
    assert job.forked
    value, pid = job.result()
    assert value == 144 and pid != PARENT
    assert not job.forked  # collected: the worker is reaped


@needs_fork
def test_side_effects_stay_in_the_worker():
    items: list[int] = []
    assert start(appends, items).result() == 1
    assert items == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        ((int, "x"), ValueError, "invalid literal for int() with base 10: 'x'"),
        ((dict.__getitem__, {}, "k"), KeyError, "'k'"),
    ],
)
def test_an_exception_in_the_call_is_raised_in_the_caller(call, error, message):
    job = start(*call)
    with pytest.raises(error) as raised:
        job.result()
    assert str(raised.value) == message


@needs_fork
@pytest.mark.parametrize(
    "fn", [dies_in_the_worker, unpicklable_in_the_worker], ids=["worker-dies", "result-does-not-pickle"]
)
def test_a_failed_worker_leaves_the_work_to_the_caller(fn):
    job = start(fn)
    assert job.forked
    assert job.result() == "computed by the caller"


@needs_fork
def test_cancel_kills_and_reaps_the_worker():
    job = start(sleeps_in_the_worker)
    pid = job._pid
    job.cancel()
    assert not job.forked
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)
    job.cancel()  # a second cancel does nothing


@pytest.mark.parametrize("value", ["0", "off", "no", "false"])
def test_switched_off_by_the_environment(monkeypatch, value):
    monkeypatch.setenv(ENV, value)
    assert not parallel_enabled()
    job = start(square_and_pid, 3)
    assert not job.forked
    assert job.result() == (9, PARENT)


def test_no_fork_off_linux(monkeypatch):
    monkeypatch.setattr(_background.sys, "platform", "darwin")
    assert not parallel_enabled()


def test_later_computes_in_the_caller_when_asked():
    calls: list[int] = []
    job = later(appends, calls)
    assert calls == [] and not job.forked
    assert job.result() == 1 and calls == [1]
    job.cancel()  # nothing to cancel
