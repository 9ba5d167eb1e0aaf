"""Tests of netmap.export.graph: GraphML, GEXF, node-link JSON and CSV exports.

Every export is read back with another reader (networkx, csv, pandas, defusedxml) and
compared with an expectation computed here, from the conversions the module documents,
without using the module's own helpers.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import inspect
import json
import math
import re
import textwrap
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from defusedxml import ElementTree as SafeET

import netmap
from netmap.errors import UsageError
from netmap.export.graph import FORMATS, export_graph, neutralise
from tests.conftest import EXAMPLES, write_csv_workbook

EXAMPLE_NAMES = ("tucson-behavioral-health", "oregon-pathways-alliance", "four-state-coalitions")
SUFFIX = {"graphml": "map.graphml", "gexf": "map.gexf", "json": "map.json", "csv": "map-csv"}

# As documented in the module: names each format keeps for itself.
XML_RESERVED = {
    "id", "label", "type", "key", "networkx_key", "pid", "start", "end", "spells", "slices", "parents",
    "viz", "weight", "x", "y", "z", "xpos", "ypos", "size", "r", "g", "b", "edgelabel", "edgeid",
    "edge weight", "d3", "d7", "timeset", "interval",
}  # fmt: skip
XML_GRAPH_RESERVED = XML_RESERVED | {"name", "mode", "node_default", "edge_default"}
NODE_FIELDS = {"key"}
EDGE_FIELDS = {"source", "target", "key"}
MISSING = object()

FORMULA_PAYLOADS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x","y")']
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


# --- expectations, written from the documented rules ------------------------------------


def renamed(name: str, reserved: set[str]) -> str:
    folded = name.casefold()
    return "netmap_" + name if folded in reserved or folded.startswith("netmap_") else name


def xml_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ";".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=lambda d: d.isoformat())
    return str(value)


def xml_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    if isinstance(value, (bool, int, float)):
        return value
    return xml_text(as_text(value))


def xml_attrs(data: dict, reserved: set[str] = XML_RESERVED) -> dict[str, Any]:
    out = {renamed(k, reserved): xml_value(v) for k, v in data.items()}
    return {k: v for k, v in out.items() if v is not MISSING}


def one_type_each(records: list[dict[str, Any]]) -> None:
    """GraphML and GEXF: ints mixed with floats become floats, any other mix text."""
    names = {name for record in records for name in record}
    for name in names:
        types = {type(r[name]) for r in records if name in r}
        if len(types) > 1:
            for r in records:
                if name in r:
                    r[name] = float(r[name]) if types <= {int, float} else xml_text(as_text(r[name]))


def json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return value


def neutral(text: str) -> str:
    return "'" + text if FORMULA_START.match(text) else text


def csv_cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, (bool, int, float)):
        return as_text(value)
    return neutral(as_text(value))


def public(G: nx.MultiDiGraph, include_contacts: bool, as_of=None):
    """What an export holds: every node and edge but personal data, the dated ones flagged."""
    from netmap.project import DATED, agreement_state, as_date, edge_state

    day = as_date(as_of)

    def flag(d, state):
        return {**d, "current": state == "current", "state": state}

    nodes = [
        (n, flag(d, agreement_state(d, day)) if d.get("label") == "Agreement" else d)
        for n, d in G.nodes(data=True)
        if include_contacts or d.get("label") != "Person"
    ]
    kept = {n for n, _ in nodes}
    edges = [
        (u, v, k, flag(d, edge_state(G, u, v, d, day)) if d.get("type") in DATED else d)
        for u, v, k, d in G.edges(keys=True, data=True)
        if u in kept and v in kept and (include_contacts or d.get("type") != "WORKS_AT")
    ]
    return nodes, edges


def shown(n: Any, d: dict) -> str:
    name = d.get("name") if d.get("name") is not None else d.get("id")
    return xml_text(as_text(name if name is not None else n))


# --- reading back ------------------------------------------------------------------------


def node_link_names() -> dict[str, str]:
    if "edges" in inspect.signature(nx.node_link_graph).parameters:
        return {"edges": "edges", "name": "key"}
    return {"link": "edges", "name": "key"}


def export(G: nx.MultiDiGraph, tmp_path: Path, fmt: str, **kwargs: Any) -> list[Path]:
    return export_graph(G, tmp_path / SUFFIX[fmt], format=fmt, **kwargs)


def read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def check_graphml(G: nx.MultiDiGraph, path: Path, include_contacts: bool = False) -> None:
    SafeET.parse(path)  # well-formed
    R = nx.read_graphml(path, force_multigraph=True)
    assert R.is_directed() and R.is_multigraph()
    nodes, edges = public(G, include_contacts)
    expected_nodes = {str(n): {**xml_attrs(d), "label": shown(n, d)} for n, d in nodes}
    one_type_each(list(expected_nodes.values()))
    expected_edges = {}
    for u, v, k, d in edges:
        key = xml_text(as_text(k))
        label = xml_text(as_text(d["type"] if d.get("type") is not None else k))
        expected_edges[(str(u), str(v), key)] = {**xml_attrs(d), "label": label, "key": key}
    one_type_each(list(expected_edges.values()))
    assert R.number_of_nodes() == len(nodes) and R.number_of_edges() == len(edges)
    assert list(R.nodes) == list(expected_nodes)
    assert dict(R.nodes(data=True)) == expected_nodes
    assert {(u, v, k): d for u, v, k, d in R.edges(keys=True, data=True)} == expected_edges
    graph = {k: v for k, v in R.graph.items() if k not in ("node_default", "edge_default")}
    assert graph == xml_attrs(G.graph, XML_GRAPH_RESERVED)
    # What Gephi relies on: no edge ids (Gephi keeps one edge per id), key ids it does not read as labels.
    root = SafeET.parse(path).getroot()
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    assert all("id" not in e.attrib for e in root.iter(f"{ns}edge"))
    key_ids = [k.get("id") for k in root.iter(f"{ns}key")]
    assert len(set(key_ids)) == len(key_ids) and not {"d3", "d7"} & set(key_ids)


def read_gexf(path: Path) -> nx.MultiDiGraph:
    R = nx.read_gexf(path)
    if R.is_multigraph():
        return R
    # networkx returns a DiGraph when no two edges share both ends: the keys are then only in the file.
    ns = "{http://www.gexf.net/1.2draft}"
    root = SafeET.parse(path).getroot()
    edge_attrs = next(a for a in root.iter(f"{ns}attributes") if a.get("class") == "edge")
    key_id = next(a.get("id") for a in edge_attrs if a.get("title") == "networkx_key")
    M = nx.MultiDiGraph(R)
    M.remove_edges_from(list(M.edges))
    for edge in root.iter(f"{ns}edge"):
        u, v = edge.get("source"), edge.get("target")
        key = next(a.get("value") for a in edge.iter(f"{ns}attvalue") if a.get("for") == key_id)
        M.add_edges_from([(u, v, key, R.edges[u, v])])
    return M


def check_gexf(G: nx.MultiDiGraph, path: Path, include_contacts: bool = False) -> None:
    root = SafeET.parse(path).getroot()
    assert root.get("version") == "1.2"
    R = read_gexf(path)
    assert R.is_directed() and R.is_multigraph()
    nodes, edges = public(G, include_contacts)
    expected_nodes = {str(n): {**xml_attrs(d), "label": shown(n, d)} for n, d in nodes}
    one_type_each(list(expected_nodes.values()))
    expected_edges = {}
    for u, v, k, d in edges:
        label = xml_text(as_text(d["type"] if d.get("type") is not None else k))
        expected_edges[(str(u), str(v), xml_text(as_text(k)))] = {**xml_attrs(d), "label": label}
    one_type_each(list(expected_edges.values()))
    assert R.number_of_nodes() == len(nodes) and R.number_of_edges() == len(edges)
    assert dict(R.nodes(data=True)) == expected_nodes
    actual = {(u, v, k): dict(d) for u, v, k, d in R.edges(keys=True, data=True)}
    edge_ids = [d.pop("id") for d in actual.values()]
    assert len(set(edge_ids)) == len(edge_ids)  # Gephi keeps one edge per id
    assert actual == expected_edges
    assert root.find("{http://www.gexf.net/1.2draft}meta/{http://www.gexf.net/1.2draft}description").text == xml_text(
        as_text(G.graph["map_id"])
    )


def check_json(G: nx.MultiDiGraph, path: Path, include_contacts: bool = False) -> None:
    raw = path.read_bytes()
    doc = json.loads(raw.decode("utf-8"))
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert list(doc) == sorted(doc) and all(list(n) == sorted(n) for n in doc["nodes"])
    assert set(doc) == {"directed", "multigraph", "graph", "nodes", "edges"}
    R = nx.node_link_graph(doc, directed=True, multigraph=True, **node_link_names())
    nodes, edges = public(G, include_contacts)
    assert [n["key"] for n in doc["nodes"]] == [str(n) for n, _ in nodes]  # the graph's order
    expected_nodes = {str(n): {renamed(k, NODE_FIELDS): json_value(v) for k, v in d.items()} for n, d in nodes}
    expected_edges = {
        (str(u), str(v), str(k)): {renamed(a, EDGE_FIELDS): json_value(b) for a, b in d.items()} for u, v, k, d in edges
    }
    assert R.number_of_nodes() == len(nodes) and R.number_of_edges() == len(edges)
    assert dict(R.nodes(data=True)) == expected_nodes
    assert {(u, v, k): d for u, v, k, d in R.edges(keys=True, data=True)} == expected_edges
    assert R.graph == json_value(G.graph)


def check_csv(G: nx.MultiDiGraph, folder: Path, include_contacts: bool = False) -> None:
    nodes, edges = public(G, include_contacts)
    for name, first, items in (
        ("nodes.csv", ["key", "label", "id", "name"], [({"key": n}, d, NODE_FIELDS) for n, d in nodes]),
        (
            "edges.csv",
            ["source", "target", "key", "type"],
            [({"source": u, "target": v, "key": k}, d, EDGE_FIELDS) for u, v, k, d in edges],
        ),
    ):
        raw = (folder / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig, for Excel
        header, rows = read_csv_rows(folder / name)
        assert header[:4] == first
        bookkeeping = [h for h in header if h.startswith("_")]
        assert header[len(header) - len(bookkeeping) :] == bookkeeping
        assert len(rows) == len(items)
        for row, (fields, data, reserved) in zip(rows, items, strict=True):
            expected = {renamed(k, reserved): csv_cell(v) for k, v in data.items()}
            expected.update({k: neutral(as_text(v)) for k, v in fields.items()})
            assert set(expected) <= {h for h in header}
            assert row == {h: expected.get(h, "") for h in header}
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert list(frame.columns) == header
        assert frame.to_dict("records") == rows


CHECKS = {"graphml": check_graphml, "gexf": check_gexf, "json": check_json, "csv": check_csv}


# --- graphs ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples() -> dict[str, nx.MultiDiGraph]:
    return {name: netmap.read_graph(EXAMPLES / name) for name in EXAMPLE_NAMES}


def hostile_graph() -> nx.MultiDiGraph:
    """Netmap-shaped, with every kind of value and name the exports must handle."""
    G = nx.MultiDiGraph(
        map_id='hostile <map> & "co"',
        roster="career-pathways",
        source="workbook.xlsx",
        files={"partners": "partners.csv"},
        columns={"partners": ["id", "name", "notes"]},
        extra_sheets={"budget": [{"_row": 2, "line": "=SUM(A1)", "when": dt.date(2024, 1, 2)}]},
    )
    base = {"map_id": "hostile", "_sheet": "partners"}
    G.add_node(
        "Partner:007",
        label="Partner",
        id="007",
        name="=1+1",
        notes="<script>alert('x')</script>",
        website=None,
        level="local",
        weight=3,  # Gephi's edge weight, GEXF's nothing: renamed all the same
        x="left",
        size=1.5,
        d3="what yEd calls a label",
        Label="cased",
        netmap_label="an unknown column",
        key="a key attribute",
        mixed=1,
        ratio=2,
        flag=True,
        _row=2,
        **base,
    )
    G.add_node(
        "Partner:7",
        label="Partner",
        id="7",
        name="Pima CC",
        notes="\"'><svg onload=1>",
        level="state",
        mixed="one",
        ratio=2.5,
        flag=1,
        start=dt.date(2020, 1, 1),
        seen=dt.datetime(2024, 5, 6, 7, 8, 9),
        _row=3,
        **base,
    )
    G.add_node(
        "Partner:ctl",
        label="Partner",
        id="ctl",
        name="a\x00b\x0bc\x1fd\ufffee",
        notes="line 1\r\nline 2\rline 3\ttab ]]> end",
        amount=float("nan"),
        far=float("inf"),
        _row=4,
        **base,
    )
    G.add_node(
        "Agreement:007",
        label="Agreement",
        id="007",
        name="MOU ]]> <![CDATA[x]]>",
        title="MOU ]]> <![CDATA[x]]>",
        type="MOU",
        signed=dt.date(2024, 1, 15),
        expires=None,
        parties=["007", "7"],
        _sheet="agreements",
        _row=2,
        map_id="hostile",
    )
    G.add_node("Population:x", label="Population", id="x", name="Café — ünï ✓ 😀 עברית", calls_for=[])
    G.add_node("Region:none", label="Region", id="none")  # no name: Gephi shows the id
    G.add_node("FundingStream:wioa", label="FundingStream", id="wioa", name="-WIOA", map_id="hostile")
    G.add_node(
        "Person:007/contact-1",
        label="Person",
        id="007/contact-1",
        name="Jordan Example",
        email="jordan@example.org",
        phone="520-555-0199",
        champion=True,
        _sheet="contacts",
        _row=2,
    )
    G.add_edge("Partner:007", "Agreement:007", key="PARTY_TO", type="PARTY_TO", _sheet="agreements", _row=2)
    G.add_edge("Partner:7", "Agreement:007", key="PARTY_TO", type="PARTY_TO", _sheet="agreements", _row=2)
    G.add_edges_from(
        [
            (
                "Partner:007",
                "Partner:7",
                "TIED_TO:2",
                {"type": "TIED_TO", "kind": "referral", "strength": 2, "directed": False, "notes": "-1+2"},
            ),
            (
                "Partner:007",
                "Partner:7",
                "TIED_TO:3",
                {"type": "TIED_TO", "notes": "@SUM(A1)", "source": "=cmd", "target": "t", "key": "k", "weight": 0.5},
            ),
            ("Partner:7", "Partner:ctl", 0, {"type": "TIED_TO", "notes": "\t=cmd", "strength": 1}),
            ("Partner:ctl", "Partner:7", "no-type", {"notes": None}),
            (
                "FundingStream:wioa",
                "Partner:7",
                "FUNDS:F1",
                {
                    "type": "FUNDS",
                    "amount": -1.5,
                    "start": dt.date(2025, 7, 1),
                    "end": dt.date(2026, 6, 30),
                    "source": "federal",
                    "program": "+1",
                },
            ),
            ("Person:007/contact-1", "Partner:007", "WORKS_AT", {"type": "WORKS_AT"}),
        ]
    )
    return G


def payload_graph(small_workbook: Path, payload: str) -> nx.MultiDiGraph:
    G = netmap.read_graph(small_workbook)
    G.nodes["Partner:P1"]["name"] = payload
    G.nodes["Partner:P1"]["notes"] = payload
    G.nodes["Partner:P2"]["notes"] = "a-b"
    for _, _, d in G.edges(data=True):
        if d["type"] == "TIED_TO":
            d["notes"] = payload
    return G


def contact_values(example: str) -> list[str]:
    with (EXAMPLES / example / "contacts.csv").open(encoding="utf-8", newline="") as handle:
        return [row[k] for row in csv.DictReader(handle) for k in ("name", "email", "phone") if row[k]]


def output_bytes(paths: list[Path]) -> bytes:
    return b"".join(p.read_bytes() for p in paths)


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_examples_round_trip(examples, tmp_path, example, fmt):
    G = examples[example]
    written = export(G, tmp_path, fmt)
    CHECKS[fmt](G, tmp_path / SUFFIX[fmt])
    if fmt == "csv":
        assert written == [tmp_path / SUFFIX[fmt] / "nodes.csv", tmp_path / SUFFIX[fmt] / "edges.csv"]
    else:
        assert written == [tmp_path / SUFFIX[fmt]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("include_contacts", [False, True])
def test_hostile_graph_round_trip(tmp_path, fmt, include_contacts):
    G = hostile_graph()
    export(G, tmp_path, fmt, include_contacts=include_contacts)
    CHECKS[fmt](G, tmp_path / SUFFIX[fmt], include_contacts)


@pytest.mark.parametrize("fmt", FORMATS)
def test_examples_round_trip_with_contacts(examples, tmp_path, fmt):
    G = examples["tucson-behavioral-health"]
    export(G, tmp_path, fmt, include_contacts=True)
    CHECKS[fmt](G, tmp_path / SUFFIX[fmt], True)


def test_documented_names_and_labels(tmp_path):
    G = hostile_graph()
    export(G, tmp_path, "graphml")
    R = nx.read_graphml(tmp_path / "map.graphml", force_multigraph=True)
    partner = R.nodes["Partner:007"]
    assert (partner["label"], partner["netmap_label"], partner["netmap_id"]) == ("=1+1", "Partner", "007")
    assert partner["netmap_netmap_label"] == "an unknown column"
    assert (partner["netmap_weight"], partner["netmap_x"], partner["netmap_size"]) == (3, "left", 1.5)
    assert (partner["netmap_d3"], partner["netmap_Label"], partner["netmap_key"]) == (
        "what yEd calls a label",
        "cased",
        "a key attribute",
    )
    assert R.nodes["Region:none"]["label"] == "none"
    assert R.nodes["Partner:ctl"]["label"] == "a\ufffdb\ufffdc\ufffdd\ufffde"
    assert R.nodes["Partner:ctl"]["notes"] == "line 1\nline 2\nline 3\ttab ]]> end"
    assert "amount" not in R.nodes["Partner:ctl"] and "website" not in partner
    assert R.nodes["Partner:7"]["netmap_start"] == "2020-01-01"
    assert R.nodes["Partner:7"]["seen"] == "2024-05-06T07:08:09"
    # one type per attribute: int and float -> float, int and str -> text, bool and int -> text
    assert (partner["ratio"], R.nodes["Partner:7"]["ratio"]) == (2.0, 2.5)
    assert (partner["mixed"], R.nodes["Partner:7"]["mixed"]) == ("1", "one")
    assert (partner["flag"], R.nodes["Partner:7"]["flag"]) == ("true", "1")
    assert R.nodes["Agreement:007"]["parties"] == "007;7" and R.nodes["Population:x"]["calls_for"] == ""
    funds = R.edges["FundingStream:wioa", "Partner:7", "FUNDS:F1"]
    assert (funds["label"], funds["netmap_type"], funds["netmap_start"], funds["amount"]) == (
        "FUNDS",
        "FUNDS",
        "2025-07-01",
        -1.5,
    )
    assert R.edges["Partner:7", "Partner:ctl", "0"]["key"] == "0"  # keys become text
    assert R.edges["Partner:ctl", "Partner:7", "no-type"]["label"] == "no-type"

    export(G, tmp_path, "json")
    doc = json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))
    funds = next(e for e in doc["edges"] if e["key"] == "FUNDS:F1")
    assert (funds["source"], funds["netmap_source"], funds["start"]) == ("FundingStream:wioa", "federal", "2025-07-01")
    partner = next(n for n in doc["nodes"] if n["key"] == "Partner:007")
    assert (partner["label"], partner["id"], partner["netmap_key"]) == ("Partner", "007", "a key attribute")
    ctl = next(n for n in doc["nodes"] if n["key"] == "Partner:ctl")
    assert (ctl["amount"], ctl["far"], ctl["name"]) == (None, None, "a\x00b\x0bc\x1fd\ufffee")


def test_json_is_utf8_and_stable(tmp_path):
    G = hostile_graph()
    first = export_graph(G, tmp_path / "a.json", format="json")[0].read_bytes()
    second = export_graph(G, tmp_path / "b.json", format="json")[0].read_bytes()
    assert first == second
    assert "Café — ünï ✓ 😀 עברית".encode() in first  # not \u-escaped
    assert b"NaN" not in first and b"Infinity" not in first


def test_exports_repeat_byte_for_byte(examples, tmp_path):
    G = examples["oregon-pathways-alliance"]
    for fmt in ("graphml", "json", "csv"):
        one = output_bytes(export_graph(G, tmp_path / "one" / SUFFIX[fmt], format=fmt))
        two = output_bytes(export_graph(G, tmp_path / "two" / SUFFIX[fmt], format=fmt))
        assert one == two


# --- spreadsheet formulas ----------------------------------------------------------------


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_neutralise(payload):
    assert neutralise(payload) == "'" + payload
    assert neutralise("'" + payload) == "''" + payload  # reversible: one apostrophe per rule
    assert neutralise("x" + payload) == "x" + payload


@pytest.mark.parametrize("text", ["Pima CC", "a-b", "", "'", "'Twas", "1-2", "email@example.org", " =1", "\n=1"])
def test_neutralise_leaves_safe_text(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_csv_neutralises_formulas(small_workbook, tmp_path, payload):
    G = payload_graph(small_workbook, payload)
    export(G, tmp_path, "csv")
    _, nodes = read_csv_rows(tmp_path / "map-csv" / "nodes.csv")
    _, edges = read_csv_rows(tmp_path / "map-csv" / "edges.csv")
    p1 = next(r for r in nodes if r["key"] == "Partner:P1")
    assert p1["name"] == p1["notes"] == "'" + payload
    assert next(r for r in nodes if r["key"] == "Partner:P2")["notes"] == "a-b"
    assert next(r for r in nodes if r["key"] == "Partner:P4")["name"] == "Desert Diamond Casino"
    ties = [r for r in edges if r["type"] == "TIED_TO"]
    assert len(ties) == 3 and all(r["notes"] == "'" + payload for r in ties)
    check_csv(G, tmp_path / "map-csv")
    # No cell anywhere starts a formula, except numbers the exporter wrote itself.
    for name in ("nodes.csv", "edges.csv"):
        with (tmp_path / "map-csv" / name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                        float(cell)


def test_csv_numbers_stay_numbers(tmp_path):
    export(hostile_graph(), tmp_path, "csv")
    edges = (tmp_path / "map-csv" / "edges.csv").read_text(encoding="utf-8-sig")
    assert ",-1.5," in edges  # a float attribute: a number, not neutralised, not quoted
    assert ",'-1+2," in edges  # the text "-1+2"
    _, rows = read_csv_rows(tmp_path / "map-csv" / "edges.csv")
    funds = next(r for r in rows if r["key"] == "FUNDS:F1")
    assert (funds["amount"], funds["program"], funds["netmap_source"]) == ("-1.5", "'+1", "federal")
    assert next(r for r in rows if r["key"] == "TIED_TO:3")["netmap_source"] == "'=cmd"


# --- personal data -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_contacts_left_out_by_default(examples, tmp_path, example, fmt):
    G = examples[example]
    secrets = contact_values(example)
    assert len(secrets) >= 30  # name, email and phone of every contact
    without = output_bytes(export(G, tmp_path / "without", fmt))
    for secret in secrets:
        assert secret.encode() not in without, secret
    assert b"WORKS_AT" not in without and b"Person" not in without
    with_contacts = output_bytes(export(G, tmp_path / "with", fmt, include_contacts=True))
    for secret in secrets:
        assert secret.encode() in with_contacts, secret
    assert b"WORKS_AT" in with_contacts


# --- ids, XML well-formedness ----------------------------------------------------------


@pytest.fixture
def seven_workbook(tmp_path) -> Path:
    return write_csv_workbook(
        tmp_path / "seven",
        {
            "partners": [
                ["id", "name", "agency_type"],
                ["007", "Tucson Indian Center", "CBO"],
                ["7", "Pima One Stop", "AJC"],
            ],
            "agreements": [["id", "parties", "type"], ["007", "007;7", "MOU"]],
        },
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_007_and_7_stay_two_nodes(seven_workbook, tmp_path, fmt):
    G = netmap.read_graph(seven_workbook)
    export(G, tmp_path, fmt)
    out = tmp_path / SUFFIX[fmt]
    if fmt == "graphml":
        R = nx.read_graphml(out, force_multigraph=True)
        ids = {n: R.nodes[n]["netmap_id"] for n in ("Partner:007", "Partner:7", "Agreement:007")}
    elif fmt == "gexf":
        R = read_gexf(out)
        ids = {n: R.nodes[n]["netmap_id"] for n in ("Partner:007", "Partner:7", "Agreement:007")}
    elif fmt == "json":
        R = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), **node_link_names())
        ids = {n: R.nodes[n]["id"] for n in ("Partner:007", "Partner:7", "Agreement:007")}
    else:
        _, rows = read_csv_rows(out / "nodes.csv")
        ids = {r["key"]: r["id"] for r in rows if r["key"] in ("Partner:007", "Partner:7", "Agreement:007")}
        frame = pd.read_csv(out / "nodes.csv", dtype=str, keep_default_na=False)
        assert set(frame["id"]) >= {"007", "7"}
    assert ids == {"Partner:007": "007", "Partner:7": "7", "Agreement:007": "007"}
    CHECKS[fmt](G, out)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_stays_well_formed(tmp_path, fmt):
    export(hostile_graph(), tmp_path, fmt)
    raw = (tmp_path / SUFFIX[fmt]).read_bytes()
    root = SafeET.fromstring(raw)
    texts = [t for el in root.iter() for t in [el.text or "", *el.attrib.values()]]
    assert any("<script>alert('x')</script>" in t for t in texts)
    assert any("\"'><svg onload=1>" in t for t in texts)
    assert any("]]> <![CDATA[x]]>" in t for t in texts)
    assert b"<script>" not in raw and b"<svg" not in raw  # escaped, never markup
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw)
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", t) for t in texts)


def test_keys_that_clash_as_text_are_refused(tmp_path):
    G = nx.MultiDiGraph(map_id="m")
    G.add_node(7, label="Partner", id="7")
    G.add_node("7", label="Partner", id="7")
    for fmt in FORMATS:
        with pytest.raises(UsageError, match="are both '7' once written"):
            export(G, tmp_path, fmt)
    H = nx.MultiDiGraph(map_id="m")
    H.add_edge("a", "b", key=1)
    H.add_edge("a", "b", key="1")
    for fmt in FORMATS:
        with pytest.raises(UsageError, match="have the key '1' once written"):
            export(H, tmp_path, fmt)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


# --- usage errors, no mutation -------------------------------------------------------------


def test_unknown_format(examples, tmp_path):
    with pytest.raises(UsageError) as err:
        export_graph(examples["tucson-behavioral-health"], tmp_path / "map.dot", format="dot")
    assert str(err.value) == "unknown export format 'dot'; choose one of graphml, gexf, json, csv, kumu, workbook"
    assert err.value.exit_code == 2
    assert FORMATS == ("graphml", "gexf", "json", "csv")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_refuses_to_overwrite_a_file(examples, tmp_path, fmt):
    G = examples["tucson-behavioral-health"]
    out = tmp_path / SUFFIX[fmt]
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError) as err:
        export_graph(G, out, format=fmt)
    assert str(err.value) == f"{out} already exists; pass --force to overwrite"
    assert out.read_text(encoding="utf-8") == "keep me"
    assert export_graph(G, out, format=fmt, overwrite=True) == [out]
    assert out.read_text(encoding="utf-8") != "keep me"
    with pytest.raises(UsageError, match="is a folder; give a file name"):
        export_graph(G, tmp_path, format=fmt, overwrite=True)


def test_refuses_to_overwrite_csv(examples, tmp_path):
    G = examples["tucson-behavioral-health"]
    folder = tmp_path / "out"
    export_graph(G, folder, format="csv")
    before = (folder / "nodes.csv").read_bytes()
    with pytest.raises(UsageError) as err:
        export_graph(examples["oregon-pathways-alliance"], folder, format="csv")
    assert str(err.value) == f"{folder} already holds edges.csv, nodes.csv; pass --force to overwrite"
    assert (folder / "nodes.csv").read_bytes() == before
    export_graph(examples["oregon-pathways-alliance"], folder, format="csv", overwrite=True)
    assert (folder / "nodes.csv").read_bytes() != before
    # A workbook folder: its CSV files would be read as sheets next to nodes.csv.
    workbook = tmp_path / "workbook"
    (workbook).mkdir()
    (workbook / "partners.csv").write_text("id,name\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"already holds partners\.csv; pass --force"):
        export_graph(G, workbook, format="csv")
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="exists and is not a folder"):
        export_graph(G, tmp_path / "file.txt", format="csv", overwrite=True)
    # An empty folder, or one without CSV files, is fine.
    (tmp_path / "empty").mkdir()
    assert [p.name for p in export_graph(G, tmp_path / "empty", format="csv")] == ["nodes.csv", "edges.csv"]


def test_graph_is_not_mutated(examples, tmp_path):
    for G in (examples["four-state-coalitions"], hostile_graph()):
        before = copy.deepcopy(G)
        for fmt in FORMATS:
            for include_contacts in (False, True):
                export_graph(
                    G, tmp_path / f"{fmt}-{include_contacts}-{id(G)}", format=fmt, include_contacts=include_contacts
                )
        assert list(G.nodes(data=True)) == list(before.nodes(data=True))
        assert list(G.edges(keys=True, data=True)) == list(before.edges(keys=True, data=True))
        assert G.graph == before.graph


# --- workbook: netmap's own sheets ------------------------------------------------------------


@pytest.mark.parametrize(("include_contacts", "contacts"), [(False, 0), (True, 11)])
def test_workbook_format_reads_back_without_contacts_unless_asked(examples, tmp_path, include_contacts, contacts):
    G = examples["tucson-behavioral-health"]
    written = export_graph(G, tmp_path / "wb", format="workbook", include_contacts=include_contacts)
    names = {p.name for p in written}
    assert {"partners.csv", "ties.csv", "funding.csv"} <= names
    tables = netmap.read_workbook(tmp_path / "wb")
    assert tables.ok
    original = netmap.read_workbook(EXAMPLES / "tucson-behavioral-health").counts()
    assert tables.counts() == original | {"contacts": contacts}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_lapsed_and_planned_rows_are_exported_flagged(tmp_path, make_graph, fmt):
    """An expired MOU, a draft, an ended award and an ended tie row are all in the file,
    with current false and their state; what runs on the day is current."""
    G = make_graph(
        {
            "partners": [["id", "name", "agency_type"], ["A", "A", "CC"], ["B", "B", "AJC"], ["C", "C", "CC"]],
            "agreements": [
                ["id", "parties", "expires", "status"],
                ["OLD", "A;B", "2010-06-30", ""],
                ["NEW", "A;C", "", "draft"],
                ["NOW", "B;C", "2030-01-01", "active"],
            ],
            "funding": [
                ["id", "stream", "recipient_id", "funder_id", "start", "end"],
                ["F1", "CCPT", "A", "B", "2014-07-01", "2019-06-30"],
            ],
            "ties": [["source_id", "target_id", "end"], ["A", "C", "2020-12-31"], ["B", "C", ""]],
        }
    )
    out = export_graph(G, tmp_path / ("g.json" if fmt == "json" else "g"), format=fmt, as_of="2026-12-07")
    if fmt == "json":
        doc = json.loads(out[0].read_text(encoding="utf-8"))
        agreements = {n["id"]: (n["current"], n["state"]) for n in doc["nodes"] if n["label"] == "Agreement"}
        rels = sorted(
            (e["type"], e["source"], e["target"], e["current"], e["state"]) for e in doc["edges"] if "state" in e
        )
    else:
        with (tmp_path / "g" / "nodes.csv").open(encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
        agreements = {r["id"]: (r["current"] == "true", r["state"]) for r in rows if r["label"] == "Agreement"}
        with (tmp_path / "g" / "edges.csv").open(encoding="utf-8-sig") as fh:
            rels = sorted(
                (r["type"], r["source"], r["target"], r["current"] == "true", r["state"])
                for r in csv.DictReader(fh)
                if r["state"]
            )
    assert agreements == {"OLD": (False, "lapsed"), "NEW": (False, "planned"), "NOW": (True, "current")}
    assert rels == [
        ("ADMINISTERS", "Partner:B", "FundingStream:ccpt", False, "lapsed"),
        ("FUNDS", "FundingStream:ccpt", "Partner:A", False, "lapsed"),
        ("PARTY_TO", "Partner:A", "Agreement:NEW", False, "planned"),
        ("PARTY_TO", "Partner:A", "Agreement:OLD", False, "lapsed"),
        ("PARTY_TO", "Partner:B", "Agreement:NOW", True, "current"),
        ("PARTY_TO", "Partner:B", "Agreement:OLD", False, "lapsed"),
        ("PARTY_TO", "Partner:C", "Agreement:NEW", False, "planned"),
        ("PARTY_TO", "Partner:C", "Agreement:NOW", True, "current"),
        ("TIED_TO", "Partner:A", "Partner:C", False, "lapsed"),
        ("TIED_TO", "Partner:B", "Partner:C", True, "current"),
    ]


def test_the_readmes_json_read_back_snippet_works_as_written(tmp_path, monkeypatch):
    """The README's snippet, run as written on an export: the graph comes back whole."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exports", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "expected one Python snippet in the README's Exports section"
    snippet = textwrap.dedent(blocks[0])
    if "edges" not in inspect.signature(nx.node_link_graph).parameters:  # networkx 3.2 and 3.3
        snippet = snippet.replace('edges="edges"', 'link="edges"')
    G = netmap.build_graph(netmap.read_workbook(EXAMPLES / "four-state-coalitions"))
    monkeypatch.chdir(tmp_path)
    export_graph(G, tmp_path / "graph.json", format="json")
    written = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)  # the README's own code
    R = scope["G"]
    assert sorted(R.nodes) == sorted(n["key"] for n in written["nodes"])
    assert R.number_of_edges() == len(written["edges"])
    partner = next(n for n in written["nodes"] if n["key"].startswith("Partner:"))
    assert R.nodes[partner["key"]]["name"] == partner["name"]


