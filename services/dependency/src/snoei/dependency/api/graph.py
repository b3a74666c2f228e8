"""The whole graph: the snapshot a `dependency.graph` consumer starts from, and exports."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from snoei.dependency.api.dependencies import Service
from snoei.dependency.domain import export
from snoei.dependency.domain.tables import graph_tables
from snoei.shared.contracts.graph import GraphContent, GraphHead
from snoei.shared.http import AuthorizedLandscape, Problem
from snoei.shared.tables import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, TableFormat, table_response

router = APIRouter()


class ExportFormat(StrEnum):
    JSON = "json"
    GRAPHML = "graphml"
    ARCHIMATE = "archimate"
    CSV = "csv"
    XLSX = "xlsx"


class GraphTable(StrEnum):
    NODES = "nodes"
    EDGES = "edges"


@router.get("/graph", response_model=GraphContent)
async def graph(landscape_id: AuthorizedLandscape, service: Service) -> GraphContent:
    """The whole graph and its version: the snapshot a `dependency.graph` consumer asks
    for at start or after missing versions."""
    return await service.snapshot(landscape_id)


@router.get("/graph/head", response_model=GraphHead)
async def graph_head(landscape_id: AuthorizedLandscape, service: Service) -> GraphHead:
    """The last graph version and whether changes already applied wait for the next one:
    the rationalizer asks before evaluating a load that seems to have settled."""
    return await service.head(landscape_id)


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/json": {},
                "application/graphml+xml": {},
                "application/xml": {},
                CSV_MEDIA_TYPE: {},
                XLSX_MEDIA_TYPE: {},
            }
        }
    },
)
async def export_graph(
    landscape_id: AuthorizedLandscape,
    service: Service,
    format: ExportFormat = ExportFormat.JSON,
    kind: Annotated[GraphTable | None, Query(description="csv / xlsx: only this table; "
                                                         "required for csv.")] = None,
) -> Response:
    """The graph as JSON node-link (networkx), GraphML, ArchiMate exchange XML (which the
    inventory's ArchiMate import reads back without loss), or as spreadsheet tables (xlsx:
    sheets `nodes` and `edges`; csv: the one `kind`) with each node's graph metrics."""
    if format in (ExportFormat.CSV, ExportFormat.XLSX):
        return await _tables(landscape_id, service, TableFormat(format.value), kind)
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


async def _tables(
    landscape_id: str, service: Service, fmt: TableFormat, kind: GraphTable | None
) -> Response:
    if fmt is TableFormat.CSV and kind is None:
        raise Problem(422, "Invalid request",
                      "kind: a CSV file holds one table; choose nodes or edges")
    g = await service.graph(landscape_id)
    tables = graph_tables(g, await service.clusters(landscape_id))
    chosen = [t for t in tables if kind is None or t.name == kind.value]
    stem = f"{landscape_id}-graph" + (f"-{kind.value}" if kind else "")
    return table_response(chosen, fmt, stem)
