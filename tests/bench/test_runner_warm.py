"""The warm figure of crdtcore's own runners, read from their JSON line: the C++ runner
(build/cpp/bench/bench_runner, crdtcore-cpp) and the Python runner (bench/python/runner.py,
crdtcore-py). Each runs for real on the smallest traces with 2 repeats (tolerance 0, so 2
repeats never count as stable), and with 0 repeats, which must give no warm fields.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CPP_RUNNER = ROOT / "build" / "cpp" / "bench" / "bench_runner"
PY_RUNNER = ROOT / "bench" / "python" / "runner.py"
WARM_WORKLOADS = ("replay", "replay_sync", "encode", "load", "concurrent")
INPUTS = {"concurrent": "friendsforever"}  # else the smallest sequential trace
SMALL_TRACE = "json-crdt-patch"

needs_cpp = pytest.mark.skipif(
    not CPP_RUNNER.is_file(), reason="build the C++ runner: ./run bench builds build/cpp"
)
LIBS = [pytest.param("crdtcore-cpp", marks=needs_cpp), "crdtcore-py"]


def run(lib: str, workload: str, repeats: int, **env: str) -> dict[str, Any]:
    """One call of the lib's runner; returns its JSON line."""
    program = [str(CPP_RUNNER)] if lib == "crdtcore-cpp" else [sys.executable, str(PY_RUNNER)]
    input_ = INPUTS.get(workload, SMALL_TRACE)
    settings = {
        "CRDTCORE_BENCH_WARM_REPEATS": str(repeats),
        "CRDTCORE_BENCH_WARM_S": "60",
        "CRDTCORE_BENCH_WARM_TOL": "0",
        "CRDTCORE_BENCH_BUDGET_S": "0",
        "CRDTCORE_BENCH_WARMUP_RUNS": "2",
    }
    out = subprocess.run(
        [*program, "--lib", lib, "--workload", workload, "--input", input_],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **settings, **env},
    )
    lines = out.stdout.strip().splitlines()
    assert lines, f"no output; stderr: {out.stderr[-2000:]}"
    record: dict[str, Any] = json.loads(lines[-1])
    return record


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("workload", WARM_WORKLOADS)
def test_the_runner_reports_cold_and_warm(lib: str, workload: str) -> None:
    line = run(lib, workload, repeats=2)
    assert line["ok"], line
    assert line["ms"] > 0
    extra = line["extra"]
    assert len(extra["warm_times_ms"]) == 2
    assert all(t > 0 for t in extra["warm_times_ms"])
    assert extra["warm_ms"] == pytest.approx(statistics.median(extra["warm_times_ms"]), abs=1e-3)
    assert extra["warm_stable"] is False  # 2 < 3 repeats: never stable


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("workload", ["replay", "load"])
def test_zero_repeats_give_no_warm_fields(lib: str, workload: str) -> None:
    line = run(lib, workload, repeats=0)
    assert line["ok"], line
    assert "warm_ms" not in (line.get("extra") or {})
    assert "extra" not in line


@pytest.mark.parametrize("lib", LIBS)
def test_a_warm_budget_smaller_than_the_cold_time_gives_no_repeat(lib: str) -> None:
    line = run(lib, "replay", repeats=5, CRDTCORE_BENCH_WARM_S="0.000001")
    assert line["ok"], line
    assert line["extra"] == {"warm_ms": None, "warm_times_ms": [], "warm_stable": False}


@pytest.mark.parametrize("lib", LIBS)
def test_b4_and_the_growth_points_have_no_warm_figure(lib: str) -> None:
    line = run(lib, "growth:b4:1", repeats=3)
    assert line["ok"], line
    assert "extra" not in line


@pytest.mark.parametrize("lib", LIBS)
def test_the_repeats_stop_once_three_are_stable(lib: str) -> None:
    # any three times lie within 100 times their median: stable after the third repeat
    line = run(lib, "replay", repeats=10, CRDTCORE_BENCH_WARM_TOL="100")
    assert line["ok"], line
    extra = line["extra"]
    assert len(extra["warm_times_ms"]) == 3 and extra["warm_stable"] is True
    assert extra["warm_ms"] == pytest.approx(statistics.median(extra["warm_times_ms"]), abs=1e-3)


def python_runner() -> Any:
    """bench/python/runner.py as a module (its directory on the path, as the runner has it)."""
    sys.path.insert(0, str(PY_RUNNER.parent))
    import runner

    return runner


class Flaky:
    """The real crdtcore-py peer, except that replay number ``slow`` (0: the cold one) sleeps
    in each piece and text read number ``wrong`` answers a wrong text."""

    def __init__(self, slow: int = -1, wrong: int = -1) -> None:
        from peers import PEERS

        self.peer = PEERS["crdtcore-py"]()
        self.slow, self.wrong = slow, wrong
        self.docs, self.reads = 0, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.peer, name)

    def new_doc(self, client_id: int) -> Any:
        self.docs += 1
        return self.peer.new_doc(client_id)

    def replay(self, doc: Any, text: Any, patches: Any) -> None:
        if self.docs - 1 == self.slow:
            time.sleep(0.05)
        self.peer.replay(doc, text, patches)

    def text(self, doc: Any, text: Any) -> str:
        self.reads += 1
        right = self.peer.text(doc, text)
        return right + "!" if self.reads - 1 == self.wrong else right


def test_a_wrong_result_in_a_python_repeat_fails_the_measurement(monkeypatch) -> None:
    runner = python_runner()
    from workloads import Budget, WrongResult

    monkeypatch.setenv("CRDTCORE_BENCH_WARM_REPEATS", "3")
    monkeypatch.setenv("CRDTCORE_BENCH_WARM_S", "60")
    with pytest.raises(WrongResult, match=r"replayed text differs .*\(warm repeat 2\)$"):
        runner.run_replay(Flaky(wrong=2), "replay", SMALL_TRACE, Budget())


def test_a_python_repeat_over_the_budget_ends_the_repeats_not_the_measurement(
    monkeypatch,
) -> None:
    runner = python_runner()
    from workloads import Budget

    monkeypatch.setenv("CRDTCORE_BENCH_WARM_REPEATS", "5")
    monkeypatch.setenv("CRDTCORE_BENCH_WARM_S", "60")
    monkeypatch.setenv("CRDTCORE_BENCH_WARM_TOL", "0")
    # pieces of 4096 patches, each 50 ms late in repeat 2: past a 0.1 s budget after 3 pieces
    out = runner.run_replay(Flaky(slow=2), "replay", SMALL_TRACE, Budget(0.1))
    assert out["ms"] > 0 and out["bytes"] > 0
    assert len(out["extra"]["warm_times_ms"]) == 1  # repeat 1 ran, repeat 2 passed the budget
