"""The reconcile loop every controller shares, in the shape of client-go's workqueue.

A controller watches the store, turns each change into the key of the object it manages
(a Pod's change becomes its owning ReplicaSet's key), and later reconciles that key: read
the desired state, read the observed state, act on the difference. Keys are deduplicated,
so a burst of changes costs one reconcile. Controllers never call one another; they meet
only in the store, exactly as in Kubernetes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from kube_lab.api.meta import controller_of
from kube_lab.engine import Engine, Timer
from kube_lab.events import EventRecorder
from kube_lab.store import Key, Store, WatchEvent, key_of


class Controller:
    """Subclasses set ``component``, ``kind``, ``owns`` and implement :meth:`reconcile`."""

    component: ClassVar[str]
    #: the kind whose objects this controller reconciles
    kind: ClassVar[str]
    #: kinds whose changes wake the controlling owner (via ownerReferences)
    owns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, store: Store, engine: Engine, recorder: EventRecorder) -> None:
        self.store = store
        self.engine = engine
        self.recorder = recorder
        self._queue: dict[Key, None] = {}
        self._drain_timer: Timer | None = None
        self._requeues: dict[Key, Timer] = {}
        store.watch(self._on_event, kinds=(self.kind, *self.owns))

    def _on_event(self, event: WatchEvent) -> None:
        for key in self.keys_for(event):
            self.enqueue(key)

    def keys_for(self, event: WatchEvent) -> Iterable[Key]:
        """Which of our objects a change concerns: itself, or its controlling owner."""
        obj = event.object
        if obj["kind"] == self.kind:
            return (key_of(obj),)
        ref = controller_of(obj)
        if ref is not None and ref["kind"] == self.kind:
            return ((obj["metadata"].get("namespace") or "", ref["name"]),)
        return ()

    def enqueue(self, key: Key, after: float = 0.0) -> None:
        if after > 0:
            pending = self._requeues.get(key)
            when = self.engine.now + after
            if pending is not None and not pending.cancelled and pending.when <= when:
                return
            if pending is not None:
                pending.cancel()
            self._requeues[key] = self.engine.call_at(when, lambda: self._requeue(key))
            return
        self._queue[key] = None
        if self._drain_timer is None:
            self._drain_timer = self.engine.call_soon(self._drain)

    def _requeue(self, key: Key) -> None:
        self._requeues.pop(key, None)
        self.enqueue(key)

    def _drain(self) -> None:
        self._drain_timer = None
        while self._queue:
            key = next(iter(self._queue))
            del self._queue[key]
            retry = self.reconcile(key)
            if retry is not None:
                self.enqueue(key, after=retry)

    def reconcile(self, key: Key) -> float | None:
        """Make the world match the object at ``key``; return seconds to look again."""
        raise NotImplementedError
