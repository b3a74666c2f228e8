"""The landscape as the rationalizer sees it: a replica of the dependency graph, kept
current by applying versioned deltas, and an indexed, read-only model built from it."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

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
        # Built without validation: every record in the replica was validated on arrival,
        # and validating 60k records again cost about 15 ms a run at 10k applications.
        return GraphContent.model_construct(
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
        previous: Landscape | None = None,
    ) -> None:
        """``previous`` (an earlier landscape of the same replica, sharing its unchanged
        record objects) lets the adjacency be patched instead of rebuilt: same result."""
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
        self._out: dict[str, list[IntegrationRecord]]
        self._in: dict[str, list[IntegrationRecord]]
        # Patched from ``previous``: only the adjacency of these (suppliers, consumers) can
        # differ from its. A weak reference, so that landscapes do not keep a chain alive.
        self._patched: tuple[weakref.ref[Landscape], set[str], set[str]] | None = None
        if previous is None or not self._patch_adjacency(previous):
            self._build_adjacency()
        realisers: dict[str, set[str]] = defaultdict(set)
        for app in self.applications.values():
            if app.lifecycle in LIVE:
                for capability in app.capabilities:
                    realisers[capability].add(app.id)
        self.realisers: dict[str, set[str]] = dict(realisers)

    def _build_adjacency(self) -> None:
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
        self._out = {
            app_id: [i for edges in by_target.values() for i in edges]
            for app_id, by_target in succ.items()
        }
        self._in = {
            app_id: [i for edges in by_source.values() for i in edges]
            for app_id, by_source in pred.items()
        }

    def _patch_adjacency(self, previous: Landscape) -> bool:
        """Rebuild only the adjacency lists of applications with an integration added,
        removed or changed since ``previous``; False when too much changed to be worth it."""
        now, old = self.integrations, previous.integrations
        changed = [i for k, i in now.items() if old.get(k) is not i]
        removed = [i for k, i in old.items() if now.get(k) is not i]
        if len(changed) + len(removed) > max(16, len(now) // 20):
            return False
        position = {k: n for n, k in enumerate(now)}
        self._out = dict(previous._out)
        self._in = dict(previous._in)
        self._patched = (weakref.ref(previous), set(), set())
        for adjacency, end, other_end, rebuilt in (
            (self._out, "source", "target", self._patched[1]),
            (self._in, "target", "source", self._patched[2]),
        ):
            touched: dict[str, list[IntegrationRecord]] = {}
            for integration in (*changed, *removed):
                touched.setdefault(getattr(integration, end), [])
            for integration in changed:
                touched[getattr(integration, end)].append(integration)
            rebuilt.update(touched)
            for app_id, added in touched.items():
                kept = [i for i in adjacency.get(app_id, ()) if now.get(i.id) is i]
                members = sorted((*kept, *added), key=lambda i: position[i.id])
                grouped: dict[str, list[IntegrationRecord]] = {}
                for integration in members:
                    grouped.setdefault(getattr(integration, other_end), []).append(integration)
                if members:
                    adjacency[app_id] = [i for edges in grouped.values() for i in edges]
                else:
                    adjacency.pop(app_id, None)
        return True

    @classmethod
    def from_content(cls, content: GraphContent, previous: Landscape | None = None) -> Landscape:
        return cls(
            applications=content.applications,
            integrations=content.integrations,
            capabilities=content.capabilities,
            technologies=content.technologies,
            version=content.version,
            previous=previous,
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
        return self._changed(other, self._out, other._out, 1)

    def changed_consumers(self, other: Landscape) -> set[str]:
        """Applications whose incoming integrations differ between ``other`` and this one."""
        return self._changed(other, self._in, other._in, 2)

    def _changed(
        self,
        other: Landscape,
        mine: dict[str, list[IntegrationRecord]],
        theirs: dict[str, list[IntegrationRecord]],
        side: Literal[1, 2],
    ) -> set[str]:
        candidates: Iterable[str] = mine.keys() | theirs.keys()
        if self._patched is not None and self._patched[0]() is other:
            candidates = self._patched[side]  # the others share other's very lists
        return {a for a in candidates if mine.get(a) != theirs.get(a)}

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


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed in a landscape since an earlier one of the same replica."""

    applications: frozenset[str]  # records upserted or removed
    integrations: frozenset[str]  # applications whose incoming or outgoing ones changed
    capabilities: bool  # the capability map changed

    @classmethod
    def between(cls, landscape: Landscape, previous: Landscape) -> Changes:
        now, before = landscape.applications, previous.applications
        return cls(
            frozenset(a for a, record in now.items() if before.get(a) is not record)
            | (before.keys() - now.keys()),
            frozenset(
                landscape.changed_suppliers(previous) | landscape.changed_consumers(previous)
            ),
            landscape.capabilities != previous.capabilities,
        )
