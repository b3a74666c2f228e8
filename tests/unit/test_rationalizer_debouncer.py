"""When the rationalizer evaluates a changed landscape: small changes quickly, a bulk load
once it settles (one run, not one per half-loaded version)."""

from __future__ import annotations

import asyncio
import time
from typing import cast

import pytest

from snoei.rationalizer.runs import RunService
from snoei.rationalizer.scheduling import Debouncer, due_run_id
from snoei.shared.contracts.runs import RunRequest, RunTrigger
from tests.harness import wait_for

pytestmark = pytest.mark.unit


class RecordingService:
    def __init__(self) -> None:
        self.runs: list[tuple[str, float]] = []

    async def run(self, landscape_id: str, request: RunRequest) -> None:
        self.runs.append((landscape_id, time.monotonic()))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def debouncer(service: RecordingService, clock: FakeClock | None = None) -> Debouncer:
    return Debouncer(
        cast(RunService, service),
        delay=0.05,
        max_wait=1.0,
        settle=0.3,
        bulk_max_wait=2.0,
        bulk_items=50,
        clock=clock or time.monotonic,
    )


async def test_small_changes_are_due_shortly_after_the_last_and_capped_by_max_wait() -> None:
    clock = FakeClock()
    d = debouncer(RecordingService(), clock)
    try:
        d.touch("city", items=1)
        assert d.due("city") == pytest.approx(1000.05)
        clock.now += 0.04
        d.touch("city", items=3)
        assert d.due("city") == pytest.approx(1000.09)
        clock.now = 1000.99
        d.touch("city", items=1)
        assert d.due("city") == pytest.approx(1001.0)  # first change + max_wait
        assert d.due("elsewhere") is None
    finally:
        await d.close()


async def test_a_bulk_change_waits_for_the_load_to_settle_and_is_capped_by_bulk_max_wait() -> None:
    clock = FakeClock()
    d = debouncer(RecordingService(), clock)
    try:
        d.touch("city", items=2_000)
        assert d.due("city") == pytest.approx(1000.3)
        clock.now += 0.2
        d.touch("city", items=1)  # a small change during a load waits with it
        assert d.due("city") == pytest.approx(1000.5)
        clock.now = 1001.9
        d.touch("city", items=2_000)
        assert d.due("city") == pytest.approx(1002.0)  # first change + bulk_max_wait
    finally:
        await d.close()


async def test_a_burst_of_bulk_versions_is_evaluated_once_after_it_settles() -> None:
    service = RecordingService()
    d = debouncer(service)
    try:
        for _ in range(5):
            d.touch("city", items=500)
            await asyncio.sleep(0)
        last_touch = time.monotonic()
        await wait_for(lambda: service.runs, timeout=5, message="the run after the load")
        assert len(service.runs) == 1
        assert service.runs[0][1] - last_touch >= 0.3 - 0.01
        assert d.due("city") is None  # nothing left pending: no second run follows
    finally:
        await d.close()


async def test_a_single_change_is_evaluated_after_the_short_delay() -> None:
    service = RecordingService()
    d = debouncer(service)
    try:
        touched = time.monotonic()
        d.touch("city", items=1)
        await wait_for(lambda: service.runs, timeout=5, message="the run after the change")
        assert service.runs == [("city", service.runs[0][1])]
        assert 0.05 - 0.01 <= service.runs[0][1] - touched < 0.3
    finally:
        await d.close()


class RequestRecorder:
    def __init__(self) -> None:
        self.requests: list[tuple[str, RunRequest]] = []
        self.release = asyncio.Event()

    async def run(self, landscape_id: str, request: RunRequest) -> None:
        self.requests.append((landscape_id, request))
        await self.release.wait()


async def test_a_landscape_the_store_finds_due_is_run_with_an_id_of_its_graph_version() -> None:
    service = RequestRecorder()
    service.release.set()
    d = Debouncer(service, delay=0.05, max_wait=1.0, settle=0.05, bulk_max_wait=2.0)
    try:
        assert d.recover("city", 7, since=d.now())
        await wait_for(lambda: service.requests, timeout=5, message="the due run")
        [(landscape_id, request)] = service.requests
        assert landscape_id == "city"
        assert request.run_id == due_run_id("city", 7)
        assert request.run_id != due_run_id("city", 8)
        assert request.trigger == RunTrigger.CHANGE
    finally:
        await d.close()


