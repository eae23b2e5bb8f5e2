"""pytest fixtures for the interop tests: one Yjs node peer per test session."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from interop_util import ROOTS
from yjs_peer import YjsPeer, yjs_available


def pytest_report_header(config):
    mode = "random" if os.environ.get("CRDTCORE_INTEROP_RANDOM") else "fixed"
    env = os.environ
    seeds = env.get("CRDTCORE_INTEROP_SEED") or env.get("CRDTCORE_INTEROP_SEEDS", "default")
    ok, why = yjs_available()
    return [f"crdtcore interop: seeds={seeds} mode={mode} yjs={'found' if ok else why}"]


@pytest.fixture(scope="session")
def yjs():
    """The session's YjsPeer (tests/interop/yjs_peer.py). Fails, never skips, without node/yjs."""
    ok, why = yjs_available()
    if not ok:
        pytest.fail(f"Yjs peer unavailable: {why}", pytrace=False)
    peer = YjsPeer().start()
    yield peer
    peer.close()


@pytest.fixture
def yjs_doc(yjs, request):
    """Factory for peer documents named after the test (roots typed at creation, see
    interop_util.new_doc); destroyed at teardown."""
    names: list[str] = []

    def make(client_id: int | None = None, gc: bool = True, roots=ROOTS) -> str:
        name = f"{request.node.nodeid}#{len(names)}"
        yjs.create_doc(name, client_id, gc, roots)
        names.append(name)
        return name

    yield make
    if yjs.alive():
        for name in names:
            # A peer restarted after a failure has nothing left to clean.
            with contextlib.suppress(Exception):
                yjs.destroy_doc(name)
