"""The map as paper shows it: a static, labelled drawing of the live map's layout, as SVG geometry.

The live map (vis-network on a canvas) prints as whatever part of it was on screen, without
its controls and with labels too small to read. The report therefore carries a second
drawing of the same map for paper only: the partners where :func:`netmap.render.map.map_data`
placed them (its ``x``/``y``, from the same ``_positions`` layout the live map starts from
or keeps), coloured and shaped as on screen, the ghosts (missing agency types) as dashed
boxes beside their scope as the page sets them, the edges as lines in their kind's colour
and dash.

Everything here is geometry and text; the template writes the elements, so every label
reaches the page as autoescaped SVG ``<text>`` and nothing from the data becomes markup.
Edges of one style are drawn as one path (a state map has ~50,000 of them).

Examples
--------
>>> net = {"nodes": [
...     {"id": "p:A", "group": "partner", "label": "Alpha", "shape": "dot", "size": 14, "color": "#E69F00",
...      "broker": False, "cut_point": False, "x": 0.0, "y": 0.0, "level": "local", "region": "R"},
...     {"id": "p:B", "group": "partner", "label": "Beta", "shape": "square", "size": 20, "color": "#56B4E9",
...      "broker": False, "cut_point": True, "x": 300.0, "y": 0.0, "level": "state", "region": None}],
...     "edges": [{"from": "p:A", "to": "p:B", "color": "#333333", "dashes": False, "width": 4}]}
>>> fig = printed_map(net)
>>> [(n["label"], n["x"], n["y"]) for n in fig["nodes"]]
[('Alpha', 0.0, 0.0), ('Beta', 300.0, 0.0)]
>>> fig["paths"][0]["d"]
'M0,0L300,0'
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from markupsafe import Markup, escape

__all__ = ["printed_map", "svg_labels", "svg_paths", "svg_shapes"]

PARTNER_FONT = 26  # the label font of a map data without ``label_font`` (netmap.render.map.LABEL_FONT)
GHOST_SHARE = 0.7  # a ghost's label font, as a share of the partners' (netmap.render.map.GHOST_SHARE)
CHAR = 0.56  # rough width of a system-ui character, in font sizes: SVG text cannot be measured here
LINE = 1.2  # a label's line height, in font sizes, as the live map wraps it (netmap.render.map.LINE)
MARGIN = 30


def _num(value: float) -> str:
    """A coordinate as short text, to one decimal: whole numbers without ``.0`` (the paths of a
    big map are long), and no negative zero.

    >>> [_num(v) for v in (3.0, -0.04, 2.25, -12.96, 1e16)]
    ['3', '0', '2.2', '-13', '10000000000000000']
    """
    # Formatting rounds as round(value, 1) does (correctly, from the float's exact value);
    # one format instead of round, int, compare and str: millions of calls on a state map.
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
        return "0" if text == "-0" else text
    return text


def _reach(r: float, lines: list[str], font: float) -> tuple[float, float]:
    """How far a shape of radius ``r`` with its label of ``lines`` below reaches from its
    centre: sideways (the wider of the two) and downwards."""
    return max(r, max(map(len, lines)) * CHAR * font / 2), r + font * (1.3 + LINE * (len(lines) - 1))


def _shape(node: dict[str, Any], x: float, y: float, r: float) -> dict[str, Any]:
    """The SVG element that draws ``node``: ``circle``, ``rect`` or ``polygon`` and its attributes."""
    shape = node["shape"]
    if shape == "square":
        return {"tag": "rect", "x": _num(x - r), "y": _num(y - r), "width": _num(2 * r), "height": _num(2 * r)}
    if shape == "triangle":
        # vis-network's triangle: apex up, inside a circle of radius r.
        points = [(x, y - r), (x + r * 0.87, y + r * 0.5), (x - r * 0.87, y + r * 0.5)]
    elif shape == "diamond":
        points = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
    else:
        return {"tag": "circle", "cx": _num(x), "cy": _num(y), "r": _num(r)}
    return {"tag": "polygon", "points": " ".join(f"{_num(px)},{_num(py)}" for px, py in points)}


def printed_map(net: dict[str, Any]) -> dict[str, Any]:
    """The geometry of the printed map of :func:`netmap.render.map.map_data`'s result ``net``.

    Parameters
    ----------
    net : dict
        The map data: nodes with ``x``/``y`` (every partner has them: the layout the live map
        keeps, or starts from and refines in the browser), ghosts without (placed here as the
        page places them), and edges.

    Returns
    -------
    dict
        ``view_box`` (``"x,y,width,height"``), ``paths`` (one per edge style: ``d``, ``stroke``,
        ``width``, ``dash``), ``nodes`` (``shape``: the element and its attributes, ``fill``,
        ``stroke``, ``stroke_width``, ``dash``, ``ghost``; ``label``, ``label_x``, ``label_y``,
        ``lines`` (each line of the label as the live map wraps it: ``y``, ``text``), ``font``;
        and ``x``, ``y``), and ``partners``, the count of partners drawn.

    Examples
    --------
    >>> fig = printed_map({"nodes": [], "edges": []})
    >>> fig["nodes"], fig["view_box"]
    ([], '0,0,100,100')
    """
    nodes = net["nodes"]
    # Every node where the map's layout put it: partners, ghosts (each in a grid in its own
    # region's cluster) and captions alike, so paper and screen agree.
    at: dict[str, tuple[float, float]] = {n["id"]: (n["x"], n["y"]) for n in nodes if "x" in n}
    partner_font = float(net.get("label_font") or PARTNER_FONT)

    drawn: list[dict[str, Any]] = []
    left = top = math.inf
    right = bottom = -math.inf
    for n in nodes:
        if n["id"] not in at:
            continue  # a node without a place (none today) is left out rather than piled at 0, 0
        x, y = at[n["id"]]
        label = str(n["label"])
        # In the lines the live map wraps it into (and the layout made room for): on one line
        # a long name ran into its neighbours' on paper.
        lines = [str(line) for line in n.get("lines") or [label]]
        if n["group"] == "caption":
            # A region's name, as text only (an empty shape keeps the template's one element a node).
            font = float(n["size"])
            shape = {"tag": "rect", "x": _num(x), "y": _num(y), "width": "0", "height": "0"}
            item = {"fill": "none", "stroke": "none", "stroke_width": 0, "dash": "", "ghost": False}
            label_y = y + font * 0.35
            lines = [label]
            reach_w, reach_h = len(label) * CHAR * font / 2, font
        elif n["group"] == "ghost":
            # A small dashed square with its label below, as the live map draws it.
            font, r = round(GHOST_SHARE * partner_font, 1), float(n.get("size") or 5)
            shape = {"tag": "rect", "x": _num(x - r), "y": _num(y - r), "width": _num(2 * r), "height": _num(2 * r)}
            item = {"fill": "#f4f4f4", "stroke": "#888888", "stroke_width": 1, "dash": "3 2", "ghost": True}
            label_y = y + r + font
            reach_w, reach_h = _reach(r, lines, font)
        else:
            font, r = partner_font, float(n["size"])
            shape = _shape(n, x, y, r)
            width = 5 if n.get("cut_point") else 3 if n.get("broker") else 1
            stroke = "#000000" if n.get("cut_point") else "#444444"
            item = {"fill": n["color"], "stroke": stroke, "stroke_width": width, "dash": "", "ghost": False}
            label_y = y + r + font  # below the shape, as on the live map
            reach_w, reach_h = _reach(r, lines, font)
        drawn.append(
            {
                **item,
                "id": n["id"],
                "shape": shape,
                "label": label,
                "label_x": _num(x),
                "label_y": _num(label_y),
                "lines": [{"y": _num(label_y + k * LINE * font), "text": line} for k, line in enumerate(lines)],
                "font": font,
                "x": x,
                "y": y,
            }
        )
        left, right = min(left, x - reach_w), max(right, x + reach_w)
        top, bottom = min(top, y - reach_h), max(bottom, y + reach_h)

    groups: dict[tuple[str, str, float], list[str]] = defaultdict(list)
    for e in net["edges"]:
        if e["from"] not in at or e["to"] not in at:
            continue
        (x1, y1), (x2, y2) = at[e["from"]], at[e["to"]]
        dashes = e["dashes"]
        dash = " ".join(str(d) for d in dashes) if isinstance(dashes, list) else ("10 6" if dashes else "")
        # Commas between a point's coordinates: "x,y" never reads as a phone number to a scan for them.
        groups[e["color"], dash, float(e["width"])].append(f"M{_num(x1)},{_num(y1)}L{_num(x2)},{_num(y2)}")
    paths = [
        {"stroke": colour, "dash": dash, "width": _num(width), "d": "".join(parts)}
        for (colour, dash, width), parts in groups.items()
    ]
    if not drawn:
        view_box = "0,0,100,100"
    else:
        view_box = ",".join(
            _num(v) for v in (left - MARGIN, top - MARGIN, right - left + 2 * MARGIN, bottom - top + 2 * MARGIN)
        )
    return {
        "view_box": view_box,
        "paths": paths,
        "nodes": drawn,
        "partners": sum(1 for n in drawn if n["id"].startswith("p:")),
    }


# -- the drawing as SVG elements ----------------------------------------------------------------
# Written here, not in report.html.j2: a state map's drawing has a shape and a label per
# partner and a path per edge style, millions of attributes that the template's loops looked
# up, tested and escaped one by one (seconds of a 100,000-partner report). The bytes are
# those the loops wrote (tests/render/test_printed_map.py holds them and compares).


def svg_paths(paths: list[dict[str, Any]]) -> Markup:
    """The ``<path>`` elements of :func:`printed_map`'s ``paths``, escaped.

    >>> str(svg_paths([{"d": "M0 0L1 1", "stroke": "#000", "width": 1, "dash": "2 6"}]))
    '\\n<path d="M0 0L1 1" stroke="#000" stroke-width="1" stroke-dasharray="2 6"/>'
    """
    out = []
    for p in paths:
        dash = f' stroke-dasharray="{escape(p["dash"])}"' if p["dash"] else ""
        out.append(
            f'\n<path d="{escape(p["d"])}" stroke="{escape(p["stroke"])}" stroke-width="{escape(p["width"])}"{dash}/>'
        )
    return Markup("".join(out))  # noqa: S704 - every value went through escape()


def svg_shapes(nodes: list[dict[str, Any]]) -> Markup:
    """The shapes of :func:`printed_map`'s ``nodes`` (circle, rect or polygon), escaped.

    >>> str(svg_shapes([{"shape": {"tag": "circle", "cx": 1, "cy": 2, "r": 3}, "id": "p:A",
    ...     "fill": "#fff", "stroke": "#000", "stroke_width": 1, "dash": None}]))
    '<circle cx="1" cy="2" r="3" data-node="p:A" fill="#fff" stroke="#000" stroke-width="1"/>'
    """
    out = []
    for n in nodes:
        s = n["shape"]
        tag = s["tag"]
        if tag == "circle":
            head = f'<circle cx="{escape(s["cx"])}" cy="{escape(s["cy"])}" r="{escape(s["r"])}"'
        elif tag == "rect":
            head = (
                f'<rect x="{escape(s["x"])}" y="{escape(s["y"])}" width="{escape(s["width"])}"'
                f' height="{escape(s["height"])}"'
            )
        else:
            head = f'<polygon points="{escape(s["points"])}"'
        dash = f' stroke-dasharray="{escape(n["dash"])}"' if n["dash"] else ""
        out.append(
            f'{head} data-node="{escape(n["id"])}" fill="{escape(n["fill"])}" stroke="{escape(n["stroke"])}"'
            f' stroke-width="{escape(n["stroke_width"])}"{dash}/>'
        )
    return Markup("".join(out))  # noqa: S704 - every value went through escape()


def svg_labels(nodes: list[dict[str, Any]]) -> Markup:
    """The ``<text>`` label of each of :func:`printed_map`'s ``nodes``, a ``<tspan>`` per line, escaped.

    >>> str(svg_labels([{"label_x": 1, "label_y": 2, "font": 9, "id": "p:A", "ghost": False,
    ...     "lines": [{"y": 2, "text": "A & B"}]}]))
    '\\n<text x="1" y="2" font-size="9" data-node="p:A"><tspan x="1" y="2">A &amp; B</tspan></text>'
    """
    out = []
    for n in nodes:
        x = escape(n["label_x"])
        ghost = ' class="ghost-label"' if n["ghost"] else ""
        spans = "".join(
            [f'<tspan x="{x}" y="{escape(line["y"])}">{escape(line["text"])}</tspan>' for line in n["lines"]]
        )
        out.append(
            f'\n<text x="{x}" y="{escape(n["label_y"])}" font-size="{escape(n["font"])}"'
            f' data-node="{escape(n["id"])}"{ghost}>{spans}</text>'
        )
    return Markup("".join(out))  # noqa: S704 - every value went through escape()
