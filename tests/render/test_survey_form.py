"""Tests of netmap.render.survey_form (the offline HTML survey) and netmap.ingest.form_json
(its answers file): filled in a real headless Chromium, saved, and read back."""

from __future__ import annotations

import json
from html import unescape

import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from netmap.ingest.workbook import Limits, read_form_json
from netmap.render.survey_form import form_data, form_filename, write_html_forms
from tests.conftest import EXAMPLES, write_csv_workbook

TUCSON = EXAMPLES / "tucson-behavioral-health"
HOSTILE = "</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def tucson():
    return netmap.read_graph(TUCSON)


def fill_and_save(page, tmp_path):
    """Answer PCC's form as a person would, through the page, and save the answers file."""
    p = page.page
    p.check('tr[data-target="TIC"] input[value="yes"]')
    p.select_option('tr[data-target="TIC"] [data-key="kind"]', "referral")
    p.select_option('tr[data-target="TIC"] [data-key="frequency"]', "weekly")
    for key, score in (("reliability", "4"), ("mission_support", "3"), ("involvement", "2")):
        p.select_option(f'tr[data-target="TIC"] [data-key="{key}"]', score)
    p.check('tr[data-target="PCOS"] input[value="yes"]')
    p.select_option('tr[data-target="PCOS"] [data-key="frequency"]', "monthly")
    p.select_option('tr[data-target="PCOS"] [data-key="openness"]', "1")
    p.check('tr[data-target="UPH"] input[value="no"]')
    role = 'tr[data-role="Recruit and make referrals"]'
    p.check(f"{role} [data-key='plays']")
    p.select_option(f"{role} [data-key='lead']", "lead")
    p.fill("#answered-on", "2026-12-01")
    with p.expect_download() as info:
        p.click("#save")
    download = info.value
    assert download.suggested_filename == "intake-PCC-answers.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return saved


def test_a_filled_form_is_read_back_as_the_partners_answers(tucson, open_page, tmp_path):
    (form,) = write_html_forms(tucson, tmp_path, partners=["PCC"])
    page = open_page(form, viewport=(1366, 768))
    saved = fill_and_save(page, tmp_path)

    raw = read_form_json(saved)
    assert raw.issues == []
    ties = raw.sheets["ties"]
    assert ties.header == [
        "source_id", "target_id", "reported_by", "kind", "frequency", "reliability", "mission_support",
        "openness", "power_influence", "involvement", "resource_contribution",
    ]  # fmt: skip
    # DOM order is region, category, name: PCOS (workforce) before TIC (CBOs); UPH said no.
    assert [(r.row, r.cells) for r in ties.rows] == [
        (1, ["PCC", "PCOS", "PCC", None, "monthly", None, None, 1, None, None, None]),
        (2, ["PCC", "TIC", "PCC", "referral", "weekly", 4, 3, None, None, 2, None]),
    ]
    assert [r.cells for r in raw.sheets["responses"].rows] == [["PCC", "2026-12-01", "intake-PCC-answers.json"]]

    tables = netmap.read_workbook(saved)
    assert tables.errors == [], tables.errors
    assert [(t["target_id"], t.get("frequency"), t.get("reliability")) for t in tables["ties"]] == [
        ("PCOS", "monthly", None),
        ("TIC", "weekly", 4),
    ]
    assert [(r["partner_id"], str(r["answered_on"]), r["form"]) for r in tables["responses"]] == [
        ("PCC", "2026-12-01", "intake-PCC-answers.json")
    ]
    assert [(r["role_id"], r["lead"]) for r in tables["roles"] if r["lead"]] == [("recruit-and-refer", "lead")]
    # Nothing but the file itself was asked for, and the page said nothing wrong.
    assert page.requests == [form.resolve().as_uri()]
    assert [m for m in page.messages if m[0] in ("error", "pageerror")] == []


