"""Funding: current streams, funded partners, lapsed funding, flows, categories and the awards not current."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.render.map import PALETTE
from netmap.render.page import cell as _cell
from netmap.render.page import fmt_money as _money
from netmap.render.page import fmt_pct as _pct
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._charts import category_colours, stacked_bars
from netmap.render.report._common import report_section
from netmap.roster import Roster


def _funding_chart(m: dict[str, Any], roster: Roster) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Current funding by stream, stacked by the recipients' categories (amounts, else award counts)."""
    colours = category_colours(roster)
    split = m["by_stream_category"]
    if not split.get("streams"):
        return None, None
    by_amount = split["basis"] == "amount"
    unpriced = split["unpriced"]
    totals = {s["stream"]: s["by_category"] for s in split["streams"]}
    streams = [s["stream"] for s in split["streams"]]
    cat_order = [*roster.categories, None]
    used = [c for c in cat_order if any(totals[s].get(c) for s in streams)]

    def cat_name(c: str | None) -> str:
        return roster.categories[c].name if c in roster.categories else "no category"

    def fmt(x: float) -> str:
        return _money(x) if by_amount else f"{int(x)} award(s)"

    bars = []
    for s in streams:
        segs = [
            (f"{cat_name(c)}: {fmt(totals[s].get(c, 0.0))}", totals[s].get(c, 0.0), colours.get(c, PALETTE[-1]), "#000")
            for c in used
        ]
        bars.append((s, segs, fmt(sum(totals[s].values()))))
    what = "amount of its current awards" if by_amount else "number of current awards (no amounts are recorded)"
    desc = (
        f"Each bar is a funding stream; its length is the {what}, split by the category of the recipients. "
        + " ".join(f"{s}: {fmt(sum(totals[s].values()))}." for s in streams)
    )
    if by_amount and unpriced:
        desc += f" {unpriced} award(s) without an amount are not drawn."
    chart = stacked_bars(
        "chart-funding",
        f"Current funding by stream and recipient category (as of {m['as_of']})",
        desc,
        bars,
        [(cat_name(c), colours.get(c, PALETTE[-1])) for c in used],
    )
    chart["note"] = f"{unpriced} award(s) have no amount and are not drawn." if by_amount and unpriced else None
    table = _table(
        "table-funding-by-stream-category",
        f"Current funding by stream and recipient category ({'amount' if by_amount else 'awards'})",
        [("Stream", False), *[(cat_name(c), True) for c in used], ("Total", True)],
        [
            [
                _cell(s),
                *[_n(totals[s].get(c) or None, fmt(totals[s].get(c, 0.0)) if totals[s].get(c) else "") for c in used],
                _n(sum(totals[s].values()), fmt(sum(totals[s].values()))),
            ]
            for s in streams
        ],
    )
    return chart, table


