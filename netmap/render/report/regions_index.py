"""The index of a report per region: a summary map, the minimum team by region, each region, the links.

``netmap report SOURCE --each-region -o DIR`` writes one report per region and this page,
``index.html`` (or ``index.md``). It draws the analysis of the whole map (its regions side
by side, :attr:`~netmap.analysis.Analysis.regions`) and, for each region's headline
findings, the analysis that region's own report draws; it computes nothing.

- The summary map opens the page: one node per region and one per state-level partner a
  region is tied to, an edge per region and state partner tied, as wide as their tie count
  (:func:`summary_graph` gathers it, :func:`summary_drawing` places it on one circle, each
  region followed by the state partners it has most ties to). It is inline SVG computed
  here: no script, it prints as it is, every node is labelled.
- The heatmap: rows are regions (most gaps first), columns the roster's local minimum-team
  lines, each cell ``met``, ``partly`` or ``missing`` with a mark and a word, never colour
  alone, so it prints and reads without colour.
- Each region: its missing agency types, its unmet lines, the state partners it reaches
  and its first headline findings, with a link to its report.
- File names come from :func:`region_file_names` (``region-<slug>.html``), never from the
  data as it is; every text is escaped (Jinja autoescape; :func:`~netmap.render.page.md_escape`).

Examples
--------
>>> import netmap
>>> from netmap.pipeline import run
>>> G = netmap.read_graph("examples/four-state-coalitions")
>>> a = run(G, as_of="2026-11-24")
>>> g = summary_graph(a)
>>> [n["id"] for n in g["nodes"] if n["kind"] == "region"]
['Tennessee', 'Delaware', 'California', 'Illinois']
>>> next(e["ties"] for e in g["edges"] if (e["region"], e["state"]) == ("Delaware", "DE-DOE"))
4
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from netmap.analysis import Analysis
from netmap.analysis.findings import Finding
from netmap.analysis.gaps import MISSING
from netmap.analysis.regions import MET, PARTLY
from netmap.render.json import to_jsonable
from netmap.render.map import _own_asset
from netmap.render.page import content_security_policy, environment, section, timestamp
from netmap.render.report._common import SEVERITY_LABEL

__all__ = [
    "LINE_MARK",
    "index_data",
    "region_file_names",
    "render_index_html",
    "render_index_markdown",
    "summary_drawing",
    "summary_graph",
]

# A minimum-team line's mark: shape and word say it, the colour only repeats it.
LINE_MARK = {MET: "●", PARTLY: "◐", MISSING: "○"}
FINDINGS_PER_REGION = 3  # headline findings shown per region on the index
LABEL_CHARS = 30  # longer node labels are cut (the full name is the node's hover title)
_SAFE_HREF = re.compile(r"^region-[a-z0-9-]+\.(html|md)$")


def region_file_names(regions: Sequence[str], *, suffix: str = ".html") -> dict[str, str]:
    """A safe, distinct file name per region: ``region-<slug><suffix>``.

    The slug keeps ASCII letters and digits (accents dropped), lower case, other runs as one
    ``-``, at most 60 characters; a region left with nothing is ``region``; a slug taken by
    an earlier region gets ``-2``, ``-3``...

    Examples
    --------
    >>> region_file_names(["Pima County", "pima county!", "<img src=x>", "Zürich"])
    {'Pima County': 'region-pima-county.html', 'pima county!': 'region-pima-county-2.html', \
'<img src=x>': 'region-img-src-x.html', 'Zürich': 'region-zurich.html'}
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for region in regions:
        ascii_text = unicodedata.normalize("NFKD", str(region)).encode("ascii", "ignore").decode("ascii")
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or "region"
        candidate, n = slug, 1
        while candidate in taken:
            n += 1
            candidate = f"{slug}-{n}"
        taken.add(candidate)
        names[region] = f"region-{candidate}{suffix}"
    return names


