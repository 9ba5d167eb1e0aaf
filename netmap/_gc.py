"""Pause Python's cyclic garbage collector while a stage builds millions of objects.

Reading, validating and building a 100,000-partner map creates millions of dicts,
tuples and lists that all stay alive. CPython's collector runs every few hundred
allocations and, as the heap grows, each full pass walks every object made so far, so
the passes cost more than the work itself (read + validate 12 s -> 7 s, projection
12 s -> 5 s at 100,000 partners). These stages make no reference cycles worth
collecting, so the collector is paused for their duration and restored after.

Examples
--------
>>> import gc
>>> with gc_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True

A process that ends with ``os._exit`` (the console script) never needs its map freed:
:func:`keep_to_exit` holds what a stage is done with, because freeing millions of small
objects one by one takes seconds that the operating system's reclaiming of the whole
process does not.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

__all__ = ["gc_frozen", "gc_paused", "keep_to_exit", "keeping_to_exit"]

_kept: list[Any] | None = None


def keeping_to_exit() -> None:
    """From now on :func:`keep_to_exit` keeps; only for a process that ends with ``os._exit``."""
    global _kept
    if _kept is None:
        _kept = []


def keep_to_exit(*objects: Any) -> None:
    """Hold ``objects`` to the end of the process, if :func:`keeping_to_exit` was called.

    Otherwise (a library caller, a test) nothing is kept and they are freed as usual.
    """
    if _kept is not None:
        _kept.extend(objects)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Within this block the cyclic collector is off (reference counting still frees)."""
    if not gc.isenabled():
        yield  # nested, or the caller turned it off: leave it as it is
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextlib.contextmanager
def gc_frozen() -> Iterator[None]:
    """Within this block the collector leaves alone every object made before it.

    For a loop of many small stages over one large map (a report per region): the map
    stays alive throughout, so the collector's full passes need not walk it each time;
    what the stages make is still collected.

    >>> with gc_frozen():
    ...     gc.get_freeze_count() > 0
    True
    """
    if gc.get_freeze_count():
        yield  # someone froze objects already: unfreezing after would thaw theirs too
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
