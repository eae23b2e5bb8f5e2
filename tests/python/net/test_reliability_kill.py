"""SIGKILL under load (issue 5 §4): the server process dies mid-load, twice, and restarts on
the same store and port; the clients (WebsocketProvider) reconnect and converge, and after
each kill the store on disk holds every update any client had received from the server."""

from __future__ import annotations

import asyncio
import random
import signal

import pytest
from test_reliability_helpers import (
    Editor,
    read_store,
    unstored_changes,
    wait_converged,
    wait_until,
)
from test_server_cli import start_serve
from test_server_helpers import run

from crdtcore import Doc, Text

ROOMS = {"kill-a": 3, "kill-b": 2}
KILLS = 2
EDIT_INTERVAL = 0.02  # per client; 5 clients: about 250 updates/s into the server


@pytest.mark.parametrize("kind", ["sqlite", "file"])
def test_sigkill_mid_load_loses_nothing_a_client_received(tmp_path, kind):
    location = str(tmp_path / ("data.sqlite" if kind == "sqlite" else "rooms"))
    options = ("--store", location, "--store-kind", kind)
    rng = random.Random(kind)

    async def scenario():
        server, port = await start_serve(tmp_path / "serve-0.log", *options)
        seeds = iter(range(100))
        editors = {
            room: [Editor(f"ws://127.0.0.1:{port}/{room}", next(seeds)) for _ in range(n)]
            for room, n in ROOMS.items()
        }
        everyone = [editor for group in editors.values() for editor in group]
        for editor in everyone:
            editor.provider.connect()
        await wait_until(lambda: all(e.synced for e in everyone), 10, "first sync")
        for editor in everyone:
            editor.start_editing(EDIT_INTERVAL)

        for kill in range(1, KILLS + 1):
            seen = [len(editor.received) for editor in everyone]
            await wait_until(
                lambda seen=seen: all(
                    len(e.received) > n + 5 for e, n in zip(everyone, seen, strict=True)
                ),
                10,
                "broadcasts flowing",
            )
            await asyncio.sleep(rng.uniform(0.1, 0.5))  # the kill lands anywhere in the load
            server.kill()
            assert await server.wait() == -signal.SIGKILL
            await wait_until(lambda: not any(e.provider.connected for e in everyone), 10, "drop")
            for room, group in editors.items():  # nothing more can arrive from the dead server
                received = [update for editor in group for update in editor.received]
                problems = unstored_changes(read_store(kind, location, room), received)
                assert not problems, f"kill {kill}, room {room}: {problems}"
            await asyncio.sleep(0.2)  # the clients keep editing offline
            server, _ = await start_serve(
                tmp_path / f"serve-{kill}.log", *options, "--port", str(port)
            )
            await wait_until(lambda: all(e.synced for e in everyone), 10, "reconnection")
            assert all(editor.provider.connections == kill + 1 for editor in everyone)

        await asyncio.sleep(0.3)
        for editor in everyone:
            await editor.stop_editing()
        for room, group in editors.items():
            fresh = Editor(f"ws://127.0.0.1:{port}/{room}", next(seeds))
            fresh.provider.connect()
            await wait_until(lambda fresh=fresh: fresh.synced, 10, "fresh client sync")
            await wait_converged([fresh.doc, *(editor.doc for editor in group)])
            assert len(fresh.doc["text"]) > 0
            await fresh.close()
        for editor in everyone:
            await editor.close()
        assert min(editor.edits for editor in everyone) > 20
        server.send_signal(signal.SIGTERM)
        assert await server.wait() == 0

    run(scenario(), timeout=30)
    for kill in range(1, KILLS + 1):
        log = (tmp_path / f"serve-{kill}.log").read_text()
        assert "room 'kill-a' loaded" in log and "Traceback" not in log


def test_unstored_changes_notices_a_lost_update():
    doc, updates = Doc(client_id=1), []
    doc.observe(lambda event: updates.append(event.update))
    doc["t"] = Text("ab")
    for i in range(5):
        doc["t"].insert(i, str(i))
    del doc["t"][0]
    assert unstored_changes(updates, updates[::-1]) == []
    assert unstored_changes(updates[:-1], updates) != []  # the deletion was lost
    assert unstored_changes(updates[:2] + updates[3:], updates) != []  # an insertion was lost
