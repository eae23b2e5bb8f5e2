"""Provider, SyncedEvent and the in-memory channels (crdtcore.asyncio.provider, _channel).

No network: the far end of a ``channel_pair`` is either another Provider or the test itself
(reading frames and decoding them with crdtcore.sync, or writing raw bytes). WebSocket
providers are in test_provider_websocket.py.
"""

from __future__ import annotations

import asyncio
import doctest
import importlib
import logging
import time
from typing import Any

import pytest
from test_server_helpers import run, wait_until

from crdtcore import Doc, Text
from crdtcore.asyncio import (
    ChannelClosed,
    MemoryChannel,
    PermissionDeniedError,
    Provider,
    channel_pair,
)
from crdtcore.asyncio.provider import SyncedEvent
from crdtcore.sync import (
    Auth,
    Awareness,
    AwarenessMessage,
    SyncProtocol,
    SyncStep1,
    SyncStep2,
    Update,
    decode_message,
)


def text(doc: Doc) -> str:
    return str(doc.get("t", type=Text))


def now_ms() -> float:
    return time.time() * 1000


async def drain(channel: MemoryChannel) -> list[bytes]:
    """Every frame already queued for ``channel`` (without waiting for more)."""
    await asyncio.sleep(0.01)
    frames = []
    while not channel._inbox.empty():
        frames.append(await channel.recv())
    return frames


# -- Provider pairs ---------------------------------------------------------------------------


def test_pair_syncs_both_ways_without_echo() -> None:
    a, b = Doc({"t": Text("hi")}, client_id=1), Doc(client_id=2)

    async def main() -> None:
        left, right = channel_pair("room")
        async with Provider(a, left) as pa, Provider(b, right) as pb:
            await pa.synced
            await pb.synced
            assert text(b) == "hi"
            a.get("t", type=Text).insert(2, "!")
            await wait_until(lambda: text(b) == "hi!")
            b.get("t", type=Text).insert(0, ">")
            await wait_until(lambda: text(a) == ">hi!")
            await asyncio.sleep(0.02)
            # a applied b's step2 and one update: its own edits never came back
            assert pa.stats is not None and pb.stats is not None
            assert (pa.stats.updates_in, pb.stats.updates_in) == (2, 2)
            assert pa.channel is left and pa.doc is a and pa.awareness is None

    run(main())


def test_graceful_exit_sends_queued_updates() -> None:
    doc = Doc(client_id=5)

    async def main() -> list[Any]:
        ours, theirs = channel_pair()
        async with Provider(doc, ours):
            doc.get("t", type=Text).insert(0, "last words")  # exit before the writer ran
        return [decode_message(frame) for frame in await drain(theirs)]

    messages = run(main())
    assert isinstance(messages[0], SyncStep1)
    replica = Doc()
    for message in messages:
        if isinstance(message, Update):
            replica.apply_update(message.update)
    assert text(replica) == "last words"


def test_stop_drops_queued_frames_and_keeps_the_channel_open() -> None:
    doc = Doc(client_id=5)

    async def main() -> tuple[list[Any], bool]:
        ours, theirs = channel_pair()
        provider = Provider(doc, ours)
        task = asyncio.create_task(provider.start())
        await provider.started.wait()
        first = await drain(theirs)  # SyncStep1
        doc.get("t", type=Text).insert(0, "never sent")
        await provider.stop()
        await task
        return [decode_message(f) for f in first + await drain(theirs)], ours.closed

    messages, closed = run(main())
    assert [type(m) for m in messages] == [SyncStep1]
    assert not closed


def test_a_provider_runs_once() -> None:
    async def main() -> None:
        ours, _ = channel_pair()
        async with Provider(Doc(), ours) as provider:
            with pytest.raises(RuntimeError, match="once"):
                await provider.start()

    run(main())


def test_an_error_in_the_block_stops_the_provider_at_once() -> None:
    providers: list[Provider] = []

    async def main() -> None:
        ours, _ = channel_pair()
        async with Provider(Doc(), ours) as provider:
            providers.append(provider)
            raise KeyError("body failed before the provider ever ran")

    with pytest.raises(KeyError, match="body failed"):
        run(main(), timeout=5)
    session = providers[0]._session
    assert session is not None and session.protocol.closed  # the doc is not observed any more


def test_observer_errors_stop_the_provider_and_surface_at_exit() -> None:
    a, b = Doc({"t": Text()}, client_id=1), Doc(client_id=2)

    def broken(_event: Any) -> None:
        raise ZeroDivisionError("observer bug")

    async def main() -> None:
        left, right = channel_pair()
        async with Provider(a, left), Provider(b, right) as pb:
            await pb.synced
            b.observe(broken)
            a.get("t", type=Text).insert(0, "x")
            await asyncio.sleep(0.05)

    with pytest.raises(ZeroDivisionError, match="observer bug"):
        run(main())


