"""The publisher sends a round as record batches per partition: every message lands on the
partition aiokafka's own per-message send picks for its key, in order per key, with its
headers; a message larger than a batch still goes out; compressed or not (on Tansu and on
Apache Kafka)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from snoei.shared.kafka import BatchPublisher, OutgoingMessage, client_kwargs
from snoei.shared.settings import KafkaSettings
from tests.harness import wait_for

pytestmark = pytest.mark.integration
KEYS = [f"landscape-{i}".encode() for i in range(7)]


async def partitions_per_message_send(kafka: KafkaSettings, topic: str) -> dict[bytes, int]:
    """Where aiokafka's ``send`` puts each key (one message each, on another topic)."""
    producer = AIOKafkaProducer(**client_kwargs(kafka), acks="all")
    await producer.start()
    try:
        acks = {key: await (await producer.send(topic, b"probe", key=key)) for key in KEYS}
    finally:
        await producer.stop()
    return {key: ack.partition for key, ack in acks.items()}


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "zstd"])
async def test_a_round_lands_where_per_message_sends_would_in_order_per_key(
    kafka: KafkaSettings, compress: bool
) -> None:
    topic, probe_topic = kafka.topics.inventory_events, kafka.topics.dependency_graph
    big = b"x" * (600 * 1024)  # over the publisher's 512 KiB batch size
    messages = [
        OutgoingMessage(topic, KEYS[i % len(KEYS)], f"{i}".encode(), (("n", f"{i}".encode()),))
        for i in range(3_000)
    ]
    messages.insert(1_500, OutgoingMessage(topic, KEYS[0], big))
    publisher = BatchPublisher(kafka, client_id="batched-produce-test", compress=compress)
    await publisher.start()
    try:
        await publisher.publish(messages)
    finally:
        await publisher.stop()

    consumer = AIOKafkaConsumer(
        topic, **client_kwargs(kafka), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    received: dict[bytes, list[tuple[int, bytes, list[tuple[str, bytes]]]]] = defaultdict(list)

    async def all_read() -> bool:
        for batch in (await consumer.getmany(timeout_ms=500)).values():
            for r in batch:
                assert r.key is not None
                assert r.value is not None
                received[r.key].append((r.partition, r.value, list(r.headers)))
        return sum(map(len, received.values())) == len(messages)

    try:
        await wait_for(all_read, timeout=30, message="every message consumed")
    finally:
        await consumer.stop()

    expected = await partitions_per_message_send(kafka, probe_topic)
    for key in KEYS:
        sent = [m for m in messages if m.key == key]
        got = received[key]
        assert [value for _, value, _ in got] == [m.value for m in sent]  # in order per key
        assert {partition for partition, _, _ in got} == {expected[key]}
        assert [dict(h).get("n") for _, _, h in got] == [dict(m.headers).get("n") for m in sent]
