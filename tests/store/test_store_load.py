"""netmap.store.load against a real Cypher engine: idempotent, atomic, isolated, exact."""

from __future__ import annotations

import copy
import threading
import time
from pathlib import Path

import networkx as nx
import pytest

import netmap
from netmap.errors import StoreError, UsageError
from netmap.export.workbook import write_workbook
from netmap.store import drop_map, list_maps, load_map, read_map
from netmap.store.engines import Engine
from netmap.store.load import map_info
from tests.conftest import EXAMPLES, write_csv_workbook

LOCK = threading.Lock()  # the wrapping engines below are called from the loader's threads

EXAMPLE_NAMES = ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"]
INJECTIONS = [
    "x'}) DETACH DELETE n //",
    'x"}) DETACH DELETE n //',
    "`Partner` MATCH (n) DETACH DELETE n",
    "$map $version {rows}",
    "Robert'); DROP TABLE partners;--",
    "<script>alert(1)</script>",
    "Ünïcödé ☃ 𝄞 東京 עברית",
    "back\\slash and\nnew line",
]


def without_none(attrs: dict) -> dict:
    """A database has no null properties: a None attribute reads back as absent.

    ``map_id`` is the name the map was loaded under, checked on its own.
    """
    return {k: v for k, v in attrs.items() if v is not None and k != "map_id"}


