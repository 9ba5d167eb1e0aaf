"""pyproject.toml: the package list is whole, and a built wheel carries every data file."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
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
    assert found | {"netmap.cypher", "netmap.examples"} == set(declared())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("netmap-*.whl")
    return built


def test_the_wheel_ships_every_cypher_file_template_and_roster(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [p for p in (ROOT / "cypher").rglob("*") if p.suffix in (".cypher", ".md", ".grass", ".json")]
    cypher = {f"netmap/cypher/{p.relative_to(ROOT / 'cypher').as_posix()}" for p in shipped}
    assert len(cypher) > 50
    for styles in ("netmap.grass", "netmap-bloom-perspective.json", "queries/README.md"):
        assert f"netmap/cypher/{styles}" in cypher
    assert cypher <= names
    examples = {
        f"netmap/examples/{p.relative_to(ROOT / 'examples').as_posix()}"
        for p in (ROOT / "examples").rglob("*")
        if p.suffix in (".csv", ".md", ".json", ".yaml")
    }
    assert len(examples) > 20 and examples <= names
    for data in ("netmap/data/rosters/career-pathways.yaml", "netmap/render/templates/map.html.j2"):
        assert data in names
    assert not [n for n in names if n.startswith(("tests/", "examples/", "cypher/")) or "node_modules" in n]
    assert Path(wheel).stat().st_size < 5 * 2**20


def test_demo_works_from_an_installed_wheel_outside_the_repository(wheel, tmp_path):
    # The wheel alone, installed into an empty folder; its dependencies come from this
    # environment. Run from elsewhere, so nothing of the checkout can be picked up.
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)]
    assert subprocess.run(install, capture_output=True, check=False, timeout=300).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import netmap; print(netmap.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(target))
    done = subprocess.run(
        [sys.executable, "-m", "netmap", "demo", "-o", "out", "--as-of", "2026-07-01"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["analysis.json", "map.html", "report.html", "report.md"]
    for name in ("report.html", "map.html", "report.md"):
        assert str(out / name) in done.stdout
    assert "Illinois" in (out / "report.html").read_text(encoding="utf-8")
