"""What an update may change, as the API server decides it.

Some fields are fixed at creation. A Deployment's or ReplicaSet's ``spec.selector`` is
immutable in ``apps/v1`` (``field is immutable``): changing it would orphan the Pods it
owns. A Pod's spec is almost entirely immutable: only container images,
``activeDeadlineSeconds`` (downwards) and additional tolerations may change, and anything
else is refused with ``pod updates may not change fields other than ...`` followed by what
differed, so that a learner sees why re-applying an edited Pod fails while re-applying an
edited Deployment rolls out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from kube_lab.api.errors import FieldError, forbidden, invalid, required
from kube_lab.api.meta import deep_copy
from kube_lab.api.quantity import QuantityError
from kube_lab.api.validation import formats
from kube_lab.api.validation.pods import MAX_INT32
from kube_lab.api.validation.values import child, index, quantity_string, shown_selector

#: The wording of ``updatablePodSpecFields``, joined with commas as the API server does.
UPDATABLE_POD_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)
_MISSING = object()

Rule = Callable[[Mapping[str, Any], Mapping[str, Any]], list[FieldError]]


def update_errors(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldError]:
    rule = _RULES.get(str(new.get("kind")))
    return rule(old, new) if rule else []


def _immutable_selector(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldError]:
    old_selector = (old.get("spec") or {}).get("selector")
    new_selector = (new.get("spec") or {}).get("selector")
    if _comparable(old_selector) == _comparable(new_selector):
        return []
    return [invalid("spec.selector", shown_selector(new_selector), "field is immutable")]


def _pod(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldError]:
    old_spec: Mapping[str, Any] = old.get("spec") or {}
    new_spec: Mapping[str, Any] = new.get("spec") or {}
    old_containers = old_spec.get("containers") or []
    new_containers = new_spec.get("containers") or []
    if len(old_containers) != len(new_containers):
        return [forbidden("spec.containers", "pod updates may not add or remove containers")]
    errors: list[FieldError] = []
    for i, container in enumerate(new_containers):
        image = container.get("image") or ""
        image_path = child(index("spec.containers", i), "image")
        if not image:
            errors.append(required(image_path))
        elif image != image.strip():
            detail = "must not have leading or trailing whitespace"
            errors.append(invalid(image_path, image, detail))
    deadline_errors = _deadline(
        old_spec.get("activeDeadlineSeconds"), new_spec.get("activeDeadlineSeconds")
    )
    if deadline_errors:
        return [*errors, *deadline_errors]
    errors.extend(
        _only_added_tolerations(
            old_spec.get("tolerations") or [], new_spec.get("tolerations") or []
        )
    )
    munged = _munge(old_spec, new_spec)
    before, after = _comparable(old_spec), _comparable(munged)
    if before != after:
        differences = "\n".join(_diff(before, after, "spec"))
        updatable = ",".join(UPDATABLE_POD_FIELDS)
        detail = f"pod updates may not change fields other than {updatable}\n{differences}"
        errors.append(forbidden("spec", detail))
    return errors


def _deadline(old: int | None, new: int | None) -> list[FieldError]:
    """``activeDeadlineSeconds`` may be set, or lowered, but never raised or removed."""
    path = "spec.activeDeadlineSeconds"
    if new is None:
        detail = "must not update from a positive integer to nil value"
        return [] if old is None else [invalid(path, None, detail)]
    if not 0 <= new <= MAX_INT32:
        return [invalid(path, new, formats.inclusive_range_error(0, MAX_INT32))]
    if old is not None and old < new:
        return [invalid(path, new, "must be less than or equal to previous value")]
    return []


def _only_added_tolerations(
    old: list[Mapping[str, Any]], new: list[Mapping[str, Any]]
) -> list[FieldError]:
    def without_seconds(toleration: Mapping[str, Any]) -> Any:
        return _comparable({k: v for k, v in toleration.items() if k != "tolerationSeconds"})

    remaining = [without_seconds(toleration) for toleration in new]
    if all(without_seconds(toleration) in remaining for toleration in old):
        return []
    detail = "existing toleration can not be modified except its tolerationSeconds"
    return [forbidden("spec.tolerations", detail)]


def _munge(old_spec: Mapping[str, Any], new_spec: Mapping[str, Any]) -> dict[str, Any]:
    """``new_spec`` with every field a Pod update may change taken back from ``old_spec``."""
    munged: dict[str, Any] = deep_copy(dict(new_spec))
    for container, original in zip(
        munged.get("containers") or [], old_spec.get("containers") or [], strict=True
    ):
        _take(container, original, "image")
    for field in ("activeDeadlineSeconds", "tolerations"):
        _take(munged, old_spec, field)
    old_grace = old_spec.get("terminationGracePeriodSeconds")
    if old_grace is not None and old_grace < 0 and munged.get("terminationGracePeriodSeconds") == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    return munged


def _take(target: dict[str, Any], source: Mapping[str, Any], field: str) -> None:
    if field in source:
        target[field] = source[field]
    else:
        target.pop(field, None)


def _comparable(value: Any) -> Any:
    """A value as Go sees it after decoding: zero values vanish, quantities are canonical."""
    if isinstance(value, Mapping):
        pairs = ((k, _comparable(v)) for k, v in value.items())
        return {k: v for k, v in pairs if not _is_zero(v)} | _quantities(value)
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value


def _quantities(value: Mapping[str, Any]) -> dict[str, Any]:
    """``resources.limits`` and ``requests`` compared by amount: ``0.5`` equals ``500m``."""
    canonical: dict[str, Any] = {}
    for field in ("limits", "requests"):
        amounts = value.get(field)
        if not isinstance(amounts, Mapping) or not amounts:
            continue
        try:
            canonical[field] = {name: quantity_string(amount) for name, amount in amounts.items()}
        except QuantityError:
            continue
    return canonical


def _is_zero(value: Any) -> bool:
    """Go cannot tell an absent field from one set to its zero value."""
    return (
        value is None
        or value == {}
        or value == []
        or (isinstance(value, str | int | float) and not value)
    )


def _diff(old: Any, new: Any, path: str) -> list[str]:
    """``- path: old`` / ``+ path: new`` lines for every leaf that differs."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        names = [*old, *(name for name in new if name not in old)]
        return [
            line
            for name in names
            for line in _diff(old.get(name, _MISSING), new.get(name, _MISSING), child(path, name))
        ]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            line
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for line in _diff(a, b, index(path, i))
        ]
    if old == new:
        return []
    lines = [] if old is _MISSING else [f"- {path}: {_render(old)}"]
    return lines + ([] if new is _MISSING else [f"+ {path}: {_render(new)}"])


def _render(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


_RULES: Mapping[str, Rule] = {
    "Deployment": _immutable_selector,
    "ReplicaSet": _immutable_selector,
    "Pod": _pod,
}
