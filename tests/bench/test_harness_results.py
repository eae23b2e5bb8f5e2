"""bench/harness/results.py: summaries of the counted runs, merging, the crdt/growth share."""

from __future__ import annotations

import json

import pytest
from harness import results


def test_summary_is_median_min_max_of_the_counted_ok_runs(build) -> None:
    res = build.cell_result(
        "yjs", samples=[build.record(30.0), build.record(10.0, mem_bytes=500), build.record(20.0)]
    )
    res.warmup = build.record(1.0, counted=False)
    entry = results.summarize(res)
    assert (entry["median_ms"], entry["min_ms"], entry["max_ms"]) == (20.0, 10.0, 30.0)
    assert (entry["mem_bytes"], entry["mem_min"], entry["mem_max"]) == (1000.0, 500.0, 1000.0)
    assert entry["runs"] == 3
    assert entry["ok"] is True and entry["error"] is None
    assert entry["version"] == "1.0"
    assert entry["checkpoints"] is None
    assert entry["warmup"]["ms"] == 1.0


def test_an_even_number_of_runs_takes_the_middle_mean(build) -> None:
    res = build.cell_result("yjs", samples=[build.record(ms) for ms in (1.0, 2.0, 4.0, 9.0)])
    assert results.summarize(res)["median_ms"] == 3.0


def test_a_failed_cell_keeps_its_error_and_good_runs_only(build) -> None:
    samples = [build.record(5.0), build.record(ok=False)]
    res = build.cell_result("pycrdt", samples=samples, error="wrong result: differs")
    entry = results.summarize(res)
    assert entry["ok"] is False
    assert entry["unsupported"] is False
    assert entry["runs"] == 1 and entry["median_ms"] == 5.0
    unsupported = results.summarize(build.cell_result("loro", error="unsupported: no maps"))
    assert unsupported["unsupported"] is True and unsupported["median_ms"] is None


def test_b4x10_cells_get_the_median_of_each_checkpoint(build) -> None:
    runs = [build.checkpoints(us_first=u, us_last=u) for u in (1.0, 3.0, 2.0)]
    samples = [build.record(cps[-1]["ms"], extra={"checkpoints": cps}) for cps in runs]
    entry = results.summarize(
        build.cell_result("yjs", "b4x10", "automerge-paper", "growth_history", samples)
    )
    points = entry["checkpoints"]
    assert len(points) == 19
    assert [p["ms"] for p in points] == [p["ms"] for p in runs[2]]  # the 2.0 µs run
    assert points[-1]["ms_min"] == runs[0][-1]["ms"]
    assert points[-1]["ms_max"] == runs[1][-1]["ms"]


def test_merge_keeps_the_old_cells_this_run_did_not_measure(build) -> None:
    old = build.document(
        [build.cell_result("yjs", input_="alpha"), build.cell_result("yjs", input_="zeta")]
    )
    old["versions"] = {"yjs": "13.6", "loro": "1.0"}
    old["skipped_libs"] = {"loro": "js runner not found", "pycrdt": "py runner not found"}
    new = build.document([build.cell_result("yjs", input_="zeta", samples=[build.record(7.0)])])
    new["versions"] = {"yjs": "13.7"}
    merged = results.merge(old, new)
    assert [(c["input"], c["median_ms"]) for c in merged["cells"]] == [
        ("alpha", 1.0),
        ("zeta", 7.0),
    ]
    assert merged["versions"] == {"yjs": "13.7", "loro": "1.0"}
    assert merged["skipped_libs"] == {"pycrdt": "py runner not found"}


def test_the_crdt_group_shows_the_b4x10_cells_of_growth_history(build) -> None:
    doc = build.document(
        [
            build.cell_result("yjs", "b4", "b4", "crdt"),
            build.cell_result("yjs", "b4x10", "automerge-paper", "growth_history"),
            build.cell_result("yjs", "growth:b4x:2", "automerge-paper", "growth_history", x=2.0),
        ]
    )
    crdt = results.cells_of(doc, "crdt")
    assert [(c["workload"], c["group"]) for c in crdt] == [("b4", "crdt"), ("b4x10", "crdt")]
    history = results.cells_of(doc, "growth_history")
    assert [c["group"] for c in history] == ["growth_history"] * 2
    assert doc["cells"][1]["group"] == "growth_history"  # a copy was relabelled


def test_save_then_load_round_trips_and_other_schemas_are_refused(build, tmp_path) -> None:
    doc = build.document([build.cell_result("yjs")])
    path = tmp_path / "out" / "latest.json"
    results.save(doc, path)
    assert results.load(path) == doc
    assert not path.with_suffix(".json.tmp").exists()
    path.write_text(json.dumps({**doc, "schema": 0}), encoding="utf-8")
    with pytest.raises(ValueError, match="schema 0"):
        results.load(path)


def test_lib_order_puts_known_libraries_first_in_canonical_order(build) -> None:
    doc = build.document([build.cell_result(lib) for lib in ("yjs", "zzz", "crdtcore-py")])
    assert results.lib_order(doc) == ["crdtcore-py", "yjs", "zzz"]


def warm_record(build, cold: float, warm: float | None, stable: bool = True) -> dict:
    extra = (
        {} if warm is None else {"warm_ms": warm, "warm_times_ms": [warm], "warm_stable": stable}
    )
    return build.record(cold, extra=extra)


def test_warm_summary_is_over_the_warm_figures_of_the_counted_ok_runs(build) -> None:
    samples = [
        warm_record(build, 100.0, 40.0),
        warm_record(build, 120.0, 60.0, stable=False),
        warm_record(build, 110.0, 50.0),
        build.record(ok=False),
    ]
    entry = results.summarize(build.cell_result("diamond-types", samples=samples))
    assert entry["median_ms"] == 110.0  # the cold figure, as before
    assert (entry["warm_median_ms"], entry["warm_min_ms"], entry["warm_max_ms"]) == (50, 40, 60)
    assert entry["warm_runs"] == 3 and entry["warm_stable"] == 2
    assert results.best_ms(entry) == 50.0 and results.best_is_warm(entry)


def test_best_is_the_cold_figure_when_warm_is_slower_or_absent(build) -> None:
    slower = results.summarize(build.cell_result("yjs", samples=[warm_record(build, 10.0, 12.0)]))
    assert results.best_ms(slower) == 10.0 and not results.best_is_warm(slower)
    plain = results.summarize(build.cell_result("crdtcore-cpp", samples=[build.record(7.0)]))
    assert plain["warm_median_ms"] is None and plain["warm_runs"] == 0
    assert results.best_ms(plain) == 7.0 and not results.best_is_warm(plain)
    failed = results.summarize(build.cell_result("yjs", error="wrong result: x"))
    assert results.best_ms(failed) is None


def test_a_results_file_without_warm_fields_still_loads_and_reports(build, tmp_path) -> None:
    from harness import report

    doc = build.document([build.cell_result("crdtcore-cpp"), build.cell_result("yjs")])
    for cell in doc["cells"]:  # as written before the warm figure existed
        for key in [k for k in cell if k.startswith("warm_")]:
            del cell[key]
    path = tmp_path / "old.json"
    results.save(doc, path)
    old = results.load(path)
    assert [results.best_ms(c) for c in old["cells"]] == [1.0, 1.0]
    text = report.render(old)
    assert "| alpha |" in text and "warm 1" not in text and "Cold and warm" not in text
