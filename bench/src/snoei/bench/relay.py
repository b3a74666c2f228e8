"""The raw baseline for Kafka paths: an aiokafka two-hop relay (produce -> consume+produce ->
consume) on the same broker, with no framework, database or validation in between."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from snoei.bench.environment import BenchEnv, BenchError, create_topics, raw_producer
from snoei.shared.kafka import client_kwargs


def raw_consumer(env: BenchEnv, topic: str, group: str) -> AIOKafkaConsumer:
    """A consumer group member configured like Snoei's consumers."""
    return AIOKafkaConsumer(
        topic,
        **client_kwargs(env.kafka),
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=env.kafka.session_timeout_ms,
        heartbeat_interval_ms=env.kafka.heartbeat_interval_ms,
        fetch_max_wait_ms=env.kafka.fetch_max_wait_ms,
    )


async def wait_assigned(*consumers: AIOKafkaConsumer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not all(c.assignment() for c in consumers):
        if time.monotonic() > deadline:
            raise BenchError("raw consumers were not assigned partitions in time")
        for c in consumers:
            # getmany drives the group join; nothing is produced yet, so nothing is lost
            await c.getmany(timeout_ms=50)


class TwoHopRelay:
    """Source topic -> relay (consume, produce) -> sink topic -> counting sink."""

    def __init__(self, env: BenchEnv) -> None:
        suffix = uuid.uuid4().hex[:8]
        self.env = env
        self.source = f"bench.relay.{suffix}.in"
        self.middle = f"bench.relay.{suffix}.mid"
        self.received = 0
        self.arrived = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._relay_in = raw_consumer(env, self.source, f"bench-relay-{suffix}")
        self._sink = raw_consumer(env, self.middle, f"bench-sink-{suffix}")
        self._relay_out: AIOKafkaProducer = raw_producer(env, "bench-relay")
        self.producer: AIOKafkaProducer = raw_producer(env, "bench-source")

    async def __aenter__(self) -> TwoHopRelay:
        await create_topics(self.env, self.source, self.middle)
        for client in (self._relay_out, self.producer, self._relay_in, self._sink):
            await client.start()
        await wait_assigned(self._relay_in, self._sink)
        self._tasks = [asyncio.create_task(self._relay()), asyncio.create_task(self._count())]
        return self

    async def __aexit__(self, *exc: object) -> None:
        # The loops end between iterations, not cancelled: a commit cancelled mid-way
        # goes on in aiokafka's shielded task, fails once the client stops, and asyncio
        # printed its "Task exception was never retrieved" into the bench's output.
        self._stopping = True
        await asyncio.gather(*self._tasks)
        for client in (self._relay_in, self._sink, self._relay_out, self.producer):
            await client.stop()

    async def _relay(self) -> None:
        while not self._stopping:
            batches = await self._relay_in.getmany(timeout_ms=50, max_records=2000)
            futures = [
                await self._relay_out.send(self.middle, value=r.value, key=r.key)
                for records in batches.values()
                for r in records
            ]
            if futures:
                await asyncio.gather(*futures)
                await self._relay_in.commit()

    async def _count(self) -> None:
        while not self._stopping:
            batches = await self._sink.getmany(timeout_ms=50, max_records=2000)
            got = sum(len(records) for records in batches.values())
            if got:
                self.received += got
                await self._sink.commit()
                self.arrived.set()

    async def wait_received(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.received < count:
            self.arrived.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"the raw relay delivered {self.received} of {count} in time")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), remaining)
