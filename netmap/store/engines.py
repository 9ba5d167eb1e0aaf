"""Connections to the graph database: Neo4j through its official driver, and FalkorDB.

Neo4j 5 (self-hosted or Aura) is the database of record; its URIs are ``neo4j://``,
``neo4j+s://``, ``neo4j+ssc://``, ``bolt://``, ``bolt+s://`` and ``bolt+ssc://``.
FalkorDB (``falkordb://host:port`` or ``falkordb+unix:///path/to/socket``) speaks the
same Cypher for everything netmap sends except the schema, which is translated here;
the test suite runs the store against it because no Neo4j server can be installed on
the machines CI uses. Both engines take statements only from :mod:`netmap.cypher`
files and data only as parameters.

Every failure to connect or to run a statement becomes a :class:`~netmap.errors.StoreError`
with a one-line message that names the server (never the password).

Examples
--------
>>> where("neo4j+s://alice:secret@abc.databases.neo4j.io:7687/?x=1")
'neo4j+s://abc.databases.neo4j.io:7687'
>>> is_store_uri("bolt://localhost:7687"), is_store_uri("examples/tucson-behavioral-health")
(True, False)
"""

from __future__ import annotations

import abc
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from netmap.errors import StoreError, UsageError
from netmap.store.statements import Statement, schema_statements, statement

__all__ = [
    "FALKORDB_SCHEMES",
    "NEO4J_SCHEMES",
    "Engine",
    "FalkorEngine",
    "Neo4jEngine",
    "connect",
    "is_store_uri",
    "where",
]

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
FALKORDB_SCHEMES = ("falkordb", "falkordb+unix")
MIN_NEO4J = 5


def is_store_uri(source: str) -> bool:
    """Whether a SOURCE argument names a database rather than a workbook."""
    scheme = source.split("://", 1)[0].lower() if "://" in source else ""
    return scheme in NEO4J_SCHEMES + FALKORDB_SCHEMES


def where(uri: str) -> str:
    """The URI as it may be shown: scheme, host and port; no user, password or query.

    >>> where("falkordb://[::1")
    'falkordb://(a malformed address)'
    """
    try:
        parts = urlsplit(uri)
    except ValueError:  # an unclosed "[" or a bracketed host that is no IP address
        return f"{uri.split('://', 1)[0]}://(a malformed address)"
    if parts.scheme == "falkordb+unix":
        return f"{parts.scheme}://{parts.path}"
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}"


def _native(value: Any) -> Any:
    """Driver values as plain Python: Neo4j dates become ``datetime.date``, maps dicts."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, Mapping):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_native(v) for v in value]
    return value


class Engine(abc.ABC):
    """A connection to one graph of a database. Use as a context manager."""

    #: What the connection is to, safe to print: ``neo4j://host:7687 (database neo4j)``.
    label: str
    #: Load batches that may be in flight at once (see :func:`netmap.store.load.load_map`).
    write_depth: int = 1

    def run(self, name: str, params: Mapping[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        """Run the statement ``cypher/<name>.cypher`` with ``params``; rows as dicts.

        The parameters must be exactly those the file's header names, so a statement
        and its callers cannot drift apart.
        """
        stmt = statement(name)
        params = dict(params or {})
        if set(params) != set(stmt.parameters):
            raise ValueError(f"{name} takes {sorted(stmt.parameters)}, was given {sorted(params)}")
        return [_native(row) for row in self._run(stmt, params, write=write)]

    @abc.abstractmethod
    def _run(self, stmt: Statement, params: dict[str, Any], *, write: bool) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def apply_schema(self) -> None:
        """Create the constraints and indexes of ``cypher/schema.cypher`` if missing."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- Neo4j ------------------------------------------------------------------------


def check_agent(agent: str, label: str) -> None:
    """Refuse servers older than Neo4j 5 (their Cypher lacks what the schema uses).

    >>> check_agent("Neo4j/5.26.1", "x")
    >>> check_agent("Neo4j/4.4.30", "neo4j://db:7687")
    Traceback (most recent call last):
    ...
    netmap.errors.StoreError: neo4j://db:7687 runs Neo4j 4.4.30; netmap needs Neo4j 5 or later
    """
    match = re.match(r"Neo4j/(\d+)(\S*)", agent or "")
    if match and int(match.group(1)) < MIN_NEO4J:
        raise StoreError(
            f"{label} runs Neo4j {match.group(1)}{match.group(2)}; netmap needs Neo4j {MIN_NEO4J} or later"
        )


