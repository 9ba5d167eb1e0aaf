"""The map at scale: a 5,000-partner map opens offline, draws and stands still.

Also home of two functions the benchmark runner (``benchmarks/``) calls:

- :func:`synthetic_map_data` makes the page data of a map of N partners (regions, levels,
  categories, ties of every kind, ghosts), laid out by netmap's own layout;
- :func:`time_to_still` opens a map file in headless Chromium (Debian's ``chromium``, the
  flags of ``tests/render/conftest.py``, a fresh profile, the network cut) and returns how
  long the page took to be drawn and still. The page says so itself: when the last
  drawing is on screen and physics is off, ``<body>`` gets ``data-ready="1"``,
  ``data-still="1"`` and ``data-ready-ms`` (milliseconds since navigation started, from
  ``performance.now()``).

No timing is asserted here; the benchmark runner compares it with its target.
"""

from __future__ import annotations

import json
import math
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import netmap
from netmap.pipeline import map_data, run
from netmap.render import map as netmap_map
from netmap.render.map import EDGE_STYLES, KIND_PRIORITY, PALETTE, SHAPES, render_map_html
from tests.conftest import EXAMPLES
from tests.render.conftest import CHROMIUM_FLAGS, _chromium

AS_OF = "2026-11-24"
TIE_KINDS = [k for k in KIND_PRIORITY if k != "other"]


