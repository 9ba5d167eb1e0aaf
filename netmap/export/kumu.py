"""Write the partner network as the Excel workbook Kumu's spreadsheet import takes.

Kumu (kumu.io) reads an ``.xlsx`` file whose sheets each hold elements or connections, the
column headers in row 1: an elements sheet has ``Label`` in A1, a connections sheet ``From``
and ``To`` in A1 and B1, unless an ``ID`` column comes first. Any other column becomes a
field; several values in one cell (``Tags``) are separated by ``|``; a sheet whose name
contains ``(ignore)`` is not imported. :func:`write_kumu` writes three sheets:

``Elements``
    One row per partner of the analysed network (the partners at the table on the
    analysis day, of its region if it has one): ``ID`` (the partner id), ``Label`` (the
    name), ``Type`` (the agency type as the roster names it), ``Description`` (the
    partner's notes), ``Tags`` (roster category, level, the functional roles it performs,
    and ``cut point``), then the fields ``Partner ID``, ``Region``, ``Level``,
    ``Category``, ``Team``, ``Status``, ``Roles``, and the brokers measures of the
    analysis: ``Degree`` (partners tied to), ``Betweenness``, ``Constraint``,
    ``Effective size``, ``Cut point`` (``yes``/``no``), ``Brokerage`` (the total) and one
    column per Gould-Fernandez role (``Coordinator``, ...), ``Categories reached``.
``Connections``
    One row per tied pair of the analysed partner graph (DESIGN section 4): ``ID``,
    ``From``, ``To``, ``Type`` (what made most of the tie: a ``ties`` kind such as
    ``collaboration``, ``agreement`` or ``funding``), ``Direction``, ``Description`` (the
    notes of its ``ties`` rows), ``Tags`` (every kind), ``Weight`` (how many rows made it),
    ``Strength`` (its strongest ``ties`` row), ``Agreements`` and ``Awards`` (their ids).
``About (ignore)``
    The map, the analysis day and roster, and how to import; Kumu skips it.

IDs, not labels
    Two partners may share a name, and Kumu merges elements that share a Label (and Type).
    So ``ID`` is always the first column, ``From`` and ``To`` hold element IDs, as Kumu
    requires when elements have IDs, and a connection's ID is ``FROM~TO``: a second import
    of a later export updates the elements and connections of the first instead of adding
    copies, even when a partner was renamed.

Direction
    As the brokerage measures read the tie: a pair tied only by ``ties`` rows marked
    ``directed`` is ``directed`` (``From`` is the source) or, with rows both ways,
    ``mutual``; any undirected row, shared agreement or funding makes it ``undirected``.

Personal data
    Contacts (``Person`` nodes) are left out unless ``include_contacts``; then each is an
    element of ``Type`` ``Person`` (fields ``Title``, ``Email``, ``Phone``, ``Champion``)
    with a ``works at`` connection to its partner.

Text cells
    Every text is written as a text cell (never a formula). A text that a spreadsheet
    would take for a formula once edited (the rule of :func:`netmap.outputs.neutralise`:
    it starts with ``= + - @``, a tab or a carriage return) is marked with Excel's quote
    prefix, which shows and keeps it as text while the value stays as written, so Kumu
    imports ``=Cost`` as ``=Cost``. Characters XML cannot hold become U+FFFD; a ``|``
    inside one tag becomes ``/`` (Kumu would split the tag there).

Examples
--------
>>> import tempfile, openpyxl, netmap
>>> from pathlib import Path
>>> from netmap.pipeline import run
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> path = write_kumu(G, Path(tempfile.mkdtemp()) / "map.xlsx", analysis=run(G, as_of="2026-11-24"))
>>> wb = openpyxl.load_workbook(path)
>>> wb.sheetnames
['Elements', 'Connections', 'About (ignore)']
>>> [c.value for c in wb["Elements"][1]][:5], [c.value for c in wb["Connections"][1]][:5]
(['ID', 'Label', 'Type', 'Description', 'Tags'], ['ID', 'From', 'To', 'Type', 'Direction'])
"""

