"""Validation: what the API server refuses, and the exact words it refuses it with.

Two layers, kept apart on purpose, as on a real API server. :mod:`.decoding` first decodes
the object strictly against Kubernetes' own schema of its kind (:mod:`kube_lab.api.schemas`):
unknown fields, values of the wrong type and undecodable quantities or bytes end there,
with the decoder's words. The semantic rules (:mod:`.metadata`, :mod:`.pods`, :mod:`.apps`,
:mod:`.core`, :mod:`.updates`, and :mod:`.stored` for the kinds kube_lab only stores) then
run on the decoded, defaulted object, as ``ValidateDeployment`` and friends do, and report
every problem as a :class:`~kube_lab.api.errors.FieldError` with Kubernetes' field path and
wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kube_lab.api import schemas
from kube_lab.api.errors import FieldError, unsupported
from kube_lab.api.kinds import KINDS
from kube_lab.api.validation import formats, stored
from kube_lab.api.validation.apps import validate_deployment, validate_replica_set
from kube_lab.api.validation.core import (
    validate_event,
    validate_namespace,
    validate_node,
    validate_service,
)
from kube_lab.api.validation.decoding import decode
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


_SERVED = {info.kind: info for info in KINDS}


def validate(obj: Mapping[str, Any]) -> list[FieldError]:
    """Everything wrong with a (defaulted) object on create; ``[]`` when it is valid.

    Decoding errors come alone: like a request that fails to decode, an object with an
    unknown field or a mistyped value is not checked any further.
    """
    errors, decoded = _decode(obj)
    if errors or not decoded:
        return errors
    kind = str(obj.get("kind"))
    if kind in _RULES:
        name_check, rules = _RULES[kind]
        return rules(decoded, name_check)
    return stored.validate_stored(decoded, _SERVED[kind])


def validate_update(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldError]:
    """What ``new`` changes that may not change after creation (immutable fields).

    ``new`` is the complete object as it would be stored. Only the rules about change are
    checked here: run :func:`validate` on ``new`` as well (it reports decoding errors and
    unknown kinds, which make this check return ``[]``).
    """
    if old.get("kind") != new.get("kind"):
        return []
    old_errors, old_decoded = _decode(old)
    new_errors, new_decoded = _decode(new)
    if old_errors or new_errors or not old_decoded or not new_decoded:
        return []
    if str(new.get("kind")) in _RULES:
        return update_errors(old_decoded, new_decoded)
    return stored.update_errors(old_decoded, new_decoded)


def _decode(obj: Mapping[str, Any]) -> tuple[list[FieldError], dict[str, Any]]:
    kind = str(obj.get("kind"))
    schema = schemas.schema_for(str(obj.get("apiVersion")), kind)
    if kind not in _SERVED or schema is None:
        return [unsupported("kind", kind, list(_SERVED))], {}
    return decode(obj, schema)


__all__ = ["validate", "validate_update"]
