"""The Docker runtime: each container of each pod is a real container on a Docker engine.

It fits the same small CRI as the simulated runtime (:mod:`kube_lab.kubelet.runtime`), and
does what a real kubelet's runtime does on a node that runs Docker:

* **A sandbox per pod.** A ``kube-lab/pause`` container holds the pod's network, IPC and
  UTS namespaces (hostname = pod name) and publishes the pod's ports on ``127.0.0.1``; the
  pod's containers join it, so they share ``localhost`` as in a real pod. Names follow the
  dockershim's: ``k8s_POD_<pod>_<ns>_<uid>_0`` and ``k8s_<container>_<pod>_<ns>_<uid>_<n>``.
* **Labels on everything.** ``kube-lab.cluster``, ``kube-lab.node``, ``kube-lab.namespace``,
  ``kube-lab.pod``, ``kube-lab.container`` (and Kubernetes' own ``io.kubernetes.*``), plus
  the owning process (pid, start time, host), so kube_lab finds what it owns and what a dead
  process left behind (:func:`clean`).
* **Exits are found by relisting**, as the kubelet's PLEG relists every second: a timer on
  the engine lists this cluster's containers and reports each one that stopped by itself
  (``docker kill`` included) through ``on_exit``. Everything runs on the engine's thread;
  there are no threads and no callbacks from the Docker SDK.
* **No registry.** ``pull`` never downloads: an image present on the engine is used; a
  missing ``kube-lab/*`` image is built from busybox-static (:mod:`kube_lab.images`); any
  other missing image is ``ErrImagePull``.
* **Real probes.** ``httpGet`` and ``tcpSocket`` connect to the pod's published port on
  ``127.0.0.1``; ``exec`` runs the command in the container.

A cluster that uses it runs on a real clock. ``close()`` (and interpreter exit) removes every
container and network of the cluster; the next ``DockerRuntime`` removes those of dead
processes. The Docker SDK is imported only when a runtime is made, so ``import kube_lab``
stays quick.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib
import os
import re
import secrets
import socket
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from kube_lab import images
from kube_lab.api.quantity import QuantityError, int_value, milli_value
from kube_lab.engine import Engine, Timer
from kube_lab.kubelet.runtime import ExitCallback, PullResult

#: Labels kube_lab puts on every container and network it creates.
CLUSTER_LABEL = "kube-lab.cluster"
NODE_LABEL = "kube-lab.node"
NAMESPACE_LABEL = "kube-lab.namespace"
POD_LABEL = "kube-lab.pod"
POD_UID_LABEL = "kube-lab.pod-uid"
CONTAINER_LABEL = "kube-lab.container"  # "POD" for a pod's sandbox, as the dockershim did
PID_LABEL = "kube-lab.owner-pid"
START_LABEL = "kube-lab.owner-start"
HOST_LABEL = "kube-lab.owner-host"
SANDBOX = "POD"

#: The kubelet's PLEG relists containers every second.
RELIST_SECONDS = 1.0
#: ``docker_available`` gives up after this long.
PING_TIMEOUT = 0.7
#: The oldest Docker API every engine of the last years speaks (Docker 1.12).
MIN_API_VERSION = "1.24"
#: Where published ports listen: loopback only, never a public interface.
HOST_IP = "127.0.0.1"

HOW_TO_START = (
    "Start one: in a kube-lab checkout run `bash scripts/docker-engine.sh start` (as root on "
    "Debian or Ubuntu it installs docker.io and busybox-static and starts dockerd), or start "
    'Docker Desktop. Or use the simulated runtime: kl.Cluster(runtime="simulated").'
)


class RuntimeUnavailable(RuntimeError):
    """No container engine answers, so a ``runtime="docker"`` cluster cannot start."""


# -- the engine --------------------------------------------------------------------------


def _socket_missing() -> bool:
    """True when no engine can be there: no ``DOCKER_HOST`` and no default socket."""
    if os.environ.get("DOCKER_HOST"):
        return False
    return not os.path.exists("/var/run/docker.sock")


def docker_available(timeout: float = PING_TIMEOUT) -> bool:
    """True when a Docker engine answers; never waits much longer than ``timeout``."""
    if _socket_missing():
        return False
    try:
        # A fixed API version skips the version handshake: one request, one timeout
        client = _client(timeout, version=MIN_API_VERSION)
    except RuntimeUnavailable:
        return False
    try:
        return bool(client.ping())
    except Exception:  # any failure to answer means "not available", whatever its type
        return False
    finally:
        client.close()


def connect(*, timeout: float = 60.0) -> Any:
    """A Docker SDK client for the engine of the environment; :class:`RuntimeUnavailable`."""
    if _socket_missing():
        raise RuntimeUnavailable(
            "no Docker engine: DOCKER_HOST is not set and /var/run/docker.sock does not "
            f"exist. {HOW_TO_START}"
        )
    client = _client(timeout)
    try:
        client.ping()
    except Exception as error:
        client.close()
        message = f"the Docker engine does not answer ({error}). {HOW_TO_START}"
        raise RuntimeUnavailable(message) from error
    return client


def _client(timeout: float, *, version: str | None = None) -> Any:
    try:
        docker = _sdk()
    except ImportError as error:
        raise RuntimeUnavailable(
            "the Docker SDK for Python is not installed: pip install 'kube-lab[docker]'"
        ) from error
    try:
        return docker.from_env(timeout=timeout, version=version)
    except Exception as error:  # DockerException, or requests' own for a bad DOCKER_HOST
        raise RuntimeUnavailable(f"no Docker engine answers ({error}). {HOW_TO_START}") from error


def _sdk() -> Any:
    """The Docker SDK, imported on first use (so ``import kube_lab`` stays quick)."""
    return importlib.import_module("docker")


# -- owners and orphans ------------------------------------------------------------------


def _process_start(pid: int) -> str:
    """When a process started (clock ticks since boot, from /proc), or "" where unknown."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def owner_labels() -> dict[str, str]:
    """Labels naming this Python process as the owner of what it creates."""
    pid = os.getpid()
    return {PID_LABEL: str(pid), START_LABEL: _process_start(pid), HOST_LABEL: socket.gethostname()}


