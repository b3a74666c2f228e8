"""B7 dependency: applying one inventory event as the dependency service pays it
(``DependencyService.apply`` on a single-event batch, with its transaction, in process on a
real PostgreSQL) on the loaded scale landscape, and rebuilding that landscape's graph from
PostgreSQL after a restart (a fresh service on the same database).

Baselines from the same run: a plain asyncpg single-row ``UPDATE`` round trip on the same
table for the apply, a plain ``SELECT *`` of the same rows for the rebuild."""

from __future__ import annotations

import asyncio
import gc
import time
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg

from snoei.bench.common import Figure, ScenarioResult, percentile, ratio
from snoei.bench.context import BenchContext
from snoei.bench.environment import BenchError
from snoei.dependency.adapters.repository import GraphRepository
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.dependency.service import DependencyService
from snoei.samples import Landscape, generate_scale
from snoei.shared.contracts import inventory_events as ev
from snoei.shared.db import make_pool, migrate

TITLE = "dependency apply one event, and rebuild from Postgres"
LANDSCAPE = "bench-b7"
DATABASE = "bench_b7"
SCHEMA = "dependency"
MIGRATIONS = "snoei.dependency.migrations"
LOAD_BATCH = 2_000  # the consumer's batch size, for the untimed initial load
WARMUP = 20
APPLY_TARGET_MS = 5.0
TABLES = ("applications", "integrations", "capabilities", "technologies")


class _NoReplay:
    """The bench stream has no gaps; a replay request would be a bench bug."""

    async def events(
        self, landscape_id: str, *, from_sequence: int, limit: int
    ) -> list[ev.InventoryEvent]:
        raise BenchError(f"unexpected gap repair from sequence {from_sequence}")


def _service(pool: asyncpg.Pool) -> DependencyService:
    return DependencyService(
        repository=GraphRepository(pool), inventory=_NoReplay(), replay_page_size=1_000,
        clusters_debounce_s=60.0, changed=asyncio.Event(),
    )


def _registrations(landscape: Landscape) -> list[ev.InventoryEvent]:
    """The landscape as the inventory's registration events, sequences 1..n."""
    p: dict[str, Any] = {"change_id": uuid.uuid4(), "source": "bench"}
    lid = landscape.landscape_id
    events: list[ev.InventoryEvent] = []
    for t in landscape.technologies:
        events.append(ev.TechnologyRegistered(
            landscape_id=lid, sequence=len(events) + 1,
            payload=ev.TechnologyState(technology=t, **p)))
    for c in landscape.capabilities:
        events.append(ev.CapabilityRegistered(
            landscape_id=lid, sequence=len(events) + 1,
            payload=ev.CapabilityState(capability=c, **p)))
    for a in landscape.applications:
        events.append(ev.ApplicationRegistered(
            landscape_id=lid, sequence=len(events) + 1,
            payload=ev.ApplicationState(application=a, **p)))
    for i in landscape.integrations:
        events.append(ev.IntegrationRegistered(
            landscape_id=lid, sequence=len(events) + 1,
            payload=ev.IntegrationState(integration=i, **p)))
    return events


def _updates(
    g: LandscapeGraph, count: int, *, first_sequence: int, tag: str
) -> list[ev.InventoryEvent]:
    """``count`` update events continuing the landscape's sequence: every fourth one an
    application (new description), the rest integrations (new data objects), spread over
    the whole landscape."""
    p: dict[str, Any] = {"change_id": uuid.uuid4(), "source": "bench"}
    apps = sorted(g.applications)
    links = sorted(g.integrations)
    events: list[ev.InventoryEvent] = []
    for k in range(count):
        sequence = first_sequence + k
        if k % 4 == 0:
            a = g.applications[apps[(k * 7919) % len(apps)]]
            events.append(ev.ApplicationUpdated(
                landscape_id=g.landscape_id, sequence=sequence,
                payload=ev.ApplicationState(
                    application=a.model_copy(update={"description": f"{tag} {k}"}), **p)))
        else:
            i = g.integrations[links[(k * 104_729) % len(links)]]
            events.append(ev.IntegrationUpdated(
                landscape_id=g.landscape_id, sequence=sequence,
                payload=ev.IntegrationState(
                    integration=i.model_copy(
                        update={"data_objects": (*i.data_objects[:3], f"{tag} {k}")}),
                    **p)))
    return events


async def _apply_each(
    service: DependencyService, events: Sequence[ev.InventoryEvent]
) -> list[float]:
    samples = []
    for event in events:
        started = time.perf_counter()
        result = await service.apply([event])
        samples.append(time.perf_counter() - started)
        if result.applied != 1:
            raise BenchError(f"event {event.sequence} was not applied: {result}")
    return samples


async def _update_round_trips(pool: asyncpg.Pool, g: LandscapeGraph, count: int) -> list[float]:
    """A plain single-row UPDATE per call (autocommit) on the integrations table, writing each
    row's current data back, so the stored graph does not change."""
    links = sorted(g.integrations)
    rows = [(links[(k * 104_729) % len(links)]) for k in range(count)]
    samples = []
    for link_id in rows:
        data = g.integrations[link_id].model_dump_json()
        started = time.perf_counter()
        await pool.execute(
            "UPDATE integrations SET data = $3::jsonb WHERE landscape_id = $1 AND id = $2",
            g.landscape_id, link_id, data)
        samples.append(time.perf_counter() - started)
    return samples


async def _select_all(pool: asyncpg.Pool) -> tuple[float, int]:
    started = time.perf_counter()
    rows = 0
    async with pool.acquire() as conn:
        for table in TABLES:
            rows += len(await conn.fetch(
                f"SELECT * FROM {table} WHERE landscape_id = $1", LANDSCAPE))
    return time.perf_counter() - started, rows


