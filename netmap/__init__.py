"""netmap: map and analyse the partnership network behind a career-pathways system.

The library reads a netmap workbook, validates it against a reference roster and
builds a NetworkX graph; the command line is a thin layer over it.

Examples
--------
>>> import netmap
>>> tables = netmap.read_workbook("examples/tucson-behavioral-health")
>>> tables.ok
True
>>> G = netmap.build_graph(tables)
>>> P = netmap.project(G)
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netmap.errors import InputError, Issue, NetmapError, RosterError, StoreError, UsageError

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

    from netmap.analysis import Analysis
    from netmap.build import build_graph, node_key
    from netmap.ingest.hsds import HsdsMapping
    from netmap.ingest.validate import Tables
    from netmap.ingest.workbook import Limits
    from netmap.project import project
    from netmap.roster import Roster, available_rosters, load_roster

from netmap._version import __version__

# The public names are imported when first used, not with the package: ``netmap --help``
# and commands that need neither NetworkX nor the readers start faster (PEP 562).
_LAZY = {
    "build_graph": "netmap.build",
    "node_key": "netmap.build",
    "HsdsMapping": "netmap.ingest.hsds",
    "is_hsds": "netmap.ingest.hsds",
    "read_hsds": "netmap.ingest.hsds",
    "Tables": "netmap.ingest.validate",
    "validate": "netmap.ingest.validate",
    "Limits": "netmap.ingest.workbook",
    "read_workbook_raw": "netmap.ingest.workbook",
    "project": "netmap.project",
    "Roster": "netmap.roster",
    "available_rosters": "netmap.roster",
    "load_roster": "netmap.roster",
    "nx": "networkx",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        value = module if name == "nx" else getattr(module, name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        # Subpackages (netmap.analysis, netmap.render, ...) as attributes, as after an import.
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """``netmap.project`` is the function, as when the package imported it eagerly: when the
    submodule of the same name is imported (which sets it on the package), the function
    it defines takes its place."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{name}" and name in _LAZY:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "HsdsMapping",
    "InputError",
    "Issue",
    "Limits",
    "NetmapError",
    "Roster",
    "RosterError",
    "StoreError",
    "Tables",
    "UsageError",
    "__version__",
    "available_rosters",
    "build_graph",
    "load_roster",
    "node_key",
    "project",
    "read_graph",
    "read_source",
    "read_workbook",
    "to_pyvis",
]


def read_workbook(
    source: str | Path,
    *,
    roster: Roster | str | Path | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
    mapping: HsdsMapping | str | Path | None = None,
    regions: str | Path | dict[str, str] | None = None,
) -> Tables:
    """Read and validate a netmap workbook, or an Open Referral HSDS 3.0 package.

    Parameters
    ----------
    source : str or Path
        An ``.xlsx`` workbook, a folder of ``.csv`` files, or an HSDS 3.0 tabular data
        package (a folder with ``datapackage.json``).
    roster : Roster, str or Path, optional
        A loaded roster, a shipped roster's name, or a roster YAML file
        (default ``career-pathways``).
    encoding : str, optional
        Encoding of every CSV file; by default each file's own is found (byte-order mark,
        UTF-8, else Windows-1252 with an ``encoding-guessed`` warning).
    limits : Limits, optional
        Size bounds for hostile or mistaken files.
    mapping : HsdsMapping, str or Path, optional
        For an HSDS package: how its taxonomy terms map to agency types (a mapping
        YAML file); see :mod:`netmap.ingest.hsds`. Ignored for workbooks.
    regions : str, Path or dict, optional
        For a directory (HSDS package or Ohana folder): a region file (CSV of county or city
        -> region, :func:`netmap.ingest.hsds_mapping.load_regions`) or such a dict, placing
        its organisations in the map's regions.

    Returns
    -------
    Tables
        Clean records per sheet and every issue found (``tables.ok`` when none is an
        error). Data problems never raise.

    Raises
    ------
    UsageError
        ``source`` does not exist or is not a workbook netmap reads.
    RosterError
        The roster cannot be loaded.

    Examples
    --------
    >>> tables = read_workbook("examples/oregon-pathways-alliance")
    >>> tables.counts()["partners"] > 30
    True
    """
    from netmap.ingest.hsds import is_hsds, read_hsds
    from netmap.ingest.validate import validate
    from netmap.ingest.workbook import read_workbook_raw
    from netmap.roster import Roster, load_roster

    if not isinstance(roster, Roster):
        roster = load_roster(roster)
    if is_hsds(source):
        return read_hsds(source, roster=roster, mapping=mapping, encoding=encoding, limits=limits, regions=regions)
    if regions is not None:
        raise UsageError(f"{source} is not a directory (HSDS or Ohana); --regions applies to directories only")
    if mapping is not None:
        raise UsageError(f"{source} is not an HSDS package; --mapping applies to HSDS packages only")
    from netmap import _worker
    from netmap._gc import gc_paused
    from netmap.ingest import ahead

    with gc_paused():
        # A command that started a worker for a large workbook lets it read the ties file
        # meanwhile (netmap.ingest.ahead): the same tables, sooner.
        worker = _worker.prestarted()
        if worker is not None and Path(source).is_dir():
            try:
                sender = ahead.sender(worker, roster)
                return validate(read_workbook_raw(source, encoding=encoding, limits=limits, ahead=sender), roster)
            except ahead.Redo:
                pass
        return validate(read_workbook_raw(source, encoding=encoding, limits=limits), roster)


