"""bench/harness/report.py and targets.py: ratios, target marks, failures, growth tables."""

from __future__ import annotations

import pytest
from harness import report, targets


def replay_doc(build, times: dict[str, float | str], input_: str = "alpha") -> dict:
    """One replay row: a median per library, or an error string for a failed cell."""
    cells = []
    for lib, value in times.items():
        if isinstance(value, str):
            cells.append(build.cell_result(lib, input_=input_, error=value))
        else:
            cells.append(build.cell_result(lib, input_=input_, samples=[build.record(value)]))
    return build.document(cells)


def row(table: str, name: str) -> list[str]:
    line = next(line for line in table.splitlines() if line.startswith(f"| {name} |"))
    return [col.strip() for col in line.strip("|").split("|")]


@pytest.mark.parametrize(
    ("ms", "text"),
    [(None, "—"), (0.5, "500 µs"), (12.34, "12.3 ms"), (999.0, "999 ms"), (60000.0, "60 s")],
)
def test_fmt_ms(ms, text) -> None:
    assert report.fmt_ms(ms) == text


def test_fmt_bytes() -> None:
    assert [report.fmt_bytes(n) for n in (None, 512, 2048, 3 << 20)] == [
        "—",
        "512 B",
        "2 KB",
        "3 MB",
    ]
    # Just below the next unit: all four digits, never an exponent.
    assert report.fmt_bytes(1034 * 1000) == "1010 KB"
    assert report.fmt_bytes(1023 << 10) == "1023 KB"
    assert report.fmt_bytes(999 << 10) == "999 KB"


def test_time_table_ratio_is_crdtcore_over_the_fastest_peer(build) -> None:
    doc = replay_doc(build, {"crdtcore-cpp": 10.0, "yjs": 40.0, "diamond-types": 20.0})
    cols = row(report.time_table(doc, "replay"), "alpha")
    assert cols[-1] == "0.5 (diamond-types)"
    assert cols[2:5] == ["10 ms", "40 ms", "20 ms"]


def test_time_table_marks_targets_per_input(build) -> None:
    doc = replay_doc(build, {"crdtcore-cpp": 10.0, "crdtcore-py": 30.0, "yjs": 400.0, "loro": 20})
    table = report.time_table(doc, "replay", targets.evaluate(doc))
    marks = row(table, "alpha")[-1].split("<br>")
    assert "✅ C++ fastest" in marks
    assert "❌ Py 15x Yjs" in marks  # 400 / 30 < 15
    assert "❌ Py < Loro JS" in marks


@pytest.mark.parametrize(
    ("error", "mark"),
    [
        ("timeout: budget of 60 s exceeded after 4096 of 9999 patches", "> 60 s"),
        ("timeout after 300 s", "> 300 s"),
        ("unsupported: no text", "n/a"),
        ("wrong result: differs", "✗ (1)"),
    ],
)
def test_failed_cells_show_a_mark_and_only_errors_get_a_note(build, error, mark) -> None:
    doc = replay_doc(build, {"crdtcore-cpp": 10.0, "automerge": error})
    table = report.time_table(doc, "replay")
    assert row(table, "alpha")[3] == mark
    has_note = "(1) Automerge (JS), alpha: wrong result: differs" in table
    assert has_note is mark.startswith("✗")


def test_a_timed_out_peer_counts_as_slower_in_targets(build) -> None:
    budget = "timeout: budget of 60 s exceeded after 4096 of 9999 patches"
    doc = replay_doc(build, {"crdtcore-cpp": 10.0, "yjs": budget})
    every_peer = "C++ replay faster than every peer"
    (target,) = [t for t in targets.evaluate(doc) if t.name == every_peer]
    assert target.passed is True
    assert "yjs failed" in target.detail


def growth_doc(build, last: dict[str, float]) -> dict:
    cells = []
    for lib, us_last in last.items():
        cps = build.checkpoints(per_pass=1000, us_first=1.0, us_last=us_last)
        sample = build.record(cps[-1]["ms"], extra={"checkpoints": cps})
        cells.append(build.cell_result(lib, "b4x10", "automerge-paper", "growth_history", [sample]))
    return build.document(cells)


def test_flat_growth_target_compares_the_last_pass_with_the_first(build) -> None:
    doc = growth_doc(build, {"crdtcore-cpp": 1.2, "crdtcore-py": 1.5, "yjs": 9.0})
    flat = {t.lib: t for t in targets.evaluate(doc) if t.name == targets.FLAT_GROWTH_NAME}
    assert set(flat) == {"crdtcore-cpp", "crdtcore-py"}
    assert flat["crdtcore-cpp"].passed is True
    assert flat["crdtcore-cpp"].ratio == pytest.approx(1.2)
    assert flat["crdtcore-py"].passed is False


