"""The event recorder: how components tell the learner what they did and why.

As client-go's ``record.EventRecorder``: each component records ``Normal`` and ``Warning``
events about an object (``Scheduled``, ``FailedScheduling``, ``SuccessfulCreate``,
``BackOff`` ...). Repeats of the same event on the same object are folded into one Event
whose ``count`` rises, so ``kubectl get events`` stays readable.
"""

from __future__ import annotations

from collections.abc import Callable

from kube_lab.api.meta import EPOCH, Obj, timestamp
from kube_lab.store import Store

EPOCH_UNIX = EPOCH.timestamp()


class EventRecorder:
    """Writes v1 Events to the store on behalf of components."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock
        self._names: dict[tuple[str, str, str, str, str, str], str] = {}
        self._serial = 0

    def record(
        self,
        obj: Obj,
        *,
        type: str,
        reason: str,
        message: str,
        component: str,
        host: str | None = None,
    ) -> None:
        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        key = (namespace, obj["kind"], meta["name"], reason, message, component)
        now = timestamp(self._clock())
        existing = self._names.get(key)
        if existing is not None:
            event = self._store.peek("Event", existing, namespace)
            if event is not None:
                updated = {**event, "count": event["count"] + 1, "lastTimestamp": now}
                updated["metadata"] = dict(event["metadata"])
                self._store.update(updated)
                return
        self._serial += 1
        # As client-go: the object's name and the time in Unix nanoseconds, in hex.
        nanos = int((EPOCH_UNIX + self._clock()) * 1e9) + self._serial
        name = f"{meta['name']}.{nanos:x}"
        source = {"component": component, **({"host": host} if host else {})}
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": {
                "apiVersion": obj.get("apiVersion"),
                "kind": obj["kind"],
                "name": meta["name"],
                "namespace": meta.get("namespace") or None,
                "uid": meta.get("uid"),
                "resourceVersion": meta.get("resourceVersion"),
            },
            "reason": reason,
            "message": message,
            "type": type,
            "source": source,
            "count": 1,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "reportingComponent": component,
            "reportingInstance": host or "",
        }
        # an Event has no defaults to fill in, and this dict is new and ours: no copy
        self._store.create(event, handed_over=True)
        self._names[key] = name
