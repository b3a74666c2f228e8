"""`inventory.events`: canonical facts the inventory recorded, each with a gap-free sequence."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import Field

from snoei.shared.contracts.landscape import (
    APPLICATION_RECORD_VERSION,
    ApplicationRecord,
    CapabilityRecord,
    Frozen,
    IntegrationRecord,
    ItemId,
    TechnologyRecord,
    upcast_application_v1,
)
from snoei.shared.envelope import Envelope, EnvelopeCodec, schema_version_field


class Provenance(Frozen):
    change_id: uuid.UUID = Field(description="The change that caused this event.")
    source: str = Field(description="Who sent that change.")


class ApplicationState(Provenance):
    application: ApplicationRecord = Field(description="The full state after the change.")


class IntegrationState(Provenance):
    integration: IntegrationRecord = Field(description="The full state after the change.")


class CapabilityState(Provenance):
    capability: CapabilityRecord = Field(description="The full state after the change.")


class TechnologyState(Provenance):
    technology: TechnologyRecord = Field(description="The full lifecycle after the change.")


class ItemRemoved(Provenance):
    id: ItemId = Field(description="Id of the removed item.")


class ApplicationRegistered(Envelope):
    type: Literal["application.registered"] = "application.registered"
    schema_version: int = schema_version_field(APPLICATION_RECORD_VERSION)
    payload: ApplicationState


class ApplicationUpdated(Envelope):
    type: Literal["application.updated"] = "application.updated"
    schema_version: int = schema_version_field(APPLICATION_RECORD_VERSION)
    payload: ApplicationState


class ApplicationRemoved(Envelope):
    type: Literal["application.removed"] = "application.removed"
    payload: ItemRemoved


class IntegrationRegistered(Envelope):
    type: Literal["integration.registered"] = "integration.registered"
    payload: IntegrationState


class IntegrationUpdated(Envelope):
    type: Literal["integration.updated"] = "integration.updated"
    payload: IntegrationState


class IntegrationRemoved(Envelope):
    type: Literal["integration.removed"] = "integration.removed"
    payload: ItemRemoved


class CapabilityRegistered(Envelope):
    type: Literal["capability.registered"] = "capability.registered"
    payload: CapabilityState


class CapabilityUpdated(Envelope):
    type: Literal["capability.updated"] = "capability.updated"
    payload: CapabilityState


class CapabilityRemoved(Envelope):
    type: Literal["capability.removed"] = "capability.removed"
    payload: ItemRemoved


class TechnologyRegistered(Envelope):
    type: Literal["technology.registered"] = "technology.registered"
    payload: TechnologyState


class TechnologyUpdated(Envelope):
    type: Literal["technology.updated"] = "technology.updated"
    payload: TechnologyState


class TechnologyRemoved(Envelope):
    type: Literal["technology.removed"] = "technology.removed"
    payload: ItemRemoved


InventoryEvent = Annotated[
    ApplicationRegistered
    | ApplicationUpdated
    | ApplicationRemoved
    | IntegrationRegistered
    | IntegrationUpdated
    | IntegrationRemoved
    | CapabilityRegistered
    | CapabilityUpdated
    | CapabilityRemoved
    | TechnologyRegistered
    | TechnologyUpdated
    | TechnologyRemoved,
    Field(discriminator="type"),
]


def upcast_application_state_v1_v2(message: dict[str, Any]) -> dict[str, Any]:
    """`application.registered`/`.updated` version 1 -> 2: zero or absent costs become
    unknown (see ``upcast_application_v1``)."""
    payload = message.get("payload")
    if isinstance(payload, dict) and "application" in payload:
        payload = {**payload, "application": upcast_application_v1(payload["application"])}
    return {**message, "payload": payload, "schema_version": 2}


INVENTORY_EVENTS: EnvelopeCodec[InventoryEvent] = EnvelopeCodec(
    InventoryEvent,
    upcasters={
        ("application.registered", 1): upcast_application_state_v1_v2,
        ("application.updated", 1): upcast_application_state_v1_v2,
    },
)
