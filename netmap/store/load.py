"""Load a map into the database and read it back: atomic, idempotent, batched.

How a load stays atomic on a database without multi-statement transactions (and
without one huge transaction on Neo4j):

1. The map's content is hashed into a **fingerprint**. If the map's current version has
   that fingerprint, nothing is written: loading the same workbook twice changes nothing.
   Otherwise the new **version** id is a hash of the fingerprint and the current version
   (so a load run again after a failure writes into the same version and completes it).
2. Otherwise the rows are written in batches (``UNWIND $rows ... MERGE``) as nodes
   tagged with the new version, which readers do not see: every reader starts from the
   ``(:Map)`` node and follows only its current version. A load that stops part way
   leaves the previous version intact; running it again MERGEs over what was written
   and completes it.
3. The staged version is counted; only when it is whole does one statement switch the
   ``(:Map)`` node to it and record it as a kept version: a ``(:MapVersion {map, version})``
   node with its number (1, 2, ... in load order), load time, label, source and
   fingerprint. Earlier versions stay, unless ``keep`` says how many to keep: the older
   ones lose their ``(:MapVersion)`` node, then every version of that map, and only of
   that map, that is neither current nor kept is deleted in batches.

Loads of one map are serialised by the map's load lock (:mod:`netmap.store.lock`): a load
takes it before it reads the map, holds it until the old versions are deleted, and waits
(up to ``wait`` seconds) while another load holds it. The switch is a compare-and-set on the
lock, and the deletion spares the current version and the one a live lock holder is
writing, so whatever the interleaving the map shows one whole workbook.

Examples
--------
>>> summary = LoadSummary("demo", "abc", None)
>>> summary.add("Partner", created=2, unchanged=1)
>>> summary.totals()
{'created': 2, 'updated': 0, 'unchanged': 1, 'deleted': 0}
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import networkx as nx

from netmap._gc import gc_paused
from netmap.errors import StoreError, UsageError
from netmap.model import NODE_LABELS, REL_TYPES, STORE_PROPERTIES
from netmap.store.engines import Engine
from netmap.store.lock import DEFAULT_LEASE, DEFAULT_WAIT, LoadLock, OnWait, hold
from netmap.store.rows import META_JSON, GraphRows, graph_rows, rows_graph
from netmap.store.statements import statement

__all__ = [
    "LoadSummary",
    "drop_map",
    "drop_version",
    "list_maps",
    "list_versions",
    "load_map",
    "read_map",
    "read_rows",
    "resolve_version",
    "split_map_spec",
]

# Progress callback: (batches done, batches in all, what the current batch holds).
Progress = Callable[[int, int, str], None]
# Properties that say where a thing sits, not what it is: a moved row is not an update.
_POSITION = {"_order", "_row"}
# Properties the store adds to every node to find it, not part of what it is.
_STORE_KEYS = STORE_PROPERTIES


def _file(name: str) -> str:
    """Loader/reader file stem of a label or relationship type: AgencyType -> agency_type."""
    if name.isupper():
        return name.lower()
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


@dataclass
class LoadSummary:
    """What a load did, per node label and relationship type.

    ``created``: new ids; ``updated``: same id, different properties; ``unchanged``;
    ``deleted``: in the previous version, not in this one.
    """

    map: str
    version: str
    previous_version: str | None
    written: bool = False
    batches: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    number: int | None = None
    label: str | None = None
    loaded_at: str | None = None
    forgotten: list[int] = field(default_factory=list)

    def add(self, what: str, **numbers: int) -> None:
        row = self.counts.setdefault(what, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0})
        for key, n in numbers.items():
            row[key] += n

    def totals(self) -> dict[str, int]:
        out = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
        for row in self.counts.values():
            for key, n in row.items():
                out[key] += n
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "map": self.map,
            "version": self.version,
            "previous_version": self.previous_version,
            "written": self.written,
            "number": self.number,
            "label": self.label,
            "loaded_at": self.loaded_at,
            "removed_versions": self.forgotten,
            "batches": self.batches,
            "totals": self.totals(),
            "counts": self.counts,
        }


def _meta_props(rows: GraphRows, version: str, extra: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "version": version,
        "roster": rows.meta.get("roster"),
        "source": str(rows.meta.get("source") or ""),
        **extra,
    }
    for key in META_JSON:
        props[key] = json.dumps(rows.meta.get(key) or {}, ensure_ascii=False, default=str)
    return props


def map_info(engine: Engine, name: str) -> dict[str, Any] | None:
    """The ``(:Map)`` node's properties, or None when the database has no such map."""
    rows = engine.run("store/map_get", {"map": name})
    return rows[0]["props"] if rows else None