from __future__ import annotations

import io
import math
import numbers
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from netmap.analysis import select_region
from netmap.analysis._common import ACTIVE
from netmap.analysis.brokers import BROKERAGE_ROLES
from netmap.build import node_key
from netmap.errors import UsageError
from netmap.outputs import Inputs, check_file_target, set_cell, write_file
from netmap.project import current_edges, project

if TYPE_CHECKING:
    from netmap.analysis import Analysis

__all__ = [
    "CONNECTION_COLUMNS",
    "ELEMENT_COLUMNS",
    "SHEETS",
    "check_kumu_target",
    "kumu_bytes",
    "kumu_tables",
    "write_kumu",
]

SHEETS = ("Elements", "Connections", "About (ignore)")
ELEMENT_COLUMNS: tuple[str, ...] = (
    "ID",
    "Label",
    "Type",
    "Description",
    "Tags",
    "Partner ID",
    "Region",
    "Level",
    "Category",
    "Team",
    "Status",
    "Roles",
    "Degree",
    "Betweenness",
    "Constraint",
    "Effective size",
    "Cut point",
    "Brokerage",
    *(role.capitalize() for role in BROKERAGE_ROLES),
    "Categories reached",
)
CONTACT_COLUMNS: tuple[str, ...] = ("Title", "Email", "Phone", "Champion")
CONNECTION_COLUMNS: tuple[str, ...] = (
    "ID",
    "From",
    "To",
    "Type",
    "Direction",
    "Description",
    "Tags",
    "Weight",
    "Strength",
    "Agreements",
    "Awards",
)

# What XML 1.0 (and so an .xlsx cell) cannot hold.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# The kinds of tie that are no ``ties`` kind; a pair's Type prefers them on equal counts.
_FORMAL = ("agreement", "funding")


def write_kumu(
    G: nx.MultiDiGraph,
    path: str | Path,
    *,
    analysis: Analysis,
    include_contacts: bool = False,
    overwrite: bool = False,
    inputs: Inputs = (),
) -> Path:
    """Write the partner network of ``analysis`` as a Kumu import workbook (``.xlsx``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map ``analysis`` was made of (see :func:`netmap.pipeline.run`). Not modified.
    path : str or Path
        The ``.xlsx`` file to write; written atomically, its folder created if missing.
    analysis : Analysis
        The one analysis of the run: its day, region and brokers measures are written.
    include_contacts : bool
        Add contacts (personal data) as ``Person`` elements; left out otherwise.
    overwrite : bool
        Replace an existing file.
    inputs : sequence of (label, path)
        The files the map was read from: never written over (see :mod:`netmap.outputs`).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        The file exists and not ``overwrite``, is an input or a folder, or is not named
        ``.xlsx``; two elements or connections would get the same ID.

    Examples
    --------
    >>> import tempfile, openpyxl, netmap
    >>> from netmap.pipeline import run
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> out = write_kumu(G, Path(tempfile.mkdtemp()) / "k.xlsx", analysis=run(G, as_of="2026-11-24"))
    >>> ws = openpyxl.load_workbook(out)["Elements"]
    >>> ws["A1"].value, ws["B1"].value, ws.max_row > 1
    ('ID', 'Label', True)
    """
    target = check_kumu_target(path, inputs=inputs, overwrite=overwrite)
    data = kumu_bytes(G, analysis=analysis, include_contacts=include_contacts)
    return write_file(target, data, inputs=inputs, force=overwrite, make_folder=True)


