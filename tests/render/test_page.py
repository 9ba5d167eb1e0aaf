"""netmap.render.page: the tables every page draws, cell by cell, escaped."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netmap.render.page import cell, column_classes, environment, number, table, table_body


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


# The loop report.html.j2's table macro wrote its rows with until table_body took it over:
# the filter must write the very same bytes.
_LOOP = "\n".join(
    [
        "",
        "{%- set classes = t.columns|column_classes %}",
        "{%- for row in t.rows %}",
        "<tr>",
        "{%- for cell, cls in zip(row, classes) %}",
        '<td{% if cell["value"] is not none %} data-value="{{ cell["value"] }}"{% endif %}'
        '{% if cls %} class="{{ cls }}"{% endif %}>',
        '{%- if cell["list"] and cell["parts"] %}<ul class="cell-list">'
        '{% for item in cell["parts"] %}<li>{{ item }}</li>{% endfor %}</ul>',
        '{%- else %}{{ cell["text"] }}{% endif -%}',
        "</td>",
        "{%- endfor %}",
        "</tr>",
        "{%- else %}",
        '<tr class="empty"><td colspan="{{ t.columns|length }}">{{ t.empty }}</td></tr>',
        "{%- endfor %}",
    ]
)

_TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'\u00e9\u202e;\n")), max_size=8)
_CELLS = st.one_of(
    st.builds(cell, _TEXT, st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=False), _TEXT)),
    st.builds(lambda items, as_list: cell(items=items, as_list=as_list), st.lists(_TEXT, max_size=3), st.booleans()),
)


@settings(max_examples=300, deadline=None)
@given(
    columns=st.lists(st.tuples(_TEXT, st.booleans()), min_size=1, max_size=4),
    rows=st.lists(st.lists(_CELLS, min_size=0, max_size=5), max_size=4),
    empty=_TEXT,
)
def test_table_body_writes_what_the_template_loop_wrote(columns, rows, empty):
    """Rows shorter or longer than the columns too (zip stops at the shorter, as before)."""
    t = table("t", "caption", columns, [(r + [cell("x")] * len(columns))[: len(columns)] for r in rows], empty=empty)
    t["rows"] = rows  # the lengths as drawn, after table() has read the columns' widths
    env = environment()
    # What the loop used, which the pages' environment no longer needs to register.
    env.filters["column_classes"] = column_classes
    env.globals["zip"] = zip
    want = env.from_string(_LOOP).render(t=t)
    assert str(table_body(t)) == want


def test_table_body_escapes_every_value():
    t = table(
        "t",
        "c",
        [("a", True), ("b", False)],
        [[cell("<b>", value='1"><x>'), cell(items=["<i>", "&"], as_list=True)]],
    )
    body = str(table_body(t))
    assert "<b>" not in body and "<i>" not in body and "<x>" not in body
    assert "&lt;b&gt;" in body and "&#34;&gt;&lt;x&gt;" in body and "<li>&amp;</li>" in body
