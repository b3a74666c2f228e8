"""Where a partition's log ends, on the session's broker (Tansu or Apache Kafka): read from
its last records, since Tansu answers ListOffsets with its last batch's first offset + 1."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from snoei.shared.kafka import client_kwargs, ensure_topics
from snoei.shared.log_end import log_end
from snoei.shared.settings import KafkaSettings

pytestmark = pytest.mark.integration


async def test_the_log_ends_after_its_last_record_whatever_the_broker_answers(
    kafka: KafkaSettings,
) -> None:
    topic = f"{kafka.topic_prefix}log-end"
    settings = kafka.model_copy(update={"partitions": 1})
    await ensure_topics(settings, [topic])
    tp = TopicPartition(topic, 0)
    producer = AIOKafkaProducer(**client_kwargs(kafka), linger_ms=200)
    await producer.start()
    try:
        sent = [await producer.send(topic, f"{n}".encode(), partition=0) for n in range(20)]
        await producer.flush()
        assert {(await ack).offset for ack in sent} == set(range(20))  # one batch
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        reported = (await consumer.end_offsets([tp]))[tp]
    finally:
        await consumer.stop()
    assert 1 <= reported <= 20  # Tansu: 1, the batch's first offset + 1; Apache Kafka: 20
    assert await log_end(kafka, tp, reported, timeout_s=10) == 20
