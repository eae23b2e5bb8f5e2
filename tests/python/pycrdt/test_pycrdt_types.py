"""pycrdt's documented behaviours of Text, Array and Map, on crdtcore.pycrdt.

Ported from pycrdt's tests/test_text.py, test_array.py and test_map.py (behaviours, not
code). Where pycrdt's test pins a pycrdt quirk, the crdtcore behaviour is asserted instead,
with a comment; every such place is a row of docs/pycrdt-differences.md.
"""

from __future__ import annotations

import pytest

from crdtcore import IndexTypeError, KeyTypeError, SliceStepError
from crdtcore.pycrdt import Array, ArrayEvent, Doc, Map, MapEvent, Text, TextEvent

HELLO, WORLD, SIR, PUNCT = "Hello", ", World", " Sir", "!"


# -- Text --------------------------------------------------------------------------------


def test_text_iterates_and_joins_nested_transactions() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    with doc.transaction():
        text += HELLO
        with doc.transaction():
            text += WORLD
        text += PUNCT
    assert str(text) == HELLO + WORLD + PUNCT
    assert list(Doc({"t": Text("abc")})["t"]) == ["a", "b", "c"]


def test_nested_values_serialize_as_compact_json() -> None:
    doc = Doc()
    doc["array"] = array = Array()
    array.append(Map({"key": Text("val")}))
    assert str(array) == '[{"key":"val"}]'


def test_text_api() -> None:
    text = Text(HELLO + PUNCT)
    with pytest.raises(RuntimeError):
        text.doc  # noqa: B018
    assert text.is_prelim and not text.is_integrated
    assert text.prelim == HELLO + PUNCT
    assert text.type_name == "text"

    doc = Doc()
    doc["text"] = text
    assert text.is_integrated and text.prelim is None
    text.insert(len(HELLO), WORLD)
    assert str(text) == HELLO + WORLD + PUNCT
    text.clear()
    assert len(text) == 0
    text[:] = HELLO + WORLD + PUNCT
    text[len(HELLO) : len(HELLO) + len(WORLD)] = SIR
    assert str(text) == HELLO + SIR + PUNCT
    text[len(text) - 1] = "?"
    assert str(text) == HELLO + SIR + "?"
    del text[len(text) - 1]
    del text[len(HELLO) : len(HELLO) + len(SIR)]
    assert str(text) == HELLO
    text += str(text)
    del text[len(HELLO) : 2 * len(HELLO)]
    del text[len(HELLO) : len(HELLO)]
    assert str(text) == HELLO
    assert "el" in text
    assert [text[i] for i in range(len(HELLO))] == list(HELLO)
    assert text[:2] == "He"


def test_text_bad_indices_raise_pycrdt_and_crdtcore_types() -> None:
    doc = Doc({"text": Text(HELLO)})
    text = doc["text"]
    for bad in (lambda: text.__delitem__("a"), lambda: text.__setitem__("a", "b")):
        with pytest.raises(IndexTypeError) as info:
            bad()
        assert isinstance(info.value, RuntimeError) and isinstance(info.value, TypeError)
    with pytest.raises(SliceStepError):
        text[1::2] = "a"
    with pytest.raises(SliceStepError, match="step") as step:
        del text[::2]
    assert isinstance(step.value, RuntimeError) and isinstance(step.value, ValueError)
    assert str(text) == HELLO


def test_text_single_index_assignment_takes_any_string() -> None:
    # pycrdt: RuntimeError("Single item assigned value must have a length of 1"); crdtcore
    # replaces the character with the string, like a slice assignment.
    doc = Doc({"text": Text("abc")})
    doc["text"][1] = "XY"
    assert str(doc["text"]) == "aXYc"


def test_text_negative_slices_count_from_the_end() -> None:
    # pycrdt: RuntimeError("Negative start not supported"); crdtcore: Python's meaning.
    doc = Doc({"text": Text("abcd")})
    text = doc["text"]
    text[-1:] = "!"
    del text[:-2]
    assert str(text) == "c!"


