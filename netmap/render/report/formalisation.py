"""Formalisation: the agreements on the analysis date and how many leadership ties they back."""

from __future__ import annotations

from typing import Any

from netmap.analysis import Analysis
from netmap.render.page import cell as _cell
from netmap.render.page import fmt_pct as _pct
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import report_section


def _days(days: int | None) -> str:
    if days is None:
        return ""
    return str(days) if days >= 0 else f"ended {-days} days ago"


def formalisation_section(a: Analysis, name: Any) -> dict[str, Any]:
    f = a.formalisation.to_dict()
    state_text = {"expired": "✕ expired", "expiring": "! expiring", "draft": "… draft", "current": "✓ current"}
    rows = [
        [
            _cell(x["title"] or x["id"]),
            _cell(x["id"]),
            _cell(x["type"] or ""),
            _cell(items=[name(p) for p in x["parties"]]),
            _cell(x["signed"].isoformat() if x["signed"] else ""),
            _cell(x["expires"].isoformat() if x["expires"] else ""),
            _n(x["days_left"], _days(x["days_left"])),
            _cell(state_text.get(x["state"], x["state"])),
        ]
        for x in f["agreements"]
    ]
    share = f["backed_share"]
    intro = [
        f"Judged on {f['as_of']}: an agreement is expiring when it ends within {f['within_days']} days. Drafts bind "
        "no one and expired agreements no longer back a tie.",
        f"Working ties among leadership-team partners (a ties row or a funding award between the two) backed "
        f"by a current agreement: {f['leadership_ties_backed']} of {f['leadership_ties']}"
        + (f" ({_pct(share)})." if share is not None else "."),
    ]
    signed_only = f.get("signed_only_leadership_pairs") or []
    if signed_only:
        intro.append(
            f"{len(signed_only)} more leadership pair(s) signed an agreement together but have no recorded working "
            "tie; they are not counted above."
        )
    facts = [
        ("Expired", "; ".join(f"{x['title'] or x['id']} ({x['id']})" for x in f["expired"]) or "none"),
        (
            "Expiring",
            "; ".join(f"{x['title'] or x['id']} ({x['id']}, {x['days_left']} days left)" for x in f["expiring"])
            or "none",
        ),
        (
            "Drafts",
            "; ".join(f"{x['title'] or x['id']} ({x['id']})" for x in f["agreements"] if x["state"] == "draft")
            or "none",
        ),
        (
            "Partners with roles but no current agreement",
            ", ".join(r["name"] or r["id"] for r in f["roles_without_agreement"]) or "none",
        ),
        (
            "Signed together, no recorded working tie",
            "; ".join(f"{name(x)} – {name(y)}" for x, y in signed_only) or "none",
        ),
    ]
    table = _table(
        "table-agreements",
        f"Agreements as of {f['as_of']}",
        [
            ("Agreement", False),
            ("Id", False),
            ("Type", False),
            ("Parties", False),
            ("Signed", False),
            ("Expires", False),
            ("Days left", True),
            ("State", False),
        ],
        rows,
        empty="The workbook records no agreements.",
    )
    return report_section("formalisation", intro=intro, facts=facts, tables=[table])
