"""Text: collaborative rich text, like a Python ``str`` (Yjs YText).

Every index and length is in the document's offset unit (``Doc(offset_kind=...)``,
_offset_kind.py): by default a Python ``str`` index (Unicode code points), also for
emoji and other characters outside the BMP; UTF-8 bytes or UTF-16 units when the
document was made so. On the wire they are UTF-16 units, as in Yjs. ``insert``,
``len``, ``t[i]``, ``t[a:b]`` and ``del t[...]`` are methods of the native base class
(cpp/bindings/fast_calls.cpp, typed in _core.pyi); ``insert_embed`` and ``format`` are
thin methods here over native helpers. ``t[i]`` and ``del t[i]`` take one unit, which with
UTF-8 or UTF-16 offsets can be part of a character (IndexError).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _core
from ._base import _WRAPPERS, BaseType, wrap
from ._sticky_index import Assoc, StickyIndex
from .errors import SliceStepError


class Text(BaseType, _core.Text):
    """A shared text with formatting, indexed like a Python ``str``.

    Args:
        init: Initial content, inserted when the text joins a document.

    Raises:
        TypeError: ``init`` is not a str.

    Example:
        >>> doc = Doc()
        >>> doc["text"] = text = Text("😀 world")
        >>> text.insert(1, " hello")
        >>> str(text), len(text), text[0]
        ('😀 hello world', 13, '😀')
    """

    _type_kind = _core.TypeKind.Text
    _native = _core.Text

    def __init__(self, init: str | None = None) -> None:
        _core.Text.__init__(self)
        if init is not None and not isinstance(init, str):
            raise TypeError(f"Text() takes a str, not '{type(init).__name__}'")
        self._prelim = init or ""
        self._doc = None

    def insert_embed(self, index: int, value: Any, attrs: dict[str, Any] | None = None) -> None:
        """Inserts an embed (for example an image as a dict), one character long.

        Args:
            index: Where to insert, in characters, 0 <= index <= len(text).
            value: A storable value, usually a dict such as ``{"image": "cat.png"}``.
            attrs: Formatting attributes of the embed (none when omitted).

        Raises:
            IndexError: ``index`` is outside the text.
            TypeError: ``value`` cannot be stored (shared types cannot be embedded).
            RuntimeError: The text is not integrated into a document yet.

        Example:
            >>> t = Doc().get("t", type=Text)
            >>> t.insert_embed(0, {"image": "cat.png"})
            >>> t.diff()
            [({'image': 'cat.png'}, None)]
        """
        self._insert_embed(index, value, attrs)

    def format(self, start: int, stop: int, attrs: dict[str, Any]) -> None:
        """Applies formatting to the characters in [start, stop).

        Args:
            start: First character to format (in the document's offset unit).
            stop: End of the range, excluded; ``stop <= start`` formats nothing.
            attrs: Attributes to set; a key whose value is None is removed.

        Raises:
            IndexError: The range is outside the text (``stop > len(text)``).
            TypeError: An attribute value cannot be stored.
            RuntimeError: The text is not integrated into a document yet.

        Example:
            >>> t = Doc().get("t", type=Text)
            >>> t += "hello world"
            >>> t.format(0, 5, {"bold": True})
            >>> t.diff()
            [('hello', {'bold': True}), (' world', None)]
        """
        self._format(start, stop, attrs)

    def sticky_index(self, index: int, assoc: Assoc = Assoc.AFTER) -> StickyIndex:
        """A position at ``index`` that follows its character through edits (``StickyIndex.new``).

        Raises:
            IndexError: ``index`` is negative or beyond the end.

        Example:
            >>> text = Doc({"t": Text("ab")})["t"]
            >>> s = text.sticky_index(1)
            >>> text.insert(0, "😀")
            >>> s.get_index()
            2
        """
        return StickyIndex.new(self, index, assoc)

    def __str__(self) -> str:
        """The text as a ``str`` (the prelim content before integration).

        Example:
            >>> str(Text("prelim")), str(Doc({"t": Text("hi")})["t"])
            ('prelim', 'hi')
        """
        return self._str() if self._valid else self._prelim

    def to_py(self) -> str:
        """The text as a ``str`` (formatting and embeds dropped).

        Example:
            >>> Text("hi").to_py()
            'hi'
        """
        return self._str() if self._valid else self._prelim

    def __iter__(self) -> Iterator[str]:
        """Iterates over the characters.

        Example:
            >>> list(Doc({"t": Text("a😀")})["t"])
            ['a', '😀']
        """
        return iter(str(self))

    def __contains__(self, item: str) -> bool:
        """Whether ``item`` (a str) occurs in the text.

        Example:
            >>> "ll" in Doc({"t": Text("hello")})["t"]
            True
        """
        return item in str(self)

    def __iadd__(self, value: str) -> Text:
        """Appends ``value``: ``t += "more"``.

        Raises:
            TypeError: ``value`` is not a str.
            RuntimeError: The text is not integrated yet.

        Example:
            >>> doc = Doc({"t": Text("a")})
            >>> doc["t"] += "b"
            >>> str(doc["t"])
            'ab'
        """
        self.insert(len(self), value)
        return self

    def __setitem__(self, key: int | slice, value: str) -> None:
        """Replaces a character or a slice: ``t[0:5] = "Howdy"`` (one transaction).

        Args:
            key: An index or a slice with step 1.
            value: The replacement string; it takes the formatting in effect there.

        Raises:
            IndexError: The index is outside the text.
            ValueError: The slice has a step.
            TypeError: ``value`` is not a str.

        Example:
            >>> t = Doc({"t": Text("Hello world")})["t"]
            >>> t[0:5] = "Howdy"
            >>> str(t)
            'Howdy world'
        """
        if not isinstance(value, str):
            raise TypeError(f"Text items must be str, not '{type(value).__name__}'")
        with self.doc.transaction():
            if isinstance(key, slice):
                start, _, step = key.indices(len(self))
                if step != 1:
                    raise SliceStepError("Text slices cannot have a step")
                start_at = start
            else:
                start_at = key + len(self) if isinstance(key, int) and key < 0 else key
            del self[key]
            self.insert(start_at, value)

    def clear(self) -> None:
        """Deletes all the text.

        Example:
            >>> doc = Doc({"t": Text("abc")})
            >>> doc["t"].clear()
            >>> str(doc["t"])
            ''
        """
        del self[:]

    def diff(self) -> list[tuple[Any, dict[str, Any] | None]]:
        """The rich-text content as ``(content, attributes)`` chunks.

        ``content`` is a ``str``, an embed value or a shared type; ``attributes`` is a
        dict, or None for unformatted content.

        Example:
            >>> doc = Doc({"t": Text("hello world")})
            >>> doc["t"].format(0, 5, {"bold": True})
            >>> doc["t"].diff()
            [('hello', {'bold': True}), (' world', None)]
        """
        doc = self._doc
        return [(wrap(content, doc), attrs) for content, attrs in self._diff()]

    def to_delta(self) -> list[dict[str, Any]]:
        """The content as a Quill/Yjs delta: ``[{"insert": ..., "attributes": {...}}]``.

        ``attributes`` is left out of unformatted chunks (Yjs toDelta).

        Example:
            >>> doc = Doc({"t": Text("ab")})
            >>> doc["t"].format(1, 2, {"i": True})
            >>> doc["t"].to_delta()
            [{'insert': 'a'}, {'insert': 'b', 'attributes': {'i': True}}]
        """
        delta: list[dict[str, Any]] = []
        for content, attrs in self.diff():
            op: dict[str, Any] = {"insert": content}
            if attrs:
                op["attributes"] = attrs
            delta.append(op)
        return delta

    def apply_delta(self, delta: list[dict[str, Any]]) -> None:
        """Applies a Quill/Yjs delta from the start of the text, in one transaction.

        ``{"insert": s, "attributes"?: {...}}`` inserts with exactly those attributes
        (none when absent: inserted text never inherits formatting here);
        ``{"retain": n, "attributes"?: {...}}`` skips (and formats) ``n`` characters;
        ``{"delete": n}`` deletes ``n`` characters (``n`` in the document's offset unit). Retains and deletes past the end
        stop at the end (where Yjs would pad a formatted retain with newlines).

        Args:
            delta: The operations.

        Raises:
            ValueError: An operation has none of insert, retain, delete.
            TypeError: An inserted value or attribute cannot be stored.

        Example:
            >>> doc = Doc({"t": Text("hello")})
            >>> doc["t"].apply_delta([{"retain": 5}, {"insert": "!", "attributes": {"b": True}}])
            >>> doc["t"].to_delta()
            [{'insert': 'hello'}, {'insert': '!', 'attributes': {'b': True}}]
        """
        doc = self.doc
        units = doc.offset_kind.units
        with doc.transaction():
            pos = 0
            for op in delta:
                attrs = op.get("attributes") or {}
                if "insert" in op:
                    value = op["insert"]
                    if isinstance(value, str):
                        if value:
                            self.insert(pos, value, attrs)
                            pos += units(value)
                    else:
                        self.insert_embed(pos, value, attrs)
                        pos += 1
                elif "retain" in op:
                    stop = min(pos + int(op["retain"]), len(self))
                    if attrs:
                        self.format(pos, stop, attrs)
                    pos = stop
                elif "delete" in op:
                    stop = min(pos + int(op["delete"]), len(self))
                    del self[pos:stop]
                else:
                    raise ValueError(f"delta operation without insert, retain or delete: {op!r}")

    # -- BaseType hooks ----------------------------------------------------------

    def _prelim_to_py(self) -> str:
        return self._prelim

    def _replay(self, content: str) -> None:
        if content:
            self.insert(0, content)


_WRAPPERS[_core.Text] = Text
