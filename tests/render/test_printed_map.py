"""netmap.render.report.printed_map: the printed drawing's SVG elements, written by filters,
are the bytes report.html.j2's loops wrote, every value escaped."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netmap.render.page import environment
from netmap.render.report.printed_map import svg_labels, svg_paths, svg_shapes

# The loops of report.html.j2 the filters took over, as they were.
_PATHS = "\n".join(
    [
        "{%- for p in printed.paths %}",
        "<path d=\"{{ p['d'] }}\" stroke=\"{{ p['stroke'] }}\" stroke-width=\"{{ p['width'] }}\""
        "{% if p['dash'] %} stroke-dasharray=\"{{ p['dash'] }}\"{% endif %}/>",
        "{%- endfor %}",
    ]
)
_SHAPES = "\n".join(
    [
        "{%- for n in printed.nodes %}",
        "{%- set s = n['shape'] %}",
        "{%- if s['tag'] == \"circle\" %}<circle cx=\"{{ s['cx'] }}\" cy=\"{{ s['cy'] }}\" r=\"{{ s['r'] }}\"",
        "{%- elif s['tag'] == \"rect\" %}<rect x=\"{{ s['x'] }}\" y=\"{{ s['y'] }}\" width=\"{{ s['width'] }}\""
        " height=\"{{ s['height'] }}\"",
        "{%- else %}<polygon points=\"{{ s['points'] }}\"{% endif %} data-node=\"{{ n['id'] }}\""
        " fill=\"{{ n['fill'] }}\" stroke=\"{{ n['stroke'] }}\" stroke-width=\"{{ n['stroke_width'] }}\""
        "{% if n['dash'] %} stroke-dasharray=\"{{ n['dash'] }}\"{% endif %}/>",
        "{%- endfor %}",
    ]
)
_LABELS = "\n".join(
    [
        "{%- for n in printed.nodes %}",
        "<text x=\"{{ n['label_x'] }}\" y=\"{{ n['label_y'] }}\" font-size=\"{{ n['font'] }}\""
        " data-node=\"{{ n['id'] }}\"{% if n['ghost'] %} class=\"ghost-label\"{% endif %}>",
        "{%- for line in n['lines'] %}<tspan x=\"{{ n['label_x'] }}\" y=\"{{ line['y'] }}\">"
        "{{ line['text'] }}</tspan>{% endfor -%}",
        "</text>",
        "{%- endfor %}",
    ]
)

_TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'\u00e9\u202e\n")), max_size=6)
_NUM = st.one_of(st.integers(-50, 50), st.floats(-1e6, 1e6, allow_nan=False), _TEXT)
_SHAPE = st.one_of(
    st.fixed_dictionaries({"tag": st.just("circle"), "cx": _NUM, "cy": _NUM, "r": _NUM}),
    st.fixed_dictionaries({"tag": st.just("rect"), "x": _NUM, "y": _NUM, "width": _NUM, "height": _NUM}),
    st.fixed_dictionaries({"tag": st.just("polygon"), "points": _TEXT}),
)
_NODE = st.fixed_dictionaries(
    {
        "shape": _SHAPE,
        "id": _TEXT,
        "fill": _TEXT,
        "stroke": _TEXT,
        "stroke_width": _NUM,
        "dash": st.one_of(st.none(), st.just(""), _TEXT),
        "label_x": _NUM,
        "label_y": _NUM,
        "font": _NUM,
        "ghost": st.booleans(),
        "lines": st.lists(st.fixed_dictionaries({"y": _NUM, "text": _TEXT}), max_size=3),
    }
)
_PATH = st.fixed_dictionaries(
    {"d": _TEXT, "stroke": _TEXT, "width": _NUM, "dash": st.one_of(st.none(), st.just(""), _TEXT)}
)


@settings(max_examples=300, deadline=None)
@given(paths=st.lists(_PATH, max_size=4), nodes=st.lists(_NODE, max_size=4))
def test_the_filters_write_what_the_template_loops_wrote(paths, nodes):
    env = environment()
    printed = {"paths": paths, "nodes": nodes}
    assert str(svg_paths(paths)) == env.from_string(_PATHS).render(printed=printed)
    assert str(svg_shapes(nodes)) == env.from_string(_SHAPES).render(printed=printed)
    assert str(svg_labels(nodes)) == env.from_string(_LABELS).render(printed=printed)


def test_every_value_is_escaped():
    nodes = [
        {
            "shape": {"tag": "polygon", "points": '0,0 1,1"/><script>'},
            "id": "p:<A>",
            "fill": "#fff",
            "stroke": "#000",
            "stroke_width": 1,
            "dash": None,
            "label_x": 0,
            "label_y": 0,
            "font": 9,
            "ghost": True,
            "lines": [{"y": 0, "text": "</text><script>alert(1)</script>"}],
        }
    ]
    drawn = str(svg_shapes(nodes)) + str(svg_labels(nodes))
    assert "<script>" not in drawn and "&lt;script&gt;" in drawn and 'data-node="p:&lt;A&gt;"' in drawn
    assert str(svg_paths([{"d": 'M0"', "stroke": "red", "width": 1, "dash": None}])) == (
        '\n<path d="M0&#34;" stroke="red" stroke-width="1"/>'
    )
