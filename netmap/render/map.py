"""The facilitator's map: one self-contained, offline, safe HTML file drawn with vis-network.

netmap builds vis-network's node and edge lists itself, in one pass over the partner
graph (pyvis's ``Network.from_nx`` scans every edge for each edge it adds), with
pyvis's physics defaults as the base of its options, and renders them with its own
autoescaped template instead of pyvis's, because pyvis's page loads scripts from CDNs
and inserts raw HTML (heading, select menu, "href" tooltips). pyvis is not imported at
all (it imports IPython); its vis-network files are read from the installed package
and checked against the version and hashes netmap recorded (:mod:`netmap.render.vis`).
Above ``FAST_LAYOUT_ABOVE`` partners the layout runs on python-igraph. Here:

- every script and style is inlined (vis-network comes from the pyvis package) and a
  Content-Security-Policy forbids any other source, so the file opens from disk with
  no network and requests nothing;
- data reaches the page only as JSON in a ``<script type="application/json">`` block
  (``tojson`` escapes ``<``, ``>`` and ``&``), and tooltips, menus and the legend are
  built as text, never as markup;
- contact names, emails and phones are left out unless ``include_contacts=True``, and
  so are free-text notes, websites and extra columns, which may hold them.

Examples
--------
>>> import netmap, tempfile, pathlib
>>> from netmap.pipeline import run
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> a = run(G, as_of="2026-11-24")
>>> data = map_data(G, a)
>>> sum(1 for n in data["nodes"] if n["group"] == "partner"), data["layout"]
(14, 'fixed')
>>> out = write_map(G, a, pathlib.Path(tempfile.mkdtemp()) / "map.html")
>>> sorted(p.name for p in out.parent.iterdir())  # the one file, no lib/ folder
['map.html']
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import networkx as nx

from netmap import _background
from netmap._gc import gc_paused
from netmap.analysis import Analysis, select_region
from netmap.analysis._common import partner_graph, partners, shared_cache
from netmap.errors import UsageError
from netmap.graphcache import cache_worker, cached, prefetched, put_prefetched
from netmap.outputs import Inputs, write_file
from netmap.project import CURRENT, LAPSED, PLANNED, agreement_state, award_state, tie_state
from netmap.render.map_quality import quality_data
from netmap.render.map_relations import Relations, relations
from netmap.render.map_services import services_data
from netmap.render.story import story
from netmap.render.whatif import whatif_data

__all__ = ["LAYOUTS", "SIZE_BY", "map_data", "page_data", "render_map_html", "write_map"]

SIZE_BY = ("degree", "betweenness", "brokerage")
LAYOUTS = ("auto", "physics", "fixed")
# Partners above which the layout used to be fixed under "auto"; "auto" is now fixed at every
# size (tests and benchmarks still size their synthetic maps by it).
FIXED_LAYOUT_ABOVE = 300
# Partners above which the layout runs on python-igraph's Fruchterman-Reingold (when
# installed) instead of NetworkX's spring layout, which takes minutes at 10,000 partners.
FAST_LAYOUT_ABOVE = 1000

# One colour per category, in the roster's order (red, teal, green, olive, blue, violet,
# pink), the last (grey) for a partner without one. Each is in a hue family of its own
# (hues at least 30 degrees apart), at least 3:1 against the white page, and still apart
# under simulated protanopia, deuteranopia and tritanopia; tests/render/test_map.py
# computes all three. (Okabe-Ito's sky blue and blue read as one family, and its yellow
# and orange are under 2.5:1 on white.)
PALETTE = ["#C0362C", "#00827A", "#117733", "#8F7A00", "#2F5BB7", "#5E3C99", "#CC79A7", "#767676"]
SHAPES = {"state": "square", "national": "diamond", "regional": "triangle", "local": "dot", None: "dot"}
EDGE_STYLES = {
    # kind: (colour, dashes, width)
    "agreement": ("#333333", False, 4),
    "funding": ("#009E73", [8, 4], 2),
    "collaboration": ("#7f7f7f", False, 2),
    "referral": ("#0072B2", [2, 6], 2),
    "data-sharing": ("#CC79A7", [10, 4, 2, 4], 2),
    "advisory": ("#E69F00", [1, 4], 2),
    "co-delivery": ("#56B4E9", False, 2),
    "co-location": ("#56B4E9", [4, 4], 2),
    "governance": ("#D55E00", False, 3),
    "other": ("#aaaaaa", [3, 3], 1),
    # Ties, agreements and awards that have ended or not begun on the map's date: shown
    # (so nobody thinks them forgotten) but faint and dashed, never counted in a measure.
    "lapsed": ("#9a9a9a", [2, 6], 1),
    "planned": ("#9a9a9a", [8, 8], 1),
}
# Which kind draws a merged edge when a pair is tied several ways.
KIND_PRIORITY = (
    "agreement",
    "governance",
    "data-sharing",
    "co-delivery",
    "collaboration",
    "referral",
    "co-location",
    "advisory",
    "other",
)


def _vis_assets() -> tuple[str, str]:
    """The vis-network script and stylesheet shipped inside the pyvis package, checked
    (version and SHA-256) by :func:`netmap.render.vis.vis_network_files`."""
    from netmap.render.vis import vis_network_files

    return vis_network_files()


def _own_asset(name: str) -> str:
    return resources.files("netmap").joinpath("render").joinpath("static").joinpath(name).read_text(encoding="utf-8")


# The map page's own scripts, run in this order as one inline script: ``map.js`` draws the map
# and publishes ``window.netmap`` (the network, its data sets and helpers); each later file is
# one feature of the page that uses only that object.
MAP_SCRIPTS = ("map.js", "labels.js", "save.js", "whatif.js", "present.js", "services.js", "quality.js")


def map_script() -> str:
    """The map page's own script: the files of ``MAP_SCRIPTS`` joined, in order."""
    return "\n".join(_own_asset(name) for name in MAP_SCRIPTS)


def _scale(values: dict[str, float], low: float = 14, high: float = 46) -> dict[str, float]:
    top = max(values.values(), default=0) or 1
    return {k: round(low + (high - low) * math.sqrt(v / top), 2) for k, v in values.items()}


def _positions(P: nx.Graph, seed: int | None) -> dict[str, tuple[float, float]]:
    """The partners' positions of :func:`_region_layout` (no ghosts), in vis-network's pixels."""
    return _region_layout(P, seed)["partners"]


def _group_of(level: str | None, region: str | None) -> str | None:
    """The cluster a partner or ghost sits in: its region, or None (the centre) at state level."""
    return None if level in ("state", "national") else region


# Labels as the page draws them (static/labels.js): partners' at LABEL_FONT canvas pixels (or
# more, :func:`_region_layout`), ghosts' at GHOST_SHARE of that, wrapped at WRAP characters a
# line; CHAR is a system-ui character's rough width in font sizes. The page never draws a
# label under MIN_LABEL_PX screen pixels, and a map of up to ALL_LABELS_UPTO partners is
# laid out so that all its labels fit, at that size, on a 1920x1080 screen's canvas (VIEW).
LABEL_FONT, GHOST_SHARE, WRAP, CHAR, LINE = 26.0, 0.7, 24, 0.62, 1.2
MIN_LABEL_PX, ALL_LABELS_UPTO, VIEW = 14.0, 80, (1560.0, 900.0)
# Room, in label heights, between two partners' boxes, and between clusters; a ghost's dashed
# square is GHOST_SIZE canvas pixels across.
PAD, CLUSTER_GAP, GHOST_SIZE = 0.3, 1.2, 10.0


