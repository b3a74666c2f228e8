"""All SQL of the inventory: current state, history, idempotency, sequences and the outbox.

Bulk paths write with COPY and set-based statements over arrays, never a row loop.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

ItemKey = tuple[str, str, str]  # landscape_id, kind, id


@dataclass(frozen=True, slots=True)
class StoredItem:
    data: dict[str, Any]
    version: int


@dataclass(frozen=True, slots=True)
class HistoryRow:
    landscape_id: str
    kind: str
    id: str
    version: int
    data: dict[str, Any] | None
    valid_from: datetime
    change_id: uuid.UUID
    source: str
    sequence: int


@dataclass(frozen=True, slots=True)
class EventRow:
    landscape_id: str
    sequence: int
    event_id: uuid.UUID
    type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class UnsentEvent:
    landscape_id: str
    sequence: int
    body: bytes


class UnitOfWork:
    """One database transaction of the inventory; the caller commits by leaving the block."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def unseen_changes(self, change_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        rows = await self._conn.fetch(
            """SELECT c FROM unnest($1::uuid[]) AS c
               WHERE NOT EXISTS (SELECT 1 FROM processed_changes p WHERE p.change_id = c)""",
            list(change_ids),
        )
        return {r["c"] for r in rows}

    async def lock_sequences(self, landscape_ids: Sequence[str]) -> dict[str, int]:
        """Lock the landscapes' sequence counters (in a fixed order, so no deadlocks)."""
        ordered = sorted(set(landscape_ids))
        await self._conn.execute(
            """INSERT INTO landscapes (landscape_id) SELECT unnest($1::text[])
               ON CONFLICT DO NOTHING""",
            ordered,
        )
        rows = await self._conn.fetch(
            """SELECT landscape_id, last_sequence FROM landscapes
               WHERE landscape_id = ANY($1::text[]) ORDER BY landscape_id FOR UPDATE""",
            ordered,
        )
        return {r["landscape_id"]: r["last_sequence"] for r in rows}

    async def current_items(self, keys: Sequence[ItemKey]) -> dict[ItemKey, StoredItem]:
        if not keys:
            return {}
        rows = await self._conn.fetch(
            """SELECT i.landscape_id, i.kind, i.id, i.data, i.version
               FROM items i
               JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(l, kind, id)
                 ON i.landscape_id = k.l AND i.kind = k.kind AND i.id = k.id""",
            [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
        )
        return {
            (r["landscape_id"], r["kind"], r["id"]): StoredItem(json.loads(r["data"]), r["version"])
            for r in rows
        }

    async def write(
        self,
        *,
        upserts: Sequence[tuple[ItemKey, StoredItem, datetime]],
        deletes: Sequence[ItemKey],
        history: Sequence[HistoryRow],
        events: Sequence[EventRow],
        processed: Sequence[tuple[uuid.UUID, str]],
        sequences: dict[str, int],
    ) -> None:
        conn = self._conn
        if upserts:
            await conn.execute(
                """INSERT INTO items (landscape_id, kind, id, data, version, updated_at)
                   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[],
                                        $5::int[], $6::timestamptz[])
                   ON CONFLICT (landscape_id, kind, id) DO UPDATE
                   SET data = EXCLUDED.data, version = EXCLUDED.version,
                       updated_at = EXCLUDED.updated_at""",
                [k[0] for k, _, _ in upserts], [k[1] for k, _, _ in upserts],
                [k[2] for k, _, _ in upserts], [json.dumps(s.data) for _, s, _ in upserts],
                [s.version for _, s, _ in upserts], [t for _, _, t in upserts],
            )
        if deletes:
            await conn.execute(
                """DELETE FROM items i USING unnest($1::text[], $2::text[], $3::text[]) AS k(l, kind, id)
                   WHERE i.landscape_id = k.l AND i.kind = k.kind AND i.id = k.id""",
                [k[0] for k in deletes], [k[1] for k in deletes], [k[2] for k in deletes],
            )
        if history:
            await conn.copy_records_to_table(
                "item_history",
                records=[
                    (h.landscape_id, h.kind, h.id, h.version,
                     None if h.data is None else json.dumps(h.data),
                     h.valid_from, h.change_id, h.source, h.sequence)
                    for h in history
                ],
                columns=["landscape_id", "kind", "id", "version", "data", "valid_from",
                         "change_id", "source", "sequence"],
            )
        if events:
            await conn.copy_records_to_table(
                "events",
                records=[(e.landscape_id, e.sequence, e.event_id, e.type, e.body) for e in events],
                columns=["landscape_id", "sequence", "event_id", "type", "body"],
            )
        if processed:
            await conn.copy_records_to_table(
                "processed_changes", records=list(processed), columns=["change_id", "landscape_id"]
            )
        if sequences:
            await conn.execute(
                """UPDATE landscapes l SET last_sequence = s.seq
                   FROM unnest($1::text[], $2::bigint[]) AS s(id, seq)
                   WHERE l.landscape_id = s.id""",
                list(sequences), list(sequences.values()),
            )


class InventoryRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield UnitOfWork(conn)

    async def get_item(self, landscape_id: str, kind: str, item_id: str) -> StoredItem | None:
        row = await self._pool.fetchrow(
            "SELECT data, version FROM items WHERE landscape_id = $1 AND kind = $2 AND id = $3",
            landscape_id, kind, item_id,
        )
        return None if row is None else StoredItem(json.loads(row["data"]), row["version"])

    async def list_items(self, landscape_id: str, kind: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT data FROM items WHERE landscape_id = $1 AND kind = $2 ORDER BY id",
            landscape_id, kind,
        )
        return [json.loads(r["data"]) for r in rows]

    async def events_from(
        self, landscape_id: str, from_sequence: int, limit: int
    ) -> list[UnsentEvent]:
        rows = await self._pool.fetch(
            """SELECT landscape_id, sequence, body FROM events
               WHERE landscape_id = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3""",
            landscape_id, from_sequence, limit,
        )
        return [UnsentEvent(r["landscape_id"], r["sequence"], r["body"]) for r in rows]

    async def last_sequence(self, landscape_id: str) -> int | None:
        value = await self._pool.fetchval(
            "SELECT last_sequence FROM landscapes WHERE landscape_id = $1", landscape_id
        )
        return None if value is None else int(value)


class OutboxStore:
    """The relay's view of the ``events`` table; holds a session lock so one relay runs."""

    LOCK_KEY = 0x5E0E1  # any constant; unique within the inventory schema's database

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def try_lead(self) -> bool:
        return bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.LOCK_KEY))

    async def unsent(self, limit: int) -> list[UnsentEvent]:
        rows = await self._conn.fetch(
            """SELECT landscape_id, sequence, body FROM events WHERE published_at IS NULL
               ORDER BY landscape_id, sequence LIMIT $1""",
            limit,
        )
        return [UnsentEvent(r["landscape_id"], r["sequence"], r["body"]) for r in rows]

    async def mark_sent(self, sent: Sequence[UnsentEvent]) -> None:
        await self._conn.execute(
            """UPDATE events e SET published_at = now()
               FROM unnest($1::text[], $2::bigint[]) AS s(l, seq)
               WHERE e.landscape_id = s.l AND e.sequence = s.seq""",
            [s.landscape_id for s in sent], [s.sequence for s in sent],
        )
