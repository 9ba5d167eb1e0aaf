"""How netmap writes files: never over an input, never over a file without ``force``, atomically,
and with cells no spreadsheet runs as formulas.

Every command that writes goes through this module, so they all behave the same way:

- **Inputs are never written over.** A target that is an input of the command (the SOURCE
  workbook or folder, ``--since``, ``--directory``, a roster or mapping file), lies inside an
  input folder, or resolves to one through a symlink or a hard link, is refused with a usage
  error naming both.
- **An existing file needs ``force``.** Without it, a target that exists is refused, with the
  same message in every command.
- **Missing folders are made.** A target in a folder that does not exist yet (``-o
  reports/2026/map.html``) gets its folder, and the folders above it, made when it is written
  (:func:`make_folder`); a command run under :func:`announcing_folders` says so, once per folder.
  A file where one of those folders should be is refused before any work is done.
- **Writing is atomic.** The bytes go to a temporary file in the target's folder, which is
  flushed to disk and then renamed over the target (:func:`os.replace`), so a write that stops
  part way (full disk, killed process) leaves the old file as it was. A symlink at the target
  is replaced by the new file; the file it pointed to is not touched.
- **A folder is replaced whole.** :func:`write_folder` writes a set of files into a folder
  and, with ``force``, removes the files netmap owns there that it did not write this time
  (the sheets of an earlier export), and reports what it wrote, removed and left alone.

Formula-leading cells
---------------------
A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula. :func:`neutralise` gives such a text one more leading apostrophe (also when
apostrophes already precede one of those characters, which keeps the rule reversible), and
:func:`restore` takes one off again: ``restore(neutralise(s)) == s`` for every text ``s``.

Examples
--------
>>> neutralise("=HYPERLINK(1)"), restore("'=HYPERLINK(1)"), neutralise("Pima CC")
("'=HYPERLINK(1)", '=HYPERLINK(1)', 'Pima CC')
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_file(folder / "a.txt", "one\\n").name
'a.txt'
>>> write_file(folder / "a.txt", "two\\n")
Traceback (most recent call last):
...
netmap.errors.UsageError: ... already exists; pass --force to overwrite
>>> write_file(folder / "b.txt", "x", inputs=[("SOURCE", folder)])
Traceback (most recent call last):
...
netmap.errors.UsageError: ... is inside the folder of SOURCE ...; netmap never writes over its inputs: ...
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from netmap.errors import UsageError

__all__ = [
    "FORMULA_START",
    "MANIFEST",
    "Inputs",
    "Written",
    "announcing_folders",
    "atomic_write",
    "check_file_target",
    "check_folder_target",
    "check_not_input",
    "make_folder",
    "neutralise",
    "read_manifest",
    "restore",
    "write_file",
    "write_folder",
]

# The characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = frozenset("=+-@\t\r")

# The inputs of a command: (what the user calls it, its path); None and database URIs are skipped.
Inputs = Sequence[tuple[str, "str | Path | None"]]


def neutralise(value: str) -> str:
    """``value`` as a spreadsheet shows it as text: one more leading ``'`` if it could start a formula.

    A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or with
    apostrophes followed by one of those, gets one more leading apostrophe; any other text is
    returned unchanged. Apply it to text only: numbers are not formulas.

    Parameters
    ----------
    value : str
        The text of one cell.

    Returns
    -------
    str
        The text to write.

    Examples
    --------
    >>> neutralise("=1+1"), neutralise("-1+2"), neutralise("a-b"), neutralise("'=x")
    ("'=1+1", "'-1+2", 'a-b', "''=x")
    """
    # Counting the apostrophes already there keeps the rule reversible (see restore).
    if value.lstrip("'")[:1] in FORMULA_START and value:
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise`: one leading ``'`` less on a text that matches ``'+[=+\\-@\\t\\r]``.

    Examples
    --------
    >>> restore("'=1+1"), restore("''=x"), restore("'quoted'"), restore("=raw")
    ('=1+1', "'=x", "'quoted'", '=raw')
    """
    if value[:1] == "'" and value.lstrip("'")[:1] in FORMULA_START and value.lstrip("'"):
        return value[1:]
    return value


