"""The engine: one clock and one event queue that drive every component.

Components never sleep or spawn threads; they ask the engine to call them back at a time.
The queue is a heap of ``(time, sequence, callback)``; the sequence number breaks ties, so
two runs with the same seed call the same callbacks in the same order (SimPy's trick).

Two clocks share the queue. :class:`VirtualClock` jumps straight to the next event, so a
five-minute eviction timeout costs microseconds and every run is reproducible.
:class:`RealClock` waits for wall time to pass (optionally sped up), which real Docker
containers need.
"""

from __future__ import annotations

import heapq
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class VirtualClock:
    """Simulated time: it moves only when the engine jumps to the next event."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance_to(self, when: float) -> None:
        self._now = max(self._now, when)


class RealClock:
    """Wall time since the clock started, times ``speed`` (1.0 is real time)."""

    def __init__(self, start: float = 0.0, *, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._start = start
        self._speed = speed
        self._t0 = time.monotonic()

    def now(self) -> float:
        return self._start + (time.monotonic() - self._t0) * self._speed

    def advance_to(self, when: float) -> None:
        delay = (when - self.now()) / self._speed
        if delay > 0:
            time.sleep(delay)


Clock = VirtualClock | RealClock


@dataclass(order=True)
class Timer:
    """A scheduled callback; :meth:`cancel` stops it from running."""

    when: float
    sequence: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class Engine:
    """A clock, an event queue and the seeded randomness every component shares."""

    def __init__(self, *, seed: int = 0, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or VirtualClock()
        self.random = random.Random(seed)
        self._queue: list[Timer] = []
        self._sequence = itertools.count()

    @property
    def now(self) -> float:
        return self.clock.now()

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(max(when, self.now), next(self._sequence), callback)
        heapq.heappush(self._queue, timer)
        return timer

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now + max(0.0, delay), callback)

    def call_soon(self, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now, callback)

    def next_time(self) -> float | None:
        """When the next live callback is due, or None when nothing is scheduled."""
        while self._queue and self._queue[0].cancelled:
            heapq.heappop(self._queue)
        return self._queue[0].when if self._queue else None

    def step(self) -> bool:
        """Run the next callback; False when the queue is empty."""
        when = self.next_time()
        if when is None:
            return False
        timer = heapq.heappop(self._queue)
        self.clock.advance_to(when)
        timer.callback()
        return True

    def run_until(self, deadline: float) -> None:
        """Run every callback due up to ``deadline``, then set the clock to it."""
        while True:
            when = self.next_time()
            if when is None or when > deadline:
                break
            self.step()
        self.clock.advance_to(deadline)

    def run(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self.run_until(self.now + seconds)
