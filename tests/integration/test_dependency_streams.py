"""Duplicated, redelivered, gapped and interrupted event streams end in the same stored
graph as a clean stream (the service layer against a real PostgreSQL)."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

import asyncpg
import pytest

from snoei.dependency.adapters.repository import GraphRepository
from snoei.dependency.domain.errors import UnknownLandscape
from snoei.dependency.service import DependencyService, GraphNotifier, no_graph
from snoei.shared.contracts import inventory_events as ev
from snoei.shared.contracts.graph import GRAPH_EVENTS, GraphChanged, GraphContent, GraphHead
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    Criticality,
    IntegrationRecord,
    TechnologyRecord,
)
from snoei.shared.db import make_pool, migrate
from snoei.shared.kafka import OutgoingMessage

pytestmark = pytest.mark.integration
L = "gemeente-stream"


def stream(length: int = 300, seed: int = 7) -> list[ev.InventoryEvent]:
    """A deterministic mix of registrations, updates and removals with sequences 1..length."""
    rng = random.Random(seed)
    provenance: dict[str, Any] = {"change_id": uuid.uuid4(), "source": "test"}
    apps: set[str] = set()
    links: set[str] = set()
    events: list[ev.InventoryEvent] = []
    while len(events) < length:
        common: dict[str, Any] = {"landscape_id": L, "sequence": len(events) + 1}
        roll = rng.random()
        if roll < 0.35 or len(apps) < 3:
            app_id = f"app-{rng.randrange(40)}"
            record = ApplicationRecord(
                id=app_id,
                name=f"App {app_id} v{len(events)}",
                criticality=rng.choice(list(Criticality)),
            )
            cls = ev.ApplicationUpdated if app_id in apps else ev.ApplicationRegistered
            apps.add(app_id)
            events.append(
                cls(payload=ev.ApplicationState(application=record, **provenance), **common)
            )
        elif roll < 0.75:
            source, target = rng.sample(sorted(apps), 2)
            link_id = f"link-{rng.randrange(80)}"
            integration = IntegrationRecord(
                id=link_id, source=source, target=target, data_objects=(f"data {len(events)}",)
            )
            cls2 = ev.IntegrationUpdated if link_id in links else ev.IntegrationRegistered
            links.add(link_id)
            events.append(
                cls2(payload=ev.IntegrationState(integration=integration, **provenance), **common)
            )
        elif roll < 0.85 and apps:
            app_id = rng.choice(sorted(apps))
            apps.discard(app_id)
            events.append(
                ev.ApplicationRemoved(payload=ev.ItemRemoved(id=app_id, **provenance), **common)
            )
        elif roll < 0.95 and links:
            link_id = rng.choice(sorted(links))
            links.discard(link_id)
            events.append(
                ev.IntegrationRemoved(payload=ev.ItemRemoved(id=link_id, **provenance), **common)
            )
        else:
            tech = TechnologyRecord(id=f"java:{rng.randrange(8, 22)}", product="java", version="x")
            events.append(
                ev.TechnologyRegistered(
                    payload=ev.TechnologyState(technology=tech, **provenance), **common
                )
            )
    return events


class Inventory:
    """The inventory's replay endpoint over a known list of events (the port's fake)."""

    def __init__(self, events: Sequence[ev.InventoryEvent]) -> None:
        self._events = list(events)
        self.requests = 0

    async def events(
        self, landscape_id: str, *, from_sequence: int, limit: int
    ) -> list[ev.InventoryEvent]:
        self.requests += 1
        return [e for e in self._events if (e.sequence or 0) >= from_sequence][:limit]


class Sent:
    def __init__(self) -> None:
        self.messages: list[OutgoingMessage] = []

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        self.messages.extend(messages)


@pytest.fixture
async def pools(database_url: str) -> AsyncIterator[Callable[[str], asyncpg.Pool]]:
    opened: list[asyncpg.Pool] = []

    async def open_schema(schema: str) -> asyncpg.Pool:
        pool = await make_pool(database_url, schema=schema, max_size=3)
        await migrate(pool, schema=schema, package="snoei.dependency.migrations")
        opened.append(pool)
        return pool

    cache: dict[str, asyncpg.Pool] = {}

    def factory(schema: str) -> asyncpg.Pool:
        return cache[schema]

    for schema in ("clean", "dup", "redelivered", "gapped", "restart"):
        cache[schema] = await open_schema(schema)
    yield factory
    for pool in opened:
        await pool.close()


def service(
    pool: asyncpg.Pool,
    inventory: Inventory,
    upstream_heads: Callable[[], Awaitable[Mapping[str, int]]] | None = None,
) -> DependencyService:
    return DependencyService(
        repository=GraphRepository(pool),
        inventory=inventory,
        replay_page_size=4,
        clusters_debounce_s=0,
        changed=asyncio.Event(),
        upstream_heads=upstream_heads,
    )


def notifier_for(pool: asyncpg.Pool, sent: Sent, svc: DependencyService | None) -> GraphNotifier:
    """A notifier that cuts from ``svc``'s graph in memory, or (None) from the store."""
    return GraphNotifier(
        repository=GraphRepository(pool),
        publisher=sent,
        topic="t.dependency.graph",
        debounce_s=0.01,
        changed=asyncio.Event(),
        live=no_graph if svc is None else svc.live,
    )


