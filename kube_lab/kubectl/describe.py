"""``kubectl describe``: one object in prose, its related objects and its events.

Each describer writes tab-separated ``Label:\\tvalue`` lines at indentation levels of two
spaces (kubectl's ``PrefixWriter``) and one tabwriter (``minwidth=0, padding=2``) aligns
them, block by block, exactly as ``pkg/describe/describe.go`` does; the ``Events:``
table comes last. Implemented for Pod, Node, Deployment, ReplicaSet, Service, Namespace
and HorizontalPodAutoscaler, with the fields kube_lab objects carry; a Service's
``Endpoints:`` come from its EndpointSlices and a Node's ``Lease:`` from
``kube-node-lease``, as kubectl reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from kube_lab.api import kinds
from kube_lab.api.errors import NotFound
from kube_lab.api.meta import Obj, controller_of, get_condition, parse_timestamp
from kube_lab.api.quantity import parse_quantity
from kube_lab.api.selectors import from_label_selector, from_match_labels
from kube_lab.kubectl import deployments
from kube_lab.kubectl.context import Context
from kube_lab.kubectl.duration import since
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.formats import (
    ZERO,
    Quantity,
    canonical_quantity,
    format_label_selector,
    format_labels,
    rfc1123z,
    selector_string,
)
from kube_lab.kubectl.output import Aggregate, KubectlError
from kube_lab.kubectl.printers import node_roles
from kube_lab.kubectl.tabwriter import align

#: Annotations describe never shows.
SKIP_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})
MAX_ANNOTATION_LENGTH = 140
RESOURCE_NAMES = ("cpu", "memory")
NODE_LEASE_NAMESPACE = "kube-node-lease"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


class Writer:
    """kubectl's ``PrefixWriter`` over a tabwriter: text at two-space levels."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self._parts.append("  " * level + text)

    def text(self) -> str:
        return align(self.raw(), minwidth=0, padding=2)

    def raw(self) -> str:
        """The text with its tabs left in, as ``rollout history --revision`` prints it."""
        return "".join(self._parts)


Describer = Callable[[Context, Obj, bool], str]


# -- shared pieces ------------------------------------------------------------------------


def _multiline(w: Writer, title: str, lines: list[str]) -> None:
    """``printLabelsMultilineWithIndent``: the first line beside the title, the rest aligned."""
    w.write(0, f"{title}:\t")
    if not lines:
        w.write(0, "<none>\n")
        return
    for i, line in enumerate(lines):
        if i:
            w.write(0, "\t")
        w.write(0, f"{line}\n")


def _labels(w: Writer, title: str, labels: Mapping[str, str] | None) -> None:
    _multiline(w, title, [f"{k}={v}" for k, v in sorted((labels or {}).items())])


