"""The inventory's set-based write path stores exactly what the planned (reference) path
stores, for random batches with duplicates, no-op changes, deletes, re-registrations and
references to items that arrive later — on real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snoei.inventory.adapters.repository import InventoryRepository
from snoei.inventory.service import ApplyResult, InventoryService, WritePath
from snoei.shared.contracts import changes as c
from snoei.shared.db import make_pool, migrate

pytestmark = pytest.mark.integration
MIGRATIONS = "snoei.inventory.migrations"
PATHS: tuple[WritePath, ...] = ("set", "planned")

# Few ids and few distinct contents, so that batches often repeat a change id, restate the
# current content, delete what is not there and name items that do not exist yet.
APPS = ["crm", "zaak", "brp", "dms"]
CAPABILITIES = ["cap-a", "cap-b", "cap-c"]
NAMES = ["Zaaksysteem", "Zaaksystéém", "CRM"]
LICENCES = [0.1, 3.0, 1e16, 2500]


def _application(item_id: str, variant: int) -> dict[str, Any]:
    return {
        "id": item_id,
        "name": NAMES[variant % len(NAMES)],
        "costs": {"licence": LICENCES[variant % len(LICENCES)]},
        "capabilities": CAPABILITIES[: variant % 3],
        "attributes": {"variant": str(variant % 2)},
    }


def _record(kind: str, item_id: str, variant: int) -> dict[str, Any]:
    if kind == "application":
        return _application(item_id, variant)
    if kind == "integration":
        source, target = APPS[variant % 4], APPS[(variant + 1) % 4]
        if variant == 5:
            target = "not-there"  # a reference that never resolves
        return {"id": item_id, "source": source, "target": target, "data_objects": ["BRP"]}
    parent = CAPABILITIES[(CAPABILITIES.index(item_id) + 1) % 3] if variant % 2 else None
    return {"id": item_id, "name": f"Capability {variant % 2}", "parent_id": parent}


@st.composite
def changes(draw: st.DrawFn, landscapes: tuple[str, str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["application", "application", "integration", "capability"]))
    item_id = draw(
        st.sampled_from(
            {"application": APPS, "integration": ["i-1", "i-2"], "capability": CAPABILITIES}[kind]
        )
    )
    landscape = draw(st.sampled_from(landscapes))
    change_id = str(uuid.UUID(int=draw(st.integers(0, 40))))  # small pool: duplicates
    if draw(st.integers(0, 4)) == 0:
        payload: dict[str, Any] = {"change_id": change_id, "id": item_id}
        return {"type": f"{kind}.delete", "landscape_id": landscape, "payload": payload}
    payload = {"change_id": change_id, kind: _record(kind, item_id, draw(st.integers(0, 5)))}
    payload["source"] = draw(st.sampled_from(["api", "csv"]))
    return {"type": f"{kind}.upsert", "landscape_id": landscape, "payload": payload}


def batches(landscapes: tuple[str, str]) -> st.SearchStrategy[list[list[dict[str, Any]]]]:
    return st.lists(st.lists(changes(landscapes), max_size=12), min_size=1, max_size=4)


@dataclass(frozen=True)
class Store:
    service: InventoryService
    pool: asyncpg.Pool


@pytest.fixture
async def stores(database_url: str) -> AsyncIterator[dict[WritePath, Store]]:
    """Both write paths, each on its own schema of one database."""
    pools: list[asyncpg.Pool] = []
    made: dict[WritePath, Store] = {}
    try:
        for path in PATHS:
            schema = f"inventory_{path}"
            pool = make_pool(database_url, schema=schema, max_size=2)
            await pool
            pools.append(pool)
            await migrate(pool, schema=schema, package=MIGRATIONS)
            service = InventoryService(
                repository=InventoryRepository(pool), outbox_signal=asyncio.Event(),
                write_path=path,
            )
            made[path] = Store(service, pool)
        yield made
    finally:
        for pool in pools:
            await pool.close()


async def stored(store: Store, landscape_ids: tuple[str, ...]) -> dict[str, Any]:
    """Everything the inventory keeps about these landscapes, without the wall-clock times
    and generated event ids that differ between two runs by construction."""
    pool = store.pool
    state: dict[str, Any] = {}
    queries = {
        "items": """SELECT landscape_id, kind, id, data::text AS data, version, change_id, source
                    FROM items WHERE landscape_id = ANY($1) ORDER BY 1, 2, 3""",
        "history": """SELECT landscape_id, kind, id, version, data::text AS data, change_id,
                             source, sequence
                      FROM item_history WHERE landscape_id = ANY($1) ORDER BY 1, 2, 3, 4""",
        "processed": """SELECT landscape_id, change_id FROM processed_changes
                        WHERE landscape_id = ANY($1) ORDER BY 1, 2""",
        "sequences": """SELECT landscape_id, last_sequence FROM landscapes
                        WHERE landscape_id = ANY($1) ORDER BY 1""",
    }
    for name, sql in queries.items():
        state[name] = [dict(r) for r in await pool.fetch(sql, list(landscape_ids))]
    events = await pool.fetch(
        """SELECT landscape_id, sequence, type, body FROM events
           WHERE landscape_id = ANY($1) ORDER BY 1, 2""",
        list(landscape_ids),
    )
    state["events"] = [
        (e["landscape_id"], e["sequence"], e["type"], _without_generated(e["body"]))
        for e in events
    ]
    state["quality"] = {
        landscape: await store.service.quality_issues(landscape) for landscape in landscape_ids
    }
    return state


def _without_generated(body: bytes) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(body)
    event.pop("event_id")
    event.pop("occurred_at")
    return event


def _counts(result: ApplyResult) -> tuple[int, int, int, int | None, list[tuple[str, int, str]]]:
    return (
        result.applied, result.duplicates, result.unchanged, result.last_sequence,
        [(e.landscape_id, e.sequence, e.type) for e in result.events],
    )


@settings(
    max_examples=40,
    deadline=None,
    # the databases are shared on purpose: each example writes landscapes of its own
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_set_based_and_planned_writes_store_the_same_state(
    stores: dict[WritePath, Store], data: st.DataObject
) -> None:
    run = uuid.uuid4().hex[:8]
    landscapes = (f"a-{run}", f"b-{run}")
    drawn = data.draw(batches(landscapes))
    for raw_batch in drawn:
        batch = [c.CHANGES.decode(raw) for raw in raw_batch]
        results = [
            _counts(await stores[path].service.apply(batch, landscape_id=landscapes[0]))
            for path in PATHS
        ]
        assert results[0] == results[1]
    assert await stored(stores["set"], landscapes) == await stored(stores["planned"], landscapes)


async def test_a_batch_restating_removing_and_reregistering_an_item_stores_its_versions(
    stores: dict[WritePath, Store],
) -> None:
    def upsert(change: int, name: str) -> c.InventoryChange:
        return c.CHANGES.decode({
            "type": "application.upsert", "landscape_id": "l",
            "payload": {"change_id": str(uuid.UUID(int=change)),
                        "application": {"id": "crm", "name": name}},
        })

    def delete(change: int) -> c.InventoryChange:
        return c.CHANGES.decode({
            "type": "application.delete", "landscape_id": "l",
            "payload": {"change_id": str(uuid.UUID(int=change)), "id": "crm"},
        })

    for path in PATHS:
        service = stores[path].service
        first = await service.apply([upsert(1, "A"), upsert(2, "A"), upsert(1, "A"), delete(3)])
        assert _counts(first)[:3] == (2, 1, 1)
        again = await service.apply([delete(4), upsert(5, "B"), upsert(6, "C")])
        assert [e.type for e in again.events] == ["application.registered", "application.updated"]
        history = await service.history("l", "application", "crm")
        assert [(h.version, h.change, h.sequence) for h in history] == [
            (1, "registered", 1), (2, "removed", 2), (3, "registered", 3), (4, "updated", 4),
        ]
