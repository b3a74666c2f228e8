"""The architects' decisions: accept or reject a proposal, and the decisions in force."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from snoei.rationalizer.api.dependencies import Decisions, Queries, not_found
from snoei.rationalizer.api.models import DecisionRequest, DecisionView, ProposalExplained
from snoei.rationalizer.queries import ProposalNotFound
from snoei.shared.http import AuthorizedLandscape, Caller
from snoei.shared.identifiers import Text

router = APIRouter()


@router.post("/decisions", response_model=ProposalExplained, status_code=201)
async def decide(
    landscape_id: AuthorizedLandscape,
    deciding: Decisions,
    queries: Queries,
    body: DecisionRequest,
    token: Caller,
    user: Annotated[Text | None, Header(alias="X-Snoei-User", max_length=200,
                                        description="Who decides, when the body does not "
                                                    "say (`decided_by`).")] = None,
) -> ProposalExplained:
    """Accept or reject a proposal; a rejection holds until the proposal's facts change.
    `decided_by` records the name given (body, else `X-Snoei-User`) with the fingerprint of
    the bearer token that sent it, e.g. `Ada (token:1a2b3c4d5e6f)`, or the fingerprint
    alone: a name is what the caller says, the token is what the server checked."""
    name = body.decided_by or user
    try:
        proposal = await deciding.decide(
            landscape_id,
            body.proposal_id,
            verdict=body.verdict,
            reason=body.reason,
            decided_by=f"{name} ({token})" if name else token,
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