def check_kumu_target(path: str | Path, *, inputs: Inputs = (), overwrite: bool = False) -> Path:
    """Check that ``path`` may be written as the Kumu workbook (see :func:`write_kumu`); return it.

    >>> check_kumu_target("new-map.xlsx").name
    'new-map.xlsx'
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"{target}: Kumu imports an Excel workbook; name it something.xlsx")
    return check_file_target(target, inputs=inputs, force=overwrite)


def kumu_bytes(G: nx.MultiDiGraph, *, analysis: Analysis, include_contacts: bool = False) -> bytes:
    """The Kumu workbook of :func:`write_kumu` as the bytes of an ``.xlsx`` file."""
    elements, connections = kumu_tables(G, analysis=analysis, include_contacts=include_contacts)
    return _xlsx(elements, connections, _about(G, analysis, include_contacts))


_Table = tuple[list[str], list[list[Any]]]


def kumu_tables(G: nx.MultiDiGraph, *, analysis: Analysis, include_contacts: bool = False) -> tuple[_Table, _Table]:
    """The header and rows of the Elements and Connections sheets (values as written)."""
    view = select_region(G, analysis.region)
    day = analysis.as_of
    # The partner graph every measure of the analysis was computed on (netmap.project).
    P = project(view, as_of=day, statuses=ACTIVE)
    measures = {row["id"]: row for row in analysis.brokers.rows}
    ids: dict[str, str] = {}

    def unique(ident: str, what: str) -> str:
        if ident in ids:
            raise UsageError(f"{what} and {ids[ident]} would both have the Kumu ID {ident!r}; rename one")
        ids[ident] = what
        return ident

    element_header = list(ELEMENT_COLUMNS)
    elements: list[list[Any]] = []
    for pid, d in P.nodes(data=True):
        node = G.nodes.get(node_key("Partner", pid), {})
        m = measures.get(pid, {})
        category = analysis.category_name(d.get("category")) if d.get("category") else None
        roles = _roles(G, node_key("Partner", pid))
        cut = m.get("articulation_point")
        tags = [category, d.get("level"), *roles, "cut point" if cut else None]
        brokerage = m.get("brokerage") or {}
        elements.append(
            [
                unique(str(pid), f"partner {pid}"),
                d.get("name") or str(pid),
                d.get("agency_type_name") or d.get("agency_type"),
                node.get("notes"),
                _tags(tags),
                str(pid),
                d.get("region"),
                d.get("level"),
                category,
                d.get("team"),
                d.get("status"),
                _tags(roles),
                m.get("degree"),
                m.get("betweenness"),
                m.get("constraint"),
                m.get("effective_size"),
                None if cut is None else ("yes" if cut else "no"),
                brokerage.get("total"),
                *(brokerage.get(role) for role in BROKERAGE_ROLES),
                m.get("categories_reached"),
            ]
        )

    connection_header = list(CONNECTION_COLUMNS)
    connections: list[list[Any]] = []
    rows = _tie_rows(view, P, day)
    for a, b, d in P.edges(data=True):
        direction, source, target = _direction(a, b, d, rows.get(frozenset((a, b)), []))
        kinds = d.get("kinds") or {}
        notes = [r.get("notes") for r in rows.get(frozenset((a, b)), []) if r.get("notes")]
        connections.append(
            [
                unique(f"{source}~{target}", f"the tie {source}-{target}"),
                str(source),
                str(target),
                _main_kind(kinds),
                direction,
                "\n".join(dict.fromkeys(notes)) or None,
                _tags(sorted(kinds)),
                d.get("weight"),
                d.get("strength"),
                _tags(d.get("agreements") or []),
                _tags(d.get("awards") or []),
            ]
        )

    if include_contacts:
        element_header += CONTACT_COLUMNS
        width = len(ELEMENT_COLUMNS)
        for person, partner, ed in G.edges(data=True):
            if ed.get("type") != "WORKS_AT" or G.nodes[partner].get("label") != "Partner":
                continue
            if G.nodes[partner].get("id") not in P:
                continue
            pd = G.nodes[person]
            pid = str(pd.get("id") or person)
            row: list[Any] = [unique(pid, f"contact {pid}"), pd.get("name") or pid, "Person"]
            row += [None] * (width - len(row))
            champion = pd.get("champion")
            row += [pd.get("title"), pd.get("email"), pd.get("phone"), None if champion is None else _yes(champion)]
            elements.append(row)
            target = str(G.nodes[partner]["id"])
            connections.append(
                [unique(f"{pid}~{target}", f"contact {pid} at {target}"), pid, target, "works at", "directed"]
                + [None] * (len(CONNECTION_COLUMNS) - 5)
            )
    return (element_header, elements), (connection_header, connections)


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _roles(G: nx.MultiDiGraph, partner: str) -> list[str]:
    if partner not in G:
        return []
    names = [
        G.nodes[v].get("name") or G.nodes[v].get("id") or str(v)
        for _, v, d in G.out_edges(partner, data=True)
        if d.get("type") == "PERFORMS"
    ]
    return list(dict.fromkeys(names))


def _tags(values: list[Any]) -> str | None:
    """Values as one Kumu multi-value cell: ``a|b``, each value once, no ``|`` inside one."""
    items = [str(v).replace("|", "/").strip() for v in values if v is not None and str(v).strip()]
    return "|".join(dict.fromkeys(items)) or None


def _main_kind(kinds: Mapping[str, int]) -> str | None:
    """The kind that made most of a tie; on equal counts agreement, then funding, then by name."""
    if not kinds:
        return None
    return min(kinds, key=lambda k: (-kinds[k], _FORMAL.index(k) if k in _FORMAL else len(_FORMAL), k))


def _tie_rows(view: nx.MultiDiGraph, P: nx.Graph, day: Any) -> dict[frozenset[str], list[dict[str, Any]]]:
    """The current ``ties`` rows of each pair of the partner graph, with their source and target ids."""
    rows: dict[frozenset[str], list[dict[str, Any]]] = {}
    for u, v, d in current_edges(view, "TIED_TO", day):
        a, b = view.nodes[u].get("id"), view.nodes[v].get("id")
        if a is None or b is None or a == b or not P.has_edge(a, b):
            continue
        rows.setdefault(frozenset((a, b)), []).append({**d, "_from": a, "_to": b})
    return rows


def _direction(a: str, b: str, data: Mapping[str, Any], rows: list[dict[str, Any]]) -> tuple[str, str, str]:
    """Kumu's direction of one tie and its ends (see the module docstring)."""
    kinds = data.get("kinds") or {}
    only_rows = sum(kinds.values()) == len(rows) and rows
    if only_rows and all(r.get("directed") for r in rows):
        ways = {(r["_from"], r["_to"]) for r in rows}
        if len(ways) == 1:
            (source, target) = next(iter(ways))
            return "directed", source, target
        source, target = sorted((a, b), key=str)
        return "mutual", source, target
    source, target = sorted((a, b), key=str)
    return "undirected", source, target


