"""Architects' decisions: an accept or reject recorded against the proposal's current facts
(laid over later runs while those facts hold, see ``queries.overlay``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from snoei.rationalizer.adapters.decisions import DecisionRepository, DecisionRow
from snoei.rationalizer.domain.engine import Verdict
from snoei.rationalizer.queries import QueryService, overlay
from snoei.shared.contracts.proposals import Proposal


class DecisionService:
    def __init__(
        self,
        *,
        queries: QueryService,
        decisions: DecisionRepository,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._queries = queries
        self._decisions = decisions
        self._now = now

    async def decide(
        self,
        landscape_id: str,
        proposal_id: str,
        *,
        verdict: Verdict,
        reason: str,
        decided_by: str | None,
    ) -> Proposal:
        """Record an accept / reject on the proposal's current facts; ``ProposalNotFound``
        if it is not in the latest run."""
        proposal, _ = await self._queries.proposal(landscape_id, proposal_id)
        row = DecisionRow(
            landscape_id,
            proposal_id,
            verdict,
            reason,
            proposal.facts_hash,
            decided_by,
            self._now(),
        )
        await self._decisions.add_decision(row)
        return overlay(proposal, row)