async def run(ctx: BenchContext) -> ScenarioResult:
    env = ctx.environment
    n, m = ctx.scale_size
    updates, rebuilds = (100, 2) if ctx.quick else (300, 3)
    landscape = generate_scale(n, m, landscape_id=LANDSCAPE)
    registrations = _registrations(landscape)
    result = ScenarioResult(
        "B7", TITLE,
        {"applications": n, "integrations": m, "events_loaded": len(registrations),
         "updates": updates, "rebuilds": rebuilds},
    )
    dsn = await env.fresh_database(DATABASE)
    try:
        pool = await make_pool(dsn, schema=SCHEMA, max_size=2)
        try:
            await migrate(pool, schema=SCHEMA, package=MIGRATIONS)
            service = _service(pool)
            ctx.console.print(f"  loading {len(registrations)} events of {LANDSCAPE} (untimed)")
            for i in range(0, len(registrations), LOAD_BATCH):
                await service.apply(registrations[i : i + LOAD_BATCH])
            g = await service.graph(LANDSCAPE)
            if len(g.applications) != n or len(g.integrations) != m:
                raise BenchError(f"loaded {len(g.applications)}/{len(g.integrations)}, "
                                 f"expected {n}/{m}")

            # 1. one event through the service: its own transaction per single-event batch
            events = _updates(g, WARMUP + updates, first_sequence=g.sequence + 1, tag="svc")
            await _apply_each(service, events[:WARMUP])
            via_service = await _apply_each(service, events[WARMUP:])
            baseline = await _update_round_trips(pool, g, WARMUP + updates)
            baseline = baseline[WARMUP:]

            # 2. rebuild after a restart: a fresh pool and service on the same database, with
            # no other graph alive in the process (as after a real restart)
            live_sequence, live_edges = g.sequence, g.graph.number_of_edges()
            del service, g
            gc.collect()
            rebuild_s: list[float] = []
            load_s: list[float] = []
            build_s: list[float] = []
            for _ in range(rebuilds):
                rebuilt = content = None
                gc.collect()
                fresh = await make_pool(dsn, schema=SCHEMA, max_size=2)
                try:
                    started = time.perf_counter()
                    rebuilt = await _service(fresh).graph(LANDSCAPE)
                    rebuild_s.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    content = await GraphRepository(fresh).load(LANDSCAPE)
                    load_s.append(time.perf_counter() - started)
                    assert content is not None
                    started = time.perf_counter()
                    rebuilt = LandscapeGraph.from_content(LANDSCAPE, content)
                    build_s.append(time.perf_counter() - started)
                finally:
                    await fresh.close()
            if (rebuilt is None or rebuilt.sequence != live_sequence
                    or len(rebuilt.integrations) != m
                    or rebuilt.graph.number_of_edges() != live_edges):
                raise BenchError("the rebuilt graph differs from the live one")
            select_s = sorted([(await _select_all(pool))[0] for _ in range(rebuilds)])
            select_rows = (await _select_all(pool))[1]
        finally:
            await pool.close()
    finally:
        conn = await asyncpg.connect(env.dsn())
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        finally:
            await conn.close()

    # 3. the same kind of event on the in-memory graph alone (no Postgres)
    memory_events = _updates(rebuilt, WARMUP + updates * 10,
                             first_sequence=rebuilt.sequence + 1, tag="mem")
    in_memory = []
    for event in memory_events:
        started = time.perf_counter()
        rebuilt.apply(event)
        in_memory.append(time.perf_counter() - started)
    in_memory = in_memory[WARMUP:]

    ms = 1000.0
    p50, p95 = percentile(via_service, 50) * ms, percentile(via_service, 95) * ms
    b50, b95 = percentile(baseline, 50) * ms, percentile(baseline, 95) * ms
    def median(samples: list[float]) -> float:
        return sorted(samples)[len(samples) // 2]

    rebuild = median(rebuild_s)
    select = select_s[len(select_s) // 2]
    result.figures = [
        Figure(
            "p95 apply one event via DependencyService", round(p95, 3), "ms",
            baseline=round(b95, 3), baseline_name="p95 asyncpg single-row UPDATE (autocommit)",
            ratio=ratio(p95, b95), ratio_of="service / UPDATE", target=APPLY_TARGET_MS,
            target_on="value", direction="max",
            note=f"{updates} single-event batches (1 in 4 application, else integration "
                 f"updates) after {WARMUP} warm-up; head read + one transaction each",
        ),
        Figure(
            "p50 apply one event via DependencyService", round(p50, 3), "ms",
            baseline=round(b50, 3), baseline_name="p50 asyncpg single-row UPDATE (autocommit)",
            ratio=ratio(p50, b50), ratio_of="service / UPDATE",
        ),
        Figure(
            "p95 LandscapeGraph.apply in memory",
            round(percentile(in_memory, 95) * ms, 4), "ms",
            note=f"p50 {percentile(in_memory, 50) * ms:.4f} ms over {len(in_memory)} updates; "
                 "no Postgres",
        ),
        Figure(
            "seconds rebuild from Postgres (fresh service)", round(rebuild, 3), "s",
            baseline=round(select, 3),
            baseline_name=f"asyncpg SELECT * of the same {select_rows} rows",
            ratio=ratio(rebuild, select), ratio_of="rebuild / SELECT *",
            note=f"median of {rebuilds} ({', '.join(f'{x:.2f}' for x in rebuild_s)} s); "
                 f"timed apart right after each: GraphRepository.load {median(load_s):.3f} s, "
                 f"LandscapeGraph.from_content {median(build_s):.3f} s (medians)",
        ),
    ]
    return result
