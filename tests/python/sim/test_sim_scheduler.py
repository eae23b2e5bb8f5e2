"""The virtual clock: time order, ties in scheduling order, stop and until."""

from __future__ import annotations

import pytest

from crdtcore.sim import Scheduler


def test_events_run_in_time_order_and_ties_in_scheduling_order():
    s = Scheduler(seed=0)
    seen: list[tuple[float, str]] = []
    for name, time in (("c", 3.0), ("a", 1.0), ("b1", 2.0), ("b2", 2.0), ("b3", 2.0)):
        s.at(time, lambda n=name: seen.append((s.now, n)))
    s.run()
    assert seen == [(1.0, "a"), (2.0, "b1"), (2.0, "b2"), (2.0, "b3"), (3.0, "c")]
    assert s.pending == 0


def test_callbacks_can_schedule_more_and_after_is_relative():
    s = Scheduler(seed=0)
    seen: list[float] = []

    def tick(n: int) -> None:
        seen.append(s.now)
        if n:
            s.after(10.0, tick, n - 1)

    s.after(5.0, tick, 3)
    s.run()
    assert seen == [5.0, 15.0, 25.0, 35.0]


def test_run_until_stops_the_clock_there_and_keeps_later_events():
    s = Scheduler(seed=0)
    seen: list[int] = []
    s.at(10.0, seen.append, 1)
    s.at(30.0, seen.append, 2)
    s.run(until=20.0)
    assert seen == [1] and s.now == 20.0 and s.pending == 1
    s.run()
    assert seen == [1, 2]


def test_stop_returns_after_the_current_event():
    s = Scheduler(seed=0)
    seen: list[int] = []
    s.at(1.0, lambda: (seen.append(1), s.stop()))
    s.at(2.0, seen.append, 2)
    s.run()
    assert seen == [1] and s.pending == 1


def test_scheduling_in_the_past_is_refused():
    s = Scheduler(seed=0)
    s.at(5.0, lambda: None)
    s.run()
    with pytest.raises(ValueError, match="cannot schedule"):
        s.at(1.0, lambda: None)


def test_the_generator_is_seeded():
    assert Scheduler(seed=4).rng.random() == Scheduler(seed=4).rng.random()
    assert Scheduler(seed=4).rng.random() != Scheduler(seed=5).rng.random()
