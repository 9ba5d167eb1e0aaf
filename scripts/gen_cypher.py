"""Generate netmap's per-label Cypher files and Neo4j styles from the graph model.

The loaders (``cypher/load/``) and readers (``cypher/read/``), one per node label and
relationship type of :mod:`netmap.model`, follow one pattern each, so they are written
from the model rather than by hand: a new label, relationship type or date property in
the model becomes a new or changed file here. The Neo4j Browser style sheet
(``cypher/netmap.grass``) and the Neo4j Bloom perspective
(``cypher/netmap-bloom-perspective.json``) are written from the model too, with the
category colours of the map (:data:`netmap.render.map.PALETTE` over the default roster's
categories, in roster order, as the map assigns them).

Run ``python scripts/gen_cypher.py`` after changing the model to rewrite the files, or
``python scripts/gen_cypher.py --check`` to list the files that differ (exit status 1).
``tests/test_cyphergen.py`` runs the check.

Examples
--------
>>> files = generated()
>>> files["load/partner.cypher"].splitlines()[2]
'UNWIND $rows AS row'
>>> snake("FundingStream"), snake("IN_REGION")
('funding_stream', 'in_region')
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from netmap.model import DATE_PROPERTIES, NODE_LABELS, REL_ENDPOINTS, REL_TYPES
from netmap.render.map import PALETTE
from netmap.roster import load_roster

ROOT = Path(__file__).resolve().parent.parent
CYPHER = ROOT / "cypher"
GRASS = "netmap.grass"
BLOOM = "netmap-bloom-perspective.json"

PREFIX_PARAM = "$prefix (the version's key prefix: a node's uid is the prefix followed by its id)"
NODE_PARAMS = f"$map (map name), $version (version being loaded), {PREFIX_PARAM}"

# Colours of the node labels in Neo4j's tools. Partners take the map's category colours where
# the tool can style by a property (Bloom, with the map's grey for a partner of no category);
# in Browser, which styles by label only, they share one dark blue that no category has. The other
# labels get quieter colours distinct from the category palette, so a partner stands out.
LABEL_COLOURS: dict[str, str] = {
    "Partner": "#1F3A5F",
    "AgencyType": "#9FC5E8",
    "Category": "#F6B26B",
    "Role": "#B4A7D6",
    "Agreement": "#333333",
    "FundingStream": "#009E73",
    "Service": "#76D7C4",
    "Population": "#F9CB9C",
    "Region": "#D9D2E9",
    "Person": "#E69F00",
}
# Labels drawn light need dark caption text.
DARK_TEXT = {"AgencyType", "Category", "Service", "Population", "Region", "Role"}
# Every node label carries a name (netmap.build names each node); captions show it.
CAPTION = "name"
# The Partner property the map colours by (a category id of the roster).
PARTNER_CATEGORY = "category"


def snake(name: str) -> str:
    """File stem of a label or relationship type: ``AgencyType`` -> ``agency_type``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _date_params(dates: tuple[str, ...]) -> str:
    return "".join(f", {d}: ISO date text or null" for d in dates)


def _date_sets(var: str, dates: tuple[str, ...]) -> str:
    # Dates travel as ISO text (netmap.store.rows) and become Cypher dates here.
    return "".join(f", {var}.{d} = date(row.{d})" for d in dates)


def load_node(label: str) -> str:
    dates = DATE_PROPERTIES.get(label, ())
    return (
        f"// Load {label} nodes of one version of a map, one batch of rows at a time. Idempotent (MERGE).\n"
        f"// Parameters: {NODE_PARAMS}, $rows (list of maps {{id: text, props: map{_date_params(dates)}}})\n"
        "UNWIND $rows AS row\n"
        f"MERGE (n:{label} {{map_id: $map, version: $version, id: row.id}})\n"
        f"SET n += row.props, n.uid = $prefix + row.id{_date_sets('n', dates)}\n"
    )


def load_rel(rel: str) -> str:
    a, b = REL_ENDPOINTS[rel]
    dates = DATE_PROPERTIES.get(rel, ())
    return (
        f"// Load (:{a})-[:{rel}]->(:{b}) relationships of one version of a map, after its nodes.\n"
        "// Idempotent: a relationship is identified by its two ends and its key. The ends are found\n"
        "// by their uid, one indexed property (a composite-key lookup costs twice as much on FalkorDB).\n"
        f"// Parameters: {PREFIX_PARAM}, $rows (list of maps "
        f"{{source: {a} id, target: {b} id, key: text, props: map{_date_params(dates)}}})\n"
        "UNWIND $rows AS row\n"
        f"MATCH (a:{a} {{uid: $prefix + row.source}})\n"
        f"MATCH (b:{b} {{uid: $prefix + row.target}})\n"
        f"MERGE (a)-[r:{rel} {{key: row.key}}]->(b)\n"
        f"SET r += row.props{_date_sets('r', dates)}\n"
    )


def read_node(label: str) -> str:
    return (
        f"// Read the {label} nodes of the current version of a map.\n"
        "// Parameters: $map (map name)\n"
        "MATCH (m:Map {id: $map})\n"
        f"MATCH (n:{label} {{map_id: $map, version: m.version}})\n"
        "RETURN n.id AS id, properties(n) AS props\n"
        "ORDER BY id\n"
    )


def read_rel(rel: str) -> str:
    a, b = REL_ENDPOINTS[rel]
    return (
        f"// Read the (:{a})-[:{rel}]->(:{b}) relationships of the current version of a map.\n"
        "// Parameters: $map (map name)\n"
        "MATCH (m:Map {id: $map})\n"
        f"MATCH (a:{a} {{map_id: $map, version: m.version}})-[r:{rel}]->(b:{b})\n"
        "RETURN a.id AS source, b.id AS target, properties(r) AS props\n"
        "ORDER BY source, target, props.key\n"
    )