def batches(events: list[ev.InventoryEvent], size: int) -> list[list[ev.InventoryEvent]]:
    return [events[i : i + size] for i in range(0, len(events), size)]


async def stored(pool: asyncpg.Pool) -> GraphContent:
    content = await GraphRepository(pool).load(L)
    assert content is not None
    return content


async def test_unusual_streams_end_in_the_same_graph_as_a_clean_stream(
    pools: Callable[[str], asyncpg.Pool],
) -> None:
    events = stream()
    inventory = Inventory(events)

    clean = service(pools("clean"), inventory)
    for batch in batches(events, 25):
        await clean.apply(batch)
    expected = await stored(pools("clean"))
    assert expected.inventory_sequence == len(events)
    assert expected == (await clean.snapshot(L))
    assert inventory.requests == 0

    dup = service(pools("dup"), inventory)
    for batch in batches(events, 25):
        result = await dup.apply(batch + batch)
        assert result.duplicates == len(batch)
    await dup.apply(events)  # a whole redelivery
    assert await stored(pools("dup")) == expected

    redelivered = service(pools("redelivered"), inventory)
    for start in range(0, len(events), 20):  # each batch rewinds 15 events
        await redelivered.apply(events[max(0, start - 15) : start + 20])
    assert await stored(pools("redelivered")) == expected

    gapped = service(pools("gapped"), inventory)
    holes = {*range(10, 15), 99, *range(150, 190)}
    delivered = [e for i, e in enumerate(events) if i not in holes]
    for batch in batches(delivered, 25):
        await gapped.apply(batch)
    assert await stored(pools("gapped")) == expected
    assert (await gapped.snapshot(L)) == expected
    assert inventory.requests >= 3


async def test_a_restarted_service_rebuilds_from_postgres_and_continues(
    pools: Callable[[str], asyncpg.Pool],
) -> None:
    events = stream(200, seed=11)
    inventory = Inventory(events)
    first = service(pools("restart"), inventory)
    for batch in batches(events[:120], 30):
        await first.apply(batch)
    second = service(pools("restart"), inventory)  # a new process: empty cache
    for batch in batches(events[90:], 30):  # offsets were committed up to 90 only
        await second.apply(batch)
    clean = service(pools("clean"), inventory)
    await clean.apply(events)
    assert await stored(pools("restart")) == await stored(pools("clean"))
    assert (await first.snapshot(L)) == (await second.snapshot(L))  # the stale cache reloads


async def test_a_burst_of_events_becomes_one_graph_version_with_the_final_state(
    pools: Callable[[str], asyncpg.Pool],
) -> None:
    events = stream(400, seed=3)
    pool = pools("clean")
    svc = service(pool, Inventory(events))
    sent = Sent()
    notifier = notifier_for(pool, sent, None)
    for batch in batches(events[:300], 50):
        await svc.apply(batch)
    # The head says more is on its way until the changes are cut into a version.
    assert await svc.head(L) == GraphHead(version=0, inventory_sequence=300, pending=True)
    await notifier.flush()
    assert await svc.head(L) == GraphHead(version=1, inventory_sequence=300, pending=False)
    for batch in batches(events[300:], 50):
        await svc.apply(batch)
    await notifier.flush()
    await notifier.flush()  # nothing changed: no new version
    assert await svc.head(L) == GraphHead(version=2, inventory_sequence=400, pending=False)
    with pytest.raises(UnknownLandscape):
        await svc.head("never-seen")

    async def inventory_ahead() -> Mapping[str, int]:
        return {L: 450}

    async def inventory_down() -> Mapping[str, int]:
        raise ConnectionError("inventory unreachable")

    ahead = await service(pool, Inventory(events), inventory_ahead).head(L)
    assert ahead == GraphHead(version=2, inventory_sequence=400, pending=True)
    down = await service(pool, Inventory(events), inventory_down).head(L)
    assert not down.pending  # an unreachable inventory does not hold a run up
    versions = [GRAPH_EVENTS.decode(m.value) for m in sent.messages]
    assert [v.sequence for v in versions] == [1, 2]
    assert all(isinstance(v, GraphChanged) for v in versions)
    first, second = (v.payload for v in versions if isinstance(v, GraphChanged))
    assert (first.from_version, first.version, first.inventory_sequence) == (0, 1, 300)
    assert (second.from_version, second.version, second.inventory_sequence) == (1, 2, 400)

    # Replaying the deltas onto nothing gives the stored graph.
    apps: dict[str, ApplicationRecord] = {}
    links: dict[str, IntegrationRecord] = {}
    for delta in (first, second):
        apps.update({a.id: a for a in delta.applications_upserted})
        links.update({i.id: i for i in delta.integrations_upserted})
        for app_id in delta.applications_removed:
            apps.pop(app_id, None)
        for link_id in delta.integrations_removed:
            links.pop(link_id, None)
    final = await stored(pool)
    assert final.version == 2
    assert sorted(apps) == [a.id for a in sorted(final.applications, key=lambda a: a.id)]
    assert set(links) == {i.id for i in final.integrations}
    assert (await svc.snapshot(L)).version == 2


