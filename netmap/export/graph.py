"""Export a netmap graph for other tools: GraphML and GEXF (Gephi), node-link JSON, CSV.

:func:`export_graph` writes one of :data:`FORMATS` and returns the files it wrote. The graph
given is never changed; the export works on converted copies of its values.

Personal data
-------------
``Person`` nodes (contacts: name, title, email, phone) and ``WORKS_AT`` relationships are
left out of every format unless ``include_contacts=True``.

Conversions
-----------
Every format keeps the node keys (``"Partner:007"``), the edge keys, every attribute and its
type as far as the format can hold it. Node and edge keys are written as text (a graph whose
keys are the same once written as text, such as ``7`` and ``"7"``, is refused).

============== ========================= =========================== ===================
value          GraphML / GEXF            JSON                        CSV
============== ========================= =========================== ===================
None           attribute left out        ``null``                    empty cell
bool           boolean                   ``true`` / ``false``        ``true`` / ``false``
int, float     long, double              number                      number
NaN, infinity  attribute left out        ``null``                    empty cell
date, datetime ISO text (2024-01-15)     ISO text                    ISO text
list, tuple    text joined with ``;``    array                       text joined with ``;``
dict           JSON text                 object                      JSON text
other          ``str(value)``            ``str(value)``              ``str(value)``
============== ========================= =========================== ===================

netmap's lists are agreement ``parties`` (partner ids) and population ``calls_for`` (agency
type ids); the workbook itself separates parties with ``;``, so the joined text splits back.
Sets are sorted first.
GraphML and GEXF declare one type per attribute: an attribute whose values mix ints and
floats is written as floats, any other mix as text (``true``/``false`` for booleans).

Names. Each format uses some names for its own structure. An attribute with such a name
(compared case-insensitively) is written with a ``netmap_`` prefix, and so is any attribute
whose name already starts with ``netmap_``, so that the renaming can be undone (remove one
``netmap_`` prefix from every name that has one):

- GraphML and GEXF: ``label`` holds what Gephi displays, the node's ``name`` (else its id) and
  the edge's relationship type; netmap's node label (``Partner``, ``Role``, ...) is therefore
  ``netmap_label``. Also renamed: ``id`` (GEXF uses it as the node id, so ``"007"`` of a
  partner and of an agreement would become one node), ``type`` (GEXF's edge direction),
  ``start``, ``end``, ``pid``, ``parents``, ``spells``, ``slices``, ``viz`` (GEXF), ``key``,
  ``networkx_key`` (the edge key), ``weight``, ``x``, ``y``, ``z``, ``xpos``, ``ypos``,
  ``size``, ``r``, ``g``, ``b``, ``edgelabel``, ``edgeid``, ``edge weight``, ``d3``, ``d7``
  (Gephi reads these as display properties instead of attributes), ``timeset``,
  ``interval``, and for the graph ``name``, ``mode``, ``node_default``, ``edge_default``.
- JSON: ``key`` of a node (the node key's field), ``source``, ``target`` and ``key`` of an
  edge. So a ``FUNDS`` edge's funding ``source`` is ``netmap_source``.
- CSV: ``key`` in ``nodes.csv``; ``source``, ``target`` and ``key`` in ``edges.csv``.

GraphML
    One ``.graphml`` file. Edge keys are the edge attribute ``key``; edges have no GraphML
    id, because Gephi keeps only the first edge of each id and netmap's keys (``IS_A``) are
    unique only between two nodes. Read it back with
    ``nx.read_graphml(path, force_multigraph=True)``. Graph attributes: ``map_id``,
    ``roster``, ``source`` as text; ``files``, ``columns`` and ``extra_sheets`` as JSON text.
GEXF
    One ``.gexf`` file, GEXF 1.2draft, valid against the official XSD it declares
    (``gexf.xsd``). Node ids are the node keys; edges have ids ``0``, ``1``, ... and their
    keys in the ``networkx_key`` attribute, which :func:`networkx.read_gexf` turns back into
    keys (it returns a simple ``DiGraph`` when no two edges share both ends). GEXF has no
    graph attributes: the map id is the ``description`` in ``meta``, whose
    ``lastmodifieddate`` is the as-of day. Given the analysis (as the CLI does), each
    partner gets the measures of :data:`MEASURES` as attributes and the map's drawing:
    ``color`` (its category's colour), ``size`` and ``position`` (x, and y negated: the map's
    y points down, Gephi's up), from :func:`netmap.render.map.map_data`, so Gephi opens the
    layout of ``netmap map`` (seeded: the same file each time). Both official 1.2draft
    schemas (XSD and RELAX NG) declare these three elements in the GEXF namespace, not in
    the ``viz`` namespace networkx and Gephi write them in; they are written as the schemas
    say (Gephi reads them by their local name; :func:`networkx.read_gexf` skips them).
    Why not GEXF 1.3: its XSD declares ``color``, ``position`` and ``size`` in the GEXF
    namespace while its RELAX NG puts them in ``viz``, so no 1.3 file with a drawing is
    valid against both.
JSON
    A node-link document (:func:`networkx.node_link_data`): nodes in the field ``nodes``,
    each with its key in ``key``; edges in ``edges`` with ``source``, ``target`` and
    ``key``. UTF-8 without escapes, keys sorted, nodes and edges in the graph's order, the
    graph attributes as JSON. Read it back with ``nx.node_link_graph(data, edges="edges",
    name="key")``.
CSV
    A folder with ``nodes.csv`` (``key, label, id, name``, then every other attribute) and
    ``edges.csv`` (``source, target, key, type``, then every other attribute); the other
    attributes in the order they first appear, those starting with ``_`` (``_sheet``,
    ``_row``) last. Read the cells as text (``pandas.read_csv(path, dtype=str,
    keep_default_na=False)``) to keep ids such as ``007`` as written.

Booleans are ``true`` and ``false`` in GraphML and GEXF (XML Schema's ``boolean``; rustworkx
refuses ``True``), so networkx, python-igraph and rustworkx read them as booleans.

Measures
--------
:func:`measures` gives each analysed partner the columns of the brokers table
(:mod:`netmap.analysis.brokers`): ``degree``, ``betweenness``, ``brokerage_coordinator``, ``_itinerant``,
``_gatekeeper``, ``_representative``, ``_liaison`` and ``_total``, ``constraint``,
``effective_size``, ``articulation_point`` (a cut point: the network splits without it, a
boolean) and ``categories_reached``. A measure a partner has none of (constraint of a partner
without ties) is left out as None is.

Partners only
-------------
``partners_only=True`` writes the partner graph the analysis measured instead of the whole
map: the partners at the table on the as-of day (``netmap.analysis._common.partner_graph``,
the graph betweenness and cut points are computed on), keyed as in the map
(``Partner:ODE``) with their map attributes and the measures, and one undirected edge per
pair of partners tied that day (by ties rows, shared current agreements or awards) with the
projection's ``kinds``, ``weight`` (GEXF: also the edge's weight), ``agreements``, ``ties``,
``awards`` and ``strength``. JSON says ``directed: false, multigraph: false``; CSV edges
have ``source, target`` and no key. Roles, populations, agreements, funders and contacts are
not nodes of it. Not for the ``workbook`` format.

Text that a format cannot hold
------------------------------
XML 1.0 cannot hold the control characters U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, nor
U+FFFE, U+FFFF: GraphML and GEXF replace each with U+FFFD (the replacement character), so the
file stays well-formed and the reader sees that something was there; tab and line feed are
kept. XML readers turn a carriage return into a line feed, so GraphML and GEXF write each
``\\r\\n`` and ``\\r`` as ``\\n`` and both read back alike. Lone surrogates (which no UTF-8
file can hold) become U+FFFD in every format. ``<``, ``&``, quotes and ``]]>`` are escaped by
the XML writer and come back as they were.

Spreadsheet formulas (CSV injection)
------------------------------------
A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return followed by one) as a formula. Following the OWASP advice on CSV injection, every *text*
cell of the CSV files (header, keys, values) that starts with one of ``= + - @``, a tab or a
carriage return gets a leading apostrophe ``'``, which spreadsheets show as text:
``=1+1`` is written ``'=1+1``. Numbers are numbers, not formulas: the float ``-1.5`` is written
``-1.5``, but the text ``"-1+2"`` is written ``'-1+2``. A text that already starts with
apostrophes followed by one of those characters gets one more apostrophe, so the rule can be
undone exactly: remove one leading apostrophe from every cell that matches ``'+[=+\\-@\\t\\r]``.
:func:`neutralise` applies the rule to one value.

The CSV files are UTF-8 with a byte-order mark (``utf-8-sig``): Excel reads a CSV file without
one in the computer's legacy code page and garbles every accent, while pandas, netmap and
LibreOffice skip the mark (Python's :mod:`csv` needs ``encoding="utf-8-sig"``). Rows end with
CRLF, as RFC 4180 and Excel expect.

Examples
--------
>>> import tempfile, netmap
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> folder = Path(tempfile.mkdtemp())
>>> [p.name for p in export_graph(G, folder / "map.graphml", format="graphml")]
['map.graphml']
>>> H = nx.read_graphml(folder / "map.graphml", force_multigraph=True)
>>> H.nodes["Partner:PCC"]["label"], H.nodes["Partner:PCC"]["netmap_label"]
('Pima Community College', 'Partner')
>>> [p.name for p in export_graph(G, folder / "csv", format="csv")]
['nodes.csv', 'edges.csv']
>>> neutralise("=HYPERLINK(1)"), neutralise("Pima CC")
("'=HYPERLINK(1)", 'Pima CC')
"""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import json
import math
import numbers
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter
from networkx.readwrite.graphml import GraphMLWriter

