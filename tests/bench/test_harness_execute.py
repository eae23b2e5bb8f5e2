"""bench/harness/execute.py against stand-in runners: outcomes, order, dropping, timeouts."""

from __future__ import annotations

import io

import pytest
from harness import execute
from harness.plan import Cell

A = Cell("crdtcore-cpp", "replay", "alpha", "replay")
B = Cell("pycrdt", "replay", "alpha", "replay")
C = Cell("yjs", "replay", "alpha", "replay")


def run(cells, runs=2, warmup=1, timeout_s=20.0, jobs=1):
    return execute.run_all(cells, runs, warmup, timeout_s, jobs=jobs, show_progress=False)


def test_an_ok_call_returns_the_runner_line_plus_wall_time(fake_runners) -> None:
    fake_runners.script({"crdtcore-cpp": {"ms": 12.5}})
    rec = execute.call(A, 20.0)
    assert rec["ok"] is True
    assert rec["ms"] == 12.5
    assert rec["version"] == "cpp-1.0"
    assert rec["returncode"] == 0
    assert rec["wall_s"] > 0


@pytest.mark.parametrize(
    ("how", "error"),
    [
        ({"mode": "wrong"}, "wrong result: text differs"),
        ({"mode": "crash"}, "exit code 3: ValueError: boom"),
        ({"mode": "signal"}, "killed by SIGSEGV"),
        ({"mode": "garbage"}, "no JSON line on stdout"),
        ({"mode": "exit_after_ok"}, "exit code 4 after ok=true"),
        ({"mode": "no_ms"}, "ok=true but ms=None"),
    ],
    ids=lambda v: v if isinstance(v, str) else v["mode"],
)
def test_a_failing_call_becomes_ok_false_with_the_reason(fake_runners, how, error) -> None:
    fake_runners.script({"default": how})
    rec = execute.call(A, 20.0)
    assert rec["ok"] is False
    assert rec["error"] == error


def test_a_call_past_the_timeout_is_killed(fake_runners) -> None:
    fake_runners.script({"default": {"mode": "sleep"}})
    rec = execute.call(A, 0.5)
    assert rec == {"ok": False, "error": "timeout after 0.5 s", "wall_s": rec["wall_s"],
                   "returncode": None}  # fmt: skip
    assert rec["wall_s"] < 10
    assert execute.timeout_of(rec["error"]) == 0.5


def test_calls_are_interleaved_warmup_first_then_rounds(fake_runners) -> None:
    other = Cell("crdtcore-cpp", "replay", "zeta", "replay")
    measured = run([A, B, C, other], runs=2, warmup=1)
    names = [(lib, inp) for lib, _, inp in fake_runners.calls()]
    alpha = [("crdtcore-cpp", "alpha"), ("pycrdt", "alpha"), ("yjs", "alpha")]
    assert names == alpha * 3 + [("crdtcore-cpp", "zeta")] * 3
    for res in measured:
        assert res.ok
        assert res.warmup is not None and res.warmup["counted"] is False
        assert [s["counted"] for s in res.samples] == [True, True]


def test_a_failing_cell_is_dropped_from_its_slot_and_the_rest_continue(fake_runners) -> None:
    fake_runners.script({"pycrdt": {"mode": "wrong", "ok_calls": 2}})
    measured = run([A, B, C], runs=3, warmup=1)
    libs = [lib for lib, _, _ in fake_runners.calls()]
    assert libs.count("pycrdt") == 3  # warm-up, run 1 ok; run 2 fails; run 3 never made
    assert libs.count("crdtcore-cpp") == libs.count("yjs") == 4
    by_lib = {r.cell.lib: r for r in measured}
    assert not by_lib["pycrdt"].ok
    assert by_lib["pycrdt"].error == "wrong result: text differs"
    assert len(by_lib["pycrdt"].samples) == 2
    assert by_lib["yjs"].ok and len(by_lib["yjs"].samples) == 3


def test_a_failed_cell_still_runs_in_its_next_slot(fake_runners) -> None:
    fake_runners.script({"pycrdt replay alpha": {"mode": "crash"}})
    later = Cell("pycrdt", "replay", "zeta", "replay")
    measured = run([A, B, later], runs=1, warmup=0)
    assert [r.ok for r in measured] == [True, False, True]


def test_parallel_jobs_measure_the_same_cells(fake_runners) -> None:
    fake_runners.script({"yjs": {"mode": "unsupported"}})
    measured = run([A, B, C], runs=2, warmup=0, jobs=2)
    assert [r.ok for r in measured] == [True, True, False]
    assert sorted(fake_runners.calls()).count(("yjs", "replay", "alpha")) == 1
    assert len(fake_runners.calls()) == 5


def test_print_failures_counts_failures_but_not_unsupported(fake_runners) -> None:
    fake_runners.script({"pycrdt": {"mode": "wrong"}, "yjs": {"mode": "unsupported"}})
    measured = run([A, B, C], runs=1, warmup=0)
    out = io.StringIO()
    assert execute.print_failures(measured, stream=out) == 1
    assert out.getvalue() == "FAIL pycrdt replay alpha: wrong result: text differs\n"


@pytest.mark.parametrize(
    ("error", "limit"),
    [
        ("timeout after 300 s", 300.0),
        ("timeout: budget of 60 s exceeded after 4096 of 9999 patches", 60.0),
        ("timeout: budget of 0.5 s exceeded after 1024 of 26078 txns", 0.5),
        ("wrong result: timeout after 3 s in the text", None),
        (None, None),
    ],
)
def test_timeout_of_parses_both_kinds_of_timeout(error, limit) -> None:
    assert execute.timeout_of(error) == limit


@pytest.mark.parametrize(
    ("error", "expected"),
    [("unsupported: no arrays", True), ("Unavailable: x", True), ("wrong result", False)],
)
def test_is_unsupported(error, expected) -> None:
    assert execute.is_unsupported(error) is expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_warm_up_calls_skip_the_warm_repeats_and_counted_calls_keep_them(
    fake_runners, monkeypatch, jobs
) -> None:
    import json

    monkeypatch.setenv("CRDTCORE_BENCH_WARM_REPEATS", "7")
    run([A, C], runs=2, warmup=1, jobs=jobs)
    lines = fake_runners.log_path.read_text(encoding="utf-8").splitlines()
    seen = [(c["lib"], c["warm_repeats"]) for c in map(json.loads, lines)]
    assert sorted(seen[:2]) == [("crdtcore-cpp", "0"), ("yjs", "0")]
    assert sorted(seen[2:]) == [("crdtcore-cpp", "7")] * 2 + [("yjs", "7")] * 2
