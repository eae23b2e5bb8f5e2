"""Libraries written for pycrdt, unchanged, on crdtcore.pycrdt (after ``install()``).

Every test runs its library in a subprocess that calls ``crdtcore.pycrdt.install()``
first, so ``import pycrdt`` there is crdtcore's while this process (and the bench and
interop tests, which use the real pycrdt as a peer) keeps the real one. The libraries are
the PyPI releases (the ``test`` extra): pycrdt-store, pycrdt-websocket and jupyter_ydoc.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).parent
TIMEOUT = 60


def run_installed(code: str, *args: str) -> str:
    """Runs ``code`` in a fresh interpreter after ``crdtcore.pycrdt.install()``; its stdout."""
    prelude = "import crdtcore.pycrdt\ncrdtcore.pycrdt.install()\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# -- install() ------------------------------------------------------------------------------


def test_install_makes_import_pycrdt_resolve_to_crdtcore() -> None:
    out = run_installed(
        """
        import json, pycrdt, pycrdt._doc
        from pycrdt import Doc, Text
        from pycrdt.websocket import WebsocketServer
        import crdtcore.pycrdt
        print(json.dumps({
            "same": pycrdt is crdtcore.pycrdt,
            "doc": Doc.__module__,
            "private": pycrdt._doc is crdtcore.pycrdt._doc,
            "spec": crdtcore.pycrdt._doc.__spec__.name,
            "websocket": WebsocketServer.__module__,
        }))
        """
    )
    assert json.loads(out) == {
        "same": True,
        "doc": "crdtcore.pycrdt._doc",
        "private": True,
        "spec": "crdtcore.pycrdt._doc",
        "websocket": "pycrdt.websocket.websocket_server",
    }


def test_install_refuses_pycrdt_modules_it_does_not_emulate() -> None:
    out = run_installed(
        """
        try:
            import pycrdt._pycrdt
        except ModuleNotFoundError as error:
            print(error.name)
        """
    )
    assert out == "pycrdt._pycrdt\n"


def test_install_after_the_real_pycrdt_was_imported_raises() -> None:
    code = textwrap.dedent(
        """
        import pycrdt, crdtcore.pycrdt
        try:
            crdtcore.pycrdt.install()
        except RuntimeError as error:
            print(error)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "must run before pycrdt is imported" in result.stdout, result.stderr


def test_install_twice_is_harmless() -> None:
    assert run_installed("crdtcore.pycrdt.install(); import pycrdt; print(pycrdt.__name__)") == (
        "crdtcore.pycrdt\n"
    )


def test_this_process_keeps_the_real_pycrdt() -> None:
    import pycrdt

    assert pycrdt.__name__ == "pycrdt" and "crdtcore" not in pycrdt.Doc.__module__


# -- pycrdt-store -----------------------------------------------------------------------


@pytest.mark.parametrize("store", ["SQLiteYStore", "FileYStore"])
def test_pycrdt_store_round_trip(store: str, tmp_path: Path) -> None:
    out = run_installed(
        """
        import json, sys
        import anyio
        from pycrdt import Doc, Map, Text
        from pycrdt.store import FileYStore, SQLiteYStore

        kind, path = sys.argv[1], sys.argv[2]

        def open_store():
            if kind == "FileYStore":
                return FileYStore(path)
            class Store(SQLiteYStore):
                db_path = path
            return Store("room")

        async def main():
            doc = Doc()
            updates = []
            doc.observe(lambda event: updates.append(event.update))
            doc["text"] = text = Text("héllo")
            doc["meta"] = Map({"k": [1, 2]})
            text += " wörld 😀"
            async with open_store() as store:
                for update in updates:
                    await store.write(update)
                same_run = Doc()
                await store.apply_updates(same_run)
            async with open_store() as store:  # reopened: read back from disk
                reopened = Doc()
                await store.apply_updates(reopened)
            result = {}
            for name, copy in (("same_run", same_run), ("reopened", reopened)):
                result[name] = [
                    type(copy).__module__,
                    str(copy.get("text", type=Text)),
                    copy.get("meta", type=Map).to_py(),
                    copy.get_state() == doc.get_state(),
                ]
            print(json.dumps(result))

        anyio.run(main)
        """,
        store,
        str(tmp_path / ("store.db" if store == "SQLiteYStore" else "store.y")),
    )
    expected = ["crdtcore.pycrdt._doc", "héllo wörld 😀", {"k": [1, 2]}, True]
    assert json.loads(out) == {"same_run": expected, "reopened": expected}


