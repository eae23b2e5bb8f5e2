"""Text: str-like access in code points, editing, formatting, deltas, sync."""

import pytest

from crdtcore import Doc, Text


@pytest.fixture
def text() -> Text:
    doc = Doc(client_id=1)
    return doc.get("t", type=Text)


def remote_copy(t: Text) -> Text:
    other = Doc(client_id=99)
    other.apply_update(t.doc.get_update())
    return other.get("t", type=Text)


# -- reading ----------------------------------------------------------------------


def test_str_len_iteration_contains(text):
    text += "hello"
    assert str(text) == "hello" == text.to_py()
    assert len(text) == 5
    assert list(text) == ["h", "e", "l", "l", "o"]
    assert "ell" in text and "xyz" not in text


def test_getitem_index_and_slice(text):
    text += "hello"
    assert text[0] == "h"
    assert text[-1] == "o"
    assert text[1:3] == "el"
    assert text[3:] == "lo"
    assert text[:100] == "hello"
    assert text[::2] == "hlo"
    assert text[::-1] == "olleh"
    with pytest.raises(IndexError):
        text[5]
    with pytest.raises(IndexError):
        text[-6]
    with pytest.raises(TypeError):
        text["a"]


# -- code points: emoji and CJK ---------------------------------------------------


def test_insert_after_emoji_uses_code_point_index(text):
    text += "😀"
    text.insert(1, "x")
    assert str(text) == "😀x"
    assert len(text) == 2


def test_emoji_and_cjk_indices_match_python_str(text):
    s = "a😀b汉字🎉c"
    text += s
    assert len(text) == len(s) == 7
    for i in range(len(s)):
        assert text[i] == s[i]
    assert text[1:4] == s[1:4]
    text.insert(4, "|")
    assert str(text) == s[:4] + "|" + s[4:]


def test_delete_emoji_by_index(text):
    text += "x😀y🎉z"
    del text[1]
    assert str(text) == "xy🎉z"
    del text[2:3]
    assert str(text) == "xyz"


def test_emoji_edits_converge_with_remote(text):
    text += "👍 ok 日本"
    text.insert(2, "😀")
    copy = remote_copy(text)
    assert str(copy) == "👍 😀ok 日本"
    assert len(copy) == len("👍 😀ok 日本")
    copy.insert(len(copy), "語")
    text.doc.apply_update(copy.doc.get_update(text.doc.get_state()))
    assert str(text) == "👍 😀ok 日本語"


def test_format_range_in_code_points(text):
    text += "😀😀😀"
    text.format(1, 2, {"bold": True})
    assert text.diff() == [("😀", None), ("😀", {"bold": True}), ("😀", None)]


# -- editing ----------------------------------------------------------------------


def test_insert_positions_and_bounds(text):
    text.insert(0, "world")
    text.insert(0, "hello ")
    text.insert(len(text), "!")
    assert str(text) == "hello world!"
    with pytest.raises(IndexError):
        text.insert(100, "x")
    with pytest.raises(IndexError):
        text.insert(-1, "x")
    with pytest.raises(TypeError):
        text.insert(0, 5)


def test_insert_empty_string_is_noop(text):
    text.insert(0, "")
    assert text.doc.get_state() == b"\x00"


def test_iadd_appends(text):
    text += "a"
    text += "b"
    assert str(text) == "ab"


def test_delitem_index_and_slice(text):
    text += "hello world"
    del text[0]
    assert str(text) == "ello world"
    del text[-1]
    assert str(text) == "ello worl"
    del text[4:]
    assert str(text) == "ello"
    del text[1:1]
    assert str(text) == "ello"
    with pytest.raises(IndexError):
        del text[10]
    with pytest.raises(ValueError):
        del text[::2]


def test_setitem_slice_and_index(text):
    text += "hello world"
    text[0:5] = "howdy"
    assert str(text) == "howdy world"
    text[0] = "H"
    assert str(text) == "Howdy world"
    text[-5:] = "🌍"
    assert str(text) == "Howdy 🌍"
    with pytest.raises(TypeError):
        text[0:1] = 3


def test_setitem_is_one_transaction(text):
    text += "abc"
    events = []
    text.doc.observe(events.append)
    text[0:2] = "xy"
    assert len(events) == 1


def test_clear(text):
    text += "abc"
    text.clear()
    assert str(text) == "" and len(text) == 0


# -- formatting, embeds, deltas ---------------------------------------------------


def test_insert_with_attributes_and_inheritance(text):
    text.insert(0, "bold", {"bold": True})
    text.insert(4, "er")  # inherits the formatting in effect at the position
    text.insert(len(text), " plain", {})
    assert text.diff() == [("bolder", {"bold": True}), (" plain", None)]


