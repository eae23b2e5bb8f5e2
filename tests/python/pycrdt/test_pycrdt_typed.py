"""pycrdt's TypedDoc, TypedMap and TypedArray on crdtcore.pycrdt (pycrdt's tests/test_typed.py)."""

from __future__ import annotations

import pytest

from crdtcore.pycrdt import Array, Doc, Map, TypedArray, TypedDoc, TypedMap


class MyTypedArray(TypedArray[bool]):
    type: bool


class MyTypedMap0(TypedMap):
    k0: bool


class MyTypedMap1(TypedMap):
    key0: str
    key1: int
    key2: MyTypedMap0
    key3: Array[int]
    key4: str | int


class MySubTypedDoc(TypedDoc):
    my_typed_map: MyTypedMap1


class MyTypedDoc(MySubTypedDoc):
    my_array: MyTypedArray


def test_typed_containers_wrap_the_untyped_object() -> None:
    doc = Doc()
    assert TypedDoc(doc)._ is doc and TypedDoc(TypedDoc(doc))._ is doc
    array0, map0 = doc.get("array0", type=Array), doc.get("map0", type=Map)
    assert TypedArray(array0)._ is array0 and TypedArray(TypedArray(array0))._ is array0
    assert TypedMap(map0)._ is map0 and TypedMap(TypedMap(map0))._ is map0
    with pytest.raises(TypeError):
        TypedDoc(Map())  # type: ignore[arg-type]


def test_typed_doc_checks_assignments_and_round_trips() -> None:
    assert isinstance(MyTypedDoc()._, Doc)
    typed = MyTypedDoc()
    typed.my_typed_map.key0 = "foo"
    with pytest.raises(TypeError, match="declared"):
        typed.my_typed_map.key0 = 3
    typed.my_typed_map.key1 = 123
    typed.my_typed_map.key2 = MyTypedMap0()
    typed.my_typed_map.key2.k0 = False
    typed.my_typed_map.key3 = Array([1, 2, 3])
    typed.my_typed_map.key4 = "bar"
    typed.my_typed_map.key4 = 4
    assert typed.my_typed_map.key4 == 4
    with pytest.raises(AttributeError, match="wrong_key"):
        typed.my_typed_map.wrong_key = "foo"
    with pytest.raises(AttributeError, match="wrong_key"):
        typed.my_typed_map.wrong_key  # noqa: B018

    assert len(typed.my_array) == 0
    typed.my_array.append(True)
    assert typed.my_array[0] is True
    typed.my_array[0] = False
    typed.my_array.extend([True])
    assert len(typed.my_array) == 2

    other = Doc()
    other.apply_update(typed._.get_update())
    # pycrdt reads 123 and [1, 2, 3] back as floats; crdtcore keeps ints.
    assert other.get("my_typed_map", type=Map).to_py() == {
        "key0": "foo",
        "key1": 123,
        "key2": {"k0": False},
        "key3": [1, 2, 3],
        "key4": 4,
    }
    assert other.get("my_array", type=Array[bool]).to_py() == [False, True]