async def test_a_due_landscape_this_instance_is_on_is_not_handed_over_again() -> None:
    service = RequestRecorder()
    d = Debouncer(service, delay=0.05, max_wait=1.0, settle=0.05, bulk_max_wait=2.0)
    try:
        asked = d.now()
        d.touch("city", items=1)
        assert not d.recover("city", 7, since=asked)  # changes pending
        await wait_for(lambda: service.requests, timeout=5, message="the run after the change")
        assert not d.recover("city", 7, since=asked)  # running
        service.release.set()

        def run_ended() -> bool:
            return not any(
                t.get_name() == "debounce-city" and not t.done() for t in asyncio.all_tasks()
            )

        await wait_for(run_ended, timeout=5, message="the run to end")
        assert not d.recover("city", 7, since=asked)  # ended after the store was asked
        assert d.recover("city", 8, since=d.now())  # asked after the run: due again
        await wait_for(lambda: len(service.requests) == 2, timeout=5, message="the due run")
        assert service.requests[0][1].run_id != due_run_id("city", 7)  # a change: its own id
        assert service.requests[1][1].run_id == due_run_id("city", 8)
    finally:
        await d.close()


async def test_a_change_after_a_due_landscape_was_handed_over_is_an_ordinary_run() -> None:
    service = RequestRecorder()
    service.release.set()
    d = Debouncer(service, delay=0.05, max_wait=1.0, settle=0.05, bulk_max_wait=2.0)
    try:
        assert d.recover("city", 7, since=d.now())
        d.touch("city", items=1)
        await wait_for(lambda: service.requests, timeout=5, message="the run")
        assert [r.run_id for _, r in service.requests] != [due_run_id("city", 7)]
    finally:
        await d.close()


class Upstream:
    """Says the dependency service stored versions the replica lacks ``ahead`` more times."""

    def __init__(self, ahead: int, *, fails: bool = False) -> None:
        self.ahead = ahead
        self.fails = fails
        self.asked = 0

    async def __call__(self, landscape_id: str) -> bool:
        self.asked += 1
        if self.fails:
            raise ConnectionError("dependency service down")
        self.ahead -= 1
        return self.ahead >= 0


def waiting_for(upstream: Upstream, service: RecordingService, bulk_max_wait: float) -> Debouncer:
    return Debouncer(
        cast(RunService, service), delay=0.01, max_wait=1.0, settle=0.05,
        bulk_max_wait=bulk_max_wait, upstream_ahead=upstream,
    )


async def test_a_settled_load_waits_while_the_upstream_stored_versions_not_applied_here() -> None:
    service, upstream = RecordingService(), Upstream(ahead=3)
    d = waiting_for(upstream, service, bulk_max_wait=30)
    try:
        d.touch("city", items=2_000)
        await wait_for(lambda: service.runs, timeout=5, message="the run after the load")
        assert upstream.asked == 4  # settled four times; the replica had it all the fourth
        assert len(service.runs) == 1
        assert d.due("city") is None
    finally:
        await d.close()


async def test_small_changes_do_not_ask_the_upstream() -> None:
    service, upstream = RecordingService(), Upstream(ahead=100)
    d = waiting_for(upstream, service, bulk_max_wait=30)
    try:
        d.touch("city", items=1)
        await wait_for(lambda: service.runs, timeout=5, message="the run after the change")
        assert upstream.asked == 0
    finally:
        await d.close()


@pytest.mark.parametrize("fails", [False, True], ids=["always-ahead", "unreachable"])
async def test_an_upstream_always_ahead_or_unreachable_does_not_hold_a_run_up(fails: bool) -> None:
    service, upstream = RecordingService(), Upstream(ahead=10_000, fails=fails)
    d = waiting_for(upstream, service, bulk_max_wait=0.3)
    try:
        touched = time.monotonic()
        d.touch("city", items=2_000)
        await wait_for(lambda: service.runs, timeout=5, message="the run despite the upstream")
        assert len(service.runs) == 1
        if fails:
            assert upstream.asked == 1
        else:
            assert service.runs[0][1] - touched >= 0.3 - 0.01  # bulk_max_wait
    finally:
        await d.close()
