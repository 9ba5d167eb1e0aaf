"""pyvis as a real part of netmap: the checked vis-network files, and the map as a pyvis ``Network``.

netmap's map page inlines the vis-network script and stylesheet that the pyvis package
ships. :func:`vis_network_files` is the one place they are read: it finds them in the
installed pyvis (without importing it, which pulls in IPython), reads the version from
the script's header and compares both files' SHA-256 with the values recorded here, so
a pyvis release that moves or changes them stops the map with a one-line
:class:`~netmap.errors.UsageError` saying what to install, never a page drawn with a
library nobody checked.

:func:`pyvis_network` gives a notebook user a map (:func:`netmap.render.map.map_data`) as a
``pyvis.network.Network`` to show or customise; :func:`netmap.to_pyvis` makes the analysis too.

Examples
--------
>>> js, css = vis_network_files()
>>> "@version 9.1.2" in js[:400], len(css) > 1000
(True, True)
>>> from netmap.pipeline import map_data
>>> import netmap
>>> data = map_data(netmap.read_graph("examples/tucson-behavioral-health"), as_of="2026-11-24")
>>> net = pyvis_network(data)
>>> type(net).__name__, sum(n["type"] == "partner" for n in net.nodes)
('Network', 14)
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netmap.errors import UsageError

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = ["PYVIS_VERSIONS", "VIS_NETWORK", "pyvis_network", "vis_network_files"]

# The vis-network files netmap has checked, by vis-network version: file name -> SHA-256 of
# the file as pyvis ships it. A new pyvis release that changes them needs a new entry here
# (after looking at the page it draws), not a silent change in every map.
VIS_NETWORK: dict[str, dict[str, str]] = {
    "9.1.2": {
        "vis-network.min.js": "1f20f0736f32cb9bedf8f6383b25cfea2f839e1abe80d6e8040b4d5bea378c69",
        "vis-network.css": "2e82d445ad5878ea881652470ce632601f8f55f1b99e6ebecdff8614600e6d0e",
    },
}
# The pyvis releases that ship those files, for the "how to fix" in the messages.
PYVIS_VERSIONS = ("0.3.2",)
_SCRIPT, _STYLE = "vis-network.min.js", "vis-network.css"
# vis-network's build writes " * @version 9.1.2" into the script's opening comment.
_VERSION = re.compile(r"^\s*\*\s*@version\s+(\S+)", re.MULTILINE)


def _fix() -> str:
    return "install a pyvis netmap supports: pip install " + " or ".join(f"'pyvis=={v}'" for v in PYVIS_VERSIONS)


def _installed_pyvis() -> str:
    try:
        return "pyvis " + metadata.version("pyvis")
    except metadata.PackageNotFoundError:
        return "pyvis"


def _pyvis_folder() -> Path:
    """The folder of the installed pyvis's vis-network files (pyvis is not imported)."""
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(f"pyvis is not installed, and netmap's maps inline the vis-network files it ships: {_fix()}")
    lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib"
    for version in VIS_NETWORK:
        if (lib / f"vis-{version}").is_dir():
            return lib / f"vis-{version}"
    found = sorted(p.name.removeprefix("vis-") for p in lib.glob("vis-*")) if lib.is_dir() else []
    raise UsageError(
        f"{_installed_pyvis()} ships vis-network {', '.join(found) or 'nowhere netmap looks'}, "
        f"not {', '.join(VIS_NETWORK)} that netmap checked: {_fix()}"
    )


