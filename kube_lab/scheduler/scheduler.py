"""The scheduler: watches for pending pods, picks a node for each, and binds it.

This is kube-scheduler's ``scheduleOne`` loop on kube-lab's engine. The watch handler only
notes work: Node and Pod changes update the node table (the scheduler's cache), pending pods
(empty ``spec.nodeName``, ``spec.schedulerName: default-scheduler``, not being deleted, no
``schedulingGates``) join the scheduling queue, and one engine callback is requested. That
callback schedules every queued pod in one batch, highest priority first. For each pod:

* a node is found: the pod is assumed onto it in the cache, bound (``pods/binding``), and a
  ``Normal Scheduled`` event says ``Successfully assigned default/web-abc to node-2``;
* no node fits: the pod stays Pending with condition ``PodScheduled=False``, reason
  ``Unschedulable``, and a ``Warning FailedScheduling`` event with kube-scheduler's words
  (``0/3 nodes are available: 3 Insufficient cpu. preemption: ...``). It is retried when a
  node is added or changed, when a pod is deleted or finishes, or after 5 minutes.

Ties between equally good nodes are broken with the engine's seeded random generator, so
the same seed gives the same placements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kube_lab.api.errors import StatusError
from kube_lab.api.meta import Obj, deep_copy, get_condition, set_condition
from kube_lab.engine import Engine
from kube_lab.events import EventRecorder
from kube_lab.scheduler.framework import PluginArgs, Profile, ScheduleResult
from kube_lab.scheduler.nodetable import NodeTable
from kube_lab.scheduler.plugins import in_tree_registry
from kube_lab.scheduler.podinfo import SCHEDULER_NAME, PodInfo, TemplateCache
from kube_lab.scheduler.queue import SchedulingQueue
from kube_lab.scheduler.reference import ReferenceAlgorithm
from kube_lab.scheduler.vectorised import VectorisedAlgorithm
from kube_lab.store import Store, WatchEvent

Key = tuple[str, str]
Algorithm = VectorisedAlgorithm | ReferenceAlgorithm


@dataclass
class SchedulerStats:
    """Counters for notebooks and the benchmark."""

    scheduled: int = 0
    failed: int = 0
    cycles: int = 0


class Scheduler:
    """kube-scheduler with the default profile, on one store and one engine."""

    def __init__(
        self,
        *,
        store: Store,
        engine: Engine,
        recorder: EventRecorder,
        scheduler_name: str = SCHEDULER_NAME,
        percentage_of_nodes_to_score: int = 0,
        algorithm: Literal["vectorised", "reference"] = "vectorised",
    ) -> None:
        if not 0 <= percentage_of_nodes_to_score <= 100:
            raise ValueError("percentage_of_nodes_to_score must be between 0 and 100")
        self._store = store
        self._engine = engine
        self._recorder = recorder
        self.scheduler_name = scheduler_name
        self.stats = SchedulerStats()
        self._templates = TemplateCache()
        self.table = NodeTable(self._templates)
        self._selectors: dict[tuple[str, str, str], str] = {}
        self._selector_generation = 0
        self.profile = Profile.build(
            in_tree_registry(),
            args=PluginArgs(
                services=lambda namespace: store.list("Service", namespace),
                replica_set=lambda namespace, name: store.peek("ReplicaSet", name, namespace),
                selector_generation=lambda: self._selector_generation,
            ),
            scheduler_name=scheduler_name,
            percentage_of_nodes_to_score=percentage_of_nodes_to_score,
        )
        self.algorithm: Algorithm
        if algorithm == "vectorised":
            self.algorithm = VectorisedAlgorithm(self.profile, self.table, rng=engine.random)
        else:
            self.algorithm = ReferenceAlgorithm(
                self.profile, store=store, node_order=self._node_order, rng=engine.random
            )
        self.queue = SchedulingQueue(engine, on_active=self._wake)
        self._woken = False
        # The informer's initial list, then the watch (one thread: nothing slips between).
        self.table.sync(store.list("Node"), store.list("Pod"))
        for kind in ("Service", "ReplicaSet"):
            for obj in store.list(kind):
                self._note_selector("ADDED", obj)
        for pod in store.list("Pod"):
            self._on_pod("ADDED", pod)
        self._watch = store.watch(self._on_event, kinds=("Node", "Pod", "Service", "ReplicaSet"))

    def stop(self) -> None:
        self._watch.stop()

    # -- the watch stream (note work only) -------------------------------------------------

    def _on_event(self, event: WatchEvent) -> None:
        obj = event.object
        kind = obj["kind"]
        if kind == "Pod":
            self._on_pod(event.type, obj)
        elif kind == "Node":
            if self.table.node_event(event.type, obj):
                self.queue.move_all_to_active_or_backoff()
        else:
            self._note_selector(event.type, obj)

    def _on_pod(self, event_type: str, pod: Obj) -> None:
        if self.table.pod_event(event_type, pod):
            self.queue.move_all_to_active_or_backoff()
        meta = pod["metadata"]
        key = (meta.get("namespace") or "", meta["name"])
        spec = pod.get("spec") or {}
        if (
            event_type == "DELETED"
            or spec.get("nodeName")
            or meta.get("deletionTimestamp")
            or spec.get("schedulerName", SCHEDULER_NAME) != self.scheduler_name
            or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
            # Gated pods wait outside the queue until their gates are removed.
            or spec.get("schedulingGates")
        ):
            self.queue.forget(key)
        elif key not in self.queue:
            self.queue.add(key, int(spec.get("priority") or 0))
        elif event_type == "MODIFIED" and self.queue.is_unschedulable(key):
            # If the pod itself changed (tolerations added, labels edited), try it again; our
            # own status write gives the same template and changes nothing.
            self.queue.pod_updated(key, self._templates.pod_info(pod).template)

    def _note_selector(self, event_type: str, obj: Obj) -> None:
        """Services' and ReplicaSets' selectors feed PodTopologySpread's default selector."""
        meta = obj["metadata"]
        key = (obj["kind"], meta.get("namespace") or "", meta["name"])
        selector = "" if event_type == "DELETED" else repr((obj.get("spec") or {}).get("selector"))
        if self._selectors.get(key, "") != selector:
            self._selectors[key] = selector
            self._selector_generation += 1

    def _node_order(self) -> list[str]:
        self.table.refresh()
        return self.table.names

    def _wake(self) -> None:
        if not self._woken:
            self._woken = True
            self._engine.call_soon(self._run)

    def _run(self) -> None:
        self._woken = False
        self.schedule_pending()

    # -- scheduling ------------------------------------------------------------------------

    def schedule_pending(self) -> int:
        """Schedule every pod in the active queue now; returns how many were bound."""
        bound = self.stats.scheduled
        self.algorithm.begin_batch()
        while (key := self.queue.pop()) is not None:
            pod = self._store.peek("Pod", key[1], key[0])
            if (
                pod is None
                or pod["spec"].get("nodeName")
                or pod["metadata"].get("deletionTimestamp")
            ):
                self.queue.forget(key)
                continue
            self._schedule_one(key, self._templates.pod_info(pod))
        return self.stats.scheduled - bound

    def _schedule_one(self, key: Key, pod: PodInfo) -> None:
        self.stats.cycles += 1
        result = self.algorithm.schedule(pod)
        if result.node_name is None:
            self._failed(key, pod, result=result)
            return
        node_name = result.node_name
        self.table.assume(pod, node_name)
        self.algorithm.assumed(pod, node_name)
        self.queue.forget(key)
        try:
            bound = self._store.bind(pod.namespace, pod.name, node_name)
        except StatusError:
            # Deleted or bound by someone else meanwhile: drop the assumption.
            self.table.pod_event("DELETED", pod.pod)
            return
        self.stats.scheduled += 1
        self._recorder.record(
            bound,
            type="Normal",
            reason="Scheduled",
            message=f"Successfully assigned {pod.namespace}/{pod.name} to {node_name}",
            component=self.scheduler_name,
        )

    def _failed(self, key: Key, pod: PodInfo, *, result: ScheduleResult) -> None:
        assert result.fit_error is not None
        message = result.fit_error.message
        self.stats.failed += 1
        self.queue.unschedulable(key, tag=pod.template)
        self._recorder.record(
            pod.pod,
            type="Warning",
            reason="FailedScheduling",
            message=message,
            component=self.scheduler_name,
        )
        current = self._store.peek("Pod", pod.name, pod.namespace)
        if current is None:
            return
        condition = get_condition(current, "PodScheduled")
        if (
            condition is not None
            and condition.get("status") == "False"
            and condition.get("reason") == "Unschedulable"
            and condition.get("message") == message
        ):
            return
        updated = {**current, "status": deep_copy(current.get("status") or {})}
        set_condition(
            updated,
            {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "reason": "Unschedulable",
                "message": message,
            },
            self._engine.now,
        )
        self._store.update_status(updated)
