"""Every Cypher file under cypher/ is checked without a database.

Neo4j's own parser and semantic analysis (the ``@neo4j-cypher/language-support`` package
behind Neo4j's editors, pinned in tests/cypher/package.json and installed by
scripts/test.sh) lint each statement through tests/cypher/lint.cjs, with netmap's labels,
relationship types, property keys and relationship end labels as the database schema, so a
syntax error, an unknown variable, a misspelt label, type, property or function, a plugin
function or a relationship drawn between the wrong labels is reported with its file and
line. The rest are plain checks of the files' conventions: a header naming exactly the
parameters the statement uses, one statement per file (but schema.cypher), and no construct
FalkorDB lacks in a query that claims to run there.

Without ``node`` or the installed package the lint tests are skipped, except on CI (``CI``
set), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

import netmap
from netmap.model import NODE_LABELS, REL_ENDPOINTS, REL_TYPES
from tests.conftest import EXAMPLE_DIRS

ROOT = Path(__file__).resolve().parent.parent
CYPHER = ROOT / "cypher"
SCHEMA = CYPHER / "schema.cypher"
QUERIES = CYPHER / "queries"
LINT_DIR = Path(__file__).resolve().parent / "cypher"
LINT_SCRIPT = LINT_DIR / "lint.cjs"
LINT_PACKAGE = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"
FILES = sorted(CYPHER.rglob("*.cypher"))
QUERY_FILES = sorted(QUERIES.glob("*.cypher"))

# Properties the store writes besides the graph's own attributes: the (:Map) and
# (:LoadLock) bookkeeping nodes', and the version and position every node and relationship carries.
STORE_PROPERTIES = (
    "id",
    "map_id",
    "version",
    "key",
    "uid",
    "_order",
    "roster",
    "source",
    "loaded_at",
    "files",
    "columns",
    "extra_sheets",
    # the (:LoadLock) node's, one per map (netmap.store.lock)
    "map",
    "owner",
    "holder",
    "loading",
    "expires",
    "touched",
    # the (:MapVersion) node's, one per kept version of a map (netmap.store.load)
    "number",
    "fingerprint",
    "label",
)

RUNS_EVERYWHERE = "Neo4j 5 and FalkorDB"
RUNS_ON_NEO4J = "Neo4j 5 only (lint-checked, not executed in tests)"

# What a query that claims to run on FalkorDB too must not use (checked on the statement
# with comments and strings blanked out).
NOT_ON_FALKORDB = {
    "COUNT { } subquery": re.compile(r"\bcount\s*\{", re.IGNORECASE),
    "EXISTS { } subquery": re.compile(r"\bexists\s*\{", re.IGNORECASE),
    "COLLECT { } subquery": re.compile(r"\bcollect\s*\{", re.IGNORECASE),
    "CALL (x) { } scoped subquery": re.compile(r"\bcall\s*\(", re.IGNORECASE),
    "datetime()": re.compile(r"\bdatetime\s*\(", re.IGNORECASE),
    "dynamic label or type": re.compile(r"\$\s*(\(|any\s*\(|all\s*\()", re.IGNORECASE),
    "label expression (:A|B, :A&B, :!A, :%)": re.compile(r":\s*(\w+|`[^`]*`)\s*[|&]\s*:?\s*[A-Z`]|:\s*[!%]"),
    # FalkorDB has no duration.inDays/between and adds a duration of days wrongly from some
    # start days (date('2025-10-01') + duration({days: 60}) gives 2025-12-02 there).
    "duration()": re.compile(r"\bduration\s*(\.\s*\w+\s*)?\(", re.IGNORECASE),
}


# --- reading the files --------------------------------------------------------------


def mask(text: str) -> str:
    """``text`` with comments, string literals and backquoted names blanked out.

    Every blanked character becomes a space (newlines stay), so offsets and line numbers
    still hold; quotes themselves are kept.

    >>> mask("RETURN 'a;$b' AS x // c;$d\\n;")
    "RETURN '    ' AS x        \\n;"
    """
    out = list(text)
    i, n = 0, len(text)

    def blank(start: int, end: int) -> None:
        for k in range(start, min(end, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        ch = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            blank(i, end)
            i = end
        elif ch in "'\"`":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" and ch != "`" else 1
            blank(i + 1, j)
            i = j + 1
        else:
            i += 1
    return "".join(out)


def header_lines(text: str) -> list[str]:
    """The comment lines the file starts with."""
    lines = []
    for line in text.splitlines():
        if not line.lstrip().startswith("//"):
            break
        lines.append(line.strip())
    return lines


def header_value(text: str, name: str) -> list[str]:
    """What follows ``// <name>:`` on each header line that has it."""
    pattern = re.compile(rf"^//\s*{re.escape(name)}:\s*(.*)$")
    return [m.group(1).strip() for line in header_lines(text) if (m := pattern.match(line))]