def funding_section(a: Analysis, name: Any) -> dict[str, Any]:
    m = a.funding.to_dict()
    cat = a.category_name
    if not m["awards"]:
        return report_section("funding", intro=["The workbook records no funding."])
    streams = _table(
        "table-streams",
        f"Funding streams (ending: within {m['within_months']} months of {m['as_of']})",
        [
            ("Stream", False),
            ("Awards", True),
            ("Recipients", False),
            ("Sources", False),
            ("Amount", True),
            ("Ends", False),
            ("State", False),
        ],
        [
            [
                _cell(s["stream"]),
                _n(s["awards"]),
                _cell(items=[name(p) for p in s["recipients"]]),
                _cell(", ".join(s["sources"])),
                _n(s["amount"], _money(s["amount"])),
                _cell(s["ends"].isoformat() if s["ends"] else ""),
                _cell({"ending": "! ending", "planned": "… planned"}.get(s["state"], s["state"])),
            ]
            # Ended streams are history: their awards are in the table of awards not current.
            for s in m["streams"]
            if s["state"] != "ended"
        ],
    )
    partners = _table(
        "table-funded-partners",
        "Funded partners, most dependent first",
        [
            ("Partner", False),
            ("Category", False),
            ("Streams", True),
            ("Stream names", False),
            ("Amount", True),
            ("Concentration (HHI)", True),
            ("HHI of", False),
        ],
        [
            [
                _cell(p["name"] or p["id"]),
                _cell(cat(p["category"]) if p["category"] else ""),
                _n(p["streams"]),
                _cell(items=list(p["stream_names"])),
                _n(p["amount"], _money(p["amount"])),
                _n(p["hhi"]),
                _cell("amounts" if p["hhi_basis"] == "amount" else "award counts"),
            ]
            for p in m["partners"]
        ],
        note="HHI (Herfindahl-Hirschman index): the sum of the squared shares of a partner's streams; 1 means a "
        "single stream, lower means the money is spread over more streams.",
    )
    flows = _table(
        "table-flows",
        "Who funds whom",
        [("Funder", False), ("Recipient", False), ("Stream", False), ("Amount", True)],
        [
            [
                _cell(x["funder_name"] or x["funder"]),
                _cell(x["recipient_name"] or x["recipient"]),
                _cell(x["stream"]),
                _n(x["amount"], _money(x["amount"])),
            ]
            for x in m["flows"]
        ],
        empty="No award names a funder among the partners.",
    )
    categories = _table(
        "table-funding-categories",
        "Funding by recipient category",
        [("Category", False), ("Amount", True), ("Share of amount", True), ("Awards", True), ("Share of awards", True)],
        [
            [
                _cell(c["category"] or "no category"),
                _n(c["amount"], _money(c["amount"])),
                _n(c["amount_share"], _pct(c["amount_share"])),
                _n(c["awards"]),
                _n(c["award_share"], _pct(c["award_share"])),
            ]
            for c in m["categories"]
        ],
    )
    lapsed = _table(
        "table-funding-lapsed",
        f"Partners whose funding lapsed (all awards ended within {m['lapsed_within_months']} months)",
        [("Partner", False), ("Ended", False), ("Awards that ended", False), ("Planned", False)],
        [
            [
                _cell(p["name"] or p["id"]),
                _cell(p["ended"].isoformat()),
                _cell(items=[f"{x['stream']} ({x['award_id']}, ended {x['end'].isoformat()})" for x in p["awards"]]),
                _cell(items=[f"{x['stream']} ({x['award_id']})" for x in p["planned"]]),
            ]
            for p in m["lapsed"]
        ],
        empty="No partner's funding has lapsed.",
    )
    not_current = [x for x in m["awards"] if x["state"] != "current"]
    history = _table(
        "table-awards-not-current",
        f"Awards not current on {m['as_of']} (ended or not yet begun): listed, never counted",
        [("Award", False), ("Stream", False), ("Recipient", False), ("Start", False), ("End", False), ("State", False)],
        [
            [
                _cell(x["award_id"]),
                _cell(x["stream"]),
                _cell(name(x["recipient"])),
                _cell(x["start"].isoformat() if x["start"] else ""),
                _cell(x["end"].isoformat() if x["end"] else ""),
                _cell("✕ ended" if x["state"] == "lapsed" else "… planned"),
            ]
            for x in not_current
        ],
        empty="Every award is current.",
    )
    facts = [
        (
            "Partners on a single stream",
            "; ".join(f"{p['name'] or p['id']} ({p['stream']})" for p in m["single_stream"]) or "none",
        ),
        (
            f"Streams ending within {m['within_months']} months (their last current award ends)",
            "; ".join(f"{s['stream']} (ends {s['ends'].isoformat()})" for s in m["ending"]) or "none",
        ),
        (
            f"Awards ending within {m['within_months']} months",
            "; ".join(
                f"{x['stream']} to {name(x['recipient'])} (ends {x['end'].isoformat()})" for x in m["ending_awards"]
            )
            or "none",
        ),
    ]
    live = [s for s in m["streams"] if s["awards"]]
    intro = [
        f"On {m['as_of']}, {len(live)} stream(s) fund {len(m['partners'])} partner(s) through current awards; "
        f"{len(not_current)} award(s) have ended or not yet begun and are listed apart. A partner living on one "
        "stream stops when that stream stops; braided funding lasts."
    ]
    chart, chart_table = _funding_chart(m, a.roster)
    return report_section(
        "funding",
        intro=intro,
        facts=facts,
        charts=[chart] if chart else [],
        chart_tables=[chart_table] if chart_table else [],
        tables=[streams, partners, lapsed, flows, categories, history],
    )
