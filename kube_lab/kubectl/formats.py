"""Small renderings kubectl shares between ``get`` and ``describe``.

Names (``deployment.apps/web``, ``deployment.apps "web"``, ``deployments.apps/web``),
label maps (``app=web,tier=db`` or ``<none>``), label selectors as
``LabelSelectorAsSelector(...).String()`` writes them, quantities in their canonical form
(``Quantity.String()``: ``1500m``, ``2k``, ``128Mi``) and times as Go's ``RFC1123Z``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any

from kube_lab.api import kinds
from kube_lab.api.meta import EPOCH, Obj, parse_timestamp
from kube_lab.api.quantity import format_memory, parse_quantity

_BINARY_SUFFIXES = ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
_DECIMAL_SUFFIXES = {-3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def kind_string(kind: str) -> str:
    """``deployment.apps`` / ``pod``: a kind as kubectl's name printer writes it."""
    info = kinds.by_kind(kind)
    return f"{kind.lower()}.{info.group}" if info.group else kind.lower()


def object_ref(obj: Obj) -> str:
    """``deployment.apps/web``: the form of ``-o name`` and of ``... scaled`` lines."""
    return f"{kind_string(obj['kind'])}/{obj['metadata']['name']}"


def format_labels(labels: Mapping[str, str] | None) -> str:
    """``labels.FormatLabels``: ``k=v`` pairs sorted by key, ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def selector_string(spec: Mapping[str, Any] | None) -> str:
    """``LabelSelectorAsSelector(spec).String()``: requirements sorted by key, values sorted."""
    if not spec:
        return ""
    parts: list[tuple[str, str]] = [
        (k, f"{k}={v}") for k, v in (spec.get("matchLabels") or {}).items()
    ]
    for expr in spec.get("matchExpressions") or []:
        key, operator = expr["key"], expr["operator"]
        values = ",".join(sorted(str(v) for v in expr.get("values") or []))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }[operator]
        parts.append((key, text))
    return ",".join(text for _, text in sorted(parts, key=lambda p: p[0]))


def format_label_selector(spec: Mapping[str, Any] | None) -> str:
    """``metav1.FormatLabelSelector``: as :func:`selector_string`, ``<none>`` when empty."""
    return selector_string(spec) or "<none>"


@dataclass(frozen=True, order=True)
class Quantity:
    """A resource amount that remembers its format, as ``resource.Quantity`` does: sums
    keep the format of their first term, and ``str()`` is ``Quantity.String()``."""

    value: Fraction
    binary: bool = False  # written with Ki, Mi, Gi ...

    @classmethod
    def parse(cls, text: str | int | float) -> Quantity:
        return cls(parse_quantity(text), str(text).endswith(_BINARY_SUFFIXES))

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.binary)

    def __str__(self) -> str:
        if self.binary and self.value.denominator == 1 and abs(self.value) >= 1024:
            return format_memory(int(self.value))
        milli = math.ceil(self.value * 1000)
        if milli == 0:
            return "0"
        exponent = -3
        while milli % 1000 == 0 and exponent < 18:
            milli //= 1000
            exponent += 3
        return f"{milli}{_DECIMAL_SUFFIXES[exponent]}"


ZERO = Quantity(Fraction(0))


def canonical_quantity(value: str | int | float) -> str:
    """``Quantity.String()`` of a written quantity: ``1.5`` is ``1500m``, ``0.5Gi`` ``512Mi``."""
    return str(Quantity.parse(value))


def rfc1123z(stamp: str | None) -> str:
    """Go's ``time.RFC1123Z`` (``Wed, 01 Jan 2025 00:00:05 +0000``) for a timestamp (or a
    microsecond ``MicroTime``); an unset one is Go's zero time, as kubectl prints it."""
    if not stamp:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    if "." in stamp:  # metav1.MicroTime (a Lease's renewTime): the fraction is not printed
        stamp = stamp.split(".")[0] + "Z"
    moment = EPOCH + timedelta(seconds=parse_timestamp(stamp))
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
        f"{moment.year} {moment:%H:%M:%S} +0000"
    )


def containers_cells(pod_spec: Mapping[str, Any]) -> tuple[str, str]:
    """``layoutContainerCells``: container names and images, comma-separated."""
    containers = pod_spec.get("containers") or []
    return ",".join(c["name"] for c in containers), ",".join(c.get("image", "") for c in containers)
