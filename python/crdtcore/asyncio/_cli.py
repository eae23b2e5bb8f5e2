"""``python -m crdtcore serve``: run the sync server from the command line.

Example:
    python -m crdtcore serve --host 127.0.0.1 --port 1234 --store ./data.sqlite

``--store-kind`` picks the backend: ``sqlite`` (the default; ``--store`` is the database
file), ``file`` (``--store`` is a directory, one log per room) or ``memory`` (nothing
persists; ``--store`` is ignored). The store is opened once the address is bound: when the
port is busy, the command exits 1 and creates nothing. SIGINT and SIGTERM shut down
gracefully: connections are closed (code 1001), rooms compacted, the store closed; the exit
status is then 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import Any

from ..store import StoreError, UpdateStore, open_store
from ._channel import require_websockets
from ._limits import Limits
from .server import WebsocketServer

logger = logging.getLogger("crdtcore.server")


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Adds the ``serve`` subcommand to an ``add_subparsers()`` object; returns its parser."""
    parser = commands.add_parser(
        "serve",
        help="run the y-websocket-compatible sync server",
        description="Serve rooms (URL path = room name) to y-websocket clients.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=1234, help="TCP port, 0 for any (1234)")
    parser.add_argument(
        "--store", default="./crdtcore.sqlite", help="database file or directory of the store"
    )
    parser.add_argument(
        "--store-kind", choices=("sqlite", "file", "memory"), default="sqlite", help="backend"
    )
    parser.add_argument(
        "--durability",
        choices=("normal", "full"),
        default="normal",
        help="normal: survives process death; full: also power loss (fsync per update)",
    )
    defaults = Limits()
    parser.add_argument(
        "--max-message-size",
        type=_positive_int,
        default=defaults.max_message_size,
        help="largest incoming message in bytes (default %(default)s)",
    )
    parser.add_argument(
        "--max-rooms",
        type=_positive_int,
        default=defaults.max_rooms,
        help="rooms in memory at once (default %(default)s)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=30.0,
        help="seconds a room without connections stays loaded (default %(default)s)",
    )
    parser.add_argument(
        "--compact-threshold",
        type=_positive_int,
        default=1000,
        help="stored updates per room before they are merged into one (default %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        default="INFO",
        type=str.upper,
        help="logging level (default INFO)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Runs the server until SIGINT or SIGTERM; returns the exit status."""
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        require_websockets()
    except ImportError as exc:
        logger.error("%s", exc)
        return 1

    def open_the_store() -> UpdateStore:  # called by server.start() once the port is bound
        try:
            return open_store_kind(args.store_kind, args.store, args.durability)
        except (StoreError, ValueError) as exc:
            raise _StoreOpenError(str(exc)) from exc

    limits = Limits(max_message_size=args.max_message_size, max_rooms=args.max_rooms)
    server = WebsocketServer(
        args.host,
        args.port,
        store_factory=open_the_store,
        limits=limits,
        idle_timeout=args.idle_timeout,
        compact_threshold=args.compact_threshold,
    )
    try:
        asyncio.run(_serve(server))
    except _StoreOpenError as exc:
        logger.error("cannot open the store %r: %s", args.store, exc)
        return 1
    except OSError as exc:
        logger.error("cannot listen on %s:%s: %s", args.host, args.port, exc)
        return 1
    return 0


class _StoreOpenError(Exception):
    """The store of ``--store`` could not be opened (after the port was bound)."""


def open_store_kind(kind: str, location: str, durability: str = "normal") -> UpdateStore:
    """Opens the store of ``--store-kind`` at ``--store``.

    Raises:
        StoreError: The backend cannot open ``location``.
        ValueError: An unknown ``kind`` or ``durability``.

    Example:
        >>> type(open_store_kind("memory", "ignored")).__name__
        'MemoryStore'
    """
    if kind not in ("memory", "file", "sqlite"):
        raise ValueError(f"unknown store kind {kind!r}")
    return open_store(
        ":memory:" if kind == "memory" else f"{kind}:{location}", durability=durability
    )


async def _serve(server: WebsocketServer) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await server.start()
        await stop.wait()
        logger.info("shutting down")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await server.stop()


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return value