def _shelves(pos: dict[str, Any], boxes: dict[str, tuple[float, float, float]]) -> dict[str, tuple[float, float]]:
    """``pos`` as rows of boxes, side by side: the top row holds the highest points of ``pos``,
    each row in the order of ``pos``'s x; about 3:2 overall. ``boxes`` gives each point's box:
    half width, half height and how far below the point its centre is (the label hangs below
    the shape). No two boxes overlap, whatever ``pos`` is.

    >>> _shelves({"a": (0, 0), "b": (5, 1), "c": (0, 9)}, {n: (10, 5, 0) for n in "abc"})
    {'a': (-10.0, -5.0), 'b': (10.0, -5.0), 'c': (0.0, 5.0)}
    """
    names = sorted(pos, key=lambda n: (pos[n][1], pos[n][0], n))
    width = max(2 * boxes[n][0] for n in names)
    height = max(2 * boxes[n][1] for n in names)
    count = len(names)
    cols = min(range(1, count + 1), key=lambda c: (max(c * width, 1.5 * math.ceil(count / c) * height), c))
    rows = [sorted(names[i : i + cols], key=lambda n: (pos[n][0], n)) for i in range(0, count, cols)]
    out: dict[str, tuple[float, float]] = {}
    y = -len(rows) * height / 2
    for row in rows:
        tall = max(2 * boxes[n][1] for n in row)
        x = -sum(2 * boxes[n][0] for n in row) / 2
        for n in row:
            half_w, _, below = boxes[n]
            out[n] = (round(x + half_w, 3), round(y + tall / 2 - below, 3))
            x += 2 * half_w
        y += tall
    return out


def label_lines(text: str, width: int = WRAP) -> list[str]:
    """``text`` wrapped into lines of at most ``width`` characters (a longer word keeps its line).

    The page draws a label in these lines, and the layout makes room for them.

    >>> label_lines("Oregon Department of Human Services")
    ['Oregon Department of', 'Human Services']
    >>> label_lines("missing: Local workforce development board (Lane)")
    ['missing: Local workforce', 'development board', '(Lane)']
    """
    if text.startswith("missing: ") and " (" in text:
        # A ghost: the type, then where.
        kind, where = text.rsplit(" (", 1)
        return [*label_lines(kind, width), "(" + where]
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _label_box(lines: list[str], font: float, radius: float) -> tuple[float, float, float]:
    """A node's box with its label below it: (half width, half height, centre's offset below the node)."""
    text_w = CHAR * font * max(len(line) for line in lines)
    text_h = LINE * font * len(lines)
    pad = PAD * font
    half_w = max(radius, text_w / 2) + pad / 2
    half_h = (2 * radius + text_h + pad) / 2
    return half_w, half_h, half_h - radius - pad / 4


def _region_layout(
    P: nx.Graph,
    seed: int | None,
    ghosts: dict[str | None, int] | None = None,
    wide: dict[str | None, tuple[int, int]] | None = None,
    font: float | None = None,
) -> dict[str, Any]:
    """A layout in vis-network's pixel space with each region a cluster of its own.

    Each region is laid out on its own (NetworkX's spring layout, or python-igraph's
    above ``FAST_LAYOUT_ABOVE`` partners, :func:`_fast_layouts`), then its partners stand
    in rows in that layout's order, so that no two boxes (shape and label below it)
    overlap (:func:`_shelves`). Its ghosts
    (``ghosts`` gives how many each cluster has, ``wide`` the most characters on a line
    of their labels and the most lines) stand in a grid below its partners, and its caption above them. The
    clusters start on a circle in the order of the ties between them (a region beside the
    one it is most tied to), the state level (and national) in the centre, and are drawn
    together until each is its own size plus a gap away from the next. On a map of up to
    ``ALL_LABELS_UPTO`` partners the label font (``font``, found here when not given) grows
    until every label is at least ``MIN_LABEL_PX`` screen pixels when the map fills a
    1920x1080 screen. The same graph and seed give the same positions.

    Returns
    -------
    dict
        ``partners``: {partner id: (x, y)}; ``ghosts``: {cluster: [(x, y), ...]} in the
        order of the counts; ``centres``: {cluster: (x, y, radius)}, None for the centre;
        ``boxes``: {cluster: (left, top, right, bottom)}; ``captions``: {cluster: (x, y)};
        ``font``: the label font the layout made room for.

    Examples
    --------
    >>> P = nx.Graph()
    >>> P.add_nodes_from([("a", {"region": "East"}), ("b", {"region": "West"}), ("s", {"level": "state"})])
    >>> out = _region_layout(P, 1, {"East": 2})
    >>> sorted(out["centres"], key=str), len(out["ghosts"]["East"]), out["font"] >= LABEL_FONT
    (['East', None, 'West'], 2, True)
    """
    ghosts = ghosts or {}
    wide = wide or {}
    groups = _member_groups(P)
    for g, count in ghosts.items():
        if count:
            groups.setdefault(g, [])
    fast = _fast_layouts(P, groups, seed) if P.number_of_nodes() > FAST_LAYOUT_ABOVE else None
    shapes: dict[str | None, dict[str, tuple[float, float]]] = {}
    for g, members in groups.items():
        scale = 70 * math.sqrt(len(members)) + 40
        if len(members) < 2:
            here = {m: (0.0, 0.0) for m in members}
        elif fast is not None:
            here = _rescale(members, fast[g], scale)
        else:
            here = _spring_once(_subgraph(P, members), seed, scale)
        shapes[g] = {n: (float(x), float(y)) for n, (x, y) in here.items()}
    small = P.number_of_nodes() <= ALL_LABELS_UPTO
    out = _place(P, groups, shapes, ghosts, wide, font or LABEL_FONT)

    def shown(out: dict[str, Any]) -> float:
        """The label's height on screen, in pixels, when the map fills the screen's canvas."""
        left, top, right, bottom = out["extent"]
        return out["font"] * min(VIEW[0] / max(right - left, 1.0), VIEW[1] / max(bottom - top, 1.0))

    for _ in range(8 if small and font is None else 0):
        now = shown(out)
        if now >= MIN_LABEL_PX:
            break
        bigger = _place(P, groups, shapes, ghosts, wide, round(out["font"] * MIN_LABEL_PX / now * 1.08, 1))
        if shown(bigger) < now * 1.05:
            break  # the labels fill the layout: a bigger font only makes a bigger map
        out = bigger
    del out["extent"]
    return out


