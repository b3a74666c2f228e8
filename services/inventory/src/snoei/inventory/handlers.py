"""Kafka entry point of the inventory: a batch consumer on ``inventory.changes``."""

from __future__ import annotations

import base64
import logging
import re
from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from snoei.inventory.config import InventorySettings
from snoei.inventory.domain.validation import (
    ChangeError,
    InvalidChange,
    changes_at_once,
    parse_keyed_change,
)
from snoei.inventory.service import InventoryService
from snoei.shared import faults
from snoei.shared.contracts.changes import InventoryChange
from snoei.shared.contracts.dlq import UNKNOWN_LANDSCAPE, ChangeRejected, FieldError, RejectedChange
from snoei.shared.kafka import BatchPublisher, OutgoingMessage, batch_subscriber
from snoei.shared.runner import AssignmentTracker

log = logging.getLogger(__name__)
LANDSCAPE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _landscape_of(key: bytes | None) -> str:
    """The message key when it is a usable landscape id, else the DLQ's ``unknown``."""
    if key:
        try:
            text = key.decode()
        except UnicodeDecodeError:
            return UNKNOWN_LANDSCAPE
        if LANDSCAPE_ID.fullmatch(text) and len(text) <= 128:
            return text
    return UNKNOWN_LANDSCAPE


def reject(record: ConsumerRecord, problem: InvalidChange) -> ChangeRejected:
    errors = problem.errors or [ChangeError("(message)", problem.reason)]
    return ChangeRejected(
        landscape_id=_landscape_of(record.key),
        payload=RejectedChange(
            reason=problem.reason,
            errors=tuple(FieldError(field=e.field, message=e.message) for e in errors),
            source_topic=record.topic,
            source_partition=record.partition,
            source_offset=record.offset,
            original_key_b64=base64.b64encode(record.key).decode() if record.key else None,
            original_value_b64=base64.b64encode(record.value or b"").decode(),
        ),
    )


def decode(
    record: ConsumerRecord, *, decoded: InventoryChange | None = None
) -> InventoryChange | InvalidChange:
    """The change, or why it is rejected (a missing or undecodable key included).
    ``decoded`` is the change a batch decoding already read from this record, if any."""
    try:
        return parse_keyed_change(record.value or b"", key=record.key, decoded=decoded)
    except InvalidChange as exc:
        return exc


def decode_batch(records: list[ConsumerRecord]) -> list[InventoryChange | InvalidChange]:
    """Each record's ``decode``, the batch validated in one pass (decoding is a sixth of the
    inventory's CPU on a bulk load; one pass saves about 7% of it, ``scripts/bench_decode.py``).
    Only the records that pass cannot take are decoded alone, so each keeps its reason."""
    at_once = changes_at_once([record.value or b"" for record in records])
    return [decode(r, decoded=c) for r, c in zip(records, at_once, strict=True)]


def register_handlers(
    router: KafkaRouter,
    *,
    settings: InventorySettings,
    service: InventoryService,
    dlq: BatchPublisher,
    tracker: AssignmentTracker,
) -> None:
    topics = settings.kafka.topics

    @batch_subscriber(
        router,
        topics.inventory_changes,
        settings.kafka,
        group_id=settings.consumer_group,
        max_records=settings.batch_max_records,
        listener=tracker,
    )
    async def on_changes(records: list[Any], msg: KafkaMessage) -> None:
        # Offsets are committed only after the batch is stored and rejects are in the DLQ;
        # a crash before that redelivers the batch, and change ids make that harmless.
        valid: list[InventoryChange] = []
        rejected: list[ChangeRejected] = []
        for record, outcome in zip(records, decode_batch(records), strict=True):
            if isinstance(outcome, InvalidChange):
                rejected.append(reject(record, outcome))
            else:
                valid.append(outcome)
        if rejected:
            await dlq.publish(
                [
                    OutgoingMessage(topics.inventory_changes_dlq, r.key(), r.to_bytes())
                    for r in rejected
                ]
            )
            for r in rejected:
                log.warning(
                    "rejected change",
                    extra={"reason": r.payload.reason, "offset": r.payload.source_offset},
                )
        result = await service.apply(valid)
        faults.point("inventory.after_db_commit")  # test-only: a crash before the offsets
        log.info(
            "applied changes",
            extra={
                "received": len(records),
                "applied": result.applied,
                "duplicates": result.duplicates,
                "unchanged": result.unchanged,
                "rejected": len(rejected),
            },
        )
