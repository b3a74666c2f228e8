"""What one application depends on, and what depends on it."""

from __future__ import annotations

from fastapi import APIRouter

from snoei.dependency.api.dependencies import Depth, Service
from snoei.dependency.domain import analysis
from snoei.shared.http import AuthorizedLandscape
from snoei.shared.identifiers import Text

router = APIRouter(prefix="/applications/{application_id}")


@router.get("/dependencies", response_model=analysis.Neighbourhood)
async def dependencies(
    landscape_id: AuthorizedLandscape, service: Service, application_id: Text, depth: Depth
) -> analysis.Neighbourhood:
    """Applications whose data this one consumes, directly and up to `depth` hops."""
    g = await service.graph(landscape_id)
    return analysis.neighbourhood(g, application_id, depth=depth, upstream=True)


@router.get("/dependents", response_model=analysis.Neighbourhood)
async def dependents(
    landscape_id: AuthorizedLandscape, service: Service, application_id: Text, depth: Depth
) -> analysis.Neighbourhood:
    """Applications consuming this one's data, directly and up to `depth` hops."""
    g = await service.graph(landscape_id)
    return analysis.neighbourhood(g, application_id, depth=depth, upstream=False)
