"""netmap.outputs: no command writes over an input, --force is asked for the same way by every
command that writes, writes are atomic, workbook folders are replaced whole, and the cells of
every CSV netmap writes are formula-safe and read back exactly."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.errors import UsageError
from netmap.outputs import (
    FORMULA_START,
    MANIFEST,
    announcing_folders,
    atomic_write,
    check_not_input,
    make_folder,
    neutralise,
    read_manifest,
    restore,
    write_file,
    write_folder,
)
from tests.conftest import EXAMPLES, write_csv_workbook

TUCSON = EXAMPLES / "tucson-behavioral-health"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def tree_digest(path: Path) -> dict[str, str]:
    """Every file under ``path`` (or ``path`` itself) with the hash of its bytes."""
    path = Path(path)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p.relative_to(path.parent)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


# -- the cell rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=x", "''=x"),
        ("''+x", "'''+x"),
        ("'quoted'", "'quoted'"),
        ("'", "'"),
        ("''", "''"),
        ("", ""),
        ("a=b", "a=b"),
        ("Pima CC", "Pima CC"),
    ],
)
def test_neutralise_and_restore(text, written):
    assert neutralise(text) == written
    assert restore(written) == text


def test_the_export_module_uses_the_one_rule():
    from netmap.export import graph

    assert graph.neutralise is neutralise


# -- targets that are inputs ----------------------------------------------------------------


def test_check_not_input_table(tmp_path):
    book = write_csv_workbook(tmp_path / "book", {"partners": [["id", "name", "agency_type"]]})
    xlsx = tmp_path / "book.xlsx"
    xlsx.write_bytes(b"not really")
    (tmp_path / "link.html").symlink_to(xlsx)
    (tmp_path / "linkdir").symlink_to(book)
    os.link(xlsx, tmp_path / "hard.html")
    inputs = [("SOURCE", xlsx), ("--since", book), ("--roster", None), ("--directory", "neo4j://host:7687")]
    cases = {
        xlsx: "is the input SOURCE",
        tmp_path / "link.html": "is the input SOURCE",
        tmp_path / "hard.html": "is the input SOURCE",
        book: "is the input --since",
        book / "partners.csv": "is inside the folder of --since",
        book / "new.html": "is inside the folder of --since",
        tmp_path / "linkdir" / "partners.csv": "is inside the folder of --since",
    }
    for target, message in cases.items():
        with pytest.raises(UsageError) as err:
            check_not_input(target, inputs)
        assert message in str(err.value) and str(target) in str(err.value), target
        assert "netmap never writes over its inputs" in str(err.value)
    assert "(through a symlink)" in _message(lambda: check_not_input(tmp_path / "link.html", inputs))
    check_not_input(tmp_path / "elsewhere.html", inputs)  # no error


def _message(call) -> str:
    with pytest.raises(UsageError) as err:
        call()
    return str(err.value)


@pytest.fixture
def book(tmp_path):
    """A copy of the Tucson example (a CSV folder), a roster file and an HSDS-free xlsx beside it."""
    folder = tmp_path / "book"
    shutil.copytree(TUCSON, folder)
    (tmp_path / "book-link").symlink_to(folder)
    (tmp_path / "map-link.html").symlink_to(folder / "partners.csv")
    return folder


# (arguments, the input that must stay byte-identical); BOOK is the Tucson copy.
OVERWRITE_CASES = [
    (["map", "BOOK", "-o", "BOOK/partners.csv"], "BOOK"),
    (["map", "BOOK", "-o", "BOOK/new.html"], "BOOK"),
    (["map", "BOOK", "-o", "BOOK-LINK/map.html"], "BOOK"),
    (["map", "BOOK", "-o", "MAP-LINK", "--force"], "BOOK"),
    (["report", "BOOK", "-o", "BOOK/partners.csv", "--force"], "BOOK"),
    (["report", "OTHER", "--since", "BOOK", "-o", "BOOK/ties.csv", "--force"], "BOOK"),
    (["report", "OTHER", "--directory", "BOOK", "-o", "BOOK-LINK/funding.csv", "--force"], "BOOK"),
    (["diff", "OTHER", "BOOK", "-o", "BOOK/partners.csv", "--force"], "BOOK"),
    (["diff", "BOOK", "OTHER", "-o", "MAP-LINK", "--force"], "BOOK"),
    (["export", "BOOK", "--format", "graphml", "-o", "BOOK/partners.csv", "--force"], "BOOK"),
    (["export", "BOOK", "--format", "csv", "-o", "BOOK", "--force"], "BOOK"),
    (["export", "BOOK", "--format", "workbook", "-o", "BOOK", "--force"], "BOOK"),
    (["export", "BOOK", "--format", "workbook", "-o", "BOOK-LINK/sub", "--force"], "BOOK"),
    (["export", "OTHER/partners.csv", "--format", "workbook", "-o", "OTHER", "--force"], "OTHER"),
    (["init", "ROSTERDIR", "--roster", "ROSTERDIR/netmap.xlsx", "--force"], "ROSTERDIR"),
]


@pytest.mark.parametrize(("args", "kept"), OVERWRITE_CASES, ids=[" ".join(a) for a, _ in OVERWRITE_CASES])
def test_no_command_writes_over_an_input(tmp_path, book, args, kept):
    other = tmp_path / "other"
    shutil.copytree(TUCSON, other)
    roster_dir = tmp_path / "rosterdir"
    roster_dir.mkdir()
    # A roster file saved under the name init writes: init must not replace it.
    shipped = next((Path(netmap.__file__).parent / "data" / "rosters").glob("*.yaml"))
    shutil.copy(shipped, roster_dir / "netmap.xlsx")
    names = {
        "BOOK-LINK": str(tmp_path / "book-link"),
        "MAP-LINK": str(tmp_path / "map-link.html"),
        "BOOK": str(book),
        "OTHER": str(other),
        "ROSTERDIR": str(roster_dir),
    }

    def expand(arg: str) -> str:
        for name, value in names.items():
            if arg == name or arg.startswith(name + "/"):
                return value + arg[len(name) :]
        return arg

    protected = Path(expand(kept))
    before = tree_digest(protected)
    result = run(*map(expand, args))
    assert result.exit_code == 2, result.output
    assert "netmap never writes over its inputs" in result.stderr
    assert tree_digest(protected) == before
    assert "Traceback" not in result.output


def test_hsds_mapping_may_write_its_file_into_the_package_but_nothing_else(tmp_path, hsds_pima):
    before = tree_digest(hsds_pima)
    result = run("hsds-mapping", hsds_pima, "-o", hsds_pima / "organizations.csv", "--force")
    assert result.exit_code == 2 and "is the input PACKAGE" in result.stderr
    assert tree_digest(hsds_pima) == before
    (hsds_pima / "netmap-mapping.yaml").unlink(missing_ok=True)
    assert run("hsds-mapping", hsds_pima, "-o", hsds_pima / "netmap-mapping.yaml").exit_code == 0


def test_demo_never_writes_into_the_bundled_example(tmp_path, monkeypatch):
    import netmap.demo

    # A copy stands in for the installed example, so that a failure cannot touch the real one.
    folder = tmp_path / "tucson-behavioral-health"
    shutil.copytree(TUCSON, folder)
    monkeypatch.setattr(netmap.demo, "example_path", lambda name: folder)
    before = tree_digest(folder)
    result = run("demo", "--example", "tucson-behavioral-health", "-o", folder, "--force")
    assert result.exit_code == 2 and "is the input the example" in result.stderr
    assert tree_digest(folder) == before


# -- an existing target needs --force, the same way in every command ------------------------------

# (arguments, the file already there, what the refusal names: the file, or the folder holding it)
EXISTING_CASES = [
    (["map", "BOOK", "-o", "OUT/map.html"], "OUT/map.html", "file"),
    (["report", "BOOK", "-o", "OUT/report.html"], "OUT/report.html", "file"),
    (["report", "BOOK", "--format", "md", "-o", "OUT/report.md"], "OUT/report.md", "file"),
    (["diff", "BOOK", "BOOK", "-o", "OUT/changes.html"], "OUT/changes.html", "file"),
    (["export", "BOOK", "--format", "graphml", "-o", "OUT/g.graphml"], "OUT/g.graphml", "file"),
    (["export", "BOOK", "--format", "csv", "-o", "OUT"], "OUT/nodes.csv", "folder"),
    (["export", "BOOK", "--format", "workbook", "-o", "OUT"], "OUT/partners.csv", "folder"),
    (["init", "OUT"], "OUT/netmap.xlsx", "file"),
    (["init", "OUT", "--csv"], "OUT/partners.csv", "folder"),
    (["hsds-mapping", "HSDS", "-o", "OUT/mapping.yaml"], "OUT/mapping.yaml", "file"),
    (["demo", "--example", "tucson-behavioral-health", "-o", "OUT"], "OUT/report.html", "folder"),
]


@pytest.mark.parametrize(("args", "existing", "named"), EXISTING_CASES, ids=[" ".join(a) for a, _, _ in EXISTING_CASES])
def test_an_existing_target_needs_force(tmp_path, book, hsds_pima, args, existing, named):
    names = {"BOOK": str(book), "OUT": str(tmp_path / "out"), "HSDS": str(hsds_pima)}

    def expand(arg: str) -> str:
        for name, value in names.items():
            if arg == name or arg.startswith(name + "/"):
                return value + arg[len(name) :]
        return arg

    target = Path(expand(existing))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"mine, keep me")
    result = run(*map(expand, args))
    assert result.exit_code == 2, result.output
    if named == "file":
        assert f"netmap: {target} already exists; pass --force to overwrite" in result.stderr
    else:
        assert f"netmap: {target.parent} already holds {target.name}" in result.stderr
        assert "; pass --force to overwrite" in result.stderr
    assert target.read_bytes() == b"mine, keep me"
    forced = run(*map(expand, args), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes() != b"mine, keep me"


# -- a target in a folder that does not exist yet ------------------------------------------------

# (arguments, a file the command writes); NEW is tmp_path/reports/2026, which does not exist.
NEW_FOLDER_CASES = [
    (["map", "BOOK", "-o", "NEW/map.html"], "NEW/map.html"),
    (["report", "BOOK", "-o", "NEW/report.html"], "NEW/report.html"),
    (["report", "BOOK", "--format", "md", "-o", "NEW/report.md"], "NEW/report.md"),
    (["diff", "BOOK", "BOOK", "-o", "NEW/changes.md", "--format", "md"], "NEW/changes.md"),
    (["export", "BOOK", "--format", "graphml", "-o", "NEW/g.graphml"], "NEW/g.graphml"),
    (["export", "BOOK", "--format", "json", "-o", "NEW/g.json"], "NEW/g.json"),
    (["export", "BOOK", "--format", "csv", "-o", "NEW"], "NEW/nodes.csv"),
    (["export", "BOOK", "--format", "workbook", "-o", "NEW"], "NEW/partners.csv"),
    (["services", "BOOK", "--worksheet", "-o", "NEW/inventory.xlsx"], "NEW/inventory.xlsx"),
    (["survey", "BOOK", "-o", "NEW"], "NEW/intake-TIC.xlsx"),
    (["init", "NEW"], "NEW/netmap.xlsx"),
    (["init", "NEW", "--csv"], "NEW/partners.csv"),
    (["hsds-mapping", "HSDS", "-o", "NEW/mapping.yaml"], "NEW/mapping.yaml"),
    (["demo", "--example", "tucson-behavioral-health", "-o", "NEW"], "NEW/report.html"),
]


@pytest.mark.parametrize(("args", "written"), NEW_FOLDER_CASES, ids=[" ".join(a) for a, _ in NEW_FOLDER_CASES])
def test_a_missing_output_folder_is_made_and_said_once(tmp_path, book, hsds_pima, args, written):
    new = tmp_path / "reports" / "2026"
    names = {"BOOK": str(book), "NEW": str(new), "HSDS": str(hsds_pima)}

    def expand(arg: str) -> str:
        for name, value in names.items():
            if arg == name or arg.startswith(name + "/"):
                return value + arg[len(name) :]
        return arg

    result = run(*map(expand, args))
    assert result.exit_code == 0, result.output
    assert Path(expand(written)).is_file()
    said = [line for line in result.stderr.splitlines() if line.startswith("created folder")]
    assert said == [f"created folder {new}{os.sep}"]
    # Run again (with --force): the folder is there now, and nothing is said about it.
    again = run(*map(expand, args), "--force")
    assert again.exit_code == 0, again.output
    assert "created folder" not in again.stderr


def test_map_and_png_in_two_new_folders_say_each_once(tmp_path, book, monkeypatch):
    from netmap.render import png

    # The PNG needs Chromium; its bytes do not matter here, only where they go.
    monkeypatch.setattr(png, "write_png", lambda page, path, **kw: write_file(path, b"png", **kw))
    result = run("map", book, "-o", tmp_path / "a" / "map.html", "--png", tmp_path / "b" / "c" / "map.png")
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("created folder")]
    assert said == [f"created folder {tmp_path / 'a'}{os.sep}", f"created folder {tmp_path / 'b' / 'c'}{os.sep}"]


@pytest.mark.parametrize(
    "args",
    [
        ["map", "BOOK", "-o", "FILE/sub/map.html"],
        ["report", "BOOK", "-o", "FILE/report.html"],
        ["export", "BOOK", "--format", "graphml", "-o", "FILE/x/g.graphml"],
        ["export", "BOOK", "--format", "csv", "-o", "FILE/x"],
        ["init", "FILE/x"],
    ],
    ids=lambda a: " ".join(a),
)
def test_a_file_where_a_folder_should_be_is_refused_before_any_work(tmp_path, book, args):
    afile = tmp_path / "notes.txt"
    afile.write_text("a file, not a folder", encoding="utf-8")
    names = {"BOOK": str(book), "FILE": str(afile)}
    result = run(*(names.get(a.partition("/")[0], a.partition("/")[0]) + "".join(a.partition("/")[1:]) for a in args))
    assert result.exit_code in (1, 2), result.output
    assert "Not a directory" in result.stderr or "not a folder" in result.stderr
    assert "created folder" not in result.stderr and "Traceback" not in result.output
    assert afile.read_text(encoding="utf-8") == "a file, not a folder"


def test_a_new_folder_inside_an_input_is_refused_and_not_made(tmp_path, book):
    result = run("map", book, "-o", book / "reports" / "2026" / "map.html")
    assert result.exit_code == 2 and "netmap never writes over its inputs" in result.stderr
    assert not (book / "reports").exists()


def test_make_folder_tells_the_listener_once_per_folder_made(tmp_path):
    made: list[Path] = []
    with announcing_folders(made.append):
        make_folder(tmp_path / "a" / "b")
        make_folder(tmp_path / "a" / "b")  # there now: not said again
        make_folder(tmp_path)  # was there: not said
        atomic_write(tmp_path / "c" / "x.txt", "x")
    make_folder(tmp_path / "d")  # no listener outside the block: nothing said, still made
    assert made == [tmp_path / "a" / "b", tmp_path / "c"]
    assert (tmp_path / "d").is_dir() and (tmp_path / "c" / "x.txt").read_text(encoding="utf-8") == "x"
    (tmp_path / "e").write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match=r"cannot make the folder .*e.*a file has that name"):
        make_folder(tmp_path / "e")


def test_hsds_mapping_dash_prints_on_stdout(tmp_path, hsds_pima, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("hsds-mapping", hsds_pima, "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# netmap mapping for an HSDS package")
    assert not (tmp_path / "-").exists()


# -- atomic writes ----------------------------------------------------------------------------------


def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")

    def fail(*_args):
        # A fault no real part makes on demand: the disk gives out after the new bytes are down.
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match=r"cannot write .*report\.html: No space left on device"):
        write_file(target, "new report", force=True)
    assert target.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left


def test_an_interrupted_command_leaves_the_old_file(tmp_path, book, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")
    real_replace = os.replace

    def interrupted(src, dst):
        if Path(dst) == target:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    result = run("report", book, "-o", target, "--force")
    assert result.exit_code == 130
    assert target.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["map-link.html", "report.html"]


def test_atomic_write_without_replace_refuses_a_file_that_appeared(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("theirs", encoding="utf-8")
    with pytest.raises(UsageError, match="already exists; pass --force to overwrite"):
        atomic_write(target, "mine", replace=False)
    assert target.read_text(encoding="utf-8") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_atomic_write_of_parts_writes_them_in_order(tmp_path):
    target = tmp_path / "page.html"
    atomic_write(target, (p for p in ["<p>caf", "\u00e9</p>", b"\n", ""]))
    assert target.read_bytes() == "<p>caf\u00e9</p>\n".encode()


def test_parts_that_fail_part_way_leave_the_old_file(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old page", encoding="utf-8")

    def parts():
        yield "<p>new"
        raise ValueError("the template failed")

    with pytest.raises(ValueError, match="the template failed"):
        atomic_write(target, parts())
    assert target.read_text(encoding="utf-8") == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary file left


def test_a_symlink_target_is_replaced_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(elsewhere)
    write_file(link, "new", force=True)
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "new"
    assert elsewhere.read_text(encoding="utf-8") == "untouched"


# -- folders replaced whole -------------------------------------------------------------------------


def test_write_folder_reports_what_it_wrote_removed_and_kept(tmp_path):
    folder = tmp_path / "out"
    write_folder(folder, {"a.csv": "1", "b.csv": "2"})
    (folder / "mine.csv").write_text("x", encoding="utf-8")
    done = write_folder(
        folder,
        {"a.csv": "3"},
        force=True,
        owned={"a.csv", "b.csv"},
        foreign=lambda f: [p.name for p in f.glob("*.csv")],
    )
    assert [p.name for p in done] == ["a.csv"]
    assert [p.name for p in done.removed] == ["b.csv"]
    assert [p.name for p in done.kept] == ["mine.csv"]
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "mine.csv"]


def test_force_into_a_workbook_folder_removes_the_stale_sheet(tmp_path, book):
    out = tmp_path / "out"
    assert run("export", book, "--format", "workbook", "-o", out).exit_code == 0
    assert (out / "funding.csv").is_file()
    (out / "mine.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    # The same map without funding: its export must not keep the first one's funding.csv.
    (book / "funding.csv").unlink()
    result = run("export", book, "--format", "workbook", "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "funding.csv").exists()
    said = " ".join(result.stderr.split())  # a message longer than the width wraps between words
    assert f"removed {out / 'funding.csv'} (written by netmap before, not part of this write)" in said
    assert f"left {out / 'mine.csv'} alone" in said
    assert f"wrote {out / 'partners.csv'}" in result.stderr
    assert f"wrote {out / MANIFEST}" in result.stderr
    assert "wrote" not in "".join(line for line in result.stderr.splitlines() if "funding" in line)
    assert "mine.csv" not in (read_manifest(out) or {})


# -- formula-safe workbook folders, read back exactly -----------------------------------------------

HOSTILE = ['=HYPERLINK("http://x.invalid","y")', "+1 555 0100", "@SUM(A1)", "-2+3", "'=kept", "''+two", "'plain"]


def formula_workbook(path: Path) -> Path:
    """An openpyxl-written workbook with formula-leading text in every free-text cell, a column
    named ``uid``, a header that starts with ``=``, and extra sheets whose names differ only by
    punctuation."""
    from openpyxl import Workbook

    a, b, c, d, e, f, g = HOSTILE
    sheets = {
        "partners": [
            ["id", "name", "agency_type", "level", "region", "notes", "uid", "=col"],
            ["@home", a, "CC", "local", "Pima", b, "u-1", c],
            ["007", d, "American Job Center", "local", "Pima", e, "=u2", f],
            ["-3", g, "State human service agency", "state", "", a, "", ""],
        ],
        "roles": [["partner_id", "role", "notes"], ["@home", "Design programs", a]],
        "agreements": [["id", "parties", "title", "type"], ["+A1", "@home;007", b, "MOU"]],
        "funding": [["id", "stream", "recipient_id", "program", "amount"], ["F1", c, "007", d, "10"]],
        "ties": [["source_id", "target_id", "kind", "notes"], ["@home", "007", "", e], ["007", "-3", "referral", f]],
        "services": [["partner_id", "service", "population"], ["007", g, ""]],
        "contacts": [["partner_id", "name", "title", "phone"], ["007", a, b, "+1 555 0100"]],
        "x.y": [["what", "=h"], [a, b]],
        "x_y": [["what"], [c]],
        "x+y": [["what"], [d]],
    }
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row, start=1):
                if value == "":
                    continue
                cell = ws.cell(row=r, column=col, value=value)
                cell.data_type = "s"  # text, even when it starts with "=": openpyxl would write a formula
    wb.save(path)
    return path


def records(tables, sheet):
    return [{k: v for k, v in r.items() if k != "_row"} for r in tables[sheet]]


def assert_same_workbook(again, original):
    assert again.ok, again.issues
    assert set(again.records) == set(original.records)
    for sheet in original.records:
        assert records(again, sheet) == records(original, sheet), sheet
    assert again.columns == original.columns
    strip = lambda sheets: {n: [{k: v for k, v in r.items() if k != "_row"} for r in rs] for n, rs in sheets.items()}  # noqa: E731
    assert strip(again.extra_sheets) == strip(original.extra_sheets)


def raw_cells(folder: Path) -> dict[str, list[list[str]]]:
    """The cells of every CSV file as written, read without netmap."""
    return {
        p.name: list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"), newline="")))
        for p in sorted(folder.glob("*.csv"))
    }


def assert_no_formula_cells(folder: Path) -> None:
    for name, rows in raw_cells(folder).items():
        for row in rows:
            for value in row:
                assert value[:1] not in FORMULA_START, (name, value)


def test_export_workbook_round_trip_is_exact_and_formula_safe(tmp_path):
    source = formula_workbook(tmp_path / "hostile.xlsx")
    original = netmap.read_workbook(source)
    assert original.ok, original.issues
    out = tmp_path / "out"
    result = run("export", source, "--format", "workbook", "--include-contacts", "-o", out)
    assert result.exit_code == 0, result.output
    assert_no_formula_cells(out)
    cells = raw_cells(out)
    assert cells["partners.csv"][0] == ["id", "name", "agency_type", "level", "region", "notes", "uid", "'=col"]
    assert cells["partners.csv"][1][:2] == ["'@home", '\'=HYPERLINK("http://x.invalid","y")']
    assert cells["partners.csv"][2][5:8] == ["''=kept", "'=u2", "'''+two"]
    assert cells["partners.csv"][3][:2] == ["'-3", "'plain"]
    assert cells["agreements.csv"][1][:2] == ["'+A1", "'@home;007"]
    # Extra sheets whose names differ only by punctuation: one file each, and a warning.
    assert {"x_y.csv", "x_y-2.csv", "x_y-3.csv"} <= set(cells)
    assert "netmap: warning: sheet 'x.y' is written as" in result.stderr
    assert sorted((read_manifest(out) or {}).values())[-3:] == ["x+y", "x.y", "x_y"]
    assert_same_workbook(netmap.read_workbook(out), original)


def test_without_the_manifest_the_apostrophes_stay(tmp_path):
    """The trade-off of the manifest: CSV files copied without it read as written (nothing lost,
    nothing run, but the apostrophes are then part of the text)."""
    source = formula_workbook(tmp_path / "hostile.xlsx")
    out = tmp_path / "out"
    assert run("export", source, "--format", "workbook", "-o", out).exit_code == 0
    (out / MANIFEST).unlink()
    names = [r["name"] for r in netmap.read_workbook(out)["partners"]]
    assert names[0] == '\'=HYPERLINK("http://x.invalid","y")'


def test_export_csv_cells_are_neutralised_too(tmp_path):
    source = formula_workbook(tmp_path / "hostile.xlsx")
    out = tmp_path / "csv"
    assert run("export", source, "--format", "csv", "-o", out).exit_code == 0
    for rows in raw_cells(out).values():
        for row in rows:
            for value in row:
                # Numbers netmap writes itself are numbers, not formulas (README "Exports").
                assert value[:1] not in FORMULA_START or _is_number(value), value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
