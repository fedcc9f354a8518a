"""Resource metrics: what ``kubectl top`` shows and the autoscaler reads.

As metrics-server, which scrapes every kubelet every 15 s: a pod's CPU usage is the work
its requests cost over the last window (see :mod:`kube_lab.traffic`) plus a small idle
cost, capped by its CPU limit; its memory is simulated as a base plus a share of its
memory request. Nodes add what the system itself uses. Only running pods have metrics,
and a pod has none until its first scrape, as on a real cluster.
"""

from __future__ import annotations

from typing import NamedTuple

from kube_lab.api.meta import Obj, get_condition
from kube_lab.api.quantity import int_value, milli_value
from kube_lab.engine import Engine
from kube_lab.store import Store
from kube_lab.traffic import LoadGenerator

RESOLUTION = 15.0  # metrics-server's default --metric-resolution
IDLE_CPU = 1  # millicores a waiting server burns
BASE_MEMORY = 10 * 2**20  # bytes
MEMORY_SHARE = 0.25  # of the memory request, in use
SYSTEM_CPU = 100  # millicores for the node's own daemons (kubelet, runtime)
SYSTEM_MEMORY = 600 * 2**20


class Usage(NamedTuple):
    cpu: int  # millicores
    memory: int  # bytes
    window: float  # seconds the sample covers


def _container_total(pod: Obj, section: str, resource: str) -> int | None:
    total, seen = 0, False
    for container in pod["spec"].get("containers") or []:
        value = (container.get("resources") or {}).get(section, {}).get(resource)
        if value is not None:
            seen = True
            total += milli_value(value) if resource == "cpu" else int_value(value)
    return total if seen else None


def cpu_request(pod: Obj) -> int | None:
    """The pod's CPU request in millicores, or None when a container has none."""
    containers = pod["spec"].get("containers") or []
    if any("cpu" not in ((c.get("resources") or {}).get("requests") or {}) for c in containers):
        return None
    return _container_total(pod, "requests", "cpu")


class MetricsServer:
    """Samples pod usage every :data:`RESOLUTION` seconds."""

    def __init__(self, *, store: Store, engine: Engine, load: LoadGenerator) -> None:
        self._store = store
        self._engine = engine
        self._load = load
        self.pods: dict[str, Usage] = {}
        self._scraped = False
        self._static: dict[str, tuple[str, int | None, int]] = {}  # uid -> key, limit, memory
        engine.call_later(RESOLUTION, self._scrape)

    def _scrape(self) -> None:
        work = self._load.take_work()
        usage = {}
        static, self._static = self._static, {}
        # The hot loop of a large simulation: every pod, every 15 s. Kept lean on purpose.
        for pod in self._store.scan("Pod"):
            meta = pod["metadata"]
            if (pod.get("status") or {}).get("phase") != "Running" or meta.get("deletionTimestamp"):
                continue  # only running pods that are not being deleted have metrics
            known = static.get(meta["uid"])
            if known is None:  # limits and requests never change: read them once per pod
                request = _container_total(pod, "requests", "memory") or 0
                memory = BASE_MEMORY + int(request * MEMORY_SHARE)
                key = f"{meta['namespace']}/{meta['name']}"
                known = (key, _container_total(pod, "limits", "cpu"), memory)
            self._static[meta["uid"]] = known
            key, limit, memory = known
            cpu = IDLE_CPU + round(work.get(key, 0.0) / RESOLUTION)
            usage[key] = Usage(cpu if limit is None else min(cpu, limit), memory, RESOLUTION)
        self.pods = usage
        self._scraped = True
        self._engine.call_later(RESOLUTION, self._scrape)

    def pod(self, namespace: str, name: str) -> Usage | None:
        return self.pods.get(f"{namespace}/{name}")

    def node(self, node_name: str) -> Usage | None:
        """A node's usage, or None before the first scrape or while its kubelet is silent."""
        node = self._store.peek("Node", node_name)
        ready = get_condition(node, "Ready") if node is not None else None
        if not self._scraped or ready is None or ready.get("status") != "True":
            return None
        cpu, memory = SYSTEM_CPU, SYSTEM_MEMORY
        for pod in self._store.list("Pod"):
            if pod["spec"].get("nodeName") == node_name:
                sample = self.pod(pod["metadata"]["namespace"], pod["metadata"]["name"])
                if sample is not None:
                    cpu += sample.cpu
                    memory += sample.memory
        return Usage(cpu, memory, RESOLUTION)
