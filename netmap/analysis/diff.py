"""Change over time: what changed between two snapshots of a partnership.

Partners are matched by id (a partner with the same id and a new name is *renamed*, not
lost and gained); ties by their two partners and kind; agreements and funding awards by
id. Roster gaps, brokers and the readiness scorecard are compared through the analyses of
both snapshots, judged on the same day.

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

from netmap.analysis import analyze
from netmap.analysis._common import as_date

__all__ = ["Diff", "diff"]


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
    brokers_risen: list[dict[str, Any]] = field(default_factory=list)
    brokers_fallen: list[dict[str, Any]] = field(default_factory=list)
    scorecard: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(v for k, v in self.__dict__.items() if k not in ("as_of", "scorecard")) or any(
            c["change"] for c in self.scorecard
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"as_of": self.as_of.isoformat(), "changed": self.changed}
        out.update({k: v for k, v in self.__dict__.items() if k != "as_of"})
        return out


def _partners(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for _, d in G.nodes(data=True) if d.get("label") == "Partner"}


def _summary(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in ("id", "name", "agency_type_name", "region", "team", "status")}


def _ties(G: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    out = {}
    for u, v, d in G.edges(data=True):
        if d.get("type") == "TIED_TO":
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
        for u, v, d in G.edges(data=True)
        if d.get("type") == "FUNDS"
    }


def _gained_lost(old: dict, new: dict) -> tuple[list, list]:
    return [new[k] for k in new if k not in old], [old[k] for k in old if k not in new]


def diff(
    old: nx.MultiDiGraph,
    new: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    seed: int | None = 0,
    top: int = 10,
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

    Returns
    -------
    Diff
        ``to_dict()`` has ``partners_gained``, ``partners_lost``, ``partners_renamed``,
        ``ties_gained``, ``ties_lost``, ..., ``gaps_closed``, ``gaps_opened``,
        ``brokers_risen``, ``brokers_fallen`` and ``scorecard`` (score per condition, old
        and new).
    """
    day = as_date(as_of)
    result = Diff(day)
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

    a_old = analyze(old, as_of=day, seed=seed)
    a_new = analyze(new, as_of=day, seed=seed)
    missing_old = {(t.level, t.region, t.agency_type_id): t for t in a_old.gaps.missing}
    missing_new = {(t.level, t.region, t.agency_type_id): t for t in a_new.gaps.missing}

    def gap(t: Any) -> dict[str, Any]:
        return {"level": t.level, "region": t.region, "agency_type": t.agency_type, "category": t.category}

    result.gaps_closed = [gap(t) for k, t in missing_old.items() if k not in missing_new]
    result.gaps_opened = [gap(t) for k, t in missing_new.items() if k not in missing_old]

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
    s_old = {c["id"]: c for c in a_old.scorecard.to_dict()["conditions"]}
    for c in a_new.scorecard.to_dict()["conditions"]:
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
