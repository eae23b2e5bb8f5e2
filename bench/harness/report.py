"""Writes bench/RESULTS.md from a results document: machine, versions, one table per workload.

Every table has one row per input and one column per library (median, with min-max below; for a
library with a warm figure, the cold and the warm median, each labelled), the ratio crdtcore /
best peer (below 1: crdtcore is faster; each peer at its best, results.best_ms), and, where the issue sets targets for
that workload, a pass/fail column. Growth with history comes from b4x10's checkpoints
(growth.py): time per patch of each slice and pass, and memory against patches applied. The
same functions render tables for the notebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import growth
from .execute import timeout_of
from .plan import CRDT_WORKLOADS, GROWTH_WORKLOAD, LIBS
from .results import best_is_warm, best_ms, cells_of, label, lib_order, warm_ms
from .targets import (
    ABSOLUTE_NAME,
    ABSOLUTE_REPLAY,
    DT_NAME,
    FLAT_GROWTH_NAME,
    FLAT_GROWTH_TOLERANCE,
    REMOTE_NAMES,
    Target,
    evaluate,
)

TITLES = {
    "replay": "Replay (one transaction per patch, local edits)",
    "encode": "Encode the whole document (v1 for Yjs-format libraries, else native)",
    "load": "Load the encoded document into a fresh one",
    "replay_sync": "Replay with sync (each patch's update applied to a second document)",
    "concurrent": "Concurrent traces (one document per agent, causal delivery)",
    "crdt": "crdt-benchmarks B1-B4 (N = 6000)",
    "growth_history": "Growth with history size (B4 x10: automerge-paper 10 times, checkpoints)",
    "growth_clients": "Growth with the number of concurrent clients (B3.1)",
}
# The cases as bench/README.md defines them (C = floor(sqrt(N)) clients in B3).
CRDT_NAMES = {
    "b1.1": "append N characters",
    "b1.2": "insert a string of length N",
    "b1.3": "prepend N characters",
    "b1.4": "insert N characters at random positions",
    "b2.1": "2 clients: N characters each at random positions",
    "b2.2": "2 clients: a string of length N each at 0",
    "b2.3": "2 clients: append N numbers each to an array",
    "b2.4": "2 clients: N numbers each at random array positions",
    "b3.1": "sqrt(N) clients insert a character at 0",
    "b3.2": "sqrt(N) clients set a number in a map",
    "b3.3": "sqrt(N) clients set a string in a map",
    "b3.4": "sqrt(N) clients insert a string in an array",
    "b4": "replay automerge-paper",
    "b4x10": "replay automerge-paper 10 times",
}
SHORT_TARGETS = {
    "C++ replay faster than every peer": "fastest",
    DT_NAME: "2x DT",
    ABSOLUTE_NAME: f"<= {ABSOLUTE_REPLAY[1]:g} ms",
    **{name: "fastest" for name in REMOTE_NAMES.values()},
    "Python replay >= 3x faster than Python peers": "3x Py peers",
    "Python replay >= 15x faster than Yjs (node)": "15x Yjs",
    "Python replay faster than Loro (node)": "< Loro JS",
    "encode faster than Yjs-format peers": "< Yjs-format",
    "load faster than Yjs-format peers": "< Yjs-format",
    "loaded doc memory <= 1/2 of Yjs": "mem <= Yjs/2",
    FLAT_GROWTH_NAME: "flat",
}
REFERENCE = """\
Figures published for automerge-paper (replay, one transaction per patch) on machines like
this one, **measured elsewhere** and quoted by the issue for orientation only: Yjs 13.6 ~5.5 s,
Yrs via ywasm ~20 s, Automerge 3 ~19 s, Loro ~1.0 s, json-joy ~150 ms, diamond-types (wasm)
~55 ms; loading the v1 encoding: Yjs ~44 ms, ywasm ~5 ms. The tables above are this run's own
measurements, all libraries side by side."""
ATTRIBUTION = """\
The traces come from the public [`josephg/editing-traces`](https://github.com/josephg/editing-traces)
collection, licensed **CC BY 4.0**: `automerge-paper` is Martin Kleppmann's trace of writing
the paper arXiv:1608.03960 (via automerge-perf); `json-crdt-patch` and `json-crdt-blog-post`
are by Vadim Dalecky (JSON Joy); `seph-blog1`, `rustcode`, `sveltecomponent`, `friendsforever`
and `clownschool` (and their `_flat` variants) are by Joseph Gentle. The figures in this file
were measured on that data."""
MARK = {True: "✅", False: "❌", None: "—"}


def _unit(ms: float) -> tuple[str, float]:
    """The unit for a duration in ms, and the factor from ms to it."""
    if ms >= 1000:
        return "s", 1e-3
    return ("ms", 1.0) if ms >= 1 else ("µs", 1e3)


def _num(value: float) -> str:
    """Three significant digits, without an exponent for large values."""
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"


def fmt_ms(ms: float | None) -> str:
    """A duration in ms with three significant digits and a fitting unit."""
    if ms is None:
        return "—"
    unit, scale = _unit(ms)
    return f"{_num(ms * scale)} {unit}"


def fmt_bytes(n: float | None) -> str:
    """A memory figure in KB/MB/GB (powers of 1024)."""
    if n is None:
        return "—"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if abs(n) >= size:
            value = n / size  # 1000-1023 of a unit: four digits, not "1.01e+03"
            return f"{value:.3g} {unit}" if abs(value) < 999.5 else f"{value:.0f} {unit}"
    return f"{n:.0f} B"


def per_op_us(cell: dict[str, Any]) -> float | None:
    """Median time per operation in µs, None without a count."""
    if not cell["ok"] or not cell.get("ops") or cell.get("median_ms") is None:
        return None
    return cell["median_ms"] * 1000 / cell["ops"]


def row_key(cell: dict[str, Any]) -> tuple[Any, ...]:
    """Sort key of a cell's table row: B-workload order, growth x, else the input name."""
    wl = cell["workload"]
    if cell["group"] == "crdt":
        return (CRDT_WORKLOADS.index(wl) if wl in CRDT_WORKLOADS else len(CRDT_WORKLOADS), wl)
    if cell["x"] is not None:
        return (0, cell["x"], "")
    return (1, 0.0, cell["input"] if wl == cell["group"] else f"{wl} {cell['input']}")


def row_name(cell: dict[str, Any]) -> str:
    """The first column of a cell's table row."""
    if cell["group"] == "crdt" or (cell["x"] is None and cell["workload"] in CRDT_NAMES):
        return f"{cell['workload'].upper()} {CRDT_NAMES.get(cell['workload'], '')}".strip()
    if cell["group"] == "growth_history" and cell["x"] is not None:
        return f"{cell['x']:g} x automerge-paper"
    if cell["group"] == "growth_clients" and cell["x"] is not None:
        return f"{cell['x']:g} clients"
    return cell["input"]


def rows_of(cells: list[dict[str, Any]]) -> list[dict[str, dict[str, Any]]]:
    """Cells grouped into table rows ({lib: cell}), in row order."""
    rows: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
    for cell in sorted(cells, key=row_key):
        rows.setdefault(row_key(cell), {})[cell["lib"]] = cell
    return list(rows.values())


class _Notes:
    """Numbered failure notes under a table."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def mark(self, cell: dict[str, Any]) -> str:
        if cell.get("unsupported"):
            return "n/a"
        limit = timeout_of(cell["error"])
        if limit is not None:
            return f"> {fmt_ms(limit * 1000)}"
        error = " ".join(str(cell["error"]).split())[:300]
        self.lines.append(f"{label(cell['lib'])}, {row_name(cell)}: {error}")
        return f"✗ ({len(self.lines)})"

    def render(self) -> list[str]:
        return [f"({i}) {line}  " for i, line in enumerate(self.lines, 1)] + (
            [""] if self.lines else []
        )


def _time_cell(cell: dict[str, Any] | None, notes: _Notes) -> str:
    """``median unit`` with ``min-max`` (same unit) below, or a failure mark. A cell with a
    warm figure shows ``cold X`` and ``warm Y`` (each with its min-max), the better in bold."""
    if cell is None:
        return "—"
    if not cell["ok"]:
        return notes.mark(cell)

    def one(median: float, lo: float, hi: float, runs: int, bold: bool = False) -> str:
        unit, scale = _unit(median)
        text = f"{_num(median * scale)} {unit}"
        if bold:
            text = f"**{text}**"
        if runs > 1:
            text += f"<br><sub>{_num(lo * scale)}-{_num(hi * scale)}</sub>"
        return text

    warm = warm_ms(cell)
    if warm is None:
        return one(cell["median_ms"], cell["min_ms"], cell["max_ms"], cell["runs"])
    hot = best_is_warm(cell)
    cold = one(cell["median_ms"], cell["min_ms"], cell["max_ms"], cell["runs"], not hot)
    warm_text = one(warm, cell["warm_min_ms"], cell["warm_max_ms"], cell["warm_runs"], hot)
    return f"cold {cold}<br>warm {warm_text}"


def _ratio(ours: dict[str, Any] | None, row: dict[str, dict[str, Any]]) -> str:
    """crdtcore / the fastest peer, each at its best (best_ms), with the peer's name."""
    if ours is None or not ours["ok"]:
        return "—"
    peers = [c for lib, c in row.items() if not lib.startswith("crdtcore") and c["ok"]]
    if not peers:
        return "—"
    best = min(peers, key=best_ms)
    warm = ", warm" if best_is_warm(best) else ""
    return f"{best_ms(ours) / best_ms(best):.3g} ({label(best['lib'])}{warm})"


def time_table(doc: dict[str, Any], group: str, targets: list[Target] | None = None) -> str:
    """The markdown time table of one group ('' when the group has no cells)."""
    cells = cells_of(doc, group)
    if not cells:
        return ""
    libs = [lib for lib in lib_order(doc) if any(c["lib"] == lib for c in cells)]
    by_input: dict[str, list[Target]] = {}
    for t in targets or []:
        if t.group == group and any(c["input"] == t.input for c in cells):
            by_input.setdefault(t.input, []).append(t)
    ratios = [lib for lib in ("crdtcore-cpp", "crdtcore-py") if lib in libs]
    head = ["input", "ops", *[label(lib) for lib in libs]]
    head += [f"{label(lib)} / best peer" for lib in ratios]
    if by_input:
        head.append("targets")
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    notes = _Notes()
    for row in rows_of(cells):
        any_cell = next(iter(row.values()))
        ops = next((c["ops"] for c in row.values() if c.get("ops")), None)
        cols = [row_name(any_cell), f"{ops:,}" if ops else "—"]
        cols += [_time_cell(row.get(lib), notes) for lib in libs]
        cols += [_ratio(row.get(lib), row) for lib in ratios]
        if by_input:
            marks = [
                f"{MARK[t.passed]} {'C++' if t.lib.endswith('cpp') else 'Py'} "
                f"{SHORT_TARGETS.get(t.name, t.name)}"
                for t in by_input.get(any_cell["input"], [])
            ]
            cols.append("<br>".join(marks) or "—")
        lines.append("| " + " | ".join(cols) + " |")
    return "\n".join([*lines, "", *notes.render()])


def value_table(doc: dict[str, Any], group: str, field: str, title: str) -> str:
    """A table of a non-time figure per input and library.

    field: ``bytes`` (encoded size), ``mem_bytes`` (memory) or ``per_op`` (µs per operation).
    """
    fmt = {
        "bytes": lambda v: f"{int(v):,}",
        "mem_bytes": fmt_bytes,
        "per_op": lambda v: f"{v:.3g} µs",
    }[field]
    cells = [{**c, "per_op": per_op_us(c)} for c in cells_of(doc, group) if c["ok"]]
    cells = [c for c in cells if c.get(field) is not None]
    if not cells:
        return ""
    libs = [lib for lib in lib_order(doc) if any(c["lib"] == lib for c in cells)]
    lines = [
        f"| {title} | " + " | ".join(label(lib) for lib in libs) + " |",
        "|---|" + "---:|" * len(libs),
    ]
    for row in rows_of(cells):
        name = row_name(next(iter(row.values())))
        lines.append(
            f"| {name} | "
            + " | ".join(fmt(row[lib][field]) if lib in row else "—" for lib in libs)
            + " |"
        )
    methods = sorted(
        {f"{label(c['lib'])}: {c['mem_method']}" for c in cells if c.get("mem_method")}
    )
    if field == "mem_bytes" and methods:
        lines += ["", "Memory method — " + "; ".join(methods) + "."]
    return "\n".join(lines) + "\n"


def growth_tables(doc: dict[str, Any]) -> str:
    """Time per patch of each slice/pass, and memory per checkpoint, of the b4x10 cells."""
    cells = [
        c
        for c in cells_of(doc, "growth_history")
        if c["ok"] and c["workload"] == GROWTH_WORKLOAD and c.get("checkpoints")
    ]
    if not cells:
        return ""
    libs = [lib for lib in lib_order(doc) if any(c["lib"] == lib for c in cells)]
    by_lib = {c["lib"]: c["checkpoints"] for c in cells}
    head = "| {} | patches | " + " | ".join(label(lib) for lib in libs) + " |"
    rule = "|---|---:|" + "---:|" * len(libs)
    lines = [
        "Time per patch (median µs) of each tenth of the first pass, then of each later pass:",
        "",
        head.format("slice"),
        rule,
    ]
    rows: dict[str, dict[str, growth.Segment]] = {}
    for lib in libs:
        for seg in growth.segments(by_lib[lib]):
            rows.setdefault(seg.label, {})[lib] = seg
    for name, row in rows.items():
        end = next(iter(row.values())).end
        vals = [f"{row[lib].us_per_patch:.3g}" if lib in row else "—" for lib in libs]
        lines.append(f"| {name} | {end:,} | " + " | ".join(vals) + " |")
    lines += [
        "",
        "Memory held by the document at each checkpoint:",
        "",
        "| patches | " + " | ".join(label(lib) for lib in libs) + " |",
        "|---:|" + "---:|" * len(libs),
    ]
    mem: dict[int, dict[str, float]] = {}
    for lib in libs:
        for patches, value in growth.memory(by_lib[lib]):
            mem.setdefault(patches, {})[lib] = value
    for patches, row in sorted(mem.items()):
        vals = [fmt_bytes(row.get(lib)) for lib in libs]
        lines.append(f"| {patches:,} | " + " | ".join(vals) + " |")
    return "\n".join(lines) + "\n"


def targets_matrix(targets: list[Target]) -> list[str]:
    """One row per (target, crdtcore row), one column per input; the misses listed below."""
    counts = {k: sum(1 for t in targets if t.passed is k) for k in (True, False, None)}
    lines = [
        f"**{counts[True]} passed, {counts[False]} missed, {counts[None]} not measured.** "
        "Each mark shows peer / crdtcore for the closest peer (above 1: crdtcore is ahead; "
        "the margin a target requires is in its name); for the growth target, the time per "
        "patch of the last B4 x10 pass over that of the first (marginal, from checkpoints; at "
        f"most {FLAT_GROWTH_TOLERANCE}x counts as flat).",
        "",
    ]
    if not targets:
        return [*lines, "No target could be evaluated from these results.", ""]
    inputs = sorted({t.input for t in targets})
    rows: dict[tuple[str, str, str], dict[str, Target]] = {}
    for t in targets:
        rows.setdefault((t.group, t.name, t.lib), {})[t.input] = t
    lines += [
        "| target | crdtcore | " + " | ".join(inputs) + " |",
        "|---|---|" + ":---:|" * len(inputs),
    ]
    for (_, name, lib), by_input in rows.items():
        cols = []
        for inp in inputs:
            t = by_input.get(inp)
            ratio = f" {t.ratio:.3g}x" if t is not None and t.ratio is not None else ""
            cols.append("" if t is None else f"{MARK[t.passed]}{ratio}")
        lines.append(f"| {name} | {lib.removeprefix('crdtcore-')} | " + " | ".join(cols) + " |")
    misses = [t for t in targets if t.passed is not True]
    if misses:
        lines += ["", "Missed or not measured:", ""]
        lines += [f"- {MARK[t.passed]} {t.name} ({t.lib}, {t.input}): {t.detail}" for t in misses]
    return [*lines, ""]


def machine_lines(doc: dict[str, Any]) -> list[str]:
    """Date, commit, machine, toolchain and method, as a markdown list."""
    m, git, cfg = doc["machine"], doc.get("git", {}), doc["config"]
    ram = fmt_bytes(m["ram_bytes"]) if m.get("ram_bytes") else "?"
    commit = (git.get("commit") or "?")[:10] + (" (with local changes)" if git.get("dirty") else "")
    return [
        f"- **Date:** {doc['date']} — commit `{commit}`",
        f"- **Machine:** {m['cpu']}, {m['cores']} logical cores, {ram} RAM, {m['os']} "
        f"(kernel {m['kernel']}, {m['arch']}); load average at start {m.get('loadavg')}",
        f"- **Toolchain:** Python {m['python']}, Node {m.get('node') or '—'}, "
        f"{m.get('compiler') or 'C++ compiler unknown'}",
        f"- **Method:** {cfg['warmup']} warm-up call(s) then {cfg['runs']} counted run(s) per "
        "cell, each a fresh process, interleaved across libraries (A B C A B C) within each "
        f"input; timeout {cfg['timeout_s']:g} s per call. Times are medians of the measured part "
        "only (reading and parsing the trace excluded), with min-max below. Every run checks "
        "its result (final text = `endContent`); a wrong result is a failure (✗), never a time. "
        "n/a: the library cannot run that workload; > T: slower than the timeout.",
        *_warm_lines(doc),
    ]


def _warm_lines(doc: dict[str, Any]) -> list[str]:
    """The method line of the warm figures, when the document has any."""
    if not any(warm_ms(c) is not None for c in doc["cells"]):
        return []
    cfg = doc["config"]
    return [
        "- **Cold and warm:** a plain time is one measurement in a fresh process (for the JS "
        "peers after a short in-process warm-up: *cold*). Libraries with a warm figure (every "
        "runner's replay, replay_sync, encode, load and concurrent) also show *warm*: the "
        "same measurement repeated in that process, each repeat on a fresh document with a full "
        "GC between (C++: the documents freed; Python: gc.collect), until the last 3 times lie "
        "within "
        f"{_warm_tolerance(cfg):g} % of their median (at most {cfg.get('warm_repeats', '?')} "
        "repeats); the median of the last 3. The better of the two is in bold. Ratios and "
        "targets compare each library at its best (the lower of cold and warm, and the best of "
        "its variants), crdtcore included.",
    ]


def _warm_tolerance(cfg: dict[str, Any]) -> float:
    return 100 * float(cfg.get("warm_tolerance", 0.1))


def version_lines(doc: dict[str, Any]) -> list[str]:
    """The table of libraries: runner kind and version, and the libraries not run."""
    lines = ["| library | runner | version |", "|---|---|---|"]
    for lib in lib_order(doc):
        kind = LIBS[lib].kind if lib in LIBS else "?"
        lines.append(f"| {label(lib)} (`{lib}`) | {kind} | {doc['versions'].get(lib, '—')} |")
    for lib, why in doc.get("skipped_libs", {}).items():
        lines.append(f"| {label(lib)} (`{lib}`) | not run | {why} |")
    return lines


def render(doc: dict[str, Any], plots: dict[str, str] | None = None) -> str:
    """The whole RESULTS.md; ``plots`` maps a group to an image path relative to bench/."""
    plots = plots or {}
    targets = evaluate(doc)
    out = [
        "# crdtcore benchmark results",
        "",
        "Generated by `./run bench` (`bench/run.py`); do not edit by hand. Raw samples: "
        "[`results/latest.json`](results/latest.json).",
        "",
        *machine_lines(doc),
        "",
        "## Versions",
        "",
        *version_lines(doc),
        "",
        "## Targets (issues 3 and 12)",
        "",
        *targets_matrix(targets),
    ]
    for group, title in TITLES.items():
        table = time_table(doc, group, targets)
        if not table:
            continue
        out += [f"## {title}", "", table]
        if group in ("encode", "concurrent"):
            out.append(value_table(doc, group, "bytes", "encoded bytes"))
        if group == "growth_history":
            out.append(growth_tables(doc))
        if group in ("load", "growth_clients"):
            out.append(value_table(doc, group, "mem_bytes", "memory"))
        if group in plots:
            out += [f"![{title}]({plots[group]})", ""]
        if group == "load" and "load_memory" in plots:
            out += [f"![Memory of a loaded document]({plots['load_memory']})", ""]
    out += ["## Reference figures", "", REFERENCE, "", "## Trace data", "", ATTRIBUTION, ""]
    return "\n".join(out)


def write(doc: dict[str, Any], path: Path, plots: dict[str, str] | None = None) -> None:
    """Writes RESULTS.md for ``doc`` to ``path``."""
    path.write_text(render(doc, plots), encoding="utf-8")
