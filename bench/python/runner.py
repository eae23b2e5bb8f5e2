"""The Python runner of the benchmark protocol: one measurement per invocation.

    python bench/python/runner.py --lib {crdtcore-py,pycrdt,loro-py,automerge-py} \\
        --workload W --input I

prints one JSON line: {"lib", "workload", "input", "ok", "ms", "ops", "bytes",
"mem_bytes", "mem_method", "version", "error"} (plus "extra": b4x10's checkpoints, the warm
figure). Workloads:

- replay, encode, load, replay_sync: a sequential trace (name or .json.gz path)
- concurrent: a concurrent trace, one document per agent
- b4, b4x10, growth:b4:P, growth:b4x:K: automerge-paper (a prefix, K copies); b4x10
  records extra.checkpoints (the growth_history curves)
- b1.1-b1.4, b2.1-b2.4, b3.1-b3.4 (":N", default 6000), growth:b3:C: crdtcore-py and
  pycrdt only (their Python APIs are the same)

Only the measured part is timed. Every result is checked; a wrong one gives ok=false
and an error, never a time. $CRDTCORE_BENCH_BUDGET_S = S > 0 stops a replay, replay_sync
or concurrent run whose timed part passes S seconds (ok=false, "timeout: budget of S s
exceeded after D of T patches"). replay, replay_sync, encode, load and concurrent also give a
warm figure (extra.warm_ms, warm_times_ms, warm_stable: warm.py; $CRDTCORE_BENCH_WARM_REPEATS,
_WARM_S, _WARM_TOL): the measurement repeated in this process, each repeat checked. Exit
status 0 when ok, 1 when not, 2 for a usage error.
bench/README.md ("crdtcore and Python peers") describes each workload.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crdt_benchmarks
from bench_traces import concurrent_path, load, load_concurrent, trace_path
from warm import warm_repeats
from workloads import (
    HEAP_METHOD,
    Budget,
    BudgetExceeded,
    Unsupported,
    WrongResult,
    heap_in_use,
    prefix_text,
    warm_up_runs,
)

DEFAULT_N = 6000
B4_TRACE = "automerge-paper"
ENCODE_TO = ""  # --out of the internal _encode_to workload
LIBS = ("crdtcore-py", "pycrdt", "loro-py", "automerge-py")
B3_MEM_METHOD = "glibc mallinfo2 (uordblks+hblkhd) delta around applying the updates"
B4_MEM_METHOD = "glibc mallinfo2 (uordblks+hblkhd) delta around creating and editing the document"
FIRST_PASS_SLICES = 10  # b4x10 checkpoints: each tenth of the first pass, then each later pass


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1e3


def _first_difference(actual: str, expected: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(actual, expected, strict=False)) if a != b), None)
    if at is None:
        at = min(len(actual), len(expected))
    return f"at code point {at} ({len(actual)} vs {len(expected)} code points)"


def check_text(actual: str, expected: str, who: str) -> None:
    if actual != expected:
        raise WrongResult(
            f"{who} text differs from the expected text {_first_difference(actual, expected)}"
        )


def encoding_from_child(peer: Any, input_: str) -> bytes:
    """The peer's encoding of the replayed trace, made by a child process of this runner
    (``--workload _encode_to``), so that this process loads into a fresh heap: memory a
    replayed document freed and the library recycles would hide the loaded document's size."""
    with tempfile.TemporaryDirectory(prefix="crdtcore-bench-py-") as tmp:
        path = Path(tmp) / "encoding.bin"
        argv = [sys.executable, __file__, "--lib", peer.name, "--workload", "_encode_to"]
        child = subprocess.run(
            [*argv, "--input", input_, "--out", str(path)], capture_output=True, text=True
        )
        if child.returncode != 0 or not path.is_file():
            tail = (child.stdout + child.stderr).strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"the _encode_to child process failed: {tail[0]}")
        return path.read_bytes()


