"""Helpers of the reliability tests (issue 5 §4): honest editing clients and the durability
check. Imported by the other test_reliability_*.py files; the server runs as a real
``python -m crdtcore serve`` process (``start_serve`` of test_server_cli.py)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Iterable
from typing import Any

from crdtcore import Doc
from crdtcore.asyncio import WebsocketProvider
from crdtcore.sim import random_op
from crdtcore.store import open_store
from crdtcore.sync import SyncProtocol
from crdtcore.testing import (
    ConvergenceError,
    apply_ops,
    assert_converges,
    compare_snapshots,
    new_doc,
    snapshot,
)

KINDS = {"text": 3.0, "array": 1.0, "map": 1.0}
"""Edit mix of the honest clients (crdtcore.sim.random_op weights)."""


class Editor:
    """An honest client: a WebsocketProvider on its own document, editing at a steady pace
    (``crdtcore.sim.random_op``, one transaction per edit) whether online or not.

    Args:
        url: The room's URL.
        seed: Seeds the edits; the client id is ``1 + seed``.
        **options: Passed to WebsocketProvider (default backoff: 50 ms to 250 ms).

    Attributes:
        doc: The replica.
        provider: Its WebsocketProvider (connect with ``provider.connect()``).
        received: The update of every transaction the server's messages caused here, in
            order: what this client saw acknowledged or broadcast.
        edits: Edits made so far.
    """

    def __init__(self, url: str, seed: int, **options: Any) -> None:
        self.rng = random.Random(seed)
        self.doc = new_doc(1 + seed)
        self.received: list[bytes] = []
        self.edits = 0
        self._subscription = self.doc.observe(self._on_transaction)
        options.setdefault("backoff", (0.05, 0.25))
        self.provider = WebsocketProvider(self.doc, url, **options)
        self._editing: asyncio.Task[None] | None = None

    @property
    def synced(self) -> bool:
        """Whether the provider is connected and synced now."""
        return self.provider.synced.is_set()

    def start_editing(self, interval: float) -> None:
        """Edits every ``interval`` seconds until ``stop_editing()``."""
        self._editing = asyncio.create_task(self._edit_forever(interval))

    async def stop_editing(self) -> None:
        """Stops editing (the edits made stay queued for the provider)."""
        if self._editing is not None:
            self._editing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._editing
            self._editing = None

    async def close(self) -> None:
        """Stops editing and closes the provider."""
        await self.stop_editing()
        await self.provider.close()

    async def _edit_forever(self, interval: float) -> None:
        while True:
            apply_ops(self.doc, [random_op(self.rng, KINDS)])
            self.edits += 1
            await asyncio.sleep(interval)

    def _on_transaction(self, event: Any) -> None:
        if isinstance(event.transaction.origin, SyncProtocol):
            self.received.append(event.update)


async def wait_until(predicate: Any, timeout: float, what: str) -> None:
    """Polls ``predicate`` every 20 ms; AssertionError naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout:g} s")
        await asyncio.sleep(0.02)


async def wait_converged(docs: list[Doc], timeout: float = 10.0) -> None:
    """Waits until ``docs`` agree, then checks them fully (``assert_converges``).

    Raises:
        ConvergenceError: They still differ after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            assert_converges(*docs, check_encoding=False)
            break
        except ConvergenceError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)
    assert_converges(*docs)


def read_store(kind: str, location: str, room: str) -> list[bytes]:
    """The records a (closed) store of ``--store-kind kind`` at ``location`` holds for
    ``room``, read the way a restarted server reads them."""
    store = open_store(f"{kind}:{location}")
    try:
        return store.read(room)
    finally:
        store.close()


def unstored_changes(records: list[bytes], received: Iterable[bytes]) -> list[str]:
    """How applying ``received`` changes the document that ``records`` rebuild: empty when
    the records already hold every one of those updates.

    Example:
        >>> from crdtcore import Text
        >>> doc = Doc({"t": Text("a")}, client_id=1)
        >>> first = doc.get_update()
        >>> doc["t"] += "b"
        >>> unstored_changes([first], [doc.get_update()]) != []
        True
        >>> unstored_changes([doc.get_update()], [first])
        []
    """
    stored = Doc()
    for record in records:
        stored.apply_update(record)
    before = snapshot(stored, "store")
    for update in received:
        stored.apply_update(update)
    return compare_snapshots(before, snapshot(stored, "store + received"))
