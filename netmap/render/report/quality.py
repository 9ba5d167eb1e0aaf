"""Tie quality: trust and value from the partner survey, and the appendix's response and reciprocity.

Shown only when the map has survey answers (``Analysis.quality`` present and ``surveyed``,
:func:`netmap.render.map_quality.quality_of`). Computes nothing: it lays out
``TieQuality.to_dict()`` as tables. Scores are means on the survey's 1-4 scales, as the
other partners gave them.

Examples
--------
>>> from types import SimpleNamespace
>>> q = {"surveyed": True, "caveat": "Half answered.", "network": {"trust": 2.5, "value": 3.0, "raters": 2},
...      "categories": [], "partners": [], "respondents": ["A"], "not_answered": [],
...      "response_rate": 0.5, "response_by_region": [], "response_by_category": [], "pairs": [],
...      "confirmed": 0, "unconfirmed": 0, "unconfirmed_share": None}
>>> a = SimpleNamespace(quality=SimpleNamespace(to_dict=lambda: q), category_name=str)
>>> quality_section(a, str)["facts"][0][1]
'trust 2.5 and value 3 of 4, from 2 partner(s) who rated others'
>>> [t["id"] for t in quality_appendix_tables(a, str)]
['table-response-region', 'table-response-category', 'table-not-answered', 'table-reciprocity', 'table-conflicts']
"""

from __future__ import annotations

from typing import Any

from netmap.model import SCORE_MAX
from netmap.render.map_quality import column_label, quality_of
from netmap.render.page import cell as _cell
from netmap.render.page import fmt_num as _num
from netmap.render.page import fmt_pct as _pct
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import report_section

__all__ = ["LOWEST", "quality_appendix_tables", "quality_caveat", "quality_section"]

# How many of the lowest-trust partners the section lists.
LOWEST = 10

INTRO = (
    "How the partners rate their ties in the survey, on 1-4 scales: trust is the mean of reliability, support "
    "of the mission and openness to discussion; value the mean of power and influence, level of involvement and "
    "resource contribution. A partner's scores are those the other partners gave it. A partner others rely on "
    "(it is named by many) but rate low on trust is a relationship to look after first."
)


def _category(a: Any) -> Any:
    """The category's name, "(no category)" for a partner without one."""
    return lambda c: a.category_name(c) if c else "(no category)"


def _two(x: float | None) -> str:
    """A mean score as the tables show it (two decimals at most), "n/a" for none."""
    return "n/a" if x is None else _num(round(x, 2))


def _score(x: float | None) -> dict[str, Any]:
    return _n(x, "no score" if x is None else _two(x))


def quality_caveat(a: Any) -> str | None:
    """The sentence to print at the top of the report, or None without survey answers."""
    q = quality_of(a)
    return None if q is None else q.get("caveat")


def quality_section(a: Any, name: Any) -> dict[str, Any] | None:
    """The "Tie quality" section, or None without survey answers."""
    q = quality_of(a)
    if q is None:
        return None
    cat = _category(a)
    net = q.get("network") or {}
    facts = [
        (
            "Across the network",
            f"trust {_two(net.get('trust'))} and value {_two(net.get('value'))} of {SCORE_MAX}, "
            f"from {net.get('raters') or 0} partner(s) who rated others",
        )
    ]
    by_category = _table(
        "table-quality-categories",
        "Trust and value by category (as rated by the other partners)",
        [("Category", False), ("Trust", True), ("Value", True), ("Raters", True)],
        [
            [_cell(cat(c.get("category"))), _score(c.get("trust")), _score(c.get("value")), _n(c.get("raters"))]
            for c in q.get("categories") or ()
        ]
        + [[_cell("Whole network"), _score(net.get("trust")), _score(net.get("value")), _n(net.get("raters"))]],
    )
    rated = [p for p in q.get("partners") or () if p.get("trust") is not None]
    lowest = sorted(rated, key=lambda p: (p["trust"], str(p.get("name") or p["id"])))[:LOWEST]
    low_table = _table(
        "table-quality-lowest",
        f"The {LOWEST} partners with the lowest trust (fewer when fewer were rated)",
        [
            ("Partner", False),
            ("Category", False),
            ("Trust", True),
            ("Value", True),
            ("Raters", True),
            ("Partners with a weekly or daily tie", True),
        ],
        [
            [
                _cell(p.get("name") or name(p["id"])),
                _cell(cat(p.get("category"))),
                _score(p.get("trust")),
                _score(p.get("value")),
                _n(p.get("raters")),
                _n(p.get("relied_on") or 0),
            ]
            for p in lowest
        ],
        empty="No partner was rated on trust.",
    )
    return report_section("quality", intro=[INTRO], facts=facts, tables=[by_category, low_table])


def _answered(rows: Any, key: str, label: Any) -> list[list[dict[str, Any]]]:
    out = []
    for r in rows or ():
        partners, answered = r.get("partners") or 0, r.get("answered") or 0
        share = answered / partners if partners else None
        out.append(
            [_cell(label(r.get(key))), _n(partners), _n(answered), _n(partners - answered), _n(share, _pct(share))]
        )
    return out


def quality_appendix_tables(a: Any, name: Any) -> list[dict[str, Any]]:
    """The appendix's survey tables (response and reciprocity), none without survey answers."""
    q = quality_of(a)
    if q is None:
        return []
    columns = [("{}", False), ("Partners", True), ("Answered", True), ("Not answered", True), ("Rate", True)]
    region = [(c.format("Region"), n) for c, n in columns]
    category = [(c.format("Category"), n) for c, n in columns]
    pairs = [p for p in q.get("pairs") or () if p.get("confirmed") is not None]

    def who(ids: Any) -> str:
        return ", ".join(name(i) for i in ids or ())

    return [
        _table(
            "table-response-region",
            f"Survey response by region (overall {_pct(q.get('response_rate'))})",
            region,
            _answered(q.get("response_by_region"), "region", lambda r: r or "(no region)"),
            empty="No partners.",
        ),
        _table(
            "table-response-category",
            "Survey response by category",
            category,
            _answered(q.get("response_by_category"), "category", _category(a)),
            empty="No partners.",
        ),
        _table(
            "table-not-answered",
            "Partners who have not answered yet",
            [("Partner", False), ("Region", False), ("Category", False)],
            [
                [
                    _cell(p.get("name") or name(p["id"])),
                    _cell(p.get("region") or "(no region)"),
                    _cell(_category(a)(p.get("category"))),
                ]
                for p in sorted(
                    q.get("not_answered") or (),
                    key=lambda p: (str(p.get("region") or "~"), str(p.get("name") or p["id"]).lower()),
                )
            ],
            empty="Every partner has answered.",
        ),
        _table(
            "table-reciprocity",
            "Reciprocity: ties named by both partners (confirmed) or by one (one-sided)",
            [("Confirmed", True), ("One-sided", True), ("One-sided share", True)],
            [
                [
                    _n(q.get("confirmed")),
                    _n(q.get("unconfirmed")),
                    _n(q.get("unconfirmed_share"), _pct(q.get("unconfirmed_share"))),
                ]
            ],
        ),
        _table(
            "table-conflicts",
            "Ties the two sides answered differently (each side's answer is kept)",
            [("Tie", False), ("Named by", False), ("They differ on", False)],
            [
                [
                    _cell(f"{name(p['source'])} – {name(p['target'])}"),
                    _cell(who(p.get("reported_by"))),
                    _cell(items=[column_label(c) for c in p["conflicts"]]),
                ]
                for p in pairs
                if p.get("conflicts")
            ],
            empty="No conflicting answers.",
        ),
    ]
