"""The Python value mapping (yjs-format.md §1.6): what can be stored and how it reads back."""

import math

import pytest

from crdtcore import Array, Doc, Map, Text


def roundtrip(value):
    """(local read, remote read) of `value` stored in a Map entry."""
    doc = Doc(client_id=1)
    m = doc.get("m", type=Map)
    m["v"] = value
    other = Doc(client_id=2)
    other.apply_update(doc.get_update())
    return m["v"], other.get("m", type=Map)["v"]


@pytest.mark.parametrize(
    "value",
    [None, True, False, 0, 1, -1, 42, 2**31 - 1, -(2**31 - 1), "", "text", "😀 汉字", 1.5, -2.25],
)
def test_scalars_roundtrip_exactly(value):
    local, remote = roundtrip(value)
    assert local == value and type(local) is type(value)
    assert remote == value and type(remote) is type(value)


def test_bool_is_not_stored_as_int():
    local, remote = roundtrip(True)
    assert local is True and remote is True


def test_small_ints_stay_ints():
    local, remote = roundtrip(7)
    assert type(local) is int and type(remote) is int


@pytest.mark.parametrize("value", [2**53 + 1, 2**62, -(2**63), 2**63 - 1])
def test_ints_beyond_53_bits_stay_ints(value):
    local, remote = roundtrip(value)
    assert local == value and type(local) is int
    assert remote == value and type(remote) is int


@pytest.mark.parametrize("value", [2**31, -(2**31), 2**40, 2**53])
def test_ints_in_js_float_range_keep_their_value(value):
    # On the wire these are JS numbers (float32/float64, as Yjs writes them); a peer
    # reads the same number back, as a float (yjs-format.md §1.6).
    local, remote = roundtrip(value)
    assert local == value and type(local) is int
    assert remote == value


def test_integral_float_reads_back_as_js_number():
    local, remote = roundtrip(3.0)
    assert local == 3.0 and remote == 3  # Yjs writes integral numbers as integers


def test_special_floats():
    local, remote = roundtrip(float("inf"))
    assert local == math.inf and remote == math.inf
    local, remote = roundtrip(float("nan"))
    assert math.isnan(local) and math.isnan(remote)


@pytest.mark.parametrize("value", [b"", b"\x00\xffbin", bytearray(b"ba"), memoryview(b"mv")])
def test_bytes_like_read_back_as_bytes(value):
    local, remote = roundtrip(value)
    assert local == bytes(value) and type(local) is bytes
    assert remote == bytes(value) and type(remote) is bytes


def test_list_and_tuple_read_back_as_list():
    assert roundtrip([1, "a", [None]]) == ([1, "a", [None]], [1, "a", [None]])
    assert roundtrip((1, (2, 3))) == ([1, [2, 3]], [1, [2, 3]])


def test_dict_with_str_keys_uses_js_key_order():
    local, remote = roundtrip({"b": 1, "1": 2, "a": {"0": 0}})
    assert local == remote == {"1": 2, "b": 1, "a": {"0": 0}}
    assert list(remote) == ["1", "b", "a"]


def test_deeply_nested_plain_values():
    value = [{"a": [{"b": [1, {"c": "deep"}]}]}]
    assert roundtrip(value) == (value, value)


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        (set(), "set"),
        (frozenset(), "frozenset"),
        (object(), "object"),
        (1j, "complex"),
        ([1, {2}], "set"),
        ({"k": object()}, "object"),
    ],
)
def test_unstorable_values_raise_typeerror_naming_the_type(value, type_name):
    m = Doc().get("m", type=Map)
    with pytest.raises(TypeError, match=type_name):
        m["v"] = value
    assert "v" not in m


class _Index:
    """An int-like object of another library: only __index__."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


def test_int_like_values_are_stored_as_ints():
    m = Doc().get("m", type=Map)
    m["i"] = _Index(7)
    m["l"] = [_Index(-3), {"k": _Index(2**40)}]
    assert m["i"] == 7 and type(m["i"]) is int
    assert m["l"] == [-3, {"k": 2**40}]
    with pytest.raises(TypeError, match="64 bits"):
        m["big"] = _Index(2**70)
    assert "big" not in m


class _Float:
    """A float-like object of another library: only __float__."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __float__(self) -> float:
        return self.value


