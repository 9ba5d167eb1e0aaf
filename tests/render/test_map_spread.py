"""The map's overlap removal (netmap.render.map._spread): the grid gives the all-pairs pushes."""

from __future__ import annotations

import random

import pytest

from netmap.render import map as drawing


def _case(count: int, seed: int, reach: float) -> tuple[dict, dict]:
    rng = random.Random(seed)
    pos = {f"p{k}": (rng.uniform(-reach, reach), rng.uniform(-reach, reach)) for k in range(count)}
    pos["p1"] = pos["p0"]  # two on one spot: split along the fixed direction
    boxes = {n: (rng.uniform(30, 110), rng.uniform(20, 60), rng.uniform(0, 25)) for n in pos}
    return pos, boxes


@pytest.mark.parametrize(("count", "seed", "reach"), [(150, 1, 50.0), (160, 2, 400.0), (220, 3, 1500.0)])
def test_spread_grid_pushes_as_every_pair_does(count, seed, reach):
    pos, boxes = _case(count, seed, reach)
    assert count >= drawing.SPREAD_GRID_FROM  # the grid's path
    names = list(pos)
    xy = [[float(pos[n][0]), float(pos[n][1]) + boxes[n][2]] for n in names]
    drawing._spread_pairs(xy, [boxes[n][:2] for n in names], 200)
    expected = {n: (round(x, 3), round(y - boxes[n][2], 3)) for n, (x, y) in zip(names, xy, strict=True)}
    assert drawing._spread(pos, boxes) == expected


def test_spread_once_spreads_the_same_input_once(monkeypatch):
    pos, boxes = _case(12, 4, 30.0)
    calls = []
    real = drawing._spread
    monkeypatch.setattr(drawing, "_spread", lambda p, b: calls.append(1) or real(p, b))
    monkeypatch.setattr(drawing, "_spread_memo", {})
    first = drawing._spread_once(pos, boxes)
    first["p0"] = (0.0, 0.0)  # the caller's copy, not the remembered one
    again = drawing._spread_once(dict(pos), dict(boxes))
    assert len(calls) == 1
    assert again == real(pos, boxes)
    moved = {**pos, "p2": (pos["p2"][0] + 1.0, pos["p2"][1])}
    drawing._spread_once(moved, boxes)
    assert len(calls) == 2
