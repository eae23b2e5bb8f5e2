"""FileStore: an UpdateStore with one append-only log file per room in a directory.

Layout of the directory:

* ``<slug>.<hash>.ylog``: the log of one room (record format in ``_log.py``). ``slug`` is
  the room name lower-cased with every run of characters other than ``a-z0-9_-`` turned
  into ``-``, cut to 48 characters; ``hash`` is the first 16 hex digits of the SHA-256 of
  the name. File names are therefore short, portable and distinct on case-insensitive
  file systems; the exact name lives in the file's header (and a hash collision is
  reported, not merged).
* ``LOCK``: held with ``flock`` while a FileStore is open, so a second store (in this or
  another process) fails with StoreLockedError. The kernel drops it when the process dies.
* ``*.tmp``: a file being written by ``replace()`` or by the first append of a room; a
  crash can leave one behind, and the next FileStore deletes it.

Durability: an append is one ``write()`` on a file opened with ``O_APPEND``, so once it
returns the record is in the OS and survives a SIGKILL. ``durability="full"`` adds an fsync
per append (power loss). A failed append truncates the file back to its previous size.
``replace()`` always writes a temp file, fsyncs it, renames it over the log and fsyncs the
directory: after a crash the log is the old one or the new one.

Recovery: a room's log is checked (every checksum) each time it is read, and the first time
the room is appended to. A torn tail (see ``_log.py``) is truncated away and reported with a
warning on the ``crdtcore.store`` logger; it never raises. Corruption before the tail
raises StoreCorruptError, unless the store was opened with ``on_corruption="truncate"``,
which cuts the log at the corrupt record (dropping it and everything after, logged as an
error): the choice between losing the records after a damaged one and stopping is the
operator's.

Thread safety: methods are serialized by the store's lock; one FileStore per directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import _log
from ._store import (
    MAX_ROOM_NAME_BYTES,
    StoreBase,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    check_count,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory lock
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger("crdtcore.store")

LOG_SUFFIX = ".ylog"
_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def log_file_name(room: str) -> str:
    """The file name of the log of ``room`` (see the module docstring).

    Example:
        >>> log_file_name("My Room/1")
        'my-room-1.7419d21ae0a4225a.ylog'
    """
    slug = _UNSAFE.sub("-", room.lower()).strip("-")[:48] or "room"
    digest = hashlib.sha256(room.encode("utf-8")).hexdigest()[:16]
    return f"{slug}.{digest}{LOG_SUFFIX}"


@dataclass
class _Log:
    """What the store knows of one room's log file: valid records and bytes."""

    path: Path
    count: int
    size: int


