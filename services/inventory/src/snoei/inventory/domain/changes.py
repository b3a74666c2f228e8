"""Decide what a change does to the current state: a new version and its event, or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from snoei.shared.contracts import changes as c
from snoei.shared.contracts import inventory_events as e

Kind = Literal["application", "integration", "capability", "technology"]

_REGISTERED: dict[str, type[e.Envelope]] = {
    "application": e.ApplicationRegistered,
    "integration": e.IntegrationRegistered,
    "capability": e.CapabilityRegistered,
    "technology": e.TechnologyRegistered,
}
_UPDATED: dict[str, type[e.Envelope]] = {
    "application": e.ApplicationUpdated,
    "integration": e.IntegrationUpdated,
    "capability": e.CapabilityUpdated,
    "technology": e.TechnologyUpdated,
}
_REMOVED: dict[str, type[e.Envelope]] = {
    "application": e.ApplicationRemoved,
    "integration": e.IntegrationRemoved,
    "capability": e.CapabilityRemoved,
    "technology": e.TechnologyRemoved,
}
_STATE: dict[str, type[BaseModel]] = {
    "application": e.ApplicationState,
    "integration": e.IntegrationState,
    "capability": e.CapabilityState,
    "technology": e.TechnologyState,
}


@dataclass(frozen=True, slots=True)
class Target:
    """Which item a change addresses, and its new data (None when it removes the item)."""

    kind: Kind
    id: str
    data: dict[str, Any] | None


def target_of(change: c.InventoryChange) -> Target:
    kind, _, verb = change.type.partition(".")
    payload = change.payload
    if verb == "delete":
        assert isinstance(payload, c.DeleteItem)
        return Target(kind, payload.id, None)  # type: ignore[arg-type]
    record: BaseModel = getattr(payload, kind)
    return Target(kind, getattr(record, "id"), record.model_dump(mode="json"))  # type: ignore[arg-type]  # noqa: B009


def event_for(
    change: c.InventoryChange, target: Target, *, existed: bool, sequence: int
) -> e.Envelope | None:
    """The canonical event for a change against the current state; None when it changes nothing."""
    meta = change.payload
    assert isinstance(meta, c.ChangeMeta)
    common: dict[str, Any] = {
        "landscape_id": change.landscape_id,
        "sequence": sequence,
        "correlation_id": change.correlation_id or change.event_id,
        "causation_id": change.event_id,
    }
    provenance = {"change_id": meta.change_id, "source": meta.source}
    if target.data is None:
        if not existed:
            return None
        return _REMOVED[target.kind](payload=e.ItemRemoved(id=target.id, **provenance), **common)
    state = _STATE[target.kind].model_validate({target.kind: target.data, **provenance})
    cls = _UPDATED[target.kind] if existed else _REGISTERED[target.kind]
    return cls(payload=state, **common)
