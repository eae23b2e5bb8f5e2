"""Helpers of the networking interop tests (test_net_*.py): a bounded event-loop runner and
a polling wait. Imported by the other test_net_*.py files."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

TIMEOUT = 20.0  # seconds for a whole scenario; each one takes a few


def run(scenario: Callable[[], Awaitable[None]], timeout: float = TIMEOUT) -> None:
    """Runs ``scenario()`` in a new event loop, failing after ``timeout`` seconds even when the
    cancellation itself hangs."""
    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(scenario())
        loop.run_until_complete(asyncio.wait({task}, timeout=timeout))
        if not task.done():
            task.cancel()
            loop.run_until_complete(asyncio.wait({task}, timeout=5))
            raise AssertionError(f"scenario still running after {timeout}s")
        task.result()
    finally:
        loop.close()


async def eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = 10) -> None:
    """Polls ``check()`` until it returns True; fails with its last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result is True:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout}s; last: {result!r}")
        await asyncio.sleep(0.05)
