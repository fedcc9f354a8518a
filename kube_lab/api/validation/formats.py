"""The string formats Kubernetes names are checked against, with the API server's words.

Each check returns the list of things wrong with a value (empty when it is fine), like the
``IsDNS1123Label`` family in ``k8s.io/apimachinery/pkg/util/validation``: callers turn each
message into a ``FieldError`` at their own path. The regular expressions are quoted in the
messages because learners are expected to read them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + r"(\." + DNS1123_LABEL_FMT + ")*"
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE_FMT = "(" + LABEL_KEY_FMT + ")?"
PERCENT_FMT = "[0-9]+%"

_DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)
_DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
    "with an alphabetic character, and end with an alphanumeric character"
)
_LABEL_KEY_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character"
)
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', "
    "'_' or '.', and must start and end with an alphanumeric character"
)
_PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
LABEL_KEY_MAX = 63
LABEL_VALUE_MAX = 63
PORT_NAME_MAX = 15

Check = Callable[[str], list[str]]


def regex_error(message: str, fmt: str, *examples: str) -> str:
    """``message (e.g. 'a',  or 'b', regex used for validation is 'fmt')`` (sic)."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    quoted = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {quoted}regex used for validation is '{fmt}')"


def max_length_error(length: int) -> str:
    """Names count characters (``util/validation``)."""
    return f"must be no more than {length} characters"


def max_bytes_error(length: int) -> str:
    """Label keys and values count bytes (``api/validate/content``)."""
    return f"must be no more than {length} bytes"


def inclusive_range_error(low: int, high: int) -> str:
    return f"must be between {low} and {high}, inclusive"


def _too_long(value: str, limit: int) -> bool:
    return len(value.encode()) > limit


def dns1123_label(value: str) -> list[str]:
    """Namespace names, container names, port names of Services."""
    errors = [max_length_error(DNS1123_LABEL_MAX)] if _too_long(value, DNS1123_LABEL_MAX) else []
    if not re.fullmatch(DNS1123_LABEL_FMT, value):
        if re.fullmatch(DNS1123_SUBDOMAIN_FMT, value):
            errors.append("must not contain dots")
        else:
            errors.append(regex_error(_DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errors


def dns1123_subdomain(value: str) -> list[str]:
    """Most object names (Pod, Deployment, ReplicaSet, Node)."""
    return _subdomain(value, max_length_error(DNS1123_SUBDOMAIN_MAX))


def _subdomain(value: str, too_long: str) -> list[str]:
    errors = [too_long] if _too_long(value, DNS1123_SUBDOMAIN_MAX) else []
    if not re.fullmatch(DNS1123_SUBDOMAIN_FMT, value):
        errors.append(regex_error(_DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


def dns1035_label(value: str) -> list[str]:
    """Service names: they become DNS names, so they must start with a letter."""
    errors = [max_length_error(DNS1123_LABEL_MAX)] if _too_long(value, DNS1123_LABEL_MAX) else []
    if not re.fullmatch(DNS1035_LABEL_FMT, value):
        errors.append(regex_error(_DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errors


def label_key(value: str) -> list[str]:
    """A label key (a "qualified name"): ``name`` or ``prefix/name``."""
    parts = value.split("/")
    errors: list[str] = []
    if len(parts) > 2:
        return [
            "a valid label key "
            + regex_error(_LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            too_long = max_bytes_error(DNS1123_SUBDOMAIN_MAX)
            errors.extend("prefix part " + msg for msg in _subdomain(prefix, too_long))
    name = parts[-1]
    if not name:
        errors.append("name part must be non-empty")
    elif _too_long(name, LABEL_KEY_MAX):
        errors.append("name part " + max_bytes_error(LABEL_KEY_MAX))
    if not re.fullmatch(LABEL_KEY_FMT, name):
        errors.append(
            "name part "
            + regex_error(_LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
        )
    return errors


def label_value(value: str) -> list[str]:
    errors = [max_bytes_error(LABEL_VALUE_MAX)] if _too_long(value, LABEL_VALUE_MAX) else []
    if not re.fullmatch(LABEL_VALUE_FMT, value):
        errors.append(
            regex_error(_LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345")
        )
    return errors


def port_name(value: str) -> list[str]:
    """An IANA_SVC_NAME (RFC 6335) as container port names and named target ports must be."""
    rules = (
        (len(value) > PORT_NAME_MAX, max_length_error(PORT_NAME_MAX)),
        (
            not re.fullmatch("[-a-z0-9]+", value),
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ),
        (not re.search("[a-z]", value), "must contain at least one letter (a-z)"),
        ("--" in value, "must not contain consecutive hyphens"),
        (value.startswith("-") or value.endswith("-"), "must not begin or end with a hyphen"),
    )
    return [message for broken, message in rules if broken]


def port_number(value: int) -> list[str]:
    return [] if 1 <= value <= 65535 else [inclusive_range_error(1, 65535)]


def percent(value: str) -> list[str]:
    if re.fullmatch(PERCENT_FMT, value):
        return []
    return [regex_error(_PERCENT_MSG, PERCENT_FMT, "1%", "93%")]


def for_generated_name(check: Check) -> Check:
    """A ``generateName`` prefix may end in ``-``: a suffix will follow it."""

    def checked(prefix: str) -> list[str]:
        if len(prefix) > 1 and prefix.endswith("-"):
            prefix = prefix[:-2] + "a"
        return check(prefix)

    return checked
