"""The inventory writes its events without building the envelope models; the bytes it writes
are exactly the ones those models serialise to, for every kind and every kind of event."""

from __future__ import annotations

from pathlib import Path

import pytest

from snoei.inventory.domain.changes import event_for, target_of
from snoei.inventory.domain.validation import parse_change
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "golden" / "inventory.changes"
KINDS = ("application", "integration", "capability", "technology")


@pytest.mark.parametrize(
    ("golden", "existed", "expected_type"),
    [
        *[(f"{kind}.upsert", False, f"{kind}.registered") for kind in KINDS],
        *[(f"{kind}.upsert", True, f"{kind}.updated") for kind in KINDS],
        *[(f"{kind}.delete", True, f"{kind}.removed") for kind in KINDS],
        ("application.upsert.v1", True, "application.updated"),
    ],
)
def test_an_event_is_written_as_its_envelope_model_serialises_it(
    golden: str, existed: bool, expected_type: str
) -> None:
    change = parse_change((GOLDEN / f"{golden}.json").read_bytes())
    event = event_for(change, target_of(change), existed=existed, sequence=42)
    assert event is not None
    model = INVENTORY_EVENTS.decode(event.body)  # validates: no field missing or unknown
    assert (model.type, model.event_id, model.sequence) == (expected_type, event.event_id, 42)
    assert event.type == expected_type
    assert model.to_bytes() == event.body  # same fields, same order, same formatting
