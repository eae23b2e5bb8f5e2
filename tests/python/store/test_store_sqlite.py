"""SqliteStore specifics: WAL, durability pragmas, schema, errors mapped to StoreError."""

from __future__ import annotations

import sqlite3

import pytest

from crdtcore.store import SqliteStore, StoreCorruptError, StoreError, StoreLockedError


@pytest.fixture
def path(tmp_path):
    return tmp_path / "rooms.sqlite"


def test_the_database_runs_in_wal_mode_with_one_table(path):
    with SqliteStore(path) as store:
        store.append("room", b"u1")
        assert store.journal_mode == "wal"
        assert (path.parent / "rooms.sqlite-wal").exists()
    with sqlite3.connect(path) as conn:  # readable by any SQLite client
        rows = conn.execute("SELECT room, seq, data FROM crdtcore_updates").fetchall()
        assert rows == [("room", 1, b"u1")]
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    conn.close()


@pytest.mark.parametrize(("durability", "level"), [("normal", 1), ("full", 2)])
def test_durability_sets_the_synchronous_pragma(path, durability, level):
    with SqliteStore(path, durability=durability) as store:
        assert store._conn.execute("PRAGMA synchronous").fetchone() == (level,)
        store.append("room", b"u")
        assert store.read("room") == [b"u"]


def test_each_append_is_committed_when_it_returns(path):
    with SqliteStore(path) as store:
        store.append("room", b"u1")
        store.append("room", b"u2")
        assert not store._conn.in_transaction
        other = sqlite3.connect(path)  # another connection sees both without any close
        try:
            assert other.execute("SELECT COUNT(*) FROM crdtcore_updates").fetchone() == (2,)
        finally:
            other.close()


def test_replace_reuses_sequence_numbers_so_order_survives(path):
    with SqliteStore(path) as store:
        for i in range(3):
            store.append("room", b"%d" % i)
        store.replace("room", b"first", 0)
        store.replace("room", b"zeroth", 0)
        store.replace("room", b"merged", 3)
        store.append("room", b"3")
    with SqliteStore(path) as store:
        assert store.read("room") == [b"merged", b"1", b"2", b"3"]


def test_memory_database_works_without_wal():
    with SqliteStore(":memory:") as store:
        assert store.journal_mode == "memory"
        store.append("room", b"u")
        assert store.read("room") == [b"u"]


def test_a_file_that_is_not_a_database_raises_corrupt_and_is_left_alone(path):
    garbage = b"this is not an SQLite database, just some text" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreCorruptError, match="not a database") as info:
        SqliteStore(path)
    assert isinstance(info.value.__cause__, sqlite3.DatabaseError)
    assert path.read_bytes() == garbage


def test_a_newer_schema_version_is_refused(path):
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        SqliteStore(path)


def test_a_missing_directory_raises_store_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open"):
        SqliteStore(tmp_path / "missing" / "rooms.sqlite")


def test_a_busy_database_raises_locked_after_the_timeout_and_changes_nothing(path):
    with SqliteStore(path, timeout=0.05) as store:
        store.append("room", b"u1")
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # holds the write lock
            with pytest.raises(StoreLockedError, match="locked"):
                store.append("room", b"u2")
            with pytest.raises(StoreLockedError):
                store.replace("room", b"m", 1)
            other.execute("ROLLBACK")
        finally:
            other.close()
        assert store.append("room", b"u3") == 2
        assert store.read("room") == [b"u1", b"u3"]


def test_bad_durability_is_a_value_error(path):
    with pytest.raises(ValueError, match="durability"):
        SqliteStore(path, durability="paranoid")  # type: ignore[arg-type]
    assert not path.exists()


def test_replace_if_sees_another_store_on_the_same_database(tmp_path):
    # Two processes on one SQLite database: the compare and the swap are one transaction.
    with SqliteStore(tmp_path / "s.db") as server, SqliteStore(tmp_path / "s.db") as tool:
        for record in (b"a", b"b"):
            server.append("room", record)
        seen = tool.read("room")
        server.replace("room", b"ab", 2)  # the server compacted meanwhile
        server.append("room", b"c")
        assert tool.replace_if("room", b"merged", seen) is False
        assert server.read("room") == [b"ab", b"c"]
