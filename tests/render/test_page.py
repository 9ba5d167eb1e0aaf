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


def test_compiled_templates_are_kept_for_the_next_command(tmp_path, monkeypatch):
    import tempfile

    import jinja2

    from netmap.render import page

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # Jinja's private folder goes here
    monkeypatch.setattr(page, "_COMPILED", {})
    first = _render(table("t", "C", [("Name", False)], [[cell("x")]]))
    assert list(tmp_path.glob("_jinja2-cache-*/*.cache"))  # written for the next command
    # The next command (a new store in this process): the template files are read, not
    # compiled (the page's own string is, as always).
    monkeypatch.setattr(page, "_COMPILED", {})
    compile_ = jinja2.Environment._compile

    def refuse(self, source, filename):
        assert not filename.endswith(".j2"), f"{filename} compiled again"
        return compile_(self, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", refuse)
    assert _render(table("t", "C", [("Name", False)], [[cell("x")]])) == first


def test_without_a_private_temporary_folder_templates_still_render(tmp_path, monkeypatch):
    import jinja2

    from netmap.render import page

    def unsafe(self, *args, **kwargs):
        raise RuntimeError("Cannot determine safe temp directory.")

    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "__init__", unsafe)
    monkeypatch.setattr(page, "_COMPILED", {})
    assert '<td class="nowrap">x</td>' in _render(table("t", "C", [("Name", False)], [[cell("x")]]))
