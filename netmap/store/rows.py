"""A netmap graph as the rows the loaders send, and back.

Each node label and relationship type has its own loader file; :func:`graph_rows`
turns a graph into one list of rows per file, with everything the database cannot hold
made storable: dates travel as ISO text (the loaders convert them with ``date()``),
``None`` is left out (a database has no null properties) and each node and relationship
keeps its position in the graph (``_order``) so that what is read back iterates in the
same order as what was loaded. :func:`rows_graph` is the inverse.

Examples
--------
>>> import netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> rows = graph_rows(G)
>>> rows.nodes["Partner"][0]["id"], "map_id" in rows.nodes["Partner"][0]["props"]
('TIC', False)
>>> H = rows_graph(rows, map_id=G.graph["map_id"])
>>> sorted(H.nodes) == sorted(G.nodes)
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netmap.build import node_key
from netmap.model import DATE_PROPERTIES, NODE_LABELS, REL_ENDPOINTS, REL_TYPES, STORE_PROPERTIES

__all__ = ["GraphRows", "graph_rows", "rows_graph"]

# Attributes that are bookkeeping of one graph, not properties of a thing.
_NODE_SKIP = {"label", "id", "map_id"}
_EDGE_SKIP = {"type", "map_id"}
# Graph attributes kept on the (:Map) node, as JSON text (a property cannot be a map).
META_JSON = ("files", "columns", "extra_sheets", "needs", "responses")


@dataclass
class GraphRows:
    """Rows per node label and per relationship type, plus the map's own attributes."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A hash of the content: equal for equal maps, whatever the load's time or path."""
        content = {
            "nodes": self.nodes,
            "rels": self.rels,
            "meta": {
                k: v for k, v in self.meta.items() if k in ("roster", "columns", "extra_sheets", "needs", "responses")
            },
        }
        # check_circular=False: rows are trees, and tracking a million containers for cycles
        # costs a tenth of the dump; the text (so the hash) is the same.
        data = json.dumps(
            content, sort_keys=True, ensure_ascii=False, default=str, allow_nan=False, check_circular=False
        )
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]

    def count(self) -> tuple[int, int]:
        """Numbers of nodes and relationships."""
        return sum(map(len, self.nodes.values())), sum(map(len, self.rels.values()))


def _storable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, set):
        return sorted(value)
    return value


def _split(attrs: dict[str, Any], skip: set[str], dates: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    props = {}
    # Runs once per node and relationship of the map (a million times for a national one):
    # the common case, a plain scalar, is decided by one type lookup.
    for name, value in attrs.items():
        if value is None or name in skip:
            continue
        kind = type(value)
        if kind is str or kind is int or kind is float or kind is bool:
            if name not in dates:
                props[name] = value
            continue
        if name in dates:
            continue
        if isinstance(value, (list, tuple, set)) and any(v is None for v in value):
            continue
        props[name] = _storable(value)
    if not dates:
        return props, {}
    date_values = {}
    for name in dates:
        value = attrs.get(name)
        date_values[name] = value.isoformat() if isinstance(value, dt.date) else None
    return props, date_values


def graph_rows(G: nx.MultiDiGraph) -> GraphRows:
    """The rows that load ``G``: ``nodes[label]`` and ``rels[type]`` lists. ``G`` is not modified.

    A node row is ``{id, props, <date>...}``; a relationship row is
    ``{source, target, key, props, <date>...}`` with the ids of its two ends.
    """
    out = GraphRows(
        nodes={label: [] for label in NODE_LABELS},
        rels={rel: [] for rel in REL_TYPES},
        meta={k: G.graph.get(k) for k in ("roster", "source", *META_JSON)},
    )
    for order, d in enumerate(G._node.values()):
        label = d["label"]
        dates = DATE_PROPERTIES.get(label, ())
        props, date_values = _split(d, _NODE_SKIP, dates)
        props["_order"] = order
        out.nodes[label].append({"id": d["id"], "props": props, **date_values})
    # The graph's own dicts, in G.edges(keys=True, data=True) order, without a view per edge.
    nodes = G._node
    order = 0
    for u, nbrs in G._succ.items():
        source = nodes[u]["id"]
        for v, keyed in nbrs.items():
            target = nodes[v]["id"]
            for key, d in keyed.items():
                rel = d["type"]
                dates = DATE_PROPERTIES.get(rel, ())
                props, date_values = _split(d, _EDGE_SKIP, dates)
                props["_order"] = order
                order += 1
                out.rels[rel].append(
                    {"source": source, "target": target, "key": str(key), "props": props, **date_values}
                )
    return out


def _dates(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, dt.date]:
    """Dates sent beside the props as ISO text (a database returns them inside props)."""
    return {k: dt.date.fromisoformat(row[k]) for k in names if isinstance(row.get(k), str)}


def rows_graph(rows: GraphRows, *, map_id: str) -> nx.MultiDiGraph:
    """Rebuild the graph from rows as :func:`graph_rows` makes them or the readers return them."""
    G = nx.MultiDiGraph(map_id=map_id, **{k: v for k, v in rows.meta.items() if v is not None})
    G.graph.setdefault("files", {})
    G.graph.setdefault("columns", {})
    G.graph.setdefault("extra_sheets", {})
    # Stored as JSON text, an empty list reads back as {} (and a map stored before the needs
    # sheet existed has none): the graph's needs are always a list.
    G.graph["needs"] = list(G.graph.get("needs") or [])
    G.graph["responses"] = list(G.graph.get("responses") or [])
    nodes = []
    for label, items in rows.nodes.items():
        for row in items:
            # The store's own properties (uid: its lookup key, version prefix + id) are not
            # attributes of the thing; no attribute has their names (netmap.build.extra_attr).
            attrs = {k: v for k, v in row["props"].items() if k == "_order" or k not in STORE_PROPERTIES}
            attrs.update(_dates(row, DATE_PROPERTIES.get(label, ())))
            nodes.append((attrs.pop("_order", 0), label, row["id"], attrs))
    for _, label, ident, attrs in sorted(nodes, key=lambda n: n[0]):
        G.add_node(node_key(label, ident), label=label, id=ident, map_id=map_id, **attrs)
    edges = []
    for rel, items in rows.rels.items():
        source_label, target_label = REL_ENDPOINTS[rel]
        for row in items:
            attrs = {k: v for k, v in row["props"].items() if k != "key"}
            attrs.update(_dates(row, DATE_PROPERTIES.get(rel, ())))
            key = row.get("key") or row["props"].get("key")
            edges.append((attrs.pop("_order", 0), rel, row["source"], row["target"], key, attrs))
    for _, rel, source, target, key, attrs in sorted(edges, key=lambda e: e[0]):
        source_label, target_label = REL_ENDPOINTS[rel]
        G.add_edge(
            node_key(source_label, source), node_key(target_label, target), key=key, type=rel, map_id=map_id, **attrs
        )
    return G
