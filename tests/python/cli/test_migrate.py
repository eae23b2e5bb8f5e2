"""``crdtcore migrate``: documents written by the real pycrdt-store (SQLiteYStore with
checkpoints, FileYStore) come out of the crdtcore store as the same documents."""

from __future__ import annotations

import json
import sqlite3
import zlib

import anyio
import pycrdt
import pytest
from pycrdt.store import FileYStore, SQLiteYStore

from crdtcore import Doc, Text, decode_state_vector
from crdtcore.store import FileStore, SqliteStore


def edit_session(seed: int) -> tuple[pycrdt.Doc, list[bytes]]:
    """A pycrdt document edited in many transactions, and its updates."""
    doc, updates = pycrdt.Doc(), []
    doc.observe(lambda event: updates.append(event.update))
    doc["text"] = text = pycrdt.Text("hi")
    doc["map"] = map_ = pycrdt.Map({"seed": seed})
    doc["list"] = list_ = pycrdt.Array(["a"])
    for i in range(7):
        text += f" {seed}.{i}"
        map_[f"k{i}"] = [i, "x", {"deep": i % 2 == 0}]
        list_.append(i * 1.5)
    del text[0:1]
    del map_["k0"]
    return doc, updates


def pycrdt_json(doc: pycrdt.Doc) -> dict:
    return {
        "text": doc.get("text", type=pycrdt.Text).to_py(),
        "map": doc.get("map", type=pycrdt.Map).to_py(),
        "list": doc.get("list", type=pycrdt.Array).to_py(),
    }


def write_sqlite_ystore(path, documents: dict[str, list[bytes]], compress=False) -> None:
    class Store(SQLiteYStore):
        db_path = str(path)
        checkpoint_interval = 4  # some documents get a checkpoint row

    async def write() -> None:
        for name, updates in documents.items():
            store = Store(path=name)
            if compress:
                store.register_compression_callbacks(zlib.compress, zlib.decompress)
            async with store:
                for update in updates:
                    await store.write(update)

    anyio.run(write)


def stored_doc(store, room: str) -> Doc:
    doc = Doc()
    for record in store.read(room):
        doc.apply_update(record)
    return doc


@pytest.fixture
def ystore(tmp_path):
    """A pycrdt-store database with documents "/notes" and "/team/board"."""
    sessions = {"/notes": edit_session(1), "/team/board": edit_session(2)}
    write_sqlite_ystore(tmp_path / "ystore.db", {k: v[1] for k, v in sessions.items()})
    return tmp_path / "ystore.db", {k: v[0] for k, v in sessions.items()}


def test_every_document_becomes_the_same_room(cli, tmp_path, ystore):
    path, docs = ystore
    with sqlite3.connect(path) as conn:  # the checkpoints are part of what is read
        assert conn.execute("SELECT COUNT(*) FROM ycheckpoints").fetchone()[0] == 2
    result = cli("migrate", "--from-pycrdt-store", str(path), "--store", "target.sqlite")
    assert result.status == 0, result.err
    assert "'/notes' → room 'notes': " in result.out
    assert result.out.splitlines()[-1] == "copied 2 documents to target.sqlite"
    with SqliteStore(tmp_path / "target.sqlite") as store:
        assert store.rooms() == ["notes", "team/board"]
        for name, source in docs.items():
            assert len(store.read(name[1:])) == 1
            copy = stored_doc(store, name[1:])
            assert decode_state_vector(copy.get_state()) == decode_state_vector(source.get_state())
    for name, source in docs.items():
        dumped = cli("dump", "--store", "target.sqlite", name[1:])
        assert json.loads(dumped.out) == pycrdt_json(source)


def test_into_a_file_store_keeping_paths(cli, tmp_path, ystore):
    path, docs = ystore
    result = cli(
        "migrate", "--from-pycrdt-store", str(path), "--store", "file:rooms", "--strip-prefix", ""
    )
    assert result.status == 0, result.err
    with FileStore(tmp_path / "rooms") as store:
        assert store.rooms() == ["/notes", "/team/board"]
        copy = stored_doc(store, "/notes")
    assert copy.get_state() == docs["/notes"].get_state()


