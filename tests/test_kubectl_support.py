"""Support for the kubectl tests: a cluster double and objects as an API server returns them.

:class:`FakeCluster` wraps a real :class:`kube_lab.store.Store` on a clock the test sets,
with a timeline of scheduled changes standing in for controllers, so every printed age and
every ``rollout status`` line is known in advance. The builders return objects shaped
exactly like Kubernetes JSON; the store adds uid, resourceVersion and creationTimestamp.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.errors import NotFound
from kube_lab.api.kinds import by_kind
from kube_lab.api.meta import Obj, owner_reference, timestamp
from kube_lab.kubectl import Kubectl, KubectlOutput
from kube_lab.metrics import Usage
from kube_lab.store import Store, WatchEvent


class FakeMetrics:
    """metrics-server's answers, set by the test: ``samples[(namespace, pod)]``, ``nodes``."""

    def __init__(self) -> None:
        self.samples: dict[tuple[str, str], Usage] = {}
        self.nodes: dict[str, Usage] = {}

    def set_pod(self, name: str, cpu: int, memory_mi: int, namespace: str = "default") -> None:
        self.samples[(namespace, name)] = Usage(cpu, memory_mi * 2**20, 15.0)

    def set_node(self, name: str, cpu: int, memory_mi: int) -> None:
        self.nodes[name] = Usage(cpu, memory_mi * 2**20, 15.0)

    def pod(self, namespace: str, name: str) -> Usage | None:
        return self.samples.get((namespace, name))

    def node(self, node_name: str) -> Usage | None:
        return self.nodes.get(node_name)


class FakeCluster:
    """What ``Kubectl`` needs of a cluster; time moves only through ``run``/``run_until``."""

    def __init__(self, *, kubelet_stop_seconds: float | None = None) -> None:
        self.time = 0.0
        self.store = Store(clock=lambda: self.time)
        self._timeline: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self.metrics = FakeMetrics()
        #: what each container printed: ``printed[(namespace, pod, container)]``
        self.printed: dict[tuple[str, str, str], str] = {}
        if kubelet_stop_seconds is not None:
            self.store.watch(lambda e: self._kubelet(e, kubelet_stop_seconds), kinds=["Pod"])
        for name in ("default", "kube-system"):
            self.store.create(
                {
                    "apiVersion": "v1",
                    "kind": "Namespace",
                    "metadata": {"name": name},
                    "status": {"phase": "Active"},
                }
            )

    @property
    def now(self) -> float:
        return self.time

    def at(self, when: float, change: Callable[[], None]) -> None:
        """Schedule ``change`` (a controller's write, say) at cluster time ``when``."""
        heapq.heappush(self._timeline, (when, next(self._sequence), change))

    def _kubelet(self, event: WatchEvent, stop_seconds: float) -> None:
        """As a kubelet: a pod marked for deletion is gone once its containers stopped."""
        meta = event.object["metadata"]

        def remove() -> None:
            if self.store.peek("Pod", meta["name"], meta["namespace"]) is not None:
                self.store.delete("Pod", meta["name"], meta["namespace"], grace_seconds=0)

        if event.type == "MODIFIED" and meta.get("deletionTimestamp"):
            self.at(self.time + stop_seconds, remove)

    def run(self, seconds: float) -> None:
        self.run_until(lambda: False, seconds)

    def run_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = self.time + timeout
        while not predicate():
            if not self._timeline or self._timeline[0][0] > deadline:
                self.time = max(self.time, deadline)
                return predicate()
            when, _, change = heapq.heappop(self._timeline)
            self.time = max(self.time, when)
            change()
        return True

    def logs(self, pod: str, *, namespace: str = "default", container: str | None = None) -> str:
        if self.store.peek("Pod", pod, namespace) is None:
            raise NotFound(f'pods "{pod}" not found')
        return self.printed.get((namespace, pod, container or ""), "")

    def apply(self, manifest: Path | Obj) -> list[str]:
        results = []
        docs = (
            [manifest] if isinstance(manifest, dict) else yaml.safe_load_all(manifest.read_text())
        )
        for doc in docs:
            info = by_kind(doc["kind"])
            doc["metadata"].setdefault("namespace", "default")
            live = self.store.peek(
                doc["kind"], doc["metadata"]["name"], doc["metadata"]["namespace"]
            )
            if live is None:
                self.store.create(doc)
                action = "created"
            else:
                spec = apply_defaults(doc)["spec"]  # as the store defaults what it creates
                changed = self.store.update({**live, "spec": spec}) is not live
                action = "configured" if changed else "unchanged"
            kind = f"{info.singular}.{info.group}" if info.group else info.singular
            results.append(f"{kind}/{doc['metadata']['name']} {action}")
        return results

    def create(self, manifest: Path | Obj) -> list[str]:
        return self.apply(manifest)

    def kubectl(self, command: str) -> KubectlOutput:
        return Kubectl(self).run(command)

    def add(self, obj: Obj, *, at: float | None = None) -> Obj:
        """Create ``obj`` in the store, at cluster time ``at`` (creationTimestamp)."""
        if at is not None:
            self.time = at
        return self.store.create(obj)


