"""One writer per map: the load lock that serialises loads (and drops) of one map.

Two loads into one map at once would each stage a version and switch the map to it; the
map must end as one whole workbook, never empty or mixed. So a load first takes the map's
``(:LoadLock {map})`` node:

* **Taking it** is one conditional statement (``store/lock_acquire``): the lock is taken
  when it is free, has expired, or is already the caller's, and the statement returns
  whether it was and who holds it. The owner is a random token of this load; ``holder``
  says who it is (command, workbook, host, process, start time) for the message another
  load shows.
* **A lease, renewed**: the lock expires ``lease`` seconds after it was last renewed, by
  the server's clock. A thread renews it while the load runs, so a long load keeps it and
  a killed one (SIGKILL, a lost machine) lets it go by itself.
* **Waiting**: a load that finds the lock held polls until it is free, for at most
  ``wait`` seconds, then fails with :class:`MapBusy` naming the other load.
* **Compare-and-set**: the version switch (``store/map_set``) happens only while the
  caller still holds the lock, and stale-version deletion (``store/delete_stale``) spares
  the current version and the version a live holder is writing.

Examples
--------
>>> # with connect(uri) as engine, hold(engine, "tucson", what="netmap load of 'book'") as lock:
>>> #     ...write...; lock.ensure()
>>> describe_holder("netmap load of 'book'", pid=42, host="h", started="2026-01-01T00:00:00Z")
"netmap load of 'book' (process 42 on h, started 2026-01-01T00:00:00Z)"
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator

from netmap.errors import StoreError, UsageError
from netmap.store.engines import Engine

__all__ = ["DEFAULT_LEASE", "DEFAULT_WAIT", "LoadLock", "MapBusy", "describe_holder", "hold"]

#: Seconds a load waits for another load of the same map to finish before it gives up.
DEFAULT_WAIT = 60.0
#: Seconds a lock holds without renewal: how long a killed load blocks the map. Shorter
#: than the default wait, so a load that finds a killed load's lock gets the map.
DEFAULT_LEASE = 30.0

# Called once when a load starts waiting: (map name, the other load, seconds it will wait).
OnWait = Callable[[str, str, float], None]


class MapBusy(StoreError):
    """Another load held the map's lock for longer than the caller would wait (exit 1)."""


def describe_holder(what: str, *, pid: int | None = None, host: str | None = None, started: str | None = None) -> str:
    """Who holds a lock, in words another load can print."""
    pid = os.getpid() if pid is None else pid
    host = socket.gethostname() if host is None else host
    if started is None:
        started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{what} (process {pid} on {host}, started {started})"


def _seconds(value: float, option: str) -> float:
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise UsageError(f"{option} must be a number of seconds, 0 or more, not {value!r}")
    return float(value)


class LoadLock:
    """A held load lock of one map; renewed by a thread until :meth:`release`.

    Use :func:`hold` rather than this class directly.
    """

    def __init__(self, engine: Engine, name: str, owner: str, lease: float, holder: str = ""):
        self.engine, self.name, self.owner, self.lease, self.holder = engine, name, owner, lease, holder
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew_loop, name="netmap-load-lock", daemon=True)
        self._thread.start()

    def _lease_ms(self) -> int:
        return max(1, round(self.lease * 1000))

    def renew(self) -> bool:
        """Extend the lease now; False (and :attr:`lost` set) when the lock is no longer ours."""
        renewed = self.engine.run(
            "store/lock_renew", {"map": self.name, "owner": self.owner, "lease": self._lease_ms()}, write=True
        )[0]["renewed"]
        if not renewed:
            self.lost = True
        return bool(renewed)

    def _renew_loop(self) -> None:
        # A third of the lease: two renewals may fail (a slow statement, a dropped
        # connection the driver retries) before the lock lapses.
        while not self._stop.wait(self.lease / 3):
            try:
                if not self.renew():
                    return
            except StoreError:
                continue  # the next try may get through; if none does, the lease runs out

    def ensure(self) -> None:
        """Raise :class:`~netmap.errors.StoreError` if the lock has been lost."""
        if self.lost:
            raise StoreError(self.lost_message())

    def lost_message(self) -> str:
        return (
            f"map {self.name!r}: this load's lock expired (no renewal for {self.lease:g} s) and another load "
            f"may have taken it; the map was not switched to this workbook; run the load again"
        )

    def announce(self, loading: str) -> None:
        """Say which version this holder writes, once it knows (stale deletion spares it).

        The lock is ours, so taking it again only renews it and records ``loading``.
        """
        if not _try(self.engine, self.name, self.owner, self.holder, loading, self.lease)["acquired"]:
            self.lost = True
            self.ensure()

    def release(self) -> None:
        """Stop renewing and give the lock back (if it is still ours)."""
        self._stop.set()
        self._thread.join()
        with contextlib.suppress(StoreError):  # unreleased, it expires by itself
            self.engine.run("store/lock_release", {"map": self.name, "owner": self.owner}, write=True)


def _try(engine: Engine, name: str, owner: str, holder: str, loading: str | None, lease: float) -> dict:
    params = {"map": name, "owner": owner, "holder": holder, "loading": loading, "lease": max(1, round(lease * 1000))}
    return engine.run("store/lock_acquire", params, write=True)[0]


@contextlib.contextmanager
def hold(
    engine: Engine,
    name: str,
    *,
    what: str,
    loading: str | None = None,
    wait: float = DEFAULT_WAIT,
    lease: float = DEFAULT_LEASE,
    on_wait: OnWait | None = None,
) -> Iterator[LoadLock]:
    """Hold the load lock of map ``name`` for the ``with`` block, waiting up to ``wait`` s.

    Parameters
    ----------
    engine : Engine
        An open connection; the schema (the lock's uniqueness constraint) must be applied.
    name : str
        The map.
    what : str
        What the caller is doing ("netmap load of 'book.xlsx'"), shown to a load that waits.
    loading : str, optional
        The version the caller writes: stale-version deletion leaves it alone while the
        lock is live.
    wait : float
        Seconds to wait for another holder; 0 fails at once.
    lease : float
        Seconds the lock holds without renewal (renewed every third of it).
    on_wait : callable, optional
        Called once, when the lock is found held: ``(name, holder, wait)``.

    Raises
    ------
    MapBusy
        Another load still held the lock after ``wait`` seconds (the message names it).
    UsageError
        ``wait`` or ``lease`` is not a finite number of seconds (``lease`` must be > 0).

    Examples
    --------
    >>> # with hold(engine, "tucson", what="netmap load of 'book'", wait=5) as lock: ...
    """
    wait = _seconds(wait, "--wait")
    lease = _seconds(lease, "lease")
    if lease <= 0:
        raise UsageError("lease must be more than 0 seconds")
    owner = secrets.token_hex(16)
    holder = describe_holder(what)
    deadline = time.monotonic() + wait
    pause = 0.05
    told = False
    while True:
        got = _try(engine, name, owner, holder, loading, lease)
        if got["acquired"]:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            raise MapBusy(
                f"map {name!r} is in use by {got['holder']}; gave up after waiting {wait:g} s "
                f"(wait longer with --wait SECONDS)"
            )
        if not told and on_wait is not None:
            on_wait(name, str(got["holder"]), wait)
        told = True
        # Poll faster at first (loads of small maps are short), at most once a second; the
        # jitter keeps several waiting loads from asking in lockstep.
        time.sleep(min(left, pause * random.uniform(0.5, 1.5)))  # noqa: S311 - not for security
        pause = min(pause * 2, 1.0)
    lock = LoadLock(engine, name, owner, lease, holder)
    try:
        yield lock
    finally:
        lock.release()
