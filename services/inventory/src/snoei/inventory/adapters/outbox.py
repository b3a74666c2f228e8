"""The outbox relay's SQL: which committed events are not yet published, the cursor that
says how far each landscape was published, and how many events wait (for the metrics)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

from snoei.inventory.adapters.repository import UnsentEvent

if TYPE_CHECKING:
    from snoei.inventory.adapters.repository import Connection


async def outbox_backlog(pool: asyncpg.Pool) -> int:
    """Events committed but not yet published (one row per landscape: cheap to count)."""
    return int(
        await pool.fetchval(
            """SELECT coalesce(sum(l.last_sequence - coalesce(c.published_sequence, 0)), 0)
               FROM landscapes l LEFT JOIN outbox_cursor c USING (landscape_id)"""
        )
    )


class OutboxStore:
    """The relay's view of the ``events`` table; holds a session lock so one relay runs."""

    LOCK_KEY = 0x5E0E1  # any constant; one inventory deployment per database

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def try_lead(self) -> bool:
        return bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.LOCK_KEY))

    async def unsent(self, limit: int) -> list[UnsentEvent]:
        """The next events after each landscape's cursor, in sequence order. Sequences are
        committed in order (the landscape's row lock), so nothing appears behind a cursor."""
        rows = await self._conn.fetch(
            """SELECT e.landscape_id, e.sequence, e.body, e.traceparent
               FROM landscapes l
               LEFT JOIN outbox_cursor c ON c.landscape_id = l.landscape_id
               CROSS JOIN LATERAL (
                   SELECT landscape_id, sequence, body, traceparent FROM events e
                   WHERE e.landscape_id = l.landscape_id
                     AND e.sequence > coalesce(c.published_sequence, 0)
                   ORDER BY e.sequence LIMIT $1
               ) e
               WHERE l.last_sequence > coalesce(c.published_sequence, 0)
               ORDER BY e.landscape_id, e.sequence LIMIT $1""",
            limit,
        )
        return [
            UnsentEvent(r["landscape_id"], r["sequence"], r["body"], r["traceparent"]) for r in rows
        ]

    async def mark_sent(self, sent: Sequence[UnsentEvent]) -> None:
        """Move each landscape's cursor to the last event of ``sent`` (never back)."""
        last: dict[str, int] = {}
        for event in sent:
            last[event.landscape_id] = max(last.get(event.landscape_id, 0), event.sequence)
        await self._conn.execute(
            """INSERT INTO outbox_cursor (landscape_id, published_sequence)
               SELECT * FROM unnest($1::text[], $2::bigint[])
               ON CONFLICT (landscape_id) DO UPDATE SET published_sequence =
                   greatest(outbox_cursor.published_sequence, EXCLUDED.published_sequence)""",
            list(last),
            list(last.values()),
        )
