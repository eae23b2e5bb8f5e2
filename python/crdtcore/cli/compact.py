"""``crdtcore compact --store LOCATION [ROOM]``: rewrite rooms' logs as one update each.

Each room's records are loaded into a document and replaced by one update of it (what
the server's own compaction writes), with the store's atomic replace: after a crash the
log holds the old records or the new one. The swap is a compare-and-swap
(``replace_if``): if another process changed the room's first records between the read
and the write, nothing is replaced and the room is tried again. A room with an unreadable
record is left alone (and reported), since compacting it would drop that record.

A server running on the store: a FileStore is locked while ``crdtcore serve`` runs, so
compact refuses until it stops. An SQLite store is shared; compacting it under a running
server is safe for the data, but the server then counts records it no longer has, so its
own compaction of a room it holds open fails (logged) until the room is reloaded. Prefer
running compact while the server is stopped.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from typing import Any

from ._io import EXIT_FAILURE, EXIT_OK, command_parser, dump_json, guarded, write_text
from ._stores import Store, add_store_option, load_records, open_existing, room_not_found

HELP = "merge each stored room's log into one update"
DESCRIPTION = """\
Rewrite the log of ROOM (of every room when ROOM is omitted) in the store at LOCATION as
one update holding the whole document, and report the sizes before and after. The
replacement is atomic, and skipped if the room changed meanwhile (then retried). Rooms
with an unreadable record are left as they are and make the exit status 1. A file store
is locked while `crdtcore serve` runs on it; stop the server first.
"""
EPILOG = """\
examples:
  crdtcore compact --store crdtcore.sqlite
  crdtcore compact --store file:rooms/ --dry-run notes
"""
#: Times a room is re-read and merged when another writer changed it meanwhile.
ATTEMPTS = 3


@dataclass
class RoomResult:
    """What compact did to one room (``status``: compacted, unchanged, unreadable, busy)."""

    room: str
    status: str
    records_before: int
    bytes_before: int
    records_after: int
    bytes_after: int
    detail: str = ""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Adds the ``compact`` command to ``subparsers`` (an ``add_subparsers()`` result)."""
    parser = command_parser(subparsers, "compact", HELP, DESCRIPTION, EPILOG)
    add_store_option(parser)
    parser.add_argument("room", metavar="ROOM", nargs="?", help="one room (default: all)")
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would change; write nothing"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    """Runs ``compact``; returns the exit status (1 if a room could not be compacted)."""

    def body() -> int:
        with open_existing(args.store) as store:
            rooms = store.rooms()
            if args.room is not None:
                if args.room not in rooms:
                    raise room_not_found(args.room, rooms, args.store)
                rooms = [args.room]
            results = [compact_room(store, room, dry_run=args.dry_run) for room in rooms]
        if args.json:
            write_text(dump_json([asdict(r) for r in results]), None)
        else:
            write_text(render(results, dry_run=args.dry_run), None)
        failed = [r for r in results if r.status in ("unreadable", "busy")]
        return EXIT_FAILURE if failed else EXIT_OK

    return guarded("compact", body)


def compact_room(store: Store, room: str, *, dry_run: bool = False) -> RoomResult:
    """Replaces the room's records by one update of its document (see the module).

    Raises:
        StoreError: The store failed (the room's log is unchanged).
    """
    for _ in range(ATTEMPTS):
        records = store.read(room)
        before = sum(len(r) for r in records)
        if len(records) <= 1:
            return RoomResult(room, "unchanged", len(records), before, len(records), before)
        doc, bad = load_records(records)
        if bad:
            where = ", ".join(f"record {i}: {message}" for i, message in bad[:3])
            return RoomResult(room, "unreadable", len(records), before, len(records), before, where)
        merged = doc.get_update()
        if dry_run or store.replace_if(room, merged, records):
            return RoomResult(room, "compacted", len(records), before, 1, len(merged))
    detail = f"it changed during each of {ATTEMPTS} attempts; is a server writing it?"
    return RoomResult(room, "busy", len(records), before, len(records), before, detail)


def render(results: list[RoomResult], *, dry_run: bool = False) -> str:
    """One line per room and a total, for a terminal."""
    if not results:
        return "no rooms"
    lines = []
    verb = "would become" if dry_run else "→"
    for r in results:
        before = f"{r.records_before} records, {r.bytes_before} bytes"
        if r.status == "compacted":
            lines.append(f"{r.room}: {before} {verb} 1 record, {r.bytes_after} bytes")
        elif r.status == "unchanged":
            lines.append(f"{r.room}: {before} (already one record)")
        else:
            lines.append(f"{r.room}: {before} left as is: {r.status} ({r.detail})")
    before_total = sum(r.bytes_before for r in results)
    after_total = sum(r.bytes_after for r in results)
    done = sum(r.status == "compacted" for r in results)
    lines.append(
        f"total: {done} of {len(results)} rooms compacted{' (dry run)' if dry_run else ''}, "
        f"{before_total} → {after_total} bytes"
    )
    return "\n".join(lines)
