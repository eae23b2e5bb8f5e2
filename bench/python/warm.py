"""Warm figures of the Python runner: the same measurement repeated in one process until its
time stabilizes (bench/README.md, "Cold and warm").

The rule is the JS runner's (bench/js/lib/warm.mjs) and the C++ runner's
(bench/cpp/bench_warm.h): the runner's ``ms`` stays the cold figure (one measurement in a
fresh process); ``warm_repeats`` repeats it and returns the extra fields ``warm_ms`` (the
median of the last 3 repeats, of all when fewer ran), ``warm_times_ms`` (every repeat) and
``warm_stable``. CPython does not compile, and the peers are native extensions, so the warm
figure here is mostly the allocator's and the caches' warmth, not a JIT's.

Settings (bench/run.py exports them; --quick uses 3 repeats):

- ``$CRDTCORE_BENCH_WARM_REPEATS``: at most this many repeats (default 10; 0: no warm figure)
- ``$CRDTCORE_BENCH_WARM_S``: no new repeat once the repeats so far and one more would pass
  this many seconds (default 60); one more is estimated from the slowest repeat so far, before
  the first from the cold time
- ``$CRDTCORE_BENCH_WARM_TOL``: stable when the last 3 times lie within this fraction of their
  median (default 0.1)

A repeat that passes the measurement's time budget (``$CRDTCORE_BENCH_BUDGET_S``, raised as
``BudgetExceeded``) ends the repeats without a time: the cold result stays good. A wrong
result in a repeat (``WrongResult``) propagates, its message ending in "(warm repeat N)": it
fails the whole measurement.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workloads import BudgetExceeded, WrongResult

WINDOW = 3


@dataclass(frozen=True)
class WarmSettings:
    """How the warm repeats run: ``repeats`` at most, within ``budget_ms`` altogether, stable
    when the last ``window`` times lie within ``tolerance`` of their median."""

    repeats: int = 10
    budget_ms: float = 60_000.0
    tolerance: float = 0.1
    window: int = WINDOW

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WarmSettings:
        """The settings ``$CRDTCORE_BENCH_WARM_REPEATS``, ``_WARM_S`` and ``_WARM_TOL`` give;
        an unset, empty or non-numeric variable keeps its default (as warm.mjs does)."""
        env = os.environ if env is None else env

        def num(name: str, default: float) -> float:
            try:
                value = float(env.get(name, ""))
            except ValueError:
                return default
            return value if value == value and abs(value) != float("inf") else default

        return cls(
            repeats=max(0, int(num("CRDTCORE_BENCH_WARM_REPEATS", 10))),
            budget_ms=num("CRDTCORE_BENCH_WARM_S", 60) * 1000,
            tolerance=num("CRDTCORE_BENCH_WARM_TOL", 0.1),
        )


def is_stable(times: Sequence[float], window: int, tolerance: float) -> bool:
    """True when the last ``window`` times exist and (max - min) <= tolerance * median."""
    if len(times) < window:
        return False
    last = times[-window:]
    return max(last) - min(last) <= tolerance * statistics.median(last)


def _clock_ms() -> float:
    return time.perf_counter() * 1e3


def warm_repeats(
    run_once: Callable[[int], float],
    settings: WarmSettings | None = None,
    *,
    expect_ms: float = 0.0,
    between: Callable[[], object] = gc.collect,
    clock: Callable[[], float] = _clock_ms,
) -> dict[str, Any]:
    """Repeats ``run_once(i)`` (the timed ms of repeat i, on fresh documents; it raises
    WrongResult for a wrong result) until the last ``window`` times are stable, ``repeats``
    ran, one more would pass ``budget_ms`` (estimated from the slowest repeat so far, before
    the first from ``expect_ms``, the cold time), or a repeat passes the measurement's budget
    (BudgetExceeded: that repeat has no time and the repeats end).

    ``between()`` runs before each repeat, outside its timed part (a full collection: the
    previous repeat's documents are freed before the next starts). Returns the extra fields
    ``warm_ms`` (None when not even one repeat fit), ``warm_times_ms`` and ``warm_stable``;
    ``{}`` when ``settings.repeats`` is 0. ``clock`` gives milliseconds.
    """
    settings = WarmSettings.from_env() if settings is None else settings
    if settings.repeats <= 0:
        return {}
    times: list[float] = []
    start = clock()
    while len(times) < settings.repeats:
        expected = max(times) if times else expect_ms
        if clock() - start + expected > settings.budget_ms:
            break
        between()
        try:
            times.append(run_once(len(times)))
        except BudgetExceeded:
            break
        except WrongResult as e:
            raise WrongResult(f"{e} (warm repeat {len(times) + 1})") from e
        if is_stable(times, settings.window, settings.tolerance):
            break
    rounded = [round(t, 3) for t in times]
    return {
        "warm_ms": round(statistics.median(times[-settings.window :]), 3) if times else None,
        "warm_times_ms": rounded,
        "warm_stable": is_stable(times, settings.window, settings.tolerance),
    }
