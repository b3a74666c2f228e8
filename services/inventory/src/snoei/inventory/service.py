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
from pydantic import TypeAdapter

from snoei.inventory.adapters.outbox import OutboxStore
from snoei.inventory.adapters.repository import (
    EventRow,
    HistoryRow,
    InventoryRepository,
    ItemKey,
    ItemWrite,
    StoredItem,
    UnitOfWork,
)
from snoei.inventory.domain.changes import (
    Kind,
    Target,
    changed_fields,
    event_body,
    event_for,
    meta_of,
    target_of,
)
from snoei.inventory.set_batch import draft_rows, staged_batch
from snoei.shared import faults
from snoei.shared.contracts import changes as c
from snoei.shared.kafka import BatchPublisher, OutgoingMessage
from snoei.shared.tracing import current_traceparent, trace_headers

log = logging.getLogger(__name__)
ChangeKind = Literal["registered", "updated", "removed"]
WritePath = Literal["set", "planned"]
PRUNE_NAMESPACE = uuid.UUID("0b8f3f0e-6a7c-4c55-9a51-2f4f2b0d6e11")
_JSON_OBJECT: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


@dataclass
class ApplyResult:
    applied: int = 0
    duplicates: int = 0
    unchanged: int = 0
    events: list[EventRow] = field(default_factory=list)
    last_sequence: int | None = None  # of the landscape asked about, as the batch left it


