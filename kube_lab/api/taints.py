"""Taints and tolerations: a node repels pods, unless a pod tolerates the taint.

The scheduler reads ``NoSchedule`` taints when placing pods; the taint eviction controller
reads ``NoExecute`` taints to evict pods already running (after their
``tolerationSeconds``). Both use the same matching rule, ``Toleration.ToleratesTaint``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Taint = Mapping[str, Any]
Toleration = Mapping[str, Any]

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"


def tolerates(toleration: Toleration, taint: Taint) -> bool:
    """``Toleration.ToleratesTaint``: effect, key, then value (``Equal``) or anything."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    return operator == "Equal" and (toleration.get("value") or "") == (taint.get("value") or "")


def tolerated(tolerations: Iterable[Toleration], taint: Taint) -> bool:
    return any(tolerates(t, taint) for t in tolerations)


def toleration_seconds(tolerations: Iterable[Toleration], taint: Taint) -> float | None:
    """How long a pod may stay on a node with this ``NoExecute`` taint.

    ``None``: not tolerated (evict now); ``inf``: tolerated for ever. With several matching
    tolerations the shortest ``tolerationSeconds`` wins, as in the taint eviction
    controller's ``getMinTolerationTime``.
    """
    matching = [t for t in tolerations if tolerates(t, taint)]
    if not matching:
        return None
    limits = [t["tolerationSeconds"] for t in matching if t.get("tolerationSeconds") is not None]
    return float(max(0, min(limits))) if limits else float("inf")