def test_text_formatting_and_embeds() -> None:
    doc = Doc()
    doc["text"] = text = Text("")
    text.insert(0, "hello ")
    assert len(text) == len("hello ")
    text.insert(len(text), "world", {"bold": True})
    text.insert(len(text), "! I have formatting!", {})
    text.format(len("hello world! "), len("hello world! I have formatting!") + 1, {"size": 32})
    text.insert_embed(len(text), b"png blob", {"type": "image"})
    assert text.diff() == [
        ("hello ", None),
        ("world", {"bold": True}),
        ("! ", None),
        ("I have formatting!", {"size": 32}),
        (b"png blob", {"type": "image"}),
    ]


def test_text_embeds_plain_values_only() -> None:
    # pycrdt embeds shared types in a Text (yrs's extension; Yjs's delta has them too);
    # crdtcore does not yet: TypeError, nothing inserted.
    doc = Doc()
    doc["text"] = text = Text("XY")
    with pytest.raises(TypeError, match="embed a dict"):
        text.insert_embed(1, Map({"key": "val"}))
    text.insert_embed(1, {"key": "val"}, {"kind": "map"})
    assert text.diff() == [("X", None), ({"key": "val"}, {"kind": "map"}), ("Y", None)]


def test_text_observe() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    events: list[TextEvent] = []
    sub = text.observe(events.append)
    text += "hello"
    text.insert(5, "!", {"bold": True})
    del text[0]
    assert [event.delta for event in events] == [
        [{"insert": "hello"}],
        [{"retain": 5}, {"insert": "!", "attributes": {"bold": True}}],
        [{"delete": 1}],
    ]
    assert isinstance(events[0], TextEvent) and events[0].target == text
    assert isinstance(events[0].target, Text) and events[0].path == []
    text.unobserve(sub)
    text += "?"
    assert len(events) == 3


# -- Array -------------------------------------------------------------------------------


def test_array_api() -> None:
    doc = Doc()
    doc["array"] = array = Array([1, 2, 3])
    assert array.type_name == "array"
    assert array.pop() == 3 and array.pop(0) == 1
    assert str(array) == "[2]"
    array.insert(0, Text("abc"))
    assert array.pop(0) == "abc"
    array.insert(0, Array([4, 5, 6]))
    # pycrdt returns [4.0, 5.0, 6.0]: ints read back as floats there, stay ints here.
    popped = array.pop(0)
    assert popped == [4, 5, 6] and all(type(v) is int for v in popped)
    array.insert(0, Map({"x": "y"}))
    assert array.pop(0) == {"x": "y"}
    assert str(array) == "[2]"

    doc["numbers"] = numbers = Array(list(range(10)))
    assert list(numbers) == list(range(10)) and 1 in numbers
    for bad in (lambda: numbers.__setitem__("a", 1), lambda: numbers.pop("a")):
        with pytest.raises(IndexTypeError) as info:
            bad()
        assert isinstance(info.value, RuntimeError) and isinstance(info.value, TypeError)
    with pytest.raises(IndexError):
        numbers.pop(len(numbers))
    with pytest.raises(TypeError):
        del numbers["a"]
    numbers.insert(1, 4)
    assert numbers[:3] == [0, 4, 1]


def test_array_add_and_radd_edit_in_place() -> None:
    doc = Doc()
    doc["array"] = array = Array(["bar"])
    assert (array + ["baz"]) is array  # noqa: RUF005
    assert (["foo"] + array) is array  # noqa: RUF005
    array += ["qux"]
    assert array.to_py() == ["foo", "bar", "baz", "qux"]


def test_array_slices_beyond_pycrdt() -> None:
    # pycrdt raises RuntimeError for steps, negative bounds and non-empty slice
    # assignment; crdtcore's Array behaves as a Python list there.
    doc = Doc({"array": Array(list(range(6)))})
    array = doc["array"]
    array[1:3] = ["a"]
    del array[::2]
    array[-1:-1] = ["z"]
    assert array.to_py() == ["a", "z", 4]


