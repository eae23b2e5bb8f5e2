"""crdtcore: a Yjs-compatible CRDT engine (C++17 core) with a pycrdt-style Python API.

Example:
    >>> from crdtcore import Doc, Text
    >>> a, b = Doc({"text": Text("hello")}), Doc()
    >>> b.apply_update(a.get_update())
    >>> str(b["text"])
    'hello'

``crdtcore.__version__`` is the version of pyproject.toml, compiled into the native module.
"""

from ._array import Array as Array
from ._core import __version__ as __version__
from ._display import UpdateSummary as UpdateSummary
from ._display import inspect_update as inspect_update
from ._doc import Doc as Doc
from ._events import ArrayEvent as ArrayEvent
from ._events import BaseEvent as BaseEvent
from ._events import EventSubscription as EventSubscription
from ._events import EventTransaction as EventTransaction
from ._events import MapEvent as MapEvent
from ._events import TextEvent as TextEvent
from ._map import Map as Map
from ._offset_kind import OffsetKind as OffsetKind
from ._sticky_index import Assoc as Assoc
from ._sticky_index import StickyIndex as StickyIndex
from ._text import Text as Text
from ._transaction import NewTransaction as NewTransaction
from ._transaction import Subscription as Subscription
from ._transaction import Transaction as Transaction
from ._transaction import TransactionEvent as TransactionEvent
from ._undo import StackItem as StackItem
from ._undo import StackItemEvent as StackItemEvent
from ._undo import UndoItem as UndoItem
from ._undo import UndoManager as UndoManager
from ._update import decode_delete_set as decode_delete_set
from ._update import decode_state_vector as decode_state_vector
from ._update import get_state as get_state
from ._update import get_update as get_update
from ._update import merge_updates as merge_updates
from ._update import validate_update as validate_update
from .errors import ArgumentTypeError as ArgumentTypeError
from .errors import CrdtcoreError as CrdtcoreError
from .errors import DecodeError as DecodeError
from .errors import IndexTypeError as IndexTypeError
from .errors import KeyTypeError as KeyTypeError
from .errors import SliceStepError as SliceStepError

# Last: crdtcore.sync imports the names above from this module (a partially initialised
# one while this import runs), through crdtcore's public surface like every subpackage.
from .sync import Awareness as Awareness
from .sync import ProtocolClosedError as ProtocolClosedError
from .sync import ProtocolError as ProtocolError
from .sync import SyncProtocol as SyncProtocol
from .sync import YMessageType as YMessageType
from .sync import YSyncMessageType as YSyncMessageType
from .sync import create_awareness_message as create_awareness_message
from .sync import create_sync_message as create_sync_message
from .sync import create_update_message as create_update_message
from .sync import handle_sync_message as handle_sync_message
from .sync import read_message as read_message
from .sync import write_message as write_message

__all__ = [
    "ArgumentTypeError",
    "Array",
    "ArrayEvent",
    "Assoc",
    "Awareness",
    "BaseEvent",
    "CrdtcoreError",
    "DecodeError",
    "Doc",
    "EventSubscription",
    "EventTransaction",
    "IndexTypeError",
    "KeyTypeError",
    "Map",
    "MapEvent",
    "NewTransaction",
    "OffsetKind",
    "ProtocolClosedError",
    "ProtocolError",
    "SliceStepError",
    "StackItem",
    "StackItemEvent",
    "StickyIndex",
    "Subscription",
    "SyncProtocol",
    "Text",
    "TextEvent",
    "Transaction",
    "TransactionEvent",
    "UndoItem",
    "UndoManager",
    "UpdateSummary",
    "YMessageType",
    "YSyncMessageType",
    "create_awareness_message",
    "create_sync_message",
    "create_update_message",
    "decode_delete_set",
    "decode_state_vector",
    "get_state",
    "get_update",
    "handle_sync_message",
    "inspect_update",
    "merge_updates",
    "read_message",
    "validate_update",
    "write_message",
]