def list_maps(engine: Engine) -> list[dict[str, Any]]:
    """Every map in the database: ``map``, ``version``, ``loaded_at``, ``source``."""
    return engine.run("store/map_list")


def list_versions(engine: Engine, name: str | None = None) -> list[dict[str, Any]]:
    """The kept versions of map ``name`` (of every map when None), oldest first.

    Each is ``map``, ``number`` (1, 2, ... in load order; never reused), ``version`` (id),
    ``loaded_at`` (UTC, ISO), ``label``, ``source``, ``fingerprint`` and ``current``. A map
    loaded before versions were kept shows its current version as number 1.

    Examples
    --------
    >>> # [v["number"] for v in list_versions(engine, "tucson")] -> [1, 2, 3]
    """
    found = engine.run("store/version_list", {"map": name})
    have = {(v["map"], v["version"]) for v in found}
    legacy = [
        {**m, "number": 1, "label": None, "fingerprint": m["version"], "current": True}
        for m in list_maps(engine)
        if (name is None or m["map"] == name) and (m["map"], m["version"]) not in have
    ]
    if not legacy:
        return found
    keys = ("map", "number", "version", "loaded_at", "label", "source", "fingerprint", "current")
    rows = [*found, *({k: m.get(k) for k in keys} for m in legacy)]
    return sorted(rows, key=lambda v: (v["map"], v["number"] or 0))


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def split_map_spec(text: str) -> tuple[str, str | None]:
    """``NAME@VERSION`` as (name, version spec); a name without ``@`` as (name, None).

    >>> split_map_spec("tucson@2"), split_map_spec("tucson")
    (('tucson', '2'), ('tucson', None))
    """
    name, at, spec = text.rpartition("@")
    if not at:
        return text, None
    return name, spec


def _describe(versions: list[dict[str, Any]]) -> str:
    parts = []
    for v in versions:
        said = (str(v.get("loaded_at") or "")[:10], v.get("label") or "", "current" if v.get("current") else "")
        extra = ", ".join(x for x in said if x)
        parts.append(f"@{v['number']} (id {v['version']}{', ' + extra if extra else ''})")
    return "; ".join(parts)


def resolve_version(engine: Engine, name: str, spec: str) -> dict[str, Any]:
    """The kept version of map ``name`` that ``spec`` names.

    ``spec`` is a version id (or a unique beginning of one, 6 characters or more), a
    version number (``2``: the second load kept; newest = highest), or a date
    ``YYYY-MM-DD``: the version current that day, i.e. the newest loaded on or before the
    end of that day (UTC, as ``loaded_at`` is kept).

    Raises
    ------
    UsageError
        No such map, or no kept version matches (the message lists the versions).

    Examples
    --------
    >>> # resolve_version(engine, "tucson", "2026-03-31")["number"] -> 2
    """
    versions = list_versions(engine, name)
    if not versions:
        raise _no_map(engine, name)
    spec = spec.strip()
    found = [v for v in versions if v["version"] == spec]
    if not found and spec.isdigit():
        found = [v for v in versions if v["number"] == int(spec)]
    if not found and _DATE.fullmatch(spec):
        try:
            dt.date.fromisoformat(spec)
        except ValueError:
            raise UsageError(f"--map {name}@{spec}: {spec!r} is not a date (YYYY-MM-DD)") from None
        found = [v for v in versions if str(v.get("loaded_at") or "")[:10] <= spec][-1:]
        if not found:
            raise UsageError(f"map {name!r} has no version loaded on or before {spec}; it keeps {_describe(versions)}")
    if not found and len(spec) >= 6:
        found = [v for v in versions if str(v["version"]).startswith(spec)]
    if len(found) != 1:
        what = "more than one version" if found else "no version"
        raise UsageError(
            f"map {name!r} has {what} {spec!r} (give a number, a version id or a date YYYY-MM-DD); "
            f"it keeps {_describe(versions)}"
        )
    return found[0]


