"""Tie quality on the map: width by frequency, colour by trust or value, one-sided ties dashed.

The page computes nothing about quality: everything comes from the analysis's tie quality
(``Analysis.quality``, whose ``to_dict()`` lists the surveyed pairs, who answered and the
caveat), laid over the drawn tie edges here and put into the page data's ``quality`` key
for ``static/quality.js`` (the trust/value switch, its legend, the "Not yet answered" list).
A map without survey answers gets no ``quality`` key and is drawn exactly as before.

How a surveyed tie is drawn (the legend says the same):

- **width** by how often the two work together, ``frequency_rank`` 1 (yearly) to 5 (daily):
  ``WIDTHS`` pixels, 3 to 10, so that even the thinnest survey tie reads on a projector; a
  tie whose frequency nobody gave is ``NO_FREQUENCY_WIDTH`` (thin);
- **colour** by the tie's mean trust (or value, with the panel's switch) on the 1-4 scale:
  ``SCALE``, four stops after inferno from amber (1, low) to dark violet (4,
  high), sequential and readable under the common colour-vision deficiencies; a tie with
  no score is ``NO_SCORE`` grey;
- **one-sided** (only one of the two partners named it): long dashes ``ONE_SIDED``, a
  pattern no tie kind uses (the kinds' patterns are all 10 pixels or shorter), so a
  one-sided tie is told apart from a referral's dots or funding's short dashes.

Examples
--------
>>> from types import SimpleNamespace
>>> q = {"surveyed": True, "caveat": "2 of 3 partners answered.", "response_rate": 0.67,
...      "not_answered": [{"id": "C", "name": "Clinic", "region": "North", "category": "health"}],
...      "pairs": [{"source": "A", "target": "B", "confirmed": False, "reported_by": ["A"],
...                 "frequency": "weekly", "frequency_rank": 4, "trust": 2.5, "value": None,
...                 "conflicts": []}], "confirmed": 0, "unconfirmed": 1, "unconfirmed_share": 1.0}
>>> a = SimpleNamespace(quality=SimpleNamespace(to_dict=lambda: q))
>>> edges = [{"id": "t:A|B", "kind": "collaboration", "color": "#7f7f7f", "dashes": False, "width": 2,
...           "tooltip": [["collaboration", "1"]]}]
>>> data = quality_data(a, edges, {"A": "Agency", "B": "Board"})
>>> edges[0]["width"], edges[0]["color"], edges[0]["dashes"]
(8, '#b83853', [16, 10])
>>> data["ties"]
[{'edge': 0, 'trust': '#b83853', 'value': '#bbbbbb'}]
>>> data["not_answered"]
[{'region': 'North', 'names': ['Clinic']}]
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from netmap.model import FREQUENCIES, SCORE_MAX, SCORE_MIN

__all__ = [
    "NO_FREQUENCY_WIDTH",
    "NO_SCORE",
    "ONE_SIDED",
    "SCALE",
    "WIDTHS",
    "column_label",
    "quality_data",
    "quality_of",
    "score_colour",
]

# Line width in canvas pixels per frequency rank (1 yearly ... 5 daily). The map fills a
# screen at roughly its own size, so these are about the pixels seen on the wall.
WIDTHS = {1: 3, 2: 4.5, 3: 6, 4: 8, 5: 10}
NO_FREQUENCY_WIDTH = 1.5
# After inferno: score 1 (low) amber, 2 red, 3 magenta, 4 (high) dark violet. No green, so a
# score never reads as the green of a funding line, which keeps its kind's colour.
SCALE = ((1.0, "#e8850c"), (2.0, "#d44842"), (3.0, "#9c2964"), (4.0, "#4a0c6b"))
NO_SCORE = "#bbbbbb"
ONE_SIDED = [16, 10]


def quality_of(a: Any) -> dict[str, Any] | None:
    """The analysis's tie quality as a dict (``TieQuality.to_dict()``), or None when the map
    has no survey answers (no ``quality`` on the analysis, None, or not ``surveyed``).

    >>> from types import SimpleNamespace
    >>> quality_of(SimpleNamespace()) is None, quality_of(SimpleNamespace(quality=None)) is None
    (True, True)
    """
    q = getattr(a, "quality", None)
    if q is None:
        return None
    out = q.to_dict() if hasattr(q, "to_dict") else dict(q)
    return out if out.get("surveyed") else None


def score_colour(score: float | None) -> str:
    """The colour of a 1-4 score on :data:`SCALE` (linear between the stops), grey for None.

    >>> score_colour(1), score_colour(4), score_colour(2.5), score_colour(None)
    ('#e8850c', '#4a0c6b', '#b83853', '#bbbbbb')
    """
    if score is None:
        return NO_SCORE
    s = min(max(float(score), SCORE_MIN), SCORE_MAX)
    for (lo, c0), (hi, c1) in itertools.pairwise(SCALE):
        if s <= hi:
            t = (s - lo) / (hi - lo)
            ends = [(int(c0[i : i + 2], 16), int(c1[i : i + 2], 16)) for i in (1, 3, 5)]
            rgb = [round(x0 + (x1 - x0) * t) for x0, x1 in ends]
            return "#" + "".join(f"{x:02x}" for x in rgb)
    return SCALE[-1][1]


def column_label(column: str) -> str:
    """A survey column as a reader says it (``mission_support`` -> "mission support").

    >>> column_label("power_influence"), column_label("frequency")
    ('power and influence', 'frequency')
    """
    return "power and influence" if column == "power_influence" else column.replace("_", " ")


def _score_text(score: float | None) -> str:
    return "no score" if score is None else f"{score:.1f} of {SCORE_MAX}"


def quality_data(a: Any, edges: list[dict[str, Any]], names: Mapping[str, Any]) -> dict[str, Any] | None:
    """Restyle the surveyed tie edges of ``edges`` (in place) and return the page's ``quality`` key.

    Parameters
    ----------
    a : netmap.analysis.Analysis
        The analysis drawn; its ``quality`` is read (:func:`quality_of`), never recomputed.
    edges : list of dict
        The page's edges (:func:`netmap.render.map.map_data`); a partner pair's tie edge has
        the id ``t:A|B``. Tie edges of surveyed pairs get their width, trust colour, dashes
        and tooltip lines here; other edges (funding, lapsed, ghosts) are left as they are.
    names : mapping
        Partner id to name, for the tooltips.

    Returns
    -------
    dict or None
        None without survey answers (then ``edges`` is untouched). Else ``colour_by``
        ("trust", what the page starts with), ``scale`` (the legend's stops), ``no_score``,
        ``widths`` (per frequency), ``one_sided`` (the dash pattern), ``ties`` (per restyled
        edge: its index in ``edges`` and its trust and value colours), ``not_answered``
        (per region, in order, the names), ``caveat``, ``response_rate``, ``confirmed``,
        ``unconfirmed`` and ``unconfirmed_share``.
    """
    q = quality_of(a)
    if q is None:
        return None
    pairs = {(p["source"], p["target"]): p for p in q.get("pairs") or ()}
    ties = []
    for i, e in enumerate(edges):
        if not e["id"].startswith("t:"):
            continue
        a_id, b_id = e["id"][2:].split("|", 1)
        p = pairs.get((min(a_id, b_id), max(a_id, b_id)))
        if p is None:
            continue
        trust, value = score_colour(p.get("trust")), score_colour(p.get("value"))
        rank = p.get("frequency_rank")
        e["width"] = WIDTHS.get(rank, NO_FREQUENCY_WIDTH)
        e["color"] = trust
        lines = [
            ["How often", p.get("frequency") or "not given"],
            ["Trust", _score_text(p.get("trust"))],
            ["Value", _score_text(p.get("value"))],
        ]
        by = ", ".join(str(names.get(r) or r) for r in p.get("reported_by") or ())
        if p.get("confirmed") is False:
            e["dashes"] = list(ONE_SIDED)
            lines.append(["One-sided", f"named only by {by}"])
        elif p.get("confirmed"):
            lines.append(["Confirmed", f"named by both ({by})"])
        if p.get("conflicts"):
            lines.append(["Answers differ on", ", ".join(column_label(c) for c in p["conflicts"])])
        e["tooltip"] = [*e["tooltip"], *lines]
        ties.append({"edge": i, "trust": trust, "value": value})
    return {
        "colour_by": "trust",
        "scale": [{"score": s, "color": c} for s, c in SCALE],
        "no_score": NO_SCORE,
        "widths": [{"rank": r, "frequency": FREQUENCIES[r - 1], "width": w} for r, w in WIDTHS.items()],
        "no_frequency_width": NO_FREQUENCY_WIDTH,
        "one_sided": list(ONE_SIDED),
        "ties": ties,
        "not_answered": _by_region(q.get("not_answered") or ()),
        "caveat": q.get("caveat"),
        "response_rate": q.get("response_rate"),
        "confirmed": q.get("confirmed"),
        "unconfirmed": q.get("unconfirmed"),
        "unconfirmed_share": q.get("unconfirmed_share"),
    }


def _by_region(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The partners who have not answered, grouped by region (by name; no region last)."""
    groups: dict[Any, list[str]] = {}
    for r in rows:
        groups.setdefault(r.get("region"), []).append(str(r.get("name") or r.get("id")))
    order = sorted(groups, key=lambda g: (g is None, str(g or "").lower()))
    return [{"region": g or "(no region)", "names": sorted(groups[g], key=str.lower)} for g in order]