def owner_alive(labels: dict[str, str]) -> bool:
    """False when the process that created a container is gone (so the container is orphaned).

    Containers of another machine sharing the engine count as alive: not ours to judge.
    """
    if labels.get(HOST_LABEL) != socket.gethostname():
        return True
    try:
        pid = int(labels.get(PID_LABEL, ""))
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        pass  # it exists, under another user
    started = labels.get(START_LABEL, "")
    return not started or _process_start(pid) in ("", started)  # a reused pid is not alive


@dataclass
class Cleaned:
    """What :func:`clean` removed."""

    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [
            f"{len(self.containers)} container{'s' if len(self.containers) != 1 else ''}",
            f"{len(self.networks)} network{'s' if len(self.networks) != 1 else ''}",
        ]
        if self.images:
            parts.append(f"{len(self.images)} image{'s' if len(self.images) != 1 else ''}")
        return "removed " + ", ".join(parts)


def clean(
    client: Any = None, *, everything: bool = False, images_too: bool = False, cluster: str = ""
) -> Cleaned:
    """Remove kube_lab's containers and networks: those of dead processes (orphans), of one
    ``cluster``, or with ``everything`` all of them, live clusters' included; with
    ``images_too`` also the images kube_lab built."""
    errors = _sdk().errors

    client = client or connect()
    api = client.api
    result = Cleaned()
    selector = f"{CLUSTER_LABEL}={cluster}" if cluster else CLUSTER_LABEL

    def doomed(labels: dict[str, str]) -> bool:
        return bool(everything or cluster or not owner_alive(labels))

    for summary in api.containers(all=True, filters={"label": selector}):
        if doomed(summary.get("Labels") or {}):
            try:
                api.remove_container(summary["Id"], force=True, v=True)
            except errors.NotFound:
                continue
            except errors.APIError as error:
                if error.status_code == 409:  # "removal already in progress": another cleaner
                    continue
                raise
            result.containers.append(summary["Names"][0].lstrip("/"))
    for network in api.networks(filters={"label": selector}):
        if doomed(network.get("Labels") or {}):
            try:
                api.remove_network(network["Id"])
            except errors.APIError:
                continue  # still in use by a container of a live owner, or already gone
            result.networks.append(network["Name"])
    if images_too:
        for image in api.images(filters={"label": images.IMAGE_LABEL}):
            for tag in image.get("RepoTags") or [image["Id"]]:
                try:
                    api.remove_image(tag, force=True)
                except errors.APIError:
                    continue
                result.images.append(tag)
    return result


