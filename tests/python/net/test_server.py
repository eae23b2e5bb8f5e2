"""WebsocketServer: handshake, broadcast, awareness, persistence, idle unloading (real sockets)."""

from __future__ import annotations

import asyncio
import doctest
import importlib
import logging

import pytest
from test_server_helpers import Client, insert, run, running_server, text_doc, url, wait_until
from websockets.asyncio.client import connect

from crdtcore import Doc, Text, merge_updates
from crdtcore.asyncio import WebsocketServer
from crdtcore.store import MemoryStore, SqliteStore, StoreError
from crdtcore.sync import AwarenessMessage, Synced, encode_awareness_update


def test_handshake_and_broadcast_between_three_clients():
    async def main():
        async with running_server() as server:
            alice = await Client.connect(url(server, "doc"), doc=text_doc("offline ", 1))
            bob = await Client.connect(url(server, "doc"), doc=Doc(client_id=2))
            carol = await Client.connect(url(server, "doc"), doc=Doc(client_id=3))
            clients = [alice, bob, carol]
            await wait_until(lambda: all(c.protocol.synced for c in clients))
            await wait_until(lambda: all(c.text == "offline " for c in clients))
            assert all(any(isinstance(e, Synced) for e in c.events) for c in clients)

            await bob.edit(insert(0, "B"))
            await carol.edit(insert(8, "C"))  # concurrent with bob's edit
            await alice.edit(insert(len(alice.text), "A"))
            await wait_until(lambda: len({c.text for c in clients}) == 1 and len(bob.text) == 11)
            room = server.rooms["doc"]
            assert str(room.doc.get("t", type=Text)) == alice.text
            assert sorted(alice.text) == sorted("offline BCA")
            for client in clients:
                await client.close()

    run(main())


def test_updates_do_not_leak_between_rooms():
    async def main():
        async with running_server() as server:
            one = await Client.connect(url(server, "one"))
            two = await Client.connect(url(server, "two"))
            await wait_until(lambda: one.protocol.synced and two.protocol.synced)
            await one.edit(insert(0, "only in one"))
            await wait_until(lambda: str(server.rooms["one"].doc.get("t", type=Text)) != "")
            other = await Client.connect(url(server, "two?token=x"))  # query is not the name
            await wait_until(lambda: other.protocol.synced)
            assert two.text == other.text == ""
            assert sorted(server.rooms) == ["one", "two"]
            for client in (one, two, other):
                await client.close()

    run(main())


def test_awareness_relay_and_removal_on_disconnect():
    async def main():
        async with running_server() as server:
            alice = await Client.connect(url(server, "room"), doc=Doc(client_id=11))
            bob = await Client.connect(url(server, "room"), doc=Doc(client_id=22))
            await wait_until(lambda: alice.protocol.synced and bob.protocol.synced)
            alice.awareness.set_local_state({"user": "alice"})
            await alice.send_pending()
            await wait_until(lambda: bob.awareness.states.get(11) == {"user": "alice"})

            # a late joiner gets every known state in the greeting
            carol = await Client.connect(url(server, "room"), doc=Doc(client_id=33))
            await wait_until(lambda: carol.awareness.states.get(11) == {"user": "alice"})
            assert server.rooms["room"].awareness.get_local_state() is None  # relay only
            carol.awareness.set_local_state({"user": "carol"})
            await carol.send_pending()
            await wait_until(lambda: 33 in bob.awareness.states)

            await alice.close()
            await wait_until(lambda: 11 not in bob.awareness.states)
            await wait_until(lambda: 11 not in carol.awareness.states)
            assert 11 not in server.rooms["room"].awareness.states
            assert 33 in bob.awareness.states
            await bob.close()
            await carol.close()

    run(main())


