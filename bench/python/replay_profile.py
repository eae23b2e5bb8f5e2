"""One replay per process, to profile the Python API's per-patch cost with callgrind.

Modes (the trace is loaded in every mode, so a run of ``load-<peer>`` is the baseline
to subtract)::

    crdtcore       replay.py's loop: one ``with doc.transaction():`` block per patch
    loro           peers.py's loro-py loop: delete, insert, ``doc.commit()`` per patch
    load-crdtcore  load the trace and import crdtcore, no replay
    load-loro      load the trace and import loro, no replay

Instructions per patch, Python side against native core::

    valgrind --tool=callgrind --callgrind-out-file=cg.replay \\
        python bench/python/replay_profile.py crdtcore
    valgrind --tool=callgrind --callgrind-out-file=cg.base \\
        python bench/python/replay_profile.py load-crdtcore
    # (Ir(cg.replay) - Ir(cg.base)) / patches; `callgrind_annotate --inclusive=yes` splits it
    # into the interpreter (libpython), the bindings and crdtcore::Text::insert/remove_range,
    # Doc::begin_transaction/commit_transaction (the core)

``--runs N`` (N > 1) times N replays instead and prints the best and the median wall time.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_traces import Patch, load, trace_path


def replay_crdtcore(patches: list[Patch], expected: str) -> None:
    """replay.py's loop; checks the final text."""
    from replay import replay

    _, text = replay(patches)
    if str(text) != expected:
        raise SystemExit("crdtcore: final text differs from the trace's endContent")


def replay_loro(patches: list[Patch], expected: str) -> None:
    """peers.py's loro-py loop; checks the final text."""
    from peers import LoroPeer

    peer = LoroPeer()
    doc, text = peer.new_doc(1)
    peer.replay(doc, text, patches)
    if text.to_string() != expected:
        raise SystemExit("loro: final text differs from the trace's endContent")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["crdtcore", "loro", "load-crdtcore", "load-loro"])
    parser.add_argument("--trace", default="automerge-paper", help="trace name or path")
    parser.add_argument("--runs", type=int, default=1, help="> 1: time this many replays")
    args = parser.parse_args(argv)

    patches, expected = load(trace_path(args.trace))
    if args.mode.startswith("load-"):
        # The same imports and set-up as the replay modes, so subtracting leaves the loop.
        if args.mode == "load-loro":
            from peers import LoroPeer

            LoroPeer().new_doc(1)
        else:
            __import__("replay")  # replay.py, which imports crdtcore
        return 0
    replay: Callable[[list[Patch], str], None] = (
        replay_crdtcore if args.mode == "crdtcore" else replay_loro
    )
    if args.runs <= 1:
        replay(patches, expected)
        return 0
    times = []
    for _ in range(args.runs):
        gc.collect()
        start = time.perf_counter()
        replay(patches, expected)
        times.append(time.perf_counter() - start)
    print(
        f"{args.mode}: {len(patches)} patches, best {min(times) * 1e3:.1f} ms,"
        f" median {statistics.median(times) * 1e3:.1f} ms ({args.runs} runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
