"""When runs happen: debounced after graph changes, when the store says one is due (a
debounced run lost with its process), on the cron schedule; and the publication relay."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime
from typing import Protocol

from croniter import croniter

from snoei.rationalizer.runs import RunService
from snoei.shared.contracts.runs import RunRequest, RunTrigger

log = logging.getLogger(__name__)

RECOVERED_BY = "due-run sweep"


class Runner(Protocol):
    async def run(self, landscape_id: str, request: RunRequest) -> object: ...


UpstreamAhead = Callable[[str], Awaitable[bool]]
"""Whether more of a landscape's load is on its way: the dependency service stored graph
versions its replica here has not applied yet, or applied changes it has not cut into a
version yet."""


async def never_ahead(_landscape_id: str) -> bool:
    return False


def due_run_id(landscape_id: str, graph_version: int) -> uuid.UUID:
    """The id of the run a due landscape gets: instances that both find it due ask for the
    same run, and only one is stored."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"snoei:{landscape_id}:graph:{graph_version}")


class Debouncer:
    """Decides when a changed landscape is evaluated.

    Small changes (an architect editing one application) are evaluated ``delay`` after the
    last one, and at the latest ``max_wait`` after the first, so a steady trickle is still
    evaluated. A bulk change (a graph delta of at least ``bulk_items`` items, or a snapshot)
    means a load is streaming in: the dependency service cuts a version every
    ``SNOEI_PUBLISH_DEBOUNCE_S`` while it lasts. Evaluating each half-loaded graph would cost
    a full run per version and propose nonsense (an application whose integrations have not
    arrived yet looks unused), so after a bulk change the landscape is evaluated once it has
    been quiet for ``settle`` seconds (twice the dependency's version spacing), and at the
    latest ``bulk_max_wait`` after the first pending change. Changes arriving during a run
    are evaluated after it.

    Quiet here is not quiet upstream: on a busy machine this replica may take longer than
    ``settle`` to apply a version, the dependency service longer than its spacing to cut
    one, and each half-loaded run then started slows both further (one B1 load: nine runs
    instead of one). So a settled bulk change is evaluated only once ``upstream_ahead``
    says nothing more is on its way; else it waits another ``settle`` (still at most
    ``bulk_max_wait``)."""

    def __init__(
        self,
        service: Runner,
        *,
        delay: float,
        max_wait: float,
        settle: float,
        bulk_max_wait: float,
        bulk_items: int = 50,
        upstream_ahead: UpstreamAhead = never_ahead,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._service = service
        self._upstream_ahead = upstream_ahead
        self._clock = clock
        self._delay = delay
        self._max_wait = max_wait
        self._settle = settle
        self._bulk_max_wait = bulk_max_wait
        self._bulk_items = bulk_items
        self._bulk: set[str] = set()  # landscapes whose pending changes include a bulk one
        self._pending: dict[str, tuple[float, float]] = {}  # first change, last change
        self._recovered: dict[str, uuid.UUID] = {}  # pending only because the store says so
        self._finished: dict[str, float] = {}  # when the last run of a landscape ended
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def now(self) -> float:
        return self._clock()

    def due(self, landscape_id: str) -> float | None:
        """When the pending changes of ``landscape_id`` are evaluated (monotonic clock)."""
        if landscape_id not in self._pending:
            return None
        first, last = self._pending[landscape_id]
        if landscape_id in self._bulk:
            return min(last + self._settle, first + self._bulk_max_wait)
        return min(last + self._delay, first + self._max_wait)

    def touch(self, landscape_id: str, items: int = 1) -> None:
        """``items``: how many records the change touched (a snapshot counts as bulk)."""
        self._recovered.pop(landscape_id, None)
        self._schedule(landscape_id, items)

    def recover(self, landscape_id: str, graph_version: int, *, since: float) -> bool:
        """Evaluate a landscape the store found due (its replica at ``graph_version`` is
        ahead of its latest run) unless this instance is on it: it has changes pending, is
        running it, or finished a run of it at or after ``since`` (when the store was asked).
        Treated as a bulk change: events redelivered after a restart may still follow."""
        task = self._tasks.get(landscape_id)
        if (task is not None and not task.done()) or self._finished.get(
            landscape_id, float("-inf")
        ) >= since:
            return False
        self._schedule(landscape_id, self._bulk_items)
        self._recovered[landscape_id] = due_run_id(landscape_id, graph_version)
        return True

    def _schedule(self, landscape_id: str, items: int) -> None:
        now = self._clock()
        if items >= self._bulk_items:
            self._bulk.add(landscape_id)
        first, _ = self._pending.get(landscape_id, (now, now))
        self._pending[landscape_id] = (first, now)
        task = self._tasks.get(landscape_id)
        if task is None or task.done():
            self._tasks[landscape_id] = asyncio.create_task(
                self._wait_and_run(landscape_id), name=f"debounce-{landscape_id}"
            )

    async def _wait_and_run(self, landscape_id: str) -> None:
        while (due := self.due(landscape_id)) is not None:
            wait = due - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            if await self._load_goes_on(landscape_id):
                first, _ = self._pending[landscape_id]
                self._pending[landscape_id] = (first, self._clock())  # settle again
                continue
            del self._pending[landscape_id]
            self._bulk.discard(landscape_id)
            run_id = self._recovered.pop(landscape_id, None)
            request = (
                RunRequest(trigger=RunTrigger.CHANGE)
                if run_id is None
                else RunRequest(run_id=run_id, trigger=RunTrigger.CHANGE, requested_by=RECOVERED_BY)
            )
            try:
                await self._service.run(landscape_id, request)
            except Exception:
                log.exception(
                    "evaluation after change failed", extra={"landscape_id": landscape_id}
                )
            finally:
                self._finished[landscape_id] = self._clock()

    async def _load_goes_on(self, landscape_id: str) -> bool:
        """A settled bulk change whose upstream already stored versions not applied here
        (not past ``bulk_max_wait``; an upstream that cannot say does not hold a run up)."""
        if landscape_id not in self._bulk:
            return False
        first, _ = self._pending[landscape_id]
        if self._clock() >= first + self._bulk_max_wait:
            return False
        try:
            ahead = await self._upstream_ahead(landscape_id)
        except Exception as exc:
            log.warning(
                "could not ask whether more graph versions are on their way; evaluating",
                extra={"landscape_id": landscape_id, "error": f"{type(exc).__name__}: {exc}"},
            )
            return False
        if ahead:
            log.info("more of a load is on its way", extra={"landscape_id": landscape_id})
        return ahead

    async def close(self) -> None:
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def hand_over_due_runs(
    runs: RunService, debouncer: Debouncer, partitions: Collection[int]
) -> int:
    """Hand the landscapes due a run whose graph events arrive on ``partitions`` (the ones
    this instance consumes) to the debouncer; how many it took on."""
    since = debouncer.now()
    due = await runs.due(partitions)
    return sum(
        debouncer.recover(landscape_id, version, since=since)
        for landscape_id, version in due.items()
    )


async def sweep_due_runs(
    runs: RunService,
    debouncer: Debouncer,
    *,
    partitions: Callable[[], Collection[int]],
    joined: asyncio.Event,
    interval_s: float,
) -> None:
    """Once the graph consumer owns its partitions, and every ``interval_s`` after, evaluate
    the landscapes whose stored replica is ahead of their latest run: a pending debounced
    run lives in memory only, and a crash after the replica was stored would otherwise
    leave the latest run at an older graph until the next change."""
    await joined.wait()
    while True:
        try:
            count = await hand_over_due_runs(runs, debouncer, partitions())
            if count:
                log.info("runs due from the store", extra={"landscapes": count})
        except Exception:
            log.exception("looking for due runs failed")
        await asyncio.sleep(interval_s)


async def relay_unpublished(runs: RunService, interval_s: float) -> None:
    """Every ``interval_s``, publish the runs stored but not published (see
    ``RunService.publish_pending``)."""
    while True:
        try:
            count = await runs.publish_pending(older_than_s=interval_s)
            if count:
                log.info("published stored runs", extra={"runs": count})
        except Exception:
            log.exception("publishing stored runs failed")
        await asyncio.sleep(interval_s)


async def run_schedule(runs: RunService, expression: str) -> None:
    """Publishes run requests for every landscape at each tick of the cron ``expression``."""
    schedule = croniter(expression, datetime.now(UTC))
    while True:
        tick: datetime = schedule.get_next(datetime)
        await asyncio.sleep(max(0.0, (tick - datetime.now(UTC)).total_seconds()))
        try:
            count = await runs.request_scheduled_runs(tick)
            log.info(
                "scheduled runs requested", extra={"landscapes": count, "tick": tick.isoformat()}
            )
        except Exception:
            log.exception("scheduled run requests failed")
