"""A snapshot: what a picture of the cluster needs, read from the store at one instant.

Every diagram is drawn from a :class:`Snapshot`, never from the live store, for two reasons.
The dashboard keeps one per step, so its replay slider scrubs back through history without
running the cluster again; and a snapshot is small, frozen and plain (tuples of strings and
numbers), so keeping hundreds costs little and drawing one is a pure function.

The snapshot reads what the API says (a node's ``Ready`` condition, a pod's phase and its
``kubectl get pods`` STATUS, the ready endpoints of each Service's EndpointSlice), and one
thing the API does not know yet: whether the node's kubelet is actually running. A node
whose power was cut stays ``Ready`` in the API until the node lifecycle controller notices
the missing heartbeats; the diagram shows both, because that gap is the lesson.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kube_lab.api import kinds
from kube_lab.api import pods as podutil
from kube_lab.api.meta import Obj, controller_of, get_condition, parse_timestamp
from kube_lab.api.quantity import milli_value
from kube_lab.controllers.endpoints import SERVICE_NAME_LABEL
from kube_lab.kubectl.pods import summarize

if TYPE_CHECKING:
    from kube_lab.cluster import Cluster

#: How many recent events a snapshot keeps for the event log.
EVENTS = 12

#: Pod states a diagram colours, in legend order.
STATES = ("Running", "NotReady", "Starting", "Pending", "Failing", "Succeeded", "Terminating")

_FAILING = re.compile(r"BackOff|Err|Error|OOMKilled|Failed|Invalid|Signal|ExitCode|Unknown")


@dataclass(frozen=True)
class PodView:
    namespace: str
    name: str
    node: str  # "" while unscheduled
    phase: str  # the API phase: Pending, Running, Succeeded, Failed, Unknown
    status: str  # what ``kubectl get pods`` prints in STATUS
    state: str  # one of STATES: the diagram's colour
    ready: bool
    owner_kind: str  # "Deployment", "ReplicaSet", "Job" ... or "" for a bare pod
    owner: str
    image: str
    restarts: int
    reason: str  # why a pod waits for a node: PodScheduled's reason and message
    labels: tuple[tuple[str, str], ...]
    cpu: int  # requested millicores

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def version(self) -> str:
        """The image tag (``1.27`` of ``nginx:1.27``), as a learner tells versions apart."""
        return image_version(self.image)

    @property
    def short_name(self) -> str:
        """The name without its owner's prefix: ``5d4f8b7c9-x7k2p`` of ``web-5d4f8b7c9-x7k2p``."""
        prefix = f"{self.owner}-"
        if self.owner and self.name.startswith(prefix) and len(self.name) > len(prefix):
            return self.name[len(prefix) :]
        return self.name


@dataclass(frozen=True)
class NodeView:
    name: str
    ready: str  # the Ready condition's status: True, False, Unknown
    status: str  # what ``kubectl get nodes`` prints in STATUS
    unschedulable: bool  # cordoned
    powered: bool  # its kubelet runs (False after ``fail_node``, whatever the API says)
    taints: tuple[str, ...]  # "key:Effect"
    cpu: int  # allocatable millicores
    cpu_requested: int
    pod_capacity: int

    @property
    def failed(self) -> bool:
        """NotReady or Unknown in the API, or its power is off."""
        return self.ready != "True" or not self.powered


@dataclass(frozen=True)
class ServiceView:
    namespace: str
    name: str
    type: str
    cluster_ip: str
    ports: tuple[int, ...]
    selector: tuple[tuple[str, str], ...]
    ready: tuple[str, ...]  # pod names of ready endpoints, sorted
    not_ready: tuple[str, ...]  # endpoints kube-proxy does not send to
    rps: float  # the steady load set with ``Cluster.set_load``

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def selects(self, pod: PodView) -> bool:
        labels = dict(pod.labels)
        return pod.namespace == self.namespace and all(labels.get(k) == v for k, v in self.selector)


