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


_ADMISSION = "admissionregistration.k8s.io"
_FLOWCONTROL = "flowcontrol.apiserver.k8s.io"
_RBAC = "rbac.authorization.k8s.io"

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
    # Built-in kinds kube_lab stores and lists but no kube_lab controller acts on
    # (kube_lab.api.simulation says so when they are applied), as ``kubectl api-resources``
    # names them on a Kubernetes 1.37 cluster.
    *(
        KindInfo(kind, group, "v1", plural, kind.lower(), short, namespaced=scope == "ns")
        for kind, group, plural, short, scope in (
            ("ConfigMap", "", "configmaps", ("cm",), "ns"),
            ("LimitRange", "", "limitranges", ("limits",), "ns"),
            ("PersistentVolume", "", "persistentvolumes", ("pv",), "cluster"),
            ("PersistentVolumeClaim", "", "persistentvolumeclaims", ("pvc",), "ns"),
            ("PodTemplate", "", "podtemplates", (), "ns"),
            ("ReplicationController", "", "replicationcontrollers", ("rc",), "ns"),
            ("ResourceQuota", "", "resourcequotas", ("quota",), "ns"),
            ("Secret", "", "secrets", (), "ns"),
            ("ServiceAccount", "", "serviceaccounts", ("sa",), "ns"),
            ("MutatingAdmissionPolicy", _ADMISSION, "mutatingadmissionpolicies", (), "cluster"),
            (
                "MutatingAdmissionPolicyBinding",
                _ADMISSION,
                "mutatingadmissionpolicybindings",
                (),
                "cluster",
            ),
            (
                "MutatingWebhookConfiguration",
                _ADMISSION,
                "mutatingwebhookconfigurations",
                (),
                "cluster",
            ),
            (
                "ValidatingAdmissionPolicy",
                _ADMISSION,
                "validatingadmissionpolicies",
                (),
                "cluster",
            ),
            (
                "ValidatingAdmissionPolicyBinding",
                _ADMISSION,
                "validatingadmissionpolicybindings",
                (),
                "cluster",
            ),
            (
                "ValidatingWebhookConfiguration",
                _ADMISSION,
                "validatingwebhookconfigurations",
                (),
                "cluster",
            ),
            ("ControllerRevision", "apps", "controllerrevisions", (), "ns"),
            ("DaemonSet", "apps", "daemonsets", ("ds",), "ns"),
            ("StatefulSet", "apps", "statefulsets", ("sts",), "ns"),
            ("CronJob", "batch", "cronjobs", ("cj",), "ns"),
            ("Job", "batch", "jobs", (), "ns"),
            (
                "CertificateSigningRequest",
                "certificates.k8s.io",
                "certificatesigningrequests",
                ("csr",),
                "cluster",
            ),
            ("ClusterTrustBundle", "certificates.k8s.io", "clustertrustbundles", (), "cluster"),
            ("PodCertificateRequest", "certificates.k8s.io", "podcertificaterequests", (), "ns"),
            ("FlowSchema", _FLOWCONTROL, "flowschemas", (), "cluster"),
            (
                "PriorityLevelConfiguration",
                _FLOWCONTROL,
                "prioritylevelconfigurations",
                (),
                "cluster",
            ),
            ("IPAddress", "networking.k8s.io", "ipaddresses", ("ip",), "cluster"),
            ("Ingress", "networking.k8s.io", "ingresses", ("ing",), "ns"),
            ("IngressClass", "networking.k8s.io", "ingressclasses", (), "cluster"),
            ("NetworkPolicy", "networking.k8s.io", "networkpolicies", ("netpol",), "ns"),
            ("ServiceCIDR", "networking.k8s.io", "servicecidrs", (), "cluster"),
            ("RuntimeClass", "node.k8s.io", "runtimeclasses", (), "cluster"),
            ("PodDisruptionBudget", "policy", "poddisruptionbudgets", ("pdb",), "ns"),
            ("ClusterRole", _RBAC, "clusterroles", (), "cluster"),
            ("ClusterRoleBinding", _RBAC, "clusterrolebindings", (), "cluster"),
            ("Role", _RBAC, "roles", (), "ns"),
            ("RoleBinding", _RBAC, "rolebindings", (), "ns"),
            ("DeviceClass", "resource.k8s.io", "deviceclasses", (), "cluster"),
            ("DeviceTaintRule", "resource.k8s.io", "devicetaintrules", (), "cluster"),
            ("ResourceClaim", "resource.k8s.io", "resourceclaims", (), "ns"),
            ("ResourceClaimTemplate", "resource.k8s.io", "resourceclaimtemplates", (), "ns"),
            ("ResourceSlice", "resource.k8s.io", "resourceslices", (), "cluster"),
            ("PriorityClass", "scheduling.k8s.io", "priorityclasses", ("pc",), "cluster"),
            ("CSIDriver", "storage.k8s.io", "csidrivers", (), "cluster"),
            ("CSINode", "storage.k8s.io", "csinodes", (), "cluster"),
            ("CSIStorageCapacity", "storage.k8s.io", "csistoragecapacities", (), "ns"),
            ("StorageClass", "storage.k8s.io", "storageclasses", ("sc",), "cluster"),
            ("VolumeAttachment", "storage.k8s.io", "volumeattachments", (), "cluster"),
            (
                "VolumeAttributesClass",
                "storage.k8s.io",
                "volumeattributesclasses",
                ("vac",),
                "cluster",
            ),
            (
                "StorageVersionMigration",
                "storagemigration.k8s.io",
                "storageversionmigrations",
                (),
                "cluster",
            ),
        )
    ),
)

#: Built-in kinds of Kubernetes 1.37 that kube_lab refuses, and why (the rest are above).
REFUSED: dict[str, str] = {
    "apiextensions.k8s.io/v1/CustomResourceDefinition": (
        "kube_lab serves only the built-in kinds; it cannot add custom resources"
    ),
    "apiregistration.k8s.io/v1/APIService": "kube_lab has no aggregated API servers",
    "v1/Binding": "a Binding is a request to bind a pod (the scheduler makes them), not an object",
    "v1/ComponentStatus": "ComponentStatus is read-only and deprecated",
    "authentication.k8s.io/v1/SelfSubjectReview": "reviews are requests, not stored objects",
    "authentication.k8s.io/v1/TokenRequest": "token requests are requests, not stored objects",
    "authentication.k8s.io/v1/TokenReview": "reviews are requests, not stored objects",
    "authorization.k8s.io/v1/LocalSubjectAccessReview": "reviews are requests, not stored objects",
    "authorization.k8s.io/v1/SelfSubjectAccessReview": "reviews are requests, not stored objects",
    "authorization.k8s.io/v1/SelfSubjectRulesReview": "reviews are requests, not stored objects",
    "authorization.k8s.io/v1/SubjectAccessReview": "reviews are requests, not stored objects",
    "autoscaling/v1/HorizontalPodAutoscaler": (
        "kube_lab serves HorizontalPodAutoscaler as autoscaling/v2"
    ),
    "autoscaling/v1/Scale": "Scale is a subresource (kubectl scale), not an object",
    "events.k8s.io/v1/Event": "kube_lab serves Event as v1",
    "policy/v1/Eviction": "Eviction is a subresource (kubectl drain), not an object",
}

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
