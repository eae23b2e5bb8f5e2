"""Providers: keep a document in sync with a peer through a Channel or a reconnecting WebSocket.

A provider is a thin pump around the sans-I/O ``SyncProtocol`` (crdtcore.sync): the session
pump of ``_session.py``, which the server's connections run too. Frames read from the channel
go to ``receive_data``; whatever the protocol queues (SyncStep2 answers, the document's
updates, awareness changes) is written by one writer task, in order, woken by the document's
and the awareness's observers. So local transactions go out as soon as they commit and remote
ones are applied as they arrive (with the protocol as transaction origin, so they are not
echoed).

One SyncProtocol lives exactly as long as one connection. ``WebsocketProvider`` reconnects with
exponential backoff after a drop and starts a fresh protocol each time: its SyncStep1/SyncStep2
handshake exchanges what each side is missing according to the other's state vector, so edits
made while offline go out on reconnect (y-websocket's ``WebsocketProvider``; pycrdt's
``Provider`` for the names).

Awareness: the provider stamps received states with wall-clock milliseconds (JavaScript's
``Date.now()``), runs ``awareness.tick`` every ``check_interval`` (heartbeats and timeouts), tells
the peer that the local client left when it closes gracefully, and forgets every remote state
when the connection ends (as y-websocket does: nobody refreshes them any more). Each connection
starts by re-setting the local state (a new clock), so peers that saw us leave show us again at
once rather than at our next heartbeat (y-websocket clients get the same effect from the
server echoing their departure back to them).

Thread safety: none. The document and the awareness must only be used from the event loop that
runs the provider (its observers wake the writer).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Generator
from typing import TYPE_CHECKING, Any

from ..errors import CrdtcoreError
from ..sync import (
    AwarenessMessage,
    PermissionDenied,
    ProtocolError,
    ProtocolStats,
    Synced,
    SyncProtocol,
    encode_awareness_update,
)
from ._channel import Channel, ChannelClosed, WebsocketChannel, require_websockets
from ._session import Session, now_ms

if TYPE_CHECKING:
    from .. import Doc
    from ..sync import Awareness

logger = logging.getLogger("crdtcore.provider")
DEFAULT_MAX_SIZE = 64 * 2**20
"""Default largest WebSocket message a WebsocketProvider accepts (a first SyncStep2 carries the
whole document; websockets' own default of 1 MiB is too small for that)."""


class PermissionDeniedError(CrdtcoreError, PermissionError):
    """The peer refused access with a y-protocols permission-denied message.

    Attributes:
        reason: The reason the peer gave.

    Example:
        >>> str(PermissionDeniedError("read-only room"))
        'permission denied: read-only room'
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"permission denied: {reason}")
        self.reason = reason


class SyncedEvent:
    """Whether a provider's document is in sync with its peer.

    Set when the peer's SyncStep2 arrives; a WebsocketProvider clears it when its connection
    drops and sets it again after the next handshake. ``await event`` (or ``await
    event.wait()``) waits until it is set, and raises instead if the provider stopped first:
    ``PermissionDeniedError``, ``ChannelClosed`` (the channel ended, or the provider was
    closed), or the error that broke the provider.

    Example:
        >>> event = SyncedEvent()
        >>> event._set()
        >>> asyncio.run(event.wait()), event.is_set()
        (True, True)
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._synced = False
        self._error: BaseException | None = None
        self._error_seen = False

    def is_set(self) -> bool:
        """Whether the document is synced now."""
        return self._synced

    async def wait(self) -> bool:
        """Waits until synced; returns True.

        Raises:
            PermissionDeniedError, ChannelClosed, Exception: The provider stopped first.
        """
        while True:
            await self._event.wait()
            if self._synced:
                return True
            if self._error is not None:
                self._error_seen = True
                raise self._error
            await asyncio.sleep(0)  # cleared between the wake-up and now: wait again

    def __await__(self) -> Generator[Any, None, bool]:
        return self.wait().__await__()

    def _set(self) -> None:
        self._synced, self._error = True, None
        self._event.set()

    def _clear(self) -> None:
        self._synced = False
        if self._error is None:
            self._event.clear()

    def _fail(self, error: BaseException) -> None:
        self._synced, self._error, self._error_seen = False, error, False
        self._event.set()

    def _reset(self) -> None:
        self._synced, self._error = False, None
        self._event.clear()

    def _unseen(self, error: BaseException | None) -> bool:
        """Whether ``error`` is worth raising: not None and not already raised by ``wait``."""
        return error is not None and not (error is self._error and self._error_seen)

    def __repr__(self) -> str:
        return f"<SyncedEvent {'set' if self._synced else 'unset'}>"


class _ClientSession(Session):
    """One connection of a provider: its SyncProtocol on the document, pumped over the channel
    (``_session.py``), woken by the document's and the awareness's observers, with (given an
    awareness) a ticker task."""

    def __init__(
        self,
        doc: Doc,
        channel: Channel,
        awareness: Awareness | None,
        synced: SyncedEvent,
        log: logging.Logger,
    ) -> None:
        local = None if awareness is None else awareness.get_local_state()
        if awareness is not None and local is not None:
            # A new clock: peers that removed our state when we left (at the old clock)
            # accept it again at once instead of at the next heartbeat.
            awareness.set_local_state(local, now=now_ms())
        protocol = SyncProtocol(doc, awareness=awareness, name=channel.path)
        protocol.start()  # SyncStep1 (and our awareness) go first, whatever follows
        super().__init__(channel, protocol)
        self.permission_denied: str | None = None
        self._doc = doc
        self._awareness = awareness
        self._synced = synced
        self._log = log

    async def run(self) -> None:
        """Pumps until the channel ends, ``request_close()`` has flushed, or ``abort()``.

        Raises:
            PermissionDeniedError: The peer refused us.
            Exception: Whatever broke the reader or the writer (not ChannelClosed: the end of
                the channel is a normal return).
        """
        doc, awareness, protocol = self._doc, self._awareness, self.protocol
        doc_sub = doc.observe(self._on_change)
        awareness_sub = None if awareness is None else awareness.observe(self._on_change)
        try:
            await super().run()
        finally:
            doc.unobserve(doc_sub)
            protocol.close()
            if awareness is not None and awareness_sub is not None:
                awareness.unobserve(awareness_sub)
                # Nobody refreshes the remote states any more (y-websocket drops them too).
                remote = [i for i in awareness.states if i != awareness.client_id]
                awareness.remove_awareness_states(remote, protocol)
        if self.permission_denied is not None:
            raise PermissionDeniedError(self.permission_denied)

    def request_close(self) -> None:
        """Stops reading, queues a "local client left" awareness entry, and lets the writer
        send everything queued before ``run()`` returns."""
        if self._closing:
            return
        awareness = self._awareness
        local = None if awareness is None else awareness.get_local_state()
        if awareness is not None and local is not None and not self.protocol.closed:
            clock = awareness.meta[awareness.client_id]["clock"]
            entry = (awareness.client_id, clock, None)
            self.protocol.send(AwarenessMessage(encode_awareness_update([entry])))
        super().request_close()

    def handle(self, frame: bytes) -> bool:
        protocol = self.protocol
        try:
            protocol.receive_data(frame, now=now_ms())
        except ProtocolError as exc:
            # Nothing of the frame was applied; ask for the peer's state again so an update
            # it carried is not lost (y-websocket logs and carries on).
            self._log.warning("%s: dropped a malformed frame: %s", self.channel.path, exc)
            protocol.resync()
        for event in protocol.events_received():
            if isinstance(event, Synced):
                self._synced._set()
            elif isinstance(event, PermissionDenied):
                self.permission_denied = event.reason
                return False
        return True

    def background(self) -> list[Coroutine[Any, Any, None]]:
        awareness = self._awareness
        return [] if awareness is None else [self._tick(awareness)]

    async def _tick(self, awareness: Awareness) -> None:
        while True:
            await asyncio.sleep(awareness.check_interval / 1000)
            awareness.tick(now_ms())

    def _on_change(self, *_: Any) -> None:
        self.wake()


class Provider:
    """Synchronizes a document with one peer through a Channel (pycrdt's ``Provider``).

    Use it as an async context manager; on a normal exit everything queued is sent (within
    ``close_timeout``) and the peer is told that the local awareness client left. The channel
    is not closed: whoever opened it owns it. ``start()``/``stop()`` are the lower-level API.
    An error that stops the provider (``PermissionDeniedError``, an exception raised by a
    document observer) is raised by ``await provider.synced`` when it comes before the sync,
    and by the exit of the ``async with`` block unless ``synced`` raised it already; the end
    of the channel is not an error (``synced`` then raises ``ChannelClosed`` if it was never
    set). Once set, ``synced`` stays set.

    Args:
        doc: The document to synchronize.
        channel: The transport (any ``Channel``, pycrdt's included).
        awareness: The document's Awareness, to exchange presence states too.
        log: A logger (default ``crdtcore.provider``).
        close_timeout: Seconds a graceful exit may spend sending what is queued.

    Attributes:
        started: asyncio.Event, set once the provider runs.
        synced: A ``SyncedEvent``: ``await provider.synced``.

    Example:
        >>> from crdtcore import Doc, Text
        >>> from crdtcore.asyncio import channel_pair
        >>> async def demo() -> str:
        ...     left, right = channel_pair("room")
        ...     a, b = Doc({"t": Text("hi")}), Doc()
        ...     async with Provider(a, left), Provider(b, right) as provider:
        ...         await provider.synced
        ...     return str(b["t"])
        >>> asyncio.run(demo())
        'hi'
    """

    def __init__(
        self,
        doc: Doc,
        channel: Channel,
        awareness: Awareness | None = None,
        *,
        log: logging.Logger | None = None,
        close_timeout: float = 10.0,
    ) -> None:
        self._doc = doc
        self._channel = channel
        self._awareness = awareness
        self.log = log or logger
        self.close_timeout = close_timeout
        self.started = asyncio.Event()
        self.synced = SyncedEvent()
        self._session: _ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._done = asyncio.Event()

    @property
    def doc(self) -> Doc:
        """The synchronized document."""
        return self._doc

    @property
    def channel(self) -> Channel:
        """The transport."""
        return self._channel

    @property
    def awareness(self) -> Awareness | None:
        """The Awareness, if any."""
        return self._awareness

    @property
    def stats(self) -> ProtocolStats | None:
        """The protocol's message counters (None before the start)."""
        return None if self._session is None else self._session.protocol.stats

    async def start(self) -> None:
        """Runs the provider until the channel ends or ``stop()`` is called.

        Raises:
            RuntimeError: The provider was started before (it runs once).
            PermissionDeniedError: The peer refused access.
            Exception: Whatever broke the connection other than its end (e.g. an exception
                raised by a document observer while applying a remote update).
        """
        await self._run(self._open())

    async def stop(self) -> None:
        """Stops at once: queued frames are dropped (the channel stays open)."""
        if self._session is not None:
            self._session.abort()
            await self._done.wait()

    async def __aenter__(self) -> Provider:
        self._task = asyncio.create_task(self._run(self._open()))
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        session, task = self._session, self._task
        assert session is not None and task is not None
        if exc_type is None:
            session.request_close()
            await asyncio.wait({task}, timeout=self.close_timeout)
        session.abort()
        await asyncio.wait({task})
        error = None if task.cancelled() else task.exception()
        if exc_type is None and error is not None and self.synced._unseen(error):
            raise error

    def _open(self) -> _ClientSession:
        if self._session is not None:
            raise RuntimeError("a Provider runs once; create a new one")
        self._session = _ClientSession(
            self._doc, self._channel, self._awareness, self.synced, self.log
        )
        self.started.set()
        return self._session

    async def _run(self, session: _ClientSession) -> None:
        error: BaseException = ChannelClosed(
            f"{self._channel.path}: the provider stopped before the document synced"
        )
        try:
            await session.run()
        except Exception as exc:
            error = exc
            raise
        finally:
            if not self.synced.is_set():
                self.synced._fail(error)
            self._done.set()

    def __repr__(self) -> str:
        state = "synced" if self.synced.is_set() else "started" if self.started.is_set() else "new"
        return f"<Provider {self._channel.path!r} {state}>"


class WebsocketProvider:
    """Keeps a document in sync with a y-websocket server; reconnects after drops.

    Connects with ``websockets.asyncio.client``, syncs (``await provider.synced``), forwards
    local transactions and applies remote ones. After a drop it reconnects after ``min(first *
    2**n, most)`` seconds (n = failed attempts since the last connection; y-websocket's
    100 ms to 2.5 s); meanwhile local edits accumulate in the document and the next handshake
    sends them. ``disconnect()``/``connect()`` go offline and back on purpose.

    Args:
        doc: The document to synchronize.
        url: The room's URL, ``ws://host:port/room`` (a query string can carry a token).
        awareness: The document's Awareness, to exchange presence states too.
        reconnect: Reconnect after a drop; False ends the provider with the first connection.
        backoff: ``(first, most)`` reconnection delays in seconds.
        log: A logger (default ``crdtcore.provider``).
        close_timeout: Seconds a graceful disconnect may spend sending what is queued.
        **connect_options: Passed to ``websockets.asyncio.client.connect`` (e.g.
            ``additional_headers``, ``open_timeout``; ``max_size`` defaults to
            ``DEFAULT_MAX_SIZE``).

    Attributes:
        synced: A ``SyncedEvent``, set while the current connection is synced.
        connections: How many connections were opened so far.
        url: The room's URL.
        reconnect: Whether drops are followed by reconnections.

    Raises:
        ValueError: ``backoff`` is not two delays with ``0 < first <= most``.

    Example:
        >>> from crdtcore import Doc, Text
        >>> async def edit(url: str) -> None:
        ...     doc = Doc({"notes": Text()})
        ...     async with WebsocketProvider(doc, url) as provider:
        ...         await provider.synced
        ...         doc["notes"] += "hello"
    """

    def __init__(
        self,
        doc: Doc,
        url: str,
        awareness: Awareness | None = None,
        *,
        reconnect: bool = True,
        backoff: tuple[float, float] = (0.1, 2.5),
        log: logging.Logger | None = None,
        close_timeout: float = 10.0,
        **connect_options: Any,
    ) -> None:
        require_websockets()
        first, most = backoff
        if not 0 < first <= most:
            raise ValueError(f"backoff must be (first, most) with 0 < first <= most: {backoff}")
        self._doc = doc
        self._awareness = awareness
        self.url = url
        self.reconnect = reconnect
        self.log = log or logger
        self.close_timeout = close_timeout
        self.synced = SyncedEvent()
        self.connections = 0
        self._backoff = (float(first), float(most))
        self._connect_options = {"max_size": DEFAULT_MAX_SIZE, **connect_options}
        self._session: _ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._failures = 0
        self._error: BaseException | None = None
        self._closed = False

    @property
    def doc(self) -> Doc:
        """The synchronized document."""
        return self._doc

    @property
    def awareness(self) -> Awareness | None:
        """The Awareness, if any."""
        return self._awareness

    @property
    def connected(self) -> bool:
        """Whether a connection is open now."""
        return self._session is not None

    @property
    def stats(self) -> ProtocolStats | None:
        """The current connection's message counters (None while disconnected)."""
        return None if self._session is None else self._session.protocol.stats

    def connect(self) -> None:
        """Starts connecting in a task of the running event loop (the context manager calls
        it); a no-op while connecting or connected.

        Raises:
            RuntimeError: After ``close()``.
        """
        if self._closed:
            raise RuntimeError("the provider is closed")
        if self._task is None:
            self._error = None
            if not self.synced.is_set():
                self.synced._reset()
            self._task = asyncio.create_task(self._run())

    async def disconnect(self) -> None:
        """Goes offline until ``connect()``: sends what is queued, tells the peer that the
        local awareness client left, closes the connection and stops reconnecting."""
        task, self._task = self._task, None
        if task is None:
            return
        session = self._session
        if session is not None:
            session.request_close()
            await asyncio.wait({task}, timeout=self.close_timeout)
        task.cancel()
        await asyncio.wait({task})

    async def close(self) -> None:
        """Disconnects for good; ``synced`` waiters get ``ChannelClosed``."""
        await self.disconnect()
        self._closed = True
        if self._error is None:
            self.synced._fail(ChannelClosed(f"{self.url}: the provider is closed"))

    async def __aenter__(self) -> WebsocketProvider:
        self.connect()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        await self.close()
        error = self._error
        if exc_type is None and not isinstance(error, ChannelClosed) and self.synced._unseen(error):
            assert error is not None
            raise error

    async def _run(self) -> None:
        from websockets.exceptions import InvalidURI, WebSocketException

        me = asyncio.current_task()
        try:
            while self._task is me:
                try:
                    await self._connect_once(me)
                except (InvalidURI, PermissionDeniedError):
                    raise  # retrying cannot help (PermissionError is an OSError: first)
                except (OSError, WebSocketException) as exc:  # ChannelClosed is an OSError
                    if not self.reconnect:
                        raise
                    self.log.info("%s: connection failed or lost: %s", self.url, exc)
                else:
                    if not self.reconnect:
                        raise ChannelClosed(f"{self.url}: the connection ended")
                if self._task is not me:
                    break
                first, most = self._backoff
                delay = min(first * 2**self._failures, most)
                self._failures += 1
                await asyncio.sleep(delay)
        except Exception as exc:
            if not isinstance(exc, ChannelClosed):
                self.log.error("%s: the provider stopped: %r", self.url, exc)
            self._error = exc
            self.synced._fail(exc)

    async def _connect_once(self, me: asyncio.Task[None] | None) -> None:
        from websockets.asyncio.client import connect

        async with connect(self.url, **self._connect_options) as websocket:
            if self._task is not me:
                return  # disconnect() was called while connecting
            self._failures = 0
            self.connections += 1
            session = _ClientSession(
                self._doc, WebsocketChannel(websocket), self._awareness, self.synced, self.log
            )
            self._session = session
            try:
                await session.run()
            finally:
                self._session = None
                self.synced._clear()
            self.log.info(
                "%s: disconnected (%s %s)", self.url, websocket.close_code, websocket.close_reason
            )

    def __repr__(self) -> str:
        state = "synced" if self.synced.is_set() else "connected" if self.connected else "offline"
        return f"<WebsocketProvider {self.url!r} {state}>"
