"""The y-protocols sync and awareness protocols, sans I/O (yjs-format.md §11).

Nothing here reads a clock or touches a socket (no asyncio, socket or time imports): bytes
and the time come in as arguments, events and bytes go out as return values. ``SyncProtocol``
drives one connection; ``Hub`` shares one document between several protocols and persists
every change before anything is sent (a server room, a simulated peer); ``Awareness`` holds
presence states; the message classes and the pycrdt-named helpers build and read single
messages.

Example:
    >>> from crdtcore import Doc, Text
    >>> from crdtcore.sync import SyncProtocol
    >>> server, client = Doc({"t": Text("hello")}), Doc()
    >>> ps, pc = SyncProtocol(server), SyncProtocol(client)
    >>> pc.start()
    >>> for frame in pc.data_to_send():
    ...     ps.receive_data(frame)
    >>> for frame in ps.data_to_send():
    ...     pc.receive_data(frame)
    >>> str(client["t"]), pc.synced
    ('hello', True)
"""

from ._awareness import OUTDATED_TIMEOUT as OUTDATED_TIMEOUT
from ._awareness import Awareness as Awareness
from ._awareness import AwarenessChanges as AwarenessChanges
from ._cursor import CURSOR_FIELD as CURSOR_FIELD
from ._cursor import clear_local_cursor as clear_local_cursor
from ._cursor import relative_position_object as relative_position_object
from ._cursor import remote_cursors as remote_cursors
from ._cursor import set_local_cursor as set_local_cursor
from ._errors import ProtocolClosedError as ProtocolClosedError
from ._errors import ProtocolError as ProtocolError
from ._helpers import create_awareness_message as create_awareness_message
from ._helpers import create_message as create_message
from ._helpers import create_sync_message as create_sync_message
from ._helpers import create_sync_step1_message as create_sync_step1_message
from ._helpers import create_sync_step2_message as create_sync_step2_message
from ._helpers import create_update_message as create_update_message
from ._helpers import handle_sync_message as handle_sync_message
from ._helpers import read_message as read_message
from ._helpers import write_message as write_message
from ._hub import Hub as Hub
from ._hub import HubStore as HubStore
from ._hub import load_document as load_document
from ._messages import Auth as Auth
from ._messages import AwarenessEntry as AwarenessEntry
from ._messages import AwarenessMessage as AwarenessMessage
from ._messages import Message as Message
from ._messages import QueryAwareness as QueryAwareness
from ._messages import SyncStep1 as SyncStep1
from ._messages import SyncStep2 as SyncStep2
from ._messages import Update as Update
from ._messages import YAuthMessageType as YAuthMessageType
from ._messages import YMessageType as YMessageType
from ._messages import YSyncMessageType as YSyncMessageType
from ._messages import decode_awareness_update as decode_awareness_update
from ._messages import decode_message as decode_message
from ._messages import decode_messages as decode_messages
from ._messages import encode_awareness_update as encode_awareness_update
from ._protocol import AwarenessReceived as AwarenessReceived
from ._protocol import Event as Event
from ._protocol import PermissionDenied as PermissionDenied
from ._protocol import ProtocolStats as ProtocolStats
from ._protocol import Synced as Synced
from ._protocol import SyncProtocol as SyncProtocol
from ._protocol import UpdateReceived as UpdateReceived
from ._protocol import WriteDropped as WriteDropped
from ._wire import write_var_uint as write_var_uint

__all__ = [
    "CURSOR_FIELD",
    "OUTDATED_TIMEOUT",
    "Auth",
    "Awareness",
    "AwarenessChanges",
    "AwarenessEntry",
    "AwarenessMessage",
    "AwarenessReceived",
    "Event",
    "Hub",
    "HubStore",
    "Message",
    "PermissionDenied",
    "ProtocolClosedError",
    "ProtocolError",
    "ProtocolStats",
    "QueryAwareness",
    "SyncProtocol",
    "SyncStep1",
    "SyncStep2",
    "Synced",
    "Update",
    "UpdateReceived",
    "WriteDropped",
    "YAuthMessageType",
    "YMessageType",
    "YSyncMessageType",
    "clear_local_cursor",
    "create_awareness_message",
    "create_message",
    "create_sync_message",
    "create_sync_step1_message",
    "create_sync_step2_message",
    "create_update_message",
    "decode_awareness_update",
    "decode_message",
    "decode_messages",
    "encode_awareness_update",
    "handle_sync_message",
    "load_document",
    "read_message",
    "relative_position_object",
    "remote_cursors",
    "set_local_cursor",
    "write_message",
    "write_var_uint",
]
