"""WebsocketServer limits and bad input: each closes only the offending connection."""

from __future__ import annotations

import pytest
from test_server_helpers import Client, insert, run, running_server, text_doc, url, wait_until

from crdtcore import Doc, Text
from crdtcore.asyncio import Limits, RateLimiter
from crdtcore.store import MemoryStore, StoreError
from crdtcore.sync import QueryAwareness, Update, write_var_uint

VALID_UPDATE = text_doc("x" * 800).get_update()

BAD_FRAMES = {
    "empty": b"",
    "garbage": b"\xff\xff\xff\xff",
    "unknown type": b"\x07\x00",
    "unknown sync type": b"\x00\x05\x00",
    "truncated": Update(VALID_UPDATE).encode()[:-5],
    "2^40 length field": b"\x00\x02" + write_var_uint(2**40) + b"abc",
    "malformed update": Update(b"\x01\x01\x05\x00\x99\x99").encode(),
    "bad awareness json": b"\x01\x06\x01\x05\x01\x02{x",
    "trailing junk after a valid message": QueryAwareness().encode() + b"\x00",
}


async def room_with_a_good_client(server, room="doc"):
    good = await Client.connect(url(server, room), doc=text_doc("good"))
    await wait_until(lambda: good.protocol.synced)
    return good


async def assert_good_client_still_served(server, good, room="doc"):
    await good.edit(insert(0, ">"))
    await wait_until(lambda: str(server.rooms[room].doc.get("t", type=Text)).startswith(">"))
    assert good.is_open


@pytest.mark.parametrize("name", sorted(BAD_FRAMES))
def test_a_malformed_frame_closes_only_that_connection(name):
    async def main():
        async with running_server() as server:
            good = await room_with_a_good_client(server)
            before = server.rooms["doc"].doc.get_update()
            bad = await Client.connect(url(server, "doc"), start=False)
            await bad.ws.send(BAD_FRAMES[name])
            code, reason = await bad.closed()
            assert code == 1008
            assert reason.startswith("malformed message")
            assert len(reason.encode()) <= 123
            assert server.rooms["doc"].doc.get_update() == before
            await assert_good_client_still_served(server, good)
            await good.close()

    run(main())


def test_text_frames_are_refused_with_1003():
    async def main():
        async with running_server() as server:
            good = await room_with_a_good_client(server)
            bad = await Client.connect(url(server, "doc"), start=False)
            await bad.ws.send("hello")
            assert await bad.closed() == (1003, "text frames are not supported")
            await assert_good_client_still_served(server, good)
            await good.close()

    run(main())


def test_an_oversize_message_closes_with_1009():
    async def main():
        async with running_server(limits=Limits(max_message_size=1000)) as server:
            good = await room_with_a_good_client(server)
            bad = await Client.connect(url(server, "doc"), start=False)
            await bad.ws.send(Update(VALID_UPDATE).encode() * 2)
            code, _ = await bad.closed()
            assert code == 1009
            await assert_good_client_still_served(server, good)
            await good.close()

    run(main())


def test_max_rooms_refuses_new_rooms_unless_an_idle_one_can_go():
    async def main():
        async with running_server(limits=Limits(max_rooms=1), idle_timeout=None) as server:
            first = await room_with_a_good_client(server, "a")
            refused = await Client.connect(url(server, "b"))
            code, reason = await refused.closed()
            assert code == 1013
            assert "too many rooms" in reason and "1" in reason
            assert list(server.rooms) == ["a"]

            await first.close()
            await wait_until(lambda: not server.rooms["a"].peers)
            second = await room_with_a_good_client(server, "b")  # "a" was idle: unloaded
            assert list(server.rooms) == ["b"]
            again = await Client.connect(url(server, "a"))  # "b" is busy: refused
            assert (await again.closed())[0] == 1013
            await second.close()

    run(main())


def test_frame_rate_limit_closes_the_flooder_only():
    limits = Limits(max_frames_per_second=5, frame_burst=5)

    async def main():
        async with running_server(limits=limits) as server:
            good = await room_with_a_good_client(server)
            flooder = await Client.connect(url(server, "doc"), start=False)
            for _ in range(10):
                await flooder.ws.send(QueryAwareness().encode())
            code, reason = await flooder.closed()
            assert (code, reason) == (1008, "rate limit exceeded: more than 5 frames/s")
            await assert_good_client_still_served(server, good)
            await good.close()

    run(main())


