"""What kube_lab simulates, said once: the one table of fields its components act on.

kube_lab accepts every field and every built-in kind a real API server accepts, and keeps
them (``kubectl get -o yaml`` shows them back), but its scheduler, controllers and kubelets
act on only some of them. :data:`SIMULATED` lists, per kind, the fields that change what
happens; :func:`notices` tells a learner which fields of an applied object are kept but not
acted on (``deployment.apps/web: not simulated: spec.template.spec.volumes``), and that no
controller acts on a kind kube_lab only stores (``configmap/settings: stored; no kube_lab
controller acts on configmaps``). These are notices, never errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_lab.api.kinds import KindInfo, by_kind

#: The container fields the kubelet and the scheduler act on (``[*]`` is every container).
_CONTAINER = (
    "name",
    "image",
    "imagePullPolicy",
    "command",
    "args",
    "ports",
    "resources",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "terminationMessagePath",
    "terminationMessagePolicy",
)
#: The pod spec fields the scheduler, the kubelet and the controllers act on.
_POD_SPEC = (
    *(f"containers[*].{field}" for field in _CONTAINER),
    "initContainers[*].name",
    "initContainers[*].image",
    "initContainers[*].resources",
    "nodeName",
    "nodeSelector",
    "affinity.nodeAffinity",
    "tolerations",
    "topologySpreadConstraints",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "priority",
    "preemptionPolicy",
    "schedulerName",
    "overhead",
)


def _pod_spec(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}.{field}" for field in _POD_SPEC)


def _template(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}.metadata", *_pod_spec(f"{prefix}.spec"))


#: Per simulated kind, the fields kube_lab acts on; a field covers everything under it.
#: ``apiVersion``, ``kind``, ``metadata`` and ``status`` are always covered; ``*`` covers
#: every field (kinds that kube_lab's components write or read whole).
SIMULATED: Mapping[str, frozenset[str]] = {
    kind: frozenset(fields)
    for kind, fields in {
        "Namespace": ("*",),
        "Node": ("spec.unschedulable", "spec.taints", "spec.podCIDR", "spec.podCIDRs"),
        "Pod": _pod_spec("spec"),
        "ReplicaSet": (
            "spec.replicas",
            "spec.selector",
            "spec.minReadySeconds",
            *_template("spec.template"),
        ),
        "Deployment": (
            "spec.replicas",
            "spec.selector",
            "spec.strategy",
            "spec.minReadySeconds",
            "spec.revisionHistoryLimit",
            "spec.paused",
            "spec.progressDeadlineSeconds",
            *_template("spec.template"),
        ),
        "Service": (
            "spec.type",
            "spec.selector",
            "spec.ports",
            "spec.clusterIP",
            "spec.clusterIPs",
            "spec.ipFamilies",
            "spec.ipFamilyPolicy",
            "spec.internalTrafficPolicy",
            "spec.externalTrafficPolicy",
        ),
        "HorizontalPodAutoscaler": (
            "spec.scaleTargetRef",
            "spec.minReplicas",
            "spec.maxReplicas",
            "spec.metrics",
            "spec.behavior",
        ),
        "Event": ("*",),
        "Endpoints": ("*",),
        "EndpointSlice": ("*",),
        "Lease": ("*",),
    }.items()
}
_ALWAYS = ("apiVersion", "kind", "metadata", "status")


def is_simulated(kind: str) -> bool:
    """Whether some kube_lab component acts on objects of ``kind``."""
    return kind in SIMULATED


def not_simulated(obj: Mapping[str, Any]) -> list[str]:
    """The fields of ``obj`` that kube_lab keeps but does not act on, outermost first, each
    once (``spec.template.spec.containers[*].env`` for any container's ``env``)."""
    covered = SIMULATED.get(str(obj.get("kind")))
    if covered is None or "*" in covered:
        return []
    found: list[str] = []
    for name, value in obj.items():
        if name not in _ALWAYS:
            _walk(value, name, covered, found)
    return found


def _walk(value: Any, path: str, covered: frozenset[str], found: list[str]) -> None:
    if path in covered or value is None:
        return
    below = [c for c in covered if c.startswith((f"{path}.", f"{path}["))]
    if not below:
        if path not in found:
            found.append(path)
        return
    if isinstance(value, dict):
        for name, item in value.items():
            _walk(item, f"{path}.{name}", covered, found)
    elif isinstance(value, list):
        for item in value:
            _walk(item, f"{path}[*]", covered, found)


def notices(obj: Mapping[str, Any]) -> list[str]:
    """What a learner should know about applying ``obj``: ``[]``, or one line saying which
    of its fields are not simulated, or that no controller acts on its kind."""
    kind = str(obj.get("kind"))
    try:
        info = by_kind(kind)
    except KeyError:
        return []
    name = (obj.get("metadata") or {}).get("name") or ""
    subject = f"{_resource(info)}/{name}"
    if not is_simulated(kind):
        return [f"{subject}: stored; no kube_lab controller acts on {info.plural}"]
    fields = not_simulated(obj)
    return [f"{subject}: not simulated: {', '.join(fields)}"] if fields else []


def _resource(info: KindInfo) -> str:
    return f"{info.singular}.{info.group}" if info.group else info.singular


__all__ = ["SIMULATED", "is_simulated", "not_simulated", "notices"]