def neo4j_message(exc: BaseException, label: str, user: str | None, database: str | None) -> str:
    """One line saying what went wrong talking to Neo4j (no password, no traceback)."""
    from neo4j import exceptions as ne

    code = getattr(exc, "code", None) or ""
    if isinstance(exc, ne.AuthError) or code.startswith("Neo.ClientError.Security.Unauthorized"):
        return f"{label} refused user {user!r}: wrong user or password (netmap reads it from NEO4J_PASSWORD)"
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        return f"{label} has no database {database!r}"
    if isinstance(exc, (ne.ServiceUnavailable, ne.SessionExpired, OSError)):
        return f"cannot reach Neo4j at {label}: {_first_line(exc).rstrip(':')}"
    if isinstance(exc, ne.Neo4jError):
        return f"{label}: {getattr(exc, 'message', None) or _first_line(exc)}"
    return f"{label}: {type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _without_userinfo(uri: str, user: str | None) -> tuple[str, str | None]:
    """The URI without ``user@``; a user named there is the user.

    A password in the URI is refused: it would sit in shell history and process lists,
    and drivers repeat the URI in their error messages.

    >>> _without_userinfo("neo4j+s://alice@db.example.org:7687", "neo4j")
    ('neo4j+s://db.example.org:7687', 'alice')
    """
    parts = urlsplit(uri)
    if parts.password is not None:
        raise UsageError(f"{where(uri)}: put the password in NEO4J_PASSWORD, not in the URI")
    if parts.username is None:
        return uri, user
    netloc = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=netloc).geturl(), parts.username


class Neo4jEngine(Engine):
    """Neo4j 5 through the official driver; every statement in a managed transaction,
    which the driver retries on transient errors (leader switch, deadlock, lost
    connection)."""

    def __init__(
        self, uri: str, *, user: str | None = "neo4j", password: str | None = None, database: str | None = None
    ):
        import neo4j

        self._neo4j = neo4j
        self.database = database
        self.user = user
        uri, user = _without_userinfo(uri, user)
        self.user = user
        self.label = where(uri) + (f" (database {database})" if database else "")
        auth = (user or "neo4j", password) if password is not None else None
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=auth)
        except (neo4j.exceptions.ConfigurationError, ValueError) as exc:
            raise UsageError(f"{where(uri)} is not a Neo4j address netmap can use: {_first_line(exc)}") from None
        try:
            self.driver.verify_connectivity()
            check_agent(self.driver.get_server_info().agent, self.label)
            self.run("store/ping")
        except StoreError:
            self.driver.close()
            raise
        except Exception as exc:  # noqa: BLE001 - every driver failure becomes one line
            self.driver.close()
            raise StoreError(neo4j_message(exc, self.label, user, database)) from None

    def _run(self, stmt: Statement, params: dict[str, Any], *, write: bool) -> list[dict[str, Any]]:
        routing = self._neo4j.RoutingControl.WRITE if write else self._neo4j.RoutingControl.READ
        try:
            records, _, _ = self.driver.execute_query(stmt.text, params, database_=self.database, routing_=routing)
        except Exception as exc:  # noqa: BLE001
            raise StoreError(neo4j_message(exc, self.label, self.user, self.database)) from None
        return [record.data() for record in records]

    def apply_schema(self) -> None:
        for text in schema_statements():
            try:
                # Schema changes cannot share a transaction with data: one each, auto-commit.
                self.driver.execute_query(text, database_=self.database, routing_=self._neo4j.RoutingControl.WRITE)
            except Exception as exc:  # noqa: BLE001
                raise StoreError(neo4j_message(exc, self.label, self.user, self.database)) from None

    def close(self) -> None:
        self.driver.close()


# --- FalkorDB ---------------------------------------------------------------------

_CONSTRAINT = re.compile(
    r"CREATE CONSTRAINT \w+ IF NOT EXISTS FOR \(\w+:(\w+)\) REQUIRE \(?([\w.,\s]+?)\)? IS UNIQUE", re.IGNORECASE
)


def falkordb_schema() -> list[tuple[str, list[str]]]:
    """The schema's uniqueness constraints as (label, properties), for FalkorDB.

    >>> falkordb_schema()[1]
    ('Partner', ['map_id', 'version', 'id'])
    """
    out = []
    for text in schema_statements():
        match = _CONSTRAINT.fullmatch(text.strip())
        if not match:
            raise ValueError(f"schema statement FalkorDB cannot translate: {text}")
        props = [p.strip().split(".", 1)[1] for p in match.group(2).split(",")]
        out.append((match.group(1), props))
    return out


