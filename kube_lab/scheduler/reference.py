"""The reference algorithm: kube-scheduler's loop, one node at a time, in plain Python.

It answers exactly what :mod:`.vectorised` answers, but the way kube-scheduler's code reads:
for each node in scan order run the filter plugins (their per-node methods and pure
helpers), stop at ``numFeasibleNodesToFind``, then call each score plugin per node. Its
``NodeInfo`` list is rebuilt from the store's objects at the start of every batch, so it
shares no bookkeeping with the node table: tests compare placements of the two on random
clusters, and the benchmark measures how much the vectorised version saves.

Only the node *order* comes from the node table (the ``nodeTree`` needs arrival order,
which the store does not keep).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kube_lab.scheduler import preemption
from kube_lab.scheduler.framework import (
    SNAPSHOT,
    SUCCESS,
    CycleState,
    Diagnosis,
    FitError,
    Profile,
    ScheduleResult,
    Status,
    num_feasible_nodes_to_find,
)
from kube_lab.scheduler.nodeinfo import NodeInfo
from kube_lab.scheduler.podinfo import PodInfo, TemplateCache, assigned_pod
from kube_lab.store import Store


class ReferenceAlgorithm:
    """``schedulePod`` as a loop over :class:`NodeInfo` objects."""

    def __init__(
        self,
        profile: Profile,
        *,
        store: Store,
        node_order: Callable[[], list[str]],
        rng: random.Random,
    ) -> None:
        self._profile = profile
        self._store = store
        self._node_order = node_order
        self._rng = rng
        self._templates = TemplateCache()
        self._infos: list[NodeInfo] = []
        self._by_name: dict[str, NodeInfo] = {}
        self._next_start = 0

    def begin_batch(self) -> None:
        """Rebuild every NodeInfo from the stored Nodes and Pods."""
        infos = []
        for name in self._node_order():
            node = self._store.peek("Node", name)
            if node is not None:
                infos.append(NodeInfo.of(node))
        self._infos = infos
        self._by_name = {info.name: info for info in infos}
        for pod in self._store.list("Pod"):
            node_name = pod["spec"].get("nodeName")
            phase = (pod.get("status") or {}).get("phase")
            if node_name in self._by_name and phase not in ("Succeeded", "Failed"):
                info = self._templates.pod_info(pod)
                terminating = bool(pod["metadata"].get("deletionTimestamp"))
                self._by_name[node_name].add_pod(
                    assigned_pod(info, node_name, terminating=terminating)
                )

    def assumed(self, pod: PodInfo, node_name: str) -> None:
        info = self._by_name.get(node_name)
        if info is not None:
            info.add_pod(assigned_pod(pod, node_name, terminating=False))

    def schedule(self, pod: PodInfo) -> ScheduleResult:
        infos = self._infos
        n = len(infos)
        if n == 0:
            return ScheduleResult(None, FitError(0, Diagnosis()))
        state = CycleState()
        state.write(SNAPSHOT, infos)
        for pre_filter in self._profile.pre_filters:
            status = pre_filter.pre_filter(state, pod)
            if status.is_rejected:
                return ScheduleResult(None, FitError(n, Diagnosis(pre_filter_msg=status.message)))
        wanted = num_feasible_nodes_to_find(self._profile.percentage_of_nodes_to_score, n)
        start = self._next_start % n
        feasible: list[NodeInfo] = []
        diagnosis = Diagnosis()
        processed = 0
        for i in range(n):
            node = infos[(start + i) % n]
            processed += 1
            status = self._run_filters(state, pod, node=node)
            if status.is_success:
                feasible.append(node)
                if len(feasible) == wanted:
                    break
            else:
                diagnosis.add(status, node.name)
        self._next_start = (start + processed) % n
        if not feasible:
            message = preemption.post_filter_message(
                pod,
                diagnosis,
                num_all_nodes=n,
                victims_status=lambda name: self._victims_status(pod, name),
            )
            return ScheduleResult(None, FitError(n, diagnosis, message), processed)
        if len(feasible) == 1:
            return ScheduleResult(feasible[0].name, None, processed, 1)
        totals = [0] * len(feasible)
        for plugin, weight in self._profile.scores:
            if plugin.pre_score(state, pod, nodes=feasible).is_skip:
                continue
            raw = [plugin.score(state, pod, node=node) for node in feasible]
            for i, score in enumerate(plugin.normalize_score(state, pod, scores=raw)):
                totals[i] += weight * score
        best = max(totals)
        ties = [i for i, total in enumerate(totals) if total == best]
        chosen = ties[0] if len(ties) == 1 else ties[self._rng.randrange(len(ties))]
        return ScheduleResult(feasible[chosen].name, None, processed, len(feasible))

    def _run_filters(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> Status:
        """The first rejection, in profile order (``RunFilterPlugins``)."""
        for plugin in self._profile.filters:
            status = plugin.filter(state, pod, node=node)
            if not status.is_success:
                return status
        return SUCCESS

    def _victims_status(self, pod: PodInfo, node_name: str) -> Status:
        node = self._by_name[node_name]
        return preemption.select_victims_status(
            pod, allocatable=node.allocatable, requested=node.requested, pods=node.pods
        )
