"""B6 framework overhead: FastStream subscribers doing no-op work versus a raw aiokafka
consumer loop reading the same topic on the same broker."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from faststream.kafka import KafkaBroker

from snoei.bench.common import Figure, ScenarioResult, ratio
from snoei.bench.context import BenchContext
from snoei.bench.environment import (
    BenchEnv,
    BenchError,
    change_messages,
    create_topics,
    publish_all,
    raw_producer,
)
from snoei.bench.relay import raw_consumer

TITLE = "FastStream subscriber vs raw aiokafka consumer loop (no-op handlers)"
MAX_RECORDS = 2_000
TIMEOUT_S = 300.0
QUIET = logging.getLogger("snoei.bench.faststream")
QUIET.setLevel(logging.WARNING)


class Clock:
    """Counts consumed messages; times from the first one to the last expected one."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.count = 0
        self.first = 0.0
        self.first_count = 0
        self.last = 0.0
        self.done = asyncio.Event()

    def saw(self, count: int) -> None:
        if self.count == 0:
            self.first = time.perf_counter()
            self.first_count = count
        self.count += count
        if self.count >= self.expected and not self.done.is_set():
            self.last = time.perf_counter()
            self.done.set()

    async def rate(self) -> float:
        try:
            await asyncio.wait_for(self.done.wait(), TIMEOUT_S)
        except TimeoutError:
            raise BenchError(f"consumed {self.count} of {self.expected} in time") from None
        # timed from the first delivery: the messages after it, over the span after it
        return (self.expected - self.first_count) / max(self.last - self.first, 1e-9)


async def _raw(env: BenchEnv, topic: str, expected: int) -> float:
    clock = Clock(expected)
    consumer = raw_consumer(env, topic, f"bench-b6-raw-{uuid.uuid4().hex[:6]}")
    await consumer.start()
    try:
        while not clock.done.is_set():
            batches = await consumer.getmany(timeout_ms=50, max_records=MAX_RECORDS)
            got = sum(len(records) for records in batches.values())
            if got:
                clock.saw(got)
                await consumer.commit()
        return await clock.rate()
    finally:
        await consumer.stop()


async def _faststream(env: BenchEnv, topic: str, expected: int, *, batch: bool) -> float:
    clock = Clock(expected)
    # As ``make_broker`` builds it, with a logger that drops the per-message access lines
    # (they would time the console, not the framework).
    broker = KafkaBroker(
        env.bootstrap, client_id="bench-b6", enable_idempotence=False, acks="all",
        linger_ms=5, graceful_timeout=15.0, logger=QUIET,
    )
    group = f"bench-b6-fs-{'batch' if batch else 'single'}-{uuid.uuid4().hex[:6]}"

    async def raw_records(msg: Any) -> Any:  # the decoder the services use
        return list(msg.raw_message)

    if batch:

        @broker.subscriber(
            topic, batch=True, group_id=group, auto_offset_reset="earliest",
            max_records=MAX_RECORDS, batch_timeout_ms=50, decoder=raw_records,
            session_timeout_ms=env.kafka.session_timeout_ms,
            heartbeat_interval_ms=env.kafka.heartbeat_interval_ms,
            fetch_max_wait_ms=env.kafka.fetch_max_wait_ms,
        )
        async def on_batch(records: list[Any]) -> None:
            clock.saw(len(records))

    else:

        async def raw_body(msg: Any) -> Any:  # no JSON decoding: the raw loop does none
            return msg.body

        @broker.subscriber(
            topic, group_id=group, auto_offset_reset="earliest", decoder=raw_body,
            session_timeout_ms=env.kafka.session_timeout_ms,
            heartbeat_interval_ms=env.kafka.heartbeat_interval_ms,
            fetch_max_wait_ms=env.kafka.fetch_max_wait_ms,
        )
        async def on_message(body: bytes) -> None:
            clock.saw(1)

    await broker.start()
    try:
        return await clock.rate()
    finally:
        await broker.stop()


async def run(ctx: BenchContext) -> ScenarioResult:
    env = ctx.environment
    messages = change_messages(ctx.scale)
    repeat = 1 if ctx.quick else 3
    messages = messages * repeat
    topic = f"bench.b6.{uuid.uuid4().hex[:8]}"
    result = ScenarioResult(
        "B6", TITLE,
        {"messages": len(messages), "bytes": sum(len(v) for _, v in messages),
         "max_records": MAX_RECORDS},
    )
    await create_topics(env, topic)
    producer = raw_producer(env, "bench-b6")
    await producer.start()
    try:
        await publish_all(producer, topic, messages)
    finally:
        await producer.stop()
    raw_rate = await _raw(env, topic, len(messages))
    batch_rate = await _faststream(env, topic, len(messages), batch=True)
    single_rate = await _faststream(env, topic, len(messages), batch=False)
    for label, rate in (("batch subscriber (as the services use it)", batch_rate),
                        ("per-message subscriber", single_rate)):
        result.figures.append(
            Figure(
                f"messages/s, FastStream {label}", round(rate, 1), "msg/s",
                baseline=round(raw_rate, 1), baseline_name="raw aiokafka getmany loop",
                ratio=ratio(rate, raw_rate), ratio_of="faststream / raw",
            )
        )
    return result
