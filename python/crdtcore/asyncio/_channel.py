"""Channel: the byte transport a Provider syncs a document through (pycrdt's ``Channel``).

A channel carries whole y-protocols frames: ``send(message)`` writes one, ``recv()`` returns
the next one, and iterating (``async for message in channel``) yields them until the
connection ends. Any object with this shape plugs into ``Provider``, including pycrdt's own
channels (pycrdt ``_provider.py``; pycrdt-websocket ``websocket.py``), so other transports
(an ASGI WebSocket, a WebRTC data channel, a queue between two tasks) need no change to the
provider. Two implementations ship here: ``WebsocketChannel`` over a ``websockets``
connection (client or server side) and ``channel_pair()``, two in-memory ends for tests and
for syncing documents inside one process.

The end of a channel is ``ChannelClosed``: ``recv()`` and ``send()`` raise it once the
connection is gone, and iteration stops (``StopAsyncIteration``) instead.

Thread safety: none; a channel belongs to one event loop.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..errors import CrdtcoreError


class ChannelClosed(CrdtcoreError, ConnectionError):
    """The channel's connection ended; nothing more can be sent or received.

    Example:
        >>> issubclass(ChannelClosed, ConnectionError)
        True
    """


class TextFrameError(CrdtcoreError, ValueError):
    """A text WebSocket message arrived on a binary-only ``WebsocketChannel`` (y-protocols
    frames are binary; the server closes such a connection with code 1003).

    Example:
        >>> issubclass(TextFrameError, ValueError)
        True
    """


class Channel(Protocol):
    """A transport-agnostic stream of y-protocols frames (pycrdt's ``Channel``).

    Classes that inherit from it get ``__aiter__``/``__anext__`` for free; structural
    implementations (pycrdt channels) bring their own.

    Example:
        >>> async def echo(channel: Channel) -> None:
        ...     async for message in channel:
        ...         await channel.send(message)
    """

    @property
    def path(self) -> str:
        """The channel's path; for a WebSocket, the request path (the room name)."""
        ...

    async def send(self, message: bytes) -> None:
        """Sends one frame.

        Raises:
            ChannelClosed: The connection ended.
        """
        ...

    async def recv(self) -> bytes:
        """Waits for and returns the next frame.

        Raises:
            ChannelClosed: The connection ended.
        """
        ...

    def __aiter__(self) -> Channel:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self.recv()
        except ChannelClosed:
            raise StopAsyncIteration from None


def require_websockets() -> None:
    """Raises a helpful ImportError when the optional ``websockets`` package is missing.

    Raises:
        ImportError: ``websockets`` (>= 14) is not installed.
    """
    try:
        import websockets.asyncio.client  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "crdtcore's WebSocket support needs the 'websockets' package (>= 14): "
            "pip install 'crdtcore[net]'"
        ) from exc


