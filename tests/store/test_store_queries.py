"""The hand-run queries of cypher/queries, executed on the loaded examples.

The two that answer what a Python analysis answers must return exactly the same; the others
are checked against numbers worked out from the graph in plain Python.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter, defaultdict

import pytest

import netmap
from netmap.analysis.formalisation import formalisation
from netmap.analysis.gaps import roster_gaps
from netmap.store import load_map
from netmap.store.statements import available, statement
from tests.conftest import EXAMPLES

EXAMPLE_NAMES = ["tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions"]
DAYS = ["2020-01-01", "2026-07-01", "2030-01-01"]


def variants() -> list[tuple[str, object]]:
    """The examples, and edits of them that exercise the scope rules."""
    out = [(name, netmap.read_graph(EXAMPLES / name)) for name in EXAMPLE_NAMES]
    tucson = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    no_regions = copy.deepcopy(tucson)
    for _, d in no_regions.nodes(data=True):
        if d.get("label") == "Partner":
            d["region"] = None
    out.append(("no-regions", no_regions))
    dormant = copy.deepcopy(netmap.read_graph(EXAMPLES / "four-state-coalitions"))
    for n, d in list(dormant.nodes(data=True))[::3]:
        if d.get("label") == "Partner":
            d["status"] = "prospective"
            dormant.nodes[n]["level"] = None
    out.append(("dormant", dormant))
    return out


VARIANTS = variants()


def common_subset_queries() -> list[str]:
    return [
        n for n in available() if n.startswith("queries/") and "Runs on: Neo4j 5 and FalkorDB" in statement(n).header
    ]


@pytest.fixture
def stored(engine, target):
    """Every variant loaded into one graph side by side, as a state team would keep them."""
    names = {}
    for name, G in VARIANTS:
        names[name] = target.name(name)
        load_map(G, engine, map_name=names[name])
    return names


def test_missing_agency_types_match_the_python_analysis(engine, stored):
    for name, G in VARIANTS:
        rows = engine.run("queries/missing_agency_types", {"map": stored[name]})
        got = [(r["level"], r["region"], r["agency_type_id"], r["agency_type"], r["category"]) for r in rows]
        want = [(t.level, t.region, t.agency_type_id, t.agency_type, t.category) for t in roster_gaps(G).missing]
        assert sorted(got, key=str) == sorted(want, key=str), name
        assert len(got) == len(set(got)), name


def test_tucson_lacks_its_known_local_types(engine, stored):
    rows = engine.run("queries/missing_agency_types", {"map": stored["tucson-behavioral-health"]})
    local = {r["agency_type"] for r in rows if r["level"] == "local"}
    assert "Local TANF providers" in local and "Local WIB" in local


@pytest.mark.parametrize("day", DAYS)
def test_partners_with_roles_without_agreement_match_the_python_analysis(engine, stored, day):
    for name, G in VARIANTS:
        rows = engine.run("queries/partners_with_roles_without_agreement", {"map": stored[name], "as_of": day})
        want = formalisation(G, as_of=dt.date.fromisoformat(day)).roles_without_agreement
        assert sorted((r["id"], r["name"], r["team"]) for r in rows) == sorted(
            (w["id"], w["name"], w["team"]) for w in want
        ), (name, day)


def test_agreements_expiring(engine, stored):
    G = dict(VARIANTS)["four-state-coalitions"]
    day, days = dt.date(2026, 7, 1), 90
    rows = engine.run(
        "queries/agreements_expiring", {"map": stored["four-state-coalitions"], "as_of": day.isoformat(), "days": days}
    )
    want = sorted(
        d["id"]
        for _, d in G.nodes(data=True)
        if d.get("label") == "Agreement"
        and d.get("expires") is not None
        and 0 <= (d["expires"] - day).days <= days
        and d.get("status") not in ("expired", "terminated")
    )
    assert sorted(r["id"] for r in rows) == want == ["FA03"]
    (row,) = rows
    assert row["days_left"] == 61
    assert sorted(row["party_ids"]) == ["TN-CC", "TN-MLC", "TN-UNIV"]


def test_funding_by_stream_and_category(engine, stored):
    for name, G in VARIANTS[:3]:
        want_total: dict[tuple[str, str], float] = defaultdict(float)
        want_awards: Counter = Counter()
        for u, v, d in G.edges(data=True):
            if d.get("type") == "FUNDS":
                key = (G.nodes[u]["id"], G.nodes[v]["category"])
                want_total[key] += d.get("amount") or 0.0
                want_awards[key] += 1
        rows = engine.run("queries/funding_by_stream_and_category", {"map": stored[name]})
        got = {(r["stream_id"], r["category_id"]): (r["awards"], r["total_amount"]) for r in rows}
        assert got == {k: (want_awards[k], pytest.approx(want_total[k])) for k in want_awards}, name


def test_single_stream_partners(engine, stored):
    for name, G in VARIANTS[:3]:
        streams = defaultdict(set)
        for u, v, d in G.edges(data=True):
            if d.get("type") == "FUNDS":
                streams[G.nodes[v]["id"]].add(G.nodes[u]["id"])
        want = sorted((pid, next(iter(s))) for pid, s in streams.items() if len(s) == 1)
        rows = engine.run("queries/single_stream_partners", {"map": stored[name]})
        assert sorted((r["id"], r["stream_id"]) for r in rows) == want, name


def test_cross_category_ties(engine, stored):
    for name, G in VARIANTS[:3]:
        active = {
            n for n, d in G.nodes(data=True) if d.get("label") == "Partner" and d.get("status") in (None, "active")
        }
        want = Counter()
        for u, v, d in G.edges(data=True):
            if d.get("type") == "TIED_TO" and u in active and v in active:
                a, b = G.nodes[u]["category"], G.nodes[v]["category"]
                if a != b:
                    want[tuple(sorted((a, b)))] += 1
        rows = engine.run("queries/cross_category_ties", {"map": stored[name]})
        got = Counter({tuple(sorted((r["category_id_1"], r["category_id_2"]))): r["ties"] for r in rows})
        assert got == want, name


def test_every_common_subset_query_runs(engine, stored):
    params = {"map": stored["oregon-pathways-alliance"], "as_of": "2026-07-01", "days": 365}
    names = common_subset_queries()
    assert len(names) >= 6
    for name in names:
        engine.run(name, {k: params[k] for k in statement(name).parameters})
