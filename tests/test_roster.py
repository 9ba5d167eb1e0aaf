"""Tests of netmap.roster: the shipped roster's facts, alias matching, user rosters."""

from __future__ import annotations

import pytest

from netmap.errors import RosterError
from netmap.roster import Rule, available_rosters, load_roster, normalize, slug


@pytest.fixture(scope="module")
def roster():
    return load_roster()


def test_shipped_roster_has_the_six_categories_and_22_types(roster):
    in_roster = [c.name for c in roster.categories.values() if c.in_roster]
    assert in_roster == [
        "Workforce Development",
        "Education",
        "Human Services",
        "CBOs",
        "Employers",
        "Economic Development",
    ]
    types = roster.roster_types()
    assert len(types) == 22
    per_category = {}
    for t in types:
        per_category[t.category] = per_category.get(t.category, 0) + 1
    assert per_category == {
        "workforce-development": 4,
        "education": 7,
        "human-services": 3,
        "cbos": 4,
        "employers": 2,
        "economic-development": 2,
    }
    # 9 state, 11 local and the 2 employer types, which are level-neutral: checked at both levels.
    levels = {}
    for t in types:
        levels[t.level] = levels.get(t.level, 0) + 1
    assert levels == {"state": 9, "local": 11, "any": 2}
    assert {t.id for t in types if t.level == "any"} == {"private-businesses", "public-companies"}
    assert len(roster.roster_types("state")) == 9 + 2
    assert len(roster.roster_types("local")) == 11 + 2


def test_added_types_are_marked_outside_the_roster(roster):
    vr = roster.agency_types["vocational-rehabilitation"]
    assert vr.in_roster is False
    assert "vocational-rehabilitation" in roster.populations["people-with-disabilities"].calls_for


def _rules(team):
    return {r.id: r.rule.to_dict() for r in team}


def test_minimum_teams_read_as_the_toolkit_lists_them(roster):
    # The toolkit's state list has five lines; "secondary and post-secondary education" is one.
    assert _rules(roster.minimum_teams["state"]) == {
        "workforce-development": {"any_of": ["state-workforce-agency", "state-wib"]},
        "human-services": {"any_of": ["state-human-service-agency"]},
        "secondary-and-postsecondary-education": {
            "all_of": ["state-secondary-education-agency", "state-postsecondary-education-agency"]
        },
        "adult-basic-education": {"any_of": ["state-adult-education-agency"]},
        "economic-development": {"any_of": ["state-economic-development-agency"]},
    }
    # Seven local lines; a board and its providers, TANF and human services: both of each.
    assert _rules(roster.minimum_teams["local"]) == {
        "workforce-board-and-providers": {"all_of": ["local-wib", "local-workforce-agencies"]},
        "postsecondary": {"any_of": ["local-community-colleges", "local-universities"]},
        "adult-education": {"any_of": ["local-adult-basic-education-providers"]},
        "tanf-and-human-services": {"all_of": ["local-tanf-providers", "local-human-service-agencies"]},
        "economic-development": {"any_of": ["local-economic-development-agency"]},
        "cbos": {"any_of": ["local-community-based-organizations", "local-faith-based-organizations"]},
        "local-businesses": {"any_of": ["private-businesses", "public-companies"]},
    }


@pytest.mark.parametrize(
    ("present", "held", "missing"),
    [
        # any_of[ A, all_of[B, any_of[C, D]] ]
        (set(), False, ["A or (B and C or D)"]),
        ({"A"}, True, []),
        ({"B"}, False, ["A or C or D"]),
        ({"C"}, False, ["A or B"]),
        ({"B", "D"}, True, []),
    ],
)
def test_nested_rule(present, held, missing):
    rule = Rule("any_of", ("A", Rule("all_of", ("B", Rule("any_of", ("C", "D"))))))
    assert rule.holds(present) is held
    assert rule.missing(present) == missing
    assert rule.types() == ("A", "B", "C", "D")


@pytest.mark.parametrize(
    ("present", "met", "missing"),
    [
        (set(), [], ["A", "C or D"]),
        ({"A", "D"}, ["A", "(C or D)"], []),
        ({"C"}, ["(C or D)"], ["A"]),
    ],
)
def test_all_of_names_each_missing_part(present, met, missing):
    rule = Rule("all_of", ("A", Rule("any_of", ("C", "D"))))
    assert (rule.met(present), rule.missing(present)) == (met, missing)
    assert rule.holds(present) is (not missing)


def test_role_chart_by_partner_type(roster):
    assert roster.role_chart["economic-development"] == ("provide-labor-market-information", "engage-employers")
    assert len(roster.role_chart["workforce-development"]) == 7
    assert len(roster.role_chart["education"]) == 7
    assert roster.expected_roles("private-businesses") == (
        "develop-curricula",
        "provide-trainers",
        "provide-training-facilities",
        "provide-employment",
    )
    assert roster.roles["advise"].in_chart is False


@pytest.mark.parametrize(
    ("written", "level", "expected"),
    [
        ("Local WIB", None, "local-wib"),
        ("local workforce board", None, "local-wib"),
        ("Workforce Investment Board", None, "local-wib"),
        ("Workforce Development Board", "local", "local-wib"),
        ("WIB", None, "local-wib"),
        ("WDB", "regional", "local-wib"),
        ("WIB", "state", "state-wib"),
        ("workforce board", "national", "state-wib"),
        ("American Job Center", None, "local-workforce-agencies"),
        ("one-stop", None, "local-workforce-agencies"),
        ("CC", None, "local-community-colleges"),
        ("Community Colleges", None, "local-community-colleges"),
        ("TANF office", None, "local-tanf-providers"),
        ("  local   COMMUNITY-based organizations ", None, "local-community-based-organizations"),
        ("community-based organization", "state", "state-community-based-organizations"),
        ("VR", None, "vocational-rehabilitation"),
        ("Chamber of Commerce", None, "industry-association"),
    ],
)
def test_agency_type_aliases(roster, written, level, expected):
    assert roster.match_agency_type(written, level).id == expected


