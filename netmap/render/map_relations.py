"""What the map's page reads of a map's relationships, from its graph or from its rows.

The page's tooltips name each partner's roles, agreements, funders and (on request) contacts,
and its edges add funding arrows, tie directions and the faint lapsed or planned ties
(:mod:`netmap.render.map`). :func:`relations` gathers those relationships once, in the order
the graph lists its edges (``G.edges``), either by reading the graph or, for a graph whose
rows are attached (:func:`netmap.graphcache.tables_of`: ``netmap report`` and ``netmap map``
of a whole workbook), by reading the rows the graph would be built from, so that a state
map's page is drawn without building its multigraph (issue 24). Both give the same lists,
item for item (tests/render/test_map_relations.py).

Examples
--------
>>> import netmap, datetime as dt
>>> from netmap.analysis._common import partners
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> r = relations(G, partners(G), dt.date(2026, 11, 24), contacts=False)
>>> sorted({role for _, role in r.roles})[:2]
['Advise (advisory committee)', 'Assess skills']
"""

from __future__ import annotations

import datetime as dt
from itertools import compress
from typing import Any, NamedTuple

import networkx as nx

from netmap.analysis._common import edges_of
from netmap.graphcache import tables_of
from netmap.project import CURRENT, award_state, current_edges, span_state, tie_state
from netmap.roster import slug

__all__ = ["Relations", "relations"]


class Relations(NamedTuple):
    """A map's relationships as its page reads them, each list in ``G.edges`` order.

    Partners are named by id. ``ties`` holds only the ties rows the page draws more than
    the projection of: directed ones (an arrow) and those not current on the day (a faint
    edge or a tooltip line), between two partners at the table.
    """

    roles: list[tuple[str, str]]  # (partner, role name): one per PERFORMS edge
    parties: list[tuple[str, dict[str, Any]]]  # (partner, agreement node attributes): PARTY_TO
    funds: list[tuple[str, str, dict[str, Any]]]  # (stream name, recipient, award): FUNDS
    funds_now: list[tuple[str, str, dict[str, Any]]]  # those current on the day
    contacts: list[tuple[dict[str, Any], str]]  # (person attributes, partner): WORKS_AT
    ties: list[tuple[str, str, dict[str, Any]]]  # (source, target, row): TIED_TO, see above


def relations(view: nx.MultiDiGraph, info: dict[str, dict[str, Any]], day: dt.date, *, contacts: bool) -> Relations:
    """The relationships of ``view`` its page reads (see :class:`Relations`).

    ``info`` holds the partners at the table (id -> attributes); ``contacts`` whether the
    page names contacts (else that list is empty). From the rows when ``view`` has them
    attached and they hold no repeated agreement or award id (which validation refuses);
    from the graph otherwise.
    """
    tables = tables_of(view)
    if tables is not None:
        found = _from_rows(tables, view.graph.get("map_id"), info, day, contacts)
        if found is not None:
            return found
    return _from_graph(view, info, day, contacts)


def _wanted(data: dict[str, Any], day: dt.date) -> bool:
    """Whether the page reads this tie: directed, or not current on ``day``."""
    return bool(data.get("directed")) or tie_state(data, day) != CURRENT


def _from_graph(view: nx.MultiDiGraph, info: dict[str, Any], day: dt.date, contacts: bool) -> Relations:
    nodes = view.nodes
    funds = [(nodes[u]["name"], nodes[v]["id"], e) for u, v, e in edges_of(view, "FUNDS")]
    ties = []
    for u, v, e in edges_of(view, "TIED_TO"):
        if _wanted(e, day):
            a, b = nodes[u]["id"], nodes[v]["id"]
            if a in info and b in info:
                ties.append((a, b, e))
    return Relations(
        roles=[(nodes[u]["id"], nodes[v]["name"]) for u, v, _ in edges_of(view, "PERFORMS")],
        parties=[(nodes[u]["id"], nodes[v]) for u, v, _ in edges_of(view, "PARTY_TO")],
        funds=funds,
        funds_now=[(nodes[u]["name"], nodes[v]["id"], e) for u, v, e in current_edges(view, "FUNDS", day)],
        contacts=[(nodes[u], nodes[v]["id"]) for u, v, _ in edges_of(view, "WORKS_AT")] if contacts else [],
        ties=ties,
    )


