"""Where a run is evaluated: after a change of a few records, patched from the last run's
memo and cheap last time, on the event loop; a first run and a load in a thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import asyncpg
import pytest

from snoei.rationalizer.runs import INLINE_RECORDS
from snoei.shared.contracts.runs import RunRequest, RunTrigger
from tests.integration.rationalizer_parts import (
    application,
    delta,
    rationalizer_services,
    snapshot,
)

pytestmark = pytest.mark.integration
L = "gemeente-inline"
T = TypeVar("T")


async def test_a_small_change_is_evaluated_on_the_loop_a_first_run_and_a_load_in_a_thread(
    rationalizer_pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_threads: list[str] = []
    to_thread = asyncio.to_thread

    async def recorded(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        def inside() -> T:
            in_threads.append(threading.current_thread().name)
            return func(*args, **kwargs)

        return await to_thread(inside)

    monkeypatch.setattr(asyncio, "to_thread", recorded)
    services = rationalizer_services(rationalizer_pool)
    apps = [application(f"app-{i}") for i in range(20)]

    async def run() -> int:
        row = await services.runs.run(L, RunRequest(trigger=RunTrigger.CHANGE))
        assert row is not None
        return row.graph_version

    await services.replicas.apply_graph_events([snapshot(L, 1, *apps)], {L: 0})
    assert await run() == 1
    assert len(in_threads) == 1  # the first run: no memo to patch

    worse = application("app-3", business_value=1, technical_fitness=1)
    await services.replicas.apply_graph_events([delta(L, 1, worse)], {L: 0})
    assert await run() == 2
    assert len(in_threads) == 1  # one record changed: on the loop

    load = [application(f"new-{i}") for i in range(INLINE_RECORDS + 1)]
    await services.replicas.apply_graph_events([delta(L, 2, *load)], {L: 0})
    assert await run() == 3
    assert len(in_threads) == 2  # a load: in a thread
