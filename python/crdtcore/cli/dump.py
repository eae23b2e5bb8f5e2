"""``crdtcore dump --store LOCATION ROOM``: a stored room as JSON or as update bytes.

The room is loaded as the server loads it (its records merged; an unreadable record is
skipped with a warning). The JSON is ``{root: content}`` with root types inferred (see
``crdtcore inspect``); ``--update`` writes the whole document as one Yjs v1 update instead,
which ``crdtcore inspect``, ``Doc.apply_update`` or Yjs's ``applyUpdate`` read.
"""

from __future__ import annotations

import argparse
from typing import Any

from ._document import document_json, root_types
from ._io import EXIT_OK, command_parser, dump_json, guarded, warn, write_bytes, write_text
from ._stores import add_store_option, load_records, open_existing, room_not_found

HELP = "print a stored room's document as JSON or as a Yjs update"
DESCRIPTION = """\
Print the document of ROOM in the store at LOCATION (what `crdtcore serve --store`
writes: an SQLite file, or a directory for the file store) as JSON, or with --update as
one Yjs v1 update (binary; to -o FILE or to a pipe). Room names are URL paths without
the leading slash: ws://host:1234/notes is room "notes". Root types are inferred from
the content (strings or formatting: text; else keyed entries: map; else array).
"""
EPILOG = """\
examples:
  crdtcore dump --store crdtcore.sqlite notes
  crdtcore dump --store file:rooms/ --update -o notes.bin notes
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Adds the ``dump`` command to ``subparsers`` (an ``add_subparsers()`` result)."""
    parser = command_parser(subparsers, "dump", HELP, DESCRIPTION, EPILOG)
    add_store_option(parser)
    parser.add_argument("room", metavar="ROOM", help="the room name")
    parser.add_argument(
        "--update",
        action="store_true",
        help="write the document as Yjs v1 update bytes instead of JSON",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Runs ``dump``; returns the exit status (1 with a message on stderr on failure)."""

    def body() -> int:
        with open_existing(args.store) as store:
            records = store.read(args.room)
            if not records:
                raise room_not_found(args.room, store.rooms(), args.store)
        doc, skipped = load_records(records)
        for index, message in skipped:
            warn("dump", f"record {index} of room {args.room!r} is unreadable ({message}); skipped")
        if doc.has_pending:
            warn(
                "dump",
                f"room {args.room!r} holds updates that wait for missing ones; the JSON shows "
                "only what integrates (--update keeps them all)",
            )
        update = doc.get_update()
        if args.update:
            write_bytes(update, args.output)
        else:
            write_text(dump_json(document_json(doc, root_types(doc, update))), args.output)
        return EXIT_OK

    return guarded("dump", body)
