"""The igraph / numpy fast paths give the NetworkX paths' results (issue 8)."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from netmap.analysis import _igraph, brokerage, brokers, health, resilience
from netmap.analysis._common import use_igraph
from netmap.analysis.brokers import constraint, effective_size

pytest.importorskip("igraph")
pytest.importorskip("scipy")

CATEGORIES = ("education", "employers", "workforce-development", "human-services", None)


def netmap_graph(P: nx.Graph, *, directed_share: float = 0.0, seed: int = 0) -> nx.MultiDiGraph:
    """A netmap graph whose partner projection is ``P`` (nodes get categories, regions, types)."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph(roster="career-pathways")
    for v in P:
        pid = str(v)
        G.add_node(
            f"Partner:{pid}",
            label="Partner",
            id=pid,
            name=f"Org {pid}",
            category=P.nodes[v].get("category", CATEGORIES[rng.randrange(len(CATEGORIES))]),
            agency_type=rng.choice(["local-community-colleges", "private-businesses", "local-wib"]),
            region=rng.choice(["North", "South", None]),
        )
    for i, (a, b) in enumerate(P.edges()):
        directed = rng.random() < directed_share
        G.add_edge(
            f"Partner:{a}", f"Partner:{b}", key=f"TIED_TO:{i}", type="TIED_TO", kind="referral", directed=directed
        )
    return G


def small_graphs() -> list[nx.Graph]:
    graphs = [
        nx.path_graph(5),
        nx.star_graph(6),
        nx.complete_graph(4),
        nx.barbell_graph(4, 2),
        nx.disjoint_union(nx.cycle_graph(5), nx.path_graph(5)),
        nx.karate_club_graph(),
    ]
    two = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (10, 11), (11, 12)])
    two.add_node(20)  # an isolate
    graphs.append(two)
    # Equal largest components: the first in node order counts as the largest.
    graphs.append(nx.Graph([(0, 1), (1, 2), (5, 6), (6, 7), (7, 8), (3, 4), (4, 9), (9, 10)]))
    return [nx.relabel_nodes(g, {v: str(v) for v in g}) for g in graphs]


def medium_graphs() -> list[nx.Graph]:
    plc = nx.powerlaw_cluster_graph(400, 2, 0.3, seed=3)
    planted = nx.planted_partition_graph(6, 80, 0.12, 0.004, seed=5)
    for v in planted:
        planted.nodes[v]["category"] = CATEGORIES[v // 80 % len(CATEGORIES)]
    tree_ish = nx.random_labeled_tree(300, seed=2)  # every inner node is a cut point
    tree_ish.add_edges_from([(0, 150), (10, 20)])
    return [nx.relabel_nodes(g, {v: str(v) for v in g}) for g in (plc, planted, tree_ish)]


ALL = small_graphs() + medium_graphs()


def close(a: dict, b: dict, tol: float = 1e-9) -> bool:
    assert set(a) == set(b)
    return all((math.isnan(a[k]) and math.isnan(b[k])) or abs(a[k] - b[k]) <= tol for k in a)


def test_backend_contract():
    assert use_igraph("igraph", 3) and not use_igraph("networkx", 10**6)
    assert not use_igraph("auto", 10) and use_igraph("auto", 10**6)
    with pytest.raises(ValueError):
        use_igraph("graph-tool", 5)


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_exact_measures_match(P):
    assert close(_igraph.betweenness(P), nx.betweenness_centrality(P))
    assert close(_igraph.constraint(P), constraint(P), 1e-12)
    assert close(_igraph.effective_size(P), effective_size(P), 1e-12)
    assert _igraph.articulation_points(P) == set(nx.articulation_points(P))
    assert sorted(tuple(sorted(e)) for e in _igraph.bridges(P)) == sorted(tuple(sorted(e)) for e in nx.bridges(P))
    assert sorted(map(sorted, _igraph.connected_components(P))) == sorted(map(sorted, nx.connected_components(P)))


@pytest.mark.parametrize(
    ("P", "expected"),
    [
        (nx.Graph(), {}),
        (nx.empty_graph(["x"]), {"x": (math.nan, math.nan)}),
        (nx.Graph([("a", "b")]), {"a": (1.0, 1.0), "b": (1.0, 1.0)}),
        # A triangle: each pair's share is 1/2 + 1/4, twice: 1.125; effective size 2 - 2/2.
        (nx.complete_graph(["a", "b", "c"]), dict.fromkeys("abc", (1.125, 1.0))),
    ],
    ids=["empty", "isolate", "one-tie", "triangle"],
)
def test_constraint_and_effective_size_worked_by_hand(P, expected):
    got = {v: (_igraph.constraint(P)[v], _igraph.effective_size(P)[v]) for v in P}
    assert set(got) == set(expected)
    for v, pair in expected.items():
        assert all(
            (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b) for a, b in zip(got[v], pair, strict=True)
        )


def test_constraint_matches_networkx_itself():
    P = small_graphs()[5]
    ours = _igraph.constraint(P)
    assert all(abs(ours[v] - c) < 1e-12 for v, c in nx.constraint(P).items())
    eff = _igraph.effective_size(P)
    assert all(abs(eff[v] - c) < 1e-12 for v, c in nx.effective_size(P).items())


@pytest.mark.parametrize("P", medium_graphs()[:2], ids=["powerlaw", "planted"])
def test_sampled_betweenness_equals_networkx_sample(P):
    ours = _igraph.betweenness(P, k=50, seed=7)
    theirs = nx.betweenness_centrality(P, k=50, seed=7)
    assert close(ours, theirs)


def test_sampled_betweenness_ranks_like_exact_on_3000_partners():
    from scipy.stats import spearmanr

    P = nx.relabel_nodes(nx.powerlaw_cluster_graph(3000, 3, 0.2, seed=11), str)
    exact = _igraph.betweenness(P)
    sampled = _igraph.betweenness(P, k=500, seed=0)
    nodes = list(P)
    rho = spearmanr([exact[v] for v in nodes], [sampled[v] for v in nodes]).statistic
    assert rho > 0.9


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_brokerage_census_matches(P):
    G = netmap_graph(P, directed_share=0.3, seed=1)
    from netmap.analysis.brokers import partner_digraph

    D = partner_digraph(G)
    assert brokerage(D, backend="igraph") == brokerage(D, backend="networkx")


def test_brokerage_hand_made():
    D = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("b", "d"), ("a", "d"), ("e", "b")])
    nx.set_node_attributes(D, {"a": 1, "b": 2, "c": 2, "d": 3, "e": 1}, "category")
    assert brokerage(D, backend="igraph") == brokerage(D, backend="networkx")


