"""Helpers for the sync tests: moving bytes between SyncProtocols by hand, no event loop."""

from __future__ import annotations

import pytest

from crdtcore.sync import SyncProtocol


def exchange(*links: tuple[SyncProtocol, SyncProtocol], rounds: int = 20) -> int:
    """Delivers queued frames over each (left, right) link both ways until nothing is queued;
    returns the number of frames delivered."""
    delivered = 0
    for _ in range(rounds):
        moved = 0
        for left, right in links:
            for frame in left.data_to_send():
                right.receive_data(frame)
                moved += 1
            for frame in right.data_to_send():
                left.receive_data(frame)
                moved += 1
        if moved == 0:
            return delivered
        delivered += moved
    raise AssertionError(f"links still busy after {rounds} rounds")


@pytest.fixture
def pump():
    """``pump((a, b), (b2, c), ...)``: exchange frames until every link is quiet."""
    return exchange