def set_cell(cell: Any, value: Any) -> Any:
    """Put ``value`` into an openpyxl ``cell``; a text is stored as text, never a formula.

    openpyxl stores any text starting with ``=`` as a formula, which the spreadsheet then
    runs. Here a text is a text cell whatever it starts with, and one that
    :func:`neutralise` would mark also gets the quote prefix a spreadsheet sets when a user
    types ``'=``: shown and kept as written, and still text after an edit.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> c = set_cell(ws["A1"], "=HYPERLINK(1)")
    >>> c.value, c.data_type, c.quotePrefix
    ('=HYPERLINK(1)', 's', True)
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if neutralise(value) != value:
            cell.quotePrefix = True
    return cell


# The file netmap writes into a workbook folder (export --format workbook, pull): it lists the
# CSV files it wrote with their sheet names, and tells the reader to restore() their cells.
MANIFEST = "netmap-workbook.json"


def read_manifest(folder: str | Path) -> dict[str, str] | None:
    """The files of a workbook folder netmap wrote, with their sheet names; None if there is none.

    A manifest that cannot be read as one netmap writes counts as none: the cells of the folder
    are then read as they are (apostrophes and all), which loses nothing.

    Examples
    --------
    >>> read_manifest("examples/tucson-behavioral-health") is None
    True
    """
    path = Path(folder) / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = doc.get("files") if isinstance(doc, dict) and doc.get("netmap") == "workbook folder" else None
    if not isinstance(files, dict):
        return None
    return {
        name: sheet
        for name, sheet in files.items()
        # Only plain CSV file names of this folder, whatever the file says.
        if isinstance(name, str)
        and isinstance(sheet, str)
        and name == Path(name).name
        and name.lower().endswith(".csv")
    }


# -- inputs and targets -----------------------------------------------------------------------


def _is_path_input(value: str | Path | None) -> bool:
    if value is None or value == "":
        return False
    text = str(value)
    # A database URI (neo4j://, falkordb+unix://...) names no file netmap could write over.
    return "://" not in text and os.path.lexists(text)


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def check_not_input(target: str | Path, inputs: Inputs, *, what: str = "") -> None:
    """Refuse ``target`` when it is an input, lies inside an input folder, or is one through a link.

    Parameters
    ----------
    target : str or Path
        A file or folder the command is about to write.
    inputs : sequence of (label, path)
        The command's inputs, e.g. ``[("SOURCE", "book.xlsx"), ("--since", "old/")]``.
    what : str
        How the message names the target (default: its path).

    Raises
    ------
    UsageError
        The message names the target and the input.

    Examples
    --------
    >>> check_not_input("out.html", [("SOURCE", None), ("--since", "neo4j://host")])
    """
    target = Path(target)
    shown = what or str(target)
    # resolve() follows every symlink of the path, also a dangling last one; a file that does
    # not exist yet resolves to where it would be.
    resolved = target.resolve()
    for label, value in inputs:
        if not _is_path_input(value):
            continue
        source = Path(str(value))
        real = source.resolve()
        linked = str(resolved) != os.path.abspath(target) or str(real) != os.path.abspath(source)
        via = " (through a symlink)" if linked else ""
        if resolved == real or _same_file(target, source):
            raise UsageError(
                f"{shown} is the input {label} {value}{via}; netmap never writes over its inputs: "
                "write it somewhere else"
            )
        if real.is_dir() and _inside(resolved, real):
            raise UsageError(
                f"{shown} is inside the folder of {label} {value}{via}; netmap never writes over its inputs: "
                "write it somewhere else"
            )


def _same_file(a: Path, b: Path) -> bool:
    # A hard link is the same file under another name.
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_file_target(path: str | Path, *, inputs: Inputs = (), force: bool = False) -> Path:
    """Check that ``path`` may be written as a file; return it as a Path.

    Raises
    ------
    UsageError
        ``path`` is an input (see :func:`check_not_input`), a folder, or exists and not ``force``.

    Examples
    --------
    >>> check_file_target("new-report.html").name
    'new-report.html'
    """
    path = Path(path)
    check_not_input(path, inputs)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name to write")
    if os.path.lexists(path) and not force:
        raise UsageError(f"{path} already exists; pass --force to overwrite")
    # A file where a folder of the path should be fails now, before any work is done.
    for parent in path.absolute().parents:
        if os.path.lexists(parent):
            if not parent.is_dir():
                raise UsageError(f"cannot write {path}: Not a directory")
            break
    return path


def check_folder_target(
    folder: str | Path,
    names: Iterable[str],
    *,
    inputs: Inputs = (),
    force: bool = False,
    clashes: Callable[[Path], Iterable[str]] | None = None,
) -> Path:
    """Check that the files ``names`` may be written into ``folder``; return the folder.

    Parameters
    ----------
    folder : str or Path
        Created when written if missing.
    names : iterable of str
        The file names about to be written.
    inputs : sequence of (label, path)
        See :func:`check_not_input`; each file is checked, and the folder itself.
    force : bool
        Without it, a folder already holding one of ``names`` (or a file ``clashes`` lists) is refused.
    clashes : callable, optional
        Other files of an existing folder that refuse a write without ``force`` (for example
        every ``.csv`` file of a workbook folder, which would be read as a sheet).

    Examples
    --------
    >>> check_folder_target("new-folder", ["nodes.csv"]).name
    'new-folder'
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder; give a folder to write into")
    check_not_input(folder, inputs)
    names = list(names)
    for name in names:
        check_not_input(folder / name, inputs)
    if force or not folder.is_dir():
        return folder
    found = {name for name in names if os.path.lexists(folder / name)}
    if clashes is not None:
        found.update(clashes(folder))
    if found:
        raise UsageError(f"{folder} already holds {', '.join(sorted(found))}; pass --force to overwrite")
    return folder


