"""What each REST verb does to the store: the API server's registry, over kube_lab's store.

Every function here runs with the server's lock held (see :mod:`kube_lab.apiserver.server`),
so the store, the engine and the controllers see one request at a time, between two steps
of the clock. Creation goes through :meth:`Cluster.create`, the same loading, defaults and
validation as ``Cluster.apply``; replacements and patches through the same defaults and
validation (:func:`validate` and :func:`validate_update`) before ``Store.update``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.errors import (
    AlreadyExists,
    BadRequest,
    FieldError,
    ManifestError,
    NotFound,
    StatusError,
    decoding_message,
    invalid_message,
    is_decoding,
)
from kube_lab.api.kinds import KindInfo
from kube_lab.api.meta import Obj, deep_copy
from kube_lab.api.selectors import Selector, SelectorError, parse
from kube_lab.api.validation import validate, validate_update
from kube_lab.apiserver.patch import apply_patch, strategic_merge
from kube_lab.kubectl.formats import selector_string

if TYPE_CHECKING:
    from kube_lab.cluster import Cluster


class Invalid(StatusError):
    """HTTP 422 with one ``cause`` per field error, as kubectl prints them."""

    reason, code = "Invalid", 422

    def __init__(self, info: KindInfo, name: str, errors: list[FieldError]) -> None:
        super().__init__(invalid_message(info.qualified_kind, name, errors))
        self.info, self.name, self.errors = info, name, errors

    def status(self) -> dict[str, Any]:
        status = super().status()
        status["details"] = {
            "name": self.name,
            "group": self.info.group,
            "kind": self.info.kind,
            "causes": [_cause(e) for e in self.errors],
        }
        return status


_CAUSE_REASONS = {
    "Required value": "FieldValueRequired",
    "Invalid value": "FieldValueInvalid",
    "Unsupported value": "FieldValueNotSupported",
    "Duplicate value": "FieldValueDuplicate",
    "Forbidden": "FieldValueForbidden",
}


def _cause(error: FieldError) -> dict[str, str]:
    message = str(error)
    prefix = f"{error.path}: "
    return {
        "reason": _CAUSE_REASONS.get(error.type, "FieldValueInvalid"),
        "message": message[len(prefix) :] if message.startswith(prefix) else message,
        "field": error.path,
    }


def refused(info: KindInfo, obj: Obj, errors: list[FieldError]) -> StatusError:
    """The Status for field errors: 400 for a body that does not decode, else 422."""
    if is_decoding(errors):
        return BadRequest(decoding_message(info.kind, info.api_version, errors))
    name = str((obj.get("metadata") or {}).get("name") or "")
    return Invalid(info, name, errors)


# -- selectors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRequirement:
    path: tuple[str, ...]
    value: str
    equal: bool


def parse_field_selector(text: str) -> tuple[FieldRequirement, ...]:
    requirements = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "!=" in part:
            key, value, equal = *part.split("!=", 1), False
        elif "==" in part:
            key, value, equal = *part.split("==", 1), True
        elif "=" in part:
            key, value, equal = *part.split("=", 1), True
        else:
            raise BadRequest(f"invalid selector: '{text}'; can't understand '{part}'")
        requirements.append(FieldRequirement(tuple(key.strip().split(".")), value.strip(), equal))
    return tuple(requirements)


def _field_value(obj: Obj, path: tuple[str, ...]) -> str:
    value: Any = obj
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Filter:
    """What a list or watch asks for: a namespace, a label selector, a field selector."""

    namespace: str | None
    labels: Selector | None
    fields: tuple[FieldRequirement, ...]

    def matches(self, obj: Obj) -> bool:
        meta = obj.get("metadata") or {}
        if self.namespace is not None and (meta.get("namespace") or "") != self.namespace:
            return False
        if self.labels is not None and not self.labels.matches(meta.get("labels")):
            return False
        return all((_field_value(obj, r.path) == r.value) == r.equal for r in self.fields)


def make_filter(namespace: str | None, label_selector: str, field_selector: str) -> Filter:
    try:
        labels = parse(label_selector) if label_selector else None
    except SelectorError as error:
        raise BadRequest(f"unable to parse requirement: {error}") from None
    return Filter(namespace, labels, parse_field_selector(field_selector))


# -- the verbs ------------------------------------------------------------------------------


def list_objects(cluster: Cluster, info: KindInfo, where: Filter) -> list[Obj]:
    objects = cluster.store.list(info.kind, where.namespace if info.namespaced else None)
    return [o for o in objects if where.matches(o)]


def get_object(cluster: Cluster, info: KindInfo, name: str, namespace: str) -> Obj:
    obj = cluster.store.peek(info.kind, name, namespace if info.namespaced else "")
    if obj is None:
        raise NotFound(f'{info.resource} "{name}" not found')
    return obj


def _place(info: KindInfo, body: Any, namespace: str, name: str | None) -> Obj:
    """``body`` as an object of ``info`` in the URL's namespace (and with its name)."""
    if not isinstance(body, dict):
        raise BadRequest(f"the body of the request was not a JSON object of kind {info.kind}")
    obj: Obj = deep_copy(body)
    obj.setdefault("apiVersion", info.api_version)
    obj.setdefault("kind", info.kind)
    if obj["kind"] != info.kind or obj["apiVersion"] != info.api_version:
        raise BadRequest(
            f"the API version in the data ({obj['apiVersion']}) does not match the expected "
            f"API version ({info.api_version}) of kind {info.kind}"
            if obj["kind"] == info.kind
            else f'{obj["kind"]} in version "{info.version}" cannot be handled as a '
            f"{info.kind}: the kind does not match"
        )
    meta = obj.get("metadata")
    if meta is None:
        meta = obj["metadata"] = {}
    if not isinstance(meta, dict):
        raise BadRequest(f"{info.kind}.metadata: must be an object")
    if info.namespaced:
        sent = meta.get("namespace")
        if sent and sent != namespace:
            raise BadRequest(
                "the namespace of the provided object does not match the namespace sent on "
                "the request"
            )
        meta["namespace"] = namespace
    if name is not None:
        if meta.get("name") and meta["name"] != name:
            raise BadRequest("the name of the object does not match the name on the URL")
        meta["name"] = name
    return obj


