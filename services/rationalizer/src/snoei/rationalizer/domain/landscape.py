"""The landscape as the rationalizer sees it: a replica of the dependency graph, kept
current by applying versioned deltas, and an indexed, read-only model built from it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from snoei.shared.contracts.graph import GraphContent, GraphDelta
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    Lifecycle,
    TechnologyRecord,
)


class VersionGap(Exception):
    """A delta does not follow the replica's version: a snapshot is needed."""

    def __init__(self, have: int, delta_from: int) -> None:
        super().__init__(f"replica at version {have}, delta starts at {delta_from}")
        self.have = have
        self.delta_from = delta_from


@dataclass
class GraphReplica:
    """A mutable copy of one landscape's graph at ``version``."""

    version: int = 0
    inventory_sequence: int = 0
    applications: dict[str, ApplicationRecord] = field(default_factory=dict)
    integrations: dict[str, IntegrationRecord] = field(default_factory=dict)
    capabilities: dict[str, CapabilityRecord] = field(default_factory=dict)
    technologies: dict[str, TechnologyRecord] = field(default_factory=dict)

    @classmethod
    def from_content(cls, content: GraphContent) -> GraphReplica:
        return cls(
            version=content.version,
            inventory_sequence=content.inventory_sequence,
            applications={a.id: a for a in content.applications},
            integrations={i.id: i for i in content.integrations},
            capabilities={c.id: c for c in content.capabilities},
            technologies={t.id: t for t in content.technologies},
        )

    def to_content(self) -> GraphContent:
        return GraphContent(
            version=self.version,
            inventory_sequence=self.inventory_sequence,
            applications=tuple(self.applications.values()),
            integrations=tuple(self.integrations.values()),
            capabilities=tuple(self.capabilities.values()),
            technologies=tuple(self.technologies.values()),
        )

    def is_duplicate(self, delta: GraphDelta) -> bool:
        return delta.version <= self.version

    def apply(self, delta: GraphDelta) -> None:
        """Apply a delta that starts at this version; raises ``VersionGap`` otherwise."""
        if delta.from_version != self.version:
            raise VersionGap(self.version, delta.from_version)
        for app_id in delta.applications_removed:
            self.applications.pop(app_id, None)
        self.applications.update((a.id, a) for a in delta.applications_upserted)
        for integration_id in delta.integrations_removed:
            self.integrations.pop(integration_id, None)
        self.integrations.update((i.id, i) for i in delta.integrations_upserted)
        for capability_id in delta.capabilities_removed:
            self.capabilities.pop(capability_id, None)
        self.capabilities.update((c.id, c) for c in delta.capabilities_upserted)
        for technology_id in delta.technologies_removed:
            self.technologies.pop(technology_id, None)
        self.technologies.update((t.id, t) for t in delta.technologies_upserted)
        self.version = delta.version
        self.inventory_sequence = delta.inventory_sequence


LIVE = frozenset({Lifecycle.PLAN, Lifecycle.ACTIVE, Lifecycle.PHASE_OUT})
"""Lifecycles of applications that still (or soon) realise their capabilities."""


class Landscape:
    """Read-only, indexed view of one landscape: the integration graph (supplier ->
    consumer, one edge per integration keyed by its id) and capability -> applications."""

    def __init__(
        self,
        *,
        applications: Iterable[ApplicationRecord],
        integrations: Iterable[IntegrationRecord],
        capabilities: Iterable[CapabilityRecord] = (),
        technologies: Iterable[TechnologyRecord] = (),
        version: int = 0,
    ) -> None:
        self.version = version
        self.applications: dict[str, ApplicationRecord] = {a.id: a for a in applications}
        self.capabilities: dict[str, CapabilityRecord] = {c.id: c for c in capabilities}
        self.technologies: dict[str, TechnologyRecord] = {t.id: t for t in technologies}
        # Dangling integrations (an endpoint unknown here) cannot carry data: left out.
        self.integrations: dict[str, IntegrationRecord] = {
            i.id: i
            for i in integrations
            if i.source in self.applications and i.target in self.applications
        }
        # Adjacency in the same order networkx would give (neighbours by first edge, then
        # edges in insertion order), without building the MultiDiGraph on every run.
        succ: dict[str, dict[str, list[IntegrationRecord]]] = {}
        pred: dict[str, dict[str, list[IntegrationRecord]]] = {}
        for integration in self.integrations.values():
            succ.setdefault(integration.source, {}).setdefault(integration.target, []).append(
                integration
            )
            pred.setdefault(integration.target, {}).setdefault(integration.source, []).append(
                integration
            )
        self._out: dict[str, list[IntegrationRecord]] = {
            app_id: [i for edges in by_target.values() for i in edges]
            for app_id, by_target in succ.items()
        }
        self._in: dict[str, list[IntegrationRecord]] = {
            app_id: [i for edges in by_source.values() for i in edges]
            for app_id, by_source in pred.items()
        }
        realisers: dict[str, set[str]] = defaultdict(set)
        for app in self.applications.values():
            if app.lifecycle in LIVE:
                for capability in app.capabilities:
                    realisers[capability].add(app.id)
        self.realisers: dict[str, set[str]] = dict(realisers)

    @classmethod
    def from_content(cls, content: GraphContent) -> Landscape:
        return cls(
            applications=content.applications,
            integrations=content.integrations,
            capabilities=content.capabilities,
            technologies=content.technologies,
            version=content.version,
        )

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The integration graph (supplier -> consumer, keyed by integration id), built on
        first use: the rules themselves use the adjacency lists."""
        graph: nx.MultiDiGraph = nx.MultiDiGraph()
        graph.add_nodes_from(self.applications)
        graph.add_edges_from((i.source, i.target, i.id) for i in self.integrations.values())
        return graph

    @property
    def is_empty(self) -> bool:
        return not self.applications

    def outgoing(self, app_id: str) -> list[IntegrationRecord]:
        """Integrations where ``app_id`` supplies the data."""
        return list(self._out.get(app_id, ()))

    def incoming(self, app_id: str) -> list[IntegrationRecord]:
        """Integrations where ``app_id`` consumes the data."""
        return list(self._in.get(app_id, ()))

    def changed_suppliers(self, other: Landscape) -> set[str]:
        """Applications whose outgoing integrations differ between ``other`` and this one."""
        mine, theirs = self._out, other._out
        return {a for a in mine.keys() | theirs.keys() if mine.get(a) != theirs.get(a)}

    def capability_name(self, capability_id: str) -> str:
        record = self.capabilities.get(capability_id)
        return record.name if record is not None else capability_id

    def without(self, app_ids: Iterable[str]) -> Landscape:
        """The landscape after retiring ``app_ids`` (their integrations disappear too)."""
        gone = set(app_ids)
        return Landscape(
            applications=[a for a in self.applications.values() if a.id not in gone],
            integrations=self.integrations.values(),
            capabilities=self.capabilities.values(),
            technologies=self.technologies.values(),
            version=self.version,
        )