@dataclass(frozen=True)
class EventView:
    time: float  # lastTimestamp, seconds of cluster time
    type: str  # Normal, Warning
    reason: str
    object: str  # "pod/web-5d4f8b7c9-x7k2p"
    namespace: str
    message: str
    component: str  # source.component: who acted
    host: str  # source.host: which node's kubelet, for kubelet events
    count: int
    version: int  # the Event's resourceVersion: the order events were written in


@dataclass(frozen=True)
class Snapshot:
    """The cluster at one instant, as plain values."""

    time: float
    nodes: tuple[NodeView, ...]  # in natural order: node-2 before node-10
    pods: tuple[PodView, ...]  # by namespace, then name
    services: tuple[ServiceView, ...]
    events: tuple[EventView, ...]  # most recent last
    resource_version: int = 0  # the store's, when the snapshot was taken
    objects: int = 0  # objects in the store

    @property
    def latest_event(self) -> EventView | None:
        return self.events[-1] if self.events else None


def natural_key(name: str) -> tuple[Any, ...]:
    """Sort key that puts ``node-2`` before ``node-10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def image_version(image: str) -> str:
    if "@" in image:
        return image.split("@", 1)[1].split(":", 1)[-1][:7]
    last = image.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else "latest"


def pod_state(*, phase: str, status: str, ready: bool, node: str, deleting: bool) -> str:
    """The diagram's colour for a pod: one of :data:`STATES`."""
    if deleting:
        return "Terminating"
    if phase == "Succeeded":
        return "Succeeded"
    if phase in ("Failed", "Unknown") or _FAILING.search(status):
        return "Failing"
    if phase == "Running":
        return "Running" if ready else "NotReady"
    return "Starting" if node else "Pending"


def _cpu_request(pod: Obj) -> int:
    total = 0
    for container in pod["spec"].get("containers") or []:
        cpu = ((container.get("resources") or {}).get("requests") or {}).get("cpu")
        if cpu is not None:
            total += milli_value(cpu)
    return total


def _owner(pod: Obj, cluster: Cluster) -> tuple[str, str]:
    ref = controller_of(pod)
    if ref is None:
        return "", ""
    if ref["kind"] == "ReplicaSet":
        rs = cluster.store.peek("ReplicaSet", ref["name"], pod["metadata"]["namespace"])
        parent = controller_of(rs) if rs is not None else None
        if parent is not None and parent["kind"] == "Deployment":
            return "Deployment", str(parent["name"])
    return str(ref["kind"]), str(ref["name"])


def _pending_reason(pod: Obj) -> str:
    condition = get_condition(pod, "PodScheduled")
    if condition is None or condition.get("status") == "True":
        return "waiting for the scheduler"
    reason = condition.get("reason") or "Pending"
    message = condition.get("message")
    return f"{reason}: {message}" if message else str(reason)


def pod_view(pod: Obj, cluster: Cluster) -> PodView:
    meta = pod["metadata"]
    status = pod.get("status") or {}
    node = str(pod["spec"].get("nodeName") or "")
    phase = podutil.phase(pod)
    printed = summarize(pod, cluster.now).status
    ready = podutil.is_ready(pod)
    owner_kind, owner = _owner(pod, cluster)
    containers = pod["spec"].get("containers") or [{}]
    restarts = sum(cs.get("restartCount", 0) for cs in status.get("containerStatuses") or [])
    return PodView(
        namespace=meta["namespace"],
        name=meta["name"],
        node=node,
        phase=phase,
        status=printed,
        state=pod_state(
            phase=phase,
            status=printed,
            ready=ready,
            node=node,
            deleting=bool(meta.get("deletionTimestamp")),
        ),
        ready=ready,
        owner_kind=owner_kind,
        owner=owner,
        image=str(containers[0].get("image", "")),
        restarts=int(restarts),
        reason="" if node else _pending_reason(pod),
        labels=tuple(sorted((meta.get("labels") or {}).items())),
        cpu=_cpu_request(pod),
    )