# -- the far end misbehaves -------------------------------------------------------------------


def test_malformed_frame_is_dropped_then_the_provider_resyncs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    doc = Doc(client_id=5)
    source = Doc({"t": Text("ok")}, client_id=9)

    async def main() -> list[Any]:
        ours, theirs = channel_pair("bad")
        async with Provider(doc, ours):
            await drain(theirs)
            await theirs.send(b"\x00\x02\x05\x01")  # an Update announcing 5 bytes, holding 1
            replies = [decode_message(f) for f in await drain(theirs)]
            await theirs.send(Update(source.get_update()).encode())  # still listening
            await wait_until(lambda: text(doc) == "ok")
            return replies

    with caplog.at_level(logging.WARNING, logger="crdtcore.provider"):
        replies = run(main())
    assert [type(m) for m in replies] == [SyncStep1]
    assert "malformed frame" in caplog.text


def test_permission_denied_fails_synced_waiters() -> None:
    async def main() -> PermissionDeniedError:
        ours, theirs = channel_pair()
        async with Provider(Doc(), ours) as provider:
            await theirs.send(Auth("read the docs").encode())
            with pytest.raises(PermissionDeniedError, match="read the docs") as info:
                await provider.synced
        return info.value  # the exit does not raise it a second time

    error = run(main())
    assert error.reason == "read the docs"
    assert isinstance(error, PermissionError)


def test_permission_denied_is_raised_at_exit_when_nobody_waited() -> None:
    async def main() -> None:
        ours, theirs = channel_pair()
        async with Provider(Doc(), ours):
            await theirs.send(Auth("no").encode())
            await asyncio.sleep(0.02)

    with pytest.raises(PermissionDeniedError):
        run(main())


def test_channel_end_before_the_sync_fails_waiters_but_not_the_exit() -> None:
    async def main() -> bool:
        ours, theirs = channel_pair()
        async with Provider(Doc(), ours) as provider:
            theirs.close()
            with pytest.raises(ChannelClosed):
                await provider.synced
        return provider.synced.is_set()

    assert run(main()) is False


def test_synced_stays_set_after_the_channel_ends() -> None:
    async def main() -> bool:
        left, right = channel_pair()
        async with Provider(Doc(), left) as pa, Provider(Doc(), right):
            await pa.synced
            left.close()
            await asyncio.sleep(0.02)
        return pa.synced.is_set()

    assert run(main()) is True


def test_pycrdt_style_channel_without_the_base_class() -> None:
    class Structural:  # pycrdt's channels: their own __anext__, StopAsyncIteration at the end
        def __init__(self, inner: MemoryChannel) -> None:
            self.inner = inner

        @property
        def path(self) -> str:
            return "structural"

        def __aiter__(self) -> Structural:
            return self

        async def __anext__(self) -> bytes:
            try:
                return await self.inner.recv()
            except Exception:
                raise StopAsyncIteration() from None

        async def send(self, message: bytes) -> None:
            await self.inner.send(message)

        async def recv(self) -> bytes:
            return await self.inner.recv()

    a, b = Doc({"t": Text("via pycrdt channel")}), Doc()

    async def main() -> None:
        left, right = channel_pair()
        async with Provider(a, Structural(left)), Provider(b, Structural(right)) as pb:
            await pb.synced

    run(main())
    assert text(b) == "via pycrdt channel"


# -- awareness --------------------------------------------------------------------------------


def test_awareness_states_cross_and_departures_are_announced() -> None:
    docs = [Doc(client_id=1), Doc(client_id=2)]
    aw = [Awareness(doc, now=now_ms()) for doc in docs]
    aw[0].set_local_state({"name": "a"})
    clock_before = aw[0].meta[1]["clock"]

    async def main() -> None:
        left, right = channel_pair()
        async with Provider(docs[1], right, aw[1]):
            async with Provider(docs[0], left, aw[0]):
                await wait_until(lambda: aw[1].states.get(1) == {"name": "a"})
                aw[0].set_local_state({"name": "a", "cursor": 4})
                await wait_until(lambda: aw[1].states.get(1) == {"name": "a", "cursor": 4})
                assert aw[0].states.get(2) == {}  # Awareness() starts with {}
            await wait_until(lambda: 1 not in aw[1].states)  # the graceful exit said bye
            assert aw[0].get_local_state() == {"name": "a", "cursor": 4}  # ours is kept
            assert 2 not in aw[0].states  # and theirs forgotten

    run(main())
    assert aw[0].meta[1]["clock"] == clock_before + 2  # re-set on connect, then one change


