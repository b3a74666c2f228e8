"""Snoei's producers and topics agree on the largest message, whatever the broker's default."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer

from snoei.shared.kafka import BatchPublisher, OutgoingMessage, client_kwargs
from snoei.shared.settings import KafkaSettings

pytestmark = pytest.mark.integration


async def test_a_message_over_kafkas_default_limit_is_published_and_consumed(
    kafka: KafkaSettings,
) -> None:
    # Apache Kafka refuses batches over 1 MiB unless the topic allows more.
    value = b"x" * (3 * 1024 * 1024)
    topic = kafka.topics.dependency_graph
    publisher = BatchPublisher(kafka, client_id="limits-test")
    await publisher.start()
    try:
        await publisher.publish([OutgoingMessage(topic, b"landscape", value)])
    finally:
        await publisher.stop()
    consumer = AIOKafkaConsumer(
        topic, **client_kwargs(kafka), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=10_000)
    finally:
        await consumer.stop()
    records = [record for batch in batches.values() for record in batch]
    assert [len(r.value or b"") for r in records] == [len(value)]
