"""Shared fakes of the benchmark orchestrator's tests (bench/harness): no real runner runs.

- ``fake_runners``: CRDTCORE_BENCH_RUNNER_{CPP,PY,JS} point at fake_runner.py, whose answers
  the test scripts (``fake_runners.script({...})``) and whose calls it reads back
  (``fake_runners.calls()``).
- ``traces``: a $CRDTCORE_TRACES with empty trace files of the given names.
- ``build``: ``build.record``, ``build.cell_result``, ``build.document``, ``build.checkpoints``
  make runner records, measured cells, results documents and b4x10 checkpoints in memory, for
  the results/report/targets/growth tests (a fixture: test modules never import conftest).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from harness import plan, results  # noqa: E402  (bench/harness, on the path above)
from harness.execute import CellResult  # noqa: E402

FAKE_RUNNER = Path(__file__).resolve().parent / "fake_runner.py"
SEQUENTIAL = ("alpha", "json-crdt-patch", "zeta")
CONCURRENT = ("crowd",)


@dataclass
class FakeRunners:
    """Scripts the stand-in runners and reads back their calls."""

    script_path: Path
    log_path: Path

    def script(self, behaviours: dict[str, dict[str, Any]]) -> None:
        """Sets how the runners answer (keys: "lib workload input", "lib workload", "lib",
        "default"; see fake_runner.py)."""
        self.script_path.write_text(json.dumps(behaviours), encoding="utf-8")

    def calls(self) -> list[tuple[str, str, str]]:
        """(lib, workload, input) of every call so far, in the order they started."""
        lines = self.log_path.read_text(encoding="utf-8").splitlines()
        return [(c["lib"], c["workload"], c["input"]) for c in map(json.loads, lines)]


@pytest.fixture
def traces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$CRDTCORE_TRACES with (empty) sequential and concurrent trace files."""
    root = tmp_path / "traces"
    for kind, names in (("sequential", SEQUENTIAL), ("concurrent", CONCURRENT)):
        folder = root / kind
        folder.mkdir(parents=True)
        for name in names:
            (folder / f"{name}.json.gz").write_bytes(b"")
    monkeypatch.setenv("CRDTCORE_TRACES", str(root))
    return root


@pytest.fixture
def fake_runners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, traces: Path) -> FakeRunners:
    """Every runner kind is fake_runner.py (all libraries available), answering ok."""
    fakes = FakeRunners(tmp_path / "script.json", tmp_path / "calls.log")
    fakes.script({})
    fakes.log_path.write_text("", encoding="utf-8")
    monkeypatch.setenv("FAKE_BENCH_SCRIPT", str(fakes.script_path))
    monkeypatch.setenv("FAKE_BENCH_LOG", str(fakes.log_path))
    for kind in (plan.KIND_CPP, plan.KIND_PY, plan.KIND_JS):
        command = f"{sys.executable} {FAKE_RUNNER} --kind {kind}"
        monkeypatch.setenv(f"CRDTCORE_BENCH_RUNNER_{kind.upper()}", command)
    return fakes


def record(ms: float | None = 1.0, ok: bool = True, **fields: Any) -> dict[str, Any]:
    """A runner record (its JSON line plus what execute.call adds), counted."""
    return {
        "ok": ok,
        "ms": ms if ok else None,
        "ops": 100,
        "bytes": 10,
        "mem_bytes": 1000,
        "mem_method": "fake",
        "version": "1.0",
        "error": None if ok else "wrong result: differs",
        "wall_s": 0.1,
        "returncode": 0 if ok else 1,
        "counted": True,
        **fields,
    }


def cell_result(
    lib: str,
    workload: str = "replay",
    input_: str = "alpha",
    group: str | None = None,
    samples: list[dict[str, Any]] | None = None,
    error: str | None = None,
    x: float | None = None,
) -> CellResult:
    """One measured cell; ``error`` makes it a failed one (no samples unless given)."""
    cell = plan.Cell(lib, workload, input_, group or workload, x)
    default = [] if error else [record(1.0)]
    return CellResult(cell, None, default if samples is None else samples, error)


def document(measured: list[CellResult]) -> dict[str, Any]:
    """A results document with fixed machine/config fields (no subprocesses, no git)."""
    return {
        "schema": results.SCHEMA,
        "date": "2026-01-01T00:00:00+00:00",
        "machine": {
            "cpu": "test cpu",
            "cores": 2,
            "ram_bytes": 1 << 30,
            "os": "test os",
            "kernel": "1",
            "arch": "x86_64",
            "python": "3.11",
            "node": None,
            "compiler": None,
            "loadavg": None,
        },
        "git": {"commit": "0123456789abcdef", "dirty": False},
        "config": {"runs": 3, "warmup": 1, "timeout_s": 300.0, "budget_s": 60.0},
        "versions": {},
        "skipped_libs": {},
        "cells": [results.summarize(r) for r in measured],
    }


def checkpoints(
    per_pass: int = 1000, passes: int = 10, us_first: float = 1.0, us_last: float = 1.0
) -> list[dict[str, Any]]:
    """A runner's b4x10 checkpoints: pass k costs us_first + (us_last - us_first) * (k-1)/(n-1)
    µs per patch (evenly within pass 1); memory grows by 100 bytes per patch."""
    points, ms = [], 0.0
    for s in range(1, 11):
        ms += per_pass / 10 * us_first / 1000
        points.append({"patches": per_pass * s // 10, "ms": ms, "mem_bytes": per_pass * s * 10})
    for k in range(2, passes + 1):
        us = us_first + (us_last - us_first) * (k - 1) / (passes - 1)
        ms += per_pass * us / 1000
        points.append({"patches": per_pass * k, "ms": ms, "mem_bytes": per_pass * k * 100})
    return points


@pytest.fixture
def build() -> SimpleNamespace:
    """The in-memory builders above: record, cell_result, document, checkpoints."""
    return SimpleNamespace(
        record=record, cell_result=cell_result, document=document, checkpoints=checkpoints
    )
