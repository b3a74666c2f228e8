"""Decide what a change does to the current state: a new version and its event, or nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from snoei.shared.contracts import changes as c
from snoei.shared.contracts import inventory_events as e
from snoei.shared.envelope import Envelope, utcnow

Kind = Literal["application", "integration", "capability", "technology"]
KINDS: tuple[Kind, ...] = ("application", "integration", "capability", "technology")

_REGISTERED: dict[str, type[Envelope]] = {
    "application": e.ApplicationRegistered,
    "integration": e.IntegrationRegistered,
    "capability": e.CapabilityRegistered,
    "technology": e.TechnologyRegistered,
}
_UPDATED: dict[str, type[Envelope]] = {
    "application": e.ApplicationUpdated,
    "integration": e.IntegrationUpdated,
    "capability": e.CapabilityUpdated,
    "technology": e.TechnologyUpdated,
}
_REMOVED: dict[str, type[Envelope]] = {
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


def meta_of(change: c.InventoryChange) -> c.ChangeMeta:
    payload: c.ChangeMeta = change.payload
    return payload


def _kind(change: c.InventoryChange) -> Kind:
    kind = change.type.partition(".")[0]
    for known in KINDS:
        if kind == known:
            return known
    raise ValueError(f"unknown item kind in change type {change.type!r}")


def target_of(change: c.InventoryChange) -> Target:
    kind = _kind(change)
    payload = change.payload
    if isinstance(payload, c.DeleteItem):
        return Target(kind, payload.id, None)
    record: BaseModel = getattr(payload, kind)
    data = record.model_dump(mode="json")
    return Target(kind, str(data["id"]), data)


def staged_of(change: c.InventoryChange) -> tuple[Kind, str, str | None]:
    """Which item a change addresses, and its new state as JSON text (None: removes it);
    the set-based write path's ``target_of``, serialised once, in pydantic's core."""
    kind = _kind(change)
    payload = change.payload
    if isinstance(payload, c.DeleteItem):
        return kind, payload.id, None
    record: Any = getattr(payload, kind)  # the record of this kind: every one has an id
    return kind, str(record.id), record.model_dump_json()


def event_for(
    change: c.InventoryChange, target: Target, *, existed: bool, sequence: int
) -> Envelope | None:
    """The canonical event for a change against the current state; None when it changes nothing."""
    if target.data is None and not existed:
        return None
    return build_event(
        change, target.kind, target.id, removes=target.data is None, existed=existed,
        sequence=sequence,
    )


def build_event(
    change: c.InventoryChange, kind: Kind, item_id: str, *, removes: bool, existed: bool,
    sequence: int,
) -> Envelope:
    """The canonical event of a change that alters its item (which ``existed`` before it)."""
    meta = meta_of(change)
    # The envelope's default factories are given explicitly: pydantic's model_construct
    # inspects a factory's signature on every call, which cost more than the rest of it.
    common: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "occurred_at": utcnow(),
        "landscape_id": change.landscape_id,
        "sequence": sequence,
        "correlation_id": change.correlation_id or change.event_id,
        "causation_id": change.event_id,
    }
    if removes:
        removed = e.ItemRemoved(id=item_id, change_id=meta.change_id, source=meta.source)
        return _REMOVED[kind](payload=removed, **common)
    # Built from the change's own, already validated record and ids, without validating them
    # again: that was two thirds of the inventory's Python time per change on bulk loads.
    state = _STATE[kind].model_construct(
        **{
            kind: getattr(change.payload, kind),
            "change_id": meta.change_id,
            "source": meta.source,
        }
    )
    cls = _UPDATED[kind] if existed else _REGISTERED[kind]
    return cls.model_construct(payload=state, **common)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Top-level fields that differ between two versions of an item (sorted)."""
    old, new = before or {}, after or {}
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
