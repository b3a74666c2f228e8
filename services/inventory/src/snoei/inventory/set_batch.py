"""The set-based write path's Python side of a batch: the rows it stages for the merge, and
the outbox rows it drafts while the merge statement runs (``service.InventoryService``)."""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence

from asyncpg.pgproto import pgproto

from snoei.inventory.adapters.batch_merge import StagedChange
from snoei.inventory.adapters.repository import EventRow
from snoei.inventory.domain.changes import Kind, event_body, meta_of, staged_of
from snoei.shared.contracts import changes as c

_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))  # byte 6: version in the high nibble
_RFC_4122 = bytes((b & 0x3F) | 0x80 for b in range(256))  # byte 8: variant in the top two bits


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


def random_uuids(count: int) -> list[uuid.UUID]:
    """``count`` random (version 4) UUIDs, as ``uuid.uuid4`` makes them, from one read of
    the OS's randomness: ``uuid4`` reads 16 bytes a call (2.6 us a system call on the
    bench machine, half its 5 us), and builds the UUID in Python. asyncpg's UUID (a
    ``uuid.UUID``, what it returns for every uuid column) takes the bytes in C: 0.7 us."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_RFC_4122)
    data = bytes(raw)
    return [pgproto.UUID(data[i : i + 16]) for i in range(0, len(data), 16)]


def draft_rows(
    changes: Sequence[c.InventoryChange], targets: Sequence[tuple[Kind, str, str | None]],
    sequences: Mapping[str, int], traceparent: str | None,
) -> list[EventRow]:
    """The outbox rows of a batch whose changes (and ``staged_of`` targets) are all new and
    all alter an item that is not stored, as in a bulk load, counting on from the
    landscapes' ``sequences``; one per change. Made while the merge statement runs, so that
    a bulk load's events are ready to COPY the moment it returns; the caller keeps those the
    merge agrees with (a removal's event does not depend on the item).

    With the cyclic collector paused: the rows are tens of thousands of new objects, none in
    a cycle, and each collection they set off scanned whatever else the process holds (a
    full one 0.4 s beside a 10k/50k load's changes). The batch consumer pauses it for the
    whole batch already (``LongLivedHeap``); this covers ``apply`` called from elsewhere."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _drafted(changes, targets, dict(sequences), traceparent)
    finally:
        if enabled:
            gc.enable()


def _drafted(
    changes: Sequence[c.InventoryChange], targets: Sequence[tuple[Kind, str, str | None]],
    last: dict[str, int], traceparent: str | None,
) -> list[EventRow]:
    rows: list[EventRow] = []
    for change, (kind, item_id, data), event_id in zip(
        changes, targets, random_uuids(len(changes)), strict=True
    ):
        sequence = last[change.landscape_id] = last[change.landscape_id] + 1
        removes = data is None
        event_type, body = event_body(
            change, kind, item_id, removes=removes, existed=removes, sequence=sequence,
            record_json=data, event_id=event_id,
        )
        rows.append(
            EventRow(change.landscape_id, sequence, event_id, event_type, body, traceparent)
        )
    return rows
