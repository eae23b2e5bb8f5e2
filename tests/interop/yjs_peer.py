"""Python client for the long-lived Yjs peer (tests/interop/yjs_peer.mjs).

One node process serves JSON-line requests; this class sends one request, waits for the
matching response (with a timeout) and raises `PeerError` carrying the tail of node's stderr
when anything goes wrong. Bytes are passed as base64 on the wire and as `bytes` here.

Locations live here and nowhere else:
  INTEROP_DIR   this directory (holds package.json / node_modules)
  NODE          node executable: $CRDTCORE_NODE, else `node` on PATH
  Yjs packages  INTEROP_DIR/node_modules, or the directory named by
                $CRDTCORE_INTEROP_NODE_MODULES (scratch installs; see lib/load_yjs.mjs)
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

INTEROP_DIR = Path(__file__).resolve().parent
PEER_SCRIPT = INTEROP_DIR / "yjs_peer.mjs"
NODE = os.environ.get("CRDTCORE_NODE") or shutil.which("node") or "node"
NODE_MODULES_ENV = "CRDTCORE_INTEROP_NODE_MODULES"

DEFAULT_TIMEOUT = float(os.environ.get("CRDTCORE_PEER_TIMEOUT", "120"))


class PeerError(RuntimeError):
    """The Yjs peer failed a request, timed out or died."""


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def yjs_available() -> tuple[bool, str]:
    """Whether node and a Yjs install can be found; the reason when not."""
    if shutil.which(NODE) is None and not Path(NODE).exists():
        return False, f"node executable not found ({NODE!r}; set CRDTCORE_NODE)"
    modules = os.environ.get(NODE_MODULES_ENV) or str(INTEROP_DIR / "node_modules")
    if not (Path(modules) / "yjs" / "package.json").exists():
        return False, (
            f"yjs not installed in {modules} (run `npm ci` in {INTEROP_DIR} "
            f"or set {NODE_MODULES_ENV})"
        )
    return True, ""


class YjsPeer:
    """A node process running yjs_peer.mjs (or another JSON-lines script in this directory,
    e.g. events_peer.mjs), restarted on demand if it dies."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, script: Path | None = None) -> None:
        self.timeout = timeout
        self.script = script  # None: PEER_SCRIPT as it is when the process starts
        self._ids = itertools.count(1)
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self.info: dict[str, Any] = {}

    # -- process management -------------------------------------------------------------------

    def start(self) -> YjsPeer:
        if self._proc is not None:
            self.close()  # a dead previous process: release its pipes
        # Open for the process's lifetime; close() closes it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._lines = queue.Queue()
        self._proc = subprocess.Popen(
            [NODE, str(self.script if self.script is not None else PEER_SCRIPT)],
            cwd=INTEROP_DIR,
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

        self._pump = threading.Thread(target=pump, name="yjs-peer-stdout", daemon=True)
        self._pump.start()
        self.info = self.request("ping")
        return self

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def close(self) -> None:
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        try:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.write(b'{"id":0,"cmd":"shutdown"}\n')
                proc.stdin.close()
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        self._pump.join(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> YjsPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stderr_tail(self, limit: int = 4000) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        data = self._stderr.read()
        return data[-limit:].decode("utf-8", "replace")

    # -- requests -----------------------------------------------------------------------------

    def request(self, cmd: str, **args: Any) -> Any:
        """Sends one command; returns its result or raises PeerError."""
        if self._proc is None or (cmd != "ping" and not self.alive()):
            self.start()  # first use, or the previous node process died: start afresh
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        rid = next(self._ids)
        line = json.dumps({"id": rid, "cmd": cmd, **args}, ensure_ascii=False).encode("utf-8")
        try:
            proc.stdin.write(line + b"\n")
            proc.stdin.flush()
        except OSError as e:
            raise self._fail(f"{cmd}: cannot write to node ({e})") from e
        try:
            raw = self._lines.get(timeout=self.timeout)
        except queue.Empty:
            proc.kill()
            raise self._fail(f"{cmd}: no answer within {self.timeout}s (node killed)") from None
        if raw is None:
            proc.wait()
            raise self._fail(f"{cmd}: node exited with status {proc.returncode}")
        resp = json.loads(raw)
        if resp.get("id") != rid:
            raise self._fail(f"{cmd}: response id {resp.get('id')!r} != request id {rid}")
        if not resp.get("ok"):
            raise self._fail(f"{cmd}: {resp.get('error')}\n{resp.get('stack') or ''}")
        return resp["result"]

    def _fail(self, message: str) -> PeerError:
        tail = self.stderr_tail()
        return PeerError(message + (f"\n--- node stderr ---\n{tail}" if tail else ""))

    # -- typed helpers ------------------------------------------------------------------------

    def create_doc(
        self,
        name: str,
        client_id: int | None = None,
        gc: bool = True,
        roots: dict[str, str] | None = None,
    ) -> int:
        """New peer doc; `roots` ({name: "text"|"array"|"map"}) are typed before anything else
        happens, like crdtcore docs made by interop_util.new_doc."""
        res = self.request("create_doc", doc=name, client_id=client_id, gc=gc, roots=roots or {})
        return res["client_id"]

    def destroy_doc(self, name: str) -> None:
        self.request("destroy_doc", doc=name)

    def apply_update(self, name: str, update: bytes) -> list[dict[str, Any]]:
        """Y.applyUpdate; returns the update events it caused ({update: bytes, local, origin})."""
        return _events(self.request("apply_update", doc=name, update=b64(update))["events"])

    def apply_updates(self, name: str, updates: list[bytes]) -> list[dict[str, Any]]:
        res = self.request("apply_updates", doc=name, updates=[b64(u) for u in updates])
        return _events(res["events"])

    def encode_state_as_update(self, name: str, state_vector: bytes | None = None) -> bytes:
        sv = None if state_vector is None else b64(state_vector)
        return unb64(self.request("encode_state_as_update", doc=name, state_vector=sv)["update"])

    def encode_state_vector(self, name: str) -> bytes:
        return unb64(self.request("encode_state_vector", doc=name)["state_vector"])

    def view(self, name: str, roots: dict[str, str]) -> dict[str, Any]:
        """Raw (tagged JSON) views of the named roots; see lib/view.mjs."""
        return self.request("view", doc=name, roots=roots)["roots"]

    def read(self, name: str, path: list[str | int]) -> Any:
        """Raw (tagged JSON) deep view of the shared type at `path` ([root, step...])."""
        return self.request("read", doc=name, path=path)["deep"]

    def take_events(self, name: str) -> list[dict[str, Any]]:
        return _events(self.request("take_events", doc=name)["events"])

    def merge_updates(self, updates: list[bytes]) -> bytes:
        return unb64(self.request("merge_updates", updates=[b64(u) for u in updates])["update"])

    def diff_update(self, update: bytes, state_vector: bytes) -> bytes:
        res = self.request("diff_update", update=b64(update), state_vector=b64(state_vector))
        return unb64(res["update"])

    def state_vector_from_update(self, update: bytes) -> bytes:
        return unb64(self.request("state_vector_from_update", update=b64(update))["state_vector"])

    def gen_session(self, seed: int, **options: Any) -> dict[str, Any]:
        """Random Yjs session (lib/session_gen.mjs); update bytes decoded to `bytes`."""
        res = self.request("gen_session", seed=seed, options=options)
        for key in ("updates", "relayed"):
            for rec in res[key]:
                rec["update"] = unb64(rec["update"])
        res["state"] = unb64(res["state"])
        res["state_vector"] = unb64(res["state_vector"])
        return res

    def replay_ops(self, name: str, ops: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """Performs an op log (lib/replay.mjs) on a doc; returns the events it caused."""
        return _events(self.request("replay_ops", doc=name, ops=ops)["events"])


def _events(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**e, "update": unb64(e["update"])} for e in raw]
