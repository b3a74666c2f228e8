"""`inventory.changes`: what ops pipelines and importers ask the inventory to record."""

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


class ChangeMeta(Frozen):
    """Where a change came from; the inventory stores it in the item's history."""

    change_id: uuid.UUID = Field(
        default_factory=uuid.uuid4,
        description="Idempotency key: a change with an id already seen is applied once.",
    )
    source: str = Field(
        default="api",
        min_length=1,
        max_length=200,
        description="Who sent it, e.g. `cmdb-export`, `import:archimate:model.xml`.",
    )


class UpsertApplication(ChangeMeta):
    application: ApplicationRecord = Field(description="The full new state.")


class UpsertIntegration(ChangeMeta):
    integration: IntegrationRecord = Field(description="The full new state.")


class UpsertCapability(ChangeMeta):
    capability: CapabilityRecord = Field(description="The full new state.")


class UpsertTechnology(ChangeMeta):
    technology: TechnologyRecord = Field(description="The full new lifecycle.")


class DeleteItem(ChangeMeta):
    id: ItemId = Field(description="Id of the item to remove from the landscape.")


class ApplicationUpsert(Envelope):
    type: Literal["application.upsert"] = "application.upsert"
    schema_version: int = schema_version_field(APPLICATION_RECORD_VERSION)
    payload: UpsertApplication


class ApplicationDelete(Envelope):
    type: Literal["application.delete"] = "application.delete"
    payload: DeleteItem


class IntegrationUpsert(Envelope):
    type: Literal["integration.upsert"] = "integration.upsert"
    payload: UpsertIntegration


class IntegrationDelete(Envelope):
    type: Literal["integration.delete"] = "integration.delete"
    payload: DeleteItem


class CapabilityUpsert(Envelope):
    type: Literal["capability.upsert"] = "capability.upsert"
    payload: UpsertCapability


class CapabilityDelete(Envelope):
    type: Literal["capability.delete"] = "capability.delete"
    payload: DeleteItem


class TechnologyUpsert(Envelope):
    type: Literal["technology.upsert"] = "technology.upsert"
    payload: UpsertTechnology


class TechnologyDelete(Envelope):
    type: Literal["technology.delete"] = "technology.delete"
    payload: DeleteItem


InventoryChange = Annotated[
    ApplicationUpsert
    | ApplicationDelete
    | IntegrationUpsert
    | IntegrationDelete
    | CapabilityUpsert
    | CapabilityDelete
    | TechnologyUpsert
    | TechnologyDelete,
    Field(discriminator="type"),
]


def upcast_application_upsert_v1_v2(message: dict[str, Any]) -> dict[str, Any]:
    """`application.upsert` version 1 -> 2: the record's zero or absent costs become unknown."""
    payload = message.get("payload")
    if isinstance(payload, dict) and "application" in payload:
        payload = {**payload, "application": upcast_application_v1(payload["application"])}
    return {**message, "payload": payload, "schema_version": 2}


CHANGES: EnvelopeCodec[InventoryChange] = EnvelopeCodec(
    InventoryChange, upcasters={("application.upsert", 1): upcast_application_upsert_v1_v2}
)
