"""Change over time: what changed between two snapshots of a partnership.

Partners are matched by id (a partner with the same id and a new name is *renamed*, not
lost and gained); ties by their two partners and kind; agreements and funding awards by
id. Everything the analysis says is compared through the analyses of both snapshots,
judged on the same day and against the same roster: roster gaps, population gaps, role
gaps (uncovered and single-partner roles), current funding streams (per stream and per
partner), agreements that stopped or started being current, brokers, cut points and the
readiness scorecard condition by condition.

Examples
--------
>>> import copy, netmap
>>> old = netmap.read_graph("examples/tucson-behavioral-health")
>>> new = copy.deepcopy(old)
>>> new.remove_node("Partner:PCC")
>>> d = diff(old, new, as_of="2026-07-01")
>>> [p["id"] for p in d.partners_lost]
['PCC']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis import Analysis, analyze, region_view
from netmap.analysis._common import as_date, partners, resolve_roster
from netmap.graphcache import cached, edges_of
from netmap.roster import Roster

__all__ = ["Diff", "diff"]

# Agreement states (formalisation) that bind the parties on the day judged.
AGREEMENT_CURRENT = frozenset({"current", "expiring"})
# Stream states (funding) in which no award of the stream runs on the day judged; any other
# state (active, ending, ...) is a current stream.
STREAM_NOT_CURRENT = frozenset({"ended", "lapsed", "expired", "planned", "future", "draft"})


@dataclass
class Diff:
    """Result of :func:`diff`: lists of what was gained, lost and changed."""

    as_of: dt.date
    partners_gained: list[dict[str, Any]] = field(default_factory=list)
    partners_lost: list[dict[str, Any]] = field(default_factory=list)
    partners_renamed: list[dict[str, Any]] = field(default_factory=list)
    partners_changed: list[dict[str, Any]] = field(default_factory=list)
    ties_gained: list[dict[str, Any]] = field(default_factory=list)
    ties_lost: list[dict[str, Any]] = field(default_factory=list)
    agreements_gained: list[dict[str, Any]] = field(default_factory=list)
    agreements_lost: list[dict[str, Any]] = field(default_factory=list)
    funding_gained: list[dict[str, Any]] = field(default_factory=list)
    funding_lost: list[dict[str, Any]] = field(default_factory=list)
    gaps_closed: list[dict[str, Any]] = field(default_factory=list)
    gaps_opened: list[dict[str, Any]] = field(default_factory=list)
    population_gaps_closed: list[dict[str, Any]] = field(default_factory=list)
    population_gaps_opened: list[dict[str, Any]] = field(default_factory=list)
    role_gaps_closed: list[dict[str, Any]] = field(default_factory=list)
    role_gaps_opened: list[dict[str, Any]] = field(default_factory=list)
    streams_lapsed: list[dict[str, Any]] = field(default_factory=list)
    streams_new: list[dict[str, Any]] = field(default_factory=list)
    partner_streams_lapsed: list[dict[str, Any]] = field(default_factory=list)
    partner_streams_new: list[dict[str, Any]] = field(default_factory=list)
    agreements_expired: list[dict[str, Any]] = field(default_factory=list)
    agreements_renewed: list[dict[str, Any]] = field(default_factory=list)
    brokers_risen: list[dict[str, Any]] = field(default_factory=list)
    brokers_fallen: list[dict[str, Any]] = field(default_factory=list)
    cut_points_gained: list[dict[str, Any]] = field(default_factory=list)
    cut_points_lost: list[dict[str, Any]] = field(default_factory=list)
    scorecard: list[dict[str, Any]] = field(default_factory=list)
    # The roster both snapshots were judged against (renderers name types and roles with it).
    roster: Roster | None = field(default=None, repr=False)
    # What a view says about the two snapshots, recorded here so that it computes nothing:
    # their map ids and active partners, the names of every partner (the later name wins),
    # the region compared (None: the whole map) and the options of the comparison.
    snapshots: dict[str, Any] = field(default_factory=dict, repr=False)

    def _lists(self) -> dict[str, list[dict[str, Any]]]:
        return {k: v for k, v in self.__dict__.items() if k not in ("as_of", "roster", "scorecard", "snapshots")}

    @property
    def changed(self) -> bool:
        return any(self._lists().values()) or any(_moved(c) for c in self.scorecard)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "roster": self.roster.name if self.roster is not None else None,
            "changed": self.changed,
        }
        out.update(self._lists())
        out["scorecard"] = self.scorecard
        return out


def _moved(condition: dict[str, Any]) -> bool:
    """A condition whose score or rating differs between the snapshots."""
    return bool(condition.get("change")) or condition.get("old_rating") != condition.get("new_rating")


def _partners(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for _, d in G.nodes(data=True) if d.get("label") == "Partner"}


def _summary(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in ("id", "name", "agency_type_name", "region", "team", "status")}


def _ties(G: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    # Once per snapshot within an analysis cache (a history compares each snapshot twice).
    return cached(G, "diff-ties", lambda: _tie_index(G))


def _tie_index(G: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    out = {}
    # The edge index (one pass over the map, shared within an analysis cache), not a scan of every edge.
    for u, v, d in edges_of(G, "TIED_TO"):
        a, b = G.nodes[u]["id"], G.nodes[v]["id"]
        # Undirected ties are the same tie whichever way the row was written.
        ends = (a, b) if d.get("directed") else tuple(sorted((a, b)))
        out[(*ends, d.get("kind") or "collaboration")] = {
            "source": ends[0],
            "target": ends[1],
            "kind": d.get("kind"),
        }
    return out


def _agreements(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {
        d["id"]: {"id": d["id"], "title": d.get("title"), "parties": list(d.get("parties") or [])}
        for _, d in G.nodes(data=True)
        if d.get("label") == "Agreement"
    }


def _awards(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {
        d["award_id"]: {
            "id": d["award_id"],
            "stream": G.nodes[u].get("name"),
            "recipient": G.nodes[v]["id"],
            "amount": d.get("amount"),
        }
        for u, v, d in edges_of(G, "FUNDS")
    }


def _gained_lost(old: dict, new: dict) -> tuple[list, list]:
    return [new[k] for k in new if k not in old], [old[k] for k in old if k not in new]


def _population_gaps(a: Analysis) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {
        (g["population_id"], g["region"], g["agency_type_id"]): g for g in a.gaps.to_dict().get("population_gaps", [])
    }


def _role_gaps(a: Analysis) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, list[str]]]:
    """(gap kind, role id) -> the role's gap, and role id -> the partners performing it."""
    d = a.roles.to_dict()
    who = {c["role_id"]: list(c.get("recorded_by") or []) for c in d.get("coverage", [])}
    gaps = {("uncovered", r["role_id"]): r for r in d.get("uncovered", [])}
    gaps.update({("single_partner", r["role_id"]): r for r in d.get("single_partner", [])})
    return gaps, who


