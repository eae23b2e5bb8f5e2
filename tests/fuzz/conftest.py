"""Convergence fuzzing: fixed seeds by default, hours of random seeds in long mode.

Long mode: ``pytest tests/fuzz --long`` (one hour) or ``--long=4h`` / ``--long=30m``, or
``CRDTCORE_FUZZ_LONG=1`` (or a duration). Every test then draws new seeds until its share of
the budget is spent. Every failure prints the one command that replays it; failing scenarios
are shrunk (delta debugging) and saved under build/fuzz-failures/, ready to be copied into
tests/fuzz/regressions/ (see regressions/README.md). Helpers live in fuzz_util.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fuzz_util import LONG_ENV, FuzzMode, check_scenario, parse_duration

from crdtcore.testing import Scenario


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        nargs="?",
        const="1h",
        default=None,
        metavar="DURATION",
        help=f"fuzz with random seeds for DURATION (default 1h; e.g. 30m, 4h); or ${LONG_ENV}",
    )


@pytest.fixture(scope="session")
def fuzz_mode(pytestconfig: pytest.Config) -> FuzzMode:
    """The session's ``FuzzMode`` (``--long`` beats ``$CRDTCORE_FUZZ_LONG``)."""
    text = pytestconfig.getoption("--long") or os.environ.get(LONG_ENV) or ""
    return FuzzMode(parse_duration(text) if text else 0.0)


@pytest.fixture(scope="session")
def yjs_host() -> Iterator[Any]:
    """One node process hosting Yjs peers for the session. Fails (never skips) without
    node or ``npm ci`` in tests/interop, like the interop tests."""
    from crdtcore.sim.yjs_peer import YjsHost, yjs_available

    ok, why = yjs_available()
    if not ok:
        pytest.fail(f"Yjs peers unavailable: {why}", pytrace=False)
    with YjsHost() as host:
        yield host


@pytest.fixture
def scenario_checker(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``check(scenario, seed)``: ``check_scenario`` labelled with the test id and seed."""

    def check(scenario: Scenario, seed: int, **run_options: Any) -> None:
        check_scenario(scenario, f"{request.node.name}-seed{seed}", **run_options)

    return check