def test_flat_growth_is_not_measured_without_checkpoints(build) -> None:
    doc = build.document(
        [build.cell_result("crdtcore-cpp", "b4x10", "automerge-paper", "growth_history")]
    )
    (flat,) = targets.evaluate(doc)
    assert (flat.passed, flat.detail) == (None, "b4x10 has no checkpoints")


def test_growth_tables_list_slices_passes_and_memory(build) -> None:
    doc = growth_doc(build, {"crdtcore-cpp": 1.0, "yjs": 10.0})
    text = report.growth_tables(doc)
    assert row(text, "10 %") == ["10 %", "100", "1", "1"]
    assert row(text, "pass 10") == ["pass 10", "10,000", "1", "10"]
    assert row(text, "10,000")[1:] == ["977 KB", "977 KB"]
    assert report.growth_tables(build.document([build.cell_result("yjs")])) == ""


def test_render_has_every_measured_group_and_the_b4x10_row_in_crdt(build) -> None:
    doc = growth_doc(build, {"crdtcore-cpp": 1.0})
    doc["cells"] += replay_doc(build, {"crdtcore-cpp": 5.0})["cells"]
    text = report.render(doc, {"replay": "results/replay.png"})
    assert "## " + report.TITLES["replay"] in text
    assert "## " + report.TITLES["growth_history"] in text
    assert "## " + report.TITLES["crdt"] in text
    assert "| B4X10 replay automerge-paper 10 times |" in text
    assert "![" + report.TITLES["replay"] + "](results/replay.png)" in text
    assert "1 passed, 0 missed" in text


def warm_cell(build, lib: str, cold: float, warm: float, input_: str = "alpha"):
    extra = {"warm_ms": warm, "warm_times_ms": [warm], "warm_stable": True}
    return build.cell_result(lib, input_=input_, samples=[build.record(cold, extra=extra)])


def test_a_warm_figure_is_shown_next_to_the_cold_one_and_the_ratio_uses_the_best(build) -> None:
    doc = build.document(
        [
            build.cell_result("crdtcore-cpp", samples=[build.record(10.0)]),
            warm_cell(build, "diamond-types", 30.0, 8.0),
            warm_cell(build, "yjs", 40.0, 50.0),
        ]
    )
    cols = row(report.time_table(doc, "replay"), "alpha")
    assert cols[2] == "10 ms"
    assert cols[3] == "cold **40 ms**<br>warm 50 ms"
    assert cols[4] == "cold 30 ms<br>warm **8 ms**"
    assert cols[-1] == "1.25 (diamond-types, warm)"
    assert "**Cold and warm:**" in report.render(doc)


def test_targets_compare_each_peer_at_its_warm_figure_when_it_is_faster(build) -> None:
    cold_only = build.document(
        [
            build.cell_result("crdtcore-cpp", samples=[build.record(10.0)]),
            build.cell_result("diamond-types", samples=[build.record(30.0)]),
        ]
    )
    warm = build.document(
        [
            build.cell_result("crdtcore-cpp", samples=[build.record(10.0)]),
            warm_cell(build, "diamond-types", 30.0, 8.0),
        ]
    )
    name = "C++ replay faster than every peer"
    (before,) = [t for t in targets.evaluate(cold_only) if t.name == name]
    (after,) = [t for t in targets.evaluate(warm) if t.name == name]
    assert before.passed is True and before.ratio == 3.0
    assert after.passed is False and after.ratio == 0.8
    assert "diamond-types (warm) at 0.8x" in after.detail


def test_crdtcore_with_a_warm_figure_is_shown_and_compared_like_a_peer(build) -> None:
    """The C++ and Python runners report a warm figure too: both are shown, and the ratio and
    the targets take crdtcore at its best as well."""
    doc = build.document(
        [
            warm_cell(build, "crdtcore-cpp", 12.0, 10.0),
            build.cell_result("diamond-types", samples=[build.record(30.0)]),
        ]
    )
    cols = row(report.time_table(doc, "replay"), "alpha")
    assert cols[2] == "cold 12 ms<br>warm **10 ms**"
    assert cols[-1] == "0.333 (diamond-types)"
    (t,) = [t for t in targets.evaluate(doc) if t.name == "C++ replay faster than every peer"]
    assert t.passed is True and t.ratio == 3.0
    assert "crdtcore included" in report.render(doc)


