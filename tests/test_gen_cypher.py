"""scripts/gen_cypher.py: the committed load/read Cypher files and Neo4j styles are what the model generates."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys

import pytest

from netmap.model import NODE_LABELS, REL_TYPES
from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "gen_cypher.py"
HOW = "regenerate with: python scripts/gen_cypher.py"


def _load():
    spec = importlib.util.spec_from_file_location("gen_cypher", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load()
GENERATED = gen.generated()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_committed_file_is_what_the_model_generates(name):
    path = ROOT / "cypher" / name
    assert path.is_file(), f"cypher/{name} is missing; {HOW}"
    with open(path, encoding="utf-8", newline="") as f:
        committed = f.read()
    assert committed == GENERATED[name], f"cypher/{name} differs from what netmap/model.py generates; {HOW}"


@pytest.mark.parametrize("folder", ["load", "read"])
def test_every_loader_and_reader_is_generated(folder):
    files = {f"{folder}/{p.name}" for p in (ROOT / "cypher" / folder).glob("*.cypher")}
    stray = sorted(files - set(GENERATED))
    assert not stray, f"not generated from netmap/model.py (a label or type the model lacks?): {stray}; {HOW}"
    assert len(files) == len(NODE_LABELS) + len(REL_TYPES)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("load/agreement.cypher", "SET n += row.props, n.uid = $prefix + row.id, n.signed = date(row.signed),"),
        ("load/funds.cypher", "SET r += row.props, r.start = date(row.start), r.end = date(row.end)"),
        # The model lists TIED_TO's start and end as dates (the store sends them beside the props);
        # the hand-written loader dropped them.
        ("load/tied_to.cypher", "SET r += row.props, r.start = date(row.start), r.end = date(row.end)"),
        ("load/region.cypher", "SET n += row.props, n.uid = $prefix + row.id"),
        ("load/works_at.cypher", "MATCH (a:Person {uid: $prefix + row.source})"),
        (
            "read/in_category.cypher",
            "MATCH (a:AgencyType {map_id: $map, version: m.version})-[r:IN_CATEGORY]->(b:Category)",
        ),
        ("read/funding_stream.cypher", "MATCH (n:FundingStream {map_id: $map, version: m.version})"),
    ],
)
def test_generated_statements(name, line):
    assert any(text.startswith(line) for text in GENERATED[name].splitlines()), GENERATED[name]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("AgencyType", "agency_type"),
        ("FundingStream", "funding_stream"),
        ("Partner", "partner"),
        ("IN_REGION", "in_region"),
    ],
)
def test_file_names(name, stem):
    assert gen.snake(name) == stem


def test_a_new_date_property_in_the_model_changes_the_loader(monkeypatch):
    monkeypatch.setitem(gen.DATE_PROPERTIES, "Region", ("founded",))
    text = gen.load_node("Region")
    assert "n.founded = date(row.founded)" in text
    assert "founded: ISO date text or null" in text


def test_check_finds_an_edited_and_a_stray_file_and_write_mends_them(tmp_path):
    root = tmp_path / "cypher"
    shutil.copytree(ROOT / "cypher", root)
    assert gen.stale(root) == []
    (root / "read" / "partner.cypher").write_text("// edited by hand\nRETURN 1\n", encoding="utf-8")
    (root / "load" / "old_label.cypher").write_text("// left behind\nRETURN 1\n", encoding="utf-8")
    (root / "netmap.grass").unlink()
    assert gen.stale(root) == ["load/old_label.cypher", "netmap.grass", "read/partner.cypher"]
    assert gen.write(root) == ["load/old_label.cypher", "netmap.grass", "read/partner.cypher"]
    assert gen.stale(root) == []
    assert not (root / "load" / "old_label.cypher").exists()


def test_the_script_checks_from_the_command_line():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


# --- the Neo4j Browser style sheet and the Bloom perspective ---------------------------

# The map colours partners by their category, in the default roster's order (netmap.render.map).
CATEGORY_COLOURS = {
    "workforce-development": "#C0362C",
    "education": "#00827A",
    "human-services": "#117733",
    "cbos": "#8F7A00",
    "employers": "#2F5BB7",
    "economic-development": "#5E3C99",
    "public-leadership": "#CC79A7",
}


def grass_blocks(text: str) -> dict[str, dict[str, str]]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    blocks = {}
    for selector, body in re.findall(r"([\w.]+)\s*\{((?:[^{}]|\{\w+\})*)\}", text):
        blocks[selector] = dict(
            (k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in body.split(";") if ":" in line)
        )
    return blocks


def test_grass_gives_every_label_a_colour_and_its_name_as_caption():
    blocks = grass_blocks(GENERATED["netmap.grass"])
    assert set(blocks) == {"node", "relationship", *(f"node.{label}" for label in NODE_LABELS)}
    for label in NODE_LABELS:
        style = blocks[f"node.{label}"]
        assert re.fullmatch(r"#[0-9A-F]{6}", style["color"]), label
        assert style["caption"] == '"{name}"', label
    assert blocks["relationship"]["caption"] == '"<type>"'
    colours = [blocks[f"node.{label}"]["color"] for label in NODE_LABELS]
    assert len(set(colours)) == len(colours)


def test_bloom_perspective_has_a_category_per_label_and_partners_in_the_map_colours():
    perspective = json.loads(GENERATED["netmap-bloom-perspective.json"])
    categories = perspective["categories"]
    assert [c["name"] for c in categories] == list(NODE_LABELS)
    assert all(c["labels"] == [c["name"]] for c in categories)
    assert all([p["name"] for p in c["properties"] if p["isCaption"]] == ["name"] for c in categories)
    (partner,) = [c for c in categories if c["name"] == "Partner"]
    rules = {r["conditionValue"]: r["color"] for r in partner["styleRules"]}
    assert rules == CATEGORY_COLOURS
    assert partner["color"] == "#767676"  # no category: the map's grey
    assert all(r["basedOn"] == "category" and r["condition"] == "equals" for r in partner["styleRules"])
    assert [r["name"] for r in perspective["relationshipTypes"]] == list(REL_TYPES)
