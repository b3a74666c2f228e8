"""Inventory as a real process, killed with SIGKILL: nothing committed is lost, every event
is published in sequence order (duplicates allowed, gaps not), and a crash mid-stream leaves
one version and one event per change. Also the CLI import against the running service."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import asyncpg
import httpx
import pytest
from typer.testing import CliRunner

from snoei.cli.imports import app as import_app
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, auth, running_services, wait_for
from tests.integration.test_inventory_kafka import produce, read_all, upsert

pytestmark = pytest.mark.e2e
DATA = Path(__file__).resolve().parent.parent / "data" / "inventory"


async def event_count(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM inventory.events"))
    except asyncpg.UndefinedTableError:
        return 0
    finally:
        await conn.close()


async def test_killed_between_commit_and_publish_still_publishes_every_event_in_order(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    landscapes = ["gem-a", "gem-b", "gem-c"]
    changes = [(land.encode(), upsert(f"app-{i}", f"30000000-0000-0000-{n:04d}-{i:012d}", land))
               for n, land in enumerate(landscapes) for i in range(40)]
    paused = {"inventory": {"SNOEI_RELAY_ENABLED": "false"}}
    with running_services(["inventory"], database_url=database_url, kafka=kafka,
                          log_dir=tmp_path, extra_env=paused) as procs:
        inventory = procs["inventory"]
        await inventory.wait_ready()
        await produce(kafka, changes)
        await wait_for(lambda: _at_least(database_url, len(changes)), timeout=30,
                       message="events committed to the outbox")
        inventory.kill()  # committed, never published
        inventory.env["SNOEI_RELAY_ENABLED"] = "true"
        inventory.start()
        await inventory.wait_ready()
        records = await read_all(kafka, kafka.topics.inventory_events, len(changes))
    seen: dict[str, list[int]] = defaultdict(list)
    for record in records:
        event = json.loads(record.value)
        assert record.key.decode() == event["landscape_id"]
        seen[event["landscape_id"]].append(event["sequence"])
    for land in landscapes:
        sequences = seen[land]
        highest = 0
        for sequence in sequences:  # in order: a duplicate may repeat, never skip ahead
            assert sequence <= highest + 1, (land, sequences)
            highest = max(highest, sequence)
        assert set(sequences) == set(range(1, 41)), land


async def _at_least(database_url: str, n: int) -> bool:
    return await event_count(database_url) >= n


async def test_a_crash_mid_stream_leaves_one_version_and_event_per_change_and_cli_imports(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    total = 3000
    changes = [(b"gem", upsert(f"app-{i}", f"40000000-0000-0000-0000-{i:012d}", "gem"))
               for i in range(total)]
    small_batches = {"inventory": {"SNOEI_BATCH_MAX_RECORDS": "100"}}
    with running_services(["inventory"], database_url=database_url, kafka=kafka,
                          log_dir=tmp_path, extra_env=small_batches) as procs:
        inventory = procs["inventory"]
        await inventory.wait_ready()
        await produce(kafka, changes)
        await wait_for(lambda: _at_least(database_url, 1), message="consuming started")
        inventory.kill()  # somewhere in the stream, likely between commit and offset commit
        inventory.start()
        await inventory.wait_ready()
        await produce(kafka, changes[:500])  # and some redelivered once more
        await produce(kafka, [(b"gem", upsert("sentinel", "50000000-0000-0000-0000-0"
                                                           "00000000000", "gem"))])
        async with httpx.AsyncClient(base_url=inventory.url, headers=auth()) as client:
            async def sentinel() -> bool:
                answer = await client.get("/v1/landscapes/gem/applications/sentinel")
                return answer.status_code == 200

            await wait_for(sentinel, timeout=60, message="every change consumed")
            conn = await asyncpg.connect(database_url)
            try:
                versions = await conn.fetchval("SELECT count(*) FROM inventory.item_history")
                per_item = await conn.fetchval(
                    "SELECT max(version) FROM inventory.item_history")
                sequences = [r[0] for r in await conn.fetch(
                    "SELECT sequence FROM inventory.events ORDER BY sequence")]
            finally:
                await conn.close()
            assert (versions, per_item) == (total + 1, 1)
            assert sequences == list(range(1, total + 2))

            env = {"SNOEI_INVENTORY_URL": inventory.url, "SNOEI_API_TOKEN": TEST_TOKEN}
            runner = CliRunner()
            imported = runner.invoke(import_app, [str(DATA / "archimate21.xml"),
                                                  "--landscape", "cli"], env=env)
            assert imported.exit_code == 0, imported.output
            assert "5 applied" in imported.output
            again = runner.invoke(import_app, [str(DATA / "archimate21.xml"),
                                               "--landscape", "cli"], env=env)
            assert "0 applied" in again.output
            assert "5 already imported" in again.output
            rejected = runner.invoke(import_app, [str(DATA / "applications_bad.csv"),
                                                  "--landscape", "cli"], env=env)
            assert rejected.exit_code == 1
            assert "line 3, application 'bad-cost', field 'cost_licence'" in rejected.output
            forbidden = runner.invoke(import_app, [str(DATA / "applications.csv"),
                                                   "--landscape", "cli"],
                                      env={**env, "SNOEI_API_TOKEN": "wrong"})
            assert forbidden.exit_code == 1
            assert "401" in forbidden.output
            apps = (await client.get("/v1/landscapes/cli/applications")).json()
            assert [a["id"] for a in apps] == ["c-crm", "c-zaak"]