@pytest.mark.parametrize(
    ("src", "dst", "group", "expected"),
    [
        ([], [], [], []),  # no partners
        ([], [], [0, 1], [[0] * 5, [0] * 5]),  # no arcs
        # 2 -> 0 -> 1 open (gatekeeper of 0), 0 -> 1 -> 2 open (representative of 1),
        # 1 -> 2 -> 0 closed by 1 -> 0, 1 -> 0 -> 1 a return: none of them count.
        ([0, 1, 2, 1], [1, 2, 0, 0], [0, 0, 1], [[0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0] * 5]),
        # A triangle tied both ways is closed every way round.
        ([0, 1, 1, 2, 0, 2], [1, 0, 2, 1, 2, 0], [0, 1, 2], [[0] * 5] * 3),
        # A star: the hub brokers each pair of leaves both ways (two liaisons, two itinerants).
        ([0, 1, 0, 2, 0, 3], [1, 0, 2, 0, 3, 0], [0, 1, 2, 1], [[0, 2, 0, 0, 4], [0] * 5, [0] * 5, [0] * 5]),
        # The same star with category_codes' -1 (no category) among the codes.
        ([0, 1, 0, 2, 0, 3], [1, 0, 2, 0, 3, 0], [-1, 0, 1, 0], [[0, 2, 0, 0, 4], [0] * 5, [0] * 5, [0] * 5]),
    ],
    ids=["empty", "no-arcs", "mixed", "closed-triangle", "star", "star-uncategorised-hub"],
)
def test_brokerage_arrays_hand_counted(src, dst, group, expected):
    assert _igraph.brokerage_arrays(src, dst, group, len(group)).tolist() == expected


def strip(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in ("communities", "communities_vs_categories_nmi", "silos")}


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_brokers_resilience_health_match(P):
    G = netmap_graph(P, seed=2)
    assert brokers(G, backend="igraph").to_dict() == brokers(G, backend="networkx").to_dict()
    sampled = brokers(G, backend="igraph", k=5, seed=3).to_dict()
    assert sampled == brokers(G, backend="networkx", k=5, seed=3).to_dict()
    assert sampled["betweenness_method"] == "sampled" and sampled["k"] == min(5, len(P)) and sampled["seed"] == 3
    fast, slow = resilience(G, as_of="2026-11-24", backend="igraph"), resilience(G, as_of="2026-11-24")
    assert fast.to_dict() == resilience(G, as_of="2026-11-24", backend="networkx").to_dict()
    assert slow.to_dict() == fast.to_dict()
    assert strip(health(G, backend="igraph").to_dict()) == strip(health(G, backend="networkx").to_dict())


