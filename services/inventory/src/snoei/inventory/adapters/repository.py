"""All SQL of the inventory: current state, history, idempotency, sequences and the outbox.

Bulk paths write with COPY and set-based statements over arrays, never a row loop.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias, TypeVar

import asyncpg

from snoei.inventory.adapters.batch_merge import MergeOutcome, StagedChange, merge_batch
from snoei.inventory.adapters.outbox import OutboxStore, UnsentEvent

if TYPE_CHECKING:  # the generic forms exist only in the stubs
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = (
        asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    )
ItemKey = tuple[str, str, str]  # landscape_id, kind, id
T = TypeVar("T")
__all__ = ["OutboxStore", "UnsentEvent"]  # the relay's store, re-exported where it used to live


@dataclass(frozen=True, slots=True)
class StoredItem:
    data: dict[str, Any]
    version: int


@dataclass(frozen=True, slots=True)
class ItemWrite:
    key: ItemKey
    data: dict[str, Any]
    version: int
    updated_at: datetime
    change_id: uuid.UUID
    source: str


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


class EventRow(NamedTuple):
    """An outbox row, in the events table's column order (``EVENT_COLUMNS``): a bulk load
    makes one per change and COPYs it as it is, where a frozen dataclass set each field
    through ``object.__setattr__`` and was copied into a tuple for the COPY."""

    landscape_id: str
    sequence: int
    event_id: uuid.UUID
    type: str
    body: bytes
    # The trace the event is created in (the change's): the relay publishes it in that trace.
    traceparent: str | None


EVENT_COLUMNS = ["landscape_id", "sequence", "event_id", "type", "body", "traceparent"]


@dataclass(frozen=True, slots=True)
class SourcedItem:
    kind: str
    id: str
    version: int


@dataclass(frozen=True, slots=True)
class DanglingReference:
    """An item field naming another item that is not (or no longer) in the landscape."""

    kind: str
    id: str
    field: str
    missing_kind: str
    missing_id: str


def _history_row(r: asyncpg.Record) -> HistoryRow:
    return HistoryRow(
        r["landscape_id"], r["kind"], r["id"], r["version"],
        None if r["data"] is None else json.loads(r["data"]),
        r["valid_from"], r["change_id"], r["source"], r["sequence"],
    )


class UnitOfWork:
    """One database transaction of the inventory; the caller commits by leaving the block."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def lock_sequences(self, landscape_ids: Sequence[str]) -> dict[str, int]:
        """Lock the landscapes' sequence counters (in a fixed order, so no deadlocks).

        Taken first: it serialises writers of one landscape, so the idempotency check
        that follows cannot race with another instance applying the same change.
        """
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

    async def seen_changes(
        self, changes: Sequence[tuple[str, uuid.UUID]]
    ) -> set[tuple[str, uuid.UUID]]:
        """Which (landscape, change id) pairs were applied before."""
        if not changes:
            return set()
        rows = await self._conn.fetch(
            """SELECT p.landscape_id, p.change_id FROM processed_changes p
               JOIN unnest($1::text[], $2::uuid[]) AS c(l, id)
                 ON p.landscape_id = c.l AND p.change_id = c.id""",
            [c[0] for c in changes], [c[1] for c in changes],
        )
        return {(r["landscape_id"], r["change_id"]) for r in rows}

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

    async def removed_versions(self, keys: Sequence[ItemKey]) -> dict[ItemKey, int]:
        """The last version of each item that has a history but is not current (removed):
        a new version continues from it."""
        if not keys:
            return {}
        rows = await self._conn.fetch(
            """SELECT h.landscape_id, h.kind, h.id, max(h.version) AS version
               FROM item_history h
               JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(l, kind, id)
                 ON h.landscape_id = k.l AND h.kind = k.kind AND h.id = k.id
               WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.landscape_id = h.landscape_id
                                 AND i.kind = h.kind AND i.id = h.id)
               GROUP BY h.landscape_id, h.kind, h.id""",
            [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
        )
        return {(r["landscape_id"], r["kind"], r["id"]): r["version"] for r in rows}

    async def merge(
        self, changes: Iterable[StagedChange], now: datetime, *, meanwhile: Callable[[], T]
    ) -> tuple[MergeOutcome, T]:
        """The set-based write of a batch (``batch_merge``), with what ``meanwhile`` computes
        while PostgreSQL runs it; events follow with ``add_events``."""
        return await merge_batch(self._conn, changes, now, meanwhile)

    async def add_events(self, events: Sequence[EventRow]) -> None:
        await self._copy("events", events, EVENT_COLUMNS)

    async def write(
        self,
        *,
        upserts: Sequence[ItemWrite],
        deletes: Sequence[ItemKey],
        history: Sequence[HistoryRow],
        events: Sequence[EventRow],
        processed: Sequence[tuple[str, uuid.UUID]],
        sequences: dict[str, int],
    ) -> None:
        """Store one batch's outcome: current items, history, outbox, seen change ids and the
        landscapes' new sequence counters."""
        await self._upsert_items(upserts)
        await self._delete_items(deletes)
        await self._copy(
            "item_history",
            [
                (h.landscape_id, h.kind, h.id, h.version,
                 None if h.data is None else json.dumps(h.data),
                 h.valid_from, h.change_id, h.source, h.sequence)
                for h in history
            ],
            ["landscape_id", "kind", "id", "version", "data", "valid_from", "change_id",
             "source", "sequence"],
        )
        await self.add_events(events)
        await self._copy("processed_changes", list(processed), ["landscape_id", "change_id"])
        if sequences:
            await self._conn.execute(
                """UPDATE landscapes l SET last_sequence = s.seq
                   FROM unnest($1::text[], $2::bigint[]) AS s(id, seq)
                   WHERE l.landscape_id = s.id""",
                list(sequences), list(sequences.values()),
            )

    async def last_sequence(self, landscape_id: str) -> int | None:
        """The landscape's sequence as this transaction sees it (None: never written)."""
        value = await self._conn.fetchval(
            "SELECT last_sequence FROM landscapes WHERE landscape_id = $1", landscape_id
        )
        return None if value is None else int(value)

    async def _upsert_items(self, upserts: Sequence[ItemWrite]) -> None:
        if not upserts:
            return
        await self._conn.execute(
            """INSERT INTO items (landscape_id, kind, id, data, version, updated_at,
                                  change_id, source)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[],
                                    $5::int[], $6::timestamptz[], $7::uuid[], $8::text[])
               ON CONFLICT (landscape_id, kind, id) DO UPDATE
               SET data = EXCLUDED.data, version = EXCLUDED.version,
                   updated_at = EXCLUDED.updated_at, change_id = EXCLUDED.change_id,
                   source = EXCLUDED.source""",
            [u.key[0] for u in upserts], [u.key[1] for u in upserts],
            [u.key[2] for u in upserts], [json.dumps(u.data) for u in upserts],
            [u.version for u in upserts], [u.updated_at for u in upserts],
            [u.change_id for u in upserts], [u.source for u in upserts],
        )

    async def _delete_items(self, deletes: Sequence[ItemKey]) -> None:
        if not deletes:
            return
        await self._conn.execute(
            """DELETE FROM items i
               USING unnest($1::text[], $2::text[], $3::text[]) AS k(l, kind, id)
               WHERE i.landscape_id = k.l AND i.kind = k.kind AND i.id = k.id""",
            [k[0] for k in deletes], [k[1] for k in deletes], [k[2] for k in deletes],
        )

    async def _copy(
        self, table: str, records: Sequence[tuple[Any, ...]], columns: list[str]
    ) -> None:
        if records:
            await self._conn.copy_records_to_table(table, records=records, columns=columns)


class InventoryRepository:
    """Reads of the landscape state, and the unit of work for writes."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield UnitOfWork(conn)

    async def get_item(
        self, landscape_id: str, kind: str, item_id: str, *, as_of: datetime | None = None
    ) -> StoredItem | None:
        if as_of is None:
            row = await self._pool.fetchrow(
                "SELECT data, version FROM items WHERE landscape_id = $1 AND kind = $2 AND id = $3",
                landscape_id, kind, item_id,
            )
        else:
            row = await self._pool.fetchrow(
                """SELECT data, version FROM item_history
                   WHERE landscape_id = $1 AND kind = $2 AND id = $3 AND valid_from <= $4
                   ORDER BY version DESC LIMIT 1""",
                landscape_id, kind, item_id, as_of,
            )
        if row is None or row["data"] is None:
            return None
        return StoredItem(json.loads(row["data"]), row["version"])

    async def list_items(
        self,
        landscape_id: str,
        kind: str,
        *,
        as_of: datetime | None = None,
        after: str | None = None,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        """Items ordered by id, from the one after ``after``; as they were at ``as_of``."""
        if as_of is None:
            rows = await self._pool.fetch(
                """SELECT data FROM items WHERE landscape_id = $1 AND kind = $2
                   AND ($3::text IS NULL OR id > $3) ORDER BY id LIMIT $4""",
                landscape_id, kind, after, limit,
            )
        else:
            rows = await self._pool.fetch(
                """SELECT data FROM (
                       SELECT DISTINCT ON (id) id, data FROM item_history
                       WHERE landscape_id = $1 AND kind = $2 AND valid_from <= $5
                         AND ($3::text IS NULL OR id > $3)
                       ORDER BY id, version DESC) AS latest
                   WHERE data IS NOT NULL ORDER BY id LIMIT $4""",
                landscape_id, kind, after, limit, as_of,
            )
        return [json.loads(r["data"]) for r in rows]

    async def heads(self, landscapes: frozenset[str] | None) -> dict[str, int]:
        """Each landscape's last event sequence (of ``landscapes`` only, unless None)."""
        rows = await self._pool.fetch(
            """SELECT landscape_id, last_sequence FROM landscapes
               WHERE last_sequence > 0 AND ($1::text[] IS NULL OR landscape_id = ANY($1))
               ORDER BY landscape_id""",
            None if landscapes is None else sorted(landscapes),
        )
        return {r["landscape_id"]: r["last_sequence"] for r in rows}

    async def history(self, landscape_id: str, kind: str, item_id: str) -> list[HistoryRow]:
        rows = await self._pool.fetch(
            """SELECT * FROM item_history WHERE landscape_id = $1 AND kind = $2 AND id = $3
               ORDER BY version""",
            landscape_id, kind, item_id,
        )
        return [_history_row(r) for r in rows]

    async def items_from_source(self, landscape_id: str, source: str) -> list[SourcedItem]:
        """Items whose current version was written by ``source``."""
        rows = await self._pool.fetch(
            """SELECT kind, id, version FROM items WHERE landscape_id = $1 AND source = $2
               ORDER BY kind, id""",
            landscape_id, source,
        )
        return [SourcedItem(r["kind"], r["id"], r["version"]) for r in rows]

    async def dangling_references(self, landscape_id: str) -> list[DanglingReference]:
        """Integrations naming unknown applications, applications naming unknown
        capabilities or unknown applications they specialise or are part of, and
        capabilities whose parent is unknown."""
        rows = await self._pool.fetch(
            """SELECT i.kind, i.id, r.field, r.missing_kind, r.ref
               FROM items i
               CROSS JOIN LATERAL (
                   SELECT 'source' AS field, 'application' AS missing_kind, i.data->>'source' AS ref
                   WHERE i.kind = 'integration'
                   UNION ALL
                   SELECT 'target', 'application', i.data->>'target' WHERE i.kind = 'integration'
                   UNION ALL
                   SELECT 'capabilities', 'capability', c
                   FROM jsonb_array_elements_text(
                       CASE WHEN i.kind = 'application' THEN i.data->'capabilities'
                            ELSE '[]'::jsonb END) AS c
                   UNION ALL
                   SELECT s.field, 'application', a
                   FROM (VALUES ('specialises'), ('part_of')) AS s(field)
                   CROSS JOIN LATERAL jsonb_array_elements_text(
                       CASE WHEN i.kind = 'application'
                            THEN COALESCE(i.data->s.field, '[]'::jsonb)
                            ELSE '[]'::jsonb END) AS a
                   UNION ALL
                   SELECT 'parent_id', 'capability', i.data->>'parent_id'
                   WHERE i.kind = 'capability' AND i.data->>'parent_id' IS NOT NULL
               ) AS r
               WHERE i.landscape_id = $1
                 AND NOT EXISTS (SELECT 1 FROM items t WHERE t.landscape_id = $1
                                 AND t.kind = r.missing_kind AND t.id = r.ref)
               ORDER BY i.kind, i.id, r.field, r.ref""",
            landscape_id,
        )
        return [
            DanglingReference(r["kind"], r["id"], r["field"], r["missing_kind"], r["ref"])
            for r in rows
        ]

    async def events_from(
        self, landscape_id: str, from_sequence: int, limit: int
    ) -> list[UnsentEvent]:
        rows = await self._pool.fetch(
            """SELECT landscape_id, sequence, body FROM events
               WHERE landscape_id = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3""",
            landscape_id, from_sequence, limit,
        )
        return [UnsentEvent(r["landscape_id"], r["sequence"], r["body"]) for r in rows]
