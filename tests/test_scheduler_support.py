"""A small cluster for the scheduler tests: a store, an engine, events and a scheduler.

No kubelets or controllers: nodes and pods are written straight to the store, pods defaulted
as the API server would, so each test sees only what the scheduler does. (This module holds
no tests; the ``test_`` prefix keeps it among the scheduler's test files.)
"""

from __future__ import annotations

from typing import Any, Literal

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.meta import Obj, get_condition
from kube_lab.engine import Engine
from kube_lab.events import EventRecorder
from kube_lab.scheduler import Scheduler
from kube_lab.store import Store


class Lab:
    """One store, one engine, one scheduler."""

    def __init__(
        self,
        *,
        seed: int = 0,
        algorithm: Literal["vectorised", "reference"] = "vectorised",
        percentage_of_nodes_to_score: int = 0,
    ) -> None:
        self.engine = Engine(seed=seed)
        self.store = Store(clock=lambda: self.engine.now, seed=seed)
        self.recorder = EventRecorder(self.store, lambda: self.engine.now)
        self.store.create(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}
        )
        self.scheduler = Scheduler(
            store=self.store,
            engine=self.engine,
            recorder=self.recorder,
            algorithm=algorithm,
            percentage_of_nodes_to_score=percentage_of_nodes_to_score,
        )

    def node(
        self,
        name: str,
        *,
        cpu: str = "4",
        memory: str = "8Gi",
        pods: int = 110,
        labels: dict[str, str] | None = None,
        taints: list[dict[str, Any]] | None = None,
        unschedulable: bool = False,
    ) -> Obj:
        resources = {"cpu": cpu, "memory": memory, "pods": str(pods)}
        spec: dict[str, Any] = {}
        if taints:
            spec["taints"] = taints
        if unschedulable:
            spec["unschedulable"] = True
        return self.store.create(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": name,
                    "labels": {"kubernetes.io/hostname": name, **(labels or {})},
                },
                "spec": spec,
                "status": {
                    "capacity": dict(resources),
                    "allocatable": dict(resources),
                    "conditions": [{"type": "Ready", "status": "True"}],
                },
            }
        )

    def replica_set(self, name: str, labels: dict[str, str]) -> Obj:
        return self.store.create(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {"name": name, "namespace": "default"},
                "spec": {"replicas": 1, "selector": {"matchLabels": labels}},
            }
        )

    def pod(
        self,
        name: str,
        *,
        cpu: str | None = None,
        memory: str | None = None,
        labels: dict[str, str] | None = None,
        owner: Obj | None = None,
        **spec: Any,
    ) -> Obj:
        requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
        meta: dict[str, Any] = {"name": name, "namespace": "default"}
        if owner is not None:
            meta["labels"] = dict(owner["spec"]["selector"]["matchLabels"])
            meta["ownerReferences"] = [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": owner["metadata"]["name"],
                    "uid": owner["metadata"]["uid"],
                    "controller": True,
                }
            ]
        if labels:
            meta["labels"] = {**meta.get("labels", {}), **labels}
        container: dict[str, Any] = {"name": "main", "image": "nginx:1.27"}
        if requests:
            container["resources"] = {"requests": requests}
        manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": meta}
        manifest["spec"] = {"containers": [container], **spec}
        return self.store.create(apply_defaults(manifest))

    def run(self, seconds: float = 0) -> None:
        self.engine.run(seconds)

    def node_of(self, pod: str) -> str | None:
        obj = self.store.peek("Pod", pod, "default")
        assert obj is not None
        node: str | None = obj["spec"].get("nodeName")
        return node

    def placements(self) -> dict[str, str | None]:
        return {p["metadata"]["name"]: p["spec"].get("nodeName") for p in self.store.list("Pod")}

    def scheduled_condition(self, pod: str) -> Obj | None:
        obj = self.store.peek("Pod", pod, "default")
        assert obj is not None
        return get_condition(obj, "PodScheduled")

    def events(self, reason: str, pod: str | None = None) -> list[Obj]:
        return [
            e
            for e in self.store.list("Event", "default")
            if e["reason"] == reason and (pod is None or e["involvedObject"]["name"] == pod)
        ]

    def failed_message(self, pod: str) -> str:
        events = self.events("FailedScheduling", pod)
        assert events, f"no FailedScheduling event for {pod}"
        message: str = events[-1]["message"]
        return message