def summary_graph(a: Analysis) -> dict[str, Any]:
    """The region-level summary of ``a``: regions, the state-level partners they reach, tie counts.

    Parameters
    ----------
    a : Analysis
        An analysis of the whole map (``a.regions`` set).

    Returns
    -------
    dict
        ``nodes``: ``{"id", "label", "kind"}`` with ``kind`` ``region`` (in the map's order)
        or ``state`` (each after the region it has most ties to, most first); ``edges``:
        ``{"region", "state", "state_name", "ties"}``, the ties between a region's partners and a state
        partner on the day (from ``RegionRow.state_ties``).
    """
    rows = {r.region: r for r in (a.regions.regions if a.regions is not None else [])}
    order = [name for name in (a.regions.region_names if a.regions is not None else []) if name in rows]
    labels = {p: n for r in rows.values() for p, n in zip(r.state_partners, r.state_partner_names, strict=False)}
    edges = [
        {"region": name, "state": state, "state_name": str(labels.get(state) or state), "ties": ties}
        for name in order
        for state, ties in rows[name].state_ties.items()
        if ties
    ]
    # Each state partner sits next to the region it has most ties to (the first such region on a tie).
    home: dict[str, tuple[int, int]] = {}
    for e in edges:
        key = (-e["ties"], order.index(e["region"]))
        if e["state"] not in home or key < home[e["state"]]:
            home[e["state"]] = key
    nodes: list[dict[str, Any]] = []
    for i, name in enumerate(order):
        nodes.append({"id": name, "label": name, "kind": "region"})
        mine = sorted((s for s, (_, where) in home.items() if where == i), key=lambda s: (home[s][0], s))
        nodes.extend({"id": s, "label": str(labels.get(s) or s), "kind": "state"} for s in mine)
    return {"nodes": nodes, "edges": edges}


