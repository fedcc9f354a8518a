"""The kubelet: the agent on each node that turns bound pods into running containers.

It registers its Node, then watches the pods the scheduler bound to it. For each pod it
pulls images, starts containers through its runtime, reports the pod's phase and
conditions, runs readiness probes, restarts containers that exit (per ``restartPolicy``,
with the CrashLoopBackOff delay doubling from 10 s to 5 min) and, when a pod is deleted,
stops its containers and removes it. Everything it learns it writes to the pod's
``status``; everything it does it records as an Event, as a real kubelet does.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from kube_lab.api.meta import Obj, deep_copy, set_condition, timestamp
from kube_lab.engine import Engine, Timer
from kube_lab.events import EventRecorder
from kube_lab.kubelet.heartbeat import Heartbeat, healthy_conditions
from kube_lab.kubelet.runtime import Runtime
from kube_lab.store import Store, WatchEvent

COMPONENT = "kubelet"
KUBELET_VERSION = "v1.37.1"  # the Kubernetes version whose schemas and kubectl kube_lab ships
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0
#: A container that ran this long without failing has its back-off forgotten.
BACKOFF_RESET = 600.0


@dataclass
class _ContainerRun:
    """What the kubelet knows of one container of one pod."""

    spec: dict[str, Any]
    container_id: str | None = None
    last_id: str | None = None  # the most recent container, running or not
    restart_count: int = 0
    started_at: float | None = None
    ready: bool = False
    backoff: float = 0.0
    pull_backoff: float = 0.0  # ImagePullBackOff: 10 s, 20 s ... 5 min between pulls
    last_exit: tuple[int, str, float, float] | None = None  # code, reason, started, finished
    waiting: tuple[str, str] | None = ("ContainerCreating", "")
    terminated: tuple[int, str, float, float] | None = None
    #: pending callbacks by purpose ("start", "restart", "readiness", "liveness")
    timers: dict[str, Timer] = field(default_factory=dict)
    #: consecutive (successes, failures) per probe kind
    probe_counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def cancel_timers(self) -> None:
        for timer in self.timers.values():
            timer.cancel()
        self.timers.clear()


@dataclass
class _PodRun:
    uid: str
    containers: dict[str, _ContainerRun]
    ip: str
    started: float


def image_id(image: str) -> str:
    """A repository digest for an image reference, as a container runtime reports one."""
    name = image.split("@")[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    if "/" not in name:
        name = f"library/{name}"
    if "." not in name.split("/")[0]:
        name = f"docker.io/{name}"
    digest = hashlib.sha256(image.encode()).hexdigest()
    return f"{name}@sha256:{digest}"


def qos_class(pod: Obj) -> str:
    """Guaranteed, Burstable or BestEffort, from the containers' requests and limits."""
    containers = pod["spec"]["containers"]
    resources = [c.get("resources") or {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits = r.get("limits") or {}
        requests = r.get("requests") or limits
        for name in ("cpu", "memory"):
            if name not in limits or requests.get(name, limits[name]) != limits[name]:
                return "Burstable"
    return "Guaranteed"


class Kubelet:
    """One node's agent."""

    def __init__(
        self,
        *,
        node: Obj,
        store: Store,
        engine: Engine,
        recorder: EventRecorder,
        runtime: Runtime,
        pod_cidr_index: int,
    ) -> None:
        self.node_name: str = node["metadata"]["name"]
        self.store = store
        self.engine = engine
        self.recorder = recorder
        self.runtime = runtime
        self._subnet = f"10.244.{pod_cidr_index}"
        self._free_ips = list(range(2, 255))
        self._pods: dict[tuple[str, str], _PodRun] = {}
        node = deep_copy(node)
        node["spec"]["podCIDR"] = f"{self._subnet}.0/24"
        node["spec"]["podCIDRs"] = [node["spec"]["podCIDR"]]
        node["status"]["conditions"] = healthy_conditions([], engine.now)
        self.store.create(node)
        self.heartbeat = Heartbeat(node_name=self.node_name, store=store, engine=engine)
        self.alive = True
        self.heartbeat.start()
        store.watch(self._on_event, node_name=self.node_name)

    # -- failure and recovery --------------------------------------------------------------

    def fail(self) -> None:
        """The machine loses power: containers die, heartbeats stop, nobody reports."""
        if not self.alive:
            return
        self.alive = False
        self.heartbeat.stop()
        for key in list(self._pods):
            self._forget(key)

    def recover(self) -> None:
        """The machine is back: a fresh kubelet registers, heartbeats and resyncs its pods."""
        if self.alive:
            return
        self.alive = True
        self.heartbeat.start()
        for pod in self.store.list("Pod"):
            if pod["spec"].get("nodeName") != self.node_name:
                continue
            key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
            if pod["metadata"].get("deletionTimestamp"):
                # Its containers died with the machine: confirm the deletion at once.
                self.store.delete("Pod", key[1], key[0], grace_seconds=0)
            else:
                self._pods[key] = self._admit(pod, restarted=True)
                self.engine.call_soon(functools.partial(self._start_pod, key))

    # -- watching --------------------------------------------------------------------------

    def _on_event(self, event: WatchEvent) -> None:
        if not self.alive:
            return
        pod = event.object
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        if event.type == "DELETED":
            self.engine.call_soon(lambda: self._forget(key))
        elif key not in self._pods:
            self._pods[key] = self._admit(pod)
            self.engine.call_soon(lambda: self._start_pod(key))
        elif pod["metadata"].get("deletionTimestamp"):
            self.engine.call_soon(lambda: self._kill_pod(key))

    def _admit(self, pod: Obj, *, restarted: bool = False) -> _PodRun:
        ip = f"{self._subnet}.{self._free_ips.pop(0)}" if self._free_ips else ""
        containers = {c["name"]: _ContainerRun(spec=c) for c in pod["spec"]["containers"]}
        if restarted:  # the containers of a rebooted node come back as restarts
            for status in pod.get("status", {}).get("containerStatuses") or []:
                if status["name"] in containers:
                    containers[status["name"]].restart_count = status.get("restartCount", 0) + 1
        return _PodRun(pod["metadata"]["uid"], containers, ip, self.engine.now)

    # -- starting --------------------------------------------------------------------------

    def _start_pod(self, key: tuple[str, str]) -> None:
        run = self._pods.get(key)
        pod = self._pod(key)
        if run is None or pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        self._write_status(key)
        for container in run.containers.values():
            self._start_container(key, container, first=True)

    def _start_container(
        self, key: tuple[str, str], container: _ContainerRun, *, first: bool
    ) -> None:
        pod = self._pod(key)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        spec = container.spec
        image = spec["image"]
        policy = spec.get("imagePullPolicy", "IfNotPresent")
        began = self.engine.now
        pull = self.runtime.pull(self.node_name, image, policy=policy)
        if pull.error:
            container.waiting = ("ErrImagePull", pull.error)
            self._event(pod, "Warning", "Failed", f'Failed to pull image "{image}": {pull.error}')
            self._write_status(key)
            if policy != "Never":
                self._back_off_pull(key, container, first=first)
            return
        container.pull_backoff = 0.0
        if pull.pulled:
            self._event(pod, "Normal", "Pulling", f'Pulling image "{image}"')
        # On a real clock the pull has taken its time already; on the virtual one it takes it now
        waited = self.engine.now - began
        delay = max(0.0, pull.seconds - waited) + self.runtime.start_seconds(image)

        def started() -> None:
            if self._pods.get(key) is None or self._pod(key) is None:
                return
            live = self._pod(key)
            assert live is not None
            if pull.pulled:
                self._event(
                    live,
                    "Normal",
                    "Pulled",
                    f'Successfully pulled image "{image}" in {pull.seconds:g}s '
                    f"({pull.seconds:g}s including waiting)",
                )
            elif first:
                self._event(
                    live,
                    "Normal",
                    "Pulled",
                    f'Container image "{image}" already present on machine',
                )
            self._event(live, "Normal", "Created", f"Created container: {spec['name']}")
            container.container_id = self.runtime.start(
                node=self.node_name,
                pod=live,
                container=spec,
                on_exit=lambda code, reason: self._on_exit(key, container, code, reason),
            )
            container.last_id = container.container_id
            container.started_at = self.engine.now
            if not first:
                container.restart_count += 1
            container.waiting = None
            container.terminated = None
            self._event(live, "Normal", "Started", f"Started container {spec['name']}")
            self._start_probes(key, container)
            self._write_status(key)

        container.timers["start"] = self.engine.call_later(delay, started)

    def _back_off_pull(
        self, key: tuple[str, str], container: _ContainerRun, *, first: bool
    ) -> None:
        """After ``ErrImagePull``: ``ImagePullBackOff``, and a new pull 10 s, 20 s ... later."""
        image = container.spec["image"]
        delay = min(BACKOFF_MAX, max(BACKOFF_INITIAL, container.pull_backoff * 2))
        container.pull_backoff = delay

        def backing_off() -> None:
            pod = self._pod(key)
            if pod is None:
                return
            container.waiting = ("ImagePullBackOff", f'Back-off pulling image "{image}"')
            self._event(pod, "Normal", "BackOff", f'Back-off pulling image "{image}"')
            self._event(pod, "Warning", "Failed", "Error: ImagePullBackOff")
            self._write_status(key)

        container.timers["pull-backoff"] = self.engine.call_later(1.0, backing_off)
        container.timers["start"] = self.engine.call_later(
            delay, lambda: self._start_container(key, container, first=first)
        )

    # -- probes ----------------------------------------------------------------------------

    def _start_probes(self, key: tuple[str, str], container: _ContainerRun) -> None:
        """Readiness and liveness probes begin after ``initialDelaySeconds``."""
        container.ready = not container.spec.get("readinessProbe")
        for kind in PROBE_KINDS:
            probe = container.spec.get(f"{kind}Probe")
            if probe:
                container.probe_counts[kind] = (0, 0)
                delay = float(probe.get("initialDelaySeconds", 0))
                self._schedule_probe(key, container, kind, delay)

    def _schedule_probe(
        self, key: tuple[str, str], container: _ContainerRun, kind: str, delay: float
    ) -> None:
        container_id = container.container_id
        container.timers[kind] = self.engine.call_later(
            delay, lambda: self._probe(key, container, kind, container_id)
        )

    def _probe(
        self, key: tuple[str, str], container: _ContainerRun, kind: str, container_id: str | None
    ) -> None:
        pod = self._pod(key)
        if pod is None or container_id is None or container.container_id != container_id:
            return  # the container this probe was for is gone
        probe = container.spec[f"{kind}Probe"]
        ok = self.runtime.probe(container_id, probe, kind=kind)
        successes, failures = container.probe_counts[kind]
        successes, failures = (successes + 1, 0) if ok else (0, failures + 1)
        container.probe_counts[kind] = (successes, failures)
        if not ok:
            self._event(
                pod,
                "Warning",
                "Unhealthy",
                f"{kind.capitalize()} probe failed: {_probe_failure(probe, pod)}",
            )
        if kind == "liveness" and failures >= int(probe.get("failureThreshold", 3)):
            name = container.spec["name"]
            self._event(
                pod,
                "Normal",
                "Killing",
                f"Container {name} failed liveness probe, will be restarted",
            )
            self.runtime.stop(container_id)
            self._on_exit(key, container, 137, "Error")
            return
        if kind == "readiness":
            if ok and not container.ready and successes >= int(probe.get("successThreshold", 1)):
                container.ready = True
                self._write_status(key)
            elif not ok and container.ready and failures >= int(probe.get("failureThreshold", 3)):
                container.ready = False
                self._write_status(key)
        self._schedule_probe(key, container, kind, float(probe.get("periodSeconds", 10)))

    def logs(self, key: tuple[str, str], container_name: str) -> str:
        """What the container printed (its latest run), as ``kubectl logs`` shows."""
        run = self._pods.get(key)
        container = run.containers.get(container_name) if run else None
        if container is None or container.last_id is None:
            return ""
        return self.runtime.logs(container.last_id)

    def crash(self, key: tuple[str, str], container_name: str | None, exit_code: int) -> None:
        """Make a running container exit, as if its program had failed."""
        run = self._pods.get(key)
        if run is None:
            raise KeyError(key)
        containers = list(run.containers.values())
        if container_name is not None:
            containers = [c for c in containers if c.spec["name"] == container_name]
        for container in containers:
            if container.container_id is not None:
                self.runtime.stop(container.container_id)
                self._on_exit(key, container, exit_code, "Error")

    # -- exits and restarts ----------------------------------------------------------------

    def _on_exit(
        self, key: tuple[str, str], container: _ContainerRun, code: int, reason: str
    ) -> None:
        pod = self._pod(key)
        if pod is None:
            return
        started = container.started_at or self.engine.now
        finished = self.engine.now
        container.terminated = (code, reason, started, finished)
        container.container_id = None
        container.ready = False
        policy = pod["spec"].get("restartPolicy", "Always")
        restart = policy == "Always" or (policy == "OnFailure" and code != 0)
        if not restart:
            self._write_status(key)
            return
        if finished - started >= BACKOFF_RESET:
            container.backoff = 0.0
        # As the kubelet's back-off: the first restart is immediate, then 10 s, 20 s, 40 s ...
        delay = container.backoff
        container.backoff = min(BACKOFF_MAX, max(BACKOFF_INITIAL, container.backoff * 2))
        container.last_exit = container.terminated
        if delay > 0:
            container.terminated = None
            name = pod["metadata"]["name"]
            where = f"{name}_{pod['metadata']['namespace']}({pod['metadata']['uid']})"
            container_name = container.spec["name"]
            container.waiting = (
                "CrashLoopBackOff",
                f"back-off {_go_duration(delay)} restarting failed "
                f"container={container_name} pod={where}",
            )
            self._event(
                pod,
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {container_name} in pod {where}",
            )
        self._write_status(key)
        container.cancel_timers()  # its probes died with it
        container.timers["restart"] = self.engine.call_later(
            delay, lambda: self._start_container(key, container, first=False)
        )

    # -- stopping --------------------------------------------------------------------------

    def _kill_pod(self, key: tuple[str, str]) -> None:
        run = self._pods.get(key)
        pod = self._pod(key)
        if run is None or pod is None:
            return
        for container in run.containers.values():
            container.cancel_timers()
            if container.container_id is not None:
                self._event(
                    pod, "Normal", "Killing", f"Stopping container {container.spec['name']}"
                )
                self.runtime.stop(container.container_id)
                container.container_id = None

        def remove() -> None:
            if self._pod(key) is not None:
                self.store.delete("Pod", key[1], key[0], grace_seconds=0)

        self.engine.call_later(self.runtime.stop_seconds(), remove)

    def _forget(self, key: tuple[str, str]) -> None:
        run = self._pods.pop(key, None)
        if run is None:
            return
        for container in run.containers.values():
            container.cancel_timers()
            if container.container_id is not None:
                self.runtime.stop(container.container_id)
        self.runtime.remove_pod_sandbox(run.uid)
        if run.ip:
            self._free_ips.append(int(run.ip.rsplit(".", 1)[1]))
            self._free_ips.sort()

    # -- status ----------------------------------------------------------------------------

    def _pod(self, key: tuple[str, str]) -> Obj | None:
        pod = self.store.peek("Pod", key[1], key[0])
        run = self._pods.get(key)
        if pod is None or run is None or pod["metadata"]["uid"] != run.uid:
            return None
        return pod

    def _write_status(self, key: tuple[str, str]) -> None:
        pod = self._pod(key)
        run = self._pods.get(key)
        if pod is None or run is None:
            return
        now = self.engine.now
        statuses = [self._container_status(c) for c in run.containers.values()]
        policy = pod["spec"].get("restartPolicy", "Always")
        phase = _phase(list(run.containers.values()), policy)
        updated = {**pod, "status": deep_copy(pod.get("status") or {})}
        status = updated["status"]
        all_ready = all(c.ready for c in run.containers.values()) and phase == "Running"
        sandbox = any(
            c.waiting is None or c.waiting[0] != "ContainerCreating"
            for c in run.containers.values()
        )
        for cond_type, ok in (
            ("PodReadyToStartContainers", sandbox or phase != "Pending"),
            ("Initialized", True),
            ("Ready", all_ready),
            ("ContainersReady", all_ready),
        ):
            cond: dict[str, Any] = {
                "type": cond_type,
                "status": "True" if ok else "False",
                "lastProbeTime": None,
            }
            if not ok and cond_type in ("Ready", "ContainersReady"):
                not_ready = [c.spec["name"] for c in run.containers.values() if not c.ready]
                cond["reason"] = (
                    "PodCompleted" if phase in ("Succeeded", "Failed") else "ContainersNotReady"
                )
                if cond["reason"] == "ContainersNotReady":
                    cond["message"] = f"containers with unready status: [{' '.join(not_ready)}]"
            set_condition(updated, cond, now)
        order = {
            "PodReadyToStartContainers": 0,
            "Initialized": 1,
            "Ready": 2,
            "ContainersReady": 3,
            "PodScheduled": 4,
        }
        status["conditions"].sort(key=lambda c: order.get(c["type"], 9))
        status.update(
            {
                "phase": phase,
                "hostIP": self._host_ip(),
                "hostIPs": [{"ip": self._host_ip()}],
                "podIP": run.ip,
                "podIPs": [{"ip": run.ip}],
                "startTime": timestamp(run.started),
                "containerStatuses": statuses,
                "qosClass": qos_class(pod),
            }
        )
        if updated != pod:
            self.store.update_status(updated)

    def _container_status(self, c: _ContainerRun) -> dict[str, Any]:
        state: dict[str, Any]
        if c.waiting is not None:
            reason, message = c.waiting
            state = {"waiting": {"reason": reason, **({"message": message} if message else {})}}
        elif c.terminated is not None:
            state = {"terminated": _terminated(c.terminated, c.container_id)}
        else:
            state = {"running": {"startedAt": timestamp(c.started_at or 0)}}
        status: dict[str, Any] = {
            "name": c.spec["name"],
            "image": c.spec["image"],
            "imageID": image_id(c.spec["image"]),
            "ready": c.ready,
            "restartCount": c.restart_count,
            "started": c.container_id is not None,
            "state": state,
            "lastState": {"terminated": _terminated(c.last_exit, None)} if c.last_exit else {},
        }
        if c.last_id:
            status["containerID"] = c.last_id
        return status

    def _host_ip(self) -> str:
        node = self.store.peek("Node", self.node_name)
        for address in (node or {}).get("status", {}).get("addresses") or []:
            if address.get("type") == "InternalIP":
                return str(address["address"])
        return ""

    def _event(self, pod: Obj, type_: str, reason: str, message: str) -> None:
        self.recorder.record(
            pod,
            type=type_,
            reason=reason,
            message=message,
            component=COMPONENT,
            host=self.node_name,
        )


PROBE_KINDS = ("readiness", "liveness")


def _probe_failure(probe: dict[str, Any], pod: Obj) -> str:
    """What the kubelet's prober reports for a failed probe of each handler type."""
    ip = pod.get("status", {}).get("podIP", "")
    if "httpGet" in probe:
        return "HTTP probe failed with statuscode: 503"
    if "tcpSocket" in probe:
        return f"dial tcp {ip}:{probe['tcpSocket'].get('port')}: connect: connection refused"
    if "grpc" in probe:
        return 'service unhealthy (responded with "NOT_SERVING")'
    return "command exited with 1"


def _go_duration(seconds: float) -> str:
    """Seconds as Go prints a ``time.Duration`` (``40s``, ``1m20s``, ``5m0s``)."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest}s" if minutes else f"{rest}s"


def _terminated(
    exit_info: tuple[int, str, float, float] | None, container_id: str | None
) -> dict[str, Any]:
    assert exit_info is not None
    code, reason, started, finished = exit_info
    return {
        "exitCode": code,
        "reason": reason,
        "startedAt": timestamp(started),
        "finishedAt": timestamp(finished),
    }


def _phase(containers: list[_ContainerRun], restart_policy: str) -> str:
    """PodPhase from container states, as the kubelet's ``getPhase``."""
    if any(c.waiting is not None and c.waiting[0] == "ContainerCreating" for c in containers):
        return "Pending"
    if any(c.container_id is not None for c in containers):
        return "Running"
    if all(c.terminated is not None for c in containers):
        if restart_policy == "Always":
            return "Running"
        return (
            "Failed"
            if any(c.terminated and c.terminated[0] != 0 for c in containers)
            else "Succeeded"
        )
    return "Running"


def node_object(
    *,
    name: str,
    cpu: str,
    memory: str,
    pods: int,
    index: int,
    labels: dict[str, str] | None = None,
    runtime_version: str = "simulated://1.0",
) -> Obj:
    """The Node a kubelet registers: capacity, allocatable, addresses and conditions."""
    capacity = {"cpu": cpu, "memory": memory, "pods": str(pods), "ephemeral-storage": "100Gi"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                **(labels or {}),
            },
        },
        "spec": {},
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "addresses": [
                {"type": "InternalIP", "address": f"192.168.0.{10 + index}"},
                {"type": "Hostname", "address": name},
            ],
            "conditions": [],
            "nodeInfo": {
                "architecture": "amd64",
                "operatingSystem": "linux",
                "osImage": "kube-lab simulated node",
                "kernelVersion": "6.1.0-kube-lab",
                "containerRuntimeVersion": runtime_version,
                "kubeletVersion": KUBELET_VERSION,
                "kubeProxyVersion": KUBELET_VERSION,
            },
        },
    }
