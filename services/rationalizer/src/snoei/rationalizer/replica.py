"""Keeps each landscape's graph replica current: applies graph versions in order, repairs a
version gap from a snapshot fetched before any row is locked, and hands the replica to the
use cases that read it (cached while its version matches the store)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from snoei.rationalizer.adapters.dependency_client import DependencyUnavailable
from snoei.rationalizer.adapters.replicas import ReplicaRepository
from snoei.rationalizer.domain.graph_replica import GraphReplica
from snoei.shared.contracts.graph import GraphContent, GraphDelta, GraphEvent, GraphSnapshot

log = logging.getLogger(__name__)


class SnapshotSource(Protocol):
    async def snapshot(self, landscape_id: str) -> GraphContent: ...


class ReplicaConflict(RuntimeError):
    """The stored replica kept moving while a change to it was worked out."""


class LandscapeLocks:
    """One lock per landscape: in this process, a landscape's replica changes and its runs
    take turns (a run evaluates one consistent version)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, landscape_id: str) -> asyncio.Lock:
        return self._locks.setdefault(landscape_id, asyncio.Lock())


@dataclass
class ReplicaChange:
    """What some graph events do to the stored replica, worked out in memory before the
    replica's row is locked. ``base`` is the stored version it was worked out from."""

    base: int | None
    replica: GraphReplica | None
    replace: bool = False  # store the whole replica (a snapshot, a first or repaired version)
    deltas: list[GraphDelta] = field(default_factory=list)  # else: apply these in order
    stale: bool = False  # a gap could not be repaired

    @property
    def changed(self) -> bool:
        return self.replace or bool(self.deltas)

    def snapshot(self, content: GraphContent) -> None:
        if self.replica is None or content.version >= self.replica.version:
            self._replace(GraphReplica.from_content(content))

    def apply(self, delta: GraphDelta) -> bool:
        """Apply a delta that follows the replica (a repeated one changes nothing); False if
        it does not follow: a version gap."""
        replica = self.replica
        if replica is not None and replica.is_duplicate(delta):
            return True
        if replica is not None and delta.from_version == replica.version:
            replica.apply(delta)
            self.deltas.append(delta)
            self.stale = False
            return True
        if replica is None and delta.from_version == 0:
            first = GraphReplica()
            first.apply(delta)
            self._replace(first)
            return True
        return False

    def repair(self, fetched: GraphContent | None, delta: GraphDelta) -> bool:
        """Close a gap before ``delta`` with a fetched snapshot; False if it cannot."""
        if fetched is None or fetched.version < delta.from_version:
            self.stale = True
            return False
        repaired = GraphReplica.from_content(fetched)
        if delta.from_version == repaired.version:
            repaired.apply(delta)
        self._replace(repaired)
        return True

    def _replace(self, replica: GraphReplica) -> None:
        self.replica = replica
        self.replace = True
        self.deltas.clear()
        self.stale = False