def _about(G: nx.MultiDiGraph, analysis: Analysis, include_contacts: bool) -> list[str]:
    return [
        "netmap export for Kumu",
        f"Map: {G.graph.get('map_id') or ''}",
        f"Partner network as of {analysis.as_of.isoformat()}"
        + (f", region {analysis.region}" if analysis.region else "")
        + f", roster {analysis.roster.name}",
        f"Betweenness: {analysis.brokers.method}" + (f" ({analysis.brokers.k} pivots)" if analysis.brokers.k else ""),
        "Contacts (personal data): " + ("included" if include_contacts else "left out"),
        "",
        "To import: in your Kumu map, click + (bottom), Import, select this .xlsx file, review, Save.",
        "Elements and connections carry IDs, so importing a later export updates them instead of adding copies.",
        "Kumu skips this sheet because its name contains (ignore).",
    ]


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def _xlsx(elements: _Table, connections: _Table, about: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets = [wb.active, wb.create_sheet(), wb.create_sheet()]
    for ws, title in zip(sheets, SHEETS, strict=True):
        ws.title = title
    for ws, (header, rows) in zip(sheets, (elements, connections), strict=False):
        for r, row in enumerate([header, *rows], start=1):
            for c, value in enumerate(row, start=1):
                value = _cell_value(value)
                if value is None:
                    continue
                set_cell(ws.cell(row=r, column=c), value)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    for r, line in enumerate(about, start=1):
        cell = sheets[2].cell(row=r, column=1, value=_cell_value(line))
        cell.data_type = "s"
    sheets[2]["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
