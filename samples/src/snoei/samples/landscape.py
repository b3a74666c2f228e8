"""A generated landscape and the `inventory.changes` an ops pipeline would send for it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from snoei.shared.contracts.changes import (
    ApplicationUpsert,
    CapabilityUpsert,
    IntegrationUpsert,
    InventoryChange,
    TechnologyUpsert,
    UpsertApplication,
    UpsertCapability,
    UpsertIntegration,
    UpsertTechnology,
)
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)
from snoei.shared.envelope import utcnow

SAMPLE_NAMESPACE = uuid.UUID("5c0e1a7e-2026-4b1d-9a5e-000000000001")
"""uuid5 namespace of sample change ids: the same record always gets the same change id."""


@dataclass(slots=True)
class Landscape:
    """One organisation's applications, integrations, capability map and technology lifecycles."""

    landscape_id: str
    applications: list[ApplicationRecord] = field(default_factory=list)
    integrations: list[IntegrationRecord] = field(default_factory=list)
    capabilities: list[CapabilityRecord] = field(default_factory=list)
    technologies: list[TechnologyRecord] = field(default_factory=list)

    def iter_changes(
        self, source: str = "sample", *, occurred_at: datetime | None = None
    ) -> Iterator[InventoryChange]:
        """The upserts in feeding order: capabilities (parents first) and technologies, then
        applications, then integrations. Change ids hash the landscape and the record, so
        feeding the same sample twice is a no-op and a changed record gets a new id."""
        when = occurred_at or utcnow()
        correlation = uuid.uuid5(SAMPLE_NAMESPACE, f"{self.landscape_id}|{source}")

        def change_id(kind: str, record_json: str) -> uuid.UUID:
            return uuid.uuid5(SAMPLE_NAMESPACE, f"{self.landscape_id}|{kind}|{record_json}")

        for capability in _parents_first(self.capabilities):
            cid = change_id("capability", capability.model_dump_json())
            yield CapabilityUpsert(
                event_id=cid,
                payload=UpsertCapability(change_id=cid, source=source, capability=capability),
                landscape_id=self.landscape_id,
                occurred_at=when,
                correlation_id=correlation,
            )
        for technology in self.technologies:
            cid = change_id("technology", technology.model_dump_json())
            yield TechnologyUpsert(
                event_id=cid,
                payload=UpsertTechnology(change_id=cid, source=source, technology=technology),
                landscape_id=self.landscape_id,
                occurred_at=when,
                correlation_id=correlation,
            )
        for application in self.applications:
            cid = change_id("application", application.model_dump_json())
            yield ApplicationUpsert(
                event_id=cid,
                payload=UpsertApplication(change_id=cid, source=source, application=application),
                landscape_id=self.landscape_id,
                occurred_at=when,
                correlation_id=correlation,
            )
        for integration in self.integrations:
            cid = change_id("integration", integration.model_dump_json())
            yield IntegrationUpsert(
                event_id=cid,
                payload=UpsertIntegration(change_id=cid, source=source, integration=integration),
                landscape_id=self.landscape_id,
                occurred_at=when,
                correlation_id=correlation,
            )

    def to_changes(
        self, source: str = "sample", *, occurred_at: datetime | None = None
    ) -> list[InventoryChange]:
        return list(self.iter_changes(source, occurred_at=occurred_at))


def _parents_first(capabilities: list[CapabilityRecord]) -> list[CapabilityRecord]:
    """Capabilities ordered so every parent comes before its children."""
    by_id = {c.id: c for c in capabilities}
    ordered: list[CapabilityRecord] = []
    placed: set[str] = set()

    def place(capability: CapabilityRecord, trail: frozenset[str]) -> None:
        if capability.id in placed:
            return
        parent = by_id.get(capability.parent_id) if capability.parent_id else None
        if parent is not None and parent.id not in trail:
            place(parent, trail | {capability.id})
        placed.add(capability.id)
        ordered.append(capability)

    for capability in capabilities:
        place(capability, frozenset())
    return ordered
