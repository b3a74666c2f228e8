"""Kafka entry point of the dependency service: a batch consumer on ``inventory.events``."""

from __future__ import annotations

import logging
from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaRouter
from pydantic import ValidationError

from snoei.dependency.config import DependencySettings
from snoei.dependency.service import DependencyService
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS, InventoryEvent
from snoei.shared.envelope import UnsupportedSchemaVersion, describe_errors
from snoei.shared.runner import AssignmentTracker

log = logging.getLogger(__name__)


async def _records(msg: Any) -> Any:
    """Hand the handler the raw records, so one malformed message is skipped, not fatal."""
    return list(msg.raw_message)


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
    @router.subscriber(
        settings.kafka.topics.inventory_events,
        batch=True,
        group_id=settings.consumer_group,
        auto_offset_reset="earliest",
        max_records=settings.batch_max_records,
        batch_timeout_ms=50,
        session_timeout_ms=settings.kafka.session_timeout_ms,
        heartbeat_interval_ms=settings.kafka.heartbeat_interval_ms,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=_records,
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