def drop_map(
    engine: Engine,
    name: str,
    *,
    batch_size: int = 1000,
    wait: float = DEFAULT_WAIT,
    lease: float = DEFAULT_LEASE,
    on_wait: OnWait | None = None,
) -> int:
    """Delete map ``name`` (every version); return the number of nodes deleted.

    The ``(:Map)`` node goes first, so readers never see half a map. The map's load lock
    is held meanwhile (waiting up to ``wait`` seconds for a load in progress), so a load
    never switches the map to a version the drop is deleting.

    Raises
    ------
    UsageError
        The database holds no map of that name.
    MapBusy
        A load of the map was still running after ``wait`` seconds.
    """
    with hold(engine, name, what=f"netmap drop of {name!r}", wait=wait, lease=lease, on_wait=on_wait):
        found = engine.run("store/drop_map", {"map": name}, write=True)[0]["deleted"]
        found += engine.run("store/version_forget_all", {"map": name}, write=True)[0]["forgotten"]
        total = 0
        # Also finishes a drop that stopped after the (:Map) node went.
        while deleted := engine.run("store/drop_nodes", {"map": name, "limit": batch_size}, write=True)[0]["deleted"]:
            total += deleted
    if not found and not total:
        raise UsageError(f"{engine.label} has no map {name!r}")
    return total


def drop_version(
    engine: Engine,
    name: str,
    spec: str,
    *,
    batch_size: int = 1000,
    wait: float = DEFAULT_WAIT,
    lease: float = DEFAULT_LEASE,
    on_wait: OnWait | None = None,
) -> tuple[dict[str, Any], int]:
    """Delete one kept version of map ``name`` (``spec`` as :func:`resolve_version` takes it).

    Returns the version deleted and the number of its nodes deleted. The current version
    is refused: readers would be left without a map (drop the map, or load another
    version first).

    Raises
    ------
    UsageError
        No such map or version, or ``spec`` names the current version.
    MapBusy
        A load of the map was still running after ``wait`` seconds.

    Examples
    --------
    >>> # drop_version(engine, "tucson", "1") -> ({"number": 1, ...}, 212)
    """
    with hold(engine, name, what=f"netmap drop of {name!r} version {spec}", wait=wait, lease=lease, on_wait=on_wait):
        chosen = resolve_version(engine, name, spec)
        if chosen["current"]:
            raise UsageError(
                f"version @{chosen['number']} ({chosen['version']}) is the current version of map {name!r}, "
                f"which readers see; it is not dropped (drop the whole map with: netmap drop --map {name})"
            )
        engine.run("store/version_forget", {"map": name, "version": chosen["version"]}, write=True)
        total = 0
        while deleted := engine.run("store/delete_stale", {"map": name, "limit": batch_size}, write=True)[0]["deleted"]:
            total += deleted
    return chosen, total


def _no_map(engine: Engine, name: str) -> UsageError:
    names = [m["map"] for m in list_maps(engine)]
    hint = f"; it holds {', '.join(repr(n) for n in names)}" if names else "; it holds no maps yet"
    return UsageError(f"{engine.label} has no map {name!r}{hint}")


