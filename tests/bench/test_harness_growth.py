"""bench/harness/growth.py: b4x10 checkpoints -> slices, passes, memory, the flat ratio."""

from __future__ import annotations

import doctest

import pytest
from harness import growth


def test_module_examples() -> None:
    assert doctest.testmod(growth).failed == 0


def test_segments_are_ten_slices_of_pass_one_then_each_pass(build) -> None:
    cps = build.checkpoints(per_pass=1000, us_first=2.0, us_last=4.0)
    segs = growth.segments(cps)
    assert [s.label for s in segs][:3] == ["10 %", "20 %", "30 %"]
    assert [s.label for s in segs][9:] == ["100 %", *(f"pass {k}" for k in range(2, 11))]
    assert [(s.start, s.end) for s in segs][:2] == [(0, 100), (100, 200)]
    assert (segs[-1].start, segs[-1].end) == (9000, 10000)
    assert segs[0].us_per_patch == pytest.approx(2.0)
    assert segs[-1].us_per_patch == pytest.approx(4.0)


def test_passes_are_marginal_per_pass(build) -> None:
    cps = build.checkpoints(per_pass=1000, us_first=1.0, us_last=1.9)
    per_pass = [round(p.us_per_patch, 6) for p in growth.passes(cps)]
    assert per_pass == [round(1.0 + 0.1 * k, 6) for k in range(10)]
    assert growth.passes(cps)[0].label == "pass 1"


@pytest.mark.parametrize(("last", "ratio"), [(1.0, 1.0), (1.3, 1.3), (2.6, 2.6)])
def test_flat_ratio_is_last_pass_over_first(build, last, ratio) -> None:
    assert growth.flat_ratio(build.checkpoints(us_first=1.0, us_last=last)) == pytest.approx(ratio)


def test_too_few_checkpoints_give_no_curves(build) -> None:
    assert growth.segments(build.checkpoints()[:9]) == []
    assert growth.passes([]) == []
    assert growth.flat_ratio(build.checkpoints(passes=1)) is None


def test_memory_skips_checkpoints_without_a_reading(build) -> None:
    cps = build.checkpoints(per_pass=1000)
    cps[3]["mem_bytes"] = None
    points = growth.memory(cps)
    assert len(points) == 18
    assert points[0] == (100, 10000)
    assert points[-1] == (10000, 1000000)


def test_median_checkpoints_ignores_failed_and_mismatched_runs(build) -> None:
    good = [build.checkpoints(us_first=u, us_last=u) for u in (1.0, 2.0)]
    other = build.checkpoints(per_pass=999)
    samples = [
        build.record(1.0, extra={"checkpoints": good[0]}),
        build.record(1.0, extra={"checkpoints": good[1]}),
        build.record(1.0, extra={"checkpoints": other}),  # other counts than the first
        build.record(ok=False, extra={"checkpoints": other}),
        build.record(1.0),  # no checkpoints at all
    ]
    points = growth.median_checkpoints(samples)
    assert [p["patches"] for p in points] == [p["patches"] for p in good[0]]
    assert points[-1]["ms"] == pytest.approx((good[0][-1]["ms"] + good[1][-1]["ms"]) / 2)
    assert growth.median_checkpoints([build.record(1.0)]) is None


@pytest.mark.parametrize(
    "extra",
    [None, {}, {"checkpoints": []}, {"checkpoints": "x"}, {"checkpoints": [{"ms": 1}]}],
)
def test_malformed_checkpoints_are_ignored(build, extra) -> None:
    assert growth.checkpoints_of(build.record(1.0, extra=extra)) is None
