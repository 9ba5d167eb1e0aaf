"""Run one pure computation in a forked worker process while the caller goes on.

The layout of a large map is a pure function of its partner graph, already in memory:
on a two-core laptop it runs on the second core while the page's tooltips and edges are
made on the first. A forked child sees the parent's graph without pickling it; only the
result travels back, pickled, through a pipe. It is not free: every page of the map that
either process writes while the child lives (reference counts included) is copied, so
work that needs only arrays goes to :mod:`netmap._worker` instead, a fresh process that
shares nothing.

Where fork is not available or not safe (Windows, macOS), with a single CPU, or with
``NETMAP_PARALLEL=0`` in the environment, :func:`start` runs nothing and
:meth:`Pending.result` computes the value in the caller instead: the same result, no
second core. If the worker dies or its result cannot be pickled, the caller computes
it too, so a fault of the worker never changes the answer.

Examples
--------
>>> job = start(sum, [1, 2, 3])
>>> job.result()
6
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["Pending", "later", "parallel_enabled", "second_core", "start"]

ENV = "NETMAP_PARALLEL"


def second_core() -> bool:
    """Whether netmap may use a second process: two or more usable CPUs, and not switched
    off with ``NETMAP_PARALLEL=0`` (this module's forks and :mod:`netmap._worker` alike)."""
    if os.environ.get(ENV, "").strip().lower() in ("0", "false", "no", "off"):
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus >= 2


def parallel_enabled() -> bool:
    """Whether :func:`start` forks: Linux, and :func:`second_core`."""
    # macOS and Windows: fork is missing or unsafe once system frameworks are loaded.
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    return second_core()


class Pending:
    """A computation started by :func:`start`; :meth:`result` waits for it."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._call = (fn, args, kwargs)
        self._pid: int | None = None
        self._read: int | None = None
        self.forked = False  # whether a worker process is computing it

    def _inline(self) -> Any:
        fn, args, kwargs = self._call
        return fn(*args, **kwargs)

    def result(self) -> Any:
        """The value of the call (computed here if there is no worker or the worker failed).

        An exception raised by the call in the worker is raised here.
        """
        if not self.forked:
            return self._inline()
        payload = self._collect()
        if payload is None:
            return self._inline()  # the worker died or could not send its result
        ok, value = payload
        if ok:
            return value
        raise value

    def _collect(self) -> tuple[bool, Any] | None:
        read, pid = self._read, self._pid
        self.forked, self._read, self._pid = False, None, None
        if read is None or pid is None:
            return None
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if not data or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        try:
            return pickle.loads(data)  # noqa: S301 - written by our own forked child
        except Exception:  # noqa: BLE001 - an exception class the parent cannot rebuild
            return None

    def cancel(self) -> None:
        """Stop the worker, if any, and reap it (for when the caller gives up on the result)."""
        if not self.forked:
            return
        read, pid = self._read, self._pid
        self.forked, self._read, self._pid = False, None, None
        if read is None or pid is None:
            return
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(read)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def later(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Pending:
    """``fn(*args, **kwargs)``, computed in the caller when :meth:`Pending.result` is called.

    For work too small to be worth a process, behind the same interface as :func:`start`.

    >>> later(max, 3, 4).result()
    4
    """
    return Pending(fn, args, kwargs)


def start(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Pending:
    """Start ``fn(*args, **kwargs)`` in a forked worker (or defer it, see the module notes).

    ``fn`` must not change shared state: its side effects stay in the worker.

    Parameters
    ----------
    fn : callable
        A pure function whose result pickles.

    Returns
    -------
    Pending
        Call :meth:`Pending.result` for the value, or :meth:`Pending.cancel` to abandon it.
    """
    job = Pending(fn, args, kwargs)
    if not parallel_enabled():
        return job
    read, write = os.pipe()
    # Python 3.12+ warns about forking a process with threads (numpy's BLAS pool, the
    # analysis worker's pipe threads): the child runs Python and igraph code only, never
    # BLAS, touches no pipe of the worker, and exits with os._exit, so it does not apply.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the worker; coverage of it is not collected
        code = 1
        try:
            os.close(read)
            try:
                outcome: tuple[bool, Any] = (True, job._inline())
            except BaseException as exc:  # noqa: BLE001 - the caller raises it
                outcome = (False, exc)
            try:
                payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - cannot travel: exit 1, the caller computes it
                payload = b""
            if payload:
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
                code = 0
        finally:
            # No atexit handlers, no flushing of the parent's buffered output twice.
            os._exit(code)
    os.close(write)
    job._pid, job._read, job.forked = pid, read, True
    return job
