"""Kafka entry point of the dependency service: a batch consumer on ``inventory.events``."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaRouter
from pydantic import ValidationError

from snoei.dependency.adapters.inventory_client import InventoryUnavailable
from snoei.dependency.config import DependencySettings
from snoei.dependency.service import DependencyService, GapNotRepaired
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS, InventoryEvent
from snoei.shared.envelope import UnsupportedSchemaVersion, describe_errors
from snoei.shared.kafka import Rejections, batch_subscriber, key_problem
from snoei.shared.runner import AssignmentTracker

log = logging.getLogger(__name__)


def decode(
    record: ConsumerRecord, rejections: Rejections, *, decoded: InventoryEvent | None = None
) -> InventoryEvent | None:
    """The event, or None (logged and counted) for a message that is not a valid inventory
    event keyed by its landscape. Only Snoei writes this topic, so a rejection means a bug
    or a foreign writer: it is logged with its offset, not sent to a dead-letter topic.
    ``decoded`` is the event a batch decoding already read from this record, if any."""
    event = decoded
    if event is None:
        try:
            event = INVENTORY_EVENTS.decode(record.value or b"")
        except (ValidationError, UnsupportedSchemaVersion) as exc:
            first = describe_errors(exc)[0]
            rejections.reject(record, f"{first['field']}: {first['message']}")
            return None
    if event.sequence is None:
        rejections.reject(record, "sequence: missing")
        return None
    problem = key_problem(record.key, event.landscape_id)
    if problem is not None:
        rejections.reject(record, problem)
        return None
    return event


def decode_batch(records: list[ConsumerRecord], rejections: Rejections) -> list[InventoryEvent]:
    """The valid events of a batch in order, each rejection as ``decode`` gives it. The batch
    is validated in one pass, and only the records it cannot take go through ``decode``
    alone. Decoding is a quarter of this service's CPU on a bulk load, but nearly all of it
    is pydantic's validation itself: one pass saves only the call per event (about 2%,
    ``scripts/bench_decode.py``)."""
    at_once = INVENTORY_EVENTS.decode_at_once([r.value or b"" for r in records])
    events = (
        decode(record, rejections, decoded=event)
        for record, event in zip(records, at_once, strict=True)
    )
    return [event for event in events if event is not None]


@dataclass
class Backoff:
    """Exponential pause between redeliveries of a batch that keeps failing."""

    failures: int = 0
    base_s: float = 0.2
    max_s: float = 10.0

    def delay(self) -> float:
        return float(min(self.max_s, self.base_s * 2 ** max(self.failures - 1, 0)))


def register_handlers(
    router: KafkaRouter,
    *,
    settings: DependencySettings,
    service: DependencyService,
    tracker: AssignmentTracker,
) -> None:
    retry = Backoff()
    rejections = Rejections()

    @batch_subscriber(
        router,
        settings.kafka.topics.inventory_events,
        settings.kafka,
        group_id=settings.consumer_group,
        max_records=settings.batch_max_records,
        listener=tracker,
    )
    async def on_inventory_events(records: list[Any]) -> None:
        # Offsets are committed only after the graph state is stored; a crash before that
        # redelivers the batch, and sequences make that harmless.
        events = decode_batch(records, rejections)
        try:
            result = await service.apply(events)
        except (InventoryUnavailable, GapNotRepaired) as exc:
            # The batch is redelivered; pause first so an unreachable inventory is asked
            # again at a calm pace rather than in a tight loop.
            retry.failures += 1
            delay = retry.delay()
            log.warning(
                "gap repair failed; batch will be redelivered",
                extra={"reason": str(exc), "retry_in_s": delay},
            )
            await asyncio.sleep(delay)
            raise
        retry.failures = 0
        log.info(
            "applied inventory events",
            extra={
                "received": len(records),
                "applied": result.applied,
                "duplicates": result.duplicates,
                "replayed": result.replayed,
                "rejected": len(records) - len(events),
            },
        )
