"""WebsocketProvider and WebsocketChannel against crdtcore's WebsocketServer on loopback.

Real servers and real WebSocket connections in the test's event loop (helpers from
test_server_helpers.py): sync through the server, offline edits, reconnection after a server
restart, backoff timing, the end of a provider without reconnection, permission denied.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pytest
from test_server_helpers import run, running_server, url, wait_until
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import InvalidURI

from crdtcore import Doc, Map, Text
from crdtcore.asyncio import (
    ChannelClosed,
    PermissionDeniedError,
    WebsocketChannel,
    WebsocketProvider,
    WebsocketServer,
)
from crdtcore.sync import Awareness

FAST = (0.02, 0.1)  # backoff on loopback


def new_doc(client_id: int) -> Doc:
    return Doc({"t": Text(), "m": Map()}, client_id=client_id)


def text(doc: Doc) -> str:
    return str(doc.get("t", type=Text))


def test_clients_sync_through_the_server() -> None:
    a, b = new_doc(1), new_doc(2)

    async def main() -> None:
        async with running_server() as server:
            room = url(server, "notes")
            async with (
                WebsocketProvider(a, room, backoff=FAST) as pa,
                WebsocketProvider(b, room, backoff=FAST) as pb,
            ):
                await pa.synced
                await pb.synced
                assert pa.connected and pa.connections == 1 and pa.stats is not None
                a.get("t", type=Text).insert(0, "from a")
                b.get("m", type=Map)["k"] = "from b"
                await wait_until(lambda: text(b) == "from a" and a.get("m", type=Map).to_py())
                server_doc = server.rooms["notes"].doc
                await wait_until(lambda: server_doc.get_state() == a.get_state())
            assert not pa.connected and pa.stats is None
            with pytest.raises(ChannelClosed):
                await pa.synced  # closed for good
            with pytest.raises(RuntimeError, match="closed"):
                pa.connect()

    run(main())
    assert a.get("m", type=Map).to_py() == {"k": "from b"}


def test_offline_edits_go_out_on_reconnect() -> None:
    a, b = new_doc(1), new_doc(2)

    async def main() -> None:
        async with running_server() as server:
            room = url(server, "offline")
            async with (
                WebsocketProvider(a, room, backoff=FAST) as pa,
                WebsocketProvider(b, room, backoff=FAST) as pb,
            ):
                await pa.synced
                await pb.synced
                await pa.disconnect()
                assert not pa.connected and not pa.synced.is_set()
                a.get("t", type=Text).insert(0, "[a offline]")
                b.get("t", type=Text).insert(0, "[b online]")
                await asyncio.sleep(0.1)
                assert text(b) == "[b online]" and text(a) == "[a offline]"
                pa.connect()
                await pa.synced
                await wait_until(lambda: text(a) == text(b) and "[a offline]" in text(b))
                assert "[b online]" in text(a)
                assert pa.connections == 2 and pb.connections == 1

    run(main())


def test_reconnects_after_the_server_restarts() -> None:
    a, b = new_doc(1), new_doc(2)

    async def main() -> None:
        first = WebsocketServer("127.0.0.1", 0)
        await first.start()
        port = first.port
        room = f"ws://127.0.0.1:{port}/restart"
        async with (
            WebsocketProvider(a, room, backoff=FAST) as pa,
            WebsocketProvider(b, room, backoff=FAST) as pb,
        ):
            await pa.synced
            await pb.synced
            a.get("t", type=Text).insert(0, "before ")
            await wait_until(lambda: text(b) == "before ")
            await first.stop()  # an empty in-memory server comes back: clients resupply all
            await wait_until(lambda: not pa.connected and not pb.connected)
            assert not pa.synced.is_set()
            a.get("t", type=Text).insert(7, "a-down ")
            b.get("m", type=Map)["b"] = "down"
            async with WebsocketServer("127.0.0.1", port) as second:
                await pa.synced
                await pb.synced
                await wait_until(lambda: a.get_state() == b.get_state())
                server_doc = second.rooms["restart"].doc
                await wait_until(lambda: server_doc.get_state() == a.get_state())
                assert pa.connections == 2 and pb.connections == 2

    run(main())
    assert text(a) == text(b) == "before a-down "
    assert a.get("m", type=Map).to_py() == {"b": "down"}


def test_without_reconnect_the_provider_ends_with_its_connection() -> None:
    async def main() -> None:
        server = WebsocketServer("127.0.0.1", 0)
        await server.start()
        async with WebsocketProvider(new_doc(1), url(server, "r"), reconnect=False) as provider:
            await provider.synced
            await server.stop()
            await wait_until(lambda: not provider.connected)
            with pytest.raises(ChannelClosed):
                await provider.synced
            await asyncio.sleep(0.1)
            assert provider.connections == 1
        # the end of the connection is no error: the exit does not raise

    run(main())


def test_connection_refused_without_reconnect_is_raised() -> None:
    async def main() -> None:
        async with running_server() as server:
            port = server.port  # free once the server is gone
        async with WebsocketProvider(new_doc(1), f"ws://127.0.0.1:{port}/x", reconnect=False) as p:
            await p.synced

    with pytest.raises(ConnectionRefusedError):
        run(main())


def test_an_invalid_url_is_not_retried() -> None:
    async def main() -> int:
        provider = WebsocketProvider(new_doc(1), "http://example.invalid/room")
        with pytest.raises(InvalidURI):
            async with provider:
                await provider.synced
        return provider.connections

    assert run(main()) == 0


def test_permission_denied_stops_reconnecting() -> None:
    async def main() -> int:
        async with running_server(authorize=lambda room, request: None) as server:
            provider = WebsocketProvider(new_doc(1), url(server, "secret"), backoff=FAST)
            with pytest.raises(PermissionDeniedError):
                async with provider:
                    await provider.synced
            await asyncio.sleep(0.2)  # several backoff periods
            return provider.connections

    assert run(main()) == 1


def test_backoff_grows_exponentially_up_to_its_cap() -> None:
    """A listener that drops every TCP connection at once: the attempts' spacing follows
    first * 2**n capped at most (lower bounds only, except for the cap: the machine is busy)."""
    accepted: list[float] = []

    async def drop(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(time.monotonic())
        writer.close()

    async def main() -> None:
        listener = await asyncio.start_server(drop, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        async with listener:
            provider = WebsocketProvider(
                new_doc(1), f"ws://127.0.0.1:{port}/r", backoff=(0.05, 0.1)
            )
            async with provider:
                await wait_until(lambda: len(accepted) >= 7, timeout=10)
            assert provider.connections == 0 and not provider.synced.is_set()

    run(main())
    gaps = [later - earlier for earlier, later in itertools.pairwise(accepted)]
    assert gaps[0] >= 0.045 and all(gap >= 0.095 for gap in gaps[1:5])
    assert min(gaps[4:6]) < 0.7  # uncapped: 0.05 * 2**4 = 0.8 s, then 1.6 s


def test_backoff_must_be_positive_and_ordered() -> None:
    for backoff in ((0, 1), (2, 1), (-1, -1)):
        with pytest.raises(ValueError, match="backoff"):
            WebsocketProvider(Doc(), "ws://127.0.0.1:1/r", backoff=backoff)


def test_awareness_through_the_server() -> None:
    docs = [new_doc(1), new_doc(2)]
    aw = [Awareness(doc, now=time.time() * 1000) for doc in docs]
    aw[0].set_local_state({"user": "a"})
    aw[1].set_local_state({"user": "b"})

    async def main() -> None:
        async with running_server() as server:
            room = url(server, "presence")
            async with WebsocketProvider(docs[0], room, aw[0], backoff=FAST) as pa:
                await pa.synced
                async with WebsocketProvider(docs[1], room, aw[1], backoff=FAST):
                    await wait_until(lambda: aw[0].states.get(2) == {"user": "b"})
                    await wait_until(lambda: aw[1].states.get(1) == {"user": "a"})
                    aw[1].set_local_state({"user": "b", "cursor": 3})
                    await wait_until(lambda: aw[0].states.get(2) == {"user": "b", "cursor": 3})
                await wait_until(lambda: 2 not in aw[0].states)
                assert aw[1].get_local_state() == {"user": "b", "cursor": 3}

    run(main())


def test_websocket_channel_paths_and_frames() -> None:
    seen: list[Any] = []

    async def handler(websocket: ServerConnection) -> None:
        channel = WebsocketChannel(websocket)
        seen.append(channel.path)
        async for message in channel:
            seen.append(message)
            await channel.send(message[::-1])
        seen.append("ended")

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}/room/a?token=x") as websocket:
                channel = WebsocketChannel(websocket)
                assert channel.path == "/room/a" and channel.websocket is websocket
                await channel.send(b"\x00\x01")
                assert await channel.recv() == b"\x01\x00"
                await websocket.send("text")  # a text frame arrives as its bytes
                assert await channel.recv() == b"txet"
                await channel.close()
                with pytest.raises(ChannelClosed):
                    await channel.send(b"late")
                with pytest.raises(ChannelClosed):
                    await channel.recv()
            await wait_until(lambda: seen[-1:] == ["ended"])
            assert WebsocketChannel(websocket, path="custom").path == "custom"

    run(main())
    assert seen == ["/room/a", b"\x00\x01", b"text", "ended"]
