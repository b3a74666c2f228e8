"""One landscape's graph: the inventory records and a networkx MultiDiGraph over them.

Direction: an edge runs from the application that *supplies* the data (integration
``source``) to the application that *consumes* it (integration ``target``). So the
dependencies of X are its predecessors, and X's dependents are its successors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set
from typing import Literal

import networkx as nx

from snoei.dependency.domain.errors import SequenceGap
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.inventory_events import (
    ApplicationState,
    CapabilityState,
    IntegrationState,
    InventoryEvent,
    ItemRemoved,
    TechnologyState,
)
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)

Kind = Literal["application", "integration", "capability", "technology"]
ItemKey = tuple[Kind, str]
Record = ApplicationRecord | IntegrationRecord | CapabilityRecord | TechnologyRecord
KINDS: tuple[Kind, ...] = ("application", "integration", "capability", "technology")


class LandscapeGraph:
    """The live graph of one landscape.

    An integration whose source or target is not (or no longer) an application stays a
    record and becomes an edge as soon as both applications exist; the inventory does not
    cascade removals, so the graph must not lose such integrations.
    """

    def __init__(self, landscape_id: str, *, sequence: int = 0, version: int = 0) -> None:
        self.landscape_id = landscape_id
        self.sequence = sequence  # last inventory sequence applied
        self.version = version  # last graph version published on dependency.graph
        self.revision = 0  # bumps on every change; derived metrics are cached per revision
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self.applications: dict[str, ApplicationRecord] = {}
        self.integrations: dict[str, IntegrationRecord] = {}
        self.capabilities: dict[str, CapabilityRecord] = {}
        self.technologies: dict[str, TechnologyRecord] = {}
        self._touching: defaultdict[str, set[str]] = defaultdict(set)
        self.views: dict[str, tuple[int, object]] = {}  # derived views, keyed by revision

    @classmethod
    def from_content(cls, landscape_id: str, content: GraphContent) -> LandscapeGraph:
        """Rebuild from stored records in bulk (no per-item bookkeeping beyond indexing)."""
        g = cls(landscape_id, sequence=content.inventory_sequence, version=content.version)
        g.applications = {a.id: a for a in content.applications}
        g.integrations = {i.id: i for i in content.integrations}
        g.capabilities = {c.id: c for c in content.capabilities}
        g.technologies = {t.id: t for t in content.technologies}
        g.graph.add_nodes_from((a.id, {"record": a}) for a in content.applications)
        for i in content.integrations:
            g._touching[i.source].add(i.id)
            g._touching[i.target].add(i.id)
        g.graph.add_edges_from(
            (i.source, i.target, i.id, {"record": i})
            for i in content.integrations
            if i.source in g.applications and i.target in g.applications
        )
        return g

    def content(self) -> GraphContent:
        return GraphContent(
            version=self.version,
            inventory_sequence=self.sequence,
            applications=tuple(self.applications[k] for k in sorted(self.applications)),
            integrations=tuple(self.integrations[k] for k in sorted(self.integrations)),
            capabilities=tuple(self.capabilities[k] for k in sorted(self.capabilities)),
            technologies=tuple(self.technologies[k] for k in sorted(self.technologies)),
        )

    def crossing(self, gone: Set[str]) -> list[IntegrationRecord]:
        """Integrations between an application of ``gone`` and one that stays, by id."""
        found = {
            key: record
            for node in gone
            for edges in (
                self.graph.in_edges(node, keys=True, data="record"),
                self.graph.out_edges(node, keys=True, data="record"),
            )
            for _, _, key, record in edges
            if not (record.source in gone and record.target in gone)
        }
        return [found[k] for k in sorted(found)]

    def record(self, key: ItemKey) -> Record | None:
        kind, item_id = key
        store: dict[str, Record] = getattr(self, _STORES[kind])
        return store.get(item_id)

    def apply(self, event: InventoryEvent) -> ItemKey | None:
        """Apply the next inventory event and return the item it touched.

        Returns None for a duplicate (its sequence is already applied); raises
        ``SequenceGap`` when events between the last applied one and this are missing.
        """
        sequence = event.sequence
        if sequence is None:
            raise ValueError(f"inventory event {event.event_id} has no sequence")
        if sequence <= self.sequence:
            return None
        if sequence != self.sequence + 1:
            raise SequenceGap(self.landscape_id, self.sequence + 1, sequence)
        key = self._apply_payload(event)
        self.sequence = sequence
        self.revision += 1
        return key

    def _apply_payload(self, event: InventoryEvent) -> ItemKey:
        payload = event.payload
        if isinstance(payload, ApplicationState):
            self.put_application(payload.application)
            return ("application", payload.application.id)
        if isinstance(payload, IntegrationState):
            self.put_integration(payload.integration)
            return ("integration", payload.integration.id)
        if isinstance(payload, CapabilityState):
            self.capabilities[payload.capability.id] = payload.capability
            return ("capability", payload.capability.id)
        if isinstance(payload, TechnologyState):
            self.technologies[payload.technology.id] = payload.technology
            return ("technology", payload.technology.id)
        assert isinstance(payload, ItemRemoved)
        kind = event.type.partition(".")[0]
        if kind == "application":
            self.remove_application(payload.id)
        elif kind == "integration":
            self.remove_integration(payload.id)
        elif kind == "capability":
            self.capabilities.pop(payload.id, None)
        else:
            self.technologies.pop(payload.id, None)
        return (kind, payload.id)  # type: ignore[return-value]  # kind comes from the Literal type

    def put_application(self, application: ApplicationRecord) -> None:
        known = application.id in self.applications
        self.applications[application.id] = application
        self.graph.add_node(application.id, record=application)
        if known:
            return
        for integration_id in self._touching.get(application.id, ()):
            self._link(self.integrations[integration_id])

    def remove_application(self, application_id: str) -> None:
        if self.applications.pop(application_id, None) is not None:
            self.graph.remove_node(application_id)  # its edges go; the records stay

    def put_integration(self, integration: IntegrationRecord) -> None:
        self.remove_integration(integration.id)
        self.integrations[integration.id] = integration
        self._touching[integration.source].add(integration.id)
        self._touching[integration.target].add(integration.id)
        self._link(integration)

    def remove_integration(self, integration_id: str) -> None:
        old = self.integrations.pop(integration_id, None)
        if old is None:
            return
        if self.graph.has_edge(old.source, old.target, key=old.id):
            self.graph.remove_edge(old.source, old.target, key=old.id)
        for end in (old.source, old.target):
            touching = self._touching.get(end)
            if touching is not None:
                touching.discard(old.id)
                if not touching:
                    del self._touching[end]

    def _link(self, integration: IntegrationRecord) -> None:
        if integration.source in self.applications and integration.target in self.applications:
            self.graph.add_edge(
                integration.source, integration.target, key=integration.id, record=integration
            )


_STORES: dict[Kind, str] = {
    "application": "applications",
    "integration": "integrations",
    "capability": "capabilities",
    "technology": "technologies",
}