def _annotations(w: Writer, title: str, annotations: Mapping[str, str] | None) -> None:
    """``printAnnotationsMultiline``: long or multi-line values on their own lines."""
    w.write(0, f"{title}:\t")
    annotations = annotations or {}
    keys = sorted(k for k in annotations if k not in SKIP_ANNOTATIONS)
    if not keys:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = str(annotations[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LENGTH or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                limit = MAX_ANNOTATION_LENGTH - 2
                w.write(0, f"\t  {line[:limit] + '...' if len(line) > limit else line}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _tolerations(w: Writer, title: str, tolerations: list[dict[str, Any]]) -> None:
    lines = []
    for t in sorted(tolerations, key=lambda t: t.get("key", "")):
        line = t.get("key", "")
        if t.get("value"):
            line += f"={t['value']}"
        if t.get("effect"):
            line += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            line += " op=Exists" if t.get("key") or t.get("effect") else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            line += f" for {t['tolerationSeconds']}s"
        lines.append(line)
    _multiline(w, title, lines)


def _taints(taints: list[dict[str, Any]]) -> list[str]:
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    return [
        f"{t['key']}={t['value']}:{t['effect']}" if t.get("value") else f"{t['key']}:{t['effect']}"
        for t in ordered
    ]


def _controlled_by(obj: Obj) -> str:
    ref = controller_of(obj)
    return f"{ref['kind']}/{ref['name']}" if ref else ""


def _conditions(w: Writer, obj: Obj, *, with_reason: bool) -> None:
    conditions = (obj.get("status") or {}).get("conditions") or []
    if not conditions:
        return
    if with_reason:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c['type']} \t{c['status']}\t{c.get('reason', '')}\n")
    else:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in conditions:
            w.write(1, f"{c['type']} \t{c['status']} \n")


def events_for(ctx: Context, obj: Obj) -> list[Obj]:
    """``searchEvents``: events about ``obj`` (by name, namespace, kind and uid), oldest first.

    Pods are matched without their kind, nodes by uid or by name (the kubelet's habit).
    """
    meta = obj["metadata"]
    namespace = meta.get("namespace") or ""
    uids = {meta.get("uid"), meta["name"]} if obj["kind"] == "Node" else {meta.get("uid")}
    found = []
    for event in ctx.store.list("Event", namespace or None):
        involved = event.get("involvedObject") or {}
        if (
            involved.get("name") == meta["name"]
            and (involved.get("namespace") or "") == namespace
            and (obj["kind"] == "Pod" or involved.get("kind") == obj["kind"])
            and involved.get("uid") in uids
        ):
            found.append(event)
    return sorted(
        found, key=lambda e: parse_timestamp(e["lastTimestamp"]) if e.get("lastTimestamp") else 0.0
    )


def _events(ctx: Context, w: Writer, obj: Obj) -> None:
    """``DescribeEvents``: ``Type Reason Age From Message``, ``<none>`` when there are none."""
    events = events_for(ctx, obj)
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in events:
        first = since(e.get("eventTime") or e.get("firstTimestamp"), ctx.now)
        count = e.get("count") or 0
        if e.get("series"):
            last = since(e["series"].get("lastObservedTime"), ctx.now)
            age = f"{last} (x{e['series']['count']} over {first})"
        elif count > 1:
            age = f"{since(e.get('lastTimestamp'), ctx.now)} (x{count} over {first})"
        else:
            age = first
        source = (e.get("source") or {}).get("component") or e.get("reportingController") or ""
        message = str(e.get("message") or "").strip()
        field_path = (e.get("involvedObject") or {}).get("fieldPath")
        if field_path:
            message = f"{field_path}: {message}"
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{age}\t{source}\t{message}\n")


# -- containers and pod templates -----------------------------------------------------------


def _ports(ports: list[dict[str, Any]], field: str) -> str:
    texts = []
    for port in ports:
        text = f"{port.get(field, 0)}/{port.get('protocol') or 'TCP'}"
        texts.append(f"{text} ({port['name']})" if port.get("name") else text)
    return ", ".join(texts)


def _probe(probe: dict[str, Any]) -> str:
    """``DescribeProbe``, with the API server's defaults for unset thresholds."""
    attrs = (
        f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 1)}s "
        f"period={probe.get('periodSeconds', 10)}s "
        f"#success={probe.get('successThreshold', 1)} #failure={probe.get('failureThreshold', 3)}"
    )
    if "exec" in probe:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if "httpGet" in probe:
        get = probe["httpGet"]
        scheme = str(get.get("scheme") or "HTTP").lower()
        url = f"{scheme}://{get.get('host', '')}:{get.get('port', '')}{get.get('path', '')}"
        return f"http-get {url} {attrs}"
    if "tcpSocket" in probe:
        socket = probe["tcpSocket"]
        return f"tcp-socket {socket.get('host', '')}:{socket.get('port', '')} {attrs}"
    if "grpc" in probe:
        return f"grpc <pod>:{probe['grpc'].get('port')} {probe['grpc'].get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _state(w: Writer, title: str, state: dict[str, Any]) -> None:
    """``describeStatus``: Running/Waiting/Terminated and their details."""
    if "running" in state:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif "terminated" in state:
        terminated = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if terminated.get("reason"):
            w.write(3, f"Reason:\t{terminated['reason']}\n")
        if terminated.get("message"):
            w.write(3, f"Message:\t{terminated['message']}\n")
        w.write(3, f"Exit Code:\t{terminated.get('exitCode', 0)}\n")
        if terminated.get("signal"):
            w.write(3, f"Signal:\t{terminated['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(terminated.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(terminated.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")
        reason = (state.get("waiting") or {}).get("reason")
        if reason:
            w.write(3, f"Reason:\t{reason}\n")