def test_the_answers_file_follows_the_documented_schema(tucson, open_page, tmp_path):
    (form,) = write_html_forms(tucson, tmp_path, partners=["PCC"])
    data = json.loads(fill_and_save(open_page(form), tmp_path).read_text(encoding="utf-8"))
    assert sorted(data) == sorted(
        ["netmap_form", "partner_id", "map", "answered_on", "partner", "partners", "services", "roles", "ties",
         "agreements", "funding"]
    )  # fmt: skip
    assert (data["netmap_form"], data["partner_id"], data["map"]) == (1, "PCC", "tucson-behavioral-health")
    # PCC's roles in the workbook come ticked; the one answered has its lead.
    assert {"role": "Recruit and make referrals", "lead": "lead"} in data["roles"]
    assert [r for r in data["roles"] if r["lead"]] == [{"role": "Recruit and make referrals", "lead": "lead"}]
    said = {t["target_id"]: t["works_together"] for t in data["ties"]}
    assert said == {"PCOS": "yes", "UPH": "no", "TIC": "yes"}
    # The 13 other active partners (the example's former partner is in no form).
    assert len(data["partners"]) == 13
    assert sorted(data["partners"][0]) == ["agency_type", "id", "level", "name", "region"]


def test_a_hostile_partner_name_is_text_and_runs_nothing(open_page, tmp_path):
    folder = write_csv_workbook(
        tmp_path / "wb",
        {
            "partners": [
                ["id", "name", "agency_type", "region"],
                ["A", "Alpha Board", "Local WIB", "North"],
                ["B", HOSTILE, "Local community colleges", "North"],
            ]
        },
    )
    G = netmap.read_graph(folder)
    (form,) = write_html_forms(G, tmp_path / "out", partners=["A"])
    html = form.read_text(encoding="utf-8")
    assert "<img" not in html and "<script><" not in html
    page = open_page(form)
    assert page.js("document.querySelectorAll('img').length") == 0
    assert page.js("document.querySelector('tr[data-target=\"B\"] th').firstChild.textContent") == HOSTILE
    assert page.dialogs == []
    assert page.requests == [form.resolve().as_uri()]


def test_the_page_is_locked_down_like_the_map(tucson, tmp_path):
    (form,) = write_html_forms(tucson, tmp_path, partners=["TIC"])
    html = form.read_text(encoding="utf-8")
    policy = unescape(html.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0])
    assert policy.startswith("default-src 'none'; script-src 'sha256-") and "connect-src 'none'" in policy
    assert " onclick=" not in html and " style=" not in html and "http" not in html.split("<main>")[1]
    # No contact data: the example's contacts sheet names people with emails.
    for contact in tucson.nodes.values():
        if contact.get("label") == "Contact":
            assert contact["name"] not in html


def test_form_data_groups_the_other_partners_by_region_then_category(tucson):
    data = form_data(tucson, "TIC")
    assert "TIC" not in [p["id"] for p in data["others"]]
    order = [(g["region"], g["category"]) for g in data["groups"]]
    assert order == sorted(set(order), key=order.index)  # each group once
    assert [p["id"] for g in data["groups"] for p in g["partners"]] == [p["id"] for p in data["others"]]


@pytest.mark.parametrize(
    ("partner_id", "expected"),
    [("PCC", "intake-PCC.html"), ("../x y", "intake-x_y.html"), ("...", "intake-partner.html")],
)
def test_form_filename_is_safe(partner_id, expected):
    assert form_filename(partner_id) == expected


# -- hostile and wrong answers files ------------------------------------------------------------

GOOD = {"netmap_form": 1, "partner_id": "A", "answered_on": "2026-12-01", "partner": {"name": "Alpha"}}