def read_rows(engine: Engine, name: str, *, version: str | None = None, attempts: int = 5) -> GraphRows | None:
    """A version of map ``name`` as rows (the current one by default), or None if there is no such map.

    ``version`` names a kept version as :func:`resolve_version` takes it. Each label of
    the current version is read in a statement of its own, so a load that switches the
    map in between would give a mix of two versions: the version is checked again after
    the reads, and the map read again (up to ``attempts`` times) when it changed. An
    earlier version is read in two statements, and checked to be still kept after.

    Raises
    ------
    StoreError
        The map changed during every one of the ``attempts`` reads, or the version was
        deleted while it was read.
    UsageError
        ``version`` names no kept version (the message lists them).
    """
    chosen = None
    if version is not None:
        chosen = resolve_version(engine, name, version)
        if not chosen["current"]:
            return _read_kept(engine, name, chosen)
    for _ in range(attempts):
        info = map_info(engine, name)
        if info is None:
            return None
        if chosen is not None and info.get("version") != chosen["version"]:
            return _read_kept(engine, name, chosen)  # a load switched the map meanwhile
        rows = _read_version(engine, name, info)
        after = map_info(engine, name)
        if after is not None and after.get("version") == info.get("version"):
            return rows
    raise StoreError(f"map {name!r} changed while it was read, {attempts} times; read it again when loads are done")


def _read_kept(engine: Engine, name: str, chosen: dict[str, Any]) -> GraphRows:
    """An earlier (not current) kept version, read in one statement for nodes, one for relationships."""
    params = {"map": name, "version": chosen["version"]}
    got = engine.run("store/version_get", params)
    rows = _rows_of(got[0]["props"] if got else {})
    rows.nodes = {label: [] for label in NODE_LABELS}
    rows.rels = {rel: [] for rel in REL_TYPES}
    for r in engine.run("store/version_nodes", params):
        if r["label"] in rows.nodes:
            rows.nodes[r["label"]].append({"id": r["id"], "props": r["props"]})
    for r in engine.run("store/version_relationships", params):
        if r["type"] in rows.rels:
            rows.rels[r["type"]].append({"source": r["source"], "target": r["target"], "props": r["props"]})
    if not got or not engine.run("store/version_get", params):
        raise StoreError(f"version @{chosen['number']} of map {name!r} was deleted while it was read")
    rows.meta["store_version"] = chosen["version"]
    return rows


def _rows_of(info: dict[str, Any]) -> GraphRows:
    """Empty rows carrying a version's own attributes (roster, source, the JSON ones)."""
    meta = {k: info.get(k) for k in ("roster", "source")}
    for key in META_JSON:
        try:
            meta[key] = json.loads(info.get(key) or "{}")
        except ValueError:
            meta[key] = {}
    return GraphRows(meta=meta)


def _read_version(engine: Engine, name: str, info: dict[str, Any]) -> GraphRows:
    rows = _rows_of(info)
    for label in NODE_LABELS:
        rows.nodes[label] = engine.run(f"read/{_file(label)}", {"map": name})
    for rel in REL_TYPES:
        rows.rels[rel] = engine.run(f"read/{_file(rel)}", {"map": name})
    rows.meta["store_version"] = info.get("version")
    return rows


def read_map(engine: Engine, name: str, *, version: str | None = None) -> nx.MultiDiGraph:
    """Read map ``name`` back as the graph :func:`netmap.build_graph` made of it.

    ``name`` may be ``NAME@VERSION`` (see :func:`resolve_version`): a kept version
    instead of the current one; so may ``version`` be given apart. A map whose own name
    holds an ``@`` is read whole by that name.

    Raises
    ------
    UsageError
        The database holds no map of that name (the message lists those it holds), or no
        such version (the message lists the versions).

    Examples
    --------
    >>> # with netmap.store.connect(uri) as engine: G = read_map(engine, "tucson@2")
    """
    if version is None and "@" in name and map_info(engine, name) is None:
        name, version = split_map_spec(name)
    rows = read_rows(engine, name, version=version)
    if rows is None:
        raise _no_map(engine, name)
    return rows_graph(rows, map_id=name)


