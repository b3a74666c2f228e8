"""The catch-up loop: compares at start, again when woken (the broker is back), survives an
unreachable upstream; the broker watch wakes it when an outage ends."""

from __future__ import annotations

import asyncio
import logging

import pytest

from snoei.shared.broker_watch import BrokerWatch
from snoei.shared.catch_up import CatchUp
from snoei.shared.settings import KafkaSettings
from tests.harness import wait_for


async def test_it_compares_at_start_and_when_woken_and_survives_a_failing_upstream(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers: list[int | Exception] = [ConnectionError("inventory down"), 2]
    calls = 0

    async def sweep() -> int:
        nonlocal calls
        calls += 1
        answer = answers.pop(0) if answers else 0
        if isinstance(answer, Exception):
            raise answer
        return answer

    wake = asyncio.Event()
    loop = CatchUp(sweep, interval_s=3600, wake=wake)
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


def test_the_broker_watch_wakes_the_catch_up_when_an_outage_ends() -> None:
    watch = BrokerWatch(KafkaSettings(), ["t"])
    watch._report(None)
    assert not watch.back.is_set()  # healthy from the start: nothing to catch up
    watch._report("Kafka broker at x unreachable (KafkaConnectionError)")
    assert not watch.back.is_set()
    watch._report(None)
    assert watch.back.is_set()
