"""TaintToleration: a node's taints repel pods that do not tolerate them.

Filter: a ``NoSchedule`` or ``NoExecute`` taint the pod does not tolerate rejects the node
(the first such taint is named in the reason). Score: each ``PreferNoSchedule`` taint the pod
does not tolerate makes the node less attractive; counts are reverse-normalised, so the node
with the most such taints scores 0 and nodes with none score 100. Weight 3 in the default
profile.

Both depend only on the Node object and the pod's tolerations, so the vectorised scheduler
evaluates them once per toleration set and node generation (:meth:`NodeTable.memo`).
Matching a toleration to a taint (``ToleratesTaint``) is shared with the taint eviction
controller: :mod:`kube_lab.api.taints`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np

from kube_lab.api.taints import Taint, Toleration, tolerated, tolerates
from kube_lab.scheduler.framework import (
    SUCCESS,
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

NAME = "TaintToleration"
_SIGN = NAME + ".sign"


def error_reason(taint: Taint) -> str:
    """``node(s) had untolerated taint {key: value}``, as kube-scheduler 1.24+ words it."""
    return f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}"


def find_untolerated_taint(
    taints: Iterable[Taint], tolerations: Sequence[Toleration], *, effects: Iterable[str]
) -> Taint | None:
    """The first taint with one of ``effects`` that no toleration matches, or None."""
    wanted = frozenset(effects)
    for taint in taints:
        if taint.get("effect") in wanted and not tolerated(tolerations, taint):
            return taint
    return None


def fits(taints: Iterable[Taint], tolerations: Sequence[Toleration]) -> Taint | None:
    """The taint that keeps the pod off the node, or None if the pod tolerates them all."""
    return find_untolerated_taint(taints, tolerations, effects=("NoSchedule", "NoExecute"))


def count_intolerable_prefer_no_schedule(
    taints: Iterable[Taint], tolerations: Sequence[Toleration]
) -> int:
    """The raw score: ``PreferNoSchedule`` taints that the pod's tolerations do not cover."""
    prefer = [t for t in tolerations if (t.get("effect") or "") in ("", "PreferNoSchedule")]
    return sum(
        1
        for taint in taints
        if taint.get("effect") == "PreferNoSchedule" and not tolerated(prefer, taint)
    )


def tolerations_of(pod: PodInfo) -> list[Toleration]:
    return list(pod.template.spec.get("tolerations") or ())


def tolerations_signature(pod: PodInfo) -> Hashable:
    memo = pod.template.memo
    if _SIGN not in memo:
        memo[_SIGN] = repr(pod.template.spec.get("tolerations"))
    return memo[_SIGN]


class TaintToleration(NodeColumnScore):
    """Filter and score by taints and tolerations."""

    reverse = True  # more untolerated PreferNoSchedule taints, lower score

    name = NAME

    def sign(self, pod: PodInfo) -> Hashable:
        return tolerations_signature(pod)

    def filter(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> Status:
        taint = fits(node.spec.get("taints") or (), tolerations_of(pod))
        if taint is None:
            return SUCCESS
        return unschedulable(NAME, error_reason(taint))

    def pre_score(self, state: CycleState, pod: PodInfo, *, nodes: Sequence[NodeInfo]) -> Status:
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> int:
        return count_intolerable_prefer_no_schedule(
            node.spec.get("taints") or (), tolerations_of(pod)
        )

    def normalize_score(self, state: CycleState, pod: PodInfo, *, scores: list[int]) -> list[int]:
        return default_normalize_score(scores, reverse=True)

    # -- vectorised ------------------------------------------------------------------------

    def _column(self, pod: PodInfo, table: NodeTable) -> IntArray | None:
        """Raw scores of every row, or None when no node has a taint the pod minds."""
        tolerations = tolerations_of(pod)

        def build() -> IntArray | None:
            column = np.array(
                [
                    count_intolerable_prefer_no_schedule(i.spec.get("taints") or (), tolerations)
                    for i in table.infos
                ],
                dtype=np.int64,
            )
            return column if column.any() else None

        column: IntArray | None = table.memo((NAME, self.sign(pod)), build)
        return column


__all__ = ["NAME", "TaintToleration", "error_reason", "fits", "tolerated", "tolerates"]
