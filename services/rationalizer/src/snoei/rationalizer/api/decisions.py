"""The architects' decisions: accept or reject a proposal, and the decisions in force."""

from __future__ import annotations

from fastapi import APIRouter

from snoei.rationalizer.api.dependencies import Decisions, Queries, not_found
from snoei.rationalizer.api.models import DecisionRequest, DecisionView, ProposalExplained
from snoei.rationalizer.queries import ProposalNotFound
from snoei.shared.http import AuthorizedLandscape

router = APIRouter()


@router.post("/decisions", response_model=ProposalExplained, status_code=201)
async def decide(
    landscape_id: AuthorizedLandscape,
    deciding: Decisions,
    queries: Queries,
    body: DecisionRequest,
) -> ProposalExplained:
    """Accept or reject a proposal; a rejection holds until the proposal's facts change."""
    try:
        proposal = await deciding.decide(
            landscape_id,
            body.proposal_id,
            verdict=body.verdict,
            reason=body.reason,
            decided_by=body.decided_by,
        )
    except ProposalNotFound as exc:
        raise not_found(exc) from None
    decision = next(
        d for d in await queries.decisions(landscape_id) if d.proposal_id == proposal.id
    )
    return ProposalExplained(
        proposal=proposal, decision=DecisionView.of(decision), decision_applies=True
    )


@router.get("/decisions", response_model=list[DecisionView])
async def decisions(landscape_id: AuthorizedLandscape, queries: Queries) -> list[DecisionView]:
    """The decision in force per proposal, newest first."""
    return [DecisionView.of(d) for d in await queries.decisions(landscape_id)]