def _containers(
    w: Writer,
    label: str,
    containers: list[dict[str, Any]],
    statuses: list[dict[str, Any]],
    *,
    space: str = "",
) -> None:
    """``describeContainers``: one section per container, with its status when running."""
    by_name = {s["name"]: s for s in statuses}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for container in containers:
        status = by_name.get(container["name"])
        w.write(1, f"{' ' if space else ''}{container['name']}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{container.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = container.get("ports") or []
        for title, field in (("Port", "containerPort"), ("Host Port", "hostPort")):
            text = _ports(ports, field)
            plural = "s" if "," in text else ""
            w.write(2, f"{title}{plural}:\t{text or '<none>'}\n")
        for title, key in (("Command", "command"), ("Args", "args")):
            if container.get(key):
                w.write(2, f"{title}:\n")
                for item in container[key]:
                    for line in str(item).split("\n"):
                        w.write(3, f"{line}\n")
        if status is not None:
            _state(w, "State", status.get("state") or {})
            last = status.get("lastState") or {}
            if last.get("terminated"):
                _state(w, "Last State", last)
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        resources = container.get("resources") or {}
        for title, key in (("Limits", "limits"), ("Requests", "requests")):
            if resources.get(key):
                w.write(2, f"{title}:\n")
                for name, value in sorted(resources[key].items()):
                    w.write(3, f"{name}:\t{canonical_quantity(value)}\n")
        for title, key in (
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ):
            if container.get(key):
                w.write(2, f"{title}:\t{_probe(container[key])}\n")
        env = container.get("env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for var in env:
            if "valueFrom" in var:
                w.write(3, f"{var['name']}:\t{_env_source(var['valueFrom'])}\n")
                continue
            for i, line in enumerate(str(var.get("value", "")).split("\n")):
                w.write(3, f"{var['name']}:\t{line}\n" if i == 0 else f"\t{line}\n")
        mounts = sorted(container.get("volumeMounts") or [], key=lambda m: m["mountPath"])
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for mount in mounts:
            flags = ["ro" if mount.get("readOnly") else "rw"]
            if mount.get("subPath"):
                flags.append(f'path="{mount["subPath"]}"')
            w.write(3, f"{mount['mountPath']} from {mount['name']} ({','.join(flags)})\n")


def _env_source(source: dict[str, Any]) -> str:
    if "fieldRef" in source:
        ref = source["fieldRef"]
        return f" ({ref.get('apiVersion', 'v1')}:{ref['fieldPath']})"
    if "resourceFieldRef" in source:
        return f" ({source['resourceFieldRef']['resource']})"
    for key, noun in (("secretKeyRef", "in secret"), ("configMapKeyRef", "of config map")):
        if key in source:
            ref = source[key]
            optional = str(bool(ref.get("optional"))).lower()
            return f"<set to the key '{ref['key']}' {noun} '{ref['name']}'>\tOptional: {optional}"
    return ""


def _volumes(w: Writer, volumes: list[dict[str, Any]], *, space: str = "") -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for volume in volumes:
        w.write(1, f"{' ' if space else ''}{volume['name']}:\n")
        if "emptyDir" in volume:
            empty_dir = volume["emptyDir"] or {}
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n")
            w.write(2, f"Medium:\t{empty_dir.get('medium', '')}\n")
            w.write(2, f"SizeLimit:\t{empty_dir.get('sizeLimit') or '<unset>'}\n")
        elif "hostPath" in volume:
            w.write(2, "Type:\tHostPath (bare host directory volume)\n")
            w.write(2, f"Path:\t{volume['hostPath'].get('path', '')}\n")
            w.write(2, f"HostPathType:\t{volume['hostPath'].get('type') or '<none>'}\n")
        elif "configMap" in volume:
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n")
            w.write(2, f"Name:\t{volume['configMap'].get('name', '')}\n")
            w.write(2, f"Optional:\t{str(bool(volume['configMap'].get('optional'))).lower()}\n")
        elif "secret" in volume:
            w.write(2, "Type:\tSecret (a volume populated by a Secret)\n")
            w.write(2, f"SecretName:\t{volume['secret'].get('secretName', '')}\n")
            w.write(2, f"Optional:\t{str(bool(volume['secret'].get('optional'))).lower()}\n")
        else:
            w.write(2, "<unknown>\n")


def pod_template(w: Writer, template: dict[str, Any]) -> None:
    """``DescribePodTemplate``: the template of a Deployment or ReplicaSet."""
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    w.write(0, "Pod Template:\n")
    _labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        _annotations(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], [], space="  ")
    _containers(w, "Containers", spec.get("containers") or [], [], space="  ")
    _volumes(w, spec.get("volumes") or [], space="  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    _labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "  Tolerations", spec.get("tolerations") or [])


# -- resources (requests, limits, QoS) --------------------------------------------------------


def container_resources(container: dict[str, Any], key: str) -> dict[str, str]:
    """A container's requests (defaulted to its limits, as the API server does) or limits."""
    resources = container.get("resources") or {}
    if key == "limits":
        return dict(resources.get("limits") or {})
    return {**(resources.get("limits") or {}), **(resources.get("requests") or {})}


def pod_resources(pod: Obj, key: str) -> dict[str, Quantity]:
    """``PodRequests``/``PodLimits``: containers summed, the largest init container
    counted instead when it is larger."""
    spec = pod.get("spec") or {}
    total: dict[str, Quantity] = {}
    for container in spec.get("containers") or []:
        for name, value in container_resources(container, key).items():
            _add(total, name, Quantity.parse(value))
    for container in spec.get("initContainers") or []:
        for name, value in container_resources(container, key).items():
            total[name] = max(total.get(name, ZERO), Quantity.parse(value))
    return total


def _add(totals: dict[str, Quantity], name: str, amount: Quantity) -> None:
    """A sum keeps the format of its first term (``128Mi`` + ``1G`` is in Mi)."""
    totals[name] = totals[name] + amount if name in totals else amount


def qos_class(pod: Obj) -> str:
    """``GetPodQOS``: ``status.qosClass``, else computed from cpu and memory: Guaranteed,
    Burstable or BestEffort."""
    if (pod.get("status") or {}).get("qosClass"):
        return str(pod["status"]["qosClass"])
    spec = pod.get("spec") or {}
    containers = (spec.get("containers") or []) + (spec.get("initContainers") or [])
    requests: dict[str, Fraction] = {}
    limits: dict[str, Fraction] = {}
    guaranteed = True
    for container in containers:
        for source, total in (("requests", requests), ("limits", limits)):
            for name, value in container_resources(container, source).items():
                amount = parse_quantity(value)
                if name in RESOURCE_NAMES and amount > 0:
                    total[name] = total.get(name, Fraction(0)) + amount
        if not all(container_resources(container, "limits").get(n) for n in RESOURCE_NAMES):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    return "Guaranteed" if guaranteed and requests == limits else "Burstable"


# -- describers ---------------------------------------------------------------------------


def describe_pod(ctx: Context, pod: Obj, show_events: bool) -> str:
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    node = spec.get("nodeName")
    w.write(0, f"Node:\t{node}/{status.get('hostIP', '')}\n" if node else "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase") or "Pending"
    if meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], ctx.now)})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    for title, key in (("Reason", "reason"), ("Message", "message")):
        if status.get(key):
            w.write(0, f"{title}:\t{status[key]}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if ips:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip['ip']}\n")
    else:
        w.write(0, "IPs:\t<none>\n")
    if _controlled_by(pod):
        w.write(0, f"Controlled By:\t{_controlled_by(pod)}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        _containers(
            w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses") or []
        )
    _containers(
        w, "Containers", spec.get("containers") or [], status.get("containerStatuses") or []
    )
    gates = spec.get("readinessGates") or []
    if gates:
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in gates:
            condition = get_condition(pod, gate["conditionType"])
            w.write(
                1, f"{gate['conditionType']} \t{condition['status'] if condition else '<none>'} \n"
            )
    _conditions(w, pod, with_reason=False)
    _volumes(w, spec.get("volumes") or [])
    w.write(0, f"QoS Class:\t{qos_class(pod)}\n")
    _labels(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "Tolerations", spec.get("tolerations") or [])
    if show_events:
        _events(ctx, w, pod)
    return w.text()


