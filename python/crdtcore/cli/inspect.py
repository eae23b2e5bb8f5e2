"""``crdtcore inspect FILE|-``: what a Yjs update or state vector holds.

For an update: its size, the clients with their clock ranges, the structs by content
kind, the delete set, the pending dependencies (the clocks its structs need that it does
not carry, and which structs and deletes a fresh document would therefore hold back), the
root types (inferred: the wire format does not carry them) and the JSON of the document
it makes. For a state vector: the clock of each client.

The bytes are read as an update first and as a state vector if that fails; ``--kind``
forces one. Only Yjs's v1 encoding is read today: ``--format`` is the place a v2 decoder
plugs in (``FORMATS``), and bytes that fail as v1 but start like a v2 update say so.
"""

from __future__ import annotations

import argparse
from typing import Any

from .. import DecodeError, decode_state_vector, inspect_update
from ._document import document_json, load_update
from ._io import EXIT_OK, CliError, command_parser, dump_json, guarded, read_input, write_text
from ._varint import ShortInput, VarReader

#: The update encodings inspect can read (Yjs v2 is to come).
FORMATS = ("v1",)

HELP = "decode a Yjs update or state vector and show what it holds"
DESCRIPTION = """\
Decode a Yjs v1 update or state vector read from FILE (or standard input for -) and
show what it holds. For an update: size, clients and their clock ranges, structs by
content kind, deletes, pending dependencies (what a fresh document would hold back, and
the clocks it waits for) and the JSON of the resulting document. Root types are not part
of the update format, so they are inferred: roots holding strings or formatting are
texts, else roots with keyed entries maps, any other an array. Exits with status 1 and
the decoder's message when the bytes are neither an update nor a state vector.
"""
EPILOG = """\
examples:
  crdtcore inspect update.bin
  crdtcore inspect --json update.bin | jq .pending
  crdtcore dump --store crdtcore.sqlite --update notes | crdtcore inspect -
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Adds the ``inspect`` command to ``subparsers`` (an ``add_subparsers()`` result)."""
    parser = command_parser(subparsers, "inspect", HELP, DESCRIPTION, EPILOG)
    parser.add_argument("file", metavar="FILE", help="the bytes to decode; - for standard input")
    parser.add_argument(
        "--kind",
        choices=("auto", "update", "state"),
        default="auto",
        help="read the bytes as an update or a state vector (default: try both)",
    )
    parser.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="the update encoding (only v1 so far)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--max-chars",
        type=int,
        default=2000,
        metavar="N",
        help="cut the document's JSON after N characters in the text output (0: no limit; "
        "--json never cuts)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Runs ``inspect``; returns the exit status (1 with a message on stderr on failure)."""

    def body() -> int:
        data = read_input(args.file)
        report = inspect_bytes(data, kind=args.kind, fmt=args.format, name=args.file)
        if args.json:
            write_text(dump_json(report), None)
        else:
            write_text(render(report, max_chars=args.max_chars), None)
        return EXIT_OK

    return guarded("inspect", body)


# -- decoding ------------------------------------------------------------------------------


def inspect_bytes(
    data: bytes, *, kind: str = "auto", fmt: str = "auto", name: str = "input"
) -> dict[str, Any]:
    """The report on ``data`` as JSON-ready data (what ``--json`` prints).

    Args:
        data: An update or a state vector.
        kind: ``"update"``, ``"state"`` or ``"auto"`` (update first, then state vector).
        fmt: The update encoding, one of ``FORMATS`` or ``"auto"``; a v2 decoder adds
            ``"v2"`` and is tried here after v1.
        name: How to call the input in error messages.

    Raises:
        CliError: The bytes are not what ``kind`` asks for (or neither, for ``"auto"``).

    Example:
        >>> from crdtcore import Doc, Text
        >>> doc = Doc({"t": Text("hi")}, client_id=1)
        >>> report = inspect_bytes(doc.get_update())
        >>> report["kind"], report["clients"], report["document"]
        ('update', [{'client': 1, 'clocks': [[0, 2]]}], {'t': 'hi'})
        >>> inspect_bytes(doc.get_state())["state"]
        [{'client': 1, 'clock': 2}]
    """
    if fmt not in ("auto", *FORMATS):
        raise CliError(f"unknown update format {fmt!r}; crdtcore reads {', '.join(FORMATS)}")
    if not data:
        raise CliError(f"{name} is empty: an update has at least 2 bytes, a state vector 1")
    update_error = state_error = None
    if kind in ("auto", "update"):
        report: dict[str, Any] | None = None
        try:
            report = _update_report(data)
        except DecodeError as exc:
            update_error = str(exc)
        if report is not None and fmt == "auto" and report["trailing_bytes"] and data[0] == 0:
            update_error = f"{report['trailing_bytes']} bytes after its delete set"
            report = None  # no Yjs writer leaves a tail; v2 bytes read as v1 do
        if report is not None:
            return report  # bytes that read as both are an update (--kind state forces)
    if kind in ("auto", "state"):
        try:
            clocks = _read_state_vector(data)
        except ShortInput as exc:
            state_error = str(exc)
        else:
            return _state_report(data, clocks)
    if kind == "update":
        raise CliError(f"{name} is not a Yjs v1 update: {update_error}{_v2_hint(data)}")
    if kind == "state":
        raise CliError(f"{name} is not a Yjs state vector: {state_error}")
    raise CliError(
        f"{name} is neither a Yjs v1 update ({update_error}) nor a state vector "
        f"({state_error}){_v2_hint(data)}"
    )