@pytest.mark.parametrize("written", ["Comunity colege", "Workforce Bord", "zzz", ""])
def test_unknown_types_get_three_suggestions(roster, written):
    assert roster.match_agency_type(written) is None
    assert len(roster.suggest_agency_types(written)) == 3


def test_suggestions_rank_the_closest_first(roster):
    assert roster.suggest_agency_types("Comunity colege")[0] == "Local community colleges"
    assert roster.suggest_agency_types("Local TANF provder")[0] == "Local TANF providers"


def test_roles_and_populations_match_aliases(roster):
    assert roster.match_role("LMI").id == "provide-labor-market-information"
    assert roster.match_role("Provide employment/internships").id == "provide-employment"
    assert roster.match_population("ESL").id == "english-learners"
    assert roster.match_population("individuals with disabilities").calls_for == ("vocational-rehabilitation",)


def test_normalize_ignores_case_punctuation_and_plurals():
    assert normalize("Local Community-Colleges") == "local community college"
    assert normalize("TANF") == "tanf"
    assert normalize("Business") == "business"


# normalize and slug remember their answers by the text: values equal as Python values but
# written differently must still get their own (1 == 1.0 == True, "1" is "1").
@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        ([1, 1.0, True, "1"], ["1", "1 0", "true", "1"]),
        (["Referral", "referrals", " Referral "], ["referral", "referral", "referral"]),
    ],
)
def test_normalize_remembers_by_text(calls: list[object], expected: list[str]) -> None:
    assert [normalize(x) for x in calls] == expected  # type: ignore[arg-type]
    assert [normalize(x) for x in reversed(calls)] == expected[::-1]  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), [("WIOA Title I Adult", "wioa-title-i-adult"), ("!! !", "!!-!")])
def test_slug_is_the_same_when_asked_again(text: str, expected: str) -> None:
    assert [slug(text), slug(text)] == [expected, expected]


def test_available_rosters_lists_the_shipped_file():
    assert "career-pathways" in available_rosters()


def test_each_load_is_a_fresh_object():
    a, b = load_roster(), load_roster()
    a.add_custom_type("Makerspace")
    assert b.match_agency_type("Makerspace") is None


def _write(tmp_path, text):
    path = tmp_path / "roster.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_roster_file(tmp_path):
    path = _write(
        tmp_path,
        """
name: one-stop
allow_custom_types: true
categories: [{id: core, name: Core partners}]
agency_types:
  - {id: adult, name: WIOA Adult program, category: core, level: local, aliases: [Title I]}
minimum_teams:
  local: [{id: adult, name: Adult, any_of: [adult]}]
""",
    )
    roster = load_roster(path)
    assert roster.name == "one-stop"
    assert roster.match_agency_type("title i").id == "adult"
    assert roster.allow_custom_types is True
    assert roster.add_custom_type("Makerspace").category == "other"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "top level must be a mapping"),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: nope}]\n",
            "unknown category 'nope'",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c, level: city}]\n",
            "level must be one of",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types:\n  - {id: t, name: T, category: c, aliases: [x]}\n"
            "  - {id: u, name: U, category: c, aliases: [X]}\n",
            "alias 'X' is used by both 't' and 'u'",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {local: [{id: m, name: M, any_of: [ghost]}]}\n",
            "unknown agency type 'ghost'",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {local: [{id: m, name: M, any_of: [t, {all_of: [t, ghost]}]}]}\n",
            r"minimum team local/m, any_of\[1\]: names unknown agency type 'ghost'",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {local: [{id: m, name: M, all_of: []}]}\n",
            "minimum team local/m: the 'all_of' group is empty",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {state: [{id: m, name: M, any_of: [t, {any_of: []}]}]}\n",
            r"minimum team state/m, any_of\[1\]: the 'any_of' group is empty",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {local: [{id: m, name: M, any_of: [t], all_of: [t]}]}\n",
            "minimum team local/m: give either 'any_of' or 'all_of', not both",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {local: [{id: m, name: M}]}\n",
            "minimum team local/m: needs 'any_of' or 'all_of'",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {local: [{id: m, name: M, all_of: [t, {anyof: [t]}]}]}\n",
            "needs 'any_of' or 'all_of'",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {local: [{id: m, name: M, all_of: [t, {any_of: [t], note: x}]}]}\n",
            "a nested group takes only 'any_of' or 'all_of', not note",
        ),
        (
            "categories: [{id: c, name: C}]\nagency_types: [{id: t, name: T, category: c}]\n"
            "minimum_teams: {local: [{id: m, name: M, all_of: t}]}\n",
            "'all_of' must be a list",
        ),
        ("categories: {", "not valid YAML"),
    ],
)
def test_malformed_rosters_raise_roster_error(tmp_path, text, message):
    with pytest.raises(RosterError, match=message):
        load_roster(_write(tmp_path, text))


def test_missing_roster_names_the_shipped_ones(tmp_path):
    with pytest.raises(RosterError, match="career-pathways"):
        load_roster(tmp_path / "nope.yaml")


def test_each_load_is_a_fresh_roster_though_the_yaml_is_parsed_once():
    first = load_roster()
    first.add_custom_type("Makerspace")
    first.role_chart.clear()
    second = load_roster()
    assert "custom-makerspace" not in second.agency_types
    assert second.match_agency_type("Makerspace") is None
    assert second.role_chart  # the parsed YAML is copied, never shared