def _role_changes(old: Analysis, new: Analysis) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    g_old, who_old = _role_gaps(old)
    g_new, who_new = _role_gaps(new)

    def row(key: tuple[str, str], r: dict[str, Any]) -> dict[str, Any]:
        return {
            "role_id": key[1],
            "role": r["role"],
            "gap": key[0],
            "partners_before": who_old.get(key[1], []),
            "partners_now": who_new.get(key[1], []),
        }

    return (
        [row(k, r) for k, r in g_old.items() if k not in g_new],
        [row(k, r) for k, r in g_new.items() if k not in g_old],
    )


def _stream_changes(old: Analysis, new: Analysis) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Streams current in one snapshot and not in the other (ended there, or not listed).

    Read from the funding results' ``streams`` and their ``state`` only, so whatever the
    funding analysis counts as current is what is compared here.
    """

    def current(a: Analysis) -> dict[str, dict[str, Any]]:
        streams = a.funding.to_dict().get("streams", [])
        return {s["id"]: s for s in streams if s.get("state") not in STREAM_NOT_CURRENT}

    def states(a: Analysis) -> dict[str, Any]:
        return {s["id"]: s.get("state") for s in a.funding.to_dict().get("streams", [])}

    c_old, c_new = current(old), current(new)
    s_old, s_new = states(old), states(new)

    def row(s: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": s["id"],
            "stream": s.get("stream"),
            "old_state": s_old.get(s["id"]),
            "new_state": s_new.get(s["id"]),
            "recipients": list(s.get("recipients") or []),
        }

    return [row(s) for k, s in c_old.items() if k not in c_new], [row(s) for k, s in c_new.items() if k not in c_old]


def _partner_stream_changes(old: Analysis, new: Analysis) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(partner, stream) pairs listed in one snapshot's funding and not the other's.

    A partner's streams are what the funding analysis lists as its ``stream_names`` (its
    current awards, DESIGN section 5b).
    """

    def pairs(a: Analysis) -> dict[tuple[str, str], dict[str, Any]]:
        return {
            (p["id"], s): {"id": p["id"], "name": p.get("name"), "stream": s}
            for p in a.funding.to_dict().get("partners", [])
            for s in p.get("stream_names") or []
        }

    new_pairs, lapsed = _gained_lost(pairs(old), pairs(new))
    return lapsed, new_pairs


