"""bench/harness/plan.py: which cells a selection plans, their slots and runner commands."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from harness import plan
from harness.plan import Cell, Selection

GROWTH = list(plan.GROWTH_LIBS)


def planned(fake_runners, **selection) -> list[Cell]:
    return plan.plan(Selection(**selection))


def test_runner_override_is_split_into_argv(fake_runners) -> None:
    argv = plan.runner_argv(Cell("yjs", "replay", "alpha", "replay"))
    assert argv[:2] == [sys.executable, str(Path(__file__).parent / "fake_runner.py")]
    assert argv[2:] == ["--kind", "js", "--lib", "yjs", "--workload", "replay", "--input", "alpha"]


def test_missing_runners_are_skipped_with_a_reason(
    traces, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for kind in ("CPP", "PY", "JS"):
        monkeypatch.delenv(f"CRDTCORE_BENCH_RUNNER_{kind}", raising=False)
    monkeypatch.setattr(plan, "ROOT", tmp_path)  # no build, no scripts
    sel = Selection(libs=("crdtcore-cpp", "yjs"))
    assert plan.plan(sel) == []
    assert sel.skipped_libs == {
        "crdtcore-cpp": "cpp runner not found",
        "yjs": "js runner not found",
    }


def test_trace_group_is_input_major_over_every_library(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("replay",), libs=("yjs", "crdtcore-cpp"))
    assert [(c.input, c.lib) for c in cells] == [
        ("alpha", "yjs"),
        ("alpha", "crdtcore-cpp"),
        ("json-crdt-patch", "yjs"),
        ("json-crdt-patch", "crdtcore-cpp"),
        ("zeta", "yjs"),
        ("zeta", "crdtcore-cpp"),
    ]
    assert {c.group for c in cells} == {"replay"}


def test_concurrent_group_uses_the_concurrent_traces(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("concurrent",), libs=("pycrdt",))
    assert cells == [Cell("pycrdt", "concurrent", "crowd", "concurrent")]


def test_slots_group_the_libraries_of_one_comparison_in_plan_order(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("replay", "load"), libs=("yjs", "pycrdt"))
    grouped = plan.slots(cells)
    assert len(grouped) == 6
    assert [[c.lib for c in slot] for slot in grouped] == [["yjs", "pycrdt"]] * 6
    assert [slot[0].slot for slot in grouped][:2] == [
        ("replay", "replay", "alpha"),
        ("replay", "replay", "json-crdt-patch"),
    ]


def test_quick_is_one_replay_slot_of_the_quick_trace_for_every_library(fake_runners) -> None:
    cells = planned(fake_runners, quick=True)
    assert {c.slot for c in cells} == {("replay", "replay", plan.QUICK_TRACE)}
    assert [c.lib for c in cells] == list(plan.DEFAULT_LIBS)


def test_quick_without_the_quick_trace_takes_the_first_slot(fake_runners) -> None:
    cells = planned(fake_runners, quick=True, workloads=("concurrent",), libs=("yjs",))
    assert cells == [Cell("yjs", "concurrent", "crowd", "concurrent")]


def test_growth_history_is_one_b4x10_cell_per_growth_library(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("growth_history",))
    assert cells == [Cell(lib, "b4x10", "automerge-paper", "growth_history") for lib in GROWTH]


def test_named_libraries_all_run_the_growth_cells(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("growth_history",), libs=("automerge", "yjs"))
    assert [c.lib for c in cells] == ["automerge", "yjs"]


def test_crdt_and_growth_history_share_the_b4x10_cells(fake_runners) -> None:
    both = planned(fake_runners, workloads=("crdt", "growth_history"))
    b4x10 = [c for c in both if c.workload == "b4x10"]
    assert [c.lib for c in b4x10] == GROWTH
    assert {c.group for c in b4x10} == {"growth_history"}
    crdt_only = planned(fake_runners, workloads=("crdt",))
    assert both == crdt_only
    assert len(set(both)) == len(both)


def test_crdt_plans_every_case_for_every_library_but_b4x10(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("crdt",))
    b1 = [c for c in cells if c.workload == "b1.1"]
    assert len(b1) == len(plan.DEFAULT_LIBS)
    assert b1[0].input == f"b1.1:{plan.CRDT_N}"
    assert [c.input for c in cells if c.workload == "b4"][:1] == ["b4"]


def test_growth_clients_are_b3_points_of_the_growth_libraries(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("growth_clients",))
    assert len(cells) == len(plan.CLIENT_COUNTS) * len(GROWTH)
    first = cells[0]
    assert (first.workload, first.input, first.group, first.x) == (
        "growth:b3:10",
        "b3:10",
        "growth_clients",
        10.0,
    )


@pytest.mark.parametrize(
    ("name", "group", "x"),
    [
        ("growth:b4:50", "growth_history", 0.5),
        ("growth:b4x:3", "growth_history", 3.0),
        ("growth:b3:20", "growth_clients", 20.0),
    ],
)
def test_a_growth_point_can_be_asked_for_by_name(fake_runners, name, group, x) -> None:
    cells = planned(fake_runners, workloads=(name,), libs=("crdtcore-cpp",))
    assert [(c.workload, c.group, c.x) for c in cells] == [(name, group, x)]


def test_a_single_workload_takes_its_group(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("b3.2",), libs=("yjs",))
    assert cells == [Cell("yjs", "b3.2", f"b3.2:{plan.CRDT_N}", "crdt")]


def test_inputs_filter_the_cells(fake_runners) -> None:
    cells = planned(fake_runners, workloads=("replay",), inputs=("zeta",), libs=("yjs",))
    assert cells == [Cell("yjs", "replay", "zeta", "replay")]


def test_sample_is_quick_plus_the_growth_cells(fake_runners) -> None:
    cells = planned(fake_runners, sample=True)
    assert {c.workload for c in cells} == {"replay", *plan.SAMPLE_GROWTH}
    assert {c.lib for c in cells if c.workload != "replay"} == set(GROWTH)
    assert {c.input for c in cells if c.workload == "replay"} == {plan.QUICK_TRACE}


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ({"libs": ("nope",)}, "unknown libraries"),
        ({"workloads": ("warp",)}, "unknown workload 'warp'"),
    ],
)
def test_unknown_names_raise(fake_runners, selection, message) -> None:
    with pytest.raises(ValueError, match=message):
        plan.plan(Selection(**selection))


def test_a_variant_is_planned_only_when_named_and_belongs_to_its_library(fake_runners) -> None:
    assert "yjs-cjs" in plan.LIBS and "yjs-cjs" not in plan.DEFAULT_LIBS
    assert plan.family("yjs-cjs") == "yjs" and plan.family("yjs") == "yjs"
    assert "yjs-cjs" not in {c.lib for c in planned(fake_runners, workloads=("replay",))}
    named = planned(fake_runners, workloads=("replay",), libs=("yjs", "yjs-cjs"))
    assert {c.lib for c in named} == {"yjs", "yjs-cjs"}