def _place(P, groups, shapes, ghosts, wide, font: float) -> dict[str, Any]:
    """:func:`_region_layout` for one label font: the clusters' contents, then the clusters."""
    nodes = P.nodes
    ghost_font = GHOST_SHARE * font
    local: dict[str | None, dict[str, tuple[float, float]]] = {}
    rings: dict[str | None, list[tuple[float, float]]] = {}
    rects: dict[str | None, tuple[float, float, float, float]] = {}
    heads: dict[str | None, tuple[float, float]] = {}
    for g, members in groups.items():
        boxes = {}
        for n in members:
            # The biggest partner is 46 px across; the label may gain a broker's star (2 characters).
            lines = label_lines(str(nodes[n].get("name") or n))
            boxes[n] = _label_box([lines[0] + "  ", *lines[1:]], font, 23.0)
        here = shapes[g]
        if len(members) > 1:
            # The partners stand in rows, in the order of the spring layout: no two boxes
            # overlap, at any size. (Pushing overlapping boxes apart, as netmap did above 40
            # partners, jammed on crowded clusters of wide labels: after 200 rounds 60-80% of
            # the boxes of a 120-300 partner cluster still overlapped, and a 10,000-partner
            # report spent 38 of its 46 s there.) Scaled as before, which keeps the order.
            area = sum(4 * w * h for w, h, _ in boxes.values())
            reach = max(max(abs(x), abs(y)) for x, y in here.values()) or 1.0
            k = math.sqrt(area) / 2 / reach
            here = _shelves({n: (x * k, y * k) for n, (x, y) in here.items()}, boxes)
        if members:
            left = min(x - boxes[n][0] for n, (x, _) in here.items())
            right = max(x + boxes[n][0] for n, (x, _) in here.items())
            top = min(y + boxes[n][2] - boxes[n][1] for n, (_, y) in here.items())
            bottom = max(y + boxes[n][2] + boxes[n][1] for n, (_, y) in here.items())
        else:
            left = right = top = bottom = 0.0
        # Ghosts in a grid below the partners: as many columns as keep the cluster near 3:2.
        count = ghosts.get(g, 0)
        chars, lines = wide.get(g, (20, 2))
        cell_w = CHAR * ghost_font * max(chars, 1) + PAD * font
        cell_h = GHOST_SIZE + LINE * ghost_font * lines + PAD * font / 2
        spots: list[tuple[float, float]] = []
        if count:
            width = right - left

            height = bottom - top
            cols = min(
                range(1, count + 1),
                key=lambda c: (max(width, c * cell_w, 1.5 * (height + math.ceil(count / c) * cell_h)), c),
            )
            rows = math.ceil(count / cols)
            start = (left + right) / 2 - cols * cell_w / 2
            base = bottom + (PAD * font if members else 0.0)
            for i in range(count):
                r, c = divmod(i, cols)
                in_row = min(cols, count - r * cols)
                x0 = start + (cols - in_row) * cell_w / 2  # the last row centred
                spots.append((x0 + (c + 0.5) * cell_w, base + r * cell_h + GHOST_SIZE / 2))
            if not members:
                left, right, top = start, start + cols * cell_w, base
            left, right = min(left, start), max(right, start + cols * cell_w)
            bottom = base + rows * cell_h
        caption = (0.0, 0.0)
        name = g if g is not None else "State level"
        cap_font = 1.3 * font
        cap_w = CHAR * cap_font * len(name) * 1.1
        mid = (left + right) / 2
        caption = (mid, top - cap_font * 0.8)
        top -= cap_font * 1.6
        left, right = min(left, mid - cap_w / 2), max(right, mid + cap_w / 2)
        # Centre the cluster's box on its own origin.
        cx, cy = (left + right) / 2, (top + bottom) / 2
        local[g] = {n: (x - cx, y - cy) for n, (x, y) in here.items()}
        rings[g] = [(x - cx, y - cy) for x, y in spots]
        heads[g] = (caption[0] - cx, caption[1] - cy)
        rects[g] = ((right - left) / 2, (bottom - top) / 2, 0.0, 0.0)
    centres = _arrange(P, groups, {g: r[:2] for g, r in rects.items()}, CLUSTER_GAP * font)
    partners_at = {}
    for g, here in local.items():
        cx, cy = centres[g]
        for n, (x, y) in here.items():
            partners_at[n] = (round(cx + x, 1), round(cy + y, 1))
    ghosts_at = {g: [(round(centres[g][0] + x, 1), round(centres[g][1] + y, 1)) for x, y in rings[g]] for g in rings}
    boxes_out = {
        g: (
            round(centres[g][0] - rects[g][0], 1),
            round(centres[g][1] - rects[g][1], 1),
            round(centres[g][0] + rects[g][0], 1),
            round(centres[g][1] + rects[g][1], 1),
        )
        for g in groups
    }
    extent = (
        min(b[0] for b in boxes_out.values()),
        min(b[1] for b in boxes_out.values()),
        max(b[2] for b in boxes_out.values()),
        max(b[3] for b in boxes_out.values()),
    )
    return {
        "partners": partners_at,
        "ghosts": ghosts_at,
        "centres": {
            g: (round(x, 1), round(y, 1), round(math.hypot(*rects[g][:2]), 1)) for g, (x, y) in centres.items()
        },
        "boxes": boxes_out,
        "captions": {g: (round(centres[g][0] + x, 1), round(centres[g][1] + y, 1)) for g, (x, y) in heads.items()},
        "font": font,
        "extent": extent,
    }


def _arrange(
    P: nx.Graph, groups: dict[str | None, list[str]], half: dict[str | None, tuple[float, float]], gap: float
) -> dict[str | None, tuple[float, float]]:
    """Where each cluster's centre goes, given each cluster's half width and height.

    The clusters stand in rows, ``gap`` apart: the state level (and national) first, then
    the regions in :func:`_ring_order` (a region beside the one it is most tied to); of the
    ways to break that line into rows, the one that fills a wide screen best is taken.
    Deterministic.

    >>> _arrange(nx.Graph(), {None: [], "A": []}, {None: (100, 50), "A": (100, 50)}, 20)
    {None: (0.0, -60.0), 'A': (0.0, 60.0)}
    """
    order: list[str | None] = ([None] if None in groups else []) + _ring_order(
        P, sorted(g for g in groups if g is not None)
    )

    def rows_of(limit: float) -> list[list[str | None]]:
        rows: list[list[str | None]] = [[]]
        used = 0.0
        for g in order:
            w = 2 * half[g][0]
            if rows[-1] and used + gap + w > limit:
                rows.append([])
                used = 0.0
            used += (gap if rows[-1] else 0.0) + w
            rows[-1].append(g)
        return rows

    def size(rows: list[list[str | None]]) -> tuple[float, float]:
        width = max(sum(2 * half[g][0] for g in row) + gap * (len(row) - 1) for row in rows)
        height = sum(2 * max(half[g][1] for g in row) for row in rows) + gap * (len(rows) - 1)
        return width, height

    widest = max(2 * half[g][0] for g in order)
    total = sum(2 * half[g][0] for g in order) + gap * len(order)
    best: list[list[str | None]] = rows_of(total)
    best_fit = 0.0
    steps = 40
    for i in range(steps + 1):
        rows = rows_of(widest + (total - widest) * i / steps)
        width, height = size(rows)
        fit = min(VIEW[0] / width, VIEW[1] / height)
        if fit > best_fit * 1.000001:
            best, best_fit = rows, fit
    at: dict[str | None, tuple[float, float]] = {}
    _, height = size(best)
    y = -height / 2
    for row in best:
        tall = 2 * max(half[g][1] for g in row)
        x = -(sum(2 * half[g][0] for g in row) + gap * (len(row) - 1)) / 2
        for g in row:
            at[g] = (round(x + half[g][0], 1) + 0.0, round(y + tall / 2, 1) + 0.0)
            x += 2 * half[g][0] + gap
        y += tall + gap
    return at


# The last few spring layouts, by their exact input: every region's report draws the same
# state-level cluster (the partners listed without a region join each region's map), laid out
# once; and a map's own regions laid out ahead (LayoutAhead), so room for some thirty regions.
_LAYOUTS_KEPT = 32
_layout_memo: dict[tuple[Any, ...], dict[str, Any]] = {}


def _spring_once(sub: nx.Graph, seed: int | None, scale: float) -> dict[str, Any]:
    """NetworkX's spring layout of ``sub`` (from :func:`_subgraph`), remembered by its nodes,
    weighted edges, seed and scale: each region's map lays out the same state-level cluster.

    >>> sub = nx.Graph([("a", "b")])
    >>> _spring_once(sub, 1, 10.0) == _spring_once(nx.Graph([("a", "b")]), 1, 10.0)
    True
    """
    key = (tuple(sub), tuple(sub.edges(data="weight")), seed, float(scale).hex())
    found = _layout_memo.get(key)
    if found is None:
        found = nx.spring_layout(sub, seed=seed, iterations=60, scale=scale)
        while len(_layout_memo) >= _LAYOUTS_KEPT:
            del _layout_memo[next(iter(_layout_memo))]
        _layout_memo[key] = found
    return dict(found)


def _warm_layout(G: nx.MultiDiGraph, region: str | None, as_of: Any, seed: int | None) -> dict[str, Any] | None:
    """In a forked child (:class:`LayoutAhead`): :func:`_region_layout`'s spring layouts of
    the map of ``region`` on ``as_of``, as the entries of their memo; None when the map is
    not one to lay out ahead (or anything fails: the caller then computes them)."""
    try:
        P = partner_graph(select_region(G, region), as_of)
        if not ALL_LABELS_UPTO < P.number_of_nodes() <= FAST_LAYOUT_ABOVE:
            return None
        # This child's own copies: only what this layout computes travels back.
        _layout_memo.clear()
        _region_layout(P, seed)
        return {"spring": dict(_layout_memo)}
    except Exception:  # noqa: BLE001 - a layout ahead is only a head start
        return None


