"""Views of a :class:`~netmap.analysis.history.History`: the terminal tables and the page.

The page is drawn in the report's frame (``_page.html.j2``, its stylesheet and its
sortable-table script, under the same Content-Security-Policy) with two inline SVG charts
whose geometry is computed here: one line per scorecard condition across the snapshots, and
a step chart of the number of roster gaps. Nothing is analysed here.

Examples
--------
>>> import copy, netmap
>>> from netmap.analysis.history import history
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> h = history([("a", G), ("b", copy.deepcopy(G))], dates={"a": "2026-01-01", "b": "2026-04-01"})
>>> [s["id"] for s in history_data(h, generated="today")["sections"]]
['summary', 'scorecard', 'gaps', 'steps', 'appendix']
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from netmap.analysis.history import History
from netmap.outputs import Inputs
from netmap.render.fit import Col, fit_table
from netmap.render.map import PALETTE, _own_asset
from netmap.render.page import (
    cell,
    content_security_policy,
    environment,
    number,
    section,
    table,
    timestamp,
    write_text,
)

__all__ = [
    "history_content",
    "history_data",
    "history_summary",
    "history_tables",
    "render_history",
    "render_history_html",
    "write_history_page",
]

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 48, 24, 40  # room for the axes' labels
# Line patterns besides colours, so two conditions never differ by colour alone.
DASHES = ["", "8 4", "2 4", "12 4 2 4", "4 4", "16 6"]
DATES_NOTE = (
    "Each snapshot is judged on its own date: the one given with --date, else the date the "
    "snapshot carries, else the day its newest file was last modified."
)


def _gap_text(g: dict[str, Any]) -> str:
    return f"{g['agency_type']} ({g.get('region') or g.get('level')})"


def _of_region(data: dict[str, Any]) -> str:
    return f" of {data['region']}" if data.get("region") else ""


def _ids(items: list[str]) -> str:
    return ", ".join(items) if items else "-"


# -- the terminal ------------------------------------------------------------------------------


def render_history(console: Console, data: dict[str, Any]) -> None:
    """The history as three tables: the snapshots, the steps, the scorecard per condition."""
    snaps, steps = data["snapshots"], data["steps"]
    days = [s["date"] for s in snaps]
    # A snapshot is named by its date, or by its label where several share the date
    # (versions loaded on one day would otherwise look alike).
    name = {s["label"]: s["label"] if days.count(s["date"]) > 1 else s["date"] for s in snaps}
    fit_table(
        console,
        [
            Col("date", no_wrap=True),
            Col("snapshot", no_wrap=True),
            Col("partners", short="ptn", justify="right"),
            Col("ties", justify="right"),
            Col("gaps", justify="right"),
            Col("agreements", short="agr", justify="right", drop=1),
            Col("funding streams", short="fund", justify="right", drop=1),
        ],
        [
            [
                *(s["date"], s["label"], s["partners"], s["ties"], s["gaps"]),
                *(s["agreements_current"], s["funding_streams_current"]),
            ]
            for s in snaps
        ],
        title=f"History of {len(snaps)} snapshots{_of_region(data)} (roster {data['roster']})",
    )
    fit_table(
        console,
        [
            Col("step to", no_wrap=True),
            Col("partners +/-", short="+/-", no_wrap=True),
            Col("gaps closed"),
            Col("gaps opened"),
            Col("agreements lapsed / new", short="agreements", drop=1),
            Col("funding lapsed / new", short="funding", drop=2),
            Col("brokers risen / fallen", short="brokers", drop=3),
        ],
        [
            [
                name.get(s["to"], s["to_date"]),
                f"+{len(s['partners_gained'])} -{len(s['partners_lost'])}",
                "; ".join(_gap_text(g) for g in s["gaps_closed"]) or "-",
                "; ".join(_gap_text(g) for g in s["gaps_opened"]) or "-",
                f"{_ids(s['agreements_lapsed'])} / {_ids(s['agreements_new'])}",
                f"{_ids(s['funding_lapsed'])} / {_ids(s['funding_new'])}",
                f"{_ids(s['brokers_risen'])} / {_ids(s['brokers_fallen'])}",
            ]
            for s in steps
        ],
        title="What changed at each step (from the snapshot before)",
    )
    # Too many snapshots for the width: the first and the latest stay, the middle ones go first.
    last = len(snaps) - 1
    keep = [0 if i in (0, last) else 1 + min(i, last - i) for i in range(len(snaps))]
    fit_table(
        console,
        [Col("condition"), *(Col(name[s["label"]], justify="right", drop=keep[i]) for i, s in enumerate(snaps))],
        [
            [c["name"], *("n/a" if s["scorecard"].get(c["id"]) is None else s["scorecard"][c["id"]] for s in snaps)]
            for c in data["conditions"]
        ],
        title="Readiness scorecard per snapshot (0-100; n/a: not scored)",
    )
    console.print(Text(DATES_NOTE, style="dim"))
    if len(set(days)) < len(days):
        # Same day: the order is the labels' then (numbers by value), which may not be the order meant.
        console.print(
            Text(
                "Some snapshots share a date: they are named and ordered by their labels (map@9 before "
                "map@10); give --date to order them otherwise.",
                "yellow",
            )
        )


# -- the charts -----------------------------------------------------------------------------------


def _xs(n: int) -> list[float]:
    """The x of each snapshot: evenly spread over the plot (the axis names their dates)."""
    room = WIDTH - LEFT - RIGHT
    return [LEFT + (room * i / (n - 1) if n > 1 else room / 2) for i in range(n)]


def _y(value: float, top_value: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - value / top_value if top_value else 1), 1)


def _axis(snaps: list[dict[str, Any]], top_value: float, ticks: list[float]) -> dict[str, Any]:
    xs = _xs(len(snaps))
    return {
        "x_labels": [
            {"x": round(x, 1), "y": HEIGHT - BOTTOM + 18, "text": s["date"]} for x, s in zip(xs, snaps, strict=True)
        ],
        "y_ticks": [{"y": _y(t, top_value), "text": f"{t:g}"} for t in ticks],
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
    }


def scorecard_chart(data: dict[str, Any]) -> dict[str, Any]:
    """One line per scored condition across the snapshots (a snapshot not scoring it: no point)."""
    snaps = data["snapshots"]
    xs = _xs(len(snaps))
    lines, legend = [], []
    for i, c in enumerate(data["conditions"]):
        colour, dash = PALETTE[i % (len(PALETTE) - 1)], DASHES[i % len(DASHES)]
        points = [
            {"x": round(x, 1), "y": _y(s["scorecard"][c["id"]], 100), "text": f"{s['date']}: {s['scorecard'][c['id']]}"}
            for x, s in zip(xs, snaps, strict=True)
            if s["scorecard"].get(c["id"]) is not None
        ]
        scored = bool(points)
        legend.append({"label": c["name"] + ("" if scored else " (not scored)"), "colour": colour, "dash": dash})
        if scored:
            lines.append(
                {
                    "id": c["id"],
                    "name": c["name"],
                    "colour": colour,
                    "dash": dash,
                    "points": points,
                    "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                }
            )
    return {
        "id": "chart-history-scorecard",
        "title": "Readiness scorecard per condition",
        "desc": f"One line per condition: its score (0-100) in each of {len(snaps)} snapshots, in date order.",
        "width": WIDTH,
        "height": HEIGHT,
        "axis": _axis(snaps, 100, [0, 25, 50, 75, 100]),
        "lines": lines,
        "steps": None,
        "legend": legend,
    }


def gaps_chart(data: dict[str, Any]) -> dict[str, Any]:
    """The number of roster gaps as a step chart: level until the next snapshot, then a step."""
    snaps = data["snapshots"]
    xs = _xs(len(snaps))
    most = max((s["gaps"] for s in snaps), default=0) or 1
    top_value = float(most + (1 if most < 5 else most // 5))
    ys = [_y(s["gaps"], top_value) for s in snaps]
    corners: list[tuple[float, float]] = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if i:
            corners.append((round(x, 1), ys[i - 1]))
        corners.append((round(x, 1), y))
    step = max(1, round(top_value / 4))
    return {
        "id": "chart-history-gaps",
        "title": "Roster gaps per snapshot",
        "desc": "The number of roster agency types missing in each snapshot, as a step chart in date order.",
        "width": WIDTH,
        "height": HEIGHT,
        "axis": _axis(snaps, top_value, [float(t) for t in range(0, int(top_value) + 1, step)]),
        "lines": [],
        "steps": {
            "path": " ".join(f"{x},{y}" for x, y in corners),
            "points": [
                {
                    "x": round(x, 1),
                    "y": y,
                    "text": f"{s['date']}: {s['gaps']} gaps",
                    "value": s["gaps"],
                    # The number goes where the step's vertical line is not: below after a fall.
                    "label_y": y + 20 if i and s["gaps"] < snaps[i - 1]["gaps"] else y - 10,
                }
                for i, (x, y, s) in enumerate(zip(xs, ys, snaps, strict=True))
            ],
        },
        "legend": [],
    }


# -- the page --------------------------------------------------------------------------------------


def history_tables(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The tables of a history (``History.to_dict()``): ``snapshots``, ``scorecard``, ``gaps``
    and ``steps``, as the page and the report's "What changed" section show them."""
    snaps, steps = data["snapshots"], data["steps"]
    summary = table(
        "table-history-snapshots",
        "The snapshots in date order",
        [
            ("Date", False),
            ("Snapshot", False),
            ("Partners", True),
            ("Ties", True),
            ("Gaps", True),
            ("Agreements current", True),
            ("Funding streams current", True),
        ],
        [
            [
                cell(s["date"]),
                cell(s["label"]),
                number(s["partners"]),
                number(s["ties"]),
                number(s["gaps"]),
                number(s["agreements_current"]),
                number(s["funding_streams_current"]),
            ]
            for s in snaps
        ],
    )
    scores = table(
        "table-history-scorecard",
        "Score per condition and snapshot (0-100; blank: not scored)",
        [("Condition", False), *((f"{s['label']} ({s['date']})", True) for s in snaps)],
        [[cell(c["name"]), *(number(s["scorecard"].get(c["id"])) for s in snaps)] for c in data["conditions"]],
    )
    gaps = table(
        "table-history-gaps",
        "Gaps closed and opened at each step",
        [("From", False), ("To", False), ("Gaps closed", False), ("Gaps opened", False), ("Gaps after", True)],
        [
            [
                cell(s["from"]),
                cell(s["to"]),
                cell(items=[_gap_text(g) for g in s["gaps_closed"]], as_list=True),
                cell(items=[_gap_text(g) for g in s["gaps_opened"]], as_list=True),
                number(snaps[i + 1]["gaps"]),
            ]
            for i, s in enumerate(steps)
        ],
    )

    def both(first: str, a: list[str], then: str, b: list[str]) -> dict[str, Any]:
        # One column per kind of change, each item saying which way it went.
        return cell(items=[f"{first} {x}" for x in a] + [f"{then} {x}" for x in b], as_list=True)

    changes = table(
        "table-history-steps",
        "What changed at each step",
        [
            ("From", False),
            ("To", False),
            ("Partners", False),
            ("Ties", False),
            ("Agreements", False),
            ("Funding streams", False),
            ("Brokers", False),
        ],
        [
            [
                cell(s["from"]),
                cell(s["to"]),
                both("+", s["partners_gained"], "−", s["partners_lost"]),
                cell(f"+{s['ties_gained']} −{s['ties_lost']}"),
                both("new", s["agreements_new"], "lapsed", s["agreements_lapsed"]),
                both("new", s["funding_new"], "lapsed", s["funding_lapsed"]),
                both("risen", s["brokers_risen"], "fallen", s["brokers_fallen"]),
            ]
            for s in steps
        ],
        note="Partners, agreements and funding streams by id; brokers are the top ten by betweenness.",
    )
    return {"snapshots": summary, "scorecard": scores, "gaps": gaps, "steps": changes}


