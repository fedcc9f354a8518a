"""The Deployment controller: roll a ReplicaSet forward, one safe step at a time.

As ``pkg/controller/deployment``. Each pod template gets its own ReplicaSet, named by a
hash of the template (``web-66b6c48dd5``) and numbered by a revision annotation. The
controller moves replicas from old ReplicaSets to the new one within two bounds:

* never more than ``replicas + maxSurge`` pods (maxSurge rounded **up** from a percentage),
* never fewer than ``replicas - maxUnavailable`` available (maxUnavailable rounded **down**).

``Recreate`` scales every old ReplicaSet to zero first and waits for their pods to go.
A paused Deployment is only scaled, never rolled. Old ReplicaSets beyond
``revisionHistoryLimit`` are deleted; the rest make ``kubectl rollout undo`` possible.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kube_lab.api import pods as podutil
from kube_lab.api.intstr import scaled_value
from kube_lab.api.meta import (
    Obj,
    controller_of,
    deep_copy,
    get_condition,
    owner_reference,
    parse_timestamp,
    set_condition,
)
from kube_lab.api.selectors import from_label_selector
from kube_lab.controllers.base import Controller
from kube_lab.store import Key, WatchEvent

COMPONENT = "deployment-controller"
REVISION = "deployment.kubernetes.io/revision"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH_LABEL = "pod-template-hash"
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def template_hash(template: Obj, collision_count: int = 0) -> str:
    """A short, stable name for a pod template (FNV-32a, then ``rand.SafeEncodeString``)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":"))
    if collision_count:
        data += str(collision_count)
    value = 0x811C9DC5
    for byte in data.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "".join(_SAFE_ALPHABET[ord(ch) % len(_SAFE_ALPHABET)] for ch in str(value))


