"""Matplotlib figures of a results document: comparisons per workload and growth curves.

The history growth curves come from b4x10's checkpoints (growth.py): time per patch of each
tenth of the first pass and of each later pass, and memory against patches applied.

Every function returns a Figure (or None when the document has no data for it), so the notebook
can show the same figures that ``save_all`` writes to bench/results/*.png. Figures are built
without pyplot, so no GUI backend is involved. Each library keeps one colour everywhere (from
crdtcore.palette, shared with notebooks/03_benchmarks.ipynb); the two crdtcore rows are drawn
with a black edge. A memory figure that is not positive (a heap difference below the
measurement's resolution) cannot be drawn on a log axis: it is a hollow triangle at the bottom
of the panel, and the line is broken there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import EngFormatter, FuncFormatter, NullFormatter

from crdtcore.palette import LIBRARIES, OTHER

from . import growth
from .execute import timeout_of
from .plan import GROWTH_WORKLOAD
from .report import TITLES, row_key, row_name, rows_of
from .results import cells_of, label, lib_order, warm_ms

COMPARISON_GROUPS = ("replay", "encode", "load", "replay_sync", "concurrent", "crdt")
# load_memory: the memory held by each loaded document (the load group's mem_bytes).
PLOT_FILES = {
    g: f"{g}.png" for g in (*COMPARISON_GROUPS, "load_memory", "growth_history", "growth_clients")
}


def colour(lib: str) -> str:
    """The library's fixed colour (crdtcore.palette): one hue per project, a shade of it for
    its Python binding; the same in the notebooks."""
    return LIBRARIES.get(lib, OTHER)


def _grouped_bars(
    doc: dict[str, Any], cells: list[dict[str, Any]]
) -> tuple[Figure, Any, list[str], list[dict[str, dict[str, Any]]]]:
    """A figure for bars grouped by input (x), one bar per library: the figure, its axes, the
    libraries present in ``cells`` (in the document's order) and the rows (rows_of)."""
    libs = [lib for lib in lib_order(doc) if any(c["lib"] == lib for c in cells)]
    rows = rows_of(cells)
    fig = Figure(figsize=(max(7.0, 1.1 * len(rows) + 3), 4.8), layout="constrained")
    return fig, fig.subplots(), libs, rows


def _label_bars(ax: Any, rows: list[dict[str, dict[str, Any]]], ylabel: str, title: str) -> None:
    """Log y, one tick per input named by its trace, the labels and the grid of _grouped_bars."""
    ax.set_yscale("log")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(
        [row_name(next(iter(row.values()))).split(" ")[0] for row in rows], rotation=30, ha="right"
    )
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", which="major", alpha=0.3)


def comparison(doc: dict[str, Any], group: str) -> Figure | None:
    """Grouped bars: median time per input (x) and library (bar), log y, min-max whiskers.

    A library with a warm figure (any runner's) is drawn as a solid bar up to its warm median
    (whiskers: warm min-max) and a dashed outline up to its cold median; the legend says which.
    A timed-out cell is a hatched outline up to the timeout.
    """
    cells = [c for c in cells_of(doc, group) if c["ok"] or timeout_of(c["error"]) is not None]
    if not any(c["ok"] for c in cells):
        return None
    fig, ax, libs, rows = _grouped_bars(doc, cells)
    width = 0.8 / len(libs)
    for i, lib in enumerate(libs):
        xs, ys, lo, hi, late, cold = [], [], [], [], [], []
        for r, row in enumerate(rows):
            cell = row.get(lib)
            if cell is None:
                continue
            x = r - 0.4 + width * (i + 0.5)
            if not cell["ok"]:  # timed out: a hatched outline up to the limit
                late.append((x, timeout_of(cell["error"]) * 1000))
                continue
            xs.append(x)
            warm = warm_ms(cell)
            if warm is None:
                ys.append(cell["median_ms"])
                lo.append(cell["median_ms"] - cell["min_ms"])
                hi.append(cell["max_ms"] - cell["median_ms"])
                continue
            ys.append(warm)
            lo.append(warm - cell["warm_min_ms"])
            hi.append(cell["warm_max_ms"] - warm)
            cold.append((x, cell["median_ms"]))
        crdtcore = lib.startswith("crdtcore")
        ax.bar(
            xs,
            ys,
            width,
            yerr=[lo, hi],
            capsize=1.5,
            label=label(lib),
            color=colour(lib),
            edgecolor="black" if crdtcore else "none",
            linewidth=0.8 if crdtcore else 0,
            error_kw={"elinewidth": 0.7},
        )
        if cold:
            ax.bar(
                *zip(*cold, strict=True),
                width,
                fill=False,
                linestyle="--",
                edgecolor=colour(lib),
                linewidth=0.9,
                zorder=3,
            )
        if late:
            ax.bar(
                *zip(*late, strict=True),
                width,
                fill=False,
                hatch="///",
                edgecolor=colour(lib),
                linewidth=0.6,
            )
    _label_bars(ax, rows, "median time, ms (log scale; whiskers min-max)", TITLES.get(group, group))
    handles, _ = ax.get_legend_handles_labels()
    if any(c["ok"] and warm_ms(c) is not None for c in cells):
        handles.append(Patch(facecolor="0.6", label="solid = warm (in-process repeats)"))
        handles.append(Patch(fill=False, linestyle="--", edgecolor="0.3", label="dashed = cold"))
    if any(not c["ok"] for c in cells):
        handles.append(Patch(fill=False, hatch="///", edgecolor="0.4", label="slower than timeout"))
    ax.legend(
        handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False
    )
    return fig


def load_memory(doc: dict[str, Any]) -> Figure | None:
    """Grouped bars: the memory a loaded document holds (the load group's median mem_bytes, in
    MB of 2^20 bytes as RESULTS.md's tables) per input (x) and library (bar), log y. Cells
    without a positive figure are left out (nothing to draw on a log axis). None when no load
    cell has one."""
    cells = [c for c in cells_of(doc, "load") if c["ok"] and (c.get("mem_bytes") or 0) > 0]
    if not cells:
        return None
    fig, ax, libs, rows = _grouped_bars(doc, cells)
    width = 0.8 / len(libs)
    for i, lib in enumerate(libs):
        points = [
            (r - 0.4 + width * (i + 0.5), row[lib]["mem_bytes"] / 2**20)
            for r, row in enumerate(rows)
            if lib in row
        ]
        crdtcore = lib.startswith("crdtcore")
        ax.bar(
            *zip(*points, strict=True),
            width,
            label=label(lib),
            color=colour(lib),
            edgecolor="black" if crdtcore else "none",
            linewidth=0.8 if crdtcore else 0,
        )
    _label_bars(
        ax,
        rows,
        "memory held by the loaded document, MB (log scale)",
        "Memory of a loaded document (methods differ by runtime: see the table)",
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g} MB"))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def _log_axes(ax: Any, x_label: str, y_label: str) -> None:
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.grid(alpha=0.3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(EngFormatter(sep=""))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _line(ax: Any, lib: str, pts: list[tuple[float, float]]) -> None:
    if pts:
        ax.plot(
            *zip(*pts, strict=True),
            marker="o",
            markersize=3,
            label=label(lib),
            color=colour(lib),
            linewidth=2 if lib.startswith("crdtcore") else 1.2,
        )


def _growth(
    doc: dict[str, Any], group: str, x_label: str, panels: list[tuple[str, str]]
) -> Figure | None:
    """One log-log panel per (field, axis label) against the cells' x; bands show min-max."""
    cells = [c for c in cells_of(doc, group) if c["ok"] and c["x"] is not None]
    if not cells:
        return None
    fig = Figure(figsize=(4.2 * len(panels), 3.8), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    unmeasurable: set[Any] = set()
    for lib in lib_order(doc):
        mine = sorted((c for c in cells if c["lib"] == lib), key=row_key)
        if not mine:
            continue
        for ax, (field, _) in zip(axes, panels, strict=True):
            scale = 1 / (1 << 20) if field == "mem_bytes" else 1
            pts = [(c["x"], c[field] * scale) for c in mine if c.get(field) is not None]
            # NaN breaks the line where a value cannot be drawn on the log axis.
            _line(ax, lib, [(x, y if y > 0 else float("nan")) for x, y in pts])
            low = [x for x, y in pts if y <= 0]
            if low:
                unmeasurable.add(ax)
                ax.plot(
                    low,
                    [0.0] * len(low),
                    linestyle="none",
                    marker="v",
                    markersize=7,
                    markerfacecolor="none",
                    color=colour(lib),
                    clip_on=False,
                    transform=ax.get_xaxis_transform(),
                )
            if field == "median_ms":
                xs = [c["x"] for c in mine]
                lo, hi = [c["min_ms"] for c in mine], [c["max_ms"] for c in mine]
                ax.fill_between(xs, lo, hi, color=colour(lib), alpha=0.15, linewidth=0)
    for ax, (_, y_label) in zip(axes, panels, strict=True):
        _log_axes(ax, x_label, y_label)
        if ax in unmeasurable:
            handles, _ = ax.get_legend_handles_labels()
            marker = Line2D([], [], linestyle="none", marker="v", markerfacecolor="none")
            marker.set_color("0.3")
            marker.set_label("not measurable (difference <= 0)")
            ax.legend(handles=[*handles, marker], fontsize=7, frameon=False)
    if axes[0] not in unmeasurable:
        axes[0].legend(fontsize=7, frameon=False)
    fig.suptitle(TITLES.get(group, group), fontsize=10)
    return fig


def growth_history(doc: dict[str, Any]) -> Figure | None:
    """From b4x10's checkpoints: time so far, time per patch of each slice of pass 1 and of
    each later pass (at the patches applied by its end), and memory, against patches applied.
    """
    cells = [
        c
        for c in cells_of(doc, "growth_history")
        if c["ok"] and c["workload"] == GROWTH_WORKLOAD and c.get("checkpoints")
    ]
    if not cells:
        return None
    fig = Figure(figsize=(12.6, 3.9), layout="constrained")
    total, per_patch, mem = fig.subplots(1, 3)
    for lib in lib_order(doc):
        cps = next((c["checkpoints"] for c in cells if c["lib"] == lib), None)
        if cps is None:
            continue
        _line(total, lib, [(p["patches"], p["ms"]) for p in cps])
        total.fill_between(
            [p["patches"] for p in cps],
            [p["ms_min"] for p in cps],
            [p["ms_max"] for p in cps],
            color=colour(lib),
            alpha=0.15,
            linewidth=0,
        )
        _line(per_patch, lib, [(s.end, s.us_per_patch) for s in growth.segments(cps)])
        _line(mem, lib, [(n, b / (1 << 20)) for n, b in growth.memory(cps) if b > 0])
    _log_axes(total, "patches applied", "median time so far, ms")
    _log_axes(per_patch, "patches applied", "µs per patch (tenths of pass 1, then passes)")
    _log_axes(mem, "patches applied", "memory held, MB")
    total.legend(fontsize=7, frameon=False)
    fig.suptitle(TITLES["growth_history"], fontsize=10)
    return fig


def growth_clients(doc: dict[str, Any]) -> Figure | None:
    """Time and memory against the number of concurrent clients."""
    return _growth(
        doc,
        "growth_clients",
        "clients",
        [("median_ms", "median time, ms"), ("mem_bytes", "memory, MB")],
    )


def figures(doc: dict[str, Any]) -> dict[str, Figure]:
    """Every figure the document has data for, keyed by group."""
    figs = {g: comparison(doc, g) for g in COMPARISON_GROUPS}
    figs["load_memory"] = load_memory(doc)
    figs["growth_history"] = growth_history(doc)
    figs["growth_clients"] = growth_clients(doc)
    return {g: f for g, f in figs.items() if f is not None}


def save_all(doc: dict[str, Any], out_dir: Path) -> dict[str, str]:
    """Writes every figure as <out_dir>/<group>.png; returns {group: file name}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = {}
    for group, fig in figures(doc).items():
        fig.savefig(out_dir / PLOT_FILES[group], dpi=110)
        saved[group] = PLOT_FILES[group]
    return saved
