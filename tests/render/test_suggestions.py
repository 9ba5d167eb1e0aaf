"""The report's "Who could fill the gaps" section (netmap.render.suggestions) and report --directory."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import netmap
from netmap.analysis.suggest import suggest
from netmap.cli import app
from netmap.pipeline import render_report_html, render_report_markdown, report_data
from netmap.render.suggestions import suggestion_content
from tests.conftest import EXAMPLES, write_csv_workbook

TUCSON = EXAMPLES / "tucson-behavioral-health"
PIMA_211 = EXAMPLES / "pima-county-211"


@pytest.fixture(scope="module")
def tucson():
    return netmap.read_graph(TUCSON)


@pytest.fixture(scope="module")
def directory():
    return netmap.read_workbook(PIMA_211)


def _texts(table):
    return [[c["text"] for c in row] for row in table["rows"]]


def test_candidates_table_in_order(tucson, directory):
    part = suggestion_content(suggest(tucson, directory))
    candidates, introductions = part["tables"]
    rows = _texts(candidates)
    # Tucson lists no state partner: its state level is not assessed, so no state agency is proposed.
    terms = "type from the directory's service terms"
    assert rows[:3] == [
        [
            "Pima County",
            "Local WIB",
            "Pima County Workforce Development Board",
            "72",
            f"same region (Pima County); {terms}",
        ],
        [
            "Pima County",
            "Local WIB",
            "Pima County Workforce Investment Board",
            "",
            "already listed as a prospective partner",
        ],
        [
            "Pima County",
            "Local secondary education providers",
            "Amphitheater Public Schools",
            "73",  # one service no partner of the map provides
            f"same region (Pima County); {terms}; provides occupational training (new to Pima County)",
        ],
    ]
    assert rows[-2:] == [
        [
            "Pima County",
            "Vocational Rehabilitation (for People with disabilities)",
            "DES Rehabilitation Services Administration - Tucson",
            "75",  # it serves the population the gap is about
            f"same region (Pima County); {terms}; serves people with disabilities; provides disability services",
        ],
        [
            "Pima County",
            "Reentry services (for People with criminal records)",
            "Old Pueblo Community Services",
            "75",
            f"same region (Pima County); {terms}; serves people with criminal records; provides job placement",
        ],
    ]
    assert dict(part["facts"]) == {
        "Organisations in the directory": "33",
        "Already partners (skipped)": "Pima County One Stop, Pima Community College",
        "Gaps with at least one candidate": "9 of 9",
    }
    # The casino shared 3 partners with the department only through the founding MOU that
    # expired in 2013; through current ties the hospital group does.
    assert [r[2] for r in _texts(introductions)][:1] == ["University Physicians Healthcare and US Department of Labor"]
    assert (
        "University Physicians Healthcare and US Department of Labor share 3 partners but have no tie." in part["intro"]
    )


def test_the_section_comes_only_with_a_directory(tucson, directory):
    ids = [s["id"] for s in report_data(tucson, as_of="2026-11-24", generated="today")["sections"]]
    assert "suggestions" not in ids
    data = report_data(tucson, as_of="2026-11-24", generated="today", directory=directory)
    ids = [s["id"] for s in data["sections"]]
    assert ids[ids.index("roster-gaps") + 1] == "suggestions"
    assert data["meta"]["directory"] == PIMA_211.name  # its name, never a path of the machine


def test_an_empty_directory_says_so(tucson):
    part = suggestion_content(suggest(tucson, []))
    # Only the board Tucson lists as prospective is named: no directory candidate at all.
    assert _texts(part["tables"][0]) == [
        [
            "Pima County",
            "Local WIB",
            "Pima County Workforce Investment Board",
            "",
            "already listed as a prospective partner",
        ]
    ]
    assert (
        suggestion_content(suggest(netmap.read_graph(EXAMPLES / "oregon-pathways-alliance"), []))["tables"][0]["rows"]
        == []
    )
    assert part["tables"][0]["empty"].startswith("The directory holds no organisation of a missing type")


@pytest.mark.parametrize("render", [render_report_html, render_report_markdown])
def test_directory_text_is_escaped(tucson, render):
    hostile = "<script>alert('x')</script> | **bold**"
    rows = [{"id": "H1", "name": hostile, "agency_type_id": "local-wib", "region": "Pima County"}]
    kwargs = {"map": False} if render is render_report_html else {}
    page = render(tucson, as_of="2026-11-24", generated="today", directory=rows, **kwargs)
    assert "<script>alert" not in page
    if render is render_report_html:
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    else:
        assert "\\<script\\>" in page or "&lt;script&gt;" in page
        assert "\\| \\*\\*bold\\*\\*" in page


def test_report_command_with_a_directory(tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(TUCSON), "--directory", str(PIMA_211), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'id="suggestions"' in page and "Pima County Workforce Development Board" in page
    assert "hsds-unmapped" in result.output  # the directory's left-out rows are reported


def test_report_command_with_bad_directory_rows_writes_and_exits_1(tmp_path):
    folder = write_csv_workbook(
        tmp_path / "d",
        {"partners": [["id", "name", "agency_type"], ["D1", "Board", "Local WIB"], ["D2", "X", "Wizards"]]},
    )
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(TUCSON), "--directory", str(folder), "-o", str(out)])
    assert result.exit_code == 1
    assert out.is_file()
    assert "1 error(s) in the directory" in result.output
