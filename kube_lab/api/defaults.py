"""The defaults the API server fills in before it validates and stores an object.

``kubectl get deploy web -o yaml`` shows far more than the manifest said: ``replicas: 1``,
a ``RollingUpdate`` strategy with 25% surge, ``imagePullPolicy``, ``dnsPolicy`` and so on.
They come from the ``SetDefaults_*`` functions of ``pkg/apis/core/v1`` and
``pkg/apis/apps/v1`` and from admission plugins (``DefaultTolerationSeconds``,
``Priority``); this module applies the same ones so that learners see the same objects.

Defaulting never fails: a field of the wrong type is left alone for validation to report.
As in Go, an empty string or zero counts as unset for plain fields, while optional
(pointer) fields such as ``replicas`` keep an explicit ``0``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

from kube_lab.api.kinds import KINDS
from kube_lab.api.meta import Obj, deep_copy

DEFAULT_NAMESPACE = "default"
#: Taints every Pod tolerates for five minutes (the ``DefaultTolerationSeconds`` plugin).
NOT_READY_TAINTS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
DEFAULT_TOLERATION_SECONDS = 300

_NAMESPACED = {info.kind: info.namespaced for info in KINDS}


def apply_defaults(obj: Obj) -> Obj:
    """A defaulted copy of ``obj``; ``obj`` itself is not changed."""
    out: Obj = deep_copy(obj)
    kind = out.get("kind")
    if not isinstance(kind, str) or kind not in _NAMESPACED:
        return out
    meta = _object(out, "metadata")
    if meta is not None and _NAMESPACED[kind]:
        _default_zero(meta, "namespace", DEFAULT_NAMESPACE)
    elif meta is not None:
        # The API server drops a namespace given to a cluster-scoped object.
        meta.pop("namespace", None)
    defaulter = _DEFAULTERS.get(kind)
    if defaulter is not None:
        defaulter(out)
    return out


# --- helpers ------------------------------------------------------------------------------


def _object(parent: dict[str, Any], field: str) -> dict[str, Any] | None:
    """``parent[field]``, created when unset; ``None`` when it holds something else."""
    if parent.get(field) is None:
        parent[field] = {}
    value = parent[field]
    return value if isinstance(value, dict) else None


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """The dict items of a list (nothing if ``value`` is not a list).

    A ``null`` item becomes ``{}`` first, as Go decodes it into a zero-valued struct.
    """
    if not isinstance(value, list):
        return
    for i, item in enumerate(value):
        if item is None:
            value[i] = item = {}
        if isinstance(item, dict):
            yield item


def _default_nil(parent: dict[str, Any], field: str, value: Any) -> None:
    """Default an optional (pointer) field: only when absent or null."""
    if parent.get(field) is None:
        parent[field] = value


def _default_zero(parent: dict[str, Any], field: str, value: Any) -> None:
    """Default a plain field: when absent, null, or its type's zero value (``""``, ``0``)."""
    current = parent.get(field)
    if current is None or (type(current) is type(value) and not current):
        parent[field] = value


# --- pods ---------------------------------------------------------------------------------


def _pod_spec(spec: dict[str, Any]) -> None:
    """``SetDefaults_PodSpec`` and the defaults of everything inside it."""
    _default_zero(spec, "dnsPolicy", "ClusterFirst")
    _default_zero(spec, "restartPolicy", "Always")
    _default_nil(spec, "terminationGracePeriodSeconds", 30)
    _default_nil(spec, "securityContext", {})
    _default_zero(spec, "schedulerName", "default-scheduler")
    for container in (*_objects(spec.get("initContainers")), *_objects(spec.get("containers"))):
        _container(container)


