"""A landscape's graph as the rationalizer keeps it: a replica of the dependency service's
graph, kept current by applying versioned deltas, which remembers what each delta touched
so that a run can patch its last landscape instead of rebuilding it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from snoei.shared.contracts.graph import GraphContent, GraphDelta
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)

R = TypeVar("R", ApplicationRecord, IntegrationRecord)

JOURNAL_LIMIT = 20_000
"""Touches remembered; a replica that took more since a run's landscape is rebuilt."""


class VersionGap(Exception):
    """A delta does not follow the replica's version: a snapshot is needed."""

    def __init__(self, have: int, delta_from: int) -> None:
        super().__init__(f"replica at version {have}, delta starts at {delta_from}")
        self.have = have
        self.delta_from = delta_from


class Touch(Enum):
    ADDED = "added"  # an id the replica did not hold
    UPDATED = "updated"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Touched:
    """What the deltas after some version did to applications and integrations, with each
    touched record as it is now (None: gone), in the order first touched."""

    applications: dict[str, ApplicationRecord | None]
    integrations: dict[str, IntegrationRecord | None]
    touches: frozenset[tuple[str, str, Touch]]  # (kind, id, how), each how it happened

    def did(self, kind: str, how: Touch) -> set[str]:
        return {i for k, i, h in self.touches if k == kind and h is how}


@dataclass
class GraphReplica:
    """A mutable copy of one landscape's graph at ``version``."""

    version: int = 0
    inventory_sequence: int = 0
    applications: dict[str, ApplicationRecord] = field(default_factory=dict)
    integrations: dict[str, IntegrationRecord] = field(default_factory=dict)
    capabilities: dict[str, CapabilityRecord] = field(default_factory=dict)
    technologies: dict[str, TechnologyRecord] = field(default_factory=dict)
    # (version, kind, id, how) of every application and integration a delta touched since
    # the version ``_journal_from``: the version this object started at, or later if trimmed.
    _journal: list[tuple[int, str, str, Touch]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    _journal_from: int = field(default=-1, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._journal_from = self.version

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
        self._journaled(
            "application",
            self.applications,
            delta.applications_removed,
            delta.applications_upserted,
            delta.version,
        )
        self._journaled(
            "integration",
            self.integrations,
            delta.integrations_removed,
            delta.integrations_upserted,
            delta.version,
        )
        for capability_id in delta.capabilities_removed:
            self.capabilities.pop(capability_id, None)
        self.capabilities.update((c.id, c) for c in delta.capabilities_upserted)
        for technology_id in delta.technologies_removed:
            self.technologies.pop(technology_id, None)
        self.technologies.update((t.id, t) for t in delta.technologies_upserted)
        self.version = delta.version
        self.inventory_sequence = delta.inventory_sequence
        if len(self._journal) > JOURNAL_LIMIT:
            self._journal.clear()
            self._journal_from = self.version

    def _journaled(
        self,
        kind: str,
        records: dict[str, R],
        removed: Iterable[str],
        upserted: Iterable[R],
        version: int,
    ) -> None:
        """Apply removals and upserts of one kind of record, noting each in the journal."""
        touched = self._journal.append
        for record_id in removed:
            if records.pop(record_id, None) is not None:
                touched((version, kind, record_id, Touch.REMOVED))
        for record in upserted:
            how = Touch.UPDATED if record.id in records else Touch.ADDED
            touched((version, kind, record.id, how))
            records[record.id] = record

    def touched_since(self, version: int) -> Touched | None:
        """What the deltas after ``version`` touched; None when this replica cannot say (it
        started, or last forgot, after ``version``; or ``version`` is ahead of it)."""
        if version < self._journal_from or version > self.version:
            return None
        applications: dict[str, ApplicationRecord | None] = {}
        integrations: dict[str, IntegrationRecord | None] = {}
        touches: set[tuple[str, str, Touch]] = set()
        for at, kind, item_id, how in self._journal:
            if at <= version:
                continue
            touches.add((kind, item_id, how))
            if kind == "application":
                applications[item_id] = self.applications.get(item_id)
            else:
                integrations[item_id] = self.integrations.get(item_id)
        return Touched(applications, integrations, frozenset(touches))