def create_object(
    cluster: Cluster, info: KindInfo, body: Any, namespace: str, *, dry_run: bool = False
) -> Obj:
    obj = _place(info, body, namespace, None)
    name = obj["metadata"].get("name")
    if not name:
        raise Invalid(
            info,
            "",
            [FieldError("metadata.name", "Required value", "name or generateName is required")],
        )
    ns = namespace if info.namespaced else ""
    if cluster.store.peek(info.kind, name, ns) is not None:
        raise AlreadyExists(f'{info.resource} "{name}" already exists')
    if info.namespaced and cluster.store.peek("Namespace", ns) is None:
        raise NotFound(f'namespaces "{ns}" not found')
    try:
        cluster.create(obj, dry_run=dry_run)
    except ManifestError as error:
        if error.errors:
            raise refused(info, obj, error.errors) from None
        raise
    if dry_run:  # what would have been stored, less what only storing assigns
        return apply_defaults(obj)
    return get_object(cluster, info, name, ns)


def _store_update(
    cluster: Cluster, info: KindInfo, live: Obj, candidate: Obj, *, dry_run: bool = False
) -> Obj:
    candidate = apply_defaults(candidate)
    errors = validate(candidate)
    if not errors:
        errors = validate_update(live, candidate)
    if not errors and info.kind == "Service":
        errors = cluster.services.check(candidate, live)
    if errors:
        raise refused(info, candidate, errors)
    if dry_run:
        return {**candidate, "status": live.get("status", {})} if "status" in live else candidate
    stored = cluster.store.update(candidate)
    cluster.engine.run(0)
    return stored


def replace_object(
    cluster: Cluster,
    info: KindInfo,
    body: Any,
    namespace: str,
    name: str,
    *,
    status: bool,
    dry_run: bool = False,
) -> Obj:
    obj = _place(info, body, namespace, name)
    live = get_object(cluster, info, name, namespace)
    if status:
        return _status_update(cluster, live, obj, dry_run=dry_run)
    return _store_update(cluster, info, live, obj, dry_run=dry_run)


