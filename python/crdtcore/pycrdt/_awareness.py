"""pycrdt's Awareness: crdtcore.sync.Awareness on the wall clock, with ``start()``/``stop()``.

crdtcore's Awareness is sans-I/O: the time comes in as ``now=`` and ``tick(now)`` runs the
timeout check. pycrdt's reads the clock itself and runs the check in a background task
(``await task_group.start(awareness.start)``, as pycrdt-websocket's YRoom does). This
subclass does both on top of crdtcore's, with the default ``now`` being the current time.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import anyio
from anyio.abc import TaskGroup, TaskStatus

from crdtcore import Doc
from crdtcore import sync as _sync


def _now_ms() -> float:
    return time.time() * 1000


class Awareness(_sync.Awareness):
    """The awareness states of a document's clients (pycrdt's ``Awareness``).

    Args:
        ydoc: The document; its ``client_id`` is the local client.
        outdated_timeout: Milliseconds after which a silent remote client is removed.

    Example:
        >>> from crdtcore.pycrdt import Doc
        >>> alice, bob = Awareness(Doc(client_id=1)), Awareness(Doc(client_id=2))
        >>> alice.set_local_state({"user": "alice"})
        >>> _ = bob.apply_awareness_update(alice.encode_awareness_update([1]), "net")
        >>> bob.states[1]
        {'user': 'alice'}
    """

    def __init__(self, ydoc: Doc, *, outdated_timeout: int = 30000) -> None:
        super().__init__(ydoc, now=_now_ms(), outdated_timeout=outdated_timeout)
        self._task_group: TaskGroup | None = None

    def set_local_state(self, state: Any, *, now: float | None = None) -> None:
        """Sets the local state (None: offline); ``now`` defaults to the current time."""
        super().set_local_state(state, now=_now_ms() if now is None else now)

    def set_local_state_field(self, field: str, value: Any, *, now: float | None = None) -> None:
        """Sets one field of the local state; ``now`` defaults to the current time."""
        super().set_local_state_field(field, value, now=_now_ms() if now is None else now)

    def remove_awareness_states(
        self, client_ids: Iterable[int], origin: Any, *, now: float | None = None
    ) -> _sync.AwarenessChanges:
        """Removes the states of ``client_ids``; ``now`` defaults to the current time."""
        return super().remove_awareness_states(
            client_ids, origin, now=_now_ms() if now is None else now
        )

    def apply_awareness_update(
        self, update: bytes, origin: Any, *, now: float | None = None
    ) -> _sync.AwarenessChanges:
        """Merges a received awareness update; ``now`` defaults to the current time."""
        return super().apply_awareness_update(update, origin, now=_now_ms() if now is None else now)

    async def start(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Runs the timeout check every ``outdated_timeout / 10`` ms until ``stop()``.

        Renews the local state when half the timeout has passed and removes remote clients
        silent for the whole timeout (origin ``"timeout"``).

        Raises:
            RuntimeError: Already started.
        """
        if self._task_group is not None:
            raise RuntimeError("Awareness already started")
        async with anyio.create_task_group() as tg:
            self._task_group = tg
            task_status.started()
            tg.start_soon(self._check_periodically)

    async def stop(self) -> None:
        """Stops the task ``start()`` runs.

        Raises:
            RuntimeError: Not started.
        """
        if self._task_group is None:
            raise RuntimeError("Awareness not started")
        self._task_group.cancel_scope.cancel()
        self._task_group = None

    async def _check_periodically(self) -> None:
        while True:
            await anyio.sleep(self.check_interval / 1000)
            self.tick(_now_ms())
