"""NodeName: a pod that names its node (``spec.nodeName``) fits only that node.

Pods created with ``spec.nodeName`` never reach the scheduler (they are bound already), so
in practice this filter rejects nothing; it is here because it is in kube-scheduler's
default profile and explains itself in a diagnosis. Static: cached per requested name.
"""

from __future__ import annotations

from collections.abc import Hashable

from kube_lab.scheduler.framework import SUCCESS, CycleState, Status, unschedulable
from kube_lab.scheduler.nodeinfo import NodeInfo
from kube_lab.scheduler.podinfo import PodInfo

NAME = "NodeName"
ERR_REASON = "node(s) didn't match the requested node name"


def fits(requested_node_name: str | None, node_name: str) -> bool:
    return not requested_node_name or requested_node_name == node_name


class NodeName:
    name = NAME

    def sign(self, pod: PodInfo) -> Hashable:
        return pod.template.spec.get("nodeName")

    def filter(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> Status:
        if fits(pod.template.spec.get("nodeName"), node.name):
            return SUCCESS
        return unschedulable(NAME, ERR_REASON)
