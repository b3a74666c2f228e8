"""A change arriving through Kafka updates proposals end to end: inventory, dependency and
rationalizer as processes on the real broker and PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from snoei.shared.contracts.changes import (
    ApplicationUpsert,
    IntegrationUpsert,
    UpsertApplication,
    UpsertIntegration,
)
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    IntegrationRecord,
    Lifecycle,
)
from snoei.shared.envelope import Envelope
from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings
from tests.harness import ServiceProcess, auth, wait_for

pytestmark = pytest.mark.e2e
LANDSCAPE = "gemeente-prune"


def application(app_id: str, **fields: Any) -> ApplicationUpsert:
    defaults: dict[str, Any] = {"business_value": 4, "technical_fitness": 4, "users": 30}
    record = ApplicationRecord(id=app_id, name=app_id.title(), **{**defaults, **fields})
    return ApplicationUpsert(landscape_id=LANDSCAPE, payload=UpsertApplication(application=record))


async def send(kafka: KafkaSettings, changes: list[Envelope]) -> None:
    producer = AIOKafkaProducer(**client_kwargs(kafka), enable_idempotence=False)
    await producer.start()
    try:
        for change in changes:
            await producer.send_and_wait(
                kafka.topics.inventory_changes, change.to_bytes(), key=change.key()
            )
    finally:
        await producer.stop()


async def test_an_inventory_change_updates_the_proposals(
    pipeline: dict[str, ServiceProcess], kafka: KafkaSettings
) -> None:
    for proc in pipeline.values():
        await proc.wait_ready()
    await send(
        kafka,
        [
            application(
                "zaak-a",
                capabilities=("zaak",),
                technical_fitness=5,
                costs=AnnualCosts(licence=40_000),
            ),
            application(
                "zaak-b",
                capabilities=("zaak",),
                technical_fitness=2,
                costs=AnnualCosts(licence=60_000),
            ),
            application("portal", capabilities=("portaal",)),
            IntegrationUpsert(
                landscape_id=LANDSCAPE,
                payload=UpsertIntegration(
                    integration=IntegrationRecord(
                        id="zaken-feed",
                        source="zaak-b",
                        target="portal",
                        data_objects=("zaken",),
                    )
                ),
            ),
        ],
    )
    async with httpx.AsyncClient(
        base_url=pipeline["rationalizer"].url, headers=auth(), timeout=10
    ) as http:

        async def proposal_ids(expected: set[str]) -> dict[str, Any] | None:
            body = (await http.get(f"/v1/landscapes/{LANDSCAPE}/proposals")).json()
            found = {p["id"]: p for p in body["proposals"]}
            return found if set(found) == expected else None

        async def consolidation_with_feed() -> dict[str, Any] | None:
            # The four changes may reach the rationalizer as two graph versions (the first
            # change after a quiet spell is published at once): wait for the one with the feed.
            found = await proposal_ids({"consolidate:zaak-b"})
            if found and found["consolidate:zaak-b"]["integrations_to_rewire"]:
                return found
            return None

        found = await wait_for(
            consolidation_with_feed, timeout=30, message="the consolidation proposal"
        )
        assert found["consolidate:zaak-b"]["survivor"] == "zaak-a"
        assert found["consolidate:zaak-b"]["integrations_to_rewire"] == ["zaken-feed"]

        # The portal goes into phase-out: a retire proposal appears, through all services.
        started = time.monotonic()
        await send(
            kafka, [application("portal", capabilities=("portaal",), lifecycle=Lifecycle.PHASE_OUT)]
        )
        found = await wait_for(
            lambda: proposal_ids({"consolidate:zaak-b", "retire:portal"}),
            timeout=30,
            message="the retire proposal after the change",
        )
        elapsed = time.monotonic() - started
        # portal is the only application for "portaal": its retirement is blocked
        assert found["retire:portal"]["status"] == "blocked"
        assert "portaal" in found["retire:portal"]["blocked_reason"]
        print(f"change -> updated proposals through three processes: {elapsed:.2f}s")