class FalkorEngine(Engine):
    """FalkorDB through its Redis protocol and the ``falkordb`` client.

    The graph is named by ``database`` (default ``netmap``). Each statement is atomic;
    there are no multi-statement transactions, which is why loads stage a new version and
    switch to it in one statement (see :mod:`netmap.store.load`).

    Two load batches are in flight at once: the client spends about as long writing a
    batch's parameters into the request as the server spends running it, so the next
    batch is prepared while the server works (the client's connection pool is
    thread-safe; the server runs writes one at a time, in the order they arrive).
    """

    write_depth = 2

    def __init__(self, uri: str, *, password: str | None = None, database: str | None = None, timeout: float = 30):
        try:
            import falkordb
            import redis
        except ImportError:
            raise UsageError("FalkorDB support needs the falkordb package: pip install falkordb") from None
        self._redis = redis
        parts = urlsplit(uri)
        self.label = where(uri) + f" (graph {database or 'netmap'})"
        options = parse_qs(parts.query)
        try:
            if parts.scheme == "falkordb+unix":
                self.db = falkordb.FalkorDB(unix_socket_path=parts.path, password=password, socket_timeout=timeout)
            else:
                self.db = falkordb.FalkorDB(
                    host=parts.hostname or "localhost",
                    port=parts.port or 6379,
                    username=parts.username or (options.get("user") or [None])[0],
                    password=password,
                    socket_timeout=timeout,
                )
            self.graph = self.db.select_graph(database or "netmap")
            self.run("store/ping")
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise StoreError(self._message(exc)) from None

    def _message(self, exc: BaseException) -> str:
        errors = self._redis.exceptions
        if isinstance(exc, errors.AuthenticationError) or "WRONGPASS" in str(exc) or "NOAUTH" in str(exc):
            return f"{self.label} refused the password (netmap reads it from NEO4J_PASSWORD)"
        if isinstance(exc, (errors.ConnectionError, errors.TimeoutError, OSError)):
            return f"cannot reach FalkorDB at {self.label}: {_first_line(exc)}"
        return f"{self.label}: {_first_line(exc)}"

    def _run(self, stmt: Statement, params: dict[str, Any], *, write: bool) -> list[dict[str, Any]]:
        try:
            # Reads go through GRAPH.QUERY too: GRAPH.RO_QUERY fails on a graph not created yet.
            result = self.graph.query(stmt.text, params)
        except Exception as exc:  # noqa: BLE001
            raise StoreError(self._message(exc)) from None
        names = [column[1] for column in result.header]
        return [dict(zip(names, row, strict=True)) for row in result.result_set]

    def apply_schema(self) -> None:
        errors = self._redis.exceptions
        for label, props in falkordb_schema():
            try:
                # Labels and property names come from the shipped schema file, not from data.
                self.db.execute_command(
                    "GRAPH.QUERY",
                    self.graph.name,
                    f"CREATE INDEX FOR (n:{label}) ON ({', '.join('n.' + p for p in props)})",
                )
            except errors.ResponseError as exc:
                if "already indexed" not in str(exc):
                    raise StoreError(self._message(exc)) from None
            try:
                self.db.execute_command(
                    "GRAPH.CONSTRAINT",
                    "CREATE",
                    self.graph.name,
                    "UNIQUE",
                    "NODE",
                    label,
                    "PROPERTIES",
                    len(props),
                    *props,
                )
            except errors.ResponseError as exc:
                if "already exists" not in str(exc):
                    raise StoreError(self._message(exc)) from None
            except Exception as exc:  # noqa: BLE001
                raise StoreError(self._message(exc)) from None
        # Constraints are built in the background; wait until they hold.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            rows = self.graph.ro_query("CALL db.constraints()").result_set
            if all(row[-1] == "OPERATIONAL" for row in rows):
                return
            time.sleep(0.02)
        raise StoreError(f"{self.label}: constraints did not become operational")

    def close(self) -> None:
        try:
            self.db.connection.close()
        except Exception:  # noqa: BLE001, S110 - closing a broken connection
            pass


def _check_address(uri: str, scheme: str) -> None:
    """Refuse a malformed address (an unclosed ``[``, a host in brackets that is no IP
    address, a port that is no number or out of range) before any driver sees it.

    The message names the scheme only: the rest may hold a user name or a password.

    >>> _check_address("falkordb://[::1", "falkordb")
    Traceback (most recent call last):
    ...
    netmap.errors.UsageError: the falkordb:// address is malformed (Invalid IPv6 URL); write falkordb://HOST:PORT
    """
    try:
        urlsplit(uri).port  # noqa: B018 - reading the port is what checks it
    except ValueError as exc:
        raise UsageError(
            f"the {scheme}:// address is malformed ({_first_line(exc)}); write {scheme}://HOST:PORT"
        ) from None


def connect(uri: str, *, user: str | None = None, password: str | None = None, database: str | None = None) -> Engine:
    """Open a connection to the database at ``uri``.

    Parameters
    ----------
    uri : str
        ``neo4j://``, ``neo4j+s://``, ``bolt://``, ``bolt+s://`` (Neo4j 5, Aura included),
        or ``falkordb://`` / ``falkordb+unix://``.
    user, password : str, optional
        Credentials. ``user`` defaults to ``neo4j``.
    database : str, optional
        Neo4j database (default: the server's default) or FalkorDB graph (``netmap``).

    Raises
    ------
    UsageError
        Not a database URI netmap knows.
    StoreError
        The server cannot be reached, refuses the credentials, lacks the database, or
        is older than Neo4j 5.
    """
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme in NEO4J_SCHEMES + FALKORDB_SCHEMES:
        _check_address(uri, scheme)
    if scheme in NEO4J_SCHEMES:
        return Neo4jEngine(uri, user=user or "neo4j", password=password, database=database)
    if scheme in FALKORDB_SCHEMES:
        return FalkorEngine(uri, password=password, database=database)
    known = ", ".join(f"{s}://" for s in NEO4J_SCHEMES + FALKORDB_SCHEMES)
    raise UsageError(f"{where(uri) if scheme else uri!r} is not a database address; use one of {known}")
