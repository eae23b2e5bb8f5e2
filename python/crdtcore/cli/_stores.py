"""Opening a store named on the command line, and loading a room from it.

``--store LOCATION`` takes what ``crdtcore serve --store`` writes: an SQLite database file
(``sqlite:PATH`` or a plain path) or a FileStore directory (``file:DIR`` or the path of an
existing directory); see ``crdtcore.store.open_store``. Room names are the server's: the
URL path without its leading ``/`` (``ws://host:1234/notes`` is room ``notes``).

Unlike ``open_store``, the commands that read (``dump``, ``compact``) never create a store:
a missing location, an SQLite file of another program or a pycrdt-store database is
reported, not initialized.

A running server and these commands: a FileStore is locked by the process that opened it
(``crdtcore serve`` holds the lock while it runs), so the commands fail with "locked"
until the server stops. Several processes may open one SQLite store; ``compact`` then swaps
records with ``replace_if`` (compare and swap in one transaction), so it never drops a
record the server wrote meanwhile.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .. import DecodeError, Doc, merge_updates, validate_update
from ..store import StoreLockedError, UpdateStore, open_store
from ._io import CliError

# The tables that identify a database (crdtcore's SqliteStore; pycrdt-store's SQLiteYStore).
_OUR_TABLE = "crdtcore_updates"
_PYCRDT_TABLE = "yupdates"


class Store(UpdateStore, Protocol):
    """What the commands use of a store: the protocol plus the backends' ``replace_if``."""

    def replace_if(self, room: str, merged: bytes, records: list[bytes]) -> bool:
        """Replaces the first ``len(records)`` records if they are still ``records``."""
        ...

    def __enter__(self) -> Store:
        """The store itself; ``__exit__`` closes it."""
        ...

    def __exit__(self, *exc_info: object) -> None:
        """Closes the store."""
        ...


@dataclass
class Location:
    """A parsed ``--store`` value: the backend and its path."""

    kind: str  # "sqlite" or "file"
    path: str
    text: str = field(default="")

    def open_spec(self) -> str:
        """The location as ``open_store`` takes it."""
        return f"{self.kind}:{self.path}"


def parse_location(text: str) -> Location:
    """Parses ``--store`` the way ``open_store`` does, without opening anything.

    Raises:
        CliError: An empty location, or a memory store (which holds nothing to read).

    Example:
        >>> parse_location("file:data").kind, parse_location("data.sqlite").kind
        ('file', 'sqlite')
    """
    if text in (":memory:", "memory:"):
        raise CliError("a memory store keeps nothing between processes; give a file or directory")
    for kind in ("file", "sqlite"):
        if text.startswith(f"{kind}:"):
            path = text[len(kind) + 1 :]
            if not path:
                raise CliError(f"empty path in store location {text!r}")
            return Location(kind, path, text)
    if not text:
        raise CliError("empty store location")
    return Location("file" if os.path.isdir(text) else "sqlite", text, text)


def sqlite_tables(path: str) -> set[str]:
    """The table names of the SQLite database ``path``, opened read-only.

    Raises:
        CliError: ``path`` is not an SQLite database.
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CliError(f"{path} is not an SQLite database ({exc})") from None
    return {row[0] for row in rows}


def check_existing(location: Location) -> None:
    """Raises CliError unless ``location`` is an existing crdtcore store."""
    if location.kind == "file":
        if not os.path.isdir(location.path):
            raise CliError(f"no store at {location.text}: {location.path} is not a directory")
        return
    if not os.path.isfile(location.path):
        raise CliError(f"no store at {location.text}: no such file")
    tables = sqlite_tables(location.path)
    if _OUR_TABLE in tables:
        return
    if _PYCRDT_TABLE in tables:
        raise CliError(
            f"{location.path} is a pycrdt-store database, not a crdtcore store; copy its "
            f"rooms with: crdtcore migrate --from-pycrdt-store {location.path} --store NEW"
        )
    if tables:
        raise CliError(f"{location.path} is an SQLite database of another program")


def open_location(location: Location) -> Store:
    """Opens ``location`` (creating it if missing); a lock held by another process, such
    as a running server on a FileStore, becomes a CliError that says so."""
    try:
        return open_store(location.open_spec())
    except StoreLockedError as exc:
        raise CliError(
            f"the store {location.text} is in use by another process ({exc}); is "
            "`crdtcore serve` running on it? Stop it first."
        ) from None


def open_existing(text: str) -> Store:
    """Opens the existing crdtcore store named by ``--store`` (never creates one).

    Raises:
        CliError: Missing, not a crdtcore store, or locked by another process.
    """
    location = parse_location(text)
    check_existing(location)
    return open_location(location)


def unreadable_records(records: list[bytes]) -> list[tuple[int, str]]:
    """``[(index, DecodeError message)]`` of the records that are not v1 updates."""
    bad: list[tuple[int, str]] = []
    for index, record in enumerate(records):
        try:
            validate_update(record)
        except DecodeError as exc:
            bad.append((index, str(exc)))
    return bad


def load_records(records: list[bytes]) -> tuple[Doc, list[tuple[int, str]]]:
    """The document of a room's records, as the server loads it (an unreadable record is
    skipped); returns it with the ``(index, message)`` of each skipped record."""
    doc = Doc()
    try:
        doc.apply_update(merge_updates(*records))
        return doc, []
    except DecodeError:
        bad = unreadable_records(records)
    skip = {index for index, _ in bad}
    good = [record for index, record in enumerate(records) if index not in skip]
    if good:
        doc.apply_update(merge_updates(*good))
    return doc, bad


def room_not_found(room: str, rooms: list[str], location: str) -> CliError:
    """The error for a room the store has no log of, naming near misses."""
    hint = ""
    for candidate in (room.lstrip("/"), "/" + room):
        if candidate != room and candidate in rooms:
            hint = f"; did you mean {candidate!r}?"
            break
    if not hint:
        shown = ", ".join(repr(r) for r in rooms[:10]) + (", …" if len(rooms) > 10 else "")
        hint = f" (its rooms: {shown})" if rooms else " (it has no rooms)"
    return CliError(f"no room {room!r} in the store {location}{hint}")


STORE_HELP = "the store: an SQLite file (sqlite:PATH) or a directory (file:DIR)"


def add_store_option(parser: argparse.ArgumentParser, help: str = STORE_HELP) -> None:
    """Adds the required ``--store LOCATION`` option (see ``parse_location``)."""
    parser.add_argument("--store", required=True, metavar="LOCATION", help=help)