def history_summary(data: dict[str, Any]) -> str:
    """One sentence: how many snapshots, from when to when, and the headline numbers then and now."""
    snaps = data["snapshots"]
    first, last = snaps[0], snaps[-1]
    return (
        f"{len(snaps)} snapshots from {first['date']} to {last['date']}: "
        f"partners {first['partners']} → {last['partners']}, ties {first['ties']} → {last['ties']}, "
        f"roster gaps {first['gaps']} → {last['gaps']}."
    )


def history_content(h: History, changes: dict[str, Any]) -> dict[str, Any]:
    """The report's "What changed" section (``changes``, of the last step) led by the history.

    The history's sentence and tables of snapshots, steps and scores go first; the last
    step's own facts and tables follow, as a single ``--since`` shows them.
    """
    data = h.to_dict()
    tables = history_tables(data)
    before, now = data["snapshots"][-2], data["snapshots"][-1]
    # The last step's two sides are judged on their own dates, not on one day as a single
    # --since judges them: its headline says since when, its facts give both dates.
    facts = [
        ("This snapshot judged as of", value) if label == "Judged as of" else (label, value)
        for label, value in changes["facts"]
    ]
    facts.insert(1, ("Earlier snapshot judged as of", before["date"]))
    return {
        "intro": [
            history_summary(data),
            DATES_NOTE,
            f"Since {before['label']} ({before['date']}), the snapshot before this one ({now['date']}): "
            + changes["intro"][0],
        ],
        "facts": facts,
        "tables": [tables["snapshots"], tables["steps"], tables["scorecard"], *changes["tables"]],
    }