class WebsocketChannel(Channel):
    """A Channel over an open ``websockets`` asyncio connection (client or server side).

    Frames go out as binary WebSocket messages; text messages are received as their UTF-8
    bytes (and then rejected by the sync protocol, as y-websocket does), or refused with
    ``binary_only``.

    Args:
        websocket: A ``websockets.asyncio`` ClientConnection or ServerConnection, open.
        path: The channel path; by default the handshake request's path without its query
            string (``"/room"`` for ``ws://host/room?token=x``).
        binary_only: ``recv()`` raises ``TextFrameError`` for a text message (the server
            uses it to close such a connection with code 1003).

    Example:
        >>> from websockets.asyncio.server import ServerConnection
        >>> async def handler(websocket: ServerConnection) -> None:
        ...     channel = WebsocketChannel(websocket)
        ...     async for message in channel:
        ...         await channel.send(message)
    """

    def __init__(
        self, websocket: Any, path: str | None = None, *, binary_only: bool = False
    ) -> None:
        require_websockets()
        from websockets.exceptions import ConnectionClosed

        self._websocket = websocket
        self._binary_only = binary_only
        self._closed_error = ConnectionClosed
        if path is None:
            request = getattr(websocket, "request", None)
            path = "" if request is None else urlsplit(request.path).path
        self._path = path

    @property
    def path(self) -> str:
        """The request path (without query string), or the path given at construction."""
        return self._path

    @property
    def websocket(self) -> Any:
        """The wrapped ``websockets`` connection."""
        return self._websocket

    async def send(self, message: bytes) -> None:
        """Sends ``message`` as one binary WebSocket message.

        Raises:
            ChannelClosed: The connection is closed (its close code and reason in the text).
        """
        try:
            await self._websocket.send(bytes(message))
        except self._closed_error as exc:
            raise ChannelClosed(f"{self._path or 'websocket'}: {exc}") from exc

    async def recv(self) -> bytes:
        """Returns the next WebSocket message as bytes.

        Raises:
            ChannelClosed: The connection is closed (its close code and reason in the text).
            TextFrameError: A text message arrived on a ``binary_only`` channel.
        """
        try:
            if not self._binary_only:
                return bytes(await self._websocket.recv(decode=False))
            message = await self._websocket.recv()
        except self._closed_error as exc:
            raise ChannelClosed(f"{self._path or 'websocket'}: {exc}") from exc
        if isinstance(message, str):
            raise TextFrameError(f"{self._path or 'websocket'}: text frames are not supported")
        return bytes(message)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Closes the WebSocket (close handshake included); idempotent."""
        await self._websocket.close(code, reason)

    def __repr__(self) -> str:
        return f"<WebsocketChannel {self._path!r}>"


class MemoryChannel(Channel):
    """One end of an in-memory channel pair; see ``channel_pair()``."""

    _END = object()

    def __init__(self, path: str) -> None:
        self._path = path
        self._inbox: asyncio.Queue[Any] = asyncio.Queue()
        self._peer: MemoryChannel | None = None
        self._closed = False

    @property
    def path(self) -> str:
        """The path given to ``channel_pair``."""
        return self._path

    @property
    def closed(self) -> bool:
        """Whether either end was closed."""
        return self._closed

    async def send(self, message: bytes) -> None:
        """Queues ``message`` for the other end.

        Raises:
            ChannelClosed: Either end was closed.
        """
        if self._closed or self._peer is None:
            raise ChannelClosed(f"memory channel {self._path!r} is closed")
        self._peer._inbox.put_nowait(bytes(message))

    async def recv(self) -> bytes:
        """Returns the next message sent by the other end.

        Raises:
            ChannelClosed: Either end was closed and every message sent before was received.
        """
        message = await self._inbox.get()
        if message is MemoryChannel._END:
            self._inbox.put_nowait(message)  # later calls fail too
            raise ChannelClosed(f"memory channel {self._path!r} is closed")
        return message

    def close(self) -> None:
        """Closes both ends; messages already sent can still be received."""
        for end in (self, self._peer):
            if end is not None and not end._closed:
                end._closed = True
                end._inbox.put_nowait(MemoryChannel._END)

    def __repr__(self) -> str:
        return f"<MemoryChannel {self._path!r}{' closed' if self._closed else ''}>"


def channel_pair(path: str = "") -> tuple[MemoryChannel, MemoryChannel]:
    """Two connected in-memory channels: what one sends, the other receives, in order.

    Args:
        path: The ``path`` of both ends.

    Returns:
        The two ends; closing either closes both.

    Example:
        >>> async def demo() -> bytes:
        ...     left, right = channel_pair("room")
        ...     await left.send(b"hi")
        ...     left.close()
        ...     return b"".join([message async for message in right])
        >>> asyncio.run(demo())
        b'hi'
    """
    left, right = MemoryChannel(path), MemoryChannel(path)
    left._peer, right._peer = right, left
    return left, right
