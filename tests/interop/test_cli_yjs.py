"""``crdtcore inspect`` on bytes written by real Yjs (cli_doc.mjs): the document JSON equals
Yjs's ``toJSON()`` with the root types inferred, and a v2 update is recognised as one."""

from __future__ import annotations

import base64
import json
import subprocess

import pytest
from yjs_peer import INTEROP_DIR, NODE

from crdtcore.__main__ import main


@pytest.fixture(scope="module")
def yjs_doc() -> dict:
    out = subprocess.run(
        [NODE, str(INTEROP_DIR / "cli_doc.mjs")],
        cwd=INTEROP_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return json.loads(out)


def inspect(tmp_path, capsys, data: bytes, *args: str):
    path = tmp_path / "input.bin"
    path.write_bytes(data)
    capsys.readouterr()
    status = main(["inspect", *args, str(path)])
    return status, capsys.readouterr()


def test_v1_update_of_yjs(tmp_path, capsys, yjs_doc):
    status, out = inspect(tmp_path, capsys, base64.b64decode(yjs_doc["v1"]), "--json")
    assert status == 0, out.err
    report = json.loads(out.out)
    # A root whose content is all deleted shows no type: it reads as an empty array.
    expected = dict(yjs_doc["json"])
    assert expected.pop("deleted_only") == ""
    assert report["document"] == {**expected, "deleted_only": []}
    assert report["roots"] == {
        "deleted_only": "array",
        "list": "array",
        "map": "map",
        "text": "text",
    }
    assert report["clients"] == [{"client": 42, "clocks": [[0, 25]]}]
    assert report["pending"]["held_back"] == [] and report["trailing_bytes"] == 0
    assert report["kinds"]["format"] == 2 and report["kinds"]["type:array"] == 1


def test_state_vector_of_yjs(tmp_path, capsys, yjs_doc):
    status, out = inspect(tmp_path, capsys, base64.b64decode(yjs_doc["state"]), "--json")
    assert status == 0
    assert json.loads(out.out)["state"] == [{"client": 42, "clock": 25}]


def test_v2_update_of_yjs_is_named(tmp_path, capsys, yjs_doc):
    status, out = inspect(tmp_path, capsys, base64.b64decode(yjs_doc["v2"]))
    assert status == 1
    assert "it may be a Yjs v2 update, which crdtcore cannot read yet" in out.err
