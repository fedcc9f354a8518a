"""The engine: virtual time, ordering and determinism."""

import pytest

from kube_lab.engine import Engine, RealClock


def test_callbacks_run_in_time_order_and_ties_in_scheduling_order():
    engine = Engine()
    seen = []
    engine.call_at(5, lambda: seen.append("b"))
    engine.call_at(1, lambda: seen.append("a"))
    engine.call_at(5, lambda: seen.append("c"))
    engine.run(10)
    assert seen == ["a", "b", "c"]
    assert engine.now == 10


def test_virtual_clock_jumps_without_waiting():
    engine = Engine()
    fired = []
    engine.call_later(300, lambda: fired.append(engine.now))
    engine.run(3600)
    assert fired == [300]


def test_cancelled_timer_does_not_run():
    engine = Engine()
    fired = []
    timer = engine.call_later(1, lambda: fired.append(1))
    timer.cancel()
    engine.run(5)
    assert fired == []
    assert engine.next_time() is None


def test_run_until_stops_at_deadline_and_leaves_later_work():
    engine = Engine()
    fired = []
    engine.call_at(2, lambda: fired.append(2))
    engine.call_at(8, lambda: fired.append(8))
    engine.run_until(5)
    assert fired == [2]
    assert engine.next_time() == 8


def test_same_seed_gives_same_random_stream():
    assert [Engine(seed=7).random.random() for _ in range(3)] == [
        Engine(seed=7).random.random() for _ in range(3)
    ]
    assert Engine(seed=7).random.random() != Engine(seed=8).random.random()


def test_negative_run_is_an_error():
    with pytest.raises(ValueError):
        Engine().run(-1)


def test_real_clock_waits_for_wall_time():
    engine = Engine(clock=RealClock(speed=100.0))
    fired = []
    engine.call_later(5, lambda: fired.append(round(engine.now)))
    engine.run(6)  # 6 simulated seconds at 100x: about 60 ms of wall time
    assert fired == [5]
    assert engine.now >= 6
