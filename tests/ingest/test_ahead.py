"""The ties file read and checked by the worker while the rest is read (netmap.ingest.ahead).

Every workbook is read twice with a real worker process: once the usual way, once with
the ties file handed to the worker (its size threshold lowered to nothing), and both must
give the same tables: records, issues and their order, rows read, files, columns. Each
case also says which way the file went: held by the worker, sent back as read and checked
here, read here after the worker died, or read again the usual way (``Redo``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import netmap
from netmap import _worker
from netmap.ingest import ahead, csvfast
from netmap.ingest.held import HeldSheet
from netmap.ingest.validate import validate
from netmap.ingest.workbook import read_workbook_raw
from netmap.model import WORKSHEET_MARKER
from tests.conftest import write_csv_workbook

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

PARTNERS = [
    ["id", "name", "agency_type"],
    ["A", "Alpha", "AJC"],
    ["B", "Beta", "CC"],
    ["C", "Gamma", "CBO"],
    ["007", "Seven", "CBO"],
    ["7", "Other seven", "CBO"],
]


@pytest.fixture
def worker(monkeypatch):
    """A real worker process, as a command prestarts it for a large workbook, and the
    thresholds lowered so that any ties file is handed to it."""
    started = _worker.Worker._spawn(after_first=True)
    monkeypatch.setattr(_worker, "_PRESTARTED", started)
    monkeypatch.setattr(ahead, "AHEAD_BYTES", 0)
    monkeypatch.setattr(csvfast, "FAST_WORKBOOK_SCALE", 0)
    yield started
    started.close()


@pytest.fixture
def taken(monkeypatch):
    """What validation took from the worker for each pending sheet: 'held' or 'raw'."""
    seen: list[str] = []
    real = ahead.take

    def spy(sheet, roster):
        result = real(sheet, roster)
        seen.append("held" if result[2] is not None else "raw")
        return result

    monkeypatch.setattr("netmap.ingest.validate.take", spy)
    return seen


def usual(folder: Path, **options) -> netmap.Tables:
    """The tables read with no worker to hand the file to."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_worker, "_PRESTARTED", None)
        return netmap.read_workbook(folder, **options)


def assert_same(got: netmap.Tables, expected: netmap.Tables) -> None:
    assert got.issues == expected.issues  # the same issues, in the same order
    assert list(got._records) == list(expected._records)  # the sheets in the same order
    for name in expected._records:
        assert got[name] == expected[name], name
    assert (got.rows_read, got.files, got.columns, got.extra_sheets) == (
        expected.rows_read,
        expected.files,
        expected.columns,
        expected.extra_sheets,
    )


@pytest.mark.parametrize("example", ["four-state-coalitions", "oregon-pathways-alliance", "tucson-behavioral-health"])
def test_the_examples_read_the_same_with_their_ties_read_by_the_worker(example, worker, taken):
    got = netmap.read_workbook(EXAMPLES / example)
    assert taken == ["held"]
    assert isinstance(got._records["ties"], HeldSheet)
    assert_same(got, usual(EXAMPLES / example))


def test_a_generated_map_reads_the_same(worker, taken, tmp_path):
    from tests.test_columns import generate

    folder = tmp_path / "hubs"
    generate.generate(1500, folder, seed=3, shape="hubs")
    got = netmap.read_workbook(folder)
    assert taken == ["held"]
    assert len(got["ties"]) > 5000
    assert_same(got, usual(folder))


FAULTY_TIES = {
    # id: the ties sheet; each is sent back as read and checked here, with its issues
    "bad values": [
        ["source_id", "target_id", "kind", "strength", "end"],
        ["A", "B", "referral", "strong", ""],
        ["B", "B", "", "", ""],
        ["A", "C", "gossip", "2", "yesterday"],
        ["007", "7", "", "", ""],
    ],
    "repeated and conflicting rows": [
        ["source_id", "target_id", "kind", "strength"],
        ["A", "B", "referral", "2"],
        ["A", "B", "referral", "2"],
        ["B", "A", "referral", "3"],
        ["C", "A", "", ""],
    ],
    "unknown partner": [
        ["source_id", "target_id"],
        ["A", "B"],
        ["A", "Zed"],
        ["7", "C"],
    ],
}


@pytest.mark.parametrize("ties", [pytest.param(rows, id=key) for key, rows in FAULTY_TIES.items()])
def test_a_faulty_ties_sheet_reads_the_same(ties, worker, taken, tmp_path):
    folder = write_csv_workbook(tmp_path / "book", {"partners": PARTNERS, "ties": ties})
    got = netmap.read_workbook(folder)
    expected = usual(folder)
    assert [i.sheet for i in expected.issues if i.sheet == "ties"]  # the case has issues to compare
    assert_same(got, expected)
    assert taken in (["raw"], ["held"])  # an unknown partner is found later, on held rows too