def category_colours() -> dict[str, tuple[str, str]]:
    """Category id -> (name, colour) of the default roster, as the map colours partners."""
    roster = load_roster()
    # The same rule as netmap.render.map: the palette's last colour is kept for "no category".
    return {c.id: (c.name, PALETTE[i % (len(PALETTE) - 1)]) for i, c in enumerate(roster.categories.values())}


def grass() -> str:
    """The Neo4j Browser style sheet: a colour and a caption per node label."""
    lines = [
        "/* netmap's graph style for Neo4j Browser: run :style, then drop this file on the panel it",
        "   opens. Generated by scripts/gen_cypher.py from netmap/model.py; do not edit.",
        "   Browser styles by label only, so all partners share one colour here; the map's category",
        "   colours for partners are in netmap-bloom-perspective.json (Bloom styles by property). */",
        "node {",
        "  diameter: 50px;",
        "  color: #A5ABB6;",
        "  border-color: #9AA1AC;",
        "  border-width: 2px;",
        "  text-color-internal: #FFFFFF;",
        "  font-size: 10px;",
        "}",
        "relationship {",
        "  color: #A5ABB6;",
        "  shaft-width: 1px;",
        "  font-size: 8px;",
        "  padding: 3px;",
        "  text-color-external: #000000;",
        "  text-color-internal: #FFFFFF;",
        '  caption: "<type>";',
        "}",
    ]
    for label in NODE_LABELS:
        lines += [
            f"node.{label} {{",
            f"  color: {LABEL_COLOURS[label]};",
            f"  border-color: {LABEL_COLOURS[label]};",
            f"  text-color-internal: {'#000000' if label in DARK_TEXT else '#FFFFFF'};",
            f"  diameter: {65 if label == 'Partner' else 50}px;",
            f'  caption: "{{{CAPTION}}}";',
            "}",
        ]
    return "\n".join(lines) + "\n"


def bloom() -> str:
    """The Neo4j Bloom perspective: one category per node label, partners coloured by category."""
    categories = []
    for n, label in enumerate(NODE_LABELS, start=1):
        rules = []
        if label == "Partner":
            rules = [
                {
                    "type": "single",
                    "basedOn": PARTNER_CATEGORY,
                    "dataType": "string",
                    "condition": "equals",
                    "conditionValue": category_id,
                    "applyColor": True,
                    "color": colour,
                    "description": name,
                }
                for category_id, (name, colour) in category_colours().items()
            ]
        categories.append(
            {
                "id": n,
                "name": label,
                # A partner whose category no rule names is grey, as on the map.
                "color": PALETTE[-1] if label == "Partner" else LABEL_COLOURS[label],
                "size": 2 if label == "Partner" else 1,
                "icon": "no-icon",
                "labels": [label],
                "properties": [
                    {"name": CAPTION, "exclude": False, "isCaption": True, "dataType": "String"},
                ],
                "hiddenLabels": [],
                "caption": [""],
                "createdAt": 0,
                "lastEditedAt": 0,
                "textSize": 1,
                "styleRules": rules,
            }
        )
    relationships = [{"id": rel, "name": rel, "color": "#A5ABB6", "width": 1} for rel in REL_TYPES]
    perspective = {
        "name": "netmap",
        "id": "netmap",
        "categories": categories,
        "relationshipTypes": relationships,
        "hiddenRelationshipTypes": [],
        "palette": {"colors": [LABEL_COLOURS[label] for label in NODE_LABELS], "currentIndex": 0},
        "templates": [],
        "hideUncategorisedData": False,
    }
    return json.dumps(perspective, indent=2) + "\n"


def generated() -> dict[str, str]:
    """Path under ``cypher/`` -> text of every generated file."""
    files: dict[str, str] = {}
    for label in NODE_LABELS:
        files[f"load/{snake(label)}.cypher"] = load_node(label)
        files[f"read/{snake(label)}.cypher"] = read_node(label)
    for rel in REL_TYPES:
        files[f"load/{snake(rel)}.cypher"] = load_rel(rel)
        files[f"read/{snake(rel)}.cypher"] = read_rel(rel)
    files[GRASS] = grass()
    files[BLOOM] = bloom()
    return dict(sorted(files.items()))


def stale(root: Path = CYPHER) -> list[str]:
    """Generated files missing or different under ``root``, and stray ones in load/ and read/."""
    files = generated()
    out = [name for name, text in files.items() if _read(root / name) != text]
    for folder in ("load", "read"):
        out += [
            f"{folder}/{p.name}" for p in sorted((root / folder).glob("*.cypher")) if f"{folder}/{p.name}" not in files
        ]
    return sorted(out)


def _read(path: Path) -> str | None:
    try:
        # newline="" keeps the bytes as they are: a file saved with CRLF differs.
        if not path.is_file():
            return None
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except OSError:
        return None


def write(root: Path = CYPHER) -> list[str]:
    """Rewrite the generated files under ``root``; remove strays in load/ and read/. Returns what changed."""
    changed = stale(root)
    files = generated()
    for name in changed:
        path = root / name
        if name in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[name], encoding="utf-8", newline="")
        else:
            path.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="list files that differ from the model; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        changed = stale()
        for name in changed:
            print(f"cypher/{name} differs from what netmap/model.py generates")
        if changed:
            print("run: python scripts/gen_cypher.py")
        return 1 if changed else 0
    for name in write():
        print(f"wrote cypher/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
