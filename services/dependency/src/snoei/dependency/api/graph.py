"""The whole graph: the snapshot a `dependency.graph` consumer starts from, and exports."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from snoei.dependency.api.dependencies import Service
from snoei.dependency.domain import export
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.http import AuthorizedLandscape

router = APIRouter()


class ExportFormat(StrEnum):
    JSON = "json"
    GRAPHML = "graphml"
    ARCHIMATE = "archimate"


@router.get("/graph", response_model=GraphContent)
async def graph(landscape_id: AuthorizedLandscape, service: Service) -> GraphContent:
    """The whole graph and its version: the snapshot a `dependency.graph` consumer asks
    for at start or after missing versions."""
    return await service.snapshot(landscape_id)


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
    landscape_id: AuthorizedLandscape, service: Service, format: ExportFormat = ExportFormat.JSON
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
