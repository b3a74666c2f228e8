"""What the landscape's state says about itself: data-quality issues and the canonical event
log from which downstream services rebuild."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from snoei.inventory.api.dependencies import Service
from snoei.inventory.api.models import QualityIssueOut
from snoei.shared.http import AuthorizedLandscape

MAX_SEQUENCE = 2**63 - 1  # a PostgreSQL bigint
router = APIRouter()


@router.get("/quality-issues", response_model=list[QualityIssueOut])
async def quality_issues(
    landscape_id: AuthorizedLandscape, service: Service
) -> list[QualityIssueOut]:
    """Items naming applications, capabilities or parents the landscape does not hold
    (yet): out-of-order input is kept and listed here until the other item arrives."""
    return [
        QualityIssueOut(kind=i.kind, id=i.id, field=i.field, problem=i.problem, detail=i.detail)
        for i in await service.quality_issues(landscape_id)
    ]


@router.get("/events")
async def replay_events(
    landscape_id: AuthorizedLandscape,
    service: Service,
    from_sequence: Annotated[int, Query(ge=1, le=MAX_SEQUENCE)] = 1,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """Canonical events from a sequence number, to rebuild downstream state."""
    return await service.events(landscape_id, from_sequence, limit)
