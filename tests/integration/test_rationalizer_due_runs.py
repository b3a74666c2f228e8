"""A run is due whenever the stored replica is ahead of the latest run: a debounced run lost
with its process (killed after storing the replica, before the run) still happens after a
restart, without any new graph event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from snoei.rationalizer.factory import Services
from snoei.rationalizer.scheduling import due_run_id
from snoei.shared.contracts.runs import RunRequest, RunTrigger
from snoei.shared.settings import KafkaSettings
from tests.harness import auth, running_services, wait_for
from tests.integration.rationalizer_parts import (
    application,
    delta,
    rationalizer_services,
    snapshot,
)

pytestmark = pytest.mark.integration

LANDSCAPE = "gemeente-herstart"


@pytest.fixture
def services(rationalizer_pool: asyncpg.Pool) -> Services:
    return rationalizer_services(rationalizer_pool)


async def test_due_runs_are_replicas_ahead_of_their_latest_run_on_owned_partitions(
    services: Services,
) -> None:
    crm = application("crm")
    await services.replicas.apply_graph_events(
        [
            snapshot("never-run", 2, crm),
            snapshot("behind", 1, crm),
            snapshot("current", 1, crm),
            snapshot("elsewhere", 1, crm),
            snapshot("fetched", 4, crm),
        ],
        {"never-run": 0, "behind": 1, "current": 1, "elsewhere": 3},  # fetched: over HTTP
    )
    for landscape_id in ("behind", "current", "elsewhere"):
        assert await services.runs.run(landscape_id, RunRequest(trigger=RunTrigger.CHANGE))
    await services.replicas.apply_graph_events(
        [delta("behind", 1, application("new")), delta("elsewhere", 1, application("new"))],
        {"behind": 1, "elsewhere": 3},
    )

    assert await services.runs.due([0, 1]) == {"never-run": 2, "behind": 2, "fetched": 4}
    assert await services.runs.due([3]) == {"elsewhere": 2, "fetched": 4}
    assert await services.runs.due([]) == {"fetched": 4}

    # A newer graph after the latest run makes the landscape due again.
    assert await services.runs.run("fetched", RunRequest(trigger=RunTrigger.CLI))
    await services.replicas.apply_graph_events([snapshot("fetched", 5, crm)])
    assert await services.runs.due([]) == {"fetched": 5}
    assert await services.runs.run("fetched", RunRequest(trigger=RunTrigger.CLI))
    assert await services.runs.due([0, 1, 3]) == {"never-run": 2, "behind": 2, "elsewhere": 2}


async def test_a_replica_stored_before_a_crash_is_evaluated_after_the_restart(
    services: Services, database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    # The process stored the final graph (replica and offsets committed) and was killed
    # while the run was debounced: a replica ahead of the latest run, no event to come.
    old = application("old", lifecycle="phase-out")
    await services.replicas.apply_graph_events([snapshot(LANDSCAPE, 1, application("crm"))], {})
    assert await services.runs.run(LANDSCAPE, RunRequest(trigger=RunTrigger.CHANGE))
    await services.replicas.apply_graph_events([delta(LANDSCAPE, 1, old)], {LANDSCAPE: 0})

    with running_services(
        ["rationalizer"],
        database_url=database_url,
        kafka=kafka,
        log_dir=tmp_path,
        extra_env={
            "rationalizer": {
                "SNOEI_DEPENDENCY_URL": "",
                "SNOEI_DUE_SWEEP_S": "0.5",
                "SNOEI_BULK_SETTLE_S": "0.2",
            }
        },
    ) as procs:
        rationalizer = procs["rationalizer"]
        await rationalizer.wait_ready()
        async with httpx.AsyncClient(base_url=rationalizer.url, headers=auth()) as http:

            async def run_of_version_2() -> Any:
                runs = (await http.get(f"/v1/landscapes/{LANDSCAPE}/runs")).json()
                return [r for r in runs if r["graph_version"] == 2]

            [run] = await wait_for(run_of_version_2, timeout=30, message="the run of version 2")
            assert run["run_id"] == str(due_run_id(LANDSCAPE, 2))
            assert run["trigger"] == "change"
            proposals = (await http.get(f"/v1/landscapes/{LANDSCAPE}/proposals")).json()
            assert [p["id"] for p in proposals["proposals"]] == ["retire:old"]
            # Evaluated once: later sweeps find the landscape up to date.
            assert await services.runs.due([0]) == {}
            runs = (await http.get(f"/v1/landscapes/{LANDSCAPE}/runs")).json()
            assert len(runs) == 2
