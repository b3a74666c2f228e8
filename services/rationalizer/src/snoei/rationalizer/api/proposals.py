"""Proposals of the latest run, one proposal explained, its decommission waves and the
board report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from snoei.rationalizer.api.dependencies import Queries, not_found
from snoei.rationalizer.api.models import (
    DecisionView,
    ProposalExplained,
    ProposalList,
    RunSummary,
)
from snoei.rationalizer.domain.completeness import DataCompleteness
from snoei.rationalizer.domain.waves import WavePlan
from snoei.rationalizer.queries import NoRunYet, ProposalNotFound, UnknownLandscape
from snoei.rationalizer.report import Language
from snoei.shared.contracts.proposals import Action, ProposalStatus
from snoei.shared.http import AuthorizedLandscape
from snoei.shared.identifiers import Text

router = APIRouter()
STANDING = (ProposalStatus.OPEN, ProposalStatus.NEEDS_DATA, ProposalStatus.ACCEPTED)


@router.get("/proposals", response_model=ProposalList)
async def list_proposals(
    landscape_id: AuthorizedLandscape,
    service: Queries,
    action: Annotated[Action | None, Query(description="Only this action.")] = None,
    status_: Annotated[
        ProposalStatus | None, Query(alias="status", description="Only this status.")
    ] = None,
    min_saving: Annotated[
        float | None,
        Query(ge=0, description="Only a known yearly saving of at least this many euros."),
    ] = None,
) -> ProposalList:
    """Proposals of the latest run, with decisions taken since applied."""
    run, proposals = await service.proposals(
        landscape_id,
        action=action.value if action else None,
        status=status_.value if status_ else None,
        min_saving=min_saving,
    )
    standing = [p for p in proposals if p.status in STANDING]
    try:
        # blocking advice is counted over the whole run, not a filtered list
        unfiltered = action is None and status_ is None and min_saving is None
        completeness = await service.completeness(landscape_id, proposals if unfiltered else None)
    except UnknownLandscape:
        completeness = None
    recommended = service.recommended(proposals)
    return ProposalList(
        run=RunSummary.of(run.row) if run else None,
        proposals=proposals,
        total_yearly_saving=round(
            sum(p.yearly_saving for p in standing if p.yearly_saving is not None), 2
        ),
        unknown_saving_count=sum(1 for p in standing if p.yearly_saving is None),
        recommended_yearly_saving=recommended.yearly_saving,
        recommended_count=recommended.count,
        empty_reason=(run.row.empty_reason if run else "no run has been made yet"),
        notes=list(run.notes) if run else [],
        completeness=completeness,
    )


@router.get("/completeness", response_model=DataCompleteness)
async def completeness(landscape_id: AuthorizedLandscape, service: Queries) -> DataCompleteness:
    """Per field (costs, scores, lifecycle, technologies, owner): how many of the owned
    applications have it, and which applications' missing data blocks the most proposals."""
    try:
        return await service.completeness(landscape_id)
    except UnknownLandscape as exc:
        raise not_found(exc) from None


@router.get("/proposals/{proposal_id:path}", response_model=ProposalExplained)
async def explain(
    landscape_id: AuthorizedLandscape, service: Queries, proposal_id: Text
) -> ProposalExplained:
    """One proposal with its evidence, economics, blast radius and decision."""
    try:
        proposal, decision = await service.proposal(landscape_id, proposal_id)
    except ProposalNotFound as exc:
        raise not_found(exc) from None
    return ProposalExplained(
        proposal=proposal,
        decision=DecisionView.of(decision) if decision else None,
        decision_applies=decision is not None and decision.facts_hash == proposal.facts_hash,
    )


@router.get("/waves", response_model=WavePlan)
async def waves(landscape_id: AuthorizedLandscape, service: Queries) -> WavePlan:
    """Decommission waves of the latest run: consumers go before their suppliers."""
    run = await service.latest(landscape_id)
    return run.waves if run is not None else WavePlan()


@router.get("/report", response_class=HTMLResponse)
async def report(
    landscape_id: AuthorizedLandscape,
    service: Queries,
    lang: Annotated[Language, Query(description="Language of the report.")] = "en",
) -> HTMLResponse:
    """The latest run as a self-contained HTML report a board can read."""
    try:
        return HTMLResponse(await service.report(landscape_id, lang))
    except NoRunYet as exc:
        raise not_found(exc) from None
