"""All SQL of the dependency service: graph records per landscape, the applied sequence,
graph versions, the pending delta and the outbox of ``dependency.graph`` messages.

Writes are set-based over arrays (one statement per table), never a row loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from snoei.dependency.domain.graph import KINDS, ItemKey, Kind, Record
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)
from snoei.shared.tracing import current_traceparent

TABLES: dict[Kind, str] = {
    "application": "applications",
    "integration": "integrations",
    "capability": "capabilities",
    "technology": "technologies",
}
MODELS: dict[Kind, type[Record]] = {
    "application": ApplicationRecord,
    "integration": IntegrationRecord,
    "capability": CapabilityRecord,
    "technology": TechnologyRecord,
}


class StaleGraph(Exception):
    """Another instance advanced the landscape meanwhile (a partition moved): reload."""


@dataclass(slots=True)
class ItemChanges:
    """The final state of the items a batch touched: records to store, ids to delete."""

    upserts: dict[Kind, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})
    deletes: dict[Kind, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    keys: list[ItemKey] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    landscape_id: str
    version: int
    body: bytes
    traceparent: str | None = None


class UnitOfWork:
    """One transaction; the caller commits by leaving the block."""

    def __init__(self, conn: PoolConnectionProxy) -> None:
        self._conn = conn

    async def advance(
        self, landscape_id: str, *, expected: int, sequence: int, changes: ItemChanges
    ) -> None:
        """Store the touched items and move the applied sequence from ``expected`` to
        ``sequence``; raises ``StaleGraph`` when the stored sequence is not ``expected``."""
        conn = self._conn
        await conn.execute(
            "INSERT INTO landscapes (landscape_id) VALUES ($1) ON CONFLICT DO NOTHING",
            landscape_id,
        )
        moved = await conn.fetchval(
            """UPDATE landscapes SET inventory_sequence = $3,
                      pending_traceparent = coalesce(pending_traceparent, $4)
               WHERE landscape_id = $1 AND inventory_sequence = $2 RETURNING 1""",
            landscape_id,
            expected,
            sequence,
            current_traceparent(),
        )
        if moved is None:
            raise StaleGraph(f"landscape {landscape_id!r} is no longer at sequence {expected}")
        for kind in KINDS:
            await self._upsert(landscape_id, kind, changes.upserts[kind])
            if changes.deletes[kind]:
                await conn.execute(
                    f"DELETE FROM {TABLES[kind]} WHERE landscape_id = $1 AND id = ANY($2::text[])",
                    landscape_id,
                    changes.deletes[kind],
                )
        if changes.keys:
            await conn.execute(
                """INSERT INTO unpublished_batches (landscape_id, sequence, kinds, ids)
                   VALUES ($1, $2, $3::text[], $4::text[])""",
                landscape_id,
                sequence,
                [k for k, _ in changes.keys],
                [i for _, i in changes.keys],
            )

    async def _upsert(self, landscape_id: str, kind: Kind, records: Sequence[Record]) -> None:
        if not records:
            return
        ids = [r.id for r in records]
        data = [r.model_dump_json() for r in records]
        if kind == "integration":
            links = [r for r in records if isinstance(r, IntegrationRecord)]
            await self._conn.execute(
                """INSERT INTO integrations (landscape_id, id, source, target, data)
                   SELECT $1, i, s, t, d::jsonb
                   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(i, s, t, d)
                   ON CONFLICT (landscape_id, id) DO UPDATE
                   SET source = EXCLUDED.source, target = EXCLUDED.target, data = EXCLUDED.data""",
                landscape_id,
                ids,
                [r.source for r in links],
                [r.target for r in links],
                data,
            )
            return
        await self._conn.execute(
            f"""INSERT INTO {TABLES[kind]} (landscape_id, id, data)
                SELECT $1, i, d::jsonb FROM unnest($2::text[], $3::text[]) AS u(i, d)
                ON CONFLICT (landscape_id, id) DO UPDATE SET data = EXCLUDED.data""",
            landscape_id,
            ids,
            data,
        )

    async def lock_version(self, landscape_id: str) -> tuple[int, int] | None:
        """Lock the landscape against concurrent appliers: (inventory sequence, version)."""
        row = await self._conn.fetchrow(
            """SELECT inventory_sequence, version FROM landscapes
               WHERE landscape_id = $1 FOR UPDATE""",
            landscape_id,
        )
        return None if row is None else (row["inventory_sequence"], row["version"])

    async def take_unpublished(self, landscape_id: str) -> list[ItemKey]:
        """The items changed since the last version, each once, and clears the list."""
        rows = await self._conn.fetch(
            """WITH batches AS (
                   DELETE FROM unpublished_batches WHERE landscape_id = $1
                   RETURNING kinds, ids
               ), older AS (
                   DELETE FROM unpublished WHERE landscape_id = $1 RETURNING kind, id
               )
               SELECT DISTINCT kind, id FROM (
                   SELECT u.kind, u.id FROM batches, unnest(kinds, ids) AS u(kind, id)
                   UNION ALL SELECT kind, id FROM older
               ) changed""",
            landscape_id,
        )
        return [(row["kind"], row["id"]) for row in rows]

    async def read_items(self, landscape_id: str, keys: Sequence[ItemKey]) -> ItemChanges:
        """The stored state of ``keys``: records by kind in id order, ids no longer there."""
        changes = ItemChanges(keys=list(keys))
        wanted: dict[Kind, list[str]] = {k: [] for k in KINDS}
        for kind, item_id in keys:
            wanted[kind].append(item_id)
        for kind, ids in wanted.items():
            if not ids:
                continue
            rows = await self._conn.fetch(
                f"""SELECT id, data::text AS data FROM {TABLES[kind]}
                    WHERE landscape_id = $1 AND id = ANY($2::text[]) ORDER BY id COLLATE "C" """,
                landscape_id,
                ids,
            )
            found = {r["id"] for r in rows}
            changes.upserts[kind] = [MODELS[kind].model_validate_json(r["data"]) for r in rows]
            changes.deletes[kind] = sorted(set(ids) - found)
        return changes

    async def add_version(self, landscape_id: str, version: int, body: bytes) -> None:
        await self._conn.execute(
            """INSERT INTO graph_outbox (landscape_id, version, body, traceparent)
               SELECT $1, $2, $3, pending_traceparent FROM landscapes WHERE landscape_id = $1""",
            landscape_id,
            version,
            body,
        )
        await self._conn.execute(
            """UPDATE landscapes SET version = $2, pending_traceparent = NULL
               WHERE landscape_id = $1""",
            landscape_id,
            version,
        )


class GraphRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield UnitOfWork(conn)

    async def head(self, landscape_id: str) -> tuple[int, int] | None:
        """(last applied inventory sequence, last graph version), None for an unknown one."""
        row = await self._pool.fetchrow(
            "SELECT inventory_sequence, version FROM landscapes WHERE landscape_id = $1",
            landscape_id,
        )
        return None if row is None else (row["inventory_sequence"], row["version"])

    async def pending(self, landscape_id: str) -> bool:
        """Whether changes were applied since the landscape's last version."""
        found = await self._pool.fetchval(
            """SELECT EXISTS (SELECT 1 FROM unpublished_batches WHERE landscape_id = $1)
                   OR EXISTS (SELECT 1 FROM unpublished WHERE landscape_id = $1)""",
            landscape_id,
        )
        return bool(found)

    async def heads(self, landscapes: frozenset[str] | None) -> dict[str, int]:
        """Each landscape's last graph version (of ``landscapes`` only, unless None)."""
        return await self._positions("version", landscapes)

    async def sequences(self) -> dict[str, int]:
        """Each landscape's last applied inventory sequence."""
        return await self._positions("inventory_sequence", None)

    async def _positions(
        self, column: Literal["version", "inventory_sequence"], landscapes: frozenset[str] | None
    ) -> dict[str, int]:
        rows = await self._pool.fetch(
            f"""SELECT landscape_id, {column} AS position FROM landscapes
                WHERE {column} > 0 AND ($1::text[] IS NULL OR landscape_id = ANY($1))
                ORDER BY landscape_id""",  # column: one of two literals
            None if landscapes is None else sorted(landscapes),
        )
        return {r["landscape_id"]: r["position"] for r in rows}

    async def load(self, landscape_id: str) -> GraphContent | None:
        """The stored graph, read in one snapshot (repeatable read)."""
        async with (
            self._pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            head = await conn.fetchrow(
                "SELECT inventory_sequence, version FROM landscapes WHERE landscape_id = $1",
                landscape_id,
            )
            if head is None:
                return None
            records: dict[Kind, list[Record]] = {}
            for kind in KINDS:
                rows = await conn.fetch(
                    f"""SELECT data::text AS data FROM {TABLES[kind]} WHERE landscape_id = $1
                        ORDER BY id COLLATE "C" """,
                    landscape_id,
                )
                model = MODELS[kind]
                records[kind] = [model.model_validate_json(r["data"]) for r in rows]
        return GraphContent.model_validate(
            {
                "version": head["version"],
                "inventory_sequence": head["inventory_sequence"],
                "applications": records["application"],
                "integrations": records["integration"],
                "capabilities": records["capability"],
                "technologies": records["technology"],
            }
        )

    async def landscapes_with_unpublished(self) -> list[str]:
        rows = await self._pool.fetch(
            """SELECT landscape_id FROM unpublished_batches
               UNION SELECT landscape_id FROM unpublished ORDER BY 1"""
        )
        return [r["landscape_id"] for r in rows]

    async def outbox(self, limit: int) -> list[OutboxRow]:
        rows = await self._pool.fetch(
            """SELECT landscape_id, version, body, traceparent FROM graph_outbox
               ORDER BY landscape_id, version LIMIT $1""",
            limit,
        )
        return [
            OutboxRow(r["landscape_id"], r["version"], r["body"], r["traceparent"]) for r in rows
        ]

    async def outbox_backlog(self) -> int:
        """Graph versions cut but not yet published."""
        return int(await self._pool.fetchval("SELECT count(*) FROM graph_outbox"))

    async def sent(self, rows: Sequence[OutboxRow]) -> None:
        await self._pool.execute(
            """DELETE FROM graph_outbox o USING unnest($1::text[], $2::bigint[]) AS s(l, v)
               WHERE o.landscape_id = s.l AND o.version = s.v""",
            [r.landscape_id for r in rows],
            [r.version for r in rows],
        )
