"""What every service starts in its lifespan, in order, and stops in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from faststream.kafka import KafkaBroker

from snoei.shared.broker_watch import BrokerWatch, repeats_limited
from snoei.shared.catch_up import CatchUp, Upstream
from snoei.shared.db import migrate
from snoei.shared.heap import PROCESS_HEAP
from snoei.shared.kafka import BatchPublisher, ensure_topics
from snoei.shared.settings import ServiceSettings

Background = tuple[str, Callable[[], Coroutine[Any, Any, None]]]


@dataclass
class ServiceRuntime:
    """The resources of one service process.

    Start: connect the pool, migrate the service's schema, make sure the topics exist,
    start the publisher and the background tasks, then consume. Stop: consume no more
    (committing what was processed), cancel background tasks, run ``on_stop`` hooks (which
    may still publish), then close the publisher and the pool.

    ``topics`` are the ones the service consumes and produces (all of Snoei's when empty):
    while it runs, ``watch`` keeps them present — a broker restarted without them (Tansu keeps
    nothing) gets them back from the service, and ``/ready`` says what is missing meanwhile.
    """

    settings: ServiceSettings
    schema: str
    migrations: str
    pool: asyncpg.Pool
    broker: KafkaBroker
    publisher: BatchPublisher
    background: Sequence[Background] = ()
    on_stop: Sequence[Callable[[], Awaitable[None]]] = field(default_factory=list)
    topics: Sequence[str] = ()
    # A consuming service's comparison with its upstream's stored state (see ``catch_up``).
    catch_up: Upstream | None = None
    catch_up_interval_s: float = 30.0
    watch: BrokerWatch = field(init=False)

    def __post_init__(self) -> None:
        self.topics = tuple(self.topics) or self.settings.kafka.topics.all()
        self.watch = BrokerWatch(self.settings.kafka, self.topics, consumers=self._consumers)

    def _consumers(self) -> list[Any]:
        """The aiokafka consumers of the service's subscribers that are running."""
        running = (getattr(s, "consumer", None) for s in self.broker.subscribers)
        return [c for c in running if c is not None]

    async def broker_ready(self) -> str | None:
        return await self.watch.ready()

    async def database_ready(self) -> str | None:
        await self.pool.fetchval("SELECT 1")
        return None

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: object) -> AsyncIterator[None]:
        await self.pool
        await migrate(self.pool, schema=self.schema, package=self.migrations)
        await ensure_topics(self.settings.kafka, self.topics)
        await self.publisher.start()
        tasks = [asyncio.create_task(start(), name=name) for name, start in self.background]
        tasks.append(asyncio.create_task(PROCESS_HEAP.rescan_when_idle(), name="heap-rescan"))
        with repeats_limited():
            await self.broker.start()
            tasks.append(asyncio.create_task(self.watch.run(), name="broker-watch"))
            if self.catch_up is not None:
                sweeps = CatchUp(
                    self.catch_up, interval_s=self.catch_up_interval_s, wake=self.watch.back
                )
                tasks.append(asyncio.create_task(sweeps.run(), name="catch-up"))
            try:
                yield
            finally:
                await _bounded(self.broker.stop(), "stopping the Kafka consumers")
                await self._stop(tasks)

    async def _stop(self, tasks: list[asyncio.Task[None]]) -> None:
        # Every step is bounded: a stuck close must not keep the process from exiting (an
        # orchestrator kills it anyway after its grace period; at-least-once delivery makes
        # an unclean stop safe).
        for task in tasks:
            task.cancel()
        for task in tasks:
            await _bounded(_finished(task), f"stopping {task.get_name()}")
        for hook in self.on_stop:
            await _bounded(hook(), "a stop hook")
        await _bounded(self.publisher.stop(), "stopping the Kafka producer")
        if not await _bounded(self.pool.close(), "closing the database pool"):
            self.pool.terminate()


STOP_STEP_S = 10.0


async def _finished(task: asyncio.Task[None]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _bounded(step: Awaitable[None], what: str) -> bool:
    """Await ``step`` for at most ``STOP_STEP_S``; False (and a warning) if it did not end."""
    try:
        await asyncio.wait_for(step, STOP_STEP_S)
    except TimeoutError:
        logging.getLogger(__name__).warning(
            "shutdown step did not end in time", extra={"step": what, "seconds": STOP_STEP_S}
        )
        return False
    return True
