"""On the `--broker kafka` stack, restarting Apache Kafka in the middle of a load loses nothing.

Runs with ``SNOEI_TEST_BACKEND=kafka`` only: it needs Java and Maven, which the default
tier promises not to (and CI runs the kafka tier after the default one).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from snoei.cli.embedded import free_port
from snoei.cli.stack import StackState, restart_broker, stack_down, stack_up
from snoei.samples import generate_municipality
from snoei.shared.contracts.changes import InventoryChange
from snoei.shared.kafka import BatchPublisher, OutgoingMessage
from snoei.shared.settings import KafkaSettings
from tests.harness import surviving_processes, wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("SNOEI_TEST_BACKEND") != "kafka",
        reason="needs Apache Kafka (Java, Maven): runs with SNOEI_TEST_BACKEND=kafka",
    ),
]


async def _publish(state: StackState, changes: list[InventoryChange]) -> None:
    settings = KafkaSettings(bootstrap=state.bootstrap, enable_idempotence=True)
    publisher = BatchPublisher(settings, client_id="restart-test")
    await publisher.start()
    try:
        topic = settings.topics.inventory_changes
        for start in range(0, len(changes), 250):
            batch = changes[start : start + 250]
            await publisher.publish([OutgoingMessage(topic, c.key(), c.to_bytes()) for c in batch])
    finally:
        await publisher.stop()


async def test_a_broker_restart_in_the_middle_of_a_load_loses_no_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "stack"
    monkeypatch.setenv("SNOEI_STACK_DIR", str(root))
    state = await asyncio.to_thread(
        stack_up,
        pg_port=free_port(),
        broker_port=free_port(),
        inventory_port=free_port(),
        dependency_port=free_port(),
        rationalizer_port=free_port(),
        broker="kafka",
        timeout=90,
    )
    pids = set(state.pids.values())
    landscape = generate_municipality(landscape_id="gemeente-herstart")
    changes = landscape.to_changes("restart-test")
    half = len(changes) // 2
    base = f"/v1/landscapes/{landscape.landscape_id}"
    apps = {a.id for a in landscape.applications}
    links = {i.id for i in landscape.integrations}
    headers = {"Authorization": f"Bearer {state.token}"}
    try:
        await _publish(state, changes[:half])
        # The services are still consuming and relaying the first half when the broker goes.
        await asyncio.to_thread(restart_broker, state)
        pids.add(state.pids["broker"])
        await _publish(state, changes[half:])

        async with httpx.AsyncClient(headers=headers, timeout=10) as http:

            async def ids(url: str) -> set[str]:
                response = await http.get(url)
                assert response.status_code == 200, f"{url}: {response.status_code}"
                return {item["id"] for item in response.json()}

            async def inventory_complete() -> bool:
                have = await ids(f"{state.url('inventory')}{base}/applications")
                have_links = await ids(f"{state.url('inventory')}{base}/integrations")
                assert (have, have_links) == (apps, links), (
                    f"inventory has {len(have)}/{len(apps)} applications, "
                    f"{len(have_links)}/{len(links)} integrations"
                )
                return True

            await wait_for(inventory_complete, timeout=120, message="every change stored")

            graph: dict[str, Any] = {}

            async def graph_complete() -> bool:
                response = await http.get(f"{state.url('dependency')}{base}/graph")
                assert response.status_code == 200, f"graph: {response.status_code}"
                graph.update(response.json())
                have = {a["id"] for a in graph["applications"]}
                have_links = {i["id"] for i in graph["integrations"]}
                assert (have, have_links) == (apps, links), (
                    f"graph has {len(have)}/{len(apps)} applications, "
                    f"{len(have_links)}/{len(links)} integrations"
                )
                return True

            await wait_for(graph_complete, timeout=120, message="the whole graph")

            async def run_on_final_graph() -> bool:
                response = await http.get(
                    f"{state.url('rationalizer')}{base}/runs", params={"limit": 1}
                )
                runs = response.json()
                assert runs, "no run yet"
                assert runs[0]["inventory_sequence"] >= graph["inventory_sequence"], (
                    f"latest run covers {runs[0]['inventory_sequence']}, "
                    f"graph {graph['inventory_sequence']}"
                )
                return True

            await wait_for(run_on_final_graph, timeout=120, message="a run on the final graph")
    finally:
        await asyncio.to_thread(stack_down, state)
    assert surviving_processes(root, pids) == []
