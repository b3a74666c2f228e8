"""`dependency.graph`: versioned per-landscape graph changes, and full snapshots.

Nodes are applications, edges are integrations directed from the supplier of the data to
its consumer. Capabilities and technology lifecycles travel along so that consumers (the
rationalizer) need nothing but this topic.
"""

from __future__ import annotations

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
from snoei.shared.envelope import Envelope, EnvelopeCodec, Upcaster, schema_version_field


class GraphDelta(Frozen):
    """What changed between ``from_version`` and ``version`` (envelope ``sequence`` = version)."""

    from_version: int = Field(ge=0, description="Graph version this delta applies to.")
    version: int = Field(ge=1, description="Graph version after applying it.")
    inventory_sequence: int = Field(
        ge=0, description="Last inventory event sequence reflected in this version."
    )
    applications_upserted: tuple[ApplicationRecord, ...] = Field(
        default=(), description="Nodes added or changed, with all their attributes."
    )
    applications_removed: tuple[ItemId, ...] = Field(default=(), description="Nodes removed.")
    integrations_upserted: tuple[IntegrationRecord, ...] = Field(
        default=(), description="Edges added or changed (supplier -> consumer)."
    )
    integrations_removed: tuple[ItemId, ...] = Field(default=(), description="Edges removed.")
    capabilities_upserted: tuple[CapabilityRecord, ...] = Field(default=())
    capabilities_removed: tuple[ItemId, ...] = Field(default=())
    technologies_upserted: tuple[TechnologyRecord, ...] = Field(default=())
    technologies_removed: tuple[ItemId, ...] = Field(default=())


class GraphHead(Frozen):
    """How far a landscape's graph has come, and whether more is on its way: a consumer
    that has this version and sees nothing pending has seen every change so far."""

    version: int = Field(ge=0, description="Last graph version stored (published or about to be).")
    inventory_sequence: int = Field(ge=0, description="Last inventory sequence applied.")
    pending: bool = Field(
        description="More is on its way: changes applied after that version (the next "
        "version is cut from them within the service's SNOEI_PUBLISH_DEBOUNCE_S), or events "
        "the inventory stored that the service has not applied yet."
    )


class GraphContent(Frozen):
    """A landscape's whole graph at ``version``."""

    version: int = Field(ge=0, description="Graph version.")
    inventory_sequence: int = Field(ge=0, description="Last inventory sequence reflected.")
    applications: tuple[ApplicationRecord, ...] = Field(default=(), description="All nodes.")
    integrations: tuple[IntegrationRecord, ...] = Field(default=(), description="All edges.")
    capabilities: tuple[CapabilityRecord, ...] = Field(default=(), description="Capability map.")
    technologies: tuple[TechnologyRecord, ...] = Field(
        default=(), description="Technology lifecycles recorded in the inventory."
    )


class GraphChanged(Envelope):
    type: Literal["graph.changed"] = "graph.changed"
    schema_version: int = schema_version_field(APPLICATION_RECORD_VERSION)
    payload: GraphDelta


class GraphSnapshot(Envelope):
    type: Literal["graph.snapshot"] = "graph.snapshot"
    schema_version: int = schema_version_field(APPLICATION_RECORD_VERSION)
    payload: GraphContent


GraphEvent = Annotated[GraphChanged | GraphSnapshot, Field(discriminator="type")]


def _upcast_records(field: str) -> Upcaster:
    def upcast_v1_v2(message: dict[str, Any]) -> dict[str, Any]:
        payload = message.get("payload")
        if isinstance(payload, dict) and isinstance(payload.get(field), list):
            payload = {**payload, field: [upcast_application_v1(r) for r in payload[field]]}
        return {**message, "payload": payload, "schema_version": 2}

    upcast_v1_v2.__doc__ = (
        f"Graph message version 1 -> 2: every record in `{field}` has zero or absent costs "
        "read as unknown (see ``upcast_application_v1``)."
    )
    return upcast_v1_v2


GRAPH_EVENTS: EnvelopeCodec[GraphEvent] = EnvelopeCodec(
    GraphEvent,
    upcasters={
        ("graph.changed", 1): _upcast_records("applications_upserted"),
        ("graph.snapshot", 1): _upcast_records("applications"),
    },
)