def run_load(peer: Any, input_: str) -> dict[str, Any]:
    """A first (cold) load into this fresh process gives mem_bytes; it is dropped, the
    warm-up loads of the JS runner follow (``warm_up_runs``), and the time is that of the
    next load, as the JS runner does. The warm repeats do the same warm-up and timed load."""
    data = encoding_from_child(peer, input_)
    patches, expected = load(trace_path(input_))
    gc.collect()
    heap_before = heap_in_use()
    cold, cold_text = peer.load(data)
    check_text(peer.text(cold, cold_text), expected, "loaded")
    gc.collect()
    mem = heap_in_use() - heap_before
    del cold, cold_text

    def load_and_check() -> None:
        doc, text = peer.load(data)
        check_text(peer.text(doc, text), expected, "loaded")

    def timed_load(_repeat: int = 0) -> float:
        warm_up_runs(load_and_check)
        gc.disable()
        try:
            start = time.perf_counter()
            loaded, loaded_text = peer.load(data)
            ms = _ms_since(start)
        finally:
            gc.enable()
        check_text(peer.text(loaded, loaded_text), expected, "loaded")
        return ms

    # The collection comes before the warm-up, not right before the timed load: a full
    # collection walks every object of the process (the trace's ~260k patches), which leaves
    # the caches cold for the load after it (~0.2 ms more on rustcode; the C++ runner has
    # no such pass). The automatic collector stays off during the timed load.
    gc.collect()
    ms = timed_load()
    return {
        "ms": ms,
        "ops": len(patches),
        "bytes": len(data),
        "mem_bytes": mem,
        "mem_method": HEAP_METHOD,
        "extra": warm_repeats(timed_load, expect_ms=ms),
    }


def run_encode(peer: Any, input_: str, to_file: bool = False) -> dict[str, Any]:
    """Replays (not timed), encodes untimed as the warm-up (``warm_up_runs``), then times one
    more encoding, checked by loading it into a fresh document (not timed). The warm repeats
    encode the same document (encoding does not change it) after the same warm-up; each
    repeat's encoding must equal the checked one byte for byte, or else load to the right
    text. ``to_file``: the internal ``_encode_to`` (run_load's child) writes the encoding to
    --out instead."""
    patches, expected = load(trace_path(input_))
    doc, text = peer.new_doc(1)
    peer.replay(doc, text, peer.prepare(patches))
    check_text(peer.text(doc, text), expected, "replayed")
    if to_file:
        Path(ENCODE_TO).write_bytes(peer.encode(doc))
        return {"ms": 0.0, "ops": len(patches), "bytes": Path(ENCODE_TO).stat().st_size}

    def timed_encode() -> tuple[float, bytes]:
        warm_up_runs(lambda: peer.encode(doc))
        start = time.perf_counter()
        data = peer.encode(doc)
        return _ms_since(start), data

    def check_encoding(data: bytes) -> None:
        loaded, loaded_text = peer.load(data)
        check_text(peer.text(loaded, loaded_text), expected, "reloaded")

    gc.collect()
    ms, encoded = timed_encode()
    check_encoding(encoded)

    def repeat(_repeat: int) -> float:
        repeat_ms, again = timed_encode()
        if again != encoded:
            check_encoding(again)
        return repeat_ms

    warm = warm_repeats(repeat, expect_ms=ms)
    return {"ms": ms, "ops": len(patches), "bytes": len(encoded), "extra": warm}


def run_replay(peer: Any, workload: str, input_: str, budget: Budget) -> dict[str, Any]:
    """replay, replay_sync: the trace into a fresh document (replay_sync: each transaction's
    update applied to a second one at once), checked; the warm repeats do the same on fresh
    documents."""
    patches, expected = load(trace_path(input_))
    chunks = budget.chunks(peer.prepare(patches))

    def replay_once() -> tuple[float, Any]:
        doc, text = peer.new_doc(1)
        if workload == "replay_sync":
            other, other_text = peer.new_peer(doc, 2)
            replay_chunk = peer.sync_replayer(doc, text, other)
        else:
            replay_chunk = functools.partial(peer.replay, doc, text)
        start = time.perf_counter()
        budget.restart()
        budget.replay(replay_chunk, chunks)
        ms = _ms_since(start)
        check_text(peer.text(doc, text), expected, "replayed")
        if workload == "replay_sync":
            check_text(peer.text(other, other_text), expected, "synced")
            peer.stop_sync()
        return ms, doc

    gc.collect()
    ms, doc = replay_once()
    out = {"ms": ms, "ops": len(patches), "bytes": len(peer.encode(doc))}
    del doc
    out["extra"] = warm_repeats(lambda _repeat: replay_once()[0], expect_ms=ms)
    return out


