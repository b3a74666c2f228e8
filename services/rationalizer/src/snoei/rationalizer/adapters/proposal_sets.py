"""A run's list of proposals, stored in chunks by content.

A run after one change lists the previous run's 2,754 proposals (at 10k applications) with
one or two different: stored as a row each, every run wrote them all again (COPY, index,
WAL; most of what storing a run took, and of the database's growth). The list, ordered by
proposal id, is cut where a proposal id's hash says so (content-defined: adding or removing
a proposal changes only its own chunk, not the boundaries after it), and each chunk is stored
once by the digest of what it lists; a run names its chunks in order. Runs stored before
migration 0010 keep their rows in ``run_proposals`` and are read from there.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from snoei.rationalizer.encoding import EncodedProposals

if TYPE_CHECKING:
    from snoei.rationalizer.adapters.connection import Connection

SPREAD = 64
"""A chunk ends after a proposal whose id hashes to 0 modulo this: about 64 per chunk."""

Entry = tuple[str, str, str, float | None, str, str]
"""(proposal id, action, status, yearly saving, facts hash, body digest)"""


@dataclass(frozen=True, slots=True)
class Chunk:
    digest: str
    entries: tuple[Entry, ...]


def chunked(encoded: EncodedProposals) -> list[Chunk]:
    """The run's proposals as chunks, in the order of their ids."""
    entries = sorted(
        (p.id, p.action.value, p.status.value, p.yearly_saving, p.facts_hash, digest)
        for p, digest in zip(encoded.proposals, encoded.digests, strict=True)
    )
    chunks: list[Chunk] = []
    start = 0
    for index, entry in enumerate(entries):
        if zlib.crc32(entry[0].encode()) % SPREAD == 0 or index == len(entries) - 1:
            chunks.append(_chunk(entries[start : index + 1]))
            start = index + 1
    return chunks


def _chunk(entries: Sequence[Entry]) -> Chunk:
    # The body (by its digest) holds every other field of the entry.
    listed = "\n".join(f"{e[0]}\t{e[5]}" for e in entries)
    return Chunk(hashlib.sha256(listed.encode()).hexdigest(), tuple(entries))


async def store_chunks(conn: Connection, chunks: Sequence[Chunk]) -> None:
    """Store chunks not stored before (another instance may store the same meanwhile)."""
    if chunks:
        await conn.executemany(
            """INSERT INTO proposal_chunks (digest, proposal_ids, actions, statuses,
                                            yearly_savings, facts_hashes, body_digests)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (digest) DO NOTHING""",
            [(c.digest, *(list(column) for column in zip(*c.entries, strict=True)))
             for c in chunks],
        )


RUN_ENTRIES = """
    SELECT e.proposal_id, e.action, e.yearly_saving, e.body_digest, NULL::jsonb AS body
    FROM runs r
    CROSS JOIN LATERAL unnest(r.proposal_chunks) AS k(digest)
    JOIN proposal_chunks c ON c.digest = k.digest
    CROSS JOIN LATERAL unnest(c.proposal_ids, c.actions, c.yearly_savings, c.body_digests)
        AS e(proposal_id, action, yearly_saving, body_digest)
    WHERE r.run_id = $1
    UNION ALL
    SELECT proposal_id, action, yearly_saving, body_digest, body
    FROM run_proposals WHERE run_id = $1
"""
"""A run's entries, from its chunks, or from ``run_proposals`` for a run stored before."""
