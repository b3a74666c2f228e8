"""Kafka entry point of the dependency service: a batch consumer on ``inventory.events``."""

from __future__ import annotations

import logging
from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaRouter
from pydantic import ValidationError

from snoei.dependency.config import DependencySettings
from snoei.dependency.service import DependencyService
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS, InventoryEvent
from snoei.shared.envelope import UnsupportedSchemaVersion, describe_errors
from snoei.shared.kafka import batch_subscriber
from snoei.shared.runner import AssignmentTracker

log = logging.getLogger(__name__)


def decode(record: ConsumerRecord) -> InventoryEvent | None:
    """The event, or None (logged) for a message that is not a valid inventory event."""
    try:
        event = INVENTORY_EVENTS.decode(record.value or b"")
    except (ValidationError, UnsupportedSchemaVersion) as exc:
        first = describe_errors(exc)[0]
        log.warning(
            "skipped malformed inventory event",
            extra={
                "partition": record.partition,
                "offset": record.offset,
                "field": first["field"],
                "reason": first["message"],
            },
        )
        return None
    if event.sequence is None:
        log.warning("skipped inventory event without sequence", extra={"offset": record.offset})
        return None
    return event


def register_handlers(
    router: KafkaRouter,
    *,
    settings: DependencySettings,
    service: DependencyService,
    tracker: AssignmentTracker,
) -> None:
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
        events = [e for e in (decode(r) for r in records) if e is not None]
        result = await service.apply(events)
        log.info(
            "applied inventory events",
            extra={
                "received": len(records),
                "applied": result.applied,
                "duplicates": result.duplicates,
                "replayed": result.replayed,
            },
        )
