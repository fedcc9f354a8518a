"""NodeUnschedulable: ``kubectl cordon`` keeps new pods off a node.

A node with ``spec.unschedulable: true`` rejects every pod that does not tolerate the taint
``node.kubernetes.io/unschedulable:NoSchedule`` (DaemonSet pods do). The check reads only the
Node object and the pod's tolerations, so it is cached per toleration set (a static filter).
"""

from __future__ import annotations

from collections.abc import Hashable

from kube_lab.api.taints import UNSCHEDULABLE, Toleration, tolerated
from kube_lab.scheduler.framework import SUCCESS, CycleState, Status, unschedulable
from kube_lab.scheduler.nodeinfo import NodeInfo
from kube_lab.scheduler.plugins.taint_toleration import tolerations_of, tolerations_signature
from kube_lab.scheduler.podinfo import PodInfo

NAME = "NodeUnschedulable"
ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
_CORDON_TAINT = {"key": UNSCHEDULABLE, "effect": "NoSchedule"}


def fits(unschedulable_node: bool, tolerations: list[Toleration]) -> bool:
    """A cordoned node takes only pods tolerating ``node.kubernetes.io/unschedulable``."""
    return not unschedulable_node or tolerated(tolerations, _CORDON_TAINT)


class NodeUnschedulable:
    name = NAME

    def sign(self, pod: PodInfo) -> Hashable:
        return tolerations_signature(pod)

    def filter(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> Status:
        if fits(bool(node.spec.get("unschedulable")), tolerations_of(pod)):
            return SUCCESS
        return unschedulable(NAME, ERR_REASON_UNSCHEDULABLE)
