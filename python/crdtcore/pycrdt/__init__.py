"""crdtcore.pycrdt: pycrdt's API on crdtcore, so code written for pycrdt runs unchanged.

The public names and signatures are pycrdt's (version 0.14), and so are the units:
text positions count UTF-8 bytes, as in pycrdt and yrs. The classes are thin subclasses
of crdtcore's own (or crdtcore's own, where they already match), so documents, updates
and the wire format are crdtcore's: byte-identical to Yjs, and interoperable with pycrdt
and Yjs peers. Every intentional difference from pycrdt is listed in
docs/pycrdt-differences.md.

Libraries that ``import pycrdt`` (jupyter_ydoc, pycrdt-websocket, pycrdt-store) run on
crdtcore after ``crdtcore.pycrdt.install()``.

Example:
    >>> from crdtcore.pycrdt import Doc, Text
    >>> doc = Doc()
    >>> doc["text"] = text = Text("こんにちは")
    >>> text += "!"
    >>> str(text)
    'こんにちは!'
"""

from crdtcore import Assoc as Assoc
from crdtcore import StickyIndex as StickyIndex
from crdtcore import get_state as get_state
from crdtcore import get_update as get_update
from crdtcore import merge_updates as merge_updates
from crdtcore.sync import YMessageType as YMessageType
from crdtcore.sync import YSyncMessageType as YSyncMessageType
from crdtcore.sync import create_awareness_message as create_awareness_message
from crdtcore.sync import create_sync_message as create_sync_message
from crdtcore.sync import create_update_message as create_update_message
from crdtcore.sync import handle_sync_message as handle_sync_message
from crdtcore.sync import read_message as read_message
from crdtcore.sync import write_message as write_message
from crdtcore.sync import write_var_uint as write_var_uint

from ._array import Array as Array
from ._array import ArrayEvent as ArrayEvent
from ._awareness import Awareness as Awareness
from ._doc import Doc as Doc
from ._install import install as install
from ._map import Map as Map
from ._map import MapEvent as MapEvent
from ._provider import Channel as Channel
from ._provider import Provider as Provider
from ._sync import Decoder as Decoder
from ._sync import Encoder as Encoder
from ._sync import is_awareness_disconnect_message as is_awareness_disconnect_message
from ._text import Text as Text
from ._text import TextEvent as TextEvent
from ._transaction import NewTransaction as NewTransaction
from ._transaction import ReadTransaction as ReadTransaction
from ._transaction import Subscription as Subscription
from ._transaction import Transaction as Transaction
from ._transaction import TransactionEvent as TransactionEvent
from ._typed import TypedArray as TypedArray
from ._typed import TypedDoc as TypedDoc
from ._typed import TypedMap as TypedMap
from ._undo import StackItem as StackItem
from ._undo import UndoManager as UndoManager

__version__ = "0.14.13"
"""The pycrdt version whose API this layer follows."""

__all__ = [
    "Array",
    "ArrayEvent",
    "Assoc",
    "Awareness",
    "Channel",
    "Decoder",
    "Doc",
    "Encoder",
    "Map",
    "MapEvent",
    "NewTransaction",
    "Provider",
    "ReadTransaction",
    "StackItem",
    "StickyIndex",
    "Subscription",
    "Text",
    "TextEvent",
    "Transaction",
    "TransactionEvent",
    "TypedArray",
    "TypedDoc",
    "TypedMap",
    "UndoManager",
    "YMessageType",
    "YSyncMessageType",
    "create_awareness_message",
    "create_sync_message",
    "create_update_message",
    "get_state",
    "get_update",
    "handle_sync_message",
    "install",
    "is_awareness_disconnect_message",
    "merge_updates",
    "read_message",
    "write_message",
    "write_var_uint",
]
