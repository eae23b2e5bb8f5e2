"""crdtcore's networking against the real y-websocket@2 (npm, pinned in package.json).

Every test runs real processes on loopback and is parametrized over the server:

* ``crdtcore``: ``python -m crdtcore serve`` (SQLite store in tmp_path);
* ``y-websocket``: y-websocket's reference server ``bin/server.cjs`` (node, in memory).

Clients are node processes' y-websocket ``WebsocketProvider``s (ws_clients.mjs, driven through
yjs_peer.py's JSON-lines client) and crdtcore ``WebsocketProvider``s in the test's event loop.
They edit concurrently, go offline and come back, survive a SIGKILL of the server, and must all
converge; awareness states cross between node and Python in both directions. Servers and node
are always killed in ``finally``/fixture teardown.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yjs_peer
from test_net_helpers import eventually, run
from yjs_peer import INTEROP_DIR, NODE, YjsPeer, yjs_available

from crdtcore import Doc, Map, Text
from crdtcore.asyncio import WebsocketProvider
from crdtcore.sync import Awareness

pytest.importorskip("websockets")

CLIENTS_SCRIPT = INTEROP_DIR / "ws_clients.mjs"
YWS_SERVER = INTEROP_DIR / "node_modules" / "y-websocket" / "bin" / "server.cjs"
BACKOFF = (0.05, 0.3)  # fast reconnects on loopback


class NodeClients(YjsPeer):
    """YjsPeer's process handling and JSON-lines client, running ws_clients.mjs."""

    def start(self) -> NodeClients:
        saved = yjs_peer.PEER_SCRIPT
        yjs_peer.PEER_SCRIPT = CLIENTS_SCRIPT
        try:
            super().start()
        finally:
            yjs_peer.PEER_SCRIPT = saved
        return self

    async def call(self, cmd: str, **args: Any) -> Any:
        """``request`` off the event loop thread, so Python providers keep running."""
        return await asyncio.to_thread(self.request, cmd, **args)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """One server process on a fixed port; restartable after a kill."""

    def __init__(self, kind: str, port: int, tmp: Path) -> None:
        self.kind, self.port, self._tmp = kind, port, tmp
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tmp / f"{kind}-server.log"

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        if self.kind == "crdtcore":
            store = str(self._tmp / "rooms.sqlite")
            cmd = [sys.executable, "-m", "crdtcore", "serve", "--host", "127.0.0.1"]
            cmd += ["--port", str(self.port), "--store", store, "--log-level", "WARNING"]
            env = dict(os.environ)
        else:
            cmd = [NODE, str(YWS_SERVER)]
            env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port)}
        with open(self._log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=INTEROP_DIR, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.kind} server exited: {self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"{self.kind} server not listening: {self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL, and wait for the process to be gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def log_tail(self) -> str:
        return self._log.read_text(errors="replace")[-3000:] if self._log.exists() else ""


@pytest.fixture(scope="module")
def node() -> Iterator[NodeClients]:
    ok, why = yjs_available()
    if not ok or not YWS_SERVER.exists():
        pytest.fail(f"y-websocket clients unavailable: {why or 'run npm ci'}", pytrace=False)
    clients = NodeClients(timeout=30).start()
    try:
        yield clients
    finally:
        clients.close()


@pytest.fixture(params=["crdtcore", "y-websocket"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(request.param, free_port(), tmp_path)
    try:
        yield proc.start()
    finally:
        proc.kill()


def new_doc(client_id: int) -> Doc:
    return Doc({"text": Text(), "map": Map()}, client_id=client_id)


def view(doc: Doc) -> tuple[str, dict[str, Any]]:
    return str(doc.get("text", type=Text)), doc.get("map", type=Map).to_py()


def edit(doc: Doc, tag: str) -> None:
    with doc.transaction():
        doc.get("text", type=Text).insert(0, f"[{tag}]")
        doc.get("map", type=Map)[tag] = len(tag)


def test_node_and_python_clients_converge(node: NodeClients, server: ServerProcess) -> None:
    """Concurrent edits, offline edits and a SIGKILLed server: all four replicas converge."""
    room = f"converge-{server.kind}"
    docs = {"p1": new_doc(201), "p2": new_doc(202)}
    tags: list[str] = []

    async def node_edit(name: str, tag: str) -> None:
        ops = [{"insert": f"[{tag}]", "index": 0}, {"key": tag, "value": len(tag)}]
        await node.call("edit", name=name, ops=ops)
        tags.append(tag)

    def py_edit(name: str, tag: str) -> None:
        edit(docs[name], tag)
        tags.append(tag)

    async def views() -> dict[str, tuple[str, dict[str, Any]]]:
        out = {name: view(doc) for name, doc in docs.items()}
        for name in ("n1", "n2"):
            got = await node.call("view", name=name)
            out[name] = (got["text"], got["map"])
        return out

    async def converged() -> Any:
        got = await views()
        texts = {text for text, _ in got.values()}
        if len(texts) != 1 or any(m != got["p1"][1] for _, m in got.values()):
            return got
        text = texts.pop()
        return all(text.count(f"[{tag}]") == 1 for tag in tags) and set(got["p1"][1]) == set(tags)

    async def scenario() -> None:
        for name, client_id in (("n1", 101), ("n2", 102)):
            await node.call(
                "open",
                name=name,
                server=server.url,
                room=room,
                client_id=client_id,
                max_backoff=300,
            )
        url = f"{server.url}/{room}"
        async with (
            WebsocketProvider(docs["p1"], url, backoff=BACKOFF) as p1,
            WebsocketProvider(docs["p2"], url, backoff=BACKOFF) as p2,
        ):
            await p1.synced
            await p2.synced
            # 1. everybody edits at once
            await node_edit("n1", "n1-a")
            py_edit("p1", "p1-a")
            await node_edit("n2", "n2-a")
            py_edit("p2", "p2-a")
            await eventually(converged, "concurrent edits")
            # 2. n1 and p1 go offline and edit; n2 and p2 keep editing online
            await node.call("disconnect", name="n1")
            await p1.disconnect()
            await node_edit("n1", "n1-offline")
            py_edit("p1", "p1-offline")
            await node_edit("n2", "n2-b")
            py_edit("p2", "p2-b")

            async def online_pair_synced() -> Any:
                got = await views()
                return ("[n2-b]" in got["p2"][0] and "[p2-b]" in got["n2"][0]) or got

            await eventually(online_pair_synced, "edits between the online clients")
            offline = [await node.call("view", name="n1"), view(docs["p1"])]
            assert "[n2-b]" not in offline[0]["text"] and "[p2-b]" not in offline[1][0]
            assert "offline]" not in view(docs["p2"])[0]
            # 3. the server dies; everybody edits; the server restarts; the offline pair returns
            server.kill()
            await node_edit("n2", "n2-c")
            py_edit("p2", "p2-c")
            await eventually(_not_connected(p2), "p2 noticing the dead server")
            server.start()
            await node.call("connect", name="n1")
            p1.connect()
            await eventually(converged, "convergence after offline edits and a server kill")
            assert p1.connections >= 2 and p2.connections >= 2
            # 4. a fresh client gets the whole document from the server
            late = new_doc(203)
            async with WebsocketProvider(late, url, reconnect=False) as p3:
                await p3.synced
                await eventually(_same_view(late, docs["p1"]), "late joiner")
        for name in ("n1", "n2"):
            await node.call("close", name=name)

    run(scenario)


def _not_connected(provider: WebsocketProvider) -> Callable[[], Awaitable[Any]]:
    async def check() -> Any:
        return not provider.connected or "still connected"

    return check


def _same_view(a: Doc, b: Doc) -> Callable[[], Awaitable[Any]]:
    async def check() -> Any:
        return view(a) == view(b) or (view(a), view(b))

    return check


def test_awareness_crosses_both_ways(node: NodeClients, server: ServerProcess) -> None:
    """States set in node show up in Python and vice versa: changes, departures, returns."""
    room = f"awareness-{server.kind}"
    doc = new_doc(301)
    awareness = Awareness(doc)
    awareness.set_local_state({"user": "py"}, now=time.time() * 1000)
    node_sees, python_sees = _awareness_checks(node, awareness)

    async def scenario() -> None:
        await node.call(
            "open",
            name="n",
            server=server.url,
            room=room,
            client_id=401,
            state={"user": "node", "cursor": 1},
        )
        provider = WebsocketProvider(doc, f"{server.url}/{room}", awareness, backoff=BACKOFF)
        async with provider:
            await provider.synced
            await eventually(python_sees(401, {"user": "node", "cursor": 1}), "node state")
            await eventually(node_sees(301, {"user": "py"}), "Python state in node")
            awareness.set_local_state({"user": "py", "cursor": 7})
            await node.call("set_awareness", name="n", state={"user": "node", "cursor": 2})
            await eventually(python_sees(401, {"user": "node", "cursor": 2}), "node change")
            await eventually(node_sees(301, {"user": "py", "cursor": 7}), "Python change")
            await node.call("disconnect", name="n")
            await eventually(python_sees(401, None), "node departure in Python")
            await node.call("connect", name="n")
            await node.call("set_awareness", name="n", state={"user": "node", "cursor": 3})
            await eventually(python_sees(401, {"user": "node", "cursor": 3}), "node back")
            await provider.disconnect()
            await eventually(node_sees(301, None), "Python departure in node")
            assert 401 not in awareness.states  # remote states are forgotten while offline
            provider.connect()
            await eventually(node_sees(301, {"user": "py", "cursor": 7}), "Python back in node")
            # Python forgot 401 at its current clock, so (as in y-websocket) 401 shows again
            # with its next change or heartbeat
            await node.call("set_awareness", name="n", state={"user": "node", "cursor": 4})
            await eventually(python_sees(401, {"user": "node", "cursor": 4}), "node again")
        await eventually(node_sees(301, None), "Python departure when the provider exits")
        await node.call("close", name="n")

    run(scenario)


@pytest.mark.parametrize(
    "server",
    [
        pytest.param(
            "crdtcore",
            marks=pytest.mark.xfail(
                reason="the server echoes a client's awareness update (echo_awareness=True), "
                "but a y-websocket client sends its null state and closes at once; the echo "
                "that would bump its clock goes through the connection's writer task and loses "
                "the race with the close frame, which y-websocket's synchronous server wins. "
                "The client shows again at its next heartbeat (<= 15 s). A race: now and then "
                "the echo wins, so the mark is not strict",
                strict=False,
            ),
        ),
        "y-websocket",
    ],
    indirect=True,
)
def test_node_client_reappears_after_reconnect(node: NodeClients, server: ServerProcess) -> None:
    """A y-websocket client that disconnects and reconnects without changing its state is
    visible again at once (through y-websocket's server it is)."""
    room = f"rejoin-{server.kind}"
    doc = new_doc(311)
    awareness = Awareness(doc)
    _, python_sees = _awareness_checks(node, awareness)

    async def scenario() -> None:
        await node.call(
            "open", name="n", server=server.url, room=room, client_id=411, state={"user": "node"}
        )
        provider = WebsocketProvider(doc, f"{server.url}/{room}", awareness, backoff=BACKOFF)
        async with provider:
            await eventually(python_sees(411, {"user": "node"}), "node state")
            await node.call("disconnect", name="n")
            await eventually(python_sees(411, None), "node departure")
            await node.call("connect", name="n")
            await eventually(python_sees(411, {"user": "node"}), "node return", timeout=3)
        await node.call("close", name="n")

    run(scenario)


Check = Callable[[int, Any], Callable[[], Awaitable[Any]]]


def _awareness_checks(node: NodeClients, awareness: Awareness) -> tuple[Check, Check]:
    """``node_sees(client, state)`` and ``python_sees(client, state)`` polling checks (state
    None: the client has no state there)."""

    def node_sees(client: int, expected: Any) -> Callable[[], Awaitable[Any]]:
        async def check() -> Any:
            states = dict((await node.call("view", name="n"))["states"])
            return states.get(client) == expected or states

        return check

    def python_sees(client: int, expected: Any) -> Callable[[], Awaitable[Any]]:
        async def check() -> Any:
            return awareness.states.get(client) == expected or dict(awareness.states)

        return check

    return node_sees, python_sees
