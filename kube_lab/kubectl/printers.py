"""The tables of ``kubectl get``: columns per kind, as the API server defines them.

A real ``kubectl get`` asks the API server for a ``Table``; the server fills it with the
column definitions of ``pkg/printers/internalversion/printers.go`` and kubectl only
decorates it (NAMESPACE first with ``-A``, LABELS last with ``--show-labels``, ``pod/``
before names when several kinds are printed), hides priority-1 columns unless ``-o wide``
and pads the cells with a tabwriter (3 spaces after the widest cell, the last column
unpadded). :data:`COLUMNS` is that table of definitions; kinds without one get the
server's default NAME and AGE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kube_lab.api.meta import Obj, get_condition
from kube_lab.kubectl import pods
from kube_lab.kubectl.duration import since
from kube_lab.kubectl.formats import (
    canonical_quantity,
    containers_cells,
    format_label_selector,
    format_labels,
    kind_string,
    selector_string,
)
from kube_lab.kubectl.tabwriter import align

Cell = Callable[[Obj, float], str]


@dataclass(frozen=True)
class Column:
    header: str  # as printed: upper case, "NOMINATED NODE"
    cell: Cell
    wide: bool = False  # priority 1: shown only with -o wide


def _name(obj: Obj, now: float) -> str:
    return str(obj["metadata"]["name"])


def _age(obj: Obj, now: float) -> str:
    return since(obj["metadata"].get("creationTimestamp"), now)


def _field(*path: str, default: Any = "<none>") -> Cell:
    """A cell showing one field (``_field("spec", "nodeName")``), ``default`` when unset."""

    def cell(obj: Obj, now: float) -> str:
        value: Any = obj
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return default if value in (None, "") else str(value)

    return cell


def _template_spec(obj: Obj) -> dict[str, Any]:
    return ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}


def _container_names(obj: Obj, now: float) -> str:
    return containers_cells(_template_spec(obj))[0]


def _container_images(obj: Obj, now: float) -> str:
    return containers_cells(_template_spec(obj))[1]


def _selector(obj: Obj, now: float) -> str:
    return format_label_selector((obj.get("spec") or {}).get("selector"))


def _deployment_ready(d: Obj, now: float) -> str:
    ready = (d.get("status") or {}).get("readyReplicas", 0)
    return f"{ready}/{(d.get('spec') or {}).get('replicas', 0)}"


def _deployment_selector(d: Obj, now: float) -> str:
    """A Deployment shows its selector as is (empty when unset), a ReplicaSet ``<none>``."""
    return selector_string((d.get("spec") or {}).get("selector"))


# -- pods -------------------------------------------------------------------------------


def _pod_ip(pod: Obj, now: float) -> str:
    status = pod.get("status") or {}
    ips = status.get("podIPs") or []
    return (ips[0].get("ip") if ips else status.get("podIP")) or "<none>"


def _readiness_gates(pod: Obj, now: float) -> str:
    gates = (pod.get("spec") or {}).get("readinessGates") or []
    if not gates:
        return "<none>"
    true = 0
    for gate in gates:
        condition = get_condition(pod, gate["conditionType"])
        true += condition is not None and condition.get("status") == "True"
    return f"{true}/{len(gates)}"


# -- nodes ------------------------------------------------------------------------------

_ROLE_PREFIX = "node-role.kubernetes.io/"


def node_roles(node: Obj) -> list[str]:
    """``findNodeRoles``: ``node-role.kubernetes.io/<role>`` keys and ``kubernetes.io/role``."""
    roles = set()
    for key, value in (node["metadata"].get("labels") or {}).items():
        if key.startswith(_ROLE_PREFIX) and key[len(_ROLE_PREFIX) :]:
            roles.add(key[len(_ROLE_PREFIX) :])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def _node_status(node: Obj, now: float) -> str:
    ready = get_condition(node, "Ready")
    status = (
        ["Unknown"] if ready is None else ["Ready" if ready["status"] == "True" else "NotReady"]
    )
    if (node.get("spec") or {}).get("unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def _node_address(address_type: str) -> Cell:
    def cell(node: Obj, now: float) -> str:
        for address in (node.get("status") or {}).get("addresses") or []:
            if address.get("type") == address_type:
                return str(address["address"])
        return "<none>"

    return cell


# -- services ---------------------------------------------------------------------------


def _cluster_ip(svc: Obj, now: float) -> str:
    spec = svc.get("spec") or {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return ips[0] if ips else "<none>"


def _external_ip(svc: Obj, now: float) -> str:
    spec = svc.get("spec") or {}
    external = spec.get("externalIPs") or []
    svc_type = spec.get("type") or "ClusterIP"
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if svc_type == "LoadBalancer":
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        balancers = list(dict.fromkeys(i.get("ip") or i.get("hostname") for i in ingress))
        return ",".join(b for b in [*balancers, *external] if b) or "<pending>"
    if svc_type == "ExternalName":
        return str(spec.get("externalName") or "")
    return "<unknown>"


def _service_ports(svc: Obj, now: float) -> str:
    """``makePortString``: ``80/TCP``, ``80:30080/TCP`` for node ports."""
    pieces = []
    for port in (svc.get("spec") or {}).get("ports") or []:
        protocol = port.get("protocol") or "TCP"
        node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
        pieces.append(f"{port['port']}{node_port}/{protocol}")
    return ",".join(pieces) or "<none>"


def _service_selector(svc: Obj, now: float) -> str:
    return format_labels((svc.get("spec") or {}).get("selector"))


# -- events -----------------------------------------------------------------------------


def _event_last_seen(event: Obj, now: float) -> str:
    if event.get("series"):
        return since(event["series"].get("lastObservedTime"), now)
    return since(
        event.get("lastTimestamp") or event.get("firstTimestamp") or event.get("eventTime"), now
    )


def _event_first_seen(event: Obj, now: float) -> str:
    return since(event.get("firstTimestamp") or event.get("eventTime"), now)


def _event_object(event: Obj, now: float) -> str:
    involved = event.get("involvedObject") or {}
    kind = str(involved.get("kind", "")).lower()
    return f"{kind}/{involved['name']}" if involved.get("name") else kind


def _event_source(event: Obj, now: float) -> str:
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingController") or ""
    host = source.get("host") or event.get("reportingInstance") or ""
    return f"{component}, {host}" if host else component


def _event_count(event: Obj, now: float) -> str:
    if event.get("series"):
        return str(event["series"].get("count", 1))
    return str(event.get("count") or 1)


# -- endpoints and autoscalers -----------------------------------------------------------


def _endpoints(ep: Obj, now: float) -> str:
    """``formatEndpoints``: up to three ``ip:port``, then ``+ N more...``."""
    shown: list[str] = []
    count = 0
    for subset in ep.get("subsets") or []:
        addresses = [a["ip"] for a in subset.get("addresses") or []]
        targets = [
            f"[{ip}]:{p['port']}" if ":" in ip else f"{ip}:{p['port']}"
            for p in subset.get("ports") or []
            for ip in addresses
        ] or addresses
        count += len(targets)
        shown.extend(targets[: max(0, 3 - len(shown))])
    if not ep.get("subsets"):
        return "<none>"
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if count > 3 else text


def _more(shown: list[str], count: int, most: int = 3) -> str:
    """``listWithMoreString``: the first few, ``+ N more...``, ``<unset>`` for none."""
    text = ",".join(shown)
    if count > most:
        return f"{text} + {count - most} more..."
    return text or "<unset>"


def _slice_ports(eps: Obj, now: float) -> str:
    """``formatDiscoveryPorts``: port numbers (a name when unset, else ``*``)."""
    ports = eps.get("ports") or []
    shown = [str(p["port"]) if p.get("port") is not None else (p.get("name") or "*") for p in ports]
    return _more(shown[:3], len(shown))


def _slice_endpoints(eps: Obj, now: float) -> str:
    """``formatDiscoveryEndpoints``: every address, ready or not."""
    addresses = [a for e in eps.get("endpoints") or [] for a in e.get("addresses") or []]
    return _more(addresses[:3], len(addresses))


def _hpa_reference(hpa: Obj, now: float) -> str:
    ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


def _hpa_targets(hpa: Obj, now: float) -> str:
    """``formatHPAMetrics`` for Resource and Pods metrics: ``cpu: 40%/50%``."""
    specs = (hpa.get("spec") or {}).get("metrics") or []
    statuses = (hpa.get("status") or {}).get("currentMetrics") or []
    if not specs:
        return "<none>"
    shown = []
    for i, metric in enumerate(specs):
        current_metric = statuses[i] if i < len(statuses) else {}
        if metric.get("type") == "Resource":
            resource = metric["resource"]
            target = resource.get("target") or {}
            current = (current_metric.get("resource") or {}).get("current") or {}
            if target.get("averageValue") is not None:
                value = current.get("averageValue")
                now_text = canonical_quantity(value) if value is not None else "<unknown>"
                shown.append(
                    f"{resource['name']}: {now_text}/{canonical_quantity(target['averageValue'])}"
                )
            else:
                used = current.get("averageUtilization")
                wanted = target.get("averageUtilization")
                now_text = f"{used}%" if used is not None else "<unknown>"
                wanted_text = f"{wanted}%" if wanted is not None else "<auto>"
                shown.append(f"{resource['name']}: {now_text}/{wanted_text}")
        elif metric.get("type") == "Pods":
            value = ((current_metric.get("pods") or {}).get("current") or {}).get("averageValue")
            now_text = canonical_quantity(value) if value is not None else "<unknown>"
            shown.append(
                f"{now_text}/{canonical_quantity(metric['pods']['target']['averageValue'])}"
            )
        else:
            shown.append("<unknown type>")
    if len(shown) > 2:
        return f"{', '.join(shown[:2])} + {len(shown) - 2} more..."
    return ", ".join(shown)


def _pod_cell(attribute: str) -> Cell:
    return lambda pod, now: str(getattr(pods.summarize(pod, now), attribute))


NAME = Column("NAME", _name)
AGE = Column("AGE", _age)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "Pod": (
        NAME,
        Column("READY", _pod_cell("ready")),
        Column("STATUS", _pod_cell("status")),
        Column("RESTARTS", _pod_cell("restarts")),
        AGE,
        Column("IP", _pod_ip, wide=True),
        Column("NODE", _field("spec", "nodeName"), wide=True),
        Column("NOMINATED NODE", _field("status", "nominatedNodeName"), wide=True),
        Column("READINESS GATES", _readiness_gates, wide=True),
    ),
    "Node": (
        NAME,
        Column("STATUS", _node_status),
        Column("ROLES", lambda node, now: ",".join(node_roles(node)) or "<none>"),
        AGE,
        Column("VERSION", _field("status", "nodeInfo", "kubeletVersion", default="")),
        Column("INTERNAL-IP", _node_address("InternalIP"), wide=True),
        Column("EXTERNAL-IP", _node_address("ExternalIP"), wide=True),
        Column("OS-IMAGE", _field("status", "nodeInfo", "osImage", default="<unknown>"), wide=True),
        Column(
            "KERNEL-VERSION",
            _field("status", "nodeInfo", "kernelVersion", default="<unknown>"),
            wide=True,
        ),
        Column(
            "CONTAINER-RUNTIME",
            _field("status", "nodeInfo", "containerRuntimeVersion", default="<unknown>"),
            wide=True,
        ),
    ),
    "Deployment": (
        NAME,
        Column("READY", _deployment_ready),
        Column("UP-TO-DATE", _field("status", "updatedReplicas", default="0")),
        Column("AVAILABLE", _field("status", "availableReplicas", default="0")),
        AGE,
        Column("CONTAINERS", _container_names, wide=True),
        Column("IMAGES", _container_images, wide=True),
        Column("SELECTOR", _deployment_selector, wide=True),
    ),
    "ReplicaSet": (
        NAME,
        Column("DESIRED", _field("spec", "replicas", default="0")),
        Column("CURRENT", _field("status", "replicas", default="0")),
        Column("READY", _field("status", "readyReplicas", default="0")),
        AGE,
        Column("CONTAINERS", _container_names, wide=True),
        Column("IMAGES", _container_images, wide=True),
        Column("SELECTOR", _selector, wide=True),
    ),
    "Service": (
        NAME,
        Column("TYPE", _field("spec", "type", default="ClusterIP")),
        Column("CLUSTER-IP", _cluster_ip),
        Column("EXTERNAL-IP", _external_ip),
        Column("PORT(S)", _service_ports),
        AGE,
        Column("SELECTOR", _service_selector, wide=True),
    ),
    "Event": (
        Column("LAST SEEN", _event_last_seen),
        Column("TYPE", _field("type", default="")),
        Column("REASON", _field("reason", default="")),
        Column("OBJECT", _event_object),
        Column("SUBOBJECT", _field("involvedObject", "fieldPath", default=""), wide=True),
        Column("SOURCE", _event_source, wide=True),
        Column("MESSAGE", lambda e, now: str(e.get("message") or "").strip()),
        Column("FIRST SEEN", _event_first_seen, wide=True),
        Column("COUNT", _event_count, wide=True),
        Column("NAME", _name, wide=True),
    ),
    "Namespace": (NAME, Column("STATUS", _field("status", "phase", default="")), AGE),
    "Endpoints": (NAME, Column("ENDPOINTS", _endpoints), AGE),
    "EndpointSlice": (
        NAME,
        Column("ADDRESSTYPE", _field("addressType", default="")),
        Column("PORTS", _slice_ports),
        Column("ENDPOINTS", _slice_endpoints),
        AGE,
    ),
    "Lease": (NAME, Column("HOLDER", _field("spec", "holderIdentity", default="")), AGE),
    "HorizontalPodAutoscaler": (
        NAME,
        Column("REFERENCE", _hpa_reference),
        Column("TARGETS", _hpa_targets),
        Column("MINPODS", _field("spec", "minReplicas", default="<unset>")),
        Column("MAXPODS", _field("spec", "maxReplicas", default="0")),
        Column("REPLICAS", _field("status", "currentReplicas", default="0")),
        AGE,
    ),
}


# --- kinds kube_lab stores but does not simulate (printers.go of Kubernetes 1.37) --------


def _count(*fields: str) -> Cell:
    """How many entries the given map or list fields hold together (``DATA``, ``SECRETS``)."""

    def cell(obj: Obj, now: float) -> str:
        return str(sum(len(obj.get(field) or ()) for field in fields))

    return cell


def _created_at(obj: Obj, now: float) -> str:
    return str(obj["metadata"].get("creationTimestamp") or "")


def _spec_of(obj: Obj, *path: str) -> dict[str, Any]:
    value: Any = obj.get("spec") or {}
    for key in path:
        value = (value.get(key) if isinstance(value, dict) else None) or {}
    return value if isinstance(value, dict) else {}


def _has_condition(obj: Obj, kind: str) -> bool:
    condition = get_condition(obj, kind)
    return condition is not None and condition.get("status") == "True"


def _job_status(job: Obj, now: float) -> str:
    for condition, shown in (
        ("Complete", "Complete"),
        ("Failed", "Failed"),
    ):
        if _has_condition(job, condition):
            return shown
    if job["metadata"].get("deletionTimestamp"):
        return "Terminating"
    for condition in ("SuccessCriteriaMet", "FailureTarget", "Suspended"):
        if _has_condition(job, condition):
            return condition
    return "Running"


def _job_completions(job: Obj, now: float) -> str:
    spec = job.get("spec") or {}
    succeeded = (job.get("status") or {}).get("succeeded", 0)
    if spec.get("completions") is not None:
        return f"{succeeded}/{spec['completions']}"
    parallelism = spec.get("parallelism")
    if parallelism is not None and parallelism > 1:
        return f"{succeeded}/1 of {parallelism}"
    return f"{succeeded}/1"


def _job_duration(job: Obj, now: float) -> str:
    status = job.get("status") or {}
    start = status.get("startTime")
    if not start:
        return ""
    end = status.get("completionTime")
    return since(start, now) if not end else since(start, now - (now - _seconds(end)))


def _seconds(stamp: str) -> float:
    from kube_lab.kubectl.duration import parse_timestamp

    return parse_timestamp(stamp)


def _job_containers(index: int, *path: str) -> Cell:
    def cell(obj: Obj, now: float) -> str:
        return containers_cells(_spec_of(obj, *path))[index]

    return cell


def _job_selector(*path: str) -> Cell:
    def cell(obj: Obj, now: float) -> str:
        return format_label_selector(_spec_of(obj, *path).get("selector"))

    return cell


def _bool(*path: str, default: str = "False") -> Cell:
    """Go's ``printBoolPtr``: ``True``/``False``."""

    def cell(obj: Obj, now: float) -> str:
        value: Any = obj
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return default if value is None else ("True" if value else "False")

    return cell


