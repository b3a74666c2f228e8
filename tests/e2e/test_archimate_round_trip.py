"""Export to ArchiMate and import it again, through the real services: the sample
municipality loaded into one landscape, its ArchiMate export (dependency service) imported
into a second one (inventory), both evaluated (rationalizer): the same proposals and
savings. The record-for-record check is ``tests/unit/test_archimate_round_trip.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from snoei.samples import generate_municipality
from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings
from tests.harness import ServiceProcess, auth, running_services, wait_for

pytestmark = pytest.mark.e2e
ORIGINAL, COPY = "gemeente-voorbeeld", "gemeente-kopie"


@pytest.fixture
def stack(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> Iterator[dict[str, ServiceProcess]]:
    with running_services(
        ["inventory", "dependency", "rationalizer"], database_url=database_url, kafka=kafka,
        log_dir=tmp_path,
        extra_env={"dependency": {"SNOEI_PUBLISH_DEBOUNCE_S": "0.2"},
                   "rationalizer": {"SNOEI_DEBOUNCE_S": "0.2", "SNOEI_BULK_SETTLE_S": "1"}},
    ) as services:
        yield services


async def settled(
    dependency: httpx.AsyncClient, rationalizer: httpx.AsyncClient, landscape: str,
    sizes: tuple[int, int],
) -> dict[str, tuple[str, float]]:
    """Proposal id -> (status, yearly saving) of the run that evaluated the whole graph."""

    async def whole_graph() -> int | None:
        graph = (await dependency.get(f"/v1/landscapes/{landscape}/graph")).json()
        found = (len(graph.get("applications", ())), len(graph.get("integrations", ())))
        return int(graph["inventory_sequence"]) if found == sizes else None

    sequence = await wait_for(whole_graph, timeout=120, message=f"the graph of {landscape}")

    async def evaluated() -> dict[str, Any] | None:
        body = (await rationalizer.get(f"/v1/landscapes/{landscape}/proposals")).json()
        run = body["run"]
        return body if run and run["inventory_sequence"] >= sequence else None

    body = await wait_for(evaluated, timeout=120, message=f"the run of {landscape}")
    return {p["id"]: (p["status"], p["yearly_saving"]) for p in body["proposals"]}


async def test_an_archimate_export_imported_again_gives_the_same_proposals_and_savings(
    stack: dict[str, ServiceProcess], kafka: KafkaSettings
) -> None:
    for proc in stack.values():
        await proc.wait_ready()
    sample = generate_municipality(landscape_id=ORIGINAL)
    producer = AIOKafkaProducer(**client_kwargs(kafka), enable_idempotence=False)
    await producer.start()
    try:
        for change in sample.iter_changes("sample"):
            await producer.send(kafka.topics.inventory_changes, change.to_bytes(),
                                key=change.key())
        await producer.flush()
    finally:
        await producer.stop()
    sizes = (len(sample.applications), len(sample.integrations))

    def client(name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=stack[name].url, headers=auth(), timeout=60)

    async with client("inventory") as inventory, client("dependency") as dependency, \
            client("rationalizer") as rationalizer:
        before = await settled(dependency, rationalizer, ORIGINAL, sizes)
        exported = await dependency.get(f"/v1/landscapes/{ORIGINAL}/export",
                                        params={"format": "archimate"})
        assert exported.status_code == 200
        imported = await inventory.post(
            f"/v1/landscapes/{COPY}/imports", params={"format": "archimate"},
            files={"file": ("model.xml", exported.content)})
        assert imported.status_code == 200, imported.text
        assert imported.json()["skipped"] == []
        after = await settled(dependency, rationalizer, COPY, sizes)
    assert len(before) > 20
    assert after == before
    print(f"{len(before)} proposals, €{sum(s for _, s in before.values()):,.0f} a year, "
          "before and after the round trip")
