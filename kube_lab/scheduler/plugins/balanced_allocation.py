"""NodeResourcesBalancedAllocation: prefer nodes whose CPU and memory fill up evenly.

With the pod placed, each resource's requested fraction of allocatable (capped at 1) is
computed; the score is ``(1 - std) * 100`` where std is the standard deviation of the
fractions (for two resources ``|f_cpu - f_mem| / 2``). A node at 50% CPU and 50% memory
beats one at 80% CPU and 20% memory. Actual requests are used (no defaults), and pods that
request nothing skip this plugin (kube-scheduler 1.32+). Weight 1.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np

from kube_lab.scheduler.framework import (
    MAX_NODE_SCORE,
    SKIP,
    SUCCESS,
    CycleState,
    IntArray,
    Rows,
    Status,
)
from kube_lab.scheduler.nodeinfo import NodeInfo
from kube_lab.scheduler.nodetable import NodeTable
from kube_lab.scheduler.podinfo import PodInfo

NAME = "NodeResourcesBalancedAllocation"


def balanced_resource_score(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    """``balancedResourceScorer``: resources with no allocatable are left out."""
    fractions = [
        min(float(req) / float(alloc), 1.0)
        for req, alloc in zip(requested, allocatable, strict=True)
        if alloc != 0
    ]
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = math.sqrt(sum((f - mean) * (f - mean) for f in fractions) / len(fractions))
    return int((1 - std) * MAX_NODE_SCORE)


def balanced_resource_scores(
    requested: tuple[IntArray, IntArray], allocatable: tuple[IntArray, IntArray]
) -> IntArray:
    """:func:`balanced_resource_score` for arrays of nodes (cpu and memory)."""
    (cpu_req, mem_req), (cpu_alloc, mem_alloc) = requested, allocatable
    with np.errstate(divide="ignore", invalid="ignore"):
        cpu = np.minimum(cpu_req / cpu_alloc, 1.0)
        mem = np.minimum(mem_req / mem_alloc, 1.0)
    std = np.abs((cpu - mem) / 2)
    # A resource the node lacks drops out; with one fraction left the deviation is 0.
    std = np.where((cpu_alloc != 0) & (mem_alloc != 0), std, 0.0)
    scores: IntArray = ((1 - std) * MAX_NODE_SCORE).astype(np.int64)
    return scores


def _is_best_effort(pod: PodInfo) -> bool:
    requests = pod.template.requests
    return requests.milli_cpu == 0 and requests.memory == 0


class BalancedAllocation:
    name = NAME

    def pre_score(self, state: CycleState, pod: PodInfo, *, nodes: Sequence[NodeInfo]) -> Status:
        return SKIP if _is_best_effort(pod) else SUCCESS

    def score(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> int:
        requests = pod.template.requests
        return balanced_resource_score(
            (
                node.requested.get("cpu", 0) + requests.milli_cpu,
                node.requested.get("memory", 0) + requests.memory,
            ),
            (node.allocatable.get("cpu", 0), node.allocatable.get("memory", 0)),
        )

    def normalize_score(self, state: CycleState, pod: PodInfo, *, scores: list[int]) -> list[int]:
        return scores

    # -- vectorised ------------------------------------------------------------------------

    def score_sign(self, pod: PodInfo) -> Hashable | None:
        if _is_best_effort(pod):
            return None
        return (NAME, pod.template.requests.milli_cpu, pod.template.requests.memory)

    def rows_score(self, pod: PodInfo, table: NodeTable, *, rows: Rows) -> IntArray:
        requests = pod.template.requests
        return balanced_resource_scores(
            (table.req_cpu[rows] + requests.milli_cpu, table.req_mem[rows] + requests.memory),
            (table.alloc_cpu[rows], table.alloc_mem[rows]),
        )

    def row_score(self, pod: PodInfo, table: NodeTable, *, row: int) -> int:
        requests = pod.template.requests
        return balanced_resource_score(
            (
                table.req_cpu.item(row) + requests.milli_cpu,
                table.req_mem.item(row) + requests.memory,
            ),
            (table.alloc_cpu.item(row), table.alloc_mem.item(row)),
        )
