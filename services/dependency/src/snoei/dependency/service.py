"""Dependency use cases: apply inventory events to the persisted graph (in order, once),
answer from the live graph, and publish debounced graph versions."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from snoei.dependency.adapters.repository import GraphRepository, ItemChanges
from snoei.dependency.domain import analysis
from snoei.dependency.domain.errors import SequenceGap, UnknownLandscape
from snoei.dependency.domain.graph import ItemKey, LandscapeGraph
from snoei.shared.contracts.graph import GraphChanged, GraphContent, GraphDelta, GraphHead
from snoei.shared.contracts.inventory_events import InventoryEvent
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)
from snoei.shared.kafka import OutgoingMessage
from snoei.shared.tracing import trace_headers

log = logging.getLogger(__name__)


class EventSource(Protocol):
    """Where missing events are replayed from (the inventory's HTTP API)."""

    async def events(
        self, landscape_id: str, *, from_sequence: int, limit: int
    ) -> list[InventoryEvent]: ...


class Publisher(Protocol):
    async def publish(self, messages: Sequence[OutgoingMessage]) -> None: ...


class GapNotRepaired(Exception):
    """The inventory did not return the missing events; the batch is retried later."""


@dataclass
class ApplyResult:
    applied: int = 0
    duplicates: int = 0
    replayed: int = 0


class DependencyService:
    def __init__(
        self,
        *,
        repository: GraphRepository,
        inventory: EventSource,
        replay_page_size: int,
        clusters_debounce_s: float,
        changed: asyncio.Event,
        upstream_heads: Callable[[], Awaitable[Mapping[str, int]]] | None = None,
    ) -> None:
        self._repository = repository
        self._inventory = inventory
        self._upstream_heads = upstream_heads  # the inventory's stored heads, if it is known
        self._page = replay_page_size
        self._clusters_debounce = clusters_debounce_s
        self._changed = changed
        self._graphs: dict[str, LandscapeGraph] = {}
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._clusters: dict[str, tuple[float, analysis.Clusters]] = {}

    async def apply(self, events: Sequence[InventoryEvent]) -> ApplyResult:
        """Apply events per landscape in sequence order; each landscape's touched items and
        its new sequence are stored in one transaction."""
        result = ApplyResult()
        by_landscape: dict[str, list[InventoryEvent]] = defaultdict(list)
        for event in events:
            by_landscape[event.landscape_id].append(event)
        for landscape_id, batch in by_landscape.items():
            async with self._locks[landscape_id]:
                try:
                    await self._apply_landscape(landscape_id, batch, result)
                except BaseException:
                    # The in-memory graph may hold events that were not stored: reload later.
                    self._graphs.pop(landscape_id, None)
                    raise
        if result.applied or result.replayed:
            self._changed.set()
        return result

    async def _apply_landscape(
        self, landscape_id: str, batch: list[InventoryEvent], result: ApplyResult
    ) -> None:
        g = await self._current(landscape_id)
        if g is None:
            g = LandscapeGraph(landscape_id)
        expected = g.sequence
        touched: dict[ItemKey, None] = {}
        for event in sorted(batch, key=lambda e: e.sequence or 0):
            try:
                key = g.apply(event)
            except SequenceGap as gap:
                result.replayed += await self._repair(g, gap, touched)
                key = g.apply(event)
            if key is None:
                result.duplicates += 1
            else:
                touched[key] = None
                result.applied += 1
        if g.sequence == expected:
            self._graphs[landscape_id] = g
            return
        changes = item_changes(g, list(touched))
        async with self._repository.unit_of_work() as uow:
            await uow.advance(landscape_id, expected=expected, sequence=g.sequence, changes=changes)
        self._graphs[landscape_id] = g

    async def _repair(
        self, g: LandscapeGraph, gap: SequenceGap, touched: dict[ItemKey, None]
    ) -> int:
        """Replay the missing events ``gap.expected .. gap.received - 1`` from the inventory."""
        log.warning(
            "sequence gap; replaying from inventory",
            extra={
                "landscape_id": g.landscape_id,
                "expected": gap.expected,
                "received": gap.received,
            },
        )
        replayed = 0
        while g.sequence < gap.received - 1:
            missing = gap.received - 1 - g.sequence
            page = await self._inventory.events(
                g.landscape_id, from_sequence=g.sequence + 1, limit=min(missing, self._page)
            )
            progressed = False
            for event in page:
                if event.landscape_id != g.landscape_id or (event.sequence or 0) >= gap.received:
                    continue
                key = g.apply(event)
                if key is not None:
                    touched[key] = None
                    replayed += 1
                    progressed = True
            if not progressed:
                raise GapNotRepaired(
                    f"inventory did not replay sequence {g.sequence + 1} of {g.landscape_id!r}"
                )
        return replayed

    async def heads(self, landscapes: frozenset[str] | None) -> dict[str, int]:
        """Each landscape's last graph version: the rationalizer catches up to it."""
        return await self._repository.heads(landscapes)

    async def catch_up(self, heads: Mapping[str, int]) -> int:
        """Replay from the inventory what each landscape's graph lacks of the inventory's
        stored head (``heads``: landscape → last event sequence), e.g. events a broker
        acknowledged and then lost with no later event to reveal the gap. Returns how many
        landscapes it brought forward."""
        stored = await self._repository.sequences()
        caught = 0
        for landscape_id, head in sorted(heads.items()):
            have = stored.get(landscape_id, 0)
            start = have
            while have < head:
                page = await self._inventory.events(
                    landscape_id, from_sequence=have + 1, limit=min(head - have, self._page)
                )
                await self.apply(page)
                now = await self._repository.head(landscape_id)
                if now is None or now[0] <= have:
                    raise GapNotRepaired(
                        f"inventory did not replay sequence {have + 1} of {landscape_id!r}"
                    )
                have = now[0]
            caught += have > start
        return caught

    async def _current(self, landscape_id: str) -> LandscapeGraph | None:
        """The cached graph if it is as new as the stored one, else the stored one."""
        head = await self._repository.head(landscape_id)
        if head is None:
            return None
        cached = self._graphs.get(landscape_id)
        if cached is not None and cached.sequence >= head[0]:
            cached.version = head[1]
            return cached
        started = time.perf_counter()
        content = await self._repository.load(landscape_id)
        if content is None:
            return None
        g = LandscapeGraph.from_content(landscape_id, content)
        self._graphs[landscape_id] = g
        log.info(
            "loaded graph from postgres",
            extra={
                "landscape_id": landscape_id,
                "applications": len(g.applications),
                "integrations": len(g.integrations),
                "sequence": g.sequence,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return g

    async def graph(self, landscape_id: str) -> LandscapeGraph:
        """The landscape's current graph for a query; ``UnknownLandscape`` if it has none."""
        head = await self._repository.head(landscape_id)
        if head is None:
            raise UnknownLandscape(landscape_id)
        cached = self._graphs.get(landscape_id)
        if cached is not None and cached.sequence >= head[0]:
            cached.version = head[1]  # versions are cut by the notifier, maybe elsewhere
            return cached
        async with self._locks[landscape_id]:
            g = await self._current(landscape_id)
        if g is None:
            raise UnknownLandscape(landscape_id)
        return g

    async def clusters(self, landscape_id: str) -> analysis.Clusters:
        """Communities, recomputed at most every ``clusters_debounce_s`` while the graph
        changes (never per event), off the event loop."""
        g = await self.graph(landscape_id)
        cached = self._clusters.get(landscape_id)
        now = time.monotonic()
        if cached is not None and (
            cached[1].inventory_sequence == g.sequence or now - cached[0] < self._clusters_debounce
        ):
            return cached[1]
        view = analysis.cluster_view(g)
        answer = await asyncio.to_thread(analysis.communities, view, g.sequence)
        self._clusters[landscape_id] = (now, answer)
        return answer

    async def head(self, landscape_id: str) -> GraphHead:
        """The last version stored, and whether more is on its way: changes applied since,
        or events the inventory stored and this service has not applied yet."""
        head = await self._repository.head(landscape_id)
        if head is None:
            raise UnknownLandscape(landscape_id)
        sequence, version = head
        pending = await self._repository.pending(landscape_id)
        if not pending and self._upstream_heads is not None:
            try:
                pending = (await self._upstream_heads()).get(landscape_id, 0) > sequence
            except Exception as exc:  # an unreachable inventory does not make this one fail
                log.info("could not read the inventory's heads", extra={"error": str(exc)})
        return GraphHead(version=version, inventory_sequence=sequence, pending=pending)

    @asynccontextmanager
    async def live(self, landscape_id: str) -> AsyncIterator[LandscapeGraph | None]:
        """The graph in memory, if any, held still: no apply of the landscape runs in this
        process meanwhile. Its ``sequence`` says how far it is; the store may be elsewhere
        (another instance advanced it)."""
        async with self._locks[landscape_id]:
            yield self._graphs.get(landscape_id)

    async def snapshot(self, landscape_id: str) -> GraphContent:
        """The whole graph; its version never claims changes the content lacks."""
        return (await self.graph(landscape_id)).content()


@asynccontextmanager
async def no_graph(landscape_id: str) -> AsyncIterator[LandscapeGraph | None]:
    """No graph in memory: every version is read from the store."""
    yield None


def item_changes(g: LandscapeGraph, keys: list[ItemKey]) -> ItemChanges:
    """The state of ``keys`` in ``g``: records by kind in the keys' order, ids not there."""
    changes = ItemChanges(keys=keys)
    for key in keys:
        record = g.record(key)
        if record is None:
            changes.deletes[key[0]].append(key[1])
        else:
            changes.upserts[key[0]].append(record)
    return changes


class GraphNotifier:
    """Publishes ``dependency.graph``: at most one new version per landscape per debounce
    window, cut from the items changed since the last version and sent via an outbox, so a
    crash between commit and send only delays the message. The window is a rate limit, not a
    delay: the first change after a quiet window is published at once.

    Which items changed comes from the store; their state from the graph in memory
    (``live``, held still while the version is cut) when it is at the stored sequence,
    else from the store. Read back, a bulk load's versions were validated again record by
    record (a tenth of the service's CPU in B1)."""

    def __init__(
        self,
        *,
        repository: GraphRepository,
        publisher: Publisher,
        topic: str,
        debounce_s: float,
        changed: asyncio.Event,
        idle_interval_s: float = 5.0,
        live: Callable[[str], AbstractAsyncContextManager[LandscapeGraph | None]] = no_graph,
    ) -> None:
        self._repository = repository
        self._live = live
        self._publisher = publisher
        self._topic = topic
        self._debounce = debounce_s
        self._changed = changed
        self._idle = idle_interval_s
        self.versions_published = 0
        self.versions_from_memory = 0  # cut from the live graph, not read back

    async def run(self) -> None:
        last_flush = -self._debounce
        while True:
            last_flush = time.monotonic()
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("publishing graph versions failed; retrying")
            try:
                await asyncio.wait_for(self._changed.wait(), self._idle)
            except TimeoutError:
                pass
            else:
                # At most one version per window: a change after a quiet spell goes out at
                # once (freshness), the rest of a burst waits for the window to close.
                await asyncio.sleep(max(0.0, last_flush + self._debounce - time.monotonic()))
            self._changed.clear()

    async def flush(self) -> None:
        for landscape_id in await self._repository.landscapes_with_unpublished():
            await self.cut_version(landscape_id)
        while rows := await self._repository.outbox(1000):
            await self._publisher.publish(
                [
                    OutgoingMessage(
                        self._topic, r.landscape_id.encode(), r.body, trace_headers(r.traceparent)
                    )
                    for r in rows
                ]
            )
            await self._repository.sent(rows)
            self.versions_published += len(rows)

    async def cut_version(self, landscape_id: str) -> int | None:
        """Turn the pending changes of a landscape into its next version (None: nothing)."""
        async with self._live(landscape_id) as g, self._repository.unit_of_work() as uow:
            head = await uow.lock_version(landscape_id)
            if head is None:
                return None
            sequence, version = head
            keys = await uow.take_unpublished(landscape_id)
            if not keys:
                return None
            changes = self._from_memory(g, sequence, keys)
            if changes is None:
                changes = await uow.read_items(landscape_id, keys)
            delta = GraphDelta(
                from_version=version,
                version=version + 1,
                inventory_sequence=sequence,
                applications_upserted=tuple(
                    r for r in changes.upserts["application"] if isinstance(r, ApplicationRecord)
                ),
                applications_removed=tuple(changes.deletes["application"]),
                integrations_upserted=tuple(
                    r for r in changes.upserts["integration"] if isinstance(r, IntegrationRecord)
                ),
                integrations_removed=tuple(changes.deletes["integration"]),
                capabilities_upserted=tuple(
                    r for r in changes.upserts["capability"] if isinstance(r, CapabilityRecord)
                ),
                capabilities_removed=tuple(changes.deletes["capability"]),
                technologies_upserted=tuple(
                    r for r in changes.upserts["technology"] if isinstance(r, TechnologyRecord)
                ),
                technologies_removed=tuple(changes.deletes["technology"]),
            )
            message = GraphChanged(landscape_id=landscape_id, sequence=delta.version, payload=delta)
            await uow.add_version(landscape_id, delta.version, message.to_bytes())
        return delta.version

    def _from_memory(
        self, g: LandscapeGraph | None, sequence: int, keys: list[ItemKey]
    ) -> ItemChanges | None:
        """The items' state from the live graph if it is at the stored ``sequence``."""
        if g is None or g.sequence != sequence:
            return None
        self.versions_from_memory += 1
        return item_changes(g, sorted(keys))  # ids in code point order, as COLLATE "C"
