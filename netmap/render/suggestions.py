"""The report's "Who could fill the gaps" section, from :func:`netmap.analysis.suggest.suggest`.

Examples
--------
>>> import netmap
>>> from netmap.analysis.suggest import suggest
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> wib = {"id": "D1", "name": "Pima County WIB", "agency_type_id": "local-wib", "region": "Pima County"}
>>> found = suggest(G, [wib])
>>> part = suggestion_content(found)
>>> part["tables"][0]["rows"][0][2]["text"]
'Pima County WIB'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netmap.render.page import cell, number, table

if TYPE_CHECKING:  # a type hint: a report without a directory does without the module
    from netmap.analysis.suggest import Suggestions

__all__ = ["suggestion_content"]


def suggestion_content(found: Suggestions) -> dict[str, Any]:
    """Intro, facts and two tables (candidates per gap; introductions across holes) of the
    result of :func:`~netmap.analysis.suggest.suggest`."""
    result = found.to_dict()
    rows = []
    for g in result["gaps"]:
        scope = g["region"] or "State level"
        missing = g["agency_type"] + (f" (for {g['population']})" if g["population"] else "")
        options = [(c["name"], c["why"], c["score"]) for c in g["candidates"]]
        options += [(p, "already listed as a prospective partner", None) for p in g["prospective"]]
        if g["more"]:
            options.append((f"… and {g['more']} more", "netmap suggest --top (or report --top) shows them", None))
        for name, why, score in options:
            fit = cell("") if score is None else number(score)
            rows.append([cell(scope), cell(missing), cell(name), fit, cell(why)])
    candidates = table(
        "table-candidates",
        "Candidates for each missing agency type, best first",
        [("Scope", False), ("Missing type", False), ("Candidate", False), ("Fit", True), ("Why", False)],
        rows,
        empty="The directory holds no organisation of a missing type in or near the regions of this map.",
        note="Best fit first. Fit, out of 100: the type (60: exact 1, through an alias 0.75, from the directory's "
        "terms 0.7, times the share of its terms when the directory gives it), the place (30 in the region, 20 in "
        "a neighbouring region, one whose partners have ties with this region's, 10 region not given, 0 elsewhere), "
        "the services (3 when it serves the population the gap is about, 1 per service no partner in the region "
        "provides yet, up to 3) and capacity (1 per order of magnitude of seats, up to 3). Organisations that are "
        "partners already (same id or name) are not proposed.",
    )
    intro_rows = []
    for h in result["holes"]:
        between = f"{h['category_a']} and {h['category_b']}"
        for i in h["introductions"]:
            intro_rows.append(
                [
                    cell(between),
                    number(h["ties"]),
                    cell(f"{i['source_name']} and {i['target_name']}"),
                    number(i["shared"]),
                    cell(items=i["shared_names"], as_list=True),
                ]
            )
    introductions = table(
        "table-introductions",
        "Introductions across the widest holes between categories",
        [("Between", False), ("Ties now", True), ("Introduce", False), ("Shared partners", True), ("Who", False)],
        intro_rows,
        empty="No two partners across the widest holes share a partner.",
        note="The category pairs with the fewest ties for their size; pairs of partners across them with no tie "
        "of their own, ranked by the partners they share (link prediction by common neighbours).",
    )
    d = result["directory"]
    gaps_with = sum(1 for g in result["gaps"] if g["candidates"])
    facts = [
        ("Organisations in the directory", str(d["rows"])),
        ("Already partners (skipped)", ", ".join(a["name"] or a["id"] for a in result["already_partners"]) or "none"),
        ("Gaps with at least one candidate", f"{gaps_with} of {len(result['gaps'])}"),
    ]
    intro = [
        "Known organisations that are not partners yet, proposed for each agency type the roster check finds "
        "missing (and each type a served population calls for), best fit first; then pairs of existing partners "
        "who share partners but have no tie, across the categories that are least connected."
    ]
    for h in result["holes"]:
        for i in h["introductions"][:1]:
            intro.append(i["explanation"] + ".")
    return {"intro": intro, "facts": facts, "tables": [candidates, introductions]}
