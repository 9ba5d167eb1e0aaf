"""Tie quality: what the partners themselves said about their ties (issue 22, part 3).

A partner survey (``netmap survey`` forms merged by ``netmap merge``) gives each ``ties``
row a ``reported_by`` (the partner whose answer it is), how often the two work together
(``frequency``) and six 1-4 scores about the partner at the *other* end, as the reporter
sees it: three on trust (reliability, mission support, openness), three on value
(power/influence, involvement, resource contribution). :func:`tie_quality` reads them on
the partner ties the other analyses use on the as-of day (current rows between partners
at the table; an expired tie does not count):

- **response**: who answered (the ``responses`` sheet, else whoever reported a tie), who did
  not, the rate among partners at the table, by region and by category;
- **reciprocity**: a pair is *confirmed* when both partners reported it, *unconfirmed* when
  only one did; a pair no one reported is the map's own record (``confirmed`` None);
- **scores**: a row's trust is the mean of its trust scores, its value the mean of its value
  scores. A partner's trust (value) is the mean, over the answers *other* partners gave
  about it, of each answer's trust (value): what the others think of it, never its own
  view. A category's and the network's are the means of their scored partners' (each
  partner once, so a much-rated partner does not outweigh the rest);
- **reliance**: ``relied_on`` counts the partners whose tie with it is weekly or daily (the
  pair's frequency: the most common answer, the less frequent on a tie).

:func:`tie_weights` turns the same answers into edge weights for the weighted brokerage
measures (``brokers(weight=...)``).

Examples
--------
>>> import netmap
>>> tie_quality(netmap.read_graph("examples/oregon-pathways-alliance"), as_of="2026-11-24") is None
True
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from statistics import mean
from typing import Any

import networkx as nx

from netmap.analysis._common import as_date, current_edges, partner_graph, partners, resolve_roster
from netmap.build import slug
from netmap.errors import UsageError
from netmap.graphcache import ordered_subgraph, tables_of
from netmap.model import FREQUENCIES, SCORE_MAX, SCORES, TRUST_SCORES, VALUE_SCORES, header_key
from netmap.roster import Roster

__all__ = ["RELIED_ON_RANK", "WEIGHTS", "TieQuality", "tie_distance", "tie_quality", "tie_weights"]

# A tie this often or more (weekly, daily) is one a partner relies on.
RELIED_ON_RANK = FREQUENCIES.index("weekly") + 1
# What --weight takes: the tie's strength (1-3), or its mean trust or value score (1-4).
WEIGHTS: tuple[str, ...] = ("strength", "trust", "value")
_TOP_OF_SCALE = {"strength": 3, "trust": SCORE_MAX, "value": SCORE_MAX}
_SURVEY = ("frequency", *SCORES, "reported_by")
_SURVEY_SET = frozenset(_SURVEY)


def _mean(values: list[float]) -> float | None:
    return round(float(mean(values)), 6) if values else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _row_score(d: dict[str, Any], columns: tuple[str, ...]) -> float | None:
    given = [d[c] for c in columns if d.get(c) is not None]
    return mean(given) if given else None


@dataclass
class TieQuality:
    """Result of :func:`tie_quality` (see the module docstring for each measure)."""

    respondents: list[str]
    not_answered: list[dict[str, Any]]
    active: int
    response_by_region: list[dict[str, Any]]
    response_by_category: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    partners: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    network: dict[str, Any]
    confirmed: int = 0
    unconfirmed: int = 0

    @property
    def response_rate(self) -> float | None:
        return _share(len(self.respondents), self.active)

    @property
    def unconfirmed_share(self) -> float | None:
        return _share(self.unconfirmed, self.confirmed + self.unconfirmed)

    @property
    def caveat(self) -> str:
        """The sentence printed with every analysis of survey data."""
        answered, total = len(self.respondents), self.active
        reported = self.confirmed + self.unconfirmed
        parts = [f"Survey data: {answered} of {total} partners answered ({_percent(answered, total)})"]
        if reported:
            parts.append(
                f"{self.unconfirmed} of {reported} ties are named by one side only "
                f"({_percent(self.unconfirmed, reported)})"
            )
        return "; ".join(parts) + (" — read one-sided ties and scores of partners who did not answer with care.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "surveyed": True,
            "respondents": list(self.respondents),
            "not_answered": [dict(r) for r in self.not_answered],
            "response_rate": self.response_rate,
            "response_by_region": [dict(r) for r in self.response_by_region],
            "response_by_category": [dict(r) for r in self.response_by_category],
            "pairs": [
                {**p, "reported_by": list(p["reported_by"]), "conflicts": list(p["conflicts"])} for p in self.pairs
            ],
            "confirmed": self.confirmed,
            "unconfirmed": self.unconfirmed,
            "unconfirmed_share": self.unconfirmed_share,
            "partners": [dict(p) for p in self.partners],
            "categories": [dict(c) for c in self.categories],
            "network": dict(self.network),
            "caveat": self.caveat,
        }


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def _partner_rows(G: nx.MultiDiGraph, day: dt.date) -> tuple[nx.Graph, dict[tuple[str, str], list[dict[str, Any]]]]:
    """The partner graph of ``day`` and the current ties rows of each of its pairs (sorted ids)."""
    P = partner_graph(G, day)
    ids = {n: d["id"] for n, d in G.nodes(data=True) if d.get("label") == "Partner"}
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for u, v, d in current_edges(G, "TIED_TO", day):
        a, b = ids.get(u), ids.get(v)
        if a is None or b is None or a == b or a not in P or b not in P:
            continue
        rows.setdefault((a, b) if a < b else (b, a), []).append(d)
    return P, rows


def _pair_frequency(rows: list[dict[str, Any]]) -> str | None:
    """The most common frequency answer; on a tie, the less frequent (the weaker claim)."""
    counts = Counter(d["frequency"] for d in rows if d.get("frequency") in FREQUENCIES)
    if not counts:
        return None
    return min(counts, key=lambda f: (-counts[f], FREQUENCIES.index(f)))


def _conflicts(rows: list[dict[str, Any]]) -> list[str]:
    """The survey columns on which two reporters of the pair answered differently."""
    out = []
    for column in ("frequency", *SCORES):
        given = {d.get(column) for d in rows if d.get("reported_by") is not None and d.get(column) is not None}
        if len(given) > 1:
            out.append(column)
    return out


def tie_quality(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date | str | None = None,
    region: str | None = None,
    roster: Roster | None = None,
) -> TieQuality | None:
    """Response, reciprocity, trust and value of the partner survey, on ``as_of``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph. Not modified.
    as_of : date or ISO str, optional
        The day whose current ties count (default today).
    region : str, optional
        Only this region's partners (with those listed without a region).
    roster : Roster, optional
        Default: the roster ``G`` was built with (checked only; categories are ids).

    Raises
    ------
    UsageError
        ``region`` is not in the map.

    Returns
    -------
    TieQuality or None
        None when no current partner tie has a score, a frequency or a ``reported_by``
        (a workbook without survey answers shows nothing new).

    Examples
    --------
    >>> import netmap
    >>> tie_quality(netmap.read_graph("examples/tucson-behavioral-health")) is None
    True
    """
    day = as_date(as_of)
    resolve_roster(G, roster)
    tables = tables_of(G)
    if tables is not None and _SURVEY_SET.isdisjoint(header_key(h) for h in tables.columns.get("ties", ())):
        # The rows the graph was built from have no survey column, so no tie carries a survey
        # key (netmap.build adds only the columns written; an unknown column never takes a
        # survey name): the answer of the scan below, without reading every tie.
        return None
    ties = current_edges(G, "TIED_TO", day)
    # A map without survey columns (most maps) carries none of their keys: one C-level set
    # test per tie tells, before any row is gathered. (Not only the first tie: a stored map
    # drops a key whose value is blank.)
    if all(map(_SURVEY_SET.isdisjoint, map(itemgetter(2), ties))):  # at C speed
        return None
    P, rows = _partner_rows(G, day)
    if region is not None:
        # As netmap.analysis.select_region keeps them (not imported: it imports this module):
        # the region's partners and those listed without one, the region matched by its slug.
        known = {r for r in nx.get_node_attributes(P, "region").values() if r is not None}
        if region not in known and slug(region) not in {slug(r) for r in known}:
            raise UsageError(f"no region {region!r} in this map; its regions are: {', '.join(sorted(known)) or 'none'}")
        kept = {p for p, d in P.nodes(data=True) if d.get("region") is None or slug(d["region"]) == slug(region)}
        P = ordered_subgraph(P, kept)
        rows = {pair: ds for pair, ds in rows.items() if pair[0] in kept and pair[1] in kept}
    if not any(d.get(c) is not None for ds in rows.values() for d in ds for c in _SURVEY):
        return None
    info = {pid: P.nodes[pid] for pid in P}
    order = list(partners(G))  # workbook order
    active = [pid for pid in order if pid in info]

    answered_ids = {r.get("partner_id") for r in G.graph.get("responses") or ()}
    if not answered_ids:
        # No responses sheet: whoever reported a tie answered.
        answered_ids = {d.get("reported_by") for ds in rows.values() for d in ds}
    respondents = [pid for pid in active if pid in answered_ids]
    not_answered = [
        {
            "id": pid,
            "name": info[pid].get("name"),
            "region": info[pid].get("region"),
            "category": info[pid].get("category"),
        }
        for pid in active
        if pid not in answered_ids
    ]

    def by(attr: str) -> list[dict[str, Any]]:
        table: dict[Any, dict[str, Any]] = {}
        for pid in active:
            key = info[pid].get(attr)
            row = table.setdefault(key, {attr: key, "partners": 0, "answered": 0})
            row["partners"] += 1
            row["answered"] += pid in answered_ids
        return list(table.values())

    # Pairs, with the answers each partner got from the others.
    pairs = []
    got: dict[str, list[tuple[str, float | None, float | None]]] = {pid: [] for pid in active}
    relied: dict[str, int] = dict.fromkeys(active, 0)
    confirmed = unconfirmed = 0
    for (a, b), ds in sorted(rows.items()):
        reporters = sorted({d["reported_by"] for d in ds if d.get("reported_by") is not None})
        both = None if not reporters else (a in reporters and b in reporters)
        confirmed += both is True
        unconfirmed += both is False
        frequency = _pair_frequency(ds)
        rank = FREQUENCIES.index(frequency) + 1 if frequency else None
        if rank is not None and rank >= RELIED_ON_RANK:
            relied[a] += 1
            relied[b] += 1
        trust = [d[c] for d in ds for c in TRUST_SCORES if d.get(c) is not None]
        value = [d[c] for d in ds for c in VALUE_SCORES if d.get(c) is not None]
        pairs.append(
            {
                "source": a,
                "target": b,
                "confirmed": both,
                "reported_by": reporters,
                "frequency": frequency,
                "frequency_rank": rank,
                "trust": _mean(trust),
                "value": _mean(value),
                "conflicts": _conflicts(ds),
            }
        )
        for d in ds:
            reporter = d.get("reported_by")
            if reporter not in (a, b):
                continue  # the map's own record, or a third party: rates neither end
            rated = b if reporter == a else a
            t, v = _row_score(d, TRUST_SCORES), _row_score(d, VALUE_SCORES)
            if t is not None or v is not None:
                got[rated].append((reporter, t, v))

    scored = []
    for pid in active:
        answers = got[pid]
        trust = [t for _, t, _ in answers if t is not None]
        value = [v for _, _, v in answers if v is not None]
        scored.append(
            {
                "id": pid,
                "name": info[pid].get("name"),
                "category": info[pid].get("category"),
                "trust": _mean(trust),
                "value": _mean(value),
                "raters": len({r for r, _, _ in answers}),
                "relied_on": relied[pid],
            }
        )

    def summary(members: list[dict[str, Any]]) -> dict[str, Any]:
        raters = {r for m in members for r, _, _ in got[m["id"]]}
        return {
            "trust": _mean([m["trust"] for m in members if m["trust"] is not None]),
            "value": _mean([m["value"] for m in members if m["value"] is not None]),
            "raters": len(raters),
        }

    categories = []
    for category in dict.fromkeys(info[pid].get("category") for pid in active):
        members = [m for m in scored if m["category"] == category]
        categories.append({"category": category, **summary(members)})

    return TieQuality(
        respondents=respondents,
        not_answered=not_answered,
        active=len(active),
        response_by_region=by("region"),
        response_by_category=by("category"),
        pairs=pairs,
        partners=scored,
        categories=categories,
        network=summary(scored),
        confirmed=confirmed,
        unconfirmed=unconfirmed,
    )


def tie_weights(G: nx.MultiDiGraph, weight: str, *, as_of: dt.date | str | None = None) -> dict[tuple[str, str], float]:
    """The weight of every partner tie on ``as_of`` (sorted id pair -> weight).

    ``"strength"``: the strongest ``strength`` (1-3) of the pair's ties rows; ``"trust"``,
    ``"value"``: the mean of every trust (value) score given on the pair's rows, both sides
    together (1-4). A pair with no such answer (no score given, or tied only by an agreement
    or an award) takes the mean weight of the pairs that have one, so that a missing answer
    neither strengthens nor weakens a tie; with no answer anywhere, every tie weighs 1.

    Raises
    ------
    ValueError
        ``weight`` is not one of :data:`WEIGHTS`.

    Examples
    --------
    >>> import netmap
    >>> w = tie_weights(netmap.read_graph("examples/tucson-behavioral-health"), "trust")
    >>> set(w.values())
    {1.0}
    """
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {', '.join(WEIGHTS)}, not {weight!r}")
    day = as_date(as_of)
    P, rows = _partner_rows(G, day)
    columns = TRUST_SCORES if weight == "trust" else VALUE_SCORES
    given: dict[tuple[str, str], float] = {}
    for a, b, d in P.edges(data=True):
        pair = (a, b) if a < b else (b, a)
        if weight == "strength":
            if d.get("strength") is not None:
                given[pair] = float(d["strength"])
            continue
        scores = [r[c] for r in rows.get(pair, ()) for c in columns if r.get(c) is not None]
        if scores:
            given[pair] = mean(scores)
    default = mean(given.values()) if given else 1.0
    return {((a, b) if a < b else (b, a)): float(given.get((a, b) if a < b else (b, a), default)) for a, b in P.edges()}


def tie_distance(weight: str, w: float) -> float:
    """The length of a tie of weight ``w`` for shortest paths: the top of its scale + 1 - ``w``.

    A tie scored at the top of its scale (trust 4, strength 3) is one step, as every tie
    is unweighted; a lower score makes it longer, up to 4 steps for a trust of 1. So
    weighted betweenness prefers paths through well-scored ties without letting several
    strong ties cost less than one ordinary step (as ``1 / w`` would: four ties of trust 4
    would weigh as one unweighted tie).

    >>> tie_distance("trust", 4), tie_distance("trust", 1), tie_distance("strength", 2)
    (1.0, 4.0, 2.0)
    """
    return float(_TOP_OF_SCALE[weight] + 1 - w)