def test_byte_rate_limit_closes_the_flooder_only():
    limits = Limits(max_bytes_per_second=1000, byte_burst=2000)
    frame = Update(VALID_UPDATE).encode()  # about 820 bytes, valid (and idempotent)

    async def main():
        async with running_server(limits=limits) as server:
            good = await room_with_a_good_client(server)
            flooder = await Client.connect(url(server, "doc"), start=False)
            for _ in range(3):
                await flooder.ws.send(frame)
            code, reason = await flooder.closed()
            assert (code, reason) == (1008, "rate limit exceeded: more than 1000 bytes/s")
            await assert_good_client_still_served(server, good)
            await good.close()

    run(main())


def test_a_reader_that_falls_behind_is_closed_with_1013():
    async def main():
        async with running_server(limits=Limits(max_send_queue=1000)) as server:
            slow = await room_with_a_good_client(server)
            server.rooms["doc"].doc.get("t", type=Text).insert(0, "y" * 5000)  # one 5 kB update
            code, reason = await slow.closed()
            assert code == 1013
            assert "send queue overflow" in reason

    run(main())


class FlakyStore(MemoryStore):
    """A MemoryStore whose appends fail while ``broken`` is set."""

    broken = False

    def _append(self, room: str, data: bytes) -> int:
        if self.broken:
            raise StoreError("disk full")
        return super()._append(room, data)


def test_a_store_failure_closes_the_room_and_sends_nothing_unstored():
    store = FlakyStore()

    async def main():
        async with running_server(store=store) as server:
            alice = await room_with_a_good_client(server)
            bob = await Client.connect(url(server, "doc"), doc=Doc())
            await wait_until(lambda: bob.text == "good")
            room = server.rooms["doc"]
            store.broken = True
            await alice.edit(insert(0, "lost? "))
            assert await alice.closed() == (1011, "storage failure")
            assert await bob.closed() == (1011, "storage failure")
            assert bob.text == "good"  # the unstored edit never left the server
            assert "doc" not in server.rooms and room.closed

            store.broken = False
            carol = await Client.connect(url(server, "doc"), doc=Doc())
            await wait_until(lambda: carol.protocol.synced)
            assert carol.text == "good"
            back = await Client.connect(url(server, "doc"), doc=alice.doc)  # alice reconnects
            await wait_until(lambda: carol.text == "lost? good")
            await back.close()
            await carol.close()

    run(main())


def test_an_invalid_room_name_is_refused_with_1008():
    async def main():
        async with running_server() as server:
            client = await Client.connect(url(server, ""))
            code, reason = await client.closed()
            assert code == 1008
            assert reason.startswith("invalid room name")
            assert not server.rooms

    run(main())


def test_rate_limiter_buckets_refill_with_time():
    limiter = RateLimiter(
        Limits(max_frames_per_second=2, frame_burst=2, max_bytes_per_second=100, byte_burst=150),
        now=10.0,
    )
    assert limiter.check(100, now=10.0) is None
    assert limiter.check(60, now=10.0) == "rate limit exceeded: more than 100 bytes/s"
    assert limiter.check(10, now=10.5) is None  # 50 bytes and 1 frame came back
    assert limiter.check(1, now=10.5) == "rate limit exceeded: more than 2 frames/s"
    assert limiter.check(150, now=20.0) is None  # both buckets full again, not beyond
    unlimited = RateLimiter(Limits(max_frames_per_second=None, max_bytes_per_second=None), now=0)
    assert all(unlimited.check(10**9, now=0.0) is None for _ in range(10_000))


@pytest.mark.parametrize(
    "options",
    [{"max_rooms": 0}, {"max_message_size": -1}, {"frame_burst": 0}, {"max_bytes_per_second": 0}],
)
def test_limits_reject_nonsense(options):
    with pytest.raises(ValueError):
        Limits(**options)