def container_status(
    name: str = "nginx",
    *,
    image: str = "nginx:1.27",
    state: dict[str, Any] | None = None,
    ready: bool = True,
    restarts: int = 0,
    last_finished: float | None = None,
) -> dict[str, Any]:
    status: dict[str, Any] = {
        "name": name,
        "image": image,
        "imageID": f"docker.io/library/{image}",
        "containerID": f"containerd://{name}",
        "ready": ready,
        "restartCount": restarts,
        "started": ready,
        "state": state or {"running": {"startedAt": timestamp(2)}},
        "lastState": {},
    }
    if last_finished is not None:
        status["lastState"] = {
            "terminated": {
                "exitCode": 1,
                "reason": "Error",
                "startedAt": timestamp(last_finished - 5),
                "finishedAt": timestamp(last_finished),
            }
        }
    return status


def pod(
    name: str,
    *,
    node: str = "",
    ip: str = "",
    phase: str = "Running",
    statuses: list[dict[str, Any]] | None = None,
    labels: dict[str, str] | None = None,
    owner: Obj | None = None,
    namespace: str = "default",
    **spec: Any,
) -> Obj:
    status: dict[str, Any] = {"phase": phase, "qosClass": "BestEffort"}
    if node:
        status["hostIP"] = "192.168.0.11"
        status["startTime"] = timestamp(1)
        status["conditions"] = [
            {"type": "Initialized", "status": "True"},
            {
                "type": "Ready",
                "status": "True" if all(s["ready"] for s in statuses or []) else "False",
            },
            {"type": "ContainersReady", "status": "True"},
            {"type": "PodScheduled", "status": "True"},
        ]
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    if statuses is not None:
        status["containerStatuses"] = statuses
    meta: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "labels": {"app": "web"} if labels is None else labels,
    }
    if owner is not None:
        meta["ownerReferences"] = [owner_reference(owner)]
    pod_spec: dict[str, Any] = {
        "containers": [
            {
                "name": "nginx",
                "image": "nginx:1.27",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
            }
        ],
        "restartPolicy": "Always",
        "serviceAccountName": "default",
        "terminationGracePeriodSeconds": 30,
        **spec,
    }
    if node:
        pod_spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": pod_spec, "status": status}


def node(
    name: str, *, ready: bool = True, unschedulable: bool = False, index: int = 1, **labels: str
) -> Obj:
    spec: dict[str, Any] = {"podCIDR": f"10.244.{index}.0/24", "podCIDRs": [f"10.244.{index}.0/24"]}
    if unschedulable:
        spec["unschedulable"] = True
    capacity = {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **labels}},
        "spec": spec,
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "addresses": [
                {"type": "InternalIP", "address": f"192.168.0.{10 + index}"},
                {"type": "Hostname", "address": name},
            ],
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True" if ready else "False",
                    "lastHeartbeatTime": timestamp(60),
                    "lastTransitionTime": timestamp(0),
                    "reason": "KubeletReady" if ready else "KubeletNotReady",
                    "message": "kubelet is posting ready status"
                    if ready
                    else "kubelet stopped posting node status",
                }
            ],
            "nodeInfo": {
                "architecture": "amd64",
                "operatingSystem": "linux",
                "osImage": "kube-lab simulated node",
                "kernelVersion": "6.1.0-kube-lab",
                "containerRuntimeVersion": "simulated://1.0",
                "kubeletVersion": "v1.31.0",
                "machineID": "",
                "systemUUID": "",
                "bootID": "",
            },
        },
    }


def lease(node_name: str, *, renewed: float) -> Obj:
    """A kubelet's heartbeat Lease, renewed at ``renewed`` (a MicroTime, as kubelets write)."""
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": node_name, "namespace": "kube-node-lease"},
        "spec": {
            "holderIdentity": node_name,
            "leaseDurationSeconds": 40,
            "renewTime": timestamp(renewed).replace("Z", ".250000Z"),
        },
    }


def template(image: str = "nginx:1.27", **labels: str) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": "web", **labels}},
        "spec": {
            "containers": [
                {
                    "name": "nginx",
                    "image": image,
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                }
            ]
        },
    }


def deployment(
    name: str = "web",
    *,
    replicas: int = 3,
    image: str = "nginx:1.27",
    status: dict[str, Any] | None = None,
) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": template(image),
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": status or {},
    }


def replica_set(
    name: str,
    owner: Obj,
    *,
    revision: int,
    replicas: int,
    image: str = "nginx:1.27",
    ready: int = 0,
    cause: str = "",
) -> Obj:
    hash_ = name.rsplit("-", 1)[1]
    annotations = {"deployment.kubernetes.io/revision": str(revision)}
    if cause:
        annotations["kubernetes.io/change-cause"] = cause
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": "default",
            "labels": {"app": "web", "pod-template-hash": hash_},
            "annotations": annotations,
            "ownerReferences": [owner_reference(owner)],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": hash_}},
            "template": template(image, **{"pod-template-hash": hash_}),
        },
        "status": {"replicas": replicas, "readyReplicas": ready, "availableReplicas": ready},
    }


def event(
    involved: Obj,
    *,
    reason: str,
    message: str,
    component: str,
    at: float,
    count: int = 1,
    first: float | None = None,
    type: str = "Normal",
) -> Obj:
    meta = involved["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"{meta['name']}.{int(at * 1e9):x}",
            "namespace": meta.get("namespace") or "default",
        },
        "involvedObject": {
            "apiVersion": involved["apiVersion"],
            "kind": involved["kind"],
            "name": meta["name"],
            "namespace": meta.get("namespace"),
            "uid": meta["uid"],
        },
        "reason": reason,
        "message": message,
        "type": type,
        "source": {"component": component},
        "count": count,
        "firstTimestamp": timestamp(at if first is None else first),
        "lastTimestamp": timestamp(at),
    }