def key_prefix(name: str, version: str) -> str:
    """What a node's ``uid`` starts with in version ``version`` of map ``name``.

    The version (a fixed-length hash), then the map name with its length, so no two
    (map, version) pairs share a prefix and ``prefix + id`` is unique per node of a label.

    >>> key_prefix("tucson", "0123456789abcdef0123")
    '0123456789abcdef0123:6:tucson:'
    """
    return f"{version}:{len(name)}:{name}:"


def _identity(kind: str, row: dict[str, Any]) -> tuple[Any, ...]:
    if kind in REL_TYPES:
        return (row["source"], row["target"], row.get("key") or row["props"].get("key"))
    return (row["id"],)


def _content(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """What a row says about its thing, in a form equal for a row sent and read back."""
    props = {k: v for k, v in row["props"].items() if k not in _POSITION and k not in _STORE_KEYS}
    for name, value in row.items():
        if name not in ("id", "source", "target", "key", "props") and value is not None:
            props[name] = value  # dates sent beside the props as text
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in props.items()}


def _compare(summary: LoadSummary, old: GraphRows | None, new: GraphRows) -> None:
    for kind, items in [*new.nodes.items(), *new.rels.items()]:
        if old is None:  # a first load: everything is new, no need to compare contents
            summary.add(kind, created=len({_identity(kind, r) for r in items}))
            continue
        before_rows = (old.nodes if kind in NODE_LABELS else old.rels).get(kind, [])
        before = {_identity(kind, r): _content(kind, r) for r in before_rows}
        after = {_identity(kind, r): _content(kind, r) for r in items}
        created = sum(1 for k in after if k not in before)
        unchanged = sum(1 for k, v in after.items() if k in before and before[k] == v)
        summary.add(
            kind,
            created=created,
            unchanged=unchanged,
            updated=len(after) - created - unchanged,
            deleted=sum(1 for k in before if k not in after),
        )


def _batches(rows: GraphRows, size: int) -> Iterator[tuple[str, str, int, list[dict[str, Any]]]]:
    """(statement, what, first row number, rows) for every batch: nodes first, then relationships.

    One batch at a time, so that what is held beside the rows does not grow with them.
    """
    for kind, items in [*rows.nodes.items(), *rows.rels.items()]:
        for start in range(0, len(items), size):
            yield (f"load/{_file(kind)}", kind, start + 1, items[start : start + size])


def _write_batches(
    engine: Engine,
    rows: GraphRows,
    name: str,
    version: str,
    size: int,
    summary: LoadSummary,
    progress: Progress | None,
) -> None:
    """Write every batch of the new version: all node batches, then all relationship batches.

    Up to ``engine.write_depth`` batches are in flight at once, never more (memory stays
    flat in the number of batches), and never a relationship batch before every node batch
    is done (its ends must be there).
    """
    total = _batch_count(rows, size)
    given = {"map": name, "version": version, "prefix": key_prefix(name, version)}
    done = 0

    def send(stmt: str, items: list[dict[str, Any]]) -> None:
        wanted = statement(stmt).parameters
        engine.run(stmt, {**{k: v for k, v in given.items() if k in wanted}, "rows": items}, write=True)

    def finished(number: int, kind: str, first: int, items: list[dict[str, Any]], error: BaseException | None) -> None:
        nonlocal done
        if error is not None and not isinstance(error, StoreError):
            raise error  # a bug, not the database: let it show as one
        if error is not None:
            raise StoreError(
                f"batch {number} of {total} ({kind} rows {first}-{first + len(items) - 1}) failed: {error}; "
                f"map {name!r} still shows its previous version; run the load again to complete it"
            ) from None
        done += 1
        summary.batches = done
        if progress is not None:
            progress(done, total, kind)

    numbered = enumerate(_batches(rows, size), start=1)
    if engine.write_depth <= 1:
        for number, (stmt, kind, first, items) in numbered:
            error: StoreError | None = None
            try:
                send(stmt, items)
            except StoreError as exc:
                error = exc
            finished(number, kind, first, items, error)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=engine.write_depth, thread_name_prefix="netmap-load") as pool:
        pending: deque = deque()

        def settle() -> None:
            number, kind, first, items, future = pending.popleft()
            finished(number, kind, first, items, future.exception())

        phase = None
        for number, (stmt, kind, first, items) in numbered:
            this_phase = kind in NODE_LABELS
            if phase is not None and this_phase != phase:
                while pending:  # every node is written before the first relationship
                    settle()
            phase = this_phase
            if len(pending) >= engine.write_depth:
                settle()
            pending.append((number, kind, first, items, pool.submit(send, stmt, items)))
        while pending:
            settle()


