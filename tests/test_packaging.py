"""pyproject.toml: the package list is whole, and a built wheel carries every data file."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import tomllib

from tests.conftest import ROOT


def declared() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]


def test_every_package_is_listed():
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "netmap").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found | {"netmap.cypher"} == set(declared())


def test_the_wheel_ships_every_cypher_file_template_and_roster(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("netmap-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    cypher = {f"netmap/cypher/{p.relative_to(ROOT / 'cypher').as_posix()}" for p in (ROOT / "cypher").rglob("*.cypher")}
    assert len(cypher) > 50
    assert cypher <= names
    for data in ("netmap/data/rosters/career-pathways.yaml", "netmap/render/templates/map.html.j2"):
        assert data in names
    assert not [n for n in names if n.startswith(("tests/", "examples/")) or "node_modules" in n]
    assert Path(wheel).stat().st_size < 5 * 2**20
