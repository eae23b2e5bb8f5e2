"""Helpers of the convergence fuzz tests: fuzzing modes, failure files, replay commands."""

from __future__ import annotations

import json
import os
import re
import shlex
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crdtcore.testing import Scenario, failure_of, save_scenario, shrink_scenario

ROOT = Path(__file__).resolve().parents[2]
FAILURES = ROOT / "build" / "fuzz-failures"
LONG_ENV = "CRDTCORE_FUZZ_LONG"
PYTHON = ".venv/bin/python"


def parse_duration(text: str) -> float:
    """Seconds in "90", "90s", "30m", "4h"; "1"/"true"/"yes"/"on" mean one hour."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return 3600.0
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smh]?)", value)
    if not match:
        raise pytest.UsageError(f"bad fuzz duration {text!r} (use e.g. 90s, 30m, 4h)")
    return float(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600}[match[2]]


@dataclass(frozen=True)
class FuzzMode:
    """How hard to fuzz: ``budget_s`` of wall time for the whole long run, shared out among the
    tests (0 = fixed seeds only)."""

    budget_s: float

    @property
    def long(self) -> bool:
        return self.budget_s > 0

    def seeds(self, fixed: list[int], share: float = 1.0) -> Iterator[int]:
        """The fixed seeds, or in long mode random seeds until ``share`` of the budget is used
        (the first seed is printed so a run can be told apart in logs)."""
        if not self.long:
            yield from fixed
            return
        start = int.from_bytes(os.urandom(4), "little")
        print(f"\nlong fuzz: seeds from {start}, {self.budget_s * share:.0f} s")
        deadline = time.monotonic() + self.budget_s * share
        seed = start
        while time.monotonic() < deadline:
            yield seed
            seed += 1


def replay_command(path: Path, *, yjs: bool = False) -> str:
    """The shell command that replays a saved scenario or schedule file."""
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    yjs_flag = " --yjs" if yjs else ""
    return f"{PYTHON} -m crdtcore.testing replay {shlex.quote(str(shown))}{yjs_flag}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80]


def check_scenario(
    scenario: Scenario, label: str, *, shrink: bool = True, **run_options: Any
) -> None:
    """Runs a scenario; on failure shrinks it, saves both versions and fails the test with
    the replay command of the minimal one."""
    failure = failure_of(scenario, **run_options)
    if failure is None:
        return
    FAILURES.mkdir(parents=True, exist_ok=True)
    name = _slug(label)
    full = save_scenario(scenario, FAILURES / f"{name}.json", found_by=label, failure=failure)
    lines = [f"{label}: {failure}", f"full scenario: {full.relative_to(ROOT)}"]
    target = full
    if shrink:
        small = shrink_scenario(scenario, **run_options)
        target = save_scenario(
            small,
            FAILURES / f"{name}.min.json",
            found_by=label,
            failure=failure_of(small, **run_options),
        )
        lines.append(
            f"shrunk: {len(scenario.actions)} -> {len(small.actions)} actions, "
            f"{scenario.ops} -> {small.ops} ops, {scenario.peers} -> {small.peers} peers"
        )
    lines.append(f"replay: {replay_command(target, yjs=bool(scenario.yjs_peers))}")
    lines.append(f"keep as a regression: cp {target.relative_to(ROOT)} tests/fuzz/regressions/")
    pytest.fail("\n".join(lines), pytrace=False)


def save_schedule_failure(label: str, schedule: dict[str, Any], error: Exception) -> str:
    """Saves a failing message-level schedule; returns the replay line for the message."""
    FAILURES.mkdir(parents=True, exist_ok=True)
    path = FAILURES / f"{_slug(label)}.json"
    path.write_text(json.dumps({"found_by": label, "failure": str(error).splitlines()[0],
                                "schedule": schedule}, indent=1, ensure_ascii=False))  # fmt: skip
    return f"replay: {replay_command(path)}"
