"""The partner survey end to end, as a facilitator and a state team run it from the CLI (issue 22).

A facilitator writes the forms of the Tucson example (``netmap survey``, ``--html``), four
partners return filled .xlsx forms (one of them blank), one the HTML form's answers file;
``netmap merge`` combines them with the workbook, and ``analyze``, ``map`` and ``report``
show what the partners said. A state team merges two regional workbooks of the Oregon
example, one without a region column (``--region-from-file``).

The answers (kind, frequency, trust scores; value scores where given), each side's row
rating the partner at the other end:

=====  ======  =============  =========  =========  =========
from   about   kind           frequency  trust      value
=====  ======  =============  =========  =========  =========
PCC    PCOS    collaboration  weekly     4, 4, 3    3, 3, 3
PCC    TIC     referral       monthly    3, 3, 3
PCOS   PCC     collaboration  monthly    2, 2, 2    4, 4, 4
PCOS   TIC     referral       quarterly  3, 2, 2
TIC    PCC     referral       monthly    4, 4, 4
MPS    TIC     collaboration  weekly     1, 2, 1
DBH    PCC     data-sharing   quarterly  3, 3, 3          (the HTML form's answers file)
DBH    MPS     referral       weekly     2, 2, 2
=====  ======  =============  =========  =========  =========

SFP returns its form with nothing filled in. By hand: 6 of the 14 active partners answered
(DBH, MPS, PCC, PCOS, SFP, TIC: 43%); PCC-PCOS and PCC-TIC are named by both sides
(confirmed), PCOS-TIC, MPS-TIC, DBH-PCC and DBH-MPS by one (4 of 6, 67%). TIC's trust, as the
others score it: PCC's 3, PCOS's (3+2+2)/3 = 7/3, MPS's (1+2+1)/3 = 4/3, mean 20/9 = 2.222222.
PCC's: PCOS's 2, TIC's 4, DBH's 3, mean 3; its value PCOS's 4.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import netmap
from netmap.cli import app
from tests.conftest import EXAMPLES

TUCSON = EXAMPLES / "tucson-behavioral-health"
OREGON = EXAMPLES / "oregon-pathways-alliance"
AS_OF = "2026-11-24"
TRUST = ("reliability", "mission_support", "openness")
VALUE = ("power_influence", "involvement", "resource_contribution")
XLSX_ANSWERS = {
    "PCC": {"PCOS": ("collaboration", "weekly", (4, 4, 3), (3, 3, 3)),
            "TIC": ("referral", "monthly", (3, 3, 3), ())},
    "PCOS": {"PCC": ("collaboration", "monthly", (2, 2, 2), (4, 4, 4)),
             "TIC": ("referral", "quarterly", (3, 2, 2), ())},
    "TIC": {"PCC": ("referral", "monthly", (4, 4, 4), ())},
    "MPS": {"TIC": ("collaboration", "weekly", (1, 2, 1), ())},
    "SFP": {},
}  # fmt: skip
JSON_ANSWERS = {"PCC": ("data-sharing", "quarterly", (3, 3, 3)), "MPS": ("referral", "weekly", (2, 2, 2))}
CAVEAT = (
    "Survey data: 6 of 14 partners answered (43%); 4 of 6 ties are named by one side only (67%)"
    " — read one-sided ties and scores of partners who did not answer with care."
)

runner = CliRunner()


def cli(*args: str | Path) -> str:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def fill_form(form: Path, out: Path, answers: dict[str, tuple]) -> Path:
    """Fill a written .xlsx form as a partner would: 'yes' and the answers on the Partners sheet."""
    wb = openpyxl.load_workbook(form)
    ws = wb["Partners"]
    col = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        other = ws.cell(r, col["id"]).value
        if other not in answers:
            continue
        kind, frequency, trust, value = answers[other]
        ws.cell(r, col["works_together"]).value = "yes"
        ws.cell(r, col["kind"]).value = kind
        ws.cell(r, col["frequency"]).value = frequency
        for column, score in (*zip(TRUST, trust, strict=False), *zip(VALUE, value, strict=False)):
            ws.cell(r, col[column]).value = score
    about = wb["About you"]
    about.cell(2, next(c.column for c in about[1] if c.value == "answered_on")).value = "2026-11-20"
    wb.save(out)
    return out


def answers_file(out: Path) -> Path:
    """DBH's answers file, as the HTML form saves it (README, 'Partner survey: the HTML form')."""
    with open(TUCSON / "partners.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keys = ("id", "name", "agency_type", "level", "region")
    me = next(r for r in rows if r["id"] == "DBH")
    doc = {
        "netmap_form": 1,
        "partner_id": "DBH",
        "map": "tucson-behavioral-health",
        "answered_on": "2026-11-21",
        "partner": {k: me[k] or None for k in keys if k != "id"},
        "partners": [{k: r[k] or None for k in keys} for r in rows if r["id"] != "DBH" and r["status"] == "active"],
        "services": [],
        "roles": [],
        "ties": [
            {"target_id": other, "works_together": "yes", "kind": kind, "frequency": frequency}
            | dict(zip(TRUST, trust, strict=True))
            | dict.fromkeys(VALUE)
            for other, (kind, frequency, trust) in JSON_ANSWERS.items()
        ],
        "agreements": [],
        "funding": [],
    }
    out.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The facilitator's walkthrough, every step from the CLI; what each step printed or wrote."""
    tmp = tmp_path_factory.mktemp("walk")
    cli("survey", TUCSON, "-o", tmp / "forms")
    cli("survey", TUCSON, "-o", tmp / "html", "--html")
    back = tmp / "returned"
    back.mkdir()
    inputs = [TUCSON]
    for pid, answers in XLSX_ANSWERS.items():
        inputs.append(fill_form(tmp / "forms" / f"intake-{pid}.xlsx", back / f"intake-{pid}.xlsx", answers))
    inputs.append(answers_file(back / "intake-DBH-answers.json"))
    merged = tmp / "merged.xlsx"
    merge = cli("merge", *inputs, "-o", merged)
    merge_json = json.loads(cli("merge", *inputs, "-o", tmp / "again.xlsx", "--json"))
    cli("map", merged, "--as-of", AS_OF, "-o", tmp / "m.html")
    cli("report", merged, "--as-of", AS_OF, "-o", tmp / "r.html")
    return {
        "tmp": tmp,
        "forms": sorted(p.name for p in (tmp / "forms").iterdir()),
        "html": sorted(p.name for p in (tmp / "html").iterdir()),
        "merged": merged,
        "merge": merge,
        "merge_json": merge_json,
        "analyze": cli("analyze", merged, "--as-of", AS_OF),
        "analyze_json": json.loads(cli("analyze", merged, "--as-of", AS_OF, "--json")),
        "map": tmp / "m.html",
        "report": tmp / "r.html",
    }


def test_the_forms_are_written_for_every_active_partner(walk):
    assert len(walk["forms"]) == len(walk["html"]) == 14
    assert "intake-PCC.xlsx" in walk["forms"] and "intake-PCC.html" in walk["html"]


def test_merge_reads_xlsx_forms_and_the_answers_file_as_one_map(walk):
    doc = walk["merge_json"]
    # the forms list the other partners as the map has them: one organisation each, no renames
    assert doc["partners"] == 15 and doc["collisions"] == [] and doc["same_suggestions"] == []
    assert doc["errors"] == 0
    # a form's listing is one issue per form and sheet, not one per row, at the form's own sheet
    # (the .xlsx form's Partners rows 2-14; the answers file's partners rows 2-14 after its own)
    listing = [i for i in doc["issues"] if "the form lists" in i["message"]]
    assert {(Path(i["file"]).name, i["sheet"]) for i in listing} >= {
        (f"intake-{p}.xlsx", "Partners") for p in XLSX_ANSWERS
    } | {("intake-DBH-answers.json", "partners")}
    pcc = next(i for i in listing if (Path(i["file"]).name, i["sheet"]) == ("intake-PCC.xlsx", "Partners"))
    assert "13 partners row(s)" in pcc["message"] and "(rows 2, 3, 4, 5, 6, 7, 8, 9 and 5 more)" in pcc["message"]
    assert len(doc["issues"]) < 40
    assert (doc["ties"]["confirmed"], doc["ties"]["unconfirmed"]) == (2, 4)
    assert "2 confirmed (both sides), 4 one-sided" in walk["merge"]
    assert "6 of 14 active partners answered" in walk["merge"]
    # the merged workbook is written the same for the same inputs
    assert walk["merged"].read_bytes() == (walk["tmp"] / "again.xlsx").read_bytes()


def test_analyze_prints_the_caveat_first_and_the_tie_quality(walk):
    text = walk["analyze"]
    assert " ".join(text.split()).startswith(CAVEAT)
    assert "Tie quality" in text
    q = walk["analyze_json"]["quality"]
    assert (q["confirmed"], q["unconfirmed"]) == (2, 4)
    assert q["response_rate"] == round(6 / 14, 6)
    assert sorted(q["respondents"]) == ["DBH", "MPS", "PCC", "PCOS", "SFP", "TIC"]
    by_id = {p["id"]: p for p in q["partners"]}
    assert by_id["TIC"]["trust"] == round(20 / 9, 6) and by_id["TIC"]["raters"] == 3
    assert (by_id["PCC"]["trust"], by_id["PCC"]["value"], by_id["PCC"]["raters"]) == (3.0, 4.0, 3)
    pairs = {(p["source"], p["target"]): p for p in q["pairs"] if p["confirmed"] is not None}
    assert {k: p["confirmed"] for k, p in pairs.items()} == {
        ("PCC", "PCOS"): True,
        ("PCC", "TIC"): True,
        ("PCOS", "TIC"): False,
        ("MPS", "TIC"): False,
        ("DBH", "PCC"): False,
        ("DBH", "MPS"): False,
    }
    # weekly from PCC, monthly from PCOS: the less frequent of the two
    assert pairs[("PCC", "PCOS")]["frequency"] == "monthly"


def _page_data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="netmap-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def test_the_map_draws_one_sided_ties_dashed(walk):
    data = _page_data(walk["map"])
    q = data["quality"]
    assert q["caveat"] == CAVEAT and (q["confirmed"], q["unconfirmed"]) == (2, 4)
    # the page packs its edges: [from, to, kind, style, width, arrows, tooltip] as indexes
    edges, nodes = data["edges"], [n["id"] for n in data["nodes"]]
    surveyed = {}
    for t in q["ties"]:
        row = edges["rows"][t["edge"]]
        colour, dashes = edges["styles"][row[3]]
        surveyed[frozenset((nodes[row[0]], nodes[row[1]]))] = (dashes, row[4], colour == t["trust"])
    # MPS-TIC named by MPS only, weekly: long dashes, 8 px, coloured by its trust
    assert surveyed[frozenset({"p:MPS", "p:TIC"})] == ([16, 10], 8, True)
    assert q["one_sided"] == [16, 10]
    # PCC-PCOS named by both, monthly (the less frequent answer): solid, 6 px
    assert surveyed[frozenset({"p:PCC", "p:PCOS"})] == (False, 6, True)
    assert sum(d == [16, 10] for d, _, _ in surveyed.values()) == 4
    names = [n for group in q["not_answered"] for n in group["names"]]
    assert len(names) == 8 and "US Department of Labor" in names


def test_the_report_shows_the_caveat_and_the_survey(walk):
    html = walk["report"].read_text(encoding="utf-8")
    assert f"<strong>Caveat:</strong> {CAVEAT}" in html
    assert html.index("report-caveat") < html.index('id="summary"')
    for table in ("table-response-region", "table-reciprocity", "table-quality-lowest"):
        assert f'id="{table}"' in html


# -- a state team: two regional workbooks -----------------------------------------------------


def split_by_region(source: Path, out: Path, regions: dict[str, set[str]], *, drop_region: set[str]) -> list[Path]:
    """Write one CSV workbook per entry of ``regions`` (folder name -> regions it holds).

    Each holds its regions' partners and the state-level ones (no region), and the rows of
    the other sheets whose partner references all stay inside it. The workbooks named in
    ``drop_region`` lose their partners' region column, as a region that never filled it in.
    """
    sheets = {}
    for f in sorted(source.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as handle:
            sheets[f.stem] = list(csv.reader(handle))
    refs = {
        "roles": ["partner_id"],
        "services": ["partner_id"],
        "contacts": ["partner_id"],
        "ties": ["source_id", "target_id"],
        "funding": ["recipient_id", "funder_id"],
        "agreements": ["parties"],
    }
    written = []
    for name, held in regions.items():
        header, *rows = sheets["partners"]
        region = header.index("region")
        partners = [r for r in rows if r[region] in held or not r[region]]
        ids = {r[0] for r in partners}
        folder = out / name
        folder.mkdir(parents=True)
        book = {"partners": [header, *partners]}
        for sheet, columns in refs.items():
            head, *body = sheets[sheet]
            at = [head.index(c) for c in columns]
            book[sheet] = [
                head,
                *(r for r in body if all(x in ids for i in at for x in r[i].split(";") if x)),
            ]
        if name in drop_region:
            book["partners"] = [[c for i, c in enumerate(r) if i != region] for r in book["partners"]]
        for sheet, rows_ in book.items():
            with open(folder / f"{sheet}.csv", "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(rows_)
        written.append(folder)
    return written


def test_a_state_team_merges_its_regional_workbooks(tmp_path):
    north, south = split_by_region(
        OREGON,
        tmp_path,
        {"portland-metro": {"Portland Metro"}, "rest-of-state": {"Mt. Hood", "Lane", "South Coast", "Central Oregon",
                                                                  "Willamette Valley"}},
        drop_region={"portland-metro"},
    )  # fmt: skip
    merged = tmp_path / "merged.xlsx"
    doc = json.loads(cli("merge", north, south, "--region-from-file", "-o", merged, "--json"))
    assert doc["errors"] == 0 and doc["collisions"] == []
    G = netmap.read_graph(merged)
    region = {d["id"]: d.get("region") for _, d in G.nodes(data=True) if d.get("label") == "Partner"}
    # every partner once; Portland Metro's from its folder name, the state agencies no region's
    with open(OREGON / "partners.csv", encoding="utf-8") as handle:
        original = {r["id"]: r["region"] or None for r in csv.DictReader(handle)}
    assert region == original
    regions = json.loads(cli("regions", merged, "--as-of", AS_OF, "--json"))["regions"]
    assert sorted(r["region"] for r in regions) == [
        "Central Oregon", "Lane", "Mt. Hood", "Portland Metro", "South Coast", "Willamette Valley"
    ]  # fmt: skip
    assert "Portland" in cli("regions", merged, "--as-of", AS_OF)


@pytest.mark.parametrize(
    "args",
    [
        ["gaps"],
        ["brokers"],
        ["regions"],
        ["services"],
        ["diff", TUCSON],
        ["suggest", "--directory", TUCSON],
    ],
    ids=lambda a: a[0],
)
def test_every_analysis_of_the_survey_prints_its_caveat_first(walk, args):
    command, *before = args
    text = cli(command, *before, walk["merged"], "--as-of", AS_OF)
    assert " ".join(text.split()).startswith(CAVEAT)


@pytest.mark.parametrize("command", ["gaps", "brokers"])
def test_the_caveat_is_in_the_json_of_gaps_and_brokers(walk, command):
    assert json.loads(cli(command, walk["merged"], "--as-of", AS_OF, "--json"))["caveat"] == CAVEAT
    assert json.loads(cli(command, TUCSON, "--as-of", AS_OF, "--json"))["caveat"] is None
