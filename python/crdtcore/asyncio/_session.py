"""Session: the pump of one connection, a SyncProtocol over a Channel.

Both ends of a sync connection run the same pump (websockets' asyncio connection pumping its
sans-I/O protocol): a reader task hands every frame read from the channel to ``handle``, and
a writer task sends the queued frames in order, woken whenever something may have been
queued, so a slow peer never stalls whoever queues for it. The provider
(``provider.py``) subclasses it for one document and one peer; the server (``server.py``) for
each client of a room, whose hub (``crdtcore.sync.Hub``) drains the protocols and ``push``-es
the frames to the sessions.

Where the writer takes frames from: ``push``-ed frames, and, with ``drain_protocol``, what the
protocol queued (the provider's document and awareness observers just ``wake`` the writer).

Ending: the session ends when the channel ends (the reader stops, then the writer);
``request_close()`` stops reading and lets the writer send everything queued first;
``abort()`` stops at once. ``run()`` raises what broke the reader or the writer, except
``ChannelClosed`` (the end of the channel is a normal end).

Thread safety: none; a session belongs to one event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from ._channel import ChannelClosed

if TYPE_CHECKING:
    from ..sync import SyncProtocol
    from ._channel import Channel


def now_ms() -> float:
    """Wall-clock milliseconds (JavaScript's ``Date.now()``), the awareness clock."""
    return time.time() * 1000.0


class Session:
    """A SyncProtocol pumped over a Channel by a reader task and a writer task.

    Subclasses implement ``handle`` (what a received frame does) and may add background
    tasks (``background``).

    Args:
        channel: The transport.
        protocol: The connection's SyncProtocol.
        drain_protocol: The writer also sends what the protocol queued (else only what is
            ``push``-ed: someone else, a hub, drains the protocol).

    Attributes:
        channel: The transport.
        protocol: The connection's SyncProtocol.
    """

    def __init__(
        self, channel: Channel, protocol: SyncProtocol, *, drain_protocol: bool = True
    ) -> None:
        self.channel = channel
        self.protocol = protocol
        self._drain_protocol = drain_protocol
        self._outbox: deque[bytes] = deque()
        self._queued = 0  # bytes in the outbox
        self._wake = asyncio.Event()
        self._closing = False
        self._aborted = False
        self._tasks: list[asyncio.Task[None]] = []
        self._reader: asyncio.Task[None] | None = None
        self._writer: asyncio.Task[None] | None = None

    @property
    def queued(self) -> int:
        """Bytes waiting for the writer."""
        return self._queued

    # -- to override -------------------------------------------------------------------------

    def handle(self, frame: bytes) -> bool:
        """Handles one received frame; returns False to stop reading.

        Exceptions end the session (``run()`` raises them).
        """
        raise NotImplementedError

    def background(self) -> list[Coroutine[Any, Any, None]]:
        """Coroutines to run as tasks beside the reader (cancelled at the end)."""
        return []

    # -- driving -----------------------------------------------------------------------------

    def wake(self) -> None:
        """Wakes the writer (something may have been queued)."""
        self._wake.set()

    def push(self, frames: list[bytes]) -> None:
        """Queues frames for the writer, in order; never blocks."""
        self._outbox.extend(frames)
        self._queued += sum(len(frame) for frame in frames)
        self._wake.set()

    def clear(self) -> None:
        """Drops the frames waiting for the writer."""
        self._outbox.clear()
        self._queued = 0

    async def run(self) -> None:
        """Pumps until the channel ends, ``request_close()`` has flushed, or ``abort()``.

        Raises:
            Exception: Whatever broke the reader or the writer (not ChannelClosed: the end of
                the channel is a normal return).
        """
        try:
            self._wake.set()
            if self._aborted:
                return
            if not self._closing:  # request_close() may come before the first run
                self._reader = asyncio.create_task(self._read())
                self._tasks.append(self._reader)
                self._tasks.extend(asyncio.create_task(c) for c in self.background())
            self._writer = asyncio.create_task(self._write())
            self._tasks.append(self._writer)
            await asyncio.wait({self._writer})
        finally:
            for task in self._tasks:
                task.cancel()
            if self._tasks:
                await asyncio.wait(self._tasks)
        errors = [
            error
            for task in self._tasks
            if not task.cancelled()
            and (error := task.exception()) is not None
            and not isinstance(error, ChannelClosed)
        ]
        if errors:
            raise errors[0]

    def request_close(self) -> None:
        """Stops reading and lets the writer send everything queued before ``run()``
        returns."""
        if self._closing:
            return
        self._closing = True
        for task in self._tasks:
            if task is not self._writer:
                task.cancel()
        self._wake.set()

    def abort(self) -> None:
        """Stops at once; queued frames are dropped."""
        self._aborted = True
        for task in self._tasks:
            task.cancel()

    # -- the tasks ---------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for frame in self.channel:
                if not self.handle(frame):
                    return
                self._wake.set()
        finally:
            self._wake.set()

    async def _write(self) -> None:
        protocol, channel, wake, outbox = self.protocol, self.channel, self._wake, self._outbox
        reader = self._reader
        while True:
            await wake.wait()
            wake.clear()
            if (reader is None or reader.done()) and not self._closing:
                return  # the channel ended or the reader stopped: nobody to write to
            if self._drain_protocol:
                frames = protocol.data_to_send()
                if frames:
                    outbox.extend(frames)
                    self._queued += sum(len(frame) for frame in frames)
            while outbox:
                frame = outbox.popleft()
                self._queued -= len(frame)
                await channel.send(frame)
            if self._closing:
                return
