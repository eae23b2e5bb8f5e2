"""crdtcore: a Yjs-compatible CRDT engine (C++17 core) with a pycrdt-style Python API.

Example:
    >>> from crdtcore import Doc, Text
    >>> a, b = Doc({"text": Text("hello")}), Doc()
    >>> b.apply_update(a.get_update())
    >>> str(b["text"])
    'hello'
"""

from ._array import Array as Array
from ._doc import Doc as Doc
from ._map import Map as Map
from ._text import Text as Text
from ._transaction import Subscription as Subscription
from ._transaction import Transaction as Transaction
from ._transaction import TransactionEvent as TransactionEvent
from ._update import get_state as get_state
from ._update import get_update as get_update
from ._update import merge_updates as merge_updates
from .errors import CrdtcoreError as CrdtcoreError
from .errors import DecodeError as DecodeError

__all__ = [
    "Array",
    "CrdtcoreError",
    "DecodeError",
    "Doc",
    "Map",
    "Subscription",
    "Text",
    "Transaction",
    "TransactionEvent",
    "get_state",
    "get_update",
    "merge_updates",
]
