"""Pure helpers of the Python runner (bench/python) that the orchestrator relies on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from harness import execute, plan

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "python"))

import bench_traces
import runner
from workloads import Budget, BudgetExceeded, warm_up_runs


def test_b4x10_checkpoints_are_ten_slices_then_nine_passes() -> None:
    counts = runner.checkpoint_counts(259778, 10)
    assert len(counts) == 19
    assert counts[:3] == [25977, 51955, 77933]
    assert counts[9:11] == [259778, 519556]
    assert counts[-1] == 2597780


def test_an_exceeded_budget_names_its_limit_in_the_form_the_orchestrator_parses() -> None:
    budget = Budget(0.25)
    budget.start -= 1.0  # as if the timed part had run for a second
    with pytest.raises(BudgetExceeded) as info:
        budget.check(4096, 9999, "patches")
    message = str(info.value)
    assert message == "timeout: budget of 0.25 s exceeded after 4096 of 9999 patches"
    assert execute.timeout_of(message) == 0.25


def test_no_budget_never_stops_and_does_not_cut_the_patches() -> None:
    budget = Budget(0.0)
    budget.start -= 1e6
    budget.check(1, 2, "patches")
    patches = [(0, 0, "a")] * 10_000
    assert budget.chunks(patches) == [patches]


def test_budgeted_replay_stops_between_chunks() -> None:
    budget = Budget(60.0)
    patches = [(0, 0, "a")] * 10_000
    chunks = budget.chunks(patches)
    assert [len(c) for c in chunks] == [4096, 4096, 1808]
    seen = []

    def apply(chunk) -> None:
        seen.append(len(chunk))
        budget.start -= 100.0  # each chunk "takes" 100 s

    with pytest.raises(BudgetExceeded, match="after 4096 of 10000 patches"):
        budget.replay(apply, chunks)
    assert seen == [4096]


@pytest.mark.parametrize(("value", "seconds"), [("12", 12.0), ("", 0.0), ("x", 0.0), ("-3", 0.0)])
def test_budget_from_the_environment(monkeypatch, value, seconds) -> None:
    monkeypatch.setenv("CRDTCORE_BENCH_BUDGET_S", value)
    assert Budget.from_env().seconds == seconds


def test_the_orchestrator_and_the_runner_read_the_vendored_traces(monkeypatch) -> None:
    monkeypatch.delenv("CRDTCORE_TRACES", raising=False)
    root = Path(__file__).resolve().parents[2]
    sequential = root / "bench" / "traces" / "sequential"
    assert plan.traces_dir("sequential") == sequential == bench_traces.traces_dir("sequential")
    concurrent = root / "python" / "crdtcore" / "sim" / "concurrent_traces"
    assert plan.traces_dir("concurrent") == concurrent == bench_traces.traces_dir("concurrent")
    assert "automerge-paper" in plan.trace_names("sequential")
    assert plan.trace_names("concurrent") == ["clownschool", "friendsforever"]
    assert bench_traces.trace_path("automerge-paper").is_file()
    assert bench_traces.concurrent_path("clownschool").is_file()


def test_warm_up_runs_as_the_js_runner_does(monkeypatch) -> None:
    """At least one untimed run, then more while under the run and time limits."""
    calls: list[int] = []
    monkeypatch.setenv("CRDTCORE_BENCH_WARMUP_RUNS", "5")
    monkeypatch.setenv("CRDTCORE_BENCH_WARMUP_MS", "500")
    assert warm_up_runs(lambda: calls.append(1)) == 5
    assert len(calls) == 5
    monkeypatch.setenv("CRDTCORE_BENCH_WARMUP_MS", "0")
    assert warm_up_runs(lambda: calls.append(1)) == 1  # the first run always happens
    monkeypatch.setenv("CRDTCORE_BENCH_WARMUP_RUNS", "0")
    monkeypatch.setenv("CRDTCORE_BENCH_WARMUP_MS", "500")
    assert warm_up_runs(lambda: calls.append(1)) == 1
