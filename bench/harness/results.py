"""The results file (bench/results/latest.json): machine, versions, summaries and raw samples.

Layout (schema 1)::

    {"schema": 1, "date": ISO-8601, "machine": {...}, "git": {...}, "config": {...},
     "versions": {lib: version}, "skipped_libs": {lib: reason},
     "cells": [{"lib", "workload", "input", "group", "x", "ok", "error", "unsupported",
                "version", "mem_method", "runs", "median_ms", "min_ms", "max_ms", "ops",
                "bytes", "mem_bytes", "mem_min", "mem_max", "checkpoints",
                "warm_median_ms", "warm_min_ms", "warm_max_ms", "warm_runs", "warm_stable",
                "date", "warmup": {runner record}, "samples": [{runner record}, ...]}, ...]}

A runner record is the runner's JSON line plus ``wall_s`` (process wall time), ``returncode``
and ``counted``. Summaries (median/min/max) use the counted samples only. ``checkpoints`` is
None except for b4x10: the median of each of its checkpoints (bench/harness/growth.py).

Cold and warm: ``median_ms`` is the *cold* figure, one measurement in a fresh process (after
its runner's short warm-up). Every runner (JS, C++, Python) also reports a *warm* one,
``extra.warm_ms``: the same measurement repeated in that process until stable
(bench/js/lib/warm.mjs, bench/cpp/bench_warm.h, bench/python/warm.py) for replay,
replay_sync, encode, load and concurrent. ``warm_*`` summarize those over the counted samples
(``warm_stable``: how many samples reached stability); they are None (0) for the other
workloads, for runs with ``--warm-repeats 0`` and in files written before the warm figure
existed, which therefore still load. ``best_ms`` is what comparisons use.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

from .execute import CellResult, is_unsupported
from .growth import median_checkpoints
from .plan import GROWTH_WORKLOAD, LIBS, ROOT

SCHEMA = 1


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _first_line(argv: list[str]) -> str | None:
    if shutil.which(argv[0]) is None:
        return None
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else None


def machine_info() -> dict[str, Any]:
    """CPU model, logical cores, RAM, OS, kernel, toolchain versions and the load average."""
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)', _read("/etc/os-release"), re.M)
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "ram_bytes": int(mem.group(1)) * 1024 if mem else None,
        "os": os_name.group(1) if os_name else platform.platform(),
        "kernel": platform.release(),
        "arch": platform.machine(),
        "python": platform.python_version(),
        "node": _first_line(["node", "--version"]),
        "compiler": _first_line(["c++", "--version"]),
        "loadavg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def git_info() -> dict[str, Any]:
    """The commit measured and whether the tree had local changes (read-only git calls).

    The benchmark's own outputs (bench/results/, bench/RESULTS.md) do not count as local
    changes: a run in several parts (--merge) rewrites them between the parts."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(ROOT), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    status = git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ".",
        ":(exclude)bench/results",
        ":(exclude)bench/RESULTS.md",
    )
    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(status) if status is not None else None,
    }


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarize(res: CellResult) -> dict[str, Any]:
    """The JSON entry of one cell: identification, outcome, median/min/max and the raw calls."""
    cell = res.cell
    good = [s for s in res.samples if s.get("ok")]
    ms = [float(s["ms"]) for s in good]
    mem = [float(s["mem_bytes"]) for s in good if isinstance(s.get("mem_bytes"), (int, float))]
    sizes = [s["bytes"] for s in good if isinstance(s.get("bytes"), int)]
    warm_extra = [s.get("extra") or {} for s in good]
    warm = [float(e["warm_ms"]) for e in warm_extra if isinstance(e.get("warm_ms"), (int, float))]
    records = ([res.warmup] if res.warmup else []) + res.samples
    first = next((r for r in records if r.get("version")), {})
    return {
        "lib": cell.lib,
        "workload": cell.workload,
        "input": cell.input,
        "group": cell.group,
        "x": cell.x,
        "ok": res.ok,
        "error": res.error,
        "unsupported": is_unsupported(res.error),
        "version": first.get("version"),
        "mem_method": next((r["mem_method"] for r in records if r.get("mem_method")), None),
        "runs": len(good),
        "median_ms": _median(ms),
        "min_ms": min(ms) if ms else None,
        "max_ms": max(ms) if ms else None,
        "ops": next((s["ops"] for s in good if s.get("ops") is not None), None),
        "bytes": _median(sizes),
        "mem_bytes": _median(mem),
        "mem_min": min(mem) if mem else None,
        "mem_max": max(mem) if mem else None,
        "checkpoints": median_checkpoints(good),
        "warm_median_ms": _median(warm),
        "warm_min_ms": min(warm) if warm else None,
        "warm_max_ms": max(warm) if warm else None,
        "warm_runs": len(warm),
        "warm_stable": sum(1 for e in warm_extra if e.get("warm_stable") is True),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "warmup": res.warmup,
        "samples": res.samples,
    }


