"""Saved map layouts: the JSON file the map page's "Download layout" writes, read back.

The file is one JSON object::

    {
      "netmap_layout": 1,
      "map": "tucson-behavioral-health",
      "region": null,
      "positions": {"<partner id>": [x, y], ...}
    }

``netmap_layout`` is the format's version (1). ``positions`` gives each partner's place in
the map's pixel space (vis-network's coordinates, as :func:`netmap.render.map.map_data`
writes them), keyed by the partner's id in the workbook, not by the page's node ids, so
one file fits the next workbook too. ``map`` and ``region`` say which map it was saved
from (informative: a file saved from another map is still read, its unknown ids are
reported). Other keys are ignored.

``netmap map --positions FILE`` and ``netmap report --positions FILE`` read it with
:func:`read_positions`; a file that cannot be used is a usage error (exit 2) naming the
file and what is wrong. Partners the file does not know keep their computed place, and ids
the map does not have are left out: :func:`position_warnings` says how many of each.

Examples
--------
>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "layout.json"
>>> _ = path.write_text(json.dumps({"netmap_layout": 1, "positions": {"a": [1, 2.5]}}))
>>> layout = read_positions(path)
>>> layout.positions
{'a': (1.0, 2.5)}
>>> position_warnings(layout, ["a", "b"])
['1 partner(s) of the map are not in layout.json and keep their computed place']
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netmap.errors import UsageError, safe_text

__all__ = ["LAYOUT_FORMAT", "Layout", "layout_json", "map_partner_ids", "position_warnings", "read_positions"]

LAYOUT_FORMAT = 1
# A saved layout is a few hundred bytes per partner: anything far bigger is not one.
MAX_BYTES = 50_000_000
# How many unknown ids a warning names before it only counts them.
NAMED = 5


@dataclass(frozen=True)
class Layout:
    """A saved layout: partner id -> (x, y), and the map and region it was saved from."""

    positions: dict[str, tuple[float, float]]
    map: str | None = None
    region: str | None = None
    source: str = field(default="", compare=False)


def _bad(path: Path, what: str) -> UsageError:
    return UsageError(f"--positions {safe_text(str(path))}: {what}")


def read_positions(path: str | Path) -> Layout:
    """Read and check a layout file written by the map page's "Download layout".

    Parameters
    ----------
    path : str or Path
        The JSON file.

    Returns
    -------
    Layout
        Its positions by partner id, and the map and region it names.

    Raises
    ------
    UsageError
        The file is missing or unreadable, not JSON, or not a netmap layout (version 1, a
        ``positions`` object of ``[x, y]`` pairs of finite numbers): one line naming the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bad.json"
    >>> _ = path.write_text('{"positions": []}')
    >>> read_positions(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netmap.errors.UsageError: --positions .../bad.json: not a netmap layout (no "netmap_layout": 1)
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _bad(path, f"too big for a layout file (over {MAX_BYTES // 1_000_000} MB)")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise _bad(path, "no such file") from None
    except IsADirectoryError:
        raise _bad(path, "is a folder, not a layout file") from None
    except UnicodeDecodeError:
        raise _bad(path, "not UTF-8 text (a layout file is JSON)") from None
    except OSError as exc:
        raise _bad(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise _bad(path, f"not JSON{where}") from None
    return _layout(doc, path)


def _layout(doc: Any, path: Path) -> Layout:
    if not isinstance(doc, dict) or "netmap_layout" not in doc:
        raise _bad(path, 'not a netmap layout (no "netmap_layout": 1)')
    version = doc["netmap_layout"]
    if version != LAYOUT_FORMAT or isinstance(version, bool):
        raise _bad(path, f"layout format {safe_text(repr(version))} is not one this netmap reads (1)")
    raw = doc.get("positions")
    if not isinstance(raw, dict):
        raise _bad(path, '"positions" must be an object of partner id: [x, y]')
    positions: dict[str, tuple[float, float]] = {}
    for key, value in raw.items():
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)
        ):
            shown = safe_text(key)[:80]
            raise _bad(path, f'the position of "{shown}" must be [x, y], two finite numbers')
        positions[key] = (float(value[0]), float(value[1]))
    map_id, region = doc.get("map"), doc.get("region")
    return Layout(
        positions,
        map_id if isinstance(map_id, str) else None,
        region if isinstance(region, str) else None,
        str(path),
    )


def position_warnings(layout: Layout, partner_ids: Iterable[str]) -> list[str]:
    """What a person should know when ``layout`` is put on a map of ``partner_ids``.

    Ids of the file that are not partners of the map are ignored; partners the file does
    not place keep their computed place. One line for each, counting (and naming the first
    few unknown ids).

    >>> position_warnings(Layout({"x": (0.0, 0.0), "a": (1.0, 1.0)}, source="l.json"), ["a"])
    ['1 partner id(s) in l.json are not on this map and are ignored: x']
    """
    ids = set(partner_ids)
    name = Path(layout.source).name or "the layout file"
    unknown = sorted(k for k in layout.positions if k not in ids)
    missing = sum(1 for k in ids if k not in layout.positions)
    out = []
    if unknown:
        shown = ", ".join(safe_text(k) for k in unknown[:NAMED]) + (", ..." if len(unknown) > NAMED else "")
        out.append(f"{len(unknown)} partner id(s) in {name} are not on this map and are ignored: {shown}")
    if missing:
        out.append(f"{missing} partner(s) of the map are not in {name} and keep their computed place")
    return out


def layout_json(positions: dict[str, tuple[float, float]], *, map: str | None = None, region: str | None = None) -> str:
    """The text of a layout file (the format the page's "Download layout" writes).

    >>> layout_json({"a": (1.0, 2.0)}, map="m")
    '{"netmap_layout": 1, "map": "m", "region": null, "positions": {"a": [1.0, 2.0]}}'
    """
    doc = {
        "netmap_layout": LAYOUT_FORMAT,
        "map": map,
        "region": region,
        "positions": {k: [x, y] for k, (x, y) in positions.items()},
    }
    return json.dumps(doc)


def map_partner_ids(G: Any, a: Any) -> list[str]:
    """The ids of the partners the map of analysis ``a`` (of graph ``G``) draws: those a layout places.

    >>> import netmap
    >>> from netmap.pipeline import run
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> len(map_partner_ids(G, run(G, as_of="2026-11-24")))
    14
    """
    from netmap.analysis import select_region
    from netmap.analysis._common import partners

    return list(partners(select_region(G, a.region)))
