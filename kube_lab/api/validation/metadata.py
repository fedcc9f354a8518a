"""The rules every object's ``metadata`` follows, and label selectors.

These are apimachinery's ``ValidateObjectMeta``, ``ValidateLabels`` and
``ValidateLabelSelector``: names per kind (DNS subdomain, DNS label, ...), a namespace on
namespaced kinds only, label keys and values in their syntax, and selectors whose operators
and values agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_lab.api.errors import FieldError, forbidden, invalid, required
from kube_lab.api.validation import formats
from kube_lab.api.validation.formats import Check
from kube_lab.api.validation.values import child, index

#: Operators of ``matchExpressions`` and what they demand of ``values``.
_WITH_VALUES = ("In", "NotIn")
_WITHOUT_VALUES = ("Exists", "DoesNotExist")


def validate_object_meta(
    meta: Mapping[str, Any], *, namespaced: bool, name_check: Check, path: str = "metadata"
) -> list[FieldError]:
    """Name (or generateName), namespace, labels and annotations of a new object."""
    errors: list[FieldError] = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        for message in formats.for_generated_name(name_check)(generate_name):
            errors.append(invalid(child(path, "generateName"), generate_name, message))
    name = meta.get("name") or ""
    if not name and not generate_name:
        errors.append(required(child(path, "name"), "name or generateName is required"))
    elif name:
        errors.extend(invalid(child(path, "name"), name, m) for m in name_check(name))
    namespace = meta.get("namespace") or ""
    namespace_path = child(path, "namespace")
    if namespaced and not namespace:
        errors.append(required(namespace_path))
    elif namespaced:
        errors.extend(
            invalid(namespace_path, namespace, m) for m in formats.dns1123_label(namespace)
        )
    elif namespace:
        errors.append(forbidden(namespace_path, "not allowed on this type"))
    errors.extend(validate_labels(meta.get("labels"), child(path, "labels")))
    errors.extend(validate_annotations(meta.get("annotations"), child(path, "annotations")))
    return errors


def validate_labels(labels: Mapping[str, str] | None, path: str) -> list[FieldError]:
    """Every key a qualified name, every value a label value; errors sit on the map itself."""
    errors: list[FieldError] = []
    for label, value in (labels or {}).items():
        errors.extend(validate_label_key(label, path))
        errors.extend(invalid(path, value, message) for message in formats.label_value(value))
    return errors


def validate_label_key(label: str, path: str) -> list[FieldError]:
    return [invalid(path, label, message) for message in formats.label_key(label)]


def validate_annotations(annotations: Mapping[str, str] | None, path: str) -> list[FieldError]:
    """Annotation keys are qualified names, compared case-insensitively."""
    errors: list[FieldError] = []
    for name in annotations or {}:
        errors.extend(invalid(path, name, message) for message in formats.label_key(name.lower()))
    return errors


def validate_label_selector(selector: Mapping[str, Any] | None, path: str) -> list[FieldError]:
    """``matchLabels`` as labels; each ``matchExpressions`` entry's operator, key and values."""
    if selector is None:
        return []
    errors = validate_labels(selector.get("matchLabels"), child(path, "matchLabels"))
    for i, expression in enumerate(selector.get("matchExpressions") or []):
        errors.extend(_validate_requirement(expression, index(child(path, "matchExpressions"), i)))
    return errors


def _validate_requirement(expression: Mapping[str, Any], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    operator = expression.get("operator") or ""
    values = expression.get("values") or []
    values_path = child(path, "values")
    if operator in _WITH_VALUES and not values:
        detail = "must be specified when `operator` is 'In' or 'NotIn'"
        errors.append(required(values_path, detail))
    elif operator in _WITHOUT_VALUES and values:
        detail = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
        errors.append(forbidden(values_path, detail))
    elif operator not in _WITH_VALUES + _WITHOUT_VALUES:
        errors.append(invalid(child(path, "operator"), operator, "not a valid selector operator"))
    errors.extend(validate_label_key(expression.get("key") or "", child(path, "key")))
    for i, value in enumerate(values):
        errors.extend(
            invalid(index(values_path, i), value, message) for message in formats.label_value(value)
        )
    return errors