def build_document(
    results: list[CellResult], config: dict[str, Any], skipped_libs: dict[str, str]
) -> dict[str, Any]:
    """The whole results document for one orchestrator run."""
    cells = [summarize(r) for r in results]
    versions = {}
    for entry in cells:
        if entry["version"] and entry["lib"] not in versions:
            versions[entry["lib"]] = entry["version"]
    return {
        "schema": SCHEMA,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "git": git_info(),
        "config": config,
        "versions": versions,
        "skipped_libs": skipped_libs,
        "cells": cells,
    }


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` plus the cells of ``old`` that ``new`` did not measure (--merge)."""
    measured = {(c["lib"], c["workload"], c["input"]) for c in new["cells"]}
    kept = [
        c for c in old.get("cells", []) if (c["lib"], c["workload"], c["input"]) not in measured
    ]
    versions = {**old.get("versions", {}), **new["versions"]}
    skipped = {k: v for k, v in old.get("skipped_libs", {}).items() if k not in versions}
    return {
        **new,
        "versions": versions,
        "skipped_libs": {**skipped, **new["skipped_libs"]},
        "cells": kept + new["cells"],
    }


def save(doc: dict[str, Any], path: Path) -> None:
    """Writes ``doc`` atomically (a temporary file renamed over ``path``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def load(path: Path) -> dict[str, Any]:
    """Reads a results document. Raises ValueError for another schema version."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"{path}: results schema {doc.get('schema')!r}, expected {SCHEMA}")
    return doc


def warm_ms(cell: dict[str, Any]) -> float | None:
    """The cell's warm median, None when it has none (a workload without one, --warm-repeats 0,
    or an older file)."""
    return cell.get("warm_median_ms") if cell.get("ok") else None


def best_ms(cell: dict[str, Any]) -> float | None:
    """The time of the library's best configuration a user could choose: the lower of its cold
    and warm medians (a library in a long-running process is warm). None when not ok."""
    if not cell.get("ok") or cell.get("median_ms") is None:
        return None
    warm = warm_ms(cell)
    return cell["median_ms"] if warm is None else min(cell["median_ms"], warm)


def best_is_warm(cell: dict[str, Any]) -> bool:
    """True when ``best_ms`` is the warm figure."""
    warm = warm_ms(cell)
    return warm is not None and cell.get("median_ms") is not None and warm < cell["median_ms"]


def lib_order(doc: dict[str, Any]) -> list[str]:
    """The libraries present in ``doc``, in the canonical order (crdtcore first)."""
    present = {c["lib"] for c in doc["cells"]}
    return [name for name in LIBS if name in present] + sorted(present - set(LIBS))


def label(lib: str) -> str:
    """The display name of a library."""
    return LIBS[lib].label if lib in LIBS else lib


def cells_of(doc: dict[str, Any], group: str) -> list[dict[str, Any]]:
    """The cell entries of one workload group, in file order.

    The crdt group also gets the b4x10 cells of growth_history (as copies with group "crdt"):
    one measurement serves both tables.
    """
    out = [c for c in doc["cells"] if c["group"] == group]
    if group == "crdt":
        shared = [
            {**c, "group": "crdt"}
            for c in doc["cells"]
            if c["group"] == "growth_history" and c["workload"] == GROWTH_WORKLOAD
        ]
        out += shared
    return out
