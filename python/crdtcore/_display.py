"""Short reprs and Jupyter rich display (``_repr_html_``) for documents, shared types and
update bytes.

Everything here reads only what it shows: a Text is sliced (``t[:n]``), an Array is read
as ``a[:k]``, a Map's values are read for its first keys only, so displaying a document of
a million characters costs about as much as displaying a short one. The one exception is
formatting: the core gives a Text's formatting only for the whole text (``Text.diff``), so
a Text longer than ``FORMAT_SCAN_LIMIT`` units is shown as plain text (with a note).

The HTML uses only ``<div>``, ``<span>``, ``<details>``, lists and tables with inline
styles (no scripts), and every piece of content is HTML-escaped.
"""

from __future__ import annotations

import html
import re
import reprlib
from typing import TYPE_CHECKING, Any

from . import _core
from ._base import BaseType, wrap
from ._update_scan import scan_update

if TYPE_CHECKING:
    from ._doc import Doc

#: Characters of a Text shown by ``repr``.
REPR_TEXT_CHARS = 60
#: Elements of an Array / entries of a Map shown by ``repr``.
REPR_ITEMS = 5
#: Longest ``repr`` of any plain value inside a repr.
REPR_VALUE_CHARS = 80
#: Characters of a Text shown in HTML.
HTML_TEXT_CHARS = 1000
#: Texts up to this many units are shown with their formatting (the core's diff reads the
#: whole text); longer ones are shown as plain text.
FORMAT_SCAN_LIMIT = 20_000
#: Elements of an Array / entries of a Map shown in HTML, per level.
HTML_ITEMS = 20
#: Nesting levels of shared types expanded in HTML.
HTML_DEPTH = 4

_CSS_BOX = (
    "font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;"
    "line-height:1.5;border:1px solid #ddd;border-radius:4px;padding:4px 8px"
)
_CSS_CHIP = (
    "display:inline-block;padding:0 5px;margin:0 1px;border-radius:8px;"
    "background:#e8eef7;color:#234;font-size:11px"
)
_CSS_NOTE = "color:#888;font-style:italic"
_CSS_BADGE = "border-bottom:1px dotted #888"
_SAFE_CSS_VALUE = re.compile(r"^[#a-zA-Z0-9(),.% -]{1,64}$")
_SAFE_LINK = re.compile(r"^(https?://|mailto:|/|#)", re.IGNORECASE)


class _Repr(reprlib.Repr):
    def repr_dict(self, x: dict[Any, Any], level: int) -> str:
        # reprlib sorts the keys; keep the dict's own order.
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        pieces = [
            f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
            for k, v in list(x.items())[: self.maxdict]
        ]
        if len(x) > self.maxdict:
            pieces.append("...")
        return "{" + ", ".join(pieces) + "}"


def _make_repr() -> reprlib.Repr:
    r = _Repr()
    r.maxlevel = 3
    r.maxstring = REPR_TEXT_CHARS
    r.maxother = REPR_VALUE_CHARS
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = REPR_ITEMS
    r.maxlong = 40
    return r


_REPR = _make_repr()


def short_repr(value: Any, limit: int = REPR_VALUE_CHARS) -> str:
    """A ``repr`` of ``value`` at most ``limit`` characters long (shared types use their own
    short repr): long strings, lists and dicts show their start, deep nesting ``...``.

    Example:
        >>> short_repr(list(range(100)))
        '[0, 1, 2, 3, 4, ...]'
        >>> short_repr({"b": 1, "a": "x" * 100}, limit=30)
        "{'b': 1, 'a': 'xxxxxxxxxxxxxx…"
    """
    if isinstance(value, BaseType):
        return repr(value)
    text = _REPR.repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# -- reading a bounded part of a shared type ---------------------------------------------


