"""Kafka entry points of the rationalizer: graph versions in, run requests in."""

from __future__ import annotations

import logging
from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaRouter
from pydantic import ValidationError

from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.service import Debouncer, RationalizerService
from snoei.shared import faults
from snoei.shared.contracts.graph import GRAPH_EVENTS, GraphChanged, GraphEvent
from snoei.shared.contracts.runs import RUN_COMMANDS, RunCommand
from snoei.shared.envelope import EnvelopeCodec, UnsupportedSchemaVersion, describe_errors
from snoei.shared.kafka import batch_subscriber
from snoei.shared.runner import AssignmentTracker

log = logging.getLogger(__name__)


def decode_all(records: list[ConsumerRecord], codec: EnvelopeCodec[Any]) -> list[Any]:
    """The valid messages in order; malformed ones are logged with their reason and skipped."""
    valid = []
    for record in records:
        try:
            valid.append(codec.decode(record.value or b""))
        except (ValidationError, UnsupportedSchemaVersion) as exc:
            errors = describe_errors(exc)
            log.warning(
                "skipped malformed message",
                extra={
                    "topic": record.topic,
                    "offset": record.offset,
                    "reason": f"{errors[0]['field']}: {errors[0]['message']}",
                },
            )
    return valid


def register_handlers(
    router: KafkaRouter,
    *,
    settings: RationalizerSettings,
    service: RationalizerService,
    debouncer: Debouncer,
    graph_tracker: AssignmentTracker,
    runs_tracker: AssignmentTracker,
) -> None:
    topics = settings.kafka.topics

    # One consumer group per topic: a group whose members subscribe to different topics
    # rebalances needlessly (and slowly on some brokers).
    @batch_subscriber(
        router,
        topics.dependency_graph,
        settings.kafka,
        group_id=settings.consumer_group,
        max_records=settings.batch_max_records,
        listener=graph_tracker,
    )
    async def on_graph(records: list[Any]) -> None:
        # The replica is committed before the offsets; redelivery is skipped by version.
        events: list[GraphEvent] = decode_all(records, GRAPH_EVENTS)
        changed = await service.apply_graph_events(events)
        faults.point("rationalizer.after_replica_stored")  # test-only: a crash before the run
        items: dict[str, int] = {}
        for event in events:
            items[event.landscape_id] = items.get(event.landscape_id, 0) + _items(event)
        for landscape_id in changed:
            debouncer.touch(landscape_id, items.get(landscape_id, 1))

    @batch_subscriber(
        router,
        topics.rationalizer_runs,
        settings.kafka,
        group_id=f"{settings.consumer_group}-runs",
        max_records=settings.batch_max_records,
        listener=runs_tracker,
    )
    async def on_runs(records: list[Any]) -> None:
        commands: list[RunCommand] = decode_all(records, RUN_COMMANDS)
        for command in commands:
            # Idempotent on run_id: a redelivered request finds its run stored and stops.
            await service.run(command.landscape_id, command.payload)


def _items(event: GraphEvent) -> int:
    """How many records a graph event carries: a snapshot counts as a bulk change."""
    if isinstance(event, GraphChanged):
        d = event.payload
        return (
            len(d.applications_upserted)
            + len(d.applications_removed)
            + len(d.integrations_upserted)
            + len(d.integrations_removed)
            + len(d.capabilities_upserted)
            + len(d.capabilities_removed)
            + len(d.technologies_upserted)
            + len(d.technologies_removed)
        )
    return 1_000_000
