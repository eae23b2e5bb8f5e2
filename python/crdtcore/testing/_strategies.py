"""Hypothesis strategies for values, ops and network schedules (imports hypothesis).

Import these through ``crdtcore.testing``, which loads this module only when a strategy is
first asked for, so that crdtcore itself never needs hypothesis. Every strategy draws plain
JSON data (ops and schedules as dicts and lists), which shrinks well: abstract indices
shrink towards 0, lists towards fewer steps, and any shrunk op stays valid (see crdtcore.model).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ..model import tag

# Pieces that stress UTF-16 handling: astral emoji (surrogate pairs), a ZWJ sequence, flags,
# combining marks and CJK.
TEXT_PIECES = ("a", "b", "xyz", " ", "\n", "😀", "👍🏽", "🇫🇷", "e\u0301", "漢字", "👩‍👩‍👧")
MAP_KEYS = ("a", "b", "k", "", "1", "😀", "ключ")
ATTR_KEYS = ("bold", "italic", "color")
MAX_SAFE_INT = 2**53 - 1

_chars = st.characters(exclude_categories=["Cs"])  # no lone surrogates


def texts(max_size: int = 6) -> st.SearchStrategy[str]:
    """Short strings mixing random code points with emoji, flags and combining marks.

    Example:
        >>> from hypothesis import find
        >>> find(texts(), lambda s: "😀" in s)
        '😀'
    """
    pieces = st.one_of(st.sampled_from(TEXT_PIECES), st.text(_chars, min_size=1, max_size=3))
    return st.lists(pieces, min_size=1, max_size=max_size).map("".join)


def values(
    *, max_leaves: int = 8, non_finite: bool = False, json_only: bool = False
) -> st.SearchStrategy[Any]:
    """Plain values a shared type can store (lib0 ``any``), possibly nested.

    Args:
        max_leaves: Upper bound on the scalars in one value.
        non_finite: Also draw ``nan`` and infinities.
        json_only: Only JSON values (no bytes, finite floats): what text embeds and
            formatting attributes hold, since Yjs sends those as JSON text.

    Example:
        >>> from hypothesis import find
        >>> find(values(), lambda v: isinstance(v, list) and len(v) == 2)
        [None, None]
    """
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-MAX_SAFE_INT, MAX_SAFE_INT),
        st.floats(
            allow_nan=non_finite and not json_only, allow_infinity=non_finite and not json_only
        ),
        texts(),
        st.nothing() if json_only else st.binary(max_size=6),
    )
    keys = st.one_of(st.sampled_from(MAP_KEYS), st.text(_chars, max_size=4)).filter(
        lambda k: not k.startswith("$")  # "$..." keys are tags in tagged JSON
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
        max_leaves=max_leaves,
    )


def _tagged_values(nested: bool) -> st.SearchStrategy[Any]:
    plain = values(max_leaves=4).map(tag)
    if not nested:
        return plain
    return st.one_of(plain, plain, plain, _prelims(plain))


def _prelims(plain: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        item = plain | inner
        return st.one_of(
            st.builds(lambda xs: {"$new": "array", "init": xs}, st.lists(item, max_size=2)),
            st.builds(
                lambda kv: {"$new": "map", "init": [[k, v] for k, v in kv.items()]},
                st.dictionaries(st.sampled_from(MAP_KEYS), item, max_size=2),
            ),
        )

    text = st.builds(lambda s: {"$new": "text", "init": s}, st.just("") | texts(3))
    return st.recursive(text, extend, max_leaves=3)


_ints = st.integers(0, 2**16)
_lengths = st.integers(1, 8)


def _attrs() -> st.SearchStrategy[dict[str, Any]]:
    value = st.sampled_from((True, None, "#f00", 3))
    return st.dictionaries(st.sampled_from(ATTR_KEYS), value, min_size=1, max_size=2)


def _op(kind: str, action: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    base = {"kind": st.just(kind), "action": st.just(action), "target": _ints}
    return st.fixed_dictionaries({**base, **fields})


def operations(
    *,
    kinds: tuple[str, ...] = ("text", "array", "map"),
    nested: bool = True,
    formatting: bool = True,
    embeds: bool = True,
) -> st.SearchStrategy[dict[str, Any]]:
    """Single ops of the op model (see ``crdtcore.testing.apply_op``).

    Args:
        kinds: Which shared-type kinds to edit.
        nested: Insert new nested Text/Array/Map values (and so edit inside them).
        formatting: Formatted inserts and ``format`` ops on texts.
        embeds: Text embeds.

    Example:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, database=None)
        ... @given(operations(kinds=("map",)))
        ... def test_map_ops(op):
        ...     assert op["kind"] == "map"
        >>> test_map_ops()
    """
    value = _tagged_values(nested)
    attrs = _attrs() if formatting else st.none()
    maybe_attrs = st.none() | attrs if formatting else st.none()
    span = {"index": _ints, "length": _lengths}
    text_ops = [
        _op("text", "insert", index=_ints, text=texts(), attrs=maybe_attrs),
        _op("text", "delete", **span),
    ]
    if formatting:
        text_ops.append(_op("text", "format", **span, attrs=attrs))
    if embeds:
        embed = st.dictionaries(
            st.sampled_from(MAP_KEYS), values(max_leaves=3, json_only=True), min_size=1, max_size=2
        )
        text_ops.append(_op("text", "embed", index=_ints, value=embed, attrs=maybe_attrs))
    array_ops = [
        _op("array", "insert", index=_ints, values=st.lists(value, min_size=1, max_size=3)),
        _op("array", "delete", **span),
    ]
    keys = st.sampled_from(MAP_KEYS)
    map_ops = [_op("map", "set", key=keys, value=value), _op("map", "delete", key=keys)]
    chosen = {"text": text_ops, "array": array_ops, "map": map_ops}
    unknown = set(kinds) - set(chosen)
    if unknown or not kinds:
        raise ValueError(f"kinds must be a non-empty subset of {tuple(chosen)}")
    return st.one_of(*(s for kind in kinds for s in chosen[kind]))


def transactions(max_ops: int = 4, **options: Any) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of ops applied as one transaction (``operations`` options apply).

    Example:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, database=None)
        ... @given(transactions(max_ops=2))
        ... def test_sizes(ops):
        ...     assert 1 <= len(ops) <= 2
        >>> test_sizes()
    """
    return st.lists(operations(**options), min_size=1, max_size=max_ops)