def body(text: str) -> str:
    """The file after its header, with comments and strings blanked out."""
    n = len(header_lines(text))
    lines = text.splitlines(keepends=True)
    return mask("".join(lines[n:]))


def split_statements(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each ``;``-terminated statement of ``text``, without the ``;``."""
    masked = mask(text)
    out, start = [], 0
    for end in [m.start() for m in re.finditer(";", masked)] + [len(text)]:
        if masked[start:end].strip():
            chunk = text[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            out.append((text.count("\n", 0, start + lead) + 1, chunk.lstrip()))
        start = end + 1
    return out


def statements(path: Path) -> list[tuple[int, str]]:
    """(first line, text) of each statement of a file.

    A file is one statement, sent whole (header included, so the lint's line numbers are the
    file's); schema.cypher is split after each ``;`` that ends a statement.
    """
    text = path.read_text(encoding="utf-8")
    return split_statements(text) if path == SCHEMA else [(1, text)]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# --- the lint -----------------------------------------------------------------------


@cache
def property_keys() -> list[str]:
    """Every property netmap stores: the examples' node and edge attributes, and the store's."""
    keys = set(STORE_PROPERTIES)
    for folder in EXAMPLE_DIRS:
        G = netmap.read_graph(folder)
        for _, data in G.nodes(data=True):
            keys.update(data)
        for _, _, data in G.edges(data=True):
            keys.update(data)
    return sorted(keys)


# Statements that must be reported, so that a lint that checks nothing cannot pass, with a
# word the report must contain.
PROBES = {
    "syntax error": ("MATCH (n:Partner RETURN n", "Invalid input"),
    "unknown label": ("MATCH (n:Partnr) RETURN n", "Partnr"),
    "unknown relationship type": ("MATCH (a:Partner)-[:TIED]->(b:Partner) RETURN a, b", "TIED"),
    "unknown property": ("MATCH (n:Partner) RETURN n.nmae AS name", "nmae"),
    "unknown variable": ("MATCH (n:Partner) RETURN m", "`m` not defined"),
    "misspelt function": ("MATCH (n:Partner) RETURN coalsce(n.name, '') AS name", "coalsce"),
    "plugin function": ("RETURN apoc.coll.toSet([1, 1]) AS s", "apoc.coll.toSet"),
    "wrong end label": ("MATCH (a:Partner)-[:FUNDS]->(b:Partner) RETURN a, b", "FUNDS"),
    "deprecated function": ("MATCH (n:Partner) RETURN id(n) AS i", "deprecated"),
    "unknown property in a pattern": ("UNWIND $rows AS row MATCH (n:Partner {nmae: row.name}) RETURN n", "nmae"),
}
# And statements that must pass: keys read off a map are no properties the schema knows.
CLEAN_PROBES = {
    "map keys in a pattern": "UNWIND $rows AS row MATCH (n:Partner {id: row.anything}) RETURN n.name AS name",
    "map keys elsewhere": "WITH {a: 1} AS row RETURN row.anything AS x",
}


def run_lint(items: list[dict[str, object]]) -> list[dict[str, object]]:
    request = {
        "labels": sorted({*NODE_LABELS, "Map", "LoadLock", "MapVersion"}),
        "relationshipTypes": list(REL_TYPES),
        "propertyKeys": property_keys(),
        "graphSchema": [{"from": a, "to": b, "relType": t} for t, (a, b) in REL_ENDPOINTS.items()],
        "statements": items,
    }
    done = subprocess.run(
        ["node", str(LINT_SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=LINT_DIR,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"tests/cypher/lint.cjs failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def linted() -> dict[str, list[dict[str, object]]]:
    """Diagnostics of every statement (and every probe), by file: one run of node for all."""
    missing = None
    if shutil.which("node") is None:
        missing = "node is not on PATH"
    elif not LINT_PACKAGE.is_dir():
        missing = "the lint package is not installed (npm ci --prefix tests/cypher; scripts/test.sh does it)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: the Cypher lint must run on CI")
        pytest.skip(missing)
    items = [{"file": rel(path), "line": line, "statement": text} for path in FILES for line, text in statements(path)]
    items += [{"file": f"<probe: {name}>", "line": 1, "statement": q} for name, (q, _) in PROBES.items()]
    items += [{"file": f"<clean probe: {name}>", "line": 1, "statement": q} for name, q in CLEAN_PROBES.items()]
    results = run_lint(items)
    assert len(results) == len(items)
    out: dict[str, list[dict[str, object]]] = {}
    for result in results:
        out.setdefault(result["file"], []).extend(result["diagnostics"])
    return out


def describe(file: str, diagnostics: list[dict[str, object]]) -> str:
    return "\n".join(f"{file}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}" for d in diagnostics)


def test_there_are_files_to_check():
    assert SCHEMA in FILES
    assert len(QUERY_FILES) >= 6
    assert len(statements(SCHEMA)) > 1  # split on ';', so each constraint is linted alone


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_neo4j_finds_nothing_wrong(linted, path):
    diagnostics = linted[rel(path)]
    assert not diagnostics, "Neo4j's Cypher lint reports:\n" + describe(rel(path), diagnostics)


@pytest.mark.parametrize("name", PROBES)
def test_lint_reports_a_broken_statement(linted, name):
    diagnostics = linted[f"<probe: {name}>"]
    word = PROBES[name][1]
    assert any(word in d["message"] for d in diagnostics), f"{name} not reported as expected: {diagnostics}"


@pytest.mark.parametrize("name", CLEAN_PROBES)
def test_lint_passes_a_good_statement(linted, name):
    diagnostics = linted[f"<clean probe: {name}>"]
    assert not diagnostics, describe(name, diagnostics)


# --- the files' conventions -----------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_header_says_what_and_names_parameters(path):
    text = path.read_text(encoding="utf-8")
    header = header_lines(text)
    assert header, f"{rel(path)} starts with no // header comment"
    assert len(header[0].lstrip("/").strip()) > 10, f"{rel(path)}: the first header line should say what it does"
    params = header_value(text, "Parameters")
    assert len(params) == 1, f"{rel(path)}: the header needs exactly one '// Parameters:' line"
    named = re.findall(r"\$(\w+)", params[0])
    assert named or params[0].lower().startswith("none"), f"{rel(path)}: say '// Parameters: none'"
    assert len(named) == len(set(named)), f"{rel(path)}: a parameter is named twice: {named}"


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_header_names_the_parameters_used(path):
    text = path.read_text(encoding="utf-8")
    params = header_value(text, "Parameters")
    named = set(re.findall(r"\$(\w+)", params[0])) if params else set()
    used = set(re.findall(r"\$(\w+)", body(text)))
    assert named == used, (
        f"{rel(path)}: header names {sorted(named)}, statement uses {sorted(used)}"
        f" (missing from header: {sorted(used - named)}, unused: {sorted(named - used)})"
    )


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_one_statement_per_file(path):
    text = path.read_text(encoding="utf-8")
    if path == SCHEMA:
        rest = mask(text).rsplit(";", 1)[-1]
        assert not rest.strip(), "schema.cypher: every statement must end with ';'"
        assert all(s.strip() for _, s in statements(path))
        return
    code = body(text)
    assert code.strip(), f"{rel(path)} holds no statement"
    assert ";" not in code, f"{rel(path)} must hold exactly one statement, with no ';'"


@pytest.mark.parametrize("path", QUERY_FILES, ids=rel)
def test_query_says_where_it_runs(path):
    text = path.read_text(encoding="utf-8")
    runs_on = header_value(text, "Runs on")
    assert runs_on in ([RUNS_EVERYWHERE], [RUNS_ON_NEO4J]), (
        f"{rel(path)}: the header needs '// Runs on: {RUNS_EVERYWHERE}' or '// Runs on: {RUNS_ON_NEO4J}'"
    )
    code = body(text)
    assert code.lstrip().startswith("MATCH (m:Map {id: $map})"), f"{rel(path)} must start at the map's (:Map) node"
    if runs_on == [RUNS_EVERYWHERE]:
        found = [what for what, pattern in NOT_ON_FALKORDB.items() if pattern.search(code)]
        assert not found, f"{rel(path)} claims to run on FalkorDB but uses: {', '.join(found)}"


def test_mask_and_split_follow_cypher_quoting():
    text = "// a; $x\nRETURN 'a;\\'$y' AS `b;$z`;\n/* $w; */ RETURN \"c;\" AS d;\n"
    assert re.findall(r"\$(\w+)", mask(text)) == []
    assert mask(text).count(";") == 2
    assert split_statements(text) == [
        (1, "// a; $x\nRETURN 'a;\\'$y' AS `b;$z`"),
        (3, '/* $w; */ RETURN "c;" AS d'),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (m:Map {id: $map}) RETURN COUNT { (m)--() } AS n",
        "MATCH (m:Map {id: $map}) WHERE EXISTS { (m)--() } RETURN m",
        "MATCH (m:Map {id: $map}) CALL (m) { RETURN 1 AS one } RETURN one",
        "MATCH (m:Map {id: $map}) RETURN datetime() AS now",
        "MATCH (m:Map {id: $map}) MATCH (n:$($label)) RETURN n",
        "MATCH (m:Map {id: $map}) MATCH (n:Partner|AgencyType) RETURN n",
        "MATCH (m:Map {id: $map}) MATCH (a)-[:TIED_TO|FUNDS]->(b) RETURN a",
        "MATCH (m:Map {id: $map}) RETURN duration.inDays(date(), date()).days AS d",
        "MATCH (m:Map {id: $map}) RETURN date() + duration({days: 90}) AS d",
    ],
)
def test_falkordb_check_catches(query):
    assert any(pattern.search(mask(query)) for pattern in NOT_ON_FALKORDB.values())


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (m:Map {id: $map}) RETURN [x IN [1, 2] WHERE x > 1 | x] AS xs, {a: 1} AS d",
        "MATCH (m:Map {id: $map}) OPTIONAL MATCH (m)-[:TIED_TO]->(b:Partner) RETURN count(b) AS n",
        "MATCH (m:Map {id: $map}) RETURN 'count { datetime() duration(' AS text // EXISTS {",
        "MATCH (m:Map {id: $map}) MATCH (a:Partner) WHERE a:Partner RETURN a.duration AS d, {k: a.id} AS x",
    ],
)
def test_falkordb_check_lets_common_cypher_through(query):
    assert not any(pattern.search(mask(query)) for pattern in NOT_ON_FALKORDB.values())
