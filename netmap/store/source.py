"""A map kept in the database as a workbook source: read it back, then validate it.

Every command that takes a workbook also takes a database URI and ``--map NAME``. The
stored map is read back, laid out as the sheets it was loaded from, and goes through the
same validator as a file: what someone changed by hand in Neo4j Browser is checked like
a workbook row, and the commands after it cannot tell the two sources apart.

Examples
--------
>>> # tables = read_tables("neo4j+s://xxxx.databases.neo4j.io", map_name="tucson", password=pw)
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from netmap.errors import UsageError
from netmap.ingest.validate import Tables, validate
from netmap.ingest.workbook import RawRow, RawSheet, RawWorkbook
from netmap.model import SHEET_ORDER
from netmap.roster import Roster, available_rosters, load_roster
from netmap.sheets import sheet_rows
from netmap.store.engines import connect, where
from netmap.store.load import read_map

__all__ = ["graph_raw", "read_tables"]


def graph_raw(G: nx.MultiDiGraph, label: str) -> RawWorkbook:
    """The sheets a graph was built from, as the reader would have read them.

    ``label`` names the source in issues (``neo4j://host:7687 map tucson``).
    """
    raw = RawWorkbook(label, "store")
    recorded = set(G.graph.get("columns") or {})
    for sheet in SHEET_ORDER:
        header, rows = sheet_rows(G, sheet)
        if rows or sheet in recorded or sheet == "partners":
            raw.sheets[sheet] = RawSheet(
                sheet, sheet, f"{label} {sheet}", header, [RawRow(n, cells) for n, cells in enumerate(rows, start=2)]
            )
    for name, records in (G.graph.get("extra_sheets") or {}).items():
        header = list(dict.fromkeys(k for r in records for k in r if k != "_row"))
        rows = [RawRow(r.get("_row") or n, [r.get(h) for h in header]) for n, r in enumerate(records, start=2)]
        raw.sheets[name] = RawSheet(name, name, f"{label} {name}", header, rows)
    return raw


def read_tables(
    uri: str,
    *,
    map_name: str | None,
    roster: Roster | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Tables:
    """Read map ``map_name`` from the database at ``uri`` and validate it like a workbook.

    ``map_name`` may name a kept version: ``NAME@N`` (its number), ``NAME@ID`` (its id) or
    ``NAME@YYYY-MM-DD`` (the version current that day); see
    :func:`netmap.store.load.resolve_version`.

    The roster is the one given, else the one the map was loaded with.

    Raises
    ------
    UsageError
        No ``map_name``, or no such map in the database.
    StoreError
        The database cannot be reached or refuses the credentials.
    """
    if not map_name:
        raise UsageError(f"{where(uri)} is a database: say which map with --map NAME")
    with connect(uri, user=user, password=password, database=database) as engine:
        G = read_map(engine, map_name)
        label = f"{engine.label} map {map_name}"
    if roster is None:
        stored: Any = G.graph.get("roster")
        if stored is not None and stored not in available_rosters():
            # Never a silent swap to the shipped roster: the map's own types would read as unknown.
            raise UsageError(
                f"map {map_name!r} was loaded with the roster {stored!r}, which is not shipped; pass it (--roster FILE)"
            )
        roster = load_roster(stored)
    tables = validate(graph_raw(G, label), roster)
    tables.map_id = G.graph.get("map_id") or map_name  # the map's name, without any @VERSION
    tables.source = label
    return tables