# -- writing ----------------------------------------------------------------------------------

# Who hears that a folder was made (the CLI prints it on stderr); a context variable, so a
# library caller that set none hears nothing, and threads do not hear each other's folders.
_FOLDER_MADE: contextvars.ContextVar[Callable[[Path], None] | None] = contextvars.ContextVar(
    "netmap_folder_made", default=None
)


@contextlib.contextmanager
def announcing_folders(tell: Callable[[Path], None]) -> Iterator[None]:
    """Within the block, call ``tell(folder)`` for each folder :func:`make_folder` makes.

    Examples
    --------
    >>> import tempfile
    >>> made = []
    >>> with announcing_folders(made.append):
    ...     _ = write_file(Path(tempfile.mkdtemp()) / "reports" / "2026" / "a.txt", "x")
    >>> [p.parts[-2:] for p in made]
    [('reports', '2026')]
    """
    token = _FOLDER_MADE.set(tell)
    try:
        yield
    finally:
        _FOLDER_MADE.reset(token)


def make_folder(folder: str | Path) -> Path:
    """Make ``folder`` and the folders above it that are missing; return it.

    A folder that is already there is left as it is and not announced; one made is passed
    to the listener of :func:`announcing_folders`, if any (once: the deepest folder made).

    Raises
    ------
    UsageError
        The folder cannot be made (a file is in the way, no permission); the message names it.

    Examples
    --------
    >>> import tempfile
    >>> make_folder(Path(tempfile.mkdtemp()) / "a" / "b").is_dir()
    True
    """
    folder = Path(folder)
    if folder.is_dir():
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        # exist_ok covers a folder only: something else has the name.
        raise UsageError(f"cannot make the folder {folder}: a file has that name") from None
    except OSError as exc:
        raise UsageError(f"cannot make the folder {folder}: {exc.strerror or exc}") from None
    tell = _FOLDER_MADE.get()
    if tell is not None:
        tell(folder)
    return folder


