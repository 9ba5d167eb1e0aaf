"""The partner survey as offline HTML forms: one self-contained page per partner.

``netmap survey SOURCE -o DIR --html`` writes ``intake-<id>.html`` for each active partner.
The page asks what the workbook form asks (the partner's own details, its services, the
roles of the role chart it plays with lead or support, one row per other partner on how
they work together and how the partner rates the relationship, the agreements and funding
it knows of, the date answered). "Save answers" downloads ``intake-<id>-answers.json``
(a blob made in the page: it works with no network), which every netmap command reads as
a workbook (:mod:`netmap.ingest.form_json`).

The page follows the map's safety rules (:mod:`netmap.render.map`): the template
autoescapes every value, the page's data reaches its script only as JSON in a
``<script type="application/json">`` block (``tojson``), every script and style is inline
and allowed by hash in a Content-Security-Policy that forbids any other source and any
request, and the script sets no markup, only text and values. No contact data of anyone
is in a form: partners are shown by name, type and region only.

The answers file (``netmap_form`` 1)::

    {"netmap_form": 1, "partner_id": "PCC", "map": "tucson-behavioral-health",
     "answered_on": "2026-12-07",
     "partner": {"id", "name", "agency_type", "level", "region"},
     "partners": [{"id", "name", "agency_type", "level", "region"}, ...],  # the others
     "services": [{"service", "population"}],
     "roles": [{"role", "lead"}],                        # lead: "lead", "support" or null
     "ties": [{"target_id", "works_together": "yes"|"no", "kind", "frequency",
               "reliability", "mission_support", "openness", "power_influence",
               "involvement", "resource_contribution"}],   # scores 1-4 or null
     "agreements": [{"title", "type", "with_id", "signed", "expires"}],
     "funding": [{"stream", "funder_id", "source", "program", "amount", "start", "end"}]}

Examples
--------
>>> import netmap, tempfile, pathlib
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> data = form_data(G, "PCC")
>>> data["partner"]["name"], len(data["others"]), data["filename"]
('Pima Community College', 13, 'intake-PCC-answers.json')
>>> paths = write_html_forms(G, pathlib.Path(tempfile.mkdtemp()), partners=["PCC"])
>>> [p.name for p in paths]
['intake-PCC.html']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.analysis._common import partners as active_partners
from netmap.analysis._common import resolve_roster
from netmap.errors import UsageError
from netmap.model import (
    AGREEMENT_TYPES,
    FREQUENCIES,
    FUNDING_SOURCES,
    LEVELS,
    SCORE_MAX,
    SCORE_MIN,
    TIE_KINDS,
    TRUST_SCORES,
    VALUE_SCORES,
)
from netmap.outputs import Inputs, check_file_target, write_file
from netmap.render.page import content_security_policy, environment
from netmap.roster import Roster
from netmap.sheets import sheet_rows

__all__ = ["FORM_VERSION", "SCORE_QUESTIONS", "form_data", "form_filename", "render_form_html", "write_html_forms"]

FORM_VERSION = 1

# The six relationship scores as the form asks them, in plain words (1 = not at all,
# 4 = a great deal): the wording partnership surveys use.
SCORE_QUESTIONS: dict[str, tuple[str, str]] = {
    "reliability": ("Reliable", "How reliable is this partner: does it do what it says it will?"),
    "mission_support": ("Shares mission", "How much does this partner support the partnership's mission?"),
    "openness": ("Open", "How open is this partner to discussion, even when you disagree?"),
    "power_influence": ("Influence", "How much power and influence does this partner bring?"),
    "involvement": ("Involved", "How involved is this partner in the partnership's work?"),
    "resource_contribution": ("Resources", "How much does this partner contribute in resources?"),
}
SCORE_LABELS = {1: "1 not at all", 2: "2 a little", 3: "3 fairly", 4: "4 a great deal"}
# Blank rows offered for new services, agreements and funding awards.
BLANK_SERVICES = 3
BLANK_AGREEMENTS = 4
BLANK_FUNDING = 4

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def form_filename(partner_id: str, *, answers: bool = False) -> str:
    """The file name of a partner's form (or of its saved answers).

    Characters a file name should not hold become ``_``.

    >>> form_filename("PCC"), form_filename("a/b c", answers=True)
    ('intake-PCC.html', 'intake-a_b_c-answers.json')
    """
    safe = _SAFE_NAME.sub("_", str(partner_id)).strip("._") or "partner"
    return f"intake-{safe}-answers.json" if answers else f"intake-{safe}.html"


def _public(d: dict[str, Any]) -> dict[str, Any]:
    """A partner as a form shows it: id, name, type, level, region; nothing else (no contacts,
    notes or websites)."""
    return {
        "id": d["id"],
        "name": d.get("name") or d["id"],
        "agency_type": d.get("agency_type_name") or d.get("agency_type_as_written") or d.get("agency_type") or "",
        "level": d.get("level") or "",
        "region": d.get("region") or "",
        "category": d.get("category") or "",
    }


def form_data(G: nx.MultiDiGraph, partner_id: str, *, roster: Roster | None = None) -> dict[str, Any]:
    """Everything the form of one partner shows, as JSON-ready data.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph.
    partner_id : str
        The respondent (an active partner of ``G``).
    roster : Roster, optional
        The roster whose role chart the form lists; by default the one ``G`` was built with.

    Raises
    ------
    UsageError
        ``partner_id`` is not an active partner of ``G``.

    Examples
    --------
    >>> import netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> [g["region"] for g in form_data(G, "TIC")["groups"]][:1]
    ['Pima County']
    """
    everyone = active_partners(G)
    if partner_id not in everyone:
        raise UsageError(f"--partner {partner_id}: no active partner has this id")
    roster = resolve_roster(G, roster)
    me = _public(everyone[partner_id])
    category_names = {c.id: c.name for c in roster.categories.values()}
    category_order = {cid: i for i, cid in enumerate(roster.categories)}

    _, service_rows = sheet_rows(G, "services")
    services = [{"service": r[1], "population": r[2] if len(r) > 2 else ""} for r in service_rows if r[0] == partner_id]

    role_header, role_rows = sheet_rows(G, "roles")
    lead_at = role_header.index("lead") if "lead" in role_header else None
    mine: dict[str, str] = {}
    for r in role_rows:
        if r[0] != partner_id:
            continue
        role = roster.match_role(r[1])
        if role is not None:
            mine[role.id] = (r[lead_at] if lead_at is not None else "") or mine.get(role.id, "")
    roles = [
        {"id": role.id, "name": role.name, "plays": role.id in mine, "lead": mine.get(role.id, "")}
        for role in roster.roles.values()
        if role.in_chart
    ]

    others = [_public(d) for pid, d in everyone.items() if pid != partner_id]
    others.sort(
        key=lambda p: (
            p["region"].casefold() or "\uffff",
            category_order.get(p["category"], len(category_order)),
            p["name"].casefold(),
        )
    )
    groups: list[dict[str, Any]] = []
    for index, p in enumerate(others):
        region = p["region"] or "No region given"
        category = category_names.get(p["category"], "Other")
        if not groups or (groups[-1]["region"], groups[-1]["category"]) != (region, category):
            groups.append({"region": region, "category": category, "partners": []})
        groups[-1]["partners"].append({**p, "index": index})

    return {
        "netmap_form": FORM_VERSION,
        "map": G.graph.get("map_id") or "",
        "partner": me,
        "others": [{k: p[k] for k in ("id", "name", "agency_type", "level", "region")} for p in others],
        "groups": groups,
        "services": services,
        "blank_services": BLANK_SERVICES,
        "roles": roles,
        "levels": list(LEVELS),
        "kinds": list(TIE_KINDS),
        "frequencies": list(FREQUENCIES),
        "scores": [
            {"key": key, "short": SCORE_QUESTIONS[key][0], "question": SCORE_QUESTIONS[key][1], "group": group}
            for group, keys in (("trust", TRUST_SCORES), ("value", VALUE_SCORES))
            for key in keys
        ],
        "score_choices": [{"value": v, "label": SCORE_LABELS[v]} for v in range(SCORE_MIN, SCORE_MAX + 1)],
        "agreement_types": list(AGREEMENT_TYPES),
        "funding_sources": list(FUNDING_SOURCES),
        "blank_agreements": BLANK_AGREEMENTS,
        "blank_funding": BLANK_FUNDING,
        "filename": form_filename(partner_id, answers=True),
    }


def _asset(name: str) -> str:
    return resources.files("netmap.render").joinpath("static", name).read_text(encoding="utf-8")


def render_form_html(data: dict[str, Any]) -> str:
    """The page of one form (:func:`form_data`), as HTML text."""
    js, css = _asset("survey_form.js"), _asset("survey_form.css")
    template = environment().get_template("survey_form.html.j2")
    # What the script needs to build the answers file: no more than the page shows.
    page = {k: data[k] for k in ("netmap_form", "map", "partner", "others", "filename")}
    return template.render(
        form=data,
        page=page,
        own_js=js,
        own_css=css,
        csp=content_security_policy([js], [css]),
    )


def write_html_forms(
    G: nx.MultiDiGraph,
    folder: str | Path,
    *,
    partners: Iterable[str] | None = None,
    force: bool = False,
    roster: Roster | None = None,
    inputs: Inputs = (),
) -> list[Path]:
    """Write one offline HTML intake form per active partner into ``folder``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph (e.g. :func:`netmap.read_graph`).
    folder : str or Path
        Where the forms go (made when missing).
    partners : iterable of str, optional
        Only these partners' forms (ids); by default every active partner's.
    force : bool
        Replace forms already there.
    roster : Roster, optional
        The roster whose role chart the forms list; by default ``G``'s own.
    inputs : sequence of (label, path)
        Files the forms are made from: never written over.

    Returns
    -------
    list of Path
        The forms written, in partner order.

    Raises
    ------
    UsageError
        An id in ``partners`` is no active partner, or a form exists and not ``force``
        (checked for every form before any is written).

    Examples
    --------
    >>> import netmap, tempfile
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> len(write_html_forms(G, tempfile.mkdtemp()))  # the active partners
    14
    """
    folder = Path(folder)
    everyone = active_partners(G)
    wanted = list(dict.fromkeys(partners)) if partners is not None else list(everyone)
    for pid in wanted:
        if pid not in everyone:
            raise UsageError(f"--partner {pid}: no active partner has this id")
    names: dict[str, str] = {}
    for pid in wanted:
        name = form_filename(pid)
        if name in names:
            raise UsageError(f"partners {names[name]!r} and {pid!r} would get the same form file {name}")
        names[name] = pid
    targets = [check_file_target(folder / form_filename(pid), inputs=inputs, force=force) for pid in wanted]
    roster = resolve_roster(G, roster)
    return [
        write_file(target, render_form_html(form_data(G, pid, roster=roster)), inputs=inputs, force=force)
        for pid, target in zip(wanted, targets, strict=True)
    ]
