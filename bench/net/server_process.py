"""``python -m crdtcore serve`` as a child process, for the network benchmarks.

The server under test runs in its own process, exactly as a user starts it, so the clients'
CPU time never counts as the server's. ``ServeProcess`` starts it on a free port (or a given
one), reads the port from its ``listening on ws://HOST:PORT`` log line, reports its CPU time
(Linux ``/proc``), stops it with SIGTERM (a graceful shutdown: rooms compacted, store closed)
and sums the per-connection counters the server logs when a connection ends.

Example::

    server = ServeProcess(Path("data.sqlite"), Path("serve.log"))
    await server.start()
    url = server.url("notes")         # ws://127.0.0.1:PORT/notes
    ...
    assert await server.stop() == 0
    print(server.counters())          # {"connections": ..., "messages_in": ..., ...}
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

LISTENING = re.compile(r"listening on ws://([\w.:\[\]-]+):(\d+)")
DISCONNECTED = re.compile(
    r"disconnected .*: code \S+, (\d+) messages in, (\d+) out, (\d+) writes dropped"
)


class ServeProcess:
    """A ``python -m crdtcore serve`` child process.

    Args:
        store: The store location (``--store``).
        log: The file the server's log (stderr) goes to.
        host: The interface (``--host``).
        port: The port (``--port``; 0 picks a free one, read ``port`` after ``start()``).
        args: More command-line options (``--store-kind file``, ``--max-message-size N``...).

    Attributes:
        port: The port listened on (known after ``start()``).
        process: The asyncio subprocess (None before ``start()``).
    """

    def __init__(
        self,
        store: str | Path,
        log: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        args: tuple[str, ...] = (),
    ) -> None:
        self.store = store
        self.log = log
        self.host = host
        self.port = port
        self.args = args
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 30.0) -> None:
        """Starts the server and waits for its ``listening on`` line.

        Raises:
            RuntimeError: The server exited or did not listen within ``timeout`` seconds
                (the message holds its log).
        """
        argv = [sys.executable, "-m", "crdtcore", "serve", "--host", self.host]
        argv += ["--port", str(self.port), "--store", str(self.store), *self.args]
        with self.log.open("ab") as sink:
            offset = sink.tell()
            self.process = await asyncio.create_subprocess_exec(*argv, stderr=sink)
        deadline = time.monotonic() + timeout
        while (match := LISTENING.search(self._log_text(offset))) is None:
            if self.process.returncode is not None or time.monotonic() > deadline:
                self.kill()
                await self.process.wait()
                raise RuntimeError(f"the server did not start:\n{self._log_text(offset)}")
            await asyncio.sleep(0.02)
        self.port = int(match.group(2))

    def url(self, room: str) -> str:
        """The WebSocket URL of ``room``."""
        return f"ws://{self.host}:{self.port}/{room}"

    @property
    def alive(self) -> bool:
        """Whether the process runs."""
        return self.process is not None and self.process.returncode is None

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the server used so far (None where ``/proc`` is missing)."""
        if self.process is None:
            return None
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """SIGKILL: the server dies at once, no shutdown code runs."""
        if self.alive:
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)

    async def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then waits for the exit (SIGKILL after ``timeout`` s); returns the status."""
        process = self.process
        if process is None:
            raise RuntimeError("the server was never started")
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                process.kill()
                await process.wait()
        assert process.returncode is not None
        return process.returncode

    def counters(self) -> dict[str, Any]:
        """Sums of the per-connection counters in the log (connections that ended so far)."""
        totals = {"connections": 0, "messages_in": 0, "messages_out": 0, "writes_dropped": 0}
        for match in DISCONNECTED.finditer(self._log_text()):
            totals["connections"] += 1
            totals["messages_in"] += int(match.group(1))
            totals["messages_out"] += int(match.group(2))
            totals["writes_dropped"] += int(match.group(3))
        text = self._log_text()
        totals["errors"] = text.count(" ERROR ") + text.count("Traceback")
        return totals

    def _log_text(self, offset: int = 0) -> str:
        with self.log.open("rb") as source:
            source.seek(offset)
            return source.read().decode(errors="replace")
