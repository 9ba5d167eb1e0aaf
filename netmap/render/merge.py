"""The terminal summary of ``netmap merge``: inputs, renamed ids, suggested merges,
reciprocity of the surveyed ties, and who answered.

It takes :meth:`netmap.merge.MergeResult.to_dict` and computes nothing; every table goes
through :func:`netmap.render.fit.fit_table`, so it fits 80 columns.

Examples
--------
>>> import io
>>> from rich.console import Console
>>> from netmap.merge import merge_workbooks
>>> console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
>>> render_merge(console, merge_workbooks(["examples/tucson-behavioral-health"]).to_dict())
>>> "Inputs" in console.export_text()
True
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.text import Text

from netmap.errors import Issue, safe_text
from netmap.render.fit import Col, fit_table

__all__ = ["render_merge"]

# More issues than this are counted by code (errors are always listed one by one).
ISSUES_LISTED = 20


def _line(text: str, style: str = "") -> Text:
    return Text(safe_text(text), style=style)


def render_merge(console: Console, data: dict[str, Any]) -> None:
    """Print the merge report ``data`` (``MergeResult.to_dict()``)."""
    from netmap.render.terminal import render_issues

    issues = [_issue(d) for d in data["issues"]]
    if len(issues) <= ISSUES_LISTED:
        if issues:
            render_issues(console, issues)
    else:
        errors = [i for i in issues if i.is_error]
        if errors:
            render_issues(console, errors)
        counts = Counter((i.code, i.severity) for i in issues if not i.is_error)
        fit_table(
            console,
            [Col("warning"), Col("count", justify="right")],
            [[code, n] for (code, _), n in sorted(counts.items())],
            title="Warnings",
        )
        console.print(_line("--json lists each issue, with its file, sheet and row"))
    fit_table(
        console,
        [
            Col("input"),
            Col("rows read", short="read", justify="right"),
            Col("left out", short="out", justify="right"),
            Col("errors", short="err", justify="right"),
            Col("warnings", short="warn", justify="right", drop=1),
        ],
        [[i["file"], i["rows_read"], i["rows_left_out"], i["errors"], i["warnings"]] for i in data["inputs"]],
        title="Inputs",
    )
    rows = data["rows"]
    console.print(
        _line(
            f"{rows['read']} rows read, {rows['written']} written, {rows['left_out']} left out or merged "
            f"(each named in an issue); {data['partners']} partners"
        )
    )
    if data["collisions"]:
        fit_table(
            console,
            [Col("sheet", drop=2), Col("id"), Col("renamed"), Col("in input"), Col("name", drop=1)],
            [[c["sheet"], c["id"], c["renamed"], c["file"], c["name"]] for c in data["collisions"]],
            title="One id, two organisations (agreements, awards): renamed",
        )
    if data["same_suggestions"]:
        fit_table(
            console,
            [Col("organisation"), Col("to merge them", no_wrap=True)],
            [[s["name"], s["same"]] for s in data["same_suggestions"]],
            title="One organisation, two ids",
        )
    _ties(console, data["ties"])
    _response(console, data["response"])


def _issue(d: dict[str, Any]) -> Issue:
    return Issue(
        d["code"],
        d["message"],
        d["severity"],
        d["file"],
        d["sheet"],
        d["row"],
        d["column"],
        d["value"],
        tuple(d["suggestions"]),
    )


def _ties(console: Console, ties: dict[str, Any]) -> None:
    if not ties["pairs"]:
        console.print(_line(f"ties: no survey answers (reported_by); {ties['map_own']} ties of the maps' own"))
        return
    console.print(
        _line(
            f"ties: {ties['pairs']} pairs named in the survey, {ties['confirmed']} confirmed (both sides), "
            f"{ties['unconfirmed']} one-sided; {ties['map_own']} ties of the maps' own"
        )
    )
    if ties["conflicts"]:
        rows = []
        for c in ties["conflicts"]:
            a, b = c["pair"]
            rows.append([f"{a} - {b}", c["column"], f"{a}: {c['answers'][a]}", f"{b}: {c['answers'][b]}"])
        fit_table(
            console,
            [Col("pair"), Col("answer"), Col("one side says", short="one"), Col("the other says", short="other")],
            rows,
            title="The two sides answer differently",
        )


def _response(console: Console, response: dict[str, Any]) -> None:
    if response["basis"] == "none":
        console.print(_line("response: no survey answers in the inputs"))
        return
    answered, missing = response["answered"], response["not_answered"]
    console.print(_line(f"response: {len(answered)} of {len(answered) + len(missing)} active partners answered"))
    for key, label in (("by_region", "region"), ("by_category", "category")):
        fit_table(
            console,
            [Col(label), Col("answered", short="yes", justify="right"), Col("not yet", short="no", justify="right")],
            [[name, n["answered"], n["not_answered"]] for name, n in response[key].items()],
            title=f"Response by {label}",
        )
    if missing:
        console.print(_line("not yet answered: " + ", ".join(missing)))
