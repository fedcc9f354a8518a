"""LeastAllocated: NodeResourcesFit's default scoring strategy, favouring emptier nodes.

For CPU and memory (weight 1 each), a node scores ``(allocatable - requested) * 100 /
allocatable`` in integer arithmetic, 0 if over-committed; the node score is the weighted
mean. ``requested`` is the node's *non-zero* requested resources plus the pod's, so pods
that set no requests still spread (each counts as 100m CPU and 200Mi memory). This is what
spreads a Deployment's replicas over an empty cluster.
"""

from __future__ import annotations

import numpy as np

from kube_lab.scheduler.framework import MAX_NODE_SCORE, IntArray

#: NodeResourcesFitArgs' default scoring resources: cpu and memory, weight 1 each.
RESOURCE_WEIGHTS = (("cpu", 1), ("memory", 1))


def least_requested_score(requested: int, capacity: int) -> int:
    """``leastRequestedScore``: unused share of one resource on 0..100."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def least_allocated_score(requested: tuple[int, int], allocatable: tuple[int, int]) -> int:
    """``leastResourceScorer`` over (cpu, memory); resources a node lacks are left out."""
    total = weights = 0
    for (_, weight), req, alloc in zip(RESOURCE_WEIGHTS, requested, allocatable, strict=True):
        if alloc == 0:
            continue
        total += least_requested_score(req, alloc) * weight
        weights += weight
    return total // weights if weights else 0


def _resource_scores(requested: IntArray, capacity: IntArray) -> IntArray:
    safe = np.where(capacity > 0, capacity, 1)
    scores: IntArray = np.maximum((capacity - requested) * MAX_NODE_SCORE // safe, 0)
    return scores


def least_allocated_scores(
    requested: tuple[IntArray, IntArray],
    allocatable: tuple[IntArray, IntArray],
    *,
    all_positive: bool,
) -> IntArray:
    """:func:`least_allocated_score` for arrays of nodes."""
    (cpu_req, mem_req), (cpu_alloc, mem_alloc) = requested, allocatable
    if all_positive:
        # Fast path (every node has cpu and memory): a negative share floors below 0.
        cpu = np.maximum((cpu_alloc - cpu_req) * MAX_NODE_SCORE // cpu_alloc, 0)
        mem = np.maximum((mem_alloc - mem_req) * MAX_NODE_SCORE // mem_alloc, 0)
        fast: IntArray = (cpu + mem) // 2
        return fast
    has_cpu, has_mem = cpu_alloc > 0, mem_alloc > 0
    total = np.where(has_cpu, _resource_scores(cpu_req, cpu_alloc), 0) + np.where(
        has_mem, _resource_scores(mem_req, mem_alloc), 0
    )
    weights = has_cpu.astype(np.int64) + has_mem.astype(np.int64)
    scores: IntArray = np.where(weights > 0, total // np.maximum(weights, 1), 0)
    return scores
