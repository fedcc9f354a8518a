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


def _available_replicas(rs: Obj) -> int:
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
        new_unavailable = _replicas(new_rs) - _available_replicas(new_rs)
        budget = all_pods - min_available - new_unavailable
        if budget <= 0:
            return
        # First the old pods that are not available anyway: removing them costs nothing.
        for rs in active_old:
            unhealthy = _replicas(rs) - _available_replicas(rs)
            cut = min(budget, unhealthy)
            if cut > 0:
                self._scale(deployment, rs, _replicas(rs) - cut)
                budget -= cut
        old_now = [
            self.store.peek("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["namespace"])
            for rs in active_old
        ]
        live = [rs for rs in old_now if rs is not None]
        available = _available_replicas(new_rs) + sum(
            min(_available_replicas(rs), _replicas(rs)) for rs in live
        )
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

    def _peek(self, deployment: Obj) -> Obj | None:
        meta = deployment["metadata"]
        return self.store.peek("Deployment", meta["name"], meta["namespace"])

    def _mark_progress(self, deployment: Obj, *, reason: str, message: str) -> None:
        current = self._peek(deployment)
        if current is None:
            return
        updated = {**current, "status": deep_copy(current.get("status") or {})}
        _progressing(updated, "True", reason, message, self.engine.now, touch=True)
        self.store.update_status(updated)

    def _sync_status(self, deployment: Obj) -> float | None:
        """Counts from the ReplicaSets, then the Available and Progressing conditions."""
        current = self._peek(deployment)
        if current is None:
            return None
        uid = current["metadata"]["uid"]
        replica_sets = [
            rs
            for rs in self.store.list("ReplicaSet", current["metadata"]["namespace"])
            if (ref := controller_of(rs)) is not None and ref.get("uid") == uid
        ]
        new_rs, _ = self._split(current, replica_sets)
        wanted = int(current["spec"].get("replicas", 1))
        totals = {
            field: sum(rs.get("status", {}).get(field, 0) for rs in replica_sets)
            for field in ("replicas", "readyReplicas", "availableReplicas")
        }
        counts = {
            **totals,
            "updatedReplicas": new_rs.get("status", {}).get("replicas", 0) if new_rs else 0,
            "unavailableReplicas": max(0, wanted - totals["availableReplicas"]),
        }
        status = deep_copy(current.get("status") or {})
        for field in COUNT_FIELDS:
            status.pop(field, None)
        status["observedGeneration"] = current["metadata"].get("generation", 1)
        status.update({field: value for field, value in counts.items() if value})
        updated = {**current, "status": status}
        _, max_unavailable = fenceposts(current)
        now = self.engine.now
        if counts["availableReplicas"] >= wanted - max_unavailable:
            _available(updated, "True", "MinimumReplicasAvailable", now)
        else:
            _available(updated, "False", "MinimumReplicasUnavailable", now)
        retry = self._progress(updated, new_rs, counts, now)
        if updated != current:
            self.store.update_status(updated)
        return retry

    def _progress(
        self, deployment: Obj, new_rs: Obj | None, counts: dict[str, int], now: float
    ) -> float | None:
        """Progressing: paused, rolling, complete, or past ``progressDeadlineSeconds``.

        Returns when to look again: at the deadline, while a rollout is under way.
        """
        spec = deployment["spec"]
        cond = get_condition(deployment, "Progressing") or {}
        if spec.get("paused"):
            _progressing(deployment, "Unknown", "DeploymentPaused", "Deployment is paused", now)
            return None
        if cond.get("reason") == "DeploymentPaused":
            _progressing(deployment, "Unknown", "DeploymentResumed", "Deployment is resumed", now)
        if new_rs is None:
            return None
        rs_name = new_rs["metadata"]["name"]
        wanted = int(spec.get("replicas", 1))
        fields = ("updatedReplicas", "replicas", "availableReplicas")
        if all(counts[field] == wanted for field in fields):
            message = f'ReplicaSet "{rs_name}" has successfully progressed.'
            _progressing(deployment, "True", "NewReplicaSetAvailable", message, now)
            return None
        cond = get_condition(deployment, "Progressing") or {}
        if cond.get("reason") == "ProgressDeadlineExceeded":
            return None
        deadline = int(spec.get("progressDeadlineSeconds", 600))
        stored = (self._peek(deployment) or {}).get("status", {})
        progressed = any(stored.get(f, 0) != counts[f] for f in (*fields, "readyReplicas"))
        if progressed or cond.get("reason") not in ROLLING_REASONS:
            message = f'ReplicaSet "{rs_name}" is progressing.'
            _progressing(deployment, "True", "ReplicaSetUpdated", message, now, touch=progressed)
            return float(deadline)
        since = parse_timestamp(cond["lastUpdateTime"])
        if now - since < deadline:
            return since + deadline - now
        message = f'ReplicaSet "{rs_name}" has timed out progressing.'
        _progressing(deployment, "False", "ProgressDeadlineExceeded", message, now)
        self.recorder.record(
            deployment,
            type="Warning",
            reason="ProgressDeadlineExceeded",
            message=message,
            component=COMPONENT,
        )
        return None


COUNT_FIELDS = (
    "replicas",
    "updatedReplicas",
    "readyReplicas",
    "availableReplicas",
    "unavailableReplicas",
)
ROLLING_REASONS = ("ReplicaSetUpdated", "NewReplicaSetCreated", "FoundNewReplicaSet")
_AVAILABLE_MESSAGES = {
    "MinimumReplicasAvailable": "Deployment has minimum availability.",
    "MinimumReplicasUnavailable": "Deployment does not have minimum availability.",
}


def _available(deployment: Obj, status: str, reason: str, now: float) -> None:
    condition = {
        "type": "Available",
        "status": status,
        "reason": reason,
        "message": _AVAILABLE_MESSAGES[reason],
        "lastUpdateTime": None,
    }
    set_condition(deployment, condition, now)


def _progressing(
    deployment: Obj, status: str, reason: str, message: str, now: float, *, touch: bool = False
) -> None:
    condition = {
        "type": "Progressing",
        "status": status,
        "reason": reason,
        "message": message,
        "lastUpdateTime": None,
    }
    set_condition(deployment, condition, now, touch=touch)