class FileStore(StoreBase):
    """Per-room update logs, one append-only file per room in ``directory``.

    Args:
        directory: The store's directory; created if missing.
        durability: ``"normal"`` (an append survives process death) or ``"full"`` (fsync
            per append: it also survives power loss).
        on_corruption: ``"raise"`` (StoreCorruptError) or ``"truncate"`` (cut the log at
            the corrupt record; logged as an error).

    Raises:
        StoreLockedError: Another FileStore holds ``directory``.
        StoreError: ``directory`` cannot be created or locked.
        ValueError: An unknown ``durability`` or ``on_corruption``.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with FileStore(tmp) as store:
        ...         store.append("notes", b"u1"), store.append("notes", b"u2")
        ...     with FileStore(tmp) as store:
        ...         store.read("notes"), store.rooms()
        (1, 2)
        ([b'u1', b'u2'], ['notes'])
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        durability: Literal["normal", "full"] = "normal",
        on_corruption: Literal["raise", "truncate"] = "raise",
    ) -> None:
        if durability not in ("normal", "full"):
            raise ValueError(f"durability must be 'normal' or 'full', not {durability!r}")
        if on_corruption not in ("raise", "truncate"):
            raise ValueError(f"on_corruption must be 'raise' or 'truncate', not {on_corruption!r}")
        super().__init__()
        self.directory = Path(directory)
        self.durability = durability
        self.on_corruption = on_corruption
        self._logs: dict[str, _Log] = {}
        with _os_errors(f"open store directory {self.directory}"):
            self.directory.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.directory / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise StoreLockedError(
                        f"{self.directory} is in use by another FileStore"
                    ) from None
            with _os_errors(f"clean up {self.directory}"):
                for stale in self.directory.glob("*.tmp"):
                    stale.unlink()
        except BaseException:
            os.close(self._lock_fd)
            raise

    def _append(self, room: str, data: bytes) -> int:
        record = _log.encode_record(data)
        log = self._logs.get(room) or self._create_or_load(room)
        with _os_errors(f"append to room {room!r}"):
            fd = os.open(log.path, os.O_WRONLY | os.O_APPEND)
            try:
                _write_all(fd, record)
                if self.durability == "full":
                    os.fsync(fd)
            except BaseException:
                self._undo_append(fd, room, log)
                raise
            finally:
                os.close(fd)
        log.count += 1
        log.size += len(record)
        return log.count

    def _undo_append(self, fd: int, room: str, log: _Log) -> None:
        """Cuts a failed append off; if even that fails, the next access rescans the log."""
        try:
            os.ftruncate(fd, log.size)
        except OSError:
            self._logs.pop(room, None)

    def _read(self, room: str) -> list[bytes]:
        return self._load(room, create=False)[1]

    def _replace(self, room: str, data: bytes, count: int) -> None:
        log, records = self._load(room, create=False)
        count = check_count(count, len(records), room)
        path = log.path if log else self.directory / log_file_name(room)
        kept = [_log.encode_record(data), *map(_log.encode_record, records[count:])]
        content = b"".join([_log.encode_header(room), *kept])
        self._logs.pop(room, None)
        with _os_errors(f"replace records of room {room!r}"):
            self._write_atomic(path, content)
        self._logs[room] = _Log(path, len(kept), len(content))

    def _rooms(self) -> list[str]:
        names = []
        with _os_errors(f"list {self.directory}"):
            for path in self.directory.glob(f"*{LOG_SUFFIX}"):
                with path.open("rb") as file:
                    head = file.read(len(_log.MAGIC) + 2 + MAX_ROOM_NAME_BYTES + 4)
                names.append(self._decode_header(path, head)[0])
        return names

    def _close(self) -> None:
        self._logs.clear()
        os.close(self._lock_fd)  # releases the flock

    def _create_or_load(self, room: str) -> _Log:
        log = self._load(room, create=True)[0]
        if log is None:  # pragma: no cover - _load(create=True) always returns a log
            raise StoreError(f"cannot create the log of room {room!r}")
        return log

    def _load(self, room: str, *, create: bool) -> tuple[_Log | None, list[bytes]]:
        """Reads and checks the log of ``room``, repairing a torn tail; caches its size.

        Returns ``(None, [])`` for a room without a file unless ``create`` makes one.
        """
        path = self.directory / log_file_name(room)
        with _os_errors(f"read room {room!r}"):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                if not create:
                    return None, []
                header = _log.encode_header(room)
                self._write_atomic(path, header)
                log = self._logs[room] = _Log(path, 0, len(header))
                return log, []
        name, start = self._decode_header(path, data)
        if name != room:
            raise StoreCorruptError(f"{path} holds room {name!r}, not {room!r} (hash collision)")
        found = _log.scan(data, start)
        if found.corrupt and self.on_corruption == "raise":
            raise StoreCorruptError(
                f"{path}: {found.corrupt}; {len(found.records)} valid records precede it "
                "(open the store with on_corruption='truncate' to drop it and what follows)"
            )
        if found.end < len(data):
            self._truncate(path, found, len(data))
        log = self._logs[room] = _Log(path, len(found.records), found.end)
        return log, found.records

    def _truncate(self, path: Path, found: _log.Scan, size: int) -> None:
        if found.corrupt:
            logger.error(
                "%s: %s; dropped %d bytes from there", path, found.corrupt, size - found.end
            )
        else:
            logger.warning("%s: torn tail dropped (%s)", path, found.torn)
        with _os_errors(f"truncate {path}"):
            fd = os.open(path, os.O_WRONLY)
            try:
                os.ftruncate(fd, found.end)
                os.fsync(fd)
            finally:
                os.close(fd)

    def _decode_header(self, path: Path, data: bytes) -> tuple[str, int]:
        try:
            return _log.decode_header(data)
        except _log.LogFormatError as exc:
            raise StoreCorruptError(f"{path}: {exc}") from None

    def _write_atomic(self, path: Path, content: bytes) -> None:
        """Replaces ``path`` by ``content``: temp file, fsync, rename, fsync the directory."""
        tmp = path.with_name(path.name + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                _write_all(fd, content)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _fsync_directory(self.directory)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_directory(directory: Path) -> None:
    """Makes a rename in ``directory`` durable (a no-op where directories can't be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _os_errors(action: str) -> Iterator[None]:
    """Re-raises ``OSError`` as StoreError, cause chained."""
    try:
        yield
    except OSError as exc:
        raise StoreError(f"cannot {action}: {exc}") from exc
