"""open_store(): picks and opens a backend from a location string (``crdtcore serve --store``)."""

from __future__ import annotations

import os

from ._store import StoreBase
from .file_store import FileStore
from .memory_store import MemoryStore
from .sqlite_store import SqliteStore


def open_store(location: str | os.PathLike[str], *, durability: str = "normal") -> StoreBase:
    """Opens the store named by ``location``.

    * ``":memory:"`` or ``"memory:"``: a MemoryStore (nothing persists);
    * ``"file:DIR"``, or the path of an existing directory: a FileStore in ``DIR``;
    * ``"sqlite:PATH"``, or any other path: a SqliteStore in the file ``PATH``.

    Args:
        location: As above.
        durability: ``"normal"`` or ``"full"``, passed to the file and SQLite backends.

    Returns:
        The open store.

    Raises:
        StoreError: The store cannot be opened (see the backends).
        ValueError: An empty location or an unknown ``durability``.

    Example:
        >>> type(open_store(":memory:")).__name__
        'MemoryStore'
    """
    text = os.fspath(location)
    if text in (":memory:", "memory:"):
        return MemoryStore()
    if text.startswith("file:"):
        return FileStore(_nonempty(text[5:]), durability=durability)  # type: ignore[arg-type]
    if text.startswith("sqlite:"):
        return SqliteStore(_nonempty(text[7:]), durability=durability)  # type: ignore[arg-type]
    if os.path.isdir(_nonempty(text)):
        return FileStore(text, durability=durability)  # type: ignore[arg-type]
    return SqliteStore(text, durability=durability)  # type: ignore[arg-type]


def _nonempty(path: str) -> str:
    if not path:
        raise ValueError("empty store location")
    return path