def run_sequential(peer: Any, workload: str, input_: str, budget: Budget) -> dict[str, Any]:
    if workload == "load":
        return run_load(peer, input_)
    if workload in ("encode", "_encode_to"):
        return run_encode(peer, input_, to_file=workload == "_encode_to")
    return run_replay(peer, workload, input_, budget)


def run_concurrent(peer: Any, input_: str, budget: Budget) -> dict[str, Any]:
    """Every agent's document, checked; the warm repeats run the trace again into fresh ones."""
    trace = load_concurrent(concurrent_path(input_))
    patches = [peer.prepare(t.patches) for t in trace.txns]
    if any(p is not t.patches for p, t in zip(patches, trace.txns, strict=True)):
        raise Unsupported("concurrent traces with non-ASCII text need per-agent byte offsets")

    def concurrent_once() -> tuple[float, Any]:
        start = time.perf_counter()
        budget.restart()
        replicas = peer.concurrent(trace, patches, budget)
        ms = _ms_since(start)
        for agent, (doc, text) in enumerate(replicas):
            check_text(peer.text(doc, text), trace.end_content, f"agent {agent}")
        return ms, replicas[0][0]

    gc.collect()
    ms, first = concurrent_once()
    out = {"ms": ms, "ops": trace.patch_count, "bytes": len(peer.encode(first))}
    del first
    out["extra"] = warm_repeats(lambda _repeat: concurrent_once()[0], expect_ms=ms)
    return out


