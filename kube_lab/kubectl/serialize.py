"""``-o yaml`` and ``-o json`` byte for byte as kubectl writes them.

kubectl's JSON printer is Go's ``json.MarshalIndent`` with four spaces: keys sorted, and
``<``, ``>``, ``&`` escaped as ``\\u003c`` ... Its YAML printer goes through
``sigs.k8s.io/yaml`` and go-yaml v2, which differ from PyYAML's defaults in ways a learner
sees: keys in go-yaml's "natural" order (``a2`` before ``a10``), strings that would read
as another type double-quoted (``resourceVersion: "42"``, ``creationTimestamp:
"2025-01-01T00:00:05Z"``, ``"true"``, ``""``) and multi-line strings as literal blocks.
PyYAML does the rest (line folding at 80 columns, indentless lists), as libyaml does.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import yaml


def to_json(obj: Any) -> str:
    text = json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def to_yaml(obj: Any) -> str:
    return yaml.dump(_ordered(obj), Dumper=_GoYamlDumper, sort_keys=False, allow_unicode=True)


class _GoYamlDumper(yaml.SafeDumper):
    """A SafeDumper that quotes and blocks strings as go-yaml v2 does."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if "\n" in value:
        style = "|"
    elif not _plain_is_string(value):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_GoYamlDumper.add_representer(str, _represent_str)

# go-yaml v2's resolve(): a plain scalar is not a string when it reads as one of these.
_NON_STRINGS = frozenset(
    (
        *("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"),
        *("true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"),
        *("null", "Null", "NULL", "~", "<<"),
        *(f"{sign}{inf}" for sign in ("", "+", "-") for inf in (".inf", ".Inf", ".INF")),
        *(".nan", ".NaN", ".NAN"),
    )
)
_INT = re.compile(r"[-+]?(0b[01]+|0o?[0-7]+|0x[0-9a-fA-F]+|[0-9]+)")
_FLOAT = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)


def _plain_is_string(value: str) -> bool:
    if value == "" or value in _NON_STRINGS:
        return False
    plain = value.replace("_", "")
    return not any(
        pattern.fullmatch(text)
        for pattern, text in ((_INT, plain), (_FLOAT, plain), (_BASE60, value), (_TIMESTAMP, value))
    )


def _ordered(value: Any) -> Any:
    """Rebuild mappings with their keys in go-yaml v2's order."""
    if isinstance(value, dict):
        keys = sorted(value, key=functools.cmp_to_key(_go_yaml_key_order))
        return {k: _ordered(value[k]) for k in keys}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def _go_yaml_key_order(a: str, b: str) -> int:
    """go-yaml v2's ``keyList.Less``: letters by code point, runs of digits by value,
    any other character before a letter."""
    i = 0
    while i < len(a) and i < len(b):
        if a[i] == b[i]:
            i += 1
            continue
        a_letter, b_letter = a[i].isalpha(), b[i].isalpha()
        if a_letter and b_letter:
            return -1 if a[i] < b[i] else 1
        if a_letter or b_letter:
            return 1 if a_letter else -1
        a_num, a_end = _digits(a, i)
        b_num, b_end = _digits(b, i)
        if a_num != b_num:
            return -1 if a_num < b_num else 1
        if a_end != b_end:
            return -1 if a_end < b_end else 1
        return -1 if a[i] < b[i] else 1
    return (len(a) > len(b)) - (len(a) < len(b))


def _digits(text: str, start: int) -> tuple[int, int]:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return (int(text[start:end]) if end > start else 0), end