def test_unknown_columns_are_warned_about_from_the_worker(worker, taken, tmp_path):
    folder = write_csv_workbook(
        tmp_path / "book",
        {"partners": PARTNERS, "ties": [["source_id", "target_id", "met at"], ["A", "B", "fair"], ["B", "C", ""]]},
    )
    got = netmap.read_workbook(folder)
    assert taken == ["held"]  # every row kept: held, its warning sent along
    assert [(i.code, i.sheet, i.column) for i in got.issues] == [("unknown-column", "ties", "met at")]
    assert_same(got, usual(folder))


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (folder / name).write_bytes(text.encode(encoding))


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        pytest.param("source_id;target_id;notes\nA;B;Niño\nB;C;\n", "cp1252", id="guessed encoding and semicolons"),
        pytest.param("source_id,target_id\n", "utf-8", id="header only"),
        pytest.param("", "utf-8", id="empty file"),
        pytest.param('source_id,target_id\nA,"B\n', "utf-8", id="unclosed quote"),
    ],
)
def test_what_the_reader_says_about_the_file_goes_where_it_would(text, encoding, worker, taken, tmp_path):
    folder = write_csv_workbook(
        tmp_path / "book", {"agreements": [["id", "parties"], ["M1", "A;B"]], "partners": PARTNERS}
    )
    _write(folder, "ties.csv", text, encoding)
    _write(folder, "zones.csv", "a\n1\n")  # a sheet netmap does not know, read after the ties file
    got = netmap.read_workbook(folder)
    expected = usual(folder)
    assert expected.issues  # the reader said something
    assert_same(got, expected)
    assert len(taken) == 1
    # The reader's issues about the file stand where the reader puts them: after those of
    # the files before it, before those of the files after it (zones.csv's).
    roster = netmap.load_roster()
    raw = read_workbook_raw(folder, ahead=ahead.sender(worker, roster))
    validate(raw, roster)
    assert raw.issues == read_workbook_raw(folder).issues


def test_a_file_past_the_size_limit_reads_the_same(worker, taken, tmp_path):
    folder = write_csv_workbook(
        tmp_path / "book", {"partners": PARTNERS, "ties": [["source_id", "target_id"]] + [["A", "B"]] * 1000}
    )
    limits = netmap.Limits(max_file_bytes=2_000)
    got = netmap.read_workbook(folder, limits=limits)
    expected = usual(folder, limits=limits)
    assert [i.code for i in expected.issues] == ["file-too-large"]
    assert "ties" not in expected._records
    assert_same(got, expected)
    assert taken == ["raw"]


def test_a_worksheet_marker_in_the_ties_file_reads_the_workbook_again_the_usual_way(worker, taken, tmp_path):
    folder = write_csv_workbook(tmp_path / "book", {"partners": PARTNERS})
    with open(folder / "ties.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[WORKSHEET_MARKER, "Region"], ["", "North"]])
    got = netmap.read_workbook(folder)
    assert len(taken) == 1  # taken up, found to change how the workbook reads, read again
    assert_same(got, usual(folder))


def test_a_roster_other_than_the_workers_is_not_taken_up(worker, tmp_path):
    folder = write_csv_workbook(tmp_path / "book", {"partners": PARTNERS, "ties": FAULTY_TIES["unknown partner"]})
    roster = netmap.load_roster()
    raw = read_workbook_raw(folder, ahead=ahead.sender(worker, roster))
    assert isinstance(raw.sheets["ties"], ahead.PendingSheet)
    with pytest.raises(ahead.Redo):
        validate(raw, netmap.load_roster())  # equal, but not the one the sheet was checked with


def test_a_worker_that_dies_leaves_the_file_to_be_read_here(worker, taken, monkeypatch, tmp_path):
    folder = write_csv_workbook(tmp_path / "book", {"partners": PARTNERS, "ties": FAULTY_TIES["bad values"]})
    real = ahead.sender

    def sender_then_kill(w, roster):
        send = real(w, roster)

        def send_and_kill(*args):
            sheet = send(*args)
            w._proc.kill()  # before it has read a line
            return sheet

        return send_and_kill

    monkeypatch.setattr(ahead, "sender", sender_then_kill)
    got = netmap.read_workbook(folder)
    assert taken == ["raw"]
    assert_same(got, usual(folder))


def test_a_pending_sheets_rows_are_read_again_if_asked_for(worker, tmp_path):
    folder = write_csv_workbook(
        tmp_path / "book", {"partners": PARTNERS, "ties": [["source_id", "target_id"], ["A", "B"], ["B", "C"]]}
    )
    raw = read_workbook_raw(folder, ahead=ahead.sender(worker, netmap.load_roster()))
    _, sheet, held, _ = ahead.take(raw.sheets["ties"], raw.sheets["ties"].roster)
    assert held is not None and len(sheet.rows) == 2
    assert [r.cells for r in sheet.rows] == [["A", "B"], ["B", "C"]]
    assert [r.row for r in sheet.rows] == [2, 3]


def test_no_worker_or_a_small_file_sends_nothing(monkeypatch, tmp_path):
    folder = write_csv_workbook(
        tmp_path / "book", {"partners": PARTNERS, "ties": [["source_id", "target_id"], ["A", "B"]]}
    )
    monkeypatch.setattr(_worker, "_PRESTARTED", None)
    assert not isinstance(read_workbook_raw(folder).sheets["ties"], ahead.PendingSheet)
    assert not ahead.will_send(folder)  # a few bytes
    monkeypatch.setattr(ahead, "AHEAD_BYTES", 10)
    assert ahead.will_send(folder)
    (folder / "Ties.csv").write_text("source_id,target_id\n")  # two files of one sheet: the reader decides
    assert not ahead.will_send(folder)
