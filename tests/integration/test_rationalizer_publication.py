"""Runs are published from the store: a run whose publication failed (or was cut short by
a crash after it was stored) is published later, once, by the publication relay."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.factory import build_services
from snoei.shared.contracts.graph import GraphContent, GraphSnapshot
from snoei.shared.contracts.landscape import ApplicationRecord
from snoei.shared.contracts.proposals import PROPOSAL_EVENTS
from snoei.shared.contracts.runs import RunRequest, RunTrigger
from snoei.shared.db import make_pool, migrate
from snoei.shared.kafka import OutgoingMessage

pytestmark = pytest.mark.integration

LANDSCAPE = "gemeente-test"


class FlakyPublisher:
    """Fails its first ``failures`` publications, like a broker that is briefly away."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[OutgoingMessage] = []

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker unavailable")
        self.sent.extend(messages)


async def test_a_run_whose_publication_failed_is_published_later_once(database_url: str) -> None:
    pool = make_pool(database_url, schema="rationalizer")
    await pool
    try:
        await migrate(pool, schema="rationalizer", package="snoei.rationalizer.migrations")
        publisher = FlakyPublisher(failures=1)
        services = build_services(
            pool=pool,
            catalogue=packaged_catalogue(),
            rules=RulesConfig(),
            publisher=publisher,
            proposals_topic="rationalizer.proposals",
            runs_topic="rationalizer.runs",
            snapshots=None,
        )
        apps = (
            ApplicationRecord(id="crm", name="CRM", business_value=4, technical_fitness=4),
            ApplicationRecord(id="old", name="Old", business_value=1, technical_fitness=1),
        )
        await services.replicas.apply_graph_events(
            [
                GraphSnapshot(
                    landscape_id=LANDSCAPE,
                    sequence=1,
                    payload=GraphContent(version=1, inventory_sequence=1, applications=apps),
                )
            ]
        )

        row = await services.runs.run(LANDSCAPE, RunRequest(trigger=RunTrigger.CLI))
        assert row is not None
        assert publisher.sent == []  # stored, not published

        assert await services.runs.publish_pending(older_than_s=0) == 1
        published = [PROPOSAL_EVENTS.decode(m.value) for m in publisher.sent]
        assert {e.payload.run_id for e in published} == {row.run_id}
        _, stored = await services.queries.proposals(LANDSCAPE)
        assert stored  # "old" is proposed for retirement
        assert sum(len(e.payload.proposals) for e in published) == len(stored)

        assert await services.runs.publish_pending(older_than_s=0) == 0  # marked: not again
        second = await services.runs.run(LANDSCAPE, RunRequest(trigger=RunTrigger.CLI))
        assert second is not None
        assert await services.runs.publish_pending(older_than_s=0) == 0  # published at once
        assert {PROPOSAL_EVENTS.decode(m.value).payload.run_id for m in publisher.sent} == {
            row.run_id,
            second.run_id,
        }
    finally:
        await pool.close()
