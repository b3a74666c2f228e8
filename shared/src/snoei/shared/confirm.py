"""Publishing is done when the messages are in the log, not when the broker said so.

A broker that restarted without its topics may acknowledge a produce request for a topic it
no longer has and keep nothing (Tansu does: measured, the records vanish and the topic does
not exist until a service re-creates it). A relay that took that acknowledgement for
delivery would mark its outbox rows sent and the events would never reach anyone. So after
the acknowledgements the publisher asks for the end offset of each partition it wrote to:
the topic must exist and its log reach past the offsets acknowledged there. One
metadata and one ListOffsets request per published batch; on Apache Kafka it always holds,
and costs about a millisecond."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition


class NotConfirmed(Exception):
    """The broker acknowledged messages that its log does not hold: publish them again."""


class Confirmer:
    def __init__(
        self, connection: dict[str, Any], *, client_id: str, timeout_s: float = 10.0
    ) -> None:
        self._kwargs = connection  # ``client_kwargs`` of the settings
        self._client_id = f"{client_id}-confirm"
        self._timeout_s = timeout_s
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            **self._kwargs, client_id=self._client_id, enable_auto_commit=False
        )
        await self._consumer.start()

    async def stop(self) -> None:
        if self._consumer is not None:
            with contextlib.suppress(Exception):
                await self._consumer.stop()
            self._consumer = None

    async def confirm(self, acknowledged: Iterable[Any]) -> None:
        """``acknowledged``: the ``RecordMetadata`` of each message; raises ``NotConfirmed``
        unless every topic exists and each partition's log reaches past the first offset
        acknowledged in it."""
        if self._consumer is None:
            raise RuntimeError("Confirmer.confirm() before start()")
        # The first offset acknowledged per partition: Tansu answers the end of a log with
        # the last batch's first offset + 1, not its last offset + 1.
        first: dict[TopicPartition, int] = {}
        for ack in acknowledged:
            tp = TopicPartition(ack.topic, ack.partition)
            first[tp] = min(first.get(tp, ack.offset), ack.offset)
        if not first:
            return
        consumer = self._consumer
        try:
            # Fresh metadata first: on a cached leader, Tansu answers the end offset of a
            # partition of a topic it no longer lists.
            existing = await asyncio.wait_for(consumer.topics(), self._timeout_s)
            gone = sorted({tp.topic for tp in first} - existing)
            if gone:
                raise NotConfirmed(
                    f"acknowledged but not in the log: {', '.join(gone)} does not exist "
                    "(the broker lost it)"
                )
            ends = await asyncio.wait_for(consumer.end_offsets(list(first)), self._timeout_s)
        except (KafkaError, TimeoutError) as exc:
            raise NotConfirmed(
                f"could not read the end offsets of {_names(first)} ({type(exc).__name__}): "
                "the topic may be gone"
            ) from exc
        short = {tp: (offset, ends.get(tp, 0)) for tp, offset in first.items()
                 if ends.get(tp, 0) <= offset}
        if short:
            raise NotConfirmed(
                "acknowledged but not in the log (the broker lost them): "
                + ", ".join(f"{tp.topic}[{tp.partition}] from offset {offset}, log ends at {end}"
                            for tp, (offset, end) in sorted(short.items()))
            )


def _names(partitions: Iterable[TopicPartition]) -> str:
    return ", ".join(sorted({tp.topic for tp in partitions}))
