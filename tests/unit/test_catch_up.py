"""The catch-up loop: compares at start, again when woken (the broker is back), survives an
unreachable upstream; the broker watch wakes it when an outage ends."""

from __future__ import annotations

import asyncio
import logging

import pytest

from snoei.shared.broker_watch import BrokerWatch
from snoei.shared.catch_up import CatchUp, Heads, Upstream, overdue
from snoei.shared.settings import KafkaSettings
from tests.harness import wait_for


async def test_it_compares_at_start_and_when_woken_and_survives_a_failing_upstream(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers: list[int | Exception] = [ConnectionError("inventory down"), 2]
    calls = 0

    async def heads() -> Heads:
        nonlocal calls
        calls += 1
        answer = answers.pop(0) if answers else 0
        if isinstance(answer, Exception):
            raise answer
        return {"a": 1, "b": 1}

    async def fetch_up_to(due: Heads) -> int:
        return len(due)

    wake = asyncio.Event()
    loop = CatchUp(Upstream(heads, fetch_up_to), interval_s=3600, wake=wake)
    with caplog.at_level(logging.WARNING, logger="snoei.shared.catch_up"):
        task = asyncio.create_task(loop.run())
        try:
            await wait_for(lambda: calls == 1, timeout=5, message="the sweep at start")
            wake.set()  # long before the interval: the broker is back
            await wait_for(lambda: loop.caught_up == 2, timeout=5, message="the woken sweep")
        finally:
            task.cancel()
    messages = [r.getMessage() for r in caplog.records]
    assert any("could not compare" in m for m in messages), messages
    assert any("caught up" in m for m in messages), messages


async def test_the_periodic_comparison_fetches_only_what_was_stored_one_comparison_ago() -> None:
    """A bulk load keeps a consumer behind the head: events in flight are not fetched over
    HTTP on the timer; what was the head one comparison earlier and is still missing is."""
    upstream = iter([{"a": 5}, {"a": 10, "b": 3}, {"a": 15, "b": 3}])
    asked: list[Heads] = []

    async def heads() -> Heads:
        return next(upstream)

    async def fetch_up_to(due: Heads) -> int:
        asked.append(dict(due))
        return 0

    loop = CatchUp(Upstream(heads, fetch_up_to), interval_s=3600, wake=asyncio.Event())
    await loop.once(eager=True)  # at start: everything the upstream stored
    await loop.once(eager=False)
    await loop.once(eager=False)
    assert asked == [{"a": 5}, {"a": 5}, {"a": 10, "b": 3}]


def test_overdue_is_the_lower_of_the_current_and_the_previous_head() -> None:
    assert overdue({"a": 10, "b": 4, "new": 7}, {"a": 6, "b": 9, "gone": 2}) == {"a": 6, "b": 4}


def test_the_broker_watch_wakes_the_catch_up_when_an_outage_ends() -> None:
    watch = BrokerWatch(KafkaSettings(), ["t"])
    watch._report(None)
    assert not watch.back.is_set()  # healthy from the start: nothing to catch up
    watch._report("Kafka broker at x unreachable (KafkaConnectionError)")
    assert not watch.back.is_set()
    watch._report(None)
    assert watch.back.is_set()
