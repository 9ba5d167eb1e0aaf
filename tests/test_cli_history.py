"""netmap history: four snapshots in shuffled order, as a table, JSON and a page; its usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netmap.cli import app
from tests.history_snapshots import SHUFFLED, make_snapshots


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_snapshots(tmp_path_factory.mktemp("snapshots"))


def _run(*args: object, columns: int = 80):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})


def test_json_in_date_order_with_stable_keys(folders) -> None:
    result = _run("history", *(folders[n] for n in SHUFFLED), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["roster", "region", "conditions", "snapshots", "steps"]
    assert [Path(s["label"]).name for s in data["snapshots"]] == ["q1", "q2", "q3", "q4"]
    assert [s["partners"] for s in data["snapshots"]] == [14, 15, 15, 16]
    assert [s["gaps"] for s in data["snapshots"]] == [7, 7, 7, 6]
    assert [len(s["gaps_closed"]) for s in data["steps"]] == [0, 0, 1]


def test_the_table_fits_80_columns(folders) -> None:
    result = _run("history", *(folders[n] for n in SHUFFLED))
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    for phrase in ("History of 4 snapshots", "What changed at each step", "Readiness scorecard per snapshot"):
        assert phrase in result.stdout
    assert "TA05" in result.stdout


def test_given_dates_reorder(folders) -> None:
    q1, q2 = folders["q1"], folders["q2"]
    result = _run("history", q1, q2, "--date", f"{q1}=2026-12-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["label"] for s in data["snapshots"]] == [str(q2), str(q1)]
    assert data["steps"][0]["partners_lost"] == ["BNR"]


def test_the_page(folders, tmp_path: Path) -> None:
    out = tmp_path / "history.html"
    result = _run("history", *(folders[n] for n in SHUFFLED), "-o", out, "--title", "Pima County, 2026")
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr.replace("\n", "")
    page = out.read_text(encoding="utf-8")
    assert "<title>Pima County, 2026</title>" in page
    assert page.count('class="condition-line"') == 5


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["only-one"], "two or more snapshots"),
        (["{q1}", "{q1}"], "given twice"),
        (["{q1}", "{q2}", "--date", "{q1}=2026-02-30"], "is not a date"),
        (["{q1}", "{q2}", "--date", "elsewhere=2026-02-01"], "SNAPSHOT=YYYY-MM-DD"),
        (["{q1}", "{q2}", "--title", "T"], "--title is for the page"),
    ],
)
def test_usage_errors_are_one_line(folders, extra: list[str], message: str) -> None:
    args = [a.format(q1=folders["q1"], q2=folders["q2"]) for a in extra]
    result = _run("history", *args, columns=200)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def _rows(page: str, table_id: str) -> list[list[str]]:
    """The cells' text of one table of a page (no markup inside these cells)."""
    import re

    body = page.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_report_since_several_shows_their_history(folders, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    q1, q2, q4 = folders["q1"], folders["q2"], folders["q4"]
    # Given latest first: still in date order, the report's map last on the report's day.
    result = _run("report", q4, "--since", q2, "--since", q1, "-o", out, "--as-of", "2026-08-01")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    rows = _rows(page, "table-history-snapshots")
    assert [(r[0], Path(r[1]).name, r[2], r[4]) for r in rows] == [
        ("2026-01-15", "q1", "14", "7"),
        ("2026-03-15", "q2", "15", "7"),
        ("2026-08-01", "q4", "16", "6"),
    ]
    # The last step's detail follows, as one --since shows it, each side on its own date.
    assert 'id="table-changes-counts"' in page
    assert "<dt>Earlier snapshot judged as of</dt><dd>2026-03-15</dd>" in page
    assert "same day" not in page.split('id="changes"', 1)[1].split("</section>", 1)[0]
    assert "University of Arizona" in page.split('id="changes"', 1)[1]


def test_report_one_since_is_as_before(folders, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = _run("report", folders["q4"], "--since", folders["q3"], "-o", out, "--as-of", "2026-08-01")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'id="table-changes-counts"' in page
    assert "table-history" not in page


def test_snapshots_of_one_day_are_named_as_such(folders) -> None:
    q1, q2 = folders["q1"], folders["q2"]
    result = _run("history", q2, q1, "--date", f"{q1}=2026-05-01", "--date", f"{q2}=2026-05-01", columns=200)
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Some snapshots share a date: they are named and ordered by their labels" in out
    # Named by label, not by the date they share: the step and the scorecard's columns.
    steps = result.stdout.split("What changed at each step")[1].split("Readiness scorecard")[0]
    assert "2026-05-01" not in steps and q2.name in steps
    card = result.stdout.split("Readiness scorecard")[1]
    assert "2026-05-01" not in card and q1.name in card and q2.name in card


def test_report_md_since_several_writes_the_history_section(folders, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    q1, q2, q4 = folders["q1"], folders["q2"], folders["q4"]
    result = _run("report", q4, "--since", q2, "--since", q1, "--format", "md", "-o", out, "--as-of", "2026-08-01")
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert "3 snapshots from 2026-01-15 to 2026-08-01: partners 14 → 16, ties 18 → 17, roster gaps 7 → 6." in lines
    at = lines.index("**The snapshots in date order**")
    header = "| Date | Snapshot | Partners | Ties | Gaps | Agreements current | Funding streams current |"
    assert lines[at + 2] == header
    rows = [[cell.strip() for cell in row.strip("|").split("|")] for row in lines[at + 4 : at + 7]]
    # The snapshot column is each one's path (Markdown-escaped): its folder name ends it.
    assert [(r[0], Path(r[1]).name, *r[2:]) for r in rows] == [
        ("2026-01-15", "q1", "14", "18", "7", "4", "9"),
        ("2026-03-15", "q2", "15", "18", "7", "4", "9"),
        ("2026-08-01", "q4", "16", "17", "6", "2", "10"),
    ]
    assert lines[at + 7] == ""


def test_report_each_region_since_reads_the_earlier_snapshot(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    # The same workbook as the earlier snapshot: every region's report says what changed (nothing).
    example = EXAMPLES / "oregon-pathways-alliance"
    out = tmp_path / "regions"
    result = _run("report", example, "--each-region", "--since", example, "--format", "md", "-o", out)
    assert result.exit_code == 0, result.output
    texts = [p.read_text(encoding="utf-8") for p in sorted(out.glob("region-*.md"))]
    assert len(texts) == 6
    assert all("## 4. What changed\n\nNothing changed between the two snapshots." in t for t in texts)


def test_the_history_of_one_region(tmp_path: Path) -> None:
    """--region follows one region: a partner added in Illinois is no change in Delaware."""
    import shutil

    from tests.conftest import EXAMPLES

    before, after = tmp_path / "before", tmp_path / "after"
    shutil.copytree(EXAMPLES / "four-state-coalitions", before)
    shutil.copytree(before, after)
    with open(after / "partners.csv", "a", encoding="utf-8") as handle:
        handle.write("ILNEW,Joliet Works,Local workforce agencies,local,Illinois,stakeholder,active,,,\n")
    dates = ["--date", f"{before}=2026-03-01", "--date", f"{after}=2026-06-01"]
    whole = json.loads(_run("history", before, after, *dates, "--json").stdout)
    assert whole["region"] is None
    assert whole["steps"][0]["partners_gained"] == ["ILNEW"]
    result = _run("history", before, after, *dates, "--region", "delaware", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["region"] == "Delaware"  # as the map spells it
    assert [s["partners"] for s in data["snapshots"]] == [15, 15]
    assert data["steps"][0]["partners_gained"] == []
    il = json.loads(_run("history", before, after, *dates, "--region", "Illinois", "--json").stdout)
    assert [s["partners"] + 1 for s in il["snapshots"][:1]] == [s["partners"] for s in il["snapshots"][1:]]
    assert il["steps"][0]["partners_gained"] == ["ILNEW"]
    table = _run("history", before, after, *dates, "--region", "Delaware").stdout
    assert "History of 2 snapshots of Delaware" in table


def test_a_region_no_snapshot_has_is_a_usage_error(folders) -> None:
    result = _run("history", folders["q1"], folders["q2"], "--region", "Maricopa", columns=200)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "netmap: no region 'Maricopa' in any snapshot; their regions are: Pima County"