SERVICES_HEADER = (
    "partner_id", "service", "population", "region", "location", "capacity", "waitlist", "eligibility",
    "languages", "cost", "funding_id", "accepts_referrals_from", "refers_to",
)  # fmt: skip


FULL_ROW = "P1,Job training,Veterans; English learners,North,Main campus,120,0,adults,English; Spanish,free,F1,P2,P2"


def services_workbook(folder: Path) -> Path:
    """A workbook using every services column and the needs sheet."""
    return write_csv_workbook(
        folder,
        {
            "partners": [
                ["id", "name", "agency_type", "region"],
                ["P1", "Pima CC", "CC", "North"],
                ["P2", "One Stop", "AJC", "North"],
            ],
            "funding": [["id", "stream", "recipient_id"], ["F1", "WIOA Adult", "P2"]],
            "services": [
                [*SERVICES_HEADER],
                FULL_ROW.split(","),
                ["P2", "Career counseling", "", "", "", "", "", "", "", "", "", "", ""],
                ["P2", "Bus passes", "Veterans", "", "", "40", "12", "", "", "", "", "P1", ""],
            ],
            "needs": [["region", "population", "count"], ["North", "Veterans", "1200"], ["North", "Martians", "3"]],
        },
    )


def test_workbook_format_keeps_the_services_columns_and_the_needs_sheet(tmp_path):
    original = netmap.read_workbook(services_workbook(tmp_path / "in"))
    assert original.errors == []
    G = netmap.build_graph(original)
    written = export_graph(G, tmp_path / "wb", format="workbook")
    assert {"services.csv", "needs.csv"} <= {p.name for p in written}
    assert (tmp_path / "wb" / "services.csv").read_text("utf-8").splitlines()[1] == (
        "P1,Job training,Veterans; English learners,North,Main campus,120,0,adults,English;Spanish,free,F1,P2,P2"
    )
    assert (tmp_path / "wb" / "needs.csv").read_text("utf-8").splitlines() == [
        "region,population,count",
        "North,Veterans,1200",
        "North,Martians,3",
    ]
    again = netmap.read_workbook(tmp_path / "wb")
    for sheet in ("services", "needs"):
        assert again[sheet] == original[sheet], sheet
    assert netmap.build_graph(again).graph["needs"] == G.graph["needs"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_columns_round_trip(tmp_path, fmt):
    G = netmap.read_graph(services_workbook(tmp_path / "in"))
    export(G, tmp_path, fmt)
    CHECKS[fmt](G, tmp_path / SUFFIX[fmt])


# --- official schemas, other readers, measures, partners only (issue 21) -----------------

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "xml-schemas"
GEXF_NS = "{http://www.gexf.net/1.2draft}"
PATH_DAY = "2026-11-24"


@pytest.fixture(scope="module")
def schema():
    """The official GraphML 1.0 and GEXF 1.2draft XSDs, loaded from local files only."""
    xmlschema = pytest.importorskip("xmlschema")
    if not SCHEMAS.is_dir():
        pytest.skip(f"the official schemas are not here: {SCHEMAS} (see issue 21)")
    # xlink.xsd is imported by a local schemaLocation; allow="local" refuses any download.
    return {
        "graphml": xmlschema.XMLSchema(str(SCHEMAS / "graphml" / "graphml.xsd"), allow="local"),
        "gexf": xmlschema.XMLSchema(str(SCHEMAS / "gexf" / "1.2draft" / "gexf.xsd"), allow="local"),
    }


def path_graph() -> nx.MultiDiGraph:
    """Partners a - b - c tied in a path, plus a role b performs (not a partner)."""
    G = nx.MultiDiGraph(map_id="path")
    for p, cat in [("a", "education"), ("b", "employers"), ("c", "education")]:
        G.add_node(f"Partner:{p}", label="Partner", id=p, name=p.upper(), category=cat, status="active")
    G.add_node("Role:r", label="Role", id="r", name="R")
    G.add_edge("Partner:b", "Role:r", key="PERFORMS", type="PERFORMS")
    for i, (u, v) in enumerate([("a", "b"), ("b", "c")]):
        G.add_edge(f"Partner:{u}", f"Partner:{v}", key=f"TIED_TO:{i}", type="TIED_TO", kind="referral", row=i)
    return G


def analysed(G: nx.MultiDiGraph):
    from netmap.pipeline import run

    return run(G, as_of=PATH_DAY)


def test_path_graph_measures_and_counts(tmp_path, schema):
    G = path_graph()
    a = analysed(G)
    expected = {
        "Partner:a": (0.0, False),
        "Partner:b": (1.0, True),
        "Partner:c": (0.0, False),
    }
    for fmt in ("graphml", "gexf"):
        for only in (False, True):
            out = tmp_path / f"{only}-{SUFFIX[fmt]}"
            export_graph(G, out, format=fmt, as_of=PATH_DAY, analysis=a, partners_only=only)
            schema[fmt].validate(str(out))
            R = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
            assert (R.number_of_nodes(), R.number_of_edges()) == ((3, 2) if only else (4, 3))
            for node, (betweenness, cut) in expected.items():
                if fmt == "gexf" or only:
                    assert R.nodes[node]["betweenness"] == betweenness
                    assert R.nodes[node]["articulation_point"] is cut
                    assert R.nodes[node]["degree"] == (2 if node == "Partner:b" else 1)
    written = (tmp_path / f"True-{SUFFIX['graphml']}").read_text(encoding="utf-8")
    assert ">true<" in written and ">false<" in written and "True" not in written


@pytest.mark.parametrize("only", [False, True])
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_exports_validate_and_read_in_three_libraries(examples, tmp_path, schema, example, only):
    igraph = pytest.importorskip("igraph")
    rustworkx = pytest.importorskip("rustworkx")
    G = examples[example]
    a = analysed(G)
    for fmt in ("graphml", "gexf"):
        out = tmp_path / SUFFIX[fmt]
        export_graph(G, out, format=fmt, as_of=PATH_DAY, analysis=a, partners_only=only, overwrite=True)
        schema[fmt].validate(str(out))
    out = tmp_path / SUFFIX["graphml"]
    R = nx.read_graphml(out)
    Ig = igraph.Graph.Read_GraphML(str(out))
    (W,) = rustworkx.read_graphml(str(out))
    counts = {(R.number_of_nodes(), R.number_of_edges()), (Ig.vcount(), Ig.ecount()), (W.num_nodes(), W.num_edges())}
    assert len(counts) == 1
    if only:
        assert R.number_of_nodes() == len(a.brokers.rows)  # the analysed partners
        cut = set(a.brokers.articulation_points)
        top = a.brokers.rows[0]
        node = f"Partner:{top['id']}"
        assert R.nodes[node]["articulation_point"] is (top["id"] in cut)
        assert isinstance(R.nodes[node]["betweenness"], float)
        assert Ig.vs.find(id=node)["articulation_point"] is (top["id"] in cut)
        by_id = {d["id"]: d for d in W.nodes()}
        assert by_id[node]["articulation_point"] is (top["id"] in cut)
        assert by_id[node]["betweenness"] == pytest.approx(top["betweenness"])
    else:
        # rustworkx gives None where a node has no value; an agreement's ``current`` is a boolean.
        flags = [d["current"] for d in W.nodes() if d.get("current") is not None]
        assert flags and all(isinstance(f, bool) for f in flags)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_plain_exports_validate(examples, tmp_path, schema, example, fmt):
    """The library's export without an analysis: valid too, booleans readable by rustworkx."""
    out = export(examples[example], tmp_path, fmt)[0]
    schema[fmt].validate(str(out))
    if fmt == "graphml":
        text = out.read_text(encoding="utf-8")
        assert ">True<" not in text and ">False<" not in text and ">true<" in text
        rustworkx = pytest.importorskip("rustworkx")
        (W,) = rustworkx.read_graphml(str(out))
        assert W.num_nodes() == nx.read_graphml(out).number_of_nodes()


def test_gexf_draws_the_map(examples, tmp_path, schema):
    """What Gephi reads: each partner's colour, size and position, numbers, as on the map."""
    from netmap.render.map import map_data

    G = examples["oregon-pathways-alliance"]
    a = analysed(G)
    out = tmp_path / "map.gexf"
    export_graph(G, out, format="gexf", as_of=PATH_DAY, analysis=a)
    schema["gexf"].validate(str(out))
    root = SafeET.parse(out).getroot()
    drawn = {n["partner"]: n for n in map_data(G, a)["nodes"] if n.get("group") == "partner"}
    nodes = {n.get("id"): n for n in root.iter(f"{GEXF_NS}node")}
    for pid, node in drawn.items():
        el = nodes[f"Partner:{pid}"]
        pos = el.find(f"{GEXF_NS}position")
        assert (float(pos.get("x")), float(pos.get("y"))) == (node["x"], -node["y"])
        assert float(el.find(f"{GEXF_NS}size").get("value")) == node["size"]
        colour = el.find(f"{GEXF_NS}color")
        assert "#{:02X}{:02X}{:02X}".format(*(int(colour.get(c)) for c in "rgb")) == node["color"].upper()
    types = {a.get("title"): a.get("type") for a in root.iter(f"{GEXF_NS}attribute")}
    assert types["betweenness"] == "double" and types["articulation_point"] == "boolean"
    assert types["brokerage_gatekeeper"] in {"integer", "long"}
    again = tmp_path / "again.gexf"
    export_graph(G, again, format="gexf", as_of=PATH_DAY, analysis=analysed(G))
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_partners_only_is_exactly_the_partners(examples, tmp_path, fmt):
    G = examples["oregon-pathways-alliance"]
    partners = {f"Partner:{d['id']}" for _, d in G.nodes(data=True) if d.get("label") == "Partner"}
    export_graph(G, tmp_path / SUFFIX[fmt], format=fmt, as_of=PATH_DAY, partners_only=True)
    out = tmp_path / SUFFIX[fmt]
    if fmt == "graphml":
        keys = set(nx.read_graphml(out))
    elif fmt == "gexf":
        keys = set(nx.read_gexf(out))
    elif fmt == "json":
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert doc["directed"] is False and doc["multigraph"] is False
        keys = {n["key"] for n in doc["nodes"]}
    else:
        _, rows = read_csv_rows(out / "nodes.csv")
        keys = {r["key"] for r in rows}
        header, _ = read_csv_rows(out / "edges.csv")
        assert header[:2] == ["source", "target"] and "betweenness" not in header
        assert "betweenness" in rows[0]
    assert keys == partners


def test_partners_only_workbook_is_a_usage_error(examples, tmp_path):
    with pytest.raises(UsageError, match="--partners-only is for graphml, gexf, json and csv"):
        export_graph(examples["oregon-pathways-alliance"], tmp_path / "w", format="workbook", partners_only=True)


def test_cli_export_partners_only(tmp_path, schema):
    from typer.testing import CliRunner

    from netmap.cli import app

    runner = CliRunner()
    source = str(EXAMPLES / "oregon-pathways-alliance")
    out = tmp_path / "p.gexf"
    result = runner.invoke(app, ["export", source, "-o", str(out), "--format", "gexf", "--partners-only"])
    assert result.exit_code == 0, result.output
    schema["gexf"].validate(str(out))
    args = ["export", source, "-o", str(tmp_path / "w"), "--format", "workbook", "--partners-only"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].endswith("a workbook holds the whole map")
