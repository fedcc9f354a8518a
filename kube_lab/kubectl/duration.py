"""How kubectl writes an age: ``5s``, ``2m10s``, ``95m``, ``3h5m``, ``8d``, ``2y34d``.

Every AGE column and every events' LAST SEEN goes through ``HumanDuration`` from
``k8s.io/apimachinery/pkg/util/duration``: about two significant figures, more detail for
recent things. ``ShortHumanDuration`` is its one-unit sibling. Both tolerate a clock skew
of one second (``0s``) and call anything older ``<invalid>``. Re-implemented here from the
Go algorithm so that kube_lab's ages read exactly as a real cluster's.
"""

from __future__ import annotations

from kube_lab.api.meta import parse_timestamp

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_YEAR = 365 * _DAY


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration``: ``119s``, ``9m59s``, ``179m``, ``7h59m``, ``47h``, ``7d23h``."""
    s = int(seconds)  # Go's int(d.Seconds()) truncates toward zero
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 2 * _MINUTE:
        return f"{s}s"
    minutes = s // _MINUTE
    if minutes < 10:
        return _two_units(minutes, "m", s % _MINUTE, "s")
    if minutes < 3 * 60:
        return f"{minutes}m"
    hours = s // _HOUR
    if hours < 8:
        return _two_units(hours, "h", minutes % 60, "m")
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return _two_units(hours // 24, "d", hours % 24, "h")
    days = hours // 24
    if days < 365 * 2:
        return f"{days}d"
    if days < 365 * 8:
        return _two_units(days // 365, "y", days % 365, "d")
    return f"{days // 365}y"


def short_human_duration(seconds: float) -> str:
    """``duration.ShortHumanDuration``: one unit only (``59s``, ``59m``, ``23h``, ``1y``)."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < _MINUTE:
        return f"{s}s"
    if s < _HOUR:
        return f"{s // _MINUTE}m"
    if s < _DAY:
        return f"{s // _HOUR}h"
    if s < _YEAR:
        return f"{s // _DAY}d"
    return f"{s // _YEAR}y"


def since(stamp: str | None, now: float) -> str:
    """``translateTimestampSince``: the age of an RFC 3339 timestamp, ``<unknown>`` if unset."""
    if not stamp:
        return "<unknown>"
    return human_duration(now - parse_timestamp(stamp))


def _two_units(major: int, major_unit: str, minor: int, minor_unit: str) -> str:
    if minor == 0:
        return f"{major}{major_unit}"
    return f"{major}{major_unit}{minor}{minor_unit}"


def go_duration(seconds: float) -> str:
    """Go's ``time.Duration.String()``: ``3m5s``, ``1h0m0s``, ``2m3.5s``, ``1.5ms``, ``0s``."""
    nanos = round(seconds * 1e9)
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    nanos = abs(nanos)
    if nanos < 1_000_000_000:  # below a second Go picks the largest fitting small unit
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if nanos >= size:
                return sign + _decimal(nanos, size) + unit
    whole, fraction = divmod(nanos, 1_000_000_000)
    text = f"{whole % 60}{_fraction(fraction, 9)}s"
    minutes = whole // 60
    if minutes:
        text = f"{minutes % 60}m{text}"
        if minutes >= 60:
            text = f"{minutes // 60}h{text}"
    return sign + text


def _decimal(value: int, size: int) -> str:
    digits = len(str(size)) - 1
    return f"{value // size}{_fraction(value % size, digits)}"


def _fraction(value: int, digits: int) -> str:
    """``.5`` for 500 of 1000: Go prints a fraction without its trailing zeros."""
    if not value:
        return ""
    return "." + f"{value:0{digits}d}".rstrip("0")
