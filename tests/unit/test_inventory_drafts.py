"""The set-based write path drafts a bulk load's outbox rows while its merge runs, with ids
made in bulk: the rows are the events ``build_event`` makes, under proper random ids."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from snoei.inventory.domain.changes import build_event, staged_of
from snoei.inventory.domain.validation import parse_change
from snoei.inventory.set_batch import draft_rows, random_uuids
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "golden" / "inventory.changes"
KINDS = ("application", "integration", "capability", "technology")


def test_bulk_ids_are_distinct_version_4_uuids() -> None:
    ids = random_uuids(4096)
    assert len(set(ids)) == 4096
    for made in ids:
        assert isinstance(made, uuid.UUID)
        assert made.version == 4
        assert made.variant == uuid.RFC_4122
        assert uuid.UUID(str(made)) == made
        assert hash(uuid.UUID(str(made))) == hash(made)
    assert random_uuids(0) == []


def _after_ids(body: bytes) -> bytes:
    """The body from ``correlation_id`` on: ``event_id`` and ``occurred_at`` differ per call."""
    return body[body.index(b'"correlation_id"'):]


def test_drafted_rows_are_the_events_build_event_makes() -> None:
    changes = [
        parse_change((GOLDEN / f"{kind}.{op}.json").read_bytes())
        for kind in KINDS for op in ("upsert", "delete")
    ]
    targets = [staged_of(change) for change in changes]
    first = {change.landscape_id: 40 for change in changes}
    rows = draft_rows(changes, targets, first, "00-trace")
    last = dict(first)
    for change, (kind, item_id, data), row in zip(changes, targets, rows, strict=True):
        last[change.landscape_id] += 1
        removes = data is None
        built = build_event(change, kind, item_id, removes=removes, existed=removes,
                            sequence=last[change.landscape_id])
        assert (row.landscape_id, row.sequence, row.type, row.traceparent) == (
            change.landscape_id, last[change.landscape_id], built.type, "00-trace")
        assert _after_ids(row.body) == _after_ids(built.body)
        model = INVENTORY_EVENTS.decode(row.body)  # validates: no field missing or unknown
        assert model.to_bytes() == row.body
        assert model.event_id == row.event_id
    assert len({row.event_id for row in rows}) == len(rows)