def test_format_and_remove_attribute(text):
    text += "hello world"
    text.format(0, 5, {"bold": True, "italic": True})
    text.format(0, 2, {"italic": None})
    assert text.diff() == [
        ("he", {"bold": True}),
        ("llo", {"bold": True, "italic": True}),
        (" world", None),
    ]


def test_format_stop_is_excluded_and_empty_range_noop(text):
    text += "abc"
    text.format(1, 2, {"b": 1})
    text.format(2, 2, {"i": 1})
    assert text.diff() == [("a", None), ("b", {"b": 1}), ("c", None)]
    with pytest.raises(IndexError):
        text.format(0, 10, {"b": 1})


def test_insert_embed(text):
    text += "ab"
    text.insert_embed(1, {"image": "cat.png"}, {"width": 10})
    assert text.diff() == [("a", None), ({"image": "cat.png"}, {"width": 10}), ("b", None)]
    assert len(text) == 3
    assert str(text) == "ab"
    with pytest.raises(TypeError):
        text.insert_embed(0, Text("nested"))


def test_to_delta_omits_empty_attributes(text):
    text.insert(0, "ab")
    text.format(1, 2, {"i": True})
    assert text.to_delta() == [{"insert": "a"}, {"insert": "b", "attributes": {"i": True}}]


def test_apply_delta_insert_retain_delete(text):
    text += "hello world"
    text.apply_delta([{"retain": 6}, {"delete": 5}, {"insert": "there"}])
    assert str(text) == "hello there"
    text.apply_delta([{"retain": 5, "attributes": {"bold": True}}])
    assert text.to_delta() == [
        {"insert": "hello", "attributes": {"bold": True}},
        {"insert": " there"},
    ]


def test_apply_delta_insert_without_attributes_does_not_inherit(text):
    text.insert(0, "ab", {"bold": True})
    text.apply_delta([{"retain": 2}, {"insert": "c"}])
    assert text.to_delta() == [{"insert": "ab", "attributes": {"bold": True}}, {"insert": "c"}]


def test_apply_delta_embed_and_roundtrip(text):
    delta = [
        {"insert": "Hi "},
        {"insert": "😀", "attributes": {"size": 2}},
        {"insert": {"image": "x.png"}},
        {"insert": "!"},
    ]
    text.apply_delta(delta)
    assert text.to_delta() == delta
    other = Doc().get("t", type=Text)
    other.apply_delta(text.to_delta())
    assert other.to_delta() == delta
    assert remote_copy(text).to_delta() == delta


def test_apply_delta_past_end_stops_at_end(text):
    text += "ab"
    text.apply_delta([{"retain": 10}, {"insert": "c"}, {"delete": 5}])
    assert str(text) == "abc"
    with pytest.raises(ValueError):
        text.apply_delta([{"bogus": 1}])


def test_formatting_syncs(text):
    text += "hello"
    text.format(0, 5, {"bold": True})
    assert remote_copy(text).diff() == [("hello", {"bold": True})]


# -- prelim -----------------------------------------------------------------------


def test_prelim_text_reads_but_cannot_edit():
    t = Text("hi")
    assert t.is_prelim and not t.is_integrated
    assert str(t) == "hi" == t.to_py()
    with pytest.raises(RuntimeError):
        t.insert(0, "x")
    with pytest.raises(RuntimeError):
        len(t)
    with pytest.raises(RuntimeError):
        _ = t.doc


def test_prelim_text_rejects_non_str():
    with pytest.raises(TypeError):
        Text(5)


def test_empty_prelim_text():
    doc = Doc()
    doc["t"] = t = Text()
    assert str(t) == "" and t.is_integrated


def test_concurrent_inserts_converge():
    a = Doc({"t": Text("ab")}, client_id=1)
    b = Doc(client_id=2)
    b.apply_update(a.get_update())
    a["t"].insert(1, "X")
    b["t"].insert(1, "Y")
    ua, ub = a.get_update(), b.get_update()
    a.apply_update(ub)
    b.apply_update(ua)
    assert str(a["t"]) == str(b["t"])
    assert sorted(str(a["t"])) == sorted("abXY")


@pytest.mark.parametrize("piece", ["ascii", "latin-1 é", "bmp 漢字", "astral 😀👍🏽 and ascii"])
def test_str_of_many_items_in_each_character_width(piece):
    # str() is built straight from the items' UTF-16 (1-, 2- or 4-byte characters).
    doc = Doc({"t": Text()}, client_id=1)
    text, model = doc["t"], ""
    for i in range(40):
        at = (i * 7) % (len(model) + 1)
        text.insert(at, piece)
        model = model[:at] + piece + model[at:]
        if i % 5 == 4:
            del text[at : at + 3]
            model = model[:at] + model[at + 3 :]
    assert str(text) == model == text[:]
    replica = Doc()
    replica.apply_update(doc.get_update())
    assert str(replica["t"]) == model