def with_every_arc_source(P: nx.Graph, seed: int) -> nx.MultiDiGraph:
    """``netmap_graph`` plus what else gives arcs: agreements, funding, directed ties, and
    partners the brokers leave out (former, prospective) or cannot place (no category)."""
    rng = random.Random(seed)
    G = netmap_graph(P, directed_share=0.3, seed=seed)
    ids = [str(v) for v in P]
    for v in rng.sample(ids, len(ids) // 10):
        G.nodes[f"Partner:{v}"]["status"] = rng.choice(["former", "prospective"])
    for v in rng.sample(ids, len(ids) // 10):
        G.nodes[f"Partner:{v}"]["category"] = None
    for i in range(len(ids) // 8):
        G.add_node(f"Agreement:M{i}", label="Agreement", id=f"M{i}")
        for party in rng.sample(ids, rng.randint(2, 5)):
            G.add_edge(f"Partner:{party}", f"Agreement:M{i}", type="PARTY_TO")
    G.add_node("FundingStream:wioa", label="FundingStream", id="wioa", name="WIOA Title I")
    for i in range(len(ids) // 5):
        funder, recipient = rng.sample(ids, 2)
        G.add_edge(
            "FundingStream:wioa",
            f"Partner:{recipient}",
            key=f"FUNDS:F{i}",
            type="FUNDS",
            funder_id=funder,
            award_id=f"F{i}",
        )
    G.add_edge(
        "FundingStream:wioa", f"Partner:{ids[0]}", key="FUNDS:none", type="FUNDS", funder_id=None, award_id="none"
    )
    return G


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_brokers_match_with_agreements_funding_and_directed_ties(P):
    G = with_every_arc_source(P, seed=3)
    fast = brokers(G, backend="igraph").to_dict()
    assert fast == brokers(G, backend="networkx").to_dict()
    # The census counts the arcs partner_digraph draws, whichever path made them.
    from netmap.analysis.brokers import partner_digraph

    counts = brokerage(partner_digraph(G), backend="networkx")
    assert {r["id"]: r["brokerage"] for r in fast["brokers"]} == counts


@pytest.mark.parametrize("P", medium_graphs()[:2], ids=["powerlaw", "planted"])
def test_louvain_quality_matches(P):
    G = netmap_graph(P, seed=4)
    fast = _igraph.louvain(P, seed=1)
    slow = nx.community.louvain_communities(P, seed=1)
    assert sorted(v for c in fast for v in c) == sorted(P)
    assert abs(nx.community.modularity(P, fast) - nx.community.modularity(P, slow)) < 0.03
    # Seeded: the same seed gives the same communities, and the global RNG is left alone.
    state = random.getstate()
    again = _igraph.louvain(P, seed=1)
    assert random.getstate() == state
    assert sorted(map(sorted, again)) == sorted(map(sorted, fast))
    assert (
        health(G, backend="igraph", seed=1).to_dict()["communities"]
        == health(G, backend="igraph", seed=1).to_dict()["communities"]
    )


def test_fast_paths_do_not_modify_the_graph():
    G = netmap_graph(medium_graphs()[0], seed=5)
    before = nx.to_dict_of_dicts(G), dict(G.nodes(data=True))
    brokers(G, backend="igraph")
    resilience(G, backend="igraph")
    health(G, backend="igraph")
    assert (nx.to_dict_of_dicts(G), dict(G.nodes(data=True))) == before


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_block_cut_tree_from_networkx_or_igraph_gives_the_same_impacts(P):
    from netmap.analysis._blockcut import removal_impacts

    Q = P.copy()
    Q.add_nodes_from(["isolated-1", "isolated-2"])  # isolates belong to no block
    Q.add_edge("pair-a", "pair-b")  # a second component of two
    assert removal_impacts(Q, native=True) == removal_impacts(Q, native=False)
    core, impacts = removal_impacts(Q)
    biggest = max(nx.connected_components(Q), key=len)
    assert core == biggest
    for v in list(Q)[:25]:  # against removing the node and recounting
        R = Q.copy()
        R.remove_node(v)
        after = max((len(c) for c in nx.connected_components(R)), default=0)
        assert impacts[v][0] == after


def test_brokers_on_the_second_core_equal_brokers_here(monkeypatch):
    """Above IGRAPH_THRESHOLD partners analyze() and the map send the C-heavy measures to a
    worker process (netmap._worker) while the other analyses run: same results as in one
    process, for the whole analysis and for the brokers alone."""
    from netmap._worker import ENV, enabled
    from netmap.analysis import analyze, start_brokers
    from netmap.analysis._common import IGRAPH_THRESHOLD, partner_graph, prefetched, shared_cache

    P = nx.relabel_nodes(nx.powerlaw_cluster_graph(IGRAPH_THRESHOLD + 200, 2, 0.3, seed=7), str)
    G = netmap_graph(P, directed_share=0.2, seed=5)
    with shared_cache():
        job = start_brokers(G, seed=4, top=10)
        # 1,200 partners: exact betweenness (k None), asked of the worker with the census.
        assert prefetched(partner_graph(G), ("raw", "betweenness", None, 4)) is enabled()
        assert prefetched(G, ("raw", "census")) is enabled()
        assert job.result().to_dict() == brokers(G, seed=4, top=10).to_dict()
    with shared_cache():
        # The plain-NetworkX path and small maps never start a worker.
        start_brokers(G, backend="networkx")
        small = netmap_graph(nx.relabel_nodes(nx.path_graph(IGRAPH_THRESHOLD), str))
        start_brokers(small, backend="igraph")
        assert not prefetched(partner_graph(small), ("raw", "betweenness", None, 0))
        assert not prefetched(partner_graph(G), ("raw", "betweenness", None, 0))
    parallel = analyze(G, as_of="2026-11-24", seed=1).to_dict()
    monkeypatch.setenv(ENV, "0")
    with shared_cache():
        start_brokers(G)
        assert not prefetched(partner_graph(G), ("raw", "betweenness", None, 0))
    assert analyze(G, as_of="2026-11-24", seed=1).to_dict() == parallel


def test_a_worker_killed_midway_changes_no_result():
    """The parts a dead worker did not send are computed in this process."""
    import os
    import signal

    from netmap._worker import enabled
    from netmap.analysis import _offload, analyze
    from netmap.analysis._common import IGRAPH_THRESHOLD, cache_worker, shared_cache

    if not enabled():
        pytest.skip("no worker on a single CPU or with NETMAP_PARALLEL=0")

    P = nx.relabel_nodes(nx.powerlaw_cluster_graph(IGRAPH_THRESHOLD + 300, 3, 0.2, seed=2), str)
    G = netmap_graph(P, directed_share=0.1, seed=3)
    expected = analyze(G, as_of="2026-11-24", seed=2, backend="igraph").to_dict()
    with shared_cache():
        assert _offload.prefetch(G, as_of="2026-11-24", health_seed=2, brokers=(None, 2))
        os.kill(cache_worker().pid, signal.SIGKILL)
        assert analyze(G, as_of="2026-11-24", seed=2, backend="igraph").to_dict() == expected


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_igraph_copy_has_the_edges_sorted_by_their_ends(P):
    """igraph's edge ids follow the (lo, hi) index pairs in order (Louvain and the searches
    visit edges in that order, in this process and in a worker alike), self-loops left out,
    isolates kept."""
    Q = P.copy()
    first = next(iter(Q))
    Q.add_edge(first, first)  # a self-loop
    Q.add_node("isolated")
    g = _igraph.to_igraph(Q)
    assert g.nodes == list(Q)
    expected = sorted(tuple(sorted((g.index[a], g.index[b]))) for a, b in Q.edges() if a != b)
    assert g.graph.get_edgelist() == expected
    assert _igraph.to_igraph(nx.Graph()).graph.vcount() == 0


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_the_worker_builds_the_partner_graph_from_the_arcs(P):
    """What netmap.analysis._offload sends (the arcs without direction) is the partner
    graph's edge set exactly, with agreements, funding, directed ties and inactive
    partners, so the worker's igraph graph is the one made here."""
    from netmap.analysis._common import partner_graph, shared_cache
    from netmap.analysis.brokers import arc_arrays

    G = with_every_arc_source(P, seed=9)
    with shared_cache():
        ids, _, src, dst = arc_arrays(G)
        Q = partner_graph(G)
        assert ids == list(Q)
        lo, hi = _igraph.pairs_of(len(ids), src, dst)
        es = _igraph.edge_set(Q)
        assert (lo.tolist(), hi.tolist()) == (es.lo.tolist(), es.hi.tolist())
        assert len(lo) == Q.number_of_edges()


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_tie_counts_by_category_match_the_edge_loop(P):
    from netmap.analysis.health import _tie_counts

    rng = random.Random(6)
    Q = P.copy()
    first = next(iter(Q))
    Q.add_edge(first, first)  # a self-loop counts once, inside its category, weight twice
    Q.add_node("isolated")
    for _, _, d in Q.edges(data=True):
        if rng.random() < 0.7:
            d["weight"] = rng.randint(1, 4)  # the others weigh 1
    category = {v: rng.choice([*CATEGORIES[:3], None]) for v in Q}
    slow = _tie_counts(Q, category)
    fast = _igraph.tie_counts(Q, list(category.values()))
    assert fast == slow
    touching, crossing, inside, strength, external = fast
    assert external == sum(1 for a, b in Q.edges() if category[a] != category[b])
    assert sum(strength.values()) == 2 * Q.size(weight="weight")
    assert sum(touching.values()) == Q.number_of_edges() + external  # a crossing tie touches two
    assert sum(crossing.values()) == 2 * external
    assert sum(inside.values()) == sum(w for a, b, w in Q.edges(data="weight", default=1) if category[a] == category[b])


@pytest.mark.parametrize("P", ALL, ids=lambda g: f"n{g.number_of_nodes()}m{g.number_of_edges()}")
def test_cross_category_counts_from_arrays_match_the_neighbour_loop(P):
    from netmap.analysis.health import cross_counts, cross_ties

    rng = random.Random(8)
    Q = P.copy()
    for v in Q:
        Q.nodes[v]["category"] = rng.choice(CATEGORIES)  # None among them: a group of its own
    Q.add_node("isolated", category="education")
    slow = cross_counts(Q)
    assert cross_counts(Q, fast=True) == slow
    assert slow[1] == cross_ties(Q)
    assert slow[0]["isolated"] == 0


def test_one_region_of_a_large_map_gets_the_same_analysis_with_or_without_the_worker(monkeypatch):
    """--region analyses a view of the map: the worker reads the view's arcs, not the map's."""
    from netmap._worker import ENV, enabled
    from netmap.analysis import analyze, select_region
    from netmap.analysis._common import IGRAPH_THRESHOLD, partners, shared_cache

    P = nx.relabel_nodes(nx.powerlaw_cluster_graph(IGRAPH_THRESHOLD * 3, 2, 0.2, seed=11), str)
    G = with_every_arc_source(P, seed=12)
    with shared_cache():
        assert len(partners(select_region(G, "North"))) > IGRAPH_THRESHOLD  # the fast path, the worker
    parallel = analyze(G, region="North", as_of="2026-11-24", seed=3).to_dict()
    monkeypatch.setenv(ENV, "0")
    assert not enabled()
    assert analyze(G, region="North", as_of="2026-11-24", seed=3).to_dict() == parallel


@pytest.fixture(scope="module")
def generated_maps(tmp_path_factory):
    """Generated workbooks of a few hundred partners, both shapes (benchmarks/generate.py)."""
    import sys
    from pathlib import Path

    import netmap

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from generate import generate

    maps = {}
    for shape in ("hubs", "spread"):
        for n, seed in ((60, 1), (300, 0)):
            out = tmp_path_factory.mktemp(f"{shape}{n}")
            generate(n, out, seed=seed, shape=shape)
            maps[f"{shape}-{n}"] = netmap.read_graph(out)
    return maps


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("hubs-60", "2026-07-01"),
        ("hubs-60", "2024-01-01"),
        ("spread-60", "2026-07-01"),
        ("spread-60", "2024-01-01"),
        ("hubs-300", "2026-07-01"),
        ("spread-300", "2024-01-01"),
    ],
)
def test_auto_brokers_of_a_few_hundred_partners_are_networkx_brokers(generated_maps, name, day, monkeypatch):
    from netmap.analysis._common import IGRAPH_THRESHOLD, partner_graph
    from netmap.analysis.brokers import BROKERS_FAST_ABOVE

    G = generated_maps[name]
    n = partner_graph(G, day).number_of_nodes()
    assert BROKERS_FAST_ABOVE < n <= IGRAPH_THRESHOLD  # "auto" takes igraph here, below the worker's threshold
    slow = brokers(G, as_of=day, top=None, backend="networkx").to_dict()

    def not_here(*args, **kwargs):
        raise AssertionError("auto took NetworkX's betweenness")

    monkeypatch.setattr(nx, "betweenness_centrality", not_here)
    auto = brokers(G, as_of=day, top=None).to_dict()
    assert auto == slow
    assert auto["brokers"] and auto["betweenness_method"] == "exact"
