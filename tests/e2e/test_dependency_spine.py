"""The spine through real processes: a change on `inventory.changes` reaches the inventory,
comes out on `inventory.events`, lands in the dependency service's graph, and a graph
version is published on `dependency.graph`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from snoei.dependency.adapters.inventory_client import InventoryClient
from snoei.shared.contracts.changes import (
    ApplicationUpsert,
    IntegrationUpsert,
    UpsertApplication,
    UpsertIntegration,
)
from snoei.shared.contracts.graph import GRAPH_EVENTS, GraphChanged
from snoei.shared.contracts.landscape import ApplicationRecord, IntegrationRecord
from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, ServiceProcess, auth, running_services, wait_for

pytestmark = pytest.mark.e2e
LANDSCAPE = "gemeente-spine"


@pytest.fixture
def stack(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> Iterator[dict[str, ServiceProcess]]:
    with running_services(
        ["inventory", "dependency"],
        database_url=database_url,
        kafka=kafka,
        log_dir=tmp_path,
        extra_env={"dependency": {"SNOEI_PUBLISH_DEBOUNCE_S": "0.2"}},
    ) as services:
        yield services


async def test_an_application_change_reaches_the_dependency_graph(
    stack: dict[str, ServiceProcess], kafka: KafkaSettings
) -> None:
    for proc in stack.values():
        await proc.wait_ready()
    changes = [
        ApplicationUpsert(
            landscape_id=LANDSCAPE,
            payload=UpsertApplication(application=ApplicationRecord(id=app, name=f"App {app}")),
        )
        for app in ("zaaksysteem", "burgerzaken")
    ] + [
        IntegrationUpsert(
            landscape_id=LANDSCAPE,
            payload=UpsertIntegration(
                integration=IntegrationRecord(
                    id="brp-feed",
                    source="burgerzaken",
                    target="zaaksysteem",
                    data_objects=("BRP persons",),
                )
            ),
        )
    ]
    producer = AIOKafkaProducer(**client_kwargs(kafka), enable_idempotence=False)
    await producer.start()
    try:
        for change in changes:
            await producer.send_and_wait(
                kafka.topics.inventory_changes, change.to_bytes(), key=change.key()
            )
    finally:
        await producer.stop()

    async with httpx.AsyncClient(base_url=stack["dependency"].url, headers=auth()) as client:

        async def graph_complete() -> dict[str, Any] | None:
            response = await client.get(f"/v1/landscapes/{LANDSCAPE}/graph")
            if response.status_code != 200:
                return None
            body: dict[str, Any] = response.json()
            return body if body["inventory_sequence"] == 3 else None

        graph = await wait_for(graph_complete, timeout=30, message="the graph to hold 3 events")
        assert sorted(a["id"] for a in graph["applications"]) == ["burgerzaken", "zaaksysteem"]
        assert [i["id"] for i in graph["integrations"]] == ["brp-feed"]

        dependents = await client.get(
            f"/v1/landscapes/{LANDSCAPE}/applications/burgerzaken/dependents"
        )
        assert dependents.status_code == 200
        assert [a["application_id"] for a in dependents.json()["applications"]] == ["zaaksysteem"]
        unknown = await client.get(f"/v1/landscapes/{LANDSCAPE}/applications/nope/dependents")
        assert unknown.status_code == 404
        assert "'nope'" in unknown.json()["detail"]
        missing = await client.get("/v1/landscapes/nowhere/graph")
        assert missing.status_code == 404
        too_deep = await client.get(
            f"/v1/landscapes/{LANDSCAPE}/applications/burgerzaken/dependents?depth=99"
        )
        assert too_deep.status_code == 422

    replay = InventoryClient(stack["inventory"].url, token=TEST_TOKEN)
    try:
        events = await replay.events(LANDSCAPE, from_sequence=2, limit=10)
    finally:
        await replay.aclose()
    assert [e.sequence for e in events] == [2, 3]

    deltas = await read_graph_versions(kafka, until_sequence=3)
    assert [d.payload.version for d in deltas] == list(range(1, len(deltas) + 1))
    assert deltas[0].payload.from_version == 0
    upserted = {a.id for d in deltas for a in d.payload.applications_upserted}
    assert upserted == {"burgerzaken", "zaaksysteem"}


async def read_graph_versions(kafka: KafkaSettings, *, until_sequence: int) -> list[GraphChanged]:
    """Every `dependency.graph` message of the landscape until one reflects the sequence."""
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    await consumer.start()
    found: list[GraphChanged] = []
    try:
        topic = kafka.topics.dependency_graph
        partitions = [TopicPartition(topic, p) for p in range(kafka.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)

        async def caught_up() -> bool:
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    event = GRAPH_EVENTS.decode(record.value)
                    if isinstance(event, GraphChanged) and event.landscape_id == LANDSCAPE:
                        found.append(event)
            return any(d.payload.inventory_sequence >= until_sequence for d in found)

        await wait_for(caught_up, timeout=20, message="a graph version on dependency.graph")
    finally:
        await consumer.stop()
    return found
