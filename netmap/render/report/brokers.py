"""Brokers and key-partner risk: the brokers, what each partner or champion leaving would cut, links to the state."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.render.page import cell as _cell
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import report_section


def brokers_section(a: Analysis, name: Any, top: int | None) -> dict[str, Any]:
    b = a.brokers
    res = a.resilience
    rows = b.rows[:top] if top else b.rows
    cat = a.category_name
    broker_rows = [
        [
            _cell(r["name"] or r["id"]),
            _cell(cat(r["category"]) if r["category"] else ""),
            _cell(r["region"] or ""),
            _n(r["degree"]),
            _n(r["betweenness"]),
            _n(r["brokerage"]["total"]),
            _n(r["brokerage"]["liaison"]),
            _n(r["constraint"]),
            _n(r["effective_size"]),
            _cell("yes" if r["articulation_point"] else "no"),
            _n(r["categories_reached"]),
        ]
        for r in rows
    ]
    method = "exact" if b.method == "exact" else f"sampled (k={b.k}, seed={b.seed})"
    brokers_table = _table(
        "table-brokers",
        f"Top {len(rows)} brokers (betweenness: {method})",
        [
            ("Partner", False),
            ("Category", False),
            ("Region", False),
            ("Ties", True),
            ("Betweenness", True),
            ("Brokerage", True),
            ("Liaison", True),
            ("Constraint", True),
            ("Effective size", True),
            ("Cut point", False),
            ("Categories reached", True),
        ],
        broker_rows,
        empty="No partner has ties.",
        note="Brokerage counts the open two-step paths a partner bridges (Gould-Fernandez); liaison: between two "
        "other categories. Low constraint and high effective size mean many partners who do not know each other.",
    )
    partner_rows = [
        [
            _cell(r["name"] or r["id"]),
            _n(r["degree"]),
            _n(r["largest_component_loss"]),
            _cell(items=[name(p) for p in r["cut_off"]]),
            _n(r["cross_category_ties_lost"]),
            _cell(items=list(r["types_lost"])),
        ]
        for r in (res.partners[:top] if top else res.partners)
    ]
    partner_table = _table(
        "table-key-partners",
        "If one partner left (worst first)",
        [
            ("Partner", False),
            ("Ties", True),
            ("Partners cut off", True),
            ("Cut off", False),
            ("Cross-category ties lost", True),
            ("Types lost in its region", False),
        ],
        partner_rows,
        empty="No partner has ties.",
    )
    people_table = _table(
        "table-key-people",
        "If one champion left (worst first)",
        [
            ("Champion", False),
            ("At", False),
            ("Other champions there", True),
            ("Informal ties lost", True),
            ("Partners cut off", True),
        ],
        [
            [
                _cell(r["person"]),
                _cell(r["partner_name"] or r["partner"]),
                _n(r["other_champions"]),
                _n(r["informal_ties_lost"]),
                _n(r["largest_component_loss"]),
            ]
            for r in (res.people[:top] if top else res.people)
        ],
        empty="No contact is marked as a champion.",
        note="Informal ties are ties no current agreement and no funding backs: they leave with the person.",
    )
    turnover_table = _table(
        "table-turnover",
        "If a region's state-level champions turned over together",
        [("Region", False), ("Agencies", False), ("Informal ties lost", True), ("Partners cut off", True)],
        [
            [
                _cell(r["region"] or "statewide"),
                _cell(items=[n or p for n, p in zip(r["partner_names"], r["partners"], strict=True)]),
                _n(r["informal_ties_lost"]),
                _n(r["largest_component_loss"]),
            ]
            for r in res.turnover
        ],
        empty="No state-level partner has a champion.",
    )
    links_table = _table(
        "table-state-links",
        "Links from each region to the state level",
        [("Region", False), ("Linked", False), ("Through", False)],
        [
            [
                _cell(s["region"]),
                _cell("yes" if s["linked"] else "no link"),
                _cell(items=sorted({f"{name(x['partner'])} → {name(x['state_partner'])}" for x in s["links"]})),
            ]
            for s in b.state_links
        ],
        empty="No partner is listed under a region.",
    )
    facts = [
        ("Cut points (the network splits without them)", ", ".join(name(p) for p in b.articulation_points) or "none"),
        (
            "Bridges (ties whose loss splits the network)",
            "; ".join(f"{name(x)} – {name(y)}" for x, y in b.bridges) or "none",
        ),
        ("Largest connected group today", f"{res.baseline_largest} partner(s)"),
    ]
    key = res.partners[0] if res.partners else None
    intro = [
        "Brokers hold the partnership together: they sit on the paths between partners who are not tied directly. "
        "The resilience tables simulate each partner, and each champion, leaving."
    ]
    if key and key["largest_component_loss"]:
        intro.append(
            f"Key partner: {key['name'] or key['id']}. If it left, {key['largest_component_loss']} partner(s) "
            "would be cut off from the rest."
        )
    return report_section(
        "brokers",
        intro=intro,
        facts=facts,
        tables=[brokers_table, partner_table, people_table, turnover_table, links_table],
    )
