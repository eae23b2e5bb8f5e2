"""WebsocketServer access control: the authorize hook, read-only and denied connections."""

from __future__ import annotations

import asyncio

import pytest
from test_server_helpers import Client, insert, run, running_server, text_doc, url, wait_until

from crdtcore import Doc, Text
from crdtcore.asyncio import ConnectionRequest
from crdtcore.sync import PermissionDenied, WriteDropped


def by_token(room: str, request: ConnectionRequest) -> str | None:
    """Writers send ?token=w, viewers ?token=r; anybody else is denied."""
    return {"w": "rw", "r": "r"}.get(request.query.get("token", ""))


def test_read_only_connections_receive_everything_and_their_writes_are_dropped():
    async def main():
        async with running_server(authorize=by_token) as server:
            writer = await Client.connect(url(server, "doc?token=w"), doc=text_doc("base"))
            viewer = await Client.connect(url(server, "doc?token=r"), doc=text_doc("mine"))
            await wait_until(lambda: writer.protocol.synced and viewer.protocol.synced)
            room = server.rooms["doc"]
            await wait_until(lambda: viewer.text.count("base") == 1)
            assert str(room.doc.get("t", type=Text)) == "base"  # the viewer's step2 dropped

            await viewer.edit(insert(0, "V"))
            await writer.edit(insert(0, "W"))
            await wait_until(lambda: "W" in viewer.text)
            [protocol] = [p.protocol for p in room.peers if p.protocol.read_only]
            await wait_until(lambda: protocol.stats.writes_dropped == 2)  # step2 and update
            assert str(room.doc.get("t", type=Text)) == "Wbase"
            assert writer.text == "Wbase"
            assert viewer.is_open

            # the viewer's presence is still relayed
            viewer.awareness.set_local_state({"role": "viewer"})
            await viewer.send_pending()
            await wait_until(lambda: viewer.doc.client_id in writer.awareness.states)
            await writer.close()
            await viewer.close()

    run(main())


def test_denied_connections_get_permission_denied_then_1008():
    async def main():
        async with running_server(authorize=by_token) as server:
            intruder = await Client.connect(url(server, "doc?token=nope"))
            code, reason = await intruder.closed()
            assert (code, reason) == (1008, "permission denied")
            assert intruder.events == [PermissionDenied("permission denied")]
            assert "doc" not in server.rooms  # never loaded for a denied client

    run(main())


def test_async_authorize_sees_path_query_and_headers():
    seen: list[ConnectionRequest] = []

    async def authorize(room: str, request: ConnectionRequest) -> str | None:
        await asyncio.sleep(0)
        seen.append(request)
        return "rw" if request.headers.get("authorization") == "Bearer s3cret" else None

    async def main():
        async with running_server(authorize=authorize) as server:
            ok = await Client.connect(
                url(server, "a/b?x=1&x=2&y="),
                additional_headers={"Authorization": "Bearer s3cret"},
            )
            await wait_until(lambda: ok.protocol.synced)
            denied = await Client.connect(url(server, "a/b"))
            assert (await denied.closed())[0] == 1008
            await ok.close()
        request = seen[0]
        assert request.room == "a/b"
        assert request.path == "/a/b?x=1&x=2&y="
        assert dict(request.query) == {"x": "2", "y": ""}
        assert request.remote_address[0] == "127.0.0.1"

    run(main())


@pytest.mark.parametrize("answer", ["write", True])
def test_a_bad_authorize_answer_closes_with_1011(answer):
    async def main():
        async with running_server(authorize=lambda room, request: answer) as server:
            client = await Client.connect(url(server, "doc"))
            assert await client.closed() == (1011, "authorization failed")

    run(main())


def test_an_authorize_exception_closes_only_that_connection():
    def authorize(room: str, request: ConnectionRequest) -> str:
        if "boom" in request.query:
            raise RuntimeError("hook failed")
        return "rw"

    async def main():
        async with running_server(authorize=authorize) as server:
            good = await Client.connect(url(server, "doc"), doc=Doc())
            bad = await Client.connect(url(server, "doc?boom"))
            assert (await bad.closed())[0] == 1011
            await good.edit(insert(0, "still fine"))
            await wait_until(lambda: str(server.rooms["doc"].doc.get("t", type=Text)) != "")
            assert good.is_open
            await good.close()

    run(main())


def test_write_dropped_event_names_the_message_kind():
    async def main():
        async with running_server(authorize=lambda room, request: "r") as server:
            viewer = await Client.connect(url(server, "doc"), doc=Doc())
            await wait_until(lambda: viewer.protocol.synced)
            await viewer.edit(insert(0, "x"))
            room = server.rooms["doc"]
            [peer] = room.peers
            await wait_until(lambda: peer.protocol.stats.writes_dropped == 2)
            assert str(room.doc.get("t", type=Text)) == ""
            assert not any(isinstance(e, WriteDropped) for e in viewer.events)  # server-side
            await viewer.close()

    run(main())
