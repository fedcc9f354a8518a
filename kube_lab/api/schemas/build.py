"""Build kube_lab's compact schema file from Kubernetes' own JSON schemas.

Run it only to move to another Kubernetes version (the result is committed)::

    pip install kubernetes-validate==1.37.0
    python -m kube_lab.api.schemas.build            # -> kube_lab/api/schemas/kubernetes-v1.37.json

or ``--source DIR`` for an unpacked ``v1.37.0-local-strict`` folder. It reads
``_definitions.json`` of one Kubernetes version (the ``kubernetes-validate`` package bundles
them, converted from the API server's OpenAPI document) and keeps what strict decoding and
kube_lab's validation need, for every kind of a generally available API version: each
struct's fields with their JSON types, the Go type the API server decodes into (for the
wording of ``cannot unmarshal`` errors), and which fields are required. Descriptions are
dropped; the result is a small JSON file that :mod:`kube_lab.api.schemas` loads lazily.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

DEFAULT_VERSION = "1.37.0"
HERE = Path(__file__).resolve().parent

#: Kinds that are API machinery, not resources a learner applies.
_NOT_RESOURCES = {"DeleteOptions", "WatchEvent", "Status", "APIGroup", "APIVersions"}

#: Definitions the API server decodes with a custom ``UnmarshalJSON``.
_SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "intstr",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "time",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "any",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": (
        "any"
    ),
}

#: Go's names for string and map types that OpenAPI flattens to ``string`` or ``object``,
#: as ``reflect.Type.String()`` prints them in decoding errors. Keys: ``<Struct>.<field>``
#: with the package folder (``core.v1.Container.imagePullPolicy``); lists name their items.
GO_NAMES: Mapping[str, str] = {
    "core.v1.Container.imagePullPolicy": "v1.PullPolicy",
    "core.v1.Container.terminationMessagePolicy": "v1.TerminationMessagePolicy",
    "core.v1.Container.restartPolicy": "v1.ContainerRestartPolicy",
    "core.v1.EphemeralContainer.imagePullPolicy": "v1.PullPolicy",
    "core.v1.ContainerPort.protocol": "v1.Protocol",
    "core.v1.ServicePort.protocol": "v1.Protocol",
    "core.v1.EndpointPort.protocol": "v1.Protocol",
    "discovery.v1.EndpointPort.protocol": "v1.Protocol",
    "networking.v1.NetworkPolicyPort.protocol": "v1.Protocol",
    "core.v1.PodSpec.restartPolicy": "v1.RestartPolicy",
    "core.v1.PodSpec.dnsPolicy": "v1.DNSPolicy",
    "core.v1.PodSpec.preemptionPolicy": "v1.PreemptionPolicy",
    "core.v1.PodSecurityContext.fsGroupChangePolicy": "v1.PodFSGroupChangePolicy",
    "core.v1.Capabilities.add": "v1.Capability",
    "core.v1.Capabilities.drop": "v1.Capability",
    "core.v1.HTTPGetAction.scheme": "v1.URIScheme",
    "core.v1.Toleration.operator": "v1.TolerationOperator",
    "core.v1.Toleration.effect": "v1.TaintEffect",
    "core.v1.Taint.effect": "v1.TaintEffect",
    "core.v1.NodeSelectorRequirement.operator": "v1.NodeSelectorOperator",
    "core.v1.TopologySpreadConstraint.whenUnsatisfiable": "v1.UnsatisfiableConstraintAction",
    "core.v1.ServiceSpec.type": "v1.ServiceType",
    "core.v1.ServiceSpec.sessionAffinity": "v1.ServiceAffinity",
    "core.v1.ServiceSpec.externalTrafficPolicy": "v1.ServiceExternalTrafficPolicy",
    "core.v1.ServiceSpec.internalTrafficPolicy": "v1.ServiceInternalTrafficPolicy",
    "core.v1.ServiceSpec.ipFamilyPolicy": "v1.IPFamilyPolicy",
    "core.v1.ServiceSpec.ipFamilies": "v1.IPFamily",
    "core.v1.Secret.type": "v1.SecretType",
    "core.v1.PersistentVolumeClaimSpec.accessModes": "v1.PersistentVolumeAccessMode",
    "core.v1.PersistentVolumeClaimSpec.volumeMode": "v1.PersistentVolumeMode",
    "core.v1.PersistentVolumeSpec.accessModes": "v1.PersistentVolumeAccessMode",
    "core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy": (
        "v1.PersistentVolumeReclaimPolicy"
    ),
    "core.v1.PersistentVolumeSpec.volumeMode": "v1.PersistentVolumeMode",
    "core.v1.HostPathVolumeSource.type": "v1.HostPathType",
    "core.v1.EmptyDirVolumeSource.medium": "v1.StorageMedium",
    "core.v1.VolumeMount.mountPropagation": "v1.MountPropagationMode",
    "core.v1.ContainerResizePolicy.resourceName": "v1.ResourceName",
    "core.v1.ContainerResizePolicy.restartPolicy": "v1.ResourceResizeRestartPolicy",
    "core.v1.LimitRangeItem.type": "v1.LimitType",
    "core.v1.NamespaceSpec.finalizers": "v1.FinalizerName",
    "meta.v1.LabelSelectorRequirement.operator": "v1.LabelSelectorOperator",
    "apps.v1.DeploymentStrategy.type": "v1.DeploymentStrategyType",
    "apps.v1.DaemonSetUpdateStrategy.type": "v1.DaemonSetUpdateStrategyType",
    "apps.v1.StatefulSetUpdateStrategy.type": "v1.StatefulSetUpdateStrategyType",
    "apps.v1.StatefulSetSpec.podManagementPolicy": "v1.PodManagementPolicyType",
    "apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted": (
        "v1.PersistentVolumeClaimRetentionPolicyType"
    ),
    "apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled": (
        "v1.PersistentVolumeClaimRetentionPolicyType"
    ),
    "batch.v1.CronJobSpec.concurrencyPolicy": "v1.ConcurrencyPolicy",
    "batch.v1.JobSpec.completionMode": "v1.CompletionMode",
    "batch.v1.JobSpec.podReplacementPolicy": "v1.PodReplacementPolicy",
    "autoscaling.v2.MetricSpec.type": "v2.MetricSourceType",
    "autoscaling.v2.MetricTarget.type": "v2.MetricTargetType",
    "autoscaling.v2.HPAScalingRules.selectPolicy": "v2.ScalingPolicySelect",
    "autoscaling.v2.HPAScalingPolicy.type": "v2.HPAScalingPolicyType",
    "networking.v1.HTTPIngressPath.pathType": "v1.PathType",
    "networking.v1.NetworkPolicySpec.policyTypes": "v1.PolicyType",
    "policy.v1.PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy": (
        "v1.UnhealthyPodEvictionPolicyType"
    ),
    "storage.v1.StorageClass.reclaimPolicy": "v1.PersistentVolumeReclaimPolicy",
    "storage.v1.StorageClass.volumeBindingMode": "v1.VolumeBindingMode",
    "scheduling.v1.PriorityClass.preemptionPolicy": "v1.PreemptionPolicy",
}


def _short(definition: str) -> str:
    """``io.k8s.api.core.v1.Container`` -> ``core.v1.Container`` (the key of GO_NAMES)."""
    parts = definition.split(".")
    return ".".join(parts[-3:])


def _go_struct(definition: str) -> str:
    """``io.k8s.api.core.v1.PodSpec`` -> ``v1.PodSpec``, as Go prints a struct type."""
    parts = definition.split(".")
    return f"{parts[-2]}.{parts[-1]}"


def _ref(schema: Mapping[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind} if kind else set()
    return kinds - {"null"}


def _compact(schema: Mapping[str, Any], go_name: str | None, wanted: set[str]) -> Any:
    """One property's type: a scalar name, ``"#Def"``, ``["[]", item]`` or ``["{}", value]``.

    Scalars: string, bool, int32, int64, float64, quantity, intstr, time, bytes, any; a
    named string type is ``"string=v1.PullPolicy"``.
    """
    ref = _ref(schema)
    if ref is not None:
        if ref in _SPECIAL:
            return _SPECIAL[ref]
        wanted.add(ref)
        return f"#{ref}"
    kinds = _types(schema)
    if "array" in kinds:
        return ["[]", _compact(schema.get("items") or {}, go_name, wanted)]
    if "object" in kinds or "additionalProperties" in schema:
        values = schema.get("additionalProperties")
        if not isinstance(values, Mapping):
            return "any"
        value = _compact(values, None, wanted)
        resource_list = value == "quantity"
        return ["{}", value, "v1.ResourceList"] if resource_list else ["{}", value]
    if kinds == {"string"}:
        if schema.get("format") == "byte":
            return "bytes"
        return f"string={go_name}" if go_name else "string"
    if kinds == {"integer"}:
        return "int64" if schema.get("format") == "int64" else "int32"
    if kinds == {"number"}:
        return "float64"
    if kinds == {"boolean"}:
        return "bool"
    return "any"


def _struct(name: str, schema: Mapping[str, Any], wanted: set[str]) -> dict[str, Any]:
    fields = {
        field: _compact(prop, GO_NAMES.get(f"{_short(name)}.{field}"), wanted)
        for field, prop in sorted((schema.get("properties") or {}).items())
    }
    out: dict[str, Any] = {"go": _go_struct(name), "fields": fields}
    required = sorted(schema.get("required") or [])
    if required:
        out["required"] = required
    if not schema.get("properties"):
        out = {"go": _go_struct(name), "any": True}
    return out


def kinds_of(definitions: Mapping[str, Any]) -> dict[str, str]:
    """``{"apps/v1/Deployment": "io.k8s.api.apps.v1.Deployment"}`` for every resource kind of
    a generally available version (``v1``, ``v2``; no alpha or beta API is on by default)."""
    found: dict[str, str] = {}
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind") or []:
            kind, group, version = gvk["kind"], gvk["group"], gvk["version"]
            if kind.endswith("List") or kind in _NOT_RESOURCES:
                continue
            if not re.fullmatch(r"v[0-9]+", version):
                continue
            api_version = f"{group}/{version}" if group else version
            found[f"{api_version}/{kind}"] = name
    return dict(sorted(found.items()))


def build(definitions: Mapping[str, Any], version: str) -> dict[str, Any]:
    """The compact document: every resource kind and the struct types they reach."""
    kinds = kinds_of(definitions)
    wanted = set(kinds.values())
    types: dict[str, Any] = {}
    while wanted - types.keys():
        for name in sorted(wanted - types.keys()):
            types[name] = _struct(name, definitions[name], wanted)
    return {
        "kubernetesVersion": version,
        "source": (
            f"kubernetes-validate: kubernetes-json-schema/v{version}-local-strict/"
            "_definitions.json (generated from the Kubernetes OpenAPI document)"
        ),
        "license": "Apache-2.0, derived from Kubernetes (https://github.com/kubernetes/kubernetes)",
        "kinds": kinds,
        "types": dict(sorted(types.items())),
    }


def _read_definitions(source: Path | None, version: str) -> dict[str, Any]:
    folder = f"v{version}-local-strict"
    if source is None:
        base = resources.files("kubernetes_validate") / "kubernetes-json-schema" / folder
        text = (base / "_definitions.json").read_text(encoding="utf-8")
    else:
        path = source / "_definitions.json" if source.is_dir() else source
        text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    return dict(document.get("$defs") or document.get("definitions") or {})


def output_path(version: str) -> Path:
    major_minor = ".".join(version.split(".")[:2])
    return HERE / f"kubernetes-v{major_minor}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION, help="Kubernetes version")
    parser.add_argument("--source", type=Path, help="folder or _definitions.json to read")
    parser.add_argument("--output", type=Path, help="where to write (default: beside this)")
    args = parser.parse_args(argv)
    document = build(_read_definitions(args.source, args.version), args.version)
    target = args.output or output_path(args.version)
    text = json.dumps(document, separators=(",", ":"), sort_keys=False) + "\n"
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {len(document['kinds'])} kinds, {len(document['types'])} types, ", end="")
    print(f"{len(text.encode()) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
