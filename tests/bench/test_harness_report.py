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
    (target,) = [t for t in targets.evaluate(doc) if t.lib == "crdtcore-cpp"]
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
