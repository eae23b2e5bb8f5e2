"""``crdtcore migrate --from-pycrdt-store FILE --store LOCATION``: keep a pycrdt-websocket
deployment's documents when it moves to ``crdtcore serve``.

Every document of the pycrdt-store database (its "path") becomes a room of the crdtcore
store holding the same document, written as one update. pycrdt-websocket names rooms by
URL path with the leading ``/`` and crdtcore's server without it, so ``--strip-prefix``
(default ``/``) is removed from each path to form the room name: clients keep their URLs.
``--from-pycrdt-file`` reads FileYStore files (one document per file; the room is the file
name without its suffix, or ``--room``).

Everything is read and decoded before anything is written; a room that already has a log
in the target store stops the migration unless ``--merge`` (the migrated update is then
appended, and the room holds both documents merged, as CRDTs merge; applying an update
twice changes nothing, so re-running with ``--merge`` after an interrupted migration is
safe). After writing, each room is read back and compared with the source document (state
vector and JSON).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import DecodeError, Doc, decode_state_vector
from ..store import check_room
from ._document import document_json, root_types
from ._io import EXIT_OK, CliError, command_parser, dump_json, guarded, warn, write_text
from ._pycrdt_store import SourceDocument, read_file_ystore, read_sqlite_ystore
from ._stores import add_store_option, load_records, open_location, parse_location, sqlite_tables

HELP = "copy the documents of a pycrdt-store database into a crdtcore store"
DESCRIPTION = """\
Copy every document of a pycrdt-store SQLite database (pycrdt-websocket's SQLiteYStore)
into the crdtcore store at LOCATION (created if missing), one room per document path, so
a deployment moving from pycrdt-websocket to `crdtcore serve` keeps its data. The room
name is the path without --strip-prefix (default "/": pycrdt-websocket's room names
start with the slash of the URL path, crdtcore's do not). FileYStore files are read with
--from-pycrdt-file. Nothing is written unless every document decodes; a room that already
exists in the target stops the migration unless --merge. Each room written is read back
and compared with its source.
"""
EPILOG = """\
examples:
  crdtcore migrate --from-pycrdt-store ystore.db --store crdtcore.sqlite
  crdtcore migrate --from-pycrdt-file docs/notes.y --store file:rooms/ --room notes
"""


@dataclass
class Migrated:
    """One document moved: source path, room, records read, bytes written."""

    path: str
    room: str
    records: int
    bytes: int


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Adds the ``migrate`` command to ``subparsers`` (an ``add_subparsers()`` result)."""
    parser = command_parser(subparsers, "migrate", HELP, DESCRIPTION, EPILOG)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--from-pycrdt-store", metavar="FILE", help="a pycrdt-store SQLiteYStore database"
    )
    source.add_argument(
        "--from-pycrdt-file",
        metavar="FILE",
        nargs="+",
        help="pycrdt-store FileYStore files (one document each)",
    )
    add_store_option(
        parser,
        "the crdtcore store to write: an SQLite file (sqlite:PATH) or a directory (file:DIR)",
    )
    parser.add_argument(
        "--strip-prefix",
        default="/",
        metavar="PREFIX",
        help="removed from the start of each document path to name its room (default '/'; "
        "'' keeps paths as they are)",
    )
    parser.add_argument(
        "--room", metavar="NAME", help="the room of a single --from-pycrdt-file document"
    )
    parser.add_argument(
        "--merge", action="store_true", help="append to rooms that already exist in the target"
    )
    parser.add_argument("--dry-run", action="store_true", help="read and check; write nothing")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    """Runs ``migrate``; returns the exit status (1 with a message on stderr on failure)."""

    def body() -> int:
        documents = _read_sources(args)
        plan = _plan(documents, args)
        moved = _write(plan, args)
        if args.json:
            write_text(dump_json([asdict(m) for m in moved]), None)
        else:
            write_text(render(moved, dry_run=args.dry_run, target=args.store), None)
        return EXIT_OK

    return guarded("migrate", body)


def _read_sources(args: argparse.Namespace) -> list[SourceDocument]:
    if args.from_pycrdt_store is not None:
        if args.room is not None:
            raise CliError("--room names the room of one --from-pycrdt-file document")
        documents, version = read_sqlite_ystore(args.from_pycrdt_store)
        if version != 2:
            warn("migrate", f"pycrdt-store database version {version} (expected 2); read anyway")
        return documents
    files: list[str] = args.from_pycrdt_file
    if args.room is not None and len(files) != 1:
        raise CliError("--room needs exactly one --from-pycrdt-file")
    documents = []
    for file in files:
        document, warning = read_file_ystore(file)
        if warning:
            warn("migrate", warning)
        document.path = args.room if args.room is not None else Path(file).stem
        documents.append(document)
    return documents


def _source_doc(document: SourceDocument) -> Doc:
    doc = Doc()
    for index, record in enumerate(document.records):
        try:
            doc.apply_update(record)
        except DecodeError as exc:
            what = "checkpoint" if document.checkpoint is not None and index == 0 else "update"
            raise CliError(
                f"document {document.path!r}: {what} {index} is not a Yjs v1 update ({exc}); "
                "if the store was written with compression callbacks, it must be "
                "decompressed first"
            ) from None
    return doc


def _room_name(path: str, prefix: str) -> str:
    room = path[len(prefix) :] if prefix and path.startswith(prefix) else path
    try:
        return check_room(room)
    except ValueError as exc:
        raise CliError(
            f"document path {path!r} gives the room name {room!r}, which is invalid ({exc}); "
            "choose another --strip-prefix"
        ) from None


def _plan(
    documents: list[SourceDocument], args: argparse.Namespace
) -> list[tuple[str, str, Doc, int]]:
    """``(path, room, document, records)`` per source document, all decoded and named."""
    if not documents:
        raise CliError("the source holds no documents")
    plan: list[tuple[str, str, Doc, int]] = []
    rooms: dict[str, str] = {}
    for document in documents:
        room = _room_name(document.path, args.strip_prefix)
        if room in rooms:
            raise CliError(
                f"document paths {rooms[room]!r} and {document.path!r} both become room {room!r}"
            )
        rooms[room] = document.path
        plan.append((document.path, room, _source_doc(document), len(document.records)))
    return plan


def _write(plan: list[tuple[str, str, Doc, int]], args: argparse.Namespace) -> list[Migrated]:
    location = parse_location(args.store)
    source = args.from_pycrdt_store
    if (
        source is not None
        and os.path.exists(location.path)
        and os.path.samefile(location.path, source)
    ):
        raise CliError("the target store is the source database; give another --store")
    sqlite_file = location.kind == "sqlite" and os.path.isfile(location.path)
    if sqlite_file and "yupdates" in sqlite_tables(location.path):
        raise CliError(f"the target {location.path} is a pycrdt-store database")
    moved = [Migrated(path, room, n, len(doc.get_update())) for path, room, doc, n in plan]
    if args.dry_run:
        return moved
    with open_location(location) as store:
        existing = set(store.rooms())
        clashes = [room for _, room, _, _ in plan if room in existing]
        if clashes and not args.merge:
            shown = ", ".join(repr(r) for r in clashes[:5])
            raise CliError(
                f"the target store already has room(s) {shown}; nothing was written "
                "(--merge appends to them)"
            )
        for _path, room, doc, _n in plan:
            store.append(room, doc.get_update())
        for path, room, doc, _ in plan:
            copy, _skipped = load_records(store.read(room))
            _verify(path, room, doc, copy, merged=room in existing)
    return moved


def _verify(path: str, room: str, source: Doc, copy: Doc, *, merged: bool) -> None:
    """Raises CliError unless the room now holds the source document (or, merged into an
    existing room, at least all of it)."""
    want, have = decode_state_vector(source.get_state()), decode_state_vector(copy.get_state())
    if merged:
        ok = all(have.get(client, 0) >= clock for client, clock in want.items())
    else:
        update = source.get_update()
        types = root_types(source, update)
        ok = want == have and document_json(source, types) == document_json(copy, types)
    if not ok:
        raise CliError(f"room {room!r} does not read back as document {path!r}")


def render(moved: list[Migrated], *, dry_run: bool, target: str) -> str:
    """One line per document and a total, for a terminal."""
    verb = "would copy" if dry_run else "copied"
    lines = [f"{m.path!r} → room {m.room!r}: {m.records} records, {m.bytes} bytes" for m in moved]
    lines.append(f"{verb} {len(moved)} document{'' if len(moved) == 1 else 's'} to {target}")
    return "\n".join(lines)
