"""Doc as pycrdt has it: text positions in UTF-8 bytes, shared types read as this layer's.

A ``crdtcore.pycrdt.Doc`` is a ``crdtcore.Doc`` with three changes:

* its offset unit: pycrdt (like yrs) counts text positions in UTF-8 bytes, so
  ``len(text)``, ``insert``, ``del``, ``format``, deltas and sticky indices do too;
* its ``_type_classes``: roots, nested types and event targets come back as
  ``crdtcore.pycrdt.Text``/``Array``/``Map``;
* ``observe``: as in pycrdt, when sync callbacks raise, every callback still runs and the
  errors are raised together after the commit, as ``ExceptionGroup("Observer callback
  error", [...])`` (crdtcore's Doc re-raises the first error itself).

pycrdt's ``doc=`` (wrap a native yrs document) and ``Model=`` (pydantic validation)
parameters are not offered; subdocuments are not supported (no ``observe_subdocs``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from inspect import iscoroutinefunction
from typing import Any, ClassVar, get_origin

import crdtcore

from ._array import Array
from ._map import Map
from ._text import Text

# The text offset unit of every crdtcore.pycrdt document: pycrdt's, UTF-8 bytes.
OFFSET_KIND = crdtcore.OffsetKind.UTF8

_TYPE_CLASSES: dict[type, type[Any]] = {
    # Native handle class -> the layer's class (crdtcore's own class maps the same handle).
    base._native: cls
    for base, cls in ((crdtcore.Text, Text), (crdtcore.Array, Array), (crdtcore.Map, Map))
}


class Doc(crdtcore.Doc):
    """A shared document (pycrdt's ``Doc``).

    Args:
        init: Root types to create, e.g. ``{"text": Text("hi")}``.
        client_id: This peer's id (random when omitted).
        skip_gc: Keep deleted content instead of garbage-collecting it (None: False).
        guid: The document's globally unique id (a random UUID4 when omitted).
        allow_multithreading: Let several threads use the document (see crdtcore.Doc).

    Raises:
        KeyTypeError: A root name in ``init`` is not a str (a RuntimeError, as in pycrdt).

    Example:
        >>> doc = Doc({"text": Text("hello")})
        >>> isinstance(doc["text"], Text)
        True
    """

    _type_classes: ClassVar[Mapping[type, type[Any]]] = _TYPE_CLASSES

    def __init__(
        self,
        init: Mapping[str, Any] | None = None,
        *,
        client_id: int | None = None,
        skip_gc: bool | None = None,
        guid: str | None = None,
        allow_multithreading: bool = False,
    ) -> None:
        super().__init__(
            init,
            client_id=client_id,
            skip_gc=False if skip_gc is None else skip_gc,
            guid=guid,
            allow_multithreading=allow_multithreading,
            offset_kind=OFFSET_KIND,
        )
        # The sync observers, called by one crdtcore observer (see observe()).
        self._sync_observers: dict[crdtcore.Subscription, Callable[..., Any]] = {}
        self._fan_out: crdtcore.Subscription | None = None

    def get(self, name: str, *, type: Any) -> Any:
        """The root ``name`` as ``type`` (Text, Array, Map, or ``Array[int]``-style aliases),
        created empty when absent.

        Raises:
            TypeError: ``type`` is not Text/Array/Map, or the root has another type.

        Example:
            >>> Doc().get("numbers", type=Array[int]).to_py()
            []
        """
        return super().get(name, type=get_origin(type) or type)

    def observe(self, callback: Callable[..., Any]) -> crdtcore.Subscription:
        """Calls ``callback(event)`` after each committed transaction that changed something.

        Sync callbacks all run; those that raised are raised after the commit as one
        ``ExceptionGroup("Observer callback error", errors)``, as in pycrdt. Coroutine
        functions run as in crdtcore (awaited when the ``async with`` transaction exits).

        Returns:
            A Subscription for ``unobserve``.

        Example:
            >>> doc = Doc()
            >>> def fail(event):
            ...     raise ValueError("no")
            >>> sub = doc.observe(fail)
            >>> try:
            ...     doc["t"] = Text("x")
            ... except* ValueError as group:
            ...     print(group.exceptions)
            (ValueError('no'),)
        """
        if iscoroutinefunction(callback):
            return super().observe(callback)
        subscription = crdtcore.Subscription(callback)
        self._sync_observers[subscription] = callback
        if self._fan_out is None:
            self._fan_out = super().observe(self._call_sync_observers)
        return subscription

    def unobserve(self, subscription: crdtcore.Subscription) -> None:
        """Removes a callback registered by ``observe``.

        Raises:
            ValueError: ``subscription`` is not registered on this document.
        """
        if self._sync_observers.pop(subscription, None) is None:
            super().unobserve(subscription)
            return
        if not self._sync_observers and self._fan_out is not None:
            super().unobserve(self._fan_out)
            self._fan_out = None

    def _call_sync_observers(self, event: crdtcore.TransactionEvent) -> None:
        errors: list[Exception] = []
        for callback in list(self._sync_observers.values()):
            try:
                callback(event)
            except Exception as error:  # every callback runs; raised together below
                errors.append(error)
        if errors:
            raise ExceptionGroup("Observer callback error", errors)