class LayoutAhead:
    """The map's layout started on the second core while the command analyses.

    The slow part of a small map's layout (a few hundred partners: NetworkX's spring
    layout of each region) needs only the map, the region, the day and the seed, not the
    analysis. A forked child (:mod:`netmap._background`) computes it while the analysis
    runs; :meth:`adopt` puts its answers into the memo of :func:`_spring_once`, keyed by
    their exact input, so the page computes the same positions and finds them there. Nothing is started without a second
    core, and an answer that does not fit (another region, day or seed) is simply not looked
    up: the output never depends on it. A map above ``FAST_LAYOUT_ABOVE`` partners forks no
    child (the analysis's worker has the second core): :meth:`adopt` asks that worker for its
    layouts instead (:func:`lay_out_ahead`), once the analysis is done.

    >>> with LayoutAhead(nx.MultiDiGraph(), region=None, as_of="2026-07-01", seed=0) as ahead:
    ...     ahead.adopt()  # after the analysis, before the page
    """

    # Nodes of every kind (partners, roles, agreements, ...) above which no child is started.
    NODES_UPTO = 4 * FAST_LAYOUT_ABOVE

    def __init__(
        self, G: nx.MultiDiGraph, *, region: str | None, as_of: Any, seed: int | None, enabled: bool = True
    ) -> None:
        self._job: _background.Pending | None = None
        # A large map's layouts are asked of the analysis's worker once the analysis is done.
        nodes = G.number_of_nodes()  # counted off the rows of a graph not built yet
        self._large = (G, region, as_of, seed) if enabled and nodes > FAST_LAYOUT_ABOVE else None
        if enabled and _background.parallel_enabled() and 0 < nodes <= self.NODES_UPTO:
            # The spring layouts need numpy, which the analysis imports too: imported once
            # here, not again in the child while the layout waits (a tenth of a second).
            import numpy  # noqa: F401

            job = _background.start(_warm_layout, G, region, as_of, seed)
            self._job = job if job.forked else None

    def __enter__(self) -> LayoutAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def adopt(self) -> None:
        """Wait for the child and keep what it laid out (nothing if it failed); on a large
        map, ask the worker for its layouts (:func:`lay_out_ahead`)."""
        large, self._large = self._large, None
        if large is not None:
            G, region, as_of, seed = large
            # A head start only: if asking fails, the page lays the map out itself.
            with contextlib.suppress(Exception):
                lay_out_ahead(partner_graph(select_region(G, region), as_of), seed)
        job, self._job = self._job, None
        if job is None:
            return
        try:
            found = job.result()
        except Exception:  # noqa: BLE001 - the page computes it instead
            found = None
        for entry, value in (found or {}).get("spring", {}).items():
            while len(_layout_memo) >= _LAYOUTS_KEPT:
                del _layout_memo[next(iter(_layout_memo))]
            _layout_memo[entry] = value

    def cancel(self) -> None:
        """Stop the child, if any (when the command fails before drawing the map)."""
        self._large = None
        job, self._job = self._job, None
        if job is not None:
            job.cancel()