def _remove_cluster(client: Any, cluster_id: str) -> None:
    """Remove every container and network of one cluster (at close or interpreter exit)."""
    try:
        clean(client, cluster=cluster_id)
    except Exception:  # the engine went away first: nothing left that we could remove
        pass
    finally:
        client.close()


# -- what the runtime keeps --------------------------------------------------------------


@dataclass
class _Sandbox:
    id: str
    uid: str
    namespace: str
    pod: str
    node: str
    ports: dict[tuple[int, str], int]  # (containerPort, protocol) -> port on 127.0.0.1
    released: bool = False


@dataclass
class _Container:
    id: str
    uid: str
    name: str
    node: str
    spec: dict[str, Any]
    pod_spec: dict[str, Any]
    on_exit: ExitCallback
    state: str = "running"  # running | exited | stopping
    deadline: float = 0.0  # when a stopping container is killed
    start_error: str = ""  # why the engine could not start it


@dataclass(frozen=True)
class HttpResponse:
    """A real HTTP answer from a pod: status, headers, body, and which pod sent it."""

    status: int
    headers: dict[str, str]
    body: str
    pod: str


class DockerRuntime:
    """Pods as real containers on one Docker engine, shared by all of a cluster's nodes."""

    name = "docker"

    def __init__(
        self,
        engine: Engine,
        *,
        client: Any = None,
        relist_seconds: float = RELIST_SECONDS,
        cluster_id: str | None = None,
    ) -> None:
        self._engine = engine
        self._client = client or connect()
        self._api = self._client.api
        #: what ``kubectl get nodes -o wide`` shows in CONTAINER-RUNTIME
        self.version = f"docker://{self._api.version().get('Version', 'unknown')}"
        self.cluster_id = cluster_id or secrets.token_hex(4)
        self.relist_seconds = relist_seconds
        self.orphans_removed = clean(self._client)
        self._labels = {CLUSTER_LABEL: self.cluster_id, **owner_labels()}
        self._sandboxes: dict[str, _Sandbox] = {}
        self._containers: dict[str, _Container] = {}
        self._attempts: dict[tuple[str, str], int] = {}
        #: (namespace, pod, container, probe kind) whose probes fail, set by the learner
        self.failing: set[tuple[str, str, str, str]] = set()
        self._serial = 0
        self._closed = False
        # Removes what this cluster created when close() is not called (interpreter exit,
        # garbage collection). It holds the client, never the runtime itself.
        self._finalizer = weakref.finalize(self, _remove_cluster, self._client, self.cluster_id)
        self.network = self._create_network()
        self._timer: Timer | None = engine.call_later(relist_seconds, self._relist)

    def _create_network(self) -> str:
        errors = _sdk().errors

        name = f"kube-lab-{self.cluster_id}"
        try:
            self._api.create_network(name, driver="bridge", labels=self._labels)
        except errors.APIError:
            return "bridge"  # no address pool left: the default bridge works as well
        return name

    # -- images ----------------------------------------------------------------------------

    def pull(self, node: str, image: str, *, policy: str) -> PullResult:
        """Use a local image, build a missing kube-lab one, never contact a registry."""
        errors = _sdk().errors

        started = time.perf_counter()
        try:
            have = images.present(self._client, image)
        except errors.APIError as error:
            return PullResult(0.0, pulled=False, error=_explain(error))
        if policy == "Never":
            return PullResult(0.0, pulled=False, error=None if have else "ErrImageNeverPull")
        if have and policy != "Always":
            return PullResult(0.0, pulled=False)
        if not have:
            if images.parse(image) is None:
                return PullResult(0.0, pulled=False, error=_not_present(image))
            try:
                images.build(self._client, image)
            except images.BuildError as error:
                return PullResult(0.0, pulled=False, error=str(error))
        return PullResult(round(time.perf_counter() - started, 3), pulled=True)

    def start_seconds(self, image: str) -> float:
        return 0.0  # start() starts the container before it returns

    def stop_seconds(self) -> float:
        return 0.0  # stop() sends SIGTERM; the relist removes the container once it exits

    # -- containers ------------------------------------------------------------------------

    def start(
        self, *, node: str, pod: dict[str, Any], container: dict[str, Any], on_exit: ExitCallback
    ) -> str:
        errors = _sdk().errors

        if self._closed:
            raise RuntimeUnavailable("this cluster's Docker runtime is closed")
        meta = pod["metadata"]
        uid, name = meta["uid"], container["name"]
        self._remove_dead(uid, name)
        attempt = self._attempts.get((uid, name), -1) + 1
        self._attempts[(uid, name)] = attempt
        record = _Container("", uid, name, node, container, pod["spec"], on_exit)
        try:
            sandbox = self._sandbox(node, pod)
            record.id = self._api.create_container(
                container["image"],
                name=f"k8s_{name}_{meta['name']}_{meta['namespace']}_{uid}_{attempt}",
                labels=self._labels_of(node, pod, name, kind="container"),
                host_config=self._api.create_host_config(
                    network_mode=f"container:{sandbox.id}",
                    ipc_mode=f"container:{sandbox.id}",
                    **_resources(container),
                ),
                **_create_options(pod, container),
            )["Id"]
            self._api.start(record.id)
        except errors.APIError as error:
            self._serial += 1
            record.id = record.id or f"failed-{self.cluster_id}-{self._serial}"
            record.state, record.start_error = "exited", _explain(error)
            # The kubelet learns of it as of any exit, once start() has returned.
            self._engine.call_soon(lambda: self._report(record, 128, "StartError"))
        self._containers[record.id] = record
        return f"docker://{record.id}"

    def stop(self, container_id: str) -> None:
        """SIGTERM now; the relist removes the container once it exits, or kills it at the
        end of the pod's ``terminationGracePeriodSeconds``."""
        record = self._containers.get(_docker_id(container_id))
        if record is None or record.state == "stopping":
            return
        if record.state == "exited":
            self._remove(record)
            return
        record.state = "stopping"
        grace = record.pod_spec.get("terminationGracePeriodSeconds")
        record.deadline = self._engine.now + float(30 if grace is None else grace)
        self._signal(record.id, "SIGTERM")

    def remove_pod_sandbox(self, pod_uid: str) -> None:
        """The pod is gone: stop what runs, remove what exited, then its sandbox."""
        for record in [r for r in self._containers.values() if r.uid == pod_uid]:
            if record.state == "running":
                self.stop(f"docker://{record.id}")
            elif record.state == "exited":
                self._remove(record)
        sandbox = self._sandboxes.get(pod_uid)
        if sandbox is not None:
            sandbox.released = True
            self._remove_released(sandbox)

    def logs(self, container_id: str) -> str:
        errors = _sdk().errors

        record = self._containers.get(_docker_id(container_id))
        if record is not None and record.start_error:
            return record.start_error + "\n"
        try:
            data = self._api.logs(_docker_id(container_id), stdout=True, stderr=True)
        except errors.APIError:
            return ""
        return bytes(data).decode(errors="replace")

    # -- probes and traffic ----------------------------------------------------------------

    def probe(self, container_id: str, probe: dict[str, Any], *, kind: str = "readiness") -> bool:
        """Run an ``exec``, ``httpGet`` or ``tcpSocket`` probe for real."""
        record = self._containers.get(_docker_id(container_id))
        if record is None or record.state != "running":
            return False
        sandbox = self._sandboxes.get(record.uid)
        if sandbox and (sandbox.namespace, sandbox.pod, record.name, kind) in self.failing:
            return False
        timeout = float(probe.get("timeoutSeconds") or 1)
        if "exec" in probe:
            return self._exec_succeeds(record.id, probe["exec"].get("command") or [], timeout)
        if "httpGet" in probe:
            get = probe["httpGet"]
            host_port = self._host_port(record, get.get("port"))
            if host_port is None:
                return False
            headers = {h["name"]: h["value"] for h in get.get("httpHeaders") or []}
            answer = _http_get(
                host_port,
                get.get("path") or "/",
                timeout=timeout,
                https=get.get("scheme") == "HTTPS",
                headers=headers,
            )
            return answer is not None and 200 <= answer[0] < 400
        if "tcpSocket" in probe:
            host_port = self._host_port(record, probe["tcpSocket"].get("port"))
            return host_port is not None and _tcp_open(host_port, timeout)
        return True  # grpc: not run; a running container counts as ready

    def set_probe(self, *, namespace: str, pod: str, container: str, kind: str, ok: bool) -> None:
        """Make a container's ``kind`` probe fail (as if the app hung) or run for real again."""
        key = (namespace, pod, container, kind)
        if ok:
            self.failing.discard(key)
        else:
            self.failing.add(key)

    def http_get(
        self, *, namespace: str, pod: str, port: int | str, path: str = "/", timeout: float = 2.0
    ) -> HttpResponse | None:
        """A real HTTP GET to a pod's port (a number or a port name); None if nothing answers.

        ``pod`` in the answer is who sent it: the ``X-Pod-Name`` header that kube-lab's
        images send, else the pod asked (a server that does not say who it is).
        """
        sandbox = self._sandbox_of(namespace, pod)
        if sandbox is None:
            return None
        host_port = _resolve_port(port, sandbox.ports, self._pod_containers(sandbox.uid))
        if host_port is None:
            return None
        answer = _http_get(host_port, path, timeout=timeout)
        if answer is None:
            return None
        status, headers, body = answer
        return HttpResponse(status, headers, body, headers.get("x-pod-name", pod))

    def send_request(
        self, *, namespace: str, pod: str, port: int | str, path: str = "/", timeout: float = 2.0
    ) -> str | None:
        """One real request to a pod; the name of the pod that answered, or None."""
        response = self.http_get(
            namespace=namespace, pod=pod, port=port, path=path, timeout=timeout
        )
        return None if response is None else response.pod

    # -- what runs -------------------------------------------------------------------------

    def containers(self) -> list[dict[str, str]]:
        """This cluster's containers as the engine lists them (sandboxes included)."""
        rows = []
        for summary in self._api.containers(
            all=True, filters={"label": f"{CLUSTER_LABEL}={self.cluster_id}"}
        ):
            labels = summary.get("Labels") or {}
            rows.append(
                {
                    "id": summary["Id"],
                    "name": summary["Names"][0].lstrip("/"),
                    "node": labels.get(NODE_LABEL, ""),
                    "namespace": labels.get(NAMESPACE_LABEL, ""),
                    "pod": labels.get(POD_LABEL, ""),
                    "container": labels.get(CONTAINER_LABEL, ""),
                    "image": summary.get("Image", ""),
                    "state": summary.get("State", ""),
                }
            )
        return rows

    def close(self) -> None:
        """Remove every container and network of this cluster. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        self._sandboxes.clear()
        self._containers.clear()
        self._finalizer()

    @property
    def closed(self) -> bool:
        return self._closed

    # -- the relist (PLEG) -----------------------------------------------------------------

    def _relist(self) -> None:
        errors = _sdk().errors

        if self._closed:
            return
        try:
            summaries = self._api.containers(
                all=True, filters={"label": f"{CLUSTER_LABEL}={self.cluster_id}"}
            )
        except (errors.DockerException, OSError):
            summaries = None  # the engine did not answer this time: try again next period
        if summaries is not None:
            self._reconcile({s["Id"]: str(s.get("State", "")) for s in summaries})
        self._timer = self._engine.call_later(self.relist_seconds, self._relist)

    def _reconcile(self, states: dict[str, str]) -> None:
        now = self._engine.now
        for record in list(self._containers.values()):
            state = states.get(record.id, "removed")
            if record.state == "running" and state not in ("running", "paused", "restarting"):
                record.state = "exited"
                code, reason = self._exit_of(record.id, state)
                self._report(record, code, reason)
            elif record.state == "stopping" and (state != "running" or now >= record.deadline):
                self._remove(record)
        for sandbox in list(self._sandboxes.values()):
            if sandbox.released:
                self._remove_released(sandbox)
            elif states.get(sandbox.id) not in ("running", "paused"):
                # The sandbox died: as the kubelet does, kill the pod's containers; they are
                # restarted in a new sandbox.
                for record in self._containers.values():
                    if record.uid == sandbox.uid and record.state == "running":
                        self._signal(record.id, "SIGKILL")

    def _report(self, record: _Container, code: int, reason: str) -> None:
        if self._containers.get(record.id) is record and record.state == "exited":
            record.on_exit(code, reason)

    def _exit_of(self, container_id: str, state: str) -> tuple[int, str]:
        """Exit code and the reason Kubernetes gives it (``Completed``, ``Error`` ...)."""
        errors = _sdk().errors

        if state == "removed":
            return 137, "ContainerStatusUnknown"  # removed from outside (docker rm -f)
        try:
            info = self._api.inspect_container(container_id)["State"]
        except errors.NotFound:
            return 137, "ContainerStatusUnknown"
        code = int(info.get("ExitCode") or 0)
        if info.get("OOMKilled"):
            return code, "OOMKilled"
        return code, "Completed" if code == 0 else "Error"

    # -- sandboxes -------------------------------------------------------------------------

    def _sandbox(self, node: str, pod: dict[str, Any]) -> _Sandbox:
        meta = pod["metadata"]
        uid = meta["uid"]
        sandbox = self._sandboxes.get(uid)
        if sandbox is not None:
            if self._state(sandbox.id) in ("running", "paused"):
                return sandbox
            self._call("remove_container", sandbox.id, force=True)
        images.ensure(self._client, images.PAUSE_IMAGE)
        ports = _pod_ports(pod)
        attempt = self._attempts.get((uid, SANDBOX), -1) + 1
        self._attempts[(uid, SANDBOX)] = attempt
        sandbox_id = self._api.create_container(
            images.PAUSE_IMAGE,
            name=f"k8s_{SANDBOX}_{meta['name']}_{meta['namespace']}_{uid}_{attempt}",
            hostname=_hostname(pod),
            labels=self._labels_of(node, pod, SANDBOX, kind="podsandbox"),
            ports=[(port, protocol.lower()) for port, protocol in ports],
            host_config=self._api.create_host_config(
                network_mode=self.network,
                ipc_mode="shareable",
                port_bindings={f"{p}/{proto.lower()}": (HOST_IP, None) for p, proto in ports},
            ),
        )["Id"]
        self._api.start(sandbox_id)
        published = self._api.inspect_container(sandbox_id)["NetworkSettings"]["Ports"] or {}
        host_ports = {}
        for port, protocol in ports:
            bindings = published.get(f"{port}/{protocol.lower()}") or []
            if bindings:
                host_ports[(port, protocol)] = int(bindings[0]["HostPort"])
        sandbox = _Sandbox(sandbox_id, uid, meta["namespace"], meta["name"], node, host_ports)
        self._sandboxes[uid] = sandbox
        return sandbox

    def _remove_released(self, sandbox: _Sandbox) -> None:
        if any(r.uid == sandbox.uid for r in self._containers.values()):
            return  # a container of the pod is still stopping
        self._call("remove_container", sandbox.id, force=True)
        self._sandboxes.pop(sandbox.uid, None)

    def _sandbox_of(self, namespace: str, pod: str) -> _Sandbox | None:
        for sandbox in reversed(list(self._sandboxes.values())):
            if sandbox.namespace == namespace and sandbox.pod == pod and not sandbox.released:
                return sandbox
        return None

    def _pod_containers(self, uid: str) -> list[dict[str, Any]]:
        for record in self._containers.values():
            if record.uid == uid:
                return list(record.pod_spec.get("containers") or [])
        return []

    def _host_port(self, record: _Container, port: Any) -> int | None:
        sandbox = self._sandboxes.get(record.uid)
        if sandbox is None:
            return None
        return _resolve_port(port, sandbox.ports, record.pod_spec.get("containers") or [])

    # -- engine calls ----------------------------------------------------------------------

    def _labels_of(self, node: str, pod: dict[str, Any], container: str, *, kind: str) -> dict:
        meta = pod["metadata"]
        return {
            **self._labels,
            NODE_LABEL: node,
            NAMESPACE_LABEL: meta["namespace"],
            POD_LABEL: meta["name"],
            POD_UID_LABEL: meta["uid"],
            CONTAINER_LABEL: container,
            # What the dockershim labelled, so `docker ps` reads as on a real node
            "io.kubernetes.pod.name": meta["name"],
            "io.kubernetes.pod.namespace": meta["namespace"],
            "io.kubernetes.pod.uid": meta["uid"],
            "io.kubernetes.container.name": container,
            "io.kubernetes.docker.type": kind,
        }

    def _remove_dead(self, uid: str, name: str) -> None:
        """Remove the previous, exited container of a container that restarts."""
        for record in list(self._containers.values()):
            if record.uid == uid and record.name == name and record.state == "exited":
                self._remove(record)

    def _remove(self, record: _Container) -> None:
        self._containers.pop(record.id, None)
        if not record.id.startswith("failed-"):
            self._call("remove_container", record.id, force=True)
        sandbox = self._sandboxes.get(record.uid)
        if sandbox is not None and sandbox.released:
            self._remove_released(sandbox)

    def _signal(self, container_id: str, signal: str) -> None:
        if self._state(container_id) == "paused":
            self._call("unpause_container", container_id)
        self._call("kill", container_id, signal=signal)

    def _state(self, container_id: str) -> str:
        errors = _sdk().errors

        try:
            return str(self._api.inspect_container(container_id)["State"]["Status"])
        except errors.NotFound:
            return "removed"

    def _call(self, method: str, *args: Any, **kwargs: Any) -> None:
        """An engine call whose failure (already gone, not running) changes nothing."""
        errors = _sdk().errors

        with contextlib.suppress(errors.APIError):
            getattr(self._api, method)(*args, **kwargs)

    def _exec_succeeds(self, container_id: str, command: list[str], timeout: float) -> bool:
        errors = _sdk().errors

        saved = self._api.timeout
        self._api.timeout = timeout
        try:
            exec_id = self._api.exec_create(container_id, command, stdout=True, stderr=True)["Id"]
            self._api.exec_start(exec_id)
            return self._api.exec_inspect(exec_id).get("ExitCode") == 0
        except (errors.APIError, OSError):
            return False  # not running, no such program, or timed out
        finally:
            self._api.timeout = saved


# -- translating a pod spec ----------------------------------------------------------------


def _docker_id(container_id: str) -> str:
    return container_id.removeprefix("docker://")


def _hostname(pod: dict[str, Any]) -> str:
    """The pod's hostname, as Kubernetes sets it: ``spec.hostname`` or the pod name (63 max)."""
    name = pod["spec"].get("hostname") or pod["metadata"]["name"]
    return str(name)[:63].rstrip("-.")


