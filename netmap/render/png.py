"""A PNG of a written map, taken by headless Chromium (``netmap map --png FILE``).

netmap draws maps in the browser, so the picture is taken by one: the system's Chromium
(``chromium`` or ``chromium-browser`` on the PATH, or the program ``NETMAP_CHROMIUM``
names), run once, headless, with a fresh throwaway profile, no network services, on the
map file written just before. Its screenshot is the map's first view at 1920x1080. Without
Chromium nothing is drawn and :class:`ChromiumMissing` (exit 1) says how to install it.

Examples
--------
>>> import os
>>> os.environ["NETMAP_CHROMIUM"] = "/nonexistent/chromium"
>>> find_chromium() is None
True
>>> del os.environ["NETMAP_CHROMIUM"]
"""

from __future__ import annotations

import os
import shutil
import subprocess  # runs the one browser program, with an argument list
import tempfile
from pathlib import Path

from netmap.errors import NetmapError
from netmap.outputs import Inputs, write_file

__all__ = ["ChromiumMissing", "find_chromium", "write_png"]

SIZE = (1920, 1080)
# Virtual time the page gets to draw: the map draws in well under a second up to a few
# thousand partners; the budget is virtual time, so a fast page does not wait for it.
BUDGET_MS = 10_000
TIMEOUT_S = 120
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
]
INSTALL = (
    "--png needs Chromium: install it (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask "
    "chromium) or set NETMAP_CHROMIUM to the browser program; the map itself was written"
)


class ChromiumMissing(NetmapError):
    """No Chromium to take the picture with (exit 1: the map is written, the picture is not)."""

    exit_code = 1


def find_chromium() -> str | None:
    """The Chromium program to run: ``NETMAP_CHROMIUM`` if set (and there), else ``chromium`` or
    ``chromium-browser`` on the PATH; None when there is none."""
    named = os.environ.get("NETMAP_CHROMIUM")
    if named:
        return named if Path(named).is_file() and os.access(named, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def write_png(
    html: str | Path,
    path: str | Path,
    *,
    size: tuple[int, int] = SIZE,
    inputs: Inputs = (),
    force: bool = False,
    timeout: float = TIMEOUT_S,
) -> Path:
    """Write a PNG of the page ``html`` (a written map) to ``path`` and return the path.

    Parameters
    ----------
    html : str or Path
        The map file to draw (opened from disk, offline).
    path : str or Path
        The PNG to write: atomically, replacing a file only with ``force``, never one of
        ``inputs`` (:func:`netmap.outputs.write_file`).
    size : (int, int)
        The window, in pixels: the picture's size.
    timeout : float
        Seconds before the browser is stopped.

    Raises
    ------
    ChromiumMissing
        No Chromium found (exit 1).
    NetmapError
        The browser failed or wrote no picture (exit 1).

    Examples
    --------
    >>> write_png("map.html", "map.png")  # doctest: +SKIP
    PosixPath('map.png')
    """
    browser = find_chromium()
    if browser is None:
        raise ChromiumMissing(INSTALL)
    page = Path(html).resolve()
    with tempfile.TemporaryDirectory(prefix="netmap-png-") as temp:
        shot = Path(temp) / "shot.png"
        args = [
            browser,
            *FLAGS,
            f"--user-data-dir={Path(temp) / 'profile'}",
            f"--screenshot={shot}",
            f"--window-size={size[0]},{size[1]}",
            f"--virtual-time-budget={BUDGET_MS}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)  # noqa: S603
        except subprocess.TimeoutExpired:
            raise NetmapError(f"--png: Chromium did not finish drawing {page.name} in {timeout:.0f} s") from None
        except OSError as exc:
            raise NetmapError(f"--png: cannot run {browser}: {exc.strerror or exc}") from None
        if not shot.is_file() or shot.stat().st_size == 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise NetmapError(f"--png: Chromium wrote no picture (exit {done.returncode}: {said[-1] if said else ''})")
        return write_file(path, shot.read_bytes(), inputs=inputs, force=force)
