"""The ReplicaSet controller: keep exactly ``spec.replicas`` pods matching the selector.

Reconcile, as ``pkg/controller/replicaset``: adopt orphan pods that match the selector,
release owned pods that no longer match, then create or delete pods to close the gap.
When pods must go, the least useful go first (unscheduled before scheduled, pending before
running, not ready before ready, the youngest first). Status counts replicas, ready and
available pods; a pod that is ready but not yet ``minReadySeconds`` old wakes us again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kube_lab.api import pods as podutil
from kube_lab.api.meta import Obj, controller_of, deep_copy, owner_reference, parse_timestamp
from kube_lab.api.selectors import from_label_selector
from kube_lab.controllers.base import Controller
from kube_lab.store import Key, WatchEvent

COMPONENT = "replicaset-controller"


def deletion_rank(pod: Obj) -> tuple[int, int, int, int, float]:
    """Lower ranks are deleted first (``controller.ActivePods`` ordering)."""
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(podutil.phase(pod), 1)
    restarts = sum(
        c.get("restartCount", 0) for c in pod.get("status", {}).get("containerStatuses") or []
    )
    created = parse_timestamp(pod["metadata"]["creationTimestamp"])
    return (
        1 if pod["spec"].get("nodeName") else 0,
        phase_rank,
        1 if podutil.is_ready(pod) else 0,
        -restarts,
        -created,
    )


class ReplicaSetController(Controller):
    component = COMPONENT
    kind = "ReplicaSet"
    owns = ("Pod",)

    def __init__(self, **wiring: Any) -> None:
        super().__init__(**wiring)
        #: ReplicaSets that must look for orphan pods to adopt on their next reconcile
        self._adopting: set[Key] = set()

    def keys_for(self, event: WatchEvent) -> Iterable[Key]:
        """Our pods wake their owner; an orphan wakes every ReplicaSet that selects it."""
        obj = event.object
        if obj["kind"] == "ReplicaSet":
            key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
            observed = obj.get("status", {}).get("observedGeneration")
            if event.type == "ADDED" or observed != obj["metadata"].get("generation"):
                self._adopting.add(key)  # new, or its selector may have changed
            return (key,)
        if controller_of(obj) is not None or event.type == "DELETED":
            return super().keys_for(event)
        namespace = obj["metadata"]["namespace"]
        labels = obj["metadata"].get("labels")
        keys = [
            (namespace, rs["metadata"]["name"])
            for rs in self.store.list("ReplicaSet", namespace)
            if from_label_selector(rs["spec"].get("selector")).matches(labels)
        ]
        self._adopting.update(keys)
        return keys

    def reconcile(self, key: Key) -> float | None:
        namespace, name = key
        rs = self.store.peek("ReplicaSet", name, namespace)
        if rs is None or rs["metadata"].get("deletionTimestamp"):
            return None
        pods = self._claim_pods(rs, adopt=key in self._adopting)
        self._adopting.discard(key)
        active = [p for p in pods if podutil.is_active(p)]
        diff = len(active) - int(rs["spec"].get("replicas", 1))
        if diff < 0:
            for _ in range(-diff):
                self._create_pod(rs)
        elif diff > 0:
            for pod in sorted(active, key=deletion_rank)[:diff]:
                self.store.delete("Pod", pod["metadata"]["name"], namespace)
                self.recorder.record(
                    rs,
                    type="Normal",
                    reason="SuccessfulDelete",
                    message=f"Deleted pod: {pod['metadata']['name']}",
                    component=COMPONENT,
                )
        return self._update_status(rs)

    def _claim_pods(self, rs: Obj, *, adopt: bool) -> list[Obj]:
        """Release owned pods that no longer match, adopt matching orphans; our pods.

        Orphans are looked for only when something could have made one (the ReplicaSet
        changed, or an orphan pod appeared): the owner index finds our own pods.
        """
        namespace = rs["metadata"]["namespace"]
        selector = from_label_selector(rs["spec"].get("selector"))
        owned: list[Obj] = []
        for pod in self._owned(rs):
            if selector.matches(pod["metadata"].get("labels")):
                owned.append(pod)
            else:
                self._set_owner(pod, None)
        if not adopt:
            return owned
        for pod in self.store.list("Pod", namespace, selector):
            if controller_of(pod) is None and not pod["metadata"].get("deletionTimestamp"):
                owned.append(self._set_owner(pod, rs))
        return owned

    def _set_owner(self, pod: Obj, rs: Obj | None) -> Obj:
        updated = deep_copy(pod)
        refs = [
            r for r in updated["metadata"].get("ownerReferences") or [] if not r.get("controller")
        ]
        if rs is not None:
            refs.append(owner_reference(rs))
        if refs:
            updated["metadata"]["ownerReferences"] = refs
        else:
            updated["metadata"].pop("ownerReferences", None)
        return self.store.update(updated)

    def _create_pod(self, rs: Obj) -> None:
        template = rs["spec"]["template"]
        metadata = deep_copy(template.get("metadata") or {})
        metadata.pop("name", None)
        metadata["generateName"] = f"{rs['metadata']['name']}-"
        metadata["namespace"] = rs["metadata"]["namespace"]
        metadata["ownerReferences"] = [owner_reference(rs)]
        pod = self.store.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": metadata,
                "spec": deep_copy(template["spec"]),
                "status": {"phase": "Pending"},
            }
        )
        self.recorder.record(
            rs,
            type="Normal",
            reason="SuccessfulCreate",
            message=f"Created pod: {pod['metadata']['name']}",
            component=COMPONENT,
        )

    def _update_status(self, rs: Obj) -> float | None:
        current = self.store.peek("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["namespace"])
        if current is None:
            return None
        pods = [p for p in self._owned(current) if podutil.is_active(p)]
        min_ready = int(current["spec"].get("minReadySeconds", 0))
        now = self.engine.now
        template_labels = (current["spec"]["template"].get("metadata") or {}).get("labels") or {}
        status = {
            "replicas": len(pods),
            "fullyLabeledReplicas": sum(
                1
                for p in pods
                if all(
                    p["metadata"].get("labels", {}).get(k) == v for k, v in template_labels.items()
                )
            ),
            "readyReplicas": sum(1 for p in pods if podutil.is_ready(p)),
            "availableReplicas": sum(1 for p in pods if podutil.is_available(p, min_ready, now)),
            "observedGeneration": current["metadata"].get("generation", 1),
        }
        status = {k: v for k, v in status.items() if v or k in ("replicas", "observedGeneration")}
        if current.get("status") != status:
            self.store.update_status({**current, "status": status})
        waiting = [
            since + min_ready - now
            for p in pods
            if (since := podutil.ready_since(p)) is not None and since + min_ready > now
        ]
        return min(waiting) if waiting else None

    def _owned(self, rs: Obj) -> list[Obj]:
        uid = rs["metadata"]["uid"]
        return [
            p
            for p in self.store.dependents(uid, "Pod")
            if (ref := controller_of(p)) is not None and ref.get("uid") == uid
        ]
