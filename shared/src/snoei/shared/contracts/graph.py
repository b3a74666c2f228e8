"""`dependency.graph`: versioned per-landscape graph changes, and full snapshots.

Nodes are applications, edges are integrations directed from the supplier of the data to
its consumer. Capabilities and technology lifecycles travel along so that consumers (the
rationalizer) need nothing but this topic.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    Frozen,
    IntegrationRecord,
    ItemId,
    TechnologyRecord,
)
from snoei.shared.envelope import Envelope, EnvelopeCodec


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
    payload: GraphDelta


class GraphSnapshot(Envelope):
    type: Literal["graph.snapshot"] = "graph.snapshot"
    payload: GraphContent


GraphEvent = Annotated[GraphChanged | GraphSnapshot, Field(discriminator="type")]

GRAPH_EVENTS: EnvelopeCodec[GraphEvent] = EnvelopeCodec(GraphEvent)
