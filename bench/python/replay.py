"""Replays sequential editing traces through crdtcore's Python API and times it.

Each patch ``[pos, n_deleted, inserted]`` of the trace becomes one transaction,
written the way a user of the API would write it::

    with doc.transaction():
        del text[pos : pos + n_deleted]
        text.insert(pos, inserted)

Measured (median over ``--runs``; loading and JSON parsing excluded): the
replay itself, the v1 encoding of the whole document (``doc.get_update()``) and
its decoding into a fresh document. The replay's process CPU time is shown
next to its wall time; it is steadier when other processes share the CPU. Every run checks the final text against
the trace's ``endContent``.

Usage::

    python bench/python/replay.py                       # automerge-paper, 5 runs
    python bench/python/replay.py --trace rustcode --runs 3
    python bench/python/replay.py --all                 # every sequential trace
    python bench/python/replay.py --trace /path/to/x.json.gz

Traces come from bench/traces/sequential (``$CRDTCORE_TRACES/sequential`` when
that is set). They are CC BY 4.0; see bench/traces/README.md for the attribution.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_traces import Patch, load, sequential_dir, trace_path
from crdtcore import Doc, Text

DEFAULT_TRACE = "automerge-paper"


def replay(patches: list[Patch]) -> tuple[Doc, Text]:
    """Applies ``patches`` to a fresh document, one transaction per patch."""
    doc = Doc(client_id=1)
    text = doc.get("text", type=Text)
    for pos, n_del, ins in patches:
        with doc.transaction():
            if n_del:
                del text[pos : pos + n_del]
            if ins:
                text.insert(pos, ins)
    return doc, text


@dataclass
class Result:
    """Timings (seconds, medians) and checks of one trace."""

    name: str
    patches: int
    replay_s: float
    replay_cpu_s: float  # process CPU time: steadier than wall time on a busy machine
    encode_s: float
    decode_s: float
    update_bytes: int
    final_chars: int
    ok: bool  # final text and decoded text both equal endContent

    @property
    def ops_per_s(self) -> float:
        return self.patches / self.replay_s if self.replay_s > 0 else float("inf")

    def line(self) -> str:
        return (
            f"{self.name:22} {self.patches:7d} patches  replay {self.replay_s * 1e3:9.1f} ms"
            f" (cpu {self.replay_cpu_s * 1e3:9.1f})"
            f"  {self.ops_per_s / 1e3:8.1f} kops/s  encode {self.encode_s * 1e3:6.2f} ms"
            f"  {self.update_bytes:8d} B  decode {self.decode_s * 1e3:7.2f} ms"
            f"  {'OK' if self.ok else 'MISMATCH'}"
        )


def run(trace: str, runs: int = 5) -> Result:
    """Replays ``trace`` ``runs`` times and returns the medians."""
    path = trace_path(trace)
    patches, expected = load(path)
    replay_t, replay_cpu_t, encode_t, decode_t = [], [], [], []
    ok = True
    update = b""
    final_chars = 0
    for _ in range(max(1, runs)):
        gc.collect()
        c0 = time.process_time()
        t0 = time.perf_counter()
        doc, text = replay(patches)
        t1 = time.perf_counter()
        replay_cpu_t.append(time.process_time() - c0)
        update = doc.get_update()
        t2 = time.perf_counter()
        fresh = Doc(client_id=2)
        fresh.apply_update(update)
        t3 = time.perf_counter()
        replay_t.append(t1 - t0)
        encode_t.append(t2 - t1)
        decode_t.append(t3 - t2)
        final = str(text)
        final_chars = len(final)
        ok = ok and final == expected and str(fresh.get("text", type=Text)) == expected
    return Result(
        name=path.name.removesuffix(".json.gz"),
        patches=len(patches),
        replay_s=statistics.median(replay_t),
        replay_cpu_s=statistics.median(replay_cpu_t),
        encode_s=statistics.median(encode_t),
        decode_s=statistics.median(decode_t),
        update_bytes=len(update),
        final_chars=final_chars,
        ok=ok,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trace", default=DEFAULT_TRACE, help="trace name or .json.gz path")
    parser.add_argument("--runs", type=int, default=5, help="repetitions (median reported)")
    parser.add_argument("--all", action="store_true", help="every sequential trace")
    args = parser.parse_args(argv)

    if args.all:
        names = sorted(p.name.removesuffix(".json.gz") for p in sequential_dir().glob("*.json.gz"))
    else:
        names = [args.trace]
    all_ok = True
    for name in names:
        result = run(name, args.runs)
        print(result.line(), flush=True)
        all_ok = all_ok and result.ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
