"""bench/run.py end to end on stand-in runners: --quick's exit status, the files it writes."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest
from harness import plan

RUN_PY = Path(__file__).resolve().parents[2] / "bench" / "run.py"


@pytest.fixture(scope="module")
def run_py():
    spec = importlib.util.spec_from_file_location("bench_run", RUN_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quick(run_py, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "quick.json"
    code = run_py.main(["--quick", "--no-progress", "--output", str(out), *extra])
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_quick_passes_when_every_library_is_right(fake_runners, run_py, tmp_path, capsys) -> None:
    fake_runners.script({"loro": {"mode": "unsupported"}})
    code, doc = quick(run_py, tmp_path)
    assert code == 0
    assert len(doc["cells"]) == len(plan.DEFAULT_LIBS)
    assert {c["input"] for c in doc["cells"]} == {plan.QUICK_TRACE}
    assert doc["config"]["quick"] is True and doc["config"]["jobs"] == 2
    summary = capsys.readouterr().out
    assert "n/a  loro" in summary


@pytest.mark.parametrize("mode", ["wrong", "crash", "budget"])
def test_quick_fails_when_a_library_is_wrong_crashes_or_times_out(
    fake_runners, run_py, tmp_path, capsys, mode
) -> None:
    fake_runners.script({"ywasm": {"mode": mode}})
    code, doc = quick(run_py, tmp_path)
    assert code == 1
    (failed,) = [c for c in doc["cells"] if not c["ok"]]
    assert failed["lib"] == "ywasm"
    assert "FAIL ywasm replay" in capsys.readouterr().err


def test_budget_is_exported_to_the_runners(fake_runners, run_py, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CRDTCORE_BENCH_BUDGET_S", "0")  # restored after the test
    code, doc = quick(run_py, tmp_path, "--budget-s", "7.5", "--libs", "yjs")
    assert code == 0
    assert doc["config"]["budget_s"] == 7.5
    assert os.environ["CRDTCORE_BENCH_BUDGET_S"] == "7.5"


def test_dry_run_prints_one_command_per_cell(fake_runners, run_py, capsys) -> None:
    assert run_py.main(["--dry-run", "--workloads", "growth_history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(plan.GROWTH_LIBS)
    assert all(line.endswith("--workload b4x10 --input automerge-paper") for line in lines)
    assert fake_runners.calls() == []


def test_quick_asks_the_runners_for_a_few_warm_repeats(
    fake_runners, run_py, tmp_path, monkeypatch
) -> None:
    for name in ("CRDTCORE_BENCH_WARM_REPEATS", "CRDTCORE_BENCH_WARM_S"):
        monkeypatch.setenv(name, "")  # restored after the test
    extra = {"warm_ms": 0.5, "warm_times_ms": [0.7, 0.5, 0.5], "warm_stable": True}
    fake_runners.script({"diamond-types": {"ms": 2.0, "record": {"extra": extra}}})
    code, doc = quick(run_py, tmp_path, "--libs", "diamond-types,crdtcore-cpp")
    assert code == 0
    assert os.environ["CRDTCORE_BENCH_WARM_REPEATS"] == str(run_py.QUICK_WARM_REPEATS)
    assert doc["config"]["warm_repeats"] == run_py.QUICK_WARM_REPEATS
    dt = next(c for c in doc["cells"] if c["lib"] == "diamond-types")
    assert (dt["median_ms"], dt["warm_median_ms"]) == (2.0, 0.5)
