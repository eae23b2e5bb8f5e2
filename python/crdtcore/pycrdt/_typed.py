"""pycrdt's typed containers: a Doc, Array or Map whose entries are declared as annotations.

``class Notes(TypedDoc): title: Text; tags: Array[str]`` makes ``notes.title`` read the
root ``"title"``; assigning checks the declared type (``TypeError`` otherwise). Nested
typed containers come back wrapped in their declared class. The untyped object is ``_``.

(No ``from __future__ import annotations`` here: the docstring examples define typed classes,
and doctest would compile them with this module's future flags.)
"""

from types import UnionType
from typing import Any, Generic, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from ._array import Array
from ._doc import Doc
from ._map import Map

T = TypeVar("T")


class Typed:
    """Base of TypedDoc, TypedArray and TypedMap: annotated attributes map to entries of ``_``."""

    _: Any

    def __init__(self) -> None:
        hints = get_type_hints(type(self))
        self.__dict__["annotations"] = {name: hint for name, hint in hints.items() if name != "_"}

    def __getattr__(self, key: str) -> Any:
        annotations = self.__dict__["annotations"]
        if key not in annotations:
            raise AttributeError(f"{type(self).__name__!r} has no attribute {key!r}")
        expected = annotations[key]
        value = self._[key]
        if isinstance(expected, type) and issubclass(expected, Typed):
            return cast(Any, expected)(value)
        return value

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "_":
            self.__dict__["_"] = value
            return
        annotations = self.__dict__["annotations"]
        if key not in annotations:
            raise AttributeError(f"{type(self).__name__!r} has no attribute {key!r}")
        expected = annotations[key]
        if not isinstance(value, _allowed_types(expected)):
            raise TypeError(
                f"{type(self).__name__}.{key} is declared {expected!r}, "
                f"not {type(value).__name__!r}"
            )
        self._[key] = value._ if isinstance(value, Typed) else value


def _allowed_types(hint: Any) -> tuple[type, ...]:
    origin = get_origin(hint)
    if origin in (Union, UnionType):
        return tuple(t for arg in get_args(hint) for t in _allowed_types(arg))
    if hint is None or hint is type(None):
        return (type(None),)
    if origin is not None:
        return (origin,)
    return (hint,)


class TypedDoc(Typed):
    """A Doc whose roots are declared as annotations (pycrdt's ``TypedDoc``).

    Args:
        doc: The document to wrap (a new one when omitted); the declared roots are created.

    Example:
        >>> from crdtcore.pycrdt import Text
        >>> class Notes(TypedDoc):
        ...     title: Text
        ...     tags: Array[str]
        >>> notes = Notes()
        >>> notes.title += "Groceries"
        >>> notes.tags.append("home")
        >>> notes._["tags"].to_py(), str(notes.title)
        (['home'], 'Groceries')
    """

    _: Doc

    def __init__(self, doc: "TypedDoc | Doc | None" = None) -> None:
        super().__init__()
        if doc is None:
            doc = Doc()
        elif isinstance(doc, TypedDoc):
            doc = doc._
        if not isinstance(doc, Doc):
            raise TypeError(f"TypedDoc wraps a crdtcore.pycrdt.Doc, not {type(doc).__name__!r}")
        self._ = doc
        for name, hint in self.__dict__["annotations"].items():
            root_class = get_origin(hint) or hint
            root = root_class()
            doc[name] = root._ if isinstance(root, Typed) else root


class TypedMap(Typed):
    """A Map whose keys are declared as annotations (pycrdt's ``TypedMap``).

    Args:
        map: The map to wrap (a new prelim Map when omitted).

    Example:
        >>> class User(TypedMap):
        ...     name: str
        ...     age: int | None
        >>> class Users(TypedDoc):
        ...     me: User
        >>> users = Users()
        >>> users.me.name = "Ada"
        >>> users.me.age = 36
        >>> users._["me"].to_py() == {"name": "Ada", "age": 36}
        True
    """

    _: Map

    def __init__(self, map: "TypedMap | Map | None" = None) -> None:
        super().__init__()
        if map is None:
            map = Map()
        elif isinstance(map, TypedMap):
            map = map._
        self._ = map


class TypedArray(Typed, Generic[T]):
    """An Array whose elements have the type declared by the ``type`` annotation.

    Args:
        array: The array to wrap (a new prelim Array when omitted).

    Example:
        >>> class Point(TypedMap):
        ...     x: int
        >>> class Points(TypedArray[Point]):
        ...     type: Point
        >>> class Drawing(TypedDoc):
        ...     points: Points
        >>> drawing = Drawing()
        >>> drawing.points.append(Point())
        >>> drawing.points[0].x = 3
        >>> drawing._["points"].to_py(), len(drawing.points)
        ([{'x': 3}], 1)
    """

    type: T  # subclasses declare the element type here
    _: Array

    def __init__(self, array: "TypedArray[Any] | Array | None" = None) -> None:
        super().__init__()
        if array is None:
            array = Array()
        elif isinstance(array, TypedArray):
            array = array._
        self._ = array
        self.__dict__["type"] = self.__dict__["annotations"]["type"]

    def __getitem__(self, key: int) -> Any:
        item_type = self.__dict__["type"]
        value = self._[key]
        if isinstance(item_type, type) and issubclass(item_type, Typed):
            return cast(Any, item_type)(value)
        return value

    def __setitem__(self, key: int, value: Any) -> None:
        self._[key] = value._ if isinstance(value, Typed) else value

    def append(self, value: Any) -> None:
        """Appends one element (a typed container is appended as its untyped ``_``)."""
        self._.append(value._ if isinstance(value, Typed) else value)

    def extend(self, values: list[Any]) -> None:
        """Appends every element of ``values``."""
        self._.extend([v._ if isinstance(v, Typed) else v for v in values])

    def __len__(self) -> int:
        return len(self._)
