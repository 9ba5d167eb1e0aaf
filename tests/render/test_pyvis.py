"""netmap.render.vis: the checked vis-network files pyvis ships, and the map as a pyvis Network."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys

import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.errors import UsageError
from netmap.pipeline import map_data, run
from netmap.render import vis
from tests.conftest import EXAMPLES

JS, CSS = "vis-network.min.js", "vis-network.css"


@pytest.fixture
def copy(tmp_path):
    """A copy of the real vis-network folder from the installed pyvis, to tamper with."""
    folder = tmp_path / "vis"
    shutil.copytree(vis._pyvis_folder(), folder)
    return folder


def test_the_installed_files_pass():
    js, css = vis.vis_network_files()
    assert "@version 9.1.2" in js[:400]
    # The script's carriage returns would make its CSP hash differ from the browser's (which
    # normalises them): read as text with universal newlines.
    assert "\r" not in js and "\r" not in css
    assert hashlib.sha256(css.encode("utf-8")).hexdigest() == vis.VIS_NETWORK["9.1.2"][CSS]
    # The map's inlined copy is the checked one.
    from netmap.render.map import _vis_assets

    assert _vis_assets() == (js, css)


def test_an_untouched_copy_passes(copy):
    assert vis.vis_network_files(copy) == vis.vis_network_files()


def _remove(folder, name):
    (folder / name).unlink()


def _append(folder, name):
    with (folder / name).open("a", encoding="utf-8") as f:
        f.write("\n/* changed */\n")


def _new_version(folder, name):
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace("@version 9.1.2", "@version 9.2.0", 1), encoding="utf-8")


def _no_header(folder, name):
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace("@version 9.1.2", "", 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("tamper", "name", "message"),
    [
        (
            _remove,
            JS,
            "vis-network.min.js is missing in {folder}: install a pyvis netmap supports: pip install 'pyvis==0.3.2'",
        ),
        (
            _remove,
            CSS,
            "vis-network.css is missing in {folder}: install a pyvis netmap supports: pip install 'pyvis==0.3.2'",
        ),
        (
            _new_version,
            JS,
            "{folder}/vis-network.min.js is vis-network 9.2.0, not 9.1.2 that netmap checked: "
            "install a pyvis netmap supports: pip install 'pyvis==0.3.2'",
        ),
        (
            _no_header,
            JS,
            "{folder}/vis-network.min.js is vis-network of no stated version, not 9.1.2 that "
            "netmap checked: install a pyvis netmap supports: pip install 'pyvis==0.3.2'",
        ),
        (_append, JS, "{folder}/vis-network.min.js is not the vis-network 9.1.2 file netmap checked (SHA-256 "),
        (_append, CSS, "{folder}/vis-network.css is not the vis-network 9.1.2 file netmap checked (SHA-256 "),
    ],
)
def test_a_missing_or_changed_file_fails_with_how_to_fix(copy, tamper, name, message):
    tamper(copy, name)
    with pytest.raises(UsageError) as caught:
        vis.vis_network_files(copy)
    text = str(caught.value)
    assert text.startswith(message.format(folder=copy)) and "\n" not in text
    assert caught.value.exit_code == 2
    if tamper is _append:
        assert text.endswith(
            "expected " + vis.VIS_NETWORK["9.1.2"][name][:12] + "...): reinstall it; "
            "install a pyvis netmap supports: pip install 'pyvis==0.3.2'"
        )


def test_pyvis_not_installed(monkeypatch):
    # An uninstalled pyvis cannot be made in the test's own environment: the lookup is faked.
    monkeypatch.setattr(vis, "find_spec", lambda name: None)
    with pytest.raises(UsageError, match=r"^pyvis is not installed, .*pip install 'pyvis==0.3.2'$"):
        vis._pyvis_folder()


def test_pyvis_without_a_checked_version(monkeypatch, tmp_path):
    """A pyvis whose lib folder holds only another vis-network version."""
    (tmp_path / "pyvis" / "templates" / "lib" / "vis-9.3.0").mkdir(parents=True)
    (tmp_path / "pyvis" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    # find_spec answers from sys.modules for a package already imported (by another test).
    for name in [m for m in sys.modules if m == "pyvis" or m.startswith("pyvis.")]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(UsageError) as caught:
        vis._pyvis_folder()
    assert "ships vis-network 9.3.0, not 9.1.2 that netmap checked: install a pyvis netmap supports: " in str(
        caught.value
    )


def test_the_map_command_stops_with_one_line_when_the_files_changed(monkeypatch, tmp_path):
    """netmap recorded other hashes than the installed files have: exit 2, the message, no traceback."""
    monkeypatch.setitem(vis.VIS_NETWORK, "9.1.2", {JS: "0" * 64, CSS: "0" * 64})
    vis.vis_network_files.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["map", str(EXAMPLES / "tucson-behavioral-health"), "-o", str(tmp_path / "m.html")]
        )
    finally:
        vis.vis_network_files.cache_clear()
    assert result.exit_code == 2
    assert "vis-network.min.js is not the vis-network 9.1.2 file netmap checked" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "m.html").exists()


# -- the map as a pyvis Network ------------------------------------------------------------------

TUCSON = EXAMPLES / "tucson-behavioral-health"
AS_OF = "2026-11-24"


@pytest.fixture(scope="module")
def tucson():
    return netmap.read_graph(TUCSON)


def test_the_network_holds_the_maps_nodes_edges_and_options(tucson):
    from pyvis.network import Network

    data = map_data(tucson, as_of=AS_OF)
    net = netmap.to_pyvis(tucson, as_of=AS_OF)
    assert isinstance(net, Network)
    assert len(net.nodes) == len(data["nodes"]) and len(net.edges) == len(data["edges"])
    assert net.node_ids == [n["id"] for n in data["nodes"]] and set(net.node_map) == set(net.node_ids)
    assert net.options == data["options"] and net.options is not data["options"]
    # One partner, field by field.
    mine = next(n for n in data["nodes"] if n["group"] == "partner" and n["broker"])
    theirs = net.node_map[mine["id"]]
    for key in ("label", "color", "shape", "size", "x", "y", "region", "level", "broker"):
        assert theirs[key] == mine[key], key
    assert theirs["type"] == "partner" and "group" not in theirs and "tooltip" not in theirs
    assert theirs["title"] == "\n".join(f"{k}: {v}" for k, v in mine["tooltip"])
    assert theirs["label"].startswith("★ ")
    # Ghosts and edges carried over with their styles.
    ghosts = [n for n in net.nodes if n["type"] == "ghost"]
    assert ghosts and ghosts[0]["shape"] == "square" and ghosts[0]["label"].startswith("missing: ")
    assert [(e["from"], e["to"], e["color"], e["dashes"], e["width"]) for e in net.edges] == [
        (e["from"], e["to"], e["color"], e["dashes"], e["width"]) for e in data["edges"]
    ]
    # pyvis's own methods work on the filled lists.
    assert net.neighbors(mine["id"]) and net.num_nodes() == len(data["nodes"]) and net.num_edges() == len(net.edges)


def test_map_options_and_a_given_analysis(tucson):
    a = run(tucson, as_of=AS_OF)
    net = netmap.to_pyvis(tucson, analysis=a, gaps=False, layout="fixed", title="T")
    # No ghosts: the 14 partners and two captions (Pima County, and the centre where the
    # national US Department of Labor sits).
    assert sorted({n["type"] for n in net.nodes}) == ["caption", "partner"]
    assert sum(n["type"] == "partner" for n in net.nodes) == 14
    assert len(net.nodes) == len(map_data(tucson, analysis=a, gaps=False)["nodes"]) == 16
    assert net.options["physics"]["enabled"] is False


def test_the_network_writes_its_page(tucson):
    net = netmap.to_pyvis(tucson, as_of=AS_OF, height="500px")
    html = net.generate_html()
    assert "vis.DataSet(" in html and "@version 9.1.2" in html  # vis-network in the page, not from a CDN
    assert json.dumps(net.nodes[0]["id"]) in html and "500px" in html


def test_no_contact_details_unless_asked(tucson):
    people = [d for _, d in tucson.nodes(data=True) if d.get("label") == "Person"]
    details = [d[k] for d in people for k in ("name", "email", "phone") if d.get(k)]
    assert people and details
    html = netmap.to_pyvis(tucson, as_of=AS_OF).generate_html()
    assert not any(x in html for x in details)
    asked = netmap.to_pyvis(tucson, as_of=AS_OF, include_contacts=True)
    titles = "\n".join(n["title"] for n in asked.nodes)
    assert "Contacts: " in titles and any(x in titles for x in details)


def test_tooltips_never_become_pyvis_markup(tucson):
    """pyvis's page writes a title holding "href" as HTML; the data's text never does."""
    G = tucson.copy()
    node = next(n for n, d in G.nodes(data=True) if d.get("label") == "Partner")
    G.nodes[node]["name"] = '<a href="javascript:window.__pwned=1">x</a>'
    net = netmap.to_pyvis(G, as_of=AS_OF)
    assert "popup.innerHTML" not in net.generate_html()
    assert any("hre\u200bf" in n["title"] for n in net.nodes)
