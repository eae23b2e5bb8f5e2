"""``python -m crdtcore serve``: a real server process, SIGKILL durability, SIGTERM shutdown."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_server_helpers import Client, insert, run, wait_until

from crdtcore.__main__ import main
from crdtcore.asyncio import WebsocketServer
from crdtcore.asyncio._cli import open_store_kind
from crdtcore.store import FileStore, MemoryStore, SqliteStore

LISTENING = re.compile(r"listening on ws://127\.0\.0\.1:(\d+)")


async def start_serve(log: Path, *args: str) -> tuple[asyncio.subprocess.Process, int]:
    """Starts ``python -m crdtcore serve --port 0 ARGS``; returns the process and its port."""
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "crdtcore", "serve", "--port", "0", *args, stderr=sink
        )
    deadline = time.monotonic() + 20
    while (match := LISTENING.search(log.read_text())) is None:
        if process.returncode is not None or time.monotonic() > deadline:
            process.kill()
            await process.wait()
            raise AssertionError(f"server did not start:\n{log.read_text()}")
        await asyncio.sleep(0.02)
    return process, int(match.group(1))


def test_sigkill_loses_nothing_a_client_saw_and_sigterm_shuts_down(tmp_path):
    store = tmp_path / "data.sqlite"

    async def scenario():
        server, port = await start_serve(tmp_path / "1.log", "--store", str(store))
        address = f"ws://127.0.0.1:{port}/notes"
        alice = await Client.connect(address)
        bob = await Client.connect(address)
        await wait_until(lambda: alice.protocol.synced and bob.protocol.synced)
        for i in range(10):
            await alice.edit(insert(i, "k"))
        await wait_until(lambda: bob.text == "k" * 10)
        server.kill()  # SIGKILL: no shutdown code runs
        assert await server.wait() == -signal.SIGKILL
        await bob.closed()
        await alice.closed()

        server, port = await start_serve(tmp_path / "2.log", "--store", str(store))
        carol = await Client.connect(f"ws://127.0.0.1:{port}/notes")
        await wait_until(lambda: carol.protocol.synced)
        assert carol.text == "k" * 10  # everything bob was sent survived the kill
        await carol.close()
        server.send_signal(signal.SIGTERM)
        assert await server.wait() == 0

    run(scenario(), timeout=60)
    log = (tmp_path / "2.log").read_text()
    assert "room 'notes' loaded (10 records)" in log
    assert "stopped" in log
    with SqliteStore(store) as reopened:
        assert len(reopened.read("notes")) == 1  # the graceful stop compacted the room


def test_serve_reports_a_busy_port(caplog):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["serve", "--port", str(port), "--store-kind", "memory"])
    assert status == 1
    assert "cannot listen" in caplog.text


@pytest.mark.parametrize("kind", ["sqlite", "file"])
def test_serve_creates_no_store_when_the_port_is_busy(tmp_path, kind):
    store = tmp_path / ("rooms" if kind == "file" else "data.sqlite")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        command = [sys.executable, "-m", "crdtcore", "serve", "--port", str(port)]
        command += ["--store-kind", kind, "--store", str(store)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "address already in use" in result.stderr.lower()
    assert list(tmp_path.iterdir()) == []  # no database, directory, journal or lock file


def test_a_server_with_a_store_factory_opens_it_once_listening(tmp_path):
    opened: list[int] = []

    def factory() -> SqliteStore:
        opened.append(server.port)  # bound already: the real port, not 0
        return SqliteStore(tmp_path / "db.sqlite")

    async def scenario():
        with pytest.raises(RuntimeError, match="opened by start"):
            server.store  # noqa: B018
        await server.start()
        assert isinstance(server.store, SqliteStore) and opened == [server.port] != [0]
        await server.stop()

    server = WebsocketServer("127.0.0.1", 0, store_factory=factory)
    run(scenario())
    with pytest.raises(ValueError, match="not both"):
        WebsocketServer(store=MemoryStore(), store_factory=MemoryStore)


def test_a_failing_store_factory_releases_the_port():
    def factory() -> MemoryStore:
        raise OSError("disk on fire")

    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario():
        server = WebsocketServer("127.0.0.1", port, store_factory=factory)
        with pytest.raises(OSError, match="disk on fire"):
            await server.start()
        again = WebsocketServer("127.0.0.1", port)  # the failed start left the port free
        await again.start()
        assert again.port == port
        await again.stop()

    run(scenario())


def test_serve_reports_an_unusable_store(tmp_path, caplog):
    not_a_database = tmp_path / "junk.sqlite"
    not_a_database.write_bytes(b"this is not an SQLite file" * 100)
    assert main(["serve", "--port", "0", "--store", str(not_a_database)]) == 1
    assert "cannot open the store" in caplog.text


@pytest.mark.parametrize(
    ("kind", "cls"), [("memory", MemoryStore), ("file", FileStore), ("sqlite", SqliteStore)]
)
def test_store_kinds(tmp_path, kind, cls):
    location = tmp_path / ("dir" if kind == "file" else "db.sqlite")
    store = open_store_kind(kind, str(location))
    try:
        assert type(store) is cls
        assert store.append("r", b"x") == 1
    finally:
        store.close()


def test_serve_options_reach_the_parser():
    with pytest.raises(SystemExit):
        main(["serve", "--max-rooms", "0"])
