"""All SQL of the rationalizer: graph replicas, runs with their proposals, and decisions.

Bulk writes go through COPY or set-based statements over arrays, never a row loop.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from pydantic import TypeAdapter

from snoei.rationalizer.domain.engine import Decision, Verdict
from snoei.rationalizer.domain.landscape import GraphReplica
from snoei.rationalizer.domain.waves import WavePlan
from snoei.shared.contracts.graph import GraphDelta
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)
from snoei.shared.contracts.proposals import Proposal

if TYPE_CHECKING:  # the generic forms exist only in the stubs
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]

_proposals: TypeAdapter[list[Proposal]] = TypeAdapter(list[Proposal])


@dataclass(frozen=True, slots=True)
class RunRow:
    run_id: uuid.UUID
    landscape_id: str
    trigger: str
    requested_by: str | None
    graph_version: int
    inventory_sequence: int
    started_at: datetime
    finished_at: datetime
    duration_ms: float
    proposal_count: int
    total_yearly_saving: float
    empty_reason: str | None
    stale_inputs: bool


@dataclass(frozen=True, slots=True)
class StoredRun:
    row: RunRow
    quadrants: dict[str, str]
    waves: WavePlan


@dataclass(frozen=True, slots=True)
class DecisionRow:
    landscape_id: str
    proposal_id: str
    verdict: Verdict
    reason: str
    facts_hash: str
    decided_by: str | None
    decided_at: datetime

    def decision(self) -> Decision:
        return Decision(self.verdict, self.facts_hash, self.reason)


_RUN_COLUMNS = (
    "run_id, landscape_id, trigger, requested_by, graph_version, inventory_sequence, "
    "started_at, finished_at, duration_ms, proposal_count, total_yearly_saving, empty_reason, "
    "stale_inputs"
)


def _run_row(record: asyncpg.Record) -> RunRow:
    return RunRow(**{name.strip(): record[name.strip()] for name in _RUN_COLUMNS.split(",")})


_KINDS: dict[str, Any] = {
    "application": ApplicationRecord,
    "integration": IntegrationRecord,
    "capability": CapabilityRecord,
    "technology": TechnologyRecord,
}


class ReplicaStore:
    """Graph replicas inside one transaction (the caller's connection)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def lock(self, landscape_id: str) -> tuple[int, bool] | None:
        """Lock the landscape's replica row; its (version, stale), or None if never seen."""
        row = await self._conn.fetchrow(
            "SELECT version, stale FROM replicas WHERE landscape_id = $1 FOR UPDATE",
            landscape_id,
        )
        return None if row is None else (row["version"], row["stale"])

    async def replace(self, landscape_id: str, replica: GraphReplica) -> None:
        """Store a whole snapshot in place of whatever was there."""
        await self._conn.execute("DELETE FROM replica_items WHERE landscape_id = $1", landscape_id)
        records = [
            (landscape_id, kind, item.id, item.model_dump_json())
            for kind, items in (
                ("application", replica.applications.values()),
                ("integration", replica.integrations.values()),
                ("capability", replica.capabilities.values()),
                ("technology", replica.technologies.values()),
            )
            for item in items
        ]
        if records:
            await self._conn.copy_records_to_table(
                "replica_items", records=records, columns=["landscape_id", "kind", "id", "data"]
            )
        await self._set_version(landscape_id, replica.version, replica.inventory_sequence)

    async def apply(self, landscape_id: str, delta: GraphDelta) -> None:
        upserts = [
            (kind, item.id, item.model_dump_json())
            for kind, items in (
                ("application", delta.applications_upserted),
                ("integration", delta.integrations_upserted),
                ("capability", delta.capabilities_upserted),
                ("technology", delta.technologies_upserted),
            )
            for item in items
        ]
        removals = [
            (kind, item_id)
            for kind, ids in (
                ("application", delta.applications_removed),
                ("integration", delta.integrations_removed),
                ("capability", delta.capabilities_removed),
                ("technology", delta.technologies_removed),
            )
            for item_id in ids
        ]
        if removals:
            await self._conn.execute(
                """DELETE FROM replica_items r USING unnest($2::text[], $3::text[]) AS k(kind, id)
                   WHERE r.landscape_id = $1 AND r.kind = k.kind AND r.id = k.id""",
                landscape_id,
                [k for k, _ in removals],
                [i for _, i in removals],
            )
        if upserts:
            await self._conn.execute(
                """INSERT INTO replica_items (landscape_id, kind, id, data)
                   SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[])
                   ON CONFLICT (landscape_id, kind, id) DO UPDATE SET data = EXCLUDED.data""",
                landscape_id,
                [u[0] for u in upserts],
                [u[1] for u in upserts],
                [u[2] for u in upserts],
            )
        await self._set_version(landscape_id, delta.version, delta.inventory_sequence)

    async def mark_stale(self, landscape_id: str) -> None:
        await self._conn.execute(
            "UPDATE replicas SET stale = true, updated_at = now() WHERE landscape_id = $1",
            landscape_id,
        )

    async def _set_version(self, landscape_id: str, version: int, inventory_sequence: int) -> None:
        await self._conn.execute(
            """INSERT INTO replicas (landscape_id, version, inventory_sequence, stale)
               VALUES ($1, $2, $3, false)
               ON CONFLICT (landscape_id) DO UPDATE SET version = EXCLUDED.version,
                   inventory_sequence = EXCLUDED.inventory_sequence, stale = false,
                   updated_at = now()""",
            landscape_id,
            version,
            inventory_sequence,
        )


class RationalizerRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        # Per landscape, the last stored run's proposals with their body and its digest.
        self._encoded: dict[str, dict[int, tuple[Proposal, str, str]]] = {}

    @asynccontextmanager
    async def replicas(self) -> AsyncIterator[ReplicaStore]:
        """One transaction over the replicas; commits when the block ends without error."""
        async with self._pool.acquire() as conn, conn.transaction():
            yield ReplicaStore(conn)

    async def replica_version(self, landscape_id: str) -> tuple[int, bool] | None:
        row = await self._pool.fetchrow(
            "SELECT version, stale FROM replicas WHERE landscape_id = $1", landscape_id
        )
        return None if row is None else (row["version"], row["stale"])

    async def load_replica(self, landscape_id: str) -> tuple[GraphReplica, bool] | None:
        """The stored replica and whether it is stale, read in one snapshot."""
        async with self._pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            head = await conn.fetchrow(
                "SELECT version, inventory_sequence, stale FROM replicas WHERE landscape_id = $1",
                landscape_id,
            )
            if head is None:
                return None
            rows = await conn.fetch(
                "SELECT kind, data FROM replica_items WHERE landscape_id = $1", landscape_id
            )
        replica = GraphReplica(
            version=head["version"], inventory_sequence=head["inventory_sequence"]
        )
        targets: dict[str, dict[str, Any]] = {
            "application": replica.applications,
            "integration": replica.integrations,
            "capability": replica.capabilities,
            "technology": replica.technologies,
        }
        for row in rows:
            item = _KINDS[row["kind"]].model_validate_json(row["data"])
            targets[row["kind"]][item.id] = item
        return replica, head["stale"]

    async def landscapes(self) -> list[str]:
        rows = await self._pool.fetch("SELECT landscape_id FROM replicas ORDER BY landscape_id")
        return [r["landscape_id"] for r in rows]

    # --- runs ----------------------------------------------------------------------------

    async def run_exists(self, run_id: uuid.UUID) -> bool:
        return bool(await self._pool.fetchval("SELECT 1 FROM runs WHERE run_id = $1", run_id))

    async def latest_quadrants(self, landscape_id: str) -> dict[str, str]:
        raw = await self._pool.fetchval(
            "SELECT quadrants FROM runs WHERE landscape_id = $1 ORDER BY ordinal DESC LIMIT 1",
            landscape_id,
        )
        return {} if raw is None else dict(json.loads(raw))

    async def save_run(self, run: StoredRun, proposals: Sequence[Proposal]) -> bool:
        """Store a run and its proposals; False if a run with this id already exists."""
        r = run.row
        async with self._pool.acquire() as conn, conn.transaction():
            inserted = await conn.fetchval(
                f"""INSERT INTO runs ({_RUN_COLUMNS}, quadrants, waves)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                    ON CONFLICT (run_id) DO NOTHING RETURNING true""",
                r.run_id,
                r.landscape_id,
                r.trigger,
                r.requested_by,
                r.graph_version,
                r.inventory_sequence,
                r.started_at,
                r.finished_at,
                r.duration_ms,
                r.proposal_count,
                r.total_yearly_saving,
                r.empty_reason,
                r.stale_inputs,
                json.dumps(run.quadrants),
                run.waves.model_dump_json(),
            )
            if not inserted:
                return False
            if proposals:
                bodies, digests = self._encode(r.landscape_id, proposals)
                known = {
                    r["digest"]
                    for r in await conn.fetch(
                        "SELECT digest FROM proposal_bodies WHERE digest = ANY($1::text[])",
                        list(set(digests)),
                    )
                }
                new = {d: b for d, b in zip(digests, bodies, strict=True) if d not in known}
                if new:
                    # Another instance may store the same body meanwhile: insert through a
                    # staging table, skipping conflicts.
                    await conn.execute(
                        "CREATE TEMP TABLE IF NOT EXISTS new_bodies "
                        "(digest text, body jsonb) ON COMMIT DELETE ROWS"
                    )
                    await conn.copy_records_to_table(
                        "new_bodies", records=list(new.items()), columns=["digest", "body"]
                    )
                    await conn.execute(
                        "INSERT INTO proposal_bodies (digest, body) "
                        "SELECT digest, body FROM new_bodies ON CONFLICT (digest) DO NOTHING"
                    )
                await conn.copy_records_to_table(
                    "run_proposals",
                    records=[
                        (
                            r.run_id,
                            p.id,
                            p.action.value,
                            p.status.value,
                            p.yearly_saving,
                            p.facts_hash,
                            digest,
                        )
                        for p, digest in zip(proposals, digests, strict=True)
                    ],
                    columns=[
                        "run_id",
                        "proposal_id",
                        "action",
                        "status",
                        "yearly_saving",
                        "facts_hash",
                        "body_digest",
                    ],
                )
        return True

    def _encode(
        self, landscape_id: str, proposals: Sequence[Proposal]
    ) -> tuple[list[str], list[str]]:
        """Bodies and their digests; the proposals of the last run that come back unchanged
        (the engine re-uses unchanged proposal objects) are not encoded again."""
        before = self._encoded.get(landscape_id, {})
        now: dict[int, tuple[Proposal, str, str]] = {}
        for proposal in proposals:
            found = before.get(id(proposal))
            if found is None or found[0] is not proposal:
                body = proposal.model_dump_json()
                found = (proposal, body, hashlib.sha256(body.encode()).hexdigest())
            now[id(proposal)] = found
        self._encoded[landscape_id] = now
        return [now[id(p)][1] for p in proposals], [now[id(p)][2] for p in proposals]

    async def mark_published(self, run_id: uuid.UUID) -> None:
        await self._pool.execute("UPDATE runs SET published = true WHERE run_id = $1", run_id)

    async def unpublished_runs(self, older_than_s: float, limit: int) -> list[RunRow]:
        """Stored runs not yet published that finished at least ``older_than_s`` ago (a
        younger one is most likely being published by the instance that ran it)."""
        rows = await self._pool.fetch(
            f"""SELECT {_RUN_COLUMNS} FROM runs
                WHERE NOT published AND finished_at < now() - make_interval(secs => $1)
                ORDER BY ordinal LIMIT $2""",
            older_than_s,
            limit,
        )
        return [_run_row(r) for r in rows]

    async def runs(self, landscape_id: str, limit: int) -> list[RunRow]:
        rows = await self._pool.fetch(
            f"""SELECT {_RUN_COLUMNS} FROM runs WHERE landscape_id = $1
                ORDER BY ordinal DESC LIMIT $2""",
            landscape_id,
            limit,
        )
        return [_run_row(r) for r in rows]

    async def run(self, landscape_id: str, run_id: uuid.UUID | None = None) -> StoredRun | None:
        """One run of the landscape, or its latest when ``run_id`` is None."""
        if run_id is None:
            row = await self._pool.fetchrow(
                f"""SELECT {_RUN_COLUMNS}, quadrants, waves FROM runs WHERE landscape_id = $1
                    ORDER BY ordinal DESC LIMIT 1""",
                landscape_id,
            )
        else:
            row = await self._pool.fetchrow(
                f"""SELECT {_RUN_COLUMNS}, quadrants, waves FROM runs
                    WHERE landscape_id = $1 AND run_id = $2""",
                landscape_id,
                run_id,
            )
        if row is None:
            return None
        return StoredRun(
            _run_row(row),
            dict(json.loads(row["quadrants"])),
            WavePlan.model_validate_json(row["waves"]),
        )

    async def previous_run_id(self, landscape_id: str, run_id: uuid.UUID) -> uuid.UUID | None:
        value = await self._pool.fetchval(
            """SELECT p.run_id FROM runs p JOIN runs r ON r.run_id = $2
               WHERE p.landscape_id = $1 AND p.ordinal < r.ordinal
               ORDER BY p.ordinal DESC LIMIT 1""",
            landscape_id,
            run_id,
        )
        return value if isinstance(value, uuid.UUID) else None

    async def run_proposals(
        self,
        run_id: uuid.UUID,
        *,
        action: str | None = None,
        min_saving: float | None = None,
        proposal_id: str | None = None,
    ) -> list[Proposal]:
        rows = await self._pool.fetch(
            """SELECT coalesce(p.body, b.body) AS body
               FROM run_proposals p LEFT JOIN proposal_bodies b ON b.digest = p.body_digest
               WHERE p.run_id = $1
                 AND ($2::text IS NULL OR p.action = $2)
                 AND ($3::float8 IS NULL OR p.yearly_saving >= $3)
                 AND ($4::text IS NULL OR p.proposal_id = $4)
               ORDER BY p.yearly_saving DESC, p.proposal_id""",
            run_id,
            action,
            min_saving,
            proposal_id,
        )
        if not rows:
            return []
        return _proposals.validate_json("[" + ",".join(r["body"] for r in rows) + "]")

    # --- decisions -----------------------------------------------------------------------

    async def add_decision(self, decision: DecisionRow) -> None:
        await self._pool.execute(
            """INSERT INTO decisions (landscape_id, proposal_id, verdict, reason, facts_hash,
                                      decided_by, decided_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            decision.landscape_id,
            decision.proposal_id,
            decision.verdict.value,
            decision.reason,
            decision.facts_hash,
            decision.decided_by,
            decision.decided_at,
        )

    async def decisions(self, landscape_id: str) -> dict[str, DecisionRow]:
        """The decision in force per proposal (the latest one)."""
        rows = await self._pool.fetch(
            """SELECT DISTINCT ON (proposal_id) landscape_id, proposal_id, verdict, reason,
                      facts_hash, decided_by, decided_at
               FROM decisions WHERE landscape_id = $1
               ORDER BY proposal_id, decision_id DESC""",
            landscape_id,
        )
        return {
            r["proposal_id"]: DecisionRow(
                r["landscape_id"],
                r["proposal_id"],
                Verdict(r["verdict"]),
                r["reason"],
                r["facts_hash"],
                r["decided_by"],
                r["decided_at"],
            )
            for r in rows
        }
