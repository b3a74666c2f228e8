"""`GET /export`: the landscape's items as a spreadsheet, one row per item, in the columns
the CSV importer reads (so an exported CSV, edited, imports again)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from snoei.inventory.api.dependencies import Service
from snoei.inventory.api.items import RECORDS, AsOf, parse_as_of
from snoei.inventory.service import InventoryService
from snoei.shared.contracts.landscape import ApplicationRecord
from snoei.shared.http import AuthorizedLandscape, Problem
from snoei.shared.tables import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Table,
    TableFormat,
    table,
    table_response,
)

router = APIRouter()
PAGE = 10_000


class ItemKind(StrEnum):
    APPLICATIONS = "applications"
    INTEGRATIONS = "integrations"
    CAPABILITIES = "capabilities"
    TECHNOLOGIES = "technologies"


APPLICATION_COLUMNS = (
    "id", "name", "description", "owner", "supplier", "product", "version", "lifecycle",
    "hosting", "owned", "kind", "criticality", "users", "business_value",
    "technical_fitness", "cost_licence", "cost_hosting", "cost_support", "cost_staff",
    "contract_end", "technologies", "capabilities", "specialises", "part_of",
)
COLUMNS: dict[ItemKind, tuple[str, ...]] = {
    ItemKind.APPLICATIONS: APPLICATION_COLUMNS,
    ItemKind.INTEGRATIONS: ("id", "source", "target", "kind", "data_objects", "protocol",
                            "criticality", "name"),
    ItemKind.CAPABILITIES: ("id", "name", "parent_id", "description"),
    ItemKind.TECHNOLOGIES: ("id", "product", "version", "end_of_support", "end_of_life"),
}


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}},
)
async def export_items(
    landscape_id: AuthorizedLandscape,
    service: Service,
    format: Annotated[TableFormat, Query(description="`xlsx` (one sheet per kind) or "
                                                     "`csv` (one kind).")] = TableFormat.XLSX,
    kind: Annotated[ItemKind | None, Query(description="Only this kind; required for "
                                                       "CSV.")] = None,
    as_of: AsOf = None,
) -> Response:
    """Applications, integrations, capabilities and technologies, one row per item: numbers
    as numbers, dates as dates, unknown values (such as unknown costs) as empty cells."""
    if format is TableFormat.CSV and kind is None:
        raise Problem(422, "Invalid request", "kind: a CSV file holds one kind; choose one of "
                      + ", ".join(k.value for k in ItemKind))
    moment = parse_as_of(as_of)
    sheets = [
        await _sheet(service, landscape_id, k, moment) for k in ([kind] if kind else ItemKind)
    ]
    stem = f"{landscape_id}-inventory" + (f"-{kind.value}" if kind else "")
    return table_response(sheets, format, stem)


async def _sheet(service: InventoryService, landscape_id: str, kind: ItemKind,
                 as_of: datetime | None) -> Table:
    singular, model = RECORDS[kind.value]
    items: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = await service.items(landscape_id, singular, as_of=as_of, after=after,
                                   limit=PAGE)
        items.extend(page)
        if len(page) < PAGE:
            break
        after = str(page[-1]["id"])
    row_of = _application if kind is ItemKind.APPLICATIONS else _record
    rows = [row_of(model, item) for item in items]
    columns = COLUMNS[kind]
    if kind is ItemKind.APPLICATIONS:
        attributes = sorted({k for row in rows for k in row if k.startswith("attr:")})
        columns = (*columns, *attributes)
    return table(kind.value, rows, columns)


def _record(model: type[BaseModel], item: dict[str, Any]) -> dict[str, Any]:
    return model.model_validate(item).model_dump()


def _application(_: type[BaseModel], item: dict[str, Any]) -> dict[str, Any]:
    """The application in the CSV importer's columns: costs split (empty when unknown),
    technologies as ``product:version``, attributes as ``attr:<name>``."""
    app = ApplicationRecord.model_validate(item)
    row = app.model_dump(exclude={"costs", "technologies", "attributes"})
    for part in ("licence", "hosting", "support", "staff"):
        row[f"cost_{part}"] = getattr(app.costs, part) if app.costs is not None else None
    row["technologies"] = [f"{t.product}:{t.version}" if t.version else t.product
                           for t in app.technologies]
    row.update({f"attr:{k}": v for k, v in app.attributes.items()})
    return row
