"""netmap.render.page: the tables every page draws, cell by cell, escaped."""

from __future__ import annotations

from netmap.render.page import cell, column_classes, environment, number, table


def _render(t):
    macros = environment().from_string('{% from "_macros.html.j2" import table %}{{ table(t) }}')
    return macros.render(t=t)


def test_a_table_of_every_kind_of_cell():
    t = table(
        "t-1",
        "Partners <& notes>",
        [("Name", False), ("Score", True), ("Id", False), ("Roles", False)],
        [
            [
                cell("A & <b>"),
                number(1200, "$1,200"),
                cell("P1"),
                cell(items=["x<y, with a longer explanation", "z"], as_list=True),
            ],
            [cell("B " * 20), number(None), cell("P22"), cell(items=[])],
        ],
        note="Made <here>.",
    )
    assert column_classes(t["columns"]) == ["", "num nowrap", "nowrap", ""]
    body = _render(t)
    rows = body.split("<tbody>")[1].split("</tbody>")[0]
    assert rows == (
        "\n<tr>"
        "\n<td>A &amp; &lt;b&gt;</td>"
        '\n<td data-value="1200" class="num nowrap">$1,200</td>'
        '\n<td class="nowrap">P1</td>'
        '\n<td><ul class="cell-list"><li>x&lt;y, with a longer explanation</li><li>z</li></ul></td>'
        "\n</tr>"
        "\n<tr>"
        "\n<td>" + "B " * 20 + "</td>"
        '\n<td class="num nowrap"></td>'
        '\n<td class="nowrap">P22</td>'
        "\n<td></td>"
        "\n</tr>\n"
    )
    assert "<caption>Partners &lt;&amp; notes&gt;</caption>" in body
    assert '<p class="note">Made &lt;here&gt;.</p>' in body


def test_an_empty_table_says_so():
    body = _render(table("t-2", "Nothing", [("Name", False), ("Score", True)], [], empty="No <rows>."))
    assert '<tr class="empty"><td colspan="2">No &lt;rows&gt;.</td></tr>' in body
