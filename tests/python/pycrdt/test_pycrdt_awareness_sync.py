"""pycrdt's Awareness and y-protocols helpers on crdtcore.pycrdt.

Ported from pycrdt's tests/test_awareness.py and test_sync.py (behaviours, not code).
"""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest

from crdtcore.pycrdt import (
    Awareness,
    Decoder,
    Doc,
    Encoder,
    Text,
    create_sync_message,
    handle_sync_message,
    is_awareness_disconnect_message,
    write_message,
    write_var_uint,
)
from crdtcore.sync import ProtocolError

pytestmark = pytest.mark.anyio

REMOTE_CLIENT_ID = 853790970
REMOTE_USER = {"user": {"name": "Anonymous Ersa", "avatar_url": None}}


def awareness_update(client_id: int, user: Any, clock: int = 1) -> bytes:
    encoder = Encoder()
    encoder.write_var_uint(1)
    encoder.write_var_uint(client_id)
    encoder.write_var_uint(clock)
    encoder.write_var_string(user if isinstance(user, str) else json.dumps(user))
    return encoder.to_bytes()


def recorder(awareness: Awareness) -> list[tuple[str, Any]]:
    changes: list[tuple[str, Any]] = []
    awareness.observe(lambda topic, event: changes.append((topic, event)))
    return changes


def test_local_state() -> None:
    awareness = Awareness(Doc())
    assert awareness.get_local_state() == {}
    changes = recorder(awareness)
    awareness.set_local_state({"foo": "bar"})
    awareness.set_local_state_field("new_field", "new_value")
    assert awareness.get_local_state() == {"foo": "bar", "new_field": "new_value"}
    awareness.set_local_state(None)
    assert awareness.get_local_state() is None
    me = awareness.client_id
    assert changes[:2] == [
        ("change", ({"added": [], "updated": [me], "removed": []}, "local")),
        ("update", ({"added": [], "updated": [me], "removed": []}, "local")),
    ]
    assert changes[-1] == ("update", ({"added": [], "updated": [], "removed": [me]}, "local"))


def test_remote_user_added_updated_removed() -> None:
    doc = Doc()
    awareness = Awareness(doc)
    changes = recorder(awareness)
    awareness.apply_awareness_update(awareness_update(REMOTE_CLIENT_ID, REMOTE_USER), "net")
    assert changes == [
        ("change", ({"added": [REMOTE_CLIENT_ID], "updated": [], "removed": []}, "net")),
        ("update", ({"added": [REMOTE_CLIENT_ID], "updated": [], "removed": []}, "net")),
    ]
    assert dict(awareness.states) == {REMOTE_CLIENT_ID: REMOTE_USER, doc.client_id: {}}
    assert awareness.meta[REMOTE_CLIENT_ID]["clock"] == 1
    changes.clear()
    renamed = {"user": {"name": "Ada"}}
    awareness.apply_awareness_update(awareness_update(REMOTE_CLIENT_ID, renamed, 2), "net")
    assert changes[0] == (
        "change",
        ({"added": [], "updated": [REMOTE_CLIENT_ID], "removed": []}, "net"),
    )
    changes.clear()
    awareness.apply_awareness_update(awareness_update(REMOTE_CLIENT_ID, "null", 3), "net")
    assert changes[0] == (
        "change",
        ({"added": [], "updated": [], "removed": [REMOTE_CLIENT_ID]}, "net"),
    )
    assert REMOTE_CLIENT_ID not in awareness.states


def test_encode_round_trips_between_peers() -> None:
    alice, bob = Awareness(Doc()), Awareness(Doc())
    alice.set_local_state({"name": "alice", "cursor": "é"})
    bob.apply_awareness_update(alice.encode_awareness_update([alice.client_id]), "net")
    assert bob.states[alice.client_id] == {"name": "alice", "cursor": "é"}


def test_disconnect_message() -> None:
    assert is_awareness_disconnect_message(
        write_message(awareness_update(REMOTE_CLIENT_ID, "null"))
    )
    assert not is_awareness_disconnect_message(
        write_message(awareness_update(REMOTE_CLIENT_ID, "{}"))
    )


async def test_periodic_check_removes_silent_clients() -> None:
    timeout = 200
    awareness = Awareness(Doc(), outdated_timeout=timeout)
    awareness.apply_awareness_update(awareness_update(REMOTE_CLIENT_ID, {}), "net")
    changes = recorder(awareness)
    async with anyio.create_task_group() as tg:
        await tg.start(awareness.start)
        with pytest.raises(RuntimeError, match="already started"):
            await awareness.start()
        with anyio.fail_after(5):
            while REMOTE_CLIENT_ID in awareness.states:
                await anyio.sleep(timeout / 10 / 1000)
        await awareness.stop()
        with pytest.raises(RuntimeError, match="not started"):
            await awareness.stop()
    assert ("change", ({"added": [], "updated": [], "removed": [REMOTE_CLIENT_ID]}, "timeout")) in (
        changes
    )
    # The local state was renewed (a heartbeat) at least once: half the timeout passed.
    assert any(
        topic == "update"
        and event == ({"added": [], "updated": [awareness.client_id], "removed": []}, "local")
        for topic, event in changes
    )


def test_encoder_decoder() -> None:
    assert write_var_uint(128) == b"\x80\x01"
    assert list(Decoder(b"").read_messages()) == []
    assert list(Decoder(b"\x00").read_messages()) == [b""]
    assert Decoder(b"").read_var_string() == ""
    assert Decoder(b"\x05Hello").read_var_string() == "Hello"
    encoder = Encoder()
    encoder.write_var_string("こんにちは")
    # pycrdt writes the length in code points (5) and cannot read its own string back.
    assert Decoder(encoder.to_bytes()).read_var_string() == "こんにちは"
    # pycrdt: RuntimeError("Y protocol error") or IndexError; crdtcore: ProtocolError.
    with pytest.raises(ProtocolError):
        Decoder(b"").read_var_uint()
    with pytest.raises(ProtocolError):
        Decoder(b"\x80").read_var_uint()
    with pytest.raises(ProtocolError):
        Decoder(b"\x05Hel").read_message()


def test_sync_messages_converge_two_docs() -> None:
    a, b = Doc({"t": Text("from a")}), Doc()
    step1 = create_sync_message(b)
    reply = handle_sync_message(step1[1:], a)
    assert reply is not None
    assert handle_sync_message(reply[1:], b) is None
    assert str(b.get("t", type=Text)) == "from a"