def test_persistence_across_a_restart(tmp_path):
    path = tmp_path / "rooms.sqlite"

    async def first_run():
        async with running_server(store=SqliteStore(path), compact_threshold=3) as server:
            alice = await Client.connect(url(server, "notes"), doc=Doc(client_id=1))
            bob = await Client.connect(url(server, "notes"), doc=Doc(client_id=2))
            await wait_until(lambda: alice.protocol.synced and bob.protocol.synced)
            for i in range(8):
                await alice.edit(insert(i, "abcdefgh"[i]))
            await wait_until(lambda: bob.text == "abcdefgh")
            assert server.rooms["notes"].records <= 3  # compacted past the threshold
            await alice.close()
            await bob.close()

    async def second_run():
        async with running_server(store=SqliteStore(path)) as server:
            carol = await Client.connect(url(server, "notes"))
            await wait_until(lambda: carol.protocol.synced)
            assert carol.text == "abcdefgh"
            await carol.close()

    run(first_run())
    with SqliteStore(path) as store:
        assert len(store.read("notes")) == 1  # stop() compacted the room
    run(second_run())


def test_every_update_is_stored_before_any_client_sees_it():
    store = MemoryStore()

    def stored_text() -> str:
        doc, records = Doc(), store.read("r")
        if records:
            doc.apply_update(merge_updates(*records))
        return str(doc.get("t", type=Text))

    async def main():
        async with running_server(store=store, compact_threshold=4) as server:
            writer = await Client.connect(url(server, "r"))
            reader = await Client.connect(url(server, "r"))
            await wait_until(lambda: writer.protocol.synced and reader.protocol.synced)
            seen, missing = [], []

            def check(_frame: bytes) -> None:  # runs right after the reader applied a frame
                seen.append(reader.text)
                if not stored_text().startswith(reader.text):
                    missing.append(reader.text)

            reader.on_frame = check
            for i in range(20):
                await writer.edit(insert(i, "x"))
            await wait_until(lambda: reader.text == "x" * 20)
            assert len(seen) >= 20
            assert missing == []
            await writer.close()
            await reader.close()

    run(main())


def test_idle_room_is_unloaded_and_reloaded_from_the_store():
    store = MemoryStore()

    async def main():
        async with running_server(store=store, idle_timeout=0.05) as server:
            alice = await Client.connect(url(server, "idle"))
            await wait_until(lambda: alice.protocol.synced)
            await alice.edit(insert(0, "kept"))
            await alice.edit(insert(4, "!"))
            await wait_until(lambda: len(store.read("idle")) == 2)
            room = server.rooms["idle"]
            await alice.close()
            await wait_until(lambda: "idle" not in server.rooms)
            assert room.closed
            assert len(store.read("idle")) == 1  # compacted on unload

            bob = await Client.connect(url(server, "idle"))
            await wait_until(lambda: bob.protocol.synced)
            assert bob.text == "kept!"
            assert server.rooms["idle"] is not room
            await bob.close()

    run(main())


def test_reconnect_before_the_idle_timeout_keeps_the_room():
    async def main():
        async with running_server(idle_timeout=0.3) as server:
            alice = await Client.connect(url(server, "r"))
            await wait_until(lambda: alice.protocol.synced)
            room = server.rooms["r"]
            await alice.close()
            bob = await Client.connect(url(server, "r"))
            await wait_until(lambda: bob.protocol.synced)
            await bob.edit(insert(0, "x"))
            await wait_until(lambda: str(room.doc.get("t", type=Text)) == "x")
            await asyncio.sleep(0.4)  # the cancelled timer never fires
            assert server.rooms["r"] is room
            await bob.close()

    run(main())


def test_server_side_edits_reach_the_clients():
    store = MemoryStore()

    async def main():
        async with running_server(store=store) as server:
            alice = await Client.connect(url(server, "r"))
            await wait_until(lambda: alice.protocol.synced)
            server.rooms["r"].doc["t"] = Text("from the server")
            await wait_until(lambda: alice.text == "from the server")
            assert len(store.read("r")) == 1
            await alice.close()

    run(main())


