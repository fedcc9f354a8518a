"""The timeline: what a chart of the cluster needs, recorded every simulated second.

A chart of a rollout or a node failure needs, second by second: pods by phase and by
version (image), ready endpoints per Service, requests served and failed, CPU
utilization against an autoscaler's target, and replicas wanted against present. Counts
are kept up to date from the store's watch stream (no scan of every pod each second), so
recording costs little even on a large cluster. Learner actions (a node failed, an image
changed) are recorded too, for markers on the charts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kube_lab.api import pods as podutil
from kube_lab.controllers.endpoints import SERVICE_NAME_LABEL
from kube_lab.engine import Engine
from kube_lab.store import Store, WatchEvent
from kube_lab.traffic import LoadGenerator


def pod_phase(pod: dict[str, Any]) -> str:
    """The phase a chart shows: the API phase, or ``Terminating`` while being deleted."""
    return "Terminating" if pod["metadata"].get("deletionTimestamp") else podutil.phase(pod)


@dataclass(frozen=True)
class Action:
    time: float
    label: str


@dataclass
class Timeline:
    """Rows of ``{column: value}``, one per simulated second, and the learner's actions."""

    rows: list[dict[str, float]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def columns(self) -> list[str]:
        names: dict[str, None] = {}
        for row in self.rows:
            names.update(dict.fromkeys(row))
        return list(names)

    def series(self, column: str) -> list[float]:
        """One column over time (0 where it was not recorded yet)."""
        return [row.get(column, 0) for row in self.rows]

    def to_columns(self) -> dict[str, list[float]]:
        return {name: self.series(name) for name in self.columns()}

    def __repr__(self) -> str:
        span = f"{self.rows[0]['time']:g}-{self.rows[-1]['time']:g} s" if self.rows else "empty"
        return f"<Timeline {span}, {len(self.rows)} rows, {len(self.actions)} actions>"


class TimelineRecorder:
    """Keeps running counts from the watch stream and samples them every second."""

    def __init__(self, *, store: Store, engine: Engine, load: LoadGenerator) -> None:
        self.timeline = Timeline()
        self._engine = engine
        self._load = load
        self._pods: dict[tuple[str, str], tuple[str, str]] = {}  # key -> (phase, version)
        self._phases: Counter[str] = Counter()
        self._versions: Counter[str] = Counter()
        self._endpoints: dict[str, int] = {}
        self._deployments: dict[str, tuple[int, int]] = {}  # wanted, ready
        self._hpas: dict[str, tuple[int, int]] = {}  # utilization, target
        self._traffic: Counter[str] = Counter()  # served/failed from send_traffic this second
        store.watch(
            self._on_event,
            kinds=("Pod", "EndpointSlice", "Deployment", "HorizontalPodAutoscaler"),
        )
        engine.call_soon(self._sample)

    def action(self, label: str) -> None:
        self.timeline.actions.append(Action(self._engine.now, label))

    def traffic(self, service: str, served: int, failed: int) -> None:
        self._traffic[f"served/{service}"] += served
        self._traffic[f"failed/{service}"] += failed

    def _on_event(self, event: WatchEvent) -> None:
        obj = event.object
        meta = obj["metadata"]
        key = f"{meta.get('namespace')}/{meta['name']}"
        gone = event.type == "DELETED"
        if obj["kind"] == "Pod":
            self._count_pod((meta["namespace"], meta["name"]), None if gone else obj)
        elif obj["kind"] == "EndpointSlice":
            service = f"{meta['namespace']}/{(meta.get('labels') or {}).get(SERVICE_NAME_LABEL)}"
            ready = sum(bool(e["conditions"].get("ready")) for e in obj.get("endpoints") or [])
            self._endpoints[service] = 0 if gone else ready
        elif obj["kind"] == "Deployment":
            status = obj.get("status") or {}
            wanted = int(obj["spec"].get("replicas", 1))
            self._deployments[key] = (0, 0) if gone else (wanted, status.get("readyReplicas", 0))
        else:
            current = (obj.get("status") or {}).get("currentMetrics") or [{}]
            used = current[0].get("resource", {}).get("current", {}).get("averageUtilization", 0)
            target = next(
                (
                    m["resource"]["target"].get("averageUtilization", 0)
                    for m in obj["spec"].get("metrics") or []
                    if m.get("type") == "Resource"
                ),
                0,
            )
            self._hpas[key] = (0, 0) if gone else (used, target)

    def _count_pod(self, key: tuple[str, str], pod: dict[str, Any] | None) -> None:
        before = self._pods.pop(key, None)
        if before is not None:
            self._phases[before[0]] -= 1
            self._versions[before[1]] -= 1
        if pod is not None:
            now = (pod_phase(pod), pod["spec"]["containers"][0].get("image", ""))
            self._pods[key] = now
            self._phases[now[0]] += 1
            self._versions[now[1]] += 1

    def _sample(self) -> None:
        row: dict[str, float] = {"time": self._engine.now}
        row.update({f"pods/{phase}": n for phase, n in self._phases.items() if n})
        row.update({f"version/{image}": n for image, n in self._versions.items() if n})
        row.update({f"endpoints/{svc}": n for svc, n in self._endpoints.items()})
        for name, (wanted, ready) in self._deployments.items():
            row[f"wanted/{name}"] = wanted
            row[f"ready/{name}"] = ready
        for name, (used, target) in self._hpas.items():
            row[f"cpu/{name}"] = used
            row[f"target/{name}"] = target
        served = Counter(self._traffic)
        for (namespace, service), second in self._load.last.items():
            served[f"served/{namespace}/{service}"] += second.served
            served[f"failed/{namespace}/{service}"] += second.failed
        row.update(served)
        self._traffic.clear()
        self.timeline.rows.append(row)
        self._engine.call_later(1.0, self._sample)