def text_head(text: Any, units: int) -> tuple[str, int]:
    """The first ``units`` units of a Text (or fewer, ending on a character) and its length.

    Reads ``text[:n]`` only, never the whole text.
    """
    if not text._valid:
        prelim: str = text._prelim
        return prelim[:units], len(prelim)
    total = len(text)
    n = min(units, total)
    for _ in range(4):  # a UTF-8/UTF-16 bound may fall inside a character
        try:
            return text[0:n], total
        except IndexError:
            n -= 1
    return "", total


def _text_units(text: Any, s: str) -> int:
    doc = text._doc
    return len(s) if doc is None else doc.offset_kind.units(s)


def _unit_word(text: Any) -> str:
    """What a Text's lengths count: characters, or UTF-8 bytes / UTF-16 units."""
    doc = text._doc
    kind = "code_point" if doc is None else doc.offset_kind.value
    return {"utf8": "UTF-8 bytes", "utf16": "UTF-16 units"}.get(kind, "characters")


def array_head(array: Any, count: int) -> tuple[list[Any], int]:
    """The first ``count`` elements of an Array and its length (reads ``a[:count]``)."""
    if not array._valid:
        prelim: list[Any] = array._prelim
        return prelim[:count], len(prelim)
    total = len(array)
    return array[0 : min(count, total)], total


def map_head(map_: Any, count: int) -> tuple[list[tuple[str, Any]], int]:
    """The first ``count`` entries of a Map (in key order) and its size.

    Only the keys of the whole map are read; values only for the entries returned.
    """
    if not map_._valid:
        prelim: dict[str, Any] = map_._prelim
        keys = sorted(prelim)
        return [(k, prelim[k]) for k in keys[:count]], len(keys)
    keys = map_._keys()
    doc = map_._doc
    return [(k, wrap(map_._get(k), doc)) for k in keys[:count]], len(keys)


def type_size(value: Any) -> str:
    """``"5 chars"``, ``"3 items"`` or ``"2 keys"`` for a shared type."""
    kind = type(value).__name__
    n = len(value) if value._valid else len(value._prelim)
    word = {"Text": "char", "Array": "item", "Map": "key"}.get(kind, "item")
    return _plural(n, word)


# -- reprs ---------------------------------------------------------------------------


def type_repr(value: Any) -> str:
    """The bounded ``repr`` of a Text, Array or Map.

    Short content is shown whole (``Text('hi')``, ``Array([1, 2])``); longer content shows
    its start and its size, e.g. ``Text('hello wo…', 200000 chars)``.
    """
    name = type(value).__name__
    if name == "Text":
        head, total = text_head(value, REPR_TEXT_CHARS)
        shown = _text_units(value, head)
        if shown >= total:
            return f"{name}({head!r})"
        return f"{name}({(head + '…')!r}, {total} chars)"
    if name == "Array":
        items, total = array_head(value, REPR_ITEMS)
        body = ", ".join(short_repr(v) for v in items)
        if total > len(items):
            return f"{name}([{body}, …], {total} items)"
        return f"{name}([{body}])"
    entries, total = map_head(value, REPR_ITEMS)
    body = ", ".join(f"{k!r}: {short_repr(v)}" for k, v in entries)
    if total > len(entries):
        return f"{name}({{{body}, …}}, {total} keys)"
    return f"{name}({{{body}}})"


def doc_repr(doc: Doc) -> str:
    """The bounded ``repr`` of a Doc (at most ``REPR_ITEMS`` root names)."""
    names = doc.keys()
    shown = ", ".join(short_repr(n) for n in names[:REPR_ITEMS])
    if len(names) > REPR_ITEMS:
        shown += f", … {len(names) - REPR_ITEMS} more"
    return f"Doc(client_id={doc.client_id}, roots=[{shown}])"


# -- HTML ----------------------------------------------------------------------------


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _chip(label: str, title: str | None = None) -> str:
    tip = f' title="{_esc(title)}"' if title else ""
    return f'<span style="{_CSS_CHIP}"{tip}>{_esc(label)}</span>'


def _note(text: str) -> str:
    return f'<span style="{_CSS_NOTE}">{_esc(text)}</span>'