def _pod_ports(pod: dict[str, Any]) -> list[tuple[int, str]]:
    """Every port to publish: the containers' ports and the ports their probes use."""
    containers = pod["spec"].get("containers") or []
    found: list[tuple[int, str]] = []

    def add(port: int, protocol: str) -> None:
        if (port, protocol) not in found:
            found.append((port, protocol))

    for container in containers:
        for port in container.get("ports") or []:
            add(int(port["containerPort"]), port.get("protocol") or "TCP")
    for container in containers:
        for kind in ("readinessProbe", "livenessProbe", "startupProbe"):
            probe = container.get(kind) or {}
            action = probe.get("httpGet") or probe.get("tcpSocket")
            if action and action.get("port") is not None:
                number = _port_number(action["port"], containers)
                if number is not None:
                    add(number, "TCP")
    return found


def _port_number(port: Any, containers: list[dict[str, Any]]) -> int | None:
    """A port given as a number or as the name of a container port."""
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        return int(port)
    for container in containers:
        for declared in container.get("ports") or []:
            if declared.get("name") == port:
                return int(declared["containerPort"])
    return None


def _resolve_port(
    port: Any, published: dict[tuple[int, str], int], containers: list[dict[str, Any]]
) -> int | None:
    number = _port_number(port, containers)
    return None if number is None else published.get((number, "TCP"))