def schedules(
    *, peers: tuple[int, int] = (2, 4), max_steps: int = 30, **options: Any
) -> st.SearchStrategy[dict[str, Any]]:
    """Message-level network schedules for ``crdtcore.testing.run_schedule``.

    A schedule interleaves edits with deliveries, duplicates and drops of individual
    update messages (chosen by index, so any message order can happen) and y-protocols
    style state syncs between two peers. ``run_schedule`` finishes every schedule by
    delivering what is left and syncing all pairs, so the peers must converge.

    Args:
        peers: Inclusive range of the number of peers.
        max_steps: Maximum number of steps.
        **options: Passed to ``operations``.

    Example:
        >>> from hypothesis import given, settings
        >>> from crdtcore.testing import assert_converges, run_schedule
        >>> @settings(max_examples=5, database=None)
        ... @given(schedules(peers=(2, 3)))
        ... def test_converges(schedule):
        ...     assert_converges(*run_schedule(schedule))
        >>> test_converges()
    """

    def for_peers(n: int) -> st.SearchStrategy[dict[str, Any]]:
        peer = st.integers(0, n - 1)
        step = st.one_of(
            st.tuples(st.just("edit"), peer, transactions(**options)),
            st.tuples(st.sampled_from(("deliver", "duplicate", "drop")), peer, peer, _ints),
            st.tuples(st.just("sync"), peer, peer),
        ).map(list)
        client_ids = st.lists(
            st.integers(0, 2**32 - 1) | st.integers(0, 8), min_size=n, max_size=n, unique=True
        )
        return st.fixed_dictionaries(
            {
                "peers": st.just(n),
                "client_ids": client_ids,
                "steps": st.lists(step, max_size=max_steps),
            }
        )

    return st.integers(*peers).flatmap(for_peers)


def scenarios(
    *,
    peers: tuple[int, int] = (2, 5),
    topologies: tuple[str, ...] = ("mesh", "star", "gossip"),
    max_actions: int = 16,
    faults: bool = True,
    **options: Any,
) -> st.SearchStrategy[Any]:
    """Simulated runs (``crdtcore.testing.Scenario``) for ``run_scenario``.

    Draws the topology, a faulty link (latency, jitter, drop, duplication), timed edits,
    and with ``faults`` partitions that heal and crashes that restart with their data, so
    every drawn scenario must converge.

    Args:
        peers: Inclusive range of the number of peers.
        topologies: Topologies to draw from.
        max_actions: Maximum number of edits and fault actions.
        faults: Draw partitions and crashes.
        **options: Passed to ``operations``.

    Example:
        >>> from hypothesis import given, settings
        >>> from crdtcore.testing import run_scenario
        >>> @settings(max_examples=3, database=None, deadline=None)
        ... @given(scenarios(peers=(2, 3), max_actions=4))
        ... def test_converges(scenario):
        ...     assert run_scenario(scenario).converged
        >>> test_converges()
    """
    from ._scenario import Scenario

    times = st.floats(0, 3000, allow_nan=False).map(lambda t: round(t, 1))
    link = st.fixed_dictionaries(
        {
            "latency": st.sampled_from((0.0, 5.0, 20.0)),
            "jitter": st.sampled_from((0.0, 30.0, 100.0)),
            "drop": st.sampled_from((0.0, 0.1, 0.3)),
            "duplicate": st.sampled_from((0.0, 0.1, 0.3)),
        }
    )

    def for_peers(n: int) -> st.SearchStrategy[Any]:
        peer = st.integers(0, n - 1)
        edit = st.fixed_dictionaries(
            {
                "at": times,
                "do": st.just("edit"),
                "peer": peer,
                "ops": transactions(max_ops=3, **options),
            }
        )
        kinds = [edit]
        if faults and n > 1:
            groups = st.permutations(range(n)).flatmap(
                lambda order: st.integers(1, n - 1).map(
                    lambda cut: [sorted(order[:cut]), sorted(order[cut:])]
                )
            )
            kinds.append(
                st.builds(
                    lambda at, g, length: {
                        "at": at,
                        "do": "partition",
                        "groups": g,
                        "until": round(at + length, 1),
                    },
                    times,
                    groups,
                    st.floats(10, 2000).map(lambda t: round(t, 1)),
                )
            )
            kinds.append(
                st.builds(
                    lambda at, p, down: {
                        "at": at,
                        "do": "crash",
                        "peer": p,
                        "restart_at": round(at + down, 1),
                        "restore": True,
                    },
                    times,
                    peer,
                    st.floats(10, 2000).map(lambda t: round(t, 1)),
                )
            )
        actions = st.lists(st.one_of(*kinds), max_size=max_actions).map(
            lambda xs: sorted(xs, key=lambda a: a["at"])
        )
        return st.builds(
            Scenario,
            peers=st.just(n),
            topology=st.sampled_from(topologies),
            seed=st.integers(0, 2**16),
            link=link,
            actions=actions,
        )

    return st.integers(*peers).flatmap(for_peers)
