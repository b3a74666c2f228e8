"""Inventory use cases: apply changes (idempotently, in one transaction) and relay the outbox."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg

from snoei.inventory.adapters.repository import (
    EventRow,
    HistoryRow,
    InventoryRepository,
    ItemKey,
    OutboxStore,
    StoredItem,
)
from snoei.inventory.domain.changes import event_for, target_of
from snoei.shared.contracts import changes as c
from snoei.shared.kafka import BatchPublisher, OutgoingMessage

log = logging.getLogger(__name__)


@dataclass
class ApplyResult:
    applied: int = 0
    duplicates: int = 0
    unchanged: int = 0
    events: list[EventRow] = field(default_factory=list)


class InventoryService:
    def __init__(self, *, repository: InventoryRepository, outbox_signal: asyncio.Event) -> None:
        self._repository = repository
        self._outbox_signal = outbox_signal

    async def apply(self, changes: Sequence[c.InventoryChange]) -> ApplyResult:
        """Apply changes in order; a change id seen before (in the store or earlier in the
        batch) is skipped, and a change that alters nothing emits no event."""
        result = ApplyResult()
        if not changes:
            return result
        now = datetime.now(UTC)
        async with self._repository.unit_of_work() as uow:
            unseen = await uow.unseen_changes([self._meta(ch).change_id for ch in changes])
            fresh: list[c.InventoryChange] = []
            for change in changes:
                change_id = self._meta(change).change_id
                if change_id in unseen:
                    unseen.discard(change_id)
                    fresh.append(change)
                else:
                    result.duplicates += 1
            if not fresh:
                return result
            sequences = await uow.lock_sequences([ch.landscape_id for ch in fresh])
            targets = [target_of(ch) for ch in fresh]
            keys: list[ItemKey] = [(ch.landscape_id, t.kind, t.id) for ch, t in zip(fresh, targets, strict=True)]
            state: dict[ItemKey, StoredItem | None] = dict(await uow.current_items(keys))
            versions = {k: s.version for k, s in state.items() if s is not None}
            history: list[HistoryRow] = []
            touched: dict[ItemKey, datetime] = {}
            for change, target, key in zip(fresh, targets, keys, strict=True):
                current = state.get(key)
                if current is not None and target.data == current.data:
                    result.unchanged += 1
                    continue
                sequence = sequences[change.landscape_id] + 1
                event = event_for(change, target, existed=current is not None, sequence=sequence)
                if event is None:
                    result.unchanged += 1
                    continue
                sequences[change.landscape_id] = sequence
                version = versions.get(key, 0) + 1
                versions[key] = version
                state[key] = None if target.data is None else StoredItem(target.data, version)
                touched[key] = now
                meta = self._meta(change)
                history.append(
                    HistoryRow(*key, version, target.data, now, meta.change_id, meta.source, sequence)
                )
                result.events.append(
                    EventRow(change.landscape_id, sequence, event.event_id, event.type, event.to_bytes())
                )
                result.applied += 1
            upserts = [(k, s, touched[k]) for k, s in state.items() if k in touched and s is not None]
            deletes = [k for k, s in state.items() if k in touched and s is None]
            await uow.write(
                upserts=upserts,
                deletes=deletes,
                history=history,
                events=result.events,
                processed=[(self._meta(ch).change_id, ch.landscape_id) for ch in fresh],
                sequences={
                    l: s for l, s in sequences.items() if any(e.landscape_id == l for e in result.events)
                },
            )
        if result.events:
            self._outbox_signal.set()
        return result

    @staticmethod
    def _meta(change: c.InventoryChange) -> c.ChangeMeta:
        assert isinstance(change.payload, c.ChangeMeta)
        return change.payload


class OutboxRelay:
    """Publishes committed events to ``inventory.events`` in sequence order, in batches.

    A crash after publishing but before marking publishes those events again: consumers
    deduplicate by sequence. One relay leads at a time (a Postgres advisory lock).
    """

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        publisher: BatchPublisher,
        topic: str,
        signal: asyncio.Event,
        batch_size: int,
        idle_interval: float,
    ) -> None:
        self._pool = pool
        self._publisher = publisher
        self._topic = topic
        self._signal = signal
        self._batch_size = batch_size
        self._idle = idle_interval
        self.published = 0

    async def run(self) -> None:
        while True:
            try:
                async with self._pool.acquire() as conn:
                    store = OutboxStore(conn)
                    while not await store.try_lead():
                        await self._wait()
                    while True:
                        batch = await store.unsent(self._batch_size)
                        if not batch:
                            await self._wait()
                            continue
                        await self._publisher.publish(
                            [
                                OutgoingMessage(self._topic, e.landscape_id.encode(), e.body)
                                for e in batch
                            ]
                        )
                        await store.mark_sent(batch)
                        self.published += len(batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying")
                await asyncio.sleep(1.0)

    async def _wait(self) -> None:
        try:
            await asyncio.wait_for(self._signal.wait(), self._idle)
        except TimeoutError:
            pass
        self._signal.clear()
