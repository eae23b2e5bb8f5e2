"""``crdtcore dump``: a stored room as JSON or update bytes; missing stores and rooms."""

from __future__ import annotations

import json
import sqlite3

import pytest

from crdtcore import Doc, Text
from crdtcore.store import FileStore, SqliteStore


def store_room(store, room, doc_factory):
    """Appends every transaction of a fresh ``doc_factory()`` document to ``room``."""
    doc = Doc(client_id=7)
    sub = doc.observe(lambda event: store.append(room, event.update))
    source = doc_factory()
    doc.apply_update(source.get_update())
    doc.unobserve(sub)
    return doc


@pytest.fixture(params=["sqlite", "file"])
def location(request, tmp_path, sample_doc):
    """A store of each backend holding room "notes" (the sample document, two records)."""
    if request.param == "sqlite":
        spec, store = str(tmp_path / "s.sqlite"), SqliteStore(tmp_path / "s.sqlite")
    else:
        spec, store = f"file:{tmp_path / 'rooms'}", FileStore(tmp_path / "rooms")
    with store:
        store_room(store, "notes", sample_doc)
        store.append("notes", Doc({"extra": Text("!")}, client_id=8).get_update())
    return spec


def test_json_of_a_room(cli, location, sample_json):
    result = cli("dump", "--store", location, "notes")
    assert result.status == 0, result.err
    assert json.loads(result.out) == {**sample_json, "extra": "!"}


def test_update_bytes_round_trip(cli, location, tmp_path, sample_json):
    out = tmp_path / "notes.bin"
    assert cli("dump", "--store", location, "--update", "-o", str(out), "notes").status == 0
    doc = Doc()
    doc.apply_update(out.read_bytes())
    assert str(doc["notes"]) == "hello" and str(doc["extra"]) == "!"
    inspected = json.loads(cli("inspect", "--json", str(out)).out)
    assert inspected["document"] == {**sample_json, "extra": "!"}


def test_json_to_a_file(cli, location, tmp_path):
    out = tmp_path / "notes.json"
    result = cli("dump", "--store", location, "-o", str(out), "notes")
    assert result.status == 0 and result.out == ""
    assert json.loads(out.read_text())["notes"] == "hello"


def test_unknown_room_names_the_rooms(cli, location):
    result = cli("dump", "--store", location, "nope")
    assert result.status == 1
    assert result.err == (
        f"crdtcore dump: error: no room 'nope' in the store {location} (its rooms: 'notes')\n"
    )


def test_a_leading_slash_is_pointed_out(cli, location):
    result = cli("dump", "--store", location, "/notes")
    assert result.status == 1 and "did you mean 'notes'?" in result.err


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("missing.sqlite", "no store at missing.sqlite: no such file"),
        ("file:missing", "no store at file:missing: missing is not a directory"),
        (":memory:", "a memory store keeps nothing between processes"),
        ("sqlite:", "empty path in store location 'sqlite:'"),
    ],
)
def test_missing_stores_are_not_created(cli, tmp_path, location, message):
    result = cli("dump", "--store", location, "notes")
    assert result.status == 1 and message in result.err
    assert list(tmp_path.iterdir()) == []


def test_other_files_are_refused_untouched(cli, tmp_path):
    (tmp_path / "text.txt").write_text("not a database, just text " * 10)
    result = cli("dump", "--store", "text.txt", "notes")
    assert result.status == 1 and "is not an SQLite database" in result.err
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE t (x)")
    before = (tmp_path / "other.db").read_bytes()
    result = cli("dump", "--store", "other.db", "notes")
    assert result.status == 1 and "an SQLite database of another program" in result.err
    assert (tmp_path / "other.db").read_bytes() == before


def test_a_file_store_held_by_a_server_is_reported(cli, tmp_path):
    with FileStore(tmp_path / "rooms") as running:  # what `crdtcore serve` holds
        running.append("notes", Doc({"t": Text("x")}).get_update())
        result = cli("dump", "--store", "file:rooms", "notes")
    assert result.status == 1
    assert "is in use by another process" in result.err
    assert "is `crdtcore serve` running on it?" in result.err


def test_an_unreadable_record_is_skipped_with_a_warning(cli, tmp_path):
    with SqliteStore(tmp_path / "s.sqlite") as store:
        store.append("r", Doc({"t": Text("ok")}).get_update())
        store.append("r", b"\x01\x02garbage")
    result = cli("dump", "--store", "s.sqlite", "r")
    assert result.status == 0
    assert json.loads(result.out) == {"t": "ok"}
    assert result.err.startswith("crdtcore dump: warning: record 1 of room 'r' is unreadable")


def test_binary_output_refuses_a_terminal(cli, location, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stdout.buffer, "isatty", lambda: True, raising=False)
    result = cli("dump", "--store", location, "--update", "notes")
    assert (
        result.status == 1 and "refusing to write binary update bytes to a terminal" in result.err
    )


def test_pending_updates_are_warned_about_and_kept_in_the_bytes(cli, tmp_path):
    doc, updates = Doc(client_id=5), []
    doc.observe(lambda event: updates.append(event.update))
    doc["t"] = Text("a")
    doc["t"] += "b"
    doc["t"] += "c"
    with SqliteStore(tmp_path / "s.sqlite") as store:
        store.append("r", updates[0])
        store.append("r", updates[2])  # updates[1] never arrived
    result = cli("dump", "--store", "s.sqlite", "r")
    assert json.loads(result.out) == {"t": "a"}
    assert "holds updates that wait for missing ones" in result.err
    assert cli("dump", "--store", "s.sqlite", "--update", "-o", "r.bin", "r").status == 0
    whole = Doc()
    whole.apply_update((tmp_path / "r.bin").read_bytes())
    whole.apply_update(updates[1])
    assert str(whole["t"]) == "abc"