def _node_view(node: Obj, cluster: Cluster, requested: dict[str, int]) -> NodeView:
    name = node["metadata"]["name"]
    ready = get_condition(node, "Ready")
    status = (
        ["Unknown"] if ready is None else ["Ready" if ready["status"] == "True" else "NotReady"]
    )
    unschedulable = bool((node.get("spec") or {}).get("unschedulable"))
    if unschedulable:
        status.append("SchedulingDisabled")
    kubelet = cluster.kubelets.get(name)
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    return NodeView(
        name=name,
        ready=str(ready["status"]) if ready is not None else "Unknown",
        status=",".join(status),
        unschedulable=unschedulable,
        powered=kubelet is None or bool(kubelet.alive),
        taints=tuple(
            f"{t['key']}:{t['effect']}" for t in (node.get("spec") or {}).get("taints") or []
        ),
        cpu=milli_value(allocatable.get("cpu", "0")),
        cpu_requested=requested.get(name, 0),
        pod_capacity=int(allocatable.get("pods", 110)),
    )


def _service_views(cluster: Cluster) -> tuple[ServiceView, ...]:
    slices: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for item in cluster.store.list("EndpointSlice"):
        meta = item["metadata"]
        service = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
        if service is None:
            continue
        ready, not_ready = slices.setdefault((meta["namespace"], service), ([], []))
        for endpoint in item.get("endpoints") or []:
            pod = (endpoint.get("targetRef") or {}).get("name")
            if pod:
                (ready if endpoint["conditions"].get("ready") else not_ready).append(pod)
    loads = {key: load.rps for key, load in cluster.load.loads.items()}
    views = []
    for service in cluster.store.list("Service"):
        meta, spec = service["metadata"], service["spec"]
        if not spec.get("selector"):
            continue  # the API server's own ``kubernetes`` Service points at no pod
        key = (meta["namespace"], meta["name"])
        ready, not_ready = slices.get(key, ([], []))
        views.append(
            ServiceView(
                namespace=key[0],
                name=key[1],
                type=str(spec.get("type", "ClusterIP")),
                cluster_ip=str(spec.get("clusterIP") or ""),
                ports=tuple(int(p["port"]) for p in spec.get("ports") or []),
                selector=tuple(sorted(spec["selector"].items())),
                ready=tuple(sorted(ready)),
                not_ready=tuple(sorted(not_ready)),
                rps=float(loads.get(key, 0.0)),
            )
        )
    return tuple(views)


def event_view(event: Obj) -> EventView:
    involved = event.get("involvedObject") or {}
    source = event.get("source") or {}
    stamp = event.get("lastTimestamp") or event.get("firstTimestamp")
    return EventView(
        time=parse_timestamp(stamp) if stamp else 0.0,
        type=str(event.get("type", "")),
        reason=str(event.get("reason", "")),
        object=f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}",
        namespace=str(event["metadata"].get("namespace", "")),
        message=str(event.get("message", "")),
        component=str(source.get("component") or event.get("reportingComponent") or ""),
        host=str(source.get("host") or event.get("reportingInstance") or ""),
        count=int(event.get("count", 1)),
        version=int(event["metadata"].get("resourceVersion", 0)),
    )


def recent_events(cluster: Cluster, count: int = EVENTS) -> tuple[EventView, ...]:
    """The last ``count`` events written (created or repeated), oldest first."""
    latest = heapq.nlargest(
        count,
        cluster.store.scan("Event"),
        key=lambda e: int(e["metadata"].get("resourceVersion", 0)),
    )
    return tuple(event_view(e) for e in reversed(latest))


def snapshot(cluster: Cluster, *, events: int = EVENTS) -> Snapshot:
    """Read what the diagrams need from the store, now."""
    pods = tuple(pod_view(p, cluster) for p in cluster.store.list("Pod"))
    requested: dict[str, int] = {}
    for pod in pods:
        if pod.node and pod.phase not in ("Succeeded", "Failed"):
            requested[pod.node] = requested.get(pod.node, 0) + pod.cpu
    nodes = sorted(cluster.store.scan("Node"), key=lambda n: natural_key(n["metadata"]["name"]))
    return Snapshot(
        time=float(cluster.now),
        nodes=tuple(_node_view(n, cluster, requested) for n in nodes),
        pods=pods,
        services=_service_views(cluster),
        events=recent_events(cluster, events),
        resource_version=cluster.store.resource_version,
        objects=sum(cluster.store.count(k.kind) for k in kinds.KINDS),
    )
