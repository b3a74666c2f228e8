"""SQL of the graph replicas: one row per landscape (version, staleness, the partition its
graph events arrive on) and its items, written under a row lock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import asyncpg

from snoei.rationalizer.domain.graph_replica import GraphReplica
from snoei.shared.contracts.graph import GraphDelta
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)

if TYPE_CHECKING:
    from snoei.rationalizer.adapters.connection import Connection

_KINDS: dict[str, Any] = {
    "application": ApplicationRecord,
    "integration": IntegrationRecord,
    "capability": CapabilityRecord,
    "technology": TechnologyRecord,
}


class ReplicaStore:
    """Graph replicas inside one transaction (the caller's connection)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def lock(self, landscape_id: str) -> int | None:
        """Lock the landscape's replica; its version, or None if never seen. A row lock alone
        cannot order two writers of a landscape's first replica (there is no row yet), so a
        transaction-scoped advisory lock on the landscape orders every writer."""
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            f"snoei.rationalizer.replica:{landscape_id}",
        )
        version = await self._conn.fetchval(
            "SELECT version FROM replicas WHERE landscape_id = $1 FOR UPDATE", landscape_id
        )
        return None if version is None else int(version)

    async def replace(
        self, landscape_id: str, replica: GraphReplica, *, partition: int | None
    ) -> None:
        """Store a whole snapshot in place of whatever was there."""
        await self._conn.execute("DELETE FROM replica_items WHERE landscape_id = $1", landscape_id)
        records = [
            (landscape_id, kind, item.id, item.model_dump_json())
            for kind, items in (
                ("application", replica.applications.values()),
                ("integration", replica.integrations.values()),
                ("capability", replica.capabilities.values()),
                ("technology", replica.technologies.values()),
            )
            for item in items
        ]
        if records:
            await self._conn.copy_records_to_table(
                "replica_items", records=records, columns=["landscape_id", "kind", "id", "data"]
            )
        await self._set_version(
            landscape_id, replica.version, replica.inventory_sequence, partition
        )

    async def apply(self, landscape_id: str, delta: GraphDelta, *, partition: int | None) -> None:
        upserts = [
            (kind, item.id, item.model_dump_json())
            for kind, items in (
                ("application", delta.applications_upserted),
                ("integration", delta.integrations_upserted),
                ("capability", delta.capabilities_upserted),
                ("technology", delta.technologies_upserted),
            )
            for item in items
        ]
        removals = [
            (kind, item_id)
            for kind, ids in (
                ("application", delta.applications_removed),
                ("integration", delta.integrations_removed),
                ("capability", delta.capabilities_removed),
                ("technology", delta.technologies_removed),
            )
            for item_id in ids
        ]
        if removals:
            await self._conn.execute(
                """DELETE FROM replica_items r USING unnest($2::text[], $3::text[]) AS k(kind, id)
                   WHERE r.landscape_id = $1 AND r.kind = k.kind AND r.id = k.id""",
                landscape_id,
                [k for k, _ in removals],
                [i for _, i in removals],
            )
        if upserts:
            await self._conn.execute(
                """INSERT INTO replica_items (landscape_id, kind, id, data)
                   SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[])
                   ON CONFLICT (landscape_id, kind, id) DO UPDATE SET data = EXCLUDED.data""",
                landscape_id,
                [u[0] for u in upserts],
                [u[1] for u in upserts],
                [u[2] for u in upserts],
            )
        await self._set_version(landscape_id, delta.version, delta.inventory_sequence, partition)

    async def mark_stale(self, landscape_id: str) -> None:
        await self._conn.execute(
            "UPDATE replicas SET stale = true, updated_at = now() WHERE landscape_id = $1",
            landscape_id,
        )

    async def _set_version(
        self, landscape_id: str, version: int, inventory_sequence: int, partition: int | None
    ) -> None:
        # A snapshot fetched over HTTP has no partition: the one last seen stays.
        await self._conn.execute(
            """INSERT INTO replicas (landscape_id, version, inventory_sequence, stale,
                                     graph_partition)
               VALUES ($1, $2, $3, false, $4)
               ON CONFLICT (landscape_id) DO UPDATE SET version = EXCLUDED.version,
                   inventory_sequence = EXCLUDED.inventory_sequence, stale = false,
                   graph_partition = coalesce(EXCLUDED.graph_partition,
                                              replicas.graph_partition),
                   updated_at = now()""",
            landscape_id,
            version,
            inventory_sequence,
            partition,
        )


class ReplicaRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def replicas(self) -> AsyncIterator[ReplicaStore]:
        """One transaction over the replicas; commits when the block ends without error."""
        async with self._pool.acquire() as conn, conn.transaction():
            yield ReplicaStore(conn)

    async def replica_version(self, landscape_id: str) -> tuple[int, bool] | None:
        row = await self._pool.fetchrow(
            "SELECT version, stale FROM replicas WHERE landscape_id = $1", landscape_id
        )
        return None if row is None else (row["version"], row["stale"])

    async def load_replica(self, landscape_id: str) -> tuple[GraphReplica, bool] | None:
        """The stored replica and whether it is stale, read in one snapshot."""
        async with self._pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            head = await conn.fetchrow(
                "SELECT version, inventory_sequence, stale FROM replicas WHERE landscape_id = $1",
                landscape_id,
            )
            if head is None:
                return None
            rows = await conn.fetch(
                "SELECT kind, data FROM replica_items WHERE landscape_id = $1", landscape_id
            )
        replica = GraphReplica(
            version=head["version"], inventory_sequence=head["inventory_sequence"]
        )
        targets: dict[str, dict[str, Any]] = {
            "application": replica.applications,
            "integration": replica.integrations,
            "capability": replica.capabilities,
            "technology": replica.technologies,
        }
        for row in rows:
            item = _KINDS[row["kind"]].model_validate_json(row["data"])
            targets[row["kind"]][item.id] = item
        return replica, head["stale"]

    async def versions(self) -> dict[str, int]:
        """Each replica's graph version."""
        rows = await self._pool.fetch("SELECT landscape_id, version FROM replicas")
        return {r["landscape_id"]: r["version"] for r in rows}

    async def landscapes(self) -> list[str]:
        rows = await self._pool.fetch("SELECT landscape_id FROM replicas ORDER BY landscape_id")
        return [r["landscape_id"] for r in rows]
