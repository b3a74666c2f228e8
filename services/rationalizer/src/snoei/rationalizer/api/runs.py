"""Rationalisation runs: ask for one, the history, one run in full and the diff of two."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from snoei.rationalizer.api.dependencies import Queries, Runs, not_found
from snoei.rationalizer.api.models import (
    ProposalChange,
    RunAccepted,
    RunDetail,
    RunDiffView,
    RunRequestBody,
    RunSummary,
)
from snoei.rationalizer.queries import RunNotFound
from snoei.shared.contracts.runs import RunTrigger
from snoei.shared.http import AuthorizedLandscape

router = APIRouter(prefix="/runs")


@router.get("", response_model=list[RunSummary])
async def runs(
    landscape_id: AuthorizedLandscape,
    service: Queries,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[RunSummary]:
    """Run history, newest first."""
    return [RunSummary.of(r) for r in await service.runs(landscape_id, limit)]


@router.post("", response_model=RunAccepted, status_code=status.HTTP_202_ACCEPTED)
async def request_run(
    landscape_id: AuthorizedLandscape, runs: Runs, body: RunRequestBody | None = None
) -> RunAccepted:
    """Ask for a run; it is evaluated asynchronously by the instance owning the landscape."""
    body = body or RunRequestBody()
    run_id = await runs.request_run(
        landscape_id, trigger=RunTrigger(body.trigger), requested_by=body.requested_by
    )
    return RunAccepted(run_id=run_id)


@router.get("/{run_id}", response_model=RunDetail)
async def run_detail(
    landscape_id: AuthorizedLandscape, service: Queries, run_id: uuid.UUID
) -> RunDetail:
    try:
        run, proposals = await service.run_detail(landscape_id, run_id)
    except RunNotFound as exc:
        raise not_found(exc) from None
    recommended = service.recommended(proposals)
    return RunDetail(
        run=RunSummary.of(run.row),
        proposals=proposals,
        recommended_yearly_saving=recommended.yearly_saving,
        recommended_count=recommended.count,
        waves=run.waves,
        notes=list(run.notes),
    )


@router.get("/{run_id}/diff", response_model=RunDiffView)
async def diff(
    landscape_id: AuthorizedLandscape,
    service: Queries,
    run_id: uuid.UUID,
    against: Annotated[
        uuid.UUID | None, Query(description="Earlier run; default the one before.")
    ] = None,
) -> RunDiffView:
    """What changed between two runs: added, removed and changed proposals."""
    try:
        result = await service.diff(landscape_id, run_id, against)
    except RunNotFound as exc:
        raise not_found(exc) from None
    return RunDiffView(
        from_run=result.from_run,
        to_run=result.to_run,
        added=result.added,
        removed=result.removed,
        changed=[
            ProposalChange(id=a.id, fields=f, before=b, after=a) for b, a, f in result.changed
        ],
        saving_change=result.saving_change,
    )
