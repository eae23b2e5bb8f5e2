"""Regression: the formatting clean-up Yjs runs after a remote transaction is a transaction of
its own with no origin, so the protocols of a relaying document forward it. crdtcore used to
announce it with the remote transaction's origin: the hub never forwarded it and replicas kept
different formatting (found by bench/net's kill test; seed 0 reproduces it)."""

from __future__ import annotations

import random

import pytest

from crdtcore import Doc
from crdtcore.model import apply_ops, new_doc
from crdtcore.sim import random_op
from crdtcore.sync import SyncProtocol
from crdtcore.testing import assert_converges


def _deliver_all(links: list[tuple[SyncProtocol, SyncProtocol]]) -> None:
    for _ in range(100):
        moved = False
        for left, right in links:
            for frame in left.data_to_send():
                right.receive_data(frame)
                moved = True
            for frame in right.data_to_send():
                left.receive_data(frame)
                moved = True
        if not moved:
            return
    raise AssertionError("links still busy")


@pytest.mark.parametrize("seed", range(8))
def test_clean_up_after_remote_formatting_reaches_every_replica(seed: int) -> None:
    rng = random.Random(seed)
    a, hub, b = new_doc(1), Doc(client_id=2), new_doc(3)
    links = [(SyncProtocol(a), SyncProtocol(hub)), (SyncProtocol(hub), SyncProtocol(b))]
    for left, right in links:
        left.start()
        right.start()
    for _ in range(6):  # concurrent bursts on both sides, then everything is delivered
        for _ in range(10):
            apply_ops(rng.choice((a, b)), [random_op(rng, kinds={"text": 1.0})])
        _deliver_all(links)
    assert_converges(a, hub, b)
