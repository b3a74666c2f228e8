"""What the suite reads from a run: the inventory's store, the events topic end to end, the
dependency's graph and the rationalizer's proposals and decisions."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings

log = logging.getLogger(__name__)
DOWN = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)


@contextlib.asynccontextmanager
async def connection(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        yield conn
    finally:
        await conn.close()


@dataclass(frozen=True, slots=True)
class Progress:
    """How far each service got in the landscape; None where it cannot be read now."""

    processed: int | None
    inventory_sequence: int | None
    cursor: int | None
    graph_sequence: int | None
    run_sequence: int | None

    def converged(self, published: int) -> bool:
        return (
            self.processed == published
            and self.inventory_sequence is not None
            and self.graph_sequence == self.inventory_sequence
            and self.run_sequence == self.inventory_sequence
        )

    def describe(self, published: int) -> str:
        return (f"inventory applied {self.processed} of {published} changes (sequence "
                f"{self.inventory_sequence}), graph at {self.graph_sequence}, latest run at "
                f"{self.run_sequence}")


class Probe:
    """Reads one run's state; every read survives a server that is down (None)."""

    def __init__(self, dsn: str, landscape_id: str, urls: dict[str, str], token: str) -> None:
        self.dsn = dsn
        self.landscape_id = landscape_id
        self.urls = urls
        self.headers = {"Authorization": f"Bearer {token}"}

    async def _value(self, sql: str) -> int | None:
        try:
            async with connection(self.dsn) as conn:
                value = await conn.fetchval(sql, self.landscape_id)
        except (*DOWN, asyncpg.UndefinedTableError):
            return None
        return int(value or 0)

    async def processed(self) -> int | None:
        return await self._value(
            "SELECT count(*) FROM inventory.processed_changes WHERE landscape_id = $1")

    async def processed_ids(self) -> set[str]:
        async with connection(self.dsn) as conn:
            rows = await conn.fetch("SELECT change_id FROM inventory.processed_changes "
                                    "WHERE landscape_id = $1", self.landscape_id)
        return {str(r["change_id"]) for r in rows}

    async def cursor(self) -> int | None:
        return await self._value("SELECT published_sequence FROM inventory.outbox_cursor "
                                 "WHERE landscape_id = $1")

    async def graph_version(self) -> int | None:
        return await self._value(
            "SELECT version FROM dependency.landscapes WHERE landscape_id = $1")

    async def progress(self) -> Progress:
        run = await self.get("rationalizer", "runs", limit=1)
        return Progress(
            await self.processed(),
            await self._value(
                "SELECT last_sequence FROM inventory.landscapes WHERE landscape_id = $1"),
            await self.cursor(),
            await self._value(
                "SELECT inventory_sequence FROM dependency.landscapes WHERE landscape_id = $1"),
            run[0]["inventory_sequence"] if run else None,
        )

    async def get(self, service: str, path: str, **params: Any) -> Any:
        """The JSON of a GET on the landscape's resource; None when the service is down."""
        url = f"{self.urls[service]}/v1/landscapes/{self.landscape_id}/{path}"
        try:
            async with httpx.AsyncClient(headers=self.headers, timeout=60) as client:
                response = await client.get(url, params=params)
        except httpx.TransportError:
            return None
        return response.json() if response.status_code == 200 else None

    async def post(self, service: str, path: str, body: dict[str, Any]) -> Any:
        url = f"{self.urls[service]}/v1/landscapes/{self.landscape_id}/{path}"
        async with httpx.AsyncClient(headers=self.headers, timeout=60) as client:
            response = await client.post(url, json=body)
        response.raise_for_status()
        return response.json()


@dataclass
class EventTap:
    """Reads ``inventory.events`` from the beginning of every partition, for the whole run,
    and keeps every (sequence, event id) of one landscape it sees, duplicates included."""

    kafka: KafkaSettings
    landscape_id: str
    seen: dict[int, list[str]] = field(default_factory=dict)
    # Where the tap is in each partition: a restarted tap resumes there, unless the broker
    # lost its topics (then ``positions`` is cleared and it reads the new ones from start).
    positions: dict[int, int] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._read(), name="event-tap")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _read(self) -> None:
        while True:  # a broker that restarts ends the consumer; a new one starts over
            consumer = AIOKafkaConsumer(**client_kwargs(self.kafka), enable_auto_commit=False,
                                        auto_offset_reset="earliest", client_id="snoei-chaos-tap")
            try:
                await consumer.start()
                await self._consume(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker went away; read the new one from the start
                log.debug("event tap restarts: %s", exc)
            finally:
                with contextlib.suppress(Exception):
                    await consumer.stop()
            await asyncio.sleep(0.5)

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        topic = self.kafka.topics.inventory_events
        while not (partitions := consumer.partitions_for_topic(topic)):
            await consumer._client.force_metadata_update()
            await asyncio.sleep(0.5)
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        for tp in assigned:
            if tp.partition in self.positions:
                consumer.seek(tp, self.positions[tp.partition])
        key = self.landscape_id.encode()
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=5_000)
            for records in batches.values():
                for record in records:
                    self.positions[record.partition] = record.offset + 1
                    if record.key != key:
                        continue
                    event = json.loads(record.value)
                    self.seen.setdefault(event["sequence"], []).append(event["event_id"])


async def topic_partitions(kafka: KafkaSettings) -> dict[str, int]:
    """Partitions of each of Snoei's topics as the broker describes them now (0: missing).
    A broker that lost its topics may re-create one on first use with its own default."""
    admin = AIOKafkaAdminClient(**client_kwargs(kafka), client_id="snoei-chaos-admin")
    await admin.start()
    try:
        names = kafka.topics.all()
        described = await admin.describe_topics(list(names))
    finally:
        await admin.close()
    found = {t["topic"]: len(t["partitions"]) for t in described if not t.get("error_code")}
    prefix = len(kafka.topic_prefix)
    return {name[prefix:]: found.get(name, 0) for name in names}
