"""netmap.store.engines: connecting, and failing to connect, in one line and without the password."""

from __future__ import annotations

import socket

import pytest

from netmap.errors import StoreError, UsageError
from netmap.store import connect, is_store_uri, where
from netmap.store.engines import check_agent, falkordb_schema, neo4j_message
from netmap.store.statements import schema_statements

SECRET = "s3cret-do-not-print"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("neo4j://localhost:7687", "neo4j://localhost:7687"),
        ("neo4j+s://alice:pw@abc123.databases.neo4j.io", "neo4j+s://abc123.databases.neo4j.io"),
        ("bolt://user:pw@10.0.0.5:7687?policy=x", "bolt://10.0.0.5:7687"),
        ("bolt+s://db.example.org:7687/", "bolt+s://db.example.org:7687"),
        ("falkordb+unix:///run/falkor.sock", "falkordb+unix:///run/falkor.sock"),
    ],
)
def test_where_never_shows_credentials(uri, shown):
    assert where(uri) == shown
    assert is_store_uri(uri)


@pytest.mark.parametrize("source", ["examples/x", "map.xlsx", "http://example.org", "C:\\data\\x.xlsx", "redis://x"])
def test_files_and_other_urls_are_not_store_uris(source):
    assert not is_store_uri(source)


@pytest.mark.parametrize("scheme", ["neo4j", "neo4j+s", "bolt", "bolt+s"])
def test_an_unreachable_neo4j_is_one_line_naming_the_server(scheme):
    port = closed_port()
    with pytest.raises(StoreError) as caught:
        connect(f"{scheme}://127.0.0.1:{port}", password=SECRET)
    message = str(caught.value)
    assert message.startswith(f"cannot reach Neo4j at {scheme}://127.0.0.1:{port}")
    assert "\n" not in message and SECRET not in message


@pytest.mark.parametrize("scheme", ["neo4j", "bolt+s"])
def test_a_password_in_the_uri_is_refused_without_repeating_it(scheme):
    with pytest.raises(UsageError) as caught:
        connect(f"{scheme}://alice:{SECRET}@127.0.0.1:7687")
    assert str(caught.value) == f"{scheme}://127.0.0.1:7687: put the password in NEO4J_PASSWORD, not in the URI"


def test_a_user_in_the_uri_is_the_user():
    port = closed_port()
    with pytest.raises(StoreError, match=f"^cannot reach Neo4j at neo4j://127.0.0.1:{port}"):
        connect(f"neo4j://alice@127.0.0.1:{port}", password=SECRET)


def test_an_unreachable_falkordb_is_one_line(tmp_path):
    with pytest.raises(StoreError, match=r"^cannot reach FalkorDB at falkordb\+unix://.*nothing\.sock"):
        connect(f"falkordb+unix://{tmp_path}/nothing.sock")


def test_a_wrong_password_is_one_line_without_the_password(falkordb_with_password):
    with pytest.raises(StoreError) as caught:
        connect(falkordb_with_password.uri, password=SECRET)
    message = str(caught.value)
    assert "refused the password" in message and "NEO4J_PASSWORD" in message
    assert SECRET not in message and "\n" not in message
    with falkordb_with_password.connect() as engine:  # the right one works
        assert engine.run("store/ping") == [{"ok": 1}]


def test_an_unknown_scheme_is_a_usage_error():
    with pytest.raises(UsageError, match=r"'http://x' is not a database address; use one of neo4j://"):
        connect("http://x")


@pytest.mark.parametrize(
    ("agent", "refused"),
    [("Neo4j/4.4.30", True), ("Neo4j/3.5.0", True), ("Neo4j/5.26.1", False), ("Neo4j/2025.01.0", False)],
)
def test_only_neo4j_5_or_later_is_accepted(agent, refused):
    if refused:
        with pytest.raises(StoreError, match=r"^neo4j://db:7687 runs Neo4j [34]\.\S+; netmap needs Neo4j 5 or later$"):
            check_agent(agent, "neo4j://db:7687")
    else:
        check_agent(agent, "neo4j://db:7687")


def test_driver_errors_become_one_line_messages():
    # The driver's own exception types, as a server would raise them: a real server
    # cannot be made to refuse a login or lose a database here (no Neo4j on CI).
    from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable

    auth = AuthError("The client is unauthorized due to authentication failure.")
    assert neo4j_message(auth, "neo4j://db:7687", "alice", None) == (
        "neo4j://db:7687 refused user 'alice': wrong user or password (netmap reads it from NEO4J_PASSWORD)"
    )
    missing = ClientError("Database does not exist. Database name: 'nope'.")
    missing._neo4j_code = "Neo.ClientError.Database.DatabaseNotFound"
    message = neo4j_message(missing, "neo4j://db:7687 (database nope)", "neo4j", "nope")
    assert message == "neo4j://db:7687 (database nope) has no database 'nope'"
    down = ServiceUnavailable("Couldn't connect to db:7687 (resolved to ()):\nConnection refused")
    assert neo4j_message(down, "neo4j://db:7687", "neo4j", None) == (
        "cannot reach Neo4j at neo4j://db:7687: Couldn't connect to db:7687 (resolved to ())"
    )


def test_the_falkordb_schema_is_the_neo4j_schema_translated():
    pairs = falkordb_schema()
    assert len(pairs) == len(schema_statements()) == 23
    assert pairs[0] == ("Map", ["id"])
    assert pairs[-1] == ("LoadLock", ["map"])  # one load lock per map: concurrent takes cannot make two
    assert ("Person", ["map_id", "version", "id"]) in pairs
    assert ("Person", ["uid"]) in pairs  # the one-property key loads find relationship ends by
    assert ("MapVersion", ["map", "version"]) in pairs  # one node per kept version of a map


def test_applying_the_schema_twice_is_harmless(engine):
    engine.apply_schema()
    engine.apply_schema()
    assert engine.run("store/ping") == [{"ok": 1}]


def test_statements_get_exactly_their_parameters(engine):
    with pytest.raises(ValueError, match=r"store/map_get takes \['map'\], was given \['map', 'x'\]"):
        engine.run("store/map_get", {"map": "m", "x": 1})
    with pytest.raises(KeyError, match=r"no Cypher statement named 'store/\.\./\.\./etc'"):
        engine.run("store/../../etc")
