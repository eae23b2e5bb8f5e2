"""JSON text exactly as JavaScript writes and reads it (awareness states).

Awareness states travel as ``JSON.stringify`` text (yjs-format.md §11.4). ``stringify``
reproduces its bytes for JSON-like Python values, where ``json.dumps`` would differ: numbers
use JavaScript's ``Number#toString`` (``1.0`` -> ``1``, ``1e16`` -> ``10000000000000000``,
NaN/Infinity -> ``null``), integer-like object keys come first in ascending order (JavaScript
object key order), non-ASCII characters are written raw and lone surrogates as ``\\udXXX``.

``parse`` accepts exactly the texts ``JSON.parse`` accepts (Python's ``json`` also takes
``NaN``/``Infinity``, refused here) and raises ``ProtocolError`` for anything else.
``equal`` is lib0's ``equalityDeep`` for parsed JSON: ``True`` differs from ``1``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ._errors import ProtocolError

_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_ARRAY_INDEX = 2**32 - 2  # a JS "array index" key is a canonical uint32 below 2**32 - 1
_MAX_DEPTH = 512  # the nesting crdtcore accepts for stored values


def stringify(value: Any) -> str:
    """``JSON.stringify(value)`` for a JSON-like Python value.

    Args:
        value: None, bool, int, float, str, list/tuple, or dict with str keys (nested).

    Returns:
        Compact JSON text, byte-identical to JavaScript's.

    Raises:
        TypeError: A value JSON cannot hold (bytes, a set, a non-str key, ...).
        ValueError: Nesting deeper than 512 levels (a cyclic list, say).

    Example:
        >>> stringify({"b": 1.0, "1": [True, None, 1e21], "é": "x"})
        '{"1":[true,null,1e+21],"b":1,"é":"x"}'
    """
    out: list[str] = []
    _write(value, out, 0)
    return "".join(out)


def parse(text: str) -> Any:
    """``JSON.parse(text)``.

    Raises:
        ProtocolError: ``text`` is not valid JSON (or nests absurdly deep).

    Example:
        >>> parse('{"user":{"name":"A"}}')
        {'user': {'name': 'A'}}
    """
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"invalid JSON in awareness state: {exc}") from None
    except RecursionError:
        raise ProtocolError("invalid JSON in awareness state: nested too deeply") from None


def equal(a: Any, b: Any) -> bool:
    """Deep equality of parsed JSON values as lib0's ``equalityDeep`` sees them.

    Example:
        >>> equal({"a": [1, 2.0]}, {"a": [1.0, 2]}), equal(True, 1)
        (True, False)
    """
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or (type(a) is type(b) and a == b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return len(a) == len(b) and all(k in b and equal(v, b[k]) for k, v in a.items())
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _reject_constant(name: str) -> Any:
    raise ProtocolError(f"invalid JSON in awareness state: {name} is not JSON")


def _write(value: Any, out: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ValueError(f"a JSON value nests deeper than {_MAX_DEPTH} levels")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        out.append(str(value) if -(2**53) <= value <= 2**53 else _number(_to_float(value)))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out, depth + 1)
        out.append("]")
    elif isinstance(value, Mapping):
        out.append("{")
        for i, key in enumerate(_js_key_order(value)):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out, depth + 1)
        out.append("}")
    else:
        raise TypeError(f"'{type(value).__name__}' is not JSON-serializable")


def _js_key_order(obj: Mapping[Any, Any]) -> list[str]:
    keys = list(obj)
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys must be str, not '{type(key).__name__}'")
    indices = [k for k in keys if _is_array_index(k)]
    if not indices:
        return keys
    indices.sort(key=int)
    return indices + [k for k in keys if not _is_array_index(k)]


def _is_array_index(key: str) -> bool:
    if not key.isascii() or not key.isdigit() or (key[0] == "0" and len(key) > 1):
        return False
    return int(key) <= _MAX_ARRAY_INDEX


def _string(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    if _SURROGATE.search(quoted) is None:
        return quoted
    # Join valid surrogate pairs into characters; escape lone ones as JSON.stringify does.
    joined = quoted.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", joined)


def _to_float(value: int) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf  # beyond a double: JavaScript's Number() gives Infinity


def _number(x: float) -> str:
    """JavaScript ``Number#toString`` (ECMA-262 Number::toString) of a double."""
    if not math.isfinite(x):
        return "null"
    if x == 0:
        return "0"  # also -0
    sign = "-" if x < 0 else ""
    # repr() gives the shortest round-tripping digits, as JavaScript does; only the layout differs.
    _, digit_tuple, exponent = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent = int(exponent) + len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # value = 0.<digits> * 10**n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body
