"""Map as pycrdt has it: crdtcore's Map, a superset of pycrdt's.

A non-str key raises ``crdtcore.KeyTypeError``, which is both pycrdt's ``RuntimeError``
and crdtcore's ``TypeError``.
"""

from __future__ import annotations

from types import GenericAlias
from typing import Any

import crdtcore
from crdtcore import MapEvent as MapEvent

from ._base import PycrdtType


class Map(PycrdtType, crdtcore.Map):
    """A shared dict with str keys (pycrdt's ``Map``).

    Args:
        init: Initial entries, set when the map joins a document.

    Example:
        >>> from crdtcore.pycrdt import Doc
        >>> doc = Doc()
        >>> doc["m"] = m = Map({"foo": [1, 2]})
        >>> str(m)
        '{"foo":[1,2]}'
    """

    _type_name = "map"

    # Map[int] in annotations (TypedDoc, TypedMap), like pycrdt's Generic Map.
    def __class_getitem__(cls, item: Any) -> GenericAlias:
        return GenericAlias(cls, item)
