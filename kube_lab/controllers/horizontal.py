"""The HorizontalPodAutoscaler controller (autoscaling/v2, CPU utilization).

Every 15 s (``--horizontal-pod-autoscaler-sync-period``), as ``pkg/controller/podautoscaler``:

1. read the target's scale (a Deployment's ``spec.replicas``) and its pods' CPU usage;
2. utilization = total usage / total requests of the ready pods, in percent;
3. desired = ceil(current replicas x utilization / target), unless the ratio is within the
   10 % tolerance; pods not yet ready and pods without metrics are counted conservatively
   (as 0 % when scaling up, and missing ones as 100 % when scaling down);
4. stabilise: scaling down takes the highest recommendation of the last 300 s, so a short
   dip does not remove pods; scaling up takes the lowest of its window (0 s by default);
5. limit the rate by the scaling policies (up: the larger of +100 % or +4 pods per 15 s;
   down: -100 % per 15 s), then clamp to ``minReplicas``..``maxReplicas``.
"""

from __future__ import annotations

import math
from typing import Any

from kube_lab.api import pods as podutil
from kube_lab.api.defaults import HPA_BEHAVIOR
from kube_lab.api.kinds import lookup
from kube_lab.api.meta import Obj, deep_copy, set_condition, timestamp
from kube_lab.api.quantity import format_cpu
from kube_lab.api.selectors import from_label_selector
from kube_lab.engine import Engine
from kube_lab.events import EventRecorder
from kube_lab.metrics import MetricsServer, cpu_request
from kube_lab.store import Store

COMPONENT = "horizontal-pod-autoscaler"
SYNC_PERIOD = 15.0
TOLERANCE = 0.1
#: ``--horizontal-pod-autoscaler-downscale-stabilization``, used when behavior leaves it unset
SCALE_DOWN_WINDOW = 300
_REASON = "cpu resource utilization (percentage of request)"


def _behavior(hpa: Obj, direction: str) -> dict[str, Any]:
    given = (hpa["spec"].get("behavior") or {}).get(direction) or {}
    return {**HPA_BEHAVIOR[direction], **given}


def _cpu_target(hpa: Obj) -> int | None:
    for metric in hpa["spec"].get("metrics") or []:
        if metric.get("type") == "Resource" and metric["resource"].get("name") == "cpu":
            target = metric["resource"].get("target") or {}
            if target.get("type") == "Utilization":
                return int(target["averageUtilization"])
    return None


