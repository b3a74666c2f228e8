"""The inventory's set-based write path: a batch of changes COPYed into a staging table and
merged into items, history, idempotency keys and sequences by one statement.

The statement decides what the row-by-row reference (``InventoryService`` with
``write_path="planned"``) decides in Python, with the same outcome:

- a change id seen before, in the store or earlier in the batch, does nothing (the repeats
  within the batch are not staged);
- the state after a change is always the change's own data (None for a delete), whether it
  altered anything or not; so a change alters the item exactly when its data differs from
  the data of the previous fresh change of the same item in the batch (``lag``), or, for the
  first one, from the stored item. A change equal to that state, or a delete of an item that
  is not there, makes no event;
- the changes that alter something get the landscape's next sequence numbers in batch order,
  and the item's next versions (counted on from the stored item, or from its history when a
  delete removed it);
- the last change of each item in the batch decides its current row (upsert or delete).

It returns, per altering change, its position in the batch, its sequence and whether the
item existed before it: the caller builds the events (the wire format is the contracts'
business, not SQL's) and stores them with ``add_events``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, TypeAlias, TypeVar

import asyncpg

if TYPE_CHECKING:  # the generic forms exist only in the stubs
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = (
        asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    )
T = TypeVar("T")


class StagedChange(NamedTuple):
    """One change as the merge reads it; ``data`` is the item's new state as JSON text.
    A tuple in the staging table's column order, staged as it is: a bulk load makes one per
    change, and a frozen dataclass's ``__init__`` sets each field the slow way."""

    position: int  # in the batch
    landscape_id: str
    kind: str
    id: str
    change_id: uuid.UUID
    source: str
    data: str | None  # None: the change removes the item


class Altered(NamedTuple):
    """A change that altered its item: where it was in the batch, and its event's facts."""

    position: int
    sequence: int
    existed: bool


@dataclass
class MergeOutcome:
    fresh: int  # changes not seen before (the rest are duplicates)
    altered: list[Altered]  # in batch order; fresh changes not in it left everything as it was


STAGING_COLUMNS = ["position", "landscape_id", "kind", "id", "change_id", "source", "data"]

# A temporary table per transaction: no WAL, invisible to other sessions, gone at commit.
CREATE_STAGING = """
CREATE TEMPORARY TABLE change_batch (
    position     integer NOT NULL,
    landscape_id text NOT NULL,
    kind         text NOT NULL,
    id           text NOT NULL,
    change_id    uuid NOT NULL,
    source       text NOT NULL,
    data         jsonb
) ON COMMIT DROP"""

