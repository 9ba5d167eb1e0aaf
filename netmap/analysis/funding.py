"""Funding: who lives on which streams, how concentrated, what ends soon, who funds whom.

Funding is what is current on the analysis date: an award counts from its ``start`` to its
``end``. An award that ended is history (a partner all of whose awards ended within the
last 24 months has *lapsed* funding); one that has not started is planned.

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
from operator import itemgetter
from typing import Any

import networkx as nx

from netmap.analysis._common import as_date, edges_of, partners, resolve_roster, shares_cache
from netmap.build import funding_stream_names, slug
from netmap.graphcache import tables_of
from netmap.ingest.validate import Tables
from netmap.project import CURRENT, LAPSED, PLANNED, award_state
from netmap.roster import Roster

__all__ = ["LAPSED_WITHIN_MONTHS", "Funding", "add_months", "funding", "hhi"]

# Funding that ended within this many months is news (a lapsed-funding finding); older is history.
LAPSED_WITHIN_MONTHS = 24


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

    Past the calendar's ends (years 1 and 9999) the result is the first or last day a
    date can hold: every date in the data lies within them, so a horizon of "six months
    after 9999-12-31" holds the same awards as 9999-12-31 itself.

    >>> add_months(dt.date(2026, 8, 31), 6)
    datetime.date(2027, 2, 28)
    >>> add_months(dt.date(9999, 12, 31), 6), add_months(dt.date(1, 1, 1), -24)
    (datetime.date(9999, 12, 31), datetime.date(1, 1, 1))
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1  # floor division: negative months too
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
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
    lapsed_within_months: int = LAPSED_WITHIN_MONTHS
    partners: list[dict[str, Any]] = field(default_factory=list)
    streams: list[dict[str, Any]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    awards: list[dict[str, Any]] = field(default_factory=list)
    lapsed: list[dict[str, Any]] = field(default_factory=list)
    by_stream_category: dict[str, Any] = field(default_factory=dict)

    @property
    def single_stream(self) -> list[dict[str, Any]]:
        return [p for p in self.partners if p["streams"] == 1]

    @property
    def ending(self) -> list[dict[str, Any]]:
        """Streams whose last current award ends within ``within_months``."""
        return [s for s in self.streams if s["state"] == "ending"]

    @property
    def ending_awards(self) -> list[dict[str, Any]]:
        """Current awards that end within ``within_months`` (whatever their stream does)."""
        return [a for a in self.awards if a["state"] == CURRENT and a["ending"]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "within_months": self.within_months,
            "lapsed_within_months": self.lapsed_within_months,
            "partners": self.partners,
            "single_stream": [
                {"id": p["id"], "name": p["name"], "stream": p["stream_names"][0]} for p in self.single_stream
            ],
            "streams": self.streams,
            "ending": self.ending,
            "ending_awards": self.ending_awards,
            "lapsed": self.lapsed,
            "awards": self.awards,
            "flows": self.flows,
            "categories": self.categories,
            "by_stream_category": self.by_stream_category,
        }


@shares_cache
def funding(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    within_months: int = 6,
    lapsed_within_months: int = LAPSED_WITHIN_MONTHS,
    roster: Roster | None = None,
) -> Funding:
    """Funding dependence of the partnership on ``as_of``.

    Only awards current on the day (:func:`netmap.project.award_state`) are funding: a
    partner's streams are its current awards, concentration and the category shares are
    of current money. Ended and planned awards are listed in ``awards`` with their state.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    as_of : date or ISO str, optional
        The analysis date (default today).
    within_months : int
        A current award whose end falls within this many months of ``as_of`` is
        ending; a stream is ending when its last current award is.
    lapsed_within_months : int
        A partner whose awards all ended within this many months before ``as_of`` (and
        none is current) has lapsed funding.
    roster : Roster, optional
        Names the categories (default: the graph's own).

    Returns
    -------
    Funding
        ``partners`` (current streams, amount, HHI per funded partner, most dependent
        first), ``streams`` (current awards, total, state: active / ending / ended /
        planned, and ``ends``: the end of its last current award), ``lapsed`` (partners
        whose funding ended, with the awards and end dates), ``ending_awards``, ``flows``
        (who funds whom now), ``categories`` (each category's share of current money
        and awards) and ``awards`` (every award, with its ``state``).

    Examples
    --------
    A stream with two awards that end two years apart ends with the later one:

    >>> import datetime as dt
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for p in "AB":
    ...     _ = G.add_node(f"Partner:{p}", label="Partner", id=p, name=p)
    >>> _ = G.add_node("FundingStream:s", label="FundingStream", id="s", name="PtoP")
    >>> for award, p, end in [("F1", "A", dt.date(2027, 3, 31)), ("F2", "B", dt.date(2029, 3, 31))]:
    ...     _ = G.add_edge("FundingStream:s", f"Partner:{p}", key=award, type="FUNDS", award_id=award, end=end)
    >>> s = funding(G, as_of="2026-12-07").streams[0]
    >>> s["state"], s["ends"].isoformat()
    ('active', '2029-03-31')
    >>> [a["award_id"] for a in funding(G, as_of="2026-12-07").ending_awards]
    ['F1']
    """
    day = as_date(as_of)
    horizon = add_months(day, within_months)
    since = add_months(day, -lapsed_within_months)
    roster = resolve_roster(G, roster)
    info = partners(G, active_only=False)
    result = Funding(day, within_months, lapsed_within_months)

    awards: list[dict[str, Any]] = []
    tables = tables_of(G)
    funds = _funds_of_rows(tables, info) if tables is not None else None
    if funds is None:
        funds = _funds_of_graph(G)
    for award_id, stream_id, stream_name, recipient, d in funds:
        start, end = d.get("start"), d.get("end")
        state = award_state(d, day)  # the one rule of an award's dates (netmap.project)
        awards.append(
            {
                "award_id": award_id,
                "stream_id": stream_id,
                "stream": stream_name,
                "recipient": recipient["id"],
                "recipient_name": recipient.get("name"),
                "recipient_category": recipient.get("category"),
                "funder": d.get("funder_id"),
                "source": d.get("source"),
                "amount": d.get("amount"),
                "start": start,
                "end": end,
                "state": state,
                "ending": state == CURRENT and end is not None and end <= horizon,
                "days_left": (end - day).days if state == CURRENT and end is not None else None,
            }
        )
    awards.sort(key=itemgetter("award_id"))
    result.awards = awards

    # One pass groups the awards (in award order) by recipient and by stream, and the
    # current ones by recipient.
    current: list[dict[str, Any]] = []
    by_partner: dict[str, list[dict[str, Any]]] = {}
    every_by_partner: dict[str, list[dict[str, Any]]] = {}
    by_stream: dict[str, list[dict[str, Any]]] = {}
    for a in awards:
        pid = a["recipient"]
        found = every_by_partner.get(pid)
        if found is None:
            every_by_partner[pid] = [a]
        else:
            found.append(a)
        found = by_stream.get(a["stream_id"])
        if found is None:
            by_stream[a["stream_id"]] = [a]
        else:
            found.append(a)
        if a["state"] == CURRENT:
            current.append(a)
            found = by_partner.get(pid)
            if found is None:
                by_partner[pid] = [a]
            else:
                found.append(a)
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

    # Lapsed: no current award, and the last one ended within the window (older history
    # is not news). A planned award is named: the gap may already be bridged.
    for pid, mine in every_by_partner.items():
        if pid in by_partner:
            continue
        ended = [a for a in mine if a["state"] == LAPSED and a["end"] is not None]
        if not ended or max(a["end"] for a in ended) < since:
            continue
        result.lapsed.append(
            {
                "id": pid,
                "name": info.get(pid, {}).get("name"),
                "ended": max(a["end"] for a in ended),
                "awards": [
                    {"award_id": a["award_id"], "stream": a["stream"], "end": a["end"]}
                    for a in sorted(ended, key=lambda a: (a["end"], a["award_id"]))
                ],
                "planned": [
                    {"award_id": a["award_id"], "stream": a["stream"], "start": a["start"]}
                    for a in mine
                    if a["state"] == PLANNED
                ],
            }
        )
    result.lapsed.sort(key=lambda p: (-p["ended"].toordinal(), str(p["name"])))

    for sid, mine in by_stream.items():
        live = [a for a in mine if a["state"] == CURRENT]
        if live:
            ends = [a["end"] for a in live]
            # A stream runs until its last current award ends (open-ended: no end).
            when = None if None in ends else max(ends)
            state = "ending" if when is not None and when <= horizon else "active"
        elif any(a["state"] == PLANNED for a in mine):
            state, when = "planned", None
        else:
            ended = [a["end"] for a in mine if a["end"] is not None]
            state, when = "ended", max(ended) if ended else None
        amounts = [a["amount"] for a in live if a["amount"] is not None]
        result.streams.append(
            {
                "id": sid,
                "stream": mine[0]["stream"],
                "awards": len(live),
                "awards_all": len(mine),
                "recipients": sorted({a["recipient"] for a in live}),
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
        for a in current
        if a["funder"]
    ]

    total_amount = sum(a["amount"] or 0.0 for a in current)
    cats: dict[str, dict[str, float]] = {}
    for a in current:
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
            "award_share": round(e["awards"] / len(current), 3),
        }
        for c, e in sorted(cats.items(), key=lambda kv: -kv[1]["amount"])
    ]
    result.by_stream_category = _by_stream_category(current)
    return result


# An award as the analysis reads it: award id, stream id and name, recipient's node, the award's data.
_Fund = tuple[Any, str, str, dict[str, Any], dict[str, Any]]


def _funds_of_graph(G: nx.MultiDiGraph) -> list[_Fund]:
    """The ``FUNDS`` edges of ``G``, in its order."""
    nodes = G._node  # the node dicts themselves: G.nodes[...] makes a view per lookup
    out: list[_Fund] = []
    for u, v, d in edges_of(G, "FUNDS"):
        stream = nodes[u]
        out.append((d["award_id"], stream["id"], stream["name"], nodes[v], d))
    return out


def _funds_of_rows(tables: Tables, info: dict[str, dict[str, Any]]) -> list[_Fund] | None:
    """:func:`_funds_of_graph` of the graph built from ``tables``, read off the rows.

    Each ``funding`` row is one ``FUNDS`` edge from its stream's node (named by the stream's
    first row, :func:`netmap.build.funding_stream_names`) to its recipient's, carrying the
    row's dates, amount, source and funder. In row order, not the graph's: the caller sorts
    the awards by id, which puts them in one order whatever order they came in as long as no
    two share an id. None (read the graph instead) when two do, or a recipient is not a
    partner (``info``: every partner's node), which validation does not pass.
    """
    rows = tables["funding"]
    if not rows:
        return []
    if len({f["id"] for f in rows}) != len(rows):
        return None
    names = funding_stream_names(tables)
    out: list[_Fund] = []
    for f in rows:
        recipient = info.get(f["recipient_id"])
        if recipient is None:
            return None
        sid = slug(f["stream"])
        out.append((f["id"], sid, names[sid], recipient, f))
    return out


def _by_stream_category(current: list[dict[str, Any]]) -> dict[str, Any]:
    """Current money per stream split by the recipients' categories (the report's chart).

    Amounts when any current award has one (awards without are counted in ``unpriced``),
    else award counts; streams largest first.
    """
    by_amount = any(a["amount"] is not None for a in current)
    totals: dict[str, dict[str | None, float]] = {}
    for a in current:
        cats = totals.setdefault(a["stream"], {})
        cat = a["recipient_category"]
        cats[cat] = cats.get(cat, 0.0) + ((a["amount"] or 0.0) if by_amount else 1.0)
    streams = sorted(totals, key=lambda s: (-sum(totals[s].values()), s))
    return {
        "basis": "amount" if by_amount else "count",
        "unpriced": sum(1 for a in current if a["amount"] is None) if by_amount else 0,
        "streams": [
            {"stream": s, "total": round(sum(totals[s].values()), 2), "by_category": totals[s]} for s in streams
        ],
    }
