"""The kubelet's heartbeat: how the control plane knows a node is alive.

Two signals, as since Kubernetes 1.17: every 10 s (a quarter of the 40 s lease duration)
the kubelet renews its ``Lease`` in the ``kube-node-lease`` namespace, a tiny write; and
it posts the Node's status (conditions with ``lastHeartbeatTime``) when something changed,
or every 5 minutes (``nodeStatusReportFrequency``) when nothing did. A node that stops
renewing its lease is noticed by the node lifecycle controller.
"""

from __future__ import annotations

from typing import Any

from kube_lab.api.meta import deep_copy, owner_reference, parse_timestamp, timestamp
from kube_lab.engine import Engine, Timer
from kube_lab.store import Store

LEASE_NAMESPACE = "kube-node-lease"
LEASE_DURATION_SECONDS = 40
RENEW_INTERVAL = LEASE_DURATION_SECONDS / 4
STATUS_REPORT_FREQUENCY = 300.0

NODE_CONDITIONS = (
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)


def micro_time(seconds: float) -> str:
    """``metav1.MicroTime``: RFC 3339 with microseconds, as Lease renew times are written."""
    return timestamp(seconds).replace("Z", f".{int(seconds % 1 * 1e6):06d}Z")


def healthy_conditions(previous: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
    """The conditions a healthy kubelet posts; transition times kept where unchanged."""
    before = {c["type"]: c for c in previous}
    stamp = timestamp(now)
    conditions = []
    for cond_type, status, reason, message in NODE_CONDITIONS:
        old = before.get(cond_type, {})
        same = old.get("status") == status
        conditions.append(
            {
                "type": cond_type,
                "status": status,
                "lastHeartbeatTime": stamp,
                "lastTransitionTime": old.get("lastTransitionTime", stamp) if same else stamp,
                "reason": reason,
                "message": message,
            }
        )
    return conditions


class Heartbeat:
    """Renews the node's Lease and reports its status while the kubelet runs."""

    def __init__(self, *, node_name: str, store: Store, engine: Engine) -> None:
        self.node_name = node_name
        self.store = store
        self.engine = engine
        self._timers: list[Timer] = []

    def start(self) -> None:
        self.post_status()
        self._renew()

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def _renew(self) -> None:
        lease = self.store.peek("Lease", self.node_name, LEASE_NAMESPACE)
        now = self.engine.now
        node = self.store.peek("Node", self.node_name)
        if lease is None and node is not None:  # (a deleted Node has no Lease to renew)
            self.store.create(
                {
                    "apiVersion": "coordination.k8s.io/v1",
                    "kind": "Lease",
                    "metadata": {
                        "name": self.node_name,
                        "namespace": LEASE_NAMESPACE,
                        "ownerReferences": [owner_reference(node, controller=False)],
                    },
                    "spec": {
                        "holderIdentity": self.node_name,
                        "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                        "renewTime": micro_time(now),
                    },
                }
            )
        elif lease is not None:  # a tiny write every 10 s per node: no deep copies
            renewed = {
                **lease,
                "metadata": dict(lease["metadata"]),
                "spec": {**lease["spec"], "renewTime": micro_time(now)},
            }
            self.store.update(renewed, handed_over=True)
        self._timers = [t for t in self._timers if not t.cancelled and t.when > now]
        self._timers.append(self.engine.call_later(RENEW_INTERVAL, self._renew))
        node = self.store.peek("Node", self.node_name)
        ready = next(
            (
                c
                for c in (node or {}).get("status", {}).get("conditions", [])
                if c["type"] == "Ready"
            ),
            None,
        )
        if (
            ready is not None
            and now - _parse(ready.get("lastHeartbeatTime")) >= STATUS_REPORT_FREQUENCY
        ):
            self.post_status()

    def post_status(self) -> None:
        node = self.store.peek("Node", self.node_name)
        if node is None:
            return
        updated = {**node, "status": deep_copy(node.get("status") or {})}
        updated["status"]["conditions"] = healthy_conditions(
            updated["status"].get("conditions") or [], self.engine.now
        )
        self.store.update_status(updated)


def _parse(stamp: str | None) -> float:
    return parse_timestamp(stamp) if stamp else float("-inf")
