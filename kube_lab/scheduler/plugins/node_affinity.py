"""NodeAffinity: ``nodeSelector`` and node affinity choose nodes by their labels.

Filter: every ``nodeSelector`` label must match, and, if the pod has
``requiredDuringSchedulingIgnoredDuringExecution``, at least one of its node selector terms
must match (terms are ORed; the expressions of a term are ANDed; an empty term matches
nothing). Operators: ``In``, ``NotIn`` (also true when the label is absent), ``Exists``,
``DoesNotExist``, ``Gt``, ``Lt`` (integer comparison); ``matchFields`` on ``metadata.name``.

Score: the sum of the weights of the ``preferredDuringSchedulingIgnoredDuringExecution``
terms a node matches, normalised to 0..100; pods without preferences skip scoring. Weight 2.

Both read only node labels and the pod's spec: cached per affinity (a static plugin).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kube_lab.scheduler.framework import (
    SKIP,
    SUCCESS,
    BoolArray,
    CycleState,
    IntArray,
    Status,
    default_normalize_score,
    unschedulable,
)
from kube_lab.scheduler.nodeinfo import NodeInfo
from kube_lab.scheduler.nodetable import NodeTable
from kube_lab.scheduler.plugins.column_score import NodeColumnScore
from kube_lab.scheduler.podinfo import PodInfo

NAME = "NodeAffinity"
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
_SIGN = NAME + ".sign"

Expression = Mapping[str, Any]


def _integer(text: object) -> int | None:
    try:
        return int(str(text))
    except ValueError:
        return None


def match_expression(expression: Expression, value: str | None) -> bool:
    """One ``NodeSelectorRequirement`` against a label value (None: label absent)."""
    operator = expression.get("operator")
    values = [str(v) for v in expression.get("values") or ()]
    if operator == "In":
        return value is not None and value in values
    if operator == "NotIn":
        return value is None or value not in values
    if operator == "Exists":
        return value is not None
    if operator == "DoesNotExist":
        return value is None
    if operator in ("Gt", "Lt") and value is not None and len(values) == 1:
        have, want = _integer(value), _integer(values[0])
        if have is None or want is None:
            return False
        return have > want if operator == "Gt" else have < want
    return False


def term_matches(term: Mapping[str, Any], labels: Mapping[str, str], *, node_name: str) -> bool:
    """A ``NodeSelectorTerm``: all expressions and fields hold; an empty term never matches."""
    expressions = term.get("matchExpressions") or ()
    fields = term.get("matchFields") or ()
    if not expressions and not fields:
        return False
    if not all(match_expression(e, labels.get(e.get("key", ""))) for e in expressions):
        return False
    return all(f.get("key") == "metadata.name" and match_expression(f, node_name) for f in fields)


@dataclass(frozen=True)
class RequiredNodeAffinity:
    """``nodeSelector`` plus the required terms (None when the pod has none)."""

    node_selector: Mapping[str, str]
    terms: tuple[Mapping[str, Any], ...] | None

    @property
    def empty(self) -> bool:
        return not self.node_selector and self.terms is None

    def matches(self, labels: Mapping[str, str], node_name: str) -> bool:
        if any(labels.get(k) != v for k, v in self.node_selector.items()):
            return False
        if self.terms is None:
            return True
        return any(term_matches(t, labels, node_name=node_name) for t in self.terms)


def _node_affinity(pod: PodInfo) -> Mapping[str, Any]:
    return (pod.template.spec.get("affinity") or {}).get("nodeAffinity") or {}


def required_of(pod: PodInfo) -> RequiredNodeAffinity:
    memo = pod.template.memo
    if NAME not in memo:
        required = _node_affinity(pod).get("requiredDuringSchedulingIgnoredDuringExecution")
        terms = None if required is None else tuple(required.get("nodeSelectorTerms") or ())
        memo[NAME] = RequiredNodeAffinity(
            {str(k): str(v) for k, v in (pod.template.spec.get("nodeSelector") or {}).items()},
            terms,
        )
    affinity: RequiredNodeAffinity = memo[NAME]
    return affinity


def preferred_of(pod: PodInfo) -> list[Mapping[str, Any]]:
    return list(_node_affinity(pod).get("preferredDuringSchedulingIgnoredDuringExecution") or ())


def fits(required: RequiredNodeAffinity, labels: Mapping[str, str], *, node_name: str) -> bool:
    return required.matches(labels, node_name)


def preferred_score(
    preferred: Sequence[Mapping[str, Any]], labels: Mapping[str, str], *, node_name: str
) -> int:
    """The raw score: sum of the weights of the preferred terms the node matches."""
    return sum(
        int(p.get("weight") or 0)
        for p in preferred
        if term_matches(p.get("preference") or {}, labels, node_name=node_name)
    )


def affinity_signature(pod: PodInfo) -> Hashable:
    memo = pod.template.memo
    if _SIGN not in memo:
        memo[_SIGN] = repr((pod.template.spec.get("nodeSelector"), _node_affinity(pod)))
    return memo[_SIGN]


def matching_rows(pod: PodInfo, table: NodeTable) -> BoolArray | None:
    """Rows whose node satisfies the pod's required affinity; None when all do."""
    required = required_of(pod)
    if required.empty:
        return None
    mask: BoolArray = table.memo(
        (NAME, "required", affinity_signature(pod)),
        lambda: np.array([required.matches(i.labels, i.name) for i in table.infos], dtype=bool),
    )
    return mask


class NodeAffinity(NodeColumnScore):
    name = NAME

    def sign(self, pod: PodInfo) -> Hashable:
        return affinity_signature(pod)

    def filter(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> Status:
        if fits(required_of(pod), node.labels, node_name=node.name):
            return SUCCESS
        return unschedulable(NAME, ERR_REASON_POD)

    def pre_score(self, state: CycleState, pod: PodInfo, *, nodes: Sequence[NodeInfo]) -> Status:
        return SUCCESS if preferred_of(pod) else SKIP

    def score(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> int:
        return preferred_score(preferred_of(pod), node.labels, node_name=node.name)

    def normalize_score(self, state: CycleState, pod: PodInfo, *, scores: list[int]) -> list[int]:
        return default_normalize_score(scores, reverse=False)

    # -- vectorised ------------------------------------------------------------------------

    def _column(self, pod: PodInfo, table: NodeTable) -> IntArray | None:
        """Raw scores of every row, or None when no node matches a preferred term."""
        preferred = preferred_of(pod)
        if not preferred:
            return None

        def build() -> IntArray | None:
            column = np.array(
                [preferred_score(preferred, i.labels, node_name=i.name) for i in table.infos],
                dtype=np.int64,
            )
            return column if column.any() else None

        column: IntArray | None = table.memo((NAME, "preferred", self.sign(pod)), build)
        return column
