"""A pod's READY, STATUS and RESTARTS as ``kubectl get pods`` shows them.

STATUS is not ``status.phase``: the API server's printer walks the container statuses
(last container first) and reports the most telling reason, so a Running pod whose
container keeps crashing shows ``CrashLoopBackOff``, a pod still pulling shows
``ContainerCreating``, a finished one ``Completed`` or ``Error``, a pod being deleted
``Terminating``. RESTARTS adds ``(5m ago)`` once a container has restarted. This is
``printPod`` from ``pkg/printers/internalversion``, re-implemented for plain dicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kube_lab.api.meta import Obj, get_condition, parse_timestamp
from kube_lab.kubectl.duration import human_duration

_NEVER = float("-inf")  # Go's zero time: no restart seen


@dataclass(frozen=True)
class PodSummary:
    ready: str  # "1/2"
    status: str  # "Running", "CrashLoopBackOff", "Init:0/1" ...
    restarts: str  # "0", "3 (42s ago)"


def summarize(pod: Obj, now: float) -> PodSummary:
    spec: dict[str, Any] = pod.get("spec") or {}
    status: dict[str, Any] = pod.get("status") or {}
    phase = status.get("phase") or "Pending"
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c["name"]: c for c in spec.get("initContainers") or []}
    total = len(spec.get("containers") or []) + sum(map(_is_sidecar, init_specs.values()))
    ready = 0
    restarts = sidecar_restarts = 0
    last_restart = last_sidecar_restart = _NEVER

    initializing = False
    for index, cs in enumerate(status.get("initContainerStatuses") or []):
        sidecar = _is_sidecar(init_specs.get(cs["name"]))
        restarts += cs.get("restartCount", 0)
        last_restart = max(last_restart, _last_finished(cs))
        if sidecar:
            sidecar_restarts += cs.get("restartCount", 0)
            last_sidecar_restart = max(last_sidecar_restart, _last_finished(cs))
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated and terminated.get("exitCode", 0) == 0:
            continue
        if sidecar and cs.get("started"):
            ready += bool(cs.get("ready"))
            continue
        initializing = True
        if terminated:
            reason = "Init:" + _terminated_reason(terminated)
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{index}/{len(init_specs)}"
        break

    if not initializing or _condition_true(pod, "Initialized"):
        restarts, last_restart = sidecar_restarts, last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += cs.get("restartCount", 0)
            last_restart = max(last_restart, _last_finished(cs))
            state = cs.get("state") or {}
            terminated, waiting = state.get("terminated"), state.get("waiting")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated:
                reason = _terminated_reason(terminated)
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(pod, "Ready") else "NotReady"

    if pod["metadata"].get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    restarts_text = str(restarts)
    if restarts and last_restart > _NEVER:
        restarts_text = f"{restarts} ({human_duration(now - last_restart)} ago)"
    return PodSummary(f"{ready}/{total}", reason, restarts_text)


def _is_sidecar(container: dict[str, Any] | None) -> bool:
    """An init container with ``restartPolicy: Always`` runs beside the main ones."""
    return container is not None and container.get("restartPolicy") == "Always"


def _last_finished(cs: dict[str, Any]) -> float:
    terminated = (cs.get("lastState") or {}).get("terminated") or {}
    finished = terminated.get("finishedAt")
    return parse_timestamp(finished) if finished else _NEVER


def _terminated_reason(terminated: dict[str, Any]) -> str:
    if terminated.get("reason"):
        return str(terminated["reason"])
    if terminated.get("signal"):
        return f"Signal:{terminated['signal']}"
    return f"ExitCode:{terminated.get('exitCode', 0)}"


def _condition_true(pod: Obj, cond_type: str) -> bool:
    condition = get_condition(pod, cond_type)
    return condition is not None and condition.get("status") == "True"
