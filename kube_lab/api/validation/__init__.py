"""Validation: what the API server refuses, and the exact words it refuses it with.

Two layers, kept apart on purpose. :mod:`.structure` checks that every field kube_lab reads
holds the right JSON type (a real API server fails to decode the request otherwise); a
schema validator generated from Kubernetes' OpenAPI documents will replace it. The
semantic rules (:mod:`.metadata`, :mod:`.pods`, :mod:`.apps`, :mod:`.core`,
:mod:`.updates`) then run on well-typed, defaulted objects, as ``ValidateDeployment`` and
friends do, and report every problem as a :class:`~kube_lab.api.errors.FieldError` with
Kubernetes' field path and wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kube_lab.api.errors import FieldError, unsupported
from kube_lab.api.validation import formats, structure
from kube_lab.api.validation.apps import validate_deployment, validate_replica_set
from kube_lab.api.validation.core import (
    validate_event,
    validate_namespace,
    validate_node,
    validate_service,
)
from kube_lab.api.validation.pods import validate_pod
from kube_lab.api.validation.updates import update_errors

Validator = Callable[[Mapping[str, Any], formats.Check], list[FieldError]]

#: Per kind: the rule for its name and the rules for the rest.
_RULES: Mapping[str, tuple[formats.Check, Validator]] = {
    "Namespace": (formats.dns1123_label, validate_namespace),
    "Node": (formats.dns1123_subdomain, validate_node),
    "Pod": (formats.dns1123_subdomain, validate_pod),
    "Service": (formats.dns1035_label, validate_service),
    "Event": (formats.dns1123_subdomain, validate_event),
    "ReplicaSet": (formats.dns1123_subdomain, validate_replica_set),
    "Deployment": (formats.dns1123_subdomain, validate_deployment),
}


def validate(obj: Mapping[str, Any]) -> list[FieldError]:
    """Everything wrong with a (defaulted) object on create; ``[]`` when it is valid.

    Type errors come alone: like a request that fails to decode, an object with a
    mistyped field is not checked any further.
    """
    kind = str(obj.get("kind"))
    if kind not in _RULES:
        return [unsupported("kind", kind, list(_RULES))]
    errors = structure.check(obj)
    if errors:
        return errors
    name_check, rules = _RULES[kind]
    return rules(structure.decoded(obj), name_check)


def validate_update(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldError]:
    """What ``new`` changes that may not change after creation (immutable fields).

    ``new`` is the complete object as it would be stored. Only the rules about change are
    checked here: run :func:`validate` on ``new`` as well (it reports type errors and
    unknown kinds, which make this check return ``[]``).
    """
    if old.get("kind") != new.get("kind") or str(new.get("kind")) not in _RULES:
        return []
    if structure.check(new) or structure.check(old):
        return []
    return update_errors(structure.decoded(old), structure.decoded(new))


__all__ = ["validate", "validate_update"]
