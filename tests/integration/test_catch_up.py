"""Events a broker acknowledged and then lost, with no later event to reveal the gap (a
Tansu restart loses everything it held): the service downstream catches up from its
upstream's stored heads (``GET /v1/heads``) and the pipeline ends where it would have."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from snoei.cli.embedded import EmbeddedKafka
from snoei.shared.settings import KafkaSettings
from tests.harness import ServiceProcess, auth, running_services, wait_for
from tests.integration.test_dependency_process import graph_at
from tests.integration.test_observability import scrape, value

pytestmark = pytest.mark.integration
L = "gemeente-catch-up"
# Short, so that the test also passes on the timer alone; the broker watch wakes the
# comparison at once when it sees the broker come back.
FAST = {"SNOEI_CATCH_UP_INTERVAL_S": "5", "SNOEI_API_TOKENS": '{"test-token": ["*"]}'}


def changes(first: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "application.upsert",
            "payload": {
                "change_id": str(uuid.uuid4()),
                "source": "test",
                "application": {"id": f"app-{i}", "name": f"App {i}"},
            },
        }
        for i in range(first, first + count)
    ]


@contextmanager
def paused(proc: ServiceProcess) -> Iterator[None]:
    """SIGSTOP: the service reads nothing meanwhile, as if slow or partitioned away."""
    assert proc.process is not None
    proc.process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        proc.process.send_signal(signal.SIGCONT)


async def published_all(proc: ServiceProcess) -> bool:
    """The service's outbox is empty: everything it stored is in the broker's log."""
    async with httpx.AsyncClient(base_url=proc.url) as client:
        samples = await scrape(client)
    backlog = "snoei_outbox_backlog_messages"
    return any(name == backlog for name, _ in samples) and value(samples, backlog) == 0


async def latest_run_version(proc: ServiceProcess) -> int | None:
    async with httpx.AsyncClient(base_url=proc.url, headers=auth()) as client:
        response = await client.get(f"/v1/landscapes/{L}/runs")
    runs: list[dict[str, Any]] = response.json() if response.status_code == 200 else []
    return max((r["graph_version"] for r in runs), default=None)


async def graph_version(proc: ServiceProcess) -> int:
    return int((await graph_at(proc, L, 0))["version"])


def restart(broker: EmbeddedKafka) -> None:
    assert broker.process is not None
    broker.process.kill()
    broker.process.wait()
    broker.start()


async def test_what_a_restarted_broker_lost_reaches_the_graph_and_the_run(
    database_url: str, own_kafka: KafkaSettings, broker: EmbeddedKafka, tmp_path: Path
) -> None:
    names = ["inventory", "dependency", "rationalizer"]
    env = dict.fromkeys(names, FAST)
    with running_services(
        names, database_url=database_url, kafka=own_kafka, log_dir=tmp_path, extra_env=env
    ) as procs:
        inventory, dependency, rationalizer = (procs[n] for n in names)
        for proc in procs.values():
            await proc.wait_ready()
        async with httpx.AsyncClient(base_url=inventory.url, headers=auth()) as http:
            (await http.post(f"/v1/landscapes/{L}/changes", json=changes(0, 10))).raise_for_status()
            await graph_at(dependency, L, 10)

            # Inventory events: published while the dependency service reads nothing, lost.
            with paused(dependency):
                response = await http.post(f"/v1/landscapes/{L}/changes", json=changes(10, 5))
                response.raise_for_status()
                await wait_for(lambda: published_all(inventory), message="inventory relayed")
                restart(broker)
            await graph_at(dependency, L, 15, timeout=60)

            # A graph version: published while the rationalizer reads nothing, lost.
            with paused(rationalizer):
                response = await http.post(f"/v1/landscapes/{L}/changes", json=changes(15, 5))
                response.raise_for_status()
                await graph_at(dependency, L, 20)
                await wait_for(lambda: published_all(dependency), message="graph published")
                version = await graph_version(dependency)
                restart(broker)

            async def evaluated() -> bool:
                return (await latest_run_version(rationalizer) or 0) >= version

            await wait_for(evaluated, timeout=60, message=f"a run at graph version {version}")