def _ring_order(P: nx.Graph, regions: list[str]) -> list[str]:
    """``regions`` in the order they go round the circle: each next to the one it has most ties with.

    Starts from the region with the most ties to others and adds, each time, the region
    most tied to the last one placed (ties broken by name), so the order is the same
    from run to run.

    >>> P = nx.Graph([("a1", "c1"), ("b1", "c1"), ("b2", "c2")])
    >>> nx.set_node_attributes(P, {"a1": "A", "b1": "B", "b2": "B", "c1": "C", "c2": "C"}, "region")
    >>> _ring_order(P, ["A", "B", "C"])
    ['C', 'B', 'A']
    """
    if len(regions) < 3:
        return regions
    wanted = set(regions)
    ties: dict[tuple[str, str], int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    region = P.nodes
    for a, b in P.edges():
        ra, rb = region[a].get("region"), region[b].get("region")
        if (
            ra != rb
            and ra in wanted
            and rb in wanted
            and _group_of(region[a].get("level"), ra) == ra
            and (_group_of(region[b].get("level"), rb) == rb)
        ):
            ties[min(ra, rb), max(ra, rb)] += 1
            total[ra] += 1
            total[rb] += 1
    order = [min(regions, key=lambda r: (-total[r], r))]
    left = set(regions) - {order[0]}
    while left:
        last = order[-1]
        nxt = min(left, key=lambda r: (-ties[min(last, r), max(last, r)], r))
        order.append(nxt)
        left.remove(nxt)
    return order


def _subgraph(P: nx.Graph, members: list[str]) -> nx.Graph:
    """``P.subgraph(members)`` as a graph of its own whose nodes and edges come in a fixed order.

    A subgraph view lists its nodes in the order of a set, which changes from one run of
    Python to the next; the same seed must give the same map.
    """
    inside = set(members)
    sub = nx.Graph()
    sub.add_nodes_from(members)
    sub.add_edges_from(
        (a, b, {} if w is None else {"weight": w}) for a, b, w in P.edges(members, data="weight") if b in inside
    )
    return sub


def _fast_layouts(
    P: nx.Graph, groups: dict[str | None, list[str]], seed: int | None
) -> dict[str | None, list[tuple[float, float]]] | None:
    """Fruchterman-Reingold positions of each group's members, by python-igraph.

    One pass over the edges sorts them into groups; each group is laid out from seeded
    random starting positions with igraph's random numbers drawn from a seeded generator
    too, so the same graph and seed give the same map. None when python-igraph is not
    installed (the caller falls back to NetworkX).
    """
    try:
        import igraph  # noqa: F401
    except ImportError:
        return None
    laid = _laid(groups)
    coords = cached(P, _fast_key(seed), lambda: fr_layouts(*_fr_input(P, laid), seed))
    return dict(zip(laid, coords, strict=True))


def _fast_key(seed: int | None) -> tuple[str, int | None]:
    """The cache key of a partner graph's Fruchterman-Reingold layouts (see :func:`lay_out_ahead`)."""
    return ("fast-layouts", seed)


def _laid(groups: dict[str | None, list[str]]) -> dict[str | None, list[str]]:
    """The groups of two or more partners, the ones laid out: those of the map alone (the
    ghosts only add empty groups), so the layouts are the ones lay_out_ahead may have asked
    the worker for, under the same key."""
    return {g: members for g, members in groups.items() if len(members) > 1}


def _member_groups(P: nx.Graph) -> dict[str | None, list[str]]:
    """The partners of each cluster (a region, or the centre), in the order of ``P``."""
    groups: dict[str | None, list[str]] = defaultdict(list)
    for n, d in P.nodes(data=True):
        groups[_group_of(d.get("level"), d.get("region"))].append(n)
    return groups


# The edges inside each group of a layout, as pairs of member indexes.
GroupEdges = list[list[tuple[int, int]]]


def _fr_input(P: nx.Graph, laid: dict[str | None, list[str]]) -> tuple[list[int], GroupEdges]:
    """Each group's size and the edges inside it (member indexes, in the order of ``P``'s
    edges), as :func:`fr_layouts` takes them."""
    where: dict[str, tuple[int, int]] = {}
    for k, members in enumerate(laid.values()):
        for i, n in enumerate(members):
            where[n] = (k, i)
    edges: GroupEdges = [[] for _ in laid]
    for a, b in P.edges():
        ka, ia = where.get(a, (-1, 0))
        kb, ib = where.get(b, (-2, 0))
        if ka == kb:
            edges[ka].append((ia, ib))
    return [len(members) for members in laid.values()], edges


def fr_layouts(sizes: list[int], edges: GroupEdges, seed: int | None) -> list[list[tuple[float, float]]]:
    """Fruchterman-Reingold positions of each group of ``sizes[k]`` nodes and ``edges[k]``.

    From seeded random starting positions, with igraph's random numbers drawn from a seeded
    generator too: the same input and seed give the same positions, in this process or in
    the worker (:func:`fr_layouts_job`).

    >>> [len(c) for c in fr_layouts([2, 3], [[(0, 1)], [(0, 1), (1, 2)]], 0)]
    [2, 3]
    """
    import igraph

    rng = random.Random(seed)  # noqa: S311 - a layout, not a secret
    out: list[list[tuple[float, float]]] = []
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311
    try:
        for n, pairs in zip(sizes, edges, strict=True):
            side = math.sqrt(n)
            start = [[rng.uniform(-side, side), rng.uniform(-side, side)] for _ in range(n)]
            graph = igraph.Graph(n=n, edges=pairs)
            layout = graph.layout_fruchterman_reingold(seed=start, niter=200, grid="auto")
            out.append([(float(x), float(y)) for x, y in layout.coords])
    finally:
        igraph.set_random_number_generator(random)  # igraph's default: the random module
    return out


def fr_layouts_job(*, sizes: list[int], edges: GroupEdges, seed: int | None) -> Iterator[tuple[str, Any]]:
    """:func:`fr_layouts` as a worker job (:mod:`netmap._worker`): one part, ``"layouts"``."""
    yield "layouts", fr_layouts(sizes, edges, seed)


FR_JOB = "netmap.render.map:fr_layouts_job"


def lay_out_ahead(P: nx.Graph, seed: int | None) -> bool:
    """Ask the worker of the open shared cache for the Fruchterman-Reingold layouts of a large
    partner graph ``P``; whether it was asked.

    The slow part of a large map's layout (12 s at 100,000 partners) needs only ``P`` and
    the seed. Asked after the analysis (whose jobs the worker runs first), the worker lays
    it out while this process makes the report's sections and the map's tooltips, and
    :func:`_region_layout` finds it in the cache (:func:`netmap.graphcache.cached`; computed
    here if the worker fails). Nothing for a map of ``FAST_LAYOUT_ABOVE`` partners or fewer,
    without igraph, or without a worker.
    """
    key = _fast_key(seed)
    if P.number_of_nodes() <= FAST_LAYOUT_ABOVE or prefetched(P, key):
        return False
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    worker = cache_worker()
    if worker is None:
        return False
    sizes, edges = _fr_input(P, _laid(_member_groups(P)))
    futures = worker.submit(FR_JOB, {"sizes": sizes, "edges": edges, "seed": seed}, keys=["layouts"])
    put_prefetched(P, key, futures["layouts"])
    return True


def _rescale(members: list[str], coords: list[tuple[float, float]], scale: float) -> dict[str, tuple[float, float]]:
    """Centre ``coords`` and scale them into [-scale, scale], as ``nx.spring_layout`` does."""
    mx = sum(x for x, _ in coords) / len(coords)
    my = sum(y for _, y in coords) / len(coords)
    top = max((max(abs(x - mx), abs(y - my)) for x, y in coords), default=0.0) or 1.0
    return {n: ((x - mx) * scale / top, (y - my) * scale / top) for n, (x, y) in zip(members, coords, strict=True)}


def map_data(
    G: nx.MultiDiGraph,
    a: Analysis,
    *,
    title: str | None = None,
    size_by: str = "degree",
    gaps: bool = True,
    layout: str = "auto",
    positions: Any = None,
    present: bool = False,
) -> dict[str, Any]:
    """Everything the map page of one analysis shows, as plain JSON-ready data.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map ``a`` is of. Not modified.
    a : netmap.analysis.Analysis
        The analysis to draw (:func:`netmap.pipeline.run`): its region, day, roster, gaps
        and brokers; its seed places the fixed layout; its ``include_contacts`` puts contact
        names, titles, emails and phones in the tooltips (personal data). Nothing is
        analysed here.
    title : str, optional
        Shown on top of the map (default: the map id).
    size_by : {"degree", "betweenness", "brokerage"}
        What a partner's size shows.
    gaps : bool
        Draw missing agency types as ghost nodes.
    layout : {"auto", "physics", "fixed"}
        ``fixed`` (and ``auto``) computes positions here, each region a captioned
        cluster with its ghosts (:func:`_region_layout`); ``physics`` lets the browser
        settle the layout from there (then stops it), without captions.
    positions : netmap.render.positions.Layout or dict, optional
        Saved places ({partner id: (x, y)}, or a layout file read by
        :func:`netmap.render.positions.read_positions`) that override the computed ones;
        partners not in it keep theirs, ids not on the map are ignored.
    present : bool
        Open the page in Present mode (panel hidden, the story's first step shown);
        the story itself (:func:`netmap.render.story.story`) is always in the data.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``legend``, ``filters``, ``options``, ``story``, ``present``,
        ``services`` (:func:`netmap.render.map_services.services_data`, None without
        services rows), ``quality`` (:func:`netmap.render.map_quality.quality_data`, only
        when the analysis has survey answers) and metadata.
    """
    if size_by not in SIZE_BY:
        raise UsageError(f"--size-by must be one of {', '.join(SIZE_BY)}, not {size_by!r}")
    if layout not in LAYOUTS:
        raise UsageError(f"--layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    # No cycle collection while the page data is built (see netmap._gc); one projection
    # and one edge index for the drawing.
    with gc_paused(), shared_cache():
        data = _map_data(G, a, title, size_by, gaps, layout, positions)
    # The guided story of Present mode: the analysis's findings on this page's nodes.
    data["story"] = story(a, data["nodes"], data["edges"], title=data["title"])
    data["present"] = bool(present)
    # The service filter and desert markers (static/services.js), from the analysis's inventory.
    data["services"] = services_data(a, data["nodes"])
    # Tie quality (static/quality.js): surveyed ties restyled, the key only when there are answers,
    # so a map without a survey is drawn exactly as before.
    names = {n["partner"]: n["name"] for n in data["nodes"] if n.get("group") == "partner"}
    quality = quality_data(a, data["edges"], names)
    if quality is not None:
        data["quality"] = quality
    return data


def _map_data(G: nx.MultiDiGraph, a: Analysis, title, size_by, gaps, layout, positions=None) -> dict[str, Any]:
    view = select_region(G, a.region)
    P = partner_graph(view, a.as_of)
    # Positions come from Python at every size unless physics is asked for: a map on the
    # wall must not drift while people look at it.
    use_fixed = layout != "physics"
    # The fixed layout, or the start physics refines. On a large map its slow part is the
    # worker's (lay_out_ahead) or a forked process's, while the tooltips and edges are made here.
    big = P.number_of_nodes() > FAST_LAYOUT_ABOVE
    ghost_counts: dict[str | None, int] = defaultdict(int)
    ghost_wide: dict[str | None, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for t in a.gaps.missing if gaps else ():
        group = _group_of(t.level, t.region)
        ghost_counts[group] += 1
        lines = label_lines(_ghost_label(t))
        chars, tall = ghost_wide[group]
        ghost_wide[group] = (max(chars, *map(len, lines)), max(tall, len(lines)))
    # Its slow part may be in the worker's hands already (lay_out_ahead): then the rest is
    # made here, not in a process forked from this one's gigabytes.
    forked = big and not prefetched(P, _fast_key(a.seed))
    layout_job = (_background.start if forked else _background.later)(
        _region_layout, P, a.seed, dict(ghost_counts), dict(ghost_wide)
    )
    try:
        # ``positions``: a saved layout (--positions) that _page puts over the computed one.
        result = SimpleNamespace(gaps=a.gaps, brokers=a.brokers, as_of=a.as_of, positions=positions)
        return _page(
            G, view, a.roster, result, None, layout_job, use_fixed, title, size_by, gaps, a.include_contacts, a.region
        )
    finally:
        layout_job.cancel()


def _page(G, view, roster, result, links_job, layout_job, use_fixed, title, size_by, gaps, include_contacts, region):
    """The page data; waits for the layout and the brokers only once tooltips and edges are made."""
    info = partners(view)
    day = result.as_of
    P = partner_graph(view, day)

    categories = [c for c in roster.categories.values() if any(d.get("category") == c.id for d in info.values())]
    # A category keeps its colour from map to map: colours follow the roster's order.
    colour = {c.id: PALETTE[i % (len(PALETTE) - 1)] for i, c in enumerate(roster.categories.values())}

    # What each partner does, for the tooltips.
    roles: dict[str, list[str]] = defaultdict(list)
    agreements: dict[str, list[str]] = defaultdict(list)
    funding: dict[str, list[str]] = defaultdict(list)
    contacts: dict[str, list[str]] = defaultdict(list)
    # Read off the rows when the graph has them (a whole workbook's map): not built for the page.
    rel = relations(view, info, day, contacts=include_contacts)
    for pid, name in rel.roles:
        roles[pid].append(name)
    for pid, a in rel.parties:
        agreements[pid].append(f"{a.get('title') or a['id']} ({a.get('type') or 'agreement'})")
    for name, recipient, _ in rel.funds:
        funding[recipient].append(name)
    for p, pid in rel.contacts:
        parts = [p.get("name"), p.get("title"), p.get("email"), p.get("phone")]
        contacts[pid].append(", ".join(x for x in parts if x))

    edges = _edges(rel, P, info, day)
    placed = layout_job.result()
    pos = placed["partners"]
    if getattr(result, "positions", None):
        # A saved layout (--positions) wins over the computed place of each partner it names.
        saved = getattr(result.positions, "positions", result.positions)
        pos = {**pos, **{k: (float(x), float(y)) for k, (x, y) in saved.items() if k in info}}
    if links_job is not None:
        result.brokers = links_job.result()
    broker_rows = {r["id"]: r for r in result.brokers.rows}
    cut_points = set(result.brokers.articulation_points)
    ranked = [r["id"] for r in result.brokers.rows if (r["betweenness"] or 0) > 0]
    top_brokers = set(ranked[: max(3, len(ranked) // 20)])

    if size_by == "degree":
        measure = {pid: float(P.degree(pid)) for pid in P}
    elif size_by == "betweenness":
        measure = {pid: float(broker_rows[pid]["betweenness"] or 0) for pid in P}
    else:
        measure = {pid: float(broker_rows[pid]["brokerage"]["total"]) for pid in P}
    size = _scale(measure)

    # The order in which the page gives partners their labels when not all fit: cut points,
    # top brokers, the leadership team, then by ties.
    order = sorted(
        info,
        key=lambda k: (k not in cut_points, k not in top_brokers, info[k].get("team") != "leadership", -P.degree(k), k),
    )
    rank = {k: i for i, k in enumerate(order)}
    nodes: list[dict[str, Any]] = []
    for pid, d in info.items():
        cat = roster.categories.get(d.get("category") or "")
        lines = [
            ("Partner", d.get("name") or pid),
            ("Agency type", d.get("agency_type_name")),
            ("Category", cat.name if cat else None),
            ("Level", d.get("level")),
            ("Region", d.get("region")),
            ("Team", d.get("team")),
            ("Industry", d.get("industry")),
            ("Roles", "; ".join(sorted(roles[pid]))),
            ("Agreements", "; ".join(sorted(agreements[pid]))),
            ("Funding", "; ".join(sorted(set(funding[pid])))),
            ("Ties", str(P.degree(pid))),
        ]
        if pid in top_brokers:
            lines.append(("Broker", f"betweenness {broker_rows[pid]['betweenness']}"))
        if pid in cut_points:
            lines.append(("Cut point", "the network splits if this partner leaves"))
        if include_contacts and contacts[pid]:
            lines.append(("Contacts", " | ".join(contacts[pid])))
        node = {
            "id": f"p:{pid}",
            "partner": pid,
            "group": "partner",
            "label": ("★ " if pid in top_brokers else "") + str(d.get("name") or pid),
            "name": d.get("name") or pid,
            "tooltip": [[k, v] for k, v in lines if v],
            "category": d.get("category"),
            "region": d.get("region"),
            "level": d.get("level"),
            "team": d.get("team"),
            "shape": SHAPES.get(d.get("level"), "dot"),
            "size": size.get(pid, 14),
            "color": colour.get(d.get("category"), PALETTE[-1]),
            "broker": pid in top_brokers,
            "cut_point": pid in cut_points,
            "rank": rank[pid],
            "key": pid in cut_points or pid in top_brokers or d.get("team") == "leadership",
        }
        node["lines"] = label_lines(node["label"])
        if pid in pos:
            node["x"], node["y"] = pos[pid]
        nodes.append(node)

    ghosts = []
    if gaps:
        ghosts = _ghosts(result, info, P, placed["ghosts"])
        nodes.extend(ghosts["nodes"])
        edges.extend(ghosts["edges"])

    if use_fixed:
        nodes.extend(_captions(placed))

    kinds_present = sorted({e["kind"] for e in edges if e["kind"] != "gap"}, key=list(EDGE_STYLES).index)
    return {
        "title": title or str(G.graph.get("map_id") or "netmap"),
        "subtitle": _subtitle(result, region, len(info)),
        "layout": "fixed" if use_fixed else "physics",
        "size_by": size_by,
        "nodes": nodes,
        "edges": edges,
        "legend": {
            "categories": [{"id": c.id, "name": c.name, "color": colour[c.id]} for c in categories],
            "shapes": [{"level": lvl, "shape": SHAPES[lvl]} for lvl in ("state", "regional", "local", "national")],
            "edges": [
                {
                    "kind": k,
                    "color": EDGE_STYLES[k][0],
                    "dashes": bool(EDGE_STYLES[k][1]),
                    # The line's own dash pattern (the report's legend draws it), and the nearest
                    # CSS line style for the map's (short dashes read as dots): lapsed and
                    # planned differ in the legend too.
                    "dash": " ".join(str(x) for x in EDGE_STYLES[k][1] or ()),
                    "line": _line_style(EDGE_STYLES[k][1]),
                }
                for k in kinds_present
            ],
            "ghosts": bool(ghosts and ghosts["nodes"]),
        },
        "filters": {
            "category": [{"value": c.id, "label": c.name} for c in categories],
            "region": [{"value": r, "label": r} for r in sorted({d.get("region") for d in info.values()} - {None})],
            "level": [
                {"value": lvl, "label": lvl}
                for lvl in ("state", "regional", "local", "national")
                if any(d.get("level") == lvl for d in info.values())
            ],
            "team": [
                {"value": t, "label": t}
                for t in ("leadership", "operations", "stakeholder")
                if any(d.get("team") == t for d in info.values())
            ],
            "kind": [{"value": k, "label": k} for k in kinds_present],
        },
        "save": _save_key(G, region, info),
        # The partner graph for the page's own "what if" questions (static/whatif.js).
        "whatif": whatif_data(P, info),
        "options": _options(use_fixed, len(nodes), placed["font"]),
        # The label font the layout made room for (static/labels.js draws the labels).
        "label_font": placed["font"],
        "min_label_px": MIN_LABEL_PX,
    }


def _save_key(G: nx.MultiDiGraph, region: str | None, info: dict[str, Any]) -> dict[str, Any]:
    """What the page's save.js needs: the map and region (written into a downloaded layout)
    and a key naming this map, under which the browser keeps its dragged positions. The key
    is a hash of the map id, the region and the partner ids: stable from run to run, and
    different for another map opened from the same folder (file:// pages share one store)."""
    map_id = str(G.graph.get("map_id") or "netmap")
    digest = hashlib.sha256(json.dumps([map_id, region, sorted(info)]).encode("utf-8")).hexdigest()
    return {"map": map_id, "region": region, "key": digest[:20]}


def _edges(rel: Relations, P: nx.Graph, info: dict[str, dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    """The drawn edges: one per tied partner pair (styled by its main kind), one per current
    award, and one faint dashed edge per pair tied only by lapsed or planned rows."""
    edges: list[dict[str, Any]] = []
    # Pairs tied the same ways share their kind, kinds and tooltip: worked out once per mix
    # (a state map has ~50,000 pairs and a few dozen mixes).
    styles: dict[tuple[tuple[str, int], ...], tuple[str, list[str], list[list[str]]]] = {}
    for a, b, e in P.edges(data=True):
        mix = tuple(sorted((k, c) for k, c in e["kinds"].items() if k != "funding"))
        if not mix:
            continue
        style = styles.get(mix)
        if style is None:
            main = next(k for k in KIND_PRIORITY if k in dict(mix))
            style = styles[mix] = (main, [k for k, _ in mix], [[k, str(c)] for k, c in mix])
        main, kinds, tooltip = style
        colour_, dashes, width = EDGE_STYLES[main]
        edges.append(
            {
                "id": f"t:{a}|{b}",
                "from": f"p:{a}",
                "to": f"p:{b}",
                "kind": main,
                "kinds": list(kinds),
                "tooltip": [list(pair) for pair in tooltip],
                "color": colour_,
                "dashes": dashes,
                "width": width + (1 if (e.get("strength") or 0) >= 3 else 0),
                "arrows": "",
            }
        )
    for stream, recipient, e in rel.funds_now:
        if e.get("funder_id") in info and recipient in info:
            src, dst = e["funder_id"], recipient
            if src == dst:
                continue
            amount = e.get("amount")
            colour_, dashes, width = EDGE_STYLES["funding"]
            edges.append(
                {
                    "id": f"f:{e['award_id']}",
                    "from": f"p:{src}",
                    "to": f"p:{dst}",
                    "kind": "funding",
                    "kinds": ["funding"],
                    "tooltip": [["Funding", stream]] + ([["Amount", f"${amount:,.0f}"]] if amount is not None else []),
                    "color": colour_,
                    "dashes": dashes,
                    "width": width,
                    "arrows": "to",
                }
            )
    # Ids of the tie edges are unique (one per partner pair): look them up, not scan for them.
    by_id = {edge["id"]: edge for edge in edges if edge["id"].startswith("t:")}
    for a, b, e in rel.ties:
        if e.get("directed"):
            for edge in (by_id.get(f"t:{a}|{b}"), by_id.get(f"t:{b}|{a}")):
                if edge is not None and edge["kinds"] == [e.get("kind") or "collaboration"]:
                    edge["arrows"] = "to" if edge["from"] == f"p:{a}" else "from"
    extra, also = _not_current(rel, P, info, day)
    # A pair tied now that also has a lapsed or planned row says so in its tooltip.
    for (a, b), why in also.items():
        edge = by_id.get(f"t:{a}|{b}") or by_id.get(f"t:{b}|{a}")
        if edge is not None:
            edge["tooltip"] = [*edge["tooltip"], *why]
    edges.extend(extra)
    return edges


def _not_current(
    rel: Relations, P: nx.Graph, info: dict[str, dict[str, Any]], day: dt.date
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], list[list[str]]]]:
    """Rows that are lapsed or planned on ``day``: one faint edge per pair tied by nothing
    else, and for a pair tied now, the tooltip lines to add to its edge."""
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def note(a: str, b: str, state: str, what: str) -> None:
        if a != b and a in info and b in info:
            found.setdefault((min(a, b), max(a, b)), []).append((state, what))

    for u, v, e in rel.ties:
        state = tie_state(e, day)
        if state != CURRENT:
            end = e.get("end") if state == LAPSED else e.get("start")
            note(u, v, state, f"{e.get('kind') or 'collaboration'} tie" + _when(state, end))
    members: dict[str, tuple[dict[str, Any], list[str]]] = {}  # agreement id -> (its node, parties)
    for pid, a in rel.parties:
        members.setdefault(a["id"], (a, []))[1].append(pid)
    for a, ids in members.values():
        state = agreement_state(a, day)
        if state != CURRENT:
            when = _when(state, a.get("expires") if state == LAPSED else a.get("signed"))
            what = f"{a.get('title') or a['id']} ({a.get('type') or 'agreement'}){when}"
            for i, first in enumerate(ids):
                for second in ids[i + 1 :]:
                    note(first, second, state, what)
    for stream, recipient, e in rel.funds:
        state = award_state(e, day)
        if state != CURRENT and e.get("funder_id"):
            when = _when(state, e.get("end") if state == LAPSED else e.get("start"))
            note(e["funder_id"], recipient, state, f"{stream} award{when}")
    edges = []
    also: dict[tuple[str, str], list[list[str]]] = {}
    for (a, b), why in found.items():
        if P.has_edge(a, b):
            also[a, b] = [["Lapsed" if state == LAPSED else "Planned", what] for state, what in why]
            continue
        # Lapsed wins the style when a pair has both: it is the one to renew.
        kind = LAPSED if any(state == LAPSED for state, _ in why) else PLANNED
        colour_, dashes, width = EDGE_STYLES[kind]
        edges.append(
            {
                "id": f"x:{a}|{b}",
                "from": f"p:{a}",
                "to": f"p:{b}",
                "kind": kind,
                "kinds": sorted({state for state, _ in why}),
                "tooltip": [["Lapsed" if state == LAPSED else "Planned", what] for state, what in why],
                "color": colour_,
                "dashes": dashes,
                "width": width,
                "arrows": "",
            }
        )
    return edges, also


def _when(state: str, day: dt.date | None) -> str:
    if day is None:
        return ""
    return f", ended {day.isoformat()}" if state == LAPSED else f", starts {day.isoformat()}"


def _line_style(dashes: list[int] | bool) -> str:
    """The CSS border style closest to a vis-network dash pattern: solid, dashed or dotted."""
    if not dashes:
        return "solid"
    return "dotted" if dashes[0] <= 2 else "dashed"


def _subtitle(result, region: str | None, count: int) -> str:
    parts = [f"{count} partners"]
    missing = len(result.gaps.missing)
    parts.append(f"{missing} missing agency types" if missing else "no missing agency types")
    parts.append(f"as of {result.as_of.isoformat()}")
    if region:
        parts.insert(0, f"region {region}")
    return " · ".join(parts)


def _captions(placed: dict[str, Any]) -> list[dict[str, Any]]:
    """A caption node above each cluster of :func:`_region_layout`'s result ``placed``: the
    region's name, drawn as text (never markup), with the cluster's centre and box. The
    centre cluster is "State level"."""
    centres, at, font = placed["centres"], placed["captions"], placed["font"]
    size = round(1.3 * font, 1)
    out = []
    for g, (x, y, _) in sorted(centres.items(), key=lambda item: (item[0] is not None, item[0] or "")):
        text = g if g is not None else "State level"
        out.append(
            {
                "id": f"c:{g or ''}",
                "group": "caption",
                "label": text,
                "name": text,
                "lines": [text],
                "tooltip": [],
                "category": None,
                "region": g,
                "level": None,
                "team": None,
                "shape": "text",
                "size": size,
                "color": "#222222",
                "broker": False,
                "cut_point": False,
                "centre": [x, y],
                "box": list(placed["boxes"][g]),
                "x": at[g][0],
                "y": at[g][1],
            }
        )
    return out


def _ghost_label(t: Any) -> str:
    """A ghost's label: the missing type and where (the ghosts of every region look alike otherwise)."""
    return f"missing: {t.agency_type} ({t.region or ('state level' if t.level == 'state' else 'no region')})"


def _ghosts(result, info: dict[str, dict[str, Any]], P: nx.Graph, placed: dict | None = None):
    """Ghost nodes for missing agency types, each tied to the best-connected partner of its scope.

    ``placed`` (:func:`_region_layout`'s ``ghosts``) gives each its place in its cluster's ring.
    """
    nodes, edges = [], []
    taken: dict[str | None, int] = defaultdict(int)
    first_of: dict[tuple[str, str | None], str] = {}
    # The anchor of each scope, found once per scope (a big map has thousands of gaps).
    by_region: dict[str | None, list[str]] = defaultdict(list)
    state_by_region: dict[str | None, list[str]] = defaultdict(list)
    for k, d in info.items():
        (state_by_region if d.get("level") == "state" else by_region)[d.get("region")].append(k)
    anchors: dict[tuple[str, str | None], str | None] = {}
    for i, t in enumerate(result.gaps.missing):
        scope = ("state" if t.level == "state" else "local", t.region)
        if scope not in anchors:
            if t.level == "state":
                members = state_by_region.get(t.region, []) + (state_by_region.get(None, []) if t.region else [])
            else:
                members = by_region.get(t.region, [])
            anchors[scope] = max(members, key=lambda k: (P.degree(k), k), default=None)
        anchor = anchors[scope]
        target = f"p:{anchor}" if anchor is not None else first_of.setdefault((t.level, t.region), f"g:{i}")
        where = t.region or ("state level" if t.level == "state" else "no region")
        label = _ghost_label(t)
        node = {
            "id": f"g:{i}",
            "group": "ghost",
            "label": label,
            "name": label,
            "tooltip": [
                ["Missing agency type", t.agency_type],
                ["Category", t.category],
                ["Level", t.level],
                ["Where", where],
            ]
            + ([["Prospective", ", ".join(t.prospective)]] if t.prospective else []),
            # Ghosts answer to the region filter and their own switch, not to level or team.
            "category": None,
            "region": t.region,
            "level": None,
            "team": None,
            "shape": "square",
            "size": GHOST_SIZE / 2,
            "lines": label_lines(label),
            "color": "#eeeeee",
            "broker": False,
            "cut_point": False,
            # The page places ghosts around their anchor once the partners have settled.
            "anchor": f"p:{anchor}" if anchor is not None else None,
            "scope": f"{t.level}|{t.region or ''}",
        }
        group = _group_of(t.level, t.region)
        ring = (placed or {}).get(group, [])
        if taken[group] < len(ring):
            node["x"], node["y"] = ring[taken[group]]
        taken[group] += 1
        nodes.append(node)
        if target != f"g:{i}":
            # Tied to the scope's best-connected partner, or, where the scope has no
            # partner at all, to the first ghost of the scope, so the scope's gaps cluster.
            edges.append(
                {
                    "id": f"g:{i}|{target}",
                    "from": f"g:{i}",
                    "to": target,
                    "kind": "gap",
                    "kinds": ["gap"],
                    "tooltip": [["Missing", t.agency_type]],
                    "color": "#cccccc",
                    "dashes": [2, 8],
                    "width": 1,
                    "arrows": "",
                }
            )
    return {"nodes": nodes, "edges": edges}


# pyvis's option defaults after ``Network().force_atlas_2based(gravity=-160,
# central_gravity=0.004, spring_length=150, spring_strength=0.05, damping=0.5,
# overlap=0.8)``, written out so that drawing a map does not import pyvis (and IPython).
# tests/render/test_map.py checks they still equal what pyvis gives.
_PYVIS_BASE = {
    "configure": {"enabled": False},
    "edges": {"color": {"inherit": True}, "smooth": {"enabled": True, "type": "dynamic"}},
    "interaction": {"dragNodes": True, "hideEdgesOnDrag": False, "hideNodesOnDrag": False},
    "physics": {
        "enabled": True,
        "forceAtlas2Based": {
            "avoidOverlap": 0.8,
            "centralGravity": 0.004,
            "damping": 0.5,
            "gravitationalConstant": -160,
            "springConstant": 0.05,
            "springLength": 150,
        },
        "solver": "forceAtlas2Based",
        "stabilization": {
            "enabled": True,
            "fit": True,
            "iterations": 1000,
            "onlyDynamicEdges": False,
            "updateInterval": 50,
        },
    },
}


def _options(fixed: bool, count: int, font: float = LABEL_FONT) -> dict[str, Any]:
    """vis-network options: pyvis's defaults (``_PYVIS_BASE``) with netmap's settings."""
    import copy

    opts = copy.deepcopy(_PYVIS_BASE)
    opts["physics"]["enabled"] = not fixed
    opts["physics"]["stabilization"] = {
        "enabled": not fixed,
        "iterations": 400 if count < 500 else 150,
        "fit": True,
        "updateInterval": 25,
    }
    opts["edges"] = {"smooth": {"enabled": not fixed, "type": "continuous"}, "color": {"inherit": False}}
    opts["interaction"] = {
        "hover": True,
        "tooltipDelay": 120,
        "hideEdgesOnDrag": count > 1000,
        "navigationButtons": False,
        "keyboard": False,
    }
    opts["nodes"] = {
        "font": {"size": font, "face": "system-ui, sans-serif", "strokeWidth": 4, "strokeColor": "#ffffff"},
        "borderWidth": 1,
    }
    opts["layout"] = {"improvedLayout": False, "randomSeed": 7}  # positions come from netmap
    return opts


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def page_data(data: dict[str, Any]) -> dict[str, Any]:
    """:func:`map_data`'s result as the page carries it, edges packed into tables.

    A state map has ~50,000 edges; written out as objects (ids, colours, dash patterns
    and tooltips each time) they were 60 % of a 18 MB page. Packed, an edge is a row of
    small integers: its ends as indexes into ``nodes``, and its kind, style (colour and
    dashes), arrows and tooltip as indexes into tables of the distinct values. ``map.js``
    unpacks them into the objects it drew before; edge ids become ``e0``, ``e1``, ...

    >>> data = {"nodes": [{"id": "p:A"}, {"id": "p:B"}], "edges": [
    ...     {"from": "p:A", "to": "p:B", "kind": "referral", "color": "#0072B2", "dashes": [2, 6],
    ...      "width": 2, "arrows": "to", "tooltip": [["referral", "1"]]}]}
    >>> page_data(data)["edges"]["rows"]
    [[0, 1, 0, 0, 2, 0, 0]]
    """
    index = {n["id"]: i for i, n in enumerate(data["nodes"])}
    kinds: dict[Any, int] = {}
    styles: dict[Any, int] = {}
    arrows: dict[Any, int] = {}
    tooltips: dict[Any, int] = {}
    values: dict[str, list[Any]] = {"kinds": [], "styles": [], "arrows": [], "tooltips": []}
    rows = []
    # One loop with the lookups written out: it runs once per edge of a state map.
    for e in data["edges"]:
        kind, colour, dashes, arrow, tooltip = e["kind"], e["color"], e["dashes"], e["arrows"], e["tooltip"]
        k = kinds.get(kind)
        if k is None:
            k = kinds[kind] = len(kinds)
            values["kinds"].append(kind)
        style_key = (colour, tuple(dashes)) if isinstance(dashes, list) else (colour, dashes)
        st = styles.get(style_key)
        if st is None:
            st = styles[style_key] = len(styles)
            values["styles"].append([colour, dashes])
        a = arrows.get(arrow)
        if a is None:
            a = arrows[arrow] = len(arrows)
            values["arrows"].append(arrow)
        tip_key = tuple(map(tuple, tooltip))
        t = tooltips.get(tip_key)
        if t is None:
            t = tooltips[tip_key] = len(tooltips)
            values["tooltips"].append(tooltip)
        rows.append([index[e["from"]], index[e["to"]], k, st, e["width"], a, t])
    return {**data, "edges": {**values, "rows": rows}}


def render_map_html(data: dict[str, Any]) -> str:
    """The page for :func:`map_data`'s result: one string of HTML, everything inlined."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    from netmap.render.json import html_dumps

    env = Environment(
        loader=PackageLoader("netmap", "render/templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )
    env.policies["json.dumps_function"] = html_dumps  # the embedded data at C speed
    vis_js, vis_css = _vis_assets()
    own_js, own_css = map_script(), _own_asset("map.css")
    csp = (
        "default-src 'none'; "
        f"script-src '{_sha256(vis_js)}' '{_sha256(own_js)}'; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'; frame-src 'none'; object-src 'none'"
    )
    return env.get_template("map.html.j2").render(
        data=data, page=page_data(data), csp=csp, vis_js=vis_js, vis_css=vis_css, own_js=own_js, own_css=own_css
    )


def write_map(
    G: nx.MultiDiGraph,
    a: Analysis,
    path: str | Path,
    *,
    overwrite: bool = True,
    inputs: Inputs = (),
    **options: Any,
) -> Path:
    """Write the map of analysis ``a`` (of ``G``) to ``path`` (UTF-8) and nothing else; return the path.

    Takes the keyword options of :func:`map_data`. The file is written atomically; ``overwrite``
    (the command's ``--force``) allows replacing an existing one, and no file of ``inputs``
    (what the map was drawn from) is ever written over (see :mod:`netmap.outputs`).
    """
    html = render_map_html(map_data(G, a, **options))
    return write_file(path, html, inputs=inputs, force=overwrite)
