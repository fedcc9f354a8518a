"""Label selectors match as Kubernetes' ``labels.Selector`` does, in both spellings."""

import pytest

from kube_lab.api.selectors import (
    Requirement,
    Selector,
    SelectorError,
    from_label_selector,
    from_match_labels,
    parse,
)

WEB = {"app": "web", "tier": "frontend", "env": "prod"}


def test_match_labels_require_every_pair() -> None:
    selector = from_label_selector({"matchLabels": {"app": "web", "tier": "frontend"}})
    assert selector.matches(WEB)
    assert not selector.matches({"app": "web"})
    assert not selector.matches({"app": "web", "tier": "backend"})


def test_service_selectors_are_plain_maps() -> None:
    assert from_match_labels({"app": "web"}).matches(WEB)
    assert not from_match_labels({"app": "api"}).matches(WEB)


def test_in_matches_any_listed_value() -> None:
    selector = from_label_selector(
        {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "staging"]}]}
    )
    assert selector.matches(WEB)
    assert not selector.matches({"env": "dev"})
    assert not selector.matches({})


def test_not_in_matches_other_values_and_missing_keys() -> None:
    selector = from_label_selector(
        {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}
    )
    assert selector.matches(WEB)
    assert selector.matches({})
    assert not selector.matches({"env": "dev"})


def test_exists_and_does_not_exist_look_at_keys_only() -> None:
    exists = from_label_selector({"matchExpressions": [{"key": "tier", "operator": "Exists"}]})
    absent = from_label_selector(
        {"matchExpressions": [{"key": "legacy", "operator": "DoesNotExist"}]}
    )
    assert exists.matches(WEB) and not exists.matches({"app": "web"})
    assert absent.matches(WEB) and not absent.matches({"legacy": ""})


def test_match_labels_and_expressions_combine_with_and() -> None:
    selector = from_label_selector(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["dev"]}],
        }
    )
    assert not selector.matches(WEB)
    assert selector.matches({"app": "web", "env": "dev"})


def test_an_empty_selector_matches_everything() -> None:
    assert from_label_selector({}).empty
    assert from_label_selector(None).matches(WEB)
    assert Selector().matches(None)


def test_an_unknown_operator_is_refused() -> None:
    with pytest.raises(SelectorError, match='"Equals" is not a valid label selector operator'):
        from_label_selector({"matchExpressions": [{"key": "a", "operator": "Equals"}]})


@pytest.mark.parametrize(
    ("text", "requirements"),
    [
        ("app=web", [Requirement("app", "In", ("web",))]),
        ("app==web", [Requirement("app", "In", ("web",))]),
        ("tier!=db", [Requirement("tier", "NotIn", ("db",))]),
        ("env in (a,b)", [Requirement("env", "In", ("a", "b"))]),
        ("env notin ( a , b )", [Requirement("env", "NotIn", ("a", "b"))]),
        ("!legacy", [Requirement("legacy", "DoesNotExist")]),
        ("tier", [Requirement("tier", "Exists")]),
        ("app=", [Requirement("app", "In", ("",))]),
        (
            "app = web, !legacy",
            [Requirement("app", "In", ("web",)), Requirement("legacy", "DoesNotExist")],
        ),
        ("", []),
    ],
)
def test_the_command_line_form_parses(text: str, requirements: list[Requirement]) -> None:
    assert list(parse(text).requirements) == requirements


def test_parsed_selectors_match_like_structured_ones() -> None:
    assert parse("app=web,env in (prod,staging),!legacy").matches(WEB)
    assert not parse("app=web,tier!=frontend").matches(WEB)
    assert parse("tier").matches(WEB)


@pytest.mark.parametrize("text", ["a b", ",a", "a!b", "a=b=c", "a,"])
def test_malformed_command_line_selectors_are_refused(text: str) -> None:
    with pytest.raises(SelectorError, match="unable to parse requirement"):
        parse(text)


def test_a_set_operator_needs_values() -> None:
    with pytest.raises(SelectorError, match="values set can't be empty"):
        parse("env in ()")


def test_selectors_print_in_the_command_line_form() -> None:
    assert str(parse("app=web,env in (a,b),tier!=db,!legacy,x")) == (
        "app=web,env in (a,b),tier!=db,!legacy,x"
    )
