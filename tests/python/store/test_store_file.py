"""FileStore specifics: file layout, torn tails, corruption policy, locking, failed writes."""

from __future__ import annotations

import logging
import os

import pytest

from crdtcore.store import FileStore, StoreCorruptError, StoreError, StoreLockedError, _log
from crdtcore.store.file_store import log_file_name

RECORDS = [b"first", b"", b"third record", bytes(range(256)), b"last"]


@pytest.fixture
def directory(tmp_path):
    return tmp_path / "logs"


def write_log(directory, room="room", records=RECORDS):
    """Writes ``records`` through a FileStore; returns the log's path and record offsets."""
    with FileStore(directory) as store:
        for record in records:
            store.append(room, record)
    path = directory / log_file_name(room)
    offsets, pos = [], len(_log.encode_header(room))
    for record in records:
        offsets.append(pos)
        pos += _log.RECORD_HEADER_SIZE + len(record)
    assert path.stat().st_size == pos
    return path, offsets


def reopen_read(directory, room="room", **kwargs):
    with FileStore(directory, **kwargs) as store:
        return store.read(room)


def test_one_log_file_per_room_with_the_name_in_its_header(directory):
    write_log(directory, "Room", [b"a"])
    write_log(directory, "room", [b"b"])
    names = sorted(p.name for p in directory.iterdir())
    assert names == sorted(["LOCK", log_file_name("Room"), log_file_name("room")])
    assert log_file_name("Room") != log_file_name("room")
    header = (directory / log_file_name("Room")).read_bytes()
    assert header.startswith(b"CRDTLOG1") and b"Room" in header
    assert log_file_name("../../etc/passwd").startswith("etc-passwd.")
    assert log_file_name("x" * 1024) == "x" * 48 + "." + log_file_name("x" * 1024)[49:]
    assert log_file_name("..").startswith("room.")


def test_the_record_format_is_length_and_two_checksums(directory):
    path, offsets = write_log(directory, records=[b"abc"])
    data = path.read_bytes()
    assert data[offsets[0] :] == _log.encode_record(b"abc")
    assert data[offsets[0] : offsets[0] + 4] == (3).to_bytes(4, "little")


@pytest.mark.parametrize("cut_back", [1, 5, 11, 12, 13, 20, 30, 269, 270, 285])
def test_a_truncated_log_keeps_its_complete_records(directory, caplog, cut_back):
    path, offsets = write_log(directory)
    size = path.stat().st_size - cut_back
    os.truncate(path, size)
    expected = [r for r, o in zip(RECORDS, offsets, strict=True) if o + 12 + len(r) <= size]
    with caplog.at_level(logging.WARNING, logger="crdtcore.store"):
        assert reopen_read(directory) == expected
    assert "torn tail" in caplog.text
    assert path.stat().st_size == offsets[len(expected)]  # the tail was cut off on disk
    with FileStore(directory) as store:  # appending after recovery continues the log
        assert store.append("room", b"new") == len(expected) + 1
    assert reopen_read(directory) == [*expected, b"new"]


def test_the_tail_is_repaired_on_the_first_append_too(directory):
    path, offsets = write_log(directory)
    os.truncate(path, offsets[-1] + 3)
    with FileStore(directory) as store:
        assert store.append("room", b"new") == len(RECORDS)
    assert reopen_read(directory) == [*RECORDS[:-1], b"new"]


def test_a_zero_filled_tail_is_a_torn_tail(directory, caplog):
    path, _ = write_log(directory)
    with path.open("ab") as file:
        file.write(bytes(4096))
    with caplog.at_level(logging.WARNING, logger="crdtcore.store"):
        assert reopen_read(directory) == RECORDS
    assert "4096 zero bytes" in caplog.text


def test_a_zeroed_end_of_the_last_record_is_a_torn_tail(directory):
    path, offsets = write_log(directory)
    data = bytearray(path.read_bytes())
    data[offsets[-1] + 13 :] = bytes(len(data) - offsets[-1] - 13 + 100)
    path.write_bytes(data)
    assert reopen_read(directory) == RECORDS[:-1]


def test_a_flipped_byte_in_the_last_payload_is_dropped_as_a_torn_tail(directory, caplog):
    path, offsets = write_log(directory)
    flip(path, offsets[-1] + 13)
    with caplog.at_level(logging.WARNING, logger="crdtcore.store"):
        assert reopen_read(directory) == RECORDS[:-1]
    assert "payload checksum mismatch" in caplog.text


