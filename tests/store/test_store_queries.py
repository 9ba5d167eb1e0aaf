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
from netmap.project import agreement_state, award_state, tie_state
from netmap.store import load_map
from netmap.store.load import key_prefix, map_info
from netmap.store.rows import graph_rows
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
    params = {
        "map": stored["oregon-pathways-alliance"],
        "as_of": "2026-07-01",
        "days": 365,
        "since": "2025-07-01",
        "old": "v1",
        "new": "v2",
    }
    names = common_subset_queries()
    assert len(names) >= 9
    for name in names:
        engine.run(name, {k: params[k] for k in statement(name).parameters})


# --- the queries for state teams (issue 23): gaps per region, versions compared, partners lost ---


def test_gaps_per_region_count_the_missing_agency_types(engine, stored):
    for name, G in VARIANTS:
        want: dict[tuple, list[str]] = defaultdict(list)
        for t in roster_gaps(G).missing:
            want[(t.region, t.level)].append(t.agency_type)
        rows = engine.run("queries/gaps_per_region", {"map": stored[name]})
        got = {(r["region"], r["level"]): (r["missing"], r["agency_types"]) for r in rows}
        assert got == {k: (len(v), sorted(v)) for k, v in want.items()}, name
        counts = [r["missing"] for r in rows]
        assert counts == sorted(counts, reverse=True), name


def test_gaps_per_region_of_tucson(engine, stored):
    rows = engine.run("queries/gaps_per_region", {"map": stored["tucson-behavioral-health"]})
    assert rows == [
        {
            "region": "Pima County",
            "level": "local",
            "missing": 7,
            "agency_types": [
                "Local TANF providers",
                "Local WIB",
                "Local economic development agency",
                "Local human service agencies",
                "Local secondary education providers",
                "Local universities",
                "Public companies",
            ],
        }
    ]


def _partner_rows(G) -> list[dict]:
    return graph_rows(G).nodes["Partner"]


def test_versions_compared_lists_the_partners_one_version_has_and_the_other_lacks(engine, target):
    """Two versions of one map side by side, as the store keeps them: nodes told apart by ``version``."""
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    name = target.name("tucson-versions")
    load_map(G, engine, map_name=name)
    old = map_info(engine, name)["version"]
    new = "f" * len(old)
    # The next quarter's partners: two have left, one has joined.
    rows = [r for r in _partner_rows(G) if r["id"] not in ("RVH", "SCR")]
    rows.append({"id": "NEW1", "props": {"name": "Pima Reentry Coalition", "region": "Pima County"}})
    engine.run("load/partner", {"map": name, "version": new, "prefix": key_prefix(name, new), "rows": rows}, write=True)
    lost = engine.run("queries/versions_compared", {"map": name, "old": old, "new": new})
    assert [r["id"] for r in lost] == ["RVH", "SCR"]
    assert lost[0]["name"] == G.nodes["Partner:RVH"]["name"]
    assert lost[0]["region"] == "Pima County"
    gained = engine.run("queries/versions_compared", {"map": name, "old": new, "new": old})
    assert [(r["id"], r["name"]) for r in gained] == [("NEW1", "Pima Reentry Coalition")]
    assert engine.run("queries/versions_compared", {"map": name, "old": old, "new": "no-such-version"}) == []
    assert engine.run("queries/versions_compared", {"map": name, "old": old, "new": old}) == []


def _lost_in_python(G, since: dt.date, day: dt.date) -> list[str]:
    """netmap.project's rules, partner by partner: current links on ``since``, none on ``day``."""

    def links(pid: str, when: dt.date) -> int:
        n = 0
        for u, v, d in G.edges(data=True):
            if pid not in (u, v):
                continue
            if d["type"] == "TIED_TO" and tie_state(d, when) == "current":
                n += 1
            elif d["type"] == "PARTY_TO" and agreement_state(G.nodes[v], when) == "current":
                n += 1
            elif d["type"] == "FUNDS" and award_state(d, when) == "current":
                n += 1
        return n

    partners = [n for n, d in G.nodes(data=True) if d["label"] == "Partner"]
    return sorted(G.nodes[p]["id"] for p in partners if links(p, since) and not links(p, day))


def test_partners_lost_since_a_date(engine, target):
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")

    def edges(pid: str, rel: str) -> list:
        node = f"Partner:{pid}"
        return [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d["type"] == rel and node in (u, v)]

    # DDC: its one tie ended and its agreement expired mid-2025. MPS: its ties ended and its award ran out.
    for e in edges("DDC", "TIED_TO"):
        G.edges[e]["end"] = dt.date(2025, 6, 30)
    for _, agreement, _ in edges("DDC", "PARTY_TO"):
        G.nodes[agreement].update(status="active", expires=dt.date(2025, 6, 30))
    for e in edges("MPS", "TIED_TO"):
        G.edges[e]["end"] = dt.date(2025, 3, 31)
    for e in edges("MPS", "FUNDS"):
        G.edges[e].update(start=dt.date(2024, 4, 1), end=dt.date(2025, 12, 31))
    # RVH's tie only begins in 2026 (not lost: it had nothing then); SCR's ended before 2025 (nothing then).
    for e in edges("RVH", "TIED_TO"):
        G.edges[e]["start"] = dt.date(2026, 1, 1)
    for e in edges("SCR", "TIED_TO"):
        G.edges[e]["end"] = dt.date(2024, 12, 31)
    name = target.name("tucson-lost")
    load_map(G, engine, map_name=name)
    since, day = dt.date(2025, 1, 1), dt.date(2026, 7, 1)
    rows = engine.run(
        "queries/partners_lost_since", {"map": name, "since": since.isoformat(), "as_of": day.isoformat()}
    )
    # SFP's only tie was the one with MPS: it is lost with it.
    assert [r["id"] for r in rows] == _lost_in_python(G, since, day) == ["DDC", "MPS", "SFP"]
    ddc, mps, sfp = rows
    assert (sfp["ties_then"], sfp["agreements_then"], sfp["awards_then"]) == (1, [], 0)
    assert (ddc["ties_then"], ddc["agreements_then"], ddc["awards_then"]) == (1, ["TA01"], 0)
    assert (mps["ties_then"], mps["agreements_then"], mps["awards_then"]) == (2, [], 1)
    # Before anything ended, nobody is lost.
    assert engine.run("queries/partners_lost_since", {"map": name, "since": "2025-01-01", "as_of": "2025-02-01"}) == []
