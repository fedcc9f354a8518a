"""Traffic: kube-proxy's load balancing, and a steady load that costs CPU.

kube-proxy in its default iptables mode picks one *ready* endpoint of a Service uniformly
at random for every new connection. :meth:`Proxy.send` does that for N requests at once,
vectorised (one multinomial draw, not a Python loop per request), from the cluster's seeded
random stream, so the split is the same on every run of a seed. A request to a Service with
no ready endpoint fails (a real client sees "connection refused").

:class:`LoadGenerator` sends a steady ``rps`` to a Service, second by second; each request
costs the serving pod some CPU (``cpu_per_request`` millicore-seconds), which
:mod:`kube_lab.metrics` turns into the usage ``kubectl top`` and the autoscaler see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from kube_lab.api.errors import NotFound
from kube_lab.api.quantity import milli_value
from kube_lab.controllers.endpoints import SERVICE_NAME_LABEL
from kube_lab.engine import Engine
from kube_lab.store import Store, WatchEvent


class Traffic(dict[str, int]):
    """Requests served per pod name; ``failed`` counts those no endpoint could take."""

    def __init__(self, served: dict[str, int], failed: int) -> None:
        super().__init__(served)
        self.failed = failed

    @property
    def total(self) -> int:
        return sum(self.values()) + self.failed

    def __repr__(self) -> str:
        return f"Traffic({dict(self)!r}, failed={self.failed})"


class Proxy:
    """Where a Service's requests go, as kube-proxy decides it.

    Like kube-proxy, it watches EndpointSlices and keeps, per Service, the list of ready
    endpoints, so sending traffic reads no object at all.
    """

    def __init__(self, store: Store, rng: np.random.Generator) -> None:
        self._store = store
        self._rng = rng
        self._ready: dict[tuple[str, str], dict[str, list[str]]] = {}  # service -> slice -> pods
        self._sorted: dict[tuple[str, str], list[str]] = {}  # the same, flattened and sorted
        store.watch(self._on_slice, kinds=("EndpointSlice",))

    def _on_slice(self, event: WatchEvent) -> None:
        meta = event.object["metadata"]
        service = (meta["namespace"], (meta.get("labels") or {}).get(SERVICE_NAME_LABEL, ""))
        slices = self._ready.setdefault(service, {})
        self._sorted.pop(service, None)
        if event.type == "DELETED":
            slices.pop(meta["name"], None)
            return
        slices[meta["name"]] = [
            endpoint["targetRef"]["name"]
            for endpoint in event.object.get("endpoints") or []
            if endpoint["conditions"].get("ready") and endpoint.get("targetRef")
        ]

    def ready_endpoints(self, service: str, namespace: str) -> list[str]:
        """Names of the pods behind the Service's ready endpoints, sorted."""
        if self._store.peek("Service", service, namespace) is None:
            names = ", ".join(s["metadata"]["name"] for s in self._store.list("Service", namespace))
            raise NotFound(
                f'services "{service}" not found (services in "{namespace}": {names or "none"})'
            )
        key = (namespace, service)
        cached = self._sorted.get(key)
        if cached is None:
            slices = self._ready.get(key, {})
            cached = self._sorted[key] = sorted(pod for pods in slices.values() for pod in pods)
        return cached

    def send(self, service: str, namespace: str, requests: int) -> Traffic:
        if requests < 0:
            raise ValueError("requests must not be negative")
        pods = self.ready_endpoints(service, namespace)
        if not pods:
            return Traffic({}, requests)
        return self.split(pods, requests)

    def split(self, pods: list[str], requests: int) -> Traffic:
        """``requests`` spread uniformly at random over ``pods`` (one multinomial draw)."""
        counts = self._rng.multinomial(requests, [1 / len(pods)] * len(pods))
        return Traffic({p: int(c) for p, c in zip(pods, counts, strict=True) if c}, 0)


@dataclass
class Load:
    service: str
    namespace: str
    rps: float
    cpu_per_request: int  # millicore-seconds
    carry: float = 0.0  # fractional requests not yet sent
    pending: int = 0  # requests sent to ``endpoints`` but not yet split among them
    endpoints: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Second:
    """What a load did in one simulated second."""

    served: int
    failed: int


class LoadGenerator:
    """Steady loads on Services, sent once per simulated second.

    Each second's requests go to the ready endpoints of that second; while the endpoints
    stay the same, their split among pods is drawn once for the whole stretch (a sum of
    uniform multinomials is one multinomial), just before the metrics read it or the
    endpoints change. Same distribution, a fraction of the cost.
    """

    def __init__(self, *, proxy: Proxy, engine: Engine) -> None:
        self._proxy = proxy
        self._engine = engine
        self.loads: dict[tuple[str, str], Load] = {}
        #: millicore-seconds of work done per pod since the metrics last read it
        self._work: dict[str, float] = defaultdict(float)
        self.last: dict[tuple[str, str], Second] = {}
        self._ticking = False

    def take_work(self) -> dict[str, float]:
        """The work done per pod (``namespace/name``) since the last call."""
        for load in self.loads.values():
            self._split(load)
        work, self._work = self._work, defaultdict(float)
        return work

    def set(self, service: str, namespace: str, *, rps: float, cpu_per_request: str) -> None:
        if rps < 0:
            raise ValueError("rps must not be negative")
        self._proxy.ready_endpoints(service, namespace)  # NotFound for a missing Service
        key = (namespace, service)
        if key in self.loads:
            self._split(self.loads.pop(key))
        self.last.pop(key, None)
        if rps == 0:
            return
        self.loads[key] = Load(service, namespace, rps, milli_value(cpu_per_request))
        if not self._ticking:
            self._ticking = True
            self._engine.call_later(1.0, self._tick)

    def _split(self, load: Load) -> None:
        if load.pending and load.endpoints:
            traffic = self._proxy.split(load.endpoints, load.pending)
            for pod, count in traffic.items():
                self._work[f"{load.namespace}/{pod}"] += count * load.cpu_per_request
        load.pending = 0

    def _tick(self) -> None:
        for key, load in self.loads.items():
            load.carry += load.rps
            requests = int(load.carry)
            load.carry -= requests
            endpoints = self._proxy.ready_endpoints(load.service, load.namespace)
            if endpoints != load.endpoints:
                self._split(load)
                load.endpoints = endpoints
            if endpoints:
                load.pending += requests
                self.last[key] = Second(requests, 0)
            else:
                self.last[key] = Second(0, requests)
        if self.loads:
            self._engine.call_later(1.0, self._tick)
        else:
            self._ticking = False
