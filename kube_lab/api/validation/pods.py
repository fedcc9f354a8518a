"""The API server's rules for Pods, pod templates and their containers.

Mirrors ``ValidatePodSpec`` and its helpers in ``pkg/apis/core/validation``: containers
are required, named as DNS labels and unique; images are required; ports, probes,
resources and tolerations each have their own rules. Pod templates (in ReplicaSets and
Deployments) share all of it, with their labels at ``<template>.labels``, as on a real
cluster.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from kube_lab.api.errors import (
    FieldError,
    duplicate,
    forbidden,
    invalid,
    required,
    unsupported,
)
from kube_lab.api.quantity import QuantityError, parse_quantity
from kube_lab.api.validation import formats
from kube_lab.api.validation.metadata import (
    validate_annotations,
    validate_label_key,
    validate_labels,
    validate_object_meta,
)
from kube_lab.api.validation.values import child, index, key, quantity_string

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
HTTP_SCHEMES = ["HTTP", "HTTPS"]
PREEMPTION_POLICIES = ["PreemptLowerPriority", "Never"]
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
TOLERATION_OPERATORS = ["Equal", "Exists"]
#: The probes of a container and whether they must succeed exactly once to count.
PROBES = (("livenessProbe", True), ("readinessProbe", False), ("startupProbe", True))
PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
PROBE_COUNTERS = (
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
)
#: Unprefixed resource names a container may ask for (besides ``hugepages-<size>``).
CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")
#: Unprefixed names Kubernetes knows as resources at all (quota, storage, ...).
STANDARD_RESOURCES = (
    *CONTAINER_RESOURCES,
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
)
NEGATIVE = "must be greater than or equal to 0"
MAX_INT32 = 2**31 - 1


def validate_pod(pod: Mapping[str, Any], name_check: formats.Check) -> list[FieldError]:
    """A Pod on create: metadata, spec, and the pod-only image whitespace rule."""
    spec = pod.get("spec") or {}
    errors = validate_object_meta(pod.get("metadata") or {}, namespaced=True, name_check=name_check)
    errors.extend(validate_pod_spec(spec, "spec"))
    for i, container in enumerate(spec.get("containers") or []):
        image = container.get("image") or ""
        if image != image.strip():
            detail = "must not have leading or trailing whitespace"
            errors.append(invalid(child(index("spec.containers", i), "image"), image, detail))
    return errors


def validate_pod_template(template: Mapping[str, Any], path: str) -> list[FieldError]:
    """``ValidatePodTemplateSpec``: labels and annotations sit at ``<path>.labels``."""
    meta = template.get("metadata") or {}
    errors = validate_labels(meta.get("labels"), child(path, "labels"))
    errors.extend(validate_annotations(meta.get("annotations"), child(path, "annotations")))
    errors.extend(validate_pod_spec(template.get("spec") or {}, child(path, "spec")))
    return errors


def validate_pod_spec(spec: Mapping[str, Any], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if spec.get("terminationGracePeriodSeconds") is None:
        errors.append(required(child(path, "terminationGracePeriodSeconds")))
    errors.extend(_validate_containers(spec.get("containers") or [], child(path, "containers")))
    for field, supported in (("restartPolicy", RESTART_POLICIES), ("dnsPolicy", DNS_POLICIES)):
        errors.extend(one_of(spec.get(field), supported, child(path, field)))
    errors.extend(validate_labels(spec.get("nodeSelector"), child(path, "nodeSelector")))
    errors.extend(_names(spec, path, ("serviceAccountName", "nodeName"), formats.dns1123_subdomain))
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        detail = formats.inclusive_range_error(1, MAX_INT32)
        errors.append(invalid(child(path, "activeDeadlineSeconds"), deadline, detail))
    errors.extend(_names(spec, path, ("hostname", "subdomain"), formats.dns1123_label))
    errors.extend(validate_tolerations(spec.get("tolerations") or [], child(path, "tolerations")))
    errors.extend(_names(spec, path, ("priorityClassName",), formats.dns1123_subdomain))
    if spec.get("preemptionPolicy") is not None:
        policy_path = child(path, "preemptionPolicy")
        errors.extend(one_of(spec["preemptionPolicy"], PREEMPTION_POLICIES, policy_path))
    return errors


def one_of(value: str | None, supported: list[str], path: str) -> list[FieldError]:
    """``Required value`` when empty, ``Unsupported value`` when not among ``supported``."""
    if not value:
        return [required(path)]
    return [] if value in supported else [unsupported(path, value, supported)]


def _names(
    spec: Mapping[str, Any], path: str, fields: tuple[str, ...], check: formats.Check
) -> list[FieldError]:
    """Optional name-like fields: checked only when set."""
    errors: list[FieldError] = []
    for field in fields:
        value = spec.get(field) or ""
        if value:
            errors.extend(invalid(child(path, field), value, message) for message in check(value))
    return errors


def _validate_containers(containers: list[Mapping[str, Any]], path: str) -> list[FieldError]:
    if not containers:
        return [required(path)]
    errors: list[FieldError] = []
    names: set[str] = set()
    for i, container in enumerate(containers):
        container_path = index(path, i)
        errors.extend(_validate_container(container, container_path))
        name = container.get("name") or ""
        if name in names:
            errors.append(duplicate(child(container_path, "name"), name))
        names.add(name)
        for field, succeeds_once in PROBES:
            probe = container.get(field)
            if probe is None:
                continue
            probe_path = child(container_path, field)
            errors.extend(_validate_probe(probe, probe_path))
            if succeeds_once and probe.get("successThreshold") != 1:
                threshold_path = child(probe_path, "successThreshold")
                errors.append(invalid(threshold_path, probe.get("successThreshold"), "must be 1"))
    return errors


def _validate_container(container: Mapping[str, Any], path: str) -> list[FieldError]:
    """``validateContainerCommon``: name, image, message policy, ports, env, pulls, resources."""
    errors: list[FieldError] = []
    name = container.get("name") or ""
    name_path = child(path, "name")
    if not name:
        errors.append(required(name_path))
    errors.extend(invalid(name_path, name, message) for message in _label_if_set(name))
    if not container.get("image"):
        errors.append(required(child(path, "image")))
    policy_path = child(path, "terminationMessagePolicy")
    policy = container.get("terminationMessagePolicy")
    errors.extend(one_of(policy, TERMINATION_MESSAGE_POLICIES, policy_path))
    errors.extend(_validate_container_ports(container.get("ports") or [], child(path, "ports")))
    for i, variable in enumerate(container.get("env") or []):
        if not variable.get("name"):
            errors.append(required(child(index(child(path, "env"), i), "name")))
    pull_path = child(path, "imagePullPolicy")
    errors.extend(one_of(container.get("imagePullPolicy"), PULL_POLICIES, pull_path))
    errors.extend(validate_resources(container.get("resources") or {}, child(path, "resources")))
    return errors


def _label_if_set(name: str) -> list[str]:
    return formats.dns1123_label(name) if name else []


def _validate_container_ports(ports: list[Mapping[str, Any]], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        port_path = index(path, i)
        name = port.get("name") or ""
        name_errors = formats.port_name(name) if name else []
        errors.extend(invalid(child(port_path, "name"), name, m) for m in name_errors)
        if name and not name_errors:
            if name in names:
                errors.append(duplicate(child(port_path, "name"), name))
            names.add(name)
        number = port.get("containerPort") or 0
        if not number:
            errors.append(required(child(port_path, "containerPort")))
        errors.extend(
            invalid(child(port_path, "containerPort"), number, m)
            for m in (formats.port_number(number) if number else [])
        )
        host_port = port.get("hostPort") or 0
        errors.extend(
            invalid(child(port_path, "hostPort"), host_port, m)
            for m in (formats.port_number(host_port) if host_port else [])
        )
        errors.extend(one_of(port.get("protocol"), PROTOCOLS, child(port_path, "protocol")))
    return errors


def validate_port_number_or_name(port: Any, path: str) -> list[FieldError]:
    """``ValidatePortNumOrName``: numbers in 1-65535, names as IANA service names."""
    if isinstance(port, str):
        return [invalid(path, port, message) for message in formats.port_name(port)]
    number = port or 0
    return [invalid(path, number, message) for message in formats.port_number(number)]


def _validate_probe(probe: Mapping[str, Any], path: str) -> list[FieldError]:
    errors = _validate_handler(probe, path)
    for counter in PROBE_COUNTERS:
        value = probe.get(counter) or 0
        if value < 0:
            errors.append(invalid(child(path, counter), value, NEGATIVE))
    grace = probe.get("terminationGracePeriodSeconds")
    if grace is not None and grace <= 0:
        errors.append(
            invalid(child(path, "terminationGracePeriodSeconds"), grace, "must be greater than 0")
        )
    return errors


def _validate_handler(handler: Mapping[str, Any], path: str) -> list[FieldError]:
    """Exactly one of ``exec``, ``httpGet``, ``tcpSocket`` and ``grpc``."""
    present = [name for name in PROBE_HANDLERS if handler.get(name) is not None]
    if not present:
        return [required(path, "must specify a handler type")]
    first, *extra = present
    errors = _HANDLER_CHECKS[first](handler[first], child(path, first))
    detail = "may not specify more than 1 handler type"
    errors.extend(forbidden(child(path, name), detail) for name in extra)
    return errors


def _exec_action(action: Mapping[str, Any], path: str) -> list[FieldError]:
    return [] if action.get("command") else [required(child(path, "command"))]


def _http_get_action(action: Mapping[str, Any], path: str) -> list[FieldError]:
    errors = [] if action.get("path") else [required(child(path, "path"))]
    errors.extend(validate_port_number_or_name(action.get("port"), child(path, "port")))
    scheme = action.get("scheme") or ""
    if scheme not in HTTP_SCHEMES:
        errors.append(unsupported(child(path, "scheme"), scheme, HTTP_SCHEMES))
    return errors


def _socket_action(action: Mapping[str, Any], path: str) -> list[FieldError]:
    return validate_port_number_or_name(action.get("port"), child(path, "port"))


def _grpc_action(action: Mapping[str, Any], path: str) -> list[FieldError]:
    return validate_port_number_or_name(action.get("port") or 0, child(path, "port"))


_HANDLER_CHECKS = {
    "exec": _exec_action,
    "httpGet": _http_get_action,
    "tcpSocket": _socket_action,
    "grpc": _grpc_action,
}


def validate_resources(resources: Mapping[str, Any], path: str) -> list[FieldError]:
    """Limits, then requests; a request may not exceed its limit."""
    errors: list[FieldError] = []
    limits = resources.get("limits") or {}
    parsed_limits: dict[str, Fraction] = {}
    for name, value in limits.items():
        limit, limit_errors = _validate_quantity(name, value, key(child(path, "limits"), name))
        errors.extend(limit_errors)
        if limit is not None:
            parsed_limits[name] = limit
    requests_path = child(path, "requests")
    for name, value in (resources.get("requests") or {}).items():
        request, request_errors = _validate_quantity(name, value, key(requests_path, name))
        errors.extend(request_errors)
        if request is not None and name in parsed_limits and request > parsed_limits[name]:
            detail = (
                f"must be less than or equal to {name} limit of {quantity_string(limits[name])}"
            )
            errors.append(invalid(requests_path, quantity_string(value), detail))
    return errors


def _validate_quantity(
    name: str, value: Any, path: str
) -> tuple[Fraction | None, list[FieldError]]:
    """The resource name's rules, then the quantity's: it must parse and not be negative."""
    errors = _validate_resource_name(name, path)
    try:
        amount = parse_quantity(value)
    except QuantityError as error:
        return None, [*errors, invalid(path, value, str(error))]
    if amount < 0:
        errors.append(invalid(path, quantity_string(value), NEGATIVE))
    return amount, errors


def _validate_resource_name(name: str, path: str) -> list[FieldError]:
    errors = validate_label_key(name, path)
    if errors or "/" in name or name.startswith("hugepages-"):
        return errors
    if name not in STANDARD_RESOURCES:
        errors.append(invalid(path, name, "must be a standard resource type or fully qualified"))
    if name not in CONTAINER_RESOURCES:
        errors.append(invalid(path, name, "must be a standard resource for containers"))
    return errors


def validate_tolerations(tolerations: list[Mapping[str, Any]], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, toleration in enumerate(tolerations):
        toleration_path = index(path, i)
        taint_key = toleration.get("key") or ""
        operator = toleration.get("operator") or ""
        value = toleration.get("value") or ""
        effect = toleration.get("effect") or ""
        operator_path = child(toleration_path, "operator")
        if taint_key:
            errors.extend(validate_label_key(taint_key, child(toleration_path, "key")))
        if not taint_key and operator != "Exists":
            detail = (
                "operator must be Exists when `key` is empty, "
                'which means "match all values and all keys"'
            )
            errors.append(invalid(operator_path, operator, detail))
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            detail = "effect must be 'NoExecute' when `tolerationSeconds` is set"
            errors.append(invalid(child(toleration_path, "effect"), effect, detail))
        if operator in ("", "Equal"):
            value_errors = formats.label_value(value)
            if value_errors:
                errors.append(invalid(operator_path, value, ";".join(value_errors)))
        elif operator == "Exists":
            if value:
                detail = "value must be empty when `operator` is 'Exists'"
                errors.append(invalid(operator_path, value, detail))
        else:
            errors.append(unsupported(operator_path, operator, TOLERATION_OPERATORS))
        if effect:
            errors.extend(validate_taint_effect(effect, child(toleration_path, "effect")))
    return errors


def validate_taint_effect(effect: str, path: str) -> list[FieldError]:
    return [] if effect in TAINT_EFFECTS else [unsupported(path, effect, TAINT_EFFECTS)]
