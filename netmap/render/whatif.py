"""The map page's "what if" data: the partner graph of current ties, packed for ``whatif.js``.

The page answers "what if this partner left?" and "what if these two met?" itself, from
the graph embedded here, with the definitions of :mod:`netmap.analysis.resilience` and
the map's brokers (:func:`netmap.render.map._page`):

- the partners are listed in the partner graph's own node order, because resilience
  breaks a tie between two equally large components by that order (the component
  holding the partner listed first is "the largest");
- a tie is a pair of indexes into that list, all pairs in one flat list;
- a partner's *kind* is its agency type in its region: resilience says the type goes
  missing when the partner leaving is the only one of its kind.

Betweenness (for the brokers) costs the page O(partners x ties) per question; above
``WHATIF_BROKERS_UPTO`` partners the page says so and answers the cut points alone.

Examples
--------
>>> import networkx as nx
>>> P = nx.path_graph(["A", "B", "C"])
>>> info = {k: {"agency_type": "t", "agency_type_name": "Type", "region": "r"} for k in "ABC"}
>>> whatif_data(P, info)["edges"]
[0, 1, 1, 2]
"""

from __future__ import annotations

from typing import Any

import networkx as nx

__all__ = ["WHATIF_BROKERS_UPTO", "whatif_data"]

# Partners up to which the page recomputes betweenness for "what if they met?" (Brandes
# on 1,500 partners and a few thousand ties takes about a second in a browser).
WHATIF_BROKERS_UPTO = 1500


def whatif_data(P: nx.Graph, info: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What ``whatif.js`` needs: partners, ties and each partner's kind, as compact lists.

    Parameters
    ----------
    P : networkx.Graph
        The partner graph of current ties (:func:`netmap.analysis._common.partner_graph`).
    info : dict
        Partner id -> attributes (:func:`netmap.analysis._common.partners`): the active
        partners, whose agency types and regions decide which types would go missing.

    Returns
    -------
    dict
        ``ids`` (partner ids in ``P``'s order), ``edges`` (flat index pairs), ``kind``
        (each partner's index into ``kinds``), ``kinds`` (``[agency type name, partners of
        that type in that region]`` each) and ``brokers_upto``.

    Examples
    --------
    >>> P = nx.Graph([("A", "B")])
    >>> info = {"A": {"agency_type": "x", "agency_type_name": "X", "region": "r"},
    ...         "B": {"agency_type": "x", "agency_type_name": "X", "region": "r"}}
    >>> out = whatif_data(P, info)
    >>> out["ids"], out["kind"], out["kinds"]
    (['A', 'B'], [0, 0], [['X', 2]])
    """
    ids = list(P)
    index = {pid: i for i, pid in enumerate(ids)}
    flat: list[int] = []
    for a, b in P.edges():
        flat.extend((index[a], index[b]))
    # Kinds are counted over every active partner, as resilience counts them.
    counts: dict[tuple[Any, Any], int] = {}
    for d in info.values():
        key = (d.get("agency_type"), d.get("region"))
        counts[key] = counts.get(key, 0) + 1
    kinds: dict[tuple[Any, Any], int] = {}
    table: list[list[Any]] = []
    kind = []
    for pid in ids:
        d = info.get(pid, {})
        key = (d.get("agency_type"), d.get("region"))
        k = kinds.get(key)
        if k is None:
            k = kinds[key] = len(table)
            table.append([d.get("agency_type_name"), counts.get(key, 1)])
        kind.append(k)
    return {"ids": ids, "edges": flat, "kind": kind, "kinds": table, "brokers_upto": WHATIF_BROKERS_UPTO}
