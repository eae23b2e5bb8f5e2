"""Inputs and measuring helpers shared by the Python benchmark runner (runner.py).

- ``Rng``: SplitMix64 seeded with 42, the generator of the C++ runner
  (bench/cpp/bench_support.h) too, so both crdtcore rows get identical B1-B3 inputs.
- ``TextModel``: a plain text with a gap at the last edit, used to compute what a
  prefix of a trace must produce and to convert code-point positions to UTF-8 byte
  offsets (pycrdt indexes text by bytes).
- ``heap_in_use``: glibc ``mallinfo2`` via ctypes. crdtcore, pycrdt, loro and
  automerge all allocate with the C library's malloc, so one method fits them all.
- ``missing_past``: what an agent lacks of a concurrent transaction's causal past.
- ``Budget``: ``$CRDTCORE_BENCH_BUDGET_S``, the time after which replay, replay_sync and
  concurrent give up (``timeout: budget of S s exceeded after D of T patches``).
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Callable, Sequence

from bench_traces import ConcurrentTxn, Patch

MASK64 = (1 << 64) - 1


class WrongResult(Exception):
    """A benchmark produced a wrong result (reported as ok=false)."""


class Unsupported(Exception):
    """A workload the library (or this runner) cannot do."""


class BudgetExceeded(Exception):
    """The timed part ran past ``$CRDTCORE_BENCH_BUDGET_S`` (reported as ok=false)."""


class Budget:
    """A time limit for one measurement; ``seconds <= 0`` means none.

    The orchestrator (bench/harness/execute.py ``timeout_of``) parses the message prefix
    ``timeout: budget of S s``.
    """

    CHUNK_PATCHES = 4096  # patches between two checks (replay, replay_sync)
    CHUNK_TXNS = 1024  # transactions between two checks (concurrent)

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.start = time.perf_counter()

    @classmethod
    def from_env(cls) -> Budget:
        """The budget ``$CRDTCORE_BENCH_BUDGET_S`` sets (none when unset or not a number)."""
        try:
            return cls(max(0.0, float(os.environ.get("CRDTCORE_BENCH_BUDGET_S", "0"))))
        except ValueError:
            return cls()

    def restart(self) -> None:
        """Starts the clock the budget is measured against (call right before timing)."""
        self.start = time.perf_counter()

    def check(self, done: int, total: int, what: str) -> None:
        """Raises BudgetExceeded when the clock has passed the budget."""
        if self.seconds > 0 and time.perf_counter() - self.start > self.seconds:
            raise BudgetExceeded(
                f"timeout: budget of {self.seconds:g} s exceeded after {done} of {total} {what}"
            )

    def chunks(self, patches: Sequence[Patch]) -> list[Sequence[Patch]]:
        """``patches`` cut where the budget is checked (one piece without a budget)."""
        if self.seconds <= 0:
            return [patches]
        step = self.CHUNK_PATCHES
        return [patches[i : i + step] for i in range(0, len(patches), step)]

    def replay(
        self, apply: Callable[[Sequence[Patch]], None], chunks: list[Sequence[Patch]]
    ) -> None:
        """Calls ``apply`` on each piece of ``chunks()``, checking the budget in between."""
        total = sum(len(c) for c in chunks)
        done = 0
        for chunk in chunks:
            apply(chunk)
            done += len(chunk)
            if done < total:
                self.check(done, total, "patches")


class Rng:
    """SplitMix64; ``next`` returns the same numbers as the C++ runner's ``Rng``."""

    def __init__(self, seed: int = 42) -> None:
        self.state = seed

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def int_in(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi] (modulo draw)."""
        return lo + self.next() % (hi - lo + 1)

    def letter(self) -> str:
        return chr(ord("a") + self.next() % 26)

    def word(self, n: int) -> str:
        return "".join(self.letter() for _ in range(n))

    def number(self) -> int:
        """A non-negative number below 2**31 (an array element)."""
        return self.next() % 0x80000000


class TextModel:
    """A text as a list of characters split at a gap; edits cost the cursor's move.

    ``before`` holds the characters before the gap, ``after`` the ones after it in
    reverse order. ``before_bytes`` is the UTF-8 size of ``before`` when tracked.
    """

    def __init__(self, track_bytes: bool = False) -> None:
        self.before: list[str] = []
        self.after: list[str] = []
        self.track_bytes = track_bytes
        self.before_bytes = 0

    def _move(self, pos: int) -> None:
        before, after = self.before, self.after
        if len(before) > pos:
            moved = before[pos:]
            del before[pos:]
            if self.track_bytes:
                self.before_bytes -= len("".join(moved).encode())
            moved.reverse()
            after.extend(moved)
        elif len(before) < pos:
            k = min(pos - len(before), len(after))
            moved = after[len(after) - k :]
            del after[len(after) - k :]
            moved.reverse()
            if self.track_bytes:
                self.before_bytes += len("".join(moved).encode())
            before.extend(moved)

    def apply(self, pos: int, n_deleted: int, inserted: str) -> int:
        """Applies one patch; returns the UTF-8 size of the deleted text when tracked."""
        self._move(pos)
        deleted_bytes = 0
        if n_deleted:
            cut = len(self.after) - min(n_deleted, len(self.after))
            if self.track_bytes:
                deleted_bytes = len("".join(self.after[cut:]).encode())
            del self.after[cut:]
        self.before.extend(inserted)
        if self.track_bytes:
            self.before_bytes += len(inserted.encode())
        return deleted_bytes

    def text(self) -> str:
        return "".join(self.before) + "".join(reversed(self.after))


def warm_up_runs(fn: Callable[[], object]) -> int:
    """Runs ``fn`` untimed as the JS runner's warm-up of encode and load does
    (bench/js/lib/measure.mjs ``warmUpRuns``): once, then again while fewer than
    ``$CRDTCORE_BENCH_WARMUP_RUNS`` (5) runs and less than ``$CRDTCORE_BENCH_WARMUP_MS``
    (500) ms have passed; returns how many runs it made. The next run is the timed one.

    Natively compiled libraries need no JIT warm-up, but the allocator does: the first load
    after a dropped document regrows the heap glibc trimmed (~580 page faults, ~1 ms on
    rustcode), and the first encode grows its buffer from nothing. Timing the run after the
    same warm-up in every runner measures the same work for every library."""
    runs_max = int(os.environ.get("CRDTCORE_BENCH_WARMUP_RUNS", "5"))
    ms_max = float(os.environ.get("CRDTCORE_BENCH_WARMUP_MS", "500"))
    start = time.perf_counter()
    fn()
    runs = 1
    while runs < runs_max and (time.perf_counter() - start) * 1e3 < ms_max:
        fn()
        runs += 1
    return runs


def is_ascii_trace(patches: list[Patch]) -> bool:
    return all(ins.isascii() for _, _, ins in patches)


def utf8_patches(patches: list[Patch]) -> list[Patch]:
    """The patches with positions and deletion lengths in UTF-8 bytes (same text)."""
    if is_ascii_trace(patches):
        return patches
    model = TextModel(track_bytes=True)
    out = []
    for pos, n_del, ins in patches:
        model._move(pos)
        byte_pos = model.before_bytes
        byte_del = model.apply(pos, n_del, ins)
        out.append((byte_pos, byte_del, ins))
    return out


def prefix_text(patches: list[Patch], count: int) -> str:
    """The text the first ``count`` patches produce."""
    model = TextModel()
    for pos, n_del, ins in patches[:count]:
        model.apply(pos, n_del, ins)
    return model.text()


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_libc = ctypes.CDLL(None)
_libc.mallinfo2.restype = _Mallinfo2

HEAP_METHOD = (
    "glibc mallinfo2 (uordblks+hblkhd) delta around building the document, document kept"
    " alive (native heap of the library; Python small-object arenas not counted)"
)


def heap_in_use() -> int:
    """Bytes held in malloc now (in-use arena chunks + mmapped chunks)."""
    info = _libc.mallinfo2()
    return int(info.uordblks + info.hblkhd)


def missing_past(have: bytearray, roots: list[int], txns: list[ConcurrentTxn]) -> list[int]:
    """The txns of the causal past of ``roots`` not in ``have``, in index order.

    Marks them in ``have`` (the caller delivers them all).
    """
    stack = [r for r in roots if not have[r]]
    missing = []
    while stack:
        j = stack.pop()
        if have[j]:
            continue
        have[j] = 1
        missing.append(j)
        stack.extend(p for p in txns[j].parents if not have[p])
    missing.sort()
    return missing
