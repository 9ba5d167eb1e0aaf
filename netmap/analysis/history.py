"""History: a partnership across several snapshots, in date order.

Each snapshot is analysed on its own date, as :func:`netmap.pipeline.run` would, all against one
roster, and each consecutive pair is compared by :func:`netmap.analysis.diff.diff` reusing
those two analyses, so the history says exactly what ``netmap diff`` says step by step and
nothing is derived twice.

A snapshot's date is, in this order: the date given for it (``dates``), the date the graph
carries (``G.graph["snapshot_date"]``, else ``G.graph["loaded_at"]``: a stored version's
load time), else the modification day of the newest file it was read from. Snapshots are
put in date order, ties broken by label, so the order never depends on the order given.

Examples
--------
>>> import copy, netmap
>>> old = netmap.read_graph("examples/tucson-behavioral-health")
>>> new = copy.deepcopy(old)
>>> new.remove_node("Partner:PCC")
>>> h = history([("now", new), ("then", old)], dates={"then": "2026-01-05", "now": "2026-04-05"})
>>> [s["label"] for s in h.to_dict()["snapshots"]], h.to_dict()["steps"][0]["partners_lost"]
(['then', 'now'], ['PCC'])
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.analysis import Analysis, region_in, region_names, region_view
from netmap.analysis._common import as_date, resolve_roster
from netmap.analysis.diff import AGREEMENT_CURRENT, STREAM_NOT_CURRENT, Diff, _ties, diff
from netmap.analysis.diff import _analysis as _side
from netmap.errors import UsageError
from netmap.graphcache import shared_cache
from netmap.roster import Roster

__all__ = ["History", "history", "snapshot_date"]

# Graph attributes that say which day a snapshot is of, first found wins.
DATE_ATTRS = ("snapshot_date", "loaded_at")
BROKERS_COMPARED = 10  # as netmap diff compares them (pipeline.DIFF_TOP)


def snapshot_date(G: nx.MultiDiGraph) -> dt.date | None:
    """The day ``G`` is a snapshot of: its own date, else its newest file's modification day.

    >>> import netmap
    >>> snapshot_date(netmap.read_graph("examples/tucson-behavioral-health")) is not None
    True
    """
    for key in DATE_ATTRS:
        value = G.graph.get(key)
        if value:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    files = G.graph.get("files")
    paths = list(files.values()) if isinstance(files, dict) else []
    paths = paths or ([G.graph["source"]] if G.graph.get("source") else [])
    stamps = []
    for p in paths:
        try:
            stamps.append(Path(str(p)).stat().st_mtime)
        except OSError:
            continue
    return dt.date.fromtimestamp(max(stamps)) if stamps else None


def _region_of(dated: list[tuple[dt.date, str, nx.MultiDiGraph]], region: str) -> str:
    """``region`` as the latest snapshot that has it spells it ("north" finds "North").

    A region missing from some snapshots is no error (it may be new); from all of them it is.
    """
    for _, _, G in reversed(dated):
        try:
            return region_in(G, region)
        except UsageError:
            continue
    known = sorted({r for _, _, G in dated for r in region_names(G) if r is not None})
    raise UsageError(f"no region {region!r} in any snapshot; their regions are: {', '.join(known) or 'none'}")


def _natural(label: str) -> list[tuple[int, int | str]]:
    """Sort key of a label that orders the numbers in it by value: q9 before q10."""
    return [(1, int(part)) if part.isdigit() else (0, part) for part in re.split(r"(\d+)", label)]


@dataclass
class History:
    """Result of :func:`history`: one entry per snapshot (date order) and one per step."""

    roster: Roster
    # The region followed (None: the whole map), as the snapshots spell it.
    region: str | None = None
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    # Scorecard conditions in the order the latest snapshot lists them: {"id", "name"}.
    conditions: list[dict[str, Any]] = field(default_factory=list)
    # The analyses and diffs behind the numbers (not in to_dict). An analysis made here is
    # ``scored_only``: no regions side by side, service inventory or tie quality.
    analyses: list[Analysis] = field(default_factory=list, repr=False)
    diffs: list[Diff] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "roster": self.roster.name,
            "region": self.region,
            "conditions": self.conditions,
            "snapshots": self.snapshots,
            "steps": self.steps,
        }


def _headline(label: str, day: dt.date, G: nx.MultiDiGraph, a: Analysis) -> dict[str, Any]:
    conditions = a.scorecard.to_dict()["conditions"]
    agreements = a.formalisation.to_dict().get("agreements", [])
    streams = a.funding.to_dict().get("streams", [])
    return {
        "label": label,
        "date": day.isoformat(),
        "map_id": str(G.graph.get("map_id") or "netmap"),
        "partners": a.partners_active,
        "ties": len(_ties(G)),
        "gaps": len(a.gaps.missing),
        "missing": [
            {"level": t.level, "region": t.region, "agency_type": t.agency_type, "category": t.category}
            for t in a.gaps.missing
        ],
        "agreements_current": sum(1 for x in agreements if x.get("state") in AGREEMENT_CURRENT),
        "funding_streams_current": sum(1 for s in streams if s.get("state") not in STREAM_NOT_CURRENT),
        "brokers": [b["id"] for b in a.brokers.to_dict()["brokers"][:BROKERS_COMPARED]],
        "scorecard": {c["id"]: c.get("score") for c in conditions},
        "ratings": {c["id"]: c.get("rating") for c in conditions},
    }


def _step(old: dict[str, Any], new: dict[str, Any], d: Diff) -> dict[str, Any]:
    return {
        "from": old["label"],
        "to": new["label"],
        "from_date": old["date"],
        "to_date": new["date"],
        "partners_gained": [p["id"] for p in d.partners_gained],
        "partners_lost": [p["id"] for p in d.partners_lost],
        "ties_gained": len(d.ties_gained),
        "ties_lost": len(d.ties_lost),
        "gaps_closed": d.gaps_closed,
        "gaps_opened": d.gaps_opened,
        "agreements_lapsed": [x["id"] for x in d.agreements_expired],
        # diff lists renewals too; a new agreement is one that was not current before.
        "agreements_new": [x["id"] for x in d.agreements_renewed if x.get("old_state") not in AGREEMENT_CURRENT],
        "funding_lapsed": [s["id"] for s in d.streams_lapsed],
        "funding_new": [s["id"] for s in d.streams_new],
        "brokers_risen": [b["id"] for b in d.brokers_risen],
        "brokers_fallen": [b["id"] for b in d.brokers_fallen],
    }


def history(
    snapshots: Sequence[tuple[str, nx.MultiDiGraph]],
    *,
    roster: Roster | None = None,
    dates: Mapping[str, dt.date | str] | None = None,
    seed: int | None = 0,
    analyses: Mapping[str, Analysis] | None = None,
    last: str | None = None,
    region: str | None = None,
) -> History:
    """The history of a partnership across ``snapshots`` (two or more).

    Parameters
    ----------
    snapshots : sequence of (label, graph)
        Netmap graphs, in any order, each named by a label (unique). Not modified.
    roster : Roster, optional
        The one roster every snapshot is judged against. Default: the latest snapshot's.
    dates : mapping of label to date or ISO str, optional
        The day of a snapshot, over :func:`snapshot_date`. A snapshot with no date at all is
        of today.
    seed : int, optional
        Seed of sampled betweenness.
    analyses : mapping of label to Analysis, optional
        An analysis already made of a snapshot (the report's own), reused as it is.
    last : str, optional
        The label of the snapshot put last whatever its date (the report's own map, which
        ``report --since`` compares the earlier snapshots with).
    region : str, optional
        Only this region of every snapshot, as ``netmap diff`` narrows both sides.

    Returns
    -------
    History
        ``to_dict()``: ``roster``, ``conditions`` (id, name), ``snapshots`` (per snapshot in
        date order: ``label``, ``date``, ``map_id``, ``partners`` (active), ``ties``, ``gaps``
        (roster types missing) and ``missing``, ``agreements_current``,
        ``funding_streams_current``, ``brokers`` (the top ten ids), ``scorecard`` and
        ``ratings`` by condition id) and ``steps`` (per consecutive pair: ``from``, ``to``,
        their dates, ``partners_gained``, ``partners_lost``, ``ties_gained``, ``ties_lost``,
        ``gaps_closed``, ``gaps_opened``, ``agreements_lapsed``, ``agreements_new``,
        ``funding_lapsed``, ``funding_new``, ``brokers_risen``, ``brokers_fallen``).

    Raises
    ------
    UsageError
        Fewer than two snapshots, a label given twice, or a ``region`` no snapshot has.
    """
    labels = [label for label, _ in snapshots]
    if len(snapshots) < 2:
        raise UsageError("history needs two or more snapshots")
    twice = sorted({x for x in labels if labels.count(x) > 1})
    if twice:
        raise UsageError(f"snapshot {twice[0]!r} is given twice")
    with shared_cache():
        # One cache for the whole history: a snapshot's edge index, built by its analysis, is
        # read again by the two comparisons it is part of instead of scanning the map again.
        return _history(snapshots, roster, dates, seed, analyses or {}, last, region)


def _history(
    snapshots: Sequence[tuple[str, nx.MultiDiGraph]],
    roster: Roster | None,
    dates: Mapping[str, dt.date | str] | None,
    seed: int | None,
    made: Mapping[str, Analysis],
    last: str | None,
    region: str | None,
) -> History:
    given = {k: as_date(v) for k, v in (dates or {}).items()}
    dated = [(given.get(label) or snapshot_date(G) or as_date(None), label, G) for label, G in snapshots]
    # Same day: by label, numbers by value, so stored versions NAME@9 and NAME@10 keep their order.
    dated.sort(key=lambda x: (x[1] == last, x[0], _natural(x[1])))
    # One yardstick for every snapshot, so a gap never opens because the roster moved.
    roster = resolve_roster(dated[-1][2], roster)
    region = _region_of(dated, region) if region is not None else None
    result = History(roster=roster, region=region)
    for day, label, G in dated:
        # As diff analyses a side: the region of the whole map, or its view when it has none.
        # Only the scored parts: the history and its steps read nothing else (the regions side
        # by side and the service inventory were a third of the time over 12 large snapshots).
        a = made.get(label) or _side(
            G, region_view(G, region), region, roster=roster, as_of=day, seed=seed, scored_only=True
        )
        result.analyses.append(a)
        result.snapshots.append(_headline(label, day, G if region is None else region_view(G, region), a))
    latest = result.analyses[-1].scorecard.to_dict()["conditions"]
    seen = {c["id"] for c in latest}
    earlier = [c for a in result.analyses for c in a.scorecard.to_dict()["conditions"] if c["id"] not in seen]
    result.conditions = [{"id": c["id"], "name": c["name"]} for c in latest]
    for c in earlier:
        if c["id"] not in seen:
            seen.add(c["id"])
            result.conditions.append({"id": c["id"], "name": c["name"]})
    for i in range(1, len(dated)):
        (_, _, G_old), (day, _, G_new) = dated[i - 1], dated[i]
        # Each side keeps the analysis of its own day: what lapsed between the two dates shows.
        d = diff(
            G_old,
            G_new,
            as_of=day,
            seed=seed,
            top=BROKERS_COMPARED,
            roster=roster,
            region=region,
            old_analysis=result.analyses[i - 1],
            new_analysis=result.analyses[i],
        )
        result.diffs.append(d)
        result.steps.append(_step(result.snapshots[i - 1], result.snapshots[i], d))
    return result