def test_remote_states_are_forgotten_when_the_channel_ends() -> None:
    docs = [Doc(client_id=1), Doc(client_id=2)]
    aw = [Awareness(doc, now=now_ms()) for doc in docs]

    async def main() -> None:
        left, right = channel_pair()
        async with Provider(docs[0], left, aw[0]), Provider(docs[1], right, aw[1]):
            await wait_until(lambda: 1 in aw[1].states and 2 in aw[0].states)
            left.close()  # no goodbye message can get through
            await wait_until(lambda: 1 not in aw[1].states and 2 not in aw[0].states)

    run(main())


def test_awareness_heartbeats_and_timeouts_run_on_the_providers_timer() -> None:
    timeout_ms = 1000.0  # ticks every 100 ms; heartbeat after 500 ms without a change
    docs = [Doc(client_id=1), Doc(client_id=2)]
    aw = [Awareness(doc, now=now_ms(), outdated_timeout=timeout_ms) for doc in docs]

    async def main() -> None:
        left, right = channel_pair()
        async with Provider(docs[1], right, aw[1]):
            first = Provider(docs[0], left, aw[0])
            async with first:
                await wait_until(lambda: 1 in aw[1].states)
                clock = aw[1].meta[1]["clock"]
                await asyncio.sleep(1.5 * timeout_ms / 1000)  # longer than the timeout
                assert 1 in aw[1].states  # kept alive by heartbeats
                assert aw[1].meta[1]["clock"] > clock
                await first.stop()  # silent: no goodbye, no more heartbeats
            await wait_until(lambda: 1 not in aw[1].states, timeout=5)

    run(main())


# -- SyncedEvent and MemoryChannel ------------------------------------------------------------


def test_synced_event_set_clear_fail_reset() -> None:
    async def main() -> None:
        event = SyncedEvent()
        waiter = asyncio.create_task(event.wait())
        await asyncio.sleep(0)
        assert not waiter.done() and not event.is_set()
        event._set()
        assert await waiter is True and await event is True
        event._clear()
        waiter = asyncio.create_task(event.wait())
        await asyncio.sleep(0.01)
        assert not waiter.done()
        event._fail(ChannelClosed("gone"))
        with pytest.raises(ChannelClosed, match="gone"):
            await waiter
        with pytest.raises(ChannelClosed):
            await event
        event._clear()  # a failure stays until reset
        with pytest.raises(ChannelClosed):
            await event
        event._reset()
        assert not event.is_set() and repr(event) == "<SyncedEvent unset>"

    run(main())


def test_memory_channel_delivers_in_order_then_ends() -> None:
    async def main() -> None:
        left, right = channel_pair("p")
        await left.send(b"one")
        await left.send(bytearray(b"two"))
        left.close()
        assert right.closed and right.path == "p"
        assert [m async for m in right] == [b"one", b"two"]
        with pytest.raises(ChannelClosed):
            await right.recv()
        with pytest.raises(ChannelClosed):
            await right.recv()  # stays closed
        with pytest.raises(ChannelClosed):
            await left.send(b"three")
        assert "closed" in repr(left)

    run(main())


def test_far_end_driven_by_a_bare_sync_protocol() -> None:
    """The provider speaks plain y-protocols: a SyncProtocol on the far end syncs with it."""
    ours, peer = Doc({"t": Text("from provider")}), Doc({"t": Text()})
    protocol = SyncProtocol(peer)

    async def main() -> None:
        mine, theirs = channel_pair()
        async with Provider(ours, mine) as provider:
            protocol.start()
            for frame in protocol.data_to_send():
                await theirs.send(frame)
            for _ in range(2):  # the provider's SyncStep1, then its SyncStep2 answer
                protocol.receive_data(await theirs.recv())
            for frame in protocol.data_to_send():  # our SyncStep2 answer
                await theirs.send(frame)
            await provider.synced
        protocol.close()

    run(main())
    assert text(peer) == "from provider"
    assert protocol.synced


def test_awareness_message_bytes_on_graceful_exit() -> None:
    doc = Doc(client_id=7)
    awareness = Awareness(doc, now=now_ms())

    async def main() -> list[Any]:
        ours, theirs = channel_pair()
        async with Provider(doc, ours, awareness):
            pass
        return [decode_message(f) for f in await drain(theirs)]

    messages = run(main())
    assert [type(m) for m in messages] == [SyncStep1, AwarenessMessage, AwarenessMessage]
    clock = awareness.meta[7]["clock"]
    assert messages[-1].update == b"\x01\x07" + bytes([clock]) + b"\x04null"
    assert not any(isinstance(m, SyncStep2) for m in messages)


@pytest.mark.parametrize("module", ["crdtcore.asyncio._channel", "crdtcore.asyncio.provider"])
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
    assert result.attempted > 0