def history_data(
    h: History,
    *,
    title: str | None = None,
    generated: dt.datetime | str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """Everything the history page shows, as plain JSON-ready data (nothing is computed here).

    Returns ``title``, ``subtitle``, ``meta`` and ``sections`` (summary, scorecard, gaps,
    steps, appendix); the scorecard and gaps sections carry their chart in ``lines``.
    """
    data = h.to_dict()
    snaps = data["snapshots"]
    when = timestamp(generated)
    first, last = snaps[0], snaps[-1]
    t = history_tables(data)
    sections = [
        section(
            "summary",
            "At a glance",
            intro=[history_summary(data), DATES_NOTE],
            tables=[t["snapshots"]],
        ),
        section("scorecard", "Readiness scorecard", lines=[scorecard_chart(data)], tables=[t["scorecard"]]),
        section("gaps", "Roster gaps", lines=[gaps_chart(data)], tables=[t["gaps"]]),
        section("steps", "What changed at each step", tables=[t["steps"]]),
        section(
            "appendix",
            "About this page",
            facts=[
                ("Roster", data["roster"]),
                ("Snapshots", ", ".join(f"{s['label']} ({s['map_id']}, {s['date']})" for s in snaps)),
                (
                    "Compared",
                    "each snapshot with the one before, by netmap diff's comparison, each side on its own date",
                ),
                ("Contact details", "none: the history holds no personal data"),
                ("netmap version", version or "not recorded"),
                ("Generated", when),
            ],
        ),
    ]
    span = f"{first['date']} to {last['date']}"
    return {
        "title": title or f"{last['map_id']}{_of_region(data)}: history",
        "subtitle": f"{len(snaps)} snapshots{_of_region(data)} · {span} · roster {data['roster']}",
        "meta": {"version": version, "generated": when, "snapshots": len(snaps), "roster": data["roster"]},
        "sections": sections,
    }


def render_history_html(h: History, **options: Any) -> str:
    """The history page as one self-contained HTML file (options of :func:`history_data`)."""
    data = history_data(h, **options)
    own_js, own_css = _own_asset("report.js"), _own_asset("report.css")
    return (
        environment()
        .get_template("history.html.j2")
        .render(data=data, csp=content_security_policy([own_js], [own_css]), own_js=own_js, own_css=own_css)
    )


def write_history_page(
    h: History, path: str | Path, *, overwrite: bool = True, inputs: Inputs = (), **options: Any
) -> Path:
    """Write the history page of ``h`` to ``path`` (one offline HTML file) and nothing else.

    ``inputs`` (the snapshots) are never written over; ``overwrite`` replaces an existing file.
    """
    return write_text(path, render_history_html(h, **options), overwrite=overwrite, inputs=inputs)
