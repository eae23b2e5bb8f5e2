"""Reading the stores of pycrdt-store (pycrdt-websocket's persistence), for ``migrate``.

Read with our own code from the layout pycrdt-store 0.1 writes (``pycrdt/store/sqlite.py``
and ``file.py``, store version 2):

* ``SQLiteYStore``: one SQLite database for every document. Table ``yupdates(path TEXT,
  yupdate BLOB, metadata BLOB, timestamp REAL)``: one row per update of the document named
  ``path``, in timestamp order (squashing replaces old rows by one merged update). Table
  ``ycheckpoints(path TEXT PRIMARY KEY, checkpoint BLOB, timestamp REAL)``: an optional
  merged update of the document up to ``timestamp`` (pycrdt-store then applies only the
  updates from that time on). ``PRAGMA user_version`` is 2. The document of a path is the
  checkpoint plus every update row: applying updates is idempotent, so applying all rows
  (not only the later ones) gives the same document and survives clock skew.
* ``FileYStore``: one file per document: ``VERSION:2\\n``, then per update three lib0
  byte strings (varuint length + bytes): the update, its metadata and an 8-byte
  little-endian float timestamp. Files of version 1 have no header line.

Updates are Yjs v1 updates unless the application registered compression callbacks
(``register_compression_callbacks``); such rows fail to decode and are reported as such.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ._io import CliError
from ._stores import sqlite_tables
from ._varint import ShortInput, VarReader

_FILE_HEADER = b"VERSION:"


@dataclass
class SourceDocument:
    """One pycrdt-store document: its path, update rows and checkpoint."""

    path: str
    updates: list[bytes] = field(default_factory=list)
    checkpoint: bytes | None = None

    @property
    def records(self) -> list[bytes]:
        """The checkpoint (if any) followed by the updates."""
        return ([self.checkpoint] if self.checkpoint is not None else []) + self.updates


def read_sqlite_ystore(path: str) -> tuple[list[SourceDocument], int]:
    """The documents of a pycrdt-store ``SQLiteYStore`` database, sorted by path, and the
    database's ``user_version``. The database is opened read-only.

    Raises:
        CliError: ``path`` is missing, not SQLite, or has no ``yupdates`` table.
    """
    if not Path(path).is_file():
        raise CliError(f"no such file: {path}")
    tables = sqlite_tables(path)
    if "yupdates" not in tables:
        what = "a crdtcore store" if "crdtcore_updates" in tables else "not a pycrdt-store database"
        raise CliError(f"{path} has no yupdates table: {what}")
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        docs: dict[str, SourceDocument] = {}
        for doc_path, update in conn.execute(
            "SELECT path, yupdate FROM yupdates WHERE yupdate IS NOT NULL "
            "ORDER BY path, timestamp, rowid"
        ):
            docs.setdefault(doc_path, SourceDocument(doc_path)).updates.append(bytes(update))
        if "ycheckpoints" in tables:
            for doc_path, checkpoint in conn.execute(
                "SELECT path, checkpoint FROM ycheckpoints WHERE checkpoint IS NOT NULL"
            ):
                docs.setdefault(doc_path, SourceDocument(doc_path)).checkpoint = bytes(checkpoint)
    except sqlite3.DatabaseError as exc:
        raise CliError(f"cannot read {path}: {exc}") from None
    finally:
        conn.close()
    return [docs[p] for p in sorted(docs)], version


def read_file_ystore(path: str) -> tuple[SourceDocument, str | None]:
    """The updates of a pycrdt-store ``FileYStore`` file, and a warning if its last record
    is torn (cut short by a crash while it was written; the complete updates before it are
    kept).

    Raises:
        CliError: ``path`` is missing, or has a version header this reader does not know.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    offset = 0
    if data.startswith(_FILE_HEADER):
        end = data.find(b"\n")
        version = data[len(_FILE_HEADER) : end] if end >= 0 else b""
        if version.strip() not in (b"1", b"2"):
            raise CliError(f"{path}: unknown FileYStore version {version!r}")
        offset = end + 1
    reader = VarReader(data[offset:])
    doc = SourceDocument(Path(path).name)
    warning = None
    while not reader.at_end():
        start = reader.pos
        try:
            update = reader.var_bytes()
            reader.var_bytes()  # metadata
            reader.var_bytes()  # timestamp
        except ShortInput as exc:
            warning = f"{path}: last record (at byte {offset + start}) is torn: {exc}; ignored"
            break
        doc.updates.append(update)
    return doc, warning
