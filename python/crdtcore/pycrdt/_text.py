"""Text as pycrdt has it: positions in the document's unit (UTF-8 bytes), reads by ``str``.

crdtcore's Text already has pycrdt's methods (``insert``, ``insert_embed``, ``format``,
``diff``, ``+=``, ``del``, ``clear``, ``observe``); this subclass keeps them and changes
only what pycrdt does differently:

* ``text[i]`` / ``text[a:b]`` index ``str(text)`` (code points), as pycrdt does, while
  every editing position (``insert``, ``del``, ``format``, ``len``) counts in the
  document's offset unit, UTF-8 bytes for a ``crdtcore.pycrdt.Doc``.
* A slice with a step raises ``SliceStepError`` (a ``RuntimeError`` as in pycrdt, and a
  ``ValueError`` as in crdtcore).
"""

from __future__ import annotations

from typing import Any

import crdtcore
from crdtcore import IndexTypeError, SliceStepError
from crdtcore import TextEvent as TextEvent

from ._base import PycrdtType


class Text(PycrdtType, crdtcore.Text):
    """A shared text (pycrdt's ``Text``).

    Args:
        init: Initial content, inserted when the text joins a document.

    Example:
        >>> from crdtcore.pycrdt import Doc
        >>> doc = Doc()
        >>> doc["t"] = text = Text("Hello")
        >>> text += ", World!"
        >>> str(text), text[:5]
        ('Hello, World!', 'Hello')
    """

    _type_name = "text"

    def __getitem__(self, key: int | slice) -> str:
        """The characters of ``str(text)`` at ``key`` (pycrdt reads through ``str``)."""
        return str(self)[key]

    def __delitem__(self, key: int | slice) -> None:
        """Deletes one unit or a slice of units (no step).

        Raises:
            SliceStepError: The slice has a step.
            IndexTypeError: ``key`` is neither an int nor a slice.
            IndexError: The position is outside the text.
        """
        if isinstance(key, slice):
            if key.step not in (None, 1):
                raise SliceStepError("Text slices cannot have a step")
        elif not isinstance(key, int):
            raise IndexTypeError(f"Text indices must be int or slice, not '{type(key).__name__}'")
        super().__delitem__(key)

    def format(self, start: int, stop: int, attrs: dict[str, Any]) -> None:
        """Sets (None: removes) formatting attributes from ``start`` to ``stop`` (excluded).

        As in pycrdt, ``stop`` past the end stops at the end (crdtcore's Text raises
        IndexError there) and an empty range does nothing.

        Raises:
            IndexError: ``start`` is negative.
            TypeError: An attribute value cannot be stored.
        """
        stop = min(stop, len(self))
        if stop > start:
            super().format(start, stop, attrs)
