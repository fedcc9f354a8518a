"""The API server's rules for ReplicaSets and Deployments (``apps/v1``).

Mirrors ``pkg/apis/apps/validation``: a selector is required and may not be empty, the pod
template's labels must satisfy it, templates must restart ``Always``, counts may not be
negative, and a rolling update needs some room to move (``maxSurge`` and
``maxUnavailable`` may not both be 0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kube_lab.api.errors import FieldError, forbidden, invalid, required, unsupported
from kube_lab.api.selectors import from_label_selector
from kube_lab.api.validation import formats
from kube_lab.api.validation.metadata import validate_label_selector, validate_object_meta
from kube_lab.api.validation.pods import NEGATIVE, validate_pod_template
from kube_lab.api.validation.values import child, shown, shown_map, shown_selector

STRATEGY_TYPES = ["Recreate", "RollingUpdate"]


def validate_replica_set(obj: Mapping[str, Any], name_check: formats.Check) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errors = validate_object_meta(obj.get("metadata") or {}, namespaced=True, name_check=name_check)
    errors.extend(_nonnegative(spec, ("replicas", "minReadySeconds")))
    errors.extend(_validate_selector_and_template(spec))
    return errors


def validate_deployment(obj: Mapping[str, Any], name_check: formats.Check) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errors = validate_object_meta(obj.get("metadata") or {}, namespaced=True, name_check=name_check)
    errors.extend(_nonnegative(spec, ("replicas",)))
    errors.extend(_validate_selector_and_template(spec))
    errors.extend(_validate_strategy(spec.get("strategy") or {}))
    errors.extend(_nonnegative(spec, ("minReadySeconds", "revisionHistoryLimit")))
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errors.extend(_nonnegative(spec, ("progressDeadlineSeconds",)))
        if deadline <= (spec.get("minReadySeconds") or 0):
            detail = "must be greater than minReadySeconds"
            errors.append(invalid("spec.progressDeadlineSeconds", deadline, detail))
    return errors


def _nonnegative(spec: Mapping[str, Any], fields: tuple[str, ...]) -> list[FieldError]:
    return [
        invalid(child("spec", field), spec[field], NEGATIVE)
        for field in fields
        if spec.get(field) is not None and spec[field] < 0
    ]


def _validate_selector_and_template(spec: Mapping[str, Any]) -> list[FieldError]:
    """The selector's own rules, then the template against it (``...ForReplicaSet``)."""
    selector = spec.get("selector")
    errors: list[FieldError] = []
    if selector is None:
        errors.append(required("spec.selector"))
    selector_errors = validate_label_selector(selector, "spec.selector")
    errors.extend(selector_errors)
    if selector is not None and not (
        selector.get("matchLabels") or selector.get("matchExpressions")
    ):
        detail = "empty selector is invalid for deployment"  # sic: ReplicaSets say so too
        errors.append(invalid("spec.selector", shown_selector(selector), detail))
    if selector_errors:
        # The API server cannot compile such a selector, so it never looks at the template.
        errors.append(invalid("spec.selector", shown_selector(selector), "invalid label selector"))
        return errors
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels")
    # A missing selector selects nothing; an empty one selects everything.
    compiled = from_label_selector(selector) if selector is not None else None
    if compiled is None or not (compiled.empty or compiled.matches(labels)):
        detail = "`selector` does not match template `labels`"
        errors.append(invalid("spec.template.metadata.labels", shown_map(labels), detail))
    errors.extend(validate_pod_template(template, "spec.template"))
    template_spec = template.get("spec") or {}
    restart_policy = template_spec.get("restartPolicy") or ""
    if restart_policy != "Always":
        errors.append(unsupported("spec.template.spec.restartPolicy", restart_policy, ["Always"]))
    if template_spec.get("activeDeadlineSeconds") is not None:
        # Deployments share the ReplicaSet wording, as on a real cluster.
        detail = "activeDeadlineSeconds in ReplicaSet is not Supported"
        errors.append(forbidden("spec.template.spec.activeDeadlineSeconds", detail))
    return errors


def _validate_strategy(strategy: Mapping[str, Any]) -> list[FieldError]:
    kind = strategy.get("type") or ""
    rolling_update = strategy.get("rollingUpdate")
    if kind == "Recreate":
        if rolling_update is None:
            return []
        detail = "may not be specified when strategy `type` is 'Recreate'"
        return [forbidden("spec.strategy.rollingUpdate", detail)]
    if kind != "RollingUpdate":
        return [unsupported("spec.strategy", shown(strategy), STRATEGY_TYPES)]
    if rolling_update is None:
        detail = "this should be defaulted and never be nil"
        return [required("spec.strategy.rollingUpdate", detail)]
    return _validate_rolling_update(rolling_update, "spec.strategy.rollingUpdate")


def _validate_rolling_update(rolling_update: Mapping[str, Any], path: str) -> list[FieldError]:
    unavailable = rolling_update.get("maxUnavailable") or 0
    surge = rolling_update.get("maxSurge") or 0
    errors = _int_or_percent(unavailable, child(path, "maxUnavailable"))
    errors.extend(_int_or_percent(surge, child(path, "maxSurge")))
    if _scalar(unavailable) == 0 and _scalar(surge) == 0:
        detail = "may not be 0 when `maxSurge` is 0"
        errors.append(invalid(child(path, "maxUnavailable"), unavailable, detail))
    if _is_percent(unavailable) and _scalar(unavailable) > 100:
        detail = "must not be greater than 100%"
        errors.append(invalid(child(path, "maxUnavailable"), unavailable, detail))
    return errors


def _int_or_percent(value: int | str, path: str) -> list[FieldError]:
    """``ValidatePositiveIntOrPercent``: a non-negative int or a ``"<digits>%"`` string."""
    if isinstance(value, str):
        return [invalid(path, value, message) for message in formats.percent(value)]
    return [invalid(path, value, NEGATIVE)] if value < 0 else []


def _is_percent(value: int | str) -> bool:
    return isinstance(value, str) and not formats.percent(value)


def _scalar(value: int | str) -> int:
    """``getIntOrPercentValue``: ``25%`` -> 25, ``3`` -> 3, anything unreadable -> 0."""
    if isinstance(value, int):
        return value
    digits = value[:-1] if _is_percent(value) else value
    return int(digits) if re.fullmatch("[0-9]+", digits) else 0
