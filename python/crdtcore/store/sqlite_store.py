"""SqliteStore: the default UpdateStore, one SQLite database (stdlib ``sqlite3``, WAL mode).

Schema: one table ``crdtcore_updates(room TEXT, seq INTEGER, data BLOB)`` keyed by
``(room, seq)``; a room's log is its rows in ``seq`` order. ``PRAGMA user_version`` holds the
schema version (1).

Durability. Every ``append()`` is its own committed transaction (the connection runs in
autocommit mode). The database runs in WAL mode, where a commit appends the transaction to
the ``-wal`` file:

* ``durability="normal"`` (``PRAGMA synchronous=NORMAL``): the commit is written to the OS
  but not fsynced. It survives the death of the process (SIGKILL, a crash, OOM kill) but a
  power loss or kernel crash may roll back the last commits (never corrupting the database).
  This is the default: a commit costs a ``write()``, not a disk flush.
* ``durability="full"`` (``PRAGMA synchronous=FULL``): the WAL is fsynced at every commit,
  so an acknowledged append also survives power loss, at the cost of one disk flush per
  append (milliseconds on spinning disks, tens to hundreds of microseconds on SSDs).

``replace()`` runs in one ``BEGIN IMMEDIATE`` transaction: it deletes the first ``count``
rows and inserts the merged record with the sequence number of the last deleted row, so
later rows keep their place after it. ``replace_if()`` reads the rows it compares in that
same transaction, so no other process can write between the check and the swap.

Thread safety: methods are serialized by the store's lock (the connection is created with
``check_same_thread=False``). Several processes may open one database (SQLite serializes
the writers; a busy database waits ``timeout`` seconds, then raises StoreLockedError), but
record counts are cached per store object, so only one of them should write a given room.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from typing import Literal

from ._store import (
    StoreBase,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    check_count,
)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS crdtcore_updates (
    room TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (room, seq)
) WITHOUT ROWID
"""

# SQLite primary result codes (sqlite3.h) that get their own exception class.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26


class SqliteStore(StoreBase):
    """Per-room update logs in one SQLite database file.

    Args:
        path: The database file; created if missing (its directory must exist).
            ``":memory:"`` gives a private in-memory database (no WAL, nothing persists).
        durability: ``"normal"`` (survives process death) or ``"full"`` (also survives
            power loss; fsync per append). See the module docstring.
        timeout: Seconds to wait for another process's write lock before
            StoreLockedError.

    Raises:
        StoreCorruptError: ``path`` is not an SQLite database, or a damaged one.
        StoreError: The database cannot be opened or has a newer schema version.
        ValueError: An unknown ``durability``.

    Example:
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = os.path.join(tmp, "rooms.sqlite")
        ...     with SqliteStore(path) as store:
        ...         store.append("notes", b"update-1")
        ...     with SqliteStore(path) as store:
        ...         store.read("notes")
        1
        [b'update-1']
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        durability: Literal["normal", "full"] = "normal",
        timeout: float = 5.0,
    ) -> None:
        if durability not in ("normal", "full"):
            raise ValueError(f"durability must be 'normal' or 'full', not {durability!r}")
        super().__init__()
        self.path = os.fspath(path)
        self.durability = durability
        self._meta: dict[str, list[int]] = {}  # room -> [record count, next seq]
        with _translate(self.path, "open"):
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        try:
            with _translate(self.path, "open"):
                self._setup()
        except BaseException:
            self._conn.close()
            raise

    @property
    def journal_mode(self) -> str:
        """The database's journal mode: ``"wal"``, or ``"memory"`` for ``":memory:"``."""
        with self._lock, _translate(self.path, "query"):
            self._check_open()
            return str(self._conn.execute("PRAGMA journal_mode").fetchone()[0])

    def _setup(self) -> None:
        conn = self._conn
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={'FULL' if self.durability == 'full' else 'NORMAL'}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this crdtcore's "
                f"({SCHEMA_VERSION})"
            )
        if version < SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(_SCHEMA)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _room_meta(self, room: str) -> list[int]:
        meta = self._meta.get(room)
        if meta is None:
            count, last = self._conn.execute(
                "SELECT COUNT(*), MAX(seq) FROM crdtcore_updates WHERE room = ?", (room,)
            ).fetchone()
            meta = self._meta[room] = [count, 1 if last is None else last + 1]
        return meta

    def _append(self, room: str, data: bytes) -> int:
        with _translate(self.path, f"append to room {room!r}"):
            meta = self._room_meta(room)
            self._conn.execute(
                "INSERT INTO crdtcore_updates (room, seq, data) VALUES (?, ?, ?)",
                (room, meta[1], data),
            )
        meta[0] += 1
        meta[1] += 1
        return meta[0]

    def _read(self, room: str) -> list[bytes]:
        with _translate(self.path, f"read room {room!r}"):
            rows = self._conn.execute(
                "SELECT data FROM crdtcore_updates WHERE room = ? ORDER BY seq", (room,)
            ).fetchall()
        return [bytes(row[0]) for row in rows]

    def _replace(self, room: str, data: bytes, count: int) -> None:
        self._swap(room, data, count, None)

    def _replace_if(self, room: str, data: bytes, expected: list[bytes]) -> bool:
        return self._swap(room, data, len(expected), expected)

    def _swap(self, room: str, data: bytes, count: int, expected: list[bytes] | None) -> bool:
        """Replaces the first ``count`` rows by ``data`` in one write transaction, if they
        hold ``expected`` (when given); returns whether it did."""
        conn = self._conn
        self._meta.pop(room, None)  # recounted from the table on the next append
        with _translate(self.path, f"replace records of room {room!r}"):
            conn.execute("BEGIN IMMEDIATE")
            try:
                rows = conn.execute(
                    f"SELECT seq{', data' if expected is not None else ''} "
                    "FROM crdtcore_updates WHERE room = ? ORDER BY seq",
                    (room,),
                ).fetchall()
                count = check_count(count, len(rows), room) if expected is None else count
                if expected is not None and [bytes(row[1]) for row in rows[:count]] != expected:
                    conn.execute("ROLLBACK")
                    return False
                if count:
                    seq = rows[count - 1][0]
                    conn.execute(
                        "DELETE FROM crdtcore_updates WHERE room = ? AND seq <= ?", (room, seq)
                    )
                else:
                    seq = rows[0][0] - 1 if rows else 1
                conn.execute(
                    "INSERT INTO crdtcore_updates (room, seq, data) VALUES (?, ?, ?)",
                    (room, seq, data),
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return True

    def _rooms(self) -> list[str]:
        with _translate(self.path, "list rooms"):
            rows = self._conn.execute("SELECT DISTINCT room FROM crdtcore_updates").fetchall()
        return [row[0] for row in rows]

    def _close(self) -> None:
        self._meta.clear()
        with _translate(self.path, "close"):
            self._conn.close()


@contextlib.contextmanager
def _translate(path: str, action: str) -> Iterator[None]:
    """Re-raises ``sqlite3`` errors as the StoreError subclass that fits, cause chained."""
    try:
        yield
    except sqlite3.Error as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            cls: type[StoreError] = StoreCorruptError
        elif code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            cls = StoreLockedError
        else:
            cls = StoreError
        raise cls(f"{path}: cannot {action}: {exc}") from exc