from netmap._version import __version__
from netmap.analysis import Analysis, select_region
from netmap.analysis._common import partner_graph
from netmap.analysis.brokers import BROKERAGE_ROLES
from netmap.errors import UsageError
from netmap.outputs import (
    Inputs,
    Written,
    check_file_target,
    check_folder_target,
    neutralise,
    write_file,
    write_folder,
)
from netmap.project import CURRENT, DATED, agreement_state, as_date, edge_state

__all__ = ["FORMATS", "MEASURES", "export_graph", "measures", "neutralise"]

FORMATS: tuple[str, ...] = ("graphml", "gexf", "json", "csv")
# Not a graph format: netmap's own sheets, for people to edit (e.g. an HSDS package as a workbook).
WORKBOOK = "workbook"

_PREFIX = "netmap_"

# Names GraphML, GEXF, networkx or Gephi give a meaning of their own (see the module docstring).
_XML_RESERVED = frozenset(
    {
        "id", "label", "type", "key", "networkx_key", "pid", "start", "end", "spells", "slices", "parents",
        "viz", "weight", "x", "y", "z", "xpos", "ypos", "size", "r", "g", "b", "edgelabel", "edgeid",
        "edge weight", "d3", "d7", "timeset", "interval",
    }
)  # fmt: skip
_XML_GRAPH_RESERVED = _XML_RESERVED | {"name", "mode", "node_default", "edge_default"}
_NODE_FIELDS = frozenset({"key"})
_EDGE_FIELDS = frozenset({"source", "target", "key"})

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def export_graph(
    G: nx.MultiDiGraph,
    path: str | Path,
    *,
    format: str,
    include_contacts: bool = False,
    overwrite: bool = False,
    as_of: dt.date | str | None = None,
    inputs: Inputs = (),
    partners_only: bool = False,
    analysis: Analysis | None = None,
) -> Written:
    """Write ``G`` as GraphML, GEXF, node-link JSON or a folder of CSV files.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A netmap graph (see :func:`netmap.build_graph`). Not modified.
    path : str or Path
        The file to write (``graphml``, ``gexf``, ``json``) or the folder (``csv``; created if
        missing).
    format : {"graphml", "gexf", "json", "csv", "workbook"}
        See the module docstring for what each format holds and how values are converted;
        ``workbook`` writes the netmap sheets as a CSV folder that netmap reads back.
    include_contacts : bool
        Keep ``Person`` nodes and ``WORKS_AT`` relationships (personal data); left out otherwise.
    overwrite : bool
        Replace an existing file, or the CSV files of a folder that holds any.
    as_of : date or ISO str, optional
        The day the ``current`` flag of agreements, ties rows and awards is judged on
        (default today). Lapsed and planned ones are exported too, flagged.
    inputs : sequence of (label, path)
        The files and folders the graph was read from: the export never writes over one
        (see :mod:`netmap.outputs`).
    partners_only : bool
        Write the partner graph as analysed instead of the whole map (see "Partners only" in
        the module docstring); not for ``workbook``.
    analysis : netmap.analysis.Analysis, optional
        The analysis of ``G`` (:func:`netmap.pipeline.run`, as the CLI makes it). GEXF writes
        its measures and the map's colours, sizes and positions when it is given;
        ``partners_only`` writes its partner graph (made here, on ``as_of``, when not given).

    Returns
    -------
    Written
        The files written (a list of Path), each atomically; for folders also what was removed
        and left alone (see :class:`netmap.outputs.Written`).

    Raises
    ------
    UsageError
        Unknown format; ``partners_only`` with ``workbook``; the file exists (or the folder
        holds CSV files) and not ``overwrite``; the path is a folder where a file is expected
        or the other way round; two node keys (or two edge keys between the same nodes) are
        the same once written as text.

    Examples
    --------
    >>> import tempfile, netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> out = export_graph(G, Path(tempfile.mkdtemp()) / "map.json", format="json")
    >>> doc = json.loads(out[0].read_text(encoding="utf-8"))
    >>> sorted(doc), any(n["label"] == "Person" for n in doc["nodes"])
    (['directed', 'edges', 'graph', 'multigraph', 'nodes'], False)
    """
    if format not in (*FORMATS, WORKBOOK):
        # kumu is netmap.export.kumu's (the CLI sends it there); named so the choice is whole.
        choices = ", ".join((*FORMATS, "kumu", WORKBOOK))
        raise UsageError(f"unknown export format {format!r}; choose one of {choices}")
    if partners_only and format == WORKBOOK:
        raise UsageError("--partners-only is for graphml, gexf, json and csv; a workbook holds the whole map")
    target = Path(path)
    day = as_date(as_of)
    if analysis is None and partners_only:
        from netmap.pipeline import run

        analysis = run(G, as_of=day, include_contacts=include_contacts)
    chosen = _Chosen(G, include_contacts, day, analysis, partners_only=partners_only, with_measures=format == "gexf")
    if format == WORKBOOK:
        # The sheets netmap reads, e.g. to turn an HSDS package into a workbook people edit.
        from netmap.export.workbook import write_workbook

        view = G
        if not include_contacts:
            view = nx.subgraph_view(G, filter_node=lambda n: G.nodes[n].get("label") != "Person")
        return write_workbook(view, target, overwrite=overwrite, inputs=inputs)
    if format == "csv":
        check_folder_target(target, ["nodes.csv", "edges.csv"], inputs=inputs, force=overwrite, clashes=_csv_files)
        nodes, edges = _csv_tables(chosen)
        files = {}
        for name, (header, rows) in (("nodes.csv", nodes), ("edges.csv", edges)):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(header)
            writer.writerows(rows)
            # utf-8-sig: Excel only reads a CSV file as UTF-8 when it starts with a byte-order mark.
            files[name] = buffer.getvalue().encode("utf-8-sig")
        # Any CSV file refuses the write, not only nodes.csv and edges.csv: in a workbook
        # folder they would be read as sheets.
        return write_folder(target, files, inputs=inputs, force=overwrite, clashes=_csv_files)
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give a file name for the export")
    check_file_target(target, inputs=inputs, force=overwrite)
    # Everything is converted and serialised in memory first, and written atomically.
    if format == "json":
        data = _json_bytes(chosen)
    else:
        buffer = io.BytesIO()
        if format == "graphml":
            _write_graphml(_xml_graph(chosen, gexf=False), buffer)
        else:
            _write_gexf(_xml_graph(chosen, gexf=True), buffer, chosen)
        data = buffer.getvalue()
    written = Written(target.parent, [write_file(target, data, inputs=inputs, force=overwrite, make_folder=True)])
    return written


