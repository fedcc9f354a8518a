"""``metrics.k8s.io/v1beta1``: what ``kubectl top`` reads, from the cluster's metrics server.

kube_lab samples a pod's usage as a whole (:mod:`kube_lab.metrics`), so a PodMetrics puts
all of it on the pod's first container: ``kubectl top pod`` sums containers and shows the
right figure; ``kubectl top pod --containers`` shows the others at zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kube_lab.api.errors import NotFound
from kube_lab.api.meta import Obj, timestamp
from kube_lab.metrics import RESOLUTION, Usage

if TYPE_CHECKING:
    from kube_lab.cluster import Cluster

GROUP, VERSION = "metrics.k8s.io", "v1beta1"
GROUP_VERSION = f"{GROUP}/{VERSION}"
PREFIX = f"/apis/{GROUP_VERSION}"

RESOURCES = (("pods", "PodMetrics", True), ("nodes", "NodeMetrics", False))


def _usage(usage: Usage) -> dict[str, str]:
    return {"cpu": f"{usage.cpu}m", "memory": f"{usage.memory // 1024}Ki"}


def _meta(obj: Obj, now: float) -> dict[str, Any]:
    meta = {"name": obj["metadata"]["name"], "creationTimestamp": timestamp(now)}
    if obj["metadata"].get("namespace"):
        meta["namespace"] = obj["metadata"]["namespace"]
    return meta


def _pod(cluster: Cluster, pod: Obj) -> Obj | None:
    usage = cluster.metrics.pod(pod["metadata"]["namespace"], pod["metadata"]["name"])
    if usage is None:
        return None
    containers = [c["name"] for c in pod["spec"].get("containers") or []]
    zero = {"cpu": "0", "memory": "0"}
    return {
        "kind": "PodMetrics",
        "apiVersion": GROUP_VERSION,
        "metadata": _meta(pod, cluster.now),
        "timestamp": timestamp(cluster.now),
        "window": f"{usage.window or RESOLUTION:g}s",
        "containers": [
            {"name": name, "usage": _usage(usage) if i == 0 else zero}
            for i, name in enumerate(containers)
        ],
    }


def _node(cluster: Cluster, node: Obj) -> Obj | None:
    usage = cluster.metrics.node(node["metadata"]["name"])
    if usage is None:
        return None
    return {
        "kind": "NodeMetrics",
        "apiVersion": GROUP_VERSION,
        "metadata": _meta(node, cluster.now),
        "timestamp": timestamp(cluster.now),
        "window": f"{usage.window or RESOLUTION:g}s",
        "usage": _usage(usage),
    }


def serve(cluster: Cluster, path: str, objects: list[Obj] | None = None) -> Obj | None:
    """The answer for ``GET /apis/metrics.k8s.io/v1beta1/...``, None if no such path.

    ``objects``, when given, are the pods or nodes the caller already filtered (selectors).
    """
    parts = [p for p in path[len(PREFIX) :].split("/") if p]
    namespace = None
    if len(parts) >= 3 and parts[0] == "namespaces":
        namespace, parts = parts[1], parts[2:]
    if not parts or parts[0] not in ("pods", "nodes") or len(parts) > 2:
        return None
    kind = "Pod" if parts[0] == "pods" else "Node"
    make = _pod if kind == "Pod" else _node
    if len(parts) == 2:
        live = cluster.store.peek(kind, parts[1], namespace or "" if kind == "Pod" else "")
        found = make(cluster, live) if live is not None else None
        if found is None:
            where = f"{namespace}/{parts[1]}" if kind == "Pod" else parts[1]
            raise NotFound(f'{parts[0][:-1]}metrics.metrics.k8s.io "{where}" not found')
        return found
    listed = objects if objects is not None else cluster.store.list(kind, namespace)
    items = [m for m in (make(cluster, o) for o in listed) if m is not None]
    return {
        "kind": f"{kind}MetricsList",
        "apiVersion": GROUP_VERSION,
        "metadata": {},
        "items": items,
    }


def resource_list() -> dict[str, Any]:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": GROUP_VERSION,
        "resources": [
            {
                "name": plural,
                "singularName": "",
                "namespaced": namespaced,
                "kind": kind,
                "verbs": ["get", "list"],
            }
            for plural, kind, namespaced in RESOURCES
        ],
    }


def aggregated_group() -> dict[str, Any]:
    return {
        "metadata": {"name": GROUP, "creationTimestamp": None},
        "versions": [
            {
                "version": VERSION,
                "resources": [
                    {
                        "resource": plural,
                        "responseKind": {"group": GROUP, "version": VERSION, "kind": kind},
                        "scope": "Namespaced" if namespaced else "Cluster",
                        "singularResource": plural[:-1],
                        "verbs": ["get", "list"],
                    }
                    for plural, kind, namespaced in RESOURCES
                ],
                "freshness": "Current",
            }
        ],
    }


def legacy_group() -> dict[str, Any]:
    listed = {"groupVersion": GROUP_VERSION, "version": VERSION}
    return {"name": GROUP, "versions": [listed], "preferredVersion": listed}
