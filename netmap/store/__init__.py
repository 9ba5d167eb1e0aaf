"""Neo4j as the database of record: load a map, read it back, list the maps.

Examples
--------
>>> from netmap.store import connect, load_map, read_map
>>> # with connect("neo4j+s://xxxx.databases.neo4j.io", password=pw) as db:
>>> #     load_map(G, db, map_name="tucson-2026")
>>> #     H = read_map(db, "tucson-2026")
"""

from netmap.store.engines import Engine, connect, is_store_uri, where
from netmap.store.load import (
    LoadSummary,
    drop_map,
    drop_version,
    list_maps,
    list_versions,
    load_map,
    read_map,
    resolve_version,
)

__all__ = [
    "Engine",
    "LoadSummary",
    "connect",
    "drop_map",
    "drop_version",
    "is_store_uri",
    "list_maps",
    "list_versions",
    "load_map",
    "read_map",
    "resolve_version",
    "where",
]
