"""What changed between two snapshots, as a page to send: one offline HTML file, or Markdown.

``netmap diff OLD NEW -o changes.html`` writes it. The same code gives the report its
"What changed" section (``netmap report SOURCE --since OLD``), so the page and the report
say the same things in the same words.

- :func:`change_groups` turns a :class:`~netmap.analysis.diff.Diff` into the tables of each
  kind of change (cells as text plus a sort value, no markup): headline counts, partners,
  ties, agreements (lost, gained, expired, renewed) and funding (awards, current streams),
  roster, population and role gaps, brokers and cut points, the scorecard before and after.
- :func:`diff_data` gathers the page: those groups as sections, and an appendix.
- The HTML page is drawn by the report's own frame, macros, stylesheet and sortable-table
  script (:mod:`netmap.render.page`), under the same strict Content-Security-Policy: no
  source but its own inline script and style, by hash. Every value is escaped, by Jinja's
  autoescape in HTML and by :func:`~netmap.render.page.md_escape` in Markdown.
- The roster named on the page is the one the diff judged both snapshots by
  (``Diff.roster``): the page never looks one up for itself.
- The diff holds no contact details (partners are summarised by id, name, type, region,
  team and status), so neither does the page.

Examples
--------
>>> import copy, netmap, pathlib, tempfile
>>> from netmap.analysis.diff import diff
>>> old = netmap.read_graph("examples/tucson-behavioral-health")
>>> new = copy.deepcopy(old)
>>> new.remove_node("Partner:PCC")
>>> changes = diff(old, new, as_of="2026-11-24")
>>> data = diff_data(changes, generated="today")
>>> [s["id"] for s in data["sections"]][:2], data["sections"][0]["intro"][0][:17]
(['summary', 'partners'], '1 partner(s) lost')
>>> out = write_diff_report(changes, pathlib.Path(tempfile.mkdtemp()) / "changes.md", format="md")
>>> out.read_text(encoding="utf-8").splitlines()[0]
'# tucson-behavioral-health: what changed'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.analysis.diff import Diff
from netmap.errors import UsageError
from netmap.outputs import Inputs
from netmap.render.json import to_jsonable
from netmap.render.map import _own_asset
from netmap.render.page import (
    cell,
    content_security_policy,
    environment,
    fmt_money,
    fmt_num,
    number,
    section,
    table,
    timestamp,
    write_text,
)
from netmap.roster import Roster

__all__ = [
    "DIFF_SECTIONS",
    "DIFF_TOP",
    "FORMATS",
    "change_groups",
    "change_section",
    "diff_data",
    "render_diff_html",
    "render_diff_markdown",
    "write_diff_report",
]

FORMATS = ("html", "markdown", "md")
DIFF_TOP = 10  # brokers compared: the top ten by betweenness, as `netmap diff` does

# The page's sections, in reading order: (id, heading). Ids are stable: tests and links use them.
DIFF_SECTIONS = (
    ("summary", "At a glance"),
    ("partners", "Partners gained, lost, renamed and changed"),
    ("links", "Ties, agreements and funding"),
    ("gaps", "Gaps closed and opened: roster, populations, roles"),
    ("brokers", "Brokers and cut points"),
    ("scorecard", "Readiness scorecard, before and after"),
    ("appendix", "Appendix: what this page was built from"),
)

# Each list of the diff: (key, row of the counts table, words of the headline sentence).
_KINDS = (
    ("partners_gained", "Partners gained", "partner(s) gained"),
    ("partners_lost", "Partners lost", "partner(s) lost"),
    ("partners_renamed", "Partners renamed", "partner(s) renamed"),
    ("partners_changed", "Partners changed (type, level, region, team or status)", "partner(s) changed"),
    ("ties_gained", "Ties gained", "tie(s) gained"),
    ("ties_lost", "Ties lost", "tie(s) lost"),
    ("agreements_gained", "Agreements gained", "agreement(s) gained"),
    ("agreements_lost", "Agreements lost", "agreement(s) lost"),
    ("funding_gained", "Funding awards gained", "funding award(s) gained"),
    ("funding_lost", "Funding awards lost", "funding award(s) lost"),
    ("agreements_expired", "Agreements no longer current", "agreement(s) no longer current"),
    ("agreements_renewed", "Agreements renewed or newly current", "agreement(s) renewed or newly current"),
    ("streams_lapsed", "Funding streams lapsed", "funding stream(s) lapsed"),
    ("streams_new", "Funding streams new", "new funding stream(s)"),
    ("partner_streams_lapsed", "Partners' streams lapsed", "partner stream(s) lapsed"),
    ("partner_streams_new", "Partners' streams new", "new partner stream(s)"),
    ("gaps_closed", "Roster gaps closed", "roster gap(s) closed"),
    ("gaps_opened", "Roster gaps opened", "roster gap(s) opened"),
    ("population_gaps_closed", "Population gaps closed", "population gap(s) closed"),
    ("population_gaps_opened", "Population gaps opened", "population gap(s) opened"),
    ("role_gaps_closed", "Role gaps closed", "role gap(s) closed"),
    ("role_gaps_opened", "Role gaps opened", "role gap(s) opened"),
    ("brokers_risen", "Brokers risen into the top {top}", "broker(s) risen into the top {top}"),
    ("brokers_fallen", "Brokers fallen out of the top {top}", "broker(s) fallen out of the top {top}"),
    ("cut_points_gained", "Cut points gained", "cut point(s) gained"),
    ("cut_points_lost", "Cut points lost", "cut point(s) lost"),
)

# How a role gap reads, by the diff's ``gap`` value.
_ROLE_GAPS = {"uncovered": "uncovered (no partner)", "single_partner": "one partner only"}

MATCHING = (
    "Partners are matched by id (the same id with a new name is renamed, not lost and gained), ties by their two "
    "partners and kind, agreements and funding awards by id. Gaps, current agreements and streams, brokers, cut "
    "points and scores come from the analyses of both snapshots, judged on the same day against the same roster."
)


# -- the snapshots ------------------------------------------------------------------------------


def _names(*graphs: nx.MultiDiGraph) -> dict[str, str]:
    """Partner id -> name; a later graph's name wins (a partner is shown by its name today)."""
    out: dict[str, str] = {}
    for G in graphs:
        out.update({d["id"]: d.get("name") or d["id"] for _, d in G.nodes(data=True) if d.get("label") == "Partner"})
    return out


