"""The set-based write path splices a change's record, as ``staged_of`` serialised it, into
its event instead of serialising the record again: the bytes are the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from snoei.inventory.domain.changes import build_event, staged_of
from snoei.inventory.domain.validation import parse_change
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "golden" / "inventory.changes"
KINDS = ("application", "integration", "capability", "technology")


def _after_ids(body: bytes) -> bytes:
    """The body from ``correlation_id`` on: ``event_id`` and ``occurred_at`` differ per call."""
    return body[body.index(b'"correlation_id"'):]


@pytest.mark.parametrize(
    ("golden", "existed"),
    [
        *[(f"{kind}.upsert", existed) for kind in KINDS for existed in (False, True)],
        *[(f"{kind}.delete", True) for kind in KINDS],
        ("application.upsert.v1", True),
    ],
)
def test_a_spliced_record_makes_the_bytes_the_serialised_one_makes(
    golden: str, existed: bool
) -> None:
    change = parse_change((GOLDEN / f"{golden}.json").read_bytes())
    kind, item_id, data = staged_of(change)
    removes = data is None
    spliced = build_event(
        change, kind, item_id, removes=removes, existed=existed, sequence=7, record_json=data
    )
    serialised = build_event(change, kind, item_id, removes=removes, existed=existed, sequence=7)
    assert _after_ids(spliced.body) == _after_ids(serialised.body)
    assert spliced.type == serialised.type
    model = INVENTORY_EVENTS.decode(spliced.body)  # validates: no field missing or unknown
    assert model.to_bytes() == spliced.body