def _csv_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.csv"))


# --- which nodes and edges --------------------------------------------------------


def _is_personal_node(data: Mapping[Any, Any]) -> bool:
    return data.get("label") == "Person"


def _kept(
    G: nx.MultiDiGraph, include_contacts: bool, day: dt.date
) -> tuple[list[tuple[Any, Mapping[Any, Any]]], list[tuple[Any, Any, Any, Mapping[Any, Any]]]]:
    """The nodes and edges to export, in the graph's order.

    Agreements and the dated relationships (ties rows, agreement memberships, awards) carry
    ``current`` (a boolean) and ``state`` (current, lapsed or planned) on ``day``, so a tool
    reading the file can leave out what netmap's measures leave out.
    """
    nodes = [
        (n, _dated(d, agreement_state(d, day)) if d.get("label") == "Agreement" else d)
        for n, d in G.nodes(data=True)
        if include_contacts or not _is_personal_node(d)
    ]
    kept = {n for n, _ in nodes}
    edges = [
        (u, v, k, _dated(d, edge_state(G, u, v, d, day)) if d.get("type") in DATED else d)
        for u, v, k, d in G.edges(keys=True, data=True)
        if u in kept and v in kept and (include_contacts or d.get("type") != "WORKS_AT")
    ]
    return nodes, edges