def _container(container: dict[str, Any]) -> None:
    image = container.get("image")
    tag = _image_tag(image) if isinstance(image, str) and image else ""
    _default_zero(container, "imagePullPolicy", "Always" if tag == "latest" else "IfNotPresent")
    _default_zero(container, "terminationMessagePath", "/dev/termination-log")
    _default_zero(container, "terminationMessagePolicy", "File")
    _default_nil(container, "resources", {})
    for port in _objects(container.get("ports")):
        _default_zero(port, "protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(container.get(probe), dict):
            _probe(container[probe])


def _image_tag(image: str) -> str:
    """The tag of ``registry:5000/app:1.2@sha256:...``; ``latest`` when there is neither."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.split(":", 1)[1]
    return "" if digest else "latest"


def _probe(probe: dict[str, Any]) -> None:
    for field, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        _default_zero(probe, field, value)
    if isinstance(probe.get("httpGet"), dict):
        _default_zero(probe["httpGet"], "path", "/")
        _default_zero(probe["httpGet"], "scheme", "HTTP")


def _pod(pod: Obj) -> None:
    """``SetDefaults_Pod`` plus what admission adds to Pods (not to pod templates)."""
    spec = _object(pod, "spec")
    if spec is None:
        return
    _pod_spec(spec)
    for container in (*_objects(spec.get("initContainers")), *_objects(spec.get("containers"))):
        _requests_from_limits(container)
    _default_nil(spec, "enableServiceLinks", True)
    # The ServiceAccount admission plugin: every pod runs as a service account.
    _default_zero(spec, "serviceAccountName", spec.get("serviceAccount") or "default")
    _default_zero(spec, "serviceAccount", spec["serviceAccountName"])
    if not spec.get("priorityClassName"):
        _default_nil(spec, "priority", 0)
    _default_nil(spec, "preemptionPolicy", "PreemptLowerPriority")
    _default_nil(spec, "tolerations", [])
    tolerations = spec["tolerations"]
    if not isinstance(tolerations, list):
        return
    for taint in NOT_READY_TAINTS:
        if not any(_tolerates_not_ready(t, taint) for t in _objects(tolerations)):
            tolerations.append(
                {
                    "key": taint,
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
                }
            )


def _requests_from_limits(container: dict[str, Any]) -> None:
    """A container that only sets limits requests exactly its limits."""
    resources = container.get("resources")
    if not isinstance(resources, dict) or not isinstance(resources.get("limits"), dict):
        return
    requests = _object(resources, "requests")
    if requests is not None:
        for name, amount in resources["limits"].items():
            requests.setdefault(name, amount)


def _tolerates_not_ready(toleration: dict[str, Any], taint: str) -> bool:
    return toleration.get("key") in (taint, "", None) and toleration.get("effect") in (
        "NoExecute",
        "",
        None,
    )


def _controller_spec(obj: Obj) -> dict[str, Any] | None:
    """The spec of a ReplicaSet or Deployment, with its pod template defaulted."""
    spec = _object(obj, "spec")
    if spec is None:
        return None
    _default_nil(spec, "replicas", 1)
    template = _object(spec, "template")
    template_spec = _object(template, "spec") if template is not None else None
    if template_spec is not None:
        _pod_spec(template_spec)
    return spec


def _replica_set(obj: Obj) -> None:
    _controller_spec(obj)


def _deployment(obj: Obj) -> None:
    spec = _controller_spec(obj)
    if spec is None:
        return
    strategy = _object(spec, "strategy")
    if strategy is not None:
        _default_zero(strategy, "type", "RollingUpdate")
        rolling_update = (
            _object(strategy, "rollingUpdate") if strategy["type"] == "RollingUpdate" else None
        )
        if rolling_update is not None:
            _default_nil(rolling_update, "maxUnavailable", "25%")
            _default_nil(rolling_update, "maxSurge", "25%")
    _default_nil(spec, "revisionHistoryLimit", 10)
    _default_nil(spec, "progressDeadlineSeconds", 600)


# --- the rest of core/v1 ------------------------------------------------------------------


def _service(obj: Obj) -> None:
    spec = _object(obj, "spec")
    if spec is None:
        return
    _default_zero(spec, "type", "ClusterIP")
    _default_zero(spec, "sessionAffinity", "None")
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        config = _object(spec, "sessionAffinityConfig")
        client_ip = _object(config, "clientIP") if config is not None else None
        if client_ip is not None:
            _default_nil(client_ip, "timeoutSeconds", 10800)
    for port in _objects(spec.get("ports")):
        _default_zero(port, "protocol", "TCP")
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    kind = spec["type"]
    if kind in ("NodePort", "LoadBalancer") or spec.get("externalIPs"):
        _default_zero(spec, "externalTrafficPolicy", "Cluster")
    if kind in ("ClusterIP", "NodePort", "LoadBalancer"):
        _default_nil(spec, "internalTrafficPolicy", "Cluster")
    if kind == "LoadBalancer":
        _default_nil(spec, "allocateLoadBalancerNodePorts", True)
    if kind != "ExternalName":
        # Set by the Service REST storage with the cluster IP, here to match `-o yaml`.
        _default_nil(spec, "ipFamilyPolicy", "SingleStack")


def _namespace(obj: Obj) -> None:
    meta = obj.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("name"), str) and meta["name"]:
        labels = _object(meta, "labels")
        if labels is not None:
            labels["kubernetes.io/metadata.name"] = meta["name"]
    spec = _object(obj, "spec")
    if spec is not None:
        _default_nil(spec, "finalizers", ["kubernetes"])
    status = _object(obj, "status")
    if status is not None:
        _default_zero(status, "phase", "Active")


def _node(obj: Obj) -> None:
    status = obj.get("status")
    if (
        isinstance(status, dict)
        and status.get("allocatable") is None
        and isinstance(status.get("capacity"), dict)
    ):
        status["allocatable"] = dict(status["capacity"])


# --- kinds kube_lab stores but does not simulate -----------------------------------------


def _template_spec(template: Any) -> None:
    """Pod-spec defaults inside a pod template, so that its rules see what a server sees."""
    spec = _object(template, "spec") if isinstance(template, dict) else None
    if spec is not None:
        _pod_spec(spec)


def _job_spec(spec: dict[str, Any]) -> None:
    """``SetDefaults_Job``."""
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    _default_nil(spec, "parallelism", 1)
    _default_nil(spec, "backoffLimit", 6)
    _default_nil(spec, "completionMode", "NonIndexed")
    _default_nil(spec, "suspend", False)
    if spec.get("podFailurePolicy") is None:
        _default_nil(spec, "podReplacementPolicy", "TerminatingOrFailed")
    _template_spec(spec.get("template"))


def _job(obj: Obj) -> None:
    spec = _object(obj, "spec")
    if spec is not None:
        _job_spec(spec)


def _cron_job(obj: Obj) -> None:
    """``SetDefaults_CronJob``."""
    spec = _object(obj, "spec")
    if spec is None:
        return
    _default_zero(spec, "concurrencyPolicy", "Allow")
    _default_nil(spec, "suspend", False)
    _default_nil(spec, "successfulJobsHistoryLimit", 3)
    _default_nil(spec, "failedJobsHistoryLimit", 1)
    job_template = spec.get("jobTemplate")
    job_spec = _object(job_template, "spec") if isinstance(job_template, dict) else None
    if job_spec is not None:
        _template_spec(job_spec.get("template"))


def _daemon_set(obj: Obj) -> None:
    """``SetDefaults_DaemonSet``."""
    spec = _object(obj, "spec")
    if spec is None:
        return
    strategy = _object(spec, "updateStrategy")
    if strategy is not None:
        _default_zero(strategy, "type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling_update = _object(strategy, "rollingUpdate")
            if rolling_update is not None:
                _default_nil(rolling_update, "maxUnavailable", 1)
                _default_nil(rolling_update, "maxSurge", 0)
    _default_nil(spec, "revisionHistoryLimit", 10)
    _template_spec(spec.get("template"))


def _stateful_set(obj: Obj) -> None:
    """``SetDefaults_StatefulSet``."""
    spec = _object(obj, "spec")
    if spec is None:
        return
    _default_nil(spec, "replicas", 1)
    _default_zero(spec, "podManagementPolicy", "OrderedReady")
    strategy = _object(spec, "updateStrategy")
    if strategy is not None:
        _default_zero(strategy, "type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling_update = _object(strategy, "rollingUpdate")
            if rolling_update is not None:
                _default_nil(rolling_update, "partition", 0)
    _default_nil(spec, "revisionHistoryLimit", 10)
    retention = _object(spec, "persistentVolumeClaimRetentionPolicy")
    if retention is not None:
        _default_zero(retention, "whenDeleted", "Retain")
        _default_zero(retention, "whenScaled", "Retain")
    _template_spec(spec.get("template"))


def _pod_template(obj: Obj) -> None:
    _template_spec(obj.get("template"))


def _replication_controller(obj: Obj) -> None:
    """``SetDefaults_ReplicationController``: selector and labels from the template's labels."""
    spec = _object(obj, "spec")
    if spec is None:
        return
    _default_nil(spec, "replicas", 1)
    template = spec.get("template")
    labels = (template.get("metadata") or {}).get("labels") if isinstance(template, dict) else None
    if isinstance(labels, dict) and labels:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        meta = _object(obj, "metadata")
        if meta is not None and not meta.get("labels"):
            meta["labels"] = dict(labels)
    _template_spec(template)


def _claim(obj: Obj) -> None:
    """``SetDefaults_PersistentVolumeClaim``: a new claim is ``Pending``."""
    spec = _object(obj, "spec")
    if spec is not None:
        _default_nil(spec, "volumeMode", "Filesystem")
    status = _object(obj, "status")
    if status is not None:
        _default_zero(status, "phase", "Pending")


def _volume(obj: Obj) -> None:
    """``SetDefaults_PersistentVolume``."""
    spec = _object(obj, "spec")
    if spec is not None:
        _default_zero(spec, "persistentVolumeReclaimPolicy", "Retain")
        _default_nil(spec, "volumeMode", "Filesystem")
    status = _object(obj, "status")
    if status is not None:
        _default_zero(status, "phase", "Pending")


def _secret(obj: Obj) -> None:
    """``type: Opaque``; ``stringData`` is written into ``data`` (base64) and not kept."""
    _default_zero(obj, "type", "Opaque")
    strings = obj.get("stringData")
    if not isinstance(strings, dict) or not all(isinstance(v, str) for v in strings.values()):
        return
    data = _object(obj, "data")
    if data is None:
        return
    for name, text in strings.items():
        data[name] = base64.b64encode(text.encode()).decode()
    del obj["stringData"]


def _horizontal_pod_autoscaler(obj: Obj) -> None:
    """``SetDefaults_HorizontalPodAutoscaler`` (autoscaling/v2): 1 pod minimum, 80 % CPU,
    and the default scaling behaviour written out in full."""
    spec = _object(obj, "spec")
    if spec is None:
        return
    _default_nil(spec, "minReplicas", 1)
    _default_nil(
        spec,
        "metrics",
        [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 80},
                },
            }
        ],
    )
    behavior = _object(spec, "behavior") if "behavior" in spec else None
    if behavior is None:
        spec["behavior"] = behavior = {}
    for direction, rules in HPA_BEHAVIOR.items():
        current = behavior.get(direction)
        if current is None:
            behavior[direction] = deep_copy(rules)
        elif isinstance(current, dict):
            for field, value in rules.items():
                _default_nil(current, field, deep_copy(value))


#: autoscaling/v2's default ``behavior`` (``GenerateHPAScaleUpRules`` and ``...DownRules``):
#: up by 4 pods or 100 % per 15 s, at once; down by 100 % per 15 s, after the controller's
#: 300 s stabilization window.
HPA_BEHAVIOR: dict[str, dict[str, Any]] = {
    "scaleUp": {
        "stabilizationWindowSeconds": 0,
        "selectPolicy": "Max",
        "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ],
    },
    "scaleDown": {  # no stabilizationWindowSeconds: unset means the controller's 300 s
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
    },
}


_DEFAULTERS: dict[str, Callable[[Obj], None]] = {
    "HorizontalPodAutoscaler": _horizontal_pod_autoscaler,
    "Namespace": _namespace,
    "Node": _node,
    "Pod": _pod,
    "Service": _service,
    "ReplicaSet": _replica_set,
    "Deployment": _deployment,
    "Job": _job,
    "CronJob": _cron_job,
    "DaemonSet": _daemon_set,
    "StatefulSet": _stateful_set,
    "PodTemplate": _pod_template,
    "ReplicationController": _replication_controller,
    "PersistentVolumeClaim": _claim,
    "PersistentVolume": _volume,
    "Secret": _secret,
}