def _v2_hint(data: bytes) -> str:
    # A v2 update starts with a zero (its feature flags) followed by length-prefixed
    # column buffers; a v1 update starting with a zero has no structs, only deletes, and
    # (from a Yjs writer) nothing after them, while v2 bytes read as v1 leave a tail.
    if len(data) > 2 and data[0] == 0:
        return "; it may be a Yjs v2 update, which crdtcore cannot read yet"
    return ""


def _read_state_vector(data: bytes) -> dict[int, int]:
    """The whole of ``data`` as a state vector (ShortInput unless it is exactly one)."""
    r = VarReader(data)
    count = r.uint()
    clocks: dict[int, int] = {}
    for _ in range(count):
        client = r.uint()
        clocks[client] = r.uint()
    if not r.at_end():
        raise ShortInput(f"{r.remaining()} bytes after the last of {count} entries")
    return clocks


def _state_report(data: bytes, clocks: dict[int, int]) -> dict[str, Any]:
    return {
        "kind": "state",
        "format": "v1",
        "size": len(data),
        "state": [{"client": c, "clock": clocks[c]} for c in sorted(clocks, reverse=True)],
    }


def _ranges(runs: list[tuple[int, int]]) -> list[list[int]]:
    return [[a, b] for a, b in runs]


def _update_report(data: bytes) -> dict[str, Any]:
    summary = inspect_update(data)  # DecodeError for malformed bytes
    doc = load_update(data)
    integrated = decode_state_vector(doc.get_state())
    held: list[dict[str, Any]] = []
    for client, runs in summary.clock_ranges.items():
        have = integrated.get(client, 0)
        waiting = [(max(a, have), b) for a, b in runs if b > have]
        if waiting:
            held.append({"client": client, "clocks": _ranges(waiting)})
    deletes_waiting = 0
    for client, runs in summary.deletes.items():
        have = integrated.get(client, 0)
        deletes_waiting += sum(max(0, clock + n - max(clock, have)) for clock, n in runs)
    types = {name: summary.roots.get(name, "array") for name in sorted(doc.keys())}
    return {
        "kind": "update",
        "format": "v1",
        "size": summary.size,
        "trailing_bytes": summary.trailing_bytes,
        "clients": [
            {"client": client, "clocks": _ranges(runs)}
            for client, runs in summary.clock_ranges.items()
        ],
        "structs": summary.structs,
        "skips": summary.skips,
        "kinds": summary.kinds,
        "deletes": {
            "clients": len(summary.deletes),
            "ranges": sum(len(runs) for runs in summary.deletes.values()),
            "units": summary.delete_count,
            "by_client": [
                {"client": client, "ranges": [[clock, n] for clock, n in runs]}
                for client, runs in summary.deletes.items()
            ],
        },
        "pending": {
            "missing": [
                {"client": client, "clocks": _ranges(runs)}
                for client, runs in summary.missing.items()
            ],
            "held_back": held,
            "deletes_waiting": deletes_waiting,
            "has_pending": doc.has_pending,
        },
        "roots": types,
        "roots_inferred": True,
        "document": document_json(doc, types),
    }


# -- text output ---------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _clocks(runs: list[list[int]], limit: int = 6) -> str:
    shown = ", ".join(f"[{a}, {b})" for a, b in runs[:limit])
    return shown + (f", … {len(runs) - limit} more" if len(runs) > limit else "")


def render(report: dict[str, Any], *, max_chars: int = 2000) -> str:
    """The report as text for a terminal (``--json`` prints ``report`` itself)."""
    if report["kind"] == "state":
        lines = [f"Yjs state vector ({report['format']}), {_plural(report['size'], 'byte')}"]
        lines.append(f"clients: {len(report['state'])}")
        lines += [f"  {e['client']}: clock {e['clock']}" for e in report["state"]]
        return "\n".join(lines)
    lines = [f"Yjs update ({report['format']}), {_plural(report['size'], 'byte')}"]
    if report["trailing_bytes"]:
        lines.append(f"note: {report['trailing_bytes']} bytes after the update (ignored)")
    lines.append(f"clients: {len(report['clients'])}")
    lines += [f"  {c['client']}: clocks {_clocks(c['clocks'])}" for c in report["clients"]]
    kinds = ", ".join(f"{k} {n}" for k, n in report["kinds"].items())
    skips = f", {_plural(report['skips'], 'skip')}" if report["skips"] else ""
    lines.append(f"structs: {report['structs']}{f' ({kinds})' if kinds else ''}{skips}")
    ds = report["deletes"]
    lines.append(
        f"deletes: {_plural(ds['units'], 'unit')} in {_plural(ds['ranges'], 'range')} "
        f"of {_plural(ds['clients'], 'client')}"
    )
    pending = report["pending"]
    if not pending["missing"] and not pending["held_back"] and not pending["deletes_waiting"]:
        lines.append("pending: none (a fresh document integrates everything)")
    else:
        lines.append("pending (a fresh document would hold back):")
        for entry in pending["held_back"]:
            lines.append(f"  structs of client {entry['client']}: {_clocks(entry['clocks'])}")
        if pending["deletes_waiting"]:
            lines.append(f"  deletes: {_plural(pending['deletes_waiting'], 'unit')}")
        for entry in pending["missing"]:
            lines.append(
                f"  waiting for client {entry['client']}: clocks {_clocks(entry['clocks'])}"
            )
    roots = ", ".join(f"{name} ({kind})" for name, kind in report["roots"].items())
    lines.append(f"roots (types inferred from content): {roots or 'none'}")
    text = dump_json(report["document"])
    if 0 < max_chars < len(text):
        cut = len(text) - max_chars
        text = f"{text[:max_chars]}\n… {cut} more characters (--max-chars 0 or --json: all)"
    lines.append("document:")
    lines.append(text)
    return "\n".join(lines)
