"""StickyIndex: a cursor position that stays with its character (Yjs RelativePosition).

An index into a Text or an Array moves when others edit before it; a sticky index
names the character (or element) next to the position instead, so it resolves to
the same place after any local or remote edit. Its bytes (``encode``) and JSON
(``to_json``) are Yjs's ``encodeRelativePosition`` and ``relativePositionToJSON``, so
positions travel between crdtcore and Yjs clients (y-codemirror, y-prosemirror)
unchanged. Text indices are in the document's offset unit (Python ``str`` indices, i.e.
code points, by default), as everywhere in crdtcore; the ids inside count UTF-16 units,
as in Yjs, so a position means the same place whatever unit made it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self, TypeAlias

from . import _core
from .errors import DecodeError

if TYPE_CHECKING:
    from ._array import Array
    from ._text import Text
    from ._transaction import Transaction

    Sequence: TypeAlias = Text | Array


class Assoc(IntEnum):
    """Which neighbour a sticky index keeps to (Yjs ``assoc``).

    ``AFTER`` (0, the default) keeps the position just before the character that
    follows it, so text inserted at the position ends up before it (a typing cursor).
    ``BEFORE`` (-1) keeps it just after the character that precedes it, so inserted
    text ends up after it. At the end of a sequence ``AFTER`` stays at the end.

    Example:
        >>> Assoc.AFTER, Assoc.BEFORE
        (<Assoc.AFTER: 0>, <Assoc.BEFORE: -1>)
    """

    AFTER = 0
    BEFORE = -1


class StickyIndex:
    """A position in a Text or an Array that survives concurrent edits.

    Make one with ``StickyIndex.new(sequence, index)`` or ``sequence.sticky_index(index)``;
    read where it is now with ``get_index()``.

    Example:
        >>> doc = Doc({"text": Text("hello world")})
        >>> text = doc["text"]
        >>> cursor = text.sticky_index(6)  # before "w"
        >>> text.insert(0, "😀 ")  # someone types before it
        >>> cursor.get_index(), str(text)[cursor.get_index()]
        (8, 'w')
    """

    __slots__ = ("_native", "_sequence")

    def __init__(self, native: _core.StickyIndex, sequence: Sequence | None = None) -> None:
        self._native = native
        self._sequence = sequence

    @classmethod
    def new(cls, sequence: Sequence, index: int, assoc: Assoc = Assoc.AFTER) -> Self:
        """The sticky index at ``index`` of ``sequence`` (``len(sequence)``: the end).

        Args:
            sequence: An integrated Text or Array.
            index: A position from 0 to ``len(sequence)`` (for Text in the document's
                offset unit; IndexError inside a UTF-8 character).
            assoc: ``Assoc.AFTER`` sticks to the character after the position,
                ``Assoc.BEFORE`` to the one before it.

        Raises:
            IndexError: ``index`` is negative or beyond the end.
            TypeError: ``sequence`` is not a Text or an Array.
            RuntimeError: ``sequence`` is not integrated or was deleted.

        Example:
            >>> doc = Doc({"a": Array([1, 2, 3])})
            >>> s = StickyIndex.new(doc["a"], 3, Assoc.BEFORE)
            >>> doc["a"].append(4)
            >>> s.get_index(), s.assoc
            (3, <Assoc.BEFORE: -1>)
        """
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int, not '{type(index).__name__}'")
        if index < 0:
            raise IndexError("index out of range")
        if not isinstance(sequence, _core.Text | _core.Array):
            raise TypeError(
                f"sticky indices exist in a Text or an Array, not in a {type(sequence).__name__}"
            )
        return cls(_core.StickyIndex.from_index(sequence, index, int(Assoc(assoc))), sequence)

    @property
    def assoc(self) -> Assoc:
        """``Assoc.BEFORE`` when the position keeps to the character before it."""
        return Assoc.BEFORE if self._native.assoc < 0 else Assoc.AFTER

    @property
    def sequence(self) -> Sequence | None:
        """The Text or Array given when this sticky index was made or decoded, or None."""
        return self._sequence

    def resolve(self, sequence: Sequence) -> int | None:
        """The index in ``sequence`` now, or None when the position is not in it.

        None also when the content it names is unknown, garbage-collected with its
        type, or in a deleted type.

        Example:
            >>> doc = Doc({"a": Text("abc"), "b": Text("abc")})
            >>> s = doc["a"].sticky_index(2)
            >>> s.resolve(doc["a"]), s.resolve(doc["b"])
            (2, None)
        """
        if not isinstance(sequence, _core.Shared) or not sequence._valid:
            return None
        return self._native.resolve_in(sequence)

    def get_index(self, txn: Transaction | None = None) -> int:
        """The index now: in this sticky index's sequence, else in ``txn``'s document.

        Args:
            txn: A transaction of the document to resolve in; needed when the sticky
                index was decoded without a sequence.

        Raises:
            ValueError: The position cannot be resolved (see ``resolve``), or resolves
                into another type than this sticky index's sequence.
            RuntimeError: Neither a sequence nor a transaction is available.

        Example:
            >>> doc = Doc({"t": Text("abc")})
            >>> data = doc["t"].sticky_index(1).encode()
            >>> with doc.transaction() as txn:
            ...     StickyIndex.decode(data).get_index(txn)
            1
        """
        if self._sequence is not None:
            index = self.resolve(self._sequence)
        elif txn is not None:
            found = self._native.resolve(txn._native_doc)
            index = None if found is None else found[1]
        else:
            raise RuntimeError("No transaction available: give a transaction or a sequence")
        if index is None:
            raise ValueError("Sticky index cannot be resolved")
        return index

    def encode(self) -> bytes:
        """Yjs ``encodeRelativePosition`` bytes.

        Example:
            >>> Doc({"t": Text("ab")}, client_id=1)["t"].sticky_index(1).encode()
            b'\\x00\\x01\\x01\\x00'
        """
        return self._native.encode()

    @classmethod
    def decode(cls, data: bytes, sequence: Sequence | None = None) -> Self:
        """Reads Yjs ``encodeRelativePosition`` bytes.

        Args:
            data: The bytes.
            sequence: The Text or Array the position is in (used by ``get_index``).

        Raises:
            DecodeError: Truncated or malformed bytes (a ValueError).

        Example:
            >>> doc = Doc({"t": Text("ab")})
            >>> StickyIndex.decode(doc["t"].sticky_index(2).encode(), doc["t"]).get_index()
            2
        """
        try:
            native = _core.StickyIndex.decode(data)
        except DecodeError as e:
            raise DecodeError(f"Cannot decode sticky index: {e}") from None
        return cls(native, sequence)

    def to_json(self) -> dict[str, Any]:
        """Yjs ``relativePositionToJSON``: ``type`` or ``tname``, ``item``, ``assoc``.

        Example:
            >>> Doc({"t": Text("ab")}, client_id=1)["t"].sticky_index(1).to_json()
            {'tname': 't', 'item': {'client': 1, 'clock': 1}, 'assoc': 0}
        """
        result: dict[str, Any] = self._native.to_json()
        return result

    @classmethod
    def from_json(cls, data: dict[str, Any], sequence: Sequence | None = None) -> Self:
        """Yjs ``createRelativePositionFromJSON`` (null members count as absent).

        Also reads what Yjs clients put in awareness states (``JSON.stringify`` of a
        RelativePosition, with ``null`` members).

        Raises:
            DecodeError: ``data`` names no item or type, or a member has the wrong
                type (a ValueError).

        Example:
            >>> doc = Doc({"t": Text("abc")}, client_id=1)
            >>> data = {"type": None, "tname": "t", "item": {"client": 1, "clock": 2}, "assoc": 0}
            >>> StickyIndex.from_json(data, doc["t"]).get_index()
            2
        """
        try:
            native = _core.StickyIndex.from_json(data)
        except (DecodeError, TypeError, ValueError) as e:
            raise DecodeError(f"Cannot decode sticky index JSON: {e}") from None
        return cls(native, sequence)

    def __eq__(self, other: object) -> bool:
        """Same position (same parts and assoc), whatever sequence it is bound to."""
        if not isinstance(other, StickyIndex):
            return NotImplemented
        return bool(self._native == other._native)

    def __hash__(self) -> int:
        return hash(repr(self.to_json()))

    def __repr__(self) -> str:
        return f"StickyIndex({self.to_json()!r})"
