"""asyncio networking: the y-websocket-compatible sync server, providers and channels.

Everything here is a thin pump over the sans-I/O ``crdtcore.sync.SyncProtocol``: bytes
move over a socket, the protocol object decides what they mean. ``WebsocketServer`` serves
rooms (one document per URL path, persisted in a ``crdtcore.store`` UpdateStore) to
y-websocket clients; ``Provider``/``WebsocketProvider`` keep a document in sync with a peer
through a ``Channel`` (the transport interface). The ``websockets`` package (the ``net``
extra) is needed to open WebSocket connections.

Command line: ``python -m crdtcore serve --port 1234 --store ./data.sqlite``.

Example:
    >>> import asyncio
    >>> from crdtcore.store import MemoryStore
    >>> async def main() -> list[str]:
    ...     async with WebsocketServer("127.0.0.1", 0, store=MemoryStore()) as server:
    ...         return list(server.rooms)
    >>> asyncio.run(main())
    []
"""

from ._channel import Channel as Channel
from ._channel import ChannelClosed as ChannelClosed
from ._channel import MemoryChannel as MemoryChannel
from ._channel import WebsocketChannel as WebsocketChannel
from ._channel import channel_pair as channel_pair
from ._limits import Limits as Limits
from ._limits import RateLimiter as RateLimiter
from ._room import Room as Room
from .provider import PermissionDeniedError as PermissionDeniedError
from .provider import Provider as Provider
from .provider import WebsocketProvider as WebsocketProvider
from .server import Access as Access
from .server import Authorize as Authorize
from .server import ConnectionRequest as ConnectionRequest
from .server import WebsocketServer as WebsocketServer

__all__ = [
    "Access",
    "Authorize",
    "Channel",
    "ChannelClosed",
    "ConnectionRequest",
    "Limits",
    "MemoryChannel",
    "PermissionDeniedError",
    "Provider",
    "RateLimiter",
    "Room",
    "WebsocketChannel",
    "WebsocketProvider",
    "WebsocketServer",
    "channel_pair",
]
