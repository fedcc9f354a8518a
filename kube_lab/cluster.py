"""``Cluster``: the one object a notebook needs.

It wires the rooms together exactly as a Kubernetes control plane is wired: one store at
the centre; a scheduler, the controllers and one kubelet per node, each watching the store
and writing back to it; all driven by one engine whose clock is virtual (deterministic and
instant) unless a real runtime needs wall time. The facade adds only what a learner does
from outside: apply manifests, let time pass, run kubectl, read events.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from kube_lab.api import kinds, simulation
from kube_lab.api.defaults import apply_defaults
from kube_lab.api.errors import AlreadyExists, BadRequest, ManifestError, NotFound
from kube_lab.api.manifest import Document, load_documents, located, rejection
from kube_lab.api.merge import last_applied, three_way_merge, with_last_applied
from kube_lab.api.meta import Obj
from kube_lab.api.validation import validate, validate_update
from kube_lab.controllers.deployment import DeploymentController
from kube_lab.controllers.endpoints import EndpointsController, EndpointSliceController
from kube_lab.controllers.garbagecollector import GarbageCollector
from kube_lab.controllers.horizontal import HorizontalPodAutoscalerController
from kube_lab.controllers.nodelifecycle import NodeLifecycleController
from kube_lab.controllers.replicaset import ReplicaSetController
from kube_lab.controllers.tainteviction import TaintEvictionController
from kube_lab.engine import Engine, RealClock
from kube_lab.events import EventRecorder
from kube_lab.kubelet.kubelet import Kubelet, node_object
from kube_lab.kubelet.simulated import SimulatedRuntime
from kube_lab.metrics import MetricsServer
from kube_lab.registry import ServiceAllocator
from kube_lab.scheduler import Scheduler
from kube_lab.store import Store
from kube_lab.timeline import Timeline, TimelineRecorder
from kube_lab.traffic import LoadGenerator, Proxy, Traffic

if TYPE_CHECKING:
    from kube_lab.apiserver import Server
    from kube_lab.kubelet.docker import DockerRuntime

#: The namespaces every cluster starts with, as ``kubeadm`` creates them.
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

Manifest = str | Path | Obj | list[Obj]

#: Container runtimes a cluster's kubelets can use.
RUNTIMES = ("simulated", "docker")


@dataclass(frozen=True)
class ApplyResult:
    """One line of ``kubectl apply`` output: ``deployment.apps/web configured``."""

    kind: str
    name: str
    namespace: str
    action: str  # created, configured, unchanged

    def __str__(self) -> str:
        info = kinds.by_kind(self.kind)
        prefix = f"{info.singular}.{info.group}" if info.group else info.singular
        return f"{prefix}/{self.name} {self.action}"


class ApplyResults(list[ApplyResult]):
    """The results of one apply; prints as kubectl does, one line per object."""

    #: What kube_lab keeps but does not act on, one line per object (``api.simulation``).
    notices: tuple[str, ...] = ()

    def __str__(self) -> str:
        return "\n".join(str(r) for r in self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


class Cluster:
    """A simulated Kubernetes cluster with nodes ``node-1`` .. ``node-N``."""

    def __init__(
        self,
        nodes: int = 3,
        *,
        node_cpu: str = "4",
        node_memory: str = "8Gi",
        node_pods: int = 110,
        seed: int = 0,
        runtime: str = "simulated",
    ) -> None:
        if nodes < 0:
            raise ValueError("nodes must be zero or more")
        if runtime not in RUNTIMES:
            raise ValueError(f'unknown runtime "{runtime}"; choose one of: {", ".join(RUNTIMES)}')
        self.seed = seed
        # Real containers live in wall time: a docker cluster runs on a real clock
        self.engine = Engine(seed=seed, clock=RealClock() if runtime == "docker" else None)
        self.store = Store(clock=lambda: self.engine.now, seed=seed)
        self.recorder = EventRecorder(self.store, lambda: self.engine.now)
        for namespace in SYSTEM_NAMESPACES:
            self.store.create(apply_defaults(_namespace(namespace)))
        self.runtime: SimulatedRuntime | DockerRuntime
        if runtime == "docker":
            from kube_lab.kubelet.docker import DockerRuntime  # raises RuntimeUnavailable

            self.runtime = DockerRuntime(self.engine)
        else:
            self.runtime = SimulatedRuntime(self.engine)
        self.scheduler = Scheduler(store=self.store, engine=self.engine, recorder=self.recorder)
        self.controllers: builtins.list[object] = [
            ReplicaSetController(store=self.store, engine=self.engine, recorder=self.recorder),
            DeploymentController(store=self.store, engine=self.engine, recorder=self.recorder),
        ]
        self.garbage_collector = GarbageCollector(store=self.store, engine=self.engine)
        wiring: dict[str, Any] = {
            "store": self.store,
            "engine": self.engine,
            "recorder": self.recorder,
        }
        self.controllers += [
            EndpointsController(**wiring),
            EndpointSliceController(**wiring),
            NodeLifecycleController(**wiring),
            TaintEvictionController(**wiring),
        ]
        self.services = ServiceAllocator(self.store, self.engine.random)
        self.store.create(apply_defaults(self.services.kubernetes_service()))
        self.proxy = Proxy(self.store, np.random.default_rng(seed))
        self.load = LoadGenerator(proxy=self.proxy, engine=self.engine)
        self.metrics = MetricsServer(store=self.store, engine=self.engine, load=self.load)
        self.controllers.append(HorizontalPodAutoscalerController(**wiring, metrics=self.metrics))
        self._timeline = TimelineRecorder(store=self.store, engine=self.engine, load=self.load)
        self.kubelets: dict[str, Kubelet] = {}
        for _ in range(nodes):
            self.add_node(cpu=node_cpu, memory=node_memory, pods=node_pods)
        self.engine.run(0)

    # -- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        """Remove the containers and networks of a ``runtime="docker"`` cluster (also done
        at interpreter exit). Nothing to do for a simulated one."""
        close = getattr(self.runtime, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- time ------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Seconds of cluster time since it started."""
        return self.engine.now

    def run(self, seconds: float) -> None:
        """Let ``seconds`` of cluster time pass (instantly, on the virtual clock)."""
        self.engine.run(seconds)

    def run_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Advance time until ``predicate()`` holds or ``timeout`` seconds pass."""
        deadline = self.now + timeout
        while not predicate():
            when = self.engine.next_time()
            if when is None or when > deadline:
                self.engine.run_until(deadline)
                return predicate()
            self.engine.step()
        return True

    # -- nodes -----------------------------------------------------------------------------

    def add_node(
        self,
        name: str | None = None,
        *,
        cpu: str = "4",
        memory: str = "8Gi",
        pods: int = 110,
        labels: dict[str, str] | None = None,
    ) -> str:
        """Join a new node to the cluster (its kubelet registers it); returns its name."""
        index = len(self.kubelets) + 1
        name = name or f"node-{index}"
        if name in self.kubelets:
            raise AlreadyExists(f'nodes "{name}" already exists')
        node = node_object(
            name=name,
            cpu=cpu,
            memory=memory,
            pods=pods,
            index=index,
            labels=labels,
            runtime_version=self.runtime.version,
        )
        self.kubelets[name] = Kubelet(
            node=node,
            store=self.store,
            engine=self.engine,
            recorder=self.recorder,
            runtime=self.runtime,
            pod_cidr_index=index,
        )
        return name

    # -- manifests -------------------------------------------------------------------------

    def apply(self, manifest: Manifest) -> ApplyResults:
        """``kubectl apply``: create or update every object; all or nothing.

        Every document is checked before anything changes; on the first problem
        :class:`kube_lab.ManifestError` is raised and the cluster is left as it was.
        """
        return self._write(load_documents(manifest), create_only=False)

    def create(self, manifest: Manifest, *, dry_run: bool = False) -> ApplyResults:
        """``kubectl create``: like :meth:`apply`, but existing objects are an error.

        ``dry_run=True`` checks everything and changes nothing (``--dry-run=server``).
        """
        return self._write(load_documents(manifest), create_only=True, dry_run=dry_run)

    def _write(
        self, documents: list[Document], *, create_only: bool, dry_run: bool = False
    ) -> ApplyResults:
        plan: list[tuple[Obj, Obj | None]] = []
        told: list[str] = []  # notices of what is not simulated
        failures: list[str] = []
        errors = []
        namespaces = {ns["metadata"]["name"] for ns in self.store.list("Namespace")}
        for doc in documents:
            raw = doc.obj
            info = kinds.by_kind(raw["kind"])
            if info.namespaced:
                raw.setdefault("metadata", {}).setdefault("namespace", "default")
            name = (raw.get("metadata") or {}).get("name") or ""
            namespace = raw["metadata"].get("namespace", "") if info.namespaced else ""
            live = self.store.peek(raw["kind"], name, namespace) if name else None
            if live is not None and create_only:
                failures.append(rejection(doc, f'{info.resource} "{name}" already exists'))
                continue
            desired = with_last_applied(raw) if not create_only else raw
            if live is None:
                candidate = apply_defaults(desired)
                problems = validate(candidate)
            else:
                merged = three_way_merge(live=live, previous=last_applied(live), new=desired)
                candidate = apply_defaults(merged)
                problems = validate(candidate) + validate_update(live, candidate)
            if problems:
                problems = located(doc, problems)
                errors.extend(problems)
                failures.append(rejection(doc, problems=problems, obj=candidate))
                continue
            if raw["kind"] == "Service":
                problems = self.services.check(candidate, live)
                if problems:
                    errors.extend(problems)
                    failures.append(rejection(doc, problems=problems, obj=candidate))
                    continue
            if info.namespaced and namespace not in namespaces:
                failures.append(rejection(doc, f'namespaces "{namespace}" not found'))
                continue
            if raw["kind"] == "Namespace":
                namespaces.add(name)
            plan.append((candidate, live))
            told.extend(simulation.notices(raw))
        if failures:
            raise ManifestError("\n".join(failures), errors)
        results = ApplyResults()
        results.notices = tuple(told)
        if dry_run:
            return results
        for candidate, live in plan:
            meta = candidate["metadata"]
            namespace = meta.get("namespace", "")
            if live is None:
                if candidate["kind"] == "Service":
                    self.services.allocate(candidate)
                self.store.create(candidate)
                action = "created"
            else:
                before = live["metadata"]["resourceVersion"]
                candidate["metadata"]["resourceVersion"] = before
                stored = self.store.update(candidate)
                changed = stored["metadata"]["resourceVersion"] != before
                action = "configured" if changed else "unchanged"
            results.append(ApplyResult(candidate["kind"], meta["name"], namespace, action))
        for result in results:
            if result.action != "unchanged":
                self._timeline.action(str(result))
        self.engine.run(0)
        return results

    # -- reading ---------------------------------------------------------------------------

    def get(self, kind: str, name: str, namespace: str = "default") -> Obj:
        """A copy of one object; ``kind`` as kubectl takes it (``pod``, ``deploy`` ...)."""
        info = _resolve(kind)
        return self.store.get(info.kind, name, namespace if info.namespaced else "")

    def list(self, kind: str, namespace: str | None = "default") -> builtins.list[Obj]:
        """Objects of a kind (read-only views); ``namespace=None`` for all namespaces."""
        info = _resolve(kind)
        return self.store.list(info.kind, namespace if info.namespaced else None)

    def events(self, namespace: str | None = None) -> builtins.list[Obj]:
        """Events, oldest first (by first occurrence, then by name)."""
        events = self.store.list("Event", namespace)
        return sorted(events, key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))

    def kubectl(self, command: str) -> Any:
        """Run a kubectl command line against this cluster; returns what kubectl prints."""
        from kube_lab.kubectl import Kubectl

        before = self.store.resource_version
        output = Kubectl(self).run(command)
        if output.exit_code == 0 and self.store.resource_version != before:
            self._timeline.action(f"kubectl {command.removeprefix('kubectl ').strip()}")
        return output

    # -- failures --------------------------------------------------------------------------

    def fail_node(self, name: str) -> None:
        """Cut a node's power: its containers die and its kubelet falls silent.

        The control plane notices only through missing heartbeats: the node turns
        ``NotReady`` after the 50 s grace period and its pods are evicted 300 s later.
        """
        self._kubelet(name).fail()
        self._timeline.action(f"node {name} failed")

    def recover_node(self, name: str) -> None:
        """Power the node back on: its kubelet starts again and heartbeats."""
        self._kubelet(name).recover()
        self._timeline.action(f"node {name} recovered")
        self.engine.run(0)

    def crash(
        self,
        pod: str,
        *,
        namespace: str = "default",
        container: str | None = None,
        exit_code: int = 1,
    ) -> None:
        """Make a pod's container (all of them by default) exit with ``exit_code``."""
        live = self.store.peek("Pod", pod, namespace)
        if live is None:
            names = ", ".join(p["metadata"]["name"] for p in self.store.list("Pod", namespace))
            raise NotFound(f'pods "{pod}" not found (pods in "{namespace}": {names or "none"})')
        node = live["spec"].get("nodeName")
        if not node or not self._kubelet(node).alive:
            raise ValueError(
                f'pod "{pod}" has no running containers (phase {live["status"].get("phase")})'
            )
        known = [c["name"] for c in live["spec"]["containers"]]
        if container is not None and container not in known:
            raise NotFound(
                f'container "{container}" not found in pod "{pod}" (containers: {", ".join(known)})'
            )
        self._kubelet(node).crash((namespace, pod), container, exit_code)
        self._timeline.action(f"pod {pod} crashed")
        self.engine.run(0)

    def fail_probe(
        self,
        pod: str,
        probe: str = "readiness",
        *,
        namespace: str = "default",
        container: str | None = None,
        failing: bool = True,
    ) -> None:
        """Make a pod's ``readiness`` or ``liveness`` probe fail (or, ``failing=False``, pass)."""
        if probe not in ("readiness", "liveness"):
            raise ValueError('probe must be "readiness" or "liveness"')
        live = self.get("pod", pod, namespace)
        for spec in live["spec"]["containers"]:
            if container is None or spec["name"] == container:
                self.runtime.set_probe(
                    namespace=namespace, pod=pod, container=spec["name"], kind=probe, ok=not failing
                )
        self._timeline.action(f"{probe} of {pod} {'failing' if failing else 'passing'}")

    def logs(self, pod: str, *, namespace: str = "default", container: str | None = None) -> str:
        """What a pod's container printed (``kubectl logs``); the first container by default."""
        live = self.get("pod", pod, namespace)
        names = [c["name"] for c in live["spec"]["containers"]]
        name = container or names[0]
        if name not in names:
            raise BadRequest(f"container {name} is not valid for pod {pod}")
        node = live["spec"].get("nodeName")
        if not node:
            raise BadRequest(
                f'container "{name}" in pod "{pod}" is waiting to start: ContainerCreating'
            )
        return self._kubelet(node).logs((namespace, pod), name)

    def serve(
        self, *, port: int = 0, host: str = "127.0.0.1", speed: float = 1.0, paused: bool = False
    ) -> Server:
        """Serve this cluster's API over HTTPS on 127.0.0.1 for the real ``kubectl``.

        Returns the running server (``.kubeconfig_path``, ``.stop()``); while it serves, the
        cluster runs on its own at ``speed`` times real time, and notebook code that changes
        the cluster takes ``server.lock`` (or calls ``server.run(seconds)``). ``paused=True``
        holds the clock until ``server.resume()``: time then passes only by ``server.run``.
        """
        from kube_lab.apiserver import serve

        return serve(self, port=port, host=host, speed=speed, paused=paused)

    def _kubelet(self, name: str) -> Kubelet:
        if name not in self.kubelets:
            raise NotFound(f'nodes "{name}" not found (nodes: {", ".join(self.kubelets)})')
        return self.kubelets[name]

    # -- traffic ---------------------------------------------------------------------------

    def send_traffic(self, service: str, requests: int, *, namespace: str = "default") -> Traffic:
        """Send ``requests`` to a Service; returns ``{pod name: requests served}``.

        Spread as kube-proxy spreads them (uniformly at random over ready endpoints);
        ``result.failed`` counts requests that found no ready endpoint.
        """
        traffic = self.proxy.send(service, namespace, requests)
        if self.runtime.name == "docker":  # real containers answer real requests
            traffic = self._send_for_real(
                cast("DockerRuntime", self.runtime), service, namespace, traffic
            )
        self._timeline.traffic(f"{namespace}/{service}", sum(traffic.values()), traffic.failed)
        return traffic

    def _send_for_real(
        self, runtime: DockerRuntime, service: str, namespace: str, planned: Traffic
    ) -> Traffic:
        """With real containers, each request is a real HTTP GET to the pod kube-proxy chose;
        answers are counted by the pod name the server replies with."""
        port = self.get("svc", service, namespace)["spec"]["ports"][0]
        target = port.get("targetPort", port["port"])
        served: dict[str, int] = {}
        failed = planned.failed
        for pod, count in planned.items():
            for _ in range(count):
                answer = runtime.send_request(namespace=namespace, pod=pod, port=target)
                if answer is None:
                    failed += 1
                else:
                    served[answer] = served.get(answer, 0) + 1
        return Traffic(served, failed)

    def set_load(
        self, service: str, rps: float, *, namespace: str = "default", cpu_per_request: str = "10m"
    ) -> None:
        """A steady load of ``rps`` requests per second on a Service (0 stops it).

        Each request costs its pod ``cpu_per_request`` of CPU for one second, so 10 rps at
        the default ``10m`` keep a pod at 100m: what ``kubectl top`` and autoscalers see.
        """
        self.load.set(service, namespace, rps=rps, cpu_per_request=cpu_per_request)
        self._timeline.action(f"load on {service}: {rps:g} rps")

    @property
    def timeline(self) -> Timeline:
        """Second-by-second counts for charts (see :mod:`kube_lab.timeline`)."""
        return self._timeline.timeline

    # -- pictures --------------------------------------------------------------------------

    def show(self, **options: Any) -> Any:
        """The cluster as a ``graphviz.Digraph``: nodes holding their pods, the Pending lane,
        Services' arrows to ready pods (options: :func:`kube_lab.viz.cluster.cluster_diagram`)."""
        from kube_lab.viz.cluster import cluster_diagram

        return cluster_diagram(self, **options)

    def dashboard(self, **options: Any) -> Any:
        """A live ipywidgets dashboard of this cluster (:class:`kube_lab.viz.Dashboard`)."""
        from kube_lab.viz.dashboard import Dashboard

        return Dashboard(self, **options)


def _namespace(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def _resolve(kind: str) -> kinds.KindInfo:
    info = kinds.lookup(kind)
    if info is None:
        raise KeyError(f'the server doesn\'t have a resource type "{kind}"')
    return info
