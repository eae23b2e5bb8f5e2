"""open_store() location strings, and the docstring examples of crdtcore.store."""

from __future__ import annotations

import doctest
import importlib

import pytest

from crdtcore.store import FileStore, MemoryStore, SqliteStore, open_store


@pytest.mark.parametrize(
    ("location", "kind"),
    [
        (":memory:", MemoryStore),
        ("memory:", MemoryStore),
        ("file:{tmp}/logs", FileStore),
        ("{tmp}", FileStore),  # an existing directory
        ("sqlite:{tmp}/a.db", SqliteStore),
        ("{tmp}/rooms.sqlite", SqliteStore),
    ],
)
def test_location_strings_pick_the_backend(tmp_path, location, kind):
    with open_store(location.format(tmp=tmp_path)) as store:
        assert type(store) is kind
        store.append("room", b"u")
        assert store.read("room") == [b"u"]


def test_durability_is_passed_on(tmp_path):
    with open_store(f"file:{tmp_path}", durability="full") as store:
        assert store.durability == "full"
    with open_store(tmp_path / "x.sqlite", durability="full") as store:
        assert store.durability == "full"
    with pytest.raises(ValueError, match="durability"):
        open_store(tmp_path / "y.sqlite", durability="sometimes")


@pytest.mark.parametrize("location", ["", "file:", "sqlite:"])
def test_empty_locations_are_value_errors(location):
    with pytest.raises(ValueError, match="empty store location"):
        open_store(location)


@pytest.mark.parametrize(
    "module",
    [
        "crdtcore.store",
        "crdtcore.store._store",
        "crdtcore.store._log",
        "crdtcore.store._open",
        "crdtcore.store.memory_store",
        "crdtcore.store.sqlite_store",
        "crdtcore.store.file_store",
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0
