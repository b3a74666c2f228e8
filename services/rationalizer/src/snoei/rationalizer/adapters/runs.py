"""SQL of the runs: each run with its proposals (bodies stored once by content), its
publication, and which landscapes are due a run.

Bulk writes go through COPY or set-based statements over arrays, never a row loop.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import asyncpg
from pydantic import TypeAdapter

from snoei.rationalizer.adapters.proposal_sets import RUN_ENTRIES, chunked, store_chunks
from snoei.rationalizer.domain.waves import WavePlan
from snoei.rationalizer.encoding import EncodedProposals
from snoei.shared.contracts.proposals import Proposal, RuleFired

if TYPE_CHECKING:
    from snoei.rationalizer.adapters.connection import Connection

_proposals: TypeAdapter[list[Proposal]] = TypeAdapter(list[Proposal])
_notes: TypeAdapter[tuple[RuleFired, ...]] = TypeAdapter(tuple[RuleFired, ...])


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
    unknown_saving_count: int = 0  # standing proposals whose saving is unknown


@dataclass(frozen=True, slots=True)
class StoredRun:
    row: RunRow
    quadrants: dict[str, str]
    waves: WavePlan
    notes: tuple[RuleFired, ...] = ()  # what the run considered and set aside


_RUN_COLUMNS = (
    "run_id, landscape_id, trigger, requested_by, graph_version, inventory_sequence, "
    "started_at, finished_at, duration_ms, proposal_count, total_yearly_saving, empty_reason, "
    "stale_inputs, unknown_saving_count"
)


@dataclass(frozen=True, slots=True)
class _Document:
    """A run's quadrants, wave plan or notes as stored in ``run_documents``: the sha256 of its JSON
    text, and the text unless it is known to be stored."""

    digest: str
    text: str | None = None

    @classmethod
    def of(cls, text: str) -> _Document:
        return cls(hashlib.sha256(text.encode()).hexdigest(), text)


@dataclass(frozen=True, slots=True)
class _Last:
    """The last run of a landscape stored here (committed): its id, quadrants, wave plan
    and notes with the digests they are stored by."""

    run_id: uuid.UUID
    quadrants: dict[str, str]
    quadrants_digest: str
    waves: WavePlan
    waves_digest: str
    notes: tuple[RuleFired, ...]
    notes_digest: str


def _run_row(record: asyncpg.Record) -> RunRow:
    return RunRow(**{name.strip(): record[name.strip()] for name in _RUN_COLUMNS.split(",")})


class RunRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._last: dict[str, _Last] = {}  # of runs stored here
        # The bodies of the last run stored here: committed, and bodies are never deleted.
        self._digests: dict[str, frozenset[str]] = {}
        self._chunks: dict[str, frozenset[str]] = {}  # stored, as the digests above

    async def run_exists(self, run_id: uuid.UUID) -> bool:
        return bool(await self._pool.fetchval("SELECT 1 FROM runs WHERE run_id = $1", run_id))

    async def due_runs(self, partitions: Collection[int]) -> dict[str, int]:
        """Landscapes whose stored replica is ahead of their latest run (or that have no run
        yet), with the replica's graph version: a change not evaluated, e.g. because the
        process died while the run was debounced. Only those whose graph events arrive on one
        of ``partitions``, or whose partition is unknown (seen only through a snapshot)."""
        rows = await self._pool.fetch(
            """SELECT r.landscape_id, r.version
               FROM replicas r
               LEFT JOIN LATERAL (
                   SELECT graph_version FROM runs
                   WHERE runs.landscape_id = r.landscape_id ORDER BY ordinal DESC LIMIT 1
               ) latest ON true
               WHERE (latest.graph_version IS NULL OR r.version > latest.graph_version)
                 AND (r.graph_partition IS NULL OR r.graph_partition = ANY($1::int[]))
               ORDER BY r.landscape_id""",
            list(partitions),
        )
        return {r["landscape_id"]: r["version"] for r in rows}

    async def latest_quadrants(self, landscape_id: str) -> dict[str, str]:
        """The quadrants of the landscape's latest run: from memory when this process
        stored that run (250 KB of JSON at 10k applications, read before every run)."""
        known = self._last.get(landscape_id)
        row = await self._pool.fetchrow(
            """SELECT r.run_id,
                      CASE WHEN r.run_id = $2 THEN NULL ELSE coalesce(r.quadrants, d.body) END
                          AS quadrants
               FROM runs r LEFT JOIN run_documents d ON d.digest = r.quadrants_digest
               WHERE r.landscape_id = $1 ORDER BY r.ordinal DESC LIMIT 1""",
            landscape_id,
            known.run_id if known is not None else None,
        )
        if row is None:
            return {}
        if row["quadrants"] is None and known is not None:
            return dict(known.quadrants)
        return dict(json.loads(row["quadrants"]))

    async def save_run(self, run: StoredRun, encoded: EncodedProposals) -> bool:
        """Store a run and its proposals; False if a run with this id already exists."""
        landscape_id, digests = run.row.landscape_id, encoded.digests
        quadrants, waves, notes = self._documents(run)
        chunks = chunked(encoded)
        async with self._pool.acquire() as conn, conn.transaction():
            await self._store_documents(conn, [d for d in (quadrants, waves, notes) if d.text])
            if not await self._insert_run(
                conn, run, (quadrants, waves, notes), [c.digest for c in chunks]
            ):
                return False
            stored = self._digests.get(landscape_id, frozenset())
            await self._store_bodies(
                conn,
                {
                    d: body.decode()
                    for d, body in zip(digests, encoded.bodies, strict=True)
                    if d not in stored
                },
            )
            known = self._chunks.get(landscape_id, frozenset())
            await store_chunks(conn, [c for c in chunks if c.digest not in known])
        last = self._last.get(run.row.landscape_id)
        self._last[run.row.landscape_id] = _Last(
            run.row.run_id,
            last.quadrants if quadrants.text is None and last else dict(run.quadrants),
            quadrants.digest,
            run.waves,
            waves.digest,
            run.notes,
            notes.digest,
        )
        self._digests[landscape_id] = frozenset(digests)
        self._chunks[landscape_id] = frozenset(c.digest for c in chunks)
        return True

    def _documents(self, run: StoredRun) -> tuple[_Document, _Document, _Document]:
        """The run's quadrants, wave plan and notes as documents: the last run's (stored,
        not encoded again) where they are the same, as they mostly are after one change."""
        last = self._last.get(run.row.landscape_id)
        if last is not None and last.quadrants == run.quadrants:
            quadrants = _Document(last.quadrants_digest)
        else:
            quadrants = _Document.of(json.dumps(run.quadrants))
        if last is not None and last.waves is run.waves:  # the engine's very plan
            waves = _Document(last.waves_digest)
        else:
            waves = _Document.of(run.waves.model_dump_json())
        if last is not None and last.notes == run.notes:  # mostly the very note objects
            notes = _Document(last.notes_digest)
        else:
            notes = _Document.of(_notes.dump_json(run.notes).decode())
        return quadrants, waves, notes

    @staticmethod
    async def _store_documents(conn: Connection, documents: list[_Document]) -> None:
        """Store documents not known to be stored (another instance may store the same)."""
        if documents:
            await conn.execute(
                """INSERT INTO run_documents (digest, body)
                   SELECT * FROM unnest($1::text[], $2::jsonb[])
                   ON CONFLICT (digest) DO NOTHING""",
                [d.digest for d in documents],
                [d.text for d in documents],
            )

    @staticmethod
    async def _insert_run(
        conn: Connection,
        run: StoredRun,
        documents: tuple[_Document, _Document, _Document],
        chunks: list[str],
    ) -> bool:
        r = run.row
        inserted = await conn.fetchval(
            f"""INSERT INTO runs ({_RUN_COLUMNS}, quadrants_digest, waves_digest, notes_digest,
                                  proposal_chunks)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                        $16, $17, $18)
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
            r.unknown_saving_count,
            *(d.digest for d in documents),
            chunks,
        )
        return bool(inserted)

    @staticmethod
    async def _store_bodies(conn: Connection, bodies: dict[str, str]) -> None:
        """Store the proposal bodies (by digest) not stored before."""
        if not bodies:
            return
        known = {
            r["digest"]
            for r in await conn.fetch(
                "SELECT digest FROM proposal_bodies WHERE digest = ANY($1::text[])", list(bodies)
            )
        }
        new = [(d, b) for d, b in bodies.items() if d not in known]
        if not new:
            return
        # Another instance may store the same body meanwhile: insert through a staging
        # table, skipping conflicts.
        await conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS new_bodies "
            "(digest text, body jsonb) ON COMMIT DELETE ROWS"
        )
        await conn.copy_records_to_table("new_bodies", records=new, columns=["digest", "body"])
        await conn.execute(
            "INSERT INTO proposal_bodies (digest, body) "
            "SELECT digest, body FROM new_bodies ON CONFLICT (digest) DO NOTHING"
        )

    async def mark_published(self, run_id: uuid.UUID) -> None:
        await self._pool.execute("UPDATE runs SET published = true WHERE run_id = $1", run_id)

    async def unpublished_count(self) -> int:
        """Stored runs not yet published (a partial index keeps this cheap)."""
        return int(await self._pool.fetchval("SELECT count(*) FROM runs WHERE NOT published"))

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
        # Inline in runs stored before 0008 (notes: 0009), else by digest in run_documents.
        stored = f"""SELECT {_RUN_COLUMNS}, coalesce(r.quadrants, q.body) AS quadrants,
                            coalesce(r.waves, w.body) AS waves,
                            coalesce(r.notes, n.body) AS notes
                     FROM runs r
                     LEFT JOIN run_documents q ON q.digest = r.quadrants_digest
                     LEFT JOIN run_documents w ON w.digest = r.waves_digest
                     LEFT JOIN run_documents n ON n.digest = r.notes_digest"""
        if run_id is None:
            row = await self._pool.fetchrow(
                f"{stored} WHERE landscape_id = $1 ORDER BY ordinal DESC LIMIT 1", landscape_id
            )
        else:
            row = await self._pool.fetchrow(
                f"{stored} WHERE landscape_id = $1 AND run_id = $2", landscape_id, run_id
            )
        if row is None:
            return None
        return StoredRun(
            _run_row(row),
            dict(json.loads(row["quadrants"])),
            WavePlan.model_validate_json(row["waves"]),
            _notes.validate_json(row["notes"]),
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
            f"""SELECT coalesce(p.body, b.body) AS body
               FROM ({RUN_ENTRIES}) p LEFT JOIN proposal_bodies b ON b.digest = p.body_digest
               WHERE ($2::text IS NULL OR p.action = $2)
                 AND ($3::float8 IS NULL OR p.yearly_saving >= $3)
                 AND ($4::text IS NULL OR p.proposal_id = $4)
               ORDER BY p.yearly_saving DESC NULLS LAST, p.proposal_id""",
            run_id,
            action,
            min_saving,
            proposal_id,
        )
        if not rows:
            return []
        return _proposals.validate_json("[" + ",".join(r["body"] for r in rows) + "]")
