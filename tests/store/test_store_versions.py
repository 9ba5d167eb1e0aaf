"""Versions kept in the database: load, keep, select (number, id, date), drop one, on a real engine."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from netmap.errors import StoreError, UsageError
from netmap.store import drop_map, drop_version, list_versions, load_map, read_map
from netmap.store.load import map_info
from tests.store.test_store_load import FailingEngine, assert_same_graph, example, snapshot

UTC = dt.timezone.utc
# Three quarters of the Tucson example (15 partners): two partners leave, one at a time.
QUARTERS = [
    ("Q1 2026", dt.datetime(2026, 1, 15, 12, tzinfo=UTC), ()),
    ("Q2 2026", dt.datetime(2026, 4, 15, 12, tzinfo=UTC), ("Partner:PCC",)),
    ("Q3 2026", dt.datetime(2026, 7, 15, 12, tzinfo=UTC), ("Partner:PCC", "Partner:UPH")),
]
PARTNERS = {1: 15, 2: 14, 3: 13}


def quarter(gone: tuple[str, ...]):
    G = copy.deepcopy(example("tucson-behavioral-health"))
    G.remove_nodes_from(gone)
    return G


def partners(G) -> int:
    return sum(1 for _, d in G.nodes(data=True) if d.get("label") == "Partner")


def load_quarters(engine, name, **options):
    return [
        load_map(quarter(gone), engine, map_name=name, label=label, loaded_at=when, batch_size=20, **options)
        for label, when, gone in QUARTERS
    ]


def nodes_of(engine, name, version) -> int:
    return engine.run("store/version_count", {"map": name, "version": version})[0]["nodes"]


def test_each_load_keeps_a_numbered_labelled_version(engine, target):
    name = target.name("tucson")
    summaries = load_quarters(engine, name)
    assert [s.number for s in summaries] == [1, 2, 3] and all(s.written for s in summaries)
    versions = list_versions(engine, name)
    assert [(v["number"], v["label"], v["loaded_at"], v["current"]) for v in versions] == [
        (1, "Q1 2026", "2026-01-15T12:00:00+00:00", False),
        (2, "Q2 2026", "2026-04-15T12:00:00+00:00", False),
        (3, "Q3 2026", "2026-07-15T12:00:00+00:00", True),
    ]
    assert [v["version"] for v in versions] == [s.version for s in summaries]
    assert map_info(engine, name)["version"] == summaries[2].version
    # Every version's nodes are there, whole.
    assert [nodes_of(engine, name, s.version) for s in summaries] == [
        quarter(gone).number_of_nodes() for _, _, gone in QUARTERS
    ]


@pytest.mark.parametrize(
    ("spec", "number"),
    [
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("2026-01-15", 1),  # loaded that day
        ("2026-04-14", 1),  # the day before Q2 was loaded: Q1 was current
        ("2026-04-15", 2),  # the end of the day counts
        ("2026-12-31", 3),
    ],
)
def test_a_version_is_read_by_number_or_date(engine, target, spec, number):
    name = target.name("tucson")
    load_quarters(engine, name)
    G = read_map(engine, f"{name}@{spec}")
    assert partners(G) == PARTNERS[number]
    assert G.graph["map_id"] == name


def test_a_version_is_read_by_id_or_its_beginning_and_reads_back_exactly(engine, target):
    name = target.name("tucson")
    summaries = load_quarters(engine, name)
    first, second = summaries[0].version, summaries[1].version
    assert_same_graph(quarter(()), read_map(engine, f"{name}@{first}"))
    assert_same_graph(quarter(QUARTERS[1][2]), read_map(engine, name, version=second[:8]))
    assert partners(read_map(engine, name)) == 13  # no version: the current one


@pytest.mark.parametrize("spec", ["4", "0", "2025-12-31", "nope", "2026-02-30"])
def test_an_unknown_version_is_a_usage_error_listing_the_versions(engine, target, spec):
    name = target.name("tucson")
    load_quarters(engine, name)
    with pytest.raises(UsageError) as caught:
        read_map(engine, f"{name}@{spec}")
    message = str(caught.value)
    if spec != "2026-02-30":
        assert "@1 (id " in message and "Q2 2026" in message and "@3 (id " in message and "current" in message


def test_keep_leaves_the_newest_versions(engine, target):
    name = target.name("tucson")
    summaries = load_quarters(engine, name, keep=2)
    assert summaries[2].forgotten == [1]
    assert [v["number"] for v in list_versions(engine, name)] == [2, 3]
    assert nodes_of(engine, name, summaries[0].version) == 0
    assert nodes_of(engine, name, summaries[1].version) == quarter(QUARTERS[1][2]).number_of_nodes()
    assert partners(read_map(engine, f"{name}@2")) == 14
    with pytest.raises(UsageError, match="has no version '1'"):
        read_map(engine, f"{name}@1")
    # keep=1 on an unchanged load still trims, and numbers are never reused.
    again = load_map(quarter(QUARTERS[2][2]), engine, map_name=name, keep=1)
    assert not again.written and again.forgotten == [2]
    assert [v["number"] for v in list_versions(engine, name)] == [3]


def test_an_unchanged_workbook_writes_no_version(engine, target):
    name = target.name("tucson")
    summaries = load_quarters(engine, name)
    before = (list_versions(engine, name), snapshot(engine, name))
    again = load_map(quarter(QUARTERS[2][2]), engine, map_name=name, label="Q3 again")
    assert not again.written and again.batches == 0
    assert (again.version, again.number, again.label) == (summaries[2].version, 3, "Q3 2026")
    assert (list_versions(engine, name), snapshot(engine, name)) == before


def test_the_same_content_after_another_version_is_a_version_of_its_own(engine, target):
    name = target.name("aba")
    a, b = quarter(()), quarter(("Partner:PCC",))
    first, _, third = (load_map(G, engine, map_name=name) for G in (a, b, a))
    assert third.written and third.number == 3 and third.version != first.version
    assert_same_graph(read_map(engine, f"{name}@1"), read_map(engine, f"{name}@3"))


@pytest.mark.parametrize("fail_at", [1, 3])
def test_a_failed_load_leaves_the_previous_current_version_and_the_kept_ones(engine, target, fail_at):
    name = target.name("tucson")
    load_quarters(engine, name)
    versions, before = list_versions(engine, name), snapshot(engine, name)
    kept_before = read_map(engine, f"{name}@1")
    changed = quarter(("Partner:PCC", "Partner:UPH", "Partner:TIC"))
    with pytest.raises(StoreError, match="previous version"):
        load_map(changed, FailingEngine(engine, fail_at), map_name=name, label="Q4", keep=1, batch_size=20)
    assert list_versions(engine, name) == versions  # --keep did not run: the load never switched
    assert snapshot(engine, name) == before
    assert partners(read_map(engine, name)) == 13
    assert_same_graph(kept_before, read_map(engine, f"{name}@1"))
    rerun = load_map(changed, engine, map_name=name, label="Q4", batch_size=20)
    assert rerun.written and rerun.number == 4 and partners(read_map(engine, name)) == 12


def test_drop_version_removes_exactly_that_versions_nodes(engine, target):
    name, other = target.name("tucson"), target.name("oregon")
    summaries = load_quarters(engine, name)
    load_map(example("oregon-pathways-alliance"), engine, map_name=other)
    other_before = snapshot(engine, other)
    counts = [nodes_of(engine, name, s.version) for s in summaries]
    chosen, deleted = drop_version(engine, name, "2")
    assert chosen["number"] == 2 and deleted == counts[1]
    assert [nodes_of(engine, name, s.version) for s in summaries] == [counts[0], 0, counts[2]]
    assert [v["number"] for v in list_versions(engine, name)] == [1, 3]
    assert snapshot(engine, other) == other_before
    # The date that chose version 2 now finds the newest kept version loaded by then.
    assert partners(read_map(engine, f"{name}@2026-05-01")) == 15


def test_drop_version_refuses_the_current_one(engine, target):
    name = target.name("tucson")
    summaries = load_quarters(engine, name)
    with pytest.raises(UsageError, match="is the current version"):
        drop_version(engine, name, summaries[2].version)
    assert [v["number"] for v in list_versions(engine, name)] == [1, 2, 3]
    assert nodes_of(engine, name, summaries[2].version) == quarter(QUARTERS[2][2]).number_of_nodes()


def test_drop_map_removes_every_version(engine, target):
    name = target.name("tucson")
    load_quarters(engine, name)
    drop_map(engine, name)
    assert list_versions(engine, name) == []
    with pytest.raises(UsageError, match="has no map"):
        read_map(engine, f"{name}@1")


def test_a_map_from_before_versions_is_kept_as_version_one(engine, target):
    name = target.name("legacy")
    first = load_map(quarter(()), engine, map_name=name, label="old")
    engine.run("store/version_forget_all", {"map": name}, write=True)  # as a load before this change left it
    assert [(v["number"], v["current"]) for v in list_versions(engine, name)] == [(1, True)]
    second = load_map(quarter(("Partner:PCC",)), engine, map_name=name)
    assert second.number == 2
    assert [v["version"] for v in list_versions(engine, name)] == [first.version, second.version]
    assert partners(read_map(engine, f"{name}@1")) == 15


@pytest.mark.parametrize(("value", "message"), [(0, "--keep"), (-1, "--keep")])
def test_keep_must_be_a_positive_number(engine, target, value, message):
    with pytest.raises(UsageError, match=message):
        load_map(quarter(()), engine, map_name=target.name("k"), keep=value)


def test_a_map_name_with_an_at_sign_is_refused(engine):
    with pytest.raises(UsageError, match="reserves"):
        load_map(quarter(()), engine, map_name="tucson@2026")


# --- the command line, end to end ----------------------------------------------------------


def test_load_maps_select_diff_and_drop_versions_from_the_command_line(target, tmp_path):
    import json
    import shutil

    from typer.testing import CliRunner

    from netmap.cli import app
    from tests.conftest import EXAMPLES

    name, uri = target.name("tucson"), target.server.uri
    extra = [*target.cli_args, *(["--user", target.server.user] if target.server.user else [])]
    env = {"COLUMNS": "80", **({"NEO4J_PASSWORD": target.server.password} if target.server.password else {})}

    def run(*args):
        return CliRunner().invoke(app, [str(a) for a in args], env=env)

    # Not named after the map: the listing's source column (a path, wrapped at 80
    # columns) must not hold the name the rows are found by.
    book = tmp_path / "book"
    shutil.copytree(EXAMPLES / "tucson-behavioral-health", book)
    row = "{0},{1},Local community-based organizations,local,Pima County,,active,,,\n"
    outputs = []
    for label, added in [("Q1", None), ("Q2", ("NEW1", "New Horizons Youth Works")), ("Q3", ("NEW2", "Desert Trades"))]:
        if added:
            with (book / "partners.csv").open("a", encoding="utf-8") as f:
                f.write(row.format(*added))
        done = run("load", book, "--uri", uri, "--map", name, "--label", label, "--keep", "2", *extra)
        assert done.exit_code == 0, done.output
        outputs.append(done.stdout)
    assert f"loaded map '{name}' into " in outputs[0] and "as version @1 (" in outputs[0]
    assert "as version @3 (" in outputs[2] and "deleted older version(s) @1 (--keep)" in outputs[2]
    again = run("load", book, "--uri", uri, "--map", name, "--label", "Q3 again", *extra)
    assert again.exit_code == 0 and "nothing written, no new version" in again.stdout

    listed = run("maps", "--uri", uri, *extra)
    assert listed.exit_code == 0, listed.output
    assert all(len(line) <= 80 for line in listed.stdout.splitlines())
    lines = [line for line in listed.stdout.splitlines() if name in line]
    assert len(lines) == 2 and "Q2" in lines[0] and "Q3" in lines[1] and "*" in lines[1] and "*" not in lines[0]
    as_json = json.loads(run("maps", "--uri", uri, "--json", *extra).stdout)
    versions = next(m for m in as_json if m["map"] == name)["versions"]
    assert [(v["number"], v["label"], v["current"]) for v in versions] == [(2, "Q2", False), (3, "Q3", True)]

    # Every SOURCE takes NAME@VERSION: partner counts of the two kept versions.
    for spec, count in [("2", 16), (versions[1]["version"], 17), (dt.datetime.now(UTC).date().isoformat(), 17)]:
        shown = run("validate", uri, "--map", f"{name}@{spec}", "--json", *extra)
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout)["counts"]["partners"] == count, spec
    changes = run("diff", uri, uri, "--old-map", f"{name}@2", "--new-map", f"{name}@3", "--json", *extra)
    assert changes.exit_code == 0, changes.output
    assert [p["id"] for p in json.loads(changes.stdout)["partners_gained"]] == ["NEW2"]

    gone = run("gaps", uri, "--map", f"{name}@1", *extra)
    assert gone.exit_code == 2 and "has no version '1'" in gone.output and "@2 (id " in gone.output
    refused = run("drop", "--uri", uri, "--map", name, "--version", "3", *extra)
    assert refused.exit_code == 2 and "is the current version" in refused.output
    dropped = run("drop", "--uri", uri, "--map", name, "--version", "2", *extra)
    assert dropped.exit_code == 0 and f"deleted version @2 ({versions[0]['version']}) of map '{name}'" in dropped.output
    after = json.loads(run("maps", "--uri", uri, "--json", *extra).stdout)
    assert [v["number"] for v in next(m for m in after if m["map"] == name)["versions"]] == [3]
