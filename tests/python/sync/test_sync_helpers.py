"""pycrdt-named helpers (crdtcore.sync._helpers) and the docstring examples of crdtcore.sync."""

from __future__ import annotations

import doctest
import importlib

import pytest

from crdtcore import Doc, Text
from crdtcore.sync import (
    ProtocolError,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_message,
    create_sync_message,
    create_sync_step1_message,
    create_sync_step2_message,
    create_update_message,
    handle_sync_message,
    read_message,
    write_message,
    write_var_uint,
)


def test_pycrdt_enums_and_framing():
    assert YMessageType.SYNC == 0 and YMessageType.AWARENESS == 1
    assert YSyncMessageType.SYNC_STEP2 == 1
    assert write_message(b"x" * 130) == bytes([130, 1]) + b"x" * 130
    assert read_message(write_message(b"abc") + b"rest") == b"abc"
    assert write_var_uint(128) == bytes([128, 1])
    with pytest.raises(ProtocolError, match="truncated"):
        read_message(b"\x05ab")


def test_message_builders():
    doc = Doc(client_id=3)
    doc["t"] = Text("ab")
    assert create_sync_message(doc) == bytes([0, 0, 3, 1, 3, 2])
    assert create_sync_step1_message(doc.get_state()) == bytes([0, 0, 3, 1, 3, 2])
    assert create_sync_step2_message(b"\x00\x00") == bytes([0, 1, 2, 0, 0])
    assert create_update_message(b"\x00\x00") == bytes([0, 2, 2, 0, 0])
    assert create_message(b"\x00\x00", YSyncMessageType.SYNC_UPDATE) == bytes([0, 2, 2, 0, 0])
    assert create_awareness_message(b"\x00") == bytes([1, 1, 0])


def test_handle_sync_message_round_trip():
    source = Doc({"t": Text("hi")}, client_id=1)
    replica = Doc(client_id=2)
    reply = handle_sync_message(create_sync_message(replica)[1:], source)
    assert reply == create_sync_step2_message(source.get_update(replica.get_state()))
    origins = []
    replica.observe(lambda event: origins.append(event.transaction.origin))
    assert handle_sync_message(reply[1:], replica, origin="net") is None
    assert str(replica["t"]) == "hi" and origins == ["net"]
    source["t"] += "!"
    handle_sync_message(create_update_message(source.get_update())[1:], replica)
    assert str(replica["t"]) == "hi!"


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (b"", "truncated"),
        (b"\x07\x00", "unknown sync message type 7"),
        (b"\x00\x02\x01\x05", "malformed state vector"),
        (b"\x02\x02\x01\x09", "malformed update"),
        (b"\x02\x02\x00\x00\x00", "unexpected bytes after the sync message"),
    ],
)
def test_handle_sync_message_rejects_malformed_input(message, error):
    doc = Doc({"t": Text("keep")}, client_id=1)
    before = doc.get_update()
    with pytest.raises(ProtocolError, match=error):
        handle_sync_message(message, doc)
    assert doc.get_update() == before


@pytest.mark.parametrize(
    "module",
    [
        "crdtcore.sync",
        "crdtcore.sync._wire",
        "crdtcore.sync._json",
        "crdtcore.sync._messages",
        "crdtcore.sync._helpers",
        "crdtcore.sync._protocol",
        "crdtcore.sync._awareness",
        "crdtcore.sync._errors",
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
    assert result.attempted > 0


def test_sync_package_is_sans_io():
    import ast
    from pathlib import Path

    import crdtcore.sync

    forbidden = {"asyncio", "socket", "time", "threading", "selectors", "datetime"}
    for path in Path(crdtcore.sync.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"