def _version_id(fingerprint: str, previous: str | None, taken: set[str]) -> str:
    """A new version's id: a hash of its content and the version it follows.

    The same workbook loaded after the same version gets the same id, so a load run again
    after a failure writes over what the failed one staged; the same content loaded again
    later (A, B, A) gets an id of its own, as it is a version of its own.

    >>> _version_id("0" * 20, None, set()) == _version_id("0" * 20, None, set())
    True
    """
    salt = 0
    while True:
        text = f"{fingerprint}:{previous or ''}" + (f":{salt}" if salt else "")
        candidate = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        if candidate not in taken:
            return candidate
        salt += 1


def _batch_count(rows: GraphRows, size: int) -> int:
    return sum(-(-len(items) // size) for items in [*rows.nodes.values(), *rows.rels.values()])


def load_map(
    G: nx.MultiDiGraph,
    engine: Engine,
    *,
    map_name: str | None = None,
    batch_size: int = 1000,
    progress: Progress | None = None,
    wait: float = DEFAULT_WAIT,
    lease: float = DEFAULT_LEASE,
    on_wait: OnWait | None = None,
    label: str | None = None,
    keep: int | None = None,
    loaded_at: dt.datetime | None = None,
) -> LoadSummary:
    """Load ``G`` into the database as a new version of map ``map_name`` (default ``G.graph["map_id"]``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    engine : Engine
        An open connection (:func:`netmap.store.connect`).
    map_name : str, optional
        Name of the map in the database; other maps are never touched.
    batch_size : int
        Rows per statement.
    progress : callable, optional
        Called after each batch with (done, total, what).
    wait : float
        Seconds to wait while another load (or a drop) of the same map runs; 0 fails at
        once. See :mod:`netmap.store.lock`.
    lease : float
        Seconds this load's lock holds without renewal: how long the map stays blocked if
        this process is killed.
    on_wait : callable, optional
        Called once if the load has to wait: ``(map name, the other load, wait)``.
    label : str, optional
        Words kept with the new version (``netmap maps`` shows them): "Q1 2026".
    keep : int, optional
        Keep only the ``keep`` newest versions (the current one among them); the older
        ones are deleted after the switch. Default: keep every version.
    loaded_at : datetime, optional
        The load time kept with the version (default: now, UTC); for tests and for loading
        earlier snapshots in order.

    Returns
    -------
    LoadSummary
        Created, updated, unchanged and deleted counts per label and type.

    Raises
    ------
    StoreError
        A batch failed (the message names it); the previous version stays current and
        running the load again completes it. Or this load lost its lock (not renewed
        for ``lease`` seconds) and switched nothing.
    MapBusy
        Another load of the map held its lock for longer than ``wait`` seconds (the message
        names that load); nothing was written.
    """
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, not {batch_size}")
    if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int) or keep < 1):
        raise UsageError(f"--keep must be a whole number of versions, 1 or more, not {keep!r}")
    name = map_name or G.graph.get("map_id") or "map"
    if "@" in name:
        raise UsageError(f"map name {name!r} holds '@', which --map NAME@VERSION reserves for versions")
    when = (loaded_at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    extra = {"label": label or None, "loaded_at": when.isoformat(timespec="seconds")}
    with gc_paused():  # a row per node and relationship: millions of small dicts (see netmap._gc)
        rows = graph_rows(G)
        version = rows.fingerprint()
    engine.apply_schema()
    # The workbook's own name, not its path: another load prints this in one line.
    source = str(rows.meta.get("source") or "")
    what = f"netmap load of {(PurePath(source).name or name)!r}"
    with hold(engine, name, what=what, wait=wait, lease=lease, on_wait=on_wait) as lock:
        return _load_locked(engine, rows, name, version, batch_size, progress, lock, extra, keep)


def _load_locked(
    engine: Engine,
    rows: GraphRows,
    name: str,
    version: str,
    batch_size: int,
    progress: Progress | None,
    lock: LoadLock,
    extra: dict[str, Any],
    keep: int | None,
) -> LoadSummary:
    """The load proper, with the map's load lock held.

    ``version`` comes in as the content's fingerprint; the version id is made here.
    """
    fingerprint = version
    info = map_info(engine, name)
    previous = info.get("version") if info else None
    if info is not None:
        engine.run("store/version_adopt", {"map": name}, write=True)  # a map from before versions were kept
    kept = list_versions(engine, name)
    current = next((v for v in kept if v["current"]), None)
    unchanged = current is not None and current["fingerprint"] == fingerprint
    if unchanged:
        version = previous
    else:
        version = _version_id(fingerprint, previous, {v["version"] for v in kept})
        lock.announce(version)
    summary = LoadSummary(name, version, previous)
    if unchanged:
        # The version is a hash of the whole content: the stored map is this one, row for
        # row, so there is nothing to read back to see that every row is unchanged.
        for kind, items in [*rows.nodes.items(), *rows.rels.items()]:
            summary.add(kind, unchanged=len({_identity(kind, r) for r in items}))
    else:
        _compare(summary, read_rows(engine, name) if info else None, rows)

    if previous != version:

        def step(done: int, total: int, what: str) -> None:
            lock.ensure()  # a load that lost its lock stops writing as soon as it knows
            if progress is not None:
                progress(done, total, what)

        _write_batches(engine, rows, name, version, batch_size, summary, step)
        nodes, rels = rows.count()
        found = engine.run("store/version_count", {"map": name, "version": version})[0]
        if (found["nodes"], found["relationships"]) != (nodes, rels):
            raise StoreError(
                f"map {name!r}: the staged version has {found['nodes']} nodes and {found['relationships']} "
                f"relationships, {nodes} and {rels} were sent; the previous version stays current"
            )
        number = max((v["number"] or 0 for v in kept), default=0) + 1
        props = _meta_props(rows, version, {**extra, "number": number, "fingerprint": fingerprint})
        params = {"map": name, "owner": lock.owner, "props": props}
        if not engine.run("store/map_set", params, write=True):
            raise StoreError(lock.lost_message())
        summary.written = True
        summary.number, summary.label, summary.loaded_at = number, extra["label"], extra["loaded_at"]
        kept = list_versions(engine, name)
    else:
        summary.number = current["number"] if current else None
        summary.label = current.get("label") if current else None
        summary.loaded_at = current.get("loaded_at") if current else None
    if keep is not None:
        # The newest first; the current one is the newest (every load switches to its own).
        for old in sorted(kept, key=lambda v: v["number"] or 0, reverse=True)[keep:]:
            if (
                not old["current"]
                and engine.run("store/version_forget", {"map": name, "version": old["version"]}, write=True)[0][
                    "forgotten"
                ]
            ):
                summary.forgotten.append(old["number"])
        summary.forgotten.sort()
    # Whatever an earlier load left behind (a replaced or an abandoned version) goes now;
    # the statement itself spares the current version and one a live lock holder writes.
    while engine.run("store/delete_stale", {"map": name, "limit": batch_size}, write=True)[0]["deleted"]:
        pass
    return summary
