"""One node as a plugin sees it, and the order in which the scheduler visits nodes.

:class:`NodeInfo` is kube-scheduler's ``framework.NodeInfo``: the Node object plus what is
already committed on it (requested and non-zero requested resources, the pods). The plain
reference loop keeps one per node; the vectorised scheduler keeps the same numbers as numpy
columns (:mod:`.nodetable`) and uses ``NodeInfo`` views only for static checks, which read
nothing but the Node object.

:func:`node_tree_order` is the ``nodeTree``: nodes grouped by zone in the order zones first
appeared, then listed round-robin across zones, so that a scan that stops early (see
``percentageOfNodesToScore``) still samples every zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kube_lab.api.meta import Obj
from kube_lab.scheduler.podinfo import AssignedPod, resource_amount

LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_ZONE = "topology.kubernetes.io/zone"
LABEL_REGION = "topology.kubernetes.io/region"
#: The deprecated beta labels are still read, as ``utilnode.GetZoneKey`` does.
LABEL_ZONE_BETA = "failure-domain.beta.kubernetes.io/zone"
LABEL_REGION_BETA = "failure-domain.beta.kubernetes.io/region"


def allocatable_of(node: Obj) -> dict[str, int]:
    """``status.allocatable`` in scheduler units (CPU millicores, the rest whole units)."""
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    return {name: resource_amount(name, q) for name, q in allocatable.items()}


def zone_key(labels: Mapping[str, str]) -> str:
    """``utilnode.GetZoneKey``: region and zone, or "" for a node with neither."""
    region = labels.get(LABEL_REGION) or labels.get(LABEL_REGION_BETA) or ""
    zone = labels.get(LABEL_ZONE) or labels.get(LABEL_ZONE_BETA) or ""
    if not region and not zone:
        return ""
    return f"{region}:\x00:{zone}"


def node_tree_order(zones: Mapping[str, list[str]]) -> list[str]:
    """Node names round-robin over zones (``nodeTree.list``): a1, b1, c1, a2, b2, ..."""
    order: list[str] = []
    members = list(zones.values())
    depth = max((len(m) for m in members), default=0)
    for i in range(depth):
        order.extend(m[i] for m in members if i < len(m))
    return order


def zones_in_arrival_order(nodes: Iterable[Obj]) -> dict[str, list[str]]:
    """Group node names by zone key, zones and members in the order given."""
    zones: dict[str, list[str]] = {}
    for node in nodes:
        labels = node["metadata"].get("labels") or {}
        zones.setdefault(zone_key(labels), []).append(node["metadata"]["name"])
    return zones


@dataclass
class NodeInfo:
    """A node and what the scheduler has already placed on it."""

    node: Obj
    name: str
    labels: Mapping[str, str]
    allocatable: Mapping[str, int]
    #: Sum of the pods' requests, by resource name ("cpu" in millicores).
    requested: dict[str, int] = field(default_factory=dict)
    non_zero_cpu: int = 0
    non_zero_memory: int = 0
    pods: list[AssignedPod] = field(default_factory=list)

    @classmethod
    def of(cls, node: Obj) -> NodeInfo:
        meta = node["metadata"]
        return cls(node, meta["name"], meta.get("labels") or {}, allocatable_of(node))

    @property
    def spec(self) -> Obj:
        return self.node.get("spec") or {}

    def add_pod(self, pod: AssignedPod) -> None:
        self.pods.append(pod)
        requests = pod.requests
        self.requested["cpu"] = self.requested.get("cpu", 0) + requests.milli_cpu
        self.requested["memory"] = self.requested.get("memory", 0) + requests.memory
        for name, amount in requests.scalar:
            self.requested[name] = self.requested.get(name, 0) + amount
        self.non_zero_cpu += pod.non_zero_cpu
        self.non_zero_memory += pod.non_zero_memory
