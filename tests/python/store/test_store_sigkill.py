"""SIGKILL at random moments loses no append that returned, and the store reopens cleanly.

A child process (``sigkill_child.py``) appends numbered updates and prints each number once
``append`` has returned, compacting every few appends; the parent kills it with SIGKILL after
a seeded random number of printed lines and a seeded random pause (the child keeps running
meanwhile, so the kill lands anywhere in its loop: inside ``append``, ``read``, ``replace``, or ``print``), reopens the
store, and checks that the updates in it are exactly 1..M with M at least the last number
printed. The next round continues the same store from M + 1.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crdtcore import Doc, Map
from crdtcore.store import FileStore, SqliteStore

CHILD = Path(__file__).with_name("sigkill_child.py")
ROUNDS = 10


def open_store(backend: str, location: Path):
    return SqliteStore(location) if backend == "sqlite" else FileStore(location)


def run_child_until_killed(
    backend: str, location: Path, first: int, kill_after: int, pause: float
) -> int:
    """Starts the child at update ``first``, SIGKILLs it ``pause`` seconds after its
    ``kill_after``-th printed line; returns the last number it printed (``first - 1`` if none).
    """
    child = subprocess.Popen(
        [sys.executable, str(CHILD), backend, str(location), str(first), "7"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    last = first - 1
    try:
        for line in child.stdout:
            last = int(line)
            if last - first + 1 >= kill_after:
                break
        time.sleep(pause)
        child.send_signal(signal.SIGKILL)
        for line in child.stdout.read().splitlines():  # printed before the signal landed
            last = int(line)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL, "the child died before it was killed"
    return last


def stored_numbers(store) -> list[int]:
    doc = Doc()
    for update in store.read("room"):
        doc.apply_update(update)
    keys = doc.get("m", type=Map).keys() if "m" in doc else []
    return sorted(int(key[1:]) for key in keys)


@pytest.mark.parametrize("backend", ["sqlite", "file"])
def test_sigkill_loses_no_returned_append(tmp_path, backend):
    rng = random.Random(20240605)
    location = tmp_path / ("store.sqlite" if backend == "sqlite" else "logs")
    first = 1
    for _ in range(ROUNDS):
        printed = run_child_until_killed(
            backend, location, first, rng.randint(1, 120), rng.random() / 500
        )
        with open_store(backend, location) as store:
            numbers = stored_numbers(store)
            assert numbers == list(range(1, len(numbers) + 1)), "a gap or a stray update"
            assert len(numbers) >= printed, f"update {printed} was acknowledged, then lost"
            count = len(store.read("room"))
            assert store.append("room", b"\x00\x00") == count + 1  # writable after the kill
            store.replace("room", b"\x00\x00", 0)  # an empty update, harmless to the doc
            first = len(numbers) + 1
    assert first > ROUNDS
