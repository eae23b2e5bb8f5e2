"""The UpdateStore contract, its exceptions, and the checks every backend shares.

An update store keeps, per room, an append-only log of opaque update records (y-protocols
update payloads, never decoded here). The server appends every update it applies **before**
any frame reflecting it leaves the process, reads a room's log when it loads the room, and
compacts a long log by merging it into one update and calling ``replace()``.

Contract (every backend):

* ``append(room, update)`` returns once the record is committed to the operating system:
  a SIGKILL of the process afterwards cannot lose it. Whether it also survives a power
  loss depends on the backend's ``durability`` (``"normal"``: no, ``"full"``: yes, at the
  price of an fsync per append).
* ``read(room)`` returns the records in append order (``[]`` for an unknown room).
* ``replace(room, merged, count)`` atomically swaps the first ``count`` records for the
  single record ``merged``: after a crash the log holds either the old records or the new
  one, never both or neither. Records appended after the caller's ``read()`` stay after it.
* ``replace_if(room, merged, records)`` (the backends' ``StoreBase``, not the protocol) does
  the same for ``len(records)`` records, in the same atomic step as checking that the log
  still starts with exactly ``records``; otherwise it changes nothing and returns False.
  A compaction outside the process that writes the room (``crdtcore compact``) uses it,
  so a record another writer added or replaced meanwhile is never dropped.
* Room names are non-empty ``str`` of at most ``MAX_ROOM_NAME_BYTES`` UTF-8 bytes without
  NUL; anything else raises ``ValueError`` (``TypeError`` for a non-str).

Exceptions (see ``crdtcore.errors`` for the whole tree)::

    CrdtcoreError
    └── StoreError              an operation failed (I/O error, full disk, ...); the
        │                       cause is chained; the log is as it was before the call
        ├── StoreCorruptError   stored data failed its checks (not a torn tail, which
        │                       is repaired silently apart from a logged warning)
        ├── StoreLockedError    another process holds the store
        └── StoreClosedError    (also a RuntimeError) the store was used after close()

Thread safety: every backend serializes its methods with an internal lock, so one store
may be shared by threads (the asyncio server calls it from the event-loop thread only).
One store object per location: the backends cache record counts and assume no other
process writes the same location at the same time.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol, Self, runtime_checkable

from ..errors import CrdtcoreError

MAX_ROOM_NAME_BYTES = 1024
"""Longest accepted room name, in UTF-8 bytes."""


class StoreError(CrdtcoreError):
    """A store operation failed; the room's log is unchanged.

    Example:
        >>> from crdtcore.store import MemoryStore
        >>> store = MemoryStore()
        >>> store.close()
        >>> try:
        ...     store.read("room")
        ... except StoreError as exc:
        ...     print(type(exc).__name__)
        StoreClosedError
    """


class StoreCorruptError(StoreError):
    """Stored data failed a checksum or format check that a torn tail cannot explain.

    Example:
        >>> issubclass(StoreCorruptError, StoreError)
        True
    """


class StoreLockedError(StoreError):
    """The store's location is held by another store object or process.

    Example:
        >>> issubclass(StoreLockedError, StoreError)
        True
    """


class StoreClosedError(StoreError, RuntimeError):
    """The store was used after ``close()``.

    Example:
        >>> issubclass(StoreClosedError, RuntimeError)
        True
    """


@runtime_checkable
class UpdateStore(Protocol):
    """Durable per-room logs of updates (see the module docstring for the contract).

    Example:
        >>> from crdtcore.store import MemoryStore
        >>> isinstance(MemoryStore(), UpdateStore)
        True
    """

    def append(self, room: str, update: bytes) -> int:
        """Appends ``update`` to the room's log; returns the room's record count."""
        ...

    def read(self, room: str) -> list[bytes]:
        """The room's records in append order."""
        ...

    def replace(self, room: str, merged: bytes, count: int) -> None:
        """Atomically replaces the first ``count`` records by ``merged``."""
        ...

    def rooms(self) -> list[str]:
        """The names of the rooms that have a log, sorted."""
        ...

    def close(self) -> None:
        """Releases the store's resources; later calls raise StoreClosedError."""
        ...


