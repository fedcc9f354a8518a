"""The scheduling queue: which pending pod to try next, and when to try a failed one again.

As kube-scheduler's ``PriorityQueue`` it has three parts. The *active queue* is a heap
ordered by priority (``spec.priority``, higher first), then by when the pod joined
(``PrioritySort``): ties are broken by a counter, so runs are reproducible. *Unschedulable
pods* wait there until something in the cluster changes that could help them (a node added
or changed, a pod deleted or finished), or for at most 5 minutes
(``podMaxInUnschedulablePodsDuration``; the leftovers are flushed every 30 seconds). A pod
moved out while still in its *backoff* (1 s after the first failure, doubling to 10 s) waits
for the backoff to expire before it becomes active again.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from kube_lab.engine import Engine, Timer

Key = tuple[str, str]

POD_INITIAL_BACKOFF = 1.0
POD_MAX_BACKOFF = 10.0
POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION = 300.0
FLUSH_UNSCHEDULABLE_PODS_INTERVAL = 30.0

ACTIVE, BACKOFF, UNSCHEDULABLE = "active", "backoff", "unschedulable"


@dataclass(slots=True)
class QueuedPod:
    key: Key
    priority: int
    sequence: int
    where: str
    attempts: int = 0
    #: When the last attempt failed (backoff and the 5-minute flush count from here).
    failed_at: float = 0.0
    #: What the pod looked like when it failed; an update that changes it retries the pod.
    tag: object = None


def backoff_duration(attempts: int) -> float:
    """1 s, 2 s, 4 s, 8 s, then 10 s for every later attempt."""
    if attempts <= 0:
        return 0.0
    return min(POD_INITIAL_BACKOFF * 2 ** (attempts - 1), POD_MAX_BACKOFF)


class SchedulingQueue:
    """Active heap, backoff timers and the unschedulable set; wakes the scheduler."""

    def __init__(self, engine: Engine, *, on_active: Callable[[], None]) -> None:
        self._engine = engine
        self._on_active = on_active
        self._pods: dict[Key, QueuedPod] = {}
        self._heap: list[tuple[int, int, Key]] = []
        self._sequence = itertools.count()
        self._unschedulable: dict[Key, QueuedPod] = {}
        self._flush_timer: Timer | None = None

    def __contains__(self, key: Key) -> bool:
        return key in self._pods

    def __len__(self) -> int:
        return len(self._pods)

    @property
    def unschedulable_count(self) -> int:
        return len(self._unschedulable)

    def add(self, key: Key, priority: int) -> None:
        """A new pending pod: straight to the active queue."""
        if key in self._pods:
            return
        queued = self._pods[key] = QueuedPod(key, priority, 0, ACTIVE)
        self._activate(queued)

    def pop(self) -> Key | None:
        """The next active pod (it leaves the queue until :meth:`unschedulable`)."""
        while self._heap:
            _, sequence, key = heapq.heappop(self._heap)
            queued = self._pods.get(key)
            if queued is not None and queued.where == ACTIVE and queued.sequence == sequence:
                queued.where = ""
                return key
        return None

    def forget(self, key: Key) -> None:
        """The pod was bound, deleted, or is no longer ours."""
        self._pods.pop(key, None)
        self._unschedulable.pop(key, None)

    def is_unschedulable(self, key: Key) -> bool:
        return key in self._unschedulable

    def unschedulable(self, key: Key, *, tag: object = None) -> None:
        """The pod fitted nowhere: park it until the cluster changes."""
        queued = self._pods.get(key)
        if queued is None:
            return
        queued.tag = tag
        queued.attempts += 1
        queued.failed_at = self._engine.now
        queued.where = UNSCHEDULABLE
        self._unschedulable[key] = queued
        if self._flush_timer is None:
            self._flush_timer = self._engine.call_later(
                FLUSH_UNSCHEDULABLE_PODS_INTERVAL, self._flush
            )

    def pod_updated(self, key: Key, tag: object) -> None:
        """An unschedulable pod changed; if ``tag`` differs from its failure's, retry it."""
        queued = self._unschedulable.get(key)
        if queued is not None and queued.tag is not tag:
            self._move(queued)

    def move_all_to_active_or_backoff(self) -> None:
        """A cluster event that may help unschedulable pods (``MoveAllToActiveOrBackoffQueue``)."""
        for queued in list(self._unschedulable.values()):
            self._move(queued)

    def _move(self, queued: QueuedPod) -> None:
        del self._unschedulable[queued.key]
        expires = queued.failed_at + backoff_duration(queued.attempts)
        if expires > self._engine.now:
            queued.where = BACKOFF
            queued.sequence = next(self._sequence)
            token = queued.sequence
            self._engine.call_at(expires, lambda: self._backoff_done(queued.key, token))
        else:
            self._activate(queued)

    def _backoff_done(self, key: Key, token: int) -> None:
        queued = self._pods.get(key)
        if queued is not None and queued.where == BACKOFF and queued.sequence == token:
            self._activate(queued)

    def _activate(self, queued: QueuedPod) -> None:
        queued.where = ACTIVE
        queued.sequence = next(self._sequence)
        heapq.heappush(self._heap, (-queued.priority, queued.sequence, queued.key))
        self._on_active()

    def _flush(self) -> None:
        """Pods unschedulable for 5 minutes get another try even if nothing changed."""
        self._flush_timer = None
        now = self._engine.now
        for queued in list(self._unschedulable.values()):
            if now - queued.failed_at >= POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION:
                self._move(queued)
        if self._unschedulable:
            self._flush_timer = self._engine.call_later(
                FLUSH_UNSCHEDULABLE_PODS_INTERVAL, self._flush
            )
