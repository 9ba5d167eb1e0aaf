"""Inline SVG charts of the report, as geometry: the template writes the elements.

Nothing here knows a section; the sections say what to draw (bars of segments, a legend).
"""

from __future__ import annotations

from typing import Any

from netmap.render.map import PALETTE
from netmap.render.page import fmt_num as _num
from netmap.roster import Roster

CHART_WIDTH = 960
CHAR_WIDTH = 7.4  # rough width of a 13 px system-ui character: SVG text cannot be measured here


def text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def clip(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit about ``width`` pixels."""
    most = max(4, int(width / CHAR_WIDTH))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def category_colours(roster: Roster) -> dict[str | None, str]:
    """The map's colour of each category, by roster order (so the report and the map agree).

    >>> from netmap.roster import load_roster
    >>> category_colours(load_roster())["education"]
    '#00827A'
    """
    colours: dict[str | None, str] = {
        c.id: PALETTE[i % (len(PALETTE) - 1)] for i, c in enumerate(roster.categories.values())
    }
    colours[None] = PALETTE[-1]
    return colours


def lay_out_legend(entries: list[tuple[str, str]], y: float) -> tuple[list[dict[str, Any]], float]:
    """Legend swatches laid out in rows across the chart; returns them and the height used."""
    out, x, row = [], 0.0, 0
    for label, colour in entries:
        width = 18 + text_width(label) + 22
        if x and x + width > CHART_WIDTH:
            x, row = 0.0, row + 1
        out.append(
            {"x": x, "y": y + row * 22, "label": label, "colour": colour, "text_x": x + 18, "text_y": y + row * 22 + 11}
        )
        x += width
    return out, (row + 1) * 22 if entries else 0


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    bars: list[tuple[str, list[tuple[str, float, str, str]], str]],
    legend: list[tuple[str, str]],
    *,
    scale_to: float | None = None,
) -> dict[str, Any]:
    """Horizontal stacked bars, each with its label above and its total after it.

    ``bars`` holds (label, segments, total text); a segment is (name, value, fill,
    text colour). Bars share one scale (``scale_to``, default the largest total), or
    each fills the width when ``scale_to`` is 0 (shares).
    """
    legend_items, top = lay_out_legend(legend, 0)
    top += 8 if legend else 0
    longest = max((sum(v for _, v, _, _ in segs) for _, segs, _ in bars), default=0)
    total_room = max((text_width(t) for _, _, t in bars), default=0) + 12
    room = CHART_WIDTH - total_room
    rows, y = [], top
    for label, segs, total_text in bars:
        whole = sum(v for _, v, _, _ in segs)
        scale = (room / whole if whole else 0) if scale_to == 0 else (room / (scale_to or longest or 1))
        x, parts = 0.0, []
        for name, value, fill, ink in segs:
            if value <= 0:
                continue
            w = value * scale
            text = _num(value) if w >= 26 and scale_to == 0 else ""
            parts.append(
                {"x": round(x, 2), "w": round(max(w, 0.5), 2), "fill": fill, "ink": ink, "name": name, "text": text}
            )
            x += w
        rows.append(
            {
                "label": clip(label, CHART_WIDTH),
                "full_label": label,
                "label_y": y + 13,
                "bar_y": y + 18,
                "segments": parts,
                "total": total_text,
                "total_x": round(x + 8, 2),
                "total_y": y + 33,
            }
        )
        y += 46
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": CHART_WIDTH,
        "height": max(y, top + 10),
        "legend": legend_items,
        "bars": rows,
        "bar_height": 20,
        "note": None,
    }
