"""OffsetKind: the unit in which a document counts Text positions.

Text is stored as UTF-16 (Yjs's unit) in every document, and the update bytes do not
depend on the unit; the offset kind only decides what Text's indices and lengths count
(``len``, ``insert``, slicing, ``del``, ``format``, deltas of events, sticky indices):

* ``CODE_POINT`` (the default): Python ``str`` indices.
* ``UTF8``: bytes of the UTF-8 encoding, as pycrdt and yrs count them
  (``len(s.encode())``). An index that falls inside a multi-byte character raises
  ``IndexError``; the document is left unchanged.
* ``UTF16``: UTF-16 code units, as Yjs and JavaScript count them (an emoji is 2).
"""

from __future__ import annotations

import enum

from . import _core


class OffsetKind(enum.StrEnum):
    """Unit of a document's Text indices: ``Doc(offset_kind=OffsetKind.UTF8)``.

    The members are also ``str`` values, which ``Doc`` accepts as well
    (``Doc(offset_kind="utf8")``).

    Example:
        >>> from crdtcore import Doc, OffsetKind, Text
        >>> doc = Doc({"t": Text("héllo")}, offset_kind=OffsetKind.UTF8)
        >>> len(doc["t"]), doc["t"][1:3]
        (6, 'é')
    """

    CODE_POINT = "code_point"
    UTF8 = "utf8"
    UTF16 = "utf16"

    @classmethod
    def parse(cls, value: OffsetKind | str) -> OffsetKind:
        """The member for ``value``: a member, or its value or name in any case.

        Raises:
            ValueError: ``value`` names no offset kind.
            TypeError: ``value`` is not a str.
        """
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise TypeError(
                f"offset_kind must be an OffsetKind or a str, not '{type(value).__name__}'"
            )
        key = value.lower()
        for member in cls:
            if key in (member.value, member.name.lower()):
                return member
        raise ValueError(
            f"unknown offset_kind {value!r} (expected one of: {', '.join(m.value for m in cls)})"
        )

    def units(self, s: str) -> int:
        """The length of ``s`` in this unit.

        Example:
            >>> OffsetKind.UTF8.units("é😀"), OffsetKind.UTF16.units("é😀")
            (6, 3)
        """
        if self is OffsetKind.CODE_POINT:
            return len(s)
        if self is OffsetKind.UTF8:
            return len(s.encode("utf-8", "surrogatepass"))
        return len(s.encode("utf-16-le", "surrogatepass")) // 2

    @property
    def _native(self) -> _core.OffsetKind:
        return _NATIVE[self]


_NATIVE = {
    OffsetKind.CODE_POINT: _core.OffsetKind.CodePoint,
    OffsetKind.UTF8: _core.OffsetKind.Utf8,
    OffsetKind.UTF16: _core.OffsetKind.Utf16,
}
_FROM_NATIVE = {native: kind for kind, native in _NATIVE.items()}