def _box(body: str, cls: str) -> str:
    return f'<div class="crdtcore-{cls}" style="{_CSS_BOX}">{body}</div>'


def _format_span(content_html: str, attrs: dict[str, Any] | None) -> str:
    """Wraps HTML of text content in the tags its Yjs/Quill attributes stand for."""
    if not attrs:
        return content_html
    out = content_html
    styles: list[str] = []
    others: list[str] = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        k = key.lower()
        if k in ("bold", "b", "strong"):
            out = f"<b>{out}</b>"
        elif k in ("italic", "i", "em"):
            out = f"<i>{out}</i>"
        elif k in ("underline", "u"):
            out = f"<u>{out}</u>"
        elif k in ("strike", "s", "strikethrough"):
            out = f"<s>{out}</s>"
        elif k in ("link", "href") and isinstance(value, str) and _SAFE_LINK.match(value):
            out = f'<a href="{_esc(value)}" target="_blank" rel="noopener noreferrer">{out}</a>'
        elif (
            k in ("color", "background") and isinstance(value, str) and _SAFE_CSS_VALUE.match(value)
        ):
            prop = "color" if k == "color" else "background-color"
            styles.append(f"{prop}:{value}")
        else:
            others.append(f"{key}: {short_repr(value)}")
    if styles:
        out = f'<span style="{_esc(";".join(styles))}">{out}</span>'
    if others:
        out = f'<span style="{_CSS_BADGE}" title="{_esc("; ".join(others))}">{out}</span>'
    return out


def _text_body(content: str) -> str:
    return _esc(content).replace("\n", "<br>")


def text_html(text: Any) -> str:
    """HTML of a Text: its first ``HTML_TEXT_CHARS`` characters with their formatting, embeds
    and nested types as chips, and a "… N more characters" note when there is more."""
    head = f"<b>Text</b> {_note(type_size(text))}"
    total = len(text) if text._valid else len(text._prelim)
    if text._valid and total <= FORMAT_SCAN_LIMIT:
        parts: list[str] = []
        budget = HTML_TEXT_CHARS
        remaining = 0
        for content, attrs in text.diff():
            if isinstance(content, str):
                units = _text_units(text, content)
                if budget <= 0:
                    remaining += units
                    continue
                shown = content[:budget]
                budget -= len(shown)
                remaining += units - _text_units(text, shown)
                parts.append(_format_span(_text_body(shown), attrs))
            else:
                if budget <= 0:
                    remaining += 1
                    continue
                budget -= 1
                if isinstance(content, BaseType):
                    chip = _chip(f"{type(content).__name__} ({type_size(content)})", repr(content))
                else:
                    chip = _chip(f"embed {short_repr(content)}", short_repr(content))
                parts.append(_format_span(chip, attrs))
        body = "".join(parts)
        note = ""
    else:
        shown, total = text_head(text, HTML_TEXT_CHARS)
        remaining = total - _text_units(text, shown)
        body = _text_body(shown)
        note = (
            f"<br>{_note(f'formatting not shown for texts over {FORMAT_SCAN_LIMIT} characters')}"
            if text._valid
            else ""
        )
    if remaining > 0:
        note = f"<br>{_note(f'… {remaining} more {_unit_word(text)}')}" + note
    return _box(f'{head}<div style="white-space:pre-wrap">{body}</div>{note}', "text")


def _value_html(value: Any, depth: int) -> str:
    if isinstance(value, BaseType):
        return _type_tree(value, depth)
    return f"<code>{_esc(short_repr(value))}</code>"