# The partners' measures, named as in the brokers table (``brokerage`` split into one
# count per role), in the order they are declared.
MEASURES: tuple[str, ...] = (
    "degree",
    "betweenness",
    *(f"brokerage_{role}" for role in (*BROKERAGE_ROLES, "total")),
    "constraint",
    "effective_size",
    "articulation_point",
    "categories_reached",
)


def measures(analysis: Analysis) -> dict[str, dict[str, Any]]:
    """The measures of every partner the analysis ranked, by partner id.

    Examples
    --------
    >>> import netmap
    >>> from netmap.pipeline import run
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> row = measures(run(G, as_of="2026-11-24"))["PCC"]
    >>> sorted(row) == sorted(MEASURES), type(row["articulation_point"])
    (True, <class 'bool'>)
    """
    out = {}
    for row in analysis.brokers.rows:
        counts = row.get("brokerage") or {}
        values = {name: row.get(name) for name in MEASURES if not name.startswith("brokerage_")}
        values.update({f"brokerage_{role}": counts.get(role) for role in (*BROKERAGE_ROLES, "total")})
        out[row["id"]] = {name: values[name] for name in MEASURES}
    return out


class _Chosen:
    """What one export writes: nodes and edges (in the graph's order), and how.

    The whole map (``_kept``), or with ``partners_only`` the partner graph the analysis
    measured (:func:`netmap.analysis._common.partner_graph` on its day): its partners, keyed
    as in the map (``Partner:ODE``) with their map attributes, and its undirected ties
    (edge key None). ``measures`` adds the partners' measures to their nodes (always with
    ``partners_only``).
    """

    def __init__(
        self,
        G: nx.MultiDiGraph,
        include_contacts: bool,
        day: dt.date,
        analysis: Analysis | None,
        *,
        partners_only: bool = False,
        with_measures: bool = False,
    ):
        self.G, self.analysis, self.day = G, analysis, day
        self.directed = not partners_only
        scores = measures(analysis) if analysis is not None and (with_measures or partners_only) else {}
        if partners_only:
            if analysis is None:
                raise ValueError("the partner graph is the analysis's: give one")
            P = partner_graph(select_region(G, analysis.region), analysis.as_of)
            key_of = {d.get("id"): n for n, d in G.nodes(data=True) if d.get("label") == "Partner"}
            self.nodes = [(key_of[pid], {**G.nodes[key_of[pid]], **scores.get(pid, {})}) for pid in P]
            self.edges = [(key_of[u], key_of[v], None, d) for u, v, d in P.edges(data=True)]
        else:
            nodes, self.edges = _kept(G, include_contacts, day)
            self.nodes = [
                (n, {**d, **scores[d.get("id")]}) if d.get("label") == "Partner" and d.get("id") in scores else (n, d)
                for n, d in nodes
            ]