def test_array_nested_types_read_as_layer_classes() -> None:
    doc = Doc()
    doc["array"] = array = Array([0, Array([1, Map({"foo": Text("bar")})])])
    nested = array[1]
    assert isinstance(nested, Array) and isinstance(nested[1], Map)
    assert isinstance(nested[1]["foo"], Text)
    assert array.to_py() == [0, [1, {"foo": "bar"}]]
    remote = Doc()
    remote.apply_update(doc.get_update())
    assert isinstance(remote["array"], Array) and isinstance(remote["array"][1][1], Map)


def test_empty_prelims_read_as_empty_containers() -> None:
    # pycrdt: Array().to_py() and Map().to_py() are None; crdtcore: [] and {}.
    assert Array().to_py() == [] and Map().to_py() == {}
    assert Array([0, 1]).to_py() == [0, 1] and Map({"0": 1}).to_py() == {"0": 1}


def test_array_observe_deep() -> None:
    doc = Doc()
    doc["array"] = array = Array([Map({"k": 1})])
    events: list[list[ArrayEvent | MapEvent]] = []
    array.observe_deep(events.append)
    array[0]["k"] = 2
    array.append("x")
    assert [[type(e).__name__ for e in batch] for batch in events] == [["MapEvent"], ["ArrayEvent"]]
    assert events[0][0].path == [0]
    assert events[0][0].keys == {"k": {"action": "update", "oldValue": 1, "newValue": 2}}
    assert events[1][0].delta == [{"retain": 1}, {"insert": ["x"]}]


def test_array_observer_exceptions_raise_after_the_commit() -> None:
    doc = Doc()
    doc["array"] = array = Array()

    def fail(event: ArrayEvent) -> None:
        raise ValueError("observer failed")

    array.observe(fail)
    with pytest.raises(ExceptionGroup) as info:
        array.append(1)
    assert info.group_contains(ValueError, match="observer failed")
    assert array.to_py() == [1]


# -- Map ---------------------------------------------------------------------------------


def test_map_api() -> None:
    items = {f"key{i}": f"value{i}" for i in range(5)}
    doc = Doc()
    doc["map0"] = map0 = Map(items)
    assert map0.type_name == "map"
    for bad in (lambda: map0.__setitem__(1, 2), lambda: map0.__delitem__(0)):
        with pytest.raises(KeyTypeError, match="must be str") as info:
            bad()
        assert isinstance(info.value, RuntimeError) and isinstance(info.value, TypeError)
    assert set(map0) == set(items) and set(map0.keys()) == set(items)
    assert set(map0.values()) == set(items.values()) and dict(map0.items()) == items
    assert "key0" in map0 and "key5" not in map0
    assert map0.get("key1") == "value1" and map0.get("key5") is None
    assert map0.get("key5", "value5") == "value5"
    assert map0.pop("key0") == "value0" and "key0" not in map0
    with pytest.raises(KeyError):
        del map0["key0"]
    with pytest.raises(KeyError):
        map0.pop("key5")
    assert map0.pop("key5", "value5") == "value5"
    map0.clear()
    assert len(map0) == 0 and str(map0) == "{}"
    map0.update({"baz": Text("abc"), "n": Array([1, 2])})
    assert map0.pop("baz") == "abc" and map0.pop("n") == [1, 2]


def test_map_binary_entries_and_tuples() -> None:
    doc = Doc()
    doc["m"] = m = Map({"bin": b"\x00\x01", "tuple": (1, "a")})
    assert m["bin"] == b"\x00\x01"
    assert m["tuple"] == [1, "a"]  # tuples are stored as lists, as in pycrdt


def test_map_observe() -> None:
    doc = Doc()
    doc["m"] = m = Map()
    events: list[MapEvent] = []
    m.observe(events.append)
    m["a"] = 1
    del m["a"]
    assert [event.keys for event in events] == [
        {"a": {"action": "add", "newValue": 1}},
        {"a": {"action": "delete", "oldValue": 1}},
    ]
    assert isinstance(events[0].target, Map)
