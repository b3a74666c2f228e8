"""HTTP API of the dependency service (OpenAPI at /docs): graph questions per landscape.

Limits (answered with 422 when exceeded) come from the settings: ``max_depth``,
``max_impact_applications``, ``max_impact_listed``, ``max_path_hops`` and ``max_paths``.
"""

# No `from __future__ import annotations` here: FastAPI resolves the route signatures at
# runtime, and they use aliases local to build_router.
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from snoei.dependency.config import DependencySettings
from snoei.dependency.domain import analysis, export
from snoei.dependency.service import DependencyService
from snoei.shared.contracts.graph import GraphContent


class ExportFormat(StrEnum):
    JSON = "json"
    GRAPHML = "graphml"
    ARCHIMATE = "archimate"


def build_router(
    *, service: DependencyService, settings: DependencySettings, guard: Any
) -> APIRouter:
    router = APIRouter(prefix="/v1/landscapes/{landscape_id}", tags=["dependency"])
    Landscape = Annotated[str, Depends(guard)]  # noqa: N806  (a type alias)
    Depth = Annotated[  # noqa: N806  (a type alias)
        int,
        Query(ge=1, le=settings.max_depth, description="Hops to follow (1 = direct only)."),
    ]

    class ImpactRequest(BaseModel):
        applications: list[str] = Field(
            min_length=1,
            max_length=settings.max_impact_applications,
            description="Ids of the applications to remove (what-if).",
        )

    @router.get("/graph", response_model=GraphContent)
    async def graph(landscape_id: Landscape) -> GraphContent:
        """The whole graph and its version: the snapshot a `dependency.graph` consumer asks
        for at start or after missing versions."""
        return await service.snapshot(landscape_id)

    @router.get(
        "/applications/{application_id}/dependencies", response_model=analysis.Neighbourhood
    )
    async def dependencies(
        landscape_id: Landscape, application_id: str, depth: Depth = 1
    ) -> analysis.Neighbourhood:
        """Applications whose data this one consumes, directly and up to `depth` hops."""
        g = await service.graph(landscape_id)
        return analysis.neighbourhood(g, application_id, depth=depth, upstream=True)

    @router.get("/applications/{application_id}/dependents", response_model=analysis.Neighbourhood)
    async def dependents(
        landscape_id: Landscape, application_id: str, depth: Depth = 1
    ) -> analysis.Neighbourhood:
        """Applications consuming this one's data, directly and up to `depth` hops."""
        g = await service.graph(landscape_id)
        return analysis.neighbourhood(g, application_id, depth=depth, upstream=False)

    @router.post("/impact", response_model=analysis.Impact)
    async def impact(
        landscape_id: Landscape,
        request: ImpactRequest,
        limit: Annotated[
            int,
            Query(
                ge=1,
                le=settings.max_impact_listed,
                description="Most impacted applications described in full (nearest and "
                "heaviest first); counts and blast_radius always cover all of them.",
            ),
        ] = settings.default_impact_listed,
    ) -> analysis.Impact:
        """Blast radius of removing the given applications: who loses which data flows,
        directly and transitively, weighted by criticality."""
        g = await service.graph(landscape_id)
        return analysis.impact(g, request.applications, limit=limit)

    @router.get("/cycles", response_model=list[analysis.Cycle])
    async def cycles(landscape_id: Landscape) -> list[analysis.Cycle]:
        """Groups of applications that feed each other (strongly connected components)."""
        return analysis.cycles(await service.graph(landscape_id))

    @router.get("/spof", response_model=analysis.SinglePointsOfFailure)
    async def spof(landscape_id: Landscape) -> analysis.SinglePointsOfFailure:
        """Single points of failure: articulation points and bridges."""
        return analysis.single_points_of_failure(await service.graph(landscape_id))

    @router.get("/clusters", response_model=analysis.Clusters)
    async def clusters(landscape_id: Landscape) -> analysis.Clusters:
        """Communities of closely integrated applications (Louvain), recomputed on a
        debounce; `inventory_sequence` says which state they reflect."""
        return await service.clusters(landscape_id)

    @router.get("/paths", response_model=list[analysis.Path])
    async def paths(
        landscape_id: Landscape,
        source: Annotated[str, Query(description="Application the data starts at.")],
        target: Annotated[str, Query(description="Application the data should reach.")],
        max_hops: Annotated[int, Query(ge=1, le=settings.max_path_hops)] = 5,
        limit: Annotated[int, Query(ge=1, le=settings.max_paths)] = 10,
    ) -> list[analysis.Path]:
        """Simple paths along the data flow from `source` to `target`, shortest first."""
        g = await service.graph(landscape_id)
        return analysis.paths(g, source, target, max_hops=max_hops, limit=limit)

    @router.get(
        "/export",
        response_class=Response,
        responses={
            200: {
                "content": {
                    "application/json": {},
                    "application/graphml+xml": {},
                    "application/xml": {},
                }
            }
        },
    )
    async def export_graph(
        landscape_id: Landscape, format: ExportFormat = ExportFormat.JSON
    ) -> Response:
        """The graph as JSON node-link (networkx), GraphML, or ArchiMate exchange XML."""
        g = await service.graph(landscape_id)
        if format is ExportFormat.JSON:
            return JSONResponse(export.node_link(g))
        if format is ExportFormat.GRAPHML:
            body, media, suffix = export.graphml(g), "application/graphml+xml", "graphml"
        else:
            body, media, suffix = export.archimate(g), "application/xml", "xml"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{landscape_id}.{suffix}"'},
        )

    return router
