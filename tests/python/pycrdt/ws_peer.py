"""One side of a pycrdt-websocket exchange, run as a subprocess by test_pycrdt_libraries.py.

    python ws_peer.py server crdtcore|pycrdt
        Serves pycrdt-websocket's WebsocketServer on 127.0.0.1 (a free port, printed as
        ``PORT <n>``). When the room "/room" holds the text "hello from the client", the
        server appends " and the server" to it in the room's document, prints
        ``SERVER <text>`` once the client's "done" flag arrives, and exits.
    python ws_peer.py client crdtcore|pycrdt PORT
        Connects pycrdt's Provider to ws://127.0.0.1:PORT/room, types the text, waits for
        the server's addition, sets the "done" flag, prints ``CLIENT <text>`` and exits.

``crdtcore`` runs the side on crdtcore.pycrdt (after ``install()``), ``pycrdt`` on the
real pycrdt. The WebSocket connections are the ``websockets`` library's, wrapped in
crdtcore's WebsocketChannel (a Channel needs no CRDT: the same class serves both sides).
"""

from __future__ import annotations

import sys

if sys.argv[2] == "crdtcore":
    import crdtcore.pycrdt

    crdtcore.pycrdt.install()

import anyio
import pycrdt
from pycrdt import Doc, Map, Provider, Text
from pycrdt.websocket import WebsocketServer
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from crdtcore.asyncio import WebsocketChannel

CLIENT_TEXT = "hello from the client"
SERVER_TEXT = " and the server"
TIMEOUT = 20


async def run_server() -> None:
    async with WebsocketServer(auto_clean_rooms=False) as server:
        room = await server.get_room("/room")
        text = room.ydoc.get("text", type=Text)
        flags = room.ydoc.get("flags", type=Map)

        async def handler(connection) -> None:
            await server.serve(WebsocketChannel(connection))

        async with serve(handler, "127.0.0.1", 0) as ws_server:
            port = ws_server.sockets[0].getsockname()[1]
            print(f"PORT {port}", flush=True)
            with anyio.fail_after(TIMEOUT):
                # Polling rather than an observer: the same loop runs on both libraries.
                while str(text) != CLIENT_TEXT:
                    await anyio.sleep(0.01)
                text += SERVER_TEXT
                while not flags.get("done"):
                    await anyio.sleep(0.01)
            print(f"SERVER {type(room.ydoc).__module__} {text}", flush=True)


async def run_client(port: int) -> None:
    doc = Doc()
    text = doc.get("text", type=Text)
    flags = doc.get("flags", type=Map)
    url = f"ws://127.0.0.1:{port}/room"
    async with connect(url) as connection, Provider(doc, WebsocketChannel(connection)):
        with anyio.fail_after(TIMEOUT):
            text += CLIENT_TEXT
            while str(text) != CLIENT_TEXT + SERVER_TEXT:
                await anyio.sleep(0.01)
            flags["done"] = True
            await anyio.sleep(0.2)  # let the provider send the flag
    print(f"CLIENT {pycrdt.__name__} {text}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        anyio.run(run_server)
    else:
        anyio.run(run_client, int(sys.argv[3]))