# The caller holds the landscapes' sequence rows locked (FOR UPDATE, ordered by id), so the
# idempotency check below cannot race another writer of the same landscape.
MERGE = """
WITH fresh AS (
    SELECT b.*
    FROM change_batch b
    -- OFFSET 0 keeps this a probe of the primary key per staged row: as an anti-join the
    -- planner hashes the whole of processed_changes for every batch, which grows with it.
    WHERE NOT EXISTS (SELECT 1 FROM processed_changes p
                      WHERE p.landscape_id = b.landscape_id AND p.change_id = b.change_id
                      OFFSET 0)
),
chained AS (
    SELECT f.*,
           lag(f.data, 1, i.data) OVER item AS before,
           i.version IS NOT NULL AS stored,
           coalesce(i.version, last.version) AS stored_version
    FROM fresh f
    -- The item's last version in its history, current or removed, to count on from: every
    -- write of an item writes its history, so an item with none is not stored either, and
    -- a new item (all of a bulk load) costs one probe, not one of items and one of history.
    -- Written as a range of the item's versions in primary-key order, which no other index
    -- can answer: as max(version) by key, the planner took the as-of index while the
    -- table's statistics lagged a bulk load, and filtered every version of the kind, for
    -- each row. Bounded on both sides, a new item's probe ends in the index: an open step
    -- back read the previous item's heap row (its visibility) for every new item.
    LEFT JOIN LATERAL (
        SELECT h.version FROM item_history h
        WHERE (h.landscape_id, h.kind, h.id, h.version)
              BETWEEN (f.landscape_id, f.kind, f.id, 1)
                  AND (f.landscape_id, f.kind, f.id, 2147483647)
        ORDER BY h.landscape_id DESC, h.kind DESC, h.id DESC, h.version DESC
        LIMIT 1
    ) last ON true
    -- The stored item, looked up only for an item with a history: OFFSET 0 keeps the
    -- subquery from being flattened into a join, whose filter would come after the probe.
    LEFT JOIN LATERAL (
        SELECT i.data, i.version FROM items i
        WHERE last.version IS NOT NULL
          AND i.landscape_id = f.landscape_id AND i.kind = f.kind AND i.id = f.id
        OFFSET 0
    ) i ON true
    WINDOW item AS (PARTITION BY f.landscape_id, f.kind, f.id ORDER BY f.position)
),
altered AS (
    SELECT c.position, c.landscape_id, c.kind, c.id, c.change_id, c.source, c.data, c.stored,
           c.before IS NOT NULL AS existed,
           coalesce(c.stored_version, 0)
               + count(*) OVER (PARTITION BY c.landscape_id, c.kind, c.id
                                ORDER BY c.position) AS version,
           l.last_sequence
               + row_number() OVER (PARTITION BY c.landscape_id ORDER BY c.position) AS sequence
    FROM chained c
    JOIN landscapes l ON l.landscape_id = c.landscape_id
    WHERE c.data IS DISTINCT FROM c.before
),
latest AS (
    SELECT DISTINCT ON (landscape_id, kind, id) *
    FROM altered
    ORDER BY landscape_id, kind, id, position DESC
),
history AS (
    INSERT INTO item_history (landscape_id, kind, id, version, data, valid_from, change_id,
                              source, sequence)
    SELECT landscape_id, kind, id, version, data, $1, change_id, source, sequence
    FROM altered
),
-- Plain INSERT for items not stored before and UPDATE for the others (no speculative
-- insertion): the landscapes' locks keep other writers of these items out.
inserted AS (
    INSERT INTO items (landscape_id, kind, id, data, version, updated_at, change_id, source)
    SELECT landscape_id, kind, id, data, version, $1, change_id, source
    FROM latest WHERE data IS NOT NULL AND NOT stored
),
updated AS (
    UPDATE items i
    SET data = u.data, version = u.version, updated_at = $1, change_id = u.change_id,
        source = u.source
    FROM latest u
    WHERE u.data IS NOT NULL AND u.stored
      AND i.landscape_id = u.landscape_id AND i.kind = u.kind AND i.id = u.id
),
deleted AS (
    DELETE FROM items i USING latest d
    WHERE d.data IS NULL AND d.stored
      AND i.landscape_id = d.landscape_id AND i.kind = d.kind AND i.id = d.id
),
processed AS (
    INSERT INTO processed_changes (landscape_id, change_id)
    SELECT landscape_id, change_id FROM fresh
),
sequenced AS (
    UPDATE landscapes l SET last_sequence = s.last
    FROM (SELECT landscape_id, max(sequence) AS last FROM altered GROUP BY landscape_id) s
    WHERE l.landscape_id = s.landscape_id
)
SELECT n.fresh, a.position, a.sequence, a.existed  -- read by index: fields of Altered
FROM (SELECT count(*) AS fresh FROM fresh) n
LEFT JOIN altered a ON true
ORDER BY a.position"""


def first_occurrences(changes: Iterable[StagedChange]) -> Iterator[StagedChange]:
    """The changes whose (landscape, change id) has not come earlier in the batch. A repeat
    does nothing, and leaving it out here spares the statement sorting by change id."""
    seen: set[tuple[str, uuid.UUID]] = set()
    for change in changes:
        key = (change.landscape_id, change.change_id)
        if key not in seen:
            seen.add(key)
            yield change


async def merge_batch(
    conn: Connection, changes: Iterable[StagedChange], now: datetime,
    meanwhile: Callable[[], T],
) -> tuple[MergeOutcome, T]:
    """Stage ``changes`` (binary COPY) and merge them; the caller holds the sequence locks.

    ``changes`` may be a generator: COPY sends what it yields in chunks, so PostgreSQL
    reads the first changes while Python prepares the rest. ``meanwhile`` runs while
    PostgreSQL executes the merge statement, so that Python and PostgreSQL work side by
    side instead of taking turns; its result comes with the outcome.
    """
    await conn.execute(CREATE_STAGING)
    await conn.copy_records_to_table(
        "change_batch", records=first_occurrences(changes), columns=STAGING_COLUMNS
    )
    statement = asyncio.ensure_future(conn.fetch(MERGE, now))
    await asyncio.sleep(0)  # the task sends the statement before ``meanwhile`` holds the loop
    try:
        alongside = meanwhile()
    finally:
        rows = await statement
    outcome = MergeOutcome(
        fresh=rows[0]["fresh"],
        altered=[Altered(r[1], r[2], r[3]) for r in rows if r[1] is not None],
    )
    return outcome, alongside
