"""Named, sourced parameters: every number a history model uses says where it comes from.

A model's defaults are a frozen dataclass whose fields are declared with :func:`param`: the
default, its unit, and its source (a paper section, a public measurement, or the words
"illustrative assumption" when no source exists). :func:`describe` turns such a dataclass
into a :class:`~kube_lab.table.Table` a lesson can print, and :func:`replace_checked`
applies a learner's overrides with clear errors for unknown names and impossible values.
The Borg and Omega rooms use the same helpers.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from kube_lab.table import Table

ILLUSTRATIVE = "illustrative assumption"

T = TypeVar("T")


def param(
    default: Any,
    *,
    unit: str = "",
    source: str,
    minimum: float | None = 0.0,
    positive: bool = False,
    integer: bool = False,
) -> Any:
    """A dataclass field with its unit and source.

    ``minimum`` is the lowest allowed value (None: no bound); ``positive=True`` also refuses
    zero (a server with no CPU, a cell with no machines); ``integer=True`` refuses
    fractions (a count of machines or attempts).
    """
    return dataclasses.field(
        default=default,
        metadata={
            "unit": unit,
            "source": source,
            "minimum": minimum,
            "positive": positive,
            "integer": integer,
        },
    )


def check(obj: Any) -> None:
    """Raise ``ValueError`` for a parameter below its minimum or not a finite number."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        minimum = f.metadata.get("minimum")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if not math.isfinite(value):
            raise ValueError(f"{f.name} must be a finite number, got {value}")
        if f.metadata.get("integer") and value != int(value):
            raise ValueError(f"{f.name} must be a whole number, got {value:g}")
        if f.metadata.get("positive") and value <= 0:
            raise ValueError(f"{f.name} must be positive, got {value:g}")
        if minimum is not None and value < minimum:
            what = "must not be negative" if minimum == 0 else f"must be at least {minimum:g}"
            raise ValueError(f"{f.name} {what}, got {value:g}")


def replace_checked(obj: T, overrides: Mapping[str, Any]) -> T:
    """``dataclasses.replace`` with a helpful error for unknown names, then :func:`check`."""
    names = [f.name for f in dataclasses.fields(obj)]  # type: ignore[arg-type]
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise TypeError(
            f"unknown parameter {', '.join(unknown)}; parameters are: {', '.join(names)}"
        )
    new = dataclasses.replace(obj, **overrides)  # type: ignore[type-var]
    check(new)
    return new


def describe(obj: Any, *, title: str = "") -> Table:
    """A table of every parameter: name, value, unit, source."""
    rows = [
        {
            "parameter": f.name,
            "value": getattr(obj, f.name),
            "unit": f.metadata.get("unit", ""),
            "source": f.metadata.get("source", ""),
        }
        for f in dataclasses.fields(obj)
    ]
    return Table.from_rows(rows, title=title or f"{type(obj).__name__} defaults")
