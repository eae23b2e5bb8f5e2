"""Reads through crdtcore.pycrdt against pycrdt: ``str()`` of a large Text, Array iteration.

    .venv/bin/python bench/python/pycrdt_layer_reads.py [--text-mb 100] [--array 100000]

Each measurement runs in its own subprocess (pycrdt's Array iteration can take gigabytes;
a killed or timed-out run is reported, not fatal) and prints the best of 3. Numbers from
this machine are in docs/pycrdt-differences.md ("Performance").
"""

from __future__ import annotations

import argparse
import subprocess
import sys

TIMEOUT = 120

MEASURE = r"""
import resource, sys, time
lib, what, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
if lib == "pycrdt":
    from pycrdt import Array, Doc, Text
else:
    from crdtcore.pycrdt import Array, Doc, Text
doc = Doc()
if what == "str":
    chunk = "hello wörld 0123456789 " * 4096
    doc["t"] = text = Text()
    text.insert(0, (chunk * (size // len(chunk) + 1))[:size])
    def run():
        return str(text)
else:
    doc["a"] = array = Array(list(range(size)))
    def run():
        return sum(1 for _ in array)
times = []
for _ in range(3):
    start = time.perf_counter()
    run()
    times.append(time.perf_counter() - start)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"best {min(times) * 1000:.1f} ms, peak RSS {rss:.0f} MB")
"""


def measure(lib: str, what: str, size: int) -> str:
    try:
        result = subprocess.run(
            [sys.executable, "-c", MEASURE, lib, what, str(size)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return f"did not finish in {TIMEOUT} s"
    if result.returncode != 0:
        return f"failed (exit {result.returncode}): {result.stderr.strip()[-200:]}"
    return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-mb", type=int, default=100, help="Text size in MiB (chars)")
    parser.add_argument("--array", type=int, default=100_000, help="Array length")
    args = parser.parse_args()
    chars = args.text_mb * 1024 * 1024
    for what, size, label in (
        ("str", chars, f"str() of a {chars:,}-character Text"),
        ("iter", args.array, f"iterating a {args.array:,}-element Array"),
    ):
        for lib in ("crdtcore.pycrdt", "pycrdt"):
            print(f"{label:45} {lib:16} {measure(lib, what, size)}", flush=True)


if __name__ == "__main__":
    main()
