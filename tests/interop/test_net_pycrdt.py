"""crdtcore's networking against pycrdt and pycrdt-websocket (PyPI), on loopback.

* pycrdt documents with pycrdt's ``Provider`` (over pycrdt-websocket's client channel
  ``HttpxWebsocket``, and over crdtcore's ``WebsocketChannel``) sync with crdtcore clients
  through crdtcore's ``WebsocketServer``;
* crdtcore's ``WebsocketProvider`` syncs through pycrdt-websocket's ``WebsocketServer``
  (served by ``websockets`` through crdtcore's ``WebsocketChannel``), with pycrdt clients,
  offline edits and awareness.

Every replica, the server's included, must converge. Servers run in the test's event loop;
``python -m crdtcore serve`` as a process is covered by test_net_yjs.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from test_net_helpers import eventually, run

pytest.importorskip("websockets")
pycrdt = pytest.importorskip("pycrdt")
pycrdt_websocket = pytest.importorskip("pycrdt.websocket")
HttpxWebsocket = pytest.importorskip("pycrdt.websocket.websocket").HttpxWebsocket

from websockets.asyncio.client import connect  # noqa: E402
from websockets.asyncio.server import ServerConnection, serve  # noqa: E402

from crdtcore import Doc, Map, Text  # noqa: E402
from crdtcore.asyncio import WebsocketChannel, WebsocketProvider, WebsocketServer  # noqa: E402
from crdtcore.sync import Awareness  # noqa: E402

BACKOFF = (0.05, 0.3)


class _HttpxShim:
    """The two methods pycrdt-websocket's ``HttpxWebsocket`` calls on an httpx-ws session,
    over a websockets client connection (httpx-ws is not a dependency)."""

    def __init__(self, websocket: Any) -> None:
        self._websocket = websocket

    async def send_bytes(self, data: bytes) -> None:
        await self._websocket.send(data)

    async def receive_bytes(self) -> bytes:
        return await self._websocket.recv(decode=False)


@asynccontextmanager
async def pycrdt_client(url: str, doc: Any, *, channel: str) -> AsyncIterator[Any]:
    """pycrdt's Provider on ``doc``, over pycrdt-websocket's client channel ("httpx") or
    crdtcore's WebsocketChannel ("crdtcore"); yields once synced."""
    async with connect(url) as websocket:
        if channel == "httpx":
            transport = HttpxWebsocket(_HttpxShim(websocket), url)
        else:
            transport = WebsocketChannel(websocket)
        async with pycrdt.Provider(doc, transport) as provider:
            await provider.synced.wait()
            yield provider


@asynccontextmanager
async def pycrdt_websocket_server() -> AsyncIterator[tuple[str, Any]]:
    """pycrdt-websocket's WebsocketServer behind a websockets server on a free port."""
    rooms = pycrdt_websocket.WebsocketServer(
        auto_clean_rooms=False, exception_handler=pycrdt_websocket.exception_logger
    )

    async def handler(websocket: ServerConnection) -> None:
        await rooms.serve(WebsocketChannel(websocket))

    async with rooms, serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}", rooms


def pdoc() -> Any:
    doc = pycrdt.Doc()
    doc["text"] = pycrdt.Text()
    doc["map"] = pycrdt.Map()
    return doc


def cdoc(client_id: int) -> Doc:
    return Doc({"text": Text(), "map": Map()}, client_id=client_id)


def content(doc: Any) -> tuple[str, dict[str, Any]]:
    """(text, map) of a crdtcore or pycrdt document (map values are strings here)."""
    if isinstance(doc, Doc):
        return str(doc.get("text", type=Text)), doc.get("map", type=Map).to_py()
    return str(doc.get("text", type=pycrdt.Text)), doc.get("map", type=pycrdt.Map).to_py()


def edit(doc: Any, tag: str) -> None:
    """Inserts ``[tag]`` at the start of the text and sets map[tag] (crdtcore or pycrdt)."""
    kinds = (Text, Map) if isinstance(doc, Doc) else (pycrdt.Text, pycrdt.Map)
    with doc.transaction():
        doc.get("text", type=kinds[0]).insert(0, f"[{tag}]")
        doc.get("map", type=kinds[1])[tag] = tag


async def converge(docs: dict[str, Any], tags: list[str], timeout: float = 10) -> None:
    """Waits until every document holds exactly the edits ``tags`` and all are equal."""
    deadline = time.monotonic() + timeout
    while True:
        views = {name: content(doc) for name, doc in docs.items()}
        first = next(iter(views.values()))
        same = all(view == first for view in views.values())
        if same and all(first[0].count(f"[{t}]") == 1 for t in tags) and set(first[1]) == set(tags):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"no convergence within {timeout}s: {views}")
        await asyncio.sleep(0.05)


