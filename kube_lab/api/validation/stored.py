"""The API server's rules for the built-in kinds kube_lab stores but does not simulate.

A ConfigMap, a Job or an Ingress applied to kube_lab is kept and listed, exactly as sent,
so it must be refused exactly where a real cluster refuses it. Every kind gets the rules of
its ``metadata`` (names per kind) and the required fields of Kubernetes' schema for it
(``spec.schedule: Required value``); the kinds learners apply most get the
``pkg/apis/*/validation`` rules that matter for them: pod templates of Jobs, CronJobs,
DaemonSets and StatefulSets (every container rule of :mod:`.pods`), a Job's restart policy,
selectors that match their template, a PersistentVolumeClaim's access modes and storage
request, ConfigMap and Secret keys, an Ingress path's ``pathType``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kube_lab.api import schemas
from kube_lab.api.errors import FieldError, invalid, required, unsupported
from kube_lab.api.kinds import KindInfo
from kube_lab.api.selectors import from_label_selector
from kube_lab.api.validation import formats
from kube_lab.api.validation.metadata import validate_label_selector, validate_object_meta
from kube_lab.api.validation.pods import NEGATIVE, validate_pod_template
from kube_lab.api.validation.values import child, index, key, shown_map, shown_selector

Rule = Callable[[Mapping[str, Any]], list[FieldError]]

#: Schema-required fields that the API server's Go code accepts when left out (a struct or
#: number whose zero value is valid), or that a rule below reports in its own words.
NOT_REQUIRED = frozenset(
    {
        "io.k8s.api.networking.v1.NetworkPolicySpec.podSelector",
        "io.k8s.api.networking.v1.HTTPIngressPath.pathType",
        "io.k8s.api.scheduling.v1.PriorityClass.value",
        "io.k8s.api.core.v1.HTTPHeader.value",
        "io.k8s.api.apps.v1.DaemonSetSpec.selector",
        "io.k8s.api.apps.v1.StatefulSetSpec.selector",
    }
)
_POD_TEMPLATE = "io.k8s.api.core.v1.PodTemplateSpec"
_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_RBAC = "rbac.authorization.k8s.io"

ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
JOB_RESTART_POLICIES = ["OnFailure", "Never"]
PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
CRONJOB_NAME_MAX = 52
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY = re.compile(_CONFIG_KEY_FMT)


def validate_stored(obj: Mapping[str, Any], info: KindInfo) -> list[FieldError]:
    """A stored-only object on create: metadata, required fields, then its kind's rules."""
    name_check = path_segment_name if info.group == _RBAC else formats.dns1123_subdomain
    meta = obj.get("metadata") or {}
    errors = validate_object_meta(meta, namespaced=info.namespaced, name_check=name_check)
    rule = _RULES.get(info.kind)
    schema = schemas.schema_for(info.api_version, info.kind)
    if schema is not None:
        skip = {_OBJECT_META, _POD_TEMPLATE} if rule else {_OBJECT_META}
        errors.extend(required_fields(obj, schema, "", skip))
    if rule is not None:
        errors.extend(rule(obj))
    return errors


def update_errors(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldError]:
    """Immutable fields of the stored-only kinds: a workload's selector."""
    if new.get("kind") not in ("DaemonSet", "StatefulSet", "Job"):
        return []
    before = (old.get("spec") or {}).get("selector")
    after = (new.get("spec") or {}).get("selector")
    if before == after:
        return []
    return [invalid("spec.selector", shown_selector(after), "field is immutable")]


