"""The operation model: random edits as plain JSON data that can be replayed anywhere.

An *op* is a JSON-able dict naming an edit by abstract numbers: which shared type of a kind
(``target``), where (``index``) and how much (``length``). The numbers are reduced against the
document when the op is applied (Loro's ``pre_process`` idea), so every op is valid on every
document state. That is what lets a shrinker delete any subset of a scenario's actions and
still replay the rest, and lets one op list drive crdtcore and Yjs peers alike
(tests/interop/sim_yjs_peer.mjs implements the same reduction for Y.Doc).

Ops::

    {"kind": "text",  "action": "insert", "target": t, "index": i, "text": s, "attrs": a|None}
    {"kind": "text",  "action": "embed",  "target": t, "index": i, "value": v, "attrs": a|None}
    {"kind": "text",  "action": "delete", "target": t, "index": i, "length": n}
    {"kind": "text",  "action": "format", "target": t, "index": i, "length": n, "attrs": a}
    {"kind": "array", "action": "insert", "target": t, "index": i, "values": [v, ...]}
    {"kind": "array", "action": "delete", "target": t, "index": i, "length": n}
    {"kind": "map",   "action": "set",    "target": t, "key": k, "value": v}
    {"kind": "map",   "action": "delete", "target": t, "key": k}

Reduction, for a document whose roots ``ROOTS`` were typed up front:

* the candidates of a kind are the shared types of that kind in pre-order: roots in ``ROOTS``
  order, then Array elements by index and Map entries by key in UTF-16 order (JavaScript's
  default sort); the op edits ``candidates[target % len(candidates)]``;
* text indices count code points (embeds count one); an insert goes to ``index % (n + 1)``;
  a delete or format of a non-empty text covers ``[s, s + min(length, n - s))`` with
  ``s = index % n``; on an empty text it does nothing. Arrays reduce the same way;
* a map delete of an absent key does nothing.

Values are tagged JSON (tests/interop/lib/view.mjs): ``{"$bytes": base64}`` for bytes,
``{"$number": "NaN"|"Infinity"|"-Infinity"}``, and ``{"$new": "text"|"array"|"map", "init": x}``
for a new nested shared type (map ``init`` is a list of ``[key, value]`` pairs), allowed as an
array element, a map value or inside another ``$new``.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Iterator
from typing import Any

from .. import Array, Doc, Map, Text

Op = dict[str, Any]

#: Root name -> kind. Every document of a scenario types these roots before anything else.
ROOTS: dict[str, str] = {"text": "text", "array": "array", "map": "map"}
_CLASSES: dict[str, type] = {"text": Text, "array": Array, "map": Map}
_SHARED = (Text, Array, Map)
_ACTIONS = {
    "text": ("insert", "embed", "delete", "format"),
    "array": ("insert", "delete"),
    "map": ("set", "delete"),
}


def new_doc(client_id: int, *, gc: bool = True) -> Doc:
    """A document with the ``ROOTS`` typed, ready for ops.

    Args:
        client_id: The document's client id.
        gc: Garbage-collect deleted content (Yjs's default).

    Returns:
        The new Doc.

    Example:
        >>> sorted(new_doc(1).keys())
        ['array', 'map', 'text']
    """
    doc = Doc(client_id=client_id, skip_gc=not gc)
    for name, kind in ROOTS.items():
        doc.get(name, type=_CLASSES[kind])
    return doc


# -- tagged values ---------------------------------------------------------------------------


def tag(value: Any) -> Any:
    """A plain Python value as tagged JSON (bytes and non-finite floats get tags).

    Example:
        >>> tag({"b": b"\\x01", "x": [float("inf")]})
        {'b': {'$bytes': 'AQ=='}, 'x': [{'$number': 'Infinity'}]}
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, float) and not math.isfinite(value):
        return {
            "$number": "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        }
    if isinstance(value, (list, tuple)):
        return [tag(v) for v in value]
    if isinstance(value, dict):
        return {k: tag(v) for k, v in value.items()}
    return value


def untag(value: Any) -> Any:
    """Tagged JSON back to a value to store: plain values, or prelim Text/Array/Map for ``$new``.

    Raises:
        ValueError: An unknown ``$new`` kind.

    Example:
        >>> untag({"$new": "array", "init": [1, {"$bytes": "AQ=="}]}).to_py()
        [1, b'\\x01']
    """
    if isinstance(value, list):
        return [untag(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$bytes" in value:
        return base64.b64decode(value["$bytes"])
    if "$number" in value:
        return float(value["$number"].lower().replace("infinity", "inf"))
    if "$new" in value:
        kind, init = value["$new"], value.get("init")
        if kind == "text":
            return Text(init or "")
        if kind == "array":
            return Array([untag(v) for v in init or []])
        if kind == "map":
            return Map({k: untag(v) for k, v in init or []})
        raise ValueError(f"unknown $new kind {kind!r}")
    return {k: untag(v) for k, v in value.items()}


# -- reduction and application ---------------------------------------------------------------


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def walk(doc: Doc) -> Iterator[tuple[list[str | int], Any]]:
    """Every shared type of ``doc`` with its path, in the candidate order of the op model.

    A path is ``[root, step, ...]``: array indices and map keys (pre-order, map keys in
    UTF-16 order, as JavaScript sorts them).

    Example:
        >>> doc = new_doc(1)
        >>> doc["map"]["k"] = Text("x")
        >>> [(path, type(t).__name__) for path, t in walk(doc)]
        [(['text'], 'Text'), (['array'], 'Array'), (['map'], 'Map'), (['map', 'k'], 'Text')]
    """
    stack: list[tuple[list[str | int], Any]] = [
        ([name], doc.get(name, type=_CLASSES[kind])) for name, kind in ROOTS.items()
    ]
    stack.reverse()
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, Array):
            entries: Iterable[tuple[str | int, Any]] = enumerate(node[:])
        elif isinstance(node, Map):
            keyed: list[tuple[str, Any]] = sorted(node.items(), key=lambda kv: _utf16_key(kv[0]))
            entries = keyed
        else:
            continue
        children = [([*path, step], v) for step, v in entries if isinstance(v, _SHARED)]
        stack.extend(reversed(children))


def _target(doc: Doc, op: Op) -> Any:
    cls = _CLASSES[op["kind"]]
    candidates = [t for _, t in walk(doc) if isinstance(t, cls)]
    return candidates[op.get("target", 0) % len(candidates)]


def _span(op: Op, n: int) -> tuple[int, int] | None:
    if n == 0:
        return None
    start = op.get("index", 0) % n
    return start, start + min(max(1, op.get("length", 1)), n - start)


def apply_op(doc: Doc, op: Op) -> None:
    """Performs one op on ``doc`` (reduced as the module docstring says).

    Args:
        doc: A document made by ``new_doc`` (or with the ``ROOTS`` typed).
        op: The op.

    Raises:
        ValueError: ``op`` names an unknown kind or an action its kind does not have.

    Example:
        >>> doc = new_doc(1)
        >>> apply_op(doc, {"kind": "text", "action": "insert", "target": 0, "index": 5,
        ...                "text": "hi", "attrs": None})
        >>> apply_op(doc, {"kind": "text", "action": "insert", "target": 9, "index": 7,
        ...                "text": "😀", "attrs": {"bold": True}})
        >>> doc["text"].to_delta()
        [{'insert': 'h'}, {'insert': '😀', 'attributes': {'bold': True}}, {'insert': 'i'}]
    """
    kind, action = op.get("kind"), op.get("action")
    if kind not in _ACTIONS:
        raise ValueError(f"unknown op kind {kind!r}")
    if action not in _ACTIONS[kind]:
        raise ValueError(f"unknown {kind} action {action!r}")
    target = _target(doc, op)
    if kind == "map":
        if action == "set":
            target[op["key"]] = untag(op["value"])
        elif op["key"] in target:
            del target[op["key"]]
        return
    n = len(target)
    if action in ("delete", "format"):
        span = _span(op, n)
        if span is None:
            return
        if action == "delete":
            del target[span[0] : span[1]]
        else:
            target.format(span[0], span[1], untag(op["attrs"]))
        return
    index = op.get("index", 0) % (n + 1)
    if kind == "array":
        target[index:index] = untag(op["values"])
    elif action == "insert":
        target.insert(index, op["text"], untag(op.get("attrs")))
    else:
        target.insert_embed(index, untag(op["value"]), untag(op.get("attrs")))


def apply_ops(doc: Doc, ops: Iterable[Op], origin: Any = None) -> None:
    """Performs ``ops`` on ``doc`` in one transaction (one update, as a user's edit).

    Args:
        doc: A document made by ``new_doc``.
        ops: The ops, in order.
        origin: The transaction origin.

    Example:
        >>> doc = new_doc(1)
        >>> apply_ops(doc, [{"kind": "map", "action": "set", "target": 0, "key": "k",
        ...                  "value": {"$new": "array", "init": [1]}},
        ...                 {"kind": "array", "action": "insert", "target": 1, "index": 1,
        ...                  "values": [2]}])
        >>> doc["map"].to_py()
        {'k': [1, 2]}
    """
    with doc.transaction(origin=origin):
        for op in ops:
            apply_op(doc, op)
