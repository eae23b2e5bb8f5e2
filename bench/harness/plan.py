"""The benchmark matrix: libraries, workload groups, inputs, and the runner command of each cell.

A *cell* is one (library, workload, input) measurement. Each runner (C++, Python, JS; the
protocol is in bench/README.md) measures exactly one cell per process and prints one JSON line:
bench_runner (build/cpp/bench), bench/python/runner.py and bench/js/runner.mjs, all started as
``RUNNER --lib L --workload W --input I``. This module only decides *what* to run;
bench/harness/execute.py runs it.

Workload groups (the names ``--workloads`` accepts, besides single workload names):

  replay, encode, load, replay_sync   every sequential trace in bench/traces/sequential
  concurrent                          every concurrent trace (python/crdtcore/sim/concurrent_traces)
  crdt                                crdt-benchmarks B1.1-B3.4, B4 (N = 6000), and B4x10
  growth_history                      B4x10 with checkpoints (bench/harness/growth.py)
  growth_clients                      B3.1 with 10..1000 clients

B4x10 and the growth groups run for the growth libraries only (crdtcore and Yjs, the issue's
minimum; B4x10 takes minutes for slow peers) unless --libs names libraries, which then all
run. The b4x10 cells belong to growth_history and the crdt table shows them too, so running
both groups measures them once. Single workloads ``growth:b4:P``, ``growth:b4x:K`` and
``growth:b3:C`` can be asked for by name; no group plans them. Libraries a runner cannot do
a workload for answer "unsupported" at once.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runner kinds: how to start the runner of each language.
KIND_CPP, KIND_PY, KIND_JS = "cpp", "py", "js"


@dataclass(frozen=True)
class Lib:
    """One library row in the tables.

    name: the --lib value its runner understands. kind: which runner measures it.
    label: the name shown in tables and plots. yjs_format: it reads and writes Yjs updates.
    python: it is driven through a Python API (the Python-API targets compare these).
    variant_of: another way to run the library named (e.g. Yjs's CommonJS build for "yjs"); the
    targets compare crdtcore with the best of a library's variants (targets.py).
    default: planned when --libs names no libraries (variants are not: --libs yjs-cjs).
    """

    name: str
    kind: str
    label: str
    yjs_format: bool = False
    python: bool = False
    variant_of: str | None = None
    default: bool = True

    @property
    def crdtcore(self) -> bool:
        return self.name.startswith("crdtcore")


LIBS: dict[str, Lib] = {
    lib.name: lib
    for lib in (
        Lib("crdtcore-cpp", KIND_CPP, "crdtcore C++", yjs_format=True),
        Lib("crdtcore-py", KIND_PY, "crdtcore Python", yjs_format=True, python=True),
        Lib("pycrdt", KIND_PY, "pycrdt", yjs_format=True, python=True),
        Lib("loro-py", KIND_PY, "loro (Python)", python=True),
        Lib("automerge-py", KIND_PY, "automerge (Python)", python=True),
        Lib("yjs", KIND_JS, "Yjs", yjs_format=True),
        Lib(
            "yjs-cjs",
            KIND_JS,
            "Yjs (CommonJS)",
            yjs_format=True,
            variant_of="yjs",
            default=False,
        ),
        Lib("ywasm", KIND_JS, "ywasm (Yrs)", yjs_format=True),
        Lib("automerge", KIND_JS, "Automerge (JS)"),
        Lib("loro", KIND_JS, "Loro (JS)"),
        Lib("json-joy", KIND_JS, "json-joy"),
        Lib("diamond-types", KIND_JS, "diamond-types"),
    )
}

# The libraries planned when --libs names none (every library but the variants).
DEFAULT_LIBS = tuple(name for name, lib in LIBS.items() if lib.default)


def family(name: str) -> str:
    """The library a name is a variant of (itself when it is no variant)."""
    lib = LIBS.get(name)
    return lib.variant_of or name if lib else name


# Libraries the growth groups run by default (the issue asks for crdtcore and Yjs at least).
GROWTH_LIBS = ("crdtcore-cpp", "crdtcore-py", "yjs")

TRACE_GROUPS = ("replay", "encode", "load", "replay_sync")
# b4x10 (B4 x10 with checkpoints): the one workload of growth_history, shown in crdt too.
GROWTH_WORKLOAD = "b4x10"
CRDT_WORKLOADS = (
    *(f"b{i}.{j}" for i in (1, 2, 3) for j in (1, 2, 3, 4)),
    "b4",
    GROWTH_WORKLOAD,
)
CRDT_N = 6000
B4_TRACE = "automerge-paper"
# growth:b3:C = B3.1 with C clients (every runner accepts "growth:b3:C"; the input is ignored).
CLIENT_COUNTS = (10, 20, 50, 100, 200, 500, 1000)
# Growth points a user can ask for by name (--workloads growth:b4:50): x = their factor.
GROWTH_POINT = re.compile(r"growth:(b4|b4x|b3):(\d+)")
GROUPS = (*TRACE_GROUPS, "concurrent", "crdt", "growth_history", "growth_clients")
DEFAULT_GROUPS = GROUPS

# --quick: one small trace, one run of every available library; correctness only.
QUICK_TRACE = "json-crdt-patch"
QUICK_GROUPS = ("replay",)
# --sample (bench/results/sample.json, what the notebook test reads): --quick plus the
# growth cells of the growth libraries (B4x10 with its checkpoints, three client counts).
SAMPLE_GROWTH = (GROWTH_WORKLOAD, "growth:b3:10", "growth:b3:100", "growth:b3:1000")


@dataclass(frozen=True)
class Cell:
    """One (lib, workload, input) measurement; ``group`` and ``x`` place it in tables and plots.

    x: the growth axis value of a growth point (history size as a multiple of B4, or the
    number of clients), else None. b4x10's growth curves come from its checkpoints.
    """

    lib: str
    workload: str
    input: str
    group: str
    x: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.lib, self.workload, self.input)

    @property
    def slot(self) -> tuple[str, str, str]:
        """The comparison this cell belongs to: every lib in one slot runs interleaved."""
        return (self.group, self.workload, self.input)


@dataclass
class Selection:
    """What the command line asked for; empty tuples mean "everything available".

    Named ``libs`` all run the growth cells; without them only GROWTH_LIBS do.
    """

    libs: tuple[str, ...] = ()
    workloads: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    quick: bool = False
    sample: bool = False
    skipped_libs: dict[str, str] = field(default_factory=dict)


def traces_dir(kind: str) -> Path:
    """The traces of ``kind`` ("sequential" or "concurrent"): $CRDTCORE_TRACES/<kind>, else
    bench/traces/sequential or python/crdtcore/sim/concurrent_traces, the package data of the
    simulator (the runners read the same directories: bench/python/bench_traces.py)."""
    override = os.environ.get("CRDTCORE_TRACES")
    vendored = {"concurrent": ROOT / "python/crdtcore/sim/concurrent_traces"}
    return Path(override) / kind if override else vendored.get(kind, ROOT / "bench/traces" / kind)


def trace_names(kind: str) -> list[str]:
    """Names of the traces in traces_dir(kind) (kind: sequential or concurrent)."""
    folder = traces_dir(kind)
    return sorted(p.name.removesuffix(".json.gz") for p in folder.glob("*.json.gz"))


def runner_command(kind: str) -> list[str] | None:
    """The argv prefix of a runner, or None when it is not built/installed.

    CRDTCORE_BENCH_RUNNER_{CPP,PY,JS} override it (a shell-style command line), which is how the
    orchestrator is tested against stand-in runners.
    """
    override = os.environ.get(f"CRDTCORE_BENCH_RUNNER_{kind.upper()}")
    if override:
        return override.split()
    if kind == KIND_CPP:
        exe = ROOT / "build" / "cpp" / "bench" / "bench_runner"
        return [str(exe)] if exe.is_file() else None
    if kind == KIND_PY:
        script = ROOT / "bench" / "python" / "runner.py"
        venv_python = ROOT / ".venv" / "bin" / "python"
        python = str(venv_python) if venv_python.is_file() else sys.executable
        return [python, str(script)] if script.is_file() else None
    script = ROOT / "bench" / "js" / "runner.mjs"
    node = shutil.which("node")
    if not script.is_file() or node is None:
        return None
    return [node, "--expose-gc", str(script)]


def runner_argv(cell: Cell) -> list[str]:
    """The full command line measuring ``cell`` (REQUIRES: its runner is available)."""
    prefix = runner_command(LIBS[cell.lib].kind)
    assert prefix is not None, f"no runner for {cell.lib}"
    return [*prefix, "--lib", cell.lib, "--workload", cell.workload, "--input", cell.input]


def available_libs() -> tuple[list[str], dict[str, str]]:
    """(libraries whose runner exists, {missing library: reason})."""
    found, missing = [], {}
    for name, lib in LIBS.items():
        if runner_command(lib.kind) is None:
            missing[name] = f"{lib.kind} runner not found"
        else:
            found.append(name)
    return found, missing


def _growth_libs(libs: list[str], named: bool) -> list[str]:
    """Who runs the growth cells: every named library, else the available GROWTH_LIBS."""
    return libs if named else [lib for lib in libs if lib in GROWTH_LIBS]


def _b4x10_cells(libs: list[str]) -> list[Cell]:
    """The B4 x10 cells: group growth_history (the crdt table shows them too)."""
    return [Cell(lib, GROWTH_WORKLOAD, B4_TRACE, "growth_history") for lib in libs]


def _group_cells(group: str, libs: list[str], named: bool = False) -> list[Cell]:
    """Every cell of one workload group for ``libs``, in presentation order.

    named: ``libs`` were named on the command line (see _growth_libs).
    """
    if group in TRACE_GROUPS:
        return [Cell(lib, group, t, group) for t in trace_names("sequential") for lib in libs]
    if group == "concurrent":
        return [Cell(lib, group, t, group) for t in trace_names("concurrent") for lib in libs]
    growth_libs = _growth_libs(libs, named)
    if group == "crdt":
        cells = []
        for w in CRDT_WORKLOADS:
            if w == GROWTH_WORKLOAD:
                cells += _b4x10_cells(growth_libs)
            else:
                spec = w if w.startswith("b4") else f"{w}:{CRDT_N}"
                cells += [Cell(lib, w, spec, group) for lib in libs]
        return cells
    if group == "growth_history":
        return _b4x10_cells(growth_libs)
    if group == "growth_clients":
        return [_growth_point(f"growth:b3:{c}", lib) for c in CLIENT_COUNTS for lib in growth_libs]
    raise ValueError(f"unknown workload group {group!r}")


def _growth_point(workload: str, lib: str) -> Cell:
    """The cell of a growth point ``growth:b4:P``, ``growth:b4x:K`` or ``growth:b3:C``.

    REQUIRES: ``workload`` matches GROWTH_POINT.
    """
    match = GROWTH_POINT.fullmatch(workload)
    assert match is not None, workload
    kind, k = match[1], int(match[2])
    if kind == "b3":
        return Cell(lib, workload, f"b3:{k}", "growth_clients", x=float(k))
    return Cell(lib, workload, B4_TRACE, "growth_history", x=k / 100 if kind == "b4" else float(k))


def plan(sel: Selection) -> list[Cell]:
    """The cells to run for ``sel``: its groups (or single workloads), inputs and libraries.

    Libraries whose runner is missing are left out and recorded in ``sel.skipped_libs``.
    Raises ValueError for an unknown library or workload name.
    """
    found, missing = available_libs()
    unknown = [name for name in sel.libs if name not in LIBS]
    if unknown:
        raise ValueError(f"unknown libraries {unknown}; known: {', '.join(LIBS)}")
    wanted = list(sel.libs) or list(DEFAULT_LIBS)
    sel.skipped_libs = {name: why for name, why in missing.items() if name in wanted}
    libs = [name for name in wanted if name in found]

    named = bool(sel.libs)
    if sel.sample:
        growth = [
            *_group_cells("growth_history", libs, named),
            *_group_cells("growth_clients", libs, named),
        ]
        cells = [c for c in _group_cells("replay", libs) if c.input == QUICK_TRACE]
        return cells + [c for c in growth if c.workload in SAMPLE_GROWTH]
    names = sel.workloads or (QUICK_GROUPS if sel.quick else DEFAULT_GROUPS)
    cells: list[Cell] = []
    for name in names:
        if name in GROUPS:
            group_cells = _group_cells(name, libs, named)
        elif GROWTH_POINT.fullmatch(name):
            group_cells = [_growth_point(name, lib) for lib in _growth_libs(libs, named)]
        else:
            group = next(
                (g for g in GROUPS if any(c.workload == name for c in _group_cells(g, libs, True))),
                None,
            )
            if group is None:
                raise ValueError(f"unknown workload {name!r}; groups: {', '.join(GROUPS)}")
            group_cells = [c for c in _group_cells(group, libs, named) if c.workload == name]
        seen = set(cells)
        cells += [c for c in group_cells if c not in seen]

    if sel.inputs:
        cells = [c for c in cells if c.input in sel.inputs]
    elif sel.quick:
        cells = [c for c in cells if c.slot == _quick_slot(cells, c.group)]
    return cells


def _quick_slot(cells: list[Cell], group: str) -> tuple[str, str, str]:
    """The one slot --quick runs of ``group``: the small trace, else the group's first slot."""
    in_group = [c for c in cells if c.group == group]
    return next((c.slot for c in in_group if c.input == QUICK_TRACE), in_group[0].slot)


def slots(cells: list[Cell]) -> list[list[Cell]]:
    """Cells grouped by slot (same group, workload and input), in plan order."""
    order: dict[tuple[str, str, str], list[Cell]] = {}
    for cell in cells:
        order.setdefault(cell.slot, []).append(cell)
    return list(order.values())
