"""run_threads: the one helper that starts test threads, joins them and collects their errors
(shared by test_gil.py and test_threads.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_threads(
    n: int, target: Callable[[int], None], timeout_s: float = 120
) -> list[BaseException]:
    """Runs ``target(i)`` for i in range(n), each on its own thread, and waits for all of them.

    Returns the exceptions the threads raised (in no particular order). A thread still alive
    after ``timeout_s`` fails the test: a hang is reported, never waited out forever.
    """
    errors: list[BaseException] = []

    def guarded(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout_s)
    assert not any(thread.is_alive() for thread in threads), f"a thread hung for {timeout_s} s"
    return errors
