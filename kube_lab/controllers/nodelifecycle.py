"""The node lifecycle controller: notice dead nodes and taint them.

As ``pkg/controller/nodelifecycle``: every ``nodeMonitorPeriod`` (5 s) it checks each node's
last heartbeat (its Lease renewal, or its status). A node silent for longer than
``nodeMonitorGracePeriod`` gets its conditions set to ``Unknown`` ("Kubelet stopped posting
node status."), its pods marked not ready (so Services stop sending them traffic), and the
``node.kubernetes.io/unreachable`` taints: ``NoSchedule`` keeps new pods away, ``NoExecute``
starts the eviction clock of the pods already there (see the taint eviction controller).
When heartbeats return the taints go.

The grace period is 50 s, the default since Kubernetes 1.32 (it was 40 s before).
"""

from __future__ import annotations

from typing import Any

from kube_lab.api.meta import Obj, deep_copy, get_condition, parse_timestamp, timestamp
from kube_lab.api.taints import NOT_READY, UNREACHABLE
from kube_lab.engine import Engine
from kube_lab.events import EventRecorder
from kube_lab.kubelet.heartbeat import LEASE_NAMESPACE
from kube_lab.store import Store

COMPONENT = "node-controller"
NODE_MONITOR_PERIOD = 5.0
NODE_MONITOR_GRACE_PERIOD = 50.0
_UNKNOWN_MESSAGE = "Kubelet stopped posting node status."


def _heartbeat(node: Obj, lease: Obj | None) -> float:
    """The latest sign of life: the Lease renewal or the Ready condition's heartbeat."""
    times = []
    ready = get_condition(node, "Ready")
    if ready is not None and ready.get("lastHeartbeatTime"):
        times.append(parse_timestamp(ready["lastHeartbeatTime"]))
    if lease is not None and lease["spec"].get("renewTime"):
        times.append(parse_timestamp(lease["spec"]["renewTime"].split(".")[0] + "Z"))
    return max(times, default=parse_timestamp(node["metadata"]["creationTimestamp"]))


def _wanted_taints(ready: str) -> list[tuple[str, str]]:
    """(key, effect) taints for a Ready status, as ``TaintNodesByCondition`` and eviction."""
    key = {"Unknown": UNREACHABLE, "False": NOT_READY}.get(ready)
    return [(key, "NoSchedule"), (key, "NoExecute")] if key else []


class NodeLifecycleController:
    """Watches heartbeats from afar; never talks to a kubelet."""

    def __init__(
        self,
        *,
        store: Store,
        engine: Engine,
        recorder: EventRecorder,
        grace_period: float = NODE_MONITOR_GRACE_PERIOD,
        monitor_period: float = NODE_MONITOR_PERIOD,
    ) -> None:
        if grace_period <= 0 or monitor_period <= 0:
            raise ValueError("grace_period and monitor_period must be positive")
        self.store = store
        self.engine = engine
        self.recorder = recorder
        self.grace_period = grace_period
        self.monitor_period = monitor_period
        engine.call_later(monitor_period, self._monitor)

    def _monitor(self) -> None:
        now = self.engine.now
        for node in self.store.list("Node"):
            name = node["metadata"]["name"]
            lease = self.store.peek("Lease", name, LEASE_NAMESPACE)
            ready = get_condition(node, "Ready") or {}
            silent = now - _heartbeat(node, lease) > self.grace_period
            if silent and ready.get("status") != "Unknown":
                node = self._mark_unknown(node)
                self._mark_pods_not_ready(name)
            self._reconcile_taints(node)
        self.engine.call_later(self.monitor_period, self._monitor)

    def _mark_unknown(self, node: Obj) -> Obj:
        updated = {**node, "status": deep_copy(node.get("status") or {})}
        stamp = timestamp(self.engine.now)
        for cond in updated["status"].get("conditions") or []:
            cond.update(
                status="Unknown",
                reason="NodeStatusUnknown",
                message=_UNKNOWN_MESSAGE,
                lastTransitionTime=stamp,
            )
        name = node["metadata"]["name"]
        self.recorder.record(
            node,
            type="Normal",
            reason="NodeNotReady",
            message=f"Node {name} status is now: NodeNotReady",
            component=COMPONENT,
        )
        return self.store.update_status(updated)

    def _mark_pods_not_ready(self, node_name: str) -> None:
        """``MarkPodsNotReady``: their kubelet cannot vouch for them any more."""
        for pod in self.store.list("Pod"):
            if pod["spec"].get("nodeName") != node_name:
                continue
            ready = get_condition(pod, "Ready")
            if ready is None or ready.get("status") == "False":
                continue
            updated = {**pod, "status": deep_copy(pod.get("status") or {})}
            for cond in updated["status"]["conditions"]:
                if cond["type"] == "Ready":
                    cond.update(status="False", lastTransitionTime=timestamp(self.engine.now))
            self.store.update_status(updated)
            self.recorder.record(
                pod,
                type="Warning",
                reason="NodeNotReady",
                message="Node is not ready",
                component=COMPONENT,
            )

    def _reconcile_taints(self, node: Obj) -> None:
        ready = (get_condition(node, "Ready") or {}).get("status", "Unknown")
        wanted = _wanted_taints(ready)
        ours = (UNREACHABLE, NOT_READY)
        taints: list[dict[str, Any]] = (node.get("spec") or {}).get("taints") or []
        kept = [t for t in taints if t.get("key") not in ours or (t["key"], t["effect"]) in wanted]
        present = {(t["key"], t["effect"]) for t in kept}
        added = [
            {"key": key, "effect": effect, "timeAdded": timestamp(self.engine.now)}
            if effect == "NoExecute"
            else {"key": key, "effect": effect}
            for key, effect in wanted
            if (key, effect) not in present
        ]
        if kept == taints and not added:
            return
        updated = deep_copy(node)
        updated.setdefault("spec", {})["taints"] = kept + added
        if not updated["spec"]["taints"]:
            del updated["spec"]["taints"]
        updated["metadata"].pop("resourceVersion", None)
        self.store.update(updated)