def check_room(room: Any) -> str:
    """Validates a room name.

    Args:
        room: The candidate name.

    Returns:
        ``room`` unchanged.

    Raises:
        TypeError: ``room`` is not a str.
        ValueError: ``room`` is empty, holds NUL or a lone surrogate, or is longer than
            ``MAX_ROOM_NAME_BYTES`` in UTF-8.

    Example:
        >>> check_room("notes/2024")
        'notes/2024'
        >>> check_room("")
        Traceback (most recent call last):
        ...
        ValueError: room name is empty
    """
    if not isinstance(room, str):
        raise TypeError(f"room name must be a str, not {type(room).__name__}")
    if not room:
        raise ValueError("room name is empty")
    if "\x00" in room:
        raise ValueError("room name contains a NUL character")
    try:
        size = len(room.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValueError("room name contains a lone surrogate (not encodable as UTF-8)") from None
    if size > MAX_ROOM_NAME_BYTES:
        raise ValueError(
            f"room name is {size} UTF-8 bytes long, the limit is {MAX_ROOM_NAME_BYTES}"
        )
    return room


def as_update_bytes(update: Any) -> bytes:
    """Returns ``update`` as bytes; raises ``TypeError`` unless it is bytes-like."""
    if isinstance(update, bytes):
        return update
    if isinstance(update, bytearray | memoryview):
        return bytes(update)
    raise TypeError(f"update must be bytes-like, not {type(update).__name__}")


def check_count(count: Any, available: int, room: str) -> int:
    """Validates ``replace()``'s ``count`` against the ``available`` records of ``room``."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"count must be an int, not {type(count).__name__}")
    if not 0 <= count <= available:
        raise ValueError(f"cannot replace {count} records of room {room!r}: it has {available}")
    return count


class StoreBase:
    """Shared front of the backends: argument checks, the lock, ``close()`` and ``with``.

    Subclasses implement ``_append``, ``_read``, ``_replace``, ``_rooms`` and ``_close``;
    they run with the lock held, on an open store, with validated arguments.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    def append(self, room: str, update: bytes) -> int:
        """Appends ``update`` to the room's log.

        Args:
            room: The room name.
            update: The record, bytes-like; stored as is (not decoded).

        Returns:
            The room's record count after the append.

        Raises:
            StoreError: The record could not be committed (the log is unchanged).
            StoreClosedError: The store is closed.
            TypeError, ValueError: A bad room name or a non-bytes update.
        """
        room, data = check_room(room), as_update_bytes(update)
        with self._lock:
            self._check_open()
            return self._append(room, data)

    def read(self, room: str) -> list[bytes]:
        """The room's records in append order (``[]`` for a room without a log).

        Raises:
            StoreError: Reading failed; StoreCorruptError if the data fails its checks.
            StoreClosedError: The store is closed.
            TypeError, ValueError: A bad room name.
        """
        room = check_room(room)
        with self._lock:
            self._check_open()
            return self._read(room)

    def replace(self, room: str, merged: bytes, count: int) -> None:
        """Atomically replaces the first ``count`` records of the room by ``merged``.

        Records after the first ``count`` (for example ones appended since the caller read
        the log) stay, in order, after ``merged``.

        Raises:
            StoreError: The replacement failed; the log is unchanged.
            StoreClosedError: The store is closed.
            ValueError: ``count`` is negative or exceeds the room's record count, or a bad
                room name. TypeError: a non-int ``count`` or a non-bytes ``merged``.
        """
        room, data = check_room(room), as_update_bytes(merged)
        with self._lock:
            self._check_open()
            self._replace(room, data, count)

    def replace_if(self, room: str, merged: bytes, records: list[bytes]) -> bool:
        """Replaces the first ``len(records)`` records of the room by ``merged``, atomically,
        if the log still starts with exactly ``records`` (compare and swap).

        Args:
            room: The room name.
            merged: The record that replaces them (typically their merge).
            records: What the caller read and merged (a prefix of the room's log).

        Returns:
            True if the records were replaced; False if the log no longer starts with
            ``records`` (another writer appended before them, or replaced them), in which
            case nothing changed.

        Raises:
            StoreError: The replacement failed; the log is unchanged.
            StoreClosedError: The store is closed.
            TypeError, ValueError: A bad room name, or non-bytes records.

        Example:
            >>> from crdtcore.store import MemoryStore
            >>> store = MemoryStore()
            >>> store.append("r", b"a"), store.append("r", b"b")
            (1, 2)
            >>> store.replace_if("r", b"ab", [b"x", b"b"]), store.read("r")
            (False, [b'a', b'b'])
            >>> store.replace_if("r", b"ab", [b"a", b"b"]), store.read("r")
            (True, [b'ab'])
        """
        room, data = check_room(room), as_update_bytes(merged)
        expected = [as_update_bytes(record) for record in records]
        with self._lock:
            self._check_open()
            return self._replace_if(room, data, expected)

    def rooms(self) -> list[str]:
        """The names of the rooms that have a log, sorted.

        Raises:
            StoreError: Listing failed. StoreClosedError: The store is closed.
        """
        with self._lock:
            self._check_open()
            return sorted(self._rooms())

    def close(self) -> None:
        """Releases the store's resources. Idempotent."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosedError(f"{type(self).__name__} is closed")

    def _append(self, room: str, data: bytes) -> int:
        raise NotImplementedError

    def _read(self, room: str) -> list[bytes]:
        raise NotImplementedError

    def _replace(self, room: str, data: bytes, count: int) -> None:
        raise NotImplementedError

    def _replace_if(self, room: str, data: bytes, expected: list[bytes]) -> bool:
        # Atomic as long as no other process writes the location (the contract's "one
        # store object per location"); SqliteStore, which several processes may open,
        # checks inside its replacing transaction instead.
        if self._read(room)[: len(expected)] != expected:
            return False
        self._replace(room, data, len(expected))
        return True

    def _rooms(self) -> list[str]:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError
