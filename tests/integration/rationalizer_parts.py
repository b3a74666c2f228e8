"""The rationalizer's services built in the test's own process over a test database, and
the graph events that feed them: for tests that drive a use case directly, without the
service's HTTP and Kafka entry points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.factory import Services, build_services
from snoei.rationalizer.replica import SnapshotSource
from snoei.rationalizer.runs import Publisher
from snoei.shared.contracts.graph import GraphChanged, GraphContent, GraphDelta, GraphSnapshot
from snoei.shared.contracts.landscape import ApplicationRecord
from snoei.shared.kafka import OutgoingMessage


class Published:
    """A publisher that keeps what it is given, in order."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        self.sent.extend(messages)


def rationalizer_services(
    pool: asyncpg.Pool,
    *,
    snapshots: SnapshotSource | None = None,
    publisher: Publisher | None = None,
) -> Services:
    """The services one rationalizer process runs, over ``pool``: the packaged lifecycle
    catalogue, the default rule book, ``publisher`` (default: one that keeps what it is
    given) and ``snapshots`` to repair a version gap from (default: none)."""
    return build_services(
        pool=pool,
        catalogue=packaged_catalogue(),
        rules=RulesConfig(),
        publisher=publisher or Published(),
        proposals_topic="rationalizer.proposals",
        runs_topic="rationalizer.runs",
        snapshots=snapshots,
    )


def application(app_id: str, **fields: Any) -> ApplicationRecord:
    """An application worth keeping (scores 4 and 4) unless ``fields`` say otherwise."""
    return ApplicationRecord(
        id=app_id, name=app_id.title(), **{"business_value": 4, "technical_fitness": 4, **fields}
    )


def _records(apps: Sequence[ApplicationRecord | str]) -> tuple[ApplicationRecord, ...]:
    return tuple(application(a) if isinstance(a, str) else a for a in apps)


def snapshot(landscape_id: str, version: int, *apps: ApplicationRecord | str) -> GraphSnapshot:
    """The whole graph at ``version``: ``apps`` (an id stands for ``application(id)``)."""
    content = GraphContent(version=version, inventory_sequence=version, applications=_records(apps))
    return GraphSnapshot(landscape_id=landscape_id, sequence=version, payload=content)


def delta(landscape_id: str, from_version: int, *apps: ApplicationRecord | str) -> GraphChanged:
    """The next version after ``from_version``, upserting ``apps``."""
    version = from_version + 1
    return GraphChanged(
        landscape_id=landscape_id,
        sequence=version,
        payload=GraphDelta(
            from_version=from_version,
            version=version,
            inventory_sequence=version,
            applications_upserted=_records(apps),
        ),
    )
