"""The one-way data flow of DESIGN section 8, checked on the source: every import of a netmap
module by another, at the top or inside a function, read with ``ast``.

Imports under ``if TYPE_CHECKING:`` are type hints, not imports at run time, and are left out;
importing a submodule through its own package (``from netmap.analysis import _igraph`` in
``netmap.analysis.brokers``) depends on the submodule, not on the package's ``__init__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent / "netmap"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports_of(name: str) -> set[str]:
    """The netmap modules ``name`` imports."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hints = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in hints:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module not in MODULES:
                continue
            subs = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in MODULES]
            found.update(subs)
            own_package = name == module or name.startswith(module + ".")
            if len(subs) < len(node.names) or not own_package:
                found.add(module)
    found.discard(name)
    return found


GRAPH = nx.DiGraph([(m, d) for m in MODULES for d in imports_of(m)])
GRAPH.add_nodes_from(MODULES)


def test_no_import_cycle():
    cycles = sorted(sorted(c) for c in nx.strongly_connected_components(GRAPH) if len(c) > 1)
    assert cycles == []


def _under(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


LOW = ("netmap.analysis", "netmap.build", "netmap.project", "netmap.graphcache")
RULES = [
    # (who, may never import, why)
    (LOW, ("netmap.render", "netmap.export", "netmap.store", "netmap.cli", "netmap.demo"), "a view or the CLI"),
    (("netmap.analysis", "netmap.build", "netmap.project"), ("netmap._worker",), "the worker's client"),
    (
        ("netmap.ingest",),
        ("netmap.analysis", "netmap.build", "netmap.project", "netmap.render", "netmap.export", "netmap.store"),
        "a floor above ingest",
    ),
    (("netmap.render", "netmap.export"), ("netmap.ingest", "netmap.store", "netmap.cli"), "a reader or the store"),
    (("netmap.store",), ("netmap.export", "netmap.render", "netmap.cli"), "an exporter or a view"),
]


@pytest.mark.parametrize(("who", "never", "why"), RULES, ids=[r[2] for r in RULES])
def test_floors_import_only_downwards(who, never, why):
    wrong = sorted(
        (m, d) for m in MODULES if _under(m, *who) for d in imports_of(m) if _under(d, *never) and not _under(d, *who)
    )
    assert wrong == [], f"imports of {why}"


@pytest.mark.parametrize("floor", ["netmap.render", "netmap.export"])
def test_views_take_nothing_from_the_package_facade(floor):
    wrong = sorted(m for m in MODULES if _under(m, floor) and "netmap" in imports_of(m))
    assert wrong == []


def test_the_checker_sees_imports_inside_functions():
    """A function-level import counts: otherwise a cycle could hide in one."""
    assert "netmap._worker" in imports_of("netmap.graphcache")
