"""Real Yjs peers in the simulator: a node process behind the ``SimPeer`` interface.

``YjsHost`` runs one node process (tests/interop/sim_yjs_peer.mjs, which needs ``npm ci``
in tests/interop) that hosts any number of Yjs documents; ``YjsPeer`` is one simulated peer
living there: a Y.Doc with a y-protocols sync connection per neighbour, driven exactly like
``CrdtcorePeer`` (frames in and out, ops of ``crdtcore.model`` reduced by the same rules,
the same relay rule). So a ``Simulation`` can mix crdtcore and Yjs peers, and the oracle
compares Yjs's own reading of its document (``toJSON``, ``toDelta``) with crdtcore's.

Each call is one JSON-line round trip. The answer to every call that may change a peer
carries its new version, state vector, fingerprint and queued frames, so ``outbox``,
``version``, ``state_vector`` and ``fingerprint`` cost nothing. An update Yjs fails to
apply raises ``YjsPeerError``.

Locations: the node executable is ``$CRDTCORE_NODE`` or ``node`` on PATH; the script is
``$CRDTCORE_SIM_YJS_SCRIPT`` or tests/interop/sim_yjs_peer.mjs of this source tree.

Thread safety: none; a host and its peers belong to one thread.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from .. import decode_state_vector
from ..model import Snapshot
from .peer import CrdtcorePeer, PeerSpec, SimPeer

SCRIPT_ENV = "CRDTCORE_SIM_YJS_SCRIPT"
NODE = os.environ.get("CRDTCORE_NODE") or shutil.which("node") or "node"
_DEFAULT_SCRIPT = Path(__file__).resolve().parents[3] / "tests" / "interop" / "sim_yjs_peer.mjs"


class YjsPeerError(RuntimeError):
    """The node process failed a request, timed out or died (node's stderr tail attached)."""


def _script() -> Path:
    return Path(os.environ.get(SCRIPT_ENV) or _DEFAULT_SCRIPT)


def yjs_available() -> tuple[bool, str]:
    """Whether Yjs peers can run here; the reason when not.

    Example:
        >>> ok, why = yjs_available()
        >>> isinstance(ok, bool) and isinstance(why, str)
        True
    """
    script = _script()
    if shutil.which(NODE) is None and not Path(NODE).exists():
        return False, f"node not found ({NODE!r}; set CRDTCORE_NODE)"
    if not script.exists():
        return False, f"{script} not found (set {SCRIPT_ENV}; it ships in crdtcore's tests/)"
    if not (script.parent / "node_modules" / "y-protocols").exists():
        return False, f"yjs and y-protocols not installed: run `npm ci` in {script.parent}"
    return True, ""


def _b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


class YjsHost:
    """One node process hosting Yjs peers; start it once, share it between simulations.

    Args:
        timeout: Seconds to wait for any one answer.

    Raises:
        YjsPeerError: (on ``start``) node or the Yjs install is missing.

    Example:
        >>> with YjsHost() as host:  # doctest: +SKIP
        ...     factory = mixed_factory(host, yjs_peers=[1])
    """

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._next_id = 0
        self._next_name = 0
        self.info: dict[str, Any] = {}

    def start(self) -> YjsHost:
        """Starts the node process (a no-op when running); returns self."""
        if self._proc is not None and self._proc.poll() is None:
            return self
        ok, why = yjs_available()
        if not ok:
            raise YjsPeerError(f"Yjs peers unavailable: {why}")
        script = _script()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._lines = queue.Queue()
        self._proc = subprocess.Popen(
            [NODE, str(script)],
            cwd=script.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        proc, lines = self._proc, self._lines

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, name="sim-yjs-peer", daemon=True).start()
        self.info = self.request("ping")
        return self

    def close(self) -> None:
        """Stops the node process (peers hosted there become unusable)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.write(b'{"id":0,"cmd":"shutdown"}\n')
                proc.stdin.close()
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> YjsHost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def new_name(self) -> str:
        """A peer name unused in this process."""
        self._next_name += 1
        return f"p{self._next_name}"

    def request(self, cmd: str, **args: Any) -> dict[str, Any]:
        """Sends one command and returns its result.

        Raises:
            YjsPeerError: The command failed, no answer came in time, or node died.
        """
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise YjsPeerError("the Yjs host is not running (call start())")
        self._next_id += 1
        line = json.dumps({"id": self._next_id, "cmd": cmd, **args}, ensure_ascii=False)
        try:
            proc.stdin.write(line.encode("utf-8") + b"\n")
            proc.stdin.flush()
            raw = self._lines.get(timeout=self.timeout)
        except OSError as exc:
            raise self._fail(f"{cmd}: cannot write to node ({exc})") from exc
        except queue.Empty:
            proc.kill()
            raise self._fail(f"{cmd}: no answer within {self.timeout} s (node killed)") from None
        if raw is None:
            raise self._fail(f"{cmd}: node exited with status {proc.wait()}")
        answer = json.loads(raw)
        if not answer.get("ok"):
            raise self._fail(f"{cmd}: {answer.get('error')}")
        return answer["result"]

    def _fail(self, message: str) -> YjsPeerError:
        tail = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            tail = self._stderr.read()[-4000:].decode("utf-8", "replace")
        return YjsPeerError(message + (f"\n--- node stderr ---\n{tail}" if tail else ""))


class YjsPeer:
    """A simulated peer whose document is a Y.Doc in a ``YjsHost`` (see ``SimPeer``).

    Args:
        spec: The peer's id, client id and options.
        host: The running node process.
    """

    def __init__(self, spec: PeerSpec, host: YjsHost) -> None:
        self.spec = spec
        self.host = host
        self.name = host.new_name()
        self.version = 0
        self._fingerprint = b""
        self._state_vector = b"\x00"
        self._out: list[tuple[int, bytes]] = []
        self._call(
            "create",
            client_id=spec.client_id,
            gc=spec.gc,
            relay=spec.relay,
            restore=[_b64(u) for u in spec.restore],
        )

    def _call(self, cmd: str, **args: Any) -> dict[str, Any]:
        result = self.host.request(cmd, peer=self.name, **args)
        if "version" in result:
            self.version = result["version"]
            self._fingerprint = base64.b64decode(result["fingerprint"])
            self._state_vector = base64.b64decode(result["state_vector"])
            self._out.extend((n, base64.b64decode(f)) for n, f in result["out"])
        return result

    def open(self, neighbor: int) -> None:
        self._call("open", neighbor=neighbor)

    def close(self, neighbor: int) -> None:
        self._call("close", neighbor=neighbor)

    def receive(self, neighbor: int, frame: bytes) -> None:
        self._call("receive", neighbor=neighbor, frame=_b64(frame))

    def outbox(self) -> list[tuple[int, bytes]]:
        out, self._out = self._out, []
        return out

    def resync(self) -> None:
        self._call("resync")

    def perform(self, ops: list[dict[str, Any]]) -> None:
        self._call("perform", ops=ops)

    def perform_update(self, update: bytes) -> None:
        self._call("perform_update", update=_b64(update))

    def covers(self, state_vector: bytes, delete_set: bytes) -> bool:
        result = self._call("covers", state_vector=_b64(state_vector), delete_set=_b64(delete_set))
        return bool(result["covers"])

    def state_vector(self) -> bytes:
        return self._state_vector

    def fingerprint(self) -> bytes:
        return self._fingerprint

    def snapshot(self) -> Snapshot:
        raw = self._call("snapshot")
        return Snapshot(
            name=f"peer {self.spec.peer_id} (Yjs)",
            content=raw["content"],
            deltas=raw["deltas"],
            state_vector=decode_state_vector(base64.b64decode(raw["state_vector"])),
            pending=raw["pending"],
            update=base64.b64decode(raw["update"]),
        )

    def persisted(self) -> list[bytes]:
        return [base64.b64decode(u) for u in self._call("persisted")["updates"]]

    def stats(self) -> dict[str, int]:
        return dict(self._call("stats")["stats"])

    def dispose(self) -> None:
        self._call("dispose")

    def __repr__(self) -> str:
        return f"YjsPeer({self.spec.peer_id}, client {self.spec.client_id})"


def mixed_factory(
    host: YjsHost, yjs_peers: Iterable[int] | Callable[[int], bool] | None = None
) -> Callable[[PeerSpec], SimPeer]:
    """A ``peer_factory`` for ``Simulation``: Yjs for some peer ids, crdtcore for the rest.

    Args:
        host: A started ``YjsHost``.
        yjs_peers: The peer ids run by Yjs (restarts keep their implementation), a predicate
            on the peer id, or None for all peers.

    Returns:
        The factory.

    Example:
        >>> from crdtcore.sim import RandomWorkload, Simulation
        >>> with YjsHost() as host:  # doctest: +SKIP
        ...     sim = Simulation(peers=4, peer_factory=mixed_factory(host, [1, 3]),
        ...                      workload=RandomWorkload(ops=50), seed=1)
        ...     sim.run().converged
        True
    """
    if yjs_peers is None:
        chosen: Callable[[int], bool] = lambda peer: True  # noqa: E731
    elif callable(yjs_peers):
        chosen = yjs_peers
    else:
        ids = frozenset(yjs_peers)
        chosen = ids.__contains__

    def factory(spec: PeerSpec) -> SimPeer:
        return YjsPeer(spec, host) if chosen(spec.peer_id) else CrdtcorePeer(spec)

    return factory