def summary_drawing(graph: Mapping[str, Any], *, min_width: float = 1.5, max_width: float = 9.0) -> dict[str, Any]:
    """Place :func:`summary_graph` on one circle, labels outward; edge widths grow with tie counts.

    Deterministic: the nodes keep the graph's order, clockwise from the top. The circle grows
    with the number of nodes so that labels set along radii do not touch.

    Returns
    -------
    dict
        ``size`` (the square viewBox), ``nodes`` (``x``, ``y``, label placement), ``edges``
        (end points, ``width``) and ``legend`` (sample widths with their tie counts).

    Examples
    --------
    >>> nodes = [{"id": i, "label": i, "kind": k} for i, k in (("A", "region"), ("S", "state"), ("T", "state"))]
    >>> edges = [{"region": "A", "state": "S", "ties": 1}, {"region": "A", "state": "T", "ties": 3}]
    >>> d = summary_drawing({"nodes": nodes, "edges": edges})
    >>> [(e["ties"], e["width"]) for e in d["edges"]], [x["ties"] for x in d["legend"]]
    ([(1, 1.5), (3, 9.0)], [1, 2, 3])
    """
    nodes_in = list(graph["nodes"])
    n = max(len(nodes_in), 1)
    radius = max(150.0, n * 17 / (2 * math.pi))
    margin = 16 + LABEL_CHARS * 6.6  # room for the longest label along its radius
    size = round(2 * (radius + margin))
    centre = size / 2
    placed: dict[str, dict[str, Any]] = {}
    nodes = []
    for i, node in enumerate(nodes_in):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        degrees = math.degrees(angle)
        left = math.cos(angle) < -1e-9  # labels on the left half read outward too, not upside down
        label = node["label"] if len(node["label"]) <= LABEL_CHARS else node["label"][: LABEL_CHARS - 1] + "…"
        gap = 14 if node["kind"] == "region" else 10
        item = {
            **node,
            "x": round(x, 1),
            "y": round(y, 1),
            "short": label,
            "label_x": round(x + gap * math.cos(angle), 1),
            "label_y": round(y + gap * math.sin(angle), 1),
            "rotate": round(degrees + 180 if left else degrees, 1),
            "anchor": "end" if left else "start",
        }
        placed[node["id"]] = item
        nodes.append(item)
    most = max((e["ties"] for e in graph["edges"]), default=1)

    def width(ties: int) -> float:
        if most <= 1:
            return min_width
        return round(min_width + (max_width - min_width) * (ties - 1) / (most - 1), 2)

    edges = [
        {
            **e,
            "x1": placed[e["region"]]["x"],
            "y1": placed[e["region"]]["y"],
            "x2": placed[e["state"]]["x"],
            "y2": placed[e["state"]]["y"],
            "width": width(e["ties"]),
        }
        for e in graph["edges"]
    ]
    samples = sorted({1, (most + 1) // 2, most}) if graph["edges"] else []
    legend = [{"ties": t, "width": width(t), "y": 22 + 22 * k} for k, t in enumerate(samples)]
    return {"size": size, "nodes": nodes, "edges": edges, "legend": legend}


def index_data(
    a: Analysis,
    reports: Mapping[str, tuple[str, Sequence[Finding]]],
    *,
    title: str | None = None,
    generated: dt.datetime | str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """Everything the index shows, as plain JSON-ready data.

    Parameters
    ----------
    a : Analysis
        The analysis of the whole map (its regions side by side, ``a.regions``).
    reports : mapping of str to (str, sequence of Finding)
        Per region: the file name of its report and the findings of the analysis that report
        draws (its headline ones are shown). A region without one (expected, no partner
        listed) is shown without a link.
    title, generated, version
        As :func:`netmap.render.report.report_data` takes them.
    """
    result = a.regions
    rows = list(result.regions) if result is not None else []
    requirements = list(result.requirements) if result is not None else []
    map_id = a.map_id or "netmap"
    graph = summary_graph(a)
    heat = [
        {
            "region": r.region,
            "href": reports[r.region][0] if r.region in reports else None,
            "cells": [
                {"status": r.minimum.get(q["id"], MISSING), "mark": LINE_MARK[r.minimum.get(q["id"], MISSING)]}
                for q in requirements
            ],
            "met": f"{r.minimum_met} of {r.minimum_total}",
        }
        for r in rows
    ]
    detail = []
    for r in rows:
        href, own = reports.get(r.region, (None, None))
        findings = [] if own is None else list(own)[:FINDINGS_PER_REGION]
        detail.append(
            {
                "region": r.region,
                "href": href,
                "rank": r.rank,
                "facts": [
                    ("Active partners", str(r.active) if r.listed else "none listed"),
                    ("Minimum team", f"{r.minimum_met} of {r.minimum_total} lines met"),
                    ("Lines not met", "; ".join(r.minimum_unmet) or "none"),
                    ("Local agency types missing", "; ".join(r.missing_types) or "none"),
                    (
                        "State-level partners reached",
                        "; ".join(
                            f"{n} ({r.state_ties.get(p, 0)} tie(s))"
                            for p, n in zip(r.state_partners, r.state_partner_names, strict=False)
                        )
                        or "none",
                    ),
                ],
                "findings": [
                    {"severity": f.severity, "label": SEVERITY_LABEL.get(f.severity, f.severity), "text": f.text}
                    for f in findings
                ],
                "findings_total": 0 if own is None else len(own),
            }
        )
    states = sum(1 for node in graph["nodes"] if node["kind"] == "state")
    sections = [
        section(
            "summary-map",
            "Regions and the state-level partners they reach",
            intro=[
                f"{len(rows)} region(s) and the {states} state-level partner(s) they are tied to. A line joins a "
                "region and a state partner tied to at least one of the region's partners; the wider the line, the "
                "more of its partners are tied. Squares are regions, circles state-level partners; each state "
                "partner sits next to the region it has most ties to."
            ],
            drawing=summary_drawing(graph),
            graph=graph,
        ),
        section(
            "heatmap",
            "Minimum team by region",
            intro=[
                "Rows are regions, most gaps first; columns are the roster's local minimum-team lines. "
                "● met, ◐ partly (some of the line's agency types are there, not all), ○ missing."
            ],
            requirements=requirements,
            heat=heat,
            legend=[{"status": s, "mark": LINE_MARK[s]} for s in (MET, PARTLY, MISSING)],
        ),
        section(
            "each-region",
            "Each region",
            intro=[
                f"Per region: its gaps, the state-level partners it reaches and its first {FINDINGS_PER_REGION} "
                "headline findings (the region's own report has them all, with the evidence)."
            ],
            regions=detail,
        ),
        section(
            "reports",
            "The reports",
            intro=["One report per region with partners listed; a region expected but with none has no report."],
            links=[{"region": d["region"], "href": d["href"]} for d in detail],
        ),
    ]
    return to_jsonable(
        {
            "title": title or f"{map_id}: every region",
            "subtitle": " · ".join(
                [
                    f"Map {map_id}",
                    f"{len(rows)} regions",
                    f"as of {a.as_of.isoformat()}",
                    f"{a.partners_active} active partners",
                ]
            ),
            "meta": {
                "map_id": map_id,
                "as_of": a.as_of.isoformat(),
                "version": version,
                "generated": timestamp(generated),
            },
            "sections": sections,
        }
    )


def render_index_html(a: Analysis, reports: Mapping[str, tuple[str, Sequence[Finding]]], **options: Any) -> str:
    """The index as one offline HTML page, in the report's frame and under its policy (see :func:`index_data`)."""
    data = index_data(a, reports, **options)
    own_js, own_css, index_css = _own_asset("report.js"), _own_asset("report.css"), _own_asset("regions_index.css")
    return (
        environment()
        .get_template("regions_index.html.j2")
        .render(
            data=data,
            csp=content_security_policy([own_js], [own_css, index_css]),
            own_js=own_js,
            own_css=own_css,
            index_css=index_css,
        )
    )


def render_index_markdown(a: Analysis, reports: Mapping[str, tuple[str, Sequence[Finding]]], **options: Any) -> str:
    """The index as GitHub-flavoured Markdown: the summary map as a table of ties."""
    from netmap.render.page import _Block

    env = environment(markdown=True)

    def href(value: str) -> Any:
        # Only the names region_file_names makes pass unescaped (md_escape would break the link).
        return _Block(value) if _SAFE_HREF.match(value) else value

    env.filters["href"] = href
    return env.get_template("regions_index.md.j2").render(data=index_data(a, reports, **options))
