"""The pieces under kubectl's output: tabwriter alignment, YAML/JSON, quantities, selectors."""

from __future__ import annotations

import pytest

from kube_lab.kubectl.formats import (
    canonical_quantity,
    format_label_selector,
    format_labels,
    rfc1123z,
    selector_string,
)
from kube_lab.kubectl.serialize import to_json, to_yaml
from kube_lab.kubectl.tabwriter import align


def test_tabwriter_pads_to_widest_cell_plus_padding_and_leaves_last_column() -> None:
    text = "NAME\tSTATUS\tAGE\nweb-1\tRunning\t5s\n"
    assert align(text, minwidth=6, padding=3) == (
        "NAME    STATUS    AGE\n"  # NAME: max(5+3, 6) = 8; STATUS: 7+3 = 10
        "web-1   Running   5s\n"
    )


def test_tabwriter_minwidth_widens_narrow_columns() -> None:
    assert align("A\tB\nx\ty\n", minwidth=6, padding=3) == "A     B\nx     y\n"


def test_tabwriter_aligns_only_within_a_block_of_consecutive_lines() -> None:
    # A line without a tab ends the block: "Conditions:" restarts the alignment.
    text = "Name:\tweb\nNamespace:\tdefault\nConditions:\n  Type\tStatus\n  Ready\tTrue\n"
    assert align(text, minwidth=0, padding=2) == (
        "Name:       web\nNamespace:  default\nConditions:\n  Type   Status\n  Ready  True\n"
    )


def test_tabwriter_nested_columns_share_the_outer_column() -> None:
    # Lines with more cells continue the first column's block (describe node's pod table).
    text = "Pods:\t(1 in total)\n  Namespace\tName\tAge\n  default\tweb-1\t5s\n"
    assert align(text, minwidth=0, padding=2) == (
        "Pods:        (1 in total)\n  Namespace  Name   Age\n  default    web-1  5s\n"
    )


def test_yaml_quotes_strings_that_read_as_other_types_with_double_quotes() -> None:
    obj = {
        "resourceVersion": "42",
        "creationTimestamp": "2025-01-01T00:00:05Z",
        "ready": "True",
        "answer": "yes",
        "empty": "",
        "exponent": "1e3",
        "image": "nginx:1.27",
        "port": 80,
        "flag": True,
        "nothing": None,
    }
    assert to_yaml(obj) == (
        'answer: "yes"\n'
        'creationTimestamp: "2025-01-01T00:00:05Z"\n'
        'empty: ""\n'
        'exponent: "1e3"\n'
        "flag: true\n"
        "image: nginx:1.27\n"
        "nothing: null\n"
        "port: 80\n"
        'ready: "True"\n'
        'resourceVersion: "42"\n'
    )


def test_yaml_lists_are_indentless_and_multiline_strings_are_literal_blocks() -> None:
    obj = {"args": ["-c", "echo hi"], "script": "line one\nline two\n", "labels": {}}
    assert to_yaml(obj) == (
        "args:\n- -c\n- echo hi\nlabels: {}\nscript: |\n  line one\n  line two\n"
    )


def test_yaml_orders_keys_as_go_yaml_does_numbers_by_value() -> None:
    assert to_yaml({"a10": 1, "a9": 2, "b": 3, "a.b": 4}) == "a.b: 4\na9: 2\na10: 1\nb: 3\n"


def test_json_is_indented_four_spaces_sorted_and_html_escaped() -> None:
    assert to_json({"b": [], "a": {"msg": "<none> & more"}}) == (
        '{\n    "a": {\n        "msg": "\\u003cnone\\u003e \\u0026 more"\n    },\n    "b": []\n}\n'
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("4", "4"),
        ("1.5", "1500m"),
        ("250m", "250m"),
        ("2000", "2k"),
        ("1e9", "1G"),
        ("8Gi", "8Gi"),
        ("0.5Gi", "512Mi"),
        ("1536", "1536"),
        ("0", "0"),
    ],
)
def test_canonical_quantity_is_quantity_string(value: str, text: str) -> None:
    assert canonical_quantity(value) == text


def test_selector_string_sorts_requirements_by_key() -> None:
    spec = {
        "matchLabels": {"tier": "web", "app": "shop"},
        "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]}],
    }
    assert selector_string(spec) == "app=shop,env in (dev,prod),tier=web"
    assert format_label_selector(None) == "<none>"


def test_labels_are_sorted_key_value_pairs_or_none() -> None:
    assert format_labels({"tier": "db", "app": "web"}) == "app=web,tier=db"
    assert format_labels({}) == "<none>"


def test_rfc1123z_is_gos_format() -> None:
    assert rfc1123z("2025-01-01T00:00:05Z") == "Wed, 01 Jan 2025 00:00:05 +0000"
