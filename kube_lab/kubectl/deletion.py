"""Deleting, and waiting as kubectl does until the objects are gone.

The store deletes as the API server does: a pod bound to a node gets a
``deletionTimestamp`` (now plus its grace period) and its kubelet removes it once the
containers have stopped; anything else goes at once (dependents are the garbage
collector's business). ``kubectl delete`` and ``kubectl drain`` then wait until the
objects are gone, which on kube_lab's virtual clock means letting cluster time pass.
"""

from __future__ import annotations

from kube_lab.api.meta import Obj
from kube_lab.kubectl.context import Context

#: How long past the longest grace period kubectl waits before giving up.
WAIT_SLACK_SECONDS = 60


def delete(
    ctx: Context, obj: Obj, *, grace_period: int = -1, propagation: str = "Background"
) -> int:
    """Delete ``obj`` (``grace_period`` < 0: the pod's own); returns the grace it got."""
    meta = obj["metadata"]
    remaining = ctx.store.delete(
        obj["kind"],
        meta["name"],
        meta.get("namespace") or "",
        grace_seconds=grace_period if grace_period >= 0 else None,
        propagation=propagation,
    )
    if remaining["metadata"].get("deletionTimestamp"):
        return int(remaining["metadata"].get("deletionGracePeriodSeconds", 0))
    return 0


def gone(ctx: Context, obj: Obj) -> bool:
    """The object no longer exists (or a new one with another uid took its name)."""
    meta = obj["metadata"]
    current = ctx.store.peek(obj["kind"], meta["name"], meta.get("namespace") or "")
    return current is None or current["metadata"].get("uid") != meta.get("uid")


def wait_until_gone(ctx: Context, objects: list[Obj], *, longest_grace: int) -> list[Obj]:
    """Let cluster time pass until ``objects`` are gone; returns those still there."""
    ctx.cluster.run_until(
        lambda: all(gone(ctx, o) for o in objects), timeout=longest_grace + WAIT_SLACK_SECONDS
    )
    return [o for o in objects if not gone(ctx, o)]
