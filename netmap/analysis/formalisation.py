"""Formalisation: how much of the partnership rests on written agreements.

The backed share is measured over *working* ties: a pair of leadership-team partners
counts when a ``ties`` row or a funding award links them, and it is backed when a current
agreement both are party to covers it. Signing the same agreement is not a working tie in
itself (a six-party MOU would otherwise make fifteen "backed" pairs); pairs whose only
link is a current agreement are listed apart, as ``signed_only``.

An agreement is **current** on the ``as_of`` date unless its status is expired or
terminated, or its ``expires`` date has passed. Drafts are not current either: an
unsigned MOU binds no one.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/oregon-pathways-alliance")
>>> [a["id"] for a in formalisation(G, as_of="2026-11-24").to_dict()["expiring"]]
['OA02']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.analysis._common import as_date, nodes_of, partner_graph, partners, recorded_roles, shares_cache
from netmap.build import agreement_nodes, agreement_parties
from netmap.graphcache import tables_of
from netmap.ingest.validate import Tables
from netmap.project import CURRENT, LAPSED, PLANNED, agreement_state

__all__ = ["Formalisation", "formalisation", "is_current"]


def is_current(agreement: dict[str, Any], as_of: dt.date) -> bool:
    """Whether an agreement (node attributes) binds its parties on ``as_of``
    (:func:`netmap.project.agreement_state`)."""
    return agreement_state(agreement, as_of) == CURRENT


@dataclass
class Formalisation:
    """Result of :func:`formalisation`."""

    as_of: dt.date
    within_days: int
    leadership_ties: int = 0
    leadership_ties_backed: int = 0
    unbacked_leadership_ties: list[tuple[str, str]] = field(default_factory=list)
    signed_only: list[tuple[str, str]] = field(default_factory=list)
    roles_without_agreement: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def backed_share(self) -> float | None:
        if not self.leadership_ties:
            return None
        return round(self.leadership_ties_backed / self.leadership_ties, 3)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "within_days": self.within_days,
            "leadership_ties": self.leadership_ties,
            "leadership_ties_backed": self.leadership_ties_backed,
            "backed_share": self.backed_share,
            "unbacked_leadership_ties": [list(t) for t in self.unbacked_leadership_ties],
            "signed_only_leadership_pairs": [list(t) for t in self.signed_only],
            "roles_without_agreement": self.roles_without_agreement,
            "agreements": self.agreements,
            "expired": [a for a in self.agreements if a["state"] == "expired"],
            "expiring": [a for a in self.agreements if a["state"] == "expiring"],
        }


_NONE: frozenset[str] = frozenset()  # a partner party to no current agreement


@shares_cache
def formalisation(G: nx.MultiDiGraph, *, as_of: dt.date | str | None = None, within_days: int = 90) -> Formalisation:
    """Agreements behind leadership ties, partners with roles but no agreement, expiries.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    as_of : date or ISO str, optional
        The day to judge expiry on (default today).
    within_days : int
        Agreements expiring within this many days of ``as_of`` are flagged.

    Returns
    -------
    Formalisation
        ``leadership_ties`` counts the pairs of leadership-team partners with a working
        tie (a ``ties`` row or a funding award between them); ``leadership_ties_backed``
        those of them that a current agreement both are party to covers, and
        ``backed_share`` their share (None when no leadership pair has a working tie).
        ``unbacked_leadership_ties`` lists the working pairs no current agreement covers;
        ``signed_only`` the pairs that share a current agreement and nothing else
        ("signed together, no recorded working tie"), counted in neither number.

    Examples
    --------
    Three leaders under one MOU, one of the three pairs working together:

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for p in "ABC":
    ...     G.add_node(f"Partner:{p}", label="Partner", id=p, team="leadership")
    >>> G.add_node("Agreement:M", label="Agreement", id="M", parties=["A", "B", "C"])
    >>> for p in "ABC":
    ...     _ = G.add_edge(f"Partner:{p}", "Agreement:M", key="PARTY_TO", type="PARTY_TO")
    >>> _ = G.add_edge("Partner:A", "Partner:B", key="TIED_TO:2", type="TIED_TO", _row=2)
    >>> r = formalisation(G, as_of="2026-01-01")
    >>> r.leadership_ties, r.leadership_ties_backed, r.signed_only
    (1, 1, [('A', 'C'), ('B', 'C')])
    """
    day = as_date(as_of)
    result = Formalisation(day, within_days)
    info = partners(G)
    # The current agreements of each active partner, made on a partner's first one (most of a
    # large map's partners are party to none).
    current: dict[str, set[str]] = {}
    tables = tables_of(G)
    signed = _agreements_of_rows(G, tables) if tables is not None else None
    if signed is None:
        signed = _agreements_of_graph(G)
    for d, members in signed:
        # In the order the agreement lists its parties, however the graph was put together.
        listed = {pid: i for i, pid in enumerate(d.get("parties") or ())}
        members.sort(key=lambda pid: listed.get(pid, len(listed)))
        expires = d.get("expires")
        found = agreement_state(d, day)
        if found == LAPSED:
            state = "expired"
        elif found == PLANNED:
            # Unsigned, or signed with a start still to come.
            state = "draft" if d.get("status") == "draft" else "planned"
        elif expires is not None and (expires - day).days <= within_days:
            state = "expiring"
        else:
            state = "current"
        result.agreements.append(
            {
                "id": d["id"],
                "title": d.get("title"),
                "type": d.get("type"),
                "parties": members,
                "signed": d.get("signed"),
                "expires": expires,
                "state": state,
                "days_left": (expires - day).days if expires is not None else None,
            }
        )
        if is_current(d, day):
            for pid in members:
                if pid in info:
                    found = current.get(pid)
                    if found is None:
                        found = current[pid] = set()
                    found.add(d["id"])

    P = partner_graph(G, day)
    leaders = {pid for pid, d in info.items() if d.get("team") == "leadership"}
    # The ties among leaders in P.edges() order (each once, from its end first in node
    # order), reading only the leaders' neighbours instead of every tie of the map.
    done: set[str] = set()
    for a in [p for p in P if p in leaders]:
        done.add(a)
        for b, e in P._adj[a].items():
            if b in leaders and b not in done:
                pair = (a, b) if a <= b else (b, a)
                # Both parties to the same agreement, and that agreement current today
                # (the projection may still carry lapsed ones: judge them here, not there).
                covered = bool(current.get(a, _NONE) & current.get(b, _NONE) & set(e["agreements"]))
                if e["ties"] or e["awards"]:
                    result.leadership_ties += 1
                    if covered:
                        result.leadership_ties_backed += 1
                    else:
                        result.unbacked_leadership_ties.append(pair)
                elif covered:
                    result.signed_only.append(pair)
    result.signed_only.sort()

    with_roles = recorded_roles(G)
    for pid, d in info.items():
        if pid in with_roles and not current.get(pid):
            result.roles_without_agreement.append({"id": pid, "name": d.get("name"), "team": d.get("team")})
    return result


def _agreements_of_graph(G: nx.MultiDiGraph) -> list[tuple[dict[str, Any], list[str]]]:
    """Each agreement node's attributes and the ids of its parties, in the graph's order."""
    nodes, pred = G._node, G._pred  # G.in_edges(n, data=True) read directly, in its order
    return [
        (d, [nodes[u]["id"] for u, keyed in pred[n].items() for e in keyed.values() if e.get("type") == "PARTY_TO"])
        for n, d in nodes_of(G, "Agreement").items()
    ]


def _agreements_of_rows(G: nx.MultiDiGraph, tables: Tables) -> list[tuple[dict[str, Any], list[str]]] | None:
    """:func:`_agreements_of_graph` of the graph built from ``tables``, read off the rows.

    One node per agreement id (its first row's, :func:`netmap.build.agreement_nodes`), in
    workbook order; its parties are those every row with that id names, each once, in the
    order they are first named (the order of the graph's ``PARTY_TO`` edges into it). None
    (read the graph instead) when a party is not a partner, which validation does not pass.
    """
    nodes = agreement_nodes(tables, map_id=G.graph["map_id"])
    if not nodes:
        return []
    known = partners(G, active_only=False)
    parties = agreement_parties(tables)
    if any(pid not in known for members in parties.values() for pid in members):
        return None
    return [(d, parties[aid]) for aid, d in nodes.items()]