_REFERENCE = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def _expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes' ``$(VAR)`` expansion in command, args and env (``$$`` is a ``$``)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return env.get(match.group(1), match.group(0))

    return _REFERENCE.sub(replace, text)


def _field(pod: dict[str, Any], path: str) -> str:
    """The value of a downward-API ``fieldRef``."""
    meta, spec, status = pod["metadata"], pod["spec"], pod.get("status") or {}
    simple = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName"),
        "status.podIP": status.get("podIP"),
        "status.hostIP": status.get("hostIP"),
    }
    if path in simple:
        return str(simple[path] or "")
    match = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if match:
        return str((meta.get(match.group(1)) or {}).get(match.group(2), ""))
    return ""


def _environment(pod: dict[str, Any], container: dict[str, Any]) -> dict[str, str]:
    env: dict[str, str] = {}
    for variable in container.get("env") or []:
        source = variable.get("valueFrom") or {}
        if "fieldRef" in source:
            env[variable["name"]] = _field(pod, source["fieldRef"].get("fieldPath", ""))
        elif not source:
            env[variable["name"]] = _expand(str(variable.get("value", "")), env)
    return env


def _create_options(pod: dict[str, Any], container: dict[str, Any]) -> dict[str, Any]:
    """``create_container`` arguments for a container spec: command, args, env, user ..."""
    env = _environment(pod, container)
    command = container.get("command")
    args = container.get("args")
    security = container.get("securityContext") or {}
    options: dict[str, Any] = {
        # Kubernetes' command is Docker's entrypoint and its args are Docker's command
        "entrypoint": [_expand(str(a), env) for a in command] if command else None,
        "command": [_expand(str(a), env) for a in args] if args else None,
        "environment": env,
        "working_dir": container.get("workingDir") or None,
        "tty": bool(container.get("tty")),
        "stdin_open": bool(container.get("stdin")),
    }
    if security.get("runAsUser") is not None:
        group = security.get("runAsGroup")
        options["user"] = f"{security['runAsUser']}" + (f":{group}" if group is not None else "")
    return options


