"""Funding: who lives on which streams, how concentrated, what ends soon, who funds whom.

Concentration is the Herfindahl-Hirschman index of a partner's funding across
streams: the sum of squared shares, 1.0 for a single stream. Shares are of amounts
when every award to the partner has one, else of award counts (``hhi_basis`` says
which).

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> result = funding(G, as_of="2026-11-24")
>>> all(0 < p["hhi"] <= 1 for p in result.to_dict()["partners"])
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis._common import as_date, edges_of, partners, resolve_roster, shares_cache

__all__ = ["Funding", "add_months", "funding", "hhi"]


def hhi(values: list[float]) -> float | None:
    """Herfindahl-Hirschman index of a list of non-negative amounts.

    >>> hhi([1, 1]), hhi([3]), hhi([])
    (0.5, 1.0, None)
    """
    total = sum(values)
    if not values or total <= 0:
        return None
    return round(sum((v / total) ** 2 for v in values), 6)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's end.

    >>> add_months(dt.date(2026, 8, 31), 6)
    datetime.date(2027, 2, 28)
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


@dataclass
class Funding:
    """Result of :func:`funding`."""

    as_of: dt.date
    within_months: int
    partners: list[dict[str, Any]] = field(default_factory=list)
    streams: list[dict[str, Any]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)

    @property
    def single_stream(self) -> list[dict[str, Any]]:
        return [p for p in self.partners if p["streams"] == 1]

    @property
    def ending(self) -> list[dict[str, Any]]:
        return [s for s in self.streams if s["state"] == "ending"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "within_months": self.within_months,
            "partners": self.partners,
            "single_stream": [
                {"id": p["id"], "name": p["name"], "stream": p["stream_names"][0]} for p in self.single_stream
            ],
            "streams": self.streams,
            "ending": self.ending,
            "flows": self.flows,
            "categories": self.categories,
        }


@shares_cache
def funding(G: nx.MultiDiGraph, *, as_of: dt.date | str | None = None, within_months: int = 6) -> Funding:
    """Funding dependence of the partnership.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    as_of : date or ISO str, optional
        The day to judge "ending" on (default today).
    within_months : int
        Awards whose end falls within this many months of ``as_of`` are "ending".

    Returns
    -------
    Funding
        ``partners`` (streams, amount, HHI per funded partner, most dependent first),
        ``streams`` (awards, total, state: active / ending / ended), ``flows`` (who
        funds whom), ``categories`` (each category's share of the money and awards).
    """
    day = as_date(as_of)
    horizon = add_months(day, within_months)
    roster = resolve_roster(G, None)
    info = partners(G, active_only=False)
    result = Funding(day, within_months)

    awards: list[dict[str, Any]] = []
    nodes = G._node  # the node dicts themselves: G.nodes[...] makes a view per lookup
    for u, v, d in edges_of(G, "FUNDS"):
        stream = nodes[u]
        awards.append(
            {
                "award_id": d["award_id"],
                "stream_id": stream["id"],
                "stream": stream["name"],
                "recipient": nodes[v]["id"],
                "funder": d.get("funder_id"),
                "source": d.get("source"),
                "amount": d.get("amount"),
                "start": d.get("start"),
                "end": d.get("end"),
            }
        )
    awards.sort(key=lambda a: a["award_id"])

    by_partner: dict[str, list[dict[str, Any]]] = {}
    for a in awards:
        by_partner.setdefault(a["recipient"], []).append(a)
    for pid, mine in by_partner.items():
        streams: dict[str, float] = {}
        counts: dict[str, int] = {}
        for a in mine:
            streams[a["stream"]] = streams.get(a["stream"], 0.0) + (a["amount"] or 0.0)
            counts[a["stream"]] = counts.get(a["stream"], 0) + 1
        by_amount = all(a["amount"] is not None for a in mine) and sum(streams.values()) > 0
        result.partners.append(
            {
                "id": pid,
                "name": info.get(pid, {}).get("name"),
                "category": info.get(pid, {}).get("category"),
                "streams": len(streams),
                "stream_names": sorted(streams),
                "awards": len(mine),
                "amount": round(sum(streams.values()), 2) if by_amount else None,
                "hhi": hhi(list(streams.values()) if by_amount else [float(c) for c in counts.values()]),
                "hhi_basis": "amount" if by_amount else "count",
            }
        )
    result.partners.sort(key=lambda p: (-(p["hhi"] or 0), p["streams"], str(p["name"])))

    by_stream: dict[str, list[dict[str, Any]]] = {}
    for a in awards:
        by_stream.setdefault(a["stream_id"], []).append(a)
    for sid, mine in by_stream.items():
        ends = [a["end"] for a in mine if a["end"] is not None]
        soon = sorted(e for e in ends if day <= e <= horizon)
        if soon:
            state, when = "ending", soon[0]  # an award ends within the horizon
        elif ends and len(ends) == len(mine) and max(ends) < day:
            state, when = "ended", max(ends)
        else:
            state, when = "active", max(ends) if ends and len(ends) == len(mine) else None
        amounts = [a["amount"] for a in mine if a["amount"] is not None]
        result.streams.append(
            {
                "id": sid,
                "stream": mine[0]["stream"],
                "awards": len(mine),
                "recipients": sorted({a["recipient"] for a in mine}),
                "sources": sorted({a["source"] for a in mine if a["source"]}),
                "amount": round(sum(amounts), 2) if amounts else None,
                "ends": when,
                "state": state,
            }
        )

    result.flows = [
        {
            "funder": a["funder"],
            "funder_name": info.get(a["funder"], {}).get("name"),
            "recipient": a["recipient"],
            "recipient_name": info.get(a["recipient"], {}).get("name"),
            "stream": a["stream"],
            "amount": a["amount"],
        }
        for a in awards
        if a["funder"]
    ]

    total_amount = sum(a["amount"] or 0.0 for a in awards)
    cats: dict[str, dict[str, float]] = {}
    for a in awards:
        cat = info.get(a["recipient"], {}).get("category")
        entry = cats.setdefault(cat, {"amount": 0.0, "awards": 0})
        entry["amount"] += a["amount"] or 0.0
        entry["awards"] += 1
    result.categories = [
        {
            "category": roster.categories[c].name if c in roster.categories else c,
            "amount": round(e["amount"], 2),
            "amount_share": round(e["amount"] / total_amount, 3) if total_amount else None,
            "awards": int(e["awards"]),
            "award_share": round(e["awards"] / len(awards), 3),
        }
        for c, e in sorted(cats.items(), key=lambda kv: -kv[1]["amount"])
    ]
    return result