def test_existing_rooms_stop_the_migration_unless_merge(cli, tmp_path, ystore):
    path, docs = ystore
    with SqliteStore(tmp_path / "t.sqlite") as store:
        other = Doc({"text": Text("local ")}, client_id=99)
        store.append("notes", other.get_update())
    result = cli("migrate", "--from-pycrdt-store", str(path), "--store", "t.sqlite")
    assert result.status == 1
    assert "already has room(s) 'notes'; nothing was written (--merge appends" in result.err
    with SqliteStore(tmp_path / "t.sqlite") as store:
        assert store.rooms() == ["notes"] and len(store.read("notes")) == 1
    result = cli("migrate", "--from-pycrdt-store", str(path), "--store", "t.sqlite", "--merge")
    assert result.status == 0, result.err
    with SqliteStore(tmp_path / "t.sqlite") as store:
        merged = stored_doc(store, "notes")
    state = decode_state_vector(merged.get_state())
    assert state[99] == 6
    assert all(state[c] >= k for c, k in decode_state_vector(docs["/notes"].get_state()).items())
    assert "local " in str(merged["text"])


def test_dry_run_and_json_report(cli, tmp_path, ystore):
    path, _ = ystore
    result = cli("migrate", "--from-pycrdt-store", str(path), "--store", "t.sqlite", "--dry-run")
    assert result.status == 0 and result.out.splitlines()[-1].startswith("would copy 2 documents")
    assert not (tmp_path / "t.sqlite").exists()
    result = cli("migrate", "--from-pycrdt-store", str(path), "--store", "t.sqlite", "--json")
    report = json.loads(result.out)
    assert [(r["path"], r["room"]) for r in report] == [
        ("/notes", "notes"),
        ("/team/board", "team/board"),
    ]
    assert all(r["records"] > 10 and r["bytes"] > 0 for r in report)


def test_compressed_store_is_reported(cli, tmp_path):
    _, updates = edit_session(3)
    write_sqlite_ystore(tmp_path / "z.db", {"/z": updates}, compress=True)
    result = cli("migrate", "--from-pycrdt-store", "z.db", "--store", "t.sqlite")
    assert result.status == 1
    assert "document '/z': " in result.err and "compression callbacks" in result.err
    assert not (tmp_path / "t.sqlite").exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "no such file: "),
        (lambda p: p.write_text("hello " * 200), "is not an SQLite database"),
        (lambda p: SqliteStore(p).close(), "has no yupdates table: a crdtcore store"),
    ],
)
def test_bad_sources(cli, tmp_path, setup, message):
    setup(tmp_path / "src.db")
    result = cli("migrate", "--from-pycrdt-store", "src.db", "--store", "t.sqlite")
    assert result.status == 1 and message in result.err
    assert not (tmp_path / "t.sqlite").exists()


def test_the_source_is_never_the_target(cli, ystore):
    path, _ = ystore
    result = cli("migrate", "--from-pycrdt-store", str(path), "--store", str(path))
    assert result.status == 1 and "the target store is the source database" in result.err


def test_a_path_that_names_no_room(cli, tmp_path):
    _, updates = edit_session(4)
    write_sqlite_ystore(tmp_path / "y.db", {"/": updates})
    result = cli("migrate", "--from-pycrdt-store", "y.db", "--store", "t.sqlite")
    assert result.status == 1
    assert "document path '/' gives the room name '', which is invalid" in result.err


def write_file_ystore(path, updates: list[bytes]) -> None:
    async def write() -> None:
        async with FileYStore(str(path)) as store:
            for update in updates:
                await store.write(update)

    anyio.run(write)


def test_file_ystore(cli, tmp_path):
    source, updates = edit_session(5)
    write_file_ystore(tmp_path / "docs" / "notes.y", updates)
    result = cli("migrate", "--from-pycrdt-file", "docs/notes.y", "--store", "t.sqlite")
    assert result.status == 0, result.err
    assert "'notes' → room 'notes': " in result.out
    assert json.loads(cli("dump", "--store", "t.sqlite", "notes").out) == pycrdt_json(source)


def test_torn_file_ystore_keeps_the_complete_updates(cli, tmp_path):
    _, updates = edit_session(6)
    write_file_ystore(tmp_path / "a.y", updates)
    data = (tmp_path / "a.y").read_bytes()
    (tmp_path / "a.y").write_bytes(data[:-3])  # a crash inside the last record
    result = cli("migrate", "--from-pycrdt-file", "a.y", "--store", "t.sqlite", "--room", "r")
    assert result.status == 0, result.err
    assert "last record (at byte " in result.err and "is torn" in result.err
    complete = pycrdt.Doc()
    for update in updates[:-1]:  # the last update (deleting map key k0) is lost
        complete.apply_update(update)
    dumped = json.loads(cli("dump", "--store", "t.sqlite", "r").out)
    assert dumped == pycrdt_json(complete) and "k0" in dumped["map"]