def _status_update(cluster: Cluster, live: Obj, obj: Obj, *, dry_run: bool) -> Obj:
    if dry_run:
        return {**live, "status": obj.get("status", {})}
    stored = cluster.store.update(obj, status=True)
    cluster.engine.run(0)
    return stored


def patch_object(
    cluster: Cluster,
    info: KindInfo,
    patch: Any,
    content_type: str,
    namespace: str,
    name: str,
    *,
    status: bool,
    dry_run: bool = False,
) -> Obj:
    live = get_object(cluster, info, name, namespace)
    patched = apply_patch(live, patch, content_type)
    patched = _place(info, patched, namespace, name)
    if status:
        return _status_update(cluster, live, patched, dry_run=dry_run)
    return _store_update(cluster, info, live, patched, dry_run=dry_run)


def server_side_apply(
    cluster: Cluster, info: KindInfo, body: Any, namespace: str, name: str, *, dry_run: bool = False
) -> tuple[int, Obj]:
    """``kubectl apply --server-side``, simplified: create, or set every field the applied
    configuration names (a strategic merge of it over the live object). kube_lab keeps no
    ``managedFields``, so there are no field-ownership conflicts and fields a later apply
    leaves out are kept, not removed."""
    obj = _place(info, body, namespace, name)
    live = cluster.store.peek(info.kind, name, namespace if info.namespaced else "")
    if live is None:
        return 201, create_object(cluster, info, obj, namespace, dry_run=dry_run)
    merged = strategic_merge(deep_copy(live), obj, "")
    merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    return 200, _store_update(cluster, info, live, merged, dry_run=dry_run)


def delete_object(
    cluster: Cluster,
    info: KindInfo,
    namespace: str,
    name: str,
    options: dict[str, Any],
    *,
    dry_run: bool = False,
) -> Obj:
    live = get_object(cluster, info, name, namespace)  # NotFound first, as the API server
    policy = options.get("propagationPolicy")
    if policy is None and isinstance(options.get("orphanDependents"), bool):
        policy = "Orphan" if options["orphanDependents"] else "Background"
    if not isinstance(policy, str | None):
        raise BadRequest(f"propagationPolicy: must be a string, not {policy!r}")
    grace = options.get("gracePeriodSeconds")
    try:
        seconds = int(grace) if grace is not None else None
    except (TypeError, ValueError):
        raise BadRequest(f"gracePeriodSeconds: must be an integer, not {grace!r}") from None
    if dry_run:
        return live
    deleted = cluster.store.delete(
        info.kind,
        name,
        namespace if info.namespaced else "",
        grace_seconds=seconds,
        propagation=policy or "Background",
    )
    cluster.engine.run(0)
    return deleted


# -- the scale subresource ------------------------------------------------------------------


def scale_of(obj: Obj) -> Obj:
    meta = obj["metadata"]
    spec = obj.get("spec") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: meta[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if key in meta
        },
        "spec": {"replicas": spec.get("replicas", 0)},
        "status": {
            "replicas": (obj.get("status") or {}).get("replicas", 0),
            "selector": selector_string(spec.get("selector")),
        },
    }


def update_scale(
    cluster: Cluster,
    info: KindInfo,
    namespace: str,
    name: str,
    body: Any,
    content_type: str | None,
    *,
    dry_run: bool = False,
) -> Obj:
    live = get_object(cluster, info, name, namespace)
    scale = scale_of(live)
    wanted = apply_patch(scale, body, content_type) if content_type else body
    if not isinstance(wanted, dict):
        raise BadRequest("the body of the request was not a Scale object")
    spec, meta = wanted.get("spec"), wanted.get("metadata")
    replicas = spec.get("replicas") if isinstance(spec, dict) else None
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        raise BadRequest("Scale.spec.replicas: must be an integer")
    sent_version = meta.get("resourceVersion") if isinstance(meta, dict) else None
    candidate = deep_copy(live)
    candidate["spec"]["replicas"] = replicas
    if sent_version and content_type is None:
        candidate["metadata"]["resourceVersion"] = sent_version
    return scale_of(_store_update(cluster, info, live, candidate, dry_run=dry_run))
