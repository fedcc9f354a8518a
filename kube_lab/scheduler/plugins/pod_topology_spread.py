"""PodTopologySpread with the system default constraints: spread replicas over nodes and zones.

A pod that sets no ``topologySpreadConstraints`` of its own gets kube-scheduler's defaults:
``maxSkew: 3`` over ``kubernetes.io/hostname`` and ``maxSkew: 5`` over
``topology.kubernetes.io/zone``, both ``ScheduleAnyway`` (score only, never filter). The
pods that count are those matching the *default selector*: the selectors of the Services
that select the pod, ANDed with the selector of its owning ReplicaSet (``helper.
DefaultSelector``). So replicas of one Deployment repel each other; unrelated pods do not.

Score per node: for each constraint whose topology label the node carries,
``count * log(domains + 2) + (maxSkew - 1)``, where ``count`` is the matching pods on the
node (hostname) or in its zone, and ``domains`` the number of feasible nodes (hostname) or
of distinct zones among them; rounded. Normalised so that the node with the fewest matching
pods scores 100: ``100 * (max + min - score) / max``. Weight 2.

Not implemented (documented simplification): a pod's *own* ``topologySpreadConstraints``.
Such a pod is not spread (this plugin skips it) and ``DoNotSchedule`` is not enforced.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kube_lab.api.selectors import Selector, from_label_selector, from_match_labels
from kube_lab.scheduler.framework import (
    MAX_NODE_SCORE,
    SKIP,
    SNAPSHOT,
    SUCCESS,
    CycleState,
    FloatArray,
    IntArray,
    PluginArgs,
    Rows,
    Status,
    go_round,
    go_round_array,
)
from kube_lab.scheduler.nodeinfo import LABEL_HOSTNAME, LABEL_ZONE, NodeInfo
from kube_lab.scheduler.nodetable import NodeTable, SpreadCounts
from kube_lab.scheduler.plugins import node_affinity
from kube_lab.scheduler.podinfo import AssignedPod, PodInfo

NAME = "PodTopologySpread"
HOSTNAME_MAX_SKEW = 3
ZONE_MAX_SKEW = 5
_STATE = "PreScore" + NAME


def topology_normalizing_weight(size: int) -> float:
    """Counts in a topology with few domains weigh less: ``log(size + 2)``."""
    return math.log(size + 2)


def score_for_count(count: int, max_skew: int, *, weight: float) -> float:
    return float(count) * weight + float(max_skew - 1)


def count_pods_match_selector(
    pods: Iterable[AssignedPod], selector: Selector, *, namespace: str
) -> int:
    """Matching pods in ``namespace``; terminating pods no longer count."""
    return sum(
        1
        for p in pods
        if not p.terminating and p.namespace == namespace and selector.matches(p.labels)
    )


def normalize(scores: list[int]) -> list[int]:
    """Fewest matching pods -> 100; all equal to 0 -> 100 everywhere."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high == 0:
        return [MAX_NODE_SCORE] * len(scores)
    return [MAX_NODE_SCORE * (high + low - s) // high for s in scores]


def default_selector(pod: PodInfo, args: PluginArgs) -> Selector:
    """``helper.DefaultSelector``: matching Services' selectors AND the owner's selector."""
    template = pod.template
    merged: dict[str, str] = {}
    for service in args.services(template.namespace):
        selector = (service.get("spec") or {}).get("selector")
        if selector is None:
            continue  # a Service without a selector selects nothing, not everything
        if from_match_labels(selector).matches(template.labels):
            merged.update({str(k): str(v) for k, v in selector.items()})
    requirements = list(from_match_labels(merged).requirements)
    owner = template.controller
    if owner and owner.get("kind") == "ReplicaSet" and owner.get("apiVersion") == "apps/v1":
        replica_set = args.replica_set(template.namespace, str(owner.get("name")))
        if replica_set is not None:
            spec = replica_set.get("spec") or {}
            if spec.get("selector") is not None:
                requirements.extend(from_label_selector(spec["selector"]).requirements)
    return Selector(tuple(sorted(requirements, key=lambda r: r.key)))


@dataclass(slots=True)
class _PreScore:
    """The reference path's PreScore state: matching pods per zone value."""

    selector: Selector
    host_weight: float
    zone_weight: float
    zone_counts: dict[str, int]


@dataclass(slots=True)
class _PreScoreNodes:
    """The vectorised PreScore state: per-row counts and each zone's finished term."""

    counts: SpreadCounts
    host_weight: float
    #: ``count * weight + (maxSkew - 1)`` per zone id; 0 for nodes without a zone label.
    zone_term: FloatArray | None


class PodTopologySpread:
    name = NAME

    def __init__(self, args: PluginArgs) -> None:
        self._args = args

    def _selector(self, pod: PodInfo) -> Selector | None:
        """The default selector, memoised per template until a Service or RS changes."""
        return self._memo(pod)[1]

    def _memo(self, pod: PodInfo) -> list[Any]:
        """``[selector generation, default selector or None, SpreadCounts or None]``."""
        template = pod.template
        generation = self._args.selector_generation()
        memo: list[Any] | None = template.memo.get(NAME)
        if memo is None or memo[0] != generation:
            selector = None
            if not template.spec.get("topologySpreadConstraints"):
                selector = default_selector(pod, self._args)
            if selector is not None and selector.empty:
                selector = None
            memo = template.memo[NAME] = [generation, selector, None]
        return memo

    def pre_score(self, state: CycleState, pod: PodInfo, *, nodes: Sequence[NodeInfo]) -> Status:
        selector = self._selector(pod)
        every_node: Sequence[NodeInfo] = state.read(SNAPSHOT)
        if selector is None or not every_node:
            return SKIP
        required = node_affinity.required_of(pod)
        zone_counts = {n.labels.get(LABEL_ZONE, ""): 0 for n in nodes}
        for node in every_node:
            value = node.labels.get(LABEL_ZONE, "")
            if value in zone_counts and required.matches(node.labels, node.name):
                zone_counts[value] += count_pods_match_selector(
                    node.pods, selector, namespace=pod.namespace
                )
        state.write(
            _STATE,
            _PreScore(
                selector,
                topology_normalizing_weight(len(nodes)),
                topology_normalizing_weight(len(zone_counts)),
                zone_counts,
            ),
        )
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> int:
        s: _PreScore = state.read(_STATE)
        score = 0.0
        if LABEL_HOSTNAME in node.labels:
            count = count_pods_match_selector(node.pods, s.selector, namespace=pod.namespace)
            score += score_for_count(count, HOSTNAME_MAX_SKEW, weight=s.host_weight)
        if LABEL_ZONE in node.labels:
            count = s.zone_counts[node.labels[LABEL_ZONE]]
            score += score_for_count(count, ZONE_MAX_SKEW, weight=s.zone_weight)
        return go_round(score)

    def normalize_score(self, state: CycleState, pod: PodInfo, *, scores: list[int]) -> list[int]:
        return normalize(scores)

    # -- vectorised ------------------------------------------------------------------------

    def pre_score_nodes(
        self, state: CycleState, pod: PodInfo, *, table: NodeTable, rows: Rows, count: int
    ) -> Status:
        memo = self._memo(pod)
        if memo[1] is None or table.size == 0:
            return SKIP
        if memo[2] is None:
            memo[2] = table.spread_counts(pod.namespace, memo[1])
        counts: SpreadCounts = memo[2]
        zone_term: FloatArray | None = None
        if table.any_zone:
            included = node_affinity.matching_rows(pod, table)
            if included is None:
                zone_counts = counts.zone
            else:
                # Only nodes the pod could run on count (nodeAffinityPolicy: Honor).
                zone_counts = np.bincount(
                    table.zone_id[included],
                    weights=counts.node[included],
                    minlength=table.zone_count,
                ).astype(np.int64)
            weight = topology_normalizing_weight(table.zones_among(rows))
            # A handful of zones: plain floats beat numpy on three-element arrays.
            terms = [c * weight + float(ZONE_MAX_SKEW - 1) for c in zone_counts.tolist()]
            if table.blank_zone is not None:
                terms[table.blank_zone] = 0.0
            zone_term = np.array(terms, dtype=np.float64)
        state.write(_STATE, _PreScoreNodes(counts, topology_normalizing_weight(count), zone_term))
        return SUCCESS

    def score_nodes(
        self, state: CycleState, pod: PodInfo, *, table: NodeTable, rows: Rows
    ) -> IntArray:
        s: _PreScoreNodes = state.read(_STATE)
        # The same float operations in the same order as the per-node score.
        total = s.counts.node[rows] * s.host_weight + float(HOSTNAME_MAX_SKEW - 1)
        if not table.all_hostname:
            total = np.where(table.has_hostname[rows], total, 0.0)
        if s.zone_term is not None:
            total = total + s.zone_term[table.zone_id[rows]]
        return go_round_array(total)

    def normalize_scores(self, state: CycleState, pod: PodInfo, *, scores: IntArray) -> IntArray:
        if len(scores) == 0:
            return scores
        low, high = int(np.minimum.reduce(scores)), int(np.maximum.reduce(scores))
        if high == 0:
            return np.full_like(scores, MAX_NODE_SCORE)
        normalized: IntArray = MAX_NODE_SCORE * (high + low - scores) // high
        return normalized
