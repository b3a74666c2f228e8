"""The rationalizer's graph replicas against real PostgreSQL: a version gap is repaired from
a snapshot fetched before the replica's row is locked, so a slow dependency service holds
no lock and holds up no other landscape."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from snoei.rationalizer.adapters.replicas import ReplicaRepository
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.runs import RunRequest, RunTrigger
from tests.harness import wait_for
from tests.integration.rationalizer_parts import delta, rationalizer_services, snapshot

pytestmark = pytest.mark.integration

SLOW, OTHER = "gemeente-traag", "gemeente-anders"


class BlockingSnapshots:
    """A dependency service that answers a snapshot request only once released."""

    def __init__(self, content: GraphContent) -> None:
        self.content = content
        self.asked = asyncio.Event()
        self.release = asyncio.Event()

    async def snapshot(self, landscape_id: str) -> GraphContent:
        self.asked.set()
        await self.release.wait()
        return self.content


async def row_lock_free(pool: asyncpg.Pool, landscape_id: str) -> bool:
    """Whether another transaction can lock the landscape's replica row right now."""
    async with pool.acquire() as conn, conn.transaction():
        try:
            await conn.execute(
                "SELECT 1 FROM replicas WHERE landscape_id = $1 FOR UPDATE NOWAIT", landscape_id
            )
        except asyncpg.LockNotAvailableError:
            return False
    return True


async def test_a_slow_gap_repair_holds_no_row_lock_and_holds_up_no_other_landscape(
    rationalizer_pool: asyncpg.Pool,
) -> None:
    source = BlockingSnapshots(snapshot(SLOW, 3, "a", "b", "c").payload)
    rationalizer = rationalizer_services(rationalizer_pool, snapshots=source)
    replicas = ReplicaRepository(rationalizer_pool)
    await rationalizer.replicas.apply_graph_events(
        [snapshot(SLOW, 1, "a"), snapshot(OTHER, 1, "x")]
    )

    # Versions 2 and 3 of SLOW never arrived: its delta from 3 needs a snapshot first.
    batch = asyncio.create_task(
        rationalizer.replicas.apply_graph_events([delta(SLOW, 3, "d"), delta(OTHER, 1, "y")])
    )
    try:
        await asyncio.wait_for(source.asked.wait(), timeout=10)
        assert await row_lock_free(rationalizer_pool, SLOW), (
            "the replica row is locked during the fetch"
        )

        async def other_applied() -> bool:
            return await replicas.replica_version(OTHER) == (2, False)

        await wait_for(other_applied, timeout=10, message="the other landscape's change")

        # The other landscape's own transaction is done by now; none may stay open for SLOW.
        locks = await rationalizer_pool.fetchval(
            """SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
               WHERE l.locktype = 'transactionid' AND a.application_name = 'snoei-rationalizer'
                 AND a.state = 'idle in transaction' AND a.datname = current_database()"""
        )
        assert locks == 0, "a transaction stays open while the snapshot is fetched"

        # Meanwhile the other landscape changes again and is evaluated.
        assert await asyncio.wait_for(
            rationalizer.replicas.apply_graph_events([delta(OTHER, 2, "z")]), timeout=10
        ) == {OTHER}
        run = await asyncio.wait_for(
            rationalizer.runs.run(OTHER, RunRequest(trigger=RunTrigger.CLI)), timeout=30
        )
        assert run is not None
        assert run.graph_version == 3
        assert not batch.done()
    finally:
        source.release.set()
    assert await asyncio.wait_for(batch, timeout=10) == {SLOW, OTHER}

    repaired = await replicas.load_replica(SLOW)
    assert repaired is not None
    replica, stale = repaired
    assert (replica.version, stale) == (4, False)
    assert sorted(replica.applications) == ["a", "b", "c", "d"]


async def test_a_repair_does_not_overwrite_what_another_instance_stored_meanwhile(
    rationalizer_pool: asyncpg.Pool,
) -> None:
    source = BlockingSnapshots(snapshot(SLOW, 3, "a", "b", "c").payload)
    first = rationalizer_services(rationalizer_pool, snapshots=source)
    second = rationalizer_services(rationalizer_pool)
    await first.replicas.apply_graph_events([snapshot(SLOW, 1, "a")])

    repair = asyncio.create_task(first.replicas.apply_graph_events([delta(SLOW, 3, "d")]))
    try:
        await asyncio.wait_for(source.asked.wait(), timeout=10)
        # The partition moved: the new owner stores a newer snapshot while the old one waits.
        newer = snapshot(SLOW, 5, "a", "b", "c", "d", "e")
        assert await second.replicas.apply_graph_events([newer]) == {SLOW}
    finally:
        source.release.set()
    assert await asyncio.wait_for(repair, timeout=10) == set()  # worked out again: a repeat

    stored = await ReplicaRepository(rationalizer_pool).load_replica(SLOW)
    assert stored is not None
    assert stored[0].version == 5
    assert sorted(stored[0].applications) == ["a", "b", "c", "d", "e"]
    current, _ = await first.replicas.current(SLOW)
    assert current is not None
    assert current.version == 5


async def test_two_writers_of_a_first_replica_store_it_once_without_a_conflict(
    rationalizer_pool: asyncpg.Pool,
) -> None:
    """A read that fetches the first snapshot of a landscape (GET /proposals) and the graph
    consumer applying its first version both write a first replica: neither may fail on the
    other's rows (there is no replica row to lock yet)."""
    apps = [f"app-{i:03}" for i in range(300)]
    first = rationalizer_services(rationalizer_pool)
    second = rationalizer_services(rationalizer_pool)
    for attempt in range(5):  # a race: several tries make the old failure near certain
        landscape = f"gemeente-eerste-{attempt}"
        results = await asyncio.gather(
            first.replicas.apply_graph_events([snapshot(landscape, 1, *apps)]),
            second.replicas.apply_graph_events([snapshot(landscape, 1, *apps)]),
            return_exceptions=True,
        )
        assert not [r for r in results if isinstance(r, BaseException)], results
        assert await ReplicaRepository(rationalizer_pool).replica_version(landscape) == (1, False)
