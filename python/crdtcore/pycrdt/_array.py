"""Array as pycrdt has it: crdtcore's Array plus ``array + values`` / ``values + array``.

Everything else is crdtcore's: a superset of pycrdt's Array (negative indices, slices
with any bounds, lazy iteration in growing slices). Nested shared types read back as
this layer's classes, because a ``crdtcore.pycrdt.Doc`` maps native handles to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import GenericAlias
from typing import Any

import crdtcore
from crdtcore import ArrayEvent as ArrayEvent

from ._base import PycrdtType


class Array(PycrdtType, crdtcore.Array):
    """A shared list (pycrdt's ``Array``).

    Args:
        init: Initial elements, inserted when the array joins a document.

    Example:
        >>> from crdtcore.pycrdt import Doc
        >>> doc = Doc()
        >>> doc["a"] = array = Array(["bar"])
        >>> array = ["foo"] + array + ["baz"]
        >>> array.to_py()
        ['foo', 'bar', 'baz']
    """

    _type_name = "array"

    # Array[int] in annotations (TypedDoc, TypedMap), like pycrdt's Generic Array.
    def __class_getitem__(cls, item: Any) -> GenericAlias:
        return GenericAlias(cls, item)

    def __add__(self, values: Iterable[Any]) -> Array:
        """Appends ``values`` in place and returns this array (pycrdt's ``array + values``)."""
        self.extend(values)
        return self

    def __radd__(self, values: Iterable[Any]) -> Array:
        """Prepends ``values`` in place and returns this array (pycrdt's ``values + array``)."""
        with self.doc.transaction():
            self[0:0] = list(values)
        return self