async def test_versions_cut_from_the_live_graph_equal_versions_read_from_the_store(
    pools: Callable[[str], asyncpg.Pool],
) -> None:
    """The same stream through two services: one notifier takes the items' state from the
    graph in memory, the other reads it back; every version's bytes but the envelope's are
    equal. A graph that ran ahead of the store in memory is not used."""
    events = stream(400, seed=11)
    sides = {name: (pools(name), Sent()) for name in ("clean", "dup")}
    svcs = {name: service(pool, Inventory(events)) for name, (pool, _) in sides.items()}
    live = notifier_for(*sides["clean"], svcs["clean"])
    stored_only = notifier_for(*sides["dup"], None)
    for batch in batches(events[:350], 70):
        for svc in svcs.values():
            await svc.apply(batch)
        await live.flush()
        await stored_only.flush()
    assert live.versions_from_memory == 5
    assert stored_only.versions_from_memory == 0

    # A graph in memory that is not at the stored sequence (here: ahead of it) is not used.
    for svc in svcs.values():
        await svc.apply(events[350:])
    touched = next(
        e.payload.application for e in reversed(events[350:])
        if isinstance(e.payload, ev.ApplicationState)
    )
    renamed = touched.model_copy(update={"name": "renamed in memory only"})
    async with svcs["clean"].live(L) as ahead:
        assert ahead is not None
        assert ahead.sequence == 400
        ahead.apply(
            ev.ApplicationUpdated(
                landscape_id=L, sequence=401,
                payload=ev.ApplicationState(
                    application=renamed, change_id=uuid.uuid4(), source="t"
                ),
            )
        )
    await live.flush()
    await stored_only.flush()
    assert live.versions_from_memory == 5  # read back from the store instead

    def payloads(sent: Sent) -> list[Any]:
        decoded = [GRAPH_EVENTS.decode(m.value) for m in sent.messages]
        return [d.payload for d in decoded if isinstance(d, GraphChanged)]

    from_memory, from_store = payloads(sides["clean"][1]), payloads(sides["dup"][1])
    assert [p.version for p in from_memory] == [1, 2, 3, 4, 5, 6]
    assert from_memory == from_store
    assert any(p.applications_removed or p.integrations_removed for p in from_memory)


async def test_items_an_older_instance_marked_unpublished_go_into_the_next_version(
    pools: Callable[[str], asyncpg.Pool],
) -> None:
    """Before migration 0004 a changed item was a row of ``unpublished``; such rows left by
    an instance of the older version are cut into the next version with the new ones."""
    events = stream(120, seed=5)
    pool = pools("clean")
    svc = service(pool, Inventory(events))
    sent = Sent()
    notifier = notifier_for(pool, sent, svc)
    await svc.apply(events[:100])
    await notifier.flush()
    later = {
        e.payload.application.id if isinstance(e.payload, ev.ApplicationState) else
        getattr(e.payload, "id", None)
        for e in events[100:]
    }
    marked = next(a for a in (await stored(pool)).applications if a.id not in later)
    await pool.execute(
        "INSERT INTO unpublished (landscape_id, kind, id) VALUES ($1, 'application', $2)",
        L, marked.id,
    )
    assert (await svc.head(L)).pending
    await svc.apply(events[100:])
    await notifier.flush()
    decoded = [GRAPH_EVENTS.decode(m.value) for m in sent.messages]
    last = [d.payload for d in decoded if isinstance(d, GraphChanged)][-1]
    assert last.version == 2
    assert marked in last.applications_upserted
    assert not (await svc.head(L)).pending
    assert await pool.fetchval("SELECT count(*) FROM unpublished") == 0
    assert await pool.fetchval("SELECT count(*) FROM unpublished_batches") == 0