@functools.cache
def vis_network_files(folder: Path | None = None) -> tuple[str, str]:
    """The vis-network script and stylesheet, checked: version and SHA-256 as netmap recorded.

    Parameters
    ----------
    folder : Path, optional
        The folder holding ``vis-network.min.js`` and ``vis-network.css`` (default: the
        one inside the installed pyvis package).

    Returns
    -------
    tuple of str
        The script and the stylesheet, as text.

    Raises
    ------
    UsageError
        pyvis is missing, or a file is missing, of another vis-network version or changed;
        the one-line message says which pyvis to install.

    Examples
    --------
    >>> import tempfile
    >>> try:
    ...     vis_network_files(Path(tempfile.mkdtemp()))
    ... except UsageError as exc:
    ...     print(str(exc).split(" in ")[0])
    vis-network.min.js is missing
    """
    where = Path(folder) if folder is not None else _pyvis_folder()
    texts = {}
    for name in (_SCRIPT, _STYLE):
        try:
            texts[name] = (where / name).read_bytes()
        except OSError:
            raise UsageError(f"{name} is missing in {where}: {_fix()}") from None
    header = _VERSION.search(texts[_SCRIPT][:2000].decode("utf-8", "replace"))
    version = header.group(1) if header else None
    if version not in VIS_NETWORK:
        raise UsageError(
            f"{where / _SCRIPT} is vis-network {version or 'of no stated version'}, "
            f"not {', '.join(VIS_NETWORK)} that netmap checked: {_fix()}"
        )
    for name, data in texts.items():
        digest = hashlib.sha256(data).hexdigest()
        if digest != VIS_NETWORK[version][name]:
            raise UsageError(
                f"{where / name} is not the vis-network {version} file netmap checked "
                f"(SHA-256 {digest[:12]}..., expected {VIS_NETWORK[version][name][:12]}...): "
                f"reinstall it; {_fix()}"
            )
    # As text with universal newlines, as before the check: the script's lone carriage returns
    # would otherwise reach the page, where the browser's newline normalisation makes its
    # hash differ from the one in the Content-Security-Policy.
    return _text(texts[_SCRIPT]), _text(texts[_STYLE])


def _text(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


# -- the map as a pyvis Network -----------------------------------------------------------------

# What netmap's node and edge data keep under other names in the Network: ``group`` means a
# vis-network style group there, and the tooltip rows become vis-network's text ``title``.
_RENAMED = {"group": "type"}
_DROPPED = {"tooltip"}


def _title(rows: list[list[str]]) -> str:
    text = "\n".join(f"{k}: {v}" for k, v in rows)
    # pyvis's page puts a title holding "href" into the tooltip as markup (innerHTML); elsewhere
    # vis-network shows titles as text. A zero-width space keeps any data text out of markup.
    return text.replace("href", "hre\u200bf")


def _item(d: dict[str, Any]) -> dict[str, Any]:
    item = {_RENAMED.get(k, k): v for k, v in d.items() if k not in _DROPPED}
    item["title"] = _title(d.get("tooltip") or [])
    return item


def pyvis_network(
    data: dict[str, Any],
    *,
    height: str = "750px",
    width: str = "100%",
    notebook: bool = False,
    cdn_resources: str = "in_line",
) -> Network:
    """A ``pyvis.network.Network`` holding :func:`netmap.render.map.map_data`'s nodes, edges and options.

    The Network's lists are filled directly (``nodes``, ``node_ids``, ``node_map``,
    ``edges``), in one pass: pyvis's ``add_edge`` scans every edge for each edge it adds.
    Nodes and edges keep netmap's fields (colour, shape, size, position, region, level,
    broker, kind, ...); ``group`` is called ``type`` (``partner`` or ``ghost``), since
    vis-network reads ``group`` as a style group, and the tooltip rows become the text
    ``title``. ``options`` is netmap's vis-network options as a dict, as
    ``Network.set_options`` leaves it.

    Parameters
    ----------
    data : dict
        :func:`netmap.render.map.map_data`'s result.
    height, width : str
        The canvas size (CSS lengths).
    notebook : bool
        Prepare the Network for ``show`` in a Jupyter notebook.
    cdn_resources : {"in_line", "local", "remote"}
        pyvis's choice of where its page takes vis-network from; ``in_line`` (the default)
        puts the files in the page, so the map needs no network for them. Unless
        ``remote``, the files are checked first (:func:`vis_network_files`).

    Returns
    -------
    pyvis.network.Network

    Examples
    --------
    >>> data = {"nodes": [{"id": "p:A", "group": "partner", "label": "A", "tooltip": [["Ties", "1"]]},
    ...                   {"id": "p:B", "group": "partner", "label": "B", "tooltip": []}],
    ...         "edges": [{"from": "p:A", "to": "p:B", "kind": "referral", "tooltip": []}],
    ...         "options": {"physics": {"enabled": False}}}
    >>> net = pyvis_network(data)
    >>> net.node_ids, net.nodes[0]["title"], net.get_adj_list()["p:A"]
    (['p:A', 'p:B'], 'Ties: 1', {'p:B'})
    """
    from pyvis.network import Network

    if cdn_resources != "remote":
        # pyvis's page then takes the files from its own folder: the checked ones.
        vis_network_files()
    net = Network(height=height, width=width, notebook=notebook, cdn_resources=cdn_resources)
    nodes = [_item(n) for n in data["nodes"]]
    net.nodes = nodes
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.edges = [_item(e) for e in data["edges"]]
    net.options = copy.deepcopy(data["options"])
    return net