def fenceposts(deployment: Obj) -> tuple[int, int]:
    """``(maxSurge, maxUnavailable)`` in pods, resolved as Kubernetes resolves them."""
    replicas = int(deployment["spec"].get("replicas", 1))
    rolling = deployment["spec"].get("strategy", {}).get("rollingUpdate") or {}
    surge = scaled_value(rolling.get("maxSurge", "25%"), replicas, round_up=True)
    unavailable = scaled_value(rolling.get("maxUnavailable", "25%"), replicas, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # the API forbids both zero; Kubernetes guards against it anyway
    return surge, min(unavailable, replicas)


def revision(obj: Obj) -> int:
    return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0") or 0)


def _without_hash(template: Obj) -> Obj:
    copy = deep_copy(template)
    (copy.get("metadata") or {}).get("labels", {}).pop(HASH_LABEL, None)
    return copy


def _replicas(rs: Obj) -> int:
    return int(rs["spec"].get("replicas", 0))


def _available(rs: Obj) -> int:
    return int(rs.get("status", {}).get("availableReplicas", 0))


class DeploymentController(Controller):
    component = COMPONENT
    kind = "Deployment"
    owns = ("ReplicaSet", "Pod")

    def keys_for(self, event: WatchEvent) -> Iterable[Key]:
        """A deleted pod wakes its Deployment: a Recreate rollout waits for old pods to go."""
        obj = event.object
        if obj["kind"] != "Pod":
            return super().keys_for(event)
        ref = controller_of(obj)
        if event.type != "DELETED" or ref is None or ref["kind"] != "ReplicaSet":
            return ()
        rs = self.store.peek("ReplicaSet", ref["name"], obj["metadata"]["namespace"])
        owner = controller_of(rs) if rs is not None else None
        if owner is None or owner["kind"] != "Deployment":
            return ()
        return ((obj["metadata"]["namespace"], owner["name"]),)

    def reconcile(self, key: Key) -> float | None:
        namespace, name = key
        deployment = self.store.peek("Deployment", name, namespace)
        if deployment is None or deployment["metadata"].get("deletionTimestamp"):
            return None
        replica_sets = self._claim_replica_sets(deployment)
        new_rs, old = self._split(deployment, replica_sets)
        spec = deployment["spec"]
        if spec.get("paused"):
            self._scale_paused(deployment, new_rs, old)
        else:
            if new_rs is None:
                new_rs = self._create_new_rs(deployment, old)
            else:
                new_rs = self._sync_revision(deployment, new_rs, old)
            self._sync_deployment_revision(deployment, new_rs)
            if spec.get("strategy", {}).get("type") == "Recreate":
                self._recreate(deployment, new_rs, old)
            else:
                self._rolling_update(deployment, new_rs, old)
            self._cleanup(deployment, old)
        return self._sync_status(deployment)

    # -- finding our ReplicaSets -----------------------------------------------------------

    def _claim_replica_sets(self, deployment: Obj) -> list[Obj]:
        namespace = deployment["metadata"]["namespace"]
        uid = deployment["metadata"]["uid"]
        selector = from_label_selector(deployment["spec"].get("selector"))
        owned = []
        for rs in self.store.list("ReplicaSet", namespace):
            ref = controller_of(rs)
            if ref is not None and ref.get("uid") == uid:
                owned.append(rs)
            elif ref is None and selector.matches(rs["metadata"].get("labels")):
                adopted = deep_copy(rs)
                adopted["metadata"].setdefault("ownerReferences", []).append(
                    owner_reference(deployment)
                )
                owned.append(self.store.update(adopted))
        return owned

    def _split(self, deployment: Obj, replica_sets: list[Obj]) -> tuple[Obj | None, list[Obj]]:
        """The ReplicaSet whose template equals the Deployment's, and all the others."""
        wanted = _without_hash(deployment["spec"]["template"])
        new_rs = None
        for rs in sorted(replica_sets, key=lambda r: r["metadata"]["creationTimestamp"]):
            if new_rs is None and _without_hash(rs["spec"]["template"]) == wanted:
                new_rs = rs
        old = [rs for rs in replica_sets if rs is not new_rs]
        old.sort(key=lambda r: (r["metadata"]["creationTimestamp"], r["metadata"]["name"]))
        return new_rs, old

    def _create_new_rs(self, deployment: Obj, old: list[Obj]) -> Obj:
        meta = deployment["metadata"]
        collisions = int(deployment.get("status", {}).get("collisionCount", 0))
        pod_hash = template_hash(deployment["spec"]["template"], collisions)
        template = deep_copy(deployment["spec"]["template"])
        template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = pod_hash
        selector = deep_copy(deployment["spec"]["selector"])
        selector.setdefault("matchLabels", {})[HASH_LABEL] = pod_hash
        new_revision = max((revision(rs) for rs in old), default=0) + 1
        surge, _ = fenceposts(deployment)
        replicas = int(deployment["spec"].get("replicas", 1))
        annotations = {
            REVISION: str(new_revision),
            DESIRED_REPLICAS: str(replicas),
            MAX_REPLICAS: str(replicas + surge),
        }
        cause = (meta.get("annotations") or {}).get(CHANGE_CAUSE)
        if cause:
            annotations[CHANGE_CAUSE] = cause
        strategy = deployment["spec"].get("strategy", {}).get("type")
        start = (
            0 if old and (strategy == "Recreate" or any(_replicas(r) for r in old)) else replicas
        )
        rs = self.store.create(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": f"{meta['name']}-{pod_hash}",
                    "namespace": meta["namespace"],
                    "labels": dict(template["metadata"]["labels"]),
                    "annotations": annotations,
                    "ownerReferences": [owner_reference(deployment)],
                },
                "spec": {
                    "replicas": 0,
                    "minReadySeconds": int(deployment["spec"].get("minReadySeconds", 0)),
                    "selector": selector,
                    "template": template,
                },
            }
        )
        self._mark_progress(
            deployment,
            reason="NewReplicaSetCreated",
            message=f'Created new replica set "{rs["metadata"]["name"]}"',
        )
        if start:
            rs = self._scale(deployment, rs, start)
        return rs

    def _sync_revision(self, deployment: Obj, new_rs: Obj, old: list[Obj]) -> Obj:
        """A template seen before (a rollback) becomes the newest revision again."""
        wanted = max((revision(rs) for rs in old), default=0) + 1
        current = revision(new_rs)
        if current >= wanted and current != 0:
            return new_rs
        updated = deep_copy(new_rs)
        annotations = updated["metadata"].setdefault("annotations", {})
        annotations[REVISION] = str(wanted)
        cause = (deployment["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        if cause:
            annotations[CHANGE_CAUSE] = cause
        return self.store.update(updated)

    def _sync_deployment_revision(self, deployment: Obj, new_rs: Obj) -> None:
        """The Deployment carries the revision of its newest ReplicaSet, as on a cluster."""
        wanted = str(revision(new_rs))
        current = self.store.peek(
            "Deployment", deployment["metadata"]["name"], deployment["metadata"]["namespace"]
        )
        if (
            current is None
            or (current["metadata"].get("annotations") or {}).get(REVISION) == wanted
        ):
            return
        updated = deep_copy(current)
        updated["metadata"].setdefault("annotations", {})[REVISION] = wanted
        self.store.update(updated)

    # -- strategies ------------------------------------------------------------------------

    def _rolling_update(self, deployment: Obj, new_rs: Obj, old: list[Obj]) -> None:
        replicas = int(deployment["spec"].get("replicas", 1))
        surge, unavailable = fenceposts(deployment)
        active_old = [rs for rs in old if _replicas(rs) > 0]
        if not active_old:
            if _replicas(new_rs) != replicas:
                self._scale(deployment, new_rs, replicas)
            return
        # Scale up the new ReplicaSet as far as maxSurge allows.
        total = _replicas(new_rs) + sum(_replicas(rs) for rs in old)
        if _replicas(new_rs) > replicas:
            new_rs = self._scale(deployment, new_rs, replicas)
        elif total < replicas + surge:
            grow = min(replicas + surge - total, replicas - _replicas(new_rs))
            if grow > 0:
                new_rs = self._scale(deployment, new_rs, _replicas(new_rs) + grow)
        # Scale down old ReplicaSets as far as maxUnavailable allows.
        all_pods = _replicas(new_rs) + sum(_replicas(rs) for rs in active_old)
        min_available = replicas - unavailable
        new_unavailable = _replicas(new_rs) - _available(new_rs)
        budget = all_pods - min_available - new_unavailable
        if budget <= 0:
            return
        # First the old pods that are not available anyway: removing them costs nothing.
        for rs in active_old:
            unhealthy = _replicas(rs) - _available(rs)
            cut = min(budget, unhealthy)
            if cut > 0:
                self._scale(deployment, rs, _replicas(rs) - cut)
                budget -= cut
        old_now = [
            self.store.peek("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["namespace"])
            for rs in active_old
        ]
        live = [rs for rs in old_now if rs is not None]
        available = _available(new_rs) + sum(min(_available(rs), _replicas(rs)) for rs in live)
        budget = min(budget, available - min_available)
        for rs in live:
            if budget <= 0:
                break
            cut = min(budget, _replicas(rs))
            if cut > 0:
                self._scale(deployment, rs, _replicas(rs) - cut)
                budget -= cut

    def _recreate(self, deployment: Obj, new_rs: Obj, old: list[Obj]) -> None:
        for rs in old:
            if _replicas(rs) > 0:
                self._scale(deployment, rs, 0)
        uids = {rs["metadata"]["uid"] for rs in old}
        namespace = deployment["metadata"]["namespace"]
        old_pods = [
            p
            for p in self.store.list("Pod", namespace)
            if (ref := controller_of(p)) is not None
            and ref.get("uid") in uids
            and not podutil.is_terminal(p)
        ]
        replicas = int(deployment["spec"].get("replicas", 1))
        if not old_pods and _replicas(new_rs) != replicas:
            self._scale(deployment, new_rs, replicas)

    def _scale_paused(self, deployment: Obj, new_rs: Obj | None, old: list[Obj]) -> None:
        """A paused Deployment still follows ``spec.replicas``, on its newest ReplicaSet."""
        active = [rs for rs in ([new_rs] if new_rs else []) + old if _replicas(rs) > 0]
        target = new_rs if new_rs is not None else (active[-1] if active else None)
        if target is None:
            return
        replicas = int(deployment["spec"].get("replicas", 1))
        others = sum(_replicas(rs) for rs in active if rs is not target)
        wanted = max(0, replicas - others)
        if _replicas(target) != wanted:
            self._scale(deployment, target, wanted)

    def _scale(self, deployment: Obj, rs: Obj, replicas: int) -> Obj:
        current = self.store.peek("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["namespace"])
        assert current is not None
        before = _replicas(current)
        surge, _ = fenceposts(deployment)
        wanted = int(deployment["spec"].get("replicas", 1))
        updated = deep_copy(current)
        updated["spec"]["replicas"] = replicas
        annotations = updated["metadata"].setdefault("annotations", {})
        annotations[DESIRED_REPLICAS] = str(wanted)
        annotations[MAX_REPLICAS] = str(wanted + surge)
        result = self.store.update(updated)
        if before != replicas:
            direction = "up" if replicas > before else "down"
            self.recorder.record(
                deployment,
                type="Normal",
                reason="ScalingReplicaSet",
                message=(
                    f"Scaled {direction} replica set {rs['metadata']['name']} "
                    f"to {replicas} from {before}"
                ),
                component=COMPONENT,
            )
        return result

    def _cleanup(self, deployment: Obj, old: list[Obj]) -> None:
        """Keep at most ``revisionHistoryLimit`` old, scaled-down ReplicaSets."""
        limit = int(deployment["spec"].get("revisionHistoryLimit", 10))
        idle = [
            rs
            for rs in old
            if _replicas(rs) == 0
            and not rs.get("status", {}).get("replicas")
            and (
                current := self.store.peek(
                    "ReplicaSet", rs["metadata"]["name"], rs["metadata"]["namespace"]
                )
            )
            is not None
            and _replicas(current) == 0
        ]
        idle.sort(key=revision)
        for rs in idle[: max(0, len(idle) - limit)]:
            self.store.delete("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["namespace"])

    # -- status ----------------------------------------------------------------------------

    def _mark_progress(self, deployment: Obj, *, reason: str, message: str) -> None:
        current = self.store.peek(
            "Deployment", deployment["metadata"]["name"], deployment["metadata"]["namespace"]
        )
        if current is None:
            return
        updated = {**current, "status": deep_copy(current.get("status") or {})}
        set_condition(
            updated,
            {
                "type": "Progressing",
                "status": "True",
                "reason": reason,
                "message": message,
                "lastUpdateTime": None,
            },
            self.engine.now,
        )
        self.store.update_status(updated)

    def _sync_status(self, deployment: Obj) -> float | None:
        current = self.store.peek(
            "Deployment", deployment["metadata"]["name"], deployment["metadata"]["namespace"]
        )
        if current is None:
            return None
        replica_sets = [
            rs
            for rs in self.store.list("ReplicaSet", current["metadata"]["namespace"])
            if (ref := controller_of(rs)) is not None
            and ref.get("uid") == current["metadata"]["uid"]
        ]
        new_rs, old = self._split(current, replica_sets)
        spec = current["spec"]
        wanted = int(spec.get("replicas", 1))
        statuses = [rs.get("status", {}) for rs in replica_sets]
        available = sum(s.get("availableReplicas", 0) for s in statuses)
        total = sum(s.get("replicas", 0) for s in statuses)
        updated_count = (new_rs or {}).get("status", {}).get("replicas", 0) if new_rs else 0
        status = deep_copy(current.get("status") or {})
        status.update(
            {
                "observedGeneration": current["metadata"].get("generation", 1),
                "replicas": total,
                "updatedReplicas": updated_count,
                "readyReplicas": sum(s.get("readyReplicas", 0) for s in statuses),
                "availableReplicas": available,
                "unavailableReplicas": max(0, wanted - available),
            }
        )
        for field in (
            "replicas",
            "updatedReplicas",
            "readyReplicas",
            "availableReplicas",
            "unavailableReplicas",
        ):
            if not status[field]:
                del status[field]
        updated = {**current, "status": status}
        _, max_unavailable = fenceposts(current)
        now = self.engine.now
        if available >= wanted - max_unavailable:
            set_condition(
                updated,
                {
                    "type": "Available",
                    "status": "True",
                    "reason": "MinimumReplicasAvailable",
                    "message": "Deployment has minimum availability.",
                    "lastUpdateTime": None,
                },
                now,
            )
        else:
            set_condition(
                updated,
                {
                    "type": "Available",
                    "status": "False",
                    "reason": "MinimumReplicasUnavailable",
                    "message": "Deployment does not have minimum availability.",
                    "lastUpdateTime": None,
                },
                now,
            )
        retry = self._progress_condition(updated, new_rs, old, now)
        if updated != current:
            self.store.update_status(updated)
        return retry

    def _progress_condition(
        self, deployment: Obj, new_rs: Obj | None, old: list[Obj], now: float
    ) -> float | None:
        """Progressing: paused, still rolling, complete, or past ``progressDeadlineSeconds``."""
        spec = deployment["spec"]
        status = deployment["status"]
        wanted = int(spec.get("replicas", 1))
        cond = get_condition(deployment, "Progressing")
        if spec.get("paused"):
            set_condition(
                deployment,
                {
                    "type": "Progressing",
                    "status": "Unknown",
                    "reason": "DeploymentPaused",
                    "message": "Deployment is paused",
                    "lastUpdateTime": None,
                },
                now,
            )
            return None
        if cond is not None and cond.get("reason") == "DeploymentPaused":
            set_condition(
                deployment,
                {
                    "type": "Progressing",
                    "status": "Unknown",
                    "reason": "DeploymentResumed",
                    "message": "Deployment is resumed",
                    "lastUpdateTime": None,
                },
                now,
            )
        if new_rs is None:
            return None
        rs_name = new_rs["metadata"]["name"]
        complete = (
            status.get("updatedReplicas", 0) == wanted
            and status.get("replicas", 0) == wanted
            and status.get("availableReplicas", 0) == wanted
        )
        if complete:
            set_condition(
                deployment,
                {
                    "type": "Progressing",
                    "status": "True",
                    "reason": "NewReplicaSetAvailable",
                    "message": f'ReplicaSet "{rs_name}" has successfully progressed.',
                    "lastUpdateTime": None,
                },
                now,
            )
            return None
        deadline = int(spec.get("progressDeadlineSeconds", 600))
        cond = get_condition(deployment, "Progressing")
        if cond is not None and cond.get("reason") == "ProgressDeadlineExceeded":
            return None
        progressed = self._progressed(deployment)
        if (
            progressed
            or cond is None
            or cond.get("reason")
            not in ("ReplicaSetUpdated", "NewReplicaSetCreated", "FoundNewReplicaSet")
        ):
            set_condition(
                deployment,
                {
                    "type": "Progressing",
                    "status": "True",
                    "reason": "ReplicaSetUpdated",
                    "message": f'ReplicaSet "{rs_name}" is progressing.',
                    "lastUpdateTime": None,
                },
                now,
                touch=progressed,
            )
            return float(deadline)
        since = parse_timestamp(get_condition(deployment, "Progressing")["lastUpdateTime"])  # type: ignore[index]
        if now - since >= deadline:
            set_condition(
                deployment,
                {
                    "type": "Progressing",
                    "status": "False",
                    "reason": "ProgressDeadlineExceeded",
                    "message": f'ReplicaSet "{rs_name}" has timed out progressing.',
                    "lastUpdateTime": None,
                },
                now,
            )
            self.recorder.record(
                deployment,
                type="Warning",
                reason="ProgressDeadlineExceeded",
                message=f'ReplicaSet "{rs_name}" has timed out progressing.',
                component=COMPONENT,
            )
            return None
        return since + deadline - now

    def _progressed(self, deployment: Obj) -> bool:
        """Did the counts move since the last status we wrote?"""
        stored = self.store.peek(
            "Deployment", deployment["metadata"]["name"], deployment["metadata"]["namespace"]
        )
        old = (stored or {}).get("status", {})
        new = deployment["status"]
        return any(
            old.get(k, 0) != new.get(k, 0)
            for k in ("updatedReplicas", "availableReplicas", "replicas", "readyReplicas")
        )
