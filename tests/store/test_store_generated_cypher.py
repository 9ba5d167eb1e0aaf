"""The generated loaders (scripts/gen_cypher.py) store what the model says they store."""

from __future__ import annotations

import datetime as dt

import netmap
from netmap.store import load_map, read_map
from tests.conftest import EXAMPLES


def test_a_ties_start_and_end_dates_survive_the_store(engine, target):
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    ties = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d["type"] == "TIED_TO"]
    first, second = ties[0], ties[1]
    G.edges[first].update(start=dt.date(2024, 3, 1), end=dt.date(2026, 2, 28))
    G.edges[second].update(start=dt.date(2025, 1, 15), end=None)
    name = target.name("tie-dates")
    load_map(G, engine, map_name=name)
    H = read_map(engine, name)
    assert (H.edges[first].get("start"), H.edges[first].get("end")) == (dt.date(2024, 3, 1), dt.date(2026, 2, 28))
    assert (H.edges[second].get("start"), H.edges[second].get("end")) == (dt.date(2025, 1, 15), None)
