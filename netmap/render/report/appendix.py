"""The appendix: what the report was built from (sheets, files, options, version, time)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.analysis import Analysis
from netmap.build import sheet_rows
from netmap.graphcache import cached, tables_of
from netmap.render.page import cell as _cell
from netmap.render.page import number as _n
from netmap.render.page import table as _table
from netmap.render.report._common import report_section


def appendix_section(G: nx.MultiDiGraph, a: Analysis, *, generated: str, version: str | None) -> dict[str, Any]:
    seed, top, include_contacts = a.seed, a.top, a.include_contacts
    # The whole map's rows, whatever the region: counted once within a shared cache (a
    # report per region reads the same map a hundred times).
    rows = cached(G, "sheet-rows", lambda: _sheet_rows(G))
    files = G.graph.get("files") or {}
    sheets = list(dict.fromkeys([*files, *rows]))
    sheet_rows = [
        # Only the file's own name: a full path would tell the reader about the machine it was made on.
        [_cell(s), _cell(Path(str(files[s])).name if s in files else ""), _n(len(rows.get(s, ())))]
        for s in sheets
    ]
    for s, records in (G.graph.get("extra_sheets") or {}).items():
        sheet_rows.append([_cell(f"{s} (extra sheet, kept as data)"), _cell(""), _n(len(records))])
    table = _table(
        "table-sheets",
        "Rows read per sheet",
        [("Sheet", False), ("File", False), ("Rows", True)],
        sheet_rows,
        empty="The graph records no sheets.",
    )
    facts = [
        ("Map", str(G.graph.get("map_id") or "")),
        ("Region", a.region or "all regions"),
        ("Roster", f"{a.roster.title} ({a.roster.name})" if a.roster.title else a.roster.name),
        ("Judged as of", a.as_of.isoformat()),
        ("Seed (Louvain communities, sampled betweenness)", "none" if seed is None else str(seed)),
        ("Brokers listed", "all" if not top else str(top)),
        (
            "Contact details",
            "included (this file holds personal data)" if include_contacts else "left out (champions by job title)",
        ),
        ("netmap version", version or "not recorded"),
        ("Generated", generated),
    ]
    return report_section("appendix", facts=facts, tables=[table])


def _sheet_rows(G: nx.MultiDiGraph) -> dict[str, set[Any]]:
    """The rows of each sheet that ``G``'s nodes and edges came from (read off the rows
    when ``G`` has them attached: a state map's graph is not built for the count)."""
    tables = tables_of(G)
    if tables is not None:
        # Every sheet with rows was read from a file, so the appendix lists the sheets in
        # the files' order whatever the order of this dict.
        found = sheet_rows(tables)
        if all(sheet in tables.files for sheet in found):
            return found
    rows: dict[str, set[Any]] = defaultdict(set)
    for _, d in G.nodes(data=True):
        if d.get("_sheet"):
            rows[d["_sheet"]].add(d.get("_row"))
    for _, _, d in G.edges(data=True):
        if d.get("_sheet"):
            rows[d["_sheet"]].add(d.get("_row"))
    return rows
