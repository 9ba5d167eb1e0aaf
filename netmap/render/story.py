"""The map's guided story: the analysis's headline findings as steps to present, one by one.

Present mode (``static/present.js``) walks a room through the map: an opening view of the
whole map, then one step per headline finding (the "do first" ones first, as
:attr:`netmap.analysis.Analysis.findings` orders them), then a closing view. Each step
names the partners the finding is about, so the page can zoom to them and highlight them:

- a key partner, key person or state turnover: the partner(s) (``key``) and those who
  would be cut off (``cut``), from the resilience analysis;
- the top broker (a step of its own, after the "do first" findings): the broker (``key``)
  and the partners tied to it (``tie``);
- an incomplete minimum team or a population gap: the ghosts of the missing agency types
  (``missing``, the ids :func:`netmap.render.map._ghosts` gives them) and the partners
  serving the population (``serves``);
- an expired or expiring agreement: its parties (``party``); funding lapsed or ending:
  the funded partners (``funded``); other findings: the partners they name (``key``).

Nothing is computed here: everything comes from the analysis ``a`` and the page's own
nodes and edges. A step whose partners are not on the page (a region map, ghosts turned
off) falls back to the whole map (``focus`` empty).

Examples
--------
>>> import netmap
>>> from netmap.pipeline import run
>>> from netmap.render.map import map_data
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> a = run(G, as_of="2026-11-24")
>>> steps = map_data(G, a)["story"]
>>> [s["title"] for s in steps][2:4]
['Minimum local team incomplete', 'Key partner']
>>> steps[3]["text"], steps[3]["focus"]
('Key partner: if Tucson Indian Center left, 3 partner(s) would be cut off.', ['p:TIC', 'p:DDC', 'p:MPS', 'p:SFP'])
>>> steps[3]["marks"]["p:TIC"], steps[3]["marks"]["p:DDC"]
('key', 'cut')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from netmap.analysis.findings import CODES, Finding

if TYPE_CHECKING:
    from netmap.analysis import Analysis

__all__ = ["MAX_FINDINGS", "story"]

# Finding steps at most (the broker's step counts): a room follows a handful, not fifteen.
MAX_FINDINGS = 8
# Edges that are not a tie between partners now (they never make anyone a neighbour).
_NOT_TIES = {"gap", "lapsed", "planned"}


def _p(ids: Iterable[str], role: str) -> dict[str, str]:
    return {f"p:{pid}": role for pid in ids}


def _ghost_ids(a: Analysis, wanted: Any) -> dict[str, str]:
    """The ghosts (``g:{i}``, ``i`` the index in ``a.gaps.missing``) of the missing types ``wanted`` picks."""
    return {f"g:{i}": "missing" for i, t in enumerate(a.gaps.missing) if wanted(t)}


def _marks(a: Analysis, f: Finding, region_of: dict[str, Any]) -> dict[str, str]:
    """{node id: role} of the partners (and ghosts) finding ``f`` is about; {} for the whole map."""
    code = f.code
    res = a.resilience
    marks: dict[str, str] = {}
    if code == "key-partner" and res.partners:
        key = res.partners[0]
        marks = {**_p(key["cut_off"], "cut"), **_p([key["id"]], "key")}
    elif code == "key-person" and res.people:
        person = res.people[0]
        marks = {**_p(person["cut_off"], "cut"), **_p([person["partner"]], "key")}
    elif code == "state-turnover" and res.turnover:
        turnover = res.turnover[0]
        marks = {**_p(turnover["cut_off"], "cut"), **_p(turnover["partners"], "key")}
    elif code in ("min-team-incomplete", "state-team-incomplete"):
        state = code == "state-team-incomplete"
        # The types each unmet line lacks, by name (a ghost's agency type), in its place.
        unmet = [r for r in a.gaps.minimum_teams if not r.met and (r.level == "state") == state]
        lacking = {(r.region, name) for r in unmet for name in r.parts_missing}
        marks = _ghost_ids(a, lambda t: (t.level == "state") == state and (t.region, t.agency_type) in lacking)
        if not marks:  # lines that name no type: every missing type of those places
            places = {r.region for r in unmet}
            marks = _ghost_ids(a, lambda t: (t.level == "state") == state and t.region in places)
    elif code == "population-gap":
        for gap in a.gaps.population_gaps:
            marks.update(_p(gap.served_by, "serves"))
            marks.update(_ghost_ids(a, lambda t, g=gap: t.agency_type == g.agency_type and t.region == g.region))
    elif code == "type-peripheral":
        marks = _p((p for t in a.gaps.peripheral for p in t.partners), "key")
    elif code == "role-single-partner":
        marks = _p((c.recorded[0] for c in a.roles.single_partner), "key")
    elif code == "employer-advisory-only":
        marks = _p((e["id"] for e in a.roles.advisory_only_employers), "key")
    elif code == "roles-without-agreement":
        marks = _p((r["id"] for r in a.formalisation.roles_without_agreement), "key")
    elif code in ("agreement-expired", "agreement-expiring"):
        state = "expired" if code == "agreement-expired" else "expiring"
        marks = _p((p for ag in a.formalisation.agreements if ag["state"] == state for p in ag["parties"]), "party")
    elif code == "funding-single-stream":
        marks = _p((p["id"] for p in a.funding.single_stream), "funded")
    elif code == "funding-lapsed":
        marks = _p((p["id"] for p in a.funding.lapsed), "funded")
    elif code == "funding-stream-ending":
        marks = _p((r for s in a.funding.ending for r in s["recipients"]), "funded")
    elif code == "funding-award-ending":
        ending = {s["stream"] for s in a.funding.ending}
        marks = _p((x["recipient"] for x in a.funding.ending_awards if x["stream"] not in ending), "funded")
    elif code == "state-link-missing":
        unlinked = {link["region"] for link in a.brokers.state_links if not link["linked"]}
        marks = {n: "key" for n, r in region_of.items() if r in unlinked}
    elif code == "network-split":
        parts = a.health.components
        marks = _p((p for part in parts[1:] for p in part), "cut")
        marks.update(_p(a.health.isolates, "cut"))
    elif code == "silo":
        marks = _p((p for c in a.health.communities if c["silo"] for p in c["members"]), "key")
    return marks


def _title(f: Finding) -> str:
    """A finding's step title: its code's title, as a heading ("Key partner")."""
    code = CODES.get(f.code)
    return (code.title if code else f.code.replace("-", " ")).capitalize()


def _step(title: str, text: str, todo: str, marks: dict[str, str], on_page: set[str]) -> dict[str, Any]:
    """One step; the partners not on the page are left out, and with none left, the whole map."""
    shown = {n: role for n, role in marks.items() if n in on_page}
    # The key partners first: a page zooming to a few shows them.
    focus = sorted(shown, key=lambda n: (shown[n] not in ("key", "missing"), n))
    return {"title": title, "text": text, "todo": todo, "focus": focus, "marks": shown}


def story(
    a: Analysis, nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]] = (), *, title: str = "netmap"
) -> list[dict[str, Any]]:
    """The steps of the map's guided story: an opening, one per headline finding, a closing.

    Parameters
    ----------
    a : netmap.analysis.Analysis
        The analysis the map draws; only read.
    nodes, edges : sequence of dict
        The page's nodes (``id``, ``group``, ``region``) and edges (``from``, ``to``,
        ``kind``) as :func:`netmap.render.map.map_data` makes them.
    title : str
        The map's title, the opening step's title.

    Returns
    -------
    list of dict
        Each ``{"title", "text", "todo", "focus": [node id, ...], "marks": {node id: role}}``;
        ``focus`` empty means the whole map. At most ``MAX_FINDINGS`` steps between the
        opening and the closing.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> a = NS(findings=[], do_first=[], partners_active=2, brokers=NS(rows=[]), gaps=NS(missing=[]))
    >>> [s["title"] for s in story(a, [{"id": "p:A", "group": "partner"}], title="Demo")]
    ['Demo', 'What to do first']
    """
    on_page = {n["id"] for n in nodes if n.get("group") != "caption"}
    region_of = {n["id"]: n.get("region") for n in nodes if n.get("group") == "partner"}
    findings = [f for f in a.findings if f.severity != "info"]
    high = sum(1 for f in findings if f.severity == "high")
    missing = sum(1 for n in nodes if n.get("group") == "ghost")
    steps = [
        _step(
            title,
            f"{len(region_of)} partners on this map; {high} high and {len(findings) - high} medium finding(s)"
            + (f"; {missing} missing agency type(s) shown as grey boxes" if missing else "")
            + ".",
            "Use the arrow keys to step through what the analysis found.",
            {},
            on_page,
        )
    ]
    body: list[dict[str, Any]] = []
    for f in findings:
        body.append(_step(_title(f), f.text, f.action, _marks(a, f, region_of), on_page))
    broker = _broker(a, edges, on_page)
    if broker is not None:
        # After the "do first" findings: it is a strength to use as much as a risk to watch.
        body.insert(len(a.do_first), broker)
    steps += body[:MAX_FINDINGS]
    first = a.do_first
    steps.append(
        _step(
            "What to do first",
            " ".join(f"{i}. {_title(f)}: {f.action}" for i, f in enumerate(first, start=1))
            or "No high or medium finding is open.",
            "Press Escape to leave Present mode.",
            {},
            on_page,
        )
    )
    return steps


def _broker(a: Analysis, edges: Sequence[dict[str, Any]], on_page: set[str]) -> dict[str, Any] | None:
    """The step of the partner with the highest betweenness (if any lies between others)."""
    top = next((r for r in a.brokers.rows if (r["betweenness"] or 0) > 0), None)
    if top is None:
        return None
    me = f"p:{top['id']}"
    ties = {
        e["to"] if e["from"] == me else e["from"]
        for e in edges
        if me in (e["from"], e["to"]) and e["kind"] not in _NOT_TIES
    }
    ties = {n for n in ties if n.startswith("p:")}
    name = a.names.get(top["id"]) or top.get("name") or top["id"]
    marks = {**dict.fromkeys(sorted(ties), "tie"), me: "key"}
    return _step(
        "Broker",
        f"{name} lies on more shortest paths between partners than anyone else: "
        f"{len(ties)} partner(s) are tied to it directly.",
        "Lean on this broker to connect partners, and share its load so the network does not depend on it.",
        marks,
        on_page,
    )
