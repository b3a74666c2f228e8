"""The load of a chaos run: a scale landscape and later revisions of it, as the
``inventory.changes`` an ops pipeline sends (key = landscape id), cut into one chunk a cycle."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from snoei.samples import generate_scale
from snoei.samples.landscape import SAMPLE_NAMESPACE
from snoei.shared.contracts.changes import (
    ApplicationUpsert,
    DeleteItem,
    IntegrationDelete,
    InventoryChange,
    UpsertApplication,
)
from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings

SOURCE = "chaos"
OCCURRED_AT = datetime(2026, 1, 1, tzinfo=UTC)  # the same bytes in the reference and chaos runs
REVISED_SHARE = 0.05  # of the applications get a new licence cost
REMOVED_SHARE = 0.02  # of the integrations are removed


@dataclass(frozen=True, slots=True)
class Change:
    change_id: uuid.UUID
    key: bytes
    value: bytes


def _revisions(changes_of: str, apps: list[ApplicationUpsert], rng: random.Random,
               integration_ids: list[str]) -> list[InventoryChange]:
    """Licence costs revised on a few applications and a few integrations removed: the
    history then holds updates and removals, not only registrations."""
    revised: list[InventoryChange] = []
    costed = [u.payload.application for u in apps if u.payload.application.costs is not None]
    for app in rng.sample(costed, int(len(costed) * REVISED_SHARE)):
        assert app.costs is not None
        costs = app.costs.model_copy(update={"licence": app.costs.licence + 1_000})
        record = app.model_copy(update={"costs": costs})
        cid = uuid.uuid5(SAMPLE_NAMESPACE, f"{changes_of}|revision|{record.model_dump_json()}")
        revised.append(ApplicationUpsert(
            event_id=cid, landscape_id=changes_of, occurred_at=OCCURRED_AT,
            payload=UpsertApplication(change_id=cid, source=SOURCE, application=record),
        ))
    for integration_id in rng.sample(integration_ids, int(len(integration_ids) * REMOVED_SHARE)):
        cid = uuid.uuid5(SAMPLE_NAMESPACE, f"{changes_of}|removal|{integration_id}")
        revised.append(IntegrationDelete(
            event_id=cid, landscape_id=changes_of, occurred_at=OCCURRED_AT,
            payload=DeleteItem(change_id=cid, source=SOURCE, id=integration_id),
        ))
    rng.shuffle(revised)
    return revised


def workload(
    applications: int, integrations: int, *, seed: int, landscape_id: str
) -> list[Change]:
    """Every change of the run in feeding order: the landscape, then its revisions."""
    landscape = generate_scale(applications, integrations, seed=seed, landscape_id=landscape_id)
    changes = list(landscape.iter_changes(SOURCE, occurred_at=OCCURRED_AT))
    apps = [c for c in changes if isinstance(c, ApplicationUpsert)]
    revised = _revisions(landscape_id, apps, random.Random(seed),
                         [i.id for i in landscape.integrations])
    return [
        Change(c.payload.change_id, c.key(), c.to_bytes()) for c in [*changes, *revised]
    ]


def chunks(changes: list[Change], count: int) -> list[list[Change]]:
    """``count`` consecutive chunks of nearly equal size (the first ones one longer)."""
    size, extra = divmod(len(changes), count)
    out: list[list[Change]] = []
    start = 0
    for k in range(count):
        end = start + size + (1 if k < extra else 0)
        out.append(changes[start:end])
        start = end
    return out


class Feeder:
    """Publishes changes and waits for the broker's acknowledgements, like a pipeline."""

    def __init__(self, kafka: KafkaSettings) -> None:
        self._kafka = kafka
        self._producer: AIOKafkaProducer | None = None
        self.published: list[Change] = []

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            **client_kwargs(self._kafka), client_id="snoei-chaos-feeder", acks="all",
            enable_idempotence=False, linger_ms=5, max_batch_size=512 * 1024,
            request_timeout_ms=15_000,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish(self, changes: list[Change], *, again: bool = False) -> None:
        """Send in order; ``again``: re-sent after a broker lost them (already counted)."""
        if self._producer is None:
            raise RuntimeError("Feeder.publish() before start()")
        topic = self._kafka.topics.inventory_changes
        futures = [await self._producer.send(topic, value=c.value, key=c.key) for c in changes]
        for future in futures:
            await future
        if not again:
            self.published.extend(changes)