def _resources(container: dict[str, Any]) -> dict[str, Any]:
    """CPU and memory limits as the kubelet sets them on the container's cgroup."""
    resources = container.get("resources") or {}
    limits, requests = resources.get("limits") or {}, resources.get("requests") or {}
    options: dict[str, Any] = {}
    try:
        if "cpu" in limits:
            options["nano_cpus"] = milli_value(limits["cpu"]) * 1_000_000
        cpu_request = requests.get("cpu", limits.get("cpu"))
        if cpu_request is not None:
            # the kubelet's MilliCPUToShares: 1024 shares a core, at least 2
            options["cpu_shares"] = max(2, milli_value(cpu_request) * 1024 // 1000)
        if "memory" in limits:
            options["mem_limit"] = int_value(limits["memory"])
    except QuantityError:
        pass  # validation refused such a pod before it got here
    return options


def _not_present(image: str) -> str:
    return (
        f'image "{image}" is not present on this machine, and kube-lab pulls no image from a '
        "registry (lessons work offline). Use one of kube-lab's own images, built locally: "
        "kube-lab/web:<version>, kube-lab/worker:<version>, kube-lab/busybox:<version> "
        "(kube-lab images build), or build or load the image into this Docker engine first"
    )


def _explain(error: Any) -> str:
    explanation = getattr(error, "explanation", None)
    return str(explanation or error)


# -- talking to published ports ------------------------------------------------------------


def _http_get(
    port: int,
    path: str,
    *,
    timeout: float,
    https: bool = False,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str] | None:
    """GET ``path`` on ``127.0.0.1:port``; (status, headers, body), or None if no answer."""
    connection: http.client.HTTPConnection
    if https:
        import ssl

        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # as the kubelet: probes skip verification
        connection = http.client.HTTPSConnection(HOST_IP, port, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(HOST_IP, port, timeout=timeout)
    try:
        connection.request(
            "GET", path if path.startswith("/") else f"/{path}", headers=headers or {}
        )
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        answer = {k.lower(): v for k, v in response.getheaders()}
        return response.status, answer, body
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def _tcp_open(port: int, timeout: float) -> bool:
    """Whether something listens behind a published port.

    Docker's port proxy accepts every connection on ``127.0.0.1`` and closes it at once when
    nothing listens in the container, so a connection that is accepted and not closed
    within a moment (or that says something) counts as open.
    """
    try:
        with socket.create_connection((HOST_IP, port), timeout=timeout) as connection:
            connection.settimeout(min(timeout, 0.3))
            try:
                return connection.recv(1) != b""
            except TimeoutError:
                return True
    except OSError:
        return False


#: What ``Cluster(runtime="docker")`` needs; the others are here for the lessons and tests.
__all__ = [
    "DockerRuntime",
    "HttpResponse",
    "RuntimeUnavailable",
    "clean",
    "connect",
    "docker_available",
]