def assert_same_graph(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    assert list(H.nodes) == list(G.nodes)
    assert list(H.edges(keys=True)) == list(G.edges(keys=True))
    for n in G:
        assert without_none(H.nodes[n]) == without_none(G.nodes[n]), n
        assert H.nodes[n]["map_id"] == H.graph["map_id"]
    for e in G.edges(keys=True):
        assert without_none(H.edges[e]) == without_none(G.edges[e]), e


def records(tables, sheet):
    return [{k: v for k, v in r.items() if k != "_row"} for r in tables[sheet]]


def example(name: str) -> nx.MultiDiGraph:
    return netmap.read_graph(EXAMPLES / name)


def snapshot(engine: Engine, name: str) -> tuple:
    """Everything a reader can see of a map, and the bookkeeping node."""
    G = read_map(engine, name)
    return (
        map_info(engine, name),
        [(n, dict(d)) for n, d in G.nodes(data=True)],
        [(u, v, k, dict(d)) for u, v, k, d in G.edges(keys=True, data=True)],
    )


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_reads_back_exactly(engine, target, name):
    G = example(name)
    summary = load_map(G, engine, map_name=target.name(name), batch_size=50)
    nodes, rels = G.number_of_nodes(), G.number_of_edges()
    assert summary.written
    assert summary.totals() == {"created": nodes + rels, "updated": 0, "unchanged": 0, "deleted": 0}
    assert summary.counts["Partner"]["created"] == len(netmap.read_workbook(EXAMPLES / name)["partners"])
    H = read_map(engine, target.name(name))
    assert H.graph["map_id"] == target.name(name)
    assert_same_graph(G, H)
    assert H.graph["roster"] == "career-pathways"
    assert H.graph["columns"] == G.graph["columns"]


def test_every_node_carries_its_lookup_key_and_read_back_leaves_it_out(engine, target):
    """Relationship ends are found by ``uid`` (one indexed property): version prefix + id."""
    from netmap.store.load import key_prefix

    G = example("tucson-behavioral-health")
    name = target.name("uid")
    summary = load_map(G, engine, map_name=name, batch_size=25)
    prefix = key_prefix(name, summary.version)
    for label in ("Partner", "Agreement", "AgencyType"):
        rows = engine.run(f"read/{'agency_type' if label == 'AgencyType' else label.lower()}", {"map": name})
        assert rows and all(r["props"]["uid"] == prefix + r["id"] for r in rows)
    assert all("uid" not in d for _, d in read_map(engine, name).nodes(data=True))


def test_loading_twice_changes_nothing(engine, target):
    G = example("tucson-behavioral-health")
    name = target.name("tucson")
    first = load_map(G, engine, map_name=name, batch_size=7)
    before = snapshot(engine, name)
    second = load_map(G, engine, map_name=name, batch_size=7)
    assert not second.written and second.batches == 0
    assert second.version == first.version
    total = G.number_of_nodes() + G.number_of_edges()
    assert second.totals() == {"created": 0, "updated": 0, "unchanged": total, "deleted": 0}
    assert snapshot(engine, name) == before  # same counts, same properties, same loaded_at
    assert engine.run("store/version_count", {"map": name, "version": first.version}) == [
        {"nodes": G.number_of_nodes(), "relationships": G.number_of_edges()}
    ]


def test_a_changed_workbook_replaces_the_version_and_says_what_changed(engine, target, small_workbook):
    name = target.name("small")
    G = netmap.read_graph(small_workbook)
    load_map(G, engine, map_name=name)
    H = copy.deepcopy(G)
    H.nodes["Partner:P1"]["name"] = "Pima College"  # updated
    H.remove_edge("Partner:P2", "Partner:P1", key="TIED_TO:3")  # deleted
    H.add_node("Region:cochise", label="Region", id="cochise", map_id=G.graph["map_id"], name="Cochise")  # created
    summary = load_map(H, engine, map_name=name)
    assert summary.written and summary.previous_version != summary.version
    assert summary.counts["Partner"] == {"created": 0, "updated": 1, "unchanged": 4, "deleted": 0}
    assert summary.counts["TIED_TO"]["deleted"] == 1
    assert summary.counts["Region"]["created"] == 1
    assert_same_graph(H, read_map(engine, name))
    # The old version is kept beside it (versions are kept unless --keep says otherwise).
    assert_same_graph(G, read_map(engine, name, version="1"))
    assert engine.run("store/version_count", {"map": name, "version": summary.previous_version}) == [
        {"nodes": G.number_of_nodes(), "relationships": G.number_of_edges()}
    ]
    # With keep=1 the next load leaves only its own version: the others go after the switch.
    G.nodes["Partner:P1"]["name"] = "Pima Community College"
    third = load_map(G, engine, map_name=name, keep=1)
    assert third.forgotten == [1, 2]
    for version in (summary.previous_version, summary.version):
        assert engine.run("store/version_count", {"map": name, "version": version}) == [
            {"nodes": 0, "relationships": 0}
        ]


def test_two_maps_side_by_side_do_not_interfere(engine, target):
    tucson, oregon = example("tucson-behavioral-health"), example("oregon-pathways-alliance")
    a, b = target.name("a"), target.name("b")
    load_map(tucson, engine, map_name=a)
    load_map(oregon, engine, map_name=b)
    b_before = snapshot(engine, b)
    # The same workbook under a second name is a second map, not a collision.
    load_map(tucson, engine, map_name=b + "-copy")
    changed = copy.deepcopy(tucson)
    changed.remove_node("Partner:PCC")
    load_map(changed, engine, map_name=a)
    assert snapshot(engine, b) == b_before
    assert_same_graph(tucson, read_map(engine, b + "-copy"))
    assert_same_graph(changed, read_map(engine, a))
    drop_map(engine, a)
    assert snapshot(engine, b) == b_before
    assert {m["map"] for m in list_maps(engine)} >= {b, b + "-copy"}
    assert a not in {m["map"] for m in list_maps(engine)}


class FailingEngine(Engine):
    """Passes statements to a real engine, and fails the k-th loader batch.

    Connections do not drop on cue and processes are not killed on cue, so this is the
    one fault the suite injects.
    """

    def __init__(self, inner: Engine, fail_at: int):
        self.inner, self.fail_at, self.label, self.loads = inner, fail_at, inner.label, 0

    def _run(self, stmt, params, *, write):
        if stmt.name.startswith("load/"):
            with LOCK:
                self.loads += 1
                fail = self.loads == self.fail_at
            if fail:
                raise StoreError("connection reset by peer")
        return self.inner._run(stmt, params, write=write)

    def apply_schema(self):
        self.inner.apply_schema()

    def close(self):
        pass


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("fail_at", [1, 5, 17])
def test_a_failed_load_leaves_the_previous_version_and_a_rerun_completes(engine, target, fail_at, depth):
    name = target.name("oregon")
    old, new = example("tucson-behavioral-health"), example("oregon-pathways-alliance")
    load_map(old, engine, map_name=name, batch_size=10)
    before = snapshot(engine, name)
    broken = FailingEngine(engine, fail_at)
    broken.write_depth = depth  # two batches in flight: the failure still stops the load whole
    with pytest.raises(StoreError) as caught:
        load_map(new, broken, map_name=name, batch_size=10)
    message = str(caught.value)
    # With two in flight, the batch that fails is the fail_at-th to start: that one or its neighbour.
    failed = int(message.split()[1])
    assert failed == fail_at if depth == 1 else abs(failed - fail_at) <= 1
    assert "connection reset by peer" in message and "previous version" in message
    assert snapshot(engine, name) == before  # readers see the old map, whole
    summary = load_map(new, engine, map_name=name, batch_size=10)
    assert summary.written and summary.number == 2
    assert_same_graph(new, read_map(engine, name))
    # The rerun wrote into the version the failed load staged (same id), so nothing else is left.
    sizes = {r["version"]: r["nodes"] for r in engine.run("store/version_sizes", {"map": name})}
    assert sizes == {summary.previous_version: old.number_of_nodes(), summary.version: new.number_of_nodes()}


class RecordingEngine(Engine):
    """The real engine, two batches in flight, each load batch slowed a little and timed."""

    write_depth = 2

    def __init__(self, inner: Engine):
        self.inner, self.label, self.spans = inner, inner.label, []

    def _run(self, stmt, params, *, write):
        if not stmt.name.startswith("load/"):
            return self.inner._run(stmt, params, write=write)
        started = time.perf_counter()
        time.sleep(0.01)  # long enough for the next batch to be sent meanwhile
        out = self.inner._run(stmt, params, write=write)
        with LOCK:
            self.spans.append((stmt.name, started, time.perf_counter()))
        return out

    def apply_schema(self):
        self.inner.apply_schema()

    def close(self):
        pass


def test_batches_in_flight_together_never_let_a_relationship_go_before_its_nodes(engine, target):
    from netmap.model import NODE_LABELS
    from netmap.store.load import _file

    G = example("oregon-pathways-alliance")
    recorder = RecordingEngine(engine)
    summary = load_map(G, recorder, map_name=target.name("pipelined"), batch_size=10)
    node_files = {f"load/{_file(label)}" for label in NODE_LABELS}
    nodes = [s for s in recorder.spans if s[0] in node_files]
    rels = [s for s in recorder.spans if s[0] not in node_files]
    assert len(recorder.spans) == summary.batches and nodes and rels
    assert max(end for _, _, end in nodes) <= min(start for _, start, _ in rels)
    events = sorted([(start, 1) for _, start, _ in recorder.spans] + [(end, -1) for _, _, end in recorder.spans])
    in_flight = [sum(step for _, step in events[: i + 1]) for i in range(len(events))]
    assert max(in_flight) == 2  # overlapped, and never more than the engine's depth
    assert_same_graph(G, read_map(engine, target.name("pipelined")))


def test_a_failed_first_load_leaves_no_map(engine, target):
    name = target.name("first")
    with pytest.raises(StoreError, match=r"^batch 2 of "):
        load_map(example("tucson-behavioral-health"), FailingEngine(engine, 2), map_name=name, batch_size=10)
    assert name not in {m["map"] for m in list_maps(engine)}
    with pytest.raises(UsageError, match="has no map"):
        read_map(engine, name)
    load_map(example("tucson-behavioral-health"), engine, map_name=name, batch_size=10)
    assert read_map(engine, name).number_of_nodes() == example("tucson-behavioral-health").number_of_nodes()


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_like_values_are_stored_exactly(engine, target, small_workbook, value):
    G = netmap.read_graph(small_workbook)
    G.nodes["Partner:P1"]["name"] = value
    G.nodes["Partner:P1"]["notes"] = value
    G.edges["Partner:P2", "Partner:P1", "TIED_TO:3"]["notes"] = value
    name = target.name("hostile")
    load_map(G, engine, map_name=name)
    H = read_map(engine, name)
    assert H.nodes["Partner:P1"]["name"] == value
    assert H.edges["Partner:P2", "Partner:P1", "TIED_TO:3"]["notes"] == value
    assert H.number_of_nodes() == G.number_of_nodes()


def test_a_one_megabyte_value_is_stored_exactly(engine, target, small_workbook):
    G = netmap.read_graph(small_workbook)
    big = ("x'}) DETACH DELETE n // 東京 " * 40_000)[:1_000_000]
    G.nodes["Partner:P3"]["notes"] = big
    name = target.name("big")
    load_map(G, engine, map_name=name)
    assert read_map(engine, name).nodes["Partner:P3"]["notes"] == big


def test_ids_are_text(engine, target, small_workbook):
    name = target.name("ids")
    load_map(netmap.read_graph(small_workbook), engine, map_name=name)
    H = read_map(engine, name)
    assert H.nodes["Partner:007"]["id"] == "007"
    assert "Partner:7" not in H


SERVICE_COLUMNS = (
    "partner_id", "service", "population", "region", "location", "capacity", "waitlist", "eligibility",
    "languages", "cost", "funding_id", "accepts_referrals_from", "refers_to",
)  # fmt: skip


RICH = ("F1", "007", "007;P'3")  # funding_id, accepts_referrals_from, refers_to


def hostile_workbook(folder: Path) -> Path:
    """Every kind of row, with injection-like text in every free-text cell."""
    a, b, c = INJECTIONS[0], INJECTIONS[2], INJECTIONS[6]
    return write_csv_workbook(
        folder,
        {
            "partners": [
                ["id", "name", "agency_type", "level", "region", "team", "status", "notes", "Board seat"],
                ["007", a, "CC", "local", b, "leadership", "", c, "yes"],
                ["7", b, "American Job Center", "local", b, "leadership", "active", "", ""],
                ["P'3", c, "State human service agency", "state", "", "", "", a, b],
            ],
            "roles": [["partner_id", "role", "notes"], ["007", "Design programs", a], ["7", "LMI", ""]],
            "agreements": [
                ["id", "parties", "title", "type", "signed", "expires", "status"],
                ["A`1", "007;7", b, "MOU", "2024-01-15", "", "active"],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id", "amount", "start", "end", "program"],
                ["F1", a, "7", "P'3", "250000.5", "2025-07-01", "2026-06-30", c],
                ["F2", "wioa title i adult", "007", "", "", "", "", ""],
                ["F3", "WIOA Title I Adult", "7", "", "10", "", "", ""],
            ],
            "ties": [
                ["source_id", "target_id", "kind", "strength", "directed", "notes"],
                ["007", "7", "", "2", "", a],
                ["7", "P'3", "referral", "", "no", c],
                ["P'3", "007", "advisory", "3", "yes", ""],
            ],
            "services": [
                [*SERVICE_COLUMNS],
                ["7", b, "people with disabilities", "", "", "", "", "", "", "", "", "", ""],
                ["007", "Child care", c, "", "", "", "", "", "", "", "", "", ""],
                # several populations, languages and partners in a cell; every new column filled
                ["7", "Job training", "Veterans; English learners", b, a, "120", "0", a, f"English; {c}", c, *RICH],
            ],
            "needs": [["region", "population", "count"], [b, "Veterans", "1200"], [b, c, "0"]],
            "contacts": [
                ["partner_id", "name", "title", "email", "phone", "champion"],
                ["7", a, b, "x@example.org", "555-0100", "yes"],
                ["007", c, "", "", "", ""],
            ],
        },
    )


@pytest.mark.parametrize("name", [*EXAMPLE_NAMES, "hostile"])
def test_workbook_to_database_to_workbook_is_equal_row_for_row(engine, target, tmp_path, name):
    source = hostile_workbook(tmp_path / "hostile") if name == "hostile" else EXAMPLES / name
    original = netmap.read_workbook(source)
    assert original.ok, original.issues
    load_map(netmap.build_graph(original), engine, map_name=target.name(name))
    pulled = write_workbook(read_map(engine, target.name(name)), tmp_path / "pulled")
    again = netmap.read_workbook(pulled.folder)
    assert again.ok, again.issues
    assert set(again.records) == set(original.records)
    for sheet in original.records:
        assert records(again, sheet) == records(original, sheet), sheet
    assert again.columns == original.columns


def test_the_services_columns_and_the_needs_sheet_read_back_exactly(engine, target, tmp_path):
    G = netmap.read_graph(hostile_workbook(tmp_path / "hostile"))
    load_map(G, engine, map_name=target.name("services"))
    H = read_map(engine, target.name("services"))
    assert_same_graph(G, H)
    provides = {k: d for _, _, k, d in H.edges(keys=True, data=True) if d["type"] == "PROVIDES" and d["_row"] == 4}
    assert sorted(provides) == [
        "PROVIDES:Service:job-training:english-learners",
        "PROVIDES:Service:job-training:veterans",
    ]
    edge = provides["PROVIDES:Service:job-training:veterans"]
    assert (edge["service_id"], edge["capacity"], edge["waitlist"], edge["funding_id"]) == ("training", 120, 0, "F1")
    assert (edge["languages"], edge["refers_to"], edge["accepts_referrals_from"]) == (
        ["English", INJECTIONS[6]],
        ["007", "P'3"],
        ["007"],
    )
    assert H.graph["needs"] == G.graph["needs"]
    assert [(n["region"], n["population"], n["count"]) for n in H.graph["needs"]] == [
        (INJECTIONS[2], "veterans", 1200),
        (INJECTIONS[2], INJECTIONS[6], 0),
    ]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_analyses_of_a_stored_map_equal_those_of_the_workbook(engine, target, name):
    from netmap.analysis import analyze

    G = example(name)
    load_map(G, engine, map_name=target.name(name))
    H = read_map(engine, target.name(name))
    expected = analyze(G, as_of="2026-07-01").to_dict() | {"map_id": target.name(name)}
    assert analyze(H, as_of="2026-07-01").to_dict() == expected


def test_reading_does_not_see_a_staged_version(engine, target, small_workbook):
    name = target.name("staged")
    G = netmap.read_graph(small_workbook)
    load_map(G, engine, map_name=name)
    H = copy.deepcopy(G)
    H.nodes["Partner:P1"]["name"] = "Renamed"
    with pytest.raises(StoreError):
        # All but the last batch get written; the version switch never happens.
        load_map(H, FailingEngine(engine, 21), map_name=name, batch_size=1000)
    assert read_map(engine, name).nodes["Partner:P1"]["name"] == "Pima Community College"


def test_batch_size_must_be_positive(engine, small_workbook):
    with pytest.raises(UsageError, match="--batch-size must be at least 1, not 0"):
        load_map(netmap.read_graph(small_workbook), engine, map_name="x", batch_size=0)


def test_drop_map_removes_every_version_and_only_that_map(engine, target, small_workbook):
    G = netmap.read_graph(small_workbook)
    keep, gone = target.name("keep"), target.name("gone")
    load_map(G, engine, map_name=keep)
    load_map(G, engine, map_name=gone)
    assert drop_map(engine, gone) == G.number_of_nodes()
    assert gone not in {m["map"] for m in list_maps(engine)}
    assert_same_graph(G, read_map(engine, keep))
    with pytest.raises(UsageError, match=f"has no map '{gone}'"):
        drop_map(engine, gone)
