"""The Cypher statements netmap sends, read from the ``.cypher`` files it ships.

Every statement is a file of the top-level ``cypher/`` folder (installed as the package
``netmap.cypher``): one source of truth for the code and for people who run the same
queries in Neo4j Browser. Nothing here assembles Cypher; a statement is chosen by name
from a fixed set, and data only ever travels as parameters.

Examples
--------
>>> s = statement("read/partner")
>>> s.parameters
('map',)
>>> s.text.splitlines()[0]
'MATCH (m:Map {id: $map})'
>>> len(schema_statements()) > 10
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Statement", "available", "schema_statements", "statement"]

_PARAMS_LINE = re.compile(r"^//\s*Parameters:(.*)$", re.MULTILINE)
_PARAM = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class Statement:
    """One Cypher statement: its name (path under ``cypher/`` without ``.cypher``),
    header comment, body and the parameters the header names."""

    name: str
    header: str
    text: str
    parameters: tuple[str, ...]


def _root():
    return resources.files("netmap.cypher")


def _split(source: str) -> tuple[str, str]:
    """Header comment lines and body of a file."""
    lines = source.splitlines()
    n = 0
    while n < len(lines) and lines[n].lstrip().startswith("//"):
        n += 1
    return "\n".join(lines[:n]), "\n".join(lines[n:]).strip()


def available() -> list[str]:
    """Names of every statement file, e.g. ``"load/partner"`` or ``"queries/missing_agency_types"``."""
    names = []

    def walk(folder, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir() and not entry.name.startswith(("_", ".")):
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".cypher"):
                names.append(prefix + entry.name[: -len(".cypher")])

    walk(_root(), "")
    return names


@cache
def statement(name: str) -> Statement:
    """The statement stored as ``cypher/<name>.cypher``.

    Raises
    ------
    KeyError
        No such file ships with netmap (names come from code, never from data).
    """
    if name not in available():
        raise KeyError(f"no Cypher statement named {name!r}")
    source = _root().joinpath(*f"{name}.cypher".split("/")).read_text(encoding="utf-8")
    header, body = _split(source)
    match = _PARAMS_LINE.search(header)
    params = tuple(dict.fromkeys(_PARAM.findall(match.group(1)))) if match else ()
    return Statement(name, header, body, params)


@cache
def schema_statements() -> tuple[str, ...]:
    """The statements of ``schema.cypher``, in order (constraints before any data)."""
    body = statement("schema").text
    return tuple(s.strip() for s in body.split(";") if s.strip())
