"""A pure-Python walk over the structs of a Yjs v1 update, for ``inspect_update``.

The native decoder validates an update and integrates it; it does not report what the
update holds struct by struct. This walk reads the struct headers and contents that
``validate_update`` already accepted (so it never sees malformed bytes) and collects what a
reader of the bytes wants to know: the clock ranges of each client, the structs by content
kind, the clocks the structs depend on, and the type of each root as far as the content
shows it (root types are not part of the wire format).

Wire layout (Yjs ``utils/encoding.js`` ``writeClientsStructs``, ``structs/Item.js#write``)::

    update  = varuint(clients) client* delete_set
    client  = varuint(structs) varuint(client) varuint(clock) struct*
    struct  = info:u8 ( GC | Skip: varuint(length)
                      | [origin id if info & 0x80] [right origin id if info & 0x40]
                        [parent if neither: varuint(1) root-name | varuint(0) id,
                         then parent-sub string if info & 0x20]
                        content (kind = info & 0x1F) )
    id      = varuint(client) varuint(clock)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

#: Content kinds by ref number (Yjs ``structs/Content*.js`` ``getRef``; 0 is a GC struct
#: and 10 a Skip, which are structs without content).
CONTENT_KINDS: dict[int, str] = {
    0: "gc",
    1: "deleted",
    2: "json",
    3: "binary",
    4: "string",
    5: "embed",
    6: "format",
    7: "type",
    8: "any",
    9: "doc",
    10: "skip",
}
#: Shared type names by type ref (Yjs ``YArrayRefID`` ... ``YXmlTextRefID``).
TYPE_NAMES: dict[int, str] = {
    0: "array",
    1: "map",
    2: "text",
    3: "xml_element",
    4: "xml_fragment",
    5: "xml_hook",
    6: "xml_text",
}
_GC, _SKIP, _STRING, _EMBED, _FORMAT, _TYPE = 0, 10, 4, 5, 6, 7
_TEXT_KINDS = frozenset((_STRING, _EMBED, _FORMAT))


class Reader:
    """lib0 reads over bytes that the native decoder already validated."""

    __slots__ = ("buf", "pos")

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def byte(self) -> int:
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def uint(self) -> int:
        n, shift = 0, 0
        while True:
            b = self.byte()
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7

    def sint(self) -> None:
        b = self.byte()
        while b & 0x80:
            b = self.byte()

    def skip(self, n: int) -> None:
        if self.pos + n > len(self.buf):
            raise IndexError("truncated")
        self.pos += n

    def string(self) -> str:
        n = self.uint()
        start = self.pos
        self.skip(n)
        return self.buf[start : self.pos].decode("utf-8", "surrogatepass")

    def any(self) -> None:
        tag = self.byte()
        if tag in (127, 126, 121, 120):
            return
        if tag == 125:
            self.sint()
        elif tag == 124:
            self.skip(4)
        elif tag in (123, 122):
            self.skip(8)
        elif tag == 119:
            self.string()
        elif tag == 118:
            for _ in range(self.uint()):
                self.string()
                self.any()
        elif tag == 117:
            for _ in range(self.uint()):
                self.any()
        elif tag == 116:
            self.skip(self.uint())
        else:
            raise ValueError(f"unknown Any tag {tag}")


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _content(r: Reader, ref: int) -> tuple[int, int]:
    """Reads an item's content: ``(length in Yjs units, type ref or -1)``."""
    if ref == 1:  # deleted
        return r.uint(), -1
    if ref == 2:  # JSON
        n = r.uint()
        for _ in range(n):
            r.string()
        return n, -1
    if ref == 3:  # binary
        r.skip(r.uint())
        return 1, -1
    if ref == _STRING:
        return _utf16_len(r.string()), -1
    if ref == _EMBED:
        r.string()
        return 1, -1
    if ref == _FORMAT:
        r.string()
        r.string()
        return 1, -1
    if ref == _TYPE:
        type_ref = r.uint()
        if type_ref in (3, 5):  # XmlElement, XmlHook carry a name
            r.string()
        return 1, type_ref
    if ref == 8:  # any
        n = r.uint()
        for _ in range(n):
            r.any()
        return n, -1
    if ref == 9:  # doc
        r.string()
        r.any()
        return 1, -1
    raise ValueError(f"unknown content ref {ref}")


@dataclass(eq=False, slots=True)
class _Item:
    """An item's header: where it sits, for resolving the parent of items with an origin."""

    client: int
    clock: int
    end: int
    ref: int
    origin: tuple[int, int] | None
    right_origin: tuple[int, int] | None
    root: str | None  # the root it belongs to once known
    keyed: bool  # it has a parent-sub (a map entry)
    resolved: bool  # root/keyed are final


@dataclass
class UpdateScan:
    """What the walk found (see ``scan_update``)."""

    ranges: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    structs: int = 0
    skips: int = 0
    delete_set_offset: int = 0
    end: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    needed: dict[int, int] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)

    def missing(self) -> dict[int, list[tuple[int, int]]]:
        """``{client: [(start, end), ...]}``: clocks the structs depend on that the update
        does not carry (so a document that has none of them holds those structs back)."""
        out: dict[int, list[tuple[int, int]]] = {}
        for client in sorted(self.needed, reverse=True):
            need, at, gaps = self.needed[client], 0, []
            for start, end in self.ranges.get(client, []):
                if start >= need:
                    break
                if start > at:
                    gaps.append((at, start))
                at = max(at, end)
            if at < need:
                gaps.append((at, need))
            if gaps:
                out[client] = gaps
        return out