def read_source(
    source: str | Path,
    *,
    roster: Roster | str | Path | None = None,
    encoding: str | None = None,
    mapping: HsdsMapping | str | Path | None = None,
    map_name: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Tables:
    """Read and validate a workbook, or a map kept in a database.

    ``source`` is a workbook (``.xlsx`` or CSV folder) or a database URI
    (``neo4j://``, ``neo4j+s://``, ``bolt://``, ``bolt+s://``, ``falkordb://``); a
    database also needs ``map_name`` and usually ``password``. Without ``roster``, a
    stored map is checked against the roster it was loaded with.

    Examples
    --------
    >>> read_source("examples/tucson-behavioral-health").ok
    True
    """
    from netmap.roster import Roster, load_roster
    from netmap.store.engines import is_store_uri

    if is_store_uri(str(source)):
        from netmap.store.source import read_tables

        loaded = None if roster is None else roster if isinstance(roster, Roster) else load_roster(roster)
        return read_tables(
            str(source), map_name=map_name, roster=loaded, user=user, password=password, database=database
        )
    return read_workbook(source, roster=roster, encoding=encoding, mapping=mapping)


def read_graph(
    source: str | Path,
    *,
    roster: Roster | str | Path | None = None,
    encoding: str | None = None,
    map_id: str | None = None,
    mapping: HsdsMapping | str | Path | None = None,
) -> nx.MultiDiGraph:
    """Read, validate and build in one step; raise :class:`InputError` on data errors.

    Examples
    --------
    >>> G = read_graph("examples/tucson-behavioral-health")
    >>> G.graph["roster"]
    'career-pathways'
    """
    from netmap.build import build_graph

    tables = read_workbook(source, roster=roster, encoding=encoding, mapping=mapping)
    return build_graph(tables, map_id=map_id)


def to_pyvis(
    G: nx.MultiDiGraph,
    *,
    analysis: Analysis | None = None,
    height: str = "750px",
    width: str = "100%",
    notebook: bool = False,
    cdn_resources: str = "in_line",
    **options: Any,
) -> Network:
    """The map of one analysis as a ``pyvis.network.Network``, to show or customise in a notebook.

    The nodes, edges, styles and options are those of :func:`netmap.pipeline.map_data`
    (the page ``netmap map`` draws), put into the Network by :func:`netmap.render.vis.pyvis_network`.
    Contact names, titles, emails and phones are left out unless the analysis includes
    them (``include_contacts=True``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map (:func:`netmap.read_graph`). Not modified.
    analysis : netmap.analysis.Analysis, optional
        The analysis to draw (:func:`netmap.pipeline.run`); made from ``options`` when not given.
    height, width, notebook, cdn_resources
        The Network's own settings (see :func:`netmap.render.vis.pyvis_network`).
    **options
        The options of :func:`netmap.pipeline.run` (``as_of``, ``region``, ``seed``,
        ``include_contacts``, ...) and of :func:`netmap.render.map.map_data` (``title``,
        ``size_by``, ``gaps``, ``layout``).

    Returns
    -------
    pyvis.network.Network

    Examples
    --------
    >>> import netmap
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> net = to_pyvis(G, as_of="2026-11-24", gaps=False)
    >>> len(net.nodes), net.nodes[0]["shape"], "<html>" in net.generate_html()  # 14 partners, 2 captions
    (16, 'dot', True)
    """
    from netmap.pipeline import map_data
    from netmap.render.vis import pyvis_network

    data = map_data(G, analysis=analysis, **options)
    return pyvis_network(data, height=height, width=width, notebook=notebook, cdn_resources=cdn_resources)