@pytest.mark.parametrize(
    ("record", "delta", "reason"),
    [
        (1, 0, "length checksum"),  # the length field of an empty record
        (2, 3, "length checksum"),
        (2, 9, "length checksum"),  # the checksum of the length itself
        (2, 12, "payload checksum"),
        (3, 200, "payload checksum"),
        (4, 0, "length checksum"),  # the last record's length: not a torn write
    ],
)
def test_corruption_before_the_tail_raises_and_changes_nothing(directory, record, delta, reason):
    path, offsets = write_log(directory)
    flip(path, offsets[record] + delta)
    damaged = path.read_bytes()
    with FileStore(directory) as store:
        with pytest.raises(StoreCorruptError, match=reason) as info:
            store.read("room")
        assert f"offset {offsets[record]}" in str(info.value)
        assert f"{record} valid records precede it" in str(info.value)
        with pytest.raises(StoreCorruptError):
            store.append("room", b"more")
        with pytest.raises(StoreCorruptError):
            store.replace("room", b"merged", 0)
    assert path.read_bytes() == damaged


def test_on_corruption_truncate_keeps_the_valid_prefix(directory, caplog):
    path, offsets = write_log(directory)
    flip(path, offsets[2] + 14)
    with caplog.at_level(logging.ERROR, logger="crdtcore.store"):
        assert reopen_read(directory, on_corruption="truncate") == RECORDS[:2]
    assert "payload checksum mismatch" in caplog.text
    assert path.stat().st_size == offsets[2]
    assert reopen_read(directory) == RECORDS[:2]


@pytest.mark.parametrize("offset", [0, 7, 9, 12])
def test_a_damaged_header_raises_corrupt_everywhere(directory, offset):
    path, _ = write_log(directory)
    flip(path, offset)
    with FileStore(directory) as store:
        with pytest.raises(StoreCorruptError, match="log"):
            store.read("room")
        with pytest.raises(StoreCorruptError):
            store.rooms()


def test_a_truncated_header_raises_corrupt(directory):
    path, _ = write_log(directory)
    os.truncate(path, 10)
    with pytest.raises(StoreCorruptError, match="truncated log header"):
        reopen_read(directory)


def test_a_log_holding_another_room_is_reported(directory):
    path, _ = write_log(directory, "a")
    path.rename(directory / log_file_name("b"))
    with FileStore(directory) as store:
        with pytest.raises(StoreCorruptError, match="holds room 'a', not 'b'"):
            store.read("b")
        assert store.rooms() == ["a"]


def test_a_second_store_on_the_directory_is_locked_out(directory):
    with FileStore(directory) as store:
        with pytest.raises(StoreLockedError, match="in use"):
            FileStore(directory)
        store.append("room", b"u")
    with FileStore(directory) as store:
        assert store.read("room") == [b"u"]


def test_stale_temp_files_are_removed_on_open(directory):
    write_log(directory, records=[b"u"])
    stale = directory / (log_file_name("room") + ".tmp")
    stale.write_bytes(b"half a compaction")
    with FileStore(directory) as store:
        assert not stale.exists()
        assert store.read("room") == [b"u"]
        assert store.rooms() == ["room"]


def test_a_failed_append_is_rolled_back(directory, monkeypatch):
    write_log(directory, records=[b"a"])
    real_write = os.write

    def short_then_fail(fd, data):
        real_write(fd, bytes(data[:5]))
        raise OSError(28, "No space left on device")

    with FileStore(directory) as store:
        store.read("room")
        monkeypatch.setattr(os, "write", short_then_fail)
        with pytest.raises(StoreError, match="No space left") as info:
            store.append("room", b"doomed record")
        assert isinstance(info.value.__cause__, OSError)
        monkeypatch.setattr(os, "write", real_write)
        assert store.append("room", b"b") == 2
        assert store.read("room") == [b"a", b"b"]


def test_a_failed_replace_leaves_the_old_log(directory, monkeypatch):
    path, _ = write_log(directory)
    before = path.read_bytes()

    def fail(*args):
        raise OSError(5, "Input/output error")

    with FileStore(directory) as store:
        monkeypatch.setattr(os, "replace", fail)
        with pytest.raises(StoreError, match="Input/output error"):
            store.replace("room", b"merged", 3)
        monkeypatch.undo()
        assert path.read_bytes() == before
        assert [p.name for p in directory.glob("*.tmp")] == []
        assert store.append("room", b"more") == len(RECORDS) + 1


@pytest.mark.parametrize(("durability", "syncs_per_append"), [("normal", 0), ("full", 1)])
def test_full_durability_fsyncs_every_append(directory, monkeypatch, durability, syncs_per_append):
    calls = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append(fd) or real_fsync(fd))
    with FileStore(directory, durability=durability) as store:
        store.append("room", b"create")  # creating the file fsyncs it and the directory
        calls.clear()
        for i in range(3):
            store.append("room", b"%d" % i)
        assert len(calls) == 3 * syncs_per_append


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"durability": "always"}, "durability"), ({"on_corruption": "ignore"}, "on_corruption")],
)
def test_bad_options_are_value_errors(directory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        FileStore(directory, **kwargs)


def test_an_unusable_directory_raises_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(StoreError, match="cannot open store directory"):
        FileStore(blocker / "logs")


def flip(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x40
    path.write_bytes(data)
