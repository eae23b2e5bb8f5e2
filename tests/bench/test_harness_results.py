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