def _agreement_changes(old: Analysis, new: Analysis) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Agreements current in the old snapshot and not in the new, and the other way round.

    An agreement current in both whose ``expires`` moved later was renewed before it lapsed,
    and is listed as renewed too.
    """
    a_old = {a["id"]: a for a in old.formalisation.to_dict().get("agreements", [])}
    a_new = {a["id"]: a for a in new.formalisation.to_dict().get("agreements", [])}

    def row(key: str) -> dict[str, Any]:
        before, after = a_old.get(key, {}), a_new.get(key, {})
        either = after or before
        return {
            "id": key,
            "title": either.get("title"),
            "parties": list(either.get("parties") or []),
            "old_state": before.get("state"),
            "new_state": after.get("state"),
            "old_expires": before.get("expires"),
            "new_expires": after.get("expires"),
        }

    def is_current(a: dict[str, Any]) -> bool:
        return a.get("state") in AGREEMENT_CURRENT

    expired = [row(k) for k, a in a_old.items() if is_current(a) and not is_current(a_new.get(k, {}))]
    renewed = []
    for k, a in a_new.items():
        before = a_old.get(k, {})
        if not is_current(a):
            continue
        extended = (
            is_current(before)
            and before.get("expires") is not None
            and (a.get("expires") is None or a["expires"] > before["expires"])
        )
        if not is_current(before) or extended:
            renewed.append(row(k))
    return expired, renewed


def _analysis(whole: nx.MultiDiGraph, view: nx.MultiDiGraph, region: str | None, **options: Any) -> Analysis:
    """A snapshot analysed as the report analyses one region: ``analyze(G, region=...)`` when
    the snapshot has the region (so both sides are judged alike), else its view."""
    if region is not None and any(d.get("region") == region for d in partners(whole, active_only=False).values()):
        return analyze(whole, region=region, **options)
    return analyze(view, **options)


def diff(
    old: nx.MultiDiGraph,
    new: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    seed: int | None = 0,
    top: int = 10,
    roster: Roster | None = None,
    region: str | None = None,
    old_analysis: Analysis | None = None,
    new_analysis: Analysis | None = None,
) -> Diff:
    """Compare two snapshots of a partnership.

    Parameters
    ----------
    old, new : networkx.MultiDiGraph
        Netmap graphs (workbooks or stored maps). Not modified.
    as_of : date or ISO str, optional
        The day both are judged on (agreements, funding); default today.
    seed : int, optional
        Seed of sampled betweenness.
    top : int
        A broker has *risen* when it is in the new top ``top`` by betweenness and was not in
        the old one, *fallen* the other way round.
    roster : Roster, optional
        The roster both snapshots are judged against. Default: the one the later snapshot
        was built with (one roster for both, so a gap never opens because the yardstick moved).

    Returns
    -------
    Diff
        ``to_dict()`` has ``roster`` (its name), ``partners_gained``, ``partners_lost``,
        ``partners_renamed``, ``partners_changed``, ``ties_gained``, ``ties_lost``,
        ``agreements_gained``, ``agreements_lost``, ``funding_gained``, ``funding_lost``
        (awards by id); ``gaps_closed`` and ``gaps_opened`` (roster types missing);
        ``population_gaps_closed`` and ``population_gaps_opened``; ``role_gaps_closed`` and
        ``role_gaps_opened`` (``gap`` is ``uncovered`` or ``single_partner``);
        ``streams_lapsed`` and ``streams_new`` (streams current in one snapshot only),
        ``partner_streams_lapsed`` and ``partner_streams_new`` (a partner's streams);
        ``agreements_expired`` (current before, not now) and ``agreements_renewed``
        (current now, and not before or to a later ``expires``); ``brokers_risen``,
        ``brokers_fallen``, ``cut_points_gained``, ``cut_points_lost``; and ``scorecard``
        (per condition: old and new score and rating, and the change).
    """
    day = as_date(as_of)
    roster = resolve_roster(new, roster)
    whole_old, whole_new = old, new
    old, new = region_view(old, region), region_view(new, region)
    result = Diff(day, roster=roster)
    p_all_old, p_all_new = partners(old, active_only=False), partners(new, active_only=False)
    result.snapshots = {
        "old_map": str(old.graph.get("map_id") or "netmap"),
        "new_map": str(new.graph.get("map_id") or "netmap"),
        "old_active": len(partners(old)),
        "new_active": len(partners(new)),
        "names": {
            **{k: d.get("name") or k for k, d in p_all_old.items()},
            **{k: d.get("name") or k for k, d in p_all_new.items()},
        },
        "region": region,
        "seed": seed,
        "top": top,
    }
    p_old, p_new = _partners(old), _partners(new)
    result.partners_gained = [_summary(p_new[k]) for k in p_new if k not in p_old]
    result.partners_lost = [_summary(p_old[k]) for k in p_old if k not in p_new]
    for pid in (k for k in p_new if k in p_old):
        before, after = p_old[pid], p_new[pid]
        if before.get("name") != after.get("name"):
            result.partners_renamed.append({"id": pid, "old_name": before.get("name"), "new_name": after.get("name")})
        changes = {
            k: {"old": before.get(k), "new": after.get(k)}
            for k in ("agency_type", "level", "region", "team", "status")
            if before.get(k) != after.get(k)
        }
        if changes:
            result.partners_changed.append({"id": pid, "name": after.get("name"), "changes": changes})
    result.ties_gained, result.ties_lost = _gained_lost(_ties(old), _ties(new))
    result.agreements_gained, result.agreements_lost = _gained_lost(_agreements(old), _agreements(new))
    result.funding_gained, result.funding_lost = _gained_lost(_awards(old), _awards(new))

    # An analysis already made of the same snapshot, day and roster (the report's) is reused.
    a_old = old_analysis or _analysis(whole_old, old, region, roster=roster, as_of=day, seed=seed)
    a_new = new_analysis or _analysis(whole_new, new, region, roster=roster, as_of=day, seed=seed)
    missing_old = {(t.level, t.region, t.agency_type_id): t for t in a_old.gaps.missing}
    missing_new = {(t.level, t.region, t.agency_type_id): t for t in a_new.gaps.missing}

    def gap(t: Any) -> dict[str, Any]:
        return {"level": t.level, "region": t.region, "agency_type": t.agency_type, "category": t.category}

    result.gaps_closed = [gap(t) for k, t in missing_old.items() if k not in missing_new]
    result.gaps_opened = [gap(t) for k, t in missing_new.items() if k not in missing_old]
    result.population_gaps_opened, result.population_gaps_closed = _gained_lost(
        _population_gaps(a_old), _population_gaps(a_new)
    )
    result.role_gaps_closed, result.role_gaps_opened = _role_changes(a_old, a_new)
    result.streams_lapsed, result.streams_new = _stream_changes(a_old, a_new)
    result.partner_streams_lapsed, result.partner_streams_new = _partner_stream_changes(a_old, a_new)
    result.agreements_expired, result.agreements_renewed = _agreement_changes(a_old, a_new)

    def ranking(a: Any) -> dict[str, dict[str, Any]]:
        rows = a.brokers.to_dict()["brokers"]
        return {r["id"]: {"rank": i, **r} for i, r in enumerate(rows[:top], start=1)}

    b_old, b_new = ranking(a_old), ranking(a_new)
    result.brokers_risen = [
        {"id": k, "name": r["name"], "rank": r["rank"], "betweenness": r["betweenness"]}
        for k, r in b_new.items()
        if k not in b_old
    ]
    result.brokers_fallen = [
        {"id": k, "name": r["name"], "old_rank": r["rank"], "still_partner": k in p_new}
        for k, r in b_old.items()
        if k not in b_new
    ]
    cut_old = a_old.brokers.to_dict()["articulation_points"]
    cut_new = a_new.brokers.to_dict()["articulation_points"]
    names = {**a_old.names, **a_new.names}
    result.cut_points_gained = [{"id": k, "name": names.get(k)} for k in cut_new if k not in cut_old]
    result.cut_points_lost = [
        {"id": k, "name": names.get(k), "still_partner": k in p_new} for k in cut_old if k not in cut_new
    ]
    s_old = {c["id"]: c for c in a_old.scorecard.to_dict()["conditions"]}
    s_new = a_new.scorecard.to_dict()["conditions"]
    # A condition the later snapshot no longer scores still shows, with no new score.
    gone = [{"id": k, "name": c["name"]} for k, c in s_old.items() if k not in {c["id"] for c in s_new}]
    for c in [*s_new, *gone]:
        before = s_old.get(c["id"], {})
        old_score, new_score = before.get("score"), c.get("score")
        change = None if old_score is None or new_score is None else round(new_score - old_score, 1)
        result.scorecard.append(
            {
                "id": c["id"],
                "name": c["name"],
                "old_score": old_score,
                "new_score": new_score,
                "old_rating": before.get("rating"),
                "new_rating": c.get("rating"),
                "change": change,
            }
        )
    return result
