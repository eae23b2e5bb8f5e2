"""JavaScript-exact JSON for awareness states (crdtcore.sync._json)."""

from __future__ import annotations

import math

import pytest

from crdtcore.sync import ProtocolError
from crdtcore.sync._json import equal, parse, stringify


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        ({}, "{}"),
        ([], "[]"),
        (0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-2.5, "-2.5"),
        (0.1, "0.1"),
        (1e16, "10000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (1e-6, "0.000001"),
        (1.5e-7, "1.5e-7"),
        (5e-324, "5e-324"),
        (123456.789, "123456.789"),
        (2**53, "9007199254740992"),
        (2**60, "1152921504606847000"),
        (10**400, "null"),  # Infinity in JavaScript
        (math.nan, "null"),
        (-math.inf, "null"),
        ('é"\\\n\x01\x7f\u2028', '"é\\"\\\\\\n\\u0001\x7f\u2028"'),
        ("a\ud83db", '"a\\ud83db"'),
        ("\ud83d\ude00", '"😀"'),
        ({"b": 1, "2": 2, "10": 3, "01": 4, "a": 5}, '{"2":2,"10":3,"b":1,"01":4,"a":5}'),
        ({"4294967295": 1, "4294967294": 2}, '{"4294967294":2,"4294967295":1}'),
        ((1, [2, {"x": None}]), '[1,[2,{"x":null}]]'),
    ],
)
def test_stringify_matches_javascript(value, text):
    assert stringify(value) == text


@pytest.mark.parametrize("value", [b"x", {1: 2}, {1, 2}, object(), {"a": [b""]}])
def test_stringify_rejects_non_json(value):
    with pytest.raises(TypeError):
        stringify(value)


def test_stringify_rejects_cycles():
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="deeper than 512"):
        stringify(cycle)


def test_parse():
    assert parse(' {"a": [1, 2.5, "x"], "b": null} ') == {"a": [1, 2.5, "x"], "b": None}
    assert parse('"\\ud83d"') == "\ud83d"
    assert parse("1e400") == math.inf  # JSON.parse gives Infinity too


@pytest.mark.parametrize("text", ["", "{", "NaN", "-Infinity", "[1,]", "'x'", '"\x01"', "nul"])
def test_parse_rejects_invalid_json(text):
    with pytest.raises(ProtocolError, match="invalid JSON"):
        parse(text)


def test_equal_is_lib0_equality_deep():
    assert equal({"a": [1, {"b": 2.0}]}, {"a": [1.0, {"b": 2}]})
    assert not equal(True, 1)
    assert not equal({"a": 0}, {"a": False})
    assert not equal(None, {})
    assert not equal({"a": 1}, {"a": 1, "b": 1})
    assert not equal([1], [1, 2])
    assert not equal("1", 1)
    assert equal(None, None)
