"""DeleteTracker: the union of committed delete sets, and containment queries."""

from __future__ import annotations

import random

from crdtcore import Doc, Text, decode_delete_set
from crdtcore.sim.deletes import DeleteTracker
from crdtcore.sync import write_var_uint


def encode(ranges: dict[int, list[tuple[int, int]]]) -> bytes:
    out = [write_var_uint(len(ranges))]
    for client, runs in ranges.items():
        out += [write_var_uint(client), write_var_uint(len(runs))]
        for clock, length in runs:
            out += [write_var_uint(clock), write_var_uint(length)]
    return b"".join(out)


def test_decode_matches_what_the_document_reports():
    doc = Doc({"t": Text("abcdef")}, client_id=300)
    events = []
    doc.observe(events.append)
    with doc.transaction():
        del doc["t"][4:6]
        del doc["t"][0:2]
    assert decode_delete_set(events[0].delete_set) == {300: [(0, 2), (4, 2)]}


def test_intervals_merge_and_containment_is_exact():
    seen = DeleteTracker()
    seen.add(encode({1: [(0, 2), (10, 5)], 2: [(3, 1)]}))
    seen.add(encode({1: [(2, 3)]}))  # touches [0, 2): becomes [0, 5)
    assert seen.contains(encode({1: [(0, 5)]}))
    assert not seen.contains(encode({1: [(0, 6)]}))
    assert seen.contains(encode({1: [(11, 4)], 2: [(3, 1)]}))
    assert not seen.contains(encode({2: [(2, 2)]}))
    assert not seen.contains(encode({3: [(0, 1)]}))
    assert seen.contains(b"\x00") and seen.contains(encode({3: [(0, 0)]}))


def test_random_sets_agree_with_a_brute_force_model():
    rng = random.Random(5)
    seen, model = DeleteTracker(), set()
    for _ in range(300):
        clock, length = rng.randrange(200), rng.randint(1, 6)
        seen.add(encode({7: [(clock, length)]}))
        model.update(range(clock, clock + length))
        start, size = rng.randrange(210), rng.randint(1, 8)
        expected = all(c in model for c in range(start, start + size))
        assert seen.contains(encode({7: [(start, size)]})) is expected