def test_pycrdt_clients_sync_through_crdtcore_server() -> None:
    """pycrdt Providers (two channels) and a crdtcore client edit concurrently; the server's
    document and every client converge."""
    docs: dict[str, Any] = {"httpx": pdoc(), "channel": pdoc(), "crdtcore": cdoc(11)}
    tags: list[str] = []

    async def scenario() -> None:
        async with WebsocketServer("127.0.0.1", 0) as server:
            url = f"ws://127.0.0.1:{server.port}/common"
            edit(docs["httpx"], "before-connect")
            tags.append("before-connect")
            async with (
                pycrdt_client(url, docs["httpx"], channel="httpx"),
                pycrdt_client(url, docs["channel"], channel="crdtcore"),
                WebsocketProvider(docs["crdtcore"], url, backoff=BACKOFF) as provider,
            ):
                await provider.synced
                for round_ in range(3):
                    for name, doc in docs.items():
                        edit(doc, f"{name}-{round_}")
                        tags.append(f"{name}-{round_}")
                    await asyncio.sleep(0)
                docs["server"] = server.rooms["common"].doc
                await converge(docs, tags)

    run(scenario)


def test_crdtcore_clients_sync_through_pycrdt_websocket_server() -> None:
    """crdtcore clients (one going offline and back) and a pycrdt client converge through
    pycrdt-websocket's server."""
    docs: dict[str, Any] = {"a": cdoc(21), "b": cdoc(22), "pycrdt": pdoc()}
    tags: list[str] = []

    def edit_all(names: tuple[str, ...], label: str) -> None:
        for name in names:
            edit(docs[name], f"{name}-{label}")
            tags.append(f"{name}-{label}")

    async def scenario() -> None:
        async with pycrdt_websocket_server() as (base, rooms):
            url = f"{base}/room"
            # One at a time: pycrdt-websocket 0.16 can hang a connection that arrives while
            # the room is still starting for another one.
            async with AsyncExitStack() as stack:
                a = await stack.enter_async_context(
                    WebsocketProvider(docs["a"], url, backoff=BACKOFF)
                )
                await a.synced
                b = await stack.enter_async_context(
                    WebsocketProvider(docs["b"], url, backoff=BACKOFF)
                )
                await b.synced
                await stack.enter_async_context(
                    pycrdt_client(url, docs["pycrdt"], channel="crdtcore")
                )
                edit_all(("a", "b", "pycrdt"), "online")
                await converge(docs, tags)
                await a.disconnect()
                edit_all(("a", "b", "pycrdt"), "while-a-offline")
                await converge({"b": docs["b"], "pycrdt": docs["pycrdt"]}, [*tags[:3], *tags[4:]])
                assert "[a-while-a-offline]" not in content(docs["b"])[0]
                a.connect()
                await a.synced
                docs["server"] = rooms.rooms["/room"].ydoc
                await converge(docs, tags)
                assert a.connections == 2

    run(scenario)


def test_awareness_through_pycrdt_websocket_server() -> None:
    """Two crdtcore clients see each other's awareness states through pycrdt-websocket."""
    docs = [cdoc(31), cdoc(32)]
    awareness = [Awareness(doc, now=time.time() * 1000) for doc in docs]
    for i, aw in enumerate(awareness):
        aw.set_local_state({"user": f"u{i}"})

    async def sees(i: int, client: int, state: Any) -> None:
        async def check() -> Any:
            return awareness[i].states.get(client) == state or dict(awareness[i].states)

        await eventually(check, f"client {i} seeing {client}: {state}")

    async def scenario() -> None:
        async with pycrdt_websocket_server() as (base, _):
            url = f"{base}/presence"
            async with WebsocketProvider(docs[0], url, awareness[0], backoff=BACKOFF) as first:
                await first.synced  # the room is started before the second connection
                async with WebsocketProvider(docs[1], url, awareness[1], backoff=BACKOFF):
                    await sees(0, 32, {"user": "u1"})  # sent when it connected
                    # pycrdt-websocket does not send the states it knows to a new client (as
                    # y-websocket's server does): the second client hears the first one's next
                    # change
                    awareness[0].set_local_state({"user": "u0", "cursor": 1})
                    await sees(1, 31, {"user": "u0", "cursor": 1})
                    awareness[1].set_local_state({"user": "u1", "cursor": 3})
                    await sees(0, 32, {"user": "u1", "cursor": 3})
                await sees(0, 32, None)  # the graceful exit announced the departure
                assert first.synced.is_set()

    run(scenario)