def atomic_write(path: str | Path, data: bytes | str | Iterable[bytes | str], *, replace: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder; return ``path``.

    The temporary file is flushed to disk (``fsync``) and renamed over ``path``, so ``path``
    holds either its old content or all of ``data``, never a part. Text is written as UTF-8
    exactly as given (no newline translation).

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is made if missing (:func:`make_folder`).
    data : bytes, str, or an iterable of them
        The whole content, or its parts in order (a page written as it is made, never held
        whole; if making a part fails, nothing is written).
    replace : bool
        Replace an existing file. Without it, a file that appeared at ``path`` since it was
        checked is refused, not overwritten.

    Raises
    ------
    UsageError
        The file cannot be written (the message names it and says why), or it exists and
        not ``replace``.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(target, "hello").read_text()
    'hello'
    """
    path = Path(path)
    parts = (data,) if isinstance(data, (bytes, str)) else data
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    make_folder(path.parent)
    try:
        # 0o666 before the umask, as open() would create it (tempfile's files are 0o600).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            for part in parts:
                view = memoryview(part.encode("utf-8") if isinstance(part, str) else part)
                while view:
                    view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        _move_into_place(temp, path, replace)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(path.parent)
    return path


def _move_into_place(temp: Path, path: Path, replace: bool) -> None:
    if replace:
        os.replace(temp, path)
        return
    try:
        # A hard link refuses an existing name atomically: a file that appeared since the
        # check is not overwritten.
        os.link(temp, path)
    except FileExistsError:
        raise UsageError(f"{path} already exists; pass --force to overwrite") from None
    except OSError:
        # A file system without hard links: the check made before writing has to do.
        if os.path.lexists(path):
            raise UsageError(f"{path} already exists; pass --force to overwrite") from None
        os.replace(temp, path)
        return
    os.unlink(temp)


def _sync_folder(folder: Path) -> None:
    # The rename is durable once the folder's entry is on disk; not every system can sync a folder.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_file(
    path: str | Path,
    data: bytes | str | Iterable[bytes | str],
    *,
    inputs: Inputs = (),
    force: bool = False,
    make_folder: bool = False,
) -> Path:
    """Check ``path`` (:func:`check_file_target`) and write ``data`` to it atomically; return it.

    A missing folder of ``path`` is made (``make_folder`` is kept for callers that still
    pass it; it changes nothing).
    """
    path = check_file_target(path, inputs=inputs, force=force)
    return atomic_write(path, data, replace=force)


class Written(list):
    """The files a folder write wrote (a list of Path, in writing order), and what else it did.

    Attributes
    ----------
    folder : Path
        The folder written into.
    removed : list of Path
        Files of an earlier write that this one did not write again, removed (``force`` only).
    kept : list of Path
        Files in the folder netmap did not write and left alone.
    warnings : list of str
        Things the user should know (e.g. a sheet written under another file name).
    """

    def __init__(self, folder: Path, written: Iterable[Path] = ()) -> None:
        super().__init__(written)
        self.folder = folder
        self.removed: list[Path] = []
        self.kept: list[Path] = []
        self.warnings: list[str] = []


def write_folder(
    folder: str | Path,
    files: Mapping[str, bytes | str],
    *,
    inputs: Inputs = (),
    force: bool = False,
    owned: Iterable[str] = (),
    clashes: Callable[[Path], Iterable[str]] | None = None,
    foreign: Callable[[Path], Iterable[str]] | None = None,
) -> Written:
    """Write ``files`` (name -> content) into ``folder``, each atomically; remove stale owned files.

    Parameters
    ----------
    folder : str or Path
        Created if missing.
    files : mapping of str to bytes or str
        Written in this order (put a file that marks the folder as complete last).
    inputs : sequence of (label, path)
        The command's inputs: no file written or removed may be one (:func:`check_not_input`).
    force : bool
        Overwrite the files already there and remove the ``owned`` files not written this time.
        Without it, a folder holding any of ``files`` (or a file ``clashes`` lists) is refused.
    owned : iterable of str
        File names netmap writes into such a folder: with ``force``, those present and not in
        ``files`` are removed (so a map without funding leaves no ``funding.csv`` behind).
    clashes : callable, optional
        See :func:`check_folder_target`.
    foreign : callable, optional
        Files of the folder netmap did not write but the user should hear about (reported in
        ``kept``).

    Returns
    -------
    Written
        The files written, with ``removed``, ``kept`` and ``warnings``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_folder(folder, {"a.csv": "1", "b.csv": "2"})
    >>> done = write_folder(folder, {"a.csv": "3"}, force=True, owned={"a.csv", "b.csv"})
    >>> [p.name for p in done], [p.name for p in done.removed]
    (['a.csv'], ['b.csv'])
    """
    folder = Path(folder)
    stale = sorted(set(owned) - set(files))
    check_folder_target(folder, [*files, *stale], inputs=inputs, force=force, clashes=clashes)
    make_folder(folder)
    result = Written(folder)
    for name, data in files.items():
        result.append(atomic_write(folder / name, data, replace=force))
    if force:
        for name in stale:
            path = folder / name
            if os.path.lexists(path):
                try:
                    path.unlink()
                except OSError as exc:
                    raise UsageError(f"cannot remove the stale file {path}: {exc.strerror or exc}") from None
                result.removed.append(path)
    if foreign is not None:
        result.kept.extend(folder / name for name in sorted(set(foreign(folder)) - set(files) - set(stale)))
    return result
