"""bench/harness/plots.py: which figures a results document yields (drawn, never shown)."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from harness import plots


def b4x10(build, lib: str, us_last: float):
    cps = build.checkpoints(per_pass=1000, us_first=1.0, us_last=us_last)
    sample = build.record(cps[-1]["ms"], extra={"checkpoints": cps})
    return build.cell_result(lib, "b4x10", "automerge-paper", "growth_history", [sample])


def test_growth_history_draws_time_per_patch_and_memory_from_checkpoints(build) -> None:
    doc = build.document([b4x10(build, "crdtcore-cpp", 1.0), b4x10(build, "yjs", 5.0)])
    fig = plots.growth_history(doc)
    total, per_patch, memory = fig.axes
    assert [len(ax.get_lines()) for ax in fig.axes] == [2, 2, 2]
    xs, ys = per_patch.get_lines()[1].get_data()
    assert len(xs) == 19 and xs[-1] == 10000
    assert ys[0] == pytest.approx(1.0) and ys[-1] == pytest.approx(5.0)
    assert memory.get_lines()[0].get_data()[0][-1] == 10000
    assert total.get_legend() is not None


def test_growth_history_without_checkpoints_has_no_figure(build) -> None:
    doc = build.document([build.cell_result("yjs", "b4x10", "automerge-paper", "growth_history")])
    assert plots.growth_history(doc) is None


def test_figures_keeps_only_groups_with_data_and_crdt_gets_b4x10(build) -> None:
    doc = build.document(
        [
            build.cell_result("crdtcore-cpp"),
            build.cell_result("yjs", error="timeout after 300 s"),
            b4x10(build, "crdtcore-cpp", 1.0),
        ]
    )
    figs = plots.figures(doc)
    assert set(figs) == {"replay", "crdt", "growth_history"}


def test_save_all_writes_one_png_per_figure(build, tmp_path) -> None:
    doc = build.document([build.cell_result("crdtcore-cpp"), b4x10(build, "yjs", 2.0)])
    saved = plots.save_all(doc, tmp_path)
    assert saved == {
        "replay": "replay.png",
        "crdt": "crdt.png",
        "growth_history": "growth_history.png",
    }
    assert all((tmp_path / name).stat().st_size > 1000 for name in saved.values())


def test_comparison_draws_warm_bars_and_dashed_cold_outlines_with_a_legend(build) -> None:
    extra = {"warm_ms": 8.0, "warm_times_ms": [8.0], "warm_stable": True}
    doc = build.document(
        [
            build.cell_result("crdtcore-cpp", samples=[build.record(10.0)]),
            build.cell_result("diamond-types", samples=[build.record(30.0, extra=extra)]),
        ]
    )
    fig = plots.comparison(doc, "replay")
    (ax,) = fig.axes
    heights = sorted(round(p.get_height(), 6) for p in ax.patches)
    assert heights == [8.0, 10.0, 30.0]  # crdtcore, diamond-types warm, its cold outline
    dashed = [p for p in ax.patches if not p.get_fill()]
    assert [p.get_height() for p in dashed] == [30.0] and dashed[0].get_linestyle() == "--"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("warm" in t for t in legend) and any("cold" in t for t in legend)
    plain = build.document([build.cell_result("crdtcore-cpp"), build.cell_result("yjs")])
    texts = [
        t.get_text() for t in plots.comparison(plain, "replay").axes[0].get_legend().get_texts()
    ]
    assert not any("warm" in t for t in texts)


def clients(build, lib: str, memory: dict[int, float]):
    """growth_clients cells of one library: {clients: mem_bytes}."""
    return [
        build.cell_result(
            lib,
            f"growth:b3:{n}",
            f"growth:b3:{n}",
            "growth_clients",
            [build.record(0.01 * n, mem_bytes=mem)],
            x=n,
        )
        for n, mem in memory.items()
    ]


def test_growth_clients_never_draws_a_non_positive_memory_on_the_log_axis(build) -> None:
    doc = build.document(
        clients(build, "crdtcore-cpp", {10: 3000.0, 100: 30000.0, 1000: 300000.0})
        + clients(build, "yjs", {10: 28000.0, 100: 0.0, 1000: 500000.0})
    )
    fig = plots.growth_clients(doc)
    time_ax, memory = fig.axes
    yjs_line = next(line for line in memory.get_lines() if line.get_label() == "Yjs")
    ys = list(yjs_line.get_ydata())
    assert ys[0] > 0 and ys[2] > 0 and ys[1] != ys[1]  # NaN: the line is broken at 100
    markers = [line for line in memory.get_lines() if line.get_marker() == "v"]
    assert len(markers) == 1 and list(markers[0].get_xdata()) == [100]
    assert markers[0].get_color() == plots.colour("yjs")
    texts = [t.get_text() for t in memory.get_legend().get_texts()]
    assert any("not measurable" in t for t in texts)
    assert time_ax.get_legend() is not None


def test_colours_are_the_package_palette() -> None:
    from crdtcore.palette import LIBRARIES, OTHER

    assert plots.colour("yjs") == LIBRARIES["yjs"]
    assert plots.colour("crdtcore-py") == LIBRARIES["crdtcore-py"]
    assert plots.colour("a library nobody knows") == OTHER


def test_load_memory_draws_the_positive_memory_of_each_loaded_document(build) -> None:
    def load(lib: str, input_: str, mem: int):
        return build.cell_result(lib, "load", input_, samples=[build.record(1.0, mem_bytes=mem)])

    doc = build.document(
        [
            load("crdtcore-cpp", "alpha", 1000),
            load("yjs", "alpha", 3000),
            load("crdtcore-cpp", "beta", 2000),
            load("yjs", "beta", 0),  # below the measurement's resolution: not drawn
            build.cell_result("pycrdt", "load", "alpha", error="timeout after 300 s"),
        ]
    )
    fig = plots.load_memory(doc)
    (ax,) = fig.axes
    heights = sorted(bar.get_height() for bar in ax.patches)
    assert heights == [n / 2**20 for n in (1000, 2000, 3000)]  # in MB
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["crdtcore C++", "Yjs"]
    assert "load_memory" in plots.figures(doc)
    # A document without a load memory figure has no such plot.
    assert plots.load_memory(build.document([build.cell_result("crdtcore-cpp")])) is None
