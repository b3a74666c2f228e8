"""The landscape as the rationalizer sees it: an indexed, read-only model built from its graph
replica (``graph_replica``), patched from the previous run's where little changed."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import networkx as nx

from snoei.rationalizer.domain.graph_replica import Touch, Touched
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    Lifecycle,
    TechnologyRecord,
)

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
        self._index(previous, None)

    def _index(self, previous: Landscape | None, diff: IntegrationDiff | None) -> None:
        """Adjacency and realisers; ``diff``: the integrations changed and removed since
        ``previous`` with the positions of the integrations, when the caller knows them."""
        self._out: dict[str, list[IntegrationRecord]]
        self._in: dict[str, list[IntegrationRecord]]
        # Patched from ``previous``: only the adjacency of these (suppliers, consumers) can
        # differ from its. A weak reference, so that landscapes do not keep a chain alive.
        self._patched: tuple[weakref.ref[Landscape], set[str], set[str]] | None = None
        # Each integration's place in ``integrations`` (gone ones may stay): kept once made.
        self._positions: dict[str, int] | None = None
        # Made by ``patch``: the applications whose record is not ``previous``'s.
        self._records_changed: tuple[weakref.ref[Landscape], frozenset[str]] | None = None
        if previous is None or not self._patch_adjacency(previous, diff):
            self._build_adjacency()
        if previous is not None and diff is not None and diff.same_realisers:
            self.realisers: dict[str, set[str]] = previous.realisers
            return
        realisers: dict[str, set[str]] = defaultdict(set)
        for app in self.applications.values():
            if app.lifecycle in LIVE:
                for capability in app.capabilities:
                    realisers[capability].add(app.id)
        self.realisers = dict(realisers)

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

    def _patch_adjacency(self, previous: Landscape, diff: IntegrationDiff | None) -> bool:
        """Rebuild only the adjacency lists of applications with an integration added,
        removed or changed since ``previous``; False when too much changed to be worth it."""
        now, old = self.integrations, previous.integrations
        if diff is None:
            changed = [i for k, i in now.items() if old.get(k) is not i]
            removed = [i for k, i in old.items() if now.get(k) is not i]
        else:
            changed, removed = diff.changed, diff.removed
        if len(changed) + len(removed) > max(16, len(now) // 20):
            return False
        if diff is None:
            self._positions = {k: n for n, k in enumerate(now)}
        else:
            self._positions = diff.positions
        position = self._positions
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
    def from_content(
        cls,
        content: GraphContent,
        previous: Landscape | None = None,
        touched: Touched | None = None,
    ) -> Landscape:
        """``touched``: what the replica's deltas did since ``previous`` was built from it;
        with both, only what they touched is looked at (see ``patch``)."""
        if previous is not None and touched is not None:
            patched = patch(previous, touched, content)
            if patched is not None:
                return patched
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
        candidates: Iterable[str]
        if self._patched is not None and self._patched[0]() is other:
            candidates = self._patched[side]  # the others share other's very lists
        else:
            candidates = mine.keys() | theirs.keys()
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
class IntegrationDiff:
    """Since a previous landscape: the integrations that are new objects and the ones no
    longer there as they were (the old object of a changed one too), each integration's
    place, and whether no application's realised capabilities moved."""

    changed: list[IntegrationRecord]
    removed: list[IntegrationRecord]
    positions: dict[str, int]
    same_realisers: bool


def patch(previous: Landscape, touched: Touched, content: GraphContent) -> Landscape | None:
    """``previous`` with the records ``touched`` names (``content`` is the replica now):
    the same landscape a rebuild gives, records in the same order. None when the changes
    move records in that order (an application added or removed, an integration removed
    and added again, a dangling one connected): then only a rebuild is exact."""
    if touched.did("application", Touch.ADDED) or touched.did("application", Touch.REMOVED):
        return None
    applications = dict(previous.applications)
    same_realisers = True
    for app_id, app in touched.applications.items():
        if app is None:
            return None
        same_realisers = same_realisers and _realises(previous.applications[app_id]) == (
            _realises(app)
        )
        applications[app_id] = app
    patched = _patch_integrations(previous, touched, applications)
    if patched is None:
        return None
    integrations, diff = patched
    landscape = Landscape.__new__(Landscape)
    landscape.version = content.version
    landscape.applications = applications
    landscape.capabilities = {c.id: c for c in content.capabilities}
    landscape.technologies = {t.id: t for t in content.technologies}
    landscape.integrations = integrations
    landscape._index(previous, IntegrationDiff(*diff, same_realisers=same_realisers))
    landscape._records_changed = (
        weakref.ref(previous),
        frozenset(
            a for a, app in touched.applications.items() if previous.applications[a] is not app
        ),
    )
    return landscape


def _patch_integrations(
    previous: Landscape, touched: Touched, applications: dict[str, ApplicationRecord]
) -> (
    tuple[
        dict[str, IntegrationRecord],
        tuple[list[IntegrationRecord], list[IntegrationRecord], dict[str, int]],
    ]
    | None
):
    """``previous``'s integrations with the touched ones, and what changed (see
    ``IntegrationDiff``); None where a rebuild would order them differently."""
    present = {k for k, record in touched.integrations.items() if record is not None}
    if touched.did("integration", Touch.REMOVED) & present:
        return None
    positions = dict(
        previous._positions
        if previous._positions is not None
        else {k: n for n, k in enumerate(previous.integrations)}
    )
    added = touched.did("integration", Touch.ADDED)
    integrations = dict(previous.integrations)
    changed: list[IntegrationRecord] = []
    removed: list[IntegrationRecord] = []
    for key, record in touched.integrations.items():
        before = integrations.get(key)
        if record is before:
            continue
        if before is not None:
            removed.append(before)
        if (
            record is None
            or record.source not in applications
            or (record.target not in applications)
        ):
            integrations.pop(key, None)
            continue
        if before is None:
            if key not in added:
                return None  # connected now, but its place among the others is unknown
            positions[key] = len(positions)
        integrations[key] = record
        changed.append(record)
    return integrations, (changed, removed, positions)


def _realises(app: ApplicationRecord) -> tuple[str, ...]:
    return tuple(app.capabilities) if app.lifecycle in LIVE else ()


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed in a landscape since an earlier one of the same replica."""

    applications: frozenset[str]  # records upserted or removed
    integrations: frozenset[str]  # applications whose incoming or outgoing ones changed
    capabilities: bool  # the capability map changed
    # The very realisers of the earlier landscape: no application's realised capabilities
    # moved (False may also mean they were rebuilt the same).
    same_realisers: bool = False
    # The landscape is the earlier one patched: the same applications in the same order.
    patched: bool = False

    @classmethod
    def between(cls, landscape: Landscape, previous: Landscape) -> Changes:
        now, before = landscape.applications, previous.applications
        known = landscape._records_changed
        patched = known is not None and known[0]() is previous
        return cls(
            known[1]
            if known is not None and patched
            else frozenset(a for a, record in now.items() if before.get(a) is not record)
            | (before.keys() - now.keys()),
            frozenset(
                landscape.changed_suppliers(previous) | landscape.changed_consumers(previous)
            ),
            landscape.capabilities != previous.capabilities,
            landscape.realisers is previous.realisers,
            patched,
        )
