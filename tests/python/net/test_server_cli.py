"""``python -m crdtcore serve``: a real server process, SIGKILL durability, SIGTERM shutdown."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from test_server_helpers import Client, insert, run, wait_until

from crdtcore.__main__ import main
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
