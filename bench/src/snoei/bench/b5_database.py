"""B5 database: the inventory's bulk write path (``InventoryService.apply`` per consumed batch)
versus plain asyncpg COPY of the same rows into the same tables (same migrations, indexes)."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from datetime import UTC, datetime

import asyncpg

from snoei.bench.common import Figure, ScenarioResult, ratio
from snoei.bench.context import BenchContext
from snoei.inventory.adapters.repository import InventoryRepository
from snoei.inventory.domain.changes import event_for, meta_of, target_of
from snoei.inventory.service import InventoryService
from snoei.samples import generate_scale
from snoei.shared.contracts import changes as c
from snoei.shared.db import make_pool, migrate

TITLE = "inventory bulk write path vs plain asyncpg COPY of the same rows"
BATCH = 2_000  # the inventory consumer's default batch_max_records
MIGRATIONS = "snoei.inventory.migrations"


def settle_heap() -> None:
    """Before a timed part: the generated load (62,530 changes, about a million objects) is
    the bench's data, not the measured code's, so it goes to the permanent generation as a
    service's long-lived model does (``LongLivedHeap``). Otherwise a full collection (0.4-1.2
    s, scanning all of it) fell in whichever part made enough objects, the inventory's."""
    gc.collect()
    gc.freeze()


def _batches(changes: list[c.InventoryChange]) -> list[list[c.InventoryChange]]:
    return [changes[i : i + BATCH] for i in range(0, len(changes), BATCH)]


async def _inventory(dsn: str, changes: list[c.InventoryChange]) -> float:
    pool = make_pool(dsn, schema="inventory", max_size=2)
    await pool
    try:
        await migrate(pool, schema="inventory", package=MIGRATIONS)
        service = InventoryService(
            repository=InventoryRepository(pool), outbox_signal=asyncio.Event()
        )
        settle_heap()
        started = time.perf_counter()
        applied = 0
        for batch in _batches(changes):
            applied += (await service.apply(batch)).applied
        elapsed = time.perf_counter() - started
    finally:
        await pool.close()
    if applied != len(changes):
        raise RuntimeError(f"the inventory applied {applied} of {len(changes)} changes")
    return elapsed


async def _copy(dsn: str, changes: list[c.InventoryChange]) -> float:
    """The rows the inventory writes for these changes, built beforehand, then COPYed."""
    pool = make_pool(dsn, schema="copy_baseline", max_size=2)
    await pool
    now = datetime.now(UTC)
    batches = []
    sequence = 0
    for batch in _batches(changes):
        items, history, events, processed = [], [], [], []
        for change in batch:
            sequence += 1
            target = target_of(change)
            meta = meta_of(change)
            event = event_for(change, target, existed=False, sequence=sequence)
            assert event is not None
            assert target.data is not None
            data = json.dumps(target.data)
            items.append((change.landscape_id, target.kind, target.id, data, 1, now,
                          meta.change_id, meta.source))
            history.append((change.landscape_id, target.kind, target.id, 1, data, now,
                            meta.change_id, meta.source, sequence))
            events.append((change.landscape_id, sequence, event.event_id, event.type,
                           event.to_bytes()))
            processed.append((change.landscape_id, meta.change_id))
        batches.append((items, history, events, processed, sequence))
    try:
        await migrate(pool, schema="copy_baseline", package=MIGRATIONS)
        landscape = changes[0].landscape_id
        await pool.execute("INSERT INTO landscapes (landscape_id) VALUES ($1)", landscape)
        settle_heap()
        started = time.perf_counter()
        async with pool.acquire() as conn:
            for items, history, events, processed, last in batches:
                async with conn.transaction():
                    await conn.copy_records_to_table(
                        "items", records=items,
                        columns=["landscape_id", "kind", "id", "data", "version", "updated_at",
                                 "change_id", "source"])
                    await conn.copy_records_to_table(
                        "item_history", records=history,
                        columns=["landscape_id", "kind", "id", "version", "data", "valid_from",
                                 "change_id", "source", "sequence"])
                    await conn.copy_records_to_table(
                        "events", records=events,
                        columns=["landscape_id", "sequence", "event_id", "type", "body"])
                    await conn.copy_records_to_table(
                        "processed_changes", records=processed,
                        columns=["landscape_id", "change_id"])
                    await conn.execute(
                        "UPDATE landscapes SET last_sequence = $2 WHERE landscape_id = $1",
                        landscape, last)
        return time.perf_counter() - started
    finally:
        await pool.close()


async def run(ctx: BenchContext) -> ScenarioResult:
    env = ctx.environment
    n, m = ctx.scale_size
    changes = generate_scale(n, m, landscape_id="bench-b5").to_changes("bench-b5")
    result = ScenarioResult(
        "B5", TITLE,
        {"applications": n, "integrations": m, "changes": len(changes), "batch": BATCH},
    )
    dsn = await env.fresh_database("bench_b5")
    inventory_s = await _inventory(dsn, changes)
    copy_s = await _copy(dsn, changes)
    conn = await asyncpg.connect(env.dsn())
    try:
        await conn.execute('DROP DATABASE IF EXISTS "bench_b5" WITH (FORCE)')
    finally:
        await conn.close()
    gc.unfreeze()
    rate, copy_rate = len(changes) / inventory_s, len(changes) / copy_s
    result.figures = [
        Figure(
            "changes/s stored by the inventory", round(rate, 1), "changes/s",
            baseline=round(copy_rate, 1), baseline_name="asyncpg COPY of the same rows",
            ratio=ratio(rate, copy_rate), ratio_of="inventory / COPY",
            target=0.7, target_on="ratio", direction="min",
            note=f"{inventory_s:.2f} s vs {copy_s:.2f} s; 4 tables, one transaction per batch",
        )
    ]
    return result
