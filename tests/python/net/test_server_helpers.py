"""Helpers of the server tests: a real server on a loopback port and real websockets clients
driven by SyncProtocol (no mocks). Imported by the other test_server*.py files."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from crdtcore import Doc, Text
from crdtcore.asyncio import WebsocketServer
from crdtcore.sync import Awareness, Event, SyncProtocol

TIMEOUT = 5.0


def run(coro: Coroutine[Any, Any, Any], timeout: float = 15.0) -> Any:
    """Runs ``coro`` in a fresh event loop, failing after ``timeout`` seconds."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


@contextlib.asynccontextmanager
async def running_server(**options: Any) -> AsyncIterator[WebsocketServer]:
    """A started WebsocketServer on 127.0.0.1 and a free port; stopped on exit."""
    server = WebsocketServer("127.0.0.1", 0, **options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def url(server: WebsocketServer, room: str) -> str:
    """The WebSocket URL of ``room`` (a path, possibly with a query string)."""
    return f"ws://127.0.0.1:{server.port}/{room}"


async def wait_until(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Polls ``predicate`` every 5 ms; raises AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


class Client:
    """A y-websocket-style client: Doc + Awareness + SyncProtocol over a real WebSocket.

    A reader task feeds every received frame to the protocol and sends its answers; local
    edits go out with ``send_pending()`` (or ``edit()``).
    """

    def __init__(self, ws: ClientConnection, doc: Doc, awareness: Awareness) -> None:
        self.ws = ws
        self.doc = doc
        self.awareness = awareness
        self.protocol = SyncProtocol(doc, awareness=awareness, name="test client")
        self.frames: list[bytes] = []
        self.events: list[Event] = []
        self.on_frame: Callable[[bytes], None] | None = None
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def connect(
        cls, address: str, *, doc: Doc | None = None, start: bool = True, **options: Any
    ) -> Client:
        """Connects to ``address``; with ``start`` sends SyncStep1 (and awareness)."""
        ws = await connect(address, **options)
        doc = doc if doc is not None else Doc()
        client = cls(ws, doc, Awareness(doc, now=time.time() * 1000))
        client._reader = asyncio.create_task(client._read())
        if start:
            client.protocol.start()
            await client.send_pending()
        return client

    @property
    def text(self) -> str:
        """The client's root text ``"t"``."""
        return str(self.doc.get("t", type=Text))

    async def edit(self, change: Callable[[Doc], None]) -> None:
        """Applies ``change(doc)`` and sends the resulting update."""
        change(self.doc)
        await self.send_pending()

    async def send_pending(self) -> None:
        """Sends what the protocol queued (local updates, awareness); nothing once closed."""
        frames = self.protocol.data_to_send()
        with contextlib.suppress(ConnectionClosed):
            for frame in frames:
                await self.ws.send(frame)

    async def closed(self) -> tuple[int | None, str | None]:
        """Waits for the server to close the connection; returns (code, reason)."""
        assert self._reader is not None
        await asyncio.wait_for(asyncio.shield(self._reader), TIMEOUT)
        return self.ws.close_code, self.ws.close_reason

    @property
    def is_open(self) -> bool:
        """Whether the reader still runs (the connection is open)."""
        return self._reader is not None and not self._reader.done()

    async def close(self) -> None:
        """Closes the connection and the protocol."""
        await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        self.protocol.close()

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                data = frame if isinstance(frame, bytes) else frame.encode()
                self.frames.append(data)
                self.protocol.receive_data(data, now=time.time() * 1000)
                self.events.extend(self.protocol.events_received())
                if self.on_frame is not None:
                    self.on_frame(data)
                await self.send_pending()
        except ConnectionClosed:
            pass


def text_doc(content: str, client_id: int | None = None) -> Doc:
    """A document whose root text ``"t"`` holds ``content``."""
    return Doc({"t": Text(content)}, client_id=client_id)


def insert(index: int, content: str) -> Callable[[Doc], None]:
    """An edit inserting ``content`` at ``index`` of the root text ``"t"``."""

    def change(doc: Doc) -> None:
        doc.get("t", type=Text).insert(index, content)

    return change
