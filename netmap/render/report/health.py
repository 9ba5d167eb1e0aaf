"""Network health: whole-network measures, E-I index by category and the clusters found."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.render.page import cell as _cell
from netmap.render.page import fmt_num as _num
from netmap.render.page import fmt_pct as _pct
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import report_section


def health_section(a: Analysis, name: Any) -> dict[str, Any]:
    h = a.health.to_dict()
    cat = a.category_name
    measures = [
        ("Partners / ties", f"{h['partners']} / {h['ties']}", "active partners and the pairs of them that are tied"),
        ("Density", _num(h["density"]), "share of all possible ties that exist"),
        (
            "Connected parts",
            f"{h['components']} (sizes {', '.join(map(str, h['component_sizes'][:8]))})" if h["components"] else "0",
            "groups of partners with no path between them",
        ),
        ("Partners with no ties", ", ".join(name(p) for p in h["isolates"]) or "none", ""),
        ("Degree centralisation", _num(h["degree_centralization"]), "0: ties spread evenly; 1: a star around one hub"),
        (
            "E-I index across categories",
            _num(h["ei_index"]),
            "-1: every tie stays inside a category; +1: every tie crosses",
        ),
        (
            "Communities vs categories (NMI)",
            _num(h["communities_vs_categories_nmi"]),
            "1: the clusters are exactly the categories (silos); 0: unrelated",
        ),
        ("Possible silos", str(len(h["silos"])), "clusters of 3 or more partners at least 80% one category"),
    ]
    measures_table = _table(
        "table-health",
        "Whole-network measures",
        [("Measure", False), ("Value", False), ("What it means", False)],
        [[_cell(label), _cell(value), _cell(meaning)] for label, value, meaning in measures],
    )
    communities = _table(
        "table-communities",
        f"Clusters found by Louvain community detection (seed {h['seed']})",
        [
            ("Cluster", True),
            ("Partners", True),
            ("Main category", False),
            ("Its share", True),
            ("Silo", False),
            ("Members", False),
        ],
        [
            [
                _n(c["community"] + 1),
                _n(c["size"]),
                _cell(cat(c["dominant_category"])),
                _n(c["dominant_share"], _pct(c["dominant_share"])),
                _cell("possible silo" if c["silo"] else "no"),
                _cell(items=[name(p) for p in c["members"]]),
            ]
            for c in h["communities"]
        ],
        empty="No partners.",
    )
    ei = _table(
        "table-category-ei",
        "E-I index of each category's ties",
        [("Category", False), ("E-I index", True)],
        [[_cell(cat(k)), _n(v)] for k, v in sorted(h["category_ei"].items(), key=lambda kv: cat(kv[0]))],
        empty="No ties.",
    )
    intro = ["How the network holds together as a whole: how dense, how centralised, and whether it splits by sector."]
    return report_section("health", intro=intro, tables=[measures_table, ei, communities])