def _dated(data: Mapping[Any, Any], state: str) -> dict[Any, Any]:
    return {**data, "current": state == CURRENT, "state": state}


class _Keys:
    """Node keys as text, refusing two keys that become the same text."""

    def __init__(self, clean: Callable[[str], str]):
        self.clean = clean
        self.seen: dict[str, Any] = {}

    def __call__(self, node: Any) -> str:
        text = self.clean(_text(node))
        first = self.seen.setdefault(text, node)
        if first != node or type(first) is not type(node):
            raise UsageError(f"nodes {first!r} and {node!r} are both {text!r} once written; rename one")
        return text


# --- values -----------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text any UTF-8 file can hold."""
    return _SURROGATE.sub("\ufffd", text)


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold, reading back as written (see the module docstring)."""
    return _XML_ILLEGAL.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _text(value: Any) -> str:
    """One value as text: list items, CSV cells, attributes written as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, (list, tuple)):
        return ";".join(_text(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return ";".join(sorted(_text(item) for item in value))
    if isinstance(value, Mapping):
        return json.dumps(_json_value(value), ensure_ascii=False, sort_keys=True)
    return str(value)


def _xml_value(value: Any) -> bool | int | float | str | None:
    """A value GraphML and GEXF can hold; None leaves the attribute out."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _finite(float(value))
    return _xml_text(_text(value))


def _json_value(value: Any) -> Any:
    """A value :func:`json.dumps` writes as plain, valid JSON."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _finite(float(value))  # JSON has no NaN or Infinity
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {_clean(_text(k)): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return [_json_value(item) for item in sorted(value, key=_text)]
    return _clean(str(value))


def _csv_value(value: Any) -> str | int | float:
    """One CSV cell: numbers as numbers, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        finite = _finite(float(value))
        return "" if finite is None else finite
    return neutralise(_clean(_text(value)))


def _name(name: Any, reserved: frozenset[str], clean: Callable[[str], str]) -> str:
    """An attribute's name in a format: ``netmap_`` before a reserved name (see the module docstring)."""
    text = clean(_text(name))
    folded = text.casefold()
    return _PREFIX + text if folded in reserved or folded.startswith(_PREFIX) else text


def _attrs(
    data: Mapping[Any, Any],
    reserved: frozenset[str],
    clean: Callable[[str], str],
    convert: Callable[[Any], Any],
    *,
    drop_none: bool,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = _name(key, reserved, clean)
        if name in out:
            raise UsageError(f"attributes {key!r} and another one are both {name!r} once written; rename one")
        converted = convert(value)
        if converted is None and drop_none:
            continue
        out[name] = converted
    return out


# --- GraphML and GEXF -------------------------------------------------------------


def _xml_graph(chosen: _Chosen, *, gexf: bool) -> nx.Graph:
    """A copy of what is chosen that networkx writes as GraphML or GEXF and Gephi reads as meant."""
    G, nodes, edges = chosen.G, chosen.nodes, chosen.edges
    key_of = _Keys(_xml_text)
    H: nx.Graph = nx.MultiDiGraph() if chosen.directed else nx.Graph()
    for n, d in nodes:
        attrs = _attrs(d, _XML_RESERVED, _xml_text, _xml_value, drop_none=True)
        shown = next((d.get(k) for k in ("name", "id") if d.get(k) is not None), n)
        attrs["label"] = _xml_text(_text(shown))
        H.add_nodes_from([(key_of(n), attrs)])
    if gexf and chosen.analysis is not None:
        _add_viz(H, chosen.G, chosen.analysis)
    for u, v, k, d in edges:
        attrs = _attrs(d, _XML_RESERVED, _xml_text, _xml_value, drop_none=True)
        source = key_of(u)
        target = key_of(v)
        if not chosen.directed:
            # The partner graph: one undirected tie per pair, its strength Gephi's edge weight.
            if gexf and isinstance(d.get("weight"), numbers.Real):
                attrs["weight"] = float(d["weight"])
            H.add_edges_from([(source, target, attrs)])
            continue
        attrs["label"] = _xml_text(_text(d.get("type") if d.get("type") is not None else k))
        key = _xml_text(_text(k))
        if H.has_edge(source, target, key):
            raise UsageError(f"two edges from {u!r} to {v!r} have the key {key!r} once written; rename one")
        if not gexf:
            # GraphML: networkx's reader takes the key from this attribute when an edge has no id.
            attrs["key"] = key
        H.add_edges_from([(source, target, key, attrs)])
    _one_type_each([d for _, d in H.nodes(data=True)])
    _one_type_each([d for _, _, d in H.edges(data=True)])
    if not gexf:
        H.graph.update(_attrs(G.graph, _XML_GRAPH_RESERVED, _xml_text, _xml_value, drop_none=True))
    return H


def _add_viz(H: nx.Graph, G: nx.MultiDiGraph, analysis: Analysis) -> None:
    """Each partner's colour, size and place on the map (:func:`netmap.render.map.map_data`).

    The map's y axis points down (as on a screen), Gephi's up: y is negated so the picture
    is the same way up.
    """
    from netmap.render.map import map_data

    drawn = {n["partner"]: n for n in map_data(G, analysis)["nodes"] if n.get("group") == "partner"}
    for n, d in G.nodes(data=True):
        node = drawn.get(d.get("id")) if d.get("label") == "Partner" else None
        key = _xml_text(_text(n))
        if node is None or key not in H:
            continue
        viz: dict[str, Any] = {"size": float(node["size"])}
        colour = str(node.get("color") or "")
        if re.fullmatch("#[0-9a-fA-F]{6}", colour):
            r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
            viz["color"] = {"r": r, "g": g, "b": b, "a": 1.0}
        if node.get("x") is not None and node.get("y") is not None:
            viz["position"] = {"x": float(node["x"]), "y": -float(node["y"]), "z": 0.0}
        H.nodes[key]["viz"] = viz


def _write_gexf(H: nx.Graph, stream: io.BytesIO, chosen: _Chosen) -> None:
    """GEXF 1.2draft, valid against its XSD: no graph ``name`` (which the schema refuses),
    the map id as the description, the as-of day as the last-modified date (so an export
    repeats byte for byte)."""
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(H)
    # Both official GEXF 1.2draft schemas (XSD and RELAX NG) declare color, position and size
    # in the GEXF namespace itself, not in the viz namespace networkx writes them in: a file
    # with viz:color fails both. Gephi's importer goes by the element's local name.
    for el in writer.xml.iter():
        if isinstance(el.tag, str) and el.tag.startswith(f"{{{writer.NS_VIZ}}}"):
            el.tag = el.tag.split("}", 1)[1]
    graph = writer.xml.find("graph")
    if graph is not None:
        graph.attrib.pop("name", None)  # networkx writes one, empty at least; the schema has none
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.set("lastmodifieddate", chosen.day.isoformat())
        for child in list(meta):
            meta.remove(child)
        ET.SubElement(meta, "creator").text = f"netmap {__version__}"
        map_id = chosen.G.graph.get("map_id")
        if map_id is not None:
            ET.SubElement(meta, "description").text = _xml_text(_text(map_id))
    writer.write(stream)


def _one_type_each(records: list[dict[str, Any]]) -> None:
    """Give each attribute one type: GraphML and GEXF declare one per attribute."""
    types: dict[str, set[type]] = defaultdict(set)
    for record in records:
        for name, value in record.items():
            types[name].add(type(value))
    for name, found in types.items():
        if len(found) < 2:
            continue
        to_float = found <= {int, float}
        for record in records:
            if name in record:
                value = record[name]
                record[name] = float(value) if to_float else _xml_text(_text(value))


def _write_graphml(H: nx.MultiDiGraph, stream: io.BytesIO) -> None:
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(H)
    root = writer.xml
    # Gephi reads a node key whose id is "d3" (an edge key "d7") as the label, whatever its
    # name, because yEd files do so; networkx numbers its keys d0, d1, ... So keys get ids by
    # scope instead: g0.. for the graph, n0.. for nodes, e0.. for edges.
    keys = [el for el in root if el.tag == "key"][::-1]  # networkx inserts each new key first
    scopes = {"graph": 0, "node": 1, "edge": 2}
    keys.sort(key=lambda el: scopes.get(el.get("for", ""), 3))
    renamed: dict[str, str] = {}
    counters: dict[str, int] = defaultdict(int)
    for el in keys:
        scope = el.get("for", "")
        prefix = scope[:1] if scope in scopes else "k"
        renamed[el.get("id", "")] = f"{prefix}{counters[prefix]}"
        counters[prefix] += 1
        el.set("id", renamed[el.get("id", "")])
        root.remove(el)
    for position, el in enumerate(keys):
        root.insert(position, el)
    booleans = {el.get("id") for el in keys if el.get("attr.type") == "boolean"}
    for el in root.iter("data"):
        el.set("key", renamed[el.get("key", "")])
        if el.get("key") in booleans:
            # networkx writes str(True); XML Schema's boolean (and rustworkx) wants true/false.
            el.text = "true" if el.text == "True" else "false" if el.text == "False" else el.text
    # No edge ids: Gephi drops every edge whose id it has seen, and netmap keys repeat across node pairs.
    for el in root.iter("edge"):
        el.attrib.pop("id", None)
    writer.dump(stream)


# --- JSON -------------------------------------------------------------------------


def _node_link_names() -> dict[str, str]:
    # networkx 3.4 renamed node_link_data's ``link`` argument to ``edges``.
    if "edges" in inspect.signature(nx.node_link_data).parameters:
        return {"edges": "edges", "name": "key"}
    return {"link": "edges", "name": "key"}


def _json_bytes(chosen: _Chosen) -> bytes:
    G, nodes, edges = chosen.G, chosen.nodes, chosen.edges
    key_of = _Keys(_clean)
    H: nx.Graph = nx.MultiDiGraph() if chosen.directed else nx.Graph()
    H.graph.update(_json_value(dict(G.graph)))
    for n, d in nodes:
        H.add_nodes_from([(key_of(n), _attrs(d, _NODE_FIELDS, _clean, _json_value, drop_none=False))])
    for u, v, k, d in edges:
        source, target, key = key_of(u), key_of(v), _clean(_text(k))
        if not chosen.directed:
            H.add_edges_from([(source, target, _attrs(d, _EDGE_FIELDS, _clean, _json_value, drop_none=False))])
            continue
        if H.has_edge(source, target, key):
            raise UsageError(f"two edges from {u!r} to {v!r} have the key {key!r} once written; rename one")
        H.add_edges_from([(source, target, key, _attrs(d, _EDGE_FIELDS, _clean, _json_value, drop_none=False))])
    data = nx.node_link_data(H, **_node_link_names())
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


# --- CSV --------------------------------------------------------------------------

_Table = tuple[list[str], list[list[Any]]]


def _csv_tables(chosen: _Chosen) -> tuple[_Table, _Table]:
    nodes, edges = chosen.nodes, chosen.edges
    key_of = _Keys(_clean)
    node_rows = []
    for n, d in nodes:
        attrs = _attrs(d, _NODE_FIELDS, _clean, _csv_value, drop_none=False)
        node_rows.append({"key": neutralise(key_of(n)), **attrs})
    edge_rows = []
    seen: set[tuple[str, str, str]] = set()
    for u, v, k, d in edges:
        ends = (key_of(u), key_of(v), _clean(_text(k)))
        if ends in seen:
            raise UsageError(f"two edges from {u!r} to {v!r} have the key {ends[2]!r} once written; rename one")
        seen.add(ends)
        attrs = _attrs(d, _EDGE_FIELDS, _clean, _csv_value, drop_none=False)
        source, target, key = (neutralise(end) for end in ends)
        if chosen.directed:
            edge_rows.append({"source": source, "target": target, "key": key, **attrs})
        else:
            edge_rows.append({"source": source, "target": target, **attrs})  # the partner graph has no keys
    first = ["source", "target", "key", "type"] if chosen.directed else ["source", "target"]
    return _table(["key", "label", "id", "name"], node_rows), _table(first, edge_rows)


def _table(first: list[str], rows: list[dict[str, Any]]) -> _Table:
    seen = dict.fromkeys(name for row in rows for name in row if name not in first)
    # netmap's bookkeeping (_sheet, _row) after the data a person reads.
    header = first + [n for n in seen if not n.startswith("_")] + [n for n in seen if n.startswith("_")]
    body = [[row.get(name, "") for name in header] for row in rows]
    return [neutralise(name) for name in header], body
