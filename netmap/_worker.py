"""A fresh Python process that computes on arrays while this one goes on.

The fast paths of a large map spend seconds in C code (igraph's betweenness, Louvain,
the brokerage census in numpy) on nothing but arrays of node indexes. A forked child
could compute them beside the caller, but a child forked from a process holding a
100,000-partner graph pays for it: every page of the graph that either process touches
afterwards is copied (measured: the brokers took 10 s in a forked child against 7 s in
the parent, a third of it in the kernel). This worker is a new interpreter instead: it
shares nothing, receives the arrays (a few megabytes, pickled through a pipe) and sends
back arrays, part by part, as each is ready.

A job is a function of netmap named ``"module:function"`` (only names under the
``netmap`` package are accepted, checked by :func:`job_function`, so the pipe cannot
name other code, and this module knows no analysis by name). It is a generator of
``(key, value)`` parts; :meth:`Worker.submit` returns one :class:`concurrent.futures.Future`
per key. If the worker cannot start, dies, or a part fails, the futures fail and the caller
computes the value itself (:func:`netmap.analysis._common.cached` does), so a fault of the
worker never changes an answer. ``NETMAP_PARALLEL=0`` or a single CPU: no worker at all.

Examples
--------
>>> worker = Worker.start()
>>> parts = worker.submit("netmap._worker:echo", {"a": 1, "b": 2}, keys=["a", "b"])
>>> parts["b"].result(timeout=60)
2
>>> worker.close()
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, BinaryIO

from netmap._background import ENV, second_core

__all__ = ["ENV", "Worker", "WorkerError", "echo", "enabled", "imported", "job_function", "prestart", "prestarted"]


# The worker's first argument when it is to run its first job before warming its imports.
AFTER_FIRST = "--after-first"


class WorkerError(RuntimeError):
    """The worker could not compute a part (it died, or the part raised there)."""


def enabled() -> bool:
    """Whether a worker may be started: two or more usable CPUs, not switched off with
    ``NETMAP_PARALLEL=0`` (see :func:`netmap._background.second_core`)."""
    return second_core()


def echo(**values: Any) -> Iterator[tuple[str, Any]]:
    """A job for tests: each keyword back as a part."""
    yield from values.items()


def imported(*, modules: list[str]) -> Iterator[tuple[str, bool]]:
    """A job for tests: whether each of ``modules`` is imported in the worker."""
    for name in modules:
        yield name, name in sys.modules


_JOB_NAME = re.compile(r"netmap(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*")


def _check_names(names: Sequence[str]) -> None:
    for name in names:
        if not isinstance(name, str) or not _JOB_NAME.fullmatch(name):
            raise ValueError(f"unknown worker job {name!r}")


def job_function(name: str) -> Callable[..., Iterator[tuple[Any, Any]]]:
    """The function a job name (``"netmap.some.module:function"``) stands for.

    Raises
    ------
    ValueError
        The name is not of that form, or names nothing.

    >>> job_function("netmap._worker:echo") is echo
    True
    """
    _check_names([name])
    module, _, function = name.partition(":")
    try:
        found = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"unknown worker job {name!r}") from exc
    if not callable(found):
        raise ValueError(f"unknown worker job {name!r}")
    return found


class Worker:
    """One worker process; jobs run one after the other in the order submitted."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._proc = proc
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()  # one job's bytes at a time on the pipe
        self._pending: dict[tuple[int, Any], Future[Any]] = {}
        self._jobs = 0
        self._reader = threading.Thread(target=self._read, name="netmap-worker-reader", daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, *, warm: Sequence[str] = ()) -> Worker:
        """Start a worker process (it imports numpy and igraph, and the modules of the jobs
        named in ``warm``, while the caller goes on), or hand over the one :func:`prestart`
        started."""
        global _PRESTARTED
        _check_names(warm)
        ready, _PRESTARTED = _PRESTARTED, None
        if ready is not None and ready._proc.poll() is None:
            return ready
        return cls._spawn(warm)

    @classmethod
    def _spawn(cls, warm: Sequence[str] = (), *, after_first: bool = False) -> Worker:
        _check_names(warm)
        env = dict(os.environ)
        # The child must import this same netmap, installed or not.
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        # This interpreter, a fixed module and job names of the netmap package (checked
        # above): nothing from the data reaches the command line.
        proc = subprocess.Popen(  # noqa: S603 - the names are checked against _JOB_NAME
            [sys.executable, "-m", "netmap._worker", *([AFTER_FIRST] if after_first else []), *warm],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        return cls(proc)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def submit(self, job: str, arguments: dict[str, Any], *, keys: list[Any]) -> dict[Any, Future[Any]]:
        """Send ``job_function(job)(**arguments)`` to the worker; a future for each part in ``keys``."""
        job_function(job)  # an unknown name fails here, in the caller, not in the worker
        with self._lock:
            number = self._jobs
            self._jobs += 1
            futures = {key: Future() for key in keys}
            for key, future in futures.items():
                self._pending[number, key] = future
        if not self._reader.is_alive():  # the worker is gone: the caller computes them
            self._fail_all("the worker has stopped")
            return futures
        payload = pickle.dumps((number, job, arguments), protocol=pickle.HIGHEST_PROTOCOL)
        # Written from a thread: the pipe holds 64 KB and the worker may still be starting.
        threading.Thread(target=self._write, args=(payload,), name="netmap-worker-writer", daemon=True).start()
        return futures

    def _write(self, payload: bytes) -> None:
        stdin = self._proc.stdin
        try:
            if stdin is None:
                raise OSError("no pipe to the worker")
            with self._write_lock:
                stdin.write(len(payload).to_bytes(8, "little"))
                stdin.write(payload)
                stdin.flush()
        except (OSError, ValueError):
            self._fail_all("the worker did not take its job")

    def _read(self) -> None:
        stdout = self._proc.stdout
        why = "the worker stopped before sending this part"
        try:
            while stdout is not None:
                message = _receive(stdout)
                if message is None:
                    break
                number, key, ok, value = message
                if not ok:  # the job failed: its parts not sent yet are computed by the caller
                    with self._lock:
                        failed = [k for k in self._pending if k[0] == number]
                        futures = [self._pending.pop(k) for k in failed]
                    for future in futures:
                        future.set_exception(WorkerError(value))
                    continue
                with self._lock:
                    future = self._pending.pop((number, key), None)
                if future is not None:  # else a part nobody asked for
                    future.set_result(value)
        except Exception as exc:  # noqa: BLE001 - a broken pipe or message: the caller computes it
            why = f"the worker's reply could not be read ({type(exc).__name__}: {exc})"
        finally:
            self._fail_all(why)

    def _fail_all(self, why: str) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(WorkerError(why))

    def close(self) -> None:
        """Stop the worker (whatever it is doing) and reap it."""
        proc = self._proc
        with contextlib.suppress(OSError, ValueError):
            if proc.stdin is not None:
                proc.stdin.close()
        if proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        self._reader.join(timeout=10)
        with contextlib.suppress(OSError, ValueError):
            if proc.stdout is not None:
                proc.stdout.close()
        self._fail_all("the worker was closed")


_PRESTARTED: Worker | None = None


def prestart(*, warm: Sequence[str] = (), after_first: bool = False) -> bool:
    """Start a worker now, for the next :meth:`Worker.start` to take; whether one was started.

    A worker takes a few tenths of a second to start (a new interpreter importing numpy and
    igraph, and the modules of the jobs named in ``warm``): a command that knows early it
    will want one (a large workbook, before it is read) starts it then, so it is ready, its
    job's imports done, when the analysis sends its first job. ``after_first``: the caller
    sends a job at once (:func:`prestarted`), which the worker runs before those imports
    (until the first job comes, it imports nothing). Nothing is
    started where :func:`enabled` is false; a worker nobody takes is stopped at exit (or sees
    its pipe close when the process ends).

    >>> if prestart():
    ...     worker = Worker.start()  # the one already running
    ...     worker.close()
    """
    global _PRESTARTED
    if _PRESTARTED is not None or not enabled():
        return False
    try:
        _PRESTARTED = Worker._spawn(warm, after_first=after_first)
    except OSError:
        return False
    atexit.register(_close_prestarted)
    return True


def prestarted() -> Worker | None:
    """The worker :func:`prestart` started, still waiting for :meth:`Worker.start` to take it
    (None if there is none, or it has stopped). Jobs may be sent to it meanwhile: they run
    before those of whoever takes it.

    >>> prestarted() is None or prestarted().pid > 0
    True
    """
    ready = _PRESTARTED
    return ready if ready is not None and ready._proc.poll() is None else None


def _close_prestarted() -> None:
    global _PRESTARTED
    ready, _PRESTARTED = _PRESTARTED, None
    if ready is not None:
        ready.close()


def _receive(stream: BinaryIO) -> Any:
    """One length-prefixed pickle from ``stream``; None at the end of it."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    body = stream.read(size)
    if len(body) < size:
        return None
    return pickle.loads(body)  # noqa: S301 - written by our own worker or parent


def _send(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "little"))
    stream.write(data)
    stream.flush()


def main() -> None:  # pragma: no cover - runs in the worker process
    """The worker's loop: read a job, send its parts, until the pipe closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Whatever a library prints must not corrupt the messages.
    sys.stdout = sys.stderr
    # Ctrl-C reaches the whole process group: the command handles it and stops this worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The jobs make big lists of small objects and no cycles: the cyclic collector would
    # walk them over and over (building an igraph graph of 500,000 edges: 3 s instead of 0.2 s).
    gc.disable()
    # Warm the imports the analysis jobs need while the parent is still reading: the arrays'
    # libraries, and the modules of the jobs the parent said it will send (their imports,
    # networkx and the analyses, took a quarter of a second of a 10,000-partner analysis
    # when they waited for the first job).
    # A parent that sends a job at once (netmap.ingest.ahead: a file to read while it reads
    # the others) asks for that job to come first, the warming after it.
    after_first = sys.argv[1:2] == [AFTER_FIRST]
    names = sys.argv[2:] if after_first else sys.argv[1:]

    def warm() -> None:
        with contextlib.suppress(ImportError):
            import igraph  # noqa: F401
            import numpy  # noqa: F401
        for name in names:
            with contextlib.suppress(ValueError):
                job_function(name)

    if not after_first:
        warm()
    while True:
        message = _receive(stdin)
        if message is None:
            return
        number, job, arguments = message
        try:
            for key, value in job_function(job)(**arguments):
                _send(stdout, (number, key, True, value))
        except BrokenPipeError:
            return
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which computes it
            _send(stdout, (number, None, False, f"{type(exc).__name__}: {exc}"))
        if after_first:
            after_first = False
            gc.collect()  # what reading a file left in cycles (pandas' frames), before the arrays come
            warm()


if __name__ == "__main__":  # pragma: no cover
    main()
