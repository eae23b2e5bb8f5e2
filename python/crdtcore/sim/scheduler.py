"""Virtual clock and event queue of the simulator, with its one seeded random generator.

Time is virtual: a float number of milliseconds that only moves when the scheduler pops
the next event. Nothing in the simulator reads the wall clock, and every random choice
comes from ``Scheduler.rng`` (one ``random.Random(seed)``), so a run is a pure function
of its seed and its configuration. Events due at the same instant run in the order they
were scheduled (a sequence number breaks ties), never in an order that depends on object
ids or hashing.

Thread safety: none; a scheduler belongs to one simulation running in one thread.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from typing import Any

Callback = Callable[..., Any]


class Scheduler:
    """A discrete-event loop over virtual time.

    Args:
        seed: Seed of the run's only random generator.

    Attributes:
        now: The current virtual time in milliseconds.
        rng: The run's random generator; take every random decision from it.

    Example:
        >>> s = Scheduler(seed=1)
        >>> seen = []
        >>> s.at(5.0, seen.append, "b")
        >>> s.at(1.0, seen.append, "a")
        >>> s.run()
        >>> seen, s.now
        (['a', 'b'], 5.0)
    """

    def __init__(self, seed: int) -> None:
        self.now = 0.0
        self.rng = random.Random(seed)
        self._queue: list[tuple[float, int, Callback, tuple[Any, ...]]] = []
        self._seq = 0
        self._stopped = False

    def at(self, time: float, callback: Callback, *args: Any) -> None:
        """Runs ``callback(*args)`` at virtual time ``time`` (ms).

        Raises:
            ValueError: ``time`` is in the past.
        """
        if time < self.now:
            raise ValueError(f"cannot schedule at {time} ms, the clock is at {self.now} ms")
        heapq.heappush(self._queue, (time, self._seq, callback, args))
        self._seq += 1

    def after(self, delay: float, callback: Callback, *args: Any) -> None:
        """Runs ``callback(*args)`` ``delay`` ms from now (``delay`` >= 0)."""
        self.at(self.now + delay, callback, *args)

    def stop(self) -> None:
        """Makes ``run`` return after the event being processed."""
        self._stopped = True

    def run(self, until: float | None = None) -> None:
        """Processes events in time order until the queue is empty, ``stop()`` is called or
        the next event is later than ``until`` (then the clock is set to ``until``).
        """
        queue = self._queue
        pop = heapq.heappop
        self._stopped = False
        while queue and not self._stopped:
            if until is not None and queue[0][0] > until:
                self.now = until
                return
            time, _, callback, args = pop(queue)
            self.now = time
            callback(*args)

    @property
    def pending(self) -> int:
        """The number of scheduled events not yet run."""
        return len(self._queue)