class HorizontalPodAutoscalerController:
    """Scales Deployments to keep their pods' CPU near a target utilization."""

    def __init__(
        self, *, store: Store, engine: Engine, recorder: EventRecorder, metrics: MetricsServer
    ) -> None:
        self.store = store
        self.engine = engine
        self.recorder = recorder
        self.metrics = metrics
        self._recommendations: dict[str, list[tuple[float, int]]] = {}
        self._scale_events: dict[str, list[tuple[float, int]]] = {}
        engine.call_later(SYNC_PERIOD, self._sync_all)

    def _sync_all(self) -> None:
        for hpa in self.store.list("HorizontalPodAutoscaler"):
            self._sync(hpa)
        self.engine.call_later(SYNC_PERIOD, self._sync_all)

    # -- one autoscaler ---------------------------------------------------------------------

    def _sync(self, hpa: Obj) -> None:
        now = self.engine.now
        updated = {**hpa, "status": deep_copy(hpa.get("status") or {})}
        ref = hpa["spec"]["scaleTargetRef"]
        namespace = hpa["metadata"]["namespace"]
        info = lookup(ref.get("kind", ""))
        target = self.store.peek(info.kind, ref["name"], namespace) if info else None
        if target is None or info is None:
            resource = info.resource if info else f"{ref.get('kind', '').lower()}s"
            message = (
                "the HPA controller was unable to get the target's current scale: "
                f'{resource} "{ref["name"]}" not found'
            )
            self._condition(updated, "AbleToScale", "False", "FailedGetScale", message)
            self._condition(updated, "ScalingActive", "False", "FailedGetScale", message)
            self._warn_once(hpa, "FailedGetScale", message)
            self._save(hpa, updated)
            return
        self._condition(
            updated,
            "AbleToScale",
            "True",
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        )
        current = int(target["spec"].get("replicas", 1))
        key = f"{namespace}/{hpa['metadata']['name']}"
        proposal = self._from_metrics(hpa, updated, target, current)
        if proposal is None:
            self._save(hpa, updated)
            return
        desired = proposal
        desired = self._stabilize(key, hpa, desired, current, now)
        desired = self._rate_limit(key, hpa, desired, current, now)
        low, high = int(hpa["spec"].get("minReplicas", 1)), int(hpa["spec"]["maxReplicas"])
        limited = min(max(desired, low), high)
        if limited != desired:
            reason = "TooManyReplicas" if desired > high else "TooFewReplicas"
            word = "maximum" if desired > high else "minimum"
            self._condition(
                updated,
                "ScalingLimited",
                "True",
                reason,
                f"the desired replica count is more than the {word} replica count"
                if desired > high
                else f"the desired replica count is less than the {word} replica count",
            )
        else:
            self._condition(
                updated,
                "ScalingLimited",
                "False",
                "DesiredWithinRange",
                "the desired count is within the acceptable range",
            )
        desired = limited
        if desired != current:
            scaled = deep_copy(target)
            scaled["spec"]["replicas"] = desired
            self.store.update(scaled)
            self._scale_events.setdefault(key, []).append((now, desired - current))
            direction = "above" if desired > current else "below"
            reason = (
                f"{_REASON} {direction} target" if desired > current else "All metrics below target"
            )
            self.recorder.record(
                hpa,
                type="Normal",
                reason="SuccessfulRescale",
                message=f"New size: {desired}; reason: {reason}",
                component=COMPONENT,
            )
            updated["status"]["lastScaleTime"] = timestamp(now)
            self._condition(
                updated,
                "AbleToScale",
                "True",
                "SucceededRescale",
                f"the HPA controller was able to update the target scale to {desired}",
            )
        else:
            self._condition(
                updated,
                "AbleToScale",
                "True",
                "ReadyForNewScale",
                "recommended size matches current size",
            )
        updated["status"].update(currentReplicas=current, desiredReplicas=desired)
        self._save(hpa, updated)

    def _from_metrics(self, hpa: Obj, updated: Obj, target: Obj, current: int) -> int | None:
        """The replica count the CPU metric asks for (None when it cannot tell)."""
        wanted = _cpu_target(hpa)
        if wanted is None:
            self._condition(
                updated,
                "ScalingActive",
                "False",
                "InvalidMetricSourceType",
                "kube_lab's autoscaler acts on CPU utilization metrics only",
            )
            return None
        namespace = hpa["metadata"]["namespace"]
        selector = from_label_selector(target["spec"].get("selector"))
        pods = [p for p in self.store.list("Pod", namespace, selector) if podutil.is_active(p)]
        ready: dict[str, tuple[int, int]] = {}  # name -> (usage, request)
        unready, missing = [], []
        requests: dict[str, int] = {}
        for pod in pods:
            name = pod["metadata"]["name"]
            request = cpu_request(pod)
            if request is None:
                message = (
                    "failed to get cpu utilization: "
                    f"missing request for cpu in container of pod {name}"
                )
                self._condition(
                    updated, "ScalingActive", "False", "FailedGetResourceMetric", message
                )
                self._warn_once(hpa, "FailedGetResourceMetric", message)
                return None
            requests[name] = request
            sample = self.metrics.pod(namespace, name)
            if not podutil.is_ready(pod):
                unready.append(name)
            elif sample is None:
                missing.append(name)
            else:
                ready[name] = (sample.cpu, request)
        if not ready:
            message = (
                "failed to get cpu utilization: did not receive metrics for targeted pods "
                "(pods might be unready)"
            )
            self._condition(updated, "ScalingActive", "False", "FailedGetResourceMetric", message)
            return None
        usage = sum(u for u, _ in ready.values())
        # integer percent, rounded down, as GetResourceUtilizationRatio computes it
        utilization = usage * 100 // sum(r for _, r in ready.values())
        ratio = utilization / wanted
        desired = self._replicas(ratio, ready, unready, missing, requests, wanted, current)
        average = usage // len(ready)
        updated["status"]["currentMetrics"] = [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "current": {
                        "averageUtilization": utilization,
                        "averageValue": format_cpu(average),
                    },
                },
            }
        ]
        self._condition(
            updated,
            "ScalingActive",
            "True",
            "ValidMetricFound",
            f"the HPA was able to successfully calculate a replica count from {_REASON}",
        )
        return desired

    @staticmethod
    def _replicas(
        ratio: float,
        ready: dict[str, tuple[int, int]],
        unready: list[str],
        missing: list[str],
        requests: dict[str, int],
        wanted: int,
        current: int,
    ) -> int:
        """``GetResourceReplicas`` with its conservative handling of unknown pods."""
        if not unready and not missing:
            if abs(ratio - 1.0) <= TOLERANCE:
                return current
            return math.ceil(ratio * len(ready))
        usage = {name: u for name, (u, _) in ready.items()}
        if ratio < 1.0:
            for name in missing:  # assume they are busy: scale down less
                usage[name] = requests[name]
        else:
            for name in (*missing, *unready):  # assume they are idle: scale up less
                usage[name] = 0
        total_request = sum(requests[name] for name in usage)
        new_ratio = sum(usage.values()) * 100 / total_request / wanted
        if abs(new_ratio - 1.0) <= TOLERANCE or (ratio > 1.0) != (new_ratio > 1.0):
            return current
        desired = math.ceil(new_ratio * len(usage))
        return desired if (new_ratio > 1.0) == (desired > current) else current

    # -- behavior ---------------------------------------------------------------------------

    def _stabilize(self, key: str, hpa: Obj, desired: int, current: int, now: float) -> int:
        history = self._recommendations.setdefault(key, [])
        history.append((now, desired))
        up = _behavior(hpa, "scaleUp").get("stabilizationWindowSeconds", 0)
        down = _behavior(hpa, "scaleDown").get("stabilizationWindowSeconds", SCALE_DOWN_WINDOW)
        horizon = max(up, down)
        history[:] = [(t, r) for t, r in history if now - t <= horizon]
        up_floor = min(r for t, r in history if now - t <= up)
        down_ceiling = max(r for t, r in history if now - t <= down)
        if desired > current:
            return max(current, up_floor)
        return min(current, down_ceiling)

    def _rate_limit(self, key: str, hpa: Obj, desired: int, current: int, now: float) -> int:
        events = self._scale_events.setdefault(key, [])
        direction = "scaleUp" if desired > current else "scaleDown"
        behavior = _behavior(hpa, direction)
        limits = []
        for policy in behavior["policies"]:
            period = policy["periodSeconds"]
            changed = sum(
                d for t, d in events if now - t < period and (d > 0) == (direction == "scaleUp")
            )
            start = current - changed
            if policy["type"] == "Pods":
                step = policy["value"]
            else:
                step = (
                    math.ceil(start * policy["value"] / 100)
                    if direction == "scaleUp"
                    else math.floor(start * policy["value"] / 100)
                )
            limits.append(start + step if direction == "scaleUp" else start - step)
        if not limits or behavior.get("selectPolicy") == "Disabled":
            return current
        pick = (
            max
            if (behavior.get("selectPolicy", "Max") == "Max") == (direction == "scaleUp")
            else min
        )
        limit = pick(limits)
        return min(desired, limit) if direction == "scaleUp" else max(desired, limit)

    # -- status -----------------------------------------------------------------------------

    def _condition(self, hpa: Obj, cond_type: str, status: str, reason: str, message: str) -> None:
        set_condition(
            hpa,
            {"type": cond_type, "status": status, "reason": reason, "message": message},
            self.engine.now,
        )

    def _warn_once(self, hpa: Obj, reason: str, message: str) -> None:
        self.recorder.record(
            hpa, type="Warning", reason=reason, message=message, component=COMPONENT
        )

    def _save(self, hpa: Obj, updated: Obj) -> None:
        if updated.get("status") != hpa.get("status"):
            self.store.update_status(updated)
