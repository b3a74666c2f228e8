"""What every service starts in its lifespan, in order, and stops in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from faststream.kafka import KafkaBroker

from snoei.shared.db import migrate
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
    """

    settings: ServiceSettings
    schema: str
    migrations: str
    pool: asyncpg.Pool
    broker: KafkaBroker
    publisher: BatchPublisher
    background: Sequence[Background] = ()
    on_stop: Sequence[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def database_ready(self) -> str | None:
        await self.pool.fetchval("SELECT 1")
        return None

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: object) -> AsyncIterator[None]:
        await self.pool
        await migrate(self.pool, schema=self.schema, package=self.migrations)
        await ensure_topics(self.settings.kafka, self.settings.kafka.topics.all())
        await self.publisher.start()
        tasks = [asyncio.create_task(start(), name=name) for name, start in self.background]
        await self.broker.start()
        try:
            yield
        finally:
            await self.broker.stop()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            for hook in self.on_stop:
                await hook()
            await self.publisher.stop()
            await self.pool.close()
