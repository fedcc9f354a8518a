"""Kubernetes resource quantities: ``500m`` CPU, ``256Mi`` memory, ``1e9`` bytes.

The API server accepts a quantity as a number with an optional suffix: binary (``Ki`` ..
``Ei``), decimal (``n u m k M G T P E``) or a decimal exponent (``e3``). kube_lab keeps
quantities exact (``Fraction``) and converts them the way Kubernetes does: CPU to whole
millicores and memory to whole bytes, rounding *up*, as ``Quantity.MilliValue`` and
``Quantity.Value`` do.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction

#: The API server's own pattern, quoted in its error message.
QUANTITY_PATTERN = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
QUANTITY_ERROR = f"quantities must match the regular expression '{QUANTITY_PATTERN}'"
#: The API server's message for a well-formed number with an unknown suffix (``500mm``).
QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix"

# The shape the API server's parser accepts before it looks the suffix up.
_SHAPE = re.compile(r"[+-]?[0-9]*(?:\.[0-9]*)?[eEinumkKMGTP]*[-+]?[0-9]*")

_NUMBER = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$")
_EXPONENT = re.compile(r"^[eE]([-+]?[0-9]+)$")

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity; the message is the API server's."""


def parse_quantity(value: str | int | float) -> Fraction:
    """Return the exact value of a quantity such as ``"500m"``, ``"1.5Gi"`` or ``2``."""
    if not isinstance(value, (str, int, float)):
        raise QuantityError(QUANTITY_ERROR)
    return _parse(value)


@functools.lru_cache(maxsize=4096, typed=True)  # the same few strings recur on every pod
def _parse(value: str | int | float) -> Fraction:
    """Return the exact value of a quantity such as ``"500m"``, ``"1.5Gi"`` or ``2``."""
    if isinstance(value, bool):
        raise QuantityError(QUANTITY_ERROR)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError(QUANTITY_ERROR)
        return Fraction(str(value))
    text = str(value)
    match = _NUMBER.match(text)
    if not match or not _SHAPE.fullmatch(text):
        raise QuantityError(QUANTITY_ERROR)
    number, suffix = Fraction(match.group(1)), match.group(2)
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    exponent = _EXPONENT.match(suffix)
    if exponent:
        return number * Fraction(10) ** int(exponent.group(1))
    raise QuantityError(QUANTITY_SUFFIX_ERROR)


def is_quantity(value: object) -> bool:
    """True if ``value`` parses as a quantity."""
    try:
        parse_quantity(value)  # type: ignore[arg-type]  # any value may be asked about
    except QuantityError:
        return False
    return True


def milli_value(value: str | int | float) -> int:
    """Whole millicores (or milli-units), rounded up as Kubernetes' ``MilliValue``."""
    return math.ceil(parse_quantity(value) * 1000)


def int_value(value: str | int | float) -> int:
    """Whole units (bytes for memory), rounded up as Kubernetes' ``Value``."""
    return math.ceil(parse_quantity(value))


def format_cpu(millicores: int) -> str:
    """CPU as kubectl prints it: ``2`` for whole cores, else ``250m``."""
    if millicores % 1000 == 0:
        return str(millicores // 1000)
    return f"{millicores}m"


def format_memory(num_bytes: int) -> str:
    """Memory in the largest binary suffix that divides it exactly (``128Mi``), as kubectl."""
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = _BINARY[suffix]
        if num_bytes and num_bytes % unit == 0:
            return f"{num_bytes // unit}{suffix}"
    return str(num_bytes)