def describe_node(ctx: Context, node: Obj, show_events: bool) -> str:
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta['creationTimestamp'])}\n")
    _multiline(w, "Taints", _taints(spec.get("taints") or []))
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    _node_lease(ctx, w, meta["name"])
    conditions = status.get("conditions") or []
    if conditions:
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        )
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            heartbeat = rfc1123z(c.get("lastHeartbeatTime"))
            transition = rfc1123z(c.get("lastTransitionTime"))
            w.write(
                1,
                f"{c['type']} \t{c['status']} \t{heartbeat} \t{transition} \t"
                f"{c.get('reason', '')} \t{c.get('message', '')}\n",
            )
    w.write(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w.write(1, f"{address['type']}:\t{address['address']}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        if status.get(key):
            w.write(0, f"{title}:\n")
            for name, value in sorted(status[key].items()):
                w.write(0, f"  {name}:\t{canonical_quantity(value)}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in (
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
    ):
        w.write(0, f"  {title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    _node_pods(ctx, w, node)
    if show_events:
        _events(ctx, w, node)
    return w.text()


def _node_lease(ctx: Context, w: Writer, name: str) -> None:
    """``describeNodeLease``: the kubelet's heartbeat Lease in ``kube-node-lease``."""
    try:
        lease = ctx.store.get("Lease", name, NODE_LEASE_NAMESPACE)
    except NotFound as error:
        w.write(0, f"Lease:\tFailed to get lease: {error}\n")
        return
    spec = lease.get("spec") or {}
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{spec.get('holderIdentity') or '<unset>'}\n")
    for title, key in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
        w.write(1, f"{title}:\t{rfc1123z(spec[key]) if spec.get(key) else '<unset>'}\n")


def _node_pods(ctx: Context, w: Writer, node: Obj) -> None:
    """``describeNodeResource``: the node's non-terminated pods and what they reserve."""
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    pods = [
        p
        for p in ctx.store.list("Pod", None)
        if (p.get("spec") or {}).get("nodeName") == node["metadata"]["name"]
        and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
    ]
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")

    def share(name: str, amount: Quantity) -> str:
        whole = parse_quantity(allocatable[name]) if allocatable.get(name) else 0
        percent = int(amount.value / whole * 100) if whole else 0
        return f"{amount} ({percent}%)"

    totals: dict[str, dict[str, Quantity]] = {"requests": {}, "limits": {}}
    for pod in pods:
        requests, limits = pod_resources(pod, "requests"), pod_resources(pod, "limits")
        for key, amounts in (("requests", requests), ("limits", limits)):
            for name, amount in amounts.items():
                _add(totals[key], name, amount)
        cells = [
            share(n, amounts.get(n, ZERO)) for n in RESOURCE_NAMES for amounts in (requests, limits)
        ]
        meta = pod["metadata"]
        w.write(
            1,
            f"{meta.get('namespace', '')}\t{meta['name']}\t\t{cells[0]}\t{cells[1]}\t{cells[2]}\t"
            f"{cells[3]}\t{since(meta.get('creationTimestamp'), ctx.now)}\n",
        )
    w.write(
        0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
    )
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    for name in (*RESOURCE_NAMES, "ephemeral-storage"):
        requested = share(name, totals["requests"].get(name, ZERO))
        limited = share(name, totals["limits"].get(name, ZERO))
        w.write(1, f"{name}\t{requested}\t{limited}\n")


def _replica_set_list(replica_sets: list[Obj]) -> str:
    texts = [
        f"{rs['metadata']['name']} ({rs.get('status', {}).get('replicas', 0)}/"
        f"{rs['spec'].get('replicas', 0)} replicas created)"
        for rs in replica_sets
    ]
    return ", ".join(texts) or "<none>"


def describe_deployment(ctx: Context, deployment: Obj, show_events: bool) -> str:
    meta, spec, status = deployment["metadata"], deployment["spec"], deployment.get("status") or {}
    strategy = spec.get("strategy") or {"type": "RollingUpdate"}
    w = Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta['creationTimestamp'])}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(
        0,
        f"Replicas:\t{spec.get('replicas', 0)} desired | "
        f"{status.get('updatedReplicas', 0)} updated | "
        f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
        f"{status.get('unavailableReplicas', 0)} unavailable\n",
    )
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    if strategy.get("type") == "RollingUpdate":
        rolling = strategy.get("rollingUpdate") or {}
        w.write(
            0,
            f"RollingUpdateStrategy:\t{rolling.get('maxUnavailable', '25%')} max unavailable, "
            f"{rolling.get('maxSurge', '25%')} max surge\n",
        )
    pod_template(w, spec.get("template") or {})
    _conditions(w, deployment, with_reason=True)
    owned = deployments.replica_sets(ctx, deployment)
    new = deployments.new_replica_set(deployment, owned)
    old = [rs for rs in owned if rs is not new]
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_replica_set_list(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replica_set_list([new] if new else [])}\n")
    if show_events:
        _events(ctx, w, deployment)
    return w.text()


def describe_replica_set(ctx: Context, rs: Obj, show_events: bool) -> str:
    meta, spec, status = rs["metadata"], rs["spec"], rs.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    if _controlled_by(rs):
        w.write(0, f"Controlled By:\t{_controlled_by(rs)}\n")
    w.write(
        0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 0)} desired\n"
    )
    phases = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in ctx.store.list(
        "Pod", meta.get("namespace", ""), from_label_selector(spec.get("selector"))
    ):
        phase = (pod.get("status") or {}).get("phase") or "Pending"
        if (controller_of(pod) or {}).get("uid") == meta.get("uid") and phase in phases:
            phases[phase] += 1
    w.write(
        0,
        f"Pods Status:\t{phases['Running']} Running / {phases['Pending']} Waiting / "
        f"{phases['Succeeded']} Succeeded / {phases['Failed']} Failed\n",
    )
    pod_template(w, spec.get("template") or {})
    _conditions(w, rs, with_reason=True)
    if show_events:
        _events(ctx, w, rs)
    return w.text()


