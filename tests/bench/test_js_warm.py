"""bench/js/lib/warm.mjs (the warm figure's repeat/stability rule) and its use by the JS runner.

The rule is tested on scripted repeat times through node (no library runs); one test runs the
real JS runner on the smallest trace when bench/js's packages are installed.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[2] / "bench" / "js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node not installed")


def run_js(body: str, env: dict[str, str] | None = None) -> object:
    """Runs an ES module body that has warm.mjs as W and sequential.mjs as S imported, and
    prints one JSON value; returns it."""
    script = (
        f"import * as W from {json.dumps((JS / 'lib' / 'warm.mjs').as_uri())};\n"
        f"import * as S from {json.dumps((JS / 'lib' / 'sequential.mjs').as_uri())};\n"
        f"{body}\n"
    )
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return json.loads(out.stdout)


def scripted(times: list[float], settings: dict, expect_ms: float = 0.0) -> dict:
    """warmRepeats over repeats that take the given times (a fake clock advances by each)."""
    body = f"""
const times = {json.dumps(times)};
let clock = 0, between = 0;
const run = (i) => {{ clock += times[i]; return times[i]; }};
const res = W.warmRepeats(run, {json.dumps(settings)},
  {{ between: () => between++, clock: () => clock, expectMs: {expect_ms} }});
console.log(JSON.stringify({{ ...res, between }}));
"""
    return run_js(body)


SETTINGS = {"repeats": 10, "budgetMs": 1e9, "tolerance": 0.1, "window": 3}


def test_stops_once_the_last_three_are_stable() -> None:
    res = scripted([100, 60, 50, 50.5, 51, 99, 99], SETTINGS)
    assert res["warm_times_ms"] == [100, 60, 50, 50.5, 51]
    assert res["warm_ms"] == 50.5 and res["warm_stable"] is True
    assert res["between"] == 5  # a GC before every repeat


def test_unstable_times_stop_at_the_repeat_limit_with_the_median_of_the_last_three() -> None:
    times = [100, 50, 80, 40, 90, 45, 95, 30, 70, 20, 60, 60]
    res = scripted(times, SETTINGS)
    assert res["warm_times_ms"] == times[:10]
    assert res["warm_ms"] == statistics.median(times[7:10]) and res["warm_stable"] is False


def test_the_tolerance_decides_stability() -> None:
    times = [10, 11, 12, 12, 12]
    assert len(scripted(times, {**SETTINGS, "tolerance": 0.2})["warm_times_ms"]) == 3
    assert len(scripted(times, {**SETTINGS, "tolerance": 0.05})["warm_times_ms"]) == 5


def test_no_repeat_starts_that_would_pass_the_budget() -> None:
    # 40 ms each, 100 ms budget: the 3rd would end at 120 ms.
    res = scripted([40] * 10, {**SETTINGS, "budgetMs": 100, "tolerance": 0}, expect_ms=40)
    assert res["warm_times_ms"] == [40, 40] and res["warm_ms"] == 40
    # a cold time over the budget: no repeat at all, and no warm figure.
    res = scripted([40] * 10, {**SETTINGS, "budgetMs": 100}, expect_ms=150)
    assert res["warm_times_ms"] == [] and res["warm_ms"] is None and res["between"] == 0


def test_zero_repeats_gives_no_warm_fields() -> None:
    assert scripted([1, 1, 1], {**SETTINGS, "repeats": 0}) == {"between": 0}


def test_settings_come_from_the_environment() -> None:
    env = {
        "CRDTCORE_BENCH_WARM_REPEATS": "4",
        "CRDTCORE_BENCH_WARM_S": "2.5",
        "CRDTCORE_BENCH_WARM_TOL": "0.05",
    }
    assert run_js("console.log(JSON.stringify(W.warmSettings()))", env) == {
        "repeats": 4,
        "budgetMs": 2500,
        "tolerance": 0.05,
        "window": 3,
    }


def test_a_wrong_result_in_a_repeat_fails_the_measurement() -> None:
    body = """
const cold = { ok: true, ms: 5, ops: 1, error: null, extra: { a: 1 } };
const good = S.withWarm(cold, () => 4);
const bad = S.withWarm(cold, (i) => {
  if (i === 1) throw new Error('wrong result: replayed text differs (warm repeat 2)');
  return 4;
});
const failed = S.withWarm({ ok: false, error: 'wrong result: x' }, () => 1);
console.log(JSON.stringify({ good, bad, failed }));
"""
    env = {"CRDTCORE_BENCH_WARM_REPEATS": "5", "CRDTCORE_BENCH_WARM_TOL": "0"}
    res = run_js(body, env)
    assert res["good"]["ok"] and res["good"]["ms"] == 5
    assert res["good"]["extra"] == {
        "a": 1,
        "warm_ms": 4,
        "warm_times_ms": [4, 4, 4],
        "warm_stable": True,
    }
    assert res["bad"] == {
        "ok": False,
        "error": "wrong result: replayed text differs (warm repeat 2)",
    }
    assert res["failed"] == {"ok": False, "error": "wrong result: x"}


def test_a_repeat_over_the_budget_ends_the_repeats_and_keeps_the_cold_result() -> None:
    body = """
const cold = { ok: true, ms: 5, ops: 1, error: null };
const over = (at) => (i) => {
  if (i === at) throw new W.BudgetExceeded('timeout: budget of 30 s exceeded after 4096 of 9000 patches');
  return 4 + i;
};
console.log(JSON.stringify({ second: S.withWarm(cold, over(1)), first: S.withWarm(cold, over(0)) }));
"""
    env = {"CRDTCORE_BENCH_WARM_REPEATS": "5", "CRDTCORE_BENCH_WARM_TOL": "0"}
    res = run_js(body, env)
    assert res["second"] == {
        "ok": True,
        "ms": 5,
        "ops": 1,
        "error": None,
        "extra": {"warm_ms": 4, "warm_times_ms": [4], "warm_stable": False},
    }
    assert res["first"]["ok"] and res["first"]["ms"] == 5
    assert res["first"]["extra"] == {"warm_ms": None, "warm_times_ms": [], "warm_stable": False}


@pytest.mark.skipif(not (JS / "node_modules" / "yjs").is_dir(), reason="npm ci in bench/js")
@pytest.mark.parametrize("workload", ["replay", "load"])
def test_the_js_runner_reports_cold_and_warm(workload: str) -> None:
    env = {**os.environ, "CRDTCORE_BENCH_WARM_REPEATS": "3", "CRDTCORE_BENCH_WARM_TOL": "0"}
    out = subprocess.run(
        [
            NODE,
            "--expose-gc",
            str(JS / "runner.mjs"),
            "--lib",
            "yjs",
            "--workload",
            workload,
            "--input",
            "json-crdt-patch",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    line = json.loads(out.stdout.strip().splitlines()[-1])
    assert line["ok"], line
    extra = line["extra"]
    assert len(extra["warm_times_ms"]) == 3
    assert extra["warm_ms"] == statistics.median(extra["warm_times_ms"])
    assert line["ms"] > 0
