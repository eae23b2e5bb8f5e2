"""Growth curves from the checkpoints of a B4 x10 run (the growth_history group).

Every runner's ``b4x10`` replays automerge-paper ten times into one document and records 19
checkpoints in ``extra.checkpoints``: after each tenth of the first pass, then after each later
pass, ``{"patches": patches applied, "ms": timed ms so far, "mem_bytes": heap the document
holds}`` (the clock is paused while a checkpoint reads memory). ``results.summarize`` keeps the
median over the counted runs of each checkpoint; this module turns those medians into:

- segments: the time per patch of each 10 % slice of pass 1, then of each later pass (the
  marginal cost: what one more patch costs at that history size);
- passes: the time per patch of each whole pass (pass 1 included);
- memory: heap held against patches applied;
- flat_ratio: per-patch cost of the last pass over that of pass 1, the "growth flat" target.

Example:
    >>> cps = [{"patches": 10 * s, "ms": 1.0 * s, "mem_bytes": 100 * s} for s in range(1, 11)]
    >>> cps += [{"patches": 100 * k, "ms": 10.0 + 12.0 * (k - 1), "mem_bytes": 0} for k in (2, 3)]
    >>> [round(p.us_per_patch) for p in passes(cps)]
    [100, 120, 120]
    >>> flat_ratio(cps)
    1.2
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

# Checkpoints in the first pass (each tenth of it); every later pass ends with one more.
FIRST_PASS_SLICES = 10


@dataclass(frozen=True)
class Segment:
    """A stretch of the run between two checkpoints.

    label: "10 %" … "100 %" for a slice of pass 1, "pass K" for a later (or whole) pass.
    start, end: patches applied before and after it. ms: its median timed ms.
    """

    label: str
    start: int
    end: int
    ms: float

    @property
    def us_per_patch(self) -> float:
        """Median µs per patch over the segment."""
        return self.ms * 1000 / (self.end - self.start)


def checkpoints_of(sample: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The checkpoint list of one runner record, None when it has none."""
    extra = sample.get("extra")
    points = extra.get("checkpoints") if isinstance(extra, dict) else None
    if not isinstance(points, list) or not points:
        return None
    if not all(isinstance(p, dict) and isinstance(p.get("patches"), int) for p in points):
        return None
    return points


def median_checkpoints(samples: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Per checkpoint, the median, min and max of ``ms`` and the median ``mem_bytes`` over the
    ok samples that recorded the same checkpoints as the first one; None without any."""
    lists = [cps for s in samples if s.get("ok") and (cps := checkpoints_of(s)) is not None]
    if not lists:
        return None
    counts = [p["patches"] for p in lists[0]]
    lists = [cps for cps in lists if [p["patches"] for p in cps] == counts]
    out = []
    for i, patches in enumerate(counts):
        ms = [float(cps[i]["ms"]) for cps in lists]
        mem = [cps[i]["mem_bytes"] for cps in lists]
        mem = [float(m) for m in mem if isinstance(m, (int, float))]
        out.append(
            {
                "patches": patches,
                "ms": statistics.median(ms),
                "ms_min": min(ms),
                "ms_max": max(ms),
                "mem_bytes": statistics.median(mem) if mem else None,
            }
        )
    return out


def _split(checkpoints: list[dict[str, Any]]) -> tuple[list[dict], list[dict]] | None:
    """(the first pass's checkpoints, one per later pass), None when there are too few."""
    if len(checkpoints) < FIRST_PASS_SLICES:
        return None
    return checkpoints[:FIRST_PASS_SLICES], checkpoints[FIRST_PASS_SLICES:]


def _between(label: str, before: dict[str, Any] | None, after: dict[str, Any]) -> Segment:
    start = before["patches"] if before else 0
    ms = after["ms"] - (before["ms"] if before else 0.0)
    return Segment(label, start, after["patches"], ms)


def segments(checkpoints: list[dict[str, Any]]) -> list[Segment]:
    """Each 10 % slice of pass 1, then each later pass (empty slices are left out)."""
    split = _split(checkpoints)
    if split is None:
        return []
    first, later = split
    out, before = [], None
    for i, point in enumerate(first):
        out.append(_between(f"{100 * (i + 1) // FIRST_PASS_SLICES} %", before, point))
        before = point
    for k, point in enumerate(later, start=2):
        out.append(_between(f"pass {k}", before, point))
        before = point
    return [s for s in out if s.end > s.start]


def passes(checkpoints: list[dict[str, Any]]) -> list[Segment]:
    """Each whole pass: pass 1 (its last first-pass checkpoint), then every later pass."""
    split = _split(checkpoints)
    if split is None:
        return []
    first, later = split
    out, before = [_between("pass 1", None, first[-1])], first[-1]
    for k, point in enumerate(later, start=2):
        out.append(_between(f"pass {k}", before, point))
        before = point
    return [s for s in out if s.end > s.start]


def memory(checkpoints: list[dict[str, Any]]) -> list[tuple[int, float]]:
    """(patches applied, heap bytes held) at each checkpoint that read memory."""
    return [(p["patches"], p["mem_bytes"]) for p in checkpoints if p.get("mem_bytes") is not None]


def flat_ratio(checkpoints: list[dict[str, Any]]) -> float | None:
    """Per-patch time of the last pass / that of pass 1; None without a second pass."""
    whole = passes(checkpoints)
    if len(whole) < 2 or whole[0].ms <= 0:
        return None
    return whole[-1].us_per_patch / whole[0].us_per_patch