def test_silent_awareness_states_time_out_on_the_server():
    async def main():
        async with running_server() as server:
            bob = await Client.connect(url(server, "r"), doc=Doc(client_id=6))
            silent = await connect(url(server, "r"))  # says hello once, then never answers
            await silent.send(AwarenessMessage(encode_awareness_update([(5, 1, {})])).encode())
            await wait_until(lambda: 5 in bob.awareness.states)
            room = server.rooms["r"]
            room.tick(room.awareness.now + 10_000)  # not silent for long enough yet
            assert 5 in room.awareness.states
            room.tick(room.awareness.now + 30_000)  # y-protocols' 30 s outdated timeout
            assert 5 not in room.awareness.states
            await wait_until(lambda: 5 not in bob.awareness.states)
            await silent.close()
            await bob.close()

    run(main())


def test_an_unreadable_record_is_skipped_when_a_room_loads(caplog):
    store = MemoryStore()
    store.append("r", b"\x05 not an update")
    store.append("r", text_doc("survives").get_update())

    async def main():
        async with running_server(store=store, idle_timeout=0) as server:
            client = await Client.connect(url(server, "r"))
            await wait_until(lambda: client.protocol.synced)
            assert client.text == "survives"
            await client.close()
            await wait_until(lambda: not server.rooms)
            assert len(store.read("r")) == 1  # unloading compacted the bad record away

    run(main())
    assert "skipping unreadable record 0" in caplog.text


class NoReplaceStore(MemoryStore):
    """Appends work, compaction does not."""

    replaces = 0

    def _replace(self, room: str, data: bytes, count: int) -> None:
        self.replaces += 1
        raise StoreError("read-only medium")


def test_failed_compaction_is_retried_later_and_serving_goes_on(caplog):
    store = NoReplaceStore()

    async def main():
        async with running_server(store=store, compact_threshold=3) as server:
            alice = await Client.connect(url(server, "r"))
            bob = await Client.connect(url(server, "r"))
            await wait_until(lambda: alice.protocol.synced and bob.protocol.synced)
            for i in range(8):
                await alice.edit(insert(i, "z"))
            await wait_until(lambda: bob.text == "z" * 8)
            assert len(store.read("r")) == 8
            await alice.close()
            await bob.close()

    run(main())
    assert store.replaces == 3  # at records 4 and 8, and once more at stop()
    assert "compaction failed" in caplog.text


def test_serve_forever_stops_when_cancelled():
    async def main():
        server = WebsocketServer("127.0.0.1", 0, store=MemoryStore())
        task = asyncio.create_task(server.serve_forever())
        await wait_until(lambda: server.port != 0)
        client = await Client.connect(url(server, "r"))
        await wait_until(lambda: client.protocol.synced)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await client.closed() == (1001, "")
        assert not server.rooms and server.store.closed
        with pytest.raises(RuntimeError):
            await server.start()

    run(main())


@pytest.mark.parametrize(
    "module",
    [
        "crdtcore.asyncio",
        "crdtcore.asyncio._limits",
        "crdtcore.asyncio._room",
        "crdtcore.asyncio.server",
        "crdtcore.asyncio._cli",
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
    assert result.attempted > 0


def test_each_connection_is_logged_once_at_info(caplog):
    async def main():
        async with running_server() as server:
            client = await Client.connect(url(server, "room"))
            await wait_until(lambda: client.protocol.synced)
            await client.close()
            await wait_until(lambda: "disconnected 'room'" in caplog.text)

    with caplog.at_level(logging.DEBUG):
        run(main())
    info = [r for r in caplog.records if r.levelno == logging.INFO]
    messages = [r.getMessage() for r in info]
    opened = [m for m in messages if m.startswith("connected ") or "connection open" in m]
    closed = [m for m in messages if m.startswith("disconnected ") or "connection closed" in m]
    listening = [m for m in messages if "listening" in m]
    assert len(opened) == 1 and opened[0].startswith("connected 'room' from 127.0.0.1:")
    assert len(closed) == 1 and closed[0].startswith("disconnected 'room'")
    assert listening == [f"listening on ws://127.0.0.1:{listening[0].rsplit(':', 1)[1]}"]
    assert not [r.name for r in info if r.name.startswith("websockets")]
    # websockets' own lines are still there for whoever turns on DEBUG
    debug = [(r.name, r.getMessage()) for r in caplog.records if r.levelno == logging.DEBUG]
    assert ("websockets.server", "connection open") in debug
