"""`POST /imports`: a CSV, ArchiMate, Archi or Backstage file, read as a whole and applied in
one transaction; `POST /imports/prune` ends an import sent in batches."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile

from snoei.inventory.api.dependencies import MaxUploadBytes, Service
from snoei.inventory.api.models import ApplyResponse, ImportResponse, PruneRequest, RowProblem
from snoei.inventory.importers import (
    FormatChoice,
    ImportFailed,
    ImportRejected,
    OnError,
    import_file,
)
from snoei.inventory.upload_limit import too_large
from snoei.shared.http import AuthorizedLandscape, Problem
from snoei.shared.identifiers import Text

router = APIRouter()


@router.post("/imports", response_model=ImportResponse)
async def import_upload(
    landscape_id: AuthorizedLandscape,
    service: Service,
    max_upload_bytes: MaxUploadBytes,
    file: Annotated[UploadFile, File(description="CSV, ArchiMate exchange XML, Archi "
                                                  ".archimate or Backstage YAML.")],
    format: Annotated[FormatChoice, Query(description="File format; auto detects.")] = "auto",
    on_error: Annotated[
        OnError,
        Query(description="A bad row: `abort` the whole import (nothing applied) or "
                          "`skip` it and import the rest (skipped rows are listed)."),
    ] = "abort",
    prune: Annotated[bool, Query(description="Delete items this source wrote before that "
                                             "the file no longer names.")] = False,
    source: Annotated[Text | None, Query(max_length=200, description="Source to record; "
                                         "default `import:<format>:<file name>`.")] = None,
    revision: Annotated[Text, Query(max_length=200, description="Salt for change ids: "
                                    "re-applies content seen before (e.g. a revert).")] = "",
) -> ImportResponse:
    """Import a file: parsed and validated as a whole, then applied in one transaction."""
    if file.size is not None and file.size > max_upload_bytes:
        raise too_large(max_upload_bytes)
    data = await file.read()
    if len(data) > max_upload_bytes:
        raise too_large(max_upload_bytes)
    try:
        fmt, result = await asyncio.to_thread(
            import_file, data, filename=file.filename or "upload", landscape_id=landscape_id,
            fmt=format, on_error=on_error, source=source, revision=revision,
        )
    except ImportFailed as exc:
        raise Problem(422, "Unreadable file", str(exc)) from None
    except ImportRejected as exc:
        raise Problem(
            422, "Import rejected",
            f"{len(exc.errors)} bad row(s), nothing imported (on_error=abort): {exc}",
            extra={"errors": [_row(e) for e in exc.errors]},
        ) from None
    recorded = result.changes[0].payload.source if result.changes else (
        source or f"import:{fmt}:{file.filename}"
    )
    deletes = await service.prune_changes(landscape_id, recorded, result.present) if prune else []
    applied = await service.apply([*result.changes, *deletes], landscape_id=landscape_id)
    return ImportResponse(
        **ApplyResponse.of(applied).model_dump(), format=fmt, source=recorded,
        items=result.counts(), deleted=len(deletes),
        skipped=[RowProblem(**_row(e)) for e in result.errors],
    )


@router.post("/imports/prune", response_model=ImportResponse)
async def prune_import(
    landscape_id: AuthorizedLandscape, service: Service, request: PruneRequest
) -> ImportResponse:
    """After an import sent in batches: delete items last written by `source` that the
    file no longer names."""
    present: set[tuple[str, str]] = {(ref.kind, ref.id) for ref in request.present}
    deletes = await service.prune_changes(landscape_id, request.source, present)
    applied = await service.apply(deletes, landscape_id=landscape_id)
    return ImportResponse(
        **ApplyResponse.of(applied).model_dump(), format="", source=request.source, items={},
        deleted=len(deletes), skipped=[],
    )


def _row(error: Any) -> dict[str, Any]:
    return {"location": error.location, "item": error.item, "field": error.field,
            "message": error.message}
