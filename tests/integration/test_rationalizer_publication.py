"""Runs are published from the store: a run whose publication failed (or was cut short by
a crash after it was stored) is published later, once, by the publication relay."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import pytest

from snoei.shared.contracts.proposals import PROPOSAL_EVENTS
from snoei.shared.contracts.runs import RunRequest, RunTrigger
from snoei.shared.kafka import OutgoingMessage
from tests.integration.rationalizer_parts import application, rationalizer_services, snapshot

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


async def test_a_run_whose_publication_failed_is_published_later_once(
    rationalizer_pool: asyncpg.Pool,
) -> None:
    publisher = FlakyPublisher(failures=1)
    services = rationalizer_services(rationalizer_pool, publisher=publisher)
    await services.replicas.apply_graph_events(
        [snapshot(LANDSCAPE, 1, "crm", application("old", business_value=1, technical_fitness=1))]
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
