"""Object metadata helpers: names, keys, timestamps, owner references, conditions.

kube_lab objects are plain dicts shaped exactly like Kubernetes JSON (``apiVersion``,
``kind``, ``metadata``, ``spec``, ``status``), so a manifest, ``kubectl get -o yaml`` and
the API server all speak the same language. These helpers read and write the common parts.

Time: the cluster clock counts seconds from :data:`EPOCH`; timestamps in objects are
RFC 3339 strings (``2025-01-01T00:00:05Z``) as the API server writes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

Obj = dict[str, Any]

#: Simulated second 0. Fixed so that every run prints the same timestamps.
EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)


def timestamp(seconds: float) -> str:
    """RFC 3339 (second precision, as ``metav1.Time``) for a clock reading."""
    moment = EPOCH + timedelta(seconds=int(seconds))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> float:
    """Clock seconds for an RFC 3339 timestamp written by :func:`timestamp`."""
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (moment - EPOCH).total_seconds()


def name(obj: Obj) -> str:
    return str(obj["metadata"]["name"])


def namespace(obj: Obj) -> str:
    return str(obj["metadata"].get("namespace") or "")


def labels(obj: Obj) -> dict[str, str]:
    return obj.get("metadata", {}).get("labels") or {}


def annotations(obj: Obj) -> dict[str, str]:
    return obj.get("metadata", {}).get("annotations") or {}


def controller_of(obj: Obj) -> dict[str, Any] | None:
    """The owner reference marked ``controller: true``, if any."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref  # type: ignore[no-any-return]
    return None


def owner_reference(owner: Obj, *, controller: bool = True) -> dict[str, Any]:
    """An ``ownerReferences`` entry pointing at ``owner``, as controllers set it."""
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def get_condition(obj: Obj, cond_type: str) -> dict[str, Any] | None:
    for cond in obj.get("status", {}).get("conditions") or []:
        if cond.get("type") == cond_type:
            return cond  # type: ignore[no-any-return]
    return None


def set_condition(obj: Obj, condition: dict[str, Any], now: float) -> None:
    """Add or replace a condition; ``lastTransitionTime`` moves only when status changes."""
    conditions = obj.setdefault("status", {}).setdefault("conditions", [])
    stamp = timestamp(now)
    for i, cond in enumerate(conditions):
        if cond.get("type") == condition["type"]:
            merged = {**condition}
            if cond.get("status") == condition.get("status"):
                merged["lastTransitionTime"] = cond.get("lastTransitionTime", stamp)
            else:
                merged["lastTransitionTime"] = stamp
            if "lastUpdateTime" in cond or "lastUpdateTime" in condition:
                merged["lastUpdateTime"] = stamp
            conditions[i] = merged
            return
    conditions.append({**condition, "lastTransitionTime": stamp})


def deep_copy(value: Any) -> Any:
    """A fast deep copy for JSON-shaped data (dicts, lists, scalars)."""
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value
