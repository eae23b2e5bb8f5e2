"""pycrdt's Provider: crdtcore.asyncio.Provider with pycrdt's ``start(task_status=)``.

``Channel`` is crdtcore.asyncio's, the same Protocol as pycrdt's (``path``, ``send``,
``recv``, async iteration), so pycrdt-websocket's channels plug in unchanged. The provider
runs on asyncio (anyio's default backend), not on trio.
"""

from __future__ import annotations

import logging

import anyio
from anyio.abc import TaskStatus

from crdtcore import Doc
from crdtcore import asyncio as _asyncio
from crdtcore.asyncio import Channel as Channel


class Provider(_asyncio.Provider):
    """Keeps a document in sync with a peer through a Channel (pycrdt's ``Provider``).

    Use ``async with Provider(doc, channel):``, or ``await task_group.start(provider.start)``
    and later ``await provider.stop()``.

    Args:
        doc: The document to synchronize.
        channel: The transport.
        log: An optional logger.
    """

    def __init__(
        self, doc: Doc, channel: _asyncio.Channel, log: logging.Logger | None = None
    ) -> None:
        super().__init__(doc, channel, log=log)

    async def start(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Runs the provider until the channel ends or ``stop()`` is called.

        ``task_status.started()`` is called as the provider starts, so
        ``await task_group.start(provider.start)`` returns once it runs.

        Raises:
            RuntimeError: The provider was started before (it runs once).
        """
        task_status.started()
        await super().start()
