"""Decide what a change does to the current state: a new version and its event, or nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import to_json

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


@dataclass(frozen=True, slots=True)
class WireEvent:
    """A canonical inventory event in its wire form: what the outbox stores and publishes."""

    event_id: uuid.UUID
    type: str
    body: bytes

    def to_bytes(self) -> bytes:
        return self.body


def event_for(
    change: c.InventoryChange, target: Target, *, existed: bool, sequence: int
) -> WireEvent | None:
    """The canonical event for a change against the current state; None when it changes nothing."""
    if target.data is None and not existed:
        return None
    return build_event(
        change, target.kind, target.id, removes=target.data is None, existed=existed,
        sequence=sequence,
    )


def _type_and_version(event: type[Envelope]) -> tuple[str, int]:
    fields = event.model_fields
    return str(fields["type"].default), int(fields["schema_version"].default)


_WIRE_TYPES: dict[tuple[Kind, str], tuple[str, int]] = {
    (kind, what): _type_and_version(events[kind])
    for kind in KINDS
    for what, events in (("registered", _REGISTERED), ("updated", _UPDATED),
                         ("removed", _REMOVED))
}


def build_event(
    change: c.InventoryChange, kind: Kind, item_id: str, *, removes: bool, existed: bool,
    sequence: int, record_json: str | None = None,
) -> WireEvent:
    """The canonical event of a change that alters its item (which ``existed`` before it),
    with a new random id (``event_body``)."""
    event_id = uuid.uuid4()
    event_type, body = event_body(
        change, kind, item_id, removes=removes, existed=existed, sequence=sequence,
        record_json=record_json, event_id=event_id,
    )
    return WireEvent(event_id, event_type, body)


def event_body(
    change: c.InventoryChange, kind: Kind, item_id: str, *, removes: bool, existed: bool,
    sequence: int, record_json: str | None, event_id: uuid.UUID,
) -> tuple[str, bytes]:
    """The type and wire bytes of the event ``event_id`` of a change that alters its item.

    Serialised from a dict laid out as the event's envelope model serialises (fields in
    declaration order, the change's own already validated record inside), by pydantic's
    core in one call: building the models first, even without validation, was two thirds
    of the inventory's Python time per change on bulk loads. The unit tests pin the bytes
    to the models' own serialisation.

    ``record_json``: the change's record as ``staged_of`` serialised it, spliced in as the
    payload's last field instead of serialising the record a second time (half the cost
    of an event); the unit tests pin the spliced bytes to the serialised ones. The id goes
    in as text: pydantic serialises a UUID subclass (asyncpg's) through a slow fallback."""
    meta = meta_of(change)
    payload: dict[str, Any] = {"change_id": meta.change_id, "source": meta.source}
    if removes:
        payload["id"] = item_id
    elif record_json is None:
        payload[kind] = getattr(change.payload, kind)
    what = "removed" if removes else "updated" if existed else "registered"
    event_type, schema_version = _WIRE_TYPES[kind, what]
    body = {
        "event_id": str(event_id),
        "type": event_type,
        "schema_version": schema_version,
        "landscape_id": change.landscape_id,
        "sequence": sequence,
        "occurred_at": utcnow(),
        "correlation_id": change.correlation_id or change.event_id,
        "causation_id": change.event_id,
        "payload": payload,
    }
    encoded = to_json(body, by_alias=False)
    if record_json is not None and not removes:
        # ``payload`` is the body's last field and ``source`` the payload's: "...}}".
        encoded = b"".join(
            (encoded[:-2], b',"', kind.encode(), b'":', record_json.encode(), b"}}")
        )
    return event_type, encoded


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Top-level fields that differ between two versions of an item (sorted)."""
    old, new = before or {}, after or {}
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