def _type_tree(value: Any, depth: int) -> str:
    name = type(value).__name__
    label = f"{name} ({type_size(value)})"
    if name == "Text":
        shown, total = text_head(value, REPR_TEXT_CHARS)
        more = "…" if _text_units(value, shown) < total else ""
        return f"{_chip(label)} <code>{_esc(repr(shown + more))}</code>"
    if depth >= HTML_DEPTH:
        return f"{_chip(label)} {_note('… (depth limit)')}"
    rows: list[str] = []
    if name == "Array":
        items, total = array_head(value, HTML_ITEMS)
        for i, item in enumerate(items):
            rows.append(
                f'<li><span style="{_CSS_NOTE}">{i}:</span> {_value_html(item, depth + 1)}</li>'
            )
        rest, word = total - len(items), "item"
    else:
        entries, total = map_head(value, HTML_ITEMS)
        for key, item in entries:
            rows.append(f"<li><b>{_esc(repr(key))}</b>: {_value_html(item, depth + 1)}</li>")
        rest, word = total - len(entries), "item"
    if rest > 0:
        rows.append(
            f"<li>{_note(f'… {rest} more {word}s' if rest != 1 else f'… 1 more {word}')}</li>"
        )
    opened = " open" if depth == 0 else ""
    body = "".join(rows)
    return (
        f"<details{opened}><summary><b>{_esc(name)}</b> {_note(type_size(value))}</summary>"
        f'<ul style="list-style:none;margin:0;padding-left:1.2em">{body}</ul></details>'
    )


def tree_html(value: Any) -> str:
    """HTML of an Array or Map: a collapsible ``<details>`` tree, ``HTML_ITEMS`` entries per
    level with a "… N more items" note, nested types down to ``HTML_DEPTH`` levels."""
    return _box(_type_tree(value, 0), type(value).__name__.lower())


def doc_html(doc: Doc) -> str:
    """HTML of a Doc: client id, offset kind and a table of its roots with type and size."""
    names = doc.keys()
    rows: list[str] = []
    for name in names[:HTML_ITEMS]:
        handle = doc._native.root(name)
        if handle is None or type(handle) is _core.Shared:
            kind, size = "untyped", "?"
        else:
            root = doc[name]
            kind, size = type(root).__name__, type_size(root)
        rows.append(
            f"<tr><td><b>{_esc(name)}</b></td><td>{_esc(kind)}</td><td>{_esc(size)}</td></tr>"
        )
    if len(names) > HTML_ITEMS:
        rows.append(
            f'<tr><td colspan="3">{_note(f"… {len(names) - HTML_ITEMS} more roots")}</td></tr>'
        )
    head = (
        f"<b>Doc</b> {_note(f'client_id={doc.client_id} · offset_kind={doc.offset_kind.value} · ')}"
        f"{_note(_plural(len(names), 'root'))}"
    )
    table = (
        '<table style="border-collapse:collapse;margin-top:4px">'
        '<tr><th style="text-align:left">root</th><th style="text-align:left">type</th>'
        f'<th style="text-align:left">size</th></tr>{"".join(rows)}</table>'
        if names
        else ""
    )
    return _box(head + table, "doc")


# -- update bytes ----------------------------------------------------------------------


