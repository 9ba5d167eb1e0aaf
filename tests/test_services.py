"""The shipped service taxonomy and its loader (netmap.services)."""

from __future__ import annotations

import pytest

from netmap.errors import RosterError
from netmap.services import available_taxonomies, load_taxonomy


def test_shipped_taxonomy_has_the_contracted_services():
    tax = load_taxonomy()
    assert available_taxonomies() == ["career-services"]
    assert sorted(tax.services) == sorted(
        "outreach assessment case-management career-counseling adult-education training "
        "work-based-learning job-placement child-care transportation housing food health "
        "mental-health substance-use legal financial-coaching benefits disability-services "
        "english-language".split()
    )
    assert tax.services["training"].needs == ("child-care", "transportation", "financial-coaching")
    assert [p.id for p in tax.pathways] == ["career-pathway", "basic-skills-bridge", "earn-and-learn"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Child Care", "child-care"),
        ("childcare", "child-care"),
        ("Occupational Training", "training"),
        ("WIOA adult training", "training"),
        ("Supported employment", "disability-services"),  # longer alias beats "employment"
        ("Career counseling services", "career-counseling"),  # beats "counseling"
        ("Mental health counseling", "mental-health"),
        ("GED classes", "adult-education"),
        ("Hair salon", None),
        ("", None),
    ],
)
def test_match(text, expected):
    found = load_taxonomy().match(text)
    assert (found.id if found else None) == expected


def test_suggest_names_the_closest_service():
    assert load_taxonomy().suggest("Transportaton")[0] == "Transportation"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("services: []", "it lists no services"),
        ("services:\n  - {id: a, name: A}\nneeds: {a: [b]}", "'needs' refers to 'b', which is not a service"),
        ("services:\n  - {id: a, name: A}\npathways:\n  - {id: p, steps: [a, z]}", "step 'z', which is not a service"),
        ("services:\n  - {id: a, name: A}\n  - {id: b, name: A}", "'A' names both 'a' and 'b'"),
        ("[1, 2", "not valid YAML"),
    ],
)
def test_bad_taxonomy_files(tmp_path, text, message):
    path = tmp_path / "tax.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError, match=message.replace("(", r"\(")):
        load_taxonomy(path)


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(RosterError) as info:
        load_taxonomy(tmp_path / "nope.yaml")
    assert info.value.exit_code == 2
    assert "career-services" in str(info.value)
