"""Fixtures of the store tests: every backend, opened (and reopened) on a fresh location.

``make_store`` runs a test once per backend, ``make_durable_store`` once per persistent
backend; calling either with keyword arguments opens (or reopens) the backend at the test's
location. Every store opened is closed at teardown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crdtcore.store import FileStore, MemoryStore, SqliteStore
from crdtcore.store._store import StoreBase

Opener = Callable[..., StoreBase]


def _open(backend: str, root: Path, **kwargs: object) -> StoreBase:
    if backend == "memory":
        return MemoryStore(**kwargs)  # type: ignore[arg-type]
    if backend == "sqlite":
        return SqliteStore(root / "store.sqlite", **kwargs)  # type: ignore[arg-type]
    return FileStore(root / "logs", **kwargs)  # type: ignore[arg-type]


def _opener(backend: str, root: Path) -> Iterator[Opener]:
    opened: list[StoreBase] = []

    def make(**kwargs: object) -> StoreBase:
        store = _open(backend, root, **kwargs)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture(params=["memory", "sqlite", "file"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the test's backend (every backend in turn) at the test's location."""
    yield from _opener(request.param, tmp_path)


@pytest.fixture(params=["sqlite", "file"])
def make_durable_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the test's persistent backend (SQLite, then file) at the test's location."""
    yield from _opener(request.param, tmp_path)


@pytest.fixture
def store(make_store: Opener) -> StoreBase:
    """One open store, of every backend in turn."""
    return make_store()
