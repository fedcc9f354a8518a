"""Label selectors: how Kubernetes objects find each other.

A ReplicaSet finds its Pods, a Service its endpoints and ``kubectl get -l`` its rows through
the same mechanism: a set of requirements on labels. Two spellings exist and both compile to
a :class:`Selector`: the structured ``LabelSelector`` of manifests (``matchLabels`` plus
``matchExpressions`` with ``In``, ``NotIn``, ``Exists``, ``DoesNotExist``) and the string
form of the command line (``app=web,tier!=db,env in (a,b),!legacy``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


class SelectorError(ValueError):
    """A selector that cannot be parsed or is not well formed."""


@dataclass(frozen=True)
class Requirement:
    """One condition on one label key."""

    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist (``=`` is In, ``!=`` is NotIn)
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "In":
            return labels.get(self.key) in self.values
        if self.operator == "NotIn":
            return labels.get(self.key) not in self.values
        if self.operator == "Exists":
            return self.key in labels
        return self.key not in labels


@dataclass(frozen=True)
class Selector:
    """All requirements must hold (logical AND). An empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements

    def __str__(self) -> str:
        parts = []
        for r in self.requirements:
            if r.operator == "In" and len(r.values) == 1:
                parts.append(f"{r.key}={r.values[0]}")
            elif r.operator == "NotIn" and len(r.values) == 1:
                parts.append(f"{r.key}!={r.values[0]}")
            elif r.operator == "In":
                parts.append(f"{r.key} in ({','.join(r.values)})")
            elif r.operator == "NotIn":
                parts.append(f"{r.key} notin ({','.join(r.values)})")
            elif r.operator == "Exists":
                parts.append(r.key)
            else:
                parts.append(f"!{r.key}")
        return ",".join(parts)


def from_match_labels(labels: Mapping[str, str]) -> Selector:
    """The selector of a Service's ``spec.selector`` (a plain map)."""
    return Selector(tuple(Requirement(k, "In", (str(v),)) for k, v in sorted(labels.items())))


def from_label_selector(spec: Mapping[str, Any] | None) -> Selector:
    """Compile a ``LabelSelector`` (``matchLabels`` / ``matchExpressions``)."""
    if not spec:
        return Selector()
    requirements = list(from_match_labels(spec.get("matchLabels") or {}).requirements)
    for expr in spec.get("matchExpressions") or []:
        operator = expr.get("operator")
        if operator not in OPERATORS:
            raise SelectorError(f'"{operator}" is not a valid label selector operator')
        values = tuple(str(v) for v in expr.get("values") or ())
        requirements.append(Requirement(str(expr.get("key")), operator, values))
    return Selector(tuple(requirements))


_TOKEN = re.compile(
    r"\s*(?:(?P<not>!)\s*(?P<nkey>[^\s,=!()]+)"
    r"|(?P<key>[^\s,=!()]+)\s*(?:(?P<op>==|=|!=)\s*(?P<value>[^\s,()=!]*)"
    r"|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\))?)\s*(?:,|$)"
)


def parse(text: str) -> Selector:
    """Parse the command-line form used by ``kubectl get -l``."""
    text = text.strip()
    if text.endswith(","):
        raise SelectorError(f"unable to parse requirement: {text!r}: nothing after ','")
    requirements: list[Requirement] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise SelectorError(f"unable to parse requirement: {text[pos:]!r}")
        pos = m.end()
        if m.group("not"):
            requirements.append(Requirement(m.group("nkey"), "DoesNotExist"))
        elif m.group("op"):
            operator = "NotIn" if m.group("op") == "!=" else "In"
            requirements.append(Requirement(m.group("key"), operator, (m.group("value"),)))
        elif m.group("setop"):
            values = tuple(v.strip() for v in m.group("values").split(",") if v.strip())
            if not values:
                raise SelectorError("for 'in', 'notin' operators, values set can't be empty")
            operator = "In" if m.group("setop") == "in" else "NotIn"
            requirements.append(Requirement(m.group("key"), operator, values))
        else:
            requirements.append(Requirement(m.group("key"), "Exists"))
    return Selector(tuple(requirements))