@pytest.mark.parametrize(("cjs_ms", "passed", "ratio"), [(5.0, False, 5.0), (500.0, True, 40.0)])
def test_targets_take_the_best_variant_of_a_peer(build, cjs_ms, passed, ratio) -> None:
    doc = build.document(
        [
            build.cell_result("crdtcore-py", samples=[build.record(1.0)]),
            build.cell_result("yjs", samples=[build.record(40.0)]),
            build.cell_result("yjs-cjs", samples=[build.record(cjs_ms)]),
        ]
    )
    (t,) = [
        t for t in targets.evaluate(doc) if t.name == "Python replay >= 15x faster than Yjs (node)"
    ]
    assert (t.passed, t.ratio) == (passed, ratio)
    assert ("yjs (yjs-cjs)" in t.detail) is (cjs_ms < 40.0)
    # a variant is never a separate peer of the "every peer" target
    assert all(
        "yjs-cjs" not in t.detail or "yjs (yjs-cjs)" in t.detail for t in targets.evaluate(doc)
    )


@pytest.mark.parametrize(("dt_warm", "passed"), [(25.0, True), (15.0, False)])
def test_cpp_replay_must_be_twice_as_fast_as_diamond_types_at_its_warm_figure(
    build, dt_warm, passed
) -> None:
    doc = build.document(
        [
            build.cell_result("crdtcore-cpp", samples=[build.record(10.0)]),
            warm_cell(build, "diamond-types", 100.0, dt_warm),
        ]
    )
    (t,) = [t for t in targets.evaluate(doc) if t.name == targets.DT_NAME]
    assert (t.passed, t.ratio) == (passed, dt_warm / 10.0)
    assert "diamond-types (warm)" in t.detail


@pytest.mark.parametrize(("ms", "passed"), [(24.0, True), (26.0, False)])
def test_the_absolute_replay_figure_is_checked_on_its_trace_only(build, ms, passed) -> None:
    trace, limit = targets.ABSOLUTE_REPLAY
    doc = build.document(
        [
            build.cell_result("crdtcore-cpp", input_=trace, samples=[build.record(ms)]),
            build.cell_result("crdtcore-cpp", input_="other", samples=[build.record(ms)]),
        ]
    )
    found = [t for t in targets.evaluate(doc) if t.name == targets.ABSOLUTE_NAME]
    assert [(t.input, t.passed) for t in found] == [(trace, passed)]
    assert found[0].detail == f"median {ms:g} ms (limit {limit:g} ms)"
    failed = build.document([build.cell_result("crdtcore-cpp", input_=trace, error="crash")])
    (t,) = [t for t in targets.evaluate(failed) if t.name == targets.ABSOLUTE_NAME]
    assert t.passed is None


@pytest.mark.parametrize("group", sorted(targets.REMOTE_NAMES))
def test_remote_update_targets_hold_cpp_and_python_against_every_peer(build, group) -> None:
    doc = build.document(
        [
            build.cell_result("crdtcore-cpp", group, "alpha", group, [build.record(5.0)]),
            build.cell_result("crdtcore-py", group, "alpha", group, [build.record(20.0)]),
            build.cell_result("json-joy", group, "alpha", group, [build.record(10.0)]),
            build.cell_result("yjs", group, "alpha", group, error="crash"),
        ]
    )
    found = {t.lib: t for t in targets.evaluate(doc) if t.name == targets.REMOTE_NAMES[group]}
    assert found["crdtcore-cpp"].passed is True and found["crdtcore-cpp"].ratio == 2.0
    assert found["crdtcore-py"].passed is False and found["crdtcore-py"].ratio == 0.5
    assert "yjs failed" in found["crdtcore-py"].detail


def test_render_shows_the_memory_figure_in_the_load_section(build) -> None:
    doc = build.document(
        [build.cell_result("crdtcore-cpp", "load"), build.cell_result("crdtcore-cpp", "encode")]
    )
    text = report.render(doc, {"load": "results/load.png", "load_memory": "results/mem.png"})
    load_at = text.index("## " + report.TITLES["load"])
    image_at = text.index("![Memory of a loaded document](results/mem.png)")
    assert load_at < image_at
    # The memory figure closes the load section: no other section begins between them.
    assert "\n## " not in text[load_at + 3 : image_at]
    assert "results/mem.png" not in report.render(doc, {"load": "results/load.png"})
