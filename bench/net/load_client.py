"""The load benchmark's client: a Doc and a SyncProtocol over a raw websockets connection.

Cheaper than a ``WebsocketProvider`` (no awareness, no reconnection), so hundreds run in one
process. A reader task feeds every frame to the protocol; an editor makes random edits at a
steady rate: Text inserts and deletes on the root ``"t"`` and, one edit in ten, a Map set on
the root ``"m"``, one transaction (one Update message) each.

Broadcast latency: an Update message is recognised by the (client, clock) of the first struct
of its update (``update_key``): the sender notes when it sent the message, every receiver when
the server's copy arrived; ``Recorder.latencies()`` pairs them. The server forwards each
update it applies as its own Update message, starting at the same clock, so the keys match.
Updates without structs (pure deletions) carry no key and are not timed.

Thread safety: none; every client of a Recorder runs in one event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import string
import time

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from crdtcore import Doc, Map, Text
from crdtcore.sync import SyncProtocol

ALPHABET = string.ascii_letters + " "
MAP_KEYS = 8

Key = tuple[int, int]


def _var_uint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def update_key(frame: bytes) -> Key | None:
    """``(client, clock)`` of the first struct in an Update message, else None.

    Example:
        >>> from crdtcore.sync import Update
        >>> doc = Doc(client_id=7)
        >>> doc["t"] = Text("ab")
        >>> update_key(Update(doc.get_update()).encode())
        (7, 0)
        >>> update_key(b"\\x00\\x00\\x00") is None  # SyncStep1
        True
    """
    try:
        kind, pos = _var_uint(frame, 0)
        sync, pos = _var_uint(frame, pos)
        if kind != 0 or sync != 2:
            return None
        _, pos = _var_uint(frame, pos)  # the update's length
        clients, pos = _var_uint(frame, pos)
        if clients == 0:
            return None
        _, pos = _var_uint(frame, pos)  # structs of the first client
        client, pos = _var_uint(frame, pos)
        clock, _ = _var_uint(frame, pos)
    except IndexError:
        return None
    return client, clock


class Recorder:
    """Send and receipt times of Update messages, shared by the clients of one run.

    Example:
        >>> recorder = Recorder()
        >>> recorder.sent((1, 0), 10.0)
        >>> recorder.received((1, 0), 10.25)
        >>> recorder.received((2, 0), 11.0)  # never sent by a client: not timed
        >>> recorder.latencies()
        [0.25]
    """

    def __init__(self) -> None:
        self.sends: dict[Key, float] = {}
        self.receipts: list[tuple[Key, float]] = []

    def sent(self, key: Key, when: float) -> None:
        """Notes that the message ``key`` was sent at ``when`` (monotonic seconds)."""
        self.sends[key] = when

    def received(self, key: Key, when: float) -> None:
        """Notes that some client received ``key`` at ``when``."""
        self.receipts.append((key, when))

    def latencies(self) -> list[float]:
        """Seconds from send to receipt, one per (receipt of a sent message)."""
        sends = self.sends
        return [when - sends[key] for key, when in self.receipts if key in sends]


class LoadClient:
    """One editing client.

    Args:
        url: The room's URL.
        seed: Seeds the client id and the edits.
        recorder: Where send and receipt times go.

    Attributes:
        doc: The replica.
        edits: Edits made so far.
        bytes_sent: Frame bytes sent.
        bytes_received: Frame bytes received.
        max_lag: Worst delay (s) of an edit behind its schedule: the client process's
            headroom (near zero when it keeps up).
        error: What ended the connection unexpectedly, if anything.
    """

    def __init__(self, url: str, *, seed: int, recorder: Recorder) -> None:
        self.url = url
        self.rng = random.Random(seed)
        self.doc = Doc(client_id=self.rng.getrandbits(32))
        self.protocol = SyncProtocol(self.doc, name=url)
        self.recorder = recorder
        self.edits = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        self.max_lag = 0.0
        self.error: BaseException | None = None
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, timeout: float = 60.0) -> None:
        """Connects and starts the handshake (``synced`` turns True when it is done)."""
        self._ws = await connect(
            self.url, max_size=None, open_timeout=timeout, ping_interval=None, close_timeout=5
        )
        self._reader = asyncio.create_task(self._read())
        self.protocol.start()
        await self._flush()

    @property
    def synced(self) -> bool:
        """Whether the handshake finished."""
        return self.protocol.synced

    async def run_edits(self, start: float, stop: float, rate: float) -> None:
        """Edits ``rate`` times a second from ``start`` until ``stop`` (``time.monotonic()``),
        on a fixed schedule with a random phase; a late edit is not made up for."""
        interval = 1.0 / rate
        due = start + self.rng.random() * interval
        while due < stop:
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.max_lag = max(self.max_lag, time.monotonic() - due)
            self.edit()
            await self._flush()
            due += interval

    def edit(self) -> None:
        """One random edit in one transaction."""
        rng, doc = self.rng, self.doc
        choice = rng.random()
        with doc.transaction():  # roots are made on first use: an unused one is in no update
            if choice < 0.1:
                doc.get("m", type=Map)[f"k{rng.randrange(MAP_KEYS)}"] = rng.randrange(1000)
            else:
                text = doc.get("t", type=Text)
                length = len(text)
                if choice < 0.4 and length > 10:
                    start = rng.randrange(length)
                    del text[start : min(length, start + rng.randint(1, 5))]
                else:
                    word = "".join(rng.choices(ALPHABET, k=rng.randint(1, 8)))
                    text.insert(rng.randint(0, length), word)
        self.edits += 1

    async def close(self) -> None:
        """Closes the connection and the protocol."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        self.protocol.close()

    async def _flush(self) -> None:
        ws = self._ws
        assert ws is not None
        for frame in self.protocol.data_to_send():
            key = update_key(frame)
            if key is not None:
                self.recorder.sent(key, time.monotonic())
            self.bytes_sent += len(frame)
            with contextlib.suppress(ConnectionClosed):
                await ws.send(frame)

    async def _read(self) -> None:
        ws = self._ws
        assert ws is not None
        try:
            async for frame in ws:
                assert isinstance(frame, bytes)
                key = update_key(frame)
                if key is not None:
                    self.recorder.received(key, time.monotonic())
                self.bytes_received += len(frame)
                self.protocol.receive_data(frame)
                self.protocol.events_received()
                await self._flush()
        except ConnectionClosed as exc:
            if exc.rcvd is None or exc.rcvd.code != 1000:
                self.error = exc
        except Exception as exc:
            self.error = exc
