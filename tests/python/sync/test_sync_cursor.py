"""crdtcore.sync cursor helpers: a bot's cursor in awareness, in the shape Yjs editors use.

The expected JSON below is what Yjs produces for the same document (checked against real
Yjs in tests/interop/test_sticky_interop.py::test_awareness_cursor_matches_yjs).
"""

from __future__ import annotations

import doctest
import importlib

import pytest

import crdtcore
from crdtcore import Doc, Text
from crdtcore.sync import (
    Awareness,
    clear_local_cursor,
    relative_position_object,
    remote_cursors,
    set_local_cursor,
)


def test_set_local_cursor_is_the_yjs_shape():
    doc = Doc({"codemirror": Text("a😀b")}, client_id=5)
    awareness = Awareness(doc)
    set_local_cursor(awareness, doc["codemirror"], 1, 3)
    assert awareness.get_local_state() == {
        "cursor": {
            # anchor: before "😀" (UTF-16 clock 1); head: the end (no item).
            "anchor": {
                "type": None,
                "tname": "codemirror",
                "item": {"client": 5, "clock": 1},
                "assoc": 0,
            },
            "head": {"type": None, "tname": "codemirror", "item": None, "assoc": 0},
        }
    }
    set_local_cursor(awareness, doc["codemirror"], 2)
    cursor = awareness.get_local_state()["cursor"]
    assert cursor["anchor"] == cursor["head"]
    assert cursor["head"]["item"] == {"client": 5, "clock": 3}  # "b" after the surrogate pair
    clear_local_cursor(awareness)
    assert awareness.get_local_state() == {"cursor": None}


def test_nested_text_uses_the_type_id():
    doc = Doc(client_id=3)
    root = doc.get("root", type=crdtcore.Map)
    root["t"] = t = Text("xy")
    assert relative_position_object(t.sticky_index(2)) == {
        "type": {"client": 3, "clock": 0},
        "tname": None,
        "item": None,
        "assoc": 0,
    }


def test_cursor_travels_and_follows_edits():
    bot_doc = Doc({"text": Text("hello world")}, client_id=1)
    user_doc = Doc(client_id=2)
    user_doc.apply_update(bot_doc.get_update())
    bot, user = Awareness(bot_doc), Awareness(user_doc)
    set_local_cursor(bot, bot_doc["text"], 6, 11)
    user.apply_awareness_update(bot.encode_awareness_update([1]), "net")
    user_doc["text"].insert(0, "🎉 ")
    assert remote_cursors(user, user_doc["text"]) == {1: (8, 13)}
    assert remote_cursors(bot, bot_doc["text"]) == {}  # its own cursor is not "remote"


def test_remote_cursors_skips_bad_and_foreign_states():
    doc = Doc({"text": Text("abc"), "other": Text("abc")}, client_id=1)
    mine = Awareness(doc)
    good = {"type": None, "tname": "text", "item": {"client": 1, "clock": 1}, "assoc": 0}
    foreign = {"type": None, "tname": "other", "item": {"client": 1, "clock": 4}, "assoc": 0}
    states = {
        2: {"cursor": {"anchor": good, "head": good}},
        3: {"cursor": None},
        4: {"cursor": {"anchor": {"item": "x"}, "head": good}},
        5: {"cursor": {"anchor": foreign, "head": foreign}},
        6: {"user": {"name": "x"}},
        7: {"cursor": {"anchor": good}},
        8: "not a dict",
    }
    for client, state in states.items():
        other = Awareness(Doc(client_id=client))
        other.set_local_state(state)
        mine.apply_awareness_update(other.encode_awareness_update([client]), "net")
    assert remote_cursors(mine, doc["text"]) == {2: (1, 1)}


def test_index_errors():
    doc = Doc({"text": Text("abc")})
    with pytest.raises(IndexError):
        set_local_cursor(Awareness(doc), doc["text"], 0, 4)


def test_docstring_examples_run():
    names = {name: getattr(crdtcore, name) for name in crdtcore.__all__}
    result = doctest.testmod(importlib.import_module("crdtcore.sync._cursor"), extraglobs=names)
    assert result.failed == 0
    assert result.attempted >= 8