class UpdateSummary:
    """What a v1 update holds, for reading in a notebook (``inspect_update``).

    Attributes:
        size: The update's size in bytes.
        clock_ranges: ``{client: [(start, end), ...]}``, the clock ranges of the structs
            the update carries (end exclusive; clients descending).
        structs: The number of structs (items and GC runs; skips not counted).
        skips: The number of skip structs (gaps left by ``merge_updates``).
        kinds: Struct counts by content kind (``"string"``, ``"any"``, ``"deleted"``,
            ``"gc"``, ...; shared types as ``"type:map"``, ``"type:text"``, ...).
        deletes: The delete set as ``{client: [(clock, length), ...]}``.
        delete_count: The number of units the delete set deletes.
        state: ``get_state(update)`` decoded, ``{client: clock}``.
        trailing_bytes: Bytes after the delete set, which decoders ignore (Yjs writes
            none; a Yjs v2 update read as v1 typically leaves some).
        missing: ``{client: [(start, end), ...]}``, the clocks the update's structs
            depend on (their own client's earlier clocks, origins, parents) that it does
            not carry: a document that lacks them holds those structs back as pending.
        roots: ``{name: "map" | "text" | "array"}``, the roots the update's structs
            belong to, each with the type its content suggests (the wire format does not
            carry root types): strings, embeds or formats make a text, else keyed
            entries a map, anything else an array.

    Raises:
        DecodeError: The update is malformed.

    Example:
        >>> s = inspect_update(Doc({"t": Text("hello")}, client_id=7).get_update())
        >>> s.clients, s.clock_ranges, s.structs, s.delete_count
        ([7], {7: [(0, 5)]}, 1, 0)
        >>> s.kinds, s.roots, s.missing
        ({'string': 1}, {'t': 'text'}, {})
    """

    def __init__(self, update: bytes) -> None:
        data = bytes(update)
        _core.validate_update(data)  # DecodeError for malformed input
        scan = scan_update(data)
        ranges, self.structs, self.skips = scan.ranges, scan.structs, scan.skips
        self.kinds: dict[str, int] = dict(sorted(scan.kinds.items()))
        self.missing: dict[int, list[tuple[int, int]]] = scan.missing()
        self.roots: dict[str, str] = dict(sorted(scan.roots.items()))
        self.size = len(data)
        self.trailing_bytes = len(data) - scan.end
        self.clock_ranges = {c: ranges[c] for c in sorted(ranges, reverse=True)}
        self.state: dict[int, int] = _core.decode_state_vector(
            _core.encode_state_vector_from_update(data)
        )
        self.deletes: dict[int, list[tuple[int, int]]] = _core.decode_delete_set(
            data[scan.delete_set_offset :]
        )
        self.delete_count = sum(n for runs in self.deletes.values() for _, n in runs)

    @property
    def clients(self) -> list[int]:
        """The clients with structs in the update, descending."""
        return list(self.clock_ranges)

    def __repr__(self) -> str:
        clients = ", ".join(str(c) for c in self.clients[:REPR_ITEMS])
        if len(self.clients) > REPR_ITEMS:
            clients += ", …"
        return (
            f"UpdateSummary({self.size} bytes, clients=[{clients}], structs={self.structs}, "
            f"deleted={self.delete_count})"
        )

    def _repr_html_(self) -> str:
        rows: list[str] = []
        for client, runs in list(self.clock_ranges.items())[:HTML_ITEMS]:
            shown = ", ".join(f"[{a}, {b})" for a, b in runs[:REPR_ITEMS])
            if len(runs) > REPR_ITEMS:
                shown += f", … {len(runs) - REPR_ITEMS} more"
            dels = sum(n for _, n in self.deletes.get(client, []))
            rows.append(f"<tr><td>{client}</td><td>{_esc(shown)}</td><td>{dels}</td></tr>")
        if len(self.clock_ranges) > HTML_ITEMS:
            rows.append(
                f'<tr><td colspan="3">{_note(f"… {len(self.clock_ranges) - HTML_ITEMS} more clients")}</td></tr>'
            )
        clients = _plural(len(self.clock_ranges), "client")
        structs = _plural(self.structs, "struct")
        summary = f"{self.size} bytes · {clients} · {structs} · {self.delete_count} deleted"
        head = f"<b>Update</b> {_note(summary)}"
        table = (
            '<table style="border-collapse:collapse;margin-top:4px"><tr>'
            '<th style="text-align:left">client</th><th style="text-align:left">clocks</th>'
            f'<th style="text-align:left">deleted</th></tr>{"".join(rows)}</table>'
        )
        return _box(head + table, "update")


def inspect_update(update: bytes) -> UpdateSummary:
    """A summary of a v1 update that displays as a table in Jupyter.

    Raises:
        DecodeError: The update is malformed.

    Example:
        >>> inspect_update(Doc({"t": Text("hi")}, client_id=3).get_update())  # doctest: +ELLIPSIS
        UpdateSummary(... bytes, clients=[3], structs=1, deleted=0)
    """
    return UpdateSummary(update)