@pytest.mark.parametrize(
    ("content", "code", "where"),
    [
        (b"{not json", "not-a-form", (None, None, None)),
        (b"[1, 2]", "not-a-form", (None, None, None)),
        (b"[" * 100_000 + b"]" * 100_000, "not-a-form", (None, None, None)),
        (b"\xff\xfe{}", "not-a-form", (None, None, None)),
        (json.dumps({"netmap_form": 2, "partner_id": "A"}).encode(), "not-a-form", (None, None, None)),
        (json.dumps({"netmap_form": True, "partner_id": "A"}).encode(), "not-a-form", (None, None, None)),
        (json.dumps({"netmap_form": 1}).encode(), "not-a-form", (None, None, None)),
        (json.dumps({**GOOD, "ties": "everyone"}).encode(), "form-value", ("ties", None, None)),
        (json.dumps({**GOOD, "ties": ["B"]}).encode(), "form-value", ("ties", 1, None)),
        (
            json.dumps({**GOOD, "ties": [{"target_id": "B", "works_together": "yes", "reliability": [4]}]}).encode(),
            "form-value",
            ("ties", 1, "reliability"),
        ),
        (
            b'{"netmap_form": 1, "partner_id": "A", "ties": [{"target_id": "B", "works_together": "yes", '
            b'"reliability": ' + b"9" * 5000 + b"}]}",
            "form-value",
            ("ties", 1, "reliability"),
        ),
        (
            b'{"netmap_form": 1, "partner_id": "A", "ties": [{}, {"target_id": "B", "works_together": "yes", '
            b'"openness": NaN, "involvement": 1e999}]}',
            "form-value",
            ("ties", 2, "openness"),
        ),
        (
            json.dumps({**GOOD, "ties": [{"target_id": "B", "works_together": "no", "kind": "referral"}]}).encode(),
            "form-value",
            ("ties", 1, "works_together"),
        ),
    ],
)
def test_a_hostile_answers_file_gives_issues_not_tracebacks(tmp_path, content, code, where):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    tables = netmap.read_workbook(path)  # never raises
    found = [i for i in tables.issues if i.code == code]
    assert found, tables.issues
    assert (found[0].sheet, found[0].row, found[0].column) == where
    assert found[0].file == str(path)


def test_a_large_answers_file_is_refused_by_the_size_limit(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    raw = read_form_json(path, limits=Limits(max_file_bytes=10))
    assert [i.code for i in raw.issues] == ["file-too-large"]


def test_an_answer_naming_an_unknown_partner_is_a_located_issue(tmp_path):
    path = tmp_path / "intake-A-answers.json"
    answers = {
        **GOOD,
        "partner": {"name": "Alpha", "agency_type": "Local WIB"},
        "ties": [{"target_id": "ZZ", "works_together": "yes", "frequency": "hourly"}],
    }
    path.write_text(json.dumps(answers), encoding="utf-8")
    tables = netmap.read_workbook(path)
    located = {(i.sheet, i.row, i.column) for i in tables.errors}
    assert ("ties", 1, "target_id") in located and ("ties", 1, "frequency") in located


# -- the command ------------------------------------------------------------------------------

runner = CliRunner()


def test_survey_html_writes_one_form_per_partner(tmp_path):
    result = runner.invoke(app, ["survey", str(TUCSON), "-o", str(tmp_path / "forms"), "--html"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "forms").glob("intake-*.html"))) == 14
    again = runner.invoke(app, ["survey", str(TUCSON), "-o", str(tmp_path / "forms"), "--html", "--partner", "PCC"])
    assert again.exit_code == 2 and "--force" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--html", "--partner", "NOPE"], "--partner NOPE: no active partner has this id"),
        (["--partner", "NOPE"], "--partner NOPE: no active partner has this id"),
    ],
)
def test_survey_usage_errors(tmp_path, args, message):
    result = runner.invoke(app, ["survey", str(TUCSON), "-o", str(tmp_path / "forms"), *args])
    assert result.exit_code == 2 and message in result.output


def test_validate_reads_an_answers_file(tmp_path):
    path = tmp_path / "intake-A-answers.json"
    path.write_text("[]", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "not-a-form" in result.output and "Traceback" not in result.output


def test_the_form_is_labelled_keyboard_usable_and_fits_1366(tucson, open_page, tmp_path):
    (form,) = write_html_forms(tucson, tmp_path, partners=["PCC"])
    page = open_page(form, viewport=(1366, 768))
    # Every control has a label a screen reader reads (a <label for> or a fieldset legend).
    unlabelled = page.js(
        "Array.from(document.querySelectorAll('input, select, button'))"
        ".filter(el => el.tagName !== 'BUTTON' && el.labels.length === 0).map(el => el.id)"
    )
    assert unlabelled == []
    assert page.js("document.documentElement.scrollWidth") <= 1366  # no side-scrolling
    # The keyboard alone: focus the first "yes", choose it with Space, save with Enter.
    p = page.page
    p.focus('tr[data-target="PCOS"] input[value="yes"]')
    p.keyboard.press("Space")
    assert page.js('document.querySelector(\'tr[data-target="PCOS"] input[value="yes"]\').checked')
    p.focus("#save")
    with p.expect_download() as info:
        p.keyboard.press("Enter")
    answers = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert [t["target_id"] for t in answers["ties"]] == ["PCOS"]
