"""The set-based write path's Python side of a batch: the rows it stages for the merge, and
the outbox rows it drafts while the merge statement runs (``service.InventoryService``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence

from snoei.inventory.adapters.batch_merge import StagedChange
from snoei.inventory.adapters.repository import EventRow
from snoei.inventory.domain.changes import Kind, draft_events, meta_of, staged_of
from snoei.shared.contracts import changes as c


def staged_batch(
    changes: Sequence[c.InventoryChange], targets: list[tuple[Kind, str, str | None]]
) -> Iterator[StagedChange]:
    """The batch as the merge stages it, made as the staging COPY reads it (PostgreSQL takes
    in the first rows while Python serialises the rest); each change's ``staged_of`` is
    kept in ``targets`` for the events, complete once the COPY has read everything."""
    for position, change in enumerate(changes):
        target = staged_of(change)
        targets.append(target)
        meta = meta_of(change)
        yield StagedChange(position, change.landscape_id, target[0], target[1],
                           meta.change_id, meta.source, target[2])


def draft_rows(
    changes: Sequence[c.InventoryChange], targets: Sequence[tuple[Kind, str, str | None]],
    sequences: dict[str, int], traceparent: str | None,
) -> list[EventRow]:
    """``draft_events`` as outbox rows, one per change: made while the merge statement runs,
    so that a bulk load's events are ready to COPY the moment it returns.

    With the cyclic collector paused: the rows are tens of thousands of new objects, none in
    a cycle, and each collection they set off scanned whatever else the process holds (a
    full one 0.4 s beside a 10k/50k load's changes). The batch consumer pauses it for the
    whole batch already (``LongLivedHeap``); this covers ``apply`` called from elsewhere."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [
            EventRow(ch.landscape_id, d.sequence, d.event.event_id, d.event.type, d.event.body,
                     traceparent)
            for ch, d in zip(changes, draft_events(changes, targets, sequences), strict=True)
        ]
    finally:
        if enabled:
            gc.enable()