# -- pycrdt-websocket -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "client"),
    [("crdtcore", "pycrdt"), ("pycrdt", "crdtcore"), ("crdtcore", "crdtcore")],
)
def test_pycrdt_websocket_exchange(server: str, client: str) -> None:
    """pycrdt-websocket's WebsocketServer and pycrdt's Provider over a loopback WebSocket.

    One side (or both) on crdtcore.pycrdt, the other on the real pycrdt: the client types,
    the server's room appends, both end with the same text (ws_peer.py).
    """
    script = str(HERE / "ws_peer.py")
    with subprocess.Popen(
        [sys.executable, script, "server", server],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server_proc:
        try:
            assert server_proc.stdout is not None
            first = server_proc.stdout.readline()
            assert first.startswith("PORT "), first + server_proc.stderr.read()  # type: ignore[union-attr]
            port = first.split()[1]
            client_out = subprocess.run(
                [sys.executable, script, "client", client, port],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
            assert client_out.returncode == 0, client_out.stderr
            server_out, server_err = server_proc.communicate(timeout=TIMEOUT)
        finally:
            if server_proc.poll() is None:
                server_proc.kill()
    assert server_proc.returncode == 0, server_err
    final = "hello from the client and the server"
    client_module = "crdtcore.pycrdt" if client == "crdtcore" else "pycrdt"
    server_module = "crdtcore.pycrdt._doc" if server == "crdtcore" else "pycrdt._doc"
    assert client_out.stdout == f"CLIENT {client_module} {final}\n"
    assert server_out == f"SERVER {server_module} {final}\n"


# -- jupyter_ydoc -------------------------------------------------------------------------

# jupyter_ydoc creates a pycrdt.UndoManager in every document (YBaseDoc.__init__), before
# it has a scope: crdtcore.pycrdt.UndoManager binds to the first expand_scope.


def test_jupyter_ydoc_notebook_edit_observe_undo_and_sync() -> None:
    out = run_installed(
        """
        import json
        from jupyter_ydoc import YNotebook
        from pycrdt import Doc, Text

        def cell(source, kind="code"):
            c = {"cell_type": kind, "source": source, "metadata": {}, "id": source[:8] or "empty"}
            if kind == "code":
                c.update(outputs=[], execution_count=None)
            return c

        nb = YNotebook()
        nb.set({
            "cells": [cell("print('hi')"), cell("# Titre é", "markdown")],
            "metadata": {"kernelspec": {"name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        })
        topics = []
        nb.observe(lambda topic, event: topics.append(topic))
        nb.undo_manager.clear()

        source = nb.ycells[0]["source"]
        source += "  # 😀"                           # a source edit, non-ASCII
        nb.append_cell(cell("x = 1"))
        after_edit = nb.get()
        undone = nb.undo_manager.undo()             # capture_timeout_millis=0: the append only
        after_undo = nb.get()

        remote = YNotebook(Doc())                   # a second notebook, synced by update
        remote.ydoc.apply_update(nb.ydoc.get_update())
        print(json.dumps({
            "types": [type(nb.ydoc).__module__, type(source).__module__],
            "edited": [c["source"] for c in after_edit["cells"]],
            "undone": undone,
            "after_undo": [c["source"] for c in after_undo["cells"]],
            "remote": [c["source"] for c in remote.get()["cells"]],
            "topics": sorted(set(topics)),
            "metadata": after_undo["metadata"],
        }))
        """
    )
    result = json.loads(out)
    edited = ["print('hi')  # 😀", "# Titre é", "x = 1"]
    assert result == {
        "types": ["crdtcore.pycrdt._doc", "crdtcore.pycrdt._text"],
        "edited": edited,
        "undone": True,
        "after_undo": edited[:2],
        "remote": edited[:2],
        "topics": ["cells"],
        "metadata": {"kernelspec": {"name": "python3"}, "language_info": {"name": ""}},
    }


def test_jupyter_ydoc_unicode_and_blob() -> None:
    out = run_installed(
        """
        import json
        from jupyter_ydoc import YBlob, YUnicode

        text = YUnicode()
        text.set("こんにちは世界")
        changes = []
        text.observe(lambda topic, event: changes.append((topic, event.delta)))
        text.set("こんにちは地球")      # a granular edit, in UTF-8 byte offsets
        first = text.get()
        text.undo_manager.undo()
        blob = YBlob()
        blob.set(b"\\x00\\xff")
        print(json.dumps({
            "first": first,
            "deltas": [delta for topic, delta in changes if topic == "source"],
            "after_undo": text.get(),
            "blob": list(blob.get()),
        }))
        """
    )
    result = json.loads(out)
    assert result["first"] == "こんにちは地球"
    # One transaction: keep the 15 bytes of "こんにちは", delete "世界" (6 bytes), insert
    # "地球" (how the operations interleave depends on jupyter_ydoc's diff).
    delta = result["deltas"][0]
    assert delta[0] == {"retain": 15}
    assert sum(op.get("delete", 0) for op in delta) == 6
    assert "".join(op.get("insert", "") for op in delta) == "地球"
    assert result["after_undo"] == "こんにちは世界"
    assert result["blob"] == [0, 255]
