"""NodeResourcesFit: the pod's requests must fit in what the node has left.

Filter: ``Too many pods`` when the node already runs ``allocatable.pods`` pods; then, for
each resource the pod requests (CPU, memory, ephemeral-storage, extended resources such as
``nvidia.com/gpu``), ``Insufficient <resource>`` when the request exceeds allocatable minus
the requests of the pods already there. Every failing resource is reported. Requests, not
usage: a node whose pods are idle is still full. A request larger than the whole node is
*unresolvable* (preemption cannot help).

Score: the LeastAllocated strategy (:mod:`.least_allocated`), weight 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kube_lab.scheduler.framework import (
    SUCCESS,
    BoolArray,
    Code,
    CycleState,
    Diagnosis,
    IntArray,
    Rows,
    Status,
)
from kube_lab.scheduler.nodeinfo import NodeInfo
from kube_lab.scheduler.nodetable import NodeTable
from kube_lab.scheduler.plugins.least_allocated import (
    least_allocated_score,
    least_allocated_scores,
)
from kube_lab.scheduler.podinfo import PodInfo, Requests

NAME = "NodeResourcesFit"
ERR_REASON_TOO_MANY_PODS = "Too many pods"


def insufficient_reason(resource: str) -> str:
    """``Insufficient cpu``, ``Insufficient memory``, ``Insufficient nvidia.com/gpu``."""
    return f"Insufficient {resource}"


@dataclass(frozen=True)
class InsufficientResource:
    resource: str
    reason: str
    #: The request exceeds the node's whole allocatable: no eviction can make room.
    unresolvable: bool


def fits(
    requests: Requests,
    *,
    allocatable: Mapping[str, int],
    requested: Mapping[str, int],
    pod_count: int,
) -> list[InsufficientResource]:
    """``fitsRequest``: what the node lacks for this pod (empty: it fits)."""
    insufficient = []
    if pod_count + 1 > allocatable.get("pods", 0):
        insufficient.append(InsufficientResource("pods", ERR_REASON_TOO_MANY_PODS, False))
    for resource, amount in requests.positive:
        capacity = allocatable.get(resource, 0)
        if amount > capacity - requested.get(resource, 0):
            reason = insufficient_reason(resource)
            insufficient.append(InsufficientResource(resource, reason, amount > capacity))
    return insufficient


def status_of(insufficient: Sequence[InsufficientResource]) -> Status:
    if not insufficient:
        return SUCCESS
    unresolvable = any(i.unresolvable for i in insufficient)
    code = Code.UNSCHEDULABLE_AND_UNRESOLVABLE if unresolvable else Code.UNSCHEDULABLE
    return Status(code, tuple(i.reason for i in insufficient), NAME)


class NodeResourcesFit:
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> Status:
        return status_of(
            fits(
                pod.template.requests,
                allocatable=node.allocatable,
                requested=node.requested,
                pod_count=len(node.pods),
            )
        )

    def pre_score(self, state: CycleState, pod: PodInfo, *, nodes: Sequence[NodeInfo]) -> Status:
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> int:
        template = pod.template
        return least_allocated_score(
            (
                node.non_zero_cpu + template.non_zero_cpu,
                node.non_zero_memory + template.non_zero_memory,
            ),
            (node.allocatable.get("cpu", 0), node.allocatable.get("memory", 0)),
        )

    def normalize_score(self, state: CycleState, pod: PodInfo, *, scores: list[int]) -> list[int]:
        return scores

    # -- vectorised ------------------------------------------------------------------------

    def filter_sign(self, pod: PodInfo) -> Hashable:
        return pod.template.requests

    def filter_nodes(self, pod: PodInfo, table: NodeTable, *, rows: Rows) -> BoolArray:
        ok: BoolArray = table.pod_count[rows] < table.alloc_pods[rows]
        for resource, amount in pod.template.requests.positive:
            columns = _columns(table, resource)
            if columns is None:
                return np.zeros_like(ok)
            allocatable, requested = columns
            ok &= allocatable[rows] - requested[rows] >= amount
        return ok

    def filter_row(self, pod: PodInfo, table: NodeTable, *, row: int) -> bool:
        if table.pod_count.item(row) >= table.alloc_pods.item(row):
            return False
        for resource, amount in pod.template.requests.positive:
            columns = _columns(table, resource)
            if columns is None or columns[0].item(row) - columns[1].item(row) < amount:
                return False
        return True

    def diagnose_nodes(self, pod: PodInfo, table: NodeTable, *, rows: Rows) -> Diagnosis:
        """Reason counts over ``rows``, and which rejected nodes preemption might help."""
        diagnosis = Diagnosis()
        too_many = table.pod_count[rows] >= table.alloc_pods[rows]
        failing = too_many.copy()
        unresolvable = np.zeros_like(too_many)
        counts = {ERR_REASON_TOO_MANY_PODS: int(too_many.sum())}
        for resource, amount in pod.template.requests.positive:
            columns = _columns(table, resource)
            if columns is None:
                short = beyond = np.ones_like(too_many)
            else:
                allocatable, requested = columns[0][rows], columns[1][rows]
                short = allocatable - requested < amount
                beyond = short & (allocatable < amount)
            counts[insufficient_reason(resource)] = int(short.sum())
            failing |= short
            unresolvable |= beyond
        diagnosis.reason_counts = {reason: n for reason, n in counts.items() if n}
        names = np.asarray(table.names, dtype=object)[rows]
        diagnosis.resolvable_nodes = list(names[failing & ~unresolvable])
        return diagnosis

    def score_sign(self, pod: PodInfo) -> Hashable | None:
        return (NAME, pod.template.non_zero_cpu, pod.template.non_zero_memory)

    def rows_score(self, pod: PodInfo, table: NodeTable, *, rows: Rows) -> IntArray:
        template = pod.template
        return least_allocated_scores(
            (
                table.nz_cpu[rows] + template.non_zero_cpu,
                table.nz_mem[rows] + template.non_zero_memory,
            ),
            (table.alloc_cpu[rows], table.alloc_mem[rows]),
            all_positive=table.all_alloc_positive,
        )

    def row_score(self, pod: PodInfo, table: NodeTable, *, row: int) -> int:
        template = pod.template
        return least_allocated_score(
            (
                table.nz_cpu.item(row) + template.non_zero_cpu,
                table.nz_mem.item(row) + template.non_zero_memory,
            ),
            (table.alloc_cpu.item(row), table.alloc_mem.item(row)),
        )


def _columns(table: NodeTable, resource: str) -> tuple[IntArray, IntArray] | None:
    """Allocatable and requested columns of a resource; None if no node offers it."""
    if resource == "cpu":
        return table.alloc_cpu, table.req_cpu
    if resource == "memory":
        return table.alloc_mem, table.req_mem
    if resource in table.scalar_alloc:
        return table.scalar_alloc[resource], table.scalar_req[resource]
    return None
