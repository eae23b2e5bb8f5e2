"""Hostile clients against a real ``crdtcore serve`` process under load (issue 5 §4).

While two honest clients (WebsocketProvider) keep editing one room, attackers send garbage,
truncated messages and updates whose length fields claim 2^40, an oversize message and a
flood of frames, hold slowloris connections that never finish their opening handshake and
one that never reads, and open and drop connections by the hundred. Every attacker must
get the close code its offence deserves, the honest clients must never be disconnected and
must keep receiving each other's edits during the attack, everything must converge, and the
server process must stay up, serve a new client afterwards and shut down cleanly.
test_server_limits.py checks each limit alone, in process; this is the same under load,
all at once, over real sockets to a real server process.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import random
import signal
import socket

from test_reliability_helpers import Editor, wait_converged, wait_until
from test_server_cli import start_serve
from test_server_helpers import Client, run
from test_server_limits import BAD_FRAMES
from websockets.exceptions import ConnectionClosed

from crdtcore.sync import QueryAwareness, SyncStep1, Update, write_var_uint

MAX_MESSAGE = 1 << 20
OPEN_TIMEOUT = 10.0  # websockets' default for the opening handshake
HUGE = write_var_uint(2**40)

HUGE_LENGTH_FRAMES = {
    # A message whose length field is right, around a payload whose own fields claim 2^40.
    "update: 2^40 clients": Update(HUGE).encode(),
    "update: 2^40 structs": Update(b"\x01" + HUGE + b"\x07\x00").encode(),
    "update: 2^40-char string": Update(b"\x01\x01\x07\x00\x04\x01\x01t" + HUGE + b"abc").encode(),
    "update: 2^40 delete ranges": Update(b"\x00\x01\x07" + HUGE + b"\x00\x01").encode(),
    "state vector: 2^40 entries": SyncStep1(HUGE + b"\x01\x01").encode(),
    "awareness: 2^40 entries": b"\x01" + write_var_uint(len(HUGE) + 2) + HUGE + b"\x01\x01",
}


def garbage_frames(count: int, seed: int = 5) -> list[bytes]:
    """Random frames that cannot be y-protocols messages (the type field is 4 or more)."""
    rng = random.Random(seed)
    return [
        bytes([rng.randrange(4, 256)]) + rng.randbytes(rng.randrange(0, 64)) for _ in range(count)
    ]


async def send_bad_frame(address: str, frame: bytes) -> tuple[int | None, str | None]:
    """Connects, sends ``frame`` and returns the close code and reason the server chose."""
    bad = await Client.connect(address, start=False)
    await bad.ws.send(frame)
    return await bad.closed()


async def flood(address: str, frames: int = 5000) -> tuple[int | None, str | None]:
    """Sends up to ``frames`` frames as fast as the connection takes them (reading what comes
    back); returns the close code and reason the server chose.

    The server stops reading a connection it closes, so the flood still queued behind the
    close, and the client's answering close frame, stay unread: the close completes after
    websockets' close_timeout (10 s), not at once.
    """
    flooder = await Client.connect(address, start=False)
    frame = QueryAwareness().encode()
    with contextlib.suppress(ConnectionClosed):
        for _ in range(frames):
            await flooder.ws.send(frame)
    await asyncio.wait_for(flooder.ws.wait_closed(), 20)
    return flooder.ws.close_code, flooder.ws.close_reason


async def slowloris(port: int) -> bool:
    """Trickles an opening handshake, one byte every 0.2 s, and never finishes it; returns
    True once the server hangs up (it must: websockets' open_timeout)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = b"GET /hostile HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    try:
        for byte in request:
            writer.write(bytes([byte]))
            with contextlib.suppress(TimeoutError):
                if await asyncio.wait_for(reader.read(1024), 0.2) == b"":
                    return True
        return await reader.read(1024) == b""
    except ConnectionError:
        return True
    finally:
        writer.close()


async def never_reader(port: int) -> asyncio.StreamWriter:
    """Completes a WebSocket handshake into the honest room, then never reads again (a
    tiny receive buffer, so the server's writes back up)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    key = base64.b64encode(random.Random(1).randbytes(16)).decode()
    headers = ["GET /hostile HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket"]
    headers += ["Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    writer.write(("\r\n".join(headers) + "\r\n\r\n").encode())
    response = await reader.readuntil(b"\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 101"), response
    return writer


async def churn(port: int, count: int = 120) -> int:
    """Opens ``count`` connections over ten rooms, ten at a time; each sends SyncStep1 and
    goes, half with a clean close, half by resetting the TCP connection. Returns how many
    connections the server accepted."""
    accepted = 0

    async def one(i: int) -> None:
        nonlocal accepted
        client = await Client.connect(f"ws://127.0.0.1:{port}/churn-{i % 10}")
        accepted += 1
        if i % 2:
            client.ws.transport.abort()
        await client.close()

    for start in range(0, count, 10):
        await asyncio.gather(*(one(i) for i in range(start, start + 10)))
    return accepted


def test_hostile_clients_under_load_leave_the_server_and_the_honest_clients_alone(tmp_path):
    options = ("--store", str(tmp_path / "data.sqlite"), "--max-message-size", str(MAX_MESSAGE))
    options += ("--idle-timeout", "0.5")  # the churn rooms load and unload all the time

    async def scenario():
        server, port = await start_serve(tmp_path / "serve.log", *options)
        address = f"ws://127.0.0.1:{port}/hostile"
        honest = [Editor(address, seed) for seed in (1, 2)]
        for editor in honest:
            editor.provider.connect()
        await wait_until(lambda: all(e.synced for e in honest), 10, "honest sync")
        for editor in honest:
            editor.start_editing(0.02)

        slow = [asyncio.create_task(slowloris(port)) for _ in range(20)]
        deaf = await never_reader(port)
        received_before = [len(editor.received) for editor in honest]
        malformed = [*BAD_FRAMES.values(), *HUGE_LENGTH_FRAMES.values(), *garbage_frames(40)]
        results = await asyncio.gather(
            *(send_bad_frame(address, frame) for frame in malformed),
            send_bad_frame(address, Update(b"\x00" * (MAX_MESSAGE + 1)).encode()),
            flood(address),
            churn(port),
        )
        *bad_closes, oversize, flooded, accepted = results
        assert [code for code, _ in bad_closes] == [1008] * len(malformed)
        assert all(reason.startswith("malformed message") for _, reason in bad_closes)
        assert oversize[0] == 1009
        assert flooded[0] == 1008 and flooded[1].startswith("rate limit exceeded")
        assert accepted == 120
        # The honest clients kept hearing each other during the attack.
        assert all(len(e.received) > n + 20 for e, n in zip(honest, received_before, strict=True))

        await wait_until(lambda: all(task.done() for task in slow), OPEN_TIMEOUT + 5, "slowloris")
        assert all(task.result() for task in slow)  # the server hung up on every one

        for editor in honest:
            await editor.stop_editing()
        fresh = Editor(address, 3)
        fresh.provider.connect()
        await wait_until(lambda: fresh.synced, 10, "a new client after the attack")
        await wait_converged([fresh.doc, *(editor.doc for editor in honest)])
        assert all(editor.provider.connections == 1 for editor in honest)
        assert server.returncode is None
        for editor in [*honest, fresh]:
            await editor.close()
        deaf.close()
        server.send_signal(signal.SIGTERM)
        assert await server.wait() == 0

    run(scenario(), timeout=30)
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log and " ERROR " not in log