def synthetic_partner_graph(partners: int = 5000, ties_per_partner: int = 5, *, seed: int = 0) -> nx.Graph:
    """A partner graph like ``netmap.analysis._common.partner_graph`` makes: one node per
    partner with ``region``, ``level`` and ``category``, ties mostly within a region."""
    rnd = random.Random(seed)
    categories = ["workforce-development", "education", "human-services", "cbos", "employers", "economic-development"]
    regions = max(3, partners // 60)
    P = nx.Graph()
    members: dict[str | None, list[str]] = {}
    for i in range(partners):
        state = i % 40 == 0
        region = None if state else f"Region {rnd.randrange(regions):03d}"
        pid = f"P{i:05d}"
        P.add_node(pid, region=region, level="state" if state else "local", category=rnd.choice(categories))
        members.setdefault(region, []).append(pid)
    ids = list(P)
    made = 0  # P.number_of_edges() counts them all each time: too slow for a loop
    while made < partners * ties_per_partner:
        a = rnd.choice(ids)
        b = rnd.choice(members[P.nodes[a]["region"]]) if rnd.random() < 0.85 else rnd.choice(ids)
        if a != b and not P.has_edge(a, b):
            kind = rnd.choice(TIE_KINDS)
            P.add_edge(a, b, kinds={kind: 1}, weight=1, strength=rnd.randint(1, 3))
            made += 1
    return P


def synthetic_map_data(partners: int = 5000, ties_per_partner: int = 5, *, seed: int = 0) -> dict[str, Any]:
    """The page data (as :func:`netmap.render.map.map_data` returns it) of a synthetic map
    of ``partners`` partners, with positions from netmap's layout (fixed above 300
    partners, as ``--layout auto`` does) and a ghost per missing type in some regions.

    The analyses are left out on purpose (sizes by degree, a few brokers and cut points
    marked at random): this measures the page, not the analyses.
    """
    rnd = random.Random(seed)
    P = synthetic_partner_graph(partners, ties_per_partner, seed=seed)
    pos = netmap_map._positions(P, seed)
    size = netmap_map._scale({n: float(P.degree(n)) for n in P})
    base = map_data(netmap.read_graph(EXAMPLES / "tucson-behavioral-health"), as_of=AS_OF)  # legend and filters
    colour = dict(zip(sorted({d["category"] for _, d in P.nodes(data=True)}), PALETTE, strict=False))
    nodes: list[dict[str, Any]] = []
    for pid, d in P.nodes(data=True):
        broker = rnd.random() < 0.01
        node = {
            "id": f"p:{pid}",
            "partner": pid,
            "group": "partner",
            "label": ("★ " if broker else "") + f"Partner {pid}",
            "name": f"Partner {pid}",
            "tooltip": [["Partner", f"Partner {pid}"], ["Region", d["region"]], ["Ties", str(P.degree(pid))]],
            "category": d["category"],
            "region": d["region"],
            "level": d["level"],
            "team": None,
            "shape": SHAPES[d["level"]],
            "size": size[pid],
            "color": colour[d["category"]],
            "broker": broker,
            "cut_point": rnd.random() < 0.005,
        }
        node["x"], node["y"] = pos[pid]
        nodes.append(node)
    edges: list[dict[str, Any]] = []
    for a, b, e in P.edges(data=True):
        (kind,) = e["kinds"]
        colour_, dashes, width = EDGE_STYLES[kind]
        edges.append(
            {
                "id": f"t:{a}|{b}",
                "from": f"p:{a}",
                "to": f"p:{b}",
                "kind": kind,
                "kinds": [kind],
                "tooltip": [[kind, "1"]],
                "color": colour_,
                "dashes": dashes,
                "width": width,
                "arrows": "",
            }
        )
    regions = sorted({d["region"] for _, d in P.nodes(data=True)} - {None})
    for i, region in enumerate(regions[:: max(1, len(regions) // 20)]):
        anchor = next(n for n in nodes if n["region"] == region)
        nodes.append(
            {
                "id": f"g:{i}",
                "group": "ghost",
                "label": "missing: Local WIB",
                "name": "missing: Local WIB",
                "tooltip": [["Missing agency type", "Local WIB"]],
                "category": None,
                "region": region,
                "level": None,
                "team": None,
                "shape": "box",
                "size": 12,
                "color": "#eeeeee",
                "broker": False,
                "cut_point": False,
                "anchor": anchor["id"],
                "scope": f"local|{region}",
            }
        )
        edges.append(
            {
                "id": f"g:{i}|{anchor['id']}",
                "from": f"g:{i}",
                "to": anchor["id"],
                "kind": "gap",
                "kinds": ["gap"],
                "tooltip": [["Missing", "Local WIB"]],
                "color": "#cccccc",
                "dashes": [2, 8],
                "width": 1,
                "arrows": "",
            }
        )
    fixed = partners > netmap_map.FIXED_LAYOUT_ABOVE
    return base | {
        "title": f"synthetic map of {partners} partners",
        "subtitle": f"{partners} partners",
        "layout": "fixed" if fixed else "physics",
        "nodes": nodes,
        "edges": edges,
        "filters": {
            "category": [{"value": c, "label": c} for c in sorted(colour)],
            "region": [{"value": r, "label": r} for r in regions],
            "level": [{"value": lvl, "label": lvl} for lvl in ("state", "local")],
            "team": [],
            "kind": [{"value": k, "label": k} for k in TIE_KINDS],
        },
        "options": netmap_map._options(fixed, len(nodes)),
    }


def write_synthetic_map(path: str | Path, partners: int = 5000, ties_per_partner: int = 5, *, seed: int = 0) -> Path:
    """Write the page of :func:`synthetic_map_data` to ``path``; return the path."""
    path = Path(path)
    path.write_text(render_map_html(synthetic_map_data(partners, ties_per_partner, seed=seed)), encoding="utf-8")
    return path


def time_to_still(
    path: str | Path, *, context: Any = None, executable: str | None = None, timeout_s: float = 120
) -> dict[str, Any]:
    """Open the map at ``path`` offline in headless Chromium; wait until it is drawn and still.

    ``context`` is a Playwright browser context to open it in (the tests' own); without
    one a fresh Chromium is started with a fresh profile (``executable``, default Debian's
    ``chromium`` or ``NETMAP_CHROMIUM``) and closed afterwards.

    Returns ``ready_ms`` (the page's own ``data-ready-ms``: navigation start to the last
    drawing with physics off), ``wall_s`` (from ``goto`` to the flag seen, browser start
    not included), ``still`` (physics is off), ``nodes`` (nodes drawn), ``requests``
    (anything but the file itself: must be empty) and ``errors`` (console messages and
    page errors: must be empty).
    """
    url = Path(path).resolve().as_uri()
    if context is not None:
        return _measure(context, url, timeout_s)
    from playwright.sync_api import sync_playwright

    executable = executable or _chromium()
    if executable is None:
        raise RuntimeError("no chromium (apt-get install chromium, or set NETMAP_CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="netmap-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1600, "height": 900},
        )
        try:
            return _measure(context, url, timeout_s)
        finally:
            context.close()


def _offline(route: Any) -> None:
    """The network is cut: any request that is not a file is refused."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def _measure(context: Any, url: str, timeout_s: float) -> dict[str, Any]:
    page = context.new_page()
    try:
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.route(
            "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
        )
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']", timeout=timeout_s * 1000)
        wall = time.perf_counter() - start
        return {
            "ready_ms": int(page.evaluate("document.body.dataset.readyMs")),
            "wall_s": round(wall, 3),
            "still": page.evaluate("document.body.dataset.still") == "1"
            and page.evaluate("window.netmap.network.physics.physicsEnabled") is False,
            "nodes": page.evaluate("window.netmap.network.body.nodeIndices.length"),
            "requests": [r for r in requests if r != url],
            "errors": errors,
        }
    finally:
        page.close()


# -- tests ------------------------------------------------------------------------------


def test_pyvis_base_options_are_pyvis_own():
    """The options written out in map.py (so pyvis need not be imported) are pyvis's."""
    network = pytest.importorskip("pyvis.network")
    net = network.Network(directed=False)
    net.force_atlas_2based(
        gravity=-160, central_gravity=0.004, spring_length=150, spring_strength=0.05, damping=0.5, overlap=0.8
    )
    assert json.loads(net.options.to_json()) == netmap_map._PYVIS_BASE


def test_drawing_a_map_imports_neither_pyvis_nor_ipython(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, netmap\n"
        "from netmap.pipeline import write_map\n"
        f"write_map(netmap.read_graph({str(EXAMPLES / 'tucson-behavioral-health')!r}), {str(tmp_path / 'm.html')!r})\n"
        "print(sorted(m for m in ('pyvis', 'IPython', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fast_layout_is_seeded_and_keeps_regions_apart(monkeypatch):
    pytest.importorskip("igraph")
    monkeypatch.setattr(netmap_map, "FAST_LAYOUT_ABOVE", 100)
    P = synthetic_partner_graph(600, 4, seed=3)
    first, again, other = netmap_map._positions(P, 1), netmap_map._positions(P, 1), netmap_map._positions(P, 2)
    assert set(first) == set(P) and first == again and first != other
    # Each region sits around its own centre, apart from the others and the state level.
    centre = {}
    for n, (x, y) in first.items():
        centre.setdefault(P.nodes[n]["region"], []).append((x, y))
    middle = {r: (sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy)) for r, xy in centre.items()}
    assert all(math.dist(a, b) > 500 for r, a in middle.items() for q, b in middle.items() if r != q)


def test_layout_repeats_across_runs_of_python(tmp_path):
    """The same graph and seed give the same positions in a new interpreter (string hashing
    changes from run to run)."""
    import subprocess
    import sys

    code = (
        "import json, netmap\n"
        "from netmap.analysis._common import partner_graph\n"
        "from netmap.render.map import _positions\n"
        f"G = netmap.read_graph({str(EXAMPLES / 'four-state-coalitions')!r})\n"
        "print(json.dumps(_positions(partner_graph(G), 0), sort_keys=True))\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
        for env in ({"PYTHONHASHSEED": "1"}, {"PYTHONHASHSEED": "2"})
    ]
    assert runs[0] == runs[1] and json.loads(runs[0])


def test_directed_ties_and_ghosts_at_scale_are_linear(tmp_path):
    """Directed ties get their arrows and ghosts their anchors without scanning every edge
    or partner for each (a big map has thousands of both)."""
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    data = map_data(G, as_of=AS_OF)
    ghosts = [n for n in data["nodes"] if n["group"] == "ghost"]
    assert ghosts and all(n["anchor"] is None or n["anchor"].startswith("p:") for n in ghosts)
    directed = [(u, v, e) for u, v, e in G.edges(data=True) if e.get("type") == "TIED_TO" and e.get("directed")]
    arrows = {e["id"]: e["arrows"] for e in data["edges"] if e["id"].startswith("t:")}
    for u, v, e in directed:
        a, b = G.nodes[u]["id"], G.nodes[v]["id"]
        edge = next((x for x in data["edges"] if x["id"] in (f"t:{a}|{b}", f"t:{b}|{a}")), None)
        if edge is not None and edge["kinds"] == [e.get("kind") or "collaboration"]:
            assert arrows[edge["id"]] == ("to" if edge["from"] == f"p:{a}" else "from")


def test_a_5000_partner_map_draws_and_stands_still(tmp_path, browser_context):
    """Drawn, still (physics off), offline, without errors; how fast is the benchmark's to say."""
    pytest.importorskip("igraph")
    out = write_synthetic_map(tmp_path / "big.html", 5000)
    data = json.loads(
        out.read_text(encoding="utf-8").split('id="netmap-data" type="application/json">', 1)[1].split("</script>")[0]
    )
    assert data["layout"] == "fixed" and data["options"]["physics"]["enabled"] is False
    page = browser_context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_())
    try:
        page.goto(out.resolve().as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=120_000)
        assert page.evaluate("document.body.dataset.still") == "1"
        assert int(page.evaluate("document.body.dataset.readyMs")) > 0
        assert page.evaluate("window.netmap.network.physics.physicsEnabled") is False
        assert page.evaluate("window.netmap.network.body.nodeIndices.length") == len(data["nodes"])
        # Ghosts were placed beside their region before the first drawing, not left at the origin.
        ghost = next(n["id"] for n in data["nodes"] if n["group"] == "ghost")
        at = page.evaluate(f"window.netmap.network.getPositions([{json.dumps(ghost)}])[{json.dumps(ghost)}]")
        assert (at["x"], at["y"]) != (0, 0)
        before = page.evaluate("JSON.stringify(window.netmap.network.getPositions())")
        page.wait_for_timeout(500)
        assert page.evaluate("JSON.stringify(window.netmap.network.getPositions())") == before
        assert requests == [out.resolve().as_uri()]
        assert errors == []
    finally:
        page.close()


def test_time_to_still_reports_the_page_flags(tmp_path, browser_context):
    G = netmap.read_graph(EXAMPLES / "tucson-behavioral-health")
    out = netmap_map.write_map(G, run(G, as_of=AS_OF), tmp_path / "m.html")
    result = time_to_still(out, context=browser_context)
    assert result["still"] and result["ready_ms"] > 0 and result["requests"] == [] and result["errors"] == []
    assert result["nodes"] == len(map_data(G, as_of=AS_OF)["nodes"])


def test_the_map_draws_the_analysis_it_is_given():
    """The map computes no analysis: it draws the one it is given (the report's, the command's)."""
    G = netmap.read_graph(EXAMPLES / "oregon-pathways-alliance")
    made = run(G, as_of=AS_OF, seed=0)
    assert map_data(G, analysis=made) == map_data(G, as_of=AS_OF)
    # Another day is another analysis: the map follows it (its subtitle names the day).
    later = netmap_map.map_data(G, run(G, as_of="2030-01-01"))
    assert "as of 2030-01-01" in later["subtitle"]
