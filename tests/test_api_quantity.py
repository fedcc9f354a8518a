"""Resource quantities parse and round as the API server's ``resource.Quantity`` does."""

from fractions import Fraction

import pytest

from kube_lab.api.quantity import (
    QUANTITY_ERROR,
    QuantityError,
    format_cpu,
    format_memory,
    int_value,
    is_quantity,
    milli_value,
    parse_quantity,
)

PATTERN_MESSAGE = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


@pytest.mark.parametrize(
    ("text", "millicores"),
    [("500m", 500), ("0.5", 500), ("1", 1000), (1, 1000), (0.25, 250), ("1.5", 1500)],
)
def test_cpu_quantities_convert_to_millicores(text: str | int | float, millicores: int) -> None:
    assert milli_value(text) == millicores


@pytest.mark.parametrize(
    ("text", "num_bytes"),
    [
        ("128Mi", 128 * 2**20),
        ("1Gi", 2**30),
        ("1G", 10**9),
        ("1e9", 10**9),
        ("1E9", 10**9),
        ("1k", 1000),
        ("1Ki", 1024),
        ("2E", 2 * 10**18),
    ],
)
def test_memory_quantities_convert_to_bytes(text: str, num_bytes: int) -> None:
    assert int_value(text) == num_bytes


def test_values_are_exact_fractions() -> None:
    assert parse_quantity("1.5Gi") == Fraction(3 * 2**29)
    assert parse_quantity("100u") == Fraction(1, 10**4)


def test_fractional_millicores_round_up_as_milli_value_does() -> None:
    assert milli_value("0.0001") == 1
    assert milli_value("100u") == 1


def test_fractional_bytes_round_up_as_value_does() -> None:
    assert int_value("0.5") == 1
    assert int_value("1500m") == 2


def test_negative_quantities_parse() -> None:
    assert parse_quantity("-1") == -1
    assert milli_value("-250m") == -250


def test_a_known_suffix_doubled_is_an_unknown_suffix() -> None:
    with pytest.raises(QuantityError) as raised:
        parse_quantity("500mm")
    assert str(raised.value) == "unable to parse quantity's suffix"


@pytest.mark.parametrize("text", ["1K", "1e", "2mi"])
def test_unknown_suffixes_are_reported_as_such(text: str) -> None:
    with pytest.raises(QuantityError, match="unable to parse quantity's suffix"):
        parse_quantity(text)


@pytest.mark.parametrize("text", ["abc", "", "1.5.5", " 500m", "500m ", "1,5", "10Mb"])
def test_malformed_quantities_quote_the_pattern(text: str) -> None:
    with pytest.raises(QuantityError) as raised:
        parse_quantity(text)
    assert str(raised.value) == PATTERN_MESSAGE == QUANTITY_ERROR


@pytest.mark.parametrize("value", [True, float("inf"), float("nan")])
def test_non_numbers_are_not_quantities(value: object) -> None:
    assert not is_quantity(value)


def test_is_quantity_accepts_numbers_and_strings() -> None:
    assert is_quantity("250m") and is_quantity(2) and is_quantity(0.5)
    assert not is_quantity("two")


@pytest.mark.parametrize(("millicores", "text"), [(2000, "2"), (250, "250m"), (1500, "1500m")])
def test_cpu_prints_as_kubectl_prints_it(millicores: int, text: str) -> None:
    assert format_cpu(millicores) == text


@pytest.mark.parametrize(
    ("num_bytes", "text"),
    [(128 * 2**20, "128Mi"), (2**30, "1Gi"), (1536 * 2**20, "1536Mi"), (1000, "1000"), (0, "0")],
)
def test_memory_prints_in_the_largest_exact_binary_suffix(num_bytes: int, text: str) -> None:
    assert format_memory(num_bytes) == text
