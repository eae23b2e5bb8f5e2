"""Runs the planned cells: one subprocess per call, interleaved across libraries, with timeouts.

Order: for each slot (group, workload, input), one warm-up call of every library (A B C), then
``runs`` counted rounds (A B C, A B C, ...), so machine noise hits every library alike. A library
whose warm-up or a counted call fails (ok=false, crash, timeout, unreadable output) is dropped
from the rest of that slot; its cell records the reason and the suite continues. A call that
times out is killed with everything it started.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TextIO

from .plan import Cell, runner_argv, slots
from .progress import Progress

STDERR_TAIL_CHARS = 400
STDERR_KEEP_CHARS = 2000  # stored with a crashed call's record, for debugging


@dataclass
class CellResult:
    """Every call of one cell: ``samples`` are the counted runs, ``warmup`` the warm-up call."""

    cell: Cell
    warmup: dict[str, Any] | None = None
    samples: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.samples)


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Kills the runner and anything it started (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _parse_output(stdout: str) -> dict[str, Any] | None:
    """The runner's JSON line: the last stdout line that parses as a JSON object."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    return None


def _stderr_reason(stderr: str) -> str:
    """The line of a crashed runner's stderr that says why: its last "...Error: ..." line (a
    Python or Node exception, a sanitizer report), else its last line; at most 400 characters."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return ""
    errors = [
        line for line in lines if re.match(r"([\w.]*(Error|Exception)\b|error\b)", line, re.I)
    ]
    return (errors or lines)[-1][:STDERR_TAIL_CHARS]


def call(cell: Cell, timeout_s: float, warm: bool = True) -> dict[str, Any]:
    """Runs the cell's runner once; returns its JSON record plus wall_s and returncode.

    warm=False runs it with $CRDTCORE_BENCH_WARM_REPEATS=0: no warm repeats (every runner), for
    the uncounted warm-up calls, whose figures are not kept.

    Never raises for a failing runner: a crash, a timeout or unreadable output becomes a
    record with ok=false and the reason in ``error``.
    """
    argv = runner_argv(cell)
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        env=None if warm else {**os.environ, "CRDTCORE_BENCH_WARM_REPEATS": "0"},
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
    except BaseException as exc:  # a timeout, or Ctrl-C: the runner has its own session
        _kill_group(proc)
        proc.communicate()
        if not isinstance(exc, subprocess.TimeoutExpired):
            raise
        return {
            "ok": False,
            "error": f"timeout after {timeout_s:g} s",
            "wall_s": round(time.perf_counter() - start, 3),
            "returncode": None,
        }
    wall_s = round(time.perf_counter() - start, 3)
    record = _parse_output(stdout)
    tail = _stderr_reason(stderr)
    if record is None:
        if proc.returncode and proc.returncode < 0:
            why = f"killed by {signal.Signals(-proc.returncode).name}"
        else:
            why = f"exit code {proc.returncode}" if proc.returncode else "no JSON line on stdout"
        record = {
            "ok": False,
            "error": f"{why}: {tail}" if tail else why,
            "stderr": stderr[-STDERR_KEEP_CHARS:],
        }
    elif proc.returncode != 0 and record.get("ok"):
        record = {**record, "ok": False, "error": f"exit code {proc.returncode} after ok=true"}
    elif not record.get("ok") and not record.get("error"):
        record = {**record, "error": "ok=false without a message"}
    elif record.get("ok") and not isinstance(record.get("ms"), (int, float)):
        record = {**record, "ok": False, "error": f"ok=true but ms={record.get('ms')!r}"}
    record["wall_s"] = wall_s
    record["returncode"] = proc.returncode
    return record


def _estimated_s(results: dict[Cell, CellResult], cell: Cell) -> float | None:
    """The mean process time of the cell's calls so far, None before its first call."""
    res = results[cell]
    calls = [r["wall_s"] for r in ([res.warmup] if res.warmup else []) + res.samples]
    return sum(calls) / len(calls) if calls else None


def run_all(
    cells: list[Cell],
    runs: int,
    warmup: int,
    timeout_s: float,
    jobs: int = 1,
    show_progress: bool = True,
) -> list[CellResult]:
    """Measures every cell (``warmup`` uncounted calls, then ``runs`` counted ones), interleaved.

    jobs > 1 runs the calls of one round (one per library) in parallel: for --quick, which
    checks correctness only, never for timings. REQUIRES: runs >= 1, warmup >= 0, jobs >= 1.
    Returns one CellResult per cell, in plan order.
    """
    results = {cell: CellResult(cell) for cell in cells}
    progress = Progress(len(cells) * (warmup + runs), enabled=show_progress)
    # Calls still to make for each cell, to estimate the time left.
    left = {cell: warmup + runs for cell in cells}

    def eta() -> float:
        known = [t for c in cells if (t := _estimated_s(results, c)) is not None]
        fallback = sum(known) / len(known) if known else 0.0
        return sum(n * (_estimated_s(results, c) or fallback) for c, n in left.items()) / jobs

    def record(cell: Cell, outcome: dict[str, Any], counted: bool) -> None:
        res = results[cell]
        outcome["counted"] = counted
        left[cell] -= 1
        if counted:
            res.samples.append(outcome)
        else:
            res.warmup = outcome
        if outcome.get("ok"):
            progress.advance(1, eta())
            return
        res.error = str(outcome.get("error"))
        skipped, left[cell] = left[cell], 0
        progress.advance(1 + skipped, eta())
        if not is_unsupported(res.error):
            progress.note(f"{cell.lib} {cell.workload} {cell.input}: {res.error}")

    pool = ThreadPoolExecutor(max_workers=jobs) if jobs > 1 else None
    try:
        for slot in slots(cells):
            for round_index in range(warmup + runs):
                counted = round_index >= warmup
                todo = [cell for cell in slot if results[cell].error is None]
                if pool is None:
                    for cell in todo:
                        progress.describe(f"{cell.lib} {cell.workload} {cell.input}")
                        record(cell, call(cell, timeout_s, counted), counted)
                    continue
                progress.describe(f"{len(todo)} calls of {slot[0].workload} {slot[0].input}")
                futures = {pool.submit(call, cell, timeout_s, counted): cell for cell in todo}
                for future in as_completed(futures):
                    record(futures[future], future.result(), counted)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        progress.close()
    return [results[cell] for cell in cells]


def is_unsupported(error: str | None) -> bool:
    """True for a runner's "this library cannot do that" answer, which is not a failure."""
    return bool(error) and error.lower().startswith(("unsupported", "unavailable"))


def timeout_of(error: str | None) -> float | None:
    """The limit in seconds when ``error`` says a call ran out of time, else None: this module's
    per-call timeout, or a runner's ``timeout: budget of S s exceeded ...`` (--budget-s)."""
    match = re.fullmatch(r"timeout after ([0-9.]+) s", error or "") or re.match(
        r"timeout: budget of ([0-9.]+) s", error or ""
    )
    return float(match.group(1)) if match else None


def print_failures(results: list[CellResult], stream: TextIO | None = None) -> int:
    """Prints every failed cell (unsupported ones excepted) to ``stream`` (default: stderr at
    call time); returns how many failed."""
    stream = stream or sys.stderr
    failed = [r for r in results if not r.ok and not is_unsupported(r.error)]
    for r in failed:
        c = r.cell
        print(f"FAIL {c.lib} {c.workload} {c.input}: {r.error}", file=stream)
    return len(failed)
