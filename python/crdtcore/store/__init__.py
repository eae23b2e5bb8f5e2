"""Durable per-room update logs for the sync server (the ``UpdateStore`` protocol).

Three backends share one contract (``_store.py``): ``SqliteStore`` (the default, one SQLite
database in WAL mode), ``FileStore`` (one append-only, checksummed log file per room) and
``MemoryStore`` (tests). ``open_store()`` picks one from a location string.

Example:
    >>> from crdtcore import Doc, Text, merge_updates
    >>> from crdtcore.store import MemoryStore
    >>> store = MemoryStore()
    >>> doc = Doc()
    >>> subscription = doc.observe(lambda event: store.append("notes", event.update))
    >>> doc["t"] = text = Text("hello")
    >>> text += " world"
    >>> records = store.read("notes")
    >>> store.replace("notes", merge_updates(*records), len(records))  # compaction
    >>> copy = Doc()
    >>> for update in store.read("notes"):
    ...     copy.apply_update(update)
    >>> str(copy.get("t", type=Text)), len(store.read("notes"))
    ('hello world', 1)
"""

from ._open import open_store as open_store
from ._store import MAX_ROOM_NAME_BYTES as MAX_ROOM_NAME_BYTES
from ._store import StoreClosedError as StoreClosedError
from ._store import StoreCorruptError as StoreCorruptError
from ._store import StoreError as StoreError
from ._store import StoreLockedError as StoreLockedError
from ._store import UpdateStore as UpdateStore
from ._store import check_room as check_room
from .file_store import FileStore as FileStore
from .memory_store import MemoryStore as MemoryStore
from .sqlite_store import SqliteStore as SqliteStore

__all__ = [
    "MAX_ROOM_NAME_BYTES",
    "FileStore",
    "MemoryStore",
    "SqliteStore",
    "StoreClosedError",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
    "UpdateStore",
    "check_room",
    "open_store",
]
