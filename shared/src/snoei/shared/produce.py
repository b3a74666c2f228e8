"""Sending a round of messages as one record batch per partition.

``AIOKafkaProducer.send`` per message costs about 14 µs of CPU on the sending service (a
future, a partitioner call in pure Python, an accumulator lookup each); a record batch per
partition built with ``create_batch`` and handed over with ``send_batch`` about 7 µs
(60,000 messages to Tansu, measured). The partition of a key is the one aiokafka's default
partitioner picks, so messages of one key land where a per-message send would put them,
in their order."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from snoei.shared.tracing import Headers

_PARTITIONER = DefaultPartitioner()


class Message(Protocol):
    @property
    def topic(self) -> str: ...
    @property
    def key(self) -> bytes: ...
    @property
    def value(self) -> bytes: ...


@functools.lru_cache(maxsize=4096)
def partition_of(key: bytes, partitions: tuple[int, ...]) -> int:
    """The default partitioner's choice (murmur2 of the key), remembered: keys are few."""
    return int(_PARTITIONER(key, list(partitions), list(partitions)))


async def send_batched(
    producer: AIOKafkaProducer, messages: Sequence[Message], headers: Sequence[Headers]
) -> list[asyncio.Future[Any]]:
    """Queue ``messages`` (each sent with its ``headers``) as record batches, in order per
    partition; returns one future per batch (its ``RecordMetadata`` names the batch's
    first offset). A message too large for a batch of its own goes out alone."""
    partitions: dict[str, tuple[int, ...]] = {}
    grouped: dict[tuple[str, int], list[tuple[Message, Headers]]] = {}
    for message, sent_with in zip(messages, headers, strict=True):
        topic = message.topic
        if topic not in partitions:
            partitions[topic] = tuple(sorted(await producer.partitions_for(topic)))
        where = (topic, partition_of(message.key, partitions[topic]))
        grouped.setdefault(where, []).append((message, sent_with))
    futures: list[asyncio.Future[Any]] = []
    for (topic, partition), items in grouped.items():
        futures.extend(await _send_partition(producer, topic, partition, items))
    return futures


async def _send_partition(
    producer: AIOKafkaProducer, topic: str, partition: int,
    items: Sequence[tuple[Message, Headers]],
) -> list[asyncio.Future[Any]]:
    futures: list[asyncio.Future[Any]] = []
    batch = producer.create_batch()
    for message, sent_with in items:
        if _append(batch, message, sent_with):
            continue
        if batch.record_count():
            futures.append(await producer.send_batch(batch, topic, partition=partition))
            batch = producer.create_batch()
            if _append(batch, message, sent_with):
                continue
        futures.append(  # larger than a batch: aiokafka sizes a batch for it alone
            await producer.send(topic, value=message.value, key=message.key,
                                partition=partition, headers=list(sent_with) or None)
        )
        batch = producer.create_batch()
    if batch.record_count():
        futures.append(await producer.send_batch(batch, topic, partition=partition))
    return futures


def _append(batch: Any, message: Message, headers: Headers) -> bool:
    added = batch.append(key=message.key, value=message.value, timestamp=None,
                         headers=list(headers))
    return added is not None
