"""How the API server names fields and shows values in its error messages.

A learner compares kube_lab's messages with a real cluster's, so the small print matters:
paths read ``spec.template.spec.containers[0].resources.requests[cpu]`` (``field.Path``),
non-scalar values print as JSON (``{"app":"web"}``, as ``field.Error`` has done since
Kubernetes 1.34) and quantities print in canonical form (``0.5`` is shown as ``500m``,
as ``Quantity.String`` does).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from kube_lab.api.quantity import parse_quantity


def child(path: str, *names: str) -> str:
    """``spec`` + ``template``, ``spec`` -> ``spec.template.spec``."""
    return ".".join([path, *names]) if path else ".".join(names)


def index(path: str, i: int) -> str:
    """``spec.containers`` + 0 -> ``spec.containers[0]``."""
    return f"{path}[{i}]"


def key(path: str, name: object) -> str:
    """``resources.requests`` + ``cpu`` -> ``resources.requests[cpu]`` (no quotes)."""
    return f"{path}[{name}]"


class _JSONObject(dict[str, Any]):
    """A mapping that equals the original and prints as the API server prints it."""

    def __str__(self) -> str:
        return _dumps(self)


class _JSONArray(list[Any]):
    """A list that equals the original and prints as JSON."""

    def __str__(self) -> str:
        return _dumps(self)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def shown(value: Any) -> Any:
    """``value`` as ``field.Error`` renders it: scalars plain, objects and lists as JSON."""
    if isinstance(value, Mapping):
        return _JSONObject(value)
    if isinstance(value, list):
        return _JSONArray(value)
    return value


def shown_map(value: Any) -> Any:
    """A Go ``map`` (labels, selectors): JSON with sorted keys, as ``json.Marshal`` sorts."""
    if isinstance(value, Mapping):
        return _JSONObject(sorted(value.items()))
    return shown(value)


def shown_selector(selector: Any) -> Any:
    """A ``LabelSelector`` in its struct's field order: ``matchLabels``, ``matchExpressions``."""
    if not isinstance(selector, Mapping):
        return shown(selector)
    ordered: dict[str, Any] = {}
    if selector.get("matchLabels"):
        ordered["matchLabels"] = dict(sorted(selector["matchLabels"].items()))
    if selector.get("matchExpressions"):
        ordered["matchExpressions"] = selector["matchExpressions"]
    return _JSONObject(ordered)


# --- quantities ---------------------------------------------------------------------------

_BINARY_SUFFIX = re.compile(r"[KMGTPE]i$")
_EXPONENT_SUFFIX = re.compile(r"[eE][-+]?[0-9]+$")
_DECIMAL_SUFFIXES = {
    18: "E",
    15: "P",
    12: "T",
    9: "G",
    6: "M",
    3: "k",
    0: "",
    -3: "m",
    -6: "u",
    -9: "n",
}
_BINARY_SUFFIXES = ((60, "Ei"), (50, "Pi"), (40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki"))


def quantity_string(value: Any) -> str:
    """The canonical form the API server prints: ``0.5`` -> ``500m``, ``1024Mi`` -> ``1Gi``.

    The format follows the input's suffix (binary, decimal exponent or decimal SI); the
    largest suffix that keeps the number whole wins. ``value`` must parse.
    """
    exact = parse_quantity(value)
    text = str(value)
    if isinstance(value, str) and _BINARY_SUFFIX.search(text):
        binary = _binary(exact)
        if binary is not None:
            return binary
    nanos = _round_away(exact * 10**9)
    if nanos == 0:
        return "0"
    exponent_form = isinstance(value, str) and bool(_EXPONENT_SUFFIX.search(text))
    for exponent, suffix in _DECIMAL_SUFFIXES.items():
        scale = 10 ** (exponent + 9)
        if nanos % scale == 0:
            mantissa = nanos // scale
            if exponent_form:
                return f"{mantissa}e{exponent}" if exponent else str(mantissa)
            return f"{mantissa}{suffix}"
    raise AssertionError("unreachable: every count of nanos divides by 10**0")


def _binary(exact: Fraction) -> str | None:
    if exact.denominator != 1 or abs(exact) < 1024:
        return None
    whole = int(exact)
    for shift, suffix in _BINARY_SUFFIXES:
        if whole % (1 << shift) == 0:
            return f"{whole >> shift}{suffix}"
    return str(whole)


def _round_away(value: Fraction) -> int:
    return math.ceil(value) if value >= 0 else -math.ceil(-value)
