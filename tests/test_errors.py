"""Tests of netmap.errors: issues as data, and the registry of issue codes."""

from __future__ import annotations

import re

from netmap.errors import ISSUE_CODES, WARNING, InputError, Issue
from tests.conftest import ROOT


def test_issue_to_dict_has_stable_keys():
    issue = Issue(
        "invalid-date",
        "bad",
        file="f.csv",
        sheet="funding",
        row=4,
        column="end",
        value="x",
        suggestions=("2024-01-01",),
    )
    assert issue.to_dict() == {
        "code": "invalid-date",
        "severity": "error",
        "file": "f.csv",
        "sheet": "funding",
        "row": 4,
        "column": "end",
        "value": "x",
        "message": "bad",
        "suggestions": ["2024-01-01"],
    }
    assert str(issue) == "f.csv, sheet funding, row 4, column end: invalid-date: bad"


def test_input_error_counts_errors_not_warnings():
    issues = [Issue("unknown-column", "w", WARNING), Issue("empty-required", "e1", row=2), Issue("self-tie", "e2")]
    exc = InputError(issues)
    assert exc.errors == issues[1:]
    assert "2 error(s)" in str(exc) and "(and 1 more)" in str(exc)


def test_codes_are_kebab_case():
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", code) for code in ISSUE_CODES)


def test_every_code_in_the_source_is_registered():
    # Issues are made in the ingest package: Issue("code", ...), check.add("code", ...),
    # problem("code", ...) and the (code, message, suggestions) triples of cells.py.
    pattern = re.compile(r'(?:Issue|add|problem|fail|return None, )\(\s*"([a-z]+(?:-[a-z]+)+)"')
    used = set()
    for path in (ROOT / "netmap" / "ingest").rglob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 30  # the pattern still finds them
    assert used - set(ISSUE_CODES) == set()


def test_every_code_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [code for code in ISSUE_CODES if f"`{code}`" not in readme]
    assert missing == []