@dataclass
class _Batch:
    """What applying one batch decides, before it is written."""

    now: datetime
    sequences: dict[str, int]
    state: dict[ItemKey, StoredItem | None]
    versions: dict[ItemKey, int]
    writes: dict[ItemKey, ItemWrite | None] = field(default_factory=dict)
    history: list[HistoryRow] = field(default_factory=list)


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
    """``write_path``: "set" stores a batch with binary COPY and one set-based merge
    (``adapters/batch_merge.py``); "planned" decides each change in Python and writes the
    outcome, and is kept as the reference the set-based path is tested against."""

    def __init__(
        self,
        *,
        repository: InventoryRepository,
        outbox_signal: asyncio.Event,
        write_path: WritePath = "set",
    ) -> None:
        self._repository = repository
        self._outbox_signal = outbox_signal
        self._write_path = write_path

    async def apply(
        self, changes: Sequence[c.InventoryChange], *, landscape_id: str | None = None
    ) -> ApplyResult:
        """Apply changes in order; a change id seen before (in the store or earlier in the
        batch) is skipped, and a change that alters nothing emits no event. With
        ``landscape_id``, the result carries that landscape's last sequence as the same
        transaction left it."""
        result = ApplyResult()
        if not changes and landscape_id is None:
            return result
        async with self._repository.unit_of_work() as uow:
            if changes and self._write_path == "set":
                await self._merge_in(uow, changes, result)
            elif changes:
                await self._apply_in(uow, changes, result)
            if landscape_id is not None:
                result.last_sequence = await uow.last_sequence(landscape_id)
        if result.events:
            self._outbox_signal.set()
        return result

    @staticmethod
    async def _merge_in(
        uow: UnitOfWork, changes: Sequence[c.InventoryChange], result: ApplyResult
    ) -> None:
        """Set-based: the merge statement decides and stores; Python validates before and
        builds the events of what it altered, drafting them while the statement runs."""
        sequences = await uow.lock_sequences([ch.landscape_id for ch in changes])
        targets: list[tuple[Kind, str, str | None]] = []
        traceparent = current_traceparent()  # the batch's, asked once rather than per event
        outcome, drafts = await uow.merge(
            staged_batch(changes, targets), datetime.now(UTC),
            meanwhile=lambda: draft_rows(changes, targets, sequences, traceparent),
        )
        for altered in outcome.altered:
            change, (kind, item_id, data) = changes[altered.position], targets[altered.position]
            draft = drafts[altered.position]
            if draft.sequence == altered.sequence and (data is None or not altered.existed):
                result.events.append(draft)
                continue
            event_type, body = event_body(  # the draft's id: the draft is not kept
                change, kind, item_id, removes=data is None, existed=altered.existed,
                sequence=altered.sequence, record_json=data, event_id=draft.event_id,
            )
            result.events.append(
                EventRow(change.landscape_id, altered.sequence, draft.event_id, event_type,
                         body, traceparent)
            )
        await uow.add_events(result.events)
        result.applied += len(outcome.altered)
        result.duplicates += len(changes) - outcome.fresh
        result.unchanged += outcome.fresh - len(outcome.altered)

    async def _apply_in(
        self, uow: UnitOfWork, changes: Sequence[c.InventoryChange], result: ApplyResult
    ) -> None:
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
            return
        targets = [target_of(ch) for ch in fresh]
        keys: list[ItemKey] = [
            (ch.landscape_id, t.kind, t.id) for ch, t in zip(fresh, targets, strict=True)
        ]
        state: dict[ItemKey, StoredItem | None] = dict(await uow.current_items(keys))
        versions = {k: s.version for k, s in state.items() if s is not None}
        versions.update(await uow.removed_versions([k for k in keys if k not in state]))
        batch = _Batch(now=datetime.now(UTC), sequences=sequences, state=state, versions=versions)
        for change, target, key in zip(fresh, targets, keys, strict=True):
            self._plan(batch, change, target, key, result)
        touched = {e.landscape_id for e in result.events}
        await uow.write(
            upserts=[w for w in batch.writes.values() if w is not None],
            deletes=[k for k, w in batch.writes.items() if w is None],
            history=batch.history,
            events=result.events,
            processed=[(ch.landscape_id, meta_of(ch).change_id) for ch in fresh],
            sequences={land: s for land, s in sequences.items() if land in touched},
        )

    @staticmethod
    def _plan(
        batch: _Batch, change: c.InventoryChange, target: Target, key: ItemKey,
        result: ApplyResult,
    ) -> None:
        """One fresh change: the item's next version, its history row and its event."""
        current = batch.state.get(key)
        if current is not None and target.data == current.data:
            result.unchanged += 1
            return
        sequence = batch.sequences[change.landscape_id] + 1
        event = event_for(change, target, existed=current is not None, sequence=sequence)
        if event is None:
            result.unchanged += 1
            return
        meta = meta_of(change)
        batch.sequences[change.landscape_id] = sequence
        version = batch.versions.get(key, 0) + 1
        batch.versions[key] = version
        if target.data is None:
            batch.state[key] = None
            batch.writes[key] = None
        else:
            batch.state[key] = StoredItem(target.data, version)
            batch.writes[key] = ItemWrite(
                key, target.data, version, batch.now, meta.change_id, meta.source
            )
        batch.history.append(
            HistoryRow(*key, version, target.data, batch.now, meta.change_id, meta.source,
                       sequence)
        )
        result.events.append(
            EventRow(change.landscape_id, sequence, event.event_id, event.type, event.to_bytes(),
                     current_traceparent())
        )
        result.applied += 1

    async def items(
        self,
        landscape_id: str,
        kind: str,
        *,
        as_of: datetime | None = None,
        after: str | None = None,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        """Items of one kind ordered by id, after ``after``; as they were at ``as_of``."""
        return await self._repository.list_items(
            landscape_id, kind, as_of=as_of, after=after, limit=limit
        )

    async def item(
        self, landscape_id: str, kind: str, item_id: str, *, as_of: datetime | None = None
    ) -> dict[str, Any] | None:
        """One item now (or as of a moment); None when the landscape does not hold it."""
        stored = await self._repository.get_item(landscape_id, kind, item_id, as_of=as_of)
        return None if stored is None else stored.data

    async def events(
        self, landscape_id: str, from_sequence: int, limit: int
    ) -> list[dict[str, Any]]:
        """Canonical events of the landscape from a sequence number, as JSON objects."""
        rows = await self._repository.events_from(landscape_id, from_sequence, limit)
        return [_JSON_OBJECT.validate_json(r.body) for r in rows]

    async def heads(self, landscapes: frozenset[str] | None) -> dict[str, int]:
        """Each landscape's last event sequence: downstream services catch up to it."""
        return await self._repository.heads(landscapes)

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
                                OutgoingMessage(self._topic, e.landscape_id.encode(), e.body,
                                                trace_headers(e.traceparent))
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
