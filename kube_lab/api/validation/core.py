"""The API server's rules for Services, Nodes, Namespaces and Events (core ``v1``).

Services carry most of them (``ValidateService``): ports are required unless the Service
is headless or an ExternalName, each port has a valid number, protocol and target, and
node ports only exist on NodePort and LoadBalancer Services, in 30000-32767.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    validate_label_key,
    validate_labels,
    validate_object_meta,
)
from kube_lab.api.validation.pods import (
    NEGATIVE,
    PROTOCOLS,
    one_of,
    validate_port_number_or_name,
    validate_taint_effect,
)
from kube_lab.api.validation.values import child, index, quantity_string, shown

SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
SESSION_AFFINITIES = ["ClientIP", "None"]
TRAFFIC_POLICIES = ["Cluster", "Local"]
#: The API server's default ``--service-node-port-range``.
NODE_PORTS = range(30000, 32768)
_EXTERNALLY_REACHABLE = ("NodePort", "LoadBalancer")


def validate_namespace(obj: Mapping[str, Any], name_check: formats.Check) -> list[FieldError]:
    return validate_object_meta(obj.get("metadata") or {}, namespaced=False, name_check=name_check)


def validate_event(obj: Mapping[str, Any], name_check: formats.Check) -> list[FieldError]:
    return validate_object_meta(obj.get("metadata") or {}, namespaced=True, name_check=name_check)


def validate_node(obj: Mapping[str, Any], name_check: formats.Check) -> list[FieldError]:
    errors = validate_object_meta(
        obj.get("metadata") or {}, namespaced=False, name_check=name_check
    )
    # sic: the API server reports a Node's taints under metadata, not spec.
    errors.extend(_validate_taints((obj.get("spec") or {}).get("taints") or [], "metadata.taints"))
    status = obj.get("status") or {}
    for field in ("capacity", "allocatable"):
        for name, value in (status.get(field) or {}).items():
            errors.extend(_nonnegative_quantity(value, child("status", field, name)))
    return errors


def _validate_taints(taints: list[Mapping[str, Any]], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(taints):
        taint_path = index(path, i)
        taint_key = taint.get("key") or ""
        effect = taint.get("effect") or ""
        errors.extend(validate_label_key(taint_key, child(taint_path, "key")))
        value = taint.get("value") or ""
        value_errors = formats.label_value(value)
        if value_errors:
            errors.append(invalid(child(taint_path, "value"), value, ";".join(value_errors)))
        if not effect:
            errors.append(required(child(taint_path, "effect")))
        else:
            errors.extend(validate_taint_effect(effect, child(taint_path, "effect")))
        if (taint_key, effect) in seen:
            detail = "taints must be unique by key and effect pair"
            errors.append(FieldError(taint_path, "Duplicate value", detail, shown(taint), True))
        seen.add((taint_key, effect))
    return errors


def _nonnegative_quantity(value: Any, path: str) -> list[FieldError]:
    try:
        amount = parse_quantity(value)
    except QuantityError as error:
        return [invalid(path, value, str(error))]
    return [invalid(path, quantity_string(value), NEGATIVE)] if amount < 0 else []


def validate_service(obj: Mapping[str, Any], name_check: formats.Check) -> list[FieldError]:
    errors = validate_object_meta(obj.get("metadata") or {}, namespaced=True, name_check=name_check)
    spec = obj.get("spec") or {}
    kind = spec.get("type") or ""
    ports = spec.get("ports") or []
    headless = spec.get("clusterIP") == "None"
    if not ports and not headless and kind != "ExternalName":
        errors.append(required("spec.ports"))
    errors.extend(_validate_type_specifics(spec, kind, headless))
    names: set[str] = set()
    for i, port in enumerate(ports):
        errors.extend(
            _validate_port(port, index("spec.ports", i), require_name=len(ports) > 1, names=names)
        )
    errors.extend(validate_labels(spec.get("selector"), "spec.selector"))
    errors.extend(one_of(spec.get("sessionAffinity"), SESSION_AFFINITIES, "spec.sessionAffinity"))
    errors.extend(one_of(kind, SERVICE_TYPES, "spec.type"))
    errors.extend(_validate_node_ports(ports, kind))
    errors.extend(_validate_traffic_policies(spec, kind))
    return errors


def _validate_type_specifics(
    spec: Mapping[str, Any], kind: str, headless: bool
) -> list[FieldError]:
    if kind in _EXTERNALLY_REACHABLE and headless:
        detail = f"may not be set to 'None' for {kind} services"
        return [invalid("spec.clusterIPs[0]", "None", detail)]
    if kind != "ExternalName":
        return []
    errors: list[FieldError] = []
    not_for_external_names = "may not be set for ExternalName services"
    if spec.get("clusterIP") or spec.get("clusterIPs"):
        errors.append(forbidden("spec.clusterIPs", not_for_external_names))
    if spec.get("ipFamilies"):
        errors.append(forbidden("spec.ipFamilies", not_for_external_names))
    if spec.get("ipFamilyPolicy") is not None:
        errors.append(forbidden("spec.ipFamilyPolicy", not_for_external_names))
    cname = (spec.get("externalName") or "").removesuffix(".")  # a trailing dot is allowed
    if not cname:
        return [*errors, required("spec.externalName")]
    errors.extend(invalid("spec.externalName", cname, m) for m in formats.dns1123_subdomain(cname))
    return errors


def _validate_port(
    port: Mapping[str, Any], path: str, *, require_name: bool, names: set[str]
) -> list[FieldError]:
    errors: list[FieldError] = []
    name = port.get("name") or ""
    name_path = child(path, "name")
    if require_name and not name:
        errors.append(required(name_path))
    elif name:
        errors.extend(invalid(name_path, name, message) for message in formats.dns1123_label(name))
        if name in names:
            errors.append(duplicate(name_path, name))
        names.add(name)
    number = port.get("port") or 0
    errors.extend(invalid(child(path, "port"), number, m) for m in formats.port_number(number))
    errors.extend(one_of(port.get("protocol"), PROTOCOLS, child(path, "protocol")))
    errors.extend(validate_port_number_or_name(port.get("targetPort"), child(path, "targetPort")))
    return errors


def _validate_node_ports(ports: list[Mapping[str, Any]], kind: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, port in enumerate(ports):
        node_port = port.get("nodePort") or 0
        path = child(index("spec.ports", i), "nodePort")
        if node_port and kind == "ClusterIP":
            errors.append(forbidden(path, "may not be used when `type` is 'ClusterIP'"))
        elif node_port and kind in _EXTERNALLY_REACHABLE and node_port not in NODE_PORTS:
            # Reported by the node-port allocator, which runs right after validation.
            detail = (
                "provided port is not in the valid range. "
                f"The range of valid ports is {NODE_PORTS.start}-{NODE_PORTS.stop - 1}"
            )
            errors.append(invalid(path, node_port, detail))
    return errors


def _validate_traffic_policies(spec: Mapping[str, Any], kind: str) -> list[FieldError]:
    errors: list[FieldError] = []
    external = spec.get("externalTrafficPolicy") or ""
    reachable = kind in _EXTERNALLY_REACHABLE or bool(spec.get("externalIPs"))
    if not reachable and external:
        detail = "may only be set for externally-accessible services"
        errors.append(invalid("spec.externalTrafficPolicy", external, detail))
    elif reachable:
        errors.extend(one_of(external, TRAFFIC_POLICIES, "spec.externalTrafficPolicy"))
    internal = spec.get("internalTrafficPolicy")
    if internal is None and kind in ("ClusterIP", *_EXTERNALLY_REACHABLE):
        errors.append(required("spec.internalTrafficPolicy"))
    elif internal is not None and internal not in TRAFFIC_POLICIES:
        errors.append(unsupported("spec.internalTrafficPolicy", internal, TRAFFIC_POLICIES))
    return errors
