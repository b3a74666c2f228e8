"""SQL of the architects' decisions: append-only, the latest per proposal is in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from snoei.rationalizer.domain.engine import Decision, Verdict


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


class DecisionRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

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