def test_float_like_values_are_stored_as_floats():
    doc = Doc({"m": Map(), "a": Array(), "t": Text("ab")})
    m = doc["m"]
    m["f"] = _Float(2.5)
    m["l"] = [_Float(-0.25), {"k": _Float(1e300)}]
    doc["a"].append(_Float(3.0))
    doc["t"].format(0, 1, {"size": _Float(1.5)})
    doc["t"].insert_embed(2, {"w": _Float(0.5)})
    assert m["f"] == 2.5 and type(m["f"]) is float
    assert m["l"] == [-0.25, {"k": 1e300}]
    assert doc["a"][0] == 3.0 and type(doc["a"][0]) is float
    assert doc["t"].diff() == [("a", {"size": 1.5}), ("b", None), ({"w": 0.5}, None)]
    other = Doc()
    other.apply_update(doc.get_update())  # on the wire as a float64, like any float
    assert other.get("m", type=Map)["f"] == 2.5


def test_a_failing_float_conversion_raises_its_own_error():
    class Broken:
        def __float__(self) -> float:
            raise ValueError("no float for you")

    m = Doc().get("m", type=Map)
    with pytest.raises(ValueError, match="no float for you"):
        m["x"] = Broken()
    with pytest.raises(TypeError, match="complex"):
        m["z"] = 1j  # complex has no __float__: still unstorable
    assert "x" not in m and "z" not in m


def test_numpy_float32_is_stored_as_a_float():
    np = pytest.importorskip("numpy")
    m = Doc().get("m", type=Map)
    m["f32"] = np.float32(0.5)
    m["f16"] = np.float16(-2.0)
    m["l"] = [np.float32(1.25), np.int64(4)]
    assert (m["f32"], m["f16"], m["l"]) == (0.5, -2.0, [1.25, 4])
    assert (type(m["f32"]), type(m["f16"]), type(m["l"][0]), type(m["l"][1])) == (
        float,
        float,
        float,
        int,
    )


def test_numpy_scalars_are_stored_as_python_numbers():
    np = pytest.importorskip("numpy")
    m = Doc().get("m", type=Map)
    m["i"] = np.int64(3)
    m["u"] = np.uint8(200)
    m["f"] = np.float64(1.5)
    assert (m["i"], m["u"], m["f"]) == (3, 200, 1.5)
    assert (type(m["i"]), type(m["u"]), type(m["f"])) == (int, int, float)


def test_dict_with_non_str_keys_raises_typeerror():
    m = Doc().get("m", type=Map)
    with pytest.raises(TypeError, match="int"):
        m["v"] = {1: "one"}
    with pytest.raises(TypeError):
        m["v"] = {"ok": {None: 1}}


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**30])
def test_int_beyond_int64_raises_typeerror(value):
    a = Doc().get("a", type=Array)
    with pytest.raises(TypeError):
        a.append(value)
    assert len(a) == 0


def test_cyclic_list_raises_valueerror():
    cyclic: list = []
    cyclic.append(cyclic)
    with pytest.raises(ValueError):
        Doc().get("a", type=Array).append(cyclic)


def test_shared_type_in_plain_container_raises_typeerror():
    a = Doc().get("a", type=Array)
    with pytest.raises(TypeError, match="shared type"):
        a.append({"t": Text("x")})


def test_values_in_text_attributes_and_embeds():
    t = Doc().get("t", type=Text)
    t.insert(0, "x", {"n": 2**40, "flag": True, "list": [1, None]})
    t.insert_embed(1, {"bytes": b"\x01", "nested": {"a": [1.5]}})
    assert t.diff() == [
        ("x", {"n": 2**40, "flag": True, "list": [1, None]}),
        ({"bytes": b"\x01", "nested": {"a": [1.5]}}, None),
    ]
    with pytest.raises(TypeError):
        t.insert(0, "y", {"bad": set()})
    with pytest.raises(TypeError):
        t.insert(0, "y", {1: True})
    with pytest.raises(TypeError):
        t.insert(0, "y", ["not", "a", "dict"])


def test_str_subclasses_and_int_subclasses_are_accepted():
    import enum

    class Color(enum.IntEnum):
        RED = 1

    class Name(str):
        pass

    local, remote = roundtrip([Color.RED, Name("n")])
    assert local == remote == [1, "n"]
    assert type(remote[0]) is int and type(remote[1]) is str
