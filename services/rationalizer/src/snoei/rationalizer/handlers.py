"""Kafka entry points of the rationalizer: graph versions in, run requests in."""

from __future__ import annotations

import logging
from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaRouter
from pydantic import ValidationError

from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.replica import ReplicaService
from snoei.rationalizer.runs import RunService
from snoei.rationalizer.scheduling import Debouncer
from snoei.shared import faults
from snoei.shared.contracts.graph import GRAPH_EVENTS, GraphChanged, GraphEvent
from snoei.shared.contracts.runs import RUN_COMMANDS, RunCommand
from snoei.shared.envelope import EnvelopeCodec, UnsupportedSchemaVersion, describe_errors
from snoei.shared.kafka import Rejections, batch_subscriber, key_problem
from snoei.shared.runner import AssignmentTracker

log = logging.getLogger(__name__)


def decode_all(
    records: list[ConsumerRecord], codec: EnvelopeCodec[Any], rejections: Rejections
) -> list[Any]:
    """The valid messages in order (see ``decode_records``)."""
    return [message for _, message in decode_records(records, codec, rejections)]


def decode_records(
    records: list[ConsumerRecord], codec: EnvelopeCodec[Any], rejections: Rejections
) -> list[tuple[ConsumerRecord, Any]]:
    """The valid messages in order with their records. Malformed ones, and ones not keyed by
    their landscape, are logged with their reason and counted, then skipped: only Snoei
    writes these topics, so a rejection means a bug or a foreign writer, found by its offset
    (no dead letters). The batch is validated in one pass; only the records that pass cannot
    take (older schema versions, invalid ones) are decoded one by one, for their reason."""
    at_once = codec.decode_at_once([record.value or b"" for record in records])
    valid = []
    for record, decoded in zip(records, at_once, strict=True):
        message = decoded
        if message is None:
            try:
                message = codec.decode(record.value or b"")
            except (ValidationError, UnsupportedSchemaVersion) as exc:
                errors = describe_errors(exc)
                rejections.reject(record, f"{errors[0]['field']}: {errors[0]['message']}")
                continue
        problem = key_problem(record.key, message.landscape_id)
        if problem is not None:
            rejections.reject(record, problem)
            continue
        valid.append((record, message))
    return valid


def register_handlers(
    router: KafkaRouter,
    *,
    settings: RationalizerSettings,
    replicas: ReplicaService,
    runs: RunService,
    debouncer: Debouncer,
    graph_tracker: AssignmentTracker,
    runs_tracker: AssignmentTracker,
) -> None:
    topics = settings.kafka.topics
    rejections = Rejections()

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
        decoded = decode_records(records, GRAPH_EVENTS, rejections)
        events: list[GraphEvent] = [event for _, event in decoded]
        # Where each landscape's events arrive: the instance owning that partition is the
        # one that evaluates the landscape when a run is found due after a crash.
        partitions = {event.landscape_id: record.partition for record, event in decoded}
        changed = await replicas.apply_graph_events(events, partitions)
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
        commands: list[RunCommand] = decode_all(records, RUN_COMMANDS, rejections)
        for command in commands:
            # Idempotent on run_id: a redelivered request finds its run stored and stops.
            await runs.run(command.landscape_id, command.payload)


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