def _need(needed: dict[int, int], client: int, clock: int) -> None:
    if needed.get(client, 0) <= clock:
        needed[client] = clock + 1


def scan_update(update: bytes) -> UpdateScan:
    """Walks a v1 update that ``validate_update`` accepted.

    Returns:
        An ``UpdateScan``: ``ranges`` ``{client: [(start, end), ...]}`` of the structs it
        carries (GC included, Skips not; end exclusive), ``structs``/``skips`` counts,
        ``delete_set_offset`` (where the delete set starts), ``end`` (where it ends;
        Yjs ignores any bytes after it), ``kinds`` (struct counts by
        content kind; types as ``"type:map"`` etc.), ``needed`` (``{client: clock}``, the
        state each client must reach for every struct to integrate: own predecessors,
        origins and parents) and ``roots`` (each root named in the update with the type
        its content suggests: ``"text"`` if its sequence holds strings, embeds or formats
        (a text's attributes are keyed entries too), else ``"map"`` if it has keyed
        entries, else ``"array"``).
    """
    r = Reader(update)
    scan = UpdateScan()
    kinds, needed = scan.kinds, scan.needed
    items: list[_Item] = []
    evidence: dict[str, set[str]] = {}
    for _ in range(r.uint()):
        count, client, clock = r.uint(), r.uint(), r.uint()
        runs = scan.ranges.setdefault(client, [])
        after_gap = True  # the struct follows a clock this update does not carry
        for _ in range(count):
            info = r.byte()
            ref = info & 0x1F
            if after_gap and clock and ref != _SKIP:
                _need(needed, client, clock - 1)
            after_gap = ref == _SKIP
            if ref in (_GC, _SKIP):
                length = r.uint()
            else:
                origin = right = None
                root: str | None = None
                keyed = has_parent = False
                if info & 0x80:
                    origin = (r.uint(), r.uint())
                    _need(needed, *origin)
                if info & 0x40:
                    right = (r.uint(), r.uint())
                    _need(needed, *right)
                if not info & 0xC0:
                    has_parent = True
                    if r.uint() == 1:
                        root = r.string()
                    else:
                        _need(needed, r.uint(), r.uint())
                    if info & 0x20:
                        r.string()
                        keyed = True
                length, type_ref = _content(r, ref)
                kind = CONTENT_KINDS[ref]
                if type_ref >= 0:
                    kind = f"type:{TYPE_NAMES.get(type_ref, str(type_ref))}"
                kinds[kind] = kinds.get(kind, 0) + 1
                items.append(
                    _Item(
                        client, clock, clock + length, ref, origin, right, root, keyed, has_parent
                    )
                )
            if ref == _SKIP:
                scan.skips += 1
            else:
                scan.structs += 1
                if ref == _GC:
                    kinds["gc"] = kinds.get("gc", 0) + 1
                if runs and runs[-1][1] == clock:
                    runs[-1] = (runs[-1][0], clock + length)
                else:
                    runs.append((clock, clock + length))
            clock += length
        if not runs:
            del scan.ranges[client]
    scan.delete_set_offset = r.pos
    for _ in range(r.uint()):  # the delete set: client, ranges, (clock, length) per range
        r.uint()
        for _ in range(2 * r.uint()):
            r.uint()
    scan.end = r.pos
    for item in _resolve(items):
        if item.root is not None:
            seen = evidence.setdefault(item.root, set())
            if item.keyed:
                seen.add("map")
            elif item.ref in _TEXT_KINDS:
                seen.add("text")
    for name, seen in evidence.items():
        scan.roots[name] = "text" if "text" in seen else "map" if "map" in seen else "array"
    return scan


def _resolve(items: list[_Item]) -> list[_Item]:
    """Gives every item whose parent comes from its origin (Yjs: an item with an origin
    has its origin's parent and parent-sub; one with only a right origin, the right
    origin's) the root and keyedness of the item it points to, where the update has it."""
    index: dict[int, tuple[list[int], list[_Item]]] = {}
    for item in items:
        starts, found = index.setdefault(item.client, ([], []))
        starts.append(item.clock)
        found.append(item)
    for starts, found in index.values():  # clients' structs are written in clock order
        order = sorted(range(len(starts)), key=starts.__getitem__)
        starts[:] = [starts[i] for i in order]
        found[:] = [found[i] for i in order]

    def target(item: _Item) -> _Item | None:
        ref = item.origin or item.right_origin
        if ref is None or ref[0] not in index:
            return None
        starts, found = index[ref[0]]
        i = bisect.bisect_right(starts, ref[1]) - 1
        return found[i] if i >= 0 and ref[1] < found[i].end else None

    for item in items:
        chain: list[_Item] = []
        on_chain: set[int] = set()  # a hostile update may point origins in a circle
        current: _Item | None = item
        while current is not None and not current.resolved and id(current) not in on_chain:
            chain.append(current)
            on_chain.add(id(current))
            current = target(current)
        root = current.root if current is not None and current.resolved else None
        keyed = current.keyed if current is not None and current.resolved else False
        for link in chain:
            link.root, link.keyed, link.resolved = root, keyed, True
    return items
