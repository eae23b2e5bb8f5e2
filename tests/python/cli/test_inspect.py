"""``crdtcore inspect``: updates, state vectors, pending dependencies, bad input."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from crdtcore import Doc, Map, Text, merge_updates
from crdtcore.cli._io import CliError, dump_json
from crdtcore.cli.inspect import inspect_bytes, render


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_update_as_json(cli, tmp_path, sample_doc, sample_json):
    doc = sample_doc()
    path = write(tmp_path, "u.bin", doc.get_update())
    result = cli("inspect", "--json", path)
    assert result.status == 0, result.err
    report = json.loads(result.out)
    assert report["kind"] == "update" and report["format"] == "v1"
    assert report["size"] == len(doc.get_update()) and report["trailing_bytes"] == 0
    assert report["clients"] == [{"client": 7, "clocks": [[0, 11]]}]
    assert report["kinds"] == {"any": 3, "binary": 1, "string": 1, "type:array": 1}
    assert report["structs"] == 6 and report["skips"] == 0
    assert report["deletes"]["units"] == 0
    assert report["pending"] == {
        "missing": [],
        "held_back": [],
        "deletes_waiting": 0,
        "has_pending": False,
    }
    assert report["roots"] == {"meta": "map", "notes": "text", "todo": "array"}
    assert report["roots_inferred"] is True
    assert report["document"] == sample_json


def test_update_as_text(cli, tmp_path, sample_doc, sample_json):
    path = write(tmp_path, "u.bin", sample_doc().get_update())
    result = cli("inspect", path)
    assert result.status == 0 and result.err == ""
    lines = result.out.splitlines()
    assert lines[0] == f"Yjs update (v1), {len(sample_doc().get_update())} bytes"
    assert "  7: clocks [0, 11)" in lines
    assert "structs: 6 (any 3, binary 1, string 1, type:array 1)" in lines
    assert "pending: none (a fresh document integrates everything)" in lines
    assert "roots (types inferred from content): meta (map), notes (text), todo (array)" in lines
    document = result.out.split("document:\n", 1)[1]
    assert json.loads(document) == sample_json


def test_pending_dependencies_of_an_incremental_update(cli, tmp_path):
    doc = Doc({"t": Text("hello")}, client_id=5)
    before = doc.get_state()
    doc["t"] += " world"
    del doc["t"][0:2]
    path = write(tmp_path, "delta.bin", doc.get_update(before))
    report = json.loads(cli("inspect", "--json", path).out)
    assert report["clients"] == [{"client": 5, "clocks": [[5, 11]]}]
    assert report["pending"] == {
        "missing": [{"client": 5, "clocks": [[0, 5]]}],
        "held_back": [{"client": 5, "clocks": [[5, 11]]}],
        "deletes_waiting": 2,
        "has_pending": True,
    }
    assert report["document"] == {}
    text = cli("inspect", path).out
    assert "pending (a fresh document would hold back):" in text
    assert "  structs of client 5: [5, 11)" in text
    assert "  waiting for client 5: clocks [0, 5)" in text


def test_missing_origin_of_another_client(cli, tmp_path):
    a = Doc({"t": Text("ab")}, client_id=1)
    b = Doc(client_id=2)
    b.apply_update(a.get_update())
    before = b.get_state()
    b["t"].insert(1, "X")  # its origin is client 1's clock 0
    path = write(tmp_path, "b.bin", b.get_update(before))
    report = json.loads(cli("inspect", "--json", path).out)
    assert report["pending"]["missing"] == [{"client": 1, "clocks": [[0, 2]]}]
    assert report["pending"]["held_back"] == [{"client": 2, "clocks": [[0, 1]]}]


def test_merged_update_with_a_gap_has_a_skip(cli, tmp_path):
    doc, updates = Doc(client_id=3), []
    doc.observe(lambda event: updates.append(event.update))
    doc["t"] = Text("a")
    doc["t"] += "b"
    doc["t"] += "c"
    path = write(tmp_path, "gap.bin", merge_updates(updates[0], updates[2]))
    report = json.loads(cli("inspect", "--json", path).out)
    assert report["skips"] == 1
    assert report["clients"] == [{"client": 3, "clocks": [[0, 1], [2, 3]]}]
    assert report["pending"]["missing"] == [{"client": 3, "clocks": [[1, 2]]}]
    assert report["pending"]["held_back"] == [{"client": 3, "clocks": [[2, 3]]}]
    assert report["document"] == {"t": "a"}


def test_state_vector(cli, tmp_path):
    doc = Doc({"t": Text("abc")}, client_id=300)
    path = write(tmp_path, "sv.bin", doc.get_state())
    report = json.loads(cli("inspect", "--json", path).out)
    assert report == {
        "kind": "state",
        "format": "v1",
        "size": len(doc.get_state()),
        "state": [{"client": 300, "clock": 3}],
    }
    assert cli("inspect", path).out.splitlines()[-1] == "  300: clock 3"


def test_kind_forces_the_reading(cli, tmp_path):
    path = write(tmp_path, "sv.bin", Doc({"t": Text("abc")}, client_id=1).get_state())
    result = cli("inspect", "--kind", "update", path)
    assert result.status == 1
    assert result.err.startswith("crdtcore inspect: error: ")
    assert "is not a Yjs v1 update: malformed update" in result.err
    update = write(tmp_path, "u.bin", Doc({"t": Text("abc")}).get_update())
    result = cli("inspect", "--kind", "state", update)
    assert result.status == 1 and "is not a Yjs state vector" in result.err


def test_truncated_update_fails_with_the_decoder_message(cli, tmp_path, sample_doc):
    path = write(tmp_path, "cut.bin", sample_doc().get_update()[:-7])
    result = cli("inspect", path)
    assert result.status == 1 and result.out == ""
    assert "neither a Yjs v1 update (malformed update: " in result.err
    assert "Traceback" not in result.err
    assert len(result.err.splitlines()) == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "no such file: "),
        (lambda p: p.mkdir(), "is a directory, not a file"),
        (lambda p: p.write_bytes(b""), "is empty"),
    ],
)
def test_bad_files(cli, tmp_path, setup, message):
    path = tmp_path / "input"
    setup(path)
    result = cli("inspect", str(path))
    assert result.status == 1
    assert message in result.err and "Traceback" not in result.err


def test_bytes_that_start_like_v2_say_so(cli, tmp_path):
    path = write(tmp_path, "v2.bin", bytes([0, 0, 1, 0, 0, 3, 9, 9, 9]))
    result = cli("inspect", path)
    assert result.status == 1
    assert "may be a Yjs v2 update, which crdtcore cannot read yet" in result.err


def test_max_chars_cuts_the_text_output_only(cli, tmp_path):
    path = write(tmp_path, "big.bin", Doc({"t": Text("x" * 5000)}).get_update())
    text = cli("inspect", "--max-chars", "100", path).out
    assert "more characters (--max-chars 0 or --json: all)" in text
    assert len(text) < 1000
    assert json.loads(cli("inspect", "--json", path).out)["document"]["t"] == "x" * 5000
    whole = cli("inspect", "--max-chars", "0", path).out
    assert json.loads(whole.split("document:\n", 1)[1]) == {"t": "x" * 5000}


def test_update_of_nested_map_entries_and_deletes(cli, tmp_path):
    doc = Doc({"m": Map({"a": 1, "b": 2})}, client_id=4)
    del doc["m"]["a"]
    doc["m"]["b"] = 3
    report = json.loads(cli("inspect", "--json", write(tmp_path, "m.bin", doc.get_update())).out)
    assert report["document"] == {"m": {"b": 3}}
    assert report["roots"] == {"m": "map"}
    assert report["deletes"]["units"] == 2
    assert report["deletes"]["by_client"] == [{"client": 4, "ranges": [[0, 2]]}]


CORPUS = sorted((Path(__file__).resolve().parents[2] / "cpp" / "fixtures" / "corpus").glob("*.bin"))


@pytest.mark.parametrize("seed", range(3))
def test_damaged_yjs_updates_give_a_report_or_a_clear_error(seed):
    # Yjs-written updates with a few bytes changed: whatever the decoder accepts is
    # reported (text and JSON), everything else is a CliError, never another exception.
    originals = [path.read_bytes() for path in CORPUS]
    assert len(originals) >= 20
    rng = random.Random(seed)
    reported = 0
    for _ in range(500):
        data = bytearray(rng.choice(originals))
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            report = inspect_bytes(bytes(data))
        except CliError:
            continue
        render(report)
        json.loads(dump_json(report))
        reported += 1
    assert reported > 20
