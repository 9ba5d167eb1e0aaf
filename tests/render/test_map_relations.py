"""netmap.render.map_relations: the page's relationships read off the rows equal those read off the graph."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import netmap
from netmap.analysis._common import partners
from netmap.build import deferred_graph, is_deferred
from netmap.graphcache import attach_tables, shared_cache
from netmap.render.map_relations import relations
from tests.conftest import write_csv_workbook
from tests.test_columns import DAYS, EXAMPLES, FOUR_PARTNERS, generate

_ROOT = Path(__file__).parents[2]
# These tests read the rows path itself, whatever NETMAP_GRAPH_PATH says.
pytestmark = pytest.mark.usefixtures("rows_path")


def _plain(r) -> dict:
    """What the page reads of each list (the graph's edge dicts hold more than the rows')."""
    return {
        "roles": r.roles,
        "parties": r.parties,
        "funds": [(s, v, _award(e)) for s, v, e in r.funds],
        "funds_now": [(s, v, _award(e)) for s, v, e in r.funds_now],
        "contacts": r.contacts,
        "ties": [
            (a, b, e.get("kind") or "collaboration", e.get("directed"), e.get("start"), e.get("end"))
            for a, b, e in r.ties
        ],
    }


def _award(e: dict) -> tuple:
    return tuple(e.get(k) for k in ("award_id", "amount", "start", "end", "funder_id"))


def _both(tables, day: str):
    day = dt.date.fromisoformat(day)
    G = netmap.build_graph(tables)
    from_graph = relations(G, partners(G), day, contacts=True)
    with shared_cache():
        D = deferred_graph(tables)
        attach_tables(D, tables)
        from_rows = relations(D, partners(D), day, contacts=True)
        assert is_deferred(D)  # read off the rows: the graph was not built
    return _plain(from_graph), _plain(from_rows)


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("day", DAYS)
def test_rows_and_graph_give_the_same_relations_on_the_examples(example, day):
    graph, rows = _both(netmap.read_workbook(_ROOT / "examples" / example), day)
    assert rows == graph


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    for shape in ("hubs", "spread"):
        generate.generate(1500, folder / shape, seed=7, shape=shape)
    return {shape: folder / shape for shape in ("hubs", "spread")}


@pytest.mark.parametrize("shape", ["hubs", "spread"])
def test_rows_and_graph_give_the_same_relations_on_generated_maps(generated, shape):
    graph, rows = _both(netmap.read_workbook(generated[shape]), "2026-11-24")
    assert rows == graph
    assert len(rows["funds"]) > len(rows["funds_now"]) > 100 and len(rows["parties"]) > 100


def _hand(tmp_path):
    """Ties out of order (a pair's later rows before another pair's first), directed both ways,
    dated; agreements whose parties come in another order than the partners; a lapsed and a
    planned award; a funder that is its own recipient; a former partner; two contacts."""
    return write_csv_workbook(
        tmp_path / "hand",
        {
            "partners": FOUR_PARTNERS,
            "ties": [
                ["source_id", "target_id", "kind", "directed", "start", "end"],
                ["C", "A", "referral", "yes", "", ""],
                ["A", "C", "", "", "", "2025-12-31"],
                ["A", "B", "referral", "yes", "", ""],
                ["C", "A", "advisory", "", "2027-01-01", ""],
                ["A", "C", "referral", "yes", "", ""],
                ["B", "D", "", "", "", "2020-01-01"],
                ["B", "A", "referral", "yes", "2030-01-01", ""],
            ],
            "agreements": [
                ["id", "parties", "title", "type", "signed", "expires", "status"],
                ["M2", "C;A", "Data MOU", "MOU", "2024-01-01", "2025-06-30", ""],
                ["M1", "B;A;C", "", "", "2027-03-01", "", ""],
                ["M3", "B;D", "Old MOU", "MOU", "", "", "expired"],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id", "amount", "start", "end"],
                ["F1", "WIOA Adult", "B", "A", "1000", "2024-01-01", "2024-12-31"],
                ["F2", "Perkins", "C", "A", "", "2026-01-01", ""],
                ["F3", "WIOA adult", "A", "B", "500", "2028-01-01", ""],
                ["F4", "Perkins", "A", "A", "", "", ""],
            ],
            "contacts": [
                ["partner_id", "name", "title", "email"],
                ["B", "Ana Ruiz", "Director", "ana@example.org"],
                ["A", "Li Wei", "", ""],
            ],
        },
    )


def test_rows_and_graph_give_the_same_relations_by_hand(tmp_path):
    tables = netmap.read_workbook(_hand(tmp_path))
    assert tables.ok, tables.issues
    graph, rows = _both(tables, "2026-11-24")
    assert rows == graph
    # Written out: C's ties before A's? No: sources in the partners' order (A, B, C), each
    # one's targets in the order of its first row to them, then row by row.
    assert rows["ties"] == [
        ("A", "C", "collaboration", None, None, dt.date(2025, 12, 31)),
        ("A", "C", "referral", True, None, None),
        ("A", "B", "referral", True, None, None),
        ("B", "A", "referral", True, dt.date(2030, 1, 1), None),
        ("C", "A", "referral", True, None, None),
        ("C", "A", "advisory", None, dt.date(2027, 1, 1), None),
    ]
    assert [(pid, a["id"]) for pid, a in rows["parties"]] == [
        ("A", "M2"),
        ("A", "M1"),
        ("B", "M1"),
        ("B", "M3"),
        ("C", "M2"),
        ("C", "M1"),
        ("D", "M3"),
    ]
    # Streams as first named ("WIOA adult" is the same stream as "WIOA Adult"), then recipients.
    assert [(s, v, e[0]) for s, v, e in rows["funds"]] == [
        ("WIOA Adult", "B", "F1"),
        ("WIOA Adult", "A", "F3"),
        ("Perkins", "C", "F2"),
        ("Perkins", "A", "F4"),
    ]
    assert [e[0] for _, _, e in rows["funds_now"]] == ["F2", "F4"]
    assert [(p["name"], pid) for p, pid in rows["contacts"]] == [("Ana Ruiz", "B"), ("Li Wei", "A")]
    assert sorted(rows["roles"]) == []


def test_a_region_view_is_read_off_the_graph(tmp_path):
    tables = netmap.read_workbook(_ROOT / "examples" / "four-state-coalitions")
    from netmap.analysis import select_region

    with shared_cache():
        D = deferred_graph(tables)
        attach_tables(D, tables)
        view = select_region(D, "Delaware")
        got = relations(view, partners(view), dt.date(2026, 11, 24), contacts=False)
    G = netmap.build_graph(tables)
    view = select_region(G, "Delaware")
    assert _plain(got) == _plain(relations(view, partners(view), dt.date(2026, 11, 24), contacts=False))
