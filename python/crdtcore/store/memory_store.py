"""MemoryStore: an UpdateStore that keeps the logs in a dict (tests, ephemeral servers).

Nothing survives the process; otherwise it honours the whole contract of
``crdtcore.store._store``, so tests can run the server against it (leveldb's memenv).

Thread safety: methods are serialized by the store's lock.
"""

from __future__ import annotations

from ._store import StoreBase, check_count


class MemoryStore(StoreBase):
    """Per-room update logs held in memory.

    Example:
        >>> store = MemoryStore()
        >>> store.append("room", b"a"), store.append("room", b"b"), store.append("room", b"c")
        (1, 2, 3)
        >>> store.replace("room", b"ab", 2)
        >>> store.read("room"), store.rooms()
        ([b'ab', b'c'], ['room'])
    """

    def __init__(self) -> None:
        super().__init__()
        self._logs: dict[str, list[bytes]] = {}

    def _append(self, room: str, data: bytes) -> int:
        log = self._logs.setdefault(room, [])
        log.append(data)
        return len(log)

    def _read(self, room: str) -> list[bytes]:
        return list(self._logs.get(room, ()))

    def _replace(self, room: str, data: bytes, count: int) -> None:
        log = self._logs.get(room, [])
        count = check_count(count, len(log), room)
        log[:count] = [data]
        self._logs[room] = log

    def _rooms(self) -> list[str]:
        return list(self._logs)

    def _close(self) -> None:
        self._logs.clear()
