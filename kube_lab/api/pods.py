"""What Kubernetes means by a pod being active, ready and available.

Controllers count pods by these three words, so they live in one place: *active* (not
finished, not being deleted), *ready* (its ``Ready`` condition is True: it passes its
readiness probe) and *available* (ready for at least ``minReadySeconds``).
"""

from __future__ import annotations

from kube_lab.api.meta import Obj, get_condition, parse_timestamp


def phase(pod: Obj) -> str:
    return str(pod.get("status", {}).get("phase") or "Pending")


def is_terminal(pod: Obj) -> bool:
    return phase(pod) in ("Succeeded", "Failed")


def is_active(pod: Obj) -> bool:
    return not is_terminal(pod) and not pod["metadata"].get("deletionTimestamp")


def is_ready(pod: Obj) -> bool:
    cond = get_condition(pod, "Ready")
    return cond is not None and cond.get("status") == "True"


def ready_since(pod: Obj) -> float | None:
    cond = get_condition(pod, "Ready")
    if cond is None or cond.get("status") != "True":
        return None
    return parse_timestamp(cond["lastTransitionTime"])


def is_available(pod: Obj, min_ready_seconds: int, now: float) -> bool:
    since = ready_since(pod)
    return since is not None and (min_ready_seconds == 0 or since + min_ready_seconds <= now)
