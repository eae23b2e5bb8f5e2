"""WebsocketServer: the y-websocket-compatible sync server on asyncio.

A thin pump over ``SyncProtocol`` (websockets ``asyncio/connection.py``; y-websocket
``bin/utils.cjs``): the URL path names the room, each connection gets a protocol on the
room's document, and after every received frame the room (its ``crdtcore.sync.Hub``) hands
each connection what its protocol queued, which is how updates and awareness reach the other
clients. Each connection wraps its WebSocket in a ``WebsocketChannel`` and runs the session
pump the providers run too (``_session.py``): one reader task, and one writer task that sends
its frames in order, so a slow reader never stalls the room.

Connection life (close codes in brackets):

1. ``authorize(room, request)`` answers ``"rw"``, ``"r"`` (read-only: writes are dropped and
   counted) or None (the y-protocols permission-denied message, then [1008]).
2. The room is loaded from the store on first use; past ``Limits.max_rooms`` an idle room is
   unloaded first, else the connection is refused [1013].
3. The server sends SyncStep1 and the awareness states it knows; then, per frame: rate
   limits [1008], text frames [1003], malformed messages [1008], too large [1009, by
   websockets], store failure [1011, every connection of the room]. A failing connection
   never disturbs the room or the other connections.
4. On disconnect the awareness states the connection controlled are removed and the others
   told; a room without connections is unloaded after ``idle_timeout`` seconds.

Durability: the room appends each update to the store inside the commit that applies it,
before any frame is sent (see ``_room.py``). ``stop()`` closes the connections [1001],
compacts and unloads every room and closes the store.

Logging goes to ``logging.getLogger("crdtcore.server")``: one INFO line per connection
opened and one per connection closed. The websockets library's own lines about the same
events ("connection open", "server listening", ...) are demoted to DEBUG (they stay under
``websockets.server``), so each event is logged once at INFO.

Thread safety: none; a server runs in one event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlsplit

from ..store import MemoryStore, StoreError
from ..sync import Auth, ProtocolError, SyncProtocol, WriteDropped
from ._channel import ChannelClosed, TextFrameError, WebsocketChannel, require_websockets
from ._limits import Limits, RateLimiter
from ._room import Room
from ._session import Session

if TYPE_CHECKING:
    from websockets.asyncio.server import Server, ServerConnection

    from ..store import UpdateStore

logger = logging.getLogger("crdtcore.server")

Access = Literal["rw", "r"]
"""What ``authorize`` grants: read-write or read-only."""

Authorize = Callable[[str, "ConnectionRequest"], "Access | Awaitable[Access | None] | None"]
"""``authorize(room, request)``: a function or coroutine returning an Access or None."""

_CLOSE_REASON_BYTES = 123  # RFC 6455: a close frame's reason fits in 123 bytes
_AWARENESS_CHECK_SECONDS = 3.0  # y-protocols: outdatedTimeout / 10


@dataclass(frozen=True, slots=True)
class ConnectionRequest:
    """The opening request of a connection, as ``authorize`` sees it.

    Attributes:
        room: The room name: the URL path without its first ``/`` and without the query
            string, not percent-decoded (y-websocket's rule).
        path: The request target as sent (path and query string).
        query: The query parameters (the last value of a repeated name).
        headers: The HTTP headers (websockets' case-insensitive ``Headers``).
        remote_address: The peer's socket address.

    Example:
        >>> request = ConnectionRequest.parse("/notes?token=abc&x=1", {"Origin": "y"})
        >>> request.room, request.query["token"], request.headers["Origin"]
        ('notes', 'abc', 'y')
    """

    room: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    remote_address: Any = None

    @classmethod
    def parse(
        cls, path: str, headers: Mapping[str, str], remote_address: Any = None
    ) -> ConnectionRequest:
        """Builds the request from a request target and its headers."""
        parts = urlsplit(path)
        room = parts.path[1:] if parts.path.startswith("/") else parts.path
        query = MappingProxyType(dict(parse_qsl(parts.query, keep_blank_values=True)))
        return cls(room, path, query, headers, remote_address)


class _WebsocketsLog(logging.LoggerAdapter):
    """The websockets library's logger with its INFO records demoted to DEBUG.

    websockets logs "server listening", "connection open", "connection closed", ... at
    INFO; the server logs each of those events itself (with the room and the peer), so
    at INFO each is logged once. Warnings and errors keep their level.
    """

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        """Logs like the wrapped logger, INFO as DEBUG."""
        super().log(logging.DEBUG if level == logging.INFO else level, msg, *args, **kwargs)


class _RoomLimitError(Exception):
    """Every room allowed by ``Limits.max_rooms`` is in use (closes the connection, 1013)."""


class WebsocketServer:
    """The y-websocket-compatible sync server.

    Args:
        host: The interface to listen on.
        port: The TCP port (0: any free port; read ``port`` after ``start()``).
        store: Where rooms are persisted (an UpdateStore); the server owns it and closes it
            in ``stop()``. None (and no ``store_factory``): an in-memory store (documents
            survive idle unloading, not a restart).
        store_factory: Instead of ``store``: a function opening the store, called by
            ``start()`` once the address is bound, so a server that cannot listen creates
            no store (no database file). What it raises, ``start()`` raises.
        authorize: ``authorize(room, request) -> "rw" | "r" | None``, a function or a
            coroutine function; None grants ``"rw"`` to everyone.
        limits: The Limits (defaults: ``Limits()``).
        idle_timeout: Seconds a room without connections stays loaded (None: forever).
        compact_threshold: Stored records per room above which they are merged into one.

    Attributes:
        host: The interface given.
        limits: The Limits in force.
        idle_timeout: As given.
        compact_threshold: As given.

    Raises:
        ImportError: The ``websockets`` package is missing (``pip install 'crdtcore[net]'``).
        ValueError: Both ``store`` and ``store_factory`` are given.

    Example:
        >>> import asyncio
        >>> async def main():
        ...     async with WebsocketServer(port=0) as server:
        ...         return server.port > 0, dict(server.rooms)
        >>> asyncio.run(main())
        (True, {})
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 1234,
        *,
        store: UpdateStore | None = None,
        store_factory: Callable[[], UpdateStore] | None = None,
        authorize: Authorize | None = None,
        limits: Limits | None = None,
        idle_timeout: float | None = 30.0,
        compact_threshold: int = 1000,
    ) -> None:
        require_websockets()
        if store is not None and store_factory is not None:
            raise ValueError("give the server a store or a store_factory, not both")
        if store is None and store_factory is None:
            store = MemoryStore()
        self.host = host
        self._port = port
        self._store: UpdateStore | None = store
        self._store_factory = store_factory
        self._authorize = authorize
        self.limits = limits if limits is not None else Limits()
        self.idle_timeout = idle_timeout
        self.compact_threshold = compact_threshold
        self._rooms: dict[str, Room] = {}
        self._unload_handles: dict[str, asyncio.TimerHandle] = {}
        self._server: Server | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._stopped = False

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def rooms(self) -> Mapping[str, Room]:
        """The loaded rooms by name (read-only view)."""
        return MappingProxyType(self._rooms)

    @property
    def store(self) -> UpdateStore:
        """The store rooms are persisted in.

        Raises:
            RuntimeError: The store comes from ``store_factory`` and ``start()`` has not
                opened it yet.
        """
        if self._store is None:
            raise RuntimeError("the store is opened by start() (the server has a store_factory)")
        return self._store

    @property
    def port(self) -> int:
        """The port listened on (the real one once started with port 0)."""
        if self._server is not None and self._server.sockets:
            return int(self._server.sockets[0].getsockname()[1])
        return self._port

    async def start(self) -> None:
        """Binds the address, opens the store if a ``store_factory`` was given, and starts
        accepting connections.

        Raises:
            OSError: The address cannot be bound (the store factory is not called).
            RuntimeError: Already started.
            Exception: What the store factory raised (the address is released again).
        """
        if self._server is not None or self._stopped:
            raise RuntimeError("the server was already started")
        from websockets.asyncio.server import serve

        server = await serve(
            self._handle,
            self.host,
            self._port,
            max_size=self.limits.max_message_size,
            logger=_WebsocketsLog(logging.getLogger("websockets.server")),
            start_serving=False,  # bound, not accepting yet: the store opens first
        )
        self._server = server  # from here on ``port`` is the bound port
        if self._store is None:
            assert self._store_factory is not None
            try:
                self._store = self._store_factory()
            except BaseException:
                self._server = None
                server.close()
                await server.wait_closed()
                raise
        await server.start_serving()
        self._ticker = asyncio.create_task(self._tick_rooms())
        logger.info("listening on ws://%s:%d", self.host, self.port)

    async def serve_forever(self) -> None:
        """Starts if needed, then serves until ``stop()`` (or cancellation, which stops)."""
        if self._server is None:
            await self.start()
        server = self._server
        assert server is not None
        try:
            await server.wait_closed()
        except asyncio.CancelledError:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Closes every connection (code 1001), compacts and unloads the rooms, closes the
        store; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
        for room in list(self._rooms.values()):
            self._unload(room)
        try:
            if self._store is not None:
                self._store.close()
        except Exception as exc:
            logger.error("closing the store failed: %s", exc)
        logger.info("stopped")

    async def __aenter__(self) -> WebsocketServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- connections -------------------------------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        request = ConnectionRequest.parse(ws.request.path, ws.request.headers, ws.remote_address)
        channel = WebsocketChannel(ws, binary_only=True)
        label = f"{request.room!r} from {_address(ws.remote_address)}"
        try:
            access = await self._access(request)
        except Exception:
            logger.exception("authorize failed for %s", label)
            await channel.close(1011, "authorization failed")
            return
        if access is None:
            logger.warning("permission denied: %s", label)
            with contextlib.suppress(ChannelClosed):
                await channel.send(Auth("permission denied").encode())
            await channel.close(1008, "permission denied")
            return
        try:
            room = self._open_room(request.room)
        except _RoomLimitError as exc:
            logger.warning("refused %s: %s", label, exc)
            await channel.close(1013, _reason(str(exc)))
            return
        except (TypeError, ValueError) as exc:
            logger.warning("refused %s: %s", label, exc)
            await channel.close(1008, _reason(f"invalid room name: {exc}"))
            return
        except StoreError as exc:
            logger.error("cannot load room for %s: %s", label, exc)
            await channel.close(1011, "cannot load room: storage failure")
            return
        except Exception:
            logger.exception("cannot load room for %s", label)
            await channel.close(1011, "cannot load room")
            return
        protocol = SyncProtocol(
            room.doc,
            awareness=room.awareness,
            read_only=access == "r",
            name=label,
            echo_awareness=True,
        )
        conn = _Connection(channel, protocol, room, self.limits)
        logger.info("connected %s (%s)", label, access)
        try:
            room.add(conn)
            try:
                await conn.run()
            except TextFrameError:
                logger.warning("text frame from %s", label)
                await channel.close(1003, "text frames are not supported")
        finally:
            if not room.closed:
                room.remove(conn)
                if not room.peers:
                    self._schedule_unload(room)
            else:
                protocol.close()
            await conn.closed()
            stats = protocol.stats
            logger.info(
                "disconnected %s: code %s, %d messages in, %d out, %d writes dropped",
                label,
                ws.close_code,
                stats.messages_in,
                stats.messages_out,
                stats.writes_dropped,
            )

    async def _access(self, request: ConnectionRequest) -> Access | None:
        if self._authorize is None:
            return "rw"
        result = self._authorize(request.room, request)
        if inspect.isawaitable(result):
            result = await result
        if result not in ("rw", "r", None):
            raise ValueError(f"authorize returned {result!r}, not 'rw', 'r' or None")
        return result

    # -- rooms -------------------------------------------------------------------------------

    def _open_room(self, name: str) -> Room:
        room = self._rooms.get(name)
        if room is not None:
            handle = self._unload_handles.pop(name, None)
            if handle is not None:
                handle.cancel()
            return room
        limit = self.limits.max_rooms
        if limit is not None and len(self._rooms) >= limit:
            idle = next((r for r in self._rooms.values() if not r.peers), None)
            if idle is None:
                raise _RoomLimitError(f"too many rooms: this server holds at most {limit}")
            self._unload(idle)
        room = Room.load(
            name, self.store, compact_threshold=self.compact_threshold, on_failed=self._drop
        )
        self._rooms[name] = room
        return room

    def _schedule_unload(self, room: Room) -> None:
        if self.idle_timeout is None or self._stopped:
            return
        loop = asyncio.get_running_loop()
        handle = self._unload_handles.pop(room.name, None)
        if handle is not None:
            handle.cancel()
        self._unload_handles[room.name] = loop.call_later(
            self.idle_timeout, self._unload_if_idle, room
        )

    def _unload_if_idle(self, room: Room) -> None:
        self._unload_handles.pop(room.name, None)
        if not room.peers and self._rooms.get(room.name) is room:
            self._unload(room)

    def _unload(self, room: Room) -> None:
        """Compacts and forgets a room (its peers, if any, are being closed)."""
        room.compact()
        self._drop(room)
        logger.info("room %r unloaded", room.name)

    def _drop(self, room: Room) -> None:
        if self._rooms.get(room.name) is room:
            del self._rooms[room.name]
        handle = self._unload_handles.pop(room.name, None)
        if handle is not None:
            handle.cancel()
        room.close()

    async def _tick_rooms(self) -> None:
        """Runs the awareness timeouts of every room (y-protocols checks every 3 s)."""
        while True:
            await asyncio.sleep(_AWARENESS_CHECK_SECONDS)
            now = time.time() * 1000
            for room in list(self._rooms.values()):
                try:
                    room.tick(now)
                except Exception:
                    logger.exception("awareness check failed in room %r", room.name)


class _Connection(Session):
    """One client of a room: its protocol pumped over its channel (``_session.py``), with a
    rate limiter on what it sends and a bound on what waits to be written to it. The room's
    hub drains the protocol and ``push``-es the frames."""

    def __init__(
        self, channel: WebsocketChannel, protocol: SyncProtocol, room: Room, limits: Limits
    ) -> None:
        super().__init__(channel, protocol, drain_protocol=False)
        self.room = room
        self.limiter = RateLimiter(limits, now=time.monotonic())
        self._websocket = channel
        self._max_queue = limits.max_send_queue
        self._closing_task: asyncio.Task[None] | None = None

    def handle(self, frame: bytes) -> bool:
        label, room = self.protocol.name, self.room
        reason = self.limiter.check(len(frame), now=time.monotonic())
        if reason is not None:
            logger.warning("%s: %s", label, reason)
            self.close(1008, reason)
            return False
        try:
            events = room.receive(self, frame, now=time.time() * 1000)
        except ProtocolError as exc:
            logger.warning("malformed message from %s: %s", label, exc)
            self.close(1008, f"malformed message: {exc}")
            return False
        except Exception:
            if room.failed is None:
                logger.exception("error handling a frame from %s", label)
                self.close(1011, "internal error")
            room.flush()  # a failed room closes all its connections
            return False
        for event in events:
            if isinstance(event, WriteDropped):
                logger.debug("dropped a write from read-only %s", label)
        room.flush()
        return True

    def push(self, frames: list[bytes]) -> None:
        if self._closing_task is not None:
            return
        super().push(frames)
        if self._max_queue is not None and self.queued > self._max_queue:
            self.clear()
            logger.warning("%s: send queue overflow", self.protocol.name)
            self.close(1013, "send queue overflow: the client reads too slowly")

    def close(self, code: int, reason: str) -> None:
        """Starts closing the connection with a close code and reason; nothing more is
        queued."""
        if self._closing_task is None:
            self._closing_task = asyncio.create_task(self._websocket.close(code, _reason(reason)))

    async def closed(self) -> None:
        """Waits for a close started by ``close``."""
        if self._closing_task is not None:
            await asyncio.gather(self._closing_task, return_exceptions=True)


def _reason(text: str) -> str:
    """``text`` cut to fit a close frame (123 UTF-8 bytes)."""
    data = text.encode()
    if len(data) <= _CLOSE_REASON_BYTES:
        return text
    return data[: _CLOSE_REASON_BYTES - 3].decode(errors="ignore") + "..."


def _address(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return str(address)
