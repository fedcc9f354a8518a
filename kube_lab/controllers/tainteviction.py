"""The taint eviction controller: pods leave nodes whose ``NoExecute`` taints they do not
tolerate, once their ``tolerationSeconds`` run out.

Every pod gets, by admission, a 300 s toleration of ``node.kubernetes.io/unreachable`` and
``not-ready``; so when a node dies, its pods are evicted about five minutes after the
node lifecycle controller taints it, and their ReplicaSets recreate them elsewhere.
Evicted pods stay ``Terminating`` until their kubelet, if it ever comes back, confirms.
"""

from __future__ import annotations

from kube_lab.api.meta import Obj, parse_timestamp
from kube_lab.api.pods import is_active
from kube_lab.api.taints import toleration_seconds
from kube_lab.engine import Engine, Timer
from kube_lab.events import EventRecorder
from kube_lab.store import Store, WatchEvent

COMPONENT = "taint-eviction-controller"


class TaintEvictionController:
    """One timer per pod on a ``NoExecute``-tainted node."""

    def __init__(self, *, store: Store, engine: Engine, recorder: EventRecorder) -> None:
        self.store = store
        self.engine = engine
        self.recorder = recorder
        self._timers: dict[tuple[str, str], tuple[str, Timer]] = {}  # pod -> (node, timer)
        self._dirty: set[str] = set()
        store.watch(self._on_event, kinds=("Node", "Pod"))

    def _on_event(self, event: WatchEvent) -> None:
        obj = event.object
        if obj["kind"] == "Node":
            node = obj["metadata"]["name"]
        else:
            node = obj["spec"].get("nodeName")
            # Most pod changes happen on healthy nodes: nothing to do for them.
            if not node or not (self._taints(node) or node in self._timed_nodes()):
                return
        if not self._dirty:
            self.engine.call_soon(self._sync)
        self._dirty.add(node)

    def _taints(self, node_name: str) -> list[dict]:
        node = self.store.peek("Node", node_name) or {}
        taints = node.get("spec", {}).get("taints") or []
        return [t for t in taints if t.get("effect") == "NoExecute"]

    def _timed_nodes(self) -> set[str]:
        return {node for node, _ in self._timers.values()}

    def _sync(self) -> None:
        nodes, self._dirty = sorted(self._dirty), set()
        timed = self._timed_nodes()
        for name in nodes:
            taints = self._taints(name)
            if not taints and name not in timed:
                continue
            for pod in self.store.list("Pod"):
                if pod["spec"].get("nodeName") == name:
                    self._schedule(pod, taints)

    def _schedule(self, pod: Obj, taints: list[dict]) -> None:
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        deadline = self._deadline(pod, taints)
        pending = self._timers.get(key)
        if pending is not None and (deadline is None or pending[1].when != deadline):
            pending[1].cancel()
            del self._timers[key]
        if deadline is None or key in self._timers:
            return
        timer = self.engine.call_at(deadline, lambda: self._evict(key))
        self._timers[key] = (pod["spec"]["nodeName"], timer)

    def _deadline(self, pod: Obj, taints: list[dict]) -> float | None:
        if not taints or not is_active(pod):
            return None
        tolerations = pod["spec"].get("tolerations") or []
        deadlines = []
        for taint in taints:
            seconds = toleration_seconds(tolerations, taint)
            added = (
                parse_timestamp(taint["timeAdded"]) if taint.get("timeAdded") else self.engine.now
            )
            deadlines.append(added if seconds is None else added + seconds)
        soonest = min(deadlines)
        return None if soonest == float("inf") else max(soonest, self.engine.now)

    def _evict(self, key: tuple[str, str]) -> None:
        self._timers.pop(key, None)
        pod = self.store.peek("Pod", key[1], key[0])
        if pod is None or not is_active(pod):
            return
        self.recorder.record(
            pod,
            type="Normal",
            reason="TaintManagerEviction",
            message=f"Marking for deletion Pod {key[0]}/{key[1]}",
            component=COMPONENT,
        )
        self.store.delete("Pod", key[1], key[0])
