"""Inventory use cases: apply changes (idempotently, in one transaction), answer questions
about the landscape's state and history, and relay the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import asyncpg

from snoei.inventory.adapters.repository import (
    EventRow,
    HistoryRow,
    InventoryRepository,
    ItemKey,
    ItemWrite,
    OutboxStore,
    StoredItem,
)
from snoei.inventory.domain.changes import changed_fields, event_for, meta_of, target_of
from snoei.shared import faults
from snoei.shared.contracts import changes as c
from snoei.shared.kafka import BatchPublisher, OutgoingMessage

log = logging.getLogger(__name__)
ChangeKind = Literal["registered", "updated", "removed"]
PRUNE_NAMESPACE = uuid.UUID("0b8f3f0e-6a7c-4c55-9a51-2f4f2b0d6e11")


@dataclass
class ApplyResult:
    applied: int = 0
    duplicates: int = 0
    unchanged: int = 0
    events: list[EventRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One version of an item: what it looked like from ``valid_from``, and who changed what."""

    version: int
    valid_from: datetime
    change: ChangeKind
    changed_fields: list[str]
    change_id: uuid.UUID
    source: str
    sequence: int
    data: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class QualityIssue:
    kind: str
    id: str
    field: str
    problem: str
    detail: str


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
            sequences = await uow.lock_sequences([ch.landscape_id for ch in changes])
            ids = [(ch.landscape_id, meta_of(ch).change_id) for ch in changes]
            seen = await uow.seen_changes(ids)
            fresh: list[c.InventoryChange] = []
            for change, change_key in zip(changes, ids, strict=True):
                if change_key in seen:
                    result.duplicates += 1
                else:
                    seen.add(change_key)
                    fresh.append(change)
            if not fresh:
                return result
            targets = [target_of(ch) for ch in fresh]
            keys: list[ItemKey] = [
                (ch.landscape_id, t.kind, t.id) for ch, t in zip(fresh, targets, strict=True)
            ]
            state: dict[ItemKey, StoredItem | None] = dict(await uow.current_items(keys))
            versions = {k: s.version for k, s in state.items() if s is not None}
            writes: dict[ItemKey, ItemWrite | None] = {}
            history: list[HistoryRow] = []
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
                meta = meta_of(change)
                sequences[change.landscape_id] = sequence
                version = versions.get(key, 0) + 1
                versions[key] = version
                if target.data is None:
                    state[key] = None
                    writes[key] = None
                else:
                    state[key] = StoredItem(target.data, version)
                    writes[key] = ItemWrite(
                        key, target.data, version, now, meta.change_id, meta.source
                    )
                history.append(
                    HistoryRow(*key, version, target.data, now, meta.change_id, meta.source,
                               sequence)
                )
                result.events.append(
                    EventRow(change.landscape_id, sequence, event.event_id, event.type,
                             event.to_bytes())
                )
                result.applied += 1
            touched = {e.landscape_id for e in result.events}
            await uow.write(
                upserts=[w for w in writes.values() if w is not None],
                deletes=[k for k, w in writes.items() if w is None],
                history=history,
                events=result.events,
                processed=[(ch.landscape_id, meta_of(ch).change_id) for ch in fresh],
                sequences={land: s for land, s in sequences.items() if land in touched},
            )
        if result.events:
            self._outbox_signal.set()
        return result

    async def history(self, landscape_id: str, kind: str, item_id: str) -> list[HistoryEntry]:
        rows = await self._repository.history(landscape_id, kind, item_id)
        entries: list[HistoryEntry] = []
        previous: dict[str, Any] | None = None
        for row in rows:
            change: ChangeKind
            if row.data is None:
                change = "removed"
            else:
                change = "registered" if previous is None else "updated"
            entries.append(
                HistoryEntry(
                    row.version, row.valid_from, change, changed_fields(previous, row.data),
                    row.change_id, row.source, row.sequence, row.data,
                )
            )
            previous = row.data
        return entries

    async def quality_issues(self, landscape_id: str) -> list[QualityIssue]:
        """What in the landscape refers to something it does not hold (yet)."""
        return [
            QualityIssue(
                d.kind, d.id, d.field, f"unknown-{d.missing_kind}",
                f"{d.kind} {d.id!r} names {d.missing_kind} {d.missing_id!r} in {d.field!r}, "
                f"which is not in the landscape",
            )
            for d in await self._repository.dangling_references(landscape_id)
        ]

    async def prune_changes(
        self, landscape_id: str, source: str, present: set[tuple[str, str]]
    ) -> list[c.InventoryChange]:
        """Delete changes for items last written by ``source`` that are not in ``present``
        (kind, id). Their ids derive from the version deleted, so repeating is harmless."""
        gone = [
            item
            for item in await self._repository.items_from_source(landscape_id, source)
            if (item.kind, item.id) not in present
        ]
        deletes: list[c.InventoryChange] = []
        for item in gone:
            change_id = uuid.uuid5(
                PRUNE_NAMESPACE, f"{landscape_id}\x1f{item.kind}\x1f{item.id}\x1f{item.version}"
            )
            deletes.append(
                c.CHANGES.decode(
                    {
                        "type": f"{item.kind}.delete",
                        "landscape_id": landscape_id,
                        "event_id": str(change_id),
                        "payload": {"change_id": str(change_id), "source": source, "id": item.id},
                    }
                )
            )
        return deletes


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
                        await faults.in_halves(  # test-only: a crash inside a batch
                            "inventory.outbox_mid_batch",
                            self._publisher.publish,
                            [
                                OutgoingMessage(self._topic, e.landscape_id.encode(), e.body)
                                for e in batch
                            ],
                        )
                        await store.mark_sent(batch)
                        self.published += len(batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying")
                await asyncio.sleep(1.0)

    async def _wait(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._signal.wait(), self._idle)
        self._signal.clear()