def _from_rows(tables: Any, map_id: str | None, info: dict[str, Any], day: dt.date, contacts: bool) -> Relations | None:
    """:func:`_from_graph` of the graph :func:`netmap.build_graph` makes of ``tables``, read
    off the rows; None where the rows hold what validation refuses (the graph is read then).

    The graph's order (:func:`netmap.graphcache.edges_of`): edges by their first end in node
    order (partners in workbook order, the first row of an id; funding streams as first
    named), then by their second end in the order of its first edge from the first, then row
    by row. A repeated edge key (one role of a partner named twice) is one edge.
    """
    from netmap.build import agreement_nodes, contact_nodes, funding_in_edge_order, funding_stream_names

    agreements, funding = tables["agreements"], tables["funding"]
    if len({a["id"] for a in agreements}) != len(agreements) or len({f["id"] for f in funding}) != len(funding):
        return None
    # The partners' node order: the first row of each id (netmap.build.partner_nodes' order).
    position = {pid: i for i, pid in enumerate(dict.fromkeys(tables.column("partners", "id")))}

    # PERFORMS: one edge per partner and role (its key), partners in node order.
    names = {role.id: role.name for role in tables.roster.roles.values()}
    performed = dict.fromkeys(tables.tuples("roles", "partner_id", "role_id"))
    if any(pid not in position or rid not in names for pid, rid in performed):
        return None
    roles = [(pid, names[rid]) for pid, rid in sorted(performed, key=lambda k: position[k[0]])]

    # PARTY_TO: one edge per party and agreement; a party's agreements as their rows name it.
    nodes = agreement_nodes(tables, map_id=map_id)
    signed: dict[tuple[str, str], int] = {}
    for i, a in enumerate(agreements):
        for party in a["parties"]:
            signed.setdefault((party, a["id"]), i)
    if any(pid not in position for pid, _ in signed):
        return None
    parties = [(pid, nodes[aid]) for pid, aid in sorted(signed, key=lambda k: (position[k[0]], signed[k]))]

    # FUNDS: the awards as the graph's edges run, each under its stream's name (its first row's).
    streams = funding_stream_names(tables)
    funds = [
        (
            streams[slug(f["stream"])],
            f["recipient_id"],
            {
                "award_id": f["id"],
                "amount": f["amount"],
                "start": f["start"],
                "end": f["end"],
                "funder_id": f["funder_id"],
            },
        )
        for f in funding_in_edge_order(tables)
    ]
    funds_now = [f for f in funds if award_state(f[2], day) == CURRENT]

    people = [(attrs, pid) for pid, attrs in contact_nodes(tables, map_id=map_id)] if contacts else []
    ties = _ties(tables, info, position, day)
    if ties is None:
        return None
    return Relations(roles, parties, funds, funds_now, people, ties)


def _ties(
    tables: Any, info: dict[str, Any], position: dict[str, int], day: dt.date
) -> list[tuple[str, str, dict[str, Any]]] | None:
    """The ties rows the page reads (:class:`Relations`), in the graph's order: by source
    partner, then target in the order of the source's first row to it, then row by row."""
    sources, targets, directed, starts, ends, kinds = (
        tables.column("ties", name) for name in ("source_id", "target_id", "directed", "start", "end", "kind")
    )
    # Most rows are undirected and undated: those are passed over at C speed.
    maybe = map(any, zip(directed, starts, ends, strict=True))
    picked = []
    for i in compress(range(len(sources)), maybe):
        start, end = starts[i], ends[i]
        if (directed[i] or span_state(start, end, day) != CURRENT) and sources[i] in info and targets[i] in info:
            picked.append(i)
    if not picked:
        return []
    if any(sources[i] not in position for i in picked):
        return None
    # Where each picked pair stands among its source's targets: its first row, picked or not.
    pairs = {(sources[i], targets[i]) for i in picked}
    wanted = {a for a, _ in pairs}
    first: dict[tuple[str, str], int] = {}
    for i in compress(range(len(sources)), map(wanted.__contains__, sources)):
        pair = (sources[i], targets[i])
        if pair in pairs and pair not in first:
            first[pair] = i
    picked.sort(key=lambda i: (position[sources[i]], first[sources[i], targets[i]], i))
    return [
        (
            sources[i],
            targets[i],
            {
                "kind": kinds[i] or "collaboration",
                "directed": directed[i],
                "start": starts[i],
                "end": ends[i],
            },
        )
        for i in picked
    ]