def describe_service(ctx: Context, svc: Obj, show_events: bool) -> str:
    meta, spec = svc["metadata"], svc.get("spec") or {}
    w = Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', 'ClusterIP')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    slices = ctx.store.list(
        "EndpointSlice",
        meta.get("namespace", ""),
        from_match_labels({SERVICE_NAME_LABEL: meta["name"]}),
    )
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol") or "TCP"
        target = port.get("targetPort", port["port"])
        w.write(0, f"Port:\t{name}\t{port['port']}/{protocol}\n")
        w.write(0, f"TargetPort:\t{target}/{protocol}\n")
        if port.get("appProtocol"):
            w.write(0, f"AppProtocol:\t{port['appProtocol']}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{_slice_endpoints(slices, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', 'None')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if show_events:
        _events(ctx, w, svc)
    return w.text()


def _slice_endpoints(slices: list[Obj], port_name: str) -> str:
    """``formatEndpointSlices``: the ready ``ip:port`` of one Service port, read from the
    EndpointSlices the endpointslice controller wrote; three, then ``+ N more...`` (Go's
    loop, quirks included: an unready endpoint met after the third still says ``more``)."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    more = False
    count = 0
    for eps in slices:
        ports = eps.get("ports") or []
        # a headless Service without ports lists bare addresses
        targets = [None] if not ports else [p for p in ports if (p.get("name") or "") == port_name]
        for port in targets:
            for endpoint in eps.get("endpoints") or []:
                if len(shown) == 3:
                    more = True
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue  # unset readiness counts as ready
                address = endpoint["addresses"][0]
                if not more:
                    shown.append(address if port is None else _host_port(address, port["port"]))
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


def _host_port(ip: str, port: Any) -> str:
    """Go's ``net.JoinHostPort``: IPv6 addresses in brackets."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def describe_namespace(ctx: Context, namespace: Obj, show_events: bool) -> str:
    meta = namespace["metadata"]
    w = Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{(namespace.get('status') or {}).get('phase', '')}\n")
    w.write(0, "\n")
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")
    return w.text()


def describe_hpa(ctx: Context, hpa: Obj, show_events: bool) -> str:
    """``describeHorizontalPodAutoscalerV2``: target, metrics (current / target), replica
    bounds, behavior when set, the target's pods, conditions and events."""
    meta, spec, status = hpa["metadata"], hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    w = Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta['creationTimestamp'])}\n")
    w.write(0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(0, "Metrics:\t( current / target )\n")
    currents = status.get("currentMetrics") or []
    for i, metric in enumerate(spec.get("metrics") or []):
        current = currents[i] if i < len(currents) else {}
        _hpa_metric(w, metric, current)
    low = spec.get("minReplicas")
    w.write(0, f"Min replicas:\t{'<unset>' if low is None else low}\n")
    w.write(0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
    behavior = spec.get("behavior")
    if behavior is not None:
        w.write(0, "Behavior:\n")
        for title, key in (("Scale Up", "scaleUp"), ("Scale Down", "scaleDown")):
            _hpa_direction(w, title, behavior.get(key))
    replicas, desired = status.get("currentReplicas", 0), status.get("desiredReplicas", 0)
    w.write(0, f"{ref.get('kind', '')} pods:\t{replicas} current / {desired} desired\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tReason\tMessage\n")
        w.write(1, "----\t------\t------\t-------\n")
        for c in conditions:
            w.write(
                1, f"{c['type']}\t{c['status']}\t{c.get('reason', '')}\t{c.get('message', '')}\n"
            )
    if show_events:
        _events(ctx, w, hpa)
    return w.text()


def _hpa_metric(w: Writer, metric: dict[str, Any], current: dict[str, Any]) -> None:
    """One line of the Metrics block, for the source types the API defines."""
    kind = metric.get("type")
    if kind in ("Resource", "ContainerResource"):
        source = metric.get("resource" if kind == "Resource" else "containerResource") or {}
        now = current.get("resource" if kind == "Resource" else "containerResource")
        where = (
            f"resource {source.get('name', '')} on pods"
            if kind == "Resource"
            else f'resource {source.get("name", "")} of container "{source.get("container", "")}" '
            "on pods"
        )
        w.write(1, where)
        target = source.get("target") or {}
        if target.get("averageValue") is not None:
            value = ((now or {}).get("current") or {}).get("averageValue")
            shown = "<unknown>" if now is None else _go_quantity(value)
            w.write(0, f":\t{shown} / {canonical_quantity(target['averageValue'])}\n")
            return
        used = ((now or {}).get("current") or {}).get("averageUtilization")
        shown = "<unknown>"
        if used is not None:
            average = ((now or {}).get("current") or {}).get("averageValue")
            shown = f"{used}% ({_go_quantity(average)})"
        wanted = target.get("averageUtilization")
        w.write(
            1,
            f"(as a percentage of request):\t{shown} / "
            f"{'<auto>' if wanted is None else f'{wanted}%'}\n",
        )
    elif kind == "Pods":
        source = metric.get("pods") or {}
        value = ((current.get("pods") or {}).get("current") or {}).get("averageValue")
        shown = "<unknown>" if not current.get("pods") else _go_quantity(value)
        target = canonical_quantity((source.get("target") or {}).get("averageValue") or 0)
        name = (source.get("metric") or {}).get("name", "")
        w.write(1, f'"{name}" on pods:\t{shown} / {target}\n')
    else:
        w.write(1, f'<unknown metric type "{kind}">\n')


def _go_quantity(value: Any) -> str:
    """``(*Quantity).String()``, which prints ``<nil>`` for a missing quantity."""
    return "<nil>" if value is None else canonical_quantity(value)


def _hpa_direction(w: Writer, title: str, rules: dict[str, Any] | None) -> None:
    """``printDirectionBehavior``: the window, the select policy and each policy."""
    if rules is None:
        return
    w.write(1, f"{title}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
    policies = rules.get("policies") or []
    if policies:
        w.write(2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(2, "Policies:\n")
        for p in policies:
            w.write(
                3,
                f"- Type: {p.get('type', '')}\tValue: {p.get('value', 0)}\t"
                f"Period: {p.get('periodSeconds', 0)} seconds\n",
            )


DESCRIBERS: dict[str, Describer] = {
    "HorizontalPodAutoscaler": describe_hpa,
    "Pod": describe_pod,
    "Node": describe_node,
    "Deployment": describe_deployment,
    "ReplicaSet": describe_replica_set,
    "Service": describe_service,
    "Namespace": describe_namespace,
}


# -- the verb ------------------------------------------------------------------------------

FLAGS = (
    Flag("selector", "l", default=""),
    Flag("all-namespaces", "A", bool, False),
    Flag("show-events", type=bool, default=True),
)


def describe_command(ctx: Context, flags: ParsedArgs) -> None:
    """``DescribeOptions.Run``: objects separated by a blank line; events only for one,
    unless ``--show-events`` says otherwise; ``describe pod web`` also finds ``web-...``."""
    if not flags.args:
        raise KubectlError(
            'You must specify the type of resource to describe. Use "kubectl api-resources" '
            "for a complete list of supported resources.\n"
        )
    requests = ctx.requests(flags.args)
    selection = ctx.select(requests, selector=flags["selector"])
    objects = selection.objects
    show_events = flags["show-events"]
    if (selection.errors or len(objects) > 1) and "show-events" not in flags.given:
        show_events = False
    if selection.errors and len(flags.args) == 2 and isinstance(selection.errors[0], NotFound):
        _describe_by_prefix(ctx, requests[0].info, flags.args[1], selection.errors[0], show_events)
        return
    ctx.out("\n\n".join(_description(ctx, obj, show_events) for obj in objects))
    if not objects and not selection.errors:
        where = "" if ctx.all_namespaces else f" in {ctx.namespace} namespace."
        ctx.err(f"No resources found{where}\n")
    if selection.errors:
        raise Aggregate(selection.errors)


def _describe_by_prefix(
    ctx: Context, info: kinds.KindInfo, prefix: str, not_found: Exception, show_events: bool
) -> None:
    """``DescribeMatchingResources``: every object of the kind whose name starts so."""
    namespace = ctx.namespace if info.namespaced else ""
    matches = [
        o for o in ctx.store.list(info.kind, namespace) if o["metadata"]["name"].startswith(prefix)
    ]
    if not matches:
        raise not_found
    for obj in matches:
        ctx.out(f"{_description(ctx, obj, show_events)}\n")


def _description(ctx: Context, obj: Obj, show_events: bool) -> str:
    describer = DESCRIBERS.get(obj["kind"])
    if describer is None:
        info = kinds.by_kind(obj["kind"])
        raise KubectlError(
            f"no description has been implemented for {info.group}/{info.version}, Kind={info.kind}"
        )
    return describer(ctx, obj, show_events)
