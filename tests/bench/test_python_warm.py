"""bench/python/warm.py: the warm figure's repeat/stability rule of the Python runner.

The same cases as test_js_warm.py (the JS rule), on scripted repeat times and a fake clock,
plus what only the Python helper does: a repeat over the measurement's budget ends the
repeats without failing, and a wrong repeat names its number.
"""

from __future__ import annotations

import gc
import inspect
import statistics
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "python"))

from warm import WarmSettings, is_stable, warm_repeats
from workloads import BudgetExceeded, WrongResult

SETTINGS = WarmSettings(repeats=10, budget_ms=1e9, tolerance=0.1)


def scripted(
    times: list[float], settings: WarmSettings, expect_ms: float = 0.0, fail_at: int = -1
) -> dict[str, Any]:
    """warm_repeats over repeats that take the given times (a fake clock advances by each);
    repeat ``fail_at`` raises BudgetExceeded. Adds "between" (how many times it ran) and
    "ran" (how many repeats started)."""
    state = {"clock": 0.0, "between": 0, "ran": 0}

    def run(i: int) -> float:
        state["ran"] += 1
        state["clock"] += times[i]
        if i == fail_at:
            raise BudgetExceeded("timeout: budget of 1 s exceeded after 1 of 2 patches")
        return times[i]

    def between() -> None:
        state["between"] += 1

    res = warm_repeats(
        run, settings, expect_ms=expect_ms, between=between, clock=lambda: state["clock"]
    )
    return {**res, "between": state["between"], "ran": state["ran"]}


def test_stops_once_the_last_three_are_stable() -> None:
    res = scripted([100, 60, 50, 50.5, 51, 99, 99], SETTINGS)
    assert res["warm_times_ms"] == [100, 60, 50, 50.5, 51]
    assert res["warm_ms"] == 50.5 and res["warm_stable"] is True
    assert res["between"] == 5  # a collection before every repeat


def test_unstable_times_stop_at_the_repeat_limit_with_the_median_of_the_last_three() -> None:
    times = [100, 50, 80, 40, 90, 45, 95, 30, 70, 20, 60, 60]
    res = scripted(times, SETTINGS)
    assert res["warm_times_ms"] == times[:10]
    assert res["warm_ms"] == statistics.median(times[7:10]) and res["warm_stable"] is False


def test_fewer_than_three_repeats_give_the_median_of_all() -> None:
    res = scripted([10, 20, 30], WarmSettings(repeats=2, budget_ms=1e9, tolerance=0.1))
    assert res["warm_times_ms"] == [10, 20] and res["warm_ms"] == 15
    assert res["warm_stable"] is False


def test_the_tolerance_decides_stability() -> None:
    times = [10, 11, 12, 12, 12]
    loose = WarmSettings(repeats=10, budget_ms=1e9, tolerance=0.2)
    strict = WarmSettings(repeats=10, budget_ms=1e9, tolerance=0.05)
    assert len(scripted(times, loose)["warm_times_ms"]) == 3
    assert len(scripted(times, strict)["warm_times_ms"]) == 5
    assert is_stable([5, 10, 10, 10], 3, 0.0) and not is_stable([10, 10], 3, 1.0)


def test_no_repeat_starts_that_would_pass_the_warm_budget() -> None:
    # 40 ms each, 100 ms for the repeats: the 3rd would end at 120 ms.
    budget = WarmSettings(repeats=10, budget_ms=100, tolerance=0)
    res = scripted([40] * 10, budget, expect_ms=40)
    assert res["warm_times_ms"] == [40, 40] and res["warm_ms"] == 40 and res["ran"] == 2
    # a cold time over the budget: no repeat at all, and no warm figure.
    res = scripted([40] * 10, WarmSettings(repeats=10, budget_ms=100), expect_ms=150)
    assert res["warm_times_ms"] == [] and res["warm_ms"] is None and res["between"] == 0


def test_a_repeat_over_the_measurement_budget_ends_the_repeats_without_failing() -> None:
    res = scripted([10, 10, 10, 10], WarmSettings(repeats=10, budget_ms=1e9), fail_at=2)
    assert res["ran"] == 3  # the third started, passed the budget, and has no time
    assert res["warm_times_ms"] == [10, 10] and res["warm_ms"] == 10
    assert res["warm_stable"] is False
    res = scripted([10, 10], WarmSettings(repeats=10, budget_ms=1e9), fail_at=0)
    assert res["warm_times_ms"] == [] and res["warm_ms"] is None


def test_a_wrong_result_in_a_repeat_fails_with_its_number() -> None:
    def run(i: int) -> float:
        if i == 1:
            raise WrongResult("replayed text differs from the expected text at code point 3")
        return 4.0

    with pytest.raises(WrongResult, match=r"at code point 3 \(warm repeat 2\)$"):
        warm_repeats(run, SETTINGS, between=lambda: None)


def test_zero_repeats_gives_no_warm_fields() -> None:
    ran: list[int] = []
    assert warm_repeats(ran.append, WarmSettings(repeats=0)) == {}  # type: ignore[arg-type]
    assert ran == []


def test_settings_come_from_the_environment() -> None:
    env = {
        "CRDTCORE_BENCH_WARM_REPEATS": "4",
        "CRDTCORE_BENCH_WARM_S": "2.5",
        "CRDTCORE_BENCH_WARM_TOL": "0.05",
    }
    assert WarmSettings.from_env(env) == WarmSettings(repeats=4, budget_ms=2500, tolerance=0.05)
    # unset, empty or not a number: the defaults (10 repeats, 60 s, 10 %), as warm.mjs does
    assert WarmSettings.from_env({}) == WarmSettings(repeats=10, budget_ms=60_000, tolerance=0.1)
    bad = {"CRDTCORE_BENCH_WARM_REPEATS": "", "CRDTCORE_BENCH_WARM_S": "soon"}
    assert WarmSettings.from_env({**bad, "CRDTCORE_BENCH_WARM_TOL": "nan"}) == WarmSettings()
    assert WarmSettings.from_env({"CRDTCORE_BENCH_WARM_REPEATS": "-3"}).repeats == 0


def test_the_default_between_is_a_full_collection() -> None:
    """Between repeats the previous repeat's documents are collected (JS: a full GC)."""
    assert inspect.signature(warm_repeats).parameters["between"].default is gc.collect
