"""Cursors in awareness: a bot's own cursor/selection, shown to Yjs editors, and theirs.

Yjs editor bindings publish the local selection in the awareness state as
``state["cursor"] = {"anchor": pos, "head": pos}``, each ``pos`` a Yjs RelativePosition
(y-codemirror.next's ``yRemoteSelections``; y-prosemirror's cursor plugin, whose
``cursorStateField`` defaults to ``"cursor"``). The awareness state is sent as
``JSON.stringify`` of the RelativePosition *object*, so every member is present and the
absent ones are ``null``: ``{"type": null, "tname": "text", "item": {"client": 1,
"clock": 4}, "assoc": 0}``; receivers call ``createAbsolutePositionFromRelativePosition``
on that object directly. ``set_local_cursor`` publishes exactly that shape (with code-point
indices in, UTF-16 clocks on the wire) and ``remote_cursors`` reads what the editors publish.
Browsers draw a remote caret only for states that also have ``user: {name, color}``
(y-codemirror.next: ``{name, color, colorLight}``).

y-codemirror.next binds a Y.Text, so its users see a bot's caret and selection as this
module publishes them. y-prosemirror uses the same field and JSON shape, but its positions
point into a Y.XmlFragment (ProseMirror positions); crdtcore's Python API has no XML types
yet, so a bot cannot make positions a y-prosemirror editor would draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import Assoc, DecodeError, StickyIndex

if TYPE_CHECKING:
    from .. import Array, Text
    from ._awareness import Awareness

CURSOR_FIELD = "cursor"


def relative_position_object(position: StickyIndex) -> dict[str, Any]:
    """A sticky index as Yjs's RelativePosition object reads in JSON (every member present).

    Example:
        >>> doc = Doc({"text": Text("hi")}, client_id=7)
        >>> relative_position_object(doc["text"].sticky_index(1))
        {'type': None, 'tname': 'text', 'item': {'client': 7, 'clock': 1}, 'assoc': 0}
    """
    data = position.to_json()
    return {
        "type": data.get("type"),
        "tname": data.get("tname"),
        "item": data.get("item"),
        "assoc": data["assoc"],
    }


def set_local_cursor(
    awareness: Awareness,
    sequence: Text | Array,
    anchor: int,
    head: int | None = None,
    *,
    field: str = CURSOR_FIELD,
    now: float | None = None,
) -> None:
    """Publishes this client's cursor (``head`` omitted) or selection in awareness.

    Sets ``state[field] = {"anchor": ..., "head": ...}`` as y-codemirror.next does, so
    its users see this client's caret and selection (module docstring: y-prosemirror);
    the positions follow the text as it changes. Send the change as usual (e.g.
    ``awareness.encode_awareness_update([awareness.client_id])``).

    Args:
        awareness: This client's Awareness.
        sequence: The Text (or Array) the editors show.
        anchor: Where the selection starts (code points), or the caret.
        head: Where it ends (the caret side); ``anchor`` when omitted.
        field: The state field (``"cursor"``, as y-codemirror.next and y-prosemirror use).
        now: The current time in milliseconds (see Awareness).

    Raises:
        IndexError: An index is outside ``sequence``.

    Example:
        >>> doc = Doc({"codemirror": Text("hello 😀 world")}, client_id=1)
        >>> awareness = Awareness(doc)
        >>> awareness.set_local_state_field("user", {"name": "bot", "color": "#30bced"})
        >>> set_local_cursor(awareness, doc["codemirror"], 6, 8)  # selects "😀 "
        >>> awareness.get_local_state()["cursor"]["head"]
        {'type': None, 'tname': 'codemirror', 'item': {'client': 1, 'clock': 9}, 'assoc': 0}
        >>> frame = awareness.encode_awareness_update([awareness.client_id])  # send it
    """
    head = anchor if head is None else head
    value = {
        "anchor": relative_position_object(StickyIndex.new(sequence, anchor, Assoc.AFTER)),
        "head": relative_position_object(StickyIndex.new(sequence, head, Assoc.AFTER)),
    }
    awareness.set_local_state_field(field, value, now=now)


def clear_local_cursor(
    awareness: Awareness, *, field: str = CURSOR_FIELD, now: float | None = None
) -> None:
    """Removes this client's cursor (``state[field] = None``, as the editors do on blur).

    Example:
        >>> awareness = Awareness(Doc())
        >>> clear_local_cursor(awareness)
        >>> awareness.get_local_state()
        {'cursor': None}
    """
    awareness.set_local_state_field(field, None, now=now)


def remote_cursors(
    awareness: Awareness, sequence: Text | Array, *, field: str = CURSOR_FIELD
) -> dict[int, tuple[int, int]]:
    """The other clients' cursors in ``sequence``: client id -> ``(anchor, head)``.

    Indices are code points, resolved now (call again after edits). Clients without a
    cursor, with a malformed one, or with one in another type are left out, as the
    editors leave them out.

    Example:
        >>> doc = Doc({"text": Text("hello")}, client_id=1)
        >>> mine, theirs = Awareness(doc), Awareness(Doc(client_id=2))
        >>> theirs.set_local_state_field("cursor", {
        ...     "anchor": {"type": None, "tname": "text", "item": {"client": 1, "clock": 1},
        ...                "assoc": 0},
        ...     "head": {"type": None, "tname": "text", "item": None, "assoc": 0}})
        >>> _ = mine.apply_awareness_update(theirs.encode_awareness_update([2]), "net")
        >>> doc["text"].insert(0, "¡")
        >>> remote_cursors(mine, doc["text"])
        {2: (2, 6)}
    """
    found: dict[int, tuple[int, int]] = {}
    for client, state in awareness.states.items():
        if client == awareness.client_id or not isinstance(state, dict):
            continue
        cursor = state.get(field)
        if not isinstance(cursor, dict):
            continue
        ends = cursor.get("anchor"), cursor.get("head")
        if not isinstance(ends[0], dict) or not isinstance(ends[1], dict):
            continue
        try:
            anchor = StickyIndex.from_json(ends[0], sequence).resolve(sequence)
            head = StickyIndex.from_json(ends[1], sequence).resolve(sequence)
        except DecodeError:
            continue
        if anchor is not None and head is not None:
            found[client] = (anchor, head)
    return found