def _last_schedule(cron_job: Obj, now: float) -> str:
    stamp = (cron_job.get("status") or {}).get("lastScheduleTime")
    return since(stamp, now) if stamp else "<none>"


def _stateful_set_ready(sts: Obj, now: float) -> str:
    ready = (sts.get("status") or {}).get("readyReplicas", 0)
    return f"{ready}/{(sts.get('spec') or {}).get('replicas', 0)}"


def _node_selector(ds: Obj, now: float) -> str:
    return format_labels(_template_spec(ds).get("nodeSelector"))


def _ingress_hosts(ingress: Obj, now: float) -> str:
    rules = (ingress.get("spec") or {}).get("rules") or []
    hosts = [rule["host"] for rule in rules if rule.get("host")][:3]
    if not hosts:
        return "*"
    more = len(rules) > 3
    return ",".join(hosts) + (f" + {len(rules) - 3} more..." if more else "")


def _ingress_address(ingress: Obj, now: float) -> str:
    points = ((ingress.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return ",".join(p.get("ip") or p.get("hostname") or "" for p in points)


def _ingress_ports(ingress: Obj, now: float) -> str:
    return "80, 443" if (ingress.get("spec") or {}).get("tls") else "80"


_ACCESS_MODES = {
    "ReadWriteOnce": "RWO",
    "ReadOnlyMany": "ROX",
    "ReadWriteMany": "RWX",
    "ReadWriteOncePod": "RWOP",
}


def _access_modes(modes: list[str] | None) -> str:
    return ",".join(_ACCESS_MODES.get(mode, mode) for mode in modes or [])


def _claim_phase(claim: Obj, now: float) -> str:
    if claim["metadata"].get("deletionTimestamp"):
        return "Terminating"
    return str((claim.get("status") or {}).get("phase") or "")


def _claim_bound(cell: Callable[[Obj], str]) -> Cell:
    """Capacity and access modes show once a claim is bound to a volume."""
    return lambda claim, now: cell(claim) if (claim.get("spec") or {}).get("volumeName") else ""


def _claim_class(claim: Obj, now: float) -> str:
    annotation = (claim["metadata"].get("annotations") or {}).get(
        "volume.beta.kubernetes.io/storage-class"
    )
    return str(annotation or (claim.get("spec") or {}).get("storageClassName") or "")


def _volume_claim(volume: Obj, now: float) -> str:
    ref = (volume.get("spec") or {}).get("claimRef") or {}
    return f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""


def _pdb_bound(field: str) -> Cell:
    return lambda pdb, now: str((pdb.get("spec") or {}).get(field, "N/A"))


def _role_ref(binding: Obj, now: float) -> str:
    ref = binding.get("roleRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


def _subjects(kind: str) -> Cell:
    def cell(binding: Obj, now: float) -> str:
        names = [
            f"{s.get('namespace', '')}/{s['name']}" if kind == "ServiceAccount" else s["name"]
            for s in binding.get("subjects") or []
            if s.get("kind") == kind
        ]
        return ", ".join(names)

    return cell


def _storage_class_name(sc: Obj, now: float) -> str:
    annotations = sc["metadata"].get("annotations") or {}
    default = annotations.get("storageclass.kubernetes.io/is-default-class") == "true"
    return str(sc["metadata"]["name"]) + (" (default)" if default else "")


def _lower_bool(*path: str) -> Cell:
    """``strconv.FormatBool``: ``true``/``false``."""

    def cell(obj: Obj, now: float) -> str:
        value: Any = obj
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return "true" if value else "false"

    return cell


def _ingress_class_parameters(ic: Obj, now: float) -> str:
    parameters = (ic.get("spec") or {}).get("parameters")
    if not parameters:
        return "<none>"
    group = parameters.get("apiGroup")
    kind = parameters.get("kind", "") + (f".{group}" if group else "")
    return f"{kind}/{parameters.get('name', '')}"


_WORKLOAD_WIDE = (
    Column("CONTAINERS", _container_names, wide=True),
    Column("IMAGES", _container_images, wide=True),
)
COLUMNS.update(
    {
        "ConfigMap": (NAME, Column("DATA", _count("data", "binaryData")), AGE),
        "Secret": (
            NAME,
            Column("TYPE", _field("type", default="")),
            Column("DATA", _count("data")),
            AGE,
        ),
        "ServiceAccount": (NAME, Column("SECRETS", _count("secrets")), AGE),
        "Job": (
            NAME,
            Column("STATUS", _job_status),
            Column("COMPLETIONS", _job_completions),
            Column("DURATION", _job_duration),
            AGE,
            *_WORKLOAD_WIDE,
            Column("SELECTOR", _selector, wide=True),
        ),
        "CronJob": (
            NAME,
            Column("SCHEDULE", _field("spec", "schedule", default="")),
            Column("TIMEZONE", _field("spec", "timeZone")),
            Column("SUSPEND", _bool("spec", "suspend")),
            Column(
                "ACTIVE", lambda cj, now: str(len((cj.get("status") or {}).get("active") or []))
            ),
            Column("LAST SCHEDULE", _last_schedule),
            AGE,
            Column(
                "CONTAINERS",
                _job_containers(0, "jobTemplate", "spec", "template", "spec"),
                wide=True,
            ),
            Column(
                "IMAGES", _job_containers(1, "jobTemplate", "spec", "template", "spec"), wide=True
            ),
            Column("SELECTOR", _job_selector("jobTemplate", "spec"), wide=True),
        ),
        "DaemonSet": (
            NAME,
            Column("DESIRED", _field("status", "desiredNumberScheduled", default="0")),
            Column("CURRENT", _field("status", "currentNumberScheduled", default="0")),
            Column("READY", _field("status", "numberReady", default="0")),
            Column("UP-TO-DATE", _field("status", "updatedNumberScheduled", default="0")),
            Column("AVAILABLE", _field("status", "numberAvailable", default="0")),
            Column("NODE SELECTOR", _node_selector),
            AGE,
            *_WORKLOAD_WIDE,
            Column("SELECTOR", _selector, wide=True),
        ),
        "StatefulSet": (NAME, Column("READY", _stateful_set_ready), AGE, *_WORKLOAD_WIDE),
        "ReplicationController": (
            NAME,
            Column("DESIRED", _field("spec", "replicas", default="0")),
            Column("CURRENT", _field("status", "replicas", default="0")),
            Column("READY", _field("status", "readyReplicas", default="0")),
            AGE,
            *_WORKLOAD_WIDE,
            Column(
                "SELECTOR", lambda rc, now: format_labels(_spec_of(rc).get("selector")), wide=True
            ),
        ),
        "Ingress": (
            NAME,
            Column("CLASS", _field("spec", "ingressClassName")),
            Column("HOSTS", _ingress_hosts),
            Column("ADDRESS", _ingress_address),
            Column("PORTS", _ingress_ports),
            AGE,
        ),
        "IngressClass": (
            NAME,
            Column("CONTROLLER", _field("spec", "controller", default="")),
            Column("PARAMETERS", _ingress_class_parameters),
            AGE,
        ),
        "NetworkPolicy": (
            NAME,
            Column(
                "POD-SELECTOR", lambda np, now: format_label_selector(_spec_of(np, "podSelector"))
            ),
            AGE,
        ),
        "PersistentVolumeClaim": (
            NAME,
            Column("STATUS", _claim_phase),
            Column("VOLUME", _field("spec", "volumeName", default="")),
            Column(
                "CAPACITY",
                _claim_bound(
                    lambda c: str(
                        ((c.get("status") or {}).get("capacity") or {}).get("storage", "")
                    )
                ),
            ),
            Column(
                "ACCESS MODES",
                _claim_bound(lambda c: _access_modes((c.get("status") or {}).get("accessModes"))),
            ),
            Column("STORAGECLASS", _claim_class),
            Column(
                "VOLUMEATTRIBUTESCLASS",
                _field("spec", "volumeAttributesClassName", default="<unset>"),
            ),
            AGE,
            Column("VOLUMEMODE", _field("spec", "volumeMode", default="<unset>"), wide=True),
        ),
        "PersistentVolume": (
            NAME,
            Column("CAPACITY", lambda pv, now: str(_spec_of(pv, "capacity").get("storage", ""))),
            Column("ACCESS MODES", lambda pv, now: _access_modes(_spec_of(pv).get("accessModes"))),
            Column("RECLAIM POLICY", _field("spec", "persistentVolumeReclaimPolicy", default="")),
            Column("STATUS", _field("status", "phase", default="")),
            Column("CLAIM", _volume_claim),
            Column("STORAGECLASS", _field("spec", "storageClassName", default="")),
            Column(
                "VOLUMEATTRIBUTESCLASS",
                _field("spec", "volumeAttributesClassName", default="<unset>"),
            ),
            Column("REASON", _field("status", "reason", default="")),
            AGE,
            Column("VOLUMEMODE", _field("spec", "volumeMode", default="<unset>"), wide=True),
        ),
        "PodDisruptionBudget": (
            NAME,
            Column("MIN AVAILABLE", _pdb_bound("minAvailable")),
            Column("MAX UNAVAILABLE", _pdb_bound("maxUnavailable")),
            Column("ALLOWED DISRUPTIONS", _field("status", "disruptionsAllowed", default="0")),
            AGE,
        ),
        "Role": (NAME, Column("CREATED AT", _created_at)),
        "ClusterRole": (NAME, Column("CREATED AT", _created_at)),
        "LimitRange": (NAME, Column("CREATED AT", _created_at)),
        **{
            kind: (
                NAME,
                Column("ROLE", _role_ref),
                AGE,
                Column("USERS", _subjects("User"), wide=True),
                Column("GROUPS", _subjects("Group"), wide=True),
                Column("SERVICEACCOUNTS", _subjects("ServiceAccount"), wide=True),
            )
            for kind in ("RoleBinding", "ClusterRoleBinding")
        },
        "StorageClass": (
            Column("NAME", _storage_class_name),
            Column("PROVISIONER", _field("provisioner", default="")),
            Column("RECLAIMPOLICY", _field("reclaimPolicy", default="Delete")),
            Column("VOLUMEBINDINGMODE", _field("volumeBindingMode", default="Immediate")),
            Column("ALLOWVOLUMEEXPANSION", _lower_bool("allowVolumeExpansion")),
            AGE,
        ),
        "PriorityClass": (
            NAME,
            Column("VALUE", _field("value", default="0")),
            Column("GLOBAL-DEFAULT", _lower_bool("globalDefault")),
            AGE,
            Column("PREEMPTIONPOLICY", _field("preemptionPolicy", default="PreemptLowerPriority")),
        ),
    }
)


@dataclass(frozen=True)
class TableOptions:
    wide: bool = False
    with_namespace: bool = False  # -A on a namespaced kind
    with_kind: bool = False  # several kinds requested: "pod/web-1"
    show_labels: bool = False
    no_headers: bool = False


def table(objects: list[Obj], *, kind: str, now: float, options: TableOptions) -> str:
    """The aligned table for ``objects`` of one kind; empty when there are none."""
    if not objects:
        return ""
    columns = [c for c in COLUMNS.get(kind, (NAME, AGE)) if options.wide or not c.wide]
    rows: list[list[str]] = []
    if not options.no_headers:
        rows.append(
            (["NAMESPACE"] if options.with_namespace else [])
            + [c.header for c in columns]
            + (["LABELS"] if options.show_labels else [])
        )
    # the first column of the name format carries the kind: "pod/web-1"
    name_column = next((i for i, c in enumerate(columns) if c.cell is _name), None)
    for obj in objects:
        cells = [c.cell(obj, now) for c in columns]
        if options.with_kind and name_column is not None:
            cells[name_column] = f"{kind_string(kind)}/{cells[name_column]}"
        if options.with_namespace:
            cells.insert(0, str(obj["metadata"].get("namespace") or ""))
        if options.show_labels:
            cells.append(format_labels(obj["metadata"].get("labels")))
        rows.append(cells)
    return align("\n".join("\t".join(r) for r in rows) + "\n", minwidth=6, padding=3)
