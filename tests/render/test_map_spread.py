"""The map's overlap removal (netmap.render.map._spread): the pushes of a double loop over all pairs."""

from __future__ import annotations

import math
import random

import pytest

from netmap.render import map as drawing


def _case(count: int, seed: int, reach: float) -> tuple[dict, dict]:
    rng = random.Random(seed)
    pos = {f"p{k}": (rng.uniform(-reach, reach), rng.uniform(-reach, reach)) for k in range(count)}
    pos["p1"] = pos["p0"]  # two on one spot: split along the fixed direction
    boxes = {n: (rng.uniform(30, 110), rng.uniform(20, 60), rng.uniform(0, 25)) for n in pos}
    return pos, boxes


def _every_pair(pos: dict, boxes: dict, rounds: int = 200) -> dict:
    """The spread as a plain double loop over all pairs (netmap 0.x's own code): the reference."""
    names = list(pos)
    xy = [[float(pos[n][0]), float(pos[n][1]) + boxes[n][2]] for n in names]
    half = [boxes[n][:2] for n in names]
    for _ in range(rounds):
        moved = False
        for i in range(len(xy)):
            for j in range(i + 1, len(xy)):
                dx, dy = xy[j][0] - xy[i][0], xy[j][1] - xy[i][1]
                ox = half[i][0] + half[j][0] - abs(dx)
                oy = half[i][1] + half[j][1] - abs(dy)
                if ox <= 1e-9 or oy <= 1e-9:
                    continue
                moved = True
                if abs(dx) < 1e-9 and abs(dy) < 1e-9:
                    dx, dy = math.cos(i + j), math.sin(i + j)
                ox, oy = ox + 1.0, oy + 1.0
                if ox <= oy:
                    step = ox / 2 * (1 if dx >= 0 else -1)
                    xy[i][0] -= step
                    xy[j][0] += step
                else:
                    step = oy / 2 * (1 if dy >= 0 else -1)
                    xy[i][1] -= step
                    xy[j][1] += step
        if not moved:
            break
    return {n: (round(x, 3), round(y - boxes[n][2], 3)) for n, (x, y) in zip(names, xy, strict=True)}


# Below SPREAD_GRID_FROM the marked pairs, from it the grid; tight starts push far (wild points).
@pytest.mark.parametrize(
    ("count", "seed", "reach"),
    [(2, 0, 1.0), (12, 5, 10.0), (90, 1, 50.0), (149, 6, 900.0), (150, 2, 50.0), (200, 3, 1500.0)],
)
def test_spread_pushes_as_every_pair_does(count, seed, reach):
    pos, boxes = _case(count, seed, reach)
    assert drawing._spread(pos, boxes, rounds=60) == _every_pair(pos, boxes, rounds=60)


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
