"""The spine, end to end: a change on Kafka reaches inventory, Postgres, inventory.events and
the dependency service's graph, with the services as separate processes."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from snoei.shared.contracts.changes import ApplicationUpsert, UpsertApplication
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS, ApplicationRegistered
from snoei.shared.contracts.landscape import ApplicationRecord
from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings
from tests.harness import auth, running_services, wait_for

pytestmark = pytest.mark.e2e


async def test_registered_application_reaches_the_dependency_graph(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    landscape = f"gemeente-{uuid.uuid4().hex[:8]}"
    change = ApplicationUpsert(
        landscape_id=landscape,
        payload=UpsertApplication(
            source="cmdb-export",
            application=ApplicationRecord(id="app-zaak", name="Zaaksysteem", owner="Burgerzaken"),
        ),
    )
    events = AIOKafkaConsumer(
        kafka.topics.inventory_events,
        **client_kwargs(kafka),
        group_id=f"spine-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        session_timeout_ms=kafka.session_timeout_ms,
        heartbeat_interval_ms=kafka.heartbeat_interval_ms,
    )
    with running_services(
        ["inventory", "dependency"], database_url=database_url, kafka=kafka, log_dir=tmp_path
    ) as procs:
        for proc in procs.values():
            await proc.wait_ready()
        producer = AIOKafkaProducer(**client_kwargs(kafka), enable_idempotence=False)
        await producer.start()
        await events.start()
        try:
            await wait_for(lambda: events.assignment(), message="test consumer assignment")
            await producer.send_and_wait(
                kafka.topics.inventory_changes, change.to_bytes(), key=change.key()
            )

            async def registered() -> ApplicationRegistered | None:
                for batch in (await events.getmany(timeout_ms=200)).values():
                    for record in batch:
                        event = INVENTORY_EVENTS.decode(record.value)
                        if event.landscape_id == landscape:
                            assert isinstance(event, ApplicationRegistered)
                            return event
                return None

            event = await wait_for(registered, message="application.registered on inventory.events")
            assert event.sequence == 1
            assert event.payload.application.id == "app-zaak"
            assert event.causation_id == change.event_id

            async with httpx.AsyncClient(headers=auth()) as http:
                stored = await http.get(
                    f"{procs['inventory'].url}/v1/landscapes/{landscape}/applications/app-zaak"
                )
                assert stored.status_code == 200
                assert stored.json()["name"] == "Zaaksysteem"

                async def in_graph() -> bool:
                    response = await http.get(
                        f"{procs['dependency'].url}/v1/landscapes/{landscape}/graph"
                    )
                    if response.status_code != 200:
                        return False
                    return any(a["id"] == "app-zaak" for a in response.json()["applications"])

                await wait_for(in_graph, message="app-zaak in the dependency graph")
        finally:
            await events.stop()
            await producer.stop()
