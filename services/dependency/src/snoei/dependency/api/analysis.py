"""Graph questions over the whole landscape: the impact of removing applications, cycles,
single points of failure, clusters and paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from snoei.dependency.api.dependencies import Service, Settings, within
from snoei.dependency.domain import analysis, reachability
from snoei.shared.http import AuthorizedLandscape
from snoei.shared.identifiers import Text

router = APIRouter()


class ImpactRequest(BaseModel):
    applications: list[Text] = Field(
        min_length=1,
        description="Ids of the applications to remove (what-if); at most "
        "max_impact_applications.",
    )


async def impact_listed(
    settings: Settings,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            description="Most impacted applications described in full (nearest and "
            "heaviest first); counts and blast_radius always cover all of them. Default "
            "default_impact_listed, at most max_impact_listed.",
        ),
    ] = None,
) -> int:
    if limit is None:
        return settings.default_impact_listed
    return within("limit", limit, settings.max_impact_listed, "max_impact_listed")


@router.post("/impact", response_model=analysis.Impact)
async def impact(
    landscape_id: AuthorizedLandscape,
    service: Service,
    settings: Settings,
    request: ImpactRequest,
    limit: Annotated[int, Depends(impact_listed)],
) -> Response:
    """Blast radius of removing the given applications: who loses which data flows,
    directly and transitively, weighted by criticality."""
    within("applications", len(request.applications), settings.max_impact_applications,
           "max_impact_applications")
    g = await service.graph(landscape_id)
    # The body as serialised once per question and graph version (issue 16): FastAPI would
    # validate and serialise the model again on every request. response_model still
    # documents it.
    return Response(
        reachability.impact_json(g, request.applications, limit=limit),
        media_type="application/json",
    )


@router.get("/cycles", response_model=list[analysis.Cycle])
async def cycles(landscape_id: AuthorizedLandscape, service: Service) -> list[analysis.Cycle]:
    """Groups of applications that feed each other (strongly connected components)."""
    return analysis.cycles(await service.graph(landscape_id))


@router.get("/spof", response_model=analysis.SinglePointsOfFailure)
async def spof(
    landscape_id: AuthorizedLandscape, service: Service
) -> analysis.SinglePointsOfFailure:
    """Single points of failure: articulation points and bridges."""
    return analysis.single_points_of_failure(await service.graph(landscape_id))


@router.get("/clusters", response_model=analysis.Clusters)
async def clusters(landscape_id: AuthorizedLandscape, service: Service) -> analysis.Clusters:
    """Communities of closely integrated applications (Louvain), recomputed on a
    debounce; `inventory_sequence` says which state they reflect."""
    return await service.clusters(landscape_id)


@router.get("/paths", response_model=list[analysis.Path])
async def paths(
    landscape_id: AuthorizedLandscape,
    service: Service,
    settings: Settings,
    source: Annotated[Text, Query(description="Application the data starts at.")],
    target: Annotated[Text, Query(description="Application the data should reach.")],
    max_hops: Annotated[int, Query(ge=1, description="At most max_path_hops.")] = 5,
    limit: Annotated[int, Query(ge=1, description="At most max_paths.")] = 10,
) -> list[analysis.Path]:
    """Simple paths along the data flow from `source` to `target`, shortest first."""
    within("max_hops", max_hops, settings.max_path_hops, "max_path_hops")
    within("limit", limit, settings.max_paths, "max_paths")
    g = await service.graph(landscape_id)
    return analysis.paths(g, source, target, max_hops=max_hops, limit=limit)
