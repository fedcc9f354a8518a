"""Discovery: what ``/api``, ``/apis`` and ``/version`` tell kubectl about the server.

kubectl 1.30+ first asks for the aggregated form (``APIGroupDiscoveryList``, one request
for every group, version and resource); older clients and the Python client read the
legacy documents (``APIVersions``, ``APIGroupList``, one ``APIResourceList`` per group
version). Both are generated from :data:`kube_lab.api.kinds.KINDS`, the same table that
resolves ``kubectl get deploy`` in-process.
"""

from __future__ import annotations

from typing import Any

from kube_lab.api import kinds
from kube_lab.api.kinds import KindInfo
from kube_lab.apiserver import metrics
from kube_lab.kubelet.kubelet import KUBELET_VERSION

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

#: Kinds ``kubectl get all`` lists (the ``all`` category, as on a real cluster).
ALL_CATEGORY = frozenset(
    {
        "Pod",
        "Service",
        "ReplicationController",
        "DaemonSet",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "HorizontalPodAutoscaler",
        "Job",
        "CronJob",
    }
)

#: Kinds with a ``scale`` subresource (``kubectl scale``).
SCALABLE = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"})


def version() -> dict[str, Any]:
    major, minor, _patch = KUBELET_VERSION.lstrip("v").split(".")
    return {
        "major": major,
        "minor": minor,
        "emulationMajor": major,
        "emulationMinor": minor,
        "gitVersion": f"{KUBELET_VERSION}+kube-lab",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.25.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def group_versions() -> dict[str, dict[str, list[KindInfo]]]:
    """``{group: {version: [kinds]}}`` in the order of :data:`kinds.KINDS`."""
    groups: dict[str, dict[str, list[KindInfo]]] = {}
    for info in kinds.KINDS:
        groups.setdefault(info.group, {}).setdefault(info.version, []).append(info)
    return groups


def _subresources(info: KindInfo) -> list[tuple[str, dict[str, str], list[str]]]:
    """``(name, responseKind, verbs)`` of each subresource kube_lab serves for a kind."""
    own = {"group": info.group, "version": info.version, "kind": info.kind}
    served = [("status", own, ["get", "patch", "update"])]
    if info.kind in SCALABLE:
        scale = {"group": "autoscaling", "version": "v1", "kind": "Scale"}
        served.append(("scale", scale, ["get", "patch", "update"]))
    if info.kind == "Pod":
        eviction = {"group": "policy", "version": "v1", "kind": "Eviction"}
        served += [("eviction", eviction, ["create"]), ("log", own, ["get"])]
    return served


def _categories(info: KindInfo) -> list[str]:
    return ["all"] if info.kind in ALL_CATEGORY else []


def _aggregated_resource(info: KindInfo) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resource": info.plural,
        "responseKind": {"group": info.group, "version": info.version, "kind": info.kind},
        "scope": "Namespaced" if info.namespaced else "Cluster",
        "singularResource": info.singular,
        "verbs": VERBS,
        "subresources": [
            {"subresource": sub, "responseKind": kind, "verbs": verbs}
            for sub, kind, verbs in _subresources(info)
        ],
    }
    if info.short_names:
        resource["shortNames"] = list(info.short_names)
    if _categories(info):
        resource["categories"] = _categories(info)
    return resource


def aggregated(core: bool) -> dict[str, Any]:
    """The ``APIGroupDiscoveryList`` of ``/api`` (``core``) or ``/apis``."""
    items = []
    for group, versions in group_versions().items():
        if (group == "") != core:
            continue
        items.append(
            {
                "metadata": {"name": group, "creationTimestamp": None},
                "versions": [
                    {
                        "version": version_name,
                        "resources": [_aggregated_resource(i) for i in infos],
                        "freshness": "Current",
                    }
                    for version_name, infos in versions.items()
                ],
            }
        )
    if not core:
        items.append(metrics.aggregated_group())
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def _group(group: str, versions: dict[str, list[KindInfo]]) -> dict[str, Any]:
    listed = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"name": group, "versions": listed, "preferredVersion": listed[0]}


def api_group_list() -> dict[str, Any]:
    groups = [_group(g, vs) for g, vs in group_versions().items() if g]
    groups.append(metrics.legacy_group())
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict[str, Any] | None:
    if group == metrics.GROUP:
        return {"kind": "APIGroup", "apiVersion": "v1", **metrics.legacy_group()}
    versions = group_versions().get(group)
    if not group or versions is None:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(group, versions)}


def resource_list(group: str, version_name: str) -> dict[str, Any] | None:
    """The legacy ``APIResourceList`` of one group version, or None if there is none."""
    if (group, version_name) == (metrics.GROUP, metrics.VERSION):
        return metrics.resource_list()
    infos = group_versions().get(group, {}).get(version_name)
    if infos is None:
        return None
    resources: list[dict[str, Any]] = []
    for info in infos:
        entry: dict[str, Any] = {
            "name": info.plural,
            "singularName": info.singular,
            "namespaced": info.namespaced,
            "kind": info.kind,
            "verbs": VERBS,
        }
        if info.short_names:
            entry["shortNames"] = list(info.short_names)
        if _categories(info):
            entry["categories"] = _categories(info)
        resources.append(entry)
        for sub, kind, verbs in _subresources(info):
            other_group = kind["group"] != info.group
            resources.append(
                {
                    "name": f"{info.plural}/{sub}",
                    "singularName": "",
                    "namespaced": info.namespaced,
                    **({"group": kind["group"], "version": kind["version"]} if other_group else {}),
                    "kind": kind["kind"],
                    "verbs": verbs,
                }
            )
    group_version = f"{group}/{version_name}" if group else version_name
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }
