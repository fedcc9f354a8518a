"""Object metadata helpers: names, keys, timestamps, owner references, conditions.

kube_lab objects are plain dicts shaped exactly like Kubernetes JSON (``apiVersion``,
``kind``, ``metadata``, ``spec``, ``status``), so a manifest, ``kubectl get -o yaml`` and
the API server all speak the same language. These helpers read and write the common parts.

Time: the cluster clock counts seconds from :data:`EPOCH`; timestamps in objects are
RFC 3339 strings (``2025-01-01T00:00:05Z``) as the API server writes them.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone
from typing import Any

Obj = dict[str, Any]

#: Simulated second 0. Fixed so that every run prints the same timestamps.
EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)


def timestamp(seconds: float) -> str:
    """RFC 3339 (second precision, as ``metav1.Time``) for a clock reading."""
    moment = EPOCH + timedelta(seconds=int(seconds))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=4096)
def parse_timestamp(text: str) -> float:
    """Clock seconds for an RFC 3339 timestamp written by :func:`timestamp`."""
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (moment - EPOCH).total_seconds()


def name(obj: Obj) -> str:
    return str(obj["metadata"]["name"])


def namespace(obj: Obj) -> str:
    return str(obj["metadata"].get("namespace") or "")


def labels_of(obj: Obj) -> dict[str, str]:
    return obj.get("metadata", {}).get("labels") or {}


def annotations_of(obj: Obj) -> dict[str, str]:
    return obj.get("metadata", {}).get("annotations") or {}


def controller_of(obj: Obj) -> dict[str, Any] | None:
    """The owner reference marked ``controller: true``, if any."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
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
            return cond
    return None


def set_condition(obj: Obj, condition: dict[str, Any], now: float, *, touch: bool = False) -> bool:
    """Add or replace a condition, as Kubernetes' ``SetCondition`` helpers do.

    An unchanged condition (same status, reason and message) is left alone unless
    ``touch`` is set; ``lastTransitionTime`` moves only when the status changes, and
    ``lastUpdateTime`` (on the kinds that have it) moves with every change. Returns whether
    anything changed.
    """
    conditions = obj.setdefault("status", {}).setdefault("conditions", [])
    stamp = timestamp(now)
    new = dict(condition)
    if "lastUpdateTime" in new:
        new["lastUpdateTime"] = stamp
    for i, cond in enumerate(conditions):
        if cond.get("type") != condition["type"]:
            continue
        same = all(cond.get(k) == condition.get(k) for k in ("status", "reason", "message"))
        if same and not touch:
            return False
        same_status = cond.get("status") == condition.get("status")
        new["lastTransitionTime"] = cond.get("lastTransitionTime", stamp) if same_status else stamp
        conditions[i] = new
        return True
    new["lastTransitionTime"] = stamp
    conditions.append(new)
    return True


def deep_copy(value: Any) -> Any:
    """A fast deep copy for JSON-shaped data (dicts, lists, scalars)."""
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value