def checkpoint_counts(count: int, times: int) -> list[int]:
    """The patch counts after which b4x10 takes a checkpoint: count * s // 10 for s = 1..10
    (the first pass), then count * k for k = 2..times (the end of each later pass)."""
    first = [count * s // FIRST_PASS_SLICES for s in range(1, FIRST_PASS_SLICES + 1)]
    return first + [count * k for k in range(2, times + 1)]


def run_b4(peer: Any, count_percent: int, times: int, checkpoints: bool = False) -> dict[str, Any]:
    """The first count_percent % of automerge-paper, ``times`` times into one document;
    mem_bytes is what the edited document holds.

    With ``checkpoints`` the clock pauses at each ``checkpoint_counts`` point while the heap
    is read, and ``extra.checkpoints`` lists ``{patches, ms, mem_bytes}``: patches applied,
    timed ms so far, heap held by the document.
    """
    patches, expected = load(trace_path(B4_TRACE))
    count = len(patches) * count_percent // 100
    if count < len(patches):
        expected = prefix_text(patches, count)
    prepared = peer.prepare(patches)[:count]
    stops = checkpoint_counts(count, times) if checkpoints else [count * times]
    # The piece of a pass between two stops, sliced before the heap reading and the clock.
    pieces, done = [], 0
    for stop in stops:
        while done < stop:
            base = done // count * count
            end = min(stop, base + count)
            whole = done == base and end == base + count
            pieces.append((end, prepared if whole else prepared[done - base : end - base]))
            done = end
    gc.collect()
    heap_before = heap_in_use()
    doc, text = peer.new_doc(1)
    ms, points = 0.0, []
    for end, piece in pieces:
        start = time.perf_counter()
        peer.replay(doc, text, piece)
        ms += _ms_since(start)
        if checkpoints:  # with checkpoints, every piece ends at a stop
            points.append(
                {"patches": end, "ms": round(ms, 3), "mem_bytes": heap_in_use() - heap_before}
            )
    mem = heap_in_use() - heap_before
    check_text(peer.text(doc, text), expected * times, "replayed")
    out = {
        "ms": ms,
        "ops": count * times,
        "bytes": len(peer.encode(doc)),
        "mem_bytes": mem,
        "mem_method": B4_MEM_METHOD,
    }
    if checkpoints:
        out["extra"] = {"checkpoints": points}
    return out


def _size(workload: str, input_: str) -> int:
    for s in (workload, input_):
        if ":" in s:
            return int(s.rsplit(":", 1)[1])
    return int(input_) if input_.isdigit() else DEFAULT_N


def run_workload(peer: Any, workload: str, input_: str) -> dict[str, Any]:
    if workload in ("replay", "encode", "load", "replay_sync", "_encode_to"):
        return run_sequential(peer, workload, input_, Budget.from_env())
    if workload == "concurrent":
        return run_concurrent(peer, input_, Budget.from_env())
    if workload == "b4":
        return run_b4(peer, 100, 1)
    if workload == "b4x10":
        return run_b4(peer, 100, 10, checkpoints=True)
    spec = f"growth:{input_}" if workload == "growth" else workload
    growth = re.fullmatch(r"growth:(b4|b4x|b3):(\d+)", spec)
    if growth and growth[1] == "b4":
        if not 1 <= int(growth[2]) <= 100:
            raise Unsupported("growth:b4:P needs 1 <= P <= 100")
        return run_b4(peer, int(growth[2]), 1)
    if growth and growth[1] == "b4x":
        return run_b4(peer, 100, int(growth[2]))
    bxy = re.fullmatch(r"b([123])\.([1-4])(:\d+)?", workload)
    if bxy or (growth and growth[1] == "b3"):
        if peer.name not in ("crdtcore-py", "pycrdt"):
            raise Unsupported(f"{workload} is measured for crdtcore and pycrdt only")
        if growth:  # B3.1 with C clients
            clients = int(growth[2])
            group, variant, n = 3, 1, clients * clients
        else:
            group, variant, n = int(bxy[1]), int(bxy[2]), _size(workload, input_)
        if group == 1:
            ms, size, mem = crdt_benchmarks.b1(peer.m, variant, n)
        elif group == 2:
            ms, size, mem = crdt_benchmarks.b2(peer.m, variant, n)
        else:
            ms, size, mem = crdt_benchmarks.b3(peer.m, variant, math.isqrt(n))
        out = {"ms": ms, "ops": n, "bytes": size}
        if mem is not None:
            out.update(mem_bytes=mem, mem_method=B3_MEM_METHOD)
        return out
    raise Unsupported(f"workload '{workload}'")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lib", required=True, choices=LIBS)
    parser.add_argument("--workload", required=True)
    parser.add_argument("--input", default="")
    parser.add_argument("--out", default="", help="the encoding's file (_encode_to only)")
    args = parser.parse_args(argv)
    global ENCODE_TO
    ENCODE_TO = args.out
    result: dict[str, Any] = {
        "lib": args.lib,
        "workload": args.workload,
        "input": args.input,
        "ok": False,
        "ms": None,
        "ops": 0,
        "bytes": None,
        "mem_bytes": None,
        "mem_method": None,
        "version": None,
        "error": None,
    }
    try:
        from peers import PEERS

        peer = PEERS[args.lib]()
        result["version"] = peer.version
    except Exception as e:  # the library does not install or import
        result["error"] = f"cannot load {args.lib}: {type(e).__name__}: {e}"
        print(json.dumps(result), flush=True)
        return 1
    try:
        measured = run_workload(peer, args.workload, args.input)
        result.update(measured)
        result["ms"] = round(result["ms"], 3)
        result["ok"] = True
    except Unsupported as e:
        result["error"] = f"unsupported: {e}"
    except WrongResult as e:
        result["error"] = f"wrong result: {e}"
    except BudgetExceeded as e:
        result["error"] = str(e)
    except Exception as e:
        frame = traceback.extract_tb(e.__traceback__)[-1]
        result["error"] = f"{type(e).__name__}: {e} ({Path(frame.filename).name}:{frame.lineno})"
    if not result["ok"] or not result.get("extra"):
        result.pop("extra", None)
    if not result["ok"]:
        result["ms"] = None
    print(json.dumps(result), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