def _active(G: nx.MultiDiGraph) -> int:
    return sum(1 for _, d in G.nodes(data=True) if d.get("label") == "Partner" and d.get("status") in (None, "active"))


def _map_id(G: nx.MultiDiGraph) -> str:
    return str(G.graph.get("map_id") or "netmap")


def _roster_text(roster: Roster | None) -> str:
    if roster is None:
        return "not recorded with the comparison"
    return f"{roster.title} ({roster.name})" if roster.title else roster.name


# -- the tables -----------------------------------------------------------------------------------


def _signed(change: float | None) -> str:
    if change is None:
        return "n/a"
    if change == 0:
        return "no change"
    return ("+" if change > 0 else "-") + fmt_num(abs(change))


def _where(level: str | None, region: str | None) -> str:
    if region is not None:
        return region
    return "statewide" if level == "state" else "no region"


def change_groups(
    changes: Diff | Mapping[str, Any],
    *,
    names: Mapping[str, str],
    roster: Roster | None = None,
    top: int = DIFF_TOP,
) -> dict[str, dict[str, Any]]:
    """The tables of each kind of change, grouped as the page's sections are.

    Parameters
    ----------
    changes : Diff or its ``to_dict()``
        What :func:`netmap.analysis.diff.diff` found.
    names : mapping
        Partner id -> name, for ties, parties, recipients and brokers.
    roster : Roster, optional
        To name agency types in "partners changed" (else their ids are shown).
    top : int
        The ``top`` the diff compared brokers in (said in the tables).

    Returns
    -------
    dict
        ``summary``, ``partners``, ``links``, ``gaps``, ``brokers`` and ``scorecard``, each a
        dict with ``intro`` paragraphs, ``facts`` and ``tables`` (:func:`netmap.render.page.table`).
        ``summary`` also has ``counts`` (key -> number of changes) and ``headline`` (one sentence).

    Examples
    --------
    >>> import copy, netmap
    >>> from netmap.analysis.diff import diff
    >>> old = netmap.read_graph("examples/tucson-behavioral-health")
    >>> new = copy.deepcopy(old)
    >>> new.nodes["Partner:PCC"]["name"] = "Pima College"
    >>> groups = change_groups(diff(old, new, as_of="2026-11-24"), names={})
    >>> groups["summary"]["headline"]
    '1 partner(s) renamed.'
    >>> groups["partners"]["tables"][2]["rows"][0][2]["text"]
    'Pima College'
    """
    d = changes.to_dict() if isinstance(changes, Diff) else dict(changes)
    # A diff saved by an older netmap lacks the newer lists: they show as empty.
    for key, _, _ in _KINDS:
        d.setdefault(key, [])

    def who(pid: str) -> str:
        return str(names.get(pid) or pid)

    def type_name(value: Any) -> str:
        if value is None or value == "":
            return "(blank)"
        found = roster.agency_types.get(str(value)) if roster else None
        return found.name if found else str(value)

    def partner_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [
            [
                cell(p.get("name") or p["id"]),
                cell(p["id"]),
                cell(p.get("agency_type_name") or ""),
                cell(p.get("region") or "no region"),
                cell(p.get("team") or ""),
                cell(p.get("status") or "active"),
            ]
            for p in items
        ]

    partner_columns = [
        ("Partner", False),
        ("Id", False),
        ("Agency type", False),
        ("Region", False),
        ("Team", False),
        ("Status", False),
    ]

    def change_text(key: str, v: dict[str, Any]) -> str:
        show = type_name if key == "agency_type" else (lambda x: "(blank)" if x in (None, "") else str(x))
        return f"{key.replace('_', ' ')}: {show(v['old'])} → {show(v['new'])}"

    partners = [
        table(
            "table-changes-partners-gained",
            "Partners gained",
            partner_columns,
            partner_rows(d["partners_gained"]),
            empty="No partner joined.",
        ),
        table(
            "table-changes-partners-lost",
            "Partners lost",
            partner_columns,
            partner_rows(d["partners_lost"]),
            empty="No partner left.",
        ),
        table(
            "table-changes-partners-renamed",
            "Partners renamed (same id, new name)",
            [("Id", False), ("Name before", False), ("Name now", False)],
            [[cell(p["id"]), cell(p["old_name"]), cell(p["new_name"])] for p in d["partners_renamed"]],
            empty="No partner was renamed.",
        ),
        table(
            "table-changes-partners-changed",
            "Partners whose agency type, level, region, team or status changed",
            [("Partner", False), ("Id", False), ("What changed", False)],
            [
                [
                    cell(p.get("name") or p["id"]),
                    cell(p["id"]),
                    cell(items=[change_text(k, v) for k, v in p["changes"].items()], as_list=True),
                ]
                for p in d["partners_changed"]
            ],
            empty="No partner changed its agency type, level, region, team or status.",
        ),
    ]

    def tie_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [[cell(who(t["source"])), cell(who(t["target"])), cell(t.get("kind") or "collaboration")] for t in items]

    def agreement_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [
            [cell(a.get("title") or a["id"]), cell(a["id"]), cell(items=[who(p) for p in a["parties"]], as_list=True)]
            for a in items
        ]

    def award_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [
            [
                cell(f["id"]),
                cell(f.get("stream") or ""),
                cell(who(f["recipient"])),
                number(f.get("amount"), fmt_money(f.get("amount"))),
            ]
            for f in items
        ]

    # The short lists of the tables below read "A; B" in HTML and Markdown alike.
    def state_text(state: Any, expires: Any) -> str:
        if state is None:
            return "not listed"
        return f"{state} (ends {expires})" if expires else str(state)

    def state_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [
            [
                cell(a.get("title") or a["id"]),
                cell(a["id"]),
                cell(items=[who(p) for p in a.get("parties") or []]),
                cell(state_text(a.get("old_state"), a.get("old_expires"))),
                cell(state_text(a.get("new_state"), a.get("new_expires"))),
            ]
            for a in items
        ]

    def stream_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [
            [
                cell(f.get("stream") or f["id"]),
                cell(items=[who(p) for p in f.get("recipients") or []]),
                cell(f.get("old_state") or "not listed"),
                cell(f.get("new_state") or "not listed"),
            ]
            for f in items
        ]

    def partner_stream_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [[cell(p.get("name") or who(p["id"])), cell(p["id"]), cell(p.get("stream") or "")] for p in items]

    state_columns = [("Agreement", False), ("Id", False), ("Parties", False), ("Before", False), ("Now", False)]
    stream_columns = [("Stream", False), ("Recipients", False), ("Before", False), ("Now", False)]
    partner_stream_columns = [("Partner", False), ("Id", False), ("Stream", False)]
    tie_columns = [("Partner", False), ("Tied to", False), ("Kind", False)]
    agreement_columns = [("Agreement", False), ("Id", False), ("Parties", False)]
    award_columns = [("Award", False), ("Stream", False), ("Recipient", False), ("Amount", True)]
    links = [
        table(
            "table-changes-ties-gained",
            "Ties gained",
            tie_columns,
            tie_rows(d["ties_gained"]),
            empty="No tie was added.",
        ),
        table("table-changes-ties-lost", "Ties lost", tie_columns, tie_rows(d["ties_lost"]), empty="No tie was lost."),
        table(
            "table-changes-agreements-gained",
            "Agreements gained",
            agreement_columns,
            agreement_rows(d["agreements_gained"]),
            empty="No agreement was added.",
        ),
        table(
            "table-changes-agreements-lost",
            "Agreements lost",
            agreement_columns,
            agreement_rows(d["agreements_lost"]),
            empty="No agreement was lost.",
        ),
        table(
            "table-changes-funding-gained",
            "Funding awards gained",
            award_columns,
            award_rows(d["funding_gained"]),
            empty="No funding award was added.",
        ),
        table(
            "table-changes-funding-lost",
            "Funding awards lost",
            award_columns,
            award_rows(d["funding_lost"]),
            empty="No funding award was lost.",
        ),
        table(
            "table-changes-agreements-expired",
            "Agreements current before and not now (expired, terminated, back to draft, or no longer listed)",
            state_columns,
            state_rows(d["agreements_expired"]),
            empty="No agreement stopped being current.",
        ),
        table(
            "table-changes-agreements-renewed",
            "Agreements current now that were not before, or renewed to a later end",
            state_columns,
            state_rows(d["agreements_renewed"]),
            empty="No agreement was renewed or became current.",
        ),
        table(
            "table-changes-streams-lapsed",
            "Funding streams current before and not now",
            stream_columns,
            stream_rows(d["streams_lapsed"]),
            empty="No funding stream lapsed.",
        ),
        table(
            "table-changes-streams-new",
            "Funding streams current now and not before",
            stream_columns,
            stream_rows(d["streams_new"]),
            empty="No funding stream is new.",
        ),
        table(
            "table-changes-partner-streams-lapsed",
            "Partners' funding streams lapsed",
            partner_stream_columns,
            partner_stream_rows(d["partner_streams_lapsed"]),
            empty="No partner lost a funding stream.",
        ),
        table(
            "table-changes-partner-streams-new",
            "Partners' funding streams new",
            partner_stream_columns,
            partner_stream_rows(d["partner_streams_new"]),
            empty="No partner gained a funding stream.",
        ),
    ]

    gap_columns = [("Agency type", False), ("Category", False), ("Level", False), ("Where", False)]

    def gap_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [
            [
                cell(g["agency_type"]),
                cell(g.get("category") or ""),
                cell(g["level"]),
                cell(_where(g["level"], g["region"])),
            ]
            for g in items
        ]

    population_columns = [("Population", False), ("Calls for", False), ("Where", False), ("Served by", False)]

    def population_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [
            [
                cell(g["population"]),
                cell(g["agency_type"]),
                cell(g.get("region") or "no region"),
                cell(items=[who(p) for p in g.get("served_by") or []]),
            ]
            for g in items
        ]

    role_columns = [("Role", False), ("Gap", False), ("Partners before", False), ("Partners now", False)]

    def role_rows(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        def partners_cell(ids: list[str]) -> dict[str, Any]:
            return cell(items=[who(p) for p in ids]) if ids else cell("none")

        return [
            [
                cell(r["role"]),
                cell(_ROLE_GAPS.get(r["gap"], r["gap"])),
                partners_cell(r.get("partners_before") or []),
                partners_cell(r.get("partners_now") or []),
            ]
            for r in items
        ]

    gaps = [
        table(
            "table-changes-gaps-closed",
            "Roster gaps closed (the type was missing and is now at the table)",
            gap_columns,
            gap_rows(d["gaps_closed"]),
            empty="No roster gap was closed.",
        ),
        table(
            "table-changes-gaps-opened",
            "Roster gaps opened (the type was at the table and is now missing)",
            gap_columns,
            gap_rows(d["gaps_opened"]),
            empty="No roster gap opened.",
        ),
        table(
            "table-changes-population-gaps-closed",
            "Population gaps closed (a population served with the partner type it calls for now at the table)",
            population_columns,
            population_rows(d["population_gaps_closed"]),
            empty="No population gap was closed.",
        ),
        table(
            "table-changes-population-gaps-opened",
            "Population gaps opened (a population served without the partner type it calls for)",
            population_columns,
            population_rows(d["population_gaps_opened"]),
            empty="No population gap opened.",
        ),
        table(
            "table-changes-role-gaps-closed",
            "Role gaps closed",
            role_columns,
            role_rows(d["role_gaps_closed"]),
            empty="No role gap was closed.",
        ),
        table(
            "table-changes-role-gaps-opened",
            "Role gaps opened",
            role_columns,
            role_rows(d["role_gaps_opened"]),
            empty="No role gap opened.",
        ),
    ]

    brokers = [
        table(
            "table-changes-brokers-risen",
            f"Brokers risen into the top {top} by betweenness",
            [("Partner", False), ("Rank now", True), ("Betweenness now", True)],
            [
                [cell(b.get("name") or b["id"]), number(b["rank"], f"#{b['rank']}"), number(b.get("betweenness"))]
                for b in d["brokers_risen"]
            ],
            empty=f"No partner rose into the top {top}.",
        ),
        table(
            "table-changes-brokers-fallen",
            f"Brokers fallen out of the top {top} by betweenness",
            [("Partner", False), ("Rank before", True), ("Still a partner", False)],
            [
                [
                    cell(b.get("name") or b["id"]),
                    number(b["old_rank"], f"#{b['old_rank']}"),
                    cell("yes" if b["still_partner"] else "no: left the partnership"),
                ]
                for b in d["brokers_fallen"]
            ],
            empty=f"No partner fell out of the top {top}.",
        ),
        table(
            "table-changes-cut-points-gained",
            "Cut points gained (partners whose leaving would now split the network)",
            [("Partner", False), ("Id", False)],
            [[cell(c.get("name") or who(c["id"])), cell(c["id"])] for c in d["cut_points_gained"]],
            empty="No partner became a cut point.",
        ),
        table(
            "table-changes-cut-points-lost",
            "Cut points lost (the network no longer splits without them)",
            [("Partner", False), ("Id", False), ("Still a partner", False)],
            [
                [
                    cell(c.get("name") or who(c["id"])),
                    cell(c["id"]),
                    cell("yes" if c.get("still_partner", True) else "no: left the partnership"),
                ]
                for c in d["cut_points_lost"]
            ],
            empty="No partner stopped being a cut point.",
        ),
    ]

    def score(value: float | None) -> dict[str, Any]:
        return number(value, "n/a" if value is None else fmt_num(value))

    card = table(
        "table-changes-scorecard",
        "Readiness conditions, before and after (0–100)",
        [
            ("Condition", False),
            ("Before", True),
            ("Rating before", False),
            ("Now", True),
            ("Rating now", False),
            ("Change", True),
        ],
        [
            [
                cell(c["name"]),
                score(c["old_score"]),
                cell(c.get("old_rating") or ""),
                score(c["new_score"]),
                cell(c.get("new_rating") or ""),
                number(c["change"], _signed(c["change"])),
            ]
            for c in d["scorecard"]
        ],
        empty="The scorecard has no conditions.",
        note="n/a: the snapshot holds no evidence for the condition, so it is not scored (never guessed).",
    )

    moved = [c for c in d["scorecard"] if c["change"] or c.get("old_rating") != c.get("new_rating")]
    counts = {key: len(d[key]) for key, _, _ in _KINDS}
    counts["scorecard"] = len(moved)
    rows = [[cell(label.format(top=top)), number(counts[key])] for key, label, _ in _KINDS]
    rows.append([cell("Readiness conditions whose score or rating changed"), number(counts["scorecard"])])
    said = [f"{counts[key]} {words.format(top=top)}" for key, _, words in _KINDS if counts[key]]
    if moved:
        said.append(f"{len(moved)} readiness score(s) changed")
    headline = (", ".join(said) + ".") if said else "Nothing changed between the two snapshots."

    def money_sum(items: list[dict[str, Any]]) -> str:
        if not items:
            return "none"
        priced = [f["amount"] for f in items if f.get("amount") is not None]
        text = f"{len(items)} award(s)"
        return text + (f", {fmt_money(sum(priced))}" if priced else "")

    return {
        "summary": {
            "intro": [headline],
            "facts": [
                ("Funding gained", money_sum(d["funding_gained"])),
                ("Funding lost", money_sum(d["funding_lost"])),
            ],
            "tables": [
                table("table-changes-counts", "Changes by kind", [("Change", False), ("Count", True)], rows),
            ],
            "counts": counts,
            "headline": headline,
        },
        "partners": {
            "intro": ["Partners are matched by id: the same id with a new name is renamed, not lost and gained."],
            "facts": [],
            "tables": partners,
        },
        "links": {
            "intro": [
                "Ties are matched by their two partners and kind, agreements and funding awards by id. An agreement "
                "or a funding stream is current when it binds or pays on the day judged: one can stop being current "
                "with no row lost, and a stream can lapse while another award of it is gained."
            ],
            "facts": [],
            "tables": links,
        },
        "gaps": {
            "intro": [
                "A roster gap is an agency type of the roster with no active partner at a level and place; a "
                "population gap, a population partners serve without the partner type it calls for; a role gap, a "
                "role of the role chart no partner performs, or only one. Both snapshots are checked against the "
                "same roster."
            ],
            "facts": [],
            "tables": gaps,
        },
        "brokers": {
            "intro": [
                "Brokers sit on the paths between partners who are not tied directly. One has risen when it is among "
                f"the top {top} by betweenness now and was not before, fallen the other way round. A cut point is a "
                "partner whose leaving would split the network in two."
            ],
            "facts": [],
            "tables": brokers,
        },
        "scorecard": {
            "intro": [
                "The six readiness conditions scored on each snapshot, judged on the same day: a change comes from "
                "the partnership, not from the calendar."
            ],
            "facts": [],
            "tables": [card],
        },
    }


# -- the report's section and the page ------------------------------------------------------------


def change_section(changes: Diff) -> dict[str, Any]:
    """The report's "What changed" section of ``changes``: ``intro``, ``facts`` and ``tables``.

    The counts and the scorecard always; of the other tables only those with rows, so a
    quiet year takes a few lines of the report. The page (:func:`diff_data`) shows them all.

    Examples
    --------
    >>> import copy, netmap
    >>> from netmap.analysis.diff import diff
    >>> old = netmap.read_graph("examples/tucson-behavioral-health")
    >>> content = change_section(diff(old, copy.deepcopy(old), as_of="2026-11-24"))
    >>> content["intro"][0], [t["id"] for t in content["tables"]]
    ('Nothing changed between the two snapshots.', ['table-changes-counts', 'table-changes-scorecard'])
    """
    snap = changes.snapshots
    top = snap.get("top", DIFF_TOP)
    groups = change_groups(changes, names=snap.get("names", {}), roster=changes.roster, top=top)
    tables = list(groups["summary"]["tables"])
    for key in ("partners", "links", "gaps", "brokers"):
        tables += [t for t in groups[key]["tables"] if t["rows"]]
    tables += groups["scorecard"]["tables"]
    facts = [
        ("Earlier snapshot", f"{snap.get('old_map')} ({snap.get('old_active')} active partners)"),
        ("This snapshot", f"{snap.get('new_map')} ({snap.get('new_active')} active partners)"),
        ("Judged as of", changes.as_of.isoformat()),
        *groups["summary"]["facts"],
    ]
    return {"intro": [groups["summary"]["headline"], MATCHING], "facts": facts, "tables": tables}


def diff_data(
    changes: Diff,
    *,
    title: str | None = None,
    generated: dt.datetime | str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """Everything the page of changes shows, as plain JSON-ready data.

    Parameters
    ----------
    changes : Diff
        What changed (:func:`netmap.analysis.diff.diff`): the page shows its lists, its
        snapshots' names and counts, its day, roster, seed and ``top``. Nothing is computed here.
    title : str, optional
        Default: the later map's id, and the earlier one's when they differ.
    generated : datetime or str, optional
        When the page was made (default now, UTC).
    version : str, optional
        The netmap version named in the appendix.

    Returns
    -------
    dict
        ``title``, ``subtitle``, ``meta`` and ``sections`` (one per :data:`DIFF_SECTIONS`).

    Examples
    --------
    >>> import copy, netmap
    >>> from netmap.analysis.diff import diff
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> data = diff_data(diff(G, copy.deepcopy(G), as_of="2026-11-24"), generated="today")
    >>> data["meta"]["changed"], [s["id"] for s in data["sections"]][-1]
    (False, 'appendix')
    """
    snap = changes.snapshots
    roster = changes.roster
    seed, top = snap.get("seed"), snap.get("top", DIFF_TOP)
    groups = change_groups(changes, names=snap.get("names", {}), roster=roster, top=top)
    when = timestamp(generated)
    old_id, new_id = snap.get("old_map", "netmap"), snap.get("new_map", "netmap")
    old_active, new_active = snap.get("old_active"), snap.get("new_active")
    day = changes.as_of.isoformat()
    titles = dict(DIFF_SECTIONS)
    summary = groups["summary"]
    sections = [
        section(
            "summary",
            titles["summary"],
            intro=[summary["headline"], MATCHING],
            facts=[
                ("Earlier snapshot", f"{old_id} ({old_active} active partners)"),
                ("Later snapshot", f"{new_id} ({new_active} active partners)"),
                ("Judged as of", day),
                *summary["facts"],
            ],
            tables=summary["tables"],
        ),
        *(
            section(key, titles[key], intro=groups[key]["intro"], tables=groups[key]["tables"])
            for key in ("partners", "links", "gaps", "brokers", "scorecard")
        ),
        section(
            "appendix",
            titles["appendix"],
            facts=[
                ("Earlier snapshot", old_id),
                ("Later snapshot", new_id),
                ("Region compared", snap.get("region") or "the whole map"),
                ("Roster", _roster_text(roster)),
                ("Judged as of", day),
                ("Seed (sampled betweenness, Louvain communities)", "none" if seed is None else str(seed)),
                ("Brokers compared", f"the top {top} by betweenness in each snapshot"),
                ("Contact details", "none: the comparison holds no personal data"),
                ("netmap version", version or "not recorded"),
                ("Generated", when),
            ],
        ),
    ]
    subtitle = " · ".join([f"{old_id} → {new_id}", f"as of {day}", f"{old_active} → {new_active} active partners"])
    return to_jsonable(
        {
            "title": title
            or (f"{new_id}: what changed" if old_id == new_id else f"{new_id}: what changed since {old_id}"),
            "subtitle": subtitle,
            "meta": {
                "old_map": old_id,
                "new_map": new_id,
                "as_of": day,
                "seed": seed,
                "top": top,
                "version": version,
                "generated": when,
                "changed": changes.changed,
                "counts": summary["counts"],
            },
            "sections": sections,
        }
    )


def render_diff_html(changes: Diff, **options: Any) -> str:
    """The page of ``changes`` as one self-contained HTML file (options of :func:`diff_data`).

    It is drawn by the report's frame, stylesheet and sortable-table script, under the same
    Content-Security-Policy: its one script and one stylesheet by hash, nothing else.

    Examples
    --------
    >>> import copy, netmap
    >>> from netmap.analysis.diff import diff
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> page = render_diff_html(diff(G, copy.deepcopy(G), as_of="2026-11-24"))
    >>> 'http-equiv="Content-Security-Policy"' in page, 'id="table-changes-counts"' in page
    (True, True)
    """
    data = diff_data(changes, **options)
    own_js, own_css = _own_asset("report.js"), _own_asset("report.css")
    return (
        environment()
        .get_template("diff.html.j2")
        .render(data=data, csp=content_security_policy([own_js], [own_css]), own_js=own_js, own_css=own_css)
    )


def render_diff_markdown(changes: Diff, **options: Any) -> str:
    """The page of ``changes`` as GitHub-flavoured Markdown (options of :func:`diff_data`).

    Examples
    --------
    >>> import copy, netmap
    >>> from netmap.analysis.diff import diff
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> "## 1. At a glance" in render_diff_markdown(diff(G, copy.deepcopy(G), as_of="2026-11-24"))
    True
    """
    return environment(markdown=True).get_template("diff.md.j2").render(data=diff_data(changes, **options))


def write_diff_report(
    changes: Diff,
    path: str | Path,
    *,
    format: str = "html",
    overwrite: bool = True,
    inputs: Inputs = (),
    **options: Any,
) -> Path:
    """Write the page of ``changes`` to ``path`` (UTF-8), and nothing else.

    Parameters
    ----------
    changes : Diff
        What changed (:func:`netmap.analysis.diff.diff`).
    path : str or Path
        The file to write.
    format : {"html", "markdown", "md"}
        One offline HTML file, or Markdown.
    overwrite : bool
        Replace an existing file (the command passes ``--force``).
    inputs : sequence of (label, path)
        The snapshots compared: never written over (see :mod:`netmap.outputs`).
    **options
        The keyword options of :func:`diff_data` (``title``, ``generated``, ``version``).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    UsageError
        Unknown format, or the file cannot be written, exists and not ``overwrite``, or is an input.
    """
    if format not in FORMATS:
        raise UsageError(f"--format must be html or md (markdown), not {format!r}")
    render: Callable[..., str] = render_diff_html if format == "html" else render_diff_markdown
    return write_text(path, render(changes, **options), overwrite=overwrite, inputs=inputs)
