"""A document's content as JSON, with root types inferred from the update's structs.

The Yjs wire format does not say whether a root is a Text, an Array or a Map (each peer
names the type when it first asks for the root). ``inspect_update`` infers it from the
structs: a root holding strings, embeds or formats is a text, else one with keyed entries a
map, any other an array. A root without live content reads as an empty array.
"""

from __future__ import annotations

from typing import Any

from .. import Array, Doc, Map, Text, inspect_update


def root_types(doc: Doc, update: bytes) -> dict[str, str]:
    """``{root name: "text" | "array" | "map"}`` for every root of ``doc``, which received
    ``update``: the inferred type where the structs show one, else ``"array"``."""
    inferred = inspect_update(update).roots
    return {name: inferred.get(name, "array") for name in sorted(doc.keys())}


def document_json(doc: Doc, types: dict[str, str]) -> dict[str, Any]:
    """``{root name: content}``: texts as strings, arrays as lists, maps as dicts (nested
    shared types likewise), each root read as the type ``types`` names.

    Example:
        >>> source = Doc({"t": Text("hi"), "m": Map({"k": [1]})})
        >>> doc = Doc()
        >>> doc.apply_update(source.get_update())
        >>> document_json(doc, root_types(doc, source.get_update()))
        {'m': {'k': [1]}, 't': 'hi'}
    """
    out: dict[str, Any] = {}
    for name, kind in types.items():
        if kind == "text":
            out[name] = doc.get(name, type=Text).to_py()
        elif kind == "map":
            out[name] = doc.get(name, type=Map).to_py()
        else:
            out[name] = doc.get(name, type=Array).to_py()
    return out


def load_update(update: bytes) -> Doc:
    """A fresh document with ``update`` applied (DecodeError if malformed)."""
    doc = Doc()
    doc.apply_update(update)
    return doc
