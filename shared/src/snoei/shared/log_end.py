"""Where a partition's log really ends, read from its last records.

Tansu answers ListOffsets ("latest") with its last record batch's first offset + 1, short
of the records it serves (62,510 for 62,530 after a bench load, measured); Apache Kafka
answers with the exact end. A consumer that read everything then seems to stand past the
end, which is also how a re-created topic looks. Reading the records from the reported end
- 1 tells the two apart: the batch there reaches the real end."""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition

from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings


async def log_end(
    settings: KafkaSettings, tp: TopicPartition, reported: int, timeout_s: float
) -> int | None:
    """The end of ``tp``'s log as its records say (``reported``: the broker's ListOffsets
    answer, at least 1); None when they cannot be read in ``timeout_s``."""
    consumer = AIOKafkaConsumer(
        **client_kwargs(settings),
        client_id="snoei-broker-watch-probe",
        enable_auto_commit=False,
        fetch_max_wait_ms=min(settings.fetch_max_wait_ms, 100),
    )
    try:
        await asyncio.wait_for(consumer.start(), timeout_s)
        consumer.assign([tp])
        consumer.seek(tp, reported - 1)
        fetched = await asyncio.wait_for(
            consumer.getmany(tp, timeout_ms=int(timeout_s * 1000)), timeout_s + 1
        )
        records = fetched.get(tp, [])
        return max(r.offset for r in records) + 1 if records else None
    except (KafkaError, OSError, TimeoutError):
        return None
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
