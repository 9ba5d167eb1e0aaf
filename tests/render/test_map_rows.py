"""A cluster's partners in rows (netmap.render.map._shelves): no two boxes overlap, at any size.

Netmap pushed the boxes of a cluster of more than 40 partners apart, pair by pair, for up to
200 rounds; on crowded clusters of wide labels that jammed (the 300-partner generated maps
below kept dozens of overlapping pairs). Every cluster now stands in rows, in the order of its
spring layout.
"""

from __future__ import annotations

import random

import networkx as nx
import pytest

from netmap.render import map as drawing


def _overlapping(at: dict, boxes: dict, slack: float = 2e-3) -> list[tuple[str, str]]:
    """Pairs of boxes (centre x, y + below; half width and height) that overlap by more than
    ``slack`` (boxes in a row touch; positions are rounded to 0.001)."""
    names = sorted(at)
    found = []
    for k, a in enumerate(names):
        ax, ay = at[a][0], at[a][1] + boxes[a][2]
        for b in names[k + 1 :]:
            bx, by = at[b][0], at[b][1] + boxes[b][2]
            if abs(ax - bx) < boxes[a][0] + boxes[b][0] - slack and abs(ay - by) < boxes[a][1] + boxes[b][1] - slack:
                found.append((a, b))
    return found


def _crowd(count: int, seed: int) -> tuple[dict, dict]:
    """``count`` points on a few spots (a spring layout's tight knots), wide label boxes."""
    rng = random.Random(seed)
    knots = [(rng.uniform(-50, 50), rng.uniform(-50, 50)) for _ in range(4)]
    pos = {f"p{k:03d}": knots[k % 4] if k % 3 else (rng.uniform(-60, 60), rng.uniform(-60, 60)) for k in range(count)}
    boxes = {n: (rng.uniform(60, 210), rng.uniform(20, 75), rng.uniform(0, 25)) for n in pos}
    return pos, boxes


@pytest.mark.parametrize(("count", "seed"), [(2, 0), (41, 1), (150, 2), (300, 3), (2000, 4)])
def test_rows_never_overlap(count, seed):
    pos, boxes = _crowd(count, seed)
    at = drawing._shelves(pos, boxes)
    assert set(at) == set(pos)
    assert _overlapping(at, boxes) == []


def test_rows_keep_the_layouts_order():
    # Six boxes 20 x 10 make three rows of two (about 3:2): the two highest points (smallest
    # y) the top row, and so on down; each row left to right in the points' x order.
    pos = {"a": (5.0, 0.0), "b": (-5.0, 1.0), "c": (0.0, 2.0), "d": (-9.0, 10.0), "e": (-9.0, 11.0), "f": (0.0, 12.0)}
    at = drawing._shelves(pos, {n: (10.0, 5.0, 0.0) for n in pos})
    assert at == {
        "b": (-10.0, -10.0),
        "a": (10.0, -10.0),
        "d": (-10.0, 0.0),
        "c": (10.0, 0.0),
        "e": (-10.0, 10.0),
        "f": (10.0, 10.0),
    }


def test_a_crowded_region_is_laid_out_without_overlaps():
    """A region of 150 partners with long names, ties all among a few: every box clear."""
    P = nx.Graph()
    rng = random.Random(7)
    names = [f"Regional Workforce Development Council of Area {k} and Partners" for k in range(150)]
    for k, name in enumerate(names):
        P.add_node(f"P{k}", name=name, region="North", level="local")
    for k in range(150):
        P.add_edge(f"P{k}", f"P{rng.randrange(5)}")
    out = drawing._region_layout(P, 1)
    font = out["font"]
    boxes = {}
    for n, d in P.nodes(data=True):
        lines = drawing.label_lines(d["name"])
        boxes[n] = drawing._label_box([lines[0] + "  ", *lines[1:]], font, 23.0)
    # Positions are rounded to 0.1 px after placing: allow that much.
    assert _overlapping(out["partners"], boxes, slack=0.11) == []