class ReplicaService:
    def __init__(
        self,
        *,
        repository: ReplicaRepository,
        snapshots: SnapshotSource | None,
        locks: LandscapeLocks,
        attempts: int = 3,
    ) -> None:
        self._repository = repository
        self._snapshots = snapshots
        self._locks = locks
        self._attempts = attempts
        self._cache: dict[str, GraphReplica] = {}

    async def apply_graph_events(
        self, events: Sequence[GraphEvent], partitions: Mapping[str, int] | None = None
    ) -> set[str]:
        """Apply events in order per landscape; returns the landscapes that changed.
        ``partitions``: the ``dependency.graph`` partition each landscape's events came on."""
        by_landscape: dict[str, list[GraphEvent]] = {}
        for event in events:
            by_landscape.setdefault(event.landscape_id, []).append(event)
        changed: set[str] = set()

        async def apply(landscape_id: str, own: list[GraphEvent]) -> None:
            async with self._locks(landscape_id):
                partition = (partitions or {}).get(landscape_id)
                if await self._apply(landscape_id, own, partition):
                    changed.add(landscape_id)

        # Landscapes are independent: one waiting for a snapshot holds up no other.
        async with asyncio.TaskGroup() as group:
            for landscape_id, own in by_landscape.items():
                group.create_task(apply(landscape_id, own))
        return changed

    async def current(self, landscape_id: str) -> tuple[GraphReplica | None, bool]:
        """The landscape's replica and whether it is stale; a landscape not seen yet is
        fetched from the dependency service first."""
        head = await self._repository.replica_version(landscape_id)
        if head is None:
            fetched = await self._fetch_snapshot(landscape_id)
            if fetched is None:
                return None, False
            first = GraphSnapshot(
                landscape_id=landscape_id, sequence=fetched.version or None, payload=fetched
            )
            await self._apply(landscape_id, [first], partition=None)
            head = await self._repository.replica_version(landscape_id)
            if head is None:
                return None, False
        cached = self._cache.get(landscape_id)
        if cached is not None and cached.version == head[0]:
            return cached, head[1]
        loaded = await self._repository.load_replica(landscape_id)
        if loaded is None:
            return None, False
        self._cache[landscape_id] = loaded[0]
        return loaded

    async def catch_up(self, heads: Mapping[str, int]) -> list[str]:
        """Bring each replica behind the dependency service's stored graph version
        (``heads``: landscape → version) up to a snapshot, e.g. after a broker acknowledged
        a graph version and then lost it with no later version to reveal the gap. Returns
        the landscapes brought forward; the due-run sweep evaluates them."""
        stored = await self._repository.versions()
        caught: list[str] = []
        for landscape_id, version in sorted(heads.items()):
            if stored.get(landscape_id, -1) >= version:
                continue
            fetched = await self._fetch_snapshot(landscape_id)
            if fetched is None:
                continue
            snapshot = GraphSnapshot(
                landscape_id=landscape_id, sequence=fetched.version or None, payload=fetched
            )
            async with self._locks(landscape_id):
                if await self._apply(landscape_id, [snapshot], partition=None):
                    caught.append(landscape_id)
        return caught

    async def version(self, landscape_id: str) -> int:
        """The graph version of the stored replica (0: none yet)."""
        head = await self._repository.replica_version(landscape_id)
        return 0 if head is None else head[0]

    async def landscapes(self) -> list[str]:
        """Every landscape with a replica."""
        return await self._repository.landscapes()

    async def _apply(
        self, landscape_id: str, events: Sequence[GraphEvent], partition: int | None
    ) -> bool:
        for _ in range(self._attempts):
            try:
                change = await self._work_out(landscape_id, events)
                stored = await self._store(landscape_id, change, partition)
            except BaseException:
                # The cached replica may hold changes that were not stored.
                self._cache.pop(landscape_id, None)
                raise
            if stored:
                if change.replica is not None:
                    self._cache[landscape_id] = change.replica
                return change.changed
            # Another writer (an instance taking over the partition) moved the replica
            # meanwhile: work the change out again from what it stored.
            self._cache.pop(landscape_id, None)
        raise ReplicaConflict(f"the replica of {landscape_id!r} kept changing; try again")

    async def _work_out(self, landscape_id: str, events: Sequence[GraphEvent]) -> ReplicaChange:
        """The change ``events`` make to the stored replica. No transaction is open here, so
        a slow snapshot for a gap holds no row lock."""
        change = ReplicaChange(*await self._stored(landscape_id))
        for event in events:
            if isinstance(event, GraphSnapshot):
                change.snapshot(event.payload)
                continue
            delta = event.payload
            if change.apply(delta):
                continue
            if not change.repair(await self._fetch_snapshot(landscape_id), delta):
                log.warning(
                    "graph version gap not repaired",
                    extra={
                        "landscape_id": landscape_id,
                        "have": change.replica and change.replica.version,
                        "delta_from": delta.from_version,
                    },
                )
        return change

    async def _store(self, landscape_id: str, change: ReplicaChange, partition: int | None) -> bool:
        """Write ``change`` under the replica's row lock; False if the stored version is no
        longer the one it was worked out from."""
        if not change.changed and not change.stale:
            return True
        async with self._repository.replicas() as store:
            if await store.lock(landscape_id) != change.base:
                return False
            if change.replace and change.replica is not None:
                await store.replace(landscape_id, change.replica, partition=partition)
            else:
                for delta in change.deltas:
                    await store.apply(landscape_id, delta, partition=partition)
            if change.stale:
                await store.mark_stale(landscape_id)
        return True

    async def _stored(self, landscape_id: str) -> tuple[int | None, GraphReplica | None]:
        """The stored version and replica (the cached one while its version matches)."""
        head = await self._repository.replica_version(landscape_id)
        if head is None:
            return None, None
        cached = self._cache.get(landscape_id)
        if cached is not None and cached.version == head[0]:
            return head[0], cached
        loaded = await self._repository.load_replica(landscape_id)
        if loaded is None:
            return None, None
        return loaded[0].version, loaded[0]

    async def _fetch_snapshot(self, landscape_id: str) -> GraphContent | None:
        if self._snapshots is None:
            return None
        try:
            return await self._snapshots.snapshot(landscape_id)
        except DependencyUnavailable as exc:
            log.warning(
                "snapshot unavailable", extra={"landscape_id": landscape_id, "error": str(exc)}
            )
            return None
