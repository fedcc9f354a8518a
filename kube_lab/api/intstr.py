"""``IntOrString`` values such as ``maxSurge: 25%`` or ``maxUnavailable: 1``."""

from __future__ import annotations

import math


def scaled_value(value: int | str, total: int, *, round_up: bool) -> int:
    """Resolve an int or a percentage of ``total`` (``intstr.GetScaledValueFromIntOrPercent``)."""
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        return int(text)
    fraction = int(text[:-1]) * total / 100
    return math.ceil(fraction) if round_up else math.floor(fraction)


def is_valid(value: object) -> bool:
    """An int, a string holding an int, or a percentage like ``"25%"``."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, str):
        text = value[:-1] if value.endswith("%") else value
        return text.isdigit()
    return False
