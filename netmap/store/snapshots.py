"""Snapshots for ``history`` and ``report --since``: workbooks and versions kept in a database.

A snapshot given on the command line is a workbook, a folder or a database URI. A
database URI stands for the maps named with ``--map`` (``--since-map`` for the report) on
that database, each of them one kept version or several:

- ``NAME@VERSION`` is that version (a number, an id, or a date: see
  :func:`netmap.store.load.resolve_version`);
- ``NAME`` alone is every kept version of the map, oldest first (``every=True``, as
  ``history`` takes it: the whole history kept), or its current version
  (``every=False``, as ``report --since`` has always read a map).

A stored snapshot is labelled ``NAME@N`` (its version number), so ``--date NAME@N=DAY``
can name it, and it is of the day it was loaded unless a date is given for it.

Examples
--------
>>> [s.label for s in plan_snapshots(["q1.xlsx", "q2.xlsx"], [])]
['q1.xlsx', 'q2.xlsx']
>>> # plan_snapshots(["neo4j://host"], ["tucson"]) -> tucson@1, tucson@2, tucson@3
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from netmap.errors import UsageError
from netmap.store.engines import connect, is_store_uri, where
from netmap.store.load import _no_map, list_versions, map_info, resolve_version, split_map_spec

__all__ = ["Snapshot", "plan_snapshots"]


@dataclass(frozen=True)
class Snapshot:
    """One snapshot to read: a workbook or folder, or a kept version of a stored map.

    ``label`` names it in the history (the source as given, or ``NAME@N``); ``map`` is
    what to read from the database ``source`` (``NAME@N``), None for a file; ``loaded_at``
    is the version's load time (UTC, ISO), None for a file.
    """

    label: str
    source: str
    map: str | None = None
    loaded_at: str | None = None

    @property
    def date(self) -> dt.date | None:
        """The day the version was loaded (None for a file: its own date or its files' day)."""
        return dt.date.fromisoformat(self.loaded_at[:10]) if self.loaded_at else None

    def stamp(self, G: nx.MultiDiGraph) -> nx.MultiDiGraph:
        """Mark the graph read for this snapshot with its load time, which dates it in a history.

        The graph is one the caller just built from this snapshot; a file's graph is left as it is.
        """
        if self.loaded_at:
            G.graph["loaded_at"] = self.loaded_at
        return G


def plan_snapshots(
    sources: Sequence[str],
    maps: Sequence[str],
    *,
    every: bool = True,
    option: str = "--map",
    user: str | None = None,
    password: str | Callable[[], str | None] | None = None,
    database: str | None = None,
) -> list[Snapshot]:
    """The snapshots ``sources`` stand for, each database URI expanded into the ``maps`` on it.

    Parameters
    ----------
    sources : sequence of str
        Workbooks, folders and database URIs, as given.
    maps : sequence of str
        ``NAME`` or ``NAME@VERSION``, read from every database URI of ``sources``.
    every : bool
        What a ``NAME`` without a version is: every kept version (True), or the current one.
    option : str
        The option ``maps`` came from, as messages name it.
    user, database : str, optional
        As :func:`netmap.store.connect` takes them.
    password : str or callable, optional
        The password, or a function giving it, called only when a database is read.

    Returns
    -------
    list of Snapshot
        In the order given; each database URI's versions in the order of ``maps``, a
        whole map's versions oldest first.

    Raises
    ------
    UsageError
        ``maps`` without a database among ``sources``, a database without ``maps``, no
        such map or version (the message lists what there is), or one stored version
        named twice.
    StoreError
        A database cannot be reached.

    Examples
    --------
    >>> [s.label for s in plan_snapshots(["a.xlsx", "b"], [])]
    ['a.xlsx', 'b']
    """
    databases = [s for s in sources if is_store_uri(s)]
    if maps and not databases:
        raise UsageError(f"{option} names maps in a database; give the database URI as a snapshot too")
    if databases and not maps:
        raise UsageError(f"{where(databases[0])} is a database: say which map with {option} NAME")
    secret = password() if callable(password) and databases else password
    out: list[Snapshot] = []
    seen: dict[str, tuple[str, str]] = {}
    for source in sources:
        if not is_store_uri(source):
            out.append(Snapshot(source, source))
            continue
        with connect(source, user=user, password=secret, database=database) as engine:  # type: ignore[arg-type]
            for spec in maps:
                for name, version in _versions(engine, spec, every):
                    label = f"{name}@{version['number']}"
                    if label in seen:
                        raise _twice(option, label, seen[label], (source, spec))
                    seen[label] = (source, spec)
                    out.append(Snapshot(label, source, label, version.get("loaded_at")))
    return out


def _versions(engine: Any, spec: str, every: bool) -> list[tuple[str, dict[str, Any]]]:
    """The kept versions ``spec`` names on one database, as (map name, version row)."""
    name, version = split_map_spec(spec)
    if version is not None and map_info(engine, spec) is not None:
        name, version = spec, None  # a map whose own name holds an @ (as read_map reads it)
    if version is not None:
        return [(name, resolve_version(engine, name, version))]
    kept = list_versions(engine, name)
    if not kept:
        raise _no_map(engine, name)
    return [(name, v) for v in kept if every or v["current"]]


def _twice(option: str, label: str, first: tuple[str, str], again: tuple[str, str]) -> UsageError:
    """The one-line error for a stored version that two snapshots would both be."""
    if first[0] != again[0]:
        return UsageError(
            f"map version {label} is in both {where(first[0])} and {where(again[0])}; "
            "read a map's versions from one database at a time"
        )
    if first[1] == again[1]:
        return UsageError(f"{option} {again[1]} is given twice")
    return UsageError(f"{option} {first[1]} and {option} {again[1]} both name version {label}")
