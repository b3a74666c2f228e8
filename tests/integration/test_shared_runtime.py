"""Shared runtime behaviour: migrations, and clear one-line errors when servers are missing."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys

import asyncpg
import pytest

from snoei.cli.embedded import free_port
from snoei.inventory.adapters.outbox import OutboxStore
from snoei.shared.contracts.landscape import ApplicationRecord
from snoei.shared.db import make_pool, migrate
from tests.harness import Servers, service_env

pytestmark = pytest.mark.integration


async def test_migrations_apply_once_even_when_instances_start_together(database_url: str) -> None:
    pools = [make_pool(database_url, schema="inventory") for _ in range(3)]
    for pool in pools:
        await pool
    try:
        applied = await asyncio.gather(
            *(migrate(p, schema="inventory", package="snoei.inventory.migrations") for p in pools)
        )
        assert sorted(len(a) for a in applied)[:-1] == [0, 0]
        assert max(len(a) for a in applied) >= 1
        again = await migrate(pools[0], schema="inventory", package="snoei.inventory.migrations")
        assert again == []
        tables = await pools[0].fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'inventory'"
        )
        assert {"schema_migrations", "events"} <= {t["table_name"] for t in tables}
    finally:
        for pool in pools:
            await pool.close()


async def test_a_changed_applied_migration_is_refused(database_url: str) -> None:
    pool = make_pool(database_url, schema="inventory")
    await pool
    try:
        await migrate(pool, schema="inventory", package="snoei.inventory.migrations")
        await pool.execute(
            "UPDATE inventory.schema_migrations SET checksum = 'edited' "
            "WHERE name = '0001_initial.sql'"
        )
        with pytest.raises(RuntimeError, match=r"0001_initial\.sql of inventory changed"):
            await migrate(pool, schema="inventory", package="snoei.inventory.migrations")
    finally:
        await pool.close()


async def test_the_outbox_cursor_migration_starts_after_what_was_published(
    database_url: str,
) -> None:
    # Inventory 0003 replaces per-event `published_at` marks with a cursor per landscape;
    # an upgraded database must neither publish again nor skip what was still pending.
    pool = make_pool(database_url, schema="inventory")
    await pool
    try:
        package = "snoei.inventory.migrations"
        before = "0002_sources_and_queries.sql"
        await migrate(pool, schema="inventory", package=package, until=before)
        await pool.execute(
            "INSERT INTO inventory.landscapes (landscape_id, last_sequence) "
            "VALUES ('pending', 5), ('caught-up', 2), ('empty', 0)"
        )
        for landscape, sequence, published in [
            *(("pending", n, n <= 3) for n in range(1, 6)),
            *(("caught-up", n, True) for n in range(1, 3)),
        ]:
            await pool.execute(
                "INSERT INTO inventory.events (landscape_id, sequence, event_id, type, body, "
                "published_at) VALUES ($1, $2, gen_random_uuid(), 'application.registered', "
                "'{}', CASE WHEN $3 THEN now() END)",
                landscape, sequence, published,
            )
        assert await migrate(
            pool, schema="inventory", package=package, until="0003_outbox_cursor.sql"
        ) == ["0003_outbox_cursor.sql"]
        cursors = await pool.fetch(
            "SELECT landscape_id, published_sequence FROM inventory.outbox_cursor"
        )
        assert {r["landscape_id"]: r["published_sequence"] for r in cursors} == {
            "pending": 3,
            "caught-up": 2,
            "empty": 0,
        }
        await migrate(pool, schema="inventory", package=package)  # the relay reads them all
        async with pool.acquire() as conn:
            await conn.execute("SET search_path TO inventory")
            unsent = await OutboxStore(conn).unsent(100)
        assert [(e.landscape_id, e.sequence) for e in unsent] == [("pending", 4), ("pending", 5)]
    finally:
        await pool.close()


V1_FREE = {"id": "app-free", "name": "Free", "costs": {"licence": 0.0, "hosting": 0.0,
                                                    "support": 0.0, "staff": 0.0}}
V1_PAID = {"id": "app-paid", "name": "Paid", "costs": {"licence": 100.0, "hosting": 0.0,
                                                    "support": 0.0, "staff": 0.0}}


async def test_stored_version_1_application_records_are_upcast_like_messages(
    database_url: str,
) -> None:
    # Inventory 0004 and dependency 0002: zero or absent costs stored by version 1 become
    # unknown, exactly as the message upcaster reads them; real costs are kept.
    pool = make_pool(database_url, schema="inventory")
    await pool
    try:
        await migrate(pool, schema="inventory", package="snoei.inventory.migrations",
                      until="0003_outbox_cursor.sql")
        await migrate(pool, schema="dependency", package="snoei.dependency.migrations",
                      until="0001_initial.sql")
        no_costs = {"id": "app-none", "name": "None given"}
        for record in (V1_FREE, V1_PAID, no_costs):
            await pool.execute(
                "INSERT INTO inventory.items (landscape_id, kind, id, data, version, updated_at)"
                " VALUES ('l', 'application', $1, $2::jsonb, 1, now())",
                record["id"], json.dumps(record),
            )
            await pool.execute(
                "INSERT INTO inventory.item_history (landscape_id, kind, id, version, data, "
                "valid_from, change_id, source, sequence) VALUES ('l', 'application', $1, 1, "
                "$2::jsonb, now(), gen_random_uuid(), 'api', 1)",
                record["id"], json.dumps(record),
            )
            await pool.execute(
                "INSERT INTO dependency.applications (landscape_id, id, data) "
                "VALUES ('l', $1, $2::jsonb)", record["id"], json.dumps(record),
            )
        assert await migrate(pool, schema="inventory", package="snoei.inventory.migrations",
                             until="0004_application_records_v2.sql") \
            == ["0004_application_records_v2.sql"]
        assert await migrate(pool, schema="dependency", package="snoei.dependency.migrations",
                             until="0002_application_records_v2.sql") \
            == ["0002_application_records_v2.sql"]
        for table in ("inventory.items", "inventory.item_history", "dependency.applications"):
            rows = await pool.fetch(f"SELECT id, data FROM {table} ORDER BY id")
            records = {r["id"]: ApplicationRecord.model_validate_json(r["data"]) for r in rows}
            assert records["app-free"].costs is None, table
            assert records["app-none"].costs is None, table
            assert records["app-paid"].yearly_cost == 100.0, table
            stored = json.loads(rows[0]["data"])
            assert {"owned", "specialises", "part_of", "kind"} <= set(stored), table
    finally:
        await pool.close()


def _run_service(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snoei.inventory"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _closed_port() -> int:
    return free_port()  # nothing listens there once the probe socket is closed


async def test_unreachable_broker_gives_one_clear_line(servers: Servers, database_url: str) -> None:
    kafka = servers.kafka_settings("unused.").model_copy(
        update={"bootstrap": f"127.0.0.1:{_closed_port()}"}
    )
    env = service_env(database_url=database_url, kafka=kafka, port=free_port())
    result = await asyncio.to_thread(_run_service, env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert "cannot reach the Kafka broker" in line
    assert "SNOEI_KAFKA_BOOTSTRAP" in line


async def test_unreachable_database_gives_one_clear_line(servers: Servers) -> None:
    dsn = f"postgresql://postgres@127.0.0.1:{_closed_port()}/snoei"
    env = service_env(database_url=dsn, kafka=servers.kafka_settings("unused."), port=free_port())
    result = await asyncio.to_thread(_run_service, env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cannot reach PostgreSQL" in result.stderr
    assert "SNOEI_DATABASE_URL" in result.stderr


async def test_http_port_in_use_gives_one_clear_line(servers: Servers, database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = service_env(
            database_url=database_url, kafka=servers.kafka_settings("unused."), port=port
        )
        result = await asyncio.to_thread(_run_service, env)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "SNOEI_HTTP_PORT" in result.stderr


async def test_fresh_databases_are_isolated(servers: Servers) -> None:
    first, second = await servers.fresh_database(), await servers.fresh_database()
    assert first != second
    conn = await asyncpg.connect(first)
    try:
        assert (
            await conn.fetchval("SELECT count(*) FROM pg_namespace WHERE nspname = 'inventory'")
            == 0
        )
    finally:
        await conn.close()