def path_segment_name(name: str) -> list[str]:
    """``ValidatePathSegmentName``: RBAC names may hold almost anything but a path."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def required_fields(value: Any, kind: schemas.Type, path: str, skip: set[str]) -> list[FieldError]:
    """``Required value`` for every field the schema requires that ``value`` leaves out."""
    if kind.definition in skip:
        return []
    errors: list[FieldError] = []
    if kind.shape == "struct" and isinstance(value, Mapping):
        for name in kind.required:
            if value.get(name) is None and f"{kind.definition}.{name}" not in NOT_REQUIRED:
                errors.append(required(child(path, name)))
        for name, member in kind.fields.items():
            if value.get(name) is not None and member.shape in ("struct", "[]", "{}"):
                errors.extend(required_fields(value[name], member, child(path, name), skip))
    elif kind.shape == "[]" and isinstance(value, list) and kind.item is not None:
        for i, item in enumerate(value):
            errors.extend(required_fields(item, kind.item, index(path, i), skip))
    elif kind.shape == "{}" and isinstance(value, Mapping) and kind.item is not None:
        for name, item in value.items():
            errors.extend(required_fields(item, kind.item, key(path, name), skip))
    return errors


# --- workloads ----------------------------------------------------------------------------


def _selected_template(spec: Mapping[str, Any], noun: str) -> list[FieldError]:
    """``ValidateDaemonSetSpec`` / ``ValidateStatefulSetSpec``: a selector that selects the
    template, and a template whose pods restart ``Always``. A StatefulSet requires its
    selector; a DaemonSet without one selects nothing, so its template never matches."""
    selector = spec.get("selector")
    errors: list[FieldError] = []
    if selector is None and noun == "statefulset":
        errors.append(required("spec.selector"))
    selector_errors = validate_label_selector(selector, "spec.selector")
    errors.extend(selector_errors)
    empty = selector is not None and not (
        selector.get("matchLabels") or selector.get("matchExpressions")
    )
    empty_error = invalid(
        "spec.selector", shown_selector(selector), f"empty selector is invalid for {noun}"
    )
    if empty and noun == "statefulset":
        errors.append(empty_error)
    template = spec.get("template") or {}
    if not selector_errors:
        labels = (template.get("metadata") or {}).get("labels")
        compiled = from_label_selector(selector) if selector is not None else None
        if compiled is None or not (compiled.empty or compiled.matches(labels)):
            detail = "`selector` does not match template `labels`"
            errors.append(invalid("spec.template.metadata.labels", shown_map(labels), detail))
    if empty and noun == "daemonset":
        errors.append(empty_error)
    if template:
        errors.extend(validate_pod_template(template, "spec.template"))
        policy = (template.get("spec") or {}).get("restartPolicy") or ""
        if policy != "Always":
            errors.append(unsupported("spec.template.spec.restartPolicy", policy, ["Always"]))
    return errors


def _daemon_set(obj: Mapping[str, Any]) -> list[FieldError]:
    return _selected_template(obj.get("spec") or {}, "daemonset")


def _stateful_set(obj: Mapping[str, Any]) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errors = _nonnegative(spec, "spec", ("replicas", "minReadySeconds"))
    return errors + _selected_template(spec, "statefulset")


def _job_spec(spec: Mapping[str, Any], path: str) -> list[FieldError]:
    """``ValidateJobSpec``: counts not negative, a pod template that runs to completion."""
    errors = _nonnegative(spec, path, ("parallelism", "completions", "backoffLimit"))
    template = spec.get("template") or {}
    if template:
        template_path = child(path, "template")
        errors.extend(validate_pod_template(template, template_path))
        policy = (template.get("spec") or {}).get("restartPolicy") or ""
        if policy not in JOB_RESTART_POLICIES:
            policy_path = child(template_path, "spec", "restartPolicy")
            errors.append(unsupported(policy_path, policy, JOB_RESTART_POLICIES))
    return errors


def _job(obj: Mapping[str, Any]) -> list[FieldError]:
    return _job_spec(obj.get("spec") or {}, "spec")


def _cron_job(obj: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    name = (obj.get("metadata") or {}).get("name") or ""
    if len(name) > CRONJOB_NAME_MAX:
        errors.append(invalid("metadata.name", name, formats.max_length_error(CRONJOB_NAME_MAX)))
    spec = obj.get("spec") or {}
    job_template = spec.get("jobTemplate") or {}
    errors.extend(_job_spec(job_template.get("spec") or {}, "spec.jobTemplate.spec"))
    return errors


def _pod_template(obj: Mapping[str, Any]) -> list[FieldError]:
    return validate_pod_template(obj.get("template") or {}, "template")


def _replication_controller(obj: Mapping[str, Any]) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errors = _nonnegative(spec, "spec", ("replicas", "minReadySeconds"))
    template = spec.get("template")
    if template:
        errors.extend(validate_pod_template(template, "spec.template"))
    return errors


def _nonnegative(spec: Mapping[str, Any], path: str, fields: tuple[str, ...]) -> list[FieldError]:
    return [
        invalid(child(path, field), spec[field], NEGATIVE)
        for field in fields
        if isinstance(spec.get(field), int) and spec[field] < 0
    ]


# --- configuration, storage and networking ------------------------------------------------


def _config_keys(obj: Mapping[str, Any]) -> list[FieldError]:
    """``ValidateConfigMap`` / ``ValidateSecret``: every key a valid config key."""
    detail = formats.regex_error(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        _CONFIG_KEY_FMT,
        "key.name",
        "KEY_NAME",
        "key-name",
    )
    errors: list[FieldError] = []
    for field in ("data", "binaryData", "stringData"):
        for name in obj.get(field) or {}:
            if not _CONFIG_KEY.fullmatch(name):
                errors.append(invalid(key(field, name), name, detail))
    return errors


def _claim(obj: Mapping[str, Any]) -> list[FieldError]:
    """``ValidatePersistentVolumeClaimSpec``: access modes and a storage request."""
    spec = obj.get("spec") or {}
    errors: list[FieldError] = []
    modes = spec.get("accessModes") or []
    if not modes:
        errors.append(required("spec.accessModes", "at least 1 access mode is required"))
    for mode in modes:
        if mode not in ACCESS_MODES:
            errors.append(unsupported("spec.accessModes", mode, ACCESS_MODES))
    requests = (spec.get("resources") or {}).get("requests") or {}
    if "storage" not in requests:
        errors.append(required("spec.resources[storage]"))
    return errors


def _ingress(obj: Mapping[str, Any]) -> list[FieldError]:
    """``validateHTTPIngressPath``: every path says how it matches."""
    errors: list[FieldError] = []
    for i, rule in enumerate((obj.get("spec") or {}).get("rules") or []):
        paths = (rule.get("http") or {}).get("paths") or []
        for j, entry in enumerate(paths):
            path = f"spec.rules[{i}].http.paths[{j}]"
            kind = entry.get("pathType")
            if not kind:
                errors.append(required(child(path, "pathType"), "pathType must be specified"))
            elif kind not in PATH_TYPES:
                errors.append(unsupported(child(path, "pathType"), kind, PATH_TYPES))
            elif kind in ("Exact", "Prefix") and not str(entry.get("path") or "").startswith("/"):
                errors.append(
                    invalid(
                        child(path, "path"), entry.get("path") or "", "must be an absolute path"
                    )
                )
    return errors


_RULES: Mapping[str, Rule] = {
    "DaemonSet": _daemon_set,
    "StatefulSet": _stateful_set,
    "Job": _job,
    "CronJob": _cron_job,
    "PodTemplate": _pod_template,
    "ReplicationController": _replication_controller,
    "ConfigMap": _config_keys,
    "Secret": _config_keys,
    "PersistentVolumeClaim": _claim,
    "Ingress": _ingress,
}
