"""The kinds kube_lab knows: their apiVersion, resource names and scope.

This is kube_lab's discovery document. ``kubectl get deploy`` resolves ``deploy`` here to
``deployments.apps``; the store keys objects by ``kind``; the API server issue serves the
same table as ``/api`` and ``/apis``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindInfo:
    kind: str
    group: str  # "" for the core group
    version: str
    plural: str
    singular: str
    short_names: tuple[str, ...] = ()
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified_kind(self) -> str:
        """``Deployment.apps`` as the API server names a kind in messages (core: ``Pod``)."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    @property
    def resource(self) -> str:
        """``deployments.apps`` as kubectl names a resource in messages (core: ``pods``)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


KINDS: tuple[KindInfo, ...] = (
    KindInfo("Namespace", "", "v1", "namespaces", "namespace", ("ns",), namespaced=False),
    KindInfo("Node", "", "v1", "nodes", "node", ("no",), namespaced=False),
    KindInfo("Pod", "", "v1", "pods", "pod", ("po",)),
    KindInfo("Service", "", "v1", "services", "service", ("svc",)),
    KindInfo("Event", "", "v1", "events", "event", ("ev",)),
    KindInfo("Endpoints", "", "v1", "endpoints", "endpoints", ("ep",)),
    KindInfo("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", "endpointslice"),
    KindInfo(
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        ("hpa",),
    ),
    KindInfo("Lease", "coordination.k8s.io", "v1", "leases", "lease"),
    KindInfo("ReplicaSet", "apps", "v1", "replicasets", "replicaset", ("rs",)),
    KindInfo("Deployment", "apps", "v1", "deployments", "deployment", ("deploy",)),
)

_BY_KIND = {k.kind: k for k in KINDS}
_BY_NAME: dict[str, KindInfo] = {}
for _info in KINDS:
    for _name in (_info.plural, _info.singular, *_info.short_names, _info.kind.lower()):
        _BY_NAME[_name] = _info
        _BY_NAME[f"{_name}.{_info.group}"] = _info
        _BY_NAME[f"{_name}.{_info.version}.{_info.group}"] = _info


def by_kind(kind: str) -> KindInfo:
    """Look up a kind by its exact name (``Deployment``); KeyError if unknown."""
    return _BY_KIND[kind]


def lookup(resource: str) -> KindInfo | None:
    """Resolve what a user types (``po``, ``pods``, ``deployment.apps``) to a kind."""
    return _BY_NAME.get(resource.lower())


def supported_api_versions() -> dict[str, str]:
    """``{kind: apiVersion}`` for error messages that list what is supported."""
    return {k.kind: k.api_version for k in KINDS}
